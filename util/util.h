/*
 * util — small helpers shared by every layer: the caller-owned error value,
 * never-failing allocation, UTF-8 checks, clock and UUIDs.
 *
 * Nothing here includes curses, prints to the terminal or exits, except the
 * allocation helpers, which on out-of-memory call the fatal hook (the TUI
 * installs one that restores the terminal first) and then abort.
 */
#ifndef QENDRA_UTIL_H
#define QENDRA_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#define QENDRA_VERSION "0.1.0"

/*
 * An error a lower layer hands to the UI: `key` names a catalogue entry
 * ("section:key", e.g. "err:db_busy") that the UI shows in the user's
 * language; `detail` is optional, untranslated extra text (a file name, a
 * line number, SQLite's message) shown after it. Empty key = no error.
 */
struct qerr {
	char key[64];
	char detail[256];
	int line; /* a line number for config/catalogue/import errors, 0 if none */
};

/* Set `e` (which may be NULL) to key plus printf-formatted detail (fmt may be NULL). */
void qerr_set(struct qerr *e, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qerr_clear(struct qerr *e);
bool qerr_is_set(const struct qerr *e);

/* Allocation that never returns NULL: on failure the fatal hook runs, then abort(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Install the function called before abort() on a fatal error (e.g. endwin). */
void util_set_fatal_hook(void (*hook)(void));
/* Restore what the hook protects, print one line to stderr and exit(code). */
_Noreturn void util_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy at most size-1 bytes, always NUL-terminate; returns strlen(src). */
size_t util_strlcpy(char *dst, const char *src, size_t size);

/* Growable string; zero-initialise, then append; free with sbuf_free. */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_free(struct sbuf *b);

/* UTF-8: true when `s` (length n) is well-formed UTF-8 with no overlongs/surrogates. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* Decode one code point at *p, advance *p; returns -1 on malformed input (advances one byte). */
long utf8_next(const char **p);
/* Encode cp into out (at least 4 bytes); returns bytes written (0 when cp is invalid). */
int utf8_put(char *out, long cp);

/*
 * The clock. Everything that asks "now" or "today" goes through here so
 * tests can pin it with QENDRA_NOW="YYYY-MM-DD HH:MM[:SS]" in the environment.
 */
time_t util_now(void);
/* "YYYY-MM-DD HH:MM:SS", local time. */
void util_now_str(char out[20]);
/* "YYYY-MM-DD", local time. */
void util_today(char out[11]);

/* Random v4 UUID "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". After util_uuid_seed
 * the sequence is deterministic (demo data), otherwise from the OS. */
void util_uuid(char out[37]);
void util_uuid_seed(uint64_t seed);

/* Process-wide allocator settings for qendra's pattern of use: glibc gives
 * the top of the heap back to the kernel after every large free, and SQLite
 * frees and reallocates such blocks for every trigger and sort, so each
 * save and each search keystroke paid for it in system time (measured about
 * 1 ms per trigger on a 2-core VM). Keeps up to 32 MiB of freed memory.
 * Call once at start (main, bench). No-op outside glibc. */
void util_tune_malloc(void);

/* Overwrite n bytes with zeros in a way the compiler will not drop. */
void util_wipe(void *p, size_t n);

#endif
