/*
 * pty — see pty.h. forkpty() gives the program a terminal; everything it
 * writes is fed to a libvterm screen, and libvterm's own output (answers to
 * queries, encoded keys) is written back to the program.
 *
 * All reading goes through pump(), which waits with poll() on the master
 * side; all writing through send_bytes(), which keeps reading while it
 * writes, so neither side can block the other when the terminal's buffers
 * fill.
 */
#include "tests/e2e/pty.h"
#include "util/util.h"

#include <pty.h> /* the system's forkpty(), not this header: -I. has no pty.h */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

extern char **environ;

struct pty {
	pid_t pid;
	int fd;      /* master side; -1 after hang-up */
	bool eof;    /* the program's side is closed: no more output will come */
	bool reaped; /* waitpid() has collected the program */
	int status;  /* its wait status, once reaped */
	int rows, cols;
	int keystrokes;
	char *home;
	VTerm *vt;
	VTermScreen *screen;
	struct sbuf answer; /* libvterm's output not yet written to the program */
	struct pty *next;   /* in the list of live ptys */
};

/*
 * Every pty not yet freed. A failed cmocka assertion jumps out of a test
 * before its pty_free; at exit these are freed, so no program keeps running
 * and no temp HOME stays behind.
 */
static struct pty *live;

static void free_live(void)
{
	while (live)
		pty_free(live);
}

/*
 * When the test itself is killed (the runner's timeout sends SIGTERM), atexit
 * does not run: stop the programs it started, then die of the same signal.
 * Only kill() and signal() here, which are async-signal-safe; temp HOMEs are
 * left behind in that case.
 */
