/*
 * Unit tests of locale/: lookups and fallbacks, damaged catalogues that must
 * not crash (fixtures in tests/unit/data/locale/), the catalogue check, and
 * the real catalogues in locale/. Runs from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iniparser.h>

#include "locale/loc.h"

#define FIX "tests/unit/data/locale/"

/* No byte a terminal would act on: C0 controls, DEL, C1 controls. */
static void assert_printable(const char *s)
{
	assert_non_null(s);
	assert_true(utf8_valid(s, strlen(s)));
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		assert_false(*p < 0x20 || *p == 0x7f);
		if (p[0] == 0xC2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9F);
	}
}

static void init_ok(const char *dir)
{
	struct qerr e;
	int rc = loc_init(dir, &e);
	if (rc != 0)
		fail_msg("loc_init(%s): %s %s", dir, e.key, e.detail);
	assert_false(qerr_is_set(&e));
}

/* A report kept outside the test body, so a failing assertion (which leaves
 * the function) does not leak it. */
static struct sbuf report;

static int teardown(void **state)
{
	(void)state;
	sbuf_free(&report);
	loc_free();
	loc_set_lang("sq");
	return 0;
}

/* Problems reported by loc_check on dir, with the report kept in *out. */
static int check(const char *dir, struct sbuf *out)
{
	int n = loc_check(dir, out);
	return n;
}

static bool has_line(const struct sbuf *r, const char *prefix)
{
	return r->s && strstr(r->s, prefix) != NULL;
}

static int count_lines(const struct sbuf *r)
{
	int n = 0;
	for (const char *p = r->s; p && *p; p++)
		n += *p == '\n';
	return n;
}

/* ------------------------------------------------------------- real catalogues */

static void test_real_catalogue_check(void **state)
{
	(void)state;
	init_ok("locale");
	loc_set_lang("en");
	int n = check("locale", &report);
	if (n != 0)
		fail_msg("locale-check found %d problems:\n%s", n, report.s);
	assert_null(report.s);
}

/* Section names of a catalogue, read straight from the file. */
static int sections_of(const char *path, char names[][64], int max)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f) && n < max) {
		char *close = strchr(line, ']');
		if (line[0] == '[' && close && close - line - 1 < 64) {
			*close = '\0';
			strcpy(names[n++], line + 1);
		}
	}
	fclose(f);
	return n;
}

static void test_real_every_en_key_in_sq(void **state)
{
	(void)state;
	char secs[256][64];
	int nsec = sections_of("locale/en.ini", secs, 256), total = 0;
	init_ok("locale");
	assert_true(nsec >= 6);
	for (int s = 0; s < nsec; s++) {
		const char **keys;
		int n = loc_section_keys(secs[s], &keys);
		for (int i = 0; i < n; i++) {
			if (!loc_has("sq", keys[i]))
				fail_msg("%s is in en.ini but not (usable) in sq.ini", keys[i]);
			assert_true(loc_has("en", keys[i]));
		}
		total += n;
		free(keys);
	}
	assert_true(total > 100);
}

/* Plain iniparser 4.1 must load the shipped files too (no BOM, no long line,
 * no stray text), and read exactly the texts our reader does. */
static void agree_with_iniparser(const char *dir, const char *lang)
{
	char path[256], secs[256][64];
	snprintf(path, sizeof path, "%s/%s.ini", dir, lang);
	int nsec = sections_of(path, secs, 256), compared = 0;
	dictionary *d = iniparser_load(path);
	if (!d)
		fail_msg("iniparser_load(%s) rejects the file", path);
	init_ok(dir);
	for (int s = 0; s < nsec; s++) {
		const char **keys;
		int n = loc_section_keys(secs[s], &keys);
		for (int i = 0; i < n; i++) {
			const char *theirs = iniparser_getstring(d, keys[i], NULL);
			assert_non_null(theirs);
			assert_string_equal(loc_str_lang(lang, keys[i]), theirs);
			compared++;
		}
		free(keys);
	}
	assert_true(compared > 0);
	iniparser_freedict(d);
}

