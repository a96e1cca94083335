/*
 * bot/nudge.c - the nudges sent from the event loop (nudge.h). What is
 * due, and its record, are commands/ and storage/'s (commands/nudge.h);
 * here are the clock, the user's presence and the stanza.
 */
#include "nudge.h"

#include <string.h>

#include "../commands/nudge.h"
#include "access.h"
#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "whereabouts.h"

/* The JIDs one tick looks at, NUL after each: room for thousands of
 * users. Those past it wait for a later tick. */
#define NUDGE_OWNERS_MAX (1024 * 1024)

/* The candidates of a tick (cmd_nudge_candidates' callback). */
struct owners {
	struct text list;
	size_t whole; /* bytes of list up to the last JID that fit whole */
};

static void
collect(const char *owner, void *arg)
{
	struct owners *o = arg;

	if (o->list.truncated)
		return;
	/* With its NUL: the next JID begins after it. */
	if (text_append(&o->list, owner, strlen(owner) + 1) == 0)
		o->whole = o->list.len;
}

/* Sends owner what is due to them at now, if anything is and they are
 * there to read it. */
static void
nudge_one(struct bot *b, const char *owner, int64_t now, struct text *out)
{
	enum where w;

	/* Someone since taken out of access.allow hears nothing more. */
	if (!cfg_allowed(b->cfg, owner))
		return;
	/* Not there: it waits for them (a digest until the next one). */
	w = whereabouts_of(b, owner);
	if (w != WHERE_HERE && w != WHERE_UNKNOWN)
		return;
	switch (cmd_nudge_take(b->st, owner, b->cfg->timezone, &b->cfg->prefs,
	                       now, out)) {
	case CMD_OK:
		send_chat(b, owner, text_str(out));
		log_info("sent %s a reminder", owner);
		break;
	case CMD_FAILED:
		log_error("reminder for %s: %s", owner, store_errmsg(b->st));
		break;
	case CMD_REFUSED:
		break;
	}
}

/* One tick: libstrophe's timed handler, which returns 1 to stay. */
static int
tick(xmpp_conn_t *conn, void *userdata)
{
	struct bot *b = userdata;
	struct owners o;
	struct text out;
	int64_t now = wall_now();
	size_t at;

	(void)conn;
	/* Until the server has handed out what it kept for us: a "stop"
	 * sent while we were away may still be on its way. */
	if (b->away.catching_up)
		return 1;
	text_init(&o.list, NUDGE_OWNERS_MAX);
	o.whole = 0;
	if (cmd_nudge_candidates(b->st, &b->cfg->prefs, now, collect, &o) !=
	    STORE_OK)
		log_error("reminders: %s", store_errmsg(b->st));
	text_init(&out, CMD_NUDGE_MAX);
	for (at = 0; at < o.whole; at += strlen(o.list.buf + at) + 1)
		nudge_one(b, o.list.buf + at, now, &out);
	text_free(&out);
	text_free(&o.list);
	return 1;
}

void
nudge_online(struct bot *b)
{
	/* One handler however many logins: libstrophe keeps it across
	 * reconnects, and would warn about a second. */
	xmpp_timed_handler_delete(b->conn, tick);
	xmpp_timed_handler_add(b->conn, tick,
	                       wall_faked() ? NUDGE_FAKED_MS : NUDGE_PERIOD_MS, b);
}

void
nudge_offline(struct bot *b)
{
	xmpp_timed_handler_delete(b->conn, tick);
}
