/*
 * form — labelled input fields for every data-entry screen.
 *
 * Text is kept as wide characters so the cursor moves by character, not
 * byte, whatever the user types (ë, ç, a Cyrillic name, a wide CJK
 * character); the box scrolls sideways by display width. A field's error
 * comes from a struct qerr (usually from forms/ validation) and is shown
 * beside the field with a "!" marker; it never touches the text, so a
 * refused save loses nothing. Masked fields (passwords) show '*' and are
 * wiped when the form is freed or the field is set again.
 */
#include "tui/tuii.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "locale/loc.h"

#define DEFAULT_MAX   255
#define DEFAULT_WIDTH 30

static int maxlen_of(const struct tui_field *f)
{
	return f->maxlen > 0 ? f->maxlen : DEFAULT_MAX;
}

static void field_wipe(struct tui_field *f)
{
	if (f->text)
		util_wipe(f->text, sizeof(wchar_t) * (size_t)f->cap);
	f->len = f->cur = f->scroll = 0;
}

static void field_reserve(struct tui_field *f, int need)
{
	if (need + 1 <= f->cap)
		return;
	int cap = f->cap ? f->cap : 16;
	while (cap < need + 1)
		cap *= 2;
	wchar_t *t = xcalloc((size_t)cap, sizeof(wchar_t));
	if (f->text) {
		memcpy(t, f->text, sizeof(wchar_t) * (size_t)f->len);
		util_wipe(f->text, sizeof(wchar_t) * (size_t)f->cap); /* may be a password */
		free(f->text);
	}
	f->text = t;
	f->cap = cap;
}

void tui_form_init(struct tui_form *fm, struct tui_field *fields, int n)
{
	fm->f = fields;
	fm->n = n;
	fm->focus = 0;
	fm->spacing = 1;
	for (int i = 0; i < n; i++) {
		struct tui_field *f = &fields[i];
		f->text = NULL;
		f->len = f->cap = f->cur = f->scroll = 0;
		f->choice = -1;
		qerr_clear(&f->err);
		field_reserve(f, 16);
	}
}

void tui_form_free(struct tui_form *fm)
{
	if (!fm || !fm->f)
		return;
	for (int i = 0; i < fm->n; i++) {
		field_wipe(&fm->f[i]);
		free(fm->f[i].text);
		fm->f[i].text = NULL;
		fm->f[i].cap = 0;
	}
}

/* May this character go into a text field? */
static bool insertable(long cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff)
		return false;
	if (cp == 0x200e || cp == 0x200f || cp == 0xfeff || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	return wcwidth((wchar_t)cp) >= 0;
}

void tui_form_set(struct tui_form *fm, int i, const char *utf8)
{
	if (i < 0 || i >= fm->n)
		return;
	struct tui_field *f = &fm->f[i];
	if (f->kind == TUI_FIELD_CHOICE) {
		f->choice = -1;
		for (int c = 0; utf8 && c < f->nchoices; c++)
			if (f->choices[c].value && strcmp(f->choices[c].value, utf8) == 0)
				f->choice = c;
		return;
	}
	field_wipe(f);
	const char *p = utf8 ? utf8 : "";
	while (*p && f->len < maxlen_of(f)) {
		long cp = utf8_next(&p);
		if (!insertable(cp))
			continue;
		field_reserve(f, f->len + 1);
		f->text[f->len++] = (wchar_t)cp;
	}
	f->cur = f->len;
}

void tui_form_get(const struct tui_form *fm, int i, char *out, size_t outsz)
{
	if (!out || outsz == 0)
		return;
	out[0] = '\0';
	if (i < 0 || i >= fm->n)
		return;
	const struct tui_field *f = &fm->f[i];
	if (f->kind == TUI_FIELD_CHOICE) {
		if (f->choice >= 0 && f->choice < f->nchoices && f->choices[f->choice].value)
			util_strlcpy(out, f->choices[f->choice].value, outsz);
		return;
	}
	size_t o = 0;
	for (int k = 0; k < f->len; k++) {
		char b[4];
		int n = utf8_put(b, (long)f->text[k]);
		if (n <= 0)
			continue;
		if (o + (size_t)n + 1 > outsz)
			break;
		memcpy(out + o, b, (size_t)n);
		o += (size_t)n;
	}
	out[o] = '\0';
}

void tui_form_set_error(struct tui_form *fm, int i, const struct qerr *e)
{
	if (i < 0 || i >= fm->n)
		return;
	if (e)
		fm->f[i].err = *e;
	else
		qerr_clear(&fm->f[i].err);
}

void tui_form_clear_errors(struct tui_form *fm)
{
	for (int i = 0; i < fm->n; i++)
		qerr_clear(&fm->f[i].err);
}

