/*
 * care — the counsellor's and the teacher's day: counselling appointments,
 * confidential session logs, after-school classes with enrolment and roll
 * call, the "roll not taken" list, the dropout early warning, group
 * activities and the days the centre is closed.
 *
 * Every function takes the connection, the acting user (NULL = the command
 * line acting as the system) and a caller-owned error, and returns enum
 * db_rc (db.h). Writes run in one BEGIN IMMEDIATE transaction with their
 * audit row; updates carry the version the caller loaded and fail with
 * DB_STALE ("err:db_stale") when another desk saved in between.
 *
 * Who may do what (anything else is DB_DENIED, "err:db_denied"):
 *
 *                          manager       registrar   counsellor  teacher      viewer
 *   schedule: day/week     yes           yes         yes         -            -
 *   book/move/cancel/mark  yes           yes         own only    -            -
 *   session log: write     own appts     -           own appts   -            -
 *   session log: read      own; others   -           own only    -            -
 *                          with a reason
 *                          (audited)
 *   follow-ups due         any counsellor no-shows   own         -            -
 *   class: define/edit     yes           yes         -           -            -
 *   class: list, enrolment yes           yes         -           own classes  -
 *   enrol / leave          yes           yes         -           own classes  -
 *   roll, cancel session   yes           yes         -           own classes  -
 *   roll not taken         all classes   all         -           own classes  -
 *   dropout list/count/act yes           yes         -           -            -
 *   activities             yes           yes         yes         -            -
 *   closures: list         every signed-in role
 *   closures: add/remove   yes           yes         -           -            -
 *
 * "own" for appointments means counsellor_id is the acting user. A session
 * log belongs to the counsellor who wrote it. The NULL actor (command line)
 * may do everything EXCEPT read or write session logs: no command, export or
 * script can reach the confidential text. Teachers see names, ages and
 * school status of the children in their classes only, never risk data; the
 * dropout list holds family risk data and is therefore not shown to them.
 *
 * Times are local wall-clock strings: dates "YYYY-MM-DD", appointment
 * starts "YYYY-MM-DD HH:MM". Text fields are UTF-8; fixed buffers are sized
 * for the schema's character limits at 4 bytes a character.
 */
#ifndef QENDRA_DB_CARE_H
#define QENDRA_DB_CARE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

#define DB_CARE_NAME_SZ    241  /* a name of up to 60 characters */
#define DB_CARE_TITLE_SZ   481  /* a title or reason of up to 120 characters */
#define DB_CARE_KEY_SZ     33   /* a catalogue key: type, room, subject */
#define DB_CARE_NOTE_SZ    2001 /* a short note of up to 500 characters */
#define DB_CARE_SERIES_MAX 52   /* weekly repetition: at most a year */

/* A date "YYYY-MM-DD" as a value (arrays of these are returned). */
struct db_date {
	char s[11];
};

/* ---- Dates (pure) ---- */

/* Days since 1970-01-01 of a strict "YYYY-MM-DD" (years 1900-2999); false
 * when the text is not a real date. */
bool db_day_from_iso(const char *iso, long *day);
void db_day_to_iso(long day, char out[11]);
/* 0 = Monday ... 6 = Sunday (bit i of every weekday mask). */
int db_day_weekday(long day);
/*
 * The weekly pattern: the days in [from, to] whose weekday bit is set in
 * `weekdays` (bit 0 = Monday) and that are not in `closed` (ascending, n
 * entries). Writes at most `max` days to `out` (which may be NULL when max
 * is 0) and returns how many there are in all.
 */
int db_pattern_days(unsigned weekdays, long from, long to, const long *closed, int nclosed,
                    long *out, int max);

/* ---- Closures ---- */

struct db_closure {
	int64_t id;
	char day[11];
	char reason[DB_CARE_TITLE_SZ];
	int64_t version;
};

/* Mark a day closed (reason 1..120 characters). DB_CONFLICT
 * "err:closure_exists" when it already is. *appts_out (may be NULL) gets
 * the number of scheduled appointments already on that day, for a warning. */
int db_closure_add(struct qdb *db, const struct db_actor *who, const char *day, const char *reason,
                   int64_t *id_out, int *appts_out, struct qerr *err);
