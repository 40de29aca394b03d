/*
 * Unit tests of conf/: defaults, the example file, errors with file and
 * line, hostile values, XDG places, overriding, the rules. Run from the
 * repository root (fixtures are in tests/unit/data/conf/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"

#define DATA "tests/unit/data/conf/"

/* A fresh HOME with no XDG variables, made by the group setup. */
static char home[256];

/* ---- helpers ------------------------------------------------------------- */

/* Write `len` bytes to a new temporary file; returns its malloc'd path. */
static char *write_tmp(const char *text, size_t len)
{
	char *path = xasprintf("%s/conf-XXXXXX", home);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/*
 * Load `text` from a temporary file over `c`; the file's path goes to
 * path_out (may be NULL) so tests can look for it in the error.
 */
static int load_text_n(struct conf *c, const char *text, size_t len, struct qerr *e, char *path_out,
                       size_t n)
{
	char *path = write_tmp(text, len);
	int rc = conf_load_file(c, path, e);
	if (path_out)
		util_strlcpy(path_out, path, n);
	unlink(path);
	free(path);
	return rc;
}

static int load_text(struct conf *c, const char *text, struct qerr *e)
{
	return load_text_n(c, text, strlen(text), e, NULL, 0);
}

/* Load `text` over the defaults and expect failure with `key`; returns nothing, asserts. */
static void expect_error(const char *text, const char *key, const char *in_detail, int line)
{
	struct conf c;
	struct qerr e;
	char path[512];
	conf_defaults(&c);
	int rc = load_text_n(&c, text, strlen(text), &e, path, sizeof path);
	if (rc == 0 || strcmp(e.key, key) != 0 || (in_detail && !strstr(e.detail, in_detail)) ||
	    (line && e.line != line) || !strstr(e.detail, path))
		print_error("text: %s\nwant %s (%s) line %d\ngot rc %d %s: %s line %d\n", text, key,
		            in_detail ? in_detail : "", line, rc, e.key, e.detail, e.line);
	assert_int_equal(rc, -1);
	assert_string_equal(e.key, key);
	if (in_detail)
		assert_non_null(strstr(e.detail, in_detail));
	if (line)
		assert_int_equal(e.line, line);
	assert_non_null(strstr(e.detail, path));
	conf_free(&c);
}

static void expect_ok(const char *text, struct conf *c)
{
	struct qerr e;
	conf_defaults(c);
	int rc = load_text(c, text, &e);
	if (rc != 0)
		print_error("text: %s\ngot %s: %s\n", text, e.key, e.detail);
	assert_int_equal(rc, 0);
	assert_false(qerr_is_set(&e));
}

/* Two configurations hold the same values, setting by setting. */
static void assert_conf_equal(const struct conf *a, const struct conf *b)
{
	char va[8192], vb[8192];
	for (int i = 0; i < conf_settings_count(); i++) {
		conf_setting_value(a, i, va, sizeof va);
		conf_setting_value(b, i, vb, sizeof vb);
		if (strcmp(va, vb) != 0)
			print_error("%s: %s != %s\n", conf_setting_name(i), va, vb);
		assert_string_equal(va, vb);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(home, sizeof home, "/tmp/qendra-test-conf-XXXXXX");
	if (!mkdtemp(home))
		return -1;
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", home);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* ---- the settings, as the issue states them ------------------------------ */

struct int_spec {
	const char *section, *name;
	int min, max, def;
	size_t off;
};
#define SPEC(s, n, lo, hi, d, f)                                                                   \
	{                                                                                          \
		s, n, lo, hi, d, offsetof(struct conf, f)                                          \
	}
static const struct int_spec ints[] = {
    SPEC("database", "busy_timeout_ms", 100, 60000, 5000, busy_timeout_ms),
    SPEC("backup", "keep", 1, 365, 14, backup_keep),
    SPEC("ui", "idle_lock_minutes", 1, 240, 10, idle_lock_minutes),
    SPEC("ui", "esc_delay_ms", 10, 1000, 100, esc_delay_ms),
    SPEC("security", "max_failed_logins", 1, 20, 5, max_failed_logins),
    SPEC("security", "lockout_minutes", 1, 1440, 15, lockout_minutes),
    SPEC("referral", "overdue_days", 1, 365, 14, referral_overdue_days),
    SPEC("risk", "rescreen_months", 1, 24, 6, rescreen_months),
    SPEC("dropout", "absences_in_row", 1, 30, 3, dropout_absences_in_row),
    SPEC("dropout", "min_rate_percent", 1, 100, 75, dropout_min_rate_percent),
    SPEC("dropout", "window_weeks", 1, 26, 4, dropout_window_weeks),
    SPEC("dropout", "min_sessions", 1, 100, 4, dropout_min_sessions),
    SPEC("dropout", "weight_irregular", 0, 10, 1, dropout_weight_irregular),
    SPEC("dropout", "weight_dropped_out", 0, 10, 2, dropout_weight_dropped_out),
    SPEC("dropout", "weight_risk_factor", 0, 10, 1, dropout_weight_risk_factor),
    SPEC("dropout", "flag_score", 1, 100, 3, dropout_flag_score),
};

static int int_at(const struct conf *c, size_t off)
{
	return *(const int *)((const char *)c + off);
}

static void assert_keys(const struct conf_list *l, const char *const *keys, int n)
{
	assert_int_equal(l->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(l->items[i].key, keys[i]);
}

/* ---- tests --------------------------------------------------------------- */

static void test_defaults(void **state)
{
	(void)state;
	struct conf c;
	char want[512];
	conf_defaults(&c);
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		assert_int_equal(int_at(&c, ints[i].off), ints[i].def);
	assert_string_equal(c.centre_name, "Qendra Komunitare Multifunksionale");
	assert_string_equal(c.municipality, "");
	assert_null(conf_municipality_code(&c));
	snprintf(want, sizeof want, "%s/.local/share/qendra/qendra.db", home);
	assert_string_equal(c.db_path, want);
	snprintf(want, sizeof want, "%s/.local/share/qendra/backups", home);
	assert_string_equal(c.backup_dir, want);
	assert_int_equal(c.wal, 0);
	assert_string_equal(c.language, "sq");
	assert_string_equal(c.locale_dir, "");
	assert_int_equal(c.open_min, 8 * 60);
	assert_int_equal(c.close_min, 18 * 60);
	assert_int_equal(c.weekdays, 0x1f);
	assert_int_equal(c.risk_medium_at, 2);
	assert_int_equal(c.risk_high_at, 4);
	assert_int_equal(c.n_loaded, 0);

	static const char *const risk[] = {
	    "abuse_history", "domestic_violence", "dysfunctional_family", "low_social_support",
	    "sexual_abuse",  "substance_abuse",   "early_marriage",       "forced_labour",
	    "street_child",  "school_dropout",    "blood_feud_isolation"};
	static const char *const purposes[] = {
	    "information", "counselling",      "class", "referral_followup",
	    "documents",   "material_support", "other"};
	static const char *const services[] = {"social_services", "health",  "education",  "police",
	                                       "legal_aid",       "shelter", "employment", "other"};
	static const char *const counselling[] = {"psychosocial", "career", "family", "group"};
	static const char *const rooms[] = {"room1", "room2", "hall"};
	static const char *const subjects[] = {"albanian", "mathematics", "english", "homework",
	                                       "arts"};
	static const char *const activities[] = {"youth_initiative", "peer_support",
	                                         "psychosocial_group", "awareness_event"};
	assert_keys(&c.risk_factors, risk, 11);
	assert_keys(&c.visit_purposes, purposes, 7);
	assert_keys(&c.services, services, 8);
	assert_keys(&c.counselling_types, counselling, 4);
	assert_keys(&c.rooms, rooms, 3);
	assert_keys(&c.subjects, subjects, 5);
	assert_keys(&c.activity_types, activities, 4);
	for (int i = 0; i < c.risk_factors.n; i++)
		assert_in_range(c.risk_factors.items[i].weight, 1, 10);
	assert_int_equal(conf_find(&c.risk_factors, "sexual_abuse")->weight, 4);
	assert_int_equal(conf_find(&c.risk_factors, "low_social_support")->weight, 1);
	assert_int_equal(c.age_bands.n, 6);
	static const int bands[6][2] = {{0, 5}, {6, 11}, {12, 14}, {15, 17}, {18, 24}, {25, 200}};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(c.age_bands.items[i].min, bands[i][0]);
		assert_int_equal(c.age_bands.items[i].max, bands[i][1]);
	}
	/* No labels by default: the locale catalogue names them. */
	assert_null(conf_item_label(&c.rooms.items[0], "sq"));
	assert_string_equal(conf_list_key(&c, &c.age_bands), "age_bands");
	assert_string_equal(conf_list_key(&c, &c.risk_factors), "risk_factors");
	conf_free(&c);
	conf_free(&c); /* twice is harmless */
	conf_free(NULL);
}

static void test_example_matches_defaults(void **state)
{
	(void)state;
	struct conf d, c;
	struct qerr e;
	conf_defaults(&d);
	conf_defaults(&c);
	int rc = conf_load_file(&c, "etc/qendra.cfg", &e);
	if (rc)
		print_error("%s: %s\n", e.key, e.detail);
	assert_int_equal(rc, 0);
	assert_int_equal(c.n_loaded, 1);
	assert_string_equal(c.loaded_from[0], "etc/qendra.cfg");
	assert_conf_equal(&c, &d);
	conf_free(&c);
	conf_free(&d);
}

/* Every setting of the table is written (set or commented) in the example. */
static void test_example_documents_every_setting(void **state)
{
	(void)state;
	FILE *f = fopen("etc/qendra.cfg", "r");
	assert_non_null(f);
	static char text[65536];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	for (int i = 0; i < conf_settings_count(); i++) {
		const char *name = conf_setting_name(i);
		const char *dot = strchr(name, '.');
		char sec[64], set[64], commented[64];
		snprintf(sec, sizeof sec, "\n%.*s:\n{", (int)(dot - name), name);
		snprintf(set, sizeof set, "\t%s = ", dot + 1);
		snprintf(commented, sizeof commented, "\t# %s = ", dot + 1);
		char *at = strstr(text, sec);
		char *end = at ? strstr(at, "\n};") : NULL;
		char *found = at ? strstr(at, set) : NULL;
		if (!found && at)
			found = strstr(at, commented);
		if (!at || !found || found > end)
			print_error("etc/qendra.cfg lacks %s\n", name);
		assert_non_null(at);
		assert_non_null(found);
		assert_true(found < end);
	}
}

static void test_syntax_error_line3(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "syntax_line3.cfg", &e), -1);
	assert_string_equal(e.key, "conf:syntax");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, DATA "syntax_line3.cfg:3:"));
	/* All or nothing: the good line 2 did not change the name. */
	assert_string_equal(c.centre_name, "Qendra Komunitare Multifunksionale");
	assert_int_equal(c.n_loaded, 0);
	conf_free(&c);

	/* The same through conf_load's --config place. */
	assert_int_equal(conf_load(&c, DATA "syntax_line3.cfg", &e), -1);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, "syntax_line3.cfg"));
	conf_free(&c);

	expect_error("ui:\n{\n\tidle_lock_minutes = 5;\n\tidle_lock_minutes = 6;\n};\n",
	             "conf:syntax", ":4:", 4);
	expect_error("centre: { name = \"unterminated; };\n", "conf:syntax", NULL, 0);
}

