/*
 * fam_person — the person form: add a member to a family or edit one.
 * First, father's and last name, sex, birth date or an estimated year,
 * relation to the head, personal number, phone, school (name, grade,
 * status), disability and notes, each checked with forms/ and refused with
 * the message beside the field; nothing is written until all are right.
 *
 * Before a new person is saved (or a name or birth is changed) the form
 * asks db_person_duplicates for people with the same name ignoring accents
 * and a close birth or the same father's name. When there are some, the
 * form shows them instead of its fields (name, birth, father, family code
 * and why they look alike) and the user decides: C registers anyway, Enter
 * opens the existing family's card, Esc goes back to the form. The typed
 * text is kept throughout.
 *
 * Edit conflicts are handled as in the family form (fam_edit.c), with
 * db_person_diff.
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

enum { A_SAVE = 1, A_MINE, A_THEIRS };

static const struct tui_key person_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "family:k_save_bar", "person:k_save", A_SAVE, 0},
    {TUI_ALT('a'), 0, "family:k_mine_bar", "family:k_mine", A_MINE, FAM_NEED_CONFLICT},
    {TUI_ALT('d'), 0, "family:k_theirs_bar", "family:k_theirs", A_THEIRS, FAM_NEED_CONFLICT},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "family:k_tab", 0, 0},
    {TUI_K_ENTER, 0, NULL, "family:k_enter", 0, 0},
    {'c', 0, NULL, "person:k_dup_continue", 0, 0},
    {TUI_K_ENTER, 0, NULL, "person:k_dup_open", 0, 0},
    {TUI_K_ESC, 0, "keys:back", "person:k_esc", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_choice sex_choices[] = {
    {"F", "person:sex_f", NULL},
    {"M", "person:sex_m", NULL},
};
static const struct tui_choice rel_choices[] = {
    {"head", "person:rel_head", NULL},
    {"spouse", "person:rel_spouse", NULL},
    {"child", "person:rel_child", NULL},
    {"grandchild", "person:rel_grandchild", NULL},
    {"parent", "person:rel_parent", NULL},
    {"sibling", "person:rel_sibling", NULL},
    {"other_relative", "person:rel_other_relative", NULL},
    {"other", "person:rel_other", NULL},
};
static const struct tui_choice school_choices[] = {
    {"enrolled", "person:school_enrolled", NULL},
    {"irregular", "person:school_irregular", NULL},
    {"dropped_out", "person:school_dropped_out", NULL},
    {"never_enrolled", "person:school_never_enrolled", NULL},
    {"not_school_age", "person:school_not_school_age", NULL},
};

enum {
	P_FIRST,
	P_FATHER,
	P_LAST,
	P_SEX,
	P_BIRTH,
	P_YEAR,
	P_REL,
	P_NID,
	P_PHONE,
	P_SCHOOL,
	P_GRADE,
	P_SSTATUS,
	P_DISAB,
	P_NOTES,
	P_N
};

static const struct fam_fspec person_spec[P_N] = {
    [P_FIRST] = {"person:f_first_name", FORM_NAME, FORM_NAME_MAX, 0, true, NULL, 0, 0, 0},
    [P_FATHER] = {"person:f_father_name", FORM_NAME, FORM_NAME_MAX, 0, false, NULL, 0, 0, 0},
    [P_LAST] = {"person:f_last_name", FORM_NAME, FORM_NAME_MAX, 0, true, NULL, 0, 0, 0},
    [P_SEX] = {"person:f_sex", FAM_CHOICE, 0, 12, true, sex_choices, 2, 0, 0},
    [P_BIRTH] = {"person:f_birth_date", FORM_BIRTH_DATE, 12, 12, false, NULL, 0, 0, 0},
    [P_YEAR] = {"person:f_birth_year", FORM_BIRTH_YEAR, 4, 6, false, NULL, 0, 0, 0},
    [P_REL] = {"person:f_relation", FAM_CHOICE, 0, 0, true, rel_choices, 8, 0, 0},
    [P_NID] = {"person:f_nid", FORM_NID, 12, 12, false, NULL, 0, 0, 0},
    [P_PHONE] = {"person:f_phone", FORM_PHONE, 30, 18, false, NULL, 0, 0, 0},
    [P_SCHOOL] = {"person:f_school_name", FORM_TEXT, DB_TEXT_LEN, 0, false, NULL, 0, 0, 0},
    [P_GRADE] = {"person:f_school_grade", FORM_INT, 2, 4, false, NULL, 0, 0, 13},
    [P_SSTATUS] = {"person:f_school_status", FAM_CHOICE, 0, 0, true, school_choices, 5, 0, 0},
    [P_DISAB] = {"person:f_disability", FORM_TEXT, DB_TEXT_LEN, 0, false, NULL, 0, 0, 0},
    [P_NOTES] = {"person:f_notes", FORM_NOTE, DB_NOTE_LEN, 0, false, NULL, 0, 0, 0},
};

static const char *const field_names[P_N] = {
    "first_name",   "father_name",   "last_name",  "sex",   "birth_date",
    "birth_year",   "relation",      "nid",        "phone", "school_name",
    "school_grade", "school_status", "disability", "notes",
};

struct fperson {
	struct fam_person_arg *arg;
	bool editing;
	char code[DB_CODE_SZ];
	struct fam_form F;
	struct db_person orig;
	/* an edit conflict */
	bool conflict;
	struct db_person fresh;
	char theirs[DB_DIFF_SZ];
	/* the duplicate warning */
	bool dup_mode;
	bool dup_ok; /* the user chose to register anyway */
	struct db_person_dup *dups;
	int ndups;
	struct tui_list dup_list;
	struct fam_card_arg open_arg;
};

