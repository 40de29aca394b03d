/*
 * test_forms — unit tests of forms/: every validator with good input and
 * hostile input (empty, NULL, 10 000 characters, invalid UTF-8, control
 * characters, SQL, right-to-left marks), the calendar helpers, the form
 * model, and that every message key the validators emit exists in both
 * catalogues. Run from the repository root (the catalogues are read from
 * ./locale).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "forms/form.h"
#include "locale/loc.h"

#define TODAY "2026-03-15"

/* A string of n copies of `unit` (malloc'd). */
static char *repeat(const char *unit, size_t n)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	return s;
}

/* Inputs every validator must survive without crashing or accepting junk. */
static const char *const hostile[] = {
    "",
    " ",
    "\t\n\r",
    "'; DROP TABLE person; --",
    "Robert'); DROP TABLE students;--",
    "\xff\xfe\xfd",
    "\xc0\xaf",         /* overlong '/' */
    "\xed\xa0\x80",     /* a surrogate */
    "\xf4\x90\x80\x80", /* above U+10FFFF */
    "\xe2\x80",         /* cut sequence */
    "abc\x01"
    "def",
    "\x1b[2J\x1b[H",
    "\xe2\x80\xae"
    "evil", /* U+202E */
    "\xe2\x80\x8f\xe2\x80\x8e",
    "\xef\xbb\xbf"
    "BOM",
    "%s%s%s%n",
    "\xc2\xa0\xc2\xa0",
};

static void check_name(const char *in, const char *want)
{
	char out[FORM_NAME_SIZE];
	struct qerr e = {0};
	int rc = form_name(in, out, sizeof out, &e);
	if (rc != 0)
		fail_msg("form_name(\"%s\") failed: %s %s", in, e.key, e.detail);
	assert_string_equal(out, want);
	assert_false(qerr_is_set(&e));
}

static void check_name_err(const char *in, const char *key, const char *detail)
{
	char out[FORM_NAME_SIZE];
	struct qerr e = {0};
	int rc = form_name(in, out, sizeof out, &e);
	if (rc != -1)
		fail_msg("form_name accepted \"%s\" as \"%s\"", in ? in : "(null)", out);
	assert_string_equal(e.key, key);
	assert_string_equal(out, "");
	if (detail)
		assert_string_equal(e.detail, detail);
}

static void test_name_ok(void **state)
{
	(void)state;
	check_name("Ana", "Ana");
	check_name("Ana-Maria", "Ana-Maria");
	check_name("O'Brien", "O'Brien");
	check_name("O\xe2\x80\x99"
	           "Brien",
	           "O'Brien"); /* ’ */
	check_name("  \xc3\x87"
	           "ela  ",
	           "\xc3\x87"
	           "ela"); /* "  Çela  " */
	check_name("Drit\xc3\xab", "Drit\xc3\xab");
	check_name("\xc3\x8bngj\xc3\xabll", "\xc3\x8bngj\xc3\xabll"); /* Ëngjëll */
	check_name("Gjon    Marku", "Gjon Marku");
	check_name("\tAna\n", "Ana");
	check_name("\xc2\xa0"
	           "Ana\xc2\xa0",
	           "Ana");                           /* no-break spaces at the ends */
	check_name("Ana\xc2\xa0Maria", "Ana Maria"); /* and inside */
	check_name("A", "A");
	check_name("\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82",
	           "\xce\x9d\xce\xaf\xce\xba\xce\xbf\xcf\x82");
	check_name("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd",
	           "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"); /* Иван */
	/* e + combining diaeresis composes to ë; C + cedilla to Ç */
	check_name("Drite\xcc\x88", "Drit\xc3\xab");
	check_name("C\xcc\xa7"
	           "ela",
	           "\xc3\x87"
	           "ela");
	/* a mark with no composed form stays as typed */
	check_name("Ane\xcc\x8c", "Ane\xcc\x8c");
	check_name("Nguy\xe1\xbb\x85n", "Nguy\xe1\xbb\x85n"); /* Latin Extended Additional */
	check_name("Jean-Luc D'Arc", "Jean-Luc D'Arc");
	char *s = repeat("a", FORM_NAME_MAX);
	check_name(s, s);
	free(s);
	s = repeat("\xc3\xab", FORM_NAME_MAX); /* 60 × ë, 120 bytes */
	check_name(s, s);
	free(s);
}

static void test_name_bad(void **state)
{
	(void)state;
	check_name_err(NULL, "form:required", NULL);
	check_name_err("", "form:required", NULL);
	check_name_err("    ", "form:required", NULL);
	check_name_err("Ana1", "form:name_bad_char", "'1'");
	check_name_err("Ana@x", "form:name_bad_char", "'@'");
	check_name_err("Ana\xc3\x97", "form:name_bad_char", "'\xc3\x97'"); /* × */
	check_name_err("Robert'); DROP TABLE students;--", "form:name_bad_char", "')'");
	check_name_err("'; DROP TABLE person; --", "form:name_bad_sep", NULL);
	check_name_err("Ana\xe2\x80\xae"
	               "Maria",
	               "form:control_char", "U+202E");
	check_name_err("\xe2\x80\x8f"
	               "Ana",
	               "form:control_char", "U+200F");
	check_name_err("Ana\xe2\x81\xa6", "form:control_char", "U+2066");
	check_name_err("An\xe2\x80\x8b"
	               "a",
	               "form:control_char", "U+200B");
	check_name_err("Ana\tMaria", "form:control_char", "U+0009");
	check_name_err("Ana\nMaria", "form:control_char", "U+000A");
	check_name_err("Ana\x01", "form:control_char", "U+0001");
	check_name_err("Ana\x7f", "form:control_char", "U+007F");
	check_name_err("Ana\xc2\xad"
	               "Maria",
	               "form:control_char", "U+00AD");
	check_name_err("Ana\xff", "form:bad_utf8", NULL);
	check_name_err("\xc0\xaf", "form:bad_utf8", NULL);
	check_name_err("\xed\xa0\x80", "form:bad_utf8", NULL);
	check_name_err("Ana\xe2\x80", "form:bad_utf8", NULL);
	check_name_err("Ana--Maria", "form:name_bad_sep", NULL);
	check_name_err("-Ana", "form:name_bad_sep", NULL);
	check_name_err("Ana-", "form:name_bad_sep", NULL);
	check_name_err("Ana -Maria", "form:name_bad_sep", NULL);
	check_name_err("Ana- Maria", "form:name_bad_sep", NULL);
	check_name_err("O''Brien", "form:name_bad_sep", NULL);
	check_name_err("\xcc\x88"
	               "a",
	               "form:name_bad_char", "U+0308");
	check_name_err("Ana \xcc\x88", "form:name_bad_char", "U+0308");

	char *s = repeat("a", FORM_NAME_MAX + 1);
	check_name_err(s, "form:name_too_long", "60\t61");
	free(s);
	s = repeat("a", 10000);
	check_name_err(s, "form:name_too_long", "60\t10000");
	free(s);
	s = repeat(" ", 10000);
	check_name_err(s, "form:required", NULL);
	free(s);
	s = repeat("\xe2\x80\xae", 10000);
	check_name_err(s, "form:control_char", "U+202E");
	free(s);

	/* a buffer too small for the name refuses rather than cuts */
	char small[4];
	struct qerr e = {0};
	assert_int_equal(form_name("Anastasia", small, sizeof small, &e), -1);
	assert_string_equal(e.key, "form:name_too_long");
	assert_string_equal(small, "");
	/* err may be NULL */
	assert_int_equal(form_name("Ana1", small, sizeof small, NULL), -1);
}

