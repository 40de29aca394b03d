/*
 * family — households: codes per municipality and year, add/get/update with
 * optimistic versions, the families list (search, filters, Albanian order,
 * keyset paging) and its count.
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const municipalities[] = {"shkoder", "kukes", "diber", NULL};
static const char *const prefixes[] = {"SHK", "KUK", "DIB", NULL};
static const char *const identified_by[] = {"outreach",        "walk_in", "school", "police",
                                            "social_services", "other",   NULL};
static const char *const statuses[] = {"active", "closed", "moved_away", NULL};

static const char *prefix_of(const char *municipality)
{
	for (int i = 0; municipalities[i]; i++)
		if (municipality && strcmp(municipality, municipalities[i]) == 0)
			return prefixes[i];
	return NULL;
}

/* head_first/head_last/risk_level are kept by triggers (schema migration 2). */
#define FAMILY_COLS                                                                                \
	"f.id, f.uuid, f.code, f.municipality, coalesce(f.admin_unit, ''),"                        \
	" coalesce(f.address, ''), coalesce(f.phone, ''),"                                         \
	" CASE WHEN f.head_last IS NULL THEN 0 ELSE f.head_person_id END,"                         \
	" coalesce(f.head_first, ''), coalesce(f.head_last, ''), f.identified_by, f.reg_date,"     \
	" coalesce(f.reg_staff, 0), f.status, coalesce(f.close_reason, ''),"                       \
	" coalesce(f.risk_level, ''), f.version, f.created_at, f.updated_at,"                      \
	" coalesce(f.created_by, 0), coalesce(f.updated_by, 0) FROM family f"

static void read_family(sqlite3_stmt *st, struct db_family *f)
{
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, f->uuid, sizeof f->uuid);
	dbi_col_text(st, 2, f->code, sizeof f->code);
	dbi_col_text(st, 3, f->municipality, sizeof f->municipality);
	dbi_col_text(st, 4, f->admin_unit, sizeof f->admin_unit);
	dbi_col_text(st, 5, f->address, sizeof f->address);
	dbi_col_text(st, 6, f->phone, sizeof f->phone);
	f->head_person_id = sqlite3_column_int64(st, 7);
	dbi_col_text(st, 8, f->head_first, sizeof f->head_first);
	dbi_col_text(st, 9, f->head_last, sizeof f->head_last);
	dbi_col_text(st, 10, f->identified_by, sizeof f->identified_by);
	dbi_col_text(st, 11, f->reg_date, sizeof f->reg_date);
	f->reg_staff = sqlite3_column_int64(st, 12);
	dbi_col_text(st, 13, f->status, sizeof f->status);
	dbi_col_text(st, 14, f->close_reason, sizeof f->close_reason);
	dbi_col_text(st, 15, f->risk_level, sizeof f->risk_level);
	f->version = sqlite3_column_int64(st, 16);
	dbi_col_text(st, 17, f->created_at, sizeof f->created_at);
	dbi_col_text(st, 18, f->updated_at, sizeof f->updated_at);
	f->created_by = sqlite3_column_int64(st, 19);
	f->updated_by = sqlite3_column_int64(st, 20);
}

