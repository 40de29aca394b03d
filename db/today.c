/*
 * today — the home screen's day (see today.h). Today's appointments,
 * classes, referrals and visits are one cached statement each, whose rows
 * carry the total in a window column, so a list and its count cost one
 * query, and the statement is reset before returning. Follow-ups and
 * no-shows, rolls not taken and the dropout warning come from the care
 * module's own functions, so home and those lists cannot disagree.
 */
#include "db/today.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/care.h"
#include "db/dbi.h"

/* Columns every list query returns, in this order. */
enum { C_ID, C_WHEN, C_WHAT, C_WHERE, C_WHO, C_STAFF, C_STATUS, C_COUNT, C_TOTAL, C_EXTRA };

/* Lists stop at DB_TODAY_MAX rows; the window count still counts them all. */
#define LIMIT_MAX " LIMIT 20"
_Static_assert(DB_TODAY_MAX == 20, "LIMIT_MAX must match DB_TODAY_MAX");

#define CLIENT "coalesce(p.first_name || ' ' || p.last_name, act.title, '')"

static const char sql_appts[] =
    "SELECT a.id, substr(a.start_at, 12, 5), a.type, coalesce(a.room, ''), " CLIENT ","
    " coalesce(u.full_name, ''), a.status, 0, count(*) OVER (), 0"
    " FROM appointment a"
    " LEFT JOIN person p ON p.id = a.person_id"
    " LEFT JOIN activity act ON act.id = a.activity_id"
    " LEFT JOIN app_user u ON u.id = a.counsellor_id"
    " WHERE a.deleted_at IS NULL AND a.status <> 'cancelled'"
    " AND a.start_at >= ?1 AND a.start_at < date(?1, '+1 day')"
    " AND (?2 IS NULL OR a.counsellor_id = ?2)"
    " ORDER BY a.start_at, a.id " LIMIT_MAX;

/* Weekday bit of a date: bit 0 = Monday (strftime %w has 0 = Sunday). */
#define WDAY_BIT(d) "((CAST(strftime('%w', " d ") AS INTEGER) + 6) % 7)"
#define MEETS(d)                                                                                   \
	"c.deleted_at IS NULL AND " d " BETWEEN c.term_start AND c.term_end"                       \
	" AND (c.weekdays >> " WDAY_BIT(                                                           \
	    d) ") & 1"                                                                             \
	       " AND NOT EXISTS (SELECT 1 FROM closure z WHERE z.day = " d                         \
	       " AND z.deleted_at IS NULL)"

static const char sql_classes[] =
    "SELECT c.id, printf('%02d:%02d', c.start_min / 60, c.start_min % 60), c.name,"
    " coalesce(c.room, ''), '', coalesce(u.full_name, ''),"
    " coalesce((SELECT s.status FROM class_session s WHERE s.class_id = c.id"
    "  AND s.held_on = ?1 AND s.deleted_at IS NULL), ''),"
    " (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id AND e.deleted_at IS NULL"
    "  AND e.from_date <= ?1 AND (e.to_date IS NULL OR e.to_date >= ?1)),"
    " count(*) OVER (), 0"
    " FROM class c LEFT JOIN app_user u ON u.id = c.teacher_id"
    " WHERE " MEETS("?1") " AND (?2 IS NULL OR c.teacher_id = ?2)"
                          " ORDER BY c.start_min, c.name COLLATE SQ, c.id" LIMIT_MAX;

static const char sql_referrals[] =
    "WITH w AS (SELECT r.id, r.referred_on, r.service, r.organisation,"
    "  p.first_name || ' ' || p.last_name AS who, coalesce(u.full_name, '') AS staff,"
    "  CASE WHEN (r.follow_up_due IS NOT NULL AND r.follow_up_due < ?1)"
    "   OR (r.follow_up_due IS NULL AND r.referred_on <= date(?1, printf('-%d days', ?3)))"
    "   THEN 1 ELSE 0 END AS overdue"
    "  FROM referral r JOIN person p ON p.id = r.person_id"
    "  LEFT JOIN app_user u ON u.id = r.staff_id"
    "  WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL AND r.status = 'referred'"
    ")"
    " SELECT id, referred_on, service, organisation, who, staff,"
    " CASE overdue WHEN 1 THEN 'overdue' ELSE 'referred' END, 0,"
    " count(*) OVER (), total(overdue) OVER ()"
    " FROM w ORDER BY overdue DESC, referred_on, id" LIMIT_MAX;

