/*
 * commands/statusline.c - the one line a contact list shows of a user's
 * timer, and which messages may change it. Read-only: no transaction, no
 * reply. bot/ puts the line in the status of a directed presence
 * (bot/timerstatus.c); like every file here it never sees XMPP.
 */
#include "cmd_int.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "../lib/tz.h"

store_rc
cmd_status_line(store *st, const char *owner, const char *tz, int64_t now,
                struct text *out)
{
	char zone[TZ_NAME_MAX + 1], since[FMT_CLOCK_MAX];
	struct store_entry e;
	int64_t paused;
	store_rc rc;

	text_clear(out);
	/* The user's own zone, as the dispatcher picks it for commands. */
	if ((rc = store_user_tz(st, owner, zone, sizeof(zone))) != STORE_OK)
		return rc;
	rc = store_running(st, owner, &e);
	if (rc == STORE_NOTFOUND) {
		text_printf(out, "%s", CMD_STATUS_IDLE);
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	/* The note stays out: a contact list has room for one short line. */
	e.note[0] = '\0';
	fmt_entry(out, &e);
	/* A paused timer says since when it is paused ("acme paused since
	 * 12:00"), a running one since when it runs. */
	paused = cmd_paused_at(&e);
	fmt_clock(tz_or_default(zone, tz), paused >= 0 ? paused : e.start, now,
	          since, sizeof(since));
	text_printf(out, "%s since %s", paused >= 0 ? " paused" : "", since);
	return STORE_OK;
}

bool
cmd_changes(const struct cmd_ctx *ctx, const char *body)
{
	const struct cmd_def *def = NULL;
	struct cmd_args *args;
	char *buf;

	/* No text: a message about an earlier one (its retraction, or a
	 * correction that undid its change), which may have changed anything. */
	if (body == NULL)
		return true;
	if ((buf = malloc(strlen(body) + 1)) == NULL ||
	    (args = malloc(sizeof(*args))) == NULL) {
		free(buf);
		/* Unknown: a caller that asks to refresh a status line had
		 * better refresh it for nothing than miss a change. */
		return true;
	}
	/* The same words, command and admin rule as cmd_exec's dispatcher. */
	if (cmd_tokenise(body, buf, args) == 0 && args->word != NULL) {
		cmd_lower(args->word);
		def = cmd_find(ctx, args->word);
	}
	free(args);
	free(buf);
	return def != NULL && (def->flags & CMD_CHANGES) != 0;
}
