/*
 * test_families — end-to-end tests of the registrar's screens (tui/fam_*.c):
 * the real qendra binary ($QENDRA_BIN, default ./qendra) in a
 * pseudo-terminal of 80x24, on a copy of one demo database (30 families)
 * per test, with the clock pinned (QENDRA_NOW) so family codes are
 * predictable. Every step waits for the screen; nothing sleeps a fixed time.
 * The database is checked afterwards with plain sqlite3.
 *
 * Covered: finding a family by typing a name without accents and opening its
 * card; the guided registration of a family with two members whose names
 * hold ë and ç, a screening and a consent, in Albanian (names stored
 * exactly, code SHK-2026-NNNN); the duplicate warning (go back, open the
 * existing family, register anyway); a screening of a member (screening and
 * factor rows); invalid phone, name, date and personal number refused with
 * the message and nothing half-saved; the edit conflict between two running
 * instances on one database file; a teacher without the families menu and a
 * counsellor who may only read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/pty.h"
#include "util/util.h"

#define T_WAIT 10000 /* ms: generous, Argon2 on a loaded CI machine is slow */
#define NOW    "2026-11-23 10:00:00"
#define YEAR   "2026"

static const char *const pinned_env[] = {"QENDRA_NOW=" NOW, "QENDRA_IDLE_SECONDS=0", NULL};

/* The demo database made once for the whole file; each test gets a copy. */
static char template_dir[64];
static char template_db[128];

struct fx {
	char dir[64];
	char db[128];
};

static const char *bin(void)
{
	const char *b = getenv("QENDRA_BIN");
	return b && *b ? b : "./qendra";
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(template_dir, sizeof template_dir, "/tmp/qendra-e2e-fam-XXXXXX");
	if (!mkdtemp(template_dir))
		return -1;
	snprintf(template_db, sizeof template_db, "%s/demo.db", template_dir);
	char *cmd = xasprintf("QENDRA_NOW='" NOW "' '%s' demo --db '%s' --families 30"
	                      " </dev/null >'%s/setup.log' 2>&1",
	                      bin(), template_db, template_dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "qendra demo failed (%d); see %s/setup.log\n", rc, template_dir);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", template_dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/qendra-e2e-fam-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof f->db, "%s/q.db", f->dir);
	char *cmd = xasprintf("cp '%s' '%s'", template_db, f->db);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static struct pty *start(struct fx *f, const char *lang)
{
	const char *argv[] = {bin(), "--db", f->db, "--lang", lang, NULL};
	struct pty_opts o = {.rows = 24, .cols = 80, .argv = argv, .env = pinned_env};
	struct pty *p = pty_spawn(&o);
	assert_non_null(p);
	return p;
}

static void wait_text(struct pty *p, const char *text)
{
	if (!pty_wait_text(p, text, T_WAIT)) {
		pty_dump(p, stderr);
		fail_msg("the screen never showed \"%s\"", text);
	}
}

static void wait_gone(struct pty *p, const char *text)
{
	if (!pty_wait_gone(p, text, T_WAIT)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" stayed on the screen", text);
	}
}

/* Checked once the screen has settled (a paint may arrive in pieces). */
static void assert_absent(struct pty *p, const char *text)
{
	pty_wait_stable(p, 100, 2000);
	if (pty_screen_has(p, text)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" should not be on the screen", text);
	}
}

static void assert_present(struct pty *p, const char *text)
{
	pty_wait_stable(p, 100, 2000);
	if (!pty_screen_has(p, text)) {
		pty_dump(p, stderr);
		fail_msg("\"%s\" should be on the screen", text);
	}
}

/* Wait until row `row` contains text (pumping output meanwhile). */
static void wait_row(struct pty *p, int row, const char *text)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *r = pty_row(p, row);
		bool ok = r && strstr(r, text);
		free(r);
		if (ok)
			return;
		if (ms_now() > end) {
			pty_dump(p, stderr);
			fail_msg("row %d never showed \"%s\"", row, text);
		}
		pty_wait_stable(p, 50, 1000);
	}
}

static void key(struct pty *p, const char *name)
{
	assert_int_equal(pty_send_key(p, name), 0);
}

static void type(struct pty *p, const char *text)
{
	assert_int_equal(pty_type(p, text), 0);
}

/* Esc alone: wait for the screen to settle first, so the terminal does not
 * read it together with the next key as Alt-something. */
