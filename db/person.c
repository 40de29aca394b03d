/*
 * person — members of a family: add/get/update/delete with optimistic
 * versions, the family's head kept in step, the field diff, and the
 * duplicate candidates shown while registering.
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const relations[] = {
    "head", "spouse", "child", "grandchild", "parent", "sibling", "other_relative", "other", NULL};
static const char *const school_statuses[] = {"enrolled",       "irregular",      "dropped_out",
                                              "never_enrolled", "not_school_age", NULL};

static bool nid_ok(const char *s)
{
	if (strnlen(s, 11) != 10 || s[0] < 'A' || s[0] > 'Z' || s[9] < 'A' || s[9] > 'Z')
		return false;
	for (int i = 1; i < 9; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int invalid(struct qerr *err, const char *key, const char *field)
{
	qerr_set(err, key, "%s", field);
	return DB_INVALID;
}

/* Check p and fill the derived values: the normalised phone, the birth
 * year (from the date when there is one) and the folded name. */
static int check_person(struct db_person *p, char *pn, size_t pnsz, char *fold, size_t foldsz,
                        struct qerr *err)
{
	int rc;
	if (p->family_id <= 0)
		return invalid(err, "err:field_required", "family_id");
	if ((rc = regi_text(p->first_name, sizeof p->first_name, DB_NAME_LEN, true, false,
	                    "first_name", err)) ||
	    (rc = regi_text(p->last_name, sizeof p->last_name, DB_NAME_LEN, true, false,
	                    "last_name", err)) ||
	    (rc = regi_text(p->father_name, sizeof p->father_name, DB_NAME_LEN, false, false,
	                    "father_name", err)))
		return rc;
	if (p->sex != 'F' && p->sex != 'M')
		return invalid(err, "err:field_invalid", "sex");
	char today[11];
	util_today(today);
	if (!memchr(p->birth_date, '\0', sizeof p->birth_date))
		return invalid(err, "err:date_invalid", "birth_date");
	if (p->birth_date[0]) {
		if (!regi_is_date(p->birth_date))
			return invalid(err, "err:date_invalid", "birth_date");
		if (strcmp(p->birth_date, today) > 0)
			return invalid(err, "err:birth_future", "birth_date");
		p->birth_year = atoi(p->birth_date);
	} else {
		if (p->birth_year == 0)
			return invalid(err, "err:birth_required", "birth_year");
		if (p->birth_year < 1900 || p->birth_year > atoi(today))
			return invalid(
			    err, p->birth_year > 1900 ? "err:birth_future" : "err:date_invalid",
			    "birth_year");
	}
	if ((rc = regi_oneof(p->relation, relations, "relation", err)))
		return rc;
	if (!memchr(p->nid, '\0', sizeof p->nid) || (p->nid[0] && !nid_ok(p->nid)))
		return invalid(err, "err:nid_invalid", "nid");
	if (!memchr(p->phone, '\0', sizeof p->phone))
		return invalid(err, "err:phone_invalid", "phone");
	if ((rc = regi_phone(p->phone, pn, pnsz, "phone", err)))
		return rc;
	if ((rc = regi_text(p->school_name, sizeof p->school_name, DB_TEXT_LEN, false, false,
	                    "school_name", err)))
		return rc;
	if (p->school_grade < -1 || p->school_grade > 13)
		return invalid(err, "err:field_invalid", "school_grade");
	if ((rc = regi_oneof(p->school_status, school_statuses, "school_status", err)) ||
	    (rc = regi_text(p->disability, sizeof p->disability, DB_TEXT_LEN, false, false,
	                    "disability", err)) ||
	    (rc = regi_text(p->notes, sizeof p->notes, DB_NOTE_LEN, false, true, "notes", err)))
		return rc;
	char both[2 * DB_NAME_SZ + 2];
	snprintf(both, sizeof both, "%s %s", p->first_name, p->last_name);
	db_fold(both, fold, foldsz);
	return DB_OK;
}

