/*
 * db — connection set-up, migrations, transactions, the statement cache,
 * integrity check and online backup. See db.h for the contract.
 */
#include "db/dbi.h"
#include "db/care.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/* SQLite fixed the WAL-reset corruption bug in 3.51.3. */
#define DB_WAL_SAFE_VERSION 3051003

static void sq_collate_destroy(void *p)
{
	(void)p;
}

static int sq_collate(void *arg, int alen, const void *a, int blen, const void *b)
{
	(void)arg;
	return db_collate_sq(a, alen, b, blen);
}

/* fold(text): the accent- and case-folded form used for duplicate checks. */
static void fn_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *in = sqlite3_value_text(argv[0]);
	if (!in) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t n = strlen((const char *)in) * 2 + 1;
	char *out = sqlite3_malloc64(n);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	db_fold((const char *)in, out, n);
	sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

int dbi_fail(struct qdb *db, int rc, struct qerr *err)
{
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		qerr_set(err, "err:db_busy", "%s", msg);
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		qerr_set(err, "err:db_conflict", "%s", msg);
		return DB_CONFLICT;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		qerr_set(err, "err:db_corrupt", "%s", msg);
		return DB_ERR;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		qerr_set(err, "err:io", "%s", msg);
		return DB_ERR;
	default:
		qerr_set(err, "err:db_error", "%s", msg);
		return DB_ERR;
	}
}

sqlite3_stmt *dbi_prep(struct qdb *db, const char *sql, struct qerr *err)
{
	for (int i = 0; i < db->ncache; i++) {
		/* Compare the text SQLite keeps, not the caller's pointer: a
		 * caller's buffer may be freed and reused for other SQL. */
		if (strcmp(sqlite3_sql(db->cache[i].st), sql) == 0) {
			sqlite3_stmt *st = db->cache[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		dbi_fail(db, rc, err);
		return NULL;
	}
	if (db->ncache < (int)(sizeof db->cache / sizeof db->cache[0])) {
		db->cache[db->ncache].sql = sql;
		db->cache[db->ncache].st = st;
		db->ncache++;
	} else {
		/* Cache full: evict the oldest entry that is not being stepped by a
		 * caller right now; if all are, do not cache the new one (it is then
		 * finalised when the connection closes, via the overflow list). */
		int victim = -1;
		for (int i = 0; i < db->ncache; i++)
			if (!sqlite3_stmt_busy(db->cache[i].st)) {
				victim = i;
				break;
			}
		if (victim < 0) {
			qerr_set(err, "err:internal", "statement cache exhausted");
			sqlite3_finalize(st);
			return NULL;
		}
		sqlite3_finalize(db->cache[victim].st);
		memmove(db->cache + victim, db->cache + victim + 1,
		        sizeof db->cache[0] * (size_t)(db->ncache - 1 - victim));
		db->cache[db->ncache - 1].sql = sql;
		db->cache[db->ncache - 1].st = st;
	}
	return st;
}

int dbi_exec(struct qdb *db, const char *sql, struct qerr *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int r = dbi_fail(db, rc, err);
		if (msg && err)
			snprintf(err->detail, sizeof err->detail, "%s", msg);
		sqlite3_free(msg);
		return r;
	}
	return DB_OK;
}

void dbi_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

void dbi_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void dbi_bind_actor(sqlite3_stmt *st, int i, const struct db_actor *who)
{
	if (who && who->user_id > 0)
		sqlite3_bind_int64(st, i, who->user_id);
	else
		sqlite3_bind_null(st, i);
}

int dbi_step_done(struct qdb *db, sqlite3_stmt *st, struct qerr *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_OK;
	}
	int r = dbi_fail(db, rc, err);
	sqlite3_reset(st);
	return r;
}

void dbi_col_text(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	util_strlcpy(out, t ? (const char *)t : "", outsz);
}

char *dbi_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? xstrdup((const char *)t) : NULL;
}

void dbi_stamp(char uuid[37], char now[20])
{
	util_uuid(uuid);
	util_now_str(now);
}

int dbi_allow(const struct db_actor *who, unsigned mask, struct qerr *err)
{
	if (!who)
		return DB_OK;
	if ((unsigned)who->role < DB_ROLE_COUNT && (mask & DBI_ROLE(who->role)))
		return DB_OK;
	qerr_set(err, "err:db_denied", NULL);
	return DB_DENIED;
}

static const char *const role_names[DB_ROLE_COUNT] = {"menaxher", "punonjes_social", "keshillues",
                                                      "mesues", "monitorim"};
static const char *const role_en[DB_ROLE_COUNT] = {"manager", "registrar", "counsellor", "teacher",
                                                   "viewer"};

const char *db_role_name(enum db_role r)
{
	return (unsigned)r < DB_ROLE_COUNT ? role_names[r] : "?";
}

