/*
 * cns_book — booking a counselling appointment, and moving one.
 *
 * Booking: find the client (type part of a name, phone or family code and
 * press Enter; accents optional — db_person_search folds them), the type
 * and room from the configured catalogues, date and time, duration, the
 * counsellor (a counsellor books for themself) and how many weeks the same
 * slot repeats. Moving: new date, time, duration, room (and counsellor, for
 * managers and registrars) of one scheduled appointment.
 *
 * Every field is checked with forms/ first; nothing reaches db/ until all
 * are valid. A refusal from db/ — the counsellor, the room or the client
 * already busy, outside the opening hours, a closure day, someone else's
 * change — is shown in full under the form in the user's language, with the
 * conflicting appointment, and the form keeps everything typed.
 */
#include "tui/cns.h"
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "forms/form.h"
#include "locale/loc.h"

enum { F_CLIENT, F_TYPE, F_DATE, F_TIME, F_DUR, F_ROOM, F_CNS, F_WEEKS, NF };
enum { A_SAVE = 1, A_FIND };

#define DEFAULT_DURATION 45
#define HITS_MAX         50
#define LABEL_SZ         120

static const struct tui_key book_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "appointment:kb_save", "appointment:k_save", A_SAVE, 0},
    {TUI_FKEY(3), TUI_ALT('f'), "appointment:kb_find", "appointment:k_find", A_FIND, TUI_NEED_ROW},
    {TUI_K_TAB, TUI_K_BTAB, NULL, "appointment:k_tab", 0, 0},
    {TUI_K_ENTER, 0, NULL, "appointment:k_enter", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct choices {
	struct tui_choice *c;
	char (*value)[DB_CARE_KEY_SZ];
	char (*label)[LABEL_SZ];
	int n;
};

struct book {
	struct cns_book_arg arg;
	bool move;
	struct db_appt ap; /* the appointment being moved */
	struct tui_field f[NF];
	int idx[NF]; /* field -> form position, -1 when not on this form */
	struct tui_form fm;
	struct choices types, rooms, cns;
	struct db_user *users;
	int nusers;
	/* the client */
	int64_t person_id;
	char person_label[300];
	struct db_person_hit *hits;
	int nhits;
	struct tui_list list;
	bool list_focus;
	bool dirty;
	struct qerr dberr; /* the last refusal from db/, shown under the form */
	char done[600];    /* what the last save did (a weekly series) */
};

static struct tui_field *fld(struct book *b, int f)
{
	return b->idx[f] >= 0 ? &b->f[b->idx[f]] : NULL;
}

static void get(const struct book *b, int f, char *out, size_t n)
{
	out[0] = '\0';
	if (b->idx[f] >= 0)
		tui_form_get(&b->fm, b->idx[f], out, n);
}

static void set(struct book *b, int f, const char *v)
{
	if (b->idx[f] >= 0)
		tui_form_set(&b->fm, b->idx[f], v);
}

static void field_err(struct book *b, int f, struct qerr *e)
{
	if (b->idx[f] < 0)
		return;
	tui_form_set_error(&b->fm, b->idx[f], e);
}

/* ---- choices ---- */

static void choices_alloc(struct choices *c, int n)
{
	c->n = n;
	c->c = xcalloc((size_t)(n ? n : 1), sizeof *c->c);
	c->value = xcalloc((size_t)(n ? n : 1), sizeof *c->value);
	c->label = xcalloc((size_t)(n ? n : 1), sizeof *c->label);
	for (int i = 0; i < n; i++) {
		c->c[i].value = c->value[i];
		c->c[i].label = c->label[i];
	}
}

static void choices_free(struct choices *c)
{
	free(c->c);
	free(c->value);
	free(c->label);
	memset(c, 0, sizeof *c);
}

/* Catalogue labels follow the language: refreshed before every paint. */
static void refresh_labels(struct book *b)
{
	for (int i = 0; i < b->types.n; i++)
		util_strlcpy(b->types.label[i], cns_type_label(b->types.value[i]), LABEL_SZ);
	for (int i = 0; i < b->rooms.n; i++)
		util_strlcpy(b->rooms.label[i],
		             b->rooms.value[i][0] ? cns_room_label(b->rooms.value[i])
		                                  : loc_str("appointment:no_room"),
		             LABEL_SZ);
}

static void build_choices(struct book *b)
{
	const struct conf *cf = tui_conf();
	int nt = cf ? cf->counselling_types.n : 0;
	choices_alloc(&b->types, nt);
	for (int i = 0; i < nt; i++)
		util_strlcpy(b->types.value[i], cf->counselling_types.items[i].key, DB_CARE_KEY_SZ);
	int nr = cf ? cf->rooms.n : 0;
	choices_alloc(&b->rooms, nr + 1);
	b->rooms.value[0][0] = '\0';
	for (int i = 0; i < nr; i++)
		util_strlcpy(b->rooms.value[i + 1], cf->rooms.items[i].key, DB_CARE_KEY_SZ);
	refresh_labels(b);
	const struct db_actor *a = tui_actor();
	const struct db_user *me = tui_user();
	if (a && me && a->role == DB_ROLE_COUNSELLOR) {
		choices_alloc(&b->cns, 1);
		snprintf(b->cns.value[0], DB_CARE_KEY_SZ, "%lld", (long long)me->id);
		util_strlcpy(b->cns.label[0], me->full_name, LABEL_SZ);
		return;
	}
	choices_alloc(&b->cns, b->nusers);
	for (int i = 0; i < b->nusers; i++) {
		snprintf(b->cns.value[i], DB_CARE_KEY_SZ, "%lld", (long long)b->users[i].id);
		util_strlcpy(b->cns.label[i], b->users[i].full_name, LABEL_SZ);
	}
}

/* ---- the form ---- */

static void add_field(struct book *b, int *n, int f, const char *label, enum tui_field_kind kind,
                      int maxlen, int width, bool required, const struct choices *ch)
{
	b->idx[f] = *n;
	b->f[*n] = (struct tui_field){.label_key = label,
	                              .kind = kind,
	                              .maxlen = maxlen,
	                              .width = width,
	                              .required = required,
	                              .choices = ch ? ch->c : NULL,
	                              .nchoices = ch ? ch->n : 0};
	(*n)++;
}

static void build_form(struct book *b)
{
	int n = 0;
	for (int i = 0; i < NF; i++)
		b->idx[i] = -1;
	const struct db_actor *a = tui_actor();
	bool counsellor = a && a->role == DB_ROLE_COUNSELLOR;
	if (!b->move) {
		add_field(b, &n, F_CLIENT, "appointment:client", TUI_FIELD_TEXT, 100, 46, true,
		          NULL);
		add_field(b, &n, F_TYPE, "appointment:type", TUI_FIELD_CHOICE, 0, 24, true,
		          &b->types);
	}
	add_field(b, &n, F_DATE, "appointment:date", TUI_FIELD_TEXT, 10, 12, true, NULL);
	add_field(b, &n, F_TIME, "appointment:time", TUI_FIELD_TEXT, 5, 7, true, NULL);
	add_field(b, &n, F_DUR, "appointment:duration", TUI_FIELD_TEXT, 12, 10, true, NULL);
	add_field(b, &n, F_ROOM, "appointment:room", TUI_FIELD_CHOICE, 0, 24, false, &b->rooms);
	if (!b->move || !counsellor)
		add_field(b, &n, F_CNS, "appointment:counsellor", TUI_FIELD_CHOICE, 0, 30, true,
		          &b->cns);
	if (!b->move)
		add_field(b, &n, F_WEEKS, "appointment:weeks", TUI_FIELD_TEXT, 2, 4, false, NULL);
	tui_form_init(&b->fm, b->f, n);
}

static void prefill(struct book *b)
{
	char buf[40];
	if (b->move) {
		char d[11];
		cns_date_show(b->ap.start, d);
		set(b, F_DATE, d);
		snprintf(buf, sizeof buf, "%.5s", b->ap.start + 11);
		set(b, F_TIME, buf);
		snprintf(buf, sizeof buf, "%d", b->ap.duration_min);
		set(b, F_DUR, buf);
		set(b, F_ROOM, b->ap.room);
		snprintf(buf, sizeof buf, "%lld", (long long)b->ap.counsellor_id);
		set(b, F_CNS, buf);
		return;
	}
	if (b->types.n > 0 && fld(b, F_TYPE))
		fld(b, F_TYPE)->choice = 0;
	char d[11];
	cns_date_show(b->arg.day, d);
	set(b, F_DATE, d);
	if (b->arg.minute >= 0) {
		form_time_str(b->arg.minute, buf);
		set(b, F_TIME, buf);
	}
	snprintf(buf, sizeof buf, "%d", DEFAULT_DURATION);
	set(b, F_DUR, buf);
	set(b, F_ROOM, b->arg.room);
	if (b->cns.n == 1) {
		fld(b, F_CNS)->choice = 0;
	} else if (b->arg.counsellor_id > 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)b->arg.counsellor_id);
		set(b, F_CNS, buf);
	}
	set(b, F_WEEKS, "1");
}

