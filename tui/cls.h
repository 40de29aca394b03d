/*
 * cls — the teacher's and the dropout screens: after-school classes (list,
 * definition, enrolment, expected sessions), the roll call, the "roll not
 * taken" list, the dropout early warning and group activities. Internal to
 * the tui/cls_*.c files; the screens register themselves on the home menu
 * (TUI_AT_START), so nothing outside needs this header.
 *
 *   cls_common.c   helpers, the small question form (cls_ask) and the
 *                  person picker (cls_pick) the other screens push
 *   cls_class.c    classes: list, edit form, class screen (children, sessions)
 *   cls_roll.c     the roll call, today's classes, rolls not taken
 *   cls_dropout.c  the dropout early warning
 *   cls_activity.c group activities
 */
#ifndef QENDRA_TUI_CLS_H
#define QENDRA_TUI_CLS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/care.h"
#include "tui/tui.h"

struct conf_list;

/* ---- helpers (cls_common.c) ---- */

/* The label of a catalogue value in the user's language: the configured
 * label, the catalogue text "catalog:<list>.<key>", or the key itself. The
 * pointer is valid until the next call. */
const char *cls_cat_label(const struct conf_list *l, const char *key);
/* "Mon Wed Fri" (short weekday names of the user's language) of a mask. */
void cls_weekdays_str(unsigned mask, char *out, size_t n);
/* "Mon Wed 15:00–16:00" */
void cls_schedule_str(const struct db_class *c, char *out, size_t n);
/* The translated school status ("enrolled", "dropped_out" ...). */
const char *cls_school_label(const char *status);
/* The dropout rule of the configuration. */
void cls_dropout_rule(struct db_dropout_rule *r);
/* "Last First" into out. */
void cls_name(const char *first, const char *last, char *out, size_t n);
/* Point s at the key table of the user's language: screens whose letters
 * differ between Albanian and English have one definition per language. */
void cls_lang_def(struct tui_screen *s, const struct tui_screen_def *en,
                  const struct tui_screen_def *sq);
/* Word-wrap text into at most max lines of at most cols columns; returns
 * the number of lines. */
int cls_wrap(const char *text, int cols, char lines[][400], int max);
/* Every field of a form as one malloc'd string (caller frees), to tell
 * whether anything was typed since it was taken. */
char *cls_form_text(const struct tui_form *fm);
/* Is the signed-in user a manager or a registrar? */
bool cls_admin(void);
/* The state flags of a list screen: typing into its search, a row selected. */
unsigned cls_list_state(const struct tui_list *l);
/* Put def on the home menu under menu_key with the letter, or without a
 * letter when another screen has taken it. */
void cls_register(const struct tui_screen_def *def, unsigned roles, const char *menu_key,
                  int letter);
/* The weekday name (short or long) of an ISO date, in the user's language. */
const char *cls_wday_name(const char *iso, bool short_name);
/* "15:00–16:00" of a start and a duration in minutes (ends at 23:59 at most). */
void cls_time_range(int start_min, int duration_min, char *out, size_t n);
/* A pane title as a tab: "[ text ]" in bold when active, dim otherwise, at
 * (y, x) within width columns; returns the columns used. */
int cls_tab_put(WINDOW *w, int y, int x, int width, const char *text, bool active);
/* Mark field i of fm wrong with e; the first wrong field (*bad was 0) gets
 * the focus. *bad counts the wrong fields. */
void cls_field_err(struct tui_form *fm, int i, const struct qerr *e, int *bad);
/* Esc on a form: true when it may close (nothing changed since orig was
 * taken with cls_form_text and other_changes is false, or the user agreed
 * to drop the changes). */
bool cls_form_may_leave(const struct tui_form *fm, const char *orig, bool other_changes);
/* Append the active users of role as choices (value: the id, label: the
 * full name) at ch[*n], val[*n], lab[*n] while *n < max; on a database
 * error shows it when report is set. */
void cls_add_users(enum db_role role, struct tui_choice *ch, char (*val)[24],
                   char (*lab)[DB_CARE_NAME_SZ], int *n, int max, bool report);

/* ---- a small question form over the current screen ---- */

#define CLS_ASK_MAX 3
#define CLS_ASK_VAL 2048

struct cls_ask_field {
	const char *label_key;
	int maxlen; /* characters */
	bool required;
	bool date;      /* parsed with form_date; the value handed on is ISO */
	char init[256]; /* the text the field starts with */
};

struct cls_ask {
	const char *title_key; /* the question, shown above the fields */
	char info[1024];       /* a line of context (already translated), may be "" */
	int n;
	struct cls_ask_field f[CLS_ASK_MAX];
	/* Called with the checked values (dates as ISO); 0 closes the form and
	 * reloads the screen below, -1 shows err (beside field *bad when it is
	 * >= 0) and keeps everything typed. */
	int (*submit)(void *ctx, char vals[CLS_ASK_MAX][CLS_ASK_VAL], int *bad, struct qerr *err);
	void *ctx;
};
/* Open the form (a copy of *a is kept). 0 or -1. */
int cls_ask_open(const struct cls_ask *a);

/* ---- the person picker: search as you type, Enter picks ---- */

struct db_person_hit;
struct cls_pick {
	const char *title_key;
	char info[1024];
	/* Called for the chosen person; 0: done (msg, if set, is shown and the
	 * picker stays open for the next one), -1: err is shown. */
	int (*pick)(void *ctx, const struct db_person_hit *h, char *msg, size_t msgsz,
	            struct qerr *err);
	void *ctx;
};
int cls_pick_open(const struct cls_pick *p);

/* ---- screens other cls files open ---- */

/* The roll of one class on one day (arg: struct cls_roll_arg *, copied). */
struct cls_roll_arg {
	int64_t class_id;
	char day[11];
};
int cls_roll_open(int64_t class_id, const char *day);
/* The class screen (children and sessions). */
int cls_class_open(int64_t class_id);
/* The form of a class (0 = a new one). */
int cls_edit_open(int64_t id);
/* Ask for the reason and cancel the session of class_id on day (version:
 * the session row's, 0 when there is none). */
int cls_session_cancel_ask(int64_t class_id, const char *class_name, const char *day,
                           int64_t version);

#endif
