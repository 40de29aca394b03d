/*
 * test_registry — the registry API of db/registry.h: families, persons,
 * duplicates, the families list, consent, screening, visits, referrals,
 * the family card, the role matrix, optimistic locking between two desks,
 * audit in the same transaction, and hostile input.
 *
 * The clock is pinned (QENDRA_NOW) so "today" is 2026-03-10.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/dbi.h"
#include "db/registry.h"

#define TODAY "2026-03-10"
#define NOW   TODAY " 10:00:00"

static char dir[64];
static char path[128];
static struct qdb *db;
static struct qdb *keep; /* the main database while test_family_list uses its own */
static struct db_actor mgr, reg, reg2, cns, cns2, tch, tch2, vwr;

/* ---- helpers ---- */

static void exec_sql(struct qdb *h, const char *sql)
{
	struct qerr e = {0};
	int rc = dbi_exec(h, sql, &e);
	if (rc)
		fail_msg("%s: %s %s", sql, e.key, e.detail);
}

static int64_t scalar(struct qdb *h, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h->h, sql, -1, &st, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t audit_count(const char *action)
{
	return scalar(db, "SELECT count(*) FROM audit WHERE action = ?1", action);
}

static int64_t audit_total(void)
{
	return scalar(db, "SELECT count(*) FROM audit", NULL);
}

static void fill_family(struct db_family *f, const char *municipality)
{
	memset(f, 0, sizeof *f);
	util_strlcpy(f->municipality, municipality, sizeof f->municipality);
	util_strlcpy(f->identified_by, "outreach", sizeof f->identified_by);
	util_strlcpy(f->admin_unit, "Postribë", sizeof f->admin_unit);
	util_strlcpy(f->address, "Rruga e Kishës 4", sizeof f->address);
	util_strlcpy(f->phone, "069 123 4567", sizeof f->phone);
}

static int64_t add_family(struct qdb *h, const char *municipality)
{
	struct db_family f;
	struct qerr e = {0};
	fill_family(&f, municipality);
	int rc = db_family_add(h, &reg, &f, &e);
	if (rc)
		fail_msg("family_add: %d %s %s", rc, e.key, e.detail);
	return f.id;
}

static void fill_person(struct db_person *p, int64_t family, const char *first, const char *last,
                        char sex, const char *birth, const char *relation)
{
	memset(p, 0, sizeof *p);
	p->family_id = family;
	util_strlcpy(p->first_name, first, sizeof p->first_name);
	util_strlcpy(p->last_name, last, sizeof p->last_name);
	p->sex = sex;
	util_strlcpy(p->birth_date, birth, sizeof p->birth_date);
	util_strlcpy(p->relation, relation, sizeof p->relation);
	util_strlcpy(p->school_status, "not_school_age", sizeof p->school_status);
	p->school_grade = -1;
}

static int64_t add_person(int64_t family, const char *first, const char *last, char sex,
                          const char *birth, const char *relation)
{
	struct db_person p;
	struct qerr e = {0};
	fill_person(&p, family, first, last, sex, birth, relation);
	int rc = db_person_add(db, &reg, &p, &e);
	if (rc)
		fail_msg("person_add: %d %s %s", rc, e.key, e.detail);
	return p.id;
}

/* A counsellor's appointment with a person makes them a client. */
static void make_client(int64_t counsellor_id, int64_t person_id)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO appointment(person_id, counsellor_id, type, start_at, duration_min,"
	         " uuid, created_at, updated_at) VALUES (%lld, %lld, 'psychosocial',"
	         " '2026-03-11 09:00:00', 45, lower(hex(randomblob(18))), '" NOW "', '" NOW "')",
	         (long long)person_id, (long long)counsellor_id);
	exec_sql(db, sql);
}

/* A teacher's class with the person enrolled. */
static void make_pupil(int64_t teacher_id, int64_t person_id)
{
	char sql[600];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO class(name, subject, teacher_id, weekdays, start_min, duration_min,"
	    " term_start, term_end, capacity, uuid, created_at, updated_at) VALUES ('Matematikë',"
	    " 'math', %lld, 5, 900, 60, '2026-01-10', '2026-06-15', 20,"
	    " lower(hex(randomblob(18))), '" NOW "', '" NOW "');"
	    "INSERT INTO enrolment(class_id, person_id, from_date, uuid, created_at, updated_at)"
	    " VALUES (last_insert_rowid(), %lld, '2026-01-10', lower(hex(randomblob(18))),"
	    " '" NOW "', '" NOW "');",
	    (long long)teacher_id, (long long)person_id);
	exec_sql(db, sql);
}

static void give_consent(int64_t family, const char *scope)
{
	struct qerr e = {0};
	int rc = db_consent_add(db, &reg, family, "2026-03-01", 0, "Mark Çela", scope, NULL, &e);
	if (rc)
		fail_msg("consent_add: %d %s %s", rc, e.key, e.detail);
}

static struct db_screening_factor factors3[3] = {
    {"domestic_violence", true, 3, "fqinjët e kanë parë"},
    {"school_dropout", true, 2, ""},
    {"early_marriage", false, 4, ""},
};

static int64_t screen_person(int64_t person, const char *level, const char *reason)
{
	struct db_screening_new in = {.person_id = person,
	                              .screened_on = "2026-03-05",
	                              .factors = factors3,
	                              .nfactors = 3,
	                              .medium_at = 3,
	                              .high_at = 6,
	                              .level = level,
	                              .override_reason = reason,
	                              .rescreen_due = "2026-09-05"};
	int64_t id = 0;
	struct qerr e = {0};
	int rc = db_screening_add(db, &reg, &in, &id, &e);
	if (rc)
		fail_msg("screening_add: %d %s %s", rc, e.key, e.detail);
	return id;
}

static char *big_string(size_t n, char c)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- fixture ---- */

static int64_t add_user(const char *name, enum db_role role)
{
	int64_t id = 0;
	struct qerr e = {0};
	int rc = db_user_add(db, NULL, name, "Përdorues Prove", role, "fjalëkalim-i-gjatë", "sq",
	                     &id, &e);
	if (rc)
		fail_msg("user_add %s: %s %s", name, e.key, e.detail);
	return id;
}

static int group_setup(void **state)
{
	(void)state;
	setenv("QENDRA_NOW", NOW, 1);
	snprintf(dir, sizeof dir, "/tmp/qendra-registry-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/test.db", dir);
	struct db_open_opts o = {.create = true};
	struct qerr e = {0};
	if (db_open(&db, path, &o, &e) != DB_OK) {
		fprintf(stderr, "db_open: %s %s\n", e.key, e.detail);
		return -1;
	}
	mgr = (struct db_actor){add_user("menaxheri", DB_ROLE_MANAGER), DB_ROLE_MANAGER};
	reg = (struct db_actor){add_user("regjistruesi", DB_ROLE_REGISTRAR), DB_ROLE_REGISTRAR};
	reg2 = (struct db_actor){add_user("regjistruesi2", DB_ROLE_REGISTRAR), DB_ROLE_REGISTRAR};
	cns = (struct db_actor){add_user("keshilluesi", DB_ROLE_COUNSELLOR), DB_ROLE_COUNSELLOR};
	cns2 = (struct db_actor){add_user("keshilluesi2", DB_ROLE_COUNSELLOR), DB_ROLE_COUNSELLOR};
	tch = (struct db_actor){add_user("mesuesi", DB_ROLE_TEACHER), DB_ROLE_TEACHER};
	tch2 = (struct db_actor){add_user("mesuesi2", DB_ROLE_TEACHER), DB_ROLE_TEACHER};
	vwr = (struct db_actor){add_user("monitoruesi", DB_ROLE_VIEWER), DB_ROLE_VIEWER};
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

/* Every test starts on the pinned day. */
static int setup(void **state)
{
	(void)state;
	setenv("QENDRA_NOW", NOW, 1);
	return 0;
}

/* ======================================================================
 * Families
 * ==================================================================== */

static void test_schema_version(void **state)
{
	(void)state;
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_true(db_schema_latest() >= 2);
}

static void test_family_add_codes(void **state)
{
	(void)state;
	struct db_family f;
	struct qerr e = {0};
	int64_t audits = audit_count("family_add");
	fill_family(&f, "kukes");
	util_strlcpy(f.reg_date, "2025-12-30", sizeof f.reg_date);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_OK);
	/* the code follows the registration year */
	assert_string_equal(f.code, "KUK-2025-0001");
	assert_int_equal(f.version, 1);
	assert_int_equal(strlen(f.uuid), 36);
	assert_int_equal(f.reg_staff, reg.user_id);
	assert_string_equal(f.status, "active");
	assert_string_equal(f.admin_unit, "Postribë");
	fill_family(&f, "kukes");
	assert_int_equal(db_family_add(db, &mgr, &f, &e), DB_OK);
	assert_string_equal(f.code, "KUK-2026-0001");
	assert_string_equal(f.reg_date, TODAY);
	fill_family(&f, "kukes");
	assert_int_equal(db_family_add(db, NULL, &f, &e), DB_OK);
	assert_string_equal(f.code, "KUK-2026-0002");
	fill_family(&f, "diber");
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_OK);
	assert_string_equal(f.code, "DIB-2026-0001");
	assert_int_equal(audit_count("family_add"), audits + 4);

	/* a code typed in by an import is skipped, never duplicated */
	exec_sql(db, "INSERT INTO family(code, municipality, identified_by, reg_date, uuid,"
	             " created_at, updated_at) VALUES ('DIB-2026-0002', 'diber', 'other',"
	             " '2026-01-01', lower(hex(randomblob(18))), '" NOW "', '" NOW "')");
	fill_family(&f, "diber");
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_OK);
	assert_string_equal(f.code, "DIB-2026-0003");

	char code[DB_CODE_SZ];
	assert_int_equal(db_family_code_next(db, &reg, "diber", 2026, code, &e), DB_OK);
	assert_string_equal(code, "DIB-2026-0004");
	assert_int_equal(db_family_code_next(db, &reg, "tirane", 2026, code, &e), DB_INVALID);
	assert_int_equal(db_family_code_next(db, &cns, "diber", 2026, code, &e), DB_DENIED);
}

