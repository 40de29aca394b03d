/*
 * report_fmt — CSV and plain-text forms of the indicators (see report_fmt.h).
 */
#include "forms/report_fmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "locale/loc.h"

static const char *L(const struct form_report_opts *o, const char *key)
{
	const char *s = o && o->label ? o->label(o->ctx, key) : NULL;
	return s ? s : key;
}

static const char *Lf(const struct form_report_opts *o, const char *prefix, const char *key,
                      char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", prefix, key);
	return L(o, buf);
}

static void count_text(int64_t v, bool suppress, char *out, size_t n)
{
	if (suppress && v > 0 && v < 5)
		snprintf(out, n, "<5");
	else
		snprintf(out, n, "%" PRId64, v);
}

void form_report_cell(const struct db_report_row *row, int nbands, int sex, int band, bool suppress,
                      char *out, size_t outsz)
{
	if (!outsz)
		return;
	out[0] = '\0';
	if (nbands < 0 || nbands > DB_REPORT_MAX_BANDS || band > nbands || sex > 1)
		return;
	bool all = sex < 0 && band < 0;
	if (row->kind == DB_REPORT_TOTAL && !all)
		return;
	int64_t v = 0, d = 0;
	if (all) {
		v = row->total;
		d = row->den_total;
	} else {
		for (int s = 0; s < 2; s++) {
			if (sex >= 0 && s != sex)
				continue;
			for (int b = 0; b <= nbands; b++) {
				if (band >= 0 && b != band)
					continue;
				v += row->n[s][b];
				d += row->den[s][b];
			}
		}
	}
	if (row->kind == DB_REPORT_RATE) {
		if (d > 0) {
			/* per mille, rounded, shown with one decimal */
			int64_t pm = (v * 1000 + d / 2) / d;
			snprintf(out, outsz, "%" PRId64 ".%" PRId64 "%%", pm / 10, pm % 10);
		}
		return;
	}
	count_text(v, suppress, out, outsz);
}

const char *form_report_row_label(const struct db_report_row *row, const struct form_report_opts *o,
                                  char *buf, size_t bufsz)
{
	char key[128];
	if (!row->breakdown[0])
		snprintf(buf, bufsz, "%s", Lf(o, "ind.", row->indicator, key, sizeof key));
	else if (strncmp(row->breakdown, "identified_by:", 14) == 0 ||
	         strncmp(row->breakdown, "risk_factors:", 13) == 0) {
		/* One indicator is broken down two ways at once (how identified,
		 * and by risk factor): name the group so the lines read apart. */
		char gkey[64], group[128];
		snprintf(gkey, sizeof gkey, "grp.%.*s", (int)strcspn(row->breakdown, ":"),
		         row->breakdown);
		snprintf(group, sizeof group, "%s", L(o, gkey));
		snprintf(buf, bufsz, "  %s: %s", group,
		         Lf(o, "bd.", row->breakdown, key, sizeof key));
	} else
		snprintf(buf, bufsz, "  %s", Lf(o, "bd.", row->breakdown, key, sizeof key));
	return buf;
}

void form_report_csv_field(struct sbuf *b, const char *s)
{
	sbuf_add(b, "\"");
	const char *p = s ? s : "";
	while (*p) {
		const char *start = p;
		long cp = utf8_next(&p);
		if (cp < 0)
			sbuf_add(b, "?");
		else if (cp == '"')
			sbuf_add(b, "\"\"");
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			sbuf_add(b, " ");
		else
			sbuf_addn(b, start, (size_t)(p - start));
	}
	sbuf_add(b, "\"");
}

static void csv_sep(struct sbuf *b, const char *s)
{
	sbuf_add(b, ",");
	form_report_csv_field(b, s);
}

static const char *muni_label(const struct db_report *r, const struct form_report_opts *o,
                              char *buf, size_t n)
{
	if (!r->municipality[0])
		return L(o, "all");
	return Lf(o, "muni.", r->municipality, buf, n);
}

