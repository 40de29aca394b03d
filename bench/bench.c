/*
 * bench — qendra's performance figures, run by bench/bench.sh (`make bench`).
 *
 * Every figure is one entry of the `measures` table below: a name, a line of
 * help and a function that prints its result lines through report(). To add
 * a figure, write a function and add a row; `bench NAME...` runs only the
 * named ones, `bench --list` lists them.
 *
 * Output: one line per figure, "name: value unit", followed by
 * "(ratio xN.N vs sqlite3)" where the same work was also timed with the plain
 * sqlite3 shell (ratio = qendra's time / sqlite3's, so x2.0 means qendra
 * takes twice as long). Lines starting with '#' explain what was measured.
 *
 * The database is a demo centre of BENCH_FAMILIES families (20 000 when not
 * set) in BENCH_OUT (bench/out); it is made once with db_demo_generate, in a
 * child process so that the generator's memory does not colour the other
 * figures, and reused while the stamp file beside it says the same qendra
 * version, schema, demo revision and size. QENDRA_BIN names the binary to
 * start (./qendra).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <iniparser.h>

#include "db/dbi.h"
#include "db/demo.h"
#include "tests/e2e/pty.h"

#define BENCH_SEED     1
#define SEARCH_QUERIES 100
#define SEARCH_PASSES  3
#define SEARCH_LIMIT   50 /* one screen page of hits */
#define STARTUP_RUNS   5
#define WAIT_MS        30000

struct bench {
	int families;
	char db[512];
	char stamp[512];
	const char *qendra;
	const char *locale_dir;
	char login_word[128]; /* the user-name label of the login screen, "" = unknown */
	char home_word[128];  /* the title of the home screen */
};

/* ---- Output ---- */

static void report(const char *name, double value, const char *unit, double ratio)
{
	if (ratio > 0)
		printf("%s: %.*f %s (ratio x%.1f vs sqlite3)\n", name, value < 10 ? 2 : 1, value,
		       unit, ratio);
	else
		printf("%s: %.*f %s\n", name, value < 10 ? 2 : 1, value, unit);
	fflush(stdout);
}

static void report_na(const char *name, const char *why)
{
	printf("%s: n/a (%s)\n", name, why);
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- The demo database ---- */

static void stamp_text(const struct bench *b, char *out, size_t sz)
{
	snprintf(out, sz, "qendra %s schema %d demo %d families %d seed %d", QENDRA_VERSION,
	         db_schema_latest(), DB_DEMO_REVISION, b->families, BENCH_SEED);
}

/* The build time recorded in the stamp, or -1 when the stamp does not match. */
static double stamp_read(const struct bench *b)
{
	char want[160], line[160];
	double secs = -1;
	stamp_text(b, want, sizeof want);
	FILE *f = fopen(b->stamp, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof line, f) && strncmp(line, want, strlen(want)) == 0 &&
	    line[strlen(want)] == '\n' && fscanf(f, "build_seconds %lf", &secs) != 1)
		secs = -1;
	fclose(f);
	struct stat sb;
	if (stat(b->db, &sb) != 0 || sb.st_size == 0)
		return -1;
	return secs;
}

/* In a child process: make the database under a temporary name, then
 * rename it into place and write the stamp. Exit status 0 on success. */
static _Noreturn void build_child(const struct bench *b)
{
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s.tmp", b->db);
	unlink(tmp);
	struct qdb *db = NULL;
	struct qerr e = {0};
	struct db_open_opts o = {.create = true};
	if (db_open(&db, tmp, &o, &e) != DB_OK) {
		fprintf(stderr, "bench: %s: %s %s\n", tmp, e.key, e.detail);
		_exit(1);
	}
	struct db_demo_stats st;
	double t0 = now_s();
	int rc = db_demo_generate(db, b->families, BENCH_SEED, &st, &e);
	double secs = now_s() - t0;
	db_close(db);
	if (rc != DB_OK) {
		fprintf(stderr, "bench: demo: %s %s\n", e.key, e.detail);
		unlink(tmp);
		_exit(1);
	}
	if (rename(tmp, b->db) != 0) {
		fprintf(stderr, "bench: rename %s: %s\n", b->db, strerror(errno));
		_exit(1);
	}
	FILE *f = fopen(b->stamp, "w");
	char text[160];
	stamp_text(b, text, sizeof text);
	if (!f || fprintf(f, "%s\nbuild_seconds %.3f\n", text, secs) < 0 || fclose(f) != 0)
		_exit(1);
	printf("# demo rows:");
	for (int i = 0; i < st.ntables; i++)
		if (st.count[i].rows)
			printf(" %s=%lld", st.count[i].table, (long long)st.count[i].rows);
	printf("\n");
	fflush(stdout);
	_exit(0);
}

