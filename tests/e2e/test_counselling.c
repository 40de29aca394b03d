/*
 * test_counselling — end-to-end tests of the counsellor's screens (tui/cns_*):
 * the schedule, booking, moving and cancelling appointments, conflicts, a
 * weekly series over a closure day, marking held / did not come, and the
 * confidential session log as seen by its counsellor, a registrar, another
 * counsellor and the manager.
 *
 * The real qendra binary ($QENDRA_BIN, default ./qendra) runs in a
 * pseudo-terminal of 80x24 on a fresh demo database per test, with the
 * clock pinned (QENDRA_NOW = Wednesday 11.03.2026 10:15) and the opening
 * hours pinned by a configuration file (08:00-18:00, Monday to Friday).
 * Every step waits for the screen; the results are checked in the database
 * with plain sqlite3. The series test runs in Albanian.
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

#define T_WAIT 10000 /* ms */
#define NOW    "2026-03-11 10:15:00"
#define TODAY  "2026-03-11"
#define MARKER "ZQX-SECRET-7731-MARKER"

struct fx {
	char dir[64];
	char db[128];
	char cfg[128];
};

/* A client picked from the demo data: a unique name, no appointments yet. */
struct client {
	int64_t id;
	char first[64], last[64];
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
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-cns-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	snprintf(f->cfg, sizeof f->cfg, "%s/qendra.cfg", f->dir);
	*state = f;
	FILE *c = fopen(f->cfg, "w");
	if (!c)
		return -1;
	fputs("hours:\n{\n\topen = \"08:00\";\n\tclose = \"18:00\";\n"
	      "\tweekdays = [1, 2, 3, 4, 5];\n};\n",
	      c);
	fclose(c);
	char *cmd = xasprintf("QENDRA_NOW='" NOW "' '%s' demo --db '%s' --families 30"
	                      " </dev/null >>'%s/setup.log' 2>&1",
	                      bin(), f->db, f->dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "qendra demo failed (%d); see %s/setup.log\n", rc, f->dir);
		return -1;
	}
	/* The afternoons of March are the tests' own, whatever the demo made. */
	sqlite3 *h = NULL;
	rc = sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h,
		                  "UPDATE appointment SET deleted_at = '" NOW "'"
		                  " WHERE start_at >= '2026-03-01' AND start_at < '2026-04-01'"
		                  " AND substr(start_at, 12, 5) >= '13:00'",
		                  NULL, NULL, NULL);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
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
	const char *argv[] = {bin(), "--db", f->db, "--config", f->cfg, "--lang", lang, NULL};
	const char *env[] = {"QENDRA_NOW=" NOW, "QENDRA_IDLE_SECONDS=0", NULL};
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

static void keys(struct pty *p, const char *name, int times)
{
	for (int i = 0; i < times; i++)
		key(p, name);
}

static void type(struct pty *p, const char *text)
{
	assert_int_equal(pty_type(p, text), 0);
}

static void login(struct pty *p, const char *user, const char *user_label, const char *home)
{
	wait_text(p, user_label);
	type(p, user);
	key(p, "Enter");
	char *pw = xasprintf("demo-%s", user);
	type(p, pw);
	free(pw);
	key(p, "Enter");
	wait_text(p, home);
}

static void login_en(struct pty *p, const char *user)
{
	login(p, user, "User name", "Today, ");
}

/* ---- the database, with plain sqlite3 ---- */

static sqlite3 *open_db(struct fx *f, int flags)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(f->db, &h, flags, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	return h;
}

/* One text value (caller frees); NULL when no row. */
static char *db_text(struct fx *f, const char *sql)
{
	sqlite3 *h = open_db(f, SQLITE_OPEN_READONLY);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad test SQL: %s: %s", sql, sqlite3_errmsg(h));
	char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

static void db_exec(struct fx *f, const char *sql)
{
	sqlite3 *h = open_db(f, SQLITE_OPEN_READWRITE);
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("test SQL failed: %s: %s", sql, msg ? msg : "?");
	sqlite3_close(h);
}

/* Wait (pumping the program's output) until a query gives want. */
static void wait_db(struct fx *f, struct pty *p, const char *sql, const char *want)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *v = db_text(f, sql);
		bool ok = v && strcmp(v, want) == 0;
		if (ok || ms_now() > end) {
			if (!ok) {
				pty_dump(p, stderr);
				fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL",
				         want);
			}
			free(v);
			return;
		}
		free(v);
		pty_wait_stable(p, 50, 500);
	}
}

