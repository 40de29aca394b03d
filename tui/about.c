/*
 * about — "About qendra": version, database schema and journal mode, the
 * configuration files read, the terminal. For the person who looks after
 * the computer, and the first screen registered on the home menu the way
 * every later screen is (TUI_AT_START + tui_register_screen), so that path
 * is exercised from day one. Shows nothing about people.
 */
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "locale/loc.h"

#define ABOUT_ROWS 16

struct about {
	struct tui_list list;
	int n;
	const char *key[ABOUT_ROWS]; /* label key, NULL = a section title row */
	char value[ABOUT_ROWS][300];
};

static const struct tui_key about_keys[] = {
    {TUI_K_ESC, 'q', "keys:back", "help:k_back", 1, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_col about_cols[] = {
    {NULL, 26, TUI_LEFT},
    {NULL, 0, TUI_LEFT},
};

static void add(struct about *a, const char *key, const char *value)
{
	if (a->n >= ABOUT_ROWS)
		return;
	a->key[a->n] = key;
	util_strlcpy(a->value[a->n], value ? value : "", sizeof a->value[a->n]);
	a->n++;
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct about *a = ctx;
	if (row < 0 || row >= a->n)
		return;
	if (col == 0)
		util_strlcpy(buf, loc_str(a->key[row]), n);
	else
		util_strlcpy(buf, a->value[row], n);
}

static int about_init(struct tui_screen *s, struct qerr *err)
{
	(void)err;
	struct about *a = xcalloc(1, sizeof *a);
	const struct conf *cf = tui_conf();
	char buf[300];
	add(a, "tui:about_version", QENDRA_VERSION);
	add(a, "tui:about_centre", cf ? cf->centre_name : "");
	snprintf(buf, sizeof buf, "%d", db_schema_version(tui_db()));
	add(a, "tui:about_schema", buf);
	add(a, "tui:about_journal", db_journal_mode(tui_db()));
	for (int i = 0; cf && i < cf->n_loaded && i < 3; i++)
		add(a, "tui:about_config", cf->loaded_from[i]);
	if (!cf || cf->n_loaded == 0)
		add(a, "tui:about_config", loc_str("tui:about_defaults"));
	const char *term = getenv("TERM");
	snprintf(buf, sizeof buf, "%s, %d×%d", term ? term : "?", COLS, LINES);
	add(a, "tui:about_terminal", buf);
	tui_list_init(&a->list, about_cols, 2, a, cell);
	tui_list_set_count(&a->list, a->n);
	s->priv = a;
	return 0;
}

static void about_free(struct tui_screen *s)
{
	free(s->priv);
	s->priv = NULL;
}

static void about_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct about *a = s->priv;
	tui_put(w, 1, 2, cols - 4, loc_str("tui:about_title"), tui_style(TUI_S_TITLE), false);
	tui_list_draw(&a->list, w, 3, 1, rows - 3, cols - 2, true);
}

static int about_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct about *a = s->priv;
	if (ev->action == 1)
		return TUI_POP;
	return tui_list_key(&a->list, ev->key);
}

static const struct tui_screen_def about_screen = {
    .name = "about",
    .title_key = "tui:about_title",
    .keys = about_keys,
    .init = about_init,
    .free = about_free,
    .draw = about_draw,
    .key = about_key,
};

TUI_AT_START(about_register)
{
	tui_register_screen(&about_screen, TUI_ROLES_ALL, "tui:about_menu", 'a');
}
