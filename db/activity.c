/*
 * activity — group activities: youth-led initiatives, peer-support groups,
 * psycho-social group sessions and awareness events, with their registered
 * participants and an anonymous head count by sex and age band.
 *
 * Participant links and counts are small set operations meant to be typed
 * quickly, so they are idempotent rather than versioned: adding a child who
 * is already there, or setting a count to what it is, changes nothing. Each
 * change is audited.
 */
#include "db/carei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACTIVITY_ROLES                                                                             \
	(DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR) | DBI_ROLE(DB_ROLE_COUNSELLOR))

#define ACTIVITY_SELECT                                                                            \
	"SELECT a.id, a.held_on, a.title, a.type, coalesce(a.facilitator_id, 0),"                  \
	" coalesce(u.full_name, ''), coalesce(a.note, ''),"                                        \
	" (SELECT count(*) FROM activity_participant ap WHERE ap.activity_id = a.id),"             \
	" (SELECT coalesce(sum(n), 0) FROM activity_count ac WHERE ac.activity_id = a.id),"        \
	" a.version FROM activity a LEFT JOIN app_user u ON u.id = a.facilitator_id"

static void read_activity(sqlite3_stmt *st, struct db_activity *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, a->held_on, sizeof a->held_on);
	dbi_col_text(st, 2, a->title, sizeof a->title);
	dbi_col_text(st, 3, a->type, sizeof a->type);
	a->facilitator_id = sqlite3_column_int64(st, 4);
	dbi_col_text(st, 5, a->facilitator_name, sizeof a->facilitator_name);
	dbi_col_text(st, 6, a->note, sizeof a->note);
	a->participants = sqlite3_column_int(st, 7);
	a->anonymous = sqlite3_column_int(st, 8);
	a->version = sqlite3_column_int64(st, 9);
}

static void read_activity_row(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	read_activity(st, row);
}

