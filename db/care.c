/*
 * care — pure date arithmetic and the small helpers the care files share
 * (validation, ages, closure look-ups). Dates are day numbers since
 * 1970-01-01 on the proleptic Gregorian calendar, so no time zone or DST
 * rule can shift a weekly pattern.
 */
#include "db/carei.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int month_days(long y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : md[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool parse_date10(const char *s, long *day)
{
	int y, m, d;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	*day = days_from_civil(y, m, d);
	return true;
}

bool db_day_from_iso(const char *iso, long *day)
{
	if (!iso || strlen(iso) != 10)
		return false;
	return parse_date10(iso, day);
}

void db_day_to_iso(long day, char out[11])
{
	long y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	int v[3] = {(int)(y % 10000), m, d}, w[3] = {4, 2, 2}, o = 0;
	for (int i = 0; i < 3; i++) {
		for (int k = w[i] - 1; k >= 0; k--) {
			out[o + k] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		}
		o += w[i];
		if (i < 2)
			out[o++] = '-';
	}
	out[10] = '\0';
}

int db_day_weekday(long day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	long w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

int db_pattern_days(unsigned weekdays, long from, long to, const long *closed, int nclosed,
                    long *out, int max)
{
	int count = 0, ci = 0;
	for (long d = from; d <= to; d++) {
		if (!(weekdays & (1u << db_day_weekday(d))))
			continue;
		while (ci < nclosed && closed[ci] < d)
			ci++;
		if (ci < nclosed && closed[ci] == d)
			continue;
		if (count < max && out)
			out[count] = d;
		count++;
	}
	return count;
}

bool db_care_ts_parse(const char *s, long *abs_min)
{
	int h, mi;
	long day;
	if (!s || strlen(s) != 16 || s[10] != ' ' || s[13] != ':')
		return false;
	if (!parse_date10(s, &day) || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi))
		return false;
	if (h > 23 || mi > 59)
		return false;
	*abs_min = day * 1440 + h * 60 + mi;
	return true;
}

void db_care_ts_format(long abs_min, char out[17])
{
	long day = abs_min / 1440, m = abs_min % 1440;
	if (m < 0) {
		m += 1440;
		day--;
	}
	char d[11];
	db_day_to_iso(day, d);
	snprintf(out, 17, "%s %02ld:%02ld", d, m / 60, m % 60);
}

void db_care_date_show(const char *iso, char out[11])
{
	long day;
	if (iso && strlen(iso) >= 10 && parse_date10(iso, &day))
		snprintf(out, 11, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
	else
		util_strlcpy(out, iso ? iso : "", 11);
}

int db_care_age(const char *birth_date, int birth_year, long day)
{
	long y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	long b;
	if (birth_date && db_day_from_iso(birth_date, &b)) {
		long by;
		int bm, bd;
		civil_from_days(b, &by, &bm, &bd);
		long age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
		return age < 0 ? -1 : (int)age;
	}
	if (birth_year > 0)
		return y >= birth_year ? (int)(y - birth_year) : -1;
	return -1;
}

bool db_care_key_ok(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int db_care_text(const char *s, size_t maxchars, bool required, bool multiline, const char *key,
                 struct qerr *err)
{
	size_t n = s ? strlen(s) : 0;
	bool blank = true;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			blank = false;
	if (required && blank) {
		qerr_set(err, key, NULL);
		return DB_INVALID;
	}
	if (n == 0)
		return DB_OK;
	if (!utf8_valid(s, n)) {
		qerr_set(err, key, "UTF-8");
		return DB_INVALID;
	}
	if (utf8_len(s) > maxchars) {
		qerr_set(err, key, "> %zu", maxchars);
		return DB_INVALID;
	}
	const char *p = s;
	while (*p) {
		long cp = utf8_next(&p);
		bool ctl = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
		if (ctl && !(multiline && (cp == '\n' || cp == '\t' || cp == '\r'))) {
			qerr_set(err, key, "U+%04lX", cp);
			return DB_INVALID;
		}
	}
	return DB_OK;
}

void db_care_utf8_trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && !utf8_valid(s, n))
		s[--n] = '\0';
}

