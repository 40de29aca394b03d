/*
 * test_shell — end-to-end tests of the terminal shell (tui/): the real
 * qendra binary ($QENDRA_BIN, default ./qendra) in a pseudo-terminal of
 * 80x24 with TERM=xterm-256color and LANG=C.UTF-8, on a fresh database in a
 * fresh temp directory per test (made with `qendra init` and `qendra user
 * add`). Every step waits for the screen to show the expected state;
 * nothing sleeps a fixed time.
 *
 * Covered: login (right, wrong, unknown user, lockout after 5 with the
 * database checked for locked_until and for clear-text passwords), the
 * language switch (screen and app_user.lang, kept for the next session),
 * help from the key tables, the key bar at 80x24, live resize (120x40,
 * 60x20 "too small" without personal data, and back), the idle lock
 * (QENDRA_IDLE_SECONDS) and the panic keys with unlock by password, hang-up
 * ending the process within 1 s, typed ë/ç (also with no locale set),
 * PuTTY's F1 sequence, a monochrome vt100 with NO_COLOR, field editing,
 * a long name cut with an ellipsis, the home menu of registered screens,
 * logout and quit, each role's day on a `qendra demo` centre (with the
 * dropout count for registrars and managers), Enter on a line of the day
 * opening it (referral, dropout list, schedule), keys of other roles left
 * out and refused, the help/language/hide keys kept on a full key bar, and
 * keys set in the configuration (keys.*), refused when a screen uses them.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/pty.h"
#include "util/util.h"

#define T_WAIT 10000 /* ms: generous, Argon2 on a loaded CI machine is slow */

#define MGR_USER  "drita"
#define MGR_PASS  "sekret-drita-1"
#define MGR_NAME  "Menaxheri" /* not checked: init may name the manager differently */
#define CNS_USER  "elira"
#define CNS_PASS  "sekret-elira-1"
#define CNS_NAME  "Elira Çela"
#define VIEW_USER "vjosa"
#define VIEW_PASS "sekret-vjosa-1"

struct fx {
	char dir[64];
	char db[128];
	char cfg[128];
};

static const char *bin(void)
{
	const char *b = getenv("QENDRA_BIN");
	return b && *b ? b : "./qendra";
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sh_ok(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	assert_int_equal(rc, 0);
}

static void add_user(struct fx *f, const char *user, const char *role, const char *name,
                     const char *pw)
{
	char *cmd = xasprintf("printf '%%s\\n' '%s' | '%s' user add --db '%s' %s --role %s"
	                      " --name '%s' >>'%s/setup.log' 2>&1",
	                      pw, bin(), f->db, user, role, name, f->dir);
	sh_ok(cmd);
	free(cmd);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-shell-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	snprintf(f->cfg, sizeof f->cfg, "%s/qendra.cfg", f->dir);
	char *cmd = xasprintf("QENDRA_INIT_USER=%s QENDRA_INIT_PASSWORD='%s' '%s' init --db '%s'"
	                      " </dev/null >>'%s/setup.log' 2>&1",
	                      MGR_USER, MGR_PASS, bin(), f->db, f->dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "qendra init failed (%d); see %s/setup.log\n", rc, f->dir);
		return -1;
	}
	add_user(f, CNS_USER, "counsellor", CNS_NAME, CNS_PASS);
	add_user(f, VIEW_USER, "viewer", "Vjosa Kola", VIEW_PASS);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* A database made by `qendra demo` (users drita, elira, vjosa, ... with
 * passwords demo-<name>) instead of init. */
static int setup_demo(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-shell-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	snprintf(f->cfg, sizeof f->cfg, "%s/qendra.cfg", f->dir);
	*state = f;
	char *cmd = xasprintf("'%s' demo --db '%s' --families 30 </dev/null >>'%s/setup.log' 2>&1",
	                      bin(), f->db, f->dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0)
		fprintf(stderr, "qendra demo failed (%d); see %s/setup.log\n", rc, f->dir);
	return rc == 0 ? 0 : -1;
}

/* Start the UI on the fixture's database; lang and cfg may be NULL. */
static struct pty *start_env(struct fx *f, int rows, int cols, const char *lang, bool cfg,
                             const char *const *env)
{
	const char *argv[10];
	int n = 0;
	argv[n++] = bin();
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

static struct pty *start(struct fx *f, const char *lang)
{
	return start_env(f, 24, 80, lang, false, NULL);
}

static void wait_text(struct pty *p, const char *text)
{
	if (!pty_wait_text(p, text, T_WAIT)) {
		pty_dump(p, stderr);
		fail_msg("the screen never showed \"%s\"", text);
	}
}

static void wait_gone(struct pty *p, const char *text)
{
	if (!pty_wait_gone(p, text, T_WAIT)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" stayed on the screen", text);
	}
}

static void assert_absent(struct pty *p, const char *text)
{
	if (pty_screen_has(p, text)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" should not be on the screen", text);
	}
}

