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

#define STACK_MAX   16
#define MENU_MAX    32
#define GLOBAL_MAX  16
#define BUILTIN_MAX 8

enum { G_HELP = 1, G_LANG, G_PANIC };

/* Keys of the shell itself, on every screen, as built in. Panic only after
 * login. The first entry of each action carries the key-bar label. */
static const struct tui_key builtin_defaults[] = {
    {TUI_FKEY(1), '?', "keys:help", "help:k_help", G_HELP, 0},
    {TUI_ALT('h'), 0, NULL, "help:k_help", G_HELP, 0},
    {TUI_FKEY(9), TUI_ALT('l'), "keys:lang", "help:k_lang", G_LANG, 0},
    {TUI_FKEY(12), TUI_CTRL('\\'), "keys:hide", "help:k_hide", G_PANIC, 0},
    {TUI_ALT('x'), 0, NULL, "help:k_hide", G_PANIC, 0},
    {0, 0, NULL, NULL, 0, 0},
};

/* The shell's actions by their name in the configuration (keys.*). */
static const struct {
	const char *conf_name;
	int action;
	const char *label_key, *help_key;
} builtin_actions[] = {
    {"help", G_HELP, "keys:help", "help:k_help"},
    {"language", G_LANG, "keys:lang", "help:k_lang"},
    {"hide", G_PANIC, "keys:hide", "help:k_hide"},
};

/* The keys in use: the built-in ones until tui_run applies the
 * configuration (registrations made before main check against these). */
