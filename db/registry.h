/*
 * registry — the registrar's records: families, persons, consent, risk
 * screening, front-desk visits (and anonymous tallies) and referrals.
 *
 * Every function takes the database, the acting user (`who`; NULL = the
 * command line acting as the system, treated like a manager) and a
 * caller-owned `struct qerr *err` (may be NULL), and returns enum db_rc.
 * The role is checked first, before any value is looked at.
 *
 * Who may do what (enforced here, tested in tests/unit/test_registry.c):
 *
 *   what                        manager registrar counsellor     teacher       viewer
 *   family read, list, card     yes     yes       client fam.(1) DENIED        DENIED
 *   family write                yes     yes       DENIED         DENIED        DENIED
 *   person read                 yes     yes       client fam.(1) pupils (2)    DENIED
 *   person write, duplicates    yes     yes       DENIED         DENIED        DENIED
 *   consent read                yes     yes       client fam.(1) DENIED        DENIED
 *   consent write               yes     yes       DENIED         DENIED        DENIED
 *   screening read              yes     yes       clients (3)    DENIED        DENIED
 *   screening add, override     yes     yes       DENIED         DENIED        DENIED
 *   visit add, day list, read   yes     yes       yes (4)        DENIED        DENIED
 *   visit edit, delete          always  author on the same day   DENIED        DENIED
 *   visit tally add             yes     yes       yes            DENIED        DENIED
 *   visit tally count           yes     yes       yes            DENIED        yes
 *   referral read, waiting      yes     yes       clients (3)    DENIED        DENIED
 *   referral add, status        yes     yes       DENIED         DENIED        DENIED
 *   referral without consent    reason  DENIED (err:consent_missing) for every other role
 *   record history (audit)      db_audit_list: manager only
 *
 *   (1) a client is a person with a live appointment with the counsellor
 *       (directly, or through a group activity the person takes part in);
 *       a client family is a family with a client among its live members.
 *   (2) children with a current or future enrolment in a class the teacher
 *       teaches; only first/last name, age and school status are filled,
 *       everything else is blanked and `restricted` is set. Anyone else:
 *       DB_DENIED.
 *   (3) person screenings and referrals of the counsellor's clients, and
 *       family screenings of client families. Risk levels of other members
 *       are blanked in the family card and lists.
 *   (4) visit notes are blanked unless the counsellor wrote the visit or
 *       the person is their client.
 *
 * Writes: one BEGIN IMMEDIATE ... COMMIT per operation with its audit row
 * (db_audit) inside it, so a failed write leaves neither change nor audit.
 * Updates take the version the record was loaded at: when another desk has
 * saved since, nothing is written and DB_STALE (err:db_stale) is returned;
 * reload with the get function and show db_family_diff/db_person_diff.
 * On success the caller's struct gets the new version and stamps.
 *
 * Values are validated by forms/ first; db still refuses bad values
 * without touching the database: DB_INVALID with err:field_required,
 * err:field_too_long, err:field_invalid (detail = the field name, e.g.
 * "first_name"), err:date_invalid, err:phone_invalid, ... (each function
 * says which). Text must be valid UTF-8 without control characters or
 * bidirectional overrides; lengths are counted in characters.
 *
 * Dates are ISO "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS"; "" when
 * unknown. Returned arrays are malloc'd: free() them (or the _free
 * function named). Fixed-size string fields hold a whole value.
 */
#ifndef QENDRA_REGISTRY_H
#define QENDRA_REGISTRY_H

#include "db/db.h"

