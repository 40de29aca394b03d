/*
 * cls_common — what the class, roll, dropout and activity screens share:
 * labels of catalogue values and school statuses, weekday and schedule
 * texts, the dropout rule from the configuration, and two small screens
 * pushed over the others: a question form of up to three fields (a reason,
 * a note, a date and a reason) and a person picker that searches as you
 * type (db_person_search, accent-insensitive) and stays open so several
 * children can be added one after the other.
 */
#include "tui/cls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "forms/form.h"
#include "locale/loc.h"

/* ---- helpers ---- */

const char *cls_cat_label(const struct conf_list *l, const char *key)
{
	static char buf[256];
	const struct conf *cf = tui_conf();
	if (!key || !key[0])
		return "";
	const struct conf_item *it = cf && l ? conf_find(l, key) : NULL;
	const char *lab = it ? conf_item_label(it, loc_lang()) : NULL;
	if (lab && lab[0]) {
		util_strlcpy(buf, lab, sizeof buf);
		return buf;
	}
	const char *list = cf && l ? conf_list_key(cf, l) : NULL;
	if (list) {
		char k[128];
		snprintf(k, sizeof k, "catalog:%s.%s", list, key);
		if (loc_has(loc_lang(), k) || loc_has("en", k)) {
			util_strlcpy(buf, loc_str(k), sizeof buf);
			return buf;
		}
	}
	util_strlcpy(buf, key, sizeof buf);
	return buf;
}

void cls_weekdays_str(unsigned mask, char *out, size_t n)
{
	out[0] = '\0';
	size_t len = 0;
	for (int i = 0; i < 7; i++) {
		if (!(mask & (1u << i)))
			continue;
		char k[32];
		snprintf(k, sizeof k, "date:wday_short_%d", i + 1);
		snprintf(out + len, n - len, "%s%s", len ? " " : "", loc_str(k));
		len = strlen(out);
		if (len + 1 >= n)
			break;
	}
}

void cls_schedule_str(const struct db_class *c, char *out, size_t n)
{
	char days[64], range[16];
	cls_weekdays_str(c->weekdays, days, sizeof days);
	cls_time_range(c->start_min, c->duration_min, range, sizeof range);
	snprintf(out, n, "%s %s", days, range);
}

const char *cls_school_label(const char *status)
{
	static const char *const known[] = {"enrolled", "irregular", "dropped_out",
	                                    "never_enrolled", "not_school_age"};
	for (size_t i = 0; status && i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(status, known[i]) == 0) {
			char k[48];
			snprintf(k, sizeof k, "class:school_%s", known[i]);
			return loc_str(k);
		}
	}
	return status ? status : "";
}

void cls_dropout_rule(struct db_dropout_rule *r)
{
	db_dropout_rule_default(r);
	const struct conf *cf = tui_conf();
	if (!cf)
		return;
	r->absences_in_row = cf->dropout_absences_in_row;
	r->min_rate_percent = cf->dropout_min_rate_percent;
	r->window_weeks = cf->dropout_window_weeks;
	r->min_sessions = cf->dropout_min_sessions;
	r->weight_irregular = cf->dropout_weight_irregular;
	r->weight_dropped_out = cf->dropout_weight_dropped_out;
	r->weight_risk_factor = cf->dropout_weight_risk_factor;
	r->flag_score = cf->dropout_flag_score;
	r->rule_points = CONF_DROPOUT_RULE_POINTS;
}

void cls_name(const char *first, const char *last, char *out, size_t n)
{
	snprintf(out, n, "%s %s", last ? last : "", first ? first : "");
}

void cls_lang_def(struct tui_screen *s, const struct tui_screen_def *en,
                  const struct tui_screen_def *sq)
{
	/* The shell reads s->def for every key and every paint, so pointing it
	 * at the other language's table changes the key bar and the help. */
	s->def = strcmp(loc_lang(), "sq") == 0 ? sq : en;
}

