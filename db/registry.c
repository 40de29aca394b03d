/*
 * registry — helpers shared by the registry files (see registryi.h): value
 * checks, the constraint-aware step, access rules of the role matrix, and
 * the person row reader.
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int invalid(struct qerr *err, const char *key, const char *field)
{
	qerr_set(err, key, "%s", field ? field : "");
	return DB_INVALID;
}

/* Bidirectional embeddings, overrides and isolates can make a name read
 * differently from what is stored; the byte-order mark and C1 controls are
 * never meant as text. */
static bool refused_cp(long cp, bool multiline)
{
	if (cp < 0x20)
		return !(multiline && (cp == '\n' || cp == '\t'));
	if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return true;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
		return true;
	return false;
}

int regi_text(const char *s, size_t bufsz, int maxchars, bool required, bool multiline,
              const char *field, struct qerr *err)
{
	if (!s || !*s)
		return required ? invalid(err, "err:field_required", field) : DB_OK;
	if (bufsz && !memchr(s, '\0', bufsz))
		return invalid(err, "err:field_too_long", field);
	/* Do not walk a huge string: anything past 4 bytes a character is too long. */
	size_t cap = (size_t)maxchars * 4;
	size_t n = strnlen(s, cap + 1);
	if (n > cap)
		return invalid(err, "err:field_too_long", field);
	if (!utf8_valid(s, n))
		return invalid(err, "err:field_invalid", field);
	int chars = 0;
	for (const char *p = s; *p;) {
		long cp = utf8_next(&p);
		if (cp < 0 || refused_cp(cp, multiline))
			return invalid(err, "err:field_invalid", field);
		chars++;
	}
	if (chars > maxchars)
		return invalid(err, "err:field_too_long", field);
	/* Only blanks is as good as nothing. */
	bool blank = true;
	for (const char *p = s; *p && blank; p++)
		if (*p != ' ' && *p != '\n' && *p != '\t')
			blank = false;
	if (blank && required)
		return invalid(err, "err:field_required", field);
	return DB_OK;
}

