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

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/pty.h"
#include "util/util.h"

#define T_WAIT 10000 /* ms: Argon2 on a loaded CI machine is slow */

struct fx {
	char dir[64];
	char db[128];
};

static const char *bin(void)
{
	const char *b = getenv("QENDRA_BIN");
	return b && *b ? b : "./qendra";
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-desk-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	char *cmd = xasprintf("'%s' demo --db '%s' --families 30 </dev/null >>'%s/setup.log' 2>&1",
	                      bin(), f->db, f->dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "qendra demo failed (%d); see %s/setup.log\n", rc, f->dir);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static struct pty *start(struct fx *f, const char *lang)
{
	const char *argv[] = {bin(), "--db", f->db, "--lang", lang, NULL};
	struct pty_opts o = {.rows = 24, .cols = 80, .argv = argv};
	struct pty *p = pty_spawn(&o);
	assert_non_null(p);
	return p;
}

static void wait_text(struct pty *p, const char *text)
{
	if (!pty_wait_text(p, text, T_WAIT)) {
		pty_dump(p, stderr);
		fail_msg("the screen never showed \"%s\"", text);
	}
}

/* Wait until screen row `row` (0 = top) holds text: the key bar is 23. */
static void wait_row(struct pty *p, int row, const char *text)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *r = pty_row(p, row);
		bool ok = r && strstr(r, text);
		free(r);
		if (ok)
			return;
		if (ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("row %d never showed \"%s\"", row, text);
		}
		pty_wait_stable(p, 50, 500);
	}
}

static void assert_absent(struct pty *p, const char *text)
{
	if (pty_screen_has(p, text)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" should not be on the screen", text);
	}
}

static void key(struct pty *p, const char *name)
{
	assert_int_equal(pty_send_key(p, name), 0);
}

static void type(struct pty *p, const char *text)
{
	assert_int_equal(pty_type(p, text), 0);
}

static void settle(struct pty *p)
{
	assert_true(pty_wait_stable(p, 150, T_WAIT));
}

static void login(struct pty *p, const char *user, const char *pw, bool sq)
{
	wait_text(p, sq ? "Përdoruesi" : "User name");
	type(p, user);
	key(p, "Enter");
	type(p, pw);
	key(p, "Enter");
	wait_text(p, sq ? "Sot, " : "Today, ");
}

/* One text value from the database (caller frees; NULL when no row). */
static char *db_text(struct fx *f, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad SQL: %s: %s", sql, sqlite3_errmsg(h));
	char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

static long db_long(struct fx *f, const char *sql)
{
	char *v = db_text(f, sql);
	long n = v ? strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

/* Wait (pumping the program's output) until a query returns want. */
static void wait_db(struct fx *f, struct pty *p, const char *sql, const char *want)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *v = db_text(f, sql);
		bool ok = v && strcmp(v, want) == 0;
		if (ok || ms_now() > end) {
			if (!ok)
				fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL",
				         want);
			free(v);
			return;
		}
		free(v);
		pty_wait_stable(p, 50, 500);
	}
}

/* "Çela" → "Cela", "Dritë" → "Drite": as typed on a keyboard without
 * Albanian letters. */
static char *fold(const char *s)
{
	struct sbuf b = {0};
	sbuf_add(&b, "");
	while (*s) {
		if (strncmp(s, "ç", 2) == 0 || strncmp(s, "Ç", 2) == 0) {
			sbuf_add(&b, s[1] == '\xa7' ? "c" : "C");
			s += 2;
		} else if (strncmp(s, "ë", 2) == 0 || strncmp(s, "Ë", 2) == 0) {
			sbuf_add(&b, s[1] == '\xab' ? "e" : "E");
			s += 2;
		} else {
			sbuf_addn(&b, s, 1);
			s++;
		}
	}
	return b.s;
}

/* A person whose first and last name no one else has, and whose last name
 * holds ç or ë (when want_accent); with cond an extra SQL condition on p.
 * *first and *last are malloc'd. */
static void pick_person(struct fx *f, bool want_accent, const char *cond, char **first, char **last)
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
	*first = db_text(f, q1);
	*last = db_text(f, q2);
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
		settle(p);
		int r = selected_row(p);
		char *row = r >= 0 ? pty_row(p, r) : NULL;
		bool ok = row && strstr(row, text);
		free(row);
		if (ok)
			return n;
		key(p, "Down");
	}
	pty_dump(p, stderr);
	fail_msg("\"%s\" could not be selected", text);
	return -1;
}

/* Search for first+last typed without accents; the full name (with its
 * accents) is on the screen when this returns. */
static void search_person(struct pty *p, const char *first, const char *last, char *shown, size_t n)
{
	char *ff = fold(first), *fl = fold(last);
	char *typed = xasprintf("%s %s", ff, fl);
	type(p, typed);
	snprintf(shown, n, "%s %s ", first, last);
	wait_text(p, shown);
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

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct sbuf b = {0};
	sbuf_add(&b, "");
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sbuf_addn(&b, chunk, n);
	fclose(fp);
	return b.s;
}

