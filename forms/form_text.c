/*
 * form_text — validators of typed words: names, free text, search input,
 * usernames, passwords, personal numbers, family codes and choices.
 * See form.h for the contract of each function.
 */
#include "forms/form.h"
#include "forms/form_impl.h"

#include <stdlib.h>
#include <string.h>

/*
 * Letters a name may hold: Latin (ASCII, Latin-1 Supplement, Extended-A and
 * -B, Extended Additional), Greek and Cyrillic. Decided from the code point
 * so the answer never depends on the process locale.
 */
static bool name_letter(long cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return true;
	if (cp >= 0xC0 && cp <= 0x24F)
		return cp != 0xD7 && cp != 0xF7;
	if (cp >= 0x370 && cp <= 0x3FF) {
		/* Greek and Coptic, minus punctuation, signs and unassigned points. */
		return !(cp == 0x374 || cp == 0x375 || cp == 0x378 || cp == 0x379 || cp == 0x37E ||
		         (cp >= 0x380 && cp <= 0x385) || cp == 0x387 || cp == 0x38B ||
		         cp == 0x38D || cp == 0x3A2 || cp == 0x3F6);
	}
	if (cp >= 0x400 && cp <= 0x52F)
		/* Cyrillic and its supplement, minus the thousands sign and combining marks. */
		return cp < 0x482 || cp > 0x489;
	return cp >= 0x1E00 && cp <= 0x1EFF;
}

static bool name_mark(long cp)
{
	/* U+034F (grapheme joiner) is invisible, not an accent. */
	return cp >= 0x300 && cp <= 0x36F && cp != 0x34F;
}

