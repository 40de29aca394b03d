/*
 * conf — see conf.h. The table `settings` below is the single source of
 * truth: defaults, validation, config-check output and conf_dump all walk
 * it. Loading reads a file into memory, checks what libconfig 1.5 lets
 * through unnoticed (NUL bytes, integers that wrap silently, @include),
 * parses it with libconfig, then walks the parsed tree against the table
 * into a scratch copy, which replaces the caller's only when the whole file
 * is good.
 */
#include "conf/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum stype { S_STRING, S_CHOICE, S_PATH, S_BOOL, S_INT, S_TIME, S_DAYS, S_LIST, S_KEYS };
enum lkind { L_PLAIN, L_WEIGHT, L_AGE };

struct setting {
	const char *name; /* "section.name" as written in the file */
	enum stype type;
	size_t off;  /* offset of the field in struct conf */
	size_t size; /* size of the field (strings: the buffer) */
	int min, max;
	int def;                      /* S_INT, S_BOOL; S_TIME minutes; S_DAYS mask; S_LIST kind */
	const char *sdef;             /* S_STRING/S_CHOICE default; S_PATH leaf under the data dir;
	                                 S_KEYS the default keys separated by spaces (max: most keys) */
	const char *choices;          /* S_CHOICE: "a|b|c" */
	const struct conf_item *ldef; /* S_LIST default items */
	int nldef;
	int optional; /* S_STRING/S_PATH: "" is allowed and means "not set" */
};

#define FIELD(f)  offsetof(struct conf, f), sizeof(((struct conf *)0)->f)
#define NITEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define WD(d)     (1 << ((d)-1))
#define ITEM(k)                                                                                    \
	{                                                                                          \
		.key = k                                                                           \
	}
#define RISK(k, w)                                                                                 \
	{                                                                                          \
		.key = k, .weight = w                                                              \
	}
#define AGE(k, a, b)                                                                               \
	{                                                                                          \
		.key = k, .min = a, .max = b                                                       \
	}

/*
 * Default catalogues, used when a file does not set the list. Risk weights
 * follow the programme's screening: the factors that are themselves signs of
 * exploitation (sexual abuse, forced labour) reach "high" (4) alone; early
 * marriage and a child on the street reach "medium" and need one more
 * factor; the others add up.
 */
static const struct conf_item def_risk[] = {
    RISK("abuse_history", 2),      RISK("domestic_violence", 2),    RISK("dysfunctional_family", 1),
    RISK("low_social_support", 1), RISK("sexual_abuse", 4),         RISK("substance_abuse", 1),
    RISK("early_marriage", 3),     RISK("forced_labour", 4),        RISK("street_child", 3),
    RISK("school_dropout", 1),     RISK("blood_feud_isolation", 2),
};
static const struct conf_item def_purposes[] = {
    ITEM("information"), ITEM("counselling"),      ITEM("class"), ITEM("referral_followup"),
    ITEM("documents"),   ITEM("material_support"), ITEM("other"),
};
static const struct conf_item def_services[] = {
    ITEM("social_services"), ITEM("health"),  ITEM("education"),  ITEM("police"),
    ITEM("legal_aid"),       ITEM("shelter"), ITEM("employment"), ITEM("other"),
};
static const struct conf_item def_counselling[] = {
    ITEM("psychosocial"),
    ITEM("career"),
    ITEM("family"),
    ITEM("group"),
};
static const struct conf_item def_rooms[] = {
    ITEM("room1"),
    ITEM("room2"),
    ITEM("hall"),
};
static const struct conf_item def_subjects[] = {
    ITEM("albanian"), ITEM("mathematics"), ITEM("english"), ITEM("homework"), ITEM("arts"),
};
static const struct conf_item def_activities[] = {
    ITEM("youth_initiative"),
    ITEM("peer_support"),
    ITEM("psychosocial_group"),
    ITEM("awareness_event"),
};
static const struct conf_item def_ages[] = {
    AGE("0_5", 0, 5),     AGE("6_11", 6, 11),   AGE("12_14", 12, 14),
    AGE("15_17", 15, 17), AGE("18_24", 18, 24), AGE("25_plus", 25, 200),
};

#define INT_SETTING(n, f, lo, hi, d)                                                               \
	{                                                                                          \
		.name = n, .type = S_INT, FIELD(f), .min = lo, .max = hi, .def = d                 \
	}
#define LIST_SETTING(n, f, k, defs)                                                                \
	{                                                                                          \
		.name = n, .type = S_LIST, FIELD(f), .def = k, .ldef = defs, .nldef = NITEMS(defs) \
	}

#define KEYS_SETTING(n, f, most, d)                                                                \
	{                                                                                          \
		.name = n, .type = S_KEYS, FIELD(f), .min = 1, .max = most, .sdef = d              \
	}

