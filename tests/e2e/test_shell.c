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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

#define MGR_USER  "drita"
#define MGR_PASS  "sekret-drita-1"
#define MGR_NAME  "Menaxheri" /* not checked: init may name the manager differently */
#define CNS_USER  "elira"
#define CNS_PASS  "sekret-elira-1"
#define CNS_NAME  "Elira Çela"
#define VIEW_USER "vjosa"
#define VIEW_PASS "sekret-vjosa-1"

/* A fresh database made by `qendra init` (manager drita), with a
 * counsellor and a viewer added. */
static int setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("shell");
	if (!f)
		return -1;
	*state = f;
	if (e2e_init(f->db, f->dir, MGR_USER, MGR_PASS) != 0)
		return -1;
	e2e_add_user(f, CNS_USER, "counsellor", CNS_NAME, CNS_PASS);
	e2e_add_user(f, VIEW_USER, "viewer", "Vjosa Kola", VIEW_PASS);
	return 0;
}

/* A database made by `qendra demo` (users drita, elira, vjosa, ... with
 * passwords demo-<name>) instead of init. */
static int setup_demo(void **state)
{
	struct e2e_fx *f = e2e_fx_new("shell");
	if (!f)
		return -1;
	*state = f;
	return e2e_demo(f->db, f->dir, NULL, 30);
}

/* Answer the sign-out question on home with y: back to the login screen. */
static void sign_out(struct pty *p)
{
	e2e_key(p, "F10");
	e2e_wait_text(p, "Sign out of qendra?");
	e2e_key(p, "y");
}

static void quit_from_home(struct pty *p)
{
	sign_out(p);
	e2e_wait_text(p, "User name");
	e2e_key(p, "F10");
	int status = -1;
	if (!pty_exited(p, E2E_WAIT_MS, &status))
		fail_msg("qendra did not close with F10");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- tests ---- */

static void test_login_right(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "Sign in");
	e2e_wait_text(p, "Password");
	e2e_submit_login(p, CNS_USER, CNS_PASS);
	e2e_wait_text(p, "Today, ");
	/* status line: user, role and the date dd.mm.yyyy */
	e2e_wait_row(p, 0, CNS_NAME " (Counsellor)");
	char *top = pty_row(p, 0);
	bool dated = false;
	for (const char *s = top; s && *s; s++)
		if (strlen(s) >= 10 && s[2] == '.' && s[5] == '.' && s[0] >= '0' && s[0] <= '3')
			dated = true;
	free(top);
	assert_true(dated);
	e2e_wait_text(p, "My appointments today (");
	e2e_assert_absent(p, CNS_PASS);
	char *last = e2e_db_text(
	    f->db, "SELECT last_login IS NOT NULL FROM app_user WHERE username = 'elira'");
	assert_string_equal(last, "1");
	free(last);
	quit_from_home(p);
	pty_free(p);
}

static void test_login_wrong(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "User name");
	e2e_submit_login(p, MGR_USER, "not-the-password");
	e2e_wait_text(p, "Wrong user name or password.");
	e2e_assert_absent(p, "not-the-password");
	e2e_assert_absent(p, "Today, ");
	/* An unknown user gets the very same message. */
	e2e_key(p, "Esc");
	e2e_wait_gone(p, "Wrong user name or password.");
	e2e_key(p, "Tab"); /* back to the user name: it keeps "drita"; clear it */
	e2e_key(p, "C-u");
	e2e_submit_login(p, "nosuchuser", "whatever-1");
	e2e_wait_text(p, "Wrong user name or password.");
	/* Empty password: asked for, nothing checked */
	e2e_key(p, "Esc");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "must be filled in");
	/* Then the right one still works (fewer than 5 failures). */
	e2e_key(p, "BTab");
	e2e_key(p, "C-u");
	e2e_submit_login(p, MGR_USER, MGR_PASS);
	e2e_wait_text(p, "Today, ");
	pty_free(p);
}

