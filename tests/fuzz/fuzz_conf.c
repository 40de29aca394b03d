/*
 * libFuzzer target for the configuration loader (conf_load_buffer: the raw
 * text checks, libconfig's parser and the walk against the settings table).
 *
 * Build and run from the repository root:
 *   mkdir -p build && clang -g -O1 -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -I. \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *     tests/fuzz/fuzz_conf.c conf/conf.c util/util.c -lconfig -o build/fuzz_conf
 *   mkdir -p build/corpus-conf && ./build/fuzz_conf -max_total_time=120 \
 *     build/corpus-conf tests/unit/data/conf etc
 *
 * Besides crashes and sanitizer reports it checks the contract: a failed
 * load leaves the configuration as it was and names the file in an error
 * free of control characters; a good one holds only valid, in-range values
 * and dumps to text that loads back to the same values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5 leaks parser memory on some syntax errors; not ours to fix. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	check(n < cap);
	check(utf8_valid(s, n));
	for (size_t i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check_list(const struct conf_list *l)
{
	check(l->n >= 1 && l->n <= CONF_LIST_MAX);
	for (int i = 0; i < l->n; i++) {
		const struct conf_item *it = &l->items[i];
		size_t n = strnlen(it->key, sizeof it->key);
		check(n >= 1 && n <= 32);
		for (size_t j = 0; j < n; j++)
			check(strchr("abcdefghijklmnopqrstuvwxyz0123456789_", it->key[j]) != NULL);
		check_text(it->sq, sizeof it->sq);
		check_text(it->en, sizeof it->en);
		check(it->min <= it->max);
		for (int j = 0; j < i; j++)
			check(strcmp(l->items[j].key, it->key) != 0);
	}
}

static void check_conf(const struct conf *c)
{
	check_text(c->centre_name, sizeof c->centre_name);
	check_text(c->db_path, sizeof c->db_path);
	check_text(c->backup_dir, sizeof c->backup_dir);
	check_text(c->locale_dir, sizeof c->locale_dir);
	check(c->municipality[0] == '\0' || conf_municipality_code(c) != NULL);
	check(strcmp(c->language, "sq") == 0 || strcmp(c->language, "en") == 0);
	check(c->busy_timeout_ms >= 100 && c->busy_timeout_ms <= 60000);
	check(c->idle_lock_minutes >= 1 && c->idle_lock_minutes <= 240);
	check(c->open_min >= 0 && c->open_min < c->close_min && c->close_min < 24 * 60);
	check(c->weekdays > 0 && c->weekdays < 128);
	check(c->risk_medium_at < c->risk_high_at);
	check(c->dropout_flag_score >= 1 && c->dropout_flag_score <= 100);
	check_list(&c->risk_factors);
	check_list(&c->visit_purposes);
	check_list(&c->services);
	check_list(&c->counselling_types);
	check_list(&c->rooms);
	check_list(&c->subjects);
	check_list(&c->activity_types);
	check_list(&c->age_bands);
	for (int i = 0; i < c->age_bands.n; i++)
		for (int j = 0; j < i; j++)
			check(c->age_bands.items[i].min > c->age_bands.items[j].max ||
			      c->age_bands.items[j].min > c->age_bands.items[i].max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int env_set;
	if (!env_set) {
		/* Fixed places so that runs are repeatable. */
		setenv("HOME", "/nonexistent-fuzz-home", 1);
		unsetenv("XDG_DATA_HOME");
		env_set = 1;
	}
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	char *before = conf_dump(&c);
	int rc = conf_load_buffer(&c, (const char *)data, size, "fuzz.cfg", "/base", &e);
	if (rc < 0) {
		check(qerr_is_set(&e));
		check(strncmp(e.key, "conf:", 5) == 0);
		check(strstr(e.detail, "fuzz.cfg") != NULL);
		for (const char *p = e.detail; *p; p++)
			check((unsigned char)*p >= 0x20 && *p != 0x7f);
		char *after = conf_dump(&c);
		check(strcmp(before, after) == 0);
		free(after);
	} else {
		check(rc == 0 && !qerr_is_set(&e));
		check_conf(&c);
		char *text = conf_dump(&c);
		struct conf d;
		conf_defaults(&d);
		check(conf_load_buffer(&d, text, strlen(text), "dump", NULL, &e) == 0);
		char *again = conf_dump(&d);
		check(strcmp(text, again) == 0);
		free(again);
		free(text);
		conf_free(&d);
	}
	free(before);
	conf_free(&c);
	return 0;
}