static const struct tui_col dup_cols[] = {
    {"family:col_name", 0, TUI_LEFT},
    {"person:col_born", 10, TUI_LEFT},
    {"family:col_code", 13, TUI_LEFT},
    {"person:col_why", 26, TUI_LEFT},
};

static void dup_cell(void *ctx, int row, int col, char *buf, size_t n);

static int field_of(const char *name)
{
	return fam_field_of(field_names, P_N, name);
}

static void birth_text(const char *iso, int year, char out[11])
{
	if (iso && iso[0])
		fam_date(iso, out);
	else if (year > 0)
		snprintf(out, 11, "%d", year);
	else
		out[0] = '\0';
}

static void load(struct fam_form *F, const struct db_person *p)
{
	char buf[DB_NOTE_SZ], d[11];
	fam_form_set(F, P_FIRST, p->first_name);
	fam_form_set(F, P_FATHER, p->father_name);
	fam_form_set(F, P_LAST, p->last_name);
	char sex[2] = {p->sex, '\0'};
	fam_form_set(F, P_SEX, sex);
	if (p->birth_estimated) {
		fam_form_set(F, P_BIRTH, "");
		snprintf(buf, sizeof buf, "%d", p->birth_year);
		fam_form_set(F, P_YEAR, p->birth_year > 0 ? buf : "");
	} else {
		fam_date(p->birth_date, d);
		fam_form_set(F, P_BIRTH, d);
		fam_form_set(F, P_YEAR, "");
	}
	fam_form_set(F, P_REL, p->relation);
	fam_form_set(F, P_NID, p->nid);
	fam_form_set(F, P_PHONE, p->phone);
	fam_form_set(F, P_SCHOOL, p->school_name);
	snprintf(buf, sizeof buf, "%d", p->school_grade);
	fam_form_set(F, P_GRADE, p->school_grade >= 0 ? buf : "");
	fam_form_set(F, P_SSTATUS, p->school_status);
	fam_form_set(F, P_DISAB, p->disability);
	/* one line in the box: line breaks show as spaces (an untouched note
	 * keeps its lines: see collect) */
	util_strlcpy(buf, p->notes, sizeof buf);
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = ' ';
	fam_form_set(F, P_NOTES, buf);
}

