/*
 * closure — days the centre is closed (public holidays, staff days). Class
 * sessions are not expected on them and appointments cannot be booked on
 * them. The day is UNIQUE in the table, so re-closing a day that was opened
 * again revives its tombstoned row.
 */
#include "db/carei.h"

#include <stdlib.h>
#include <string.h>

#define CLOSURE_WRITERS (DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR))

int db_closure_add(struct qdb *db, const struct db_actor *who, const char *day, const char *reason,
                   int64_t *id_out, int *appts_out, struct qerr *err)
{
	int rc = dbi_allow(who, CLOSURE_WRITERS, err);
	if (rc)
		return rc;
	long d;
	if (!db_day_from_iso(day, &d)) {
		qerr_set(err, "err:date_invalid", "%.20s", day ? day : "");
		return DB_INVALID;
	}
	rc = db_care_text(reason, 120, true, false, "err:closure_reason_required", err);
	if (rc)
		return rc;
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	int64_t id = 0, dead_version = 0;
	bool live = false;
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT id, deleted_at IS NULL, version FROM closure WHERE day = ?1", err);
	if (!st)
		goto fail;
	dbi_bind_text(st, 1, day);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		live = sqlite3_column_int(st, 1) != 0;
		dead_version = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (live) {
		qerr_set(err, "err:closure_exists", "%s", day);
		db_rollback(db);
		return DB_CONFLICT;
	}
	if (id) {
		st = dbi_prep(
		    db,
		    "UPDATE closure SET deleted_at = NULL, reason = ?2, updated_at = ?3,"
		    " updated_by = ?4, version = version + 1 WHERE id = ?1 AND version = ?5",
		    err);
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		dbi_bind_text(st, 2, reason);
		dbi_bind_text(st, 3, now);
		dbi_bind_actor(st, 4, who);
		sqlite3_bind_int64(st, 5, dead_version);
		rc = db_care_step_versioned(db, st, err);
	} else {
		st = dbi_prep(db,
		              "INSERT INTO closure(day, reason, uuid, created_at, created_by,"
		              " updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
		              err);
		if (!st)
			goto fail;
		dbi_bind_text(st, 1, day);
		dbi_bind_text(st, 2, reason);
		dbi_bind_text(st, 3, uuid);
		dbi_bind_text(st, 4, now);
		dbi_bind_actor(st, 5, who);
		rc = dbi_step_done(db, st, err);
		id = sqlite3_last_insert_rowid(db->h);
	}
	if (!rc)
		rc = db_audit(db, who, "closure_add", "closure", id, day, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (appts_out) {
		*appts_out = 0;
		st = dbi_prep(db,
		              "SELECT count(*) FROM appointment WHERE start_at >= ?1 AND"
		              " start_at < date(?1, '+1 day') AND status = 'scheduled'"
		              " AND deleted_at IS NULL",
		              err);
		if (st) {
			dbi_bind_text(st, 1, day);
			if (sqlite3_step(st) == SQLITE_ROW)
				*appts_out = sqlite3_column_int(st, 0);
			sqlite3_reset(st);
		}
	}
	rc = db_commit(db, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
fail:
	db_rollback(db);
	return DB_ERR;
}

int db_closure_remove(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                      struct qerr *err)
{
	int rc = dbi_allow(who, CLOSURE_WRITERS, err);
	if (rc)
		return rc;
	return db_care_soft_delete(
	    db, who,
	    "UPDATE closure SET deleted_at = ?3, updated_at = ?3, updated_by = ?4,"
	    " version = version + 1"
	    " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
	    id, version, "closure_remove", "closure", err);
}

static void read_closure(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	struct db_closure *c = row;
	c->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, c->day, sizeof c->day);
	dbi_col_text(st, 2, c->reason, sizeof c->reason);
	c->version = sqlite3_column_int64(st, 3);
}

int db_closure_list(struct qdb *db, const struct db_actor *who, const char *from, const char *to,
                    struct db_closure **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, (1u << DB_ROLE_COUNT) - 1, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT id, day, reason, version FROM closure"
	                            " WHERE deleted_at IS NULL AND (?1 IS NULL OR day >= ?1)"
	                            " AND (?2 IS NULL OR day <= ?2) ORDER BY day",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text_or_null(st, 1, from);
	dbi_bind_text_or_null(st, 2, to);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_closure, NULL, &p, n, err);
	*rows = p;
	return rc;
}
