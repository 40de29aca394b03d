/*
 * screening — dated risk screenings of a person or a family: factors with
 * their configured weights, the computed level and its override, the
 * re-screen date and the history. The family's overall level
 * (family.risk_level) follows by trigger (schema migration 2).
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const levels[] = {"low", "medium", "high", NULL};

const char *db_risk_level(int score, int medium_at, int high_at)
{
	if (score >= high_at)
		return "high";
	if (score >= medium_at)
		return "medium";
	return "low";
}

void regi_read_screening(sqlite3_stmt *st, struct db_screening *s)
{
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, s->uuid, sizeof s->uuid);
	s->person_id = sqlite3_column_int64(st, 2);
	s->family_id = sqlite3_column_int64(st, 3);
	dbi_col_text(st, 4, s->screened_on, sizeof s->screened_on);
	s->staff_id = sqlite3_column_int64(st, 5);
	dbi_col_text(st, 6, s->staff_name, sizeof s->staff_name);
	s->score = sqlite3_column_int(st, 7);
	dbi_col_text(st, 8, s->level_computed, sizeof s->level_computed);
	dbi_col_text(st, 9, s->level, sizeof s->level);
	dbi_col_text(st, 10, s->override_reason, sizeof s->override_reason);
	dbi_col_text(st, 11, s->rescreen_due, sizeof s->rescreen_due);
	s->version = sqlite3_column_int64(st, 12);
	dbi_col_text(st, 13, s->created_at, sizeof s->created_at);
	dbi_col_text(st, 14, s->updated_at, sizeof s->updated_at);
}

/* May who see (or change) the screenings of this subject? */
static int subject_access(struct qdb *db, const struct db_actor *who, int64_t person_id,
                          int64_t family_id, bool write, struct qerr *err)
{
	if ((person_id > 0) == (family_id > 0)) {
		qerr_set(err, "err:screening_subject", NULL);
		return DB_INVALID;
	}
	if (person_id > 0)
		return regi_person_access(db, who, person_id, write ? REGI_WRITE : REGI_READ_RISK,
		                          NULL, err);
	return regi_family_access(db, who, family_id, write ? REGI_WRITE : REGI_READ, err);
}

static int check_factors(const struct db_screening_factor *f, int n, int *score, struct qerr *err)
{
	*score = 0;
	if (n < 0 || n > 200 || (n > 0 && !f)) {
		qerr_set(err, "err:screening_factor", "count");
		return DB_INVALID;
	}
	for (int i = 0; i < n; i++) {
		if (!memchr(f[i].key, '\0', sizeof f[i].key) || !regi_is_key(f[i].key) ||
		    f[i].weight < 0 || f[i].weight > 100) {
			qerr_set(err, "err:screening_factor", "%.32s",
			         memchr(f[i].key, '\0', sizeof f[i].key) ? f[i].key : "?");
			return DB_INVALID;
		}
		int rc =
		    regi_text(f[i].note, sizeof f[i].note, DB_TEXT_LEN, false, true, "note", err);
		if (rc)
			return rc;
		for (int j = 0; j < i; j++) {
			if (strcmp(f[i].key, f[j].key) == 0) {
				qerr_set(err, "err:screening_factor", "%s", f[i].key);
				return DB_INVALID;
			}
		}
		if (f[i].present)
			*score += f[i].weight;
	}
	return DB_OK;
}

