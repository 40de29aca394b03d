/*
 * list — the one list widget every list screen uses: a selection that skips
 * section titles, scrolling by line and page, columns laid out by width,
 * and an incremental `/` search (accent- and case-insensitive by default,
 * or the screen's own search hook).
 *
 * The widget keeps no data; it asks cell() for the text it is about to
 * draw, so a screen fetches a page of rows from db/ and lets the list show
 * it. Without colour the selection is reverse video plus a ">" marker.
 */
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "locale/loc.h"

void tui_list_init(struct tui_list *l, const struct tui_col *cols, int ncols, void *ctx,
                   void (*cell)(void *ctx, int row, int col, char *buf, size_t bufsz))
{
	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->ncols = ncols;
	l->ctx = ctx;
	l->cell = cell;
	l->sel = -1;
	l->page = 1;
}

static unsigned flags_of(const struct tui_list *l, int row)
{
	return l->row_flags ? l->row_flags(l->ctx, row) : 0;
}

static bool selectable(const struct tui_list *l, int row)
{
	return row >= 0 && row < l->count && !(flags_of(l, row) & (TUI_ROW_HEADER | TUI_ROW_INFO));
}

/* The nearest selectable row from `row` in direction dir (+1/-1), or -1. */
static int seek(const struct tui_list *l, int row, int dir)
{
	for (; row >= 0 && row < l->count; row += dir)
		if (selectable(l, row))
			return row;
	return -1;
}

void tui_list_select(struct tui_list *l, int row)
{
	if (l->count <= 0) {
		l->sel = -1;
		return;
	}
	if (row < 0)
		row = 0;
	if (row >= l->count)
		row = l->count - 1;
	int r = seek(l, row, +1);
	if (r < 0)
		r = seek(l, row, -1);
	l->sel = r;
}

void tui_list_set_count(struct tui_list *l, int count)
{
	l->count = count < 0 ? 0 : count;
	tui_list_select(l, l->sel < 0 ? 0 : l->sel);
	if (l->top > l->count - 1)
		l->top = l->count > 0 ? l->count - 1 : 0;
	if (l->top < 0)
		l->top = 0;
}

int tui_list_selected(const struct tui_list *l)
{
	return selectable(l, l->sel) ? l->sel : -1;
}

bool tui_list_typing(const struct tui_list *l)
{
	return l->searching;
}

/* Widths of the columns for a row of `cols` columns (1 gap between). */
static void layout(const struct tui_list *l, int cols, int *w)
{
	int fixed = 0, flex = 0;
	for (int i = 0; i < l->ncols; i++) {
		if (l->cols[i].width > 0)
			fixed += l->cols[i].width;
		else
			flex++;
	}
	int gaps = l->ncols > 0 ? l->ncols - 1 : 0;
	int rest = cols - fixed - gaps;
	for (int i = 0; i < l->ncols; i++) {
		if (l->cols[i].width > 0) {
			w[i] = l->cols[i].width;
		} else {
			int share = flex ? rest / flex : 0;
			w[i] = share > 0 ? share : 0;
			rest -= w[i];
			flex--;
		}
	}
	/* Too narrow for the fixed widths: take from the right. */
	int total = gaps;
	for (int i = 0; i < l->ncols; i++)
		total += w[i];
	for (int i = l->ncols - 1; i >= 0 && total > cols; i--) {
		int take = total - cols < w[i] ? total - cols : w[i];
		w[i] -= take;
		total -= take;
	}
}

