/*
 * Unit tests of the demo centre generator (db/demo.c): every demo account
 * signs in with its documented password and role; every record table of
 * the schema gets rows (except session_log, whose notes need db/notes'
 * key); the same seed and pinned clock give the same rows and another seed
 * other rows; the database passes integrity, foreign-key and index checks;
 * the data obeys the rules the screens rely on (no double bookings, family
 * codes in step with their counters, folded names, mira's class of exactly
 * 30 with a meeting today, elira's appointments today, dropout hits); and a
 * database that already holds users or families is refused untouched.
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
#include "db/demo.h"
#include "db/today.h"

#define NOW      "2026-03-11 10:15:00" /* a Wednesday */
#define TODAY    "2026-03-11"
#define FAMILIES 50

static char dir[64];
static int seq;

static int setup(void **state)
{
	(void)state;
	setenv("QENDRA_NOW", NOW, 1);
	snprintf(dir, sizeof dir, "/tmp/qendra-test-demo-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static struct qdb *open_new(void)
{
	char *p = xasprintf("%s/demo-%d.db", dir, ++seq);
	struct qdb *db = NULL;
	struct qerr e = {0};
	struct db_open_opts o = {.create = true};
	assert_int_equal(db_open(&db, p, &o, &e), DB_OK);
	free(p);
	return db;
}

static struct qdb *demo_db(uint64_t seed, struct db_demo_stats *stats)
{
	struct qdb *db = open_new();
	struct qerr e = {0};
	int rc = db_demo_generate(db, FAMILIES, seed, stats, &e);
	if (rc)
		fprintf(stderr, "demo: %d %s %s\n", rc, e.key, e.detail);
	assert_int_equal(rc, DB_OK);
	return db;
}

static int64_t one_int(struct qdb *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The record tables: every table of the schema but SQLite's and FTS5's own. */
static char **record_tables(struct qdb *db, int *n)
{
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(db->h,
	                       "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                       " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'person_fts%'"
	                       " ORDER BY name",
	                       -1, &st, NULL),
	    SQLITE_OK);
	char **t = NULL;
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = xrealloc(t, sizeof *t * (size_t)(*n + 1));
		t[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	assert_true(*n >= 20);
	return t;
}

static void free_tables(char **t, int n)
{
	for (int i = 0; i < n; i++)
		free(t[i]);
	free(t);
}

/*
 * Every column of every row of a table, in id order, as one string. The
 * password hashes are left out: Argon2id salts are random by design.
 */
static char *fingerprint(struct qdb *db, const char *table)
{
	char *pragma = xasprintf("PRAGMA table_info(%s)", table);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db->h, pragma, -1, &st, NULL), SQLITE_OK);
	free(pragma);
	struct sbuf cols = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 1);
		if (strcmp(c, "pw_hash") == 0)
			continue;
		sbuf_printf(&cols, "%squote(\"%s\")", cols.len ? " || ',' || " : "", c);
	}
	sqlite3_finalize(st);
	char *sql = xasprintf("SELECT count(*) || ':' || coalesce(group_concat(r, ';'), '') FROM"
	                      " (SELECT %s AS r FROM \"%s\" ORDER BY rowid)",
	                      cols.s, table);
	sbuf_free(&cols);
	assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void test_logins_table(void **state)
{
	(void)state;
	int n = 0;
	const struct db_demo_login *l = db_demo_logins(&n);
	assert_int_equal(n, 7);
	int per_role[DB_ROLE_COUNT] = {0};
	for (int i = 0; i < n; i++) {
		char *pw = xasprintf("demo-%s", l[i].username);
		assert_string_equal(l[i].password, pw);
		free(pw);
		assert_true((unsigned)l[i].role < DB_ROLE_COUNT);
		per_role[l[i].role]++;
		assert_non_null(l[i].full_name);
	}
	assert_int_equal(per_role[DB_ROLE_MANAGER], 1);
	assert_int_equal(per_role[DB_ROLE_REGISTRAR], 1);
	assert_int_equal(per_role[DB_ROLE_COUNSELLOR], 2);
	assert_int_equal(per_role[DB_ROLE_TEACHER], 2);
	assert_int_equal(per_role[DB_ROLE_VIEWER], 1);
	assert_string_equal(l[0].username, "drita");
	assert_string_equal(l[0].full_name, "Drita Hoxha");
	assert_string_equal(l[2].username, "elira");
	assert_string_equal(l[4].username, "mira");
	assert_ptr_equal(db_demo_logins(NULL), l); /* n may be NULL */
}

