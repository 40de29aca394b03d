/*
 * cns_cancel — cancelling an appointment: a reason is required (it is kept
 * with the appointment and shown in the schedule), and for a weekly series
 * the later appointments can go with it. A confirmation comes before
 * anything is changed; a refusal from db/ (someone else's change, a
 * session log already written) is shown and the reason typed is kept.
 */
#include "tui/cns.h"
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forms/form.h"
#include "locale/loc.h"

enum { F_REASON, F_SERIES, NF };
enum { A_SAVE = 1 };

#define REASON_MAX 120

static const struct tui_key cancel_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "appointment:kb_do_cancel", "appointment:k_do_cancel", A_SAVE,
     TUI_NEED_WRITE},
    {TUI_K_ENTER, 0, NULL, "appointment:k_enter", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

static const struct tui_choice series_choices[] = {
    {"no", "appointment:series_only_this", NULL},
    {"yes", "appointment:series_rest", NULL},
};

struct cancel {
	struct db_appt ap;
	struct tui_field f[NF];
	struct tui_form fm;
	struct qerr dberr;
};

static int cancel_init(struct tui_screen *s, struct qerr *err)
{
	(void)err;
	struct cancel *c = xcalloc(1, sizeof *c);
	if (s->arg)
		c->ap = *(const struct db_appt *)s->arg;
	c->f[F_REASON] = (struct tui_field){
	    .label_key = "appointment:reason", .maxlen = REASON_MAX, .width = 50, .required = true};
	c->f[F_SERIES] = (struct tui_field){.label_key = "appointment:series",
	                                    .kind = TUI_FIELD_CHOICE,
	                                    .width = 40,
	                                    .choices = series_choices,
	                                    .nchoices = 2};
	tui_form_init(&c->fm, c->f, c->ap.series_uuid[0] ? 2 : 1);
	c->f[F_SERIES].choice = 0;
	c->fm.spacing = 2;
	s->priv = c;
	return 0;
}

static void cancel_free(struct tui_screen *s)
{
	struct cancel *c = s->priv;
	if (!c)
		return;
	tui_form_free(&c->fm);
	util_wipe(c, sizeof *c);
	free(c);
	s->priv = NULL;
}

static const char *client(const struct cancel *c)
{
	return cns_may_see_client(c->ap.counsellor_id) ? c->ap.client_name
	                                               : loc_str("schedule:booked");
}

static void cancel_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct cancel *c = s->priv;
	char title[600], d[11];
	cns_date_show(c->ap.start, d);
	loc_fmt(title, sizeof title, "appointment:title_cancel", client(c),
	        cns_type_label(c->ap.type), d, c->ap.start + 11);
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	tui_form_draw(&c->fm, w, 2, 2, 0, cols - 4, true);
	int y = 2 + c->fm.n * 2 + 1;
	int used = cns_put_error(w, y, 2, cols - 4, 4, &c->dberr);
	if (used)
		y += used + 1;
	if (y < rows)
		cns_put_wrapped(w, y, 2, cols - 4, rows - y, loc_str("appointment:hint_cancel"),
		                tui_style(TUI_S_DIM));
}

static int do_cancel(struct cancel *c)
{
	char typed[REASON_MAX * 4 + 8], *reason = NULL;
	struct qerr e = {0};
	qerr_clear(&c->dberr);
	tui_form_clear_errors(&c->fm);
	tui_form_get(&c->fm, F_REASON, typed, sizeof typed);
	if (form_text(typed, REASON_MAX, false, true, &reason, &e) != 0) {
		tui_form_set_error(&c->fm, F_REASON, &e);
		tui_form_focus(&c->fm, F_REASON);
		return TUI_REDRAW;
	}
	char series[8] = "no";
	if (c->fm.n > 1)
		tui_form_get(&c->fm, F_SERIES, series, sizeof series);
	bool rest = strcmp(series, "yes") == 0;
	char q[800], d[11];
	cns_date_show(c->ap.start, d);
	loc_fmt(q, sizeof q, rest ? "appointment:cancel_series_q" : "appointment:cancel_q", d,
	        c->ap.start + 11, client(c));
	if (!tui_confirm(q)) {
		free(reason);
		return TUI_REDRAW;
	}
	int rc = db_appt_cancel(tui_db(), tui_actor(), c->ap.id, c->ap.version, reason, rest, &e);
	free(reason);
	if (rc != DB_OK) {
		c->dberr = e;
		return TUI_REDRAW;
	}
	tui_message_key("appointment:cancelled");
	return TUI_POP | TUI_RELOAD;
}

static int cancel_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct cancel *c = s->priv;
	if (ev->action == A_SAVE)
		return do_cancel(c);
	if (ev->key == TUI_K_ESC)
		return TUI_POP;
	int r = tui_form_key(&c->fm, ev->key);
	if (r == TUI_FORM_SUBMIT)
		return do_cancel(c);
	return r == TUI_FORM_HANDLED ? TUI_REDRAW : 0;
}

static unsigned cancel_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING;
}

const struct tui_screen_def cns_cancel_screen = {
    .name = "appointment_cancel",
    .title_key = "appointment:title_cancel_short",
    .keys = cancel_keys,
    .init = cancel_init,
    .free = cancel_free,
    .draw = cancel_draw,
    .key = cancel_key,
    .state = cancel_state,
};
