/*
 * cli — see cli.h. Parses the global options (--db, --config, --lang,
 * --help, --version) wherever they stand, loads the configuration and the
 * catalogues, then runs one command or the TUI.
 */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>

#include <sqlite3.h>

#include "conf/conf.h"
#include "db/db.h"
#include "db/demo.h"
#include "db/report.h"
#include "forms/form.h"
#include "forms/report_fmt.h"
#include "locale/loc.h"
#include "util/util.h"

struct cli {
	const char *db_path;
	const char *config;
	const char *lang;
	struct conf conf;
	int nargs;
	char **args; /* the command and its own arguments */
};

/* Print "qendra: <message>[: detail]" to stderr, the message from the catalogue. */
static int fail(int code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(int code, const char *key, const char *fmt, ...)
{
	fprintf(stderr, "qendra: %s", loc_str(key));
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputs(": ", stderr);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	return code;
}

static int fail_err(int code, const struct qerr *e)
{
	char msg[600];
	loc_err(e, msg, sizeof msg);
	fprintf(stderr, "qendra: %s\n", msg);
	return code;
}

static void usage(FILE *f)
{
	fprintf(f, "%s\n\n", loc_str("cli:usage_title"));
	static const char *const lines[] = {
	    "qendra [--db FILE] [--config FILE] [--lang sq|en]",
	    "cli:help_tui",
	    "qendra init [--user NAME] [--name \"FULL NAME\"]",
	    "cli:help_init",
	    "qendra demo [--families N] [--seed S]",
	    "cli:help_demo",
	    "qendra demo-logins",
	    "cli:help_demo_logins",
	    "qendra user add NAME --role ROLE --name \"FULL NAME\"",
	    "cli:help_user_add",
	    "qendra user passwd|disable|enable NAME",
	    "cli:help_user_other",
	    "qendra user list",
	    "cli:help_user_list",
	    "qendra check",
	    "cli:help_check",
	    "qendra backup [FILE]",
	    "cli:help_backup",
	    "qendra report --from DATE --to DATE [--municipality M] [--csv FILE] [--exact]",
	    "report:help",
	    "qendra locale-check [DIR]",
	    "cli:help_locale_check",
	    "qendra config-check",
	    "cli:help_config_check",
	    "qendra --help | --version",
	    "cli:help_help",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i += 2)
		fprintf(f, "  %s\n      %s\n", lines[i], loc_str(lines[i + 1]));
	fprintf(f, "\n%s\n", loc_str("cli:help_roles"));
	fprintf(f, "%s\n", loc_str("cli:help_files"));
}

/* mkdir -p for the parent folder of path, private to the user. */
static int make_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				free(dir);
				return -1;
			}
			*p = '/';
		}
	}
	int rc = (mkdir(dir, 0700) == 0 || errno == EEXIST) ? 0 : -1;
	free(dir);
	return rc;
}

static const char *db_path(struct cli *c)
{
	return c->db_path ? c->db_path : c->conf.db_path;
}

static int open_db(struct cli *c, bool create, struct qdb **db)
{
	struct qerr e = {0};
	struct db_open_opts o = {
	    .create = create,
	    .wal = c->conf.wal,
	    .busy_ms = c->conf.busy_timeout_ms,
	    .max_failed = c->conf.max_failed_logins,
	    .lockout_min = c->conf.lockout_minutes,
	};
	const char *path = db_path(c);
	if (create && make_parent(path) != 0)
		return fail(1, "cli:mkdir_failed", "%s: %s", path, strerror(errno));
	int rc = db_open(db, path, &o, &e);
	if (rc == DB_NOTFOUND)
		return fail(1, "cli:db_missing", "%s", path);
	if (rc)
		return fail_err(1, &e);
	if (db_wal_refused(*db))
		fprintf(stderr, "qendra: %s\n", loc_str("cli:wal_refused"));
	return 0;
}

