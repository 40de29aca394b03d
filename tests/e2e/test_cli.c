/*
 * test_cli — end-to-end tests of the command line: the real binary run as
 * an administrator or a script would, with no terminal. Each test gets a
 * fresh temp directory; results are checked in the files and database.
 *
 * Covered: --help/--version, init (and refusing a second init), the plain
 * sqlite3 view of a new database (integrity_check ok, user_version > 0, a
 * table per record kind, no clear-text password), user add/list/passwd/
 * disable, check, backup (explicit file, default folder with rotation, no
 * overwrite), configuration errors (syntax error on line 3 named with file
 * and line, unknown setting named, out of range, exit 2), damaged
 * catalogues (BOM, missing key, key named like a section) that neither
 * crash nor blank a message, locale-check, demo (deterministic for a seed)
 * and demo-logins, and every failure being one line with a non-zero exit.
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
#include <sys/wait.h>

#include "tests/e2e/e2e.h"
#include "util/util.h"

/* Run a shell command; capture stdout+stderr into *out (malloc'd); return the exit code. */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = NULL;
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	char *full = xasprintf("(%s) 2>&1", cmd);
	FILE *p = popen(full, "r");
	assert_non_null(p);
	struct sbuf b = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		sbuf_addn(&b, buf, n);
	int st = pclose(p);
	if (!b.s)
		sbuf_add(&b, "");
	if (out)
		*out = b.s;
	else
		sbuf_free(&b);
	free(cmd);
	free(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("cli");
	if (!f)
		return -1;
	/* No configuration from the developer's machine leaks in. */
	char *home = xasprintf("%s/home", f->dir);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("XDG_DATA_HOME", home, 1);
	free(home);
	*state = f;
	return 0;
}

/* One value of a query, "" when there is no row or it is NULL (caller frees). */
static char *sql1(const char *db, const char *sql)
{
	char *v = e2e_db_text(db, sql);
	return v ? v : xstrdup("");
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void init_db(struct e2e_fx *f)
{
	char *out;
	int rc =
	    run(&out,
	        "QENDRA_INIT_PASSWORD='Fjalë-kalim-9' '%s' --lang en init --db '%s' --user drita"
	        " --name 'Drita Hoxha'",
	        e2e_bin(), f->db);
	if (rc)
		fprintf(stderr, "%s", out);
	assert_int_equal(rc, 0);
	free(out);
}

static void test_help_version(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "'%s' --version", e2e_bin()), 0);
	assert_non_null(strstr(out, "qendra " QENDRA_VERSION));
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en --help", e2e_bin()), 0);
	assert_non_null(strstr(out, "qendra init"));
	assert_non_null(strstr(out, "qendra backup"));
	free(out);
	assert_int_equal(run(&out, "'%s' --lang sq --help", e2e_bin()), 0);
	assert_non_null(strstr(out, "Përdorimi"));
	free(out);
}

