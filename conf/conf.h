/*
 * conf — the centre's configuration: one libconfig file per place, read in
 * order /etc/qendra/qendra.cfg, then $XDG_CONFIG_HOME/qendra/qendra.cfg
 * ($HOME/.config when unset), then the file given with --config. Each file
 * overrides the ones before it setting by setting; the two standard places
 * may be missing, an explicit file may not.
 *
 * Every setting is declared once, in the table in conf.c (name, type, range,
 * default); loading walks the file against that table, so a misspelt or
 * unknown setting, a wrong type or a value out of range is refused with the
 * file and line. etc/qendra.cfg is the documented example with every
 * setting; the unit tests check that it loads and equals the defaults.
 *
 * The catalogues (risk factors, visit purposes, services, counselling
 * types, rooms, subjects, activity types, age bands), the risk and dropout
 * rules and the keys of the actions every screen has (keys.*: help,
 * language, hide, visit) live here too, as plain data plus pure functions;
 * the UI turns a struct conf_key into its own key code.
 *
 * Like every lower layer, conf never prints and never exits: it returns -1
 * and fills a caller-owned struct qerr whose key is a locale key in the
 * [conf] section and whose detail is "FILE:LINE: what", and the caller shows
 * it before the screen is taken over.
 */
#ifndef QENDRA_CONF_H
#define QENDRA_CONF_H

#include <stddef.h>

#include "util/util.h"

/* The system-wide file, read first. */
#define CONF_SYSTEM_PATH "/etc/qendra/qendra.cfg"
/* Largest configuration file accepted, in bytes. */
#define CONF_MAX_FILE (1024 * 1024)
/* Most items one catalogue may hold. */
#define CONF_LIST_MAX 100
/* Points one broken attendance rule adds to the dropout score. */
#define CONF_DROPOUT_RULE_POINTS 3
/* Family risk factors counted in the dropout score at most. */
#define CONF_DROPOUT_MAX_FACTORS 10

/* Bits returned by conf_dropout_rules: which attendance rules a child breaks. */
#define CONF_DROPOUT_ABSENCES 1 /* dropout.absences_in_row absences in a row */
#define CONF_DROPOUT_RATE     2 /* attendance under dropout.min_rate_percent */

/* School status argument of conf_dropout_score. */
#define CONF_SCHOOL_OK        0 /* enrolled, never enrolled, not school age */
#define CONF_SCHOOL_IRREGULAR 1
#define CONF_SCHOOL_DROPPED   2

/*
 * A key of the keyboard as the configuration names it (keys.*): "F1" ..
 * "F12", "Alt-x" (a letter or digit), "Ctrl-x" (a letter, or \ ] ^ _), or
 * one sign such as "?". The UI turns it into its own key code.
 */
enum conf_key_kind {
	CONF_KEY_NONE = 0,
	CONF_KEY_FN,   /* code: 1..12 */
	CONF_KEY_ALT,  /* code: 'a'..'z', '0'..'9' */
	CONF_KEY_CTRL, /* code: 'a'..'z' or one of \ ] ^ _ */
	CONF_KEY_CHAR, /* code: a printable ASCII sign, not a letter, digit, space or / */
};
struct conf_key {
	int kind; /* enum conf_key_kind */
	int code;
};
/* The keys of one action, the first shown on the key bar. */
#define CONF_KEYS_MAX 3
struct conf_keys {
	int n;
	struct conf_key k[CONF_KEYS_MAX];
};

/*
 * One catalogue entry. `key` is stable ([a-z0-9_]{1,32}) and is what the
 * database stores. `sq`/`en` are labels set in the file, empty when absent:
 * then the UI shows locale key "catalog:<list>.<key>" (see conf_list_key).
 * `weight` is used by risk factors only (0 elsewhere); `min`/`max` (ages in
 * whole years, inclusive) by age bands only (0 elsewhere).
 */
struct conf_item {
	char key[33];
	char sq[81];
	char en[81];
	int weight;
	int min, max;
};

/* A catalogue: `n` items in the order of the file; owned by the struct conf. */
struct conf_list {
	struct conf_item *items;
	int n;
};

