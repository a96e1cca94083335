/*
 * bot/timerstatus.c - the running timer as the status of a directed
 * presence. See timerstatus.h. Part of bot/: the text comes from
 * commands/ (cmd_status_line), the contacts and the last text each got
 * from roster.c, the stanza from presence.c (send_presence_status).
 */
#include "timerstatus.h"

#include <time.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "roster.h"
#include "../commands/prefs.h"

void
timerstatus_send(struct bot *b, const char *jid)
{
	const char *contact = roster_subscriber(b, jid);
	struct prefs p;
	struct text line;

	if (contact == NULL)
		return;
	/* The roster setting off: one presence without a status, which
	 * takes the timer off their contact list ("" is the note of it, a
	 * status no timer has). On a failed read the timer shows, as by
	 * default. */
	if (prefs_load(b->st, contact, &b->cfg->prefs, &p) != STORE_OK)
		log_error("settings of %s: %s", contact, store_errmsg(b->st));
	else if (!p.roster) {
		if (roster_status_new(b, contact, ""))
			send_presence_status(b, NULL, contact, NULL);
		return;
	}
	text_init(&line, CMD_STATUS_LINE_MAX);
	/* The contact's own timer: the owner is their bare JID. */
	if (cmd_status_line(b->st, contact, b->cfg->timezone,
	                    wall_now(), &line) != STORE_OK)
		log_error("status for %s: %s", contact, store_errmsg(b->st));
	else if (roster_status_new(b, contact, text_str(&line)))
		send_presence_status(b, NULL, contact, text_str(&line));
	text_free(&line);
}

void
timerstatus_resend(struct bot *b, const char *jid)
{
	roster_status_forget(b, jid);
	timerstatus_send(b, jid);
}

void
timerstatus_after_command(struct bot *b, const struct cmd_ctx *ctx,
                          const char *body, enum cmd_status rc)
{
	if (rc == CMD_OK && cmd_changes(ctx, body))
		timerstatus_send(b, ctx->owner);
}

/*
 * The pass timerstatus_all began: TIMERSTATUS_PER_TURN subscribers each
 * time libstrophe's loop turns (it fires timed handlers only while
 * connected). Returns 1 to be called again, 0 at the end of the pass,
 * which removes it.
 */
static int
sweep(xmpp_conn_t *conn, void *userdata)
{
	struct bot *b = userdata;
	const char *jid;
	int i;

	(void)conn;
	for (i = 0; i < TIMERSTATUS_PER_TURN; i++) {
		if ((jid = roster_sweep_next(b)) == NULL)
			return 0;
		timerstatus_send(b, jid);
	}
	return 1;
}

void
timerstatus_all(struct bot *b)
{
	roster_sweep_begin(b);
	/* A pass under way starts over (libstrophe would warn about a
	 * second identical handler, so the first goes). Period 0: every
	 * turn. */
	xmpp_timed_handler_delete(b->conn, sweep);
	xmpp_timed_handler_add(b->conn, sweep, 0, b);
}
