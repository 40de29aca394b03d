/*
 * fam_list — the families list: search as you type (names, father's name,
 * phone, family code; accents optional, so "cela" finds Çela), filters by
 * municipality, status and risk level cycled with keys, Albanian
 * alphabetical order of the head's name, and keyset paging: only the page
 * on screen is fetched (db_family_list), so it stays instant with 20 000
 * families. A search counts at most 1000 families ("1–17 of 1000+"), the
 * exact number only when End asks for the last page. Enter opens the family card; F3 registers a
 * new family and starts the guided registration (family → members → screening → consent).
 *
 * The search box always has the focus, so every printable key is search
 * text and the screen's actions are on F-keys with Alt alternatives.
 * Managers and registrars may register; counsellors only read (db/ limits
 * them to their clients' families).
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

enum { A_OPEN = 1, A_NEW, A_MUN, A_STATUS, A_RISK, A_CLEAR };

static const struct tui_key list_keys[] = {
    {TUI_K_ENTER, 0, "keys:open", "family:k_open", A_OPEN, 0},
    {TUI_FKEY(3), TUI_ALT('n'), "family:k_new_bar", "family:k_new", A_NEW, FAM_NEED_EDIT},
    {TUI_FKEY(4), TUI_ALT('m'), "family:k_mun_bar", "family:k_mun", A_MUN, 0},
    {TUI_FKEY(6), TUI_ALT('s'), "family:k_status_bar", "family:k_status", A_STATUS, 0},
    {TUI_FKEY(7), TUI_ALT('r'), "family:k_risk_bar", "family:k_risk", A_RISK, 0},
    {TUI_FKEY(8), TUI_ALT('c'), NULL, "family:k_clear", A_CLEAR, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {TUI_K_PGUP, TUI_K_PGDN, NULL, "help:k_page", 0, 0},
    {TUI_K_HOME, TUI_K_END, NULL, "family:k_home_end", 0, 0},
    {TUI_K_BACKSPACE, 0, NULL, "family:k_typing", 0, 0},
    {TUI_CTRL('u'), 0, NULL, "family:k_ctrl_u", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const char *const muns[] = {NULL, "shkoder", "kukes", "diber"};
static const char *const stats[] = {NULL, "active", "closed", "moved_away"};
static const char *const risks[] = {NULL, "high", "medium", "low", "none"};
#define NMUNS  4
#define NSTATS 4
#define NRISKS 5

/* Until registry.h declares it: where db_family_count stops with a search. */
#ifndef DB_FAMILY_COUNT_MAX
#define DB_FAMILY_COUNT_MAX 1000
#endif

static const struct tui_col list_cols[] = {
    {"family:col_code", 13, TUI_LEFT},    {"family:col_head", 0, TUI_LEFT},
    {"family:col_members", 3, TUI_RIGHT}, {"family:col_place", 8, TUI_LEFT},
    {"family:col_risk", 8, TUI_LEFT},     {"family:col_phone", 12, TUI_LEFT},
};

struct flist {
	char q[4 * FORM_SEARCH_MAX + 1]; /* the search text as typed */
	int mun, status, risk;           /* filter indexes, 0 = all */
	struct db_family_row *rows;
	int n;
	int first; /* index of rows[0] in the whole ordered list */
	int count; /* families matching */
	bool more; /* count stopped at the cap: more than DB_FAMILY_COUNT_MAX */
	int per_page;
	struct tui_list list;
	struct qerr err;
	bool failed;
	struct fam_edit_arg edit_arg;
	struct fam_card_arg card_arg;
};

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct flist *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct db_family_row *r = &st->rows[row];
	switch (col) {
	case 0:
		util_strlcpy(buf, r->code, n);
		break;
	case 1:
		if (r->head_person_id)
			snprintf(buf, n, "%s %s", r->head_last, r->head_first);
		else
			util_strlcpy(buf, loc_str("family:no_head"), n);
		if (strcmp(r->status, "active") != 0) {
			size_t len = strlen(buf);
			snprintf(buf + len, n - len, " (%s)", fam_label("family:st_", r->status));
		}
		break;
	case 2:
		snprintf(buf, n, "%d", r->members);
		break;
	case 3:
		util_strlcpy(buf, fam_label("family:mun_", r->municipality), n);
		break;
	case 4:
		util_strlcpy(buf, r->risk_level[0] ? fam_level(r->risk_level) : "", n);
		break;
	case 5:
		util_strlcpy(buf, r->phone, n);
		break;
	default:
		break;
	}
}