int regi_person_load(struct qdb *db, int64_t id, struct db_person *out, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT " REGI_PERSON_COLS
	                            " FROM person p WHERE p.id = ?1 AND p.deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	char today[11];
	util_today(today);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		regi_read_person(st, 0, NULL, true, today, out);
		sqlite3_reset(st);
		return DB_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", "person");
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

/* Change a family's head with sql (?1 family, ?2 person, ?3 now, ?4 the
 * actor); audited when a row changed. */
static int head_write(struct qdb *db, const struct db_actor *who, const char *sql,
                      int64_t family_id, int64_t person_id, const char *now, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	sqlite3_bind_int64(st, 2, person_id);
	dbi_bind_text(st, 3, now);
	dbi_bind_actor(st, 4, who);
	int rc = regi_step(db, st, err);
	if (!rc && sqlite3_changes(db->h) > 0)
		rc = db_audit(db, who, "family_head", "family", family_id, "head_person_id", err);
	return rc;
}

/* The family's head: set it when the family has none (or a deleted one). */
static int head_set_if_none(struct qdb *db, const struct db_actor *who, int64_t family_id,
                            int64_t person_id, const char *now, struct qerr *err)
{
	return head_write(
	    db, who,
	    "UPDATE family SET head_person_id = ?2, updated_at = ?3, updated_by = ?4,"
	    " version = version + 1 WHERE id = ?1 AND (head_person_id IS NULL OR NOT EXISTS"
	    " (SELECT 1 FROM person h WHERE h.id = family.head_person_id AND h.deleted_at IS NULL"
	    "  AND h.family_id = family.id))",
	    family_id, person_id, now, err);
}

static int head_clear(struct qdb *db, const struct db_actor *who, int64_t family_id,
                      int64_t person_id, const char *now, struct qerr *err)
{
	return head_write(db, who,
	                  "UPDATE family SET head_person_id = NULL, updated_at = ?3,"
	                  " updated_by = ?4, version = version + 1"
	                  " WHERE id = ?1 AND head_person_id = ?2",
	                  family_id, person_id, now, err);
}

static int family_live(struct qdb *db, int64_t family_id, struct qerr *err)
{
	return regi_exists(db, "SELECT 1 FROM family WHERE id = ?1 AND deleted_at IS NULL",
	                   family_id, 0, DB_NOTFOUND, "err:not_found", "family", err);
}

static int nid_free(struct qdb *db, const char *nid, int64_t self, struct qerr *err)
{
	if (!nid[0])
		return DB_OK;
	sqlite3_stmt *st = dbi_prep(
	    db, "SELECT 1 FROM person WHERE nid = ?1 AND deleted_at IS NULL AND id <> ?2", err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, nid);
	sqlite3_bind_int64(st, 2, self);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_OK;
	if (rc == SQLITE_ROW) {
		qerr_set(err, "err:nid_taken", "%s", nid);
		return DB_CONFLICT;
	}
	return dbi_fail(db, rc, err);
}

/* Bind the editable columns ?1..?18 of an insert or update. */
static void bind_person(sqlite3_stmt *st, const struct db_person *p, const char *fold,
                        const char *pn)
{
	char sex[2] = {p->sex, '\0'};
	sqlite3_bind_int64(st, 1, p->family_id);
	dbi_bind_text(st, 2, p->first_name);
	dbi_bind_text_or_null(st, 3, p->father_name);
	dbi_bind_text(st, 4, p->last_name);
	dbi_bind_text(st, 5, fold);
	dbi_bind_text(st, 6, sex);
	dbi_bind_text_or_null(st, 7, p->birth_date);
	sqlite3_bind_int(st, 8, p->birth_year);
	sqlite3_bind_int(st, 9, p->birth_date[0] ? 0 : 1);
	dbi_bind_text(st, 10, p->relation);
	dbi_bind_text_or_null(st, 11, p->nid);
	dbi_bind_text_or_null(st, 12, p->phone);
	dbi_bind_text_or_null(st, 13, pn);
	dbi_bind_text_or_null(st, 14, p->school_name);
	if (p->school_grade >= 0)
		sqlite3_bind_int(st, 15, p->school_grade);
	else
		sqlite3_bind_null(st, 15);
	dbi_bind_text(st, 16, p->school_status);
	dbi_bind_text_or_null(st, 17, p->disability);
	dbi_bind_text_or_null(st, 18, p->notes);
}

/* A UNIQUE failure on the person table can only be the personal number. */
static int nid_conflict(int rc, const struct db_person *p, struct qerr *err)
{
	if (rc == DB_CONFLICT)
		qerr_set(err, "err:nid_taken", "%s", p->nid);
	return rc;
}

int db_person_add(struct qdb *db, const struct db_actor *who, struct db_person *p, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char pn[40], fold[2 * 2 * DB_NAME_SZ];
	if ((rc = check_person(p, pn, sizeof pn, fold, sizeof fold, err)))
		return rc;
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	if (!(rc = family_live(db, p->family_id, err)) && !(rc = nid_free(db, p->nid, 0, err))) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "INSERT INTO person(family_id, first_name, father_name, last_name, name_fold,"
		    " sex, birth_date, birth_year, birth_estimated, relation, nid, phone,"
		    " phone_norm, school_name, school_grade, school_status, disability, notes,"
		    " uuid, created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3,"
		    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
		    " ?20, ?21, ?20, ?21)",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			bind_person(st, p, fold, pn);
			dbi_bind_text(st, 19, uuid);
			dbi_bind_text(st, 20, now);
			dbi_bind_actor(st, 21, who);
			rc = nid_conflict(regi_step(db, st, err), p, err);
		}
	}
	int64_t id = rc ? 0 : sqlite3_last_insert_rowid(db->h);
	if (!rc)
		rc = db_audit(db, who, "person_add", "person", id, NULL, err);
	if (!rc && strcmp(p->relation, "head") == 0)
		rc = head_set_if_none(db, who, p->family_id, id, now, err);
	rc = regi_end(db, rc, err);
	if (rc)
		return rc;
	return regi_person_load(db, id, p, err);
}