/* Open the day again (tombstone); version as loaded. */
int db_closure_remove(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                      struct qerr *err);
/* Closures in [from, to] (NULL = open-ended), by day. *rows malloc'd (free()). */
int db_closure_list(struct qdb *db, const struct db_actor *who, const char *from, const char *to,
                    struct db_closure **rows, int *n, struct qerr *err);

/* ---- Counselling appointments ---- */

enum db_appt_status {
	DB_APPT_SCHEDULED = 0,
	DB_APPT_HELD,
	DB_APPT_NO_SHOW,
	DB_APPT_CANCELLED,
};
/* "scheduled", "held", "no_show", "cancelled" as stored; parse returns -1
 * for anything else. */
const char *db_appt_status_name(enum db_appt_status s);
int db_appt_status_parse(const char *s);

/* Opening hours from the configuration: minutes after midnight and the
 * open weekdays (bit 0 = Monday). Passing NULL skips the check. */
struct db_hours {
	int open_min;
	int close_min;
	unsigned weekdays;
};

/* A new booking. Exactly one of person_id (an individual client) and
 * activity_id (a group) is set. */
struct db_appt_new {
	int64_t person_id;
	int64_t activity_id;
	int64_t counsellor_id; /* an active counsellor or manager account */
	const char *type;      /* catalogue key, e.g. "psychosocial" */
	const char *start;     /* "YYYY-MM-DD HH:MM" */
	int duration_min;      /* 5..480 */
	const char *room;      /* catalogue key, NULL or "" = no room */
	int weeks;             /* 1 = once; N = the same slot weekly, N times (<= 52) */
};

/* What a booking made. */
struct db_appt_booked {
	int64_t first_id;     /* the first appointment created */
	int booked;           /* how many were created */
	char series_uuid[37]; /* "" for a single appointment */
	int nskipped;         /* weekly occurrences skipped because the centre is closed */
	struct db_date skipped[DB_CARE_SERIES_MAX];
};

/* One appointment as the schedule shows it. */
struct db_appt {
	int64_t id;
	char uuid[37];
	int64_t person_id;                  /* 0 for a group */
	int64_t activity_id;                /* 0 for an individual */
	char client_name[DB_CARE_TITLE_SZ]; /* "First Last" or the activity title */
	int64_t counsellor_id;
	char counsellor_name[DB_CARE_NAME_SZ];
	char type[DB_CARE_KEY_SZ];
	char start[17]; /* "YYYY-MM-DD HH:MM" */
	char end[17];   /* start + duration */
	int duration_min;
	char room[DB_CARE_KEY_SZ];
	enum db_appt_status status;
	char cancel_reason[DB_CARE_TITLE_SZ];
	char series_uuid[37];
	bool has_log; /* a session log exists (its content is not here) */
	int64_t version;
};

/*
 * Book an appointment, or a weekly series of `weeks`. Refused with
 * DB_CONFLICT and a key saying why: "err:appt_counsellor_busy",
 * "err:appt_room_busy", "err:appt_client_busy" (detail: the conflicting
 * appointment's date, time, counsellor and client), "err:appt_outside_hours"
 * (detail: the opening hours), "err:appt_closed_day" (detail: the date and
 * the closure reason). A weekly series SKIPS closure days (listed in
 * out->skipped) but any other conflict refuses the whole series: nothing is
 * booked. A single booking on a closure day is refused. DB_INVALID with
 * "err:appt_*_invalid" keys for bad input. `out` may be NULL.
 */
int db_appt_book(struct qdb *db, const struct db_actor *who, const struct db_appt_new *in,
                 const struct db_hours *hours, struct db_appt_booked *out, struct qerr *err);
/* Move one scheduled appointment: new start, duration (0 = keep), room (NULL
 * = keep, "" = none) and counsellor (0 = keep; changing it is for managers
 * and registrars). The same conflict rules as booking, the appointment
 * itself excluded; a closure day is refused. */
int db_appt_move(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                 const char *start, int duration_min, const char *room, int64_t counsellor_id,
                 const struct db_hours *hours, struct qerr *err);
/* Cancel with a reason (1..120 characters, "err:appt_reason_required").
 * With rest_of_series, the later scheduled appointments of the same series
 * are cancelled too. An appointment with a session log cannot be cancelled
 * ("err:appt_has_log"). */
