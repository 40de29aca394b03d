/*
 * cls_extra — what the class screens need from db/ beyond db/care.h: the
 * session rows of one class (held or cancelled, with the counts of marks),
 * so the class screen can show every expected session with its state in one
 * query instead of opening each roll. Same rules as care.h: the acting user
 * is checked (managers and registrars every class, a teacher only their
 * own), nothing is kept open, errors are returned in a caller-owned qerr.
 */
#ifndef QENDRA_DB_CLS_EXTRA_H
#define QENDRA_DB_CLS_EXTRA_H

#include <stdbool.h>
#include <stdint.h>

#include "db/care.h"

/* One class_session row and how its roll was marked. */
struct db_class_session {
	int64_t id;
	int64_t version;
	char day[11];
	bool cancelled;
	char cancel_reason[DB_CARE_TITLE_SZ];
	char topic[DB_CARE_TITLE_SZ];
	int marks; /* attendance rows (0 = no roll yet) */
	int present, absent, late, excused;
};

/*
 * The session rows of a class, by day. DB_DENIED for a teacher who does not
 * teach it, DB_NOTFOUND for a deleted or unknown class. *rows malloc'd
 * (free()), *n its length.
 */
int db_class_sessions(struct qdb *db, const struct db_actor *who, int64_t class_id,
                      struct db_class_session **rows, int *n, struct qerr *err);

#endif
