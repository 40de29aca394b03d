/*
 * test_classes — end-to-end tests of the teacher's and the dropout screens
 * (tui/cls_*.c): the real qendra binary ($QENDRA_BIN, default ./qendra) in
 * a pseudo-terminal of 80x24, on a copy of one demo database made once with
 * `qendra demo --families 30` and the clock pinned with QENDRA_NOW.
 *
 * The demo's day is DEMO_NOW; the tests run on the first day from then on
 * when Mira's 30-child class meets (read from the database: its weekdays,
 * term and the closure days), so "today" is always a class day.
 *
 * Covered:
 *  - the roll of 30 with 3 absentees taken in at most 10 keystrokes from
 *    the open session (counted with pty_keystrokes), and the attendance rows
 *    exactly in the database (30 rows, the 3 absentees 'A' by list number);
 *  - a teacher sees only her own classes;
 *  - 3 unexcused absences in a row (crafted with sqlite3) put the child on
 *    the dropout list with the reason in words; dismissing with a note
 *    writes the dropout_flag row;
 *  - a past session without a roll shows on "rolls not taken" and its roll
 *    is taken from there (in Albanian).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

#define DEMO_NOW "2026-11-23 10:00:00"

/* The demo made once for every test, and what the tests read from it. */
static struct {
	struct e2e_fx *demo;
	long long class_id; /* Mira's class with 30 children */
	char class_name[400];
	char run_day[11]; /* the day the tests run on: the class meets */
	char run_now[40]; /* QENDRA_NOW for the UI */
	char env_now[60]; /* "QENDRA_NOW=..." */
} g;

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	(void)state;
	g.demo = e2e_fx_new("classes");
	if (!g.demo || e2e_demo(g.demo->db, g.demo->dir, DEMO_NOW, 30) != 0)
		return -1;
	/* Mira's class with 30 children enrolled on the demo's day. */
	const char *day = "substr('" DEMO_NOW "', 1, 10)";
	char *sql =
	    xasprintf("SELECT c.id FROM class c JOIN app_user u ON u.id = c.teacher_id"
	              " WHERE u.username = 'mira' AND c.deleted_at IS NULL AND c.term_end >= %s"
	              " AND (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id"
	              "  AND e.deleted_at IS NULL AND e.from_date <= %s"
	              "  AND (e.to_date IS NULL OR e.to_date >= %s)) = 30 ORDER BY c.id LIMIT 1",
	              day, day, day);
	char *v = e2e_db_text(g.demo->db, sql);
	free(sql);
	if (!v) {
		fprintf(stderr, "the demo has no 30-child class of mira\n");
		return -1;
	}
	g.class_id = atoll(v);
	free(v);
	sql = xasprintf("SELECT name FROM class WHERE id = %lld", g.class_id);
	v = e2e_db_text(g.demo->db, sql);
	free(sql);
	util_strlcpy(g.class_name, v ? v : "", sizeof g.class_name);
	free(v);
	/* The first day from the demo's day on when the class meets: one of its
	 * weekdays (bit 0 = Monday), within its term, not a closure day. */
	sql =
	    xasprintf("WITH RECURSIVE d(x) AS (SELECT %s UNION ALL SELECT date(x, '+1 day') FROM d"
	              "  WHERE x < date(%s, '+13 days'))"
	              " SELECT x FROM d, class c WHERE c.id = %lld"
	              " AND (c.weekdays >> ((CAST(strftime('%%w', x) AS INTEGER) + 6) %% 7)) & 1"
	              " AND x BETWEEN c.term_start AND c.term_end"
	              " AND x NOT IN (SELECT day FROM closure WHERE deleted_at IS NULL)"
	              " ORDER BY x LIMIT 1",
	              day, day, g.class_id);
	v = e2e_db_text(g.demo->db, sql);
	free(sql);
	if (!v) {
		fprintf(stderr, "class %lld does not meet in the two weeks after the demo\n",
		        g.class_id);
		return -1;
	}
	util_strlcpy(g.run_day, v, sizeof g.run_day);
	free(v);
	snprintf(g.run_now, sizeof g.run_now, "%s 16:00:00", g.run_day);
	snprintf(g.env_now, sizeof g.env_now, "QENDRA_NOW=%s", g.run_now);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = e2e_fx_free(g.demo);
	g.demo = NULL;
	return rc;
}

