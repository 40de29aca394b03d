/*
 * slip — the referral slip as plain text (see slip.h).
 *
 * Texts looked up through the caller's function, all in [referral]:
 *   slip_title slip_code slip_person slip_born slip_sex_f slip_sex_m
 *   slip_family slip_address slip_service slip_org slip_reason
 *   slip_referred_on slip_due slip_by slip_centre slip_signature slip_cut
 *   slip_return_title slip_return_to slip_received slip_outcome
 *   slip_return_sign slip_date slip_printed
 */
#include "forms/slip.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forms/form.h"

/* Characters printed as nothing: bidi controls, zero-width ones, BOM. */
static bool dropped(long cp)
{
	return cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
	       (cp >= 0x7f && cp < 0xa0) || cp == 0xad;
}

static int cp_cols(long cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/*
 * A printable copy of s: invalid bytes become '?', tabs and (unless
 * keep_nl) line breaks become spaces, CR LF / CR become LF, other control,
 * bidi and zero-width characters are dropped. Caller frees.
 */
static char *clean(const char *s, bool keep_nl)
{
	struct sbuf b = {0};
	sbuf_add(&b, "");
	const char *p = s ? s : "";
	while (*p) {
		long cp = utf8_next(&p);
		char enc[4];
		if (cp < 0) {
			sbuf_add(&b, "?");
			continue;
		}
		if (cp == '\r') {
			if (*p == '\n')
				p++;
			cp = '\n';
		}
		if (cp == '\n') {
			sbuf_add(&b, keep_nl ? "\n" : " ");
			continue;
		}
		if (cp == '\t') {
			sbuf_add(&b, " ");
			continue;
		}
		if (cp < 0x20 || dropped(cp))
			continue;
		int n = utf8_put(enc, cp);
		if (n > 0)
			sbuf_addn(&b, enc, (size_t)n);
	}
	return b.s;
}

int form_slip_cols(const char *utf8)
{
	int cols = 0;
	const char *p = utf8 ? utf8 : "";
	while (*p) {
		long cp = utf8_next(&p);
		if (cp < 0)
			cols++;
		else if (cp >= 0x20 && !dropped(cp))
			cols += cp_cols(cp);
	}
	return cols;
}

static void spaces(struct sbuf *out, int n)
{
	for (int i = 0; i < n; i++)
		sbuf_add(out, " ");
}

static void repeat(struct sbuf *out, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		sbuf_add(out, s);
}

/*
 * Split the first `cols` columns off a word (at least one character):
 * returns the byte length taken and sets *taken to its columns.
 */
static size_t cut_cols(const char *w, size_t len, int cols, int *taken)
{
	size_t i = 0;
	int used = 0;
	while (i < len) {
		const char *p = w + i;
		long cp = utf8_next(&p);
		int c = cp < 0 ? 1 : cp_cols(cp);
		if (used + c > cols && i > 0)
			break;
		used += c;
		i = (size_t)(p - w);
	}
	*taken = used;
	return i;
}

struct wrapper {
	struct sbuf *out;
	const char *label; /* printed before the first line, NULL once done */
	int indent;
	int avail; /* columns for text after the indent */
	struct sbuf line;
	int cols;
	bool any; /* a line was emitted */
};

static void emit(struct wrapper *w)
{
	if (w->label) {
		sbuf_add(w->out, w->label);
		spaces(w->out, w->indent - form_slip_cols(w->label));
		w->label = NULL;
	} else {
		spaces(w->out, w->indent);
	}
	/* No blanks at the end of a line (the label's padding included). */
	sbuf_add(w->out, w->line.s ? w->line.s : "");
	while (w->out->len > 0 && w->out->s[w->out->len - 1] == ' ')
		w->out->s[--w->out->len] = '\0';
	sbuf_add(w->out, "\n");
	w->line.len = 0;
	if (w->line.s)
		w->line.s[0] = '\0';
	w->cols = 0;
	w->any = true;
}

static void add_word(struct wrapper *w, const char *word, size_t len)
{
	int wc = 0;
	{
		char *tmp = xstrndup(word, len);
		wc = form_slip_cols(tmp);
		free(tmp);
	}
	if (w->cols > 0 && w->cols + 1 + wc <= w->avail) {
		sbuf_add(&w->line, " ");
		sbuf_addn(&w->line, word, len);
		w->cols += 1 + wc;
		return;
	}
	if (w->cols > 0)
		emit(w);
	/* Long words are cut between characters. */
	while (wc > w->avail) {
		int taken = 0;
		size_t n = cut_cols(word, len, w->avail, &taken);
		sbuf_addn(&w->line, word, n);
		w->cols = taken;
		emit(w);
		word += n;
		len -= n;
		wc -= taken;
	}
	if (len > 0) {
		sbuf_addn(&w->line, word, len);
		w->cols = wc;
	}
}

void form_slip_wrap(struct sbuf *out, const char *label, int indent, const char *value, int width)
{
	if (width < FORM_SLIP_MIN_WIDTH)
		width = FORM_SLIP_MIN_WIDTH;
	if (indent < 0)
		indent = 0;
	if (indent > width / 2)
		indent = width / 2;
	char *lab = clean(label, false);
	char *val = clean(value, true);
	struct wrapper w = {.out = out, .indent = indent, .avail = width - indent};
	sbuf_add(&w.line, "");
	if (lab[0] && form_slip_cols(lab) > indent - 1) {
		/* The label gets lines of its own, the value goes under it. */
		form_slip_wrap(out, NULL, 0, lab, width);
	} else if (lab[0]) {
		w.label = lab;
	}
	const char *p = val;
	bool para_start = true;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n') {
			if (w.cols > 0 || para_start || w.label)
				emit(&w);
			if (*p == '\0')
				break;
			p++;
			para_start = true;
			if (*p == '\0')
				break;
			continue;
		}
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		add_word(&w, p, (size_t)(e - p));
		para_start = false;
		p = e;
	}
	sbuf_free(&w.line);
	free(lab);
	free(val);
}

