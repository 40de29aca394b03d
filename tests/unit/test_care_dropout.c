/*
 * Unit tests of the dropout early warning (db/dropout.c): the pure score
 * (checked against conf_dropout_score), crafted attendance histories (three
 * unexcused absences in a row, excused absences not counting, late counting
 * as present, a low rate, school status and family risk factors from the
 * latest screening), the actions (home visit, referral, dismissal and the
 * return of a dismissed child when worse), stale actions, roles, and the
 * timing for a whole large centre.
 *
 * The clock is pinned to Wednesday 11.03.2026 12:00. The class meets on
 * Mondays and Wednesdays from 02.02.2026; Monday 02.03.2026 is closed, so
 * there are 11 sessions up to today, the last 7 within a 4-week window.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "tests/unit/test_care.h"

static const char *const days11[11] = {"2026-02-02", "2026-02-04", "2026-02-09", "2026-02-11",
                                       "2026-02-16", "2026-02-18", "2026-02-23", "2026-02-25",
                                       "2026-03-04", "2026-03-09", "2026-03-11"};

enum { K_RUN, K_EXC, K_EXC2, K_SKIP, K_RATE, K_LATE, K_WEIGHT, K_IRREG, K_LEFT, K_N };
/* One mark per session, oldest first. */
static const char *const marks[K_N] = {
    [K_RUN] = "PPPPPPPPAAA",    /* 3 unexcused in a row: flagged */
    [K_EXC] = "PPPPPPPPEEE",    /* 3 excused: not */
    [K_EXC2] = "PPPPPPPPAEA",   /* 2 unexcused around an excused one: not */
    [K_SKIP] = "PPPPPPPAEAA",   /* an excused day does not end a run: 3 */
    [K_RATE] = "PPPPAPAAPAP",   /* 3 of the last 7: 42% */
    [K_LATE] = "LLLLLLLLLLL",   /* late is present */
    [K_WEIGHT] = "PPPPPPPPPPP", /* dropped out of school + 1 family risk factor */
    [K_IRREG] = "PPPPPPPPPPP",  /* irregular only: 1 point */
    [K_LEFT] = "PPPPPPPPAAA",   /* left the class: not listed */
};
static int64_t kid[K_N], cls, enrol_left;
static struct db_dropout_rule rule;

static void take_roll(int64_t class_id, const char *day, const int64_t *ids, int n,
                      const char *const *m, int k)
{
	struct db_roll r;
	struct qerr e = {0};
	int rc = db_roll_open(db, &actor[U_T1], class_id, day, &r, &e);
	if (rc)
		fprintf(stderr, "roll %s: %s %s\n", day, e.key, e.detail);
	assert_int_equal(rc, DB_OK);
	for (int i = 0; i < r.n; i++)
		for (int j = 0; j < n; j++)
			if (r.e[i].person_id == ids[j] && m[j])
				r.e[i].mark = m[j][k];
	assert_int_equal(db_roll_save(db, &actor[U_T1], &r, &e), DB_OK);
	db_roll_free(&r);
}

