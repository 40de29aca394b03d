/*
 * The fixture shared by the test_care*.c unit tests: a fresh database in a
 * private temporary directory, one user of each role (two counsellors, two
 * teachers), one family, helpers to add people and to generate a large
 * centre. Header-only; every function is static and may go unused.
 */
#ifndef QENDRA_TEST_CARE_H
#define QENDRA_TEST_CARE_H

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/care.h"
#include "db/dbi.h"

#define CARE_FN static __attribute__((unused))

enum { U_MGR = 1, U_REG, U_C1, U_C2, U_T1, U_T2, U_VIEW, U_N };

static char care_dir[64];
static char care_path[128];
static struct qdb *db;
static int64_t uid[U_N];
static struct db_actor actor[U_N];
static int64_t family_id;

CARE_FN void exec(const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "SQL failed: %s\n  %s\n", msg ? msg : "?", sql);
	sqlite3_free(msg);
	assert_int_equal(rc, SQLITE_OK);
}

/* One integer from a query (for checks). */
CARE_FN int64_t scalar(const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "SQL failed: %s\n  %s\n", sqlite3_errmsg(db->h), sql);
	assert_int_equal(rc, SQLITE_OK);
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

CARE_FN double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

#define REC_VALS "lower(hex(randomblob(18))), '2026-01-01 00:00:00', '2026-01-01 00:00:00'"

CARE_FN int64_t add_family(void)
{
	static int seq;
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO family(code, municipality, identified_by, reg_date, uuid,"
	         " created_at, updated_at) VALUES ('SHK-2026-%04d', 'shkoder', 'outreach',"
	         " '2026-01-01', " REC_VALS ")",
	         ++seq);
	exec(sql);
	return sqlite3_last_insert_rowid(db->h);
}

/* A person in family fam (0 = the fixture's family). */
CARE_FN int64_t add_person_in(int64_t fam, const char *first, const char *last, char sex,
                              const char *birth, const char *school)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    db->h,
	    "INSERT INTO person(family_id, first_name, last_name, name_fold, sex, birth_date,"
	    " relation, school_status, uuid, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, fold(?2 || ' ' || ?3), ?4, ?5, 'child', ?6, " REC_VALS ")",
	    -1, &st, NULL);
	assert_int_equal(rc, SQLITE_OK);
	char sx[2] = {sex, 0};
	sqlite3_bind_int64(st, 1, fam ? fam : family_id);
	sqlite3_bind_text(st, 2, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, last, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, sx, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, birth, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, school ? school : "enrolled", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "person: %s\n", sqlite3_errmsg(db->h));
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(db->h);
}

CARE_FN int64_t add_person(const char *first, const char *last, char sex, const char *birth)
{
	return add_person_in(0, first, last, sex, birth, "enrolled");
}

/* Open a fresh database with the users; QENDRA_NOW pinned to `now`. */
CARE_FN int care_open(const char *now)
{
	setenv("QENDRA_NOW", now, 1);
	snprintf(care_dir, sizeof care_dir, "/tmp/qendra-test-care-XXXXXX");
	if (!mkdtemp(care_dir))
		return -1;
	snprintf(care_path, sizeof care_path, "%s/q.db", care_dir);
	struct db_open_opts o = {.create = true};
	struct qerr e = {0};
	if (db_open(&db, care_path, &o, &e) != DB_OK) {
		fprintf(stderr, "open: %s %s\n", e.key, e.detail);
		return -1;
	}
	static const struct {
		const char *u, *n;
		enum db_role r;
	} users[U_N] = {
	    [U_MGR] = {"mgr", "Drita Menaxhere", DB_ROLE_MANAGER},
	    [U_REG] = {"reg", "Besa Regjistruese", DB_ROLE_REGISTRAR},
	    [U_C1] = {"kes1", "Arta Këshilluese", DB_ROLE_COUNSELLOR},
	    [U_C2] = {"kes2", "Blerim Këshillues", DB_ROLE_COUNSELLOR},
	    [U_T1] = {"mes1", "Çlirim Mësues", DB_ROLE_TEACHER},
	    [U_T2] = {"mes2", "Dea Mësuese", DB_ROLE_TEACHER},
	    [U_VIEW] = {"view", "Ema Monitoruese", DB_ROLE_VIEWER},
	};
	for (int i = 1; i < U_N; i++) {
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(
		    db->h,
		    "INSERT INTO app_user(username, full_name, role, pw_hash, uuid,"
		    " created_at, updated_at) VALUES (?1, ?2, ?3, '$argon2id$test', " REC_VALS ")",
		    -1, &st, NULL);
		sqlite3_bind_text(st, 1, users[i].u, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, users[i].n, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, db_role_name(users[i].r), -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
		uid[i] = sqlite3_last_insert_rowid(db->h);
		actor[i].user_id = uid[i];
		actor[i].role = users[i].r;
	}
	family_id = add_family();
	return 0;
}

CARE_FN void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = xasprintf("%s/%s", path, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(path);
}

CARE_FN int care_close(void)
{
	db_close(db);
	db = NULL;
	db_notes_forget_key();
	rm_rf(care_dir);
	return 0;
}

/* The whole content of a file (NULL when it does not exist); *len its size. */
CARE_FN unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	*len = 0;
	if (!f)
		return NULL;
	struct sbuf b = {0};
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		sbuf_addn(&b, chunk, got);
	fclose(f);
	*len = b.len;
	if (!b.s)
		b.s = xstrdup("");
	return (unsigned char *)b.s;
}