static void test_lockout(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "User name");
	e2e_type(p, MGR_USER);
	e2e_key(p, "Enter");
	char wrong[5][32];
	for (int i = 0; i < 5; i++) {
		snprintf(wrong[i], sizeof wrong[i], "wrong-pass-%d", i + 1);
		e2e_type(p, wrong[i]);
		e2e_key(p, "Enter");
		if (i < 4) {
			e2e_wait_text(p, "Wrong user name or password.");
			e2e_key(p, "Esc");
			e2e_wait_gone(p, "Wrong user name or password.");
		}
	}
	e2e_wait_text(p, "locked until");
	/* The sixth attempt, with the right password, is still refused. */
	e2e_key(p, "Esc");
	e2e_wait_gone(p, "locked until");
	e2e_type(p, MGR_PASS);
	e2e_key(p, "Enter");
	e2e_wait_text(p, "locked until");
	e2e_assert_absent(p, "Today, ");
	e2e_key(p, "F10");
	assert_true(pty_exited(p, E2E_WAIT_MS, NULL));
	pty_free(p);

	char *until =
	    e2e_db_text(f->db, "SELECT locked_until FROM app_user WHERE username = 'drita'");
	assert_non_null(until);
	char *later =
	    e2e_db_text(f->db, "SELECT locked_until > datetime('now', 'localtime', '+5 minutes')"
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
		assert_false(e2e_file_has(f->db, pws[i]));
		assert_false(e2e_file_has(journal, pws[i]));
		assert_false(e2e_file_has(wal, pws[i]));
	}
	free(journal);
	free(wal);
}

static void test_language_switch(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "sq", NULL);
	e2e_wait_text(p, "Përdoruesi");
	e2e_wait_text(p, "Fjalëkalimi");
	e2e_submit_login(p, MGR_USER, MGR_PASS);
	e2e_wait_text(p, "Sot, ");
	e2e_wait_row(p, 23, "Ndihmë");
	const char *sql = "SELECT lang FROM app_user WHERE username = 'drita'";
	e2e_wait_db(f->db, p, sql, "sq");
	e2e_key(p, "F9");
	e2e_wait_text(p, "Today, ");
	e2e_wait_gone(p, "Sot, ");
	e2e_wait_row(p, 23, "F1 Help");
	e2e_wait_db(f->db, p, sql, "en");
	e2e_key(p, "F9");
	e2e_wait_text(p, "Sot, ");
	e2e_wait_db(f->db, p, sql, "sq");
	e2e_key(p, "M-l"); /* the letter alternative */
	e2e_wait_text(p, "Today, ");
	e2e_wait_db(f->db, p, sql, "en");
	pty_free(p);

	/* The preference is the user's: a new session without --lang starts in
	 * the configured Albanian and switches to English at login. */
	p = e2e_start(f, NULL, NULL);
	e2e_wait_text(p, "Përdoruesi");
	e2e_submit_login(p, MGR_USER, MGR_PASS);
	e2e_wait_text(p, "Today, ");
	pty_free(p);
}

static void test_help(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "User name");
	e2e_key(p, "F1");
	e2e_wait_text(p, "Keys of this screen: Sign in");
	e2e_wait_text(p, "Close qendra");
	e2e_key(p, "Esc");
	e2e_wait_gone(p, "Keys of this screen");
	e2e_submit_login(p, MGR_USER, MGR_PASS);
	e2e_wait_text(p, "Today, ");
	e2e_key(p, "F1");
	e2e_wait_text(p, "Keys of this screen: Today");
	/* every key of home's table, and the global ones */
	e2e_wait_text(p, "F5, r");
	e2e_wait_text(p, "Fetch the day again");
	e2e_wait_text(p, "F10, q");
	e2e_key(p, "End"); /* the home menu's entries come first: the rest is further down */
	e2e_wait_text(p, "Keys that work everywhere");
	e2e_wait_text(p, "F9, Alt-l");
	e2e_wait_text(p, "F12, Ctrl-\\");
	e2e_key(p, "Esc");
	e2e_wait_gone(p, "Keys of this screen");
	e2e_wait_text(p, "Today, ");
	e2e_key(p, "?");
	e2e_wait_text(p, "Keys of this screen: Today");
	e2e_key(p, "q");
	e2e_wait_gone(p, "Keys of this screen");
	/* PuTTY's F1 (ESC [ 11 ~) opens it too */
	assert_int_equal(pty_send(p, "\033[11~"), 0);
	e2e_wait_text(p, "Keys of this screen: Today");
	pty_free(p);
}

static void test_key_bar(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_row(p, 23, "F1 Help");
	e2e_wait_row(p, 23, "F10 Close");
	e2e_submit_login(p, MGR_USER, MGR_PASS);
	e2e_wait_text(p, "Today, ");
	e2e_wait_row(p, 23, "F1 Help");
	e2e_wait_row(p, 23, "F5 Refresh");
	e2e_wait_row(p, 23, "F10 Sign out");
	e2e_wait_row(p, 23, "F12 Hide");
	pty_free(p);
}

