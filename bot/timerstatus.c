/*
 * bot/timerstatus.c - the running timer as the status of a directed
 * presence. See timerstatus.h. Part of bot/: the text comes from
 * commands/ (cmd_status_line), the contacts and the last text each got
 * from roster.c, whether they are online from whereabouts.c, the stanza
 * from presence.c (send_presence_status).
 */
#include "timerstatus.h"

#include <time.h>

#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "roster.h"
#include "statuswindow.h"
#include "whereabouts.h"
#include "../commands/prefs.h"

#define NS_PING "urn:xmpp:ping"
/* One id for every pacing ping of the pass, for the reason keepalive.c
 * gives for its own. */
#define PACE_ID "timmy-status-pace"
/* The longest wait for its answer: a server that does not answer (which
 * RFC 6120 8.2.3 forbids) slows the pass down, it does not stop it. */
#define PACE_WAIT_MS 5000

/*
 * The users whose status waits for the end of their window
 * (statuswindow.h). One bot per process, on one thread: the window is
 * the module's, emptied when the connection goes (timerstatus_offline).
 */
static struct statuswindow window = STATUSWINDOW_INIT;
static bool flushing; /* flush is registered as a timed handler */

/* The pass over every subscriber (timerstatus_all), one at a time. */
static int sweep(xmpp_conn_t *conn, void *userdata);
static int paced(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

static struct {
	bool pacing;   /* its ping is out: the pass waits for the answer */
	int64_t paced_at; /* monotonic ms the ping went out */
	size_t sent;   /* statuses it sent */
	size_t asleep; /* subscribers it left out: no client online */
} pass;

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
	/* A pass ends with the stream, its ping with it: the next login or
	 * resume begins another. */
	xmpp_timed_handler_delete(b->conn, sweep);
	if (pass.pacing)
		xmpp_id_handler_delete(b->conn, paced, PACE_ID);
	pass.pacing = false;
}

void
timerstatus_after_command(struct bot *b, const struct cmd_ctx *ctx,
                          const char *body, enum cmd_status rc)
{
	if (rc == CMD_OK && cmd_changes(ctx, body))
		timerstatus_changed(b, ctx->owner);
}

/* The answer to the pass's ping, a result or an error: the server has
 * handled every status sent before it. One-shot. */
static int
paced(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	(void)conn;
	(void)stanza;
	(void)userdata;
	pass.pacing = false;
	return 0;
}

/*
 * After each batch of statuses the pass sends our server a ping
 * (XEP-0199) and goes on when it answers. A server handles what a
 * client sends in order, so by then it has handled the batch and has
 * acknowledged each of them (XEP-0198: libstrophe asks after every
 * stanza). libstrophe 0.12.2 keeps every stanza it sent, as text in a
 * block of 1 KiB, until the server acknowledges it (src/event.c and
 * src/conn.c, the SM queue), and reads at most one chunk of 4 KiB from
 * the socket per xmpp_run_once: without the pings the pass sent 10,000
 * statuses faster than the acknowledgements were read, and all 10,000
 * were held at once, 10 MiB (massif) that the process kept after they
 * were freed. Now a batch at most is held.
 */
static void
pace(struct bot *b)
{
	if (!bot_iq_get(b, bot_own_domain(b), PACE_ID, "ping", NS_PING, paced,
	                NULL, (const char *)NULL)) {
		log_error("status pass: out of memory");
		return;
	}
	pass.pacing = true;
	pass.paced_at = mono_ms();
}

/* True while the pass waits for the answer to its ping (pace); after
 * PACE_WAIT_MS it gives up waiting (logged). */
static bool
waiting(struct bot *b)
{
	if (!pass.pacing)
		return false;
	if (mono_ms() - pass.paced_at < PACE_WAIT_MS)
		return true;
	log_warn("status pass: no answer from the server to our ping within "
	         "%d s; going on", PACE_WAIT_MS / 1000);
	xmpp_id_handler_delete(b->conn, paced, PACE_ID);
	pass.pacing = false;
	return false;
}

/*
 * True when a directed presence would not reach the subscriber jid:
 * their presence reaches us (subscription to or both), and none of
 * their clients is online. Their server drops a directed presence to an
 * account without an available resource (RFC 6121 8.5.2.2.1), and the
 * status goes to them when a client of theirs comes online
 * (timerstatus_resend). For a contact whose presence we do not see there
 * is no telling: they get it.
 */
static bool
asleep(struct bot *b, const char *jid)
{
	return whereabouts_of(b, jid) == WHERE_OFFLINE;
}

/*
 * The pass timerstatus_all began: each time libstrophe's loop fires its
 * timed handlers (twice per xmpp_run_once), up to TIMERSTATUS_SCAN_PER_TURN
 * subscribers are looked at, and up to TIMERSTATUS_BATCH statuses
 * sent; after those, the pass waits for the server (pace). Returns 1 to
 * be called again, 0 at the end of the pass, which removes it.
 */
static int
sweep(xmpp_conn_t *conn, void *userdata)
{
	struct bot *b = userdata;
	const char *jid;
	int looked, sent = 0;

	(void)conn;
	if (waiting(b))
		return 1;
	for (looked = 0; looked < TIMERSTATUS_SCAN_PER_TURN &&
	                 sent < TIMERSTATUS_BATCH; looked++) {
		if ((jid = roster_sweep_next(b)) == NULL) {
			log_info("contact statuses: %zu sent, %zu left for when "
			         "they come online", pass.sent, pass.asleep);
			return 0;
		}
		if (asleep(b, jid)) {
			pass.asleep++;
		} else if (timerstatus_send(b, jid)) {
			pass.sent++;
			sent++;
		}
	}
	if (sent > 0)
		pace(b);
	return 1;
}

void
timerstatus_all(struct bot *b)
{
	roster_sweep_begin(b);
	pass.sent = 0;
	pass.asleep = 0;
	/* A pass under way starts over (libstrophe would warn about a
	 * second identical handler, so the first goes); a ping of its out
	 * still paces the new one. Period 0: every turn. */
	xmpp_timed_handler_delete(b->conn, sweep);
	xmpp_timed_handler_add(b->conn, sweep, 0, b);
}