static void esc(struct pty *p)
{
	pty_wait_stable(p, 150, 2000);
	key(p, "Esc");
	pty_wait_stable(p, 250, 2000);
}

static void login(struct pty *p, const char *user, const char *pw, bool sq)
{
	wait_text(p, sq ? "Përdoruesi" : "User name");
	type(p, user);
	key(p, "Enter");
	type(p, pw);
	key(p, "Enter");
	wait_text(p, sq ? "Sot, " : "Today, ");
}

/* One text value from the database, read with plain sqlite3 (caller frees). */
static char *db_text(struct fx *f, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("bad test query %s: %s", sql, sqlite3_errmsg(h));
	char *out = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return out;
}

static char *db_textf(struct fx *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap); /* %q quotes safely */
	va_end(ap);
	char *v = db_text(f, sql);
	sqlite3_free(sql);
	return v;
}

static void assert_db(struct fx *f, const char *sql, const char *want)
{
	char *v = db_text(f, sql);
	if (!v || strcmp(v, want) != 0)
		fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL", want);
	free(v);
}

/* Wait (pumping the program's output) until a query returns want. */
static void wait_db(struct fx *f, struct pty *p, const char *sql, const char *want)
{
	long long end = ms_now() + T_WAIT;
	for (;;) {
		char *v = db_text(f, sql);
		bool ok = v && strcmp(v, want) == 0;
		if (ok || ms_now() > end) {
			if (!ok)
				fail_msg("%s gave \"%s\", expected \"%s\"", sql, v ? v : "NULL",
				         want);
			free(v);
			return;
		}
		free(v);
		pty_wait_stable(p, 50, 500);
	}
}

