/*
 * desk_visit — "register a visit", opened from any screen with F2 / Alt-V
 * (registered in desk_common.c) or by the family card for one person.
 *
 * The flow is built for the front desk: type part of a name, phone or
 * family code (accents optional), Enter on the person, one key for the
 * purpose (1..9, then a..z, as shown), Enter to save with no note (or type
 * a note first; F4 / Alt-S saves too, as in every form). Three keys once
 * the name is found. F3 / Alt-A switches
 * to an anonymous walk-in: sex (F/M), age band and purpose, counted with
 * db_visit_tally_add; the screen then stays for the next walk-in.
 */
#include "tui/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/registry.h"
#include "forms/form.h"
#include "locale/loc.h"

enum step { S_SEARCH, S_PURPOSE, S_NOTE, T_SEX, T_AGE, T_PURPOSE, T_CONFIRM };

enum { A_ANON = 1, A_SAVE };

static const struct tui_key visit_keys[] = {
    {TUI_K_ENTER, 0, NULL, "visit:help_enter", 0, 0},
    {TUI_FKEY(3), TUI_ALT('a'), "visit:key_anon", "visit:help_anon", A_ANON, 0},
    {TUI_FKEY(4), TUI_ALT('s'), "visit:key_save", "visit:help_save", A_SAVE, TUI_NEED_ROW},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct visit {
	enum step step;
	enum step before_tally; /* where Esc from the first tally step goes */
	bool searched;          /* the person came from the search: Esc goes back to it */
	struct desk_pick pick;
	struct desk_person who;
	int sel;     /* highlighted item of the current choice */
	int purpose; /* chosen purpose, -1 none */
	struct tui_field note[1];
	struct tui_form nfm;
	char sex; /* the walk-in's: 'F', 'M', 0 */
	int band, tpurpose;
	int counted; /* walk-ins counted while the screen is open */
};

static const struct conf_list *purposes(void)
{
	const struct conf *cf = tui_conf();
	return cf ? &cf->visit_purposes : NULL;
}

static const struct conf_list *bands(void)
{
	const struct conf *cf = tui_conf();
	return cf ? &cf->age_bands : NULL;
}

static int count_of(const struct conf_list *l)
{
	return l ? l->n : 0;
}

static const char *item_key(const struct conf_list *l, int i)
{
	return l && i >= 0 && i < l->n ? l->items[i].key : "";
}

static const char *item_label(const struct conf_list *l, int i)
{
	return desk_cat_label(l, item_key(l, i));
}

static int visit_init(struct tui_screen *s, struct qerr *err)
{
	if (count_of(purposes()) == 0 || count_of(bands()) == 0) {
		qerr_set(err, "visit:no_catalogue", NULL);
		return -1;
	}
	struct visit *st = xcalloc(1, sizeof *st);
	desk_pick_init(&st->pick);
	st->note[0] =
	    (struct tui_field){.label_key = "visit:note", .maxlen = DB_TEXT_LEN, .width = 50};
	tui_form_init(&st->nfm, st->note, 1);
	st->purpose = st->band = st->tpurpose = -1;
	st->step = S_SEARCH;
	if (s->arg) {
		int64_t id = *(const int64_t *)s->arg;
		if (desk_person_load(id, &st->who, err) != 0) {
			desk_pick_free(&st->pick);
			tui_form_free(&st->nfm);
			free(st);
			return -1;
		}
		st->step = S_PURPOSE;
	}
	s->priv = st;
	(*desk_visit_open_count())++;
	return 0;
}

static void visit_free(struct tui_screen *s)
{
	struct visit *st = s->priv;
	if (!st)
		return;
	desk_pick_free(&st->pick);
	tui_form_free(&st->nfm);
	free(st);
	s->priv = NULL;
	(*desk_visit_open_count())--;
}

static unsigned visit_state(const struct tui_screen *s)
{
	const struct visit *st = s->priv;
	unsigned f = 0;
	if (st->step == S_SEARCH || st->step == S_NOTE)
		f |= TUI_ST_TYPING;
	if (st->step == S_PURPOSE || st->step == S_NOTE || st->step == T_CONFIRM)
		f |= TUI_ST_ROW; /* something can be saved */
	return f;
}

/*
 * A numbered choice of n items: arrows move *sel, Enter takes it, a
 * number (or letter) takes its item. Returns the chosen index, -2 when the
 * key only moved the highlight, -1 when it is not for the choice.
 */
static int choose(int *sel, int n, int key)
{
	if (n <= 0)
		return -1;
	if (*sel < 0 || *sel >= n)
		*sel = 0;
	switch (key) {
	case TUI_K_UP:
	case TUI_K_LEFT:
		*sel = (*sel + n - 1) % n;
		return -2;
	case TUI_K_DOWN:
	case TUI_K_RIGHT:
		*sel = (*sel + 1) % n;
		return -2;
	case TUI_K_HOME:
		*sel = 0;
		return -2;
	case TUI_K_END:
		*sel = n - 1;
		return -2;
	case TUI_K_ENTER:
		return *sel;
	default:
		break;
	}
	if (!TUI_IS_CHAR(key))
		return -1;
	int i = desk_choice_index(key, n);
	if (i >= 0)
		*sel = i;
	return i;
}

static void start_tally(struct visit *st)
{
	if (st->step < T_SEX)
		st->before_tally = st->step == S_NOTE ? S_PURPOSE : st->step;
	st->step = T_SEX;
	st->sex = 0;
	st->band = st->tpurpose = -1;
	st->sel = 0;
}

static int save_visit(struct visit *st)
{
	char raw[DB_TEXT_SZ * 2];
	char *note = NULL;
	struct qerr e = {0};
	tui_form_get(&st->nfm, 0, raw, sizeof raw);
	if (form_text(raw, DB_TEXT_LEN, false, false, &note, &e) != 0) {
		tui_form_set_error(&st->nfm, 0, &e);
		st->step = S_NOTE;
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	const char *key = item_key(purposes(), st->purpose);
	int64_t id = 0;
	int rc = db_visit_add(tui_db(), tui_actor(), st->who.id, NULL, key, note[0] ? note : NULL,
	                      &id, &e);
	free(note);
	if (rc != DB_OK) {
		/* Everything stays as typed: the person, the purpose, the note. */
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	char msg[600];
	loc_fmt(msg, sizeof msg, "visit:saved", st->who.first, st->who.last,
	        item_label(purposes(), st->purpose));
	tui_message(msg);
	return TUI_POP | TUI_RELOAD;
}

static int save_tally(struct visit *st)
{
	struct qerr e = {0};
	int64_t id = 0;
	char sex = st->sex;
	int rc = db_visit_tally_add(tui_db(), tui_actor(), NULL, sex, item_key(bands(), st->band),
	                            item_key(purposes(), st->tpurpose), &id, &e);
	if (rc != DB_OK) {
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	st->counted++;
	int today = 0;
	struct qerr ce = {0};
	db_visit_tally_count(tui_db(), tui_actor(), NULL, &today, &ce);
	char msg[600];
	loc_fmt(msg, sizeof msg, "visit:tally_saved",
	        loc_str(sex == 'F' ? "visit:sex_f" : "visit:sex_m"), item_label(bands(), st->band),
	        item_label(purposes(), st->tpurpose), today);
	tui_message(msg);
	/* Ready for the next walk-in of a group. */
	st->step = T_SEX;
	st->sex = 0;
	st->band = st->tpurpose = -1;
	st->sel = 0;
	return TUI_REDRAW;
}

static int save(struct visit *st)
{
	switch (st->step) {
	case S_PURPOSE:
		st->purpose = st->sel;
		return save_visit(st);
	case S_NOTE:
		return save_visit(st);
	case T_CONFIRM:
		return save_tally(st);
	default:
		tui_message_key("tui:not_available");
		return TUI_HANDLED;
	}
}

/* Esc: one step back; 0 (close) from the first step. */
static int back(struct visit *st)
{
	switch (st->step) {
	case S_SEARCH:
		return 0;
	case S_PURPOSE:
		if (!st->searched)
			return 0;
		st->step = S_SEARCH;
		return TUI_REDRAW;
	case S_NOTE:
		st->step = S_PURPOSE;
		st->sel = st->purpose;
		return TUI_REDRAW;
	case T_SEX:
		st->step = st->before_tally;
		st->sel = st->purpose >= 0 ? st->purpose : 0;
		return TUI_REDRAW;
	case T_AGE:
		st->step = T_SEX;
		st->sel = st->sex == 'M' ? 1 : 0;
		return TUI_REDRAW;
	case T_PURPOSE:
		st->step = T_AGE;
		st->sel = st->band;
		return TUI_REDRAW;
	case T_CONFIRM:
		st->step = T_PURPOSE;
		st->sel = st->tpurpose;
		return TUI_REDRAW;
	}
	return 0;
}

static int visit_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct visit *st = s->priv;
	if (ev->action == A_ANON) {
		start_tally(st);
		return TUI_REDRAW;
	}
	if (ev->action == A_SAVE)
		return save(st);
	int key = ev->key;
	if (key == TUI_K_ESC)
		return back(st);
	int r;
	switch (st->step) {
	case S_SEARCH:
		r = desk_pick_key(&st->pick, key, &st->who);
		if (r == DESK_PICK_CHOSEN) {
			st->step = S_PURPOSE;
			st->searched = true;
			st->purpose = -1;
			st->sel = 0;
			tui_form_clear_errors(&st->nfm);
		}
		return r == DESK_PICK_IGNORED ? 0 : TUI_REDRAW;
	case S_PURPOSE:
		r = choose(&st->sel, count_of(purposes()), key);
		if (r >= 0) {
			st->purpose = r;
			st->step = S_NOTE;
		}
		return r == -1 ? 0 : TUI_REDRAW;
	case S_NOTE:
		if (key == TUI_K_ENTER)
			return save_visit(st);
		return tui_form_key(&st->nfm, key) == TUI_FORM_IGNORED ? 0 : TUI_REDRAW;
	case T_SEX: {
		int k = TUI_IS_ALT(key) ? key & ~0x2000000 : key;
		r = -1;
		if (k == 'f' || k == 'F')
			r = 0;
		else if (k == 'm' || k == 'M')
			r = 1;
		else if (key == TUI_K_ENTER || key == TUI_K_LEFT || key == TUI_K_RIGHT ||
		         key == TUI_K_UP || key == TUI_K_DOWN)
			r = choose(&st->sel, 2, key);
		if (r >= 0) {
			st->sex = r == 0 ? 'F' : 'M';
			st->step = T_AGE;
			st->sel = st->band >= 0 ? st->band : 0;
		}
		return r == -1 ? 0 : TUI_REDRAW;
	}
	case T_AGE:
		r = choose(&st->sel, count_of(bands()), key);
		if (r >= 0) {
			st->band = r;
			st->step = T_PURPOSE;
			st->sel = st->tpurpose >= 0 ? st->tpurpose : 0;
		}
		return r == -1 ? 0 : TUI_REDRAW;
	case T_PURPOSE:
		r = choose(&st->sel, count_of(purposes()), key);
		if (r >= 0) {
			st->tpurpose = r;
			st->step = T_CONFIRM;
		}
		return r == -1 ? 0 : TUI_REDRAW;
	case T_CONFIRM:
		if (key == TUI_K_ENTER)
			return save_tally(st);
		return 0;
	}
	return 0;
}

/* ---- drawing ---- */

/* The purposes as a numbered list in as many columns as needed. */
static void draw_purposes(struct visit *st, WINDOW *w, int y, int rows, int cols)
{
	const struct conf_list *l = purposes();
	int n = count_of(l);
	if (rows < 1)
		rows = 1;
	int ncol = (n + rows - 1) / rows;
	if (ncol < 1)
		ncol = 1;
	int per = (n + ncol - 1) / ncol;
	int cw = (cols - 2) / ncol;
	for (int i = 0; i < n; i++) {
		int cy = y + i % per, cx = 1 + (i / per) * cw;
		char kn[8] = "", line[300];
		int k = desk_choice_key(i);
		if (k)
			snprintf(kn, sizeof kn, "%c", k);
		snprintf(line, sizeof line, "%s %-2s %s", "", kn, item_label(l, i));
		attr_t a = A_NORMAL;
		const char *mark = " ";
		if (st->step == S_PURPOSE && i == st->sel) {
			a = tui_style(TUI_S_SELECTED);
			mark = ">";
		} else if (st->step == S_NOTE) {
			if (i == st->purpose) {
				a = A_BOLD;
				mark = ">";
			} else {
				a = tui_style(TUI_S_DIM);
			}
		}
		tui_put(w, cy, cx, cw - 1, "", a, true);
		tui_put(w, cy, cx, 1, mark, a | A_BOLD, false);
		tui_put(w, cy, cx + 1, cw - 2, line, a, false);
	}
}

static void draw_person(struct visit *st, WINDOW *w, int rows, int cols)
{
	char line[600];
	desk_person_line(&st->who, line, sizeof line);
	tui_put(w, 2, 1, cols - 2, line, A_BOLD, false);
	tui_put(w, 4, 1, cols - 2, loc_str("visit:purpose_prompt"), tui_style(TUI_S_TITLE), false);
	int n = count_of(purposes());
	int room = rows - 5 - 4;
	draw_purposes(st, w, 5, n < room ? n : room, cols);
	int ny = 5 + (n < room ? n : room) + 1;
	tui_form_draw(&st->nfm, w, ny, 1, 0, cols - 2, st->step == S_NOTE);
	tui_put(w, rows - 1, 1, cols - 2,
	        loc_str(st->step == S_NOTE ? "visit:hint_note" : "visit:hint_purpose"),
	        tui_style(TUI_S_DIM), false);
}

/* Items "k label" side by side, wrapped; the chosen one in brackets, the
 * highlighted one (when active) in reverse video. Returns the rows used. */
static int draw_flow(WINDOW *w, int y, int x, int cols, const char *const *labels, const int *keys,
                     int n, int chosen, int sel, bool active)
{
	int cx = x, cy = y;
	for (int i = 0; i < n; i++) {
		char item[300];
		snprintf(item, sizeof item, "%s%c %s%s", i == chosen ? "[" : "",
		         keys[i] ? keys[i] : ' ', labels[i], i == chosen ? "]" : "");
		int iw = tui_text_width(item);
		if (cx > x && cx + iw > x + cols) {
			cx = x;
			cy++;
		}
		attr_t a = A_NORMAL;
		if (active && i == sel)
			a = tui_style(TUI_S_SELECTED);
		else if (i == chosen)
			a = A_BOLD;
		else if (!active && chosen >= 0)
			a = tui_style(TUI_S_DIM);
		tui_put(w, cy, cx, x + cols - cx, item, a, false);
		cx += iw + 3;
	}
	return cy - y + 1;
}

#define FLOW_MAX 36

static void draw_tally(struct visit *st, WINDOW *w, int rows, int cols)
{
	tui_put(w, 2, 1, cols - 2, loc_str("visit:anon_intro"), tui_style(TUI_S_DIM), false);
	const char *lk[3] = {"visit:anon_sex", "visit:anon_age", "visit:anon_purpose"};
	int lw = 0;
	for (int i = 0; i < 3; i++) {
		int t = tui_text_width(loc_str(lk[i]));
		if (t > lw)
			lw = t;
	}
	lw += 2;
	if (lw > cols / 3)
		lw = cols / 3;
	int x = 1 + lw, fw = cols - x - 1;
	const char *labels[FLOW_MAX];
	int keys[FLOW_MAX];
	int y = 4;

	/* sex */
	labels[0] = loc_str("visit:sex_f");
	labels[1] = loc_str("visit:sex_m");
	keys[0] = 'F';
	keys[1] = 'M';
	tui_put(w, y, 1, lw, loc_str(lk[0]), st->step == T_SEX ? A_BOLD : A_NORMAL, false);
	y += draw_flow(w, y, x, fw, labels, keys, 2,
	               st->sex == 'F'   ? 0
	               : st->sex == 'M' ? 1
	                                : -1,
	               st->sel, st->step == T_SEX) +
	     1;

	/* age band */
	const struct conf_list *b = bands();
	int nb = count_of(b) < FLOW_MAX ? count_of(b) : FLOW_MAX;
	for (int i = 0; i < nb; i++) {
		labels[i] = item_label(b, i);
		keys[i] = desk_choice_key(i);
	}
	if (st->step >= T_AGE) {
		tui_put(w, y, 1, lw, loc_str(lk[1]), st->step == T_AGE ? A_BOLD : A_NORMAL, false);
		y +=
		    draw_flow(w, y, x, fw, labels, keys, nb, st->band, st->sel, st->step == T_AGE) +
		    1;
	}

	/* purpose */
	const struct conf_list *p = purposes();
	int np = count_of(p) < FLOW_MAX ? count_of(p) : FLOW_MAX;
	for (int i = 0; i < np; i++) {
		labels[i] = item_label(p, i);
		keys[i] = desk_choice_key(i);
	}
	if (st->step >= T_PURPOSE) {
		tui_put(w, y, 1, lw, loc_str(lk[2]), st->step == T_PURPOSE ? A_BOLD : A_NORMAL,
		        false);
		y += draw_flow(w, y, x, fw, labels, keys, np, st->tpurpose, st->sel,
		               st->step == T_PURPOSE);
	}
	(void)y;
	if (st->counted > 0) {
		char buf[200];
		loc_fmt(buf, sizeof buf, "visit:counted_here", st->counted);
		tui_put(w, rows - 2, 1, cols - 2, buf, A_NORMAL, false);
	}
	static const char *const hints[] = {"visit:hint_sex", "visit:hint_age",
	                                    "visit:hint_tpurpose", "visit:hint_confirm"};
	tui_put(w, rows - 1, 1, cols - 2, loc_str(hints[st->step - T_SEX]),
	        st->step == T_CONFIRM ? A_BOLD : tui_style(TUI_S_DIM), false);
}

static void visit_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct visit *st = s->priv;
	bool anon = st->step >= T_SEX;
	tui_put(w, 0, 1, cols - 2, loc_str(anon ? "visit:title_anon" : "visit:title"),
	        tui_style(TUI_S_TITLE), false);
	if (st->step == S_SEARCH) {
		desk_pick_draw(&st->pick, w, 2, rows - 3, cols);
		tui_put(w, rows - 1, 1, cols - 2, loc_str("visit:hint_search"),
		        tui_style(TUI_S_DIM), false);
	} else if (!anon) {
		draw_person(st, w, rows, cols);
	} else {
		draw_tally(st, w, rows, cols);
	}
}

const struct tui_screen_def desk_visit_screen = {
    .name = "desk_visit",
    .title_key = "visit:title",
    .keys = visit_keys,
    .init = visit_init,
    .free = visit_free,
    .draw = visit_draw,
    .key = visit_key,
    .state = visit_state,
};