static void test_real_catalogue_agrees_with_iniparser(void **state)
{
	(void)state;
	agree_with_iniparser("locale", "en");
	agree_with_iniparser("locale", "sq");
	agree_with_iniparser(FIX "good", "en");
	agree_with_iniparser(FIX "good", "sq");
}

static void test_real_lookups(void **state)
{
	(void)state;
	init_ok("locale");
	assert_int_equal(loc_set_lang("en"), 0);
	assert_string_equal(loc_lang(), "en");
	assert_string_equal(loc_str("common:save"), "Save");
	assert_string_equal(loc_str("role:punonjes_social"), "Registrar");
	assert_int_equal(loc_set_lang("sq"), 0);
	assert_string_equal(loc_lang(), "sq");
	assert_string_equal(loc_str("common:save"), "Ruaj");
	assert_string_equal(loc_str("role:punonjes_social"), "Punonjës social");
	assert_string_equal(loc_str("date:wday_1"), "E hënë");
	/* Keys are case-insensitive, and "err.x" means "err:x". */
	assert_string_equal(loc_str("COMMON:Save"), "Ruaj");
	assert_string_equal(loc_str("err.db_denied"), loc_str("err:db_denied"));
	assert_string_equal(loc_str_lang("en", "common:save"), "Save");
	assert_string_equal(loc_str_lang("xx", "common:save"), "Save");
	assert_string_equal(loc_str_lang(NULL, "common:save"), "Save");
	assert_string_equal(loc_str_lang("sq", "common:yes"), "Po");
}

static void test_set_lang(void **state)
{
	(void)state;
	assert_int_equal(loc_set_lang("en"), 0);
	assert_int_equal(loc_set_lang("de"), -1);
	assert_int_equal(loc_set_lang(NULL), -1);
	assert_int_equal(loc_set_lang(""), -1);
	assert_int_equal(loc_set_lang("SQ"), -1);
	assert_int_equal(loc_set_lang("en\n"), -1);
	assert_string_equal(loc_lang(), "en");
	assert_int_equal(loc_set_lang("sq"), 0);
	assert_string_equal(loc_lang(), "sq");
}

static void test_section_keys(void **state)
{
	(void)state;
	const char **keys = (const char **)(uintptr_t)1;
	init_ok("locale");
	assert_int_equal(loc_section_keys("role", &keys), 5);
	assert_string_equal(keys[0], "role:menaxher");
	assert_string_equal(keys[4], "role:monitorim");
	free(keys);
	assert_int_equal(loc_section_keys("role", NULL), 5);
	assert_int_equal(loc_section_keys("no_such_section", &keys), 0);
	assert_null(keys);
	assert_int_equal(loc_section_keys(NULL, &keys), 0);
	assert_int_equal(loc_section_keys("", &keys), 0);
	assert_int_equal(loc_section_keys("role:menaxher", &keys), 0);
	char big[10001];
	memset(big, 'r', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(loc_section_keys(big, &keys), 0);
	assert_null(keys);
}

/* The English texts built into loc.c for loc_check must not drift from en.ini,
 * and a check run with no catalogue loaded must still read as sentences. */
static void test_builtin_matches_catalogue(void **state)
{
	(void)state;
	const char **keys;
	struct sbuf r = {0};
	init_ok("locale");
	int n = loc_section_keys("loc", &keys), builtin = 0;
	assert_true(n > 20);
	char **names = calloc((size_t)n, sizeof *names), **texts = calloc((size_t)n, sizeof *texts);
	assert_non_null(names);
	assert_non_null(texts);
	for (int i = 0; i < n; i++) {
		names[i] = strdup(keys[i]);
		texts[i] = strdup(loc_str_lang("en", keys[i]));
	}
	free(keys);
	loc_free();
	for (int i = 0; i < n; i++) {
		const char *b = loc_str(names[i]);
		if (strcmp(b, names[i]) != 0) {
			builtin++;
			if (strcmp(b, texts[i]) != 0)
				fail_msg("loc_builtin %s differs from en.ini:\n%s\n%s", names[i], b,
				         texts[i]);
		}
		free(names[i]);
		free(texts[i]);
	}
	free(names);
	free(texts);
	assert_true(builtin >= 21);
	int np = check(FIX "hostile", &r);
	assert_true(np > 20);
	assert_false(has_line(&r, ": loc:"));
	assert_true(has_line(&r, "key h:dup appears again (first on line 11)"));
	sbuf_free(&r);
}

/* ------------------------------------------------------------- fallbacks */

static void test_good_fixture(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "good");
	assert_string_equal(loc_str_lang("sq", "t:hello"), "Përshëndetje");
	assert_string_equal(loc_str_lang("en", "t:hello"), "Hello");
	assert_int_equal(check(FIX "good", &r), 0);
	assert_int_equal(loc_section_keys("u", NULL), 3);
	sbuf_free(&r);
}