void db_care_fmt(char *out, size_t sz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, sz, fmt, ap);
	va_end(ap);
	db_care_utf8_trim(out);
}

void *db_care_grow(void *p, int n, int *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(p, size * (size_t)*cap);
}

int db_care_step_versioned(struct qdb *db, sqlite3_stmt *st, struct qerr *err)
{
	int rc = dbi_step_done(db, st, err);
	if (rc)
		return rc;
	if (sqlite3_changes(db->h) == 0) {
		qerr_set(err, "err:db_stale", NULL);
		return DB_STALE;
	}
	return DB_OK;
}

int db_care_finish(struct qdb *db, int rc, struct qerr *err)
{
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int db_care_soft_delete(struct qdb *db, const struct db_actor *who, const char *sql, int64_t id,
                        int64_t version, const char *action, const char *entity, struct qerr *err)
{
	char now[20];
	util_now_str(now);
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st)
		return db_care_finish(db, DB_ERR, err);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	dbi_bind_text(st, 3, now);
	dbi_bind_actor(st, 4, who);
	rc = db_care_step_versioned(db, st, err);
	if (!rc)
		rc = db_audit(db, who, action, entity, id, NULL, err);
	return db_care_finish(db, rc, err);
}

int db_care_rows(struct qdb *db, sqlite3_stmt *st, size_t size,
                 void (*read)(sqlite3_stmt *st, void *row, void *ctx), void *ctx, void **rows,
                 int *n, struct qerr *err)
{
	char *p = NULL;
	int rc, cap = 0, count = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p = db_care_grow(p, count, &cap, size);
		char *row = p + size * (size_t)count++;
		memset(row, 0, size);
		read(st, row, ctx);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(p);
		*rows = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	*rows = p;
	*n = count;
	return DB_OK;
}

int db_care_closed_days(struct qdb *db, long from, long to, long **days, int *n, struct qerr *err)
{
	*days = NULL;
	*n = 0;
	char a[11], b[11];
	db_day_to_iso(from, a);
	db_day_to_iso(to, b);
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT day FROM closure WHERE deleted_at IS NULL"
	                            " AND day BETWEEN ?1 AND ?2 ORDER BY day",
	                            err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, a);
	dbi_bind_text(st, 2, b);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long d;
		if (!db_day_from_iso((const char *)sqlite3_column_text(st, 0), &d))
			continue;
		*days = db_care_grow(*days, *n, &cap, sizeof **days);
		(*days)[(*n)++] = d;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*days);
		*days = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	return DB_OK;
}

int db_care_is_closed(struct qdb *db, const char *day, bool *closed, char *reason, size_t rsz,
                      struct qerr *err)
{
	*closed = false;
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT reason FROM closure WHERE day = ?1 AND deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, day);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*closed = true;
		if (reason)
			dbi_col_text(st, 0, reason, rsz);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbi_fail(db, rc, err);
	return DB_OK;
}

int db_care_user(struct qdb *db, int64_t id, enum db_role *role, char *name, size_t nsz,
                 struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT role, full_name FROM app_user WHERE id = ?1 AND active = 1"
	             " AND deleted_at IS NULL",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int r = db_role_parse((const char *)sqlite3_column_text(st, 0));
		if (role)
			*role = r < 0 ? DB_ROLE_VIEWER : (enum db_role)r;
		if (name)
			dbi_col_text(st, 1, name, nsz);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:user_unknown", "%lld", (long long)id);
		return DB_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return dbi_fail(db, rc, err);
	return DB_OK;
}

int db_care_person_live(struct qdb *db, int64_t id, struct qerr *err)
{
	sqlite3_stmt *st =
	    dbi_prep(db, "SELECT 1 FROM person WHERE id = ?1 AND deleted_at IS NULL", err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return DB_OK;
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:person_unknown", "%lld", (long long)id);
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}
