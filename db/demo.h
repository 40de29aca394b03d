/*
 * demo — a fictional community centre for trying qendra out, training staff
 * and measuring speed (`qendra demo`, bench/).
 *
 * db_demo_generate fills an empty, freshly migrated database with staff
 * accounts (one per role, two counsellors, two teachers), families and their
 * members in Shkodër, Kukës and Dibër, and four years of work up to today:
 * consents, risk screenings, visits and anonymous tallies, referrals through
 * every status, counselling appointments (past and future, several today),
 * after-school classes with sessions and attendance, group activities,
 * dropout flags and public-holiday closures. Counselling session logs are
 * NOT made: their notes are sealed by db/notes and the demo has no key.
 *
 * The same seed and the same "today" (util_today, pinned in tests with
 * QENDRA_NOW) give the same database, row for row, except password hashes
 * (Argon2id salts are random) and audit times. The generator seeds
 * util_uuid, so UUIDs made later in the same process are predictable too:
 * call it only in a process that exits afterwards (the CLI, a test, bench).
 */
#ifndef QENDRA_DB_DEMO_H
#define QENDRA_DB_DEMO_H

#include <stdint.h>

#include "db/db.h"

/* Families made when the caller asks for 0. */
#define DB_DEMO_DEFAULT_FAMILIES 300
/* Largest number of families accepted. */
#define DB_DEMO_MAX_FAMILIES 200000
/* Bumped whenever the generator makes different data for the same seed, so
 * cached demo databases (bench/) are rebuilt. */
#define DB_DEMO_REVISION 2

/* One demo account; the strings are static. */
struct db_demo_login {
	const char *username;
	const char *password;
	enum db_role role;
	const char *full_name;
};

/* The demo accounts, in the order they are made; *n gets their number. */
const struct db_demo_login *db_demo_logins(int *n);

/* Rows per table after generation (table names are static strings). */
#define DB_DEMO_TABLES 24
struct db_demo_stats {
	struct {
		const char *table;
		int64_t rows;
	} count[DB_DEMO_TABLES];
	int ntables;
	double seconds; /* wall time of the whole generation */
};

/* Rows of `table` in stats (-1 when the table is not counted). */
int64_t db_demo_rows(const struct db_demo_stats *stats, const char *table);

/*
 * Fill db with the demo centre: `families` households (0 means
 * DB_DEMO_DEFAULT_FAMILIES), deterministic for `seed`. The database must be
 * empty: DB_CONFLICT with "err:demo_not_empty" when app_user or family has
 * rows; DB_INVALID with "err:demo_size" when families is negative or above
 * DB_DEMO_MAX_FAMILIES. Everything is written in one transaction, so on
 * failure nothing is left behind. stats (may be NULL) gets the row counts
 * and the time taken.
 */
int db_demo_generate(struct qdb *db, int families, uint64_t seed, struct db_demo_stats *stats,
                     struct qerr *err);

#endif