static void test_fallback_to_english(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "missing");
	loc_set_lang("sq");
	assert_string_equal(loc_str("t:hello"), "Përshëndetje");
	assert_string_equal(loc_str("t:only_en"), "Only in English");
	assert_false(loc_has("sq", "t:only_en"));
	assert_true(loc_has("en", "t:only_en"));
	assert_int_equal(check(FIX "missing", &r), 1);
	assert_true(has_line(&r, FIX "missing/en.ini:3: "));
	assert_true(has_line(&r, "t:only_en"));
	sbuf_free(&r);
}

static void test_key_itself_when_missing_everywhere(void **state)
{
	(void)state;
	char buf[32];
	init_ok(FIX "good");
	assert_string_equal(loc_str("nowhere:nothing"), "nowhere:nothing");
	assert_string_equal(loc_str("t"), "t"); /* a section name */
	assert_string_equal(loc_str("u"), "u");
	assert_string_equal(loc_str("plain"), "plain");
	assert_string_equal(loc_str(NULL), "?");
	assert_string_equal(loc_str(""), "?");
	/* The returned text must outlive the caller's buffer. */
	strcpy(buf, "gone:soon");
	const char *s = loc_str(buf);
	memset(buf, 'Z', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	assert_string_equal(s, "gone:soon");
	assert_ptr_equal(loc_str("gone:soon"), s);
	assert_false(loc_has("en", "nowhere:nothing"));
	assert_false(loc_has("sq", NULL));
}

static void test_before_init_and_after_free(void **state)
{
	(void)state;
	loc_free();
	assert_string_equal(loc_str("common:save"), "common:save");
	assert_true(strstr(loc_str("loc:missing_catalogue"), "en.ini") != NULL);
	const char **keys;
	assert_int_equal(loc_section_keys("role", &keys), 0);
	loc_free();
	loc_free();
}

static void test_no_english(void **state)
{
	(void)state;
	struct qerr e;
	char msg[512];
	struct sbuf r = {0};
	init_ok(FIX "good");
	assert_int_equal(loc_init(FIX "no_en", &e), -1);
	assert_string_equal(e.key, "loc:missing_catalogue");
	assert_true(strstr(e.detail, "no_en/en.ini") != NULL);
	/* The catalogue loaded before stays in use. */
	assert_string_equal(loc_str_lang("en", "t:hello"), "Hello");
	loc_free();
	/* With nothing loaded, the built-in text still explains the problem. */
	loc_err(&e, msg, sizeof msg);
	assert_true(strstr(msg, "QENDRA_LOCALE_DIR") != NULL);
	assert_true(strstr(msg, "no_en/en.ini") != NULL);
	assert_int_equal(loc_init("/nonexistent/qendra", &e), -1);
	assert_string_equal(e.key, "loc:missing_catalogue");
	assert_int_equal(loc_init(FIX "longline/en.ini", &e), -1); /* a file, not a dir */
	assert_int_equal(check(FIX "no_en", &r), 1);
	assert_true(has_line(&r, FIX "no_en/en.ini:0: "));
	sbuf_free(&r);
	assert_int_equal(check("/nonexistent/qendra", NULL), 2);
}

static void test_search_path(void **state)
{
	(void)state;
	struct qerr e;
	setenv("QENDRA_LOCALE_DIR", FIX "good", 1);
	assert_int_equal(loc_init(NULL, &e), 0);
	assert_string_equal(loc_str_lang("en", "t:hello"), "Hello");
	assert_int_equal(loc_check(NULL, NULL), 0);
	setenv("QENDRA_LOCALE_DIR", FIX "no_en", 1);
	/* Not there: the search goes on; whatever it finds, it must not crash. */
	int rc = loc_init(NULL, &e);
	if (rc != 0) {
		assert_string_equal(e.key, "loc:missing_catalogue");
		assert_true(strstr(e.detail, "no_en") != NULL);
	}
	unsetenv("QENDRA_LOCALE_DIR");
}

/* ------------------------------------------------------------- damaged catalogues */

static void test_bom(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "bom");
	assert_string_equal(loc_str_lang("en", "t:hello"), "Hello");
	assert_string_equal(loc_str_lang("sq", "t:hello"), "Përshëndetje");
	assert_int_equal(check(FIX "bom", &r), 1);
	assert_true(has_line(&r, FIX "bom/en.ini:1: "));
	sbuf_free(&r);
}