int regi_family_load(struct qdb *db, int64_t id, struct db_family *out, struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT " FAMILY_COLS " WHERE f.id = ?1 AND f.deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_family(st, out);
		sqlite3_reset(st);
		return DB_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", "family");
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

/* The checks db makes itself, whatever forms/ did before. */
static int check_family(const struct db_family *f, char *phone_norm, size_t pnsz, bool adding,
                        struct qerr *err)
{
	int rc;
	if ((rc = regi_oneof(f->municipality, municipalities, "municipality", err)) ||
	    (rc = regi_text(f->admin_unit, sizeof f->admin_unit, DB_TEXT_LEN, false, false,
	                    "admin_unit", err)) ||
	    (rc = regi_text(f->address, sizeof f->address, DB_TEXT_LEN, false, false, "address",
	                    err)) ||
	    (rc = regi_oneof(f->identified_by, identified_by, "identified_by", err)) ||
	    (rc = regi_oneof(f->status[0] || !adding ? f->status : "active", statuses, "status",
	                     err)) ||
	    (rc = regi_text(f->close_reason, sizeof f->close_reason, DB_TEXT_LEN, false, true,
	                    "close_reason", err)) ||
	    (rc = regi_date(f->reg_date, !adding, "reg_date", err)))
		return rc;
	if (!memchr(f->phone, '\0', sizeof f->phone)) {
		qerr_set(err, "err:phone_invalid", "phone");
		return DB_INVALID;
	}
	if ((rc = regi_phone(f->phone, phone_norm, pnsz, "phone", err)))
		return rc;
	char today[11];
	util_today(today);
	if (f->reg_date[0] && strcmp(f->reg_date, today) > 0) {
		qerr_set(err, "err:date_future", "reg_date");
		return DB_INVALID;
	}
	if (f->status[0] && strcmp(f->status, "active") != 0 && !f->close_reason[0]) {
		qerr_set(err, "err:close_reason_required", "close_reason");
		return DB_INVALID;
	}
	return DB_OK;
}

int db_family_code_next(struct qdb *db, const struct db_actor *who, const char *municipality,
                        int year, char out[DB_CODE_SZ], struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	const char *prefix = prefix_of(municipality);
	if (!prefix) {
		qerr_set(err, "err:field_invalid", "municipality");
		return DB_INVALID;
	}
	if (year < 2000 || year > 2999) {
		qerr_set(err, "err:field_invalid", "year");
		return DB_INVALID;
	}
	rc = db_begin(db, err);
	if (rc)
		return rc;
	/* The counter row is written first, so the write lock is ours and no
	 * other desk can take the same number; codes typed in by an import are
	 * skipped. */
	for (int tries = 0; tries < 10000; tries++) {
		sqlite3_stmt *st = dbi_prep(db,
		                            "INSERT INTO family_code_seq(prefix, year, last)"
		                            " VALUES (?1, ?2, 1) ON CONFLICT(prefix, year)"
		                            " DO UPDATE SET last = last + 1 RETURNING last",
		                            err);
		if (!st)
			break;
		dbi_bind_text(st, 1, prefix);
		sqlite3_bind_int(st, 2, year);
		int src = sqlite3_step(st);
		int64_t last = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		if (src == SQLITE_ROW)
			src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src != SQLITE_DONE) {
			rc = dbi_fail(db, src, err);
			db_rollback(db);
			return rc;
		}
		if (last > 9999999)
			break;
		snprintf(out, DB_CODE_SZ, "%s-%04u-%04u", prefix, (unsigned)year % 10000u,
		         (unsigned)last % 10000000u);
		st = dbi_prep(db, "SELECT 1 FROM family WHERE code = ?1", err);
		if (!st)
			break;
		dbi_bind_text(st, 1, out);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src == SQLITE_DONE)
			return db_commit(db, err);
		if (src != SQLITE_ROW) {
			rc = dbi_fail(db, src, err);
			db_rollback(db);
			return rc;
		}
	}
	db_rollback(db);
	out[0] = '\0';
	if (err && !qerr_is_set(err))
		qerr_set(err, "err:db_error", "family code");
	return DB_ERR;
}

int db_family_add(struct qdb *db, const struct db_actor *who, struct db_family *f, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char pn[40];
	if ((rc = check_family(f, pn, sizeof pn, true, err)))
		return rc;
	if (f->head_person_id) {
		qerr_set(err, "err:head_not_member", "head_person_id");
		return DB_INVALID;
	}
	char uuid[37], now[20], today[11], code[DB_CODE_SZ];
	dbi_stamp(uuid, now);
	util_today(today);
	const char *reg_date = f->reg_date[0] ? f->reg_date : today;
	const char *status = f->status[0] ? f->status : "active";
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = db_family_code_next(db, who, f->municipality, atoi(reg_date), code, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "INSERT INTO family(code, municipality, admin_unit, address, phone, phone_norm,"
	    " identified_by, reg_date, reg_staff, status, close_reason, uuid, created_at,"
	    " created_by, updated_at, updated_by)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?9, ?13, ?9)",
	    err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	dbi_bind_text(st, 1, code);
	dbi_bind_text(st, 2, f->municipality);
	dbi_bind_text_or_null(st, 3, f->admin_unit);
	dbi_bind_text_or_null(st, 4, f->address);
	dbi_bind_text_or_null(st, 5, f->phone);
	dbi_bind_text_or_null(st, 6, pn);
	dbi_bind_text(st, 7, f->identified_by);
	dbi_bind_text(st, 8, reg_date);
	dbi_bind_actor(st, 9, who);
	dbi_bind_text(st, 10, status);
	dbi_bind_text_or_null(st, 11, f->close_reason);
	dbi_bind_text(st, 12, uuid);
	dbi_bind_text(st, 13, now);
	rc = regi_step(db, st, err);
	int64_t id = sqlite3_last_insert_rowid(db->h);
	if (!rc)
		rc = db_audit(db, who, "family_add", "family", id, code, err);
	rc = regi_end(db, rc, err);
	if (rc)
		return rc;
	return regi_family_load(db, id, f, err);
}

int db_family_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_family *out,
                  struct qerr *err)
{
	int rc = regi_family_access(db, who, id, REGI_READ, err);
	if (rc)
		return rc;
	return regi_family_load(db, id, out, err);
}

