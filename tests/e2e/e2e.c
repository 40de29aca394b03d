/*
 * e2e — helpers shared by the end-to-end tests; see e2e.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

/* ---- the program and the clock ---- */

const char *e2e_bin(void)
{
	const char *b = getenv("QENDRA_BIN");
	return b && *b ? b : "./qendra";
}

long long e2e_ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- fixtures ---- */

struct e2e_fx *e2e_fx_new(const char *tag)
{
	struct e2e_fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-%s-XXXXXX", tag);
	if (!mkdtemp(f->dir)) {
		perror(f->dir);
		free(f);
		return NULL;
	}
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	snprintf(f->cfg, sizeof f->cfg, "%s/qendra.cfg", f->dir);
	return f;
}

int e2e_fx_free(struct e2e_fx *f)
{
	if (!f)
		return 0;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

int e2e_teardown(void **state)
{
	int rc = e2e_fx_free(*state);
	*state = NULL;
	return rc;
}

int e2e_demo(const char *db, const char *log_dir, const char *now, int families)
{
	char *pin = now ? xasprintf("QENDRA_NOW='%s' ", now) : xstrdup("");
	char *cmd =
	    xasprintf("%s'%s' demo --db '%s' --families %d </dev/null >>'%s/setup.log' 2>&1", pin,
	              e2e_bin(), db, families, log_dir);
	int rc = system(cmd);
	free(cmd);
	free(pin);
	if (rc != 0) {
		fprintf(stderr, "qendra demo failed (%d); see %s/setup.log\n", rc, log_dir);
		return -1;
	}
	return 0;
}

int e2e_init(const char *db, const char *log_dir, const char *user, const char *pw)
{
	char *cmd = xasprintf("QENDRA_INIT_USER='%s' QENDRA_INIT_PASSWORD='%s' '%s' init --db '%s'"
	                      " </dev/null >>'%s/setup.log' 2>&1",
	                      user, pw, e2e_bin(), db, log_dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "qendra init failed (%d); see %s/setup.log\n", rc, log_dir);
		return -1;
	}
	return 0;
}

void e2e_add_user(const struct e2e_fx *f, const char *user, const char *role, const char *name,
                  const char *pw)
{
	char *cmd = xasprintf("printf '%%s\\n' '%s' | '%s' user add --db '%s' '%s' --role '%s'"
	                      " --name '%s' >>'%s/setup.log' 2>&1",
	                      pw, e2e_bin(), f->db, user, role, name, f->dir);
	e2e_sh_ok(cmd);
	free(cmd);
}

void e2e_sh_ok(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	assert_int_equal(rc, 0);
}

int e2e_copy(const char *from, const char *to)
{
	char *cmd = xasprintf("cp '%s' '%s'", from, to);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

void e2e_write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		fail_msg("cannot write %s", path);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

char *e2e_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct sbuf b = {0};
	sbuf_add(&b, "");
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sbuf_addn(&b, chunk, n);
	fclose(fp);
	if (len)
		*len = b.len;
	return b.s;
}

bool e2e_file_has(const char *path, const char *needle)
{
	size_t len = 0;
	char *s = e2e_read_file(path, &len);
	bool found = s && memmem(s, len, needle, strlen(needle)) != NULL;
	free(s);
	return found;
}

/* ---- the terminal ---- */

struct pty *e2e_start_env(const struct e2e_fx *f, int rows, int cols, const char *lang, bool cfg,
                          const char *const *env)
{
	const char *argv[8];
	int n = 0;
	argv[n++] = e2e_bin();
	argv[n++] = "--db";
	argv[n++] = f->db;
	if (cfg) {
		argv[n++] = "--config";
		argv[n++] = f->cfg;
	}
	if (lang) {
		argv[n++] = "--lang";
		argv[n++] = lang;
	}
	argv[n] = NULL;
	struct pty_opts o = {.rows = rows, .cols = cols, .argv = argv, .env = env};
	struct pty *p = pty_spawn(&o);
	assert_non_null(p);
	return p;
}

struct pty *e2e_start(const struct e2e_fx *f, const char *lang, const char *const *env)
{
	return e2e_start_env(f, 24, 80, lang, false, env);
}

void e2e_wait_text(struct pty *p, const char *text)
{
	if (!pty_wait_text(p, text, E2E_WAIT_MS)) {
		pty_dump(p, stderr);
		fail_msg("the screen never showed \"%s\"", text);
	}
}

void e2e_wait_gone(struct pty *p, const char *text)
{
	if (!pty_wait_gone(p, text, E2E_WAIT_MS)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" stayed on the screen", text);
	}
}