static int setup(void **state)
{
	(void)state;
	if (care_open("2026-03-11 12:00:00"))
		return -1;
	struct qerr e = {0};
	db_dropout_rule_default(&rule);
	rule.min_rate_percent = 50; /* so that a run alone does not also break the rate */
	if (db_closure_add(db, NULL, "2026-03-02", "Festë", NULL, NULL, &e))
		return -1;
	struct db_class c = {0};
	util_strlcpy(c.name, "Gjuhë shqipe", sizeof c.name);
	util_strlcpy(c.subject, "albanian", sizeof c.subject);
	c.teacher_id = uid[U_T1];
	c.weekdays = 0x5;
	c.start_min = 14 * 60;
	c.duration_min = 60;
	util_strlcpy(c.term_start, "2026-02-02", sizeof c.term_start);
	util_strlcpy(c.term_end, "2026-06-12", sizeof c.term_end);
	c.capacity = 30;
	if (db_class_save(db, &actor[U_MGR], &c, &e))
		return -1;
	cls = c.id;
	static const char *const names[K_N][2] = {
	    {"Arbën", "Gjoka"}, {"Blerta", "Hasa"}, {"Dritan", "Koci"},
	    {"Elsa", "Lala"},   {"Genc", "Meta"},   {"Hira", "Nika"},
	    {"Iva", "Pepa"},    {"Jeta", "Rama"},   {"Kreshnik", "Sina"},
	};
	int64_t fam2 = add_family();
	for (int i = 0; i < K_N; i++) {
		const char *school = i == K_WEIGHT  ? "dropped_out"
		                     : i == K_IRREG ? "irregular"
		                                    : "enrolled";
		kid[i] = add_person_in(i == K_WEIGHT ? fam2 : 0, names[i][0], names[i][1],
		                       i % 2 ? 'F' : 'M', "2013-06-01", school);
		int64_t eid;
		if (db_enrol(db, &actor[U_T1], cls, kid[i], "2026-02-02", false, &eid, &e))
			return -1;
		if (i == K_LEFT)
			enrol_left = eid;
	}
	/* fam2: an older screening with 3 factors, the latest with 1 of 2. */
	char sql[600];
	snprintf(sql, sizeof sql,
	         "INSERT INTO screening(id, family_id, screened_on, level_computed, level, uuid,"
	         " created_at, updated_at) VALUES (1, %lld, '2025-10-01', 'high', 'high', " REC_VALS
	         "), (2, %lld, '2026-01-15', 'low', 'low', " REC_VALS ");"
	         "INSERT INTO screening_factor(screening_id, factor, present) VALUES"
	         " (1, 'domestic_violence', 1), (1, 'child_on_street', 1), (1, 'forced_labour', 1),"
	         " (2, 'domestic_violence', 1), (2, 'child_on_street', 0);",
	         (long long)fam2, (long long)fam2);
	exec(sql);
	for (int k = 0; k < 11; k++)
		take_roll(cls, days11[k], kid, K_N, marks, k);
	if (db_enrol_leave(db, &actor[U_T1], enrol_left, 1, "2026-03-11", "U largua", &e))
		return -1;
	/* After leaving on 11.03 the child is not enrolled "today" = 12.03 and later;
	 * the tests ask on 12.03 unless they say otherwise. */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return care_close();
}

static struct db_dropout_row *find(struct db_dropout_row *rows, int n, int64_t person)
{
	for (int i = 0; i < n; i++)
		if (rows[i].person_id == person)
			return &rows[i];
	return NULL;
}

static void test_score_pure(void **state)
{
	(void)state;
	struct db_dropout_rule r;
	db_dropout_rule_default(&r);
	struct db_dropout_reason w = {.run = 3, .rate = 80, .sessions = 8};
	util_strlcpy(w.school_status, "enrolled", sizeof w.school_status);
	assert_int_equal(db_dropout_score(&r, &w), 3);
	assert_true(w.run_hit);
	assert_false(w.rate_hit);
	w.run = 2;
	w.rate = 74;
	assert_int_equal(db_dropout_score(&r, &w), 3);
	assert_true(w.rate_hit);
	w.sessions = 3; /* too few sessions for the rate */
	assert_int_equal(db_dropout_score(&r, &w), 0);
	w.sessions = 8;
	w.rate = -1;
	assert_int_equal(db_dropout_score(&r, &w), 0);
	util_strlcpy(w.school_status, "dropped_out", sizeof w.school_status);
	w.risk_factors = 40; /* counted up to 10 */
	assert_int_equal(db_dropout_score(&r, &w), 12);
	assert_int_equal(w.school_weight, 2);
	assert_int_equal(w.risk_weight, 10);

	/* The same numbers as the configuration's own formula, everywhere. */
	struct conf c;
	conf_defaults(&c);
	struct db_dropout_rule cr = {
	    c.dropout_absences_in_row,    c.dropout_min_rate_percent, c.dropout_window_weeks,
	    c.dropout_min_sessions,       c.dropout_weight_irregular, c.dropout_weight_dropped_out,
	    c.dropout_weight_risk_factor, c.dropout_flag_score,       CONF_DROPOUT_RULE_POINTS};
	static const char *const st[] = {"enrolled", "irregular", "dropped_out", "never_enrolled"};
	static const int conf_st[] = {CONF_SCHOOL_OK, CONF_SCHOOL_IRREGULAR, CONF_SCHOOL_DROPPED,
	                              CONF_SCHOOL_OK};
	for (int run = 0; run <= 5; run++)
		for (int rate = -1; rate <= 100; rate += 7)
			for (int ses = 0; ses <= 6; ses += 2)
				for (int s = 0; s < 4; s++)
					for (int f = -1; f <= 12; f += 3) {
						struct db_dropout_reason x = {.run = run,
						                              .rate = rate,
						                              .sessions = ses,
						                              .risk_factors = f};
						util_strlcpy(x.school_status, st[s],
						             sizeof x.school_status);
						assert_int_equal(db_dropout_score(&cr, &x),
						                 conf_dropout_score(&c, run, rate,
						                                    ses, conf_st[s],
						                                    f));
					}
	conf_free(&c);
}

