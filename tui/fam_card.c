/*
 * fam_card — one family on one screen: its code, place, address and phone;
 * the latest risk screening and level; the consent in force; the members
 * with age, school status and risk level; recent visits and open
 * referrals (all from db_family_card, six queries). From here: edit the
 * family, add or edit a member, screen a member or the whole family,
 * record consent, refer or register a visit (the front-desk screens of
 * tui/desk.h), the screening history and, for the manager, the record
 * history.
 *
 * The card also drives the guided registration (see tui/fam.h): each step
 * is pushed from here, and when it pops the reload pushes the next one.
 * A step left unsaved pauses the flow; what is still missing stays on the
 * card ("no consent yet") and 'g' continues.
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"
#include "tui/desk.h"

enum {
	A_EDIT_MEMBER = 1,
	A_ADD,
	A_EDIT,
	A_SCREEN,
	A_SCREEN_FAMILY,
	A_CONSENT,
	A_REFER,
	A_VISIT,
	A_CONTINUE,
	A_SCREENINGS,
	A_HISTORY,
	A_REFRESH,
	A_BACK,
};

static const struct tui_key card_keys[] = {
    {TUI_K_ENTER, 0, NULL, "family:k_edit_member", A_EDIT_MEMBER, FAM_NEED_EDIT},
    {TUI_FKEY(3), 'a', "family:k_add_bar", "family:k_add", A_ADD, FAM_NEED_EDIT},
    {TUI_FKEY(4), 'e', "family:k_edit_bar", "family:k_edit", A_EDIT, FAM_NEED_EDIT},
    {'s', 0, "family:k_screen_bar", "family:k_screen", A_SCREEN, FAM_NEED_EDIT},
    {'f', 0, NULL, "family:k_screen_family", A_SCREEN_FAMILY, FAM_NEED_EDIT},
    {'c', 0, "family:k_consent_bar", "family:k_consent", A_CONSENT, FAM_NEED_EDIT},
    {'r', 0, "family:k_refer_bar", "family:k_refer", A_REFER, FAM_NEED_EDIT},
    {'v', 0, "family:k_visit_bar", "family:k_visit", A_VISIT, TUI_NEED_WRITE},
    {'g', 0, NULL, "family:k_continue", A_CONTINUE, FAM_NEED_EDIT},
    {'p', 0, NULL, "family:k_screenings", A_SCREENINGS, 0},
    {'h', 0, NULL, "family:k_history", A_HISTORY, TUI_NEED_MANAGER},
    {TUI_FKEY(5), 'u', NULL, "family:k_refresh", A_REFRESH, 0},
    {TUI_K_ESC, 0, "keys:back", "help:k_back", A_BACK, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "family:k_move_member", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

enum step { STEP_NONE, STEP_MEMBER, STEP_SCREEN, STEP_CONSENT };

enum rkind { R_HEAD, R_MEMBER, R_VISIT, R_REFERRAL, R_NOTE };
struct crow {
	enum rkind kind;
	int i;           /* index into members/visits/referrals */
	const char *key; /* R_HEAD / R_NOTE: catalogue key */
	int count;       /* R_HEAD: the number in the title */
};

struct fcard {
	struct fam_card_arg *arg;
	int64_t id;
	struct db_family_card c;
	bool loaded;
	struct crow *rows;
	int n, cap;
	struct tui_list list;
	/* the guided registration */
	bool flow;
	enum step waiting; /* the step pushed and not back yet */
	/* arguments of the screens pushed from here */
	struct fam_edit_arg eargs;
	struct fam_person_arg pargs;
	struct fam_screening_arg sargs;
	struct fam_consent_arg cargs;
	struct fam_family_ref ref;
	int64_t desk_pid;
};

static const struct tui_col card_cols[] = {
    {"family:col_name", 0, TUI_LEFT},    {"family:col_age", 5, TUI_RIGHT},
    {"family:col_sex", 3, TUI_LEFT},     {"family:col_relation", 12, TUI_LEFT},
    {"family:col_school", 14, TUI_LEFT}, {"family:col_risk", 8, TUI_LEFT},
};

