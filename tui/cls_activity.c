/*
 * cls_activity — group activities (youth-led initiatives, peer-support
 * groups, psycho-social group activities, awareness events) for managers,
 * registrars and counsellors: the list, newest first, and one screen per
 * activity with two modes. In the form mode the date, title, type,
 * facilitator and a note are typed (a new activity starts there); once
 * saved, the screen shows the registered participants (A adds with the
 * person picker, which stays open for the next child; Del removes) and the
 * anonymous head count as a small grid of sex by age band: arrows move,
 * digits type the number, Enter (or moving on) stores it.
 */
#include "tui/cls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "forms/form.h"
#include "locale/loc.h"

/* ====================================================================== */
/* The list                                                                */
/* ====================================================================== */

enum { AL_OPEN = 1, AL_NEW, AL_DELETE };

static const struct tui_key alist_keys[] = {
    {TUI_K_ENTER, 0, "activity:k_open", "activity:k_open_help", AL_OPEN, TUI_NEED_ROW},
    {TUI_FKEY(3), 'n', "activity:k_new", "activity:k_new_help", AL_NEW, TUI_NEED_WRITE},
    {TUI_K_DEL, 0, "activity:k_delete", "activity:k_delete_help", AL_DELETE,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct alist {
	struct db_activity *rows;
	int n;
	struct tui_list list;
};

static const struct tui_col alist_cols[] = {
    {"activity:col_date", 10, TUI_LEFT},   {"activity:col_title", 0, TUI_LEFT},
    {"activity:col_type", 18, TUI_LEFT},   {"activity:col_facilitator", 14, TUI_LEFT},
    {"activity:col_people", 7, TUI_RIGHT},
};

static void alist_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct alist *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct db_activity *a = &st->rows[row];
	const struct conf *cf = tui_conf();
	switch (col) {
	case 0:
		loc_date(a->held_on, buf);
		break;
	case 1:
		util_strlcpy(buf, a->title, n);
		break;
	case 2:
		util_strlcpy(buf, cls_cat_label(cf ? &cf->activity_types : NULL, a->type), n);
		break;
	case 3:
		util_strlcpy(buf, a->facilitator_name, n);
		break;
	case 4:
		snprintf(buf, n, "%d+%d", a->participants, a->anonymous);
		break;
	default:
		break;
	}
}

static int alist_reload(struct tui_screen *s, struct qerr *err)
{
	struct alist *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	int rc = db_activity_list(tui_db(), tui_actor(), NULL, NULL, &st->rows, &st->n, err);
	tui_list_set_count(&st->list, st->n);
	return rc == DB_OK ? 0 : -1;
}

static void alist_free(struct tui_screen *s);

static int alist_init(struct tui_screen *s, struct qerr *err)
{
	struct alist *st = xcalloc(1, sizeof *st);
	tui_list_init(&st->list, alist_cols, 5, st, alist_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	s->priv = st;
	if (alist_reload(s, err) != 0) {
		alist_free(s);
		return -1;
	}
	return 0;
}

static void alist_free(struct tui_screen *s)
{
	struct alist *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static void alist_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct alist *st = s->priv;
	char title[200];
	loc_fmt(title, sizeof title, "activity:list_title", st->n);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (st->n == 0) {
		tui_put(w, 2, 3, cols - 4, loc_str("activity:none"), tui_style(TUI_S_DIM), false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 1, rows - 2, cols - 2, true);
}

static int act_open(int64_t id);

static int alist_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct alist *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int r = tui_list_selected(&st->list);
	const struct db_activity *a = r >= 0 && r < st->n ? &st->rows[r] : NULL;
	switch (ev->action) {
	case AL_OPEN:
		if (a)
			act_open(a->id);
		return TUI_REDRAW;
	case AL_NEW:
		act_open(0);
		return TUI_REDRAW;
	case AL_DELETE:
		if (a) {
			char q[700];
			loc_fmt(q, sizeof q, "activity:delete_q", a->title);
			if (tui_confirm(q)) {
				struct qerr e = {0};
				if (db_activity_delete(tui_db(), tui_actor(), a->id, a->version,
				                       &e) != DB_OK)
					tui_message_err(&e);
				else
					tui_message_key("activity:deleted");
				return TUI_RELOAD;
			}
		}
		return TUI_REDRAW;
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static unsigned alist_state(const struct tui_screen *s)
{
	const struct alist *st = s->priv;
	return cls_list_state(&st->list);
}

static const struct tui_screen_def activities_screen = {
    .name = "activities",
    .title_key = "activity:title",
    .keys = alist_keys,
    .init = alist_init,
    .free = alist_free,
    .reload = alist_reload,
    .draw = alist_draw,
    .key = alist_key,
    .state = alist_state,
};

TUI_AT_START(cls_register_activities)
{
	unsigned roles =
	    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) | TUI_ROLE(DB_ROLE_COUNSELLOR);
	cls_register(&activities_screen, roles, "activity:menu", 'g');
}

/* ====================================================================== */
/* One activity: the form, participants and the anonymous count            */
/* ====================================================================== */

enum { A_SAVE = 1, A_EDIT, A_ADD, A_REMOVE, A_TAB };

static const struct tui_key form_keys[] = {
    {TUI_FKEY(4), 's', "activity:k_save", "activity:k_save_help", A_SAVE, TUI_NEED_WRITE},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "class:k_fields", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_key view_keys[] = {
    {'a', 0, "activity:k_add", "activity:k_add_help", A_ADD, TUI_NEED_WRITE},
    {TUI_K_DEL, 'x', "activity:k_remove", "activity:k_remove_help", A_REMOVE,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {'e', 0, "activity:k_edit", "activity:k_edit_help", A_EDIT, TUI_NEED_WRITE},
    {TUI_K_TAB, 0, "activity:k_tab", "activity:k_tab_help", A_TAB, 0},
    {'0', '9', NULL, "activity:k_digits_help", 0, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

enum { AF_DATE, AF_TITLE, AF_TYPE, AF_FAC, AF_NOTE, AF_COUNT };

#define MAX_STAFF 128
#define MAX_BANDS 16
#define COUNT_MAX 100000

struct actst {
	struct db_activity a;
	bool editing; /* the form mode */
	struct tui_field f[AF_COUNT];
	struct tui_form fm;
	struct tui_choice types[CONF_LIST_MAX];
	char type_lab[CONF_LIST_MAX][128];
	int ntypes;
	struct tui_choice staff[MAX_STAFF + 1];
	char staff_val[MAX_STAFF + 1][24];
	char staff_lab[MAX_STAFF + 1][DB_CARE_NAME_SZ];
	int nstaff;
	/* the participants */
	struct db_activity_person *people;
	int npeople;
	struct tui_list list;
	/* the anonymous grid: [sex][band] */
	int counts[2][MAX_BANDS];
	int nbands;
	char *orig; /* the form as filled, to ask before dropping changes */
	int focus;  /* 0 participants, 1 grid */
	int gx, gy;
	char typed[8]; /* digits typed into the grid cell */
};

static const struct tui_screen_def act_form_screen, act_view_screen;

static void act_labels(struct actst *st)
{
	const struct conf *cf = tui_conf();
	for (int i = 0; cf && i < st->ntypes; i++) {
		util_strlcpy(st->type_lab[i],
		             cls_cat_label(&cf->activity_types, st->types[i].value),
		             sizeof st->type_lab[i]);
		st->types[i].label = st->type_lab[i];
	}
	util_strlcpy(st->staff_lab[0], loc_str("activity:no_facilitator"), sizeof st->staff_lab[0]);
	st->staff[0].label = st->staff_lab[0];
}

static void add_staff(struct actst *st, enum db_role role)
{
	cls_add_users(role, st->staff, st->staff_val, st->staff_lab, &st->nstaff, MAX_STAFF + 1,
	              false);
}

/* Put the saved values into the form (after loading, or to undo an edit). */
static void form_fill(struct actst *st)
{
	char buf[64];
	const struct db_activity *a = &st->a;
	tui_form_clear_errors(&st->fm);
	if (a->id) {
		loc_date(a->held_on, buf);
		tui_form_set(&st->fm, AF_DATE, buf);
		tui_form_set(&st->fm, AF_TITLE, a->title);
		tui_form_set(&st->fm, AF_TYPE, a->type);
		snprintf(buf, sizeof buf, "%lld", (long long)a->facilitator_id);
		tui_form_set(&st->fm, AF_FAC, a->facilitator_id ? buf : "");
		tui_form_set(&st->fm, AF_NOTE, a->note);
	} else {
		char today[11];
		util_today(today);
		loc_date(today, buf);
		tui_form_set(&st->fm, AF_DATE, buf);
		if (st->ntypes)
			st->f[AF_TYPE].choice = 0;
		/* The one who types it in is usually the one who ran it. */
		const struct db_actor *who = tui_actor();
		snprintf(buf, sizeof buf, "%lld", who ? (long long)who->user_id : 0LL);
		tui_form_set(&st->fm, AF_FAC, buf);
		if (st->f[AF_FAC].choice < 0)
			st->f[AF_FAC].choice = 0;
	}
	tui_form_focus(&st->fm, a->id ? AF_TITLE : AF_DATE);
	free(st->orig);
	st->orig = cls_form_text(&st->fm);
}

static int act_fetch(struct actst *st, struct qerr *err)
{
	struct qdb *db = tui_db();
	const struct db_actor *who = tui_actor();
	if (db_activity_get(db, who, st->a.id, &st->a, err) != DB_OK)
		return -1;
	free(st->people);
	st->people = NULL;
	st->npeople = 0;
	if (db_activity_people(db, who, st->a.id, &st->people, &st->npeople, err) != DB_OK)
		return -1;
	tui_list_set_count(&st->list, st->npeople);
	struct db_activity_count *c = NULL;
	int nc = 0;
	if (db_activity_counts(db, who, st->a.id, &c, &nc, err) != DB_OK)
		return -1;
	memset(st->counts, 0, sizeof st->counts);
	const struct conf *cf = tui_conf();
	for (int i = 0; cf && i < nc; i++) {
		int sx = c[i].sex == 'F' ? 0 : 1;
		for (int b = 0; b < st->nbands; b++)
			if (strcmp(cf->age_bands.items[b].key, c[i].age_band) == 0)
				st->counts[sx][b] = c[i].n;
	}
	free(c);
	return 0;
}

static const struct tui_col people_cols[] = {
    {"class:col_no", 3, TUI_RIGHT},
    {"class:col_name", 0, TUI_LEFT},
    {"class:col_sex", 3, TUI_LEFT},
    {"class:col_age", 5, TUI_RIGHT},
};

static void people_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct actst *st = ctx;
	if (row < 0 || row >= st->npeople)
		return;
	const struct db_activity_person *p = &st->people[row];
	switch (col) {
	case 0:
		snprintf(buf, n, "%d", row + 1);
		break;
	case 1:
		cls_name(p->first_name, p->last_name, buf, n);
		break;
	case 2:
		util_strlcpy(buf, loc_str(p->sex == 'F' ? "class:sex_f" : "class:sex_m"), n);
		break;
	case 3:
		if (p->age >= 0)
			snprintf(buf, n, "%d", p->age);
		break;
	default:
		break;
	}
}

static int act_reload(struct tui_screen *s, struct qerr *err)
{
	struct actst *st = s->priv;
	if (!st->a.id)
		return 0;
	return act_fetch(st, err);
}

static void act_free(struct tui_screen *s);

static int act_init(struct tui_screen *s, struct qerr *err)
{
	struct actst *st = xcalloc(1, sizeof *st);
	st->a.id = (int64_t)(intptr_t)s->arg;
	s->priv = st;
	const struct conf *cf = tui_conf();
	for (int i = 0; cf && i < cf->activity_types.n && i < CONF_LIST_MAX; i++)
		st->types[st->ntypes++].value = cf->activity_types.items[i].key;
	st->nbands = cf ? cf->age_bands.n : 0;
	if (st->nbands > MAX_BANDS)
		st->nbands = MAX_BANDS;
	st->staff[st->nstaff++].value = "";
	add_staff(st, DB_ROLE_COUNSELLOR);
	add_staff(st, DB_ROLE_REGISTRAR);
	add_staff(st, DB_ROLE_MANAGER);
	add_staff(st, DB_ROLE_TEACHER);
	act_labels(st);

	static const char *const labels[AF_COUNT] = {"activity:f_date", "activity:f_title",
	                                             "activity:f_type", "activity:f_facilitator",
	                                             "activity:f_note"};
	for (int i = 0; i < AF_COUNT; i++)
		st->f[i].label_key = labels[i];
	st->f[AF_DATE].required = st->f[AF_TITLE].required = st->f[AF_TYPE].required = true;
	st->f[AF_DATE].width = 12;
	st->f[AF_DATE].maxlen = 10;
	st->f[AF_TITLE].width = 50;
	st->f[AF_TITLE].maxlen = 120;
	st->f[AF_TYPE].kind = st->f[AF_FAC].kind = TUI_FIELD_CHOICE;
	st->f[AF_TYPE].choices = st->types;
	st->f[AF_TYPE].nchoices = st->ntypes;
	st->f[AF_TYPE].width = 40;
	st->f[AF_FAC].choices = st->staff;
	st->f[AF_FAC].nchoices = st->nstaff;
	st->f[AF_FAC].width = 40;
	st->f[AF_NOTE].width = 50;
	st->f[AF_NOTE].maxlen = 500;
	tui_form_init(&st->fm, st->f, AF_COUNT);
	st->fm.spacing = 2;
	tui_list_init(&st->list, people_cols, 4, st, people_cell);
	st->list.show_titles = true;
	if (st->a.id && act_fetch(st, err) != 0) {
		act_free(s);
		return -1;
	}
	form_fill(st);
	st->editing = st->a.id == 0;
	s->def = st->editing ? &act_form_screen : &act_view_screen;
	return 0;
}

static void act_free(struct tui_screen *s)
{
	struct actst *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st->people);
	free(st->orig);
	free(st);
	s->priv = NULL;
}

static void set_mode(struct tui_screen *s, bool editing)
{
	struct actst *st = s->priv;
	st->editing = editing;
	s->def = editing ? &act_form_screen : &act_view_screen;
}

static void grid_draw(struct actst *st, WINDOW *w, int y, int cols)
{
	const struct conf *cf = tui_conf();
	const int lw = 10, cw = 7;
	char buf[64];
	int total = 0;
	for (int sx = 0; sx < 2; sx++)
		for (int b = 0; b < st->nbands; b++)
			total += st->counts[sx][b];
	char title[200];
	loc_fmt(title, sizeof title, "activity:grid_title", total);
	cls_tab_put(w, y, 1, cols - 2, title, st->focus == 1);
	tui_put(w, y + 1, 1, cols - 2, "", tui_style(TUI_S_HEADER), true);
	for (int b = 0; cf && b < st->nbands; b++) {
		const struct conf_item *it = &cf->age_bands.items[b];
		tui_put(w, y + 1, 1 + lw + b * cw, cw - 1, cls_cat_label(&cf->age_bands, it->key),
		        tui_style(TUI_S_HEADER), false);
	}
	tui_put(w, y + 1, 1 + lw + st->nbands * cw, cw, loc_str("activity:total"),
	        tui_style(TUI_S_HEADER), false);
	for (int sx = 0; sx < 2; sx++) {
		int ry = y + 2 + sx, sum = 0;
		tui_put(w, ry, 2, lw - 1, loc_str(sx == 0 ? "activity:girls" : "activity:boys"),
		        A_NORMAL, false);
		for (int b = 0; b < st->nbands; b++) {
			bool cur = st->focus == 1 && st->gx == b && st->gy == sx;
			sum += st->counts[sx][b];
			if (cur && st->typed[0])
				snprintf(buf, sizeof buf, "%s_", st->typed);
			else
				snprintf(buf, sizeof buf, "%d", st->counts[sx][b]);
			int x = 1 + lw + b * cw;
			attr_t a = cur ? tui_style(TUI_S_FIELD_FOCUS) : tui_style(TUI_S_FIELD);
			tui_put(w, ry, x, cw - 1, "", a, true);
			tui_put(w, ry, x + (cw - 2 - tui_text_width(buf)), cw - 1, buf, a, false);
			if (cur)
				tui_set_cursor(w, ry, x + cw - 2);
		}
		snprintf(buf, sizeof buf, "%d", sum);
		tui_put(w, ry, 1 + lw + st->nbands * cw, cw, buf, A_BOLD, false);
	}
}

static void act_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct actst *st = s->priv;
	act_labels(st);
	const struct conf *cf = tui_conf();
	if (st->editing) {
		tui_put(w, 0, 1, cols - 2,
		        loc_str(st->a.id ? "activity:edit_title" : "activity:new_title"),
		        tui_style(TUI_S_TITLE), false);
		tui_form_draw(&st->fm, w, 2, 2, 0, cols - 4, true);
		tui_put(w, 2 + 2 * AF_COUNT, 2, cols - 4, loc_str("activity:form_hint"),
		        tui_style(TUI_S_DIM), false);
		return;
	}
	const struct db_activity *a = &st->a;
	char line[1200], d[11];
	tui_put(w, 0, 1, cols - 2, a->title, tui_style(TUI_S_TITLE), false);
	loc_date(a->held_on, d);
	snprintf(line, sizeof line, "%s · %s%s%s", d,
	         cls_cat_label(cf ? &cf->activity_types : NULL, a->type),
	         a->facilitator_name[0] ? " · " : "", a->facilitator_name);
	tui_put(w, 1, 1, cols - 2, line, A_NORMAL, false);
	if (a->note[0])
		tui_put(w, 2, 1, cols - 2, a->note, tui_style(TUI_S_DIM), false);

	char title[200];
	loc_fmt(title, sizeof title, "activity:people_title", st->npeople);
	cls_tab_put(w, 3, 1, cols - 2, title, st->focus == 0);
	int grid_y = rows - 5;
	if (st->npeople == 0)
		tui_put(w, 5, 3, cols - 4, loc_str("activity:no_people"), tui_style(TUI_S_DIM),
		        false);
	else
		tui_list_draw(&st->list, w, 4, 1, grid_y - 5, cols - 2, st->focus == 0);
	grid_draw(st, w, grid_y, cols);
}

/* Store the typed number of the grid's cell. */
static int grid_commit(struct actst *st)
{
	if (!st->typed[0])
		return 0;
	const struct conf *cf = tui_conf();
	struct qerr e = {0};
	long v = 0;
	if (form_int(st->typed, 0, COUNT_MAX, &v, &e) != 0) {
		tui_message_err(&e);
		st->typed[0] = '\0';
		return -1;
	}
	st->typed[0] = '\0';
	if (!cf || st->gx >= st->nbands)
		return -1;
	if (db_activity_set_count(tui_db(), tui_actor(), st->a.id, st->gy == 0 ? 'F' : 'M',
	                          cf->age_bands.items[st->gx].key, (int)v, &e) != DB_OK) {
		tui_message_err(&e);
		return -1;
	}
	st->counts[st->gy][st->gx] = (int)v;
	return 0;
}

static int grid_key(struct actst *st, int k)
{
	size_t len = strlen(st->typed);
	if (k >= '0' && k <= '9') {
		if (len + 1 < sizeof st->typed && len < 6) {
			st->typed[len] = (char)k;
			st->typed[len + 1] = '\0';
		}
		return TUI_REDRAW;
	}
	switch (k) {
	case TUI_K_BACKSPACE:
		if (len)
			st->typed[len - 1] = '\0';
		return TUI_REDRAW;
	case TUI_K_ENTER:
		grid_commit(st);
		if (st->gx + 1 < st->nbands)
			st->gx++;
		else if (st->gy == 0) {
			st->gy = 1;
			st->gx = 0;
		}
		return TUI_REDRAW;
	case TUI_K_LEFT:
		grid_commit(st);
		if (st->gx > 0)
			st->gx--;
		return TUI_REDRAW;
	case TUI_K_RIGHT:
		grid_commit(st);
		if (st->gx + 1 < st->nbands)
			st->gx++;
		return TUI_REDRAW;
	case TUI_K_UP:
	case TUI_K_DOWN:
		grid_commit(st);
		st->gy = k == TUI_K_UP ? 0 : 1;
		return TUI_REDRAW;
	case TUI_K_ESC:
		if (len) {
			st->typed[0] = '\0';
			return TUI_REDRAW;
		}
		return 0;
	default:
		return 0;
	}
}

static int act_save(struct tui_screen *s)
{
	struct actst *st = s->priv;
	struct db_activity a = st->a;
	char buf[2048];
	int bad = 0;
	struct qerr e = {0};
	tui_form_clear_errors(&st->fm);
	tui_form_get(&st->fm, AF_DATE, buf, sizeof buf);
	if (form_date(buf, NULL, a.held_on, &e) != 0) {
		cls_field_err(&st->fm, AF_DATE, &e, &bad);
	}
	char *txt = NULL;
	tui_form_get(&st->fm, AF_TITLE, buf, sizeof buf);
	if (form_text(buf, 120, false, true, &txt, &e) != 0) {
		cls_field_err(&st->fm, AF_TITLE, &e, &bad);
	} else {
		util_strlcpy(a.title, txt, sizeof a.title);
	}
	free(txt);
	txt = NULL;
	tui_form_get(&st->fm, AF_TYPE, a.type, sizeof a.type);
	if (!a.type[0]) {
		qerr_set(&e, "form:required", NULL);
		cls_field_err(&st->fm, AF_TYPE, &e, &bad);
	}
	tui_form_get(&st->fm, AF_FAC, buf, sizeof buf);
	a.facilitator_id = buf[0] ? strtoll(buf, NULL, 10) : 0;
	tui_form_get(&st->fm, AF_NOTE, buf, sizeof buf);
	if (form_text(buf, 500, false, false, &txt, &e) != 0) {
		cls_field_err(&st->fm, AF_NOTE, &e, &bad);
	} else {
		util_strlcpy(a.note, txt, sizeof a.note);
	}
	free(txt);
	if (bad)
		return TUI_REDRAW;
	if (db_activity_save(tui_db(), tui_actor(), &a, &e) != DB_OK) {
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	st->a = a;
	if (act_fetch(st, &e) != 0)
		tui_message_err(&e);
	else
		tui_message_key("activity:saved");
	set_mode(s, false);
	return TUI_REDRAW;
}

static int people_pick(void *ctx, const struct db_person_hit *h, char *msg, size_t msgsz,
                       struct qerr *err)
{
	struct actst *st = ctx;
	if (db_activity_add_person(tui_db(), tui_actor(), st->a.id, h->person_id, err) != DB_OK)
		return -1;
	char name[500];
	cls_name(h->first_name, h->last_name, name, sizeof name);
	loc_fmt(msg, msgsz, "activity:added", name);
	return 0;
}

static int act_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct actst *st = s->priv;
	if (st->editing) {
		if (ev->action == A_SAVE)
			return act_save(s);
		if (ev->key == TUI_K_ESC) {
			if (!cls_form_may_leave(&st->fm, st->orig, false))
				return TUI_REDRAW;
			if (!st->a.id)
				return TUI_POP | TUI_RELOAD;
			form_fill(st);
			set_mode(s, false);
			return TUI_REDRAW;
		}
		switch (tui_form_key(&st->fm, ev->key)) {
		case TUI_FORM_SUBMIT:
			return act_save(s);
		case TUI_FORM_HANDLED:
			return TUI_REDRAW;
		default:
			return 0;
		}
	}
	switch (ev->action) {
	case A_EDIT:
		grid_commit(st);
		form_fill(st);
		set_mode(s, true);
		return TUI_REDRAW;
	case A_TAB:
		grid_commit(st);
		st->focus = !st->focus;
		return TUI_REDRAW;
	case A_ADD: {
		grid_commit(st);
		struct cls_pick p = {0};
		p.title_key = "activity:add_title";
		util_strlcpy(p.info, st->a.title, sizeof p.info);
		p.pick = people_pick;
		p.ctx = st;
		cls_pick_open(&p);
		return TUI_REDRAW;
	}
	case A_REMOVE: {
		int r = tui_list_selected(&st->list);
		if (st->focus != 0 || r < 0 || r >= st->npeople)
			return TUI_HANDLED;
		struct qerr e = {0};
		if (db_activity_remove_person(tui_db(), tui_actor(), st->a.id,
		                              st->people[r].person_id, &e) != DB_OK)
			tui_message_err(&e);
		else
			tui_message_key("activity:removed");
		if (act_fetch(st, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (st->focus == 1) {
		int r = grid_key(st, ev->key);
		if (r || ev->key != TUI_K_ESC)
			return r;
	}
	if (ev->key == TUI_K_ESC)
		return TUI_POP | TUI_RELOAD;
	return tui_list_key(&st->list, ev->key);
}

static unsigned act_state(const struct tui_screen *s)
{
	const struct actst *st = s->priv;
	if (st->editing)
		return TUI_ST_TYPING;
	return st->focus == 0 && tui_list_selected(&st->list) >= 0 ? TUI_ST_ROW : 0;
}

static const struct tui_screen_def act_form_screen = {
    .name = "activity",
    .title_key = "activity:one_title",
    .keys = form_keys,
    .init = act_init,
    .free = act_free,
    .reload = act_reload,
    .draw = act_draw,
    .key = act_key,
    .state = act_state,
};

static const struct tui_screen_def act_view_screen = {
    .name = "activity",
    .title_key = "activity:one_title",
    .keys = view_keys,
    .init = act_init,
    .free = act_free,
    .reload = act_reload,
    .draw = act_draw,
    .key = act_key,
    .state = act_state,
};

static int act_open(int64_t id)
{
	return tui_push(&act_view_screen, (void *)(intptr_t)id);
}