bool regi_is_key(const char *s)
{
	if (!s || !s[0])
		return false;
	size_t i = 0;
	for (; s[i] && i < DB_KEY_SZ; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return i < DB_KEY_SZ;
}

int regi_key(const char *s, bool required, const char *field, struct qerr *err)
{
	if (!s || !*s)
		return required ? invalid(err, "err:field_required", field) : DB_OK;
	return regi_is_key(s) ? DB_OK : invalid(err, "err:field_invalid", field);
}

int regi_oneof(const char *s, const char *const *list, const char *field, struct qerr *err)
{
	if (!s || !*s)
		return invalid(err, "err:field_required", field);
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return DB_OK;
	return invalid(err, "err:field_invalid", field);
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool regi_is_date(const char *s)
{
	if (!s || strnlen(s, 11) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) ||
	    !digits(s + 5, 2) || !digits(s + 8, 2))
		return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return false;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

int regi_date(const char *s, bool required, const char *field, struct qerr *err)
{
	if (!s || !*s) {
		if (required)
			return invalid(err, "err:field_required", field);
		return DB_OK;
	}
	return regi_is_date(s) ? DB_OK : invalid(err, "err:date_invalid", field);
}

int regi_timestamp(const char *s, char out[20], const char *field, struct qerr *err)
{
	if (!s || !*s) {
		util_now_str(out);
		return DB_OK;
	}
	size_t n = strnlen(s, 20);
	char d[11];
	if (n != 16 && n != 19)
		return invalid(err, "err:date_invalid", field);
	memcpy(d, s, 10);
	d[10] = '\0';
	if (!regi_is_date(d) || s[10] != ' ' || s[13] != ':' || !digits(s + 11, 2) ||
	    !digits(s + 14, 2) || atoi(s + 11) > 23 || atoi(s + 14) > 59)
		return invalid(err, "err:date_invalid", field);
	if (n == 19 && (s[16] != ':' || !digits(s + 17, 2) || atoi(s + 17) > 59))
		return invalid(err, "err:date_invalid", field);
	memcpy(out, s, 16);
	memcpy(out + 16, n == 19 ? s + 16 : ":00", 3);
	out[19] = '\0';
	return DB_OK;
}

int regi_phone(const char *phone, char *norm, size_t normsz, const char *field, struct qerr *err)
{
	norm[0] = '\0';
	if (!phone || !*phone)
		return DB_OK;
	char d[40];
	size_t n = 0, len = strnlen(phone, DB_PHONE_SZ);
	if (len >= DB_PHONE_SZ)
		return invalid(err, "err:phone_invalid", field);
	for (size_t i = 0; i < len; i++) {
		char c = phone[i];
		if (c >= '0' && c <= '9')
			d[n++] = c;
		else if (!strchr(" +-./()", c) || (c == '+' && i != 0))
			return invalid(err, "err:phone_invalid", field);
	}
	d[n] = '\0';
	const char *s = d;
	if (strncmp(s, "00", 2) == 0)
		s += 2;
	/* International form without the plus: 355 and the national number
	 * without its leading 0 (the search index also holds the 0 form). */
	char out[48];
	if (strncmp(s, "355", 3) == 0)
		snprintf(out, sizeof out, "%s", s);
	else if (s[0] == '0' && phone[0] != '+')
		snprintf(out, sizeof out, "355%s", s + 1);
	else if (phone[0] == '+' || strncmp(d, "00", 2) == 0)
		snprintf(out, sizeof out, "%s", s); /* a foreign number, kept as dialled */
	else
		snprintf(out, sizeof out, "355%s", s);
	size_t on = strlen(out);
	if (on < 8 || on > 15)
		return invalid(err, "err:phone_invalid", field);
	util_strlcpy(norm, out, normsz);
	return DB_OK;
}

int regi_age(const char *birth_date, int birth_year, const char *today)
{
	int ty = atoi(today), tm = atoi(today + 5), td = atoi(today + 8);
	if (birth_date && regi_is_date(birth_date)) {
		int y = atoi(birth_date), m = atoi(birth_date + 5), d = atoi(birth_date + 8);
		int age = ty - y;
		if (tm < m || (tm == m && td < d))
			age--;
		return age < 0 ? -1 : age;
	}
	if (birth_year > 0)
		return ty - birth_year < 0 ? -1 : ty - birth_year;
	return -1;
}

void regi_date_add(const char *iso, int days, char out[11])
{
	struct tm tm = {0};
	tm.tm_year = atoi(iso) - 1900;
	tm.tm_mon = atoi(iso + 5) - 1;
	tm.tm_mday = atoi(iso + 8) + days;
	tm.tm_hour = 12; /* away from daylight-saving edges */
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int regi_step(struct qdb *db, sqlite3_stmt *st, struct qerr *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_OK;
	}
	int ext = sqlite3_extended_errcode(db->h);
	char msg[200];
	util_strlcpy(msg, sqlite3_errmsg(db->h), sizeof msg);
	sqlite3_reset(st);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		qerr_set(err, "err:duplicate", "%s", msg);
		return DB_CONFLICT;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_DATATYPE:
	case SQLITE_CONSTRAINT_TRIGGER:
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		qerr_set(err, "err:value_invalid", "%s", msg);
		return DB_INVALID;
	default:
		return dbi_fail(db, rc, err);
	}
}

void *regi_grow(void *rows, int n, int *cap, size_t esz)
{
	if (n < *cap)
		return rows;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(rows, esz * (size_t)*cap);
}

bool regi_is(const struct db_actor *who, enum db_role r)
{
	return who && who->role == r;
}

void regi_bind_if(sqlite3_stmt *st, int i, const struct db_actor *who, enum db_role r)
{
	if (regi_is(who, r))
		sqlite3_bind_int64(st, i, who->user_id);
	else
		sqlite3_bind_null(st, i);
}

static int denied(struct qerr *err)
{
	qerr_set(err, "err:db_denied", NULL);
	return DB_DENIED;
}

static int not_found(struct qerr *err, const char *what)
{
	qerr_set(err, "err:not_found", "%s", what);
	return DB_NOTFOUND;
}

int regi_family_access(struct qdb *db, const struct db_actor *who, int64_t family_id,
                       enum regi_use use, struct qerr *err)
{
	unsigned mask = use == REGI_WRITE ? REGI_STAFF : REGI_DESK;
	int rc = dbi_allow(who, mask, err);
	if (rc)
		return rc;
	/* One query: is it there, and (for a counsellor) is it a client family? */
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT ?2 IS NULL OR f.id IN " REGI_CLIENT_FAMILIES(
	                 "?2") " FROM family f WHERE f.id = ?1 AND f.deleted_at IS NULL",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	regi_bind_if(st, 2, who, DB_ROLE_COUNSELLOR);
	rc = sqlite3_step(st);
	bool ok = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return not_found(err, "family");
	if (rc != SQLITE_ROW)
		return dbi_fail(db, rc, err);
	return ok ? DB_OK : denied(err);
}

