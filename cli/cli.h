/*
 * cli — the qendra command line: option parsing and every non-interactive
 * command (init, demo, user, check, backup, locale-check, config-check).
 *
 * cli_main never touches curses: the interactive UI is reached through the
 * callback main.c passes in, so every command can run in the unit tests and
 * in CI with no terminal. Messages come from the catalogues ([cli]); every
 * failure prints one line "qendra: <why>" to stderr and returns non-zero:
 * 1 for a failed command, 2 for bad usage or a bad configuration.
 */
#ifndef QENDRA_CLI_H
#define QENDRA_CLI_H

struct qdb;
struct conf;

/* The interactive UI: returns the process exit status. */
typedef int (*cli_tui_fn)(struct qdb *db, const struct conf *cf, const char *lang);

int cli_main(int argc, char **argv, cli_tui_fn tui);

#endif
