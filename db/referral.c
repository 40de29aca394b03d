/*
 * referral — referring a person to a service: the consent test (with the
 * manager's audited override), codes REF-YYYY-NNNNN, the status lifecycle
 * with its dated events, the "waiting for an answer" list and counts.
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"referred", "accepted",    "declined", "completed",
                                       "revoked",  "no_response", NULL};

bool db_referral_can(const char *from, const char *to)
{
	if (!from || !to)
		return false;
	if (strcmp(from, "referred") == 0)
		return strcmp(to, "accepted") == 0 || strcmp(to, "declined") == 0 ||
		       strcmp(to, "revoked") == 0 || strcmp(to, "no_response") == 0;
	if (strcmp(from, "accepted") == 0)
		return strcmp(to, "completed") == 0 || strcmp(to, "revoked") == 0 ||
		       strcmp(to, "no_response") == 0;
	return false;
}

/* ?7 overdue days, ?8 today, ?9 the counsellor (NULL: every referral). */
#define REFERRAL_SQL                                                                               \
	"SELECT r.id, r.uuid, r.code, r.person_id, p.family_id, p.first_name,"                     \
	" coalesce(p.father_name, ''), p.last_name, p.sex, coalesce(p.birth_date, ''),"            \
	" coalesce(p.birth_year, 0), f.code, f.municipality, coalesce(f.address, ''), r.service,"  \
	" r.organisation, r.reason, r.referred_on, coalesce(r.follow_up_due, ''), r.status,"       \
	" r.status_on, coalesce(r.outcome, ''), coalesce(r.revoke_reason, ''),"                    \
	" coalesce(r.consent_override, ''), coalesce(r.staff_id, 0), coalesce(u.full_name, ''),"   \
	" r.version, r.created_at, CAST(julianday(?8) - julianday(r.referred_on) AS INTEGER),"     \
	" (r.status = 'referred' AND (julianday(?8) - julianday(r.referred_on) > ?7"               \
	"  OR (r.follow_up_due IS NOT NULL AND r.follow_up_due < ?8))) AS overdue"                 \
	" FROM referral r JOIN person p ON p.id = r.person_id JOIN family f ON f.id = p.family_id" \
	" LEFT JOIN app_user u ON u.id = r.staff_id"                                               \
	" WHERE r.deleted_at IS NULL AND (?9 IS NULL OR " REGI_IS_CLIENT("r.person_id", "?9") ")"

static void read_referral(sqlite3_stmt *st, struct db_referral *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, r->uuid, sizeof r->uuid);
	dbi_col_text(st, 2, r->code, sizeof r->code);
	r->person_id = sqlite3_column_int64(st, 3);
	r->family_id = sqlite3_column_int64(st, 4);
	dbi_col_text(st, 5, r->first_name, sizeof r->first_name);
	dbi_col_text(st, 6, r->father_name, sizeof r->father_name);
	dbi_col_text(st, 7, r->last_name, sizeof r->last_name);
	const unsigned char *sx = sqlite3_column_text(st, 8);
	r->sex = sx ? (char)sx[0] : '\0';
	dbi_col_text(st, 9, r->birth_date, sizeof r->birth_date);
	r->birth_year = sqlite3_column_int(st, 10);
	dbi_col_text(st, 11, r->family_code, sizeof r->family_code);
	dbi_col_text(st, 12, r->municipality, sizeof r->municipality);
	dbi_col_text(st, 13, r->address, sizeof r->address);
	dbi_col_text(st, 14, r->service, sizeof r->service);
	dbi_col_text(st, 15, r->organisation, sizeof r->organisation);
	dbi_col_text(st, 16, r->reason, sizeof r->reason);
	dbi_col_text(st, 17, r->referred_on, sizeof r->referred_on);
	dbi_col_text(st, 18, r->follow_up_due, sizeof r->follow_up_due);
	dbi_col_text(st, 19, r->status, sizeof r->status);
	dbi_col_text(st, 20, r->status_on, sizeof r->status_on);
	dbi_col_text(st, 21, r->outcome, sizeof r->outcome);
	dbi_col_text(st, 22, r->revoke_reason, sizeof r->revoke_reason);
	dbi_col_text(st, 23, r->consent_override, sizeof r->consent_override);
	r->staff_id = sqlite3_column_int64(st, 24);
	dbi_col_text(st, 25, r->staff_name, sizeof r->staff_name);
	r->version = sqlite3_column_int64(st, 26);
	dbi_col_text(st, 27, r->created_at, sizeof r->created_at);
	r->days_waiting = sqlite3_column_int(st, 28);
	r->overdue = sqlite3_column_int(st, 29) != 0;
}

