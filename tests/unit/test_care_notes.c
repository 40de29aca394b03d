/*
 * Unit tests of the confidential session logs (db/notes.c): the marker test
 * (a unique marker written in a note is in none of the database file, its
 * journal, its WAL or a backup, while a control marker in a plain field is
 * found the same way), access for every role, the manager's audited reading
 * with a reason, sealed blobs moved between rows or authors failing to open,
 * the key file, stale saves, follow-ups and hostile text.
 *
 * The clock is pinned to Wednesday 11.03.2026 12:00.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tests/unit/test_care.h"

static int64_t ana, besa, appt1, appt2, appt_c2, appt_future;

static int64_t held_appt(int who, int64_t person, const char *start)
{
	struct db_appt_new in = {.person_id = person,
	                         .counsellor_id = uid[who],
	                         .type = "psychosocial",
	                         .start = start,
	                         .duration_min = 50,
	                         .weeks = 1};
	struct db_appt_booked b;
	struct qerr e = {0};
	assert_int_equal(db_appt_book(db, &actor[who], &in, NULL, &b, &e), DB_OK);
	if (strcmp(start, "2026-03-11 12:00") < 0)
		assert_int_equal(
		    db_appt_set_status(db, &actor[who], b.first_id, 1, DB_APPT_HELD, NULL, &e),
		    DB_OK);
	return b.first_id;
}

static int setup(void **state)
{
	(void)state;
	if (care_open("2026-03-11 12:00:00"))
		return -1;
	ana = add_person("Ana", "Çela", 'F', "2012-04-01");
	besa = add_person("Besa", "Dhima", 'F', "2011-02-03");
	appt1 = held_appt(U_C1, ana, "2026-03-09 10:00");
	appt2 = held_appt(U_C1, besa, "2026-03-10 10:00");
	appt_c2 = held_appt(U_C2, besa, "2026-03-09 11:00");
	appt_future = held_appt(U_C1, ana, "2026-03-16 10:00");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return care_close();
}

static void fill(struct db_session_log *l, int64_t appt, const char *summary, const char *notes)
{
	memset(l, 0, sizeof *l);
	l->appointment_id = appt;
	l->summary = xstrdup(summary);
	l->goals = xstrdup("Të shkojë në shkollë çdo ditë");
	l->next_step = xstrdup("Takim me familjen");
	l->notes = xstrdup(notes);
}

static int write_log(int who, int64_t appt, const char *summary, const char *notes,
                     const char *follow, struct qerr *e)
{
	struct db_session_log l;
	fill(&l, appt, summary, notes);
	if (follow)
		util_strlcpy(l.follow_up_on, follow, sizeof l.follow_up_on);
	int rc = db_session_log_save(db, who ? &actor[who] : NULL, &l, e);
	db_session_log_free(&l);
	return rc;
}

static bool file_has(const char *path, const char *needle)
{
	size_t len;
	unsigned char *b = slurp(path, &len);
	if (!b)
		return false;
	bool found = memmem(b, len, needle, strlen(needle)) != NULL;
	free(b);
	return found;
}

static void make_marker(char *out, size_t n, const char *prefix)
{
	char u[37];
	util_uuid(u);
	snprintf(out, n, "%s-%.8s%.4s", prefix, u, u + 9);
}

/* Write a note with a marker and a plain record with a control marker;
 * neither the file, the journal, the WAL nor a backup holds the note's. */