static void draw_cells(struct tui_list *l, WINDOW *w, int y, int x, int cols, int row, attr_t a,
                       bool titles)
{
	int wid[32];
	char text[32][512];
	int n = l->ncols < 32 ? l->ncols : 32;
	layout(l, cols, wid);
	for (int i = 0; i < n; i++) {
		text[i][0] = '\0';
		if (titles)
			util_strlcpy(text[i],
			             l->cols[i].title_key ? loc_str(l->cols[i].title_key) : "",
			             sizeof text[i]);
		else
			l->cell(l->ctx, row, i, text[i], sizeof text[i]);
	}
	/* A cell followed only by empty cells spans them. */
	int last = n - 1;
	while (last > 0 && !text[last][0])
		last--;
	int cx = x;
	for (int i = 0; i <= last; i++) {
		int cw = wid[i];
		if (i == last)
			cw = x + cols - cx;
		if (cw > 0) {
			int tw = tui_text_width(text[i]);
			int off = 0;
			if (l->cols[i].align == TUI_RIGHT && tw < cw)
				off = cw - tw;
			tui_put(w, y, cx + off, cw - off, text[i], a, false);
		}
		cx += wid[i] + 1;
	}
}

void tui_list_draw(struct tui_list *l, WINDOW *w, int y, int x, int rows, int cols, bool focused)
{
	if (rows <= 0 || cols <= 2)
		return;
	if (l->show_titles) {
		/* Blank the whole title line in the header style, then the titles. */
		tui_put(w, y, x, cols, "", tui_style(TUI_S_HEADER), true);
		draw_cells(l, w, y, x + 2, cols - 2, -1, tui_style(TUI_S_HEADER), true);
		y++;
		rows--;
	}
	int body = rows - (l->searching ? 1 : 0);
	if (body < 1)
		body = 1;
	l->page = body;
	if (l->sel >= 0) {
		if (l->sel < l->top)
			l->top = l->sel;
		if (l->sel >= l->top + body)
			l->top = l->sel - body + 1;
	}
	/* A section title just above the selection stays in view. */
	if (l->top > 0 && l->sel == l->top && (flags_of(l, l->top - 1) & TUI_ROW_HEADER))
		l->top--;
	if (l->top > l->count - body)
		l->top = l->count - body;
	if (l->top < 0)
		l->top = 0;
	for (int i = 0; i < body; i++) {
		int row = l->top + i;
		if (row >= l->count)
			break;
		unsigned f = flags_of(l, row);
		if (f & (TUI_ROW_HEADER | TUI_ROW_INFO)) {
			char buf[512] = "";
			l->cell(l->ctx, row, 0, buf, sizeof buf);
			bool head = f & TUI_ROW_HEADER;
			tui_put(w, y + i, x + (head ? 0 : 2), cols - (head ? 0 : 2), buf,
			        tui_style(head ? TUI_S_TITLE : TUI_S_DIM), false);
			continue;
		}
		bool sel = row == l->sel;
		attr_t a = A_NORMAL;
		if (sel && focused)
			a = tui_style(TUI_S_SELECTED);
		if (f & TUI_ROW_MARK)
			a |= A_BOLD;
		if (sel && focused)
			tui_put(w, y + i, x, cols, "", a, true);
		if (sel)
			tui_put(w, y + i, x, 1, ">", a | A_BOLD, false);
		draw_cells(l, w, y + i, x + 2, cols - 2, row, a, false);
	}
	/* More above or below: arrows at the right edge, text arrows without UTF-8. */
	if (l->top > 0)
		tui_put(w, y, x + cols - 1, 1, term_utf8() ? "▲" : "^", A_BOLD, false);
	if (l->top + body < l->count)
		tui_put(w, y + body - 1, x + cols - 1, 1, term_utf8() ? "▼" : "v", A_BOLD, false);
	if (l->searching) {
		int sy = y + body;
		char line[160];
		snprintf(line, sizeof line, "/%s", l->query);
		tui_put(w, sy, x, cols, "", tui_style(TUI_S_FIELD_FOCUS), true);
		int used = tui_put(w, sy, x, cols - 1, line, tui_style(TUI_S_FIELD_FOCUS), false);
		tui_set_cursor(w, sy, x + used);
	}
}

