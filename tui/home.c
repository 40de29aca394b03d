/*
 * home — "Sot / Today", the screen after login: the user's own day from
 * db_today_with (appointments or classes, follow-ups and no-shows,
 * referrals waiting, rolls not taken, the dropout warning, visits) on the
 * left, and on the right the menu of the screens other modules registered
 * for this role (tui_register_screen), each with its hotkey.
 *
 * What a role may see is decided in db_today; this screen only lays it out.
 * A viewer gets counts and no names. The rows are rebuilt from the fetched
 * figures on every paint, so a language switch shows at once.
 *
 * Enter on a line opens what it is about, where a screen exists: an
 * appointment or a no-show the schedule on its day, a follow-up the session
 * log, a class today its roll, a referral the referral screen, and the
 * counts (rolls not taken, dropout warning, visits) their lists. Screens
 * registered on the menu are found by name among the role's own entries,
 * so a line opens nothing the role could not open from the menu.
 */
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/care.h"
#include "db/today.h"
#include "locale/loc.h"
#include "tui/cls.h"
#include "tui/cns.h"
#include "tui/desk.h"

enum { H_OPEN = 1, H_TAB, H_REFRESH, H_LOGOUT };

/* What a line of the day is about, for Enter. */
enum hkind {
	HK_NONE = 0,
	HK_APPT,     /* an appointment (id) on day: the schedule */
	HK_FOLLOWUP, /* a session follow-up (id = appointment): the session log */
	HK_NOSHOW,   /* a no-show (id = appointment) on day: the schedule */
	HK_CLASS,    /* a class (id) meeting today: its roll */
	HK_REFERRAL, /* a referral (id): the referral screen */
	HK_ROLLS,    /* the count of rolls not taken: their list */
	HK_DROPOUT,  /* the dropout warning count: the warning list */
	HK_VISITS,   /* visits today: the visits of the day */
};

/* The registered screens the counts open, by their def's name. */
#define SCREEN_SCHEDULE "schedule"
#define SCREEN_ROLLS    "roll_missing"
#define SCREEN_DROPOUT  "dropout"
#define SCREEN_VISITS   "desk_visits"

const struct tui_key tui_home_keys[] = {
    {TUI_K_ENTER, 0, NULL, "home:k_open", H_OPEN, 0},
    {TUI_K_TAB, 0, NULL, "home:k_tab", H_TAB, 0},
    {TUI_FKEY(5), 'r', "keys:refresh", "home:k_refresh", H_REFRESH, 0},
    {TUI_FKEY(10), 'q', "keys:logout", "home:k_logout", H_LOGOUT, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {TUI_K_PGUP, TUI_K_PGDN, NULL, "help:k_page", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

#define MENU_W   30
#define MENU_MAX 32

struct hrow {
	unsigned flags;
	enum hkind kind;
	int64_t id;
	char day[11]; /* "YYYY-MM-DD" for HK_APPT, HK_NOSHOW, HK_CLASS */
	char c[3][200];
};

struct home {
	struct db_today t;
	bool loaded;
	struct qerr err;
	struct hrow *rows;
	int n, cap;
	struct tui_list list;
	struct shell_menu menu[MENU_MAX];
	int nmenu, menu_sel;
	bool menu_focus;
};

/* when (a time or "! dd.mm.yyyy"), who, what */
static const struct tui_col home_cols[] = {
    {NULL, 12, TUI_LEFT},
    {NULL, 20, TUI_LEFT},
    {NULL, 0, TUI_LEFT},
};

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct home *h = ctx;
	if (row >= 0 && row < h->n && col >= 0 && col < 3)
		util_strlcpy(buf, h->rows[row].c[col], n);
}

static unsigned row_flags(void *ctx, int row)
{
	struct home *h = ctx;
	return row >= 0 && row < h->n ? h->rows[row].flags : 0;
}

static struct hrow *add(struct home *h, unsigned flags, const char *c0, const char *c1,
                        const char *c2)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->rows = xrealloc(h->rows, sizeof *h->rows * (size_t)h->cap);
	}
	struct hrow *r = &h->rows[h->n++];
	memset(r, 0, sizeof *r);
	r->flags = flags;
	util_strlcpy(r->c[0], c0 ? c0 : "", sizeof r->c[0]);
	util_strlcpy(r->c[1], c1 ? c1 : "", sizeof r->c[1]);
	util_strlcpy(r->c[2], c2 ? c2 : "", sizeof r->c[2]);
	return r;
}

/* The label of a catalogue value: the configured label, the catalogue text
 * "catalog:<list>.<key>", or the stored key itself. */
