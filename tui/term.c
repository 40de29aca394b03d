/*
 * term — the one module that owns the terminal: locale, newterm/endwin,
 * input modes, extra key sequences, attributes and colours, and reading
 * keys. Everything else in tui/ asks here.
 *
 * Reading keys is where a terminal shows its age: PuTTY sends F1-F4 as
 * ESC [ 11~ .. 14~ and Home/End as ESC [ 1~ / 4~, the Linux console sends
 * ESC [ [ A.., and Alt-x arrives as ESC x. term_read turns all of these into
 * the key codes of tui.h. When the terminal goes away (the SSH link drops,
 * the window is closed) reads fail with EIO or return at once forever;
 * term_read reports TUI_K_GONE instead of letting the caller spin, and a
 * SIGHUP handler makes the same happen even while waiting.
 */
#include "tui/tuii.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_hup;
static SCREEN *scr;
static bool active, colour, utf8;
static int fast_errors;

enum { PAIR_BAR = 1, PAIR_KEY, PAIR_ERROR, PAIR_WARN, PAIR_TITLE };

static void on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

long long term_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool term_utf8(void)
{
	return utf8;
}

/*
 * The user's locale, or C.UTF-8 when it is missing or plain ASCII (LANG
 * unset over SSH is common): in the C locale ncursesw cannot read ë or ç
 * and typed letters vanish. Numbers stay in the C format for every layer.
 */
static void setup_locale(void)
{
	const char *l = setlocale(LC_ALL, "");
	const char *cs = l ? nl_langinfo(CODESET) : "";
	if (!l || strcmp(cs, "ANSI_X3.4-1968") == 0 || strcmp(cs, "ASCII") == 0 || !cs[0]) {
		if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C.utf8"))
			setlocale(LC_ALL, "en_US.UTF-8");
	}
	setlocale(LC_NUMERIC, "C");
	cs = nl_langinfo(CODESET);
	utf8 = strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0;
}

/* Sequences some terminals send that their terminfo entry may not list. */
static const struct {
	const char *seq;
	int code;
} extra_keys[] = {
    {"\033[11~", KEY_F(1)},  {"\033[12~", KEY_F(2)},  {"\033[13~", KEY_F(3)},
    {"\033[14~", KEY_F(4)},  {"\033OP", KEY_F(1)},    {"\033OQ", KEY_F(2)},
    {"\033OR", KEY_F(3)},    {"\033OS", KEY_F(4)},    {"\033[[A", KEY_F(1)},
    {"\033[[B", KEY_F(2)},   {"\033[[C", KEY_F(3)},   {"\033[[D", KEY_F(4)},
    {"\033[[E", KEY_F(5)},   {"\033[15~", KEY_F(5)},  {"\033[17~", KEY_F(6)},
    {"\033[18~", KEY_F(7)},  {"\033[19~", KEY_F(8)},  {"\033[20~", KEY_F(9)},
    {"\033[21~", KEY_F(10)}, {"\033[23~", KEY_F(11)}, {"\033[24~", KEY_F(12)},
    {"\033[1~", KEY_HOME},   {"\033[4~", KEY_END},    {"\033[7~", KEY_HOME},
    {"\033[8~", KEY_END},    {"\033[H", KEY_HOME},    {"\033[F", KEY_END},
    {"\033OH", KEY_HOME},    {"\033OF", KEY_END},     {"\033[A", KEY_UP},
    {"\033[B", KEY_DOWN},    {"\033[C", KEY_RIGHT},   {"\033[D", KEY_LEFT},
    {"\033OA", KEY_UP},      {"\033OB", KEY_DOWN},    {"\033OC", KEY_RIGHT},
    {"\033OD", KEY_LEFT},    {"\033[5~", KEY_PPAGE},  {"\033[6~", KEY_NPAGE},
    {"\033[3~", KEY_DC},     {"\033[2~", KEY_IC},     {"\033[Z", KEY_BTAB},
    {"\033OM", KEY_ENTER},
};

static void setup_colour(void)
{
	const char *nc = getenv("NO_COLOR");
	colour = !(nc && nc[0]) && has_colors() && start_color() == OK && COLORS >= 8;
	if (!colour)
		return;
	use_default_colors();
	init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_KEY, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_TITLE, COLOR_CYAN, -1);
}