/* Wait until row `row` contains text (pumping output meanwhile). */
static void wait_row(struct pty *p, int row, const char *text)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *r = pty_row(p, row);
		bool ok = r && strstr(r, text);
		free(r);
		if (ok)
			return;
		if (ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("row %d never showed \"%s\"", row, text);
		}
		pty_wait_stable(p, 50, 1000);
	}
}

static void key(struct pty *p, const char *name)
{
	assert_int_equal(pty_send_key(p, name), 0);
}

static void type(struct pty *p, const char *text)
{
	assert_int_equal(pty_type(p, text), 0);
}

/* Fill the login form (English screen) and submit. */
static void submit_login(struct pty *p, const char *user, const char *pw)
{
	type(p, user);
	key(p, "Enter");
	type(p, pw);
	key(p, "Enter");
}

static void login_en(struct pty *p, const char *user, const char *pw)
{
	wait_text(p, "User name");
	submit_login(p, user, pw);
	wait_text(p, "Today, ");
}

/* One text value from the database, read with plain sqlite3 (caller frees). */
static char *db_text(struct fx *f, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

/* Wait (pumping the program's output) until a query returns want. */
static void wait_db(struct fx *f, struct pty *p, const char *sql, const char *want)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *v = db_text(f, sql);
		bool ok = v && strcmp(v, want) == 0;
		if (ok || ms_now() > end) {
			if (!ok)
				fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL",
				         want);
			free(v);
			return;
		}
		free(v);
		pty_wait_stable(p, 50, 500);
	}
}

static bool file_has(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	struct sbuf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sbuf_addn(&b, chunk, n);
	fclose(fp);
	size_t nl = strlen(needle);
	bool found = false;
	for (size_t i = 0; b.s && !found && i + nl <= b.len; i++)
		found = memcmp(b.s + i, needle, nl) == 0;
	sbuf_free(&b);
	return found;
}