int cls_wrap(const char *text, int cols, char lines[][400], int max)
{
	int n = 0;
	const char *p = text;
	while (*p && n < max) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* Take words while they fit; a single word too long is cut. */
		const char *end = p;
		char line[400] = "";
		for (;;) {
			const char *q = end;
			while (*q == ' ')
				q++;
			const char *wend = q;
			while (*wend && *wend != ' ')
				wend++;
			if (wend == q)
				break;
			char cand[400];
			snprintf(cand, sizeof cand, "%.*s", (int)(wend - p), p);
			if (tui_text_width(cand) > cols) {
				if (end == p) {
					tui_text_fit(cand, cols, line, sizeof line);
					end = wend;
				}
				break;
			}
			util_strlcpy(line, cand, sizeof line);
			end = wend;
		}
		util_strlcpy(lines[n++], line, 400);
		p = end;
	}
	return n;
}

char *cls_form_text(const struct tui_form *fm)
{
	struct sbuf b = {0};
	sbuf_add(&b, "");
	for (int i = 0; i < fm->n; i++) {
		char buf[4096];
		tui_form_get(fm, i, buf, sizeof buf);
		sbuf_add(&b, buf);
		sbuf_add(&b, "\x1f");
	}
	return b.s;
}

bool cls_admin(void)
{
	const struct db_actor *a = tui_actor();
	return a && (a->role == DB_ROLE_MANAGER || a->role == DB_ROLE_REGISTRAR);
}

unsigned cls_list_state(const struct tui_list *l)
{
	unsigned f = 0;
	if (tui_list_typing(l))
		f |= TUI_ST_TYPING;
	if (tui_list_selected(l) >= 0)
		f |= TUI_ST_ROW;
	return f;
}

void cls_register(const struct tui_screen_def *def, unsigned roles, const char *menu_key,
                  int letter)
{
	if (tui_register_screen(def, roles, menu_key, letter) != 0)
		tui_register_screen(def, roles, menu_key, 0);
}

const char *cls_wday_name(const char *iso, bool short_name)
{
	int wd = form_weekday(iso);
	char k[32];
	snprintf(k, sizeof k, short_name ? "date:wday_short_%d" : "date:wday_%d",
	         wd >= 1 && wd <= 7 ? wd : 1);
	return loc_str(k);
}

void cls_time_range(int start_min, int duration_min, char *out, size_t n)
{
	char a[6], b[6];
	form_time_str(start_min, a);
	form_time_str(start_min + duration_min <= 1439 ? start_min + duration_min : 1439, b);
	snprintf(out, n, "%s–%s", a, b);
}

int cls_tab_put(WINDOW *w, int y, int x, int width, const char *text, bool active)
{
	char buf[1024];
	snprintf(buf, sizeof buf, active ? "[ %s ]" : "  %s  ", text);
	return tui_put(w, y, x, width, buf, active ? A_BOLD : tui_style(TUI_S_DIM), false);
}

void cls_field_err(struct tui_form *fm, int i, const struct qerr *e, int *bad)
{
	tui_form_set_error(fm, i, e);
	if ((*bad)++ == 0)
		tui_form_focus(fm, i);
}

bool cls_form_may_leave(const struct tui_form *fm, const char *orig, bool other_changes)
{
	char *now = cls_form_text(fm);
	bool changed = other_changes || !orig || strcmp(now, orig) != 0;
	free(now);
	return !changed || tui_confirm(loc_str("common:unsaved_changes"));
}