/*
 * The whole configuration, one field per setting, named after it. Strings
 * are NUL-terminated UTF-8 without control characters. Paths are absolute
 * once loaded (a relative path in a file is taken relative to that file's
 * directory, "~/" to $HOME); they are empty only when no home directory is
 * known. Plain value: copy it freely, but only one copy may be conf_free'd.
 */
struct conf {
	char centre_name[81];
	char municipality[16]; /* "shkoder", "kukes", "diber", or "" when not set */
	char db_path[4096];
	int wal; /* 0/1 */
	int busy_timeout_ms;
	char backup_dir[4096];
	int backup_keep;
	char language[3]; /* "sq" or "en" */
	int idle_lock_minutes;
	int esc_delay_ms;
	char locale_dir[4096]; /* "" = the built-in places */
	int max_failed_logins;
	int lockout_minutes;
	int open_min;  /* hours.open, minutes after midnight */
	int close_min; /* hours.close, minutes after midnight */
	int weekdays;  /* bit 0 = Monday ... bit 6 = Sunday */
	int referral_overdue_days;
	int risk_medium_at;
	int risk_high_at;
	int rescreen_months;
	int dropout_absences_in_row;
	int dropout_min_rate_percent;
	int dropout_window_weeks;
	int dropout_min_sessions;
	int dropout_weight_irregular;
	int dropout_weight_dropped_out;
	int dropout_weight_risk_factor;
	int dropout_flag_score;
	struct conf_list risk_factors;
	struct conf_list visit_purposes;
	struct conf_list services;
	struct conf_list counselling_types;
	struct conf_list rooms;
	struct conf_list subjects;
	struct conf_list activity_types;
	struct conf_list age_bands;
	/* keys.*: the keys of the actions that work on every screen. */
	struct conf_keys key_help;     /* help for the current screen */
	struct conf_keys key_language; /* switch Albanian / English */
	struct conf_keys key_hide;     /* hide the screen at once (panic) */
	struct conf_keys key_visit;    /* register a visit (at most 2 keys) */
	char loaded_from[3][4096];     /* the files read, in order */
	int n_loaded;
};

/*
 * Fill `c` with the defaults (paths from $XDG_DATA_HOME / $HOME). `c` must
 * be uninitialised or conf_free'd: the catalogues are allocated here.
 */
void conf_defaults(struct conf *c);

/*
 * Defaults, then /etc/qendra/qendra.cfg, then the user's file, then
 * `explicit_path` (may be NULL), each over the one before. Returns 0, or -1
 * with `err` set; on error `c` still holds a complete configuration (the
 * defaults plus the files before the bad one) and must be conf_free'd.
 */
int conf_load(struct conf *c, const char *explicit_path, struct qerr *err);

/*
 * Read one file over what `c` already holds. All or nothing: on error `c` is
 * left as it was. A missing file is an error (conf:missing_file). Returns 0
 * or -1 with `err` set (err->line is the line, 0 for whole-file errors).
 */
int conf_load_file(struct conf *c, const char *path, struct qerr *err);

/*
 * As conf_load_file, for text already in memory (`len` bytes, need not be
 * NUL-terminated). `name` is the file name used in messages; relative paths
 * in the text are resolved against `base_dir` (NULL = left relative). Used
 * by conf_load_file and by the fuzz target. Does not touch loaded_from.
 */
int conf_load_buffer(struct conf *c, const char *text, size_t len, const char *name,
                     const char *base_dir, struct qerr *err);

/* Free the catalogues; `c` may then be filled again with conf_defaults. NULL is fine. */
void conf_free(struct conf *c);

/* The item with `key`, or NULL. The pointer lives as long as the list. */
const struct conf_item *conf_find(const struct conf_list *l, const char *key);

/*
 * The name of a catalogue of `c` ("risk_factors", "visit_purposes", ...), as
 * used in the file (catalog.<name>) and in locale keys
 * ("catalog:<name>.<key>"); NULL when `l` is not one of c's catalogues.
 */
const char *conf_list_key(const struct conf *c, const struct conf_list *l);