static bool name_hyphen(long cp)
{
	return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static bool name_apostrophe(long cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

static void add_cp(struct sbuf *b, long cp)
{
	char u[4];
	int k = utf8_put(u, cp);
	sbuf_addn(b, u, (size_t)k);
}

enum { ST_START, ST_LETTER, ST_SPACE, ST_SEP };

int form_name(const char *in, char *out, size_t outsz, struct qerr *err)
{
	size_t n;
	if (out && outsz)
		out[0] = '\0';
	qerr_clear(err);
	if (in && !utf8_valid(in, strlen(in)))
		return form_i_fail(err, "form:bad_utf8");
	const char *s = form_i_trim(in, &n), *end = s + n;
	struct sbuf b = {0};
	int st = ST_START, rc = 0;
	long last = 0;       /* last code point written, for composing accents */
	size_t last_off = 0; /* where it starts in b */
	size_t chars = 0;

	while (s < end && rc == 0) {
		long cp = utf8_next(&s);
		if (cp == ' ' || form_i_uspace(cp)) {
			if (st == ST_LETTER) {
				sbuf_addn(&b, " ", 1);
				chars++;
				st = ST_SPACE;
			} else if (st == ST_SEP) {
				rc = form_i_fail(err, "form:name_bad_sep");
			}
		} else if (name_hyphen(cp) || name_apostrophe(cp)) {
			if (st != ST_LETTER) {
				rc = form_i_fail(err, "form:name_bad_sep");
			} else {
				sbuf_addn(&b, name_hyphen(cp) ? "-" : "'", 1);
				chars++;
				st = ST_SEP;
			}
		} else if (name_mark(cp)) {
			long c = st == ST_LETTER ? form_i_compose(last, cp) : 0;
			if (st != ST_LETTER) {
				rc = form_i_fail_char(err, "form:name_bad_char", cp);
			} else if (c) {
				b.len = last_off;
				add_cp(&b, c);
				last = c;
			} else {
				add_cp(&b, cp);
				chars++;
				last = cp; /* a mark composes with nothing */
			}
		} else if (name_letter(cp)) {
			last_off = b.len;
			add_cp(&b, cp);
			last = cp;
			chars++;
			st = ST_LETTER;
		} else {
			rc = form_i_fail_char(
			    err, form_i_invisible(cp) ? "form:control_char" : "form:name_bad_char",
			    cp);
		}
	}
	if (rc == 0 && st == ST_SEP)
		rc = form_i_fail(err, "form:name_bad_sep");
	if (rc == 0 && st == ST_SPACE) {
		/* Only Unicode spaces escape the trim; drop the one we wrote. */
		b.len--;
		b.s[b.len] = '\0';
		chars--;
	}
	if (rc == 0 && chars == 0)
		rc = form_i_fail(err, "form:required");
	if (rc == 0 && (chars > FORM_NAME_MAX || !out || b.len + 1 > outsz)) {
		qerr_set(err, "form:name_too_long", "%d\t%zu", FORM_NAME_MAX, chars);
		rc = -1;
	}
	if (rc == 0)
		memcpy(out, b.s, b.len + 1);
	sbuf_free(&b);
	return rc;
}

int form_text(const char *in, size_t max_chars, bool multiline, bool required, char **out,
              struct qerr *err)
{
	size_t n;
	*out = NULL;
	qerr_clear(err);
	if (in && !utf8_valid(in, strlen(in)))
		return form_i_fail(err, "form:bad_utf8");
	const char *s = form_i_trim(in, &n), *end = s + n;
	if (n == 0) {
		if (required)
			return form_i_fail(err, "form:required");
		*out = xstrdup("");
		return 0;
	}
	struct sbuf b = {0};
	size_t chars = 0;
	int rc = 0;
	while (s < end && rc == 0) {
		long cp = utf8_next(&s);
		if (cp == '\r') {
			if (s < end && *s == '\n')
				s++;
			cp = '\n';
		}
		if (cp == '\n') {
			if (!multiline) {
				rc = form_i_fail(err, "form:text_no_newline");
				break;
			}
			while (b.len && b.s[b.len - 1] == ' ') {
				b.len--;
				chars--;
			}
			sbuf_addn(&b, "\n", 1);
			chars++;
			continue;
		}
		if (cp == '\t')
			cp = ' ';
		if (form_i_hard_control(cp)) {
			rc = form_i_fail_char(err, "form:control_char", cp);
			break;
		}
		add_cp(&b, cp);
		chars++;
	}
	if (rc == 0 && max_chars && chars > max_chars) {
		qerr_set(err, "form:text_too_long", "%zu\t%zu", max_chars, chars);
		rc = -1;
	}
	if (rc == 0) {
		b.s[b.len] = '\0';
		*out = b.s;
		return 0;
	}
	sbuf_free(&b);
	return rc;
}

void form_search_clean(const char *in, char *out, size_t outsz)
{
	if (!out || !outsz)
		return;
	out[0] = '\0';
	if (!in)
		return;
	const char *p = in;
	size_t len = 0, chars = 0, last_off = 0;
	bool space = false; /* a blank is owed before the next character */
	long last = 0;
	while (*p) {
		long cp = utf8_next(&p);
		if (cp < 0)
			continue; /* drop the byte that is not UTF-8 */
		if ((cp < 0x80 && form_i_ascii_blank((unsigned char)cp)) || form_i_uspace(cp)) {
			if (len)
				space = true;
			last = 0;
			continue;
		}
		if (form_i_invisible(cp))
			continue;
		char u[4];
		long c = !space && name_mark(cp) ? form_i_compose(last, cp) : 0;
		if (c) {
			int k = utf8_put(u, c);
			if (last_off + (size_t)k + 1 > outsz)
				break;
			memcpy(out + last_off, u, (size_t)k);
			len = last_off + (size_t)k;
			last = c;
			continue;
		}
		int k = utf8_put(u, cp);
		size_t need = (size_t)k + (space ? 1 : 0);
		if (chars + (space ? 2 : 1) > FORM_SEARCH_MAX || len + need + 1 > outsz)
			break;
		if (space) {
			out[len++] = ' ';
			chars++;
			space = false;
		}
		last_off = len;
		memcpy(out + len, u, (size_t)k);
		len += (size_t)k;
		chars++;
		last = cp;
	}
	out[len] = '\0';
}

int form_username(const char *in, char out[FORM_USERNAME_SIZE], struct qerr *err)
{
	size_t n;
	out[0] = '\0';
	qerr_clear(err);
	const char *s = form_i_trim(in, &n);
	if (n == 0)
		return form_i_fail(err, "form:required");
	if (n < 3 || n > FORM_USERNAME_SIZE - 1)
		return form_i_fail(err, "form:username_invalid");
	char buf[FORM_USERNAME_SIZE];
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		bool ok = (c >= 'a' && c <= 'z') ||
		          (i > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'));
		if (!ok)
			return form_i_fail(err, "form:username_invalid");
		buf[i] = (char)c;
	}
	buf[n] = '\0';
	memcpy(out, buf, n + 1);
	return 0;
}

int form_password(const char *pw, const char *username, struct qerr *err)
{
	qerr_clear(err);
	if (!pw || !*pw)
		return form_i_fail(err, "form:required");
	if (!utf8_valid(pw, strlen(pw)))
		return form_i_fail(err, "form:bad_utf8");
	size_t chars = 0;
	for (const char *p = pw; *p;) {
		/* No detail: not even the code of a character of a password is told. */
		if (form_i_hard_control(utf8_next(&p)))
			return form_i_fail(err, "form:password_bad_char");
		chars++;
	}
	if (chars < FORM_PASSWORD_MIN)
		return form_i_fail(err, "form:password_short");
	if (chars > FORM_PASSWORD_MAX)
		return form_i_fail(err, "form:password_too_long");
	size_t un;
	const char *u = form_i_trim(username, &un);
	if (un && strlen(pw) == un && form_i_ascii_caseeqn(pw, u, un))
		return form_i_fail(err, "form:password_is_username");
	return 0;
}

int form_nid(const char *in, char out[FORM_NID_SIZE], struct qerr *err)
{
	size_t n, k = 0;
	out[0] = '\0';
	qerr_clear(err);
	const char *s = form_i_trim(in, &n);
	if (n == 0)
		return form_i_fail(err, "form:required");
	char buf[FORM_NID_SIZE];
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ')
			continue;
		if (k == 10)
			return form_i_fail(err, "form:nid_invalid");
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 32);
		bool letter = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
		if ((k == 0 || k == 9) ? !letter : !digit)
			return form_i_fail(err, "form:nid_invalid");
		buf[k++] = (char)c;
	}
	if (k != 10)
		return form_i_fail(err, "form:nid_invalid");
	buf[10] = '\0';
	memcpy(out, buf, sizeof buf);
	return 0;
}

