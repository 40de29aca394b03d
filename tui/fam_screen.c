/*
 * fam_screen — risk screening: the form that screens a person or a whole
 * family against the configured risk factors, and the history of the
 * screenings of a family and its members.
 *
 * The form has one line per configured factor (Space: present/absent,
 * Enter: a note), the level computed live from the weights of the factors
 * present (the rule of the configuration, risk.medium_at / risk.high_at),
 * the date, the re-screen date (today plus rescreen_months) and an
 * override of the level, which needs a written reason. Only managers and
 * registrars reach it (the card does not offer it to anyone else, and
 * db_screening_add checks again).
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

/* ====================================================================
 * The screening form
 * ================================================================== */

enum { A_SAVE = 1 };

static const struct tui_key screen_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "family:k_save_bar", "screening:k_save", A_SAVE, 0},
    {' ', 0, NULL, "screening:k_space", 0, 0},
    {TUI_K_ENTER, 0, NULL, "screening:k_note", 0, 0},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "screening:k_tab", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_choice level_choices[] = {
    {"", "screening:level_auto", NULL},
    {"low", "screening:level_low", NULL},
    {"medium", "screening:level_medium", NULL},
    {"high", "screening:level_high", NULL},
};

enum { S_DATE, S_DUE, S_LEVEL, S_REASON, S_N };

static const struct fam_fspec screen_spec[S_N] = {
    [S_DATE] = {"screening:f_date", FORM_DATE, 12, 12, true, NULL, 0, 0, 0},
    [S_DUE] = {"screening:f_due", FORM_DATE, 12, 12, false, NULL, 0, 0, 0},
    [S_LEVEL] = {"screening:f_level", FAM_CHOICE, 0, 18, false, level_choices, 4, 0, 0},
    [S_REASON] = {"screening:f_reason", FORM_TEXT, DB_TEXT_LEN, 40, false, NULL, 0, 0, 0},
};

/* The weight comes before the factor: a cell followed only by empty
 * cells spans them, and most notes are empty. */
static const struct tui_col factor_cols[] = {
    {NULL, 3, TUI_LEFT},
    {"screening:col_weight", 5, TUI_RIGHT},
    {"screening:col_factor", 0, TUI_LEFT},
    {"screening:col_note", 0, TUI_LEFT},
};

struct fscreen {
	struct fam_screening_arg *arg;
	int nf;
	const struct conf_item *items; /* the configured risk factors */
	bool *present;
	char (*note)[DB_TEXT_SZ];
	struct tui_list list;
	struct fam_form F;
	bool in_form; /* the focus is on the fields below the factors */
	bool editing_note;
	struct tui_field note_field[1];
	struct tui_form note_fm;
	bool touched; /* a factor or a note changed */
};

static void factor_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct fscreen *st = ctx;
	if (row < 0 || row >= st->nf)
		return;
	const struct conf *cf = tui_conf();
	switch (col) {
	case 0:
		util_strlcpy(buf, st->present[row] ? "[x]" : "[ ]", n);
		break;
	case 1:
		snprintf(buf, n, "%d", st->items[row].weight);
		break;
	case 2:
		util_strlcpy(buf, fam_cat(&cf->risk_factors, st->items[row].key), n);
		break;
	case 3:
		util_strlcpy(buf, st->note[row], n);
		break;
	default:
		break;
	}
}

static unsigned factor_flags(void *ctx, int row)
{
	struct fscreen *st = ctx;
	return row >= 0 && row < st->nf && st->present[row] ? TUI_ROW_MARK : 0;
}

static int score_of(const struct fscreen *st)
{
	int sum = 0;
	for (int i = 0; i < st->nf; i++)
		if (st->present[i])
			sum += st->items[i].weight;
	return sum;
}

static const char *computed(const struct fscreen *st)
{
	const struct conf *cf = tui_conf();
	return db_risk_level(score_of(st), cf->risk_medium_at, cf->risk_high_at);
}

