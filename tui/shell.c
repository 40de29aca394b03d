/*
 * shell — the frame every screen runs in: the session (who is signed in),
 * the screen stack, key dispatch through the key tables, the status line,
 * the message line and the key bar, the idle lock and the panic key, the
 * language switch, and the registries other modules add screens and global
 * keys to. See tui.h for the contract screens rely on.
 *
 * One loop (tui_run) paints, reads a key through shell_getkey and
 * dispatches it. shell_getkey is also what the modal dialogs read with, so
 * a resize, a hang-up, the idle lock or the panic key are handled the same
 * way wherever the user is. Session changes (login, logout) are deferred to
 * the main loop so that no screen is freed while one of its ops runs.
 */
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "conf/conf.h"
#include "locale/loc.h"

#define STACK_MAX  16
#define MENU_MAX   32
#define GLOBAL_MAX 16

enum { G_HELP = 1, G_LANG, G_PANIC };

/* Keys of the shell itself, on every screen. Panic only after login. */
static const struct tui_key builtin_keys[] = {
    {TUI_FKEY(1), '?', "keys:help", "help:k_help", G_HELP, 0},
    {TUI_ALT('h'), 0, NULL, "help:k_help", G_HELP, 0},
    {TUI_FKEY(9), TUI_ALT('l'), "keys:lang", "help:k_lang", G_LANG, 0},
    {TUI_FKEY(12), TUI_CTRL('\\'), "keys:hide", "help:k_hide", G_PANIC, 0},
    {TUI_ALT('x'), 0, NULL, "help:k_hide", G_PANIC, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static struct {
	const struct tui_screen_def *def;
	unsigned roles;
	const char *label_key;
	int hotkey;
} menu[MENU_MAX];
static int nmenu;

static struct {
	struct tui_key key;
	unsigned roles;
	tui_global_fn fn;
	void *arg;
} globals[GLOBAL_MAX];
static int nglobals;

enum pending { P_NONE, P_LOGIN, P_LOGOUT };

static struct shell {
	struct qdb *db;
	const struct conf *cf;
	char start_lang[3];
	bool lang_fixed; /* --lang given: the user's stored preference is not applied */
	bool logged_in;
	struct db_user user;
	struct db_actor actor;
	enum pending pending;
	struct db_user pending_user;
	struct tui_screen stack[STACK_MAX];
	int depth;
	WINDOW *top, *body, *bottom;
	bool small;
	char msg[600];
	bool msg_err;
	WINDOW *cur_w;
	int cur_y, cur_x;
	long long last_input;
	long long idle_ms;
	bool locked;
	bool quit, gone;
	char today[11];
} sh;

const struct tui_overlay *tui_cur_overlay;

/* ---- session accessors ---- */

struct qdb *tui_db(void)
{
	return sh.db;
}

const struct conf *tui_conf(void)
{
	return sh.cf;
}

const struct db_user *tui_user(void)
{
	return sh.logged_in ? &sh.user : NULL;
}

const struct db_actor *tui_actor(void)
{
	return sh.logged_in ? &sh.actor : NULL;
}

/* ---- keys ---- */

static int fold_key(int c)
{
	return (int)towlower((wint_t)c);
}

static bool one_match(int want, int k, bool typing)
{
	if (!want || !k)
		return false;
	if (TUI_IS_CHAR(want) && want > ' ') {
		/* A plain letter: Alt with it always works; plain only outside text. */
		if (TUI_IS_ALT(k))
			return fold_key(k & ~0x2000000) == fold_key(want);
		return !typing && TUI_IS_CHAR(k) && fold_key(k) == fold_key(want);
	}
	if (TUI_IS_ALT(want) && TUI_IS_ALT(k))
		return fold_key(want & ~0x2000000) == fold_key(k & ~0x2000000);
	return want == k;
}

bool shell_key_match(const struct tui_key *e, int k, bool typing)
{
	return one_match(e->key, k, typing) || one_match(e->alt_key, k, typing);
}

static bool needs_ok(unsigned needs, unsigned state)
{
	if ((needs & TUI_NEED_ROW) && !(state & TUI_ST_ROW))
		return false;
	if ((needs & TUI_NEED_WRITE) && (!sh.logged_in || sh.actor.role == DB_ROLE_VIEWER))
		return false;
	if ((needs & TUI_NEED_MANAGER) && (!sh.logged_in || sh.actor.role != DB_ROLE_MANAGER))
		return false;
	return true;
}

static unsigned state_of(const struct tui_screen *s)
{
	return s && s->def->state ? s->def->state(s) : 0;
}

bool shell_key_ok(const struct tui_screen *s, const struct tui_key *k)
{
	return needs_ok(k->needs, state_of(s));
}

const struct tui_key *shell_builtin_keys(void)
{
	return builtin_keys;
}

int shell_global_count(void)
{
	return nglobals;
}

const struct tui_key *shell_global_key(int i, bool *allowed)
{
	if (i < 0 || i >= nglobals)
		return NULL;
	if (allowed)
		*allowed = sh.logged_in && (globals[i].roles & TUI_ROLE(sh.actor.role));
	return &globals[i].key;
}

int shell_menu(struct shell_menu *out, int max)
{
	int n = 0;
	for (int i = 0; i < nmenu && n < max; i++) {
		if (!sh.logged_in || !(menu[i].roles & TUI_ROLE(sh.actor.role)))
			continue;
		out[n].def = menu[i].def;
		out[n].label_key = menu[i].label_key;
		out[n].hotkey = menu[i].hotkey;
		n++;
	}
	return n;
}

/* Is key k already bound where a new home hotkey or global key would clash? */
static bool key_taken(int k, bool check_home)
{
	struct tui_key probe = {k, 0, NULL, NULL, 1, 0};
	for (const struct tui_key *e = builtin_keys; e->key || e->action; e++)
		if (shell_key_match(e, k, false) || shell_key_match(&probe, e->key, false))
			return true;
	for (int i = 0; i < nglobals; i++)
		if (shell_key_match(&globals[i].key, k, false) ||
		    shell_key_match(&probe, globals[i].key.key, false) ||
		    shell_key_match(&probe, globals[i].key.alt_key, false))
			return true;
	if (!check_home)
		return false;
	for (const struct tui_key *e = tui_home_keys; e->key || e->action; e++)
		if (shell_key_match(e, k, false))
			return true;
	for (int i = 0; i < nmenu; i++)
		if (menu[i].hotkey && one_match(menu[i].hotkey, k, false))
			return true;
	return false;
}

int tui_register_screen(const struct tui_screen_def *def, unsigned role_mask,
                        const char *menu_label_key, int hotkey)
{
	if (!def || !def->draw || !def->key || !menu_label_key || nmenu >= MENU_MAX)
		return -1;
	if (hotkey && key_taken(hotkey, true))
		return -1;
	menu[nmenu].def = def;
	menu[nmenu].roles = role_mask;
	menu[nmenu].label_key = menu_label_key;
	menu[nmenu].hotkey = hotkey;
	nmenu++;
	return 0;
}

int tui_register_global(const struct tui_key *key, unsigned role_mask, tui_global_fn fn, void *arg)
{
	if (!key || !fn || (!key->key && !key->alt_key) || nglobals >= GLOBAL_MAX)
		return -1;
	if ((key->key && key_taken(key->key, false)) ||
	    (key->alt_key && key_taken(key->alt_key, false)))
		return -1;
	globals[nglobals].key = *key;
	globals[nglobals].roles = role_mask;
	globals[nglobals].fn = fn;
	globals[nglobals].arg = arg;
	nglobals++;
	return 0;
}

/* ---- messages ---- */

void tui_message(const char *text)
{
	util_strlcpy(sh.msg, text ? text : "", sizeof sh.msg);
	sh.msg_err = false;
}

void tui_message_key(const char *key)
{
	tui_message(loc_str(key));
}

void tui_message_err(const struct qerr *e)
{
	char buf[sizeof sh.msg];
	loc_err(e, buf, sizeof buf);
	util_strlcpy(sh.msg, buf, sizeof sh.msg);
	sh.msg_err = buf[0] != '\0';
}

void tui_busy(const char *key)
{
	tui_message_key(key);
	shell_paint();
}

void tui_set_cursor(WINDOW *w, int y, int x)
{
	sh.cur_w = w;
	sh.cur_y = y;
	sh.cur_x = x;
}

void shell_cursor_reset(void)
{
	sh.cur_w = NULL;
}

bool shell_cursor_get(WINDOW **w, int *y, int *x)
{
	if (!sh.cur_w)
		return false;
	*w = sh.cur_w;
	*y = sh.cur_y;
	*x = sh.cur_x;
	return true;
}

/* ---- layout and painting ---- */

static void drop_windows(void)
{
	if (sh.top)
		delwin(sh.top);
	if (sh.body)
		delwin(sh.body);
	if (sh.bottom)
		delwin(sh.bottom);
	sh.top = sh.body = sh.bottom = NULL;
}

/* Make the windows for the current terminal size; tell every screen. */
static void layout(void)
{
	drop_windows();
	sh.small = LINES < TUI_MIN_ROWS || COLS < TUI_MIN_COLS;
	if (sh.small)
		return;
	sh.top = newwin(1, COLS, 0, 0);
	sh.body = newwin(LINES - 3, COLS, 1, 0);
	sh.bottom = newwin(2, COLS, LINES - 2, 0);
	if (!sh.top || !sh.body || !sh.bottom) {
		drop_windows();
		sh.small = true;
		return;
	}
	for (int i = 0; i < sh.depth; i++)
		if (sh.stack[i].def->resize)
			sh.stack[i].def->resize(&sh.stack[i], LINES - 3, COLS);
}

/* Word-wrap text into at most max lines of at most cols columns. */
static int wrap(const char *text, int cols, char lines[][256], int max)
{
	int n = 0;
	const char *p = text;
	while (*p && n < max) {
		char line[256] = "";
		size_t len = 0;
		while (*p == ' ')
			p++;
		while (*p && *p != '\n') {
			const char *w = p;
			while (*w == ' ')
				w++;
			const char *e = w;
			while (*e && *e != ' ' && *e != '\n')
				e++;
			char cand[256];
			snprintf(cand, sizeof cand, "%.*s%.*s", (int)len, line, (int)(e - p), p);
			if (tui_text_width(cand) > cols) {
				if (len == 0) { /* one long word: cut it */
					tui_text_fit(cand, cols, line, sizeof line);
					p = e;
				}
				break;
			}
			util_strlcpy(line, cand, sizeof line);
			len = strlen(line);
			p = e;
		}
		if (*p == '\n')
			p++;
		util_strlcpy(lines[n++], line, 256);
	}
	return n;
}

static void paint_small(void)
{
	werase(stdscr);
	char msg[512], lines[8][256];
	loc_fmt(msg, sizeof msg, "tui:too_small", COLS, LINES, TUI_MIN_COLS, TUI_MIN_ROWS);
	int n = wrap(msg, COLS > 2 ? COLS - 2 : 1, lines, 8);
	int y0 = LINES > n ? (LINES - n) / 2 : 0;
	for (int i = 0; i < n; i++)
		tui_put(stdscr, y0 + i, 1, COLS - 1, lines[i], A_BOLD, false);
	curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

/*
 * " qendra │ Screen · Centre ........ Full Name (Role)  dd.mm.yyyy ".
 * The date and the role always show; the user's name gets at most half the
 * line, the centre's name what is left.
 */
static void paint_status(void)
{
	WINDOW *w = sh.top;
	int cols = getmaxx(w);
	attr_t a = tui_style(TUI_S_BAR);
	tui_put(w, 0, 0, cols, "", a, true);
	char date[11], tail[200], name[200], left[300];
	const struct tui_screen *s = sh.depth ? &sh.stack[sh.depth - 1] : NULL;
	snprintf(left, sizeof left, " %s%s%s", loc_str("app:name"),
	         s && s->def->title_key ? " │ " : "",
	         s && s->def->title_key ? loc_str(s->def->title_key) : "");
	util_today(sh.today);
	loc_date(sh.today, date);
	name[0] = '\0';
	if (sh.logged_in) {
		char rk[48];
		snprintf(rk, sizeof rk, "role:%s", db_role_name(sh.actor.role));
		snprintf(tail, sizeof tail, " (%s)  %s ", loc_str(rk), date);
		int room = cols - tui_text_width(left) - tui_text_width(tail) - 2;
		tui_text_fit(sh.user.full_name, room < cols / 2 ? room : cols / 2, name,
		             sizeof name);
	} else {
		snprintf(tail, sizeof tail, "%s ", date);
	}
	int rw = tui_text_width(name) + tui_text_width(tail);
	int rx = cols - rw;
	rx += tui_put(w, 0, rx, cols - rx, name, a, false);
	tui_put(w, 0, rx, cols - rx, tail, a, false);

	const char *centre = sh.cf && sh.cf->centre_name[0] ? sh.cf->centre_name : "";
	int lw = tui_put(w, 0, 0, cols - rw - 1, left, a, false);
	int room = cols - rw - lw - 4;
	if (centre[0] && room > 5) {
		tui_put(w, 0, lw, 3, " · ", a, false);
		tui_put(w, 0, lw + 3, room, centre, a, false);
	}
}

/* One key-bar item: the key's name in the key style, then the label. */
static int bar_item(WINDOW *w, int x, int cols, int key, const char *label_key)
{
	char name[40], label[120];
	tui_key_name(key, name, sizeof name);
	util_strlcpy(label, loc_str(label_key), sizeof label);
	int need = tui_text_width(name) + 1 + tui_text_width(label);
	if (x + need > cols)
		return -1;
	x += tui_put(w, 1, x, cols - x, name, tui_style(TUI_S_KEY), false);
	x += 1;
	x += tui_put(w, 1, x, cols - x, label, A_NORMAL, false);
	return x + 2;
}

/* The key to show for a table entry: the F-key or main key; a plain letter
 * becomes Alt-letter while typing. */
static int shown_key(const struct tui_key *e, bool typing)
{
	int k = e->key ? e->key : e->alt_key;
	if (typing && TUI_IS_CHAR(k) && k > ' ') {
		if (e->key && e->alt_key && !(TUI_IS_CHAR(e->alt_key) && e->alt_key > ' '))
			return e->alt_key;
		return TUI_ALT(k);
	}
	return k;
}

static void paint_bottom(void)
{
	WINDOW *w = sh.bottom;
	int cols = getmaxx(w);
	if (sh.msg[0]) {
		char line[sizeof sh.msg + 4];
		snprintf(line, sizeof line, "%s%s", sh.msg_err ? "! " : "", sh.msg);
		tui_put(w, 0, 1, cols - 1, line, sh.msg_err ? tui_style(TUI_S_ERROR) : A_BOLD,
		        false);
	}
	const struct tui_screen *s = sh.depth ? &sh.stack[sh.depth - 1] : NULL;
	unsigned st = state_of(s);
	bool typing = st & TUI_ST_TYPING;
	int x = 0;
	/* Help first, then the screen's keys, back, global keys, language, hide. */
	x = bar_item(w, x, cols, shown_key(&builtin_keys[0], typing), "keys:help");
	bool has_esc = false;
	for (const struct tui_key *e = s && s->def->keys ? s->def->keys : NULL;
	     e && (e->key || e->action); e++) {
		if (e->key == TUI_K_ESC || e->alt_key == TUI_K_ESC)
			has_esc = true;
		if (!e->label_key || !needs_ok(e->needs, st) || x < 0)
			continue;
		x = bar_item(w, x, cols, shown_key(e, typing), e->label_key);
	}
	if (!has_esc && sh.depth > 1 && x >= 0)
		x = bar_item(w, x, cols, TUI_K_ESC, "keys:back");
	for (int i = 0; sh.logged_in && i < nglobals && x >= 0; i++)
		if (globals[i].key.label_key && (globals[i].roles & TUI_ROLE(sh.actor.role)) &&
		    needs_ok(globals[i].key.needs, st))
			x = bar_item(w, x, cols, shown_key(&globals[i].key, typing),
			             globals[i].key.label_key);
	if (x >= 0)
		x = bar_item(w, x, cols, TUI_FKEY(9), "keys:lang");
	if (sh.logged_in && x >= 0)
		bar_item(w, x, cols, TUI_FKEY(12), "keys:hide");
}

static void paint_overlay(void)
{
	const struct tui_overlay *o = tui_cur_overlay;
	int rows = getmaxy(sh.body), cols = getmaxx(sh.body);
	char lines[10][256];
	int bw = cols - 8 < 64 ? cols - 8 : 64;
	int n = wrap(o->text ? o->text : "", bw - 4, lines, 10);
	int bh = n + 4;
	if (bh > rows)
		bh = rows;
	int by = (rows - bh) / 2, bx = (cols - bw) / 2;
	WINDOW *d = derwin(sh.body, bh, bw, by, bx);
	if (!d)
		return;
	werase(d);
	box(d, 0, 0);
	for (int i = 0; i < n && i + 1 < bh - 1; i++)
		tui_put(d, 1 + i, 2, bw - 4, lines[i], A_BOLD, false);
	if (o->hint && bh >= 4)
		tui_put(d, bh - 2, 2, bw - 4, o->hint, tui_style(TUI_S_DIM), false);
	touchwin(sh.body);
	delwin(d);
}

void shell_paint(void)
{
	if (sh.small) {
		paint_small();
		return;
	}
	/* stdscr stays blank under our windows (and is what keys are read on). */
	werase(stdscr);
	wnoutrefresh(stdscr);
	werase(sh.top);
	werase(sh.body);
	werase(sh.bottom);
	shell_cursor_reset();
	paint_status();
	if (sh.depth) {
		struct tui_screen *s = &sh.stack[sh.depth - 1];
		s->def->draw(s, sh.body, getmaxy(sh.body), getmaxx(sh.body));
	}
	if (tui_cur_overlay) {
		shell_cursor_reset();
		paint_overlay();
	}
	paint_bottom();
	wnoutrefresh(sh.top);
	wnoutrefresh(sh.bottom);
	wnoutrefresh(sh.body);
	if (sh.cur_w) {
		curs_set(1);
		wmove(sh.cur_w, sh.cur_y, sh.cur_x);
		wnoutrefresh(sh.cur_w);
	} else {
		curs_set(0);
	}
	doupdate();
}

/* ---- the stack ---- */

int tui_push(const struct tui_screen_def *def, void *arg)
{
	if (!def || !def->draw || !def->key)
		return -1;
	if (sh.depth >= STACK_MAX) {
		tui_message_key("tui:too_deep");
		sh.msg_err = true;
		return -1;
	}
	struct tui_screen *s = &sh.stack[sh.depth];
	memset(s, 0, sizeof *s);
	s->def = def;
	s->arg = arg;
	struct qerr e = {0};
	if (def->init && def->init(s, &e) != 0) {
		if (!qerr_is_set(&e))
			qerr_set(&e, "err:internal", "%s", def->name ? def->name : "?");
		tui_message_err(&e);
		memset(s, 0, sizeof *s);
		return -1;
	}
	sh.depth++;
	if (def->resize && sh.body)
		def->resize(s, getmaxy(sh.body), getmaxx(sh.body));
	return 0;
}

static void pop(void)
{
	if (sh.depth <= 0)
		return;
	struct tui_screen *s = &sh.stack[--sh.depth];
	if (s->def->free)
		s->def->free(s);
	memset(s, 0, sizeof *s);
}

static void clear_stack(void)
{
	while (sh.depth > 0)
		pop();
}

static void reload_top(void)
{
	if (!sh.depth)
		return;
	struct tui_screen *s = &sh.stack[sh.depth - 1];
	struct qerr e = {0};
	if (s->def->reload && s->def->reload(s, &e) != 0)
		tui_message_err(&e);
}

/* ---- session ---- */

void shell_login(const struct db_user *u)
{
	sh.pending_user = *u;
	sh.pending = P_LOGIN;
}

void shell_logout(void)
{
	sh.pending = P_LOGOUT;
}

static void do_pending(void)
{
	enum pending p = sh.pending;
	sh.pending = P_NONE;
	if (p == P_LOGIN) {
		clear_stack();
		sh.user = sh.pending_user;
		util_wipe(&sh.pending_user, sizeof sh.pending_user);
		sh.actor.user_id = sh.user.id;
		sh.actor.role = sh.user.role;
		sh.logged_in = true;
		sh.last_input = term_ms();
		if (!sh.lang_fixed &&
		    (strcmp(sh.user.lang, "sq") == 0 || strcmp(sh.user.lang, "en") == 0))
			loc_set_lang(sh.user.lang);
		sh.msg[0] = '\0';
		tui_push(&tui_home_screen, NULL);
	} else if (p == P_LOGOUT) {
		clear_stack();
		util_wipe(&sh.user, sizeof sh.user);
		memset(&sh.actor, 0, sizeof sh.actor);
		sh.logged_in = false;
		loc_set_lang(sh.start_lang);
		tui_push(&tui_login_screen, NULL);
		tui_message_key("tui:signed_out");
	}
}

static void switch_lang(void)
{
	const char *nl = strcmp(loc_lang(), "sq") == 0 ? "en" : "sq";
	loc_set_lang(nl);
	char buf[200];
	loc_fmt(buf, sizeof buf, "tui:lang_now",
	        loc_str(strcmp(nl, "en") == 0 ? "loc:name_en" : "loc:name_sq"));
	tui_message(buf);
	if (sh.logged_in) {
		struct qerr e = {0};
		if (db_user_set_lang(sh.db, &sh.actor, nl, &e) != DB_OK)
			tui_message_err(&e);
		else
			util_strlcpy(sh.user.lang, nl, sizeof sh.user.lang);
	} else {
		/* Before login the choice holds for this terminal until someone signs in. */
		util_strlcpy(sh.start_lang, nl, sizeof sh.start_lang);
	}
}

/* ---- idle lock, panic ---- */

static bool is_panic(int k)
{
	for (const struct tui_key *e = builtin_keys; e->key || e->action; e++)
		if (e->action == G_PANIC && shell_key_match(e, k, false))
			return true;
	return false;
}

/* Lock now; false when the session cannot go on (gone or logged out). */
static bool do_lock(void)
{
	sh.locked = true;
	int r = lock_run();
	sh.locked = false;
	sh.last_input = term_ms();
	if (r < 0) {
		sh.gone = true;
		return false;
	}
	if (r > 0) {
		shell_logout();
		return false;
	}
	layout();
	shell_paint();
	return true;
}

int shell_getkey(void)
{
	for (;;) {
		if (sh.gone)
			return TUI_K_GONE;
		if (sh.pending == P_LOGOUT)
			return TUI_K_ABORT;
		int tick = 1000;
		if (sh.logged_in && sh.idle_ms > 0) {
			long long left = sh.last_input + sh.idle_ms - term_ms();
			if (left <= 0) {
				do_lock(); /* on failure the checks above end the wait */
				continue;
			}
			if (left < tick)
				tick = (int)left;
		}
		int k = term_read(tick);
		if (k == TUI_K_GONE) {
			sh.gone = true;
			return k;
		}
		if (k == TUI_K_RESIZE) {
			layout();
			shell_paint();
			continue;
		}
		if (k == TUI_K_NONE) {
			char t[11];
			util_today(t);
			if (strcmp(t, sh.today) != 0) {
				reload_top();
				shell_paint();
			}
			continue;
		}
		sh.last_input = term_ms();
		if (sh.logged_in && is_panic(k)) {
			do_lock();
			continue;
		}
		if (sh.small)
			continue; /* nothing to act on while too small */
		return k;
	}
}

/* ---- dispatch ---- */

static void not_available(void)
{
	tui_message_key("tui:not_available");
}

static void apply(int flags, int idx)
{
	if (flags & TUI_QUIT) {
		sh.quit = true;
		return;
	}
	if (flags & TUI_POP) {
		if (idx >= 1 && idx == sh.depth - 1) {
			pop();
			if (flags & TUI_RELOAD)
				reload_top();
		}
		return;
	}
	if (flags & TUI_RELOAD)
		reload_top();
}

static void builtin(int action)
{
	struct tui_screen *s = sh.depth ? &sh.stack[sh.depth - 1] : NULL;
	switch (action) {
	case G_HELP:
		if (s && s->def != &tui_help_screen)
			tui_push(&tui_help_screen, s);
		break;
	case G_LANG:
		switch_lang();
		break;
	case G_PANIC:
		if (sh.logged_in)
			do_lock();
		break;
	default:
		break;
	}
}

static void dispatch(int k)
{
	if (!sh.depth)
		return;
	int idx = sh.depth - 1;
	struct tui_screen *s = &sh.stack[idx];
	unsigned st = state_of(s);
	bool typing = st & TUI_ST_TYPING;
	sh.msg[0] = '\0';
	sh.msg_err = false;
	for (const struct tui_key *e = builtin_keys; e->key || e->action; e++) {
		if (shell_key_match(e, k, typing)) {
			builtin(e->action);
			return;
		}
	}
	for (int i = 0; sh.logged_in && i < nglobals; i++) {
		if (!(globals[i].roles & TUI_ROLE(sh.actor.role)) ||
		    !shell_key_match(&globals[i].key, k, typing))
			continue;
		if (!needs_ok(globals[i].key.needs, st)) {
			not_available();
			return;
		}
		apply(globals[i].fn(globals[i].key.action, globals[i].arg) & ~TUI_POP, -1);
		return;
	}
	struct tui_ev ev = {k, 0};
	for (const struct tui_key *e = s->def->keys; e && (e->key || e->action); e++) {
		if (e->action > 0 && shell_key_match(e, k, typing)) {
			if (!needs_ok(e->needs, st)) {
				not_available();
				return;
			}
			ev.action = e->action;
			break;
		}
	}
	int flags = s->def->key(s, &ev);
	if (!flags && k == TUI_K_ESC && idx >= 1)
		flags = TUI_POP;
	apply(flags, idx);
}

/* ---- run ---- */

static void pick_lang(const char *lang_override)
{
	const char *l = "sq";
	if (sh.cf && (strcmp(sh.cf->language, "en") == 0 || strcmp(sh.cf->language, "sq") == 0))
		l = sh.cf->language;
	sh.lang_fixed = false;
	if (lang_override &&
	    (strcmp(lang_override, "en") == 0 || strcmp(lang_override, "sq") == 0)) {
		l = lang_override;
		sh.lang_fixed = true;
	}
	util_strlcpy(sh.start_lang, l, sizeof sh.start_lang);
	loc_set_lang(l);
}

static long long idle_ms_of(const struct conf *cf)
{
	const char *env = getenv("QENDRA_IDLE_SECONDS");
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 86400 * 7)
			return (long long)v * 1000;
	}
	return cf ? (long long)cf->idle_lock_minutes * 60000 : 10 * 60000;
}

int tui_run(struct qdb *db, const struct conf *cf, const char *lang_override)
{
	static struct conf defaults;
	bool own_conf = false;
	if (!cf) {
		conf_defaults(&defaults);
		cf = &defaults;
		own_conf = true;
	}
	memset(&sh, 0, sizeof sh);
	sh.db = db;
	sh.cf = cf;
	if (!loc_has("en", "app:name")) {
		struct qerr le = {0};
		loc_init(cf->locale_dir[0] ? cf->locale_dir : NULL, &le);
	}
	pick_lang(lang_override);
	sh.idle_ms = idle_ms_of(cf);

	struct qerr e = {0};
	if (term_start(cf->esc_delay_ms, &e) != 0) {
		char m[512];
		loc_err(&e, m, sizeof m);
		fprintf(stderr, "qendra: %s\n", m);
		if (own_conf)
			conf_free(&defaults);
		return 1;
	}
	layout();
	tui_push(&tui_login_screen, NULL);
	int status = 0;
	while (!sh.quit) {
		if (sh.pending != P_NONE)
			do_pending();
		if (sh.gone) {
			status = 1;
			break;
		}
		shell_paint();
		int k = shell_getkey();
		if (k == TUI_K_GONE) {
			status = 1;
			break;
		}
		if (k == TUI_K_ABORT)
			continue;
		dispatch(k);
	}
	tui_cur_overlay = NULL;
	clear_stack();
	drop_windows();
	term_stop();
	util_set_fatal_hook(NULL);
	util_wipe(&sh.user, sizeof sh.user);
	sh.logged_in = false;
	if (own_conf)
		conf_free(&defaults);
	return status;
}

void shell_when(const char *ts, char *out, size_t outsz)
{
	char today[11], d[11];
	util_today(today);
	if (!ts || strlen(ts) < 16) {
		util_strlcpy(out, ts ? ts : "", outsz);
		return;
	}
	if (strncmp(ts, today, 10) == 0) {
		snprintf(out, outsz, "%.5s", ts + 11);
	} else {
		loc_date(ts, d);
		snprintf(out, outsz, "%s %.5s", d, ts + 11);
	}
}