static int m_build(struct bench *b)
{
	double secs = stamp_read(b);
	if (secs >= 0) {
		printf("# demo database %s reused (stamp matches); time from when it was built\n",
		       b->db);
		report("demo_build", secs, "s", 0);
		return 0;
	}
	unlink(b->db);
	unlink(b->stamp);
	printf("# building %s: %d families, seed %d (db_demo_generate, one transaction)\n", b->db,
	       b->families, BENCH_SEED);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		build_child(b);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || (secs = stamp_read(b)) < 0) {
		report_na("demo_build", "the demo database could not be made");
		return -1;
	}
	report("demo_build", secs, "s", 0);
	return 0;
}

/* ---- qendra in a terminal ---- */

static bool have_qendra(const struct bench *b)
{
	return access(b->qendra, X_OK) == 0;
}

/* The pid of our child running qendra (pty.h does not expose it). */
static pid_t child_pid(void)
{
	DIR *d = opendir("/proc");
	pid_t found = 0, me = getpid();
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* pid (comm) state ppid ...; comm may hold spaces: parse after ')'. */
		char *rp = strrchr(buf, ')');
		int ppid = 0;
		char state;
		if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && ppid == me &&
		    strstr(buf, "(qendra)")) {
			found = (pid_t)atoi(buf);
			break;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* VmRSS (or another field) of a process in KiB, -1 when unknown. */
static long proc_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long v = -1;
	size_t fl = strlen(field);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':')
			v = atol(line + fl + 1);
	if (f)
		fclose(f);
	return v;
}

static struct pty *spawn_qendra(const struct bench *b, bool lang_en)
{
	const char *argv_en[] = {b->qendra, "--db", b->db, "--lang", "en", NULL};
	const char *argv_plain[] = {b->qendra, "--db", b->db, NULL};
	const char *env[] = {"LANG=C.UTF-8", "NO_COLOR", NULL};
	struct pty_opts o = {
	    .rows = 24, .cols = 80, .argv = lang_en ? argv_en : argv_plain, .env = env};
	return pty_spawn(&o);
}

/*
 * Start qendra and wait for the login screen. Returns the handle (or NULL)
 * and the seconds from just before spawning to the moment the user-name
 * label was on the screen; without a known label, to the moment the screen
 * stopped changing (minus the quiet time waited for).
 */
static struct pty *to_login(const struct bench *b, double *secs)
{
	static int lang_ok = -1; /* does this qendra take --lang? */
	for (int attempt = 0; attempt < 2; attempt++) {
		bool en = lang_ok != 0;
		double t0 = now_s();
		struct pty *p = spawn_qendra(b, en);
		if (!p)
			return NULL;
		bool ok;
		if (b->login_word[0]) {
			ok = pty_wait_text(p, b->login_word, WAIT_MS);
			*secs = now_s() - t0;
		} else {
			ok = pty_wait_stable(p, 300, WAIT_MS);
			*secs = now_s() - t0 - 0.3;
		}
		if (ok && !pty_exited(p, 0, NULL)) {
			lang_ok = en;
			return p;
		}
		pty_free(p);
		if (!en)
			break;
		lang_ok = 0; /* maybe --lang is not known: try once without */
	}
	return NULL;
}

static int m_startup(struct bench *b)
{
	if (!have_qendra(b)) {
		report_na("startup_to_login", "no qendra binary");
		return 0;
	}
	printf("# spawn of `%s --db DB --lang en` in an 80x24 pty until \"%s\" is on the screen,"
	       " median of %d\n",
	       b->qendra, b->login_word[0] ? b->login_word : "(screen stable)", STARTUP_RUNS);
	double t[STARTUP_RUNS];
	for (int i = 0; i < STARTUP_RUNS; i++) {
		struct pty *p = to_login(b, &t[i]);
		if (!p) {
			report_na("startup_to_login", "the login screen did not appear");
			return -1;
		}
		pty_free(p);
	}
	double worst = 0;
	for (int i = 0; i < STARTUP_RUNS; i++)
		worst = t[i] > worst ? t[i] : worst;
	report("startup_to_login", median(t, STARTUP_RUNS) * 1000, "ms", 0);
	report("startup_to_login_worst", worst * 1000, "ms", 0);
	return 0;
}

