/*
 * db — everything qendra stores, and the only place that knows SQL.
 *
 * A `struct qdb` is one connection to one centre database. Opening it sets
 * the connection up the same way every time (foreign keys, busy timeout,
 * DELETE journal with synchronous=FULL unless WAL is asked for and safe, the
 * Albanian collation SQ and the accent-folding function) and brings the
 * schema up to date with numbered migrations keyed on PRAGMA user_version.
 *
 * Every function that reads or writes records takes the acting user
 * (`struct db_actor`) and checks the role here, so no screen, export or
 * command can go around it. NULL as actor means the command line acting as
 * the system (init, demo, user add): only cli/ passes NULL.
 *
 * Return values: DB_OK (0) or one of enum db_rc; on failure `err` (may be
 * NULL) gets a catalogue key ("err:...") and untranslated detail.
 * No function prints or exits.
 */
#ifndef QENDRA_DB_H
#define QENDRA_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct qdb;

enum db_rc {
	DB_OK = 0,
	DB_ERR,      /* SQLite or I/O error: err:db_error */
	DB_NOTFOUND, /* no such record: err:not_found */
	DB_STALE,    /* the record changed since it was loaded: err:db_stale */
	DB_DENIED,   /* the actor's role may not do this: err:db_denied */
	DB_CONFLICT, /* a uniqueness or business-rule conflict: key says which */
	DB_BUSY,     /* another desk held the database too long: err:db_busy */
	DB_TOONEW,   /* made by a newer qendra: err:db_too_new */
	DB_INVALID,  /* a value the rules refuse: key says which */
	DB_LOCKED,   /* login: the account is locked for now */
	DB_BADLOGIN, /* login: wrong user name or password (never says which) */
};

enum db_role {
	DB_ROLE_MANAGER = 0, /* menaxher */
	DB_ROLE_REGISTRAR,   /* punonjes_social */
	DB_ROLE_COUNSELLOR,  /* keshillues */
	DB_ROLE_TEACHER,     /* mesues */
	DB_ROLE_VIEWER,      /* monitorim */
	DB_ROLE_COUNT
};

/* The signed-in user a call acts for. */
struct db_actor {
	int64_t user_id;
	enum db_role role;
};

/* "menaxher", ... as stored; db_role_parse returns -1 for an unknown name
 * and also accepts the English words manager/registrar/counsellor/teacher/viewer. */
const char *db_role_name(enum db_role r);
int db_role_parse(const char *s);

struct db_open_opts {
	bool create;     /* create the file when missing (otherwise DB_NOTFOUND) */
	bool wal;        /* journal_mode=WAL; refused (falls back to DELETE) on SQLite < 3.51.3 */
	int busy_ms;     /* busy timeout, 0 = 5000 */
	bool readonly;   /* open read-only, no migration */
	int max_failed;  /* failed logins before the lockout, 0 = 5 */
	int lockout_min; /* minutes of lockout, 0 = 15 */
};

/* Open (and migrate) the database at path. On success *out is a new handle to
 * free with db_close. DB_TOONEW when the file's user_version is above what
 * this build knows: the file is not touched. */
int db_open(struct qdb **out, const char *path, const struct db_open_opts *o, struct qerr *err);
/* Close; db_close(NULL) is fine. Statements left open are finalised. */
void db_close(struct qdb *db);
/* Schema version this build creates, and the one of the open file. */
int db_schema_latest(void);
int db_schema_version(struct qdb *db);
/* True when WAL was asked for but refused because of the SQLite version. */
bool db_wal_refused(struct qdb *db);
/* The journal mode in force ("delete" or "wal"). */
const char *db_journal_mode(struct qdb *db);

/* Transactions: BEGIN IMMEDIATE with a nesting counter (inner begins are
 * no-ops; a rollback anywhere rolls back the outermost on its end). */
int db_begin(struct qdb *db, struct qerr *err);
int db_commit(struct qdb *db, struct qerr *err);
void db_rollback(struct qdb *db);

/* PRAGMA integrity_check, foreign_key_check and the FTS index check.
 * DB_OK when all are clean; otherwise DB_ERR with the first problem in err. */
int db_check(struct qdb *db, struct qerr *err);
/* Copy the open database to path with the online backup API, then
 * integrity-check the copy. The file is created 0600. */
int db_backup(struct qdb *db, const char *path, struct qerr *err);

/* ---- Albanian text ---- */

/* Compare two UTF-8 strings in Albanian alphabetical order (a b c ç d dh e ë
 * f g gj h i j k l ll m n nj o p q r rr s sh t th u v x xh y z zh),
 * case-insensitive, with a total order (ties broken by the bytes). This is
 * the SQ collation registered on every connection. */
