/*
 * cls_class — after-school classes: the list (a teacher sees only their
 * own), the form that defines or edits a class (managers and registrars),
 * and the class screen with two panes: the children enrolled (enrol with
 * the person picker, leave with a date and a reason, the whole history on
 * request) and the sessions (the weekly pattern within the term minus the
 * closure days, with what happened: roll taken, cancelled with its reason,
 * not taken yet). From either the roll of a session opens (cls_roll.c).
 */
#include "tui/cls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/cls_extra.h"
#include "forms/form.h"
#include "locale/loc.h"

/* ====================================================================== */
/* The class list                                                          */
/* ====================================================================== */

enum { L_OPEN = 1, L_NEW, L_EDIT, L_ROLL, L_DELETE, L_ENDED };

static const struct tui_key list_keys_admin[] = {
    {TUI_K_ENTER, 0, "class:k_open", "class:k_open_help", L_OPEN, TUI_NEED_ROW},
    {'t', 0, "class:k_roll", "class:k_roll_help", L_ROLL, TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_FKEY(3), 'n', "class:k_new", "class:k_new_help", L_NEW, TUI_NEED_WRITE},
    {'e', 0, "class:k_edit", "class:k_edit_help", L_EDIT, TUI_NEED_ROW | TUI_NEED_WRITE},
    {TUI_K_DEL, 0, "class:k_delete", "class:k_delete_help", L_DELETE,
     TUI_NEED_ROW | TUI_NEED_WRITE},
    {'h', 0, "class:k_ended", "class:k_ended_help", L_ENDED, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_key list_keys_teacher[] = {
    {TUI_K_ENTER, 0, "class:k_open", "class:k_open_help", L_OPEN, TUI_NEED_ROW},
    {'t', 0, "class:k_roll", "class:k_roll_help", L_ROLL, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'h', 0, "class:k_ended", "class:k_ended_help", L_ENDED, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct clist {
	struct db_class *rows;
	int n;
	int ended; /* classes whose term is over (not shown unless asked) */
	bool show_ended;
	struct tui_list list;
};

static const struct tui_col list_cols[] = {
    {"class:col_class", 0, TUI_LEFT},     {"class:col_teacher", 14, TUI_LEFT},
    {"class:col_when", 19, TUI_LEFT},     {"class:col_term", 11, TUI_LEFT},
    {"class:col_children", 5, TUI_RIGHT},
};

static void list_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct clist *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct db_class *c = &st->rows[row];
	switch (col) {
	case 0:
		util_strlcpy(buf, c->name, n);
		break;
	case 1:
		util_strlcpy(buf, c->teacher_name, n);
		break;
	case 2:
		cls_schedule_str(c, buf, n);
		break;
	case 3:
		/* "09.26–01.27": the months of the term. */
		if (strlen(c->term_start) == 10 && strlen(c->term_end) == 10)
			snprintf(buf, n, "%.2s.%.2s–%.2s.%.2s", c->term_start + 5,
			         c->term_start + 2, c->term_end + 5, c->term_end + 2);
		break;
	case 4:
		snprintf(buf, n, "%d/%d", c->enrolled, c->capacity);
		break;
	default:
		break;
	}
}

static int list_reload(struct tui_screen *s, struct qerr *err)
{
	struct clist *st = s->priv;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	st->ended = 0;
	int rc = db_class_list(tui_db(), tui_actor(), &st->rows, &st->n, err);
	if (rc == DB_OK && !st->show_ended) {
		/* Classes whose term is over stay out of the way unless asked for. */
		char today[11];
		util_today(today);
		int k = 0;
		for (int i = 0; i < st->n; i++) {
			if (strcmp(st->rows[i].term_end, today) < 0)
				st->ended++;
			else
				st->rows[k++] = st->rows[i];
		}
		st->n = k;
	}
	tui_list_set_count(&st->list, st->n);
	return rc == DB_OK ? 0 : -1;
}

static void list_free(struct tui_screen *s);

static const struct tui_screen_def classes_teacher_screen;

static int list_init(struct tui_screen *s, struct qerr *err)
{
	struct clist *st = xcalloc(1, sizeof *st);
	tui_list_init(&st->list, list_cols, 5, st, list_cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	s->priv = st;
	if (!cls_admin())
		s->def = &classes_teacher_screen;
	if (list_reload(s, err) != 0) {
		list_free(s);
		return -1;
	}
	return 0;
}

static void list_free(struct tui_screen *s)
{
	struct clist *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st);
	s->priv = NULL;
}

static void list_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct clist *st = s->priv;
	char title[200];
	loc_fmt(title, sizeof title, st->show_ended ? "class:list_title_all" : "class:list_title",
	        st->n);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (st->ended) {
		char more[200];
		loc_fmt(more, sizeof more, "class:ended_hidden", st->ended);
		tui_put(w, 1, 1, cols - 2, more, tui_style(TUI_S_DIM), false);
	}
	if (st->n == 0) {
		tui_put(w, 2, 3, cols - 4,
		        loc_str(cls_admin() ? "class:none_admin" : "class:none_teacher"),
		        tui_style(TUI_S_DIM), false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 1, rows - 2, cols - 2, true);
}

static int class_meets(const struct db_class *c, const char *day, struct qerr *err, bool *meets);

/* Today's roll of a class: refused when the day is outside the term, and
 * asked about when the class does not meet today. */
static int roll_today(const struct db_class *c)
{
	char today[11];
	util_today(today);
	struct qerr e = {0};
	bool meets = false;
	if (class_meets(c, today, &e, &meets) != 0) {
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	if (!meets && !tui_confirm(loc_str("class:not_today_q")))
		return TUI_REDRAW;
	cls_roll_open(c->id, today);
	return TUI_REDRAW;
}

static int list_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct clist *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	int r = tui_list_selected(&st->list);
	const struct db_class *c = r >= 0 && r < st->n ? &st->rows[r] : NULL;
	switch (ev->action) {
	case L_OPEN:
		if (c)
			cls_class_open(c->id);
		return TUI_REDRAW;
	case L_NEW:
		cls_edit_open(0);
		return TUI_REDRAW;
	case L_EDIT:
		if (c)
			cls_edit_open(c->id);
		return TUI_REDRAW;
	case L_ROLL:
		return c ? roll_today(c) : TUI_HANDLED;
	case L_ENDED:
		st->show_ended = !st->show_ended;
		return TUI_RELOAD;
	case L_DELETE:
		if (c) {
			char q[600];
			loc_fmt(q, sizeof q, "class:delete_q", c->name);
			if (tui_confirm(q)) {
				struct qerr e = {0};
				if (db_class_delete(tui_db(), tui_actor(), c->id, c->version, &e) !=
				    DB_OK)
					tui_message_err(&e);
				else
					tui_message_key("class:deleted");
				return TUI_RELOAD;
			}
		}
		return TUI_REDRAW;
	default:
		break;
	}
	return tui_list_key(&st->list, ev->key);
}

static unsigned list_state(const struct tui_screen *s)
{
	const struct clist *st = s->priv;
	return cls_list_state(&st->list);
}

static const struct tui_screen_def classes_screen = {
    .name = "classes",
    .title_key = "class:title",
    .keys = list_keys_admin,
    .init = list_init,
    .free = list_free,
    .reload = list_reload,
    .draw = list_draw,
    .key = list_key,
    .state = list_state,
};

static const struct tui_screen_def classes_teacher_screen = {
    .name = "classes",
    .title_key = "class:title",
    .keys = list_keys_teacher,
    .init = list_init,
    .free = list_free,
    .reload = list_reload,
    .draw = list_draw,
    .key = list_key,
    .state = list_state,
};

TUI_AT_START(cls_register_classes)
{
	unsigned roles =
	    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) | TUI_ROLE(DB_ROLE_TEACHER);
	cls_register(&classes_screen, roles, "class:menu", 'c');
}

/* Does class c meet on day (within its term, on one of its weekdays, not a
 * closure day)? -1 with err when the day is outside the term. */
static bool class_meets_q(const struct db_class *c, const char *day)
{
	return strcmp(day, c->term_start) >= 0 && strcmp(day, c->term_end) <= 0;
}

static int class_meets(const struct db_class *c, const char *day, struct qerr *err, bool *meets)
{
	*meets = false;
	if (!class_meets_q(c, day)) {
		char a[11], b[11];
		loc_date(c->term_start, a);
		loc_date(c->term_end, b);
		qerr_set(err, "class:outside_term", "%s\t%s", a, b);
		return -1;
	}
	struct db_date *d = NULL;
	int n = 0;
	if (db_class_expected_dates(tui_db(), tui_actor(), c->id, day, day, &d, &n, err) != DB_OK)
		return -1;
	*meets = n > 0;
	free(d);
	return 0;
}

/* ====================================================================== */
/* Define or edit a class                                                  */
/* ====================================================================== */

enum { E_SAVE = 1 };

static const struct tui_key edit_keys[] = {
    {TUI_FKEY(4), 's', "class:k_save", "class:k_save_help", E_SAVE, TUI_NEED_WRITE},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "class:k_fields", 0, 0},
    {TUI_K_SPACE, 0, NULL, "class:k_days", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

enum {
	F_NAME,
	F_SUBJECT,
	F_TEACHER,
	F_ROOM,
	F_DAYS,
	F_TIME,
	F_DUR,
	F_START,
	F_END,
	F_CAP,
	F_COUNT
};

#define MAX_TEACHERS 64

struct cedit {
	struct db_class c;
	struct tui_field f[F_COUNT];
	struct tui_form fm;
	struct tui_choice subj[CONF_LIST_MAX];
	char subj_lab[CONF_LIST_MAX][128];
	int nsubj;
	struct tui_choice room[CONF_LIST_MAX + 1];
	char room_lab[CONF_LIST_MAX + 1][128];
	int nroom;
	struct tui_choice teach[MAX_TEACHERS];
	char teach_val[MAX_TEACHERS][24];
	char teach_lab[MAX_TEACHERS][DB_CARE_NAME_SZ];
	int nteach;
	unsigned days;
	int day_cur;
	struct qerr days_err;
	char *orig; /* the fields as loaded, to ask before dropping changes */
	unsigned orig_days;
};

/* Labels follow the language: recomputed before every paint. */
static void edit_labels(struct cedit *st)
{
	const struct conf *cf = tui_conf();
	for (int i = 0; cf && i < st->nsubj; i++) {
		util_strlcpy(st->subj_lab[i], cls_cat_label(&cf->subjects, st->subj[i].value),
		             sizeof st->subj_lab[i]);
		st->subj[i].label = st->subj_lab[i];
	}
	util_strlcpy(st->room_lab[0], loc_str("class:no_room"), sizeof st->room_lab[0]);
	st->room[0].label = st->room_lab[0];
	for (int i = 1; cf && i < st->nroom; i++) {
		util_strlcpy(st->room_lab[i], cls_cat_label(&cf->rooms, st->room[i].value),
		             sizeof st->room_lab[i]);
		st->room[i].label = st->room_lab[i];
	}
}

static void add_teachers(struct cedit *st, enum db_role role)
{
	cls_add_users(role, st->teach, st->teach_val, st->teach_lab, &st->nteach, MAX_TEACHERS,
	              true);
}

static int edit_init(struct tui_screen *s, struct qerr *err)
{
	int64_t id = (int64_t)(intptr_t)s->arg;
	struct cedit *st = xcalloc(1, sizeof *st);
	if (id > 0 && db_class_get(tui_db(), tui_actor(), id, &st->c, err) != DB_OK) {
		free(st);
		return -1;
	}
	const struct conf *cf = tui_conf();
	for (int i = 0; cf && i < cf->subjects.n && i < CONF_LIST_MAX; i++)
		st->subj[st->nsubj++].value = cf->subjects.items[i].key;
	st->room[st->nroom++].value = "";
	for (int i = 0; cf && i < cf->rooms.n && i < CONF_LIST_MAX; i++)
		st->room[st->nroom++].value = cf->rooms.items[i].key;
	add_teachers(st, DB_ROLE_TEACHER);
	add_teachers(st, DB_ROLE_MANAGER);
	edit_labels(st);

	static const char *const labels[F_COUNT] = {
	    "class:f_name",     "class:f_subject", "class:f_teacher",  "class:f_room",
	    "class:f_days",     "class:f_time",    "class:f_duration", "class:f_term_start",
	    "class:f_term_end", "class:f_capacity"};
	for (int i = 0; i < F_COUNT; i++) {
		st->f[i].label_key = labels[i];
		st->f[i].required = i != F_ROOM;
		st->f[i].width = 12;
		st->f[i].maxlen = 10;
	}
	st->f[F_NAME].width = 30;
	st->f[F_NAME].maxlen = 80;
	st->f[F_DAYS].width = 35;
	st->f[F_DAYS].maxlen = 1;
	st->f[F_SUBJECT].kind = st->f[F_TEACHER].kind = st->f[F_ROOM].kind = TUI_FIELD_CHOICE;
	st->f[F_SUBJECT].choices = st->subj;
	st->f[F_SUBJECT].nchoices = st->nsubj;
	st->f[F_SUBJECT].width = 30;
	st->f[F_TEACHER].choices = st->teach;
	st->f[F_TEACHER].nchoices = st->nteach;
	st->f[F_TEACHER].width = 30;
	st->f[F_ROOM].choices = st->room;
	st->f[F_ROOM].nchoices = st->nroom;
	st->f[F_ROOM].width = 30;
	tui_form_init(&st->fm, st->f, F_COUNT);

	char buf[64];
	if (id > 0) {
		const struct db_class *c = &st->c;
		tui_form_set(&st->fm, F_NAME, c->name);
		tui_form_set(&st->fm, F_SUBJECT, c->subject);
		snprintf(buf, sizeof buf, "%lld", (long long)c->teacher_id);
		tui_form_set(&st->fm, F_TEACHER, buf);
		tui_form_set(&st->fm, F_ROOM, c->room);
		st->days = c->weekdays;
		form_time_str(c->start_min, buf);
		tui_form_set(&st->fm, F_TIME, buf);
		snprintf(buf, sizeof buf, "%d", c->duration_min);
		tui_form_set(&st->fm, F_DUR, buf);
		loc_date(c->term_start, buf);
		tui_form_set(&st->fm, F_START, buf);
		loc_date(c->term_end, buf);
		tui_form_set(&st->fm, F_END, buf);
		snprintf(buf, sizeof buf, "%d", c->capacity);
		tui_form_set(&st->fm, F_CAP, buf);
	} else {
		if (st->nsubj)
			st->f[F_SUBJECT].choice = 0;
		if (st->nteach)
			st->f[F_TEACHER].choice = 0;
		st->f[F_ROOM].choice = 0;
		char today[11];
		util_today(today);
		loc_date(today, buf);
		tui_form_set(&st->fm, F_START, buf);
		tui_form_set(&st->fm, F_TIME, "15:00");
		tui_form_set(&st->fm, F_DUR, "60");
		tui_form_set(&st->fm, F_CAP, "30");
	}
	st->orig = cls_form_text(&st->fm);
	st->orig_days = st->days;
	s->priv = st;
	return 0;
}

static void edit_free(struct tui_screen *s)
{
	struct cedit *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st->orig);
	free(st);
	s->priv = NULL;
}

/* The label column as tui_form_draw computes it, so the weekday toggles can
 * be painted over the box of their field. */
static int label_cols(const struct tui_form *fm)
{
	int lc = 0;
	for (int i = 0; i < fm->n; i++) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s%s", loc_str(fm->f[i].label_key),
		         fm->f[i].required ? loc_str("form:required_mark") : "");
		int lw = tui_text_width(buf);
		if (lw > lc)
			lc = lw;
	}
	return lc + 1;
}

