/*
 * visit — front-desk visits of registered persons (edited by their author
 * on the day, by a manager later) and anonymous walk-in tallies.
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ?9 = the counsellor's id (NULL for other roles): decides whether the
 * note is shown. */
#define VISIT_SQL                                                                                  \
	"SELECT v.id, v.person_id, p.family_id, p.first_name, p.last_name, f.code, v.at,"          \
	" v.purpose, coalesce(v.staff_id, 0), coalesce(u.full_name, ''), coalesce(v.note, ''),"    \
	" v.version, v.created_at, coalesce(v.created_by, 0),"                                     \
	" CASE WHEN ?9 IS NULL THEN 1 ELSE (v.created_by = ?9 OR " REGI_IS_CLIENT(                 \
	    "v.person_id", "?9") ") END"                                                           \
	                         " FROM visit v JOIN person p ON p.id = v.person_id JOIN family "  \
	                         "f ON f.id = p.family_id"                                         \
	                         " LEFT JOIN app_user u ON u.id = v.staff_id"

static bool editable(const struct db_actor *who, int64_t created_by, const char *created_at,
                     const char *today)
{
	if (!who || who->role == DB_ROLE_MANAGER)
		return true;
	if (who->role != DB_ROLE_REGISTRAR && who->role != DB_ROLE_COUNSELLOR)
		return false;
	return created_by == who->user_id && strncmp(created_at, today, 10) == 0;
}

void regi_read_visit(sqlite3_stmt *st, const struct db_actor *who, const char *today,
                     struct db_visit *v)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	v->person_id = sqlite3_column_int64(st, 1);
	v->family_id = sqlite3_column_int64(st, 2);
	dbi_col_text(st, 3, v->first_name, sizeof v->first_name);
	dbi_col_text(st, 4, v->last_name, sizeof v->last_name);
	dbi_col_text(st, 5, v->family_code, sizeof v->family_code);
	dbi_col_text(st, 6, v->at, sizeof v->at);
	dbi_col_text(st, 7, v->purpose, sizeof v->purpose);
	v->staff_id = sqlite3_column_int64(st, 8);
	dbi_col_text(st, 9, v->staff_name, sizeof v->staff_name);
	dbi_col_text(st, 10, v->note, sizeof v->note);
	v->version = sqlite3_column_int64(st, 11);
	dbi_col_text(st, 12, v->created_at, sizeof v->created_at);
	int64_t created_by = sqlite3_column_int64(st, 13);
	if (!sqlite3_column_int(st, 14))
		v->note[0] = '\0';
	v->editable = editable(who, created_by, v->created_at, today);
}

/* What regi_read_visit needs beside the row. */
struct visit_ctx {
	const struct db_actor *who;
	char today[11];
};

static void visit_row(sqlite3_stmt *st, void *row, void *ctx)
{
	const struct visit_ctx *c = ctx;
	regi_read_visit(st, c->who, c->today, row);
}

int regi_visit_rows(struct qdb *db, const struct db_actor *who, sqlite3_stmt *st,
                    struct db_visit **rows, int *n, struct qerr *err)
{
	struct visit_ctx c = {.who = who};
	util_today(c.today);
	regi_bind_if(st, 9, who, DB_ROLE_COUNSELLOR);
	int rc;
	*rows = regi_collect(db, st, *rows, n, sizeof **rows, visit_row, &c, &rc, err);
	return rc;
}

static int check_visit(const char *purpose, const char *note, struct qerr *err)
{
	int rc = regi_key(purpose, true, "purpose", err);
	if (!rc)
		rc = regi_text(note, 0, DB_TEXT_LEN, false, false, "note", err);
	return rc;
}