static void add_row(struct fcard *c, enum rkind kind, int i, const char *key, int count)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->rows = xrealloc(c->rows, sizeof *c->rows * (size_t)c->cap);
	}
	c->rows[c->n++] = (struct crow){kind, i, key, count};
}

static void build(struct fcard *c)
{
	c->n = 0;
	const struct db_family_card *d = &c->c;
	add_row(c, R_HEAD, 0, "family:members", d->nmembers);
	for (int i = 0; i < d->nmembers; i++)
		add_row(c, R_MEMBER, i, NULL, 0);
	if (!d->nmembers)
		add_row(c, R_NOTE, 0, "family:no_members", 0);
	add_row(c, R_HEAD, 0, "family:visits", d->nvisits);
	for (int i = 0; i < d->nvisits; i++)
		add_row(c, R_VISIT, i, NULL, 0);
	if (!d->nvisits)
		add_row(c, R_NOTE, 0, "family:no_visits", 0);
	add_row(c, R_HEAD, 0, "family:referrals", d->nreferrals);
	for (int i = 0; i < d->nreferrals; i++)
		add_row(c, R_REFERRAL, i, NULL, 0);
	if (!d->nreferrals)
		add_row(c, R_NOTE, 0, "family:no_referrals", 0);
	tui_list_set_count(&c->list, c->n);
}

static void member_cell(const struct db_person *p, int col, char *buf, size_t n)
{
	switch (col) {
	case 0:
		fam_name3(p->first_name, p->father_name, p->last_name, buf, n);
		break;
	case 1:
		fam_age(p->age, p->birth_estimated, buf, n);
		break;
	case 2:
		util_strlcpy(buf,
		             p->sex == 'F' ? loc_str("person:sex_f_short")
		                           : loc_str("person:sex_m_short"),
		             n);
		break;
	case 3:
		util_strlcpy(buf, fam_label("person:rel_", p->relation), n);
		break;
	case 4:
		if (p->restricted)
			break;
		if (p->school_grade >= 0 && strcmp(p->school_status, "enrolled") == 0)
			snprintf(buf, n, "%s %d", fam_label("person:school_", p->school_status),
			         p->school_grade);
		else
			util_strlcpy(buf, fam_label("person:school_", p->school_status), n);
		break;
	case 5:
		util_strlcpy(buf, p->risk_level[0] ? fam_level(p->risk_level) : "", n);
		break;
	default:
		break;
	}
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct fcard *c = ctx;
	if (row < 0 || row >= c->n)
		return;
	const struct crow *r = &c->rows[row];
	const struct conf *cf = tui_conf();
	char name[400], d[11];
	switch (r->kind) {
	case R_HEAD:
		if (col == 0)
			loc_fmt(buf, n, r->key, r->count);
		break;
	case R_NOTE:
		if (col == 0)
			util_strlcpy(buf, loc_str(r->key), n);
		break;
	case R_MEMBER:
		member_cell(&c->c.members[r->i], col, buf, n);
		break;
	case R_VISIT:
		if (col == 0) {
			const struct db_visit *v = &c->c.visits[r->i];
			fam_date(v->at, d);
			fam_name3(v->first_name, NULL, v->last_name, name, sizeof name);
			snprintf(buf, n, "%s %.5s  %s · %s%s%s", d, v->at[0] ? v->at + 11 : "",
			         name, fam_cat(cf ? &cf->visit_purposes : NULL, v->purpose),
			         v->note[0] ? " · " : "", v->note);
		}
		break;
	case R_REFERRAL:
		if (col == 0) {
			const struct db_referral *f = &c->c.referrals[r->i];
			fam_date(f->referred_on, d);
			fam_name3(f->first_name, NULL, f->last_name, name, sizeof name);
			snprintf(buf, n, "%s  %s  %s · %s · %s · %s", d, f->code, name,
			         fam_cat(cf ? &cf->services : NULL, f->service), f->organisation,
			         fam_label("family:ref_", f->status));
		}
		break;
	}
}