static void edit_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct cedit *st = s->priv;
	edit_labels(st);
	tui_put(w, 0, 1, cols - 2, loc_str(st->c.id ? "class:edit_title" : "class:new_title"),
	        tui_style(TUI_S_TITLE), false);
	int lc = label_cols(&st->fm);
	const int y0 = 2, x0 = 2;
	tui_form_draw(&st->fm, w, y0, x0, lc, cols - 4, true);
	/* The weekdays: "[Mon] Tue [Wed] ..." — brackets mark the chosen days. */
	int dy = y0 + F_DAYS, dx = x0 + lc + 1;
	bool focus = st->fm.focus == F_DAYS;
	attr_t base = tui_style(focus ? TUI_S_FIELD_FOCUS : TUI_S_FIELD);
	tui_put(w, dy, dx, 35, "", base, true);
	int x = dx, cur_x = dx;
	for (int i = 0; i < 7; i++) {
		char k[32], cell[24];
		snprintf(k, sizeof k, "date:wday_short_%d", i + 1);
		bool on = st->days & (1u << i);
		snprintf(cell, sizeof cell, on ? "[%s]" : " %s ", loc_str(k));
		attr_t a = base | (on ? A_BOLD : 0);
		if (i == st->day_cur)
			cur_x = x + 1;
		x += tui_put(w, dy, x, dx + 35 - x, cell, a, false);
	}
	if (focus)
		tui_set_cursor(w, dy, cur_x);
	if (qerr_is_set(&st->days_err)) {
		char msg[300], line[320];
		loc_err(&st->days_err, msg, sizeof msg);
		snprintf(line, sizeof line, "! %s", msg);
		tui_put(w, dy, dx + 36, cols - dx - 36, line, tui_style(TUI_S_ERROR), false);
	}
	tui_put(w, y0 + F_COUNT + 1, x0, cols - 4,
	        loc_str(focus ? "class:days_hint" : "class:edit_hint"), tui_style(TUI_S_DIM),
	        false);
	(void)rows;
}

