/*
 * text — Albanian alphabetical order (the SQ collation), accent folding and
 * the safe FTS5 query builder. Pure functions over UTF-8; no SQLite calls.
 */
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* Base letter (lower case) of U+00C0..U+017F, '*' for non-letters. */
static const char latin1_base[] =
    "aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty";
static const char latin_ext_a_base[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Lower-case base letter of a Latin code point (0 when it is not a Latin letter). */
static int latin_base(long cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (int)(cp - 'A' + 'a');
	if (cp >= 'a' && cp <= 'z')
		return (int)cp;
	if (cp >= 0xC0 && cp <= 0xFF) {
		char c = latin1_base[cp - 0xC0];
		return c == '*' ? 0 : c;
	}
	if (cp >= 0x100 && cp <= 0x17F)
		return latin_ext_a_base[cp - 0x100];
	return 0;
}

/*
 * The Albanian alphabet and its primary weights. Each letter is 1 or 2
 * Latin characters; digraphs are tried first. w (not Albanian) sorts after v.
 */
enum { W_SPACE = 1, W_PUNCT = 2, W_DIGIT = 10, W_LETTER = 100, W_OTHER = 1000 };

static int digraph_weight(int a, int b)
{
	/* returns letter index of the digraph a+b, or -1 */
	switch (a) {
	case 'd':
		return b == 'h' ? 6 : -1;
	case 'g':
		return b == 'j' ? 12 : -1;
	case 'l':
		return b == 'l' ? 19 : -1;
	case 'n':
		return b == 'j' ? 22 : -1;
	case 'r':
		return b == 'r' ? 27 : -1;
	case 's':
		return b == 'h' ? 29 : -1;
	case 't':
		return b == 'h' ? 31 : -1;
	case 'x':
		return b == 'h' ? 36 : -1;
	case 'z':
		return b == 'h' ? 39 : -1;
	}
	return -1;
}

/* index of a single letter: a1 b2 c3 ç4 d5 (dh6) e7 ë8 f9 g10 (gj12)... */
static int single_weight(long cp, int base)
{
	if (cp == 0xE7 || cp == 0xC7) /* ç */
		return 4;
	if (cp == 0xEB || cp == 0xCB) /* ë */
		return 8;
	static const signed char idx[26] = {
	    1,  /* a */
	    2,  /* b */
	    3,  /* c */
	    5,  /* d */
	    7,  /* e */
	    9,  /* f */
	    10, /* g */
	    13, /* h */
	    14, /* i */
	    15, /* j */
	    16, /* k */
	    17, /* l */
	    20, /* m */
	    21, /* n */
	    23, /* o */
	    24, /* p */
	    25, /* q */
	    26, /* r */
	    28, /* s */
	    30, /* t */
	    32, /* u */
	    33, /* v */
	    34, /* w */
	    35, /* x */
	    37, /* y */
	    38, /* z */
	};
	return idx[base - 'a'];
}

struct cursor {
	const char *p, *end;
};

static long peek_cp(const struct cursor *c, const char **after)
{
	if (c->p >= c->end)
		return -2;
	const char *p = c->p;
	/* Guard against reading past a non-terminated buffer: only decode when
	 * the whole sequence is inside. */
	unsigned char b = (unsigned char)*p;
	int need = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	if (c->end - p < need) {
		*after = p + 1;
		return 0xFFFD;
	}
	long cp = utf8_next(&p);
	*after = p;
	return cp < 0 ? 0xFFFD : cp;
}

/* Next primary weight, or 0 at the end. */
static long next_weight(struct cursor *c)
{
	const char *after;
	long cp = peek_cp(c, &after);
	if (cp == -2)
		return 0;
	c->p = after;
	int base = latin_base(cp);
	if (base) {
		if (cp != 0xE7 && cp != 0xC7 && cp != 0xEB && cp != 0xCB) {
			const char *after2;
			long cp2 = peek_cp(c, &after2);
			int base2 = cp2 >= 0 ? latin_base(cp2) : 0;
			/* digraph only from plain letters: "dh", not "dḥ" */
			if (base2 && cp2 < 0x80 && cp < 0x80) {
				int d = digraph_weight(base, base2);
				if (d > 0) {
					c->p = after2;
					return W_LETTER + d;
				}
			}
		}
		return W_LETTER + single_weight(cp, base);
	}
	if (cp >= '0' && cp <= '9')
		return W_DIGIT + (cp - '0');
	if (cp == ' ' || cp == '\t' || cp == 0xA0)
		return W_SPACE;
	if (cp < 0x80)
		return W_PUNCT;
	return W_OTHER + cp;
}

int db_collate_sq(const char *a, int alen, const char *b, int blen)
{
	struct cursor ca = {a, a + alen}, cb = {b, b + blen};
	for (;;) {
		long wa = next_weight(&ca), wb = next_weight(&cb);
		if (wa != wb)
			return wa < wb ? -1 : 1;
		if (wa == 0)
			break;
	}
	/* Same letters: lower case before upper case, then plain bytes, so
	 * that the order is total (only equal strings compare equal). */
	int n = alen < blen ? alen : blen;
	int r = memcmp(a, b, (size_t)n);
	if (r)
		return r > 0 ? -1 : 1; /* 'a' (0x61) > 'A' (0x41): lower first */
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

void db_fold(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	bool space = true; /* suppress leading spaces */
	if (!outsz)
		return;
	const char *p = in;
	while (*p && o + 5 < outsz) {
		long cp = utf8_next(&p);
		int base = cp > 0 ? latin_base(cp) : 0;
		if (base) {
			out[o++] = (char)base;
			space = false;
		} else if (cp >= '0' && cp <= '9') {
			out[o++] = (char)cp;
			space = false;
		} else if (cp >= 0x370 && cp != 0xFFFD) {
			/* other scripts: keep as they are */
			o += (size_t)utf8_put(out + o, cp);
			space = false;
		} else if (!space) {
			out[o++] = ' ';
			space = true;
		}
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* Letters and digits make words; everything else separates them. */
static bool word_char(long cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x2000 && cp <= 0x206F) &&
	        cp != 0xFEFF && cp != 0xFFFD);
}

bool db_fts_query(const char *input, char *out, size_t outsz)
{
	size_t o = 0;
	int terms = 0;
	if (!outsz)
		return false;
	out[0] = '\0';
	if (!input)
		return false;

	/* A phone number typed with spaces or dashes is one term of digits. */
	bool phone = true;
	int digits = 0;
	for (const char *q = input; *q; q++) {
		if (*q >= '0' && *q <= '9')
			digits++;
		else if (!strchr(" +-./()", *q))
			phone = false;
	}
	if (phone && digits >= 3) {
		char d[64];
		size_t n = 0;
		for (const char *q = input; *q && n + 1 < sizeof d; q++)
			if (*q >= '0' && *q <= '9')
				d[n++] = *q;
		d[n] = '\0';
		const char *s = d;
		if (strncmp(s, "00355", 5) == 0)
			s += 2;
		if (outsz < strlen(s) + 4)
			return false;
		snprintf(out, outsz, "\"%s\"*", s);
		return true;
	}

	const char *p = input;
	while (*p && terms < 8) {
		/* skip separators */
		const char *start = p;
		long cp = utf8_next(&p);
		if (cp < 0 || !word_char(cp))
			continue;
		const char *wend = p;
		const char *q = p;
		while (*q) {
			const char *save = q;
			long c2 = utf8_next(&q);
			if (c2 < 0 || !word_char(c2)) {
				q = save;
				break;
			}
			wend = q;
		}
		p = wend;
		size_t wlen = (size_t)(wend - start);
		if (wlen > 64)
			wlen = 64; /* long words are cut at a character edge below */
		while (wlen > 0 && ((unsigned char)start[wlen] & 0xC0) == 0x80 &&
		       start + wlen < wend)
			wlen--;
		if (o + wlen + 5 >= outsz)
			break;
		if (terms)
			out[o++] = ' ';
		out[o++] = '"';
		memcpy(out + o, start, wlen);
		o += wlen;
		out[o++] = '"';
		out[o++] = '*';
		out[o] = '\0';
		terms++;
	}
	return terms > 0;
}