static void test_family_validation(void **state)
{
	(void)state;
	struct db_family f;
	struct qerr e = {0};
	int64_t families = scalar(db, "SELECT count(*) FROM family", NULL);
	int64_t audits = audit_total();

	fill_family(&f, "tirane");
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_invalid");
	assert_string_equal(e.detail, "municipality");

	fill_family(&f, "shkoder");
	util_strlcpy(f.identified_by, "radio", sizeof f.identified_by);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.detail, "identified_by");

	fill_family(&f, "shkoder");
	util_strlcpy(f.reg_date, "2026-02-30", sizeof f.reg_date);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:date_invalid");

	fill_family(&f, "shkoder");
	util_strlcpy(f.reg_date, "2026-03-11", sizeof f.reg_date);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:date_future");

	fill_family(&f, "shkoder");
	util_strlcpy(f.status, "closed", sizeof f.status);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:close_reason_required");

	fill_family(&f, "shkoder");
	util_strlcpy(f.phone, "call me maybe", sizeof f.phone);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:phone_invalid");

	fill_family(&f, "shkoder");
	f.head_person_id = 1;
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:head_not_member");

	/* hostile text in fixed buffers: unterminated, bad UTF-8, controls, bidi */
	fill_family(&f, "shkoder");
	memset(f.address, 'a', sizeof f.address);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	fill_family(&f, "shkoder");
	util_strlcpy(f.address, "Rruga \xff\xfe", sizeof f.address);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_invalid");
	assert_string_equal(e.detail, "address");
	fill_family(&f, "shkoder");
	util_strlcpy(f.address, "Rruga\x1b[2J", sizeof f.address);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	fill_family(&f, "shkoder");
	util_strlcpy(f.admin_unit, "Shkod\xe2\x80\xaerë", sizeof f.admin_unit); /* U+202E */
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_string_equal(e.detail, "admin_unit");
	fill_family(&f, "shkoder");
	util_strlcpy(f.address, "\xc0\xaf overlong", sizeof f.address);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);

	/* nothing of the above reached the database */
	assert_int_equal(scalar(db, "SELECT count(*) FROM family", NULL), families);
	assert_int_equal(audit_total(), audits);

	/* SQL in a value is just text */
	fill_family(&f, "shkoder");
	util_strlcpy(f.address, "'; DROP TABLE family; --", sizeof f.address);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_OK);
	struct db_family g;
	assert_int_equal(db_family_get(db, &reg, f.id, &g, &e), DB_OK);
	assert_string_equal(g.address, "'; DROP TABLE family; --");
	assert_int_equal(scalar(db, "SELECT count(*) FROM family", NULL), families + 1);
}

static void test_family_update_stale(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t id = add_family(db, "shkoder");
	struct db_family loaded, mine, cur;
	assert_int_equal(db_family_get(db, &reg, id, &loaded, &e), DB_OK);
	mine = loaded;
	util_strlcpy(mine.address, "Lagjja Partizani", sizeof mine.address);
	util_strlcpy(mine.phone, "+355 68 765 4321", sizeof mine.phone);
	int64_t upd = audit_count("family_update");
	assert_int_equal(db_family_update(db, &reg, &mine, &e), DB_OK);
	assert_int_equal(mine.version, loaded.version + 1);
	assert_int_equal(audit_count("family_update"), upd + 1);
	/* the audit names the fields that changed */
	assert_int_equal(scalar(db,
	                        "SELECT count(*) FROM audit WHERE action = 'family_update'"
	                        " AND detail = 'address,phone'",
	                        NULL),
	                 1);
	assert_int_equal(
	    scalar(db, "SELECT phone_norm = '355687654321' FROM family WHERE code = ?1", mine.code),
	    1);

	/* saving the old copy is refused and changes nothing */
	struct db_family old = loaded;
	util_strlcpy(old.address, "Rruga tjetër", sizeof old.address);
	assert_int_equal(db_family_update(db, &reg2, &old, &e), DB_STALE);
	assert_string_equal(e.key, "err:db_stale");
	assert_int_equal(db_family_get(db, &reg, id, &cur, &e), DB_OK);
	assert_string_equal(cur.address, "Lagjja Partizani");
	assert_int_equal(cur.version, mine.version);
	assert_string_equal(cur.updated_at, mine.updated_at);
	assert_int_equal(audit_count("family_update"), upd + 1);
	/* ... and the user is shown what the other desk changed */
	char diff[DB_DIFF_SZ];
	assert_int_equal(db_family_diff(&loaded, &cur, diff, sizeof diff), 2);
	assert_string_equal(diff, "address,phone");
	assert_int_equal(db_family_diff(&cur, &cur, diff, sizeof diff), 0);
	assert_string_equal(diff, "");

	/* saving without a change is fine and keeps the version */
	struct db_family same = cur;
	assert_int_equal(db_family_update(db, &reg, &same, &e), DB_OK);
	assert_int_equal(same.version, cur.version);

	/* closing needs a reason */
	same = cur;
	util_strlcpy(same.status, "moved_away", sizeof same.status);
	assert_int_equal(db_family_update(db, &reg, &same, &e), DB_INVALID);
	assert_string_equal(e.key, "err:close_reason_required");
	util_strlcpy(same.close_reason, "U zhvendos në Tiranë", sizeof same.close_reason);
	assert_int_equal(db_family_update(db, &reg, &same, &e), DB_OK);
	assert_string_equal(same.status, "moved_away");

	/* the head must be a member of this family */
	int64_t other = add_family(db, "shkoder");
	int64_t stranger = add_person(other, "Besa", "Gjoni", 'F', "1980-02-02", "head");
	same.head_person_id = stranger;
	assert_int_equal(db_family_update(db, &reg, &same, &e), DB_INVALID);
	assert_string_equal(e.key, "err:head_not_member");

	/* not found, and denied for roles that may not write */
	struct db_family ghost = cur;
	ghost.id = 999999;
	assert_int_equal(db_family_update(db, &reg, &ghost, &e), DB_NOTFOUND);
	assert_int_equal(db_family_update(db, &cns, &cur, &e), DB_DENIED);
	assert_int_equal(db_family_update(db, &tch, &cur, &e), DB_DENIED);
	assert_int_equal(db_family_update(db, &vwr, &cur, &e), DB_DENIED);
}

static void test_two_desks(void **state)
{
	(void)state;
	struct qdb *desk2 = NULL;
	struct qerr e = {0};
	struct db_open_opts o = {0};
	assert_int_equal(db_open(&desk2, path, &o, &e), DB_OK);
	int64_t id = add_family(db, "shkoder");
	struct db_family a, b;
	assert_int_equal(db_family_get(db, &reg, id, &a, &e), DB_OK);
	assert_int_equal(db_family_get(desk2, &reg2, id, &b, &e), DB_OK);
	struct db_family b_loaded = b;
	util_strlcpy(a.address, "Adresa e desk 1", sizeof a.address);
	util_strlcpy(b.admin_unit, "Velipojë", sizeof b.admin_unit);
	assert_int_equal(db_family_update(db, &reg, &a, &e), DB_OK);
	assert_int_equal(db_family_update(desk2, &reg2, &b, &e), DB_STALE);
	/* desk 2 reloads, sees what desk 1 changed, keeps its own typing */
	struct db_family now;
	assert_int_equal(db_family_get(desk2, &reg2, id, &now, &e), DB_OK);
	char diff[DB_DIFF_SZ];
	assert_int_equal(db_family_diff(&b_loaded, &now, diff, sizeof diff), 1);
	assert_string_equal(diff, "address");
	assert_string_equal(now.admin_unit, "Postribë");
	util_strlcpy(now.admin_unit, b.admin_unit, sizeof now.admin_unit);
	assert_int_equal(db_family_update(desk2, &reg2, &now, &e), DB_OK);
	assert_int_equal(db_family_get(db, &reg, id, &a, &e), DB_OK);
	assert_string_equal(a.address, "Adresa e desk 1");
	assert_string_equal(a.admin_unit, "Velipojë");

	/* the same for persons */
	int64_t pid = add_person(id, "Gjon", "Marku", 'M', "1975-04-04", "head");
	struct db_person p1, p2;
	assert_int_equal(db_person_get(db, &reg, pid, &p1, &e), DB_OK);
	assert_int_equal(db_person_get(desk2, &reg2, pid, &p2, &e), DB_OK);
	struct db_person p2_loaded = p2;
	util_strlcpy(p1.phone, "0691112233", sizeof p1.phone);
	util_strlcpy(p2.notes, "Shënim nga desk 2", sizeof p2.notes);
	assert_int_equal(db_person_update(db, &reg, &p1, &e), DB_OK);
	assert_int_equal(db_person_update(desk2, &reg2, &p2, &e), DB_STALE);
	struct db_person p_now;
	assert_int_equal(db_person_get(desk2, &reg2, pid, &p_now, &e), DB_OK);
	assert_int_equal(db_person_diff(&p2_loaded, &p_now, diff, sizeof diff), 1);
	assert_string_equal(diff, "phone");
	assert_string_equal(p_now.notes, "");

	/* family codes from two desks, interleaved: unique and in order */
	struct db_family f;
	for (int i = 0; i < 10; i++) {
		fill_family(&f, "diber");
		util_strlcpy(f.reg_date, "2024-05-05", sizeof f.reg_date);
		assert_int_equal(db_family_add(i % 2 ? desk2 : db, &reg, &f, &e), DB_OK);
		char want[32];
		snprintf(want, sizeof want, "DIB-2024-%04d", i + 1);
		assert_string_equal(f.code, want);
	}
	db_close(desk2);
}

/* Two processes registering families at the same time never collide. */
static void test_codes_concurrent(void **state)
{
	(void)state;
	enum { KIDS = 3, EACH = 15 };
	pid_t kids[KIDS];
	for (int k = 0; k < KIDS; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct qdb *h = NULL;
			struct db_open_opts o = {.busy_ms = 20000};
			if (db_open(&h, path, &o, NULL) != DB_OK)
				_exit(2);
			for (int i = 0; i < EACH; i++) {
				struct db_family f;
				fill_family(&f, "shkoder");
				util_strlcpy(f.reg_date, "2023-01-01", sizeof f.reg_date);
				if (db_family_add(h, &reg, &f, NULL) != DB_OK)
					_exit(3);
			}
			db_close(h);
			_exit(0);
		}
	}
	for (int k = 0; k < KIDS; k++) {
		int status = 0;
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(
	    scalar(db, "SELECT count(*) FROM family WHERE code LIKE 'SHK-2023-%'", NULL),
	    KIDS * EACH);
	assert_int_equal(
	    scalar(db, "SELECT count(DISTINCT code) FROM family WHERE code LIKE 'SHK-2023-%'",
	           NULL),
	    KIDS * EACH);
	assert_int_equal(scalar(db,
	                        "SELECT max(CAST(substr(code, 10) AS INTEGER)) FROM family"
	                        " WHERE code LIKE 'SHK-2023-%'",
	                        NULL),
	                 KIDS * EACH);
}

static void test_family_delete(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t id = add_family(db, "kukes");
	int64_t pid = add_person(id, "Ana", "Kola", 'F', "1990-01-01", "head");
	struct db_family f;
	assert_int_equal(db_family_get(db, &reg, id, &f, &e), DB_OK);
	assert_int_equal(db_family_delete(db, &reg, id, f.version, &e), DB_CONFLICT);
	assert_string_equal(e.key, "err:family_has_members");
	struct db_person p;
	assert_int_equal(db_person_get(db, &reg, pid, &p, &e), DB_OK);
	assert_int_equal(db_person_delete(db, &reg, pid, p.version + 7, &e), DB_STALE);
	assert_int_equal(db_person_delete(db, &reg, pid, p.version, &e), DB_OK);
	assert_int_equal(db_person_get(db, &reg, pid, &p, &e), DB_NOTFOUND);
	/* the head left: the family is headless, its version moved on */
	struct db_family g;
	assert_int_equal(db_family_get(db, &reg, id, &g, &e), DB_OK);
	assert_int_equal(g.head_person_id, 0);
	assert_int_equal(db_family_delete(db, &reg, id, f.version, &e), DB_STALE);
	assert_int_equal(db_family_delete(db, &tch, id, g.version, &e), DB_DENIED);
	assert_int_equal(db_family_delete(db, &reg, id, g.version, &e), DB_OK);
	assert_int_equal(db_family_get(db, &reg, id, &g, &e), DB_NOTFOUND);
	assert_int_equal(db_family_delete(db, &reg, id, g.version, &e), DB_NOTFOUND);
}