static void field_err(struct cedit *st, int i, const struct qerr *e, int *bad)
{
	cls_field_err(&st->fm, i, e, bad);
}

static int edit_save(struct cedit *st)
{
	struct db_class c = st->c;
	char buf[1024];
	int bad = 0;
	struct qerr e = {0};
	tui_form_clear_errors(&st->fm);
	qerr_clear(&st->days_err);

	tui_form_get(&st->fm, F_NAME, buf, sizeof buf);
	char *name = NULL;
	if (form_text(buf, 80, false, true, &name, &e) != 0)
		field_err(st, F_NAME, &e, &bad);
	else
		util_strlcpy(c.name, name, sizeof c.name);
	free(name);

	tui_form_get(&st->fm, F_SUBJECT, c.subject, sizeof c.subject);
	if (!c.subject[0]) {
		qerr_set(&e, "form:required", NULL);
		field_err(st, F_SUBJECT, &e, &bad);
	}
	tui_form_get(&st->fm, F_TEACHER, buf, sizeof buf);
	c.teacher_id = strtoll(buf, NULL, 10);
	if (c.teacher_id <= 0) {
		qerr_set(&e, "form:required", NULL);
		field_err(st, F_TEACHER, &e, &bad);
	}
	tui_form_get(&st->fm, F_ROOM, c.room, sizeof c.room);
	c.weekdays = st->days;
	if (!c.weekdays) {
		qerr_set(&st->days_err, "class:err_days", NULL);
		if (bad++ == 0)
			tui_form_focus(&st->fm, F_DAYS);
	}
	tui_form_get(&st->fm, F_TIME, buf, sizeof buf);
	if (form_time(buf, &c.start_min, &e) != 0)
		field_err(st, F_TIME, &e, &bad);
	tui_form_get(&st->fm, F_DUR, buf, sizeof buf);
	if (form_duration(buf, 15, 480, &c.duration_min, &e) != 0)
		field_err(st, F_DUR, &e, &bad);
	else if (c.start_min + c.duration_min > 1440) {
		qerr_set(&e, "class:err_midnight", NULL);
		field_err(st, F_DUR, &e, &bad);
	}
	tui_form_get(&st->fm, F_START, buf, sizeof buf);
	if (form_date(buf, NULL, c.term_start, &e) != 0)
		field_err(st, F_START, &e, &bad);
	tui_form_get(&st->fm, F_END, buf, sizeof buf);
	if (form_date(buf, NULL, c.term_end, &e) != 0)
		field_err(st, F_END, &e, &bad);
	else if (c.term_start[0] && strcmp(c.term_end, c.term_start) < 0) {
		qerr_set(&e, "class:err_term_order", NULL);
		field_err(st, F_END, &e, &bad);
	}
	tui_form_get(&st->fm, F_CAP, buf, sizeof buf);
	long cap = 0;
	if (form_int(buf, 1, 200, &cap, &e) != 0)
		field_err(st, F_CAP, &e, &bad);
	c.capacity = (int)cap;
	if (bad)
		return TUI_REDRAW;

	if (db_class_save(tui_db(), tui_actor(), &c, &e) != DB_OK) {
		/* Everything typed stays; the message says what to do. */
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	st->c = c;
	tui_message_key("class:saved");
	return TUI_POP | TUI_RELOAD;
}

static int edit_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct cedit *st = s->priv;
	if (ev->action == E_SAVE)
		return edit_save(st);
	if (ev->key == TUI_K_ESC) {
		if (!cls_form_may_leave(&st->fm, st->orig, st->days != st->orig_days))
			return TUI_REDRAW;
		return TUI_POP;
	}
	if (st->fm.focus == F_DAYS) {
		int k = ev->key;
		if (k == TUI_K_LEFT) {
			st->day_cur = (st->day_cur + 6) % 7;
			return TUI_REDRAW;
		}
		if (k == TUI_K_RIGHT) {
			st->day_cur = (st->day_cur + 1) % 7;
			return TUI_REDRAW;
		}
		if (k == ' ' || (k >= '1' && k <= '7') || k == 'x' || k == 'X') {
			int d = k >= '1' && k <= '7' ? k - '1' : st->day_cur;
			st->days ^= 1u << d;
			st->day_cur = d;
			qerr_clear(&st->days_err);
			return TUI_REDRAW;
		}
		if (TUI_IS_CHAR(k) && k >= ' ')
			return TUI_HANDLED; /* no text in this field */
	}
	switch (tui_form_key(&st->fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		return edit_save(st);
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return 0;
	}
}

static unsigned edit_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING;
}