static void test_long_line(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "longline");
	assert_int_equal(strlen(loc_str_lang("en", "t:long")), 1991);
	assert_string_equal(loc_str_lang("en", "t:after"), "still here");
	assert_string_equal(loc_str_lang("sq", "t:after"), "ende këtu");
	assert_int_equal(check(FIX "longline", &r), 1);
	assert_true(has_line(&r, FIX "longline/en.ini:2: "));
	sbuf_free(&r);
	/* The message names the length, in the catalogue's words. */
	init_ok("locale");
	loc_set_lang("en");
	assert_int_equal(check(FIX "longline", &r), 1);
	assert_true(has_line(&r, "2000 bytes"));
	sbuf_free(&r);
}

static void test_unquoted_semicolon(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "semicolon");
	/* Cut at ; exactly as iniparser would, so what we show is what it reads. */
	assert_string_equal(loc_str_lang("en", "t:unq"), "Save");
	assert_string_equal(loc_str_lang("sq", "t:unq"), "Ruaj; pastaj dil");
	assert_int_equal(check(FIX "semicolon", &r), 1);
	assert_true(has_line(&r, FIX "semicolon/en.ini:2: "));
	sbuf_free(&r);
}

static void test_key_named_like_section(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "section_key");
	loc_set_lang("sq");
	/* "x" names a section: iniparser hands back NULL for it (the value that
	 * crashes its getint); we must show the key, not crash. */
	assert_string_equal(loc_str("x"), "x");
	assert_string_equal(loc_str("y"), "y");
	assert_string_equal(loc_str("x:x"), "iks");
	assert_string_equal(loc_str("y:x"), "ipsilon");
	assert_string_equal(loc_str_lang("en", "x:x"), "ex");
	assert_false(loc_has("en", "x"));
	assert_int_equal(loc_section_keys("x", NULL), 1);
	assert_int_equal(check(FIX "section_key", &r), 2); /* once per file */
	assert_true(has_line(&r, FIX "section_key/en.ini:2: "));
	assert_true(has_line(&r, FIX "section_key/sq.ini:2: "));
	sbuf_free(&r);
}

static void test_placeholder_mismatch(void **state)
{
	(void)state;
	struct sbuf r = {0};
	char out[64];
	init_ok(FIX "placeholders");
	loc_set_lang("sq");
	/* The Albanian text would swap %d and %s: English is shown instead. */
	assert_string_equal(loc_str("t:n"), "%d of %s");
	assert_false(loc_has("sq", "t:n"));
	loc_fmt(out, sizeof out, "t:n", 3, "tetë");
	assert_string_equal(out, "3 of tetë");
	assert_string_equal(loc_str("t:ok"), "%s u ruajt");
	assert_int_equal(check(FIX "placeholders", &r), 1);
	assert_true(has_line(&r, FIX "placeholders/sq.ini:2: "));
	assert_true(has_line(&r, "%s %d"));
	assert_true(has_line(&r, "%d %s"));
	sbuf_free(&r);
}