int term_start(int esc_delay_ms, struct qerr *err)
{
	if (active)
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		qerr_set(err, "tui:no_terminal", NULL);
		return -1;
	}
	setup_locale();
	/* newterm, unlike initscr, returns instead of exiting on failure. */
	const char *t = getenv("TERM");
	scr = newterm(t && t[0] ? NULL : "vt100", stdout, stdin);
	if (!scr) {
		qerr_set(err, "tui:bad_term", "%s", t ? t : "");
		return -1;
	}
	set_term(scr);
	active = true;
	got_hup = 0;
	fast_errors = 0;
	util_set_fatal_hook(term_stop);
	static bool at_exit;
	if (!at_exit) /* also restore the terminal if anything calls exit() */
		at_exit = atexit(term_stop) == 0;

	/* SIGHUP: set a flag and interrupt the read (no SA_RESTART). */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	/* Writing to a dropped link must not kill us before we can clean up. */
	signal(SIGPIPE, SIG_IGN);

	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(esc_delay_ms > 0 ? esc_delay_ms : 100);
	curs_set(0);
	for (size_t i = 0; i < sizeof extra_keys / sizeof extra_keys[0]; i++)
		if (key_defined(extra_keys[i].seq) != extra_keys[i].code)
			define_key(extra_keys[i].seq, extra_keys[i].code);
	setup_colour();
	/* The first refresh of stdscr clears the screen once; from here on
	 * every paint is werase plus the curses diff, never clear(). */
	wnoutrefresh(stdscr);
	doupdate();
	return 0;
}

void term_stop(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	delscreen(scr);
	scr = NULL;
}

/* Is the terminal still there? A hung-up tty polls as POLLHUP/POLLERR. */
static bool term_dead(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	if (poll(&p, 1, 0) < 0)
		return errno != EINTR;
	return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int normalise_char(wint_t ch)
{
	if (ch == '\r' || ch == '\n')
		return TUI_K_ENTER;
	if (ch == 127 || ch == 8)
		return TUI_K_BACKSPACE;
	return (int)ch;
}

static int normalise_code(int code)
{
	switch (code) {
	case KEY_ENTER:
		return TUI_K_ENTER;
	case KEY_BACKSPACE:
		return TUI_K_BACKSPACE;
	case KEY_RESIZE:
		return TUI_K_RESIZE;
	case KEY_HOME:
	case KEY_A1:
		return TUI_K_HOME;
	case KEY_END:
	case KEY_C1:
		return TUI_K_END;
	default:
		return TUI_KEYCODE(code);
	}
}

int term_read(int timeout_ms)
{
	if (!active || got_hup)
		return TUI_K_GONE;
	if (timeout_ms < 0)
		timeout_ms = 0;
	wtimeout(stdscr, timeout_ms);
	long long t0 = term_ms();
	wint_t ch = 0;
	errno = 0;
	int r = wget_wch(stdscr, &ch);
	int e = errno;
	if (got_hup)
		return TUI_K_GONE;
	if (r == ERR) {
		if (e == EIO || e == EBADF || term_dead())
			return TUI_K_GONE;
		/* A timeout takes its time; an error comes back at once. Many of
		 * those in a row mean input is gone even if poll does not say so. */
		if (e != EINTR && term_ms() - t0 < timeout_ms / 2) {
			if (++fast_errors > 50)
				return TUI_K_GONE;
		} else {
			fast_errors = 0;
		}
		return TUI_K_NONE;
	}
	fast_errors = 0;
	if (r == KEY_CODE_YES)
		return normalise_code((int)ch);
	if (ch != 27)
		return normalise_char(ch);
	/*
	 * Esc: curses has already waited the Esc delay for a known sequence.
	 * A character that came with it (now in curses' queue) makes Alt-x;
	 * nothing means a plain Esc.
	 */
	wtimeout(stdscr, 0);
	wint_t c2 = 0;
	int r2 = wget_wch(stdscr, &c2);
	if (r2 == OK && c2 >= ' ' && c2 != 127)
		return TUI_ALT((int)c2);
	/* Esc followed by another key (Esc, Enter, an arrow): give both, in order. */
	if (r2 == OK)
		unget_wch(c2);
	else if (r2 == KEY_CODE_YES)
		ungetch((int)c2);
	return TUI_K_ESC;
}

attr_t tui_style(enum tui_style s)
{
	switch (s) {
	case TUI_S_BAR:
		return colour ? (attr_t)COLOR_PAIR(PAIR_BAR) | A_BOLD : A_REVERSE;
	case TUI_S_KEY:
		return colour ? (attr_t)COLOR_PAIR(PAIR_KEY) : A_REVERSE;
	case TUI_S_TITLE:
		return A_BOLD | (colour ? (attr_t)COLOR_PAIR(PAIR_TITLE) : 0);
	case TUI_S_HEADER:
		return A_BOLD | A_UNDERLINE;
	case TUI_S_SELECTED:
		return A_REVERSE;
	case TUI_S_ERROR:
		return A_BOLD | (colour ? (attr_t)COLOR_PAIR(PAIR_ERROR) : 0);
	case TUI_S_WARN:
		return A_BOLD | (colour ? (attr_t)COLOR_PAIR(PAIR_WARN) : 0);
	case TUI_S_DIM:
		return colour ? A_DIM : A_NORMAL;
	case TUI_S_FIELD:
		return A_UNDERLINE;
	case TUI_S_FIELD_FOCUS:
		return A_UNDERLINE | A_BOLD;
	case TUI_S_NORMAL:
	default:
		return A_NORMAL;
	}
}