char *form_report_csv(const struct db_report *r, const struct form_report_opts *o)
{
	struct sbuf b = {0};
	char k[128], k2[128], cell[32];
	sbuf_add(&b, "\xEF\xBB\xBF");
	form_report_csv_field(&b, L(o, "col_from"));
	csv_sep(&b, L(o, "col_to"));
	csv_sep(&b, L(o, "col_municipality"));
	csv_sep(&b, L(o, "col_indicator"));
	csv_sep(&b, L(o, "col_breakdown"));
	csv_sep(&b, L(o, "col_total"));
	csv_sep(&b, L(o, "col_f"));
	csv_sep(&b, L(o, "col_m"));
	for (int s = 0; s < 2; s++) {
		for (int band = 0; band <= r->nbands; band++) {
			const char *bl = band < r->nbands
			                     ? Lf(o, "band.", r->bands[band].key, k, sizeof k)
			                     : L(o, "col_unknown");
			char h[256];
			snprintf(h, sizeof h, "%s %s", L(o, s ? "col_m" : "col_f"), bl);
			csv_sep(&b, h);
		}
	}
	sbuf_add(&b, "\r\n");
	const char *muni = muni_label(r, o, k2, sizeof k2);
	for (int i = 0; i < r->n; i++) {
		const struct db_report_row *row = &r->rows[i];
		form_report_csv_field(&b, r->from);
		csv_sep(&b, r->to);
		csv_sep(&b, muni);
		csv_sep(&b, Lf(o, "ind.", row->indicator, k, sizeof k));
		csv_sep(&b, row->breakdown[0] ? Lf(o, "bd.", row->breakdown, k, sizeof k) : "");
		form_report_cell(row, r->nbands, -1, -1, o && o->suppress, cell, sizeof cell);
		csv_sep(&b, cell);
		for (int s = 0; s < 2; s++) {
			form_report_cell(row, r->nbands, s, -1, o && o->suppress, cell,
			                 sizeof cell);
			csv_sep(&b, cell);
		}
		for (int s = 0; s < 2; s++)
			for (int band = 0; band <= r->nbands; band++) {
				form_report_cell(row, r->nbands, s, band, o && o->suppress, cell,
				                 sizeof cell);
				csv_sep(&b, cell);
			}
		sbuf_add(&b, "\r\n");
	}
	return b.s ? b.s : xstrdup("");
}

/* Append s cut or padded to exactly `cols` characters (control characters
 * and invalid bytes become '?'); right-aligned when `right`. */
static void put_col(struct sbuf *b, const char *s, int cols, bool right)
{
	struct sbuf t = {0};
	int used = 0;
	const char *p = s ? s : "";
	while (*p && used < cols) {
		const char *start = p;
		long cp = utf8_next(&p);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			sbuf_add(&t, "?");
		else
			sbuf_addn(&t, start, (size_t)(p - start));
		used++;
	}
	if (*p && cols > 0 && t.s) {
		/* cut: end with '~' in place of the last character */
		size_t l = t.len;
		while (l > 0 && ((unsigned char)t.s[l - 1] & 0xC0) == 0x80)
			l--;
		if (l > 0)
			l--;
		t.s[l] = '\0';
		t.len = l;
		sbuf_add(&t, "~");
	}
	if (right)
		for (int i = used; i < cols; i++)
			sbuf_add(b, " ");
	sbuf_add(b, t.s ? t.s : "");
	if (!right)
		for (int i = used; i < cols; i++)
			sbuf_add(b, " ");
	sbuf_free(&t);
}

static void rtrim_line(struct sbuf *b)
{
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	sbuf_add(b, "\n");
}

static void table(struct sbuf *b, const struct db_report *r, const struct form_report_opts *o,
                  bool bands, int width)
{
	char k[128], cell[32], lb[300];
	const int cw = bands ? 6 : 8, tw = 9;
	int ncols = bands ? r->nbands + 1 : 2; /* bands + unknown, or F, M */
	int lw = width - tw - ncols * cw;
	if (lw < 12)
		lw = 12;
	sbuf_add(b, L(o, bands ? "by_band" : "by_sex"));
	sbuf_add(b, "\n");
	put_col(b, L(o, "col_indicator"), lw, false);
	put_col(b, L(o, "col_total"), tw, true);
	if (bands) {
		for (int band = 0; band <= r->nbands; band++)
			put_col(b,
			        band < r->nbands ? Lf(o, "band.", r->bands[band].key, k, sizeof k)
			                         : "?",
			        cw, true);
	} else {
		put_col(b, L(o, "col_f"), cw, true);
		put_col(b, L(o, "col_m"), cw, true);
	}
	rtrim_line(b);
	for (int i = 0; i < width; i++)
		sbuf_add(b, "-");
	sbuf_add(b, "\n");
	for (int i = 0; i < r->n; i++) {
		const struct db_report_row *row = &r->rows[i];
		put_col(b, form_report_row_label(row, o, lb, sizeof lb), lw - 1, false);
		sbuf_add(b, " ");
		form_report_cell(row, r->nbands, -1, -1, o && o->suppress, cell, sizeof cell);
		put_col(b, cell, tw, true);
		if (bands) {
			for (int band = 0; band <= r->nbands; band++) {
				form_report_cell(row, r->nbands, -1, band, o && o->suppress, cell,
				                 sizeof cell);
				put_col(b, cell, cw, true);
			}
		} else {
			for (int s = 0; s < 2; s++) {
				form_report_cell(row, r->nbands, s, -1, o && o->suppress, cell,
				                 sizeof cell);
				put_col(b, cell, cw, true);
			}
		}
		rtrim_line(b);
	}
}

