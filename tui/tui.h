/*
 * tui — qendra's terminal shell: the only layer that uses curses.
 *
 * tui_run takes over the terminal, shows the login screen, then the home
 * screen "Sot / Today", and runs until the user closes qendra or the
 * terminal goes away. Everything on the screen is a *screen*: a const table
 * of operations (struct tui_screen_def) with private state, kept on a stack
 * (tui_push; Esc or TUI_POP goes back). The shell owns the rest:
 *
 *   row 0            status line: centre, user, role, screen title, date
 *   rows 1..LINES-3  the body, painted by the top screen's draw op
 *   row LINES-2      the message line (tui_message), cleared by the next key
 *   row LINES-1      the key bar, generated from the screen's key table
 *
 * Keys are data: each screen has a table of struct tui_key; the shell looks
 * a pressed key up there, checks its preconditions (needs) in one place,
 * and hands the screen an event with the table's action. The key bar and
 * the help screen (F1 / ?) are generated from the same tables, so they
 * cannot drift. Operations return TUI_* flags and never paint by
 * themselves; the shell repaints after every key. The exceptions are the
 * modal dialogs (tui_confirm, tui_alert), which the shell draws over the
 * current screen while they wait for an answer.
 *
 * Reserved keys, handled by the shell before any screen sees them:
 *   F1, ? (outside text fields), Alt-H   help for the current screen
 *   F9, Alt-L                            switch Albanian / English
 *   F12, Ctrl-\, Alt-X                   hide the screen at once (panic)
 *   Esc                                  back (when the screen ignores it)
 * and the keys registered with tui_register_global (e.g. F2 / Alt-V). The
 * help, language and hide keys always stay on the key bar. They and the
 * global keys can be set in the configuration: keys.help, keys.language,
 * keys.hide, and keys.<name> for a global key whose label is "<name>:..."
 * (or "keys:<name>"), e.g. keys.visit for "visit:key" (see etc/qendra.cfg).
 *
 * Letters: list screens may bind plain letters ('n' new); a screen with
 * text fields must report TUI_ST_TYPING from its state op while a field has
 * the focus, and then a plain printable key goes to the field, never to the
 * table. Alt with the same letter always works (Alt-N triggers 'n'), and
 * the key bar shows "Alt-n" while typing. Letters match case-insensitively.
 * Every F-key binding should carry a letter or Alt alternative (alt_key),
 * because some terminals (PuTTY, the Linux console) lose F-keys.
 *
 * Other modules add their screens to the home menu without editing this
 * folder: tui_register_screen from a TUI_AT_START block in their own tui/
 * file (it runs before main). See docs/tui.md for a worked example.
 *
 * Strings: never keep a loc_str() result across draws (the language can
 * switch at any key); look texts up in draw.
 */
#ifndef QENDRA_TUI_H
#define QENDRA_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#include "db/db.h"

struct conf;

/*
 * Run the interactive UI on an open database until the user quits. Takes
 * over the terminal; restores it on every exit path (including fatal
 * errors, via util_set_fatal_hook). Returns the process exit status: 0
 * normal quit, 1 the terminal went away (hang-up/read error) or could not
 * be set up (a one-line reason is printed to stderr in that case).
 * cf may be NULL (defaults). lang_override ("sq"/"en") wins over the
 * configured language and the user's stored preference for this session.
 *
 * Environment: QENDRA_IDLE_SECONDS=N locks after N seconds instead of the
 * configured ui.idle_lock_minutes (for tests; 0 disables); NO_COLOR turns
 * colour off (nothing is ever shown by colour alone anyway).
 */
int tui_run(struct qdb *db, const struct conf *cf, const char *lang_override);

/* ---- Keys ---- */

/*
 * A key is an int: a Unicode character as typed ('n', 'ë', TUI_CTRL('x')),
 * a curses key code wrapped with TUI_KEYCODE (KEY_F(2) → TUI_FKEY(2)), or a
 * character with Alt (TUI_ALT('v'), sent by terminals as Esc + character).
 */
