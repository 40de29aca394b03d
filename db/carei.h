/*
 * carei — helpers shared by the care files of db/ (appointments, notes,
 * classes, dropout, activities, closures). Internal to db/ and its tests.
 */
#ifndef QENDRA_DB_CAREI_H
#define QENDRA_DB_CAREI_H

#include "db/care.h"
#include "db/dbi.h"

/* A catalogue key: 1..32 bytes of [a-z0-9_-]. */
bool db_care_key_ok(const char *s);
/*
 * Check a text field: valid UTF-8, at most maxchars characters, no control
 * characters (newline and tab allowed when multiline), not empty when
 * required (NULL counts as empty). DB_INVALID with `key` otherwise.
 */
int db_care_text(const char *s, size_t maxchars, bool required, bool multiline, const char *key,
                 struct qerr *err);
/* "YYYY-MM-DD HH:MM" <-> minutes since 1970-01-01 00:00 (wall clock). */
bool db_care_ts_parse(const char *s, long *abs_min);
void db_care_ts_format(long abs_min, char out[17]);
/* "dd.mm.yyyy" of an ISO date (copied as is when it is not one). */
void db_care_date_show(const char *iso, char out[11]);
/* Age in whole years on `day` from a birth date ("" when unknown) or a
 * birth year (0 when unknown); -1 when neither. */
int db_care_age(const char *birth_date, int birth_year, long day);
/* The live closure days in [from, to], ascending. *days malloc'd. */
int db_care_closed_days(struct qdb *db, long from, long to, long **days, int *n, struct qerr *err);
/* Is `day` closed? Fills reason (may be NULL). */
int db_care_is_closed(struct qdb *db, const char *day, bool *closed, char *reason, size_t rsz,
                      struct qerr *err);
/* An active user's role and full name; DB_NOTFOUND when missing or disabled. */
int db_care_user(struct qdb *db, int64_t id, enum db_role *role, char *name, size_t nsz,
                 struct qerr *err);
/* A live (not deleted) person: DB_OK, DB_NOTFOUND with "err:person_unknown". */
int db_care_person_live(struct qdb *db, int64_t id, struct qerr *err);
/* Cut s back to its longest valid UTF-8 prefix (after a byte-limited copy). */
void db_care_utf8_trim(char *s);
/* snprintf into out, then cut to valid UTF-8 (for error details). */
void db_care_fmt(char *out, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Grow an array of `size`-byte items so that index n fits. */
void *db_care_grow(void *p, int n, int *cap, size_t size);
/* Step a row-less statement and report DB_STALE unless it changed a row. */
int db_care_step_versioned(struct qdb *db, sqlite3_stmt *st, struct qerr *err);
/* End the open write transaction: roll back and return rc when it is set,
 * else commit (and return what the commit returns). */
int db_care_finish(struct qdb *db, int rc, struct qerr *err);
/*
 * Soft-delete one row in its own transaction: `sql` is an UPDATE that binds
 * ?1 id, ?2 version, ?3 now and ?4 the actor, and changes no row when the
 * version is stale (DB_STALE); the audit row says `action` on `entity` id.
 * The caller has checked the role.
 */
int db_care_soft_delete(struct qdb *db, const struct db_actor *who, const char *sql, int64_t id,
                        int64_t version, const char *action, const char *entity, struct qerr *err);
/*
 * Step st to its end, appending a zeroed `size`-byte row per result row that
 * read(st, row, ctx) fills; st is reset. On success *rows (malloc'd, NULL
 * when empty) and *n hold the rows; on failure they are NULL and 0.
 */
int db_care_rows(struct qdb *db, sqlite3_stmt *st, size_t size,
                 void (*read)(sqlite3_stmt *st, void *row, void *ctx), void *ctx, void **rows,
                 int *n, struct qerr *err);

#endif