void tui_form_focus(struct tui_form *fm, int i)
{
	if (i >= 0 && i < fm->n)
		fm->focus = i;
}

static const char *choice_label(const struct tui_choice *c)
{
	if (c->label && c->label[0])
		return c->label;
	if (c->label_key)
		return loc_str(c->label_key);
	return c->value ? c->value : "";
}

static int wch_width(wchar_t c)
{
	int w = wcwidth(c);
	return w < 0 ? 1 : w;
}

static void draw_label(const struct tui_field *f, WINDOW *w, int y, int x, int cols, bool focus)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s%s", loc_str(f->label_key),
	         f->required ? loc_str("form:required_mark") : "");
	tui_put(w, y, x, cols, buf, focus ? A_BOLD : A_NORMAL, false);
}

/* Draw the box of a text field; returns the cursor column offset. */
static int draw_text(struct tui_field *f, WINDOW *w, int y, int x, int bw, attr_t a)
{
	/* Keep the cursor inside the box: scroll by display width. */
	if (f->cur < f->scroll)
		f->scroll = f->cur;
	for (;;) {
		int used = 0;
		for (int k = f->scroll; k < f->cur; k++)
			used += f->kind == TUI_FIELD_MASKED ? 1 : wch_width(f->text[k]);
		if (used < bw || f->scroll >= f->cur)
			break;
		f->scroll++;
	}
	tui_put(w, y, x, bw, "", a, true);
	int col = 0, curcol = 0;
	wattrset(w, (int)a);
	for (int k = f->scroll; k <= f->len; k++) {
		if (k == f->cur)
			curcol = col;
		if (k == f->len)
			break;
		wchar_t c = f->kind == TUI_FIELD_MASKED ? L'*' : f->text[k];
		int cw = wch_width(c);
		if (col + cw > bw)
			break;
		if (cw == 0 && col == 0)
			continue;
		wchar_t s[2] = {c, 0};
		mvwaddnwstr(w, y, x + col, s, 1);
		col += cw;
	}
	wattrset(w, A_NORMAL);
	return curcol;
}

void tui_form_draw(struct tui_form *fm, WINDOW *w, int y, int x, int label_cols, int cols,
                   bool focused)
{
	if (label_cols <= 0) {
		for (int i = 0; i < fm->n; i++) {
			char buf[256];
			snprintf(buf, sizeof buf, "%s%s", loc_str(fm->f[i].label_key),
			         fm->f[i].required ? loc_str("form:required_mark") : "");
			int lw = tui_text_width(buf);
			if (lw > label_cols)
				label_cols = lw;
		}
		label_cols += 1;
	}
	for (int i = 0; i < fm->n; i++) {
		struct tui_field *f = &fm->f[i];
		bool focus = focused && i == fm->focus;
		int fy = y + i * (fm->spacing > 1 ? fm->spacing : 1);
		draw_label(f, w, fy, x, label_cols, focus);
		int bx = x + label_cols + 1;
		int bw = f->width > 0 ? f->width : DEFAULT_WIDTH;
		if (bw > x + cols - bx)
			bw = x + cols - bx;
		if (bw < 3)
			continue;
		attr_t a = tui_style(focus ? TUI_S_FIELD_FOCUS : TUI_S_FIELD);
		if (f->kind == TUI_FIELD_CHOICE) {
			char buf[256];
			const char *lab = f->choice >= 0 && f->choice < f->nchoices
			                      ? choice_label(&f->choices[f->choice])
			                      : "";
			snprintf(buf, sizeof buf, "< %s >", lab);
			tui_put(w, fy, bx, bw, buf, a, true);
			if (focus)
				tui_set_cursor(w, fy, bx);
		} else {
			int cc = draw_text(f, w, fy, bx, bw, a);
			if (focus)
				tui_set_cursor(w, fy, bx + cc);
		}
		if (qerr_is_set(&f->err)) {
			char msg[512], line[540];
			loc_err(&f->err, msg, sizeof msg);
			snprintf(line, sizeof line, "! %s", msg);
			if (fm->spacing > 1) {
				tui_put(w, fy + 1, bx, x + cols - bx, line, tui_style(TUI_S_ERROR),
				        false);
			} else {
				int ex = bx + bw + 1;
				tui_put(w, fy, ex, x + cols - ex, line, tui_style(TUI_S_ERROR),
				        false);
			}
		}
	}
}

