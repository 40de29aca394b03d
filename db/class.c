/*
 * class — after-school classes: definition, enrolment, expected sessions,
 * cancelled sessions, the roll call and the "roll not taken" list.
 *
 * A teacher reaches only the classes they teach (every entry point loads the
 * class and compares its teacher before anything else); managers and
 * registrars reach all. The roll is opened with two indexed queries and
 * saved in one transaction with one upsert per child, so a class of 30
 * costs one fsync.
 */
#include "db/carei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASS_ADMIN (DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR))
#define CLASS_USE   (CLASS_ADMIN | DBI_ROLE(DB_ROLE_TEACHER))

#define CLASS_SELECT                                                                               \
	"SELECT c.id, c.name, c.subject, c.teacher_id, coalesce(u.full_name, ''),"                 \
	" coalesce(c.room, ''), c.weekdays, c.start_min, c.duration_min, c.term_start,"            \
	" c.term_end, c.capacity,"                                                                 \
	" (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id AND e.deleted_at IS NULL"      \
	"  AND e.from_date <= ?1 AND (e.to_date IS NULL OR e.to_date >= ?1)), c.version"           \
	" FROM class c LEFT JOIN app_user u ON u.id = c.teacher_id"

static void read_class(sqlite3_stmt *st, struct db_class *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	dbi_col_text(st, 1, c->name, sizeof c->name);
	dbi_col_text(st, 2, c->subject, sizeof c->subject);
	c->teacher_id = sqlite3_column_int64(st, 3);
	dbi_col_text(st, 4, c->teacher_name, sizeof c->teacher_name);
	dbi_col_text(st, 5, c->room, sizeof c->room);
	c->weekdays = (unsigned)sqlite3_column_int(st, 6);
	c->start_min = sqlite3_column_int(st, 7);
	c->duration_min = sqlite3_column_int(st, 8);
	dbi_col_text(st, 9, c->term_start, sizeof c->term_start);
	dbi_col_text(st, 10, c->term_end, sizeof c->term_end);
	c->capacity = sqlite3_column_int(st, 11);
	c->enrolled = sqlite3_column_int(st, 12);
	c->version = sqlite3_column_int64(st, 13);
}

static void read_class_row(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	read_class(st, row);
}

