/*
 * rpt_report — the Reports screen: the programme indicators of db/report.h
 * for a month, quarter or year (the current month at first) and all or one
 * municipality, as a table by sex (Total, F, M) or by age band (one column
 * per configured band, both sexes, and "?" for an unknown age; Left/Right
 * scroll sideways when they do not all fit). On screen the counts are
 * exact, as the people allowed to open this screen may see them; the CSV
 * export (F4 / Alt-S, a one-field form with the path, default
 * ~/qendra-report-<period>.csv) writes counts from 1 to 4 as "<5", is
 * created 0600 and replaces an existing file only after a question.
 *
 * For managers, registrars and viewers (db_report_compute refuses others).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "db/report.h"
#include "forms/report_fmt.h"
#include "locale/loc.h"
#include "tui/tui.h"

enum { A_PREV = 1, A_NEXT, A_STEP, A_MUNI, A_VIEW, A_EXPORT };
enum { M_MONTH, M_QUARTER, M_YEAR };

#define LABEL_MIN 24 /* columns kept for the row label in the band view */
#define NUM_W     8  /* Total, F, M */
#define BAND_W    6  /* one age band */

static const char *const munis[] = {"", "shkoder", "kukes", "diber"};
#define NMUNI ((int)(sizeof munis / sizeof munis[0]))

