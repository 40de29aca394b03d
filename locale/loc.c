/*
 * locale — see loc.h.
 *
 * How it works: a catalogue file is read whole into memory and split into
 * lines by our own reader (cat_parse), which understands the subset of the
 * INI syntax iniparser 4.1 accepts and survives everything it does not (a
 * BOM, lines of any length, NUL bytes, invalid UTF-8). The entries then go
 * into an iniparser dictionary with iniparser_set; every lookup is
 * iniparser_getstring, and a NULL it returns (the value of a section entry,
 * CVE-2023-33461's trigger) counts as "missing". iniparser_load is never
 * called, so iniparser's 1023-byte line limit and its stderr messages never
 * apply; the error callback is silenced anyway in case someone else calls it.
 *
 * The same reader, with a problem list attached, is the catalogue linter
 * loc_check: it flags what the tolerant reader glossed over, so the shipped
 * files also load in plain iniparser.
 */
#include "locale/loc.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include <iniparser.h>

#define LOC_MAX_FILE    (4u << 20) /* a catalogue is ~100 KiB; refuse silly sizes */
#define LOC_MAX_ENTRIES 20000      /* iniparser's dictionary is a linear scan */
#define LOC_MAX_LINE    1000       /* iniparser 4.1 rejects a file with a line >= 1023 */
#define LOC_MAX_NAME    255        /* "section:key" */
#define LOC_MAX_MISSES  4096       /* interned unknown keys, see miss() */

/*
 * loc_builtin: English texts compiled in for the messages that must read well
 * when the catalogue itself is missing or broken: loc_init's one error, and
 * the problems loc_check reports (it is run precisely when a catalogue may be
 * damaged). They are used only when en.ini lacks the key; the unit test keeps
 * them equal to en.ini. Everything else falls back to its key.
 */
static const struct {
	const char *key, *text;
} loc_builtin[] = {
    {"loc:missing_catalogue",
     "The message catalogue en.ini could not be found or read. Reinstall qendra, or set "
     "QENDRA_LOCALE_DIR to the folder that holds en.ini and sq.ini."},
    {"loc:missing_file", "the file is missing or cannot be read"},
    {"loc:too_big", "the file is larger than 4 MiB, so it is not a catalogue"},
    {"loc:too_many", "too many entries; the rest of the file is ignored"},
    {"loc:bom", "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM"},
    {"loc:line_too_long", "the line is %zu bytes long; at most %d are allowed"},
    {"loc:bad_utf8", "the line is not valid UTF-8; save the file as UTF-8"},
    {"loc:control_char", "the line contains a control character"},
    {"loc:backslash", "the line ends with a backslash, which iniparser joins with the next line"},
    {"loc:not_understood",
     "line not understood: expected [section], key = quoted value, or a comment"},
    {"loc:no_close_quote", "the closing quote of the value is missing"},
    {"loc:after_quote", "there is text after the closing quote; a value cannot contain a double "
                        "quote, not even with a backslash before it: use « » or ' instead"},
    {"loc:unquoted_comment", "the value of %s is not in quotes and contains ; or #, where "
                             "iniparser cuts it; put the value in double quotes"},
    {"loc:empty_value", "%s has an empty value"},
    {"loc:bad_name", "the name %s is not allowed: use only a-z, 0-9, _ . - and keep it short"},
    {"loc:key_is_section", "the key %s has the same name as its section; choose another name"},
    {"loc:no_section", "the key %s comes before any [section]"},
    {"loc:duplicate_section",
     "section [%s] appears again (first on line %d); add the keys to the first one"},
    {"loc:duplicate_key", "key %s appears again (first on line %d); the later value wins"},
    {"loc:missing_key", "key %s is missing in %s"},
    {"loc:placeholders", "key %s: printf placeholders [%s] differ from [%s] in en.ini"},
};

/* The built-in text of k ("section:key"), NULL when there is none. */
static const char *builtin(const char *k)
{
	for (size_t i = 0; i < sizeof loc_builtin / sizeof loc_builtin[0]; i++)
		if (!strcasecmp(loc_builtin[i].key, k))
			return loc_builtin[i].text;
	return NULL;
}

static dictionary *cat_en, *cat_sq;
static const char *cur_lang = "sq";

/* Unknown keys handed out by loc_str, sanitised, so the pointer outlives the
 * caller's buffer. */
static struct {
	char *raw, *shown;
} * misses;
static size_t nmisses;

/* ---------------------------------------------------------------- text helpers */

/* Append s[0..n) to b, replacing control characters (C0, DEL, C1) and
 * malformed UTF-8 by '?' and a tab by a space, so no catalogue text or error
 * detail can move the cursor or switch the terminal. */