static int m_memory(struct bench *b)
{
	if (!have_qendra(b)) {
		report_na("rss_home", "no qendra binary");
		return 0;
	}
	double t;
	struct pty *p = to_login(b, &t);
	if (!p) {
		report_na("rss_home", "the login screen did not appear");
		return -1;
	}
	pid_t pid = child_pid();
	/* The login form: user name, Enter, password, Enter. */
	pty_type(p, "drita\n");
	pty_type(p, "demo-drita\n");
	bool home = b->home_word[0] ? pty_wait_text(p, b->home_word, WAIT_MS) : true;
	if (home && b->login_word[0])
		home = pty_wait_gone(p, b->login_word, WAIT_MS);
	pty_wait_stable(p, 300, WAIT_MS);
	long rss = pid > 0 ? proc_kib(pid, "VmRSS") : -1;
	long hwm = pid > 0 ? proc_kib(pid, "VmHWM") : -1;
	if (!home || rss < 0) {
		if (getenv("BENCH_DEBUG"))
			pty_dump(p, stderr);
		report_na("rss_home", home ? "no /proc status" : "the home screen did not appear");
		pty_free(p);
		return -1;
	}
	if (getenv("BENCH_DEBUG"))
		pty_dump(p, stderr);
	printf("# resident memory of qendra at the home screen after signing in as drita\n");
	report("rss_home", (double)rss / 1024.0, "MiB", 0);
	report("rss_peak", (double)hwm / 1024.0, "MiB", 0);
	pty_free(p);
	return 0;
}

/* ---- Name search ---- */

/* The SQL db_person_search ran, with its parameters filled in; statements
 * run while one of ours is stepping (FTS5's own) are not ours. */
static struct sbuf traced;
static int traced_n;
static sqlite3_stmt *traced_st[32];

static int trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_STMT)
		return 0;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	if (!sql || strncmp((const char *)x, "--", 2) == 0)
		return 0;
	for (int i = 0; i < traced_n && i < 32; i++)
		if (sqlite3_stmt_busy(traced_st[i]))
			return 0;
	if (traced_n < 32)
		traced_st[traced_n] = (sqlite3_stmt *)p;
	char *full = sqlite3_expanded_sql((sqlite3_stmt *)p);
	if (!full)
		return 0;
	sbuf_add(&traced, full);
	sbuf_add(&traced, ";\n");
	traced_n++;
	sqlite3_free(full);
	return 0;
}

/* Remove every " COLLATE SQ" (the shell does not have the collation). */
static void strip_collate(char *s)
{
	static const char pat[] = " COLLATE SQ";
	char *p;
	while ((p = strstr(s, pat)) != NULL) {
		char c = p[sizeof pat - 1];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') {
			s = p + 1; /* another collation's name, keep */
			continue;
		}
		memmove(p, p + sizeof pat - 1, strlen(p + sizeof pat - 1) + 1);
	}
}

/* The first n code points of s. */
static void prefix_cp(const char *s, int n, char *out, size_t sz)
{
	const char *p = s;
	for (int i = 0; i < n && *p; i++)
		utf8_next(&p);
	size_t len = (size_t)(p - s);
	if (len >= sz)
		len = sz - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/*
 * 100 prefixes a person would type: names taken from the database at fixed
 * strides (last names and first names in turn), 1 to 6 characters; half as
 * written (with ë, ç), half without accents and in lower case.
 */
static int make_prefixes(struct qdb *db, char q[][64])
{
	static const char *const sql[2] = {
	    "SELECT DISTINCT last_name FROM person ORDER BY last_name",
	    "SELECT DISTINCT first_name FROM person ORDER BY first_name"};
	char *names[2][512];
	int nn[2] = {0, 0};
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db->h, sql[k], -1, &st, NULL) != SQLITE_OK)
			return 0;
		while (sqlite3_step(st) == SQLITE_ROW && nn[k] < 512)
			names[k][nn[k]++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	int n = 0;
	for (int i = 0; i < SEARCH_QUERIES && nn[0] && nn[1]; i++) {
		int k = i % 2;
		const char *name = names[k][(i * 37 + i / 2) % nn[k]];
		char pre[64];
		prefix_cp(name, 1 + i % 6, pre, sizeof pre);
		if ((i / 2) % 2)
			db_fold(pre, q[n], 64);
		else
			util_strlcpy(q[n], pre, 64);
		if (q[n][0])
			n++;
	}
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < nn[k]; i++)
			free(names[k][i]);
	return n;
}