int db_person_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_person *out,
                  struct qerr *err)
{
	int rc = regi_person_access(db, who, id, REGI_READ, NULL, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT " REGI_PERSON_COLS ", CASE WHEN ?2 IS NULL THEN 1"
	             " ELSE " REGI_IS_CLIENT(
	                 "p.id", "?2") " END"
	                               " FROM person p WHERE p.id = ?1 AND p.deleted_at IS NULL",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	regi_bind_if(st, 2, who, DB_ROLE_COUNSELLOR);
	char today[11];
	util_today(today);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		regi_read_person(st, 0, who, sqlite3_column_int(st, 24) != 0, today, out);
		sqlite3_reset(st);
		return DB_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", "person");
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

int db_person_diff(const struct db_person *a, const struct db_person *b, char *out, size_t outsz)
{
	int n = 0;
	if (outsz)
		out[0] = '\0';
#define DS(f)                                                                                      \
	if (strcmp(a->f, b->f) != 0)                                                               \
	regi_add_diff(out, outsz, &n, #f)
#define DN(f)                                                                                      \
	if (a->f != b->f)                                                                          \
	regi_add_diff(out, outsz, &n, #f)
	DN(family_id);
	DS(first_name);
	DS(father_name);
	DS(last_name);
	DN(sex);
	DS(birth_date);
	/* the year follows the date when there is one */
	if (!a->birth_date[0] && !b->birth_date[0])
		DN(birth_year);
	DS(relation);
	DS(nid);
	DS(phone);
	DS(school_name);
	DN(school_grade);
	DS(school_status);
	DS(disability);
	DS(notes);
#undef DS
#undef DN
	return n;
}

int db_person_update(struct qdb *db, const struct db_actor *who, struct db_person *p,
                     struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char pn[40], fold[2 * 2 * DB_NAME_SZ];
	if ((rc = check_person(p, pn, sizeof pn, fold, sizeof fold, err)))
		return rc;
	rc = db_begin(db, err);
	if (rc)
		return rc;
	struct db_person *cur = xmalloc(sizeof *cur);
	char changed[DB_DIFF_SZ] = "";
	char now[20];
	util_now_str(now);
	rc = regi_person_load(db, p->id, cur, err);
	if (!rc && cur->version != p->version) {
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
	}
	if (!rc && db_person_diff(cur, p, changed, sizeof changed) == 0) {
		db_rollback(db);
		*p = *cur;
		free(cur);
		return DB_OK;
	}
	if (!rc && p->family_id != cur->family_id)
		rc = family_live(db, p->family_id, err);
	if (!rc)
		rc = nid_free(db, p->nid, p->id, err);
	if (!rc) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "UPDATE person SET family_id = ?1, first_name = ?2, father_name = ?3,"
		    " last_name = ?4, name_fold = ?5, sex = ?6, birth_date = ?7, birth_year = ?8,"
		    " birth_estimated = ?9, relation = ?10, nid = ?11, phone = ?12,"
		    " phone_norm = ?13, school_name = ?14, school_grade = ?15,"
		    " school_status = ?16, disability = ?17, notes = ?18, updated_at = ?19,"
		    " updated_by = ?20, version = version + 1"
		    " WHERE id = ?21 AND version = ?22 AND deleted_at IS NULL",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			bind_person(st, p, fold, pn);
			dbi_bind_text(st, 19, now);
			dbi_bind_actor(st, 20, who);
			sqlite3_bind_int64(st, 21, p->id);
			sqlite3_bind_int64(st, 22, p->version);
			rc = nid_conflict(regi_step(db, st, err), p, err);
			if (!rc && sqlite3_changes(db->h) == 0)
				rc = regi_stale_or_gone(db, "SELECT 1 FROM person WHERE id = ?1",
				                        p->id, err);
		}
	}
	/* A head who moves out or is no longer "head" leaves the family headless. */
	if (!rc && (p->family_id != cur->family_id ||
	            (strcmp(cur->relation, "head") == 0 && strcmp(p->relation, "head") != 0)))
		rc = head_clear(db, who, cur->family_id, p->id, now, err);
	if (!rc && strcmp(p->relation, "head") == 0)
		rc = head_set_if_none(db, who, p->family_id, p->id, now, err);
	if (!rc)
		rc = db_audit(db, who, "person_update", "person", p->id, changed, err);
	free(cur);
	rc = regi_end(db, rc, err);
	if (rc)
		return rc;
	return regi_person_load(db, p->id, p, err);
}

int db_person_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                     struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "UPDATE person SET deleted_at = ?3, updated_at = ?3,"
	                            " updated_by = ?4, version = version + 1"
	                            " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL"
	                            " RETURNING family_id",
	                            err);
	int64_t family_id = 0;
	if (!st) {
		rc = DB_ERR;
	} else {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, version);
		dbi_bind_text(st, 3, now);
		dbi_bind_actor(st, 4, who);
		int src = sqlite3_step(st);
		if (src == SQLITE_ROW) {
			family_id = sqlite3_column_int64(st, 0);
			src = sqlite3_step(st);
		}
		if (src != SQLITE_DONE)
			rc = dbi_fail(db, src, err);
		sqlite3_reset(st);
	}
	if (!rc && !family_id)
		rc = regi_stale_or_gone(
		    db, "SELECT 1 FROM person WHERE id = ?1 AND deleted_at IS NULL", id, err);
	if (!rc)
		rc = head_clear(db, who, family_id, id, now, err);
	if (!rc)
		rc = db_audit(db, who, "person_delete", "person", id, NULL, err);
	return regi_end(db, rc, err);
}

