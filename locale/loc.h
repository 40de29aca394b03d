/*
 * locale — the message catalogues: every word qendra shows comes from here.
 *
 * locale/en.ini and locale/sq.ini hold one [section] per screen; code names
 * a message "section:key" (e.g. "err:db_busy"; "err.db_busy" is accepted
 * too). The files are read by our own tolerant reader (a byte order mark is
 * skipped, long lines are fine, invalid UTF-8 and control characters are
 * replaced by '?') and stored in iniparser dictionaries; lookups go through
 * iniparser_getstring only, never getint/getboolean (CVE-2023-33461).
 * Nothing here prints: iniparser's error output is silenced in loc_init.
 *
 * A lookup tries the current language, then English, then returns the key
 * itself, so a missing message is visible but never blank. A translation
 * whose printf placeholders differ from the English text is ignored at load
 * time (the English text is shown instead), so a damaged sq.ini cannot hand
 * loc_fmt a format that does not match the arguments the code passes.
 * en.ini itself is the reference and is trusted like the binary (only the
 * few texts with a built-in copy are checked against it), so keep
 * placeholders of an English text in step with the code that formats it.
 *
 * loc_check is the catalogue linter behind `qendra locale-check` and the
 * unit test; it reports everything plain iniparser 4.1 would trip on.
 *
 * Not thread-safe: one UI thread owns the catalogues.
 */
#ifndef QENDRA_LOC_H
#define QENDRA_LOC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/*
 * Load en.ini and sq.ini from dir. dir NULL = search, first directory holding
 * an en.ini wins: $QENDRA_LOCALE_DIR, <dir of /proc/self/exe>/locale,
 * /usr/local/share/qendra/locale, /usr/share/qendra/locale.
 * A damaged file (BOM, over-long line, bad UTF-8, stray text) is loaded as
 * far as it can be read; run loc_check to see its problems. A missing or
 * unreadable sq.ini is not an error (everything shows in English). A missing
 * or unreadable en.ini returns -1 with err key "loc:missing_catalogue"
 * (detail: where we looked); that one message has a built-in English text,
 * so loc_err can still show it. On failure the previously loaded catalogues,
 * if any, stay in use. Calling loc_init again replaces them. Returns 0 on
 * success. The current language is not changed (it starts as "sq").
 */
int loc_init(const char *dir, struct qerr *err);
/* Free the catalogues; every pointer handed out by loc_str* becomes invalid. */
void loc_free(void);

/* Switch the language of loc_str: "sq" or "en". Returns -1 (and changes
 * nothing) for anything else, 0 on success. */
int loc_set_lang(const char *lang);
/* The current language, "sq" or "en" (static string). */
const char *loc_lang(void);

/*
 * The text of "section:key" in the current language, falling back to English,
 * then to the key itself as given (never blank, never NULL; "?" for a NULL or
 * empty key). Keys are case-insensitive. The returned pointer belongs to this
 * module and stays valid until loc_free (or the next loc_init).
 */
const char *loc_str(const char *key);
/* The same for an explicit language ("sq"/"en"; anything else means English). */
const char *loc_str_lang(const char *lang, const char *key);
/* True when the catalogue of lang ("sq"/"en") itself has a non-empty text for
 * key (no fallback) that it would use. */
bool loc_has(const char *lang, const char *key);

/*
 * printf-style formatting of a catalogue text: loc_fmt(buf, sizeof buf,
 * "err:db_too_new", found, known). Use this instead of snprintf(...,
 * loc_str(...)) (which -Wformat=2 rejects). Placeholders understood: %d %i %u
 * %x %X %o with h hh l ll z j t, %e %f %g %a (and upper case) with optional L,
 * %c %s %p, flags -+#0, width and precision as digits, and %%. Anything else
 * after a % is copied literally and consumes no argument. The arguments must
 * match the English text (the compiler cannot check this; loc_check makes sure
 * both languages agree). A NULL %s prints "?". out is always NUL-terminated
 * and never ends in a cut UTF-8 sequence.
 */
void loc_fmt(char *out, size_t outsz, const char *key, ...);

/*
 * Translate an error for the screen: loc_str(e->key), then the detail. When
 * the text has printf placeholders, the detail fills them in order: one
 * placeholder takes the whole detail; several take tab-separated fields
 * (qerr_set(e, "err:db_too_new", "%d\t%d", found, known)), or without a tab
 * the words holding a letter or digit when their number matches exactly
 * ("7 > 5" fills two). A placeholder left without a field shows "?". Detail
 * not used this way is appended as ": detail" (replacing a final full stop of
 * the text). Control characters and invalid UTF-8 in the detail are replaced
 * by '?'. e NULL or unset gives "". out is always NUL-terminated, cut at a
 * UTF-8 boundary.
 */
void loc_err(const struct qerr *e, char *out, size_t outsz);

/*
 * "YYYY-MM-DD" (optionally followed by " HH:MM..." or "T...") as "dd.mm.yyyy".
 * Anything else (including month/day out of range) is copied unchanged, cut to
 * 10 bytes at a UTF-8 boundary; NULL gives "".
 */
void loc_date(const char *iso, char out[11]);

/*
 * Check the catalogues en.ini and sq.ini in dir (NULL = the loc_init search).
 * Returns the number of problems; each is appended to report (may be NULL)
 * as one line "file:line: problem\n" in the current language: a BOM, a line
 * over 1000 bytes, an unquoted value containing ; or #, a missing closing
 * quote or text after it, a key missing in one language, different printf
 * placeholders (compared as ordered lists of length+conversion, e.g. %s %d
 * %lld %zu %%), an empty value, invalid UTF-8, a control character, a key or
 * section name outside a-z 0-9 _ . -, a key named like its own section, a key
 * before any section, a duplicate key or section, a line ending in a
 * backslash, a line that is none of [section] / key = "value" / ; comment,
 * and a missing or unreadable file (line 0).
 */
int loc_check(const char *dir, struct sbuf *report);

/*
 * The keys of one section of the English catalogue, in file order, as
 * "section:key" (lower case). Returns their number; *keys_out (when not NULL)
 * gets a malloc'd array the caller frees with free() — the strings belong to
 * the catalogue (valid until loc_free). 0 keys, an unknown section or no
 * catalogue gives 0 and *keys_out = NULL.
 */
int loc_section_keys(const char *section, const char ***keys_out);

#endif