static void test_unknown_setting(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "unknown_setting.cfg", &e), -1);
	assert_string_equal(e.key, "conf:unknown");
	assert_int_equal(e.line, 5);
	assert_non_null(strstr(e.detail, "centre.colour"));
	assert_non_null(strstr(e.detail, DATA "unknown_setting.cfg:5:"));
	conf_free(&c);

	expect_error("colour = \"blue\";\n", "conf:unknown", "colour", 1);
	expect_error("\n\ncolours: { red = 1; };\n", "conf:unknown", "colours", 3);
	expect_error("ui: { idle_lock = 5; };", "conf:unknown", "ui.idle_lock", 1);
	expect_error("catalog: { rooms = ( { key = \"a\"; weight = 2; } ); };", "conf:unknown",
	             "catalog.rooms[1].weight", 1);
	expect_error("catalog: { rooms = ( { key = \"a\"; min = 2; } ); };", "conf:unknown",
	             "catalog.rooms[1].min", 1);
	expect_error(
	    "catalog: { age_bands = ( { key = \"a\"; min = 1; max = 2; weight = 1; } ); };",
	    "conf:unknown", "catalog.age_bands[1].weight", 1);
	expect_error("catalog: { colours = ( { key = \"a\"; } ); };", "conf:unknown",
	             "catalog.colours", 1);
	/* A section name alone is not a setting. */
	expect_error("centre = 5;", "conf:want_group", "centre", 1);
}

