/*
 * schema — the numbered migrations of the qendra database.
 *
 * Migration N brings a database from user_version N-1 to N. Each runs inside
 * one BEGIN IMMEDIATE transaction together with the PRAGMA user_version bump,
 * so a power cut leaves either the old schema or the new one. Never edit a
 * migration that has shipped: add a new one.
 *
 * Conventions for every record table: an integer key, a UUID (for moving
 * records between centres), version (optimistic locking), created/updated
 * at/by, and deleted_at as the tombstone. Tables are STRICT. Albanian
 * collation is applied in queries (ORDER BY ... COLLATE SQ), never here, so
 * the plain sqlite3 shell can open the file and run PRAGMA integrity_check.
 */
#include "db/dbi.h"

/* clang-format off */
#define REC_COLS                                                                                   \
	"uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),"                                     \
	"version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),"                                 \
	"created_at TEXT NOT NULL,"                                                                \
	"created_by INTEGER REFERENCES app_user(id),"                                              \
	"updated_at TEXT NOT NULL,"                                                                \
	"updated_by INTEGER REFERENCES app_user(id),"                                              \
	"deleted_at TEXT"

#define DATE_CHK(c) "CHECK (" c " IS NULL OR (length(" c ") = 10 AND date(" c ") = " c "))"
#define TS_CHK(c)   "CHECK (" c " IS NULL OR datetime(" c ") IS NOT NULL)"