int db_appt_cancel(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                   const char *reason, bool rest_of_series, struct qerr *err);
/* After the start time: mark held or no-show (corrections between the two
 * allowed; "err:appt_not_yet" before the start, "err:appt_has_log" when
 * un-holding a logged session). DB_APPT_CANCELLED behaves as db_appt_cancel
 * without the series. Marking scheduled again is allowed while no log exists. */
int db_appt_set_status(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                       enum db_appt_status status, const char *reason, struct qerr *err);
int db_appt_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_appt *out,
                struct qerr *err);
/* Every counsellor's appointments starting on `day`, by counsellor name
 * (Albanian order) then time, cancelled ones included. *rows malloc'd. */
int db_appt_day(struct qdb *db, const struct db_actor *who, const char *day, struct db_appt **rows,
                int *n, struct qerr *err);
/* Seven days from `from_day` for one counsellor (counsellor_id > 0) or one
 * room (room non-empty), by time. *rows malloc'd. */
int db_appt_week(struct qdb *db, const struct db_actor *who, int64_t counsellor_id,
                 const char *room, const char *from_day, struct db_appt **rows, int *n,
                 struct qerr *err);

/* ---- Session logs (confidential) ---- */

/*
 * The text is sealed with XChaCha20-Poly1305 (libsodium AEAD), a random
 * nonce per save and additional data binding it to its row (appointment
 * uuid, author, row version), under a 32-byte key kept in "<database>.key"
 * (0600, created on first use). The plaintext never enters SQLite. The key
 * file is NOT in a database backup: keep a copy of it apart; without it the
 * logs cannot be read ("err:notes_key_missing").
 */
struct db_session_log {
	int64_t id; /* 0 = not saved yet */
	int64_t appointment_id;
	int64_t counsellor_id; /* the author */
	char *summary;         /* malloc'd; NULL = empty on save, never NULL after a read */
	char *goals;
	char *next_step;
	char *notes;
	char follow_up_on[11]; /* "" = none */
	bool follow_up_done;
	char updated_at[20];
	int64_t version; /* 0 = new */
};
/* Wipe and free the texts (the struct itself is the caller's). NULL is fine. */
void db_session_log_free(struct db_session_log *log);
/*
 * Write the log of a held appointment: only its counsellor, and for an
 * existing log only its author (a manager cannot edit another's notes).
 * log->version 0 creates (DB_STALE when one appeared meanwhile), otherwise
 * updates that version. Each text up to 20 000 characters. On success
 * log->id and log->version are updated. "err:log_needs_held" when the
 * appointment is not marked held.
 */
int db_session_log_save(struct qdb *db, const struct db_actor *who, struct db_session_log *log,
                        struct qerr *err);
/*
 * Read the log of an appointment. The author reads freely; a manager who is
 * not the author must give a reason (1..200 characters,
 * "err:log_reason_required") and the reading is audited with it before the
 * text is returned. Everyone else — registrars, teachers, viewers, other
 * counsellors, the command line — gets DB_DENIED (and the attempt is
 * audited). DB_NOTFOUND when there is no log. Free *out with
 * db_session_log_free.
 */
int db_session_log_read(struct qdb *db, const struct db_actor *who, int64_t appointment_id,
                        const char *reason, struct db_session_log *out, struct qerr *err);
/* Mark the follow-up of a log done (author only). */
int db_followup_done(struct qdb *db, const struct db_actor *who, int64_t appointment_id,
                     int64_t version, struct qerr *err);
/* Wipe the note keys cached by this process (call at close / exit). */
void db_notes_forget_key(void);

enum db_followup_kind {
	DB_FOLLOWUP_SESSION = 0, /* a session log's follow-up date is due */
	DB_FOLLOWUP_NO_SHOW,     /* a no-show not re-booked since */
};
struct db_followup {
	enum db_followup_kind kind;
	int64_t appointment_id;
	int64_t person_id;
	int64_t activity_id;
	char client_name[DB_CARE_TITLE_SZ];
	int64_t counsellor_id;
	char counsellor_name[DB_CARE_NAME_SZ];
	char due[11];        /* the follow-up date, or the no-show's day */
	char start[17];      /* the appointment it comes from */
	int64_t log_version; /* for db_followup_done (session kind) */
};
/*
 * The home list: session follow-ups due on or before `today` and not done,
 * plus no-shows of the last 90 days with no later scheduled/held
 * appointment for the same client (person or group), oldest first. A counsellor always gets their
 * own; a manager the given counsellor's (0 = all); a registrar only the no-shows (0 = all). *rows
 * malloc'd.
 */