static void test_out_of_range(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "out_of_range.cfg", &e), -1);
	assert_string_equal(e.key, "conf:range");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, "ui.idle_lock_minutes = 500 (1..240)"));
	conf_free(&c);

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		const struct int_spec *s = &ints[i];
		char text[256], name[80];
		snprintf(name, sizeof name, "%s.%s", s->section, s->name);
		snprintf(text, sizeof text, "\n%s: { %s = %d; };", s->section, s->name, s->min - 1);
		expect_error(text, "conf:range", name, 2);
		snprintf(text, sizeof text, "%s: { %s = %d; };", s->section, s->name, s->max + 1);
		expect_error(text, "conf:range", name, 1);
		snprintf(text, sizeof text, "%s: { %s = %d; };", s->section, s->name, s->min);
		expect_ok(text, &c);
		assert_int_equal(int_at(&c, s->off), s->min);
		conf_free(&c);
		snprintf(text, sizeof text, "%s: { %s = %dL; };", s->section, s->name, s->max);
		expect_ok(text, &c);
		assert_int_equal(int_at(&c, s->off), s->max);
		conf_free(&c);
	}
	expect_error("risk: { medium_at = 0; };", "conf:range", "risk.medium_at", 1);
	expect_error("risk: { high_at = 101; };", "conf:range", "risk.high_at", 1);
	expect_error("ui: { idle_lock_minutes = -5; };", "conf:range", "-5", 1);
	/* libconfig 1.5 wraps this to 5 without a word; we refuse it. */
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "wrapping_int.cfg", &e), -1);
	assert_string_equal(e.key, "conf:too_big");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, "4294967301"));
	assert_int_equal(c.idle_lock_minutes, 10);
	conf_free(&c);
	expect_error("ui: { idle_lock_minutes = 0x100000005; };", "conf:too_big", NULL, 1);
	expect_error("ui: { idle_lock_minutes = -2147483649; };", "conf:too_big", NULL, 1);
	expect_error("ui: { idle_lock_minutes = 99999999999999999999999999999; };", "conf:too_big",
	             NULL, 1);
	expect_error("ui: { idle_lock_minutes = 99999999999L; };", "conf:too_big", NULL, 1);
	/* Numbers in strings, comments and names are not numbers. */
	expect_ok("# 99999999999\n/* 4294967301 */ centre: { name = \"Qendra 99999999999\"; };",
	          &c);
	conf_free(&c);
	expect_ok("catalog: { rooms = ( { key = \"r99999999999\"; } ); };", &c);
	conf_free(&c);

	/* Hours, weekdays, orders. */
	expect_error("hours: { open = \"24:00\"; };", "conf:time", "hours.open", 1);
	expect_error("hours: { open = \"8\"; };", "conf:time", NULL, 1);
	expect_error("hours: { close = \"08:60\"; };", "conf:time", NULL, 1);
	expect_error("hours: { close = \"08:00 \"; };", "conf:time", NULL, 1);
	expect_error("hours: { close = \"\"; };", "conf:time", NULL, 1);
	expect_error("hours:\n{\n\topen = \"18:00\";\n\tclose = \"08:00\";\n};", "conf:hours_order",
	             "hours.open", 4);
	expect_error("hours: { close = \"07:00\"; };", "conf:hours_order", NULL, 1);
	expect_error("risk:\n{\n\thigh_at = 2;\n};", "conf:risk_order", "risk.high_at", 3);
	expect_error("hours: { weekdays = [0]; };", "conf:range", "hours.weekdays[1]", 1);
	expect_error("hours: { weekdays = [1, 8]; };", "conf:range", "hours.weekdays[2]", 1);
	expect_error("hours: { weekdays = [1, 1]; };", "conf:duplicate", "hours.weekdays[2]", 1);
	expect_error("hours: { weekdays = []; };", "conf:empty", "hours.weekdays", 1);
	expect_ok("hours: { open = \"7:05\"; close = \"23:59\"; weekdays = (6, 7); };", &c);
	assert_int_equal(c.open_min, 7 * 60 + 5);
	assert_int_equal(c.close_min, 23 * 60 + 59);
	assert_int_equal(c.weekdays, (1 << 5) | (1 << 6));
	conf_free(&c);

	/* Choices. */
	expect_error("ui: { language = \"fr\"; };", "conf:choice", "ui.language = \"fr\" (sq,en)",
	             1);
	expect_error("centre: { municipality = \"tirane\"; };", "conf:choice", NULL, 1);
	expect_error("centre: { municipality = \"SHKODER\"; };", "conf:choice", NULL, 1);
	expect_ok("centre: { municipality = \"kukes\"; };", &c);
	assert_string_equal(conf_municipality_code(&c), "KUK");
	conf_free(&c);
}

static void test_wrong_types(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "wrong_type.cfg", &e), -1);
	assert_string_equal(e.key, "conf:want_int");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, "ui.idle_lock_minutes"));
	conf_free(&c);

	expect_error("ui: { idle_lock_minutes = 5.0; };", "conf:want_int", NULL, 1);
	expect_error("ui: { idle_lock_minutes = true; };", "conf:want_int", NULL, 1);
	expect_error("ui: { idle_lock_minutes = [5]; };", "conf:want_int", NULL, 1);
	expect_error("ui: { idle_lock_minutes = { a = 5; }; };", "conf:want_int", NULL, 1);
	expect_error("ui: { language = 1; };", "conf:want_string", "ui.language", 1);
	expect_error("centre: { name = (\"a\"); };", "conf:want_string", NULL, 1);
	expect_error("database: { wal = 1; };", "conf:want_bool", "database.wal", 1);
	expect_error("database: { wal = \"yes\"; };", "conf:want_bool", NULL, 1);
	expect_error("hours: { open = 800; };", "conf:want_string", NULL, 1);
	expect_error("hours: { weekdays = 1; };", "conf:want_list", NULL, 1);
	expect_error("hours: { weekdays = [\"mon\"]; };", "conf:want_int", "hours.weekdays[1]", 1);
	expect_error("catalog: { rooms = \"room1\"; };", "conf:want_list", "catalog.rooms", 1);
	expect_error("catalog: { rooms = [\"room1\"]; };", "conf:want_list", NULL, 1);
	expect_error("catalog: { rooms = ( \"room1\" ); };", "conf:want_group", "catalog.rooms[1]",
	             1);
	expect_error("catalog: { rooms = ( { key = 1; } ); };", "conf:want_string", NULL, 1);
	expect_error("catalog: { risk_factors = ( { key = \"a\"; weight = \"2\"; } ); };",
	             "conf:want_int", "catalog.risk_factors[1].weight", 1);
	expect_error("catalog: { risk_factors = ( { key = \"a\"; weight = 11; } ); };",
	             "conf:range", NULL, 1);
	expect_error("catalog: { rooms = ( { key = \"a\"; sq = 5; } ); };", "conf:want_string",
	             "catalog.rooms[1].sq", 1);
	expect_error("database: { wal = false; };\ncatalog = 5;", "conf:want_group", "catalog", 2);
}