int regi_person_access(struct qdb *db, const struct db_actor *who, int64_t person_id,
                       enum regi_use use, int64_t *family_id, struct qerr *err)
{
	unsigned mask = use == REGI_WRITE       ? REGI_STAFF
	                : use == REGI_READ_RISK ? REGI_DESK
	                                        : REGI_DESK | DBI_ROLE(DB_ROLE_TEACHER);
	int rc = dbi_allow(who, mask, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	/* One query answers "is it there" and "may this actor see it". */
	sqlite3_stmt *st = dbi_prep(
	    db,
	    "SELECT p.family_id,"
	    " CASE WHEN ?2 IS NOT NULL THEN " REGI_IS_CLIENT(
	        "p.id",
	        "?2") " ELSE 1 END,"
	              " CASE WHEN ?2 IS NOT NULL THEN p.family_id IN " REGI_CLIENT_FAMILIES(
	                  "?2") " ELSE 1 END,"
	                        " CASE WHEN ?3 IS NOT NULL THEN " REGI_IS_PUPIL(
	                            "p.id", "?3",
	                            "?4") " ELSE 1 END"
	                                  " FROM person p JOIN family f ON f.id = p.family_id"
	                                  " WHERE p.id = ?1 AND p.deleted_at IS NULL AND "
	                                  "f.deleted_at IS NULL",
	    err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, person_id);
	regi_bind_if(st, 2, who, DB_ROLE_COUNSELLOR);
	regi_bind_if(st, 3, who, DB_ROLE_TEACHER);
	dbi_bind_text(st, 4, today);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return not_found(err, "person");
		return dbi_fail(db, rc, err);
	}
	int64_t fid = sqlite3_column_int64(st, 0);
	bool client = sqlite3_column_int(st, 1) != 0;
	bool client_family = sqlite3_column_int(st, 2) != 0;
	bool pupil = sqlite3_column_int(st, 3) != 0;
	sqlite3_reset(st);
	if (family_id)
		*family_id = fid;
	if (regi_is(who, DB_ROLE_COUNSELLOR) && !(use == REGI_READ_RISK ? client : client_family))
		return denied(err);
	if (regi_is(who, DB_ROLE_TEACHER) && !pupil)
		return denied(err);
	return DB_OK;
}

void regi_read_person(sqlite3_stmt *st, int c, const struct db_actor *who, bool risk_ok,
                      const char *today, struct db_person *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, c + 0);
	p->family_id = sqlite3_column_int64(st, c + 1);
	dbi_col_text(st, c + 2, p->uuid, sizeof p->uuid);
	dbi_col_text(st, c + 3, p->first_name, sizeof p->first_name);
	dbi_col_text(st, c + 4, p->father_name, sizeof p->father_name);
	dbi_col_text(st, c + 5, p->last_name, sizeof p->last_name);
	const unsigned char *sx = sqlite3_column_text(st, c + 6);
	p->sex = sx ? (char)sx[0] : '\0';
	dbi_col_text(st, c + 7, p->birth_date, sizeof p->birth_date);
	p->birth_year = sqlite3_column_int(st, c + 8);
	p->birth_estimated = sqlite3_column_int(st, c + 9) != 0;
	dbi_col_text(st, c + 10, p->relation, sizeof p->relation);
	dbi_col_text(st, c + 11, p->nid, sizeof p->nid);
	dbi_col_text(st, c + 12, p->phone, sizeof p->phone);
	dbi_col_text(st, c + 13, p->school_name, sizeof p->school_name);
	p->school_grade = sqlite3_column_int(st, c + 14);
	dbi_col_text(st, c + 15, p->school_status, sizeof p->school_status);
	dbi_col_text(st, c + 16, p->disability, sizeof p->disability);
	dbi_col_text(st, c + 17, p->notes, sizeof p->notes);
	p->version = sqlite3_column_int64(st, c + 18);
	dbi_col_text(st, c + 19, p->created_at, sizeof p->created_at);
	p->created_by = sqlite3_column_int64(st, c + 20);
	dbi_col_text(st, c + 21, p->updated_at, sizeof p->updated_at);
	p->updated_by = sqlite3_column_int64(st, c + 22);
	dbi_col_text(st, c + 23, p->risk_level, sizeof p->risk_level);
	p->age = regi_age(p->birth_date, p->birth_year, today);
	if (!risk_ok)
		p->risk_level[0] = '\0';
	if (regi_is(who, DB_ROLE_TEACHER)) {
		/* Names, age and school status only. */
		struct db_person keep = *p;
		memset(p, 0, sizeof *p);
		p->id = keep.id;
		memcpy(p->first_name, keep.first_name, sizeof p->first_name);
		memcpy(p->last_name, keep.last_name, sizeof p->last_name);
		memcpy(p->school_status, keep.school_status, sizeof p->school_status);
		p->age = keep.age;
		p->school_grade = -1;
		p->restricted = true;
	}
}

int regi_end(struct qdb *db, int rc, struct qerr *err)
{
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err);
}

int regi_exists(struct qdb *db, const char *sql, int64_t a, int64_t b, int missing_rc,
                const char *key, const char *detail, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return DB_OK;
	if (rc == SQLITE_DONE) {
		qerr_set(err, key, "%s", detail);
		return missing_rc;
	}
	return dbi_fail(db, rc, err);
}

void *regi_collect(struct qdb *db, sqlite3_stmt *st, void *rows, int *n, size_t esz,
                   regi_read_fn *read, void *ctx, int *rc, struct qerr *err)
{
	int cap = 0, src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rows = regi_grow(rows, *n, &cap, esz);
		read(st, (char *)rows + esz * (size_t)(*n)++, ctx);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		free(rows);
		*n = 0;
		*rc = dbi_fail(db, src, err);
		return NULL;
	}
	*rc = DB_OK;
	return rows;
}