static void expect_db(struct fx *f, const char *sql, const char *want)
{
	char *v = db_text(f, sql);
	if (!v || strcmp(v, want) != 0)
		fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL", want);
	free(v);
}

static int64_t user_id(struct fx *f, const char *username)
{
	char *sql = xasprintf("SELECT id FROM app_user WHERE username = '%s'", username);
	char *v = db_text(f, sql);
	free(sql);
	assert_non_null(v);
	int64_t id = atoll(v);
	free(v);
	return id;
}

/* The full name of a user (caller frees). */
static char *full_name(struct fx *f, const char *username)
{
	char *sql = xasprintf("SELECT full_name FROM app_user WHERE username = '%s'", username);
	char *v = db_text(f, sql);
	free(sql);
	assert_non_null(v);
	return v;
}

/* Is Elira's column left of Gent's in the day view of a registrar or a
 * manager (counsellors by name)? */
static bool elira_first(struct fx *f)
{
	char *v = db_text(f, "SELECT username FROM app_user WHERE username IN ('elira', 'gent')"
	                     " ORDER BY full_name LIMIT 1");
	bool yes = v && strcmp(v, "elira") == 0;
	free(v);
	return yes;
}

/* The n-th person with a name nobody else has and no appointment this month. */
static void pick_person(struct fx *f, int n, struct client *c)
{
	sqlite3 *h = open_db(f, SQLITE_OPEN_READONLY);
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(
	        h,
	        "SELECT p.id, p.first_name, p.last_name FROM person p"
	        " WHERE p.deleted_at IS NULL AND (SELECT count(*) FROM person q"
	        "  WHERE q.first_name = p.first_name AND q.last_name = p.last_name) = 1"
	        " AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.person_id = p.id"
	        "  AND a.start_at >= '2026-03-01')"
	        " ORDER BY p.id LIMIT 1 OFFSET ?1",
	        -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int(st, 1, n);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	c->id = sqlite3_column_int64(st, 0);
	util_strlcpy(c->first, (const char *)sqlite3_column_text(st, 1), sizeof c->first);
	util_strlcpy(c->last, (const char *)sqlite3_column_text(st, 2), sizeof c->last);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* ---- screens ---- */

/* The name with ç and ë written plainly, as a hurried desk types it. */
static char *plain(const char *s)
{
	struct sbuf b = {0};
	while (*s) {
		if (!strncmp(s, "ç", 2) || !strncmp(s, "Ç", 2) || !strncmp(s, "ë", 2) ||
		    !strncmp(s, "Ë", 2)) {
			sbuf_add(&b, s[1] == '\xa7'   ? "c"
			             : s[1] == '\x87' ? "C"
			             : s[1] == '\xab' ? "e"
			                              : "E");
			s += 2;
		} else {
			sbuf_addn(&b, s, 1);
			s++;
		}
	}
	return b.s ? b.s : xstrdup("");
}

/* Row of the list selection marker ("> " in column 1), or -1. */
static int selected_row(struct pty *p)
{
	for (int r = 0; r < 24; r++) {
		char *row = pty_row(p, r);
		bool sel = row && strncmp(row, " > ", 3) == 0;
		free(row);
		if (sel)
			return r;
	}
	return -1;
}

/* Has the client field taken the picked client ("First Last (father) · code"
 * or "First Last · code")? */
static bool picked(struct pty *p, const struct client *c)
{
	char *a = xasprintf("%s %s (", c->first, c->last),
	     *b = xasprintf("%s %s · ", c->first, c->last);
	bool yes = pty_screen_has(p, a) || pty_screen_has(p, b);
	free(a);
	free(b);
	return yes;
}

/* In the booking form with the client field focused: search without
 * accents, and choose the client from the list when several match. */
static void pick_client(struct pty *p, const struct client *c)
{
	char *q = xasprintf("%s %s", c->first, c->last);
	char *typed = plain(q);
	type(p, typed);
	key(p, "Enter");
	char *listed = xasprintf("%s %s ", c->last, c->first);
	long long end = ms_now() + T_WAIT;
	while (!picked(p, c) && !pty_screen_has(p, "Found ") && !pty_screen_has(p, "U gjetën ")) {
		if (ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("searching for %s gave nothing", typed);
		}
		pty_wait_stable(p, 50, 500);
	}
	if (!picked(p, c)) {
		int want = pty_find_row(p, listed), at = selected_row(p);
		if (want < 0 || at < 0) {
			pty_dump(p, stderr);
			fail_msg("%s is not in the list", listed);
		}
		keys(p, "Down", want - at);
		key(p, "Enter");
		end = ms_now() + T_WAIT;
		while (!picked(p, c)) {
			if (ms_now() > end) {
				pty_dump(p, stderr);
				fail_msg("%s was not picked", q);
			}
			pty_wait_stable(p, 50, 500);
		}
	}
	free(q);
	free(typed);
	free(listed);
}

/* From the home screen to the schedule of today (English). */
static void open_schedule_en(struct pty *p)
{
	key(p, "s");
	wait_text(p, "Day: Wednesday 11.03.2026");
}

/* Fill the time field of the booking form (focus on the type field). */
static void set_time_from_type(struct pty *p, const char *time)
{
	keys(p, "Down", 2);
	key(p, "C-u");
	type(p, time);
}

/* ---- tests ---- */

/* As a counsellor: book, move (a clash is refused first), cancel. */
static void test_book_move_cancel(void **state)
{
	struct fx *f = *state;
	struct client a, b;
	pick_person(f, 0, &a);
	pick_person(f, 1, &b);
	int64_t elira = user_id(f, "elira");
	/* Her 17:00, to move into. */
	char *sql = xasprintf(
	    "INSERT INTO appointment(uuid, created_at, updated_at, person_id, counsellor_id, type,"
	    " start_at, duration_min) VALUES ('0e2e0e2e-0000-4000-8000-000000001700',"
	    " '2026-03-01 10:00:00', '2026-03-01 10:00:00', %lld, %lld, 'career',"
	    " '" TODAY " 17:00', 30)",
	    (long long)b.id, (long long)elira);
	db_exec(f, sql);
	free(sql);
	struct pty *p = start(f, "en");
	login_en(p, "elira");
	open_schedule_en(p);
	key(p, "b");
	wait_text(p, "Book a counselling appointment");
	pick_client(p, &a);
	set_time_from_type(p, "13:00");
	keys(p, "Down", 2); /* duration, room */
	key(p, "Right");    /* the first room */
	key(p, "F4");
	wait_text(p, "The appointment is booked.");
	sql = xasprintf("SELECT count(*) FROM appointment WHERE person_id = %lld"
	                " AND start_at = '" TODAY " 13:00' AND status = 'scheduled'"
	                " AND counsellor_id = %lld AND room = 'room1'"
	                " AND duration_min = 45",
	                (long long)a.id, (long long)elira);
	expect_db(f, sql, "1");
	free(sql);

	/* The cursor is on 10:00; 13:00 is six half hours down. */
	keys(p, "Down", 6);
	wait_text(p, "13:00-13:45 · scheduled");
	key(p, "m");
	wait_text(p, "Move: ");
	key(p, "Down"); /* date -> time */
	key(p, "C-u");
	type(p, "17:15"); /* her 17:00 is there */
	key(p, "F4");
	wait_text(p, "The counsellor already has an appointment at this time");
	wait_text(p, "17:00-17:30");
	key(p, "C-u");
	type(p, "15:30");
	key(p, "F4");
	wait_text(p, "The appointment is moved.");
	sql = xasprintf("SELECT start_at || ' ' || version FROM appointment WHERE person_id = %lld",
	                (long long)a.id);
	expect_db(f, sql, TODAY " 15:30 2");
	free(sql);

	keys(p, "Down", 5);
	wait_text(p, "15:30-16:15 · scheduled");
	key(p, "x");
	wait_text(p, "Cancel: ");
	key(p, "Enter"); /* no reason: refused */
	wait_text(p, "must be filled in");
	type(p, "Family moved to Tirana");
	key(p, "Enter");
	wait_text(p, "Cancel the appointment of 11.03.2026 at 15:30");
	key(p, "y");
	wait_text(p, "The appointment is cancelled.");
	wait_text(p, "cancelled (Family moved to Tirana)");
	sql = xasprintf("SELECT status || '|' || cancel_reason FROM appointment"
	                " WHERE person_id = %lld",
	                (long long)a.id);
	expect_db(f, sql, "cancelled|Family moved to Tirana");
	free(sql);
	sql = xasprintf("SELECT group_concat(action, ',') FROM (SELECT action FROM audit"
	                " WHERE tbl = 'appointment' AND user_id = %lld ORDER BY id)",
	                (long long)elira);
	expect_db(f, sql, "appt_book,appt_move,appt_cancel");
	free(sql);
	pty_free(p);
}

/* As a registrar: the room and the counsellor double-booked, outside the
 * opening hours; the form keeps what was typed. No way to the notes. */
static void test_conflicts(void **state)
{
	struct fx *f = *state;
	struct client a, b;
	pick_person(f, 0, &a);
	pick_person(f, 1, &b);
	char *elira = full_name(f, "elira"), *gent = full_name(f, "gent");
	char *elira_at = xasprintf("%s /", elira), *gent_choice = xasprintf("< %s >", gent);
	struct pty *p = start(f, "en");
	login_en(p, "arben");
	open_schedule_en(p);
	if (!elira_first(f))
		key(p, "Right");
	/* A registrar never sees a log key. */
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "Log"));
	free(bar);

	/* Elira (the first column), 13:00, room 1. */
	key(p, "b");
	wait_text(p, "Book a counselling appointment");
	pick_client(p, &a);
	set_time_from_type(p, "13:00");
	keys(p, "Down", 2);
	key(p, "Right");
	key(p, "F4");
	wait_text(p, "The appointment is booked.");

	/* Gent, the same time and room: the room is taken. */
	key(p, "b");
	wait_text(p, "Book a counselling appointment");
	pick_client(p, &b);
	set_time_from_type(p, "13:00");
	keys(p, "Down", 2);
	key(p, "Right");
	key(p, "Down");
	key(p, gent[0] == 'g' || gent[0] == 'G' ? "g" : "Right"); /* counsellor: Gent */
	wait_text(p, gent_choice);
	key(p, "F4");
	wait_text(p, "The room is already taken at this time");
	wait_text(p, "13:00-13:45");
	wait_text(p, elira_at);
	/* Everything typed is still there. */
	assert_true(picked(p, &b));
	wait_text(p, "13:00");
	expect_db(f, "SELECT count(*) FROM appointment WHERE start_at = '" TODAY " 13:00'", "1");

	/* Out of hours, then the room changed: booked. The refusal put the
	 * cursor on the room. */
	keys(p, "Up", 2); /* duration, time */
	key(p, "C-u");
	type(p, "19:00");
	key(p, "F4");
	wait_text(p, "outside the centre's opening hours");
	key(p, "C-u");
	type(p, "13:00");
	keys(p, "Down", 2);
	key(p, "Right"); /* room 2 */
	key(p, "F4");
	wait_text(p, "The appointment is booked.");
	expect_db(f,
	          "SELECT group_concat(u.username || ':' || a.room, ',') FROM"
	          " (SELECT * FROM appointment WHERE start_at = '" TODAY " 13:00'"
	          "  ORDER BY counsellor_id) a JOIN app_user u ON u.id = a.counsellor_id",
	          "elira:room1,gent:room2");

	/* The same counsellor twice: refused, naming the appointment. */
	key(p, "b");
	wait_text(p, "Book a counselling appointment");
	struct client c;
	pick_person(f, 2, &c);
	pick_client(p, &c);
	set_time_from_type(p, "13:15");
	key(p, "F4");
	wait_text(p, "The counsellor already has an appointment at this time");
	wait_text(p, "13:00-13:45");
	expect_db(f, "SELECT count(*) FROM appointment WHERE start_at LIKE '" TODAY " 13:%'", "2");
	key(p, "Esc");
	wait_text(p, "Leave without saving?");
	key(p, "y");
	wait_text(p, "Day: Wednesday 11.03.2026");

	/* 'l' and Enter do nothing for a registrar. */
	keys(p, "Down", 6);
	wait_text(p, "13:00-13:45 · scheduled");
	key(p, "l");
	key(p, "Enter");
	pty_wait_stable(p, 200, 2000);
	assert_absent(p, "Session log");
	pty_free(p);
	free(elira);
	free(gent);
	free(elira_at);
	free(gent_choice);
}

