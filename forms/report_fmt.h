/*
 * report_fmt — the programme indicators (db/report.h) as a CSV file and as a
 * printable plain-text page. Pure functions over a computed report: no
 * curses, no database, no printing; the texts come from a label callback so
 * tests can pass their own (form_report_label_loc is the catalogue one).
 *
 * Small numbers re-identify people in small communities: with `suppress`
 * every count from 1 to 4 is written "<5" (0 stays 0). Rates are written as
 * percentages with one decimal, blank when nothing was measured.
 */
#ifndef QENDRA_FORM_REPORT_FMT_H
#define QENDRA_FORM_REPORT_FMT_H

#include <stdbool.h>
#include <stddef.h>

#include "db/report.h"

/*
 * Text for a label key; never NULL (return the key itself when unknown).
 * Keys: "title", "period", "municipality", "all", "col_indicator",
 * "col_breakdown", "col_from", "col_to", "col_municipality", "col_total",
 * "col_f", "col_m", "col_unknown", "note_suppressed", "by_sex", "by_band",
 * "ind.<indicator>", "bd.<breakdown>", "band.<band key>", "muni.<key>".
 */
typedef const char *(*form_report_label_fn)(void *ctx, const char *key);

struct form_report_opts {
	bool suppress; /* counts 1..4 as "<5" */
	form_report_label_fn label;
	void *ctx;
};

/* What a text table shows beside the total. */
enum form_report_view {
	FORM_REPORT_BY_SEX,  /* F, M */
	FORM_REPORT_BY_BAND, /* one column per age band (both sexes) and "?" */
	FORM_REPORT_BOTH,    /* the two tables one after the other (the printable page) */
};

/*
 * One cell as text into out: sex -1 = both, 0 = F, 1 = M; band -1 = every
 * band, else an index (nbands = unknown age). A total-only row gives "" for
 * any split cell; a rate gives "87.5%" ("" when the denominator is 0).
 */
void form_report_cell(const struct db_report_row *row, int nbands, int sex, int band, bool suppress,
                      char *out, size_t outsz);
/* The row's label into buf (returned): the indicator's, or "  " + the breakdown's. */
const char *form_report_row_label(const struct db_report_row *row, const struct form_report_opts *o,
                                  char *buf, size_t bufsz);

/* Append s as one CSV field: always quoted, inner quotes doubled; control
 * characters (other than none) are replaced by spaces, invalid UTF-8 by '?'. */
void form_report_csv_field(struct sbuf *b, const char *s);

/*
 * The whole report as CSV: UTF-8 with a byte-order mark (so LibreOffice and
 * Excel read the letters right), comma separated, every field quoted, CRLF
 * line ends. The first line is the header: from, to, municipality,
 * indicator, breakdown, total, F, M, then F and M for each band and for the
 * unknown age. Returns a malloc'd string (free()).
 */
char *form_report_csv(const struct db_report *r, const struct form_report_opts *o);

/*
 * A plain-text page of at most `width` columns (>= 40; 80 for printing):
 * title, period, municipality, then the table(s) of `view`. Malloc'd.
 */
char *form_report_text(const struct db_report *r, const struct form_report_opts *o,
                       enum form_report_view view, int width);

/* The catalogue label callback: ctx is a const struct conf * (may be NULL);
 * looks keys up in the "report" section, catalogue items in the
 * configuration and then "catalog:<list>.<item>". */
const char *form_report_label_loc(void *ctx, const char *key);

#endif