static void test_hostile_catalogue(void **state)
{
	(void)state;
	struct sbuf r = {0};
	init_ok(FIX "hostile");
	loc_set_lang("en");
	const char *keys[] = {"h:esc",       "h:bad",         "h:rtl",          "h:nul",
	                      "h:noclose",   "h:after",       "h:upper",        "h:dup",
	                      "bad name:c1", "bad name:drop", "bad name:empty", "orphan",
	                      ":orphan",     "h:slash"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_printable(loc_str(keys[i]));
	assert_string_equal(loc_str("h:esc"), "red?[31mtext");
	assert_string_equal(loc_str("h:bad"), "caf?");
	assert_string_equal(loc_str("h:rtl"), "\u202eevil \u200fmark");
	assert_string_equal(loc_str("h:nul"), "a?b");
	assert_string_equal(loc_str("h:noclose"), "open");
	assert_string_equal(loc_str("h:after"), "x");
	assert_string_equal(loc_str("h:upper"), "up");
	assert_string_equal(loc_str("h:dup"), "two");
	assert_string_equal(loc_str("bad name:c1"), "?31m");
	assert_string_equal(loc_str("bad name:empty"), "bad name:empty");
	assert_string_equal(loc_str("bad name:drop"), "'; DROP TABLE person; --");
	assert_string_equal(loc_str("h:colon:k"), "in a colon section");
	assert_string_equal(loc_str("h:colon"), "h:colon"); /* a section entry: NULL value */
	assert_string_equal(loc_str_lang("sq", "h:esc"), "kuq");

	int n = check(FIX "hostile", &r);
	assert_int_equal(n, count_lines(&r));
	static const char *const want[] = {
	    "en.ini:1: ",  "en.ini:3: ",  "en.ini:4: ",  "en.ini:6: ",  "en.ini:7: ",
	    "en.ini:8: ",  "en.ini:9: ",  "en.ini:10: ", "en.ini:12: ", "en.ini:13: ",
	    "en.ini:14: ", "en.ini:15: ", "en.ini:17: ", "en.ini:19: ", "en.ini:20: ",
	    "en.ini:18: ", "en.ini:21: ",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!has_line(&r, want[i]))
			fail_msg("no problem reported at %s in:\n%s", want[i], r.s);
	assert_false(has_line(&r, "en.ini:5: "));  /* RTL marks are text */
	assert_false(has_line(&r, "en.ini:16: ")); /* '; DROP TABLE quoted is fine */
	for (char *q = r.s; *q; q++)
		if (*q == '\n')
			*q = ' ';
	assert_printable(r.s);
	sbuf_free(&r);
}

static void test_hostile_lookups(void **state)
{
	(void)state;
	char *big = malloc(10001);
	assert_non_null(big);
	memset(big, 'k', 10000);
	big[10000] = '\0';
	big[5] = ':';
	init_ok("locale");
	const char *s = loc_str(big);
	assert_string_equal(s, big);
	const char *odd[] = {"'; DROP TABLE person; --",
	                     "err:\xff\xfe",
	                     "\x1b[2J:x",
	                     "common:\xe2\x80\xaesave",
	                     "common:save\n",
	                     "::",
	                     ":",
	                     ".",
	                     "common:",
	                     ":save",
	                     "\xc2\x9b:x",
	                     "a.b.c"};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		const char *v = loc_str(odd[i]);
		assert_printable(v);
		assert_true(v[0] != '\0');
	}
	assert_string_equal(loc_str("\x1b[2J:x"), "?[2J:x");
	free(big);
}

/* ------------------------------------------------------------- formatting */