static int load_class(struct qdb *db, int64_t id, struct db_class *out, struct qerr *err)
{
	char today[11];
	util_today(today);
	sqlite3_stmt *st =
	    dbi_prep(db, CLASS_SELECT " WHERE c.id = ?2 AND c.deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_class(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	return rc == SQLITE_ROW ? DB_OK : dbi_fail(db, rc, err);
}

/* Role check, then the class, then "a teacher only their own". */
static int class_access(struct qdb *db, const struct db_actor *who, int64_t id, unsigned roles,
                        struct db_class *c, struct qerr *err)
{
	int rc = dbi_allow(who, roles, err);
	if (rc)
		return rc;
	rc = load_class(db, id, c, err);
	if (rc)
		return rc;
	if (who && who->role == DB_ROLE_TEACHER && c->teacher_id != who->user_id) {
		qerr_set(err, "err:db_denied", NULL);
		return DB_DENIED;
	}
	return DB_OK;
}

static int validate_class(struct qdb *db, const struct db_class *c, struct qerr *err)
{
	int rc = db_care_text(c->name, 80, true, false, "err:class_name_invalid", err);
	if (rc)
		return rc;
	if (!db_care_key_ok(c->subject)) {
		qerr_set(err, "err:class_subject_invalid", NULL);
		return DB_INVALID;
	}
	if (c->room[0] && !db_care_key_ok(c->room)) {
		qerr_set(err, "err:class_room_invalid", NULL);
		return DB_INVALID;
	}
	if (c->weekdays < 1 || c->weekdays > 127) {
		qerr_set(err, "err:class_weekdays_invalid", NULL);
		return DB_INVALID;
	}
	if (c->start_min < 0 || c->start_min > 1439 || c->duration_min < 15 ||
	    c->duration_min > 480 || c->start_min + c->duration_min > 1440) {
		qerr_set(err, "err:class_time_invalid", NULL);
		return DB_INVALID;
	}
	long a, b;
	if (!db_day_from_iso(c->term_start, &a) || !db_day_from_iso(c->term_end, &b) || b < a) {
		qerr_set(err, "err:class_term_invalid", NULL);
		return DB_INVALID;
	}
	if (c->capacity < 1 || c->capacity > 200) {
		qerr_set(err, "err:class_capacity_invalid", "%d", c->capacity);
		return DB_INVALID;
	}
	enum db_role role;
	rc = db_care_user(db, c->teacher_id, &role, NULL, 0, err);
	if (rc == DB_NOTFOUND || (!rc && role != DB_ROLE_TEACHER && role != DB_ROLE_MANAGER)) {
		qerr_set(err, "err:class_teacher_invalid", NULL);
		return DB_INVALID;
	}
	return rc;
}

int db_class_save(struct qdb *db, const struct db_actor *who, struct db_class *c, struct qerr *err)
{
	int rc = dbi_allow(who, CLASS_ADMIN, err);
	if (rc)
		return rc;
	rc = validate_class(db, c, err);
	if (rc)
		return rc;
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (c->id == 0)
		st = dbi_prep(
		    db,
		    "INSERT INTO class(name, subject, teacher_id, room, weekdays, start_min,"
		    " duration_min, term_start, term_end, capacity, uuid, created_at,"
		    " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12, ?13)",
		    err);
	else
		st =
		    dbi_prep(db,
		             "UPDATE class SET name = ?1, subject = ?2, teacher_id = ?3, room = ?4,"
		             " weekdays = ?5, start_min = ?6, duration_min = ?7, term_start = ?8,"
		             " term_end = ?9, capacity = ?10, updated_at = ?12, updated_by = ?13,"
		             " version = version + 1"
		             " WHERE id = ?14 AND version = ?15 AND deleted_at IS NULL",
		             err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	dbi_bind_text(st, 1, c->name);
	dbi_bind_text(st, 2, c->subject);
	sqlite3_bind_int64(st, 3, c->teacher_id);
	dbi_bind_text_or_null(st, 4, c->room);
	sqlite3_bind_int(st, 5, (int)c->weekdays);
	sqlite3_bind_int(st, 6, c->start_min);
	sqlite3_bind_int(st, 7, c->duration_min);
	dbi_bind_text(st, 8, c->term_start);
	dbi_bind_text(st, 9, c->term_end);
	sqlite3_bind_int(st, 10, c->capacity);
	dbi_bind_text(st, 11, uuid);
	dbi_bind_text(st, 12, now);
	dbi_bind_actor(st, 13, who);
	int64_t id = c->id;
	if (c->id) {
		sqlite3_bind_int64(st, 14, c->id);
		sqlite3_bind_int64(st, 15, c->version);
		rc = db_care_step_versioned(db, st, err);
	} else {
		rc = dbi_step_done(db, st, err);
		id = sqlite3_last_insert_rowid(db->h);
	}
	if (!rc)
		rc = db_audit(db, who, c->id ? "class_edit" : "class_add", "class", id, NULL, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (!rc) {
		c->id = id;
		c->version = c->version + 1;
	}
	return rc;
}

int db_class_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_class *out,
                 struct qerr *err)
{
	return class_access(db, who, id, CLASS_USE, out, err);
}

int db_class_list(struct qdb *db, const struct db_actor *who, struct db_class **rows, int *n,
                  struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, CLASS_USE, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	sqlite3_stmt *st = dbi_prep(db,
	                            CLASS_SELECT " WHERE c.deleted_at IS NULL"
	                                         " AND (?2 = 0 OR c.teacher_id = ?2)"
	                                         " ORDER BY c.name COLLATE SQ, c.id",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int64(st, 2, who && who->role == DB_ROLE_TEACHER ? who->user_id : 0);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_class_row, NULL, &p, n, err);
	*rows = p;
	return rc;
}

int db_class_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                    struct qerr *err)
{
	int rc = dbi_allow(who, CLASS_ADMIN, err);
	if (rc)
		return rc;
	return db_care_soft_delete(
	    db, who,
	    "UPDATE class SET deleted_at = ?3, updated_at = ?3, updated_by = ?4,"
	    " version = version + 1"
	    " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
	    id, version, "class_delete", "class", err);
}

/* ---- Enrolment ---- */

int db_enrol(struct qdb *db, const struct db_actor *who, int64_t class_id, int64_t person_id,
             const char *from_date, bool confirm, int64_t *id_out, struct qerr *err)
{
	struct db_class c;
	int rc = class_access(db, who, class_id, CLASS_USE, &c, err);
	if (rc)
		return rc;
	long from, end;
	db_day_from_iso(c.term_end, &end);
	if (!db_day_from_iso(from_date, &from) || from > end) {
		qerr_set(err, "err:enrol_date_invalid", NULL);
		return DB_INVALID;
	}
	rc = db_care_person_live(db, person_id, err);
	if (rc)
		return rc;
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	/* Counted inside the write lock, so two desks cannot both take the last place. */
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT count(DISTINCT person_id), coalesce(sum(person_id = ?3), 0) FROM enrolment"
	    " WHERE class_id = ?1 AND deleted_at IS NULL AND (to_date IS NULL OR to_date >= ?2)",
	    err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, class_id);
	dbi_bind_text(st, 2, from_date);
	sqlite3_bind_int64(st, 3, person_id);
	int taken = 0, mine = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		taken = sqlite3_column_int(st, 0);
		mine = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		rc = dbi_fail(db, rc, err);
		db_rollback(db);
		return rc;
	}
	if (mine) {
		db_rollback(db);
		qerr_set(err, "err:class_already_enrolled", NULL);
		return DB_CONFLICT;
	}
	if (taken >= c.capacity && !confirm) {
		db_rollback(db);
		qerr_set(err, "err:class_full", "%d/%d", taken, c.capacity);
		return DB_CONFLICT;
	}
	st =
	    dbi_prep(db,
	             "INSERT INTO enrolment(class_id, person_id, from_date, uuid, created_at,"
	             " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
	             err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_int64(st, 2, person_id);
	dbi_bind_text(st, 3, from_date);
	dbi_bind_text(st, 4, uuid);
	dbi_bind_text(st, 5, now);
	dbi_bind_actor(st, 6, who);
	rc = dbi_step_done(db, st, err);
	int64_t id = sqlite3_last_insert_rowid(db->h);
	if (!rc) {
		char detail[64];
		snprintf(detail, sizeof detail, "person=%lld from=%s%s", (long long)person_id,
		         from_date, taken >= c.capacity ? " over_capacity" : "");
		rc = db_audit(db, who, "enrol", "enrolment", id, detail, err);
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
fail:
	db_rollback(db);
	return DB_ERR;
}

int db_enrol_leave(struct qdb *db, const struct db_actor *who, int64_t enrolment_id,
                   int64_t version, const char *to_date, const char *reason, struct qerr *err)
{
	int rc = dbi_allow(who, CLASS_USE, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT class_id, from_date FROM enrolment"
	                            " WHERE id = ?1 AND deleted_at IS NULL",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, enrolment_id);
	int64_t class_id = 0;
	char from[11] = "";
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		class_id = sqlite3_column_int64(st, 0);
		dbi_col_text(st, 1, from, sizeof from);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:not_found", NULL);
		return DB_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return dbi_fail(db, rc, err);
	struct db_class c;
	rc = class_access(db, who, class_id, CLASS_USE, &c, err);
	if (rc)
		return rc;
	long t;
	if (!db_day_from_iso(to_date, &t) || strcmp(to_date, from) < 0) {
		qerr_set(err, "err:enrol_date_invalid", NULL);
		return DB_INVALID;
	}
	rc = db_care_text(reason, 120, true, false, "err:enrol_reason_required", err);
	if (rc)
		return rc;
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	st = dbi_prep(db,
	              "UPDATE enrolment SET to_date = ?3, leave_reason = ?4, updated_at = ?5,"
	              " updated_by = ?6, version = version + 1"
	              " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
	              err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, enrolment_id);
	sqlite3_bind_int64(st, 2, version);
	dbi_bind_text(st, 3, to_date);
	dbi_bind_text(st, 4, reason);
	dbi_bind_text(st, 5, now);
	dbi_bind_actor(st, 6, who);
	rc = db_care_step_versioned(db, st, err);
	if (!rc)
		rc = db_audit(db, who, "enrol_leave", "enrolment", enrolment_id, to_date, err);
	return db_care_finish(db, rc, err);
}

struct enrolment_ctx {
	int64_t class_id;
	long age_day;
};

static void read_enrolment(sqlite3_stmt *st, void *row, void *ctx)
{
	const struct enrolment_ctx *k = ctx;
	struct db_enrolment *e = row;
	e->id = sqlite3_column_int64(st, 0);
	e->class_id = k->class_id;
	e->person_id = sqlite3_column_int64(st, 1);
	dbi_col_text(st, 2, e->first_name, sizeof e->first_name);
	dbi_col_text(st, 3, e->last_name, sizeof e->last_name);
	const unsigned char *sx = sqlite3_column_text(st, 4);
	e->sex = sx ? (char)sx[0] : '?';
	e->age = db_care_age((const char *)sqlite3_column_text(st, 5), sqlite3_column_int(st, 6),
	                     k->age_day);
	dbi_col_text(st, 7, e->school_status, sizeof e->school_status);
	dbi_col_text(st, 8, e->from_date, sizeof e->from_date);
	dbi_col_text(st, 9, e->to_date, sizeof e->to_date);
	dbi_col_text(st, 10, e->leave_reason, sizeof e->leave_reason);
	e->version = sqlite3_column_int64(st, 11);
}

int db_enrolment_list(struct qdb *db, const struct db_actor *who, int64_t class_id,
                      const char *on_day, struct db_enrolment **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	struct db_class c;
	int rc = class_access(db, who, class_id, CLASS_USE, &c, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	long age_day;
	if (on_day && !db_day_from_iso(on_day, &age_day)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	if (!on_day)
		db_day_from_iso(today, &age_day);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT e.id, e.person_id, p.first_name, p.last_name, p.sex,"
	    " coalesce(p.birth_date, ''), coalesce(p.birth_year, 0), p.school_status,"
	    " e.from_date, coalesce(e.to_date, ''), coalesce(e.leave_reason, ''), e.version"
	    " FROM enrolment e JOIN person p ON p.id = e.person_id"
	    " WHERE e.class_id = ?1 AND e.deleted_at IS NULL AND (?2 IS NULL OR"
	    " (e.from_date <= ?2 AND (e.to_date IS NULL OR e.to_date >= ?2)))"
	    " ORDER BY p.last_name COLLATE SQ, p.first_name COLLATE SQ, p.id, e.from_date",
	    err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, class_id);
	dbi_bind_text_or_null(st, 2, on_day);
	struct enrolment_ctx ctx = {class_id, age_day};
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_enrolment, &ctx, &p, n, err);
	*rows = p;
	return rc;
}

/* ---- Expected sessions ---- */

int db_class_expected_dates(struct qdb *db, const struct db_actor *who, int64_t class_id,
                            const char *from, const char *to, struct db_date **dates, int *n,
                            struct qerr *err)
{
	*dates = NULL;
	*n = 0;
	struct db_class c;
	int rc = class_access(db, who, class_id, CLASS_USE, &c, err);
	if (rc)
		return rc;
	long a, b, x;
	db_day_from_iso(c.term_start, &a);
	db_day_from_iso(c.term_end, &b);
	if (from && *from) {
		if (!db_day_from_iso(from, &x)) {
			qerr_set(err, "err:date_invalid", NULL);
			return DB_INVALID;
		}
		a = x > a ? x : a;
	}
	if (to && *to) {
		if (!db_day_from_iso(to, &x)) {
			qerr_set(err, "err:date_invalid", NULL);
			return DB_INVALID;
		}
		b = x < b ? x : b;
	}
	if (b < a)
		return DB_OK;
	long *closed;
	int nclosed;
	rc = db_care_closed_days(db, a, b, &closed, &nclosed, err);
	if (rc)
		return rc;
	int total = db_pattern_days(c.weekdays, a, b, closed, nclosed, NULL, 0);
	long *days = xmalloc(sizeof *days * (size_t)(total ? total : 1));
	db_pattern_days(c.weekdays, a, b, closed, nclosed, days, total);
	*dates = xmalloc(sizeof **dates * (size_t)(total ? total : 1));
	for (int i = 0; i < total; i++)
		db_day_to_iso(days[i], (*dates)[i].s);
	*n = total;
	free(days);
	free(closed);
	return DB_OK;
}

/* The session row of a class on a day (id 0 when none). */
struct session_ref {
	int64_t id, version;
	bool cancelled, has_marks;
	char topic[DB_CARE_TITLE_SZ];
};

static int load_session(struct qdb *db, int64_t class_id, const char *day, struct session_ref *s,
                        struct qerr *err)
{
	memset(s, 0, sizeof *s);
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT s.id, s.version, s.status = 'cancelled', coalesce(s.topic, ''),"
	             " EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id"
	             "  AND a.deleted_at IS NULL)"
	             " FROM class_session s WHERE s.class_id = ?1 AND s.held_on = ?2",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, class_id);
	dbi_bind_text(st, 2, day);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->id = sqlite3_column_int64(st, 0);
		s->version = sqlite3_column_int64(st, 1);
		s->cancelled = sqlite3_column_int(st, 2) != 0;
		dbi_col_text(st, 3, s->topic, sizeof s->topic);
		s->has_marks = sqlite3_column_int(st, 4) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : dbi_fail(db, rc, err);
}