/* What a keyboard without Albanian letters types: ç→c, ë→e. */
static void fold(const char *in, char *out, size_t n)
{
	size_t o = 0;
	for (const char *s = in; *s && o + 1 < n;) {
		if (!strncmp(s, "ç", 2) || !strncmp(s, "Ç", 2)) {
			out[o++] = s[1] == '\xa7' ? 'c' : 'C';
			s += 2;
		} else if (!strncmp(s, "ë", 2) || !strncmp(s, "Ë", 2)) {
			out[o++] = s[1] == '\xab' ? 'e' : 'E';
			s += 2;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
}

/* Open the families list and a family's card by typing its code. */
static void open_card(struct pty *p, const char *code)
{
	key(p, "f");
	wait_text(p, "Search:");
	type(p, code);
	wait_text(p, "1–1 of 1");
	key(p, "Enter");
	char head[64];
	snprintf(head, sizeof head, "%s · ", code);
	wait_row(p, 1, head);
}

/* ---- tests ---- */

/* Type a name without accents, see the family, open its card. */
static void test_find_without_accents(void **state)
{
	struct fx *f = *state;
	/* a head of family whose last name starts with Ç or holds ë */
	char *code = db_text(f, "SELECT code FROM family WHERE deleted_at IS NULL AND"
	                        " (head_last LIKE 'Ç%' OR head_last LIKE '%ë%' OR head_first"
	                        " LIKE '%ë%') ORDER BY id LIMIT 1");
	assert_non_null(code);
	char *last = db_textf(f, "SELECT head_last FROM family WHERE code = %Q", code);
	char *first = db_textf(f, "SELECT head_first FROM family WHERE code = %Q", code);
	char query[200], flast[100], ffirst[100];
	fold(last, flast, sizeof flast);
	fold(first, ffirst, sizeof ffirst);
	for (char *c = flast; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	snprintf(query, sizeof query, "%s %s", flast, ffirst);

	struct pty *p = start(f, "en");
	login(p, "arben", "demo-arben", false);
	key(p, "f");
	wait_text(p, "Search:");
	type(p, query);
	wait_text(p, code);
	char shown[200];
	snprintf(shown, sizeof shown, "%s %s", last, first); /* as stored, with accents */
	wait_text(p, shown);
	/* move the selection (">" in the first column) to that family, open it */
	for (int i = 0; i < 20; i++) {
		int row = pty_find_row(p, code);
		char *r = row >= 0 ? pty_row(p, row) : NULL;
		bool sel = r && r[0] == '>';
		free(r);
		if (sel)
			break;
		key(p, "Down");
		pty_wait_stable(p, 50, 1000);
	}
	key(p, "Enter");
	char head[64];
	snprintf(head, sizeof head, "%s · ", code);
	wait_row(p, 1, head);
	wait_text(p, "Members (");
	wait_text(p, first);
	/* Esc goes back to the list with the search kept */
	esc(p);
	wait_text(p, query);
	free(code);
	free(last);
	free(first);
	pty_free(p);
}

/* The guided registration, in Albanian: family, two members with ë/ç
 * names, screening, consent. */
static void test_register_family_sq(void **state)
{
	struct fx *f = *state;
	char *before = db_text(f, "SELECT count(*) FROM family");
	struct pty *p = start(f, "sq");
	login(p, "arben", "demo-arben", true);
	key(p, "f");
	wait_text(p, "Kërko:");
	key(p, "F3");
	wait_text(p, "Regjistro një familje të re");
	/* municipality: Shkodër by default */
	key(p, "Tab");
	type(p, "Dobraç");
	key(p, "Tab");
	type(p, "Rruga e Kalasë 3");
	key(p, "Tab");
	type(p, "069 123 4567");
	key(p, "Tab");
	type(p, "e"); /* identified by: "Erdhi vetë" (walk-in) */
	wait_text(p, "Erdhi vetë");
	key(p, "M-s");
	wait_text(p, "Anëtar i ri i familjes SHK-" YEAR "-");
	wait_text(p, "(regjistrimi 2/4: anëtarët)");
	/* the head: Dëshira Gjergj Çuni, born 05.03.1985 */
	type(p, "Dëshira");
	key(p, "Tab");
	type(p, "Gjergj");
	key(p, "Tab");
	type(p, "Çuni");
	key(p, "Tab");
	type(p, "f");
	wait_text(p, "Femër");
	key(p, "Tab");
	type(p, "5.3.1985");
	for (int i = 0; i < 7; i++) /* year, relation (head), nid, phone, school, grade */
		key(p, "Tab");
	type(p, "j"); /* school status: "Jo në moshë shkollore" */
	wait_text(p, "Jo në moshë shkollore");
	key(p, "M-s");
	wait_text(p, "Të shtohet edhe një anëtar?");
	key(p, "p");
	wait_text(p, "Anëtar i ri i familjes");
	/* the last name is offered from the head */
	wait_text(p, "Çuni");
	type(p, "Çlirim");
	key(p, "Tab");
	type(p, "Gjon");
	key(p, "Tab");
	key(p, "Tab");
	type(p, "m");
	wait_text(p, "Mashkull");
	key(p, "Tab");
	type(p, "12.06.2015");
	for (int i = 0; i < 5; i++) /* year, relation (child), nid, phone */
		key(p, "Tab");
	type(p, "Shkolla Ëndrra");
	key(p, "Tab");
	type(p, "5");
	key(p, "Tab");
	type(p, "n"); /* "Në shkollë" */
	wait_text(p, "Në shkollë");
	key(p, "M-s");
	wait_text(p, "Të shtohet edhe një anëtar?");
	key(p, "j");
	/* the screening of the family */
	wait_text(p, "Vlerësimi i rrezikut: familja SHK-" YEAR "-");
	key(p, "Space"); /* the first factor present */
	wait_text(p, "[x]");
	key(p, "M-s");
	/* consent: nothing chosen yet is refused, then one service */
	wait_text(p, "Pëlqimi i familjes SHK-" YEAR "-");
	key(p, "M-s");
	wait_text(p, "Zgjidhni të paktën një shërbim");
	key(p, "Space");
	wait_text(p, "[x]");
	key(p, "M-s");
	wait_text(p, "Regjistrimi përfundoi.");
	wait_text(p, "Anëtarët (2)");

	char *code = db_text(f, "SELECT code FROM family ORDER BY id DESC LIMIT 1");
	assert_non_null(code);
	assert_true(strlen(code) == 13 && !strncmp(code, "SHK-" YEAR "-", 9));
	assert_db(f,
	          "SELECT code GLOB 'SHK-" YEAR "-[0-9][0-9][0-9][0-9]' FROM family"
	          " ORDER BY id DESC LIMIT 1",
	          "1");
	char *after = db_text(f, "SELECT count(*) FROM family");
	assert_int_equal(atoi(after), atoi(before) + 1);
	assert_db(f,
	          "SELECT admin_unit || '|' || address || '|' || phone || '|' || identified_by"
	          " FROM family ORDER BY id DESC LIMIT 1",
	          "Dobraç|Rruga e Kalasë 3|069 123 4567|walk_in");
	assert_db(f,
	          "SELECT group_concat(first_name || '/' || coalesce(father_name, '') || '/' ||"
	          " last_name || '/' || sex || '/' || coalesce(birth_date, '') || '/' ||"
	          " relation || '/' || school_status, '|') FROM (SELECT * FROM person WHERE"
	          " family_id = (SELECT max(id) FROM family) ORDER BY id)",
	          "Dëshira/Gjergj/Çuni/F/1985-03-05/head/not_school_age|"
	          "Çlirim/Gjon/Çuni/M/2015-06-12/child/enrolled");
	assert_db(f,
	          "SELECT school_name || '|' || school_grade FROM person WHERE first_name ="
	          " 'Çlirim' AND family_id = (SELECT max(id) FROM family)",
	          "Shkolla Ëndrra|5");
	assert_db(f, "SELECT head_first || ' ' || head_last FROM family ORDER BY id DESC LIMIT 1",
	          "Dëshira Çuni");
	assert_db(f,
	          "SELECT count(*) FROM screening WHERE family_id = (SELECT max(id) FROM family)",
	          "1");
	assert_db(f,
	          "SELECT sum(present) FROM screening_factor WHERE screening_id = (SELECT"
	          " max(id) FROM screening)",
	          "1");
	assert_db(f,
	          "SELECT count(*) FROM consent WHERE family_id = (SELECT max(id) FROM family)"
	          " AND scope <> ''",
	          "1");
	free(code);
	free(before);
	free(after);
	pty_free(p);
}

/* A person like one already registered: the warning, back, open, register. */
static void test_duplicate_warning(void **state)
{
	struct fx *f = *state;
	char *pid = db_text(f, "SELECT p.id FROM person p JOIN family f ON f.id = p.family_id"
	                       " WHERE p.deleted_at IS NULL AND p.birth_date IS NOT NULL"
	                       " AND p.father_name IS NOT NULL AND f.deleted_at IS NULL"
	                       " ORDER BY p.id LIMIT 1");
	assert_non_null(pid);
	char *first = db_textf(f, "SELECT first_name FROM person WHERE id = %s", pid);
	char *father = db_textf(f, "SELECT father_name FROM person WHERE id = %s", pid);
	char *last = db_textf(f, "SELECT last_name FROM person WHERE id = %s", pid);
	char *birth = db_textf(f,
	                       "SELECT strftime('%%d.%%m.%%Y', birth_date) FROM person"
	                       " WHERE id = %s",
	                       pid);
	char *code = db_textf(f,
	                      "SELECT f.code FROM person p JOIN family f ON f.id = p.family_id"
	                      " WHERE p.id = %s",
	                      pid);
	/* register the same person in another family */
	char *other = db_textf(f,
	                       "SELECT code FROM family WHERE code <> %Q AND deleted_at IS NULL"
	                       " ORDER BY id LIMIT 1",
	                       code);
	char *count_sql = sqlite3_mprintf("SELECT count(*) FROM person WHERE first_name = %Q"
	                                  " AND last_name = %Q AND deleted_at IS NULL",
	                                  first, last);
	char *n0 = db_text(f, count_sql);

	struct pty *p = start(f, "en");
	login(p, "arben", "demo-arben", false);
	open_card(p, other);
	key(p, "a");
	wait_text(p, "New member of family");
	char ffirst[100], flast[100];
	fold(first, ffirst, sizeof ffirst);
	fold(last, flast, sizeof flast);
	type(p, ffirst); /* without accents: still alike */
	key(p, "Tab");
	type(p, father);
	key(p, "Tab");
	key(p, "C-u");
	type(p, flast);
	key(p, "Tab");
	type(p, "f");
	key(p, "Tab");
	type(p, birth);
	for (int i = 0; i < 7; i++)
		key(p, "Tab");
	type(p, "e"); /* enrolled */
	key(p, "F4");
	wait_text(p, "Someone like this is already registered");
	wait_text(p, code);
	wait_text(p, "same father");
	char *n1 = db_text(f, count_sql);
	assert_string_equal(n1, n0); /* nothing saved while the user decides */
	/* back to the form: the text is still there */
	esc(p);
	wait_text(p, "New member of family");
	assert_present(p, ffirst);
	/* again, and open the existing family */
	key(p, "F4");
	wait_text(p, "Someone like this is already registered");
	key(p, "Enter");
	char head[64];
	snprintf(head, sizeof head, "%s · ", code);
	wait_row(p, 1, head);
	esc(p);
	wait_text(p, "Someone like this is already registered");
	/* not the same person after all: register */
	key(p, "c");
	wait_text(p, "is added.");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(n0) + 1);
	wait_db(f, p, count_sql, want);
	assert_db(f,
	          "SELECT f.code FROM person p JOIN family f ON f.id = p.family_id"
	          " ORDER BY p.id DESC LIMIT 1",
	          other);
	sqlite3_free(count_sql);
	free(pid);
	free(first);
	free(father);
	free(last);
	free(birth);
	free(code);
	free(other);
	free(n0);
	free(n1);
	pty_free(p);
}

/* Screen a member: two factors present, one with a note. */
static void test_screening(void **state)
{
	struct fx *f = *state;
	char *code = db_text(f, "SELECT f.code FROM family f WHERE f.deleted_at IS NULL AND"
	                        " (SELECT count(*) FROM person p WHERE p.family_id = f.id AND"
	                        " p.deleted_at IS NULL) >= 2 ORDER BY f.id LIMIT 1");
	assert_non_null(code);
	char *n0 = db_text(f, "SELECT count(*) FROM screening");
	char *nf = db_text(f, "SELECT 11"); /* the default catalogue has 11 risk factors */
	struct pty *p = start(f, "en");
	login(p, "arben", "demo-arben", false);
	open_card(p, code);
	wait_text(p, "Members (");
	key(p, "s"); /* the first member is selected */
	wait_text(p, "Risk screening: ");
	wait_text(p, "Score 0");
	key(p, "Space");
	key(p, "Down");
	key(p, "Down");
	key(p, "Space");
	wait_text(p, "[x] ");
	key(p, "Enter");
	type(p, "Babai pi shumë");
	key(p, "Enter");
	wait_text(p, "Babai pi shumë");
	key(p, "F4");
	wait_text(p, "The screening is saved.");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(n0) + 1);
	assert_db(f, "SELECT count(*) FROM screening", want);
	char *sid = db_text(f, "SELECT max(id) FROM screening");
	char *sql = sqlite3_mprintf("SELECT person_id IS NOT NULL AND family_id IS NULL"
	                            " FROM screening WHERE id = %s",
	                            sid);
	assert_db(f, sql, "1");
	sqlite3_free(sql);
	sql = sqlite3_mprintf("SELECT count(*) || '|' || sum(present) FROM screening_factor"
	                      " WHERE screening_id = %s",
	                      sid);
	char exp[32];
	snprintf(exp, sizeof exp, "%s|2", nf);
	assert_db(f, sql, exp);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("SELECT note FROM screening_factor WHERE screening_id = %s AND"
	                      " note IS NOT NULL AND note <> ''",
	                      sid);
	assert_db(f, sql, "Babai pi shumë");
	sqlite3_free(sql);
	/* the level is the one the rule computes from the weights present */
	sql = sqlite3_mprintf("SELECT level = level_computed AND override_reason IS NULL"
	                      " FROM screening WHERE id = %s",
	                      sid);
	assert_db(f, sql, "1");
	sqlite3_free(sql);
	/* the card shows the new screening; the history lists it */
	wait_text(p, "latest screening 23.11.2026");
	key(p, "p");
	wait_text(p, "Risk screenings of family");
	wait_text(p, "23.11.2026");
	free(code);
	free(n0);
	free(nf);
	free(sid);
	pty_free(p);
}

/* Bad phone, name, date and personal number: refused with the message
 * beside the field (and in full under the form); nothing half-saved. */
static void test_invalid_input(void **state)
{
	struct fx *f = *state;
	char *fam0 = db_text(f, "SELECT count(*) FROM family");
	char *per0 = db_text(f, "SELECT count(*) FROM person");
	struct pty *p = start(f, "en");
	login(p, "arben", "demo-arben", false);
	key(p, "f");
	wait_text(p, "Search:");
	key(p, "F3");
	wait_text(p, "Register a new family");
	key(p, "Tab");
	key(p, "Tab");
	key(p, "Tab");
	type(p, "069 12");
	key(p, "Tab");
	type(p, "o"); /* outreach */
	key(p, "Tab");
	key(p, "C-u");
	type(p, "31.02.2026");
	key(p, "F4");
	wait_text(p, "Phone: Write an Albanian phone number");
	wait_text(p, "Nothing was saved");
	assert_present(p, "! This date does not"); /* beside the date, cut */
	assert_db(f, "SELECT count(*) FROM family", fam0);
	/* correct the phone; the date is still wrong */
	key(p, "C-u");
	type(p, "+355 69 123 4567");
	key(p, "F4");
	wait_text(p, "Registered on: This date does not exist");
	assert_db(f, "SELECT count(*) FROM family", fam0);
	key(p, "C-u");
	type(p, "20.11.2026");
	key(p, "F4");
	wait_text(p, "New member of family");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(fam0) + 1);
	assert_db(f, "SELECT count(*) FROM family", want);
	assert_db(f, "SELECT phone || '|' || phone_norm FROM family ORDER BY id DESC LIMIT 1",
	          "069 123 4567|355691234567");
	/* a person with a bad name, an impossible birth date and a bad NID */
	type(p, "Ana3");
	key(p, "Tab");
	key(p, "Tab");
	key(p, "C-u");
	type(p, "Çela");
	key(p, "Tab");
	type(p, "f");
	key(p, "Tab");
	type(p, "31.02.2015");
	key(p, "Tab");
	key(p, "Tab");
	key(p, "Tab");
	type(p, "J12345");
	key(p, "Tab");
	type(p, "12345");
	for (int i = 0; i < 3; i++)
		key(p, "Tab");
	type(p, "e");
	key(p, "F4");
	wait_text(p, "First name: A name may contain only letters");
	wait_text(p, "Nothing was saved: correct the marked fields (4)");
	assert_db(f, "SELECT count(*) FROM person", per0);
	/* the focus is on the first name: correct it */
	key(p, "C-u");
	type(p, "Ana");
	key(p, "F4");
	wait_text(p, "Birth date: This date does not exist in the calendar");
	assert_db(f, "SELECT count(*) FROM person", per0);
	key(p, "C-u");
	type(p, "28.02.2015");
	key(p, "F4");
	wait_text(p, "Personal number: The personal number is a letter, 8 digits");
	assert_db(f, "SELECT count(*) FROM person", per0);
	key(p, "C-u");
	type(p, "j12345678k");
	key(p, "F4");
	wait_text(p, "Phone: Write an Albanian phone number");
	assert_db(f, "SELECT count(*) FROM person", per0);
	key(p, "C-u");
	key(p, "F4");
	wait_text(p, "Ana Çela is added.");
	snprintf(want, sizeof want, "%d", atoi(per0) + 1);
	assert_db(f, "SELECT count(*) FROM person", want);
	assert_db(f,
	          "SELECT first_name || '|' || last_name || '|' || birth_date || '|' || nid ||"
	          " '|' || coalesce(phone, '') FROM person ORDER BY id DESC LIMIT 1",
	          "Ana|Çela|2015-02-28|J12345678K|");
	/* Esc on the next member form with something typed asks first */
	wait_text(p, "Add another member?");
	key(p, "y");
	wait_text(p, "New member of family");
	type(p, "Drita");
	esc(p);
	wait_text(p, "You have changes that are not saved");
	key(p, "n");
	wait_gone(p, "You have changes that are not saved");
	assert_present(p, "Drita");
	esc(p);
	wait_text(p, "You have changes that are not saved");
	key(p, "y");
	/* the flow pauses; the card says what is missing */
	wait_text(p, "The registration is paused");
	wait_text(p, "Still missing: risk screening, consent");
	wait_text(p, "No consent yet");
	assert_db(f, "SELECT count(*) FROM person", want);
	free(fam0);
	free(per0);
	pty_free(p);
}

