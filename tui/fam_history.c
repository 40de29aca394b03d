/*
 * fam_history — the record history of a family for the manager: who
 * changed what and when, from the append-only audit trail (db_audit_list),
 * for the family record and each of its members, newest first. The changed
 * field names of an update are shown with their labels. db_audit_list is
 * manager-only; the card offers the key to managers only (TUI_NEED_MANAGER).
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

static const struct tui_key history_keys[] = {
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {TUI_K_PGUP, TUI_K_PGDN, NULL, "help:k_page", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

#define HISTORY_LIMIT 200

struct arow {
	struct db_audit_row a;
	char record[200]; /* the family code or the member's name */
	bool person;
};

struct fhistory {
	struct fam_family_ref *ref;
	struct arow *rows;
	int n, cap;
	struct tui_list list;
};

static const struct tui_col history_cols[] = {
    {"history:col_when", 16, TUI_LEFT},
    {"history:col_who", 10, TUI_LEFT},
    {"history:col_record", 16, TUI_LEFT},
    {"history:col_what", 0, TUI_LEFT},
};

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct fhistory *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct arow *r = &st->rows[row];
	char d[11], fields[600];
	switch (col) {
	case 0:
		fam_date(r->a.at, d);
		snprintf(buf, n, "%s %.5s", d, strlen(r->a.at) >= 16 ? r->a.at + 11 : "");
		break;
	case 1:
		util_strlcpy(buf, r->a.username, n);
		break;
	case 2:
		util_strlcpy(buf, r->record, n);
		break;
	case 3: {
		const char *a = r->a.action;
		bool update = !strcmp(a, "family_update") || !strcmp(a, "person_update");
		bool known = update || !strcmp(a, "family_add") || !strcmp(a, "person_add") ||
		             !strcmp(a, "family_head") || !strcmp(a, "family_delete") ||
		             !strcmp(a, "person_delete");
		if (update) {
			fam_fields_label(r->person ? "person:f_" : "family:f_", r->a.detail, fields,
			                 sizeof fields);
			snprintf(buf, n, "%s: %s", fam_label("history:act_", a), fields);
		} else if (known || !r->a.detail[0]) {
			util_strlcpy(buf, fam_label("history:act_", a), n);
		} else {
			snprintf(buf, n, "%s · %s", a, r->a.detail);
		}
		break;
	}
	default:
		break;
	}
}

static void add_rows(struct fhistory *st, const char *tbl, int64_t id, const char *record,
                     bool person, struct qerr *err, int *rc)
{
	struct db_audit_row *a = NULL;
	int n = 0;
	if (db_audit_list(tui_db(), tui_actor(), tbl, id, HISTORY_LIMIT, &a, &n, err) != DB_OK) {
		*rc = -1;
		return;
	}
	for (int i = 0; i < n; i++) {
		if (st->n == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 64;
			st->rows = xrealloc(st->rows, sizeof *st->rows * (size_t)st->cap);
		}
		struct arow *r = &st->rows[st->n++];
		r->a = a[i];
		util_strlcpy(r->record, record, sizeof r->record);
		r->person = person;
	}
	free(a);
}

static int newest_first(const void *x, const void *y)
{
	const struct arow *a = x, *b = y;
	return b->a.id > a->a.id ? 1 : b->a.id < a->a.id ? -1 : 0;
}

static int history_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_family_ref *ref = s->arg;
	const struct db_actor *who = tui_actor();
	if (!ref || ref->family_id <= 0) {
		qerr_set(err, "err:internal", "fam_history arg");
		return -1;
	}
	if (!who || who->role != DB_ROLE_MANAGER) {
		qerr_set(err, "err:db_denied", NULL);
		return -1;
	}
	struct fhistory *st = xcalloc(1, sizeof *st);
	st->ref = ref;
	int rc = 0;
	add_rows(st, "family", ref->family_id, ref->code, false, err, &rc);
	struct db_person *m = NULL;
	int nm = 0;
	if (!rc && db_person_list_family(tui_db(), who, ref->family_id, &m, &nm, err) != DB_OK)
		rc = -1;
	for (int i = 0; !rc && i < nm; i++) {
		char name[200];
		fam_name3(m[i].first_name, NULL, m[i].last_name, name, sizeof name);
		add_rows(st, "person", m[i].id, name, true, err, &rc);
	}
	free(m);
	if (rc) {
		free(st->rows);
		free(st);
		return -1;
	}
	if (st->n > 1)
		qsort(st->rows, (size_t)st->n, sizeof *st->rows, newest_first);
	tui_list_init(&st->list, history_cols, 4, st, cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	tui_list_set_count(&st->list, st->n);
	tui_list_select(&st->list, 0);
	s->priv = st;
	return 0;
}

static void history_free(struct tui_screen *s)
{
	struct fhistory *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

static void history_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fhistory *st = s->priv;
	char title[200];
	loc_fmt(title, sizeof title, "history:title", st->ref->code);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (!st->n) {
		tui_put(w, 2, 2, cols - 4, loc_str("history:none"), tui_style(TUI_S_DIM), false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 1, rows - 2, cols - 2, true);
}

static int history_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fhistory *st = s->priv;
	return tui_list_key(&st->list, ev->key);
}

static unsigned history_state(const struct tui_screen *s)
{
	const struct fhistory *st = s->priv;
	return tui_list_typing(&st->list) ? TUI_ST_TYPING : 0;
}

const struct tui_screen_def fam_history_screen = {
    .name = "family_history",
    .title_key = "history:screen",
    .keys = history_keys,
    .init = history_init,
    .free = history_free,
    .draw = history_draw,
    .key = history_key,
    .state = history_state,
};