/* Limits in characters, and buffer sizes in bytes (4 bytes a character). */
#define DB_NAME_LEN 60
#define DB_NAME_SZ  (DB_NAME_LEN * 4 + 1)
#define DB_TEXT_LEN 200
#define DB_TEXT_SZ  (DB_TEXT_LEN * 4 + 1)
#define DB_NOTE_LEN 1000
#define DB_NOTE_SZ  (DB_NOTE_LEN * 4 + 1)
#define DB_KEY_SZ   33 /* catalogue keys: [a-z0-9_]{1,32} */
#define DB_PHONE_SZ 33
#define DB_DATE_SZ  11
#define DB_TS_SZ    20
#define DB_CODE_SZ  20
#define DB_SCOPE_SZ 400 /* space-separated service keys */
#define DB_STAFF_SZ 81  /* a user's full name */
#define DB_DIFF_SZ  256 /* enough for every field name of a diff */

/* ======================================================================
 * Families
 * ==================================================================== */

/* One household. Editable fields are marked (e); the rest is kept by db. */
struct db_family {
	int64_t id;
	char uuid[37];
	char code[DB_CODE_SZ];       /* "SHK-2026-0042", made by db_family_add */
	char municipality[16];       /* (e) shkoder | kukes | diber */
	char admin_unit[DB_TEXT_SZ]; /* (e) village / administrative unit */
	char address[DB_TEXT_SZ];    /* (e) */
	char phone[DB_PHONE_SZ];     /* (e) as typed; searched normalised */
	int64_t head_person_id;      /* (e) 0 = none; a live member */
	char head_first[DB_NAME_SZ]; /* the head's names, read only */
	char head_last[DB_NAME_SZ];
	char identified_by[24];        /* (e) outreach | walk_in | school | police |
	                                  social_services | other */
	char reg_date[DB_DATE_SZ];     /* (e) "" = today on add */
	int64_t reg_staff;             /* who registered it (set on add) */
	char status[16];               /* (e) active | closed | moved_away */
	char close_reason[DB_TEXT_SZ]; /* (e) required unless active */
	char risk_level[8];            /* read only: highest of the latest levels of
	                                  the family and its members; "" = never screened */
	int64_t version;
	char created_at[DB_TS_SZ], updated_at[DB_TS_SZ];
	int64_t created_by, updated_by;
};

/* Register a family: f's editable fields in; on DB_OK f->id, uuid, code,
 * version (1) and stamps are filled. The code is the next number of the
 * municipality and registration year, taken in the same transaction.
 * Roles: manager, registrar. DB_INVALID: err:field_* (municipality,
 * identified_by, reg_date, ...), err:phone_invalid. A head cannot be named
 * yet (there are no members): add a member with relation "head". */
int db_family_add(struct qdb *db, const struct db_actor *who, struct db_family *f,
                  struct qerr *err);
/* Load one live family. DB_NOTFOUND when missing or deleted. */
int db_family_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_family *out,
                  struct qerr *err);
/* Save f's editable fields if f->version is still current; on DB_OK
 * f->version and the stamps are updated. DB_STALE (nothing written) when
 * another desk saved first. DB_INVALID err:head_not_member,
 * err:close_reason_required, err:field_*. The audit row lists the changed
 * field names. */
int db_family_update(struct qdb *db, const struct db_actor *who, struct db_family *f,
                     struct qerr *err);
/* Tombstone a family that has no live members (else DB_CONFLICT
 * err:family_has_members). Manager, registrar. */
int db_family_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                     struct qerr *err);
/* Next family code for a municipality and year, e.g. "KUK-2026-0007";
 * counts up family_code_seq and skips codes already used. Joins the
 * caller's transaction when one is open (db_family_add does), otherwise
 * runs in its own (and the number is used up). Manager, registrar. */
int db_family_code_next(struct qdb *db, const struct db_actor *who, const char *municipality,
                        int year, char out[DB_CODE_SZ], struct qerr *err);
/* Names of the editable fields that differ between a and b, comma-separated
 * ("address,phone") into out; returns how many differ. For the "someone else
 * saved this" screen: diff the copy the user loaded with a fresh get. */
int db_family_diff(const struct db_family *a, const struct db_family *b, char *out, size_t outsz);