static void test_init_and_plain_sqlite(void **state)
{
	struct e2e_fx *f = *state;
	init_db(f);
	char *s = sql1(f->db, "PRAGMA integrity_check");
	assert_string_equal(s, "ok");
	free(s);
	s = sql1(f->db, "PRAGMA user_version");
	assert_true(atoi(s) > 0);
	free(s);
	static const char *const kinds[] = {"family",
	                                    "person",
	                                    "screening",
	                                    "screening_factor",
	                                    "visit",
	                                    "visit_tally",
	                                    "referral",
	                                    "appointment",
	                                    "session_log",
	                                    "class",
	                                    "enrolment",
	                                    "class_session",
	                                    "attendance",
	                                    "activity",
	                                    "activity_participant",
	                                    "activity_count",
	                                    "app_user",
	                                    "audit",
	                                    "closure",
	                                    "consent"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		char *q = xasprintf(
		    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
		    kinds[i]);
		s = sql1(f->db, q);
		if (strcmp(s, "1") != 0)
			fail_msg("no table %s", kinds[i]);
		free(s);
		free(q);
	}
	s = sql1(f->db, "SELECT role || ' ' || full_name FROM app_user WHERE username = 'drita'");
	assert_string_equal(s, "menaxher Drita Hoxha");
	free(s);
	/* The plain sqlite3 command line opens it too (no custom collation in the schema). */
	char *out;
	assert_int_equal(
	    run(&out, "sqlite3 '%s' 'PRAGMA integrity_check; PRAGMA user_version;'", f->db), 0);
	assert_non_null(strstr(out, "ok"));
	free(out);
	assert_int_equal(run(&out, "grep -c 'Fjalë-kalim-9' '%s'", f->db), 1); /* not found */
	free(out);
	struct stat sb;
	assert_int_equal(stat(f->db, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0); /* private to its owner */
	/* A second init is refused and changes nothing. */
	assert_int_equal(run(&out,
	                     "QENDRA_INIT_PASSWORD=other-pass-1 '%s' --lang en init --db '%s'"
	                     " --user other",
	                     e2e_bin(), f->db),
	                 1);
	assert_int_equal(lines(out), 1);
	free(out);
	s = sql1(f->db, "SELECT count(*) FROM app_user");
	assert_string_equal(s, "1");
	free(s);
}

static void test_users(void **state)
{
	struct e2e_fx *f = *state;
	init_db(f);
	char *out;
	assert_int_equal(run(&out,
	                     "printf 'arben-pass-1\\n' | '%s' --lang en user add --db '%s' arben"
	                     " --role punonjes_social --name 'Arben Kola'",
	                     e2e_bin(), f->db),
	                 0);
	free(out);
	assert_int_equal(run(&out,
	                     "printf 'mira-pass-1\\n' | '%s' --lang en user add --db '%s' mira"
	                     " --role teacher --name 'Mira Leka'",
	                     e2e_bin(), f->db),
	                 0);
	free(out);
	/* Bad input: one line, non-zero. */
	static const char *const bad[] = {
	    "user add x --role mesues --name X",         /* short name */
	    "user add zana --role boss --name Zana",     /* role */
	    "user add zana --role mesues",               /* no full name */
	    "user add arben --role mesues --name Again", /* taken */
	    "user add zana --role mesues --name Z --colour red",
	    "user passwd nobody",
	    "user frobnicate zana",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cmd = xasprintf("--db '%s' %s", f->db, bad[i]);
		int rc = run(&out, "printf 'password-ok-1\\n' | '%s' --lang en %s", e2e_bin(), cmd);
		if (rc == 0 || lines(out) != 1)
			fail_msg("'%s' -> %d: %s", cmd, rc, out);
		assert_non_null(strstr(out, "qendra: "));
		free(out);
		free(cmd);
	}
	char *s = sql1(f->db, "SELECT count(*) FROM app_user");
	assert_string_equal(s, "3");
	free(s);
	assert_int_equal(run(&out, "'%s' --lang en user list --db '%s'", e2e_bin(), f->db), 0);
	assert_non_null(strstr(out, "arben"));
	assert_non_null(strstr(out, "Teacher"));
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en user disable --db '%s' arben", e2e_bin(), f->db),
	                 0);
	free(out);
	s = sql1(f->db, "SELECT active FROM app_user WHERE username = 'arben'");
	assert_string_equal(s, "0");
	free(s);
	assert_int_equal(run(&out,
	                     "printf 'new-pass-22\\n' | '%s' --lang en user passwd --db '%s' mira",
	                     e2e_bin(), f->db),
	                 0);
	free(out);
	s = sql1(
	    f->db,
	    "SELECT count(*) FROM audit WHERE action IN ('user_add','user_disable','user_passwd')");
	assert_string_equal(s, "5");
	free(s);
}

