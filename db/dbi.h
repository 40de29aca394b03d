/*
 * dbi — the internal side of db/: the statement wrapper and helpers that
 * every file in db/ uses. Not for use outside db/ (tests may include it).
 *
 * dbi_prep returns a statement cached per connection by its SQL text; it is
 * reset and its bindings cleared on every dbi_prep, so callers never
 * finalize it. Hot statements are therefore prepared once.
 */
#ifndef QENDRA_DBI_H
#define QENDRA_DBI_H

#include <sqlite3.h>

#include "db/db.h"

struct dbi_migration {
	int version;
	const char *what;
	const char *sql;
};

struct qdb {
	sqlite3 *h;
	int tx_depth;
	bool tx_failed;
	bool wal_refused;
	int max_failed;
	int lockout_min;
	struct dbi_cached {
		const char *sql;
		sqlite3_stmt *st;
	} cache[256];
	int ncache;
};

const struct dbi_migration *dbi_migrations(int *n);

/* Prepare (or fetch from the cache, reset and unbound) a statement; NULL on
 * error with err set. */
sqlite3_stmt *dbi_prep(struct qdb *db, const char *sql, struct qerr *err);
/* Run SQL with no parameters and no rows (BEGIN, PRAGMA, DDL). */
int dbi_exec(struct qdb *db, const char *sql, struct qerr *err);
/* Bind helpers: NULL or "" text binds SQL NULL with dbi_bind_text_or_null. */
void dbi_bind_text(sqlite3_stmt *st, int i, const char *s);
void dbi_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Step a write statement to completion; maps SQLITE_BUSY/CONSTRAINT to rc. */
int dbi_step_done(struct qdb *db, sqlite3_stmt *st, struct qerr *err);
/* Map the connection's last error to an rc, filling err. */
int dbi_fail(struct qdb *db, int sqlite_rc, struct qerr *err);
/* Copy a text column into a fixed buffer ("" for NULL). */
void dbi_col_text(sqlite3_stmt *st, int col, char *out, size_t outsz);
/* Malloc'd copy of a text column (NULL for SQL NULL). */
char *dbi_col_dup(sqlite3_stmt *st, int col);
/* Common columns for an insert: fills uuid and now. */
void dbi_stamp(char uuid[37], char now[20]);
/* Role gate: DB_OK when `who` is NULL (system) or its role is in the mask. */
#define DBI_ROLE(r) (1u << (r))
int dbi_allow(const struct db_actor *who, unsigned mask, struct qerr *err);
/* Actor's user id for created_by/updated_by (NULL → SQL NULL). */
void dbi_bind_actor(sqlite3_stmt *st, int i, const struct db_actor *who);

#endif