static const struct tui_screen_def class_edit_screen = {
    .name = "class_edit",
    .title_key = "class:title",
    .keys = edit_keys,
    .init = edit_init,
    .free = edit_free,
    .draw = edit_draw,
    .key = edit_key,
    .state = edit_state,
};

int cls_edit_open(int64_t id)
{
	return tui_push(&class_edit_screen, (void *)(intptr_t)id);
}

/* ====================================================================== */
/* The class screen: children and sessions                                 */
/* ====================================================================== */

enum { C_TAB = 1, C_OPEN, C_ROLL, C_ENROL, C_LEAVE, C_HISTORY, C_CANCEL, C_EDIT };

static const struct tui_key class_keys_admin[] = {
    {TUI_K_TAB, 0, "class:k_tab", "class:k_tab_help", C_TAB, 0},
    {TUI_K_ENTER, 0, "class:k_roll_day", "class:k_roll_day_help", C_OPEN, TUI_NEED_ROW},
    {'t', 0, "class:k_roll", "class:k_roll_help", C_ROLL, TUI_NEED_WRITE},
    {'a', 0, "class:k_enrol", "class:k_enrol_help", C_ENROL, TUI_NEED_WRITE},
    {'l', 0, "class:k_leave", "class:k_leave_help", C_LEAVE, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'x', 0, "class:k_cancel", "class:k_cancel_help", C_CANCEL, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'h', 0, "class:k_history", "class:k_history_help", C_HISTORY, 0},
    {'e', 0, "class:k_edit", "class:k_edit_help", C_EDIT, TUI_NEED_WRITE},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_key class_keys_teacher[] = {
    {TUI_K_TAB, 0, "class:k_tab", "class:k_tab_help", C_TAB, 0},
    {TUI_K_ENTER, 0, "class:k_roll_day", "class:k_roll_day_help", C_OPEN, TUI_NEED_ROW},
    {'t', 0, "class:k_roll", "class:k_roll_help", C_ROLL, TUI_NEED_WRITE},
    {'x', 0, "class:k_cancel", "class:k_cancel_help", C_CANCEL, TUI_NEED_ROW | TUI_NEED_WRITE},
    {'h', 0, "class:k_history", "class:k_history_help", C_HISTORY, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

/* One line of the sessions pane: an expected day, a session row, or both. */
struct srow {
	char day[11];
	bool expected;
	int sess; /* index into sessions, -1 none */
};

struct cview {
	int64_t id;
	struct db_class c;
	struct db_enrolment *kids;
	int nkids;
	bool history;
	struct db_class_session *sessions;
	int nsessions;
	struct srow *srows;
	int nsrows;
	struct tui_list klist, slist;
	int pane; /* 0 children, 1 sessions */
	bool first_load;
};

static const struct tui_col kid_cols[] = {
    {"class:col_no", 3, TUI_RIGHT},     {"class:col_name", 0, TUI_LEFT},
    {"class:col_age", 5, TUI_RIGHT},    {"class:col_sex", 3, TUI_LEFT},
    {"class:col_school", 14, TUI_LEFT}, {"class:col_from", 10, TUI_LEFT},
    {"class:col_until", 10, TUI_LEFT},
};

static const struct tui_col ses_cols[] = {
    {"class:col_day", 4, TUI_LEFT},
    {"class:col_date", 10, TUI_LEFT},
    {"class:col_state", 0, TUI_LEFT},
};

static void kid_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct cview *st = ctx;
	if (row < 0 || row >= st->nkids)
		return;
	const struct db_enrolment *e = &st->kids[row];
	switch (col) {
	case 0:
		snprintf(buf, n, "%d", row + 1);
		break;
	case 1:
		cls_name(e->first_name, e->last_name, buf, n);
		break;
	case 2:
		if (e->age >= 0)
			snprintf(buf, n, "%d", e->age);
		break;
	case 3:
		snprintf(buf, n, "%s", loc_str(e->sex == 'F' ? "class:sex_f" : "class:sex_m"));
		break;
	case 4:
		util_strlcpy(buf, cls_school_label(e->school_status), n);
		break;
	case 5:
		loc_date(e->from_date, buf);
		break;
	case 6:
		if (e->to_date[0])
			loc_date(e->to_date, buf);
		break;
	default:
		break;
	}
}

static void session_state(const struct cview *st, const struct srow *r, char *buf, size_t n)
{
	char today[11];
	util_today(today);
	const struct db_class_session *s = r->sess >= 0 ? &st->sessions[r->sess] : NULL;
	if (s && s->cancelled)
		loc_fmt(buf, n, "class:st_cancelled", s->cancel_reason);
	else if (s && s->marks > 0)
		loc_fmt(buf, n, "class:st_roll", s->present, s->absent, s->late, s->excused);
	else if (strcmp(r->day, today) > 0)
		util_strlcpy(buf, loc_str("class:st_planned"), n);
	else if (strcmp(r->day, today) == 0)
		util_strlcpy(buf, loc_str("class:st_today"), n);
	else
		util_strlcpy(buf, loc_str("class:st_missing"), n);
	if (!r->expected) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, " %s", loc_str("class:st_extra"));
	}
}