int db_screening_add(struct qdb *db, const struct db_actor *who, const struct db_screening_new *in,
                     int64_t *id_out, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	if ((in->person_id > 0) == (in->family_id > 0)) {
		qerr_set(err, "err:screening_subject", NULL);
		return DB_INVALID;
	}
	int score;
	if ((rc = check_factors(in->factors, in->nfactors, &score, err)))
		return rc;
	if (in->medium_at < 1 || in->high_at < in->medium_at) {
		qerr_set(err, "err:screening_thresholds", "%d/%d", in->medium_at, in->high_at);
		return DB_INVALID;
	}
	char today[11];
	util_today(today);
	const char *on = in->screened_on && *in->screened_on ? in->screened_on : today;
	if ((rc = regi_date(on, true, "screened_on", err)) ||
	    (rc = regi_date(in->rescreen_due, false, "rescreen_due", err)))
		return rc;
	if (strcmp(on, today) > 0) {
		qerr_set(err, "err:date_future", "screened_on");
		return DB_INVALID;
	}
	if (in->rescreen_due && *in->rescreen_due && strcmp(in->rescreen_due, on) < 0) {
		qerr_set(err, "err:date_invalid", "rescreen_due");
		return DB_INVALID;
	}
	const char *computed = db_risk_level(score, in->medium_at, in->high_at);
	const char *level = computed;
	const char *reason = NULL;
	if (in->level && *in->level) {
		if (regi_oneof(in->level, levels, "level", NULL)) {
			qerr_set(err, "err:level_invalid", "%.8s", in->level);
			return DB_INVALID;
		}
		level = in->level;
		if (strcmp(level, computed) != 0) {
			if (regi_text(in->override_reason, 0, DB_TEXT_LEN, true, true,
			              "override_reason", err)) {
				if (err && strcmp(err->key, "err:field_required") == 0)
					qerr_set(err, "err:override_reason", NULL);
				return DB_INVALID;
			}
			reason = in->override_reason;
		}
	}
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = subject_access(db, who, in->person_id, in->family_id, true, err);
	int64_t id = 0;
	if (!rc) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "INSERT INTO screening(person_id, family_id, screened_on, staff_id, score,"
		    " level_computed, level, override_reason, rescreen_due, uuid, created_at,"
		    " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		    " ?9, ?10, ?11, ?4, ?11, ?4)",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			if (in->person_id > 0)
				sqlite3_bind_int64(st, 1, in->person_id);
			if (in->family_id > 0)
				sqlite3_bind_int64(st, 2, in->family_id);
			dbi_bind_text(st, 3, on);
			dbi_bind_actor(st, 4, who);
			sqlite3_bind_int(st, 5, score);
			dbi_bind_text(st, 6, computed);
			dbi_bind_text(st, 7, level);
			dbi_bind_text_or_null(st, 8, reason);
			dbi_bind_text_or_null(st, 9, in->rescreen_due);
			dbi_bind_text(st, 10, uuid);
			dbi_bind_text(st, 11, now);
			rc = regi_step(db, st, err);
			id = sqlite3_last_insert_rowid(db->h);
		}
	}
	for (int i = 0; !rc && i < in->nfactors; i++) {
		const struct db_screening_factor *f = &in->factors[i];
		sqlite3_stmt *st = dbi_prep(db,
		                            "INSERT INTO screening_factor(screening_id, factor,"
		                            " present, weight, note) VALUES (?1, ?2, ?3, ?4, ?5)",
		                            err);
		if (!st) {
			rc = DB_ERR;
			break;
		}
		sqlite3_bind_int64(st, 1, id);
		dbi_bind_text(st, 2, f->key);
		sqlite3_bind_int(st, 3, f->present ? 1 : 0);
		sqlite3_bind_int(st, 4, f->weight);
		dbi_bind_text_or_null(st, 5, f->note);
		rc = regi_step(db, st, err);
	}
	if (!rc) {
		char detail[256];
		snprintf(detail, sizeof detail, "score %d, %s%s%.180s", score, level,
		         reason ? " (override) " : "", reason ? reason : "");
		rc = db_audit(db, who, reason ? "screening_add_override" : "screening_add",
		              "screening", id, detail, err);
	}
	rc = regi_end(db, rc, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

#define SCREENING_SQL                                                                              \
	"SELECT " REGI_SCREENING_COLS " FROM screening s LEFT JOIN app_user u ON u.id = "          \
	"s.staff_id"

int regi_screening_load(struct qdb *db, int64_t id, struct db_screening *out, struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db, SCREENING_SQL " WHERE s.id = ?1 AND s.deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		regi_read_screening(st, out);
		sqlite3_reset(st);
		return DB_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", "screening");
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

int db_screening_get(struct qdb *db, const struct db_actor *who, int64_t id,
                     struct db_screening *out, struct db_screening_factor **factors, int *nf,
                     struct qerr *err)
{
	if (factors)
		*factors = NULL;
	if (nf)
		*nf = 0;
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	struct db_screening s;
	if ((rc = regi_screening_load(db, id, &s, err)) ||
	    (rc = subject_access(db, who, s.person_id, s.family_id, false, err)))
		return rc;
	if (factors) {
		sqlite3_stmt *st =
		    dbi_prep(db,
		             "SELECT factor, present, weight, coalesce(note, '')"
		             " FROM screening_factor WHERE screening_id = ?1 ORDER BY id",
		             err);
		if (!st)
			return DB_ERR;
		sqlite3_bind_int64(st, 1, id);
		int cap = 0, n = 0;
		struct db_screening_factor *f = NULL;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			f = regi_grow(f, n, &cap, sizeof *f);
			struct db_screening_factor *x = &f[n++];
			memset(x, 0, sizeof *x);
			dbi_col_text(st, 0, x->key, sizeof x->key);
			x->present = sqlite3_column_int(st, 1) != 0;
			x->weight = sqlite3_column_int(st, 2);
			dbi_col_text(st, 3, x->note, sizeof x->note);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			free(f);
			return dbi_fail(db, rc, err);
		}
		*factors = f;
		if (nf)
			*nf = n;
	}
	*out = s;
	return DB_OK;
}

int db_screening_override(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                          const char *level, const char *reason, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	if (regi_oneof(level, levels, "level", NULL)) {
		qerr_set(err, "err:level_invalid", "%.8s", level ? level : "");
		return DB_INVALID;
	}
	if (regi_text(reason, 0, DB_TEXT_LEN, true, true, "override_reason", err)) {
		if (err && strcmp(err->key, "err:field_required") == 0)
			qerr_set(err, "err:override_reason", NULL);
		return DB_INVALID;
	}
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	struct db_screening cur;
	rc = regi_screening_load(db, id, &cur, err);
	if (!rc)
		rc = subject_access(db, who, cur.person_id, cur.family_id, true, err);
	if (!rc) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "UPDATE screening SET level = ?3, override_reason = CASE WHEN ?3 ="
		    " level_computed THEN NULL ELSE ?4 END, updated_at = ?5, updated_by = ?6,"
		    " version = version + 1 WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, version);
			dbi_bind_text(st, 3, level);
			dbi_bind_text(st, 4, reason);
			dbi_bind_text(st, 5, now);
			dbi_bind_actor(st, 6, who);
			rc = regi_step(db, st, err);
			if (!rc && sqlite3_changes(db->h) == 0)
				rc = regi_stale_or_gone(db, "SELECT 1 FROM screening WHERE id = ?1",
				                        id, err);
		}
	}
	if (!rc) {
		char detail[256];
		snprintf(detail, sizeof detail, "%s -> %s: %.200s", cur.level, level, reason);
		rc = db_audit(db, who, "screening_override", "screening", id, detail, err);
	}
	return regi_end(db, rc, err);
}

