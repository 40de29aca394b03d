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

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

#define NOW    "2026-03-11 10:15:00"
#define TODAY  "2026-03-11"
#define MARKER "ZQX-SECRET-7731-MARKER"

/* A client picked from the demo data: a unique name, no appointments yet. */
struct client {
	int64_t id;
	char first[64], last[64];
};

static int setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("cns");
	if (!f)
		return -1;
	*state = f;
	e2e_write_file(f->cfg, "hours:\n{\n\topen = \"08:00\";\n\tclose = \"18:00\";\n"
	                       "\tweekdays = [1, 2, 3, 4, 5];\n};\n");
	if (e2e_demo(f->db, f->dir, NOW, 30) != 0)
		return -1;
	/* The afternoons of March are the tests' own, whatever the demo made. */
	e2e_db_exec(f->db, "UPDATE appointment SET deleted_at = '" NOW "'"
	                   " WHERE start_at >= '2026-03-01' AND start_at < '2026-04-01'"
	                   " AND substr(start_at, 12, 5) >= '13:00'");
	return 0;
}

static struct pty *start(struct e2e_fx *f, const char *lang)
{
	static const char *const env[] = {"QENDRA_NOW=" NOW, "QENDRA_IDLE_SECONDS=0", NULL};
	return e2e_start_env(f, 24, 80, lang, true, env);
}

/* ---- the database, with plain sqlite3 ---- */

static int64_t user_id(struct e2e_fx *f, const char *username)
{
	char *sql = xasprintf("SELECT id FROM app_user WHERE username = '%s'", username);
	char *v = e2e_db_text(f->db, sql);
	free(sql);
	assert_non_null(v);
	int64_t id = atoll(v);
	free(v);
	return id;
}

/* The full name of a user (caller frees). */
static char *full_name(struct e2e_fx *f, const char *username)
{
	char *sql = xasprintf("SELECT full_name FROM app_user WHERE username = '%s'", username);
	char *v = e2e_db_text(f->db, sql);
	free(sql);
	assert_non_null(v);
	return v;
}

/* Is Elira's column left of Gent's in the day view of a registrar or a
 * manager (counsellors by name)? */
static bool elira_first(struct e2e_fx *f)
{
	char *v =
	    e2e_db_text(f->db, "SELECT username FROM app_user WHERE username IN ('elira', 'gent')"
	                       " ORDER BY full_name LIMIT 1");
	bool yes = v && strcmp(v, "elira") == 0;
	free(v);
	return yes;
}

