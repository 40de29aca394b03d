/*
 * fam_edit — the family form: register a new family (the first step of the
 * guided registration) or edit one. Every field is checked with forms/
 * before anything is written; a refused save keeps every character typed.
 *
 * Two desks editing the same family: db_family_update refuses the second
 * save with DB_STALE. The form then keeps the user's text, loads the
 * record as it is now, marks beside each field what the other desk changed
 * (db_family_diff) and offers Alt-A (put my changes on top of theirs: my
 * changed fields stay, the rest shows theirs, then save again) or Alt-D
 * (drop mine and show theirs). Esc with unsaved changes asks first.
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

enum { A_SAVE = 1, A_MINE, A_THEIRS };

static const struct tui_key edit_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "family:k_save_bar", "family:k_save", A_SAVE, 0},
    {TUI_ALT('a'), 0, "family:k_mine_bar", "family:k_mine", A_MINE, FAM_NEED_CONFLICT},
    {TUI_ALT('d'), 0, "family:k_theirs_bar", "family:k_theirs", A_THEIRS, FAM_NEED_CONFLICT},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "family:k_tab", 0, 0},
    {TUI_K_ENTER, 0, NULL, "family:k_enter", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_choice mun_choices[] = {
    {"shkoder", "family:mun_shkoder", NULL},
    {"kukes", "family:mun_kukes", NULL},
    {"diber", "family:mun_diber", NULL},
};
static const struct tui_choice idby_choices[] = {
    {"outreach", "family:idby_outreach", NULL},
    {"walk_in", "family:idby_walk_in", NULL},
    {"school", "family:idby_school", NULL},
    {"police", "family:idby_police", NULL},
    {"social_services", "family:idby_social_services", NULL},
    {"other", "family:idby_other", NULL},
};
static const struct tui_choice status_choices[] = {
    {"active", "family:st_active", NULL},
    {"closed", "family:st_closed", NULL},
    {"moved_away", "family:st_moved_away", NULL},
};

/* Field order; the last three only when editing. */
enum { F_MUN, F_UNIT, F_ADDR, F_PHONE, F_IDBY, F_REG, F_STATUS, F_CLOSE, F_HEAD, F_N };
#define F_NEW F_STATUS

static const struct fam_fspec edit_spec[F_N] = {
    [F_MUN] = {"family:f_municipality", FAM_CHOICE, 0, 0, true, mun_choices, 3, 0, 0},
    [F_UNIT] = {"family:f_admin_unit", FORM_TEXT, DB_TEXT_LEN, 0, false, NULL, 0, 0, 0},
    [F_ADDR] = {"family:f_address", FORM_TEXT, DB_TEXT_LEN, 0, false, NULL, 0, 0, 0},
    [F_PHONE] = {"family:f_phone", FORM_PHONE, 30, 0, false, NULL, 0, 0, 0},
    [F_IDBY] = {"family:f_identified_by", FAM_CHOICE, 0, 0, true, idby_choices, 6, 0, 0},
    [F_REG] = {"family:f_reg_date", FORM_DATE, 12, 12, true, NULL, 0, 0, 0},
    [F_STATUS] = {"family:f_status", FAM_CHOICE, 0, 0, true, status_choices, 3, 0, 0},
    [F_CLOSE] = {"family:f_close_reason", FORM_TEXT, DB_TEXT_LEN, 0, false, NULL, 0, 0, 0},
    [F_HEAD] = {"family:f_head_person_id", FAM_CHOICE, 0, 0, false, NULL, 0, 0, 0},
};

/* db field names (as in a diff) → form fields */
static const char *const field_names[F_N] = {
    "municipality", "admin_unit", "address",      "phone",          "identified_by",
    "reg_date",     "status",     "close_reason", "head_person_id",
};

struct fedit {
	struct fam_edit_arg *arg;
	bool editing;
	struct fam_form F;
	struct db_family orig; /* as loaded (editing) */
	/* the head choice: "0" = none, then the members */
	struct tui_choice *heads;
	char (*head_val)[24];
	char (*head_lab)[200];
	int nheads;
	/* an edit conflict */
	bool conflict;
	struct db_family fresh;
	char theirs[DB_DIFF_SZ];
};

static int field_of(const char *name)
{
	return fam_field_of(field_names, F_N, name);
}

/* Fill the form from a family record. */
static void load(struct fedit *st, const struct db_family *f)
{
	char d[11], id[24];
	fam_form_set(&st->F, F_MUN, f->municipality);
	fam_form_set(&st->F, F_UNIT, f->admin_unit);
	fam_form_set(&st->F, F_ADDR, f->address);
	fam_form_set(&st->F, F_PHONE, f->phone);
	fam_form_set(&st->F, F_IDBY, f->identified_by);
	fam_date(f->reg_date, d);
	fam_form_set(&st->F, F_REG, d);
	if (st->editing) {
		fam_form_set(&st->F, F_STATUS, f->status);
		fam_form_set(&st->F, F_CLOSE, f->close_reason);
		snprintf(id, sizeof id, "%lld", (long long)f->head_person_id);
		fam_form_set(&st->F, F_HEAD, id);
	}
}