static int setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("classes");
	if (!f)
		return -1;
	*state = f;
	return e2e_copy(g.demo->db, f->db);
}

/* ---- the terminal ---- */

static struct pty *start(struct e2e_fx *f, const char *lang)
{
	const char *env[] = {g.env_now, "QENDRA_IDLE_SECONDS=0", NULL};
	return e2e_start(f, lang, env);
}

/* The first word of the class name: enough to find it with the list search. */
static void class_word(char *out, size_t n)
{
	util_strlcpy(out, g.class_name, n);
	char *sp = strchr(out, ' ');
	if (sp)
		*sp = '\0';
}

/* "dd.mm.yyyy" of an ISO day. */
static void show_date(const char *iso, char out[11])
{
	snprintf(out, 11, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
}

/* The name on the selected row of the roll (" >  12 Kola Zamir   14 ..."),
 * once the row with list number no is selected. */
static void selected_name(struct pty *p, int no, char *out, size_t n)
{
	char want[16];
	snprintf(want, sizeof want, "%3d ", no);
	long long end = e2e_ms_now() + E2E_WAIT_MS;
	for (;;) {
		for (int r = 4; r < 22; r++) {
			char *row = pty_row(p, r);
			if (row && strncmp(row, " >", 2) == 0 && strncmp(row + 3, want, 4) == 0) {
				/* The name runs to the first double space. */
				const char *s = row + 7;
				const char *e = strstr(s, "  ");
				size_t len = e ? (size_t)(e - s) : strlen(s);
				if (len >= n)
					len = n - 1;
				memcpy(out, s, len);
				out[len] = '\0';
				free(row);
				return;
			}
			free(row);
		}
		if (e2e_ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("list number %d was never selected", no);
		}
		pty_wait_stable(p, 30, 500);
	}
}

/* The mark saved for a child (by "Last First") in the class on the run day. */
static char *mark_of(struct e2e_fx *f, const char *name)
{
	struct sbuf q = {0};
	sbuf_printf(&q,
	            "SELECT a.mark FROM attendance a JOIN class_session s ON s.id = a.session_id"
	            " JOIN person p ON p.id = a.person_id WHERE s.class_id = %lld"
	            " AND s.held_on = '%s' AND p.last_name || ' ' || p.first_name = '",
	            g.class_id, g.run_day);
	for (const char *c = name; *c; c++)
		sbuf_addn(&q, *c == '\'' ? "''" : c, *c == '\'' ? 2 : 1);
	sbuf_add(&q, "'");
	char *v = e2e_db_text(f->db, q.s);
	sbuf_free(&q);
	return v;
}

/* ---- tests ---- */

/* Mira takes today's roll: all present, then three absentees by list
 * number, then save — ten keys from the open session. */
static void test_roll_ten_keys(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "mira", "demo-mira");
	e2e_key(p, "t");
	e2e_wait_text(p, "Classes today");
	char word[200];
	class_word(word, sizeof word);
	e2e_key(p, "/");
	e2e_type(p, word);
	e2e_key(p, "Enter");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Quick: * all present");
	e2e_wait_text(p, "30 children:");

	/* From here every key counts. */
	int k0 = pty_keystrokes(p);
	char names[3][256];
	static const int absent[3] = {3, 12, 25};
	e2e_key(p, "*");
	for (int i = 0; i < 3; i++) {
		char digits[8];
		snprintf(digits, sizeof digits, "%d", absent[i]);
		e2e_type(p, digits);
		char no[16];
		snprintf(no, sizeof no, "No. %d", absent[i]);
		e2e_wait_text(p, no);
		selected_name(p, absent[i], names[i], sizeof names[i]);
		e2e_key(p, "a");
	}
	e2e_wait_text(p, "27 present, 3 absent");
	e2e_key(p, "s");
	int keys = pty_keystrokes(p) - k0;
	e2e_wait_text(p, "Roll saved: 27 present, 3 absent, 0 late, 0 excused.");
	printf("# roll of 30 with 3 absentees: %d keystrokes (* 3 a 1 2 a 2 5 a s)\n", keys);
	assert_true(keys <= 10);

	/* The roll in the database, exactly. */
	char *sql = xasprintf("SELECT count(*) || '/' || sum(a.mark = 'P') || '/' ||"
	                      " sum(a.mark = 'A') || '/' || sum(a.mark IN ('L', 'E'))"
	                      " FROM attendance a JOIN class_session s ON s.id = a.session_id"
	                      " WHERE s.class_id = %lld AND s.held_on = '%s'"
	                      " AND a.deleted_at IS NULL AND s.status = 'held'",
	                      g.class_id, g.run_day);
	e2e_expect_db(f->db, sql, "30/27/3/0");
	free(sql);
	for (int i = 0; i < 3; i++) {
		char *m = mark_of(f, names[i]);
		if (!m || strcmp(m, "A") != 0)
			fail_msg("child no. %d (%s) was saved as %s, not A", absent[i], names[i],
			         m ? m : "nothing");
		free(m);
	}
	/* Saved by Mira, audited as one roll. */
	sql = xasprintf("SELECT count(*) FROM audit a JOIN app_user u ON u.id = a.user_id"
	                " WHERE u.username = 'mira' AND a.action = 'roll_save'"
	                " AND a.detail LIKE '%s n=30 P=27 A=3%%'",
	                g.run_day);
	e2e_expect_db(f->db, sql, "1");
	free(sql);
	/* Back on today's classes, the roll is taken. */
	e2e_wait_text(p, "roll taken");
	pty_free(p);
}