static void test_loc_fmt(void **state)
{
	(void)state;
	char out[128];
	init_ok(FIX "fmt");
	loc_set_lang("en");
	loc_fmt(out, sizeof out, "f:all", "s", -4, (size_t)7, 123456789012LL, 2.25, 255u, 'c',
	        "ab");
	assert_string_equal(out, "s|-4|7|123456789012|  2.2|ff|c|%|ab  |");
	loc_fmt(out, sizeof out, "f:odd", 5);
	assert_string_equal(out, "50% done, %q, %n, %*d, %1$s, 5");
	loc_fmt(out, sizeof out, "f:null", (const char *)NULL);
	assert_string_equal(out, "[?]");
	loc_fmt(out, sizeof out, "f:missing_key");
	assert_string_equal(out, "f:missing_key");
	/* Truncation never splits a UTF-8 sequence: "Çxë" cut to fit 4 bytes. */
	loc_fmt(out, 4, "f:acc", "x");
	assert_string_equal(out, "Çx");
	loc_fmt(out, 3, "f:acc", "x");
	assert_string_equal(out, "Ç");
	loc_fmt(out, 2, "f:acc", "x");
	assert_string_equal(out, "");
	loc_fmt(NULL, 0, "f:acc", "x");
	char big[20000];
	char *arg = malloc(15000);
	memset(arg, 'z', 14999);
	arg[14999] = '\0';
	loc_fmt(big, sizeof big, "f:null", arg);
	assert_int_equal(strlen(big), 15001);
	free(arg);
}

static void test_loc_err(void **state)
{
	(void)state;
	struct qerr e;
	char out[512];
	init_ok("locale");
	loc_set_lang("en");

	qerr_set(&e, "err:db_denied", NULL);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "Your role may not do this.");

	/* A text ending in a colon takes the detail without a second colon. */
	qerr_set(&e, "err:appt_counsellor_busy", "11.03.2026 10:00-10:50");
	loc_err(&e, out, sizeof out);
	assert_null(strstr(out, "::"));
	assert_non_null(strstr(out, "with: 11.03.2026 10:00-10:50"));

	qerr_set(&e, "err:db_open", "/srv/qendra.db");
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "The database could not be opened. Check that the file exists and "
	                         "that you may read it: /srv/qendra.db");

	qerr_set(&e, "err:db_too_new", "%d\t%d", 9, 4);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out,
	                    "This database was made by a newer qendra (schema 9); this version "
	                    "understands up to 4. Nothing was changed.");
	qerr_set(&e, "err:db_too_new", "7 > 5");
	loc_err(&e, out, sizeof out);
	assert_true(strstr(out, "(schema 7); this version understands up to 5. Nothing") != NULL);
	qerr_set(&e, "err:db_too_new", "9\t3\textra");
	loc_err(&e, out, sizeof out);
	assert_true(strstr(out, "(schema 9); this version understands up to 3. Nothing was "
	                        "changed: extra") != NULL);
	qerr_set(&e, "err:db_too_new", "9\t");
	loc_err(&e, out, sizeof out);
	assert_true(strstr(out, "(schema 9); this version understands up to . Nothing") != NULL);
	/* Words that do not fit: no guessing, the detail is shown after. */
	qerr_set(&e, "err:db_too_new", "9");
	loc_err(&e, out, sizeof out);
	assert_true(strstr(out, "(schema ?); this version understands up to ?. Nothing was "
	                        "changed: 9") != NULL);
	qerr_set(&e, "err:db_too_new", NULL);
	loc_err(&e, out, sizeof out);
	assert_true(strstr(out, "(schema ?); this version understands up to ?. Nothing was "
	                        "changed.") != NULL);

	loc_set_lang("sq");
	qerr_set(&e, "err.db_denied", NULL);
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "Roli juaj nuk e lejon këtë veprim.");

	/* Control characters and bad UTF-8 in the detail never reach the screen. */
	qerr_set(&e, "no:such_key", "a\x1b[31m\xff\tb");
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "no:such_key: a?[31m? b");

	/* A tiny buffer cuts at a character boundary. */
	qerr_set(&e, "err:db_denied", NULL);
	loc_err(&e, out, 12);
	assert_string_equal(out, "Roli juaj n");
	loc_err(&e, out, 1);
	assert_string_equal(out, "");

	qerr_clear(&e);
	strcpy(out, "junk");
	loc_err(&e, out, sizeof out);
	assert_string_equal(out, "");
	strcpy(out, "junk");
	loc_err(NULL, out, sizeof out);
	assert_string_equal(out, "");
	loc_err(&e, NULL, 0);

	/* An unterminated key or detail (a struct from nowhere) stays in bounds. */
	memset(&e, 'A', sizeof e);
	loc_err(&e, out, sizeof out);
	assert_printable(out);
	assert_int_equal(strlen(out), sizeof e.key + 2 + sizeof e.detail);
}