/* "dd.mm.yyyy" of today minus days, local time. */
static void date_back(int days, char out[11])
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%d.%m.%Y", &tm);
}

/* ---- tests ---- */

static void test_visit_by_name(void **state)
{
	struct fx *f = *state;
	char *first, *last, shown[300];
	pick_person(f, true, NULL, &first, &last);
	long before = db_long(f, "SELECT count(*) FROM visit");

	struct pty *p = start(f, "en");
	login(p, "arben", "demo-arben", false);
	key(p, "F2");
	wait_text(p, "Register a visit");
	search_person(p, first, last, shown, sizeof shown);

	/* From here: choose the person, press the purpose, save. */
	int k0 = pty_keystrokes(p);
	select_row(p, shown);
	key(p, "Enter");
	wait_text(p, "Purpose of the visit");
	key(p, "2"); /* counselling, the second purpose */
	wait_text(p, "Enter or F4 to save");
	wait_row(p, 23, "F4 Save"); /* the same save key as every form */
	key(p, "Enter");
	wait_text(p, "Visit registered:");
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
	wait_db(f, p, sql, "1");
	assert_int_equal(db_long(f, "SELECT count(*) FROM visit"), before + 1);
	free(sql);

	/* Today's visits list shows it; the home screen is back under it. */
	wait_text(p, "Today, ");
	key(p, "v");
	wait_text(p, "Visits today, ");
	wait_text(p, "Counselling");
	pty_free(p);
	free(first);
	free(last);
}

static void test_walk_in_sq(void **state)
{
	struct fx *f = *state;
	long before = db_long(f, "SELECT count(*) FROM visit_tally");
	struct pty *p = start(f, "sq");
	login(p, "elira", "demo-elira", true);
	key(p, "M-v");
	wait_text(p, "Regjistro një vizitë");
	key(p, "M-a");
	wait_text(p, "Vizitor pa regjistrim");
	wait_text(p, "Shtypni F (femër) ose M (mashkull)");
	key(p, "m");
	wait_text(p, "numrin e grupmoshës");
	key(p, "2"); /* 6–11 */
	wait_text(p, "numrin e qëllimit");
	key(p, "1"); /* information */
	wait_text(p, "numëro këtë vizitor");
	key(p, "Enter");
	wait_text(p, "U numërua: mashkull");
	const char *sql =
	    "SELECT count(*) FROM visit_tally t JOIN app_user u ON u.id = t.created_by"
	    " WHERE u.username = 'elira' AND t.sex = 'M' AND t.age_band = '6_11'"
	    " AND t.purpose = 'information'"
	    " AND substr(t.at, 1, 10) = date('now', 'localtime')";
	char *sb = db_text(f, sql);
	long had = sb ? strtol(sb, NULL, 10) : 0;
	free(sb);
	assert_true(had >= 1);
	assert_int_equal(db_long(f, "SELECT count(*) FROM visit_tally"), before + 1);
	/* no name anywhere near it: the table has no person column at all */
	assert_int_equal(
	    db_long(f, "SELECT count(*) FROM pragma_table_info('visit_tally') WHERE name LIKE "
	               "'%person%'"),
	    0);
	/* the screen waits for the next walk-in; Esc twice closes it */
	wait_text(p, "Shtypni F (femër) ose M (mashkull)");
	key(p, "Esc");
	key(p, "Esc");
	wait_text(p, "Sot, ");
	pty_free(p);
}

/* In the new-referral form, with the person chosen: service (the first
 * one, social services), organisation, reason, optionally the date; save. */
static void fill_referral(struct pty *p, const char *org, const char *reason, const char *on)
{
	wait_text(p, "Answer expected by");
	key(p, "Right");
	wait_text(p, "< Social services >");
	key(p, "Tab");
	type(p, org);
	key(p, "Tab");
	type(p, reason);
	if (on) {
		key(p, "Tab");
		key(p, "C-u");
		type(p, on);
	}
	wait_row(p, 23, "F4 Save");
	key(p, "F4");
}

static void new_referral(struct pty *p, const char *first, const char *last)
{
	char shown[300];
	key(p, "n");
	wait_text(p, "Refer to a service");
	search_person(p, first, last, shown, sizeof shown);
	select_row(p, shown);
	key(p, "Enter");
}

