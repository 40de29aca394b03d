/*
 * Unit tests of db_today: the home screen's day, per role, on a small
 * hand-made centre (Wednesday 13.05.2026): which lists each role gets, the
 * own-records filters, no names for a viewer, no referrals or dropout data
 * for a teacher, no-shows that were rebooked, rolls not taken, overdue
 * referrals, the dropout warning count, agreement with the care module's
 * own lists (db_followups_due, db_roll_missing_list, db_dropout_count), and
 * hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/care.h"
#include "db/dbi.h"
#include "db/today.h"

#define TODAY "2026-05-13"

static char dir[64];
static struct qdb *db;
static int64_t uid[8]; /* by name below */
enum { U_MGR = 1, U_C1, U_C2, U_T1, U_T2, U_REG, U_VIEW };

static void exec(const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "SQL failed: %s\n  %s\n", msg ? msg : "?", sql);
	sqlite3_free(msg);
	assert_int_equal(rc, SQLITE_OK);
}

/* uuid, created_at, updated_at */
#define R  "lower(hex(randomblob(18))), '2026-01-01 00:00:00', '2026-01-01 00:00:00'"
#define RC "uuid, created_at, updated_at"

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/qendra-test-today-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char *p = xasprintf("%s/t.db", dir);
	struct db_open_opts o = {.create = true};
	struct qerr e = {0};
	int rc = db_open(&db, p, &o, &e);
	free(p);
	if (rc)
		return -1;
	static const struct {
		const char *u, *n;
		enum db_role r;
	} users[] = {
	    {"mgr", "Drita Manager", DB_ROLE_MANAGER},
	    {"cone", "Elira Këshilla", DB_ROLE_COUNSELLOR},
	    {"ctwo", "Gent Dyshi", DB_ROLE_COUNSELLOR},
	    {"tone", "Mira Mësuese", DB_ROLE_TEACHER},
	    {"ttwo", "Besnik Dytë", DB_ROLE_TEACHER},
	    {"reg", "Arben Regjistri", DB_ROLE_REGISTRAR},
	    {"view", "Vjosa Shikuese", DB_ROLE_VIEWER},
	};
	for (int i = 0; i < 7; i++)
		if (db_user_add(db, NULL, users[i].u, users[i].n, users[i].r, "password123", "sq",
		                &uid[i + 1], &e))
			return -1;
	/* ids are 1..7 in this order */
	exec("INSERT INTO family(id, code, municipality, identified_by, reg_date, " RC
	     ") VALUES (1, 'SHK-2026-0001', 'shkoder', 'outreach', '2026-01-02', " R ")");
	exec("INSERT INTO person(id, family_id, first_name, last_name, name_fold, sex, "
	     "birth_year, " RC ") VALUES (1, 1, 'Ana', 'Çela', 'ana cela', 'F', 2012, " R "),"
	     " (2, 1, 'Dritë', 'Hoxha', 'drite hoxha', 'F', 2010, " R "),"
	     " (3, 1, 'Gone', 'Fshirë', 'gone fshire', 'M', 2011, " R "),"
	     " (4, 1, 'Besa', 'Lika', 'besa lika', 'F', 2013, " R "),"
	     " (5, 1, 'Ilir', 'Kola', 'ilir kola', 'M', 2009, " R ")");
	exec("UPDATE person SET deleted_at = '2026-02-01 00:00:00' WHERE id = 3");
	/* counsellor 2 (cone): 09:00 Ana today, 11:00 cancelled, no-shows */
	exec(
	    "INSERT INTO appointment(id, person_id, counsellor_id, type, start_at, duration_min, "
	    "room,"
	    " status, cancel_reason, " RC ") VALUES"
	    " (1, 1, 2, 'psychosocial', '2026-05-13 09:00:00', 45, 'Dhoma 1', 'scheduled', NULL, " R
	    "),"
	    " (2, 2, 2, 'career', '2026-05-13 11:00:00', 45, NULL, 'cancelled', 'sick', " R "),"
	    " (3, 2, 3, 'family', '2026-05-13 10:00:00', 60, NULL, 'scheduled', NULL, " R "),"
	    " (4, 2, 2, 'psychosocial', '2026-05-08 09:00:00', 45, NULL, 'no_show', NULL, " R "),"
	    " (5, 1, 2, 'psychosocial', '2026-05-10 09:00:00', 45, NULL, 'no_show', NULL, " R "),"
	    " (6, 1, 2, 'psychosocial', '2026-04-20 09:00:00', 45, NULL, 'no_show', NULL, " R "),"
	    " (7, 1, 2, 'psychosocial', '2026-05-12 09:00:00', 45, NULL, 'held', NULL, " R "),"
	    " (8, 2, 3, 'psychosocial', '2026-05-12 09:00:00', 45, NULL, 'held', NULL, " R "),"
	    " (9, 1, 2, 'psychosocial', '2026-05-14 09:00:00', 45, NULL, 'scheduled', NULL, " R "),"
	    " (10, 4, 2, 'career', '2026-05-04 09:00:00', 45, 'Dhoma 2', 'no_show', NULL, " R "),"
	    " (11, 5, 2, 'career', '2026-01-05 09:00:00', 45, NULL, 'no_show', NULL, " R ")");
	exec("INSERT INTO session_log(appointment_id, counsellor_id, nonce, sealed, follow_up_on,"
	     " follow_up_done, " RC ") VALUES"
	     " (7, 2, x'00', x'00', '2026-05-12', 0, " R "),"
	     " (8, 3, x'00', x'00', '2026-05-10', 1, " R ")");
	exec("INSERT INTO session_log(appointment_id, counsellor_id, nonce, sealed, follow_up_on,"
	     " follow_up_done, " RC ") VALUES (1, 2, x'00', x'00', '2026-05-20', 0, " R ")");
	/* tone: Wednesdays (bit 2), ttwo: Mondays (bit 0) */
	exec("INSERT INTO class(id, name, subject, teacher_id, room, weekdays, start_min, "
	     "duration_min,"
	     " term_start, term_end, capacity, " RC ") VALUES"
	     " (1, 'Matematikë 5', 'math', 4, 'Klasa A', 4, 900, 60, '2026-01-10', '2026-06-30', "
	     "20, " R "),"
	     " (2, 'Lexim', 'reading', 5, NULL, 1, 840, 60, '2026-01-10', '2026-06-30', 20, " R
	     ")");
	exec("INSERT INTO enrolment(class_id, person_id, from_date, to_date, " RC ") VALUES"
	     " (1, 1, '2026-01-10', NULL, " R "), (1, 2, '2026-01-10', '2026-03-01', " R ")");
	exec("INSERT INTO class_session(id, class_id, held_on, " RC
	     ") VALUES (1, 1, '2026-05-06', " R "), (2, 1, '2026-04-22', " R
	     "), (3, 1, '2026-04-29', " R ")");
	/* Ana missed the last three Wednesdays: on the dropout warning (3 in a row). */
	exec("INSERT INTO attendance(session_id, person_id, mark, " RC ") VALUES"
	     " (1, 1, 'A', " R "), (2, 1, 'A', " R "), (3, 1, 'A', " R ")");
	exec("INSERT INTO closure(day, reason, " RC ") VALUES ('2026-05-11', 'holiday', " R ")");
	exec("INSERT INTO referral(code, person_id, service, organisation, reason, referred_on,"
	     " follow_up_due, status, status_on, staff_id, " RC ") VALUES"
	     " ('R1', 1, 'health', 'Spitali', 'x', '2026-04-01', NULL, 'referred', '2026-04-01', "
	     "6, " R "),"
	     " ('R2', 2, 'education', 'Shkolla', 'x', '2026-05-11', '2026-05-12', 'referred', "
	     "'2026-05-11', 6, " R "),"
	     " ('R3', 2, 'legal', 'Avokati', 'x', '2026-05-11', NULL, 'referred', '2026-05-11', "
	     "6, " R "),"
	     " ('R4', 1, 'health', 'Spitali', 'x', '2026-03-01', NULL, 'accepted', '2026-03-05', "
	     "6, " R "),"
	     " ('R5', 3, 'health', 'Spitali', 'x', '2026-03-01', NULL, 'referred', '2026-03-05', "
	     "6, " R ")");
	exec("INSERT INTO visit(person_id, at, purpose, " RC ") VALUES"
	     " (1, '2026-05-13 08:10:00', 'info', " R "), (2, '2026-05-13 12:00:00', 'info', " R
	     "),"
	     " (2, '2026-05-12 12:00:00', 'info', " R ")");
	exec("INSERT INTO visit_tally(at, sex, age_band, " RC ") VALUES"
	     " ('2026-05-13 10:00:00', 'F', '6-11', " R ")");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static struct db_today get(int user, enum db_role role)
{
	struct db_actor a = {uid[user], role};
	struct db_today t;
	struct qerr e = {0};
	int rc = db_today(db, &a, TODAY, 14, &t, &e);
	if (rc)
		fprintf(stderr, "db_today: %s %s\n", e.key, e.detail);
	assert_int_equal(rc, DB_OK);
	return t;
}