#define TUI_KEYCODE(k) (0x1000000 | (k))
#define TUI_FKEY(n)    TUI_KEYCODE(KEY_F(n))
#define TUI_ALT(c)     (0x2000000 | (c))
#define TUI_CTRL(c)    ((c)&0x1f)
/* True for a plain character key (no Alt, not a key code). */
#define TUI_IS_CHAR(k) ((k) > 0 && (k) < 0x110000)
#define TUI_IS_ALT(k)  (((k)&0x2000000) != 0)

enum {
	TUI_K_NONE = 0, /* no key (timeout) */
	TUI_K_TAB = '\t',
	TUI_K_ESC = 27,
	TUI_K_SPACE = ' ',
	TUI_K_ENTER = TUI_KEYCODE(KEY_ENTER), /* Return, Enter, keypad Enter */
	TUI_K_BACKSPACE = TUI_KEYCODE(KEY_BACKSPACE),
	TUI_K_BTAB = TUI_KEYCODE(KEY_BTAB), /* Shift-Tab */
	TUI_K_UP = TUI_KEYCODE(KEY_UP),
	TUI_K_DOWN = TUI_KEYCODE(KEY_DOWN),
	TUI_K_LEFT = TUI_KEYCODE(KEY_LEFT),
	TUI_K_RIGHT = TUI_KEYCODE(KEY_RIGHT),
	TUI_K_HOME = TUI_KEYCODE(KEY_HOME),
	TUI_K_END = TUI_KEYCODE(KEY_END),
	TUI_K_PGUP = TUI_KEYCODE(KEY_PPAGE),
	TUI_K_PGDN = TUI_KEYCODE(KEY_NPAGE),
	TUI_K_DEL = TUI_KEYCODE(KEY_DC),
	TUI_K_INS = TUI_KEYCODE(KEY_IC),
};

/* Preconditions of a key (struct tui_key.needs), checked by the shell. */
enum {
	TUI_NEED_ROW = 1u << 0,     /* the screen has a selected row (state op says TUI_ST_ROW) */
	TUI_NEED_WRITE = 1u << 1,   /* the user may change records: not a viewer */
	TUI_NEED_MANAGER = 1u << 2, /* manager only */
};

/*
 * The roles a key is for, also in `needs`:
 *   {'l', TUI_K_ENTER, "schedule:kb_log", "schedule:k_log", A_LOG,
 *    TUI_NEED_ROW | TUI_NEED_ROLES(TUI_ROLE(DB_ROLE_MANAGER) | TUI_ROLE(DB_ROLE_COUNSELLOR))}
 * No role bits means every role. For the other roles the entry is left out
 * of the key bar and of help, and pressing its key shows a message instead
 * of calling the screen (unless another entry of the same key is theirs).
 * (Roles live in `needs` rather than in a field of their own so that key
 * tables written as {key, alt, label, help, action, needs} stay complete.)
 */
#define TUI_NEED_ROLE_SHIFT  16
#define TUI_NEED_ROLES(mask) ((unsigned)(mask) << TUI_NEED_ROLE_SHIFT)

/* Bits of a screen's state op. */
enum {
	TUI_ST_ROW = TUI_NEED_ROW, /* a row is selected */
	TUI_ST_TYPING = 1u << 8,   /* a text field has the focus: plain keys are text */
};

/*
 * One binding of a screen's key table. Tables end with an all-zero entry.
 * An entry with action 0 only documents a key the screen handles itself
 * (arrows, Enter in a form): it shows in help and, with a label, in the bar.
 */
struct tui_key {
	int key;               /* main key, e.g. TUI_FKEY(3); 0 = none */
	int alt_key;           /* alternative: a letter or TUI_ALT('x'); 0 = none */
	const char *label_key; /* short key-bar label ("keys:new"); NULL = not in the bar */
	const char *help_key;  /* help-screen text; NULL = use label_key */
	int action;            /* > 0: handed to the key op as ev->action */
	unsigned needs;        /* TUI_NEED_*, and TUI_NEED_ROLES(...) */
};

/* What the key op receives. action is the table's action, 0 for a key not in
 * the table (text input, arrows ...). */
struct tui_ev {
	int key;
	int action;
};

/* Flags returned by key ops and global handlers; 0 = not handled. */
enum {
	TUI_HANDLED = 1u << 0, /* used; nothing else to do (the shell repaints anyway) */
	TUI_REDRAW = 1u << 1,  /* paint again */
	TUI_RELOAD = 1u << 2,  /* call reload (fetch again); with TUI_POP: the screen below */
	TUI_POP = 1u << 3,     /* close this screen */
	TUI_QUIT = 1u << 4,    /* leave qendra */
};

