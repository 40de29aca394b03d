/*
 * fam_consent — record a family's consent: the date, who gave it (a member
 * of the family, or someone else by name) and the services it covers, a
 * toggle list of the configured services (Space; Alt-A all or none). The
 * consent in force is shown above the form; a new one takes its place
 * (db_consent_current is the latest not withdrawn). Referrals to services
 * outside the consent are refused by db/ unless a manager overrides.
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

enum { A_SAVE = 1, A_ALL };

static const struct tui_key consent_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "family:k_save_bar", "consent:k_save", A_SAVE, 0},
    {TUI_ALT('a'), 0, "consent:k_all_bar", "consent:k_all", A_ALL, 0},
    {' ', 0, NULL, "consent:k_space", 0, 0},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "consent:k_tab", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

enum { C_DATE, C_BY, C_NAME, C_N };

static const struct fam_fspec consent_spec[C_N] = {
    [C_DATE] = {"consent:f_date", FORM_DATE, 12, 12, true, NULL, 0, 0, 0},
    [C_BY] = {"consent:f_given_by", FAM_CHOICE, 0, 34, true, NULL, 0, 0, 0},
    [C_NAME] = {"consent:f_name", FORM_TEXT, DB_TEXT_LEN, 34, false, NULL, 0, 0, 0},
};

static const struct tui_col service_cols[] = {
    {NULL, 3, TUI_LEFT},
    {"consent:col_service", 0, TUI_LEFT},
};

struct fconsent {
	struct fam_consent_arg *arg;
	struct fam_form F;
	struct tui_choice *by;
	char (*by_val)[24];
	char (*by_lab)[200];
	int nby;
	bool has_current;
	struct db_consent current;
	int ns;
	const struct conf_item *items; /* the configured services */
	bool *on;
	struct tui_list list;
	bool in_list;
	bool touched;
};

static void service_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct fconsent *st = ctx;
	if (row < 0 || row >= st->ns)
		return;
	if (col == 0)
		util_strlcpy(buf, st->on[row] ? "[x]" : "[ ]", n);
	else if (col == 1)
		util_strlcpy(buf, fam_cat(&tui_conf()->services, st->items[row].key), n);
}

static unsigned service_flags(void *ctx, int row)
{
	struct fconsent *st = ctx;
	return row >= 0 && row < st->ns && st->on[row] ? TUI_ROW_MARK : 0;
}

/* The "given by" choice: the members, then "someone else" (value "0"). */
static int load_members(struct fconsent *st, struct qerr *err)
{
	struct db_person *m = NULL;
	int n = 0;
	if (db_person_list_family(tui_db(), tui_actor(), st->arg->family_id, &m, &n, err) != DB_OK)
		return -1;
	st->nby = n + 1;
	st->by = xcalloc((size_t)st->nby, sizeof *st->by);
	st->by_val = xcalloc((size_t)st->nby, sizeof *st->by_val);
	st->by_lab = xcalloc((size_t)st->nby, sizeof *st->by_lab);
	for (int i = 0; i < n; i++) {
		snprintf(st->by_val[i], sizeof st->by_val[0], "%lld", (long long)m[i].id);
		fam_name3(m[i].first_name, NULL, m[i].last_name, st->by_lab[i],
		          sizeof st->by_lab[0]);
		st->by[i] = (struct tui_choice){st->by_val[i], NULL, st->by_lab[i]};
	}
	util_strlcpy(st->by_val[n], "0", sizeof st->by_val[0]);
	st->by[n] = (struct tui_choice){st->by_val[n], "consent:someone_else", NULL};
	st->F.f[C_BY].choices = st->by;
	st->F.f[C_BY].nchoices = st->nby;
	/* the head (listed first) usually gives it */
	fam_form_set(&st->F, C_BY, st->by_val[0]);
	free(m);
	return 0;
}

static int consent_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_consent_arg *a = s->arg;
	const struct conf *cf = tui_conf();
	if (!a || a->family_id <= 0 || !cf) {
		qerr_set(err, "err:internal", "fam_consent arg");
		return -1;
	}
	if (!fam_can_edit()) {
		qerr_set(err, "err:db_denied", NULL);
		return -1;
	}
	struct fconsent *st = xcalloc(1, sizeof *st);
	st->arg = a;
	fam_form_init(&st->F, consent_spec, C_N);
	if (load_members(st, err) != 0) {
		fam_form_free(&st->F);
		free(st);
		return -1;
	}
	struct qerr e = {0};
	st->has_current =
	    db_consent_current(tui_db(), tui_actor(), a->family_id, &st->current, &e) == DB_OK;
	char today[11], d[11];
	util_today(today);
	fam_date(today, d);
	fam_form_set(&st->F, C_DATE, d);
	fam_form_snapshot(&st->F);
	st->ns = cf->services.n;
	st->items = cf->services.items;
	st->on = xcalloc((size_t)(st->ns ? st->ns : 1), sizeof *st->on);
	/* start from what the consent in force covers */
	for (int i = 0; st->has_current && i < st->ns; i++)
		st->on[i] = db_consent_covers(&st->current, st->items[i].key);
	tui_list_init(&st->list, service_cols, 2, st, service_cell);
	st->list.row_flags = service_flags;
	tui_list_set_count(&st->list, st->ns);
	tui_list_select(&st->list, 0);
	s->priv = st;
	return 0;
}

