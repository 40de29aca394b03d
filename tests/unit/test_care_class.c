/*
 * Unit tests of after-school classes (db/class.c): the weekly pattern and
 * closures (pure and from the database), defining classes, enrolment with
 * capacity, the roll call round trip in Albanian order, corrections audited,
 * stale rolls, cancelled sessions, the "roll not taken" list, teachers kept
 * to their own classes, and the timing of a roll of 30 on a database of
 * 80 000 persons.
 *
 * The clock is pinned to Wednesday 11.03.2026 12:00. The class meets on
 * Mondays and Wednesdays from Monday 23.02.2026; Monday 02.03.2026 is closed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/test_care.h"

#define MON_WED 0x5u

static int setup(void **state)
{
	(void)state;
	if (care_open("2026-03-11 12:00:00"))
		return -1;
	struct qerr e = {0};
	return db_closure_add(db, NULL, "2026-03-02", "Festë", NULL, NULL, &e) == DB_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return care_close();
}

static void class_init(struct db_class *c, int teacher, unsigned weekdays, int capacity)
{
	memset(c, 0, sizeof *c);
	util_strlcpy(c->name, "Matematikë 5", sizeof c->name);
	util_strlcpy(c->subject, "math", sizeof c->subject);
	util_strlcpy(c->room, "class1", sizeof c->room);
	c->teacher_id = uid[teacher];
	c->weekdays = weekdays;
	c->start_min = 14 * 60;
	c->duration_min = 90;
	util_strlcpy(c->term_start, "2026-02-23", sizeof c->term_start);
	util_strlcpy(c->term_end, "2026-06-12", sizeof c->term_end);
	c->capacity = capacity;
}

static int64_t make_class(int teacher, unsigned weekdays, int capacity)
{
	struct db_class c;
	struct qerr e = {0};
	class_init(&c, teacher, weekdays, capacity);
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_OK);
	return c.id;
}

static long day(const char *iso)
{
	long d;
	assert_true(db_day_from_iso(iso, &d));
	return d;
}

static void test_pattern_pure(void **state)
{
	(void)state;
	long closed[] = {day("2026-03-02"), day("2026-03-30")};
	long out[16];
	int n = db_pattern_days(MON_WED, day("2026-02-23"), day("2026-03-08"), closed, 2, out, 16);
	assert_int_equal(n, 3);
	char s[11];
	db_day_to_iso(out[0], s);
	assert_string_equal(s, "2026-02-23");
	db_day_to_iso(out[1], s);
	assert_string_equal(s, "2026-02-25");
	db_day_to_iso(out[2], s);
	assert_string_equal(s, "2026-03-04");
	/* Counting without room, and truncation. */
	assert_int_equal(
	    db_pattern_days(MON_WED, day("2026-02-23"), day("2026-03-08"), closed, 2, NULL, 0), 3);
	assert_int_equal(
	    db_pattern_days(MON_WED, day("2026-02-23"), day("2026-03-08"), closed, 2, out, 1), 3);
	/* Every day of a 4-week month with no closures; weekends only; empty range. */
	assert_int_equal(
	    db_pattern_days(0x7F, day("2026-02-01"), day("2026-02-28"), NULL, 0, NULL, 0), 28);
	assert_int_equal(
	    db_pattern_days(0x60, day("2026-02-01"), day("2026-02-28"), NULL, 0, NULL, 0), 8);
	assert_int_equal(
	    db_pattern_days(0x7F, day("2026-03-02"), day("2026-03-01"), NULL, 0, NULL, 0), 0);
	/* Closures on non-meeting days change nothing. */
	long sunday[] = {day("2026-03-01")};
	assert_int_equal(
	    db_pattern_days(MON_WED, day("2026-02-23"), day("2026-03-08"), sunday, 1, NULL, 0), 4);
}