static void test_crafted_histories(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_dropout_row *rows;
	int n;
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "2026-03-12", &rule, &rows, &n, &e),
	                 DB_OK);
	for (int i = 0; i < n; i++)
		printf("    %s %s: score %d run %d rate %d/%d school %s risk %d\n",
		       rows[i].first_name, rows[i].last_name, rows[i].score, rows[i].why.run,
		       rows[i].why.rate, rows[i].why.sessions, rows[i].why.school_status,
		       rows[i].why.risk_factors);
	assert_int_equal(n, 4);

	struct db_dropout_row *r = find(rows, n, kid[K_RUN]);
	assert_non_null(r);
	assert_true(r->why.run_hit);
	assert_int_equal(r->why.run, 3);
	assert_false(r->why.rate_hit);
	assert_int_equal(r->why.rate, 57); /* 4 of the last 7 */
	assert_int_equal(r->why.sessions, 7);
	assert_int_equal(r->score, 3);
	assert_int_equal(r->days_since, 15); /* last present 25.02 */
	assert_string_equal(r->last_present, "2026-02-25");
	assert_string_equal(r->class_name, "Gjuhë shqipe");
	assert_string_equal(r->family_code, "SHK-2026-0001");
	assert_int_equal(r->age, 12);
	assert_int_equal(r->state, DB_DROPOUT_OPEN);
	assert_int_equal(r->flag_id, 0);

	r = find(rows, n, kid[K_SKIP]);
	assert_non_null(r);
	assert_int_equal(r->why.run, 3);
	assert_true(r->why.run_hit);

	r = find(rows, n, kid[K_RATE]);
	assert_non_null(r);
	assert_false(r->why.run_hit);
	assert_int_equal(r->why.run, 0);
	assert_true(r->why.rate_hit);
	assert_int_equal(r->why.rate, 42);
	assert_int_equal(r->days_since, 1);

	r = find(rows, n, kid[K_WEIGHT]);
	assert_non_null(r);
	assert_false(r->why.run_hit);
	assert_false(r->why.rate_hit);
	assert_int_equal(r->why.school_weight, 2);
	assert_int_equal(r->why.risk_factors, 1); /* the latest screening only */
	assert_int_equal(r->why.risk_weight, 1);
	assert_int_equal(r->score, 3);

	/* Not on the list: excused absences, late marks, irregular alone, the leaver. */
	assert_null(find(rows, n, kid[K_EXC]));
	assert_null(find(rows, n, kid[K_EXC2]));
	assert_null(find(rows, n, kid[K_LATE]));
	assert_null(find(rows, n, kid[K_IRREG]));
	assert_null(find(rows, n, kid[K_LEFT]));
	free(rows);
	/* On 11.03 the leaver was still enrolled. */
	assert_int_equal(db_dropout_list(db, &actor[U_MGR], "2026-03-11", &rule, &rows, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 5);
	assert_non_null(find(rows, n, kid[K_LEFT]));
	free(rows);
	/* With the default 75%, the run child's 57% also breaks the rate: score 6,
	 * at the top with the other run (longer since attending, so first). */
	assert_int_equal(db_dropout_list(db, &actor[U_MGR], "2026-03-12", NULL, &rows, &n, &e),
	                 DB_OK);
	assert_int_equal(rows[0].person_id, kid[K_SKIP]);
	assert_int_equal(rows[0].score, 6);
	assert_int_equal(rows[1].person_id, kid[K_RUN]);
	assert_int_equal(rows[1].score, 6);
	free(rows);
	int open = -1, total = -1;
	assert_int_equal(
	    db_dropout_count(db, &actor[U_REG], "2026-03-12", &rule, &open, &total, &e), DB_OK);
	assert_int_equal(open, 4);
	assert_int_equal(total, 4);
}