static void quit_from_home(struct pty *p)
{
	key(p, "F10");
	wait_text(p, "Sign out of qendra?");
	key(p, "y");
	wait_text(p, "User name");
	key(p, "F10");
	int status = -1;
	if (!pty_exited(p, T_WAIT, &status))
		fail_msg("qendra did not close with F10");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- tests ---- */

static void test_login_right(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_text(p, "Sign in");
	wait_text(p, "Password");
	submit_login(p, CNS_USER, CNS_PASS);
	wait_text(p, "Today, ");
	/* status line: user, role and the date dd.mm.yyyy */
	wait_row(p, 0, CNS_NAME " (Counsellor)");
	char *top = pty_row(p, 0);
	bool dated = false;
	for (const char *s = top; s && *s; s++)
		if (strlen(s) >= 10 && s[2] == '.' && s[5] == '.' && s[0] >= '0' && s[0] <= '3')
			dated = true;
	free(top);
	assert_true(dated);
	wait_text(p, "My appointments today (");
	assert_absent(p, CNS_PASS);
	char *last =
	    db_text(f, "SELECT last_login IS NOT NULL FROM app_user WHERE username = 'elira'");
	assert_string_equal(last, "1");
	free(last);
	quit_from_home(p);
	pty_free(p);
}

static void test_login_wrong(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_text(p, "User name");
	submit_login(p, MGR_USER, "not-the-password");
	wait_text(p, "Wrong user name or password.");
	assert_absent(p, "not-the-password");
	assert_absent(p, "Today, ");
	/* An unknown user gets the very same message. */
	key(p, "Esc");
	wait_gone(p, "Wrong user name or password.");
	key(p, "Tab"); /* back to the user name: it keeps "drita"; clear it */
	key(p, "C-u");
	submit_login(p, "nosuchuser", "whatever-1");
	wait_text(p, "Wrong user name or password.");
	/* Empty password: asked for, nothing checked */
	key(p, "Esc");
	key(p, "Enter");
	wait_text(p, "must be filled in");
	/* Then the right one still works (fewer than 5 failures). */
	key(p, "BTab");
	key(p, "C-u");
	submit_login(p, MGR_USER, MGR_PASS);
	wait_text(p, "Today, ");
	pty_free(p);
}

static void test_lockout(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_text(p, "User name");
	type(p, MGR_USER);
	key(p, "Enter");
	char wrong[5][32];
	for (int i = 0; i < 5; i++) {
		snprintf(wrong[i], sizeof wrong[i], "wrong-pass-%d", i + 1);
		type(p, wrong[i]);
		key(p, "Enter");
		if (i < 4) {
			wait_text(p, "Wrong user name or password.");
			key(p, "Esc");
			wait_gone(p, "Wrong user name or password.");
		}
	}
	wait_text(p, "locked until");
	/* The sixth attempt, with the right password, is still refused. */
	key(p, "Esc");
	wait_gone(p, "locked until");
	type(p, MGR_PASS);
	key(p, "Enter");
	wait_text(p, "locked until");
	assert_absent(p, "Today, ");
	key(p, "F10");
	assert_true(pty_exited(p, T_WAIT, NULL));
	pty_free(p);

	char *until = db_text(f, "SELECT locked_until FROM app_user WHERE username = 'drita'");
	assert_non_null(until);
	char *later = db_text(f, "SELECT locked_until > datetime('now', 'localtime', '+5 minutes')"
	                         " FROM app_user WHERE username = 'drita'");
	assert_string_equal(later, "1");
	free(until);
	free(later);
	/* No password in clear anywhere in the database (or a journal beside it). */
	char *journal = xasprintf("%s-journal", f->db);
	char *wal = xasprintf("%s-wal", f->db);
	const char *pws[] = {MGR_PASS, CNS_PASS, VIEW_PASS, wrong[0],
	                     wrong[1], wrong[2], wrong[3],  wrong[4]};
	for (size_t i = 0; i < sizeof pws / sizeof pws[0]; i++) {
		assert_false(file_has(f->db, pws[i]));
		assert_false(file_has(journal, pws[i]));
		assert_false(file_has(wal, pws[i]));
	}
	free(journal);
	free(wal);
}

static void test_language_switch(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "sq");
	wait_text(p, "Përdoruesi");
	wait_text(p, "Fjalëkalimi");
	submit_login(p, MGR_USER, MGR_PASS);
	wait_text(p, "Sot, ");
	wait_row(p, 23, "Ndihmë");
	const char *sql = "SELECT lang FROM app_user WHERE username = 'drita'";
	wait_db(f, p, sql, "sq");
	key(p, "F9");
	wait_text(p, "Today, ");
	wait_gone(p, "Sot, ");
	wait_row(p, 23, "F1 Help");
	wait_db(f, p, sql, "en");
	key(p, "F9");
	wait_text(p, "Sot, ");
	wait_db(f, p, sql, "sq");
	key(p, "M-l"); /* the letter alternative */
	wait_text(p, "Today, ");
	wait_db(f, p, sql, "en");
	pty_free(p);

	/* The preference is the user's: a new session without --lang starts in
	 * the configured Albanian and switches to English at login. */
	p = start(f, NULL);
	wait_text(p, "Përdoruesi");
	submit_login(p, MGR_USER, MGR_PASS);
	wait_text(p, "Today, ");
	pty_free(p);
}