/* read_referral as a regi_read_fn. */
static void referral_row(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	read_referral(st, row);
}

/* Collect the rows of a REFERRAL_SQL statement (binds ?7..?9). */
static int referral_rows(struct qdb *db, const struct db_actor *who, sqlite3_stmt *st,
                         int overdue_days, struct db_referral **rows, int *n, struct qerr *err)
{
	char today[11];
	util_today(today);
	sqlite3_bind_int(st, 7, overdue_days);
	dbi_bind_text(st, 8, today);
	regi_bind_if(st, 9, who, DB_ROLE_COUNSELLOR);
	int rc;
	*rows = regi_collect(db, st, *rows, n, sizeof **rows, referral_row, NULL, &rc, err);
	return rc;
}

/* The next code of the year: REF-2026-00001, ... (inside the transaction). */
static int next_code(struct qdb *db, int year, char out[DB_CODE_SZ], struct qerr *err)
{
	char lo[16], hi[16];
	snprintf(lo, sizeof lo, "REF-%04d-", year);
	snprintf(hi, sizeof hi, "REF-%04d.", year);
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT coalesce(max(CAST(substr(code, 10) AS INTEGER)), 0)"
	                            " FROM referral WHERE code >= ?1 AND code < ?2",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, lo);
	dbi_bind_text(st, 2, hi);
	int rc = sqlite3_step(st);
	int64_t last = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return dbi_fail(db, rc, err);
	if (last < 0 || last >= 9999999) {
		qerr_set(err, "err:db_error", "referral codes of %d used up", year);
		return DB_ERR;
	}
	snprintf(out, DB_CODE_SZ, "REF-%04u-%05u", (unsigned)year % 10000u,
	         (unsigned)(last + 1) % 10000000u);
	return DB_OK;
}

static int add_event(struct qdb *db, const struct db_actor *who, int64_t id, const char *from,
                     const char *to, const char *note, struct qerr *err)
{
	char now[20];
	util_now_str(now);
	sqlite3_stmt *st = dbi_prep(db,
	                            "INSERT INTO referral_event(referral_id, at, from_status,"
	                            " to_status, note, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	dbi_bind_text(st, 2, now);
	dbi_bind_text_or_null(st, 3, from);
	dbi_bind_text(st, 4, to);
	dbi_bind_text_or_null(st, 5, note);
	dbi_bind_actor(st, 6, who);
	return regi_step(db, st, err);
}

int db_referral_add(struct qdb *db, const struct db_actor *who, const struct db_referral_new *in,
                    int64_t *id_out, char code_out[DB_CODE_SZ], struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	const char *on = in->referred_on && *in->referred_on ? in->referred_on : today;
	if ((rc = regi_key(in->service, true, "service", err)) ||
	    (rc = regi_text(in->organisation, 0, DB_TEXT_LEN, true, false, "organisation", err)) ||
	    (rc = regi_text(in->reason, 0, DB_TEXT_LEN, true, true, "reason", err)) ||
	    (rc = regi_date(on, true, "referred_on", err)) ||
	    (rc = regi_date(in->follow_up_due, false, "follow_up_due", err)) ||
	    (rc = regi_text(in->consent_override, 0, DB_TEXT_LEN, false, true, "consent_override",
	                    err)))
		return rc;
	if (strcmp(on, today) > 0) {
		qerr_set(err, "err:date_future", "referred_on");
		return DB_INVALID;
	}
	if (in->follow_up_due && *in->follow_up_due && strcmp(in->follow_up_due, on) < 0) {
		qerr_set(err, "err:date_invalid", "follow_up_due");
		return DB_INVALID;
	}
	char uuid[37], now[20], code[DB_CODE_SZ];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	int64_t family_id = 0;
	rc = regi_person_access(db, who, in->person_id, REGI_WRITE, &family_id, err);
	/* The consent test. */
	const char *override = NULL;
	if (!rc) {
		struct db_consent c;
		struct qerr cerr = {0};
		int crc = regi_consent_current(db, family_id, &c, &cerr);
		if (crc && crc != DB_NOTFOUND) {
			rc = crc;
			if (err)
				*err = cerr;
		} else if (crc == DB_NOTFOUND || !db_consent_covers(&c, in->service)) {
			bool may = !who || who->role == DB_ROLE_MANAGER;
			if (may && in->consent_override && *in->consent_override) {
				override = in->consent_override;
			} else {
				qerr_set(err, "err:consent_missing", "%s", in->service);
				rc = DB_DENIED;
			}
		}
	}
	if (!rc)
		rc = next_code(db, atoi(on), code, err);
	int64_t id = 0;
	if (!rc) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "INSERT INTO referral(code, person_id, service, organisation, reason,"
		    " referred_on, follow_up_due, status, status_on, consent_override, staff_id,"
		    " uuid, created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3,"
		    " ?4, ?5, ?6, ?7, 'referred', ?6, ?8, ?9, ?10, ?11, ?9, ?11, ?9)",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			dbi_bind_text(st, 1, code);
			sqlite3_bind_int64(st, 2, in->person_id);
			dbi_bind_text(st, 3, in->service);
			dbi_bind_text(st, 4, in->organisation);
			dbi_bind_text(st, 5, in->reason);
			dbi_bind_text(st, 6, on);
			dbi_bind_text_or_null(st, 7, in->follow_up_due);
			dbi_bind_text_or_null(st, 8, override);
			dbi_bind_actor(st, 9, who);
			dbi_bind_text(st, 10, uuid);
			dbi_bind_text(st, 11, now);
			rc = regi_step(db, st, err);
			id = sqlite3_last_insert_rowid(db->h);
		}
	}
	if (!rc)
		rc = add_event(db, who, id, NULL, "referred", NULL, err);
	if (!rc) {
		char detail[256];
		snprintf(detail, sizeof detail, "%s %s", code, in->service);
		rc = db_audit(db, who, "referral_add", "referral", id, detail, err);
	}
	if (!rc && override) {
		char detail[256];
		snprintf(detail, sizeof detail, "%s: %.200s", in->service, override);
		rc = db_audit(db, who, "referral_consent_override", "referral", id, detail, err);
	}
	rc = regi_end(db, rc, err);
	if (!rc) {
		if (id_out)
			*id_out = id;
		if (code_out)
			util_strlcpy(code_out, code, DB_CODE_SZ);
	}
	return rc;
}