static const struct setting settings[] = {
    {.name = "centre.name",
     .type = S_STRING,
     FIELD(centre_name),
     .sdef = "Qendra Komunitare Multifunksionale"},
    {.name = "centre.municipality",
     .type = S_CHOICE,
     FIELD(municipality),
     .sdef = "",
     .choices = "shkoder|kukes|diber"},
    {.name = "database.path", .type = S_PATH, FIELD(db_path), .sdef = "qendra.db"},
    {.name = "database.wal", .type = S_BOOL, FIELD(wal), .min = 0, .max = 1, .def = 0},
    INT_SETTING("database.busy_timeout_ms", busy_timeout_ms, 100, 60000, 5000),
    {.name = "backup.dir", .type = S_PATH, FIELD(backup_dir), .sdef = "backups"},
    INT_SETTING("backup.keep", backup_keep, 1, 365, 14),
    {.name = "ui.language", .type = S_CHOICE, FIELD(language), .sdef = "sq", .choices = "sq|en"},
    INT_SETTING("ui.idle_lock_minutes", idle_lock_minutes, 1, 240, 10),
    INT_SETTING("ui.esc_delay_ms", esc_delay_ms, 10, 1000, 100),
    {.name = "ui.locale_dir", .type = S_PATH, FIELD(locale_dir), .optional = 1},
    INT_SETTING("security.max_failed_logins", max_failed_logins, 1, 20, 5),
    INT_SETTING("security.lockout_minutes", lockout_minutes, 1, 1440, 15),
    {.name = "hours.open", .type = S_TIME, FIELD(open_min), .def = 8 * 60},
    {.name = "hours.close", .type = S_TIME, FIELD(close_min), .def = 18 * 60},
    {.name = "hours.weekdays",
     .type = S_DAYS,
     FIELD(weekdays),
     .min = 1,
     .max = 7,
     .def = WD(1) | WD(2) | WD(3) | WD(4) | WD(5)},
    INT_SETTING("referral.overdue_days", referral_overdue_days, 1, 365, 14),
    INT_SETTING("risk.medium_at", risk_medium_at, 1, 100, 2),
    INT_SETTING("risk.high_at", risk_high_at, 1, 100, 4),
    INT_SETTING("risk.rescreen_months", rescreen_months, 1, 24, 6),
    INT_SETTING("dropout.absences_in_row", dropout_absences_in_row, 1, 30, 3),
    INT_SETTING("dropout.min_rate_percent", dropout_min_rate_percent, 1, 100, 75),
    INT_SETTING("dropout.window_weeks", dropout_window_weeks, 1, 26, 4),
    INT_SETTING("dropout.min_sessions", dropout_min_sessions, 1, 100, 4),
    INT_SETTING("dropout.weight_irregular", dropout_weight_irregular, 0, 10, 1),
    INT_SETTING("dropout.weight_dropped_out", dropout_weight_dropped_out, 0, 10, 2),
    INT_SETTING("dropout.weight_risk_factor", dropout_weight_risk_factor, 0, 10, 1),
    INT_SETTING("dropout.flag_score", dropout_flag_score, 1, 100, 3),
    LIST_SETTING("catalog.risk_factors", risk_factors, L_WEIGHT, def_risk),
    LIST_SETTING("catalog.visit_purposes", visit_purposes, L_PLAIN, def_purposes),
    LIST_SETTING("catalog.services", services, L_PLAIN, def_services),
    LIST_SETTING("catalog.counselling_types", counselling_types, L_PLAIN, def_counselling),
    LIST_SETTING("catalog.rooms", rooms, L_PLAIN, def_rooms),
    LIST_SETTING("catalog.subjects", subjects, L_PLAIN, def_subjects),
    LIST_SETTING("catalog.activity_types", activity_types, L_PLAIN, def_activities),
    LIST_SETTING("catalog.age_bands", age_bands, L_AGE, def_ages),
    KEYS_SETTING("keys.help", key_help, CONF_KEYS_MAX, "F1 ? Alt-h"),
    KEYS_SETTING("keys.language", key_language, CONF_KEYS_MAX, "F9 Alt-l"),
    KEYS_SETTING("keys.hide", key_hide, CONF_KEYS_MAX, "F12 Ctrl-\\ Alt-x"),
    KEYS_SETTING("keys.visit", key_visit, 2, "F2 Alt-v"),
};
#define NSETTINGS NITEMS(settings)

/* Limits of catalogue item fields. */
#define WEIGHT_MAX 10
#define AGE_MAX    200

static void *field(struct conf *c, const struct setting *st)
{
	return (char *)c + st->off;
}

static const void *cfield(const struct conf *c, const struct setting *st)
{
	return (const char *)c + st->off;
}

/* ---- paths -------------------------------------------------------------- */

/* The user's home directory: $HOME when absolute, else the password file; NULL if unknown. */
static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && h[0] == '/')
		return h;
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

/* "$VAR/leaf", or "$HOME/fallback/leaf" when VAR is unset, empty or relative (XDG spec). */
static int xdg_path(const char *var, const char *fallback, const char *leaf, char *out, size_t n)
{
	const char *v = getenv(var);
	int len;
	if (v && v[0] == '/') {
		len = snprintf(out, n, "%s/%s", v, leaf);
	} else {
		const char *home = home_dir();
		if (!home) {
			if (n)
				out[0] = '\0';
			return -1;
		}
		len = snprintf(out, n, "%s/%s/%s", home, fallback, leaf);
	}
	if (len < 0 || (size_t)len >= n) {
		if (n)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int conf_user_path(char *out, size_t n)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "qendra/qendra.cfg", out, n);
}

int conf_data_dir(char *out, size_t n)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", "qendra", out, n);
}

/* ---- keys --------------------------------------------------------------- */

static int lower_ascii(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Does s start with prefix, ignoring the case of ASCII letters? */
static int has_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (lower_ascii((unsigned char)*s) != lower_ascii((unsigned char)*prefix))
			return 0;
	return 1;
}

int conf_key_parse(const char *s, struct conf_key *out, const char **why)
{
	const char *reason = "conf:key_name";
	struct conf_key k = {CONF_KEY_NONE, 0};
	size_t len = s ? strlen(s) : 0;
	int ch = len ? lower_ascii((unsigned char)s[len - 1]) : 0;
	int alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
	if (len == 0) {
		reason = "conf:empty";
	} else if ((s[0] == 'F' || s[0] == 'f') && (len == 2 || len == 3) && s[1] >= '1' &&
	           s[1] <= '9' && (len == 2 || (s[2] >= '0' && s[2] <= '9'))) {
		int n = len == 2 ? s[1] - '0' : (s[1] - '0') * 10 + (s[2] - '0');
		if (n <= 12)
			k = (struct conf_key){CONF_KEY_FN, n};
	} else if (len == 5 && has_prefix(s, "alt-")) {
		if (alnum)
			k = (struct conf_key){CONF_KEY_ALT, ch};
	} else if (len == 6 && has_prefix(s, "ctrl-")) {
		/* Backspace, Tab, Enter, Esc are Ctrl-H, I, J/M, [; A E K U edit text. */
		if ((ch >= 'a' && ch <= 'z' && strchr("aehijkmu", ch)) || ch == '[')
			reason = "conf:key_reserved";
		else if ((ch >= 'a' && ch <= 'z') || strchr("\\]^_", ch))
			k = (struct conf_key){CONF_KEY_CTRL, ch};
	} else if (len == 1) {
		if (alnum || ch == ' ' || ch == '/')
			reason = "conf:key_reserved";
		else if (ch > ' ' && ch < 0x7f)
			k = (struct conf_key){CONF_KEY_CHAR, ch};
	}
	if (k.kind == CONF_KEY_NONE) {
		if (why)
			*why = reason;
		return -1;
	}
	if (out)
		*out = k;
	return 0;
}

void conf_key_name(const struct conf_key *k, char *out, size_t n)
{
	if (!n)
		return;
	switch (k ? k->kind : CONF_KEY_NONE) {
	case CONF_KEY_FN:
		snprintf(out, n, "F%d", k->code);
		break;
	case CONF_KEY_ALT:
		snprintf(out, n, "Alt-%c", k->code);
		break;
	case CONF_KEY_CTRL:
		snprintf(out, n, "Ctrl-%c", k->code);
		break;
	case CONF_KEY_CHAR:
		snprintf(out, n, "%c", k->code);
		break;
	default:
		out[0] = '\0';
		break;
	}
}

