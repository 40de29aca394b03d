/*
 * desk_waiting — "waiting for an answer" (home menu 'w', managers and
 * registrars): referrals still in status `referred`, the overdue ones
 * first (waiting longer than referral.overdue_days, or past their
 * follow-up date), each marked with a text marker as well as bold, then
 * the oldest. Enter opens the referral; F3 / n refers someone new.
 */
#include "tui/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/registry.h"
#include "locale/loc.h"

enum { W_OPEN = 1, W_NEW, W_REFRESH };

static const struct tui_key waiting_keys[] = {
    {TUI_K_ENTER, 0, "keys:open", "referral:help_open", W_OPEN, TUI_NEED_ROW},
    {TUI_FKEY(3), 'n', "referral:key_new", "referral:help_new", W_NEW, TUI_NEED_WRITE},
    {TUI_FKEY(5), 'r', "referral:key_refresh", "referral:help_refresh", W_REFRESH, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct waiting {
	struct db_referral *rows;
	int n, overdue;
	struct tui_list list;
	struct qerr err;
	int64_t open_id; /* the id handed to the referral screen */
};

static const struct tui_col waiting_cols[] = {
    {NULL, 11, TUI_LEFT},
    {"referral:col_date", 10, TUI_LEFT},
    {"referral:col_days", 4, TUI_RIGHT},
    {"referral:col_code", 14, TUI_LEFT},
    {"referral:col_person", 0, TUI_LEFT},
    {"referral:col_service", 17, TUI_LEFT},
};

static int overdue_days(void)
{
	const struct conf *cf = tui_conf();
	return cf && cf->referral_overdue_days > 0 ? cf->referral_overdue_days : 14;
}

static void waiting_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct waiting *st = ctx;
	buf[0] = '\0';
	if (row < 0 || row >= st->n)
		return;
	const struct db_referral *r = &st->rows[row];
	const struct conf *cf = tui_conf();
	switch (col) {
	case 0:
		if (r->overdue)
			snprintf(buf, n, "! %s", loc_str("referral:overdue"));
		break;
	case 1:
		loc_date(r->referred_on, buf);
		break;
	case 2:
		snprintf(buf, n, "%d", r->days_waiting);
		break;
	case 3:
		util_strlcpy(buf, r->code, n);
		break;
	case 4:
		snprintf(buf, n, "%s %s", r->first_name, r->last_name);
		break;
	case 5:
		util_strlcpy(buf, desk_cat_label(cf ? &cf->services : NULL, r->service), n);
		break;
	default:
		break;
	}
}

static unsigned waiting_flags(void *ctx, int row)
{
	struct waiting *st = ctx;
	return row >= 0 && row < st->n && st->rows[row].overdue ? TUI_ROW_MARK : 0;
}

static int waiting_reload(struct tui_screen *s, struct qerr *err)
{
	struct waiting *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = st->overdue = 0;
	qerr_clear(&st->err);
	int rc = db_referral_waiting(tui_db(), tui_actor(), overdue_days(), 0, &st->rows, &st->n,
	                             &st->err);
	for (int i = 0; i < st->n; i++)
		st->overdue += st->rows[i].overdue;
	tui_list_set_count(&st->list, st->n);
	if (rc != DB_OK) {
		if (err)
			*err = st->err;
		return -1;
	}
	return 0;
}

static int waiting_init(struct tui_screen *s, struct qerr *err)
{
	struct waiting *st = xcalloc(1, sizeof *st);
	tui_list_init(&st->list, waiting_cols, 6, st, waiting_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	st->list.row_flags = waiting_flags;
	s->priv = st;
	if (waiting_reload(s, err) != 0) {
		free(st->rows);
		free(st);
		s->priv = NULL;
		return -1;
	}
	return 0;
}

static void waiting_free(struct tui_screen *s)
{
	struct waiting *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static unsigned waiting_state(const struct tui_screen *s)
{
	const struct waiting *st = s->priv;
	return (tui_list_selected(&st->list) >= 0 ? TUI_ST_ROW : 0) |
	       (tui_list_typing(&st->list) ? TUI_ST_TYPING : 0);
}

static int waiting_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct waiting *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int i = tui_list_selected(&st->list);
	switch (ev->action) {
	case W_OPEN:
		if (i >= 0) {
			st->open_id = st->rows[i].id;
			tui_push(&desk_referral_screen, &st->open_id);
		}
		return TUI_REDRAW;
	case W_NEW:
		tui_push(&desk_referral_new_screen, NULL);
		return TUI_REDRAW;
	case W_REFRESH:
		return TUI_RELOAD;
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static void waiting_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct waiting *st = s->priv;
	char buf[400];
	loc_fmt(buf, sizeof buf, "referral:waiting_title", st->n, st->overdue, overdue_days());
	tui_put(w, 0, 1, cols - 2, buf, tui_style(TUI_S_TITLE), false);
	if (qerr_is_set(&st->err)) {
		char m[380];
		loc_err(&st->err, m, sizeof m);
		snprintf(buf, sizeof buf, "! %s", m);
		tui_put(w, 2, 1, cols - 2, buf, tui_style(TUI_S_ERROR), false);
		return;
	}
	if (st->n == 0) {
		tui_put(w, 2, 1, cols - 2, loc_str("referral:waiting_none"), tui_style(TUI_S_DIM),
		        false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 0, rows - 4, cols, true);
	int i = tui_list_selected(&st->list);
	if (i >= 0) {
		const struct db_referral *r = &st->rows[i];
		char due[11] = "";
		if (r->follow_up_due[0])
			loc_date(r->follow_up_due, due);
		loc_fmt(buf, sizeof buf, "referral:waiting_detail", r->organisation,
		        due[0] ? due : "—");
		tui_put(w, rows - 2, 1, cols - 2, buf, A_NORMAL, false);
		tui_put(w, rows - 1, 1, cols - 2, r->reason, tui_style(TUI_S_DIM), false);
	}
}

const struct tui_screen_def desk_waiting_screen = {
    .name = "desk_waiting",
    .title_key = "referral:menu",
    .keys = waiting_keys,
    .init = waiting_init,
    .free = waiting_free,
    .reload = waiting_reload,
    .draw = waiting_draw,
    .key = waiting_key,
    .state = waiting_state,
};
