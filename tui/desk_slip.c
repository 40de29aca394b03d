/*
 * desk_slip — the printable referral slip: a preview of the text made by
 * form_slip_text (forms/slip.c) in the user's language, written to a file
 * (default ~/qendra-referral-<code>.txt, the path editable; an existing
 * file is only replaced after a question; created 0600 since it names a
 * child) or sent to `lpr` when the computer has it. Without lpr the slip is
 * written to the file instead, and the message says so.
 */
#include "tui/desk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "db/registry.h"
#include "forms/slip.h"
#include "locale/loc.h"

enum { S_WRITE = 1, S_PRINT };

static const struct tui_key slip_keys[] = {
    {TUI_FKEY(4), TUI_ALT('s'), "referral:key_write", "referral:help_write", S_WRITE, 0},
    {TUI_FKEY(7), TUI_ALT('p'), "referral:key_print", "referral:help_print", S_PRINT, 0},
    {TUI_K_PGUP, TUI_K_PGDN, NULL, "referral:help_scroll", 0, 0},
    {0, 0, NULL, NULL, 0, 0},
};

struct slip {
	struct db_referral r;
	char *text;   /* the slip in lang */
	char lang[3]; /* the language text was made in */
	int top;      /* first line of the preview */
	int page;     /* preview rows at the last paint */
	struct tui_field f[1];
	struct tui_form fm;
};

static const char *slip_text_fn(void *ctx, const char *key)
{
	(void)ctx;
	return loc_str(key);
}

/* (Re)make the text in the current language. */
static void build(struct slip *st)
{
	const struct conf *cf = tui_conf();
	char today[11];
	util_today(today);
	struct form_slip in = {
	    .centre = cf ? cf->centre_name : "",
	    .code = st->r.code,
	    .first_name = st->r.first_name,
	    .father_name = st->r.father_name,
	    .last_name = st->r.last_name,
	    .sex = st->r.sex,
	    .birth_date = st->r.birth_date,
	    .birth_year = st->r.birth_year,
	    .family_code = st->r.family_code,
	    .address = st->r.address,
	    .service = desk_cat_label(cf ? &cf->services : NULL, st->r.service),
	    .organisation = st->r.organisation,
	    .reason = st->r.reason,
	    .referred_on = st->r.referred_on,
	    .follow_up_due = st->r.follow_up_due,
	    .staff = st->r.staff_name,
	    .printed_on = today,
	};
	free(st->text);
	st->text = form_slip_text(&in, FORM_SLIP_WIDTH, slip_text_fn, NULL);
	util_strlcpy(st->lang, loc_lang(), sizeof st->lang);
}

static int slip_init(struct tui_screen *s, struct qerr *err)
{
	if (!s->arg) {
		qerr_set(err, "err:not_found", "referral");
		return -1;
	}
	struct slip *st = xcalloc(1, sizeof *st);
	if (db_referral_get(tui_db(), tui_actor(), *(const int64_t *)s->arg, &st->r, err) !=
	    DB_OK) {
		free(st);
		return -1;
	}
	st->f[0] = (struct tui_field){
	    .label_key = "referral:slip_file", .maxlen = 1024, .width = 60, .required = true};
	tui_form_init(&st->fm, st->f, 1);
	char path[200];
	snprintf(path, sizeof path, "~/qendra-referral-%s.txt", st->r.code);
	tui_form_set(&st->fm, 0, path);
	build(st);
	s->priv = st;
	return 0;
}

static void slip_free(struct tui_screen *s)
{
	struct slip *st = s->priv;
	if (!st)
		return;
	tui_form_free(&st->fm);
	free(st->text);
	free(st);
	s->priv = NULL;
}

static unsigned slip_state(const struct tui_screen *s)
{
	(void)s;
	return TUI_ST_TYPING;
}

/* "~/x" → "$HOME/x"; caller frees. */
static char *expand(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && home[0])
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

/* Is there an executable `name` in $PATH? */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	char *copy = xstrdup(path), *save = NULL;
	bool found = false;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *d ? d : ".", name);
		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

/* Write the slip to the path in the field. 0 and *out (malloc'd path), or
 * -1 with the reason shown. */
