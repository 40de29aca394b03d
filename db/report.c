/*
 * report — the programme indicators (see report.h).
 *
 * Each indicator is one prepared statement that returns aggregate rows
 * (breakdown, sex, age, band key, n, denominator): people are grouped by sex
 * and by their age in whole years at the period end, and C only folds the
 * ages into the configured bands. So the work is a handful of GROUP BY scans
 * whatever the number of people, and no name ever leaves SQLite.
 *
 * All statements run inside one deferred (read) transaction, so the figures
 * are one consistent snapshot even while other desks write.
 */
#include "db/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/dbi.h"

#define REPORT_ROLES                                                                               \
	(DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR) | DBI_ROLE(DB_ROLE_VIEWER))

/* clang-format off */
/* Age in whole years at :to, from the birth date or else the birth year. */
#define AGE(p)                                                                                     \
	"(CASE WHEN " p ".birth_date IS NOT NULL THEN CAST(substr(:to, 1, 4) AS INTEGER)"          \
	" - CAST(substr(" p ".birth_date, 1, 4) AS INTEGER)"                                       \
	" - (substr(:to, 6, 5) < substr(" p ".birth_date, 6, 5))"                                  \
	" WHEN " p ".birth_year IS NOT NULL THEN CAST(substr(:to, 1, 4) AS INTEGER) - " p ".birth_year END)"
#define PJOIN(col)                                                                                 \
	" JOIN person p ON p.id = " col " AND p.deleted_at IS NULL"                                \
	" JOIN family f ON f.id = p.family_id AND f.deleted_at IS NULL"
#define MUNI " (:muni IS NULL OR f.municipality = :muni)"
#define IN_PERIOD(c) " " c " BETWEEN :from AND :to"
#define TS_IN_PERIOD(c) " " c " >= :from AND " c " < date(:to, '+1 day')"
#define HEAD_LEFT                                                                                  \
	" LEFT JOIN person h ON h.id = f.head_person_id AND h.deleted_at IS NULL"

static const char sql_at_risk[] =
	"WITH nr AS (SELECT DISTINCT s.person_id AS pid FROM screening s"
	"  WHERE s.person_id IS NOT NULL AND s.deleted_at IS NULL AND s.level IN ('medium','high')"
	"  AND" IN_PERIOD("s.screened_on") " AND NOT EXISTS (SELECT 1 FROM screening e"
	"  WHERE e.person_id = s.person_id AND e.deleted_at IS NULL"
	"  AND e.level IN ('medium','high') AND e.screened_on < :from)),"
	" np AS (SELECT p.id AS id, p.sex AS sex, " AGE("p") " AS age, f.identified_by AS idby"
	"  FROM nr" PJOIN("nr.pid") " WHERE" MUNI ")"
	" SELECT '', sex, age, NULL, count(*), NULL FROM np GROUP BY 2, 3"
	" UNION ALL SELECT 'identified_by:' || idby, sex, age, NULL, count(*), NULL FROM np"
	"  GROUP BY 1, 2, 3"
	" UNION ALL SELECT 'risk_factors:' || sf.factor, np.sex, np.age, NULL,"
	"  count(DISTINCT np.id), NULL FROM np JOIN screening s ON s.person_id = np.id"
	"  AND s.deleted_at IS NULL AND s.level IN ('medium','high') AND" IN_PERIOD("s.screened_on")
	"  JOIN screening_factor sf ON sf.screening_id = s.id AND sf.present = 1 GROUP BY 1, 2, 3";

static const char sql_fam_reg[] =
	"WITH fr AS (SELECT f.identified_by AS idby, h.sex AS sex, " AGE("h") " AS age"
	"  FROM family f" HEAD_LEFT " WHERE f.deleted_at IS NULL AND" IN_PERIOD("f.reg_date")
	"  AND" MUNI ")"
	" SELECT '', sex, age, NULL, count(*), NULL FROM fr GROUP BY 2, 3"
	" UNION ALL SELECT 'identified_by:' || idby, sex, age, NULL, count(*), NULL FROM fr"
	"  GROUP BY 1, 2, 3";