static int load_activity(struct qdb *db, int64_t id, struct db_activity *out, struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db, ACTIVITY_SELECT " WHERE a.id = ?1 AND a.deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_activity(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

int db_activity_save(struct qdb *db, const struct db_actor *who, struct db_activity *a,
                     struct qerr *err)
{
	int rc = dbi_allow(who, ACTIVITY_ROLES, err);
	if (rc)
		return rc;
	long d;
	if (!db_day_from_iso(a->held_on, &d)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	rc = db_care_text(a->title, 120, true, false, "err:activity_title_invalid", err);
	if (!rc)
		rc = db_care_text(a->note, 500, false, true, "err:activity_note_invalid", err);
	if (rc)
		return rc;
	if (!db_care_key_ok(a->type)) {
		qerr_set(err, "err:activity_type_invalid", NULL);
		return DB_INVALID;
	}
	if (a->facilitator_id > 0) {
		rc = db_care_user(db, a->facilitator_id, NULL, NULL, 0, err);
		if (rc == DB_NOTFOUND) {
			qerr_set(err, "err:activity_facilitator_invalid", NULL);
			return DB_INVALID;
		}
		if (rc)
			return rc;
	}
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (a->id == 0)
		st = dbi_prep(
		    db,
		    "INSERT INTO activity(held_on, title, type, facilitator_id, note, uuid,"
		    " created_at, created_by, updated_at, updated_by)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
		    err);
	else
		st = dbi_prep(db,
		              "UPDATE activity SET held_on = ?1, title = ?2, type = ?3,"
		              " facilitator_id = ?4, note = ?5, updated_at = ?7, updated_by = ?8,"
		              " version = version + 1"
		              " WHERE id = ?9 AND version = ?10 AND deleted_at IS NULL",
		              err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	dbi_bind_text(st, 1, a->held_on);
	dbi_bind_text(st, 2, a->title);
	dbi_bind_text(st, 3, a->type);
	if (a->facilitator_id > 0)
		sqlite3_bind_int64(st, 4, a->facilitator_id);
	dbi_bind_text_or_null(st, 5, a->note);
	dbi_bind_text(st, 6, uuid);
	dbi_bind_text(st, 7, now);
	dbi_bind_actor(st, 8, who);
	int64_t id = a->id;
	if (a->id) {
		sqlite3_bind_int64(st, 9, a->id);
		sqlite3_bind_int64(st, 10, a->version);
		rc = db_care_step_versioned(db, st, err);
	} else {
		rc = dbi_step_done(db, st, err);
		id = sqlite3_last_insert_rowid(db->h);
	}
	if (!rc)
		rc = db_audit(db, who, a->id ? "activity_edit" : "activity_add", "activity", id,
		              NULL, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (!rc) {
		a->id = id;
		a->version++;
	}
	return rc;
}

int db_activity_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_activity *out,
                    struct qerr *err)
{
	int rc = dbi_allow(who, ACTIVITY_ROLES, err);
	if (rc)
		return rc;
	return load_activity(db, id, out, err);
}

int db_activity_list(struct qdb *db, const struct db_actor *who, const char *from, const char *to,
                     struct db_activity **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, ACTIVITY_ROLES, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            ACTIVITY_SELECT " WHERE a.deleted_at IS NULL"
	                                            " AND (?1 IS NULL OR a.held_on >= ?1)"
	                                            " AND (?2 IS NULL OR a.held_on <= ?2)"
	                                            " ORDER BY a.held_on DESC, a.id DESC",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text_or_null(st, 1, from);
	dbi_bind_text_or_null(st, 2, to);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_activity_row, NULL, &p, n, err);
	*rows = p;
	return rc;
}

int db_activity_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                       struct qerr *err)
{
	int rc = dbi_allow(who, ACTIVITY_ROLES, err);
	if (rc)
		return rc;
	return db_care_soft_delete(db, who,
	                           "UPDATE activity SET deleted_at = ?3, updated_at = ?3,"
	                           " updated_by = ?4, version = version + 1"
	                           " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
	                           id, version, "activity_delete", "activity", err);
}

/* Role, live activity; used by the participant and count calls. */
static int activity_live(struct qdb *db, const struct db_actor *who, int64_t id, char day[11],
                         struct qerr *err)
{
	int rc = dbi_allow(who, ACTIVITY_ROLES, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT held_on FROM activity WHERE id = ?1 AND deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && day)
		dbi_col_text(st, 0, day, 11);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* Run one write with its audit row in a transaction. */
static int write_audited(struct qdb *db, const struct db_actor *who, sqlite3_stmt *st,
                         const char *action, int64_t id, const char *detail, struct qerr *err)
{
	int rc = dbi_step_done(db, st, err);
	if (!rc && sqlite3_changes(db->h) > 0)
		rc = db_audit(db, who, action, "activity", id, detail, err);
	return db_care_finish(db, rc, err);
}

int db_activity_add_person(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                           int64_t person_id, struct qerr *err)
{
	int rc = activity_live(db, who, activity_id, NULL, err);
	if (!rc)
		rc = db_care_person_live(db, person_id, err);
	if (rc)
		return rc;
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "INSERT INTO activity_participant(activity_id, person_id)"
	                            " VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	                            err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, activity_id);
	sqlite3_bind_int64(st, 2, person_id);
	char detail[32];
	snprintf(detail, sizeof detail, "+person=%lld", (long long)person_id);
	return write_audited(db, who, st, "activity_person", activity_id, detail, err);
}

int db_activity_remove_person(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                              int64_t person_id, struct qerr *err)
{
	int rc = activity_live(db, who, activity_id, NULL, err);
	if (rc)
		return rc;
	rc = db_begin(db, err);
	if (rc)
		return rc;
	/* A link row, not a record: removing a wrongly added name deletes it
	 * (the audit keeps who removed whom). */
	sqlite3_stmt *st = dbi_prep(
	    db, "DELETE FROM activity_participant WHERE activity_id = ?1 AND person_id = ?2", err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, activity_id);
	sqlite3_bind_int64(st, 2, person_id);
	char detail[32];
	snprintf(detail, sizeof detail, "-person=%lld", (long long)person_id);
	return write_audited(db, who, st, "activity_person", activity_id, detail, err);
}

static void read_person(sqlite3_stmt *st, void *row, void *ctx)
{
	long d = *(const long *)ctx;
	struct db_activity_person *p = row;
	p->person_id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, p->first_name, sizeof p->first_name);
	dbi_col_text(st, 2, p->last_name, sizeof p->last_name);
	const unsigned char *sx = sqlite3_column_text(st, 3);
	p->sex = sx ? (char)sx[0] : '?';
	p->age =
	    db_care_age((const char *)sqlite3_column_text(st, 4), sqlite3_column_int(st, 5), d);
}

int db_activity_people(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                       struct db_activity_person **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	char day[11] = "";
	int rc = activity_live(db, who, activity_id, day, err);
	if (rc)
		return rc;
	long d = 0;
	db_day_from_iso(day, &d);
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT p.id, p.first_name, p.last_name, p.sex,"
	             " coalesce(p.birth_date, ''), coalesce(p.birth_year, 0)"
	             " FROM activity_participant ap JOIN person p ON p.id = ap.person_id"
	             " WHERE ap.activity_id = ?1"
	             " ORDER BY p.last_name COLLATE SQ, p.first_name COLLATE SQ, p.id",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, activity_id);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_person, &d, &p, n, err);
	*rows = p;
	return rc;
}

int db_activity_set_count(struct qdb *db, const struct db_actor *who, int64_t activity_id, char sex,
                          const char *age_band, int n, struct qerr *err)
{
	int rc = activity_live(db, who, activity_id, NULL, err);
	if (rc)
		return rc;
	if ((sex != 'F' && sex != 'M') || !db_care_key_ok(age_band) || n < 0 || n > 100000) {
		qerr_set(err, "err:activity_count_invalid", NULL);
		return DB_INVALID;
	}
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "INSERT INTO activity_count(activity_id, sex, age_band, n)"
	             " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (activity_id, sex, age_band)"
	             " DO UPDATE SET n = excluded.n WHERE n <> excluded.n",
	             err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	char sx[2] = {sex, '\0'};
	sqlite3_bind_int64(st, 1, activity_id);
	dbi_bind_text(st, 2, sx);
	dbi_bind_text(st, 3, age_band);
	sqlite3_bind_int(st, 4, n);
	char detail[64];
	snprintf(detail, sizeof detail, "count %c %s = %d", sex, age_band, n);
	return write_audited(db, who, st, "activity_count", activity_id, detail, err);
}

static void read_count(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	struct db_activity_count *c = row;
	const unsigned char *sx = sqlite3_column_text(st, 0);
	c->sex = sx ? (char)sx[0] : '?';
	dbi_col_text(st, 1, c->age_band, sizeof c->age_band);
	c->n = sqlite3_column_int(st, 2);
}

int db_activity_counts(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                       struct db_activity_count **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = activity_live(db, who, activity_id, NULL, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT sex, age_band, n FROM activity_count"
	                            " WHERE activity_id = ?1 AND n > 0 ORDER BY sex, id",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, activity_id);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_count, NULL, &p, n, err);
	*rows = p;
	return rc;
}