int db_role_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < DB_ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0 || strcmp(s, role_en[i]) == 0)
			return i;
	return -1;
}

int db_schema_latest(void)
{
	int n;
	const struct dbi_migration *m = dbi_migrations(&n);
	return m[n - 1].version;
}

int db_schema_version(struct qdb *db)
{
	sqlite3_stmt *st = dbi_prep(db, "PRAGMA user_version", NULL);
	int v = -1;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	return v;
}

static int migrate(struct qdb *db, struct qerr *err)
{
	int n;
	const struct dbi_migration *m = dbi_migrations(&n);
	int have = db_schema_version(db);
	if (have < 0)
		return dbi_fail(db, sqlite3_errcode(db->h), err);
	if (have > m[n - 1].version) {
		qerr_set(err, "err:db_too_new", "%d\t%d", have, m[n - 1].version);
		return DB_TOONEW;
	}
	for (int i = 0; i < n; i++) {
		if (m[i].version <= have)
			continue;
		int rc = dbi_exec(db, "BEGIN IMMEDIATE", err);
		if (rc)
			return rc;
		/* Re-read inside the lock: another process may have migrated. */
		if (db_schema_version(db) >= m[i].version) {
			dbi_exec(db, "COMMIT", NULL);
			continue;
		}
		rc = dbi_exec(db, m[i].sql, err);
		if (!rc) {
			char pragma[64];
			snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m[i].version);
			rc = dbi_exec(db, pragma, err);
		}
		if (rc) {
			dbi_exec(db, "ROLLBACK", NULL);
			return rc;
		}
		rc = dbi_exec(db, "COMMIT", err);
		if (rc) {
			dbi_exec(db, "ROLLBACK", NULL);
			return rc;
		}
	}
	return DB_OK;
}

int db_open(struct qdb **out, const char *path, const struct db_open_opts *o, struct qerr *err)
{
	struct db_open_opts def = {0};
	if (!o)
		o = &def;
	*out = NULL;
	if (sodium_init() < 0) {
		qerr_set(err, "err:internal", "libsodium");
		return DB_ERR;
	}
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && !o->create) {
		qerr_set(err, "err:db_missing", "%s", path);
		return DB_NOTFOUND;
	}
	struct qdb *db = xcalloc(1, sizeof *db);
	db->max_failed = o->max_failed > 0 ? o->max_failed : 5;
	db->lockout_min = o->lockout_min > 0 ? o->lockout_min : 15;
	int flags = o->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (!exists) {
		/* Create the file private to its owner before SQLite opens it. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			qerr_set(err, "err:db_open", "%s: %s", path, strerror(errno));
			free(db);
			return DB_ERR;
		}
		close(fd);
	}
	int rc = sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		qerr_set(err, "err:db_open", "%s: %s", path,
		         db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return DB_ERR;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, o->busy_ms > 0 ? o->busy_ms : 5000);
	sqlite3_create_collation_v2(db->h, "SQ", SQLITE_UTF8, NULL, sq_collate, sq_collate_destroy);
	sqlite3_create_function(db->h, "fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fn_fold,
	                        NULL, NULL);

	/* Is it a database at all? Reading the schema fails fast on garbage. */
	rc = dbi_exec(db, "SELECT count(*) FROM sqlite_schema", err);
	if (!rc)
		rc = dbi_exec(db, "PRAGMA foreign_keys = ON", err);
	if (!rc && !o->readonly) {
		bool wal = o->wal;
		if (wal && sqlite3_libversion_number() < DB_WAL_SAFE_VERSION) {
			wal = false;
			db->wal_refused = true;
		}
		rc = dbi_exec(
		    db, wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE", err);
		if (!rc)
			rc = dbi_exec(db, "PRAGMA synchronous = FULL", err);
		/* 32 MiB of page cache: a search keystroke then reads no pages
		 * from the kernel (the default 2 MiB holds a tenth of a large
		 * centre's names). */
		if (!rc)
			rc = dbi_exec(db, "PRAGMA cache_size = -32768", err);
	}
	if (!rc) {
		if (o->readonly) {
			int v = db_schema_version(db);
			if (v > db_schema_latest()) {
				qerr_set(err, "err:db_too_new", "%d\t%d", v, db_schema_latest());
				rc = DB_TOONEW;
			}
		} else {
			rc = migrate(db, err);
		}
	}
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return DB_OK;
}

void db_close(struct qdb *db)
{
	if (!db)
		return;
	db_notes_forget_key(); /* wipe the cached key of the session notes */
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	if (db->tx_depth > 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(db->h);
	free(db);
}

bool db_wal_refused(struct qdb *db)
{
	return db->wal_refused;
}

const char *db_journal_mode(struct qdb *db)
{
	static char mode[16];
	sqlite3_stmt *st = dbi_prep(db, "PRAGMA journal_mode", NULL);
	mode[0] = '\0';
	if (st && sqlite3_step(st) == SQLITE_ROW)
		dbi_col_text(st, 0, mode, sizeof mode);
	if (st)
		sqlite3_reset(st);
	return mode;
}

int db_begin(struct qdb *db, struct qerr *err)
{
	if (db->tx_depth++ > 0)
		return DB_OK;
	db->tx_failed = false;
	int rc = dbi_exec(db, "BEGIN IMMEDIATE", err);
	if (rc)
		db->tx_depth = 0;
	return rc;
}

int db_commit(struct qdb *db, struct qerr *err)
{
	if (db->tx_depth <= 0) {
		qerr_set(err, "err:internal", "commit without begin");
		return DB_ERR;
	}
	if (--db->tx_depth > 0)
		return DB_OK;
	if (db->tx_failed) {
		dbi_exec(db, "ROLLBACK", NULL);
		qerr_set(err, "err:db_error", "inner transaction failed");
		return DB_ERR;
	}
	int rc = dbi_exec(db, "COMMIT", err);
	if (rc)
		dbi_exec(db, "ROLLBACK", NULL);
	return rc;
}

void db_rollback(struct qdb *db)
{
	if (db->tx_depth <= 0)
		return;
	if (--db->tx_depth > 0) {
		db->tx_failed = true;
		return;
	}
	dbi_exec(db, "ROLLBACK", NULL);
}

static int check_rows(struct qdb *db, const char *sql, const char *okval, struct qerr *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		int r = dbi_fail(db, rc, err);
		sqlite3_finalize(st);
		return r;
	}
	int result = DB_OK;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (!okval || !t || strcmp((const char *)t, okval) != 0) {
			qerr_set(err, "err:db_corrupt", "%s: %s", sql, t ? (const char *)t : "?");
			result = DB_ERR;
		}
	} else if (rc != SQLITE_DONE) {
		result = dbi_fail(db, rc, err);
	}
	sqlite3_finalize(st);
	return result;
}

