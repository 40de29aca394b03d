/*
 * appointment — the counselling schedule: booking (single or weekly), moving,
 * cancelling and marking appointments, the day and week views, and the
 * counsellor's follow-up list.
 *
 * Conflicts are checked inside the same BEGIN IMMEDIATE transaction as the
 * insert, so two desks booking the same slot at once cannot both win. An
 * appointment occupies [start, start + duration); only scheduled and held
 * appointments occupy their slot.
 */
#include "db/carei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPT_ROLES                                                                                 \
	(DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR) | DBI_ROLE(DB_ROLE_COUNSELLOR))
#define MAX_DURATION 480

static const char *const status_names[] = {"scheduled", "held", "no_show", "cancelled"};

const char *db_appt_status_name(enum db_appt_status s)
{
	return (unsigned)s <= DB_APPT_CANCELLED ? status_names[s] : "?";
}

int db_appt_status_parse(const char *s)
{
	for (int i = 0; s && i <= DB_APPT_CANCELLED; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

/* May `who` change an appointment of counsellor `cid`? */
static int may_edit(const struct db_actor *who, int64_t cid, struct qerr *err)
{
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	if (who && who->role == DB_ROLE_COUNSELLOR && who->user_id != cid) {
		qerr_set(err, "err:db_denied", NULL);
		return DB_DENIED;
	}
	return DB_OK;
}

#define APPT_SELECT                                                                                \
	"SELECT a.id, a.uuid, coalesce(a.person_id, 0), coalesce(a.activity_id, 0),"               \
	" coalesce(p.first_name || ' ' || p.last_name, act.title, ''), a.counsellor_id,"           \
	" coalesce(u.full_name, ''), a.type, a.start_at, a.duration_min, coalesce(a.room, ''),"    \
	" a.status, coalesce(a.cancel_reason, ''), coalesce(a.series_uuid, ''),"                   \
	" EXISTS (SELECT 1 FROM session_log l WHERE l.appointment_id = a.id"                       \
	"  AND l.deleted_at IS NULL), a.version"                                                   \
	" FROM appointment a LEFT JOIN person p ON p.id = a.person_id"                             \
	" LEFT JOIN activity act ON act.id = a.activity_id"                                        \
	" LEFT JOIN app_user u ON u.id = a.counsellor_id"

static void read_appt(sqlite3_stmt *st, struct db_appt *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, a->uuid, sizeof a->uuid);
	a->person_id = sqlite3_column_int64(st, 2);
	a->activity_id = sqlite3_column_int64(st, 3);
	dbi_col_text(st, 4, a->client_name, sizeof a->client_name);
	a->counsellor_id = sqlite3_column_int64(st, 5);
	dbi_col_text(st, 6, a->counsellor_name, sizeof a->counsellor_name);
	dbi_col_text(st, 7, a->type, sizeof a->type);
	dbi_col_text(st, 8, a->start, sizeof a->start);
	a->duration_min = sqlite3_column_int(st, 9);
	dbi_col_text(st, 10, a->room, sizeof a->room);
	int s = db_appt_status_parse((const char *)sqlite3_column_text(st, 11));
	a->status = s < 0 ? DB_APPT_SCHEDULED : (enum db_appt_status)s;
	dbi_col_text(st, 12, a->cancel_reason, sizeof a->cancel_reason);
	dbi_col_text(st, 13, a->series_uuid, sizeof a->series_uuid);
	a->has_log = sqlite3_column_int(st, 14) != 0;
	a->version = sqlite3_column_int64(st, 15);
	long t;
	if (db_care_ts_parse(a->start, &t))
		db_care_ts_format(t + a->duration_min, a->end);
}

/* Load one appointment without a role check (callers check). */
static int load(struct qdb *db, int64_t id, struct db_appt *out, struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db, APPT_SELECT " WHERE a.id = ?1 AND a.deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_appt(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* The slot a booking or move wants. */
struct slot {
	int64_t person_id, activity_id, counsellor_id;
	const char *room; /* NULL = none */
	long start;       /* minutes since the epoch */
	int duration;
};

static int check_hours(const struct slot *s, const struct db_hours *h, struct qerr *err)
{
	if (!h)
		return DB_OK;
	long day = s->start / 1440;
	int m = (int)(s->start % 1440);
	bool open_day = (h->weekdays & (1u << db_day_weekday(day))) != 0;
	if (!open_day || m < h->open_min || m + s->duration > h->close_min) {
		qerr_set(err, "err:appt_outside_hours", "%02d:%02d-%02d:%02d", h->open_min / 60,
		         h->open_min % 60, h->close_min / 60, h->close_min % 60);
		return DB_CONFLICT;
	}
	return DB_OK;
}

static int check_closed(struct qdb *db, long start, struct qerr *err)
{
	char day[11], reason[DB_CARE_TITLE_SZ] = "", shown[11];
	db_day_to_iso(start / 1440, day);
	bool closed;
	int rc = db_care_is_closed(db, day, &closed, reason, sizeof reason, err);
	if (rc)
		return rc;
	if (closed) {
		db_care_date_show(day, shown);
		char detail[256];
		db_care_fmt(detail, sizeof detail, "%s: %s", shown, reason);
		qerr_set(err, "err:appt_closed_day", "%s", detail);
		return DB_CONFLICT;
	}
	return DB_OK;
}

/* Is the slot free of the counsellor's, the room's and the client's other
 * appointments? `self` is left out (a move). */
static int check_overlap(struct qdb *db, const struct slot *s, int64_t self, struct qerr *err)
{
	char start[17], end[17], lower[17];
	db_care_ts_format(s->start, start);
	db_care_ts_format(s->start + s->duration, end);
	db_care_ts_format(s->start - MAX_DURATION, lower);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT a.start_at, a.duration_min, a.counsellor_id = ?4,"
	    " coalesce(a.room = ?5, 0), coalesce(u.full_name, ''),"
	    " coalesce(p.first_name || ' ' || p.last_name, act.title, ''), coalesce(a.room, '')"
	    " FROM appointment a LEFT JOIN app_user u ON u.id = a.counsellor_id"
	    " LEFT JOIN person p ON p.id = a.person_id"
	    " LEFT JOIN activity act ON act.id = a.activity_id"
	    " WHERE a.start_at < ?2 AND a.start_at > ?3 AND a.deleted_at IS NULL"
	    " AND a.status IN ('scheduled', 'held') AND a.id <> ?8"
	    " AND strftime('%Y-%m-%d %H:%M', a.start_at, '+' || a.duration_min || ' minutes') > ?1"
	    " AND (a.counsellor_id = ?4 OR a.room = ?5 OR a.person_id = ?6 OR a.activity_id = ?7)"
	    " ORDER BY a.counsellor_id = ?4 DESC, coalesce(a.room = ?5, 0) DESC, a.start_at"
	    " LIMIT 1",
	    err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, start);
	dbi_bind_text(st, 2, end);
	dbi_bind_text(st, 3, lower);
	sqlite3_bind_int64(st, 4, s->counsellor_id);
	dbi_bind_text_or_null(st, 5, s->room);
	if (s->person_id > 0)
		sqlite3_bind_int64(st, 6, s->person_id);
	if (s->activity_id > 0)
		sqlite3_bind_int64(st, 7, s->activity_id);
	sqlite3_bind_int64(st, 8, self);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return DB_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return dbi_fail(db, rc, err);
	}
	char ostart[17], oend[17], who_name[DB_CARE_NAME_SZ], client[DB_CARE_TITLE_SZ], room[33],
	    shown[11];
	dbi_col_text(st, 0, ostart, sizeof ostart);
	int odur = sqlite3_column_int(st, 1);
	bool same_counsellor = sqlite3_column_int(st, 2) != 0;
	bool same_room = sqlite3_column_int(st, 3) != 0;
	dbi_col_text(st, 4, who_name, sizeof who_name);
	dbi_col_text(st, 5, client, sizeof client);
	dbi_col_text(st, 6, room, sizeof room);
	sqlite3_reset(st);
	long ot = 0;
	db_care_ts_parse(ostart, &ot);
	db_care_ts_format(ot + odur, oend);
	db_care_date_show(ostart, shown);
	char detail[256];
	db_care_fmt(detail, sizeof detail, "%s %s-%s %s / %s%s%s", shown, ostart + 11, oend + 11,
	            who_name, client, room[0] ? " / " : "", room);
	const char *key = same_counsellor ? "err:appt_counsellor_busy"
	                  : same_room     ? "err:appt_room_busy"
	                                  : "err:appt_client_busy";
	qerr_set(err, key, "%s", detail);
	return DB_CONFLICT;
}