static void test_loc_date(void **state)
{
	(void)state;
	char d[11];
	loc_date("2026-03-07", d);
	assert_string_equal(d, "07.03.2026");
	loc_date("1999-12-31 23:59:59", d);
	assert_string_equal(d, "31.12.1999");
	loc_date("2024-02-29T10:00", d);
	assert_string_equal(d, "29.02.2024");
	loc_date("2024-13-01", d);
	assert_string_equal(d, "2024-13-01");
	loc_date("2024-00-10", d);
	assert_string_equal(d, "2024-00-10");
	loc_date("2024-01-32", d);
	assert_string_equal(d, "2024-01-32");
	loc_date("2024-1-5", d);
	assert_string_equal(d, "2024-1-5");
	loc_date("2024-01-05x", d);
	assert_string_equal(d, "2024-01-05");
	loc_date("", d);
	assert_string_equal(d, "");
	loc_date(NULL, d);
	assert_string_equal(d, "");
	loc_date("'; DROP TABLE person; --", d);
	assert_string_equal(d, "'; DROP TA");
	loc_date("ççççççç", d); /* 14 bytes: cut to 10, never mid-letter */
	assert_string_equal(d, "ççççç");
	loc_date("abcdefghiç", d);
	assert_string_equal(d, "abcdefghi");
	loc_date("07.03.2026", d);
	assert_string_equal(d, "07.03.2026");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_real_catalogue_check, teardown),
	    cmocka_unit_test_teardown(test_real_every_en_key_in_sq, teardown),
	    cmocka_unit_test_teardown(test_real_catalogue_agrees_with_iniparser, teardown),
	    cmocka_unit_test_teardown(test_real_lookups, teardown),
	    cmocka_unit_test_teardown(test_set_lang, teardown),
	    cmocka_unit_test_teardown(test_section_keys, teardown),
	    cmocka_unit_test_teardown(test_builtin_matches_catalogue, teardown),
	    cmocka_unit_test_teardown(test_good_fixture, teardown),
	    cmocka_unit_test_teardown(test_fallback_to_english, teardown),
	    cmocka_unit_test_teardown(test_key_itself_when_missing_everywhere, teardown),
	    cmocka_unit_test_teardown(test_before_init_and_after_free, teardown),
	    cmocka_unit_test_teardown(test_no_english, teardown),
	    cmocka_unit_test_teardown(test_search_path, teardown),
	    cmocka_unit_test_teardown(test_bom, teardown),
	    cmocka_unit_test_teardown(test_long_line, teardown),
	    cmocka_unit_test_teardown(test_unquoted_semicolon, teardown),
	    cmocka_unit_test_teardown(test_key_named_like_section, teardown),
	    cmocka_unit_test_teardown(test_placeholder_mismatch, teardown),
	    cmocka_unit_test_teardown(test_hostile_catalogue, teardown),
	    cmocka_unit_test_teardown(test_hostile_lookups, teardown),
	    cmocka_unit_test_teardown(test_loc_fmt, teardown),
	    cmocka_unit_test_teardown(test_loc_err, teardown),
	    cmocka_unit_test_teardown(test_loc_date, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