static void test_text(void **state)
{
	(void)state;
	char *out = (char *)1;
	struct qerr e = {0};

	assert_int_equal(form_text("  Hello  ", 100, false, true, &out, &e), 0);
	assert_string_equal(out, "Hello");
	free(out);
	assert_int_equal(form_text("'; DROP TABLE person; --", 100, false, true, &out, &e), 0);
	assert_string_equal(out, "'; DROP TABLE person; --"); /* text is bound, never formatted */
	free(out);
	assert_int_equal(form_text("a\tb", 100, false, true, &out, &e), 0);
	assert_string_equal(out, "a b");
	free(out);
	assert_int_equal(form_text("line 1   \r\nline 2\rline 3\n", 100, true, true, &out, &e), 0);
	assert_string_equal(out, "line 1\nline 2\nline 3");
	free(out);
	assert_int_equal(form_text("\xf0\x9f\x98\x80 ok \xc3\xab", 6, false, true, &out, &e), 0);
	free(out);

	/* optional and empty gives "", required and empty refuses */
	assert_int_equal(form_text(NULL, 10, false, false, &out, &e), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(form_text("   \n ", 10, true, false, &out, &e), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(form_text("  ", 10, false, true, &out, &e), -1);
	assert_null(out);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(form_text(NULL, 10, false, true, &out, &e), -1);
	assert_string_equal(e.key, "form:required");

	assert_int_equal(form_text("a\nb", 10, false, true, &out, &e), -1);
	assert_string_equal(e.key, "form:text_no_newline");
	assert_null(out);
	assert_int_equal(form_text("a\x01", 10, true, true, &out, &e), -1);
	assert_string_equal(e.key, "form:control_char");
	assert_string_equal(e.detail, "U+0001");
	assert_int_equal(form_text("a\x1b[2J", 10, true, true, &out, &e), -1);
	assert_string_equal(e.key, "form:control_char");
	assert_int_equal(form_text("abc\xe2\x80\xae"
	                           "def",
	                           10, true, true, &out, &e),
	                 -1);
	assert_string_equal(e.key, "form:control_char");
	assert_string_equal(e.detail, "U+202E");
	assert_int_equal(form_text("a\xc2\x85", 10, true, true, &out, &e), -1); /* C1 NEL */
	assert_string_equal(e.key, "form:control_char");
	assert_int_equal(form_text("abc\xff", 10, true, true, &out, &e), -1);
	assert_string_equal(e.key, "form:bad_utf8");
	assert_null(out);

	assert_int_equal(form_text("abcdef", 5, false, true, &out, &e), -1);
	assert_string_equal(e.key, "form:text_too_long");
	assert_string_equal(e.detail, "5\t6");
	assert_int_equal(form_text("\xc3\xab\xc3\xab\xc3\xab", 3, false, true, &out, &e), 0);
	free(out);

	char *s = repeat("x", 10000);
	assert_int_equal(form_text(s, 4000, true, true, &out, &e), -1);
	assert_string_equal(e.key, "form:text_too_long");
	assert_string_equal(e.detail, "4000\t10000");
	assert_int_equal(form_text(s, 0, true, true, &out, &e), 0); /* 0 = no limit */
	assert_int_equal(strlen(out), 10000);
	free(out);
	free(s);
}

static void test_search_clean(void **state)
{
	(void)state;
	char out[512];
	form_search_clean(NULL, out, sizeof out);
	assert_string_equal(out, "");
	form_search_clean("  cela   drite  ", out, sizeof out);
	assert_string_equal(out, "cela drite");
	form_search_clean("\t\xc3\x87"
	                  "ela\n\r  Drit\xc3\xab\xc2\xa0",
	                  out, sizeof out);
	assert_string_equal(out, "\xc3\x87"
	                         "ela Drit\xc3\xab");
	form_search_clean("a\xff"
	                  "b\xe2\x80\xae"
	                  "c\x01"
	                  "d\xe2\x80\x8b"
	                  "e",
	                  out, sizeof out);
	assert_string_equal(out, "abcde");
	form_search_clean("'; DROP TABLE person; --", out, sizeof out);
	assert_string_equal(out, "'; DROP TABLE person; --");
	form_search_clean("Drite\xcc\x88", out, sizeof out);
	assert_string_equal(out, "Drit\xc3\xab");
	form_search_clean("\xe2\x80\x8f\xe2\x80\x8e", out, sizeof out);
	assert_string_equal(out, "");

	char *s = repeat("ab ", 5000);
	form_search_clean(s, out, sizeof out);
	assert_int_equal(utf8_len(out), FORM_SEARCH_MAX); /* "ab ab … ab a" */
	assert_true(out[strlen(out) - 1] != ' ');
	free(s);
	s = repeat("\xc3\xab", 10000);
	form_search_clean(s, out, sizeof out);
	assert_int_equal(utf8_len(out), FORM_SEARCH_MAX);
	assert_true(utf8_valid(out, strlen(out)));
	/* a small buffer is never cut inside a character */
	char tiny[4];
	form_search_clean(s, tiny, sizeof tiny);
	assert_string_equal(tiny, "\xc3\xab");
	free(s);
	form_search_clean("abc", tiny, 1);
	assert_string_equal(tiny, "");
	form_search_clean("abc", NULL, 0); /* no crash */
}

static void check_date(const char *in, const char *want)
{
	char out[11];
	struct qerr e = {0};
	if (form_date(in, TODAY, out, &e) != 0)
		fail_msg("form_date(\"%s\"): %s", in, e.key);
	assert_string_equal(out, want);
}

static void check_date_err(const char *in, const char *key)
{
	char out[11];
	struct qerr e = {0};
	if (form_date(in, TODAY, out, &e) != -1)
		fail_msg("form_date accepted \"%s\" as %s", in ? in : "(null)", out);
	assert_string_equal(e.key, key);
	assert_string_equal(out, "");
}

static void test_date(void **state)
{
	(void)state;
	check_date("05.03.2024", "2024-03-05");
	check_date("5.3.2024", "2024-03-05");
	check_date(" 05.03.2024 ", "2024-03-05");
	check_date("05.03.2024.", "2024-03-05");
	check_date("05. 03. 2024", "2024-03-05");
	check_date("05/03/2024", "2024-03-05");
	check_date("05-03-2024", "2024-03-05");
	check_date("5 3 2024", "2024-03-05");
	check_date("05032024", "2024-03-05");
	check_date("2024-03-05", "2024-03-05");
	check_date("2024-3-5", "2024-03-05");
	check_date("29.02.2024", "2024-02-29");
	check_date("29.02.2000", "2000-02-29");
	check_date("31.12.2100", "2100-12-31");
	check_date("01.01.1900", "1900-01-01");
	check_date("5.3", "2026-03-05"); /* this year */
	check_date("5.3.", "2026-03-05");

	check_date_err(NULL, "form:required");
	check_date_err("", "form:required");
	check_date_err("  ", "form:required");
	check_date_err("31.02.2024", "form:date_not_real");
	check_date_err("29.02.2023", "form:date_not_real");
	check_date_err("29.02.1900", "form:date_not_real");
	check_date_err("31.04.2024", "form:date_not_real");
	check_date_err("00.01.2024", "form:date_not_real");
	check_date_err("1.13.2024", "form:date_not_real");
	check_date_err("1.0.2024", "form:date_not_real");
	check_date_err("32012024", "form:date_not_real");
	check_date_err("01.01.1899", "form:date_year_range");
	check_date_err("01.01.2101", "form:date_year_range");
	check_date_err("05.03.24", "form:date_invalid");
	check_date_err("05.03.02024", "form:date_invalid");
	check_date_err("123.3.2024", "form:date_invalid");
	check_date_err("2024.03.05", "form:date_invalid");
	check_date_err("05.03.2024x", "form:date_invalid");
	check_date_err("05..03.2024", "form:date_invalid");
	check_date_err("today", "form:date_invalid");
	check_date_err("'; DROP TABLE person; --", "form:date_invalid");
	check_date_err("05.03.2024\xe2\x80\xae", "form:date_invalid");
	check_date_err("\xd9\xa0\xd9\xa5.03.2024", "form:date_invalid"); /* Arabic-Indic digits */
	check_date_err("05.03.2024\x01", "form:date_invalid");
	check_date_err("\xff\xfe", "form:date_invalid");
	char *s = repeat("1", 10000);
	check_date_err(s, "form:date_invalid");
	free(s);

	struct qerr e = {0};
	char out[11];
	assert_int_equal(form_date("1.1.1800", TODAY, out, &e), -1);
	assert_string_equal(e.detail, "1900\t2100");
	/* without today's date, "d.m" takes the current year from the clock */
	assert_int_equal(form_date("5.3", NULL, out, &e), 0);
	assert_int_equal(strlen(out), 10);
}

static void check_birth_err(const char *in, const char *today, const char *key)
{
	char out[11];
	struct qerr e = {0};
	if (form_birth_date(in, today, out, &e) != -1)
		fail_msg("form_birth_date accepted \"%s\" as %s", in, out);
	assert_string_equal(e.key, key);
}

static void test_birth_date(void **state)
{
	(void)state;
	char out[11];
	struct qerr e = {0};
	assert_int_equal(form_birth_date("15.03.2026", TODAY, out, &e), 0);
	assert_string_equal(out, "2026-03-15");
	assert_int_equal(form_birth_date("01.01.1900", TODAY, out, &e), 0);
	assert_int_equal(form_birth_date("29.02.2024", TODAY, out, &e), 0);
	check_birth_err("16.03.2026", TODAY, "form:date_future");
	check_birth_err("01.01.2027", TODAY, "form:date_future");
	check_birth_err("01.01.2200", TODAY, "form:date_future");
	check_birth_err("01.01.1899", TODAY, "form:date_too_old");
	check_birth_err("31.12.1899", TODAY, "form:date_too_old");
	check_birth_err("31.02.2000", TODAY, "form:date_not_real");
	check_birth_err("29.02.2023", TODAY, "form:date_not_real");
	check_birth_err("tomorrow", TODAY, "form:date_invalid");
	check_birth_err("", TODAY, "form:required");
	/* a pinned clock stands in for a missing or broken `today` */
	setenv("QENDRA_NOW", "2026-03-15 10:00:00", 1);
	check_birth_err("16.03.2026", NULL, "form:date_future");
	check_birth_err("16.03.2026", "garbage", "form:date_future");
	assert_int_equal(form_birth_date("15.03.2026", NULL, out, &e), 0);
	unsetenv("QENDRA_NOW");
}

static void test_birth_year(void **state)
{
	(void)state;
	int y = 0;
	struct qerr e = {0};
	assert_int_equal(form_birth_year("1987", 2026, &y, &e), 0);
	assert_int_equal(y, 1987);
	assert_int_equal(form_birth_year(" 2026 ", 2026, &y, &e), 0);
	assert_int_equal(form_birth_year("1900", 2026, &y, &e), 0);
	assert_int_equal(form_birth_year("1899", 2026, &y, &e), -1);
	assert_string_equal(e.key, "form:birth_year_too_old");
	assert_int_equal(form_birth_year("2027", 2026, &y, &e), -1);
	assert_string_equal(e.key, "form:birth_year_future");
	assert_int_equal(form_birth_year("87", 2026, &y, &e), -1);
	assert_string_equal(e.key, "form:birth_year_invalid");
	assert_int_equal(form_birth_year("19877", 2026, &y, &e), -1);
	assert_string_equal(e.key, "form:birth_year_invalid");
	assert_int_equal(form_birth_year("1987a", 2026, &y, &e), -1);
	assert_int_equal(form_birth_year("-1987", 2026, &y, &e), -1);
	assert_int_equal(form_birth_year("'; DROP TABLE", 2026, &y, &e), -1);
	assert_string_equal(e.key, "form:birth_year_invalid");
	assert_int_equal(form_birth_year("", 2026, &y, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(form_birth_year(NULL, 2026, &y, &e), -1);
	setenv("QENDRA_NOW", "2026-03-15 10:00:00", 1);
	assert_int_equal(form_birth_year("2027", 0, &y, &e), -1);
	assert_string_equal(e.key, "form:birth_year_future");
	unsetenv("QENDRA_NOW");
	assert_int_equal(y, 1900); /* unchanged by failures */
}

static void check_phone(const char *in, const char *disp, const char *norm)
{
	char d[FORM_PHONE_SIZE], n[FORM_PHONE_SIZE];
	struct qerr e = {0};
	if (form_phone(in, d, sizeof d, n, sizeof n, &e) != 0)
		fail_msg("form_phone(\"%s\"): %s", in, e.key);
	assert_string_equal(d, disp);
	assert_string_equal(n, norm);
}

static void check_phone_err(const char *in, const char *key)
{
	char d[FORM_PHONE_SIZE], n[FORM_PHONE_SIZE];
	struct qerr e = {0};
	if (form_phone(in, d, sizeof d, n, sizeof n, &e) != -1)
		fail_msg("form_phone accepted \"%s\" as %s", in ? in : "(null)", n);
	assert_string_equal(e.key, key);
	assert_string_equal(d, "");
	assert_string_equal(n, "");
}

static void test_phone(void **state)
{
	(void)state;
	const char *m = "069 123 4567", *mn = "355691234567";
	check_phone("069 123 4567", m, mn);
	check_phone("0691234567", m, mn);
	check_phone("+355 69 123 4567", m, mn);
	check_phone("+355691234567", m, mn);
	check_phone("00355 69 123 4567", m, mn);
	check_phone("355691234567", m, mn);
	check_phone("+355 (0) 69 123 4567", m, mn);
	check_phone("069-123-4567", m, mn);
	check_phone("069.123.4567", m, mn);
	check_phone("069/123 45 67", m, mn);
	check_phone("(069) 123 4567", m, mn);
	check_phone("69 123 4567", m, mn);
	check_phone(" \t069 123 4567\n", m, mn);
	check_phone("067 222 3333", "067 222 3333", "355672223333");
	check_phone("068 222 3333", "068 222 3333", "355682223333");
	check_phone("04 234 5678", "04 234 5678", "35542345678"); /* Tirana */
	check_phone("042345678", "04 234 5678", "35542345678");
	check_phone("022 123 456", "022 123 456", "35522123456"); /* Shkodër */
	check_phone("024 220 000", "024 220 000", "35524220000"); /* Kukës */
	check_phone("0218 12 345", "0218 12 345", "35521812345"); /* Peshkopi */
	check_phone("+355 22 123 456", "022 123 456", "35522123456");
	check_phone("022 123 4567", "022 123 4567", "355221234567"); /* lenient 9 digits */

	check_phone_err(NULL, "form:required");
	check_phone_err("", "form:required");
	check_phone_err("   ", "form:required");
	check_phone_err("066 123 4567", "form:phone_invalid");
	check_phone_err("065 123 4567", "form:phone_invalid");
	check_phone_err("069 123 456", "form:phone_invalid");
	check_phone_err("069 123 45678", "form:phone_invalid");
	check_phone_err("01 234 5678", "form:phone_invalid");
	check_phone_err("09 234 5678", "form:phone_invalid");
	check_phone_err("022 12 345", "form:phone_invalid");
	check_phone_err("0", "form:phone_invalid");
	check_phone_err("+355", "form:phone_invalid");
	check_phone_err("+", "form:phone_invalid");
	check_phone_err("069+1234567", "form:phone_invalid");
	check_phone_err("++355691234567", "form:phone_invalid");
	check_phone_err("069 123 4567 ext 2", "form:phone_invalid");
	check_phone_err("abc", "form:phone_invalid");
	check_phone_err("'; DROP TABLE person; --", "form:phone_invalid");
	check_phone_err("069\xe2\x80\xae"
	                "1234567",
	                "form:phone_invalid");
	check_phone_err("069 123 4567\x01", "form:phone_invalid");
	check_phone_err("069 123 4567\xff", "form:phone_invalid");
	check_phone_err("+39 333 123 4567", "form:phone_foreign");
	check_phone_err("0039 333 123 4567", "form:phone_foreign");
	check_phone_err("+1 202 555 0100", "form:phone_foreign");
	char *s = repeat("6", 10000);
	check_phone_err(s, "form:phone_invalid");
	free(s);

	/* either output may be left out */
	char n[FORM_PHONE_SIZE];
	struct qerr e = {0};
	assert_int_equal(form_phone("069 123 4567", NULL, 0, n, sizeof n, &e), 0);
	assert_string_equal(n, "355691234567");
	assert_int_equal(form_phone("069 123 4567", NULL, 0, NULL, 0, NULL), 0);
}

static void test_nid(void **state)
{
	(void)state;
	char out[FORM_NID_SIZE];
	struct qerr e = {0};
	assert_int_equal(form_nid("J01234567A", out, &e), 0);
	assert_string_equal(out, "J01234567A");
	assert_int_equal(form_nid(" j01234567a ", out, &e), 0);
	assert_string_equal(out, "J01234567A");
	assert_int_equal(form_nid("J 0123 4567 A", out, &e), 0);
	assert_string_equal(out, "J01234567A");

	const char *bad[] = {"J0123456A",
	                     "J012345678A",
	                     "101234567A",
	                     "J01234567",
	                     "J01234567AB",
	                     "JJ1234567A",
	                     "J0123A567A",
	                     "\xc3\x8b"
	                     "01234567A",
	                     "J01234567\xc3\x8b",
	                     "J-01234567-A",
	                     "'; DROP TABLE",
	                     "\xff"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "x");
		if (form_nid(bad[i], out, &e) != -1)
			fail_msg("form_nid accepted \"%s\"", bad[i]);
		assert_string_equal(e.key, "form:nid_invalid");
		assert_string_equal(out, "");
	}
	assert_int_equal(form_nid("", out, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(form_nid(NULL, out, &e), -1);
	assert_string_equal(e.key, "form:required");
	char *s = repeat("J", 10000);
	assert_int_equal(form_nid(s, out, &e), -1);
	assert_string_equal(e.key, "form:nid_invalid");
	free(s);
}

static void test_int(void **state)
{
	(void)state;
	long v = 0;
	struct qerr e = {0};
	assert_int_equal(form_int("42", 0, 100, &v, &e), 0);
	assert_int_equal(v, 42);
	assert_int_equal(form_int(" -5 ", -10, 10, &v, &e), 0);
	assert_int_equal(v, -5);
	assert_int_equal(form_int("+7", 0, 10, &v, &e), 0);
	assert_int_equal(v, 7);
	assert_int_equal(form_int("007", 0, 10, &v, &e), 0);
	assert_int_equal(form_int("-9223372036854775808", LONG_MIN, LONG_MAX, &v, &e), 0);
	assert_true(v == LONG_MIN);
	assert_int_equal(form_int("9223372036854775807", LONG_MIN, LONG_MAX, &v, &e), 0);
	assert_true(v == LONG_MAX);

	assert_int_equal(form_int("101", 0, 100, &v, &e), -1);
	assert_string_equal(e.key, "form:int_range");
	assert_string_equal(e.detail, "0\t100");
	assert_int_equal(form_int("-1", 0, 100, &v, &e), -1);
	assert_string_equal(e.key, "form:int_range");
	assert_int_equal(form_int("9223372036854775808", LONG_MIN, LONG_MAX, &v, &e), -1);
	assert_string_equal(e.key, "form:int_range");
	char *s = repeat("9", 10000);
	assert_int_equal(form_int(s, 0, 100, &v, &e), -1);
	assert_string_equal(e.key, "form:int_range");
	free(s);

	const char *bad[] = {"1e3",           "12.5",  "-",    "+",
	                     "1 000",         "0x10",  "12a",  "\xd9\xa1\xd9\xa2",
	                     "'; DROP TABLE", "1\x01", "\xff", "1\xe2\x80\xae"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (form_int(bad[i], 0, 100, &v, &e) != -1)
			fail_msg("form_int accepted \"%s\"", bad[i]);
		assert_string_equal(e.key, "form:int_invalid");
	}
	assert_int_equal(form_int("", 0, 100, &v, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(form_int(NULL, 0, 100, &v, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_true(v == LONG_MAX); /* unchanged by failures */
}

static void check_time(const char *in, int want)
{
	int m = -1;
	struct qerr e = {0};
	if (form_time(in, &m, &e) != 0)
		fail_msg("form_time(\"%s\"): %s", in, e.key);
	assert_int_equal(m, want);
}

static void test_time(void **state)
{
	(void)state;
	check_time("09:30", 570);
	check_time("9:30", 570);
	check_time("0930", 570);
	check_time("930", 570);
	check_time("9.30", 570);
	check_time("9h30", 570);
	check_time("9", 540);
	check_time("14", 840);
	check_time("00:00", 0);
	check_time("23:59", 1439);
	check_time(" 14:05 ", 845);

	const char *bad[] = {"24:00",
	                     "12:60",
	                     "9:5",
	                     "12345",
	                     "9:",
	                     ":30",
	                     "9h",
	                     "ab",
	                     "9:30pm",
	                     "-1:00",
	                     "1:2:3",
	                     "'; DROP",
	                     "09:30\xe2\x80\xae",
	                     "\xff",
	                     "2400",
	                     "960"};
	int m = 7;
	struct qerr e = {0};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (form_time(bad[i], &m, &e) != -1)
			fail_msg("form_time accepted \"%s\"", bad[i]);
		assert_string_equal(e.key, "form:time_invalid");
	}
	assert_int_equal(m, 7);
	assert_int_equal(form_time("", &m, &e), -1);
	assert_string_equal(e.key, "form:required");
	char *s = repeat("1", 10000);
	assert_int_equal(form_time(s, &m, &e), -1);
	free(s);

	char t[6];
	form_time_str(570, t);
	assert_string_equal(t, "09:30");
	form_time_str(0, t);
	assert_string_equal(t, "00:00");
	form_time_str(1439, t);
	assert_string_equal(t, "23:59");
	form_time_str(1440, t);
	assert_string_equal(t, "");
	form_time_str(-1, t);
	assert_string_equal(t, "");
}

static void check_duration(const char *in, int want)
{
	int m = -1;
	struct qerr e = {0};
	if (form_duration(in, 1, 480, &m, &e) != 0)
		fail_msg("form_duration(\"%s\"): %s %s", in, e.key, e.detail);
	assert_int_equal(m, want);
}

static void test_duration(void **state)
{
	(void)state;
	check_duration("45", 45);
	check_duration("45 min", 45);
	check_duration("45m", 45);
	check_duration("45 minuta", 45);
	check_duration("90'", 90);
	check_duration("1:30", 90);
	check_duration("1h30", 90);
	check_duration("1h 30min", 90);
	check_duration("1 h 30 min", 90);
	check_duration("2 or\xc3\xab", 120);
	check_duration("2 OR\xc3\x8b", 120);
	check_duration("2 ore", 120);
	check_duration("1o 15m", 75);
	check_duration("8h", 480);

	int m = 3;
	struct qerr e = {0};
	assert_int_equal(form_duration("0", 1, 480, &m, &e), -1);
	assert_string_equal(e.key, "form:duration_range");
	assert_string_equal(e.detail, "1\t480");
	assert_int_equal(form_duration("481", 1, 480, &m, &e), -1);
	assert_string_equal(e.key, "form:duration_range");
	assert_int_equal(form_duration("8h1", 1, 480, &m, &e), -1);
	assert_string_equal(e.key, "form:duration_range");

	const char *bad[] = {"1h 1h",  "30 1h",   "30 min 5", "abc",  "1:5",           "1:30 h",
	                     "999999", "-5",      "1.5h",     "h",    "min",           "45 sec",
	                     "1:60",   "'; DROP", "45\x01",   "\xff", "45\xe2\x80\xae"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (form_duration(bad[i], 1, 480, &m, &e) != -1)
			fail_msg("form_duration accepted \"%s\" as %d", bad[i], m);
		assert_string_equal(e.key, "form:duration_invalid");
	}
	assert_int_equal(m, 3);
	assert_int_equal(form_duration(" ", 1, 480, &m, &e), -1);
	assert_string_equal(e.key, "form:required");
	char *s = repeat("1h", 5000);
	assert_int_equal(form_duration(s, 1, 480, &m, &e), -1);
	free(s);
}

static void test_family_code(void **state)
{
	(void)state;
	char out[FORM_CODE_SIZE];
	struct qerr e = {0};
	struct {
		const char *in, *want;
	} ok[] = {
	    {"SHK-2026-0042", "SHK-2026-0042"}, {"shk 2026 42", "SHK-2026-0042"},
	    {"KUK-2025-0001", "KUK-2025-0001"}, {"DIB20260042", "DIB-2026-0042"},
	    {"dib/2026/7", "DIB-2026-0007"},    {" Shk-2026-9999 ", "SHK-2026-9999"},
	    {"SHK2026-42", "SHK-2026-0042"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (form_family_code(ok[i].in, out, &e) != 0)
			fail_msg("form_family_code(\"%s\"): %s", ok[i].in, e.key);
		assert_string_equal(out, ok[i].want);
	}
	const char *bad[] = {"TIR-2026-0042",
	                     "SHK-26-0042",
	                     "SHK-2026-0000",
	                     "SHK-2026-00042",
	                     "SHK-2026",
	                     "SHK-1989-0001",
	                     "SHK-2100-0001",
	                     "SHK-2026-0042x",
	                     "SH-2026-0042",
	                     "SHK-2026-42-1",
	                     "'; DROP TABLE",
	                     "\xff\xfe",
	                     "SHK\xe2\x80\xae-2026-0042",
	                     "SHK-2026-0042\x01",
	                     "SHK-2026-004\xc3\xab"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "x");
		if (form_family_code(bad[i], out, &e) != -1)
			fail_msg("form_family_code accepted \"%s\" as %s", bad[i], out);
		assert_string_equal(e.key, "form:family_code_invalid");
		assert_string_equal(out, "");
	}
	assert_int_equal(form_family_code("", out, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(form_family_code(NULL, out, &e), -1);
	char *s = repeat("SHK-", 2500);
	assert_int_equal(form_family_code(s, out, &e), -1);
	assert_string_equal(e.key, "form:family_code_invalid");
	free(s);
}

static void test_username(void **state)
{
	(void)state;
	char out[FORM_USERNAME_SIZE];
	struct qerr e = {0};
	assert_int_equal(form_username("ana", out, &e), 0);
	assert_string_equal(out, "ana");
	assert_int_equal(form_username(" Ana.Berisha ", out, &e), 0);
	assert_string_equal(out, "ana.berisha");
	assert_int_equal(form_username("a1_b-c.d", out, &e), 0);
	char *s = repeat("a", 32);
	assert_int_equal(form_username(s, out, &e), 0);
	assert_string_equal(out, s);
	free(s);

	const char *bad[] = {"ab",
	                     "1ana",
	                     "_ana",
	                     ".ana",
	                     "ana berisha",
	                     "an\xc3\xab",
	                     "ana@x",
	                     "'; DROP TABLE",
	                     "ana\x01",
	                     "\xff\xfe\xfd",
	                     "ana\xe2\x80\xae",
	                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (form_username(bad[i], out, &e) != -1)
			fail_msg("form_username accepted \"%s\"", bad[i]);
		assert_string_equal(e.key, "form:username_invalid");
		assert_string_equal(out, "");
	}
	assert_int_equal(form_username("", out, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(form_username(NULL, out, &e), -1);
	s = repeat("a", 10000);
	assert_int_equal(form_username(s, out, &e), -1);
	free(s);
}

static void check_pw_err(const char *pw, const char *user, const char *key)
{
	struct qerr e = {0};
	if (form_password(pw, user, &e) != -1)
		fail_msg("form_password accepted a password");
	assert_string_equal(e.key, key);
	assert_string_equal(e.detail, ""); /* nothing of a password is ever told */
}

static void test_password(void **state)
{
	(void)state;
	struct qerr e = {0};
	assert_int_equal(form_password("12345678", "ana", &e), 0);
	assert_int_equal(form_password(" spaces kept ", NULL, &e), 0);
	assert_int_equal(form_password("\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab\xc3\xab"
	                               "\xc3\xab",
	                               "ana", &e),
	                 0); /* 8 characters, 16 bytes */
	assert_int_equal(form_password("anaberisha1", "anaberisha", &e), 0);
	check_pw_err(NULL, "ana", "form:required");
	check_pw_err("", "ana", "form:required");
	check_pw_err("short", "ana", "form:password_short");
	check_pw_err("\xc3\xab\xc3\xab\xc3\xab\xc3\xab", "ana", "form:password_short");
	check_pw_err("anaberisha", "anaberisha", "form:password_is_username");
	check_pw_err("AnaBerisha", " anaberisha ", "form:password_is_username");
	check_pw_err("abc\x01"
	             "defgh",
	             "ana", "form:password_bad_char");
	check_pw_err("abcdefgh\xe2\x80\xae", "ana", "form:password_bad_char");
	check_pw_err("abcdefgh\n", "ana", "form:password_bad_char");
	check_pw_err("abcdefgh\xff", "ana", "form:bad_utf8");
	char *s = repeat("x", FORM_PASSWORD_MAX);
	assert_int_equal(form_password(s, "ana", &e), 0);
	free(s);
	s = repeat("x", FORM_PASSWORD_MAX + 1);
	check_pw_err(s, "ana", "form:password_too_long");
	free(s);
	s = repeat("x", 10000);
	check_pw_err(s, "ana", "form:password_too_long");
	free(s);
}

static void test_choice(void **state)
{
	(void)state;
	const char *const keys[] = {"walk_in", "outreach", NULL, "school"};
	int i = -1;
	struct qerr e = {0};
	assert_int_equal(form_choice("outreach", keys, 4, &i, &e), 0);
	assert_int_equal(i, 1);
	assert_int_equal(form_choice(" SCHOOL ", keys, 4, &i, &e), 0);
	assert_int_equal(i, 3);
	assert_int_equal(form_choice("walk_in", keys, 4, &i, &e), 0);
	assert_int_equal(i, 0);
	assert_int_equal(form_choice("school", keys, 3, &i, &e), -1); /* n limits the list */
	assert_string_equal(e.key, "form:choice_invalid");
	assert_int_equal(form_choice("police", keys, 4, &i, &e), -1);
	assert_int_equal(form_choice("walk", keys, 4, &i, &e), -1);
	assert_int_equal(form_choice("'; DROP TABLE", keys, 4, &i, &e), -1);
	assert_int_equal(form_choice("walk_in\xe2\x80\xae", keys, 4, &i, &e), -1);
	assert_int_equal(form_choice("x", NULL, 0, &i, &e), -1);
	assert_string_equal(e.key, "form:choice_invalid");
	assert_int_equal(form_choice("", keys, 4, &i, &e), -1);
	assert_string_equal(e.key, "form:required");
	assert_int_equal(i, 0);
}

static void test_date_helpers(void **state)
{
	(void)state;
	assert_true(form_date_valid(2024, 2, 29));
	assert_false(form_date_valid(2023, 2, 29));
	assert_true(form_date_valid(2000, 2, 29));
	assert_false(form_date_valid(1900, 2, 29));
	assert_false(form_date_valid(2024, 4, 31));
	assert_false(form_date_valid(2024, 0, 1));
	assert_false(form_date_valid(2024, 13, 1));
	assert_false(form_date_valid(0, 1, 1));
	assert_false(form_date_valid(10000, 1, 1));
	assert_int_equal(form_days_in_month(2024, 2), 29);
	assert_int_equal(form_days_in_month(2023, 2), 28);
	assert_int_equal(form_days_in_month(2023, 12), 31);
	assert_int_equal(form_days_in_month(2023, 13), 0);

	int y, m, d;
	assert_true(form_iso_parse("2024-02-29", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20240229);
	assert_false(form_iso_parse("2024-02-30", &y, &m, &d));
	assert_false(form_iso_parse("2024-2-3", &y, &m, &d));
	assert_false(form_iso_parse("2024-02-29x", &y, &m, &d));
	assert_false(form_iso_parse(NULL, &y, &m, &d));
	assert_false(form_iso_parse("", &y, &m, &d));

	char out[11];
	form_date_display("2024-03-05", out);
	assert_string_equal(out, "05.03.2024");
	form_date_display("2024-03-32", out);
	assert_string_equal(out, "");
	form_date_display(NULL, out);
	assert_string_equal(out, "");

	assert_int_equal(form_date_to_days("1970-01-01"), 0);
	assert_int_equal(form_date_to_days("2000-03-01"), 11017);
	assert_int_equal(form_date_to_days("1969-12-31"), -1);
	assert_int_equal(form_date_to_days("0001-01-01"), -719162);
	assert_true(form_date_to_days("2023-02-29") == FORM_NO_DATE);
	assert_true(form_date_to_days(NULL) == FORM_NO_DATE);
	assert_true(form_date_to_days("'; DROP") == FORM_NO_DATE);
	/* round trip over the whole supported range */
	for (long days = -719162; days <= 2932896; days += 97) {
		form_days_to_date(days, out);
		assert_int_equal(form_date_to_days(out), days);
	}
	form_days_to_date(2932896, out);
	assert_string_equal(out, "9999-12-31");
	form_days_to_date(2932897, out);
	assert_string_equal(out, "");
	form_days_to_date(-719163, out);
	assert_string_equal(out, "");
	form_days_to_date(20527, out);
	assert_string_equal(out, "2026-03-15");

	assert_int_equal(form_weekday("2026-03-15"), 7); /* Sunday */
	assert_int_equal(form_weekday("2026-03-16"), 1); /* Monday */
	assert_int_equal(form_weekday("2024-02-29"), 4); /* Thursday */
	assert_int_equal(form_weekday("1969-12-29"), 1);
	assert_int_equal(form_weekday("bad"), 0);
}

static void test_age(void **state)
{
	(void)state;
	assert_int_equal(form_age_on("2010-03-15", 0, "2026-03-15"), 16);
	assert_int_equal(form_age_on("2010-03-16", 0, "2026-03-15"), 15);
	assert_int_equal(form_age_on("2026-03-15", 0, "2026-03-15"), 0);
	assert_int_equal(form_age_on("2008-02-29", 0, "2026-02-28"), 17);
	assert_int_equal(form_age_on("2008-02-29", 0, "2026-03-01"), 18);
	assert_int_equal(form_age_on(NULL, 2000, "2026-01-01"), 26);
	assert_int_equal(form_age_on("garbage", 1990, "2026-01-01"), 36);
	assert_int_equal(form_age_on(NULL, 0, "2026-01-01"), -1);
	assert_int_equal(form_age_on("2030-01-01", 0, "2026-01-01"), -1);
	assert_int_equal(form_age_on(NULL, 2030, "2026-01-01"), -1);
	setenv("QENDRA_NOW", "2026-03-15 10:00:00", 1);
	assert_int_equal(form_age_on("2010-03-15", 0, NULL), 16);
	unsetenv("QENDRA_NOW");
}

enum {
	F_FIRST,
	F_FATHER,
	F_BIRTH,
	F_YEAR,
	F_PHONE,
	F_NID,
	F_HOW,
	F_NOTES,
	F_GRADE,
	F_TIME,
	F_LEN,
	F_CODE,
	F_USER,
	F_PW,
	F_COUNT
};

static const char *const how[] = {"walk_in", "outreach", "school"};

static void describe(struct form_field *f)
{
	memset(f, 0, sizeof *f * F_COUNT);
	f[F_FIRST] =
	    (struct form_field){.key = "person:first_name", .kind = FORM_NAME, .required = true};
	f[F_FATHER] = (struct form_field){.key = "person:father_name", .kind = FORM_NAME};
	f[F_BIRTH] = (struct form_field){.key = "person:birth_date", .kind = FORM_BIRTH_DATE};
	f[F_YEAR] = (struct form_field){.key = "person:birth_year", .kind = FORM_BIRTH_YEAR};
	f[F_PHONE] = (struct form_field){.key = "person:phone", .kind = FORM_PHONE};
	f[F_NID] = (struct form_field){.key = "person:nid", .kind = FORM_NID};
	f[F_HOW] = (struct form_field){.key = "family:how",
	                               .kind = FORM_CHOICE,
	                               .required = true,
	                               .choices = how,
	                               .nchoices = 3};
	f[F_NOTES] = (struct form_field){.key = "person:notes", .kind = FORM_NOTE, .max = 20};
	f[F_GRADE] =
	    (struct form_field){.key = "person:grade", .kind = FORM_INT, .lo = 0, .hi = 13};
	f[F_TIME] = (struct form_field){.key = "appt:time", .kind = FORM_TIME};
	f[F_LEN] = (struct form_field){.key = "appt:length", .kind = FORM_DURATION};
	f[F_CODE] = (struct form_field){.key = "family:code", .kind = FORM_FAMILY_CODE};
	f[F_USER] = (struct form_field){.key = "user:name", .kind = FORM_USERNAME};
	f[F_PW] = (struct form_field){
	    .key = "user:password", .kind = FORM_PASSWORD, .ref_key = "user:name"};
	for (int i = 0; i < F_COUNT; i++)
		f[i].num = -7; /* form_field_set must reset it */
}

static void test_model(void **state)
{
	(void)state;
	struct form_field f[F_COUNT];
	describe(f);

	/* everything empty: only the two required fields are wrong */
	assert_int_equal(form_validate_all(f, F_COUNT, TODAY), 2);
	assert_string_equal(f[F_FIRST].err.key, "form:required");
	assert_string_equal(f[F_HOW].err.key, "form:required");
	assert_false(qerr_is_set(&f[F_FATHER].err));
	assert_null(f[F_FATHER].norm);
	assert_int_equal(form_first_invalid(f, F_COUNT), F_FIRST);

	/* hostile and wrong values: each refused, the typed text kept as it was */
	const char *typed[F_COUNT] = {
	    [F_FIRST] = "  Ana1 ",
	    [F_FATHER] = "Gjon\xe2\x80\xae",
	    [F_BIRTH] = "31.02.2024",
	    [F_YEAR] = "2099",
	    [F_PHONE] = "'; DROP TABLE person; --",
	    [F_NID] = "J0123",
	    [F_HOW] = "police",
	    [F_NOTES] = "this note is far too long for twenty",
	    [F_GRADE] = "14",
	    [F_TIME] = "25:00",
	    [F_LEN] = "0",
	    [F_CODE] = "TIR-2026-0001",
	    [F_USER] = "1x",
	    [F_PW] = "short",
	};
	for (int i = 0; i < F_COUNT; i++)
		form_field_set(&f[i], typed[i]);
	assert_int_equal(form_validate_all(f, F_COUNT, TODAY), F_COUNT);
	const char *keys[F_COUNT] = {
	    [F_FIRST] = "form:name_bad_char",   [F_FATHER] = "form:control_char",
	    [F_BIRTH] = "form:date_not_real",   [F_YEAR] = "form:birth_year_future",
	    [F_PHONE] = "form:phone_invalid",   [F_NID] = "form:nid_invalid",
	    [F_HOW] = "form:choice_invalid",    [F_NOTES] = "form:text_too_long",
	    [F_GRADE] = "form:int_range",       [F_TIME] = "form:time_invalid",
	    [F_LEN] = "form:duration_range",    [F_CODE] = "form:family_code_invalid",
	    [F_USER] = "form:username_invalid", [F_PW] = "form:password_short",
	};
	for (int i = 0; i < F_COUNT; i++) {
		assert_string_equal(f[i].err.key, keys[i]);
		assert_string_equal(f[i].value, typed[i]);
		assert_null(f[i].norm);
		assert_null(f[i].extra);
	}
	assert_string_equal(f[F_GRADE].err.detail, "0\t13");
	assert_string_equal(f[F_LEN].err.detail, "1\t1440");

	/* corrected values: all valid, normalised beside the raw text */
	const char *fixed[F_COUNT] = {
	    [F_FIRST] = "  \xc3\x87"
	                "ela  ",
	    [F_FATHER] = "",
	    [F_BIRTH] = "29.2.2024",
	    [F_YEAR] = " 1987",
	    [F_PHONE] = "+355 69 123 4567",
	    [F_NID] = "j01234567a",
	    [F_HOW] = "School",
	    [F_NOTES] = "two\r\nlines",
	    [F_GRADE] = "7",
	    [F_TIME] = "930",
	    [F_LEN] = "1h30",
	    [F_CODE] = "kuk 2026 5",
	    [F_USER] = "Ana.B",
	    [F_PW] = "ana.b",
	};
	for (int i = 0; i < F_COUNT; i++)
		form_field_set(&f[i], fixed[i]);
	/* the password may not equal the (normalised) username */
	assert_int_equal(form_validate_all(f, F_COUNT, TODAY), 1);
	assert_string_equal(f[F_PW].err.key, "form:password_short");
	form_field_set(&f[F_PW], "ANA.Berisha");
	form_field_set(&f[F_USER], "ana.berisha");
	assert_int_equal(form_validate_all(f, F_COUNT, TODAY), 1);
	assert_string_equal(f[F_PW].err.key, "form:password_is_username");
	assert_int_equal(form_first_invalid(f, F_COUNT), F_PW);
	form_field_set(&f[F_PW], "a long secret");
	assert_int_equal(form_validate_all(f, F_COUNT, TODAY), 0);
	assert_int_equal(form_first_invalid(f, F_COUNT), -1);

	assert_string_equal(f[F_FIRST].value, fixed[F_FIRST]);
	assert_string_equal(f[F_FIRST].norm, "\xc3\x87"
	                                     "ela");
	assert_null(f[F_FATHER].norm);
	assert_string_equal(f[F_BIRTH].norm, "2024-02-29");
	assert_string_equal(f[F_YEAR].norm, "1987");
	assert_int_equal(f[F_YEAR].num, 1987);
	assert_string_equal(f[F_PHONE].norm, "069 123 4567");
	assert_string_equal(f[F_PHONE].extra, "355691234567");
	assert_string_equal(f[F_NID].norm, "J01234567A");
	assert_string_equal(f[F_HOW].norm, "school");
	assert_int_equal(f[F_HOW].num, 2);
	assert_string_equal(f[F_NOTES].norm, "two\nlines");
	assert_int_equal(f[F_GRADE].num, 7);
	assert_string_equal(f[F_GRADE].norm, "7");
	assert_int_equal(f[F_TIME].num, 570);
	assert_string_equal(f[F_TIME].norm, "09:30");
	assert_int_equal(f[F_LEN].num, 90);
	assert_string_equal(f[F_CODE].norm, "KUK-2026-0005");
	assert_string_equal(f[F_USER].norm, "ana.berisha");
	assert_string_equal(f[F_PW].norm, "a long secret");

	/* a future birth date against the given day */
	form_field_set(&f[F_BIRTH], "16.03.2026");
	assert_int_equal(form_validate_one(f, F_COUNT, F_BIRTH, TODAY), -1);
	assert_string_equal(f[F_BIRTH].err.key, "form:date_future");
	assert_null(f[F_BIRTH].norm);
	assert_int_equal(form_validate_one(f, F_COUNT, F_BIRTH, "2026-03-16"), 0);

	/* an unknown kind is an internal error, not a crash */
	struct form_field odd = {.key = "x", .kind = 99};
	form_field_set(&odd, "x");
	assert_int_equal(form_validate_one(&odd, 1, 0, TODAY), -1);
	assert_string_equal(odd.err.key, "form:internal");
	form_field_clear(&odd);
	form_field_clear(NULL);

	/* 10 000 characters in every field */
	char *s = repeat("\xc3\xab", 10000);
	for (int i = 0; i < F_COUNT; i++)
		form_field_set(&f[i], s);
	assert_int_equal(form_validate_all(f, F_COUNT, TODAY), F_COUNT);
	free(s);

	form_fields_free(f, F_COUNT);
	for (int i = 0; i < F_COUNT; i++) {
		assert_null(f[i].value);
		assert_null(f[i].norm);
	}
	form_fields_free(NULL, 3);
}

/* Every validator on every hostile input: no crash, and whatever is accepted is valid UTF-8. */
static void test_hostile_everywhere(void **state)
{
	(void)state;
	char *big[] = {repeat("A", 10000), repeat("\xc3\xab", 10000), repeat("\xff", 10000),
	               repeat("\xe2\x80\xae", 10000), repeat("9", 10000)};
	const char *const keys[] = {"a", "b"};
	size_t nh = sizeof hostile / sizeof hostile[0], nb = sizeof big / sizeof big[0];
	for (size_t i = 0; i < nh + nb; i++) {
		const char *in = i < nh ? hostile[i] : big[i - nh];
		char buf[FORM_NAME_SIZE], buf2[FORM_PHONE_SIZE], *t = NULL;
		struct qerr e = {0};
		long l;
		int n;
		if (form_name(in, buf, sizeof buf, &e) == 0)
			assert_true(utf8_valid(buf, strlen(buf)));
		else
			assert_true(qerr_is_set(&e));
		if (form_text(in, 100, true, false, &t, &e) == 0) {
			assert_true(utf8_valid(t, strlen(t)));
			free(t);
		}
		form_search_clean(in, buf, sizeof buf);
		assert_true(utf8_valid(buf, strlen(buf)));
		assert_true(utf8_len(buf) <= FORM_SEARCH_MAX);
		assert_int_equal(form_date(in, TODAY, buf, &e), -1);
		assert_int_equal(form_birth_date(in, TODAY, buf, &e), -1);
		assert_int_equal(form_birth_year(in, 2026, &n, &e), -1);
		assert_int_equal(form_phone(in, buf, sizeof buf, buf2, sizeof buf2, &e), -1);
		assert_int_equal(form_nid(in, buf, &e), -1);
		assert_int_equal(form_int(in, 0, 10, &l, &e), -1);
		assert_int_equal(form_time(in, &n, &e), -1);
		assert_int_equal(form_duration(in, 1, 600, &n, &e), -1);
		assert_int_equal(form_family_code(in, buf, &e), -1);
		assert_int_equal(form_username(in, buf, &e), -1);
		assert_int_equal(form_choice(in, keys, 2, &n, &e), -1);
		if (form_password(in, "ana", &e) != 0)
			assert_string_equal(e.detail, "");
	}
	for (size_t i = 0; i < nb; i++)
		free(big[i]);
}

/* Every key the validators can set, with the detail they give it. */
static const char *const emitted[] = {
    "form:required",
    "form:required_mark",
    "form:required_hint",
    "form:not_saved",
    "form:internal",
    "form:bad_utf8",
    "form:control_char",
    "form:name_bad_char",
    "form:name_bad_sep",
    "form:name_too_long",
    "form:text_too_long",
    "form:text_no_newline",
    "form:date_invalid",
    "form:date_not_real",
    "form:date_year_range",
    "form:date_future",
    "form:date_too_old",
    "form:birth_year_invalid",
    "form:birth_year_future",
    "form:birth_year_too_old",
    "form:phone_invalid",
    "form:phone_foreign",
    "form:nid_invalid",
    "form:int_invalid",
    "form:int_range",
    "form:time_invalid",
    "form:duration_invalid",
    "form:duration_range",
    "form:family_code_invalid",
    "form:username_invalid",
    "form:password_short",
    "form:password_too_long",
    "form:password_bad_char",
    "form:password_is_username",
    "form:choice_invalid",
};

static void test_catalogue(void **state)
{
	(void)state;
	struct qerr e = {0};
	if (loc_init("locale", &e) != 0)
		fail_msg("loc_init(locale): %s %s (run from the repository root)", e.key, e.detail);
	for (size_t i = 0; i < sizeof emitted / sizeof emitted[0]; i++) {
		if (!loc_has("en", emitted[i]))
			fail_msg("%s missing in en.ini", emitted[i]);
		if (!loc_has("sq", emitted[i]))
			fail_msg("%s missing in sq.ini", emitted[i]);
	}
	/* and the [form] section holds nothing else */
	const char **keys = NULL;
	int n = loc_section_keys("form", &keys);
	assert_int_equal(n, (int)(sizeof emitted / sizeof emitted[0]));
	free(keys);

	/* the details fill the placeholders, in both languages */
	char out[512], name[FORM_NAME_SIZE];
	char *s = repeat("a", 61);
	assert_int_equal(form_name(s, name, sizeof name, &e), -1);
	free(s);
	assert_int_equal(loc_set_lang("en"), 0);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out,
	                    "A name may have at most 60 characters; this one has 61. Shorten it.");
	assert_int_equal(loc_set_lang("sq"), 0);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "Emri mund t\xc3\xab ket\xc3\xab t\xc3\xab shumt\xc3\xabn 60 "
	                         "shkronja; ky ka 61. Shkurtojeni.");
	long l;
	assert_int_equal(form_int("200", 1, 120, &l, &e), -1);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "Numri duhet t\xc3\xab jet\xc3\xab nga 1 deri n\xc3\xab 120.");
	assert_int_equal(form_name("Ana@", name, sizeof name, &e), -1);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "Emri mund t\xc3\xab ket\xc3\xab vet\xc3\xabm shkronja, "
	                         "hap\xc3\xabsir\xc3\xab, viz\xc3\xab dhe apostrof. Hiqni '@'.");
	assert_int_equal(form_name("Ana\xe2\x80\xae", name, sizeof name, &e), -1);
	loc_set_lang("en");
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "The text contains an invisible character (U+202E). Delete it and "
	                         "type the text again.");
	loc_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_ok),      cmocka_unit_test(test_name_bad),
	    cmocka_unit_test(test_text),         cmocka_unit_test(test_search_clean),
	    cmocka_unit_test(test_date),         cmocka_unit_test(test_birth_date),
	    cmocka_unit_test(test_birth_year),   cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_nid),          cmocka_unit_test(test_int),
	    cmocka_unit_test(test_time),         cmocka_unit_test(test_duration),
	    cmocka_unit_test(test_family_code),  cmocka_unit_test(test_username),
	    cmocka_unit_test(test_password),     cmocka_unit_test(test_choice),
	    cmocka_unit_test(test_date_helpers), cmocka_unit_test(test_age),
	    cmocka_unit_test(test_model),        cmocka_unit_test(test_hostile_everywhere),
	    cmocka_unit_test(test_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