/*
 * A large centre: n persons in families of 4, inserted in one transaction
 * (with the FTS triggers). Returns the id of the first person; ids are
 * consecutive.
 */
CARE_FN int64_t gen_persons(int n)
{
	static const char *const first[] = {"Ana",   "Besnik", "Çelik", "Dhurata", "Ëngjëll",
	                                    "Fatos", "Gjergj", "Hana",  "Ilir",    "Jonida",
	                                    "Klea",  "Lulzim", "Llesh", "Mira",    "Nertil"};
	static const char *const last[] = {"Hoxha", "Çela",   "Dushku", "Dhima",   "Gjoka",
	                                   "Kola",  "Lleshi", "Marku",  "Nikaj",   "Prenga",
	                                   "Rrapi", "Shala",  "Tahiri", "Xhaferi", "Zhuri"};
	/* glibc would give heap back after every burst (brk, and on a VM a TLB
	 * flush each time): keep it, so generating takes seconds, not minutes. */
	mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
	mallopt(M_TOP_PAD, 64 * 1024 * 1024);
	/* A big page cache so the transaction does not spill (each spill syncs). */
	exec("PRAGMA cache_size = -32768");
	exec("BEGIN");
	sqlite3_stmt *fam = NULL, *per = NULL;
	int rc =
	    sqlite3_prepare_v2(db->h,
	                       "INSERT INTO family(code, municipality, identified_by, reg_date,"
	                       " uuid, created_at, updated_at) VALUES (?1, 'kukes', 'outreach',"
	                       " '2025-06-01', " REC_VALS ")",
	                       -1, &fam, NULL);
	assert_int_equal(rc, SQLITE_OK);
	rc = sqlite3_prepare_v2(
	    db->h,
	    "INSERT INTO person(family_id, first_name, last_name, name_fold, sex, birth_date,"
	    " relation, school_status, uuid, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, fold(?2 || ' ' || ?3), ?4, ?5, 'child', 'enrolled', " REC_VALS
	    ")",
	    -1, &per, NULL);
	assert_int_equal(rc, SQLITE_OK);
	int64_t first_id = 0, fid = 0;
	for (int i = 0; i < n; i++) {
		if (i % 4 == 0) {
			char code[24];
			snprintf(code, sizeof code, "KUK-2025-%06d", i / 4 + 1);
			sqlite3_bind_text(fam, 1, code, -1, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(fam), SQLITE_DONE);
			sqlite3_reset(fam);
			fid = sqlite3_last_insert_rowid(db->h);
		}
		char birth[16];
		snprintf(birth, sizeof birth, "20%02u-%02u-%02u", 8u + (unsigned)i % 12u,
		         1u + (unsigned)i % 12u, 1u + (unsigned)i % 28u);
		sqlite3_bind_int64(per, 1, fid);
		sqlite3_bind_text(per, 2, first[i % 15], -1, SQLITE_STATIC);
		sqlite3_bind_text(per, 3, last[(i / 15) % 15], -1, SQLITE_STATIC);
		sqlite3_bind_text(per, 4, i % 2 ? "F" : "M", -1, SQLITE_STATIC);
		sqlite3_bind_text(per, 5, birth, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(per), SQLITE_DONE);
		sqlite3_reset(per);
		if (i == 0)
			first_id = sqlite3_last_insert_rowid(db->h);
		if (i % 5000 == 4999) {
			/* Smaller transactions keep the FTS pending data small. */
			exec("COMMIT");
			exec("BEGIN");
		}
	}
	sqlite3_finalize(fam);
	sqlite3_finalize(per);
	exec("COMMIT");
	exec("PRAGMA cache_size = -2000");
	return first_id;
}

#endif