static int screen_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_screening_arg *a = s->arg;
	const struct conf *cf = tui_conf();
	if (!a || (!a->person_id && !a->family_id) || !cf) {
		qerr_set(err, "err:internal", "fam_screening arg");
		return -1;
	}
	if (!fam_can_edit()) {
		qerr_set(err, "err:db_denied", NULL);
		return -1;
	}
	struct fscreen *st = xcalloc(1, sizeof *st);
	st->arg = a;
	st->nf = cf->risk_factors.n;
	st->items = cf->risk_factors.items;
	st->present = xcalloc((size_t)(st->nf ? st->nf : 1), sizeof *st->present);
	st->note = xcalloc((size_t)(st->nf ? st->nf : 1), sizeof *st->note);
	tui_list_init(&st->list, factor_cols, 4, st, factor_cell);
	st->list.show_titles = true;
	st->list.row_flags = factor_flags;
	tui_list_set_count(&st->list, st->nf);
	tui_list_select(&st->list, 0);
	fam_form_init(&st->F, screen_spec, S_N);
	char today[11], due[11], d[11];
	util_today(today);
	fam_date(today, d);
	fam_form_set(&st->F, S_DATE, d);
	if (cf->rescreen_months > 0) {
		fam_add_months(today, cf->rescreen_months, due);
		fam_date(due, d);
		fam_form_set(&st->F, S_DUE, d);
	}
	fam_form_set(&st->F, S_LEVEL, "");
	fam_form_snapshot(&st->F);
	st->note_field[0] = (struct tui_field){
	    .label_key = "screening:col_note", .maxlen = DB_TEXT_LEN, .width = 50};
	tui_form_init(&st->note_fm, st->note_field, 1);
	st->in_form = st->nf == 0;
	s->priv = st;
	return 0;
}

static void screen_free(struct tui_screen *s)
{
	struct fscreen *st = s->priv;
	if (!st)
		return;
	fam_form_free(&st->F);
	tui_form_free(&st->note_fm);
	free(st->present);
	free(st->note);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

static void screen_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fscreen *st = s->priv;
	const struct conf *cf = tui_conf();
	char line[600];
	loc_fmt(line, sizeof line, "screening:title", st->arg->subject);
	if (st->arg->flow) {
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, "  %s",
		         loc_str("family:flow_step_screening"));
	}
	tui_put(w, 0, 1, cols - 2, line, tui_style(TUI_S_TITLE), false);
	int lrows = rows - 9;
	if (lrows > st->nf + 1)
		lrows = st->nf + 1;
	if (lrows < 2)
		lrows = 2;
	tui_list_draw(&st->list, w, 1, 1, lrows, cols - 2, !st->in_form && !st->editing_note);
	int y = 1 + lrows;
	if (st->editing_note) {
		int sel = tui_list_selected(&st->list);
		snprintf(line, sizeof line,
		         "%s:", sel >= 0 ? fam_cat(&cf->risk_factors, st->items[sel].key) : "");
		int lw = tui_put(w, y, 1, cols / 3, line, A_BOLD, false);
		st->note_field[0].width = cols - lw - 4;
		tui_form_draw(&st->note_fm, w, y, 1 + lw + 1, 1, cols - lw - 3, true);
	} else {
		tui_put(w, y, 1, cols - 2,
		        loc_str(st->in_form ? "screening:hint_form" : "screening:hint_list"),
		        tui_style(TUI_S_DIM), false);
	}
	y++;
	const char *lv = computed(st);
	loc_fmt(line, sizeof line, "screening:score", score_of(st), fam_level(lv),
	        cf->risk_medium_at, cf->risk_high_at);
	tui_put(w, y++, 1, cols - 2, line, strcmp(lv, "high") == 0 ? A_BOLD : A_NORMAL, false);
	fam_form_draw(&st->F, w, y, 1, cols - 2, rows - 1, st->in_form && !st->editing_note);
}

static void note_begin(struct fscreen *st)
{
	int sel = tui_list_selected(&st->list);
	if (sel < 0)
		return;
	tui_form_set(&st->note_fm, 0, st->note[sel]);
	st->editing_note = true;
}

static void note_end(struct fscreen *st, bool keep)
{
	int sel = tui_list_selected(&st->list);
	if (keep && sel >= 0) {
		char buf[DB_TEXT_SZ];
		tui_form_get(&st->note_fm, 0, buf, sizeof buf);
		if (strcmp(buf, st->note[sel]) != 0) {
			/* the note is free text: checked with forms/ like any other */
			char *clean = NULL;
			struct qerr e = {0};
			if (form_text(buf, DB_TEXT_LEN, false, false, &clean, &e) != 0) {
				tui_form_set_error(&st->note_fm, 0, &e);
				tui_message_err(&e);
				return;
			}
			util_strlcpy(st->note[sel], clean, sizeof st->note[sel]);
			free(clean);
			st->touched = true;
		}
	}
	st->editing_note = false;
}