static void clean_add(struct sbuf *b, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			if (c == '\t')
				sbuf_add(b, " ");
			else if (c < 0x20 || c == 0x7f)
				sbuf_add(b, "?");
			else
				sbuf_addn(b, p, 1);
			p++;
			continue;
		}
		size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		const char *q = p;
		long cp = (size_t)(end - p) >= need ? utf8_next(&q) : -1;
		if (cp < 0) {
			sbuf_add(b, "?");
			p++;
		} else {
			if (cp < 0xA0)
				sbuf_add(b, "?");
			else
				sbuf_addn(b, p, (size_t)(q - p));
			p = q;
		}
	}
}

/* Copy s (len bytes) into out[outsz], cut so no UTF-8 sequence is split. */
static void copy_out(char *out, size_t outsz, const char *s, size_t len)
{
	if (!out || !outsz)
		return;
	size_t n = len;
	if (n >= outsz) {
		n = outsz - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim [*s, *s + *n) of white space on both sides. */
static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* ---------------------------------------------------------------- placeholders */

/* One printf conversion as we accept it. */
struct ph {
	char type[4]; /* length modifier + conversion: "s", "lld", "zu", "%" */
	char conv;
	char lenmod[3];
};

/*
 * Parse the conversion at p (p[0] == '%', n bytes available). Returns its
 * length, or 0 when it is not one loc_fmt accepts (then the '%' is text).
 * Only combinations with defined behaviour pass: no '*', no '$', no %n.
 */
static size_t ph_parse(const char *p, size_t n, struct ph *ph)
{
	size_t i = 1, dig;
	bool only_minus = true, alt = false, prec = false;
	memset(ph, 0, sizeof *ph);
	if (n >= 2 && p[1] == '%') {
		ph->conv = '%';
		strcpy(ph->type, "%");
		return 2;
	}
	for (dig = 0; i < n && p[i] && strchr("-+#0", p[i]); i++, dig++) {
		if (dig == 4)
			return 0;
		if (p[i] != '-')
			only_minus = false;
		if (p[i] == '#')
			alt = true;
	}
	for (dig = 0; i < n && isdigit((unsigned char)p[i]); i++, dig++)
		if (dig == 3)
			return 0;
	if (i < n && p[i] == '.') {
		prec = true;
		for (i++, dig = 0; i < n && isdigit((unsigned char)p[i]); i++, dig++)
			if (dig == 3)
				return 0;
	}
	if (i + 1 < n && ((p[i] == 'h' && p[i + 1] == 'h') || (p[i] == 'l' && p[i + 1] == 'l'))) {
		memcpy(ph->lenmod, p + i, 2);
		i += 2;
	} else if (i < n && p[i] && strchr("hlzjtL", p[i])) {
		ph->lenmod[0] = p[i];
		i++;
	}
	if (i >= n || !p[i])
		return 0;
	char c = p[i++];
	if (strchr("diouxX", c)) {
		if (ph->lenmod[0] == 'L' || (alt && strchr("diu", c)))
			return 0;
	} else if (strchr("eEfFgGaA", c)) {
		if (ph->lenmod[0] && strcmp(ph->lenmod, "l") != 0 && strcmp(ph->lenmod, "L") != 0)
			return 0;
	} else if (strchr("csp", c)) {
		if (ph->lenmod[0] || !only_minus || (prec && c != 's'))
			return 0;
	} else {
		return 0;
	}
	ph->conv = c;
	snprintf(ph->type, sizeof ph->type, "%s%c", ph->lenmod, c);
	return i;
}

/* The placeholders of s as one string "%s %lld %%" (empty when none). */
static void ph_list(const char *s, size_t n, struct sbuf *out)
{
	struct ph ph;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%')
			continue;
		size_t l = ph_parse(s + i, n - i, &ph);
		if (!l)
			continue;
		sbuf_printf(out, "%s%%%s", out->len ? " " : "", ph.conv == '%' ? "%" : ph.type);
		i += l - 1;
	}
}

static bool ph_same(const char *a, size_t an, const char *b, size_t bn)
{
	struct sbuf la = {0}, lb = {0};
	ph_list(a, an, &la);
	ph_list(b, bn, &lb);
	bool same = strcmp(la.s ? la.s : "", lb.s ? lb.s : "") == 0;
	sbuf_free(&la);
	sbuf_free(&lb);
	return same;
}

static int ph_count(const char *s)
{
	struct ph ph;
	int n = 0;
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		size_t l = ph_parse(s + i, len - i, &ph);
		if (!l)
			continue;
		if (ph.conv != '%')
			n++;
		i += l - 1;
	}
	return n;
}

