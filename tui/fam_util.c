/*
 * fam_util — helpers of the registrar's screens: labels of stored values,
 * names and dates for display, and the form glue that runs the forms/
 * validators over a tui_form so every family, person, screening and
 * consent form validates the same way (messages beside the fields, the
 * whole text of the focused field's message under the form, nothing saved
 * while a field is wrong).
 */
#include "tui/fam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locale/loc.h"

#define DEFAULT_BOX 26

bool fam_can_edit(void)
{
	const struct db_actor *a = tui_actor();
	return a && (a->role == DB_ROLE_MANAGER || a->role == DB_ROLE_REGISTRAR);
}

const char *fam_label(const char *prefix, const char *value)
{
	static char key[4][96];
	static int k;
	if (!value || !value[0])
		return "";
	char *buf = key[k++ % 4];
	snprintf(buf, sizeof key[0], "%s%s", prefix, value);
	if (loc_has(loc_lang(), buf) || loc_has("en", buf))
		return loc_str(buf);
	return value;
}

const char *fam_cat(const struct conf_list *l, const char *key)
{
	static char k[4][128];
	static int ki;
	const struct conf *cf = tui_conf();
	if (!key || !key[0])
		return "";
	const struct conf_item *it = cf && l ? conf_find(l, key) : NULL;
	const char *lab = it ? conf_item_label(it, loc_lang()) : NULL;
	if (lab && lab[0])
		return lab;
	const char *list = cf && l ? conf_list_key(cf, l) : NULL;
	if (list) {
		char *buf = k[ki++ % 4];
		snprintf(buf, sizeof k[0], "catalog:%s.%s", list, key);
		if (loc_has(loc_lang(), buf) || loc_has("en", buf))
			return loc_str(buf);
	}
	return key;
}

const char *fam_level(const char *level)
{
	if (!level || !level[0])
		return loc_str("screening:level_none");
	return fam_label("screening:level_", level);
}

void fam_name3(const char *first, const char *father, const char *last, char *out, size_t n)
{
	out[0] = '\0';
	const char *parts[3] = {first, father, last};
	size_t len = 0;
	for (int i = 0; i < 3; i++) {
		if (!parts[i] || !parts[i][0])
			continue;
		snprintf(out + len, n - len, "%s%s", len ? " " : "", parts[i]);
		len = strlen(out);
	}
}

void fam_date(const char *iso, char out[11])
{
	if (!iso || !iso[0]) {
		out[0] = '\0';
		return;
	}
	loc_date(iso, out);
}

void fam_age(int age, bool estimated, char *out, size_t n)
{
	if (age < 0)
		out[0] = '\0';
	else
		snprintf(out, n, "%s%d", estimated ? "~" : "", age);
}