static int same_key(const struct conf_key *a, const struct conf_key *b)
{
	return a->kind == b->kind && a->code == b->code;
}

/* The built-in keys of a keys.* setting: names separated by spaces. */
static void keys_default(struct conf_keys *ks, const char *names)
{
	memset(ks, 0, sizeof *ks);
	for (const char *p = names; p && *p && ks->n < CONF_KEYS_MAX;) {
		char one[16];
		size_t len = strcspn(p, " ");
		if (len && len < sizeof one) {
			memcpy(one, p, len);
			one[len] = '\0';
			if (conf_key_parse(one, &ks->k[ks->n], NULL) == 0)
				ks->n++;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
}

/* ---- defaults ----------------------------------------------------------- */

static void list_set(struct conf_list *l, const struct conf_item *items, int n)
{
	l->items = xcalloc((size_t)n, sizeof *l->items);
	memcpy(l->items, items, (size_t)n * sizeof *items);
	l->n = n;
}

void conf_defaults(struct conf *c)
{
	char data[4096];
	int have_data = conf_data_dir(data, sizeof data) == 0;

	memset(c, 0, sizeof *c);
	for (int i = 0; i < NSETTINGS; i++) {
		const struct setting *st = &settings[i];
		void *f = field(c, st);
		switch (st->type) {
		case S_STRING:
		case S_CHOICE:
			util_strlcpy(f, st->sdef ? st->sdef : "", st->size);
			break;
		case S_PATH:
			/* An unknown home leaves the path empty; whoever opens it reports that. */
			if (st->sdef && have_data) {
				int len = snprintf(f, st->size, "%s/%s", data, st->sdef);
				if (len < 0 || (size_t)len >= st->size)
					((char *)f)[0] = '\0';
			}
			break;
		case S_BOOL:
		case S_INT:
		case S_TIME:
		case S_DAYS:
			*(int *)f = st->def;
			break;
		case S_LIST:
			list_set(f, st->ldef, st->nldef);
			break;
		case S_KEYS:
			keys_default(f, st->sdef);
			break;
		}
	}
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (int i = 0; i < NSETTINGS; i++) {
		if (settings[i].type == S_LIST) {
			struct conf_list *l = field(c, &settings[i]);
			free(l->items);
			l->items = NULL;
			l->n = 0;
		}
	}
}

/* ---- errors ------------------------------------------------------------- */

/*
 * Copy text from the file into an error message: at most `max` bytes (cut
 * at a character boundary, marked "..."), anything that is not printable
 * UTF-8 shown as '?', so that a hostile value cannot drive the terminal
 * when the caller prints the message.
 */
static void show(char *out, size_t n, const char *s, size_t max)
{
	size_t o = 0;
	const char *p = s;
	while (*p && o + 8 < n) {
		if ((size_t)(p - s) >= max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		const char *start = p;
		long cp = utf8_next(&p);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			out[o++] = '?';
		} else {
			memcpy(out + o, start, (size_t)(p - start));
			o += (size_t)(p - start);
		}
	}
	out[o] = '\0';
}

/* A file name for messages: long names keep their end, where the file name is. */
static void show_file(char *out, size_t n, const char *file)
{
	size_t len = strlen(file);
	const size_t keep = 100;
	if (len <= keep) {
		show(out, n, file, keep);
		return;
	}
	const char *tail = file + len - keep;
	while ((*tail & 0xc0) == 0x80)
		tail++;
	if (n < 4) {
		if (n)
			out[0] = '\0';
		return;
	}
	memcpy(out, "...", 3);
	show(out + 3, n - 3, tail, keep);
}

/* Fill err with `key` and "FILE:LINE: detail"; returns -1. */
static int fail(struct qerr *err, const char *key, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(struct qerr *err, const char *key, const char *file, int line, const char *fmt, ...)
{
	char what[200], where[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	show_file(where, sizeof where, file ? file : "?");
	if (line > 0)
		qerr_set(err, key, "%s:%d: %s", where, line, what);
	else
		qerr_set(err, key, "%s: %s", where, what);
	if (err)
		err->line = line;
	return -1;
}

/* ---- checks on text ----------------------------------------------------- */

/* Bidirectional formatting characters: they reorder what the terminal shows. */
static int is_bidi(long cp)
{
	return cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c;
}

/*
 * Check a string value against a buffer of `cap` bytes: it must fit
 * without cutting, be valid UTF-8, and hold no control or bidi characters.
 * Returns NULL or the error key; *why gets a short detail.
 */
static const char *check_text(const char *v, size_t cap, char *why, size_t n)
{
	size_t len = strlen(v);
	why[0] = '\0';
	if (len >= cap) {
		snprintf(why, n, "%zu bytes, at most %zu", len, cap - 1);
		return "conf:too_long";
	}
	if (!utf8_valid(v, len))
		return "conf:utf8";
	for (const char *p = v; *p;) {
		long cp = utf8_next(&p);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || is_bidi(cp)) {
			snprintf(why, n, "U+%04lX", (unsigned long)cp);
			return "conf:control";
		}
	}
	return NULL;
}

/* "H:MM" or "HH:MM", 00:00..23:59, into minutes; -1 when malformed. */
static int parse_time(const char *s)
{
	int h = 0, i = 0;
	if (s[i] < '0' || s[i] > '9')
		return -1;
	h = s[i++] - '0';
	if (s[i] >= '0' && s[i] <= '9')
		h = h * 10 + (s[i++] - '0');
	if (s[i++] != ':')
		return -1;
	if (s[i] < '0' || s[i] > '5' || s[i + 1] < '0' || s[i + 1] > '9' || s[i + 2] != '\0')
		return -1;
	int m = (s[i] - '0') * 10 + (s[i + 1] - '0');
	if (h > 23)
		return -1;
	return h * 60 + m;
}

/* Is `v` one of the '|'-separated `choices`? */
static int is_choice(const char *v, const char *choices)
{
	size_t len = strlen(v);
	for (const char *p = choices; *p;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, v, n) == 0)
			return 1;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

static int valid_key(const char *k)
{
	size_t n = 0;
	for (; k[n]; n++) {
		char ch = k[n];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return 0;
	}
	return n >= 1 && n <= 32;
}

/* ---- the raw text -------------------------------------------------------- */

/*
 * Look at the raw text for what libconfig 1.5 accepts without a word: a NUL
 * byte (config_read_string stops there, dropping the rest), "@include"
 * (reads other files behind the three places' back; not supported), and
 * integer literals beyond 32 bits, which it wraps silently (4294967301
 * reads as 5). Strings and comments are skipped. Returns 0 or -1 with err.
 */
static int scan_text(const char *t, size_t len, const char *name, struct qerr *err)
{
	int line = 1;
	size_t i = 0;
	while (i < len) {
		char ch = t[i];
		if (ch == '\0')
			return fail(err, "conf:nul", name, line, "NUL");
		if (ch == '\n') {
			line++;
			i++;
		} else if (ch == '#' || (ch == '/' && i + 1 < len && t[i + 1] == '/')) {
			while (i < len && t[i] != '\n' && t[i] != '\0')
				i++;
		} else if (ch == '/' && i + 1 < len && t[i + 1] == '*') {
			i += 2;
			while (i < len && !(t[i] == '*' && i + 1 < len && t[i + 1] == '/')) {
				if (t[i] == '\0')
					return fail(err, "conf:nul", name, line, "NUL");
				if (t[i] == '\n')
					line++;
				i++;
			}
			i += 2;
		} else if (ch == '"') {
			i++;
			while (i < len && t[i] != '"') {
				if (t[i] == '\0')
					return fail(err, "conf:nul", name, line, "NUL");
				if (t[i] == '\n')
					line++;
				if (t[i] == '\\' && i + 1 < len && t[i + 1] != '\0')
					i++;
				i++;
			}
			i++;
		} else if (ch == '@') {
			return fail(err, "conf:include", name, line, "@include");
		} else if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '*') {
			/* A name (may hold digits: room1) or true/false. */
			while (i < len &&
			       ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
			        (t[i] >= '0' && t[i] <= '9') || t[i] == '_' || t[i] == '-' ||
			        t[i] == '*'))
				i++;
		} else if (ch == '.' && i + 1 < len && t[i + 1] >= '0' && t[i + 1] <= '9') {
			/* A float such as .5: not checked (settings wanting ints refuse floats). */
			while (i < len && strchr("0123456789.eE+-", t[i]))
				i++;
		} else if (ch >= '0' && ch <= '9') {
			size_t start = i;
			int digits = 0, hex = 0;
			unsigned long long v = 0;
			if (ch == '0' && i + 1 < len && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
				hex = 1;
				i += 2;
			}
			for (; i < len; i++) {
				int d;
				if (t[i] >= '0' && t[i] <= '9')
					d = t[i] - '0';
				else if (hex && t[i] >= 'a' && t[i] <= 'f')
					d = t[i] - 'a' + 10;
				else if (hex && t[i] >= 'A' && t[i] <= 'F')
					d = t[i] - 'A' + 10;
				else
					break;
				if (v || d)
					digits++;
				if (digits <= 12)
					v = v * (hex ? 16 : 10) + (unsigned long long)d;
			}
			if (!hex && i < len && (t[i] == '.' || t[i] == 'e' || t[i] == 'E')) {
				while (i < len && strchr("0123456789.eE+-", t[i]))
					i++;
				continue;
			}
			if (digits > 12 || v > INT_MAX) {
				char num[40];
				size_t n = i - start < 30 ? i - start : 30;
				memcpy(num, t + start, n);
				num[n] = '\0';
				return fail(err, "conf:too_big", name, line, "%s%s", num,
				            i - start > 30 ? "..." : "");
			}
		} else {
			i++;
		}
	}
	return 0;
}

/* ---- walking the parsed file --------------------------------------------- */

struct load {
	struct conf *c;       /* the scratch copy being filled */
	const char *name;     /* file name for messages */
	const char *base_dir; /* for relative paths, or NULL */
	struct qerr *err;
	int lines[NSETTINGS]; /* line where this file set each setting, 0 = not set */
};

static const char *src_file(const struct load *ld, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);
	return f ? f : ld->name;
}