/* A row of the families list. */
struct db_family_row {
	int64_t id;
	char code[DB_CODE_SZ];
	char municipality[16];
	char status[16];
	char risk_level[8]; /* the family's overall level; "" never screened */
	int64_t head_person_id;
	char head_first[DB_NAME_SZ];
	char head_last[DB_NAME_SZ];
	char phone[DB_PHONE_SZ];
	char reg_date[DB_DATE_SZ];
	int members; /* live members */
	int64_t version;
};

enum db_page {
	DB_PAGE_FIRST = 0, /* from the top, skipping `offset` rows */
	DB_PAGE_NEXT,      /* the rows after `anchor` (the last row shown) */
	DB_PAGE_PREV,      /* the rows before `anchor` (the first row shown) */
	DB_PAGE_LAST,      /* the last page */
};

/* What the families list shows. Zero-initialise, then set what you need. */
struct db_family_filter {
	const char *search;       /* NULL/"" = everything. Words: prefixes of a
	                             member's first, last or father's name, accents
	                             optional ("cela drit"); only digits: a member's
	                             or the family's phone in any form ("069 12",
	                             "+355 69"); a code prefix ("SHK-2026-00") or
	                             its number ("0042") */
	const char *municipality; /* NULL = all */
	const char *status;       /* NULL = all */
	const char *risk;         /* "low" | "medium" | "high" | "none" | NULL = all */
	int limit;                /* rows per page: 0 = 50, at most 500 */
	int offset;               /* with DB_PAGE_FIRST */
	enum db_page page;
	const struct db_family_row *anchor; /* with NEXT / PREV */
};

/* One page of families in Albanian order of the head's last then first
 * name (families without a head last, then by id), always returned top to
 * bottom. Keyset paging (NEXT/PREV/LAST) costs the same on every page.
 * Manager, registrar; counsellor (client families only). *rows malloc'd. */
int db_family_list(struct qdb *db, const struct db_actor *who, const struct db_family_filter *q,
                   struct db_family_row **rows, int *n, struct qerr *err);
/* A count with a search stops here: DB_FAMILY_COUNT_MAX + 1 means "more". */
#define DB_FAMILY_COUNT_MAX 1000

/* How many families match q. With a search text the count stops after
 * DB_FAMILY_COUNT_MAX + 1 (so a one-letter keystroke stays fast); it is exact
 * without a search, or when q->page is DB_PAGE_LAST. Same roles. */
int db_family_count(struct qdb *db, const struct db_actor *who, const struct db_family_filter *q,
                    int *count, struct qerr *err);

/* ======================================================================
 * Persons
 * ==================================================================== */

struct db_person {
	int64_t id;
	int64_t family_id; /* (e) */
	char uuid[37];
	char first_name[DB_NAME_SZ];  /* (e) required */
	char father_name[DB_NAME_SZ]; /* (e) atësia */
	char last_name[DB_NAME_SZ];   /* (e) required */
	char sex;                     /* (e) 'F' | 'M' */
	char birth_date[DB_DATE_SZ];  /* (e) ISO, or "" with birth_year */
	int birth_year;               /* (e) when only the year is known; filled
	                                 from birth_date on read */
	bool birth_estimated;         /* read only: true when only the year is known */
	int age;                      /* read only: years today, -1 unknown */
	char relation[16];            /* (e) head | spouse | child | grandchild | parent |
	                                 sibling | other_relative | other */
	char nid[11];                 /* (e) "J12345678K" or "" */
	char phone[DB_PHONE_SZ];      /* (e) */
	char school_name[DB_TEXT_SZ]; /* (e) */
	int school_grade;             /* (e) 0..13, -1 none */
	char school_status[16];       /* (e) enrolled | irregular | dropped_out |
	                                 never_enrolled | not_school_age */
	char disability[DB_TEXT_SZ];  /* (e) */
	char notes[DB_NOTE_SZ];       /* (e) may span lines */
	char risk_level[8];           /* read only: latest screening level, "" none */
	bool restricted;              /* read only: fields blanked for this actor */
	int64_t version;
	char created_at[DB_TS_SZ], updated_at[DB_TS_SZ];
	int64_t created_by, updated_by;
};

