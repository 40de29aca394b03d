/*
 * cns_edit — a small multi-line text box for the notes of a session log:
 * the form widget holds one line, and notes are paragraphs.
 *
 * The text is an array of wide characters (so the cursor moves by
 * character whatever is typed); it is laid out on every paint into visual
 * lines, broken at '\n' and wrapped at the last space that fits (or inside
 * a word longer than the box). The buffer is wiped when it grows and when
 * it is freed: it holds confidential notes.
 */
#include "tui/cns.h"
#include "tui/tuii.h"

#include <stdlib.h>
#include <string.h>

struct vline {
	int start, end; /* [start, end) of e->text shown on this line ('\n' excluded) */
};

static int wcw(wchar_t c)
{
	int w = wcwidth(c);
	return w < 0 ? 1 : w;
}

static void reserve(struct cns_edit *e, int need)
{
	if (need + 1 <= e->cap)
		return;
	int cap = e->cap ? e->cap : 64;
	while (cap < need + 1)
		cap *= 2;
	wchar_t *t = xcalloc((size_t)cap, sizeof(wchar_t));
	if (e->text) {
		memcpy(t, e->text, sizeof(wchar_t) * (size_t)e->len);
		util_wipe(e->text, sizeof(wchar_t) * (size_t)e->cap);
		free(e->text);
	}
	e->text = t;
	e->cap = cap;
}

void cns_edit_init(struct cns_edit *e, int maxlen)
{
	memset(e, 0, sizeof *e);
	e->maxlen = maxlen > 0 ? maxlen : 20000;
	e->width = 40;
	reserve(e, 64);
}

void cns_edit_free(struct cns_edit *e)
{
	if (!e)
		return;
	if (e->text) {
		util_wipe(e->text, sizeof(wchar_t) * (size_t)e->cap);
		free(e->text);
	}
	memset(e, 0, sizeof *e);
}

/* May this character go into the text? (Newlines are inserted by Enter.) */
static bool insertable(long cp)
{
	if (cp == '\n')
		return true;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff)
		return false;
	if (cp == 0x200e || cp == 0x200f || cp == 0xfeff || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	return wcwidth((wchar_t)cp) >= 0;
}

void cns_edit_set(struct cns_edit *e, const char *utf8)
{
	if (e->text)
		util_wipe(e->text, sizeof(wchar_t) * (size_t)e->cap);
	e->len = e->cur = e->top = 0;
	const char *p = utf8 ? utf8 : "";
	while (*p && e->len < e->maxlen) {
		long cp = utf8_next(&p);
		if (cp == '\t')
			cp = ' ';
		if (cp == '\r')
			continue;
		if (!insertable(cp))
			continue;
		reserve(e, e->len + 1);
		e->text[e->len++] = (wchar_t)cp;
	}
	e->cur = 0;
}

char *cns_edit_get(const struct cns_edit *e)
{
	char *out = xmalloc((size_t)e->len * 4 + 1);
	size_t o = 0;
	for (int i = 0; i < e->len; i++) {
		int n = utf8_put(out + o, (long)e->text[i]);
		if (n > 0)
			o += (size_t)n;
	}
	out[o] = '\0';
	return out;
}

/* Lay the text out in visual lines of `width` columns; *out malloc'd. */
static int layout(const struct cns_edit *e, int width, struct vline **out)
{
	int n = 0, cap = 16;
	struct vline *v = xmalloc(sizeof *v * (size_t)cap);
	if (width < 2)
		width = 2;
	int i = 0;
	for (;;) {
		int start = i, col = 0, last_space = -1;
		while (i < e->len && e->text[i] != L'\n') {
			int cw = wcw(e->text[i]);
			if (col + cw > width && i > start) {
				if (e->text[i] == L' ')
					i++; /* a space may hang past the edge */
				else if (last_space >= start)
					i = last_space + 1;
				break;
			}
			if (e->text[i] == L' ')
				last_space = i;
			col += cw;
			i++;
		}
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, sizeof *v * (size_t)cap);
		}
		v[n].start = start;
		v[n].end = i;
		n++;
		if (i >= e->len)
			break;
		if (e->text[i] == L'\n') {
			i++;
			if (i == e->len) {
				if (n == cap) {
					cap *= 2;
					v = xrealloc(v, sizeof *v * (size_t)cap);
				}
				v[n].start = v[n].end = i;
				n++;
				break;
			}
		}
	}
	*out = v;
	return n;
}

/* The visual line holding position pos. */
static int line_of(const struct vline *v, int n, int pos)
{
	int l = 0;
	for (int i = 0; i < n; i++)
		if (v[i].start <= pos)
			l = i;
	return l;
}

static int col_of(const struct cns_edit *e, const struct vline *v, int pos)
{
	int c = 0;
	for (int i = v->start; i < pos && i < v->end; i++)
		c += wcw(e->text[i]);
	return c;
}