/* The status is today's; a family closed after the period end was still
 * active at it (its last change is after the end). */
static const char sql_fam_active[] =
	"SELECT '', h.sex, " AGE("h") ", NULL, count(*), NULL FROM family f" HEAD_LEFT
	" WHERE f.deleted_at IS NULL AND f.reg_date <= :to"
	" AND (f.status = 'active' OR f.updated_at >= date(:to, '+1 day')) AND" MUNI
	" GROUP BY 2, 3";

static const char sql_visits[] =
	"SELECT 'registered', p.sex, " AGE("p") ", NULL, count(*), NULL FROM visit v" PJOIN("v.person_id")
	" WHERE v.deleted_at IS NULL AND" TS_IN_PERIOD("v.at") " AND" MUNI " GROUP BY 2, 3"
	" UNION ALL SELECT 'anonymous', t.sex, NULL, t.age_band, count(*), NULL FROM visit_tally t"
	" WHERE t.deleted_at IS NULL AND" TS_IN_PERIOD("t.at") " AND :centre GROUP BY 2, 4";

static const char sql_visitors[] =
	"SELECT '', p.sex, " AGE("p") ", NULL, count(DISTINCT p.id), NULL FROM visit v" PJOIN("v.person_id")
	" WHERE v.deleted_at IS NULL AND" TS_IN_PERIOD("v.at") " AND" MUNI " GROUP BY 2, 3";

static const char sql_referred[] =
	"WITH rp AS (SELECT DISTINCT p.id AS id, p.sex AS sex, " AGE("p") " AS age, r.service AS svc"
	"  FROM referral r" PJOIN("r.person_id") " WHERE r.deleted_at IS NULL"
	"  AND" IN_PERIOD("r.referred_on") " AND" MUNI ")"
	" SELECT '', sex, age, NULL, count(DISTINCT id), NULL FROM rp GROUP BY 2, 3"
	" UNION ALL SELECT 'services:' || svc, sex, age, NULL, count(*), NULL FROM rp GROUP BY 1, 2, 3";

static const char sql_ref_done[] =
	"WITH rc AS (SELECT p.sex AS sex, " AGE("p") " AS age, r.service AS svc"
	"  FROM referral r" PJOIN("r.person_id") " WHERE r.deleted_at IS NULL"
	"  AND r.status = 'completed' AND" IN_PERIOD("r.status_on") " AND" MUNI ")"
	" SELECT '', sex, age, NULL, count(*), NULL FROM rc GROUP BY 2, 3"
	" UNION ALL SELECT 'services:' || svc, sex, age, NULL, count(*), NULL FROM rc GROUP BY 1, 2, 3";

static const char sql_counselled[] =
	"WITH cp AS (SELECT DISTINCT p.id AS id, p.sex AS sex, " AGE("p") " AS age, a.type AS type"
	"  FROM appointment a" PJOIN("a.person_id") " WHERE a.deleted_at IS NULL"
	"  AND a.status = 'held' AND" TS_IN_PERIOD("a.start_at") " AND" MUNI ")"
	" SELECT '', sex, age, NULL, count(DISTINCT id), NULL FROM cp GROUP BY 2, 3"
	" UNION ALL SELECT 'counselling_types:' || type, sex, age, NULL, count(*), NULL FROM cp"
	"  GROUP BY 1, 2, 3";

static const char sql_sessions[] =
	"WITH cs AS (SELECT p.sex AS sex, " AGE("p") " AS age, a.type AS type FROM appointment a"
	"  LEFT JOIN person p ON p.id = a.person_id AND p.deleted_at IS NULL"
	"  LEFT JOIN family f ON f.id = p.family_id AND f.deleted_at IS NULL"
	"  WHERE a.deleted_at IS NULL AND a.status = 'held' AND" TS_IN_PERIOD("a.start_at")
	"  AND ((a.person_id IS NOT NULL AND f.id IS NOT NULL AND" MUNI ")"
	"  OR (a.person_id IS NULL AND :centre)))"
	" SELECT '', sex, age, NULL, count(*), NULL FROM cs GROUP BY 2, 3"
	" UNION ALL SELECT 'counselling_types:' || type, sex, age, NULL, count(*), NULL FROM cs"
	"  GROUP BY 1, 2, 3";