static int person_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_person_arg *a = s->arg;
	if (!a || (a->family_id <= 0 && a->person_id <= 0)) {
		qerr_set(err, "err:internal", "fam_person arg");
		return -1;
	}
	if (!fam_can_edit()) {
		qerr_set(err, "err:db_denied", NULL);
		return -1;
	}
	struct fperson *st = xcalloc(1, sizeof *st);
	st->arg = a;
	st->editing = a->person_id > 0;
	if (st->editing &&
	    db_person_get(tui_db(), tui_actor(), a->person_id, &st->orig, err) != DB_OK) {
		free(st);
		return -1;
	}
	if (!st->editing)
		st->orig.family_id = a->family_id;
	struct db_family f;
	if (db_family_get(tui_db(), tui_actor(), st->orig.family_id, &f, err) != DB_OK) {
		free(st);
		return -1;
	}
	util_strlcpy(st->code, f.code, sizeof st->code);
	fam_form_init(&st->F, person_spec, P_N);
	if (st->editing) {
		load(&st->F, &st->orig);
	} else {
		fam_form_set(&st->F, P_LAST, a->last_default);
		fam_form_set(&st->F, P_REL, a->relation_default[0] ? a->relation_default : "child");
	}
	fam_form_snapshot(&st->F);
	tui_list_init(&st->dup_list, dup_cols, 4, st, dup_cell);
	st->dup_list.show_titles = true;
	s->priv = st;
	return 0;
}

static void person_free(struct tui_screen *s)
{
	struct fperson *st = s->priv;
	if (!st)
		return;
	fam_form_free(&st->F);
	free(st->dups);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

static void take(struct fperson *st, int i, char *dst, size_t n)
{
	fam_form_take(&st->F, st->editing, i, dst, n);
}

/* The person the form describes, on top of the loaded one; false (with
 * the error beside the birth date) when neither birth nor year is given. */
static bool collect(struct fperson *st, struct db_person *p)
{
	take(st, P_FIRST, p->first_name, sizeof p->first_name);
	take(st, P_FATHER, p->father_name, sizeof p->father_name);
	take(st, P_LAST, p->last_name, sizeof p->last_name);
	if (!st->editing || fam_form_changed(&st->F, P_SEX))
		p->sex = fam_form_norm(&st->F, P_SEX)[0];
	if (!st->editing || fam_form_changed(&st->F, P_BIRTH) || fam_form_changed(&st->F, P_YEAR)) {
		const char *date = fam_form_norm(&st->F, P_BIRTH);
		const char *year = fam_form_norm(&st->F, P_YEAR);
		if (date[0]) {
			util_strlcpy(p->birth_date, date, sizeof p->birth_date);
			p->birth_year = 0;
		} else if (year[0]) {
			p->birth_date[0] = '\0';
			p->birth_year = atoi(year);
		} else {
			fam_form_error(&st->F, P_BIRTH, "err:birth_required", NULL);
			tui_form_focus(&st->F.fm, P_BIRTH);
			return false;
		}
	}
	take(st, P_REL, p->relation, sizeof p->relation);
	take(st, P_NID, p->nid, sizeof p->nid);
	take(st, P_PHONE, p->phone, sizeof p->phone);
	take(st, P_SCHOOL, p->school_name, sizeof p->school_name);
	if (!st->editing || fam_form_changed(&st->F, P_GRADE)) {
		const char *g = fam_form_norm(&st->F, P_GRADE);
		p->school_grade = g[0] ? atoi(g) : -1;
	}
	take(st, P_SSTATUS, p->school_status, sizeof p->school_status);
	take(st, P_DISAB, p->disability, sizeof p->disability);
	take(st, P_NOTES, p->notes, sizeof p->notes);
	return true;
}

/* ---- the duplicate warning ---- */

static void dup_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct fperson *st = ctx;
	if (row < 0 || row >= st->ndups)
		return;
	const struct db_person_dup *d = &st->dups[row];
	size_t len;
	switch (col) {
	case 0:
		fam_name3(d->first_name, d->father_name, d->last_name, buf, n);
		break;
	case 1:
		birth_text(d->birth_date, d->birth_year, buf);
		break;
	case 2:
		util_strlcpy(buf, d->family_code, n);
		break;
	case 3:
		buf[0] = '\0';
		if (d->same_father)
			snprintf(buf, n, "%s", loc_str("person:why_father"));
		len = strlen(buf);
		if (d->birth_close)
			snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
			         loc_str("person:why_birth"));
		len = strlen(buf);
		if (d->swapped)
			snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
			         loc_str("person:why_swapped"));
		break;
	default:
		break;
	}
}

