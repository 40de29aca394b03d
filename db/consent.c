/*
 * consent — a family's consent (date, who gave it, which services it
 * covers), its withdrawal, and the test a referral makes against it.
 */
#include "db/registryi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONSENT_COLS                                                                               \
	"c.id, c.family_id, c.given_on, coalesce(c.given_by_person_id, 0),"                        \
	" coalesce(c.given_by_name, trim(coalesce(g.first_name, '') || ' '"                        \
	" || coalesce(g.last_name, ''))), c.scope, coalesce(c.withdrawn_on, ''), c.version,"       \
	" c.created_at, coalesce(c.created_by, 0)"                                                 \
	" FROM consent c LEFT JOIN person g ON g.id = c.given_by_person_id"

static void read_consent(sqlite3_stmt *st, struct db_consent *c);

/* read_consent as a regi_read_fn. */
static void consent_row(sqlite3_stmt *st, void *row, void *ctx)
{
	(void)ctx;
	read_consent(st, row);
}

static void read_consent(sqlite3_stmt *st, struct db_consent *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->family_id = sqlite3_column_int64(st, 1);
	dbi_col_text(st, 2, c->given_on, sizeof c->given_on);
	c->given_by_person_id = sqlite3_column_int64(st, 3);
	dbi_col_text(st, 4, c->given_by_name, sizeof c->given_by_name);
	dbi_col_text(st, 5, c->scope, sizeof c->scope);
	dbi_col_text(st, 6, c->withdrawn_on, sizeof c->withdrawn_on);
	c->version = sqlite3_column_int64(st, 7);
	dbi_col_text(st, 8, c->created_at, sizeof c->created_at);
	c->created_by = sqlite3_column_int64(st, 9);
}

/* Normalise a scope: keys separated by spaces or commas → one space
 * between, each key once. */
static int norm_scope(const char *in, char *out, size_t outsz, struct qerr *err)
{
	out[0] = '\0';
	if (!in)
		return DB_OK;
	if (strnlen(in, outsz) >= outsz) {
		qerr_set(err, "err:consent_scope", "too long");
		return DB_INVALID;
	}
	size_t o = 0;
	const char *p = in;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		char key[DB_KEY_SZ + 1];
		size_t k = 0;
		while (*p && *p != ' ' && *p != ',') {
			if (k < DB_KEY_SZ)
				key[k] = *p;
			k++;
			p++;
		}
		if (k >= DB_KEY_SZ) {
			qerr_set(err, "err:consent_scope", "key too long");
			return DB_INVALID;
		}
		key[k] = '\0';
		if (!regi_is_key(key)) {
			qerr_set(err, "err:consent_scope", "%s", key);
			return DB_INVALID;
		}
		struct db_consent probe;
		util_strlcpy(probe.scope, out, sizeof probe.scope);
		if (db_consent_covers(&probe, key))
			continue;
		if (o + k + 2 > outsz) {
			qerr_set(err, "err:consent_scope", "too long");
			return DB_INVALID;
		}
		if (o)
			out[o++] = ' ';
		memcpy(out + o, key, k + 1);
		o += k;
	}
	return DB_OK;
}

bool db_consent_covers(const struct db_consent *c, const char *service)
{
	if (!c || !service || !*service)
		return false;
	size_t n = strlen(service);
	for (const char *p = c->scope; *p;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && memcmp(p, service, n) == 0)
			return true;
		p = e;
	}
	return false;
}

