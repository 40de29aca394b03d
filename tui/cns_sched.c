/*
 * cns_sched — the counselling schedule: "Orari / Schedule" on the home menu
 * (hotkey s) for managers, registrars and counsellors.
 *
 * Two views of the same appointments. The day view has a column per
 * counsellor (the signed-in counsellor's own first) and a row per half hour
 * of the opening hours; when the columns do not fit, as many as fit are
 * shown and Left/Right scroll sideways (past the last column they step to
 * the next day). The week view shows one counsellor or one room, a column
 * per open weekday. '<' '>' move by day, '[' ']' (PgUp/PgDn) by week, 't'
 * comes back to today; 'w' switches the view, 'c' and 'o' pick the
 * counsellor or room of the week.
 *
 * A cell names the client only when the role may see it (a counsellor sees
 * the names of their own clients only); statuses are text marks (✓ held,
 * ✗ did not come, ⊘ cancelled) explained on the last row, never colour.
 *
 * The "log" key is for counsellors and managers only (TUI_NEED_ROLES):
 * registrars get it neither in their key bar nor in their help, and the
 * shell refuses it with a message.
 *
 * arg: a day "YYYY-MM-DD" to open on (home's appointment lines), or NULL
 * for today (the home menu).
 */
#include "tui/cns.h"
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "forms/form.h"
#include "locale/loc.h"

#define SLOT_MIN  30
#define TIME_W    6  /* "HH:MM " */
#define MIN_COL_W 18 /* narrowest counsellor column */

enum {
	A_BOOK = 1,
	A_MOVE,
	A_CANCEL,
	A_HELD,
	A_NOSHOW,
	A_LOG,
	A_VIEW,
	A_PICK_C,
	A_PICK_R,
	A_TODAY,
	A_PREV_DAY,
	A_NEXT_DAY,
	A_PREV_WEEK,
	A_NEXT_WEEK,
	A_REFRESH,
};

#define KEYS_COMMON_HEAD                                                                           \
	{'b', TUI_K_INS, "schedule:kb_book", "schedule:k_book", A_BOOK, TUI_NEED_WRITE},           \
	    {'m', 0, NULL, "schedule:k_move", A_MOVE, TUI_NEED_ROW | TUI_NEED_WRITE},              \
	{                                                                                          \
		'x', TUI_K_DEL, "schedule:kb_cancel", "schedule:k_cancel", A_CANCEL,               \
		    TUI_NEED_ROW | TUI_NEED_WRITE                                                  \
	}

#define KEYS_COMMON_TAIL                                                                           \
	{'w', 0, NULL, "schedule:k_view", A_VIEW, 0},                                              \
	    {'h', 0, NULL, "schedule:k_held", A_HELD, TUI_NEED_ROW | TUI_NEED_WRITE},              \
	    {'n', 0, NULL, "schedule:k_noshow", A_NOSHOW, TUI_NEED_ROW | TUI_NEED_WRITE},          \
	    {'c', 0, NULL, "schedule:k_counsellor", A_PICK_C, 0},                                  \
	    {'o', 0, NULL, "schedule:k_room", A_PICK_R, 0},                                        \
	    {'t', 0, NULL, "schedule:k_today", A_TODAY, 0},                                        \
	    {'<', ',', NULL, "schedule:k_prev_day", A_PREV_DAY, 0},                                \
	    {'>', '.', NULL, "schedule:k_next_day", A_NEXT_DAY, 0},                                \
	    {'[', TUI_K_PGUP, NULL, "schedule:k_prev_week", A_PREV_WEEK, 0},                       \
	    {']', TUI_K_PGDN, NULL, "schedule:k_next_week", A_NEXT_WEEK, 0},                       \
	    {TUI_FKEY(5), 'r', NULL, "schedule:k_refresh", A_REFRESH, 0},                          \
	    {TUI_K_LEFT, TUI_K_RIGHT, NULL, "schedule:k_columns", 0, 0},                           \
	    {TUI_K_UP, TUI_K_DOWN, NULL, "schedule:k_slots", 0, 0},                                \
	{                                                                                          \
		0, 0, NULL, NULL, 0, 0                                                             \
	}

/* The session log only for counsellors and managers: registrars have no
 * way towards the notes. */
static const struct tui_key keys_full[] = {
    KEYS_COMMON_HEAD,
    {'l', TUI_K_ENTER, "schedule:kb_log", "schedule:k_log", A_LOG,
     TUI_NEED_ROW | TUI_NEED_ROLES(TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_COUNSELLOR))},
    KEYS_COMMON_TAIL,
};