static const char sql_class_children[] =
	"WITH ec AS (SELECT DISTINCT p.id AS id, p.sex AS sex, " AGE("p") " AS age, c.subject AS subj"
	"  FROM enrolment e JOIN class c ON c.id = e.class_id AND c.deleted_at IS NULL"
	PJOIN("e.person_id") " WHERE e.deleted_at IS NULL AND e.from_date <= :to"
	"  AND (e.to_date IS NULL OR e.to_date >= :from) AND" MUNI ")"
	" SELECT '', sex, age, NULL, count(DISTINCT id), NULL FROM ec GROUP BY 2, 3"
	" UNION ALL SELECT 'subjects:' || subj, sex, age, NULL, count(*), NULL FROM ec GROUP BY 1, 2, 3";

static const char sql_class_sessions[] =
	"SELECT '', NULL, NULL, NULL, count(*), NULL FROM class_session cs"
	" JOIN class c ON c.id = cs.class_id AND c.deleted_at IS NULL"
	" WHERE cs.deleted_at IS NULL AND cs.status = 'held' AND" IN_PERIOD("cs.held_on")
	" AND :centre";

/* Present or late over every mark but "excused". */
static const char sql_attendance[] =
	"SELECT '', p.sex, " AGE("p") ", NULL, sum(a.mark IN ('P','L')), count(*)"
	" FROM class_session cs JOIN attendance a ON a.session_id = cs.id AND a.deleted_at IS NULL"
	" AND a.mark <> 'E'" PJOIN("a.person_id")
	" WHERE cs.deleted_at IS NULL AND cs.status = 'held' AND" IN_PERIOD("cs.held_on")
	" AND" MUNI " GROUP BY 2, 3";

static const char sql_dropout[] =
	"WITH dp AS (SELECT DISTINCT p.id AS id, p.sex AS sex, " AGE("p") " AS age,"
	"  p.school_status AS st FROM dropout_flag d" PJOIN("d.person_id")
	"  WHERE d.deleted_at IS NULL AND" IN_PERIOD("d.flagged_on") " AND" MUNI ")"
	" SELECT '', sex, age, NULL, count(*), NULL FROM dp GROUP BY 2, 3"
	" UNION ALL SELECT 'in_school', sex, age, NULL, count(*), NULL FROM dp"
	"  WHERE st IN ('enrolled','irregular') GROUP BY 2, 3";

static const char sql_activities[] =
	"SELECT '', NULL, NULL, NULL, count(*), NULL FROM activity a"
	" WHERE a.deleted_at IS NULL AND" IN_PERIOD("a.held_on") " AND :centre"
	" UNION ALL SELECT 'activity_types:' || a.type, NULL, NULL, NULL, count(*), NULL FROM activity a"
	" WHERE a.deleted_at IS NULL AND" IN_PERIOD("a.held_on") " AND :centre GROUP BY 1";

static const char sql_participants[] =
	"SELECT 'registered', p.sex, " AGE("p") ", NULL, count(*), NULL FROM activity a"
	" JOIN activity_participant ap ON ap.activity_id = a.id" PJOIN("ap.person_id")
	" WHERE a.deleted_at IS NULL AND" IN_PERIOD("a.held_on") " AND" MUNI " GROUP BY 2, 3"
	" UNION ALL SELECT 'anonymous', ac.sex, NULL, ac.age_band, sum(ac.n), NULL FROM activity a"
	" JOIN activity_count ac ON ac.activity_id = a.id"
	" WHERE a.deleted_at IS NULL AND" IN_PERIOD("a.held_on") " AND :centre GROUP BY 2, 4";
