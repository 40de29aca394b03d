/*
 * forms — parsers and validators for everything a person types into qendra.
 *
 * This is the "parse → validate" half of every screen: pure functions over
 * strings, with no curses, no SQL, no printing and no process locale. Each
 * validator takes user text (any bytes, NUL-terminated), writes a normalised
 * value into a caller buffer and returns 0, or returns -1 and fills a
 * caller-owned struct qerr whose key is a "form:..." entry of the locale
 * catalogues (locale/en.ini, locale/sq.ini, section [form]) and whose detail
 * holds only language-neutral facts, never more of the typed text than the
 * one offending character: "'@'" or "U+202E" for a refused character,
 * tab-separated numbers ("60\t73", "1\t120") that loc_err puts into the
 * %d placeholders of the message.
 * The TUI shows the message beside the field; nothing is saved until every
 * field of a form is valid (see the form model at the end).
 *
 * Leading and trailing white space (ASCII spaces, tabs, newlines and
 * no-break spaces) is trimmed by every validator except form_password. An
 * empty (or all-blank) input gives "form:required": optional fields are
 * handled by the form model, which skips empty optional fields.
 *
 * Dates are stored as ISO "YYYY-MM-DD" strings and shown as dd.mm.yyyy.
 */
#ifndef QENDRA_FORM_H
#define QENDRA_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* Buffer sizes (bytes, including the NUL) that always fit a result. */
#define FORM_NAME_MAX      60  /* characters (code points) in a name */
#define FORM_NAME_SIZE     256 /* bytes for any valid name */
#define FORM_PHONE_SIZE    20  /* display "069 123 4567" or norm "355691234567" */
#define FORM_NID_SIZE      11
#define FORM_CODE_SIZE     16 /* family code "SHK-2026-0042" */
#define FORM_USERNAME_SIZE 33
#define FORM_SEARCH_MAX    100 /* characters kept by form_search_clean */
#define FORM_PASSWORD_MIN  8
#define FORM_PASSWORD_MAX  256                /* characters */
#define FORM_YEAR_MIN      1900               /* earliest birth date / year and general date */
#define FORM_YEAR_MAX      2100               /* latest year of a general date */
#define FORM_NO_DATE       (-2147483647L - 1) /* form_date_to_days on a bad date */

/*
 * A person's name (first, father's or last name). Letters of Latin (with
 * Latin-1 Supplement, Extended-A/B and Extended Additional), Greek and
 * Cyrillic scripts, combining accents after a letter (e + U+0308 becomes ë
 * where Latin-1 has the composed letter), single spaces, hyphens and
 * apostrophes between letters. Runs of inner spaces collapse to one; the
 * typographic apostrophe ’ (U+2019, also U+02BC) becomes ', U+2010/U+2011
 * become -. 1–FORM_NAME_MAX characters.
 * Errors: form:required, form:bad_utf8, form:control_char (invisible,
 * bidi, zero-width, control characters), form:name_bad_char (detail: the
 * character), form:name_bad_sep (hyphen/apostrophe not between letters),
 * form:name_too_long (detail "60\tn"; also when outsz cannot hold the name).
 */
int form_name(const char *in, char *out, size_t outsz, struct qerr *err);

/*
 * A date typed as dd.mm.yyyy or d.m.yyyy ('.', '/' or '-' between the
 * parts, spaces after them allowed, a trailing '.' allowed), ddmmyyyy, or ISO
 * yyyy-mm-dd; "d.m" alone means that day in the year of `today_iso`
 * (YYYY-MM-DD; NULL = util_today()). Writes ISO "YYYY-MM-DD" to out_iso.
 * Errors: form:required, form:date_invalid (not in one of those shapes),
 * form:date_not_real (31.02), form:date_year_range (outside 1900–2100,
 * detail "1900\t2100").
 */
int form_date(const char *in, const char *today_iso, char out_iso[11], struct qerr *err);

/* As form_date, and the date lies between 01.01.1900 and today (both
 * included). Errors as form_date plus form:date_future, form:date_too_old. */
int form_birth_date(const char *in, const char *today_iso, char out_iso[11], struct qerr *err);

/*
 * An estimated birth year (four digits) for when the date is unknown:
 * 1900 ≤ year ≤ this_year (this_year ≤ 0 means the current year).
 * Errors: form:required, form:birth_year_invalid, form:birth_year_future,
 * form:birth_year_too_old.
 */
int form_birth_year(const char *in, int this_year, int *year, struct qerr *err);