/* The n-th person with a name nobody else has and no appointment this month. */
static void pick_person(struct e2e_fx *f, int n, struct client *c)
{
	sqlite3 *h = e2e_db_open(f->db, SQLITE_OPEN_READONLY);
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
	char *typed = e2e_fold(q);
	e2e_type(p, typed);
	e2e_key(p, "Enter");
	char *listed = xasprintf("%s %s ", c->last, c->first);
	long long end = e2e_ms_now() + E2E_WAIT_MS;
	while (!picked(p, c) && !pty_screen_has(p, "Found ") && !pty_screen_has(p, "U gjetën ")) {
		if (e2e_ms_now() > end) {
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
		e2e_keys(p, "Down", want - at);
		e2e_key(p, "Enter");
		end = e2e_ms_now() + E2E_WAIT_MS;
		while (!picked(p, c)) {
			if (e2e_ms_now() > end) {
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
	e2e_key(p, "s");
	e2e_wait_text(p, "Day: Wednesday 11.03.2026");
}

/* Fill the time field of the booking form (focus on the type field). */
static void set_time_from_type(struct pty *p, const char *time)
{
	e2e_keys(p, "Down", 2);
	e2e_key(p, "C-u");
	e2e_type(p, time);
}

/* ---- tests ---- */

/* As a counsellor: book, move (a clash is refused first), cancel. */
static void test_book_move_cancel(void **state)
{
	struct e2e_fx *f = *state;
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
	e2e_db_exec(f->db, sql);
	free(sql);
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "elira", NULL);
	open_schedule_en(p);
	e2e_key(p, "b");
	e2e_wait_text(p, "Book a counselling appointment");
	pick_client(p, &a);
	set_time_from_type(p, "13:00");
	e2e_keys(p, "Down", 2); /* duration, room */
	e2e_key(p, "Right");    /* the first room */
	e2e_key(p, "F4");
	e2e_wait_text(p, "The appointment is booked.");
	sql = xasprintf("SELECT count(*) FROM appointment WHERE person_id = %lld"
	                " AND start_at = '" TODAY " 13:00' AND status = 'scheduled'"
	                " AND counsellor_id = %lld AND room = 'room1'"
	                " AND duration_min = 45",
	                (long long)a.id, (long long)elira);
	e2e_expect_db(f->db, sql, "1");
	free(sql);

	/* The cursor is on 10:00; 13:00 is six half hours down. */
	e2e_keys(p, "Down", 6);
	e2e_wait_text(p, "13:00-13:45 · scheduled");
	e2e_key(p, "m");
	e2e_wait_text(p, "Move: ");
	e2e_key(p, "Down"); /* date -> time */
	e2e_key(p, "C-u");
	e2e_type(p, "17:15"); /* her 17:00 is there */
	e2e_key(p, "F4");
	e2e_wait_text(p, "The counsellor already has an appointment at this time");
	e2e_wait_text(p, "17:00-17:30");
	e2e_key(p, "C-u");
	e2e_type(p, "15:30");
	e2e_key(p, "F4");
	e2e_wait_text(p, "The appointment is moved.");
	sql = xasprintf("SELECT start_at || ' ' || version FROM appointment WHERE person_id = %lld",
	                (long long)a.id);
	e2e_expect_db(f->db, sql, TODAY " 15:30 2");
	free(sql);

	e2e_keys(p, "Down", 5);
	e2e_wait_text(p, "15:30-16:15 · scheduled");
	e2e_key(p, "x");
	e2e_wait_text(p, "Cancel: ");
	e2e_key(p, "Enter"); /* no reason: refused */
	e2e_wait_text(p, "must be filled in");
	e2e_type(p, "Family moved to Tirana");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Cancel the appointment of 11.03.2026 at 15:30");
	e2e_key(p, "y");
	e2e_wait_text(p, "The appointment is cancelled.");
	e2e_wait_text(p, "cancelled (Family moved to Tirana)");
	sql = xasprintf("SELECT status || '|' || cancel_reason FROM appointment"
	                " WHERE person_id = %lld",
	                (long long)a.id);
	e2e_expect_db(f->db, sql, "cancelled|Family moved to Tirana");
	free(sql);
	sql = xasprintf("SELECT group_concat(action, ',') FROM (SELECT action FROM audit"
	                " WHERE tbl = 'appointment' AND user_id = %lld ORDER BY id)",
	                (long long)elira);
	e2e_expect_db(f->db, sql, "appt_book,appt_move,appt_cancel");
	free(sql);
	pty_free(p);
}

/* As a registrar: the room and the counsellor double-booked, outside the
 * opening hours; the form keeps what was typed. No way to the notes. */
static void test_conflicts(void **state)
{
	struct e2e_fx *f = *state;
	struct client a, b;
	pick_person(f, 0, &a);
	pick_person(f, 1, &b);
	char *elira = full_name(f, "elira"), *gent = full_name(f, "gent");
	char *elira_at = xasprintf("%s /", elira), *gent_choice = xasprintf("< %s >", gent);
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "arben", NULL);
	open_schedule_en(p);
	if (!elira_first(f))
		e2e_key(p, "Right");
	/* A registrar never sees a log key. */
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "Log"));
	free(bar);

	/* Elira (the first column), 13:00, room 1. */
	e2e_key(p, "b");
	e2e_wait_text(p, "Book a counselling appointment");
	pick_client(p, &a);
	set_time_from_type(p, "13:00");
	e2e_keys(p, "Down", 2);
	e2e_key(p, "Right");
	e2e_key(p, "F4");
	e2e_wait_text(p, "The appointment is booked.");

	/* Gent, the same time and room: the room is taken. */
	e2e_key(p, "b");
	e2e_wait_text(p, "Book a counselling appointment");
	pick_client(p, &b);
	set_time_from_type(p, "13:00");
	e2e_keys(p, "Down", 2);
	e2e_key(p, "Right");
	e2e_key(p, "Down");
	e2e_key(p, gent[0] == 'g' || gent[0] == 'G' ? "g" : "Right"); /* counsellor: Gent */
	e2e_wait_text(p, gent_choice);
	e2e_key(p, "F4");
	e2e_wait_text(p, "The room is already taken at this time");
	e2e_wait_text(p, "13:00-13:45");
	e2e_wait_text(p, elira_at);
	/* Everything typed is still there. */
	assert_true(picked(p, &b));
	e2e_wait_text(p, "13:00");
	e2e_expect_db(f->db, "SELECT count(*) FROM appointment WHERE start_at = '" TODAY " 13:00'",
	              "1");

	/* Out of hours, then the room changed: booked. The refusal put the
	 * cursor on the room. */
	e2e_keys(p, "Up", 2); /* duration, time */
	e2e_key(p, "C-u");
	e2e_type(p, "19:00");
	e2e_key(p, "F4");
	e2e_wait_text(p, "outside the centre's opening hours");
	e2e_key(p, "C-u");
	e2e_type(p, "13:00");
	e2e_keys(p, "Down", 2);
	e2e_key(p, "Right"); /* room 2 */
	e2e_key(p, "F4");
	e2e_wait_text(p, "The appointment is booked.");
	e2e_expect_db(f->db,
	              "SELECT group_concat(u.username || ':' || a.room, ',') FROM"
	              " (SELECT * FROM appointment WHERE start_at = '" TODAY " 13:00'"
	              "  ORDER BY counsellor_id) a JOIN app_user u ON u.id = a.counsellor_id",
	              "elira:room1,gent:room2");

	/* The same counsellor twice: refused, naming the appointment. */
	e2e_key(p, "b");
	e2e_wait_text(p, "Book a counselling appointment");
	struct client c;
	pick_person(f, 2, &c);
	pick_client(p, &c);
	set_time_from_type(p, "13:15");
	e2e_key(p, "F4");
	e2e_wait_text(p, "The counsellor already has an appointment at this time");
	e2e_wait_text(p, "13:00-13:45");
	e2e_expect_db(f->db,
	              "SELECT count(*) FROM appointment WHERE start_at LIKE '" TODAY " 13:%'", "2");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Leave without saving?");
	e2e_key(p, "y");
	e2e_wait_text(p, "Day: Wednesday 11.03.2026");

	/* 'l' and Enter do nothing for a registrar. */
	e2e_keys(p, "Down", 6);
	e2e_wait_text(p, "13:00-13:45 · scheduled");
	e2e_key(p, "l");
	e2e_key(p, "Enter");
	pty_wait_stable(p, 200, 2000);
	e2e_assert_absent(p, "Session log");
	pty_free(p);
	free(elira);
	free(gent);
	free(elira_at);
	free(gent_choice);
}

