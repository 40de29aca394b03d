/*
 * test_slip — the printable referral slip (forms/slip.c): the 80-column
 * limit with long ë/ç names and hostile text, wrapping by display
 * characters without cutting a UTF-8 sequence, the return slip, and the
 * real catalogue texts in both languages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forms/slip.h"
#include "locale/loc.h"
#include "util/util.h"

/* ---- helpers ---- */

static const char *stub_text(void *ctx, const char *key)
{
	(void)ctx;
	static const struct {
		const char *k, *v;
	} t[] = {
	    {"referral:slip_title", "REFERRAL SLIP"},
	    {"referral:slip_code", "Code:"},
	    {"referral:slip_person", "Person:"},
	    {"referral:slip_born", "Born:"},
	    {"referral:slip_sex_f", "female"},
	    {"referral:slip_sex_m", "male"},
	    {"referral:slip_family", "Family:"},
	    {"referral:slip_address", "Address:"},
	    {"referral:slip_service", "Service:"},
	    {"referral:slip_org", "Referred to:"},
	    {"referral:slip_reason", "Reason:"},
	    {"referral:slip_referred_on", "Referred on:"},
	    {"referral:slip_due", "Answer by:"},
	    {"referral:slip_by", "Referred by:"},
	    {"referral:slip_centre", "Centre:"},
	    {"referral:slip_signature", "Signature:"},
	    {"referral:slip_cut", "cut here"},
	    {"referral:slip_return_title", "RETURN SLIP: fill in and send back"},
	    {"referral:slip_return_to", "Return to:"},
	    {"referral:slip_received", "Received on:"},
	    {"referral:slip_outcome", "Outcome:"},
	    {"referral:slip_return_sign", "Name, signature:"},
	    {"referral:slip_date", "Date:"},
	    {"referral:slip_printed", "Printed on"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].k, key) == 0)
			return t[i].v;
	return NULL;
}

static const char *loc_text(void *ctx, const char *key)
{
	return loc_str_lang((const char *)ctx, key);
}

static struct form_slip sample(void)
{
	struct form_slip s = {
	    .centre = "Qendra Komunitare Shumëfunksionale Shkodër",
	    .code = "REF-2026-00017",
	    .first_name = "Ana",
	    .father_name = "Gjon",
	    .last_name = "Çela",
	    .sex = 'F',
	    .birth_date = "2012-03-05",
	    .family_code = "SHK-2024-0012",
	    .address = "Rruga e Dibrës, Shkodër",
	    .service = "Health",
	    .organisation = "Spitali Rajonal Shkodër",
	    .reason = "Needs a check-up after a long absence from school.",
	    .referred_on = "2026-11-12",
	    .follow_up_due = "2026-11-26",
	    .staff = "Drita Hoxha",
	    .printed_on = "2026-11-13",
	};
	return s;
}

/* Every line: at most width columns, valid UTF-8, no control characters
 * but the line ends, no bidi controls; the text ends with a line break. */
static void check_lines(const char *text, int width)
{
	assert_non_null(text);
	assert_true(utf8_valid(text, strlen(text)));
	size_t len = strlen(text);
	assert_true(len > 0);
	assert_int_equal(text[len - 1], '\n');
	const char *p = text;
	int lineno = 0;
	while (*p) {
		const char *e = strchr(p, '\n');
		assert_non_null(e);
		char *line = xstrndup(p, (size_t)(e - p));
		lineno++;
		int cols = form_slip_cols(line);
		if (cols > width)
			fail_msg("line %d has %d columns (max %d): %s", lineno, cols, width, line);
		for (const char *q = line; *q;) {
			long cp = utf8_next(&q);
			assert_true(cp >= 0x20);
			assert_false(cp == 0x202e || cp == 0x202d || cp == 0x200f || cp == 0x200e ||
			             cp == 0x2067 || cp == 0xfeff || (cp >= 0x7f && cp < 0xa0));
		}
		/* no trailing blanks */
		size_t ll = strlen(line);
		assert_false(ll > 0 && line[ll - 1] == ' ');
		free(line);
		p = e + 1;
	}
}

static int count_sub(const char *hay, const char *needle)
{
	int n = 0;
	size_t nl = strlen(needle);
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += nl)
		n++;
	return n;
}

