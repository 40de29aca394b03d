/*
 * desk_referral — referring a person to a service, and one referral with
 * its lifecycle and history.
 *
 * The new-referral form (desk_referral_new_screen) asks for the service
 * (configured catalogue), the organisation, the reason, the date and the
 * follow-up date (default: today + referral.overdue_days). It shows the
 * family's consent and warns when it does not cover the service; db/
 * refuses such a referral, and a manager is then offered to go ahead with
 * a written reason (stored and audited by db_referral_add). Once saved,
 * the form turns into the referral's own screen.
 *
 * The referral screen (desk_referral_screen) shows the referral, its dated
 * history (db_referral_events) and the lifecycle keys: accept, decline,
 * complete, revoke (with a reason), no response — each asks for its date
 * and a note in a small form at the bottom, saved with Enter on its last
 * field or F4 / Alt-S like every form — and F7 / p for the slip.
 * Lifecycle keys show only for managers and registrars and only while the
 * referral is open (the state op reports TUI_ST_ROW then).
 */
#include "tui/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "db/registry.h"
#include "forms/form.h"
#include "forms/slip.h"
#include "locale/loc.h"

static const struct conf_list *services(void)
{
	const struct conf *cf = tui_conf();
	return cf ? &cf->services : NULL;
}

static int overdue_days(void)
{
	const struct conf *cf = tui_conf();
	return cf && cf->referral_overdue_days > 0 ? cf->referral_overdue_days : 14;
}

static bool may_write(void)
{
	const struct db_actor *a = tui_actor();
	return a && (a->role == DB_ROLE_MANAGER || a->role == DB_ROLE_REGISTRAR);
}

static bool is_manager(void)
{
	const struct db_actor *a = tui_actor();
	return a && a->role == DB_ROLE_MANAGER;
}

/* "referral:st_<status>" */
static const char *status_label(const char *status)
{
	char k[64];
	snprintf(k, sizeof k, "referral:st_%s", status);
	return loc_str(k);
}

/* Up to max_lines lines of text wrapped to cols, drawn from row y at x. */
static int draw_wrapped(WINDOW *w, int y, int x, int cols, const char *text, int max_lines,
                        attr_t a)
{
	if (cols < FORM_SLIP_MIN_WIDTH) {
		tui_put(w, y, x, cols, text, a, false);
		return 1;
	}
	struct sbuf b = {0};
	form_slip_wrap(&b, NULL, 0, text, cols);
	int n = 0;
	const char *p = b.s ? b.s : "";
	while (*p && n < max_lines) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, len);
		bool last = n == max_lines - 1 && e && e[1];
		if (last) {
			/* more follows: end with an ellipsis */
			char *l2 = xasprintf("%s …", line);
			tui_put(w, y + n, x, cols, l2, a, false);
			free(l2);
		} else {
			tui_put(w, y + n, x, cols, line, a, false);
		}
		free(line);
		n++;
		p += len + (e ? 1 : 0);
	}
	sbuf_free(&b);
	return n > 0 ? n : 1;
}

/* ==================================================================
 * One referral
 * ================================================================== */

enum { R_ACCEPT = 1, R_DECLINE, R_COMPLETE, R_REVOKE, R_NORESP, R_SLIP };