static void marker_check(bool wal)
{
	struct qerr e = {0};
	char marker[40], control[40];
	make_marker(marker, sizeof marker, "QNOTE");
	make_marker(control, sizeof control, "QCTRL");
	if (wal)
		exec("PRAGMA journal_mode = WAL");
	else
		exec("PRAGMA journal_mode = PERSIST"); /* the journal stays on disk */

	struct db_activity act = {0};
	util_strlcpy(act.held_on, "2026-03-10", sizeof act.held_on);
	util_strlcpy(act.title, control, sizeof act.title);
	util_strlcpy(act.type, "awareness", sizeof act.type);
	assert_int_equal(db_activity_save(db, &actor[U_REG], &act, &e), DB_OK);

	char summary[128], notes[256];
	snprintf(summary, sizeof summary, "Përmbledhje %s", marker);
	snprintf(notes, sizeof notes, "Shënime %s: babai pi, fëmija punon në rrugë", marker);
	assert_int_equal(write_log(U_C1, appt1, summary, notes, NULL, &e), DB_OK);
	/* An update too, so old pages go through the journal. */
	struct db_session_log l;
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_OK);
	assert_string_equal(l.summary, summary);
	assert_string_equal(l.notes, notes);
	free(l.goals);
	l.goals = xstrdup(marker);
	assert_int_equal(db_session_log_save(db, &actor[U_C1], &l, &e), DB_OK);
	db_session_log_free(&l);

	char *journal = xasprintf("%s-journal", care_path);
	char *walf = xasprintf("%s-wal", care_path);
	char *bak = xasprintf("%s/backup.db", care_dir);
	assert_int_equal(db_backup(db, bak, &e), DB_OK);
	if (wal) {
		assert_true(file_has(walf, control) || file_has(care_path, control));
	} else {
		assert_true(file_has(care_path, control));
		assert_int_equal(access(journal, F_OK), 0);
	}
	assert_true(file_has(bak, control));
	assert_false(file_has(care_path, marker));
	assert_false(file_has(journal, marker));
	assert_false(file_has(walf, marker));
	assert_false(file_has(bak, marker));
	/* Nor in the key file, nor in any other file of the directory. */
	DIR *d = opendir(care_dir);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", care_dir, de->d_name);
		assert_false(file_has(p, marker));
		free(p);
		files++;
	}
	closedir(d);
	assert_true(files >= 3);
	printf("    marker %s: absent from %d files (%s mode)\n", marker, files,
	       wal ? "WAL" : "journal");
	free(journal);
	free(walf);
	free(bak);
}

static void test_marker_journal(void **state)
{
	(void)state;
	marker_check(false);
}

static void test_marker_wal(void **state)
{
	(void)state;
	marker_check(true);
}

static void test_key_file(void **state)
{
	(void)state;
	struct qerr e = {0};
	assert_int_equal(write_log(U_C1, appt1, "s", "n", NULL, &e), DB_OK);
	char *kp = xasprintf("%s.key", care_path);
	struct stat sb;
	assert_int_equal(stat(kp, &sb), 0);
	assert_int_equal(sb.st_size, 32);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* Forgotten and loaded again from the file. */
	db_notes_forget_key();
	struct db_session_log l;
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_OK);
	assert_string_equal(l.summary, "s");
	db_session_log_free(&l);

	/* Missing key with logs present: refused, and no new key is made. */
	char *moved = xasprintf("%s.moved", kp);
	assert_int_equal(rename(kp, moved), 0);
	db_notes_forget_key();
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_ERR);
	assert_string_equal(e.key, "err:notes_key_missing");
	assert_int_equal(write_log(U_C1, appt2, "s", "n", NULL, &e), DB_ERR);
	assert_int_equal(access(kp, F_OK), -1);
	assert_int_equal(rename(moved, kp), 0);

	/* A key readable by others is refused. */
	assert_int_equal(chmod(kp, 0644), 0);
	db_notes_forget_key();
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_ERR);
	assert_string_equal(e.key, "err:notes_key_unsafe");
	assert_int_equal(chmod(kp, 0600), 0);
	/* A key of the wrong length. */
	assert_int_equal(truncate(kp, 16), 0);
	db_notes_forget_key();
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_ERR);
	assert_string_equal(e.key, "err:notes_key_bad");
	free(moved);
	free(kp);
}