static unsigned row_flags(void *ctx, int row)
{
	struct fcard *c = ctx;
	if (row < 0 || row >= c->n)
		return 0;
	switch (c->rows[row].kind) {
	case R_HEAD:
		return TUI_ROW_HEADER;
	case R_MEMBER:
		return strcmp(c->c.members[c->rows[row].i].risk_level, "high") == 0 ? TUI_ROW_MARK
		                                                                    : 0;
	default:
		return TUI_ROW_INFO;
	}
}

static const struct db_person *selected_member(const struct fcard *c)
{
	int sel = tui_list_selected(&c->list);
	if (sel < 0 || sel >= c->n || c->rows[sel].kind != R_MEMBER)
		return NULL;
	return &c->c.members[c->rows[sel].i];
}

static int fetch(struct fcard *c, struct qerr *err)
{
	int64_t sel_id = 0;
	const struct db_person *p = c->loaded ? selected_member(c) : NULL;
	if (p)
		sel_id = p->id;
	struct db_family_card fresh;
	memset(&fresh, 0, sizeof fresh);
	int rc = db_family_card(tui_db(), tui_actor(), c->id, 5, &fresh, err);
	if (rc != DB_OK) {
		db_family_card_free(&fresh);
		return -1;
	}
	if (c->loaded)
		db_family_card_free(&c->c);
	c->c = fresh;
	c->loaded = true;
	build(c);
	/* keep the selected member, or the new one just added */
	int64_t want = c->pargs.saved && c->pargs.saved_id ? c->pargs.saved_id : sel_id;
	for (int i = 0; i < c->n; i++)
		if (c->rows[i].kind == R_MEMBER && c->c.members[c->rows[i].i].id == want)
			tui_list_select(&c->list, i);
	return 0;
}

/* ---- the guided registration ---- */

static enum step first_missing(const struct fcard *c)
{
	if (c->c.nmembers == 0)
		return STEP_MEMBER;
	if (!c->c.has_screening)
		return STEP_SCREEN;
	if (!c->c.has_consent)
		return STEP_CONSENT;
	return STEP_NONE;
}

static void setup_member(struct fcard *c, int64_t person_id, bool flow)
{
	memset(&c->pargs, 0, sizeof c->pargs);
	c->pargs.family_id = c->id;
	c->pargs.person_id = person_id;
	c->pargs.flow = flow;
	if (!person_id) {
		util_strlcpy(c->pargs.relation_default, c->c.nmembers ? "child" : "head",
		             sizeof c->pargs.relation_default);
		const char *last = c->c.family.head_last[0] ? c->c.family.head_last
		                   : c->c.nmembers          ? c->c.members[0].last_name
		                                            : "";
		util_strlcpy(c->pargs.last_default, last, sizeof c->pargs.last_default);
	}
}

static void setup_screening(struct fcard *c, const struct db_person *p, bool flow)
{
	memset(&c->sargs, 0, sizeof c->sargs);
	c->sargs.flow = flow;
	if (p) {
		c->sargs.person_id = p->id;
		fam_name3(p->first_name, p->father_name, p->last_name, c->sargs.subject,
		          sizeof c->sargs.subject);
	} else {
		c->sargs.family_id = c->id;
		loc_fmt(c->sargs.subject, sizeof c->sargs.subject, "screening:subject_family",
		        c->c.family.code);
	}
}

static void setup_consent(struct fcard *c, bool flow)
{
	memset(&c->cargs, 0, sizeof c->cargs);
	c->cargs.family_id = c->id;
	c->cargs.flow = flow;
	util_strlcpy(c->cargs.code, c->c.family.code, sizeof c->cargs.code);
}