static int src_line(const config_setting_t *s)
{
	return (int)config_setting_source_line(s);
}

/* Fail with `key` at setting `s`, detail "<what>" (usually the setting's name). */
#define FAIL_AT(ld, s, key, ...) fail((ld)->err, key, src_file(ld, s), src_line(s), __VA_ARGS__)

/* An integer setting or item field in min..max. */
static int get_int(struct load *ld, const config_setting_t *s, const char *what, int min, int max,
                   int *out)
{
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return FAIL_AT(ld, s, "conf:want_int", "%s", what);
	long long v = config_setting_get_int64(s);
	if (v < min || v > max)
		return FAIL_AT(ld, s, "conf:range", "%s = %lld (%d..%d)", what, v, min, max);
	*out = (int)v;
	return 0;
}

/* A string setting or item field that fits `cap` bytes, valid and printable. */
static int get_text(struct load *ld, const config_setting_t *s, const char *what, size_t cap,
                    const char **out)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return FAIL_AT(ld, s, "conf:want_string", "%s", what);
	const char *v = config_setting_get_string(s);
	char why[64];
	const char *key = check_text(v, cap, why, sizeof why);
	if (key)
		return why[0] ? FAIL_AT(ld, s, key, "%s (%s)", what, why)
		              : FAIL_AT(ld, s, key, "%s", what);
	*out = v;
	return 0;
}

/*
 * A path: "~/x" is under the home directory, "/x" stays, anything else is
 * relative to the directory of the file (when known).
 */
static int get_path(struct load *ld, const config_setting_t *s, const struct setting *st, char *out)
{
	const char *v;
	if (get_text(ld, s, st->name, st->size, &v) < 0)
		return -1;
	char shown[80];
	int len;
	if (v[0] == '\0') {
		if (!st->optional)
			return FAIL_AT(ld, s, "conf:empty", "%s", st->name);
		out[0] = '\0';
		return 0;
	}
	if (v[0] == '~' && (v[1] == '/' || v[1] == '\0')) {
		const char *home = home_dir();
		if (!home)
			return FAIL_AT(ld, s, "conf:no_home", "%s", st->name);
		len = snprintf(out, st->size, "%s%s", home, v + 1);
	} else if (v[0] == '~') {
		show(shown, sizeof shown, v, 40);
		return FAIL_AT(ld, s, "conf:bad_path", "%s = \"%s\"", st->name, shown);
	} else if (v[0] == '/' || !ld->base_dir) {
		len = snprintf(out, st->size, "%s", v);
	} else {
		len = snprintf(out, st->size, "%s/%s", ld->base_dir, v);
	}
	if (len < 0 || (size_t)len >= st->size) {
		out[0] = '\0';
		return FAIL_AT(ld, s, "conf:too_long", "%s (%d bytes, at most %zu)", st->name, len,
		               st->size - 1);
	}
	return 0;
}