static void test_counsellor_own_day(void **state)
{
	(void)state;
	struct db_today t = get(U_C1, DB_ROLE_COUNSELLOR);
	assert_true(t.names);
	assert_true(t.counselling);
	assert_false(t.classes_on);
	assert_false(t.referrals_on);
	assert_int_equal(t.appts.total, 1); /* the cancelled one is not on the day */
	assert_int_equal(t.appts.n, 1);
	assert_string_equal(t.appts.item[0].when, "09:00");
	assert_string_equal(t.appts.item[0].who, "Ana Çela");
	assert_string_equal(t.appts.item[0].what, "psychosocial");
	assert_string_equal(t.appts.item[0].where, "Dhoma 1");
	assert_int_equal(t.followups.total, 1); /* due yesterday; the one of 20.05 not yet */
	assert_string_equal(t.followups.item[0].when, "2026-05-12");
	assert_string_equal(t.followups.item[0].who, "Ana Çela");
	assert_int_equal(t.followups.item[0].id, 7); /* the appointment, for the log */
	assert_string_equal(t.followups.item[0].what, "psychosocial");
	/* 04.05 Besa never booked again; 08.05 Dritë has 13.05 with Gent, 10.05 and
	 * 20.04 Ana are booked again; 05.01 Ilir is older than the care module's
	 * 90 days. */
	assert_int_equal(t.noshows.total, 1);
	assert_string_equal(t.noshows.item[0].who, "Besa Lika");
	assert_string_equal(t.noshows.item[0].when, "2026-05-04");
	assert_string_equal(t.noshows.item[0].status, "no_show");
	assert_string_equal(t.noshows.item[0].what, "career");
	assert_string_equal(t.noshows.item[0].where, "Dhoma 2");
	assert_int_equal(t.noshows.item[0].id, 10);
	assert_false(t.dropout_on); /* not a counsellor's */
	assert_int_equal(t.dropout_total, 0);
	assert_int_equal(t.referrals.total, 0);
	assert_int_equal(t.classes.total, 0);
	assert_int_equal(t.visits_today, 3);
}