enum view { V_DAY, V_WEEK };

struct col {
	int64_t cid;
	char name[DB_CARE_NAME_SZ];
};

struct sched {
	enum view view;
	long day; /* the day in focus (days since 1970-01-01) */
	struct db_appt *ap;
	int nap;
	struct db_user *cns; /* counsellors (and the manager) for the pickers */
	int ncns;
	struct col *cols; /* day view: one per counsellor */
	int ncols;
	int64_t week_cid;               /* week view: of this counsellor, or ... */
	char week_room[DB_CARE_KEY_SZ]; /* ... of this room (non-empty) */
	struct db_closure *closed;
	int nclosed;
	long wdays[7]; /* week view: the days shown */
	int nwdays;
	int col, first_col; /* cursor column and first one shown (day view) */
	int slot, top_slot; /* cursor row and first one shown */
	int slot0, nslots;  /* minutes of the first row; rows */
	bool loaded;
	struct qerr err;
};

/* ---- data ---- */

static long today_day(void)
{
	char t[11];
	long d = 0;
	util_today(t);
	db_day_from_iso(t, &d);
	return d;
}

static int now_min(void)
{
	char now[20];
	util_now_str(now);
	return atoi(now + 11) * 60 + atoi(now + 14);
}

static long week_start(long day)
{
	return day - db_day_weekday(day);
}

/* Minutes after midnight and the day of a "YYYY-MM-DD HH:MM". */
static int appt_min(const char *ts)
{
	return strlen(ts) >= 16 ? atoi(ts + 11) * 60 + atoi(ts + 14) : 0;
}

static long appt_day(const char *ts)
{
	char d[11];
	long day = 0;
	util_strlcpy(d, ts, sizeof d);
	db_day_from_iso(d, &day);
	return day;
}

static void add_col(struct sched *st, int64_t cid, const char *name)
{
	for (int i = 0; i < st->ncols; i++)
		if (st->cols[i].cid == cid)
			return;
	st->cols = xrealloc(st->cols, sizeof *st->cols * (size_t)(st->ncols + 1));
	st->cols[st->ncols].cid = cid;
	util_strlcpy(st->cols[st->ncols].name, name, sizeof st->cols[st->ncols].name);
	st->ncols++;
}

/* Day view columns: me first (a counsellor), the counsellors, then anyone
 * else who has appointments that day (a manager counselling). */
static void build_cols(struct sched *st)
{
	st->ncols = 0;
	const struct db_actor *a = tui_actor();
	const struct db_user *me = tui_user();
	if (a && me && a->role == DB_ROLE_COUNSELLOR)
		add_col(st, me->id, me->full_name);
	for (int i = 0; i < st->ncns; i++)
		if (st->cns[i].role == DB_ROLE_COUNSELLOR)
			add_col(st, st->cns[i].id, st->cns[i].full_name);
	for (int i = 0; i < st->nap; i++)
		add_col(st, st->ap[i].counsellor_id, st->ap[i].counsellor_name);
}

static bool has_appt_on(const struct sched *st, long day)
{
	for (int i = 0; i < st->nap; i++)
		if (appt_day(st->ap[i].start) == day)
			return true;
	return false;
}

/* Week view columns: the open weekdays, plus the day in focus and any day
 * with appointments. */
static void build_wdays(struct sched *st)
{
	struct db_hours h;
	cns_hours(&h);
	long from = week_start(st->day);
	st->nwdays = 0;
	for (int i = 0; i < 7; i++) {
		long d = from + i;
		if ((h.weekdays & (1u << i)) || d == st->day || has_appt_on(st, d))
			st->wdays[st->nwdays++] = d;
	}
}

/* The rows: the opening hours, widened to every appointment fetched. */
static void build_slots(struct sched *st)
{
	struct db_hours h;
	cns_hours(&h);
	int lo = h.open_min, hi = h.close_min;
	for (int i = 0; i < st->nap; i++) {
		int m = appt_min(st->ap[i].start);
		int e = m + st->ap[i].duration_min;
		if (m < lo)
			lo = m;
		if (e > hi)
			hi = e;
	}
	if (hi > 24 * 60)
		hi = 24 * 60;
	lo = lo / SLOT_MIN * SLOT_MIN;
	hi = (hi + SLOT_MIN - 1) / SLOT_MIN * SLOT_MIN;
	if (hi <= lo)
		hi = lo + SLOT_MIN;
	st->slot0 = lo;
	st->nslots = (hi - lo) / SLOT_MIN;
	if (st->slot >= st->nslots)
		st->slot = st->nslots - 1;
	if (st->slot < 0)
		st->slot = 0;
}