static void test_resize(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", CNS_USER, CNS_PASS);
	e2e_wait_row(p, 0, CNS_NAME);
	assert_int_equal(pty_resize(p, 40, 120), 0);
	e2e_wait_row(p, 39, "F1 Help");
	e2e_wait_row(p, 0, CNS_NAME);
	assert_int_equal(pty_resize(p, 24, 80), 0);
	e2e_wait_row(p, 23, "F1 Help");
	e2e_wait_text(p, "Today, ");
	/* Too small: a message and nothing personal. */
	assert_int_equal(pty_resize(p, 20, 60), 0);
	e2e_wait_text(p, "too small");
	e2e_wait_gone(p, "Elira");
	e2e_assert_absent(p, "Today, ");
	e2e_assert_absent(p, "appointments");
	e2e_key(p, "q"); /* keys do nothing meanwhile */
	assert_int_equal(pty_resize(p, 24, 80), 0);
	e2e_wait_gone(p, "too small");
	e2e_wait_row(p, 0, CNS_NAME);
	e2e_wait_row(p, 23, "F1 Help");
	e2e_wait_text(p, "Today, ");
	pty_free(p);
}

static void test_idle_lock(void **state)
{
	struct e2e_fx *f = *state;
	const char *env[] = {"QENDRA_IDLE_SECONDS=2", NULL};
	struct pty *p = e2e_start_env(f, 24, 80, "en", false, env);
	e2e_login(p, "en", CNS_USER, CNS_PASS);
	e2e_wait_text(p, "Press Enter to continue.");
	e2e_assert_absent(p, "Elira");
	e2e_assert_absent(p, "Today, ");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Type the password of elira");
	e2e_type(p, "not-it");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Wrong password.");
	e2e_type(p, CNS_PASS);
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Today, ");
	e2e_wait_row(p, 0, CNS_NAME);
	/* and it locks again when left alone */
	e2e_wait_text(p, "Press Enter to continue.");
	pty_free(p);
}

static void check_panic(struct pty *p, const char *keyname)
{
	e2e_key(p, keyname);
	/* at once: the first screen drawn after the key is the blank one */
	if (!pty_wait_text(p, "Press Enter to continue.", 1000)) {
		pty_dump(p, stderr);
		fail_msg("%s did not hide the screen within 1 s", keyname);
	}
	e2e_assert_absent(p, "Elira");
	e2e_assert_absent(p, "Today");
	e2e_assert_absent(p, "F1 Help");
	/* other keys do not bring it back */
	e2e_key(p, "Esc");
	e2e_key(p, "F1");
	e2e_type(p, "x");
	assert_true(pty_wait_stable(p, 200, E2E_WAIT_MS));
	e2e_assert_absent(p, "Today");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Type the password of elira");
	e2e_type(p, CNS_PASS);
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Today, ");
	e2e_wait_row(p, 0, CNS_NAME);
}

static void test_panic(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", CNS_USER, CNS_PASS);
	check_panic(p, "F12");
	check_panic(p, "C-\\");
	check_panic(p, "M-x");
	pty_free(p);
}

static void test_hangup(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", CNS_USER, CNS_PASS);
	long long t0 = e2e_ms_now();
	assert_int_equal(pty_hangup(p), 0);
	int status = -1;
	bool gone = pty_exited(p, 1000, &status);
	long long took = e2e_ms_now() - t0;
	if (!gone)
		fail_msg("qendra still runs 1 s after the hang-up");
	assert_true(took <= 1000);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	pty_free(p);

	/* also on the login screen */
	p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "User name");
	assert_int_equal(pty_hangup(p), 0);
	assert_true(pty_exited(p, 1000, NULL));
	pty_free(p);
}

static void check_typing(struct pty *p)
{
	e2e_type(p, "ëç");
	e2e_wait_text(p, "ëç");
	e2e_key(p, "Backspace");
	e2e_wait_gone(p, "ëç");
	assert_true(pty_screen_has(p, "ë"));
	e2e_type(p, "Ç");
	e2e_wait_text(p, "ëÇ");
}