/* Run the script with the sqlite3 shell; fill cpu[q] (seconds, per query,
 * summed over its statements, median of the passes). -1 on failure. */
static int shell_times(const struct bench *b, char **sqls, const int *nstmt, int nq,
                       double *cpu_out, double *real_out)
{
	char script[600];
	snprintf(script, sizeof script, "%s.bench.sql", b->db);
	FILE *f = fopen(script, "w");
	if (!f)
		return -1;
	fprintf(f, ".output /dev/null\n.timer on\n");
	for (int pass = 0; pass <= SEARCH_PASSES; pass++) /* pass 0 warms up */
		for (int i = 0; i < nq; i++)
			fputs(sqls[i], f);
	fclose(f);
	char cmd[1400];
	snprintf(cmd, sizeof cmd, "sqlite3 -batch -readonly '%s' < '%s' 2>&1", b->db, script);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int total = 0;
	for (int i = 0; i < nq; i++)
		total += nstmt[i];
	double *cpu = xcalloc((size_t)(total * (SEARCH_PASSES + 1) + 1), sizeof *cpu);
	double *real = xcalloc((size_t)(total * (SEARCH_PASSES + 1) + 1), sizeof *real);
	int got = 0;
	char line[512];
	bool error = false;
	while (fgets(line, sizeof line, p)) {
		double r, u, s;
		if (sscanf(line, "Run Time: real %lf user %lf sys %lf", &r, &u, &s) == 3) {
			if (got < total * (SEARCH_PASSES + 1)) {
				cpu[got] = u + s;
				real[got] = r;
			}
			got++;
		} else if (strstr(line, "rror")) {
			if (!error)
				fprintf(stderr, "bench: sqlite3: %s", line);
			error = true;
		}
	}
	int st = pclose(p);
	if (error || st != 0 || got != total * (SEARCH_PASSES + 1))
		fprintf(stderr, "bench: sqlite3 shell: exit %d, %d timings for %d statements%s\n",
		        st, got, total * (SEARCH_PASSES + 1),
		        getenv("BENCH_DEBUG") ? "" : " (BENCH_DEBUG=1 keeps the script)");
	if (!getenv("BENCH_DEBUG"))
		unlink(script);
	if (error || st != 0 || got != total * (SEARCH_PASSES + 1)) {
		free(cpu);
		free(real);
		return -1;
	}
	for (int i = 0, off = 0; i < nq; off += nstmt[i], i++) {
		double pc[SEARCH_PASSES], pr[SEARCH_PASSES];
		for (int pass = 1; pass <= SEARCH_PASSES; pass++) {
			double c = 0, r = 0;
			for (int k = 0; k < nstmt[i]; k++) {
				c += cpu[pass * total + off + k];
				r += real[pass * total + off + k];
			}
			pc[pass - 1] = c;
			pr[pass - 1] = r;
		}
		cpu_out[i] = median(pc, SEARCH_PASSES);
		real_out[i] = median(pr, SEARCH_PASSES);
	}
	free(cpu);
	free(real);
	return 0;
}