static const char m1[] =
	/* Staff accounts. The password is an Argon2id string from libsodium. */
	"CREATE TABLE app_user ("
	" id INTEGER PRIMARY KEY,"
	" username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 32),"
	" full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 80),"
	" role TEXT NOT NULL CHECK (role IN ('menaxher','punonjes_social','keshillues','mesues','monitorim')),"
	" pw_hash TEXT NOT NULL CHECK (pw_hash LIKE '$argon2id$%'),"
	" active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),"
	" failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),"
	" locked_until TEXT " TS_CHK("locked_until") ","
	" last_login TEXT,"
	" lang TEXT NOT NULL DEFAULT 'sq' CHECK (lang IN ('sq','en')),"
	" uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),"
	" version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),"
	" created_at TEXT NOT NULL, created_by INTEGER REFERENCES app_user(id),"
	" updated_at TEXT NOT NULL, updated_by INTEGER REFERENCES app_user(id),"
	" deleted_at TEXT"
	") STRICT;"

	/* Append-only trail of who did what to which record. */
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at TEXT NOT NULL,"
	" user_id INTEGER REFERENCES app_user(id),"
	" action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),"
	" tbl TEXT NOT NULL,"
	" record_id INTEGER,"
	" detail TEXT"
	") STRICT;"
	"CREATE INDEX audit_record ON audit(tbl, record_id);"
	"CREATE INDEX audit_at ON audit(at);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"

	/* Family codes: one counter per municipality prefix and year. */
	"CREATE TABLE family_code_seq ("
	" prefix TEXT NOT NULL CHECK (prefix IN ('SHK','KUK','DIB')),"
	" year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2999),"
	" last INTEGER NOT NULL CHECK (last >= 0),"
	" PRIMARY KEY (prefix, year)"
	") STRICT;"

	"CREATE TABLE family ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" code TEXT NOT NULL UNIQUE CHECK (code GLOB '[A-Z][A-Z][A-Z]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*'),"
	" municipality TEXT NOT NULL CHECK (municipality IN ('shkoder','kukes','diber')),"
	" admin_unit TEXT, address TEXT, phone TEXT, phone_norm TEXT,"
	" head_person_id INTEGER REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,"
	" identified_by TEXT NOT NULL CHECK (identified_by IN ('outreach','walk_in','school','police','social_services','other')),"
	" reg_date TEXT NOT NULL " DATE_CHK("reg_date") ","
	" reg_staff INTEGER REFERENCES app_user(id),"
	" status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','closed','moved_away')),"
	" close_reason TEXT,"
	" CHECK (status = 'active' OR close_reason IS NOT NULL)"
	") STRICT;"
	"CREATE INDEX family_muni ON family(municipality, status);"

	"CREATE TABLE person ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" family_id INTEGER NOT NULL REFERENCES family(id),"
	" first_name TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 60),"
	" father_name TEXT CHECK (father_name IS NULL OR length(father_name) BETWEEN 1 AND 60),"
	" last_name TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 60),"
	" name_fold TEXT NOT NULL,"
	" sex TEXT NOT NULL CHECK (sex IN ('F','M')),"
	" birth_date TEXT " DATE_CHK("birth_date") ","
	" birth_year INTEGER CHECK (birth_year IS NULL OR birth_year BETWEEN 1900 AND 2999),"
	" birth_estimated INTEGER NOT NULL DEFAULT 0 CHECK (birth_estimated IN (0,1)),"
	" relation TEXT NOT NULL DEFAULT 'other' CHECK (relation IN ('head','spouse','child','grandchild','parent','sibling','other_relative','other')),"
	" nid TEXT CHECK (nid IS NULL OR nid GLOB '[A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z]'),"
	" phone TEXT, phone_norm TEXT,"
	" school_name TEXT, school_grade INTEGER CHECK (school_grade IS NULL OR school_grade BETWEEN 0 AND 13),"
	" school_status TEXT NOT NULL DEFAULT 'not_school_age' CHECK (school_status IN ('enrolled','irregular','dropped_out','never_enrolled','not_school_age')),"
	" disability TEXT, notes TEXT,"
	" CHECK (birth_date IS NOT NULL OR birth_year IS NOT NULL)"
	") STRICT;"
	"CREATE INDEX person_family ON person(family_id);"
	"CREATE UNIQUE INDEX person_nid ON person(nid) WHERE nid IS NOT NULL AND deleted_at IS NULL;"
	"CREATE INDEX person_fold ON person(name_fold);"

	/* Consent of a family (given by an adult), with the services it covers. */
	"CREATE TABLE consent ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" family_id INTEGER NOT NULL REFERENCES family(id),"
	" given_on TEXT NOT NULL " DATE_CHK("given_on") ","
	" given_by_person_id INTEGER REFERENCES person(id),"
	" given_by_name TEXT,"
	" scope TEXT NOT NULL," /* space-separated service keys from the catalogue */
	" withdrawn_on TEXT " DATE_CHK("withdrawn_on") ""
	") STRICT;"
	"CREATE INDEX consent_family ON consent(family_id);"

	"CREATE TABLE screening ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" person_id INTEGER REFERENCES person(id),"
	" family_id INTEGER REFERENCES family(id),"
	" screened_on TEXT NOT NULL " DATE_CHK("screened_on") ","
	" staff_id INTEGER REFERENCES app_user(id),"
	" score INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),"
	" level_computed TEXT NOT NULL CHECK (level_computed IN ('low','medium','high')),"
	" level TEXT NOT NULL CHECK (level IN ('low','medium','high')),"
	" override_reason TEXT,"
	" rescreen_due TEXT " DATE_CHK("rescreen_due") ","
	" CHECK ((person_id IS NULL) <> (family_id IS NULL)),"
	" CHECK (level = level_computed OR override_reason IS NOT NULL)"
	") STRICT;"
	"CREATE INDEX screening_person ON screening(person_id, screened_on);"
	"CREATE INDEX screening_family ON screening(family_id, screened_on);"

	"CREATE TABLE screening_factor ("
	" id INTEGER PRIMARY KEY,"
	" screening_id INTEGER NOT NULL REFERENCES screening(id),"
	" factor TEXT NOT NULL CHECK (length(factor) BETWEEN 1 AND 32),"
	" present INTEGER NOT NULL CHECK (present IN (0,1)),"
	" weight INTEGER NOT NULL DEFAULT 1,"
	" note TEXT,"
	" UNIQUE (screening_id, factor)"
	") STRICT;"

	"CREATE TABLE visit ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" at TEXT NOT NULL " TS_CHK("at") ","
	" purpose TEXT NOT NULL,"
	" staff_id INTEGER REFERENCES app_user(id),"
	" note TEXT"
	") STRICT;"
	"CREATE INDEX visit_at ON visit(at);"
	"CREATE INDEX visit_person ON visit(person_id, at);"

	/* Anonymous walk-ins: sex and age band only, never a name. */
	"CREATE TABLE visit_tally ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" at TEXT NOT NULL " TS_CHK("at") ","
	" sex TEXT NOT NULL CHECK (sex IN ('F','M')),"
	" age_band TEXT NOT NULL,"
	" purpose TEXT,"
	" staff_id INTEGER REFERENCES app_user(id)"
	") STRICT;"
	"CREATE INDEX visit_tally_at ON visit_tally(at);"

	"CREATE TABLE referral ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" code TEXT NOT NULL UNIQUE,"
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" service TEXT NOT NULL,"
	" organisation TEXT NOT NULL,"
	" reason TEXT NOT NULL,"
	" referred_on TEXT NOT NULL " DATE_CHK("referred_on") ","
	" follow_up_due TEXT " DATE_CHK("follow_up_due") ","
	" status TEXT NOT NULL DEFAULT 'referred' CHECK (status IN ('referred','accepted','declined','completed','revoked','no_response')),"
	" status_on TEXT NOT NULL " DATE_CHK("status_on") ","
	" outcome TEXT,"
	" revoke_reason TEXT,"
	" consent_override TEXT,"
	" staff_id INTEGER REFERENCES app_user(id),"
	" CHECK (status <> 'revoked' OR revoke_reason IS NOT NULL)"
	") STRICT;"
	"CREATE INDEX referral_status ON referral(status, follow_up_due);"
	"CREATE INDEX referral_person ON referral(person_id);"

	"CREATE TABLE referral_event ("
	" id INTEGER PRIMARY KEY,"
	" referral_id INTEGER NOT NULL REFERENCES referral(id),"
	" at TEXT NOT NULL,"
	" from_status TEXT, to_status TEXT NOT NULL,"
	" note TEXT,"
	" user_id INTEGER REFERENCES app_user(id)"
	") STRICT;"
	"CREATE INDEX referral_event_ref ON referral_event(referral_id);"

	/* Group activities (also the client of a group counselling appointment). */
	"CREATE TABLE activity ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" held_on TEXT NOT NULL " DATE_CHK("held_on") ","
	" title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 120),"
	" type TEXT NOT NULL,"
	" facilitator_id INTEGER REFERENCES app_user(id),"
	" note TEXT"
	") STRICT;"
	"CREATE INDEX activity_on ON activity(held_on);"

	"CREATE TABLE activity_participant ("
	" id INTEGER PRIMARY KEY,"
	" activity_id INTEGER NOT NULL REFERENCES activity(id),"
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" UNIQUE (activity_id, person_id)"
	") STRICT;"

	"CREATE TABLE activity_count ("
	" id INTEGER PRIMARY KEY,"
	" activity_id INTEGER NOT NULL REFERENCES activity(id),"
	" sex TEXT NOT NULL CHECK (sex IN ('F','M')),"
	" age_band TEXT NOT NULL,"
	" n INTEGER NOT NULL CHECK (n >= 0),"
	" UNIQUE (activity_id, sex, age_band)"
	") STRICT;"

	"CREATE TABLE appointment ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" person_id INTEGER REFERENCES person(id),"
	" activity_id INTEGER REFERENCES activity(id),"
	" counsellor_id INTEGER NOT NULL REFERENCES app_user(id),"
	" type TEXT NOT NULL,"
	" start_at TEXT NOT NULL " TS_CHK("start_at") ","
	" duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),"
	" room TEXT,"
	" status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','held','no_show','cancelled')),"
	" cancel_reason TEXT,"
	" series_uuid TEXT,"
	" CHECK (person_id IS NOT NULL OR activity_id IS NOT NULL),"
	" CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL)"
	") STRICT;"
	"CREATE INDEX appointment_start ON appointment(start_at);"
	"CREATE INDEX appointment_counsellor ON appointment(counsellor_id, start_at);"
	"CREATE INDEX appointment_person ON appointment(person_id, start_at);"

	/* Session log: the confidential text is sealed with an AEAD bound to the
	 * row (see db/notes), only follow-up date and flags are in clear. */
	"CREATE TABLE session_log ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointment(id),"
	" counsellor_id INTEGER NOT NULL REFERENCES app_user(id),"
	" nonce BLOB NOT NULL,"
	" sealed BLOB NOT NULL,"
	" follow_up_on TEXT " DATE_CHK("follow_up_on") ","
	" follow_up_done INTEGER NOT NULL DEFAULT 0 CHECK (follow_up_done IN (0,1))"
	") STRICT;"
	"CREATE INDEX session_log_follow ON session_log(counsellor_id, follow_up_on);"

	"CREATE TABLE class ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),"
	" subject TEXT NOT NULL,"
	" teacher_id INTEGER NOT NULL REFERENCES app_user(id),"
	" room TEXT,"
	" weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127)," /* bit 0 = Monday */
	" start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),"
	" duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 15 AND 480),"
	" term_start TEXT NOT NULL " DATE_CHK("term_start") ","
	" term_end TEXT NOT NULL " DATE_CHK("term_end") ","
	" capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 200),"
	" CHECK (term_end >= term_start)"
	") STRICT;"
	"CREATE INDEX class_teacher ON class(teacher_id);"

	"CREATE TABLE enrolment ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" class_id INTEGER NOT NULL REFERENCES class(id),"
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" from_date TEXT NOT NULL " DATE_CHK("from_date") ","
	" to_date TEXT " DATE_CHK("to_date") ","
	" leave_reason TEXT,"
	" CHECK (to_date IS NULL OR to_date >= from_date)"
	") STRICT;"
	"CREATE INDEX enrolment_class ON enrolment(class_id, to_date);"
	"CREATE INDEX enrolment_person ON enrolment(person_id);"

	"CREATE TABLE class_session ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" class_id INTEGER NOT NULL REFERENCES class(id),"
	" held_on TEXT NOT NULL " DATE_CHK("held_on") ","
	" status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held','cancelled')),"
	" cancel_reason TEXT,"
	" topic TEXT,"
	" CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),"
	" UNIQUE (class_id, held_on)"
	") STRICT;"

	"CREATE TABLE attendance ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" session_id INTEGER NOT NULL REFERENCES class_session(id),"
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" mark TEXT NOT NULL CHECK (mark IN ('P','A','L','E')),"
	" note TEXT,"
	" UNIQUE (session_id, person_id)"
	") STRICT;"
	"CREATE INDEX attendance_person ON attendance(person_id);"

	/* Dropout early warning: what was flagged and what staff did about it. */
	"CREATE TABLE dropout_flag ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" person_id INTEGER NOT NULL REFERENCES person(id),"
	" class_id INTEGER REFERENCES class(id),"
	" flagged_on TEXT NOT NULL " DATE_CHK("flagged_on") ","
	" score INTEGER NOT NULL,"
	" reason TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','home_visit','referred','dismissed')),"
	" action_note TEXT"
	") STRICT;"
	"CREATE INDEX dropout_person ON dropout_flag(person_id, flagged_on);"

	"CREATE TABLE closure ("
	" id INTEGER PRIMARY KEY," REC_COLS ","
	" day TEXT NOT NULL UNIQUE " DATE_CHK("day") ","
	" reason TEXT NOT NULL"
	") STRICT;"

	/* Accent-insensitive search over people: names, father's name, phone and
	 * family code. rowid = person.id. Kept in step by the triggers below. */
	"CREATE VIRTUAL TABLE person_fts USING fts5("
	" name, father, phone, code,"
	" tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TRIGGER person_fts_ins AFTER INSERT ON person BEGIN"
	" INSERT INTO person_fts(rowid, name, father, phone, code)"
	" SELECT new.id, new.first_name || ' ' || new.last_name, coalesce(new.father_name, ''),"
	"  trim(coalesce(new.phone_norm, '') || ' ' || coalesce(substr(new.phone_norm, 4), '') || ' ' || coalesce('0' || substr(new.phone_norm, 4), '')),"
	"  (SELECT code FROM family WHERE id = new.family_id)"
	" WHERE new.deleted_at IS NULL;"
	"END;"
	"CREATE TRIGGER person_fts_upd AFTER UPDATE ON person BEGIN"
	" DELETE FROM person_fts WHERE rowid = old.id;"
	" INSERT INTO person_fts(rowid, name, father, phone, code)"
	" SELECT new.id, new.first_name || ' ' || new.last_name, coalesce(new.father_name, ''),"
	"  trim(coalesce(new.phone_norm, '') || ' ' || coalesce(substr(new.phone_norm, 4), '') || ' ' || coalesce('0' || substr(new.phone_norm, 4), '')),"
	"  (SELECT code FROM family WHERE id = new.family_id)"
	" WHERE new.deleted_at IS NULL;"
	"END;"
	"CREATE TRIGGER person_fts_del AFTER DELETE ON person BEGIN"
	" DELETE FROM person_fts WHERE rowid = old.id;"
	"END;"
	"CREATE TRIGGER family_code_fts AFTER UPDATE OF code ON family BEGIN"
	" UPDATE person_fts SET code = new.code WHERE rowid IN (SELECT id FROM person WHERE family_id = new.id);"
	"END;";