static void test_check_backup(void **state)
{
	struct e2e_fx *f = *state;
	init_db(f);
	char *out;
	assert_int_equal(run(&out, "'%s' --lang en check --db '%s'", e2e_bin(), f->db), 0);
	assert_non_null(strstr(out, "ok"));
	free(out);
	char *copy = xasprintf("%s/copy.db", f->dir);
	assert_int_equal(run(&out, "'%s' --lang en backup --db '%s' '%s'", e2e_bin(), f->db, copy),
	                 0);
	free(out);
	char *s = sql1(copy, "SELECT username FROM app_user");
	assert_string_equal(s, "drita");
	free(s);
	assert_int_equal(run(&out, "'%s' --lang en backup --db '%s' '%s'", e2e_bin(), f->db, copy),
	                 1);
	assert_int_equal(lines(out), 1); /* never overwrites */
	free(out);
	/* Default folder from the configuration, rotated to backup.keep copies. */
	char *cfg = xasprintf("%s/k.cfg", f->dir);
	FILE *c = fopen(cfg, "w");
	fprintf(c, "backup = { dir = \"%s/bk\"; keep = 2; };\n", f->dir);
	fclose(c);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(
		    run(&out,
		        "QENDRA_NOW='2026-11-2%d 10:00:00' '%s' --lang en --config '%s'"
		        " backup --db '%s'",
		        i, e2e_bin(), cfg, f->db),
		    0);
		free(out);
	}
	assert_int_equal(run(&out, "ls '%s/bk'", f->dir), 0);
	assert_int_equal(lines(out), 2);
	assert_non_null(strstr(out, "qendra-20261123-100000.db"));
	assert_null(strstr(out, "qendra-20261120"));
	free(out);
	/* A damaged database is reported, not crashed on. */
	char *bad = xasprintf("%s/bad.db", f->dir);
	c = fopen(bad, "w");
	for (int i = 0; i < 8192; i++)
		fputc('x', c);
	fclose(c);
	assert_int_equal(run(&out, "'%s' --lang en check --db '%s'", e2e_bin(), bad), 1);
	assert_int_equal(lines(out), 1);
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en check --db '%s/none.db'", e2e_bin(), f->dir), 1);
	assert_int_equal(lines(out), 1);
	free(out);
	free(bad);
	free(cfg);
	free(copy);
}

static void test_config_errors(void **state)
{
	struct e2e_fx *f = *state;
	init_db(f);
	char *cfg = xasprintf("%s/bad.cfg", f->dir);
	char *out;
	e2e_write_file(
	    cfg, "# qendra\ncentre = { name = \"Qendra\"; };\nui = { idle_lock_minutes = ; };\n");
	assert_int_equal(
	    run(&out, "'%s' --lang en --config '%s' check --db '%s'", e2e_bin(), cfg, f->db), 2);
	assert_non_null(strstr(out, cfg));
	assert_non_null(strstr(out, ":3"));
	free(out);
	e2e_write_file(cfg, "centre = { name = \"Qendra\"; colour = \"red\"; };\n");
	assert_int_equal(
	    run(&out, "'%s' --lang en --config '%s' check --db '%s'", e2e_bin(), cfg, f->db), 2);
	assert_non_null(strstr(out, "centre.colour"));
	free(out);
	e2e_write_file(cfg, "ui = { idle_lock_minutes = 100000; };\n");
	assert_int_equal(
	    run(&out, "'%s' --lang en --config '%s' check --db '%s'", e2e_bin(), cfg, f->db), 2);
	assert_non_null(strstr(out, "idle_lock_minutes"));
	free(out);
	assert_int_equal(
	    run(&out, "'%s' --lang en --config '%s/missing.cfg' check", e2e_bin(), f->dir), 2);
	free(out);
	/* The documented example is valid. */
	assert_int_equal(
	    run(&out, "'%s' --lang en --config etc/qendra.cfg config-check", e2e_bin()), 0);
	free(out);
	free(cfg);
}