static const struct tui_key det_keys[] = {
    {'a', 0, "referral:key_accept", "referral:help_accept", R_ACCEPT, TUI_NEED_ROW},
    {'d', 0, "referral:key_decline", "referral:help_decline", R_DECLINE, TUI_NEED_ROW},
    {'c', 0, "referral:key_complete", "referral:help_complete", R_COMPLETE, TUI_NEED_ROW},
    {'r', 0, "referral:key_revoke", "referral:help_revoke", R_REVOKE, TUI_NEED_ROW},
    {'n', 0, "referral:key_noresp", "referral:help_noresp", R_NORESP, TUI_NEED_ROW},
    {TUI_FKEY(7), 'p', "referral:key_slip", "referral:help_slip", R_SLIP, 0},
    {TUI_K_ENTER, 0, NULL, "referral:help_change_enter", 0, 0},
    /* Saves the change being made; handled in det_key, documented here
     * only: the key bar has no state for "a change is open" (TUI_ST_ROW
     * already means "the lifecycle keys apply"), so its hint line says it. */
    {TUI_FKEY(4), TUI_ALT('s'), NULL, "referral:help_save_change", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

/* The status each lifecycle key moves to. */
static const char *const act_status[] = {NULL,        "accepted", "declined",
                                         "completed", "revoked",  "no_response"};

struct rdet {
	int64_t id;
	struct db_referral r;
	struct db_referral_event *ev;
	int nev;
	/* the change being made, in the form at the bottom */
	int act; /* R_ACCEPT ... R_NORESP, 0 = none */
	struct tui_field f[2];
	struct tui_form fm;
};

static int det_load(struct rdet *st, struct qerr *err)
{
	free(st->ev);
	st->ev = NULL;
	st->nev = 0;
	int rc = db_referral_get(tui_db(), tui_actor(), st->id, &st->r, err);
	if (rc == DB_OK)
		rc = db_referral_events(tui_db(), tui_actor(), st->id, &st->ev, &st->nev, err);
	return rc == DB_OK ? 0 : -1;
}

static void det_release(struct rdet *st)
{
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st->ev);
	free(st);
}

/* Open the referral screen on s for referral id (also used by the
 * new-referral form, which turns into this screen after saving). */
static int det_setup(struct tui_screen *s, int64_t id, struct qerr *err)
{
	struct rdet *st = xcalloc(1, sizeof *st);
	st->id = id;
	st->f[0] = (struct tui_field){
	    .label_key = "referral:f_on", .maxlen = 10, .width = 12, .required = true};
	st->f[1] =
	    (struct tui_field){.label_key = "referral:f_note", .maxlen = DB_TEXT_LEN, .width = 50};
	tui_form_init(&st->fm, st->f, 2);
	st->fm.spacing = 2; /* errors under the fields: the bottom rows are narrow */
	if (det_load(st, err) != 0) {
		det_release(st);
		return -1;
	}
	s->priv = st;
	return 0;
}

static int det_init(struct tui_screen *s, struct qerr *err)
{
	if (!s->arg) {
		qerr_set(err, "err:not_found", "referral");
		return -1;
	}
	return det_setup(s, *(const int64_t *)s->arg, err);
}

static void det_free(struct tui_screen *s)
{
	det_release(s->priv);
	s->priv = NULL;
}

static int det_reload(struct tui_screen *s, struct qerr *err)
{
	return det_load(s->priv, err);
}

static bool det_open(const struct rdet *st)
{
	return strcmp(st->r.status, "referred") == 0 || strcmp(st->r.status, "accepted") == 0;
}

static unsigned det_state(const struct tui_screen *s)
{
	const struct rdet *st = s->priv;
	if (st->act)
		return TUI_ST_TYPING;
	return may_write() && det_open(st) ? TUI_ST_ROW : 0;
}

static bool det_overdue(const struct rdet *st)
{
	char today[11];
	util_today(today);
	return strcmp(st->r.status, "referred") == 0 &&
	       (st->r.days_waiting > overdue_days() ||
	        (st->r.follow_up_due[0] && strcmp(st->r.follow_up_due, today) < 0));
}

static void start_change(struct rdet *st, int act)
{
	if (!db_referral_can(st->r.status, act_status[act])) {
		char m[400];
		loc_fmt(m, sizeof m, "referral:cannot", status_label(st->r.status),
		        status_label(act_status[act]));
		tui_message(m);
		return;
	}
	static const char *const note_key[] = {NULL,
	                                       "referral:f_note",
	                                       "referral:f_decline_reason",
	                                       "referral:f_outcome",
	                                       "referral:f_revoke_reason",
	                                       "referral:f_note"};
	char today[11], d[11];
	util_today(today);
	loc_date(today, d);
	st->act = act;
	st->f[1].label_key = note_key[act];
	st->f[1].required = act == R_REVOKE;
	tui_form_set(&st->fm, 0, d);
	tui_form_set(&st->fm, 1, "");
	tui_form_clear_errors(&st->fm);
	tui_form_focus(&st->fm, 1);
}

static int save_change(struct rdet *st)
{
	char raw_on[64], raw_note[DB_TEXT_SZ * 2], today[11], iso[11];
	char *note = NULL;
	struct qerr e = {0};
	int bad = 0;
	util_today(today);
	tui_form_clear_errors(&st->fm);
	tui_form_get(&st->fm, 0, raw_on, sizeof raw_on);
	tui_form_get(&st->fm, 1, raw_note, sizeof raw_note);
	if (form_date(raw_on, today, iso, &e) != 0) {
		tui_form_set_error(&st->fm, 0, &e);
		bad++;
	} else if (strcmp(iso, today) > 0) {
		qerr_set(&e, "referral:date_future", NULL);
		tui_form_set_error(&st->fm, 0, &e);
		bad++;
	} else if (strcmp(iso, st->r.referred_on) < 0) {
		qerr_set(&e, "referral:date_before", NULL);
		tui_form_set_error(&st->fm, 0, &e);
		bad++;
	}
	qerr_clear(&e);
	if (form_text(raw_note, DB_TEXT_LEN, false, st->act == R_REVOKE, &note, &e) != 0) {
		tui_form_set_error(&st->fm, 1, &e);
		bad++;
	}
	if (bad) {
		char m[200];
		loc_fmt(m, sizeof m, "form:not_saved", bad);
		tui_message(m);
		free(note);
		return TUI_REDRAW;
	}
	const char *to = act_status[st->act];
	int rc = db_referral_set_status(tui_db(), tui_actor(), st->id, st->r.version, to, iso,
	                                note[0] ? note : NULL, &e);
	free(note);
	if (rc != DB_OK) {
		/* Keep the form as typed; show the referral as it is now. */
		tui_message_err(&e);
		struct qerr le = {0};
		if (rc == DB_STALE)
			det_load(st, &le);
		return TUI_REDRAW;
	}
	st->act = 0;
	struct qerr le = {0};
	if (det_load(st, &le) != 0)
		tui_message_err(&le);
	else {
		char m[300];
		loc_fmt(m, sizeof m, "referral:status_saved", st->r.code, status_label(to));
		tui_message(m);
	}
	return TUI_REDRAW;
}

static int det_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct rdet *st = s->priv;
	if (st->act) {
		if (ev->key == TUI_K_ESC) {
			st->act = 0;
			tui_message_key("referral:change_cancelled");
			return TUI_REDRAW;
		}
		if (ev->key == TUI_FKEY(4) || ev->key == TUI_ALT('s') || ev->key == TUI_ALT('S'))
			return save_change(st);
		if (ev->action)
			return TUI_HANDLED; /* lifecycle keys wait until this change is done */
		switch (tui_form_key(&st->fm, ev->key)) {
		case TUI_FORM_SUBMIT:
			return save_change(st);
		case TUI_FORM_HANDLED:
			return TUI_REDRAW;
		default:
			return 0;
		}
	}
	switch (ev->action) {
	case R_ACCEPT:
	case R_DECLINE:
	case R_COMPLETE:
	case R_REVOKE:
	case R_NORESP:
		start_change(st, ev->action);
		return TUI_REDRAW;
	case R_SLIP:
		tui_push(&desk_slip_screen, &st->id);
		return TUI_REDRAW;
	default:
		break;
	}
	if (ev->key == TUI_K_ESC)
		return TUI_POP | TUI_RELOAD; /* the list below shows the new status */
	return 0;
}