/* ---- the client search ---- */

static void hit_label(const struct db_person_hit *h, char *out, size_t n)
{
	struct sbuf b = {0};
	char born[16] = "";
	if (h->birth_date[0])
		snprintf(born, sizeof born, "%.4s", h->birth_date);
	else if (h->birth_year > 0)
		snprintf(born, sizeof born, "~%d", h->birth_year);
	sbuf_printf(&b, "%s %s", h->first_name, h->last_name);
	if (h->father_name[0])
		sbuf_printf(&b, " (%s)", h->father_name);
	sbuf_printf(&b, " · %s", h->family_code);
	if (born[0])
		sbuf_printf(&b, " · %s", born);
	util_strlcpy(out, b.s, n);
	sbuf_free(&b);
}

static void hit_cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct book *b = ctx;
	if (row < 0 || row >= b->nhits)
		return;
	const struct db_person_hit *h = &b->hits[row];
	switch (col) {
	case 0:
		snprintf(buf, n, "%s %s", h->last_name, h->first_name);
		break;
	case 1:
		util_strlcpy(buf, h->father_name, n);
		break;
	case 2:
		util_strlcpy(buf, h->family_code, n);
		break;
	case 3:
		if (h->birth_date[0])
			loc_date(h->birth_date, buf);
		else if (h->birth_year > 0)
			snprintf(buf, n, "%d", h->birth_year);
		break;
	default:
		break;
	}
}