/* One conversion, already validated by ph_parse, with its one argument.
 * gcc accepts a non-literal format handed to a va_list function; clang wants
 * to be told. The format is one conversion vfmt built and checked. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void add_spec(struct sbuf *b, const char *spec, ...)
{
	char small[128];
	va_list ap, aq;
	va_start(ap, spec);
	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof small, spec, ap);
	if (n >= 0 && (size_t)n < sizeof small) {
		sbuf_addn(b, small, (size_t)n);
	} else if (n > 0) {
		char *t = xmalloc((size_t)n + 1);
		vsnprintf(t, (size_t)n + 1, spec, aq);
		sbuf_addn(b, t, (size_t)n);
		free(t);
	}
	va_end(aq);
	va_end(ap);
}
#pragma GCC diagnostic pop

/* printf of a catalogue text, one validated conversion at a time, so a text
 * can never make vsnprintf read an argument of another type than we pass. */
static void vfmt(struct sbuf *b, const char *fmt, va_list ap)
{
	const char *p = fmt, *end = fmt + strlen(fmt);
	struct ph ph;
	char spec[24];
	while (p < end) {
		const char *pc = memchr(p, '%', (size_t)(end - p));
		if (!pc) {
			sbuf_addn(b, p, (size_t)(end - p));
			break;
		}
		sbuf_addn(b, p, (size_t)(pc - p));
		size_t l = ph_parse(pc, (size_t)(end - pc), &ph);
		if (!l || l >= sizeof spec) {
			sbuf_add(b, "%");
			p = pc + 1;
			continue;
		}
		memcpy(spec, pc, l);
		spec[l] = '\0';
		p = pc + l;
		const char *lm = ph.lenmod;
		switch (ph.conv) {
		case '%':
			sbuf_add(b, "%");
			break;
		case 'd':
		case 'i':
			if (!strcmp(lm, "l"))
				add_spec(b, spec, va_arg(ap, long));
			else if (!strcmp(lm, "ll"))
				add_spec(b, spec, va_arg(ap, long long));
			else if (!strcmp(lm, "z"))
				add_spec(b, spec, va_arg(ap, ssize_t));
			else if (!strcmp(lm, "j"))
				add_spec(b, spec, va_arg(ap, intmax_t));
			else if (!strcmp(lm, "t"))
				add_spec(b, spec, va_arg(ap, ptrdiff_t));
			else
				add_spec(b, spec, va_arg(ap, int));
			break;
		case 'o':
		case 'u':
		case 'x':
		case 'X':
			if (!strcmp(lm, "l"))
				add_spec(b, spec, va_arg(ap, unsigned long));
			else if (!strcmp(lm, "ll"))
				add_spec(b, spec, va_arg(ap, unsigned long long));
			else if (!strcmp(lm, "z"))
				add_spec(b, spec, va_arg(ap, size_t));
			else if (!strcmp(lm, "j"))
				add_spec(b, spec, va_arg(ap, uintmax_t));
			else if (!strcmp(lm, "t"))
				add_spec(b, spec, va_arg(ap, ptrdiff_t));
			else
				add_spec(b, spec, va_arg(ap, unsigned));
			break;
		case 'c':
			add_spec(b, spec, va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			add_spec(b, spec, s ? s : "?");
			break;
		}
		case 'p':
			add_spec(b, spec, va_arg(ap, void *));
			break;
		default: /* the floating conversions */
			if (!strcmp(lm, "L"))
				add_spec(b, spec, va_arg(ap, long double));
			else
				add_spec(b, spec, va_arg(ap, double));
			break;
		}
	}
}

/* ---------------------------------------------------------------- problems */

struct prob {
	int file, line;
	size_t seq;
	char *msg;
};

struct probs {
	struct prob *v;
	size_t n, cap;
	const char *path[2];
};

/* Record a problem: the catalogue text of key, formatted with the arguments.
 * P NULL (loading, not checking) ignores it. */
static void prob(struct probs *P, int file, int line, const char *key, ...)
{
	if (!P)
		return;
	struct sbuf m = {0}, c = {0};
	va_list ap;
	va_start(ap, key);
	vfmt(&m, loc_str(key), ap);
	va_end(ap);
	clean_add(&c, m.s ? m.s : "", m.len);
	sbuf_free(&m);
	if (P->n == P->cap) {
		P->cap = P->cap ? P->cap * 2 : 16;
		P->v = xrealloc(P->v, P->cap * sizeof *P->v);
	}
	P->v[P->n] = (struct prob){file, line, P->n, c.s ? c.s : xstrdup("")};
	P->n++;
}