/* Add a member to p->family_id; on DB_OK p->id, uuid, version, stamps are
 * filled. A member with relation "head" becomes the family's head when it
 * has none (the family's version goes up). Manager, registrar.
 * DB_NOTFOUND: no such family. DB_CONFLICT err:nid_taken. DB_INVALID:
 * err:field_* (first_name, last_name, sex, relation, school_status, ...),
 * err:birth_required, err:date_invalid, err:birth_future, err:nid_invalid,
 * err:phone_invalid. */
int db_person_add(struct qdb *db, const struct db_actor *who, struct db_person *p,
                  struct qerr *err);
/* Load one live person as the actor may see it (see the matrix). */
int db_person_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_person *out,
                  struct qerr *err);
/* Save p's editable fields at p->version (see db_family_update). Moving a
 * person to another family is allowed; a head who moves out or stops being
 * "head" leaves the old family without a head. */
int db_person_update(struct qdb *db, const struct db_actor *who, struct db_person *p,
                     struct qerr *err);
/* Tombstone a person (a head leaves the family headless). */
int db_person_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                     struct qerr *err);
/* Live members of a family, head first, then by birth (oldest first). */
int db_person_list_family(struct qdb *db, const struct db_actor *who, int64_t family_id,
                          struct db_person **rows, int *n, struct qerr *err);
/* See db_family_diff; covers the editable fields of a person. */
int db_person_diff(const struct db_person *a, const struct db_person *b, char *out, size_t outsz);

/* A possible duplicate of a person being registered, and why. */
struct db_person_dup {
	int64_t person_id;
	int64_t family_id;
	char family_code[DB_CODE_SZ];
	char first_name[DB_NAME_SZ];
	char father_name[DB_NAME_SZ];
	char last_name[DB_NAME_SZ];
	char birth_date[DB_DATE_SZ];
	int birth_year;
	char sex;
	bool swapped;     /* first and last name were the other way round */
	bool birth_close; /* birth dates within a year, or the same (±1) year */
	bool same_father; /* same father's name, accents ignored */
};

/* Live persons whose name is the same as first+last ignoring case and
 * accents (also with first and last swapped) AND whose birth is close
 * (dates within a year; or years within one when either is only a year)
 * or whose father's name is the same. birth_iso may be NULL/"" and
 * birth_year 0; father may be NULL. exclude_id (0 = none) is left out (the
 * person being edited). At most 20, closest first. Manager, registrar. */
int db_person_duplicates(struct qdb *db, const struct db_actor *who, const char *first,
                         const char *last, const char *father, const char *birth_iso,
                         int birth_year, int64_t exclude_id, struct db_person_dup **rows, int *n,
                         struct qerr *err);

/* ======================================================================
 * Consent (of a family)
 * ==================================================================== */

struct db_consent {
	int64_t id;
	int64_t family_id;
	char given_on[DB_DATE_SZ];
	int64_t given_by_person_id;     /* 0 when given by someone not registered */
	char given_by_name[DB_TEXT_SZ]; /* the name written, or the member's name on read */
	char scope[DB_SCOPE_SZ];        /* service keys, one space between */
	char withdrawn_on[DB_DATE_SZ];  /* "" while in force */
	int64_t version;
	char created_at[DB_TS_SZ];
	int64_t created_by;
};

/* Record a consent. given_by_person_id (a live member of the family) or
 * given_by_name is required (err:consent_given_by); scope is a list of
 * service keys separated by spaces or commas (err:consent_scope), stored
 * de-duplicated with single spaces; given_on "" = today. Manager, registrar. */