static void test_help(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_text(p, "User name");
	key(p, "F1");
	wait_text(p, "Keys of this screen: Sign in");
	wait_text(p, "Close qendra");
	key(p, "Esc");
	wait_gone(p, "Keys of this screen");
	submit_login(p, MGR_USER, MGR_PASS);
	wait_text(p, "Today, ");
	key(p, "F1");
	wait_text(p, "Keys of this screen: Today");
	/* every key of home's table, and the global ones */
	wait_text(p, "F5, r");
	wait_text(p, "Fetch the day again");
	wait_text(p, "F10, q");
	key(p, "End"); /* the home menu's entries come first: the rest is further down */
	wait_text(p, "Keys that work everywhere");
	wait_text(p, "F9, Alt-l");
	wait_text(p, "F12, Ctrl-\\");
	key(p, "Esc");
	wait_gone(p, "Keys of this screen");
	wait_text(p, "Today, ");
	key(p, "?");
	wait_text(p, "Keys of this screen: Today");
	key(p, "q");
	wait_gone(p, "Keys of this screen");
	/* PuTTY's F1 (ESC [ 11 ~) opens it too */
	assert_int_equal(pty_send(p, "\033[11~"), 0);
	wait_text(p, "Keys of this screen: Today");
	pty_free(p);
}

static void test_key_bar(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_row(p, 23, "F1 Help");
	wait_row(p, 23, "F10 Close");
	submit_login(p, MGR_USER, MGR_PASS);
	wait_text(p, "Today, ");
	wait_row(p, 23, "F1 Help");
	wait_row(p, 23, "F5 Refresh");
	wait_row(p, 23, "F10 Sign out");
	wait_row(p, 23, "F12 Hide");
	pty_free(p);
}

static void test_resize(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, CNS_USER, CNS_PASS);
	wait_row(p, 0, CNS_NAME);
	assert_int_equal(pty_resize(p, 40, 120), 0);
	wait_row(p, 39, "F1 Help");
	wait_row(p, 0, CNS_NAME);
	assert_int_equal(pty_resize(p, 24, 80), 0);
	wait_row(p, 23, "F1 Help");
	wait_text(p, "Today, ");
	/* Too small: a message and nothing personal. */
	assert_int_equal(pty_resize(p, 20, 60), 0);
	wait_text(p, "too small");
	wait_gone(p, "Elira");
	assert_absent(p, "Today, ");
	assert_absent(p, "appointments");
	key(p, "q"); /* keys do nothing meanwhile */
	assert_int_equal(pty_resize(p, 24, 80), 0);
	wait_gone(p, "too small");
	wait_row(p, 0, CNS_NAME);
	wait_row(p, 23, "F1 Help");
	wait_text(p, "Today, ");
	pty_free(p);
}

static void test_idle_lock(void **state)
{
	struct fx *f = *state;
	const char *env[] = {"QENDRA_IDLE_SECONDS=2", NULL};
	struct pty *p = start_env(f, 24, 80, "en", false, env);
	login_en(p, CNS_USER, CNS_PASS);
	wait_text(p, "Press Enter to continue.");
	assert_absent(p, "Elira");
	assert_absent(p, "Today, ");
	key(p, "Enter");
	wait_text(p, "Type the password of elira");
	type(p, "not-it");
	key(p, "Enter");
	wait_text(p, "Wrong password.");
	type(p, CNS_PASS);
	key(p, "Enter");
	wait_text(p, "Today, ");
	wait_row(p, 0, CNS_NAME);
	/* and it locks again when left alone */
	wait_text(p, "Press Enter to continue.");
	pty_free(p);
}