static void test_catalog_keys(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "duplicate_key.cfg", &e), -1);
	assert_string_equal(e.key, "conf:dup_key");
	assert_int_equal(e.line, 6);
	assert_non_null(strstr(e.detail, "\"room1\""));
	/* The failed file left the default rooms in place. */
	assert_int_equal(c.rooms.n, 3);
	assert_int_equal(conf_load_file(&c, DATA "bad_key.cfg", &e), -1);
	assert_string_equal(e.key, "conf:bad_key");
	assert_int_equal(e.line, 4);
	assert_non_null(strstr(e.detail, "Dhoma 1"));
	conf_free(&c);

	static const char *const bad[] = {
	    "Room1", "room-1",       "room 1", "", "dhomë", "123456789012345678901234567890123",
	    "a;b",   "'; DROP TABLE"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "catalog: { services = ( { key = \"%s\"; } ); };",
		         bad[i]);
		expect_error(text, "conf:bad_key", "catalog.services[1].key", 1);
	}
	expect_ok(
	    "catalog: { services = ( { key = \"12345678901234567890123456789012\"; }, { key = "
	    "\"a_1\"; } ); };",
	    &c);
	assert_int_equal(c.services.n, 2);
	assert_non_null(conf_find(&c.services, "a_1"));
	assert_null(conf_find(&c.services, "health"));
	conf_free(&c);

	expect_error("catalog: { rooms = ( { sq = \"Dhoma\"; } ); };", "conf:missing",
	             "catalog.rooms[1].key", 1);
	expect_error("catalog: { rooms = ( ); };", "conf:empty", "catalog.rooms", 1);
	expect_error("catalog: { rooms = ( { key = \"a\"; sq = \"\"; } ); };", "conf:empty",
	             "catalog.rooms[1].sq", 1);
	/* Age bands: both ends, in order, not overlapping. */
	expect_error("catalog: { age_bands = ( { key = \"a\"; min = 1; } ); };", "conf:missing",
	             "catalog.age_bands[1].max", 1);
	expect_error("catalog: { age_bands = ( { key = \"a\"; max = 1; } ); };", "conf:missing",
	             "catalog.age_bands[1].min", 1);
	expect_error("catalog: { age_bands = ( { key = \"a\"; min = 9; max = 3; } ); };",
	             "conf:age_order", NULL, 1);
	expect_error("catalog: { age_bands = ( { key = \"a\"; min = 0; max = 201; } ); };",
	             "conf:range", NULL, 1);
	expect_error(
	    "catalog:\n{\n\tage_bands = (\n\t\t{ key = \"a\"; min = 0; max = 10; },\n\t\t{ "
	    "key = \"b\"; min = 10; max = 20; }\n\t);\n};",
	    "conf:age_overlap", "catalog.age_bands[2]", 5);

	/* Too many items. */
	struct sbuf b = {0};
	sbuf_add(&b, "catalog: { rooms = (");
	for (int i = 0; i <= CONF_LIST_MAX; i++)
		sbuf_printf(&b, "%s{ key = \"r%d\"; }", i ? "," : "", i);
	sbuf_add(&b, "); };");
	expect_error(b.s, "conf:too_many", "catalog.rooms", 1);
	sbuf_free(&b);
}

static void test_hostile_values(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	char path[512];

	/* 10 000 characters: refused with the size, never cut. */
	char *big = xmalloc(10001);
	memset(big, 'a', 10000);
	big[10000] = '\0';
	char *text = xasprintf("centre: { name = \"%s\"; };", big);
	expect_error(text, "conf:too_long", "centre.name (10000 bytes, at most 80)", 1);
	free(text);
	text = xasprintf("catalog: { rooms = ( { key = \"a\"; en = \"%s\"; } ); };", big);
	expect_error(text, "conf:too_long", "catalog.rooms[1].en", 1);
	free(text);
	text = xasprintf("database: { path = \"/%s\"; };", big);
	expect_error(text, "conf:too_long", "database.path", 1);
	free(text);
	text = xasprintf("catalog: { rooms = ( { key = \"%s\"; } ); };", big);
	expect_error(text, "conf:bad_key", "...", 1);
	free(text);
	text = xasprintf("%s: { a = 1; };", big);
	conf_defaults(&c);
	assert_int_equal(load_text(&c, text, &e), -1);
	assert_string_equal(e.key, "conf:unknown");
	assert_true(strlen(e.detail) < sizeof e.detail - 1); /* shown bounded */
	conf_free(&c);
	free(text);
	/* 80 bytes fit exactly; 40 two-byte letters too. */
	big[80] = '\0';
	text = xasprintf("centre: { name = \"%s\"; };", big);
	expect_ok(text, &c);
	assert_int_equal(strlen(c.centre_name), 80);
	conf_free(&c);
	free(text);
	free(big);
	expect_ok("centre: { name = \"ëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëë\"; };", &c);
	conf_free(&c);
	expect_error("centre: { name = \"ëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëë\"; };",
	             "conf:too_long", "82 bytes", 1);

	/* Invalid UTF-8. */
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "invalid_utf8.cfg", &e), -1);
	assert_string_equal(e.key, "conf:utf8");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, "centre.name"));
	conf_free(&c);
	expect_error("catalog: { rooms = ( { key = \"a\"; sq = \"\xed\xa0\x80\"; } ); };",
	             "conf:utf8", NULL, 1);
	expect_error("catalog: { rooms = ( { key = \"a\"; sq = \"\xc0\xaf\"; } ); };", "conf:utf8",
	             NULL, 1);

	/* Control characters, written raw and as libconfig escapes; bidi overrides. */
	expect_error("centre: { name = \"Qendra\\x1b[2J\"; };", "conf:control", "U+001B", 1);
	expect_error("centre: { name = \"Qendra\\nKukës\"; };", "conf:control", NULL, 1);
	expect_error("centre: { name = \"Qendra\tKukës\"; };", "conf:control", NULL, 1);
	expect_error("centre: { name = \"\xe2\x80\xae\x61rdnej\"; };", "conf:control", "U+202E", 1);
	expect_error("centre: { name = \"a\xc2\x9b\"; };", "conf:control", NULL, 1);
	/* A hostile value shown in an error is made harmless. */
	conf_defaults(&c);
	assert_int_equal(load_text(&c, "ui: { language = \"\\x1b]0;pwned\\x07\"; };", &e), -1);
	for (const char *p = e.detail; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
	conf_free(&c);

	/* SQL in a name is only text. */
	expect_ok("centre: { name = \"'; DROP TABLE person; --\"; };", &c);
	assert_string_equal(c.centre_name, "'; DROP TABLE person; --");
	conf_free(&c);
	expect_error("centre: { name = \"\"; };", "conf:empty", "centre.name", 1);

	/* A NUL byte would make libconfig stop reading there. */
	static const char nul[] = "ui: { language = \"en\"; };\n\0ui: { language = \"sq\" };";
	conf_defaults(&c);
	assert_int_equal(load_text_n(&c, nul, sizeof nul - 1, &e, path, sizeof path), -1);
	assert_string_equal(e.key, "conf:nul");
	assert_int_equal(e.line, 2);
	conf_free(&c);

	/* @include would read files behind the three places' back. */
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "include.cfg", &e), -1);
	assert_string_equal(e.key, "conf:include");
	assert_int_equal(e.line, 1);
	conf_free(&c);

	/* Empty and comment-only files are fine and change nothing. */
	expect_ok("", &c);
	conf_free(&c);
	expect_ok("# nothing\n// here\n/* at all */\n", &c);
	assert_int_equal(c.idle_lock_minutes, 10);
	conf_free(&c);

	/* Not a file, too big. */
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, home, &e), -1);
	assert_string_equal(e.key, "conf:not_file");
	assert_non_null(strstr(e.detail, home));
	char *huge = xmalloc(CONF_MAX_FILE + 2);
	memset(huge, '#', CONF_MAX_FILE + 1);
	assert_int_equal(load_text_n(&c, huge, CONF_MAX_FILE + 1, &e, NULL, 0), -1);
	assert_string_equal(e.key, "conf:file_too_big");
	assert_int_equal(conf_load_buffer(&c, huge, CONF_MAX_FILE + 1, "x", NULL, &e), -1);
	assert_string_equal(e.key, "conf:file_too_big");
	free(huge);
	conf_free(&c);
}