static int prob_cmp(const void *a, const void *b)
{
	const struct prob *x = a, *y = b;
	if (x->file != y->file)
		return x->file - y->file;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---------------------------------------------------------------- the reader */

/* One [section] (val NULL) or key = value line. */
struct ent {
	char *name; /* "section" or "section:key", lower case */
	char *val;  /* raw bytes of the value, NUL-terminated; NULL for a section */
	size_t vlen;
	int line;
};

struct cat {
	struct ent *e;
	size_t n, cap;
};

static void cat_free(struct cat *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].name);
		free(c->e[i].val);
	}
	free(c->e);
	memset(c, 0, sizeof *c);
}

static void cat_add(struct cat *c, char *name, const char *val, size_t vlen, int line)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->e = xrealloc(c->e, c->cap * sizeof *c->e);
	}
	struct ent *e = &c->e[c->n++];
	e->name = name;
	e->val = NULL;
	e->vlen = vlen;
	e->line = line;
	if (val) {
		e->val = xmalloc(vlen + 1);
		memcpy(e->val, val, vlen);
		e->val[vlen] = '\0';
	}
}

/* A section or key name: a-z 0-9 _ . - only, so iniparser's lower-casing and
 * its "section:key" joining cannot make two names collide. */
static bool name_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    !strchr("_.-", s[i]))
			return false;
	return true;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = xstrndup(s, n);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Show a name from the file in a problem line (bounded, NUL-free). */
static char *shown(const char *s, size_t n)
{
	return xstrndup(s, n < 80 ? n : 80);
}

/* The per-line checks that do not depend on the syntax. */
static void line_checks(struct probs *P, int file, int line, const char *s, size_t n)
{
	if (!P)
		return;
	size_t len = n;
	if (len && s[len - 1] == '\r')
		len--;
	if (len > LOC_MAX_LINE)
		prob(P, file, line, "loc:line_too_long", len, LOC_MAX_LINE);
	if (!utf8_valid(s, n))
		prob(P, file, line, "loc:bad_utf8");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool c1 = c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		          (unsigned char)s[i + 1] <= 0x9F;
		if ((c < 0x20 && c != '\t') || c == 0x7f || c1) {
			prob(P, file, line, "loc:control_char");
			break;
		}
	}
}

struct secseen {
	char *name;
	int line;
};

/*
 * Read a catalogue buffer into c. With P, every problem is recorded against
 * file; without, the reader quietly does its best: BOM skipped, a value with
 * no closing quote runs to the end of the line, an unquoted value stops at
 * ; or # as in iniparser, lines it cannot read are skipped.
 */
static void cat_parse(struct cat *c, const char *buf, size_t len, struct probs *P, int file)
{
	const char *p = buf, *end = buf + len;
	char *sec = NULL;
	struct secseen *secs = NULL;
	size_t nsecs = 0;
	int line = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		prob(P, file, 1, "loc:bom");
		p += 3;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;
		size_t n = (size_t)((nl ? nl : end) - p);
		p = nl ? nl + 1 : end;
		line++;
		line_checks(P, file, line, s, n);
		trim(&s, &n);
		if (!n)
			continue;
		if (s[n - 1] == '\\')
			prob(P, file, line, "loc:backslash");
		if (s[0] == ';' || s[0] == '#')
			continue;
		if (c->n >= LOC_MAX_ENTRIES) {
			prob(P, file, line, "loc:too_many");
			break;
		}
		if (s[0] == '[') {
			const char *close = memchr(s, ']', n);
			if (!close) {
				prob(P, file, line, "loc:not_understood");
				continue;
			}
			const char *name = s + 1, *rest = close + 1;
			size_t nn = (size_t)(close - name), rn = n - (size_t)(rest - s);
			trim(&name, &nn);
			if (rn)
				prob(P, file, line, "loc:not_understood");
			if (!name_ok(name, nn) || nn > LOC_MAX_NAME / 2) {
				char *sh = shown(name, nn);
				prob(P, file, line, "loc:bad_name", sh);
				free(sh);
			}
			if (!nn || nn > LOC_MAX_NAME / 2) {
				free(sec);
				sec = NULL; /* keys below have no usable section */
				continue;
			}
			free(sec);
			sec = lower_dup(name, nn);
			if (P) {
				size_t i;
				for (i = 0; i < nsecs && strcmp(secs[i].name, sec); i++)
					;
				if (i < nsecs) {
					prob(P, file, line, "loc:duplicate_section", sec,
					     secs[i].line);
				} else {
					secs = xrealloc(secs, (nsecs + 1) * sizeof *secs);
					secs[nsecs++] = (struct secseen){xstrdup(sec), line};
				}
			}
			cat_add(c, xstrdup(sec), NULL, 0, line);
			continue;
		}
		const char *eq = memchr(s, '=', n);
		if (!eq) {
			prob(P, file, line, "loc:not_understood");
			continue;
		}
		const char *key = s, *v = eq + 1;
		size_t kn = (size_t)(eq - s), vn = n - (size_t)(v - s);
		trim(&key, &kn);
		trim(&v, &vn);
		if (!kn) {
			prob(P, file, line, "loc:not_understood");
			continue;
		}
		char *kshow = shown(key, kn);
		if (vn && (v[0] == '"' || v[0] == '\'')) {
			const char *q = memchr(v + 1, v[0], vn - 1);
			if (!q) {
				prob(P, file, line, "loc:no_close_quote");
				v++;
				vn--;
			} else {
				const char *rest = q + 1;
				size_t rn = vn - (size_t)(rest - v);
				trim(&rest, &rn);
				if (rn && rest[0] != ';' && rest[0] != '#')
					prob(P, file, line, "loc:after_quote");
				vn = (size_t)(q - v) - 1;
				v++;
			}
		} else {
			for (size_t i = 0; i < vn; i++) {
				if (v[i] == ';' || v[i] == '#') {
					prob(P, file, line, "loc:unquoted_comment", kshow);
					vn = i;
					trim(&v, &vn);
					break;
				}
			}
		}
		if (!vn)
			prob(P, file, line, "loc:empty_value", kshow);
		if (!name_ok(key, kn))
			prob(P, file, line, "loc:bad_name", kshow);
		if (sec && strlen(sec) == kn && strncasecmp(sec, key, kn) == 0)
			prob(P, file, line, "loc:key_is_section", kshow);
		if (!sec) {
			prob(P, file, line, "loc:no_section", kshow);
		} else if (strlen(sec) + 1 + kn > LOC_MAX_NAME) {
			prob(P, file, line, "loc:bad_name", kshow);
		} else {
			char *k = lower_dup(key, kn);
			cat_add(c, xasprintf("%s:%s", sec, k), v, vn, line);
			free(k);
		}
		free(kshow);
	}
	for (size_t i = 0; i < nsecs; i++)
		free(secs[i].name);
	free(secs);
	free(sec);
}

