/*
 * report — the programme indicators of DESIGN §4, for a period and
 * optionally one municipality, as aggregate counts only (never a name).
 *
 * db_report_compute runs one set-based statement per indicator (GROUP BY
 * sex and age, never a loop over people) and returns plain rows that the
 * screen, the command line and the CSV / text formatters (forms/report_fmt)
 * share. Every person-based count is split by sex (F/M) and by the age bands
 * the caller passes (normally the configured catalogue): the age is taken at
 * the period end from the birth date, or from the birth year alone when only
 * that is known; a person with no age that fits a band goes to the extra
 * "unknown" column (index nbands). Anonymous tallies (walk-ins, activity
 * counts) carry their band key, matched against the bands' keys.
 *
 * Figures kept for the whole centre rather than per family (anonymous
 * walk-ins, class sessions, activities and their anonymous counts, group
 * counselling sessions) count under the centre's municipality: with a
 * municipality filter they are included only when it equals
 * q->centre_municipality.
 *
 * Roles: manager, registrar and viewer; others get DB_DENIED.
 */
#ifndef QENDRA_DB_REPORT_H
#define QENDRA_DB_REPORT_H

#include <stdint.h>

#include "db/db.h"

#define DB_REPORT_MAX_BANDS 16

/* One age band: key as in the catalogue, ages in whole years inclusive. */
struct db_report_band {
	char key[33];
	int min, max;
};

struct db_report_query {
	char from[11], to[11];        /* ISO dates, from <= to */
	char municipality[16];        /* "" = all; else shkoder, kukes or diber */
	char centre_municipality[16]; /* the centre's own (conf), "" = unknown */
	const struct db_report_band *bands;
	int nbands; /* 0..DB_REPORT_MAX_BANDS */
};

enum db_report_kind {
	DB_REPORT_COUNT, /* people or events, split by sex and band */
	DB_REPORT_TOTAL, /* a total only (sessions held, activities held) */
	DB_REPORT_RATE,  /* n = numerator, den = denominator, per cell */
};

/*
 * One line of the report. `indicator` is a stable key ("visits", ...);
 * `breakdown` is "" for the indicator as a whole, or "<catalogue>:<item>"
 * (services:health, risk_factors:early_marriage, identified_by:outreach,
 * counselling_types:career, subjects:arts, activity_types:peer_support), or
 * one of "registered", "anonymous", "in_school".
 * n[0][] are women and girls, n[1][] men and boys; index nbands is the
 * unknown age. `total` may exceed the sum of the cells (a family without a
 * head, a group session without a client).
 */
struct db_report_row {
	char indicator[33];
	char breakdown[72];
	enum db_report_kind kind;
	int64_t n[2][DB_REPORT_MAX_BANDS + 1];
	int64_t total;
	int64_t den[2][DB_REPORT_MAX_BANDS + 1]; /* DB_REPORT_RATE only */
	int64_t den_total;
};

struct db_report {
	char from[11], to[11], municipality[16];
	int nbands;
	struct db_report_band bands[DB_REPORT_MAX_BANDS];
	struct db_report_row *rows; /* malloc'd, in a fixed indicator order */
	int n;
};

/* The indicator keys in report order (NULL-terminated), for labels and tests. */
extern const char *const db_report_indicators[];

/*
 * Compute the report into *out (zeroed first; free with db_report_free, also
 * after a failure). Every indicator has its "" row even when zero; breakdown
 * rows appear when non-zero. Errors: DB_DENIED (teacher, counsellor),
 * DB_INVALID with "report:bad_period" (not ISO dates, or from after to),
 * "report:bad_municipality", "report:too_many_bands"; DB_ERR.
 */
int db_report_compute(struct qdb *db, const struct db_actor *who, const struct db_report_query *q,
                      struct db_report *out, struct qerr *err);
void db_report_free(struct db_report *r);
/* The row of indicator/breakdown, or NULL. */
const struct db_report_row *db_report_find(const struct db_report *r, const char *indicator,
                                           const char *breakdown);

#endif