/* The counsellor of a booking must be an active counsellor (or manager). */
static int check_counsellor(struct qdb *db, int64_t id, struct qerr *err)
{
	enum db_role role;
	int rc = db_care_user(db, id, &role, NULL, 0, err);
	if (rc == DB_NOTFOUND || (!rc && role != DB_ROLE_COUNSELLOR && role != DB_ROLE_MANAGER)) {
		qerr_set(err, "err:appt_counsellor_invalid", "%lld", (long long)id);
		return DB_INVALID;
	}
	return rc;
}

static int check_client(struct qdb *db, int64_t person_id, int64_t activity_id, struct qerr *err)
{
	if ((person_id > 0) == (activity_id > 0)) {
		qerr_set(err, "err:appt_client_invalid", NULL);
		return DB_INVALID;
	}
	if (person_id > 0)
		return db_care_person_live(db, person_id, err);
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT 1 FROM activity WHERE id = ?1 AND deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, activity_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return DB_OK;
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:appt_client_invalid", "%lld", (long long)activity_id);
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

static bool room_ok(const char *room)
{
	return !room || !*room || db_care_key_ok(room);
}

static int insert_one(struct qdb *db, const struct db_actor *who, const struct db_appt_new *in,
                      const char *start, const char *series, int64_t *id, struct qerr *err)
{
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "INSERT INTO appointment(person_id, activity_id, counsellor_id, type, start_at,"
	    " duration_min, room, series_uuid, uuid, created_at, created_by, updated_at,"
	    " updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
	    err);
	if (!st)
		return DB_ERR;
	if (in->person_id > 0)
		sqlite3_bind_int64(st, 1, in->person_id);
	if (in->activity_id > 0)
		sqlite3_bind_int64(st, 2, in->activity_id);
	sqlite3_bind_int64(st, 3, in->counsellor_id);
	dbi_bind_text(st, 4, in->type);
	dbi_bind_text(st, 5, start);
	sqlite3_bind_int(st, 6, in->duration_min);
	dbi_bind_text_or_null(st, 7, in->room);
	dbi_bind_text_or_null(st, 8, series);
	dbi_bind_text(st, 9, uuid);
	dbi_bind_text(st, 10, now);
	dbi_bind_actor(st, 11, who);
	int rc = dbi_step_done(db, st, err);
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(db->h);
	char detail[64];
	snprintf(detail, sizeof detail, "%s c=%lld", start, (long long)in->counsellor_id);
	return db_audit(db, who, "appt_book", "appointment", *id, detail, err);
}