static const struct tui_col hit_cols[] = {
    {"appointment:col_name", 0, TUI_LEFT},
    {"appointment:col_father", 14, TUI_LEFT},
    {"appointment:col_code", 14, TUI_LEFT},
    {"appointment:col_born", 10, TUI_LEFT},
};

static void pick(struct book *b, int row)
{
	if (row < 0 || row >= b->nhits)
		return;
	b->person_id = b->hits[row].person_id;
	hit_label(&b->hits[row], b->person_label, sizeof b->person_label);
	set(b, F_CLIENT, b->person_label);
	tui_form_get(&b->fm, b->idx[F_CLIENT], b->person_label, sizeof b->person_label);
	fld(b, F_CLIENT)->cur = fld(b, F_CLIENT)->scroll = 0; /* show the name, not the tail */
	free(b->hits);
	b->hits = NULL;
	b->nhits = 0;
	b->list_focus = false;
	tui_list_set_count(&b->list, 0);
	tui_form_focus(&b->fm, b->idx[F_TYPE]);
}

/* Search for the typed client; one hit is taken at once, several are
 * listed under the form to pick from. */
static void find_client(struct book *b)
{
	if (b->idx[F_CLIENT] < 0)
		return;
	char typed[400], q[400];
	get(b, F_CLIENT, typed, sizeof typed);
	form_search_clean(typed, q, sizeof q);
	tui_form_focus(&b->fm, b->idx[F_CLIENT]);
	if (!q[0]) {
		struct qerr e = {0};
		qerr_set(&e, "form:required", NULL);
		field_err(b, F_CLIENT, &e);
		return;
	}
	free(b->hits);
	b->hits = NULL;
	b->nhits = 0;
	struct qerr e = {0};
	if (db_person_search(tui_db(), tui_actor(), q, HITS_MAX, 0, &b->hits, &b->nhits, &e) !=
	    DB_OK) {
		tui_message_err(&e);
		return;
	}
	tui_list_set_count(&b->list, b->nhits);
	tui_list_select(&b->list, 0);
	b->list.top = 0;
	if (b->nhits == 0) {
		qerr_set(&e, "appointment:no_match", NULL);
		tui_form_set_error(&b->fm, b->idx[F_CLIENT], &e);
	} else if (b->nhits == 1) {
		pick(b, 0);
	} else {
		b->list_focus = true;
	}
}