/* Push a step of the flow; false when it could not open (flow ends). */
static bool push_step(struct fcard *c, enum step s)
{
	int rc = -1;
	switch (s) {
	case STEP_MEMBER:
		setup_member(c, 0, true);
		rc = tui_push(&fam_person_screen, &c->pargs);
		break;
	case STEP_SCREEN:
		setup_screening(c, NULL, true);
		rc = tui_push(&fam_screening_screen, &c->sargs);
		break;
	case STEP_CONSENT:
		setup_consent(c, true);
		rc = tui_push(&fam_consent_screen, &c->cargs);
		break;
	case STEP_NONE:
		break;
	}
	if (rc != 0) {
		c->flow = false;
		c->waiting = STEP_NONE;
		return false;
	}
	c->waiting = s;
	return true;
}

/* What comes after a step: the next one still missing. */
static enum step after(const struct fcard *c, enum step done)
{
	if (done <= STEP_MEMBER && !c->c.has_screening)
		return STEP_SCREEN;
	if (done <= STEP_SCREEN && !c->c.has_consent)
		return STEP_CONSENT;
	return STEP_NONE;
}

static void flow_done(struct fcard *c)
{
	c->flow = false;
	tui_message_key(first_missing(c) == STEP_NONE ? "family:flow_done" : "family:flow_paused");
}

/* A step came back (the card's reload after it popped): go on or pause. */
static void flow_continue(struct fcard *c)
{
	enum step s = c->waiting;
	c->waiting = STEP_NONE;
	if (!c->flow || s == STEP_NONE)
		return;
	bool saved = s == STEP_MEMBER   ? c->pargs.saved
	             : s == STEP_SCREEN ? c->sargs.saved
	                                : c->cargs.saved;
	if (!saved) {
		c->flow = false;
		tui_message_key("family:flow_paused");
		return;
	}
	if (s == STEP_MEMBER && tui_confirm(loc_str("family:flow_another"))) {
		push_step(c, STEP_MEMBER);
		return;
	}
	enum step next = after(c, s);
	if (next == STEP_NONE || !push_step(c, next))
		flow_done(c);
}

void fam_card_flow_start(struct fam_card_arg *a)
{
	struct fcard *c = a ? a->card : NULL;
	if (!c)
		return;
	enum step s = first_missing(c);
	if (s == STEP_NONE) {
		tui_message_key("family:flow_nothing");
		return;
	}
	c->flow = true;
	push_step(c, s);
}

/* ---- the screen ---- */

static int card_reload(struct tui_screen *s, struct qerr *err)
{
	struct fcard *c = s->priv;
	int rc = fetch(c, err);
	if (rc == 0 && c->waiting != STEP_NONE)
		flow_continue(c);
	return rc;
}

static int card_init(struct tui_screen *s, struct qerr *err)
{
	struct fam_card_arg *a = s->arg;
	if (!a || a->family_id <= 0) {
		qerr_set(err, "err:not_found", "family");
		return -1;
	}
	struct fcard *c = xcalloc(1, sizeof *c);
	c->arg = a;
	c->id = a->family_id;
	tui_list_init(&c->list, card_cols, 6, c, cell);
	c->list.row_flags = row_flags;
	c->list.show_titles = true;
	if (fetch(c, err) != 0) {
		free(c);
		return -1;
	}
	tui_list_select(&c->list, 0);
	a->card = c;
	s->priv = c;
	return 0;
}

static void card_free(struct tui_screen *s)
{
	struct fcard *c = s->priv;
	if (!c)
		return;
	if (c->arg && c->arg->card == c)
		c->arg->card = NULL;
	db_family_card_free(&c->c);
	free(c->rows);
	util_wipe(c, sizeof *c);
	free(c);
	s->priv = NULL;
}

