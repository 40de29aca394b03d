/*
 * slip — the printable referral slip as plain text: the part the family
 * takes to the receiving service (code, person, service, organisation,
 * reason, dates, the referring worker and centre) and a tear-off return
 * slip the service fills in and sends back ("received on / outcome /
 * signature").
 *
 * Pure text layout with no curses, no database and no process locale: the
 * caller fetches the referral (db_referral_get), resolves the catalogue
 * labels, and passes a lookup function for the fixed texts, so the same
 * function serves the screen (tui/desk_slip.c, with loc_str) and the unit
 * tests (tests/unit/test_slip.c). Every line fits the asked width in
 * display columns: text is wrapped at spaces, and a word longer than a line
 * is cut between characters, never inside a UTF-8 sequence. Invalid UTF-8
 * becomes '?', control and bidirectional-override characters are dropped
 * (a line break in the reason starts a new line), so whatever is stored
 * prints as readable text.
 */
#ifndef QENDRA_FORM_SLIP_H
#define QENDRA_FORM_SLIP_H

#include <stddef.h>

#include "util/util.h"

/* Width used when the caller asks for 0, and the narrowest accepted. */
#define FORM_SLIP_WIDTH     80
#define FORM_SLIP_MIN_WIDTH 40

/*
 * What the slip shows. Every string may be NULL or "" (left out or shown
 * blank); none is changed. Dates are ISO "YYYY-MM-DD" and are printed as
 * dd.mm.yyyy (anything else is printed as given).
 */
struct form_slip {
	const char *centre;        /* the centre's name (conf centre_name) */
	const char *code;          /* the referral code, "REF-2026-00017" */
	const char *first_name;    /* the person */
	const char *father_name;   /* atësia */
	const char *last_name;     /* */
	char sex;                  /* 'F', 'M', or 0 when unknown */
	const char *birth_date;    /* ISO, or "" with birth_year */
	int birth_year;            /* when only the year is known, else 0 */
	const char *family_code;   /* "SHK-2026-0042" */
	const char *address;       /* the family's address */
	const char *service;       /* the service's label, already translated */
	const char *organisation;  /* the receiving organisation */
	const char *reason;        /* may span lines */
	const char *referred_on;   /* ISO */
	const char *follow_up_due; /* ISO: an answer is expected by then */
	const char *staff;         /* the referring worker's full name */
	const char *printed_on;    /* ISO: the day the slip is made */
};

/*
 * Looks up a fixed text of the slip by catalogue key ("referral:slip_title",
 * ...; the keys used are listed in slip.c). Returning NULL or "" leaves the
 * text out. ctx is passed through.
 */
typedef const char *(*form_slip_text_fn)(void *ctx, const char *key);

/*
 * The slip as text, lines ended by '\n', each at most `width` display
 * columns (0 = FORM_SLIP_WIDTH; less than FORM_SLIP_MIN_WIDTH is taken as
 * that). Returns a malloc'd string the caller frees; never NULL. s may not
 * be NULL; text may be NULL (every label empty).
 */
char *form_slip_text(const struct form_slip *s, int width, form_slip_text_fn text, void *ctx);

/* Display columns of UTF-8 text as the slip counts them: one per character,
 * none for combining marks, two for East Asian wide characters; invalid
 * bytes count as the '?' they become, dropped characters as nothing. */
int form_slip_cols(const char *utf8);

/*
 * Append `value` to out, wrapped to `width` columns: the first line starts
 * with `label` padded to `indent` columns, the next lines with `indent`
 * blanks (a label wider than indent - 1 gets a line of its own). A '\n' in
 * value starts a new line. Empty value: only the label line. label may be
 * NULL. Every line appended ends with '\n'.
 */
void form_slip_wrap(struct sbuf *out, const char *label, int indent, const char *value, int width);

#endif