/* ======================================================================
 * Persons
 * ==================================================================== */

static void test_person_add_get_update(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "shkoder");
	struct db_family f0;
	assert_int_equal(db_family_get(db, &reg, fid, &f0, &e), DB_OK);
	assert_int_equal(f0.head_person_id, 0);

	struct db_person p;
	fill_person(&p, fid, "Dritë", "Çelaj", 'F', "2012-06-15", "child");
	util_strlcpy(p.father_name, "Pjetër", sizeof p.father_name);
	util_strlcpy(p.school_status, "enrolled", sizeof p.school_status);
	util_strlcpy(p.school_name, "Shkolla 9-vjeçare \"Ndre Mjeda\"", sizeof p.school_name);
	p.school_grade = 7;
	util_strlcpy(p.notes, "Rreshti 1\nRreshti 2", sizeof p.notes);
	util_strlcpy(p.nid, "M25615123A", sizeof p.nid);
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_OK);
	assert_true(p.id > 0);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.age, 13);
	assert_int_equal(p.birth_year, 2012);
	assert_false(p.birth_estimated);
	assert_int_equal(
	    scalar(db, "SELECT count(*) FROM person WHERE name_fold = ?1", "drite celaj"), 1);

	/* relation "head" makes the first such member the head */
	struct db_person h;
	fill_person(&h, fid, "Pjetër", "Çelaj", 'M', "", "head");
	h.birth_year = 1979;
	util_strlcpy(h.phone, "069 555 1234", sizeof h.phone);
	assert_int_equal(db_person_add(db, &reg, &h, &e), DB_OK);
	assert_true(h.birth_estimated);
	assert_int_equal(h.age, 2026 - 1979);
	struct db_family f1;
	assert_int_equal(db_family_get(db, &reg, fid, &f1, &e), DB_OK);
	assert_int_equal(f1.head_person_id, h.id);
	assert_int_equal(f1.version, f0.version + 1);
	assert_string_equal(f1.head_first, "Pjetër");

	/* the search index follows: accents optional, phone in any form */
	struct db_person_hit *hits = NULL;
	int n = 0;
	assert_int_equal(db_person_search(db, &reg, "drite celaj", 10, 0, &hits, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].person_id, p.id);
	free(hits);
	assert_int_equal(db_person_search(db, &reg, "0695551234", 10, 0, &hits, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(hits);

	/* members: head first, then oldest first */
	struct db_person *m = NULL;
	assert_int_equal(db_person_list_family(db, &reg, fid, &m, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].id, h.id);
	assert_int_equal(m[1].id, p.id);
	free(m);

	/* update, then a stale update changes nothing */
	struct db_person loaded = p;
	util_strlcpy(p.first_name, "Drita", sizeof p.first_name);
	util_strlcpy(p.school_status, "irregular", sizeof p.school_status);
	assert_int_equal(db_person_update(db, &reg, &p, &e), DB_OK);
	assert_int_equal(p.version, 2);
	assert_int_equal(scalar(db,
	                        "SELECT count(*) FROM audit WHERE action = 'person_update'"
	                        " AND detail = 'first_name,school_status'",
	                        NULL),
	                 1);
	struct db_person stale = loaded;
	util_strlcpy(stale.last_name, "Tjetër", sizeof stale.last_name);
	assert_int_equal(db_person_update(db, &reg2, &stale, &e), DB_STALE);
	struct db_person cur;
	assert_int_equal(db_person_get(db, &reg, p.id, &cur, &e), DB_OK);
	assert_string_equal(cur.last_name, "Çelaj");
	assert_string_equal(cur.first_name, "Drita");
	assert_int_equal(cur.version, 2);
	char diff[DB_DIFF_SZ];
	assert_int_equal(db_person_diff(&loaded, &cur, diff, sizeof diff), 2);
	assert_string_equal(diff, "first_name,school_status");
	/* the renamed person is found under the new name only */
	assert_int_equal(db_person_search(db, &reg, "drita", 10, 0, &hits, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(hits);
	assert_int_equal(
	    scalar(db, "SELECT count(*) FROM person WHERE name_fold = ?1", "drita celaj"), 1);

	/* the head stops being head: the family is left without one */
	struct db_person h2 = h;
	util_strlcpy(h2.relation, "parent", sizeof h2.relation);
	assert_int_equal(db_person_update(db, &reg, &h2, &e), DB_OK);
	assert_int_equal(db_family_get(db, &reg, fid, &f1, &e), DB_OK);
	assert_int_equal(f1.head_person_id, 0);

	/* moving a person to another family */
	int64_t fid2 = add_family(db, "shkoder");
	cur.family_id = fid2;
	assert_int_equal(db_person_update(db, &reg, &cur, &e), DB_OK);
	assert_int_equal(cur.family_id, fid2);
	cur.family_id = 424242;
	assert_int_equal(db_person_update(db, &reg, &cur, &e), DB_NOTFOUND);
}

static void test_person_validation(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "diber");
	int64_t persons = scalar(db, "SELECT count(*) FROM person", NULL);
	int64_t audits = audit_total();
	struct db_person p;

	fill_person(&p, fid, "", "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_required");
	assert_string_equal(e.detail, "first_name");
	fill_person(&p, fid, "   ", "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_required");
	fill_person(&p, fid, "Ana\xff", "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_invalid");
	fill_person(&p, fid, "Ana\tMaria", "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, fid, "Ana", "\xe2\x81\xa6Hoxha", 'F', "2001-01-01", "child"); /* U+2066 */
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.detail, "last_name");
	/* 61 characters (122 bytes of ë) is one too many; 60 are fine */
	char name[DB_NAME_SZ] = "";
	for (int i = 0; i < 61; i++)
		strcat(name, "ë");
	fill_person(&p, fid, name, "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	memset(p.first_name, 'a', sizeof p.first_name); /* not terminated */
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, fid, "Ana", "Hoxha", 'X', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.detail, "sex");
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:birth_required");
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "2026-03-11", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:birth_future");
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "1899-12-31", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:date_invalid");
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "2001-02-29", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "", "child");
	p.birth_year = 2030;
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "2001-01-01", "cousin");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.detail, "relation");
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "2001-01-01", "child");
	util_strlcpy(p.nid, "j12345678k", sizeof p.nid);
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	assert_string_equal(e.key, "err:nid_invalid");
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "2001-01-01", "child");
	p.school_grade = 14;
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, fid, "Ana", "Hoxha", 'F', "2001-01-01", "child");
	util_strlcpy(p.school_status, "'; DROP TABLE person; --", sizeof p.school_status);
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, 0, "Ana", "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_INVALID);
	fill_person(&p, 777777, "Ana", "Hoxha", 'F', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_NOTFOUND);
	assert_int_equal(scalar(db, "SELECT count(*) FROM person", NULL), persons);
	assert_int_equal(audit_total(), audits);

	/* names of any script, and SQL as plain text */
	fill_person(&p, fid, "Αλέξανδρος", "O'Brien-Hoxha", 'M', "2001-01-01", "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_OK);
	fill_person(&p, fid, "Robert'); DROP TABLE person;--", "Tables", 'M', "2001-01-01",
	            "child");
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_OK);
	struct db_person back;
	assert_int_equal(db_person_get(db, &reg, p.id, &back, &e), DB_OK);
	assert_string_equal(back.first_name, "Robert'); DROP TABLE person;--");
	assert_int_equal(scalar(db, "SELECT count(*) FROM person", NULL), persons + 2);
}

static void test_person_nid_unique(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "kukes");
	struct db_person a, b;
	fill_person(&a, fid, "Arben", "Lleshi", 'M', "1985-05-05", "head");
	util_strlcpy(a.nid, "H50505001B", sizeof a.nid);
	assert_int_equal(db_person_add(db, &reg, &a, &e), DB_OK);
	int64_t audits = audit_total();
	fill_person(&b, fid, "Arbena", "Lleshi", 'F', "1987-05-05", "spouse");
	util_strlcpy(b.nid, "H50505001B", sizeof b.nid);
	assert_int_equal(db_person_add(db, &reg, &b, &e), DB_CONFLICT);
	assert_string_equal(e.key, "err:nid_taken");
	/* a failed write leaves no audit row */
	assert_int_equal(audit_total(), audits);
	b.nid[0] = '\0';
	assert_int_equal(db_person_add(db, &reg, &b, &e), DB_OK);
	util_strlcpy(b.nid, "H50505001B", sizeof b.nid);
	assert_int_equal(db_person_update(db, &reg, &b, &e), DB_CONFLICT);
	assert_string_equal(e.key, "err:nid_taken");
	/* once the first is deleted the number is free */
	assert_int_equal(db_person_delete(db, &reg, a.id, a.version, &e), DB_OK);
	assert_int_equal(db_person_update(db, &reg, &b, &e), DB_OK);
	assert_string_equal(b.nid, "H50505001B");
}

static void test_duplicates(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "shkoder");
	struct db_person p;
	fill_person(&p, fid, "Dritë", "Çela", 'F', "2010-05-01", "child");
	util_strlcpy(p.father_name, "Gjergj", sizeof p.father_name);
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_OK);
	int64_t id = p.id;
	fill_person(&p, fid, "Dritë", "Çela", 'F', "", "other");
	p.birth_year = 1950;
	assert_int_equal(db_person_add(db, &reg, &p, &e), DB_OK);
	int64_t grandma = p.id;

	struct db_person_dup *d = NULL;
	int n = 0;
	/* accents and case ignored, birth within a year */
	assert_int_equal(
	    db_person_duplicates(db, &reg, "drite", "CELA", NULL, "2010-12-01", 0, 0, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].person_id, id);
	assert_true(d[0].birth_close);
	assert_false(d[0].same_father);
	assert_false(d[0].swapped);
	assert_string_equal(d[0].first_name, "Dritë");
	free(d);
	/* first and last swapped */
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Cela", "Drite", NULL, "2011-03-01", 0, 0, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 1);
	assert_true(d[0].swapped);
	free(d);
	/* same father's name, birth far apart */
	assert_int_equal(db_person_duplicates(db, &reg, "Drite", "Çela", "gjergj", "1995-01-01", 0,
	                                      0, &d, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 1);
	assert_true(d[0].same_father);
	assert_false(d[0].birth_close);
	free(d);
	/* only a year known: within one year; the estimated 1950 also matches */
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Drite", "Cela", NULL, NULL, 2011, 0, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 1);
	free(d);
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Drite", "Cela", NULL, "1950-08-08", 0, 0, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].person_id, grandma);
	free(d);
	/* nothing close: no warning */
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Drite", "Cela", "Pal", "2000-01-01", 0, 0, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 0);
	free(d);
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Drita", "Cela", NULL, "2010-05-01", 0, 0, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 0);
	free(d);
	/* the person being edited is left out */
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Drite", "Cela", NULL, "2010-05-01", 0, id, &d, &n, &e),
	    DB_OK);
	assert_int_equal(n, 0);
	free(d);
	/* roles and hostile input */
	assert_int_equal(
	    db_person_duplicates(db, &cns, "Drite", "Cela", NULL, "2010-05-01", 0, 0, &d, &n, &e),
	    DB_DENIED);
	assert_int_equal(
	    db_person_duplicates(db, &vwr, "Drite", "Cela", NULL, "2010-05-01", 0, 0, &d, &n, &e),
	    DB_DENIED);
	char *big = big_string(10000, 'a');
	assert_int_equal(
	    db_person_duplicates(db, &reg, big, "Cela", NULL, NULL, 2010, 0, &d, &n, &e),
	    DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	free(big);
	assert_int_equal(db_person_duplicates(db, &reg, "x'; DROP TABLE person; --", "Cela", NULL,
	                                      NULL, 2010, 0, &d, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 0);
	free(d);
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Dr\xc3", "Cela", NULL, NULL, 2010, 0, &d, &n, &e),
	    DB_INVALID);
	assert_int_equal(
	    db_person_duplicates(db, &reg, "Drite", "Cela", NULL, "2010-13-01", 0, 0, &d, &n, &e),
	    DB_INVALID);
}