static void test_generate(void **state)
{
	(void)state;
	struct db_demo_stats stats;
	memset(&stats, 0xA5, sizeof stats);
	struct qdb *db = demo_db(7, &stats);
	struct qerr e = {0};

	/* Every record table has rows, except the session logs. */
	int nt;
	char **t = record_tables(db, &nt);
	for (int i = 0; i < nt; i++) {
		char *sql = xasprintf("SELECT count(*) FROM \"%s\"", t[i]);
		int64_t n = one_int(db, sql);
		free(sql);
		if (strcmp(t[i], "session_log") == 0) {
			assert_int_equal(n, 0);
			continue;
		}
		if (n == 0)
			fail_msg("table %s is empty", t[i]);
		int64_t s = db_demo_rows(&stats, t[i]);
		if (s >= 0)
			assert_int_equal(s, n);
	}
	free_tables(t, nt);
	assert_int_equal(db_demo_rows(&stats, "family"), FAMILIES);
	assert_int_equal(db_demo_rows(&stats, "no_such_table"), -1);
	assert_true(stats.seconds > 0 && stats.seconds < 120);
	assert_true(one_int(db, "SELECT count(*) FROM person") >= 2 * FAMILIES);

	/* Every account signs in with its demo password and has its role and name. */
	int nl = 0;
	const struct db_demo_login *l = db_demo_logins(&nl);
	for (int i = 0; i < nl; i++) {
		struct db_user u;
		assert_int_equal(db_login(db, l[i].username, l[i].password, &u, &e), DB_OK);
		assert_int_equal(u.role, l[i].role);
		assert_string_equal(u.full_name, l[i].full_name);
		assert_string_equal(u.lang, "sq");
		assert_int_equal(db_login(db, l[i].username, "demo-wrong", &u, &e), DB_BADLOGIN);
	}

	/* Sound: SQLite's own check and qendra's (foreign keys, search index). */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	assert_int_equal(db_check(db, &e), DB_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	db_close(db);
}

/* The rules the screens rely on. */
static void test_content(void **state)
{
	(void)state;
	struct qdb *db = demo_db(11, NULL);
	struct qerr e = {0};

	/* Nothing happened after "now"; registrations span up to four years. */
	static const char *const stamped[] = {"family",        "person",     "visit",
	                                      "referral",      "screening",  "attendance",
	                                      "class_session", "appointment"};
	for (size_t i = 0; i < sizeof stamped / sizeof stamped[0]; i++) {
		char *sql = xasprintf("SELECT count(*) FROM %s WHERE created_at > '" NOW "'"
		                      " OR updated_at < created_at OR length(uuid) <> 36",
		                      stamped[i]);
		assert_int_equal(one_int(db, sql), 0);
		free(sql);
	}
	assert_int_equal(one_int(db, "SELECT count(*) FROM visit WHERE at > '" NOW "'"), 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM family WHERE reg_date > '" TODAY "'"
	                             " OR reg_date < date('" TODAY "', '-1461 days')"),
	                 0);
	assert_true(one_int(db, "SELECT count(DISTINCT municipality) FROM family") >= 2);

	/* Family codes count up per prefix and year, in step with family_code_seq. */
	assert_int_equal(one_int(db,
	                         "SELECT count(*) FROM family WHERE substr(code, 1, 3) <>"
	                         " CASE municipality WHEN 'shkoder' THEN 'SHK' WHEN 'kukes' THEN"
	                         " 'KUK' ELSE 'DIB' END OR substr(code, 5, 4) <> substr(reg_date,"
	                         " 1, 4)"),
	                 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM family_code_seq s WHERE last <>"
	                             " (SELECT max(CAST(substr(code, 10) AS INTEGER)) FROM family"
	                             " WHERE substr(code, 1, 3) = s.prefix AND substr(code, 5, 4) ="
	                             " CAST(s.year AS TEXT))"),
	                 0);

	/* Folded names, phones in both forms, unique well-formed NIDs. */
	assert_int_equal(
	    one_int(db, "SELECT count(*) FROM person WHERE name_fold <> fold(first_name || ' ' ||"
	                " last_name)"),
	    0);
	assert_int_equal(one_int(db,
	                         "SELECT count(*) FROM person WHERE phone IS NOT NULL AND"
	                         " (phone NOT GLOB '06[789] [0-9][0-9][0-9] [0-9][0-9][0-9][0-9]'"
	                         " OR phone_norm <> '355' || replace(substr(phone, 2), ' ', ''))"),
	                 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM person WHERE nid IS NOT NULL"),
	                 one_int(db, "SELECT count(DISTINCT nid) FROM person"));
	assert_true(one_int(db, "SELECT count(*) FROM person WHERE birth_estimated = 1 AND"
	                        " birth_date IS NULL") > 0);
	assert_true(one_int(db, "SELECT count(*) FROM family WHERE head_first IS NOT NULL") ==
	            FAMILIES);

	/* Referrals through every status, each change recorded. */
	assert_true(one_int(db, "SELECT count(DISTINCT status) FROM referral") >= 4);
	assert_int_equal(one_int(db, "SELECT count(*) FROM referral r WHERE (SELECT count(*) FROM"
	                             " referral_event v WHERE v.referral_id = r.id) <> r.version"),
	                 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM referral WHERE code NOT GLOB"
	                             " 'REF-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9]'"),
	                 0);

	/* Screenings: the level follows the score unless overridden with a reason. */
	assert_int_equal(
	    one_int(db, "SELECT count(*) FROM screening s WHERE score <> (SELECT sum(present)"
	                " FROM screening_factor f WHERE f.screening_id = s.id) OR level_computed"
	                " <> CASE WHEN score >= 4 THEN 'high' WHEN score >= 2 THEN 'medium' ELSE"
	                " 'low' END"),
	    0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM screening_factor GROUP BY screening_id"
	                             " ORDER BY 1 LIMIT 1"),
	                 11);

	/* No counsellor, room or client is booked twice at once. */
	static const char *const clash =
	    "SELECT count(*) FROM appointment a JOIN appointment b ON a.id < b.id"
	    " AND a.status <> 'cancelled' AND b.status <> 'cancelled'"
	    " AND a.start_at < strftime('%Y-%m-%d %H:%M', b.start_at, '+' || b.duration_min"
	    " || ' minutes') AND b.start_at < strftime('%Y-%m-%d %H:%M', a.start_at, '+' ||"
	    " a.duration_min || ' minutes') WHERE ";
	char *sql = xasprintf("%s a.counsellor_id = b.counsellor_id", clash);
	assert_int_equal(one_int(db, sql), 0);
	free(sql);
	sql = xasprintf("%s a.room = b.room", clash);
	assert_int_equal(one_int(db, sql), 0);
	free(sql);
	sql = xasprintf("%s a.person_id = b.person_id", clash);
	assert_int_equal(one_int(db, sql), 0);
	free(sql);
	assert_int_equal(one_int(db, "SELECT count(*) FROM appointment WHERE start_at >= '" TODAY
	                             "' AND status NOT IN ('scheduled', 'cancelled')"),
	                 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM appointment WHERE start_at < '" TODAY
	                             "' AND status = 'scheduled'"),
	                 0);
	assert_true(one_int(db, "SELECT count(DISTINCT type) FROM appointment") == 4);

	/* Elira has several appointments today; her home screen shows them. */
	struct db_user elira, mira, drita;
	assert_int_equal(db_user_get(db, "elira", &elira, &e), DB_OK);
	assert_int_equal(db_user_get(db, "mira", &mira, &e), DB_OK);
	assert_int_equal(db_user_get(db, "drita", &drita, &e), DB_OK);
	sql = xasprintf("SELECT count(*) FROM appointment WHERE counsellor_id = %lld AND"
	                " start_at LIKE '" TODAY "%%' AND status = 'scheduled'",
	                (long long)elira.id);
	assert_true(one_int(db, sql) >= 3);
	free(sql);
	struct db_actor ae = {elira.id, DB_ROLE_COUNSELLOR}, am = {mira.id, DB_ROLE_TEACHER},
	                ad = {drita.id, DB_ROLE_MANAGER};
	struct db_today td;
	assert_int_equal(db_today(db, &ae, TODAY, 0, &td, &e), DB_OK);
	assert_true(td.appts.total >= 3);

	/* Mira's class of exactly 30 meets today and has no roll yet. */
	sql = xasprintf("SELECT id FROM class WHERE teacher_id = %lld AND term_start <= '" TODAY
	                "' AND term_end >= '" TODAY "' AND (SELECT count(*) FROM enrolment e WHERE"
	                " e.class_id = class.id AND (e.to_date IS NULL OR e.to_date >= '" TODAY
	                "')) = 30 AND (weekdays & 4) <> 0", /* bit 2 = Wednesday */
	                (long long)mira.id);
	int64_t cid = one_int(db, sql);
	free(sql);
	assert_true(cid > 0);
	sql = xasprintf("SELECT count(*) FROM attendance a JOIN class_session s ON s.id ="
	                " a.session_id WHERE s.class_id = %lld AND s.held_on = '" TODAY "'",
	                (long long)cid);
	assert_int_equal(one_int(db, sql), 0);
	free(sql);
	assert_int_equal(db_today(db, &am, TODAY, 0, &td, &e), DB_OK);
	assert_true(td.classes.total >= 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM closure WHERE day = '" TODAY "'"), 0);
	assert_true(one_int(db, "SELECT count(*) FROM closure WHERE day LIKE '%-11-28'") >= 4);
	assert_true(one_int(db, "SELECT count(*) FROM class_session WHERE status = 'cancelled'") >
	            0);

	/* Rolls not taken, and children absent three times in a row. */
	struct db_roll_missing *miss = NULL;
	int nmiss = 0;
	assert_int_equal(db_roll_missing_list(db, &ad, TODAY, &miss, &nmiss, &e), DB_OK);
	assert_true(nmiss >= 2);
	free(miss);
	struct db_dropout_rule rule;
	db_dropout_rule_default(&rule);
	struct db_dropout_row *drop = NULL;
	int ndrop = 0;
	assert_int_equal(db_dropout_list(db, &ad, TODAY, &rule, &drop, &ndrop, &e), DB_OK);
	int runs = 0;
	for (int i = 0; i < ndrop; i++)
		runs += drop[i].why.run_hit;
	free(drop);
	assert_true(runs >= 2);

	/* Accent-free search finds a name written with ç or ë. */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db->h,
	                                    "SELECT id, name_fold FROM person WHERE last_name GLOB"
	                                    " '*[çëÇË]*' ORDER BY id LIMIT 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t pid = sqlite3_column_int64(st, 0);
	char *fold = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	struct db_person_hit *hits = NULL;
	int nh = 0;
	assert_int_equal(db_person_search(db, &ad, fold, 1000, 0, &hits, &nh, &e), DB_OK);
	bool found = false;
	for (int i = 0; i < nh; i++)
		found |= hits[i].person_id == pid;
	assert_true(found);
	free(hits);
	free(fold);
	db_close(db);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct qdb *a = demo_db(2026, NULL), *b = demo_db(2026, NULL), *c = demo_db(2027, NULL);
	int nt;
	char **t = record_tables(a, &nt);
	int differ = 0;
	for (int i = 0; i < nt; i++) {
		char *fa = fingerprint(a, t[i]), *fb = fingerprint(b, t[i]),
		     *fc = fingerprint(c, t[i]);
		if (strcmp(fa, fb) != 0)
			fail_msg("table %s differs for the same seed", t[i]);
		if (strcmp(t[i], "family") == 0 || strcmp(t[i], "person") == 0 ||
		    strcmp(t[i], "appointment") == 0)
			assert_string_not_equal(fa, fc);
		differ += strcmp(fa, fc) != 0;
		free(fa);
		free(fb);
		free(fc);
	}
	assert_true(differ >= nt - 3); /* closures and empty session logs may match */
	free_tables(t, nt);
	db_close(a);
	db_close(b);
	db_close(c);
}

