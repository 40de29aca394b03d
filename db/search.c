/*
 * search — accent-insensitive person search over the FTS5 index (and the
 * phone index for typed numbers), with the role rules applied in the query.
 */
#include "db/dbi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIT_COLS                                                                                   \
	"SELECT p.id, p.family_id, p.first_name, coalesce(p.father_name, ''), p.last_name,"        \
	" f.code, coalesce(p.birth_date, ''), coalesce(p.birth_year, 0), p.sex,"                   \
	" f.municipality, coalesce(p.phone, '')"

/* Teachers see only children enrolled now in their own classes. */
#define TEACHER_FILTER                                                                             \
	" AND (?4 IS NULL OR p.id IN (SELECT e.person_id FROM enrolment e"                         \
	"  JOIN class c ON c.id = e.class_id WHERE c.teacher_id = ?4"                              \
	"  AND e.deleted_at IS NULL AND c.deleted_at IS NULL"                                      \
	"  AND (e.to_date IS NULL OR e.to_date >= ?5)))"

#define HIT_ORDER                                                                                  \
	" ORDER BY p.last_name COLLATE SQ, p.first_name COLLATE SQ, p.id LIMIT ?2 OFFSET ?3"

static const char sql_fts[] = HIT_COLS
    " FROM person_fts JOIN person p ON p.id = person_fts.rowid"
    " JOIN family f ON f.id = p.family_id"
    " WHERE person_fts MATCH ?1 AND p.deleted_at IS NULL AND f.deleted_at IS NULL" TEACHER_FILTER
        HIT_ORDER;

/* A broad query (one word of 1-3 letters: the first keystrokes): walk people
 * in Albanian order through the sort_key index (schema migration 3) and keep
 * those the text index matches, stopping after one page, instead of sorting
 * tens of thousands of matches with the collation on every keystroke. */
static const char sql_fts_broad[] =
    HIT_COLS " FROM person p INDEXED BY person_sort JOIN family f ON f.id = p.family_id"
             " WHERE p.id IN (SELECT rowid FROM person_fts WHERE person_fts MATCH ?1)"
             " AND p.deleted_at IS NULL AND f.deleted_at IS NULL" TEACHER_FILTER
             " ORDER BY p.sort_key, p.id LIMIT ?2 OFFSET ?3";

/* True when the MATCH expression is one prefix term of at most 3 characters. */
static bool broad_query(const char *match)
{
	if (strchr(match, ' '))
		return false;
	const char *p = match + 1; /* after the opening quote */
	const char *end = strchr(p, '"');
	if (!end)
		return false;
	char word[64];
	size_t n = (size_t)(end - p) < sizeof word - 1 ? (size_t)(end - p) : sizeof word - 1;
	memcpy(word, p, n);
	word[n] = '\0';
	return utf8_len(word) <= 3;
}

static const char sql_phone[] =
    HIT_COLS " FROM person p JOIN family f ON f.id = p.family_id"
             " WHERE p.phone_norm >= ?1 AND p.phone_norm < ?6"
             " AND p.deleted_at IS NULL AND f.deleted_at IS NULL" TEACHER_FILTER HIT_ORDER;

/*
 * "069 123", "+355 69", "0035569", "69 12" → the stored form's prefix
 * "35569123". Returns false when the input is not a phone number.
 */
static bool phone_prefix(const char *in, char *out, size_t outsz)
{
	char d[40];
	size_t n = 0;
	for (const char *q = in; *q; q++) {
		if (*q >= '0' && *q <= '9') {
			if (n + 1 >= sizeof d)
				return false;
			d[n++] = *q;
		} else if (!strchr(" +-./()", *q)) {
			return false;
		}
	}
	d[n] = '\0';
	if (n < 3)
		return false;
	const char *s = d;
	if (strncmp(s, "00355", 5) == 0)
		s += 2;
	if (strncmp(s, "355", 3) == 0)
		snprintf(out, outsz, "%s", s);
	else if (s[0] == '0')
		snprintf(out, outsz, "355%s", s + 1);
	else
		snprintf(out, outsz, "355%s", s);
	return true;
}