static void test_typing_utf8(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "User name");
	check_typing(p);
	pty_free(p);
	/* With no locale in the environment at all, qendra falls back to C.UTF-8. */
	const char *env[] = {"LANG", "LC_ALL", "LC_CTYPE", NULL};
	p = e2e_start_env(f, 24, 80, "en", false, env);
	e2e_wait_text(p, "User name");
	check_typing(p);
	pty_free(p);
}

static void test_monochrome(void **state)
{
	struct e2e_fx *f = *state;
	const char *env[] = {"TERM=vt100", "NO_COLOR=1", NULL};
	struct pty *p = e2e_start_env(f, 24, 80, "en", false, env);
	e2e_login(p, "en", MGR_USER, MGR_PASS);
	e2e_wait_row(p, 23, "F1 Help");
	e2e_key(p, "M-l");
	e2e_wait_text(p, "Sot, ");
	e2e_key(p, "?");
	e2e_wait_text(p, "Tastet e këtij ekrani");
	pty_free(p);
}

static void test_config_language(void **state)
{
	struct e2e_fx *f = *state;
	e2e_write_file(f->cfg, "ui:\n{\n  language = \"en\";\n  idle_lock_minutes = 1;\n};\n");
	struct pty *p = e2e_start_env(f, 24, 80, NULL, true, NULL);
	e2e_wait_text(p, "User name");
	pty_free(p);
}

static void test_field_editing(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_wait_text(p, "User name");
	e2e_type(p, "abc");
	e2e_wait_text(p, "abc");
	e2e_key(p, "Left");
	e2e_key(p, "Left");
	e2e_type(p, "X");
	e2e_wait_text(p, "aXbc");
	e2e_key(p, "Home");
	e2e_type(p, "Y");
	e2e_wait_text(p, "YaXbc");
	e2e_key(p, "End");
	e2e_key(p, "Backspace");
	e2e_wait_gone(p, "YaXbc");
	e2e_wait_text(p, "YaXb");
	e2e_key(p, "Home");
	e2e_key(p, "Del");
	e2e_wait_gone(p, "YaXb");
	e2e_wait_text(p, "aXb");
	e2e_key(p, "C-u");
	e2e_wait_gone(p, "aXb");
	/* wide and accented characters, then more than the box shows */
	e2e_type(p, "漢字ë");
	e2e_wait_text(p, "漢字ë");
	e2e_type(p, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	e2e_wait_text(p, "xxxxxxxxxxxxxxxxxxxx");
	assert_true(pty_wait_stable(p, 100, E2E_WAIT_MS));
	int row = -1, col = -1;
	pty_cursor(p, &row, &col);
	assert_true(col > 0 && col < 80);
	/* the password shows as stars, never as text */
	e2e_key(p, "Tab");
	e2e_type(p, "secret-ë");
	e2e_wait_text(p, "********");
	e2e_assert_absent(p, "secret");
	pty_free(p);
}

static void test_long_name(void **state)
{
	struct e2e_fx *f = *state;
	e2e_add_user(f, "longname", "counsellor",
	             "Anëmarië Çelëbi-Dushkaj Gjergjaj Kastrioti Skënderbeu Xhaferraj",
	             "sekret-long-1");
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "longname", "sekret-long-1");
	/* the name is cut with an ellipsis; role and date keep their place */
	e2e_wait_row(p, 0, "Anëmarië Çelëbi-Dushkaj");
	e2e_wait_row(p, 0, "… (Counsellor)  ");
	e2e_assert_absent(p, "Xhaferraj");
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
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "drita", "demo-drita");
	e2e_wait_text(p, "Appointments today (");
	e2e_assert_absent(p, "Appointments today (0)");
	e2e_wait_text(p, "Referrals waiting (");
	e2e_wait_text(p, "Dropout warning: ");
	e2e_key(p, "End"); /* the centre's figures are at the bottom of a full day */
	e2e_wait_text(p, "Visits today: ");
	sign_out(p);
	e2e_login(p, "en", "mira", "demo-mira");
	e2e_wait_text(p, "My classes today (");
	e2e_assert_absent(p, "Referrals");
	e2e_assert_absent(p, "appointments");
	sign_out(p);
	e2e_login(p, "en", "vjosa", "demo-vjosa");
	e2e_wait_text(p, "Today in figures");
	e2e_wait_text(p, "Appointments today: ");
	e2e_assert_absent(p, "Appointments today: 0");
	e2e_assert_absent(p, "Dropout warning"); /* risk data: not a viewer's */
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
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "arben", "demo-arben");
	e2e_wait_text(p, "Referrals waiting (");
	e2e_wait_text(p, "Dropout warning: ");
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
	e2e_key(p, "Enter");
	e2e_wait_row(p, 0, "Referral");
	e2e_wait_text(p, "History (");
	free(first);
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Today, ");
	/* Search the dropout line and open it: the list says the same number. */
	e2e_key(p, "/");
	e2e_type(p, "Dropout");
	e2e_key(p, "Enter");
	e2e_key(p, "Enter");
	e2e_wait_row(p, 0, "Dropout warning");
	char want[64];
	snprintf(want, sizeof want, ": %d children", shown);
	e2e_wait_text(p, want);
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Today, ");
	/* The schedule: no log key for a registrar. */
	e2e_key(p, "s");
	e2e_wait_row(p, 0, "Schedule");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "Log"));
	free(bar);
	e2e_key(p, "l");
	e2e_wait_text(p, "This key is not for your role.");
	e2e_assert_absent(p, "Session log");
	e2e_key(p, "F1");
	e2e_wait_text(p, "Keys of this screen: Schedule");
	e2e_wait_text(p, "Book");
	e2e_assert_absent(p, "session log");
	pty_free(p);

	/* A counsellor: Enter on today's first appointment opens the schedule
	 * on today. */
	p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "elira", "demo-elira");
	e2e_wait_text(p, "My appointments today (");
	e2e_assert_absent(p, "My appointments today (0)");
	e2e_assert_absent(p, "Dropout warning"); /* not a counsellor's */
	e2e_key(p, "Enter");
	e2e_wait_row(p, 0, "Schedule");
	char *top = pty_row(p, 0);
	char date[16] = "";
	/* the status line ends with today's date dd.mm.yyyy */
	if (top && strlen(top) >= 10)
		snprintf(date, sizeof date, "%s", top + strlen(top) - 10);
	free(top);
	char day[40];
	snprintf(day, sizeof day, "%s", date);
	e2e_wait_text(p, day);
	e2e_wait_text(p, "Day: ");
	pty_free(p);

	/* A teacher: Enter on a class today opens its roll; the count of rolls
	 * not taken opens their list. */
	p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", "mira", "demo-mira");
	e2e_wait_text(p, "My classes today (");
	e2e_assert_absent(p, "My classes today (0)");
	e2e_key(p, "Enter");
	e2e_wait_row(p, 0, "Roll call");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Today, ");
	e2e_key(p, "/");
	e2e_type(p, "Rolls not taken");
	e2e_key(p, "Enter");
	e2e_key(p, "Enter");
	e2e_wait_row(p, 0, "Rolls not taken");
	pty_free(p);
}

