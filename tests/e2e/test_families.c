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

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

#define NOW  "2026-11-23 10:00:00"
#define YEAR "2026"

static const char *const pinned_env[] = {"QENDRA_NOW=" NOW, "QENDRA_IDLE_SECONDS=0", NULL};

/* The demo database made once for the whole file; each test gets a copy. */
static struct e2e_fx *template;

static int group_setup(void **state)
{
	(void)state;
	template = e2e_fx_new("fam");
	if (!template)
		return -1;
	return e2e_demo(template->db, template->dir, NOW, 30);
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = e2e_fx_free(template);
	template = NULL;
	return rc;
}

static int setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("fam");
	if (!f)
		return -1;
	*state = f;
	return e2e_copy(template->db, f->db);
}

static struct pty *start(struct e2e_fx *f, const char *lang)
{
	return e2e_start(f, lang, pinned_env);
}

/* Open the families list and a family's card by typing its code. */
static void open_card(struct pty *p, const char *code)
{
	e2e_key(p, "f");
	e2e_wait_text(p, "Search:");
	e2e_type(p, code);
	e2e_wait_text(p, "1–1 of 1");
	e2e_key(p, "Enter");
	char head[64];
	snprintf(head, sizeof head, "%s · ", code);
	e2e_wait_row(p, 1, head);
}

/* ---- tests ---- */