static const char *cat_label(const struct conf_list *l, const char *key)
{
	const struct conf *cf = tui_conf();
	const struct conf_item *it = cf && l ? conf_find(l, key) : NULL;
	const char *lab = it ? conf_item_label(it, loc_lang()) : NULL;
	if (lab && lab[0])
		return lab;
	const char *list = cf && l ? conf_list_key(cf, l) : NULL;
	if (list) {
		static char k[128];
		snprintf(k, sizeof k, "catalog:%s.%s", list, key);
		if (loc_has(loc_lang(), k) || loc_has("en", k))
			return loc_str(k);
	}
	return key;
}

static void date_of(const char *iso, char out[11])
{
	loc_date(iso, out);
}

static void header(struct home *h, const char *key, int total)
{
	char buf[200];
	loc_fmt(buf, sizeof buf, key, total);
	add(h, TUI_ROW_HEADER, buf, NULL, NULL);
}

/* Mark the row just added as about kind/id (on day, may be NULL). */
static void about(struct hrow *r, enum hkind kind, int64_t id, const char *day)
{
	r->kind = kind;
	r->id = id;
	util_strlcpy(r->day, day ? day : "", sizeof r->day);
}

static void tail(struct home *h, const struct db_today_list *l, const char *none_key)
{
	char buf[200];
	if (l->total == 0) {
		add(h, TUI_ROW_INFO, loc_str(none_key), NULL, NULL);
	} else if (l->total > l->n) {
		loc_fmt(buf, sizeof buf, "home:more", l->total - l->n);
		add(h, TUI_ROW_INFO, buf, NULL, NULL);
	}
}

/* Append " · part" (or just part when out is empty); empty parts are skipped. */
static void join(char *out, size_t n, const char *part)
{
	if (!part || !part[0])
		return;
	size_t len = strlen(out);
	snprintf(out + len, n - len, "%s%s", len ? " · " : "", part);
}

/* "type · room · counsellor" as fits the role. */
static void appt_detail(const struct db_today_item *it, bool show_staff, char *out, size_t n)
{
	const struct conf *cf = tui_conf();
	snprintf(out, n, "%s", cat_label(cf ? &cf->counselling_types : NULL, it->what));
	size_t len = strlen(out);
	if (it->where[0])
		snprintf(out + len, n - len, " · %s", cat_label(cf ? &cf->rooms : NULL, it->where));
	len = strlen(out);
	if (show_staff && it->staff[0])
		snprintf(out + len, n - len, " · %s", it->staff);
	len = strlen(out);
	if (it->status[0] && strcmp(it->status, "scheduled") != 0) {
		char k[48];
		snprintf(k, sizeof k, "home:st_%s", it->status);
		snprintf(out + len, n - len, " [%s]", loc_str(k));
	}
}

static void build_counselling(struct home *h, bool all)
{
	const struct db_today *t = &h->t;
	char c0[40], c2[200], today[11];
	util_today(today);
	header(h, all ? "home:appts_all" : "home:appts_mine", t->appts.total);
	for (int i = 0; i < t->appts.n; i++) {
		const struct db_today_item *it = &t->appts.item[i];
		appt_detail(it, all, c2, sizeof c2);
		about(add(h, 0, it->when, it->who, c2), HK_APPT, it->id, today);
	}
	tail(h, &t->appts, "home:none_appts");

	header(h, "home:followups", t->followups.total);
	for (int i = 0; i < t->followups.n; i++) {
		const struct db_today_item *it = &t->followups.item[i];
		date_of(it->when, c0);
		appt_detail(it, all, c2, sizeof c2);
		about(add(h, 0, c0, it->who, c2), HK_FOLLOWUP, it->id, NULL);
	}
	tail(h, &t->followups, "home:none_followups");

	if (t->noshows.total > 0) {
		header(h, "home:noshows", t->noshows.total);
		for (int i = 0; i < t->noshows.n; i++) {
			const struct db_today_item *it = &t->noshows.item[i];
			date_of(it->when, c0);
			appt_detail(it, all, c2, sizeof c2);
			about(add(h, 0, c0, it->who, c2), HK_NOSHOW, it->id, it->when);
		}
		tail(h, &t->noshows, "home:none_noshows");
	}
}

/* A figure on a row of its own across the list; "!" and bold when it needs action. */
static struct hrow *count_row(struct home *h, const char *key, int n, bool warn)
{
	char buf[200], line[210];
	loc_fmt(buf, sizeof buf, key, n);
	snprintf(line, sizeof line, "%s%s", warn ? "! " : "  ", buf);
	return add(h, warn ? TUI_ROW_MARK : 0, line, NULL, NULL);
}