static void check_panic(struct pty *p, const char *keyname)
{
	key(p, keyname);
	/* at once: the first screen drawn after the key is the blank one */
	if (!pty_wait_text(p, "Press Enter to continue.", 1000)) {
		pty_dump(p, stderr);
		fail_msg("%s did not hide the screen within 1 s", keyname);
	}
	assert_absent(p, "Elira");
	assert_absent(p, "Today");
	assert_absent(p, "F1 Help");
	/* other keys do not bring it back */
	key(p, "Esc");
	key(p, "F1");
	type(p, "x");
	assert_true(pty_wait_stable(p, 200, T_WAIT));
	assert_absent(p, "Today");
	key(p, "Enter");
	wait_text(p, "Type the password of elira");
	type(p, CNS_PASS);
	key(p, "Enter");
	wait_text(p, "Today, ");
	wait_row(p, 0, CNS_NAME);
}

static void test_panic(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, CNS_USER, CNS_PASS);
	check_panic(p, "F12");
	check_panic(p, "C-\\");
	check_panic(p, "M-x");
	pty_free(p);
}

static void test_hangup(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, CNS_USER, CNS_PASS);
	long long t0 = ms_now();
	assert_int_equal(pty_hangup(p), 0);
	int status = -1;
	bool gone = pty_exited(p, 1000, &status);
	long long took = ms_now() - t0;
	if (!gone)
		fail_msg("qendra still runs 1 s after the hang-up");
	assert_true(took <= 1000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	pty_free(p);

	/* also on the login screen */
	p = start(f, "en");
	wait_text(p, "User name");
	assert_int_equal(pty_hangup(p), 0);
	assert_true(pty_exited(p, 1000, NULL));
	pty_free(p);
}

static void check_typing(struct pty *p)
{
	type(p, "ëç");
	wait_text(p, "ëç");
	key(p, "Backspace");
	wait_gone(p, "ëç");
	assert_true(pty_screen_has(p, "ë"));
	type(p, "Ç");
	wait_text(p, "ëÇ");
}

static void test_typing_utf8(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_text(p, "User name");
	check_typing(p);
	pty_free(p);
	/* With no locale in the environment at all, qendra falls back to C.UTF-8. */
	const char *env[] = {"LANG", "LC_ALL", "LC_CTYPE", NULL};
	p = start_env(f, 24, 80, "en", false, env);
	wait_text(p, "User name");
	check_typing(p);
	pty_free(p);
}

static void test_monochrome(void **state)
{
	struct fx *f = *state;
	const char *env[] = {"TERM=vt100", "NO_COLOR=1", NULL};
	struct pty *p = start_env(f, 24, 80, "en", false, env);
	login_en(p, MGR_USER, MGR_PASS);
	wait_row(p, 23, "F1 Help");
	key(p, "M-l");
	wait_text(p, "Sot, ");
	key(p, "?");
	wait_text(p, "Tastet e këtij ekrani");
	pty_free(p);
}

static void test_config_language(void **state)
{
	struct fx *f = *state;
	FILE *fp = fopen(f->cfg, "w");
	assert_non_null(fp);
	fputs("ui:\n{\n  language = \"en\";\n  idle_lock_minutes = 1;\n};\n", fp);
	fclose(fp);
	struct pty *p = start_env(f, 24, 80, NULL, true, NULL);
	wait_text(p, "User name");
	pty_free(p);
}

