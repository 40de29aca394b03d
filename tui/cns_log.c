/*
 * cns_log — the confidential session log of a held appointment: summary,
 * goals, next step, follow-up date (which then shows on the counsellor's
 * home screen) and free notes in a multi-line box.
 *
 * Who gets what is decided by db_session_log_read/save; this screen only
 * follows it. The counsellor of the appointment writes and edits the log.
 * A manager who is not its author first gives a reason, is told that the
 * reading is recorded, and then sees the log read-only (db/ writes the
 * audit row before any text is returned). Anyone else is refused by db/
 * (and the attempt audited); the screen then does not open, and the
 * refusal is shown. Registrars never get here: their schedule has no log
 * key. The texts are wiped from memory when the screen closes.
 */
#include "tui/cns.h"
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forms/form.h"
#include "locale/loc.h"

enum { F_SUMMARY, F_GOALS, F_NEXT, F_FOLLOW, NF };
enum { A_SAVE = 1, A_DONE };
enum stage { S_REASON, S_EDIT, S_VIEW };

#define TEXT_MAX   20000 /* characters, as db/ allows */
#define LINE_MAX_  2000  /* the one-line fields */
#define REASON_MAX 200

static const struct tui_key log_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "session:kb_save", "session:k_save", A_SAVE,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_FKEY(6), TUI_ALT('d'), "session:kb_done", "session:k_done", A_DONE,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "session:k_tab", 0, 0},
    {TUI_K_ENTER, 0, NULL, "session:k_enter", 0, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "session:k_scroll", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct logscr {
	enum stage stage;
	struct db_appt ap;
	struct db_session_log log; /* as read (texts wiped on free) */
	bool have_log;
	/* S_EDIT */
	struct tui_field f[NF];
	struct tui_form fm;
	struct cns_edit notes;
	bool notes_focus;
	bool dirty;
	/* S_REASON */
	struct tui_field rf[1];
	struct tui_form rfm;
	char reason[REASON_MAX * 4 + 8];
	/* S_VIEW: the log laid out as one read-only text, in this language */
	struct cns_edit view;
	char view_lang[3];
	struct qerr dberr;
};

/* ---- helpers ---- */

static void wipe_free(char *p)
{
	if (p) {
		util_wipe(p, strlen(p));
		free(p);
	}
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void build_edit(struct logscr *l)
{
	l->f[F_SUMMARY] =
	    (struct tui_field){.label_key = "session:summary", .maxlen = LINE_MAX_, .width = 60};
	l->f[F_GOALS] =
	    (struct tui_field){.label_key = "session:goals", .maxlen = LINE_MAX_, .width = 60};
	l->f[F_NEXT] =
	    (struct tui_field){.label_key = "session:next_step", .maxlen = LINE_MAX_, .width = 60};
	l->f[F_FOLLOW] =
	    (struct tui_field){.label_key = "session:follow_up", .maxlen = 10, .width = 12};
	tui_form_init(&l->fm, l->f, NF);
	cns_edit_init(&l->notes, TEXT_MAX);
	if (l->have_log) {
		tui_form_set(&l->fm, F_SUMMARY, or_empty(l->log.summary));
		tui_form_set(&l->fm, F_GOALS, or_empty(l->log.goals));
		tui_form_set(&l->fm, F_NEXT, or_empty(l->log.next_step));
		char d[11] = "";
		if (l->log.follow_up_on[0])
			loc_date(l->log.follow_up_on, d);
		tui_form_set(&l->fm, F_FOLLOW, d);
		cns_edit_set(&l->notes, or_empty(l->log.notes));
	}
}

static void build_view(struct logscr *l)
{
	struct sbuf b = {0};
	const struct {
		const char *key;
		const char *text;
	} parts[] = {
	    {"session:summary", l->log.summary},
	    {"session:goals", l->log.goals},
	    {"session:next_step", l->log.next_step},
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		sbuf_printf(&b, "%s:\n%s\n\n", loc_str(parts[i].key),
		            parts[i].text && parts[i].text[0] ? parts[i].text
		                                              : loc_str("session:empty"));
	char d[11] = "";
	if (l->log.follow_up_on[0])
		loc_date(l->log.follow_up_on, d);
	sbuf_printf(&b, "%s: %s%s\n\n%s:\n%s", loc_str("session:follow_up"),
	            d[0] ? d : loc_str("session:empty"),
	            l->log.follow_up_done ? loc_str("session:follow_up_done_mark") : "",
	            loc_str("session:notes"),
	            l->log.notes && l->log.notes[0] ? l->log.notes : loc_str("session:empty"));
	int top = l->view.top;
	cns_edit_set(&l->view, b.s);
	l->view.top = top;
	l->view.readonly = true;
	util_wipe(b.s, b.len);
	sbuf_free(&b);
	util_strlcpy(l->view_lang, loc_lang(), sizeof l->view_lang);
}

static void logscr_free_state(struct logscr *l)
{
	tui_form_free(&l->fm);
	tui_form_free(&l->rfm);
	cns_edit_free(&l->notes);
	cns_edit_free(&l->view);
	db_session_log_free(&l->log);
	util_wipe(l, sizeof *l);
	free(l);
}

/* ---- init ---- */

static int log_init(struct tui_screen *s, struct qerr *err)
{
	const struct db_appt *arg = s->arg;
	const struct db_actor *a = tui_actor();
	if (!arg || !a) {
		qerr_set(err, "err:internal", "log");
		return -1;
	}
	struct logscr *l = xcalloc(1, sizeof *l);
	/* The schedule's copy may be old: the status and log flag matter. */
	if (db_appt_get(tui_db(), a, arg->id, &l->ap, err) != DB_OK) {
		logscr_free_state(l);
		return -1;
	}
	bool author = l->ap.counsellor_id == a->user_id &&
	              (a->role == DB_ROLE_COUNSELLOR || a->role == DB_ROLE_MANAGER);
	if (!author && a->role == DB_ROLE_MANAGER) {
		if (!l->ap.has_log) {
			qerr_set(err, "session:no_log", NULL);
			logscr_free_state(l);
			return -1;
		}
		l->stage = S_REASON;
		l->rf[0] = (struct tui_field){.label_key = "session:reason",
		                              .maxlen = REASON_MAX,
		                              .width = 50,
		                              .required = true};
		tui_form_init(&l->rfm, l->rf, 1);
		l->rfm.spacing = 2;
		s->priv = l;
		return 0;
	}
	/* The author, or someone db/ will refuse (and record). */
	int rc = db_session_log_read(tui_db(), a, l->ap.id, NULL, &l->log, err);
	if (rc == DB_OK && !author) {
		rc = DB_DENIED; /* never shown to anyone but the author here */
		db_session_log_free(&l->log);
	}
	if (rc == DB_DENIED) {
		qerr_set(err, "session:denied", NULL);
		logscr_free_state(l);
		return -1;
	}
	if (rc == DB_NOTFOUND && l->ap.status != DB_APPT_HELD) {
		qerr_set(err, "session:needs_held", NULL);
		logscr_free_state(l);
		return -1;
	}
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		logscr_free_state(l);
		return -1;
	}
	qerr_clear(err);
	l->have_log = rc == DB_OK;
	if (!l->have_log)
		memset(&l->log, 0, sizeof l->log);
	l->stage = S_EDIT;
	build_edit(l);
	s->priv = l;
	return 0;
}

static void log_free(struct tui_screen *s)
{
	if (s->priv)
		logscr_free_state(s->priv);
	s->priv = NULL;
}

/* ---- drawing ---- */

static void draw_head(struct logscr *l, WINDOW *w, int cols)
{
	char title[700], d[11];
	cns_date_show(l->ap.start, d);
	loc_fmt(title, sizeof title, "session:title_of", l->ap.client_name,
	        cns_type_label(l->ap.type), d, l->ap.start + 11);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
}

/* The refusal from db/, or the error of the field with the cursor. */
static void draw_err(struct logscr *l, const struct tui_form *fm, WINDOW *w, int y, int rows,
                     int cols)
{
	if (y >= rows)
		return;
	if (qerr_is_set(&l->dberr)) {
		cns_put_error(w, y, 2, cols - 4, rows - y, &l->dberr);
		return;
	}
	if (fm && fm->f && fm->focus >= 0 && fm->focus < fm->n)
		cns_put_error(w, y, 2, cols - 4, rows - y, &fm->f[fm->focus].err);
}

static void log_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct logscr *l = s->priv;
	if (l->stage == S_REASON) {
		/* Before the reason nothing of the log is shown, not even its client. */
		tui_put(w, 0, 1, cols - 2, loc_str("session:title_reason"), tui_style(TUI_S_TITLE),
		        false);
		int y = 2 + cns_put_wrapped(w, 2, 2, cols - 4, 4, loc_str("session:reason_notice"),
		                            A_BOLD);
		tui_form_draw(&l->rfm, w, y + 1, 2, 0, cols - 4, true);
		draw_err(l, NULL, w, y + 4, rows, cols);
		return;
	}
	draw_head(l, w, cols);
	if (l->stage == S_VIEW) {
		char note[900];
		loc_fmt(note, sizeof note, "session:read_recorded", l->reason);
		int y = 1 + cns_put_wrapped(w, 1, 1, cols - 2, 2, note, A_BOLD);
		if (strcmp(l->view_lang, loc_lang()) != 0)
			build_view(l);
		cns_edit_draw(&l->view, w, y + 1, 1, rows - y - 1, cols - 2, false);
		return;
	}
	tui_put(w, 1, 1, cols - 2, loc_str("session:confidential"), tui_style(TUI_S_DIM), false);
	tui_form_draw(&l->fm, w, 3, 1, 0, cols - 2, !l->notes_focus);
	int y = 3 + NF + 1;
	tui_put(w, y, 1, cols - 2, loc_str("session:notes"), l->notes_focus ? A_BOLD : A_NORMAL,
	        false);
	bool ferr = !l->notes_focus && qerr_is_set(&l->f[l->fm.focus].err);
	int er = qerr_is_set(&l->dberr) || ferr ? 2 : 0;
	int nrows = rows - y - 1 - er;
	if (nrows < 2)
		nrows = 2;
	cns_edit_draw(&l->notes, w, y + 1, 1, nrows, cols - 2, l->notes_focus);
	draw_err(l, l->notes_focus ? NULL : &l->fm, w, y + 1 + nrows, rows, cols);
}

/* ---- actions ---- */

static int read_with_reason(struct logscr *l)
{
	char typed[REASON_MAX * 4 + 8], *reason = NULL;
	struct qerr e = {0};
	qerr_clear(&l->dberr);
	tui_form_clear_errors(&l->rfm);
	tui_form_get(&l->rfm, 0, typed, sizeof typed);
	if (form_text(typed, REASON_MAX, false, true, &reason, &e) != 0) {
		tui_form_set_error(&l->rfm, 0, &e);
		return TUI_REDRAW;
	}
	int rc = db_session_log_read(tui_db(), tui_actor(), l->ap.id, reason, &l->log, &e);
	if (rc != DB_OK) {
		free(reason);
		l->dberr = e;
		if (rc == DB_DENIED)
			qerr_set(&l->dberr, "session:denied", NULL);
		return TUI_REDRAW;
	}
	util_strlcpy(l->reason, reason, sizeof l->reason);
	free(reason);
	tui_form_free(&l->rfm);
	l->have_log = true;
	l->stage = S_VIEW;
	cns_edit_init(&l->view, TEXT_MAX * 5);
	build_view(l);
	return TUI_REDRAW;
}

/* One field through forms/: *out malloc'd (NULL when empty). */
static int text_field(struct logscr *l, int i, char **out)
{
	char *raw = xmalloc(LINE_MAX_ * 4 + 8);
	struct qerr e = {0};
	tui_form_get(&l->fm, i, raw, LINE_MAX_ * 4 + 8);
	int rc = form_text(raw, TEXT_MAX, false, false, out, &e);
	util_wipe(raw, LINE_MAX_ * 4 + 8);
	free(raw);
	if (rc != 0) {
		tui_form_set_error(&l->fm, i, &e);
		return -1;
	}
	return 0;
}

static int save(struct logscr *l)
{
	struct db_session_log log;
	memset(&log, 0, sizeof log);
	qerr_clear(&l->dberr);
	tui_form_clear_errors(&l->fm);
	int bad = 0;
	bad += text_field(l, F_SUMMARY, &log.summary) != 0;
	bad += text_field(l, F_GOALS, &log.goals) != 0;
	bad += text_field(l, F_NEXT, &log.next_step) != 0;
	char d[64];
	struct qerr e = {0};
	tui_form_get(&l->fm, F_FOLLOW, d, sizeof d);
	if (d[0] && form_date(d, NULL, log.follow_up_on, &e) != 0) {
		tui_form_set_error(&l->fm, F_FOLLOW, &e);
		bad++;
	}
	char *raw = cns_edit_get(&l->notes);
	if (form_text(raw, TEXT_MAX, true, false, &log.notes, &e) != 0) {
		qerr_set(&l->dberr, e.key, "%s", e.detail);
		bad++;
	}
	wipe_free(raw);
	if (bad) {
		for (int i = 0; i < NF; i++)
			if (qerr_is_set(&l->f[i].err)) {
				tui_form_focus(&l->fm, i);
				l->notes_focus = false;
				break;
			}
		db_session_log_free(&log);
		return TUI_REDRAW;
	}
	log.id = l->have_log ? l->log.id : 0;
	log.version = l->have_log ? l->log.version : 0;
	log.appointment_id = l->ap.id;
	int rc = db_session_log_save(tui_db(), tui_actor(), &log, &e);
	db_session_log_free(&log);
	if (rc != DB_OK) {
		l->dberr = e;
		return TUI_REDRAW;
	}
	tui_message_key("session:saved");
	return TUI_POP | TUI_RELOAD;
}

static int follow_up_done(struct logscr *l)
{
	if (!l->have_log || !l->log.follow_up_on[0] || l->log.follow_up_done) {
		tui_message_key("session:no_follow_up");
		return TUI_HANDLED;
	}
	struct qerr e = {0};
	if (db_followup_done(tui_db(), tui_actor(), l->ap.id, l->log.version, &e) != DB_OK) {
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	/* Read again for the new version (the author: nothing is audited). */
	struct db_session_log fresh;
	if (db_session_log_read(tui_db(), tui_actor(), l->ap.id, NULL, &fresh, &e) == DB_OK) {
		l->log.version = fresh.version;
		l->log.follow_up_done = fresh.follow_up_done;
		db_session_log_free(&fresh);
	}
	tui_message_key("session:follow_up_marked");
	return TUI_REDRAW;
}

static int edit_key(struct logscr *l, int key)
{
	if (l->notes_focus) {
		switch (key) {
		case TUI_K_TAB:
			l->notes_focus = false;
			tui_form_focus(&l->fm, 0);
			return TUI_REDRAW;
		case TUI_K_BTAB:
			l->notes_focus = false;
			tui_form_focus(&l->fm, NF - 1);
			return TUI_REDRAW;
		case TUI_K_UP:
			if (!cns_edit_key(&l->notes, key)) {
				l->notes_focus = false;
				tui_form_focus(&l->fm, NF - 1);
			}
			return TUI_REDRAW;
		default:
			if (cns_edit_key(&l->notes, key)) {
				if (key != TUI_K_DOWN && key != TUI_K_LEFT && key != TUI_K_RIGHT &&
				    key != TUI_K_HOME && key != TUI_K_END)
					l->dirty = true;
				return TUI_REDRAW;
			}
			return 0;
		}
	}
	bool last = l->fm.focus == NF - 1, first = l->fm.focus == 0;
	if ((last && (key == TUI_K_TAB || key == TUI_K_DOWN || key == TUI_K_ENTER)) ||
	    (first && key == TUI_K_BTAB)) {
		l->notes_focus = true;
		return TUI_REDRAW;
	}
	int r = tui_form_key(&l->fm, key);
	if (r == TUI_FORM_HANDLED) {
		if (key != TUI_K_TAB && key != TUI_K_BTAB && key != TUI_K_UP && key != TUI_K_DOWN &&
		    key != TUI_K_ENTER)
			l->dirty = true;
		return TUI_REDRAW;
	}
	return 0;
}

static int log_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct logscr *l = s->priv;
	if (ev->key == TUI_K_ESC && ev->action == 0) {
		if (l->stage == S_EDIT && l->dirty &&
		    !tui_confirm(loc_str("common:unsaved_changes")))
			return TUI_HANDLED;
		return TUI_POP;
	}
	switch (l->stage) {
	case S_REASON: {
		int r = tui_form_key(&l->rfm, ev->key);
		if (r == TUI_FORM_SUBMIT)
			return read_with_reason(l);
		return r == TUI_FORM_HANDLED ? TUI_REDRAW : 0;
	}
	case S_VIEW:
		switch (ev->key) {
		case TUI_K_PGDN:
			for (int i = 0; i < 10; i++)
				cns_edit_key(&l->view, TUI_K_DOWN);
			return TUI_REDRAW;
		case TUI_K_PGUP:
			for (int i = 0; i < 10; i++)
				cns_edit_key(&l->view, TUI_K_UP);
			return TUI_REDRAW;
		default:
			return cns_edit_key(&l->view, ev->key) ? TUI_REDRAW : 0;
		}
	case S_EDIT:
		if (ev->action == A_SAVE)
			return save(l);
		if (ev->action == A_DONE)
			return follow_up_done(l);
		return edit_key(l, ev->key);
	}
	return 0;
}

static unsigned log_state(const struct tui_screen *s)
{
	const struct logscr *l = s->priv;
	if (!l || l->stage == S_VIEW)
		return 0;
	return l->stage == S_EDIT ? TUI_ST_TYPING | TUI_ST_ROW : TUI_ST_TYPING;
}

const struct tui_screen_def cns_log_screen = {
    .name = "session_log",
    .title_key = "session:title",
    .keys = log_keys,
    .init = log_init,
    .free = log_free,
    .draw = log_draw,
    .key = log_key,
    .state = log_state,
};