int db_check(struct qdb *db, struct qerr *err)
{
	int rc = check_rows(db, "PRAGMA integrity_check", "ok", err);
	if (!rc)
		rc = check_rows(db, "PRAGMA foreign_key_check", NULL, err);
	if (!rc)
		rc = dbi_exec(
		    db, "INSERT INTO person_fts(person_fts, rank) VALUES('integrity-check', 1)",
		    err);
	if (rc == DB_CONFLICT || (rc && err && strstr(err->detail, "malformed")))
		qerr_set(err, "err:fts_corrupt", "person_fts");
	if (!rc) {
		/* Every live person is in the index exactly once, and nothing else. */
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(
		    db->h,
		    "SELECT (SELECT count(*) FROM person WHERE deleted_at IS NULL),"
		    " (SELECT count(*) FROM person_fts),"
		    " (SELECT count(*) FROM person p JOIN person_fts f ON f.rowid = p.id"
		    "  WHERE p.deleted_at IS NULL)",
		    -1, &st, NULL);
		if (st && sqlite3_step(st) == SQLITE_ROW) {
			long a = (long)sqlite3_column_int64(st, 0),
			     b = (long)sqlite3_column_int64(st, 1),
			     c = (long)sqlite3_column_int64(st, 2);
			if (a != b || a != c) {
				qerr_set(err, "err:fts_corrupt",
				         "persons %ld, index %ld, matched %ld", a, b, c);
				rc = DB_ERR;
			}
		}
		sqlite3_finalize(st);
	}
	return rc;
}

int db_backup(struct qdb *db, const char *path, struct qerr *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		qerr_set(err, errno == EEXIST ? "err:file_exists" : "err:io", "%s: %s", path,
		         strerror(errno));
		return DB_ERR;
	}
	close(fd);
	sqlite3 *dst = NULL;
	int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->h, "main");
		if (!b) {
			rc = sqlite3_errcode(dst);
		} else {
			do {
				rc = sqlite3_backup_step(b, 256);
				if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
					sqlite3_sleep(50);
			} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc != SQLITE_OK) {
		qerr_set(err, "err:backup_failed", "%s: %s", path,
		         dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		sqlite3_close(dst);
		unlink(path);
		return DB_ERR;
	}
	/* The copy must be sound before we call it a backup. */
	sqlite3_stmt *st = NULL;
	bool ok = false;
	if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		ok = t && strcmp((const char *)t, "ok") == 0;
	}
	sqlite3_finalize(st);
	sqlite3_close(dst);
	if (!ok) {
		qerr_set(err, "err:backup_failed", "%s: integrity check of the copy failed", path);
		unlink(path);
		return DB_ERR;
	}
	return DB_OK;
}