int db_appt_book(struct qdb *db, const struct db_actor *who, const struct db_appt_new *in,
                 const struct db_hours *hours, struct db_appt_booked *out, struct qerr *err)
{
	struct db_appt_booked res;
	memset(&res, 0, sizeof res);
	if (out)
		*out = res;
	if (!in) {
		qerr_set(err, "err:internal", "no booking");
		return DB_ERR;
	}
	int rc = may_edit(who, in->counsellor_id, err);
	if (rc)
		return rc;
	long start;
	if (!db_care_ts_parse(in->start, &start)) {
		qerr_set(err, "err:appt_start_invalid", NULL);
		return DB_INVALID;
	}
	if (in->duration_min < 5 || in->duration_min > MAX_DURATION) {
		qerr_set(err, "err:appt_duration_invalid", "%d", in->duration_min);
		return DB_INVALID;
	}
	if (!db_care_key_ok(in->type)) {
		qerr_set(err, "err:appt_type_invalid", NULL);
		return DB_INVALID;
	}
	if (!room_ok(in->room)) {
		qerr_set(err, "err:appt_room_invalid", NULL);
		return DB_INVALID;
	}
	int weeks = in->weeks <= 0 ? 1 : in->weeks;
	if (weeks > DB_CARE_SERIES_MAX) {
		qerr_set(err, "err:appt_weeks_invalid", "%d", in->weeks);
		return DB_INVALID;
	}
	rc = check_counsellor(db, in->counsellor_id, err);
	if (!rc)
		rc = check_client(db, in->person_id, in->activity_id, err);
	if (rc)
		return rc;
	struct slot s = {in->person_id,
	                 in->activity_id,
	                 in->counsellor_id,
	                 in->room && *in->room ? in->room : NULL,
	                 start,
	                 in->duration_min};
	/* Every occurrence has the same weekday and time: one hours check. */
	rc = check_hours(&s, hours, err);
	if (rc)
		return rc;
	if (weeks > 1)
		util_uuid(res.series_uuid);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	for (int k = 0; k < weeks; k++) {
		s.start = start + (long)k * 7 * 1440;
		char ts[17];
		db_care_ts_format(s.start, ts);
		rc = check_closed(db, s.start, err);
		if (rc == DB_CONFLICT && weeks > 1) {
			/* A series steps over closure days. */
			qerr_clear(err);
			util_strlcpy(res.skipped[res.nskipped++].s, ts, 11);
			continue;
		}
		if (!rc)
			rc = check_overlap(db, &s, 0, err);
		int64_t id = 0;
		if (!rc)
			rc = insert_one(db, who, in, ts,
			                res.series_uuid[0] ? res.series_uuid : NULL, &id, err);
		if (rc) {
			db_rollback(db);
			return rc;
		}
		if (!res.first_id)
			res.first_id = id;
		res.booked++;
	}
	if (res.booked == 0) {
		db_rollback(db);
		qerr_set(err, "err:appt_closed_day", "%s", res.skipped[0].s);
		return DB_CONFLICT;
	}
	rc = db_commit(db, err);
	if (!rc && out)
		*out = res;
	return rc;
}