/* A labelled line of the referral; returns the rows used. */
static int det_line(WINDOW *w, int y, int lw, int cols, const char *label_key, const char *text,
                    int max_lines, attr_t a)
{
	tui_put(w, y, 1, lw, loc_str(label_key), tui_style(TUI_S_DIM), false);
	return draw_wrapped(w, y, 1 + lw, cols - lw - 2, text, max_lines, a);
}

static void det_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct rdet *st = s->priv;
	const struct db_referral *r = &st->r;
	char buf[800], d1[11], d2[11];

	/* title: code · service, and the status on the right */
	snprintf(buf, sizeof buf, "%s · %s", r->code, desk_cat_label(services(), r->service));
	char stl[200];
	loc_date(r->status_on, d1);
	snprintf(stl, sizeof stl, "[%s %s]", status_label(r->status), d1);
	int sw = tui_text_width(stl);
	tui_put(w, 0, 1, cols - sw - 4, buf, tui_style(TUI_S_TITLE), false);
	tui_put(w, 0, cols - sw - 1, sw, stl, A_BOLD, false);

	static const char *const labels[] = {
	    "referral:l_person",  "referral:l_service",  "referral:l_org",
	    "referral:l_reason",  "referral:l_referred", "referral:l_due",
	    "referral:l_outcome", "referral:l_revoke",   "referral:l_override"};
	int lw = 0;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		int t = tui_text_width(loc_str(labels[i]));
		if (t > lw)
			lw = t;
	}
	lw += 2;
	if (lw > 24)
		lw = 24;

	struct desk_person p = {.id = r->person_id, .birth_year = r->birth_year, .sex = r->sex};
	util_strlcpy(p.first, r->first_name, sizeof p.first);
	util_strlcpy(p.father, r->father_name, sizeof p.father);
	util_strlcpy(p.last, r->last_name, sizeof p.last);
	util_strlcpy(p.family_code, r->family_code, sizeof p.family_code);
	util_strlcpy(p.birth_date, r->birth_date, sizeof p.birth_date);
	desk_person_line(&p, buf, sizeof buf);
	int y = 2;
	y += det_line(w, y, lw, cols, "referral:l_person", buf, 1, A_BOLD);
	y += det_line(w, y, lw, cols, "referral:l_service", desk_cat_label(services(), r->service),
	              1, A_NORMAL);
	y += det_line(w, y, lw, cols, "referral:l_org", r->organisation, 2, A_NORMAL);
	y += det_line(w, y, lw, cols, "referral:l_reason", r->reason, st->act ? 1 : 3, A_NORMAL);
	loc_date(r->referred_on, d1);
	loc_fmt(buf, sizeof buf, "referral:referred_by", d1, r->staff_name[0] ? r->staff_name : "—",
	        r->days_waiting);
	y += det_line(w, y, lw, cols, "referral:l_referred", buf, 1, A_NORMAL);
	if (r->follow_up_due[0]) {
		loc_date(r->follow_up_due, d2);
		bool late = det_overdue(st);
		snprintf(buf, sizeof buf, "%s%s%s", d2, late ? "  ! " : "",
		         late ? loc_str("referral:overdue") : "");
		y += det_line(w, y, lw, cols, "referral:l_due", buf, 1, late ? A_BOLD : A_NORMAL);
	}
	if (r->outcome[0])
		y += det_line(w, y, lw, cols, "referral:l_outcome", r->outcome, 2, A_NORMAL);
	if (r->revoke_reason[0])
		y += det_line(w, y, lw, cols, "referral:l_revoke", r->revoke_reason, 2, A_NORMAL);
	if (r->consent_override[0])
		y += det_line(w, y, lw, cols, "referral:l_override", r->consent_override, 1,
		              A_NORMAL);

	/* the change being made takes the bottom rows */
	int bottom = rows;
	if (st->act) {
		static const char *const titles[] = {NULL,
		                                     "referral:act_accept",
		                                     "referral:act_decline",
		                                     "referral:act_complete",
		                                     "referral:act_revoke",
		                                     "referral:act_noresp"};
		bottom = rows - 6;
		tui_put(w, bottom, 1, cols - 2, loc_str(titles[st->act]), tui_style(TUI_S_TITLE),
		        false);
		tui_form_draw(&st->fm, w, bottom + 1, 3, 0, cols - 4, true);
		tui_put(w, rows - 1, 1, cols - 2, loc_str("referral:hint_change"),
		        tui_style(TUI_S_DIM), false);
	}

	/* the history, newest at the bottom; the oldest drop out when short of room */
	y++;
	if (y >= bottom - 1)
		return;
	loc_fmt(buf, sizeof buf, "referral:history", st->nev);
	tui_put(w, y++, 1, cols - 2, buf, tui_style(TUI_S_TITLE), false);
	int room = bottom - y - (st->act ? 1 : 0);
	int first = st->nev > room ? st->nev - room : 0;
	for (int i = first; i < st->nev && y < bottom; i++) {
		const struct db_referral_event *e = &st->ev[i];
		char when[40], what[200];
		loc_date(e->at, d1);
		snprintf(when, sizeof when, "%s %.5s", d1, strlen(e->at) >= 16 ? e->at + 11 : "");
		if (e->from_status[0])
			snprintf(what, sizeof what, "%s → %s", status_label(e->from_status),
			         status_label(e->to_status));
		else
			snprintf(what, sizeof what, "%s", status_label(e->to_status));
		/* when, what, who, note: in columns, measured on the screen */
		tui_put(w, y, 2, 17, when, A_NORMAL, false);
		tui_put(w, y, 20, 28, what, A_NORMAL, false);
		tui_put(w, y, 49, 11, e->username, tui_style(TUI_S_DIM), false);
		tui_put(w, y, 61, cols - 62, e->note, A_NORMAL, false);
		y++;
	}
}