/* ---- Screens ---- */

struct tui_screen;

/*
 * A kind of screen: a const table of operations. Only draw and key are
 * required. Every op gets the screen instance; `priv` is the screen's own
 * state (set it in init, free it in free).
 */
struct tui_screen_def {
	const char *name;           /* short id, for logs and tests: "home" */
	const char *title_key;      /* shown on the status line */
	const struct tui_key *keys; /* the key table (may be NULL) */
	/* Allocate state and fetch data. 0, or -1 with err set: not opened, the
	 * message is shown. */
	int (*init)(struct tui_screen *s, struct qerr *err);
	void (*free)(struct tui_screen *s);
	/* Fetch the data again (TUI_RELOAD, F5 ...). 0 or -1 with err. */
	int (*reload)(struct tui_screen *s, struct qerr *err);
	/* Paint the body. w is already erased; rows x cols is its size. */
	void (*draw)(struct tui_screen *s, WINDOW *w, int rows, int cols);
	/* A key: returns TUI_* flags, 0 when not used. */
	int (*key)(struct tui_screen *s, const struct tui_ev *ev);
	/* The body changed size (also called once before the first draw). */
	void (*resize)(struct tui_screen *s, int rows, int cols);
	/* TUI_ST_* bits now (NULL = 0). */
	unsigned (*state)(const struct tui_screen *s);
};

struct tui_screen {
	const struct tui_screen_def *def;
	void *arg;  /* what tui_push was given */
	void *priv; /* the screen's state */
};

/*
 * Open a screen on top of the current one: init runs now (a failure is
 * shown on the message line and nothing is pushed). Callable from key ops
 * and global handlers; the new screen is drawn after the op returns.
 * Returns 0 or -1.
 */
int tui_push(const struct tui_screen_def *def, void *arg);

/*
 * Replace the top screen by a new one, e.g. a "new referral" form that
 * becomes the referral's own screen once saved. The new screen's init runs
 * first, in the top slot; when it succeeds the old screen's free runs and
 * the old screen is gone; when it fails the message is shown and the old
 * screen stays exactly as it was. Callable from the top screen's own key op
 * (its state may be freed: return at once, touching nothing of it after a
 * successful call) and from global handlers. With no screen open it is
 * tui_push. Returns 0 or -1.
 */
int tui_replace(const struct tui_screen_def *def, void *arg);

/* The session: the open database, the configuration (never NULL inside
 * tui_run), the signed-in user and the actor to pass to db/ (NULL before
 * login). */
struct qdb *tui_db(void);
const struct conf *tui_conf(void);
const struct db_user *tui_user(void);
const struct db_actor *tui_actor(void);

/*
 * Register a screen for the home menu, for the roles in role_mask
 * (TUI_ROLE(DB_ROLE_MANAGER) | ...). hotkey opens it from home (a plain
 * letter or TUI_FKEY(n); 0 = none). Call before tui_run (TUI_AT_START).
 * Menu entries appear in registration order. Returns -1 when the menu is
 * full or the hotkey is already taken (home's own keys, reserved keys or an
 * earlier entry).
 */
#define TUI_ROLE(r)   (1u << (r))
#define TUI_ROLES_ALL ((1u << DB_ROLE_COUNT) - 1u)
int tui_register_screen(const struct tui_screen_def *def, unsigned role_mask,
                        const char *menu_label_key, int hotkey);

/*
 * Register a key that works on every screen after login (for the roles in
 * role_mask), e.g. "register visit" on F2 / Alt-V: key->key, key->alt_key,
 * labels and needs as in a key table (key->action is passed to fn). fn
 * usually calls tui_push and returns TUI_REDRAW. Global keys are looked up
 * before the screen's own table. Returns -1 when full or the key is taken.
 */
typedef int (*tui_global_fn)(int action, void *arg);
int tui_register_global(const struct tui_key *key, unsigned role_mask, tui_global_fn fn, void *arg);

/* Run a block before main(), for registrations:
 *   TUI_AT_START(visit_register) { tui_register_global(&k, TUI_ROLES_ALL, open_visit, NULL); } */