static void test_field_editing(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	wait_text(p, "User name");
	type(p, "abc");
	wait_text(p, "abc");
	key(p, "Left");
	key(p, "Left");
	type(p, "X");
	wait_text(p, "aXbc");
	key(p, "Home");
	type(p, "Y");
	wait_text(p, "YaXbc");
	key(p, "End");
	key(p, "Backspace");
	wait_gone(p, "YaXbc");
	wait_text(p, "YaXb");
	key(p, "Home");
	key(p, "Del");
	wait_gone(p, "YaXb");
	wait_text(p, "aXb");
	key(p, "C-u");
	wait_gone(p, "aXb");
	/* wide and accented characters, then more than the box shows */
	type(p, "漢字ë");
	wait_text(p, "漢字ë");
	type(p, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	wait_text(p, "xxxxxxxxxxxxxxxxxxxx");
	assert_true(pty_wait_stable(p, 100, T_WAIT));
	int row = -1, col = -1;
	pty_cursor(p, &row, &col);
	assert_true(col > 0 && col < 80);
	/* the password shows as stars, never as text */
	key(p, "Tab");
	type(p, "secret-ë");
	wait_text(p, "********");
	assert_absent(p, "secret");
	pty_free(p);
}

static void test_long_name(void **state)
{
	struct fx *f = *state;
	add_user(f, "longname", "counsellor",
	         "Anëmarië Çelëbi-Dushkaj Gjergjaj Kastrioti Skënderbeu Xhaferraj",
	         "sekret-long-1");
	struct pty *p = start(f, "en");
	login_en(p, "longname", "sekret-long-1");
	/* the name is cut with an ellipsis; role and date keep their place */
	wait_row(p, 0, "Anëmarië Çelëbi-Dushkaj");
	wait_row(p, 0, "… (Counsellor)  ");
	assert_absent(p, "Xhaferraj");
	char *top = pty_row(p, 0);
	assert_non_null(top);
	size_t len = strlen(top);
	assert_true(len >= 10 && top[len - 8] == '.' && top[len - 5] == '.');
	free(top);
	pty_free(p);
}

/* The day of each role on the demo centre, which has appointments today. */
static void test_demo_day(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, "drita", "demo-drita");
	wait_text(p, "Appointments today (");
	assert_absent(p, "Appointments today (0)");
	wait_text(p, "Referrals waiting (");
	wait_text(p, "Dropout warning: ");
	key(p, "End"); /* the centre's figures are at the bottom of a full day */
	wait_text(p, "Visits today: ");
	key(p, "F10");
	wait_text(p, "Sign out of qendra?");
	key(p, "y");
	login_en(p, "mira", "demo-mira");
	wait_text(p, "My classes today (");
	assert_absent(p, "Referrals");
	assert_absent(p, "appointments");
	key(p, "F10");
	wait_text(p, "Sign out of qendra?");
	key(p, "y");
	login_en(p, "vjosa", "demo-vjosa");
	wait_text(p, "Today in figures");
	wait_text(p, "Appointments today: ");
	assert_absent(p, "Appointments today: 0");
	assert_absent(p, "Dropout warning"); /* risk data: not a viewer's */
	pty_free(p);
}

/* The number at the end of the first "Dropout warning: N children" on the screen. */
static int dropout_shown(struct pty *p)
{
	for (int r = 0; r < 24; r++) {
		char *row = pty_row(p, r);
		const char *at = row ? strstr(row, "Dropout warning: ") : NULL;
		int n = at ? atoi(at + strlen("Dropout warning: ")) : -1;
		free(row);
		if (at)
			return n;
	}
	return -1;
}

/* Enter on a line of the day opens it: a referral its screen, the dropout
 * count its list (the same number), an appointment the schedule on its
 * day. A registrar sees the dropout count; the log key of the schedule is
 * not theirs (left out of the key bar and help, refused with a message). */