static void test_actions(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_dropout_row *rows;
	int n;
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "2026-03-12", &rule, &rows, &n, &e),
	                 DB_OK);
	struct db_dropout_row run = *find(rows, n, kid[K_RUN]);
	struct db_dropout_row rate = *find(rows, n, kid[K_RATE]);
	struct db_dropout_row weight = *find(rows, n, kid[K_WEIGHT]);
	free(rows);

	/* Dismissal needs a note. */
	assert_int_equal(db_dropout_act(db, &actor[U_REG], &run, DB_DROPOUT_DISMISSED, "", &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:dropout_note_required");
	assert_int_equal(db_dropout_act(db, &actor[U_REG], &run, DB_DROPOUT_DISMISSED,
	                                "Familja ishte në dasmë", &e),
	                 DB_OK);
	/* The same row again is stale: someone acted meanwhile. */
	assert_int_equal(db_dropout_act(db, &actor[U_MGR], &run, DB_DROPOUT_HOME_VISIT, NULL, &e),
	                 DB_STALE);
	assert_int_equal(
	    db_dropout_act(db, &actor[U_REG], &rate, DB_DROPOUT_HOME_VISIT, "E enjte pasdite", &e),
	    DB_OK);
	assert_int_equal(db_dropout_act(db, &actor[U_MGR], &weight, DB_DROPOUT_REFERRED, NULL, &e),
	                 DB_OK);
	assert_int_equal(
	    db_dropout_act(db, &actor[U_REG], &weight, (enum db_dropout_state)0, "x", &e),
	    DB_INVALID);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action LIKE 'dropout_%'"), 3);

	assert_int_equal(db_dropout_list(db, &actor[U_REG], "2026-03-12", &rule, &rows, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 3);
	assert_null(find(rows, n, kid[K_RUN])); /* dismissed */
	struct db_dropout_row *r = find(rows, n, kid[K_RATE]);
	assert_int_equal(r->state, DB_DROPOUT_HOME_VISIT);
	assert_true(r->flag_current);
	assert_string_equal(r->action_note, "E enjte pasdite");
	r = find(rows, n, kid[K_WEIGHT]);
	assert_int_equal(r->state, DB_DROPOUT_REFERRED);
	/* Changing the decision in the same episode updates the row. */
	struct db_dropout_row w2 = *r;
	free(rows);
	assert_int_equal(db_dropout_act(db, &actor[U_REG], &w2, DB_DROPOUT_HOME_VISIT, NULL, &e),
	                 DB_OK);
	assert_int_equal(db_dropout_act(db, &actor[U_REG], &w2, DB_DROPOUT_HOME_VISIT, NULL, &e),
	                 DB_STALE);
	int open = -1, total = -1;
	assert_int_equal(
	    db_dropout_count(db, &actor[U_MGR], "2026-03-12", &rule, &open, &total, &e), DB_OK);
	assert_int_equal(total, 3);
	assert_int_equal(open, 1);

	/* Next Monday: the dismissed child is absent again (a run of 4, worse)
	 * and returns; the others attend. */
	setenv("QENDRA_NOW", "2026-03-16 12:00:00", 1);
	const char *const next[K_N] = {[K_RUN] = "A", [K_RATE] = "P", [K_WEIGHT] = "P"};
	take_roll(cls, "2026-03-16", kid, K_N, next, 0);
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "2026-03-16", &rule, &rows, &n, &e),
	                 DB_OK);
	r = find(rows, n, kid[K_RUN]);
	assert_non_null(r);
	assert_true(r->returned);
	assert_int_equal(r->why.run, 4);
	assert_int_equal(r->state, DB_DROPOUT_OPEN);
	/* The rate child attended: 4 of the last 7, no longer flagged. */
	assert_null(find(rows, n, kid[K_RATE]));
	/* The weight child attended after the visit: a new episode, open again. */
	r = find(rows, n, kid[K_WEIGHT]);
	assert_non_null(r);
	assert_int_equal(r->state, DB_DROPOUT_OPEN);
	assert_false(r->flag_current);
	struct db_dropout_row again = *r;
	struct db_dropout_row back = *find(rows, n, kid[K_RUN]);
	free(rows);
	/* Acting on a new episode adds a row (history kept). */
	assert_int_equal(db_dropout_act(db, &actor[U_REG], &again, DB_DROPOUT_DISMISSED,
	                                "Do të kthehet në shkollë në shtator", &e),
	                 DB_OK);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM dropout_flag WHERE person_id = %lld",
	         (long long)kid[K_WEIGHT]);
	assert_int_equal(scalar(sql), 2);
	/* Dismissing the returned child again; not worse since: stays away. */
	assert_int_equal(
	    db_dropout_act(db, &actor[U_REG], &back, DB_DROPOUT_DISMISSED, "Prapë", &e), DB_OK);
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "2026-03-16", &rule, &rows, &n, &e),
	                 DB_OK);
	assert_null(find(rows, n, kid[K_RUN]));
	assert_null(find(rows, n, kid[K_WEIGHT]));
	free(rows);
}

