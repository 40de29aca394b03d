/*
 * e2e — helpers shared by the end-to-end tests (tests/e2e/test_*.c): where
 * the qendra binary is, a temporary fixture directory with its database, a
 * demo database, the binary started in a pseudo-terminal (pty.h), waits and
 * assertions on its screen, keys and typing, signing in, and plain sqlite3
 * queries on the database the program writes.
 *
 * Every wait has the same generous deadline, E2E_WAIT_MS, and pumps the
 * program's output meanwhile; nothing sleeps a fixed time. The helpers that
 * check something fail the running cmocka test (fail_msg, assert_*) with the
 * screen dumped to stderr where there is one, so a test reads as a list of
 * steps. They may be called from cmocka setup functions too.
 *
 * Uses tests/e2e/pty.h and util/util.h only, plus sqlite3 and cmocka.
 * Not thread-safe.
 */
#ifndef QENDRA_TESTS_E2E_H
#define QENDRA_TESTS_E2E_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "tests/e2e/pty.h"

/* ms: every wait's deadline. Argon2 on a loaded CI machine is slow. */
#define E2E_WAIT_MS 15000

/* ---- the program and the clock ---- */

/* The qendra binary: $QENDRA_BIN when set and not empty, else "./qendra". */
const char *e2e_bin(void);

/* Monotonic clock in milliseconds, for deadlines. */
long long e2e_ms_now(void);

/* ---- fixtures ---- */

/* A test's own temporary directory and the paths in it. */
struct e2e_fx {
	char dir[64];  /* /tmp/qendra-e2e-<tag>-XXXXXX, made by e2e_fx_new */
	char db[128];  /* <dir>/q.db, not created */
	char cfg[128]; /* <dir>/qendra.cfg, not created */
};

/*
 * Make a fresh temporary directory named after tag (a short word, e.g.
 * "desk") and fill in the paths. Returns the fixture (free with
 * e2e_fx_free), or NULL when the directory cannot be made.
 */
struct e2e_fx *e2e_fx_new(const char *tag);

/*
 * Remove the fixture's directory with everything in it and free f.
 * Returns 0, or -1 when the removal failed. e2e_fx_free(NULL) returns 0.
 */
int e2e_fx_free(struct e2e_fx *f);

/* A cmocka teardown freeing the struct e2e_fx in *state (see e2e_fx_free). */
int e2e_teardown(void **state);

/*
 * Make a demo database at db with `qendra demo --families <families>`, the
 * clock pinned to now ("YYYY-MM-DD HH:MM:SS", NULL for the real clock), its
 * output appended to <log_dir>/setup.log. Returns 0, or -1 (reason printed
 * to stderr).
 */
int e2e_demo(const char *db, const char *log_dir, const char *now, int families);

/*
 * Make a new database at db with `qendra init`, its manager signing in as
 * user with password pw (QENDRA_INIT_USER, QENDRA_INIT_PASSWORD), the output
 * appended to <log_dir>/setup.log. Returns 0, or -1 (reason printed to
 * stderr).
 */
int e2e_init(const char *db, const char *log_dir, const char *user, const char *pw);

/*
 * Add a user to the fixture's database with `qendra user add`, the password
 * pw on its standard input, the output appended to <f->dir>/setup.log. role
 * as the command takes it ("counsellor", "viewer", ...); no argument may hold
 * a single quote. Fails the test on error.
 */
void e2e_add_user(const struct e2e_fx *f, const char *user, const char *role, const char *name,
                  const char *pw);

/* Run the shell command cmd (system); unless it exits 0, print it to stderr
 * and fail the test. */
void e2e_sh_ok(const char *cmd);

/* Copy the file from to the path to (cp). Returns 0, or -1. */
int e2e_copy(const char *from, const char *to);

/* Write text to a new file at path, replacing it; fails the test on error. */
void e2e_write_file(const char *path, const char *text);

/*
 * The whole file at path as a NUL-terminated string (caller frees); *len
 * (may be NULL) receives its length, which may hold NUL bytes. NULL when the
 * file cannot be opened.
 */