static void test_paths(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	char want[4200], dir[4096];

	/* Relative to the file's directory, made absolute. */
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "full.cfg", &e), 0);
	assert_non_null(realpath(DATA, dir));
	snprintf(want, sizeof want, "%s/data/q.db", dir);
	assert_string_equal(c.db_path, want);
	assert_string_equal(c.backup_dir, "/var/backups/qendra");
	snprintf(want, sizeof want, "%s/locale", home);
	assert_string_equal(c.locale_dir, want);
	conf_free(&c);

	expect_ok("database: { path = \"~/q.db\"; };\nui: { locale_dir = \"\"; };", &c);
	snprintf(want, sizeof want, "%s/q.db", home);
	assert_string_equal(c.db_path, want);
	assert_string_equal(c.locale_dir, "");
	conf_free(&c);
	expect_error("database: { path = \"~bob/q.db\"; };", "conf:bad_path", "~bob/q.db", 1);
	expect_error("database: { path = \"\"; };", "conf:empty", "database.path", 1);
	expect_error("backup: { dir = \"\"; };", "conf:empty", "backup.dir", 1);

	/* Relative path pushed past 4095 bytes by the directory in front. */
	char *rel = xmalloc(4096);
	memset(rel, 'd', 4094);
	rel[4094] = '\0';
	char *text = xasprintf("database: { path = \"%s\"; };", rel);
	expect_error(text, "conf:too_long", "database.path", 1);
	free(text);
	free(rel);
}

static void test_xdg_places(void **state)
{
	(void)state;
	char p[4096], want[1024];
	struct conf c;

	snprintf(want, sizeof want, "%s/.config/qendra/qendra.cfg", home);
	assert_int_equal(conf_user_path(p, sizeof p), 0);
	assert_string_equal(p, want);
	setenv("XDG_CONFIG_HOME", "/srv/cfg", 1);
	assert_int_equal(conf_user_path(p, sizeof p), 0);
	assert_string_equal(p, "/srv/cfg/qendra/qendra.cfg");
	/* Empty or relative values are ignored, as the XDG spec says. */
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(conf_user_path(p, sizeof p), 0);
	assert_string_equal(p, want);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	assert_int_equal(conf_user_path(p, sizeof p), 0);
	assert_string_equal(p, want);
	unsetenv("XDG_CONFIG_HOME");
	/* Too small a buffer is an error, not a cut path. */
	assert_int_equal(conf_user_path(p, 10), -1);
	assert_string_equal(p, "");

	snprintf(want, sizeof want, "%s/.local/share/qendra", home);
	assert_int_equal(conf_data_dir(p, sizeof p), 0);
	assert_string_equal(p, want);
	setenv("XDG_DATA_HOME", "/srv/data", 1);
	assert_int_equal(conf_data_dir(p, sizeof p), 0);
	assert_string_equal(p, "/srv/data/qendra");
	conf_defaults(&c);
	assert_string_equal(c.db_path, "/srv/data/qendra/qendra.db");
	assert_string_equal(c.backup_dir, "/srv/data/qendra/backups");
	conf_free(&c);
	unsetenv("XDG_DATA_HOME");
	conf_defaults(&c);
	snprintf(want, sizeof want, "%s/.local/share/qendra/qendra.db", home);
	assert_string_equal(c.db_path, want);
	conf_free(&c);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_places(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	char dir[1024], user[1100];

	/* XDG_CONFIG_HOME points at a temp dir: no user file yet is fine. */
	snprintf(dir, sizeof dir, "%s/xdg", home);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(conf_load(&c, NULL, &e), 0);
	assert_int_equal(c.idle_lock_minutes, 10);
	conf_free(&c);

	/* The user file is read ... */
	mkdir(dir, 0700);
	snprintf(user, sizeof user, "%s/qendra", dir);
	mkdir(user, 0700);
	snprintf(user, sizeof user, "%s/qendra/qendra.cfg", dir);
	write_file(user, "ui: { idle_lock_minutes = 20; language = \"en\"; };\n");
	assert_int_equal(conf_load(&c, NULL, &e), 0);
	assert_int_equal(c.idle_lock_minutes, 20);
	assert_string_equal(c.language, "en");
	assert_string_equal(c.loaded_from[c.n_loaded - 1], user);
	conf_free(&c);

	/* ... and --config goes over it, setting by setting. */
	assert_int_equal(conf_load(&c, DATA "override_b.cfg", &e), 0);
	assert_int_equal(c.idle_lock_minutes, 30);
	assert_string_equal(c.language, "en");
	assert_true(c.n_loaded >= 2);
	assert_string_equal(c.loaded_from[c.n_loaded - 2], user);
	assert_string_equal(c.loaded_from[c.n_loaded - 1], DATA "override_b.cfg");
	conf_free(&c);

	/* A missing --config file is an error naming it. */
	assert_int_equal(conf_load(&c, DATA "no-such.cfg", &e), -1);
	assert_string_equal(e.key, "conf:missing_file");
	assert_non_null(strstr(e.detail, DATA "no-such.cfg"));
	conf_free(&c);

	/* A bad user file stops the start with its name and line. */
	write_file(user, "ui:\n{\n\tidle_lock_minutes = 0;\n};\n");
	assert_int_equal(conf_load(&c, NULL, &e), -1);
	assert_string_equal(e.key, "conf:range");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.detail, "qendra.cfg:3:"));
	conf_free(&c);
	unlink(user);
	unsetenv("XDG_CONFIG_HOME");
}