static void consent_free(struct tui_screen *s)
{
	struct fconsent *st = s->priv;
	if (!st)
		return;
	fam_form_free(&st->F);
	free(st->by);
	free(st->by_val);
	free(st->by_lab);
	free(st->on);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

/* "Health, Education" from a scope of service keys. */
static void scope_text(const char *scope, char *out, size_t n)
{
	out[0] = '\0';
	size_t len = 0;
	const char *p = scope;
	while (*p && len + 1 < n) {
		char key[DB_KEY_SZ];
		size_t k = 0;
		while (*p && *p != ' ' && k + 1 < sizeof key)
			key[k++] = *p++;
		key[k] = '\0';
		while (*p == ' ')
			p++;
		snprintf(out + len, n - len, "%s%s", len ? ", " : "",
		         fam_cat(&tui_conf()->services, key));
		len = strlen(out);
	}
}

static void consent_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fconsent *st = s->priv;
	char line[900], scope[600], d[11];
	loc_fmt(line, sizeof line, "consent:title", st->arg->code);
	if (st->arg->flow) {
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, "  %s",
		         loc_str("family:flow_step_consent"));
	}
	tui_put(w, 0, 1, cols - 2, line, tui_style(TUI_S_TITLE), false);
	if (st->has_current) {
		fam_date(st->current.given_on, d);
		scope_text(st->current.scope, scope, sizeof scope);
		loc_fmt(line, sizeof line, "consent:current", d, st->current.given_by_name, scope);
		tui_put(w, 1, 1, cols - 2, line, A_NORMAL, false);
	} else {
		tui_put(w, 1, 1, cols - 2, loc_str("consent:none"), tui_style(TUI_S_DIM), false);
	}
	fam_form_draw(&st->F, w, 3, 1, cols - 2, rows - 1, !st->in_list);
	tui_put(w, 4 + C_N, 1, cols - 2, loc_str("consent:services"), A_BOLD, false);
	tui_list_draw(&st->list, w, 5 + C_N, 1, rows - 6 - C_N, cols - 2, st->in_list);
}

static int save(struct fconsent *st)
{
	int bad = fam_form_validate(&st->F, false);
	int64_t pid = strtoll(fam_form_norm(&st->F, C_BY), NULL, 10);
	const char *name = fam_form_norm(&st->F, C_NAME);
	if (!bad && pid == 0 && !name[0]) {
		fam_form_error(&st->F, C_NAME, "err:consent_given_by", NULL);
		tui_form_focus(&st->F.fm, C_NAME);
		bad++;
	}
	if (bad) {
		st->in_list = false;
		fam_form_not_saved(bad);
		return TUI_REDRAW;
	}
	struct sbuf scope = {0};
	for (int i = 0; i < st->ns; i++) {
		if (!st->on[i])
			continue;
		if (scope.len)
			sbuf_add(&scope, " ");
		sbuf_add(&scope, st->items[i].key);
	}
	if (!scope.len) {
		sbuf_free(&scope);
		st->in_list = true;
		tui_message_key("consent:scope_none");
		return TUI_REDRAW;
	}
	int64_t id = 0;
	struct qerr e = {0};
	int rc =
	    db_consent_add(tui_db(), tui_actor(), st->arg->family_id, fam_form_norm(&st->F, C_DATE),
	                   pid, pid ? NULL : name, scope.s, &id, &e);
	sbuf_free(&scope);
	if (rc == DB_OK) {
		st->arg->saved = true;
		tui_message_key("consent:saved");
		return TUI_POP | TUI_RELOAD;
	}
	if (strcmp(e.key, "err:consent_given_by") == 0)
		tui_form_set_error(&st->F.fm, C_NAME, &e);
	else if (strcmp(e.key, "err:date_invalid") == 0 || strcmp(e.key, "err:date_future") == 0)
		tui_form_set_error(&st->F.fm, C_DATE, &e);
	tui_message_err(&e);
	return TUI_REDRAW;
}

static int consent_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fconsent *st = s->priv;
	int k = ev->key;
	switch (ev->action) {
	case A_SAVE:
		return save(st);
	case A_ALL: {
		bool all = true;
		for (int i = 0; i < st->ns; i++)
			all = all && st->on[i];
		for (int i = 0; i < st->ns; i++)
			st->on[i] = !all;
		st->touched = true;
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (k == TUI_K_ESC)
		return fam_form_leave(st->touched || fam_form_dirty(&st->F));
	if (st->in_list) {
		int sel = tui_list_selected(&st->list);
		switch (k) {
		case ' ':
		case TUI_K_ENTER:
			if (sel >= 0) {
				st->on[sel] = !st->on[sel];
				st->touched = true;
			}
			return TUI_REDRAW;
		case TUI_K_TAB:
			st->in_list = false;
			tui_form_focus(&st->F.fm, 0);
			return TUI_REDRAW;
		case TUI_K_BTAB:
			st->in_list = false;
			tui_form_focus(&st->F.fm, C_N - 1);
			return TUI_REDRAW;
		case TUI_K_UP:
			if (sel <= 0) {
				st->in_list = false;
				tui_form_focus(&st->F.fm, C_N - 1);
				return TUI_REDRAW;
			}
			break;
		default:
			break;
		}
		return tui_list_key(&st->list, k) | TUI_HANDLED;
	}
	int focus = st->F.fm.focus;
	if (st->ns > 0 &&
	    (((k == TUI_K_TAB || k == TUI_K_DOWN || k == TUI_K_ENTER) && focus == C_N - 1) ||
	     (k == TUI_K_BTAB && focus == 0))) {
		st->in_list = true;
		return TUI_REDRAW;
	}
	tui_form_key(&st->F.fm, k);
	return TUI_HANDLED;
}

static unsigned consent_state(const struct tui_screen *s)
{
	const struct fconsent *st = s->priv;
	return st->in_list ? 0 : TUI_ST_TYPING;
}

const struct tui_screen_def fam_consent_screen = {
    .name = "consent",
    .title_key = "consent:screen",
    .keys = consent_keys,
    .init = consent_init,
    .free = consent_free,
    .draw = consent_draw,
    .key = consent_key,
    .state = consent_state,
};