/* Every role against one log: who reads, who is refused, what is audited. */
static void test_access_every_role(void **state)
{
	(void)state;
	struct qerr e = {0};
	assert_int_equal(write_log(U_C1, appt1, "Sekret", "Shumë sekret", NULL, &e), DB_OK);
	struct db_session_log l;

	/* The author. */
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_OK);
	assert_string_equal(l.notes, "Shumë sekret");
	assert_int_equal(l.counsellor_id, uid[U_C1]);
	assert_int_equal(l.version, 1);
	db_session_log_free(&l);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action LIKE 'session_log_read%'"),
	                 0);

	/* Refused: registrar, both teachers, viewer, the other counsellor, the CLI. */
	const int refused[] = {U_REG, U_T1, U_T2, U_VIEW, U_C2, 0};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		const struct db_actor *who = refused[i] ? &actor[refused[i]] : NULL;
		memset(&l, 0x55, sizeof l);
		qerr_clear(&e);
		assert_int_equal(db_session_log_read(db, who, appt1, "any reason", &l, &e),
		                 DB_DENIED);
		assert_string_equal(e.key, "err:db_denied");
		assert_null(l.summary);
		assert_null(l.notes);
		/* Nor may they write or overwrite it. */
		assert_int_equal(write_log(refused[i], appt1, "x", "y", NULL, &e), DB_DENIED);
	}
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'session_log_denied'"),
	                 12);

	/* The manager: a reason first, then an audit row with it. */
	assert_int_equal(db_session_log_read(db, &actor[U_MGR], appt1, NULL, &l, &e), DB_INVALID);
	assert_string_equal(e.key, "err:log_reason_required");
	assert_int_equal(db_session_log_read(db, &actor[U_MGR], appt1, "  ", &l, &e), DB_INVALID);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'session_log_read'"), 0);
	assert_int_equal(
	    db_session_log_read(db, &actor[U_MGR], appt1, "Mbikëqyrje mujore e rastit", &l, &e),
	    DB_OK);
	assert_string_equal(l.summary, "Sekret");
	db_session_log_free(&l);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM audit WHERE action = 'session_log_read' AND user_id = %lld"
	         " AND detail = 'Mbikëqyrje mujore e rastit' AND tbl = 'session_log'",
	         (long long)uid[U_MGR]);
	assert_int_equal(scalar(sql), 1);
	/* The manager cannot change another counsellor's note. */
	assert_int_equal(write_log(U_MGR, appt1, "x", "y", NULL, &e), DB_DENIED);

	/* No log yet: the author's counsellor and the manager hear "not found",
	 * others are refused without learning whether one exists. */
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt2, NULL, &l, &e), DB_NOTFOUND);
	assert_int_equal(db_session_log_read(db, &actor[U_MGR], appt2, "r", &l, &e), DB_NOTFOUND);
	assert_int_equal(db_session_log_read(db, &actor[U_C2], appt2, NULL, &l, &e), DB_DENIED);
	assert_int_equal(db_session_log_read(db, &actor[U_REG], appt2, NULL, &l, &e), DB_DENIED);

	/* The schedule shows that a log exists, never its text. */
	struct db_appt a;
	assert_int_equal(db_appt_get(db, &actor[U_REG], appt1, &a, &e), DB_OK);
	assert_true(a.has_log);
	/* A held appointment with a log cannot be cancelled or un-held. */
	assert_int_equal(db_appt_cancel(db, &actor[U_C1], appt1, a.version, "x", false, &e),
	                 DB_INVALID);
	assert_int_equal(
	    db_appt_set_status(db, &actor[U_C1], appt1, a.version, DB_APPT_NO_SHOW, NULL, &e),
	    DB_CONFLICT);
	assert_string_equal(e.key, "err:appt_has_log");
}

