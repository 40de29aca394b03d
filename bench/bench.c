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
 * takes twice as long), and by "(target < N ms: met)" (or "NOT met") where
 * an issue sets a target. Lines starting with '#' explain what was measured.
 *
 * How a db_ function is set against the shell: one warm-up call per item
 * records the SQL the function really ran (sqlite3_trace_v2, parameters
 * inlined by sqlite3_expanded_sql); the shell then runs that SQL without
 * " COLLATE SQ" (it does not have the collation), everything in one
 * process with `.timer on` and output to /dev/null, with the same warm-up
 * and passes; CPU times (user+sys) are compared, median against median and
 * worst against worst. The shell is plain: its default page cache, no
 * foreign-key checks, none of qendra's connection set-up.
 *
 * The database is a demo centre of BENCH_FAMILIES families (20 000 when not
 * set) in BENCH_OUT (bench/out); it is made once with db_demo_generate, in a
 * child process so that the generator's memory does not colour the other
 * figures, and reused while the stamp file beside it says the same qendra
 * version, schema, demo revision and size. The demo's data runs up to the
 * day it was made ("today": appointments today, a class meeting today), so
 * the bench pins QENDRA_NOW to the moment it was made, kept in the stamp.
 * Figures that write (the roll) work in copies, so the kept database stays
 * as generated. QENDRA_BIN names the binary to start (./qendra).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <iniparser.h>

#include "conf/conf.h"
#include "db/care.h"
#include "db/dbi.h"
#include "db/demo.h"
#include "db/registry.h"
#include "tests/e2e/pty.h"

#define BENCH_SEED       1
#define READ_PASSES      3 /* timed passes over a read figure's items, after a warm-up */
#define SEARCH_QUERIES   100
#define SEARCH_LIMIT     50 /* one screen page of hits */
#define SEARCH_TARGET_MS 30 /* issue 3: every keystroke under 30 ms */
#define CARD_FAMILIES    100
#define CARD_VISITS      5 /* the recent visits the family card screen asks for */
#define WEEK_OTHERS      20
#define ROLL_SIZE        30
#define ROLL_ROUNDS      20
#define ROLL_TARGET_MS   50 /* issue 4: opening a roll and saving it, each */
#define DROPOUT_RUNS     5
#define STARTUP_RUNS     5
#define WAIT_MS          30000

struct bench {
	int families;
	char out[512]; /* BENCH_OUT */
	char db[512];
	char stamp[512];
	char now[20]; /* when the demo was made: its "today" */
	const char *qendra;
	const char *locale_dir;
	char login_word[128]; /* the user-name label of the login screen, "" = unknown */
	char home_word[128];  /* the title of the home screen */
};

/* ---- Output ---- */

/* One result line; ratio > 0 adds the ratio, target > 0 (same unit) says
 * whether the value is under it. */
static void report_t(const char *name, double value, const char *unit, double ratio, double target)
{
	printf("%s: %.*f %s", name, value < 10 ? 2 : 1, value, unit);
	if (ratio > 0)
		printf(" (ratio x%.1f vs sqlite3)", ratio);
	if (target > 0)
		printf(" (target < %g %s: %s)", target, unit, value < target ? "met" : "NOT met");
	printf("\n");
	fflush(stdout);
}