static bool code_sep(char c)
{
	return c == ' ' || c == '-' || c == '/' || c == '.' || c == '_';
}

int form_family_code(const char *in, char out[FORM_CODE_SIZE], struct qerr *err)
{
	static const char *const prefixes[] = {"SHK", "KUK", "DIB"};
	size_t n;
	out[0] = '\0';
	qerr_clear(err);
	const char *s = form_i_trim(in, &n);
	if (n == 0)
		return form_i_fail(err, "form:required");
	if (n > 32)
		return form_i_fail(err, "form:family_code_invalid");
	char up[33];
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		up[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
	}
	up[n] = '\0';

	bool known = false;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		known = known || strncmp(up, prefixes[i], 3) == 0;
	if (!known)
		return form_i_fail(err, "form:family_code_invalid");
	const char *p = up + 3;
	while (code_sep(*p))
		p++;
	size_t d = strspn(p, "0123456789");
	int year, num;
	const char *numstr;
	size_t numlen;
	if (d == 4) {
		const char *q = p + 4;
		while (code_sep(*q))
			q++;
		numstr = q;
		numlen = strspn(q, "0123456789");
	} else if (d >= 5 && d <= 8) {
		/* "SHK20260042": the year is the first four digits. */
		numstr = p + 4;
		numlen = d - 4;
	} else {
		return form_i_fail(err, "form:family_code_invalid");
	}
	if (numlen < 1 || numlen > 4 || numstr[numlen] != '\0')
		return form_i_fail(err, "form:family_code_invalid");
	year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	num = 0;
	for (size_t i = 0; i < numlen; i++)
		num = num * 10 + (numstr[i] - '0');
	if (year < 1990 || year > 2099 || num < 1)
		return form_i_fail(err, "form:family_code_invalid");
	memcpy(out, up, 3);
	out[3] = '-';
	form_i_digits(out + 4, year, 4);
	out[8] = '-';
	form_i_digits(out + 9, num, 4);
	out[13] = '\0';
	return 0;
}

int form_choice(const char *in, const char *const *keys, int n, int *index, struct qerr *err)
{
	size_t len;
	qerr_clear(err);
	const char *s = form_i_trim(in, &len);
	if (len == 0)
		return form_i_fail(err, "form:required");
	for (int i = 0; keys && i < n; i++) {
		if (!keys[i] || strlen(keys[i]) != len)
			continue;
		if (form_i_ascii_caseeqn(s, keys[i], len)) {
			if (index)
				*index = i;
			return 0;
		}
	}
	return form_i_fail(err, "form:choice_invalid");
}
