/*
 * desk_common — what the front-desk and referral screens share: the person
 * search (db_person_search as the user types), catalogue labels, numbered
 * choices, and the registration of the desk's menu entries and of the
 * global "register visit" key.
 *
 * The registrations live in one block here because their order matters:
 * the home hotkey 'v' must be taken before the global Alt-V, which the
 * shell would otherwise see as the same letter.
 */
#include "tui/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/registry.h"
#include "forms/form.h"
#include "locale/loc.h"

#define PICK_LIMIT 100

const char *desk_cat_label(const struct conf_list *l, const char *key)
{
	static char k[128];
	const struct conf *cf = tui_conf();
	if (!key)
		return "";
	const struct conf_item *it = cf && l ? conf_find(l, key) : NULL;
	const char *lab = it ? conf_item_label(it, loc_lang()) : NULL;
	if (lab && lab[0])
		return lab;
	const char *list = cf && l ? conf_list_key(cf, l) : NULL;
	if (list) {
		snprintf(k, sizeof k, "catalog:%s.%s", list, key);
		if (loc_has(loc_lang(), k) || loc_has("en", k))
			return loc_str(k);
	}
	return key;
}

int desk_choice_key(int i)
{
	if (i >= 0 && i < 9)
		return '1' + i;
	if (i >= 9 && i < 9 + 26)
		return 'a' + (i - 9);
	return 0;
}

int desk_choice_index(int key, int n)
{
	int i = -1;
	if (TUI_IS_ALT(key))
		key &= ~0x2000000;
	if (key >= '1' && key <= '9')
		i = key - '1';
	else if (key >= 'a' && key <= 'z')
		i = 9 + key - 'a';
	else if (key >= 'A' && key <= 'Z')
		i = 9 + key - 'A';
	return i >= 0 && i < n ? i : -1;
}

void desk_birth(const char *birth_date, int birth_year, char out[11])
{
	out[0] = '\0';
	if (birth_date && birth_date[0])
		loc_date(birth_date, out);
	else if (birth_year > 0)
		snprintf(out, 11, "%d", birth_year % 10000);
}

void desk_person_line(const struct desk_person *p, char *out, size_t n)
{
	char born[11], father[200], bl[100];
	desk_birth(p->birth_date, p->birth_year, born);
	father[0] = bl[0] = '\0';
	if (p->father[0])
		loc_fmt(father, sizeof father, "visit:father_of", p->father);
	if (born[0])
		loc_fmt(bl, sizeof bl, "visit:born_on", born);
	snprintf(out, n, "%s %s%s%s%s%s%s%s", p->first, p->last, father[0] ? " · " : "", father,
	         p->family_code[0] ? " · " : "", p->family_code, bl[0] ? " · " : "", bl);
}

int desk_person_load(int64_t id, struct desk_person *p, struct qerr *err)
{
	struct db_person *dp = xcalloc(1, sizeof *dp);
	memset(p, 0, sizeof *p);
	int rc = db_person_get(tui_db(), tui_actor(), id, dp, err);
	if (rc == DB_OK) {
		p->id = dp->id;
		p->family_id = dp->family_id;
		util_strlcpy(p->first, dp->first_name, sizeof p->first);
		util_strlcpy(p->father, dp->father_name, sizeof p->father);
		util_strlcpy(p->last, dp->last_name, sizeof p->last);
		util_strlcpy(p->birth_date, dp->birth_date, sizeof p->birth_date);
		p->birth_year = dp->birth_year;
		p->sex = dp->sex;
		struct db_family *f = xcalloc(1, sizeof *f);
		struct qerr fe = {0};
		if (db_family_get(tui_db(), tui_actor(), dp->family_id, f, &fe) == DB_OK)
			util_strlcpy(p->family_code, f->code, sizeof p->family_code);
		free(f);
	}
	free(dp);
	return rc == DB_OK ? 0 : -1;
}

/* ---- the person search ---- */

static const struct tui_col pick_cols[] = {
    {"visit:col_name", 0, TUI_LEFT},   {"visit:col_father", 12, TUI_LEFT},
    {"visit:col_born", 10, TUI_LEFT},  {"visit:col_family", 13, TUI_LEFT},
    {"visit:col_phone", 12, TUI_LEFT},
};

static void pick_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct desk_pick *p = ctx;
	buf[0] = '\0';
	if (row < 0 || row >= p->n)
		return;
	const struct db_person_hit *h = &p->hits[row];
	switch (col) {
	case 0:
		snprintf(buf, n, "%s %s", h->first_name, h->last_name);
		break;
	case 1:
		util_strlcpy(buf, h->father_name, n);
		break;
	case 2: {
		char b[11];
		desk_birth(h->birth_date, h->birth_year, b);
		util_strlcpy(buf, b, n);
		break;
	}
	case 3:
		util_strlcpy(buf, h->family_code, n);
		break;
	case 4:
		util_strlcpy(buf, h->phone, n);
		break;
	default:
		break;
	}
}

