/*
 * test_desk — end-to-end tests of the front desk and the referrals
 * (tui/desk_*.c): the real qendra binary ($QENDRA_BIN, default ./qendra)
 * in a pseudo-terminal of 80x24 on a fresh demo database per test
 * (`qendra demo --families 30`), checked afterwards with plain sqlite3.
 *
 * Covered: a visit registered from the home screen with F2 by typing a
 * name without its ë/ç, in at most 6 keystrokes once the name is on the
 * screen (counted with pty_keystrokes), and its row in `visit`; the desk
 * forms save with F4 / Alt-S like every other form (key bar, hints); an
 * anonymous walk-in counted in Albanian (visit_tally); a referral through
 * referred → accepted → completed (rows in referral and referral_event)
 * and its slip written to a file that holds the code and no line over 80
 * columns; the waiting list with an overdue referral (dated 30 days back)
 * before a fresh one, marked with a text marker; a teacher getting nothing
 * from F2 / Alt-V and no referral menu.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

static int setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("desk");
	if (!f)
		return -1;
	*state = f;
	return e2e_demo(f->db, f->dir, NULL, 30);
}

/* A person whose first and last name no one else has, and whose last name
 * holds ç or ë (when want_accent); with cond an extra SQL condition on p.
 * *first and *last are malloc'd. */
static void pick_person(struct e2e_fx *f, bool want_accent, const char *cond, char **first,
                        char **last)
{
	char *where =
	    xasprintf("FROM person p JOIN family fa ON fa.id = p.family_id"
	              " WHERE p.deleted_at IS NULL AND fa.deleted_at IS NULL %s %s"
	              " AND (SELECT count(*) FROM person q WHERE q.deleted_at IS NULL"
	              "      AND q.first_name = p.first_name AND q.last_name = p.last_name) = 1"
	              " ORDER BY p.id LIMIT 1",
	              want_accent ? "AND (instr(p.last_name, 'ç') OR instr(p.last_name, 'Ç')"
	                            " OR instr(p.last_name, 'ë') OR instr(p.last_name, 'Ë'))"
	                          : "",
	              cond ? cond : "");
	char *q1 = xasprintf("SELECT p.first_name %s", where);
	char *q2 = xasprintf("SELECT p.last_name %s", where);
	*first = e2e_db_text(f->db, q1);
	*last = e2e_db_text(f->db, q2);
	if (!*first || !*last)
		fail_msg("the demo database has no person for: %s", where);
	free(q1);
	free(q2);
	free(where);
}

/* The consent in force of the person's family covers social services (the
 * first service of the default catalogue). */
#define COVERS_SOCIAL                                                                              \
	"AND (SELECT CASE WHEN c.withdrawn_on IS NULL OR c.withdrawn_on >"                         \
	" date('now', 'localtime') THEN ' ' || c.scope || ' ' END FROM consent c"                  \
	" WHERE c.family_id = p.family_id AND c.deleted_at IS NULL"                                \
	" ORDER BY c.given_on DESC, c.id DESC LIMIT 1) LIKE '% social_services %'"

/* The row of the selection marker ("> " at the left), or -1. */
static int selected_row(struct pty *p)
{
	for (int r = 1; r < 22; r++) {
		char *row = pty_row(p, r);
		bool sel = row && strncmp(row, "> ", 2) == 0;
		free(row);
		if (sel)
			return r;
	}
	return -1;
}

/* Move the selection down to the row holding text (at most 10 keys);
 * returns the keys pressed. */
static int select_row(struct pty *p, const char *text)
{
	for (int n = 0; n <= 10; n++) {
		e2e_settle(p);
		int r = selected_row(p);
		char *row = r >= 0 ? pty_row(p, r) : NULL;
		bool ok = row && strstr(row, text);
		free(row);
		if (ok)
			return n;
		e2e_key(p, "Down");
	}
	pty_dump(p, stderr);
	fail_msg("\"%s\" could not be selected", text);
	return -1;
}

/* Search for first+last typed without accents; the full name (with its
 * accents) is on the screen when this returns. */
static void search_person(struct pty *p, const char *first, const char *last, char *shown, size_t n)
{
	char *ff = e2e_fold(first), *fl = e2e_fold(last);
	char *typed = xasprintf("%s %s", ff, fl);
	e2e_type(p, typed);
	snprintf(shown, n, "%s %s ", first, last);
	e2e_wait_text(p, shown);
	free(typed);
	free(ff);
	free(fl);
}

/* Display columns of a UTF-8 line: one per code point (the slip has no
 * wide or combining characters in these tests). */
