/*
 * lock — the locked screen, for the idle lock and the panic key alike.
 *
 * It shows nothing but the program's name and "Press Enter": someone who
 * walks up to the desk learns nothing, not even whose session it is. After
 * Enter it asks for the signed-in user's password (db_verify_password, so
 * wrong passwords count toward the account lockout like at login). Esc
 * hides the prompt again, and the prompt hides itself after a minute
 * without keys. F10 / Alt-Q signs out instead (unsaved work on the screens
 * is dropped: the password is the only way back to it).
 *
 * It runs its own small loop on term_read, drawing on stdscr, so it works
 * the same from the main loop and from inside a dialog.
 */
#include "tui/tuii.h"

#include <stdio.h>
#include <string.h>

#include "locale/loc.h"

#define PROMPT_TIMEOUT_MS 60000

struct lock {
	bool asking;
	struct tui_field f[1];
	struct tui_form fm;
	char msg[400];
	bool msg_err;
};

static void centre(int y, const char *text, attr_t a)
{
	int w = tui_text_width(text);
	int x = COLS > w ? (COLS - w) / 2 : 0;
	tui_put(stdscr, y, x, COLS - x, text, a, false);
}

static void paint(struct lock *lk)
{
	werase(stdscr);
	shell_cursor_reset();
	int y = LINES / 2 - (lk->asking ? 4 : 1);
	if (y < 0)
		y = 0;
	centre(y, loc_str("app:name"), A_BOLD);
	if (!lk->asking) {
		centre(y + 2, loc_str("lock:press_enter"), A_NORMAL);
	} else {
		const struct db_user *u = tui_user();
		char line[300];
		loc_fmt(line, sizeof line, "lock:prompt", u ? u->username : "");
		centre(y + 2, line, A_NORMAL);
		int fx = COLS > 50 ? (COLS - 50) / 2 : 0;
		tui_form_draw(&lk->fm, stdscr, y + 4, fx, 0, COLS - fx, true);
		if (lk->msg[0]) {
			char m[420];
			snprintf(m, sizeof m, "%s%s", lk->msg_err ? "! " : "", lk->msg);
			centre(y + 6, m, lk->msg_err ? tui_style(TUI_S_ERROR) : A_NORMAL);
		}
		centre(y + 8, loc_str("lock:hint"), tui_style(TUI_S_DIM));
	}
	WINDOW *cw;
	int cy, cx;
	if (lk->asking && shell_cursor_get(&cw, &cy, &cx)) {
		curs_set(1);
		wmove(stdscr, cy, cx);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void stop_asking(struct lock *lk)
{
	lk->asking = false;
	tui_form_set(&lk->fm, 0, "");
	lk->msg[0] = '\0';
}

/* 0 when the password was right, -1 to stay locked (message set). */
static int try_unlock(struct lock *lk)
{
	char pw[300];
	tui_form_get(&lk->fm, 0, pw, sizeof pw);
	tui_form_set(&lk->fm, 0, "");
	if (!pw[0])
		return -1;
	util_strlcpy(lk->msg, loc_str("login:checking"), sizeof lk->msg);
	lk->msg_err = false;
	paint(lk);
	const struct db_user *u = tui_user();
	struct qerr e = {0};
	int rc = u ? db_verify_password(tui_db(), u->id, pw, &e) : DB_BADLOGIN;
	util_wipe(pw, sizeof pw);
	lk->msg_err = true;
	if (rc == DB_OK) {
		lk->msg[0] = '\0';
		return 0;
	}
	if (rc == DB_LOCKED) {
		char when[40];
		shell_when(e.detail, when, sizeof when);
		loc_fmt(lk->msg, sizeof lk->msg, "lock:locked", when);
	} else if (rc == DB_BADLOGIN) {
		util_strlcpy(lk->msg, loc_str("lock:wrong"), sizeof lk->msg);
	} else {
		loc_err(&e, lk->msg, sizeof lk->msg);
	}
	return -1;
}

int lock_run(void)
{
	struct lock lk;
	memset(&lk, 0, sizeof lk);
	lk.f[0].label_key = "lock:password";
	lk.f[0].kind = TUI_FIELD_MASKED;
	lk.f[0].maxlen = 256;
	lk.f[0].width = 24;
	tui_form_init(&lk.fm, lk.f, 1);
	int result = 0;
	long long last = term_ms();
	for (;;) {
		paint(&lk);
		int k = term_read(1000);
		if (k == TUI_K_GONE) {
			result = -1;
			break;
		}
		if (k == TUI_K_RESIZE)
			continue;
		if (k == TUI_K_NONE) {
			if (lk.asking && term_ms() - last > PROMPT_TIMEOUT_MS)
				stop_asking(&lk);
			continue;
		}
		last = term_ms();
		if (!lk.asking) {
			if (k == TUI_K_ENTER)
				lk.asking = true;
			continue;
		}
		if (k == TUI_K_ESC) {
			stop_asking(&lk);
			continue;
		}
		if (k == TUI_FKEY(10) || k == TUI_ALT('q') || k == TUI_ALT('Q')) {
			result = 1;
			break;
		}
		if (tui_form_key(&lk.fm, k) == TUI_FORM_SUBMIT && try_unlock(&lk) == 0) {
			result = 0;
			break;
		}
	}
	tui_form_free(&lk.fm);
	util_wipe(&lk, sizeof lk);
	werase(stdscr);
	wnoutrefresh(stdscr);
	return result;
}