/* Type a name without accents, see the family, open its card. */
static void test_find_without_accents(void **state)
{
	struct e2e_fx *f = *state;
	/* a head of family whose last name starts with Ç or holds ë */
	char *code =
	    e2e_db_text(f->db, "SELECT code FROM family WHERE deleted_at IS NULL AND"
	                       " (head_last LIKE 'Ç%' OR head_last LIKE '%ë%' OR head_first"
	                       " LIKE '%ë%') ORDER BY id LIMIT 1");
	assert_non_null(code);
	char *last = e2e_db_textf(f->db, "SELECT head_last FROM family WHERE code = %Q", code);
	char *first = e2e_db_textf(f->db, "SELECT head_first FROM family WHERE code = %Q", code);
	char query[200], *flast = e2e_fold(last), *ffirst = e2e_fold(first);
	for (char *c = flast; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	snprintf(query, sizeof query, "%s %s", flast, ffirst);
	free(flast);
	free(ffirst);

	struct pty *p = start(f, "en");
	e2e_login(p, "en", "arben", "demo-arben");
	e2e_key(p, "f");
	e2e_wait_text(p, "Search:");
	e2e_type(p, query);
	e2e_wait_text(p, code);
	char shown[200];
	snprintf(shown, sizeof shown, "%s %s", last, first); /* as stored, with accents */
	e2e_wait_text(p, shown);
	/* move the selection (">" in the first column) to that family, open it */
	for (int i = 0; i < 20; i++) {
		int row = pty_find_row(p, code);
		char *r = row >= 0 ? pty_row(p, row) : NULL;
		bool sel = r && r[0] == '>';
		free(r);
		if (sel)
			break;
		e2e_key(p, "Down");
		pty_wait_stable(p, 50, 1000);
	}
	e2e_key(p, "Enter");
	char head[64];
	snprintf(head, sizeof head, "%s · ", code);
	e2e_wait_row(p, 1, head);
	e2e_wait_text(p, "Members (");
	e2e_wait_text(p, first);
	/* Esc goes back to the list with the search kept */
	e2e_esc(p);
	e2e_wait_text(p, query);
	free(code);
	free(last);
	free(first);
	pty_free(p);
}

/* The guided registration, in Albanian: family, two members with ë/ç
 * names, screening, consent. */
static void test_register_family_sq(void **state)
{
	struct e2e_fx *f = *state;
	char *before = e2e_db_text(f->db, "SELECT count(*) FROM family");
	struct pty *p = start(f, "sq");
	e2e_login(p, "sq", "arben", "demo-arben");
	e2e_key(p, "f");
	e2e_wait_text(p, "Kërko:");
	e2e_key(p, "F3");
	e2e_wait_text(p, "Regjistro një familje të re");
	/* municipality: Shkodër by default */
	e2e_key(p, "Tab");
	e2e_type(p, "Dobraç");
	e2e_key(p, "Tab");
	e2e_type(p, "Rruga e Kalasë 3");
	e2e_key(p, "Tab");
	e2e_type(p, "069 123 4567");
	e2e_key(p, "Tab");
	e2e_type(p, "e"); /* identified by: "Erdhi vetë" (walk-in) */
	e2e_wait_text(p, "Erdhi vetë");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "Anëtar i ri i familjes SHK-" YEAR "-");
	e2e_wait_text(p, "(regjistrimi 2/4: anëtarët)");
	/* the head: Dëshira Gjergj Çuni, born 05.03.1985 */
	e2e_type(p, "Dëshira");
	e2e_key(p, "Tab");
	e2e_type(p, "Gjergj");
	e2e_key(p, "Tab");
	e2e_type(p, "Çuni");
	e2e_key(p, "Tab");
	e2e_type(p, "f");
	e2e_wait_text(p, "Femër");
	e2e_key(p, "Tab");
	e2e_type(p, "5.3.1985");
	for (int i = 0; i < 7; i++) /* year, relation (head), nid, phone, school, grade */
		e2e_key(p, "Tab");
	e2e_type(p, "j"); /* school status: "Jo në moshë shkollore" */
	e2e_wait_text(p, "Jo në moshë shkollore");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "Të shtohet edhe një anëtar?");
	e2e_key(p, "p");
	e2e_wait_text(p, "Anëtar i ri i familjes");
	/* the last name is offered from the head */
	e2e_wait_text(p, "Çuni");
	e2e_type(p, "Çlirim");
	e2e_key(p, "Tab");
	e2e_type(p, "Gjon");
	e2e_key(p, "Tab");
	e2e_key(p, "Tab");
	e2e_type(p, "m");
	e2e_wait_text(p, "Mashkull");
	e2e_key(p, "Tab");
	e2e_type(p, "12.06.2015");
	for (int i = 0; i < 5; i++) /* year, relation (child), nid, phone */
		e2e_key(p, "Tab");
	e2e_type(p, "Shkolla Ëndrra");
	e2e_key(p, "Tab");
	e2e_type(p, "5");
	e2e_key(p, "Tab");
	e2e_type(p, "n"); /* "Në shkollë" */
	e2e_wait_text(p, "Në shkollë");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "Të shtohet edhe një anëtar?");
	e2e_key(p, "j");
	/* the screening of the family */
	e2e_wait_text(p, "Vlerësimi i rrezikut: familja SHK-" YEAR "-");
	e2e_key(p, "Space"); /* the first factor present */
	e2e_wait_text(p, "[x]");
	e2e_key(p, "M-s");
	/* consent: nothing chosen yet is refused, then one service */
	e2e_wait_text(p, "Pëlqimi i familjes SHK-" YEAR "-");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "Zgjidhni të paktën një shërbim");
	e2e_key(p, "Space");
	e2e_wait_text(p, "[x]");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "Regjistrimi përfundoi.");
	e2e_wait_text(p, "Anëtarët (2)");

	char *code = e2e_db_text(f->db, "SELECT code FROM family ORDER BY id DESC LIMIT 1");
	assert_non_null(code);
	assert_true(strlen(code) == 13 && !strncmp(code, "SHK-" YEAR "-", 9));
	e2e_expect_db(f->db,
	              "SELECT code GLOB 'SHK-" YEAR "-[0-9][0-9][0-9][0-9]' FROM family"
	              " ORDER BY id DESC LIMIT 1",
	              "1");
	char *after = e2e_db_text(f->db, "SELECT count(*) FROM family");
	assert_int_equal(atoi(after), atoi(before) + 1);
	e2e_expect_db(f->db,
	              "SELECT admin_unit || '|' || address || '|' || phone || '|' || identified_by"
	              " FROM family ORDER BY id DESC LIMIT 1",
	              "Dobraç|Rruga e Kalasë 3|069 123 4567|walk_in");
	e2e_expect_db(f->db,
	              "SELECT group_concat(first_name || '/' || coalesce(father_name, '') || '/' ||"
	              " last_name || '/' || sex || '/' || coalesce(birth_date, '') || '/' ||"
	              " relation || '/' || school_status, '|') FROM (SELECT * FROM person WHERE"
	              " family_id = (SELECT max(id) FROM family) ORDER BY id)",
	              "Dëshira/Gjergj/Çuni/F/1985-03-05/head/not_school_age|"
	              "Çlirim/Gjon/Çuni/M/2015-06-12/child/enrolled");
	e2e_expect_db(f->db,
	              "SELECT school_name || '|' || school_grade FROM person WHERE first_name ="
	              " 'Çlirim' AND family_id = (SELECT max(id) FROM family)",
	              "Shkolla Ëndrra|5");
	e2e_expect_db(f->db,
	              "SELECT head_first || ' ' || head_last FROM family ORDER BY id DESC LIMIT 1",
	              "Dëshira Çuni");
	e2e_expect_db(
	    f->db, "SELECT count(*) FROM screening WHERE family_id = (SELECT max(id) FROM family)",
	    "1");
	e2e_expect_db(f->db,
	              "SELECT sum(present) FROM screening_factor WHERE screening_id = (SELECT"
	              " max(id) FROM screening)",
	              "1");
	e2e_expect_db(f->db,
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
	struct e2e_fx *f = *state;
	char *pid =
	    e2e_db_text(f->db, "SELECT p.id FROM person p JOIN family f ON f.id = p.family_id"
	                       " WHERE p.deleted_at IS NULL AND p.birth_date IS NOT NULL"
	                       " AND p.father_name IS NOT NULL AND f.deleted_at IS NULL"
	                       " ORDER BY p.id LIMIT 1");
	assert_non_null(pid);
	char *first = e2e_db_textf(f->db, "SELECT first_name FROM person WHERE id = %s", pid);
	char *father = e2e_db_textf(f->db, "SELECT father_name FROM person WHERE id = %s", pid);
	char *last = e2e_db_textf(f->db, "SELECT last_name FROM person WHERE id = %s", pid);
	char *birth = e2e_db_textf(f->db,
	                           "SELECT strftime('%%d.%%m.%%Y', birth_date) FROM person"
	                           " WHERE id = %s",
	                           pid);
	char *code = e2e_db_textf(f->db,
	                          "SELECT f.code FROM person p JOIN family f ON f.id = p.family_id"
	                          " WHERE p.id = %s",
	                          pid);
	/* register the same person in another family */
	char *other = e2e_db_textf(f->db,
	                           "SELECT code FROM family WHERE code <> %Q AND deleted_at IS NULL"
	                           " ORDER BY id LIMIT 1",
	                           code);
	char *count_sql = sqlite3_mprintf("SELECT count(*) FROM person WHERE first_name = %Q"
	                                  " AND last_name = %Q AND deleted_at IS NULL",
	                                  first, last);
	char *n0 = e2e_db_text(f->db, count_sql);

	struct pty *p = start(f, "en");
	e2e_login(p, "en", "arben", "demo-arben");
	open_card(p, other);
	e2e_key(p, "a");
	e2e_wait_text(p, "New member of family");
	char *ffirst = e2e_fold(first), *flast = e2e_fold(last);
	e2e_type(p, ffirst); /* without accents: still alike */
	e2e_key(p, "Tab");
	e2e_type(p, father);
	e2e_key(p, "Tab");
	e2e_key(p, "C-u");
	e2e_type(p, flast);
	e2e_key(p, "Tab");
	e2e_type(p, "f");
	e2e_key(p, "Tab");
	e2e_type(p, birth);
	for (int i = 0; i < 7; i++)
		e2e_key(p, "Tab");
	e2e_type(p, "e"); /* enrolled */
	e2e_key(p, "F4");
	e2e_wait_text(p, "Someone like this is already registered");
	e2e_wait_text(p, code);
	e2e_wait_text(p, "same father");
	char *n1 = e2e_db_text(f->db, count_sql);
	assert_string_equal(n1, n0); /* nothing saved while the user decides */
	/* back to the form: the text is still there */
	e2e_esc(p);
	e2e_wait_text(p, "New member of family");
	e2e_assert_present(p, ffirst);
	/* again, and open the existing family */
	e2e_key(p, "F4");
	e2e_wait_text(p, "Someone like this is already registered");
	e2e_key(p, "Enter");
	char head[64];
	snprintf(head, sizeof head, "%s · ", code);
	e2e_wait_row(p, 1, head);
	e2e_esc(p);
	e2e_wait_text(p, "Someone like this is already registered");
	/* not the same person after all: register */
	e2e_key(p, "c");
	e2e_wait_text(p, "is added.");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(n0) + 1);
	e2e_wait_db(f->db, p, count_sql, want);
	e2e_expect_db(f->db,
	              "SELECT f.code FROM person p JOIN family f ON f.id = p.family_id"
	              " ORDER BY p.id DESC LIMIT 1",
	              other);
	sqlite3_free(count_sql);
	free(ffirst);
	free(flast);
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
	struct e2e_fx *f = *state;
	char *code =
	    e2e_db_text(f->db, "SELECT f.code FROM family f WHERE f.deleted_at IS NULL AND"
	                       " (SELECT count(*) FROM person p WHERE p.family_id = f.id AND"
	                       " p.deleted_at IS NULL) >= 2 ORDER BY f.id LIMIT 1");
	assert_non_null(code);
	char *n0 = e2e_db_text(f->db, "SELECT count(*) FROM screening");
	char *nf = e2e_db_text(f->db, "SELECT 11"); /* the default catalogue has 11 risk factors */
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "arben", "demo-arben");
	open_card(p, code);
	e2e_wait_text(p, "Members (");
	e2e_key(p, "s"); /* the first member is selected */
	e2e_wait_text(p, "Risk screening: ");
	e2e_wait_text(p, "Score 0");
	e2e_key(p, "Space");
	e2e_key(p, "Down");
	e2e_key(p, "Down");
	e2e_key(p, "Space");
	e2e_wait_text(p, "[x] ");
	e2e_key(p, "Enter");
	e2e_type(p, "Babai pi shumë");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Babai pi shumë");
	e2e_key(p, "F4");
	e2e_wait_text(p, "The screening is saved.");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(n0) + 1);
	e2e_expect_db(f->db, "SELECT count(*) FROM screening", want);
	char *sid = e2e_db_text(f->db, "SELECT max(id) FROM screening");
	char *sql = sqlite3_mprintf("SELECT person_id IS NOT NULL AND family_id IS NULL"
	                            " FROM screening WHERE id = %s",
	                            sid);
	e2e_expect_db(f->db, sql, "1");
	sqlite3_free(sql);
	sql = sqlite3_mprintf("SELECT count(*) || '|' || sum(present) FROM screening_factor"
	                      " WHERE screening_id = %s",
	                      sid);
	char exp[32];
	snprintf(exp, sizeof exp, "%s|2", nf);
	e2e_expect_db(f->db, sql, exp);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("SELECT note FROM screening_factor WHERE screening_id = %s AND"
	                      " note IS NOT NULL AND note <> ''",
	                      sid);
	e2e_expect_db(f->db, sql, "Babai pi shumë");
	sqlite3_free(sql);
	/* the level is the one the rule computes from the weights present */
	sql = sqlite3_mprintf("SELECT level = level_computed AND override_reason IS NULL"
	                      " FROM screening WHERE id = %s",
	                      sid);
	e2e_expect_db(f->db, sql, "1");
	sqlite3_free(sql);
	/* the card shows the new screening; the history lists it */
	e2e_wait_text(p, "latest screening 23.11.2026");
	e2e_key(p, "p");
	e2e_wait_text(p, "Risk screenings of family");
	e2e_wait_text(p, "23.11.2026");
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
	struct e2e_fx *f = *state;
	char *fam0 = e2e_db_text(f->db, "SELECT count(*) FROM family");
	char *per0 = e2e_db_text(f->db, "SELECT count(*) FROM person");
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "arben", "demo-arben");
	e2e_key(p, "f");
	e2e_wait_text(p, "Search:");
	e2e_key(p, "F3");
	e2e_wait_text(p, "Register a new family");
	e2e_key(p, "Tab");
	e2e_key(p, "Tab");
	e2e_key(p, "Tab");
	e2e_type(p, "069 12");
	e2e_key(p, "Tab");
	e2e_type(p, "o"); /* outreach */
	e2e_key(p, "Tab");
	e2e_key(p, "C-u");
	e2e_type(p, "31.02.2026");
	e2e_key(p, "F4");
	e2e_wait_text(p, "Phone: Write an Albanian phone number");
	e2e_wait_text(p, "Nothing was saved");
	e2e_assert_present(p, "! This date does not"); /* beside the date, cut */
	e2e_expect_db(f->db, "SELECT count(*) FROM family", fam0);
	/* correct the phone; the date is still wrong */
	e2e_key(p, "C-u");
	e2e_type(p, "+355 69 123 4567");
	e2e_key(p, "F4");
	e2e_wait_text(p, "Registered on: This date does not exist");
	e2e_expect_db(f->db, "SELECT count(*) FROM family", fam0);
	e2e_key(p, "C-u");
	e2e_type(p, "20.11.2026");
	e2e_key(p, "F4");
	e2e_wait_text(p, "New member of family");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(fam0) + 1);
	e2e_expect_db(f->db, "SELECT count(*) FROM family", want);
	e2e_expect_db(f->db,
	              "SELECT phone || '|' || phone_norm FROM family ORDER BY id DESC LIMIT 1",
	              "069 123 4567|355691234567");
	/* a person with a bad name, an impossible birth date and a bad NID */
	e2e_type(p, "Ana3");
	e2e_key(p, "Tab");
	e2e_key(p, "Tab");
	e2e_key(p, "C-u");
	e2e_type(p, "Çela");
	e2e_key(p, "Tab");
	e2e_type(p, "f");
	e2e_key(p, "Tab");
	e2e_type(p, "31.02.2015");
	e2e_key(p, "Tab");
	e2e_key(p, "Tab");
	e2e_key(p, "Tab");
	e2e_type(p, "J12345");
	e2e_key(p, "Tab");
	e2e_type(p, "12345");
	for (int i = 0; i < 3; i++)
		e2e_key(p, "Tab");
	e2e_type(p, "e");
	e2e_key(p, "F4");
	e2e_wait_text(p, "First name: A name may contain only letters");
	e2e_wait_text(p, "Nothing was saved: correct the marked fields (4)");
	e2e_expect_db(f->db, "SELECT count(*) FROM person", per0);
	/* the focus is on the first name: correct it */
	e2e_key(p, "C-u");
	e2e_type(p, "Ana");
	e2e_key(p, "F4");
	e2e_wait_text(p, "Birth date: This date does not exist in the calendar");
	e2e_expect_db(f->db, "SELECT count(*) FROM person", per0);
	e2e_key(p, "C-u");
	e2e_type(p, "28.02.2015");
	e2e_key(p, "F4");
	e2e_wait_text(p, "Personal number: The personal number is a letter, 8 digits");
	e2e_expect_db(f->db, "SELECT count(*) FROM person", per0);
	e2e_key(p, "C-u");
	e2e_type(p, "j12345678k");
	e2e_key(p, "F4");
	e2e_wait_text(p, "Phone: Write an Albanian phone number");
	e2e_expect_db(f->db, "SELECT count(*) FROM person", per0);
	e2e_key(p, "C-u");
	e2e_key(p, "F4");
	e2e_wait_text(p, "Ana Çela is added.");
	snprintf(want, sizeof want, "%d", atoi(per0) + 1);
	e2e_expect_db(f->db, "SELECT count(*) FROM person", want);
	e2e_expect_db(f->db,
	              "SELECT first_name || '|' || last_name || '|' || birth_date || '|' || nid ||"
	              " '|' || coalesce(phone, '') FROM person ORDER BY id DESC LIMIT 1",
	              "Ana|Çela|2015-02-28|J12345678K|");
	/* Esc on the next member form with something typed asks first */
	e2e_wait_text(p, "Add another member?");
	e2e_key(p, "y");
	e2e_wait_text(p, "New member of family");
	e2e_type(p, "Drita");
	e2e_esc(p);
	e2e_wait_text(p, "You have changes that are not saved");
	e2e_key(p, "n");
	e2e_wait_gone(p, "You have changes that are not saved");
	e2e_assert_present(p, "Drita");
	e2e_esc(p);
	e2e_wait_text(p, "You have changes that are not saved");
	e2e_key(p, "y");
	/* the flow pauses; the card says what is missing */
	e2e_wait_text(p, "The registration is paused");
	e2e_wait_text(p, "Still missing: risk screening, consent");
	e2e_wait_text(p, "No consent yet");
	e2e_expect_db(f->db, "SELECT count(*) FROM person", want);
	free(fam0);
	free(per0);
	pty_free(p);
}

