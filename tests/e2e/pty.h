/*
 * pty — the end-to-end test harness: runs a program in a pseudo-terminal
 * (forkpty) and keeps an emulated screen of what it draws (libvterm), so a
 * test can type keys, wait until text appears and read rows, the way a
 * person at the keyboard would.
 *
 * Every wait pumps the program's output with poll() on the master side until
 * the screen reaches the wanted state or a deadline passes; nothing sleeps a
 * fixed time. The terminal's answers to the program (cursor position
 * reports, device attributes) are written back to it, as a real terminal
 * would. Keys are sent as xterm sends them; cursor and Home/End keys follow
 * the cursor-key mode the program set (ncurses' keypad() switches it to
 * application mode).
 *
 * Each spawned program gets a fresh temporary HOME, removed by pty_free, and a
 * clean environment. When E2E_DUMP is set in the test's environment, every
 * failed wait prints the screen to stderr.
 *
 * Uses only util/util.h from the project. Not thread-safe; one struct pty is
 * used by one thread. Several may be open at once.
 */
#ifndef QENDRA_TESTS_PTY_H
#define QENDRA_TESTS_PTY_H

#include <stdbool.h>
#include <stdio.h>

struct pty;

struct pty_opts {
	int rows, cols; /* screen size; 0 means 24 rows, 80 columns */
	/* Program and arguments, NULL-terminated; argv[0] is looked up in PATH. */
	const char *const *argv;
	/*
	 * Extra "K=V" entries (NULL-terminated, may be NULL) added to a clean
	 * environment of TERM=xterm-256color, LANG=C.UTF-8, LC_ALL=C.UTF-8,
	 * HOME=<fresh temp dir>, and, when the test's own environment has them,
	 * PATH, TZ, QENDRA_LOCALE_DIR, ASAN_OPTIONS, UBSAN_OPTIONS and
	 * LSAN_OPTIONS. An entry with an existing key replaces it; an entry
	 * "K" with no '=' removes K.
	 */
	const char *const *env;
};

/*
 * Start o->argv in a new pseudo-terminal of o->rows x o->cols. Returns the
 * handle (free with pty_free), or NULL when the terminal or temp HOME cannot
 * be made or the program cannot be executed (reason printed to stderr).
 */
struct pty *pty_spawn(const struct pty_opts *o);

/*
 * Stop the program if it still runs (SIGTERM to its process group, SIGKILL
 * after one second), reap it, remove its temp HOME and free everything.
 * pty_free(NULL) does nothing.
 */
void pty_free(struct pty *p);

/* The program's HOME directory (owned by p, valid until pty_free). */
const char *pty_home(struct pty *p);

/* Send raw bytes, e.g. "\x1b" for Esc, "\r" for Enter. 0, or -1 on error. */
int pty_send(struct pty *p, const char *bytes);

/*
 * Send one named key as xterm does: "F1".."F12", "Up", "Down", "Left",
 * "Right", "Home", "End", "PgUp", "PgDn", "Ins", "Enter", "Esc", "Tab", "BTab"
 * (Shift-Tab), "Backspace", "Del", "Space", "C-x" (Control with a letter or
 * one of @[\]^_? ), "M-x" (Alt: ESC then the character), or any single
 * character. Returns 0, or -1 for an unknown name or a write error.
 */
int pty_send_key(struct pty *p, const char *name);

/*
 * Type UTF-8 text one character per write, as a person types; '\n' is typed
 * as Enter ("\r"). Returns 0, or -1 on invalid UTF-8 (nothing sent) or a
 * write error.
 */
int pty_type(struct pty *p, const char *utf8);

/*
 * Pump output until the screen contains `utf8` anywhere (within one row, or
 * across rows with "\n" in it: rows are joined as in pty_screen). False on
 * timeout, or as soon as the program's side of the terminal is closed and the
 * text is not there.
 */
bool pty_wait_text(struct pty *p, const char *utf8, int timeout_ms);

/* Pump output until `utf8` is no longer on the screen; false on timeout. */
bool pty_wait_gone(struct pty *p, const char *utf8, int timeout_ms);

/*
 * Pump output until none has come for quiet_ms (or the program's side is
 * closed). False when output keeps coming for timeout_ms.
 */
bool pty_wait_stable(struct pty *p, int quiet_ms, int timeout_ms);

/*
 * UTF-8 text of screen row `row` (0 = top), trailing blanks trimmed; a wide
 * character counts once. Caller frees. NULL when row is outside the screen.
 */
char *pty_row(struct pty *p, int row);

/* The whole screen: every row as pty_row, joined by "\n". Caller frees. */
char *pty_screen(struct pty *p);

/* True when the current screen contains `utf8` (no pumping). */
bool pty_screen_has(struct pty *p, const char *utf8);

/* First row (0 = top) containing `utf8`, or -1 (no pumping). */
int pty_find_row(struct pty *p, const char *utf8);

/*
 * Resize the terminal: the emulated screen, then the kernel's window size
 * (TIOCSWINSZ), which sends SIGWINCH to the program. 0, or -1 on error.
 */
int pty_resize(struct pty *p, int rows, int cols);

/*
 * Close the master side, as when the terminal window is closed: the program
 * gets SIGHUP and EIO on its terminal. The screen stays readable. 0 or -1.
 */
int pty_hangup(struct pty *p);

/*
 * Wait up to timeout_ms for the program to exit, pumping its output
 * meanwhile. True when it has exited; *status (may be NULL) receives the
 * waitpid() status, for WIFEXITED/WEXITSTATUS/WIFSIGNALED.
 */
bool pty_exited(struct pty *p, int timeout_ms, int *status);

/* Print the screen with row numbers, size and cursor, for a failing test. */
void pty_dump(struct pty *p, FILE *f);

/*
 * Keystrokes sent so far: one per pty_send_key, one per character given to
 * pty_type, one per pty_send call. For keystroke-budget tests.
 */
int pty_keystrokes(struct pty *p);

/* Cursor position (0-based) of the emulated screen; either pointer may be NULL. */
void pty_cursor(struct pty *p, int *row, int *col);

/* Attributes of one cell, for tests of highlighting: a mask of PTY_ATTR_*. */
enum {
	PTY_ATTR_BOLD = 1 << 0,
	PTY_ATTR_UNDERLINE = 1 << 1,
	PTY_ATTR_REVERSE = 1 << 2,
	PTY_ATTR_ITALIC = 1 << 3,
	PTY_ATTR_BLINK = 1 << 4,
};
/* 0 also when the cell is outside the screen. */
int pty_cell_attrs(struct pty *p, int row, int col);

#endif
