/*
 * cns_util — small helpers shared by the counsellor's screens: opening
 * hours from the configuration, catalogue labels, status markers, who may
 * see a client's name, the counsellor picker's list and wrapped text.
 */
#include "tui/cns.h"
#include "tui/tuii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "locale/loc.h"

void cns_hours(struct db_hours *h)
{
	const struct conf *cf = tui_conf();
	h->open_min = cf ? cf->open_min : 8 * 60;
	h->close_min = cf ? cf->close_min : 18 * 60;
	h->weekdays = cf ? (unsigned)cf->weekdays : 0x1fu;
}

/* The configured label, "catalog:<list>.<key>", or the key itself. */
static const char *cat_label(const struct conf_list *l, const char *key, char *buf, size_t n)
{
	if (!key || !key[0])
		return "";
	const struct conf *cf = tui_conf();
	const struct conf_item *it = cf && l ? conf_find(l, key) : NULL;
	const char *lab = it ? conf_item_label(it, loc_lang()) : NULL;
	if (lab && lab[0])
		return lab;
	const char *list = cf && l ? conf_list_key(cf, l) : NULL;
	if (list) {
		char k[128];
		snprintf(k, sizeof k, "catalog:%s.%s", list, key);
		if (loc_has(loc_lang(), k) || loc_has("en", k))
			return loc_str(k);
	}
	util_strlcpy(buf, key, n);
	return buf;
}

const char *cns_type_label(const char *key)
{
	static char buf[DB_CARE_KEY_SZ];
	const struct conf *cf = tui_conf();
	return cat_label(cf ? &cf->counselling_types : NULL, key, buf, sizeof buf);
}

const char *cns_room_label(const char *key)
{
	static char buf[DB_CARE_KEY_SZ];
	const struct conf *cf = tui_conf();
	return cat_label(cf ? &cf->rooms : NULL, key, buf, sizeof buf);
}

const char *cns_status_mark(enum db_appt_status s)
{
	bool u = term_utf8();
	switch (s) {
	case DB_APPT_HELD:
		return u ? "✓" : "+";
	case DB_APPT_NO_SHOW:
		return u ? "✗" : "x";
	case DB_APPT_CANCELLED:
		return u ? "⊘" : "-";
	default:
		return "";
	}
}

const char *cns_status_word(enum db_appt_status s)
{
	char k[48];
	snprintf(k, sizeof k, "appointment:st_%s", db_appt_status_name(s));
	return loc_str(k);
}

bool cns_may_see_client(int64_t cid)
{
	const struct db_actor *a = tui_actor();
	if (!a)
		return false;
	switch (a->role) {
	case DB_ROLE_MANAGER:
	case DB_ROLE_REGISTRAR:
		return true;
	case DB_ROLE_COUNSELLOR:
		return a->user_id == cid;
	default:
		return false;
	}
}

void cns_date_show(const char *iso, char out[11])
{
	char d[11];
	util_strlcpy(d, iso ? iso : "", sizeof d);
	loc_date(d, out);
}

int cns_counsellors(struct db_user **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	struct db_user *c = NULL;
	int nc = 0;
	if (db_user_list_role(tui_db(), DB_ROLE_COUNSELLOR, &c, &nc, err) != DB_OK)
		return -1;
	const struct db_actor *a = tui_actor();
	const struct db_user *me = tui_user();
	if (a && a->role == DB_ROLE_MANAGER && me) {
		c = xrealloc(c, sizeof *c * (size_t)(nc + 1));
		c[nc++] = *me;
	}
	int k = 0;
	for (int i = 0; i < nc; i++)
		if (c[i].active)
			c[k++] = c[i];
	*rows = c;
	*n = k;
	return 0;
}

int cns_put_wrapped(WINDOW *w, int y, int x, int cols, int maxrows, const char *text, attr_t a)
{
	if (!text || !text[0] || cols <= 0 || maxrows <= 0)
		return 0;
	struct sbuf line = {0};
	int rows = 0;
	const char *p = text;
	while (*p && rows < maxrows) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (q == p)
			break;
		char *word = xstrndup(p, (size_t)(q - p));
		struct sbuf try = {0};
		sbuf_add(&try, line.s ? line.s : "");
		if (line.len)
			sbuf_add(&try, " ");
		sbuf_add(&try, word);
		if (line.len && tui_text_width(try.s) > cols) {
			tui_put(w, y + rows++, x, cols, line.s, a, false);
			sbuf_free(&line);
			line = (struct sbuf){0};
			sbuf_add(&line, word);
		} else {
			sbuf_free(&line);
			line = try;
			try = (struct sbuf){0};
		}
		sbuf_free(&try);
		free(word);
		p = q;
	}
	if (line.len && rows < maxrows)
		tui_put(w, y + rows++, x, cols, line.s, a, false);
	sbuf_free(&line);
	return rows;
}

int cns_put_error(WINDOW *w, int y, int x, int cols, int maxrows, const struct qerr *e)
{
	if (!e || !qerr_is_set(e))
		return 0;
	char msg[800], line[820];
	loc_err(e, msg, sizeof msg);
	snprintf(line, sizeof line, "! %s", msg);
	return cns_put_wrapped(w, y, x, cols, maxrows, line, tui_style(TUI_S_ERROR));
}