static void report(const char *name, double value, const char *unit, double ratio)
{
	report_t(name, value, unit, ratio, 0);
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

/* Median and largest of n values (v is left as it was). */
static void med_max(const double *v, int n, double *med, double *max)
{
	double *c = xcalloc((size_t)n, sizeof *c);
	memcpy(c, v, (size_t)n * sizeof *c);
	*med = median(c, n);
	*max = c[n - 1];
	free(c);
}

/*
 * A timed figure: "<name>_median" and "<name>_worst" of the CPU times q
 * (seconds, n values) with their ratio to the shell's s (NULL: none), then
 * "<name>_median_wall" and "<name>_worst_wall" of the wall times w.
 * with_mean adds "<name>_mean"; target_ms > 0 is stated on every line.
 */
static void report_times(const char *name, const double *q, const double *s, const double *w, int n,
                         bool with_mean, double target_ms)
{
	char key[96];
	double med, worst, smed = 0, sworst = 0;
	med_max(q, n, &med, &worst);
	if (s)
		med_max(s, n, &smed, &sworst);
	/* Below the shell's clock resolution a ratio means nothing. */
	snprintf(key, sizeof key, "%s_median", name);
	report_t(key, med * 1000, "ms", smed > 1e-6 ? med / smed : 0, target_ms);
	snprintf(key, sizeof key, "%s_worst", name);
	report_t(key, worst * 1000, "ms", sworst > 1e-6 ? worst / sworst : 0, target_ms);
	if (with_mean) {
		double sum_q = 0, sum_s = 0;
		for (int i = 0; i < n; i++) {
			sum_q += q[i];
			sum_s += s ? s[i] : 0;
		}
		snprintf(key, sizeof key, "%s_mean", name);
		report(key, sum_q / n * 1000, "ms", sum_s > 1e-6 ? sum_q / sum_s : 0);
	}
	if (s)
		printf("# sqlite3 shell alone: median %.3f ms, worst %.3f ms\n", smed * 1000,
		       sworst * 1000);
	else
		printf("# the sqlite3 shell could not run the queries: no ratio\n");
	med_max(w, n, &med, &worst);
	snprintf(key, sizeof key, "%s_median_wall", name);
	report_t(key, med * 1000, "ms", 0, target_ms);
	snprintf(key, sizeof key, "%s_worst_wall", name);
	report_t(key, worst * 1000, "ms", 0, target_ms);
}

/* ---- The demo database ---- */

static void stamp_text(const struct bench *b, char *out, size_t sz)
{
	snprintf(out, sz, "qendra %s schema %d demo %d families %d seed %d", QENDRA_VERSION,
	         db_schema_latest(), DB_DEMO_REVISION, b->families, BENCH_SEED);
}

/* The build time recorded in the stamp, or -1 when the stamp does not match
 * (or is from before the stamp kept the demo's "now"); now gets that moment. */
static double stamp_read(const struct bench *b, char now[20])
{
	char want[160], line[160];
	double secs = -1;
	int y, mo, d, h, mi, s;
	stamp_text(b, want, sizeof want);
	FILE *f = fopen(b->stamp, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof line, f) && strncmp(line, want, strlen(want)) == 0 &&
	    line[strlen(want)] == '\n' &&
	    (fscanf(f, "build_seconds %lf now %19[0-9: -]", &secs, now) != 2 ||
	     sscanf(now, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6))
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
	char now[20];
	util_now_str(now); /* the generator's "today" */
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
	if (!f || fprintf(f, "%s\nbuild_seconds %.3f\nnow %s\n", text, secs, now) < 0 ||
	    fclose(f) != 0)
		_exit(1);
	printf("# demo rows:");
	for (int i = 0; i < st.ntables; i++)
		if (st.count[i].rows)
			printf(" %s=%lld", st.count[i].table, (long long)st.count[i].rows);
	printf("\n");
	fflush(stdout);
	_exit(0);
}

/* From here on "today" is the demo's (unless the caller pinned a time). */
static void pin_today(const struct bench *b)
{
	const char *pin = getenv("QENDRA_NOW");
	if (pin && *pin) {
		printf("# QENDRA_NOW=%s set by the caller (the demo was made at %s)\n", pin,
		       b->now);
		return;
	}
	setenv("QENDRA_NOW", b->now, 1);
	printf("# QENDRA_NOW=%s: the moment the demo was made, so its \"today\" holds\n", b->now);
}

static int m_build(struct bench *b)
{
	double secs = stamp_read(b, b->now);
	if (secs >= 0) {
		printf("# demo database %s reused (stamp matches); time from when it was built\n",
		       b->db);
		report("demo_build", secs, "s", 0);
		pin_today(b);
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
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || (secs = stamp_read(b, b->now)) < 0) {
		report_na("demo_build", "the demo database could not be made");
		return -1;
	}
	report("demo_build", secs, "s", 0);
	pin_today(b);
	return 0;
}

/* Copy a file (0600); 0 or -1. */
static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	static char buf[1 << 16];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -1;
			break;
		}
	if (n < 0 || close(out) != 0)
		rc = -1;
	close(in);
	return rc;
}

