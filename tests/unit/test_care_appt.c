/*
 * Unit tests of the counselling schedule (db/appointment.c) and closures:
 * conflicts of counsellor, room and client, opening hours and weekdays,
 * closure days, a weekly series that skips closures and is refused whole on
 * any other conflict, move/cancel/mark, follow-ups from no-shows, the day
 * and week views, role checks, stale versions and hostile input.
 *
 * The clock is pinned to Wednesday 11.03.2026 12:00.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/test_care.h"

static const struct db_hours hours = {8 * 60, 18 * 60, 0x1F}; /* Mon-Fri 08:00-18:00 */
static int64_t ana, besa, group;

static int setup(void **state)
{
	(void)state;
	if (care_open("2026-03-11 12:00:00"))
		return -1;
	ana = add_person("Ana", "Çela", 'F', "2012-04-01");
	besa = add_person("Besa", "Dhima", 'F', "2011-02-03");
	exec("INSERT INTO activity(held_on, title, type, uuid, created_at, updated_at)"
	     " VALUES ('2026-03-16', 'Grupi i të rinjve', 'peer_support', " REC_VALS ")");
	group = sqlite3_last_insert_rowid(db->h);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return care_close();
}

static int book(int who, int64_t person, int64_t counsellor, const char *start, int dur,
                const char *room, int weeks, struct db_appt_booked *out, struct qerr *e)
{
	struct db_appt_new in = {.person_id = person,
	                         .counsellor_id = counsellor,
	                         .type = "psychosocial",
	                         .start = start,
	                         .duration_min = dur,
	                         .room = room,
	                         .weeks = weeks};
	qerr_clear(e);
	return db_appt_book(db, who ? &actor[who] : NULL, &in, &hours, out, e);
}

static void test_dates(void **state)
{
	(void)state;
	long d;
	assert_true(db_day_from_iso("2026-03-09", &d));
	assert_int_equal(db_day_weekday(d), 0); /* a Monday */
	assert_true(db_day_from_iso("1970-01-01", &d));
	assert_int_equal(d, 0);
	assert_int_equal(db_day_weekday(d), 3); /* a Thursday */
	assert_true(db_day_from_iso("2024-02-29", &d));
	char out[11];
	db_day_to_iso(d + 1, out);
	assert_string_equal(out, "2024-03-01");
	assert_false(db_day_from_iso("2026-02-29", &d));
	assert_false(db_day_from_iso("2026-13-01", &d));
	assert_false(db_day_from_iso("2026-1-01", &d));
	assert_false(db_day_from_iso("", &d));
	assert_false(db_day_from_iso(NULL, &d));
	assert_false(db_day_from_iso("'; DROP TABLE", &d));
	/* Round trip over 30 years. */
	assert_true(db_day_from_iso("2000-01-01", &d));
	for (long k = d; k < d + 11000; k++) {
		long back;
		db_day_to_iso(k, out);
		assert_true(db_day_from_iso(out, &back));
		assert_int_equal(back, k);
	}
}