const struct tui_screen_def desk_referral_screen = {
    .name = "desk_referral",
    .title_key = "referral:title",
    .keys = det_keys,
    .init = det_init,
    .free = det_free,
    .reload = det_reload,
    .draw = det_draw,
    .key = det_key,
    .state = det_state,
};

/* ==================================================================
 * A new referral
 * ================================================================== */

enum { F_SERVICE, F_ORG, F_REASON, F_ON, F_DUE, F_OVERRIDE, NF };
enum { N_SAVE = 1 };

static const struct tui_key new_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "referral:key_save", "referral:help_save", N_SAVE, TUI_NEED_ROW},
    {TUI_K_ENTER, 0, NULL, "referral:help_enter", 0, 0},
    {TUI_K_TAB, 0, NULL, "referral:help_tab", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct rnew {
	bool picking;  /* asking for the person first */
	bool searched; /* the person came from the search: Esc goes back to it */
	struct desk_pick pick;
	struct desk_person who;
	bool has_consent;
	struct db_consent consent;
	struct tui_choice *svc;
	int nsvc;
	struct tui_field f[NF];
	struct tui_form fm;
	bool override_on;
};

static void new_release(struct rnew *st)
{
	if (!st)
		return;
	desk_pick_free(&st->pick);
	st->fm.n = NF;
	tui_form_free(&st->fm);
	free(st->svc);
	free(st);
}

static void load_consent(struct rnew *st)
{
	struct qerr e = {0};
	st->has_consent =
	    db_consent_current(tui_db(), tui_actor(), st->who.family_id, &st->consent, &e) == DB_OK;
}

static int new_init(struct tui_screen *s, struct qerr *err)
{
	if (!may_write()) {
		qerr_set(err, "err:db_denied", NULL);
		return -1;
	}
	const struct conf_list *l = services();
	if (!l || l->n == 0) {
		qerr_set(err, "referral:no_services", NULL);
		return -1;
	}
	struct rnew *st = xcalloc(1, sizeof *st);
	desk_pick_init(&st->pick);
	st->nsvc = l->n;
	st->svc = xcalloc((size_t)l->n, sizeof *st->svc);
	for (int i = 0; i < l->n; i++)
		st->svc[i].value = l->items[i].key;
	st->f[F_SERVICE] = (struct tui_field){.label_key = "referral:f_service",
	                                      .kind = TUI_FIELD_CHOICE,
	                                      .choices = st->svc,
	                                      .nchoices = st->nsvc,
	                                      .required = true,
	                                      .width = 30};
	st->f[F_ORG] = (struct tui_field){
	    .label_key = "referral:f_org", .maxlen = DB_TEXT_LEN, .width = 46, .required = true};
	st->f[F_REASON] = (struct tui_field){
	    .label_key = "referral:f_reason", .maxlen = DB_TEXT_LEN, .width = 46, .required = true};
	st->f[F_ON] = (struct tui_field){
	    .label_key = "referral:f_referred_on", .maxlen = 10, .width = 12, .required = true};
	st->f[F_DUE] = (struct tui_field){.label_key = "referral:f_due", .maxlen = 10, .width = 12};
	st->f[F_OVERRIDE] = (struct tui_field){.label_key = "referral:f_override",
	                                       .maxlen = DB_TEXT_LEN,
	                                       .width = 46,
	                                       .required = true};
	tui_form_init(&st->fm, st->f, NF);
	st->fm.n = F_OVERRIDE; /* the override reason shows only when it is needed */
	st->fm.spacing = 2;
	char today[11], d[11], due[11];
	util_today(today);
	loc_date(today, d);
	tui_form_set(&st->fm, F_ON, d);
	long days = form_date_to_days(today);
	if (days != FORM_NO_DATE) {
		char iso[11];
		form_days_to_date(days + overdue_days(), iso);
		loc_date(iso, due);
		tui_form_set(&st->fm, F_DUE, due);
	}
	tui_form_focus(&st->fm, F_SERVICE);
	st->picking = true;
	if (s->arg) {
		if (desk_person_load(*(const int64_t *)s->arg, &st->who, err) != 0) {
			new_release(st);
			return -1;
		}
		st->picking = false;
		load_consent(st);
	}
	s->priv = st;
	return 0;
}

static void new_free(struct tui_screen *s)
{
	new_release(s->priv);
	s->priv = NULL;
}

static unsigned new_state(const struct tui_screen *s)
{
	const struct rnew *st = s->priv;
	if (st->picking)
		return TUI_ST_TYPING;
	return TUI_ST_ROW | (st->fm.focus != F_SERVICE ? TUI_ST_TYPING : 0);
}

static bool typed_something(struct rnew *st)
{
	char buf[16];
	for (int i = F_ORG; i <= F_REASON; i++) {
		tui_form_get(&st->fm, i, buf, sizeof buf);
		if (buf[0])
			return true;
	}
	return false;
}

/* The form field a db error is about (its detail names the column). */
static int field_of(const struct qerr *e)
{
	static const struct {
		const char *name;
		int field;
	} map[] = {{"service", F_SERVICE},   {"organisation", F_ORG},
	           {"reason", F_REASON},     {"referred_on", F_ON},
	           {"follow_up_due", F_DUE}, {"consent_override", F_OVERRIDE}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(e->detail, map[i].name) == 0)
			return map[i].field;
	return -1;
}

static int new_save(struct tui_screen *s)
{
	struct rnew *st = s->priv;
	char service[64], org[DB_TEXT_SZ * 2], reason[DB_TEXT_SZ * 2], on[64], due[64],
	    ovr[DB_TEXT_SZ * 2], today[11], on_iso[11] = "", due_iso[11] = "";
	char *org_t = NULL, *reason_t = NULL, *ovr_t = NULL;
	struct qerr e = {0};
	int bad = 0, first_bad = -1;
	util_today(today);
	tui_form_clear_errors(&st->fm);
	tui_form_get(&st->fm, F_SERVICE, service, sizeof service);
	tui_form_get(&st->fm, F_ORG, org, sizeof org);
	tui_form_get(&st->fm, F_REASON, reason, sizeof reason);
	tui_form_get(&st->fm, F_ON, on, sizeof on);
	tui_form_get(&st->fm, F_DUE, due, sizeof due);
	tui_form_get(&st->fm, F_OVERRIDE, ovr, sizeof ovr);
#define REFUSE(i)                                                                                  \
	do {                                                                                       \
		tui_form_set_error(&st->fm, (i), &e);                                              \
		if (first_bad < 0 || (i) < first_bad)                                              \
			first_bad = (i);                                                           \
		bad++;                                                                             \
		qerr_clear(&e);                                                                    \
	} while (0)
	if (!service[0]) {
		qerr_set(&e, "form:required", NULL);
		REFUSE(F_SERVICE);
	}
	if (form_text(org, DB_TEXT_LEN, false, true, &org_t, &e) != 0)
		REFUSE(F_ORG);
	if (form_text(reason, DB_TEXT_LEN, false, true, &reason_t, &e) != 0)
		REFUSE(F_REASON);
	if (form_date(on, today, on_iso, &e) != 0) {
		REFUSE(F_ON);
	} else if (strcmp(on_iso, today) > 0) {
		qerr_set(&e, "referral:date_future", NULL);
		REFUSE(F_ON);
	}
	char trimmed[64];
	form_search_clean(due, trimmed, sizeof trimmed);
	if (trimmed[0]) {
		if (form_date(due, today, due_iso, &e) != 0) {
			REFUSE(F_DUE);
		} else if (on_iso[0] && strcmp(due_iso, on_iso) < 0) {
			qerr_set(&e, "referral:due_before", NULL);
			REFUSE(F_DUE);
		}
	}
	if (st->override_on && form_text(ovr, DB_TEXT_LEN, false, true, &ovr_t, &e) != 0)
		REFUSE(F_OVERRIDE);
#undef REFUSE
	int flags = TUI_REDRAW;
	if (bad) {
		char m[200];
		loc_fmt(m, sizeof m, "form:not_saved", bad);
		tui_message(m);
		tui_form_focus(&st->fm, first_bad);
		goto out;
	}
	struct db_referral_new in = {
	    .person_id = st->who.id,
	    .service = service,
	    .organisation = org_t,
	    .reason = reason_t,
	    .referred_on = on_iso,
	    .follow_up_due = due_iso[0] ? due_iso : NULL,
	    .consent_override = st->override_on ? ovr_t : NULL,
	};
	int64_t id = 0;
	char code[DB_CODE_SZ] = "";
	int rc = db_referral_add(tui_db(), tui_actor(), &in, &id, code, &e);
	if (rc == DB_DENIED && strcmp(e.key, "err:consent_missing") == 0) {
		if (is_manager() && !st->override_on) {
			if (tui_confirm(loc_str("referral:override_q"))) {
				st->override_on = true;
				st->fm.n = NF;
				tui_form_focus(&st->fm, F_OVERRIDE);
				tui_message_key("referral:override_hint");
			} else {
				tui_message_err(&e);
			}
		} else {
			tui_message_err(&e);
		}
		goto out;
	}
	if (rc != DB_OK) {
		/* Everything typed stays; the field the error is about is marked. */
		int fi = field_of(&e);
		if (fi >= 0 && fi < st->fm.n) {
			tui_form_set_error(&st->fm, fi, &e);
			tui_form_focus(&st->fm, fi);
		}
		tui_message_err(&e);
		goto out;
	}
	/* Saved: the referral's own screen takes this one's place. tui_replace
	 * frees this screen's state (st) when it succeeds: not used after. When
	 * it fails it shows why, and the form closes all the same: the referral
	 * is saved and must not be saved twice. */
	if (tui_replace(&desk_referral_screen, &id) != 0) {
		flags = TUI_POP | TUI_RELOAD;
	} else {
		char m[400];
		loc_fmt(m, sizeof m, "referral:saved", code);
		tui_message(m);
	}
out:
	free(org_t);
	free(reason_t);
	free(ovr_t);
	return flags;
}

static int new_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct rnew *st = s->priv;
	if (st->picking) {
		if (ev->key == TUI_K_ESC)
			return 0;
		int r = desk_pick_key(&st->pick, ev->key, &st->who);
		if (r == DESK_PICK_CHOSEN) {
			st->picking = false;
			st->searched = true;
			load_consent(st);
			tui_form_focus(&st->fm, F_SERVICE);
		}
		return r == DESK_PICK_IGNORED ? 0 : TUI_REDRAW;
	}
	if (ev->action == N_SAVE)
		return new_save(s);
	if (ev->key == TUI_K_ESC) {
		if (typed_something(st) && !tui_confirm(loc_str("common:unsaved_changes")))
			return TUI_REDRAW;
		if (st->searched) {
			st->picking = true;
			return TUI_REDRAW;
		}
		return TUI_POP;
	}
	switch (tui_form_key(&st->fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		return new_save(s);
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return 0;
	}
}

/* "Health, Education" for a consent's scope. */
static void scope_labels(const char *scope, char *out, size_t n)
{
	out[0] = '\0';
	char *copy = xstrdup(scope ? scope : "");
	char *save = NULL;
	for (char *t = strtok_r(copy, " ,", &save); t; t = strtok_r(NULL, " ,", &save)) {
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", len ? ", " : "",
		         desk_cat_label(services(), t));
	}
	free(copy);
}