static int fetch(struct qdb *db, sqlite3_stmt *st, bool teacher, struct db_person_hit **hits,
                 int *n, struct qerr *err)
{
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*hits = xrealloc(*hits, sizeof **hits * (size_t)cap);
		}
		struct db_person_hit *h = &(*hits)[(*n)++];
		memset(h, 0, sizeof *h);
		h->person_id = sqlite3_column_int64(st, 0);
		h->family_id = sqlite3_column_int64(st, 1);
		dbi_col_text(st, 2, h->first_name, sizeof h->first_name);
		dbi_col_text(st, 4, h->last_name, sizeof h->last_name);
		const unsigned char *sx = sqlite3_column_text(st, 8);
		h->sex = sx ? (char)sx[0] : '?';
		h->birth_year = sqlite3_column_int(st, 7);
		dbi_col_text(st, 6, h->birth_date, sizeof h->birth_date);
		if (!h->birth_year && h->birth_date[0])
			h->birth_year = atoi(h->birth_date);
		if (teacher) {
			/* names, sex and age only: nothing that locates the family */
			h->birth_date[0] = '\0';
			h->family_id = 0;
			continue;
		}
		dbi_col_text(st, 3, h->father_name, sizeof h->father_name);
		dbi_col_text(st, 5, h->family_code, sizeof h->family_code);
		dbi_col_text(st, 9, h->municipality, sizeof h->municipality);
		dbi_col_text(st, 10, h->phone, sizeof h->phone);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*hits);
		*hits = NULL;
		*n = 0;
		return dbi_fail(db, rc, err);
	}
	return DB_OK;
}

static sqlite3_stmt *prep_common(struct qdb *db, const char *sql, const struct db_actor *who,
                                 int limit, int offset, const char *today, struct qerr *err)
{
	sqlite3_stmt *st = dbi_prep(db, sql, err);
	if (!st)
		return NULL;
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int(st, 3, offset);
	if (who && who->role == DB_ROLE_TEACHER)
		sqlite3_bind_int64(st, 4, who->user_id);
	dbi_bind_text(st, 5, today);
	return st;
}

int db_person_search(struct qdb *db, const struct db_actor *who, const char *query, int limit,
                     int offset, struct db_person_hit **hits, int *n, struct qerr *err)
{
	*hits = NULL;
	*n = 0;
	int rc = dbi_allow(who,
	                   DBI_ROLE(DB_ROLE_MANAGER) | DBI_ROLE(DB_ROLE_REGISTRAR) |
	                       DBI_ROLE(DB_ROLE_COUNSELLOR) | DBI_ROLE(DB_ROLE_TEACHER),
	                   err);
	if (rc)
		return rc;
	if (limit <= 0 || limit > 1000)
		limit = 50;
	if (offset < 0)
		offset = 0;
	bool teacher = who && who->role == DB_ROLE_TEACHER;
	char today[11];
	util_today(today);

	char lo[48], hi[48];
	if (query && phone_prefix(query, lo, sizeof lo)) {
		/* upper bound: the prefix with its last digit raised by one */
		snprintf(hi, sizeof hi, "%s", lo);
		hi[strlen(hi) - 1]++;
		sqlite3_stmt *st = prep_common(db, sql_phone, who, limit, offset, today, err);
		if (!st)
			return DB_ERR;
		dbi_bind_text(st, 1, lo);
		dbi_bind_text(st, 6, hi);
		rc = fetch(db, st, teacher, hits, n, err);
		if (rc || *n > 0 || offset > 0)
			return rc;
	}
	char match[600];
	if (!db_fts_query(query, match, sizeof match))
		return DB_OK; /* nothing searchable typed: no hits, no error */
	sqlite3_stmt *st = prep_common(db, broad_query(match) ? sql_fts_broad : sql_fts, who, limit,
	                               offset, today, err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, match);
	return fetch(db, st, teacher, hits, n, err);
}