/* Two instances edit the same family: the second save is refused, keeps
 * the typed text and shows what changed; "mine on top" then saves both. */
static void test_edit_conflict(void **state)
{
	struct fx *f = *state;
	char *code = db_text(f, "SELECT code FROM family WHERE deleted_at IS NULL AND status ="
	                        " 'active' ORDER BY id LIMIT 1");
	assert_non_null(code);
	char *sql_addr = sqlite3_mprintf("SELECT address FROM family WHERE code = %Q", code);
	char *sql_phone =
	    sqlite3_mprintf("SELECT coalesce(phone, '') FROM family WHERE code = %Q", code);
	char *sql_ver = sqlite3_mprintf("SELECT version FROM family WHERE code = %Q", code);
	char *v0 = db_text(f, sql_ver);

	struct pty *a = start(f, "en");
	struct pty *b = start(f, "en");
	login(a, "arben", "demo-arben", false);
	login(b, "drita", "demo-drita", false);
	open_card(a, code);
	open_card(b, code);
	key(a, "e");
	key(b, "e");
	char title[64];
	snprintf(title, sizeof title, "Family %s", code);
	wait_text(a, title);
	wait_text(b, title);
	wait_text(a, "Address");
	wait_text(b, "Address");
	/* the first desk changes the address and saves */
	key(a, "Down");
	key(a, "Down");
	key(a, "C-u");
	type(a, "Rruga e Re 1");
	key(a, "F4");
	wait_text(a, "is saved.");
	wait_db(f, a, sql_addr, "Rruga e Re 1");
	/* the second changes the phone and saves: refused */
	key(b, "Down");
	key(b, "Down");
	key(b, "Down");
	key(b, "C-u");
	type(b, "068 555 1234");
	key(b, "F4");
	wait_text(b, "Another desk saved this record while you were editing it.");
	wait_text(b, "They changed:");
	assert_present(b, "Address.");
	wait_text(b, "Someone else changed this record");
	assert_present(b, "068 555 1234");         /* the typed text is kept */
	assert_present(b, "The other desk saved"); /* beside the address */
	assert_db(f, sql_addr, "Rruga e Re 1");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(v0) + 1);
	assert_db(f, sql_ver, want);
	/* saving again without choosing is refused too */
	key(b, "F4");
	wait_text(b, "Choose first");
	assert_db(f, sql_ver, want);
	/* mine on top: their address, my phone; then save */
	key(b, "M-a");
	wait_text(b, "Your changes are now on top");
	assert_present(b, "Rruga e Re 1");
	assert_present(b, "068 555 1234");
	key(b, "F4");
	wait_text(b, "is saved.");
	wait_db(f, b, sql_phone, "068 555 1234");
	assert_db(f, sql_addr, "Rruga e Re 1");
	/* the manager sees both changes in the record history */
	wait_text(b, "Members (");
	key(b, "h");
	wait_text(b, "Record history of family");
	wait_text(b, "changed: Phone");
	wait_text(b, "changed: Address");
	assert_present(b, "arben");
	assert_present(b, "drita");
	/* the registrar has no record history */
	wait_text(a, "Members (");
	key(a, "h");
	wait_text(a, "This key cannot be used here right now.");
	assert_absent(a, "Record history of family");
	sqlite3_free(sql_addr);
	sqlite3_free(sql_phone);
	sqlite3_free(sql_ver);
	free(v0);
	free(code);
	pty_free(a);
	pty_free(b);
}

