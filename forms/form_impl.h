/*
 * form_impl — helpers shared by the files of forms/; not part of the public
 * API (that is form.h). Names carry the form_i_ prefix.
 */
#ifndef QENDRA_FORM_IMPL_H
#define QENDRA_FORM_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* Blank for trimming and collapsing: ASCII space, tab, newline, CR, VT, FF. */
bool form_i_ascii_blank(unsigned char c);
/* Unicode spaces treated like ' ': U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F, U+3000. */
bool form_i_uspace(long cp);
/*
 * Trim blanks (ASCII blanks and U+00A0) from both ends of s; returns the
 * start and stores the remaining byte length in *len. s may be NULL (gives
 * "" and 0).
 */
const char *form_i_trim(const char *s, size_t *len);
/* Control characters no text may hold: C0 except those the caller allows,
 * DEL, C1, bidi controls, line/paragraph separators, BOM, U+FFF9–U+FFFB. */
bool form_i_hard_control(long cp);
/* form_i_hard_control plus every invisible format character (zero-width,
 * soft hyphen, joiners, variation selectors, tags, fillers). */
bool form_i_invisible(long cp);
/* Set err to `key` with a safe description of cp as detail ("'x'" for a
 * visible character, "U+XXXX" for an invisible one); returns -1. */
int form_i_fail_char(struct qerr *err, const char *key, long cp);
/* qerr_set(err, key, NULL); returns -1 (for `return form_i_fail(...)`). */
int form_i_fail(struct qerr *err, const char *key);
/* Latin-1 composition of base + combining mark (e + U+0308 → ë); 0 if none. */
long form_i_compose(long base, long mark);
/* ASCII case-insensitive equality of the first n bytes of a and b. */
bool form_i_ascii_caseeqn(const char *a, const char *b, size_t n);

/* Write v (≥ 0) as exactly `width` decimal digits, no NUL (leading zeros; higher digits dropped).
 */
void form_i_digits(char *out, long v, int width);
/* Write "YYYY-MM-DD" for 1 ≤ y ≤ 9999 and a real month/day. */
void form_i_iso(char out[11], int y, int m, int d);

#endif