static void test_refuses_non_empty(void **state)
{
	(void)state;
	struct qerr e = {0};
	/* A database with demo data already. */
	struct qdb *db = demo_db(3, NULL);
	int64_t before = one_int(db, "SELECT count(*) FROM person");
	assert_int_equal(db_demo_generate(db, FAMILIES, 3, NULL, &e), DB_CONFLICT);
	assert_string_equal(e.key, "err:demo_not_empty");
	assert_int_equal(one_int(db, "SELECT count(*) FROM person"), before);
	assert_int_equal(one_int(db, "SELECT count(*) FROM app_user"), 7);
	db_close(db);

	/* A fresh database with only one user (as after `qendra init`). */
	db = open_new();
	assert_int_equal(db_user_add(db, NULL, "admin", "Admin", DB_ROLE_MANAGER, "long-password",
	                             "sq", NULL, &e),
	                 DB_OK);
	qerr_clear(&e);
	assert_int_equal(db_demo_generate(db, 10, 1, NULL, &e), DB_CONFLICT);
	assert_string_equal(e.key, "err:demo_not_empty");
	assert_int_equal(one_int(db, "SELECT count(*) FROM family"), 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM app_user"), 1);

	/* Sizes out of range change nothing either. */
	db_close(db);
	db = open_new();
	assert_int_equal(db_demo_generate(db, -1, 1, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:demo_size");
	assert_int_equal(db_demo_generate(db, DB_DEMO_MAX_FAMILIES + 1, 1, NULL, &e), DB_INVALID);
	assert_int_equal(one_int(db, "SELECT count(*) FROM app_user"), 0);
	/* One family is enough to make a (tiny) centre. */
	assert_int_equal(db_demo_generate(db, 1, 1, NULL, &e), DB_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM family"), 1);
	assert_int_equal(db_check(db, &e), DB_OK);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_logins_table),      cmocka_unit_test(test_generate),
	    cmocka_unit_test(test_content),           cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_refuses_non_empty),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
