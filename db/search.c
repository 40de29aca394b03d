/*
 * search — accent-insensitive person search over the FTS5 index, with the
 * role rules applied in the query itself.
 */
#include "db/dbi.h"

#include <stdlib.h>
#include <string.h>

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
	char match[600];
	if (!db_fts_query(query, match, sizeof match))
		return DB_OK; /* nothing searchable typed: no hits, no error */
	if (limit <= 0 || limit > 1000)
		limit = 50;
	if (offset < 0)
		offset = 0;
	char today[11];
	util_today(today);
	sqlite3_stmt *st = dbi_prep(
		db,
		"SELECT p.id, p.family_id, p.first_name, coalesce(p.father_name, ''), p.last_name,"
		" f.code, coalesce(p.birth_date, ''), coalesce(p.birth_year, 0), p.sex,"
		" f.municipality, coalesce(p.phone, '')"
		" FROM person_fts JOIN person p ON p.id = person_fts.rowid"
		" JOIN family f ON f.id = p.family_id"
		" WHERE person_fts MATCH ?1 AND p.deleted_at IS NULL AND f.deleted_at IS NULL"
		" AND (?4 IS NULL OR p.id IN (SELECT e.person_id FROM enrolment e"
		"  JOIN class c ON c.id = e.class_id WHERE c.teacher_id = ?4"
		"  AND e.deleted_at IS NULL AND c.deleted_at IS NULL"
		"  AND (e.to_date IS NULL OR e.to_date >= ?5)))"
		" ORDER BY p.last_name COLLATE SQ, p.first_name COLLATE SQ, p.id"
		" LIMIT ?2 OFFSET ?3",
		err);
	if (!st)
		return DB_ERR;
	dbi_bind_text(st, 1, match);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int(st, 3, offset);
	if (who && who->role == DB_ROLE_TEACHER)
		sqlite3_bind_int64(st, 4, who->user_id);
	dbi_bind_text(st, 5, today);
	int cap = 0;
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
		dbi_col_text(st, 3, h->father_name, sizeof h->father_name);
		dbi_col_text(st, 4, h->last_name, sizeof h->last_name);
		dbi_col_text(st, 5, h->family_code, sizeof h->family_code);
		dbi_col_text(st, 6, h->birth_date, sizeof h->birth_date);
		h->birth_year = sqlite3_column_int(st, 7);
		const unsigned char *sx = sqlite3_column_text(st, 8);
		h->sex = sx ? (char)sx[0] : '?';
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
