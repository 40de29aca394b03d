/*
 * tuii — what the files of tui/ share and nobody else sees: the terminal
 * module (term.c, the only owner of newterm/endwin and key reading), the
 * shell's internals (shell.c) and the built-in screens.
 */
#ifndef QENDRA_TUII_H
#define QENDRA_TUII_H

#include "tui/tui.h"

/* Internal pseudo-keys of the reading loop (never reach a screen). */
enum {
	TUI_K_RESIZE = TUI_KEYCODE(KEY_RESIZE),
	TUI_K_GONE = -1,  /* the terminal went away */
	TUI_K_ABORT = -2, /* the session ended under a dialog (logout from the lock screen) */
};

/* Smallest terminal the UI draws in. */
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80

/* ---- term.c ---- */

/* Set up locale and curses on the controlling terminal. 0, or -1 with err. */
int term_start(int esc_delay_ms, struct qerr *err);
/* Restore the terminal (idempotent; also the fatal hook). */
void term_stop(void);
/* Read one key, waiting at most timeout_ms (>= 0). TUI_K_NONE on timeout,
 * TUI_K_RESIZE, TUI_K_GONE, or a key (see tui.h). */
int term_read(int timeout_ms);
/* Milliseconds of a monotonic clock. */
long long term_ms(void);
/* True when the locale encodes UTF-8 (so "…" and arrows may be drawn). */
bool term_utf8(void);

/* ---- shell.c ---- */

/* Read a key for a screen or a dialog: handles resize (repaints), idle lock,
 * the panic key, and returns TUI_K_GONE / TUI_K_ABORT when the session
 * cannot go on. */
int shell_getkey(void);
/* Paint everything: status line, top screen, dialog, message, key bar. */
void shell_paint(void);
/* Deferred session changes, done by the main loop after the current op. */
void shell_login(const struct db_user *u);
void shell_logout(void);
/* Is the shell's state such that a key's needs are met on screen s? */
bool shell_key_ok(const struct tui_screen *s, const struct tui_key *k);
/* Is a key for the signed-in user's role (TUI_NEED_ROLES)? Entries that are
 * not are left out of the key bar and help. */
bool shell_key_for_role(const struct tui_key *k);
/* True when key k triggers table entry e in a screen whose typing state is typing. */
bool shell_key_match(const struct tui_key *e, int k, bool typing);
/* The built-in global keys, and the registered ones (for help). */
const struct tui_key *shell_builtin_keys(void);
int shell_global_count(void);
const struct tui_key *shell_global_key(int i, bool *allowed);
/* Registered home-menu entries for the signed-in role. */
struct shell_menu {
	const struct tui_screen_def *def;
	const char *label_key;
	int hotkey;
};
int shell_menu(struct shell_menu *out, int max);
/* The locked screen (idle lock, panic key): 0 unlocked, 1 signed out,
 * -1 terminal gone. */
int lock_run(void);
/* "HH:MM" (today) or "dd.mm.yyyy HH:MM" of a "YYYY-MM-DD HH:MM:SS" time. */
void shell_when(const char *ts, char *out, size_t outsz);

/* ---- the built-in screens ---- */
extern const struct tui_screen_def tui_login_screen;
extern const struct tui_screen_def tui_home_screen;
extern const struct tui_screen_def tui_help_screen;
/* Home's own key table (tui_register_screen checks hotkeys against it). */
extern const struct tui_key tui_home_keys[];

/* Dialog state drawn by shell_paint (dialog.c sets it). */
struct tui_overlay {
	const char *text;
	const char *hint;
};
extern const struct tui_overlay *tui_cur_overlay;

/* The cursor request of the current paint (tui_set_cursor). */
void shell_cursor_reset(void);
bool shell_cursor_get(WINDOW **w, int *y, int *x);

#endif