void cls_add_users(enum db_role role, struct tui_choice *ch, char (*val)[24],
                   char (*lab)[DB_CARE_NAME_SZ], int *n, int max, bool report)
{
	struct db_user *u = NULL;
	int nu = 0;
	struct qerr e = {0};
	if (db_user_list_role(tui_db(), role, &u, &nu, &e) != DB_OK) {
		if (report)
			tui_message_err(&e);
		return;
	}
	for (int i = 0; i < nu && *n < max; i++) {
		int k = (*n)++;
		snprintf(val[k], sizeof val[k], "%lld", (long long)u[i].id);
		util_strlcpy(lab[k], u[i].full_name, sizeof lab[k]);
		ch[k].value = val[k];
		ch[k].label = lab[k];
	}
	free(u);
}

/* ---- the question form ---- */

enum { ASK_SAVE = 1 };

static const struct tui_key ask_keys[] = {
    {TUI_FKEY(4), 's', "class:k_save", "class:k_save_help", ASK_SAVE, TUI_NEED_WRITE},
    {TUI_K_ENTER, 0, NULL, "class:k_enter_form", 0, 0},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "class:k_fields", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct ask {
	struct cls_ask a;
	struct tui_field f[CLS_ASK_MAX];
	struct tui_form fm;
};

static int ask_init(struct tui_screen *s, struct qerr *err)
{
	(void)err;
	struct ask *st = xcalloc(1, sizeof *st);
	st->a = *(const struct cls_ask *)s->arg;
	if (st->a.n < 1 || st->a.n > CLS_ASK_MAX)
		st->a.n = 1;
	for (int i = 0; i < st->a.n; i++) {
		st->f[i].label_key = st->a.f[i].label_key;
		st->f[i].maxlen = st->a.f[i].maxlen > 0 ? st->a.f[i].maxlen : 120;
		st->f[i].width = st->a.f[i].date ? 12 : 46;
		st->f[i].required = st->a.f[i].required;
	}
	tui_form_init(&st->fm, st->f, st->a.n);
	st->fm.spacing = 2;
	for (int i = 0; i < st->a.n; i++)
		if (st->a.f[i].init[0])
			tui_form_set(&st->fm, i, st->a.f[i].init);
	s->priv = st;
	return 0;
}

static void ask_free(struct tui_screen *s)
{
	struct ask *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st);
	s->priv = NULL;
}

static void ask_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct ask *st = s->priv;
	(void)rows;
	tui_put(w, 1, 2, cols - 4, loc_str(st->a.title_key), tui_style(TUI_S_TITLE), false);
	char lines[2][400];
	int nl = st->a.info[0] ? cls_wrap(st->a.info, cols - 4, lines, 2) : 0;
	for (int i = 0; i < nl; i++)
		tui_put(w, 2 + i, 2, cols - 4, lines[i], A_NORMAL, false);
	tui_form_draw(&st->fm, w, 5, 2, 0, cols - 4, true);
	tui_put(w, 5 + 2 * st->a.n + 1, 2, cols - 4, loc_str("class:ask_hint"),
	        tui_style(TUI_S_DIM), false);
}

static int ask_submit(struct ask *st)
{
	char vals[CLS_ASK_MAX][CLS_ASK_VAL];
	int bad_count = 0;
	tui_form_clear_errors(&st->fm);
	for (int i = 0; i < st->a.n; i++) {
		char raw[CLS_ASK_VAL];
		struct qerr e = {0};
		tui_form_get(&st->fm, i, raw, sizeof raw);
		vals[i][0] = '\0';
		if (st->a.f[i].date) {
			char iso[11];
			if (!st->a.f[i].required && !raw[0])
				continue;
			if (form_date(raw, NULL, iso, &e) == 0)
				util_strlcpy(vals[i], iso, sizeof vals[i]);
		} else {
			char *out = NULL;
			if (form_text(raw, (size_t)st->f[i].maxlen, false, st->a.f[i].required,
			              &out, &e) == 0)
				util_strlcpy(vals[i], out, sizeof vals[i]);
			free(out);
		}
		if (qerr_is_set(&e))
			cls_field_err(&st->fm, i, &e, &bad_count);
	}
	if (bad_count)
		return TUI_REDRAW;
	int bad = -1;
	struct qerr e = {0};
	if (st->a.submit(st->a.ctx, vals, &bad, &e) == 0)
		return TUI_POP | TUI_RELOAD;
	if (bad >= 0 && bad < st->a.n) {
		tui_form_set_error(&st->fm, bad, &e);
		tui_form_focus(&st->fm, bad);
	} else {
		tui_message_err(&e);
	}
	return TUI_REDRAW;
}

