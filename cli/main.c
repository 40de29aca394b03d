/*
 * main — the only file that sees both the terminal UI and the rest: it hands
 * the command line to cli_main with the TUI as the interactive callback.
 */
#include "cli/cli.h"
#include "tui/tui.h"
#include "util/util.h"

int main(int argc, char **argv)
{
	util_tune_malloc();
	return cli_main(argc, argv, tui_run);
}
