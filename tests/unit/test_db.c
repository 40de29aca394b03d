/*
 * Unit tests of the db core: opening and migrating, connection settings,
 * refusal of newer databases, transactions, the SQ collation, accent
 * folding, the safe FTS query, person search, users, login lockout, audit,
 * integrity check and backup.
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

static char dir[64];

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/qendra-test-db-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static struct qdb *open_new(const char *name)
{
	char *p = tmp_path(name);
	unlink(p);
	struct qdb *db = NULL;
	struct qerr e = {0};
	struct db_open_opts o = {.create = true};
	assert_int_equal(db_open(&db, p, &o, &e), DB_OK);
	free(p);
	return db;
}

static int64_t one_int(struct qdb *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_open_creates_schema(void **state)
{
	(void)state;
	struct qdb *db = open_new("a.db");
	assert_true(db_schema_version(db) >= 1);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_int_equal(one_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(one_int(db, "PRAGMA synchronous"), 2); /* FULL */
	assert_string_equal(db_journal_mode(db), "delete");
	static const char *const tables[] = {"family",
	                                     "person",
	                                     "consent",
	                                     "screening",
	                                     "screening_factor",
	                                     "visit",
	                                     "visit_tally",
	                                     "referral",
	                                     "referral_event",
	                                     "appointment",
	                                     "session_log",
	                                     "class",
	                                     "enrolment",
	                                     "class_session",
	                                     "attendance",
	                                     "activity",
	                                     "activity_participant",
	                                     "activity_count",
	                                     "app_user",
	                                     "audit",
	                                     "closure",
	                                     "dropout_flag",
	                                     "person_fts"};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char *sql =
		    xasprintf("SELECT count(*) FROM sqlite_schema WHERE name = '%s'", tables[i]);
		assert_int_equal(one_int(db, sql), 1);
		free(sql);
	}
	/* Every record table is STRICT and carries the common columns. */
	assert_int_equal(one_int(db,
	                         "SELECT count(*) FROM pragma_table_list WHERE schema = 'main'"
	                         " AND type = 'table' AND strict = 0 AND name NOT LIKE 'sqlite%'"
	                         " AND name NOT LIKE 'person_fts%'"),
	                 0);
	assert_int_equal(
	    one_int(db, "SELECT count(*) FROM pragma_table_list t WHERE t.schema = 'main'"
	                " AND t.type = 'table' AND t.name NOT LIKE 'sqlite%'"
	                " AND t.name NOT LIKE 'person_fts%' AND t.name NOT IN"
	                " ('audit','family_code_seq','screening_factor','referral_event',"
	                "  'activity_participant','activity_count')"
	                " AND (SELECT count(*) FROM pragma_table_info(t.name) c WHERE c.name IN"
	                " ('uuid','version','created_at','created_by','updated_at',"
	                "  'updated_by','deleted_at')) <> 7"),
	    0);
	db_close(db);
	/* Reopening does not migrate again. */
	char *p = tmp_path("a.db");
	struct qerr e = {0};
	assert_int_equal(db_open(&db, p, NULL, &e), DB_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	db_close(db);
	free(p);
}

static void test_missing_without_create(void **state)
{
	(void)state;
	struct qdb *db = NULL;
	struct qerr e = {0};
	char *p = tmp_path("nope.db");
	assert_int_equal(db_open(&db, p, NULL, &e), DB_NOTFOUND);
	assert_null(db);
	assert_string_equal(e.key, "err:db_missing");
	assert_int_equal(access(p, F_OK), -1);
	free(p);
}

static void test_refuses_newer_database(void **state)
{
	(void)state;
	struct qdb *db = open_new("new.db");
	char *sql = xasprintf("PRAGMA user_version = %d", db_schema_latest() + 1);
	assert_int_equal(dbi_exec(db, sql, NULL), DB_OK);
	free(sql);
	db_close(db);
	char *p = tmp_path("new.db");
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	char before[4096];
	size_t nb = fread(before, 1, sizeof before, f);
	fclose(f);
	struct qerr e = {0};
	assert_int_equal(db_open(&db, p, NULL, &e), DB_TOONEW);
	assert_string_equal(e.key, "err:db_too_new");
	f = fopen(p, "rb");
	char after[4096];
	size_t na = fread(after, 1, sizeof after, f);
	fclose(f);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb); /* not touched */
	free(p);
}

