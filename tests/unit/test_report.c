/*
 * test_report — the programme indicators on a small crafted database:
 * exact counts per indicator, sex and age band, the municipality filter,
 * role refusals, hostile input, and the CSV / text formatters.
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

#include "db/dbi.h"
#include "db/report.h"
#include "forms/report_fmt.h"

static const struct db_report_band bands[] = {
    {"0_5", 0, 5},     {"6_11", 6, 11},   {"12_14", 12, 14},
    {"15_17", 15, 17}, {"18_24", 18, 24}, {"25_plus", 25, 200},
};
#define NB  6
#define UNK NB

/* clang-format off */
#define R(n) "'00000000-0000-0000-0000-0000000000" #n "', '2026-01-01 00:00:00', '2026-01-01 00:00:00'"
static const char data[] =
	"INSERT INTO app_user(id, username, full_name, role, pw_hash, uuid, created_at, updated_at)"
	" VALUES (1, 'mira', 'Mira', 'mesues', '$argon2id$x', " R(99) ");"
	"INSERT INTO family(id, uuid, created_at, updated_at, code, municipality, identified_by, reg_date)"
	" VALUES (1, " R(01) ", 'SHK-2026-0001', 'shkoder', 'outreach', '2026-02-01'),"
	" (2, " R(02) ", 'KUK-2025-0001', 'kukes', 'walk_in', '2025-05-01');"
	"INSERT INTO person(id, uuid, created_at, updated_at, family_id, first_name, last_name, name_fold, sex, birth_date, birth_year)"
	" VALUES (1, " R(11) ", 1, 'Ana, \"A\"', 'Çela', 'ana cela', 'F', '2010-04-01', NULL),"
	" (2, " R(12) ", 1, 'Bardh', 'Çela', 'bardh cela', 'M', NULL, 2020),"
	" (3, " R(13) ", 2, 'Drita', 'Hoxha', 'drita hoxha', 'F', '1990-01-01', NULL),"
	" (4, " R(14) ", 2, 'Ilir', 'Hoxha', 'ilir hoxha', 'M', '2027-01-01', NULL);"
	"UPDATE family SET head_person_id = 1 WHERE id = 1;"
	"INSERT INTO screening(id, uuid, created_at, updated_at, person_id, screened_on, level_computed, level)"
	" VALUES (1, " R(21) ", 1, '2026-02-10', 'high', 'high'),"
	" (2, " R(22) ", 2, '2025-12-01', 'medium', 'medium'),"
	" (3, " R(23) ", 2, '2026-02-01', 'high', 'high'),"
	" (4, " R(24) ", 3, '2026-02-01', 'low', 'low'),"
	" (5, " R(25) ", 4, '2026-03-01', 'medium', 'medium');"
	"INSERT INTO screening_factor(screening_id, factor, present) VALUES (1, 'early_marriage', 1),"
	" (1, 'street_child', 0);"
	"INSERT INTO visit(uuid, created_at, updated_at, person_id, at, purpose) VALUES"
	" (" R(31) ", 1, '2026-01-10 09:00:00', 'information'),"
	" (" R(32) ", 1, '2026-03-31 17:00:00', 'information'),"
	" (" R(33) ", 3, '2026-02-10 09:00:00', 'information'),"
	" (" R(34) ", 3, '2025-12-31 23:59:00', 'information');"
	"INSERT INTO visit_tally(uuid, created_at, updated_at, at, sex, age_band) VALUES"
	" (" R(41) ", '2026-02-01 10:00:00', 'F', '6_11'),"
	" (" R(42) ", '2026-02-01 10:00:00', 'M', 'bogus');"
	"INSERT INTO referral(uuid, created_at, updated_at, code, person_id, service, organisation, reason, referred_on, status, status_on) VALUES"
	" (" R(51) ", 'R1', 1, 'health', 'Spitali', 'x', '2026-01-05', 'completed', '2026-02-01'),"
	" (" R(52) ", 'R2', 1, 'education', 'Shkolla', 'x', '2026-01-06', 'referred', '2026-01-06');"
	"INSERT INTO class(id, uuid, created_at, updated_at, name, subject, teacher_id, weekdays, start_min, duration_min, term_start, term_end, capacity)"
	" VALUES (1, " R(61) ", 'Matematikë', 'mathematics', 1, 1, 900, 60, '2026-01-01', '2026-06-30', 20);"
	"INSERT INTO enrolment(uuid, created_at, updated_at, class_id, person_id, from_date, to_date) VALUES"
	" (" R(62) ", 1, 1, '2025-09-01', NULL), (" R(63) ", 1, 2, '2025-09-01', '2025-12-31');"
	"INSERT INTO class_session(id, uuid, created_at, updated_at, class_id, held_on) VALUES"
	" (1, " R(64) ", 1, '2026-02-02');"
	"INSERT INTO attendance(uuid, created_at, updated_at, session_id, person_id, mark) VALUES"
	" (" R(65) ", 1, 2, 'P'), (" R(66) ", 1, 1, 'A'), (" R(67) ", 1, 3, 'E');";