/* A teacher gets no families menu and no way to a screening; a counsellor
 * reads but is not offered changes. */
static void test_roles(void **state)
{
	struct fx *f = *state;
	struct pty *p = start(f, "en");
	login(p, "mira", "demo-mira", false);
	wait_text(p, "Menu");
	assert_absent(p, "Families");
	key(p, "f");
	pty_wait_stable(p, 200, 2000);
	assert_absent(p, "Search:");
	assert_present(p, "Today, ");
	key(p, "F1");
	wait_text(p, "Help");
	assert_absent(p, "Families");
	assert_absent(p, "screening");
	pty_free(p);

	char *code = db_text(f, "SELECT f.code FROM family f JOIN person m ON m.family_id = f.id"
	                        " JOIN appointment a ON a.person_id = m.id JOIN app_user u"
	                        " ON u.id = a.counsellor_id WHERE u.username = 'elira' AND"
	                        " a.deleted_at IS NULL AND m.deleted_at IS NULL LIMIT 1");
	p = start(f, "en");
	login(p, "elira", "demo-elira", false);
	key(p, "f");
	wait_text(p, "Search:");
	assert_absent(p, "F3 New");
	key(p, "F3");
	wait_text(p, "This key cannot be used here right now.");
	assert_absent(p, "Register a new family");
	if (code) {
		key(p, "Esc");
		pty_wait_stable(p, 250, 2000);
		open_card(p, code);
		wait_text(p, "Members (");
		assert_absent(p, "Add member");
		key(p, "s");
		wait_text(p, "This key cannot be used here right now.");
		assert_absent(p, "Risk screening:");
		free(code);
	}
	pty_free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_find_without_accents),
	    T(test_register_family_sq),
	    T(test_duplicate_warning),
	    T(test_screening),
	    T(test_invalid_input),
	    T(test_edit_conflict),
	    T(test_roles),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