/* The text with line breaks and runs of blanks squeezed out, to check that
 * wrapping lost nothing. */
static char *squeeze(const char *text)
{
	struct sbuf b = {0};
	sbuf_add(&b, "");
	for (const char *p = text; *p; p++)
		if (*p != '\n' && *p != ' ')
			sbuf_addn(&b, p, 1);
	return b.s;
}

/* ---- tests ---- */

static void test_basic(void **state)
{
	(void)state;
	struct form_slip s = sample();
	char *t = form_slip_text(&s, 0, stub_text, NULL);
	check_lines(t, 80);
	/* the code on the slip and on the return slip */
	assert_true(count_sub(t, "REF-2026-00017") >= 2);
	assert_non_null(strstr(t, "Ana Gjon Çela"));
	assert_non_null(strstr(t, "05.03.2012, female"));
	assert_non_null(strstr(t, "SHK-2024-0012"));
	assert_non_null(strstr(t, "Spitali Rajonal Shkodër"));
	assert_non_null(strstr(t, "Health"));
	assert_non_null(strstr(t, "long absence"));
	assert_non_null(strstr(t, "12.11.2026"));
	assert_non_null(strstr(t, "26.11.2026"));
	assert_non_null(strstr(t, "Drita Hoxha"));
	assert_non_null(strstr(t, "Qendra Komunitare Shumëfunksionale Shkodër"));
	assert_non_null(strstr(t, "cut here"));
	assert_non_null(strstr(t, "RETURN SLIP"));
	assert_non_null(strstr(t, "Received on:"));
	assert_non_null(strstr(t, "Outcome:"));
	assert_non_null(strstr(t, "Name, signature:"));
	assert_non_null(strstr(t, "Printed on 13.11.2026"));
	/* ISO dates never leak through */
	assert_null(strstr(t, "2026-11-12"));
	/* the return slip comes after the cut line */
	assert_true(strstr(t, "cut here") < strstr(t, "Received on:"));
	/* the title and the code share the first line under the centre */
	assert_non_null(strstr(t, "REFERRAL SLIP"));
	free(t);
}

static void test_long_names(void **state)
{
	(void)state;
	/* 60 characters of ë/ç without a space: 120 bytes, wider than a line
	 * once the label column is taken */
	char first[256] = "", last[256] = "", reason[1024] = "";
	for (int i = 0; i < 60; i++)
		strcat(first, i % 2 ? "ç" : "ë");
	for (int i = 0; i < 60; i++)
		strcat(last, i % 3 ? "Ë" : "Ç");
	for (int i = 0; i < 40; i++)
		strcat(reason, "çëçë ");
	struct form_slip s = sample();
	s.first_name = first;
	s.father_name = first;
	s.last_name = last;
	s.organisation = last;
	s.reason = reason;
	s.centre = first;
	s.staff = last;
	char *t = form_slip_text(&s, 80, stub_text, NULL);
	check_lines(t, 80);
	/* nothing lost: every ë of the names is still there */
	char *sq = squeeze(t);
	char *want = xasprintf("%s%s%s", first, first, last);
	assert_non_null(strstr(sq, want));
	free(want);
	free(sq);
	assert_true(count_sub(t, "çëçë") >= 40);
	free(t);
}

static void test_widths(void **state)
{
	(void)state;
	struct form_slip s = sample();
	int widths[] = {40, 41, 57, 60, 79, 80, 100, 132};
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		char *t = form_slip_text(&s, widths[i], stub_text, NULL);
		check_lines(t, widths[i]);
		free(t);
	}
	/* under the minimum: taken as 40 */
	char *t = form_slip_text(&s, 10, stub_text, NULL);
	check_lines(t, FORM_SLIP_MIN_WIDTH);
	free(t);
	t = form_slip_text(&s, -5, stub_text, NULL);
	check_lines(t, FORM_SLIP_WIDTH);
	free(t);
}