static int fetch(struct sched *st, struct qerr *err)
{
	struct qdb *db = tui_db();
	const struct db_actor *who = tui_actor();
	free(st->ap);
	st->ap = NULL;
	st->nap = 0;
	free(st->closed);
	st->closed = NULL;
	st->nclosed = 0;
	free(st->cns);
	st->cns = NULL;
	st->ncns = 0;
	if (cns_counsellors(&st->cns, &st->ncns, err) != 0)
		return -1;
	char from[11], to[11];
	int rc;
	if (st->view == V_DAY) {
		db_day_to_iso(st->day, from);
		util_strlcpy(to, from, sizeof to);
		rc = db_appt_day(db, who, from, &st->ap, &st->nap, err);
	} else {
		long ws = week_start(st->day);
		db_day_to_iso(ws, from);
		db_day_to_iso(ws + 6, to);
		if (st->week_room[0])
			rc = db_appt_week(db, who, 0, st->week_room, from, &st->ap, &st->nap, err);
		else
			rc =
			    db_appt_week(db, who, st->week_cid, NULL, from, &st->ap, &st->nap, err);
	}
	if (rc == DB_OK)
		rc = db_closure_list(db, who, from, to, &st->closed, &st->nclosed, err);
	if (rc != DB_OK)
		return -1;
	build_cols(st);
	build_wdays(st);
	build_slots(st);
	if (st->view == V_DAY) {
		if (st->col >= st->ncols)
			st->col = st->ncols - 1;
	} else {
		st->col = 0;
		for (int i = 0; i < st->nwdays; i++)
			if (st->wdays[i] == st->day)
				st->col = i;
	}
	if (st->col < 0)
		st->col = 0;
	return 0;
}

static int sched_reload(struct tui_screen *s, struct qerr *err)
{
	struct sched *st = s->priv;
	qerr_clear(&st->err);
	st->loaded = fetch(st, &st->err) == 0;
	if (!st->loaded) {
		if (err)
			*err = st->err;
		return -1;
	}
	return 0;
}

/* Put the cursor on the current time (today) or the first row. */
static void slot_to_now(struct sched *st)
{
	st->slot = 0;
	if (st->day == today_day()) {
		int k = (now_min() - st->slot0) / SLOT_MIN;
		if (k >= 0 && k < st->nslots)
			st->slot = k;
	}
	st->top_slot = 0;
}

static int sched_init(struct tui_screen *s, struct qerr *err)
{
	const struct db_actor *a = tui_actor();
	struct sched *st = xcalloc(1, sizeof *st);
	st->day = today_day();
	long d;
	if (s->arg && db_day_from_iso(s->arg, &d))
		st->day = d;
	if (a && a->role == DB_ROLE_COUNSELLOR)
		st->week_cid = a->user_id;
	s->priv = st;
	if (sched_reload(s, err) != 0) {
		s->priv = NULL;
		free(st->ap);
		free(st->cns);
		free(st->cols);
		free(st->closed);
		free(st);
		return -1;
	}
	slot_to_now(st);
	return 0;
}

static void sched_free(struct tui_screen *s)
{
	struct sched *st = s->priv;
	if (!st)
		return;
	free(st->ap);
	free(st->cns);
	free(st->cols);
	free(st->closed);
	util_wipe(st, sizeof *st);
	free(st);
	s->priv = NULL;
}

/* ---- what is where ---- */

/* The day and counsellor (or 0) of column c. */
static long col_day(const struct sched *st, int c)
{
	if (st->view == V_DAY)
		return st->day;
	return c >= 0 && c < st->nwdays ? st->wdays[c] : st->day;
}

static bool in_col(const struct sched *st, const struct db_appt *ap, int c)
{
	if (st->view == V_DAY)
		return c >= 0 && c < st->ncols && ap->counsellor_id == st->cols[c].cid;
	return appt_day(ap->start) == col_day(st, c);
}

/* The appointment shown in cell (c, slot): the one covering the half hour,
 * live ones before cancelled ones, then the earliest. NULL when free.
 * *others gets how many more start in this half hour. */