/* clang-format on */

/*
 * Migration 2 (registry, issue 3): values derived from other rows, kept by
 * triggers in plain SQL (so any writer, even the sqlite3 shell, keeps them
 * right) so that the families list sorts and filters 20 000 families
 * without joining every head and screening:
 * - family.head_first/head_last: the names of the live head (NULL = none);
 * - family.risk_level: the highest of the latest levels of the family's own
 *   screening and of each live member's (NULL = never screened);
 * - person_family_of: search hits (person ids) to families through a small
 *   covering index instead of whole person rows;
 * - person_phone/family_phone: a typed phone prefix as an index range (as
 *   FTS prefixes, "069" would expand to every distinct number).
 */
/* clang-format off */
#define RISK_RANK(where)                                                                           \
	"(SELECT CASE s.level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END FROM screening s"  \
	" WHERE " where " AND s.deleted_at IS NULL ORDER BY s.screened_on DESC, s.id DESC LIMIT 1)"
#define RISK_UPDATE(fid)                                                                           \
	" UPDATE family SET risk_level = (SELECT CASE max(coalesce("                               \
	RISK_RANK("s.family_id = family.id") ", 0), coalesce((SELECT max("                         \
	RISK_RANK("s.person_id = p.id") ") FROM person p WHERE p.family_id = family.id"             \
	" AND p.deleted_at IS NULL), 0)) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' WHEN 1 THEN 'low'" \
	" END) WHERE id = " fid ";"