int db_followups_due(struct qdb *db, const struct db_actor *who, int64_t counsellor_id,
                     const char *today, struct db_followup **rows, int *n, struct qerr *err);

/* ---- After-school classes ---- */

struct db_class {
	int64_t id; /* 0 = new */
	char name[321];
	char subject[DB_CARE_KEY_SZ];
	int64_t teacher_id;
	char teacher_name[DB_CARE_NAME_SZ]; /* filled on reads */
	char room[DB_CARE_KEY_SZ];
	unsigned weekdays; /* bit 0 = Monday */
	int start_min;     /* minutes after midnight */
	int duration_min;  /* 15..480 */
	char term_start[11];
	char term_end[11];
	int capacity;    /* 1..200 */
	int enrolled;    /* enrolled today, filled on reads */
	int64_t version; /* 0 = new */
};
/* Create (c->id 0) or update (version as loaded) a class; fills id/version. */
int db_class_save(struct qdb *db, const struct db_actor *who, struct db_class *c, struct qerr *err);
int db_class_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_class *out,
                 struct qerr *err);
/* Live classes by name (a teacher gets only their own). *rows malloc'd. */
int db_class_list(struct qdb *db, const struct db_actor *who, struct db_class **rows, int *n,
                  struct qerr *err);
/* Tombstone a class. */
int db_class_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                    struct qerr *err);

struct db_enrolment {
	int64_t id;
	int64_t class_id;
	int64_t person_id;
	char first_name[DB_CARE_NAME_SZ];
	char last_name[DB_CARE_NAME_SZ];
	char sex; /* 'F' / 'M' */
	int age;  /* on the day asked (or today), -1 unknown */
	char school_status[16];
	char from_date[11];
	char to_date[11]; /* "" = still enrolled */
	char leave_reason[DB_CARE_TITLE_SZ];
	int64_t version;
};
/* Enrol a child from `from_date`. DB_CONFLICT "err:class_full" (detail
 * "enrolled/capacity") when the class is full and confirm is false;
 * "err:class_already_enrolled" when the child is already in it. */
int db_enrol(struct qdb *db, const struct db_actor *who, int64_t class_id, int64_t person_id,
             const char *from_date, bool confirm, int64_t *id_out, struct qerr *err);
/* The child leaves: last day and a reason (kept as history). */
int db_enrol_leave(struct qdb *db, const struct db_actor *who, int64_t enrolment_id,
                   int64_t version, const char *to_date, const char *reason, struct qerr *err);
/* Enrolments of a class: those active on `on_day`, or the whole history when
 * on_day is NULL; Albanian order of last, first name. *rows malloc'd. */
int db_enrolment_list(struct qdb *db, const struct db_actor *who, int64_t class_id,
                      const char *on_day, struct db_enrolment **rows, int *n, struct qerr *err);

/* The dates a class should meet in [from, to] (NULL = its term): the weekly
 * pattern within the term minus closure days. *dates malloc'd. */
int db_class_expected_dates(struct qdb *db, const struct db_actor *who, int64_t class_id,
                            const char *from, const char *to, struct db_date **dates, int *n,
                            struct qerr *err);
/* Cancel the session of `day` with a reason. version: the session's as
 * loaded (db_roll_open), 0 when it has no row yet. A session that already
 * has a roll cannot be cancelled ("err:session_has_roll"). */
int db_class_session_cancel(struct qdb *db, const struct db_actor *who, int64_t class_id,
                            const char *day, const char *reason, int64_t version, struct qerr *err);

/* ---- Roll call ---- */