/* Read a whole file: 0, -1 unreadable, -2 too big. */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return -1;
	struct sbuf b = {0};
	char chunk[8192];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > LOC_MAX_FILE) {
			rc = -2;
			break;
		}
		sbuf_addn(&b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = -1;
	fclose(f);
	if (rc) {
		sbuf_free(&b);
		return rc;
	}
	*out = b.s ? b.s : xstrdup("");
	*len = b.len;
	return 0;
}

static bool file_readable(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	bool ok = access(path, R_OK) == 0;
	free(path);
	return ok;
}

/* The first directory of the search path holding an en.ini, into out;
 * where (when not NULL) gets the list of places tried. */
static bool find_dir(char *out, size_t outsz, struct sbuf *where)
{
	char exe[PATH_MAX];
	const char *cand[4];
	int nc = 0;
	const char *env = getenv("QENDRA_LOCALE_DIR");
	if (env && *env)
		cand[nc++] = env;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *exedir = NULL;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			exedir = xasprintf("%s/locale", exe);
			cand[nc++] = exedir;
		}
	}
	cand[nc++] = "/usr/local/share/qendra/locale";
	cand[nc++] = "/usr/share/qendra/locale";
	bool found = false;
	for (int i = 0; i < nc && !found; i++) {
		if (where)
			sbuf_printf(where, "%s%s", where->len ? ", " : "", cand[i]);
		if (file_readable(cand[i], "en.ini") && strlen(cand[i]) < outsz) {
			util_strlcpy(out, cand[i], outsz);
			found = true;
		}
	}
	free(exedir);
	return found;
}

/* ---------------------------------------------------------------- loading */