static void ses_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct cview *st = ctx;
	if (row < 0 || row >= st->nsrows)
		return;
	const struct srow *r = &st->srows[row];
	switch (col) {
	case 0:
		util_strlcpy(buf, cls_wday_name(r->day, true), n);
		break;
	case 1:
		loc_date(r->day, buf);
		break;
	case 2:
		session_state(st, r, buf, n);
		break;
	default:
		break;
	}
}

static unsigned ses_flags(void *ctx, int row)
{
	struct cview *st = ctx;
	if (row < 0 || row >= st->nsrows)
		return 0;
	const struct srow *r = &st->srows[row];
	char today[11];
	util_today(today);
	const struct db_class_session *s = r->sess >= 0 ? &st->sessions[r->sess] : NULL;
	bool missing = (!s || (!s->cancelled && s->marks == 0)) && strcmp(r->day, today) < 0;
	return missing ? TUI_ROW_MARK : 0;
}

static int cmp_srow(const void *a, const void *b)
{
	return strcmp(((const struct srow *)a)->day, ((const struct srow *)b)->day);
}

static int view_reload(struct tui_screen *s, struct qerr *err)
{
	struct cview *st = s->priv;
	struct qdb *db = tui_db();
	const struct db_actor *who = tui_actor();
	if (db_class_get(db, who, st->id, &st->c, err) != DB_OK)
		return -1;
	free(st->kids);
	st->kids = NULL;
	st->nkids = 0;
	char today[11];
	util_today(today);
	if (db_enrolment_list(db, who, st->id, st->history ? NULL : today, &st->kids, &st->nkids,
	                      err) != DB_OK)
		return -1;
	tui_list_set_count(&st->klist, st->nkids);

	free(st->sessions);
	st->sessions = NULL;
	st->nsessions = 0;
	free(st->srows);
	st->srows = NULL;
	st->nsrows = 0;
	struct db_date *dates = NULL;
	int ndates = 0;
	if (db_class_sessions(db, who, st->id, &st->sessions, &st->nsessions, err) != DB_OK)
		return -1;
	if (db_class_expected_dates(db, who, st->id, NULL, NULL, &dates, &ndates, err) != DB_OK)
		return -1;
	st->srows = xcalloc((size_t)(ndates + st->nsessions + 1), sizeof *st->srows);
	/* Both lists are sorted by day: merge them. */
	int i = 0, j = 0;
	while (i < ndates || j < st->nsessions) {
		struct srow *r = &st->srows[st->nsrows++];
		int c = i >= ndates          ? 1
		        : j >= st->nsessions ? -1
		                             : strcmp(dates[i].s, st->sessions[j].day);
		if (c <= 0) {
			util_strlcpy(r->day, dates[i].s, sizeof r->day);
			r->expected = true;
			r->sess = c == 0 ? j : -1;
			i++;
			if (c == 0)
				j++;
		} else {
			util_strlcpy(r->day, st->sessions[j].day, sizeof r->day);
			r->expected = false;
			r->sess = j++;
		}
	}
	free(dates);
	if (st->nsrows > 1)
		qsort(st->srows, (size_t)st->nsrows, sizeof *st->srows, cmp_srow);
	tui_list_set_count(&st->slist, st->nsrows);
	if (st->first_load) {
		/* Start at today's session, or the next one. */
		st->first_load = false;
		int pick = st->nsrows - 1;
		for (int k = 0; k < st->nsrows; k++) {
			if (strcmp(st->srows[k].day, today) >= 0) {
				pick = k;
				break;
			}
		}
		tui_list_select(&st->slist, pick);
	}
	return 0;
}