static int get_days(struct load *ld, const config_setting_t *s, const struct setting *st, int *out)
{
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
		return FAIL_AT(ld, s, "conf:want_list", "%s", st->name);
	int n = config_setting_length(s), mask = 0;
	if (n == 0)
		return FAIL_AT(ld, s, "conf:empty", "%s", st->name);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		char what[64];
		int d;
		snprintf(what, sizeof what, "%s[%d]", st->name, i + 1);
		if (get_int(ld, e, what, st->min, st->max, &d) < 0)
			return -1;
		if (mask & WD(d))
			return FAIL_AT(ld, e, "conf:duplicate", "%s = %d", what, d);
		mask |= WD(d);
	}
	*out = mask;
	return 0;
}

/* One catalogue item: a group { key = "..."; weight = N; sq = "..."; en = "..."; min/max }. */
static int get_item(struct load *ld, const config_setting_t *g, const char *what, int kind,
                    struct conf_item *it)
{
	char fwhat[160];
	int have_key = 0, have_min = 0, have_max = 0;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return FAIL_AT(ld, g, "conf:want_group", "%s", what);
	memset(it, 0, sizeof *it);
	if (kind == L_WEIGHT)
		it->weight = 1;
	for (int j = 0; j < config_setting_length(g); j++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)j);
		const char *mn = config_setting_name(m);
		const char *v;
		char shown[64];
		show(shown, sizeof shown, mn, 40);
		snprintf(fwhat, sizeof fwhat, "%s.%s", what, shown);
		if (strcmp(mn, "key") == 0) {
			/* Check the characters first: a key too long is a bad key, not a cut one.
			 */
			if (config_setting_type(m) != CONFIG_TYPE_STRING)
				return FAIL_AT(ld, m, "conf:want_string", "%s", fwhat);
			v = config_setting_get_string(m);
			if (!valid_key(v)) {
				show(shown, sizeof shown, v, 40);
				return FAIL_AT(ld, m, "conf:bad_key", "%s = \"%s\"", fwhat, shown);
			}
			util_strlcpy(it->key, v, sizeof it->key);
			have_key = 1;
		} else if (strcmp(mn, "sq") == 0 || strcmp(mn, "en") == 0) {
			if (get_text(ld, m, fwhat, sizeof it->sq, &v) < 0)
				return -1;
			if (v[0] == '\0')
				return FAIL_AT(ld, m, "conf:empty", "%s", fwhat);
			util_strlcpy(mn[0] == 's' ? it->sq : it->en, v, sizeof it->sq);
		} else if (kind == L_WEIGHT && strcmp(mn, "weight") == 0) {
			if (get_int(ld, m, fwhat, 0, WEIGHT_MAX, &it->weight) < 0)
				return -1;
		} else if (kind == L_AGE && strcmp(mn, "min") == 0) {
			if (get_int(ld, m, fwhat, 0, AGE_MAX, &it->min) < 0)
				return -1;
			have_min = 1;
		} else if (kind == L_AGE && strcmp(mn, "max") == 0) {
			if (get_int(ld, m, fwhat, 0, AGE_MAX, &it->max) < 0)
				return -1;
			have_max = 1;
		} else {
			return FAIL_AT(ld, m, "conf:unknown", "%s", fwhat);
		}
	}
	if (!have_key)
		return FAIL_AT(ld, g, "conf:missing", "%s.key", what);
	if (kind == L_AGE && !have_min)
		return FAIL_AT(ld, g, "conf:missing", "%s.min", what);
	if (kind == L_AGE && !have_max)
		return FAIL_AT(ld, g, "conf:missing", "%s.max", what);
	if (kind == L_AGE && it->min > it->max)
		return FAIL_AT(ld, g, "conf:age_order", "%s (%d..%d)", what, it->min, it->max);
	return 0;
}

static int get_list(struct load *ld, const config_setting_t *s, const struct setting *st,
                    struct conf_list *out)
{
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return FAIL_AT(ld, s, "conf:want_list", "%s", st->name);
	int n = config_setting_length(s);
	if (n == 0)
		return FAIL_AT(ld, s, "conf:empty", "%s", st->name);
	if (n > CONF_LIST_MAX)
		return FAIL_AT(ld, s, "conf:too_many", "%s (%d, at most %d)", st->name, n,
		               CONF_LIST_MAX);
	struct conf_item *items = xcalloc((size_t)n, sizeof *items);
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		char what[64];
		snprintf(what, sizeof what, "%s[%d]", st->name, i + 1);
		if (get_item(ld, g, what, st->def, &items[i]) < 0)
			goto bad;
		for (int j = 0; j < i; j++) {
			if (strcmp(items[j].key, items[i].key) == 0) {
				FAIL_AT(ld, g, "conf:dup_key", "%s.key = \"%s\" (also %s[%d])",
				        what, items[i].key, st->name, j + 1);
				goto bad;
			}
			if (st->def == L_AGE && items[i].min <= items[j].max &&
			    items[j].min <= items[i].max) {
				FAIL_AT(ld, g, "conf:age_overlap", "%s (%d..%d), %s[%d] (%d..%d)",
				        what, items[i].min, items[i].max, st->name, j + 1,
				        items[j].min, items[j].max);
				goto bad;
			}
		}
	}
	out->items = items;
	out->n = n;
	return 0;
bad:
	free(items);
	return -1;
}

/* keys.*: one key name in quotes, or a list of up to st->max in [ ] or ( ). */
static int get_keys(struct load *ld, const config_setting_t *s, const struct setting *st,
                    struct conf_keys *out)
{
	struct conf_keys ks;
	memset(&ks, 0, sizeof ks);
	int t = config_setting_type(s), n = 1;
	if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST)
		n = config_setting_length(s);
	else if (t != CONFIG_TYPE_STRING)
		return FAIL_AT(ld, s, "conf:want_keys", "%s", st->name);
	if (n == 0)
		return FAIL_AT(ld, s, "conf:empty", "%s", st->name);
	if (n > st->max)
		return FAIL_AT(ld, s, "conf:keys_too_many", "%s (%d, at most %d)", st->name, n,
		               st->max);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e =
		    t == CONFIG_TYPE_STRING ? s : config_setting_get_elem(s, (unsigned)i);
		char what[64], shown[64];
		if (t == CONFIG_TYPE_STRING)
			snprintf(what, sizeof what, "%s", st->name);
		else
			snprintf(what, sizeof what, "%s[%d]", st->name, i + 1);
		const char *v, *why = NULL;
		/* Reported at the setting's line: list elements may not carry one. */
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return FAIL_AT(ld, s, "conf:want_keys", "%s", what);
		if (get_text(ld, e, what, 256, &v) < 0)
			return -1;
		struct conf_key k;
		if (conf_key_parse(v, &k, &why) < 0) {
			show(shown, sizeof shown, v, 20);
			return FAIL_AT(ld, s, why, "%s = \"%s\"", what, shown);
		}
		for (int j = 0; j < ks.n; j++) {
			if (same_key(&ks.k[j], &k)) {
				show(shown, sizeof shown, v, 20);
				return FAIL_AT(ld, s, "conf:duplicate", "%s = \"%s\"", what, shown);
			}
		}
		ks.k[ks.n++] = k;
	}
	*out = ks;
	return 0;
}