static int m_search(struct bench *b)
{
	struct qdb *db = NULL;
	struct qerr e = {0};
	struct db_open_opts o = {.readonly = true};
	if (db_open(&db, b->db, &o, &e) != DB_OK) {
		report_na("search", e.key);
		return -1;
	}
	struct db_user u;
	if (db_user_get(db, "drita", &u, &e) != DB_OK) {
		report_na("search", "no user drita");
		db_close(db);
		return -1;
	}
	struct db_actor who = {u.id, u.role};
	static char q[SEARCH_QUERIES][64];
	int nq = make_prefixes(db, q);
	if (nq == 0) {
		report_na("search", "no names");
		db_close(db);
		return -1;
	}
	/* Warm-up pass, which also records the SQL each query runs. */
	char **sqls = xcalloc((size_t)nq, sizeof *sqls);
	int *nstmt = xcalloc((size_t)nq, sizeof *nstmt);
	long hits_total = 0;
	for (int i = 0; i < nq; i++) {
		struct db_person_hit *h = NULL;
		int n = 0;
		traced.len = 0;
		if (traced.s)
			traced.s[0] = '\0';
		traced_n = 0;
		sqlite3_trace_v2(db->h, SQLITE_TRACE_STMT, trace_cb, NULL);
		int rc = db_person_search(db, &who, q[i], SEARCH_LIMIT, 0, &h, &n, &e);
		sqlite3_trace_v2(db->h, 0, NULL, NULL);
		free(h);
		if (rc != DB_OK) {
			report_na("search", e.key);
			db_close(db);
			return -1;
		}
		hits_total += n;
		sqls[i] = xstrdup(traced.s ? traced.s : "");
		strip_collate(sqls[i]);
		nstmt[i] = traced_n;
	}
	sbuf_free(&traced);
	/* Timed passes: CPU time and wall time of each call. */
	double cpu_q[SEARCH_QUERIES], wall_q[SEARCH_QUERIES];
	for (int i = 0; i < nq; i++) {
		double pc[SEARCH_PASSES], pw[SEARCH_PASSES];
		for (int pass = 0; pass < SEARCH_PASSES; pass++) {
			struct db_person_hit *h = NULL;
			int n = 0;
			double w0 = now_s(), c0 = cpu_s();
			db_person_search(db, &who, q[i], SEARCH_LIMIT, 0, &h, &n, &e);
			pc[pass] = cpu_s() - c0;
			pw[pass] = now_s() - w0;
			free(h);
		}
		cpu_q[i] = median(pc, SEARCH_PASSES);
		wall_q[i] = median(pw, SEARCH_PASSES);
	}
	const char *sv = sqlite3_libversion();
	db_close(db);

	double sh_cpu[SEARCH_QUERIES], sh_real[SEARCH_QUERIES];
	int have_shell = shell_times(b, sqls, nstmt, nq, sh_cpu, sh_real) == 0;
	printf("# name search: %d prefixes of real first/last names, 1-6 characters, half with"
	       " accents (e.g. \"%s\", \"%s\", \"%s\"), %.1f hits on average (LIMIT %d)\n",
	       nq, q[0], q[2], q[3], (double)hits_total / nq, SEARCH_LIMIT);
	printf("# qendra: CPU time of db_person_search (MATCH building, FTS5 query, joins,"
	       " ORDER BY ... COLLATE SQ, copying the rows), as drita (manager), warm cache,"
	       " median of %d runs per prefix\n",
	       SEARCH_PASSES);
	printf("# sqlite3: the shell (libsqlite3 %s) runs the very SQL db_person_search ran"
	       " (traced, parameters inlined) without COLLATE SQ, one process for all"
	       " queries, output to /dev/null, CPU time (user+sys) of .timer, same warm-up and"
	       " median\n",
	       sv);
	double a[SEARCH_QUERIES], c[SEARCH_QUERIES];
	memcpy(a, cpu_q, sizeof a);
	double med = median(a, nq), worst = a[nq - 1];
	memcpy(a, wall_q, sizeof a);
	double wmed = median(a, nq), wworst = a[nq - 1];
	if (have_shell) {
		memcpy(c, sh_cpu, sizeof c);
		double smed = median(c, nq), sworst = c[nq - 1];
		/* Below the shell's clock resolution a ratio means nothing. */
		report("search_median", med * 1000, "ms", smed > 1e-6 ? med / smed : 0);
		report("search_worst", worst * 1000, "ms", sworst > 1e-6 ? worst / sworst : 0);
		double sum_q = 0, sum_s = 0;
		for (int i = 0; i < nq; i++) {
			sum_q += cpu_q[i];
			sum_s += sh_cpu[i];
		}
		report("search_mean", sum_q / nq * 1000, "ms", sum_s > 1e-6 ? sum_q / sum_s : 0);
		printf("# sqlite3 shell alone: median %.3f ms, worst %.3f ms\n", smed * 1000,
		       sworst * 1000);
	} else {
		report("search_median", med * 1000, "ms", 0);
		report("search_worst", worst * 1000, "ms", 0);
		printf("# the sqlite3 shell could not run the queries: no ratio\n");
	}
	report("search_median_wall", wmed * 1000, "ms", 0);
	report("search_worst_wall", wworst * 1000, "ms", 0);
	for (int i = 0; i < nq; i++)
		free(sqls[i]);
	free(sqls);
	free(nstmt);
	return 0;
}

