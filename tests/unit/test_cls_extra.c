/*
 * Unit tests of db/cls_extra.c: db_class_sessions, the session rows of a
 * class with their counts of marks, as the class screen shows them — a held
 * roll counted by mark, a cancelled session with its reason, an empty
 * class, and who may read them (managers and registrars every class, a
 * teacher only their own, others never).
 *
 * The clock is pinned to Wednesday 11.03.2026 12:00; the class meets on
 * Mondays and Wednesdays from Monday 23.02.2026.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/cls_extra.h"
#include "tests/unit/test_care.h"

static int setup(void **state)
{
	(void)state;
	return care_open("2026-03-11 12:00:00");
}

static int teardown(void **state)
{
	(void)state;
	return care_close();
}

static int64_t make_class(int teacher)
{
	struct db_class c;
	memset(&c, 0, sizeof c);
	util_strlcpy(c.name, "Lexim '; DROP TABLE class; --", sizeof c.name);
	util_strlcpy(c.subject, "albanian", sizeof c.subject);
	c.teacher_id = uid[teacher];
	c.weekdays = 0x5u; /* Monday, Wednesday */
	c.start_min = 15 * 60;
	c.duration_min = 60;
	util_strlcpy(c.term_start, "2026-02-23", sizeof c.term_start);
	util_strlcpy(c.term_end, "2026-06-12", sizeof c.term_end);
	c.capacity = 30;
	struct qerr e = {0};
	assert_int_equal(db_class_save(db, &actor[U_MGR], &c, &e), DB_OK);
	return c.id;
}

static void test_sessions_counts(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t cid = make_class(U_T1);
	const char *names[4] = {"Ana", "Çlirim", "Dhurata", "Ëngjëll"};
	for (int i = 0; i < 4; i++) {
		int64_t pid = add_person(names[i], "Hoxha", i % 2 ? 'M' : 'F', "2015-05-05");
		assert_int_equal(
		    db_enrol(db, &actor[U_T1], cid, pid, "2026-02-23", false, NULL, &e), DB_OK);
	}
	/* Nothing yet: no rows. */
	struct db_class_session *rows = NULL;
	int n = -1;
	assert_int_equal(db_class_sessions(db, &actor[U_T1], cid, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(rows);

	/* A roll on Monday 02.03: present, absent, late, excused. */
	struct db_roll r;
	assert_int_equal(db_roll_open(db, &actor[U_T1], cid, "2026-03-02", &r, &e), DB_OK);
	assert_int_equal(r.n, 4);
	r.e[0].mark = 'P';
	r.e[1].mark = 'A';
	r.e[2].mark = 'L';
	r.e[3].mark = 'E';
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	db_roll_free(&r);
	/* Wednesday 04.03 cancelled with a reason; Monday 09.03 left without a roll. */
	assert_int_equal(db_class_session_cancel(db, &actor[U_REG], cid, "2026-03-04",
	                                         "Mësuesja e sëmurë", 0, &e),
	                 DB_OK);

	assert_int_equal(db_class_sessions(db, &actor[U_T1], cid, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].day, "2026-03-02");
	assert_false(rows[0].cancelled);
	assert_int_equal(rows[0].marks, 4);
	assert_int_equal(rows[0].present, 1);
	assert_int_equal(rows[0].absent, 1);
	assert_int_equal(rows[0].late, 1);
	assert_int_equal(rows[0].excused, 1);
	assert_true(rows[0].id > 0);
	assert_string_equal(rows[1].day, "2026-03-04");
	assert_true(rows[1].cancelled);
	assert_string_equal(rows[1].cancel_reason, "Mësuesja e sëmurë");
	assert_int_equal(rows[1].marks, 0);
	free(rows);
}

static void test_sessions_access(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t cid = make_class(U_T1);
	struct db_class_session *rows = NULL;
	int n = -1;
	assert_int_equal(db_class_sessions(db, &actor[U_MGR], cid, &rows, &n, &e), DB_OK);
	free(rows);
	assert_int_equal(db_class_sessions(db, &actor[U_REG], cid, &rows, &n, &e), DB_OK);
	free(rows);
	assert_int_equal(db_class_sessions(db, &actor[U_T1], cid, &rows, &n, &e), DB_OK);
	free(rows);
	/* Another teacher, a counsellor and a viewer are refused, with nothing returned. */
	const int refused[] = {U_T2, U_C1, U_VIEW};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		rows = (void *)1;
		n = 7;
		qerr_clear(&e);
		assert_int_equal(db_class_sessions(db, &actor[refused[i]], cid, &rows, &n, &e),
		                 DB_DENIED);
		assert_null(rows);
		assert_int_equal(n, 0);
		assert_string_equal(e.key, "err:db_denied");
	}
	/* An unknown or deleted class. */
	assert_int_equal(db_class_sessions(db, &actor[U_MGR], 999999, &rows, &n, &e), DB_NOTFOUND);
	assert_null(rows);
	struct db_class c;
	assert_int_equal(db_class_get(db, &actor[U_MGR], cid, &c, &e), DB_OK);
	assert_int_equal(db_class_delete(db, &actor[U_MGR], cid, c.version, &e), DB_OK);
	assert_int_equal(db_class_sessions(db, &actor[U_MGR], cid, &rows, &n, &e), DB_NOTFOUND);
	assert_null(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sessions_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sessions_access, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