#define TUI_AT_START(name)                                                                         \
	static void name(void) __attribute__((constructor));                                       \
	static void name(void)

/* ---- Messages and dialogs ---- */

/* Show text (already translated) on the message line until the next key. */
void tui_message(const char *text);
/* The same for a catalogue key, and for an error (translated with loc_err);
 * errors are marked with "!" and bold, never by colour alone. */
void tui_message_key(const char *key);
void tui_message_err(const struct qerr *e);
/* Paint a message at once (before a slow operation). */
void tui_busy(const char *key);

/* Ask a yes/no question over the current screen and wait. Yes: Y (and P,
 * "Po", in Albanian); no: N (J, "Jo"), Esc. Also false when the terminal
 * went away or the session was logged out from the lock screen. */
bool tui_confirm(const char *question);
/* Show text over the current screen until a key is pressed. */
void tui_alert(const char *text);

/* Where the terminal cursor should be after this paint (a form field);
 * call from draw. Without a call the cursor is hidden. */
void tui_set_cursor(WINDOW *w, int y, int x);

/* ---- Styles (attributes; colour only ever adds to them) ---- */

enum tui_style {
	TUI_S_NORMAL,
	TUI_S_BAR,      /* status line */
	TUI_S_KEY,      /* key name in the key bar */
	TUI_S_TITLE,    /* screen and section titles */
	TUI_S_HEADER,   /* list column titles */
	TUI_S_SELECTED, /* the selected row */
	TUI_S_ERROR,    /* pair with a "!" marker in the text */
	TUI_S_WARN,     /* pair with a text marker too */
	TUI_S_DIM,      /* secondary text */
	TUI_S_FIELD,    /* an input box */
	TUI_S_FIELD_FOCUS,
};
attr_t tui_style(enum tui_style s);

/* ---- Text that fits ---- */

/* Columns a UTF-8 string takes on screen (wcwidth; control characters and
 * invalid bytes count as the one '?' they are shown as). */
int tui_text_width(const char *utf8);
/*
 * Copy into out the longest start of utf8 that fits in cols columns, with
 * "…" at the end when something was cut; never cuts inside a UTF-8
 * character or a wide character. Control characters, invalid bytes and
 * bidi controls are replaced ('?') or dropped. Returns the columns used.
 */
int tui_text_fit(const char *utf8, int cols, char *out, size_t outsz);
/* Draw utf8 at y,x in at most cols columns (fitted as above) with attribute
 * a; when pad, fill the rest of the cols with blanks in the same attribute.
 * Clipped to the window. Returns the columns drawn. */
int tui_put(WINDOW *w, int y, int x, int cols, const char *utf8, attr_t a, bool pad);
/* The name of a key as shown in the bar and help ("F2", "Alt-v", "Ctrl-\", "Enter"). */
void tui_key_name(int key, char *out, size_t outsz);

/* ---- List widget ---- */

enum tui_align { TUI_LEFT, TUI_RIGHT };

/* A column: width in columns, or 0 to share what is left among the 0s. */
struct tui_col {
	const char *title_key; /* column title (NULL = none) */
	int width;
	enum tui_align align;
};

/* Row flags from the row_flags callback. */
enum {
	TUI_ROW_HEADER = 1u << 0, /* a section title: not selectable, cell 0 across the width */
	TUI_ROW_INFO = 1u << 1,   /* a note: not selectable, cell 0 across, dim */
	TUI_ROW_MARK = 1u << 2,   /* emphasised (bold); put a text marker in a cell too */
};

/*
 * A scrolling list with a selection, paging, column layout and `/` search.
 * It owns no data: cell() writes the text of one cell. Plain value: keep it
 * in the screen's state, set it up with tui_list_init.
 */
struct tui_list {
	const struct tui_col *cols;
	int ncols;
	bool show_titles; /* a line of column titles above the rows */
	bool searchable;  /* '/' opens the search line */
	void *ctx;
	void (*cell)(void *ctx, int row, int col, char *buf, size_t bufsz);
	unsigned (*row_flags)(void *ctx, int row); /* may be NULL */
	/*
	 * Search hook, may be NULL. Called on every change of the search text;
	 * return a row to select, or -1 to use the default (the next row from the
	 * selection whose cells contain the text, ignoring case and accents). A
	 * screen that filters through db/ may change its data and call
	 * tui_list_set_count here.
	 */
	int (*search)(void *ctx, const char *text, int from);
	/* state */
	int count, sel, top, page;
	bool searching;
	char query[128];
	int search_start; /* selection when the search began (Esc returns there) */
};