static void new_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct rnew *st = s->priv;
	tui_put(w, 0, 1, cols - 2, loc_str("referral:new_title"), tui_style(TUI_S_TITLE), false);
	if (st->picking) {
		desk_pick_draw(&st->pick, w, 2, rows - 3, cols);
		tui_put(w, rows - 1, 1, cols - 2, loc_str("referral:hint_pick"),
		        tui_style(TUI_S_DIM), false);
		return;
	}
	char line[800];
	desk_person_line(&st->who, line, sizeof line);
	tui_put(w, 1, 1, cols - 2, line, A_BOLD, false);
	char service[64];
	tui_form_get(&st->fm, F_SERVICE, service, sizeof service);
	bool covered = false;
	if (st->has_consent) {
		char scope[600], d[11];
		scope_labels(st->consent.scope, scope, sizeof scope);
		loc_date(st->consent.given_on, d);
		loc_fmt(line, sizeof line, "referral:consent_line", d, scope);
		draw_wrapped(w, 2, 1, cols - 2, line, 2, A_NORMAL);
		covered = service[0] && db_consent_covers(&st->consent, service);
	} else {
		snprintf(line, sizeof line, "! %s", loc_str("referral:consent_none"));
		tui_put(w, 2, 1, cols - 2, line, tui_style(TUI_S_WARN), false);
	}
	for (int i = 0; i < st->nsvc; i++)
		st->svc[i].label = desk_cat_label(services(), st->svc[i].value);
	tui_form_draw(&st->fm, w, 4, 1, 0, cols - 2, true);
	int y = 4 + st->fm.n * st->fm.spacing;
	if (service[0] && !covered && y < rows - 1) {
		loc_fmt(line, sizeof line, "referral:not_covered",
		        desk_cat_label(services(), service));
		char full[2000];
		const char *next = !is_manager()     ? "referral:not_covered_reg"
		                   : st->override_on ? "referral:override_hint"
		                                     : "referral:not_covered_mgr";
		snprintf(full, sizeof full, "! %s %s", line, loc_str(next));
		draw_wrapped(w, y, 1, cols - 2, full, rows - 1 - y, tui_style(TUI_S_WARN));
	}
	tui_put(w, rows - 1, 1, cols - 2, loc_str("referral:hint_new"), tui_style(TUI_S_DIM),
	        false);
}

const struct tui_screen_def desk_referral_new_screen = {
    .name = "desk_referral_new",
    .title_key = "referral:new_title",
    .keys = new_keys,
    .init = new_init,
    .free = new_free,
    .draw = new_draw,
    .key = new_key,
    .state = new_state,
};