/* clang-format on */

struct fx {
	char path[64];
	struct qdb *db;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	snprintf(fx->path, sizeof fx->path, "/tmp/test_report_%d.db", (int)getpid());
	unlink(fx->path);
	struct qerr e = {0};
	struct db_open_opts o = {.create = true};
	assert_int_equal(db_open(&fx->db, fx->path, &o, &e), DB_OK);
	int rc = dbi_exec(fx->db, data, &e);
	if (rc)
		fprintf(stderr, "%s %s\n", e.key, e.detail);
	assert_int_equal(rc, DB_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	db_close(fx->db);
	unlink(fx->path);
	free(fx);
	return 0;
}

static struct db_report_query query(const char *muni)
{
	struct db_report_query q = {
	    .from = "2026-01-01", .to = "2026-03-31", .bands = bands, .nbands = NB};
	strcpy(q.municipality, muni);
	strcpy(q.centre_municipality, "shkoder");
	return q;
}

static const struct db_report_row *row(const struct db_report *r, const char *i, const char *b)
{
	const struct db_report_row *x = db_report_find(r, i, b);
	if (!x)
		fail_msg("no row %s/%s", i, b);
	return x;
}

static void test_counts(void **state)
{
	struct fx *fx = *state;
	struct db_report_query q = query("");
	struct db_report r;
	struct qerr e = {0};
	struct db_actor viewer = {1, DB_ROLE_VIEWER};
	assert_int_equal(db_report_compute(fx->db, &viewer, &q, &r, &e), DB_OK);
	/* newly at risk: Ana (F, 15 at 31.03) and Ilir (M, born after: unknown) */
	const struct db_report_row *x = row(&r, "at_risk_new", "");
	assert_int_equal(x->total, 2);
	assert_int_equal(x->n[0][3], 1);
	assert_int_equal(x->n[1][UNK], 1);
	assert_int_equal(row(&r, "at_risk_new", "identified_by:outreach")->total, 1);
	assert_int_equal(row(&r, "at_risk_new", "identified_by:walk_in")->total, 1);
	assert_int_equal(row(&r, "at_risk_new", "risk_factors:early_marriage")->n[0][3], 1);
	assert_null(db_report_find(&r, "at_risk_new", "risk_factors:street_child"));
	/* families: one registered (head Ana), two active */
	assert_int_equal(row(&r, "families_registered", "")->total, 1);
	assert_int_equal(row(&r, "families_registered", "")->n[0][3], 1);
	assert_int_equal(row(&r, "families_active", "")->total, 2);
	/* visits: 3 registered (the one of 31.12 is outside), 2 anonymous */
	x = row(&r, "visits", "");
	assert_int_equal(x->total, 5);
	assert_int_equal(x->n[0][3], 2);
	assert_int_equal(x->n[0][5], 1);
	assert_int_equal(x->n[0][1], 1);   /* anonymous F 6-11 */
	assert_int_equal(x->n[1][UNK], 1); /* anonymous with an unknown band key */
	assert_int_equal(row(&r, "visits", "anonymous")->total, 2);
	assert_int_equal(row(&r, "visitors", "")->total, 2);
	/* referrals */
	assert_int_equal(row(&r, "referred", "")->total, 1);
	assert_int_equal(row(&r, "referred", "services:health")->total, 1);
	assert_int_equal(row(&r, "referred", "services:education")->total, 1);
	assert_int_equal(row(&r, "referrals_completed", "")->n[0][3], 1);
	/* classes: Ana enrolled (Bardh left before), one session, 1 of 2 marks */
	assert_int_equal(row(&r, "class_children", "")->total, 1);
	assert_int_equal(row(&r, "class_sessions", "")->total, 1);
	x = row(&r, "attendance_rate", "");
	assert_int_equal(x->total, 1);
	assert_int_equal(x->den_total, 2);
	char cell[32];
	form_report_cell(x, NB, -1, -1, true, cell, sizeof cell);
	assert_string_equal(cell, "50.0%");
	form_report_cell(x, NB, 1, -1, true, cell, sizeof cell);
	assert_string_equal(cell, "100.0%");
	form_report_cell(x, NB, 0, 5, true, cell, sizeof cell);
	assert_string_equal(cell, ""); /* Drita was excused: nothing measured */
	assert_int_equal(row(&r, "dropout_flagged", "")->total, 0);
	db_report_free(&r);
}

static void test_municipality(void **state)
{
	struct fx *fx = *state;
	struct db_report r;
	struct qerr e = {0};
	struct db_report_query q = query("shkoder");
	assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_OK);
	assert_int_equal(row(&r, "visits", "")->total, 4); /* Ana's 2 + the centre's 2 anonymous */
	assert_int_equal(row(&r, "families_active", "")->total, 1);
	db_report_free(&r);
	q = query("kukes");
	assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_OK);
	assert_int_equal(row(&r, "visits", "")->total, 1); /* the centre is in Shkodër */
	assert_int_equal(row(&r, "class_sessions", "")->total, 0);
	db_report_free(&r);
}