/* A roll or a cancellation must fall within the term and not in the future. */
static int check_session_day(const struct db_class *c, const char *day, struct qerr *err)
{
	long d;
	if (!db_day_from_iso(day, &d)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	if (strcmp(day, c->term_start) < 0 || strcmp(day, c->term_end) > 0) {
		qerr_set(err, "err:roll_outside_term", "%s - %s", c->term_start, c->term_end);
		return DB_INVALID;
	}
	return DB_OK;
}

int db_class_session_cancel(struct qdb *db, const struct db_actor *who, int64_t class_id,
                            const char *day, const char *reason, int64_t version, struct qerr *err)
{
	struct db_class c;
	int rc = class_access(db, who, class_id, CLASS_USE, &c, err);
	if (!rc)
		rc = check_session_day(&c, day, err);
	if (!rc)
		rc = db_care_text(reason, 120, true, false, "err:session_reason_required", err);
	if (rc)
		return rc;
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	struct session_ref s;
	rc = load_session(db, class_id, day, &s, err);
	if (!rc && s.id != 0 && s.version != version) {
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
	}
	if (!rc && s.id == 0 && version != 0) {
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
	}
	if (!rc && s.has_marks) {
		qerr_set(err, "err:session_has_roll", NULL);
		rc = DB_CONFLICT;
	}
	sqlite3_stmt *st = NULL;
	if (!rc && s.id) {
		st = dbi_prep(db,
		              "UPDATE class_session SET status = 'cancelled', cancel_reason = ?3,"
		              " updated_at = ?4, updated_by = ?5, version = version + 1"
		              " WHERE id = ?1 AND version = ?2",
		              err);
		if (st) {
			sqlite3_bind_int64(st, 1, s.id);
			sqlite3_bind_int64(st, 2, s.version);
			dbi_bind_text(st, 3, reason);
			dbi_bind_text(st, 4, now);
			dbi_bind_actor(st, 5, who);
			rc = db_care_step_versioned(db, st, err);
		}
	} else if (!rc) {
		st = dbi_prep(db,
		              "INSERT INTO class_session(class_id, held_on, status, cancel_reason,"
		              " uuid, created_at, created_by, updated_at, updated_by)"
		              " VALUES (?1, ?2, 'cancelled', ?3, ?4, ?5, ?6, ?5, ?6)",
		              err);
		if (st) {
			sqlite3_bind_int64(st, 1, class_id);
			dbi_bind_text(st, 2, day);
			dbi_bind_text(st, 3, reason);
			dbi_bind_text(st, 4, uuid);
			dbi_bind_text(st, 5, now);
			dbi_bind_actor(st, 6, who);
			rc = dbi_step_done(db, st, err);
			s.id = sqlite3_last_insert_rowid(db->h);
		}
	}
	if (!rc && !st)
		rc = DB_ERR;
	if (!rc)
		rc = db_audit(db, who, "session_cancel", "class_session", s.id, day, err);
	return db_care_finish(db, rc, err);
}

/* ---- Roll call ---- */

void db_roll_free(struct db_roll *r)
{
	if (!r)
		return;
	free(r->e);
	r->e = NULL;
	r->n = 0;
}

/* Who belongs on the roll of a day: enrolled that day, or already marked. */
#define ROLL_PEOPLE                                                                                \
	" SELECT e.person_id FROM enrolment e WHERE e.class_id = ?1 AND e.deleted_at IS NULL"      \
	" AND e.from_date <= ?2 AND (e.to_date IS NULL OR e.to_date >= ?2)"                        \
	" UNION SELECT a.person_id FROM attendance a WHERE a.session_id = ?3"                      \
	" AND a.deleted_at IS NULL"

static bool mark_ok(char m)
{
	return m == 'P' || m == 'A' || m == 'L' || m == 'E';
}

int db_roll_open(struct qdb *db, const struct db_actor *who, int64_t class_id, const char *day,
                 struct db_roll *out, struct qerr *err)
{
	memset(out, 0, sizeof *out);
	struct db_class c;
	int rc = class_access(db, who, class_id, CLASS_USE, &c, err);
	if (!rc)
		rc = check_session_day(&c, day, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	if (strcmp(day, today) > 0) {
		qerr_set(err, "err:roll_future", NULL);
		return DB_INVALID;
	}
	struct session_ref s;
	rc = load_session(db, class_id, day, &s, err);
	if (rc)
		return rc;
	long d;
	db_day_from_iso(day, &d);
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT p.id, p.first_name, p.last_name, p.sex, coalesce(p.birth_date, ''),"
	    " coalesce(p.birth_year, 0), p.school_status, coalesce(a.mark, ''),"
	    " coalesce(a.note, '')"
	    " FROM person p LEFT JOIN attendance a ON a.session_id = ?3"
	    "  AND a.person_id = p.id AND a.deleted_at IS NULL"
	    " WHERE p.id IN (" ROLL_PEOPLE ") AND (p.deleted_at IS NULL OR a.id IS NOT NULL)"
	    " ORDER BY p.last_name COLLATE SQ, p.first_name COLLATE SQ, p.id",
	    err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, class_id);
	dbi_bind_text(st, 2, day);
	sqlite3_bind_int64(st, 3, s.id);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->e = db_care_grow(out->e, out->n, &cap, sizeof *out->e);
		struct db_roll_entry *e = &out->e[out->n++];
		memset(e, 0, sizeof *e);
		e->person_id = sqlite3_column_int64(st, 0);
		e->list_no = out->n;
		dbi_col_text(st, 1, e->first_name, sizeof e->first_name);
		dbi_col_text(st, 2, e->last_name, sizeof e->last_name);
		const unsigned char *sx = sqlite3_column_text(st, 3);
		e->sex = sx ? (char)sx[0] : '?';
		e->age = db_care_age((const char *)sqlite3_column_text(st, 4),
		                     sqlite3_column_int(st, 5), d);
		dbi_col_text(st, 6, e->school_status, sizeof e->school_status);
		const unsigned char *m = sqlite3_column_text(st, 7);
		e->saved = m && mark_ok((char)m[0]) ? (char)m[0] : '\0';
		e->mark = e->saved ? e->saved : 'P';
		dbi_col_text(st, 8, e->note, sizeof e->note);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_roll_free(out);
		return dbi_fail(db, rc, err);
	}
	out->class_id = class_id;
	util_strlcpy(out->class_name, c.name, sizeof out->class_name);
	util_strlcpy(out->day, day, sizeof out->day);
	out->session_id = s.id;
	out->version = s.version;
	out->cancelled = s.cancelled;
	util_strlcpy(out->topic, s.topic, sizeof out->topic);
	return DB_OK;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The person ids allowed on the roll, sorted. */
static int roll_people(struct qdb *db, int64_t class_id, const char *day, int64_t session_id,
                       int64_t **ids, int *n, struct qerr *err)
{
	*ids = NULL;
	*n = 0;
	sqlite3_stmt *st = dbi_prep(db, ROLL_PEOPLE, err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, class_id);
	dbi_bind_text(st, 2, day);
	sqlite3_bind_int64(st, 3, session_id);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = db_care_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	if (*n > 1)
		qsort(*ids, (size_t)*n, sizeof **ids, cmp_id);
	return DB_OK;
}

int db_roll_save(struct qdb *db, const struct db_actor *who, struct db_roll *roll, struct qerr *err)
{
	if (!roll) {
		qerr_set(err, "err:internal", "no roll");
		return DB_ERR;
	}
	struct db_class c;
	int rc = class_access(db, who, roll->class_id, CLASS_USE, &c, err);
	if (!rc)
		rc = check_session_day(&c, roll->day, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	if (strcmp(roll->day, today) > 0) {
		qerr_set(err, "err:roll_future", NULL);
		return DB_INVALID;
	}
	rc = db_care_text(roll->topic, 120, false, false, "err:roll_topic_invalid", err);
	if (rc)
		return rc;
	for (int i = 0; i < roll->n; i++) {
		if (!mark_ok(roll->e[i].mark)) {
			qerr_set(err, "err:roll_mark_invalid", "%d", roll->e[i].list_no);
			return DB_INVALID;
		}
		rc = db_care_text(roll->e[i].note, 120, false, false, "err:roll_note_invalid", err);
		if (rc)
			return rc;
	}
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	struct session_ref s;
	rc = load_session(db, roll->class_id, roll->day, &s, err);
	if (rc)
		goto fail;
	if (s.id != roll->session_id || (s.id && s.version != roll->version)) {
		qerr_set(err, "err:db_stale", NULL);
		rc = DB_STALE;
		goto fail;
	}
	int64_t *allowed;
	int nallowed;
	rc = roll_people(db, roll->class_id, roll->day, s.id, &allowed, &nallowed, err);
	if (rc)
		goto fail;
	for (int i = 0; i < roll->n; i++) {
		if (!bsearch(&roll->e[i].person_id, allowed, (size_t)nallowed, sizeof *allowed,
		             cmp_id)) {
			qerr_set(err, "err:roll_person_invalid", "%d", roll->e[i].list_no);
			rc = DB_INVALID;
			break;
		}
	}
	free(allowed);
	if (rc)
		goto fail;

	sqlite3_stmt *st;
	int64_t new_version;
	if (s.id == 0) {
		char uuid[37];
		util_uuid(uuid);
		st = dbi_prep(db,
		              "INSERT INTO class_session(class_id, held_on, status, topic, uuid,"
		              " created_at, created_by, updated_at, updated_by)"
		              " VALUES (?1, ?2, 'held', ?3, ?4, ?5, ?6, ?5, ?6)",
		              err);
		if (!st) {
			rc = DB_ERR;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, roll->class_id);
		dbi_bind_text(st, 2, roll->day);
		dbi_bind_text_or_null(st, 3, roll->topic);
		dbi_bind_text(st, 4, uuid);
		dbi_bind_text(st, 5, now);
		dbi_bind_actor(st, 6, who);
		rc = dbi_step_done(db, st, err);
		s.id = sqlite3_last_insert_rowid(db->h);
		new_version = 1;
	} else {
		st = dbi_prep(db,
		              "UPDATE class_session SET status = 'held', cancel_reason = NULL,"
		              " topic = ?3, updated_at = ?4, updated_by = ?5, version = version + 1"
		              " WHERE id = ?1 AND version = ?2",
		              err);
		if (!st) {
			rc = DB_ERR;
			goto fail;
		}
		sqlite3_bind_int64(st, 1, s.id);
		sqlite3_bind_int64(st, 2, s.version);
		dbi_bind_text_or_null(st, 3, roll->topic);
		dbi_bind_text(st, 4, now);
		dbi_bind_actor(st, 5, who);
		rc = db_care_step_versioned(db, st, err);
		new_version = s.version + 1;
	}
	if (rc)
		goto fail;

	struct sbuf changes = {0};
	int counts[4] = {0, 0, 0, 0}, nchanged = 0;
	for (int i = 0; i < roll->n && !rc; i++) {
		const struct db_roll_entry *e = &roll->e[i];
		char uuid[37];
		util_uuid(uuid);
		st = dbi_prep(
		    db,
		    "INSERT INTO attendance(session_id, person_id, mark, note, uuid, created_at,"
		    " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, "
		    "?7)"
		    " ON CONFLICT (session_id, person_id) DO UPDATE SET mark = excluded.mark,"
		    " note = excluded.note, updated_at = excluded.updated_at,"
		    " updated_by = excluded.updated_by, version = version + 1, deleted_at = NULL"
		    " WHERE mark IS NOT excluded.mark OR note IS NOT excluded.note"
		    " OR deleted_at IS NOT NULL",
		    err);
		if (!st) {
			rc = DB_ERR;
			break;
		}
		sqlite3_bind_int64(st, 1, s.id);
		sqlite3_bind_int64(st, 2, e->person_id);
		char mark[2] = {e->mark, '\0'};
		dbi_bind_text(st, 3, mark);
		dbi_bind_text_or_null(st, 4, e->note);
		dbi_bind_text(st, 5, uuid);
		dbi_bind_text(st, 6, now);
		dbi_bind_actor(st, 7, who);
		rc = dbi_step_done(db, st, err);
		counts[strchr("PALE", e->mark) - "PALE"]++;
		if (e->saved && e->saved != e->mark) {
			sbuf_printf(&changes, "%s%lld:%c>%c", nchanged ? " " : "",
			            (long long)e->person_id, e->saved, e->mark);
			nchanged++;
		}
	}
	if (!rc) {
		if (nchanged)
			rc = db_audit(db, who, "roll_correct", "class_session", s.id, changes.s,
			              err);
		else {
			char detail[96];
			snprintf(detail, sizeof detail, "%s n=%d P=%d A=%d L=%d E=%d", roll->day,
			         roll->n, counts[0], counts[1], counts[2], counts[3]);
			rc = db_audit(db, who, "roll_save", "class_session", s.id, detail, err);
		}
	}
	sbuf_free(&changes);
	if (rc)
		goto fail;
	rc = db_commit(db, err);
	if (rc)
		return rc;
	roll->session_id = s.id;
	roll->version = new_version;
	roll->cancelled = false;
	for (int i = 0; i < roll->n; i++)
		roll->e[i].saved = roll->e[i].mark;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

/* ---- Roll not taken ---- */

struct miss_class {
	int64_t id, teacher_id;
	char name[321], teacher_name[DB_CARE_NAME_SZ];
	unsigned weekdays;
	long start, end;
};

struct miss_session {
	int64_t class_id, id, version;
	long day;
	bool done; /* cancelled, or held with marks */
};

struct miss_enrol {
	int64_t class_id;
	long from, to;
};

static int cmp_session(const void *a, const void *b)
{
	const struct miss_session *x = a, *y = b;
	if (x->class_id != y->class_id)
		return x->class_id < y->class_id ? -1 : 1;
	return x->day < y->day ? -1 : x->day > y->day;
}

static int cmp_missing(const void *a, const void *b)
{
	const struct db_roll_missing *x = a, *y = b;
	int c = strcmp(x->day, y->day);
	if (c)
		return c;
	c = db_collate_sq(x->class_name, (int)strlen(x->class_name), y->class_name,
	                  (int)strlen(y->class_name));
	if (c)
		return c;
	return x->class_id < y->class_id ? -1 : x->class_id > y->class_id;
}

int db_roll_missing_list(struct qdb *db, const struct db_actor *who, const char *today,
                         struct db_roll_missing **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, CLASS_USE, err);
	if (rc)
		return rc;
	long t;
	if (!db_day_from_iso(today, &t)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	int64_t teacher = who && who->role == DB_ROLE_TEACHER ? who->user_id : 0;
	struct miss_class *cls = NULL;
	struct miss_session *ses = NULL;
	struct miss_enrol *enr = NULL;
	long *closed = NULL;
	int ncls = 0, nses = 0, nenr = 0, nclosed = 0, cap = 0;

	/* 1. The classes whose term began before today. */
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT c.id, c.name, c.teacher_id, coalesce(u.full_name, ''),"
	                            " c.weekdays, c.term_start, c.term_end FROM class c"
	                            " LEFT JOIN app_user u ON u.id = c.teacher_id"
	                            " WHERE c.deleted_at IS NULL AND c.term_start < ?1"
	                            " AND (?2 = 0 OR c.teacher_id = ?2) ORDER BY c.id",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int64(st, 2, teacher);
	long min_start = t;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cls = db_care_grow(cls, ncls, &cap, sizeof *cls);
		struct miss_class *c = &cls[ncls];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		dbi_col_text(st, 1, c->name, sizeof c->name);
		c->teacher_id = sqlite3_column_int64(st, 2);
		dbi_col_text(st, 3, c->teacher_name, sizeof c->teacher_name);
		c->weekdays = (unsigned)sqlite3_column_int(st, 4);
		if (!db_day_from_iso((const char *)sqlite3_column_text(st, 5), &c->start) ||
		    !db_day_from_iso((const char *)sqlite3_column_text(st, 6), &c->end))
			continue;
		if (c->end > t - 1)
			c->end = t - 1;
		if (c->start < min_start)
			min_start = c->start;
		ncls++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = dbi_fail(db, rc, err);
		goto out;
	}
	if (ncls == 0) {
		rc = DB_OK;
		goto out;
	}
	/* 2. Closure days, sessions and enrolment periods, each in one query. */
	rc = db_care_closed_days(db, min_start, t - 1, &closed, &nclosed, err);
	if (rc)
		goto out;
	st = dbi_prep(db,
	              "SELECT s.class_id, s.id, s.version, s.held_on, s.status = 'cancelled' OR"
	              " EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id"
	              "  AND a.deleted_at IS NULL)"
	              " FROM class_session s JOIN class c ON c.id = s.class_id"
	              " WHERE c.deleted_at IS NULL AND s.deleted_at IS NULL AND s.held_on < ?1"
	              " AND (?2 = 0 OR c.teacher_id = ?2)",
	              err);
	if (!st) {
		rc = DB_ERR;
		goto out;
	}
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int64(st, 2, teacher);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ses = db_care_grow(ses, nses, &cap, sizeof *ses);
		struct miss_session *s = &ses[nses];
		s->class_id = sqlite3_column_int64(st, 0);
		s->id = sqlite3_column_int64(st, 1);
		s->version = sqlite3_column_int64(st, 2);
		s->done = sqlite3_column_int(st, 4) != 0;
		if (db_day_from_iso((const char *)sqlite3_column_text(st, 3), &s->day))
			nses++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = dbi_fail(db, rc, err);
		goto out;
	}
	if (nses > 1)
		qsort(ses, (size_t)nses, sizeof *ses, cmp_session);
	st = dbi_prep(db,
	              "SELECT e.class_id, e.from_date, coalesce(e.to_date, '2999-12-31')"
	              " FROM enrolment e JOIN class c ON c.id = e.class_id"
	              " WHERE c.deleted_at IS NULL AND e.deleted_at IS NULL AND e.from_date < ?1"
	              " AND (?2 = 0 OR c.teacher_id = ?2) ORDER BY e.class_id",
	              err);
	if (!st) {
		rc = DB_ERR;
		goto out;
	}
	dbi_bind_text(st, 1, today);
	sqlite3_bind_int64(st, 2, teacher);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enr = db_care_grow(enr, nenr, &cap, sizeof *enr);
		struct miss_enrol *e = &enr[nenr];
		e->class_id = sqlite3_column_int64(st, 0);
		if (db_day_from_iso((const char *)sqlite3_column_text(st, 1), &e->from) &&
		    db_day_from_iso((const char *)sqlite3_column_text(st, 2), &e->to))
			nenr++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = dbi_fail(db, rc, err);
		goto out;
	}
	rc = DB_OK;

	/* 3. Walk each class's pattern. */
	cap = 0;
	int ei = 0;
	for (int ci = 0; ci < ncls; ci++) {
		const struct miss_class *c = &cls[ci];
		while (ei < nenr && enr[ei].class_id < c->id)
			ei++;
		int ej = ei;
		while (ej < nenr && enr[ej].class_id == c->id)
			ej++;
		if (c->end < c->start || ej == ei)
			continue;
		int total =
		    db_pattern_days(c->weekdays, c->start, c->end, closed, nclosed, NULL, 0);
		long *days = xmalloc(sizeof *days * (size_t)(total ? total : 1));
		db_pattern_days(c->weekdays, c->start, c->end, closed, nclosed, days, total);
		for (int k = 0; k < total; k++) {
			bool enrolled = false;
			for (int q = ei; q < ej && !enrolled; q++)
				enrolled = enr[q].from <= days[k] && days[k] <= enr[q].to;
			if (!enrolled)
				continue;
			struct miss_session key = {c->id, 0, 0, days[k], false};
			const struct miss_session *s =
			    nses ? bsearch(&key, ses, (size_t)nses, sizeof *ses, cmp_session)
			         : NULL;
			if (s && s->done)
				continue;
			*rows = db_care_grow(*rows, *n, &cap, sizeof **rows);
			struct db_roll_missing *m = &(*rows)[(*n)++];
			memset(m, 0, sizeof *m);
			m->class_id = c->id;
			util_strlcpy(m->class_name, c->name, sizeof m->class_name);
			m->teacher_id = c->teacher_id;
			util_strlcpy(m->teacher_name, c->teacher_name, sizeof m->teacher_name);
			db_day_to_iso(days[k], m->day);
			m->session_id = s ? s->id : 0;
			m->version = s ? s->version : 0;
		}
		free(days);
	}
	if (*n > 1)
		qsort(*rows, (size_t)*n, sizeof **rows, cmp_missing);
out:
	free(cls);
	free(ses);
	free(enr);
	free(closed);
	if (rc) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