static void build_classes(struct home *h, bool all)
{
	const struct db_today *t = &h->t;
	const struct conf *cf = tui_conf();
	char c2[200], today[11];
	util_today(today);
	header(h, all ? "home:classes_all" : "home:classes_mine", t->classes.total);
	for (int i = 0; i < t->classes.n; i++) {
		const struct db_today_item *it = &t->classes.item[i];
		char kids[60], roll[80];
		loc_fmt(kids, sizeof kids, "home:children", it->count);
		if (strcmp(it->status, "held") == 0)
			util_strlcpy(roll, loc_str("home:roll_taken"), sizeof roll);
		else if (strcmp(it->status, "cancelled") == 0)
			util_strlcpy(roll, loc_str("home:class_cancelled"), sizeof roll);
		else
			util_strlcpy(roll, loc_str("home:roll_due"), sizeof roll);
		c2[0] = '\0';
		join(c2, sizeof c2,
		     it->where[0] ? cat_label(cf ? &cf->rooms : NULL, it->where) : "");
		if (all)
			join(c2, sizeof c2, it->staff);
		join(c2, sizeof c2, kids);
		join(c2, sizeof c2, roll);
		about(add(h, 0, it->when, it->what, c2), HK_CLASS, it->id, today);
	}
	tail(h, &t->classes, "home:none_classes");
	about(count_row(h, "home:roll_missing", t->roll_missing, t->roll_missing > 0), HK_ROLLS, 0,
	      NULL);
}

static void build_referrals(struct home *h)
{
	const struct db_today *t = &h->t;
	const struct conf *cf = tui_conf();
	char buf[200], c0[40], c2[200];
	loc_fmt(buf, sizeof buf, "home:referrals", t->referrals.total, t->referrals_overdue);
	add(h, TUI_ROW_HEADER, buf, NULL, NULL);
	for (int i = 0; i < t->referrals.n; i++) {
		const struct db_today_item *it = &t->referrals.item[i];
		bool late = strcmp(it->status, "overdue") == 0;
		char d[11];
		date_of(it->when, d);
		snprintf(c0, sizeof c0, "%s%s", late ? "! " : "  ", d);
		snprintf(c2, sizeof c2, "%s · %s%s%s",
		         cat_label(cf ? &cf->services : NULL, it->what), it->where,
		         late ? " · " : "", late ? loc_str("home:overdue") : "");
		about(add(h, late ? TUI_ROW_MARK : 0, c0, it->who, c2), HK_REFERRAL, it->id, NULL);
	}
	tail(h, &t->referrals, "home:none_referrals");
}

/* Managers and registrars: children on the dropout warning, and how many
 * nobody has acted on yet ("!" while any). */
static void build_dropout(struct home *h)
{
	const struct db_today *t = &h->t;
	char buf[200], line[210];
	loc_fmt(buf, sizeof buf, "home:dropout", t->dropout_total, t->dropout_open);
	bool warn = t->dropout_open > 0;
	snprintf(line, sizeof line, "%s%s", warn ? "! " : "  ", buf);
	about(add(h, warn ? TUI_ROW_MARK : 0, line, NULL, NULL), HK_DROPOUT, 0, NULL);
}

/* A viewer: figures only. */
static void build_counts(struct home *h)
{
	const struct db_today *t = &h->t;
	add(h, TUI_ROW_HEADER, loc_str("home:figures"), NULL, NULL);
	count_row(h, "home:n_appts", t->appts.total, false);
	count_row(h, "home:n_classes", t->classes.total, false);
	count_row(h, "home:roll_missing", t->roll_missing, false);
	char buf[200], line[210];
	loc_fmt(buf, sizeof buf, "home:n_referrals", t->referrals.total, t->referrals_overdue);
	snprintf(line, sizeof line, "  %s", buf);
	add(h, 0, line, NULL, NULL);
}

static void build(struct home *h)
{
	h->n = 0;
	const struct db_actor *a = tui_actor();
	if (!h->loaded) {
		char buf[400];
		loc_err(&h->err, buf, sizeof buf);
		add(h, TUI_ROW_INFO, buf[0] ? buf : loc_str("common:loading"), NULL, NULL);
	} else if (!h->t.names) {
		build_counts(h);
	} else {
		bool all = a && a->role == DB_ROLE_MANAGER;
		if (h->t.counselling)
			build_counselling(h, all);
		/* The dropout warning goes with the classes (beside the rolls not
		 * taken), or after the referrals for a registrar. */
		if (h->t.classes_on)
			build_classes(h, all);
		if (h->t.classes_on && h->t.dropout_on)
			build_dropout(h);
		if (h->t.referrals_on)
			build_referrals(h);
		if (!h->t.classes_on && h->t.dropout_on)
			build_dropout(h);
	}
	if (h->loaded) {
		add(h, TUI_ROW_HEADER, loc_str("home:centre"), NULL, NULL);
		about(count_row(h, "home:visits", h->t.visits_today, false), HK_VISITS, 0, NULL);
	}
	tui_list_set_count(&h->list, h->n);
}