static void view_free(struct tui_screen *s);
static const struct tui_screen_def class_view_teacher;

static int view_init(struct tui_screen *s, struct qerr *err)
{
	struct cview *st = xcalloc(1, sizeof *st);
	st->id = (int64_t)(intptr_t)s->arg;
	st->first_load = true;
	st->pane = 1;
	tui_list_init(&st->klist, kid_cols, 7, st, kid_cell);
	st->klist.show_titles = true;
	st->klist.searchable = true;
	tui_list_init(&st->slist, ses_cols, 3, st, ses_cell);
	st->slist.show_titles = true;
	st->slist.row_flags = ses_flags;
	s->priv = st;
	if (!cls_admin())
		s->def = &class_view_teacher;
	if (view_reload(s, err) != 0) {
		view_free(s);
		return -1;
	}
	return 0;
}

static void view_free(struct tui_screen *s)
{
	struct cview *st = s->priv;
	if (!st)
		return;
	free(st->kids);
	free(st->sessions);
	free(st->srows);
	free(st);
	s->priv = NULL;
}

static void view_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct cview *st = s->priv;
	const struct db_class *c = &st->c;
	const struct conf *cf = tui_conf();
	char line[1200], when[100], a[11], b[11];
	tui_put(w, 0, 1, cols - 2, c->name, tui_style(TUI_S_TITLE), false);
	cls_schedule_str(c, when, sizeof when);
	loc_date(c->term_start, a);
	loc_date(c->term_end, b);
	/* cls_cat_label's buffer is reused: copy the first label. */
	char subject[256];
	util_strlcpy(subject, cls_cat_label(cf ? &cf->subjects : NULL, c->subject), sizeof subject);
	snprintf(line, sizeof line, "%s · %s · %s%s%s", subject, c->teacher_name, when,
	         c->room[0] ? " · " : "",
	         c->room[0] ? cls_cat_label(cf ? &cf->rooms : NULL, c->room) : "");
	tui_put(w, 1, 1, cols - 2, line, A_NORMAL, false);
	loc_fmt(line, sizeof line, "class:term_line", a, b, c->enrolled, c->capacity);
	tui_put(w, 2, 1, cols - 2, line, tui_style(TUI_S_DIM), false);

	/* The two panes as tabs: the active one in brackets and bold. */
	char t0[120], t1[120];
	loc_fmt(t0, sizeof t0, st->history ? "class:tab_history" : "class:tab_children", st->nkids);
	loc_fmt(t1, sizeof t1, "class:tab_sessions", st->nsrows);
	int x = 1;
	x += cls_tab_put(w, 4, x, cols - x, t0, st->pane == 0);
	x += 2;
	cls_tab_put(w, 4, x, cols - x, t1, st->pane == 1);

	int ly = 5, lr = rows - ly;
	if (st->pane == 0) {
		int sel = tui_list_selected(&st->klist);
		bool detail = st->history && sel >= 0 && st->kids[sel].to_date[0];
		if (st->nkids == 0)
			tui_put(w, ly + 1, 3, cols - 4, loc_str("class:no_children"),
			        tui_style(TUI_S_DIM), false);
		else
			tui_list_draw(&st->klist, w, ly, 1, lr - (detail ? 1 : 0), cols - 2, true);
		if (detail) {
			loc_fmt(line, sizeof line, "class:left_reason", st->kids[sel].leave_reason);
			tui_put(w, rows - 1, 3, cols - 4, line, tui_style(TUI_S_DIM), false);
		}
	} else {
		if (st->nsrows == 0)
			tui_put(w, ly + 1, 3, cols - 4, loc_str("class:no_sessions"),
			        tui_style(TUI_S_DIM), false);
		else
			tui_list_draw(&st->slist, w, ly, 1, lr, cols - 2, true);
	}
}