static const struct db_appt *cell_appt(const struct sched *st, int c, int slot, int *others)
{
	int t0 = st->slot0 + slot * SLOT_MIN, t1 = t0 + SLOT_MIN;
	const struct db_appt *best = NULL;
	int starting = 0;
	for (int i = 0; i < st->nap; i++) {
		const struct db_appt *ap = &st->ap[i];
		if (!in_col(st, ap, c))
			continue;
		int m = appt_min(ap->start), e = m + (ap->duration_min > 0 ? ap->duration_min : 1);
		if (e <= t0 || m >= t1)
			continue;
		if (m >= t0)
			starting++;
		bool live = ap->status != DB_APPT_CANCELLED;
		bool best_live = best && best->status != DB_APPT_CANCELLED;
		if (!best || (live && !best_live))
			best = ap;
	}
	if (others) {
		int bstart = best && appt_min(best->start) >= t0 ? 1 : 0;
		*others = starting - bstart;
	}
	return best;
}

static const struct db_appt *selected(const struct sched *st)
{
	if (!st->loaded)
		return NULL;
	return cell_appt(st, st->col, st->slot, NULL);
}

static const struct db_closure *closure_on(const struct sched *st, long day)
{
	char iso[11];
	db_day_to_iso(day, iso);
	for (int i = 0; i < st->nclosed; i++)
		if (strcmp(st->closed[i].day, iso) == 0)
			return &st->closed[i];
	return NULL;
}

static const char *client_of(const struct db_appt *ap)
{
	return cns_may_see_client(ap->counsellor_id) ? ap->client_name : loc_str("schedule:booked");
}

static const char *counsellor_name(const struct sched *st, int64_t cid)
{
	for (int i = 0; i < st->ncns; i++)
		if (st->cns[i].id == cid)
			return st->cns[i].full_name;
	for (int i = 0; i < st->nap; i++)
		if (st->ap[i].counsellor_id == cid)
			return st->ap[i].counsellor_name;
	return "?";
}

/* ---- drawing ---- */

static void day_title(long day, bool short_form, char *out, size_t n)
{
	char iso[11], shown[11], k[32];
	db_day_to_iso(day, iso);
	loc_date(iso, shown);
	snprintf(k, sizeof k, short_form ? "date:wday_short_%d" : "date:wday_%d",
	         db_day_weekday(day) + 1);
	if (short_form)
		snprintf(out, n, "%s %.5s", loc_str(k), shown);
	else
		snprintf(out, n, "%s %s", loc_str(k), shown);
}

static void draw_title(struct sched *st, WINDOW *w, int cols)
{
	char buf[600], d[64];
	if (st->view == V_DAY) {
		day_title(st->day, false, d, sizeof d);
		loc_fmt(buf, sizeof buf, "schedule:title_day", d);
		if (st->day == today_day()) {
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof buf - l, " (%s)", loc_str("date:today"));
		}
		const struct db_closure *c = closure_on(st, st->day);
		struct db_hours h;
		cns_hours(&h);
		size_t l = strlen(buf);
		if (c) {
			char note[400];
			loc_fmt(note, sizeof note, "schedule:closed", c->reason);
			snprintf(buf + l, sizeof buf - l, "  ! %s", note);
		} else if (!(h.weekdays & (1u << db_day_weekday(st->day)))) {
			snprintf(buf + l, sizeof buf - l, "  ! %s",
			         loc_str("schedule:closed_wday"));
		}
	} else {
		char a[11], b[11], iso[11];
		long ws = week_start(st->day);
		db_day_to_iso(ws, iso);
		loc_date(iso, a);
		db_day_to_iso(ws + 6, iso);
		loc_date(iso, b);
		const char *whom = st->week_room[0] ? cns_room_label(st->week_room)
		                                    : counsellor_name(st, st->week_cid);
		loc_fmt(buf, sizeof buf, "schedule:title_week", a, b, whom);
	}
	tui_put(w, 0, 1, cols - 2, buf, tui_style(TUI_S_TITLE), false);
}