static int referral_load(struct qdb *db, const struct db_actor *who, int64_t id,
                         struct db_referral *out, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, REFERRAL_SQL " AND r.id = ?1", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	struct db_referral *rows = NULL;
	int n = 0;
	int rc = referral_rows(db, who, st, 0, &rows, &n, err);
	if (rc)
		return rc;
	if (n == 0) {
		qerr_set(err, "err:not_found", "referral");
		return DB_NOTFOUND;
	}
	*out = rows[0];
	out->overdue = false;
	free(rows);
	return DB_OK;
}

int db_referral_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_referral *out,
                    struct qerr *err)
{
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	/* Load without the client filter, then check: a counsellor is told
	 * DB_DENIED, not "not found", for another counsellor's client. */
	struct db_referral r;
	if ((rc = referral_load(db, NULL, id, &r, err)) ||
	    (rc = regi_person_access(db, who, r.person_id, REGI_READ_RISK, NULL, err)))
		return rc;
	*out = r;
	return DB_OK;
}

int db_referral_set_status(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                           const char *status, const char *on, const char *note, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	if (!on || !*on)
		on = today;
	if ((rc = regi_oneof(status, statuses, "status", err)) ||
	    (rc = regi_date(on, true, "status_on", err)) ||
	    (rc = regi_text(note, 0, DB_TEXT_LEN, false, true, "note", err)))
		return rc;
	if (strcmp(on, today) > 0) {
		qerr_set(err, "err:date_future", "status_on");
		return DB_INVALID;
	}
	bool revoke = strcmp(status, "revoked") == 0;
	if (revoke && (!note || !*note)) {
		qerr_set(err, "err:revoke_reason", NULL);
		return DB_INVALID;
	}
	rc = db_begin(db, err);
	if (rc)
		return rc;
	struct db_referral *cur = xmalloc(sizeof *cur);
	rc = referral_load(db, NULL, id, cur, err);
	if (!rc && cur->version != version) {
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
	}
	if (!rc && !db_referral_can(cur->status, status)) {
		qerr_set(err, "err:referral_transition", "%s -> %s", cur->status, status);
		rc = DB_INVALID;
	}
	if (!rc && strcmp(on, cur->referred_on) < 0) {
		qerr_set(err, "err:date_invalid", "status_on");
		rc = DB_INVALID;
	}
	char now[20];
	util_now_str(now);
	if (!rc) {
		bool outcome = strcmp(status, "completed") == 0 || strcmp(status, "declined") == 0;
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "UPDATE referral SET status = ?3, status_on = ?4,"
		    " outcome = CASE WHEN ?5 THEN ?6 ELSE outcome END,"
		    " revoke_reason = CASE WHEN ?3 = 'revoked' THEN ?6 ELSE revoke_reason END,"
		    " updated_at = ?7, updated_by = ?8, version = version + 1"
		    " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, version);
			dbi_bind_text(st, 3, status);
			dbi_bind_text(st, 4, on);
			sqlite3_bind_int(st, 5, outcome && note && *note);
			dbi_bind_text_or_null(st, 6, note);
			dbi_bind_text(st, 7, now);
			dbi_bind_actor(st, 8, who);
			rc = regi_step(db, st, err);
			if (!rc && sqlite3_changes(db->h) == 0)
				rc = regi_stale_or_gone(db, "SELECT 1 FROM referral WHERE id = ?1",
				                        id, err);
		}
	}
	if (!rc)
		rc = add_event(db, who, id, cur->status, status, note, err);
	if (!rc) {
		char detail[256];
		snprintf(detail, sizeof detail, "%s %s -> %s %s", cur->code, cur->status, status,
		         on);
		rc = db_audit(db, who, "referral_status", "referral", id, detail, err);
	}
	free(cur);
	return regi_end(db, rc, err);
}