static void test_tamper(void **state)
{
	(void)state;
	struct qerr e = {0};
	struct db_session_log l;
	assert_int_equal(write_log(U_C1, appt1, "Ana", "Shënime për Anën", NULL, &e), DB_OK);
	assert_int_equal(write_log(U_C1, appt2, "Besa", "Shënime për Besën", NULL, &e), DB_OK);
	/* Copy Ana's sealed note onto Besa's row: it must not open there. */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "UPDATE session_log SET nonce = (SELECT nonce FROM session_log WHERE"
	         " appointment_id = %lld), sealed = (SELECT sealed FROM session_log WHERE"
	         " appointment_id = %lld) WHERE appointment_id = %lld",
	         (long long)appt1, (long long)appt1, (long long)appt2);
	exec(sql);
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt2, NULL, &l, &e), DB_ERR);
	assert_string_equal(e.key, "err:notes_undecryptable");
	assert_null(l.notes);
	/* The original still opens. */
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_OK);
	db_session_log_free(&l);
	/* A changed version or author breaks it too. */
	snprintf(sql, sizeof sql,
	         "UPDATE session_log SET version = version + 1 WHERE appointment_id = %lld",
	         (long long)appt1);
	exec(sql);
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_ERR);
	snprintf(sql, sizeof sql,
	         "UPDATE session_log SET version = version - 1, counsellor_id = %lld"
	         " WHERE appointment_id = %lld",
	         (long long)uid[U_C2], (long long)appt1);
	exec(sql);
	assert_int_equal(db_session_log_read(db, &actor[U_C2], appt1, NULL, &l, &e), DB_ERR);
	assert_string_equal(e.key, "err:notes_undecryptable");
	/* A flipped byte of ciphertext. */
	assert_int_equal(write_log(U_C2, appt_c2, "B", "C", NULL, &e), DB_OK);
	assert_int_equal(db_session_log_read(db, &actor[U_C2], appt_c2, NULL, &l, &e), DB_OK);
	db_session_log_free(&l);
	snprintf(sql, sizeof sql,
	         "UPDATE session_log SET sealed = CAST(substr(sealed, 1, 4) || x'00' ||"
	         " substr(sealed, 6) AS BLOB) WHERE appointment_id = %lld",
	         (long long)appt_c2);
	exec(sql);
	assert_int_equal(db_session_log_read(db, &actor[U_C2], appt_c2, NULL, &l, &e), DB_ERR);
}

static void test_stale_and_rules(void **state)
{
	(void)state;
	struct qerr e = {0};
	/* Only a held appointment gets a log. */
	assert_int_equal(write_log(U_C1, appt_future, "x", "y", NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:log_needs_held");
	assert_int_equal(write_log(U_C1, 999999, "x", "y", NULL, &e), DB_NOTFOUND);

	assert_int_equal(write_log(U_C1, appt1, "v1", "n1", NULL, &e), DB_OK);
	/* A second "new" log for the same appointment is stale. */
	assert_int_equal(write_log(U_C1, appt1, "v1b", "n1b", NULL, &e), DB_STALE);
	struct db_session_log a, b;
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &a, &e), DB_OK);
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &b, &e), DB_OK);
	free(a.summary);
	a.summary = xstrdup("desk A");
	free(b.summary);
	b.summary = xstrdup("desk B");
	assert_int_equal(db_session_log_save(db, &actor[U_C1], &a, &e), DB_OK);
	assert_int_equal(a.version, 2);
	assert_int_equal(db_session_log_save(db, &actor[U_C1], &b, &e), DB_STALE);
	assert_string_equal(e.key, "err:db_stale");
	db_session_log_free(&a);
	db_session_log_free(&b);
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &a, &e), DB_OK);
	assert_string_equal(a.summary, "desk A");
	db_session_log_free(&a);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action = 'session_log_save'"
	                        " AND detail IS NULL"),
	                 2);
}