/* In Albanian: a weekly series of three steps over a closure day. */
static void test_series_closure_sq(void **state)
{
	struct e2e_fx *f = *state;
	struct client a;
	pick_person(f, 0, &a);
	e2e_db_exec(f->db, "DELETE FROM closure WHERE day = '2026-03-18';"
	                   "INSERT INTO closure(uuid, created_at, updated_at, day, reason) VALUES"
	                   " ('0e2e0e2e-0000-4000-8000-000000000018', '2026-03-01 10:00:00',"
	                   " '2026-03-01 10:00:00', '2026-03-18', 'Festë lokale')");
	struct pty *p = start(f, "sq");
	e2e_login(p, "sq", "elira", NULL);
	e2e_key(p, "s");
	e2e_wait_text(p, "Dita: E mërkurë 11.03.2026");
	e2e_key(p, "b");
	e2e_wait_text(p, "Cakto një takim këshillimi");
	pick_client(p, &a);
	set_time_from_type(p, "14:00");
	e2e_keys(p, "Down", 4); /* duration, room, counsellor, weeks */
	e2e_key(p, "C-u");
	e2e_type(p, "3");
	e2e_key(p, "F4");
	e2e_wait_text(p, "U caktuan 2 takime. 1 data javore u kapërcyen");
	e2e_wait_text(p, "18.03.2026");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Takimi u caktua.");
	char *sql = xasprintf("SELECT group_concat(start_at, ',') FROM (SELECT start_at FROM"
	                      " appointment WHERE person_id = %lld AND series_uuid IS NOT NULL"
	                      " ORDER BY start_at)",
	                      (long long)a.id);
	e2e_expect_db(f->db, sql, "2026-03-11 14:00,2026-03-25 14:00");
	free(sql);
	/* The closure shows in the schedule of that day. */
	e2e_key(p, "]");
	e2e_wait_text(p, "Qendra është e mbyllur: Festë lokale");
	pty_free(p);
}

/* Held, did not come (on the home list), the session log written, and who
 * can read it: not a registrar, not another counsellor; the manager with a
 * reason, recorded. The marker never reaches the database file. */