static int cols_of(const char *s, size_t len)
{
	int c = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* "dd.mm.yyyy" of today minus days, local time. */
/* The calendar date `days` before today, local time. Counted in calendar
 * days at noon, not in 86400-second steps, which cross a DST change into
 * the wrong date late in the evening. */
static void date_back(int days, char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_mday -= days;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	localtime_r(&t, &tm);
	strftime(out, 11, "%d.%m.%Y", &tm);
}

/* ---- tests ---- */

static void test_visit_by_name(void **state)
{
	struct e2e_fx *f = *state;
	char *first, *last, shown[300];
	pick_person(f, true, NULL, &first, &last);
	long before = e2e_db_long(f->db, "SELECT count(*) FROM visit");

	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "arben", "demo-arben");
	e2e_key(p, "F2");
	e2e_wait_text(p, "Register a visit");
	search_person(p, first, last, shown, sizeof shown);

	/* From here: choose the person, press the purpose, save. */
	int k0 = pty_keystrokes(p);
	select_row(p, shown);
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Purpose of the visit");
	e2e_key(p, "2"); /* counselling, the second purpose */
	e2e_wait_text(p, "Enter or F4 to save");
	e2e_wait_row(p, 23, "F4 Save"); /* the same save key as every form */
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Visit registered:");
	int used = pty_keystrokes(p) - k0;
	if (used > 6)
		fail_msg("%d keystrokes after the name was found (at most 6)", used);
	print_message("keystrokes after the name was found: %d\n", used);

	char *sql = xasprintf(
	    "SELECT count(*) FROM visit v JOIN person p ON p.id = v.person_id"
	    " JOIN app_user u ON u.id = v.created_by"
	    " WHERE p.first_name = '%s' AND p.last_name = '%s' AND v.purpose = 'counselling'"
	    " AND u.username = 'arben' AND v.note IS NULL AND v.deleted_at IS NULL"
	    " AND substr(v.at, 1, 10) = date('now', 'localtime')",
	    first, last);
	e2e_wait_db(f->db, p, sql, "1");
	assert_int_equal(e2e_db_long(f->db, "SELECT count(*) FROM visit"), before + 1);
	free(sql);

	/* Today's visits list shows it; the home screen is back under it. */
	e2e_wait_text(p, "Today, ");
	e2e_key(p, "v");
	e2e_wait_text(p, "Visits today, ");
	e2e_wait_text(p, "Counselling");
	pty_free(p);
	free(first);
	free(last);
}

static void test_walk_in_sq(void **state)
{
	struct e2e_fx *f = *state;
	long before = e2e_db_long(f->db, "SELECT count(*) FROM visit_tally");
	struct pty *p = e2e_start(f, "sq", NULL);
	e2e_login(p, "sq", "elira", "demo-elira");
	e2e_key(p, "M-v");
	e2e_wait_text(p, "Regjistro një vizitë");
	e2e_key(p, "M-a");
	e2e_wait_text(p, "Vizitor pa regjistrim");
	e2e_wait_text(p, "Shtypni F (femër) ose M (mashkull)");
	e2e_key(p, "m");
	e2e_wait_text(p, "numrin e grupmoshës");
	e2e_key(p, "2"); /* 6–11 */
	e2e_wait_text(p, "numrin e qëllimit");
	e2e_key(p, "1"); /* information */
	e2e_wait_text(p, "numëro këtë vizitor");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "U numërua: mashkull");
	const char *sql =
	    "SELECT count(*) FROM visit_tally t JOIN app_user u ON u.id = t.created_by"
	    " WHERE u.username = 'elira' AND t.sex = 'M' AND t.age_band = '6_11'"
	    " AND t.purpose = 'information'"
	    " AND substr(t.at, 1, 10) = date('now', 'localtime')";
	char *sb = e2e_db_text(f->db, sql);
	long had = sb ? strtol(sb, NULL, 10) : 0;
	free(sb);
	assert_true(had >= 1);
	assert_int_equal(e2e_db_long(f->db, "SELECT count(*) FROM visit_tally"), before + 1);
	/* no name anywhere near it: the table has no person column at all */
	assert_int_equal(
	    e2e_db_long(f->db,
	                "SELECT count(*) FROM pragma_table_info('visit_tally') WHERE name LIKE "
	                "'%person%'"),
	    0);
	/* the screen waits for the next walk-in; Esc twice closes it */
	e2e_wait_text(p, "Shtypni F (femër) ose M (mashkull)");
	e2e_key(p, "Esc");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Sot, ");
	pty_free(p);
}

/* In the new-referral form, with the person chosen: service (the first
 * one, social services), organisation, reason, optionally the date; save. */