int db_consent_add(struct qdb *db, const struct db_actor *who, int64_t family_id,
                   const char *given_on, int64_t given_by_person_id, const char *given_by_name,
                   const char *scope, int64_t *id_out, struct qerr *err);
/* The consent in force: the latest not withdrawn. DB_NOTFOUND when none. */
int db_consent_current(struct qdb *db, const struct db_actor *who, int64_t family_id,
                       struct db_consent *out, struct qerr *err);
/* Withdraw a consent on a date ("" = today). */
int db_consent_withdraw(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                        const char *on, struct qerr *err);
/* All consents of a family, newest first. */
int db_consent_list(struct qdb *db, const struct db_actor *who, int64_t family_id,
                    struct db_consent **rows, int *n, struct qerr *err);
/* True when the consent's scope holds the service key. */
bool db_consent_covers(const struct db_consent *c, const char *service);

/* ======================================================================
 * Risk screening
 * ==================================================================== */

/* One factor as screened. key is the catalogue key (conf), weight from the
 * configuration (0..100), note optional. */
struct db_screening_factor {
	char key[DB_KEY_SZ];
	bool present;
	int weight;
	char note[DB_TEXT_SZ];
};

struct db_screening {
	int64_t id;
	char uuid[37];
	int64_t person_id; /* exactly one of person_id, family_id is set */
	int64_t family_id;
	char screened_on[DB_DATE_SZ];
	int64_t staff_id;
	char staff_name[DB_STAFF_SZ];
	int score;              /* sum of the weights of present factors */
	char level_computed[8]; /* low | medium | high */
	char level[8];          /* = level_computed unless overridden */
	char override_reason[DB_TEXT_SZ];
	char rescreen_due[DB_DATE_SZ];
	int64_t version;
	char created_at[DB_TS_SZ], updated_at[DB_TS_SZ];
};

/* A new screening. */
struct db_screening_new {
	int64_t person_id;                         /* either a person ... */
	int64_t family_id;                         /* ... or a family */
	const char *screened_on;                   /* NULL/"" = today */
	const struct db_screening_factor *factors; /* each key at most once */
	int nfactors;
	int medium_at, high_at;      /* thresholds (conf): score >= high_at is high, ... */
	const char *level;           /* NULL = the computed level; else an override ... */
	const char *override_reason; /* ... which needs a reason */
	const char *rescreen_due;    /* NULL/"" = none */
};

/* "low", "medium" or "high" for a score. */
const char *db_risk_level(int score, int medium_at, int high_at);
/* Save a screening with its factors. Manager, registrar. DB_INVALID:
 * err:screening_subject (not exactly one of person/family),
 * err:screening_factor (bad key, duplicate, weight outside 0..100),
 * err:screening_thresholds, err:level_invalid, err:override_reason,
 * err:date_invalid, err:field_*. DB_NOTFOUND: no such person/family. */
int db_screening_add(struct qdb *db, const struct db_actor *who, const struct db_screening_new *in,
                     int64_t *id_out, struct qerr *err);
/* One screening with its factors (*factors malloc'd, may be NULL with
 * *nf = 0). factors may be NULL when not wanted. */
int db_screening_get(struct qdb *db, const struct db_actor *who, int64_t id,
                     struct db_screening *out, struct db_screening_factor **factors, int *nf,
                     struct qerr *err);
/* Override the level of a saved screening with a written reason (required:
 * err:override_reason). Manager, registrar. level equal to the computed
 * one clears the override (reason still recorded in the audit). */
int db_screening_override(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                          const char *level, const char *reason, struct qerr *err);
/* History of a person's (person_id) or a family's (family_id) own
 * screenings, newest first. */
int db_screening_list(struct qdb *db, const struct db_actor *who, int64_t person_id,
                      int64_t family_id, struct db_screening **rows, int *n, struct qerr *err);
/* The newest screening of a person or a family. DB_NOTFOUND when none. */
int db_screening_latest(struct qdb *db, const struct db_actor *who, int64_t person_id,
                        int64_t family_id, struct db_screening *out, struct qerr *err);