static unsigned row_flags(void *ctx, int row)
{
	struct flist *st = ctx;
	if (row >= 0 && row < st->n && strcmp(st->rows[row].risk_level, "high") == 0)
		return TUI_ROW_MARK;
	return 0;
}

static void filter_of(const struct flist *st, struct db_family_filter *q, char *clean, size_t csz)
{
	memset(q, 0, sizeof *q);
	form_search_clean(st->q, clean, csz);
	q->search = clean[0] ? clean : NULL;
	q->municipality = muns[st->mun];
	q->status = stats[st->status];
	q->risk = risks[st->risk];
	q->limit = st->per_page;
}

/*
 * Fetch a page: FIRST (at offset), NEXT/PREV (next to the page on screen)
 * or LAST. On failure the page on screen stays and the error is shown.
 * Returns the number of rows fetched, -1 on error.
 */
static int fetch(struct flist *st, enum db_page page, int offset)
{
	struct db_family_filter q;
	char clean[4 * FORM_SEARCH_MAX + 1];
	filter_of(st, &q, clean, sizeof clean);
	struct db_family_row anchor;
	if (page == DB_PAGE_NEXT || page == DB_PAGE_PREV) {
		if (st->n == 0)
			return 0;
		anchor = st->rows[page == DB_PAGE_NEXT ? st->n - 1 : 0];
		q.anchor = &anchor;
	}
	q.page = page;
	q.offset = offset;
	struct db_family_row *rows = NULL;
	int n = 0;
	struct qerr e = {0};
	if (db_family_list(tui_db(), tui_actor(), &q, &rows, &n, &e) != DB_OK) {
		tui_message_err(&e);
		st->err = e;
		st->failed = true;
		return -1;
	}
	st->failed = false;
	if ((page == DB_PAGE_NEXT || page == DB_PAGE_PREV) && n == 0) {
		free(rows);
		if (page == DB_PAGE_NEXT && st->more) { /* the end of a capped count */
			st->count = st->first + st->n;
			st->more = false;
		}
		return 0; /* nothing beyond: keep the page */
	}
	if (page == DB_PAGE_PREV && n < st->per_page) {
		/* near the top: show a full first page instead of a short one */
		free(rows);
		return fetch(st, DB_PAGE_FIRST, 0);
	}
	switch (page) {
	case DB_PAGE_FIRST:
		st->first = offset;
		break;
	case DB_PAGE_NEXT:
		st->first += st->n;
		break;
	case DB_PAGE_PREV:
		st->first = st->first - n > 0 ? st->first - n : 0;
		break;
	case DB_PAGE_LAST:
		st->first = st->count - n > 0 ? st->count - n : 0;
		break;
	}
	free(st->rows);
	st->rows = rows;
	st->n = n;
	tui_list_set_count(&st->list, n);
	if (page == DB_PAGE_NEXT && st->more && n < st->per_page) {
		st->count = st->first + n; /* paged to the end: now it is known */
		st->more = false;
	}
	return n;
}

/* Count again; a search stops at the cap unless exact (the last page). */
static void recount(struct flist *st, bool exact)
{
	struct db_family_filter q;
	char clean[4 * FORM_SEARCH_MAX + 1];
	filter_of(st, &q, clean, sizeof clean);
	if (exact)
		q.page = DB_PAGE_LAST;
	struct qerr e = {0};
	int c = 0;
	if (db_family_count(tui_db(), tui_actor(), &q, &c, &e) == DB_OK) {
		st->count = c;
		st->more = !exact && q.search && c > DB_FAMILY_COUNT_MAX;
	}
}

/* The search or a filter changed: from the top. */
static void refilter(struct flist *st)
{
	recount(st, false);
	if (fetch(st, DB_PAGE_FIRST, 0) >= 0)
		tui_list_select(&st->list, 0);
}

static int list_reload(struct tui_screen *s, struct qerr *err)
{
	struct flist *st = s->priv;
	int64_t sel_id = 0;
	int sel = tui_list_selected(&st->list);
	if (sel >= 0 && sel < st->n)
		sel_id = st->rows[sel].id;
	recount(st, false);
	if (fetch(st, DB_PAGE_FIRST, st->first) < 0) {
		if (err)
			*err = st->err;
		return -1;
	}
	for (int i = 0; i < st->n; i++)
		if (st->rows[i].id == sel_id)
			tui_list_select(&st->list, i);
	/* A new family was saved from here: its card continues the registration. */
	if (st->edit_arg.saved) {
		st->edit_arg.saved = false;
		st->card_arg.family_id = st->edit_arg.saved_id;
		if (tui_push(&fam_card_screen, &st->card_arg) == 0)
			fam_card_flow_start(&st->card_arg);
	}
	return 0;
}