void e2e_wait_row(struct pty *p, int row, const char *text)
{
	long long end = e2e_ms_now() + E2E_WAIT_MS;
	for (;;) {
		char *r = pty_row(p, row);
		bool ok = r && strstr(r, text);
		free(r);
		if (ok)
			return;
		if (e2e_ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("row %d never showed \"%s\"", row, text);
		}
		pty_wait_stable(p, 50, 500);
	}
}

void e2e_settle(struct pty *p)
{
	assert_true(pty_wait_stable(p, 150, E2E_WAIT_MS));
}

void e2e_assert_absent(struct pty *p, const char *text)
{
	pty_wait_stable(p, 100, 2000);
	if (pty_screen_has(p, text)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" should not be on the screen", text);
	}
}

void e2e_assert_present(struct pty *p, const char *text)
{
	pty_wait_stable(p, 100, 2000);
	if (!pty_screen_has(p, text)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" should be on the screen", text);
	}
}

void e2e_key(struct pty *p, const char *name)
{
	assert_int_equal(pty_send_key(p, name), 0);
}

void e2e_keys(struct pty *p, const char *name, int times)
{
	for (int i = 0; i < times; i++)
		e2e_key(p, name);
}

void e2e_type(struct pty *p, const char *text)
{
	assert_int_equal(pty_type(p, text), 0);
}

void e2e_esc(struct pty *p)
{
	pty_wait_stable(p, 150, 2000);
	e2e_key(p, "Esc");
	pty_wait_stable(p, 250, 2000);
}

void e2e_submit_login(struct pty *p, const char *user, const char *pw)
{
	e2e_type(p, user);
	e2e_key(p, "Enter");
	e2e_type(p, pw);
	e2e_key(p, "Enter");
}

void e2e_login(struct pty *p, const char *lang, const char *user, const char *pw)
{
	bool sq = strcmp(lang, "sq") == 0;
	char *demo_pw = pw ? NULL : xasprintf("demo-%s", user);
	e2e_wait_text(p, sq ? "Përdoruesi" : "User name");
	e2e_submit_login(p, user, pw ? pw : demo_pw);
	free(demo_pw);
	e2e_wait_text(p, sq ? "Sot, " : "Today, ");
}

char *e2e_fold(const char *s)
{
	struct sbuf b = {0};
	sbuf_add(&b, "");
	while (*s) {
		/* ç and Ç are C3 A7 and C3 87; ë and Ë are C3 AB and C3 8B. */
		if (!strncmp(s, "ç", 2) || !strncmp(s, "Ç", 2)) {
			sbuf_add(&b, s[1] == '\xa7' ? "c" : "C");
			s += 2;
		} else if (!strncmp(s, "ë", 2) || !strncmp(s, "Ë", 2)) {
			sbuf_add(&b, s[1] == '\xab' ? "e" : "E");
			s += 2;
		} else {
			sbuf_addn(&b, s, 1);
			s++;
		}
	}
	return b.s;
}

/* ---- the database, with plain sqlite3 ---- */

sqlite3 *e2e_db_open(const char *db, int flags)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(db, &h, flags, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(h);
		fail_msg("cannot open %s: %s", db, sqlite3_errstr(rc));
	}
	sqlite3_busy_timeout(h, 5000);
	return h;
}

char *e2e_db_text(const char *db, const char *sql)
{
	sqlite3 *h = e2e_db_open(db, SQLITE_OPEN_READONLY);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad test SQL: %s: %s", sql, sqlite3_errmsg(h));
	char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

char *e2e_db_textf(const char *db, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_non_null(sql);
	char *v = e2e_db_text(db, sql);
	sqlite3_free(sql);
	return v;
}

long e2e_db_long(const char *db, const char *sql)
{
	char *v = e2e_db_text(db, sql);
	long n = v ? strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

void e2e_db_exec(const char *db, const char *sql)
{
	sqlite3 *h = e2e_db_open(db, SQLITE_OPEN_READWRITE);
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "test SQL failed: %s\n  in %s\n", msg ? msg : "?", sql);
	sqlite3_free(msg);
	sqlite3_close(h);
	assert_int_equal(rc, SQLITE_OK);
}

void e2e_expect_db(const char *db, const char *sql, const char *want)
{
	char *v = e2e_db_text(db, sql);
	if (!v || strcmp(v, want) != 0)
		fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL", want);
	free(v);
}

void e2e_wait_db(const char *db, struct pty *p, const char *sql, const char *want)
{
	long long end = e2e_ms_now() + E2E_WAIT_MS;
	for (;;) {
		char *v = e2e_db_text(db, sql);
		bool ok = v && strcmp(v, want) == 0;
		if (ok || e2e_ms_now() > end) {
			if (!ok) {
				pty_dump(p, stderr);
				fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL",
				         want);
			}
			free(v);
			return;
		}
		free(v);
		pty_wait_stable(p, 50, 500);
	}
}
