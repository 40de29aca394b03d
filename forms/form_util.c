/*
 * form_util — character classes and small helpers shared by the files of forms/.
 *
 * Classes are decided here from code points, never from the process locale,
 * so validation is the same on every machine and under every LANG.
 */
#include "forms/form_impl.h"

#include <stdio.h>
#include <string.h>

bool form_i_ascii_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool form_i_uspace(long cp)
{
	return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

const char *form_i_trim(const char *s, size_t *len)
{
	if (!s) {
		*len = 0;
		return "";
	}
	size_t n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	size_t a = 0;
	for (;;) {
		if (a < n && form_i_ascii_blank(p[a]))
			a++;
		else if (a + 1 < n && p[a] == 0xC2 && p[a + 1] == 0xA0)
			a += 2;
		else
			break;
	}
	size_t b = n;
	for (;;) {
		if (b > a && form_i_ascii_blank(p[b - 1]))
			b--;
		else if (b >= a + 2 && p[b - 2] == 0xC2 && p[b - 1] == 0xA0)
			b -= 2;
		else
			break;
	}
	*len = b - a;
	return s + a;
}

bool form_i_hard_control(long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	       cp == 0xFFFE || cp == 0xFFFF;
}

bool form_i_invisible(long cp)
{
	return form_i_hard_control(cp) || cp == 0xAD || cp == 0x034F || cp == 0x115F ||
	       cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || cp == 0x180E ||
	       (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0x3164 ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

int form_i_fail(struct qerr *err, const char *key)
{
	qerr_set(err, key, NULL);
	return -1;
}

int form_i_fail_char(struct qerr *err, const char *key, long cp)
{
	if (!err)
		return -1;
	qerr_set(err, key, NULL);
	if (cp < 0) {
		return -1;
	} else if (cp >= 0x21 && cp < 0x7F) {
		snprintf(err->detail, sizeof err->detail, "'%c'", (char)cp);
	} else if (form_i_invisible(cp) || form_i_uspace(cp) || cp == ' ' ||
	           (cp >= 0x0300 && cp <= 0x036F)) {
		/* Never echo what a terminal would not show plainly: give its code. */
		snprintf(err->detail, sizeof err->detail, "U+%04lX", (unsigned long)cp);
	} else {
		char u[5] = {0};
		utf8_put(u, cp);
		snprintf(err->detail, sizeof err->detail, "'%s'", u);
	}
	return -1;
}

/* Upper-case Latin-1 letters that decompose to base + one mark. */
static const struct {
	unsigned char base;
	unsigned short mark;
	unsigned char composed;
} latin1[] = {
    {'A', 0x300, 0xC0}, {'A', 0x301, 0xC1}, {'A', 0x302, 0xC2}, {'A', 0x303, 0xC3},
    {'A', 0x308, 0xC4}, {'A', 0x30A, 0xC5}, {'C', 0x327, 0xC7}, {'E', 0x300, 0xC8},
    {'E', 0x301, 0xC9}, {'E', 0x302, 0xCA}, {'E', 0x308, 0xCB}, {'I', 0x300, 0xCC},
    {'I', 0x301, 0xCD}, {'I', 0x302, 0xCE}, {'I', 0x308, 0xCF}, {'N', 0x303, 0xD1},
    {'O', 0x300, 0xD2}, {'O', 0x301, 0xD3}, {'O', 0x302, 0xD4}, {'O', 0x303, 0xD5},
    {'O', 0x308, 0xD6}, {'U', 0x300, 0xD9}, {'U', 0x301, 0xDA}, {'U', 0x302, 0xDB},
    {'U', 0x308, 0xDC}, {'Y', 0x301, 0xDD},
};

long form_i_compose(long base, long mark)
{
	if (base == 'y' && mark == 0x308)
		return 0xFF;
	/* The lower-case forms sit 0x20 above the upper-case ones, for base and result. */
	long up = base >= 'a' && base <= 'z' ? base - 0x20 : base;
	for (size_t i = 0; i < sizeof latin1 / sizeof latin1[0]; i++)
		if (latin1[i].base == up && latin1[i].mark == mark)
			return latin1[i].composed + (up != base ? 0x20 : 0);
	return 0;
}

bool form_i_ascii_caseeqn(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

void form_i_digits(char *out, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void form_i_iso(char out[11], int y, int m, int d)
{
	form_i_digits(out, y, 4);
	out[4] = '-';
	form_i_digits(out + 5, m, 2);
	out[7] = '-';
	form_i_digits(out + 8, d, 2);
	out[10] = '\0';
}
