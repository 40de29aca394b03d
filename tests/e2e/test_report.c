/*
 * test_report — end-to-end tests of the Reports screen (tui/rpt_report.c)
 * and of `qendra report`: the real binary ($QENDRA_BIN, default ./qendra)
 * in a pseudo-terminal of 80x24, on one demo database made once with
 * `qendra demo --families 30` and the clock pinned with QENDRA_NOW.
 *
 * Covered:
 *  - the viewer opens Reports from home, steps to the year view, sees an
 *    indicator with a number, switches to the age bands, exports the CSV
 *    (first line after the byte-order mark is the header, mode 0600) and is
 *    asked before the file is replaced;
 *  - the same screen in Albanian;
 *  - a teacher has no Reports entry and its hotkey does nothing;
 *  - `qendra report --from --to` prints the indicators and exits 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"
#include "util/util.h"

#define NOW "2026-03-11 10:15:00"

static const char *const env_now[] = {"QENDRA_NOW=" NOW, NULL};

static int group_setup(void **state)
{
	struct e2e_fx *f = e2e_fx_new("report");
	if (!f)
		return -1;
	*state = f;
	return e2e_demo(f->db, f->dir, NOW, 30);
}

static int group_teardown(void **state)
{
	return e2e_teardown(state);
}

/* True when s holds a decimal digit. */
static bool has_digit(const char *s)
{
	for (; s && *s; s++)
		if (*s >= '0' && *s <= '9')
			return true;
	return false;
}

static void open_reports(struct pty *p, const char *title)
{
	e2e_key(p, "p");
	e2e_wait_text(p, title);
}

static void test_viewer_year_and_export(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", env_now);
	e2e_login(p, "en", "vjosa", NULL);
	e2e_wait_text(p, "Reports");
	open_reports(p, "Programme indicators");
	e2e_wait_text(p, "01.03.2026 – 31.03.2026 (month)");
	e2e_key(p, "m");
	e2e_wait_text(p, "(quarter)");
	e2e_key(p, "m");
	e2e_wait_text(p, "01.01.2026 – 31.12.2026 (year)");
	e2e_wait_text(p, "Families active at period end");
	int row = pty_find_row(p, "Families active at period end");
	assert_true(row > 0);
	char *line = pty_row(p, row);
	const char *after = strstr(line, "end");
	assert_non_null(after);
	assert_true(has_digit(after));
	free(line);
	/* back a year and forward again with the other keys */
	e2e_key(p, "[");
	e2e_wait_text(p, "01.01.2025 – 31.12.2025 (year)");
	e2e_key(p, ">");
	e2e_wait_text(p, "01.01.2026 – 31.12.2026 (year)");
	/* the age bands */
	e2e_key(p, "a");
	e2e_wait_text(p, "By age band");
	e2e_assert_absent(p, "!");

	/* export */
	e2e_key(p, "F4");
	e2e_wait_text(p, "Save CSV as");
	e2e_wait_text(p, "~/qendra-report-2026.csv");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Saved:");
	char *path = xasprintf("%s/qendra-report-2026.csv", pty_home(p));
	size_t len = 0;
	char *csv = e2e_read_file(path, &len);
	assert_non_null(csv);
	assert_true(len > 3);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	char *eol = strstr(csv + 3, "\r\n");
	assert_non_null(eol);
	*eol = '\0';
	assert_non_null(strstr(csv + 3, "\"From\",\"To\",\"Municipality\",\"Indicator\""));
	assert_non_null(strstr(eol + 2, "Families active at period end"));
	free(csv);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* again: asked before replacing; No keeps the file and the form */
	e2e_wait_text(p, "Programme indicators");
	e2e_key(p, "M-s");
	e2e_wait_text(p, "Save CSV as");
	e2e_key(p, "Enter");
	e2e_wait_text(p, "Replace it?");
	e2e_key(p, "n");
	e2e_wait_gone(p, "Replace it?");
	e2e_assert_present(p, "Save CSV as");
	free(path);
	pty_free(p);
}

static void test_albanian(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "sq", env_now);
	e2e_login(p, "sq", "vjosa", NULL);
	open_reports(p, "Treguesit e programit");
	e2e_wait_text(p, "(muaj)");
	e2e_key(p, "b");
	e2e_wait_text(p, "Bashkia: Shkodër");
	e2e_key(p, "a");
	e2e_wait_text(p, "Sipas grupmoshës");
	e2e_wait_text(p, "Gjithsej");
	pty_free(p);
}

static void test_teacher_has_no_reports(void **state)
{
	struct e2e_fx *f = *state;
	struct pty *p = e2e_start(f, "en", env_now);
	e2e_login(p, "en", "mira", NULL);
	e2e_assert_absent(p, "Reports");
	e2e_key(p, "p");
	e2e_assert_absent(p, "Programme indicators");
	pty_free(p);
}

static void test_cli_report(void **state)
{
	struct e2e_fx *f = *state;
	char *cmd =
	    xasprintf("QENDRA_NOW='" NOW "' '%s' --lang en report --db '%s' --from 01.01.2026 "
	              "--to 31.03.2026 2>&1",
	              e2e_bin(), f->db);
	FILE *fp = popen(cmd, "r");
	assert_non_null(fp);
	struct sbuf out = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sbuf_addn(&out, buf, n);
	int st = pclose(fp);
	free(cmd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_non_null(out.s);
	assert_non_null(strstr(out.s, "Centre visits"));
	assert_non_null(strstr(out.s, "01.01.2026"));
	free(out.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_viewer_year_and_export),
	    cmocka_unit_test(test_albanian),
	    cmocka_unit_test(test_teacher_has_no_reports),
	    cmocka_unit_test(test_cli_report),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