/* ---- saving ---- */

/* Which field a refusal from db/ is about. */
static int field_of(const char *key)
{
	if (strstr(key, "room_busy"))
		return F_ROOM;
	if (strstr(key, "busy") || strstr(key, "hours") || strstr(key, "not_yet"))
		return F_TIME;
	if (strstr(key, "closed_day") || strstr(key, "date"))
		return F_DATE;
	if (strstr(key, "room"))
		return F_ROOM;
	if (strstr(key, "counsellor"))
		return F_CNS;
	if (strstr(key, "client"))
		return F_CLIENT;
	if (strstr(key, "duration"))
		return F_DUR;
	if (strstr(key, "type"))
		return F_TYPE;
	if (strstr(key, "weeks"))
		return F_WEEKS;
	return F_TIME;
}

/* Validate every field; fill the booking. Returns the number of errors. */
static int validate(struct book *b, char start[17], int *dur, char room[DB_CARE_KEY_SZ],
                    int64_t *cid, int *weeks, char type[DB_CARE_KEY_SZ])
{
	int bad = 0;
	char buf[400];
	struct qerr e = {0};
	tui_form_clear_errors(&b->fm);
	if (!b->move) {
		get(b, F_CLIENT, buf, sizeof buf);
		if (!b->person_id || strcmp(buf, b->person_label) != 0) {
			b->person_id = 0;
			qerr_set(&e, buf[0] ? "appointment:pick_client" : "form:required", NULL);
			field_err(b, F_CLIENT, &e);
			bad++;
		}
		get(b, F_TYPE, type, DB_CARE_KEY_SZ);
		if (!type[0]) {
			qerr_set(&e, "form:required", NULL);
			field_err(b, F_TYPE, &e);
			bad++;
		}
	}
	char iso[11] = "";
	get(b, F_DATE, buf, sizeof buf);
	if (form_date(buf, NULL, iso, &e) != 0) {
		field_err(b, F_DATE, &e);
		bad++;
	}
	int minute = 0;
	get(b, F_TIME, buf, sizeof buf);
	if (form_time(buf, &minute, &e) != 0) {
		field_err(b, F_TIME, &e);
		bad++;
	}
	get(b, F_DUR, buf, sizeof buf);
	if (form_duration(buf, 5, 480, dur, &e) != 0) {
		field_err(b, F_DUR, &e);
		bad++;
	}
	get(b, F_ROOM, room, DB_CARE_KEY_SZ);
	*cid = 0;
	if (b->idx[F_CNS] >= 0) {
		get(b, F_CNS, buf, sizeof buf);
		*cid = atoll(buf);
		if (*cid <= 0) {
			qerr_set(&e, "form:required", NULL);
			field_err(b, F_CNS, &e);
			bad++;
		}
	}
	*weeks = 1;
	if (b->idx[F_WEEKS] >= 0) {
		get(b, F_WEEKS, buf, sizeof buf);
		long w = 1;
		if (buf[0] && form_int(buf, 1, DB_CARE_SERIES_MAX, &w, &e) != 0) {
			field_err(b, F_WEEKS, &e);
			bad++;
		}
		*weeks = (int)w;
	}
	if (!bad) {
		char tm[6];
		form_time_str(minute, tm);
		snprintf(start, 17, "%s %s", iso, tm);
	}
	return bad;
}

static void refused(struct book *b, const struct qerr *e)
{
	b->dberr = *e;
	int f = field_of(e->key);
	if (b->idx[f] < 0)
		f = F_TIME;
	tui_form_focus(&b->fm, b->idx[f]);
}