struct ctx {
	form_slip_text_fn fn;
	void *ctx;
};

static const char *tx(const struct ctx *c, const char *key)
{
	const char *s = c->fn ? c->fn(c->ctx, key) : NULL;
	return s ? s : "";
}

static bool set(const char *s)
{
	return s && s[0];
}

static void date_of(const char *iso, char out[11])
{
	form_date_display(iso, out);
	if (!out[0] && iso) {
		/* Not a real ISO date: print it as given, cut at a character. */
		char *c = clean(iso, false);
		size_t n = 0;
		const char *p = c;
		while (*p) {
			const char *q = p;
			utf8_next(&q);
			if ((size_t)(q - c) > 10)
				break;
			n = (size_t)(q - c);
			p = q;
		}
		memcpy(out, c, n);
		out[n] = '\0';
		free(c);
	}
}

/* A line of text centred in width columns (wrapped when longer). */
static void centred(struct sbuf *out, const char *text, int width)
{
	struct sbuf tmp = {0};
	form_slip_wrap(&tmp, NULL, 0, text, width);
	const char *p = tmp.s ? tmp.s : "";
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, n);
		int pad = (width - form_slip_cols(line)) / 2;
		if (line[0])
			spaces(out, pad > 0 ? pad : 0);
		sbuf_add(out, line);
		sbuf_add(out, "\n");
		free(line);
		p += n + (e ? 1 : 0);
	}
	sbuf_free(&tmp);
}