void tui_list_init(struct tui_list *l, const struct tui_col *cols, int ncols, void *ctx,
                   void (*cell)(void *ctx, int row, int col, char *buf, size_t bufsz));
/* Set the number of rows (after fetching); keeps the selection in range. */
void tui_list_set_count(struct tui_list *l, int count);
/* Paint in the rectangle; focused lists show the selection in reverse video,
 * others with a ">" marker only. */
void tui_list_draw(struct tui_list *l, WINDOW *w, int y, int x, int rows, int cols, bool focused);
/* Up/Down/PgUp/PgDn/Home/End, '/' and the search line. Returns TUI_REDRAW
 * when used, 0 otherwise. */
int tui_list_key(struct tui_list *l, int key);
/* The selected row, or -1 when none. */
int tui_list_selected(const struct tui_list *l);
void tui_list_select(struct tui_list *l, int row);
/* True while the search line takes text (report TUI_ST_TYPING then). */
bool tui_list_typing(const struct tui_list *l);

/* ---- Form widget ---- */

enum tui_field_kind {
	TUI_FIELD_TEXT,
	TUI_FIELD_MASKED, /* passwords: shown as '*', wiped when freed */
	TUI_FIELD_CHOICE, /* one of choices[], Left/Right or the first letter */
};

/* One value of a choice field: stored value and label (label, or the
 * catalogue text of label_key). */
struct tui_choice {
	const char *value;
	const char *label_key;
	const char *label;
};

struct tui_field {
	/* set by the screen */
	const char *label_key;
	enum tui_field_kind kind;
	int maxlen; /* characters, 0 = 255 */
	int width;  /* columns of the box, 0 = 30 */
	bool required;
	const struct tui_choice *choices;
	int nchoices;
	/* managed by tui_form_* */
	wchar_t *text;
	int len, cap, cur, scroll;
	int choice; /* index into choices, -1 = none */
	struct qerr err;
};

/*
 * Labelled fields one per row with a cursor: UTF-8 and wide characters,
 * Left/Right/Home/End/Backspace/Del, Ctrl-U clears, Tab/Shift-Tab/Up/Down
 * between fields, Enter moves on and on the last field submits. A field's
 * error (from a struct qerr, shown with loc_err beside the field with a "!")
 * never clears its text. Plain value; fields belong to the screen.
 */
struct tui_form {
	struct tui_field *f;
	int n;
	int focus;
	/* Rows per field: 1 (default) puts errors beside the box; 2 leaves a row
	 * under each field, where its error goes in full. */
	int spacing;
};

enum { TUI_FORM_IGNORED = 0, TUI_FORM_HANDLED, TUI_FORM_SUBMIT };

void tui_form_init(struct tui_form *fm, struct tui_field *fields, int n);
/* Free the texts (masked ones are wiped first). */
void tui_form_free(struct tui_form *fm);
/* Set a text field from UTF-8 (invalid bytes and control characters are
 * dropped; cut at maxlen), or a choice field by value. */
void tui_form_set(struct tui_form *fm, int i, const char *utf8);
/* The text as UTF-8 (choice: its value, "" when none). */
void tui_form_get(const struct tui_form *fm, int i, char *out, size_t outsz);
void tui_form_set_error(struct tui_form *fm, int i, const struct qerr *e);
void tui_form_clear_errors(struct tui_form *fm);
void tui_form_focus(struct tui_form *fm, int i);
/* Paint from row y, one field every fm->spacing rows; labels in label_cols
 * columns (0 = widest label). Places the cursor when focused. */
void tui_form_draw(struct tui_form *fm, WINDOW *w, int y, int x, int label_cols, int cols,
                   bool focused);
/* TUI_FORM_IGNORED, TUI_FORM_HANDLED or TUI_FORM_SUBMIT (Enter on the last field). */
int tui_form_key(struct tui_form *fm, int key);

#endif
