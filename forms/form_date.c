/*
 * form_date — dates, birth years, times of day, durations and whole
 * numbers, plus the calendar arithmetic db/ and tui/ share (days since the
 * epoch, weekdays, ages). Proleptic Gregorian calendar, no time zones: a
 * date is a day, never a moment. See form.h for each contract.
 */
#include "forms/form.h"
#include "forms/form_impl.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ---- calendar arithmetic ---- */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int form_days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

bool form_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && d >= 1 && d <= form_days_in_month(y, m);
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

bool form_iso_parse(const char *iso, int *y, int *m, int *d)
{
	if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdig(iso[i]))
			return false;
	int yy =
	    (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
	int mm = (iso[5] - '0') * 10 + (iso[6] - '0');
	int dd = (iso[8] - '0') * 10 + (iso[9] - '0');
	if (!form_date_valid(yy, mm, dd))
		return false;
	*y = yy;
	*m = mm;
	*d = dd;
	return true;
}

void form_date_display(const char *iso, char out[11])
{
	int y, m, d;
	if (form_iso_parse(iso, &y, &m, &d)) {
		form_i_digits(out, d, 2);
		out[2] = '.';
		form_i_digits(out + 3, m, 2);
		out[5] = '.';
		form_i_digits(out + 6, y, 4);
		out[10] = '\0';
	} else
		out[0] = '\0';
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long form_date_to_days(const char *iso)
{
	int y, m, d;
	if (!form_iso_parse(iso, &y, &m, &d))
		return FORM_NO_DATE;
	return days_from_civil(y, m, d);
}

void form_days_to_date(long days, char out[11])
{
	out[0] = '\0';
	/* 0001-01-01 .. 9999-12-31 */
	if (days < -719162 || days > 2932896)
		return;
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	form_i_iso(out, (int)y, (int)m, (int)d);
}

int form_weekday(const char *iso)
{
	long days = form_date_to_days(iso);
	if (days == FORM_NO_DATE)
		return 0;
	/* 1970-01-01 was a Thursday (4). */
	return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

/* y-m-d of `iso`, or of today when iso is NULL or not a real date. */
static void day_or_today(const char *iso, int *y, int *m, int *d)
{
	char t[11];
	if (form_iso_parse(iso, y, m, d))
		return;
	util_today(t);
	if (!form_iso_parse(t, y, m, d)) {
		*y = 1970;
		*m = *d = 1;
	}
}

int form_age_on(const char *birth_iso, int birth_year, const char *on_iso)
{
	int oy, om, od, by, bm, bd, age;
	day_or_today(on_iso, &oy, &om, &od);
	if (form_iso_parse(birth_iso, &by, &bm, &bd))
		age = oy - by - (om < bm || (om == bm && od < bd));
	else if (birth_year > 0)
		age = oy - birth_year;
	else
		return -1;
	return age < 0 ? -1 : age;
}

/* ---- parsing typed dates ---- */

/* Read up to `max` digits at *p (before end); -1 when there are none or more follow. */
static int read_num(const char **p, const char *end, int max, int *ndig)
{
	int v = 0, k = 0;
	while (*p < end && isdig(**p) && k < max) {
		v = v * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	*ndig = k;
	if (k == 0 || (*p < end && isdig(**p)))
		return -1;
	return v;
}

static bool date_sep(char c)
{
	return c == '.' || c == '/' || c == '-' || c == ' ';
}

/* After a separator, allow spaces ("05. 03. 2024"). */
static void skip_sep(const char **p, const char *end)
{
	(*p)++;
	while (*p < end && **p == ' ')
		(*p)++;
}

/*
 * Parse a typed date into y/m/d. Returns NULL when the shape is right and
 * the date is real and in FORM_YEAR_MIN..FORM_YEAR_MAX, otherwise the error
 * key (y/m/d are set for a range error).
 */
static const char *parse_date(const char *in, const char *today_iso, int *y, int *m, int *d)
{
	size_t n;
	const char *p = form_i_trim(in, &n), *end = p + n;
	int a, b, c, na, nb, nc;
	if (n == 0)
		return "form:required";
	if (n == 8 && strspn(p, "0123456789") >= 8) {
		/* ddmmyyyy */
		*d = (p[0] - '0') * 10 + (p[1] - '0');
		*m = (p[2] - '0') * 10 + (p[3] - '0');
		*y = (p[4] - '0') * 1000 + (p[5] - '0') * 100 + (p[6] - '0') * 10 + (p[7] - '0');
		goto check;
	}
	a = read_num(&p, end, 4, &na);
	if (a < 0 || p == end || !date_sep(*p))
		return "form:date_invalid";
	char sep1 = *p;
	skip_sep(&p, end);
	b = read_num(&p, end, 2, &nb);
	if (b < 0)
		return "form:date_invalid";
	if (na == 4) {
		/* ISO yyyy-mm-dd */
		if (sep1 != '-' || p == end || *p != '-')
			return "form:date_invalid";
		p++;
		c = read_num(&p, end, 2, &nc);
		if (c < 0 || p != end)
			return "form:date_invalid";
		*y = a;
		*m = b;
		*d = c;
	} else if (na <= 2) {
		if (p == end || (*p == '.' && p + 1 == end)) {
			/* "d.m": this year */
			int ty, tm, td;
			day_or_today(today_iso, &ty, &tm, &td);
			c = ty;
		} else {
			if (!date_sep(*p))
				return "form:date_invalid";
			skip_sep(&p, end);
			c = read_num(&p, end, 4, &nc);
			if (c < 0 || nc != 4)
				return "form:date_invalid";
			if (p < end && *p == '.')
				p++;
			if (p != end)
				return "form:date_invalid";
		}
		*d = a;
		*m = b;
		*y = c;
	} else {
		return "form:date_invalid";
	}
check:
	if (*y < FORM_YEAR_MIN || *y > FORM_YEAR_MAX)
		return "form:date_year_range";
	if (!form_date_valid(*y, *m, *d))
		return "form:date_not_real";
	return NULL;
}

int form_date(const char *in, const char *today_iso, char out_iso[11], struct qerr *err)
{
	int y, m, d;
	out_iso[0] = '\0';
	qerr_clear(err);
	const char *bad = parse_date(in, today_iso, &y, &m, &d);
	if (bad) {
		qerr_set(err, bad, strcmp(bad, "form:date_year_range") ? NULL : "%d\t%d",
		         FORM_YEAR_MIN, FORM_YEAR_MAX);
		return -1;
	}
	form_i_iso(out_iso, y, m, d);
	return 0;
}

int form_birth_date(const char *in, const char *today_iso, char out_iso[11], struct qerr *err)
{
	int y, m, d, ty, tm, td;
	out_iso[0] = '\0';
	qerr_clear(err);
	const char *bad = parse_date(in, today_iso, &y, &m, &d);
	if (bad && !strcmp(bad, "form:date_year_range"))
		bad = y < FORM_YEAR_MIN ? "form:date_too_old" : "form:date_future";
	if (bad)
		return form_i_fail(err, bad);
	day_or_today(today_iso, &ty, &tm, &td);
	if (days_from_civil(y, m, d) > days_from_civil(ty, tm, td))
		return form_i_fail(err, "form:date_future");
	form_i_iso(out_iso, y, m, d);
	return 0;
}

int form_birth_year(const char *in, int this_year, int *year, struct qerr *err)
{
	size_t n;
	qerr_clear(err);
	const char *p = form_i_trim(in, &n);
	if (n == 0)
		return form_i_fail(err, "form:required");
	if (n != 4 || strspn(p, "0123456789") < 4)
		return form_i_fail(err, "form:birth_year_invalid");
	int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	if (this_year <= 0) {
		int tm, td;
		day_or_today(NULL, &this_year, &tm, &td);
	}
	if (y < FORM_YEAR_MIN)
		return form_i_fail(err, "form:birth_year_too_old");
	if (y > this_year)
		return form_i_fail(err, "form:birth_year_future");
	*year = y;
	return 0;
}

/* ---- numbers, times, durations ---- */

static int int_range(struct qerr *err, long min, long max)
{
	qerr_set(err, "form:int_range", "%ld\t%ld", min, max);
	return -1;
}

int form_int(const char *in, long min, long max, long *out, struct qerr *err)
{
	size_t n;
	qerr_clear(err);
	const char *p = form_i_trim(in, &n), *end = p + n;
	if (n == 0)
		return form_i_fail(err, "form:required");
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p == end)
		return form_i_fail(err, "form:int_invalid");
	unsigned long long u = 0;
	bool big = false;
	for (; p < end; p++) {
		if (!isdig(*p))
			return form_i_fail(err, "form:int_invalid");
		if (u > (ULLONG_MAX - 9) / 10)
			big = true;
		else
			u = u * 10 + (unsigned long long)(*p - '0');
	}
	if (big || u > (unsigned long long)LONG_MAX + (neg ? 1 : 0))
		return int_range(err, min, max);
	long v;
	if (!neg)
		v = (long)u;
	else if (u == (unsigned long long)LONG_MAX + 1)
		v = LONG_MIN;
	else
		v = -(long)u;
	if (v < min || v > max)
		return int_range(err, min, max);
	*out = v;
	return 0;
}

int form_time(const char *in, int *minutes, struct qerr *err)
{
	size_t n;
	qerr_clear(err);
	const char *p = form_i_trim(in, &n), *end = p + n;
	if (n == 0)
		return form_i_fail(err, "form:required");
	int h, m, nd;
	size_t dg = strspn(p, "0123456789");
	if (dg >= n) {
		/* digits only: H, HH, HMM, HHMM */
		dg = n;
		if (dg <= 2) {
			h = read_num(&p, end, 2, &nd);
			m = 0;
		} else if (dg <= 4) {
			h = read_num(&p, p + dg - 2, 2, &nd);
			m = read_num(&p, end, 2, &nd);
		} else {
			return form_i_fail(err, "form:time_invalid");
		}
	} else {
		h = read_num(&p, end, 2, &nd);
		if (h < 0 || p == end || (*p != ':' && *p != '.' && *p != 'h' && *p != 'H'))
			return form_i_fail(err, "form:time_invalid");
		p++;
		m = read_num(&p, end, 2, &nd);
		if (nd != 2 || p != end)
			return form_i_fail(err, "form:time_invalid");
	}
	if (h < 0 || m < 0 || h > 23 || m > 59)
		return form_i_fail(err, "form:time_invalid");
	*minutes = h * 60 + m;
	return 0;
}

void form_time_str(int minutes, char out[6])
{
	if (minutes < 0 || minutes >= 24 * 60)
		out[0] = '\0';
	else {
		form_i_digits(out, minutes / 60, 2);
		out[2] = ':';
		form_i_digits(out + 3, minutes % 60, 2);
		out[5] = '\0';
	}
}

enum { UNIT_NONE, UNIT_HOURS, UNIT_MINUTES, UNIT_BAD };

/* Read a unit word ("h", "orë", "min", "'") at *p; spaces before it are skipped. */
static int read_unit(const char **p, const char *end)
{
	static const char *const hours[] = {"h", "o", "ore", "orë", "ora", "hour", "hours", "hr"};
	static const char *const mins[] = {"m", "min", "mins", "minuta", "minute", "minutes", "'"};
	char w[12];
	size_t k = 0;
	while (*p < end && **p == ' ')
		(*p)++;
	while (*p < end) {
		unsigned char c = (unsigned char)**p;
		size_t len = 1;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (c == 0xC3 && *p + 1 < end &&
		         ((unsigned char)(*p)[1] == 0xAB || (unsigned char)(*p)[1] == 0x8B))
			len = 2; /* ë, Ë */
		else if (!(c >= 'a' && c <= 'z') && c != '\'')
			break;
		if (k + len >= sizeof w)
			return UNIT_BAD;
		if (len == 2) {
			w[k++] = (char)0xC3;
			w[k++] = (char)0xAB;
		} else {
			w[k++] = (char)c;
		}
		*p += len;
	}
	w[k] = '\0';
	if (k == 0)
		return UNIT_NONE;
	for (size_t i = 0; i < sizeof hours / sizeof hours[0]; i++)
		if (!strcmp(w, hours[i]))
			return UNIT_HOURS;
	for (size_t i = 0; i < sizeof mins / sizeof mins[0]; i++)
		if (!strcmp(w, mins[i]))
			return UNIT_MINUTES;
	return UNIT_BAD;
}

int form_duration(const char *in, int min, int max, int *minutes, struct qerr *err)
{
	size_t n;
	qerr_clear(err);
	const char *p = form_i_trim(in, &n), *end = p + n;
	if (n == 0)
		return form_i_fail(err, "form:required");
	long total = 0;
	int nd;
	bool have_h = false, have_m = false;
	while (p < end) {
		int v = read_num(&p, end, 5, &nd);
		if (v < 0)
			return form_i_fail(err, "form:duration_invalid");
		if (!have_h && !have_m && p < end && *p == ':') {
			/* hours:minutes, and nothing else */
			p++;
			int mm = read_num(&p, end, 2, &nd);
			if (mm < 0 || nd != 2 || mm > 59 || p != end)
				return form_i_fail(err, "form:duration_invalid");
			total = (long)v * 60 + mm;
			have_m = true;
			break;
		}
		int unit = read_unit(&p, end);
		if (unit == UNIT_BAD)
			return form_i_fail(err, "form:duration_invalid");
		if (unit == UNIT_HOURS) {
			/* hours come first and once */
			if (have_h || have_m)
				return form_i_fail(err, "form:duration_invalid");
			have_h = true;
			total += (long)v * 60;
		} else {
			/* minutes, named or bare ("45", "1h30"); once, last */
			if (have_m)
				return form_i_fail(err, "form:duration_invalid");
			have_m = true;
			total += v;
		}
		while (p < end && *p == ' ')
			p++;
	}
	if (!have_h && !have_m)
		return form_i_fail(err, "form:duration_invalid");
	if (total < min || total > max) {
		qerr_set(err, "form:duration_range", "%d\t%d", min, max);
		return -1;
	}
	*minutes = (int)total;
	return 0;
}