/* "left ....... right" on one line when both fit, else on two lines. */
static void two_ends(struct sbuf *out, const char *left, const char *right, int width)
{
	char *l = clean(left, false), *r = clean(right, false);
	int lc = form_slip_cols(l), rc = form_slip_cols(r);
	if (lc + 2 + rc <= width) {
		sbuf_add(out, l);
		spaces(out, width - lc - rc);
		sbuf_add(out, r);
		sbuf_add(out, "\n");
	} else {
		form_slip_wrap(out, NULL, 0, l, width);
		form_slip_wrap(out, NULL, 0, r, width);
	}
	free(l);
	free(r);
}

static void field(struct sbuf *out, const struct ctx *c, const char *key, int indent,
                  const char *value, int width)
{
	form_slip_wrap(out, tx(c, key), indent, value ? value : "", width);
}

/* A labelled line of underscores to write on. */
static void blank(struct sbuf *out, const struct ctx *c, const char *key, int indent, int width,
                  int cols)
{
	if (indent > width / 2)
		indent = width / 2;
	int n = width - indent;
	if (cols > 0 && cols < n)
		n = cols;
	struct sbuf u = {0};
	repeat(&u, "_", n);
	field(out, c, key, indent, u.s, width);
	sbuf_free(&u);
}

static void full_name(const struct form_slip *s, struct sbuf *name)
{
	sbuf_add(name, "");
	const char *parts[3] = {s->first_name, s->father_name, s->last_name};
	for (int i = 0; i < 3; i++) {
		if (!set(parts[i]))
			continue;
		if (name->len)
			sbuf_add(name, " ");
		sbuf_add(name, parts[i]);
	}
}

/* Drop the blanks at the end of every line, in place. */
static char *trim_lines(char *text)
{
	char *w = text;
	size_t blanks = 0;
	for (const char *r = text; *r; r++) {
		if (*r == ' ') {
			blanks++;
			continue;
		}
		if (*r != '\n')
			for (; blanks; blanks--)
				*w++ = ' ';
		blanks = 0;
		*w++ = *r;
	}
	*w = '\0';
	return text;
}

