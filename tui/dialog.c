/*
 * dialog — the modal message and yes/no boxes. They are drawn by the shell
 * over the current screen (shell_paint draws tui_cur_overlay) and read keys
 * through shell_getkey, so a resize, the idle lock or the panic key work
 * while a question waits. Yes and no keys come from the catalogue
 * ("tui:yes_keys": "pPyY" in Albanian for Po, "yY" in English), so each
 * language answers with its own word and Y/N always work.
 */
#include "tui/tuii.h"

#include <string.h>
#include <wctype.h>

#include "locale/loc.h"

static bool in_keys(const char *keys, int k)
{
	if (TUI_IS_ALT(k))
		k &= ~0x2000000;
	if (!TUI_IS_CHAR(k))
		return false;
	const char *p = keys;
	while (*p) {
		long c = utf8_next(&p);
		if (c > 0 && towlower((wint_t)c) == towlower((wint_t)k))
			return true;
	}
	return false;
}

bool tui_confirm(const char *question)
{
	struct tui_overlay o = {question, loc_str("tui:confirm_hint")};
	const struct tui_overlay *saved = tui_cur_overlay;
	tui_cur_overlay = &o;
	bool yes = false;
	for (;;) {
		o.hint = loc_str("tui:confirm_hint"); /* the language may switch meanwhile */
		shell_paint();
		int k = shell_getkey();
		if (k == TUI_K_GONE || k == TUI_K_ABORT || k == TUI_K_ESC)
			break;
		/* "yY" plus the language's own letter; no = the rest of the answers */
		char yes_keys[32], no_keys[32];
		util_strlcpy(yes_keys, loc_str("tui:yes_keys"), sizeof yes_keys);
		util_strlcpy(no_keys, loc_str("tui:no_keys"), sizeof no_keys);
		if (in_keys(yes_keys, k) || in_keys("yY", k)) {
			yes = true;
			break;
		}
		if (in_keys(no_keys, k) || in_keys("nN", k))
			break;
	}
	tui_cur_overlay = saved;
	return yes;
}

void tui_alert(const char *text)
{
	struct tui_overlay o = {text, loc_str("tui:alert_hint")};
	const struct tui_overlay *saved = tui_cur_overlay;
	tui_cur_overlay = &o;
	shell_paint();
	(void)shell_getkey();
	tui_cur_overlay = saved;
}