static void test_followups(void **state)
{
	(void)state;
	struct qerr e = {0};
	assert_int_equal(write_log(U_C1, appt1, "s", "n", "2026-03-11", &e), DB_OK);
	assert_int_equal(write_log(U_C1, appt2, "s", "n", "2026-03-20", &e), DB_OK);
	assert_int_equal(write_log(U_C2, appt_c2, "s", "n", "2026-03-01", &e), DB_OK);
	struct db_followup *f;
	int n;
	assert_int_equal(db_followups_due(db, &actor[U_C1], uid[U_C2], "2026-03-11", &f, &n, &e),
	                 DB_OK);
	assert_int_equal(n, 1); /* their own, whatever they ask for */
	assert_int_equal(f[0].kind, DB_FOLLOWUP_SESSION);
	assert_int_equal(f[0].appointment_id, appt1);
	assert_string_equal(f[0].due, "2026-03-11");
	int64_t v = f[0].log_version;
	free(f);
	assert_int_equal(db_followups_due(db, &actor[U_MGR], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].due, "2026-03-01");
	free(f);
	/* A registrar does not see session follow-ups. */
	assert_int_equal(db_followups_due(db, &actor[U_REG], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(f);
	/* Done: only the author; then it leaves the list and the note still opens. */
	assert_int_equal(db_followup_done(db, &actor[U_MGR], appt1, v, &e), DB_DENIED);
	assert_int_equal(db_followup_done(db, &actor[U_C1], appt1, v + 1, &e), DB_STALE);
	assert_int_equal(db_followup_done(db, &actor[U_C1], appt1, v, &e), DB_OK);
	assert_int_equal(db_followups_due(db, &actor[U_C1], 0, "2026-03-11", &f, &n, &e), DB_OK);
	assert_int_equal(n, 0);
	free(f);
	struct db_session_log l;
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_OK);
	assert_true(l.follow_up_done);
	assert_int_equal(l.version, v + 1);
	db_session_log_free(&l);
}

static void test_hostile(void **state)
{
	(void)state;
	struct qerr e = {0};
	assert_int_equal(write_log(U_C1, appt1, "bad \xC3\x28", "n", NULL, &e), DB_INVALID);
	assert_string_equal(e.key, "err:log_text_invalid");
	assert_int_equal(write_log(U_C1, appt1, "s", "ctl \x01", NULL, &e), DB_INVALID);
	assert_int_equal(write_log(U_C1, appt1, "s", "n", "2026-02-30", &e), DB_INVALID);
	assert_string_equal(e.key, "err:log_follow_up_invalid");
	assert_int_equal(write_log(U_C1, appt1, "s", "n", "'; DROP TABLE", &e), DB_INVALID);
	/* 20 001 characters: too long; 20 000 two-byte characters: fine. */
	char *big = xmalloc(40003);
	memset(big, 'a', 20001);
	big[20001] = 0;
	assert_int_equal(write_log(U_C1, appt1, "s", big, NULL, &e), DB_INVALID);
	for (int i = 0; i < 20000; i++)
		memcpy(big + 2 * i, "\xC3\xAB", 2);
	big[40000] = 0;
	assert_int_equal(write_log(U_C1, appt1,
	                           "\xE2\x80\x8F'; DROP TABLE session_log; --\nrreshti 2\tTab", big,
	                           NULL, &e),
	                 DB_OK);
	struct db_session_log l;
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt1, NULL, &l, &e), DB_OK);
	assert_string_equal(l.notes, big);
	assert_string_equal(l.summary, "\xE2\x80\x8F'; DROP TABLE session_log; --\nrreshti 2\tTab");
	db_session_log_free(&l);
	free(big);
	/* Empty texts are fine and come back as "". */
	struct db_session_log z = {0};
	z.appointment_id = appt2;
	assert_int_equal(db_session_log_save(db, &actor[U_C1], &z, &e), DB_OK);
	assert_int_equal(db_session_log_read(db, &actor[U_C1], appt2, NULL, &l, &e), DB_OK);
	assert_string_equal(l.summary, "");
	assert_string_equal(l.notes, "");
	db_session_log_free(&l);
	db_session_log_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_marker_journal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_marker_wal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_access_every_role, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tamper, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_and_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_followups, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