void fam_add_months(const char *iso, int months, char out[11])
{
	int y, m, d;
	out[0] = '\0';
	if (!form_iso_parse(iso, &y, &m, &d))
		return;
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	int dim = form_days_in_month(y, m);
	if (d > dim)
		d = dim;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void fam_fields_label(const char *prefix, const char *names, char *out, size_t n)
{
	out[0] = '\0';
	size_t len = 0;
	const char *p = names ? names : "";
	while (*p) {
		char name[64];
		size_t k = 0;
		while (*p && *p != ',' && k + 1 < sizeof name)
			name[k++] = *p++;
		name[k] = '\0';
		while (*p == ',' || *p == ' ')
			p++;
		if (!name[0])
			continue;
		snprintf(out + len, n - len, "%s%s", len ? ", " : "", fam_label(prefix, name));
		len = strlen(out);
		if (len + 1 >= n)
			break;
	}
}

void fam_put_wrap(WINDOW *w, int *y, int x, int cols, const char *utf8, attr_t a, int maxlines)
{
	const char *p = utf8 ? utf8 : "";
	for (int line = 0; line < maxlines && *p; line++) {
		if (line == maxlines - 1 || tui_text_width(p) <= cols) {
			tui_put(w, (*y)++, x, cols, p, a, false);
			return;
		}
		/* the longest start that fits, broken after its last space */
		char fit[1200];
		tui_text_fit(p, cols, fit, sizeof fit);
		size_t n = strlen(fit), cut = 0;
		if (n >= 3 && strcmp(fit + n - 3, "…") == 0)
			n -= 3;
		for (size_t i = 0; i < n && p[i]; i++)
			if (p[i] == ' ')
				cut = i;
		if (cut == 0)
			cut = n;
		char part[1200];
		util_strlcpy(part, p, cut + 1 < sizeof part ? cut + 1 : sizeof part);
		tui_put(w, (*y)++, x, cols, part, a, false);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

/* ---- forms ---- */

void fam_form_init(struct fam_form *F, const struct fam_fspec *spec, int n)
{
	memset(F, 0, sizeof *F);
	F->n = n;
	F->f = xcalloc((size_t)n, sizeof *F->f);
	F->ff = xcalloc((size_t)n, sizeof *F->ff);
	F->init = xcalloc((size_t)n, sizeof *F->init);
	for (int i = 0; i < n; i++) {
		const struct fam_fspec *s = &spec[i];
		F->f[i].label_key = s->label_key;
		F->f[i].kind = s->fkind == FAM_CHOICE ? TUI_FIELD_CHOICE : TUI_FIELD_TEXT;
		F->f[i].maxlen = s->maxlen;
		F->f[i].width = s->width ? s->width : DEFAULT_BOX;
		F->f[i].required = s->required;
		F->f[i].choices = s->choices;
		F->f[i].nchoices = s->nchoices;
		F->ff[i].key = s->label_key;
		F->ff[i].kind = s->fkind == FAM_CHOICE ? FORM_TEXT : s->fkind;
		F->ff[i].required = s->required;
		F->ff[i].max =
		    s->fkind == FORM_TEXT || s->fkind == FORM_NOTE ? (size_t)s->maxlen : 0;
		F->ff[i].lo = s->lo;
		F->ff[i].hi = s->hi;
	}
	tui_form_init(&F->fm, F->f, n);
}

void fam_form_free(struct fam_form *F)
{
	if (!F || !F->f)
		return;
	tui_form_free(&F->fm);
	form_fields_free(F->ff, F->n);
	for (int i = 0; i < F->n; i++)
		free(F->init[i]);
	free(F->init);
	free(F->ff);
	free(F->f);
	memset(F, 0, sizeof *F);
}

void fam_form_set(struct fam_form *F, int i, const char *utf8)
{
	tui_form_set(&F->fm, i, utf8 ? utf8 : "");
}

void fam_form_get(const struct fam_form *F, int i, char *out, size_t n)
{
	tui_form_get(&F->fm, i, out, n);
}

static char *text_of(const struct fam_form *F, int i)
{
	/* DB_NOTE_SZ is the largest value a field may hold. */
	char *buf = xmalloc(DB_NOTE_SZ);
	fam_form_get(F, i, buf, DB_NOTE_SZ);
	return buf;
}

void fam_form_snapshot(struct fam_form *F)
{
	for (int i = 0; i < F->n; i++) {
		free(F->init[i]);
		F->init[i] = text_of(F, i);
	}
}

bool fam_form_changed(const struct fam_form *F, int i)
{
	if (i < 0 || i >= F->n)
		return false;
	char *now = text_of(F, i);
	bool changed = strcmp(now, F->init[i] ? F->init[i] : "") != 0;
	free(now);
	return changed;
}

bool fam_form_dirty(const struct fam_form *F)
{
	for (int i = 0; i < F->n; i++)
		if (fam_form_changed(F, i))
			return true;
	return false;
}

int fam_form_validate(struct fam_form *F, bool only_changed)
{
	int bad = 0, first = -1;
	tui_form_clear_errors(&F->fm);
	for (int i = 0; i < F->n; i++) {
		char *text = text_of(F, i);
		form_field_set(&F->ff[i], text);
		free(text);
		if (only_changed && !fam_form_changed(F, i))
			continue;
		int rc;
		if (F->f[i].kind == TUI_FIELD_CHOICE) {
			/* the value is one of the screen's own choices */
			rc = 0;
			if (F->f[i].required && F->f[i].choice < 0) {
				qerr_set(&F->ff[i].err, "form:required", NULL);
				rc = -1;
			} else {
				free(F->ff[i].norm);
				F->ff[i].norm = xstrdup(F->ff[i].value ? F->ff[i].value : "");
			}
		} else {
			rc = form_validate_one(F->ff, F->n, i, NULL);
		}
		if (rc != 0) {
			tui_form_set_error(&F->fm, i, &F->ff[i].err);
			bad++;
			if (first < 0)
				first = i;
		}
	}
	if (first >= 0)
		tui_form_focus(&F->fm, first);
	return bad;
}

const char *fam_form_norm(const struct fam_form *F, int i)
{
	if (i < 0 || i >= F->n || !F->ff[i].norm)
		return "";
	return F->ff[i].norm;
}

void fam_form_error(struct fam_form *F, int i, const char *key, const char *detail)
{
	struct qerr e = {0};
	if (detail && detail[0])
		qerr_set(&e, key, "%s", detail);
	else
		qerr_set(&e, key, NULL);
	tui_form_set_error(&F->fm, i, &e);
}

void fam_form_draw(struct fam_form *F, WINDOW *w, int y, int x, int cols, int err_y, bool focused)
{
	tui_form_draw(&F->fm, w, y, x, 0, cols, focused);
	if (!focused || err_y < 0)
		return;
	const struct tui_field *f = &F->f[F->fm.focus];
	if (!qerr_is_set(&f->err))
		return;
	char msg[600], line[700];
	loc_err(&f->err, msg, sizeof msg);
	snprintf(line, sizeof line, "! %s: %s", loc_str(f->label_key), msg);
	/* two lines when it does not fit in one */
	int ly = err_y - 1;
	if (tui_text_width(line) > cols && ly >= 0) {
		fam_put_wrap(w, &ly, x, cols, line, tui_style(TUI_S_ERROR), 2);
		return;
	}
	tui_put(w, err_y, x, cols, line, tui_style(TUI_S_ERROR), false);
}

void fam_form_not_saved(int bad)
{
	struct qerr e = {0};
	/* through tui_message_err so it is marked as an error; loc_err puts
	 * the detail into the %d of the text */
	util_strlcpy(e.key, "form:not_saved", sizeof e.key);
	snprintf(e.detail, sizeof e.detail, "%d", bad);
	tui_message_err(&e);
}

bool fam_discard_ok(bool dirty)
{
	return !dirty || tui_confirm(loc_str("common:unsaved_changes"));
}

int fam_form_leave(bool dirty)
{
	if (!fam_discard_ok(dirty))
		return TUI_HANDLED;
	return TUI_POP | TUI_RELOAD;
}

int fam_field_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (name && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

void fam_form_mark_theirs(struct fam_form *F, const struct fam_form *theirs,
                          const char *const *names, const char *list)
{
	const char *p = list;
	while (*p) {
		char name[40];
		size_t k = 0;
		while (*p && *p != ',' && k + 1 < sizeof name)
			name[k++] = *p++;
		name[k] = '\0';
		if (*p == ',')
			p++;
		int i = fam_field_of(names, F->n, name);
		if (i < 0)
			continue;
		char val[DB_TEXT_SZ];
		if (theirs->f[i].kind == TUI_FIELD_CHOICE) {
			int c = theirs->f[i].choice;
			const struct tui_choice *ch = c >= 0 ? &theirs->f[i].choices[c] : NULL;
			util_strlcpy(val,
			             !ch         ? ""
			             : ch->label ? ch->label
			                         : loc_str(ch->label_key),
			             sizeof val);
		} else {
			fam_form_get(theirs, i, val, sizeof val);
		}
		fam_form_error(F, i, "family:changed_there", val[0] ? val : "—");
	}
}

char **fam_form_keep(const struct fam_form *F, bool keep_mine)
{
	char **mine = xcalloc((size_t)F->n, sizeof *mine);
	for (int i = 0; i < F->n; i++) {
		if (keep_mine && fam_form_changed(F, i)) {
			mine[i] = xmalloc(DB_NOTE_SZ);
			fam_form_get(F, i, mine[i], DB_NOTE_SZ);
		}
	}
	return mine;
}

void fam_form_rebase(struct fam_form *F, char **mine)
{
	fam_form_snapshot(F); /* "changed" is now against their version */
	tui_form_clear_errors(&F->fm);
	for (int i = 0; i < F->n; i++) {
		if (mine[i])
			fam_form_set(F, i, mine[i]);
		free(mine[i]);
	}
	free(mine);
}

void fam_draw_conflict(WINDOW *w, int *y, int cols, const char *prefix, const char *theirs)
{
	char names[600], line[800];
	fam_fields_label(prefix, theirs, names, sizeof names);
	loc_fmt(line, sizeof line, "family:conflict", names[0] ? names : "—");
	fam_put_wrap(w, y, 1, cols - 2, line, tui_style(TUI_S_ERROR), 2);
	tui_put(w, (*y)++, 1, cols - 2, loc_str("family:conflict_keys"), A_BOLD, false);
}

void fam_form_take(const struct fam_form *F, bool editing, int i, char *dst, size_t n)
{
	if (!editing || fam_form_changed(F, i))
		util_strlcpy(dst, fam_form_norm(F, i), n);
}

void fam_stale_message(void)
{
	struct qerr stale = {0};
	qerr_set(&stale, "err:db_stale", NULL);
	tui_message_err(&stale);
}