static int apply(struct load *ld, const struct setting *st, const config_setting_t *s)
{
	void *f = field(ld->c, st);
	const char *v;
	char shown[64];
	switch (st->type) {
	case S_STRING:
		if (get_text(ld, s, st->name, st->size, &v) < 0)
			return -1;
		if (v[0] == '\0' && !st->optional)
			return FAIL_AT(ld, s, "conf:empty", "%s", st->name);
		util_strlcpy(f, v, st->size);
		return 0;
	case S_CHOICE:
		if (get_text(ld, s, st->name, st->size, &v) < 0)
			return -1;
		if (!is_choice(v, st->choices)) {
			char list[64];
			show(shown, sizeof shown, v, 40);
			util_strlcpy(list, st->choices, sizeof list);
			for (char *p = list; *p; p++)
				if (*p == '|')
					*p = ',';
			return FAIL_AT(ld, s, "conf:choice", "%s = \"%s\" (%s)", st->name, shown,
			               list);
		}
		util_strlcpy(f, v, st->size);
		return 0;
	case S_PATH: {
		char path[4096];
		if (get_path(ld, s, st, path) < 0)
			return -1;
		util_strlcpy(f, path, st->size);
		return 0;
	}
	case S_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return FAIL_AT(ld, s, "conf:want_bool", "%s", st->name);
		*(int *)f = config_setting_get_bool(s) ? 1 : 0;
		return 0;
	case S_INT:
		return get_int(ld, s, st->name, st->min, st->max, f);
	case S_TIME: {
		if (get_text(ld, s, st->name, 16, &v) < 0)
			return -1;
		int m = parse_time(v);
		if (m < 0) {
			show(shown, sizeof shown, v, 20);
			return FAIL_AT(ld, s, "conf:time", "%s = \"%s\" (HH:MM)", st->name, shown);
		}
		*(int *)f = m;
		return 0;
	}
	case S_DAYS:
		return get_days(ld, s, st, f);
	case S_LIST: {
		struct conf_list l;
		if (get_list(ld, s, st, &l) < 0)
			return -1;
		/* The scratch copy may already hold a list from this same file only if libconfig
		 * allowed a duplicate name, which it does not; the old list belongs to the caller.
		 */
		*(struct conf_list *)f = l;
		return 0;
	}
	case S_KEYS:
		return get_keys(ld, s, st, f);
	}
	return 0;
}

static const struct setting *find_setting(const char *section, const char *name)
{
	size_t sl = strlen(section);
	for (int i = 0; i < NSETTINGS; i++) {
		const char *n = settings[i].name;
		if (strncmp(n, section, sl) == 0 && n[sl] == '.' && strcmp(n + sl + 1, name) == 0)
			return &settings[i];
	}
	return NULL;
}

static int known_section(const char *section)
{
	size_t sl = strlen(section);
	for (int i = 0; i < NSETTINGS; i++)
		if (strncmp(settings[i].name, section, sl) == 0 && settings[i].name[sl] == '.')
			return 1;
	return 0;
}

static int index_of(const char *name)
{
	for (int i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return i;
	return -1;
}

/*
 * A rule between two settings: the first must be below the second. Checked
 * on the merged result; the line reported is the later of the two this
 * file set (one of them was, or the earlier files would have failed).
 */
static int check_order(struct load *ld, const char *a, const char *b, const char *key, int va,
                       int vb, int as_time)
{
	if (va < vb)
		return 0;
	int la = ld->lines[index_of(a)], lb = ld->lines[index_of(b)];
	int line = la > lb ? la : lb;
	if (as_time)
		return fail(ld->err, key, ld->name, line, "%s = \"%02d:%02d\", %s = \"%02d:%02d\"",
		            a, va / 60, va % 60, b, vb / 60, vb % 60);
	return fail(ld->err, key, ld->name, line, "%s = %d, %s = %d", a, va, b, vb);
}

/*
 * A key may serve one action only. Checked on the merged result, reported at
 * the later of the two lines this file set (the built-in keys never clash,
 * and earlier files were checked).
 */
static int check_keys(struct load *ld)
{
	for (int i = 0; i < NSETTINGS; i++) {
		if (settings[i].type != S_KEYS)
			continue;
		const struct conf_keys *a = cfield(ld->c, &settings[i]);
		for (int j = i + 1; j < NSETTINGS; j++) {
			if (settings[j].type != S_KEYS)
				continue;
			const struct conf_keys *b = cfield(ld->c, &settings[j]);
			for (int x = 0; x < a->n; x++) {
				for (int y = 0; y < b->n; y++) {
					if (!same_key(&a->k[x], &b->k[y]))
						continue;
					char name[16];
					conf_key_name(&a->k[x], name, sizeof name);
					int line = ld->lines[i] > ld->lines[j] ? ld->lines[i]
					                                       : ld->lines[j];
					return fail(ld->err, "conf:key_twice", ld->name, line,
					            "%s, %s = \"%s\"", settings[i].name,
					            settings[j].name, name);
				}
			}
		}
	}
	return 0;
}

static int walk(struct load *ld, config_setting_t *root)
{
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *g = config_setting_get_elem(root, (unsigned)i);
		const char *sec = config_setting_name(g);
		char shown[64];
		show(shown, sizeof shown, sec, 40);
		if (!known_section(sec))
			return FAIL_AT(ld, g, "conf:unknown", "%s", shown);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return FAIL_AT(ld, g, "conf:want_group", "%s", shown);
		for (int j = 0; j < config_setting_length(g); j++) {
			config_setting_t *s = config_setting_get_elem(g, (unsigned)j);
			const char *nm = config_setting_name(s);
			const struct setting *st = find_setting(sec, nm);
			if (!st) {
				char n2[64];
				show(n2, sizeof n2, nm, 40);
				return FAIL_AT(ld, s, "conf:unknown", "%s.%s", shown, n2);
			}
			if (apply(ld, st, s) < 0)
				return -1;
			ld->lines[st - settings] = src_line(s);
		}
	}
	if (check_order(ld, "hours.open", "hours.close", "conf:hours_order", ld->c->open_min,
	                ld->c->close_min, 1) < 0)
		return -1;
	if (check_order(ld, "risk.medium_at", "risk.high_at", "conf:risk_order",
	                ld->c->risk_medium_at, ld->c->risk_high_at, 0) < 0)
		return -1;
	return check_keys(ld);
}