/* clang-format on */

struct spec {
	const char *key;
	enum db_report_kind kind;
	bool parts_sum; /* the "" row is the sum of the breakdown rows */
	const char *sql;
};

static const struct spec specs[] = {
    {"at_risk_new", DB_REPORT_COUNT, false, sql_at_risk},
    {"families_registered", DB_REPORT_COUNT, false, sql_fam_reg},
    {"families_active", DB_REPORT_COUNT, false, sql_fam_active},
    {"visits", DB_REPORT_COUNT, true, sql_visits},
    {"visitors", DB_REPORT_COUNT, false, sql_visitors},
    {"referred", DB_REPORT_COUNT, false, sql_referred},
    {"referrals_completed", DB_REPORT_COUNT, false, sql_ref_done},
    {"counselled", DB_REPORT_COUNT, false, sql_counselled},
    {"counselling_sessions", DB_REPORT_COUNT, false, sql_sessions},
    {"class_children", DB_REPORT_COUNT, false, sql_class_children},
    {"class_sessions", DB_REPORT_TOTAL, false, sql_class_sessions},
    {"attendance_rate", DB_REPORT_RATE, false, sql_attendance},
    {"dropout_flagged", DB_REPORT_COUNT, false, sql_dropout},
    {"activities", DB_REPORT_TOTAL, false, sql_activities},
    {"activity_participants", DB_REPORT_COUNT, true, sql_participants},
};
#define NSPECS ((int)(sizeof specs / sizeof specs[0]))

const char *const db_report_indicators[] = {
    "at_risk_new",
    "families_registered",
    "families_active",
    "visits",
    "visitors",
    "referred",
    "referrals_completed",
    "counselled",
    "counselling_sessions",
    "class_children",
    "class_sessions",
    "attendance_rate",
    "dropout_flagged",
    "activities",
    "activity_participants",
    NULL,
};

static bool iso_date_ok(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

static bool muni_ok(const char *m)
{
	return !m[0] || strcmp(m, "shkoder") == 0 || strcmp(m, "kukes") == 0 ||
	       strcmp(m, "diber") == 0;
}

static struct db_report_row *row_get(struct db_report *r, int *cap, const struct spec *sp,
                                     const char *bd)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (strcmp(r->rows[i].indicator, sp->key) == 0 &&
		    strcmp(r->rows[i].breakdown, bd) == 0)
			return &r->rows[i];
	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		r->rows = xrealloc(r->rows, sizeof *r->rows * (size_t)*cap);
	}
	struct db_report_row *row = &r->rows[r->n++];
	memset(row, 0, sizeof *row);
	util_strlcpy(row->indicator, sp->key, sizeof row->indicator);
	util_strlcpy(row->breakdown, bd, sizeof row->breakdown);
	row->kind = sp->kind;
	return row;
}

static int band_of(const struct db_report *r, sqlite3_stmt *st)
{
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		const char *k = (const char *)sqlite3_column_text(st, 3);
		for (int b = 0; b < r->nbands; b++)
			if (k && strcmp(k, r->bands[b].key) == 0)
				return b;
		return r->nbands;
	}
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		return r->nbands;
	int64_t age = sqlite3_column_int64(st, 2);
	for (int b = 0; b < r->nbands; b++)
		if (age >= r->bands[b].min && age <= r->bands[b].max)
			return b;
	return r->nbands;
}

static void add(struct db_report_row *row, int sex, int band, int64_t v, int64_t den)
{
	row->total += v;
	row->den_total += den;
	if (sex >= 0) {
		row->n[sex][band] += v;
		row->den[sex][band] += den;
	}
}

static int cmp_bd(const void *a, const void *b)
{
	return strcmp(((const struct db_report_row *)a)->breakdown,
	              ((const struct db_report_row *)b)->breakdown);
}