static const struct tui_key rpt_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "report:kb_export", "report:k_export", A_EXPORT, 0},
    {'a', TUI_K_TAB, "report:kb_view", "report:k_view", A_VIEW, 0},
    {'b', 0, "report:kb_muni", "report:k_muni", A_MUNI, 0},
    {'m', 0, "report:kb_step", "report:k_step", A_STEP, 0},
    {'[', 'p', "report:kb_prev", "report:k_prev", A_PREV, 0},
    {']', 'n', "report:kb_next", "report:k_next", A_NEXT, 0},
    {'<', '>', NULL, "report:k_prevnext", 0, 0},
    {TUI_K_LEFT, TUI_K_RIGHT, NULL, "report:k_scroll", 0, 0},
    {TUI_K_UP, TUI_K_DOWN, NULL, "help:k_move", 0, 0},
    {'/', 0, NULL, "help:k_search", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct rpt {
	int mode, year, month; /* the period: month is the anchor in every mode */
	int muni;              /* index into munis */
	bool by_band;
	int band_off; /* first band shown in the band view */
	int vis;      /* bands shown at the last paint */
	struct db_report r;
	struct db_report_band bands[DB_REPORT_MAX_BANDS];
	int nbands;
	struct tui_col cols[3 + DB_REPORT_MAX_BANDS + 1];
	struct tui_list list;
};

/* The configuration as the label callback's context (it takes void *). */
static struct form_report_opts opts(bool suppress)
{
	struct form_report_opts o = {suppress, form_report_label_loc,
	                             (void *)(uintptr_t)tui_conf()};
	return o;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static void period(const struct rpt *st, char from[11], char to[11])
{
	int m0 = st->month, m1 = st->month;
	if (st->mode == M_QUARTER) {
		m0 = (st->month - 1) / 3 * 3 + 1;
		m1 = m0 + 2;
	} else if (st->mode == M_YEAR) {
		m0 = 1;
		m1 = 12;
	}
	char b[40];
	snprintf(b, sizeof b, "%04d-%02d-01", st->year, m0);
	util_strlcpy(from, b, 11);
	snprintf(b, sizeof b, "%04d-%02d-%02d", st->year, m1, days_in(st->year, m1));
	util_strlcpy(to, b, 11);
}

static int compute(struct rpt *st, struct qerr *err)
{
	const struct conf *cf = tui_conf();
	struct db_report_query q = {0};
	period(st, q.from, q.to);
	util_strlcpy(q.municipality, munis[st->muni], sizeof q.municipality);
	util_strlcpy(q.centre_municipality, cf ? cf->municipality : "",
	             sizeof q.centre_municipality);
	q.bands = st->bands;
	q.nbands = st->nbands;
	struct db_report r;
	tui_busy("report:loading");
	if (db_report_compute(tui_db(), tui_actor(), &q, &r, err) != DB_OK) {
		db_report_free(&r);
		return -1;
	}
	db_report_free(&st->r);
	st->r = r;
	tui_list_set_count(&st->list, st->r.n);
	tui_message(""); /* the busy note is done */
	return 0;
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
	struct rpt *st = ctx;
	buf[0] = '\0';
	if (row < 0 || row >= st->r.n)
		return;
	const struct db_report_row *rw = &st->r.rows[row];
	if (col == 0) {
		struct form_report_opts o = opts(false);
		char lab[300];
		util_strlcpy(buf, form_report_row_label(rw, &o, lab, sizeof lab), n);
	} else if (col == 1) {
		form_report_cell(rw, st->r.nbands, -1, -1, false, buf, n);
	} else if (!st->by_band) {
		form_report_cell(rw, st->r.nbands, col - 2, -1, false, buf, n);
	} else {
		form_report_cell(rw, st->r.nbands, -1, st->band_off + col - 2, false, buf, n);
	}
	/* A total-only row would leave the columns after the total empty, and the
	 * list widget lets a cell span the empty ones after it: keep them apart. */
	if (col >= 1 && !buf[0])
		util_strlcpy(buf, "·", n);
}

static int rpt_init(struct tui_screen *s, struct qerr *err)
{
	struct rpt *st = xcalloc(1, sizeof *st);
	const struct conf *cf = tui_conf();
	for (int i = 0; cf && i < cf->age_bands.n && i < DB_REPORT_MAX_BANDS; i++) {
		util_strlcpy(st->bands[i].key, cf->age_bands.items[i].key, sizeof st->bands[i].key);
		st->bands[i].min = cf->age_bands.items[i].min;
		st->bands[i].max = cf->age_bands.items[i].max;
		st->nbands++;
	}
	char today[11];
	util_today(today);
	st->year = atoi(today);
	st->month = atoi(today + 5);
	if (st->month < 1 || st->month > 12)
		st->month = 1;
	st->mode = M_MONTH;
	st->cols[0] = (struct tui_col){"report:col_indicator", 0, TUI_LEFT};
	st->cols[1] = (struct tui_col){"report:col_total", NUM_W, TUI_RIGHT};
	st->cols[2] = (struct tui_col){"report:col_f", NUM_W, TUI_RIGHT};
	st->cols[3] = (struct tui_col){"report:col_m", NUM_W, TUI_RIGHT};
	tui_list_init(&st->list, st->cols, 4, st, cell);
	st->list.show_titles = true;
	st->list.searchable = true;
	if (compute(st, err) != 0) {
		db_report_free(&st->r);
		free(st);
		return -1;
	}
	s->priv = st;
	return 0;
}

static void rpt_free(struct tui_screen *s)
{
	struct rpt *st = s->priv;
	if (!st)
		return;
	db_report_free(&st->r);
	free(st);
	s->priv = NULL;
}

static int rpt_reload(struct tui_screen *s, struct qerr *err)
{
	return compute(s->priv, err);
}

static unsigned rpt_state(const struct tui_screen *s)
{
	const struct rpt *st = s->priv;
	return tui_list_typing(&st->list) ? TUI_ST_TYPING : 0;
}

/* Recompute after a change; on failure show why and keep the old figures. */
static int recount(struct rpt *st)
{
	struct qerr e = {0};
	if (compute(st, &e) != 0)
		tui_message_err(&e);
	return TUI_REDRAW;
}

static int step(struct rpt *st, int dir)
{
	if (st->mode == M_YEAR) {
		st->year += dir;
	} else {
		int m = st->year * 12 + (st->month - 1) + dir * (st->mode == M_QUARTER ? 3 : 1);
		st->year = m / 12;
		st->month = m % 12 + 1;
	}
	if (st->year < 1900 || st->year > 9999) { /* keep the dates valid */
		st->year = st->year < 1900 ? 1900 : 9999;
		return TUI_REDRAW;
	}
	return recount(st);
}

extern const struct tui_screen_def rpt_export_screen;

static int rpt_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct rpt *st = s->priv;
	if (tui_list_typing(&st->list))
		return tui_list_key(&st->list, ev->key);
	switch (ev->action) {
	case A_PREV:
		return step(st, -1);
	case A_NEXT:
		return step(st, 1);
	case A_STEP:
		st->mode = (st->mode + 1) % 3;
		return recount(st);
	case A_MUNI:
		st->muni = (st->muni + 1) % NMUNI;
		return recount(st);
	case A_VIEW:
		st->by_band = !st->by_band;
		st->band_off = 0;
		return TUI_REDRAW;
	case A_EXPORT:
		tui_push(&rpt_export_screen, st);
		return TUI_REDRAW;
	default:
		break;
	}
	switch (ev->key) {
	case '<':
		return step(st, -1);
	case '>':
		return step(st, 1);
	case TUI_K_LEFT:
		if (st->by_band && st->band_off > 0)
			st->band_off--;
		return TUI_REDRAW;
	case TUI_K_RIGHT:
		if (st->by_band && st->band_off + st->vis < st->r.nbands + 1)
			st->band_off++;
		return TUI_REDRAW;
	default:
		return tui_list_key(&st->list, ev->key);
	}
}

static const char *mode_key(int mode)
{
	return mode == M_YEAR      ? "report:mode_year"
	       : mode == M_QUARTER ? "report:mode_quarter"
	                           : "report:mode_month";
}

/* The band view's title line, drawn over the list's: the list would let
 * "Total" span the band columns, whose titles are not catalogue keys. */
static void band_titles(struct rpt *st, WINDOW *w, int y, int x, int cols)
{
	attr_t a = tui_style(TUI_S_HEADER);
	int inner = cols - 2, gaps = 1 + st->vis;
	int labw = inner - NUM_W - st->vis * BAND_W - gaps;
	tui_put(w, y, x, cols, "", a, true);
	tui_put(w, y, x + 2, labw, loc_str("report:col_indicator"), a, false);
	char fit[64];
	int cx = x + 2 + labw + 1;
	int tw = tui_text_fit(loc_str("report:col_total"), NUM_W, fit, sizeof fit);
	tui_put(w, y, cx + NUM_W - tw, tw, fit, a, false);
	cx += NUM_W + 1;
	struct form_report_opts o = opts(false);
	for (int j = 0; j < st->vis; j++, cx += BAND_W + 1) {
		int b = st->band_off + j;
		char key[64];
		const char *t = "?";
		if (b < st->r.nbands) {
			snprintf(key, sizeof key, "band.%s", st->r.bands[b].key);
			t = o.label(o.ctx, key);
		}
		tw = tui_text_fit(t, BAND_W, fit, sizeof fit);
		tui_put(w, y, cx + BAND_W - tw, tw, fit, a, false);
	}
}

static void rpt_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct rpt *st = s->priv;
	char buf[400], f[11], t[11], from[11], to[11];
	period(st, from, to);
	loc_date(from, f);
	loc_date(to, t);
	struct form_report_opts o = opts(false);
	tui_put(w, 0, 1, cols - 2, loc_str("report:title"), tui_style(TUI_S_TITLE), false);
	snprintf(buf, sizeof buf, "%s: %s – %s (%s)", loc_str("report:period"), f, t,
	         loc_str(mode_key(st->mode)));
	tui_put(w, 1, 1, cols - 2, buf, A_NORMAL, false);
	const char *mu = loc_str("report:all");
	if (st->muni > 0) {
		char key[32];
		snprintf(key, sizeof key, "muni.%s", munis[st->muni]);
		mu = o.label(o.ctx, key);
	}
	snprintf(buf, sizeof buf, "%s: %s   ·   %s", loc_str("report:municipality"), mu,
	         loc_str(st->by_band ? "report:view_band" : "report:by_sex"));
	tui_put(w, 2, 1, cols - 2, buf, A_NORMAL, false);

	tui_put(w, 3, 1, cols - 2, loc_str("report:period_keys"), tui_style(TUI_S_DIM), false);
	int y = 4, hint = 0;
	if (st->by_band) {
		int nb = st->r.nbands + 1; /* and the unknown age */
		int room = (cols - 2 - LABEL_MIN - NUM_W - 1) / (BAND_W + 1);
		if (room < 1)
			room = 1;
		if (st->band_off > nb - room)
			st->band_off = nb - room > 0 ? nb - room : 0;
		st->vis = nb - st->band_off < room ? nb - st->band_off : room;
		for (int j = 0; j < st->vis; j++)
			st->cols[2 + j] = (struct tui_col){NULL, BAND_W, TUI_RIGHT};
		st->list.ncols = 2 + st->vis;
		hint = st->vis < nb ? 1 : 0;
	} else {
		st->cols[2] = (struct tui_col){"report:col_f", NUM_W, TUI_RIGHT};
		st->cols[3] = (struct tui_col){"report:col_m", NUM_W, TUI_RIGHT};
		st->list.ncols = 4;
	}
	tui_list_draw(&st->list, w, y, 0, rows - y - hint, cols, true);
	if (st->by_band)
		band_titles(st, w, y, 0, cols);
	if (hint) {
		loc_fmt(buf, sizeof buf, "report:more_bands", st->band_off + 1,
		        st->band_off + st->vis, st->r.nbands + 1);
		tui_put(w, rows - 1, 1, cols - 2, buf, tui_style(TUI_S_DIM), false);
	}
}

