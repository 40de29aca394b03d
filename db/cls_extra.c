/*
 * cls_extra — the session rows of one class with their counts of marks (see
 * cls_extra.h). One indexed query (class_session has UNIQUE (class_id,
 * held_on); attendance is grouped per session).
 */
#include "db/cls_extra.h"

#include <stdlib.h>
#include <string.h>

#include "db/carei.h"

static void read_session(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	struct db_class_session *s = row;
	s->id = sqlite3_column_int64(st, 0);
	s->version = sqlite3_column_int64(st, 1);
	dbi_col_text(st, 2, s->day, sizeof s->day);
	s->cancelled = sqlite3_column_int(st, 3) != 0;
	dbi_col_text(st, 4, s->cancel_reason, sizeof s->cancel_reason);
	dbi_col_text(st, 5, s->topic, sizeof s->topic);
	s->marks = sqlite3_column_int(st, 6);
	s->present = sqlite3_column_int(st, 7);
	s->absent = sqlite3_column_int(st, 8);
	s->late = sqlite3_column_int(st, 9);
	s->excused = sqlite3_column_int(st, 10);
}

int db_class_sessions(struct qdb *db, const struct db_actor *who, int64_t class_id,
                      struct db_class_session **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	/* db_class_get checks the role and "a teacher only their own". */
	struct db_class c;
	int rc = db_class_get(db, who, class_id, &c, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT s.id, s.version, s.held_on, s.status = 'cancelled',"
	             " coalesce(s.cancel_reason, ''), coalesce(s.topic, ''),"
	             " count(a.id), coalesce(sum(a.mark = 'P'), 0), coalesce(sum(a.mark = 'A'), 0),"
	             " coalesce(sum(a.mark = 'L'), 0), coalesce(sum(a.mark = 'E'), 0)"
	             " FROM class_session s LEFT JOIN attendance a ON a.session_id = s.id"
	             "  AND a.deleted_at IS NULL"
	             " WHERE s.class_id = ?1 AND s.deleted_at IS NULL"
	             " GROUP BY s.id ORDER BY s.held_on",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, class_id);
	void *p = NULL;
	rc = db_care_rows(db, st, sizeof **rows, read_session, NULL, &p, n, err);
	*rows = p;
	return rc;
}