/* The text of one cell. */
static void cell_text(const struct sched *st, int c, int slot, char *out, size_t n)
{
	int others = 0;
	const struct db_appt *ap = cell_appt(st, c, slot, &others);
	out[0] = '\0';
	if (!ap)
		return;
	int t0 = st->slot0 + slot * SLOT_MIN;
	int m = appt_min(ap->start);
	const char *mark = cns_status_mark(ap->status);
	const char *bar = term_utf8() ? "│" : "|";
	if (m >= t0) {
		snprintf(out, n, "%.5s %s%s%s", ap->start + 11, mark, mark[0] ? " " : "",
		         client_of(ap));
	} else if (m >= t0 - SLOT_MIN) {
		if (st->view == V_WEEK && st->week_room[0])
			snprintf(out, n, "%s %s", bar, ap->counsellor_name);
		else if (ap->room[0])
			snprintf(out, n, "%s %s · %s", bar, cns_type_label(ap->type),
			         cns_room_label(ap->room));
		else
			snprintf(out, n, "%s %s", bar, cns_type_label(ap->type));
	} else {
		snprintf(out, n, "%s", bar);
	}
	if (others > 0) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, " +%d", others);
	}
}

static void draw_grid(struct sched *st, WINDOW *w, int y, int rows, int cols)
{
	int ncol = st->view == V_DAY ? st->ncols : st->nwdays;
	int avail = cols - 1 - TIME_W;
	int vis = avail / MIN_COL_W;
	if (st->view == V_WEEK)
		vis = ncol; /* at most seven days: they always share the width */
	if (vis > ncol)
		vis = ncol;
	if (vis < 1)
		vis = 1;
	if (st->col < st->first_col)
		st->first_col = st->col;
	if (st->col >= st->first_col + vis)
		st->first_col = st->col - vis + 1;
	if (st->first_col > ncol - vis)
		st->first_col = ncol - vis;
	if (st->first_col < 0)
		st->first_col = 0;
	int cw = avail / vis;
	int x0 = 1 + TIME_W;

	/* Column titles; arrows say there are more columns sideways. */
	const char *la = term_utf8() ? "◂" : "<", *ra = term_utf8() ? "▸" : ">";
	if (st->first_col > 0)
		tui_put(w, y, 1, TIME_W, la, A_BOLD, false);
	for (int v = 0; v < vis && st->first_col + v < ncol; v++) {
		int c = st->first_col + v;
		char head[300];
		if (st->view == V_DAY)
			util_strlcpy(head, st->cols[c].name, sizeof head);
		else {
			day_title(st->wdays[c], true, head, sizeof head);
			if (closure_on(st, st->wdays[c])) {
				size_t l = strlen(head);
				snprintf(head + l, sizeof head - l, " !%s",
				         loc_str("schedule:closed_short"));
			}
		}
		attr_t a = tui_style(TUI_S_HEADER);
		if (c == st->col)
			a |= A_BOLD;
		tui_put(w, y, x0 + v * cw, cw - 1, head, a, true);
	}
	if (st->first_col + vis < ncol)
		tui_put(w, y, cols - 2, 1, ra, A_BOLD, false);
	if (ncol == 0) {
		tui_put(w, y + 1, x0, avail, loc_str("schedule:no_counsellors"),
		        tui_style(TUI_S_DIM), false);
		return;
	}

	/* Rows of half hours. */
	if (st->slot < st->top_slot)
		st->top_slot = st->slot;
	if (st->slot >= st->top_slot + rows)
		st->top_slot = st->slot - rows + 1;
	if (st->top_slot > st->nslots - rows)
		st->top_slot = st->nslots - rows;
	if (st->top_slot < 0)
		st->top_slot = 0;
	for (int r = 0; r < rows && st->top_slot + r < st->nslots; r++) {
		int slot = st->top_slot + r;
		char tm[6];
		form_time_str(st->slot0 + slot * SLOT_MIN, tm);
		tui_put(w, y + 1 + r, 1, TIME_W - 1, tm,
		        slot == st->slot ? A_BOLD : tui_style(TUI_S_DIM), false);
		for (int v = 0; v < vis && st->first_col + v < ncol; v++) {
			int c = st->first_col + v;
			char text[700];
			cell_text(st, c, slot, text, sizeof text);
			const struct db_appt *ap = cell_appt(st, c, slot, NULL);
			bool sel = c == st->col && slot == st->slot;
			attr_t a = A_NORMAL;
			if (ap && ap->status == DB_APPT_CANCELLED)
				a = tui_style(TUI_S_DIM);
			if (sel)
				a = tui_style(TUI_S_SELECTED);
			int cx = x0 + v * cw;
			if (sel) {
				tui_put(w, y + 1 + r, cx, cw - 1, "", a, true);
				tui_put(w, y + 1 + r, cx, 1, ">", a | A_BOLD, false);
				tui_put(w, y + 1 + r, cx + 1, cw - 2, text, a, false);
			} else if (text[0]) {
				tui_put(w, y + 1 + r, cx + 1, cw - 2, text, a, false);
			} else {
				tui_put(w, y + 1 + r, cx + 1, 1, term_utf8() ? "·" : ".",
				        tui_style(TUI_S_DIM), false);
			}
		}
	}
}

