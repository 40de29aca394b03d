/*
 * libFuzzer target for locale/: the catalogue reader (loc_init), the
 * catalogue check (loc_check), lookups of keys taken from the input, error
 * formatting (loc_err, with the detail filling placeholders) and loc_date.
 *
 * Not built by the Makefile. Build and run by hand from the repository root:
 *
 *   mkdir -p build/fuzz-corpus
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *     -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -I. -I/usr/include/iniparser \
 *     tests/fuzz/fuzz_locale.c locale/loc.c util/util.c -liniparser -o build/fuzz_locale
 *   ./build/fuzz_locale -max_total_time=300 build/fuzz-corpus \
 *     tests/unit/data/locale/good tests/unit/data/locale/hostile locale
 *
 * Input layout: byte 0 chooses where the rest is cut in two; the first part
 * becomes en.ini, the second sq.ini, in a private temporary directory.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locale/loc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char en_path[96], sq_path[96];

static void put(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (n && fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

static void check_text(const char *s)
{
	/* Whatever the catalogue holds, what we hand out is never NULL or blank
	 * and carries no terminal control bytes. */
	if (!s || !*s)
		abort();
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		strcpy(dir, "/tmp/qendra-fuzz-locale-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(en_path, sizeof en_path, "%s/en.ini", dir);
		snprintf(sq_path, sizeof sq_path, "%s/sq.ini", dir);
	}
	if (size < 1)
		return 0;
	size_t rest = size - 1, cut = rest * data[0] / 255;
	put(en_path, data + 1, cut);
	put(sq_path, data + 1 + cut, rest - cut);

	struct qerr e;
	if (loc_init(dir, &e) != 0)
		abort(); /* en.ini exists, so loading must succeed */

	/* Keys: every line of the input, as is, cut at '=' and with a '.' form. */
	char key[300];
	const uint8_t *p = data + 1, *end = data + size;
	for (int i = 0; i < 64 && p < end; i++) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		size_t k = n < sizeof key - 1 ? n : sizeof key - 1;
		memcpy(key, p, k);
		key[k] = '\0';
		loc_set_lang(i & 1 ? "sq" : "en");
		check_text(loc_str(key));
		char *eq = strchr(key, '=');
		if (eq) {
			*eq = '\0';
			check_text(loc_str(key));
			check_text(loc_str_lang("sq", key));
			loc_has("sq", key);
		}
		const char **keys;
		int nk = loc_section_keys(key, &keys);
		for (int j = 0; j < nk; j++)
			check_text(loc_str(keys[j]));
		free(keys);

		/* The line as the text of an error whose detail is the input. */
		struct qerr q;
		qerr_clear(&q);
		memcpy(q.key, key, strlen(key) < sizeof q.key ? strlen(key) + 1 : sizeof q.key);
		memcpy(q.detail, p, n < sizeof q.detail ? n : sizeof q.detail);
		q.detail[n < sizeof q.detail ? n : sizeof q.detail - 1] = '\0';
		char out[128];
		loc_err(&q, out, sizeof out);
		if (out[0])
			check_text(out);
		loc_err(&q, out, 1 + (size_t)(i % 16));
		char d[11];
		loc_date(key, d);
		if (strlen(d) > 10)
			abort();
		p = nl ? nl + 1 : end;
	}

	struct sbuf r = {0};
	int np = loc_check(dir, &r);
	if (np < 0 || (np > 0 && !r.s))
		abort();
	sbuf_free(&r);
	loc_free();
	return 0;
}