int db_collate_sq(const char *a, int alen, const char *b, int blen);
/* Fold for duplicate detection: lower case, accents removed (ç→c, ë→e, ...),
 * runs of non-letters to one space. Writes into out (NUL-terminated). */
void db_fold(const char *in, char *out, size_t outsz);
/* Turn user search input into a safe FTS5 MATCH expression: every word
 * becomes a quoted prefix term ("ana"* "maria"*), operators and quotes are
 * neutralised. Returns false (and out = "") when nothing searchable is left. */
bool db_fts_query(const char *input, char *out, size_t outsz);

/* ---- Audit ---- */

/* Append an audit row (inside the caller's transaction). */
int db_audit(struct qdb *db, const struct db_actor *who, const char *action, const char *tbl,
             int64_t record_id, const char *detail, struct qerr *err);

struct db_audit_row {
	int64_t id;
	char at[20];
	char username[33];
	char action[41];
	char tbl[32];
	int64_t record_id;
	char detail[256];
};
/* The history of one record (tbl NULL = everything), newest first; manager
 * only. *rows is malloc'd (free()), *n its length. */
int db_audit_list(struct qdb *db, const struct db_actor *who, const char *tbl, int64_t record_id,
                  int limit, struct db_audit_row **rows, int *n, struct qerr *err);

/* ---- Users ---- */

struct db_user {
	int64_t id;
	char username[33];
	char full_name[81];
	enum db_role role;
	bool active;
	int failed_logins;
	char locked_until[20];
	char last_login[20];
	char lang[3];
	int64_t version;
};

/* Create a user. Only a manager (or NULL = the command line) may. The
 * password is hashed with Argon2id; the caller wipes its own copy. */
int db_user_add(struct qdb *db, const struct db_actor *who, const char *username,
                const char *full_name, enum db_role role, const char *password, const char *lang,
                int64_t *id_out, struct qerr *err);
/* Set a new password (manager, the user themself, or NULL); clears a lockout. */
int db_user_passwd(struct qdb *db, const struct db_actor *who, const char *username,
                   const char *password, struct qerr *err);
/* Enable or disable an account (manager or NULL). */
int db_user_set_active(struct qdb *db, const struct db_actor *who, const char *username,
                       bool active, struct qerr *err);
/* The user's language preference ("sq"/"en"); the user themself. */
int db_user_set_lang(struct qdb *db, const struct db_actor *who, const char *lang,
                     struct qerr *err);
int db_user_get(struct qdb *db, const char *username, struct db_user *out, struct qerr *err);
int db_user_get_id(struct qdb *db, int64_t id, struct db_user *out, struct qerr *err);
/* All users, by username; manager or NULL. *rows malloc'd. */
int db_user_list(struct qdb *db, const struct db_actor *who, struct db_user **rows, int *n,
                 struct qerr *err);
/* Users of one role (for pickers: counsellors, teachers); any signed-in user. */
int db_user_list_role(struct qdb *db, enum db_role role, struct db_user **rows, int *n,
                      struct qerr *err);
int db_user_count(struct qdb *db);

/* Check a password. DB_OK fills *out and resets the failure count;
 * DB_BADLOGIN counts a failure (also for unknown or disabled users, without
 * saying which); after max_failed failures the account is DB_LOCKED for
 * lockout_min minutes (err->detail = the time it opens again). Every failure
 * is audited. */
int db_login(struct qdb *db, const char *username, const char *password, struct db_user *out,
             struct qerr *err);
/* Check the password of an already signed-in user (unlocking the screen);
 * counts failures like db_login. */
int db_verify_password(struct qdb *db, int64_t user_id, const char *password, struct qerr *err);

/* ---- People (search) ---- */

struct db_person_hit {
	int64_t person_id;
	int64_t family_id;
	char first_name[241]; /* 60 characters of up to 4 bytes */
	char father_name[241];
	char last_name[241];
	char family_code[20];
	char birth_date[11]; /* ISO or "" */
	int birth_year;      /* 0 when unknown */
	char sex;            /* 'F' or 'M' */
	char municipality[16];
	char phone[24];
};

/* Accent-insensitive search over names, father's name, phone and family
 * code, sorted in Albanian order (last name, first name). A query of
 * only digits and phone punctuation ("069 12", "+355 69") is looked up as a
 * phone-number prefix through the index, falling back to the text index
 * (family code numbers). Viewers are refused; teachers only find children
 * enrolled in their classes and get their names, sex and birth year only
 * (father's name, phone, family code and birth date blank); counsellors and
 * registrars find everyone. *hits is malloc'd. */
int db_person_search(struct qdb *db, const struct db_actor *who, const char *query, int limit,
                     int offset, struct db_person_hit **hits, int *n, struct qerr *err);

#endif