/* regi_read_screening as a regi_read_fn. */
static void screening_row(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	regi_read_screening(st, row);
}

static int screening_rows(struct qdb *db, const struct db_actor *who, int64_t person_id,
                          int64_t family_id, int limit, struct db_screening **rows, int *n,
                          struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	if ((rc = subject_access(db, who, person_id, family_id, false, err)))
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             SCREENING_SQL " WHERE (s.person_id = ?1 OR s.family_id = ?2)"
	                           " AND s.deleted_at IS NULL"
	                           " ORDER BY s.screened_on DESC, s.id DESC LIMIT ?3",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, person_id > 0 ? person_id : -1);
	sqlite3_bind_int64(st, 2, family_id > 0 ? family_id : -1);
	sqlite3_bind_int(st, 3, limit);
	*rows = regi_collect(db, st, *rows, n, sizeof **rows, screening_row, NULL, &rc, err);
	return rc;
}

int db_screening_list(struct qdb *db, const struct db_actor *who, int64_t person_id,
                      int64_t family_id, struct db_screening **rows, int *n, struct qerr *err)
{
	return screening_rows(db, who, person_id, family_id, -1, rows, n, err);
}

int db_screening_latest(struct qdb *db, const struct db_actor *who, int64_t person_id,
                        int64_t family_id, struct db_screening *out, struct qerr *err)
{
	struct db_screening *rows;
	int n;
	int rc = screening_rows(db, who, person_id, family_id, 1, &rows, &n, err);
	if (rc)
		return rc;
	if (n == 0) {
		qerr_set(err, "err:not_found", "screening");
		return DB_NOTFOUND;
	}
	*out = rows[0];
	free(rows);
	return DB_OK;
}