/* A teacher sees her own classes only, and not the dropout list. */
static void test_teacher_own_classes(void **state)
{
	struct e2e_fx *f = *state;
	char *other =
	    e2e_db_text(f->db, "SELECT c.name FROM class c JOIN app_user u ON u.id = c.teacher_id"
	                       " WHERE u.username = 'besnik' AND c.deleted_at IS NULL"
	                       " ORDER BY c.term_end DESC LIMIT 1");
	assert_non_null(other);
	char *besnik =
	    e2e_db_text(f->db, "SELECT full_name FROM app_user WHERE username = 'besnik'");
	assert_non_null(besnik);
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "mira", "demo-mira");
	e2e_assert_absent(p, "Dropout warning");
	e2e_assert_absent(p, "Group activities");
	e2e_key(p, "c");
	e2e_wait_text(p, "Classes (");
	char word[200];
	class_word(word, sizeof word);
	e2e_wait_text(p, word);
	e2e_assert_absent(p, besnik);
	e2e_assert_absent(p, other);
	/* Ended classes too: still only hers. */
	e2e_key(p, "h");
	e2e_wait_text(p, "All classes, also those that ended");
	e2e_assert_absent(p, besnik);
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Today, ");
	/* Dropout's hotkey does nothing for a teacher. */
	e2e_key(p, "d");
	e2e_assert_absent(p, "Dropout warning");
	e2e_key(p, "n");
	e2e_wait_text(p, "Rolls not taken (");
	e2e_assert_absent(p, besnik);
	pty_free(p);
	free(other);
	free(besnik);
}

/* Three unexcused absences in a row put a child on the dropout list with
 * the reason in words; dismissing with a note is stored. */