int conf_load_buffer(struct conf *c, const char *text, size_t len, const char *name,
                     const char *base_dir, struct qerr *err)
{
	qerr_clear(err);
	if (!name)
		name = "-";
	if (len > CONF_MAX_FILE)
		return fail(err, "conf:file_too_big", name, 0, "%zu bytes, at most %d", len,
		            CONF_MAX_FILE);
	/* Integer checks need libconfig's opinion first: a syntax error is reported as such. */
	struct qerr scan;
	qerr_clear(&scan);
	int scan_rc = scan_text(text, len, name, &scan);
	if (scan_rc < 0 && strcmp(scan.key, "conf:too_big") != 0) {
		if (err)
			*err = scan;
		return -1;
	}

	char *z = xstrndup(text, len);
	config_t cfg;
	config_init(&cfg);
	int rc = -1;
	if (!config_read_string(&cfg, z)) {
		const char *ef = config_error_file(&cfg);
		const char *et = config_error_text(&cfg);
		fail(err, "conf:syntax", ef ? ef : name, config_error_line(&cfg), "%s",
		     et ? et : "syntax error");
		goto out;
	}
	if (scan_rc < 0) {
		if (err)
			*err = scan;
		goto out;
	}

	struct load *ld = xcalloc(1, sizeof *ld);
	struct conf *tmp = xmalloc(sizeof *tmp);
	*tmp = *c;
	ld->c = tmp;
	ld->name = name;
	ld->base_dir = base_dir;
	ld->err = err;
	rc = walk(ld, config_root_setting(&cfg));
	/* Lists the file replaced: free the loser's (new ones on error, old ones on success). */
	for (int i = 0; i < NSETTINGS; i++) {
		if (settings[i].type != S_LIST)
			continue;
		struct conf_list *old = field(c, &settings[i]), *neu = field(tmp, &settings[i]);
		if (old->items != neu->items)
			free(rc == 0 ? old->items : neu->items);
	}
	if (rc == 0)
		*c = *tmp;
	free(tmp);
	free(ld);
out:
	config_destroy(&cfg);
	free(z);
	return rc;
}

/*
 * Read a whole regular file of at most CONF_MAX_FILE bytes. Returns 0, 1
 * when it does not exist and !required, or -1 with err.
 */
static int read_file(const char *path, int required, char **out, size_t *outlen, struct qerr *err)
{
	/* O_NONBLOCK: a FIFO put where the file should be must not hang the start. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			if (!required)
				return 1;
			return fail(err, "conf:missing_file", path, 0, "%s", strerror(e));
		}
		return fail(err, "conf:io", path, 0, "%s", strerror(e));
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return fail(err, "conf:not_file", path, 0, "not a regular file");
	}
	if (sb.st_size > CONF_MAX_FILE) {
		close(fd);
		return fail(err, "conf:file_too_big", path, 0, "%lld bytes, at most %d",
		            (long long)sb.st_size, CONF_MAX_FILE);
	}
	size_t cap = (size_t)sb.st_size + 1, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > CONF_MAX_FILE) {
				free(buf);
				close(fd);
				return fail(err, "conf:file_too_big", path, 0, "at most %d bytes",
				            CONF_MAX_FILE);
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return fail(err, "conf:io", path, 0, "%s", strerror(e));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*out = buf;
	*outlen = len;
	return 0;
}

static int load_path(struct conf *c, const char *path, int required, struct qerr *err)
{
	char *text = NULL;
	size_t len = 0;
	qerr_clear(err);
	int rc = read_file(path, required, &text, &len, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;

	/* Relative paths in the file are relative to its directory, made absolute. */
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	char *base = realpath(dir, NULL);

	rc = conf_load_buffer(c, text, len, path, base, err);
	free(base);
	free(dir);
	free(text);
	if (rc == 0 && c->n_loaded < NITEMS(c->loaded_from)) {
		util_strlcpy(c->loaded_from[c->n_loaded], path, sizeof c->loaded_from[0]);
		c->n_loaded++;
	}
	return rc;
}

int conf_load_file(struct conf *c, const char *path, struct qerr *err)
{
	return load_path(c, path, 1, err);
}

int conf_load(struct conf *c, const char *explicit_path, struct qerr *err)
{
	char user[4096];
	qerr_clear(err);
	conf_defaults(c);
	if (load_path(c, CONF_SYSTEM_PATH, 0, err) < 0)
		return -1;
	if (conf_user_path(user, sizeof user) == 0 && load_path(c, user, 0, err) < 0)
		return -1;
	if (explicit_path && load_path(c, explicit_path, 1, err) < 0)
		return -1;
	return 0;
}

/* ---- lookups and rules --------------------------------------------------- */

const struct conf_item *conf_find(const struct conf_list *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return &l->items[i];
	return NULL;
}

const char *conf_list_key(const struct conf *c, const struct conf_list *l)
{
	for (int i = 0; i < NSETTINGS; i++)
		if (settings[i].type == S_LIST && cfield(c, &settings[i]) == (const void *)l)
			return settings[i].name + strlen("catalog.");
	return NULL;
}

const char *conf_item_label(const struct conf_item *it, const char *lang)
{
	if (!it || !lang)
		return NULL;
	const char *l = strcmp(lang, "en") == 0 ? it->en : strcmp(lang, "sq") == 0 ? it->sq : "";
	return l[0] ? l : NULL;
}

int conf_risk_level(const struct conf *c, int weight_sum)
{
	if (weight_sum >= c->risk_high_at)
		return 2;
	if (weight_sum >= c->risk_medium_at)
		return 1;
	return 0;
}

int conf_age_band(const struct conf *c, int age)
{
	for (int i = 0; i < c->age_bands.n; i++)
		if (age >= c->age_bands.items[i].min && age <= c->age_bands.items[i].max)
			return i;
	return -1;
}

int conf_dropout_rules(const struct conf *c, int absences_in_row, int rate_percent, int sessions)
{
	int r = 0;
	if (absences_in_row >= c->dropout_absences_in_row)
		r |= CONF_DROPOUT_ABSENCES;
	if (rate_percent >= 0 && sessions >= c->dropout_min_sessions &&
	    rate_percent < c->dropout_min_rate_percent)
		r |= CONF_DROPOUT_RATE;
	return r;
}