static void test_override(void **state)
{
	(void)state;
	struct conf c;
	struct qerr e;
	conf_defaults(&c);
	assert_int_equal(conf_load_file(&c, DATA "override_a.cfg", &e), 0);
	assert_string_equal(c.centre_name, "Qendra Komunitare Shkodër");
	assert_string_equal(conf_municipality_code(&c), "SHK");
	assert_int_equal(c.idle_lock_minutes, 20);
	assert_int_equal(c.rooms.n, 2);
	assert_string_equal(conf_item_label(conf_find(&c.rooms, "room1"), "sq"), "Dhoma e kuqe");
	assert_string_equal(conf_item_label(conf_find(&c.rooms, "room1"), "en"), "Red room");
	assert_null(conf_item_label(conf_find(&c.rooms, "garden"), "en"));
	assert_null(conf_item_label(conf_find(&c.rooms, "room1"), "de"));

	assert_int_equal(conf_load_file(&c, DATA "override_b.cfg", &e), 0);
	assert_string_equal(c.centre_name, "Qendra Komunitare Shkodër");
	assert_string_equal(c.language, "en");
	assert_int_equal(c.idle_lock_minutes, 30);
	assert_int_equal(c.rooms.n, 1);
	assert_string_equal(c.rooms.items[0].key, "library");
	assert_int_equal(c.services.n, 8); /* untouched lists keep their values */
	assert_int_equal(c.n_loaded, 2);

	/* A bad file that sets good things first changes nothing. */
	assert_int_equal(load_text(&c,
	                           "centre: { name = \"Tjetër\"; };\ncatalog: { rooms = ( { key = "
	                           "\"x\"; } ); };\nui: { idle_lock_minutes = 999; };",
	                           &e),
	                 -1);
	assert_int_equal(e.line, 3);
	assert_string_equal(c.centre_name, "Qendra Komunitare Shkodër");
	assert_string_equal(c.rooms.items[0].key, "library");
	assert_int_equal(c.n_loaded, 2);
	conf_free(&c);
}

static void test_dump_round_trip(void **state)
{
	(void)state;
	struct conf a, b;
	struct qerr e;
	conf_defaults(&a);
	assert_int_equal(conf_load_file(&a, DATA "full.cfg", &e), 0);
	assert_string_equal(a.centre_name, "Qendra \"Ura\" \\ Dibër");
	assert_string_equal(conf_find(&a.risk_factors, "b_2")->sq, "Rrezik ë ç");
	assert_int_equal(conf_find(&a.risk_factors, "a")->weight, 1);
	char *text = conf_dump(&a);
	conf_defaults(&b);
	int rc = load_text(&b, text, &e);
	if (rc)
		print_error("%s\n%s: %s\n", text, e.key, e.detail);
	assert_int_equal(rc, 0);
	assert_conf_equal(&a, &b);
	free(text);
	conf_free(&b);

	/* The defaults round-trip too (unset municipality stays unset). */
	conf_free(&a);
	conf_defaults(&a);
	text = conf_dump(&a);
	conf_defaults(&b);
	assert_int_equal(load_text(&b, text, &e), 0);
	assert_conf_equal(&a, &b);
	free(text);
	conf_free(&a);
	conf_free(&b);

	char v[64];
	assert_int_equal(conf_setting_value(&a, -1, v, sizeof v), -1);
	assert_int_equal(conf_setting_value(&a, conf_settings_count(), v, sizeof v), -1);
}

static void test_settings_table(void **state)
{
	(void)state;
	int n = conf_settings_count();
	assert_int_equal(n, 40);
	assert_null(conf_setting_name(-1));
	assert_null(conf_setting_name(n));
	for (int i = 0; i < n; i++) {
		assert_non_null(strchr(conf_setting_name(i), '.'));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(conf_setting_name(i), conf_setting_name(j));
	}
	struct conf c;
	char v[64];
	conf_defaults(&c);
	for (int i = 0; i < n; i++) {
		if (strcmp(conf_setting_name(i), "hours.weekdays") == 0) {
			conf_setting_value(&c, i, v, sizeof v);
			assert_string_equal(v, "[1, 2, 3, 4, 5]");
		}
		if (strcmp(conf_setting_name(i), "hours.open") == 0) {
			conf_setting_value(&c, i, v, sizeof v);
			assert_string_equal(v, "\"08:00\"");
		}
		if (strcmp(conf_setting_name(i), "catalog.rooms") == 0) {
			int len = conf_setting_value(&c, i, v, 8);
			assert_true(len > 8);
			assert_int_equal(strlen(v), 7);
		}
	}
	conf_free(&c);
}

static void test_rules(void **state)
{
	(void)state;
	struct conf c;
	conf_defaults(&c);
	/* Risk: sum of weights against medium_at 2 and high_at 4. */
	assert_int_equal(conf_risk_level(&c, 0), 0);
	assert_int_equal(conf_risk_level(&c, 1), 0);
	assert_int_equal(conf_risk_level(&c, 2), 1);
	assert_int_equal(conf_risk_level(&c, 3), 1);
	assert_int_equal(conf_risk_level(&c, 4), 2);
	assert_int_equal(conf_risk_level(&c, 1000), 2);
	assert_int_equal(conf_risk_level(&c, -3), 0);

	/* Age bands: edges, ends, outside. */
	assert_int_equal(conf_age_band(&c, 0), 0);
	assert_int_equal(conf_age_band(&c, 5), 0);
	assert_int_equal(conf_age_band(&c, 6), 1);
	assert_int_equal(conf_age_band(&c, 14), 2);
	assert_int_equal(conf_age_band(&c, 15), 3);
	assert_int_equal(conf_age_band(&c, 24), 4);
	assert_int_equal(conf_age_band(&c, 25), 5);
	assert_int_equal(conf_age_band(&c, 200), 5);
	assert_int_equal(conf_age_band(&c, 201), -1);
	assert_int_equal(conf_age_band(&c, -1), -1);

	/* Dropout rules. */
	assert_int_equal(conf_dropout_rules(&c, 0, 100, 10), 0);
	assert_int_equal(conf_dropout_rules(&c, 2, 80, 10), 0);
	assert_int_equal(conf_dropout_rules(&c, 3, 80, 10), CONF_DROPOUT_ABSENCES);
	assert_int_equal(conf_dropout_rules(&c, 0, 74, 4), CONF_DROPOUT_RATE);
	assert_int_equal(conf_dropout_rules(&c, 0, 75, 4), 0);
	assert_int_equal(conf_dropout_rules(&c, 0, 0, 3), 0);   /* too few sessions */
	assert_int_equal(conf_dropout_rules(&c, 0, -1, 10), 0); /* rate unknown */
	assert_int_equal(conf_dropout_rules(&c, 3, 50, 8),
	                 CONF_DROPOUT_ABSENCES | CONF_DROPOUT_RATE);

	/* Score = 3 x rules + school status weight + 1 x family factors (max 10). */
	assert_int_equal(conf_dropout_score(&c, 0, 100, 10, CONF_SCHOOL_OK, 0), 0);
	assert_int_equal(conf_dropout_score(&c, 3, 100, 10, CONF_SCHOOL_OK, 0), 3);
	assert_int_equal(conf_dropout_score(&c, 3, 50, 10, CONF_SCHOOL_OK, 0), 6);
	assert_int_equal(conf_dropout_score(&c, 0, 100, 10, CONF_SCHOOL_IRREGULAR, 0), 1);
	assert_int_equal(conf_dropout_score(&c, 0, 100, 10, CONF_SCHOOL_DROPPED, 1), 3);
	assert_int_equal(conf_dropout_score(&c, 0, 100, 10, CONF_SCHOOL_OK, 2), 2);
	assert_int_equal(conf_dropout_score(&c, 0, 100, 10, CONF_SCHOOL_OK, 50), 10);
	assert_int_equal(conf_dropout_score(&c, -5, -5, -5, 7, -5), 0);
	assert_true(conf_dropout_score(&c, 3, 100, 10, 0, 0) >= c.dropout_flag_score);
	assert_true(conf_dropout_score(&c, 0, 100, 10, CONF_SCHOOL_DROPPED, 0) <
	            c.dropout_flag_score);
	conf_free(&c);

	/* The rules follow the configuration. */
	expect_ok("risk: { medium_at = 5; high_at = 9; };\ndropout: { absences_in_row = 5; "
	          "weight_risk_factor = 0; weight_dropped_out = 7; };\ncatalog: { age_bands = ( { "
	          "key = \"kids\"; min = 0; max = 17; } ); };",
	          &c);
	assert_int_equal(conf_risk_level(&c, 4), 0);
	assert_int_equal(conf_risk_level(&c, 8), 1);
	assert_int_equal(conf_risk_level(&c, 9), 2);
	assert_int_equal(conf_dropout_rules(&c, 4, 100, 10), 0);
	assert_int_equal(conf_dropout_score(&c, 5, 100, 10, CONF_SCHOOL_DROPPED, 9), 10);
	assert_int_equal(conf_age_band(&c, 17), 0);
	assert_int_equal(conf_age_band(&c, 18), -1);
	conf_free(&c);
}