struct db_roll_entry {
	int64_t person_id;
	int list_no; /* 1-based position in Albanian order of last, first name */
	char first_name[DB_CARE_NAME_SZ];
	char last_name[DB_CARE_NAME_SZ];
	char sex;
	int age; /* on the roll's day, -1 unknown */
	char school_status[16];
	char mark;  /* 'P', 'A', 'L', 'E': what db_roll_save writes ('P' when none saved) */
	char saved; /* the mark in the database, '\0' when none */
	char note[DB_CARE_TITLE_SZ];
};
struct db_roll {
	int64_t class_id;
	char class_name[321];
	char day[11];
	int64_t session_id; /* 0 = no session row yet */
	int64_t version;    /* the session's version when opened (0 = none) */
	bool cancelled;     /* the session is cancelled (saving a roll reopens it) */
	char topic[DB_CARE_TITLE_SZ];
	int n;
	struct db_roll_entry *e; /* malloc'd; free with db_roll_free */
};
void db_roll_free(struct db_roll *r);
/* Every child enrolled on `day` (plus anyone already marked that day), with
 * the saved marks if any. "err:roll_outside_term", "err:roll_future". */
int db_roll_open(struct qdb *db, const struct db_actor *who, int64_t class_id, const char *day,
                 struct db_roll *out, struct qerr *err);
/* Write the whole roll in one transaction: creates the session 'held' when
 * missing, upserts every mark; a change to marks already saved is audited
 * ("roll_correct", with what changed). DB_STALE when the session changed
 * since db_roll_open. On success roll->session_id/version/saved are updated. */
int db_roll_save(struct qdb *db, const struct db_actor *who, struct db_roll *roll,
                 struct qerr *err);

/* A session that should have happened and has no roll yet. */
struct db_roll_missing {
	int64_t class_id;
	char class_name[321];
	int64_t teacher_id;
	char teacher_name[DB_CARE_NAME_SZ];
	char day[11];
	int64_t session_id; /* 0 when no row */
	int64_t version;
};
/* Expected sessions before `today` (within the term, not closure days, with
 * at least one child enrolled) that have no row, or a 'held' row with no
 * marks. By day, then class name. *rows malloc'd. */
int db_roll_missing_list(struct qdb *db, const struct db_actor *who, const char *today,
                         struct db_roll_missing **rows, int *n, struct qerr *err);

/* ---- Dropout early warning ---- */

/*
 * The rule, from the configuration (the same formula as conf_dropout_score):
 *   score = rule_points x number of attendance rules broken, where the rules are
 *             - unexcused absences in a row >= absences_in_row
 *             - attendance rate < min_rate_percent over the last window_weeks,
 *               with at least min_sessions marked sessions
 *         + weight_irregular / weight_dropped_out by school status
 *         + weight_risk_factor x present risk factors in the family's latest
 *           screening (counted up to DB_DROPOUT_MAX_FACTORS);
 * flagged when score >= flag_score. Marks: P and L are attendance and end a
 * run of absences; A counts; E (excused) neither counts nor ends a run and
 * is left out of the rate. Computed per child and class; one row per child
 * (the class with the highest score).
 */
#define DB_DROPOUT_MAX_FACTORS 10
struct db_dropout_rule {
	int absences_in_row;
	int min_rate_percent;
	int window_weeks;
	int min_sessions;
	int weight_irregular;
	int weight_dropped_out;
	int weight_risk_factor;
	int flag_score;
	int rule_points; /* per broken attendance rule: CONF_DROPOUT_RULE_POINTS; 0 = 3 */
};
/* 3 in a row; under 75% over 4 weeks with at least 4 sessions; irregular 1,
 * dropped out 2, risk factor 1; flag at 3; 3 points a rule. */
void db_dropout_rule_default(struct db_dropout_rule *r);

/* Why a child is on the list, as numbers for the UI to put in words. */
struct db_dropout_reason {
	bool run_hit;      /* absences in a row reached the rule */
	int run;           /* unexcused absences in a row (latest) */
	bool rate_hit;     /* rate under the minimum */
	int rate;          /* attendance % over the window, -1 when no session */
	int sessions;      /* marked sessions (P/L/A) in the window */
	int school_weight; /* added for school status */
	char school_status[16];
	int risk_factors; /* present factors in the family's latest screening */
	int risk_weight;  /* added for them */
};
/* The pure scoring of one child's figures (run, rate, sessions,
 * school_status, risk_factors filled in): sets the *_hit flags and weights
 * and returns the score. */
int db_dropout_score(const struct db_dropout_rule *rule, struct db_dropout_reason *why);

