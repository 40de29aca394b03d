/*
 * test_harness — the end-to-end harness (pty.c) tested against /bin/sh and
 * small commands, so it is known to work before qendra's screens exist:
 * output reaches the screen, keys reach the program as xterm sends them,
 * UTF-8 and wide characters survive both ways, terminal answers are written
 * back, resizing and hang-up behave as with a real terminal, and the temp
 * HOME is made and removed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/pty.h"
#include "util/util.h"

#define T_WAIT 5000 /* ms: generous, a loaded CI machine is slow */

static struct pty *spawn_env(int rows, int cols, const char *const *argv, const char *const *env)
{
	struct pty_opts o = {.rows = rows, .cols = cols, .argv = argv, .env = env};
	struct pty *p = pty_spawn(&o);
	assert_non_null(p);
	return p;
}

static struct pty *spawn_sh(const char *script)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	return spawn_env(24, 80, argv, NULL);
}

/* Assert row `row` reads exactly `want`; dump the screen when it does not. */
static void assert_row(struct pty *p, int row, const char *want)
{
	char *got = pty_row(p, row);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		pty_dump(p, stderr);
	assert_string_equal(got, want);
	free(got);
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Tests whose waits are meant to fail: no screen dumps from those. */
static char *saved_dump;

static int quiet_setup(void **state)
{
	(void)state;
	const char *v = getenv("E2E_DUMP");
	saved_dump = v ? xstrdup(v) : NULL;
	unsetenv("E2E_DUMP");
	return 0;
}

static int quiet_teardown(void **state)
{
	(void)state;
	if (saved_dump)
		setenv("E2E_DUMP", saved_dump, 1);
	free(saved_dump);
	saved_dump = NULL;
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_printf_rows(void **state)
{
	(void)state;
	const char *argv[] = {"printf", "hello\\nwörld ë ç\\n  indented   \\n", NULL};
	struct pty *p = spawn_env(24, 80, argv, NULL);
	int status = -1;

	assert_true(pty_wait_text(p, "indented", T_WAIT));
	assert_row(p, 0, "hello");
	assert_row(p, 1, "wörld ë ç");
	assert_row(p, 2, "  indented"); /* leading blanks kept, trailing trimmed */
	assert_row(p, 3, "");
	assert_null(pty_row(p, 24));
	assert_null(pty_row(p, -1));
	assert_int_equal(pty_find_row(p, "ë ç"), 1);
	assert_int_equal(pty_find_row(p, "absent"), -1);
	assert_true(pty_screen_has(p, "hello\nwörld")); /* across rows */

	char *screen = pty_screen(p);
	int lines = 0;
	for (const char *s = screen; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, 23); /* 24 rows joined */
	assert_true(strncmp(screen, "hello\nwörld ë ç\n", strlen("hello\nwörld ë ç\n")) == 0);
	free(screen);

	assert_true(pty_exited(p, T_WAIT, &status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pty_free(p);
}

static void test_exit_status(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo bye; exit 7");
	int status = -1;
	assert_true(pty_exited(p, T_WAIT, &status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
	/* Output written just before exit is still read. */
	assert_true(pty_screen_has(p, "bye"));
	/* Asking again gives the same answer. */
	assert_true(pty_exited(p, 0, &status));
	assert_int_equal(WEXITSTATUS(status), 7);
	pty_free(p);
}

static void test_environment(void **state)
{
	(void)state;
	const char *argv[] = {"/bin/sh", "-c",
	                      "echo \"T=$TERM L=$LANG A=$LC_ALL F=$FOO X=${XYZ-unset}\"; "
	                      "echo \"H=$HOME\"; echo \"P=${PATH:+set}\"; "
	                      "echo \"Z=${E2E_HARNESS_SECRET-none}\"",
	                      NULL};
	const char *env[] = {"FOO=bar baz", "XYZ", NULL};
	struct pty *p;
	char *want;

	setenv("E2E_HARNESS_SECRET", "leak", 1); /* not passed: the env is clean */
	p = spawn_env(24, 100, argv, env);
	assert_true(pty_wait_text(p, "Z=", T_WAIT));
	assert_row(p, 0, "T=xterm-256color L=C.UTF-8 A=C.UTF-8 F=bar baz X=unset");
	want = xasprintf("H=%s", pty_home(p));
	assert_row(p, 1, want);
	free(want);
	assert_row(p, 2, "P=set");
	assert_row(p, 3, "Z=none");
	unsetenv("E2E_HARNESS_SECRET");
	pty_free(p);
}

static void test_env_override_and_remove(void **state)
{
	(void)state;
	const char *argv[] = {"/bin/sh", "-c", "echo \"T=$TERM A=${LC_ALL-unset}\"", NULL};
	const char *env[] = {"TERM=vt100", "LC_ALL", NULL};
	struct pty *p = spawn_env(24, 80, argv, env);
	assert_true(pty_wait_text(p, "T=", T_WAIT));
	assert_row(p, 0, "T=vt100 A=unset");
	pty_free(p);
}

static void test_home_made_and_removed(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("mkdir -p \"$HOME/a/b\" && echo x > \"$HOME/a/b/f\" && "
	                         "echo DONE; exec cat");
	char *home, *file;
	assert_true(pty_wait_text(p, "DONE", T_WAIT));
	home = xstrdup(pty_home(p));
	file = xasprintf("%s/a/b/f", home);
	assert_true(is_dir(home));
	assert_int_equal(access(file, F_OK), 0);
	pty_free(p); /* cat still runs: killed, reaped, HOME removed */
	assert_false(is_dir(home));
	free(file);
	free(home);
}

static void test_two_homes_differ(void **state)
{
	(void)state;
	struct pty *a = spawn_sh("exec cat");
	struct pty *b = spawn_sh("exec cat");
	assert_string_not_equal(pty_home(a), pty_home(b));
	pty_free(a);
	pty_free(b);
}

static void test_cat_echoes_utf8(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo READY; exec cat");
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	assert_int_equal(pty_type(p, "ë ç Ëndërr\n"), 0);
	/* The line discipline echoes the typed line, then cat writes it back. */
	assert_true(pty_wait_text(p, "Ëndërr\në ç Ëndërr", T_WAIT));
	assert_row(p, 1, "ë ç Ëndërr");
	assert_row(p, 2, "ë ç Ëndërr");
	assert_int_equal(pty_keystrokes(p), 11);
	pty_free(p);
}

static void test_backspace_erases_whole_character(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo READY; exec cat");
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	/* IUTF8 is on, so one Backspace erases all of ë's two bytes. */
	assert_int_equal(pty_type(p, "abë"), 0);
	assert_int_equal(pty_send_key(p, "Backspace"), 0);
	assert_int_equal(pty_type(p, "c\n"), 0);
	assert_true(pty_wait_text(p, "abc\nabc", T_WAIT));
	assert_int_equal(pty_keystrokes(p), 6);
	pty_free(p);
}

static void test_invalid_utf8_not_sent(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("exec cat");
	assert_int_equal(pty_type(p, "ok\xc3"), -1);
	assert_int_equal(pty_type(p, "\xff"), -1);
	assert_int_equal(pty_keystrokes(p), 0);
	pty_free(p);
}

static void test_wide_characters(void **state)
{
	(void)state;
	const char *argv[] = {"printf", "中文x|\\n", NULL};
	struct pty *p = spawn_env(24, 80, argv, NULL);
	int row, col;
	assert_true(pty_wait_text(p, "x|", T_WAIT));
	assert_row(p, 0, "中文x|");
	assert_true(pty_wait_stable(p, 50, T_WAIT));
	pty_cursor(p, &row, &col);
	assert_int_equal(row, 1);
	assert_int_equal(col, 0);
	pty_free(p);
}

/* Keys as xterm sends them in normal cursor-key mode, seen through cat -v. */
static void test_keys_normal_mode(void **state)
{
	(void)state;
	static const char *const keys[] = {"F1",   "F4",   "F5",   "F12",   "Up",
	                                   "Left", "PgUp", "PgDn", "Del",   "BTab",
	                                   "C-a",  "C-x",  "M-x",  "Space", "Home"};
	struct pty *p = spawn_sh("echo READY; exec cat -v");
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_int_equal(pty_send_key(p, keys[i]), 0);
	assert_int_equal(pty_send_key(p, "Enter"), 0);
	/* The line editor echoes it (control characters as ^X), then cat -v prints it. */
	const char *want = "^[OP^[OS^[[15~^[[24~^[[A^[[D^[[5~^[[6~^[[3~^[[Z^A^X^[x ^[[H";
	char *twice = xasprintf("%s\n%s\n", want, want);
	assert_true(pty_wait_text(p, twice, T_WAIT));
	free(twice);
	assert_row(p, 2, want);
	assert_int_equal(pty_keystrokes(p), 16);
	pty_free(p);
}

/* After the program asks for application cursor keys (as ncurses keypad() does). */
static void test_keys_application_mode(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("printf '\\033[?1hREADY\\n'; exec cat -v");
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	assert_int_equal(pty_send_key(p, "Up"), 0);
	assert_int_equal(pty_send_key(p, "Right"), 0);
	assert_int_equal(pty_send_key(p, "Home"), 0);
	assert_int_equal(pty_send_key(p, "End"), 0);
	assert_int_equal(pty_send_key(p, "Enter"), 0);
	assert_true(pty_wait_text(p, "^[OA^[OC^[OH^[OF\n^[OA^[OC^[OH^[OF\n", T_WAIT));
	assert_row(p, 2, "^[OA^[OC^[OH^[OF");
	pty_free(p);
}

/* Keys that end up as plain bytes, read raw so the line editor leaves them be. */
static void test_keys_raw_bytes(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("stty raw -echo; echo READY; "
	                         "x=$(dd bs=1 count=8 2>/dev/null | od -An -tx1 | tr -d ' \\n'); "
	                         "stty sane; echo \"GOT=$x\"");
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	assert_int_equal(pty_send_key(p, "Esc"), 0);
	assert_int_equal(pty_send_key(p, "Tab"), 0);
	assert_int_equal(pty_send_key(p, "Backspace"), 0);
	assert_int_equal(pty_send_key(p, "Enter"), 0);
	assert_int_equal(pty_send_key(p, "C-@"), 0);
	assert_int_equal(pty_send_key(p, "M-ë"), 0); /* ESC c3 ab: 8 bytes in all */
	assert_true(pty_wait_text(p, "GOT=1b097f0d001bc3ab\n", T_WAIT));
	pty_free(p);
}

static void test_unknown_keys_rejected(void **state)
{
	(void)state;
	static const char *const bad[] = {"",    "F0",   "F13", "F01",  "F1x", "C-",
	                                  "C-1", "C-ab", "M-",  "M-ab", "up",  "Enterr",
	                                  "ab",  "\xff", "C-ë", NULL};
	struct pty *p = spawn_sh("exec cat");
	for (int i = 0; bad[i]; i++) {
		if (pty_send_key(p, bad[i]) != -1)
			fail_msg("key name \"%s\" accepted", bad[i]);
	}
	assert_int_equal(pty_send_key(p, NULL), -1);
	assert_int_equal(pty_keystrokes(p), 0);
	assert_int_equal(pty_send(p, "x"), 0);
	assert_int_equal(pty_keystrokes(p), 1);
	pty_free(p);
}

/* The terminal's answer to a cursor position request reaches the program. */
static void test_terminal_answers(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("stty raw -echo; printf 'ab\\033[6n'; "
	                         "x=$(dd bs=1 count=6 2>/dev/null | od -An -c | tr -s ' '); "
	                         "stty sane; echo; echo \"GOT$x\"");
	/* Cursor was at row 1, column 3 (1-based): ESC [ 1 ; 3 R */
	assert_true(pty_wait_text(p, "GOT 033 [ 1 ; 3 R\n", T_WAIT));
	pty_free(p);
}

static void test_resize(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo \"C=$(tput cols) L=$(tput lines)\"; read x; "
	                         "echo \"C=$(tput cols) L=$(tput lines)\"");
	assert_true(pty_wait_text(p, "C=80 L=24", T_WAIT));
	assert_int_equal(pty_resize(p, 30, 100), 0);
	assert_int_equal(pty_send(p, "\r"), 0);
	assert_true(pty_wait_text(p, "C=100 L=30", T_WAIT));
	char *last = pty_row(p, 29);
	assert_non_null(last);
	free(last);
	assert_null(pty_row(p, 30));
	assert_int_equal(pty_resize(p, 0, 10), -1);
	pty_free(p);
}

static void test_resize_smaller_keeps_text(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo TOP; exec cat");
	assert_true(pty_wait_text(p, "TOP", T_WAIT));
	assert_int_equal(pty_resize(p, 10, 40), 0);
	assert_true(pty_screen_has(p, "TOP"));
	assert_null(pty_row(p, 10));
	char *s = pty_screen(p);
	int lines = 0;
	for (const char *c = s; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 9);
	free(s);
	pty_free(p);
}

static void test_hangup_ends_cat(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo READY; exec cat");
	int status = 0;
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	assert_false(pty_exited(p, 0, &status));
	assert_int_equal(pty_hangup(p), 0);
	assert_true(pty_exited(p, T_WAIT, &status));
	/* SIGHUP kills cat, or cat sees EIO and exits non-zero. */
	assert_true(WIFSIGNALED(status) || WEXITSTATUS(status) != 0);
	/* The screen stays readable; sending and waiting now fail at once. */
	assert_true(pty_screen_has(p, "READY"));
	assert_int_equal(pty_send(p, "x"), -1);
	assert_false(pty_wait_text(p, "never", T_WAIT));
	assert_int_equal(pty_hangup(p), -1);
	pty_free(p);
}

static void test_wait_gone(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo AAA; read x; printf '\\033[2J\\033[HBBB\\n'; read y");
	assert_true(pty_wait_text(p, "AAA", T_WAIT));
	assert_int_equal(pty_send_key(p, "Enter"), 0);
	assert_true(pty_wait_gone(p, "AAA", T_WAIT));
	assert_true(pty_wait_text(p, "BBB", T_WAIT));
	assert_row(p, 0, "BBB");
	pty_free(p);
}

static void test_wait_times_out(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo READY; exec cat");
	long long t0;
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	t0 = ms_now();
	assert_false(pty_wait_text(p, "never shown", 300));
	assert_true(ms_now() - t0 >= 290);
	assert_true(ms_now() - t0 < 3000);
	t0 = ms_now();
	assert_false(pty_wait_gone(p, "READY", 200));
	assert_true(ms_now() - t0 >= 190);
	pty_free(p);
}

static void test_wait_ends_when_program_exits(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo short");
	long long t0 = ms_now();
	/* Output ends: no need to sit out the whole timeout. */
	assert_false(pty_wait_text(p, "never shown", 20000));
	assert_true(ms_now() - t0 < 10000);
	assert_true(pty_screen_has(p, "short"));
	pty_free(p);
}

static void test_wait_stable(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("echo one; exec cat");
	assert_true(pty_wait_stable(p, 100, T_WAIT));
	assert_true(pty_screen_has(p, "one"));
	pty_free(p);

	/* Output that never stops is never stable. */
	p = spawn_sh("while :; do echo tick; done");
	long long t0 = ms_now();
	assert_false(pty_wait_stable(p, 200, 500));
	assert_true(ms_now() - t0 < 3000);
	pty_free(p);
}

static void test_much_output(void **state)
{
	(void)state;
	const char *argv[] = {"seq", "1", "20000", NULL};
	struct pty *p = spawn_env(24, 80, argv, NULL);
	int status = -1;
	assert_true(pty_exited(p, 20000, &status));
	assert_true(WIFEXITED(status));
	assert_row(p, 22, "20000");
	pty_free(p);
}

/* 20 000 bytes are more than the terminal buffers: sending must keep reading. */
static void test_much_input(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("stty raw -echo; echo READY; head -c 20000 > \"$HOME/in\"; "
	                         "stty sane; echo \"N=$(wc -c < \"$HOME/in\")\"");
	char *big = xmalloc(20001);
	memset(big, 'x', 20000);
	big[20000] = '\0';
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	assert_int_equal(pty_send(p, big), 0);
	assert_true(pty_wait_text(p, "N=20000", 20000));
	free(big);
	pty_free(p);
}

static void test_spawn_failures(void **state)
{
	(void)state;
	const char *missing[] = {"/nonexistent/qendra-no-such-program", NULL};
	const char *empty[] = {NULL};
	struct pty_opts o = {.argv = missing};
	assert_null(pty_spawn(&o));
	o.argv = empty;
	assert_null(pty_spawn(&o));
	o.argv = NULL;
	assert_null(pty_spawn(&o));
	assert_null(pty_spawn(NULL));
	pty_free(NULL);
}

static void test_default_size(void **state)
{
	(void)state;
	const char *argv[] = {"/bin/sh", "-c", "echo \"C=$(tput cols) L=$(tput lines)\"", NULL};
	struct pty *p = spawn_env(0, 0, argv, NULL);
	assert_true(pty_wait_text(p, "C=80 L=24", T_WAIT));
	pty_free(p);
}

static void test_free_kills_stubborn_program(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("trap '' TERM HUP; echo READY; while :; do sleep 1; done");
	long long t0;
	assert_true(pty_wait_text(p, "READY", T_WAIT));
	t0 = ms_now();
	pty_free(p); /* SIGTERM ignored: SIGKILL after the grace second */
	assert_true(ms_now() - t0 < 5000);
}

static void test_attrs_and_dump(void **state)
{
	(void)state;
	struct pty *p = spawn_sh("printf 'a\\033[7mREV\\033[0m\\033[1mB\\033[0m\\n'; exec cat");
	FILE *f;
	char buf[4096];
	size_t n;
	assert_true(pty_wait_text(p, "aREVB", T_WAIT));
	assert_int_equal(pty_cell_attrs(p, 0, 0), 0);
	assert_int_equal(pty_cell_attrs(p, 0, 1), PTY_ATTR_REVERSE);
	assert_int_equal(pty_cell_attrs(p, 0, 4), PTY_ATTR_BOLD);
	assert_int_equal(pty_cell_attrs(p, 99, 0), 0);

	f = tmpfile();
	assert_non_null(f);
	pty_dump(p, f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, " 0|aREVB\n"));
	assert_non_null(strstr(buf, "24x80"));
	assert_non_null(strstr(buf, "23|\n"));
	pty_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_printf_rows),
	    cmocka_unit_test(test_exit_status),
	    cmocka_unit_test(test_environment),
	    cmocka_unit_test(test_env_override_and_remove),
	    cmocka_unit_test(test_home_made_and_removed),
	    cmocka_unit_test(test_two_homes_differ),
	    cmocka_unit_test(test_cat_echoes_utf8),
	    cmocka_unit_test(test_backspace_erases_whole_character),
	    cmocka_unit_test(test_invalid_utf8_not_sent),
	    cmocka_unit_test(test_wide_characters),
	    cmocka_unit_test(test_keys_normal_mode),
	    cmocka_unit_test(test_keys_application_mode),
	    cmocka_unit_test(test_keys_raw_bytes),
	    cmocka_unit_test(test_unknown_keys_rejected),
	    cmocka_unit_test(test_terminal_answers),
	    cmocka_unit_test(test_resize),
	    cmocka_unit_test(test_resize_smaller_keeps_text),
	    cmocka_unit_test_setup_teardown(test_hangup_ends_cat, quiet_setup, quiet_teardown),
	    cmocka_unit_test(test_wait_gone),
	    cmocka_unit_test_setup_teardown(test_wait_times_out, quiet_setup, quiet_teardown),
	    cmocka_unit_test_setup_teardown(test_wait_ends_when_program_exits, quiet_setup,
	                                    quiet_teardown),
	    cmocka_unit_test_setup_teardown(test_wait_stable, quiet_setup, quiet_teardown),
	    cmocka_unit_test(test_much_output),
	    cmocka_unit_test(test_much_input),
	    cmocka_unit_test(test_spawn_failures),
	    cmocka_unit_test(test_default_size),
	    cmocka_unit_test(test_free_kills_stubborn_program),
	    cmocka_unit_test(test_attrs_and_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