static int quiet(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* Build a dictionary from c. With en, a translation whose placeholders
 * differ from the English text is left out, so English shows instead;
 * without, an English text whose placeholders differ from its built-in
 * text is left out, so the built-in one shows. */
static dictionary *cat_dict(const struct cat *c, const dictionary *en)
{
	dictionary *d = dictionary_new(0);
	if (!d)
		util_fatal("out of memory (catalogue)");
	for (size_t i = 0; i < c->n; i++) {
		const struct ent *e = &c->e[i];
		if (!e->val) {
			if (!iniparser_find_entry(d, e->name) &&
			    iniparser_set(d, e->name, NULL) != 0)
				util_fatal("out of memory (catalogue)");
			continue;
		}
		if (!e->vlen)
			continue; /* an empty text falls back, never shows blank */
		struct sbuf v = {0};
		clean_add(&v, e->val, e->vlen);
		/* The reference: English for a translation, else the built-in text
		 * (loc_check formats those with fixed arguments). */
		const char *ev = en ? iniparser_getstring(en, e->name, NULL) : NULL;
		if (!ev)
			ev = builtin(e->name);
		bool ok = !ev || ph_same(ev, strlen(ev), v.s, v.len);
		if (ok && iniparser_set(d, e->name, v.s) != 0)
			util_fatal("out of memory (catalogue)");
		sbuf_free(&v);
	}
	return d;
}

static dictionary *load_one(const char *dir, const char *name, const dictionary *en)
{
	char *path = xasprintf("%s/%s", dir, name), *buf;
	size_t len;
	dictionary *d = NULL;
	if (read_file(path, &buf, &len) == 0) {
		struct cat c = {0};
		cat_parse(&c, buf, len, NULL, 0);
		d = cat_dict(&c, en);
		cat_free(&c);
		free(buf);
	}
	free(path);
	return d;
}

int loc_init(const char *dir, struct qerr *err)
{
	char found[PATH_MAX];
	qerr_clear(err);
	iniparser_set_error_callback(quiet);
	if (!dir) {
		struct sbuf where = {0};
		if (!find_dir(found, sizeof found, &where)) {
			qerr_set(err, "loc:missing_catalogue", "en.ini: %s",
			         where.s ? where.s : "");
			sbuf_free(&where);
			return -1;
		}
		sbuf_free(&where);
		dir = found;
	}
	dictionary *en = load_one(dir, "en.ini", NULL);
	if (!en) {
		qerr_set(err, "loc:missing_catalogue", "%s/en.ini", dir);
		return -1;
	}
	dictionary *sq = load_one(dir, "sq.ini", en);
	if (cat_en)
		iniparser_freedict(cat_en);
	if (cat_sq)
		iniparser_freedict(cat_sq);
	cat_en = en;
	cat_sq = sq;
	return 0;
}

void loc_free(void)
{
	if (cat_en)
		iniparser_freedict(cat_en);
	if (cat_sq)
		iniparser_freedict(cat_sq);
	cat_en = cat_sq = NULL;
	for (size_t i = 0; i < nmisses; i++) {
		free(misses[i].raw);
		free(misses[i].shown);
	}
	free(misses);
	misses = NULL;
	nmisses = 0;
}

int loc_set_lang(const char *lang)
{
	if (lang && !strcmp(lang, "sq"))
		cur_lang = "sq";
	else if (lang && !strcmp(lang, "en"))
		cur_lang = "en";
	else
		return -1;
	return 0;
}

const char *loc_lang(void)
{
	return cur_lang;
}

/* ---------------------------------------------------------------- lookups */

/* "err.x" → "err:x" into buf; false when the key cannot be in a catalogue. */
static bool norm_key(const char *key, char *buf, size_t sz)
{
	size_t n = strnlen(key, sz);
	if (!n || n >= sz)
		return false;
	memcpy(buf, key, n + 1);
	if (!strchr(buf, ':')) {
		char *dot = strchr(buf, '.');
		if (!dot)
			return false; /* a bare name is at most a section: never a text */
		*dot = ':';
	}
	return true;
}

/* The text of k in d, NULL when absent, empty, or a section (whose value is
 * NULL — the case that crashes iniparser's getint). */
static const char *dict_get(const dictionary *d, const char *k)
{
	if (!d)
		return NULL;
	const char *v = iniparser_getstring(d, k, NULL);
	return v && *v ? v : NULL;
}

/* The key itself, as shown for a missing text: sanitised and kept until
 * loc_free. Past LOC_MAX_MISSES distinct keys (only hostile callers get
 * there) it is "?". */
static const char *miss(const char *key)
{
	for (size_t i = 0; i < nmisses; i++)
		if (!strcmp(misses[i].raw, key))
			return misses[i].shown;
	if (nmisses >= LOC_MAX_MISSES)
		return "?";
	struct sbuf b = {0};
	clean_add(&b, key, strlen(key));
	misses = xrealloc(misses, (nmisses + 1) * sizeof *misses);
	misses[nmisses].raw = xstrdup(key);
	misses[nmisses].shown = b.s;
	return misses[nmisses++].shown;
}

static const dictionary *lang_dict(const char *lang)
{
	return lang && !strcmp(lang, "sq") ? cat_sq : cat_en;
}

const char *loc_str_lang(const char *lang, const char *key)
{
	char k[LOC_MAX_NAME + 1];
	const char *v;
	if (!key || !*key)
		return "?";
	if (norm_key(key, k, sizeof k)) {
		if ((v = dict_get(lang_dict(lang), k)) || (v = dict_get(cat_en, k)))
			return v;
		if ((v = builtin(k)))
			return v;
	}
	return miss(key);
}

const char *loc_str(const char *key)
{
	return loc_str_lang(cur_lang, key);
}

bool loc_has(const char *lang, const char *key)
{
	char k[LOC_MAX_NAME + 1];
	return key && norm_key(key, k, sizeof k) && dict_get(lang_dict(lang), k);
}

void loc_fmt(char *out, size_t outsz, const char *key, ...)
{
	struct sbuf b = {0};
	va_list ap;
	if (!out || !outsz)
		return;
	va_start(ap, key);
	vfmt(&b, loc_str(key), ap);
	va_end(ap);
	copy_out(out, outsz, b.s ? b.s : "", b.len);
	sbuf_free(&b);
}

#define LOC_MAX_FIELDS 16

struct field {
	const char *s;
	size_t n;
};

/*
 * Split an error detail into the fields that fill nph (>= 1) placeholders.
 * One placeholder takes the whole detail. Several take tab-separated fields,
 * or, when there is no tab, the words that hold a letter or digit — but only
 * when their number matches exactly ("7 > 5" fills two %d). Whatever is not
 * used is left in *rest, to be appended. Returns the number of fields.
 */
static int err_fields(const char *detail, int nph, struct field *f, const char **rest)
{
	int nf = 0, max = nph < LOC_MAX_FIELDS ? nph : LOC_MAX_FIELDS;
	const char *s = detail;
	*rest = NULL;
	if (!*detail)
		return 0;
	if (nph == 1) {
		f[0] = (struct field){detail, strlen(detail)};
		return 1;
	}
	if (strchr(detail, '\t')) {
		while (nf < max) {
			const char *t = strchr(s, '\t');
			f[nf++] = (struct field){s, t ? (size_t)(t - s) : strlen(s)};
			if (!t)
				return nf;
			s = t + 1;
		}
		*rest = s;
		return nf;
	}
	while (*s) {
		while (*s == ' ')
			s++;
		const char *w = s;
		bool word = false;
		for (; *s && *s != ' '; s++)
			word = word || isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80;
		if (!word)
			continue;
		if (nf == max) {
			nf++;
			break;
		}
		f[nf++] = (struct field){w, (size_t)(s - w)};
	}
	if (nf != nph) {
		*rest = detail;
		return 0;
	}
	return nf;
}

void loc_err(const struct qerr *e, char *out, size_t outsz)
{
	char key[sizeof e->key + 1], detail[sizeof e->detail + 1];
	if (!out || !outsz)
		return;
	out[0] = '\0';
	if (!e || !e->key[0])
		return;
	/* The struct may come from anywhere: never trust its terminators. */
	memcpy(key, e->key, sizeof e->key);
	key[sizeof e->key] = '\0';
	memcpy(detail, e->detail, sizeof e->detail);
	detail[sizeof e->detail] = '\0';

	const char *msg = loc_str(key), *rest = detail;
	struct sbuf b = {0};
	struct field f[LOC_MAX_FIELDS];
	int nph = ph_count(msg), nf = nph ? err_fields(detail, nph, f, &rest) : 0;
	const char *p = msg, *end = msg + strlen(msg);
	struct ph ph;
	for (int i = 0; p < end;) {
		size_t l = *p == '%' ? ph_parse(p, (size_t)(end - p), &ph) : 0;
		if (!l) {
			const char *next = memchr(p + 1, '%', (size_t)(end - p - 1));
			size_t n = next ? (size_t)(next - p) : (size_t)(end - p);
			clean_add(&b, p, n);
			p += n;
		} else if (ph.conv == '%') {
			sbuf_add(&b, "%");
			p += l;
		} else {
			if (i < nf)
				clean_add(&b, f[i].s, f[i].n);
			else
				sbuf_add(&b, "?");
			i++;
			p += l;
		}
	}
	if (rest && *rest) {
		/* "Could not open.: x" reads badly: the detail ends the sentence. */
		if (b.len > 1 && b.s[b.len - 1] == '.' && b.s[b.len - 2] != '.')
			b.s[--b.len] = '\0';
		/* A text that already ends in a colon ("It clashes with:") takes
		 * the detail after it, not a second colon. */
		while (b.len > 0 && (b.s[b.len - 1] == ':' || b.s[b.len - 1] == ' '))
			b.s[--b.len] = '\0';
		sbuf_add(&b, ": ");
		clean_add(&b, rest, strlen(rest));
	}
	copy_out(out, outsz, b.s ? b.s : "", b.len);
	sbuf_free(&b);
}

void loc_date(const char *iso, char out[11])
{
	bool ok = iso != NULL;
	if (!iso) {
		out[0] = '\0';
		return;
	}
	for (int i = 0; i < 10 && ok; i++)
		ok = (i == 4 || i == 7) ? iso[i] == '-' : isdigit((unsigned char)iso[i]) != 0;
	ok = ok && (iso[10] == '\0' || iso[10] == ' ' || iso[10] == 'T');
	if (ok) {
		int m = (iso[5] - '0') * 10 + (iso[6] - '0');
		int d = (iso[8] - '0') * 10 + (iso[9] - '0');
		ok = m >= 1 && m <= 12 && d >= 1 && d <= 31;
	}
	if (!ok) {
		copy_out(out, 11, iso, strnlen(iso, 11));
		return;
	}
	const char v[11] = {iso[8], iso[9], '.',    iso[5], iso[6], '.',
	                    iso[0], iso[1], iso[2], iso[3], '\0'};
	memcpy(out, v, sizeof v);
}

int loc_section_keys(const char *section, const char ***keys_out)
{
	if (keys_out)
		*keys_out = NULL;
	if (!cat_en || !section || !*section || strnlen(section, LOC_MAX_NAME) >= LOC_MAX_NAME ||
	    strchr(section, ':'))
		return 0;
	if (!iniparser_find_entry(cat_en, section))
		return 0;
	int n = iniparser_getsecnkeys(cat_en, section);
	if (n <= 0 || !keys_out)
		return n > 0 ? n : 0;
	const char **keys = xcalloc((size_t)n, sizeof *keys);
	if (!iniparser_getseckeys(cat_en, section, keys)) {
		free(keys);
		return 0;
	}
	*keys_out = keys;
	return n;
}

/* ---------------------------------------------------------------- the check */

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = *(const struct ent *const *)a, *y = *(const struct ent *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The key entries of c sorted by name; duplicates reported and dropped (the
 * last one wins, as when loading). Returns the count; *out is malloc'd. */
static size_t key_index(const struct cat *c, struct probs *P, int file, struct ent ***out)
{
	struct ent **v = xcalloc(c->n ? c->n : 1, sizeof *v);
	size_t n = 0, m = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].val)
			v[n++] = &c->e[i];
	qsort(v, n, sizeof *v, ent_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(v[m - 1]->name, v[i]->name)) {
			prob(P, file, v[i]->line, "loc:duplicate_key", v[i]->name, v[m - 1]->line);
			v[m - 1] = v[i];
		} else {
			v[m++] = v[i];
		}
	}
	*out = v;
	return m;
}