/* The head choice: nobody, or one of the live members. */
static void load_heads(struct fedit *st)
{
	struct db_person *m = NULL;
	int n = 0;
	struct qerr e = {0};
	if (db_person_list_family(tui_db(), tui_actor(), st->orig.id, &m, &n, &e) != DB_OK)
		n = 0;
	st->nheads = n + 1;
	st->heads = xcalloc((size_t)st->nheads, sizeof *st->heads);
	st->head_val = xcalloc((size_t)st->nheads, sizeof *st->head_val);
	st->head_lab = xcalloc((size_t)st->nheads, sizeof *st->head_lab);
	util_strlcpy(st->head_val[0], "0", sizeof st->head_val[0]);
	st->heads[0] = (struct tui_choice){st->head_val[0], "family:head_none", NULL};
	for (int i = 0; i < n; i++) {
		snprintf(st->head_val[i + 1], sizeof st->head_val[0], "%lld", (long long)m[i].id);
		fam_name3(m[i].first_name, m[i].father_name, m[i].last_name, st->head_lab[i + 1],
		          sizeof st->head_lab[0]);
		st->heads[i + 1] =
		    (struct tui_choice){st->head_val[i + 1], NULL, st->head_lab[i + 1]};
	}
	free(m);
	st->F.f[F_HEAD].choices = st->heads;
	st->F.f[F_HEAD].nchoices = st->nheads;
}

static void free_heads(struct fedit *st)
{
	free(st->heads);
	free(st->head_val);
	free(st->head_lab);
	st->heads = NULL;
	st->head_val = NULL;
	st->head_lab = NULL;
	st->nheads = 0;
}

/* The members may have changed at the other desk: fetch them again,
 * keeping the head chosen in the form. */
static void reload_heads(struct fedit *st)
{
	char cur[24];
	fam_form_get(&st->F, F_HEAD, cur, sizeof cur);
	free_heads(st);
	load_heads(st);
	fam_form_set(&st->F, F_HEAD, cur);
}

static int edit_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_edit_arg *a = s->arg;
	if (!a) {
		qerr_set(err, "err:internal", "fam_edit arg");
		return -1;
	}
	if (!fam_can_edit()) {
		qerr_set(err, "err:db_denied", NULL);
		return -1;
	}
	struct fedit *st = xcalloc(1, sizeof *st);
	st->arg = a;
	st->editing = a->family_id > 0;
	if (st->editing &&
	    db_family_get(tui_db(), tui_actor(), a->family_id, &st->orig, err) != DB_OK) {
		free(st);
		return -1;
	}
	fam_form_init(&st->F, edit_spec, st->editing ? F_N : F_NEW);
	if (st->editing) {
		load_heads(st);
		load(st, &st->orig);
	} else {
		/* a new family: the centre's municipality, registered today */
		const struct conf *cf = tui_conf();
		char today[11], d[11];
		util_today(today);
		fam_date(today, d);
		fam_form_set(&st->F, F_MUN,
		             cf && cf->municipality[0] ? cf->municipality : "shkoder");
		fam_form_set(&st->F, F_REG, d);
		tui_form_focus(&st->F.fm, F_MUN);
	}
	fam_form_snapshot(&st->F);
	s->priv = st;
	return 0;
}