static void test_define(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_class c;
	class_init(&c, U_T1, MON_WED, 20);
	c.name[0] = 0;
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	assert_string_equal(e.key, "err:class_name_invalid");
	class_init(&c, U_C1, MON_WED, 20);
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	assert_string_equal(e.key, "err:class_teacher_invalid");
	class_init(&c, U_T1, 0, 20);
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	class_init(&c, U_T1, MON_WED, 0);
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	class_init(&c, U_T1, MON_WED, 20);
	util_strlcpy(c.term_end, "2026-01-01", sizeof c.term_end);
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	class_init(&c, U_T1, MON_WED, 20);
	util_strlcpy(c.subject, "'; DROP TABLE class", sizeof c.subject);
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	class_init(&c, U_T1, MON_WED, 20);
	c.start_min = 23 * 60;
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_INVALID);
	/* Teachers, counsellors and viewers do not define classes. */
	class_init(&c, U_T1, MON_WED, 20);
	assert_int_equal(db_class_save(db, &actor[U_T1], &c, &e), DB_DENIED);
	assert_int_equal(db_class_save(db, &actor[U_C1], &c, &e), DB_DENIED);
	assert_int_equal(db_class_save(db, &actor[U_REG], &c, &e), DB_OK);
	assert_int_equal(c.version, 1);
	/* Update, then a stale update. */
	struct db_class old = c;
	c.capacity = 25;
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_OK);
	assert_int_equal(c.version, 2);
	old.capacity = 30;
	assert_int_equal(db_class_save(db, &actor[U_MGR], &old, &e), DB_STALE);
	int64_t c2 = make_class(U_T2, 0x2, 10);

	struct db_class *rows;
	int n;
	assert_int_equal(db_class_list(db, &actor[U_T1], &rows, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, c.id);
	assert_int_equal(rows[0].capacity, 25);
	assert_string_equal(rows[0].teacher_name, "Çlirim Mësues");
	free(rows);
	assert_int_equal(db_class_list(db, &actor[U_REG], &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	free(rows);
	assert_int_equal(db_class_list(db, &actor[U_C1], &rows, &n, &e), DB_DENIED);
	assert_int_equal(db_class_list(db, &actor[U_VIEW], &rows, &n, &e), DB_DENIED);
	struct db_class g;
	assert_int_equal(db_class_get(db, &actor[U_T1], c2, &g, &e), DB_DENIED);
	assert_int_equal(db_class_get(db, &actor[U_T2], c2, &g, &e), DB_OK);
	/* Tombstone. */
	assert_int_equal(db_class_delete(db, &actor[U_MGR], c2, 1, &e), DB_OK);
	assert_int_equal(db_class_get(db, &actor[U_T2], c2, &g, &e), DB_NOTFOUND);
}

static void test_enrol(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t cls = make_class(U_T1, MON_WED, 2);
	int64_t a = add_person("Ana", "Çela", 'F', "2014-05-01");
	int64_t b = add_person("Besi", "Cani", 'M', "2013-01-20");
	int64_t c = add_person("Dea", "Dhima", 'F', "2014-09-09");
	int64_t ea, eb, ec;
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, a, "2026-02-23", false, &ea, &e), DB_OK);
	assert_int_equal(db_enrol(db, &actor[U_REG], cls, b, "2026-02-23", false, &eb, &e), DB_OK);
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, c, "2026-03-01", false, &ec, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:class_full");
	assert_string_equal(e.detail, "2/2");
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, c, "2026-03-01", true, &ec, &e), DB_OK);
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, a, "2026-03-01", true, NULL, &e),
	                 DB_CONFLICT);
	assert_string_equal(e.key, "err:class_already_enrolled");
	assert_int_equal(db_enrol(db, &actor[U_T2], cls, a, "2026-03-01", true, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_enrol(db, &actor[U_C1], cls, a, "2026-03-01", true, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, 424242, "2026-03-01", true, NULL, &e),
	                 DB_NOTFOUND);
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, c, "2026-06-13", true, NULL, &e),
	                 DB_INVALID);

	/* Leaving keeps the history. */
	assert_int_equal(db_enrol_leave(db, &actor[U_T1], eb, 1, "2026-03-05", "", &e), DB_INVALID);
	assert_string_equal(e.key, "err:enrol_reason_required");
	assert_int_equal(db_enrol_leave(db, &actor[U_T1], eb, 1, "2026-02-01", "U transferua", &e),
	                 DB_INVALID);
	assert_int_equal(db_enrol_leave(db, &actor[U_T1], eb, 1, "2026-03-05", "U transferua", &e),
	                 DB_OK);
	assert_int_equal(db_enrol_leave(db, &actor[U_T1], eb, 1, "2026-03-06", "x", &e), DB_STALE);
	struct db_enrolment *rows;
	int n;
	assert_int_equal(db_enrolment_list(db, &actor[U_T1], cls, NULL, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 3);
	/* Albanian order: Cani, Çela, Dhima. */
	assert_string_equal(rows[0].last_name, "Cani");
	assert_string_equal(rows[0].to_date, "2026-03-05");
	assert_string_equal(rows[0].leave_reason, "U transferua");
	assert_string_equal(rows[1].last_name, "Çela");
	assert_int_equal(rows[1].age, 11);
	assert_string_equal(rows[2].last_name, "Dhima");
	free(rows);
	assert_int_equal(db_enrolment_list(db, &actor[U_T1], cls, "2026-03-09", &rows, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 2);
	free(rows);
	/* Besi left: a place is free again from 06.03. */
	int64_t d = add_person("Ema", "Ekonomi", 'F', "2014-01-01");
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, d, "2026-03-06", false, NULL, &e),
	                 DB_CONFLICT);
	assert_int_equal(db_enrolment_list(db, &actor[U_T2], cls, NULL, &rows, &n, &e), DB_DENIED);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'enrol'"), 3);
}