int db_visit_add(struct qdb *db, const struct db_actor *who, int64_t person_id, const char *at,
                 const char *purpose, const char *note, int64_t *id_out, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	char ts[20], today[11];
	util_today(today);
	if ((rc = regi_timestamp(at, ts, "at", err)) || (rc = check_visit(purpose, note, err)))
		return rc;
	if (strncmp(ts, today, 10) > 0) {
		qerr_set(err, "err:date_future", "at");
		return DB_INVALID;
	}
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	/* Any desk may register a visit of anyone it found: only existence counts. */
	rc = regi_exists(db,
	                 "SELECT 1 FROM person p JOIN family f ON f.id = p.family_id"
	                 " WHERE p.id = ?1 AND p.deleted_at IS NULL AND f.deleted_at IS NULL",
	                 person_id, 0, DB_NOTFOUND, "err:not_found", "person", err);
	int64_t id = 0;
	if (!rc) {
		sqlite3_stmt *st =
		    dbi_prep(db,
		             "INSERT INTO visit(person_id, at, purpose, staff_id, note, uuid,"
		             " created_at, created_by, updated_at, updated_by)"
		             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4, ?7, ?4)",
		             err);
		if (!st) {
			rc = DB_ERR;
		} else {
			sqlite3_bind_int64(st, 1, person_id);
			dbi_bind_text(st, 2, ts);
			dbi_bind_text(st, 3, purpose);
			dbi_bind_actor(st, 4, who);
			dbi_bind_text_or_null(st, 5, note);
			dbi_bind_text(st, 6, uuid);
			dbi_bind_text(st, 7, now);
			rc = regi_step(db, st, err);
			id = sqlite3_last_insert_rowid(db->h);
		}
	}
	if (!rc)
		rc = db_audit(db, who, "visit_add", "visit", id, purpose, err);
	rc = regi_end(db, rc, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

/* Load what the edit rule needs, inside the caller's transaction. */
static int visit_editable(struct qdb *db, const struct db_actor *who, int64_t id, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT coalesce(created_by, 0), created_at FROM visit"
	                            " WHERE id = ?1 AND deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			qerr_set(err, "err:not_found", "visit");
			return DB_NOTFOUND;
		}
		return dbi_fail(db, rc, err);
	}
	int64_t by = sqlite3_column_int64(st, 0);
	char created[20], today[11];
	dbi_col_text(st, 1, created, sizeof created);
	sqlite3_reset(st);
	util_today(today);
	if (!editable(who, by, created, today)) {
		qerr_set(err, "err:visit_not_editable", NULL);
		return DB_DENIED;
	}
	return DB_OK;
}

static int visit_change(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                        const char *purpose, const char *note, bool del, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	if (!del && (rc = check_visit(purpose, note, err)))
		return rc;
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = visit_editable(db, who, id, err);
	if (!rc) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    del ? "UPDATE visit SET deleted_at = ?5, updated_at = ?5, updated_by = ?6,"
		          " version = version + 1"
		          " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL"
		        : "UPDATE visit SET purpose = ?3, note = ?4, updated_at = ?5,"
		          " updated_by = ?6, version = version + 1"
		          " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, version);
			if (!del) {
				dbi_bind_text(st, 3, purpose);
				dbi_bind_text_or_null(st, 4, note);
			}
			dbi_bind_text(st, 5, now);
			dbi_bind_actor(st, 6, who);
			rc = regi_step(db, st, err);
			if (!rc && sqlite3_changes(db->h) == 0)
				rc = regi_stale_or_gone(db, "SELECT 1 FROM visit WHERE id = ?1", id,
				                        err);
		}
	}
	if (!rc)
		rc = db_audit(db, who, del ? "visit_delete" : "visit_update", "visit", id,
		              del ? NULL : purpose, err);
	return regi_end(db, rc, err);
}

int db_visit_update(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                    const char *purpose, const char *note, struct qerr *err)
{
	return visit_change(db, who, id, version, purpose, note, false, err);
}

int db_visit_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                    struct qerr *err)
{
	return visit_change(db, who, id, version, NULL, NULL, true, err);
}

int db_visit_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_visit *out,
                 struct qerr *err)
{
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db, VISIT_SQL " WHERE v.id = ?1 AND v.deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	struct db_visit *rows = NULL;
	int n = 0;
	rc = regi_visit_rows(db, who, st, &rows, &n, err);
	if (rc)
		return rc;
	if (n == 0) {
		qerr_set(err, "err:not_found", "visit");
		return DB_NOTFOUND;
	}
	*out = rows[0];
	free(rows);
	return DB_OK;
}