static void test_book_and_conflicts(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_appt_booked b;
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 50, "room1", 1, &b, &e),
	                 DB_OK);
	assert_int_equal(b.booked, 1);
	assert_true(b.first_id > 0);

	/* The same counsellor at 10:30: refused, naming the appointment. */
	assert_int_equal(book(U_C1, besa, uid[U_C1], "2026-03-16 10:30", 50, "room2", 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_counsellor_busy");
	assert_non_null(strstr(e.detail, "16.03.2026 10:00-10:50"));
	assert_non_null(strstr(e.detail, "Arta Këshilluese"));
	assert_non_null(strstr(e.detail, "Ana Çela"));

	/* Another counsellor, the same room. */
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-03-16 10:30", 50, "room1", 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_room_busy");
	assert_non_null(strstr(e.detail, "room1"));

	/* Another counsellor and room, the same client. */
	assert_int_equal(book(U_C2, ana, uid[U_C2], "2026-03-16 09:30", 45, "room2", 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_client_busy");

	/* Back to back is fine: [10:00, 10:50) then 10:50; and 09:10-10:00. */
	assert_int_equal(book(U_C1, besa, uid[U_C1], "2026-03-16 10:50", 30, "room1", 1, &b, &e),
	                 DB_OK);
	assert_int_equal(book(U_C1, besa, uid[U_C1], "2026-03-16 09:10", 50, "room1", 1, &b, &e),
	                 DB_OK);
	/* A room-less booking does not clash on the room. */
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-03-16 15:00", 30, NULL, 1, &b, &e),
	                 DB_OK);
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 15:00", 30, "", 1, &b, &e), DB_OK);

	/* A cancelled appointment frees its slot. */
	int64_t id;
	assert_int_equal(book(U_C2, ana, uid[U_C2], "2026-03-17 11:00", 60, "room3", 1, &b, &e),
	                 DB_OK);
	id = b.first_id;
	assert_int_equal(db_appt_cancel(db, &actor[U_C2], id, 1, "Klienti u sëmur", false, &e),
	                 DB_OK);
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-17 11:00", 60, "room3", 1, &b, &e),
	                 DB_OK);

	/* A group appointment clashes with the same group. */
	struct db_appt_new g = {0, group, uid[U_C1], "group", "2026-03-18 14:00", 90, "hall", 1};
	assert_int_equal(db_appt_book(db, &actor[U_MGR], &g, &hours, &b, &e), DB_OK);
	g.counsellor_id = uid[U_C2];
	g.room = "room2";
	assert_int_equal(db_appt_book(db, &actor[U_MGR], &g, &hours, &b, &e), DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_client_busy");
	assert_non_null(strstr(e.detail, "Grupi i të rinjve"));
}

static void test_hours(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_appt_booked b;
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 07:30", 50, NULL, 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_outside_hours");
	assert_string_equal(e.detail, "08:00-18:00");
	/* Ends after closing. */
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 17:30", 45, NULL, 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_outside_hours");
	/* Ends exactly at closing. */
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 17:15", 45, NULL, 1, &b, &e),
	                 DB_OK);
	/* Sunday 15.03.2026. */
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-15 10:00", 45, NULL, 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_outside_hours");
	/* No hours given: not checked. */
	struct db_appt_new in = {ana, 0, uid[U_C1], "career", "2026-03-15 10:00", 45, NULL, 1};
	assert_int_equal(db_appt_book(db, &actor[U_C1], &in, NULL, &b, &e), DB_OK);
}

static void test_closures_and_series(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_appt_booked b;
	int64_t cid;
	int appts = -1;
	assert_int_equal(
	    db_closure_add(db, &actor[U_REG], "2026-03-23", "Dita e Nevruzit", &cid, &appts, &e),
	    DB_OK);
	assert_int_equal(appts, 0);
	assert_int_equal(db_closure_add(db, &actor[U_MGR], "2026-03-23", "again", NULL, NULL, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:closure_exists");
	/* Only managers and registrars close days. */
	assert_int_equal(db_closure_add(db, &actor[U_T1], "2026-03-24", "x", NULL, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_closure_add(db, &actor[U_C1], "2026-03-24", "x", NULL, NULL, &e),
	                 DB_DENIED);

	/* A single booking on the closure day is refused. */
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-23 10:00", 50, "room1", 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_closed_day");
	assert_non_null(strstr(e.detail, "23.03.2026"));
	assert_non_null(strstr(e.detail, "Nevruzit"));

	/* A weekly series of 4 from 16.03 skips 23.03. */
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 50, "room1", 4, &b, &e),
	                 DB_OK);
	assert_int_equal(b.booked, 3);
	assert_int_equal(b.nskipped, 1);
	assert_string_equal(b.skipped[0].s, "2026-03-23");
	assert_int_equal(strlen(b.series_uuid), 36);
	assert_int_equal(scalar("SELECT count(*) FROM appointment WHERE series_uuid IS NOT NULL"
	                        " AND start_at IN ('2026-03-16 10:00', '2026-03-30 10:00',"
	                        " '2026-04-06 10:00')"),
	                 3);

	/* A series that clashes in week 3 is refused whole: nothing is booked. */
	int64_t before = scalar("SELECT count(*) FROM appointment");
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-03-17 10:00", 50, NULL, 1, &b, &e),
	                 DB_OK);
	before = scalar("SELECT count(*) FROM appointment");
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-03-03 10:00", 50, NULL, 4, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_counsellor_busy");
	assert_non_null(strstr(e.detail, "17.03.2026"));
	assert_int_equal(scalar("SELECT count(*) FROM appointment"), before);

	/* Adding a closure reports the appointments already on that day. */
	assert_int_equal(
	    db_closure_add(db, &actor[U_MGR], "2026-03-30", "Mbledhje", &cid, &appts, &e), DB_OK);
	assert_int_equal(appts, 1);
	struct db_closure *rows;
	int n;
	assert_int_equal(
	    db_closure_list(db, &actor[U_VIEW], "2026-03-01", "2026-03-31", &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].day, "2026-03-23");
	/* Remove (stale first), then the day can be booked and closed again. */
	assert_int_equal(db_closure_remove(db, &actor[U_MGR], rows[0].id, rows[0].version + 1, &e),
	                 DB_STALE);
	assert_int_equal(db_closure_remove(db, &actor[U_MGR], rows[0].id, rows[0].version, &e),
	                 DB_OK);
	free(rows);
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-23 10:00", 50, "room1", 1, &b, &e),
	                 DB_OK);
	assert_int_equal(db_closure_add(db, &actor[U_MGR], "2026-03-23", "Prapë", &cid, &appts, &e),
	                 DB_OK);
	assert_int_equal(appts, 1);
	/* Series entirely on closure days is refused. */
	assert_int_equal(db_closure_add(db, &actor[U_MGR], "2026-04-13", "x", NULL, NULL, &e),
	                 DB_OK);
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-04-13 09:00", 30, NULL, 1, &b, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_closed_day");
}

