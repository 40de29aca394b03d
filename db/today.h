/*
 * today — the figures and short lists of the home screen "Sot / Today":
 * what the signed-in user has on today, what is due, and what is waiting.
 *
 * One call gathers everything, role-aware (checked here, like every db/
 * read): a counsellor gets their own appointments, follow-ups and no-shows;
 * a teacher their own classes and missing rolls (never referrals, dropout
 * warnings or anything about risk); a registrar the referrals waiting and
 * the dropout warning count; a manager all of it for the whole centre; a
 * viewer aggregate counts only, never a name.
 *
 * Follow-ups and no-shows, rolls not taken and the dropout warning are
 * counted with the care module's own functions (db_followups_due,
 * db_roll_missing_list, db_dropout_count in care.h), so the home screen
 * always agrees with the lists those screens show.
 *
 * Lists are short (at most DB_TODAY_MAX items each, the total count beside
 * them), so no statement stays open while the screen is shown.
 */
#ifndef QENDRA_DB_TODAY_H
#define QENDRA_DB_TODAY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

struct db_dropout_rule;

/* Longest list of each kind returned (the totals count everything). */
#define DB_TODAY_MAX 20
/* Days after which a referral still waiting for an answer is overdue, when
 * the caller passes 0. */
#define DB_TODAY_OVERDUE_DAYS 14
/* Kept for older callers; the look-back of no-shows and rolls is now the
 * care module's (see db_followups_due and db_roll_missing_list). */
#define DB_TODAY_LOOKBACK_DAYS 14

/* One line of a list. Codes (what, status) are raw database values the UI
 * translates; names are plain text as stored. */
struct db_today_item {
	int64_t id;      /* appointments, follow-ups and no-shows: the appointment id;
	                    classes: the class id; referrals: the referral id */
	char when[17];   /* "HH:MM" for today's items, "YYYY-MM-DD" for due/past ones */
	char what[81];   /* appointment type / class name / referral service code */
	char where[81];  /* room / organisation; may be "" */
	char who[124];   /* the client (person or group activity); "" for classes */
	char staff[81];  /* the counsellor, teacher or referring worker */
	char status[16]; /* appointment status ("no_show" for no-shows, "" for follow-ups),
	                    class roll state ("held", "cancelled", "" = no roll yet),
	                    referral "overdue" or "referred" */
	int count;       /* classes: children enrolled today; 0 otherwise */
};

struct db_today_list {
	struct db_today_item item[DB_TODAY_MAX];
	int n;     /* items filled in (0 for a viewer) */
	int total; /* how many there are in all */
};

struct db_today {
	bool names;       /* false for a viewer: counts only, every list has n = 0 */
	bool counselling; /* the appointment/follow-up figures apply to this role */
	bool classes_on;  /* the class figures apply to this role */
	bool referrals_on;
	struct db_today_list appts;   /* appointments today (own, or all for manager/viewer) */
	struct db_today_list classes; /* classes that meet today (own, or all) */
	/* Session follow-ups due on or before today and not done, and no-shows
	 * not booked again: db_followups_due, split by kind, oldest first. */
	struct db_today_list followups;
	struct db_today_list noshows;
	struct db_today_list referrals; /* referrals waiting for an answer, oldest first */
	int referrals_overdue;          /* of those, overdue (see db_today) */
	int roll_missing;               /* sessions with no roll: the length of db_roll_missing_list
	                                   (own classes for a teacher, all otherwise) */
	int visits_today;               /* visits plus anonymous tallies today (everyone) */
	/* The dropout early warning (db_dropout_count): managers and registrars
	 * only, never teachers or viewers. */
	bool dropout_on;
	int dropout_total; /* children on the warning list */
	int dropout_open;  /* of those, nobody has acted on yet */
};

/* What db_today_with may be told besides the day. Zero = the defaults. */
struct db_today_opts {
	int overdue_days; /* referrals; 0 = DB_TODAY_OVERDUE_DAYS, clamped to 3650 */
	/* The dropout rule of the configuration; NULL = db_dropout_rule_default. */
	const struct db_dropout_rule *dropout_rule;
};

/*
 * Fill *out for the actor on the day today_iso ("YYYY-MM-DD"; NULL = today).
 * A referral is overdue when its follow-up date has passed, or, without one,
 * when it was made overdue days or more ago. opts may be NULL.
 * The actor may not be NULL (err:db_denied). DB_INVALID for a malformed date.
 * On failure *out is zeroed and err says why.
 */
int db_today_with(struct qdb *db, const struct db_actor *who, const char *today_iso,
                  const struct db_today_opts *opts, struct db_today *out, struct qerr *err);

/* The same with the default dropout rule and overdue_days (0 = the default). */
int db_today(struct qdb *db, const struct db_actor *who, const char *today_iso, int overdue_days,
             struct db_today *out, struct qerr *err);

#endif
