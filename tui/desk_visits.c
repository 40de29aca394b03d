/*
 * desk_visits — the visits of a day (home menu 'v'): who came, when, why
 * and who registered them, with the anonymous walk-ins counted beside.
 * A visit can be changed (purpose, note) or removed by its author on the
 * same day and by a manager later; db/ decides (db_visit_update), and the
 * screen says why when it may not (the row's `editable` says so before
 * anything is typed). Previous and next day with F6 / F7 (p / n).
 */
#include "tui/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/registry.h"
#include "forms/form.h"
#include "locale/loc.h"

enum { A_EDIT = 1, A_DELETE, A_PREV, A_NEXT, A_TODAY, A_REFRESH };

static const struct tui_key visits_keys[] = {
    {TUI_K_ENTER, 'e', "visit:key_edit", "visit:help_edit", A_EDIT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_FKEY(8), 'd', "visit:key_delete", "visit:help_delete", A_DELETE,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_FKEY(6), 'p', "visit:key_prev", "visit:help_prev", A_PREV, 0},
    {TUI_FKEY(7), 'n', "visit:key_next", "visit:help_next", A_NEXT, 0},
    {'t', 0, NULL, "visit:help_today", A_TODAY, 0},
    {TUI_FKEY(5), 'r', "visit:key_refresh", "visit:help_refresh", A_REFRESH, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct visits {
	char day[11];
	struct db_visit *rows;
	int n;
	int tallies;
	struct tui_list list;
	struct qerr err;
};

static const struct tui_col visits_cols[] = {
    {"visit:col_time", 5, TUI_LEFT},    {"visit:col_name", 0, TUI_LEFT},
    {"visit:col_family", 13, TUI_LEFT}, {"visit:col_purpose", 18, TUI_LEFT},
    {"visit:col_staff", 14, TUI_LEFT},
};

static const struct conf_list *purposes(void)
{
	const struct conf *cf = tui_conf();
	return cf ? &cf->visit_purposes : NULL;
}

static void visits_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct visits *st = ctx;
	buf[0] = '\0';
	if (row < 0 || row >= st->n)
		return;
	const struct db_visit *v = &st->rows[row];
	switch (col) {
	case 0:
		snprintf(buf, n, "%.5s", strlen(v->at) >= 16 ? v->at + 11 : "");
		break;
	case 1:
		snprintf(buf, n, "%s %s", v->first_name, v->last_name);
		break;
	case 2:
		util_strlcpy(buf, v->family_code, n);
		break;
	case 3:
		util_strlcpy(buf, desk_cat_label(purposes(), v->purpose), n);
		break;
	case 4:
		util_strlcpy(buf, v->staff_name, n);
		break;
	default:
		break;
	}
}

static int visits_reload(struct tui_screen *s, struct qerr *err)
{
	struct visits *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	st->tallies = 0;
	qerr_clear(&st->err);
	int rc = db_visit_list_day(tui_db(), tui_actor(), st->day, &st->rows, &st->n, &st->err);
	if (rc == DB_OK) {
		struct qerr te = {0};
		db_visit_tally_count(tui_db(), tui_actor(), st->day, &st->tallies, &te);
	}
	tui_list_set_count(&st->list, st->n);
	if (rc != DB_OK) {
		if (err)
			*err = st->err;
		return -1;
	}
	return 0;
}

static int visits_init(struct tui_screen *s, struct qerr *err)
{
	struct visits *st = xcalloc(1, sizeof *st);
	util_today(st->day);
	tui_list_init(&st->list, visits_cols, 5, st, visits_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	s->priv = st;
	if (visits_reload(s, err) != 0) {
		free(st->rows);
		free(st);
		s->priv = NULL;
		return -1;
	}
	return 0;
}

static void visits_free(struct tui_screen *s)
{
	struct visits *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static unsigned visits_state(const struct tui_screen *s)
{
	const struct visits *st = s->priv;
	unsigned f = 0;
	if (tui_list_selected(&st->list) >= 0)
		f |= TUI_ST_ROW;
	if (tui_list_typing(&st->list))
		f |= TUI_ST_TYPING;
	return f;
}

static void shift_day(struct visits *st, int days)
{
	long d = form_date_to_days(st->day);
	char today[11], nd[11];
	util_today(today);
	if (d == FORM_NO_DATE)
		return;
	form_days_to_date(d + days, nd);
	if (!nd[0])
		return;
	if (strcmp(nd, today) > 0) {
		tui_message_key("visit:no_future");
		return;
	}
	util_strlcpy(st->day, nd, sizeof st->day);
	st->list.sel = -1;
	st->list.top = 0;
}

static const struct tui_screen_def desk_visit_edit_screen;

static int visits_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct visits *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int i = tui_list_selected(&st->list);
	struct qerr e = {0};
	switch (ev->action) {
	case A_EDIT:
		if (i < 0)
			return TUI_HANDLED;
		if (!st->rows[i].editable) {
			tui_message_key("err:visit_not_editable");
			return TUI_REDRAW;
		}
		tui_push(&desk_visit_edit_screen, &st->rows[i]);
		return TUI_REDRAW;
	case A_DELETE: {
		if (i < 0)
			return TUI_HANDLED;
		const struct db_visit *v = &st->rows[i];
		if (!v->editable) {
			tui_message_key("err:visit_not_editable");
			return TUI_REDRAW;
		}
		char q[400];
		loc_fmt(q, sizeof q, "visit:delete_q", v->first_name, v->last_name);
		if (!tui_confirm(q))
			return TUI_REDRAW;
		if (db_visit_delete(tui_db(), tui_actor(), v->id, v->version, &e) != DB_OK) {
			tui_message_err(&e);
			visits_reload(s, NULL);
			return TUI_REDRAW;
		}
		tui_message_key("visit:deleted");
		return TUI_RELOAD;
	}
	case A_PREV:
		shift_day(st, -1);
		return TUI_RELOAD;
	case A_NEXT:
		shift_day(st, +1);
		return TUI_RELOAD;
	case A_TODAY:
		util_today(st->day);
		return TUI_RELOAD;
	case A_REFRESH:
		return TUI_RELOAD;
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static void visits_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct visits *st = s->priv;
	char today[11], d[11], title[200], side[200];
	util_today(today);
	loc_date(st->day, d);
	loc_fmt(title, sizeof title,
	        strcmp(st->day, today) == 0 ? "visit:list_today" : "visit:list_day", d, st->n);
	loc_fmt(side, sizeof side, "visit:list_tallies", st->tallies);
	int sw = tui_text_width(side);
	tui_put(w, 0, 1, cols - sw - 4, title, tui_style(TUI_S_TITLE), false);
	tui_put(w, 0, cols - sw - 1, sw, side, A_NORMAL, false);
	if (qerr_is_set(&st->err)) {
		char m[400], line[410];
		loc_err(&st->err, m, sizeof m);
		snprintf(line, sizeof line, "! %s", m);
		tui_put(w, 2, 1, cols - 2, line, tui_style(TUI_S_ERROR), false);
		return;
	}
	if (st->n == 0) {
		tui_put(w, 2, 1, cols - 2, loc_str("visit:list_none"), tui_style(TUI_S_DIM), false);
		tui_put(w, rows - 1, 1, cols - 2, loc_str("visit:list_hint"), tui_style(TUI_S_DIM),
		        false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 0, rows - 5, cols, true);
	int i = tui_list_selected(&st->list);
	if (i >= 0) {
		const struct db_visit *v = &st->rows[i];
		char line[600];
		loc_fmt(line, sizeof line, "visit:list_note", v->note[0] ? v->note : "—");
		tui_put(w, rows - 2, 1, cols - 2, line, A_NORMAL, false);
		tui_put(w, rows - 1, 1, cols - 2,
		        loc_str(v->editable ? "visit:list_can_edit" : "visit:list_locked"),
		        tui_style(TUI_S_DIM), false);
	}
}

const struct tui_screen_def desk_visits_screen = {
    .name = "desk_visits",
    .title_key = "visit:menu",
    .keys = visits_keys,
    .init = visits_init,
    .free = visits_free,
    .reload = visits_reload,
    .draw = visits_draw,
    .key = visits_key,
    .state = visits_state,
};

/* ---- changing one visit ---- */

enum { E_SAVE = 1 };

static const struct tui_key edit_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "visit:key_save", "visit:help_save_edit", E_SAVE, TUI_NEED_WRITE},
    {0, 0, NULL, NULL, 0, 0},
};

struct vedit {
	struct db_visit v;
	struct tui_choice *choices;
	int nchoices;
	struct tui_field f[2];
	struct tui_form fm;
	bool typing;
};

static int edit_init(struct tui_screen *s, struct qerr *err)
{
	const struct conf_list *p = purposes();
	if (!s->arg || !p || p->n == 0) {
		qerr_set(err, "visit:no_catalogue", NULL);
		return -1;
	}
	struct vedit *st = xcalloc(1, sizeof *st);
	st->v = *(const struct db_visit *)s->arg;
	st->nchoices = p->n;
	st->choices = xcalloc((size_t)p->n, sizeof *st->choices);
	for (int i = 0; i < p->n; i++)
		st->choices[i].value = p->items[i].key;
	st->f[0] = (struct tui_field){.label_key = "visit:purpose",
	                              .kind = TUI_FIELD_CHOICE,
	                              .choices = st->choices,
	                              .nchoices = st->nchoices,
	                              .required = true,
	                              .width = 30};
	st->f[1] =
	    (struct tui_field){.label_key = "visit:note", .maxlen = DB_TEXT_LEN, .width = 50};
	tui_form_init(&st->fm, st->f, 2);
	st->fm.spacing = 2;
	tui_form_set(&st->fm, 0, st->v.purpose);
	tui_form_set(&st->fm, 1, st->v.note);
	s->priv = st;
	return 0;
}

static void edit_free(struct tui_screen *s)
{
	struct vedit *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st->choices);
	free(st);
	s->priv = NULL;
}

static unsigned edit_state(const struct tui_screen *s)
{
	const struct vedit *st = s->priv;
	return st->fm.focus == 1 ? TUI_ST_TYPING : 0;
}

static int edit_save(struct vedit *st)
{
	char purpose[64], raw[DB_TEXT_SZ * 2];
	char *note = NULL;
	struct qerr e = {0};
	tui_form_clear_errors(&st->fm);
	tui_form_get(&st->fm, 0, purpose, sizeof purpose);
	tui_form_get(&st->fm, 1, raw, sizeof raw);
	int bad = 0;
	if (!purpose[0]) {
		qerr_set(&e, "form:required", NULL);
		tui_form_set_error(&st->fm, 0, &e);
		bad++;
	}
	if (form_text(raw, DB_TEXT_LEN, false, false, &note, &e) != 0) {
		tui_form_set_error(&st->fm, 1, &e);
		bad++;
	}
	if (bad) {
		char m[200];
		loc_fmt(m, sizeof m, "form:not_saved", bad);
		tui_message(m);
		free(note);
		return TUI_REDRAW;
	}
	int rc = db_visit_update(tui_db(), tui_actor(), st->v.id, st->v.version, purpose,
	                         note[0] ? note : NULL, &e);
	free(note);
	if (rc != DB_OK) {
		/* Refused (not the author, another day, changed meanwhile): the
		 * message says why, and what was typed stays. */
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	tui_message_key("visit:updated");
	return TUI_POP | TUI_RELOAD;
}

static int edit_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct vedit *st = s->priv;
	if (ev->action == E_SAVE)
		return edit_save(st);
	switch (tui_form_key(&st->fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		return edit_save(st);
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return 0;
	}
}

static void edit_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct vedit *st = s->priv;
	for (int i = 0; i < st->nchoices; i++)
		st->choices[i].label = desk_cat_label(purposes(), st->choices[i].value);
	tui_put(w, 0, 1, cols - 2, loc_str("visit:edit_title"), tui_style(TUI_S_TITLE), false);
	char when[40], hm[6] = "", line[600];
	loc_date(st->v.at, when);
	if (strlen(st->v.at) >= 16)
		snprintf(hm, sizeof hm, "%.5s", st->v.at + 11);
	loc_fmt(line, sizeof line, "visit:edit_who", st->v.first_name, st->v.last_name,
	        st->v.family_code, when, hm, st->v.staff_name);
	tui_put(w, 2, 1, cols - 2, line, A_BOLD, false);
	tui_form_draw(&st->fm, w, 4, 1, 0, cols - 2, true);
	tui_put(w, rows - 1, 1, cols - 2, loc_str("visit:edit_hint"), tui_style(TUI_S_DIM), false);
}

static const struct tui_screen_def desk_visit_edit_screen = {
    .name = "desk_visit_edit",
    .title_key = "visit:edit_title",
    .keys = edit_keys,
    .init = edit_init,
    .free = edit_free,
    .draw = edit_draw,
    .key = edit_key,
    .state = edit_state,
};