int db_consent_add(struct qdb *db, const struct db_actor *who, int64_t family_id,
                   const char *given_on, int64_t given_by_person_id, const char *given_by_name,
                   const char *scope, int64_t *id_out, struct qerr *err)
{
	int rc = regi_family_access(db, who, family_id, REGI_WRITE, err);
	if (rc)
		return rc;
	char today[11], norm[DB_SCOPE_SZ];
	util_today(today);
	if ((rc = regi_date(given_on, false, "given_on", err)) ||
	    (rc = regi_text(given_by_name, 0, DB_TEXT_LEN, false, false, "given_by_name", err)) ||
	    (rc = norm_scope(scope, norm, sizeof norm, err)))
		return rc;
	if (!given_on || !*given_on)
		given_on = today;
	if (strcmp(given_on, today) > 0) {
		qerr_set(err, "err:date_future", "given_on");
		return DB_INVALID;
	}
	if (given_by_person_id <= 0 && (!given_by_name || !*given_by_name)) {
		qerr_set(err, "err:consent_given_by", NULL);
		return DB_INVALID;
	}
	char uuid[37], now[20];
	dbi_stamp(uuid, now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	if (given_by_person_id > 0)
		rc = regi_exists(db,
		                 "SELECT 1 FROM person WHERE id = ?1 AND family_id = ?2"
		                 " AND deleted_at IS NULL",
		                 given_by_person_id, family_id, DB_INVALID, "err:consent_given_by",
		                 "not a member", err);
	int64_t id = 0;
	if (!rc) {
		sqlite3_stmt *st = dbi_prep(
		    db,
		    "INSERT INTO consent(family_id, given_on, given_by_person_id, given_by_name,"
		    " scope, uuid, created_at, created_by, updated_at, updated_by)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
		    err);
		if (!st) {
			rc = DB_ERR;
		} else {
			sqlite3_bind_int64(st, 1, family_id);
			dbi_bind_text(st, 2, given_on);
			if (given_by_person_id > 0)
				sqlite3_bind_int64(st, 3, given_by_person_id);
			dbi_bind_text_or_null(st, 4, given_by_name);
			dbi_bind_text(st, 5, norm);
			dbi_bind_text(st, 6, uuid);
			dbi_bind_text(st, 7, now);
			dbi_bind_actor(st, 8, who);
			rc = regi_step(db, st, err);
			id = sqlite3_last_insert_rowid(db->h);
		}
	}
	if (!rc)
		rc = db_audit(db, who, "consent_add", "consent", id, norm, err);
	rc = regi_end(db, rc, err);
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

int regi_consent_current(struct qdb *db, int64_t family_id, struct db_consent *out,
                         struct qerr *err)
{
	/* The newest consent decides: once it is withdrawn there is none. */
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT " CONSENT_COLS " WHERE c.family_id = ?1"
	                            " AND c.deleted_at IS NULL"
	                            " ORDER BY c.given_on DESC, c.id DESC LIMIT 1",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		struct db_consent c;
		read_consent(st, &c);
		sqlite3_reset(st);
		char today[11];
		util_today(today);
		if (!c.withdrawn_on[0] || strcmp(c.withdrawn_on, today) > 0) {
			*out = c;
			return DB_OK;
		}
		qerr_set(err, "err:consent_missing", "withdrawn");
		return DB_NOTFOUND;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		qerr_set(err, "err:consent_missing", NULL);
		return DB_NOTFOUND;
	}
	return dbi_fail(db, rc, err);
}

int db_consent_current(struct qdb *db, const struct db_actor *who, int64_t family_id,
                       struct db_consent *out, struct qerr *err)
{
	int rc = regi_family_access(db, who, family_id, REGI_READ, err);
	if (rc)
		return rc;
	return regi_consent_current(db, family_id, out, err);
}

int db_consent_withdraw(struct qdb *db, const struct db_actor *who, int64_t id, int64_t version,
                        const char *on, struct qerr *err)
{
	int rc = dbi_allow(who, REGI_STAFF, err);
	if (rc)
		return rc;
	char today[11];
	util_today(today);
	if ((rc = regi_date(on, false, "withdrawn_on", err)))
		return rc;
	if (!on || !*on)
		on = today;
	char now[20];
	util_now_str(now);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "UPDATE consent SET withdrawn_on = ?3, updated_at = ?4,"
	             " updated_by = ?5, version = version + 1"
	             " WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL"
	             " AND withdrawn_on IS NULL AND given_on <= ?3"
	             " AND family_id IN (SELECT id FROM family WHERE deleted_at IS NULL)",
	             err);
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	dbi_bind_text(st, 3, on);
	dbi_bind_text(st, 4, now);
	dbi_bind_actor(st, 5, who);
	rc = regi_step(db, st, err);
	if (!rc && sqlite3_changes(db->h) == 0) {
		/* Tell apart: gone, changed meanwhile, or a date before the consent. */
		rc = regi_stale_or_gone(
		    db, "SELECT 1 FROM consent WHERE id = ?1 AND deleted_at IS NULL", id, err);
		if (rc == DB_STALE) {
			sqlite3_stmt *q = dbi_prep(db,
			                           "SELECT version, withdrawn_on IS NOT NULL,"
			                           " given_on FROM consent WHERE id = ?1",
			                           err);
			if (q) {
				sqlite3_bind_int64(q, 1, id);
				if (sqlite3_step(q) == SQLITE_ROW &&
				    sqlite3_column_int64(q, 0) == version) {
					bool withdrawn = sqlite3_column_int(q, 1) != 0;
					qerr_set(err,
					         withdrawn ? "err:consent_withdrawn"
					                   : "err:date_invalid",
					         "withdrawn_on");
					rc = withdrawn ? DB_CONFLICT : DB_INVALID;
				}
				sqlite3_reset(q);
			}
		}
	}
	if (!rc)
		rc = db_audit(db, who, "consent_withdraw", "consent", id, on, err);
	return regi_end(db, rc, err);
}

int db_consent_list(struct qdb *db, const struct db_actor *who, int64_t family_id,
                    struct db_consent **rows, int *n, struct qerr *err)
{
	*rows = NULL;
	*n = 0;
	int rc = regi_family_access(db, who, family_id, REGI_READ, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT " CONSENT_COLS " WHERE c.family_id = ?1"
	                            " AND c.deleted_at IS NULL ORDER BY c.given_on DESC, c.id DESC",
	                            err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	*rows = regi_collect(db, st, *rows, n, sizeof **rows, consent_row, NULL, &rc, err);
	return rc;
}