/* "Shkodër · Active · registered 12.03.2026 (walk-in)" and so on. */
static void draw_head(struct fcard *c, WINDOW *w, int cols, int *y)
{
	const struct db_family *f = &c->c.family;
	const struct conf *cf = tui_conf();
	char line[2400], d[11], d2[11];
	fam_date(f->reg_date, d);
	snprintf(line, sizeof line, "%s · %s · %s", f->code,
	         fam_label("family:mun_", f->municipality), fam_label("family:st_", f->status));
	tui_put(w, *y, 1, cols - 2, line, tui_style(TUI_S_TITLE), false);
	char reg[200];
	loc_fmt(reg, sizeof reg, "family:registered", d,
	        fam_label("family:idby_", f->identified_by));
	int rw = tui_text_width(reg);
	if (rw < cols / 2)
		tui_put(w, *y, cols - rw - 1, rw, reg, tui_style(TUI_S_DIM), false);
	(*y)++;
	snprintf(line, sizeof line, "%s: %s%s%s", loc_str("family:f_address"), f->admin_unit,
	         f->admin_unit[0] && f->address[0] ? ", " : "", f->address);
	if (f->phone[0]) {
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, " · %s: %s", loc_str("family:f_phone"),
		         f->phone);
	}
	if (f->close_reason[0] && strcmp(f->status, "active") != 0) {
		size_t len = strlen(line);
		snprintf(line + len, sizeof line - len, " · %s", f->close_reason);
	}
	tui_put(w, (*y)++, 1, cols - 2, line, A_NORMAL, false);
	/* risk: the family's overall level, and the newest screening (of the
	 * family or of one member) with its own level */
	if (c->c.has_screening) {
		const struct db_screening *sc = &c->c.screening;
		char who[300] = "", lv[200];
		for (int i = 0; sc->person_id && i < c->c.nmembers; i++)
			if (c->c.members[i].id == sc->person_id)
				fam_name3(c->c.members[i].first_name, NULL,
				          c->c.members[i].last_name, who, sizeof who);
		if (!sc->person_id)
			loc_fmt(who, sizeof who, "screening:subject_family", f->code);
		fam_date(sc->screened_on, d);
		fam_date(sc->rescreen_due, d2);
		snprintf(lv, sizeof lv, "%s%s", fam_level(sc->level),
		         sc->override_reason[0] ? loc_str("family:overridden") : "");
		loc_fmt(line, sizeof line, d2[0] ? "family:risk_line_due" : "family:risk_line",
		        fam_level(f->risk_level[0] ? f->risk_level : sc->level), d, who, lv, d2);
		fam_put_wrap(w, y, 1, cols - 2, line,
		             strcmp(f->risk_level, "high") == 0 ? A_BOLD : A_NORMAL, 2);
	} else {
		tui_put(w, (*y)++, 1, cols - 2, loc_str("family:not_screened"),
		        tui_style(TUI_S_WARN), false);
	}
	/* consent */
	if (c->c.has_consent) {
		const struct db_consent *k = &c->c.consent;
		char scope[600] = "";
		size_t len = 0;
		const char *p = k->scope;
		while (*p && len + 1 < sizeof scope) {
			char key[DB_KEY_SZ];
			size_t n = 0;
			while (*p && *p != ' ' && n + 1 < sizeof key)
				key[n++] = *p++;
			key[n] = '\0';
			while (*p == ' ')
				p++;
			snprintf(scope + len, sizeof scope - len, "%s%s", len ? ", " : "",
			         fam_cat(cf ? &cf->services : NULL, key));
			len = strlen(scope);
		}
		fam_date(k->given_on, d);
		loc_fmt(line, sizeof line, "family:consent_line", d, k->given_by_name, scope);
		fam_put_wrap(w, y, 1, cols - 2, line, A_NORMAL, 2);
	} else {
		tui_put(w, (*y)++, 1, cols - 2, loc_str("family:no_consent"), tui_style(TUI_S_WARN),
		        false);
	}
	/* what the registration still lacks */
	if (first_missing(c) != STEP_NONE) {
		char what[300] = "";
		size_t len = 0;
		if (!c->c.nmembers) {
			snprintf(what + len, sizeof what - len, "%s",
			         loc_str("family:miss_members"));
			len = strlen(what);
		}
		if (!c->c.has_screening) {
			snprintf(what + len, sizeof what - len, "%s%s", len ? ", " : "",
			         loc_str("family:miss_screening"));
			len = strlen(what);
		}
		if (!c->c.has_consent)
			snprintf(what + len, sizeof what - len, "%s%s", len ? ", " : "",
			         loc_str("family:miss_consent"));
		loc_fmt(line, sizeof line,
		        fam_can_edit() ? "family:missing_resume" : "family:missing", what);
		fam_put_wrap(w, y, 1, cols - 2, line, tui_style(TUI_S_WARN), 2);
	}
}