/* The dates a weekly series stepped over, for the message after saving. */
static void series_note(struct book *b, const struct db_appt_booked *res)
{
	b->done[0] = '\0';
	if (res->booked <= 1 && res->nskipped == 0)
		return;
	char list[400] = "";
	for (int i = 0; i < res->nskipped; i++) {
		char d[11];
		size_t l = strlen(list);
		loc_date(res->skipped[i].s, d);
		snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", d);
	}
	if (res->nskipped)
		loc_fmt(b->done, sizeof b->done, "appointment:series_skipped", res->booked,
		        res->nskipped, list);
	else
		loc_fmt(b->done, sizeof b->done, "appointment:series_booked", res->booked);
}

static int save(struct book *b)
{
	char start[17] = "", room[DB_CARE_KEY_SZ] = "", type[DB_CARE_KEY_SZ] = "";
	int dur = 0, weeks = 1;
	int64_t cid = 0;
	qerr_clear(&b->dberr);
	if (validate(b, start, &dur, room, &cid, &weeks, type) > 0) {
		int bad = -1;
		for (int i = 0; i < b->fm.n && bad < 0; i++)
			if (qerr_is_set(&b->f[i].err))
				bad = i;
		tui_form_focus(&b->fm, bad);
		return TUI_REDRAW;
	}
	struct db_hours h;
	cns_hours(&h);
	struct qerr e = {0};
	if (b->move) {
		int rc = db_appt_move(tui_db(), tui_actor(), b->ap.id, b->ap.version, start, dur,
		                      room, cid, &h, &e);
		if (rc != DB_OK) {
			refused(b, &e);
			if (rc == DB_STALE) {
				struct qerr le = {0};
				db_appt_get(tui_db(), tui_actor(), b->ap.id, &b->ap, &le);
			}
			return TUI_REDRAW;
		}
		tui_message_key("appointment:moved");
		return TUI_POP | TUI_RELOAD;
	}
	struct db_appt_new in = {.person_id = b->person_id,
	                         .counsellor_id = cid,
	                         .type = type,
	                         .start = start,
	                         .duration_min = dur,
	                         .room = room,
	                         .weeks = weeks};
	struct db_appt_booked res;
	if (db_appt_book(tui_db(), tui_actor(), &in, &h, &res, &e) != DB_OK) {
		refused(b, &e);
		return TUI_REDRAW;
	}
	series_note(b, &res);
	if (b->done[0])
		tui_alert(b->done);
	tui_message_key("appointment:booked");
	return TUI_POP | TUI_RELOAD;
}

/* ---- the screen ---- */

static void book_free_state(struct book *b)
{
	tui_form_free(&b->fm);
	choices_free(&b->types);
	choices_free(&b->rooms);
	choices_free(&b->cns);
	free(b->users);
	free(b->hits);
	util_wipe(b, sizeof *b);
	free(b);
}

static int book_init(struct tui_screen *s, struct qerr *err)
{
	struct book *b = xcalloc(1, sizeof *b);
	const struct cns_book_arg *arg = s->arg;
	if (arg)
		b->arg = *arg;
	else
		b->arg.minute = -1;
	b->move = b->arg.move_id > 0;
	if (b->move && db_appt_get(tui_db(), tui_actor(), b->arg.move_id, &b->ap, err) != DB_OK) {
		book_free_state(b);
		return -1;
	}
	if (cns_counsellors(&b->users, &b->nusers, err) != 0) {
		book_free_state(b);
		return -1;
	}
	build_choices(b);
	build_form(b);
	prefill(b);
	tui_list_init(&b->list, hit_cols, 4, b, hit_cell);
	b->list.show_titles = true;
	s->priv = b;
	return 0;
}

static void book_free(struct tui_screen *s)
{
	if (s->priv)
		book_free_state(s->priv);
	s->priv = NULL;
}