static int home_reload(struct tui_screen *s, struct qerr *err)
{
	struct home *h = s->priv;
	const struct conf *cf = tui_conf();
	qerr_clear(&h->err);
	struct db_dropout_rule rule;
	cls_dropout_rule(&rule); /* the configured rule, as the warning list uses */
	struct db_today_opts o = {.overdue_days = cf ? cf->referral_overdue_days : 0,
	                          .dropout_rule = &rule};
	int rc = db_today_with(tui_db(), tui_actor(), NULL, &o, &h->t, &h->err);
	h->loaded = rc == DB_OK;
	h->nmenu = shell_menu(h->menu, MENU_MAX);
	if (h->menu_sel >= h->nmenu)
		h->menu_sel = 0;
	if (!h->nmenu)
		h->menu_focus = false;
	build(h);
	if (rc != DB_OK && err) {
		*err = h->err;
		return -1;
	}
	return 0;
}

static int home_init(struct tui_screen *s, struct qerr *err)
{
	struct home *h = xcalloc(1, sizeof *h);
	tui_list_init(&h->list, home_cols, 3, h, cell);
	h->list.row_flags = row_flags;
	h->list.searchable = true;
	s->priv = h;
	/* A database error still opens the screen: it shows the error and F5
	 * tries again, because home is the base of the stack. */
	struct qerr e = {0};
	if (home_reload(s, &e) != 0)
		tui_message_err(&e);
	(void)err;
	return 0;
}

static void home_free(struct tui_screen *s)
{
	struct home *h = s->priv;
	if (!h)
		return;
	free(h->rows);
	util_wipe(h, sizeof *h);
	free(h);
	s->priv = NULL;
}

static void draw_menu(struct home *h, WINDOW *w, int y, int x, int rows, int cols)
{
	tui_put(w, y, x, cols, loc_str("home:menu"), tui_style(TUI_S_TITLE), false);
	for (int i = 0; i < h->nmenu && i + 2 < rows; i++) {
		char key[40], line[200];
		key[0] = '\0';
		if (h->menu[i].hotkey)
			tui_key_name(h->menu[i].hotkey, key, sizeof key);
		snprintf(line, sizeof line, "%-3s %s", key, loc_str(h->menu[i].label_key));
		bool sel = h->menu_focus && i == h->menu_sel;
		attr_t a = sel ? tui_style(TUI_S_SELECTED) : A_NORMAL;
		if (sel)
			tui_put(w, y + 2 + i, x, cols, "", a, true);
		tui_put(w, y + 2 + i, x, 1, sel ? ">" : " ", a | A_BOLD, false);
		tui_put(w, y + 2 + i, x + 2, cols - 2, line, a, false);
	}
}

static void home_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct home *h = s->priv;
	build(h);
	char title[200], date[11], today[11];
	util_today(today);
	loc_date(today, date);
	loc_fmt(title, sizeof title, "home:title_day", date);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	/* The menu column is as wide as its longest entry (and absent while
	 * nothing is registered for the role): the day gets the rest. */
	int menu_w = 0;
	for (int i = 0; i < h->nmenu; i++) {
		int lw = tui_text_width(loc_str(h->menu[i].label_key)) + 8;
		if (lw > menu_w)
			menu_w = lw;
	}
	if (h->nmenu) {
		int tw = tui_text_width(loc_str("home:menu")) + 4;
		if (menu_w < tw)
			menu_w = tw;
		if (menu_w > cols / 3)
			menu_w = cols / 3;
	}
	int list_w = h->nmenu ? cols - menu_w - 3 : cols - 2;
	tui_list_draw(&h->list, w, 2, 1, rows - 2, list_w, !h->menu_focus);
	if (!h->nmenu)
		return;
	for (int y = 2; y < rows; y++)
		tui_put(w, y, list_w + 2, 1, term_utf8() ? "│" : "|", tui_style(TUI_S_DIM), false);
	draw_menu(h, w, 2, list_w + 4, rows - 2, menu_w - 2);
}