static void fill_referral(struct pty *p, const char *org, const char *reason, const char *on)
{
	e2e_wait_text(p, "Answer expected by");
	e2e_key(p, "Right");
	e2e_wait_text(p, "< Social services >");
	e2e_key(p, "Tab");
	e2e_type(p, org);
	e2e_key(p, "Tab");
	e2e_type(p, reason);
	if (on) {
		e2e_key(p, "Tab");
		e2e_key(p, "C-u");
		e2e_type(p, on);
	}
	e2e_wait_row(p, 23, "F4 Save");
	e2e_key(p, "F4");
}

static void new_referral(struct pty *p, const char *first, const char *last)
{
	char shown[300];
	e2e_key(p, "n");
	e2e_wait_text(p, "Refer to a service");
	search_person(p, first, last, shown, sizeof shown);
	select_row(p, shown);
	e2e_key(p, "Enter");
}

static void test_referral_lifecycle(void **state)
{
	struct e2e_fx *f = *state;
	char *first, *last;
	pick_person(f, false, COVERS_SOCIAL, &first, &last);
	long before = e2e_db_long(f->db, "SELECT count(*) FROM referral");

	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "arben", "demo-arben");
	e2e_key(p, "w");
	e2e_wait_text(p, "Referrals waiting for an answer:");
	new_referral(p, first, last);
	fill_referral(p, "Njësia e Mbrojtjes së Fëmijëve Shkodër",
	              "Familja ka nevojë për ndihmë ekonomike dhe për çerdhe", NULL);
	e2e_wait_text(p, "saved. Print the slip with F7.");
	assert_int_equal(e2e_db_long(f->db, "SELECT count(*) FROM referral"), before + 1);
	char *code = e2e_db_text(f->db, "SELECT code FROM referral ORDER BY id DESC LIMIT 1");
	assert_non_null(code);
	e2e_wait_text(p, code);
	char *id = e2e_db_text(f->db, "SELECT id FROM referral ORDER BY id DESC LIMIT 1");
	char *sql =
	    xasprintf("SELECT p.first_name || ' ' || p.last_name || '|' || r.service || '|' ||"
	              " r.status FROM referral r JOIN person p ON p.id = r.person_id"
	              " WHERE r.id = %s",
	              id);
	char *row = e2e_db_text(f->db, sql);
	char *want = xasprintf("%s %s|social_services|referred", first, last);
	assert_string_equal(row, want);
	free(row);
	free(want);
	free(sql);

	/* referred → accepted: the date is today, no note */
	e2e_key(p, "a");
	e2e_wait_text(p, "Accepted: the date and a note");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "is now accepted.");
	/* accepted → completed, with the outcome */
	e2e_key(p, "c");
	e2e_wait_text(p, "Completed: the date and the outcome");
	e2e_wait_text(p, "or F4: save");
	e2e_type(p, "Mori ndihmën; fëmija u regjistrua në çerdhe");
	e2e_key(p, "M-s"); /* Alt-S saves the change as well as Enter and F4 */
	e2e_wait_text(p, "is now completed.");
	e2e_wait_text(p, "accepted → completed");

	sql = xasprintf("SELECT status || '|' || status_on || '|' || outcome FROM referral"
	                " WHERE id = %s",
	                id);
	row = e2e_db_text(f->db, sql);
	char *today = e2e_db_text(f->db, "SELECT date('now', 'localtime')");
	want = xasprintf("completed|%s|Mori ndihmën; fëmija u regjistrua në çerdhe", today);
	assert_string_equal(row, want);
	free(row);
	free(want);
	free(sql);
	sql = xasprintf("SELECT group_concat(coalesce(from_status, '-') || '>' || to_status, ',')"
	                " FROM (SELECT * FROM referral_event WHERE referral_id = %s ORDER BY id)",
	                id);
	row = e2e_db_text(f->db, sql);
	assert_string_equal(row, "->referred,referred>accepted,accepted>completed");
	free(row);
	free(sql);

	/* The slip, written to the default file in the home folder. */
	e2e_key(p, "p");
	e2e_wait_text(p, "Referral slip ");
	e2e_wait_text(p, "qendra-referral-");
	e2e_wait_text(p, "F4 / Enter: write the file");
	e2e_key(p, "F4");
	e2e_wait_text(p, "The slip was written to");
	char *path = xasprintf("%s/qendra-referral-%s.txt", pty_home(p), code);
	char *text = e2e_read_file(path, NULL);
	if (!text)
		fail_msg("no slip at %s", path);
	assert_non_null(strstr(text, code));
	assert_non_null(strstr(text, "REFERRAL SLIP"));
	assert_non_null(strstr(text, "Njësia e Mbrojtjes së Fëmijëve Shkodër"));
	assert_non_null(strstr(text, "Received on:"));
	assert_non_null(strstr(text, first));
	int lines = 0;
	for (const char *s = text; *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (cols_of(s, len) > 80)
			fail_msg("slip line %d is longer than 80 columns: %.*s", lines + 1,
			         (int)len, s);
		lines++;
		s += len + (e ? 1 : 0);
	}
	assert_true(lines > 20);
	/* Writing it again asks before replacing the file. */
	e2e_key(p, "p");
	e2e_wait_text(p, "Referral slip ");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "exists already. Replace it?");
	e2e_key(p, "n");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "[completed ");
	free(text);
	free(path);
	free(today);
	free(id);
	free(code);
	pty_free(p);
	free(first);
	free(last);
}