void desk_pick_init(struct desk_pick *p)
{
	memset(p, 0, sizeof *p);
	p->field[0] = (struct tui_field){.label_key = "visit:search", .maxlen = 100, .width = 40};
	tui_form_init(&p->fm, p->field, 1);
	tui_list_init(&p->list, pick_cols, 5, p, pick_cell);
	p->list.show_titles = true;
}

void desk_pick_free(struct desk_pick *p)
{
	tui_form_free(&p->fm);
	free(p->hits);
	p->hits = NULL;
	p->n = 0;
}

/* Search again when the typed text changed. */
static void pick_search(struct desk_pick *p)
{
	char raw[512], q[256];
	tui_form_get(&p->fm, 0, raw, sizeof raw);
	form_search_clean(raw, q, sizeof q);
	if (strcmp(q, p->query) == 0)
		return;
	util_strlcpy(p->query, q, sizeof p->query);
	free(p->hits);
	p->hits = NULL;
	p->n = 0;
	qerr_clear(&p->err);
	if (q[0] && db_person_search(tui_db(), tui_actor(), q, PICK_LIMIT, 0, &p->hits, &p->n,
	                             &p->err) != DB_OK) {
		p->hits = NULL;
		p->n = 0;
	}
	p->list.sel = -1;
	p->list.top = 0;
	tui_list_set_count(&p->list, p->n);
}

int desk_pick_key(struct desk_pick *p, int key, struct desk_person *out)
{
	switch (key) {
	case TUI_K_UP:
	case TUI_K_DOWN:
	case TUI_K_PGUP:
	case TUI_K_PGDN:
		tui_list_key(&p->list, key);
		return DESK_PICK_HANDLED;
	case TUI_K_ENTER: {
		int i = tui_list_selected(&p->list);
		if (i < 0 || i >= p->n) {
			tui_message_key(p->query[0] ? "visit:none_found" : "visit:type_first");
			return DESK_PICK_HANDLED;
		}
		const struct db_person_hit *h = &p->hits[i];
		memset(out, 0, sizeof *out);
		out->id = h->person_id;
		out->family_id = h->family_id;
		util_strlcpy(out->first, h->first_name, sizeof out->first);
		util_strlcpy(out->father, h->father_name, sizeof out->father);
		util_strlcpy(out->last, h->last_name, sizeof out->last);
		util_strlcpy(out->family_code, h->family_code, sizeof out->family_code);
		util_strlcpy(out->birth_date, h->birth_date, sizeof out->birth_date);
		out->birth_year = h->birth_year;
		out->sex = h->sex;
		return DESK_PICK_CHOSEN;
	}
	default:
		break;
	}
	if (tui_form_key(&p->fm, key) == TUI_FORM_IGNORED)
		return DESK_PICK_IGNORED;
	pick_search(p);
	return DESK_PICK_HANDLED;
}

void desk_pick_draw(struct desk_pick *p, WINDOW *w, int y, int rows, int cols)
{
	tui_form_draw(&p->fm, w, y, 1, 0, cols - 2, true);
	char buf[300];
	if (qerr_is_set(&p->err)) {
		char m[280];
		loc_err(&p->err, m, sizeof m);
		snprintf(buf, sizeof buf, "! %s", m);
		tui_put(w, y + 1, 1, cols - 2, buf, tui_style(TUI_S_ERROR), false);
	} else if (!p->query[0]) {
		tui_put(w, y + 1, 1, cols - 2, loc_str("visit:search_hint"), tui_style(TUI_S_DIM),
		        false);
	} else if (p->n == 0) {
		tui_put(w, y + 1, 1, cols - 2, loc_str("visit:none_found"), tui_style(TUI_S_DIM),
		        false);
	} else {
		loc_fmt(buf, sizeof buf, p->n >= PICK_LIMIT ? "visit:found_many" : "visit:found",
		        p->n);
		tui_put(w, y + 1, 1, cols - 2, buf, tui_style(TUI_S_DIM), false);
	}
	if (p->n > 0 && rows > 3)
		tui_list_draw(&p->list, w, y + 2, 0, rows - 2, cols, true);
}

/* ---- registration ---- */

static int visit_open_count;

int *desk_visit_open_count(void)
{
	return &visit_open_count;
}

static int open_visit(int action, void *arg)
{
	(void)action;
	(void)arg;
	if (visit_open_count > 0) {
		tui_message_key("visit:already_open");
		return TUI_HANDLED;
	}
	tui_push(&desk_visit_screen, NULL);
	return TUI_REDRAW;
}

static const struct tui_key visit_global = {
    TUI_FKEY(2), TUI_ALT('v'), "visit:key", "visit:help_key", 1, TUI_NEED_WRITE};

TUI_AT_START(desk_register)
{
	unsigned desk =
	    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) | TUI_ROLE(DB_ROLE_COUNSELLOR);
	unsigned staff = TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR);
	/* The menu entries first: their plain letters would clash with Alt-V. */
	tui_register_screen(&desk_visits_screen, desk, "visit:menu", 'v');
	tui_register_screen(&desk_waiting_screen, staff, "referral:menu", 'w');
	tui_register_global(&visit_global, desk, open_visit, NULL);
}