static void test_expected_dates(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t cls = make_class(U_T1, MON_WED, 20);
	struct db_date *d;
	int n;
	assert_int_equal(
	    db_class_expected_dates(db, &actor[U_T1], cls, NULL, "2026-03-11", &d, &n, &e), DB_OK);
	/* 23.02, 25.02, (02.03 closed), 04.03, 09.03, 11.03 */
	assert_int_equal(n, 5);
	assert_string_equal(d[0].s, "2026-02-23");
	assert_string_equal(d[2].s, "2026-03-04");
	assert_string_equal(d[4].s, "2026-03-11");
	free(d);
	/* The whole term: 16 weeks x 2 minus the closure. */
	assert_int_equal(db_class_expected_dates(db, &actor[U_REG], cls, NULL, NULL, &d, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 31);
	free(d);
	/* Before the term: nothing. */
	assert_int_equal(
	    db_class_expected_dates(db, &actor[U_REG], cls, "2026-01-01", "2026-02-22", &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 0);
	free(d);
	assert_int_equal(db_class_expected_dates(db, &actor[U_T2], cls, NULL, NULL, &d, &n, &e),
	                 DB_DENIED);
	assert_int_equal(
	    db_class_expected_dates(db, &actor[U_REG], cls, "garbage", NULL, &d, &n, &e),
	    DB_INVALID);
}

/* 30 children whose Albanian order differs from byte order. */
static const char *const kids[30][2] = {
    {"Ana", "Zhuri"},       {"Besa", "Cani"},    {"Çlirim", "Çela"},   {"Dea", "Dushi"},
    {"Dhurata", "Dhima"},   {"Ela", "Elezi"},    {"Ëngjëll", "Ëmeri"}, {"Fatos", "Fishta"},
    {"Gent", "Gega"},       {"Gjon", "Gjoka"},   {"Hana", "Hoxha"},    {"Ilir", "Isufi"},
    {"Jon", "Jakupi"},      {"Klea", "Kola"},    {"Luan", "Lika"},     {"Llazi", "Lleshi"},
    {"Mira", "Marku"},      {"Nora", "Noka"},    {"Njomza", "Njeri"},  {"Olsi", "Osmani"},
    {"Pranvera", "Prifti"}, {"Qemal", "Qerimi"}, {"Rina", "Rama"},     {"Rrok", "Rrapi"},
    {"Sara", "Sula"},       {"Shpend", "Shala"}, {"Tea", "Tafa"},      {"Thoma", "Thaçi"},
    {"Uran", "Uka"},        {"Zana", "Zeka"},
};

static int64_t enrol_kids(int64_t cls, int64_t *ids)
{
	struct qerr e = {0};
	for (int i = 0; i < 30; i++) {
		ids[i] = add_person(kids[i][0], kids[i][1], i % 2 ? 'F' : 'M', "2014-04-01");
		assert_int_equal(
		    db_enrol(db, &actor[U_T1], cls, ids[i], "2026-02-23", false, NULL, &e), DB_OK);
	}
	return cls;
}

static void test_roll_round_trip(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t cls = make_class(U_T1, MON_WED, 30);
	int64_t ids[30];
	enrol_kids(cls, ids);
	struct db_roll r;
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-09", &r, &e), DB_OK);
	assert_int_equal(r.n, 30);
	assert_int_equal(r.session_id, 0);
	assert_int_equal(r.version, 0);
	/* Albanian order of last names: Cani, Çela, Dushi, Dhima, ... Zeka, Zhuri. */
	assert_string_equal(r.e[0].last_name, "Cani");
	assert_string_equal(r.e[1].last_name, "Çela");
	assert_string_equal(r.e[2].last_name, "Dushi");
	assert_string_equal(r.e[3].last_name, "Dhima");
	assert_string_equal(r.e[5].last_name, "Ëmeri");
	assert_string_equal(r.e[7].last_name, "Gega");
	assert_string_equal(r.e[8].last_name, "Gjoka");
	assert_string_equal(r.e[28].last_name, "Zeka");
	assert_string_equal(r.e[29].last_name, "Zhuri");
	for (int i = 0; i < 30; i++) {
		assert_int_equal(r.e[i].list_no, i + 1);
		assert_int_equal(r.e[i].mark, 'P');
		assert_int_equal(r.e[i].saved, 0);
		assert_int_equal(r.e[i].age, 11);
		assert_string_equal(r.e[i].school_status, "enrolled");
	}
	/* Three absentees: list numbers 4, 17, 30. */
	r.e[3].mark = 'A';
	r.e[16].mark = 'A';
	r.e[29].mark = 'A';
	util_strlcpy(r.topic, "Thyesat", sizeof r.topic);
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	assert_true(r.session_id > 0);
	assert_int_equal(r.version, 1);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM attendance WHERE session_id = %lld AND mark = 'P'",
	         (long long)r.session_id);
	assert_int_equal(scalar(sql), 27);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM attendance a JOIN person p ON p.id = a.person_id"
	         " WHERE a.session_id = %lld AND a.mark = 'A' AND p.last_name IN"
	         " ('Dhima', 'Noka', 'Zhuri')",
	         (long long)r.session_id);
	assert_int_equal(scalar(sql), 3);
	assert_int_equal(scalar("SELECT count(*) FROM class_session WHERE status = 'held'"
	                        " AND held_on = '2026-03-09' AND topic = 'Thyesat'"),
	                 1);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'roll_save'"
	                        " AND detail = '2026-03-09 n=30 P=27 A=3 L=0 E=0'"),
	                 1);
	struct db_roll_entry absent = r.e[3];
	db_roll_free(&r);

	/* Reopened: the saved marks. */
	assert_int_equal(db_roll_open(db, &actor[U_REG], cls, "2026-03-09", &r, &e), DB_OK);
	assert_int_equal(r.version, 1);
	assert_int_equal(r.e[3].saved, 'A');
	assert_int_equal(r.e[3].mark, 'A');
	assert_int_equal(r.e[4].saved, 'P');
	/* A second desk opens the same roll. */
	struct db_roll r2;
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-09", &r2, &e), DB_OK);
	/* Correction: Dhima came late, Elezi was excused. */
	r.e[3].mark = 'L';
	r.e[4].mark = 'E';
	util_strlcpy(r.e[4].note, "Te mjeku", sizeof r.e[4].note);
	assert_int_equal(db_roll_save(db, &actor[U_REG], &r, &e), DB_OK);
	assert_int_equal(r.version, 2);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM audit WHERE action = 'roll_correct' AND detail = '%lld:A>L"
	         " %lld:P>E'",
	         (long long)absent.person_id, (long long)r.e[4].person_id);
	assert_int_equal(scalar(sql), 1);
	/* The other desk's save is stale. */
	r2.e[0].mark = 'A';
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r2, &e), DB_STALE);
	assert_string_equal(e.key, "err:db_stale");
	db_roll_free(&r2);
	/* Saving an unchanged roll writes no attendance row. */
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	snprintf(sql, sizeof sql, "SELECT max(version) FROM attendance WHERE session_id = %lld",
	         (long long)r.session_id);
	assert_int_equal(scalar(sql), 2);

	/* Bad rolls. */
	r.e[0].mark = 'X';
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_INVALID);
	assert_string_equal(e.key, "err:roll_mark_invalid");
	r.e[0].mark = 'P';
	int64_t keep = r.e[0].person_id;
	r.e[0].person_id = add_person("Jashtë", "Klasës", 'M', "2014-01-01");
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_INVALID);
	assert_string_equal(e.key, "err:roll_person_invalid");
	r.e[0].person_id = keep;
	util_strlcpy(r.e[1].note, "bell \x07", sizeof r.e[1].note);
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_INVALID);
	db_roll_free(&r);
	db_roll_free(NULL);

	/* Days: future, outside the term; roles. */
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-16", &r, &e), DB_INVALID);
	assert_string_equal(e.key, "err:roll_future");
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-02-20", &r, &e), DB_INVALID);
	assert_string_equal(e.key, "err:roll_outside_term");
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "09.03.2026", &r, &e), DB_INVALID);
	assert_int_equal(db_roll_open(db, &actor[U_T2], cls, "2026-03-09", &r, &e), DB_DENIED);
	assert_null(r.e);
	assert_int_equal(db_roll_open(db, &actor[U_C1], cls, "2026-03-09", &r, &e), DB_DENIED);
	assert_int_equal(db_roll_open(db, &actor[U_VIEW], cls, "2026-03-09", &r, &e), DB_DENIED);
}