/* The position in line l closest to column col (never past a wrap point). */
static int pos_at(const struct cns_edit *e, const struct vline *v, int n, int l, int col)
{
	int last = v[l].end;
	bool wrapped = l + 1 < n && v[l + 1].start == v[l].end && v[l].end > v[l].start;
	if (wrapped)
		last--;
	int c = 0, i = v[l].start;
	for (; i < last; i++) {
		int cw = wcw(e->text[i]);
		if (c + cw > col)
			break;
		c += cw;
	}
	return i;
}

void cns_edit_draw(struct cns_edit *e, WINDOW *w, int y, int x, int rows, int cols, bool focused)
{
	if (rows <= 0 || cols <= 2)
		return;
	e->width = cols - 1; /* one column for the cursor at a line's end */
	struct vline *v;
	int n = layout(e, e->width, &v);
	int cl = line_of(v, n, e->cur);
	if (!e->readonly) {
		if (cl < e->top)
			e->top = cl;
		if (cl >= e->top + rows)
			e->top = cl - rows + 1;
	}
	if (e->top > n - 1)
		e->top = n - 1;
	if (e->top < 0)
		e->top = 0;
	attr_t a = tui_style(focused ? TUI_S_FIELD_FOCUS : TUI_S_FIELD);
	char *buf = xmalloc((size_t)cols * 4 * 4 + 8);
	for (int r = 0; r < rows; r++) {
		int l = e->top + r;
		size_t o = 0;
		if (l < n) {
			for (int i = v[l].start; i < v[l].end; i++) {
				int k = utf8_put(buf + o, (long)e->text[i]);
				if (k > 0)
					o += (size_t)k;
				if (o > (size_t)cols * 4 * 4)
					break;
			}
		}
		buf[o] = '\0';
		tui_put(w, y + r, x, cols, buf, a, true);
	}
	util_wipe(buf, (size_t)cols * 4 * 4 + 8);
	free(buf);
	if (focused && !e->readonly && cl >= e->top && cl < e->top + rows)
		tui_set_cursor(w, y + cl - e->top, x + col_of(e, &v[cl], e->cur));
	free(v);
}

static void delete_at(struct cns_edit *e, int pos)
{
	if (pos < 0 || pos >= e->len)
		return;
	memmove(e->text + pos, e->text + pos + 1, sizeof(wchar_t) * (size_t)(e->len - pos - 1));
	e->len--;
	e->text[e->len] = 0;
}

static bool move_key(struct cns_edit *e, int key)
{
	struct vline *v;
	int n = layout(e, e->width, &v);
	int cl = line_of(v, n, e->cur);
	bool used = true;
	switch (key) {
	case TUI_K_UP:
		if (e->readonly) {
			if (e->top > 0)
				e->top--;
		} else if (cl > 0) {
			e->cur = pos_at(e, v, n, cl - 1, col_of(e, &v[cl], e->cur));
		} else {
			used = false; /* the screen may move the focus up */
		}
		break;
	case TUI_K_DOWN:
		if (e->readonly) {
			if (e->top < n - 1)
				e->top++;
		} else if (cl < n - 1) {
			e->cur = pos_at(e, v, n, cl + 1, col_of(e, &v[cl], e->cur));
		} else {
			used = false;
		}
		break;
	case TUI_K_HOME:
	case TUI_CTRL('a'):
		e->cur = v[cl].start;
		break;
	case TUI_K_END:
	case TUI_CTRL('e'):
		e->cur = pos_at(e, v, n, cl, 1 << 20);
		break;
	default:
		used = false;
	}
	free(v);
	return used;
}

bool cns_edit_key(struct cns_edit *e, int key)
{
	if (move_key(e, key))
		return true;
	if (e->readonly)
		return false;
	switch (key) {
	case TUI_K_LEFT:
		if (e->cur > 0)
			e->cur--;
		return true;
	case TUI_K_RIGHT:
		if (e->cur < e->len)
			e->cur++;
		return true;
	case TUI_K_BACKSPACE:
	case 127:
	case 8:
		if (e->cur > 0)
			delete_at(e, --e->cur);
		return true;
	case TUI_K_DEL:
		delete_at(e, e->cur);
		return true;
	case TUI_CTRL('u'):
		util_wipe(e->text, sizeof(wchar_t) * (size_t)e->cap);
		e->len = e->cur = e->top = 0;
		return true;
	case TUI_CTRL('k'): {
		int end = e->cur;
		while (end < e->len && e->text[end] != L'\n')
			end++;
		if (end == e->cur && end < e->len)
			end++; /* at a line's end: join the next line */
		int cut = end - e->cur;
		memmove(e->text + e->cur, e->text + end, sizeof(wchar_t) * (size_t)(e->len - end));
		e->len -= cut;
		util_wipe(e->text + e->len, sizeof(wchar_t) * (size_t)cut);
		return true;
	}
	case TUI_K_ENTER:
	case '\r':
	case '\n':
		key = '\n';
		break;
	default:
		break;
	}
	if (!TUI_IS_CHAR(key) || !insertable(key))
		return false;
	if (e->len >= e->maxlen)
		return true;
	reserve(e, e->len + 1);
	memmove(e->text + e->cur + 1, e->text + e->cur,
	        sizeof(wchar_t) * (size_t)(e->len - e->cur));
	e->text[e->cur++] = (wchar_t)key;
	e->len++;
	return true;
}
