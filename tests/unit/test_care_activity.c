/*
 * Unit tests of group activities (db/activity.c): define and edit with
 * versions, participants added quickly (idempotent), anonymous counts by
 * sex and age band, the list by period, roles and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

static void act_init(struct db_activity *a, const char *day, const char *title)
{
	memset(a, 0, sizeof *a);
	util_strlcpy(a->held_on, day, sizeof a->held_on);
	util_strlcpy(a->title, title, sizeof a->title);
	util_strlcpy(a->type, "peer_support", sizeof a->type);
	a->facilitator_id = uid[U_C1];
}

static void test_activity(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_activity a;
	act_init(&a, "2026-03-10", "Grup mbështetës për të rinjtë");
	assert_int_equal(db_activity_save(db, &actor[U_T1], &a, &e), DB_DENIED);
	assert_int_equal(db_activity_save(db, &actor[U_VIEW], &a, &e), DB_DENIED);
	assert_int_equal(db_activity_save(db, &actor[U_C1], &a, &e), DB_OK);
	assert_int_equal(a.version, 1);
	struct db_activity old = a;
	util_strlcpy(a.note, "Takimi i parë\nme 12 të rinj", sizeof a.note);
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_OK);
	assert_int_equal(a.version, 2);
	assert_int_equal(db_activity_save(db, &actor[U_MGR], &old, &e), DB_STALE);

	int64_t p1 = add_person("Ana", "Çela", 'F', "2010-05-01");
	int64_t p2 = add_person("Besi", "Cani", 'M', "2008-03-20");
	assert_int_equal(db_activity_add_person(db, &actor[U_REG], a.id, p1, &e), DB_OK);
	assert_int_equal(db_activity_add_person(db, &actor[U_REG], a.id, p2, &e), DB_OK);
	assert_int_equal(db_activity_add_person(db, &actor[U_REG], a.id, p2, &e), DB_OK);
	assert_int_equal(db_activity_add_person(db, &actor[U_REG], a.id, 999999, &e), DB_NOTFOUND);
	assert_int_equal(db_activity_add_person(db, &actor[U_T1], a.id, p1, &e), DB_DENIED);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'activity_person'"), 2);
	struct db_activity_person *pp;
	int n;
	assert_int_equal(db_activity_people(db, &actor[U_C2], a.id, &pp, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(pp[0].last_name, "Cani");
	assert_int_equal(pp[0].age, 17);
	assert_string_equal(pp[1].last_name, "Çela");
	assert_int_equal(pp[1].age, 15);
	free(pp);
	assert_int_equal(db_activity_remove_person(db, &actor[U_REG], a.id, p2, &e), DB_OK);

	assert_int_equal(db_activity_set_count(db, &actor[U_C1], a.id, 'F', "12_14", 4, &e), DB_OK);
	assert_int_equal(db_activity_set_count(db, &actor[U_C1], a.id, 'M', "15_17", 3, &e), DB_OK);
	assert_int_equal(db_activity_set_count(db, &actor[U_C1], a.id, 'F', "12_14", 5, &e), DB_OK);
	assert_int_equal(db_activity_set_count(db, &actor[U_C1], a.id, 'X', "12_14", 5, &e),
	                 DB_INVALID);
	assert_int_equal(db_activity_set_count(db, &actor[U_C1], a.id, 'F', "12-14'; --", 5, &e),
	                 DB_INVALID);
	assert_int_equal(db_activity_set_count(db, &actor[U_C1], a.id, 'F', "0_5", -1, &e),
	                 DB_INVALID);
	struct db_activity_count *cc;
	assert_int_equal(db_activity_counts(db, &actor[U_C1], a.id, &cc, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(cc[0].sex, 'F');
	assert_string_equal(cc[0].age_band, "12_14");
	assert_int_equal(cc[0].n, 5);
	free(cc);

	struct db_activity g;
	assert_int_equal(db_activity_get(db, &actor[U_REG], a.id, &g, &e), DB_OK);
	assert_int_equal(g.participants, 1);
	assert_int_equal(g.anonymous, 8);
	assert_string_equal(g.facilitator_name, "Arta Këshilluese");
	assert_string_equal(g.note, "Takimi i parë\nme 12 të rinj");

	struct db_activity b;
	act_init(&b, "2026-02-01", "Ndërgjegjësim për trafikimin");
	util_strlcpy(b.type, "awareness", sizeof b.type);
	assert_int_equal(db_activity_save(db, &actor[U_MGR], &b, &e), DB_OK);
	struct db_activity *rows;
	assert_int_equal(db_activity_list(db, &actor[U_REG], "2026-03-01", NULL, &rows, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 1);
	free(rows);
	assert_int_equal(db_activity_list(db, &actor[U_REG], NULL, NULL, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, a.id); /* newest first */
	free(rows);
	assert_int_equal(db_activity_list(db, &actor[U_T1], NULL, NULL, &rows, &n, &e), DB_DENIED);
	assert_int_equal(db_activity_delete(db, &actor[U_MGR], b.id, 1, &e), DB_OK);
	assert_int_equal(db_activity_list(db, &actor[U_REG], NULL, NULL, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(rows);
	assert_int_equal(db_activity_add_person(db, &actor[U_REG], b.id, p1, &e), DB_NOTFOUND);
}

static void test_hostile(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_activity a;
	act_init(&a, "2026-02-30", "x");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	act_init(&a, "2026-03-10", "");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	assert_string_equal(e.key, "err:activity_title_invalid");
	act_init(&a, "2026-03-10", "bad \xC3\x28");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	act_init(&a, "2026-03-10", "tab\tin title");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	act_init(&a, "2026-03-10", "ok");
	util_strlcpy(a.type, "Type With Spaces", sizeof a.type);
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	act_init(&a, "2026-03-10", "ok");
	a.facilitator_id = 424242;
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	/* 121 characters is too long; 120 Albanian letters fit. */
	act_init(&a, "2026-03-10", "");
	for (int i = 0; i < 121; i++)
		strcat(a.title, "a");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_INVALID);
	act_init(&a, "2026-03-10", "");
	for (int i = 0; i < 120; i++)
		strcat(a.title, "ë");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_OK);
	act_init(&a, "2026-03-10", "\xE2\x80\x8F'; DROP TABLE activity; --");
	assert_int_equal(db_activity_save(db, &actor[U_REG], &a, &e), DB_OK);
	assert_int_equal(scalar("SELECT count(*) FROM activity"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_activity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