static void test_refusals(void **state)
{
	struct fx *fx = *state;
	struct db_report r;
	struct qerr e = {0};
	struct db_report_query q = query("");
	struct db_actor t = {1, DB_ROLE_TEACHER}, c = {1, DB_ROLE_COUNSELLOR};
	assert_int_equal(db_report_compute(fx->db, &t, &q, &r, &e), DB_DENIED);
	assert_int_equal(db_report_compute(fx->db, &c, &q, &r, &e), DB_DENIED);
	struct db_actor m = {1, DB_ROLE_MANAGER}, g = {1, DB_ROLE_REGISTRAR};
	assert_int_equal(db_report_compute(fx->db, &m, &q, &r, &e), DB_OK);
	db_report_free(&r);
	assert_int_equal(db_report_compute(fx->db, &g, &q, &r, &e), DB_OK);
	db_report_free(&r);
	static const char *const bad_muni[] = {"'; DROP TABLE person; --", "Shkoder", " ",
	                                       "shkod\xc3"};
	for (size_t i = 0; i < sizeof bad_muni / sizeof bad_muni[0]; i++) {
		q = query("");
		util_strlcpy(q.municipality, bad_muni[i], sizeof q.municipality);
		assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_INVALID);
		assert_string_equal(e.key, "report:bad_municipality");
	}
	static const char *const bad_dates[][2] = {
	    {"2026-04-01", "2026-03-31"}, {"2026-02-30", "2026-03-31"},
	    {"", "2026-03-31"},           {"2026-01-01", "31.03.2026"},
	    {"2026-01-01'", "2026-03-3"}, {"2025-02-29", "2026-01-01"}};
	for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
		q = query("");
		util_strlcpy(q.from, bad_dates[i][0], sizeof q.from);
		util_strlcpy(q.to, bad_dates[i][1], sizeof q.to);
		assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_INVALID);
		assert_string_equal(e.key, "report:bad_period");
	}
	q = query("");
	q.nbands = DB_REPORT_MAX_BANDS + 1;
	assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_INVALID);
	/* nothing was dropped */
	q = query("");
	assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_OK);
	assert_int_equal(row(&r, "visitors", "")->total, 2);
	db_report_free(&r);
}