/* Does any cell of row contain the folded query? */
static bool row_matches(struct tui_list *l, int row, const char *fq)
{
	for (int c = 0; c < l->ncols || (c == 0 && l->ncols == 0); c++) {
		char buf[512] = "", fb[1100];
		l->cell(l->ctx, row, c, buf, sizeof buf);
		db_fold(buf, fb, sizeof fb);
		if (strstr(fb, fq))
			return true;
	}
	return false;
}

/* Select the first match of the query from `from` in direction dir,
 * wrapping around; true when one was found. */
static bool find(struct tui_list *l, int from, int dir)
{
	if (l->search) {
		int r = l->search(l->ctx, l->query, from);
		if (r >= 0) {
			tui_list_select(l, r);
			return true;
		}
	}
	char fq[400];
	db_fold(l->query, fq, sizeof fq);
	if (!fq[0] || l->count <= 0)
		return false;
	for (int i = 0; i < l->count; i++) {
		int row = ((from + dir * i) % l->count + l->count) % l->count;
		if (selectable(l, row) && row_matches(l, row, fq)) {
			l->sel = row;
			return true;
		}
	}
	return false;
}

static int search_key(struct tui_list *l, int key)
{
	size_t len = strlen(l->query);
	switch (key) {
	case TUI_K_ESC:
		l->searching = false;
		tui_list_select(l, l->search_start);
		return TUI_REDRAW;
	case TUI_K_ENTER:
		l->searching = false;
		return TUI_REDRAW;
	case TUI_K_DOWN:
	case TUI_K_TAB:
		find(l, l->sel + 1, +1);
		return TUI_REDRAW;
	case TUI_K_UP:
	case TUI_K_BTAB:
		find(l, l->sel - 1, -1);
		return TUI_REDRAW;
	case TUI_K_BACKSPACE:
		if (len == 0) {
			l->searching = false;
			return TUI_REDRAW;
		}
		/* drop one whole UTF-8 character */
		while (len > 0 && ((unsigned char)l->query[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		l->query[len] = '\0';
		if (len)
			find(l, l->search_start, +1);
		else
			tui_list_select(l, l->search_start);
		return TUI_REDRAW;
	default:
		if (TUI_IS_CHAR(key) && key >= ' ' && key != 127) {
			char b[4];
			int n = utf8_put(b, key);
			if (n > 0 && len + (size_t)n < sizeof l->query) {
				memcpy(l->query + len, b, (size_t)n);
				l->query[len + (size_t)n] = '\0';
				find(l, l->search_start < 0 ? 0 : l->search_start, +1);
			}
			return TUI_REDRAW;
		}
		return TUI_HANDLED; /* the search line swallows other keys */
	}
}

int tui_list_key(struct tui_list *l, int key)
{
	if (l->searching)
		return search_key(l, key);
	int r;
	switch (key) {
	case TUI_K_UP:
		r = seek(l, l->sel - 1, -1);
		if (r >= 0)
			l->sel = r;
		else if (l->top > 0)
			l->top--; /* show a title above the first row */
		return TUI_REDRAW;
	case TUI_K_DOWN:
		r = seek(l, l->sel + 1, +1);
		if (r >= 0)
			l->sel = r;
		return TUI_REDRAW;
	case TUI_K_PGUP:
		tui_list_select(l, (l->sel < 0 ? 0 : l->sel) - l->page);
		if (l->sel >= 0 && l->sel < l->top)
			l->top = l->sel;
		return TUI_REDRAW;
	case TUI_K_PGDN:
		tui_list_select(l, (l->sel < 0 ? 0 : l->sel) + l->page);
		return TUI_REDRAW;
	case TUI_K_HOME:
		l->top = 0;
		tui_list_select(l, 0);
		return TUI_REDRAW;
	case TUI_K_END:
		tui_list_select(l, l->count - 1);
		return TUI_REDRAW;
	case '/':
		if (!l->searchable)
			return 0;
		l->searching = true;
		l->query[0] = '\0';
		l->search_start = l->sel < 0 ? 0 : l->sel;
		return TUI_REDRAW;
	default:
		return 0;
	}
}