/* ---- keys.* --------------------------------------------------------------- */

static void key_ok(const char *name, int kind, int code, const char *shown)
{
	struct conf_key k = {0, 0};
	const char *why = "unset";
	if (conf_key_parse(name, &k, &why) != 0)
		print_error("\"%s\": %s\n", name, why);
	assert_int_equal(conf_key_parse(name, &k, &why), 0);
	assert_int_equal(k.kind, kind);
	assert_int_equal(k.code, code);
	char back[16];
	conf_key_name(&k, back, sizeof back);
	assert_string_equal(back, shown);
	/* what is shown reads back the same */
	struct conf_key k2;
	assert_int_equal(conf_key_parse(back, &k2, NULL), 0);
	assert_int_equal(k2.kind, kind);
	assert_int_equal(k2.code, code);
}

static void key_bad(const char *name, const char *want)
{
	struct conf_key k = {CONF_KEY_FN, 7};
	const char *why = NULL;
	assert_int_equal(conf_key_parse(name, &k, &why), -1);
	if (!why || strcmp(why, want) != 0)
		print_error("\"%.40s\": want %s, got %s\n", name ? name : "(null)", want,
		            why ? why : "(null)");
	assert_string_equal(why, want);
	assert_int_equal(k.kind, CONF_KEY_FN); /* untouched */
	assert_int_equal(k.code, 7);
}

static void test_key_names(void **state)
{
	(void)state;
	key_ok("F1", CONF_KEY_FN, 1, "F1");
	key_ok("f12", CONF_KEY_FN, 12, "F12");
	key_ok("F10", CONF_KEY_FN, 10, "F10");
	key_ok("Alt-x", CONF_KEY_ALT, 'x', "Alt-x");
	key_ok("ALT-V", CONF_KEY_ALT, 'v', "Alt-v");
	key_ok("alt-7", CONF_KEY_ALT, '7', "Alt-7");
	key_ok("Ctrl-\\", CONF_KEY_CTRL, '\\', "Ctrl-\\");
	key_ok("ctrl-B", CONF_KEY_CTRL, 'b', "Ctrl-b");
	key_ok("Ctrl-_", CONF_KEY_CTRL, '_', "Ctrl-_");
	key_ok("?", CONF_KEY_CHAR, '?', "?");
	key_ok("~", CONF_KEY_CHAR, '~', "~");
	key_bad(NULL, "conf:empty");
	key_bad("", "conf:empty");
	key_bad("F0", "conf:key_name");
	key_bad("F01", "conf:key_name");
	key_bad("F13", "conf:key_name");
	key_bad("F123", "conf:key_name");
	key_bad("F", "conf:key_reserved"); /* a plain letter */
	key_bad("Alt-", "conf:key_name");
	key_bad("Alt-xx", "conf:key_name");
	key_bad("Alt-?", "conf:key_name");
	key_bad("Alt-ë", "conf:key_name");
	key_bad("Shift-F1", "conf:key_name");
	key_bad("Esc", "conf:key_name");
	key_bad("Enter", "conf:key_name");
	key_bad("ë", "conf:key_name");
	key_bad("\x7f", "conf:key_name");
	key_bad("\t", "conf:key_name");
	key_bad("\xff", "conf:key_name");
	key_bad("\xe2\x80\x8f", "conf:key_name"); /* a right-to-left mark */
	key_bad("'; DROP TABLE app_user; --", "conf:key_name");
	/* kept for typing and moving */
	key_bad("a", "conf:key_reserved");
	key_bad("Q", "conf:key_reserved");
	key_bad("5", "conf:key_reserved");
	key_bad(" ", "conf:key_reserved");
	key_bad("/", "conf:key_reserved");
	key_bad("Ctrl-h", "conf:key_reserved");
	key_bad("Ctrl-I", "conf:key_reserved");
	key_bad("Ctrl-m", "conf:key_reserved");
	key_bad("Ctrl-u", "conf:key_reserved");
	key_bad("Ctrl-[", "conf:key_reserved");
	char *big = xmalloc(10001);
	memset(big, 'F', 10000);
	big[10000] = '\0';
	key_bad(big, "conf:key_name");
	free(big);
	char name[16] = "x";
	conf_key_name(NULL, name, sizeof name);
	assert_string_equal(name, "");
}

