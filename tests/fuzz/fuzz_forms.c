/*
 * fuzz_forms — libFuzzer target for every parser in forms/.
 *
 * Not built by the Makefile. Build and run by hand from the repository root:
 *   mkdir -p build && clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=undefined \
 *     -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -I. \
 *     tests/fuzz/fuzz_forms.c forms/form*.c util/util.c -o build/fuzz_forms
 *   ./build/fuzz_forms -max_total_time=300 -max_len=4096
 *
 * Each input goes to every validator. Besides the sanitizers' checks, the
 * target traps when an invariant breaks: an accepted value must be valid
 * UTF-8 within its limits, and validating a normalised value again must give
 * the same value (normalisation is idempotent).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forms/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static bool valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void fuzz_one(const char *in)
{
	char a[FORM_NAME_SIZE], b[FORM_NAME_SIZE], p1[FORM_PHONE_SIZE], p2[FORM_PHONE_SIZE];
	char *t = NULL, *t2 = NULL;
	struct qerr e;
	long l;
	int n, n2;

	if (form_name(in, a, sizeof a, &e) == 0) {
		CHECK(valid(a) && utf8_len(a) >= 1 && utf8_len(a) <= FORM_NAME_MAX);
		CHECK(form_name(a, b, sizeof b, &e) == 0 && !strcmp(a, b));
	} else {
		CHECK(qerr_is_set(&e) && a[0] == '\0');
	}

	for (int ml = 0; ml < 2; ml++) {
		if (form_text(in, 500, ml, true, &t, &e) == 0) {
			CHECK(valid(t) && utf8_len(t) <= 500);
			CHECK(ml || !strchr(t, '\n'));
			CHECK(form_text(t, 500, ml, true, &t2, &e) == 0 && !strcmp(t, t2));
			free(t2);
			free(t);
		} else {
			CHECK(t == NULL && qerr_is_set(&e));
		}
	}

	form_search_clean(in, a, sizeof a);
	CHECK(valid(a) && utf8_len(a) <= FORM_SEARCH_MAX);
	form_search_clean(a, b, sizeof b);
	CHECK(!strcmp(a, b));
	form_search_clean(in, p1, 7); /* a small buffer is never cut inside a character */
	CHECK(valid(p1) && strlen(p1) < 7);

	if (form_date(in, "2026-03-15", a, &e) == 0) {
		int y, m, d;
		CHECK(form_iso_parse(a, &y, &m, &d) && y >= FORM_YEAR_MIN && y <= FORM_YEAR_MAX);
		CHECK(form_date(a, "2026-03-15", b, &e) == 0 && !strcmp(a, b));
		form_date_display(a, b);
		CHECK(form_date(b, NULL, p1, &e) == 0 && !strcmp(a, p1));
		form_days_to_date(form_date_to_days(a), b);
		CHECK(!strcmp(a, b));
		CHECK(form_weekday(a) >= 1 && form_weekday(a) <= 7);
	}
	if (form_birth_date(in, "2026-03-15", a, &e) == 0) {
		CHECK(strcmp(a, "1900-01-01") >= 0 && strcmp(a, "2026-03-15") <= 0);
		CHECK(form_age_on(a, 0, "2026-03-15") >= 0);
	}
	if (form_birth_year(in, 2026, &n, &e) == 0)
		CHECK(n >= 1900 && n <= 2026);

	if (form_phone(in, p1, sizeof p1, p2, sizeof p2, &e) == 0) {
		char q1[FORM_PHONE_SIZE], q2[FORM_PHONE_SIZE];
		CHECK(!strncmp(p2, "355", 3) && strspn(p2, "0123456789") == strlen(p2));
		CHECK(form_phone(p1, q1, sizeof q1, q2, sizeof q2, &e) == 0);
		CHECK(!strcmp(p1, q1) && !strcmp(p2, q2));
		CHECK(form_phone(p2, q1, sizeof q1, q2, sizeof q2, &e) == 0);
		CHECK(!strcmp(p1, q1) && !strcmp(p2, q2));
	}

	if (form_nid(in, a, &e) == 0)
		CHECK(strlen(a) == 10 && form_nid(a, b, &e) == 0 && !strcmp(a, b));
	if (form_family_code(in, a, &e) == 0)
		CHECK(strlen(a) == 13 && form_family_code(a, b, &e) == 0 && !strcmp(a, b));
	if (form_username(in, a, &e) == 0)
		CHECK(form_username(a, b, &e) == 0 && !strcmp(a, b));
	if (form_password(in, "ana", &e) != 0)
		CHECK(e.detail[0] == '\0');

	if (form_int(in, -1000, 1000, &l, &e) == 0)
		CHECK(l >= -1000 && l <= 1000);
	if (form_time(in, &n, &e) == 0) {
		char hm[6];
		CHECK(n >= 0 && n < 1440);
		form_time_str(n, hm);
		CHECK(form_time(hm, &n2, &e) == 0 && n2 == n);
	}
	if (form_duration(in, 1, 1440, &n, &e) == 0)
		CHECK(n >= 1 && n <= 1440);

	static const char *const keys[] = {"walk_in", "outreach", "school"};
	if (form_choice(in, keys, 3, &n, &e) == 0)
		CHECK(n >= 0 && n < 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The validators take C strings: cut at the first NUL, as a terminal would. */
	char *in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	fuzz_one(in);

	/* The form model on the same text, in a few kinds of field at once. */
	struct form_field f[] = {
	    {.key = "a", .kind = FORM_NAME, .required = true},
	    {.key = "b", .kind = FORM_NOTE, .max = 50},
	    {.key = "c", .kind = FORM_BIRTH_DATE},
	    {.key = "d", .kind = FORM_PHONE},
	    {.key = "u", .kind = FORM_USERNAME},
	    {.key = "p", .kind = FORM_PASSWORD, .ref_key = "u"},
	};
	int nf = (int)(sizeof f / sizeof f[0]);
	for (int i = 0; i < nf; i++)
		form_field_set(&f[i], in);
	int bad = form_validate_all(f, nf, "2026-03-15");
	CHECK(bad >= 0 && bad <= nf);
	for (int i = 0; i < nf; i++) {
		CHECK(!strcmp(f[i].value, in)); /* the typed text is never changed */
		if (qerr_is_set(&f[i].err))
			CHECK(f[i].norm == NULL && f[i].extra == NULL);
	}
	form_fields_free(f, nf);
	free(in);
	return 0;
}