static void test_home_opens(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, "arben", "demo-arben");
	wait_text(p, "Referrals waiting (");
	wait_text(p, "Dropout warning: ");
	int shown = dropout_shown(p);
	assert_true(shown > 0); /* the demo centre has children on the warning */
	/* The selection starts on the first referral (the oldest overdue). */
	char *first = NULL;
	for (int r = 0; r < 24 && !first; r++) {
		char *row = pty_row(p, r);
		if (row && strstr(row, "> ")) {
			first = xstrdup(row);
		}
		free(row);
	}
	assert_non_null(first);
	key(p, "Enter");
	wait_row(p, 0, "Referral");
	wait_text(p, "History (");
	free(first);
	key(p, "Esc");
	wait_text(p, "Today, ");
	/* Search the dropout line and open it: the list says the same number. */
	key(p, "/");
	type(p, "Dropout");
	key(p, "Enter");
	key(p, "Enter");
	wait_row(p, 0, "Dropout warning");
	char want[64];
	snprintf(want, sizeof want, ": %d children", shown);
	wait_text(p, want);
	key(p, "Esc");
	wait_text(p, "Today, ");
	/* The schedule: no log key for a registrar. */
	key(p, "s");
	wait_row(p, 0, "Schedule");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "Log"));
	free(bar);
	key(p, "l");
	wait_text(p, "This key is not for your role.");
	assert_absent(p, "Session log");
	key(p, "F1");
	wait_text(p, "Keys of this screen: Schedule");
	wait_text(p, "Book");
	assert_absent(p, "session log");
	pty_free(p);

	/* A counsellor: Enter on today's first appointment opens the schedule
	 * on today. */
	p = start(f, "en");
	login_en(p, "elira", "demo-elira");
	wait_text(p, "My appointments today (");
	assert_absent(p, "My appointments today (0)");
	assert_absent(p, "Dropout warning"); /* not a counsellor's */
	key(p, "Enter");
	wait_row(p, 0, "Schedule");
	char *top = pty_row(p, 0);
	char date[16] = "";
	/* the status line ends with today's date dd.mm.yyyy */
	if (top && strlen(top) >= 10)
		snprintf(date, sizeof date, "%s", top + strlen(top) - 10);
	free(top);
	char day[40];
	snprintf(day, sizeof day, "%s", date);
	wait_text(p, day);
	wait_text(p, "Day: ");
	pty_free(p);

	/* A teacher: Enter on a class today opens its roll; the count of rolls
	 * not taken opens their list. */
	p = start(f, "en");
	login_en(p, "mira", "demo-mira");
	wait_text(p, "My classes today (");
	assert_absent(p, "My classes today (0)");
	key(p, "Enter");
	wait_row(p, 0, "Roll call");
	key(p, "Esc");
	wait_text(p, "Today, ");
	key(p, "/");
	type(p, "Rolls not taken");
	key(p, "Enter");
	key(p, "Enter");
	wait_row(p, 0, "Rolls not taken");
	pty_free(p);
}

/* The help, language and hide keys keep their place on the key bar when a
 * screen's keys fill it: the schedule in Albanian is the longest. */
static void test_key_bar_reserved(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "sq");
	wait_text(p, "Përdoruesi");
	submit_login(p, "drita", "demo-drita");
	wait_text(p, "Sot, ");
	key(p, "s");
	wait_row(p, 0, "Orari");
	wait_row(p, 23, "F1 Ndihmë");
	wait_row(p, 23, "F9 English");
	wait_row(p, 23, "F12 Fshih");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_true(strstr(bar, "F1 Ndihmë") == bar); /* first, then the screen's */
	assert_true(strstr(bar, "F9 English") < strstr(bar, "F12 Fshih"));
	free(bar);
	/* and in English, on a narrow 80 columns, the same */
	key(p, "F9");
	wait_row(p, 0, "Schedule");
	wait_row(p, 23, "F1 Help");
	wait_row(p, 23, "F9 Shqip");
	wait_row(p, 23, "F12 Hide");
	pty_free(p);
}