/* What a member row needs beside the row. */
struct member_ctx {
	const struct db_actor *who;
	char today[11];
};

/* A member: column 24 says whether the actor may see the risk level. */
static void member_row(sqlite3_stmt *st, void *row, void *ctx)
{
	const struct member_ctx *c = ctx;
	regi_read_person(st, 0, c->who, sqlite3_column_int(st, 24) != 0, c->today, row);
}

int regi_members(struct qdb *db, const struct db_actor *who, int64_t family_id,
                 struct db_person **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT " REGI_PERSON_COLS ", CASE WHEN ?2 IS NULL THEN 1"
	    " ELSE " REGI_IS_CLIENT(
	        "p.id", "?2") " END"
	                      " FROM person p WHERE p.family_id = ?1 AND p.deleted_at IS NULL"
	                      " ORDER BY p.id <> coalesce((SELECT head_person_id FROM family WHERE "
	                      "id = ?1), 0),"
	                      " coalesce(p.birth_date, p.birth_year || '-07-01'), p.id",
	    err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	regi_bind_if(st, 2, who, DB_ROLE_COUNSELLOR);
	struct member_ctx c = {.who = who};
	util_today(c.today);
	int rc;
	*rows = regi_collect(db, st, *rows, n, sizeof **rows, member_row, &c, &rc, err);
	return rc;
}

int db_person_list_family(struct qdb *db, const struct db_actor *who, int64_t family_id,
                          struct db_person **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = regi_family_access(db, who, family_id, REGI_READ, err);
	if (rc)
		return rc;
	return regi_members(db, who, family_id, rows, n, err);
}

