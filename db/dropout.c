/*
 * dropout — the early warning: which enrolled children are slipping away,
 * computed for the whole centre by one set-based query (every enrolled
 * child and class with their run of unexcused absences, attendance over the
 * window, school status, family risk factors and the latest action taken),
 * then scored in C with the configured rule.
 *
 * What staff did about a child is kept in dropout_flag, one row per
 * episode and (child, class): a home visit or referral stays shown beside
 * the child until the child attends again (a new episode starts open); a
 * dismissal hides the child until the pattern is worse than when it was
 * dismissed (a higher score or a longer run of absences).
 */
#include "db/carei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DROPOUT_ROLES (DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR))

static const char *const state_names[] = {"open", "home_visit", "referred", "dismissed"};

const char *db_dropout_state_name(enum db_dropout_state s)
{
	return (unsigned)s <= DB_DROPOUT_DISMISSED ? state_names[s] : "?";
}

static int state_parse(const char *s)
{
	for (int i = 0; s && i <= DB_DROPOUT_DISMISSED; i++)
		if (strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

void db_dropout_rule_default(struct db_dropout_rule *r)
{
	r->absences_in_row = 3;
	r->min_rate_percent = 75;
	r->window_weeks = 4;
	r->min_sessions = 4;
	r->weight_irregular = 1;
	r->weight_dropped_out = 2;
	r->weight_risk_factor = 1;
	r->flag_score = 3;
	r->rule_points = 3;
}

int db_dropout_score(const struct db_dropout_rule *rule, struct db_dropout_reason *why)
{
	int points = rule->rule_points > 0 ? rule->rule_points : 3;
	why->run_hit = why->run >= rule->absences_in_row;
	why->rate_hit = why->rate >= 0 && why->sessions >= rule->min_sessions &&
	                why->rate < rule->min_rate_percent;
	why->school_weight = 0;
	if (strcmp(why->school_status, "irregular") == 0)
		why->school_weight = rule->weight_irregular;
	else if (strcmp(why->school_status, "dropped_out") == 0)
		why->school_weight = rule->weight_dropped_out;
	int f = why->risk_factors < 0 ? 0 : why->risk_factors;
	if (f > DB_DROPOUT_MAX_FACTORS)
		f = DB_DROPOUT_MAX_FACTORS;
	why->risk_weight = rule->weight_risk_factor * f;
	return points * ((why->run_hit ? 1 : 0) + (why->rate_hit ? 1 : 0)) + why->school_weight +
	       why->risk_weight;
}

/* One query for the whole centre: ?1 = today, ?2 = first day of the window. */
static const char dropout_sql[] =
    "WITH enr AS ("
    " SELECT DISTINCT e.person_id, e.class_id FROM enrolment e JOIN class c ON c.id = e.class_id"
    " WHERE e.deleted_at IS NULL AND c.deleted_at IS NULL AND e.from_date <= ?1"
    " AND (e.to_date IS NULL OR e.to_date >= ?1)),"
    "m AS MATERIALIZED ("
    " SELECT enr.person_id, enr.class_id, s.held_on, a.mark FROM enr"
    " JOIN class_session s ON s.class_id = enr.class_id"
    " JOIN attendance a ON a.session_id = s.id AND a.person_id = enr.person_id"
    " WHERE s.status = 'held' AND s.deleted_at IS NULL AND s.held_on <= ?1"
    " AND a.deleted_at IS NULL AND a.mark <> 'E'),"
    "g AS ("
    " SELECT person_id, class_id, max(CASE WHEN mark <> 'A' THEN held_on END) AS last_present,"
    " sum(held_on >= ?2) AS win_n, sum(held_on >= ?2 AND mark <> 'A') AS win_present"
    " FROM m GROUP BY person_id, class_id),"
    "r AS ("
    " SELECT m.person_id, m.class_id, count(*) AS run FROM m"
    " JOIN g ON g.person_id = m.person_id AND g.class_id = m.class_id"
    " WHERE m.mark = 'A' AND m.held_on > coalesce(g.last_present, '')"
    " GROUP BY m.person_id, m.class_id)"
    "SELECT enr.person_id, enr.class_id, coalesce(r.run, 0), coalesce(g.win_n, 0),"
    " coalesce(g.win_present, 0), coalesce(g.last_present, ''), p.first_name, p.last_name,"
    " p.sex, coalesce(p.birth_date, ''), coalesce(p.birth_year, 0), p.school_status,"
    " p.family_id, f.code, c.name,"
    " (SELECT count(*) FROM screening_factor sf WHERE sf.present = 1 AND sf.screening_id ="
    "  (SELECT s2.id FROM screening s2 WHERE s2.family_id = p.family_id"
    "   AND s2.deleted_at IS NULL ORDER BY s2.screened_on DESC, s2.id DESC LIMIT 1)),"
    " coalesce(fl.id, 0), coalesce(fl.version, 0), coalesce(fl.state, ''),"
    " coalesce(fl.score, 0), coalesce(fl.reason, ''), coalesce(fl.flagged_on, ''),"
    " coalesce(fl.action_note, '')"
    " FROM enr JOIN person p ON p.id = enr.person_id JOIN family f ON f.id = p.family_id"
    " JOIN class c ON c.id = enr.class_id"
    " LEFT JOIN g ON g.person_id = enr.person_id AND g.class_id = enr.class_id"
    " LEFT JOIN r ON r.person_id = enr.person_id AND r.class_id = enr.class_id"
    " LEFT JOIN dropout_flag fl ON fl.id = (SELECT max(x.id) FROM dropout_flag x"
    "  WHERE x.person_id = enr.person_id AND x.class_id = enr.class_id"
    "  AND x.deleted_at IS NULL)"
    " WHERE p.deleted_at IS NULL AND f.deleted_at IS NULL";

/* Better row first: higher score, longer run, longer since attending. */
static int worse(const struct db_dropout_row *a, const struct db_dropout_row *b)
{
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->why.run != b->why.run)
		return a->why.run > b->why.run ? -1 : 1;
	if (a->days_since != b->days_since)
		return a->days_since > b->days_since ? -1 : 1;
	return 0;
}

static int cmp_person(const void *pa, const void *pb)
{
	const struct db_dropout_row *a = pa, *b = pb;
	if (a->person_id != b->person_id)
		return a->person_id < b->person_id ? -1 : 1;
	int c = worse(a, b);
	if (c)
		return c;
	return a->class_id < b->class_id ? -1 : a->class_id > b->class_id;
}

static int cmp_list(const void *pa, const void *pb)
{
	const struct db_dropout_row *a = pa, *b = pb;
	int c = worse(a, b);
	if (c)
		return c;
	c = db_collate_sq(a->last_name, (int)strlen(a->last_name), b->last_name,
	                  (int)strlen(b->last_name));
	if (c)
		return c;
	c = db_collate_sq(a->first_name, (int)strlen(a->first_name), b->first_name,
	                  (int)strlen(b->first_name));
	if (c)
		return c;
	return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

int db_dropout_list(struct qdb *db, const struct db_actor *who, const char *today,
                    const struct db_dropout_rule *rule, struct db_dropout_row **rows, int *n,
                    struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = dbi_allow(who, DROPOUT_ROLES, err);
	if (rc)
		return rc;
	long t;
	if (!db_day_from_iso(today, &t)) {
		qerr_set(err, "err:date_invalid", NULL);
		return DB_INVALID;
	}
	struct db_dropout_rule def;
	if (!rule) {
		db_dropout_rule_default(&def);
		rule = &def;
	}
	int weeks = rule->window_weeks > 0 ? rule->window_weeks : 4;
	char win[11];
	db_day_to_iso(t - 7L * weeks + 1, win);
	sqlite3_stmt *st = dbi_prep(db, dropout_sql, err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, today);
	dbi_bind_text(st, 2, win);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_dropout_row r;
		memset(&r, 0, sizeof r);
		r.why.run = sqlite3_column_int(st, 2);
		r.why.sessions = sqlite3_column_int(st, 3);
		int present = sqlite3_column_int(st, 4);
		r.why.rate = r.why.sessions ? 100 * present / r.why.sessions : -1;
		dbi_col_text(st, 11, r.why.school_status, sizeof r.why.school_status);
		r.why.risk_factors = sqlite3_column_int(st, 15);
		r.score = db_dropout_score(rule, &r.why);
		if (r.score < rule->flag_score)
			continue;
		r.person_id = sqlite3_column_int64(st, 0);
		r.class_id = sqlite3_column_int64(st, 1);
		dbi_col_text(st, 5, r.last_present, sizeof r.last_present);
		long lp;
		r.days_since = db_day_from_iso(r.last_present, &lp) ? (int)(t - lp) : -1;
		dbi_col_text(st, 6, r.first_name, sizeof r.first_name);
		dbi_col_text(st, 7, r.last_name, sizeof r.last_name);
		const unsigned char *sx = sqlite3_column_text(st, 8);
		r.sex = sx ? (char)sx[0] : '?';
		r.age = db_care_age((const char *)sqlite3_column_text(st, 9),
		                    sqlite3_column_int(st, 10), t);
		r.family_id = sqlite3_column_int64(st, 12);
		dbi_col_text(st, 13, r.family_code, sizeof r.family_code);
		dbi_col_text(st, 14, r.class_name, sizeof r.class_name);
		r.flag_id = sqlite3_column_int64(st, 16);
		r.flag_version = sqlite3_column_int64(st, 17);
		int state = state_parse((const char *)sqlite3_column_text(st, 18));
		int fl_score = sqlite3_column_int(st, 19);
		int fl_run = 0;
		sscanf((const char *)sqlite3_column_text(st, 20), "run=%d", &fl_run);
		char flagged_on[11];
		dbi_col_text(st, 21, flagged_on, sizeof flagged_on);
		r.state = DB_DROPOUT_OPEN;
		if (r.flag_id && state == DB_DROPOUT_DISMISSED) {
			/* Dismissed: back only when worse than at dismissal. */
			if (r.score <= fl_score && r.why.run <= fl_run)
				continue;
			r.returned = true;
		} else if (r.flag_id && state > DB_DROPOUT_OPEN) {
			/* An action belongs to this episode until the child attends again. */
			r.flag_current =
			    !r.last_present[0] || strcmp(r.last_present, flagged_on) <= 0;
			if (r.flag_current) {
				r.state = (enum db_dropout_state)state;
				dbi_col_text(st, 22, r.action_note, sizeof r.action_note);
			}
		}
		*rows = db_care_grow(*rows, *n, &cap, sizeof **rows);
		(*rows)[(*n)++] = r;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	/* One row per child: the class where it looks worst. */
	if (*n > 1) {
		qsort(*rows, (size_t)*n, sizeof **rows, cmp_person);
		int k = 0;
		for (int i = 0; i < *n; i++)
			if (k == 0 || (*rows)[k - 1].person_id != (*rows)[i].person_id)
				(*rows)[k++] = (*rows)[i];
		*n = k;
		qsort(*rows, (size_t)*n, sizeof **rows, cmp_list);
	}
	return DB_OK;
}

int db_dropout_count(struct qdb *db, const struct db_actor *who, const char *today,
                     const struct db_dropout_rule *rule, int *open, int *total, struct qerr *err)
{
	if (open)
		*open = 0;
	if (total)
		*total = 0;
	struct db_dropout_row *rows;
	int n;
	int rc = db_dropout_list(db, who, today, rule, &rows, &n, err);
	if (rc)
		return rc;
	int o = 0;
	for (int i = 0; i < n; i++)
		if (rows[i].state == DB_DROPOUT_OPEN)
			o++;
	free(rows);
	if (open)
		*open = o;
	if (total)
		*total = n;
	return DB_OK;
}

int db_dropout_act(struct qdb *db, const struct db_actor *who, const struct db_dropout_row *row,
                   enum db_dropout_state action, const char *note, struct qerr *err)
{
	int rc = dbi_allow(who, DROPOUT_ROLES, err);
	if (rc)
		return rc;
	if (!row || row->person_id <= 0 || row->class_id <= 0) {
		qerr_set(err, "err:internal", "no row");
		return DB_ERR;
	}
	if (action != DB_DROPOUT_HOME_VISIT && action != DB_DROPOUT_REFERRED &&
	    action != DB_DROPOUT_DISMISSED) {
		qerr_set(err, "err:dropout_action_invalid", NULL);
		return DB_INVALID;
	}
	rc = db_care_text(note, 500, action == DB_DROPOUT_DISMISSED, true,
	                  "err:dropout_note_required", err);
	if (rc)
		return rc;
	char reason[128], today[11], uuid[37], now[20];
	snprintf(reason, sizeof reason, "run=%d rate=%d n=%d school=%.15s risk=%d", row->why.run,
	         row->why.rate, row->why.sessions, row->why.school_status, row->why.risk_factors);
	util_today(today);
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT coalesce(max(id), 0) FROM dropout_flag"
	             " WHERE person_id = ?1 AND class_id = ?2 AND deleted_at IS NULL",
	             err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, row->person_id);
	sqlite3_bind_int64(st, 2, row->class_id);
	int64_t latest = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	if (latest != row->flag_id) {
		db_rollback(db);
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	int64_t id = row->flag_id;
	if (row->flag_id && row->flag_current) {
		/* The same episode: change what was decided. */
		st = dbi_prep(db,
		              "UPDATE dropout_flag SET state = ?3, action_note = ?4, score = ?5,"
		              " reason = ?6, flagged_on = ?7, updated_at = ?8, updated_by = ?9,"
		              " version = version + 1 WHERE id = ?1 AND version = ?2",
		              err);
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, row->flag_id);
		sqlite3_bind_int64(st, 2, row->flag_version);
	} else {
		st = dbi_prep(
		    db,
		    "INSERT INTO dropout_flag(person_id, class_id, state, action_note, score,"
		    " reason, flagged_on, created_at, created_by, updated_at, updated_by,"
		    " uuid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, ?10)",
		    err);
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, row->person_id);
		sqlite3_bind_int64(st, 2, row->class_id);
		dbi_bind_text(st, 10, uuid);
	}
	dbi_bind_text(st, 3, db_dropout_state_name(action));
	dbi_bind_text_or_null(st, 4, note);
	sqlite3_bind_int(st, 5, row->score);
	dbi_bind_text(st, 6, reason);
	dbi_bind_text(st, 7, today);
	dbi_bind_text(st, 8, now);
	dbi_bind_actor(st, 9, who);
	if (row->flag_id && row->flag_current) {
		rc = db_care_step_versioned(db, st, err);
	} else {
		rc = dbi_step_done(db, st, err);
		id = sqlite3_last_insert_rowid(db->h);
	}
	if (!rc) {
		char action_name[40];
		snprintf(action_name, sizeof action_name, "dropout_%s",
		         db_dropout_state_name(action));
		rc = db_audit(db, who, action_name, "dropout_flag", id, reason, err);
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
fail:
	db_rollback(db);
	return DB_ERR;
}