static const char sql_visits[] = "SELECT (SELECT count(*) FROM visit WHERE deleted_at IS NULL"
                                 "  AND at >= ?1 AND at < date(?1, '+1 day'))"
                                 " + (SELECT count(*) FROM visit_tally WHERE deleted_at IS NULL"
                                 "  AND at >= ?1 AND at < date(?1, '+1 day'))";

/* Bind the common parameters a statement uses: ?1 today, ?2 the own-user
 * filter (NULL = everyone), ?3 the overdue days. */
static void bind_common(sqlite3_stmt *st, const char *today, int64_t own, int days)
{
	int np = sqlite3_bind_parameter_count(st);
	dbi_bind_text(st, 1, today);
	if (np >= 2) {
		if (own > 0)
			sqlite3_bind_int64(st, 2, own);
		else
			sqlite3_bind_null(st, 2);
	}
	if (np >= 3)
		sqlite3_bind_int(st, 3, days);
}

static int fill_list(struct qdb *db, const char *sql, const char *today, int64_t own, int days,
                     bool names, struct db_today_list *l, int *extra, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st)
		return DB_ERR;
	bind_common(st, today, own, days);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		l->total = sqlite3_column_int(st, C_TOTAL);
		if (extra)
			*extra = sqlite3_column_int(st, C_EXTRA);
		if (!names || l->n >= DB_TODAY_MAX)
			continue;
		struct db_today_item *it = &l->item[l->n++];
		it->id = sqlite3_column_int64(st, C_ID);
		dbi_col_text(st, C_WHEN, it->when, sizeof it->when);
		dbi_col_text(st, C_WHAT, it->what, sizeof it->what);
		dbi_col_text(st, C_WHERE, it->where, sizeof it->where);
		dbi_col_text(st, C_WHO, it->who, sizeof it->who);
		dbi_col_text(st, C_STAFF, it->staff, sizeof it->staff);
		dbi_col_text(st, C_STATUS, it->status, sizeof it->status);
		it->count = sqlite3_column_int(st, C_COUNT);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : dbi_fail(db, rc, err);
}

static int count_one(struct qdb *db, const char *sql, const char *today, int64_t own, int *out,
                     struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st)
		return DB_ERR;
	bind_common(st, today, own, 0);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* Type and room of an appointment, for a follow-up or no-show line. */
static const char sql_appt_detail[] =
    "SELECT type, coalesce(room, '') FROM appointment WHERE id = ?1";

static int appt_detail(struct qdb *db, struct db_today_item *it, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sql_appt_detail, err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, it->id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		dbi_col_text(st, 0, it->what, sizeof it->what);
		dbi_col_text(st, 1, it->where, sizeof it->where);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : dbi_fail(db, rc, err);
}

/*
 * Follow-ups and no-shows from db_followups_due: as the actor (a counsellor
 * gets their own, a manager everyone's), or as the system for a viewer,
 * who is then given the totals only.
 */
static int fill_followups(struct qdb *db, const struct db_actor *as, const char *today, bool names,
                          struct db_today *out, struct qerr *err)
{
	struct db_followup *rows = NULL;
	int n = 0;
	int rc = db_followups_due(db, as, 0, today, &rows, &n, err);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		const struct db_followup *f = &rows[i];
		bool noshow = f->kind == DB_FOLLOWUP_NO_SHOW;
		struct db_today_list *l = noshow ? &out->noshows : &out->followups;
		l->total++;
		if (!names || l->n >= DB_TODAY_MAX)
			continue;
		struct db_today_item *it = &l->item[l->n++];
		memset(it, 0, sizeof *it);
		it->id = f->appointment_id;
		util_strlcpy(it->when, f->due, sizeof it->when);
		util_strlcpy(it->who, f->client_name, sizeof it->who);
		util_strlcpy(it->staff, f->counsellor_name, sizeof it->staff);
		util_strlcpy(it->status, noshow ? "no_show" : "", sizeof it->status);
		rc = appt_detail(db, it, err);
	}
	free(rows);
	return rc;
}

