/*
 * login — the first screen: user name, password (masked), and one message
 * line. A wrong name and a wrong password get the same message, so the
 * screen never tells whether an account exists; a locked account is told
 * the time it opens again. The password is wiped from memory as soon as
 * db_login has checked it, right or wrong; the user name stays for the
 * next try.
 */
#include "tui/tuii.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "locale/loc.h"

enum { F_USER, F_PASS, NFIELDS };
enum { A_QUIT = 1 };

struct login {
	struct tui_field f[NFIELDS];
	struct tui_form fm;
	char msg[400];
	bool msg_err;
};

static const struct tui_key login_keys[] = {
    {TUI_K_ENTER, 0, "keys:signin", "login:k_enter", 0, 0},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "login:k_tab", 0, 0},
    {TUI_FKEY(10), TUI_ALT('q'), "keys:close", "login:k_quit", A_QUIT, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static int login_init(struct tui_screen *s, struct qerr *err)
{
	(void)err;
	struct login *l = xcalloc(1, sizeof *l);
	l->f[F_USER].label_key = "login:user";
	l->f[F_USER].kind = TUI_FIELD_TEXT;
	l->f[F_USER].maxlen = 32;
	l->f[F_USER].width = 24;
	l->f[F_PASS].label_key = "login:password";
	l->f[F_PASS].kind = TUI_FIELD_MASKED;
	l->f[F_PASS].maxlen = 256;
	l->f[F_PASS].width = 24;
	tui_form_init(&l->fm, l->f, NFIELDS);
	l->fm.spacing = 2;
	s->priv = l;
	return 0;
}

static void login_free(struct tui_screen *s)
{
	struct login *l = s->priv;
	if (!l)
		return;
	tui_form_free(&l->fm);
	util_wipe(l, sizeof *l);
	free(l);
	s->priv = NULL;
}

static void centre(WINDOW *w, int y, int cols, const char *text, attr_t a)
{
	int tw = tui_text_width(text);
	int x = cols > tw ? (cols - tw) / 2 : 0;
	tui_put(w, y, x, cols - x, text, a, false);
}

static void login_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct login *l = s->priv;
	const struct conf *cf = tui_conf();
	int y = rows > 17 ? (rows - 16) / 2 : 0;
	centre(w, y, cols, loc_str("app:name"), tui_style(TUI_S_TITLE));
	centre(w, y + 1, cols,
	       cf && cf->centre_name[0] ? cf->centre_name : loc_str("app:full_name"), A_NORMAL);
	centre(w, y + 3, cols, loc_str("login:title"), A_BOLD);
	int bx = cols > 52 ? (cols - 52) / 2 : 0;
	tui_form_draw(&l->fm, w, y + 5, bx, 0, cols - bx, true);
	if (l->msg[0]) {
		char m[420];
		snprintf(m, sizeof m, "%s%s", l->msg_err ? "! " : "", l->msg);
		centre(w, y + 10, cols, m, l->msg_err ? tui_style(TUI_S_ERROR) : A_NORMAL);
	}
	centre(w, y + 12, cols, loc_str("login:hint"), tui_style(TUI_S_DIM));
}

/* User names are lower-case ASCII; forgive capitals and stray blanks. */
static void tidy_user(char *u)
{
	char *p = u, *o = u;
	while (*p == ' ')
		p++;
	for (; *p; p++)
		*o++ = (char)tolower((unsigned char)*p);
	*o = '\0';
	while (o > u && o[-1] == ' ')
		*--o = '\0';
}

static void attempt(struct login *l)
{
	char user[64], pw[300];
	tui_form_get(&l->fm, F_USER, user, sizeof user);
	tui_form_get(&l->fm, F_PASS, pw, sizeof pw);
	tidy_user(user);
	tui_form_clear_errors(&l->fm);
	l->msg[0] = '\0';
	struct qerr e = {0};
	if (!user[0] || !pw[0]) {
		int f = !user[0] ? F_USER : F_PASS;
		qerr_set(&e, "form:required", NULL);
		tui_form_set_error(&l->fm, f, &e);
		tui_form_focus(&l->fm, f);
		util_wipe(pw, sizeof pw);
		return;
	}
	tui_busy("login:checking");
	struct db_user u;
	int rc = db_login(tui_db(), user, pw, &u, &e);
	util_wipe(pw, sizeof pw);
	tui_form_set(&l->fm, F_PASS, "");
	tui_message("");
	if (rc == DB_OK) {
		shell_login(&u);
		util_wipe(&u, sizeof u);
		return;
	}
	l->msg_err = true;
	if (rc == DB_BADLOGIN) {
		util_strlcpy(l->msg, loc_str("login:bad"), sizeof l->msg);
	} else if (rc == DB_LOCKED) {
		char when[40];
		shell_when(e.detail, when, sizeof when);
		loc_fmt(l->msg, sizeof l->msg, "login:locked", when);
	} else {
		loc_err(&e, l->msg, sizeof l->msg);
	}
	tui_form_focus(&l->fm, F_PASS);
}

static int login_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct login *l = s->priv;
	if (ev->action == A_QUIT)
		return TUI_QUIT;
	if (ev->key == TUI_K_ESC) {
		l->msg[0] = '\0';
		return TUI_HANDLED;
	}
	switch (tui_form_key(&l->fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		attempt(l);
		return TUI_REDRAW;
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return 0;
	}
}

static unsigned login_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING;
}

const struct tui_screen_def tui_login_screen = {
    .name = "login",
    .title_key = "login:title",
    .keys = login_keys,
    .init = login_init,
    .free = login_free,
    .draw = login_draw,
    .key = login_key,
    .state = login_state,
};