/* The selected appointment in full, or the free slot. */
static void draw_detail(struct sched *st, WINDOW *w, int y, int cols)
{
	const struct db_appt *ap = selected(st);
	char buf[1200];
	if (!ap) {
		char tm[6], d[64];
		form_time_str(st->slot0 + st->slot * SLOT_MIN, tm);
		day_title(col_day(st, st->col), false, d, sizeof d);
		const char *whom = "";
		if (st->view == V_DAY && st->col < st->ncols)
			whom = st->cols[st->col].name;
		else if (st->view == V_WEEK)
			whom = st->week_room[0] ? cns_room_label(st->week_room)
			                        : counsellor_name(st, st->week_cid);
		loc_fmt(buf, sizeof buf, "schedule:free", d, tm, whom);
		tui_put(w, y, 1, cols - 2, buf, tui_style(TUI_S_DIM), false);
		return;
	}
	char d[11];
	cns_date_show(ap->start, d);
	const char *mark = cns_status_mark(ap->status);
	snprintf(buf, sizeof buf, "%s %.5s-%.5s · %s%s%s", d, ap->start + 11, ap->end + 11, mark,
	         mark[0] ? " " : "", cns_status_word(ap->status));
	size_t l = strlen(buf);
	if (ap->status == DB_APPT_CANCELLED && ap->cancel_reason[0])
		l += (size_t)snprintf(buf + l, sizeof buf - l, " (%s)", ap->cancel_reason);
	l += (size_t)snprintf(buf + l, sizeof buf - l, " · %s · %s", client_of(ap),
	                      cns_type_label(ap->type));
	if (ap->room[0])
		l += (size_t)snprintf(buf + l, sizeof buf - l, " · %s", cns_room_label(ap->room));
	if (st->view == V_WEEK && st->week_room[0])
		l += (size_t)snprintf(buf + l, sizeof buf - l, " · %s", ap->counsellor_name);
	const struct db_actor *a = tui_actor();
	bool notes_role = a && (a->role == DB_ROLE_MANAGER ||
	                        (a->role == DB_ROLE_COUNSELLOR && a->user_id == ap->counsellor_id));
	if (ap->has_log && notes_role && l < sizeof buf)
		snprintf(buf + l, sizeof buf - l, " · %s", loc_str("schedule:has_log"));
	tui_put(w, y, 1, cols - 2, buf, A_BOLD, false);
}

static void sched_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct sched *st = s->priv;
	draw_title(st, w, cols);
	if (!st->loaded) {
		char buf[400];
		loc_err(&st->err, buf, sizeof buf);
		tui_put(w, 2, 1, cols - 2, buf, tui_style(TUI_S_ERROR), false);
		return;
	}
	int grid_rows = rows - 6; /* title, column titles, gap, detail, legend, keys */
	if (grid_rows < 1)
		grid_rows = 1;
	draw_grid(st, w, 1, grid_rows, cols);
	draw_detail(st, w, rows - 3, cols);
	char legend[400];
	loc_fmt(legend, sizeof legend, "schedule:legend", cns_status_mark(DB_APPT_HELD),
	        cns_status_mark(DB_APPT_NO_SHOW), cns_status_mark(DB_APPT_CANCELLED));
	tui_put(w, rows - 2, 1, cols - 2, legend, tui_style(TUI_S_DIM), false);
	tui_put(w, rows - 1, 1, cols - 2, loc_str("schedule:keys_hint"), tui_style(TUI_S_DIM),
	        false);
}

/* ---- keys ---- */

static void go_day(struct tui_screen *s, long day)
{
	struct sched *st = s->priv;
	long old_week = week_start(st->day);
	st->day = day;
	if (st->view == V_DAY || week_start(day) != old_week) {
		struct qerr e = {0};
		if (sched_reload(s, &e) != 0)
			tui_message_err(&e);
	} else {
		build_wdays(st);
		for (int i = 0; i < st->nwdays; i++)
			if (st->wdays[i] == day)
				st->col = i;
	}
}