/* ---- The table of figures ---- */

static const struct measure {
	const char *name;
	const char *help;
	int (*run)(struct bench *b);
} measures[] = {
    {"build", "make (or reuse) the demo database", m_build},
    {"startup", "time from starting qendra to its login screen", m_startup},
    {"memory", "resident memory at the home screen after signing in", m_memory},
    {"search", "name search: db_person_search vs the sqlite3 shell", m_search},
};
#define NMEASURES ((int)(sizeof measures / sizeof measures[0]))

/* Read the labels the screens show from the English catalogue. */
static void load_words(struct bench *b)
{
	char path[600];
	snprintf(path, sizeof path, "%s/en.ini", b->locale_dir);
	dictionary *d = iniparser_load(path);
	if (!d)
		return;
	const char *w = iniparser_getstring(d, "login:user", NULL);
	if (w)
		util_strlcpy(b->login_word, w, sizeof b->login_word);
	w = iniparser_getstring(d, "home:title", NULL);
	if (w)
		util_strlcpy(b->home_word, w, sizeof b->home_word);
	iniparser_freedict(d);
}

int main(int argc, char **argv)
{
	util_tune_malloc(); /* the same allocator settings as qendra's main */
	struct bench b;
	memset(&b, 0, sizeof b);
	const char *fam = getenv("BENCH_FAMILIES");
	b.families = fam && *fam ? atoi(fam) : 20000;
	if (b.families < 1 || b.families > DB_DEMO_MAX_FAMILIES) {
		fprintf(stderr, "bench: BENCH_FAMILIES must be 1..%d\n", DB_DEMO_MAX_FAMILIES);
		return 2;
	}
	const char *out = getenv("BENCH_OUT");
	out = out && *out ? out : "bench/out";
	mkdir(out, 0700);
	snprintf(b.db, sizeof b.db, "%s/demo-%d.db", out, b.families);
	snprintf(b.stamp, sizeof b.stamp, "%s/demo-%d.stamp", out, b.families);
	b.qendra =
	    getenv("QENDRA_BIN") && *getenv("QENDRA_BIN") ? getenv("QENDRA_BIN") : "./qendra";
	b.locale_dir = getenv("QENDRA_LOCALE_DIR") && *getenv("QENDRA_LOCALE_DIR")
	                   ? getenv("QENDRA_LOCALE_DIR")
	                   : "locale";
	load_words(&b);

	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (int i = 0; i < NMEASURES; i++)
			printf("%-10s %s\n", measures[i].name, measures[i].help);
		return 0;
	}
	for (int a = 1; a < argc; a++) {
		bool known = false;
		for (int i = 0; i < NMEASURES; i++)
			known |= strcmp(argv[a], measures[i].name) == 0;
		if (!known) {
			fprintf(stderr, "bench: unknown measurement %s (see --list)\n", argv[a]);
			return 2;
		}
	}
	printf("# qendra %s, SQLite %s, %ld CPUs\n", QENDRA_VERSION, sqlite3_libversion(),
	       sysconf(_SC_NPROCESSORS_ONLN));
	double t0 = now_s();
	int failed = 0;
	for (int i = 0; i < NMEASURES; i++) {
		bool want = argc == 1 || i == 0; /* the database is always needed */
		for (int a = 1; a < argc; a++)
			want |= strcmp(argv[a], measures[i].name) == 0;
		if (want && measures[i].run(&b) != 0) {
			failed++;
			if (i == 0)
				break;
		}
	}
	printf("# bench took %.0f s\n", now_s() - t0);
	return failed ? 1 : 0;
}