/* Two instances edit the same family: the second save is refused, keeps
 * the typed text and shows what changed; "mine on top" then saves both. */
static void test_edit_conflict(void **state)
{
	struct e2e_fx *f = *state;
	char *code =
	    e2e_db_text(f->db, "SELECT code FROM family WHERE deleted_at IS NULL AND status ="
	                       " 'active' ORDER BY id LIMIT 1");
	assert_non_null(code);
	char *sql_addr = sqlite3_mprintf("SELECT address FROM family WHERE code = %Q", code);
	char *sql_phone =
	    sqlite3_mprintf("SELECT coalesce(phone, '') FROM family WHERE code = %Q", code);
	char *sql_ver = sqlite3_mprintf("SELECT version FROM family WHERE code = %Q", code);
	char *v0 = e2e_db_text(f->db, sql_ver);

	struct pty *a = start(f, "en");
	struct pty *b = start(f, "en");
	e2e_login(a, "en", "arben", "demo-arben");
	e2e_login(b, "en", "drita", "demo-drita");
	open_card(a, code);
	open_card(b, code);
	e2e_key(a, "e");
	e2e_key(b, "e");
	char title[64];
	snprintf(title, sizeof title, "Family %s", code);
	e2e_wait_text(a, title);
	e2e_wait_text(b, title);
	e2e_wait_text(a, "Address");
	e2e_wait_text(b, "Address");
	/* the first desk changes the address and saves */
	e2e_key(a, "Down");
	e2e_key(a, "Down");
	e2e_key(a, "C-u");
	e2e_type(a, "Rruga e Re 1");
	e2e_key(a, "F4");
	e2e_wait_text(a, "is saved.");
	e2e_wait_db(f->db, a, sql_addr, "Rruga e Re 1");
	/* the second changes the phone and saves: refused */
	e2e_key(b, "Down");
	e2e_key(b, "Down");
	e2e_key(b, "Down");
	e2e_key(b, "C-u");
	e2e_type(b, "068 555 1234");
	e2e_key(b, "F4");
	e2e_wait_text(b, "Another desk saved this record while you were editing it.");
	e2e_wait_text(b, "They changed:");
	e2e_assert_present(b, "Address.");
	e2e_wait_text(b, "Someone else changed this record");
	e2e_assert_present(b, "068 555 1234");         /* the typed text is kept */
	e2e_assert_present(b, "The other desk saved"); /* beside the address */
	e2e_expect_db(f->db, sql_addr, "Rruga e Re 1");
	char want[16];
	snprintf(want, sizeof want, "%d", atoi(v0) + 1);
	e2e_expect_db(f->db, sql_ver, want);
	/* saving again without choosing is refused too */
	e2e_key(b, "F4");
	e2e_wait_text(b, "Choose first");
	e2e_expect_db(f->db, sql_ver, want);
	/* mine on top: their address, my phone; then save */
	e2e_key(b, "M-a");
	e2e_wait_text(b, "Your changes are now on top");
	e2e_assert_present(b, "Rruga e Re 1");
	e2e_assert_present(b, "068 555 1234");
	e2e_key(b, "F4");
	e2e_wait_text(b, "is saved.");
	e2e_wait_db(f->db, b, sql_phone, "068 555 1234");
	e2e_expect_db(f->db, sql_addr, "Rruga e Re 1");
	/* the manager sees both changes in the record history */
	e2e_wait_text(b, "Members (");
	e2e_key(b, "h");
	e2e_wait_text(b, "Record history of family");
	e2e_wait_text(b, "changed: Phone");
	e2e_wait_text(b, "changed: Address");
	e2e_assert_present(b, "arben");
	e2e_assert_present(b, "drita");
	/* the registrar has no record history */
	e2e_wait_text(a, "Members (");
	e2e_key(a, "h");
	e2e_wait_text(a, "This key cannot be used here right now.");
	e2e_assert_absent(a, "Record history of family");
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
	struct e2e_fx *f = *state;
	struct pty *p = start(f, "en");
	e2e_login(p, "en", "mira", "demo-mira");
	e2e_wait_text(p, "Menu");
	e2e_assert_absent(p, "Families");
	e2e_key(p, "f");
	pty_wait_stable(p, 200, 2000);
	e2e_assert_absent(p, "Search:");
	e2e_assert_present(p, "Today, ");
	e2e_key(p, "F1");
	e2e_wait_text(p, "Help");
	e2e_assert_absent(p, "Families");
	e2e_assert_absent(p, "screening");
	pty_free(p);

	char *code =
	    e2e_db_text(f->db, "SELECT f.code FROM family f JOIN person m ON m.family_id = f.id"
	                       " JOIN appointment a ON a.person_id = m.id JOIN app_user u"
	                       " ON u.id = a.counsellor_id WHERE u.username = 'elira' AND"
	                       " a.deleted_at IS NULL AND m.deleted_at IS NULL LIMIT 1");
	p = start(f, "en");
	e2e_login(p, "en", "elira", "demo-elira");
	e2e_key(p, "f");
	e2e_wait_text(p, "Search:");
	e2e_assert_absent(p, "F3 New");
	e2e_key(p, "F3");
	e2e_wait_text(p, "This key cannot be used here right now.");
	e2e_assert_absent(p, "Register a new family");
	if (code) {
		e2e_key(p, "Esc");
		pty_wait_stable(p, 250, 2000);
		open_card(p, code);
		e2e_wait_text(p, "Members (");
		e2e_assert_absent(p, "Add member");
		e2e_key(p, "s");
		e2e_wait_text(p, "This key cannot be used here right now.");
		e2e_assert_absent(p, "Risk screening:");
		free(code);
	}
	pty_free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, e2e_teardown)

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