/* A label callback with commas, quotes and control characters in it. */
static const char *nasty(void *ctx, const char *key)
{
	(void)ctx;
	if (strcmp(key, "ind.visits") == 0)
		return "Visits, \"all\"\nkinds";
	if (strcmp(key, "col_from") == 0)
		return "From";
	return key;
}

static void test_csv(void **state)
{
	struct fx *fx = *state;
	struct db_report r;
	struct qerr e = {0};
	struct db_report_query q = query("");
	assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_OK);
	struct form_report_opts o = {true, nasty, NULL};
	char *csv = form_report_csv(&r, &o);
	assert_memory_equal(csv, "\xEF\xBB\xBF\"From\",\"col_to\"", 18);
	assert_non_null(strstr(csv, "\"Visits, \"\"all\"\" kinds\""));
	assert_non_null(strstr(csv, "\"col_f band.0_5\""));
	/* every line has the same number of fields */
	int lines = 0;
	for (const char *p = csv; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, r.n + 1);
	/* visitors: 2 → "<5"; the visits total 5 stays */
	assert_non_null(strstr(csv, "\"ind.visitors\",\"\",\"<5\""));
	assert_non_null(strstr(csv, ",\"5\","));
	free(csv);
	o.suppress = false;
	csv = form_report_csv(&r, &o);
	assert_non_null(strstr(csv, "\"ind.visitors\",\"\",\"2\""));
	free(csv);
	struct sbuf b = {0};
	form_report_csv_field(&b, "a\x01\xff\"b");
	assert_string_equal(b.s, "\"a ?\"\"b\"");
	sbuf_free(&b);
	char cell[16];
	form_report_cell(row(&r, "visitors", ""), NB, -1, -1, true, cell, sizeof cell);
	assert_string_equal(cell, "<5");
	form_report_cell(row(&r, "dropout_flagged", ""), NB, -1, -1, true, cell, sizeof cell);
	assert_string_equal(cell, "0");
	form_report_cell(row(&r, "class_sessions", ""), NB, 0, -1, true, cell, sizeof cell);
	assert_string_equal(cell, "");
	form_report_cell(row(&r, "visits", ""), NB, 0, 99, true, cell, sizeof cell);
	assert_string_equal(cell, "");
	db_report_free(&r);
}

static void test_text(void **state)
{
	struct fx *fx = *state;
	struct db_report r;
	struct qerr e = {0};
	struct db_report_query q = query("");
	assert_int_equal(db_report_compute(fx->db, NULL, &q, &r, &e), DB_OK);
	char *big = malloc(10001);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	struct form_report_opts o = {true, nasty, NULL};
	char *t = form_report_text(&r, &o, FORM_REPORT_BOTH, 80);
	assert_non_null(strstr(t, "01.01.2026 - 31.03.2026"));
	/* no line over 80 characters, no control characters but newlines */
	const char *p = t;
	while (*p) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		char *line = strndup(p, (size_t)(nl - p));
		assert_true(utf8_len(line) <= 80);
		for (const char *c = line; *c; c++)
			assert_true((unsigned char)*c >= 0x20);
		free(line);
		p = nl + 1;
	}
	free(t);
	free(big);
	db_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_municipality, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