static void test_dropout_dismiss(void **state)
{
	struct e2e_fx *f = *state;
	/* A child of the class nobody has flagged. */
	char *sql =
	    xasprintf("SELECT p.id FROM enrolment e JOIN person p ON p.id = e.person_id"
	              " WHERE e.class_id = %lld AND e.deleted_at IS NULL AND e.to_date IS NULL"
	              " AND p.id NOT IN (SELECT person_id FROM dropout_flag)"
	              " ORDER BY p.id LIMIT 1",
	              g.class_id);
	char *pid = e2e_db_text(f->db, sql);
	free(sql);
	assert_non_null(pid);
	sql = xasprintf("SELECT last_name || ' ' || first_name FROM person WHERE id = %s", pid);
	char *name = e2e_db_text(f->db, sql);
	free(sql);
	assert_non_null(name);
	/* Its four latest marked sessions: present, then absent three times. */
	sql = xasprintf(
	    "CREATE TEMP TABLE last4 AS SELECT a.id, row_number() OVER"
	    " (ORDER BY s.held_on DESC) AS k FROM attendance a"
	    " JOIN class_session s ON s.id = a.session_id WHERE s.class_id = %lld"
	    " AND a.person_id = %s AND s.status = 'held' AND a.deleted_at IS NULL"
	    " ORDER BY s.held_on DESC LIMIT 4;"
	    "UPDATE attendance SET mark = CASE (SELECT k FROM last4 WHERE last4.id ="
	    " attendance.id) WHEN 4 THEN 'P' ELSE 'A' END WHERE id IN (SELECT id FROM last4);",
	    g.class_id, pid);
	e2e_db_exec(f->db, sql);
	free(sql);

	struct pty *p = start(f, "en");
	e2e_login(p, "en", "arben", "demo-arben");
	e2e_key(p, "d");
	e2e_wait_text(p, "Dropout warning, ");
	e2e_key(p, "/");
	e2e_type(p, name);
	e2e_key(p, "Enter");
	/* The detail under the list names the selected child and says why. */
	e2e_wait_text(p, name);
	e2e_wait_text(p, "3 unexcused absences in a row");
	e2e_wait_text(p, "Last attended: ");
	e2e_key(p, "d");
	e2e_wait_text(p, "Dismiss the warning");
	e2e_key(p, "Enter"); /* a note is required */
	e2e_wait_text(p, "This field must be filled in");
	e2e_type(p, "Sëmurë me grip; prindërit u telefonuan");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Dismissed. The child returns");
	sql = xasprintf("SELECT state || '|' || action_note FROM dropout_flag"
	                " WHERE person_id = %s AND class_id = %lld ORDER BY id DESC LIMIT 1",
	                pid, g.class_id);
	e2e_expect_db(f->db, sql, "dismissed|Sëmurë me grip; prindërit u telefonuan");
	free(sql);
	pty_free(p);
	free(pid);
	free(name);
}

/* A past session without a roll shows on "rolls not taken"; the roll is
 * taken from there — in Albanian. */
static void test_roll_missing_sq(void **state)
{
	struct e2e_fx *f = *state;
	/* The latest held session before today loses its roll. */
	char *sql =
	    xasprintf("SELECT id || '|' || held_on FROM class_session WHERE class_id = %lld"
	              " AND status = 'held' AND held_on < '%s' ORDER BY held_on DESC LIMIT 1",
	              g.class_id, g.run_day);
	char *v = e2e_db_text(f->db, sql);
	free(sql);
	assert_non_null(v);
	char *bar = strchr(v, '|');
	assert_non_null(bar);
	*bar = '\0';
	long long sid = atoll(v);
	char day[11];
	util_strlcpy(day, bar + 1, sizeof day);
	free(v);
	sql = xasprintf("DELETE FROM attendance WHERE session_id = %lld", sid);
	e2e_db_exec(f->db, sql);
	free(sql);
	sql =
	    xasprintf("SELECT count(*) FROM enrolment WHERE class_id = %lld AND deleted_at IS NULL"
	              " AND from_date <= '%s' AND (to_date IS NULL OR to_date >= '%s')",
	              g.class_id, day, day);
	char *enrolled = e2e_db_text(f->db, sql);
	free(sql);
	assert_non_null(enrolled);

	struct pty *p = start(f, "sq");
	e2e_login(p, "sq", "mira", "demo-mira");
	e2e_key(p, "n");
	e2e_wait_text(p, "Regjistra të pambajtur (");
	char d[11];
	show_date(day, d);
	e2e_wait_text(p, d);
	/* Go to that row with the search, then take the roll. */
	e2e_key(p, "/");
	e2e_type(p, d);
	e2e_key(p, "Enter");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Shpejt: * të gjithë");
	e2e_wait_text(p, d);
	e2e_key(p, "r"); /* ruaj */
	e2e_wait_text(p, "Regjistri u ruajt:");
	sql = xasprintf("SELECT count(*) FROM attendance WHERE session_id = %lld"
	                " AND deleted_at IS NULL",
	                sid);
	e2e_expect_db(f->db, sql, enrolled);
	free(sql);
	e2e_wait_gone(p, d);
	free(enrolled);
	pty_free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, e2e_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_roll_ten_keys),
	    T(test_teacher_own_classes),
	    T(test_dropout_dismiss),
	    T(test_roll_missing_sq),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