static int text_key(struct tui_field *f, int key)
{
	switch (key) {
	case TUI_K_LEFT:
		if (f->cur > 0)
			f->cur--;
		return TUI_FORM_HANDLED;
	case TUI_K_RIGHT:
		if (f->cur < f->len)
			f->cur++;
		return TUI_FORM_HANDLED;
	case TUI_K_HOME:
	case TUI_CTRL('a'):
		f->cur = 0;
		return TUI_FORM_HANDLED;
	case TUI_K_END:
	case TUI_CTRL('e'):
		f->cur = f->len;
		return TUI_FORM_HANDLED;
	case TUI_K_BACKSPACE:
		if (f->cur == 0)
			return TUI_FORM_HANDLED;
		memmove(f->text + f->cur - 1, f->text + f->cur,
		        sizeof(wchar_t) * (size_t)(f->len - f->cur));
		f->len--;
		f->cur--;
		f->text[f->len] = 0;
		qerr_clear(&f->err);
		return TUI_FORM_HANDLED;
	case TUI_K_DEL:
		if (f->cur >= f->len)
			return TUI_FORM_HANDLED;
		memmove(f->text + f->cur, f->text + f->cur + 1,
		        sizeof(wchar_t) * (size_t)(f->len - f->cur - 1));
		f->len--;
		f->text[f->len] = 0;
		qerr_clear(&f->err);
		return TUI_FORM_HANDLED;
	case TUI_CTRL('u'):
		field_wipe(f);
		qerr_clear(&f->err);
		return TUI_FORM_HANDLED;
	case TUI_CTRL('k'):
		util_wipe(f->text + f->cur, sizeof(wchar_t) * (size_t)(f->len - f->cur));
		f->len = f->cur;
		qerr_clear(&f->err);
		return TUI_FORM_HANDLED;
	default:
		break;
	}
	if (!TUI_IS_CHAR(key) || !insertable(key))
		return TUI_FORM_IGNORED;
	if (f->len >= maxlen_of(f))
		return TUI_FORM_HANDLED; /* full: the key is used up, nothing changes */
	field_reserve(f, f->len + 1);
	memmove(f->text + f->cur + 1, f->text + f->cur,
	        sizeof(wchar_t) * (size_t)(f->len - f->cur));
	f->text[f->cur++] = (wchar_t)key;
	f->len++;
	qerr_clear(&f->err);
	return TUI_FORM_HANDLED;
}

static int choice_key(struct tui_field *f, int key)
{
	if (f->nchoices <= 0)
		return TUI_FORM_IGNORED;
	switch (key) {
	case TUI_K_RIGHT:
	case ' ':
		f->choice = (f->choice + 1) % f->nchoices;
		qerr_clear(&f->err);
		return TUI_FORM_HANDLED;
	case TUI_K_LEFT:
		f->choice = f->choice <= 0 ? f->nchoices - 1 : f->choice - 1;
		qerr_clear(&f->err);
		return TUI_FORM_HANDLED;
	case TUI_K_BACKSPACE:
	case TUI_K_DEL:
		if (!f->required)
			f->choice = -1;
		return TUI_FORM_HANDLED;
	default:
		break;
	}
	if (!TUI_IS_CHAR(key) || key <= ' ')
		return TUI_FORM_IGNORED;
	/* A letter: the next choice whose label starts with it (accents ignored). */
	char b[5] = {0}, fk[16];
	utf8_put(b, key);
	db_fold(b, fk, sizeof fk);
	if (!fk[0])
		return TUI_FORM_HANDLED;
	for (int i = 1; i <= f->nchoices; i++) {
		int c = (f->choice + i + f->nchoices) % f->nchoices;
		char fl[256];
		db_fold(choice_label(&f->choices[c]), fl, sizeof fl);
		if (strncmp(fl, fk, strlen(fk)) == 0) {
			f->choice = c;
			qerr_clear(&f->err);
			break;
		}
	}
	return TUI_FORM_HANDLED;
}

int tui_form_key(struct tui_form *fm, int key)
{
	if (fm->n <= 0)
		return TUI_FORM_IGNORED;
	switch (key) {
	case TUI_K_TAB:
		fm->focus = (fm->focus + 1) % fm->n;
		return TUI_FORM_HANDLED;
	case TUI_K_BTAB:
		fm->focus = (fm->focus + fm->n - 1) % fm->n;
		return TUI_FORM_HANDLED;
	case TUI_K_DOWN:
		if (fm->focus < fm->n - 1)
			fm->focus++;
		return TUI_FORM_HANDLED;
	case TUI_K_UP:
		if (fm->focus > 0)
			fm->focus--;
		return TUI_FORM_HANDLED;
	case TUI_K_ENTER:
		if (fm->focus < fm->n - 1) {
			fm->focus++;
			return TUI_FORM_HANDLED;
		}
		return TUI_FORM_SUBMIT;
	default:
		break;
	}
	struct tui_field *f = &fm->f[fm->focus];
	return f->kind == TUI_FIELD_CHOICE ? choice_key(f, key) : text_key(f, key);
}