/* In Albanian: a weekly series of three steps over a closure day. */
static void test_series_closure_sq(void **state)
{
	struct fx *f = *state;
	struct client a;
	pick_person(f, 0, &a);
	db_exec(f, "DELETE FROM closure WHERE day = '2026-03-18';"
	           "INSERT INTO closure(uuid, created_at, updated_at, day, reason) VALUES"
	           " ('0e2e0e2e-0000-4000-8000-000000000018', '2026-03-01 10:00:00',"
	           " '2026-03-01 10:00:00', '2026-03-18', 'Festë lokale')");
	struct pty *p = start(f, "sq");
	login(p, "elira", "Përdoruesi", "Sot, ");
	key(p, "s");
	wait_text(p, "Dita: E mërkurë 11.03.2026");
	key(p, "b");
	wait_text(p, "Cakto një takim këshillimi");
	pick_client(p, &a);
	set_time_from_type(p, "14:00");
	keys(p, "Down", 4); /* duration, room, counsellor, weeks */
	key(p, "C-u");
	type(p, "3");
	key(p, "F4");
	wait_text(p, "U caktuan 2 takime. 1 data javore u kapërcyen");
	wait_text(p, "18.03.2026");
	key(p, "Enter");
	wait_text(p, "Takimi u caktua.");
	char *sql = xasprintf("SELECT group_concat(start_at, ',') FROM (SELECT start_at FROM"
	                      " appointment WHERE person_id = %lld AND series_uuid IS NOT NULL"
	                      " ORDER BY start_at)",
	                      (long long)a.id);
	expect_db(f, sql, "2026-03-11 14:00,2026-03-25 14:00");
	free(sql);
	/* The closure shows in the schedule of that day. */
	key(p, "]");
	wait_text(p, "Qendra është e mbyllur: Festë lokale");
	pty_free(p);
}