/*
 * An Albanian phone number: mobile 067/068/069 + 7 digits, written
 * nationally (069 123 4567), internationally (+355 69 123 4567,
 * 00355 69..., 355 69...) or without the 0 (69 123 4567); or a landline:
 * 0 + area code starting 2–5, 7 or 8 + subscriber, 8 or 9 digits after the
 * 0 (04 234 5678 Tirana, 022 123 456 Shkodër, 024 ... Kukës, 0218 ...
 * Peshkopi). Spaces, dots, dashes, slashes and brackets may separate digits;
 * "+355 (0) 69..." is fine. `display` gets the national form grouped for
 * reading ("069 123 4567", "022 123 456", "04 234 5678"); `norm` gets the
 * digits in international form without '+' ("355691234567") for storage and
 * search. Either buffer may be NULL; FORM_PHONE_SIZE fits both.
 * Errors: form:required, form:phone_invalid, form:phone_foreign (another
 * country's code: such numbers belong in the notes).
 */
int form_phone(const char *in, char *display, size_t dsz, char *norm, size_t nsz, struct qerr *err);

/*
 * The Albanian personal number (NID): a letter, 8 digits, a letter, as
 * "J01234567A"; spaces inside are ignored and letters uppercased. Only the
 * format is checked: the check letter's algorithm is not published, so a
 * wrong check letter is not detected. Uniqueness is checked by db/.
 * Errors: form:required, form:nid_invalid.
 */
int form_nid(const char *in, char out[FORM_NID_SIZE], struct qerr *err);

/*
 * Free text (a note, a reason, an address): valid UTF-8, trimmed, at most
 * max_chars characters (0 = no limit). Tabs become spaces. With multiline,
 * CR LF and CR become LF and spaces at line ends are dropped; without it a
 * line break is refused. Other control characters and bidi controls are
 * refused. On success *out is a malloc'd string the caller frees (""
 * when the optional text is empty); on failure *out is NULL.
 * Errors: form:required (only when required), form:bad_utf8,
 * form:control_char, form:text_no_newline, form:text_too_long (detail
 * "allowed\ttyped").
 */
int form_text(const char *in, size_t max_chars, bool multiline, bool required, char **out,
              struct qerr *err);

/* A whole number (optional sign, digits only) between min and max inclusive.
 * Errors: form:required, form:int_invalid, form:int_range (detail "min\tmax"). */
int form_int(const char *in, long min, long max, long *out, struct qerr *err);

/*
 * A time of day: HH:MM, H:MM, HHMM, HMM, HH.MM or a bare hour (9, 14), from
 * 00:00 to 23:59; *minutes gets minutes after midnight.
 * Errors: form:required, form:time_invalid.
 */
int form_time(const char *in, int *minutes, struct qerr *err);

/* Write minutes after midnight (0–1439) as "HH:MM"; "" when out of range. */
void form_time_str(int minutes, char out[6]);

/*
 * A duration: minutes ("45", "45 min", "45m"), hours:minutes ("1:30") or
 * hours and minutes ("1h30", "1 h 30 min", "2 orë", "1o 15m"); between min
 * and max minutes inclusive. Errors: form:required, form:duration_invalid,
 * form:duration_range (detail "min\tmax").
 */
int form_duration(const char *in, int min, int max, int *minutes, struct qerr *err);

/*
 * A family code "SHK-2026-0042": SHK, KUK or DIB, a four-digit year
 * 1990–2099 and a number 1–9999. Case, spaces or dashes between the parts
 * and a short number ("shk 2026 42") are accepted; the output is canonical.
 * Errors: form:required, form:family_code_invalid.
 */
int form_family_code(const char *in, char out[FORM_CODE_SIZE], struct qerr *err);

/* A login name [a-z][a-z0-9_.-]{2,31}; ASCII capitals are lowered.
 * Errors: form:required, form:username_invalid. */
int form_username(const char *in, char out[FORM_USERNAME_SIZE], struct qerr *err);

/*
 * A new password: FORM_PASSWORD_MIN–FORM_PASSWORD_MAX characters of valid
 * UTF-8 without control characters, not equal to `username` (ignoring ASCII
 * case; username may be NULL). Not trimmed. Nothing of the password ever
 * goes into err->detail. Errors: form:required, form:bad_utf8,
 * form:password_bad_char, form:password_short, form:password_too_long,
 * form:password_is_username.
 */
int form_password(const char *pw, const char *username, struct qerr *err);

/*
 * One of the configured choices: `in` must equal one of keys[0..n-1]
 * (ignoring ASCII case and surrounding blanks; NULL entries are skipped);
 * *index gets its position. Errors: form:required, form:choice_invalid.
 */
int form_choice(const char *in, const char *const *keys, int n, int *index, struct qerr *err);

/*
 * Tidy a search box: drop invalid bytes, control, bidi and zero-width
 * characters, turn every run of blanks into one space, trim, keep at most
 * FORM_SEARCH_MAX characters (and outsz-1 bytes, never splitting a
 * character). in may be NULL (gives ""). Accent folding is left to db/.
 */
void form_search_clean(const char *in, char *out, size_t outsz);