static void test_hostile(void **state)
{
	(void)state;
	char *huge = xmalloc(10001);
	for (int i = 0; i < 10000; i++)
		huge[i] = (char)('a' + i % 26);
	huge[10000] = '\0';
	char *huge_words = xmalloc(30001);
	for (int i = 0; i < 10000; i++)
		memcpy(huge_words + 3 * i, i % 2 ? "ë  " : "ç\t ", 3);
	huge_words[30000] = '\0';
	const char *bad_utf8 = "Ana\xff\xfe\xc3 Çela\xe2\x82";
	const char *controls = "a\x01\x02\x1b[31mred\x7f\r\nline\ttab\x0b";
	const char *rtl = "\xe2\x80\xae"
	                  "gnp.exe\xe2\x80\xac \xe2\x80\x8f"
	                  "abc\xef\xbb\xbf";
	const char *sql = "'; DROP TABLE referral; --";
	const char *inputs[] = {"", huge, huge_words, bad_utf8, controls, rtl, sql};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct form_slip s = sample();
		s.first_name = inputs[i];
		s.last_name = inputs[i];
		s.reason = inputs[i];
		s.organisation = inputs[i];
		s.address = inputs[i];
		s.code = inputs[i];
		s.centre = inputs[i];
		s.staff = inputs[i];
		s.referred_on = inputs[i];
		s.follow_up_due = inputs[i];
		char *t = form_slip_text(&s, 80, stub_text, NULL);
		check_lines(t, 80);
		free(t);
	}
	/* the SQL text is printed as text, verbatim */
	struct form_slip s = sample();
	s.reason = sql;
	char *t = form_slip_text(&s, 80, stub_text, NULL);
	assert_non_null(strstr(t, sql));
	free(t);
	/* control characters are gone but the words stay */
	s.reason = controls;
	t = form_slip_text(&s, 80, stub_text, NULL);
	assert_null(strchr(t, '\x1b'));
	assert_non_null(strstr(t, "[31mred"));
	assert_non_null(strstr(t, "tab"));
	free(t);
	/* hostile labels: a lookup giving 10 000 characters for every key */
	t = form_slip_text(&s, 80, NULL, NULL);
	check_lines(t, 80);
	free(t);
	free(huge);
	free(huge_words);
}

static const char *huge_text(void *ctx, const char *key)
{
	(void)key;
	return ctx;
}

static void test_hostile_labels(void **state)
{
	(void)state;
	char *huge = xmalloc(20001);
	for (int i = 0; i < 10000; i++)
		memcpy(huge + 2 * i, "ë", 2);
	huge[20000] = '\0';
	struct form_slip s = sample();
	char *t = form_slip_text(&s, 80, huge_text, huge);
	check_lines(t, 80);
	assert_non_null(strstr(t, "REF-2026-00017"));
	free(t);
	char nasty[] = "\xe2\x80\xae\x1b\xff";
	t = form_slip_text(&s, 80, huge_text, nasty);
	check_lines(t, 80);
	free(t);
	free(huge);
}

static void test_null_fields(void **state)
{
	(void)state;
	struct form_slip s = {0};
	char *t = form_slip_text(&s, 80, stub_text, NULL);
	check_lines(t, 80);
	assert_non_null(strstr(t, "RETURN SLIP"));
	free(t);
	t = form_slip_text(&s, 80, NULL, NULL);
	check_lines(t, 80);
	free(t);
	s.birth_year = 2011;
	s.sex = 'M';
	t = form_slip_text(&s, 80, stub_text, NULL);
	assert_non_null(strstr(t, "2011, male"));
	free(t);
}