static void book_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct book *b = s->priv;
	refresh_labels(b);
	char title[600];
	if (b->move) {
		char d[11];
		cns_date_show(b->ap.start, d);
		const char *who = cns_may_see_client(b->ap.counsellor_id)
		                      ? b->ap.client_name
		                      : loc_str("schedule:booked");
		loc_fmt(title, sizeof title, "appointment:title_move", who,
		        cns_type_label(b->ap.type), d, b->ap.start + 11);
	} else {
		util_strlcpy(title, loc_str("appointment:title_book"), sizeof title);
	}
	tui_put(w, 0, 1, cols - 2, title, tui_style(TUI_S_TITLE), false);
	tui_form_draw(&b->fm, w, 2, 2, 0, cols - 4, !b->list_focus);
	int y = 2 + b->fm.n + 1;
	/* Errors in full under the form: the one from db/, and the one of the
	 * field with the cursor (beside the field there is room for little). */
	const struct qerr *fe = NULL;
	if (!b->list_focus && b->fm.focus >= 0 && b->fm.focus < b->fm.n &&
	    qerr_is_set(&b->f[b->fm.focus].err))
		fe = &b->f[b->fm.focus].err;
	int used = cns_put_error(w, y, 2, cols - 4, 4, &b->dberr);
	if (used)
		y += used + 1;
	used = cns_put_error(w, y, 2, cols - 4, 2, fe);
	if (used)
		y += used + 1;
	if (b->nhits > 0 && y < rows - 2) {
		char head[200];
		loc_fmt(head, sizeof head, "appointment:hits", b->nhits);
		tui_put(w, y, 2, cols - 4, head, A_BOLD, false);
		tui_list_draw(&b->list, w, y + 1, 1, rows - y - 1, cols - 2, b->list_focus);
	} else if (!qerr_is_set(&b->dberr) && !fe && y < rows) {
		cns_put_wrapped(
		    w, y, 2, cols - 4, rows - y,
		    loc_str(b->move ? "appointment:hint_move" : "appointment:hint_book"),
		    tui_style(TUI_S_DIM));
	}
}

static int book_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct book *b = s->priv;
	if (ev->action == A_SAVE)
		return save(b);
	if (ev->action == A_FIND) {
		find_client(b);
		return TUI_REDRAW;
	}
	if (b->list_focus) {
		switch (ev->key) {
		case TUI_K_ENTER:
			pick(b, tui_list_selected(&b->list));
			return TUI_REDRAW;
		case TUI_K_ESC:
		case TUI_K_TAB:
		case TUI_K_BTAB:
			b->list_focus = false;
			return TUI_REDRAW;
		default:
			tui_list_key(&b->list, ev->key);
			return TUI_REDRAW;
		}
	}
	if (ev->key == TUI_K_ESC) {
		if (b->dirty && !tui_confirm(loc_str("common:unsaved_changes")))
			return TUI_HANDLED;
		return TUI_POP;
	}
	bool on_client = b->idx[F_CLIENT] >= 0 && b->fm.focus == b->idx[F_CLIENT];
	if (on_client && ev->key == TUI_K_ENTER) {
		char typed[400];
		get(b, F_CLIENT, typed, sizeof typed);
		if (b->person_id && strcmp(typed, b->person_label) == 0)
			tui_form_focus(&b->fm, b->idx[F_TYPE]);
		else
			find_client(b);
		return TUI_REDRAW;
	}
	if ((ev->key == TUI_K_DOWN || ev->key == TUI_K_PGDN) && on_client && b->nhits > 0) {
		b->list_focus = true;
		return TUI_REDRAW;
	}
	int r = tui_form_key(&b->fm, ev->key);
	if (r == TUI_FORM_SUBMIT)
		return save(b);
	if (r == TUI_FORM_HANDLED) {
		if (ev->key != TUI_K_TAB && ev->key != TUI_K_BTAB && ev->key != TUI_K_UP &&
		    ev->key != TUI_K_DOWN && ev->key != TUI_K_ENTER)
			b->dirty = true;
		if (on_client) {
			char typed[400];
			get(b, F_CLIENT, typed, sizeof typed);
			if (b->person_id && strcmp(typed, b->person_label) != 0)
				b->person_id = 0;
		}
		return TUI_REDRAW;
	}
	return 0;
}

/* TUI_ST_ROW stands for "a client can be searched for" (booking, not
 * moving): it shows the Find key only where it means something. */
static unsigned book_state(const struct tui_screen *s)
{
	const struct book *b = s->priv;
	if (!b)
		return 0;
	return (b->list_focus ? 0 : TUI_ST_TYPING) | (b->move ? 0 : TUI_ST_ROW);
}

const struct tui_screen_def cns_book_screen = {
    .name = "appointment",
    .title_key = "appointment:title",
    .keys = book_keys,
    .init = book_init,
    .free = book_free,
    .draw = book_draw,
    .key = book_key,
    .state = book_state,
};