static void bind_common(sqlite3_stmt *st, const struct db_report_query *q, bool centre)
{
	int i;
	if ((i = sqlite3_bind_parameter_index(st, ":from")))
		sqlite3_bind_text(st, i, q->from, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":to")))
		sqlite3_bind_text(st, i, q->to, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":muni")))
		dbi_bind_text_or_null(st, i, q->municipality);
	if ((i = sqlite3_bind_parameter_index(st, ":centre")))
		sqlite3_bind_int(st, i, centre);
}

static int run_spec(struct qdb *db, const struct spec *sp, const struct db_report_query *q,
                    bool centre, struct db_report *r, int *cap, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sp->sql, err);
	if (!st)
		return DB_ERR;
	bind_common(st, q, centre);
	int first = r->n;
	row_get(r, cap, sp, ""); /* always present, even at zero */
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char bd[72];
		dbi_col_text(st, 0, bd, sizeof bd);
		const char *sx = (const char *)sqlite3_column_text(st, 1);
		int sex = !sx ? -1 : sx[0] == 'F' ? 0 : sx[0] == 'M' ? 1 : -1;
		int band = band_of(r, st);
		int64_t v = sqlite3_column_int64(st, 4), den = sqlite3_column_int64(st, 5);
		if (!v && !den && bd[0])
			continue;
		add(row_get(r, cap, sp, bd), sex, band, v, den);
		if (sp->parts_sum && bd[0])
			add(row_get(r, cap, sp, ""), sex, band, v, den);
	}
	if (rc != SQLITE_DONE) {
		int f = dbi_fail(db, rc, err);
		sqlite3_reset(st);
		return f;
	}
	sqlite3_reset(st);
	/* the "" row first, then the breakdowns in key order */
	if (r->n - first > 2)
		qsort(&r->rows[first + 1], (size_t)(r->n - first - 1), sizeof *r->rows, cmp_bd);
	return DB_OK;
}

int db_report_compute(struct qdb *db, const struct db_actor *who, const struct db_report_query *q,
                      struct db_report *out, struct qerr *err)
{
	memset(out, 0, sizeof *out);
	int rc = dbi_allow(who, REPORT_ROLES, err);
	if (rc)
		return rc;
	if (!iso_date_ok(q->from) || !iso_date_ok(q->to) || strcmp(q->from, q->to) > 0) {
		qerr_set(err, "report:bad_period", NULL);
		return DB_INVALID;
	}
	if (!muni_ok(q->municipality)) {
		qerr_set(err, "report:bad_municipality", NULL);
		return DB_INVALID;
	}
	if (q->nbands < 0 || q->nbands > DB_REPORT_MAX_BANDS || (q->nbands && !q->bands)) {
		qerr_set(err, "report:too_many_bands", NULL);
		return DB_INVALID;
	}
	util_strlcpy(out->from, q->from, sizeof out->from);
	util_strlcpy(out->to, q->to, sizeof out->to);
	util_strlcpy(out->municipality, q->municipality, sizeof out->municipality);
	out->nbands = q->nbands;
	for (int b = 0; b < q->nbands; b++)
		out->bands[b] = q->bands[b];
	/* centre-wide figures belong to the centre's municipality */
	bool centre = !q->municipality[0] || strcmp(q->municipality, q->centre_municipality) == 0;

	bool own_tx = db->tx_depth == 0;
	if (own_tx && (rc = dbi_exec(db, "BEGIN DEFERRED", err)) != DB_OK)
		return rc;
	int cap = 0;
	for (int i = 0; i < NSPECS && rc == DB_OK; i++)
		rc = run_spec(db, &specs[i], q, centre, out, &cap, err);
	if (own_tx)
		dbi_exec(db, rc == DB_OK ? "COMMIT" : "ROLLBACK", NULL);
	return rc;
}

void db_report_free(struct db_report *r)
{
	if (!r)
		return;
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

const struct db_report_row *db_report_find(const struct db_report *r, const char *indicator,
                                           const char *breakdown)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->rows[i].indicator, indicator) == 0 &&
		    strcmp(r->rows[i].breakdown, breakdown) == 0)
			return &r->rows[i];
	return NULL;
}