/* The help, language and hide keys keep their place on the key bar when a
 * screen's keys fill it: the schedule in Albanian is the longest. */
static void test_key_bar_reserved(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "sq", NULL);
	e2e_wait_text(p, "Përdoruesi");
	e2e_submit_login(p, "drita", "demo-drita");
	e2e_wait_text(p, "Sot, ");
	e2e_key(p, "s");
	e2e_wait_row(p, 0, "Orari");
	e2e_wait_row(p, 23, "F1 Ndihmë");
	e2e_wait_row(p, 23, "F9 English");
	e2e_wait_row(p, 23, "F12 Fshih");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_true(strstr(bar, "F1 Ndihmë") == bar); /* first, then the screen's */
	assert_true(strstr(bar, "F9 English") < strstr(bar, "F12 Fshih"));
	free(bar);
	/* and in English, on a narrow 80 columns, the same */
	e2e_key(p, "F9");
	e2e_wait_row(p, 0, "Schedule");
	e2e_wait_row(p, 23, "F1 Help");
	e2e_wait_row(p, 23, "F9 Shqip");
	e2e_wait_row(p, 23, "F12 Hide");
	pty_free(p);
}

/* keys.* in the configuration move the shell's keys (and a global key's);
 * a key a screen already uses is refused before the screen is taken. */