enum db_dropout_state {
	DB_DROPOUT_OPEN = 0,   /* nobody acted yet (or a new episode) */
	DB_DROPOUT_HOME_VISIT, /* a home visit is scheduled */
	DB_DROPOUT_REFERRED,   /* referred to education services */
	DB_DROPOUT_DISMISSED,  /* dismissed with a note (listed again only when worse) */
};
/* "open", "home_visit", "referred", "dismissed" as stored. */
const char *db_dropout_state_name(enum db_dropout_state s);

struct db_dropout_row {
	int64_t person_id;
	int64_t family_id;
	int64_t class_id;
	char first_name[DB_CARE_NAME_SZ];
	char last_name[DB_CARE_NAME_SZ];
	char family_code[20];
	char class_name[321];
	char sex;
	int age;
	int score;
	struct db_dropout_reason why;
	int days_since; /* days since last attended this class, -1 never */
	char last_present[11];
	enum db_dropout_state state;
	bool returned;   /* had been dismissed; listed again because worse */
	int64_t flag_id; /* the latest dropout_flag row (0 none), for acting */
	int64_t flag_version;
	bool flag_current; /* that row belongs to this episode (no attendance since) */
	char action_note[DB_CARE_NOTE_SZ];
};
/* The children flagged on `today` for the whole centre, worst first.
 * *rows malloc'd. */
int db_dropout_list(struct qdb *db, const struct db_actor *who, const char *today,
                    const struct db_dropout_rule *rule, struct db_dropout_row **rows, int *n,
                    struct qerr *err);
/* For the home screen: children on the list (*total) and those nobody has
 * acted on yet (*open); either may be NULL. */
int db_dropout_count(struct qdb *db, const struct db_actor *who, const char *today,
                     const struct db_dropout_rule *rule, int *open, int *total, struct qerr *err);
/* Act on a listed row: schedule a home visit, refer to education services
 * (record only; the UI then opens the referral form) or dismiss (note
 * required, "err:dropout_note_required"). DB_STALE when someone acted on the
 * same child and class since the list was read. */
int db_dropout_act(struct qdb *db, const struct db_actor *who, const struct db_dropout_row *row,
                   enum db_dropout_state action, const char *note, struct qerr *err);

/* ---- Group activities ---- */

struct db_activity {
	int64_t id; /* 0 = new */
	char held_on[11];
	char title[DB_CARE_TITLE_SZ];
	char type[DB_CARE_KEY_SZ];
	int64_t facilitator_id;                 /* 0 = none */
	char facilitator_name[DB_CARE_NAME_SZ]; /* filled on reads */
	char note[DB_CARE_NOTE_SZ];
	int participants; /* registered participants, filled on reads */
	int anonymous;    /* sum of the anonymous counts, filled on reads */
	int64_t version;  /* 0 = new */
};
int db_activity_save(struct qdb *db, const struct db_actor *who, struct db_activity *a,
                     struct qerr *err);
int db_activity_get(struct qdb *db, const struct db_actor *who, int64_t id, struct db_activity *out,
                    struct qerr *err);
/* Activities held in [from, to] (NULL = open-ended), newest first. */
int db_activity_list(struct qdb *db, const struct db_actor *who, const char *from, const char *to,
                     struct db_activity **rows, int *n, struct qerr *err);
int db_activity_delete(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                       struct qerr *err);

struct db_activity_person {
	int64_t person_id;
	char first_name[DB_CARE_NAME_SZ];
	char last_name[DB_CARE_NAME_SZ];
	char sex;
	int age; /* on the activity's day, -1 unknown */
};
/* Add a registered participant (adding one already there is DB_OK). */
int db_activity_add_person(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                           int64_t person_id, struct qerr *err);
int db_activity_remove_person(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                              int64_t person_id, struct qerr *err);
int db_activity_people(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                       struct db_activity_person **rows, int *n, struct qerr *err);

struct db_activity_count {
	char sex;                      /* 'F' / 'M' */
	char age_band[DB_CARE_KEY_SZ]; /* a key of the configured age_bands catalogue */
	int n;
};
/* Set the anonymous count of one sex and age band (a catalogue key such as
 * "6_11"; n 0..100000, 0 clears). */
int db_activity_set_count(struct qdb *db, const struct db_actor *who, int64_t activity_id, char sex,
                          const char *age_band, int n, struct qerr *err);
int db_activity_counts(struct qdb *db, const struct db_actor *who, int64_t activity_id,
                       struct db_activity_count **rows, int *n, struct qerr *err);

#endif