static void test_damaged_catalogues(void **state)
{
	struct e2e_fx *f = *state;
	init_db(f);
	char *loc = xasprintf("%s/loc", f->dir);
	char *out;
	assert_int_equal(
	    run(&out, "mkdir -p '%s' && cp locale/en.ini locale/sq.ini '%s'/", loc, loc), 0);
	free(out);
	/* sq.ini: a BOM, a missing key, and a key named like its section. */
	assert_int_equal(
	    run(&out,
	        "cd '%s' && printf '\\357\\273\\277' > b && cat sq.ini >> b && mv b sq.ini"
	        " && sed -i '/^check_ok = /d' sq.ini && printf '[cli]\\ncli = \"x\"\\n' >> sq.ini",
	        loc),
	    0);
	free(out);
	assert_int_equal(run(&out, "QENDRA_LOCALE_DIR='%s' '%s' --lang sq check --db '%s'", loc,
	                     e2e_bin(), f->db),
	                 0);
	/* the missing Albanian text falls back to English, never blank */
	assert_non_null(strstr(out, "ok: the database and its search index are sound."));
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en locale-check '%s'", e2e_bin(), loc), 1);
	assert_non_null(strstr(out, "check_ok"));
	assert_non_null(strstr(out, "BOM"));
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en locale-check locale", e2e_bin()), 0);
	free(out);
	/* No catalogue at all: one line, exit 2, no crash. */
	assert_int_equal(run(&out, "QENDRA_LOCALE_DIR='%s/none' '%s' --config /dev/null --version",
	                     f->dir, e2e_bin()),
	                 0);
	free(out);
	free(loc);
}

static void test_demo(void **state)
{
	struct e2e_fx *f = *state;
	char *a = xasprintf("%s/a.db", f->dir), *b = xasprintf("%s/b.db", f->dir);
	char *out;
	assert_int_equal(run(&out,
	                     "QENDRA_NOW='2026-11-23 09:00:00' '%s' --lang en demo --db '%s'"
	                     " --families 20 --seed 7",
	                     e2e_bin(), a),
	                 0);
	free(out);
	assert_int_equal(run(&out,
	                     "QENDRA_NOW='2026-11-23 09:00:00' '%s' --lang en demo --db '%s'"
	                     " --families 20 --seed 7",
	                     e2e_bin(), b),
	                 0);
	free(out);
	const char *fp =
	    "SELECT group_concat(code || first_name || last_name || coalesce(birth_date,''), ',')"
	    " FROM (SELECT f.code, p.first_name, p.last_name, p.birth_date FROM person p"
	    " JOIN family f ON f.id = p.family_id ORDER BY p.id)";
	char *x = sql1(a, fp), *y = sql1(b, fp);
	assert_true(strlen(x) > 100);
	assert_string_equal(x, y);
	free(x);
	free(y);
	assert_int_equal(run(&out, "'%s' --lang en demo --db '%s'", e2e_bin(), a), 1); /* exists */
	assert_int_equal(lines(out), 1);
	free(out);
	assert_int_equal(
	    run(&out, "'%s' --lang en demo --db '%s/z.db' --families abc", e2e_bin(), f->dir), 2);
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en demo-logins", e2e_bin()), 0);
	assert_non_null(strstr(out, "drita"));
	assert_non_null(strstr(out, "demo-mira"));
	free(out);
	assert_int_equal(run(&out, "'%s' --lang en check --db '%s'", e2e_bin(), a), 0);
	free(out);
	free(a);
	free(b);
}

static void test_failures_are_one_line(void **state)
{
	(void)state;
	static const char *const cmds[] = {"frobnicate", "--db", "--lang xx check",
	                                   "init --bogus 1"};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char *out;
		int rc = run(&out, "'%s' %s </dev/null", e2e_bin(), cmds[i]);
		if (rc == 0)
			fail_msg("'%s' succeeded", cmds[i]);
		assert_non_null(strstr(out, "qendra: "));
		free(out);
	}
	/* The TUI needs a terminal: a script gets a clear refusal. */
	char *out;
	assert_int_equal(run(&out, "'%s' --lang en </dev/null", e2e_bin()), 2);
	assert_int_equal(lines(out), 1);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_help_version, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_init_and_plain_sqlite, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_users, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_check_backup, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_config_errors, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_catalogues, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_demo, setup, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_failures_are_one_line, setup, e2e_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