/* ======================================================================
 * Visits
 * ==================================================================== */

struct db_visit {
	int64_t id;
	int64_t person_id;
	int64_t family_id;
	char first_name[DB_NAME_SZ];
	char last_name[DB_NAME_SZ];
	char family_code[DB_CODE_SZ];
	char at[DB_TS_SZ];
	char purpose[DB_KEY_SZ];
	int64_t staff_id;
	char staff_name[DB_STAFF_SZ];
	char note[DB_TEXT_SZ]; /* blanked for a counsellor, see (4) */
	bool editable;         /* the actor may edit it now */
	int64_t version;
	char created_at[DB_TS_SZ];
};

/* Register a visit of a person. at NULL/"" = now; purpose a catalogue key
 * (err:field_invalid "purpose"); note optional (200 characters). Manager,
 * registrar, counsellor. */
int db_visit_add(struct qdb *db, const struct db_actor *who, int64_t person_id, const char *at,
                 const char *purpose, const char *note, int64_t *id_out, struct qerr *err);
/* Change purpose and note. Its author on the day it was registered, a
 * manager any time; anyone else DB_DENIED. DB_STALE as usual. */
int db_visit_update(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                    const char *purpose, const char *note, struct qerr *err);
/* Tombstone a visit (same rule as update). */
int db_visit_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                    struct qerr *err);
int db_visit_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_visit *out,
                 struct qerr *err);
/* The visits of one day ("" / NULL = today), newest first. */
int db_visit_list_day(struct qdb *db, const struct db_actor *who, const char *day,
                      struct db_visit **rows, int *n, struct qerr *err);
/* The last `limit` visits of a person (0 = 20), newest first. */
int db_visit_list_person(struct qdb *db, const struct db_actor *who, int64_t person_id, int limit,
                         struct db_visit **rows, int *n, struct qerr *err);

/* Count an anonymous walk-in: sex 'F'/'M', age_band a key of the
 * configured age_bands catalogue (conf_age_band), purpose a catalogue key
 * or NULL. Manager, registrar, counsellor. */
int db_visit_tally_add(struct qdb *db, const struct db_actor *who, const char *at, char sex,
                       const char *age_band, const char *purpose, int64_t *id_out,
                       struct qerr *err);
/* Anonymous walk-ins counted on a day (NULL = today). Also viewers. */
int db_visit_tally_count(struct qdb *db, const struct db_actor *who, const char *day, int *count,
                         struct qerr *err);

/* ======================================================================
 * Referrals
 * ==================================================================== */

struct db_referral {
	int64_t id;
	char uuid[37];
	char code[DB_CODE_SZ]; /* "REF-2026-00017" */
	int64_t person_id;
	int64_t family_id;
	/* the person, for lists and the printed slip */
	char first_name[DB_NAME_SZ];
	char father_name[DB_NAME_SZ];
	char last_name[DB_NAME_SZ];
	char sex;
	char birth_date[DB_DATE_SZ];
	int birth_year;
	char family_code[DB_CODE_SZ];
	char municipality[16];
	char address[DB_TEXT_SZ];
	/* the referral */
	char service[DB_KEY_SZ];
	char organisation[DB_TEXT_SZ];
	char reason[DB_TEXT_SZ];
	char referred_on[DB_DATE_SZ];
	char follow_up_due[DB_DATE_SZ];
	char status[16]; /* referred | accepted | declined | completed | revoked | no_response */
	char status_on[DB_DATE_SZ];
	char outcome[DB_TEXT_SZ];
	char revoke_reason[DB_TEXT_SZ];
	char consent_override[DB_TEXT_SZ]; /* the manager's reason, "" when consent covered it */
	int64_t staff_id;
	char staff_name[DB_STAFF_SZ];
	int days_waiting; /* days since referred_on (today) */
	bool overdue;     /* in db_referral_waiting: waiting too long or follow-up passed */
	int64_t version;
	char created_at[DB_TS_SZ];
};