int db_appt_move(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                 const char *start, int duration_min, const char *room, int64_t counsellor_id,
                 const struct db_hours *hours, struct qerr *err)
{
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	struct db_appt a;
	rc = load(db, id, &a, err);
	if (rc)
		return rc;
	rc = may_edit(who, a.counsellor_id, err);
	if (rc)
		return rc;
	if (a.version != version) {
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	if (a.status != DB_APPT_SCHEDULED) {
		qerr_set(err, "err:appt_not_scheduled", "%s", db_appt_status_name(a.status));
		return DB_INVALID;
	}
	if (counsellor_id <= 0)
		counsellor_id = a.counsellor_id;
	if (counsellor_id != a.counsellor_id) {
		if (who && who->role == DB_ROLE_COUNSELLOR) {
			qerr_set(err, "err:db_denied", NULL);
			return DB_DENIED;
		}
		rc = check_counsellor(db, counsellor_id, err);
		if (rc)
			return rc;
	}
	long t;
	if (!db_care_ts_parse(start, &t)) {
		qerr_set(err, "err:appt_start_invalid", NULL);
		return DB_INVALID;
	}
	if (duration_min <= 0)
		duration_min = a.duration_min;
	if (duration_min < 5 || duration_min > MAX_DURATION) {
		qerr_set(err, "err:appt_duration_invalid", "%d", duration_min);
		return DB_INVALID;
	}
	const char *new_room = room ? room : a.room;
	if (!room_ok(new_room)) {
		qerr_set(err, "err:appt_room_invalid", NULL);
		return DB_INVALID;
	}
	struct slot s = {a.person_id, a.activity_id, counsellor_id, *new_room ? new_room : NULL,
	                 t,           duration_min};
	rc = check_hours(&s, hours, err);
	if (rc)
		return rc;
	char ts[17], now[20];
	db_care_ts_format(t, ts);
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = check_closed(db, t, err);
	if (!rc)
		rc = check_overlap(db, &s, id, err);
	sqlite3_stmt *st = NULL;
	if (!rc)
		st = dbi_prep(db,
		              "UPDATE appointment SET start_at = ?3, duration_min = ?4, room = ?5,"
		              " counsellor_id = ?6, updated_at = ?7, updated_by = ?8,"
		              " version = version + 1 WHERE id = ?1 AND version = ?2"
		              " AND deleted_at IS NULL",
		              err);
	if (!rc && !st)
		rc = DB_ERR;
	if (!rc) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, version);
		dbi_bind_text(st, 3, ts);
		sqlite3_bind_int(st, 4, duration_min);
		dbi_bind_text_or_null(st, 5, s.room);
		sqlite3_bind_int64(st, 6, counsellor_id);
		dbi_bind_text(st, 7, now);
		dbi_bind_actor(st, 8, who);
		rc = db_care_step_versioned(db, st, err);
	}
	if (!rc) {
		char detail[96];
		snprintf(detail, sizeof detail, "%s -> %s c=%lld", a.start, ts,
		         (long long)counsellor_id);
		rc = db_audit(db, who, "appt_move", "appointment", id, detail, err);
	}
	return db_care_finish(db, rc, err);
}