/* The label of `it` set in the file for `lang` ("sq"/"en"), or NULL: use the locale key. */
const char *conf_item_label(const struct conf_item *it, const char *lang);

/*
 * Risk level from the sum of the weights of the factors present:
 * 0 low, 1 medium (sum >= risk.medium_at), 2 high (sum >= risk.high_at).
 */
int conf_risk_level(const struct conf *c, int weight_sum);

/* Index into c->age_bands of the band holding `age` (years), or -1. */
int conf_age_band(const struct conf *c, int age);

/*
 * Which attendance rules a child breaks (CONF_DROPOUT_* bits):
 *  - ABSENCES when absences_in_row >= dropout.absences_in_row;
 *  - RATE when at least dropout.min_sessions sessions were expected in the
 *    last dropout.window_weeks weeks (`sessions`) and the attendance rate
 *    over them (`rate_percent`, <0 = unknown) is under dropout.min_rate_percent.
 */
int conf_dropout_rules(const struct conf *c, int absences_in_row, int rate_percent, int sessions);

/*
 * The dropout-warning score; a child is listed when score >=
 * dropout.flag_score. The formula:
 *
 *   score = CONF_DROPOUT_RULE_POINTS (3) x number of attendance rules broken
 *         + dropout.weight_irregular    if school status is irregular (1)
 *         + dropout.weight_dropped_out  if school status is dropped out (2)
 *         + dropout.weight_risk_factor  x family risk factors present
 *                                         (counted up to 10)
 *
 * With the defaults (flag at 3, weights 1/2/1) breaking either attendance
 * rule lists a child by itself, and so does dropping out of school plus one
 * family risk factor. Negative counts are taken as 0.
 */
int conf_dropout_score(const struct conf *c, int absences_in_row, int rate_percent, int sessions,
                       int school_status_irregular_or_dropped, int family_risk_factors);

/*
 * Read a key name ("F12", "Alt-x", "Ctrl-\\", "?"; case of F/Alt/Ctrl and of
 * the letter ignored) into *out. Returns 0, or -1 with *why (may be NULL)
 * set to the locale key of the reason: "conf:empty", "conf:key_name" (not a
 * key name) or "conf:key_reserved" (a key kept for typing and moving:
 * letters, digits, space, /, Ctrl-A/E/H/I/J/K/M/U, Ctrl-[).
 */
int conf_key_parse(const char *s, struct conf_key *out, const char **why);
/* The name of a key as conf_key_parse reads it ("F12", "Alt-x", "Ctrl-\\", "?");
 * "" for CONF_KEY_NONE. */
void conf_key_name(const struct conf_key *k, char *out, size_t n);
/* The keys of an action by its name in the file ("help", "language",
 * "hide", "visit"), or NULL when there is no such keys.* setting. */
const struct conf_keys *conf_keys_for(const struct conf *c, const char *action);

/* "SHK", "KUK" or "DIB" for the configured municipality; NULL when none is set. */
const char *conf_municipality_code(const struct conf *c);

/*
 * Paths of the standard places. Each writes into out (n bytes) and returns
 * 0, or -1 when no home directory is known or the result does not fit.
 * conf_user_path: $XDG_CONFIG_HOME/qendra/qendra.cfg ($HOME/.config when
 * XDG_CONFIG_HOME is unset, empty or relative, as the XDG spec says).
 * conf_data_dir: $XDG_DATA_HOME/qendra ($HOME/.local/share likewise).
 */
int conf_user_path(char *out, size_t n);
int conf_data_dir(char *out, size_t n);

/*
 * The settings table, for `qendra config-check` and documentation: the
 * number of settings, the dotted name of setting i ("ui.language",
 * "catalog.rooms"; NULL when out of range), and the value of setting i in
 * `c` written in libconfig syntax into out (n bytes, NUL-terminated),
 * returning the length it needs like snprintf (-1 when i is out of range).
 */
int conf_settings_count(void);
const char *conf_setting_name(int i);
int conf_setting_value(const struct conf *c, int i, char *out, size_t n);

/*
 * The effective configuration as a libconfig file that loads back to the
 * same values. Caller frees.
 */
char *conf_dump(const struct conf *c);

#endif