static void set_view(struct tui_screen *s, enum view v)
{
	struct sched *st = s->priv;
	if (st->view == V_DAY && v == V_WEEK && !st->week_room[0] && st->col < st->ncols)
		st->week_cid = st->cols[st->col].cid;
	if (v == V_WEEK && !st->week_room[0] && st->week_cid <= 0 && st->ncns > 0)
		st->week_cid = st->cns[0].id;
	if (st->view == V_WEEK && v == V_DAY) {
		st->col = 0;
		for (int i = 0; i < st->ncols; i++)
			if (!st->week_room[0] && st->cols[i].cid == st->week_cid)
				st->col = i;
	}
	st->view = v;
	struct qerr e = {0};
	if (sched_reload(s, &e) != 0)
		tui_message_err(&e);
	if (v == V_DAY && !st->week_room[0])
		for (int i = 0; i < st->ncols; i++)
			if (st->cols[i].cid == st->week_cid)
				st->col = i;
}

static void pick_counsellor(struct tui_screen *s)
{
	struct sched *st = s->priv;
	if (st->ncns == 0)
		return;
	if (st->view == V_DAY) {
		st->week_room[0] = '\0';
		set_view(s, V_WEEK);
		return;
	}
	int k = -1;
	for (int i = 0; i < st->ncns; i++)
		if (st->cns[i].id == st->week_cid)
			k = i;
	if (st->week_room[0])
		k = k < 0 ? 0 : k; /* from a room back to the last counsellor */
	else
		k = (k + 1) % st->ncns;
	st->week_room[0] = '\0';
	st->week_cid = st->cns[k].id;
	set_view(s, V_WEEK);
}

static void pick_room(struct tui_screen *s)
{
	struct sched *st = s->priv;
	const struct conf *cf = tui_conf();
	if (!cf || cf->rooms.n == 0) {
		tui_message_key("schedule:no_rooms");
		return;
	}
	int k = 0;
	if (st->view == V_WEEK && st->week_room[0]) {
		for (int i = 0; i < cf->rooms.n; i++)
			if (strcmp(cf->rooms.items[i].key, st->week_room) == 0)
				k = (i + 1) % cf->rooms.n;
	}
	util_strlcpy(st->week_room, cf->rooms.items[k].key, sizeof st->week_room);
	set_view(s, V_WEEK);
}

static int book(struct sched *st)
{
	struct cns_book_arg arg;
	memset(&arg, 0, sizeof arg);
	db_day_to_iso(col_day(st, st->col), arg.day);
	arg.minute = st->slot0 + st->slot * SLOT_MIN;
	const struct db_actor *a = tui_actor();
	if (a && a->role == DB_ROLE_COUNSELLOR)
		arg.counsellor_id = a->user_id;
	else if (st->view == V_DAY && st->col < st->ncols)
		arg.counsellor_id = st->cols[st->col].cid;
	else if (st->view == V_WEEK && !st->week_room[0])
		arg.counsellor_id = st->week_cid;
	if (st->view == V_WEEK && st->week_room[0])
		util_strlcpy(arg.room, st->week_room, sizeof arg.room);
	tui_push(&cns_book_screen, &arg);
	return TUI_REDRAW;
}

static int move_appt(const struct db_appt *ap)
{
	if (ap->status != DB_APPT_SCHEDULED) {
		tui_message_key("schedule:only_scheduled");
		return TUI_HANDLED;
	}
	struct cns_book_arg arg;
	memset(&arg, 0, sizeof arg);
	arg.move_id = ap->id;
	tui_push(&cns_book_screen, &arg);
	return TUI_REDRAW;
}

static int mark(struct tui_screen *s, const struct db_appt *ap, enum db_appt_status to)
{
	if (ap->status == to) {
		tui_message(cns_status_word(to));
		return TUI_HANDLED;
	}
	struct qerr e = {0};
	if (db_appt_set_status(tui_db(), tui_actor(), ap->id, ap->version, to, NULL, &e) != DB_OK) {
		tui_message_err(&e);
		sched_reload(s, NULL);
		return TUI_REDRAW;
	}
	struct qerr le = {0};
	if (sched_reload(s, &le) != 0)
		tui_message_err(&le);
	else
		tui_message_key(to == DB_APPT_HELD ? "schedule:marked_held"
		                                   : "schedule:marked_noshow");
	return TUI_REDRAW;
}

static int open_log(struct db_appt *ap)
{
	tui_push(&cns_log_screen, ap);
	return TUI_REDRAW;
}