static int list_init(struct tui_screen *s, struct qerr *err)
{
	struct flist *st = xcalloc(1, sizeof *st);
	st->per_page = 18;
	tui_list_init(&st->list, list_cols, 6, st, cell);
	st->list.show_titles = true;
	st->list.row_flags = row_flags;
	s->priv = st;
	recount(st, false);
	if (fetch(st, DB_PAGE_FIRST, 0) < 0) {
		if (err)
			*err = st->err;
		free(st->rows);
		free(st);
		s->priv = NULL;
		return -1;
	}
	tui_list_select(&st->list, 0);
	return 0;
}

static void list_free(struct tui_screen *s)
{
	struct flist *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

static void list_resize(struct tui_screen *s, int rows, int cols)
{
	(void)cols;
	struct flist *st = s->priv;
	int per = rows - 4; /* search, filters, column titles, a blank line */
	if (per < 3)
		per = 3;
	if (per == st->per_page)
		return;
	int sel = tui_list_selected(&st->list);
	int abs = st->first + (sel < 0 ? 0 : sel);
	st->per_page = per;
	int first = abs / per * per;
	if (fetch(st, DB_PAGE_FIRST, first) >= 0)
		tui_list_select(&st->list, abs - st->first);
}

static void draw_search(struct flist *st, WINDOW *w, int cols)
{
	const char *label = loc_str("family:search");
	int lw = tui_put(w, 0, 1, cols - 2, label, A_BOLD, false);
	int bx = 1 + lw + 1, bw = cols - bx - 1;
	if (bw < 4)
		return;
	/* show the end of a long query so the cursor stays in the box */
	const char *q = st->q;
	while (*q && tui_text_width(q) > bw - 1) {
		const char *p = q;
		utf8_next(&p);
		q = p;
	}
	tui_put(w, 0, bx, bw, "", tui_style(TUI_S_FIELD_FOCUS), true);
	int used = tui_put(w, 0, bx, bw, q, tui_style(TUI_S_FIELD_FOCUS), false);
	tui_set_cursor(w, 0, bx + used);
	if (!st->q[0])
		tui_put(w, 0, bx + 1, bw - 1, loc_str("family:search_hint"), tui_style(TUI_S_DIM),
		        false);
}

static void list_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct flist *st = s->priv;
	draw_search(st, w, cols);
	char line[400], range[120];
	snprintf(line, sizeof line, "%s: %s · %s: %s · %s: %s", loc_str("family:f_municipality"),
	         st->mun ? fam_label("family:mun_", muns[st->mun]) : loc_str("common:all"),
	         loc_str("family:f_status"),
	         st->status ? fam_label("family:st_", stats[st->status]) : loc_str("common:all"),
	         loc_str("family:col_risk"),
	         st->risk ? fam_label("screening:level_", risks[st->risk]) : loc_str("common:all"));
	if (st->count == 0)
		util_strlcpy(range, loc_str("common:no_results"), sizeof range);
	else if (st->more)
		loc_fmt(range, sizeof range, "family:range_more", st->first + 1, st->first + st->n,
		        DB_FAMILY_COUNT_MAX);
	else
		loc_fmt(range, sizeof range, "family:range", st->first + 1, st->first + st->n,
		        st->count);
	int rw = tui_text_width(range);
	tui_put(w, 1, cols - rw - 1, rw, range, A_NORMAL, false);
	tui_put(w, 1, 1, cols - rw - 3, line, tui_style(TUI_S_DIM), false);
	if (st->failed) {
		char msg[400];
		loc_err(&st->err, msg, sizeof msg);
		tui_put(w, 3, 2, cols - 4, msg, tui_style(TUI_S_ERROR), false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 1, rows - 2, cols - 2, true);
	if (st->n == 0)
		tui_put(w, 4, 3, cols - 6,
		        loc_str(!fam_can_edit() ? "family:none_found_ro"
		                : st->q[0]      ? "family:none_found"
		                                : "family:none_yet"),
		        tui_style(TUI_S_DIM), false);
}

static void open_card(struct flist *st)
{
	int sel = tui_list_selected(&st->list);
	if (sel < 0 || sel >= st->n)
		return;
	st->card_arg.family_id = st->rows[sel].id;
	tui_push(&fam_card_screen, &st->card_arg);
}

/* Families below the page on screen (past a capped count: perhaps). */
static bool more_below(const struct flist *st)
{
	return st->more || st->first + st->n < st->count;
}

static int move_sel(struct flist *st, int key)
{
	int sel = tui_list_selected(&st->list);
	switch (key) {
	case TUI_K_UP:
		if (sel > 0) {
			tui_list_select(&st->list, sel - 1);
		} else if (st->first > 0 && fetch(st, DB_PAGE_PREV, 0) > 0) {
			tui_list_select(&st->list, st->n - 1);
		}
		return TUI_REDRAW;
	case TUI_K_DOWN:
		if (sel < st->n - 1)
			tui_list_select(&st->list, sel + 1);
		else if (more_below(st) && fetch(st, DB_PAGE_NEXT, 0) > 0)
			tui_list_select(&st->list, 0);
		return TUI_REDRAW;
	case TUI_K_PGDN:
		if (more_below(st) && fetch(st, DB_PAGE_NEXT, 0) > 0)
			tui_list_select(&st->list, sel < st->n ? sel : st->n - 1);
		else
			tui_list_select(&st->list, st->n - 1);
		return TUI_REDRAW;
	case TUI_K_PGUP:
		if (st->first > 0 && fetch(st, DB_PAGE_PREV, 0) > 0)
			tui_list_select(&st->list, sel);
		else
			tui_list_select(&st->list, 0);
		return TUI_REDRAW;
	case TUI_K_HOME:
		if (fetch(st, DB_PAGE_FIRST, 0) >= 0)
			tui_list_select(&st->list, 0);
		return TUI_REDRAW;
	case TUI_K_END:
		if (st->more)
			recount(st, true); /* the last page is numbered from the exact count */
		if (fetch(st, DB_PAGE_LAST, 0) >= 0)
			tui_list_select(&st->list, st->n - 1);
		return TUI_REDRAW;
	default:
		return 0;
	}
}

/* Edit the search text: printable characters, Backspace, Ctrl-U. */
static int search_key(struct flist *st, int key)
{
	size_t len = strlen(st->q);
	if (key == TUI_K_BACKSPACE || key == 127 || key == TUI_CTRL('h')) {
		if (!len)
			return TUI_HANDLED;
		while (len > 0 && ((unsigned char)st->q[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		st->q[len] = '\0';
	} else if (key == TUI_CTRL('u')) {
		if (!len)
			return TUI_HANDLED;
		st->q[0] = '\0';
	} else if (TUI_IS_CHAR(key) && key >= ' ' && key != 127) {
		char b[4];
		int n = utf8_put(b, key);
		if (n <= 0 || utf8_len(st->q) >= FORM_SEARCH_MAX || len + (size_t)n >= sizeof st->q)
			return TUI_HANDLED;
		memcpy(st->q + len, b, (size_t)n);
		st->q[len + (size_t)n] = '\0';
	} else {
		return 0;
	}
	refilter(st);
	return TUI_REDRAW;
}

static int list_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct flist *st = s->priv;
	switch (ev->action) {
	case A_OPEN:
		open_card(st);
		return TUI_REDRAW;
	case A_NEW:
		memset(&st->edit_arg, 0, sizeof st->edit_arg);
		tui_push(&fam_edit_screen, &st->edit_arg);
		return TUI_REDRAW;
	case A_MUN:
		st->mun = (st->mun + 1) % NMUNS;
		refilter(st);
		return TUI_REDRAW;
	case A_STATUS:
		st->status = (st->status + 1) % NSTATS;
		refilter(st);
		return TUI_REDRAW;
	case A_RISK:
		st->risk = (st->risk + 1) % NRISKS;
		refilter(st);
		return TUI_REDRAW;
	case A_CLEAR:
		st->q[0] = '\0';
		st->mun = st->status = st->risk = 0;
		refilter(st);
		return TUI_REDRAW;
	default:
		break;
	}
	if (ev->key == TUI_K_ESC) {
		if (!st->q[0])
			return 0; /* back */
		st->q[0] = '\0';
		refilter(st);
		return TUI_REDRAW;
	}
	int r = move_sel(st, ev->key);
	if (r)
		return r;
	return search_key(st, ev->key);
}

static unsigned list_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING | (fam_can_edit() ? FAM_ST_EDIT : 0);
}

const struct tui_screen_def fam_list_screen = {
    .name = "families",
    .title_key = "family:title",
    .keys = list_keys,
    .init = list_init,
    .free = list_free,
    .reload = list_reload,
    .draw = list_draw,
    .key = list_key,
    .resize = list_resize,
    .state = list_state,
};

TUI_AT_START(fam_list_register)
{
	tui_register_screen(&fam_list_screen,
	                    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) |
	                        TUI_ROLE(DB_ROLE_COUNSELLOR),
	                    "family:menu", 'f');
}