static void test_manager_sees_all(void **state)
{
	(void)state;
	struct db_today t = get(U_MGR, DB_ROLE_MANAGER);
	assert_int_equal(t.appts.total, 2);
	assert_string_equal(t.appts.item[0].when, "09:00");
	assert_string_equal(t.appts.item[1].when, "10:00");
	assert_string_equal(t.appts.item[1].staff, "Gent Dyshi");
	assert_int_equal(t.followups.total, 1);
	assert_int_equal(t.classes.total, 1);
	assert_string_equal(t.classes.item[0].what, "Matematikë 5");
	assert_string_equal(t.classes.item[0].when, "15:00");
	assert_string_equal(t.classes.item[0].staff, "Mira Mësuese");
	assert_int_equal(t.classes.item[0].count, 1);
	assert_string_equal(t.classes.item[0].status, "");
	/* Every Wednesday of the term before today (14.01 to 06.05: 17) less the
	 * three with marks; Lexim has no children, so no roll is owed. */
	assert_int_equal(t.roll_missing, 14);
	assert_true(t.dropout_on);
	assert_int_equal(t.dropout_total, 1);
	assert_int_equal(t.dropout_open, 1);
	/* R1 (old) and R2 (follow-up passed) overdue, R3 waiting; R4 answered, R5 deleted person */
	assert_int_equal(t.referrals.total, 3);
	assert_int_equal(t.referrals_overdue, 2);
	assert_string_equal(t.referrals.item[0].status, "overdue");
	assert_string_equal(t.referrals.item[0].when, "2026-04-01");
	assert_string_equal(t.referrals.item[2].status, "referred");
	assert_int_equal(t.visits_today, 3);
}