#define HEAD_UPDATE(where)                                                                         \
	" UPDATE family SET head_first = (SELECT h.first_name FROM person h"                       \
	" WHERE h.id = family.head_person_id AND h.deleted_at IS NULL),"                           \
	" head_last = (SELECT h.last_name FROM person h"                                           \
	" WHERE h.id = family.head_person_id AND h.deleted_at IS NULL) WHERE " where ";"

static const char m2[] =
	"ALTER TABLE family ADD COLUMN risk_level TEXT"
	" CHECK (risk_level IS NULL OR risk_level IN ('low','medium','high'));"
	"ALTER TABLE family ADD COLUMN head_first TEXT;"
	"ALTER TABLE family ADD COLUMN head_last TEXT;"
	"CREATE INDEX family_risk ON family(risk_level);"
	"CREATE INDEX person_family_of ON person(id, family_id, deleted_at);"
	"CREATE INDEX family_head ON family(head_person_id);"
	"CREATE INDEX person_phone ON person(phone_norm, family_id)"
	" WHERE phone_norm IS NOT NULL AND deleted_at IS NULL;"
	"CREATE INDEX family_phone ON family(phone_norm) WHERE phone_norm IS NOT NULL;"
	"CREATE TRIGGER screening_risk_ins AFTER INSERT ON screening BEGIN"
	RISK_UPDATE("coalesce(new.family_id, (SELECT family_id FROM person WHERE id = new.person_id))")
	" END;"
	"CREATE TRIGGER screening_risk_upd AFTER UPDATE OF level, screened_on, deleted_at,"
	" person_id, family_id ON screening BEGIN"
	RISK_UPDATE("coalesce(new.family_id, (SELECT family_id FROM person WHERE id = new.person_id))")
	RISK_UPDATE("coalesce(old.family_id, (SELECT family_id FROM person WHERE id = old.person_id))")
	" END;"
	"CREATE TRIGGER person_risk_upd AFTER UPDATE OF family_id, deleted_at ON person BEGIN"
	RISK_UPDATE("new.family_id") RISK_UPDATE("old.family_id")
	" END;"
	"CREATE TRIGGER family_head_ins AFTER INSERT ON family"
	" WHEN new.head_person_id IS NOT NULL BEGIN" HEAD_UPDATE("id = new.id") " END;"
	"CREATE TRIGGER family_head_upd AFTER UPDATE OF head_person_id ON family BEGIN"
	HEAD_UPDATE("id = new.id") " END;"
	"CREATE TRIGGER person_head_upd AFTER UPDATE OF first_name, last_name, family_id,"
	" deleted_at ON person BEGIN" HEAD_UPDATE("head_person_id = new.id") " END;"
	"CREATE TRIGGER person_head_ins AFTER INSERT ON person BEGIN"
	HEAD_UPDATE("head_person_id = new.id") " END;"
	/* rows from before this migration */
	HEAD_UPDATE("head_person_id IS NOT NULL") RISK_UPDATE("id");