static void test_roles(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_dropout_row *rows;
	int n, open;
	const int refused[] = {U_T1, U_T2, U_C1, U_VIEW};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		const struct db_actor *who = &actor[refused[i]];
		assert_int_equal(db_dropout_list(db, who, "2026-03-12", &rule, &rows, &n, &e),
		                 DB_DENIED);
		assert_null(rows);
		assert_int_equal(n, 0);
		assert_int_equal(db_dropout_count(db, who, "2026-03-12", &rule, &open, NULL, &e),
		                 DB_DENIED);
		struct db_dropout_row fake = {.person_id = kid[0], .class_id = cls};
		assert_int_equal(db_dropout_act(db, who, &fake, DB_DROPOUT_DISMISSED, "x", &e),
		                 DB_DENIED);
	}
	assert_int_equal(db_dropout_list(db, NULL, "2026-03-12", &rule, &rows, &n, &e), DB_OK);
	free(rows);
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "12.03.2026", &rule, &rows, &n, &e),
	                 DB_INVALID);
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "'; DROP TABLE attendance; --", &rule,
	                                 &rows, &n, &e),
	                 DB_INVALID);
	struct db_dropout_row *list;
	assert_int_equal(db_dropout_list(db, &actor[U_REG], "2026-03-12", &rule, &list, &n, &e),
	                 DB_OK);
	char *big = xmalloc(10001);
	memset(big, 'x', 10000);
	big[10000] = 0;
	assert_int_equal(db_dropout_act(db, &actor[U_REG], &list[0], DB_DROPOUT_DISMISSED, big, &e),
	                 DB_INVALID);
	assert_int_equal(
	    db_dropout_act(db, &actor[U_REG], &list[0], DB_DROPOUT_DISMISSED, "\xC3\x28", &e),
	    DB_INVALID);
	free(big);
	free(list);
}

/* A whole large centre: 100 classes of 30 children, 40 sessions each, among
 * 30 000 persons (the marks, not the register, make the work). */