static void edit_free(struct tui_screen *s)
{
	struct fedit *st = s->priv;
	if (!st)
		return;
	fam_form_free(&st->F);
	free_heads(st);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

/* Copy field i into dst when it is new or the user changed it; an
 * unchanged field keeps the stored value exactly. */
static void take(struct fedit *st, int i, char *dst, size_t n)
{
	fam_form_take(&st->F, st->editing, i, dst, n);
}

/* The family record the form describes, on top of the loaded one. */
static void collect(struct fedit *st, struct db_family *f)
{
	take(st, F_MUN, f->municipality, sizeof f->municipality);
	take(st, F_UNIT, f->admin_unit, sizeof f->admin_unit);
	take(st, F_ADDR, f->address, sizeof f->address);
	take(st, F_PHONE, f->phone, sizeof f->phone);
	take(st, F_IDBY, f->identified_by, sizeof f->identified_by);
	take(st, F_REG, f->reg_date, sizeof f->reg_date);
	if (st->editing) {
		take(st, F_STATUS, f->status, sizeof f->status);
		take(st, F_CLOSE, f->close_reason, sizeof f->close_reason);
		if (fam_form_changed(&st->F, F_HEAD))
			f->head_person_id = strtoll(fam_form_norm(&st->F, F_HEAD), NULL, 10);
	}
}

/* Mark beside each field what the other desk saved there. */
static void mark_theirs(struct fedit *st)
{
	struct fedit tmp = {.editing = true};
	fam_form_init(&tmp.F, edit_spec, F_N);
	tmp.F.f[F_HEAD].choices = st->heads;
	tmp.F.f[F_HEAD].nchoices = st->nheads;
	load(&tmp, &st->fresh);
	fam_form_mark_theirs(&st->F, &tmp.F, field_names, st->theirs);
	fam_form_free(&tmp.F);
}

static void show_conflict(struct fedit *st)
{
	struct qerr e = {0};
	if (db_family_get(tui_db(), tui_actor(), st->orig.id, &st->fresh, &e) != DB_OK) {
		tui_message_err(&e);
		return;
	}
	db_family_diff(&st->orig, &st->fresh, st->theirs, sizeof st->theirs);
	st->conflict = true;
	reload_heads(st);
	mark_theirs(st);
	fam_stale_message();
}

static int save(struct fedit *st)
{
	if (st->conflict) {
		/* the version in hand is old: the user must choose first */
		tui_message_key("family:conflict_choose");
		return TUI_HANDLED;
	}
	int bad = fam_form_validate(&st->F, st->editing);
	if (bad) {
		fam_form_not_saved(bad);
		return TUI_REDRAW;
	}
	struct db_family f = st->orig;
	collect(st, &f);
	struct qerr e = {0};
	int rc = st->editing ? db_family_update(tui_db(), tui_actor(), &f, &e)
	                     : db_family_add(tui_db(), tui_actor(), &f, &e);
	if (rc == DB_OK) {
		st->arg->saved = true;
		st->arg->saved_id = f.id;
		char msg[200];
		loc_fmt(msg, sizeof msg, st->editing ? "family:saved" : "family:added", f.code);
		tui_message(msg);
		return TUI_POP | TUI_RELOAD;
	}
	if (rc == DB_STALE) {
		show_conflict(st);
		return TUI_REDRAW;
	}
	int i = field_of(e.detail);
	if (rc == DB_INVALID && i >= 0 && i < st->F.n) {
		tui_form_set_error(&st->F.fm, i, &e);
		tui_form_focus(&st->F.fm, i);
	}
	tui_message_err(&e);
	return TUI_REDRAW;
}

/* Resolve a conflict: keep_mine puts the fields the user changed on top of
 * the record as it is now; otherwise the form shows the record as it is. */
static void resolve(struct fedit *st, bool keep_mine)
{
	char **mine = fam_form_keep(&st->F, keep_mine);
	st->orig = st->fresh;
	load(st, &st->orig);
	fam_form_rebase(&st->F, mine);
	st->conflict = false;
	tui_message_key(keep_mine ? "family:conflict_mine" : "family:conflict_theirs");
}

static void edit_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fedit *st = s->priv;
	char title[200];
	if (st->editing)
		loc_fmt(title, sizeof title, "family:edit_title", st->orig.code);
	else
		util_strlcpy(title, loc_str("family:new_title"), sizeof title);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	int y = 2;
	if (st->conflict) {
		fam_draw_conflict(w, &y, cols, "family:f_", st->theirs);
		y++;
	}
	fam_form_draw(&st->F, w, y, 1, cols - 2, rows - 1, true);
	if (y + st->F.n + 1 < rows - 2)
		tui_put(w, y + st->F.n + 1, 1, cols - 2, loc_str("form:required_hint"),
		        tui_style(TUI_S_DIM), false);
}

static int edit_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fedit *st = s->priv;
	switch (ev->action) {
	case A_SAVE:
		return save(st);
	case A_MINE:
	case A_THEIRS:
		if (st->conflict)
			resolve(st, ev->action == A_MINE);
		return TUI_REDRAW;
	default:
		break;
	}
	if (ev->key == TUI_K_ESC)
		return fam_form_leave(fam_form_dirty(&st->F) || st->conflict);
	switch (tui_form_key(&st->F.fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		return save(st);
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

static unsigned edit_state(const struct tui_screen *s)
{
	const struct fedit *st = s->priv;
	/* always typing: letters pick choices or go into fields */
	return TUI_ST_TYPING | (st->conflict ? FAM_ST_CONFLICT : 0u);
}

const struct tui_screen_def fam_edit_screen = {
    .name = "family_edit",
    .title_key = "family:edit_screen",
    .keys = edit_keys,
    .init = edit_init,
    .free = edit_free,
    .draw = edit_draw,
    .key = edit_key,
    .state = edit_state,
};
