/*
 * cls_roll — the roll call and the two lists that lead to it: today's
 * classes and the rolls not taken.
 *
 * The roll opens with every child present (or with the marks already
 * saved) in Albanian order with a list number. One key marks the selected
 * child and moves down: P present; A or M absent (mungon); L or V late
 * (vonë); E or J excused (e justifikuar). The letters never collide, so
 * both sets work in both languages; the key bar and the legend show those
 * of the user's language. Typing a list number jumps to that child, so
 * "all present, then the absentees" is `*`, then number + A for each
 * absentee, then S (R, ruaj) to save: a class of 30 with absentees 3, 12
 * and 25 is `* 3 a 1 2 a 2 5 a s`, ten keys. Saving writes the whole roll
 * in one transaction (db_roll_save); corrections of a saved roll are
 * audited there.
 */
#include "tui/cls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/cls_extra.h"
#include "forms/form.h"
#include "locale/loc.h"

/* ====================================================================== */
/* The roll                                                                */
/* ====================================================================== */

enum { R_PRESENT = 1, R_ABSENT, R_LATE, R_EXCUSED, R_ALL, R_SAVE, R_NOTE };

/* The same actions in both tables; only which letter is shown first differs. */
static const struct tui_key roll_keys_en[] = {
    {'p', 0, "roll:k_present", "roll:k_present_help", R_PRESENT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'a', 'm', "roll:k_absent", "roll:k_absent_help", R_ABSENT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'l', 'v', "roll:k_late", "roll:k_late_help", R_LATE, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'e', 'j', "roll:k_excused", "roll:k_excused_help", R_EXCUSED, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'*', '+', "roll:k_all", "roll:k_all_help", R_ALL, TUI_NEED_WRITE},
    {'s', 'r', "roll:k_save", "roll:k_save_help", R_SAVE, TUI_NEED_WRITE},
    {'n', 0, "roll:k_note", "roll:k_note_help", R_NOTE, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'1', '9', NULL, "roll:k_number_help", 0, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_key roll_keys_sq[] = {
    {'p', 0, "roll:k_present", "roll:k_present_help", R_PRESENT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'m', 'a', "roll:k_absent", "roll:k_absent_help", R_ABSENT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'v', 'l', "roll:k_late", "roll:k_late_help", R_LATE, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'j', 'e', "roll:k_excused", "roll:k_excused_help", R_EXCUSED, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'*', '+', "roll:k_all", "roll:k_all_help", R_ALL, TUI_NEED_WRITE},
    {'r', 's', "roll:k_save", "roll:k_save_help", R_SAVE, TUI_NEED_WRITE},
    {'n', 0, "roll:k_note", "roll:k_note_help", R_NOTE, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'1', '9', NULL, "roll:k_number_help", 0, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct rollst {
	struct db_roll r;
	struct tui_list list;
	int num;    /* the list number being typed, 0 = none */
	bool dirty; /* marks changed since opened or saved */
};

/* The letter of a stored mark in the user's language. */
static char mark_letter(char m)
{
	bool sq = strcmp(loc_lang(), "sq") == 0;
	switch (m) {
	case 'A':
		return sq ? 'M' : 'A';
	case 'L':
		return sq ? 'V' : 'L';
	case 'E':
		return sq ? 'J' : 'E';
	default:
		return 'P';
	}
}

static const char *mark_word(char m)
{
	switch (m) {
	case 'A':
		return loc_str("roll:m_absent");
	case 'L':
		return loc_str("roll:m_late");
	case 'E':
		return loc_str("roll:m_excused");
	default:
		return loc_str("roll:m_present");
	}
}

static const struct tui_col roll_cols[] = {
    {"class:col_no", 3, TUI_RIGHT},  {"class:col_name", 0, TUI_LEFT},
    {"class:col_age", 5, TUI_RIGHT}, {"class:col_school", 13, TUI_LEFT},
    {"roll:col_mark", 24, TUI_LEFT},
};

static void roll_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct rollst *st = ctx;
	if (row < 0 || row >= st->r.n)
		return;
	const struct db_roll_entry *e = &st->r.e[row];
	switch (col) {
	case 0:
		snprintf(buf, n, "%d", e->list_no);
		break;
	case 1:
		cls_name(e->first_name, e->last_name, buf, n);
		break;
	case 2:
		if (e->age >= 0)
			snprintf(buf, n, "%d", e->age);
		break;
	case 3:
		util_strlcpy(buf, cls_school_label(e->school_status), n);
		break;
	case 4: {
		char was[80] = "";
		if (e->saved && e->saved != e->mark) {
			char wl[2] = {mark_letter(e->saved), '\0'};
			loc_fmt(was, sizeof was, "roll:was", wl);
		}
		snprintf(buf, n, "%c %s%s%s%s", mark_letter(e->mark), mark_word(e->mark),
		         was[0] ? " " : "", was, e->note[0] ? " ✎" : "");
		break;
	}
	default:
		break;
	}
}

static unsigned roll_flags(void *ctx, int row)
{
	struct rollst *st = ctx;
	if (row < 0 || row >= st->r.n)
		return 0;
	return st->r.e[row].mark == 'A' ? TUI_ROW_MARK : 0;
}

static const struct tui_screen_def roll_screen_en, roll_screen_sq;

static int roll_init(struct tui_screen *s, struct qerr *err)
{
	const struct cls_roll_arg *a = s->arg;
	struct rollst *st = xcalloc(1, sizeof *st);
	if (db_roll_open(tui_db(), tui_actor(), a->class_id, a->day, &st->r, err) != DB_OK) {
		free(st);
		return -1;
	}
	tui_list_init(&st->list, roll_cols, 5, st, roll_cell);
	st->list.show_titles = true;
	st->list.row_flags = roll_flags;
	tui_list_set_count(&st->list, st->r.n);
	s->priv = st;
	cls_lang_def(s, &roll_screen_en, &roll_screen_sq);
	return 0;
}

static void roll_free(struct tui_screen *s)
{
	struct rollst *st = s->priv;
	if (!st)
		return;
	db_roll_free(&st->r);
	free(st);
	s->priv = NULL;
}

static void roll_counts(const struct db_roll *r, int c[4])
{
	c[0] = c[1] = c[2] = c[3] = 0;
	for (int i = 0; i < r->n; i++) {
		const char *p = strchr("PALE", r->e[i].mark);
		if (p && *p)
			c[p - "PALE"]++;
	}
}

static void roll_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct rollst *st = s->priv;
	cls_lang_def(s, &roll_screen_en, &roll_screen_sq);
	char line[700], d[11];
	loc_date(st->r.day, d);
	/* The state goes first at the right, so a long class name is cut, not it. */
	const char *state = st->dirty                              ? "roll:not_saved"
	                    : st->r.session_id && !st->r.cancelled ? "roll:is_saved"
	                                                           : "roll:new_roll";
	char st_text[80];
	snprintf(st_text, sizeof st_text, "[%s]", loc_str(state));
	int sw = tui_text_width(st_text);
	tui_put(w, 0, cols - 1 - sw, sw, st_text, st->dirty ? A_BOLD : tui_style(TUI_S_DIM), false);
	snprintf(line, sizeof line, "%s · %s %s", st->r.class_name, cls_wday_name(st->r.day, false),
	         d);
	tui_put(w, 0, 1, cols - 3 - sw, line, tui_style(TUI_S_TITLE), false);

	int c[4];
	roll_counts(&st->r, c);
	loc_fmt(line, sizeof line, "roll:counts", st->r.n, c[0], c[1], c[2], c[3]);
	int nw = 0;
	if (st->num > 0) {
		/* The list number being typed, at the right of the counts. */
		char nb[40];
		loc_fmt(nb, sizeof nb, "roll:number", st->num);
		nw = tui_text_width(nb);
		tui_put(w, 1, cols - 1 - nw, nw, nb, A_BOLD | A_REVERSE, false);
	}
	tui_put(w, 1, 1, cols - 3 - nw, line, A_NORMAL, false);
	/* The legend, in the letters of the user's language. */
	tui_put(w, 2, 1, cols - 2, loc_str("roll:legend"), tui_style(TUI_S_DIM), false);
	int y = 3;
	if (st->r.cancelled) {
		tui_put(w, y++, 1, cols - 2, loc_str("roll:was_cancelled"), tui_style(TUI_S_WARN),
		        false);
	}
	if (st->r.n == 0) {
		tui_put(w, y + 1, 3, cols - 4, loc_str("roll:empty"), tui_style(TUI_S_DIM), false);
		return;
	}
	int sel = tui_list_selected(&st->list);
	bool note = sel >= 0 && st->r.e[sel].note[0];
	tui_list_draw(&st->list, w, y, 1, rows - y - (note ? 1 : 0), cols - 2, true);
	if (note) {
		loc_fmt(line, sizeof line, "roll:note_line", st->r.e[sel].note);
		tui_put(w, rows - 1, 3, cols - 4, line, tui_style(TUI_S_DIM), false);
	}
}

static void set_mark(struct rollst *st, char m)
{
	int sel = tui_list_selected(&st->list);
	if (sel < 0)
		return;
	if (st->r.e[sel].mark != m)
		st->dirty = true;
	st->r.e[sel].mark = m;
	st->num = 0;
	tui_list_key(&st->list, TUI_K_DOWN);
}

static int roll_save(struct rollst *st)
{
	struct qerr e = {0};
	if (db_roll_save(tui_db(), tui_actor(), &st->r, &e) != DB_OK) {
		/* The marks stay as typed. */
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	int c[4];
	roll_counts(&st->r, c);
	char msg[300];
	loc_fmt(msg, sizeof msg, "roll:saved", c[0], c[1], c[2], c[3]);
	tui_message(msg);
	st->dirty = false;
	return TUI_POP | TUI_RELOAD;
}

static int note_submit(void *ctx, char vals[CLS_ASK_MAX][CLS_ASK_VAL], int *bad, struct qerr *err)
{
	(void)bad;
	(void)err;
	struct db_roll_entry *e = ctx;
	util_strlcpy(e->note, vals[0], sizeof e->note);
	return 0;
}

/* A digit: the list number typed so far, or a new one when it would go past
 * the end of the list. */
static int roll_digit(struct rollst *st, int d)
{
	int n = st->num * 10 + d;
	if (n < 1 || n > st->r.n)
		n = d;
	if (n < 1 || n > st->r.n) {
		st->num = 0;
		return TUI_REDRAW;
	}
	st->num = n;
	tui_list_select(&st->list, n - 1);
	return TUI_REDRAW;
}

static int roll_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct rollst *st = s->priv;
	cls_lang_def(s, &roll_screen_en, &roll_screen_sq);
	switch (ev->action) {
	case R_PRESENT:
		set_mark(st, 'P');
		return TUI_REDRAW;
	case R_ABSENT:
		set_mark(st, 'A');
		return TUI_REDRAW;
	case R_LATE:
		set_mark(st, 'L');
		return TUI_REDRAW;
	case R_EXCUSED:
		set_mark(st, 'E');
		return TUI_REDRAW;
	case R_ALL:
		for (int i = 0; i < st->r.n; i++) {
			if (st->r.e[i].mark != 'P')
				st->dirty = true;
			st->r.e[i].mark = 'P';
		}
		st->num = 0;
		return TUI_REDRAW;
	case R_SAVE:
		return roll_save(st);
	case R_NOTE: {
		int sel = tui_list_selected(&st->list);
		if (sel < 0)
			return TUI_HANDLED;
		struct db_roll_entry *e = &st->r.e[sel];
		struct cls_ask a = {0};
		a.title_key = "roll:note_title";
		cls_name(e->first_name, e->last_name, a.info, sizeof a.info);
		a.n = 1;
		a.f[0].label_key = "roll:f_note";
		a.f[0].maxlen = 120;
		util_strlcpy(a.f[0].init, e->note, sizeof a.f[0].init);
		a.submit = note_submit;
		a.ctx = e;
		st->dirty = true;
		cls_ask_open(&a);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	int k = ev->key;
	if (k >= '0' && k <= '9')
		return roll_digit(st, k - '0');
	if (k == TUI_K_BACKSPACE) {
		st->num /= 10;
		return TUI_REDRAW;
	}
	if (k == TUI_K_ESC) {
		if (st->num) {
			st->num = 0;
			return TUI_REDRAW;
		}
		if (st->dirty && !tui_confirm(loc_str("common:unsaved_changes")))
			return TUI_REDRAW;
		return TUI_POP | TUI_RELOAD;
	}
	st->num = 0;
	return tui_list_key(&st->list, k);
}

static unsigned roll_state(const struct tui_screen *s)
{
	const struct rollst *st = s->priv;
	return tui_list_selected(&st->list) >= 0 ? TUI_ST_ROW : 0;
}

static const struct tui_screen_def roll_screen_en = {
    .name = "roll",
    .title_key = "roll:title",
    .keys = roll_keys_en,
    .init = roll_init,
    .free = roll_free,
    .draw = roll_draw,
    .key = roll_key,
    .state = roll_state,
};

static const struct tui_screen_def roll_screen_sq = {
    .name = "roll",
    .title_key = "roll:title",
    .keys = roll_keys_sq,
    .init = roll_init,
    .free = roll_free,
    .draw = roll_draw,
    .key = roll_key,
    .state = roll_state,
};

int cls_roll_open(int64_t class_id, const char *day)
{
	struct cls_roll_arg a = {class_id, ""};
	util_strlcpy(a.day, day, sizeof a.day);
	/* init copies what it needs: a is not used after the push. */
	return tui_push(strcmp(loc_lang(), "sq") == 0 ? &roll_screen_sq : &roll_screen_en, &a);
}

/* ====================================================================== */
/* Today's classes                                                         */
/* ====================================================================== */

enum { T_OPEN = 1, T_CLASS, T_REFRESH };

static const struct tui_key today_keys[] = {
    {TUI_K_ENTER, 0, "roll:k_take", "roll:k_take_help", T_OPEN, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'o', 0, "roll:k_class", "roll:k_class_help", T_CLASS, TUI_NEED_ROW},
    {TUI_FKEY(5), 0, "roll:k_refresh", "roll:k_refresh_help", T_REFRESH, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct trow {
	struct db_class c;
	int state; /* 0 roll not taken, 1 taken, 2 cancelled */
};

struct todayst {
	struct trow *rows;
	int n;
	struct tui_list list;
};

static const struct tui_col today_cols[] = {
    {"roll:col_time", 11, TUI_LEFT},
    {"class:col_class", 0, TUI_LEFT},
    {"class:col_children", 5, TUI_RIGHT},
    {"roll:col_roll", 20, TUI_LEFT},
};

static void today_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct todayst *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct trow *r = &st->rows[row];
	switch (col) {
	case 0:
		cls_time_range(r->c.start_min, r->c.duration_min, buf, n);
		break;
	case 1:
		if (cls_admin() && r->c.teacher_name[0])
			snprintf(buf, n, "%s · %s", r->c.name, r->c.teacher_name);
		else
			util_strlcpy(buf, r->c.name, n);
		break;
	case 2:
		snprintf(buf, n, "%d", r->c.enrolled);
		break;
	case 3:
		util_strlcpy(buf,
		             loc_str(r->state == 1   ? "roll:st_taken"
		                     : r->state == 2 ? "roll:st_cancelled"
		                                     : "roll:st_due"),
		             n);
		break;
	default:
		break;
	}
}

static unsigned today_flags(void *ctx, int row)
{
	struct todayst *st = ctx;
	return row >= 0 && row < st->n && st->rows[row].state == 0 ? TUI_ROW_MARK : 0;
}

static int cmp_trow(const void *a, const void *b)
{
	const struct trow *x = a, *y = b;
	if (x->c.start_min != y->c.start_min)
		return x->c.start_min < y->c.start_min ? -1 : 1;
	return db_collate_sq(x->c.name, (int)strlen(x->c.name), y->c.name, (int)strlen(y->c.name));
}

static int today_reload(struct tui_screen *s, struct qerr *err)
{
	struct todayst *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	struct db_class *cl = NULL;
	int ncl = 0;
	struct qdb *db = tui_db();
	const struct db_actor *who = tui_actor();
	if (db_class_list(db, who, &cl, &ncl, err) != DB_OK)
		return -1;
	char today[11];
	util_today(today);
	st->rows = xcalloc((size_t)(ncl ? ncl : 1), sizeof *st->rows);
	int rc = 0;
	for (int i = 0; i < ncl && rc == 0; i++) {
		if (strcmp(today, cl[i].term_start) < 0 || strcmp(today, cl[i].term_end) > 0)
			continue;
		struct db_date *d = NULL;
		int nd = 0;
		if (db_class_expected_dates(db, who, cl[i].id, today, today, &d, &nd, err) !=
		    DB_OK) {
			rc = -1;
			break;
		}
		free(d);
		struct db_class_session *ss = NULL;
		int ns = 0;
		if (db_class_sessions(db, who, cl[i].id, &ss, &ns, err) != DB_OK) {
			rc = -1;
			break;
		}
		int state = 0;
		bool has_row = false;
		for (int j = 0; j < ns; j++) {
			if (strcmp(ss[j].day, today) == 0) {
				has_row = true;
				state = ss[j].cancelled ? 2 : ss[j].marks > 0 ? 1 : 0;
			}
		}
		free(ss);
		/* Classes that meet today, and any class with a session row today
		 * (an extra session). */
		if (nd == 0 && !has_row)
			continue;
		st->rows[st->n].c = cl[i];
		st->rows[st->n].state = state;
		st->n++;
	}
	free(cl);
	if (st->n > 1)
		qsort(st->rows, (size_t)st->n, sizeof *st->rows, cmp_trow);
	tui_list_set_count(&st->list, st->n);
	return rc;
}

static void today_free(struct tui_screen *s);

static int today_init(struct tui_screen *s, struct qerr *err)
{
	struct todayst *st = xcalloc(1, sizeof *st);
	tui_list_init(&st->list, today_cols, 4, st, today_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	st->list.row_flags = today_flags;
	s->priv = st;
	if (today_reload(s, err) != 0) {
		today_free(s);
		return -1;
	}
	/* Start on the first class whose roll is still due. */
	for (int i = 0; i < st->n; i++) {
		if (st->rows[i].state == 0) {
			tui_list_select(&st->list, i);
			break;
		}
	}
	return 0;
}

static void today_free(struct tui_screen *s)
{
	struct todayst *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static void today_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct todayst *st = s->priv;
	char today[11], d[11], title[200];
	util_today(today);
	loc_date(today, d);
	loc_fmt(title, sizeof title, "roll:today_title", cls_wday_name(today, false), d);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (st->n == 0) {
		tui_put(w, 2, 3, cols - 4, loc_str("roll:none_today"), tui_style(TUI_S_DIM), false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 1, rows - 2, cols - 2, true);
}

static int today_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct todayst *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int r = tui_list_selected(&st->list);
	switch (ev->action) {
	case T_OPEN:
		if (r >= 0) {
			char today[11];
			util_today(today);
			cls_roll_open(st->rows[r].c.id, today);
		}
		return TUI_REDRAW;
	case T_CLASS:
		if (r >= 0)
			cls_class_open(st->rows[r].c.id);
		return TUI_REDRAW;
	case T_REFRESH: {
		struct qerr e = {0};
		if (today_reload(s, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static unsigned today_state(const struct tui_screen *s)
{
	const struct todayst *st = s->priv;
	return cls_list_state(&st->list);
}

static const struct tui_screen_def today_screen = {
    .name = "roll_today",
    .title_key = "roll:today_menu",
    .keys = today_keys,
    .init = today_init,
    .free = today_free,
    .reload = today_reload,
    .draw = today_draw,
    .key = today_key,
    .state = today_state,
};

/* ====================================================================== */
/* Rolls not taken                                                         */
/* ====================================================================== */

enum { M_TAKE = 1, M_CANCEL, M_REFRESH };

static const struct tui_key missing_keys[] = {
    {TUI_K_ENTER, 't', "roll:k_take", "roll:k_take_help", M_TAKE, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'x', 0, "class:k_cancel", "class:k_cancel_help", M_CANCEL, TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_FKEY(5), 0, "roll:k_refresh", "roll:k_refresh_help", M_REFRESH, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct missst {
	struct db_roll_missing *rows;
	int n;
	struct tui_list list;
};

static const struct tui_col missing_cols[] = {
    {"class:col_day", 4, TUI_LEFT},
    {"class:col_date", 10, TUI_LEFT},
    {"class:col_class", 0, TUI_LEFT},
    {"class:col_teacher", 20, TUI_LEFT},
};

static void missing_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct missst *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct db_roll_missing *m = &st->rows[row];
	switch (col) {
	case 0:
		util_strlcpy(buf, cls_wday_name(m->day, true), n);
		break;
	case 1:
		loc_date(m->day, buf);
		break;
	case 2:
		util_strlcpy(buf, m->class_name, n);
		break;
	case 3:
		util_strlcpy(buf, m->teacher_name, n);
		break;
	default:
		break;
	}
}

static int missing_reload(struct tui_screen *s, struct qerr *err)
{
	struct missst *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	char today[11];
	util_today(today);
	int rc = db_roll_missing_list(tui_db(), tui_actor(), today, &st->rows, &st->n, err);
	tui_list_set_count(&st->list, st->n);
	return rc == DB_OK ? 0 : -1;
}

static void missing_free(struct tui_screen *s);

static int missing_init(struct tui_screen *s, struct qerr *err)
{
	struct missst *st = xcalloc(1, sizeof *st);
	tui_list_init(&st->list, missing_cols, 4, st, missing_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	s->priv = st;
	if (missing_reload(s, err) != 0) {
		missing_free(s);
		return -1;
	}
	/* The most recent first is what a teacher catches up on. */
	tui_list_select(&st->list, st->n - 1);
	return 0;
}

static void missing_free(struct tui_screen *s)
{
	struct missst *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static void missing_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct missst *st = s->priv;
	char title[200];
	loc_fmt(title, sizeof title, "roll:missing_title", st->n);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (st->n == 0) {
		tui_put(w, 2, 3, cols - 4, loc_str("roll:none_missing"), tui_style(TUI_S_DIM),
		        false);
		return;
	}
	tui_put(w, 1, 1, cols - 2, loc_str("roll:missing_hint"), tui_style(TUI_S_DIM), false);
	tui_list_draw(&st->list, w, 3, 1, rows - 3, cols - 2, true);
}

static int missing_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct missst *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int r = tui_list_selected(&st->list);
	const struct db_roll_missing *m = r >= 0 && r < st->n ? &st->rows[r] : NULL;
	switch (ev->action) {
	case M_TAKE:
		if (m)
			cls_roll_open(m->class_id, m->day);
		return TUI_REDRAW;
	case M_CANCEL:
		if (m)
			cls_session_cancel_ask(m->class_id, m->class_name, m->day, m->version);
		return TUI_REDRAW;
	case M_REFRESH: {
		struct qerr e = {0};
		if (missing_reload(s, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static unsigned missing_state(const struct tui_screen *s)
{
	const struct missst *st = s->priv;
	return cls_list_state(&st->list);
}

static const struct tui_screen_def missing_screen = {
    .name = "roll_missing",
    .title_key = "roll:missing_menu",
    .keys = missing_keys,
    .init = missing_init,
    .free = missing_free,
    .reload = missing_reload,
    .draw = missing_draw,
    .key = missing_key,
    .state = missing_state,
};

TUI_AT_START(cls_register_roll)
{
	unsigned roles =
	    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) | TUI_ROLE(DB_ROLE_TEACHER);
	cls_register(&today_screen, roles, "roll:today_menu", 't');
	cls_register(&missing_screen, roles, "roll:missing_menu", 'n');
}
