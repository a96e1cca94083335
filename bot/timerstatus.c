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
#include "statuswindow.h"
#include "../commands/prefs.h"

/*
 * The users whose status waits for the end of their window
 * (statuswindow.h). One bot per process, on one thread: the window is
 * the module's, emptied when the connection goes (timerstatus_offline).
 */
static struct statuswindow window = STATUSWINDOW_INIT;
static bool flushing; /* flush is registered as a timed handler */

bool
timerstatus_send(struct bot *b, const char *jid)
{
	const char *contact = roster_subscriber(b, jid);
	struct prefs p;
	struct text line;
	bool sent = false;

	if (contact == NULL)
		return false;
	/* The roster setting off: one presence without a status, which
	 * takes the timer off their contact list ("" is the note of it, a
	 * status no timer has). On a failed read the timer shows, as by
	 * default. */
	if (prefs_load(b->st, contact, &b->cfg->prefs, &p) != STORE_OK)
		log_error("settings of %s: %s", contact, store_errmsg(b->st));
	else if (!p.roster) {
		if (!roster_status_new(b, contact, ""))
			return false;
		send_presence_status(b, NULL, contact, NULL);
		return true;
	}
	text_init(&line, CMD_STATUS_LINE_MAX);
	/* The contact's own timer: the owner is their bare JID. */
	if (cmd_status_line(b->st, contact, b->cfg->timezone,
	                    wall_now(), &line) != STORE_OK)
		log_error("status for %s: %s", contact, store_errmsg(b->st));
	else if ((sent = roster_status_new(b, contact, text_str(&line))))
		send_presence_status(b, NULL, contact, text_str(&line));
	text_free(&line);
	return sent;
}

void
timerstatus_resend(struct bot *b, const char *jid)
{
	roster_status_forget(b, jid);
	timerstatus_send(b, jid);
}

/* statuswindow_due's callback: the owed status of jid, which opens a
 * new window when it went out. */
static void
flush_one(const char *jid, void *arg)
{
	struct bot *b = arg;

	if (timerstatus_send(b, jid))
		statuswindow_sent(&window, jid, mono_ms());
}

/* The timed handler while any user is in the window: sends what is owed
 * to those whose window has passed. Returns 0, which removes it, once
 * the window is empty. */
static int
flush(xmpp_conn_t *conn, void *userdata)
{
	(void)conn;
	if (statuswindow_due(&window, mono_ms(), flush_one, userdata) > 0)
		return 1;
	flushing = false;
	return 0;
}

/*
 * Every change of a subscriber's timer used to send them a presence
 * besides the reply: two stanzas per change for the server to route
 * (each with its XEP-0198 <r/> from libstrophe and the server's <a/>),
 * where a bare echo bot sends one. 21 changes sent without waiting
 * ("start acme"/"cancel" ten times, then "start globex") gave the client
 * 21 status presences; with one status per user per STATUSWINDOW_MS
 * they give 2 (tests/integration/test_status_coalesce.py): the first at
 * once, the last with the final timer at the end of the window. Five subscribed users sending
 * "start acme"/"cancel" in bursts of 20 (1,500 commands; Prosody's and
 * the bot's CPU from /proc, two runs each, interleaved): status
 * presences 1.00 -> 0.01 per command, Prosody 280-287 -> 213 us per
 * command, the bot 180-187 -> 160-173 us. A person changing their timer
 * by hand sees each change at once (a second apart at least).
 * bench/chat.py does not see this: its load users do not subscribe to
 * the bot, so they never get a status (there timmy sends, per command,
 * the same stanzas as the echo bot: the reply, libstrophe's XEP-0198
 * <r/> and its <a/> to the server's).
 */
void
timerstatus_changed(struct bot *b, const char *jid)
{
	int64_t now = mono_ms();

	/* Outside a window: at once, which opens one. Inside: marked, and
	 * flush sends it when the window ends (within TIMERSTATUS_FLUSH_MS
	 * of it). */
	if (statuswindow_change(&window, jid, now)) {
		if (!timerstatus_send(b, jid))
			return;
		statuswindow_sent(&window, jid, now);
	}
	if (!flushing) {
		xmpp_timed_handler_add(b->conn, flush, TIMERSTATUS_FLUSH_MS, b);
		flushing = true;
	}
}

void
timerstatus_offline(struct bot *b)
{
	/* The next login sends every status anyway (after a fresh login
	 * the roster's arrival, after a resume timerstatus_all). */
	xmpp_timed_handler_delete(b->conn, flush);
	flushing = false;
	statuswindow_clear(&window);
}

void
timerstatus_after_command(struct bot *b, const struct cmd_ctx *ctx,
                          const char *body, enum cmd_status rc)
{
	if (rc == CMD_OK && cmd_changes(ctx, body))
		timerstatus_changed(b, ctx->owner);
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