/* Look for likely duplicates; true when the warning is now shown. */
static bool check_dups(struct fperson *st, const struct db_person *p)
{
	if (st->dup_ok)
		return false;
	if (st->editing && !fam_form_changed(&st->F, P_FIRST) &&
	    !fam_form_changed(&st->F, P_LAST) && !fam_form_changed(&st->F, P_FATHER) &&
	    !fam_form_changed(&st->F, P_BIRTH) && !fam_form_changed(&st->F, P_YEAR))
		return false;
	struct db_person_dup *rows = NULL;
	int n = 0;
	struct qerr e = {0};
	int rc = db_person_duplicates(tui_db(), tui_actor(), p->first_name, p->last_name,
	                              p->father_name, p->birth_date, p->birth_year,
	                              st->editing ? p->id : 0, &rows, &n, &e);
	if (rc != DB_OK || n == 0) {
		free(rows);
		return false;
	}
	free(st->dups);
	st->dups = rows;
	st->ndups = n;
	tui_list_set_count(&st->dup_list, n);
	tui_list_select(&st->dup_list, 0);
	st->dup_mode = true;
	return true;
}

static void draw_dups(struct fperson *st, WINDOW *w, int rows, int cols)
{
	char who[400], line[600], born[11];
	tui_put(w, 0, 1, cols - 2, loc_str("person:dup_title"), tui_style(TUI_S_WARN), false);
	char first[DB_NAME_SZ], father[DB_NAME_SZ], last[DB_NAME_SZ], bd[40], by[8];
	fam_form_get(&st->F, P_FIRST, first, sizeof first);
	fam_form_get(&st->F, P_FATHER, father, sizeof father);
	fam_form_get(&st->F, P_LAST, last, sizeof last);
	fam_form_get(&st->F, P_BIRTH, bd, sizeof bd);
	fam_form_get(&st->F, P_YEAR, by, sizeof by);
	fam_name3(first, father, last, who, sizeof who);
	util_strlcpy(born, bd[0] ? bd : by, sizeof born);
	loc_fmt(line, sizeof line, "person:dup_you", who, born[0] ? born : "?");
	tui_put(w, 1, 1, cols - 2, line, A_NORMAL, false);
	tui_list_draw(&st->dup_list, w, 3, 1, rows - 6, cols - 2, true);
	tui_put(w, rows - 2, 1, cols - 2, loc_str("person:dup_keys"), A_BOLD, false);
}

static int save(struct fperson *st);

static int dup_key(struct fperson *st, const struct tui_ev *ev)
{
	int k = ev->key;
	if (ev->action == A_SAVE || k == 'c' || k == 'C' || k == TUI_ALT('c')) {
		st->dup_ok = true;
		st->dup_mode = false;
		return save(st);
	}
	if (k == TUI_K_ESC) {
		st->dup_mode = false;
		return TUI_REDRAW;
	}
	if (k == TUI_K_ENTER || k == 'o' || k == 'O') {
		int sel = tui_list_selected(&st->dup_list);
		if (sel >= 0 && sel < st->ndups) {
			st->open_arg.family_id = st->dups[sel].family_id;
			tui_push(&fam_card_screen, &st->open_arg);
		}
		return TUI_REDRAW;
	}
	tui_list_key(&st->dup_list, k);
	return TUI_REDRAW;
}

/* ---- saving, conflicts ---- */

static void mark_theirs(struct fperson *st)
{
	struct fam_form tmp;
	fam_form_init(&tmp, person_spec, P_N);
	load(&tmp, &st->fresh);
	fam_form_mark_theirs(&st->F, &tmp, field_names, st->theirs);
	fam_form_free(&tmp);
}