/* Read one line without echo when stdin is a terminal. Returns 0 on success. */
static int read_secret(const char *prompt_key, char *buf, size_t n)
{
	struct termios old, noecho;
	bool tty = isatty(STDIN_FILENO);
	if (tty) {
		fprintf(stderr, "%s ", loc_str(prompt_key));
		fflush(stderr);
		tcgetattr(STDIN_FILENO, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
	}
	char *got = fgets(buf, (int)n, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!got)
		return -1;
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == n - 1)
		return -2; /* longer than we take: refuse rather than cut */
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* A new password: from the environment variable (tests), else asked twice on a
 * terminal, else one line of stdin. */
static int new_password(const char *env, char *pw, size_t n)
{
	const char *e = env ? getenv(env) : NULL;
	if (e) {
		if (strlen(e) >= n)
			return fail(1, "cli:password_long", NULL);
		util_strlcpy(pw, e, n);
		return 0;
	}
	int rc = read_secret("cli:prompt_password", pw, n);
	if (rc == -2)
		return fail(1, "cli:password_long", NULL);
	if (rc)
		return fail(1, "cli:password_none", NULL);
	if (isatty(STDIN_FILENO)) {
		char again[256];
		if (read_secret("cli:prompt_password_again", again, sizeof again) ||
		    strcmp(again, pw) != 0) {
			util_wipe(again, sizeof again);
			util_wipe(pw, n);
			return fail(1, "cli:password_mismatch", NULL);
		}
		util_wipe(again, sizeof again);
	}
	if (!utf8_valid(pw, strlen(pw)))
		return fail(1, "cli:password_utf8", NULL);
	return 0;
}

/* Find "--name VALUE" in args[from..]; NULL when absent. */
static const char *opt_value(struct cli *c, int from, const char *name)
{
	for (int i = from; i < c->nargs - 1; i++)
		if (strcmp(c->args[i], name) == 0)
			return c->args[i + 1];
	return NULL;
}

static bool known_opts(struct cli *c, int from, const char *const *names)
{
	for (int i = from; i < c->nargs; i++) {
		if (strncmp(c->args[i], "--", 2) != 0)
			continue;
		bool ok = false;
		for (int k = 0; names[k]; k++)
			if (strcmp(c->args[i], names[k]) == 0)
				ok = true;
		if (!ok) {
			fail(2, "cli:unknown_option", "%s", c->args[i]);
			return false;
		}
		if (i + 1 >= c->nargs) {
			fail(2, "cli:option_needs_value", "%s", c->args[i]);
			return false;
		}
		i++;
	}
	return true;
}

static int cmd_init(struct cli *c)
{
	static const char *const opts[] = {"--user", "--name", NULL};
	if (!known_opts(c, 1, opts))
		return 2;
	struct stat sb;
	if (stat(db_path(c), &sb) == 0 && sb.st_size > 0) {
		struct qdb *db;
		if (open_db(c, false, &db))
			return 1;
		int users = db_user_count(db);
		db_close(db);
		if (users > 0)
			return fail(1, "cli:already_initialised", "%s", db_path(c));
	}
	const char *user = opt_value(c, 1, "--user");
	const char *name = opt_value(c, 1, "--name");
	if (!user)
		user = getenv("QENDRA_INIT_USER");
	if (!name)
		name = getenv("QENDRA_INIT_NAME");
	if (!user)
		return fail(2, "cli:init_needs_user", NULL);
	if (!name)
		name = user;
	char pw[256];
	if (new_password("QENDRA_INIT_PASSWORD", pw, sizeof pw))
		return 1;
	struct qdb *db;
	if (open_db(c, true, &db)) {
		util_wipe(pw, sizeof pw);
		return 1;
	}
	struct qerr e = {0};
	int rc = db_user_add(db, NULL, user, name, DB_ROLE_MANAGER, pw, c->conf.language, NULL, &e);
	util_wipe(pw, sizeof pw);
	db_close(db);
	if (rc)
		return fail_err(1, &e);
	char msg[512];
	loc_fmt(msg, sizeof msg, "cli:init_done", db_path(c), user);
	puts(msg);
	return 0;
}

static int cmd_demo(struct cli *c)
{
	static const char *const opts[] = {"--families", "--seed", NULL};
	if (!known_opts(c, 1, opts))
		return 2;
	const char *fs = opt_value(c, 1, "--families"), *ss = opt_value(c, 1, "--seed");
	char *end;
	long families = 300;
	unsigned long long seed = 1;
	if (fs) {
		errno = 0;
		families = strtol(fs, &end, 10);
		if (errno || *end || families < 1 || families > 200000)
			return fail(2, "cli:bad_families", "%s", fs);
	}
	if (ss) {
		errno = 0;
		seed = strtoull(ss, &end, 10);
		if (errno || *end || ss[0] == '-')
			return fail(2, "cli:bad_seed", "%s", ss);
	}
	struct stat sb;
	if (stat(db_path(c), &sb) == 0 && sb.st_size > 0)
		return fail(1, "cli:demo_exists", "%s", db_path(c));
	struct qdb *db;
	if (open_db(c, true, &db))
		return 1;
	struct qerr e = {0};
	struct db_demo_stats st = {0};
	int rc = db_demo_generate(db, (int)families, (uint64_t)seed, &st, &e);
	db_close(db);
	if (rc) {
		unlink(db_path(c));
		return fail_err(1, &e);
	}
	char msg[512];
	loc_fmt(msg, sizeof msg, "cli:demo_done", db_path(c), (int)families);
	puts(msg);
	return 0;
}

static const char *role_label(enum db_role r)
{
	char key[48];
	snprintf(key, sizeof key, "role:%s", db_role_name(r));
	return loc_str(key);
}

static int cmd_demo_logins(struct cli *c)
{
	(void)c;
	int n;
	const struct db_demo_login *l = db_demo_logins(&n);
	printf("%s\n", loc_str("cli:demo_logins_title"));
	for (int i = 0; i < n; i++)
		printf("  %-10s %-14s %s\n", l[i].username, l[i].password, role_label(l[i].role));
	return 0;
}

static int cmd_user(struct cli *c)
{
	if (c->nargs < 2)
		return fail(2, "cli:user_usage", NULL);
	const char *sub = c->args[1];
	struct qerr e = {0};
	struct qdb *db;
	int rc;
	if (strcmp(sub, "list") == 0) {
		if (open_db(c, false, &db))
			return 1;
		struct db_user *u;
		int n;
		rc = db_user_list(db, NULL, &u, &n, &e);
		db_close(db);
		if (rc)
			return fail_err(1, &e);
		for (int i = 0; i < n; i++) {
			const char *state = !u[i].active           ? loc_str("cli:user_disabled")
			                    : u[i].locked_until[0] ? loc_str("cli:user_locked")
			                                           : loc_str("cli:user_active");
			printf("%-16s %-18s %-24s %s\n", u[i].username, role_label(u[i].role),
			       u[i].full_name, state);
		}
		free(u);
		return 0;
	}
	if (c->nargs < 3 || c->args[2][0] == '-')
		return fail(2, "cli:user_usage", NULL);
	const char *name = c->args[2];
	if (strcmp(sub, "add") == 0) {
		static const char *const opts[] = {"--role", "--name", "--lang", NULL};
		if (!known_opts(c, 3, opts))
			return 2;
		const char *role_s = opt_value(c, 3, "--role");
		const char *full = opt_value(c, 3, "--name");
		const char *lang = opt_value(c, 3, "--lang");
		int role = db_role_parse(role_s);
		if (role < 0)
			return fail(2, "cli:bad_role", "%s", role_s ? role_s : "");
		if (!full)
			return fail(2, "cli:user_needs_name", NULL);
		char pw[256];
		if (new_password("QENDRA_NEW_PASSWORD", pw, sizeof pw))
			return 1;
		if (open_db(c, false, &db)) {
			util_wipe(pw, sizeof pw);
			return 1;
		}
		rc = db_user_add(db, NULL, name, full, (enum db_role)role, pw,
		                 lang ? lang : c->conf.language, NULL, &e);
		util_wipe(pw, sizeof pw);
	} else if (strcmp(sub, "passwd") == 0) {
		char pw[256];
		if (new_password("QENDRA_NEW_PASSWORD", pw, sizeof pw))
			return 1;
		if (open_db(c, false, &db)) {
			util_wipe(pw, sizeof pw);
			return 1;
		}
		rc = db_user_passwd(db, NULL, name, pw, &e);
		util_wipe(pw, sizeof pw);
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		if (open_db(c, false, &db))
			return 1;
		rc = db_user_set_active(db, NULL, name, strcmp(sub, "enable") == 0, &e);
	} else {
		return fail(2, "cli:user_usage", NULL);
	}
	db_close(db);
	if (rc)
		return fail_err(1, &e);
	printf("%s\n", loc_str("cli:done"));
	return 0;
}

static int cmd_check(struct cli *c)
{
	struct qdb *db;
	if (open_db(c, false, &db))
		return 1;
	struct qerr e = {0};
	int rc = db_check(db, &e);
	db_close(db);
	if (rc)
		return fail_err(1, &e);
	printf("%s\n", loc_str("cli:check_ok"));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep only the newest `keep` automatic backups (qendra-*.db) in dir. */
static void rotate_backups(const char *dir, int keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	int n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (strncmp(de->d_name, "qendra-", 7) != 0 || l < 10 ||
		    strcmp(de->d_name + l - 3, ".db") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, sizeof *names * (size_t)cap);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	for (int i = 0; i < n; i++) {
		if (i < n - keep) {
			char *p = xasprintf("%s/%s", dir, names[i]);
			unlink(p);
			free(p);
		}
		free(names[i]);
	}
	free(names);
}

static int cmd_backup(struct cli *c)
{
	char *target;
	bool automatic = c->nargs < 2;
	if (automatic) {
		char now[20];
		util_now_str(now);
		/* qendra-YYYYmmdd-HHMMSS.db sorts by time */
		char stamp[20];
		snprintf(stamp, sizeof stamp, "%.4s%.2s%.2s-%.2s%.2s%.2s", now, now + 5, now + 8,
		         now + 11, now + 14, now + 17);
		target = xasprintf("%s/qendra-%s.db", c->conf.backup_dir, stamp);
		if (make_parent(target) != 0) {
			int r = fail(1, "cli:mkdir_failed", "%s: %s", target, strerror(errno));
			free(target);
			return r;
		}
	} else {
		target = xstrdup(c->args[1]);
	}
	struct qdb *db;
	if (open_db(c, false, &db)) {
		free(target);
		return 1;
	}
	struct qerr e = {0};
	int rc = db_backup(db, target, &e);
	db_close(db);
	if (rc) {
		free(target);
		return fail_err(1, &e);
	}
	char msg[512];
	loc_fmt(msg, sizeof msg, "cli:backup_done", target);
	puts(msg);
	/* The key of the session notes is never inside a backup (a lost USB
	 * stick must not reveal them): remind that it is kept apart. */
	char *key = xasprintf("%s.key", db_path(c));
	if (access(key, F_OK) == 0) {
		loc_fmt(msg, sizeof msg, "cli:backup_key_note", key);
		puts(msg);
	}
	free(key);
	if (automatic)
		rotate_backups(c->conf.backup_dir, c->conf.backup_keep);
	free(target);
	return 0;
}

static int cmd_locale_check(struct cli *c)
{
	const char *dir =
	    c->nargs > 1 ? c->args[1] : (c->conf.locale_dir[0] ? c->conf.locale_dir : NULL);
	struct sbuf r = {0};
	int problems = loc_check(dir ? dir : "locale", &r);
	if (r.s)
		fputs(r.s, stdout);
	sbuf_free(&r);
	if (problems) {
		char msg[256];
		loc_fmt(msg, sizeof msg, "cli:locale_problems", problems);
		fprintf(stderr, "qendra: %s\n", msg);
		return 1;
	}
	printf("%s\n", loc_str("cli:locale_ok"));
	return 0;
}

static int cmd_config_check(struct cli *c)
{
	for (int i = 0; i < c->conf.n_loaded; i++)
		printf("# %s\n", c->conf.loaded_from[i]);
	printf("%s\n", loc_str("cli:config_ok"));
	return 0;
}

/* qendra report: the programme indicators as a text page on stdout, or as a
 * CSV file (0600, never over an existing file) with counts under 5 as "<5"
 * unless --exact. Acts as the system. */
static int cmd_report(struct cli *c)
{
	static const char *const opts[] = {"--from", "--to", "--municipality", "--csv", NULL};
	bool exact = false;
	for (int i = 1; i < c->nargs; i++)
		if (strcmp(c->args[i], "--exact") == 0) {
			exact = true;
			size_t rest = (size_t)(c->nargs - i);
			memmove(&c->args[i], &c->args[i + 1], sizeof *c->args * rest);
			c->nargs--;
			i--;
		}
	if (!known_opts(c, 1, opts))
		return 2;
	const char *from = opt_value(c, 1, "--from"), *to = opt_value(c, 1, "--to");
	const char *muni = opt_value(c, 1, "--municipality"), *csv = opt_value(c, 1, "--csv");
	if (!from || !to)
		return fail(2, "report:usage", NULL);
	struct db_report_query q = {0};
	struct db_report_band bands[DB_REPORT_MAX_BANDS];
	struct qerr e = {0};
	char today[11];
	util_today(today);
	if (form_date(from, today, q.from, &e) || form_date(to, today, q.to, &e))
		return fail_err(2, &e);
	if (muni && strlen(muni) >= sizeof q.municipality)
		return fail(2, "report:bad_municipality", NULL);
	util_strlcpy(q.municipality, muni ? muni : "", sizeof q.municipality);
	util_strlcpy(q.centre_municipality, c->conf.municipality, sizeof q.centre_municipality);
	for (int i = 0; i < c->conf.age_bands.n && i < DB_REPORT_MAX_BANDS; i++) {
		util_strlcpy(bands[i].key, c->conf.age_bands.items[i].key, sizeof bands[i].key);
		bands[i].min = c->conf.age_bands.items[i].min;
		bands[i].max = c->conf.age_bands.items[i].max;
	}
	q.bands = bands;
	q.nbands = c->conf.age_bands.n;
	if (q.nbands > DB_REPORT_MAX_BANDS)
		q.nbands = DB_REPORT_MAX_BANDS;
	struct qdb *db;
	if (open_db(c, false, &db))
		return 1;
	struct db_report r;
	int rc = db_report_compute(db, NULL, &q, &r, &e);
	db_close(db);
	if (rc) {
		db_report_free(&r);
		return fail_err(rc == DB_INVALID ? 2 : 1, &e);
	}
	struct form_report_opts fo = {!exact, form_report_label_loc, &c->conf};
	if (!csv) {
		char *page = form_report_text(&r, &fo, FORM_REPORT_BOTH, 80);
		fputs(page, stdout);
		free(page);
		db_report_free(&r);
		return 0;
	}
	char *text = form_report_csv(&r, &fo);
	db_report_free(&r);
	int fd = open(csv, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int en = errno;
		free(text);
		if (en == EEXIST)
			return fail(1, "report:csv_exists", "%s", csv);
		return fail(1, "report:csv_failed", "%s: %s", csv, strerror(en));
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(text);
	if (off < len || fsync(fd) != 0 || close(fd) != 0) {
		int en = errno;
		unlink(csv);
		return fail(1, "report:csv_failed", "%s: %s", csv, strerror(en));
	}
	char msg[600];
	loc_fmt(msg, sizeof msg, "report:csv_done", csv);
	puts(msg);
	return 0;
}

static int run_tui(struct cli *c, cli_tui_fn tui)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fail(2, "cli:no_terminal", NULL);
	struct qdb *db;
	if (open_db(c, false, &db))
		return 1;
	if (db_user_count(db) <= 0) {
		db_close(db);
		return fail(1, "cli:no_users", "%s", db_path(c));
	}
	int rc = tui(db, &c->conf, c->lang);
	db_close(db);
	return rc;
}

int cli_main(int argc, char **argv, cli_tui_fn tui)
{
	struct cli c = {0};
	bool help = false, version = false;
	c.args = xcalloc((size_t)argc + 1, sizeof *c.args);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--db") == 0       ? &c.db_path
		                    : strcmp(a, "--config") == 0 ? &c.config
		                    : strcmp(a, "--lang") == 0   ? &c.lang
		                                                 : NULL;
		if (slot) {
			if (i + 1 >= argc) {
				loc_init(NULL, NULL);
				return fail(2, "cli:option_needs_value", "%s", a);
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help = true;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			version = true;
		} else {
			c.args[c.nargs++] = argv[i];
		}
	}
	if (version) {
		printf("qendra %s (SQLite %s, schema %d)\n", QENDRA_VERSION, sqlite3_libversion(),
		       db_schema_latest());
		return 0;
	}
	/* The configuration first: its errors end the program before anything else. */
	struct qerr e = {0};
	if (conf_load(&c.conf, c.config, &e) != 0) {
		loc_init(NULL, NULL);
		loc_set_lang(c.lang ? c.lang : "sq");
		char msg[600];
		loc_err(&e, msg, sizeof msg);
		fprintf(stderr, "qendra: %s %s\n", loc_str("conf:failed"), msg);
		return 2;
	}
	struct qerr le = {0};
	if (loc_init(c.conf.locale_dir[0] ? c.conf.locale_dir : NULL, &le) != 0) {
		char msg[600];
		loc_err(&le, msg, sizeof msg);
		fprintf(stderr, "qendra: %s\n", msg);
		return 2;
	}
	const char *lang = c.lang ? c.lang : c.conf.language;
	if (loc_set_lang(lang) != 0)
		return fail(2, "cli:bad_lang", "%s", lang);
	if (help) {
		usage(stdout);
		return 0;
	}
	int rc;
	if (c.nargs == 0)
		rc = run_tui(&c, tui);
	else if (strcmp(c.args[0], "init") == 0)
		rc = cmd_init(&c);
	else if (strcmp(c.args[0], "demo") == 0)
		rc = cmd_demo(&c);
	else if (strcmp(c.args[0], "demo-logins") == 0)
		rc = cmd_demo_logins(&c);
	else if (strcmp(c.args[0], "user") == 0)
		rc = cmd_user(&c);
	else if (strcmp(c.args[0], "check") == 0)
		rc = cmd_check(&c);
	else if (strcmp(c.args[0], "backup") == 0)
		rc = cmd_backup(&c);
	else if (strcmp(c.args[0], "report") == 0)
		rc = cmd_report(&c);
	else if (strcmp(c.args[0], "locale-check") == 0)
		rc = cmd_locale_check(&c);
	else if (strcmp(c.args[0], "config-check") == 0)
		rc = cmd_config_check(&c);
	else {
		fail(2, "cli:unknown_command", "%s", c.args[0]);
		usage(stderr);
		rc = 2;
	}
	conf_free(&c.conf);
	loc_free();
	free(c.args);
	return rc;
}