int db_person_duplicates(struct qdb *db, const struct db_actor *who, const char *first,
                         const char *last, const char *father, const char *birth_iso,
                         int birth_year, int64_t exclude_id, struct db_person_dup **rows, int *n,
                         struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	if ((rc = regi_text(first, 0, DB_NAME_LEN, true, false, "first_name", err)) ||
	    (rc = regi_text(last, 0, DB_NAME_LEN, true, false, "last_name", err)) ||
	    (rc = regi_text(father, 0, DB_NAME_LEN, false, false, "father_name", err)) ||
	    (rc = regi_date(birth_iso, false, "birth_date", err)))
		return rc;
	if (birth_year && (birth_year < 1900 || birth_year > 2999)) {
		qerr_set(err, "err:date_invalid", "birth_year");
		return DB_INVALID;
	}
	char both[2 * DB_NAME_SZ + 2], fold1[2 * 2 * DB_NAME_SZ], fold2[2 * 2 * DB_NAME_SZ],
	    ffold[2 * DB_NAME_SZ];
	snprintf(both, sizeof both, "%s %s", first, last);
	db_fold(both, fold1, sizeof fold1);
	snprintf(both, sizeof both, "%s %s", last, first);
	db_fold(both, fold2, sizeof fold2);
	db_fold(father ? father : "", ffold, sizeof ffold);
	bool has_date = birth_iso && birth_iso[0];
	int year = has_date ? atoi(birth_iso) : birth_year;
	/* The name lookup uses the person_fold index (two equality probes);
	 * the birth and father tests run on those few rows only. */
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT * FROM (SELECT p.id, p.family_id, f.code, p.first_name,"
	    " coalesce(p.father_name, ''), p.last_name, coalesce(p.birth_date, ''),"
	    " coalesce(p.birth_year, 0), p.sex, p.name_fold <> ?1 AS swapped,"
	    " CASE WHEN ?3 IS NOT NULL AND p.birth_date IS NOT NULL"
	    "  THEN abs(julianday(p.birth_date) - julianday(?3)) <= 366"
	    "  WHEN ?4 > 0 AND p.birth_year IS NOT NULL THEN abs(p.birth_year - ?4) <= 1"
	    "  ELSE 0 END AS close,"
	    " (?5 <> '' AND p.father_name IS NOT NULL AND fold(p.father_name) = ?5) AS father,"
	    " CASE WHEN ?3 IS NOT NULL AND p.birth_date IS NOT NULL"
	    "  THEN abs(julianday(p.birth_date) - julianday(?3))"
	    "  ELSE 365 * abs(coalesce(p.birth_year, 0) - ?4) END AS distance"
	    " FROM person p JOIN family f ON f.id = p.family_id"
	    " WHERE p.name_fold IN (?1, ?2) AND p.deleted_at IS NULL AND f.deleted_at IS NULL"
	    " AND p.id <> ?6)"
	    " WHERE close OR father ORDER BY close + father DESC, distance, id LIMIT 20",
	    err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, fold1);
	dbi_bind_text(st, 2, fold2);
	if (has_date)
		dbi_bind_text(st, 3, birth_iso);
	sqlite3_bind_int(st, 4, year);
	dbi_bind_text(st, 5, ffold);
	sqlite3_bind_int64(st, 6, exclude_id);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = regi_grow(*rows, *n, &cap, sizeof **rows);
		struct db_person_dup *d = &(*rows)[(*n)++];
		memset(d, 0, sizeof *d);
		d->person_id = sqlite3_column_int64(st, 0);
		d->family_id = sqlite3_column_int64(st, 1);
		dbi_col_text(st, 2, d->family_code, sizeof d->family_code);
		dbi_col_text(st, 3, d->first_name, sizeof d->first_name);
		dbi_col_text(st, 4, d->father_name, sizeof d->father_name);
		dbi_col_text(st, 5, d->last_name, sizeof d->last_name);
		dbi_col_text(st, 6, d->birth_date, sizeof d->birth_date);
		d->birth_year = sqlite3_column_int(st, 7);
		const unsigned char *sx = sqlite3_column_text(st, 8);
		d->sex = sx ? (char)sx[0] : '\0';
		d->swapped = sqlite3_column_int(st, 9) != 0;
		d->birth_close = sqlite3_column_int(st, 10) != 0;
		d->same_father = sqlite3_column_int(st, 11) != 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	return DB_OK;
}