char *form_slip_text(const struct form_slip *s, int width, form_slip_text_fn text, void *ctx)
{
	if (width <= 0)
		width = FORM_SLIP_WIDTH;
	if (width < FORM_SLIP_MIN_WIDTH)
		width = FORM_SLIP_MIN_WIDTH;
	struct ctx c = {text, ctx};
	struct sbuf out = {0};
	sbuf_add(&out, "");

	/* The label column: the widest label plus two, within reason. */
	static const char *const labels[] = {
	    "referral:slip_code",     "referral:slip_person",    "referral:slip_born",
	    "referral:slip_family",   "referral:slip_address",   "referral:slip_service",
	    "referral:slip_org",      "referral:slip_reason",    "referral:slip_referred_on",
	    "referral:slip_due",      "referral:slip_by",        "referral:slip_centre",
	    "referral:slip_received", "referral:slip_outcome",   "referral:slip_return_sign",
	    "referral:slip_date",     "referral:slip_return_to", "referral:slip_signature",
	};
	int indent = 12;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		int lc = form_slip_cols(tx(&c, labels[i])) + 2;
		if (lc > indent)
			indent = lc;
	}
	if (indent > 26)
		indent = 26;

	struct sbuf name = {0};
	full_name(s, &name);
	char born[11] = "", referred[11] = "", due[11] = "", printed[11] = "";
	if (set(s->birth_date))
		date_of(s->birth_date, born);
	else if (s->birth_year > 0 && s->birth_year < 10000)
		snprintf(born, sizeof born, "%d", s->birth_year);
	date_of(s->referred_on, referred);
	date_of(s->follow_up_due, due);
	date_of(s->printed_on, printed);
	struct sbuf bline = {0};
	sbuf_add(&bline, born);
	const char *sex = s->sex == 'F'   ? tx(&c, "referral:slip_sex_f")
	                  : s->sex == 'M' ? tx(&c, "referral:slip_sex_m")
	                                  : "";
	if (sex[0])
		sbuf_printf(&bline, "%s%s", bline.len ? ", " : "", sex);
	char *codeline =
	    xasprintf("%s %s", tx(&c, "referral:slip_code"), set(s->code) ? s->code : "");

	/* The part the family takes along. */
	repeat(&out, "=", width);
	sbuf_add(&out, "\n");
	if (set(s->centre))
		centred(&out, s->centre, width);
	two_ends(&out, tx(&c, "referral:slip_title"), codeline, width);
	repeat(&out, "=", width);
	sbuf_add(&out, "\n\n");
	field(&out, &c, "referral:slip_person", indent, name.s, width);
	field(&out, &c, "referral:slip_born", indent, bline.s, width);
	field(&out, &c, "referral:slip_family", indent, s->family_code, width);
	if (set(s->address))
		field(&out, &c, "referral:slip_address", indent, s->address, width);
	sbuf_add(&out, "\n");
	field(&out, &c, "referral:slip_service", indent, s->service, width);
	field(&out, &c, "referral:slip_org", indent, s->organisation, width);
	field(&out, &c, "referral:slip_reason", indent, s->reason, width);
	sbuf_add(&out, "\n");
	field(&out, &c, "referral:slip_referred_on", indent, referred, width);
	if (due[0])
		field(&out, &c, "referral:slip_due", indent, due, width);
	field(&out, &c, "referral:slip_by", indent, s->staff, width);
	field(&out, &c, "referral:slip_centre", indent, s->centre, width);
	sbuf_add(&out, "\n");
	blank(&out, &c, "referral:slip_signature", indent, width, 30);
	sbuf_add(&out, "\n");

	/* The cut line, with its text in the middle. */
	{
		char *cut = clean(tx(&c, "referral:slip_cut"), false);
		int cc = form_slip_cols(cut);
		if (cc + 4 > width) {
			cut[0] = '\0';
			cc = 0;
		}
		int left = (width - cc - (cc ? 2 : 0)) / 2;
		int right = width - cc - (cc ? 2 : 0) - left;
		repeat(&out, "-", left);
		if (cc)
			sbuf_printf(&out, " %s ", cut);
		repeat(&out, "-", right);
		sbuf_add(&out, "\n\n");
		free(cut);
	}

	/* The return slip, for the receiving service. */
	form_slip_wrap(&out, NULL, 0, tx(&c, "referral:slip_return_title"), width);
	if (set(s->centre))
		field(&out, &c, "referral:slip_return_to", indent, s->centre, width);
	sbuf_add(&out, "\n");
	field(&out, &c, "referral:slip_code", indent, s->code, width);
	field(&out, &c, "referral:slip_person", indent, name.s, width);
	field(&out, &c, "referral:slip_service", indent, s->service, width);
	field(&out, &c, "referral:slip_org", indent, s->organisation, width);
	sbuf_add(&out, "\n");
	blank(&out, &c, "referral:slip_received", indent, width, 20);
	sbuf_add(&out, "\n");
	blank(&out, &c, "referral:slip_outcome", indent, width, 0);
	sbuf_add(&out, "\n");
	{
		struct sbuf u = {0};
		repeat(&u, "_", width - indent);
		form_slip_wrap(&out, NULL, indent, u.s, width);
		sbuf_add(&out, "\n");
		form_slip_wrap(&out, NULL, indent, u.s, width);
		sbuf_free(&u);
	}
	sbuf_add(&out, "\n");
	blank(&out, &c, "referral:slip_return_sign", indent, width, 30);
	sbuf_add(&out, "\n");
	blank(&out, &c, "referral:slip_date", indent, width, 20);
	if (printed[0]) {
		sbuf_add(&out, "\n");
		char *line = xasprintf("%s %s", tx(&c, "referral:slip_printed"), printed);
		form_slip_wrap(&out, NULL, 0, line, width);
		free(line);
	}
	free(codeline);
	sbuf_free(&name);
	sbuf_free(&bline);
	return trim_lines(out.s);
}