static int arrows(struct tui_screen *s, int key)
{
	struct sched *st = s->priv;
	int ncol = st->view == V_DAY ? st->ncols : st->nwdays;
	switch (key) {
	case TUI_K_UP:
		if (st->slot > 0)
			st->slot--;
		return TUI_REDRAW;
	case TUI_K_DOWN:
		if (st->slot < st->nslots - 1)
			st->slot++;
		return TUI_REDRAW;
	case TUI_K_HOME:
		st->slot = 0;
		return TUI_REDRAW;
	case TUI_K_END:
		st->slot = st->nslots > 0 ? st->nslots - 1 : 0;
		return TUI_REDRAW;
	case TUI_K_LEFT:
		if (st->col > 0) {
			st->col--;
			if (st->view == V_WEEK)
				st->day = st->wdays[st->col];
		} else {
			/* Past the first column: the day (or week day) before. */
			long to = st->view == V_DAY ? st->day - 1 : st->wdays[0] - 1;
			go_day(s, to);
			if (st->view == V_DAY)
				st->col = st->ncols > 0 ? st->ncols - 1 : 0;
		}
		return TUI_REDRAW;
	case TUI_K_RIGHT:
		if (st->col < ncol - 1) {
			st->col++;
			if (st->view == V_WEEK)
				st->day = st->wdays[st->col];
		} else {
			long to = st->view == V_DAY ? st->day + 1 : st->wdays[ncol - 1] + 1;
			go_day(s, to);
			if (st->view == V_DAY)
				st->col = 0;
		}
		return TUI_REDRAW;
	default:
		return 0;
	}
}

static int sched_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct sched *st = s->priv;
	const struct db_appt *sel = selected(st);
	/* Act on a copy: a reload frees the rows. */
	struct db_appt ap;
	if (sel)
		ap = *sel;
	switch (ev->action) {
	case A_BOOK:
		return st->loaded ? book(st) : TUI_HANDLED;
	case A_MOVE:
		return sel ? move_appt(&ap) : TUI_HANDLED;
	case A_CANCEL:
		if (!sel)
			return TUI_HANDLED;
		if (ap.status == DB_APPT_CANCELLED) {
			tui_message(cns_status_word(ap.status));
			return TUI_HANDLED;
		}
		tui_push(&cns_cancel_screen, &ap);
		return TUI_REDRAW;
	case A_HELD:
		return sel ? mark(s, &ap, DB_APPT_HELD) : TUI_HANDLED;
	case A_NOSHOW:
		return sel ? mark(s, &ap, DB_APPT_NO_SHOW) : TUI_HANDLED;
	case A_LOG:
		return sel ? open_log(&ap) : TUI_HANDLED;
	case A_VIEW:
		set_view(s, st->view == V_DAY ? V_WEEK : V_DAY);
		return TUI_REDRAW;
	case A_PICK_C:
		pick_counsellor(s);
		return TUI_REDRAW;
	case A_PICK_R:
		pick_room(s);
		return TUI_REDRAW;
	case A_TODAY:
		go_day(s, today_day());
		slot_to_now(st);
		return TUI_REDRAW;
	case A_PREV_DAY:
		go_day(s, st->day - 1);
		return TUI_REDRAW;
	case A_NEXT_DAY:
		go_day(s, st->day + 1);
		return TUI_REDRAW;
	case A_PREV_WEEK:
		go_day(s, st->day - 7);
		return TUI_REDRAW;
	case A_NEXT_WEEK:
		go_day(s, st->day + 7);
		return TUI_REDRAW;
	case A_REFRESH: {
		struct qerr e = {0};
		if (sched_reload(s, &e) != 0)
			tui_message_err(&e);
		return TUI_REDRAW;
	}
	default:
		break;
	}
	if (ev->key == TUI_K_ESC)
		return TUI_POP | TUI_RELOAD; /* home shows the day: let it fetch again */
	return arrows(s, ev->key);
}

static unsigned sched_state(const struct tui_screen *s)
{
	const struct sched *st = s->priv;
	return st && selected(st) ? TUI_ST_ROW : 0;
}

static const struct tui_screen_def sched_screen = {
    .name = "schedule",
    .title_key = "schedule:title",
    .keys = keys_full,
    .init = sched_init,
    .free = sched_free,
    .reload = sched_reload,
    .draw = sched_draw,
    .key = sched_key,
    .state = sched_state,
};

TUI_AT_START(cns_sched_register)
{
	tui_register_screen(&sched_screen,
	                    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) |
	                        TUI_ROLE(DB_ROLE_COUNSELLOR),
	                    "schedule:menu", 's');
}
