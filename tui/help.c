/*
 * help — the key list of the screen below it (F1, ?, Alt-H), generated
 * from the same tables as the key bar: the screen's own keys (marked when
 * not available now), home's menu hotkeys, then the keys that work
 * everywhere (help, language, hide, and every registered global key).
 * Texts are looked up at paint time, so the list follows a language switch.
 */
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

enum { HR_TITLE, HR_KEY, HR_MENU, HR_BACK, HR_NOTE };

struct hrow {
	int kind;
	const struct tui_key *k;  /* HR_KEY */
	const struct tui_key *k2; /* HR_KEY: a second entry with the same text */
	bool avail;
	int hotkey;           /* HR_MENU */
	const char *text_key; /* HR_TITLE, HR_MENU, HR_NOTE */
};

struct help {
	struct tui_screen *below;
	struct hrow *rows;
	int n, cap;
	struct tui_list list;
};

static const struct tui_key help_keys[] = {
    {TUI_K_ESC, 'q', "keys:close", "help:k_close", 1, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {TUI_K_PGUP, TUI_K_PGDN, NULL, "help:k_page", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_col help_cols[] = {
    {NULL, 22, TUI_LEFT},
    {NULL, 0, TUI_LEFT},
};

static struct hrow *add(struct help *h, int kind)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 32;
		h->rows = xrealloc(h->rows, sizeof *h->rows * (size_t)h->cap);
	}
	struct hrow *r = &h->rows[h->n++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	return r;
}

static void add_key(struct help *h, const struct tui_key *k, bool avail)
{
	if (!k->help_key && !k->label_key)
		return;
	/* Entries that do the same thing (F1/? and Alt-H) share a row. */
	if (h->n > 0 && h->rows[h->n - 1].kind == HR_KEY && !h->rows[h->n - 1].k2 && k->help_key &&
	    h->rows[h->n - 1].k->help_key &&
	    strcmp(k->help_key, h->rows[h->n - 1].k->help_key) == 0) {
		h->rows[h->n - 1].k2 = k;
		return;
	}
	struct hrow *r = add(h, HR_KEY);
	r->k = k;
	r->avail = avail;
}

static void keys_text(const struct hrow *r, char *buf, size_t n)
{
	buf[0] = '\0';
	const struct tui_key *ks[2] = {r->k, r->k2};
	for (int i = 0; i < 2 && ks[i]; i++) {
		int kk[2] = {ks[i]->key, ks[i]->alt_key};
		for (int j = 0; j < 2; j++) {
			if (!kk[j])
				continue;
			char name[40];
			tui_key_name(kk[j], name, sizeof name);
			size_t len = strlen(buf);
			snprintf(buf + len, n - len, "%s%s", len ? ", " : "", name);
		}
	}
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct help *h = ctx;
	if (row < 0 || row >= h->n)
		return;
	const struct hrow *r = &h->rows[row];
	switch (r->kind) {
	case HR_TITLE:
		if (col == 0) {
			if (r->text_key && strcmp(r->text_key, "help:title_screen") == 0)
				loc_fmt(buf, n, r->text_key,
				        h->below && h->below->def->title_key
				            ? loc_str(h->below->def->title_key)
				            : "");
			else
				util_strlcpy(buf, loc_str(r->text_key), n);
		}
		break;
	case HR_KEY:
		if (col == 0) {
			keys_text(r, buf, n);
		} else {
			snprintf(buf, n, "%s%s%s",
			         loc_str(r->k->help_key ? r->k->help_key : r->k->label_key),
			         r->avail ? "" : " ", r->avail ? "" : loc_str("help:not_now"));
		}
		break;
	case HR_MENU:
		if (col == 0)
			tui_key_name(r->hotkey, buf, n);
		else
			snprintf(buf, n, "%s", loc_str(r->text_key));
		break;
	case HR_BACK:
		util_strlcpy(buf, col == 0 ? "Esc" : loc_str("help:k_back"), n);
		break;
	case HR_NOTE:
		if (col == 0)
			util_strlcpy(buf, loc_str(r->text_key), n);
		break;
	default:
		break;
	}
}

static unsigned row_flags(void *ctx, int row)
{
	struct help *h = ctx;
	if (row < 0 || row >= h->n)
		return 0;
	switch (h->rows[row].kind) {
	case HR_TITLE:
		return TUI_ROW_HEADER;
	case HR_NOTE:
		return TUI_ROW_INFO;
	default:
		return 0;
	}
}

static void build(struct help *h)
{
	struct tui_screen *b = h->below;
	h->n = 0;
	add(h, HR_TITLE)->text_key = "help:title_screen";
	bool has_esc = false;
	for (const struct tui_key *k = b && b->def->keys ? b->def->keys : NULL;
	     k && (k->key || k->action); k++) {
		if (k->key == TUI_K_ESC || k->alt_key == TUI_K_ESC)
			has_esc = true;
		if (shell_key_for_role(k))
			add_key(h, k, shell_key_ok(b, k));
	}
	if (b && b->def == &tui_home_screen) {
		struct shell_menu m[32];
		int nm = shell_menu(m, 32);
		for (int i = 0; i < nm; i++) {
			struct hrow *r = add(h, HR_MENU);
			r->hotkey = m[i].hotkey;
			r->text_key = m[i].label_key;
		}
	}
	if (!has_esc && b && b->def != &tui_home_screen && b->def != &tui_login_screen)
		add(h, HR_BACK);
	add(h, HR_TITLE)->text_key = "help:title_global";
	bool signed_in = tui_user() != NULL;
	for (const struct tui_key *k = shell_builtin_keys(); k->key || k->action; k++) {
		if (!signed_in && strcmp(k->help_key ? k->help_key : "", "help:k_hide") == 0)
			continue;
		add_key(h, k, true);
	}
	for (int i = 0; i < shell_global_count(); i++) {
		bool allowed = false;
		const struct tui_key *k = shell_global_key(i, &allowed);
		if (k && allowed)
			add_key(h, k, shell_key_ok(b, k));
	}
	add(h, HR_TITLE)->text_key = "help:title_text";
	add(h, HR_NOTE)->text_key = "help:note_alt";
	add(h, HR_NOTE)->text_key = "help:note_case";
	tui_list_set_count(&h->list, h->n);
}

static int help_init(struct tui_screen *s, struct qerr *err)
{
	(void)err;
	struct help *h = xcalloc(1, sizeof *h);
	h->below = s->arg;
	tui_list_init(&h->list, help_cols, 2, h, cell);
	h->list.row_flags = row_flags;
	h->list.searchable = true;
	s->priv = h;
	build(h);
	return 0;
}

static void help_free(struct tui_screen *s)
{
	struct help *h = s->priv;
	if (!h)
		return;
	free(h->rows);
	free(h);
	s->priv = NULL;
}

static void help_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct help *h = s->priv;
	tui_list_draw(&h->list, w, 1, 1, rows - 1, cols - 2, true);
}

static int help_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct help *h = s->priv;
	if (tui_list_typing(&h->list))
		return tui_list_key(&h->list, ev->key);
	if (ev->action == 1)
		return TUI_POP;
	return tui_list_key(&h->list, ev->key);
}

static unsigned help_state(const struct tui_screen *s)
{
	const struct help *h = s->priv;
	return tui_list_typing(&h->list) ? TUI_ST_TYPING : 0;
}

const struct tui_screen_def tui_help_screen = {
    .name = "help",
    .title_key = "help:title",
    .keys = help_keys,
    .init = help_init,
    .free = help_free,
    .draw = help_draw,
    .key = help_key,
    .state = help_state,
};
