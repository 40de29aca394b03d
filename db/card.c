/*
 * card — everything the family card shows, gathered in six queries:
 * family, members, newest screening, consent, recent visits, open referrals.
 */
#include "db/registryi.h"

#include <stdlib.h>
#include <string.h>

/* The newest screening of the family or of a member the actor may see. */
static int newest_screening(struct qdb *db, const struct db_actor *who, int64_t family_id,
                            struct db_screening *out, bool *found, struct qerr *err)
{
	*found = false;
	sqlite3_stmt *st =
	    dbi_prep(db,
	             "SELECT " REGI_SCREENING_COLS " FROM screening s LEFT JOIN app_user u"
	             " ON u.id = s.staff_id WHERE s.deleted_at IS NULL AND (s.family_id = ?1"
	             " OR s.person_id IN (SELECT id FROM person WHERE family_id = ?1"
	             " AND deleted_at IS NULL)) AND (?2 IS NULL OR s.family_id IS NOT NULL "
	             "OR " REGI_IS_CLIENT("s.person_id",
	                                  "?2") ") ORDER BY s.screened_on DESC, s.id DESC LIMIT 1",
	             err);
	if (!st)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, family_id);
	regi_bind_if(st, 2, who, DB_ROLE_COUNSELLOR);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		regi_read_screening(st, out);
		*found = true;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : dbi_fail(db, rc, err);
}

int db_family_card(struct qdb *db, const struct db_actor *who, int64_t id, int nvisits,
                   struct db_family_card *out, struct qerr *err)
{
	memset(out, 0, sizeof *out);
	int rc = regi_family_access(db, who, id, REGI_READ, err);
	if (rc)
		return rc;
	if ((rc = regi_family_load(db, id, &out->family, err)) ||
	    (rc = regi_members(db, who, id, &out->members, &out->nmembers, err)) ||
	    (rc = newest_screening(db, who, id, &out->screening, &out->has_screening, err)))
		goto fail;
	rc = regi_consent_current(db, id, &out->consent, NULL);
	if (rc == DB_OK)
		out->has_consent = true;
	else if (rc != DB_NOTFOUND)
		goto fail;
	else
		memset(&out->consent, 0, sizeof out->consent);
	if ((rc = regi_visit_family(db, who, id, nvisits > 0 ? nvisits : 5, &out->visits,
	                            &out->nvisits, err)) ||
	    (rc = regi_referral_family(db, who, id, &out->referrals, &out->nreferrals, err)))
		goto fail;
	return DB_OK;
fail:
	db_family_card_free(out);
	return rc;
}

void db_family_card_free(struct db_family_card *c)
{
	if (!c)
		return;
	free(c->members);
	free(c->visits);
	free(c->referrals);
	c->members = NULL;
	c->visits = NULL;
	c->referrals = NULL;
	c->nmembers = c->nvisits = c->nreferrals = 0;
}