static void test_garbage_file(void **state)
{
	(void)state;
	char *p = tmp_path("garbage.db");
	FILE *f = fopen(p, "wb");
	for (int i = 0; i < 4096; i++)
		fputc(i * 7 & 0xff, f);
	fclose(f);
	struct qdb *db = NULL;
	struct qerr e = {0};
	assert_int_not_equal(db_open(&db, p, NULL, &e), DB_OK);
	assert_null(db);
	assert_true(qerr_is_set(&e));
	free(p);
}

static void test_wal_refused_on_old_sqlite(void **state)
{
	(void)state;
	char *p = tmp_path("wal.db");
	struct qdb *db = NULL;
	struct db_open_opts o = {.create = true, .wal = true};
	assert_int_equal(db_open(&db, p, &o, NULL), DB_OK);
	if (sqlite3_libversion_number() < 3051003) {
		assert_true(db_wal_refused(db));
		assert_string_equal(db_journal_mode(db), "delete");
	} else {
		assert_false(db_wal_refused(db));
		assert_string_equal(db_journal_mode(db), "wal");
	}
	db_close(db);
	free(p);
}

static void test_transactions_nest(void **state)
{
	(void)state;
	struct qdb *db = open_new("tx.db");
	assert_int_equal(db_begin(db, NULL), DB_OK);
	assert_int_equal(db_begin(db, NULL), DB_OK);
	assert_int_equal(db_audit(db, NULL, "x", "t", 1, NULL, NULL), DB_OK);
	db_rollback(db); /* inner failure dooms the outer one */
	assert_int_not_equal(db_commit(db, NULL), DB_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM audit"), 0);
	assert_int_equal(db_begin(db, NULL), DB_OK);
	assert_int_equal(db_audit(db, NULL, "x", "t", 1, NULL, NULL), DB_OK);
	assert_int_equal(db_commit(db, NULL), DB_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM audit"), 1);
	/* audit is append-only */
	assert_int_not_equal(dbi_exec(db, "UPDATE audit SET action = 'y'", NULL), DB_OK);
	assert_int_not_equal(dbi_exec(db, "DELETE FROM audit", NULL), DB_OK);
	db_close(db);
}

static int sq(const char *a, const char *b)
{
	return db_collate_sq(a, (int)strlen(a), b, (int)strlen(b));
}

static void test_collation_albanian_order(void **state)
{
	(void)state;
	static const char *const order[] = {"Cani", "Çami",    "Duka", "Dhimitri",
	                                    "Ema",  "Ëngjëll", "Luli", "Lleshi"};
	for (size_t i = 0; i < 8; i++)
		for (size_t j = 0; j < 8; j++) {
			int r = sq(order[i], order[j]);
			if (i < j)
				assert_true(r < 0);
			else if (i > j)
				assert_true(r > 0);
			else
				assert_int_equal(r, 0);
		}
	assert_true(sq("gjergj", "Gomsiqe") > 0); /* gj after g */
	assert_true(sq("Nikaj", "Njeri") < 0);    /* nj after n */
	assert_true(sq("Rrapaj", "Rustemi") > 0); /* rr after r */
	assert_true(sq("Shehu", "Syla") > 0);     /* sh after s */
	assert_true(sq("Thaçi", "Tusha") > 0);    /* th after t */
	assert_true(sq("Xhafa", "Xuxa") > 0);     /* xh after x */
	assert_true(sq("Zhupa", "Zyberi") > 0);   /* zh after z */
	assert_true(sq("cela", "Çela") < 0);      /* c before ç */
	/* case-insensitive at the first level, but a total order */
	assert_true(sq("ana", "Ana") != 0);
	assert_true(sq("ana", "Ana") == -sq("Ana", "ana"));
	assert_true(sq("Ana", "Anb") < 0 && sq("ana", "ANB") < 0);
	/* hostile bytes never crash and stay antisymmetric */
	const char bad1[] = "\xff\xfe\xc3", bad2[] = "\xc3\xa7\xe2\x82";
	assert_true(db_collate_sq(bad1, 3, bad2, 4) == -db_collate_sq(bad2, 4, bad1, 3));
	assert_int_equal(db_collate_sq("", 0, "", 0), 0);
}

static void test_collation_in_sql(void **state)
{
	(void)state;
	struct qdb *db = open_new("coll.db");
	assert_int_equal(
	    dbi_exec(db,
	             "CREATE TEMP TABLE n(x TEXT);"
	             "INSERT INTO n VALUES ('Lleshi'),('Ëngjëll'),('Dhimitri'),('Çami'),"
	             "('Luli'),('Ema'),('Duka'),('Cani');",
	             NULL),
	    DB_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db->h,
	                                    "SELECT group_concat(x, ' ') FROM"
	                                    " (SELECT x FROM n ORDER BY x COLLATE SQ)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	                    "Cani Çami Duka Dhimitri Ema Ëngjëll Luli Lleshi");
	sqlite3_finalize(st);
	db_close(db);
}

static void test_fold(void **state)
{
	(void)state;
	char out[128];
	db_fold("  Çela  ", out, sizeof out);
	assert_string_equal(out, "cela");
	db_fold("Dritë Ëngjëlli-Shehu", out, sizeof out);
	assert_string_equal(out, "drite engjelli shehu");
	db_fold("O'Brien", out, sizeof out);
	assert_string_equal(out, "o brien");
	db_fold("\xff\xfe", out, sizeof out);
	assert_string_equal(out, "");
	db_fold("Ana", out, 2); /* tiny buffer: terminated, no overflow */
	assert_true(strlen(out) < 2);
}

static void test_fts_query_is_safe(void **state)
{
	(void)state;
	char q[256];
	assert_true(db_fts_query("ana-maria", q, sizeof q));
	assert_string_equal(q, "\"ana\"* \"maria\"*");
	assert_true(db_fts_query("o'brien", q, sizeof q));
	assert_string_equal(q, "\"o\"* \"brien\"*");
	assert_true(db_fts_query("NOT", q, sizeof q));
	assert_string_equal(q, "\"NOT\"*");
	assert_false(db_fts_query("\"", q, sizeof q));
	assert_false(db_fts_query("*", q, sizeof q));
	assert_false(db_fts_query("", q, sizeof q));
	assert_false(db_fts_query("   ", q, sizeof q));
	assert_false(db_fts_query(NULL, q, sizeof q));
	assert_true(db_fts_query("069 123 45", q, sizeof q));
	assert_string_equal(q, "\"06912345\"*");
	assert_true(db_fts_query("Çela", q, sizeof q));
	assert_string_equal(q, "\"Çela\"*");

	/* Every hostile input yields a MATCH expression SQLite accepts. */
	struct qdb *db = open_new("fts.db");
	static const char *const hostile[] = {"ana-maria",
	                                      "o'brien",
	                                      "NOT",
	                                      "\"",
	                                      "*",
	                                      "",
	                                      "AND OR NOT",
	                                      "a AND",
	                                      "(x",
	                                      "NEAR(a b)",
	                                      "'; DROP TABLE person; --",
	                                      "x:y",
	                                      "^a",
	                                      "\xff\xfe",
	                                      "\xe2\x80\x8f"
	                                      "ana",
	                                      "a\"b\"c",
	                                      "{name}: x",
	                                      "-",
	                                      "+355 69",
	                                      "a*b",
	                                      "ë ç",
	                                      NULL};
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(db->h, "SELECT count(*) FROM person_fts WHERE person_fts MATCH ?1",
	                       -1, &st, NULL),
	    SQLITE_OK);
	for (int i = 0; hostile[i]; i++) {
		if (!db_fts_query(hostile[i], q, sizeof q))
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			fail_msg("input '%s' -> '%s' -> %s", hostile[i], q, sqlite3_errmsg(db->h));
	}
	sqlite3_finalize(st);
	char *big = xmalloc(10001);
	memset(big, 'a', 10000);
	big[10000] = '\0';
	assert_true(db_fts_query(big, q, sizeof q)); /* bounded, no overflow */
	assert_true(strlen(q) < sizeof q);
	free(big);
	db_close(db);
}

static void add_person(struct qdb *db, int fam, const char *first, const char *last,
                       const char *father, const char *phone_norm)
{
	char uuid[37], now[20], fold[200];
	util_uuid(uuid);
	util_now_str(now);
	char *full = xasprintf("%s %s", first, last);
	db_fold(full, fold, sizeof fold);
	free(full);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(
	    db->h,
	    "INSERT INTO person(family_id, first_name, last_name, father_name, name_fold,"
	    " sex, birth_year, phone_norm, uuid, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, 'F', 2012, ?6, ?7, ?8, ?8)",
	    -1, &st, NULL);
	sqlite3_bind_int(st, 1, fam);
	sqlite3_bind_text(st, 2, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, last, -1, SQLITE_STATIC);
	dbi_bind_text_or_null(st, 4, father);
	sqlite3_bind_text(st, 5, fold, -1, SQLITE_STATIC);
	dbi_bind_text_or_null(st, 6, phone_norm);
	sqlite3_bind_text(st, 7, uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_person_search(void **state)
{
	(void)state;
	struct qdb *db = open_new("search.db");
	assert_int_equal(
	    dbi_exec(db,
	             "INSERT INTO family(id, code, municipality, identified_by, reg_date, uuid,"
	             " created_at, updated_at) VALUES (1, 'SHK-2026-0042', 'shkoder', 'outreach',"
	             " '2026-01-05', '00000000-0000-4000-8000-000000000001', '2026-01-05',"
	             " '2026-01-05')",
	             NULL),
	    DB_OK);
	add_person(db, 1, "Dritë", "Çela", "Gjon", "355691234567");
	add_person(db, 1, "Ana-Maria", "Lleshi", NULL, NULL);
	add_person(db, 1, "Besa", "Luli", "Pjetër", NULL);
	add_person(db, 1, "Ilir", "Cani", NULL, NULL);
	struct db_actor reg = {0, DB_ROLE_REGISTRAR};
	struct db_person_hit *h;
	int n;
	assert_int_equal(db_person_search(db, &reg, "cela", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].last_name, "Çela");
	assert_string_equal(h[0].family_code, "SHK-2026-0042");
	free(h);
	assert_int_equal(db_person_search(db, &reg, "drite", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].first_name, "Dritë");
	free(h);
	assert_int_equal(db_person_search(db, &reg, "pjeter", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 1); /* father's name */
	free(h);
	assert_int_equal(db_person_search(db, &reg, "069 123", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 1); /* phone as typed locally */
	free(h);
	assert_int_equal(db_person_search(db, &reg, "shk-2026-0042", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 4); /* family code; Albanian order */
	assert_string_equal(h[0].last_name, "Cani");
	assert_string_equal(h[1].last_name, "Çela");
	assert_string_equal(h[2].last_name, "Luli");
	assert_string_equal(h[3].last_name, "Lleshi");
	free(h);
	/* One letter takes the broad path (the sort_key index): same order. */
	assert_int_equal(db_person_search(db, &reg, "l", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].last_name, "Luli");
	assert_string_equal(h[1].last_name, "Lleshi");
	free(h);
	assert_int_equal(db_person_search(db, &reg, "c", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].last_name, "Cani");
	assert_string_equal(h[1].last_name, "Çela");
	free(h);
	assert_int_equal(db_person_search(db, &reg, "ana-maria", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 1);
	free(h);
	static const char *const hostile[] = {"NOT",  "\"", "*", "", "o'brien", "'; DROP TABLE x",
	                                      "\xff", NULL};
	for (int i = 0; hostile[i]; i++) {
		struct qerr e = {0};
		assert_int_equal(db_person_search(db, &reg, hostile[i], 10, 0, &h, &n, &e), DB_OK);
		free(h);
	}
	/* A renamed person is found under the new name only. */
	assert_int_equal(
	    dbi_exec(db, "UPDATE person SET last_name = 'Dushku' WHERE last_name = 'Luli'", NULL),
	    DB_OK);
	assert_int_equal(db_person_search(db, &reg, "luli", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 0);
	free(h);
	assert_int_equal(db_person_search(db, &reg, "dushku", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 1);
	free(h);
	/* Viewers never get names; teachers only their pupils (none here). */
	struct db_actor viewer = {0, DB_ROLE_VIEWER}, teacher = {99, DB_ROLE_TEACHER};
	assert_int_equal(db_person_search(db, &viewer, "cela", 10, 0, &h, &n, NULL), DB_DENIED);
	assert_int_equal(db_person_search(db, &teacher, "cela", 10, 0, &h, &n, NULL), DB_OK);
	assert_int_equal(n, 0);
	free(h);
	assert_int_equal(db_check(db, NULL), DB_OK);
	db_close(db);
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = xmalloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	bool found = memmem(buf, got, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static void test_users_and_lockout(void **state)
{
	(void)state;
	struct qdb *db = open_new("users.db");
	struct qerr e = {0};
	int64_t id;
	assert_int_equal(db_user_add(db, NULL, "drita", "Drita Hoxha", DB_ROLE_MANAGER,
	                             "Sekret-Fjalë-7", "sq", &id, &e),
	                 DB_OK);
	assert_int_equal(
	    db_user_add(db, NULL, "drita", "X", DB_ROLE_MANAGER, "whatever1", "sq", NULL, &e),
	    DB_CONFLICT);
	assert_string_equal(e.key, "err:username_taken");
	assert_int_equal(
	    db_user_add(db, NULL, "X; DROP", "X", DB_ROLE_MANAGER, "whatever1", "sq", NULL, &e),
	    DB_INVALID);
	assert_int_equal(
	    db_user_add(db, NULL, "short", "X", DB_ROLE_MANAGER, "1234", "sq", NULL, &e),
	    DB_INVALID);
	struct db_actor teacher = {id, DB_ROLE_TEACHER};
	assert_int_equal(db_user_add(db, &teacher, "other", "Other", DB_ROLE_MANAGER, "password1",
	                             "sq", NULL, &e),
	                 DB_DENIED);

	struct db_user u;
	assert_int_equal(db_login(db, "drita", "Sekret-Fjalë-7", &u, &e), DB_OK);
	assert_int_equal(u.role, DB_ROLE_MANAGER);
	assert_int_equal(db_login(db, "nobody", "x", &u, &e), DB_BADLOGIN);
	assert_string_equal(e.key, "err:login_bad");
	for (int i = 0; i < 4; i++)
		assert_int_equal(db_login(db, "drita", "wrong", &u, &e), DB_BADLOGIN);
	assert_int_equal(db_login(db, "drita", "wrong", &u, &e), DB_LOCKED);
	assert_string_equal(e.key, "err:login_locked");
	/* The right password is refused while locked, even on a new connection. */
	db_close(db);
	char *p = tmp_path("users.db");
	assert_int_equal(db_open(&db, p, NULL, &e), DB_OK);
	assert_int_equal(db_login(db, "drita", "Sekret-Fjalë-7", &u, &e), DB_LOCKED);
	assert_true(one_int(db, "SELECT count(*) FROM audit WHERE action = 'login_failed'") >= 5);
	/* After the lockout time it opens again. */
	setenv("QENDRA_NOW", "2999-01-01 10:00:00", 1);
	assert_int_equal(db_login(db, "drita", "Sekret-Fjalë-7", &u, &e), DB_OK);
	unsetenv("QENDRA_NOW");
	/* passwd clears a lock; a disabled user cannot log in. */
	assert_int_equal(db_user_passwd(db, NULL, "drita", "Tjetër-Fjalë-8", &e), DB_OK);
	assert_int_equal(db_login(db, "drita", "Tjetër-Fjalë-8", &u, &e), DB_OK);
	assert_int_equal(db_user_set_active(db, NULL, "drita", false, &e), DB_OK);
	assert_int_equal(db_login(db, "drita", "Tjetër-Fjalë-8", &u, &e), DB_BADLOGIN);
	db_close(db);
	/* No password in clear anywhere in the file. */
	assert_false(file_contains(p, "Sekret-Fjalë-7"));
	assert_false(file_contains(p, "Tjetër-Fjalë-8"));
	assert_true(file_contains(p, "$argon2id$"));
	free(p);
}

static void test_check_and_backup(void **state)
{
	(void)state;
	struct qdb *db = open_new("bk.db");
	assert_int_equal(db_user_add(db, NULL, "drita", "Drita", DB_ROLE_MANAGER, "password-1",
	                             "sq", NULL, NULL),
	                 DB_OK);
	assert_int_equal(db_check(db, NULL), DB_OK);
	char *b = tmp_path("bk-copy.db");
	unlink(b);
	struct qerr e = {0};
	assert_int_equal(db_backup(db, b, &e), DB_OK);
	assert_int_equal(db_backup(db, b, &e), DB_ERR); /* never overwrites */
	assert_string_equal(e.key, "err:file_exists");
	struct qdb *copy;
	assert_int_equal(db_open(&copy, b, NULL, &e), DB_OK);
	assert_int_equal(db_user_count(copy), 1);
	assert_int_equal(db_check(copy, NULL), DB_OK);
	/* A broken FTS index is reported by the check. */
	assert_int_equal(dbi_exec(copy, "DELETE FROM person_fts", NULL), DB_OK);
	assert_int_equal(
	    dbi_exec(copy,
	             "INSERT INTO family(id, code, municipality, identified_by, reg_date,"
	             " uuid, created_at, updated_at) VALUES (1, 'KUK-2025-0001', 'kukes',"
	             " 'school', '2025-01-05', '00000000-0000-4000-8000-000000000002',"
	             " '2025-01-05', '2025-01-05')",
	             NULL),
	    DB_OK);
	add_person(copy, 1, "Besa", "Gjoni", NULL, NULL);
	assert_int_equal(dbi_exec(copy, "DELETE FROM person_fts", NULL), DB_OK);
	assert_int_not_equal(db_check(copy, &e), DB_OK);
	db_close(copy);
	db_close(db);
	free(b);
}

static void test_role_names(void **state)
{
	(void)state;
	for (int r = 0; r < DB_ROLE_COUNT; r++)
		assert_int_equal(db_role_parse(db_role_name((enum db_role)r)), r);
	assert_int_equal(db_role_parse("teacher"), DB_ROLE_TEACHER);
	assert_int_equal(db_role_parse("root"), -1);
	assert_int_equal(db_role_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_creates_schema),
	    cmocka_unit_test(test_missing_without_create),
	    cmocka_unit_test(test_refuses_newer_database),
	    cmocka_unit_test(test_garbage_file),
	    cmocka_unit_test(test_wal_refused_on_old_sqlite),
	    cmocka_unit_test(test_transactions_nest),
	    cmocka_unit_test(test_collation_albanian_order),
	    cmocka_unit_test(test_collation_in_sql),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_fts_query_is_safe),
	    cmocka_unit_test(test_person_search),
	    cmocka_unit_test(test_users_and_lockout),
	    cmocka_unit_test(test_check_and_backup),
	    cmocka_unit_test(test_role_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