static void on_kill_signal(int sig)
{
	for (struct pty *p = live; p; p = p->next) {
		if (p->pid > 0 && !p->reaped) {
			kill(-p->pid, SIGKILL);
			kill(p->pid, SIGKILL);
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Once per process: clean-up at exit and on SIGTERM, SIGINT, SIGHUP. */
static void install_cleanup(void)
{
	static bool done;
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	if (done)
		return;
	done = true;
	atexit(free_live);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa, old;
		/* Leave alone a handler the test installed itself. */
		if (sigaction(sigs[i], NULL, &old) < 0 || old.sa_handler != SIG_DFL)
			continue;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_kill_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* How long a write may wait for the program to read before giving up. */
#define PTY_WRITE_TIMEOUT_MS 10000
/* How long pty_free waits after SIGTERM before SIGKILL. */
#define PTY_TERM_GRACE_MS 1000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(long long deadline)
{
	long long r = deadline - now_ms();
	return r < 0 ? 0 : r > 1000000000 ? 1000000000 : (int)r;
}

static void on_vterm_output(const char *s, size_t len, void *user)
{
	struct pty *p = user;
	sbuf_addn(&p->answer, s, len);
}

/* Feed bytes the program wrote to the emulated screen. */
static void feed(struct pty *p, const char *buf, size_t n)
{
	vterm_input_write(p->vt, buf, n);
	vterm_screen_flush_damage(p->screen);
}

/*
 * Read what is available now (non-blocking). Returns the number of bytes
 * read; marks eof when the program's side is closed.
 */
static size_t read_available(struct pty *p)
{
	char buf[8192];
	size_t total = 0;
	/* Bounded, so a program that never stops writing cannot starve the caller. */
	for (int i = 0; i < 64 && p->fd >= 0 && !p->eof; i++) {
		ssize_t n = read(p->fd, buf, sizeof buf);
		if (n > 0) {
			feed(p, buf, (size_t)n);
			total += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			/* 0 or EIO: Linux reports a closed slave side as EIO. */
			p->eof = true;
		}
	}
	return total;
}

/*
 * Write n bytes to the program, reading its output meanwhile so that a
 * program blocked on a full output buffer still gets to read its input.
 */
static int send_bytes(struct pty *p, const char *buf, size_t n)
{
	long long deadline = now_ms() + PTY_WRITE_TIMEOUT_MS;
	while (n > 0) {
		if (p->fd < 0)
			return -1;
		struct pollfd pfd = {.fd = p->fd, .events = POLLIN | POLLOUT};
		int r = poll(&pfd, 1, remaining_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return -1; /* the program stopped reading */
		if (pfd.revents & (POLLIN | POLLHUP))
			read_available(p);
		if (pfd.revents & POLLOUT) {
			ssize_t w = write(p->fd, buf, n);
			if (w < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
				continue;
			if (w < 0)
				return -1;
			buf += w;
			n -= (size_t)w;
		} else if (pfd.revents & (POLLERR | POLLNVAL)) {
			return -1;
		} else if (p->eof) {
			return -1;
		}
	}
	return 0;
}

/* Write libvterm's pending output (terminal answers, encoded keys). */
static int flush_answer(struct pty *p)
{
	int rc = 0;
	while (p->answer.len > 0) {
		/* Take the buffer first: sending reads, and reading may add answers. */
		struct sbuf out = p->answer;
		memset(&p->answer, 0, sizeof p->answer);
		if (p->fd < 0 || send_bytes(p, out.s, out.len) < 0)
			rc = -1;
		sbuf_free(&out);
		if (rc < 0) {
			sbuf_free(&p->answer);
			break;
		}
	}
	return rc;
}

/*
 * Wait up to timeout_ms for output and take it in. Returns true when some
 * was read.
 */
static bool pump(struct pty *p, int timeout_ms)
{
	size_t got;
	if (p->fd < 0 || p->eof)
		return false;
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	int r = poll(&pfd, 1, timeout_ms);
	if (r <= 0)
		return false;
	if (pfd.revents & (POLLERR | POLLNVAL)) {
		p->eof = true;
		return false;
	}
	got = read_available(p);
	flush_answer(p);
	return got > 0;
}

/* Take in whatever output is there already, without waiting. */
static void pump_now(struct pty *p)
{
	/* Bounded, for a program that never stops writing. */
	for (int i = 0; i < 64 && pump(p, 0); i++)
		;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The environment for the program: caller frees each entry and the array. */
static char **make_env(const char *home, const char *const *extra)
{
	static const char *const inherit[] = {
	    "PATH", "TZ", "QENDRA_LOCALE_DIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
	size_t n = 0, cap = 16;
	char **env = xmalloc(cap * sizeof *env);

	env[n++] = xstrdup("TERM=xterm-256color");
	env[n++] = xstrdup("LANG=C.UTF-8");
	env[n++] = xstrdup("LC_ALL=C.UTF-8");
	env[n++] = xasprintf("HOME=%s", home);
	for (size_t i = 0; i < sizeof inherit / sizeof inherit[0]; i++) {
		const char *v = getenv(inherit[i]);
		if (v)
			env[n++] = xasprintf("%s=%s", inherit[i], v);
	}
	for (size_t i = 0; extra && extra[i]; i++) {
		const char *eq = strchr(extra[i], '=');
		size_t klen = eq ? (size_t)(eq - extra[i]) : strlen(extra[i]);
		size_t j;
		for (j = 0; j < n; j++)
			if (strncmp(env[j], extra[i], klen) == 0 && env[j][klen] == '=')
				break;
		if (j < n) {
			free(env[j]);
			if (eq) {
				env[j] = xstrdup(extra[i]);
			} else {
				env[j] = env[--n];
			}
		} else if (eq) {
			if (n + 2 > cap) {
				cap *= 2;
				env = xrealloc(env, cap * sizeof *env);
			}
			env[n++] = xstrdup(extra[i]);
		}
		if (n + 2 > cap) {
			cap *= 2;
			env = xrealloc(env, cap * sizeof *env);
		}
	}
	env[n] = NULL;
	return env;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* In the child: a terminal like a modern xterm's, default signals, exec. */
static _Noreturn void child_exec(char **argv, char **env, int errfd)
{
	struct termios t;
	sigset_t none;
	int err;

	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_iflag |= IUTF8; /* so the line editor erases whole characters */
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	/* The test runner (cmocka) may have handlers or ignored signals; start clean. */
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	environ = env;
	execvp(argv[0], argv);
	err = errno;
	if (write(errfd, &err, sizeof err) < 0) {
		/* nothing more to do: the parent sees an exit without a report */
	}
	_exit(127);
}

struct pty *pty_spawn(const struct pty_opts *o)
{
	struct pty *p;
	struct winsize ws = {0};
	const char *tmp = getenv("TMPDIR");
	char **argv, **env;
	int errpipe[2], err = 0;
	size_t argc = 0;
	ssize_t n;

	if (!o || !o->argv || !o->argv[0])
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->fd = -1;
	p->pid = -1;
	p->rows = o->rows > 0 ? o->rows : 24;
	p->cols = o->cols > 0 ? o->cols : 80;

	p->home = xasprintf("%s/qendra-e2e-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->home)) {
		fprintf(stderr, "pty: cannot create %s: %s\n", p->home, strerror(errno));
		free(p->home);
		free(p);
		return NULL;
	}

	p->vt = vterm_new(p->rows, p->cols);
	vterm_set_utf8(p->vt, 1);
	vterm_output_set_callback(p->vt, on_vterm_output, p);
	p->screen = vterm_obtain_screen(p->vt);
	vterm_screen_enable_altscreen(p->screen, 1);
	vterm_screen_reset(p->screen, 1);

	/* Copies made before fork, so the child only calls async-signal-safe code. */
	while (o->argv[argc])
		argc++;
	argv = xcalloc(argc + 1, sizeof *argv);
	for (size_t i = 0; i < argc; i++)
		argv[i] = xstrdup(o->argv[i]);
	env = make_env(p->home, o->env);

	/* A close-on-exec pipe tells whether exec worked. */
	if (pipe(errpipe) < 0) {
		fprintf(stderr, "pty: pipe: %s\n", strerror(errno));
		goto fail;
	}
	fcntl(errpipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(errpipe[1], F_SETFD, FD_CLOEXEC);

	ws.ws_row = (unsigned short)p->rows;
	ws.ws_col = (unsigned short)p->cols;
	fflush(NULL); /* or buffered test output would be written twice */
	p->pid = forkpty(&p->fd, NULL, NULL, &ws);
	if (p->pid < 0) {
		fprintf(stderr, "pty: forkpty: %s\n", strerror(errno));
		close(errpipe[0]);
		close(errpipe[1]);
		goto fail;
	}
	if (p->pid == 0) {
		close(errpipe[0]);
		child_exec(argv, env, errpipe[1]);
	}
	close(errpipe[1]);
	do
		n = read(errpipe[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	free_strv(argv);
	free_strv(env);
	argv = env = NULL;

	/* Other ptys opened later must not inherit this master. */
	fcntl(p->fd, F_SETFD, FD_CLOEXEC);
	fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK);

	if (n > 0) {
		fprintf(stderr, "pty: cannot run %s: %s\n", o->argv[0], strerror(err));
		pty_free(p);
		return NULL;
	}
	install_cleanup();
	p->next = live;
	live = p;
	return p;

fail:
	free_strv(argv);
	free_strv(env);
	pty_free(p);
	return NULL;
}

void pty_free(struct pty *p)
{
	if (!p)
		return;
	if (p->pid > 0 && !p->reaped) {
		/* The program is a session leader: its pid is its process group. */
		kill(-p->pid, SIGTERM);
		kill(p->pid, SIGTERM);
		if (!pty_exited(p, PTY_TERM_GRACE_MS, NULL)) {
			kill(-p->pid, SIGKILL);
			kill(p->pid, SIGKILL);
			while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
				;
			p->reaped = true;
		}
	}
	/* Only now: a kill signal arriving while it is stopped still finds it. */
	for (struct pty **q = &live; *q; q = &(*q)->next) {
		if (*q == p) {
			*q = p->next;
			break;
		}
	}
	if (p->fd >= 0)
		close(p->fd);
	if (p->vt)
		vterm_free(p->vt);
	if (p->home) {
		rm_tree(p->home);
		free(p->home);
	}
	sbuf_free(&p->answer);
	free(p);
}

const char *pty_home(struct pty *p)
{
	return p->home;
}

int pty_send(struct pty *p, const char *bytes)
{
	p->keystrokes++;
	pump_now(p);
	return send_bytes(p, bytes, strlen(bytes));
}

/* Named keys that libvterm encodes, so they follow the program's key modes. */
static const struct {
	const char *name;
	VTermKey key;
	VTermModifier mod;
} vterm_keys[] = {
    {"Up", VTERM_KEY_UP, VTERM_MOD_NONE},       {"Down", VTERM_KEY_DOWN, VTERM_MOD_NONE},
    {"Left", VTERM_KEY_LEFT, VTERM_MOD_NONE},   {"Right", VTERM_KEY_RIGHT, VTERM_MOD_NONE},
    {"Home", VTERM_KEY_HOME, VTERM_MOD_NONE},   {"End", VTERM_KEY_END, VTERM_MOD_NONE},
    {"PgUp", VTERM_KEY_PAGEUP, VTERM_MOD_NONE}, {"PgDn", VTERM_KEY_PAGEDOWN, VTERM_MOD_NONE},
    {"Ins", VTERM_KEY_INS, VTERM_MOD_NONE},     {"Del", VTERM_KEY_DEL, VTERM_MOD_NONE},
    {"Enter", VTERM_KEY_ENTER, VTERM_MOD_NONE}, {"Tab", VTERM_KEY_TAB, VTERM_MOD_NONE},
    {"BTab", VTERM_KEY_TAB, VTERM_MOD_SHIFT},   {"S-Tab", VTERM_KEY_TAB, VTERM_MOD_SHIFT},
    {"Esc", VTERM_KEY_ESCAPE, VTERM_MOD_NONE},  {"Backspace", VTERM_KEY_BACKSPACE, VTERM_MOD_NONE},
};

/* Control with an ASCII character, as a terminal encodes it; -1 if none. */
static int ctrl_code(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (c >= '@' && c <= '_') /* @ A-Z [ \ ] ^ _ */
		return c - '@';
	if (c == ' ')
		return 0;
	if (c == '?')
		return 0x7f;
	return -1;
}

/* True when s is exactly one valid UTF-8 character. */
static bool one_char(const char *s)
{
	const char *q = s;
	size_t n = strlen(s);
	if (n == 0 || !utf8_valid(s, n))
		return false;
	utf8_next(&q);
	return *q == '\0';
}

int pty_send_key(struct pty *p, const char *name)
{
	char buf[8];
	int fn;

	if (!name)
		return -1;
	pump_now(p); /* so key modes the program just set are known */
	for (size_t i = 0; i < sizeof vterm_keys / sizeof vterm_keys[0]; i++) {
		if (strcmp(name, vterm_keys[i].name) == 0) {
			p->keystrokes++;
			vterm_keyboard_key(p->vt, vterm_keys[i].key, vterm_keys[i].mod);
			return flush_answer(p);
		}
	}
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9' &&
	    (!name[2] || (name[2] >= '0' && name[2] <= '9' && !name[3])) &&
	    (fn = atoi(name + 1)) <= 12) {
		p->keystrokes++;
		vterm_keyboard_key(p->vt, VTERM_KEY_FUNCTION(fn), VTERM_MOD_NONE);
		return flush_answer(p);
	}
	if (strcmp(name, "Space") == 0) {
		p->keystrokes++;
		return send_bytes(p, " ", 1);
	}
	if (name[0] == 'C' && name[1] == '-' && name[2] && !name[3]) {
		int c = ctrl_code(name[2]);
		if (c < 0)
			return -1;
		buf[0] = (char)c;
		p->keystrokes++;
		return send_bytes(p, buf, 1);
	}
	if (name[0] == 'M' && name[1] == '-' && one_char(name + 2)) {
		size_t len = strlen(name + 2);
		buf[0] = '\x1b';
		memcpy(buf + 1, name + 2, len);
		p->keystrokes++;
		return send_bytes(p, buf, 1 + len);
	}
	if (one_char(name)) {
		p->keystrokes++;
		return send_bytes(p, name, strlen(name));
	}
	return -1;
}

int pty_type(struct pty *p, const char *utf8)
{
	const char *s = utf8;
	if (!utf8 || !utf8_valid(utf8, strlen(utf8)))
		return -1;
	while (*s) {
		const char *start = s;
		utf8_next(&s);
		p->keystrokes++;
		pump_now(p);
		if (*start == '\n') {
			if (send_bytes(p, "\r", 1) < 0)
				return -1;
		} else if (send_bytes(p, start, (size_t)(s - start)) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Append the text of one row, trailing blanks trimmed, to b. */
static void row_text(struct pty *p, int row, struct sbuf *b)
{
	size_t keep = b->len; /* length up to the last non-blank */
	for (int col = 0; col < p->cols; col++) {
		VTermScreenCell cell;
		VTermPos pos = {.row = row, .col = col};
		char enc[4];
		if (!vterm_screen_get_cell(p->screen, pos, &cell))
			continue;
		if (cell.chars[0] == (uint32_t)-1)
			continue; /* right half of a wide character */
		if (cell.chars[0] == 0) {
			sbuf_addn(b, " ", 1);
		} else {
			for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++) {
				int n = utf8_put(enc, (long)cell.chars[i]);
				if (n == 0)
					sbuf_addn(b, "?", 1);
				else
					sbuf_addn(b, enc, (size_t)n);
			}
			if (cell.chars[0] != ' ')
				keep = b->len;
		}
		if (cell.width == 2)
			col++;
	}
	b->len = keep;
	if (b->s)
		b->s[b->len] = '\0';
}

char *pty_row(struct pty *p, int row)
{
	struct sbuf b = {0};
	if (row < 0 || row >= p->rows)
		return NULL;
	row_text(p, row, &b);
	return b.s ? b.s : xstrdup("");
}

char *pty_screen(struct pty *p)
{
	struct sbuf b = {0};
	for (int row = 0; row < p->rows; row++) {
		if (row > 0)
			sbuf_addn(&b, "\n", 1);
		row_text(p, row, &b);
	}
	return b.s ? b.s : xstrdup("");
}

bool pty_screen_has(struct pty *p, const char *utf8)
{
	char *s = pty_screen(p);
	bool has = strstr(s, utf8) != NULL;
	free(s);
	return has;
}

int pty_find_row(struct pty *p, const char *utf8)
{
	for (int row = 0; row < p->rows; row++) {
		char *s = pty_row(p, row);
		bool has = strstr(s, utf8) != NULL;
		free(s);
		if (has)
			return row;
	}
	return -1;
}

static void wait_failed(struct pty *p, const char *what, const char *text, int timeout_ms)
{
	if (!getenv("E2E_DUMP"))
		return;
	fprintf(stderr, "pty: %s \"%s\" failed after %d ms%s\n", what, text ? text : "", timeout_ms,
	        p->eof ? " (program's terminal closed)" : "");
	pty_dump(p, stderr);
}

/* Pump until the screen's containing `text` equals `want`. */
static bool wait_has(struct pty *p, const char *text, bool want, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		pump_now(p);
		if (pty_screen_has(p, text) == want)
			return true;
		if (p->eof || p->fd < 0 || remaining_ms(deadline) == 0)
			return false;
		pump(p, remaining_ms(deadline));
	}
}

bool pty_wait_text(struct pty *p, const char *utf8, int timeout_ms)
{
	if (wait_has(p, utf8, true, timeout_ms))
		return true;
	wait_failed(p, "waiting for", utf8, timeout_ms);
	return false;
}

bool pty_wait_gone(struct pty *p, const char *utf8, int timeout_ms)
{
	if (wait_has(p, utf8, false, timeout_ms))
		return true;
	wait_failed(p, "waiting for the end of", utf8, timeout_ms);
	return false;
}

bool pty_wait_stable(struct pty *p, int quiet_ms, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	long long last = now_ms();
	for (;;) {
		long long quiet_end = last + quiet_ms;
		int wait;
		if (p->fd < 0 || p->eof) {
			pump_now(p);
			return true;
		}
		if (now_ms() >= quiet_end)
			return true;
		if (remaining_ms(deadline) == 0)
			break;
		wait = remaining_ms(quiet_end < deadline ? quiet_end : deadline);
		if (pump(p, wait))
			last = now_ms();
	}
	wait_failed(p, "waiting for quiet", "", timeout_ms);
	return false;
}

int pty_resize(struct pty *p, int rows, int cols)
{
	struct winsize ws = {0};
	if (rows <= 0 || cols <= 0 || rows > 0xffff || cols > 0xffff)
		return -1;
	pump_now(p); /* what was drawn for the old size lands on the old screen */
	/* The screen first, so what the program draws for the new size fits. */
	vterm_set_size(p->vt, rows, cols);
	p->rows = rows;
	p->cols = cols;
	if (p->fd < 0)
		return -1;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	return ioctl(p->fd, TIOCSWINSZ, &ws) < 0 ? -1 : 0;
}

int pty_hangup(struct pty *p)
{
	if (p->fd < 0)
		return -1;
	pump_now(p);
	close(p->fd);
	p->fd = -1;
	p->eof = true;
	return 0;
}

bool pty_exited(struct pty *p, int timeout_ms, int *status)
{
	long long deadline = now_ms() + timeout_ms;
	while (!p->reaped) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);
		if (r == p->pid) {
			p->reaped = true;
			break;
		}
		if (r < 0 && errno != EINTR)
			return false;
		if (remaining_ms(deadline) == 0)
			return false;
		/*
		 * Keep reading so the program never blocks on a full terminal;
		 * without a SIGCHLD descriptor, look at it again every 10 ms.
		 */
		int slice = remaining_ms(deadline) < 10 ? remaining_ms(deadline) : 10;
		if (p->fd >= 0 && !p->eof)
			pump(p, slice);
		else
			poll(NULL, 0, slice);
	}
	pump_now(p); /* its last words are still in the terminal's buffer */
	if (status)
		*status = p->status;
	return true;
}

void pty_cursor(struct pty *p, int *row, int *col)
{
	VTermPos pos;
	vterm_state_get_cursorpos(vterm_obtain_state(p->vt), &pos);
	if (row)
		*row = pos.row;
	if (col)
		*col = pos.col;
}

int pty_cell_attrs(struct pty *p, int row, int col)
{
	VTermScreenCell cell;
	VTermPos pos = {.row = row, .col = col};
	int a = 0;
	if (row < 0 || row >= p->rows || col < 0 || col >= p->cols)
		return 0;
	if (!vterm_screen_get_cell(p->screen, pos, &cell))
		return 0;
	if (cell.attrs.bold)
		a |= PTY_ATTR_BOLD;
	if (cell.attrs.underline)
		a |= PTY_ATTR_UNDERLINE;
	if (cell.attrs.reverse)
		a |= PTY_ATTR_REVERSE;
	if (cell.attrs.italic)
		a |= PTY_ATTR_ITALIC;
	if (cell.attrs.blink)
		a |= PTY_ATTR_BLINK;
	return a;
}

void pty_dump(struct pty *p, FILE *f)
{
	int crow, ccol;
	pty_cursor(p, &crow, &ccol);
	fprintf(f, "---- screen %dx%d, cursor row %d col %d%s ----\n", p->rows, p->cols, crow, ccol,
	        p->eof ? ", terminal closed" : "");
	for (int row = 0; row < p->rows; row++) {
		char *s = pty_row(p, row);
		fprintf(f, "%2d|%s\n", row, s);
		free(s);
	}
	fprintf(f, "----\n");
	fflush(f);
}

int pty_keystrokes(struct pty *p)
{
	return p->keystrokes;
}