static int enrol_pick(void *ctx, const struct db_person_hit *h, char *msg, size_t msgsz,
                      struct qerr *err)
{
	struct cview *st = ctx;
	char today[11], name[300];
	util_today(today);
	/* Before the term begins a child is enrolled from its first day. */
	const char *from = strcmp(today, st->c.term_start) < 0 ? st->c.term_start : today;
	cls_name(h->first_name, h->last_name, name, sizeof name);
	int rc = db_enrol(tui_db(), tui_actor(), st->id, h->person_id, from, false, NULL, err);
	if (rc == DB_CONFLICT && strcmp(err->key, "err:class_full") == 0) {
		char q[600];
		loc_fmt(q, sizeof q, "class:full_q", st->c.capacity, name);
		if (!tui_confirm(q)) {
			qerr_clear(err);
			return -1;
		}
		qerr_clear(err);
		rc = db_enrol(tui_db(), tui_actor(), st->id, h->person_id, from, true, NULL, err);
	}
	if (rc != DB_OK)
		return -1;
	loc_fmt(msg, msgsz, "class:enrolled", name, st->c.name);
	/* Keep the capacity figure right for the next pick. */
	struct qerr e = {0};
	db_class_get(tui_db(), tui_actor(), st->id, &st->c, &e);
	return 0;
}

struct leave_ctx {
	int64_t enrol_id, version;
};
static struct leave_ctx leave_ctx;

static int leave_submit(void *ctx, char vals[CLS_ASK_MAX][CLS_ASK_VAL], int *bad, struct qerr *err)
{
	struct leave_ctx *l = ctx;
	int rc =
	    db_enrol_leave(tui_db(), tui_actor(), l->enrol_id, l->version, vals[0], vals[1], err);
	if (rc == DB_OK) {
		tui_message_key("class:left");
		return 0;
	}
	if (strcmp(err->key, "err:enrol_date_invalid") == 0)
		*bad = 0;
	else if (strcmp(err->key, "err:enrol_reason_required") == 0)
		*bad = 1;
	return -1;
}

struct cancel_ctx {
	int64_t class_id, version;
	char day[11];
};
static struct cancel_ctx cancel_ctx;