static void test_teacher_no_referrals(void **state)
{
	(void)state;
	struct db_today t = get(U_T1, DB_ROLE_TEACHER);
	assert_true(t.classes_on);
	assert_false(t.referrals_on);
	assert_false(t.counselling);
	assert_int_equal(t.classes.total, 1);
	assert_int_equal(t.roll_missing, 14);
	assert_false(t.dropout_on); /* risk data: never a teacher's */
	assert_int_equal(t.dropout_total, 0);
	assert_int_equal(t.referrals.total, 0);
	assert_int_equal(t.referrals_overdue, 0);
	assert_int_equal(t.appts.total, 0);
	assert_int_equal(t.followups.total, 0);
	t = get(U_T2, DB_ROLE_TEACHER);
	assert_int_equal(t.classes.total, 0); /* Mondays only */
	assert_int_equal(t.roll_missing, 0);  /* nobody enrolled */
}

static void test_registrar(void **state)
{
	(void)state;
	struct db_today t = get(U_REG, DB_ROLE_REGISTRAR);
	assert_true(t.referrals_on);
	assert_int_equal(t.referrals.total, 3);
	assert_int_equal(t.referrals.n, 3);
	assert_string_equal(t.referrals.item[0].who, "Ana Çela");
	assert_int_equal(t.appts.total, 0); /* no counselling data */
	assert_int_equal(t.followups.total, 0);
	assert_int_equal(t.noshows.total, 0);
	assert_true(t.dropout_on);
	assert_int_equal(t.dropout_total, 1);
	assert_int_equal(t.dropout_open, 1);
}

static void test_viewer_counts_only(void **state)
{
	(void)state;
	struct db_today t = get(U_VIEW, DB_ROLE_VIEWER);
	assert_false(t.names);
	assert_int_equal(t.appts.total, 2);
	assert_int_equal(t.appts.n, 0);
	assert_int_equal(t.referrals.total, 3);
	assert_int_equal(t.referrals.n, 0);
	assert_int_equal(t.referrals_overdue, 2);
	assert_int_equal(t.classes.n, 0);
	assert_int_equal(t.followups.n, 0);
	assert_int_equal(t.noshows.n, 0);
	assert_int_equal(t.visits_today, 3);
	assert_int_equal(t.roll_missing, 14); /* the figure, as everyone else sees it */
	assert_int_equal(t.followups.total, 1);
	assert_int_equal(t.noshows.total, 1);
	assert_false(t.dropout_on);
	assert_int_equal(t.dropout_total, 0);
	/* No name anywhere in the struct. */
	const char *bytes = (const char *)&t;
	for (size_t i = 0; i + 3 <= sizeof t; i++)
		assert_false(memcmp(bytes + i, "Ana", 3) == 0);
}

/* The figures are the care module's own: the lists the screens show. */
static void test_agrees_with_care(void **state)
{
	(void)state;
	static const struct {
		int user;
		enum db_role role;
	} who[] = {{U_MGR, DB_ROLE_MANAGER},   {U_C1, DB_ROLE_COUNSELLOR},
	           {U_C2, DB_ROLE_COUNSELLOR}, {U_T1, DB_ROLE_TEACHER},
	           {U_T2, DB_ROLE_TEACHER},    {U_REG, DB_ROLE_REGISTRAR}};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		struct db_actor a = {uid[who[i].user], who[i].role};
		struct db_today t = get(who[i].user, who[i].role);
		struct qerr e = {0};
		if (t.counselling) {
			struct db_followup *f = NULL;
			int n = 0, sessions = 0, noshows = 0;
			assert_int_equal(db_followups_due(db, &a, 0, TODAY, &f, &n, &e), DB_OK);
			for (int k = 0; k < n; k++) {
				if (f[k].kind == DB_FOLLOWUP_NO_SHOW)
					noshows++;
				else
					sessions++;
			}
			free(f);
			assert_int_equal(t.followups.total, sessions);
			assert_int_equal(t.noshows.total, noshows);
		}
		if (t.classes_on) {
			struct db_roll_missing *m = NULL;
			int n = 0;
			assert_int_equal(db_roll_missing_list(db, &a, TODAY, &m, &n, &e), DB_OK);
			free(m);
			assert_int_equal(t.roll_missing, n);
		}
		if (t.dropout_on) {
			int open = -1, total = -1;
			assert_int_equal(db_dropout_count(db, &a, TODAY, NULL, &open, &total, &e),
			                 DB_OK);
			assert_int_equal(t.dropout_total, total);
			assert_int_equal(t.dropout_open, open);
		}
	}
	/* Counsellor 2 has no follow-ups and no no-shows of their own. */
	struct db_today t = get(U_C2, DB_ROLE_COUNSELLOR);
	assert_int_equal(t.followups.total, 0);
	assert_int_equal(t.noshows.total, 0);
	assert_int_equal(t.appts.total, 1);
}