static void test_timing(void **state)
{
	(void)state;
	struct qerr e = {0};
	double t0 = now_ms();
	int64_t first = gen_persons(30000);
	double gen_ms = now_ms() - t0;
	t0 = now_ms();
	exec("BEGIN");
	char sql[600];
	snprintf(sql, sizeof sql,
	         "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 99)"
	         " INSERT INTO class(name, subject, teacher_id, weekdays, start_min, duration_min,"
	         " term_start, term_end, capacity, uuid, created_at, updated_at)"
	         " SELECT 'Klasa ' || i, 'math', %lld, 5, 840, 60, '2025-09-15', '2026-06-12', "
	         "30, " REC_VALS " FROM k",
	         (long long)uid[U_T1]);
	exec(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO enrolment(class_id, person_id, from_date, uuid, created_at,"
	         " updated_at) SELECT c.id, %lld + (c.id - %lld) * 30 * 7 + j.i * 7,"
	         " '2025-09-15', " REC_VALS " FROM class c, (WITH RECURSIVE k(i) AS (SELECT 0"
	         " UNION ALL SELECT i + 1 FROM k WHERE i < 29) SELECT i FROM k) j"
	         " WHERE c.id > %lld",
	         (long long)first, (long long)cls + 1, (long long)cls);
	exec(sql);
	/* 40 sessions per class: Mondays and Wednesdays back from 11.03.2026. */
	snprintf(sql, sizeof sql,
	         "INSERT INTO class_session(class_id, held_on, status, uuid, created_at,"
	         " updated_at) SELECT c.id, d.day, 'held', " REC_VALS " FROM class c,"
	         " (WITH RECURSIVE k(i, day) AS (SELECT 0, '2026-03-11' UNION ALL"
	         "  SELECT i + 1, date(day, CASE strftime('%%w', day) WHEN '3' THEN '-2 days'"
	         "  ELSE '-5 days' END) FROM k WHERE i < 39) SELECT day FROM k) d"
	         " WHERE c.id > %lld",
	         (long long)cls);
	exec(sql);
	/* Marks: mostly present; some children keep missing the last sessions. */
	snprintf(sql, sizeof sql,
	         "INSERT INTO attendance(session_id, person_id, mark, uuid, created_at,"
	         " updated_at) SELECT s.id, e.person_id, CASE"
	         " WHEN e.person_id %% 17 = 0 AND s.held_on >= '2026-03-01' THEN 'A'"
	         " WHEN (e.person_id + s.id) %% 11 = 0 THEN 'A'"
	         " WHEN (e.person_id + s.id) %% 13 = 0 THEN 'E'"
	         " WHEN (e.person_id + s.id) %% 7 = 0 THEN 'L' ELSE 'P' END, " REC_VALS
	         " FROM class_session s JOIN enrolment e ON e.class_id = s.class_id"
	         " WHERE s.class_id > %lld",
	         (long long)cls);
	exec(sql);
	exec("COMMIT");
	double fill_ms = now_ms() - t0;
	int64_t natt = scalar("SELECT count(*) FROM attendance");
	int64_t nenr = scalar("SELECT count(*) FROM enrolment");

	struct db_dropout_row *rows;
	int n;
	double best = 1e9, worst = 0;
	for (int k = 0; k < 3; k++) {
		t0 = now_ms();
		assert_int_equal(
		    db_dropout_list(db, &actor[U_MGR], "2026-03-12", NULL, &rows, &n, &e), DB_OK);
		double ms = now_ms() - t0;
		best = ms < best ? ms : best;
		worst = ms > worst ? ms : worst;
		if (k < 2)
			free(rows);
	}
	int64_t nclass = scalar("SELECT count(*) FROM class");
	printf("    generated 30 000 persons in %.0f ms; classes, sessions and %lld marks in"
	       " %.0f ms\n",
	       gen_ms, (long long)natt, fill_ms);
	printf("    dropout list for the whole centre (%lld classes, %lld enrolments,"
	       " %lld marks): %d flagged, best %.1f ms, worst %.1f ms\n",
	       (long long)nclass, (long long)nenr, (long long)natt, n, best, worst);
	assert_true(n > 100);
	for (int i = 1; i < n; i++)
		assert_true(rows[i - 1].score >= rows[i].score);
	free(rows);
	assert_true(best < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_score_pure),
	    cmocka_unit_test_setup_teardown(test_crafted_histories, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