static int save(struct fscreen *st)
{
	if (st->editing_note)
		note_end(st, true);
	if (st->editing_note)
		return TUI_REDRAW;
	int bad = fam_form_validate(&st->F, false);
	const char *lv = computed(st);
	const char *level = fam_form_norm(&st->F, S_LEVEL);
	bool override = level[0] && strcmp(level, lv) != 0;
	if (!bad && override && !fam_form_norm(&st->F, S_REASON)[0]) {
		fam_form_error(&st->F, S_REASON, "err:override_reason", NULL);
		tui_form_focus(&st->F.fm, S_REASON);
		bad++;
	}
	const char *on = fam_form_norm(&st->F, S_DATE), *due = fam_form_norm(&st->F, S_DUE);
	if (!bad && due[0] && strcmp(due, on) <= 0) {
		fam_form_error(&st->F, S_DUE, "screening:due_before", NULL);
		tui_form_focus(&st->F.fm, S_DUE);
		bad++;
	}
	if (bad) {
		st->in_form = true;
		fam_form_not_saved(bad);
		return TUI_REDRAW;
	}
	const struct conf *cf = tui_conf();
	struct db_screening_factor *fs = xcalloc((size_t)(st->nf ? st->nf : 1), sizeof *fs);
	for (int i = 0; i < st->nf; i++) {
		util_strlcpy(fs[i].key, st->items[i].key, sizeof fs[i].key);
		fs[i].present = st->present[i];
		fs[i].weight = st->items[i].weight;
		util_strlcpy(fs[i].note, st->note[i], sizeof fs[i].note);
	}
	struct db_screening_new in = {
	    .person_id = st->arg->person_id,
	    .family_id = st->arg->person_id ? 0 : st->arg->family_id,
	    .screened_on = on,
	    .factors = fs,
	    .nfactors = st->nf,
	    .medium_at = cf->risk_medium_at,
	    .high_at = cf->risk_high_at,
	    .level = override ? level : NULL,
	    .override_reason = override ? fam_form_norm(&st->F, S_REASON) : NULL,
	    .rescreen_due = due,
	};
	int64_t id = 0;
	struct qerr e = {0};
	int rc = db_screening_add(tui_db(), tui_actor(), &in, &id, &e);
	free(fs);
	if (rc == DB_OK) {
		st->arg->saved = true;
		char msg[300];
		loc_fmt(msg, sizeof msg, "screening:saved", fam_level(override ? level : lv));
		tui_message(msg);
		return TUI_POP | TUI_RELOAD;
	}
	if (strcmp(e.key, "err:override_reason") == 0) {
		tui_form_set_error(&st->F.fm, S_REASON, &e);
	} else if (strcmp(e.detail, "screened_on") == 0) {
		tui_form_set_error(&st->F.fm, S_DATE, &e);
	} else if (strcmp(e.detail, "rescreen_due") == 0) {
		tui_form_set_error(&st->F.fm, S_DUE, &e);
	}
	tui_message_err(&e);
	return TUI_REDRAW;
}

static int screen_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fscreen *st = s->priv;
	int k = ev->key;
	if (ev->action == A_SAVE)
		return save(st);
	if (st->editing_note) {
		if (k == TUI_K_ESC) {
			st->editing_note = false; /* the note as it was */
			return TUI_REDRAW;
		}
		if (k == TUI_K_ENTER || k == TUI_K_TAB) {
			note_end(st, true);
			return TUI_REDRAW;
		}
		tui_form_key(&st->note_fm, k);
		return TUI_REDRAW;
	}
	if (k == TUI_K_ESC)
		return fam_form_leave(st->touched || fam_form_dirty(&st->F));
	if (!st->in_form) {
		int sel = tui_list_selected(&st->list);
		switch (k) {
		case ' ':
			if (sel >= 0) {
				st->present[sel] = !st->present[sel];
				st->touched = true;
			}
			return TUI_REDRAW;
		case TUI_K_ENTER:
			note_begin(st);
			return TUI_REDRAW;
		case TUI_K_TAB:
			st->in_form = true;
			tui_form_focus(&st->F.fm, 0);
			return TUI_REDRAW;
		case TUI_K_BTAB:
			st->in_form = true;
			tui_form_focus(&st->F.fm, S_N - 1);
			return TUI_REDRAW;
		case TUI_K_DOWN:
			if (sel == st->nf - 1) {
				st->in_form = true;
				tui_form_focus(&st->F.fm, 0);
				return TUI_REDRAW;
			}
			break;
		default:
			/* typing on a factor writes its note */
			if (TUI_IS_CHAR(k) && k > ' ' && k != 127 && sel >= 0) {
				note_begin(st);
				tui_form_key(&st->note_fm, TUI_K_END);
				tui_form_key(&st->note_fm, k);
				return TUI_REDRAW;
			}
			break;
		}
		return tui_list_key(&st->list, k) | TUI_HANDLED;
	}
	int focus = st->F.fm.focus;
	if (st->nf > 0 && ((k == TUI_K_TAB && focus == S_N - 1) ||
	                   ((k == TUI_K_BTAB || k == TUI_K_UP) && focus == 0))) {
		st->in_form = false;
		return TUI_REDRAW;
	}
	if (tui_form_key(&st->F.fm, k) == TUI_FORM_SUBMIT)
		return save(st);
	return TUI_HANDLED;
}