static void test_session_log(void **state)
{
	struct e2e_fx *f = *state;
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
	e2e_db_exec(f->db, sql);
	free(sql);
	char *appt = e2e_db_text(f->db, "SELECT id FROM appointment WHERE uuid ="
	                                " '0e2e0e2e-0000-4000-8000-000000000801'");
	assert_non_null(appt);

	struct pty *p = start(f, "en");
	e2e_login(p, "en", "elira", NULL);
	open_schedule_en(p);
	/* A log before the session is held: refused with what to do. */
	e2e_keys(p, "Up", 4);
	e2e_wait_text(p, "08:00-08:30 · scheduled");
	e2e_key(p, "l");
	e2e_wait_text(p, "Mark the appointment as held (key h)");
	e2e_key(p, "h");
	e2e_wait_text(p, "08:00-08:30 · ✓ held");
	/* 08:30: did not come. */
	e2e_key(p, "Down");
	e2e_wait_text(p, "08:30-09:00 · scheduled");
	e2e_key(p, "n");
	e2e_wait_text(p, "08:30-09:00 · ✗ did not come");
	e2e_key(p, "Up");
	e2e_wait_text(p, "08:00-08:30 · ✓ held");
	e2e_key(p, "l");
	e2e_wait_text(p, "Session log: ");
	e2e_type(p, "Talked about school " MARKER);
	e2e_key(p, "Enter");
	e2e_type(p, "Go to school every day");
	e2e_key(p, "Enter");
	e2e_type(p, "Meet the teacher");
	e2e_key(p, "Enter");
	e2e_type(p, "18.03.2026");
	e2e_key(p, "Enter"); /* to the notes */
	e2e_type(p, "First line " MARKER "\nSecond line of the notes");
	e2e_key(p, "F4");
	e2e_wait_text(p, "The session log is saved.");
	char *q = xasprintf("SELECT count(*) || '|' || follow_up_on FROM session_log"
	                    " WHERE appointment_id = %s AND deleted_at IS NULL",
	                    appt);
	e2e_expect_db(f->db, q, "1|2026-03-18");
	free(q);
	/* Back home: the no-show is on the follow-up list. */
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Did not come, not booked again (");
	e2e_wait_text(p, b.first);
	pty_free(p);

	/* The marker is sealed: not in the database or beside it. */
	char *journal = xasprintf("%s-journal", f->db), *wal = xasprintf("%s-wal", f->db);
	assert_false(e2e_file_has(f->db, MARKER));
	assert_false(e2e_file_has(journal, MARKER));
	assert_false(e2e_file_has(wal, MARKER));
	free(journal);
	free(wal);

	/* A registrar: no log key, nothing opens. */
	p = start(f, "en");
	e2e_login(p, "en", "arben", NULL);
	open_schedule_en(p);
	if (!elira_first(f))
		e2e_key(p, "Right");
	e2e_keys(p, "Up", 4);
	e2e_wait_text(p, "08:00-08:30 · ✓ held");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "Log"));
	free(bar);
	e2e_key(p, "l");
	e2e_key(p, "Enter");
	pty_wait_stable(p, 200, 2000);
	e2e_assert_absent(p, "Session log");
	e2e_assert_absent(p, MARKER);
	pty_free(p);

	/* Another counsellor: refused (and the attempt recorded). */
	p = start(f, "en");
	e2e_login(p, "en", "gent", NULL);
	open_schedule_en(p);
	e2e_key(p, "Right"); /* his own column comes first; Elira's next */
	e2e_keys(p, "Up", 4);
	e2e_wait_text(p, "08:00-08:30 · ✓ held");
	e2e_key(p, "l");
	e2e_wait_text(p, "Only its counsellor, and a manager with a reason, may read this log.");
	e2e_assert_absent(p, MARKER);
	pty_free(p);
	q = xasprintf("SELECT count(*) FROM audit WHERE action = 'session_log_denied'"
	              " AND record_id = %s AND user_id = %lld",
	              appt, (long long)user_id(f, "gent"));
	e2e_expect_db(f->db, q, "1");
	free(q);

	/* The manager: a reason first, told it is recorded, then the text. */
	p = start(f, "en");
	e2e_login(p, "en", "drita", NULL);
	open_schedule_en(p);
	if (!elira_first(f))
		e2e_key(p, "Right");
	e2e_keys(p, "Up", 4);
	e2e_wait_text(p, "08:00-08:30 · ✓ held");
	e2e_key(p, "l");
	e2e_wait_text(p, "Read a session log");
	e2e_wait_text(p, "recorded in the audit log");
	e2e_assert_absent(p, MARKER);
	e2e_key(p, "Enter"); /* no reason: refused */
	e2e_wait_text(p, "must be filled in");
	e2e_type(p, "Case supervision");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "This reading has been recorded with your reason");
	e2e_wait_text(p, "Case supervision");
	e2e_wait_text(p, MARKER);
	e2e_wait_text(p, "Second line of the notes");
	q = xasprintf("SELECT count(*) FROM audit WHERE action = 'session_log_read'"
	              " AND detail = 'Case supervision' AND user_id = %lld",
	              (long long)user_id(f, "drita"));
	e2e_wait_db(f->db, p, q, "1");
	free(q);
	pty_free(p);
	free(appt);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, e2e_teardown)

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