const struct tui_screen_def rpt_screen = {
    .name = "reports",
    .title_key = "report:title_screen",
    .keys = rpt_keys,
    .init = rpt_init,
    .free = rpt_free,
    .reload = rpt_reload,
    .draw = rpt_draw,
    .key = rpt_key,
    .state = rpt_state,
};

TUI_AT_START(register_reports)
{
	unsigned roles =
	    TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_REGISTRAR) | TUI_ROLE(DB_ROLE_VIEWER);
	if (tui_register_screen(&rpt_screen, roles, "report:menu", 'p') != 0)
		tui_register_screen(&rpt_screen, roles, "report:menu", 'o');
}

/* ---- the CSV export: one field, the path ---- */

static const struct tui_key exp_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "report:kb_save", "report:k_save", A_EXPORT, 0},
    {TUI_K_ENTER, 0, NULL, "report:k_save", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct rexp {
	struct rpt *rp; /* the report screen below (stays open under this one) */
	struct tui_field f[1];
	struct tui_form fm;
};

static int exp_init(struct tui_screen *s, struct qerr *err)
{
	struct rpt *rp = s->arg;
	if (!rp) {
		qerr_set(err, "err:not_found", "report");
		return -1;
	}
	struct rexp *st = xcalloc(1, sizeof *st);
	st->rp = rp;
	st->f[0] = (struct tui_field){
	    .label_key = "report:export_path", .maxlen = 1024, .width = 50, .required = true};
	tui_form_init(&st->fm, st->f, 1);
	char path[80];
	if (rp->mode == M_YEAR)
		snprintf(path, sizeof path, "~/qendra-report-%04d.csv", rp->year);
	else if (rp->mode == M_QUARTER)
		snprintf(path, sizeof path, "~/qendra-report-%04d-Q%d.csv", rp->year,
		         (rp->month - 1) / 3 + 1);
	else
		snprintf(path, sizeof path, "~/qendra-report-%04d-%02d.csv", rp->year, rp->month);
	tui_form_set(&st->fm, 0, path);
	s->priv = st;
	return 0;
}

static void exp_free(struct tui_screen *s)
{
	struct rexp *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st);
	s->priv = NULL;
}