static int ask_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct ask *st = s->priv;
	if (ev->action == ASK_SAVE)
		return ask_submit(st);
	if (ev->key == TUI_K_ESC)
		return 0;
	switch (tui_form_key(&st->fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		return ask_submit(st);
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return 0;
	}
}

static unsigned ask_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING;
}

static const struct tui_screen_def ask_screen = {
    .name = "cls_ask",
    .title_key = "class:ask_title",
    .keys = ask_keys,
    .init = ask_init,
    .free = ask_free,
    .draw = ask_draw,
    .key = ask_key,
    .state = ask_state,
};

int cls_ask_open(const struct cls_ask *a)
{
	return tui_push(&ask_screen, (void *)(uintptr_t)a);
}

/* ---- the person picker ---- */

enum { PICK_ONE = 1 };

static const struct tui_key pick_keys[] = {
    {TUI_K_ENTER, 0, "class:k_pick", "class:k_pick_help", PICK_ONE, TUI_NEED_ROW},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

#define PICK_LIMIT 100

struct pick {
	struct cls_pick p;
	struct tui_field f[1];
	struct tui_form fm;
	char query[FORM_SEARCH_MAX * 4 + 1];
	struct db_person_hit *hits;
	int n;
	struct tui_list list;
	bool searched;
	char added[600]; /* names picked so far, for the line under the field */
};

static const struct tui_col pick_cols[] = {
    {"class:col_name", 0, TUI_LEFT},
    {"class:col_born", 10, TUI_LEFT},
    {"class:col_family", 13, TUI_LEFT},
};

static void pick_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct pick *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct db_person_hit *h = &st->hits[row];
	switch (col) {
	case 0:
		if (h->father_name[0])
			snprintf(buf, n, "%s %s (%s)", h->last_name, h->first_name, h->father_name);
		else
			cls_name(h->first_name, h->last_name, buf, n);
		break;
	case 1:
		if (h->birth_date[0])
			loc_date(h->birth_date, buf);
		else if (h->birth_year > 0)
			snprintf(buf, n, "%d", h->birth_year);
		break;
	case 2:
		util_strlcpy(buf, h->family_code, n);
		break;
	default:
		break;
	}
}

static void pick_search(struct pick *st)
{
	char raw[sizeof st->query], q[sizeof st->query];
	tui_form_get(&st->fm, 0, raw, sizeof raw);
	form_search_clean(raw, q, sizeof q);
	if (strcmp(q, st->query) == 0 && st->searched)
		return;
	util_strlcpy(st->query, q, sizeof st->query);
	free(st->hits);
	st->hits = NULL;
	st->n = 0;
	st->searched = q[0] != '\0';
	if (q[0]) {
		struct qerr e = {0};
		if (db_person_search(tui_db(), tui_actor(), q, PICK_LIMIT, 0, &st->hits, &st->n,
		                     &e) != DB_OK)
			tui_message_err(&e);
	}
	st->list.sel = -1;
	st->list.top = 0;
	tui_list_set_count(&st->list, st->n);
}

static int pick_init(struct tui_screen *s, struct qerr *err)
{
	(void)err;
	struct pick *st = xcalloc(1, sizeof *st);
	st->p = *(const struct cls_pick *)s->arg;
	st->f[0].label_key = "class:search";
	st->f[0].maxlen = FORM_SEARCH_MAX;
	st->f[0].width = 40;
	tui_form_init(&st->fm, st->f, 1);
	tui_list_init(&st->list, pick_cols, 3, st, pick_cell);
	st->list.show_titles = true;
	s->priv = st;
	return 0;
}