/* ======================================================================
 * The families list
 * ==================================================================== */

static int64_t family_with_head(const char *municipality, const char *first, const char *last)
{
	int64_t fid = add_family(db, municipality);
	add_person(fid, first, last, 'M', "1970-01-01", "head");
	return fid;
}

static void test_family_list(void **state)
{
	(void)state;
	struct qerr e = {0};
	/* A separate database: the order test needs to know every row. */
	keep = db;
	char p2[160];
	snprintf(p2, sizeof p2, "%s/list.db", dir);
	struct db_open_opts o = {.create = true};
	assert_int_equal(db_open(&db, p2, &o, &e), DB_OK);
	/* the same users with the same ids (a dummy hash: nobody logs in here) */
	exec_sql(db, "INSERT INTO app_user(id, username, full_name, role, pw_hash, uuid,"
	             " created_at, updated_at) SELECT u.id, u.username, u.full_name, u.role,"
	             " '$argon2id$dummy', lower(hex(randomblob(18))), '" NOW "', '" NOW "'"
	             " FROM (SELECT 1 AS id, 'user1' AS username, 'Përdorues Prove' AS full_name,"
	             " 'menaxher' AS role UNION ALL SELECT 2, 'user2', 'P', 'punonjes_social'"
	             " UNION ALL SELECT 3, 'user3', 'P', 'punonjes_social'"
	             " UNION ALL SELECT 4, 'user4', 'P', 'keshillues'"
	             " UNION ALL SELECT 5, 'user5', 'P', 'keshillues'"
	             " UNION ALL SELECT 6, 'user6', 'P', 'mesues'"
	             " UNION ALL SELECT 7, 'user7', 'P', 'mesues'"
	             " UNION ALL SELECT 8, 'user8', 'P', 'monitorim') u");
	assert_int_equal(reg.user_id, 2);
	const char *lasts[] = {"Zhuri",  "Dhima", "Çela",     "Cani",
	                       "Dushku", "Zeka",  "Ëngjëlli", "Elezi"};
	int64_t ids[8];
	for (int i = 0; i < 8; i++)
		ids[i] = family_with_head(i % 2 ? "kukes" : "shkoder", "Gjon", lasts[i]);
	int64_t headless = add_family(db, "diber");
	/* Albanian order: c < ç < d < dh < e < ë < z < zh; headless last */
	const char *want[] = {"Cani",     "Çela", "Dushku", "Dhima", "Elezi",
	                      "Ëngjëlli", "Zeka", "Zhuri",  ""};
	struct db_family_filter q = {0};
	struct db_family_row *r = NULL;
	int n = 0;
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(r[i].head_last, want[i]);
	assert_int_equal(r[8].id, headless);
	assert_int_equal(r[0].members, 1);
	assert_string_equal(r[0].head_first, "Gjon");
	free(r);
	int count = 0;
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 9);

	/* keyset paging: pages of 3 forward, then back, then the last */
	q.limit = 3;
	struct db_family_row page[3][3];
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 3);
	memcpy(page[0], r, sizeof page[0]);
	free(r);
	for (int pg = 1; pg < 3; pg++) {
		q.page = DB_PAGE_NEXT;
		q.anchor = &page[pg - 1][2];
		assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
		assert_int_equal(n, 3);
		memcpy(page[pg], r, sizeof page[pg]);
		free(r);
		for (int i = 0; i < 3; i++)
			assert_string_equal(page[pg][i].head_last, want[pg * 3 + i]);
	}
	q.anchor = &page[2][2];
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(r);
	q.page = DB_PAGE_PREV;
	q.anchor = &page[2][0];
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(r[i].id, page[1][i].id);
	free(r);
	q.page = DB_PAGE_LAST;
	q.limit = 2;
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].head_last, "Zhuri");
	assert_int_equal(r[1].id, headless);
	free(r);
	q.page = DB_PAGE_FIRST;
	q.offset = 4;
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].head_last, "Elezi");
	free(r);
	q.page = DB_PAGE_NEXT;
	q.anchor = NULL;
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_INVALID);

	/* search: accents optional, by code, by phone, by a member's name */
	memset(&q, 0, sizeof q);
	q.search = "cela";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, ids[2]);
	free(r);
	q.search = "engjel";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(r);
	struct db_family hf;
	assert_int_equal(db_family_get(db, &reg, headless, &hf, &e), DB_OK);
	q.search = hf.code; /* no members: found by the code itself */
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, headless);
	free(r);
	q.search = "kuk-2026";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 4);
	/* the family's phone (069 123 4567 on every test family), typed any way */
	const char *phones[] = {"069 123", "0691234567", "+355 69 123 4567", "00355691", "69-123"};
	for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
		q.search = phones[i];
		assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
		assert_int_equal(count, 9);
	}
	q.search = "068";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 0);
	q.search = "00";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 9); /* nothing searchable: not filtered */
	/* a member's phone */
	struct db_family hz;
	assert_int_equal(db_family_get(db, &reg, ids[6], &hz, &e), DB_OK);
	struct db_person hzp;
	assert_int_equal(db_person_get(db, &reg, hz.head_person_id, &hzp, &e), DB_OK);
	util_strlcpy(hzp.phone, "068 765 4321", sizeof hzp.phone);
	assert_int_equal(db_person_update(db, &reg, &hzp, &e), DB_OK);
	q.search = "068 76";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, ids[6]);
	free(r);
	add_person(ids[5], "Vjollca", "Zeka", 'F', "1999-09-09", "spouse");
	q.search = "vjollc";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, ids[5]);
	assert_int_equal(r[0].members, 2);
	free(r);
	/* hostile searches: no error, no rows, nothing dropped */
	const char *hostile[] = {"'; DROP TABLE family; --", "\"", "NEAR(a b)", "a OR b*", "*", "-",
	                         "\xe2\x80\x8f\xe2\x80\x8f", "^a", "col:val"};
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		q.search = hostile[i];
		int rc = db_family_list(db, &reg, &q, &r, &n, &e);
		if (rc != DB_OK && rc != DB_INVALID)
			fail_msg("search '%s': %d %s %s", hostile[i], rc, e.key, e.detail);
		free(r);
	}
	q.search = "'; DROP TABLE family; --";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(r);
	char *big = big_string(10000, 'x');
	q.search = big;
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	free(big);
	q.search = "\xff\xfe";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_INVALID);
	assert_int_equal(scalar(db, "SELECT count(*) FROM family", NULL), 9);

	/* filters */
	memset(&q, 0, sizeof q);
	q.municipality = "kukes";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 4);
	q.municipality = "tirane";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_INVALID);
	memset(&q, 0, sizeof q);
	q.risk = "none";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 9);
	/* the family's level is the highest latest level of it and its members */
	struct db_screening_new s = {
	    .family_id = ids[5], .screened_on = "2026-03-01", .medium_at = 3, .high_at = 6};
	assert_int_equal(db_screening_add(db, &reg, &s, NULL, &e), DB_OK);
	q.risk = "low";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, ids[5]);
	assert_string_equal(r[0].risk_level, "low");
	free(r);
	struct db_family fz;
	assert_int_equal(db_family_get(db, &reg, ids[5], &fz, &e), DB_OK);
	struct db_screening_factor hi[1] = {{"forced_labour", true, 9, ""}};
	struct db_screening_new s2 = {.person_id = fz.head_person_id,
	                              .screened_on = "2026-03-02",
	                              .factors = hi,
	                              .nfactors = 1,
	                              .medium_at = 3,
	                              .high_at = 6};
	int64_t sid = 0;
	assert_int_equal(db_screening_add(db, &reg, &s2, &sid, &e), DB_OK);
	q.risk = "high";
	assert_int_equal(db_family_list(db, &reg, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].risk_level, "high");
	free(r);
	/* an override down follows too, and so does the member leaving */
	struct db_screening sc;
	assert_int_equal(db_screening_get(db, &reg, sid, &sc, NULL, NULL, &e), DB_OK);
	assert_int_equal(
	    db_screening_override(db, &mgr, sid, sc.version, "medium", "Rasti u qartësua", &e),
	    DB_OK);
	assert_int_equal(db_family_get(db, &reg, ids[5], &fz, &e), DB_OK);
	assert_string_equal(fz.risk_level, "medium");
	struct db_person hp;
	assert_int_equal(db_person_get(db, &reg, fz.head_person_id, &hp, &e), DB_OK);
	assert_int_equal(db_person_delete(db, &reg, hp.id, hp.version, &e), DB_OK);
	assert_int_equal(db_family_get(db, &reg, ids[5], &fz, &e), DB_OK);
	assert_string_equal(fz.risk_level, "low");
	memset(&q, 0, sizeof q);
	q.status = "closed";
	assert_int_equal(db_family_count(db, &reg, &q, &count, &e), DB_OK);
	assert_int_equal(count, 0);

	/* roles */
	memset(&q, 0, sizeof q);
	assert_int_equal(db_family_list(db, &tch, &q, &r, &n, &e), DB_DENIED);
	assert_int_equal(db_family_list(db, &vwr, &q, &r, &n, &e), DB_DENIED);
	assert_int_equal(db_family_count(db, &vwr, &q, &count, &e), DB_DENIED);
	assert_int_equal(db_family_list(db, &cns, &q, &r, &n, &e), DB_OK);
	assert_int_equal(n, 0); /* no clients yet */
	free(r);
}

/* Back to the main database, whatever happened in test_family_list. */
static int list_teardown(void **state)
{
	(void)state;
	if (keep) {
		db_close(db);
		db = keep;
		keep = NULL;
	}
	return 0;
}

/* ======================================================================
 * Consent
 * ==================================================================== */