int db_visit_list_day(struct qdb *db, const struct db_actor *who, const char *day,
                      struct db_visit **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	char today[11], next[11];
	util_today(today);
	if ((rc = regi_date(day, false, "day", err)))
		return rc;
	if (!day || !*day)
		day = today;
	regi_date_add(day, 1, next);
	sqlite3_stmt *st =
	    dbi_prep(db,
	             VISIT_SQL " WHERE v.at >= ?1 AND v.at < ?2 AND v.deleted_at IS NULL"
	                       " AND p.deleted_at IS NULL ORDER BY v.at DESC, v.id DESC",
	             err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, day);
	dbi_bind_text(st, 2, next);
	return regi_visit_rows(db, who, st, rows, n, err);
}

int db_visit_list_person(struct qdb *db, const struct db_actor *who, int64_t person_id, int limit,
                         struct db_visit **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	if ((rc = regi_person_access(db, who, person_id, REGI_READ, NULL, err)))
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            VISIT_SQL " WHERE v.person_id = ?1 AND v.deleted_at IS NULL"
	                                      " ORDER BY v.at DESC, v.id DESC LIMIT ?2",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, person_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : 20);
	return regi_visit_rows(db, who, st, rows, n, err);
}

int regi_visit_family(struct qdb *db, const struct db_actor *who, int64_t family_id, int limit,
                      struct db_visit **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(db,
	                            VISIT_SQL " WHERE p.family_id = ?1 AND v.deleted_at IS NULL"
	                                      " AND p.deleted_at IS NULL"
	                                      " ORDER BY v.at DESC, v.id DESC LIMIT ?2",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : 5);
	return regi_visit_rows(db, who, st, rows, n, err);
}

int db_visit_tally_add(struct qdb *db, const struct db_actor *who, const char *at, char sex,
                       const char *age_band, const char *purpose, int64_t *id_out, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	char ts[20], today[11];
	util_today(today);
	if ((rc = regi_timestamp(at, ts, "at", err)) ||
	    (rc = regi_key(age_band, true, "age_band", err)) ||
	    (rc = regi_key(purpose, false, "purpose", err)))
		return rc;
	if (sex != 'F' && sex != 'M') {
		qerr_set(err, "err:field_invalid", "sex");
		return DB_INVALID;
	}
	if (strncmp(ts, today, 10) > 0) {
		qerr_set(err, "err:date_future", "at");
		return DB_INVALID;
	}
	char uuid[37], now[20], sx[2] = {sex, '\0'};
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "INSERT INTO visit_tally(at, sex, age_band, purpose, staff_id,"
	                            " uuid, created_at, created_by, updated_at, updated_by)"
	                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5, ?7, ?5)",
	                            err);
	int64_t id = 0;
	if (!st) {
		rc = DB_ERR;
	} else {
		dbi_bind_text(st, 1, ts);
		dbi_bind_text(st, 2, sx);
		dbi_bind_text(st, 3, age_band);
		dbi_bind_text_or_null(st, 4, purpose);
		dbi_bind_actor(st, 5, who);
		dbi_bind_text(st, 6, uuid);
		dbi_bind_text(st, 7, now);
		rc = regi_step(db, st, err);
		id = sqlite3_last_insert_rowid(db->h);
	}
	if (!rc)
		rc = db_audit(db, who, "visit_tally_add", "visit_tally", id, age_band, err);
	rc = regi_end(db, rc, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

int db_visit_tally_count(struct qdb *db, const struct db_actor *who, const char *day, int *count,
                         struct qerr *err)
{
	*count = 0;
	int rc = dbi_allow(who, REGI_DESK | DBI_ROLE(DB_ROLE_VIEWER), err);
	if (rc)
		return rc;
	char today[11], next[11];
	util_today(today);
	if ((rc = regi_date(day, false, "day", err)))
		return rc;
	if (!day || !*day)
		day = today;
	regi_date_add(day, 1, next);
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT count(*) FROM visit_tally WHERE at >= ?1 AND at < ?2"
	                            " AND deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, day);
	dbi_bind_text(st, 2, next);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}