static unsigned screen_state(const struct tui_screen *s)
{
	const struct fscreen *st = s->priv;
	return st->in_form || st->editing_note ? TUI_ST_TYPING : 0;
}

const struct tui_screen_def fam_screening_screen = {
    .name = "screening",
    .title_key = "screening:screen",
    .keys = screen_keys,
    .init = screen_init,
    .free = screen_free,
    .draw = screen_draw,
    .key = screen_key,
    .state = screen_state,
};

/* ====================================================================
 * The history of screenings of a family and its members
 * ================================================================== */

enum { H_OPEN = 1 };

static const struct tui_key hist_keys[] = {
    {TUI_K_ENTER, 0, "keys:open", "screening:k_open", H_OPEN, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct hrow {
	struct db_screening s;
	char subject[300];
};

struct fscreenings {
	struct fam_family_ref *ref;
	struct hrow *rows;
	int n;
	struct tui_list list;
	/* one screening opened */
	bool detail;
	struct db_screening one;
	struct db_screening_factor *factors;
	int nfactors;
	char one_subject[300];
};

static const struct tui_col hist_cols[] = {
    {"screening:col_date", 10, TUI_LEFT},  {"screening:col_subject", 0, TUI_LEFT},
    {"screening:col_level", 16, TUI_LEFT}, {"screening:col_score", 5, TUI_RIGHT},
    {"screening:col_staff", 14, TUI_LEFT}, {"screening:col_due", 10, TUI_LEFT},
};

static void hist_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct fscreenings *st = ctx;
	if (row < 0 || row >= st->n)
		return;
	const struct hrow *r = &st->rows[row];
	char d[11];
	switch (col) {
	case 0:
		fam_date(r->s.screened_on, d);
		util_strlcpy(buf, d, n);
		break;
	case 1:
		util_strlcpy(buf, r->subject, n);
		break;
	case 2:
		snprintf(buf, n, "%s%s", fam_level(r->s.level),
		         r->s.override_reason[0] ? loc_str("screening:overridden_mark") : "");
		break;
	case 3:
		snprintf(buf, n, "%d", r->s.score);
		break;
	case 4:
		util_strlcpy(buf, r->s.staff_name, n);
		break;
	case 5:
		fam_date(r->s.rescreen_due, d);
		util_strlcpy(buf, d, n);
		break;
	default:
		break;
	}
}

static void add_list(struct fscreenings *st, int *cap, struct db_screening *s, int n,
                     const char *subject)
{
	for (int i = 0; i < n; i++) {
		if (st->n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			st->rows = xrealloc(st->rows, sizeof *st->rows * (size_t)*cap);
		}
		st->rows[st->n].s = s[i];
		util_strlcpy(st->rows[st->n].subject, subject, sizeof st->rows[0].subject);
		st->n++;
	}
}

static int by_date_desc(const void *a, const void *b)
{
	const struct hrow *x = a, *y = b;
	int c = strcmp(y->s.screened_on, x->s.screened_on);
	if (c)
		return c;
	return y->s.id > x->s.id ? 1 : y->s.id < x->s.id ? -1 : 0;
}

static int hist_fetch(struct fscreenings *st, struct qerr *err)
{
	struct db_person *m = NULL;
	int nm = 0, cap = 0;
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	if (db_person_list_family(tui_db(), tui_actor(), st->ref->family_id, &m, &nm, err) != DB_OK)
		return -1;
	struct db_screening *s = NULL;
	int ns = 0;
	char subject[300];
	struct qerr e = {0};
	/* what the actor may not see (a counsellor's non-clients) is left out */
	if (db_screening_list(tui_db(), tui_actor(), 0, st->ref->family_id, &s, &ns, &e) == DB_OK) {
		loc_fmt(subject, sizeof subject, "screening:subject_family", st->ref->code);
		add_list(st, &cap, s, ns, subject);
	}
	free(s);
	for (int i = 0; i < nm; i++) {
		s = NULL;
		ns = 0;
		if (db_screening_list(tui_db(), tui_actor(), m[i].id, 0, &s, &ns, &e) == DB_OK) {
			fam_name3(m[i].first_name, NULL, m[i].last_name, subject, sizeof subject);
			add_list(st, &cap, s, ns, subject);
		}
		free(s);
	}
	free(m);
	if (st->n > 1)
		qsort(st->rows, (size_t)st->n, sizeof *st->rows, by_date_desc);
	tui_list_set_count(&st->list, st->n);
	return 0;
}

static int hist_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_family_ref *ref = s->arg;
	if (!ref || ref->family_id <= 0) {
		qerr_set(err, "err:internal", "fam_screenings arg");
		return -1;
	}
	struct fscreenings *st = xcalloc(1, sizeof *st);
	st->ref = ref;
	tui_list_init(&st->list, hist_cols, 6, st, hist_cell);
	st->list.show_titles = true;
	if (hist_fetch(st, err) != 0) {
		free(st);
		return -1;
	}
	tui_list_select(&st->list, 0);
	s->priv = st;
	return 0;
}