/* Remove a database and what SQLite or the bench may have left beside it. */
static void remove_db(const char *path)
{
	static const char *const ext[] = {"", "-journal", "-wal", "-shm", ".bench.sql", ".key"};
	char p[700];
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
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

static struct pty *spawn_qendra(const struct bench *b, const char *db, bool lang_en)
{
	const char *argv_en[] = {b->qendra, "--db", db, "--lang", "en", NULL};
	const char *argv_plain[] = {b->qendra, "--db", db, NULL};
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
static struct pty *to_login(const struct bench *b, const char *db, double *secs)
{
	static int lang_ok = -1; /* does this qendra take --lang? */
	for (int attempt = 0; attempt < 2; attempt++) {
		bool en = lang_ok != 0;
		double t0 = now_s();
		struct pty *p = spawn_qendra(b, db, en);
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
		struct pty *p = to_login(b, b->db, &t[i]);
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
	/* Signing in writes (last login, audit): in a copy. */
	char copy[600];
	snprintf(copy, sizeof copy, "%s/memory.db", b->out);
	remove_db(copy);
	if (copy_file(b->db, copy) != 0) {
		remove_db(copy);
		report_na("rss_home", "cannot copy the database");
		return -1;
	}
	double t;
	struct pty *p = to_login(b, copy, &t);
	if (!p) {
		remove_db(copy);
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
		remove_db(copy);
		return -1;
	}
	if (getenv("BENCH_DEBUG"))
		pty_dump(p, stderr);
	printf("# resident memory of qendra at the home screen after signing in as drita (in a"
	       " copy of the database)\n");
	report("rss_home", (double)rss / 1024.0, "MiB", 0);
	report("rss_peak", (double)hwm / 1024.0, "MiB", 0);
	pty_free(p);
	remove_db(copy);
	return 0;
}

/* ---- The SQL a db_ function runs ---- */

struct trace {
	struct qdb *db;
	struct sbuf sql; /* each statement with its parameters filled in, ";\n" after it */
	int n;           /* statements */
	bool failed;     /* a statement could not be expanded */
};

/*
 * Is st run by qendra's db/ itself: one of the connection's cached
 * statements (dbi_prep), or a transaction command (dbi_exec)? FTS5 runs
 * statements of its own on the connection while a MATCH steps: their work
 * is inside our statement's, which the shell runs too.
 */
static bool stmt_ours(struct qdb *db, sqlite3_stmt *st)
{
	static const char *const tx[] = {"BEGIN",    "COMMIT",    "END",
	                                 "ROLLBACK", "SAVEPOINT", "RELEASE"};
	for (int i = 0; i < db->ncache; i++)
		if (db->cache[i].st == st)
			return true;
	const char *sql = sqlite3_sql(st);
	for (size_t i = 0; sql && i < sizeof tx / sizeof tx[0]; i++)
		if (strncasecmp(sql, tx[i], strlen(tx[i])) == 0)
			return true;
	return false;
}

static int trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	struct trace *t = ctx;
	/* x is "-- TRIGGER name" for the statements of a trigger: part of ours. */
	if (type != SQLITE_TRACE_STMT || strncmp((const char *)x, "--", 2) == 0 ||
	    !stmt_ours(t->db, p))
		return 0;
	char *full = sqlite3_expanded_sql((sqlite3_stmt *)p);
	if (!full) {
		t->failed = true;
		return 0;
	}
	sbuf_add(&t->sql, full);
	sbuf_add(&t->sql, ";\n");
	t->n++;
	sqlite3_free(full);
	return 0;
}

static void trace_start(struct trace *t, struct qdb *db)
{
	memset(t, 0, sizeof *t);
	t->db = db;
	sqlite3_trace_v2(db->h, SQLITE_TRACE_STMT, trace_cb, t);
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

/* Stop tracing; the SQL for the shell (malloc'd; NULL when a statement
 * could not be expanded) and its number of statements. */
static char *trace_stop(struct trace *t, int *nstmt)
{
	sqlite3_trace_v2(t->db->h, 0, NULL, NULL);
	char *sql = t->failed ? NULL : xstrdup(t->sql.s ? t->sql.s : "");
	if (sql)
		strip_collate(sql);
	*nstmt = t->n;
	sbuf_free(&t->sql);
	return sql;
}

/* ---- The sqlite3 shell ---- */

struct shell_job {
	const char *db; /* the database the shell opens */
	bool readonly;
	bool warm;  /* run every query once first, untimed */
	int passes; /* timed passes over all queries */
	char *const *sqls;
	const int *nstmt; /* statements in each query */
	int nq;
};

/*
 * Run the queries in one sqlite3 process with .timer on. cpu and wall
 * ([pass * nq + i], seconds) get each query's time, summed over its
 * statements. 0, or -1 when the shell is missing or failed.
 */
static int shell_run(const struct shell_job *j, double *cpu_out, double *wall_out)
{
	for (int i = 0; i < j->nq; i++)
		if (!j->sqls[i])
			return -1;
	if (strchr(j->db, '\''))
		return -1;
	char script[600];
	snprintf(script, sizeof script, "%s.bench.sql", j->db);
	FILE *f = fopen(script, "w");
	if (!f)
		return -1;
	fprintf(f, ".output /dev/null\n.timer on\n");
	int runs = j->passes + (j->warm ? 1 : 0);
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < j->nq; i++)
			fputs(j->sqls[i], f);
	if (fclose(f) != 0)
		return -1;
	char cmd[1400];
	snprintf(cmd, sizeof cmd, "sqlite3 -batch %s'%s' < '%s' 2>&1",
	         j->readonly ? "-readonly " : "", j->db, script);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int total = 0;
	for (int i = 0; i < j->nq; i++)
		total += j->nstmt[i];
	int want = total * runs;
	double *cpu = xcalloc((size_t)want + 1, sizeof *cpu);
	double *real = xcalloc((size_t)want + 1, sizeof *real);
	int got = 0;
	char line[512];
	bool error = false;
	while (fgets(line, sizeof line, p)) {
		double r, u, s;
		if (sscanf(line, "Run Time: real %lf user %lf sys %lf", &r, &u, &s) == 3) {
			if (got < want) {
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
	bool bad = error || st != 0 || got != want;
	if (bad)
		fprintf(stderr, "bench: sqlite3 shell: exit %d, %d timings for %d statements%s\n",
		        st, got, want,
		        getenv("BENCH_DEBUG") ? "" : " (BENCH_DEBUG=1 keeps the script)");
	if (!getenv("BENCH_DEBUG"))
		unlink(script);
	if (!bad)
		for (int pass = 0; pass < j->passes; pass++) {
			int base = (pass + (j->warm ? 1 : 0)) * total;
			for (int i = 0, off = 0; i < j->nq; off += j->nstmt[i], i++) {
				double c = 0, w = 0;
				for (int k = 0; k < j->nstmt[i]; k++) {
					c += cpu[base + off + k];
					w += real[base + off + k];
				}
				cpu_out[pass * j->nq + i] = c;
				wall_out[pass * j->nq + i] = w;
			}
		}
	free(cpu);
	free(real);
	return bad ? -1 : 0;
}

static void say_shell_method(const char *fn)
{
	printf("# sqlite3: the shell (libsqlite3 %s) runs the very SQL %s ran (traced, parameters"
	       " inlined) without COLLATE SQ, one process for all queries, output to /dev/null,"
	       " CPU time (user+sys) of .timer, same warm-up and passes\n",
	       sqlite3_libversion(), fn);
}

/* ---- Timing calls, traced or timed ---- */

/* One item of a figure: either its SQL is recorded (sqls set) or its CPU
 * and wall time (cpu, wall set), at index i. */
struct rec {
	struct qdb *db;
	char **sqls;
	int *nstmt;
	double *cpu, *wall;
	struct trace tr;
	double c0, w0;
};

static void rec_begin(struct rec *r)
{
	if (r->sqls) {
		trace_start(&r->tr, r->db);
	} else {
		r->w0 = now_s();
		r->c0 = cpu_s();
	}
}

static void rec_end(struct rec *r, int i)
{
	if (r->sqls) {
		r->sqls[i] = trace_stop(&r->tr, &r->nstmt[i]);
	} else {
		r->cpu[i] = cpu_s() - r->c0;
		r->wall[i] = now_s() - r->w0;
	}
}

/* Times of a read figure: nq items, `passes` timed passes over them,
 * [pass * nq + i], seconds; sh_* NULL when the shell could not run. */
struct times {
	int nq, passes;
	double *cpu, *wall;
	double *sh_cpu, *sh_wall;
};

static void times_free(struct times *t)
{
	free(t->cpu);
	free(t->wall);
	free(t->sh_cpu);
	free(t->sh_wall);
	memset(t, 0, sizeof *t);
}

/* Per item, the median of its passes (v is [pass * nq + i]); NULL for NULL. */
static double *item_medians(const double *v, int nq, int passes)
{
	if (!v)
		return NULL;
	double *out = xcalloc((size_t)nq, sizeof *out);
	double *p = xcalloc((size_t)passes, sizeof *p);
	for (int i = 0; i < nq; i++) {
		for (int k = 0; k < passes; k++)
			p[k] = v[k * nq + i];
		out[i] = median(p, passes);
	}
	free(p);
	return out;
}

typedef int (*bench_call)(struct qdb *db, void *ctx, int i, struct qerr *e);

/*
 * A read figure: call(db, ctx, i) once for every item with its SQL traced
 * (the warm-up), then `passes` times over all items, timed; then the traced
 * SQL in the sqlite3 shell, read-only on the same file, with the same
 * warm-up and passes. 0, or -1 with the failing call's error in e.
 */
static int time_reads(const char *path, struct qdb *db, int nq, int passes, bench_call call,
                      void *ctx, struct times *t, struct qerr *e)
{
	memset(t, 0, sizeof *t);
	t->nq = nq;
	t->passes = passes;
	char **sqls = xcalloc((size_t)nq, sizeof *sqls);
	int *nstmt = xcalloc((size_t)nq, sizeof *nstmt);
	struct rec r = {.db = db, .sqls = sqls, .nstmt = nstmt};
	int rc = 0;
	for (int i = 0; i < nq && !rc; i++) {
		rec_begin(&r);
		rc = call(db, ctx, i, e);
		rec_end(&r, i);
	}
	t->cpu = xcalloc((size_t)(nq * passes), sizeof *t->cpu);
	t->wall = xcalloc((size_t)(nq * passes), sizeof *t->wall);
	for (int pass = 0; pass < passes && !rc; pass++) {
		struct rec tr = {.db = db, .cpu = t->cpu + pass * nq, .wall = t->wall + pass * nq};
		for (int i = 0; i < nq && !rc; i++) {
			rec_begin(&tr);
			rc = call(db, ctx, i, e);
			rec_end(&tr, i);
		}
	}
	if (!rc) {
		struct shell_job j = {.db = path,
		                      .readonly = true,
		                      .warm = true,
		                      .passes = passes,
		                      .sqls = sqls,
		                      .nstmt = nstmt,
		                      .nq = nq};
		t->sh_cpu = xcalloc((size_t)(nq * passes), sizeof *t->sh_cpu);
		t->sh_wall = xcalloc((size_t)(nq * passes), sizeof *t->sh_wall);
		if (shell_run(&j, t->sh_cpu, t->sh_wall) != 0) {
			free(t->sh_cpu);
			free(t->sh_wall);
			t->sh_cpu = t->sh_wall = NULL;
		}
	}
	for (int i = 0; i < nq; i++)
		free(sqls[i]);
	free(sqls);
	free(nstmt);
	if (rc)
		times_free(t);
	return rc ? -1 : 0;
}

/* Report a read figure over its items: each item's median of the passes,
 * then the median and the worst item. */
static void report_items(const char *name, const struct times *t, bool with_mean, double target_ms)
{
	double *q = item_medians(t->cpu, t->nq, t->passes);
	double *s = item_medians(t->sh_cpu, t->nq, t->passes);
	double *w = item_medians(t->wall, t->nq, t->passes);
	report_times(name, q, s, w, t->nq, with_mean, target_ms);
	free(q);
	free(s);
	free(w);
}

/*
 * Open a database and find a demo user; NULL after reporting `figure` n/a.
 * The read figures open the kept database read-only, as the shell does:
 * both then have SQLite's default page cache (qendra's read-write
 * connection, the app's, has 32 MiB, which speeds up what does not fit).
 */
static struct qdb *open_as(const char *path, bool readonly, const char *user, struct db_actor *who,
                           const char *figure)
{
	struct qdb *db = NULL;
	struct qerr e = {0};
	struct db_open_opts o = {.readonly = readonly};
	if (db_open(&db, path, &o, &e) != DB_OK) {
		report_na(figure, e.key);
		return NULL;
	}
	struct db_user u;
	if (db_user_get(db, user, &u, &e) != DB_OK) {
		char why[64];
		snprintf(why, sizeof why, "no user %s", user);
		report_na(figure, why);
		db_close(db);
		return NULL;
	}
	who->user_id = u.id;
	who->role = u.role;
	return db;
}

/* A small deterministic generator (splitmix64). */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* ---- Name search (issue 3) ---- */

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

struct search_ctx {
	struct db_actor who;
	char (*q)[64];
	long hits, calls;
};

static int call_search(struct qdb *db, void *ctx, int i, struct qerr *e)
{
	struct search_ctx *c = ctx;
	struct db_person_hit *h = NULL;
	int n = 0;
	int rc = db_person_search(db, &c->who, c->q[i], SEARCH_LIMIT, 0, &h, &n, e);
	free(h);
	c->hits += n;
	c->calls++;
	return rc;
}

static int m_search(struct bench *b)
{
	struct search_ctx c = {0};
	struct qdb *db = open_as(b->db, true, "drita", &c.who, "search_keystroke");
	if (!db)
		return -1;
	static char q[SEARCH_QUERIES][64];
	int nq = make_prefixes(db, q);
	if (nq == 0) {
		report_na("search_keystroke", "no names");
		db_close(db);
		return -1;
	}
	c.q = q;
	struct times t;
	struct qerr e = {0};
	int rc = time_reads(b->db, db, nq, READ_PASSES, call_search, &c, &t, &e);
	db_close(db);
	if (rc) {
		report_na("search_keystroke", e.key);
		return -1;
	}
	printf("# search keystroke (issue 3): %d prefixes of real first/last names, 1-6"
	       " characters, half with accents (e.g. \"%s\", \"%s\", \"%s\"), %.1f hits on"
	       " average (LIMIT %d); target: every keystroke under %d ms\n",
	       nq, q[0], q[2], q[3], (double)c.hits / (double)c.calls, SEARCH_LIMIT,
	       SEARCH_TARGET_MS);
	printf("# qendra: CPU time of db_person_search (MATCH building, FTS5 query, joins,"
	       " ORDER BY ... COLLATE SQ, copying the rows), as drita (manager), warm cache,"
	       " median of %d runs per prefix; median and worst prefix\n",
	       READ_PASSES);
	say_shell_method("db_person_search");
	report_items("search_keystroke", &t, true, SEARCH_TARGET_MS);
	times_free(&t);
	return 0;
}

/* ---- Family card (issue 3) ---- */

struct card_ctx {
	struct db_actor who;
	int64_t ids[CARD_FAMILIES];
	long members, calls;
};

static int call_card(struct qdb *db, void *ctx, int i, struct qerr *e)
{
	struct card_ctx *c = ctx;
	struct db_family_card card;
	int rc = db_family_card(db, &c->who, c->ids[i], CARD_VISITS, &card, e);
	if (rc == DB_OK) {
		c->members += card.nmembers;
		c->calls++;
		db_family_card_free(&card);
	}
	return rc;
}

static int m_card(struct bench *b)
{
	struct card_ctx c = {0};
	struct qdb *db = open_as(b->db, true, "drita", &c.who, "family_card");
	if (!db)
		return -1;
	/* Live families, picked at random with the bench's seed. */
	int64_t *all = NULL;
	int nall = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->h, "SELECT id FROM family WHERE deleted_at IS NULL ORDER BY id",
	                       -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (nall == cap) {
				cap = cap ? 2 * cap : 1024;
				int64_t *grown = xcalloc((size_t)cap, sizeof *grown);
				if (all)
					memcpy(grown, all, (size_t)nall * sizeof *grown);
				free(all);
				all = grown;
			}
			all[nall++] = sqlite3_column_int64(st, 0);
		}
	sqlite3_finalize(st);
	if (nall == 0) {
		free(all);
		report_na("family_card", "no families");
		db_close(db);
		return -1;
	}
	uint64_t seed = BENCH_SEED;
	for (int i = 0; i < CARD_FAMILIES; i++)
		c.ids[i] = all[rnd_next(&seed) % (uint64_t)nall];
	free(all);
	struct times t;
	struct qerr e = {0};
	int rc = time_reads(b->db, db, CARD_FAMILIES, READ_PASSES, call_card, &c, &t, &e);
	db_close(db);
	if (rc) {
		report_na("family_card", e.key);
		return -1;
	}
	printf("# family card (issue 3): db_family_card of %d families picked at random (seed %d)"
	       " of %d, as drita (manager), %d recent visits; %.1f members on average\n",
	       CARD_FAMILIES, BENCH_SEED, nall, CARD_VISITS, (double)c.members / (double)c.calls);
	printf("# qendra: CPU time of db_family_card, warm cache, median of %d runs per family;"
	       " median and worst family\n",
	       READ_PASSES);
	say_shell_method("db_family_card");
	report_items("family_card", &t, false, 0);
	times_free(&t);
	return 0;
}

/* ---- A counsellor's week (issue 4) ---- */

struct week_ctx {
	struct db_actor who;
	char from[1 + WEEK_OTHERS][11];
	long rows, calls;
};

static int call_week(struct qdb *db, void *ctx, int i, struct qerr *e)
{
	struct week_ctx *c = ctx;
	struct db_appt *rows = NULL;
	int n = 0;
	int rc = db_appt_week(db, &c->who, c->who.user_id, NULL, c->from[i], &rows, &n, e);
	free(rows);
	c->rows += n;
	c->calls++;
	return rc;
}

static int m_week(struct bench *b)
{
	struct week_ctx c = {0};
	struct qdb *db = open_as(b->db, true, "elira", &c.who, "counsellor_week");
	if (!db)
		return -1;
	/* The current week (from Monday, as the schedule's week view asks),
	 * the last 12, the next 4, and half a year, one, two and three years
	 * back. */
	static const int offset[1 + WEEK_OTHERS] = {
	    0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, 1, 2, 3, 4, -26, -52, -104, -156};
	char today[11];
	long d;
	util_today(today);
	db_day_from_iso(today, &d);
	long monday = d - db_day_weekday(d);
	for (int i = 0; i <= WEEK_OTHERS; i++)
		db_day_to_iso(monday + 7L * offset[i], c.from[i]);
	struct times t;
	struct qerr e = {0};
	int rc = time_reads(b->db, db, 1 + WEEK_OTHERS, READ_PASSES, call_week, &c, &t, &e);
	db_close(db);
	if (rc) {
		report_na("counsellor_week", e.key);
		return -1;
	}
	printf("# counsellor's week (issue 4): db_appt_week of elira (counsellor) as elira, the"
	       " week of %s and %d other weeks (back to %s, ahead to %s); %.1f appointments a"
	       " week on average\n",
	       c.from[0], WEEK_OTHERS, c.from[WEEK_OTHERS], c.from[16],
	       (double)c.rows / (double)c.calls);
	printf("# qendra: CPU time of db_appt_week, warm cache, median of %d runs per week;"
	       " median and worst week\n",
	       READ_PASSES);
	say_shell_method("db_appt_week");
	report_items("counsellor_week", &t, false, 0);
	times_free(&t);
	return 0;
}

/* ---- Roll call (issue 4) ---- */

/* Mira's class of ROLL_SIZE children that meets today: its id, or 0. */
static int64_t roll_class(struct qdb *db, const struct db_actor *who, const char *today, char *name,
                          size_t namesz)
{
	struct db_class *cls = NULL;
	int n = 0;
	int64_t found = 0;
	struct qerr e = {0};
	if (db_class_list(db, who, &cls, &n, &e) != DB_OK)
		return 0;
	for (int i = 0; i < n && !found; i++) {
		struct db_date *dates = NULL;
		int nd = 0;
		if (cls[i].enrolled == ROLL_SIZE &&
		    db_class_expected_dates(db, who, cls[i].id, today, today, &dates, &nd, &e) ==
		        DB_OK &&
		    nd == 1) {
			found = cls[i].id;
			util_strlcpy(name, cls[i].name, namesz);
		}
		free(dates);
	}
	free(cls);
	return found;
}

/*
 * The rounds of the roll figure: item 0 opens the roll once (a warm-up,
 * as the class screen does before the roll), then ROLL_ROUNDS rounds of
 * open (item 1 + 2k) and save (item 2 + 2k); even rounds change three marks
 * (a correction, audited as such), odd rounds save the roll as opened.
 * The rounds depend only on the marks in the database, so the same rounds
 * on copies of the same file run the same statements.
 */
static int roll_rounds(struct rec *r, const struct db_actor *who, int64_t class_id, const char *day,
                       struct qerr *e)
{
	struct db_roll roll;
	rec_begin(r);
	int rc = db_roll_open(r->db, who, class_id, day, &roll, e);
	rec_end(r, 0);
	if (rc)
		return rc;
	db_roll_free(&roll);
	for (int k = 0; k < ROLL_ROUNDS; k++) {
		rec_begin(r);
		rc = db_roll_open(r->db, who, class_id, day, &roll, e);
		rec_end(r, 1 + 2 * k);
		if (rc)
			return rc;
		if (k % 2 == 0 && roll.n > 0)
			for (int j = 0; j < 3; j++) {
				struct db_roll_entry *x = &roll.e[(7 * k + 1 + 11 * j) % roll.n];
				x->mark = x->saved == 'A' ? 'P' : 'A';
			}
		rec_begin(r);
		rc = db_roll_save(r->db, who, &roll, e);
		rec_end(r, 2 + 2 * k);
		db_roll_free(&roll);
		if (rc)
			return rc;
	}
	return DB_OK;
}

static int m_roll(struct bench *b)
{
	char work[600], shell[600], today[11], cname[321] = "";
	snprintf(work, sizeof work, "%s/roll-work.db", b->out);
	snprintf(shell, sizeof shell, "%s/roll-shell.db", b->out);
	util_today(today);
	remove_db(work);
	remove_db(shell);
	if (copy_file(b->db, work) != 0) {
		report_na("roll", "cannot copy the database");
		remove_db(work);
		return -1;
	}
	struct db_actor who;
	struct qerr e = {0};
	struct qdb *db = open_as(work, false, "mira", &who, "roll");
	int64_t cid = db ? roll_class(db, &who, today, cname, sizeof cname) : 0;
	if (db && !cid)
		report_na("roll", "mira has no class of 30 children meeting today");
	/* The first save of the day: creates the session with 3 absentees. */
	struct db_roll roll;
	double first_open = 0, first_save = 0;
	int rc = cid ? DB_OK : DB_ERR;
	if (cid) {
		double c0 = cpu_s();
		rc = db_roll_open(db, &who, cid, today, &roll, &e);
		first_open = cpu_s() - c0;
	}
	if (cid && rc == DB_OK) {
		for (int j = 0; j < 3 && roll.n > 0; j++)
			roll.e[(3 + 9 * j) % roll.n].mark = 'A';
		double c0 = cpu_s();
		rc = db_roll_save(db, &who, &roll, &e);
		first_save = cpu_s() - c0;
		if (rc == DB_OK && roll.n != ROLL_SIZE)
			printf("# note: the roll has %d children, not %d\n", roll.n, ROLL_SIZE);
		db_roll_free(&roll);
	}
	db_close(db);
	if (cid && rc != DB_OK)
		report_na("roll", e.key);
	/* The shell replays the recorded rounds on a copy of the same state. */
	if (rc == DB_OK && copy_file(work, shell) != 0) {
		report_na("roll", "cannot copy the database");
		rc = DB_ERR;
	}
	enum { NI = 1 + 2 * ROLL_ROUNDS };
	char *sqls[NI] = {0};
	int nstmt[NI] = {0};
	double cpu[NI] = {0}, wall[NI] = {0}, sh_cpu[NI] = {0}, sh_wall[NI] = {0};
	/* Recording, then timing, each on a fresh connection as the app has. */
	for (int pass = 0; pass < 2 && rc == DB_OK; pass++) {
		struct db_actor w2;
		db = open_as(work, false, "mira", &w2, "roll");
		if (!db) {
			rc = DB_ERR;
			break;
		}
		struct rec r = {.db = db};
		if (pass == 0) {
			r.sqls = sqls;
			r.nstmt = nstmt;
		} else {
			r.cpu = cpu;
			r.wall = wall;
		}
		rc = roll_rounds(&r, &w2, cid, today, &e);
		db_close(db);
		if (rc)
			report_na("roll", e.key);
	}
	bool have_shell = false;
	if (rc == DB_OK) {
		struct shell_job j = {.db = shell,
		                      .readonly = false,
		                      .warm = false,
		                      .passes = 1,
		                      .sqls = sqls,
		                      .nstmt = nstmt,
		                      .nq = NI};
		have_shell = shell_run(&j, sh_cpu, sh_wall) == 0;
	}
	for (int i = 0; i < NI; i++)
		free(sqls[i]);
	remove_db(work);
	remove_db(shell);
	if (rc)
		return -1;
	printf("# roll call (issue 4): \"%s\" (%d children) today %s, as mira (teacher), in a copy"
	       " of the database; the first save of the day (creating the session, 3 absent)"
	       " took %.2f ms CPU after a %.2f ms open; then %d rounds of db_roll_open +"
	       " db_roll_save, saving in turn a roll with 3 marks changed (audited correction) and"
	       " an unchanged one; target: each under %d ms\n",
	       cname, ROLL_SIZE, today, first_save * 1000, first_open * 1000, ROLL_ROUNDS,
	       ROLL_TARGET_MS);
	printf("# qendra: CPU time of each call, one run per round on a fresh read-write"
	       " connection (the app's: 32 MiB page cache; the shell has its default) after"
	       " one untimed open; saves are DELETE-journal transactions with synchronous=FULL,"
	       " so their wall time holds the fsyncs\n");
	printf("# sqlite3: the shell (libsqlite3 %s) replays the SQL the same rounds ran"
	       " (recorded on the same copy in a run before) without COLLATE SQ, on a second copy"
	       " of the same state, one process, read-write, CPU time (user+sys) of .timer\n",
	       sqlite3_libversion());
	double q[ROLL_ROUNDS], s[ROLL_ROUNDS], w[ROLL_ROUNDS];
	for (int op = 0; op < 2; op++) {
		for (int k = 0; k < ROLL_ROUNDS; k++) {
			q[k] = cpu[1 + op + 2 * k];
			s[k] = sh_cpu[1 + op + 2 * k];
			w[k] = wall[1 + op + 2 * k];
		}
		report_times(op ? "roll_save" : "roll_open", q, have_shell ? s : NULL, w,
		             ROLL_ROUNDS, false, ROLL_TARGET_MS);
	}
	double ch[ROLL_ROUNDS / 2 + 1], un[ROLL_ROUNDS / 2 + 1];
	int nch = 0, nun = 0;
	for (int k = 0; k < ROLL_ROUNDS; k++) {
		if (k % 2 == 0)
			ch[nch++] = cpu[2 + 2 * k];
		else
			un[nun++] = cpu[2 + 2 * k];
	}
	printf("# roll_save CPU median: %.2f ms with 3 marks changed, %.2f ms unchanged\n",
	       median(ch, nch) * 1000, median(un, nun) * 1000);
	return 0;
}

/* ---- Dropout list (issue 4) ---- */

struct dropout_ctx {
	struct db_actor who;
	struct db_dropout_rule rule;
	char today[11];
	int listed;
};

static int call_dropout(struct qdb *db, void *ctx, int i, struct qerr *e)
{
	(void)i;
	struct dropout_ctx *c = ctx;
	struct db_dropout_row *rows = NULL;
	int rc = db_dropout_list(db, &c->who, c->today, &c->rule, &rows, &c->listed, e);
	free(rows);
	return rc;
}

static int m_dropout(struct bench *b)
{
	struct dropout_ctx c = {0};
	struct qdb *db = open_as(b->db, true, "drita", &c.who, "dropout_list");
	if (!db)
		return -1;
	/* The rule of the default configuration, as the dropout screen builds it. */
	struct conf cf;
	conf_defaults(&cf);
	db_dropout_rule_default(&c.rule);
	c.rule.absences_in_row = cf.dropout_absences_in_row;
	c.rule.min_rate_percent = cf.dropout_min_rate_percent;
	c.rule.window_weeks = cf.dropout_window_weeks;
	c.rule.min_sessions = cf.dropout_min_sessions;
	c.rule.weight_irregular = cf.dropout_weight_irregular;
	c.rule.weight_dropped_out = cf.dropout_weight_dropped_out;
	c.rule.weight_risk_factor = cf.dropout_weight_risk_factor;
	c.rule.flag_score = cf.dropout_flag_score;
	c.rule.rule_points = CONF_DROPOUT_RULE_POINTS;
	conf_free(&cf);
	util_today(c.today);
	struct times t;
	struct qerr e = {0};
	int rc = time_reads(b->db, db, 1, DROPOUT_RUNS, call_dropout, &c, &t, &e);
	db_close(db);
	if (rc) {
		report_na("dropout_list", e.key);
		return -1;
	}
	printf("# dropout list (issue 4): db_dropout_list for the whole centre on %s, as drita"
	       " (manager), the default configuration's rule (%d in a row, under %d%% over %d"
	       " weeks with %d sessions, flag at %d): %d children listed\n",
	       c.today, c.rule.absences_in_row, c.rule.min_rate_percent, c.rule.window_weeks,
	       c.rule.min_sessions, c.rule.flag_score, c.listed);
	printf("# qendra: CPU time of db_dropout_list, warm cache, %d runs after one warm-up;"
	       " median and worst run\n",
	       DROPOUT_RUNS);
	say_shell_method("db_dropout_list");
	/* One item: the runs themselves are the values. */
	report_times("dropout_list", t.cpu, t.sh_cpu, t.wall, DROPOUT_RUNS, false, 0);
	times_free(&t);
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
    {"search", "search keystroke: db_person_search vs the sqlite3 shell", m_search},
    {"card", "family card: db_family_card vs the sqlite3 shell", m_card},
    {"week", "a counsellor's week: db_appt_week vs the sqlite3 shell", m_week},
    {"roll", "roll of 30: db_roll_open + db_roll_save vs the sqlite3 shell", m_roll},
    {"dropout", "dropout list of the centre: db_dropout_list vs the sqlite3 shell", m_dropout},
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
	util_strlcpy(b.out, out, sizeof b.out);
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
	/* Wall times hold the waits for a CPU when the machine is busy. */
	double load[1] = {-1};
	getloadavg(load, 1);
	printf("# qendra %s, SQLite %s, %ld CPUs, load average %.2f\n", QENDRA_VERSION,
	       sqlite3_libversion(), sysconf(_SC_NPROCESSORS_ONLN), load[0]);
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
