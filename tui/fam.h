/*
 * fam — what the registrar's screens (tui/fam_*.c) share: the families
 * list, the family card, the family and person forms (with the duplicate
 * warning and the edit-conflict view), risk screening, consent and the
 * record history. Internal to those files; nothing outside tui/fam_*.c
 * includes it.
 *
 * How the screens hang together:
 *
 *   home ─f→ fam_list_screen ─Enter→ fam_card_screen ─a/Enter→ fam_person_screen
 *                   │                       ├─e→ fam_edit_screen
 *                   │                       ├─s/f→ fam_screening_screen
 *                   │                       ├─c→ fam_consent_screen
 *                   │                       ├─p→ fam_screenings_screen (history)
 *                   │                       ├─h→ fam_history_screen (manager)
 *                   │                       └─v/r→ desk visit / referral (tui/desk.h)
 *                   └─F3→ fam_edit_screen (new) → card → member(s) → screening → consent
 *
 * The guided registration: a form pushed as a step of the flow writes into
 * its arg whether it saved, and pops with TUI_POP | TUI_RELOAD; the reload
 * of the screen below (the list for the family form, the card for the
 * rest) then pushes the next step. A step left with Esc ends the flow; the
 * card shows what is still missing and 'g' continues from there.
 *
 * Role gating: tui/ has no "registrar" precondition for keys, only
 * TUI_NEED_WRITE (not a viewer) and TUI_NEED_MANAGER. Counsellors read
 * families but may not change them, so the list and the card reuse the
 * TUI_NEED_ROW bit as "the actor may change registration records"
 * (FAM_NEED_EDIT): their state op sets it only for managers and
 * registrars, so the key bar and help never offer a counsellor those keys.
 * The forms, reachable by managers and registrars only, use the same bit
 * for "an edit conflict is being shown" (FAM_NEED_CONFLICT).
 */
#ifndef QENDRA_TUI_FAM_H
#define QENDRA_TUI_FAM_H

#include "conf/conf.h"
#include "db/registry.h"
#include "forms/form.h"
#include "tui/tui.h"

#define FAM_NEED_EDIT     TUI_NEED_ROW
#define FAM_ST_EDIT       TUI_ST_ROW
#define FAM_NEED_CONFLICT TUI_NEED_ROW
#define FAM_ST_CONFLICT   TUI_ST_ROW

/* ---- screens and their arguments (owned by the screen that pushes) ---- */

/* The family card. */
struct fam_card_arg {
	int64_t family_id;
	void *card; /* set by the card while it is open (for fam_card_flow_start) */
};

/* The family form: family_id 0 registers a new family. */
struct fam_edit_arg {
	int64_t family_id;
	bool saved;       /* out: the form saved */
	int64_t saved_id; /* out: the family's id */
};

/* The person form: person_id 0 adds a member to family_id. */
struct fam_person_arg {
	int64_t family_id;
	int64_t person_id;
	bool flow;                     /* a step of the guided registration */
	char relation_default[16];     /* for a new member */
	char last_default[DB_NAME_SZ]; /* for a new member */
	bool saved;                    /* out */
	int64_t saved_id;              /* out */
};

/* The screening form: of person_id, or of family_id when person_id is 0. */
struct fam_screening_arg {
	int64_t person_id;
	int64_t family_id;
	char subject[300]; /* shown in the title: a name or a family code */
	bool flow;
	bool saved; /* out */
};

/* The consent form of a family. */
struct fam_consent_arg {
	int64_t family_id;
	char code[DB_CODE_SZ];
	bool flow;
	bool saved; /* out */
};

/* Record history and screening history of a family and its members. */
struct fam_family_ref {
	int64_t family_id;
	char code[DB_CODE_SZ];
};

extern const struct tui_screen_def fam_list_screen;
extern const struct tui_screen_def fam_card_screen;
extern const struct tui_screen_def fam_edit_screen;
extern const struct tui_screen_def fam_person_screen;
extern const struct tui_screen_def fam_screening_screen;
extern const struct tui_screen_def fam_screenings_screen;
extern const struct tui_screen_def fam_consent_screen;
extern const struct tui_screen_def fam_history_screen;

/* Start the guided registration on the open card of a (just pushed with
 * tui_push(&fam_card_screen, a)): pushes the first missing step. */
void fam_card_flow_start(struct fam_card_arg *a);

/* ---- helpers (fam_util.c) ---- */

/* True when the signed-in user may change registration records (manager,
 * registrar). */
bool fam_can_edit(void);

/* The catalogue text of "<prefix><value>" (e.g. "family:mun_" + "shkoder")
 * in the current language, or value itself when the catalogue has none.
 * The pointer is the catalogue's or value: do not keep it across draws. */
const char *fam_label(const char *prefix, const char *value);
/* The label of a configured catalogue item (risk factor, service, visit
 * purpose), or the key itself. */
