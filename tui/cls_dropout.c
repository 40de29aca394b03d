/*
 * cls_dropout — the dropout early warning for registrars and the manager:
 * the children whose attendance breaks the configured rule today, worst
 * first, each with its reason in words ("3 unexcused absences in a row;
 * dropped out of school"), the days since the child last attended, and what
 * staff did about it. One key acts on the selected child: V schedules a
 * home visit, R refers to education services (both recorded with
 * db_dropout_act, then the desk's visit or referral form opens for the
 * child when the desk screens are linked in), D (H, hiq) dismisses with a
 * note; a dismissed child comes back only when the pattern gets worse
 * (decided in db/dropout.c).
 */
#include "tui/cls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "locale/loc.h"
#include "tui/desk.h"

/* The desk's forms are optional: this file links without them. */
#pragma weak desk_visit_screen
#pragma weak desk_referral_new_screen

enum { D_VISIT = 1, D_REFER, D_DISMISS, D_CLASS, D_REFRESH };

static const struct tui_key drop_keys_en[] = {
    {'v', 0, "dropout:k_visit", "dropout:k_visit_help", D_VISIT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'r', 0, "dropout:k_refer", "dropout:k_refer_help", D_REFER, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'d', 'h', "dropout:k_dismiss", "dropout:k_dismiss_help", D_DISMISS,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_K_ENTER, 0, "dropout:k_class", "dropout:k_class_help", D_CLASS, TUI_NEED_ROW},
    {TUI_FKEY(5), 0, "dropout:k_refresh", "dropout:k_refresh_help", D_REFRESH, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_key drop_keys_sq[] = {
    {'v', 0, "dropout:k_visit", "dropout:k_visit_help", D_VISIT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'r', 0, "dropout:k_refer", "dropout:k_refer_help", D_REFER, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'h', 'd', "dropout:k_dismiss", "dropout:k_dismiss_help", D_DISMISS,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_K_ENTER, 0, "dropout:k_class", "dropout:k_class_help", D_CLASS, TUI_NEED_ROW},
    {TUI_FKEY(5), 0, "dropout:k_refresh", "dropout:k_refresh_help", D_REFRESH, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct dropst {
	struct db_dropout_row *rows;
	int n;
	struct db_dropout_rule rule;
	struct tui_list list;
};

/* The reason in words, in the user's language. */
static void reason_text(const struct db_dropout_rule *rule, const struct db_dropout_row *r,
                        char *out, size_t n)
{
	out[0] = '\0';
	char part[300];
	size_t len;
#define ADD(...)                                                                                   \
	do {                                                                                       \
		loc_fmt(part, sizeof part, __VA_ARGS__);                                           \
		len = strlen(out);                                                                 \
		snprintf(out + len, n - len, "%s%s", len ? "; " : "", part);                       \
	} while (0)
	if (r->why.run_hit)
		ADD("dropout:r_run", r->why.run);
	if (r->why.rate_hit)
		ADD("dropout:r_rate", r->why.rate, rule->window_weeks, r->why.sessions);
	if (r->why.school_weight > 0) {
		if (strcmp(r->why.school_status, "dropped_out") == 0)
			ADD("dropout:r_dropped");
		else
			ADD("dropout:r_irregular");
	}
	if (r->why.risk_weight > 0)
		ADD("dropout:r_risk", r->why.risk_factors);
	if (r->returned)
		ADD("dropout:r_returned");
#undef ADD
}

static const char *state_key(enum db_dropout_state s)
{
	switch (s) {
	case DB_DROPOUT_HOME_VISIT:
		return "dropout:st_home_visit";
	case DB_DROPOUT_REFERRED:
		return "dropout:st_referred";
	case DB_DROPOUT_DISMISSED:
		return "dropout:st_dismissed";
	default:
		return "dropout:st_open";
	}
}

static const struct tui_col drop_cols[] = {
    {"dropout:col_child", 20, TUI_LEFT}, {"class:col_class", 13, TUI_LEFT},
    {"dropout:col_reason", 0, TUI_LEFT}, {"dropout:col_days", 5, TUI_RIGHT},
    {"dropout:col_state", 11, TUI_LEFT},
};

static void drop_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct dropst *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct db_dropout_row *r = &st->rows[row];
	switch (col) {
	case 0: {
		char name[500];
		cls_name(r->first_name, r->last_name, name, sizeof name);
		if (r->age >= 0)
			snprintf(buf, n, "%s (%d)", name, r->age);
		else
			util_strlcpy(buf, name, n);
		break;
	}
	case 1:
		util_strlcpy(buf, r->class_name, n);
		break;
	case 2:
		reason_text(&st->rule, r, buf, n);
		break;
	case 3:
		if (r->days_since >= 0)
			snprintf(buf, n, "%d", r->days_since);
		else
			util_strlcpy(buf, loc_str("dropout:never"), n);
		break;
	case 4:
		util_strlcpy(buf, loc_str(state_key(r->flag_current ? r->state : DB_DROPOUT_OPEN)),
		             n);
		break;
	default:
		break;
	}
}

static unsigned drop_flags(void *ctx, int row)
{
	struct dropst *st = ctx;
	if (row < 0 || row >= st->n)
		return 0;
	const struct db_dropout_row *r = &st->rows[row];
	return !r->flag_current || r->state == DB_DROPOUT_OPEN ? TUI_ROW_MARK : 0;
}

static int drop_reload(struct tui_screen *s, struct qerr *err)
{
	struct dropst *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	cls_dropout_rule(&st->rule);
	char today[11];
	util_today(today);
	int rc = db_dropout_list(tui_db(), tui_actor(), today, &st->rule, &st->rows, &st->n, err);
	tui_list_set_count(&st->list, st->n);
	return rc == DB_OK ? 0 : -1;
}

static const struct tui_screen_def dropout_screen_en, dropout_screen_sq;

static void drop_free(struct tui_screen *s);

static int drop_init(struct tui_screen *s, struct qerr *err)
{
	struct dropst *st = xcalloc(1, sizeof *st);
	tui_list_init(&st->list, drop_cols, 5, st, drop_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	st->list.row_flags = drop_flags;
	s->priv = st;
	cls_lang_def(s, &dropout_screen_en, &dropout_screen_sq);
	if (drop_reload(s, err) != 0) {
		drop_free(s);
		return -1;
	}
	return 0;
}

static void drop_free(struct tui_screen *s)
{
	struct dropst *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static void drop_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct dropst *st = s->priv;
	cls_lang_def(s, &dropout_screen_en, &dropout_screen_sq);
	char title[300], today[11], d[11];
	util_today(today);
	loc_date(today, d);
	int open = 0;
	for (int i = 0; i < st->n; i++)
		if (!st->rows[i].flag_current || st->rows[i].state == DB_DROPOUT_OPEN)
			open++;
	loc_fmt(title, sizeof title, "dropout:title_day", d, st->n, open);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (st->n == 0) {
		tui_put(w, 2, 3, cols - 4, loc_str("dropout:none"), tui_style(TUI_S_DIM), false);
		return;
	}
	/* The selected child in full under the list. */
	const int detail = 4;
	tui_list_draw(&st->list, w, 2, 1, rows - 2 - detail, cols - 2, true);
	int sel = tui_list_selected(&st->list);
	if (sel < 0)
		return;
	const struct db_dropout_row *r = &st->rows[sel];
	int y = rows - detail;
	char name[500], line[1400], reason[900], last[11];
	cls_name(r->first_name, r->last_name, name, sizeof name);
	loc_fmt(line, sizeof line, "dropout:detail", name, r->family_code, r->class_name);
	tui_put(w, y, 1, cols - 2, line, A_BOLD, false);
	reason_text(&st->rule, r, reason, sizeof reason);
	char lines[2][400];
	int nl = cls_wrap(reason, cols - 4, lines, 2);
	for (int i = 0; i < nl; i++)
		tui_put(w, y + 1 + i, 3, cols - 4, lines[i], A_NORMAL, false);
	if (r->last_present[0])
		loc_date(r->last_present, last);
	else
		util_strlcpy(last, loc_str("dropout:never"), sizeof last);
	loc_fmt(line, sizeof line, "dropout:last_line", last);
	if (r->flag_current && r->action_note[0]) {
		char note[600];
		loc_fmt(note, sizeof note, "dropout:note_line", r->action_note);
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, " · %s", note);
	}
	tui_put(w, y + 3, 3, cols - 4, line, tui_style(TUI_S_DIM), false);
}

static int act(struct dropst *st, const struct db_dropout_row *r, enum db_dropout_state what,
               const char *note, struct qerr *err)
{
	(void)st;
	return db_dropout_act(tui_db(), tui_actor(), r, what, note, err);
}

static struct db_dropout_row dismiss_row;

static int dismiss_submit(void *ctx, char vals[CLS_ASK_MAX][CLS_ASK_VAL], int *bad,
                          struct qerr *err)
{
	struct db_dropout_row *r = ctx;
	if (act(NULL, r, DB_DROPOUT_DISMISSED, vals[0], err) != DB_OK) {
		if (strcmp(err->key, "err:dropout_note_required") == 0)
			*bad = 0;
		return -1;
	}
	tui_message_key("dropout:dismissed");
	return 0;
}

static int drop_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct dropst *st = s->priv;
	cls_lang_def(s, &dropout_screen_en, &dropout_screen_sq);
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int sel = tui_list_selected(&st->list);
	const struct db_dropout_row *r = sel >= 0 && sel < st->n ? &st->rows[sel] : NULL;
	struct qerr e = {0};
	switch (ev->action) {
	case D_VISIT:
	case D_REFER: {
		if (!r)
			return TUI_HANDLED;
		enum db_dropout_state what =
		    ev->action == D_VISIT ? DB_DROPOUT_HOME_VISIT : DB_DROPOUT_REFERRED;
		int64_t pid = r->person_id;
		if (act(st, r, what, NULL, &e) != DB_OK) {
			tui_message_err(&e);
			return TUI_RELOAD;
		}
		tui_message_key(what == DB_DROPOUT_HOME_VISIT ? "dropout:visit_done"
		                                              : "dropout:refer_done");
		if (drop_reload(s, &e) != 0)
			tui_message_err(&e);
		/* Then the desk's form for the child, when it is linked in. */
		const struct tui_screen_def *next =
		    what == DB_DROPOUT_HOME_VISIT ? &desk_visit_screen : &desk_referral_new_screen;
		if (next && next->draw)
			tui_push(next, &pid);
		return TUI_REDRAW;
	}
	case D_DISMISS: {
		if (!r)
			return TUI_HANDLED;
		dismiss_row = *r;
		struct cls_ask a = {0};
		a.title_key = "dropout:dismiss_title";
		char name[500], reason[900];
		cls_name(r->first_name, r->last_name, name, sizeof name);
		reason_text(&st->rule, r, reason, sizeof reason);
		struct sbuf b = {0};
		sbuf_printf(&b, "%s · %s", name, reason);
		util_strlcpy(a.info, b.s, sizeof a.info);
		sbuf_free(&b);
		a.n = 1;
		a.f[0].label_key = "dropout:f_note";
		a.f[0].maxlen = 500;
		a.f[0].required = true;
		a.submit = dismiss_submit;
		a.ctx = &dismiss_row;
		cls_ask_open(&a);
		return TUI_REDRAW;
	}
	case D_CLASS:
		if (r)
			cls_class_open(r->class_id);
		return TUI_REDRAW;
	case D_REFRESH:
		if (drop_reload(s, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static unsigned drop_state(const struct tui_screen *s)
{
	const struct dropst *st = s->priv;
	return cls_list_state(&st->list);
}

static const struct tui_screen_def dropout_screen_en = {
    .name = "dropout",
    .title_key = "dropout:title",
    .keys = drop_keys_en,
    .init = drop_init,
    .free = drop_free,
    .reload = drop_reload,
    .draw = drop_draw,
    .key = drop_key,
    .state = drop_state,
};

static const struct tui_screen_def dropout_screen_sq = {
    .name = "dropout",
    .title_key = "dropout:title",
    .keys = drop_keys_sq,
    .init = drop_init,
    .free = drop_free,
    .reload = drop_reload,
    .draw = drop_draw,
    .key = drop_key,
    .state = drop_state,
};

TUI_AT_START(cls_register_dropout)
{
	unsigned roles = TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR);
	cls_register(&dropout_screen_en, roles, "dropout:menu", 'd');
}