static void pick_free(struct tui_screen *s)
{
	struct pick *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st->hits);
	free(st);
	s->priv = NULL;
}

static void pick_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct pick *st = s->priv;
	tui_put(w, 0, 1, cols - 2, loc_str(st->p.title_key), tui_style(TUI_S_TITLE), false);
	if (st->p.info[0])
		tui_put(w, 1, 1, cols - 2, st->p.info, A_NORMAL, false);
	if (st->query[0] && st->n == 0)
		tui_put(w, 5, 3, cols - 4, loc_str("common:no_results"), tui_style(TUI_S_DIM),
		        false);
	else if (!st->query[0])
		tui_put(w, 5, 3, cols - 4, loc_str("class:pick_hint"), tui_style(TUI_S_DIM), false);
	else
		tui_list_draw(&st->list, w, 4, 1, rows - 4, cols - 2, true);
	if (st->added[0]) {
		char line[700];
		loc_fmt(line, sizeof line, "class:added_line", st->added);
		tui_put(w, 3, 3, cols - 4, line, tui_style(TUI_S_DIM), false);
	}
	tui_form_draw(&st->fm, w, 2, 1, 0, cols - 2, true);
}

static int pick_one(struct pick *st)
{
	int r = tui_list_selected(&st->list);
	if (r < 0 || r >= st->n)
		return TUI_HANDLED;
	char msg[512] = "";
	struct qerr e = {0};
	if (st->p.pick(st->p.ctx, &st->hits[r], msg, sizeof msg, &e) != 0) {
		if (qerr_is_set(&e))
			tui_message_err(&e);
		return TUI_REDRAW;
	}
	if (msg[0])
		tui_message(msg);
	/* Remember who was added; the oldest names drop off the front. */
	char name[500];
	cls_name(st->hits[r].first_name, st->hits[r].last_name, name, sizeof name);
	struct sbuf b = {0};
	sbuf_printf(&b, "%s%s%s", st->added, st->added[0] ? ", " : "", name);
	const char *from = b.s;
	while (strlen(from) >= sizeof st->added) {
		const char *c = strstr(from, ", ");
		if (!c)
			break;
		from = c + 2;
	}
	util_strlcpy(st->added, from, sizeof st->added);
	sbuf_free(&b);
	/* Ready for the next one. */
	tui_form_set(&st->fm, 0, "");
	pick_search(st);
	return TUI_REDRAW;
}

static int pick_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct pick *st = s->priv;
	if (ev->action == PICK_ONE)
		return pick_one(st);
	switch (ev->key) {
	case TUI_K_ESC:
		return TUI_POP | TUI_RELOAD;
	case TUI_K_UP:
	case TUI_K_DOWN:
	case TUI_K_PGUP:
	case TUI_K_PGDN:
		return tui_list_key(&st->list, ev->key);
	default:
		break;
	}
	int r = tui_form_key(&st->fm, ev->key);
	if (r == TUI_FORM_IGNORED)
		return 0;
	pick_search(st);
	return TUI_REDRAW;
}

static unsigned pick_state(const struct tui_screen *s)
{
	const struct pick *st = s->priv;
	unsigned f = TUI_ST_TYPING;
	if (tui_list_selected(&st->list) >= 0 && st->n > 0)
		f |= TUI_ST_ROW;
	return f;
}

static const struct tui_screen_def pick_screen = {
    .name = "cls_pick",
    .title_key = "class:pick_title",
    .keys = pick_keys,
    .init = pick_init,
    .free = pick_free,
    .draw = pick_draw,
    .key = pick_key,
    .state = pick_state,
};

int cls_pick_open(const struct cls_pick *p)
{
	return tui_push(&pick_screen, (void *)(uintptr_t)p);
}