int db_referral_events(struct qdb *db, const struct db_actor *who, int64_t id,
                       struct db_referral_event **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	struct db_referral r;
	int rc = db_referral_get(db, who, id, &r, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT e.id, e.at, coalesce(e.from_status, ''), e.to_status,"
	             " coalesce(e.note, ''), coalesce(u.username, '')"
	             " FROM referral_event e LEFT JOIN app_user u ON u.id = e.user_id"
	             " WHERE e.referral_id = ?1 ORDER BY e.id",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = regi_grow(*rows, *n, &cap, sizeof **rows);
		struct db_referral_event *e = &(*rows)[(*n)++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(st, 0);
		dbi_col_text(st, 1, e->at, sizeof e->at);
		dbi_col_text(st, 2, e->from_status, sizeof e->from_status);
		dbi_col_text(st, 3, e->to_status, sizeof e->to_status);
		dbi_col_text(st, 4, e->note, sizeof e->note);
		dbi_col_text(st, 5, e->username, sizeof e->username);
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

int db_referral_list_person(struct qdb *db, const struct db_actor *who, int64_t person_id,
                            struct db_referral **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = regi_person_access(db, who, person_id, REGI_READ_RISK, NULL, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(
	    db, REFERRAL_SQL " AND r.person_id = ?1 ORDER BY r.referred_on DESC, r.id DESC", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, person_id);
	return referral_rows(db, who, st, 0, rows, n, err);
}

int regi_referral_family(struct qdb *db, const struct db_actor *who, int64_t family_id,
                         struct db_referral **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(db,
	                            REFERRAL_SQL " AND p.family_id = ?1 AND p.deleted_at IS NULL"
	                                         /* unary + : find the family's members first,
	                                          * not every open referral (6 ms -> 0.1 ms) */
	                                         " AND +r.status IN ('referred', 'accepted')"
	                                         " ORDER BY r.referred_on DESC, r.id DESC",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	return referral_rows(db, who, st, 0, rows, n, err);
}

int db_referral_waiting(struct qdb *db, const struct db_actor *who, int overdue_days, int limit,
                        struct db_referral **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             REFERRAL_SQL " AND r.status = 'referred' AND p.deleted_at IS NULL"
	                          " AND f.deleted_at IS NULL"
	                          " ORDER BY overdue DESC, r.referred_on, r.id LIMIT ?1",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : 200);
	return referral_rows(db, who, st, overdue_days > 0 ? overdue_days : 0, rows, n, err);
}

int db_referral_waiting_count(struct qdb *db, const struct db_actor *who, int overdue_days,
                              int *waiting, int *overdue, struct qerr *err)
{
	*waiting = *overdue = 0;
	int rc = dbi_allow(who, REGI_DESK, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT count(*), coalesce(sum(julianday(?1) - julianday(r.referred_on) > ?2"
	    " OR (r.follow_up_due IS NOT NULL AND r.follow_up_due < ?1)), 0)"
	    " FROM referral r JOIN person p ON p.id = r.person_id"
	    " JOIN family f ON f.id = p.family_id"
	    " WHERE r.status = 'referred' AND r.deleted_at IS NULL AND p.deleted_at IS NULL"
	    " AND f.deleted_at IS NULL AND (?3 IS NULL OR " REGI_IS_CLIENT("r.person_id", "?3") ")",
	    err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int(st, 2, overdue_days > 0 ? overdue_days : 0);
	regi_bind_if(st, 3, who, DB_ROLE_COUNSELLOR);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*waiting = sqlite3_column_int(st, 0);
		*overdue = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}
