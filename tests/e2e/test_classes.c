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

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/pty.h"
#include "util/util.h"

#define T_WAIT 15000 /* ms: Argon2 on a loaded CI machine is slow */

#define DEMO_NOW "2026-11-23 10:00:00"

/* The demo made once for every test, and what the tests read from it. */
static struct {
	char dir[64];
	char db[128];
	long long class_id; /* Mira's class with 30 children */
	char class_name[400];
	char run_day[11]; /* the day the tests run on: the class meets */
	char run_now[40]; /* QENDRA_NOW for the UI */
	char env_now[60]; /* "QENDRA_NOW=..." */
} g;

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

/* ---- plain sqlite3 on the test's database ---- */

/* One text value (caller frees; NULL when no row or NULL). */
static char *sql_text(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 5000);
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sql error: %s\n  in %s\n", sqlite3_errmsg(h), sql);
	} else if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

static char *db_text(struct fx *f, const char *sql)
{
	return sql_text(f->db, sql);
}

/* Run statements that change the database (crafted histories). */
static void db_exec(struct fx *f, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql error: %s\n  in %s\n", msg ? msg : "?", sql);
	sqlite3_free(msg);
	sqlite3_close(h);
	assert_int_equal(rc, SQLITE_OK);
}

static void expect_db(struct fx *f, const char *sql, const char *want)
{
	char *v = db_text(f, sql);
	if (!v || strcmp(v, want) != 0)
		fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL", want);
	free(v);
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	(void)state;
	snprintf(g.dir, sizeof g.dir, "/tmp/qendra-e2e-classes-XXXXXX");
	if (!mkdtemp(g.dir))
		return -1;
	snprintf(g.db, sizeof g.db, "%s/demo.db", g.dir);
	char *cmd = xasprintf("QENDRA_NOW='%s' '%s' demo --db '%s' --families 30 </dev/null"
	                      " >>'%s/setup.log' 2>&1",
	                      DEMO_NOW, bin(), g.db, g.dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "qendra demo failed (%d); see %s/setup.log\n", rc, g.dir);
		return -1;
	}
	/* Mira's class with 30 children enrolled on the demo's day. */
	const char *day = "substr('" DEMO_NOW "', 1, 10)";
	char *sql =
	    xasprintf("SELECT c.id FROM class c JOIN app_user u ON u.id = c.teacher_id"
	              " WHERE u.username = 'mira' AND c.deleted_at IS NULL AND c.term_end >= %s"
	              " AND (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id"
	              "  AND e.deleted_at IS NULL AND e.from_date <= %s"
	              "  AND (e.to_date IS NULL OR e.to_date >= %s)) = 30 ORDER BY c.id LIMIT 1",
	              day, day, day);
	char *v = sql_text(g.db, sql);
	free(sql);
	if (!v) {
		fprintf(stderr, "the demo has no 30-child class of mira\n");
		return -1;
	}
	g.class_id = atoll(v);
	free(v);
	sql = xasprintf("SELECT name FROM class WHERE id = %lld", g.class_id);
	v = sql_text(g.db, sql);
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
	v = sql_text(g.db, sql);
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
	char *cmd = xasprintf("rm -rf '%s'", g.dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-classes-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	char *cmd = xasprintf("cp '%s' '%s'", g.db, f->db);
	int rc = system(cmd);
	free(cmd);
	*state = f;
	return rc == 0 ? 0 : -1;
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

/* ---- the terminal ---- */

static struct pty *start(struct fx *f, const char *lang)
{
	const char *argv[] = {bin(), "--db", f->db, "--lang", lang, NULL};
	const char *env[] = {g.env_now, "QENDRA_IDLE_SECONDS=0", NULL};
	struct pty_opts o = {.rows = 24, .cols = 80, .argv = argv, .env = env};
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

static void wait_gone(struct pty *p, const char *text)
{
	if (!pty_wait_gone(p, text, T_WAIT)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" stayed on the screen", text);
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

/* Sign in; the labels of the login screen and home in the language. */
static void login(struct pty *p, const char *lang, const char *user, const char *pw)
{
	bool sq = strcmp(lang, "sq") == 0;
	wait_text(p, sq ? "Përdoruesi" : "User name");
	type(p, user);
	key(p, "Enter");
	type(p, pw);
	key(p, "Enter");
	wait_text(p, sq ? "Sot, " : "Today, ");
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
	long long end = ms_now() + T_WAIT;
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
		if (ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("list number %d was never selected", no);
		}
		pty_wait_stable(p, 30, 500);
	}
}

/* The mark saved for a child (by "Last First") in the class on the run day. */
static char *mark_of(struct fx *f, const char *name)
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
	char *v = db_text(f, q.s);
	sbuf_free(&q);
	return v;
}

/* ---- tests ---- */

/* Mira takes today's roll: all present, then three absentees by list
 * number, then save — ten keys from the open session. */
static void test_roll_ten_keys(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login(p, "en", "mira", "demo-mira");
	key(p, "t");
	wait_text(p, "Classes today");
	char word[200];
	class_word(word, sizeof word);
	key(p, "/");
	type(p, word);
	key(p, "Enter");
	key(p, "Enter");
	wait_text(p, "Quick: * all present");
	wait_text(p, "30 children:");

	/* From here every key counts. */
	int k0 = pty_keystrokes(p);
	char names[3][256];
	static const int absent[3] = {3, 12, 25};
	key(p, "*");
	for (int i = 0; i < 3; i++) {
		char digits[8];
		snprintf(digits, sizeof digits, "%d", absent[i]);
		type(p, digits);
		char no[16];
		snprintf(no, sizeof no, "No. %d", absent[i]);
		wait_text(p, no);
		selected_name(p, absent[i], names[i], sizeof names[i]);
		key(p, "a");
	}
	wait_text(p, "27 present, 3 absent");
	key(p, "s");
	int keys = pty_keystrokes(p) - k0;
	wait_text(p, "Roll saved: 27 present, 3 absent, 0 late, 0 excused.");
	printf("# roll of 30 with 3 absentees: %d keystrokes (* 3 a 1 2 a 2 5 a s)\n", keys);
	assert_true(keys <= 10);

	/* The roll in the database, exactly. */
	char *sql = xasprintf("SELECT count(*) || '/' || sum(a.mark = 'P') || '/' ||"
	                      " sum(a.mark = 'A') || '/' || sum(a.mark IN ('L', 'E'))"
	                      " FROM attendance a JOIN class_session s ON s.id = a.session_id"
	                      " WHERE s.class_id = %lld AND s.held_on = '%s'"
	                      " AND a.deleted_at IS NULL AND s.status = 'held'",
	                      g.class_id, g.run_day);
	expect_db(f, sql, "30/27/3/0");
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
	expect_db(f, sql, "1");
	free(sql);
	/* Back on today's classes, the roll is taken. */
	wait_text(p, "roll taken");
	pty_free(p);
}

/* A teacher sees her own classes only, and not the dropout list. */
static void test_teacher_own_classes(void **state)
{
	struct fx *f = *state;
	char *other = db_text(f, "SELECT c.name FROM class c JOIN app_user u ON u.id = c.teacher_id"
	                         " WHERE u.username = 'besnik' AND c.deleted_at IS NULL"
	                         " ORDER BY c.term_end DESC LIMIT 1");
	assert_non_null(other);
	char *besnik = db_text(f, "SELECT full_name FROM app_user WHERE username = 'besnik'");
	assert_non_null(besnik);
	struct pty *p = start(f, "en");
	login(p, "en", "mira", "demo-mira");
	assert_absent(p, "Dropout warning");
	assert_absent(p, "Group activities");
	key(p, "c");
	wait_text(p, "Classes (");
	char word[200];
	class_word(word, sizeof word);
	wait_text(p, word);
	assert_absent(p, besnik);
	assert_absent(p, other);
	/* Ended classes too: still only hers. */
	key(p, "h");
	wait_text(p, "All classes, also those that ended");
	assert_absent(p, besnik);
	key(p, "Esc");
	wait_text(p, "Today, ");
	/* Dropout's hotkey does nothing for a teacher. */
	key(p, "d");
	assert_absent(p, "Dropout warning");
	key(p, "n");
	wait_text(p, "Rolls not taken (");
	assert_absent(p, besnik);
	pty_free(p);
	free(other);
	free(besnik);
}

/* Three unexcused absences in a row put a child on the dropout list with
 * the reason in words; dismissing with a note is stored. */
static void test_dropout_dismiss(void **state)
{
	struct fx *f = *state;
	/* A child of the class nobody has flagged. */
	char *sql =
	    xasprintf("SELECT p.id FROM enrolment e JOIN person p ON p.id = e.person_id"
	              " WHERE e.class_id = %lld AND e.deleted_at IS NULL AND e.to_date IS NULL"
	              " AND p.id NOT IN (SELECT person_id FROM dropout_flag)"
	              " ORDER BY p.id LIMIT 1",
	              g.class_id);
	char *pid = db_text(f, sql);
	free(sql);
	assert_non_null(pid);
	sql = xasprintf("SELECT last_name || ' ' || first_name FROM person WHERE id = %s", pid);
	char *name = db_text(f, sql);
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
	db_exec(f, sql);
	free(sql);

	struct pty *p = start(f, "en");
	login(p, "en", "arben", "demo-arben");
	key(p, "d");
	wait_text(p, "Dropout warning, ");
	key(p, "/");
	type(p, name);
	key(p, "Enter");
	/* The detail under the list names the selected child and says why. */
	wait_text(p, name);
	wait_text(p, "3 unexcused absences in a row");
	wait_text(p, "Last attended: ");
	key(p, "d");
	wait_text(p, "Dismiss the warning");
	key(p, "Enter"); /* a note is required */
	wait_text(p, "This field must be filled in");
	type(p, "Sëmurë me grip; prindërit u telefonuan");
	key(p, "Enter");
	wait_text(p, "Dismissed. The child returns");
	sql = xasprintf("SELECT state || '|' || action_note FROM dropout_flag"
	                " WHERE person_id = %s AND class_id = %lld ORDER BY id DESC LIMIT 1",
	                pid, g.class_id);
	expect_db(f, sql, "dismissed|Sëmurë me grip; prindërit u telefonuan");
	free(sql);
	pty_free(p);
	free(pid);
	free(name);
}

/* A past session without a roll shows on "rolls not taken"; the roll is
 * taken from there — in Albanian. */
static void test_roll_missing_sq(void **state)
{
	struct fx *f = *state;
	/* The latest held session before today loses its roll. */
	char *sql =
	    xasprintf("SELECT id || '|' || held_on FROM class_session WHERE class_id = %lld"
	              " AND status = 'held' AND held_on < '%s' ORDER BY held_on DESC LIMIT 1",
	              g.class_id, g.run_day);
	char *v = db_text(f, sql);
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
	db_exec(f, sql);
	free(sql);
	sql =
	    xasprintf("SELECT count(*) FROM enrolment WHERE class_id = %lld AND deleted_at IS NULL"
	              " AND from_date <= '%s' AND (to_date IS NULL OR to_date >= '%s')",
	              g.class_id, day, day);
	char *enrolled = db_text(f, sql);
	free(sql);
	assert_non_null(enrolled);

	struct pty *p = start(f, "sq");
	login(p, "sq", "mira", "demo-mira");
	key(p, "n");
	wait_text(p, "Regjistra të pambajtur (");
	char d[11];
	show_date(day, d);
	wait_text(p, d);
	/* Go to that row with the search, then take the roll. */
	key(p, "/");
	type(p, d);
	key(p, "Enter");
	key(p, "Enter");
	wait_text(p, "Shpejt: * të gjithë");
	wait_text(p, d);
	key(p, "r"); /* ruaj */
	wait_text(p, "Regjistri u ruajt:");
	sql = xasprintf("SELECT count(*) FROM attendance WHERE session_id = %lld"
	                " AND deleted_at IS NULL",
	                sid);
	expect_db(f, sql, enrolled);
	free(sql);
	wait_gone(p, d);
	free(enrolled);
	pty_free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

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
