/*
 * cns — the counsellor's screens: the counselling schedule (day and week
 * views, cns_sched.c), booking and moving an appointment (cns_book.c),
 * cancelling one with a reason (cns_cancel.c) and the confidential session
 * log (cns_log.c, with the small multi-line editor of cns_edit.c). Shared
 * helpers live in cns_util.c. Internal to these files.
 *
 * Everything goes through db/care.h with tui_actor(), so db/ has the last
 * word on who may do what; the screens only avoid offering what a role may
 * not do (the "log" key exists only for counsellors and managers).
 */
#ifndef QENDRA_TUI_CNS_H
#define QENDRA_TUI_CNS_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "db/care.h"
#include "tui/tui.h"

/* ---- helpers (cns_util.c) ---- */

/* The configured opening hours as db/ wants them. */
void cns_hours(struct db_hours *h);
/* The label of a counselling type / room key in the current language (the
 * configured label, the catalogue text, or the key itself). The pointer is
 * valid until the next call of the same function. "" for an empty key. */
const char *cns_type_label(const char *key);
const char *cns_room_label(const char *key);
/* The short text marker of a status ("✓" held ...; ASCII without UTF-8)
 * and its word ("appointment:st_*" in the current language). */
const char *cns_status_mark(enum db_appt_status s);
const char *cns_status_word(enum db_appt_status s);
/* May the signed-in user see the client's name of an appointment of
 * counsellor cid? (Counsellors see only their own clients' names.) */
bool cns_may_see_client(int64_t cid);
/* Draw text word-wrapped in at most maxrows rows of cols columns from
 * (y, x); returns the rows used. */
int cns_put_wrapped(WINDOW *w, int y, int x, int cols, int maxrows, const char *text, attr_t a);
/* An error in full ("! " and the text in the user's language), wrapped;
 * returns the rows used (0 when e is unset). */
int cns_put_error(WINDOW *w, int y, int x, int cols, int maxrows, const struct qerr *e);
/* "dd.mm.yyyy" of the date part of a "YYYY-MM-DD[ HH:MM]" text. */
void cns_date_show(const char *iso, char out[11]);

/* The people an appointment may be booked for: active counsellors, plus
 * the signed-in manager. *rows malloc'd (free()); 0 or -1 with err. */
int cns_counsellors(struct db_user **rows, int *n, struct qerr *err);

/* ---- screens ---- */

/* What the booking/move screen is opened with (copied by its init). */
struct cns_book_arg {
	int64_t move_id;       /* 0 = a new booking; otherwise the appointment to move */
	char day[11];          /* prefilled date "YYYY-MM-DD" */
	int minute;            /* prefilled start, minutes after midnight; -1 = none */
	int64_t counsellor_id; /* prefilled counsellor; 0 = none */
	char room[DB_CARE_KEY_SZ];
};
extern const struct tui_screen_def cns_book_screen;
/* arg: a const struct db_appt * (copied). */
extern const struct tui_screen_def cns_cancel_screen;
/* arg: a const struct db_appt * (copied). */
extern const struct tui_screen_def cns_log_screen;

/* ---- the multi-line editor (cns_edit.c) ---- */

/*
 * A box of wrapped text lines: Left/Right/Up/Down/Home/End move, Enter
 * breaks the line, Backspace/Del delete, Ctrl-U clears, Ctrl-K cuts to the
 * end of the line. Tab is not taken (the screen moves focus with it). Text
 * is kept as wide characters (wiped when freed: these are confidential
 * notes). Plain value in the screen's state.
 */
struct cns_edit {
	wchar_t *text;
	int len, cap, cur;
	int maxlen; /* characters */
	int top;    /* first visual line shown */
	int width;  /* columns of the last draw (for Up/Down) */
	bool readonly;
};
void cns_edit_init(struct cns_edit *e, int maxlen);
void cns_edit_free(struct cns_edit *e);
void cns_edit_set(struct cns_edit *e, const char *utf8);
/* The text as UTF-8, malloc'd (caller frees, and should wipe). */
char *cns_edit_get(const struct cns_edit *e);
/* Paint in the rectangle; place the cursor when focused. */
void cns_edit_draw(struct cns_edit *e, WINDOW *w, int y, int x, int rows, int cols, bool focused);
/* True when the key was used. */
bool cns_edit_key(struct cns_edit *e, int key);

#endif