/* Change the status of one loaded appointment (inside a transaction). */
static int set_status(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                      enum db_appt_status status, const char *reason, struct qerr *err)
{
	char now[20];
	util_now_str(now);
	sqlite3_stmt *st = dbi_prep(db,
	                            "UPDATE appointment SET status = ?3, cancel_reason = ?4,"
	                            " updated_at = ?5, updated_by = ?6, version = version + 1"
	                            " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	dbi_bind_text(st, 3, db_appt_status_name(status));
	dbi_bind_text_or_null(st, 4, status == DB_APPT_CANCELLED ? reason : NULL);
	dbi_bind_text(st, 5, now);
	dbi_bind_actor(st, 6, who);
	int rc = db_care_step_versioned(db, st, err);
	if (!rc)
		rc = db_audit(db, who, status == DB_APPT_CANCELLED ? "appt_cancel" : "appt_status",
		              "appointment", id, db_appt_status_name(status), err);
	return rc;
}

int db_appt_cancel(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                   const char *reason, bool rest_of_series, struct qerr *err)
{
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	struct db_appt a;
	rc = load(db, id, &a, err);
	if (!rc)
		rc = may_edit(who, a.counsellor_id, err);
	if (rc)
		return rc;
	rc = db_care_text(reason, 120, true, false, "err:appt_reason_required", err);
	if (rc)
		return rc;
	if (a.version != version) {
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	if (a.status != DB_APPT_SCHEDULED && a.status != DB_APPT_NO_SHOW) {
		qerr_set(err, "err:appt_not_scheduled", "%s", db_appt_status_name(a.status));
		return DB_INVALID;
	}
	if (a.has_log) {
		qerr_set(err, "err:appt_has_log", NULL);
		return DB_CONFLICT;
	}
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = set_status(db, who, id, version, DB_APPT_CANCELLED, reason, err);
	if (!rc && rest_of_series && a.series_uuid[0]) {
		char now[20];
		util_now_str(now);
		int64_t ids[DB_CARE_SERIES_MAX];
		int nids = 0;
		sqlite3_stmt *st =
		    dbi_prep(db,
		             "UPDATE appointment SET status = 'cancelled', cancel_reason = ?3,"
		             " updated_at = ?4, updated_by = ?5, version = version + 1"
		             " WHERE series_uuid = ?1 AND start_at > ?2 AND status = 'scheduled'"
		             " AND deleted_at IS NULL AND (?6 IS NULL OR counsellor_id = ?6)"
		             " AND NOT EXISTS (SELECT 1 FROM session_log l WHERE l.appointment_id "
		             "= appointment.id)"
		             " RETURNING id",
		             err);
		if (!st) {
			rc = DB_ERR;
		} else {
			dbi_bind_text(st, 1, a.series_uuid);
			dbi_bind_text(st, 2, a.start);
			dbi_bind_text(st, 3, reason);
			dbi_bind_text(st, 4, now);
			dbi_bind_actor(st, 5, who);
			if (who && who->role == DB_ROLE_COUNSELLOR)
				sqlite3_bind_int64(st, 6, who->user_id);
			int src;
			while ((src = sqlite3_step(st)) == SQLITE_ROW)
				if (nids < DB_CARE_SERIES_MAX)
					ids[nids++] = sqlite3_column_int64(st, 0);
			if (src != SQLITE_DONE)
				rc = dbi_fail(db, src, err);
			sqlite3_reset(st);
		}
		for (int i = 0; !rc && i < nids; i++)
			rc = db_audit(db, who, "appt_cancel", "appointment", ids[i], "series", err);
	}
	return db_care_finish(db, rc, err);
}

int db_appt_set_status(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                       enum db_appt_status status, const char *reason, struct qerr *err)
{
	if (status == DB_APPT_CANCELLED)
		return db_appt_cancel(db, who, id, version, reason, false, err);
	if ((unsigned)status > DB_APPT_CANCELLED) {
		qerr_set(err, "err:appt_status_invalid", NULL);
		return DB_INVALID;
	}
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	struct db_appt a;
	rc = load(db, id, &a, err);
	if (!rc)
		rc = may_edit(who, a.counsellor_id, err);
	if (rc)
		return rc;
	if (a.version != version) {
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	if (a.status == DB_APPT_CANCELLED) {
		qerr_set(err, "err:appt_not_scheduled", "%s", db_appt_status_name(a.status));
		return DB_INVALID;
	}
	if (status != DB_APPT_HELD && a.has_log) {
		qerr_set(err, "err:appt_has_log", NULL);
		return DB_CONFLICT;
	}
	if (status != DB_APPT_SCHEDULED) {
		char now[20];
		util_now_str(now);
		if (strncmp(a.start, now, 16) > 0) {
			qerr_set(err, "err:appt_not_yet", "%s", a.start);
			return DB_INVALID;
		}
	}
	if (a.status == status)
		return DB_OK;
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = set_status(db, who, id, version, status, NULL, err);
	return db_care_finish(db, rc, err);
}

int db_appt_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_appt *out,
                struct qerr *err)
{
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	return load(db, id, out, err);
}

static void read_appt_row(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	read_appt(st, row);
}

static int list_appts(struct qdb *db, sqlite3_stmt *st, struct db_appt **rows, int *n,
                      struct qerr *err)
{
	void *p = NULL;
	int rc = db_care_rows(db, st, sizeof **rows, read_appt_row, NULL, &p, n, err);
	*rows = p;
	return rc;
}

int db_appt_day(struct qdb *db, const struct db_actor *who, const char *day, struct db_appt **rows,
                int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	long d;
	if (!db_day_from_iso(day, &d)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	char next[11];
	db_day_to_iso(d + 1, next);
	sqlite3_stmt *st = dbi_prep(db,
	                            APPT_SELECT " WHERE a.start_at >= ?1 AND a.start_at < ?2"
	                                        " AND a.deleted_at IS NULL"
	                                        " ORDER BY u.full_name COLLATE SQ, a.counsellor_id,"
	                                        " a.start_at, a.id",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, day);
	dbi_bind_text(st, 2, next);
	return list_appts(db, st, rows, n, err);
}

int db_appt_week(struct qdb *db, const struct db_actor *who, int64_t counsellor_id,
                 const char *room, const char *from_day, struct db_appt **rows, int *n,
                 struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	long d;
	if (!db_day_from_iso(from_day, &d)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	if (counsellor_id <= 0 && (!room || !*room)) {
		qerr_set(err, "err:internal", "week of whom");
		return DB_INVALID;
	}
	char end[11];
	db_day_to_iso(d + 7, end);
	sqlite3_stmt *st =
	    dbi_prep(db,
	             APPT_SELECT " WHERE a.start_at >= ?1 AND a.start_at < ?2"
	                         " AND a.deleted_at IS NULL"
	                         " AND (?3 = 0 OR a.counsellor_id = ?3)"
	                         " AND (?4 IS NULL OR a.room = ?4)"
	                         " ORDER BY a.start_at, u.full_name COLLATE SQ, a.id",
	             err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, from_day);
	dbi_bind_text(st, 2, end);
	sqlite3_bind_int64(st, 3, counsellor_id > 0 ? counsellor_id : 0);
	dbi_bind_text_or_null(st, 4, room);
	return list_appts(db, st, rows, n, err);
}

static void read_followup(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	struct db_followup *f = row;
	f->kind = sqlite3_column_int(st, 0) ? DB_FOLLOWUP_NO_SHOW : DB_FOLLOWUP_SESSION;
	f->appointment_id = sqlite3_column_int64(st, 1);
	f->person_id = sqlite3_column_int64(st, 2);
	f->activity_id = sqlite3_column_int64(st, 3);
	dbi_col_text(st, 4, f->client_name, sizeof f->client_name);
	f->counsellor_id = sqlite3_column_int64(st, 5);
	dbi_col_text(st, 6, f->counsellor_name, sizeof f->counsellor_name);
	dbi_col_text(st, 7, f->due, sizeof f->due);
	dbi_col_text(st, 8, f->start, sizeof f->start);
	f->log_version = sqlite3_column_int64(st, 9);
}

int db_followups_due(struct qdb *db, const struct db_actor *who, int64_t counsellor_id,
                     const char *today, struct db_followup **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, APPT_ROLES, err);
	if (rc)
		return rc;
	long d;
	if (!db_day_from_iso(today, &d)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	bool sessions = true;
	if (who && who->role == DB_ROLE_COUNSELLOR)
		counsellor_id = who->user_id;
	if (who && who->role == DB_ROLE_REGISTRAR)
		sessions = false; /* a registrar re-books no-shows; logs are not theirs */
	char since[11], end[11];
	db_day_to_iso(d - 90, since);
	db_day_to_iso(d + 1, end);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT 0, a.id, coalesce(a.person_id, 0), coalesce(a.activity_id, 0),"
	    " coalesce(p.first_name || ' ' || p.last_name, act.title, ''), l.counsellor_id,"
	    " coalesce(u.full_name, ''), l.follow_up_on, a.start_at, l.version"
	    " FROM session_log l JOIN appointment a ON a.id = l.appointment_id"
	    " LEFT JOIN person p ON p.id = a.person_id"
	    " LEFT JOIN activity act ON act.id = a.activity_id"
	    " LEFT JOIN app_user u ON u.id = l.counsellor_id"
	    " WHERE ?4 AND l.deleted_at IS NULL AND l.follow_up_done = 0"
	    " AND l.follow_up_on <= ?1 AND (?2 = 0 OR l.counsellor_id = ?2)"
	    " UNION ALL "
	    "SELECT 1, a.id, coalesce(a.person_id, 0), coalesce(a.activity_id, 0),"
	    " coalesce(p.first_name || ' ' || p.last_name, act.title, ''), a.counsellor_id,"
	    " coalesce(u.full_name, ''), substr(a.start_at, 1, 10), a.start_at, 0"
	    " FROM appointment a LEFT JOIN person p ON p.id = a.person_id"
	    " LEFT JOIN activity act ON act.id = a.activity_id"
	    " LEFT JOIN app_user u ON u.id = a.counsellor_id"
	    " WHERE a.status = 'no_show' AND a.deleted_at IS NULL"
	    " AND a.start_at >= ?3 AND a.start_at < ?5 AND (?2 = 0 OR a.counsellor_id = ?2)"
	    " AND NOT EXISTS (SELECT 1 FROM appointment b WHERE b.deleted_at IS NULL"
	    "  AND b.status IN ('scheduled', 'held') AND b.start_at > a.start_at"
	    "  AND (b.person_id = a.person_id OR b.activity_id = a.activity_id))"
	    " ORDER BY 8, 9",
	    err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int64(st, 2, counsellor_id > 0 ? counsellor_id : 0);
	dbi_bind_text(st, 3, since);
	sqlite3_bind_int(st, 4, sessions ? 1 : 0);
	dbi_bind_text(st, 5, end);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_followup, NULL, &p, n, err);
	*rows = p;
	return rc;
}
