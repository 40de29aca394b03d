/*
 * audit — the append-only trail. Writes happen inside the caller's
 * transaction so the change and its audit row commit together.
 */
#include "db/dbi.h"

#include <stdlib.h>

int db_audit(struct qdb *db, const struct db_actor *who, const char *action, const char *tbl,
             int64_t record_id, const char *detail, struct qerr *err)
{
	char now[20];
	util_now_str(now);
	sqlite3_stmt *st = dbi_prep(db,
	                            "INSERT INTO audit(at, user_id, action, tbl, record_id, detail)"
	                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, now);
	dbi_bind_actor(st, 2, who);
	dbi_bind_text(st, 3, action);
	dbi_bind_text(st, 4, tbl);
	if (record_id > 0)
		sqlite3_bind_int64(st, 5, record_id);
	dbi_bind_text_or_null(st, 6, detail);
	return dbi_step_done(db, st, err);
}

int db_audit_list(struct qdb *db, const struct db_actor *who, const char *tbl, int64_t record_id,
                  int limit, struct db_audit_row **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, DBI_ROLE(DB_ROLE_MANAGER), err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT a.id, a.at, coalesce(u.username, '-'), a.action, a.tbl,"
	             " coalesce(a.record_id, 0), coalesce(a.detail, '')"
	             " FROM audit a LEFT JOIN app_user u ON u.id = a.user_id"
	             " WHERE (?1 IS NULL OR a.tbl = ?1) AND (?2 = 0 OR a.record_id = ?2)"
	             " ORDER BY a.id DESC LIMIT ?3",
	             err);
	if (!st)
		return DB_ERR;
	dbi_bind_text_or_null(st, 1, tbl);
	sqlite3_bind_int64(st, 2, record_id);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 200);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*rows = xrealloc(*rows, sizeof **rows * (size_t)cap);
		}
		struct db_audit_row *r = &(*rows)[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		dbi_col_text(st, 1, r->at, sizeof r->at);
		dbi_col_text(st, 2, r->username, sizeof r->username);
		dbi_col_text(st, 3, r->action, sizeof r->action);
		dbi_col_text(st, 4, r->tbl, sizeof r->tbl);
		r->record_id = sqlite3_column_int64(st, 5);
		dbi_col_text(st, 6, r->detail, sizeof r->detail);
	}
	if (rc != SQLITE_DONE) {
		int r = dbi_fail(db, rc, err);
		sqlite3_reset(st);
		free(*rows);
		*rows = NULL;
		*n = 0;
		return r;
	}
	sqlite3_reset(st);
	return DB_OK;
}
