/*
 * text — putting UTF-8 on the screen in a given number of columns.
 *
 * Names come from the database and may hold anything: wide characters,
 * combining accents, right-to-left marks, control characters, invalid
 * bytes. Everything drawn goes through tui_text_fit, which measures with
 * wcwidth, never cuts a character in half, ends a cut text with "…", shows
 * control characters and invalid bytes as '?' (so no escape sequence from
 * data ever reaches the terminal) and drops bidi controls.
 */
#include "tui/tuii.h"

#include <string.h>

#include "locale/loc.h"

/* Bidi controls and the BOM: invisible, and they confuse terminals. */
static bool dropped(long cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0xfeff ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point actually shown for cp and its width; *cp_out = 0 when dropped. */
static int shown(long cp, long *cp_out)
{
	if (cp < 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
		*cp_out = '?';
		return 1;
	}
	if (dropped(cp)) {
		*cp_out = 0;
		return 0;
	}
	int w = wcwidth((wchar_t)cp);
	if (w < 0) {
		*cp_out = '?';
		return 1;
	}
	*cp_out = cp;
	return w;
}

int tui_text_width(const char *utf8)
{
	if (!utf8)
		return 0;
	int w = 0;
	const char *p = utf8;
	while (*p) {
		long cp = utf8_next(&p), c;
		w += shown(cp, &c);
	}
	return w;
}

/* Append cp to out if it fits with room for `reserve` more bytes and a NUL. */
static bool append(char *out, size_t outsz, size_t *len, long cp, size_t reserve)
{
	char b[4];
	int n = utf8_put(b, cp);
	if (n <= 0)
		return true;
	if (*len + (size_t)n + reserve + 1 > outsz)
		return false;
	memcpy(out + *len, b, (size_t)n);
	*len += (size_t)n;
	out[*len] = '\0';
	return true;
}

int tui_text_fit(const char *utf8, int cols, char *out, size_t outsz)
{
	if (!out || outsz == 0)
		return 0;
	out[0] = '\0';
	if (!utf8 || cols <= 0)
		return 0;
	const char *ell = term_utf8() ? "…" : "~";
	int total = tui_text_width(utf8);
	bool cut = total > cols;
	int room = cut ? cols - 1 : cols; /* the ellipsis takes one column */
	size_t reserve = cut ? strlen(ell) : 0;
	size_t len = 0;
	int w = 0;
	const char *p = utf8;
	while (*p) {
		long c, cp = utf8_next(&p);
		int cw = shown(cp, &c);
		if (!c)
			continue;
		if (cw == 0 && len == 0)
			continue; /* a combining mark with nothing to sit on */
		if (w + cw > room)
			break;
		if (!append(out, outsz, &len, c, reserve)) {
			/* The buffer, not the columns, ran out: still end with the mark. */
			cut = true;
			break;
		}
		w += cw;
	}
	if (cut && len + strlen(ell) + 1 <= outsz) {
		memcpy(out + len, ell, strlen(ell) + 1);
		w += 1;
	}
	return w;
}

int tui_put(WINDOW *w, int y, int x, int cols, const char *utf8, attr_t a, bool pad)
{
	int wy = getmaxy(w), wx = getmaxx(w);
	if (y < 0 || y >= wy || x < 0 || x >= wx)
		return 0;
	if (cols > wx - x)
		cols = wx - x;
	if (cols <= 0)
		return 0;
	char buf[1024];
	int used = tui_text_fit(utf8 ? utf8 : "", cols, buf, sizeof buf);
	wchar_t wbuf[1024];
	int n = 0;
	const char *p = buf;
	while (*p && n < (int)(sizeof wbuf / sizeof wbuf[0]) - 1) {
		long cp = utf8_next(&p);
		wbuf[n++] = (wchar_t)(cp < 0 ? '?' : cp);
	}
	wbuf[n] = 0;
	wattrset(w, (int)a);
	mvwaddnwstr(w, y, x, wbuf, n);
	if (pad)
		for (int i = used; i < cols; i++)
			mvwaddch(w, y, x + i, ' ');
	wattrset(w, A_NORMAL);
	return pad ? cols : used;
}

void tui_key_name(int key, char *out, size_t outsz)
{
	if (!out || outsz == 0)
		return;
	out[0] = '\0';
	if (TUI_IS_ALT(key)) {
		char base[32];
		tui_key_name(key & ~0x2000000, base, sizeof base);
		snprintf(out, outsz, "Alt-%s", base);
		return;
	}
	bool u = term_utf8();
	if (key & 0x1000000) {
		int code = key & 0xffffff;
		const char *s = NULL;
		if (code >= KEY_F(1) && code <= KEY_F(24)) {
			snprintf(out, outsz, "F%d", code - KEY_F0);
			return;
		}
		switch (code) {
		case KEY_ENTER:
			s = "Enter";
			break;
		case KEY_UP:
			s = u ? "↑" : "Up";
			break;
		case KEY_DOWN:
			s = u ? "↓" : "Down";
			break;
		case KEY_LEFT:
			s = u ? "←" : "Left";
			break;
		case KEY_RIGHT:
			s = u ? "→" : "Right";
			break;
		case KEY_BTAB:
			s = "Shift-Tab";
			break;
		case KEY_PPAGE:
			s = "PgUp";
			break;
		case KEY_NPAGE:
			s = "PgDn";
			break;
		case KEY_HOME:
			s = "Home";
			break;
		case KEY_END:
			s = "End";
			break;
		case KEY_DC:
			s = "Del";
			break;
		case KEY_IC:
			s = "Ins";
			break;
		case KEY_BACKSPACE:
			s = "Backspace";
			break;
		default:
			s = "?";
		}
		util_strlcpy(out, s, outsz);
		return;
	}
	if (key == TUI_K_ESC) {
		util_strlcpy(out, "Esc", outsz);
	} else if (key == TUI_K_TAB) {
		util_strlcpy(out, "Tab", outsz);
	} else if (key == ' ') {
		util_strlcpy(out, loc_str("keys:space"), outsz);
	} else if (key > 0 && key < 0x20) {
		int c = key + '@';
		snprintf(out, outsz, "Ctrl-%c", c);
	} else if (TUI_IS_CHAR(key)) {
		char b[5] = {0};
		if (utf8_put(b, key) > 0)
			util_strlcpy(out, b, outsz);
	}
}