static void test_config_keys(void **state)
{
	struct e2e_fx *f = *state;
	e2e_write_file(f->cfg, "ui: { language = \"en\"; };\n"
	                       "keys: {\n  help = \"F1\";\n  hide = [\"F11\", \"Ctrl-\\\\\"];\n"
	                       "  visit = [\"Ctrl-b\", \"Alt-v\"];\n};\n");
	struct pty *p = e2e_start_env(f, 24, 80, "en", true, NULL);
	e2e_login(p, "en", CNS_USER, CNS_PASS);
	e2e_wait_row(p, 23, "F11 Hide");
	e2e_wait_row(p, 23, "Ctrl-B Visit");
	char *bar = pty_row(p, 23);
	assert_non_null(bar);
	assert_null(strstr(bar, "F12"));
	free(bar);
	/* '?' is no longer help; F1 still is, and help lists the keys as set */
	e2e_key(p, "?");
	assert_true(pty_wait_stable(p, 200, E2E_WAIT_MS));
	e2e_assert_absent(p, "Keys of this screen");
	e2e_key(p, "F1");
	e2e_wait_text(p, "Keys of this screen: Today");
	e2e_key(p, "End");
	e2e_wait_text(p, "F11, Ctrl-\\");
	e2e_assert_absent(p, "F12");
	e2e_key(p, "Esc");
	e2e_wait_gone(p, "Keys of this screen");
	/* F12 does nothing now; F11 hides */
	e2e_key(p, "F12");
	assert_true(pty_wait_stable(p, 200, E2E_WAIT_MS));
	e2e_assert_absent(p, "Press Enter to continue.");
	check_panic(p, "F11");
	check_panic(p, "C-\\");
	pty_free(p);

	/* F5 is home's Refresh: refused, saying so, and nothing is shown. */
	e2e_write_file(f->cfg, "keys: { hide = \"F5\"; };\n");
	p = e2e_start_env(f, 24, 80, "en", true, NULL);
	e2e_wait_text(p, "keys.hide");
	e2e_wait_text(p, "F5");
	int status = -1;
	assert_true(pty_exited(p, E2E_WAIT_MS, &status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	pty_free(p);

	/* A menu hotkey with Alt is taken too (Alt-a opens About on home). */
	e2e_write_file(f->cfg, "keys: { language = \"Alt-a\"; };\n");
	p = e2e_start_env(f, 24, 80, "en", true, NULL);
	e2e_wait_text(p, "keys.language");
	assert_true(pty_exited(p, E2E_WAIT_MS, &status));
	assert_int_equal(WEXITSTATUS(status), 1);
	pty_free(p);
}

/* Screens registered by other modules (tui_register_screen) appear in the
 * home menu with their hotkey, in help, open and go back with Esc. */
static void test_menu(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", MGR_USER, MGR_PASS);
	e2e_wait_text(p, "Menu");
	e2e_wait_text(p, "About qendra");
	e2e_key(p, "a");
	e2e_wait_row(p, 0, "About qendra");
	e2e_wait_text(p, "Database schema");
	e2e_wait_row(p, 23, "Esc Back");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Today, ");
	e2e_key(p, "Tab"); /* into the menu, then Enter: the first entry of a day's work */
	e2e_key(p, "Enter");
	e2e_wait_row(p, 0, "Families");
	e2e_key(p, "Esc");
	e2e_wait_text(p, "Today, ");
	e2e_key(p, "F1");
	e2e_wait_text(p, "Keys of this screen: Today");
	e2e_wait_text(p, "About qendra");
	pty_free(p);
}

static void test_logout_and_quit(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", NULL);
	e2e_login(p, "en", VIEW_USER, VIEW_PASS);
	/* a viewer gets figures, never names or lists */
	e2e_wait_text(p, "Today in figures");
	e2e_assert_absent(p, "My appointments");
	e2e_key(p, "F10");
	e2e_wait_text(p, "Sign out of qendra?");
	e2e_key(p, "n");
	e2e_wait_gone(p, "Sign out of qendra?");
	assert_true(pty_screen_has(p, "Today, "));
	e2e_key(p, "q");
	e2e_wait_text(p, "Sign out of qendra?");
	e2e_key(p, "y");
	e2e_wait_text(p, "You are signed out.");
	e2e_wait_text(p, "User name");
	e2e_assert_absent(p, "Vjosa");
	e2e_key(p, "M-q");
	int status = -1;
	assert_true(pty_exited(p, E2E_WAIT_MS, &status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pty_free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, e2e_teardown)

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
	    cmocka_unit_test_setup_teardown(test_demo_day, setup_demo, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_home_opens, setup_demo, e2e_teardown),
	    cmocka_unit_test_setup_teardown(test_key_bar_reserved, setup_demo, e2e_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