static int count_roll_missing(struct qdb *db, const struct db_actor *as, const char *today,
                              int *out, struct qerr *err)
{
	struct db_roll_missing *rows = NULL;
	int n = 0;
	int rc = db_roll_missing_list(db, as, today, &rows, &n, err);
	free(rows);
	if (rc == DB_OK)
		*out = n;
	return rc;
}

int db_today(struct qdb *db, const struct db_actor *who, const char *today_iso, int overdue_days,
             struct db_today *out, struct qerr *err)
{
	struct db_today_opts o = {.overdue_days = overdue_days};
	return db_today_with(db, who, today_iso, &o, out, err);
}

int db_today_with(struct qdb *db, const struct db_actor *who, const char *today_iso,
                  const struct db_today_opts *opts, struct db_today *out, struct qerr *err)
{
	memset(out, 0, sizeof *out);
	if (!who) {
		qerr_set(err, "err:db_denied", NULL);
		return DB_DENIED;
	}
	char today[11];
	long day;
	if (today_iso) {
		/* The care module's strict reading: a real date, years 1900-2999. */
		if (strlen(today_iso) != 10 || !db_day_from_iso(today_iso, &day)) {
			qerr_set(err, "err:invalid", "%.10s", today_iso);
			return DB_INVALID;
		}
		util_strlcpy(today, today_iso, sizeof today);
	} else {
		util_today(today);
	}
	int overdue_days = opts ? opts->overdue_days : 0;
	if (overdue_days <= 0)
		overdue_days = DB_TODAY_OVERDUE_DAYS;
	if (overdue_days > 3650)
		overdue_days = 3650;

	/* Which parts apply, and whose records: own > 0 limits to that user. */
	int64_t own_counsel = 0, own_class = 0;
	switch (who->role) {
	case DB_ROLE_MANAGER:
		out->names = out->counselling = out->classes_on = out->referrals_on = true;
		out->dropout_on = true;
		break;
	case DB_ROLE_REGISTRAR:
		out->names = out->referrals_on = out->dropout_on = true;
		break;
	case DB_ROLE_COUNSELLOR:
		out->names = out->counselling = true;
		own_counsel = who->user_id;
		break;
	case DB_ROLE_TEACHER:
		out->names = out->classes_on = true;
		own_class = who->user_id;
		break;
	case DB_ROLE_VIEWER:
		out->counselling = out->classes_on = out->referrals_on = true;
		break;
	default:
		qerr_set(err, "err:db_denied", NULL);
		return DB_DENIED;
	}
	bool names = out->names;
	/* The care functions do not serve a viewer; db_today does, with figures
	 * only, so for a viewer they are asked as the system (NULL actor). */
	const struct db_actor *as = who->role == DB_ROLE_VIEWER ? NULL : who;
	int rc = DB_OK;
	if (out->counselling) {
		rc = fill_list(db, sql_appts, today, own_counsel, 0, names, &out->appts, NULL, err);
		if (!rc)
			rc = fill_followups(db, as, today, names, out, err);
	}
	if (!rc && out->classes_on) {
		rc = fill_list(db, sql_classes, today, own_class, 0, names, &out->classes, NULL,
		               err);
		if (!rc)
			rc = count_roll_missing(db, as, today, &out->roll_missing, err);
	}
	if (!rc && out->referrals_on)
		rc = fill_list(db, sql_referrals, today, 0, overdue_days, names, &out->referrals,
		               &out->referrals_overdue, err);
	if (!rc && out->dropout_on)
		rc = db_dropout_count(db, who, today, opts ? opts->dropout_rule : NULL,
		                      &out->dropout_open, &out->dropout_total, err);
	if (!rc)
		rc = count_one(db, sql_visits, today, 0, &out->visits_today, err);
	if (rc) {
		struct qerr keep = err ? *err : (struct qerr){0};
		memset(out, 0, sizeof *out);
		if (err)
			*err = keep;
	}
	return rc;
}