static void test_keys(void **state)
{
	(void)state;
	struct conf c;
	conf_defaults(&c);
	/* the built-in keys */
	assert_int_equal(c.key_help.n, 3);
	assert_int_equal(c.key_help.k[0].kind, CONF_KEY_FN);
	assert_int_equal(c.key_help.k[0].code, 1);
	assert_int_equal(c.key_help.k[1].kind, CONF_KEY_CHAR);
	assert_int_equal(c.key_language.n, 2);
	assert_int_equal(c.key_language.k[0].code, 9);
	assert_int_equal(c.key_hide.n, 3);
	assert_int_equal(c.key_hide.k[1].kind, CONF_KEY_CTRL);
	assert_int_equal(c.key_hide.k[1].code, '\\');
	assert_int_equal(c.key_visit.n, 2);
	assert_int_equal(c.key_visit.k[1].kind, CONF_KEY_ALT);
	assert_int_equal(c.key_visit.k[1].code, 'v');
	assert_ptr_equal(conf_keys_for(&c, "hide"), &c.key_hide);
	assert_ptr_equal(conf_keys_for(&c, "visit"), &c.key_visit);
	assert_null(conf_keys_for(&c, "keys.hide"));
	assert_null(conf_keys_for(&c, "rooms"));
	assert_null(conf_keys_for(&c, ""));
	assert_null(conf_keys_for(NULL, "hide"));
	assert_null(conf_keys_for(&c, NULL));
	conf_free(&c);

	/* one key, or a list; the rest keeps its defaults */
	expect_ok("keys:\n{\n\thide = \"F11\";\n};\n", &c);
	assert_int_equal(c.key_hide.n, 1);
	assert_int_equal(c.key_hide.k[0].code, 11);
	assert_int_equal(c.key_help.n, 3);
	conf_free(&c);
	expect_ok("keys = { visit = [\"F3\", \"Alt-b\"]; hide = (\"Ctrl-b\", \"~\"); };", &c);
	assert_int_equal(c.key_visit.k[0].code, 3);
	assert_int_equal(c.key_visit.k[1].code, 'b');
	assert_int_equal(c.key_hide.n, 2);
	assert_int_equal(c.key_hide.k[1].kind, CONF_KEY_CHAR);
	/* and it dumps and loads back the same */
	char *text = conf_dump(&c);
	assert_non_null(strstr(text, "visit = [\"F3\", \"Alt-b\"];"));
	assert_non_null(strstr(text, "hide = [\"Ctrl-b\", \"~\"];"));
	assert_non_null(strstr(text, "help = [\"F1\", \"?\", \"Alt-h\"];"));
	struct conf b;
	struct qerr e;
	conf_defaults(&b);
	assert_int_equal(load_text(&b, text, &e), 0);
	assert_conf_equal(&c, &b);
	free(text);
	conf_free(&b);
	conf_free(&c);
	/* Ctrl-\ written in the file's own syntax */
	expect_ok("keys: { hide = [\"Ctrl-\\\\\", \"F11\"]; };", &c);
	assert_int_equal(c.key_hide.k[0].kind, CONF_KEY_CTRL);
	assert_int_equal(c.key_hide.k[0].code, '\\');
	conf_free(&c);
	/* two actions may swap keys: the result is what counts */
	expect_ok("keys: { help = \"F9\"; language = [\"F1\", \"Alt-l\"]; };", &c);
	assert_int_equal(c.key_help.k[0].code, 9);
	assert_int_equal(c.key_language.k[0].code, 1);
	conf_free(&c);

	/* mistakes, with the line */
	expect_error("keys: {\n hide = 5;\n};", "conf:want_keys", "keys.hide", 2);
	expect_error("keys: {\n hide = true;\n};", "conf:want_keys", "keys.hide", 2);
	expect_error("keys: {\n hide = (\"F11\", 3);\n};", "conf:want_keys", "keys.hide[2]", 2);
	expect_error("keys: {\n hide = ( { key = \"F11\"; } );\n};", "conf:want_keys",
	             "keys.hide[1]", 2);
	expect_error("keys: {\n hide = [];\n};", "conf:empty", "keys.hide", 2);
	expect_error("keys: {\n hide = \"\";\n};", "conf:empty", "keys.hide", 2);
	expect_error("keys: {\n\n hide = \"Shift-F1\";\n};", "conf:key_name",
	             "keys.hide = \"Shift-F1\"", 3);
	expect_error("keys: {\n hide = [\"F11\", \"Ctrl-h\"];\n};", "conf:key_reserved",
	             "keys.hide[2] = \"Ctrl-h\"", 2);
	expect_error("keys: {\n help = [\"F1\", \"f1\"];\n};", "conf:duplicate", "keys.help[2]", 2);
	expect_error("keys: {\n visit = [\"F3\", \"F4\", \"F5\"];\n};", "conf:keys_too_many",
	             "keys.visit (3, at most 2)", 2);
	expect_error("keys: {\n hide = [\"F11\", \"F10\", \"Alt-x\", \"Alt-y\"];\n};",
	             "conf:keys_too_many", "at most 3", 2);
	/* the same key for two actions: named both, at the later line */
	expect_error("keys: {\n help = [\"F1\", \"?\"];\n visit = [\"F3\", \"?\"];\n};",
	             "conf:key_twice", "keys.help, keys.visit = \"?\"", 3);
	expect_error("keys: {\n hide = \"F2\";\n};", "conf:key_twice",
	             "keys.hide, keys.visit = \"F2\"", 2);
	expect_error("keys: { undo = \"F3\"; };", "conf:unknown", "keys.undo", 1);
	/* hostile text */
	char *fill = xmalloc(10001);
	memset(fill, 'x', 10000);
	fill[10000] = '\0';
	char *big = xasprintf("keys: { hide = \"%s\"; };", fill);
	expect_error(big, "conf:too_long", "keys.hide", 1);
	free(big);
	free(fill);
	expect_error("keys: { hide = \"\xff\"; };", "conf:utf8", "keys.hide", 1);
	expect_error("keys: { hide = \"F\x01\"; };", "conf:control", "keys.hide", 1);
	expect_error("keys: { hide = \"\xe2\x80\x8f"
	             "F11\"; };",
	             "conf:control", "keys.hide", 1);
	expect_error("keys: { hide = \"'; DROP TABLE x; --\"; };", "conf:key_name", "keys.hide", 1);
	/* a bad file leaves the keys as they were */
	conf_defaults(&c);
	assert_int_equal(load_text(&c, "keys: { hide = \"F11\"; help = \"F11\"; };", &e), -1);
	assert_string_equal(e.key, "conf:key_twice");
	assert_int_equal(c.key_hide.n, 3);
	assert_int_equal(c.key_hide.k[0].code, 12);
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_example_matches_defaults),
	    cmocka_unit_test(test_example_documents_every_setting),
	    cmocka_unit_test(test_syntax_error_line3),
	    cmocka_unit_test(test_unknown_setting),
	    cmocka_unit_test(test_out_of_range),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_catalog_keys),
	    cmocka_unit_test(test_hostile_values),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_xdg_places),
	    cmocka_unit_test(test_load_places),
	    cmocka_unit_test(test_override),
	    cmocka_unit_test(test_dump_round_trip),
	    cmocka_unit_test(test_settings_table),
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_key_names),
	    cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