#define DIFF_STR(field)                                                                            \
	do {                                                                                       \
		if (strcmp(a->field, b->field) != 0)                                               \
			add_diff(out, outsz, &n, #field);                                          \
	} while (0)
#define DIFF_NUM(field)                                                                            \
	do {                                                                                       \
		if (a->field != b->field)                                                          \
			add_diff(out, outsz, &n, #field);                                          \
	} while (0)

void regi_add_diff(char *out, size_t outsz, int *n, const char *field)
{
	size_t len = strlen(out);
	if (len + strlen(field) + 2 <= outsz) {
		if (*n)
			out[len++] = ',';
		strcpy(out + len, field);
	}
	(*n)++;
}
#define add_diff regi_add_diff

int db_family_diff(const struct db_family *a, const struct db_family *b, char *out, size_t outsz)
{
	int n = 0;
	if (outsz)
		out[0] = '\0';
	DIFF_STR(municipality);
	DIFF_STR(admin_unit);
	DIFF_STR(address);
	DIFF_STR(phone);
	DIFF_NUM(head_person_id);
	DIFF_STR(identified_by);
	DIFF_STR(reg_date);
	DIFF_STR(status);
	DIFF_STR(close_reason);
	return n;
}

/* Tell DB_STALE from DB_NOTFOUND after an UPDATE ... AND version = ? that
 * changed nothing. */
int regi_stale_or_gone(struct qdb *db, const char *table_sql, int64_t id, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, table_sql, err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

int db_family_update(struct qdb *db, const struct db_actor *who, struct db_family *f,
                     struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char pn[40];
	if ((rc = check_family(f, pn, sizeof pn, false, err)))
		return rc;
	rc = db_begin(db, err);
	if (rc)
		return rc;
	struct db_family cur;
	rc = regi_family_load(db, f->id, &cur, err);
	if (!rc && cur.version != f->version) {
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
	}
	if (!rc && f->head_person_id && f->head_person_id != cur.head_person_id) {
		sqlite3_stmt *st = dbi_prep(db,
		                            "SELECT 1 FROM person WHERE id = ?1 AND family_id = ?2"
		                            " AND deleted_at IS NULL",
		                            err);
		if (!st) {
			rc = DB_ERR;
		} else {
			sqlite3_bind_int64(st, 1, f->head_person_id);
			sqlite3_bind_int64(st, 2, f->id);
			int src = sqlite3_step(st);
			sqlite3_reset(st);
			if (src == SQLITE_DONE) {
				qerr_set(err, "err:head_not_member", "head_person_id");
				rc = DB_INVALID;
			} else if (src != SQLITE_ROW) {
				rc = dbi_fail(db, src, err);
			}
		}
	}
	char changed[DB_DIFF_SZ];
	if (!rc && db_family_diff(&cur, f, changed, sizeof changed) == 0) {
		/* Nothing to save: not an error, and no new version. */
		db_rollback(db);
		*f = cur;
		return DB_OK;
	}
	char now[20];
	util_now_str(now);
	sqlite3_stmt *st = NULL;
	if (!rc)
		st = dbi_prep(
		    db,
		    "UPDATE family SET municipality = ?3, admin_unit = ?4, address = ?5,"
		    " phone = ?6, phone_norm = ?7, head_person_id = ?8, identified_by = ?9,"
		    " reg_date = ?10, status = ?11, close_reason = ?12, updated_at = ?13,"
		    " updated_by = ?14, version = version + 1"
		    " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
		    err);
	if (!rc && !st)
		rc = DB_ERR;
	if (!rc) {
		sqlite3_bind_int64(st, 1, f->id);
		sqlite3_bind_int64(st, 2, f->version);
		dbi_bind_text(st, 3, f->municipality);
		dbi_bind_text_or_null(st, 4, f->admin_unit);
		dbi_bind_text_or_null(st, 5, f->address);
		dbi_bind_text_or_null(st, 6, f->phone);
		dbi_bind_text_or_null(st, 7, pn);
		if (f->head_person_id)
			sqlite3_bind_int64(st, 8, f->head_person_id);
		dbi_bind_text(st, 9, f->identified_by);
		dbi_bind_text(st, 10, f->reg_date);
		dbi_bind_text(st, 11, f->status);
		dbi_bind_text_or_null(st, 12, f->close_reason);
		dbi_bind_text(st, 13, now);
		dbi_bind_actor(st, 14, who);
		rc = regi_step(db, st, err);
		if (!rc && sqlite3_changes(db->h) == 0)
			rc = regi_stale_or_gone(db, "SELECT 1 FROM family WHERE id = ?1", f->id,
			                        err);
	}
	if (!rc)
		rc = db_audit(db, who, "family_update", "family", f->id, changed, err);
	rc = regi_end(db, rc, err);
	if (rc)
		return rc;
	return regi_family_load(db, f->id, f, err);
}

int db_family_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                     struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(
	    db, "SELECT count(*) FROM person WHERE family_id = ?1 AND deleted_at IS NULL", err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, id);
	int members = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (members != 0) {
		db_rollback(db);
		if (members < 0)
			return dbi_fail(db, sqlite3_errcode(db->h), err);
		qerr_set(err, "err:family_has_members", "%d", members);
		return DB_CONFLICT;
	}
	char now[20];
	util_now_str(now);
	st =
	    dbi_prep(db,
	             "UPDATE family SET deleted_at = ?3, updated_at = ?3, updated_by = ?4,"
	             " version = version + 1 WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
	             err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	dbi_bind_text(st, 3, now);
	dbi_bind_actor(st, 4, who);
	rc = regi_step(db, st, err);
	if (!rc && sqlite3_changes(db->h) == 0)
		rc = regi_stale_or_gone(
		    db, "SELECT 1 FROM family WHERE id = ?1 AND deleted_at IS NULL", id, err);
	if (!rc)
		rc = db_audit(db, who, "family_delete", "family", id, NULL, err);
	return regi_end(db, rc, err);
}

/* ---- the families list ---- */

/* The sort key of a row: families with a head first, then the head's last
 * and first name in Albanian order, then the id (so the order is total and
 * keyset paging never skips or repeats a row). The names are the family's
 * own copy (kept by trigger), so sorting needs no join. */
#define LIST_WHERE                                                                                 \
	" f.deleted_at IS NULL AND (?1 IS NULL OR f.municipality = ?1)"                            \
	" AND (?2 IS NULL OR f.status = ?2) AND (?3 IS NULL OR coalesce(f.risk_level, 'none') = "  \
	"?3)"                                                                                      \
	" AND (?4 IS NULL OR f.id IN " REGI_CLIENT_FAMILIES("?4") ")"
#define LIST_FROM " FROM family f WHERE" LIST_WHERE
/* Families whose members match (names, father's name: the FTS index, each
 * hit mapped to its family through the small covering index
 * person_family_of), or whose code starts with the input, or whose code
 * holds the digits typed ("0042"), or with a member's or the family's
 * phone starting with the digits typed (an index range on phone_norm).
 * Each branch runs only when its parameter is set. */
#define SEARCH_IDS                                                                                 \
	"SELECT p.family_id AS fid FROM person_fts JOIN person p INDEXED BY"                       \
	" person_family_of ON p.id = person_fts.rowid WHERE ?10 IS NOT NULL"                       \
	" AND person_fts MATCH ?10 AND p.deleted_at IS NULL"                                       \
	" UNION ALL SELECT id FROM family WHERE ?11 IS NOT NULL AND code >= ?11 AND code < ?12"    \
	" UNION ALL SELECT id FROM family WHERE ?15 IS NOT NULL AND code LIKE ?15"                 \
	" UNION ALL SELECT family_id FROM person INDEXED BY person_phone WHERE ?16 IS NOT NULL"    \
	" AND phone_norm IS NOT NULL AND deleted_at IS NULL AND phone_norm >= ?16"                 \
	" AND phone_norm < ?17"                                                                    \
	" UNION ALL SELECT id FROM family WHERE ?16 IS NOT NULL AND phone_norm IS NOT NULL"        \
	" AND phone_norm >= ?16 AND phone_norm < ?17"
#define LIST_SEARCH " AND f.id IN (" SEARCH_IDS ")"

#define K0 "(f.head_last IS NULL)"
#define K1 "coalesce(f.head_last, '')"
#define K2 "coalesce(f.head_first, '')"
#define LIST_AFTER(op)                                                                             \
	" AND (?5 = 0 OR " K0 " " op " ?6 OR (" K0 " = ?6 AND (" K1 " " op                         \
	" ?7 COLLATE SQ OR (" K1 " = ?7 COLLATE SQ AND (" K2 " " op " ?8 COLLATE SQ OR (" K2       \
	" = ?8 COLLATE SQ"                                                                         \
	" AND f.id " op " ?9))))))"
#define LIST_INNER                                                                                 \
	"SELECT f.id AS id, f.code AS code, f.municipality AS mun, f.status AS status,"            \
	" coalesce(f.risk_level, '') AS risk, coalesce(f.head_person_id, 0) AS head,"              \
	" " K2 " AS k2, " K1 " AS k1, coalesce(f.phone, '') AS phone, f.reg_date AS reg,"          \
	" f.version AS version, " K0 " AS k0"
#define LIST_ORDER(dir)                                                                            \
	" ORDER BY k0 " dir ", k1 COLLATE SQ " dir ", k2 COLLATE SQ " dir ", id " dir
/* The members are counted for the page's rows only, outside the sort. */
#define LIST_SQL(search, op, dir)                                                                  \
	"SELECT x.id, x.code, x.mun, x.status, x.risk, x.head, x.k2, x.k1, x.phone, x.reg,"        \
	" x.version, (SELECT count(*) FROM person m WHERE m.family_id = x.id"                      \
	" AND m.deleted_at IS NULL), x.k0 FROM (" LIST_INNER LIST_FROM search                      \
	LIST_AFTER(op) LIST_ORDER(dir) " LIMIT ?13 OFFSET ?14) x" LIST_ORDER(dir)

static const char *const list_sql[2][2] = {
    {LIST_SQL("", ">", "ASC"), LIST_SQL("", "<", "DESC")},
    {LIST_SQL(LIST_SEARCH, ">", "ASC"), LIST_SQL(LIST_SEARCH, "<", "DESC")},
};
/* Until registry.h declares it: where a searched count stops. */
#ifndef DB_FAMILY_COUNT_MAX
#define DB_FAMILY_COUNT_MAX 1000
#endif

/*
 * The count: everything, a search, and a search that stops after ?18
 * families. "f.id IN (search)" first gathers every hit of the search, so
 * a one-letter search at 20 000 families pays for all its hits before the
 * first is counted; the capped count instead walks the hits in the order
 * the index gives them (CROSS JOIN keeps that order) and stops at the
 * limit, a few milliseconds whatever the letter.
 */
enum { COUNT_ALL, COUNT_SEARCH, COUNT_SEARCH_CAPPED };
static const char *const count_sql[3] = {
    [COUNT_ALL] = "SELECT count(*)" LIST_FROM,
    [COUNT_SEARCH] = "SELECT count(*)" LIST_FROM LIST_SEARCH,
    [COUNT_SEARCH_CAPPED] =
        "SELECT count(*) FROM (SELECT DISTINCT f.id FROM (" SEARCH_IDS
        ") s CROSS JOIN family f ON f.id = s.fid WHERE" LIST_WHERE " LIMIT ?18)",
};

/* What a search of the families list looks for. */
struct list_search {
	char match[700];   /* FTS expression on name and father's name; "" = none */
	char phone_lo[24]; /* phone_norm prefix range [phone_lo, phone_hi); "" = none */
	char phone_hi[24];
	char lo[DB_CODE_SZ]; /* family code prefix range [lo, hi); "" = none */
	char hi[DB_CODE_SZ];
	char like[DB_CODE_SZ + 4]; /* "%-0042%": digits of a code; "" = none */
};

/* Search input → the parts above. Returns false when there is nothing to
 * search for (the list is then not filtered by the search). */
static bool list_search(const char *q, struct list_search *s)
{
	memset(s, 0, sizeof *s);
	if (!q || !*q)
		return false;
	/* Only digits (and the signs people write phone numbers with): a phone
	 * number, in the international form phone_norm holds (355...). */
	char dg[20];
	size_t nd = 0;
	bool phone = true;
	for (const char *p = q; *p && phone; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd + 1 < sizeof dg)
				dg[nd++] = *p;
		} else if (!strchr(" +-./()", *p)) {
			phone = false;
		}
	}
	dg[nd] = '\0';
	const char *d = dg[0] == '0' && dg[1] == '0' ? dg + 2 : dg;
	if (phone && *d) {
		if (strncmp(d, "355", 3) == 0 || strncmp("355", d, strlen(d)) == 0)
			snprintf(s->phone_lo, sizeof s->phone_lo, "%s", d);
		else
			snprintf(s->phone_lo, sizeof s->phone_lo, "355%s", d[0] == '0' ? d + 1 : d);
		memcpy(s->phone_hi, s->phone_lo, sizeof s->phone_hi);
		s->phone_hi[strlen(s->phone_hi) - 1]++; /* '9' + 1 = ':' sorts after digits */
	} else if (!phone) {
		/* The code and phone columns of the index are left out: codes and
		 * phones are matched above and below, and "d" must not match every
		 * DIB- family. */
		char fts[600];
		if (db_fts_query(q, fts, sizeof fts))
			snprintf(s->match, sizeof s->match, "{name father} : (%s)", fts);
	}
	while (*q == ' ')
		q++;
	size_t n = 0;
	int digits = 0, letters = 0, dashes = 0;
	for (; q[n] && q[n] != ' '; n++) {
		char c = q[n];
		bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
		bool digit = c >= '0' && c <= '9';
		if ((!letter && !digit && c != '-') || n + 2 >= sizeof s->lo) {
			s->lo[0] = '\0';
			return s->match[0] || s->phone_lo[0];
		}
		letters += letter;
		digits += digit;
		dashes += c == '-';
		s->lo[n] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	s->lo[n] = '\0';
	for (const char *r = q + n; *r; r++) {
		if (*r != ' ') { /* more than one word: not a code */
			s->lo[0] = '\0';
			return s->match[0] || s->phone_lo[0];
		}
	}
	/* "SHK-2026-00", "kuk-": a code prefix; a word alone ("sh") is a name */
	if (letters && (digits || dashes) && s->lo[0] >= 'A' && s->lo[0] <= 'Z') {
		memcpy(s->hi, s->lo, n + 1);
		s->hi[n - 1]++;
	} else if (!letters && (dashes || digits == 4)) { /* "0042", "2026-0042" */
		snprintf(s->like, sizeof s->like, "%%-%s%%", s->lo);
		s->lo[0] = '\0';
	} else {
		s->lo[0] = '\0';
	}
	return s->match[0] || s->lo[0] || s->like[0] || s->phone_lo[0];
}

static int list_check(const struct db_actor *who, const struct db_family_filter *q,
                      struct qerr *err)
{
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	if (q->search && (rc = regi_text(q->search, 0, 200, false, false, "search", err)))
		return rc;
	static const char *const risks[] = {"low", "medium", "high", "none", NULL};
	if (q->municipality &&
	    (rc = regi_oneof(q->municipality, municipalities, "municipality", err)))
		return rc;
	if (q->status && (rc = regi_oneof(q->status, statuses, "status", err)))
		return rc;
	if (q->risk && (rc = regi_oneof(q->risk, risks, "risk", err)))
		return rc;
	return DB_OK;
}

static void bind_filter(sqlite3_stmt *st, const struct db_actor *who,
                        const struct db_family_filter *q, const struct list_search *s)
{
	dbi_bind_text_or_null(st, 1, q->municipality);
	dbi_bind_text_or_null(st, 2, q->status);
	dbi_bind_text_or_null(st, 3, q->risk);
	regi_bind_if(st, 4, who, DB_ROLE_COUNSELLOR);
	sqlite3_bind_int(st, 5, 0);
	dbi_bind_text_or_null(st, 10, s->match);
	dbi_bind_text_or_null(st, 11, s->lo[0] ? s->lo : NULL);
	dbi_bind_text_or_null(st, 12, s->lo[0] ? s->hi : NULL);
	dbi_bind_text_or_null(st, 15, s->like);
	dbi_bind_text_or_null(st, 16, s->phone_lo);
	dbi_bind_text_or_null(st, 17, s->phone_lo[0] ? s->phone_hi : NULL);
}

int db_family_list(struct qdb *db, const struct db_actor *who, const struct db_family_filter *q,
                   struct db_family_row **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = list_check(who, q, err);
	if (rc)
		return rc;
	struct list_search srch;
	bool search = list_search(q->search, &srch);
	bool back = q->page == DB_PAGE_PREV || q->page == DB_PAGE_LAST;
	if ((q->page == DB_PAGE_NEXT || q->page == DB_PAGE_PREV) && !q->anchor) {
		qerr_set(err, "err:internal", "page anchor");
		return DB_INVALID;
	}
	sqlite3_stmt *st = dbi_prep(db, list_sql[search][back], err);
	if (!st)
		return DB_ERR;
	bind_filter(st, who, q, &srch);
	if (q->page == DB_PAGE_NEXT || q->page == DB_PAGE_PREV) {
		const struct db_family_row *a = q->anchor;
		sqlite3_bind_int(st, 5, 1);
		sqlite3_bind_int(st, 6, a->head_person_id ? 0 : 1);
		dbi_bind_text(st, 7, a->head_person_id ? a->head_last : "");
		dbi_bind_text(st, 8, a->head_person_id ? a->head_first : "");
		sqlite3_bind_int64(st, 9, a->id);
	}
	int limit = q->limit <= 0 ? 50 : q->limit > 500 ? 500 : q->limit;
	sqlite3_bind_int(st, 13, limit);
	sqlite3_bind_int(st, 14, q->page == DB_PAGE_FIRST && q->offset > 0 ? q->offset : 0);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = regi_grow(*rows, *n, &cap, sizeof **rows);
		struct db_family_row *r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		dbi_col_text(st, 1, r->code, sizeof r->code);
		dbi_col_text(st, 2, r->municipality, sizeof r->municipality);
		dbi_col_text(st, 3, r->status, sizeof r->status);
		dbi_col_text(st, 4, r->risk_level, sizeof r->risk_level);
		/* a head that was deleted counts as none */
		r->head_person_id = sqlite3_column_int(st, 12) ? 0 : sqlite3_column_int64(st, 5);
		dbi_col_text(st, 6, r->head_first, sizeof r->head_first);
		dbi_col_text(st, 7, r->head_last, sizeof r->head_last);
		dbi_col_text(st, 8, r->phone, sizeof r->phone);
		dbi_col_text(st, 9, r->reg_date, sizeof r->reg_date);
		r->version = sqlite3_column_int64(st, 10);
		r->members = sqlite3_column_int(st, 11);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	if (back) {
		for (int i = 0, j = *n - 1; i < j; i++, j--) {
			struct db_family_row t = (*rows)[i];
			(*rows)[i] = (*rows)[j];
			(*rows)[j] = t;
		}
	}
	return DB_OK;
}

/*
 * How many families match q. With a search the counting stops after
 * DB_FAMILY_COUNT_MAX + 1 families, so *count is then at most
 * DB_FAMILY_COUNT_MAX + 1, read "more than DB_FAMILY_COUNT_MAX" (the
 * families screen shows "1–17 of 1000+"): a one-letter search must not
 * cost as much as the page it counts. The count is exact without a search
 * (one index, about a millisecond at 20 000 families) and with q->page ==
 * DB_PAGE_LAST (whoever shows the last page must know where it starts).
 * The other paging fields are ignored.
 */
int db_family_count(struct qdb *db, const struct db_actor *who, const struct db_family_filter *q,
                    int *count, struct qerr *err)
{
	*count = 0;
	int rc = list_check(who, q, err);
	if (rc)
		return rc;
	struct list_search srch;
	bool search = list_search(q->search, &srch);
	/* The last page needs the exact count to be numbered. */
	bool capped = search && q->page != DB_PAGE_LAST;
	int which = !search ? COUNT_ALL : capped ? COUNT_SEARCH_CAPPED : COUNT_SEARCH;
	sqlite3_stmt *st = dbi_prep(db, count_sql[which], err);
	if (!st)
		return DB_ERR;
	bind_filter(st, who, q, &srch);
	if (capped)
		sqlite3_bind_int(st, 18, DB_FAMILY_COUNT_MAX + 1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}
