/*
 * form — the generic form model the TUI drives: an array of field
 * descriptions with the typed text, validated all at once before a save.
 *
 * Each field keeps the raw text exactly as typed (so a refused value is
 * never lost) next to its normalised value and its error; the TUI shows the
 * error beside the field and saves only when form_validate_all returns 0.
 */
#include "forms/form.h"
#include "forms/form_impl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void drop(char **p, bool wipe)
{
	if (*p && wipe)
		util_wipe(*p, strlen(*p));
	free(*p);
	*p = NULL;
}

static void clear_result(struct form_field *f)
{
	bool secret = f->kind == FORM_PASSWORD;
	drop(&f->norm, secret);
	drop(&f->extra, secret);
	f->num = f->kind == FORM_CHOICE ? -1 : 0;
	qerr_clear(&f->err);
}

void form_field_set(struct form_field *f, const char *text)
{
	clear_result(f);
	drop(&f->value, f->kind == FORM_PASSWORD);
	f->value = text ? xstrdup(text) : NULL;
}

void form_field_clear(struct form_field *f)
{
	if (!f)
		return;
	clear_result(f);
	drop(&f->value, f->kind == FORM_PASSWORD);
}

void form_fields_free(struct form_field *f, int n)
{
	for (int i = 0; f && i < n; i++)
		form_field_clear(&f[i]);
}

static bool blank(const char *s)
{
	size_t n;
	form_i_trim(s, &n);
	return n == 0;
}

/* The value of the field named `key` among f[0..n-1], or NULL. */
static const char *value_of(const struct form_field *f, int n, const char *key)
{
	for (int i = 0; key && i < n; i++)
		if (f[i].key && !strcmp(f[i].key, key))
			return f[i].norm ? f[i].norm : f[i].value;
	return NULL;
}

static char *long_str(long v)
{
	return xasprintf("%ld", v);
}

int form_validate_one(struct form_field *all, int n, int i, const char *today)
{
	struct form_field *f = &all[i];
	struct qerr *e = &f->err;
	char buf[FORM_NAME_SIZE], buf2[FORM_PHONE_SIZE];
	char tday[11];
	int rc = -1, iv;
	long lv;

	clear_result(f);
	if (!today || form_date_to_days(today) == FORM_NO_DATE) {
		util_today(tday);
		today = tday;
	}
	/* The password is never trimmed: only an empty one counts as blank. */
	if (f->kind == FORM_PASSWORD ? !f->value || !*f->value : blank(f->value)) {
		if (!f->required)
			return 0;
		qerr_set(e, "form:required", NULL);
		return -1;
	}
	switch (f->kind) {
	case FORM_TEXT:
	case FORM_NOTE: {
		size_t max = f->max ? f->max : f->kind == FORM_TEXT ? 200 : 4000;
		rc = form_text(f->value, max, f->kind == FORM_NOTE, f->required, &f->norm, e);
		break;
	}
	case FORM_NAME:
		if ((rc = form_name(f->value, buf, sizeof buf, e)) == 0)
			f->norm = xstrdup(buf);
		break;
	case FORM_DATE:
	case FORM_BIRTH_DATE:
		rc = f->kind == FORM_DATE ? form_date(f->value, today, buf, e)
		                          : form_birth_date(f->value, today, buf, e);
		if (rc == 0)
			f->norm = xstrdup(buf);
		break;
	case FORM_BIRTH_YEAR: {
		int ty, tm, td;
		form_iso_parse(today, &ty, &tm, &td);
		if ((rc = form_birth_year(f->value, ty, &iv, e)) == 0) {
			f->num = iv;
			f->norm = long_str(iv);
		}
		break;
	}
	case FORM_PHONE:
		if ((rc = form_phone(f->value, buf, sizeof buf, buf2, sizeof buf2, e)) == 0) {
			f->norm = xstrdup(buf);
			f->extra = xstrdup(buf2);
		}
		break;
	case FORM_NID:
		if ((rc = form_nid(f->value, buf, e)) == 0)
			f->norm = xstrdup(buf);
		break;
	case FORM_INT: {
		long lo = f->lo, hi = f->hi;
		if (lo == 0 && hi == 0) {
			lo = LONG_MIN;
			hi = LONG_MAX;
		}
		if ((rc = form_int(f->value, lo, hi, &lv, e)) == 0) {
			f->num = lv;
			f->norm = long_str(lv);
		}
		break;
	}
	case FORM_TIME:
		if ((rc = form_time(f->value, &iv, e)) == 0) {
			f->num = iv;
			form_time_str(iv, buf);
			f->norm = xstrdup(buf);
		}
		break;
	case FORM_DURATION: {
		long lo = f->lo, hi = f->hi;
		if (lo == 0 && hi == 0) {
			lo = 1;
			hi = 1440;
		}
		if ((rc = form_duration(f->value, (int)lo, (int)hi, &iv, e)) == 0) {
			f->num = iv;
			f->norm = long_str(iv);
		}
		break;
	}
	case FORM_FAMILY_CODE:
		if ((rc = form_family_code(f->value, buf, e)) == 0)
			f->norm = xstrdup(buf);
		break;
	case FORM_USERNAME:
		if ((rc = form_username(f->value, buf, e)) == 0)
			f->norm = xstrdup(buf);
		break;
	case FORM_PASSWORD: {
		const char *user = value_of(all, n, f->ref_key);
		if ((rc = form_password(f->value, user, e)) == 0)
			f->norm = xstrdup(f->value);
		break;
	}
	case FORM_CHOICE:
		if ((rc = form_choice(f->value, f->choices, f->nchoices, &iv, e)) == 0) {
			f->num = iv;
			f->norm = xstrdup(f->choices[iv]);
		}
		break;
	default:
		qerr_set(e, "form:internal", "kind %d", f->kind);
		rc = -1;
	}
	return rc;
}

int form_validate_all(struct form_field *f, int n, const char *today)
{
	int bad = 0;
	/* Usernames first, so a password is compared with the normalised name. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++)
			if ((f[i].kind == FORM_PASSWORD) == (pass == 1) &&
			    form_validate_one(f, n, i, today) != 0)
				bad++;
	return bad;
}

int form_first_invalid(const struct form_field *f, int n)
{
	for (int i = 0; i < n; i++)
		if (qerr_is_set(&f[i].err))
			return i;
	return -1;
}