static void test_waiting_overdue(void **state)
{
	struct e2e_fx *f = *state;
	char *first, *last, old[11];
	pick_person(f, false, COVERS_SOCIAL, &first, &last);
	date_back(30, old);

	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "drita", "demo-drita");
	e2e_key(p, "w");
	e2e_wait_text(p, "Referrals waiting for an answer:");
	/* one made 30 days ago: overdue (after 14 days) ... */
	new_referral(p, first, last);
	fill_referral(p, "Zyra e Punësimit Kukës", "Kërkon punë", old);
	e2e_wait_text(p, "saved. Print the slip with F7.");
	char *late = e2e_db_text(f->db, "SELECT code FROM referral ORDER BY id DESC LIMIT 1");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Referrals waiting for an answer:");
	/* ... and one made today */
	new_referral(p, first, last);
	fill_referral(p, "Qendra Shëndetësore", "Kontroll", NULL);
	e2e_wait_text(p, "saved. Print the slip with F7.");
	char *fresh = e2e_db_text(f->db, "SELECT code FROM referral ORDER BY id DESC LIMIT 1");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Referrals waiting for an answer:");
	e2e_wait_text(p, late);
	e2e_settle(p);

	/* The first row of the list is overdue, with its text marker; no
	 * overdue row comes after one that is not. */
	char *first_row = pty_row(p, 4); /* status line, title, blank, column titles */
	if (!first_row || !strstr(first_row, "! overdue")) {
		pty_dump(p, stderr);
		fail_msg("the first row is not marked overdue: %s", first_row ? first_row : "");
	}
	free(first_row);
	bool seen_fresh = false, seen_late = false, seen_plain = false;
	for (int r = 4; r < 21; r++) {
		char *row = pty_row(p, r);
		if (!row)
			continue;
		bool marked = strstr(row, "! overdue") != NULL;
		if (marked && seen_plain) {
			pty_dump(p, stderr);
			fail_msg("an overdue row (%d) comes after one that is not", r);
		}
		if (!marked && strstr(row, "REF-"))
			seen_plain = true;
		if (strstr(row, late)) {
			seen_late = true;
			assert_true(marked);
		}
		if (strstr(row, fresh)) {
			seen_fresh = true;
			assert_false(marked);
		}
		free(row);
	}
	assert_true(seen_late);
	(void)seen_fresh; /* may be below the first page when the demo has many */
	char *sql = xasprintf("SELECT referred_on = date('now', 'localtime', '-30 days')"
	                      " FROM referral WHERE code = '%s'",
	                      late);
	char *v = e2e_db_text(f->db, sql);
	assert_string_equal(v, "1");
	free(v);
	free(sql);
	free(late);
	free(fresh);
	pty_free(p);
	free(first);
	free(last);
}

static void test_teacher_refused(void **state)
{
	struct e2e_fx *f = *state;
	long visits = e2e_db_long(f->db, "SELECT count(*) FROM visit");
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "mira", "demo-mira");
	e2e_settle(p);
	/* no menu entries (a menu label ends its row) and no F2 in the key bar */
	e2e_assert_absent(p, "Referrals waiting\n");
	e2e_assert_absent(p, "Visits today\n");
	e2e_assert_absent(p, "F2 Visit");
	e2e_key(p, "F2");
	e2e_settle(p);
	e2e_assert_absent(p, "Register a visit");
	e2e_key(p, "M-v");
	e2e_settle(p);
	e2e_assert_absent(p, "Register a visit");
	e2e_key(p, "w");
	e2e_settle(p);
	e2e_assert_absent(p, "Referrals waiting for an answer");
	e2e_key(p, "v");
	e2e_settle(p);
	e2e_assert_absent(p, "Visits today, ");
	e2e_wait_text(p, "Today, ");
	assert_int_equal(e2e_db_long(f->db, "SELECT count(*) FROM visit"), visits);
	pty_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_visit_by_name, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_walk_in_sq, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_referral_lifecycle, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_waiting_overdue, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_teacher_refused, setup, e2e_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