static int cancel_submit(void *ctx, char vals[CLS_ASK_MAX][CLS_ASK_VAL], int *bad, struct qerr *err)
{
	struct cancel_ctx *k = ctx;
	if (db_class_session_cancel(tui_db(), tui_actor(), k->class_id, k->day, vals[0], k->version,
	                            err) != DB_OK) {
		if (strcmp(err->key, "err:session_reason_required") == 0)
			*bad = 0;
		return -1;
	}
	tui_message_key("class:session_cancelled");
	return 0;
}

int cls_session_cancel_ask(int64_t class_id, const char *class_name, const char *day,
                           int64_t version)
{
	cancel_ctx.class_id = class_id;
	cancel_ctx.version = version;
	util_strlcpy(cancel_ctx.day, day, sizeof cancel_ctx.day);
	struct cls_ask a = {0};
	a.title_key = "class:cancel_title";
	char d[11];
	loc_date(day, d);
	snprintf(a.info, sizeof a.info, "%s · %s", class_name, d);
	a.n = 1;
	a.f[0].label_key = "class:f_reason";
	a.f[0].maxlen = 120;
	a.f[0].required = true;
	a.submit = cancel_submit;
	a.ctx = &cancel_ctx;
	return cls_ask_open(&a);
}

static int view_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct cview *st = s->priv;
	struct tui_list *l = st->pane == 0 ? &st->klist : &st->slist;
	if (tui_list_typing(l))
		return tui_list_key(l, ev->key);
	char today[11];
	util_today(today);
	switch (ev->action) {
	case C_TAB:
		st->pane = !st->pane;
		return TUI_REDRAW;
	case C_ROLL:
		return roll_today(&st->c);
	case C_OPEN: {
		if (st->pane != 1) {
			st->pane = 1;
			return TUI_REDRAW;
		}
		int r = tui_list_selected(&st->slist);
		if (r < 0)
			return TUI_HANDLED;
		if (strcmp(st->srows[r].day, today) > 0) {
			tui_message_key("class:roll_future");
			return TUI_REDRAW;
		}
		cls_roll_open(st->id, st->srows[r].day);
		return TUI_REDRAW;
	}
	case C_ENROL: {
		struct cls_pick p = {0};
		p.title_key = "class:enrol_title";
		snprintf(p.info, sizeof p.info, "%s", st->c.name);
		p.pick = enrol_pick;
		p.ctx = st;
		cls_pick_open(&p);
		return TUI_REDRAW;
	}
	case C_LEAVE: {
		int r = tui_list_selected(&st->klist);
		if (st->pane != 0 || r < 0) {
			tui_message_key("class:pick_child_first");
			return TUI_REDRAW;
		}
		const struct db_enrolment *e = &st->kids[r];
		if (e->to_date[0]) {
			tui_message_key("class:already_left");
			return TUI_REDRAW;
		}
		leave_ctx.enrol_id = e->id;
		leave_ctx.version = e->version;
		struct cls_ask a = {0};
		a.title_key = "class:leave_title";
		char name[500];
		cls_name(e->first_name, e->last_name, name, sizeof name);
		snprintf(a.info, sizeof a.info, "%s · %s", name, st->c.name);
		a.n = 2;
		a.f[0].label_key = "class:f_last_day";
		a.f[0].date = true;
		a.f[0].required = true;
		loc_date(today, a.f[0].init);
		a.f[1].label_key = "class:f_reason";
		a.f[1].maxlen = 120;
		a.f[1].required = true;
		a.submit = leave_submit;
		a.ctx = &leave_ctx;
		cls_ask_open(&a);
		return TUI_REDRAW;
	}
	case C_HISTORY: {
		st->history = !st->history;
		st->pane = 0;
		struct qerr e = {0};
		if (view_reload(s, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	}
	case C_CANCEL: {
		int r = tui_list_selected(&st->slist);
		if (st->pane != 1 || r < 0) {
			tui_message_key("class:pick_session_first");
			return TUI_REDRAW;
		}
		const struct srow *sr = &st->srows[r];
		const struct db_class_session *ss = sr->sess >= 0 ? &st->sessions[sr->sess] : NULL;
		if (ss && ss->cancelled) {
			tui_message_key("class:already_cancelled");
			return TUI_REDRAW;
		}
		if (ss && ss->marks > 0) {
			tui_message_key("class:has_roll");
			return TUI_REDRAW;
		}
		cls_session_cancel_ask(st->id, st->c.name, sr->day, ss ? ss->version : 0);
		return TUI_REDRAW;
	}
	case C_EDIT:
		cls_edit_open(st->id);
		return TUI_REDRAW;
	default:
		break;
	}
	return tui_list_key(l, ev->key);
}

static unsigned view_state(const struct tui_screen *s)
{
	const struct cview *st = s->priv;
	return cls_list_state(st->pane == 0 ? &st->klist : &st->slist);
}

static const struct tui_screen_def class_view = {
    .name = "class",
    .title_key = "class:view_title",
    .keys = class_keys_admin,
    .init = view_init,
    .free = view_free,
    .reload = view_reload,
    .draw = view_draw,
    .key = view_key,
    .state = view_state,
};

static const struct tui_screen_def class_view_teacher = {
    .name = "class",
    .title_key = "class:view_title",
    .keys = class_keys_teacher,
    .init = view_init,
    .free = view_free,
    .reload = view_reload,
    .draw = view_draw,
    .key = view_key,
    .state = view_state,
};

int cls_class_open(int64_t class_id)
{
	return tui_push(&class_view, (void *)(intptr_t)class_id);
}