static int write_file(struct slip *st, char **out)
{
	char raw[4200];
	tui_form_get(&st->fm, 0, raw, sizeof raw);
	char *p = raw;
	while (*p == ' ')
		p++;
	size_t len = strlen(p);
	while (len > 0 && p[len - 1] == ' ')
		p[--len] = '\0';
	if (!*p) {
		struct qerr e = {0};
		qerr_set(&e, "form:required", NULL);
		tui_form_set_error(&st->fm, 0, &e);
		tui_message_err(&e);
		return -1;
	}
	char *path = expand(p);
	struct stat sb;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			struct qerr e = {0};
			qerr_set(&e, "referral:slip_is_dir", "%s", path);
			tui_form_set_error(&st->fm, 0, &e);
			tui_message_err(&e);
			free(path);
			return -1;
		}
		char q[600];
		loc_fmt(q, sizeof q, "referral:slip_replace_q", path);
		if (!tui_confirm(q)) {
			free(path);
			return -1;
		}
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0;
	int saved = errno;
	if (ok) {
		size_t n = strlen(st->text), done = 0;
		while (ok && done < n) {
			ssize_t w = write(fd, st->text + done, n - done);
			if (w < 0 && errno == EINTR)
				continue;
			ok = w > 0;
			if (ok)
				done += (size_t)w;
			else
				saved = errno;
		}
		if (close(fd) != 0 && ok) {
			ok = false;
			saved = errno;
		}
	}
	if (!ok) {
		struct qerr e = {0};
		qerr_set(&e, "referral:slip_write_failed", "%s: %s", path, strerror(saved));
		tui_message_err(&e);
		free(path);
		return -1;
	}
	*out = path;
	return 0;
}

static int do_write(struct slip *st, const char *done_key)
{
	char *path = NULL;
	if (write_file(st, &path) != 0)
		return TUI_REDRAW;
	char m[800];
	loc_fmt(m, sizeof m, done_key, path);
	tui_message(m);
	free(path);
	return TUI_POP;
}

static int do_print(struct slip *st)
{
	if (!in_path("lpr"))
		return do_write(st, "referral:slip_no_lpr");
	tui_busy("referral:printing");
	/* lpr's own messages would land on the screen: they go nowhere. */
	FILE *fp = popen("lpr >/dev/null 2>&1", "w");
	int status = -1;
	if (fp) {
		fputs(st->text, fp);
		status = pclose(fp);
	}
	if (status != 0) {
		struct qerr e = {0};
		qerr_set(&e, "referral:print_failed", "%d",
		         status > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : status);
		tui_message_err(&e);
		return TUI_REDRAW;
	}
	char m[300];
	loc_fmt(m, sizeof m, "referral:printed", st->r.code);
	tui_message(m);
	return TUI_POP;
}

static int count_lines(const char *t)
{
	int n = 0;
	for (; t && *t; t++)
		if (*t == '\n')
			n++;
	return n;
}

static int slip_key(struct tui_screen *s, const struct tui_ev *ev)
{
	struct slip *st = s->priv;
	switch (ev->action) {
	case S_WRITE:
		return do_write(st, "referral:slip_written");
	case S_PRINT:
		return do_print(st);
	default:
		break;
	}
	int lines = count_lines(st->text), page = st->page > 1 ? st->page : 1;
	switch (ev->key) {
	case TUI_K_ENTER:
		return do_write(st, "referral:slip_written");
	case TUI_K_UP:
		st->top--;
		break;
	case TUI_K_DOWN:
		st->top++;
		break;
	case TUI_K_PGUP:
		st->top -= page - 1;
		break;
	case TUI_K_PGDN:
		st->top += page - 1;
		break;
	default:
		return tui_form_key(&st->fm, ev->key) == TUI_FORM_IGNORED ? 0 : TUI_REDRAW;
	}
	if (st->top > lines - page)
		st->top = lines - page;
	if (st->top < 0)
		st->top = 0;
	return TUI_REDRAW;
}

static void slip_draw(struct tui_screen *s, WINDOW *w, int rows, int cols)
{
	struct slip *st = s->priv;
	if (strcmp(st->lang, loc_lang()) != 0)
		build(st);
	char buf[300];
	loc_fmt(buf, sizeof buf, "referral:slip_screen", st->r.code);
	tui_put(w, 0, 1, cols - 2, buf, tui_style(TUI_S_TITLE), false);
	tui_form_draw(&st->fm, w, 1, 1, 0, cols - 2, true);
	tui_put(w, 2, 1, cols - 2,
	        loc_str(in_path("lpr") ? "referral:slip_hint" : "referral:slip_hint_no_lpr"),
	        tui_style(TUI_S_DIM), false);
	/* The preview, in a frame of dashes above and below. */
	int y0 = 4;
	st->page = rows - y0 - 1;
	const char *p = st->text ? st->text : "";
	int line = 0;
	tui_put(w, 3, 0, cols, "", tui_style(TUI_S_DIM), true);
	for (int x = 0; x < cols; x++)
		mvwaddch(w, 3, x, ACS_HLINE);
	while (*p && y0 + line - st->top < rows - 1) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (line >= st->top) {
			char *l = xstrndup(p, len);
			tui_put(w, y0 + line - st->top, 0, cols, l, A_NORMAL, false);
			free(l);
		}
		line++;
		p += len + (e ? 1 : 0);
	}
	for (int x = 0; x < cols; x++)
		mvwaddch(w, rows - 1, x, ACS_HLINE);
}

const struct tui_screen_def desk_slip_screen = {
    .name = "desk_slip",
    .title_key = "referral:slip_title_screen",
    .keys = slip_keys,
    .init = slip_init,
    .free = slip_free,
    .draw = slip_draw,
    .key = slip_key,
    .state = slip_state,
};