static void show_conflict(struct fperson *st)
{
	struct qerr e = {0};
	if (db_person_get(tui_db(), tui_actor(), st->orig.id, &st->fresh, &e) != DB_OK) {
		tui_message_err(&e);
		return;
	}
	db_person_diff(&st->orig, &st->fresh, st->theirs, sizeof st->theirs);
	st->conflict = true;
	mark_theirs(st);
	fam_stale_message();
}

static void resolve(struct fperson *st, bool keep_mine)
{
	char **mine = fam_form_keep(&st->F, keep_mine);
	st->orig = st->fresh;
	load(&st->F, &st->orig);
	fam_form_rebase(&st->F, mine);
	st->conflict = false;
	tui_message_key(keep_mine ? "family:conflict_mine" : "family:conflict_theirs");
}

static int save(struct fperson *st)
{
	if (st->conflict) {
		tui_message_key("family:conflict_choose");
		return TUI_HANDLED;
	}
	int bad = fam_form_validate(&st->F, st->editing);
	struct db_person p = st->orig;
	if (!bad && !collect(st, &p))
		bad = 1;
	if (bad) {
		fam_form_not_saved(bad);
		return TUI_REDRAW;
	}
	if (check_dups(st, &p))
		return TUI_REDRAW;
	struct qerr e = {0};
	int rc = st->editing ? db_person_update(tui_db(), tui_actor(), &p, &e)
	                     : db_person_add(tui_db(), tui_actor(), &p, &e);
	if (rc == DB_OK) {
		st->arg->saved = true;
		st->arg->saved_id = p.id;
		char name[400], msg[500];
		fam_name3(p.first_name, NULL, p.last_name, name, sizeof name);
		loc_fmt(msg, sizeof msg, st->editing ? "person:saved" : "person:added", name);
		tui_message(msg);
		return TUI_POP | TUI_RELOAD;
	}
	if (rc == DB_STALE) {
		show_conflict(st);
		return TUI_REDRAW;
	}
	int i =
	    rc == DB_CONFLICT && strcmp(e.key, "err:nid_taken") == 0 ? P_NID : field_of(e.detail);
	if ((rc == DB_INVALID || rc == DB_CONFLICT) && i >= 0) {
		tui_form_set_error(&st->F.fm, i, &e);
		tui_form_focus(&st->F.fm, i);
	}
	tui_message_err(&e);
	return TUI_REDRAW;
}

/* ---- the screen ---- */

static void person_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fperson *st = s->priv;
	if (st->dup_mode) {
		draw_dups(st, w, rows, cols);
		return;
	}
	char title[400], name[400];
	if (st->editing) {
		fam_name3(st->orig.first_name, NULL, st->orig.last_name, name, sizeof name);
		loc_fmt(title, sizeof title, "person:edit_title", name, st->code);
	} else {
		loc_fmt(title, sizeof title, "person:new_title", st->code);
	}
	if (st->arg->flow) {
		size_t len = strlen(title);
		snprintf(title + len, sizeof title - len, "  %s",
		         loc_str("family:flow_step_members"));
	}
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	int y = 1;
	if (st->conflict) {
		fam_draw_conflict(w, &y, cols, "person:f_", st->theirs);
	}
	y++;
	fam_form_draw(&st->F, w, y, 1, cols - 2, rows - 1, true);
	if (y + P_N < rows - 2)
		tui_put(w, y + P_N, 1, cols - 2, loc_str("person:birth_hint"), tui_style(TUI_S_DIM),
		        false);
}

static int person_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fperson *st = s->priv;
	if (st->dup_mode)
		return dup_key(st, ev);
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
	default:
		return TUI_HANDLED;
	}
}

static unsigned person_state(const struct tui_screen *s)
{
	const struct fperson *st = s->priv;
	if (st->dup_mode)
		return 0; /* plain letters answer the warning */
	return TUI_ST_TYPING | (st->conflict ? FAM_ST_CONFLICT : 0u);
}

const struct tui_screen_def fam_person_screen = {
    .name = "person_edit",
    .title_key = "person:screen",
    .keys = person_keys,
    .init = person_init,
    .free = person_free,
    .draw = person_draw,
    .key = person_key,
    .state = person_state,
};