static void test_leavers_and_cancel(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t cls = make_class(U_T1, MON_WED, 30);
	int64_t a = add_person("Ana", "Çela", 'F', "2014-05-01");
	int64_t b = add_person("Besi", "Cani", 'M', "2013-01-20");
	int64_t ea;
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, a, "2026-02-23", false, &ea, &e), DB_OK);
	assert_int_equal(db_enrol(db, &actor[U_T1], cls, b, "2026-03-05", false, NULL, &e), DB_OK);
	struct db_roll r;
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-04", &r, &e), DB_OK);
	assert_int_equal(r.n, 1); /* Besi not yet enrolled */
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	db_roll_free(&r);
	assert_int_equal(db_enrol_leave(db, &actor[U_T1], ea, 1, "2026-03-03", "U largua", &e),
	                 DB_OK);
	/* Ana left before 04.03 but was marked then: she stays on that roll. */
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-04", &r, &e), DB_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].person_id, a);
	assert_int_equal(r.e[0].saved, 'P');
	db_roll_free(&r);
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-09", &r, &e), DB_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].person_id, b);
	db_roll_free(&r);

	/* Cancel: a reason; not when a roll exists; a roll reopens a cancelled day. */
	assert_int_equal(db_class_session_cancel(db, &actor[U_T1], cls, "2026-03-09", "", 0, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:session_reason_required");
	assert_int_equal(
	    db_class_session_cancel(db, &actor[U_T1], cls, "2026-03-04", "Borë", 1, &e),
	    DB_CONFLICT);
	assert_string_equal(e.key, "err:session_has_roll");
	assert_int_equal(
	    db_class_session_cancel(db, &actor[U_T2], cls, "2026-03-09", "Borë", 0, &e), DB_DENIED);
	assert_int_equal(
	    db_class_session_cancel(db, &actor[U_T1], cls, "2026-03-09", "Borë", 0, &e), DB_OK);
	assert_int_equal(
	    db_class_session_cancel(db, &actor[U_T1], cls, "2026-03-09", "Borë", 0, &e), DB_STALE);
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-09", &r, &e), DB_OK);
	assert_true(r.cancelled);
	assert_int_equal(r.version, 1);
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	assert_false(r.cancelled);
	db_roll_free(&r);
	assert_int_equal(scalar("SELECT count(*) FROM class_session WHERE held_on = '2026-03-09'"
	                        " AND status = 'held' AND cancel_reason IS NULL"),
	                 1);
}

static void test_roll_missing(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t c1 = make_class(U_T1, MON_WED, 30);
	int64_t c2 = make_class(U_T2, 0x2, 30); /* Tuesdays */
	int64_t a = add_person("Ana", "Çela", 'F', "2014-05-01");
	assert_int_equal(db_enrol(db, &actor[U_T1], c1, a, "2026-02-23", false, NULL, &e), DB_OK);
	assert_int_equal(db_enrol(db, &actor[U_T2], c2, a, "2026-03-05", false, NULL, &e), DB_OK);
	/* c1: 23.02 roll taken, 25.02 cancelled, 04.03 'held' without marks, 09.03 nothing. */
	struct db_roll r;
	assert_int_equal(db_roll_open(db, &actor[U_T1], c1, "2026-02-23", &r, &e), DB_OK);
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	db_roll_free(&r);
	assert_int_equal(db_class_session_cancel(db, &actor[U_T1], c1, "2026-02-25", "Borë", 0, &e),
	                 DB_OK);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "INSERT INTO class_session(class_id, held_on, status, uuid, created_at,"
	         " updated_at) VALUES (%lld, '2026-03-04', 'held', " REC_VALS ")",
	         (long long)c1);
	exec(sql);

	struct db_roll_missing *m;
	int n;
	assert_int_equal(db_roll_missing_list(db, &actor[U_REG], "2026-03-11", &m, &n, &e), DB_OK);
	/* c1: 04.03, 09.03 (11.03 is today); c2: only 10.03 (Ana enrolled from 05.03). */
	assert_int_equal(n, 3);
	assert_string_equal(m[0].day, "2026-03-04");
	assert_int_equal(m[0].class_id, c1);
	assert_true(m[0].session_id > 0);
	assert_string_equal(m[1].day, "2026-03-09");
	assert_int_equal(m[1].session_id, 0);
	assert_string_equal(m[2].day, "2026-03-10");
	assert_int_equal(m[2].class_id, c2);
	assert_string_equal(m[2].teacher_name, "Dea Mësuese");
	free(m);
	assert_int_equal(db_roll_missing_list(db, &actor[U_T1], "2026-03-11", &m, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	free(m);
	assert_int_equal(db_roll_missing_list(db, &actor[U_T2], "2026-03-11", &m, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(m);
	assert_int_equal(db_roll_missing_list(db, &actor[U_C1], "2026-03-11", &m, &n, &e),
	                 DB_DENIED);
	assert_int_equal(db_roll_missing_list(db, &actor[U_REG], "bad", &m, &n, &e), DB_INVALID);
	/* Acting removes them: a roll for 04.03, a cancellation for 09.03. */
	assert_int_equal(db_roll_open(db, &actor[U_T1], c1, "2026-03-04", &r, &e), DB_OK);
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	db_roll_free(&r);
	assert_int_equal(
	    db_class_session_cancel(db, &actor[U_T1], c1, "2026-03-09", "Mësuesi sëmurë", 0, &e),
	    DB_OK);
	assert_int_equal(db_roll_missing_list(db, &actor[U_T1], "2026-03-11", &m, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(m);
}

static void test_roll_timing(void **state)
{
	(void)state;
	struct qerr e = {0};
	double t0 = now_ms();
	int64_t first = gen_persons(80000);
	printf("    generated 80 000 persons in %.0f ms\n", now_ms() - t0);
	/* Some busy classes around it, so the indexes matter. */
	for (int k = 0; k < 20; k++) {
		int64_t other = make_class(k % 2 ? U_T1 : U_T2, MON_WED, 30);
		exec("BEGIN");
		for (int i = 0; i < 30; i++) {
			char sql[300];
			snprintf(
			    sql, sizeof sql,
			    "INSERT INTO enrolment(class_id, person_id, from_date, uuid,"
			    " created_at, updated_at) VALUES (%lld, %lld, '2026-02-23', " REC_VALS
			    ")",
			    (long long)other, (long long)(first + 1000 + k * 30 + i));
			exec(sql);
		}
		exec("COMMIT");
	}
	int64_t cls = make_class(U_T1, MON_WED, 30);
	for (int i = 0; i < 30; i++)
		assert_int_equal(db_enrol(db, &actor[U_T1], cls, first + 40000 + i * 7,
		                          "2026-02-23", false, NULL, &e),
		                 DB_OK);
	struct db_roll r;
	double open_ms = 0, save_ms = 0, reopen_ms = 0, correct_ms = 0;
	t0 = now_ms();
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-09", &r, &e), DB_OK);
	open_ms = now_ms() - t0;
	assert_int_equal(r.n, 30);
	r.e[2].mark = 'A';
	r.e[11].mark = 'A';
	r.e[25].mark = 'A';
	t0 = now_ms();
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	save_ms = now_ms() - t0;
	db_roll_free(&r);
	t0 = now_ms();
	assert_int_equal(db_roll_open(db, &actor[U_T1], cls, "2026-03-09", &r, &e), DB_OK);
	reopen_ms = now_ms() - t0;
	r.e[2].mark = 'P';
	t0 = now_ms();
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	correct_ms = now_ms() - t0;
	db_roll_free(&r);
	printf("    roll of 30 among 80 000 persons: open %.2f ms, save %.2f ms,"
	       " reopen %.2f ms, correct %.2f ms\n",
	       open_ms, save_ms, reopen_ms, correct_ms);
	assert_true(open_ms < 50);
	assert_true(save_ms < 50);
	assert_true(reopen_ms < 50);
	assert_true(correct_ms < 50);
	struct db_roll_missing *m;
	int n;
	t0 = now_ms();
	assert_int_equal(db_roll_missing_list(db, &actor[U_REG], "2026-03-11", &m, &n, &e), DB_OK);
	printf("    roll not taken for 21 classes: %d sessions in %.2f ms\n", n, now_ms() - t0);
	assert_int_equal(n, 20 * 4 + 3);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pattern_pure),
	    cmocka_unit_test_setup_teardown(test_define, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enrol, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expected_dates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roll_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leavers_and_cancel, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roll_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roll_timing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