static void test_wrap(void **state)
{
	(void)state;
	struct sbuf b = {0};
	form_slip_wrap(&b, "Reason:", 10, "aaa bbb ccc", 40);
	assert_string_equal(b.s, "Reason:   aaa bbb ccc\n");
	sbuf_free(&b);

	/* wrapped at spaces with a hanging indent */
	form_slip_wrap(&b, "Reason:", 10,
	               "one two three four five six seven eight nine ten eleven twelve", 40);
	assert_string_equal(b.s, "Reason:   one two three four five six\n"
	                         "          seven eight nine ten eleven\n"
	                         "          twelve\n");
	sbuf_free(&b);

	/* a word longer than the line is cut between characters: 45 ë in 40 */
	char word[128] = "";
	for (int i = 0; i < 45; i++)
		strcat(word, "ë");
	form_slip_wrap(&b, NULL, 0, word, 40);
	char *nl = strchr(b.s, '\n');
	assert_non_null(nl);
	assert_int_equal(nl - b.s, 80); /* 40 characters of two bytes */
	assert_string_equal(nl + 1, "ëëëëë\n");
	sbuf_free(&b);

	/* a line break in the value starts a new line; blank lines stay */
	form_slip_wrap(&b, "R:", 4, "first\nsecond\n\nfourth", 40);
	assert_string_equal(b.s, "R:  first\n    second\n\n    fourth\n");
	sbuf_free(&b);

	/* empty value: the label alone, no trailing blanks */
	form_slip_wrap(&b, "Outcome:", 12, "", 40);
	assert_string_equal(b.s, "Outcome:\n");
	sbuf_free(&b);

	/* a label too wide for its column gets its own line */
	form_slip_wrap(&b, "A very long label indeed:", 10, "value", 40);
	assert_string_equal(b.s, "A very long label indeed:\n          value\n");
	sbuf_free(&b);

	/* wide characters take two columns: 25 of them do not fit in 40 */
	char cjk[256] = "";
	for (int i = 0; i < 25; i++)
		strcat(cjk, "\xe4\xb8\xad"); /* 中 */
	form_slip_wrap(&b, NULL, 0, cjk, 40);
	check_lines(b.s, 40);
	assert_int_equal(count_sub(b.s, "\n"), 2);
	sbuf_free(&b);
}

static void test_cols(void **state)
{
	(void)state;
	assert_int_equal(form_slip_cols(""), 0);
	assert_int_equal(form_slip_cols(NULL), 0);
	assert_int_equal(form_slip_cols("abc"), 3);
	assert_int_equal(form_slip_cols("ëç"), 2);
	assert_int_equal(form_slip_cols("e\xcc\x88"), 1);    /* e + combining diaeresis */
	assert_int_equal(form_slip_cols("\xe4\xb8\xad"), 2); /* 中 */
	assert_int_equal(form_slip_cols("\xff"
	                                "a"),
	                 2); /* bad byte counts as '?' */
	assert_int_equal(form_slip_cols("\xe2\x80\xae"
	                                "ab"),
	                 2); /* RLO dropped */
	assert_int_equal(form_slip_cols("a\x01"
	                                "b"),
	                 2); /* control dropped */
}

/* The real catalogues: every text the slip needs exists in both languages,
 * and the Albanian slip keeps to 80 columns too. */
static void test_catalogues(void **state)
{
	(void)state;
	struct qerr e = {0};
	if (loc_init("locale", &e) != 0)
		fail_msg("locale/ could not be loaded: %s %s", e.key, e.detail);
	static const char *const keys[] = {
	    "referral:slip_title",       "referral:slip_code",     "referral:slip_person",
	    "referral:slip_born",        "referral:slip_sex_f",    "referral:slip_sex_m",
	    "referral:slip_family",      "referral:slip_address",  "referral:slip_service",
	    "referral:slip_org",         "referral:slip_reason",   "referral:slip_referred_on",
	    "referral:slip_due",         "referral:slip_by",       "referral:slip_centre",
	    "referral:slip_signature",   "referral:slip_cut",      "referral:slip_return_title",
	    "referral:slip_return_to",   "referral:slip_received", "referral:slip_outcome",
	    "referral:slip_return_sign", "referral:slip_date",     "referral:slip_printed",
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (!loc_has("en", keys[i]) || !loc_has("sq", keys[i]))
			fail_msg("%s is missing from a catalogue", keys[i]);
	}
	static char langs[2][3] = {"en", "sq"};
	for (int l = 0; l < 2; l++) {
		struct form_slip s = sample();
		char *t = form_slip_text(&s, 80, loc_text, langs[l]);
		check_lines(t, 80);
		assert_true(count_sub(t, "REF-2026-00017") >= 2);
		free(t);
	}
	loc_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),          cmocka_unit_test(test_long_names),
	    cmocka_unit_test(test_widths),         cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_hostile_labels), cmocka_unit_test(test_null_fields),
	    cmocka_unit_test(test_wrap),           cmocka_unit_test(test_cols),
	    cmocka_unit_test(test_catalogues),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