static unsigned exp_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING;
}

static void field_err(struct rexp *st, const char *key, const char *detail)
{
	struct qerr e = {0};
	if (detail)
		qerr_set(&e, key, "%s", detail);
	else
		qerr_set(&e, key, NULL);
	tui_form_set_error(&st->fm, 0, &e);
	tui_message_err(&e);
}

static int write_all(int fd, const char *s, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, s + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

static int do_export(struct rexp *st)
{
	char raw[4200];
	tui_form_get(&st->fm, 0, raw, sizeof raw);
	char *p = raw;
	while (*p == ' ')
		p++;
	size_t len = strlen(p);
	while (len > 0 && p[len - 1] == ' ')
		p[--len] = '\0';
	if (!*p) {
		field_err(st, "form:required", NULL);
		return TUI_REDRAW;
	}
	const char *home = getenv("HOME");
	char *path = p[0] == '~' && (p[1] == '/' || !p[1]) && home && *home
	                 ? xasprintf("%s%s", home, p + 1)
	                 : xstrdup(p);
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (exists && !S_ISREG(sb.st_mode)) {
		field_err(st, "report:export_not_file", path);
		free(path);
		return TUI_REDRAW;
	}
	if (exists) {
		char q[1200];
		loc_fmt(q, sizeof q, "report:replace_q", path);
		if (!tui_confirm(q)) {
			free(path);
			return TUI_REDRAW;
		}
	}
	struct form_report_opts o = opts(true);
	char *text = form_report_csv(&st->rp->r, &o);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exists ? O_TRUNC : O_EXCL), 0600);
	int en = errno;
	bool ok = fd >= 0;
	if (ok) {
		ok = fchmod(fd, 0600) == 0 && write_all(fd, text, strlen(text)) == 0 &&
		     fsync(fd) == 0;
		en = errno;
		if (close(fd) != 0 && ok) {
			ok = false;
			en = errno;
		}
	}
	free(text);
	if (!ok) {
		char d[1200];
		snprintf(d, sizeof d, "%s: %s", path, strerror(en));
		field_err(st, "report:csv_failed", d);
		free(path);
		return TUI_REDRAW;
	}
	char m[1200];
	loc_fmt(m, sizeof m, "report:exported", path);
	tui_message(m);
	free(path);
	return TUI_POP;
}

static int exp_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct rexp *st = s->priv;
	if (ev->action == A_EXPORT)
		return do_export(st);
	switch (tui_form_key(&st->fm, ev->key)) {
	case TUI_FORM_SUBMIT:
		return do_export(st);
	case TUI_FORM_HANDLED:
		return TUI_REDRAW;
	default:
		return 0;
	}
}

static void exp_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct rexp *st = s->priv;
	(void)rows;
	tui_put(w, 0, 1, cols - 2, loc_str("report:k_export"), tui_style(TUI_S_TITLE), false);
	tui_form_draw(&st->fm, w, 2, 1, 0, cols - 2, true);
	tui_put(w, 4, 1, cols - 2, loc_str("report:export_hint"), tui_style(TUI_S_DIM), false);
}

const struct tui_screen_def rpt_export_screen = {
    .name = "report_export",
    .title_key = "report:title_screen",
    .keys = exp_keys,
    .init = exp_init,
    .free = exp_free,
    .draw = exp_draw,
    .key = exp_key,
    .state = exp_state,
};