static void hist_free(struct tui_screen *s)
{
	struct fscreenings *st = s->priv;
	if (!st)
		return;
	free(st->rows);
	free(st->factors);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

static void draw_detail(struct fscreenings *st, WINDOW *w, int rows, int cols)
{
	const struct conf *cf = tui_conf();
	const struct db_screening *s = &st->one;
	char line[1600], d[11], d2[11];
	fam_date(s->screened_on, d);
	loc_fmt(line, sizeof line, "screening:detail_title", st->one_subject, d);
	tui_put(w, 0, 1, cols - 2, line, tui_style(TUI_S_TITLE), false);
	fam_date(s->rescreen_due, d2);
	loc_fmt(line, sizeof line, "screening:detail_level", fam_level(s->level), s->score,
	        fam_level(s->level_computed), s->staff_name, d2[0] ? d2 : "—");
	tui_put(w, 1, 1, cols - 2, line, A_NORMAL, false);
	int y = 2;
	if (s->override_reason[0]) {
		loc_fmt(line, sizeof line, "screening:detail_reason", s->override_reason);
		tui_put(w, y++, 1, cols - 2, line, A_BOLD, false);
	}
	y++;
	/* the factors present first, then the absent ones, dim */
	for (int pass = 0; pass < 2 && y < rows; pass++) {
		for (int i = 0; i < st->nfactors && y < rows; i++) {
			const struct db_screening_factor *f = &st->factors[i];
			if (f->present != (pass == 0))
				continue;
			snprintf(line, sizeof line, "%s %s%s%s", f->present ? "[x]" : "[ ]",
			         fam_cat(&cf->risk_factors, f->key), f->note[0] ? " — " : "",
			         f->note);
			tui_put(w, y++, 2, cols - 4, line,
			        f->present ? A_BOLD : tui_style(TUI_S_DIM), false);
		}
	}
}

static void hist_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fscreenings *st = s->priv;
	if (st->detail) {
		draw_detail(st, w, rows, cols);
		return;
	}
	char title[200];
	loc_fmt(title, sizeof title, "screening:history_title", st->ref->code);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	if (st->n == 0) {
		tui_put(w, 2, 2, cols - 4, loc_str("screening:none"), tui_style(TUI_S_DIM), false);
		return;
	}
	tui_list_draw(&st->list, w, 2, 1, rows - 2, cols - 2, true);
}

static int hist_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fscreenings *st = s->priv;
	if (st->detail) {
		if (ev->key == TUI_K_ESC || ev->action == H_OPEN) {
			st->detail = false;
			return TUI_REDRAW;
		}
		return TUI_HANDLED;
	}
	if (ev->action == H_OPEN) {
		int sel = tui_list_selected(&st->list);
		if (sel < 0)
			return TUI_HANDLED;
		struct qerr e = {0};
		free(st->factors);
		st->factors = NULL;
		st->nfactors = 0;
		if (db_screening_get(tui_db(), tui_actor(), st->rows[sel].s.id, &st->one,
		                     &st->factors, &st->nfactors, &e) != DB_OK) {
			tui_message_err(&e);
			return TUI_REDRAW;
		}
		util_strlcpy(st->one_subject, st->rows[sel].subject, sizeof st->one_subject);
		st->detail = true;
		return TUI_REDRAW;
	}
	return tui_list_key(&st->list, ev->key);
}

const struct tui_screen_def fam_screenings_screen = {
    .name = "screenings",
    .title_key = "screening:history_screen",
    .keys = hist_keys,
    .init = hist_init,
    .free = hist_free,
    .draw = hist_draw,
    .key = hist_key,
};
