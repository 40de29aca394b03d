/*
 * registryi — internal helpers shared by the registry files of db/
 * (family.c, person.c, consent.c, screening.c, visit.c, referral.c):
 * value checks that refuse bad input before SQL sees it, the step wrapper
 * that turns constraint failures into DB_INVALID/DB_CONFLICT, and the
 * access rules of the role matrix in registry.h. Not for use outside db/.
 */
#ifndef QENDRA_REGISTRYI_H
#define QENDRA_REGISTRYI_H

#include "db/dbi.h"
#include "db/registry.h"

/* Role masks of the matrix in registry.h. */
#define REGI_STAFF (DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR))
#define REGI_DESK  (REGI_STAFF | DBI_ROLE(DB_ROLE_COUNSELLOR))

/* Counsellor clients, as SQL: persons with a live appointment with the
 * counsellor (directly or through a group activity they take part in). The
 * arguments are SQL parameter names or column references. */
#define REGI_IS_CLIENT(pid, uid)                                                                   \
	"(EXISTS (SELECT 1 FROM appointment a WHERE a.person_id = " pid                            \
	" AND a.counsellor_id = " uid " AND a.deleted_at IS NULL)"                                 \
	" OR EXISTS (SELECT 1 FROM activity_participant ap JOIN appointment a"                     \
	" ON a.activity_id = ap.activity_id WHERE ap.person_id = " pid                             \
	" AND a.counsellor_id = " uid " AND a.deleted_at IS NULL))"
/* The families of a counsellor's clients, as a subquery. */
#define REGI_CLIENT_FAMILIES(uid)                                                                  \
	"(SELECT p.family_id FROM appointment a JOIN person p ON p.id = a.person_id"               \
	" WHERE a.counsellor_id = " uid " AND a.deleted_at IS NULL AND p.deleted_at IS NULL"       \
	" UNION SELECT p.family_id FROM appointment a JOIN activity_participant ap"                \
	" ON ap.activity_id = a.activity_id JOIN person p ON p.id = ap.person_id"                  \
	" WHERE a.counsellor_id = " uid " AND a.deleted_at IS NULL AND p.deleted_at IS NULL)"
/* Children enrolled (now or from a future date) in a class the teacher teaches. */
#define REGI_IS_PUPIL(pid, uid, today)                                                             \
	"EXISTS (SELECT 1 FROM enrolment e JOIN class c ON c.id = e.class_id"                      \
	" WHERE e.person_id = " pid " AND c.teacher_id = " uid " AND e.deleted_at IS NULL"         \
	" AND c.deleted_at IS NULL AND (e.to_date IS NULL OR e.to_date >= " today "))"

/* Rank of a level for comparisons: low 1, medium 2, high 3, else 0. */
#define REGI_LEVEL_RANK(x)                                                                         \
	"(CASE " x " WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END)"

/* What a caller wants to do with a person's or family's record. */
enum regi_use {
	REGI_READ,      /* registration data */
	REGI_READ_RISK, /* screenings, referrals */
	REGI_WRITE,     /* change registration data */
};

/* Text checks: the string must be NUL-terminated within bufsz (0 = do not
 * check), valid UTF-8, at most maxchars code points, free of control and
 * bidirectional-override characters (newline and tab allowed when
 * multiline), and present when required. DB_INVALID with
 * err:field_required / err:field_too_long / err:field_invalid and the field
 * name as detail. */
int regi_text(const char *s, size_t bufsz, int maxchars, bool required, bool multiline,
              const char *field, struct qerr *err);
/* A catalogue key as conf/ makes them: [a-z0-9_]{1,32}. */
bool regi_is_key(const char *s);
int regi_key(const char *s, bool required, const char *field, struct qerr *err);
/* s must be one of the NULL-terminated list. */
int regi_oneof(const char *s, const char *const *list, const char *field, struct qerr *err);
/* An ISO date YYYY-MM-DD of a real calendar day between 1900 and 2999. */
bool regi_is_date(const char *s);
int regi_date(const char *s, bool required, const char *field, struct qerr *err);
/* "YYYY-MM-DD HH:MM[:SS]" into out as "YYYY-MM-DD HH:MM:SS"; NULL or "" = now. */
int regi_timestamp(const char *s, char out[20], const char *field, struct qerr *err);
/* Phone as typed → digits in international form (355...); "" when none. */
int regi_phone(const char *phone, char *norm, size_t normsz, const char *field, struct qerr *err);
/* Age in whole years on `today` from a date or a year; -1 when unknown. */
int regi_age(const char *birth_date, int birth_year, const char *today);
/* Add days to an ISO date. */
void regi_date_add(const char *iso, int days, char out[11]);
/* Step a write statement; constraint failures become DB_INVALID
 * (err:value_invalid) or DB_CONFLICT (err:duplicate). */
int regi_step(struct qdb *db, sqlite3_stmt *st, struct qerr *err);
/* Is there a row for sql (?1 = a, and ?2 = b when sql has it)? DB_OK when
 * there is; when not, missing_rc with err set to key and detail (not
 * NULL); DB_ERR
 * when the statement fails. */
int regi_exists(struct qdb *db, const char *sql, int64_t a, int64_t b, int missing_rc,
                const char *key, const char *detail, struct qerr *err);
/* End a write transaction begun with db_begin: commit when rc is DB_OK,
 * else roll back. Returns rc, or the commit's failure. */