int conf_dropout_score(const struct conf *c, int absences_in_row, int rate_percent, int sessions,
                       int school_status_irregular_or_dropped, int family_risk_factors)
{
	int rules = conf_dropout_rules(c, absences_in_row, rate_percent, sessions);
	int score = CONF_DROPOUT_RULE_POINTS * (((rules & CONF_DROPOUT_ABSENCES) ? 1 : 0) +
	                                        ((rules & CONF_DROPOUT_RATE) ? 1 : 0));
	if (school_status_irregular_or_dropped == CONF_SCHOOL_IRREGULAR)
		score += c->dropout_weight_irregular;
	else if (school_status_irregular_or_dropped == CONF_SCHOOL_DROPPED)
		score += c->dropout_weight_dropped_out;
	int f = family_risk_factors < 0 ? 0 : family_risk_factors;
	if (f > CONF_DROPOUT_MAX_FACTORS)
		f = CONF_DROPOUT_MAX_FACTORS;
	return score + c->dropout_weight_risk_factor * f;
}

const struct conf_keys *conf_keys_for(const struct conf *c, const char *action)
{
	if (!c || !action)
		return NULL;
	for (int i = 0; i < NSETTINGS; i++)
		if (settings[i].type == S_KEYS && strncmp(settings[i].name, "keys.", 5) == 0 &&
		    strcmp(settings[i].name + 5, action) == 0)
			return cfield(c, &settings[i]);
	return NULL;
}

const char *conf_municipality_code(const struct conf *c)
{
	if (strcmp(c->municipality, "shkoder") == 0)
		return "SHK";
	if (strcmp(c->municipality, "kukes") == 0)
		return "KUK";
	if (strcmp(c->municipality, "diber") == 0)
		return "DIB";
	return NULL;
}

/* ---- the table, outward ------------------------------------------------- */

int conf_settings_count(void)
{
	return NSETTINGS;
}

const char *conf_setting_name(int i)
{
	return i >= 0 && i < NSETTINGS ? settings[i].name : NULL;
}

static void add_quoted(struct sbuf *b, const char *s)
{
	sbuf_add(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_addn(b, "\\", 1);
		sbuf_addn(b, s, 1);
	}
	sbuf_add(b, "\"");
}

/* Value of setting st in libconfig syntax; lists one item a line after `indent` when pretty. */
static void add_value(struct sbuf *b, const struct conf *c, const struct setting *st,
                      const char *indent)
{
	const void *f = cfield(c, st);
	switch (st->type) {
	case S_STRING:
	case S_CHOICE:
	case S_PATH:
		add_quoted(b, f);
		break;
	case S_BOOL:
		sbuf_add(b, *(const int *)f ? "true" : "false");
		break;
	case S_INT:
		sbuf_printf(b, "%d", *(const int *)f);
		break;
	case S_TIME:
		sbuf_printf(b, "\"%02d:%02d\"", *(const int *)f / 60, *(const int *)f % 60);
		break;
	case S_DAYS: {
		const char *sep = "";
		sbuf_add(b, "[");
		for (int d = 1; d <= 7; d++) {
			if (*(const int *)f & WD(d)) {
				sbuf_printf(b, "%s%d", sep, d);
				sep = ", ";
			}
		}
		sbuf_add(b, "]");
		break;
	}
	case S_LIST: {
		const struct conf_list *l = f;
		sbuf_add(b, "(");
		for (int i = 0; i < l->n; i++) {
			const struct conf_item *it = &l->items[i];
			if (indent)
				sbuf_printf(b, "\n%s\t", indent);
			sbuf_add(b, "{ key = ");
			add_quoted(b, it->key);
			sbuf_add(b, ";");
			if (st->def == L_WEIGHT)
				sbuf_printf(b, " weight = %d;", it->weight);
			if (st->def == L_AGE)
				sbuf_printf(b, " min = %d; max = %d;", it->min, it->max);
			if (it->sq[0]) {
				sbuf_add(b, " sq = ");
				add_quoted(b, it->sq);
				sbuf_add(b, ";");
			}
			if (it->en[0]) {
				sbuf_add(b, " en = ");
				add_quoted(b, it->en);
				sbuf_add(b, ";");
			}
			sbuf_add(b, i + 1 < l->n ? " }," : " }");
			if (!indent && i + 1 < l->n)
				sbuf_add(b, " ");
		}
		if (indent)
			sbuf_printf(b, "\n%s", indent);
		sbuf_add(b, ")");
		break;
	}
	case S_KEYS: {
		const struct conf_keys *ks = f;
		sbuf_add(b, "[");
		for (int i = 0; i < ks->n; i++) {
			char name[16];
			conf_key_name(&ks->k[i], name, sizeof name);
			if (i)
				sbuf_add(b, ", ");
			add_quoted(b, name);
		}
		sbuf_add(b, "]");
		break;
	}
	}
}

int conf_setting_value(const struct conf *c, int i, char *out, size_t n)
{
	if (i < 0 || i >= NSETTINGS)
		return -1;
	struct sbuf b = {0};
	add_value(&b, c, &settings[i], NULL);
	int len = (int)b.len;
	if (n)
		util_strlcpy(out, b.s, n);
	sbuf_free(&b);
	return len;
}

char *conf_dump(const struct conf *c)
{
	struct sbuf b = {0};
	sbuf_add(&b, "# qendra: effective configuration\n");
	size_t seclen = 0;
	const char *sec = NULL;
	for (int i = 0; i < NSETTINGS; i++) {
		const struct setting *st = &settings[i];
		const char *dot = strchr(st->name, '.');
		size_t sl = (size_t)(dot - st->name);
		if (!sec || sl != seclen || strncmp(sec, st->name, sl) != 0) {
			if (sec)
				sbuf_add(&b, "};\n");
			sec = st->name;
			seclen = sl;
			sbuf_printf(&b, "\n%.*s:\n{\n", (int)sl, sec);
		}
		/* "" means "not set" (no municipality yet, built-in locale place). */
		if ((st->type == S_STRING || st->type == S_CHOICE || st->type == S_PATH) &&
		    ((const char *)cfield(c, st))[0] == '\0') {
			sbuf_printf(&b, "\t# %s not set\n", dot + 1);
			continue;
		}
		sbuf_printf(&b, "\t%s = ", dot + 1);
		add_value(&b, c, st, "\t");
		sbuf_add(&b, ";\n");
	}
	if (sec)
		sbuf_add(&b, "};\n");
	return b.s;
}