static void test_move_cancel_mark(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_appt_booked b;
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 50, "room1", 1, &b, &e),
	                 DB_OK);
	int64_t a1 = b.first_id;
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-03-16 12:00", 50, "room2", 1, &b, &e),
	                 DB_OK);
	int64_t a2 = b.first_id;

	/* Moving by 15 minutes overlaps only itself: fine. */
	assert_int_equal(
	    db_appt_move(db, &actor[U_C1], a1, 1, "2026-03-16 10:15", 0, NULL, 0, &hours, &e),
	    DB_OK);
	/* Stale version. */
	assert_int_equal(
	    db_appt_move(db, &actor[U_C1], a1, 1, "2026-03-16 10:30", 0, NULL, 0, &hours, &e),
	    DB_STALE);
	assert_string_equal(e.key, "err:db_stale");
	/* Into the other room's slot. */
	assert_int_equal(
	    db_appt_move(db, &actor[U_C1], a1, 2, "2026-03-16 12:20", 0, "room2", 0, &hours, &e),
	    DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_room_busy");
	/* A counsellor cannot move another's appointment, nor hand theirs over. */
	assert_int_equal(
	    db_appt_move(db, &actor[U_C1], a2, 1, "2026-03-16 14:00", 0, NULL, 0, &hours, &e),
	    DB_DENIED);
	assert_int_equal(db_appt_move(db, &actor[U_C1], a1, 2, "2026-03-16 14:00", 0, NULL,
	                              uid[U_C2], &hours, &e),
	                 DB_DENIED);
	/* A registrar can, and the slot is checked for the new counsellor. */
	assert_int_equal(db_appt_move(db, &actor[U_REG], a1, 2, "2026-03-16 12:10", 0, "room1",
	                              uid[U_C2], &hours, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_counsellor_busy");
	assert_int_equal(db_appt_move(db, &actor[U_REG], a1, 2, "2026-03-16 14:00", 30, "room1",
	                              uid[U_C2], &hours, &e),
	                 DB_OK);
	struct db_appt a;
	assert_int_equal(db_appt_get(db, &actor[U_C1], a1, &a, &e), DB_OK);
	assert_int_equal(a.counsellor_id, uid[U_C2]);
	assert_string_equal(a.start, "2026-03-16 14:00");
	assert_string_equal(a.end, "2026-03-16 14:30");
	assert_int_equal(a.version, 3);

	/* Cancel: a reason is required. */
	assert_int_equal(db_appt_cancel(db, &actor[U_C2], a1, 3, "", false, &e), DB_INVALID);
	assert_string_equal(e.key, "err:appt_reason_required");
	assert_int_equal(db_appt_cancel(db, &actor[U_C2], a1, 3, "   ", false, &e), DB_INVALID);
	assert_int_equal(db_appt_cancel(db, &actor[U_C2], a1, 3, NULL, false, &e), DB_INVALID);
	assert_int_equal(db_appt_cancel(db, &actor[U_C2], a1, 3, "Familja u largua", false, &e),
	                 DB_OK);
	assert_int_equal(db_appt_get(db, &actor[U_C1], a1, &a, &e), DB_OK);
	assert_int_equal(a.status, DB_APPT_CANCELLED);
	assert_string_equal(a.cancel_reason, "Familja u largua");
	/* A cancelled one cannot be moved. */
	assert_int_equal(
	    db_appt_move(db, &actor[U_MGR], a1, 4, "2026-03-16 15:00", 0, NULL, 0, &hours, &e),
	    DB_INVALID);

	/* Marking: not before the start. */
	assert_int_equal(db_appt_set_status(db, &actor[U_C2], a2, 1, DB_APPT_HELD, NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:appt_not_yet");
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-09 10:00", 50, NULL, 1, &b, &e),
	                 DB_OK);
	int64_t past = b.first_id;
	assert_int_equal(db_appt_set_status(db, &actor[U_C2], past, 1, DB_APPT_NO_SHOW, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_appt_set_status(db, &actor[U_C1], past, 1, DB_APPT_NO_SHOW, NULL, &e),
	                 DB_OK);
	assert_int_equal(db_appt_set_status(db, &actor[U_C1], past, 1, DB_APPT_HELD, NULL, &e),
	                 DB_STALE);

	/* The no-show is on the counsellor's follow-up list, not on another's. */
	struct db_followup *f;
	int n;
	assert_int_equal(db_followups_due(db, &actor[U_C1], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].kind, DB_FOLLOWUP_NO_SHOW);
	assert_int_equal(f[0].appointment_id, past);
	assert_string_equal(f[0].client_name, "Ana Çela");
	free(f);
	assert_int_equal(db_followups_due(db, &actor[U_C2], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(f);
	/* The registrar (front desk) sees it to re-book; teachers are refused. */
	assert_int_equal(db_followups_due(db, &actor[U_REG], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(f);
	assert_int_equal(db_followups_due(db, &actor[U_T1], 0, "2026-03-11", &f, &n, &e),
	                 DB_DENIED);
	assert_int_equal(db_followups_due(db, &actor[U_VIEW], 0, "2026-03-11", &f, &n, &e),
	                 DB_DENIED);
	/* Re-booked: gone from the list. */
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-19 10:00", 50, NULL, 1, &b, &e),
	                 DB_OK);
	assert_int_equal(db_followups_due(db, &actor[U_C1], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(f);

	/* Series cancel: this one and the later ones. */
	assert_int_equal(book(U_C2, besa, uid[U_C2], "2026-03-20 09:00", 30, NULL, 5, &b, &e),
	                 DB_OK);
	assert_int_equal(b.booked, 5);
	assert_int_equal(db_appt_cancel(db, &actor[U_C2], b.first_id + 2, 1, "Mbaroi", true, &e),
	                 DB_OK);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM appointment WHERE series_uuid = '%s' AND status ="
	         " 'cancelled'",
	         b.series_uuid);
	assert_int_equal(scalar(sql), 3);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'appt_cancel'"), 4);
}

static void test_views_and_roles(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_appt_booked b;
	assert_int_equal(book(U_REG, ana, uid[U_C2], "2026-03-16 11:00", 50, "room1", 1, &b, &e),
	                 DB_OK);
	assert_int_equal(book(U_MGR, besa, uid[U_C1], "2026-03-16 09:00", 50, "room2", 1, &b, &e),
	                 DB_OK);
	assert_int_equal(book(U_C1, besa, uid[U_C1], "2026-03-18 09:00", 50, "room1", 1, &b, &e),
	                 DB_OK);
	/* Counsellors book only for themselves; teachers and viewers not at all. */
	assert_int_equal(book(U_C1, ana, uid[U_C2], "2026-03-17 09:00", 50, NULL, 1, &b, &e),
	                 DB_DENIED);
	assert_int_equal(book(U_T1, ana, uid[U_C1], "2026-03-17 09:00", 50, NULL, 1, &b, &e),
	                 DB_DENIED);
	assert_int_equal(book(U_VIEW, ana, uid[U_C1], "2026-03-17 09:00", 50, NULL, 1, &b, &e),
	                 DB_DENIED);
	/* The counsellor must be a counsellor. */
	assert_int_equal(book(U_MGR, ana, uid[U_T1], "2026-03-17 09:00", 50, NULL, 1, &b, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:appt_counsellor_invalid");

	struct db_appt *rows;
	int n;
	assert_int_equal(db_appt_day(db, &actor[U_C2], "2026-03-16", &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	/* By counsellor name: Arta before Blerim. */
	assert_int_equal(rows[0].counsellor_id, uid[U_C1]);
	assert_string_equal(rows[0].client_name, "Besa Dhima");
	assert_int_equal(rows[1].counsellor_id, uid[U_C2]);
	free(rows);
	assert_int_equal(db_appt_day(db, &actor[U_T1], "2026-03-16", &rows, &n, &e), DB_DENIED);
	assert_null(rows);
	assert_int_equal(db_appt_day(db, &actor[U_VIEW], "2026-03-16", &rows, &n, &e), DB_DENIED);
	assert_int_equal(db_appt_day(db, &actor[U_REG], "16.03.2026", &rows, &n, &e), DB_INVALID);

	assert_int_equal(
	    db_appt_week(db, &actor[U_REG], uid[U_C1], NULL, "2026-03-16", &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].start, "2026-03-16 09:00");
	assert_string_equal(rows[1].start, "2026-03-18 09:00");
	free(rows);
	assert_int_equal(db_appt_week(db, &actor[U_REG], 0, "room1", "2026-03-16", &rows, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].room, "room1");
	free(rows);
	/* A week from Tuesday does not include Monday. */
	assert_int_equal(
	    db_appt_week(db, &actor[U_REG], uid[U_C1], NULL, "2026-03-17", &rows, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(rows);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'appt_book'"), 3);
}

static void test_hostile(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_appt_booked b;
	const char *bad_starts[] = {"",
	                            "2026-03-16",
	                            "2026-03-16 24:00",
	                            "2026-03-16 10:60",
	                            "2026-02-30 10:00",
	                            "2026-03-16T10:00",
	                            "'; DROP TABLE appointment; --",
	                            "2026-03-16 10:00:00"};
	for (size_t i = 0; i < sizeof bad_starts / sizeof *bad_starts; i++) {
		assert_int_equal(book(U_C1, ana, uid[U_C1], bad_starts[i], 50, NULL, 1, &b, &e),
		                 DB_INVALID);
		assert_string_equal(e.key, "err:appt_start_invalid");
	}
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 4, NULL, 1, &b, &e),
	                 DB_INVALID);
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 481, NULL, 1, &b, &e),
	                 DB_INVALID);
	assert_int_equal(
	    book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 50, "'; DROP TABLE x", 1, &b, &e),
	    DB_INVALID);
	assert_string_equal(e.key, "err:appt_room_invalid");
	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 50, NULL, 53, &b, &e),
	                 DB_INVALID);
	assert_int_equal(book(U_C1, 999999, uid[U_C1], "2026-03-16 10:00", 50, NULL, 1, &b, &e),
	                 DB_NOTFOUND);
	struct db_appt_new in = {ana, group, uid[U_C1], "x", "2026-03-16 10:00", 50, NULL, 1};
	assert_int_equal(db_appt_book(db, &actor[U_C1], &in, &hours, &b, &e), DB_INVALID);
	assert_string_equal(e.key, "err:appt_client_invalid");
	in.activity_id = 0;
	in.type = "Psiko Social";
	assert_int_equal(db_appt_book(db, &actor[U_C1], &in, &hours, &b, &e), DB_INVALID);
	assert_string_equal(e.key, "err:appt_type_invalid");

	assert_int_equal(book(U_C1, ana, uid[U_C1], "2026-03-16 10:00", 50, NULL, 1, &b, &e),
	                 DB_OK);
	int64_t id = b.first_id;
	char *longr = xmalloc(10001);
	memset(longr, 'a', 10000);
	longr[10000] = 0;
	assert_int_equal(db_appt_cancel(db, &actor[U_C1], id, 1, longr, false, &e), DB_INVALID);
	free(longr);
	assert_int_equal(db_appt_cancel(db, &actor[U_C1], id, 1, "bad \xC3\x28 utf", false, &e),
	                 DB_INVALID);
	assert_int_equal(db_appt_cancel(db, &actor[U_C1], id, 1, "bell \x07", false, &e),
	                 DB_INVALID);
	assert_int_equal(db_appt_cancel(db, &actor[U_C1], id, 1, "line\nbreak", false, &e),
	                 DB_INVALID);
	/* Right-to-left marks and quotes are just text. */
	assert_int_equal(db_appt_cancel(db, &actor[U_C1], id, 1,
	                                "\xE2\x80\x8F'; DROP TABLE appointment; --", false, &e),
	                 DB_OK);
	assert_int_equal(scalar("SELECT count(*) FROM appointment"), 1);
	assert_int_equal(
	    db_appt_set_status(db, &actor[U_C1], id, 2, (enum db_appt_status)9, NULL, &e),
	    DB_INVALID);
	assert_int_equal(db_appt_get(db, &actor[U_C1], 424242, &(struct db_appt){0}, &e),
	                 DB_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test_setup_teardown(test_book_and_conflicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hours, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closures_and_series, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_move_cancel_mark, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_views_and_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