static void card_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct fcard *c = s->priv;
	int y = 0;
	draw_head(c, w, cols, &y);
	y++;
	tui_list_draw(&c->list, w, y, 1, rows - y, cols - 2, true);
}

static int need_member(const struct fcard *c)
{
	(void)c;
	tui_message_key("family:select_member");
	return TUI_HANDLED;
}

static int card_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct fcard *c = s->priv;
	const struct db_person *p = selected_member(c);
	struct qerr e = {0};
	switch (ev->action) {
	case A_EDIT_MEMBER:
		if (!p)
			return need_member(c);
		setup_member(c, p->id, false);
		tui_push(&fam_person_screen, &c->pargs);
		return TUI_REDRAW;
	case A_ADD:
		setup_member(c, 0, false);
		tui_push(&fam_person_screen, &c->pargs);
		return TUI_REDRAW;
	case A_EDIT:
		memset(&c->eargs, 0, sizeof c->eargs);
		c->eargs.family_id = c->id;
		tui_push(&fam_edit_screen, &c->eargs);
		return TUI_REDRAW;
	case A_SCREEN:
		if (!p)
			return need_member(c);
		setup_screening(c, p, false);
		tui_push(&fam_screening_screen, &c->sargs);
		return TUI_REDRAW;
	case A_SCREEN_FAMILY:
		setup_screening(c, NULL, false);
		tui_push(&fam_screening_screen, &c->sargs);
		return TUI_REDRAW;
	case A_CONSENT:
		setup_consent(c, false);
		tui_push(&fam_consent_screen, &c->cargs);
		return TUI_REDRAW;
	case A_REFER:
		if (!p)
			return need_member(c);
		c->desk_pid = p->id;
		tui_push(&desk_referral_new_screen, &c->desk_pid);
		return TUI_REDRAW;
	case A_VISIT:
		c->desk_pid = p ? p->id : 0;
		tui_push(&desk_visit_screen, p ? &c->desk_pid : NULL);
		return TUI_REDRAW;
	case A_CONTINUE:
		fam_card_flow_start(c->arg);
		return TUI_REDRAW;
	case A_SCREENINGS:
	case A_HISTORY:
		c->ref.family_id = c->id;
		util_strlcpy(c->ref.code, c->c.family.code, sizeof c->ref.code);
		tui_push(ev->action == A_HISTORY ? &fam_history_screen : &fam_screenings_screen,
		         &c->ref);
		return TUI_REDRAW;
	case A_REFRESH:
		if (fetch(c, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	case A_BACK:
		return TUI_POP | TUI_RELOAD; /* the list shows what changed here */
	default:
		break;
	}
	return tui_list_key(&c->list, ev->key);
}

static unsigned card_state(const struct tui_screen *s)
{
	(void)s;
	return fam_can_edit() ? FAM_ST_EDIT : 0;
}

const struct tui_screen_def fam_card_screen = {
    .name = "family_card",
    .title_key = "family:card_title",
    .keys = card_keys,
    .init = card_init,
    .free = card_free,
    .reload = card_reload,
    .draw = card_draw,
    .key = card_key,
    .state = card_state,
};