/* clang-format on */

/*
 * Migration 3: an Albanian sort key for people, kept by SQLite itself.
 *
 * A search keystroke on a short prefix ("d") matches tens of thousands of
 * people; sorting them all with the SQ collation cost 30-45 ms. The key
 * spells the Albanian order with built-in functions only (so the plain
 * sqlite3 shell can still read and check the file): lower case, then each
 * of the letters that follow their base letter (ç, dh, ë, gj, ll, nj, rr,
 * sh, th, xh, zh) becomes the base letter plus '~', which sorts after every
 * other ASCII letter. BINARY order of the key is then the Albanian order of
 * "last first" for Albanian names; COLLATE SQ stays the reference for the
 * rest. The index lets the search walk people in that order and stop after
 * one page.
 */
/* clang-format off */
static const char m3[] =
	"ALTER TABLE person ADD COLUMN sort_key TEXT GENERATED ALWAYS AS ("
	" replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("
	" replace(replace(lower(last_name || ' ' || first_name),"
	" 'Ç','ç'),'Ë','ë'),'ç','c~'),'ë','e~'),'dh','d~'),'gj','g~'),'ll','l~'),'nj','n~'),"
	" 'rr','r~'),'sh','s~'),'th','t~'),'xh','x~'),'zh','z~')) VIRTUAL;"
	"CREATE INDEX person_sort ON person(sort_key, id);";
/* clang-format on */

/* Migration 4: date indexes for the period reports (db/report.c), which
 * select screenings, referrals and class sessions by date. */
static const char m4[] = "CREATE INDEX screening_on ON screening(screened_on);"
                         "CREATE INDEX referral_on ON referral(referred_on);"
                         "CREATE INDEX class_session_on ON class_session(held_on);";

static const struct dbi_migration migrations[] = {
    {1, "initial schema: every record kind of DESIGN.md section 2", m1},
    {2, "family head names and risk level kept by triggers, for the families list", m2},
    {3, "person.sort_key: the Albanian order as a plain index, for fast search", m3},
    {4, "date indexes for the period reports", m4},
};

const struct dbi_migration *dbi_migrations(int *n)
{
	*n = (int)(sizeof migrations / sizeof migrations[0]);
	return migrations;
}