static bool file_has(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	struct sbuf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sbuf_addn(&b, chunk, n);
	fclose(fp);
	bool found = b.s && memmem(b.s, b.len, needle, strlen(needle)) != NULL;
	sbuf_free(&b);
	return found;
}

/* Held, did not come (on the home list), the session log written, and who
 * can read it: not a registrar, not another counsellor; the manager with a
 * reason, recorded. The marker never reaches the database file. */
static void test_session_log(void **state)
{
	struct fx *f = *state;
	struct client a, b;
	pick_person(f, 0, &a);
	pick_person(f, 1, &b);
	/* Two of Elira's appointments this morning, before "now" (10:15). */
	char *sql = xasprintf(
	    "UPDATE appointment SET deleted_at = '" NOW "' WHERE start_at LIKE '" TODAY " 08:%%';"
	    "INSERT INTO appointment(uuid, created_at, updated_at, person_id, counsellor_id, type,"
	    " start_at, duration_min, room) VALUES"
	    " ('0e2e0e2e-0000-4000-8000-000000000801', '2026-03-01 10:00:00',"
	    "  '2026-03-01 10:00:00', %lld, %lld, 'psychosocial', '" TODAY " 08:00', 30, 'room1'),"
	    " ('0e2e0e2e-0000-4000-8000-000000000802', '2026-03-01 10:00:00',"
	    "  '2026-03-01 10:00:00', %lld, %lld, 'family', '" TODAY " 08:30', 30, 'room1')",
	    (long long)a.id, (long long)user_id(f, "elira"), (long long)b.id,
	    (long long)user_id(f, "elira"));
	db_exec(f, sql);
	free(sql);
	char *appt = db_text(f, "SELECT id FROM appointment WHERE uuid ="
	                        " '0e2e0e2e-0000-4000-8000-000000000801'");
	assert_non_null(appt);

	struct pty *p = start(f, "en");
	login_en(p, "elira");
	open_schedule_en(p);
	/* A log before the session is held: refused with what to do. */
	keys(p, "Up", 4);
	wait_text(p, "08:00-08:30 · scheduled");
	key(p, "l");
	wait_text(p, "Mark the appointment as held (key h)");
	key(p, "h");
	wait_text(p, "08:00-08:30 · ✓ held");
	/* 08:30: did not come. */
	key(p, "Down");
	wait_text(p, "08:30-09:00 · scheduled");
	key(p, "n");
	wait_text(p, "08:30-09:00 · ✗ did not come");
	key(p, "Up");
	wait_text(p, "08:00-08:30 · ✓ held");
	key(p, "l");
	wait_text(p, "Session log: ");
	type(p, "Talked about school " MARKER);
	key(p, "Enter");
	type(p, "Go to school every day");
	key(p, "Enter");
	type(p, "Meet the teacher");
	key(p, "Enter");
	type(p, "18.03.2026");
	key(p, "Enter"); /* to the notes */
	type(p, "First line " MARKER "\nSecond line of the notes");
	key(p, "F4");
	wait_text(p, "The session log is saved.");
	char *q = xasprintf("SELECT count(*) || '|' || follow_up_on FROM session_log"
	                    " WHERE appointment_id = %s AND deleted_at IS NULL",
	                    appt);
	expect_db(f, q, "1|2026-03-18");
	free(q);
	/* Back home: the no-show is on the follow-up list. */
	key(p, "Esc");
	wait_text(p, "Did not come, last 14 days (");
	wait_text(p, b.first);
	pty_free(p);

	/* The marker is sealed: not in the database or beside it. */
	char *journal = xasprintf("%s-journal", f->db), *wal = xasprintf("%s-wal", f->db);
	assert_false(file_has(f->db, MARKER));
	assert_false(file_has(journal, MARKER));
	assert_false(file_has(wal, MARKER));
	free(journal);
	free(wal);

	/* A registrar: no log key, nothing opens. */
	p = start(f, "en");
	login_en(p, "arben");
	open_schedule_en(p);
	if (!elira_first(f))
		key(p, "Right");
	keys(p, "Up", 4);
	wait_text(p, "08:00-08:30 · ✓ held");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "Log"));
	free(bar);
	key(p, "l");
	key(p, "Enter");
	pty_wait_stable(p, 200, 2000);
	assert_absent(p, "Session log");
	assert_absent(p, MARKER);
	pty_free(p);

	/* Another counsellor: refused (and the attempt recorded). */
	p = start(f, "en");
	login_en(p, "gent");
	open_schedule_en(p);
	key(p, "Right"); /* his own column comes first; Elira's next */
	keys(p, "Up", 4);
	wait_text(p, "08:00-08:30 · ✓ held");
	key(p, "l");
	wait_text(p, "Only its counsellor, and a manager with a reason, may read this log.");
	assert_absent(p, MARKER);
	pty_free(p);
	q = xasprintf("SELECT count(*) FROM audit WHERE action = 'session_log_denied'"
	              " AND record_id = %s AND user_id = %lld",
	              appt, (long long)user_id(f, "gent"));
	expect_db(f, q, "1");
	free(q);

	/* The manager: a reason first, told it is recorded, then the text. */
	p = start(f, "en");
	login_en(p, "drita");
	open_schedule_en(p);
	if (!elira_first(f))
		key(p, "Right");
	keys(p, "Up", 4);
	wait_text(p, "08:00-08:30 · ✓ held");
	key(p, "l");
	wait_text(p, "Read a session log");
	wait_text(p, "recorded in the audit log");
	assert_absent(p, MARKER);
	key(p, "Enter"); /* no reason: refused */
	wait_text(p, "must be filled in");
	type(p, "Case supervision");
	key(p, "Enter");
	wait_text(p, "This reading has been recorded with your reason");
	wait_text(p, "Case supervision");
	wait_text(p, MARKER);
	wait_text(p, "Second line of the notes");
	q = xasprintf("SELECT count(*) FROM audit WHERE action = 'session_log_read'"
	              " AND detail = 'Case supervision' AND user_id = %lld",
	              (long long)user_id(f, "drita"));
	wait_db(f, p, q, "1");
	free(q);
	pty_free(p);
	free(appt);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_book_move_cancel),
	    T(test_conflicts),
	    T(test_series_closure_sq),
	    T(test_session_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