static struct tui_key builtin_keys[BUILTIN_MAX] = {
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
	struct tui_key key; /* in use (keys from the configuration, see apply_conf_keys) */
	struct tui_key reg; /* as registered */
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

/* Is the signed-in user's role among a key's TUI_NEED_ROLES (none = all)? */
static bool role_ok(unsigned needs)
{
	unsigned roles = needs >> TUI_NEED_ROLE_SHIFT;
	return !roles || (sh.logged_in && (roles & TUI_ROLE(sh.actor.role)));
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

bool shell_key_for_role(const struct tui_key *k)
{
	return role_ok(k->needs);
}

const struct tui_key *shell_builtin_keys(void)
{
	return builtin_keys;
}

/* The first (labelled) entry of a shell action. */
static const struct tui_key *builtin_first(int action)
{
	for (const struct tui_key *e = builtin_keys; e->key || e->action; e++)
		if (e->action == action)
			return e;
	return NULL;
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
		*allowed = sh.logged_in && (globals[i].roles & TUI_ROLE(sh.actor.role)) &&
		           role_ok(globals[i].key.needs);
	return &globals[i].key;
}

/*
 * The order of the home menu follows a centre's day rather than the order
 * in which files happen to register (link order): the front door first,
 * then care, then the overviews; screens not named here come after these,
 * in registration order, and "about" last.
 */
static const char *const menu_order[] = {
    "families",     "desk_visits", "desk_waiting", "schedule", "roll_today", "classes",
    "roll_missing", "dropout",     "activities",   "reports",  NULL,
};

static int menu_rank(const struct tui_screen_def *def)
{
	if (def->name && strcmp(def->name, "about") == 0)
		return 1000;
	for (int i = 0; menu_order[i]; i++)
		if (def->name && strcmp(def->name, menu_order[i]) == 0)
			return i;
	return 500;
}

int shell_menu(struct shell_menu *out, int max)
{
	int n = 0;
	for (int i = 0; i < nmenu && n < max; i++) {
		if (!sh.logged_in || !(menu[i].roles & TUI_ROLE(sh.actor.role)))
			continue;
		/* insertion by rank; equal ranks keep registration order */
		int r = menu_rank(menu[i].def), j = n;
		while (j > 0 && menu_rank(out[j - 1].def) > r) {
			out[j] = out[j - 1];
			j--;
		}
		out[j].def = menu[i].def;
		out[j].label_key = menu[i].label_key;
		out[j].hotkey = menu[i].hotkey;
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
	globals[nglobals].reg = *key;
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

/* Columns a key-bar item takes, without the gap after it. */
static int bar_width(int key, const char *label_key)
{
	char name[40];
	tui_key_name(key, name, sizeof name);
	return tui_text_width(name) + 1 + tui_text_width(loc_str(label_key));
}

/* One key-bar item: the key's name in the key style, then the label. Only
 * when it fits in the columns before `cols`; returns the next x, or -1. */
static int bar_item(WINDOW *w, int x, int cols, int key, const char *label_key)
{
	char name[40], label[120];
	tui_key_name(key, name, sizeof name);
	util_strlcpy(label, loc_str(label_key), sizeof label);
	int need = tui_text_width(name) + 1 + tui_text_width(label);
	if (x < 0 || x + need > cols)
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

/*
 * Help first, then the screen's keys, back, the global keys, and last the
 * language and hide keys. Help, language and hide always show: their room
 * is kept first, and the items between them are dropped from the end when
 * the line is full.
 */
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
	const struct tui_key *help = builtin_first(G_HELP), *lang = builtin_first(G_LANG),
	                     *hide = sh.logged_in ? builtin_first(G_PANIC) : NULL;
	int reserve = 0; /* columns kept at the end for language and hide */
	if (lang)
		reserve += 2 + bar_width(shown_key(lang, typing), lang->label_key);
	if (hide)
		reserve += 2 + bar_width(shown_key(hide, typing), hide->label_key);
	int x = 0, next;
	if (help && (next = bar_item(w, x, cols, shown_key(help, typing), help->label_key)) >= 0)
		x = next;
	/* The middle: each item must leave the reserved room after it. */
	int limit = cols - reserve;
	bool full = false, has_esc = false;
	for (const struct tui_key *e = s && s->def->keys ? s->def->keys : NULL;
	     e && (e->key || e->action); e++) {
		if (e->key == TUI_K_ESC || e->alt_key == TUI_K_ESC)
			has_esc = true;
		if (full || !e->label_key || !needs_ok(e->needs, st) || !role_ok(e->needs))
			continue;
		if ((next = bar_item(w, x, limit, shown_key(e, typing), e->label_key)) < 0)
			full = true;
		else
			x = next;
	}
	if (!has_esc && sh.depth > 1 && !full) {
		if ((next = bar_item(w, x, limit, TUI_K_ESC, "keys:back")) < 0)
			full = true;
		else
			x = next;
	}
	for (int i = 0; sh.logged_in && i < nglobals && !full; i++) {
		const struct tui_key *g = &globals[i].key;
		if (!g->label_key || !(globals[i].roles & TUI_ROLE(sh.actor.role)) ||
		    !needs_ok(g->needs, st) || !role_ok(g->needs))
			continue;
		if ((next = bar_item(w, x, limit, shown_key(g, typing), g->label_key)) < 0)
			full = true;
		else
			x = next;
	}
	if (lang && (next = bar_item(w, x, cols, shown_key(lang, typing), lang->label_key)) >= 0)
		x = next;
	if (hide)
		bar_item(w, x, cols, shown_key(hide, typing), hide->label_key);
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

int tui_replace(const struct tui_screen_def *def, void *arg)
{
	if (!def || !def->draw || !def->key)
		return -1;
	if (sh.depth <= 0)
		return tui_push(def, arg);
	/*
	 * The new screen opens in the top slot while the old one is kept aside:
	 * a screen may keep pointers to its own slot, so the new one is never
	 * moved after its init. On failure the old one goes back untouched.
	 */
	struct tui_screen *s = &sh.stack[sh.depth - 1];
	struct tui_screen old = *s;
	memset(s, 0, sizeof *s);
	s->def = def;
	s->arg = arg;
	struct qerr e = {0};
	if (def->init && def->init(s, &e) != 0) {
		if (!qerr_is_set(&e))
			qerr_set(&e, "err:internal", "%s", def->name ? def->name : "?");
		*s = old;
		tui_message_err(&e);
		return -1;
	}
	if (old.def->free)
		old.def->free(&old);
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
		if (!role_ok(globals[i].key.needs)) {
			tui_message_key("tui:not_for_role");
			return;
		}
		if (!needs_ok(globals[i].key.needs, st)) {
			not_available();
			return;
		}
		apply(globals[i].fn(globals[i].key.action, globals[i].arg) & ~TUI_POP, -1);
		return;
	}
	struct tui_ev ev = {k, 0};
	/* An entry for other roles is passed over (another entry of the same key
	 * may be this role's); when none is, the key is refused. */
	bool other_role = false;
	for (const struct tui_key *e = s->def->keys; e && (e->key || e->action); e++) {
		if (e->action > 0 && shell_key_match(e, k, typing)) {
			if (!role_ok(e->needs)) {
				other_role = true;
				continue;
			}
			if (!needs_ok(e->needs, st)) {
				not_available();
				return;
			}
			ev.action = e->action;
			break;
		}
	}
	if (!ev.action && other_role) {
		tui_message_key("tui:not_for_role");
		return;
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

/* ---- keys from the configuration (keys.*) ---- */

static int key_of_conf(const struct conf_key *k)
{
	switch (k->kind) {
	case CONF_KEY_FN:
		return TUI_FKEY(k->code);
	case CONF_KEY_ALT:
		return TUI_ALT(k->code);
	case CONF_KEY_CTRL:
		return TUI_CTRL(k->code);
	case CONF_KEY_CHAR:
		return k->code;
	default:
		return 0;
	}
}

/*
 * The name of a global key in the configuration (keys.<name>): the section
 * of its label ("visit:key" -> "visit"), or for a label of the common
 * [keys] section the key after it ("keys:visit" -> "visit"). "" = none.
 */
static void global_name(const struct tui_key *reg, char *out, size_t n)
{
	const char *l = reg->label_key ? reg->label_key : reg->help_key;
	const char *colon = l ? strchr(l, ':') : NULL;
	out[0] = '\0';
	if (!colon)
		return;
	if (colon - l == 4 && strncmp(l, "keys", 4) == 0)
		util_strlcpy(out, colon + 1, n);
	else if ((size_t)(colon - l) < n)
		snprintf(out, n, "%.*s", (int)(colon - l), l);
}

/* The configured keys of a global key, or NULL (keep the registered ones). */
static const struct conf_keys *global_conf(const struct conf *cf, const struct tui_key *reg)
{
	char name[64];
	global_name(reg, name, sizeof name);
	if (!cf || !name[0])
		return NULL;
	for (size_t i = 0; i < sizeof builtin_actions / sizeof builtin_actions[0]; i++)
		if (strcmp(name, builtin_actions[i].conf_name) == 0)
			return NULL;
	const struct conf_keys *ks = conf_keys_for(cf, name);
	return ks && ks->n > 0 ? ks : NULL;
}

/* Rebuild the shell's keys and the global keys from the configuration. */
static void apply_conf_keys(const struct conf *cf)
{
	int n = 0;
	for (size_t a = 0; a < sizeof builtin_actions / sizeof builtin_actions[0]; a++) {
		const struct conf_keys *ks = conf_keys_for(cf, builtin_actions[a].conf_name);
		if (!ks || ks->n <= 0) {
			/* none configured (a conf not made by conf_defaults): the built-in */
			for (const struct tui_key *e = builtin_defaults; e->key || e->action; e++)
				if (e->action == builtin_actions[a].action && n < BUILTIN_MAX - 1)
					builtin_keys[n++] = *e;
			continue;
		}
		for (int i = 0; i < ks->n && n < BUILTIN_MAX - 1; i += 2) {
			builtin_keys[n++] =
			    (struct tui_key){key_of_conf(&ks->k[i]),
			                     i + 1 < ks->n ? key_of_conf(&ks->k[i + 1]) : 0,
			                     i == 0 ? builtin_actions[a].label_key : NULL,
			                     builtin_actions[a].help_key,
			                     builtin_actions[a].action,
			                     0};
		}
	}
	builtin_keys[n] = (struct tui_key){0, 0, NULL, NULL, 0, 0};
	for (int i = 0; i < nglobals; i++) {
		globals[i].key = globals[i].reg;
		const struct conf_keys *ks = global_conf(cf, &globals[i].reg);
		if (ks) {
			globals[i].key.key = key_of_conf(&ks->k[0]);
			globals[i].key.alt_key = ks->n > 1 ? key_of_conf(&ks->k[1]) : 0;
		}
	}
}

/* Was k one of the keys of `action` (a built-in action, or global g) before
 * the configuration? Those were checked when the screens were registered. */
static bool built_in_key(int action, int g, int k)
{
	if (g >= 0)
		return k && (k == globals[g].reg.key || k == globals[g].reg.alt_key);
	for (const struct tui_key *e = builtin_defaults; e->key || e->action; e++)
		if (e->action == action && k && (k == e->key || k == e->alt_key))
			return true;
	return false;
}

/* "Screen · what the key does" into out; true. */
static bool describe(const struct tui_screen_def *def, const struct tui_key *e, char *out, size_t n)
{
	const char *what = e->help_key ? e->help_key : e->label_key;
	snprintf(out, n, "%s%s%s", def && def->title_key ? loc_str(def->title_key) : "",
	         def && def->title_key && what ? " · " : "", what ? loc_str(what) : "");
	return true;
}

/* Does a key table use k? Writes who uses it into out. */
static bool table_uses(const struct tui_screen_def *def, const struct tui_key *t, int k, char *out,
                       size_t n)
{
	for (const struct tui_key *e = t; e && (e->key || e->action); e++)
		if (shell_key_match(e, k, false))
			return describe(def, e, out, n);
	return false;
}

/* Who else uses key k (the key of built-in action `action` or of global
 * `self`): the other shell keys, the global keys, the built-in screens and
 * the screens of the home menu with their hotkeys. */
static bool key_used(int k, int action, int self, char *out, size_t n)
{
	for (const struct tui_key *e = builtin_keys; e->key || e->action; e++)
		if (e->action != action && shell_key_match(e, k, false))
			return describe(NULL, e, out, n);
	for (int i = 0; i < nglobals; i++)
		if (i != self && shell_key_match(&globals[i].key, k, false))
			return describe(NULL, &globals[i].key, out, n);
	const struct tui_screen_def *own[] = {&tui_home_screen, &tui_login_screen,
	                                      &tui_help_screen};
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (table_uses(own[i], own[i]->keys, k, out, n))
			return true;
	for (int i = 0; i < nmenu; i++) {
		if (table_uses(menu[i].def, menu[i].def->keys, k, out, n))
			return true;
		if (menu[i].hotkey && one_match(menu[i].hotkey, k, false)) {
			snprintf(out, n, "%s · %s", loc_str("home:menu"),
			         loc_str(menu[i].label_key));
			return true;
		}
	}
	/* The locked screen signs out with F10 / Alt-Q. */
	if (k == TUI_FKEY(10) || one_match(TUI_ALT('q'), k, false)) {
		snprintf(out, n, "%s", loc_str("lock:hint"));
		return true;
	}
	return false;
}

/*
 * A key set in the configuration that a screen already uses would take that
 * key away from it without a word: refuse to start instead, saying which.
 * Only keys that differ from the built-in ones are checked. 0, or -1 with
 * the message in msg.
 */
static int check_conf_keys(const struct conf *cf, char *msg, size_t n)
{
	char who[300], kn[40];
	for (size_t a = 0; a < sizeof builtin_actions / sizeof builtin_actions[0]; a++) {
		const struct conf_keys *ks = conf_keys_for(cf, builtin_actions[a].conf_name);
		for (int i = 0; ks && i < ks->n; i++) {
			int k = key_of_conf(&ks->k[i]);
			if (built_in_key(builtin_actions[a].action, -1, k) ||
			    !key_used(k, builtin_actions[a].action, -1, who, sizeof who))
				continue;
			tui_key_name(k, kn, sizeof kn);
			loc_fmt(msg, n, "tui:key_conflict", kn, builtin_actions[a].conf_name, who);
			return -1;
		}
	}
	for (int g = 0; g < nglobals; g++) {
		const struct conf_keys *ks = global_conf(cf, &globals[g].reg);
		for (int i = 0; ks && i < ks->n && i < 2; i++) {
			int k = key_of_conf(&ks->k[i]);
			if (built_in_key(0, g, k) || !key_used(k, 0, g, who, sizeof who))
				continue;
			char name[64];
			global_name(&globals[g].reg, name, sizeof name);
			tui_key_name(k, kn, sizeof kn);
			loc_fmt(msg, n, "tui:key_conflict", kn, name, who);
			return -1;
		}
	}
	return 0;
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
	apply_conf_keys(cf);
	char kmsg[600];
	if (check_conf_keys(cf, kmsg, sizeof kmsg) != 0) {
		fprintf(stderr, "qendra: %s\n", kmsg);
		apply_conf_keys(NULL);
		if (own_conf)
			conf_free(&defaults);
		return 1;
	}

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