/* db_today_with takes the configured dropout rule and overdue days. */
static void test_options(void **state)
{
	(void)state;
	struct db_actor a = {uid[U_REG], DB_ROLE_REGISTRAR};
	struct db_dropout_rule r;
	db_dropout_rule_default(&r);
	r.absences_in_row = 4; /* three in a row no longer flags Ana */
	struct db_today_opts o = {.overdue_days = 100, .dropout_rule = &r};
	struct db_today t;
	struct qerr e = {0};
	assert_int_equal(db_today_with(db, &a, TODAY, &o, &t, &e), DB_OK);
	assert_int_equal(t.dropout_total, 0);
	assert_int_equal(t.referrals_overdue, 1); /* only R2's passed follow-up date */
	r.absences_in_row = 3;
	assert_int_equal(db_today_with(db, &a, TODAY, &o, &t, &e), DB_OK);
	assert_int_equal(t.dropout_total, 1);
	/* NULL options: the defaults, as db_today */
	assert_int_equal(db_today_with(db, &a, TODAY, NULL, &t, &e), DB_OK);
	assert_int_equal(t.referrals_overdue, 2);
	assert_int_equal(t.dropout_total, 1);
	assert_int_equal(db_today_with(db, NULL, TODAY, NULL, &t, &e), DB_DENIED);
}

static void test_hostile(void **state)
{
	(void)state;
	struct db_today t;
	struct qerr e = {0};
	assert_int_equal(db_today(db, NULL, TODAY, 0, &t, &e), DB_DENIED);
	assert_string_equal(e.key, "err:db_denied");
	struct db_actor a = {uid[U_MGR], DB_ROLE_MANAGER};
	static const char *const bad[] = {"",
	                                  "'; DROP TABLE person; --",
	                                  "2026-13-01",
	                                  "20260513",
	                                  "2026-05-1x",
	                                  "2026-05-13 extra",
	                                  "\xff\xfe",
	                                  "2026-02-30",
	                                  "0000-01-01",
	                                  "2026-05-13\u200f",
	                                  "2026-05-\u0661\u0663"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		qerr_clear(&e);
		assert_int_equal(db_today(db, &a, bad[i], 0, &t, &e), DB_INVALID);
		assert_int_equal(t.visits_today, 0);
	}
	struct db_actor bogus = {uid[U_MGR], (enum db_role)42};
	assert_int_equal(db_today(db, &bogus, TODAY, 0, &t, &e), DB_DENIED);
	/* Today from the clock; absurd overdue days are clamped, not an error. */
	assert_int_equal(db_today(db, &a, NULL, -5, &t, &e), DB_OK);
	assert_int_equal(db_today(db, &a, TODAY, 1000000, &t, &e), DB_OK);
	assert_int_equal(t.referrals_overdue, 1); /* only the passed follow-up date */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db->h, "SELECT count(*) FROM person", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 5);
	sqlite3_finalize(st);
	/* A 10 000-character "date" is refused without reading past it. */
	char *big = xmalloc(10001);
	memset(big, '2', 10000);
	big[10000] = '\0';
	assert_int_equal(db_today(db, &a, big, 0, &t, &e), DB_INVALID);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counsellor_own_day),
	    cmocka_unit_test(test_manager_sees_all),
	    cmocka_unit_test(test_teacher_no_referrals),
	    cmocka_unit_test(test_registrar),
	    cmocka_unit_test(test_viewer_counts_only),
	    cmocka_unit_test(test_agrees_with_care),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