char *e2e_read_file(const char *path, size_t *len);

/* True when the file at path holds the bytes of needle; false also when it
 * cannot be read. */
bool e2e_file_has(const char *path, const char *needle);

/* ---- the terminal ---- */

/*
 * Start qendra on the fixture's database in a pseudo-terminal of rows x cols
 * with `--db f->db`, then `--config f->cfg` when cfg, then `--lang lang`
 * when lang is not NULL. env: extra "K=V" entries as in struct pty_opts (may
 * be NULL). Fails the test when it cannot start; free with pty_free.
 */
struct pty *e2e_start_env(const struct e2e_fx *f, int rows, int cols, const char *lang, bool cfg,
                          const char *const *env);

/* e2e_start_env at 24 rows and 80 columns, without --config. */
struct pty *e2e_start(const struct e2e_fx *f, const char *lang, const char *const *env);

/* Wait until the screen shows text (see pty_wait_text), else fail. */
void e2e_wait_text(struct pty *p, const char *text);

/* Wait until text is no longer on the screen, else fail. */
void e2e_wait_gone(struct pty *p, const char *text);

/* Wait until screen row `row` (0 = top; the key bar is 23) holds text, else
 * fail. */
void e2e_wait_row(struct pty *p, int row, const char *text);

/* Wait until no output has come for 150 ms, else fail. */
void e2e_settle(struct pty *p);

/* Fail when text is on the screen, checked once the screen has settled
 * (a paint may arrive in pieces). */
void e2e_assert_absent(struct pty *p, const char *text);

/* Fail when text is not on the screen, checked once the screen has settled. */
void e2e_assert_present(struct pty *p, const char *text);

/* Send one named key (see pty_send_key); fails the test on error. */
void e2e_key(struct pty *p, const char *name);

/* Send the named key `times` times. */
void e2e_keys(struct pty *p, const char *name, int times);

/* Type UTF-8 text (see pty_type); fails the test on error. */
void e2e_type(struct pty *p, const char *text);

/* Esc alone: waits for the screen to settle before and after, so the
 * terminal does not read it with the next key as Alt-something. */
void e2e_esc(struct pty *p);

/* Fill the login form (user, Enter, password, Enter) without waiting. */
void e2e_submit_login(struct pty *p, const char *user, const char *pw);

/*
 * Sign in on a login screen in lang ("sq" Albanian, anything else English):
 * wait for the form, submit, wait for the home screen. pw NULL means the
 * demo password "demo-<user>".
 */
void e2e_login(struct pty *p, const char *lang, const char *user, const char *pw);

/*
 * What a keyboard without Albanian letters types: ç→c, Ç→C, ë→e, Ë→E, the
 * rest unchanged. Caller frees.
 */
char *e2e_fold(const char *s);

/* ---- the database, with plain sqlite3 ---- */

/* Open the database file db with sqlite3_open_v2 flags and a 5 s busy
 * timeout; fails the test when it cannot be opened. Close with
 * sqlite3_close. */
sqlite3 *e2e_db_open(const char *db, int flags);

/* The first column of the first row of sql, read-only (caller frees); NULL
 * when there is no row or the value is NULL. Fails the test on bad SQL. */
char *e2e_db_text(const char *db, const char *sql);

/* e2e_db_text of a query made by sqlite3_mprintf (%q, %Q quote safely). */
char *e2e_db_textf(const char *db, const char *fmt, ...);

/* e2e_db_text as a number; -1 when there is no row or it is NULL. */
long e2e_db_long(const char *db, const char *sql);

/* Run statements that change the database; fails the test on error. */
void e2e_db_exec(const char *db, const char *sql);

/* Fail unless sql gives exactly want. */
void e2e_expect_db(const char *db, const char *sql, const char *want);

/* Wait, pumping p's output, until sql gives want; else dump p and fail. */
void e2e_wait_db(const char *db, struct pty *p, const char *sql, const char *want);

#endif
