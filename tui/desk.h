/*
 * desk — the front desk and referrals: registering a visit from any screen
 * (F2 / Alt-V), counting anonymous walk-ins, today's visits, referring a
 * person to a service, a referral's lifecycle and history, the "waiting
 * for an answer" list and the printable referral slip.
 *
 * The screens other modules may open with tui_push are the first block
 * below; the rest of this header is shared by the tui/desk_*.c files only.
 */
#ifndef QENDRA_TUI_DESK_H
#define QENDRA_TUI_DESK_H

#include <stdint.h>

#include "db/db.h"
#include "tui/tui.h"

struct conf_list;

extern const struct tui_screen_def
    desk_visit_screen; /* arg: int64_t* person id, or NULL to search */
extern const struct tui_screen_def desk_referral_new_screen; /* arg: int64_t* person id */
/* (NULL also works there: the screen asks for the person first.) */

/* A referral with its lifecycle keys and history. arg: int64_t* referral id. */
extern const struct tui_screen_def desk_referral_screen;
/* The printable slip of a referral (file or lpr). arg: int64_t* referral id. */
extern const struct tui_screen_def desk_slip_screen;
/* Visits of a day (home menu 'v'), and the referrals waiting for an answer
 * (home menu 'w'). arg: NULL. */
extern const struct tui_screen_def desk_visits_screen;
extern const struct tui_screen_def desk_waiting_screen;

/* The ids passed as arg are copied when the screen opens: a pointer to a
 * local variable of the caller's key op is fine. */

/* ==== shared by tui/desk_*.c ==== */

/* The label of a catalogue value in the current language: the configured
 * label, else "catalog:<list>.<key>", else the key itself. The pointer
 * belongs to the configuration, the catalogues or the caller (key). */
const char *desk_cat_label(const struct conf_list *l, const char *key);

/* The key that picks item i of a numbered choice ('1'..'9', then 'a'..'z';
 * 0 beyond), and the item a key picks (-1 when none, or >= n). */
int desk_choice_key(int i);
int desk_choice_index(int key, int n);

/* How many register-visit screens are open (the global key opens one only). */
int *desk_visit_open_count(void);

/* "dd.mm.yyyy", the birth year, or "" for a birth. */
void desk_birth(const char *birth_date, int birth_year, char out[11]);

/* The person a desk screen works on. */
struct desk_person {
	int64_t id;
	int64_t family_id;
	char first[61];
	char father[61];
	char last[61];
	char family_code[20];
	char birth_date[11];
	int birth_year;
	char sex;
};

/* "Ana Çela · father: Gjon · SHK-2024-0012 · born 05.03.2012" */
void desk_person_line(const struct desk_person *p, char *out, size_t n);

/* Load a person by id into p (db_person_get plus the family's code). */
int desk_person_load(int64_t id, struct desk_person *p, struct qerr *err);

/*
 * The person search every desk screen uses: a search field and the list of
 * hits, searched through db_person_search as the user types (names,
 * father's name, phone, family code; accents optional). Plain value kept in
 * the screen's state.
 */
struct desk_pick {
	struct tui_field field[1];
	struct tui_form fm;
	struct tui_list list;
	struct db_person_hit *hits;
	int n;
	char query[256]; /* what the hits are for */
	struct qerr err;
};

enum { DESK_PICK_IGNORED = 0, DESK_PICK_HANDLED, DESK_PICK_CHOSEN };

void desk_pick_init(struct desk_pick *p);
void desk_pick_free(struct desk_pick *p);
/* A key: DESK_PICK_CHOSEN (Enter on a hit: *out filled), HANDLED or IGNORED. */
int desk_pick_key(struct desk_pick *p, int key, struct desk_person *out);
/* Search field at row y, the hits below it down to y + rows. */
void desk_pick_draw(struct desk_pick *p, WINDOW *w, int y, int rows, int cols);

#endif