static struct ent *key_find(struct ent **v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid]->name, name);
		if (!c)
			return v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int loc_check(const char *dir, struct sbuf *report)
{
	static const char *const names[2] = {"en.ini", "sq.ini"};
	char found[PATH_MAX];
	struct probs P = {0};
	struct cat cats[2] = {{0}, {0}};
	bool have[2] = {false, false};
	char *paths[2];

	if (!dir)
		dir = find_dir(found, sizeof found, NULL) ? found : ".";
	for (int f = 0; f < 2; f++) {
		char *buf;
		size_t len;
		paths[f] = xasprintf("%s/%s", dir, names[f]);
		P.path[f] = paths[f];
		int rc = read_file(paths[f], &buf, &len);
		if (rc) {
			prob(&P, f, 0, rc == -2 ? "loc:too_big" : "loc:missing_file");
			continue;
		}
		cat_parse(&cats[f], buf, len, &P, f);
		free(buf);
		have[f] = true;
	}
	if (have[0] && have[1]) {
		struct ent **ix[2];
		size_t nix[2];
		for (int f = 0; f < 2; f++)
			nix[f] = key_index(&cats[f], &P, f, &ix[f]);
		for (int f = 0; f < 2; f++) {
			for (size_t i = 0; i < nix[f]; i++) {
				struct ent *e = ix[f][i],
				           *o = key_find(ix[1 - f], nix[1 - f], e->name);
				if (!o) {
					prob(&P, f, e->line, "loc:missing_key", e->name,
					     names[1 - f]);
					continue;
				}
				if (f == 1 && !ph_same(e->val, e->vlen, o->val, o->vlen)) {
					struct sbuf ls = {0}, le = {0};
					ph_list(e->val, e->vlen, &ls);
					ph_list(o->val, o->vlen, &le);
					prob(&P, 1, e->line, "loc:placeholders", e->name,
					     ls.s ? ls.s : "", le.s ? le.s : "");
					sbuf_free(&ls);
					sbuf_free(&le);
				}
			}
		}
		free(ix[0]);
		free(ix[1]);
	}
	if (P.n)
		qsort(P.v, P.n, sizeof *P.v, prob_cmp);
	for (size_t i = 0; i < P.n; i++) {
		if (report)
			sbuf_printf(report, "%s:%d: %s\n", P.path[P.v[i].file], P.v[i].line,
			            P.v[i].msg);
		free(P.v[i].msg);
	}
	free(P.v);
	for (int f = 0; f < 2; f++) {
		cat_free(&cats[f]);
		free(paths[f]);
	}
	return (int)P.n;
}