static void test_referral_lifecycle(void **state)
{
	struct fx *f = *state;
	char *first, *last;
	pick_person(f, false, COVERS_SOCIAL, &first, &last);
	long before = db_long(f, "SELECT count(*) FROM referral");

	struct pty *p = start(f, "en");
	login(p, "arben", "demo-arben", false);
	key(p, "w");
	wait_text(p, "Referrals waiting for an answer:");
	new_referral(p, first, last);
	fill_referral(p, "Njësia e Mbrojtjes së Fëmijëve Shkodër",
	              "Familja ka nevojë për ndihmë ekonomike dhe për çerdhe", NULL);
	wait_text(p, "saved. Print the slip with F7.");
	assert_int_equal(db_long(f, "SELECT count(*) FROM referral"), before + 1);
	char *code = db_text(f, "SELECT code FROM referral ORDER BY id DESC LIMIT 1");
	assert_non_null(code);
	wait_text(p, code);
	char *id = db_text(f, "SELECT id FROM referral ORDER BY id DESC LIMIT 1");
	char *sql =
	    xasprintf("SELECT p.first_name || ' ' || p.last_name || '|' || r.service || '|' ||"
	              " r.status FROM referral r JOIN person p ON p.id = r.person_id"
	              " WHERE r.id = %s",
	              id);
	char *row = db_text(f, sql);
	char *want = xasprintf("%s %s|social_services|referred", first, last);
	assert_string_equal(row, want);
	free(row);
	free(want);
	free(sql);

	/* referred → accepted: the date is today, no note */
	key(p, "a");
	wait_text(p, "Accepted: the date and a note");
	key(p, "Enter");
	wait_text(p, "is now accepted.");
	/* accepted → completed, with the outcome */
	key(p, "c");
	wait_text(p, "Completed: the date and the outcome");
	wait_text(p, "or F4: save");
	type(p, "Mori ndihmën; fëmija u regjistrua në çerdhe");
	key(p, "M-s"); /* Alt-S saves the change as well as Enter and F4 */
	wait_text(p, "is now completed.");
	wait_text(p, "accepted → completed");

	sql = xasprintf("SELECT status || '|' || status_on || '|' || outcome FROM referral"
	                " WHERE id = %s",
	                id);
	row = db_text(f, sql);
	char *today = db_text(f, "SELECT date('now', 'localtime')");
	want = xasprintf("completed|%s|Mori ndihmën; fëmija u regjistrua në çerdhe", today);
	assert_string_equal(row, want);
	free(row);
	free(want);
	free(sql);
	sql = xasprintf("SELECT group_concat(coalesce(from_status, '-') || '>' || to_status, ',')"
	                " FROM (SELECT * FROM referral_event WHERE referral_id = %s ORDER BY id)",
	                id);
	row = db_text(f, sql);
	assert_string_equal(row, "->referred,referred>accepted,accepted>completed");
	free(row);
	free(sql);

	/* The slip, written to the default file in the home folder. */
	key(p, "p");
	wait_text(p, "Referral slip ");
	wait_text(p, "qendra-referral-");
	wait_text(p, "F4 / Enter: write the file");
	key(p, "F4");
	wait_text(p, "The slip was written to");
	char *path = xasprintf("%s/qendra-referral-%s.txt", pty_home(p), code);
	char *text = read_file(path);
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
	key(p, "p");
	wait_text(p, "Referral slip ");
	key(p, "M-s");
	wait_text(p, "exists already. Replace it?");
	key(p, "n");
	key(p, "Esc");
	wait_text(p, "[completed ");
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
	struct fx *f = *state;
	char *first, *last, old[11];
	pick_person(f, false, COVERS_SOCIAL, &first, &last);
	date_back(30, old);

	struct pty *p = start(f, "en");
	login(p, "drita", "demo-drita", false);
	key(p, "w");
	wait_text(p, "Referrals waiting for an answer:");
	/* one made 30 days ago: overdue (after 14 days) ... */
	new_referral(p, first, last);
	fill_referral(p, "Zyra e Punësimit Kukës", "Kërkon punë", old);
	wait_text(p, "saved. Print the slip with F7.");
	char *late = db_text(f, "SELECT code FROM referral ORDER BY id DESC LIMIT 1");
	key(p, "Esc");
	wait_text(p, "Referrals waiting for an answer:");
	/* ... and one made today */
	new_referral(p, first, last);
	fill_referral(p, "Qendra Shëndetësore", "Kontroll", NULL);
	wait_text(p, "saved. Print the slip with F7.");
	char *fresh = db_text(f, "SELECT code FROM referral ORDER BY id DESC LIMIT 1");
	key(p, "Esc");
	wait_text(p, "Referrals waiting for an answer:");
	wait_text(p, late);
	settle(p);

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
	char *v = db_text(f, sql);
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
	struct fx *f = *state;
	long visits = db_long(f, "SELECT count(*) FROM visit");
	struct pty *p = start(f, "en");
	login(p, "mira", "demo-mira", false);
	settle(p);
	/* no menu entries (a menu label ends its row) and no F2 in the key bar */
	assert_absent(p, "Referrals waiting\n");
	assert_absent(p, "Visits today\n");
	assert_absent(p, "F2 Visit");
	key(p, "F2");
	settle(p);
	assert_absent(p, "Register a visit");
	key(p, "M-v");
	settle(p);
	assert_absent(p, "Register a visit");
	key(p, "w");
	settle(p);
	assert_absent(p, "Referrals waiting for an answer");
	key(p, "v");
	settle(p);
	assert_absent(p, "Visits today, ");
	wait_text(p, "Today, ");
	assert_int_equal(db_long(f, "SELECT count(*) FROM visit"), visits);
	pty_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_visit_by_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_walk_in_sq, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_referral_lifecycle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_waiting_overdue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_teacher_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