char *form_report_text(const struct db_report *r, const struct form_report_opts *o,
                       enum form_report_view view, int width)
{
	struct sbuf b = {0};
	char k[128], line[512];
	if (width < 40)
		width = 40;
	put_col(&b, L(o, "title"), width, false);
	rtrim_line(&b);
	snprintf(line, sizeof line, "%s: %.2s.%.2s.%.4s - %.2s.%.2s.%.4s", L(o, "period"),
	         r->from + 8, r->from + 5, r->from, r->to + 8, r->to + 5, r->to);
	put_col(&b, line, width, false);
	rtrim_line(&b);
	snprintf(line, sizeof line, "%s: %s", L(o, "municipality"), muni_label(r, o, k, sizeof k));
	put_col(&b, line, width, false);
	rtrim_line(&b);
	if (o && o->suppress) {
		put_col(&b, L(o, "note_suppressed"), width, false);
		rtrim_line(&b);
	}
	sbuf_add(&b, "\n");
	if (view != FORM_REPORT_BY_BAND)
		table(&b, r, o, false, width);
	if (view == FORM_REPORT_BOTH)
		sbuf_add(&b, "\n");
	if (view != FORM_REPORT_BY_SEX)
		table(&b, r, o, true, width);
	return b.s;
}

/* ---- labels from the catalogues ---- */

static const char *loc_or_tail(const char *key, const char *tail)
{
	if (loc_has(loc_lang(), key) || loc_has("en", key))
		return loc_str(key);
	return tail; /* an item no catalogue knows: its own key */
}

static const char *conf_label(const struct conf *c, const char *list, const char *item,
                              const char *tail)
{
	if (c) {
		const struct conf_list *lists[] = {&c->services,          &c->risk_factors,
		                                   &c->counselling_types, &c->activity_types,
		                                   &c->subjects,          &c->age_bands};
		for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
			const char *name = conf_list_key(c, lists[i]);
			if (!name || strcmp(name, list) != 0)
				continue;
			const struct conf_item *it = conf_find(lists[i], item);
			const char *l = it ? conf_item_label(it, loc_lang()) : NULL;
			if (l && l[0])
				return l;
		}
	}
	char key[128];
	snprintf(key, sizeof key, "catalog:%s.%s", list, item);
	return loc_or_tail(key, tail);
}

const char *form_report_label_loc(void *ctx, const char *key)
{
	const struct conf *c = ctx;
	char k[160];
	if (strncmp(key, "ind.", 4) == 0) {
		snprintf(k, sizeof k, "report:ind_%s", key + 4);
		return loc_or_tail(k, key + 4);
	}
	if (strncmp(key, "band.", 5) == 0)
		return conf_label(c, "age_bands", key + 5, key + 5);
	if (strncmp(key, "muni.", 5) == 0) {
		snprintf(k, sizeof k, "family:mun_%s", key + 5);
		return loc_or_tail(k, key + 5);
	}
	if (strncmp(key, "bd.", 3) == 0) {
		const char *bd = key + 3, *colon = strchr(bd, ':');
		if (!colon) {
			snprintf(k, sizeof k, "report:bd_%s", bd);
			return loc_or_tail(k, bd);
		}
		char list[64];
		snprintf(list, sizeof list, "%.*s", (int)(colon - bd), bd);
		if (strcmp(list, "identified_by") == 0) {
			snprintf(k, sizeof k, "family:idby_%s", colon + 1);
			return loc_or_tail(k, colon + 1);
		}
		return conf_label(c, list, colon + 1, colon + 1);
	}
	snprintf(k, sizeof k, "report:%s", key);
	return loc_or_tail(k, key);
}