int regi_end(struct qdb *db, int rc, struct qerr *err);
/* Read the current row of st into row, with what ctx holds. */
typedef void regi_read_fn(sqlite3_stmt *st, void *row, void *ctx);
/* Step st to its end, appending each row to rows (*n elements of esz
 * bytes) through read; resets st. Returns the grown array with *rc DB_OK,
 * or on failure frees rows and returns NULL with *n 0 and *rc the failure. */
void *regi_collect(struct qdb *db, sqlite3_stmt *st, void *rows, int *n, size_t esz,
                   regi_read_fn *read, void *ctx, int *rc, struct qerr *err);
/* Collect rows: grows *rows (element size esz) as needed. */
void *regi_grow(void *rows, int n, int *cap, size_t esz);

/* May `who` use the family / person this way? DB_OK, DB_DENIED or
 * DB_NOTFOUND (no live record). For a person *family_id gets its family. */
int regi_family_access(struct qdb *db, const struct db_actor *who, int64_t family_id,
                       enum regi_use use, struct qerr *err);
int regi_person_access(struct qdb *db, const struct db_actor *who, int64_t person_id,
                       enum regi_use use, int64_t *family_id, struct qerr *err);
/* True when the actor acts as a counsellor / teacher (restricted views). */
bool regi_is(const struct db_actor *who, enum db_role r);
/* Bind the actor's id when the actor has role r, else NULL. */
void regi_bind_if(sqlite3_stmt *st, int i, const struct db_actor *who, enum db_role r);

/* Load a live family with no access check (callers have checked). */
int regi_family_load(struct qdb *db, int64_t id, struct db_family *out, struct qerr *err);
/* Load a live person with nothing blanked (no access check). */
int regi_person_load(struct qdb *db, int64_t id, struct db_person *out, struct qerr *err);
/* The live members of a family as `who` may see them (access checked by
 * the caller). */
int regi_members(struct qdb *db, const struct db_actor *who, int64_t family_id,
                 struct db_person **rows, int *n, struct qerr *err);
/* The consent in force for a family (no access check); DB_NOTFOUND with
 * err:consent_missing when none. */
int regi_consent_current(struct qdb *db, int64_t family_id, struct db_consent *out,
                         struct qerr *err);

/* Screening rows: columns (with `u` = app_user of the staff) and reader. */
#define REGI_SCREENING_COLS                                                                        \
	"s.id, s.uuid, coalesce(s.person_id, 0), coalesce(s.family_id, 0), s.screened_on,"         \
	" coalesce(s.staff_id, 0), coalesce(u.full_name, ''), s.score, s.level_computed, s.level," \
	" coalesce(s.override_reason, ''), coalesce(s.rescreen_due, ''), s.version, s.created_at," \
	" s.updated_at"
void regi_read_screening(sqlite3_stmt *st, struct db_screening *s);
int regi_screening_load(struct qdb *db, int64_t id, struct db_screening *out, struct qerr *err);

/* Visit rows: read one row of visit.c's query, collect rows of a prepared
 * statement (binds ?9, the counsellor), and the last visits of a family. */
void regi_read_visit(sqlite3_stmt *st, const struct db_actor *who, const char *today,
                     struct db_visit *v);
int regi_visit_rows(struct qdb *db, const struct db_actor *who, sqlite3_stmt *st,
                    struct db_visit **rows, int *n, struct qerr *err);
int regi_visit_family(struct qdb *db, const struct db_actor *who, int64_t family_id, int limit,
                      struct db_visit **rows, int *n, struct qerr *err);
/* Open referrals (referred, accepted) of a family's members the actor may see. */
int regi_referral_family(struct qdb *db, const struct db_actor *who, int64_t family_id,
                         struct db_referral **rows, int *n, struct qerr *err);

/* Append a field name to a comma-separated diff list; counts in *n. */
void regi_add_diff(char *out, size_t outsz, int *n, const char *field);
/* After an UPDATE ... AND version = ? changed nothing: DB_STALE when the row
 * (selected by sql with ?1 = id) is still there, else DB_NOTFOUND. */
int regi_stale_or_gone(struct qdb *db, const char *sql, int64_t id, struct qerr *err);

/* Person rows: the column list and the reader shared by get and lists. */
#define REGI_PERSON_COLS                                                                           \
	"p.id, p.family_id, p.uuid, p.first_name, coalesce(p.father_name, ''), p.last_name, "      \
	"p.sex,"                                                                                   \
	" coalesce(p.birth_date, ''), coalesce(p.birth_year, 0), p.birth_estimated, p.relation,"   \
	" coalesce(p.nid, ''), coalesce(p.phone, ''), coalesce(p.school_name, ''),"                \
	" coalesce(p.school_grade, -1), p.school_status, coalesce(p.disability, ''),"              \
	" coalesce(p.notes, ''), p.version, p.created_at, coalesce(p.created_by, 0),"              \
	" p.updated_at, coalesce(p.updated_by, 0),"                                                \
	" coalesce((SELECT s.level FROM screening s WHERE s.person_id = p.id"                      \
	" AND s.deleted_at IS NULL ORDER BY s.screened_on DESC, s.id DESC LIMIT 1), '')"
/* Fill *p from a row of REGI_PERSON_COLS starting at column `col`; blanks
 * what the actor may not see (teacher: names, age, school status only;
 * counsellor: risk level of non-clients when !risk_ok). */
void regi_read_person(sqlite3_stmt *st, int col, const struct db_actor *who, bool risk_ok,
                      const char *today, struct db_person *p);

#endif