/* ---- Date helpers (proleptic Gregorian calendar) used by db/ and tui/ ---- */

/* True when y-m-d is a real calendar date with 1 ≤ y ≤ 9999. */
bool form_date_valid(int y, int m, int d);
/* Days in month m of year y; 0 when m is not 1–12. */
int form_days_in_month(int y, int m);
/* Parse a strict "YYYY-MM-DD" real date; false (and nothing written) otherwise. */
bool form_iso_parse(const char *iso, int *y, int *m, int *d);
/* "YYYY-MM-DD" → "dd.mm.yyyy" for display; "" when iso is not a real date. */
void form_date_display(const char *iso, char out[11]);
/*
 * Age in whole years on `on_iso` (NULL = today): from birth_iso when it is
 * a real date, else estimated from birth_year (> 0); -1 when unknown or
 * when the birth is after on_iso.
 */
int form_age_on(const char *birth_iso, int birth_year, const char *on_iso);
/* Days since 1970-01-01 (negative before); FORM_NO_DATE when iso is not a real date. */
long form_date_to_days(const char *iso);
/* The inverse of form_date_to_days; "" for days outside years 1–9999. */
void form_days_to_date(long days, char out[11]);
/* ISO weekday, 1 = Monday … 7 = Sunday; 0 when iso is not a real date. */
int form_weekday(const char *iso);

/* ---- The form model the TUI drives ---- */

enum form_kind {
	FORM_TEXT,        /* one line of free text, at most `max` characters (0: 200) */
	FORM_NOTE,        /* multi-line free text, at most `max` characters (0: 4000) */
	FORM_NAME,        /* form_name */
	FORM_DATE,        /* form_date → ISO */
	FORM_BIRTH_DATE,  /* form_birth_date → ISO */
	FORM_BIRTH_YEAR,  /* form_birth_year → "1987", num = year */
	FORM_PHONE,       /* form_phone → display; extra = international digits */
	FORM_NID,         /* form_nid */
	FORM_INT,         /* form_int in [lo, hi] (both 0: any long) → decimal, num */
	FORM_TIME,        /* form_time → "HH:MM", num = minutes after midnight */
	FORM_DURATION,    /* form_duration in [lo, hi] (both 0: 1–1440) → decimal, num */
	FORM_FAMILY_CODE, /* form_family_code */
	FORM_USERNAME,    /* form_username */
	FORM_PASSWORD,    /* form_password against the field named by ref_key */
	FORM_CHOICE,      /* form_choice over choices → the key, num = index */
};

/*
 * One field of a form. The caller fills the description (key … ref_key),
 * usually from a static table, zero-initialising the rest, and sets the
 * typed text with form_field_set. form_validate_* fill norm/extra/num/err.
 * The raw `value` is never changed by validation, so nothing a person typed
 * is lost when it is refused.
 */
struct form_field {
	const char *key;            /* catalogue key of the label, e.g. "person:first_name" */
	int kind;                   /* enum form_kind */
	bool required;              /* the TUI marks it (form:required_mark) */
	size_t max;                 /* FORM_TEXT / FORM_NOTE: maximum characters */
	long lo, hi;                /* FORM_INT / FORM_DURATION: inclusive range */
	const char *const *choices; /* FORM_CHOICE: the allowed keys */
	int nchoices;
	const char *ref_key; /* FORM_PASSWORD: key of the username field (NULL: none) */

	char *value;     /* typed text, owned (malloc'd); NULL = empty */
	char *norm;      /* owned; after a successful validation the normalised value,
	                    NULL when an optional field was left empty or not valid */
	char *extra;     /* owned; FORM_PHONE: "355691234567"; otherwise NULL */
	long num;        /* FORM_INT/DURATION/TIME/BIRTH_YEAR value; FORM_CHOICE index, -1 empty */
	struct qerr err; /* empty key when the field is valid */
};

/* Replace the typed text with a copy of `text` (NULL = empty); drops norm/extra/err. */
void form_field_set(struct form_field *f, const char *text);
/* Free value, norm and extra (wiping them first for FORM_PASSWORD); keep the description. */
void form_field_clear(struct form_field *f);
/* form_field_clear on each of n fields. */
void form_fields_free(struct form_field *f, int n);

/*
 * Validate field i of the n fields `f` (the others are needed by
 * FORM_PASSWORD) against `today` ("YYYY-MM-DD", NULL = util_today()),
 * filling its norm/extra/num and err. An empty optional field is valid with
 * norm NULL. Returns 0 when valid, -1 when not.
 */
int form_validate_one(struct form_field *f, int n, int i, const char *today);

/* Validate every field; returns how many are invalid (save only when 0). */
int form_validate_all(struct form_field *f, int n, const char *today);

/* Index of the first invalid field after form_validate_all, or -1. */
int form_first_invalid(const struct form_field *f, int n);

#endif