struct db_referral_new {
	int64_t person_id;
	const char *service;          /* catalogue key */
	const char *organisation;     /* required */
	const char *reason;           /* required */
	const char *referred_on;      /* NULL/"" = today */
	const char *follow_up_due;    /* NULL/"" = none */
	const char *consent_override; /* manager only: why the referral goes ahead
	                                 without the family's consent for this service */
};

/* Refer a person. The family's current consent must cover the service,
 * else DB_DENIED err:consent_missing — unless the actor is a manager (or
 * NULL) and gives consent_override, which is stored and audited
 * ("referral_consent_override"). On DB_OK *id_out and code_out (may be
 * NULL) get the new referral's id and code. Manager, registrar.
 * DB_INVALID err:field_* (service, organisation, reason), err:date_invalid. */
int db_referral_add(struct qdb *db, const struct db_actor *who, const struct db_referral_new *in,
                    int64_t *id_out, char code_out[DB_CODE_SZ], struct qerr *err);
/* One referral with everything the printed slip needs. */
int db_referral_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_referral *out,
                    struct qerr *err);
/* Move a referral along its lifecycle:
 *   referred → accepted | declined | revoked | no_response
 *   accepted → completed | revoked | no_response
 * Anything else is DB_INVALID err:referral_transition. `note` is the
 * outcome (completed, declined), the reason (revoked: required,
 * err:revoke_reason) or a remark. on NULL/"" = today. Writes a
 * referral_event and an audit row. Manager, registrar; DB_STALE as usual. */
int db_referral_set_status(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                           const char *status, const char *on, const char *note, struct qerr *err);
/* True when the lifecycle allows from → to. */
bool db_referral_can(const char *from, const char *to);

struct db_referral_event {
	int64_t id;
	char at[DB_TS_SZ];
	char from_status[16]; /* "" for the first */
	char to_status[16];
	char note[DB_TEXT_SZ];
	char username[33];
};
/* The dated history of a referral, oldest first. */
int db_referral_events(struct qdb *db, const struct db_actor *who, int64_t id,
                       struct db_referral_event **rows, int *n, struct qerr *err);
/* Referrals of a person, newest first. */
int db_referral_list_person(struct qdb *db, const struct db_actor *who, int64_t person_id,
                            struct db_referral **rows, int *n, struct qerr *err);
/* "Waiting for an answer": status referred; overdue ones first (waiting
 * more than overdue_days, or follow-up date passed), then oldest first.
 * limit 0 = 200. Counsellors see their clients' only. */
int db_referral_waiting(struct qdb *db, const struct db_actor *who, int overdue_days, int limit,
                        struct db_referral **rows, int *n, struct qerr *err);
/* Counts for the home screen: waiting and, of those, overdue. */
int db_referral_waiting_count(struct qdb *db, const struct db_actor *who, int overdue_days,
                              int *waiting, int *overdue, struct qerr *err);

/* ======================================================================
 * Family card
 * ==================================================================== */

struct db_family_card {
	struct db_family family;
	struct db_person *members; /* as db_person_list_family */
	int nmembers;
	bool has_screening;
	struct db_screening screening; /* newest of the family's and its members' */
	bool has_consent;
	struct db_consent consent; /* in force */
	struct db_visit *visits;   /* the last visits of any member, newest first */
	int nvisits;
	struct db_referral *referrals; /* open: referred or accepted, newest first */
	int nreferrals;
};

/* Everything the family card shows, in six queries. nvisits: how many
 * recent visits (0 = 5). Roles as for reading a family. Free with
 * db_family_card_free. */
int db_family_card(struct qdb *db, const struct db_actor *who, int64_t id, int nvisits,
                   struct db_family_card *out, struct qerr *err);
void db_family_card_free(struct db_family_card *c);

#endif