static void write_cfg(struct fx *f, const char *text)
{
	FILE *fp = fopen(f->cfg, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* keys.* in the configuration move the shell's keys (and a global key's);
 * a key a screen already uses is refused before the screen is taken. */
static void test_config_keys(void **state)
{
	struct fx *f = *state;
	write_cfg(f, "ui: { language = \"en\"; };\n"
	             "keys: {\n  help = \"F1\";\n  hide = [\"F11\", \"Ctrl-\\\\\"];\n"
	             "  visit = [\"Ctrl-b\", \"Alt-v\"];\n};\n");
	struct pty *p = start_env(f, 24, 80, "en", true, NULL);
	login_en(p, CNS_USER, CNS_PASS);
	wait_row(p, 23, "F11 Hide");
	wait_row(p, 23, "Ctrl-B Visit");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "F12"));
	free(bar);
	/* '?' is no longer help; F1 still is, and help lists the keys as set */
	key(p, "?");
	assert_true(pty_wait_stable(p, 200, T_WAIT));
	assert_absent(p, "Keys of this screen");
	key(p, "F1");
	wait_text(p, "Keys of this screen: Today");
	key(p, "End");
	wait_text(p, "F11, Ctrl-\\");
	assert_absent(p, "F12");
	key(p, "Esc");
	wait_gone(p, "Keys of this screen");
	/* F12 does nothing now; F11 hides */
	key(p, "F12");
	assert_true(pty_wait_stable(p, 200, T_WAIT));
	assert_absent(p, "Press Enter to continue.");
	check_panic(p, "F11");
	check_panic(p, "C-\\");
	pty_free(p);

	/* F5 is home's Refresh: refused, saying so, and nothing is shown. */
	write_cfg(f, "keys: { hide = \"F5\"; };\n");
	p = start_env(f, 24, 80, "en", true, NULL);
	wait_text(p, "keys.hide");
	wait_text(p, "F5");
	int status = -1;
	assert_true(pty_exited(p, T_WAIT, &status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	pty_free(p);

	/* A menu hotkey with Alt is taken too (Alt-a opens About on home). */
	write_cfg(f, "keys: { language = \"Alt-a\"; };\n");
	p = start_env(f, 24, 80, "en", true, NULL);
	wait_text(p, "keys.language");
	assert_true(pty_exited(p, T_WAIT, &status));
	assert_int_equal(WEXITSTATUS(status), 1);
	pty_free(p);
}

/* Screens registered by other modules (tui_register_screen) appear in the
 * home menu with their hotkey, in help, open and go back with Esc. */
static void test_menu(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, MGR_USER, MGR_PASS);
	wait_text(p, "Menu");
	wait_text(p, "About qendra");
	key(p, "a");
	wait_row(p, 0, "About qendra");
	wait_text(p, "Database schema");
	wait_row(p, 23, "Esc Back");
	key(p, "Esc");
	wait_text(p, "Today, ");
	key(p, "Tab"); /* into the menu, then Enter: the first entry of a day's work */
	key(p, "Enter");
	wait_row(p, 0, "Families");
	key(p, "Esc");
	wait_text(p, "Today, ");
	key(p, "F1");
	wait_text(p, "Keys of this screen: Today");
	wait_text(p, "About qendra");
	pty_free(p);
}

static void test_logout_and_quit(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login_en(p, VIEW_USER, VIEW_PASS);
	/* a viewer gets figures, never names or lists */
	wait_text(p, "Today in figures");
	assert_absent(p, "My appointments");
	key(p, "F10");
	wait_text(p, "Sign out of qendra?");
	key(p, "n");
	wait_gone(p, "Sign out of qendra?");
	assert_true(pty_screen_has(p, "Today, "));
	key(p, "q");
	wait_text(p, "Sign out of qendra?");
	key(p, "y");
	wait_text(p, "You are signed out.");
	wait_text(p, "User name");
	assert_absent(p, "Vjosa");
	key(p, "M-q");
	int status = -1;
	assert_true(pty_exited(p, T_WAIT, &status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pty_free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_login_right),
	    T(test_login_wrong),
	    T(test_lockout),
	    T(test_language_switch),
	    T(test_help),
	    T(test_key_bar),
	    T(test_resize),
	    T(test_idle_lock),
	    T(test_panic),
	    T(test_hangup),
	    T(test_typing_utf8),
	    T(test_monochrome),
	    T(test_config_language),
	    T(test_field_editing),
	    T(test_long_name),
	    T(test_menu),
	    T(test_logout_and_quit),
	    T(test_config_keys),
	    cmocka_unit_test_setup_teardown(test_demo_day, setup_demo, teardown),
	    cmocka_unit_test_setup_teardown(test_home_opens, setup_demo, teardown),
	    cmocka_unit_test_setup_teardown(test_key_bar_reserved, setup_demo, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