const char *fam_cat(const struct conf_list *l, const char *key);
/* A risk level for display: "High", or "—"/"-" when never screened. */
const char *fam_level(const char *level);
/* "Ana Gjon Çela": first, father's and last name, blanks skipped. */
void fam_name3(const char *first, const char *father, const char *last, char *out, size_t n);
/* "dd.mm.yyyy" of an ISO date or timestamp; "" when empty. */
void fam_date(const char *iso, char out[11]);
/* "12" or "~12" (estimated), "" when unknown. */
void fam_age(int age, bool estimated, char *out, size_t n);
/* An ISO date plus months (day clamped to the month's end). */
void fam_add_months(const char *iso, int months, char out[11]);
/* Field names as the db diff writes them ("address,phone") → their labels
 * ("Address, Phone"), looked up as "<prefix><name>" (e.g. "family:f_"). */
void fam_fields_label(const char *prefix, const char *names, char *out, size_t n);

/* Draw text from row *y over at most maxlines rows of cols columns,
 * breaking at spaces (the last row is cut with "…"); *y moves past it. */
void fam_put_wrap(WINDOW *w, int *y, int x, int cols, const char *utf8, attr_t a, int maxlines);

/* ---- forms: a tui_form and the forms/ validators side by side ---- */

/* One field: how it looks (label, box width, choices) and how it is
 * validated (fkind: an enum form_kind; FAM_CHOICE for a choice field). */
#define FAM_CHOICE (-1)
struct fam_fspec {
	const char *label_key;
	int fkind;
	int maxlen; /* characters (0 = 255) */
	int width;  /* box columns (0 = 26) */
	bool required;
	const struct tui_choice *choices;
	int nchoices;
	long lo, hi; /* FORM_INT range */
};

struct fam_form {
	struct tui_form fm;
	struct tui_field *f;
	struct form_field *ff;
	char **init; /* the texts as loaded, to tell what the user changed */
	int n;
};

/* Set up n fields from spec (spec must outlive the form). */
void fam_form_init(struct fam_form *F, const struct fam_fspec *spec, int n);
void fam_form_free(struct fam_form *F);
void fam_form_set(struct fam_form *F, int i, const char *utf8);
void fam_form_get(const struct fam_form *F, int i, char *out, size_t n);
/* Remember the current texts as the loaded ones. */
void fam_form_snapshot(struct fam_form *F);
/* Field i differs from what was loaded; any field does. */
bool fam_form_changed(const struct fam_form *F, int i);
bool fam_form_dirty(const struct fam_form *F);
/* Validate every field with forms/ (only_changed: only the fields the user
 * changed; the others keep the stored value, which forms/ may not know how
 * to read back, e.g. an imported phone number). Errors go beside the
 * fields and the focus to the first bad one. Returns how many are invalid. */
int fam_form_validate(struct fam_form *F, bool only_changed);
/* The normalised value of a validated field ("" when empty); for choice
 * fields the chosen value. Valid until the next validation. */
const char *fam_form_norm(const struct fam_form *F, int i);
/* Copy field i's normalised value into dst when the form is new
 * (!editing) or the user changed the field; an unchanged field keeps the
 * stored value exactly. */
void fam_form_take(const struct fam_form *F, bool editing, int i, char *dst, size_t n);
/* Set an error beside field i. */
void fam_form_error(struct fam_form *F, int i, const char *key, const char *detail);
/* Draw the fields from row y; below them (at row err_y) the whole error
 * text of the focused field, which beside the box may be cut. */
void fam_form_draw(struct fam_form *F, WINDOW *w, int y, int x, int cols, int err_y, bool focused);
/* Show "nothing saved, N fields to correct" on the message line. */
void fam_form_not_saved(int bad);

/* ---- edit conflicts of the family and person forms ---- */

/* The index of the field called name in names[0..n-1]; -1 when none. */
int fam_field_of(const char *const *names, int n, const char *name);
/* Mark beside each field of F named in the comma-separated list what the
 * other desk saved there, as theirs (a form filled with their record)
 * shows it; names are the field names of both forms. */
void fam_form_mark_theirs(struct fam_form *F, const struct fam_form *theirs,
                          const char *const *names, const char *list);
/* The texts of the fields the user changed (when keep_mine; else none):
 * an array of F->n entries, NULL where nothing is kept, for
 * fam_form_rebase. */
char **fam_form_keep(const struct fam_form *F, bool keep_mine);
/* After loading their record into F: take it as the loaded version, clear
 * the errors and put the kept texts back on top; frees mine. */
void fam_form_rebase(struct fam_form *F, char **mine);
/* Draw the conflict banner (which fields, in the catalogue labels of
 * prefix, and the keys that resolve it) from row *y. */
/* Say on the message line that someone else saved the record meanwhile. */
void fam_stale_message(void);
void fam_draw_conflict(WINDOW *w, int *y, int cols, const char *prefix, const char *theirs);

/* Ask before throwing typed text away; true when it may go. */
bool fam_discard_ok(bool dirty);
/* Esc on a form: TUI_POP | TUI_RELOAD when the form may go (nothing typed,
 * or the user agrees to drop it), else TUI_HANDLED. */
int fam_form_leave(bool dirty);

#endif