static int open_menu(struct home *h, int i)
{
	if (i < 0 || i >= h->nmenu)
		return 0;
	tui_push(h->menu[i].def, NULL);
	return TUI_REDRAW;
}

/* Open the role's registered screen called name, with arg; 0 when the role
 * has none. */
static int open_named(struct home *h, const char *name, void *arg)
{
	for (int i = 0; i < h->nmenu; i++) {
		if (h->menu[i].def->name && strcmp(h->menu[i].def->name, name) == 0) {
			tui_push(h->menu[i].def, arg);
			return TUI_REDRAW;
		}
	}
	tui_message_key("home:no_screen");
	return TUI_HANDLED;
}

/*
 * The class roll of a class meeting today. tui/cls.h's cls_roll_open when
 * the classes module is linked (it is: tui/cls_roll.c); kept in one place
 * so the day list does not depend on how that module opens its roll.
 */
static int open_roll(int64_t class_id, const char *day)
{
	cls_roll_open(class_id, day);
	return TUI_REDRAW;
}

/* Enter on a line of the day. */
static int open_row(struct home *h)
{
	int i = tui_list_selected(&h->list);
	if (i < 0 || i >= h->n)
		return TUI_HANDLED;
	/* A copy: opening a screen may rebuild the rows. */
	struct hrow r = h->rows[i];
	switch (r.kind) {
	case HK_APPT:
	case HK_NOSHOW:
		return open_named(h, SCREEN_SCHEDULE, r.day); /* copied by its init */
	case HK_FOLLOWUP: {
		/* The log screen fetches the appointment itself from its id. */
		struct db_appt ap;
		memset(&ap, 0, sizeof ap);
		ap.id = r.id;
		tui_push(&cns_log_screen, &ap);
		return TUI_REDRAW;
	}
	case HK_CLASS:
		return open_roll(r.id, r.day);
	case HK_REFERRAL:
		tui_push(&desk_referral_screen, &r.id);
		return TUI_REDRAW;
	case HK_ROLLS:
		return open_named(h, SCREEN_ROLLS, NULL);
	case HK_DROPOUT:
		return open_named(h, SCREEN_DROPOUT, NULL);
	case HK_VISITS:
		return open_named(h, SCREEN_VISITS, NULL);
	default:
		tui_message_key("home:nothing_to_open");
		return TUI_HANDLED;
	}
}

static int home_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct home *h = s->priv;
	if (tui_list_typing(&h->list))
		return tui_list_key(&h->list, ev->key);
	switch (ev->action) {
	case H_REFRESH: {
		struct qerr e = {0};
		if (home_reload(s, &e) != 0)
			tui_message_err(&e);
		else
			tui_message_key("home:refreshed");
		return TUI_REDRAW;
	}
	case H_LOGOUT:
		if (tui_confirm(loc_str("home:logout_q")))
			shell_logout();
		return TUI_HANDLED;
	case H_TAB:
		if (h->nmenu)
			h->menu_focus = !h->menu_focus;
		return TUI_REDRAW;
	case H_OPEN:
		if (h->menu_focus)
			return open_menu(h, h->menu_sel);
		return open_row(h);
	default:
		break;
	}
	/* The menu's hotkeys. */
	for (int i = 0; i < h->nmenu; i++) {
		struct tui_key probe = {h->menu[i].hotkey, 0, NULL, NULL, 1, 0};
		if (h->menu[i].hotkey && shell_key_match(&probe, ev->key, false))
			return open_menu(h, i);
	}
	if (h->menu_focus) {
		if (ev->key == TUI_K_UP && h->menu_sel > 0)
			h->menu_sel--;
		else if (ev->key == TUI_K_DOWN && h->menu_sel < h->nmenu - 1)
			h->menu_sel++;
		else if (ev->key != TUI_K_UP && ev->key != TUI_K_DOWN)
			return 0;
		return TUI_REDRAW;
	}
	return tui_list_key(&h->list, ev->key);
}

static unsigned home_state(const struct tui_screen *s)
{
	const struct home *h = s->priv;
	unsigned st = 0;
	if (tui_list_typing(&h->list))
		st |= TUI_ST_TYPING;
	if (tui_list_selected(&h->list) >= 0)
		st |= TUI_ST_ROW;
	return st;
}

const struct tui_screen_def tui_home_screen = {
    .name = "home",
    .title_key = "home:title",
    .keys = tui_home_keys,
    .init = home_init,
    .free = home_free,
    .reload = home_reload,
    .draw = home_draw,
    .key = home_key,
    .state = home_state,
};