static void test_consent(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "shkoder");
	int64_t mother = add_person(fid, "Mrika", "Ndreu", 'F', "1984-04-04", "head");
	struct db_consent c;
	assert_int_equal(db_consent_current(db, &reg, fid, &c, &e), DB_NOTFOUND);
	assert_string_equal(e.key, "err:consent_missing");
	int64_t cid = 0;
	assert_int_equal(db_consent_add(db, &reg, fid, "2026-03-02", mother, NULL,
	                                "health, education health  legal_aid", &cid, &e),
	                 DB_OK);
	assert_int_equal(db_consent_current(db, &cns, fid, &c, &e), DB_DENIED);
	assert_int_equal(db_consent_current(db, &reg, fid, &c, &e), DB_OK);
	assert_int_equal(c.id, cid);
	assert_string_equal(c.scope, "health education legal_aid");
	assert_string_equal(c.given_by_name, "Mrika Ndreu");
	assert_true(db_consent_covers(&c, "education"));
	assert_true(db_consent_covers(&c, "legal_aid"));
	assert_false(db_consent_covers(&c, "legal"));
	assert_false(db_consent_covers(&c, "police"));
	assert_false(db_consent_covers(&c, ""));

	/* refused values */
	assert_int_equal(db_consent_add(db, &reg, fid, NULL, 0, NULL, "health", NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:consent_given_by");
	assert_int_equal(
	    db_consent_add(db, &reg, fid, NULL, 0, "Nëna", "health; DROP TABLE consent", NULL, &e),
	    DB_INVALID);
	assert_string_equal(e.key, "err:consent_scope");
	assert_int_equal(db_consent_add(db, &reg, fid, "2026-04-01", 0, "Nëna", "health", NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:date_future");
	int64_t other = add_family(db, "shkoder");
	int64_t stranger = add_person(other, "Lule", "Prenga", 'F', "1980-01-01", "head");
	assert_int_equal(db_consent_add(db, &reg, fid, NULL, stranger, NULL, "health", NULL, &e),
	                 DB_INVALID);
	char *big = big_string(10000, 'n');
	assert_int_equal(db_consent_add(db, &reg, fid, NULL, 0, big, "health", NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	free(big);
	assert_int_equal(db_consent_add(db, &cns, fid, NULL, 0, "Nëna", "health", NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_consent_add(db, &vwr, fid, NULL, 0, "Nëna", "health", NULL, &e),
	                 DB_DENIED);

	/* withdrawal: the newest consent decides */
	assert_int_equal(db_consent_withdraw(db, &reg, cid, c.version + 1, NULL, &e), DB_STALE);
	assert_int_equal(db_consent_withdraw(db, &reg, cid, c.version, "2026-03-01", &e),
	                 DB_INVALID);
	assert_int_equal(db_consent_withdraw(db, &reg, cid, c.version, NULL, &e), DB_OK);
	assert_int_equal(db_consent_current(db, &reg, fid, &c, &e), DB_NOTFOUND);
	assert_int_equal(db_consent_withdraw(db, &reg, cid, c.version + 1, NULL, &e), DB_CONFLICT);
	assert_int_equal(
	    db_consent_add(db, &reg, fid, NULL, 0, "Gjyshja", "social_services", NULL, &e), DB_OK);
	assert_int_equal(db_consent_current(db, &reg, fid, &c, &e), DB_OK);
	assert_string_equal(c.given_by_name, "Gjyshja");
	struct db_consent *rows = NULL;
	int n = 0;
	assert_int_equal(db_consent_list(db, &reg, fid, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[1].withdrawn_on, TODAY);
	free(rows);
	assert_int_equal(db_consent_list(db, &tch, fid, &rows, &n, &e), DB_DENIED);
}

/* ======================================================================
 * Screening
 * ==================================================================== */

static void test_screening(void **state)
{
	(void)state;
	struct qerr e = {0};
	assert_string_equal(db_risk_level(0, 3, 6), "low");
	assert_string_equal(db_risk_level(3, 3, 6), "medium");
	assert_string_equal(db_risk_level(5, 3, 6), "medium");
	assert_string_equal(db_risk_level(6, 3, 6), "high");

	int64_t fid = add_family(db, "kukes");
	int64_t child = add_person(fid, "Elira", "Gjeka", 'F', "2013-02-02", "child");
	int64_t s1 = screen_person(child, NULL, NULL);
	struct db_screening s;
	struct db_screening_factor *f = NULL;
	int nf = 0;
	assert_int_equal(db_screening_get(db, &reg, s1, &s, &f, &nf, &e), DB_OK);
	assert_int_equal(s.score, 5);
	assert_string_equal(s.level_computed, "medium");
	assert_string_equal(s.level, "medium");
	assert_string_equal(s.rescreen_due, "2026-09-05");
	assert_string_equal(s.staff_name, "Përdorues Prove");
	assert_int_equal(s.person_id, child);
	assert_int_equal(nf, 3);
	assert_string_equal(f[0].key, "domestic_violence");
	assert_true(f[0].present);
	assert_int_equal(f[0].weight, 3);
	assert_string_equal(f[0].note, "fqinjët e kanë parë");
	assert_false(f[2].present);
	free(f);

	/* an override needs a reason */
	int64_t count = scalar(db, "SELECT count(*) FROM screening", NULL);
	struct db_screening_new in = {.person_id = child,
	                              .factors = factors3,
	                              .nfactors = 3,
	                              .medium_at = 3,
	                              .high_at = 6,
	                              .level = "high"};
	assert_int_equal(db_screening_add(db, &reg, &in, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:override_reason");
	in.override_reason = "   ";
	assert_int_equal(db_screening_add(db, &reg, &in, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:override_reason");
	in.level = "extreme";
	assert_int_equal(db_screening_add(db, &reg, &in, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:level_invalid");
	assert_int_equal(scalar(db, "SELECT count(*) FROM screening", NULL), count);
	int64_t s2 = screen_person(child, "high", "Vëllai u largua nga shtëpia");
	assert_int_equal(db_screening_get(db, &reg, s2, &s, NULL, NULL, &e), DB_OK);
	assert_string_equal(s.level, "high");
	assert_string_equal(s.level_computed, "medium");
	assert_string_equal(s.override_reason, "Vëllai u largua nga shtëpia");
	assert_int_equal(audit_count("screening_add_override"), 1);

	/* override later: manager or registrar, with a reason; stale refused */
	assert_int_equal(db_screening_override(db, &cns, s1, 1, "high", "arsye", &e), DB_DENIED);
	assert_int_equal(db_screening_override(db, &reg, s1, 1, "high", "", &e), DB_INVALID);
	assert_string_equal(e.key, "err:override_reason");
	assert_int_equal(db_screening_override(db, &reg, s1, 1, "high", "Rrezik i ri", &e), DB_OK);
	assert_int_equal(db_screening_override(db, &mgr, s1, 1, "low", "Gabim", &e), DB_STALE);
	assert_int_equal(db_screening_get(db, &reg, s1, &s, NULL, NULL, &e), DB_OK);
	assert_string_equal(s.level, "high");
	assert_int_equal(s.version, 2);
	/* back to the computed level clears the override */
	assert_int_equal(db_screening_override(db, &mgr, s1, 2, "medium", "U rishikua", &e), DB_OK);
	assert_int_equal(db_screening_get(db, &reg, s1, &s, NULL, NULL, &e), DB_OK);
	assert_string_equal(s.override_reason, "");
	assert_int_equal(audit_count("screening_override"), 2);

	/* history and latest */
	struct db_screening *rows = NULL;
	int n = 0;
	assert_int_equal(db_screening_list(db, &reg, child, 0, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, s2); /* same date: the later one first */
	free(rows);
	assert_int_equal(db_screening_latest(db, &reg, child, 0, &s, &e), DB_OK);
	assert_int_equal(s.id, s2);
	assert_int_equal(db_screening_latest(db, &reg, 0, fid, &s, &e), DB_NOTFOUND);

	/* refused inputs */
	struct db_screening_factor bad[2] = {{"school_dropout", true, 2, ""},
	                                     {"school_dropout", false, 1, ""}};
	struct db_screening_new b = {
	    .person_id = child, .factors = bad, .nfactors = 2, .medium_at = 3, .high_at = 6};
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:screening_factor");
	bad[1] = (struct db_screening_factor){"Bad Key", true, 1, ""};
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	bad[1] = (struct db_screening_factor){"blood_feud", true, 101, ""};
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	bad[1] = (struct db_screening_factor){"blood_feud", true, 1, "\x01"};
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	b.nfactors = 1;
	b.family_id = fid;
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:screening_subject");
	b.family_id = 0;
	b.high_at = 2;
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:screening_thresholds");
	b.high_at = 6;
	b.screened_on = "2026-03-11";
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	b.screened_on = NULL;
	b.rescreen_due = "2026-01-01";
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_INVALID);
	b.rescreen_due = NULL;
	b.person_id = 999999;
	assert_int_equal(db_screening_add(db, &reg, &b, NULL, &e), DB_NOTFOUND);
	b.person_id = child;
	assert_int_equal(db_screening_add(db, &cns, &b, NULL, &e), DB_DENIED);
	assert_int_equal(db_screening_add(db, &tch, &b, NULL, &e), DB_DENIED);
	assert_int_equal(scalar(db, "SELECT count(*) FROM screening", NULL), count + 1);

	/* a family screening */
	struct db_screening_new fam = {
	    .family_id = fid, .factors = factors3, .nfactors = 3, .medium_at = 2, .high_at = 4};
	int64_t s3 = 0;
	assert_int_equal(db_screening_add(db, &reg, &fam, &s3, &e), DB_OK);
	assert_int_equal(db_screening_latest(db, &reg, 0, fid, &s, &e), DB_OK);
	assert_int_equal(s.id, s3);
	assert_string_equal(s.level, "high");
	assert_string_equal(s.screened_on, TODAY);
}

/* ======================================================================
 * Visits
 * ==================================================================== */

static void test_visits(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "diber");
	int64_t pid = add_person(fid, "Arta", "Dibra", 'F', "2009-09-09", "child");
	int64_t v1 = 0, v2 = 0, v3 = 0;
	assert_int_equal(
	    db_visit_add(db, &reg, pid, NULL, "information", "Pyeti për kursin", &v1, &e), DB_OK);
	assert_int_equal(
	    db_visit_add(db, &cns, pid, "2026-03-10 08:30", "counselling", NULL, &v2, &e), DB_OK);
	assert_int_equal(
	    db_visit_add(db, &reg, pid, "2026-03-09 15:00:00", "information", NULL, &v3, &e),
	    DB_OK);
	assert_int_equal(db_visit_add(db, &tch, pid, NULL, "information", NULL, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_visit_add(db, &vwr, pid, NULL, "information", NULL, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_visit_add(db, &reg, pid, NULL, "Information!", NULL, NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.detail, "purpose");
	assert_int_equal(db_visit_add(db, &reg, pid, NULL, "", NULL, NULL, &e), DB_INVALID);
	assert_int_equal(
	    db_visit_add(db, &reg, pid, "2026-03-11 09:00", "information", NULL, NULL, &e),
	    DB_INVALID);
	assert_string_equal(e.key, "err:date_future");
	assert_int_equal(db_visit_add(db, &reg, pid, "10.03.2026", "information", NULL, NULL, &e),
	                 DB_INVALID);
	assert_int_equal(
	    db_visit_add(db, &reg, pid, "2026-03-10 25:00", "information", NULL, NULL, &e),
	    DB_INVALID);
	assert_int_equal(db_visit_add(db, &reg, 888888, NULL, "information", NULL, NULL, &e),
	                 DB_NOTFOUND);
	char *big = big_string(10000, 'v');
	int64_t audits = audit_total();
	assert_int_equal(db_visit_add(db, &reg, pid, NULL, "information", big, NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	assert_int_equal(
	    db_visit_add(db, &reg, pid, NULL, "information", "Shënim \xed\xa0\x80", NULL, &e),
	    DB_INVALID); /* a UTF-16 surrogate */
	assert_int_equal(audit_total(), audits);

	/* today's list, newest first */
	struct db_visit *rows = NULL;
	int n = 0;
	assert_int_equal(db_visit_list_day(db, &reg, NULL, &rows, &n, &e), DB_OK);
	int found = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(rows[i - 1].at, rows[i].at) >= 0);
		if (rows[i].id == v1) {
			found++;
			assert_string_equal(rows[i].first_name, "Arta");
			assert_string_equal(rows[i].note, "Pyeti për kursin");
			assert_true(rows[i].editable);
		}
		if (rows[i].id == v2) {
			found++;
			assert_false(rows[i].editable); /* a registrar, not its author */
		}
		assert_true(rows[i].id != v3);
	}
	assert_int_equal(found, 2);
	free(rows);
	assert_int_equal(db_visit_list_day(db, &reg, "2026-03-09", &rows, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, v3);
	free(rows);
	assert_int_equal(db_visit_list_day(db, &tch, NULL, &rows, &n, &e), DB_DENIED);
	assert_int_equal(db_visit_list_day(db, &vwr, NULL, &rows, &n, &e), DB_DENIED);
	assert_int_equal(db_visit_list_day(db, &reg, "'; DROP TABLE visit", &rows, &n, &e),
	                 DB_INVALID);

	/* a counsellor sees notes only of their own visits or clients */
	assert_int_equal(db_visit_list_day(db, &cns2, NULL, &rows, &n, &e), DB_OK);
	for (int i = 0; i < n; i++)
		if (rows[i].id == v1)
			assert_string_equal(rows[i].note, "");
	free(rows);

	/* editing: the author on the day; others never; a manager always */
	struct db_visit v;
	assert_int_equal(db_visit_get(db, &reg, v1, &v, &e), DB_OK);
	assert_int_equal(db_visit_update(db, &reg2, v1, v.version, "information", "x", &e),
	                 DB_DENIED);
	assert_int_equal(db_visit_update(db, &reg, v1, v.version, "support", "Ndryshuar", &e),
	                 DB_OK);
	assert_int_equal(db_visit_update(db, &reg, v1, v.version, "support", "Stale", &e),
	                 DB_STALE);
	assert_int_equal(db_visit_get(db, &reg, v1, &v, &e), DB_OK);
	assert_string_equal(v.note, "Ndryshuar");
	assert_string_equal(v.purpose, "support");
	assert_int_equal(db_visit_update(db, &reg, v1, v.version, "support", big, &e), DB_INVALID);
	free(big);
	setenv("QENDRA_NOW", "2026-03-11 08:00:00", 1);
	assert_int_equal(db_visit_update(db, &reg, v1, v.version, "support", "Të nesërmen", &e),
	                 DB_DENIED);
	assert_string_equal(e.key, "err:visit_not_editable");
	assert_int_equal(db_visit_delete(db, &reg, v1, v.version, &e), DB_DENIED);
	assert_int_equal(db_visit_update(db, &mgr, v1, v.version, "support", "Menaxheri", &e),
	                 DB_OK);
	assert_int_equal(db_visit_get(db, &reg, v1, &v, &e), DB_OK);
	assert_false(v.editable);
	assert_int_equal(db_visit_get(db, &mgr, v1, &v, &e), DB_OK);
	assert_true(v.editable);
	assert_int_equal(db_visit_delete(db, &mgr, v1, v.version, &e), DB_OK);
	assert_int_equal(db_visit_get(db, &reg, v1, &v, &e), DB_NOTFOUND);
	setenv("QENDRA_NOW", NOW, 1);
	assert_int_equal(db_visit_get(db, &cns, v2, &v, &e), DB_OK);
	assert_int_equal(db_visit_delete(db, &cns, v2, v.version, &e), DB_OK);
	assert_int_equal(db_visit_get(db, &tch, v3, &v, &e), DB_DENIED);

	assert_int_equal(db_visit_list_person(db, &reg, pid, 0, &rows, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, v3);
	free(rows);

	/* anonymous walk-ins */
	int count = -1;
	assert_int_equal(db_visit_tally_count(db, &vwr, NULL, &count, &e), DB_OK);
	assert_int_equal(count, 0);
	assert_int_equal(db_visit_tally_add(db, &reg, NULL, 'F', "12_14", "information", NULL, &e),
	                 DB_OK);
	assert_int_equal(db_visit_tally_add(db, &cns, NULL, 'M', "25_plus", NULL, NULL, &e), DB_OK);
	assert_int_equal(
	    db_visit_tally_add(db, &reg, "2026-03-09 11:00", 'M', "6_11", NULL, NULL, &e), DB_OK);
	assert_int_equal(db_visit_tally_add(db, &reg, NULL, 'X', "12_14", NULL, NULL, &e),
	                 DB_INVALID);
	assert_int_equal(db_visit_tally_add(db, &reg, NULL, 'F', "13-15", NULL, NULL, &e),
	                 DB_INVALID);
	assert_int_equal(db_visit_tally_add(db, &tch, NULL, 'F', "12_14", NULL, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_visit_tally_add(db, &vwr, NULL, 'F', "12_14", NULL, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_visit_tally_count(db, &reg, NULL, &count, &e), DB_OK);
	assert_int_equal(count, 2);
	assert_int_equal(db_visit_tally_count(db, &vwr, "2026-03-09", &count, &e), DB_OK);
	assert_int_equal(count, 1);
	assert_int_equal(db_visit_tally_count(db, &tch, NULL, &count, &e), DB_DENIED);
}

/* ======================================================================
 * Referrals
 * ==================================================================== */

static void test_referrals(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "shkoder");
	int64_t pid = add_person(fid, "Klea", "Bushati", 'F', "2011-11-11", "child");
	struct db_referral_new in = {.person_id = pid,
	                             .service = "education",
	                             .organisation = "Drejtoria Arsimore Shkodër",
	                             .reason = "Braktisje e shkollës",
	                             .follow_up_due = "2026-03-20"};
	int64_t audits = audit_total();
	int64_t refs = scalar(db, "SELECT count(*) FROM referral", NULL);
	/* no consent at all */
	assert_int_equal(db_referral_add(db, &reg, &in, NULL, NULL, &e), DB_DENIED);
	assert_string_equal(e.key, "err:consent_missing");
	give_consent(fid, "health social_services");
	/* consent, but not for this service */
	assert_int_equal(db_referral_add(db, &reg, &in, NULL, NULL, &e), DB_DENIED);
	assert_string_equal(e.key, "err:consent_missing");
	/* only a manager may override, and only with a reason */
	in.consent_override = "Fëmija rrezikon vitin shkollor";
	assert_int_equal(db_referral_add(db, &reg, &in, NULL, NULL, &e), DB_DENIED);
	in.consent_override = NULL;
	assert_int_equal(db_referral_add(db, &mgr, &in, NULL, NULL, &e), DB_DENIED);
	assert_int_equal(scalar(db, "SELECT count(*) FROM referral", NULL), refs);
	int64_t before_consent_audits = audit_total();
	assert_int_equal(before_consent_audits, audits + 1); /* the consent_add */
	in.consent_override = "Fëmija rrezikon vitin shkollor";
	int64_t r1 = 0;
	char code[DB_CODE_SZ];
	assert_int_equal(db_referral_add(db, &mgr, &in, &r1, code, &e), DB_OK);
	assert_string_equal(code, "REF-2026-00001");
	assert_int_equal(audit_count("referral_consent_override"), 1);
	assert_int_equal(
	    scalar(db,
	           "SELECT count(*) FROM audit WHERE action = 'referral_consent_override'"
	           " AND detail LIKE 'education: Fëmija%'",
	           NULL),
	    1);
	struct db_referral r;
	assert_int_equal(db_referral_get(db, &reg, r1, &r, &e), DB_OK);
	assert_string_equal(r.consent_override, "Fëmija rrezikon vitin shkollor");
	assert_string_equal(r.status, "referred");
	assert_string_equal(r.code, "REF-2026-00001");
	assert_string_equal(r.first_name, "Klea");
	assert_true(r.family_code[0] != '\0');
	assert_string_equal(r.municipality, "shkoder");
	assert_string_equal(r.staff_name, "Përdorues Prove");
	assert_int_equal(r.days_waiting, 0);

	/* with consent: no override stored even if one is given */
	in.service = "health";
	in.organisation = "Qendra Shëndetësore Nr. 2";
	int64_t r2 = 0;
	assert_int_equal(db_referral_add(db, &reg, &in, &r2, code, &e), DB_OK);
	assert_string_equal(code, "REF-2026-00002");
	assert_int_equal(db_referral_get(db, &reg, r2, &r, &e), DB_OK);
	assert_string_equal(r.consent_override, "");
	in.consent_override = NULL;
	in.referred_on = "2025-12-01";
	in.follow_up_due = NULL;
	int64_t r3 = 0;
	assert_int_equal(db_referral_add(db, &reg, &in, &r3, code, &e), DB_OK);
	assert_string_equal(code, "REF-2025-00001");
	in.referred_on = "2026-03-09";
	int64_t r4 = 0;
	assert_int_equal(db_referral_add(db, &reg, &in, &r4, code, &e), DB_OK);
	assert_string_equal(code, "REF-2026-00003");

	/* refused values */
	struct db_referral_new bad = in;
	bad.service = "Health Care";
	assert_int_equal(db_referral_add(db, &reg, &bad, NULL, NULL, &e), DB_INVALID);
	bad = in;
	bad.organisation = "";
	assert_int_equal(db_referral_add(db, &reg, &bad, NULL, NULL, &e), DB_INVALID);
	assert_string_equal(e.detail, "organisation");
	char *big = big_string(10000, 'r');
	bad = in;
	bad.reason = big;
	assert_int_equal(db_referral_add(db, &reg, &bad, NULL, NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:field_too_long");
	bad = in;
	bad.referred_on = "2026-03-12";
	assert_int_equal(db_referral_add(db, &reg, &bad, NULL, NULL, &e), DB_INVALID);
	bad = in;
	bad.follow_up_due = "2026-03-01";
	assert_int_equal(db_referral_add(db, &reg, &bad, NULL, NULL, &e), DB_INVALID);
	bad = in;
	bad.person_id = 999999;
	assert_int_equal(db_referral_add(db, &reg, &bad, NULL, NULL, &e), DB_NOTFOUND);
	assert_int_equal(db_referral_add(db, &cns, &in, NULL, NULL, &e), DB_DENIED);
	assert_int_equal(db_referral_add(db, &tch, &in, NULL, NULL, &e), DB_DENIED);

	/* the lifecycle */
	assert_true(db_referral_can("referred", "accepted"));
	assert_true(db_referral_can("referred", "no_response"));
	assert_true(db_referral_can("accepted", "completed"));
	assert_false(db_referral_can("referred", "completed"));
	assert_false(db_referral_can("completed", "accepted"));
	assert_false(db_referral_can("declined", "completed"));
	assert_false(db_referral_can("revoked", "referred"));
	assert_int_equal(db_referral_get(db, &reg, r2, &r, &e), DB_OK);
	assert_int_equal(
	    db_referral_set_status(db, &reg, r2, r.version, "completed", NULL, NULL, &e),
	    DB_INVALID);
	assert_string_equal(e.key, "err:referral_transition");
	assert_int_equal(
	    db_referral_set_status(db, &reg, r2, r.version, "referred", NULL, NULL, &e),
	    DB_INVALID);
	assert_int_equal(db_referral_set_status(db, &reg, r2, r.version, "lost", NULL, NULL, &e),
	                 DB_INVALID);
	assert_int_equal(
	    db_referral_set_status(db, &reg, r2, r.version, "accepted", "2026-03-11", NULL, &e),
	    DB_INVALID);
	assert_int_equal(
	    db_referral_set_status(db, &cns, r2, r.version, "accepted", NULL, NULL, &e), DB_DENIED);
	assert_int_equal(db_referral_set_status(db, &reg, r2, r.version, "accepted", NULL,
	                                        "Pranuar me telefon", &e),
	                 DB_OK);
	assert_int_equal(
	    db_referral_set_status(db, &reg2, r2, r.version, "declined", NULL, NULL, &e), DB_STALE);
	assert_int_equal(db_referral_get(db, &reg, r2, &r, &e), DB_OK);
	assert_string_equal(r.status, "accepted");
	assert_int_equal(
	    db_referral_set_status(db, &reg, r2, r.version, "declined", NULL, NULL, &e),
	    DB_INVALID);
	assert_int_equal(
	    db_referral_set_status(db, &reg, r2, r.version, "completed", NULL, "Vizita u krye", &e),
	    DB_OK);
	assert_int_equal(db_referral_get(db, &reg, r2, &r, &e), DB_OK);
	assert_string_equal(r.status, "completed");
	assert_string_equal(r.outcome, "Vizita u krye");
	assert_string_equal(r.status_on, TODAY);
	assert_int_equal(db_referral_set_status(db, &reg, r2, r.version, "revoked", NULL, "x", &e),
	                 DB_INVALID);
	struct db_referral_event *ev = NULL;
	int n = 0;
	assert_int_equal(db_referral_events(db, &reg, r2, &ev, &n, &e), DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].from_status, "");
	assert_string_equal(ev[0].to_status, "referred");
	assert_string_equal(ev[1].to_status, "accepted");
	assert_string_equal(ev[1].note, "Pranuar me telefon");
	assert_string_equal(ev[2].from_status, "accepted");
	assert_string_equal(ev[2].username, "regjistruesi");
	free(ev);
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r2);
	assert_int_equal(scalar(db,
	                        "SELECT count(*) FROM audit WHERE action = 'referral_status'"
	                        " AND record_id = CAST(?1 AS INTEGER)",
	                        idbuf),
	                 2);

	/* revoke needs a reason */
	assert_int_equal(db_referral_get(db, &reg, r1, &r, &e), DB_OK);
	assert_int_equal(db_referral_set_status(db, &reg, r1, r.version, "revoked", NULL, NULL, &e),
	                 DB_INVALID);
	assert_string_equal(e.key, "err:revoke_reason");
	assert_int_equal(db_referral_set_status(db, &reg, r1, r.version, "revoked", NULL, big, &e),
	                 DB_INVALID);
	free(big);

	/* waiting for an answer: r3 (100 days) and r1 (follow-up not yet due)... */
	struct db_referral *w = NULL;
	assert_int_equal(db_referral_waiting(db, &reg, 30, 0, &w, &n, &e), DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(w[0].id, r3);
	assert_true(w[0].overdue);
	assert_int_equal(w[0].days_waiting, 99);
	assert_false(w[1].overdue);
	assert_int_equal(w[1].id, r4); /* oldest first after the overdue */
	assert_int_equal(w[2].id, r1);
	free(w);
	int waiting = 0, overdue = 0;
	assert_int_equal(db_referral_waiting_count(db, &reg, 30, &waiting, &overdue, &e), DB_OK);
	assert_int_equal(waiting, 3);
	assert_int_equal(overdue, 1);
	/* the follow-up date passing makes r1 overdue too */
	setenv("QENDRA_NOW", "2026-03-21 09:00:00", 1);
	assert_int_equal(db_referral_waiting_count(db, &reg, 30, &waiting, &overdue, &e), DB_OK);
	assert_int_equal(overdue, 2);
	setenv("QENDRA_NOW", NOW, 1);
	assert_int_equal(db_referral_set_status(db, &reg, r1, r.version, "revoked", NULL,
	                                        "Familja u zhvendos", &e),
	                 DB_OK);
	assert_int_equal(db_referral_get(db, &reg, r1, &r, &e), DB_OK);
	assert_string_equal(r.revoke_reason, "Familja u zhvendos");
	assert_int_equal(db_referral_get(db, &reg, r3, &r, &e), DB_OK);
	assert_int_equal(
	    db_referral_set_status(db, &reg, r3, r.version, "no_response", NULL, NULL, &e), DB_OK);
	assert_int_equal(db_referral_waiting_count(db, &reg, 30, &waiting, &overdue, &e), DB_OK);
	assert_int_equal(waiting, 1);
	assert_int_equal(overdue, 0);

	struct db_referral *list = NULL;
	assert_int_equal(db_referral_list_person(db, &reg, pid, &list, &n, &e), DB_OK);
	assert_int_equal(n, 4);
	free(list);
	assert_int_equal(db_referral_waiting(db, &tch, 30, 0, &w, &n, &e), DB_DENIED);
	assert_int_equal(db_referral_waiting(db, &vwr, 30, 0, &w, &n, &e), DB_DENIED);
	assert_int_equal(db_referral_waiting_count(db, &tch, 30, &waiting, &overdue, &e),
	                 DB_DENIED);
}

/* ======================================================================
 * The family card
 * ==================================================================== */

static void test_family_card(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "kukes");
	int64_t head = add_person(fid, "Fatmir", "Kukaj", 'M', "1978-03-10", "head");
	int64_t kid = add_person(fid, "Blerina", "Kukaj", 'F', "2014-03-11", "child");
	screen_person(kid, NULL, NULL);
	give_consent(fid, "education health");
	for (int i = 0; i < 7; i++) {
		char at[32];
		snprintf(at, sizeof at, "2026-03-0%d 10:00", i + 1);
		assert_int_equal(
		    db_visit_add(db, &reg, i % 2 ? kid : head, at, "information", NULL, NULL, &e),
		    DB_OK);
	}
	struct db_referral_new in = {.person_id = kid,
	                             .service = "education",
	                             .organisation = "Shkolla",
	                             .reason = "Mungesa"};
	int64_t rid = 0;
	assert_int_equal(db_referral_add(db, &reg, &in, &rid, NULL, &e), DB_OK);
	in.service = "health";
	int64_t rid2 = 0;
	assert_int_equal(db_referral_add(db, &reg, &in, &rid2, NULL, &e), DB_OK);
	struct db_referral r;
	assert_int_equal(db_referral_get(db, &reg, rid2, &r, &e), DB_OK);
	assert_int_equal(
	    db_referral_set_status(db, &reg, rid2, r.version, "declined", NULL, NULL, &e), DB_OK);

	struct db_family_card c;
	assert_int_equal(db_family_card(db, &reg, fid, 5, &c, &e), DB_OK);
	assert_int_equal(c.family.id, fid);
	assert_string_equal(c.family.head_last, "Kukaj");
	assert_string_equal(c.family.risk_level, "medium");
	assert_int_equal(c.nmembers, 2);
	assert_int_equal(c.members[0].id, head);
	assert_int_equal(c.members[0].age, 48); /* birthday today */
	assert_int_equal(c.members[1].age, 11); /* birthday tomorrow */
	assert_string_equal(c.members[1].risk_level, "medium");
	assert_string_equal(c.members[0].risk_level, "");
	assert_true(c.has_screening);
	assert_int_equal(c.screening.person_id, kid);
	assert_true(c.has_consent);
	assert_string_equal(c.consent.scope, "education health");
	assert_int_equal(c.nvisits, 5);
	assert_string_equal(c.visits[0].at, "2026-03-07 10:00:00");
	assert_int_equal(c.nreferrals, 1);
	assert_int_equal(c.referrals[0].id, rid);
	db_family_card_free(&c);
	db_family_card_free(NULL);

	assert_int_equal(db_family_card(db, &tch, fid, 5, &c, &e), DB_DENIED);
	assert_null(c.members);
	assert_int_equal(db_family_card(db, &vwr, fid, 5, &c, &e), DB_DENIED);
	assert_int_equal(db_family_card(db, &cns, fid, 5, &c, &e), DB_DENIED);
	assert_int_equal(db_family_card(db, &reg, 987654, 5, &c, &e), DB_NOTFOUND);

	/* the counsellor of the father sees the card, but not the child's risk */
	make_client(cns.user_id, head);
	assert_int_equal(db_family_card(db, &cns, fid, 5, &c, &e), DB_OK);
	assert_int_equal(c.nmembers, 2);
	assert_string_equal(c.members[1].risk_level, "");
	assert_false(c.has_screening);
	assert_int_equal(c.nreferrals, 0);
	assert_int_equal(c.nvisits, 5);
	db_family_card_free(&c);
}

/* ======================================================================
 * The role matrix (cells not already covered above)
 * ==================================================================== */

static void test_roles(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "shkoder");
	int64_t mother = add_person(fid, "Shpresa", "Leka", 'F', "1982-08-08", "head");
	struct db_person kid;
	fill_person(&kid, fid, "Ilir", "Leka", 'M', "2015-01-20", "child");
	util_strlcpy(kid.father_name, "Tomorr", sizeof kid.father_name);
	util_strlcpy(kid.nid, "N50120123C", sizeof kid.nid);
	util_strlcpy(kid.phone, "0681234567", sizeof kid.phone);
	util_strlcpy(kid.notes, "Konfidenciale", sizeof kid.notes);
	util_strlcpy(kid.school_status, "irregular", sizeof kid.school_status);
	util_strlcpy(kid.school_name, "Shkolla \"Azem Hajdari\"", sizeof kid.school_name);
	kid.school_grade = 5;
	util_strlcpy(kid.disability, "asnjë", sizeof kid.disability);
	assert_int_equal(db_person_add(db, &reg, &kid, &e), DB_OK);
	int64_t sid = screen_person(kid.id, NULL, NULL);
	give_consent(fid, "education");
	struct db_referral_new in = {.person_id = kid.id,
	                             .service = "education",
	                             .organisation = "Shkolla",
	                             .reason = "Mungesa"};
	int64_t rid = 0;
	assert_int_equal(db_referral_add(db, &reg, &in, &rid, NULL, &e), DB_OK);
	make_pupil(tch.user_id, kid.id);

	struct db_person p;
	struct db_family f;
	struct db_screening s;
	struct db_referral r;
	struct db_screening *srows = NULL;
	struct db_referral *rrows = NULL;
	struct db_person *prow = NULL;
	int n = 0;

	/* teacher: names, age, school status of pupils; nothing else */
	assert_int_equal(db_person_get(db, &tch, kid.id, &p, &e), DB_OK);
	assert_true(p.restricted);
	assert_string_equal(p.first_name, "Ilir");
	assert_string_equal(p.last_name, "Leka");
	assert_int_equal(p.age, 11);
	assert_string_equal(p.school_status, "irregular");
	assert_string_equal(p.father_name, "");
	assert_string_equal(p.nid, "");
	assert_string_equal(p.phone, "");
	assert_string_equal(p.notes, "");
	assert_string_equal(p.birth_date, "");
	assert_string_equal(p.disability, "");
	assert_string_equal(p.school_name, "");
	assert_string_equal(p.risk_level, "");
	assert_int_equal(p.family_id, 0);
	assert_int_equal(p.sex, '\0');
	assert_int_equal(db_person_get(db, &tch, mother, &p, &e), DB_DENIED);
	assert_string_equal(e.key, "err:db_denied");
	assert_int_equal(db_person_get(db, &tch2, kid.id, &p, &e), DB_DENIED);
	assert_int_equal(db_family_get(db, &tch, fid, &f, &e), DB_DENIED);
	assert_int_equal(db_person_list_family(db, &tch, fid, &prow, &n, &e), DB_DENIED);
	assert_int_equal(db_screening_get(db, &tch, sid, &s, NULL, NULL, &e), DB_DENIED);
	assert_int_equal(db_screening_list(db, &tch, kid.id, 0, &srows, &n, &e), DB_DENIED);
	assert_int_equal(db_screening_latest(db, &tch, kid.id, 0, &s, &e), DB_DENIED);
	assert_int_equal(db_referral_get(db, &tch, rid, &r, &e), DB_DENIED);
	assert_int_equal(db_referral_list_person(db, &tch, kid.id, &rrows, &n, &e), DB_DENIED);
	struct db_referral_event *ev = NULL;
	assert_int_equal(db_referral_events(db, &tch, rid, &ev, &n, &e), DB_DENIED);
	struct db_visit *vrows = NULL;
	assert_int_equal(db_visit_list_person(db, &tch, kid.id, 0, &vrows, &n, &e), DB_DENIED);
	assert_int_equal(db_person_update(db, &tch, &kid, &e), DB_DENIED);

	/* viewer: nothing with a name */
	assert_int_equal(db_person_get(db, &vwr, kid.id, &p, &e), DB_DENIED);
	assert_int_equal(db_family_get(db, &vwr, fid, &f, &e), DB_DENIED);
	assert_int_equal(db_person_list_family(db, &vwr, fid, &prow, &n, &e), DB_DENIED);
	assert_int_equal(db_screening_get(db, &vwr, sid, &s, NULL, NULL, &e), DB_DENIED);
	assert_int_equal(db_referral_get(db, &vwr, rid, &r, &e), DB_DENIED);
	assert_int_equal(db_visit_list_person(db, &vwr, kid.id, 0, &vrows, &n, &e), DB_DENIED);
	struct db_person_hit *hits = NULL;
	assert_int_equal(db_person_search(db, &vwr, "leka", 10, 0, &hits, &n, &e), DB_DENIED);
	struct db_family nf;
	fill_family(&nf, "shkoder");
	assert_int_equal(db_family_add(db, &vwr, &nf, &e), DB_DENIED);
	assert_int_equal(db_family_add(db, &tch, &nf, &e), DB_DENIED);
	assert_int_equal(db_family_add(db, &cns, &nf, &e), DB_DENIED);
	struct db_person np;
	fill_person(&np, fid, "Ana", "Leka", 'F', "2019-01-01", "child");
	assert_int_equal(db_person_add(db, &vwr, &np, &e), DB_DENIED);
	assert_int_equal(db_person_add(db, &tch, &np, &e), DB_DENIED);
	assert_int_equal(db_person_add(db, &cns, &np, &e), DB_DENIED);
	/* a role outside the enum is refused too */
	struct db_actor odd = {reg.user_id, (enum db_role)77};
	assert_int_equal(db_family_get(db, &odd, fid, &f, &e), DB_DENIED);

	/* counsellor: nothing until the person is a client */
	assert_int_equal(db_family_get(db, &cns2, fid, &f, &e), DB_DENIED);
	assert_int_equal(db_person_get(db, &cns2, kid.id, &p, &e), DB_DENIED);
	assert_int_equal(db_screening_get(db, &cns2, sid, &s, NULL, NULL, &e), DB_DENIED);
	assert_int_equal(db_referral_get(db, &cns2, rid, &r, &e), DB_DENIED);
	make_client(cns2.user_id, mother);
	/* the mother's family is readable, the child's risk data is not */
	assert_int_equal(db_family_get(db, &cns2, fid, &f, &e), DB_OK);
	assert_int_equal(db_person_get(db, &cns2, kid.id, &p, &e), DB_OK);
	assert_false(p.restricted);
	assert_string_equal(p.notes, "Konfidenciale");
	assert_string_equal(p.risk_level, "");
	assert_int_equal(db_screening_get(db, &cns2, sid, &s, NULL, NULL, &e), DB_DENIED);
	assert_int_equal(db_screening_list(db, &cns2, kid.id, 0, &srows, &n, &e), DB_DENIED);
	assert_int_equal(db_referral_get(db, &cns2, rid, &r, &e), DB_DENIED);
	/* once the child is a client too (a group activity counts) */
	char sql[600];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO activity(held_on, title, type, uuid, created_at, updated_at) VALUES"
	    " ('2026-03-12', 'Grup mbështetës', 'peer_support', lower(hex(randomblob(18))),"
	    " '" NOW "', '" NOW "');"
	    "INSERT INTO activity_participant(activity_id, person_id)"
	    " VALUES (last_insert_rowid(), %lld);"
	    "INSERT INTO appointment(activity_id, counsellor_id, type, start_at, duration_min,"
	    " uuid, created_at, updated_at) SELECT max(id), %lld, 'group', '2026-03-12 14:00:00',"
	    " 60, lower(hex(randomblob(18))), '" NOW "', '" NOW "' FROM activity;",
	    (long long)kid.id, (long long)cns2.user_id);
	exec_sql(db, sql);
	assert_int_equal(db_person_get(db, &cns2, kid.id, &p, &e), DB_OK);
	assert_string_equal(p.risk_level, "medium");
	assert_int_equal(db_screening_get(db, &cns2, sid, &s, NULL, NULL, &e), DB_OK);
	assert_int_equal(db_screening_list(db, &cns2, kid.id, 0, &srows, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	free(srows);
	assert_int_equal(db_referral_get(db, &cns2, rid, &r, &e), DB_OK);
	struct db_referral *w = NULL;
	assert_int_equal(db_referral_waiting(db, &cns2, 30, 0, &w, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].id, rid);
	free(w);
	assert_int_equal(db_referral_waiting(db, &cns, 30, 0, &w, &n, &e), DB_OK);
	for (int i = 0; i < n; i++)
		assert_true(w[i].id != rid);
	free(w);
	struct db_family_filter q = {0};
	struct db_family_row *fr = NULL;
	assert_int_equal(db_family_list(db, &cns2, &q, &fr, &n, &e), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fr[0].id, fid);
	free(fr);
	/* ... but still writes nothing but visits */
	assert_int_equal(db_screening_override(db, &cns2, sid, 1, "high", "x", &e), DB_DENIED);
	assert_int_equal(db_referral_set_status(db, &cns2, rid, 1, "accepted", NULL, NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_consent_add(db, &cns2, fid, NULL, 0, "Nëna", "health", NULL, &e),
	                 DB_DENIED);
	assert_int_equal(db_person_update(db, &cns2, &p, &e), DB_DENIED);
	assert_int_equal(db_person_delete(db, &cns2, p.id, p.version, &e), DB_DENIED);
	assert_int_equal(
	    db_visit_add(db, &cns2, kid.id, NULL, "counselling", "Erdhi vetë", NULL, &e), DB_OK);

	/* a stale version for a write the role may not do is still DB_DENIED */
	assert_int_equal(db_family_delete(db, &vwr, fid, 12345, &e), DB_DENIED);

	/* manager sees everything, including the audit trail */
	struct db_audit_row *a = NULL;
	assert_int_equal(db_audit_list(db, &mgr, "person", kid.id, 10, &a, &n, &e), DB_OK);
	assert_true(n >= 1);
	assert_string_equal(a[n - 1].action, "person_add");
	assert_string_equal(a[n - 1].username, "regjistruesi");
	free(a);
	assert_int_equal(db_audit_list(db, &reg, "person", kid.id, 10, &a, &n, &e), DB_DENIED);
}

/* ======================================================================
 * Audit rows share the transaction of the change
 * ==================================================================== */

static void test_audit_same_transaction(void **state)
{
	(void)state;
	struct qerr e = {0};
	int64_t fid = add_family(db, "diber");
	int64_t families = scalar(db, "SELECT count(*) FROM family", NULL);
	int64_t seq = scalar(db,
	                     "SELECT last FROM family_code_seq WHERE prefix = 'DIB'"
	                     " AND year = 2026",
	                     NULL);
	int64_t persons = scalar(db, "SELECT count(*) FROM person", NULL);
	/* make the audit insert fail: the change must go with it */
	exec_sql(db, "CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON main.audit"
	             " BEGIN SELECT RAISE(ABORT, 'audit disk full'); END;");
	struct db_family f;
	fill_family(&f, "diber");
	assert_int_not_equal(db_family_add(db, &reg, &f, &e), DB_OK);
	struct db_person p;
	fill_person(&p, fid, "Zef", "Pali", 'M', "1960-06-06", "head");
	assert_int_not_equal(db_person_add(db, &reg, &p, &e), DB_OK);
	assert_int_not_equal(db_visit_tally_add(db, &reg, NULL, 'F', "0_5", NULL, NULL, &e), DB_OK);
	exec_sql(db, "DROP TRIGGER temp.audit_fails");
	assert_int_equal(scalar(db, "SELECT count(*) FROM family", NULL), families);
	assert_int_equal(scalar(db, "SELECT count(*) FROM person", NULL), persons);
	assert_int_equal(scalar(db,
	                        "SELECT last FROM family_code_seq WHERE prefix = 'DIB'"
	                        " AND year = 2026",
	                        NULL),
	                 seq);
	/* the connection is usable afterwards, and the next code is the next number */
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_OK);
	char want[48];
	snprintf(want, sizeof want, "DIB-2026-%04lld", (long long)seq + 1);
	assert_string_equal(f.code, want);
	assert_int_equal(scalar(db,
	                        "SELECT count(*) FROM audit WHERE action = 'family_add'"
	                        " AND detail = ?1",
	                        want),
	                 1);
	/* and a refused write (denied, invalid) leaves no audit row either */
	int64_t audits = audit_total();
	assert_int_equal(db_family_add(db, &vwr, &f, &e), DB_DENIED);
	util_strlcpy(f.municipality, "durres", sizeof f.municipality);
	assert_int_equal(db_family_add(db, &reg, &f, &e), DB_INVALID);
	assert_int_equal(audit_total(), audits);
	assert_int_equal(db_check(db, &e), DB_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_schema_version, setup),
	    cmocka_unit_test_setup(test_family_add_codes, setup),
	    cmocka_unit_test_setup(test_family_validation, setup),
	    cmocka_unit_test_setup(test_family_update_stale, setup),
	    cmocka_unit_test_setup(test_two_desks, setup),
	    cmocka_unit_test_setup(test_codes_concurrent, setup),
	    cmocka_unit_test_setup(test_family_delete, setup),
	    cmocka_unit_test_setup(test_person_add_get_update, setup),
	    cmocka_unit_test_setup(test_person_validation, setup),
	    cmocka_unit_test_setup(test_person_nid_unique, setup),
	    cmocka_unit_test_setup(test_duplicates, setup),
	    cmocka_unit_test_setup_teardown(test_family_list, setup, list_teardown),
	    cmocka_unit_test_setup(test_consent, setup),
	    cmocka_unit_test_setup(test_screening, setup),
	    cmocka_unit_test_setup(test_visits, setup),
	    cmocka_unit_test_setup(test_referrals, setup),
	    cmocka_unit_test_setup(test_family_card, setup),
	    cmocka_unit_test_setup(test_roles, setup),
	    cmocka_unit_test_setup(test_audit_same_transaction, setup),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
