/*
 * bot/presence.c - presence: who may see the bot, and initial presence;
 * a contact's own presence goes to whereabouts.c.
 *
 * Every available presence we send carries our XEP-0115 entity
 * capabilities (caps.h), so that clients learn our features from one
 * disco#info query per version, or from their cache, instead of none.
 *
 * RFC 6121 section 3: a contact asks with <presence type='subscribe'/>; we
 * answer 'subscribed' and ask back with 'subscribe' for allowed JIDs, so
 * both sides see each other online, and 'unsubscribed' for everyone else.
 * Contacts taken off the allow list later are unsubscribed by roster.c.
 *
 * A stranger's request is denied rather than left unanswered: RFC 6121
 * 3.1.3 has our server keep an unanswered request and hand it to us again
 * at every login, and 3.1.3 also has a server answer 'unsubscribed' for
 * an account that does not exist, so the denial says nothing about the
 * bot. The log line is counted (log.h): one a minute per sender.
 */
#include <stdbool.h>
#include <string.h>

#include "access.h"
#include "caps.h"
#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "muc.h"
#include "timerstatus.h"
#include "whereabouts.h"

/* Adds <status>text</status> to p. False when out of memory. */
static bool
add_status(xmpp_ctx_t *ctx, xmpp_stanza_t *p, const char *text)
{
	xmpp_stanza_t *st = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);
	bool ok = st != NULL && t != NULL &&
	          xmpp_stanza_set_name(st, "status") == XMPP_EOK &&
	          xmpp_stanza_set_text(t, text) == XMPP_EOK &&
	          xmpp_stanza_add_child(st, t) == XMPP_EOK &&
	          xmpp_stanza_add_child(p, st) == XMPP_EOK;

	if (t)
		xmpp_stanza_release(t);
	if (st)
		xmpp_stanza_release(st);
	return ok;
}

/*
 * Every presence the bot sends is built and sent here, so what they all
 * carry is added in one place.
 */
void
send_presence_status(struct bot *b, const char *type, const char *to,
                     const char *status)
{
	xmpp_stanza_t *p = xmpp_presence_new(b->ctx), *c;

	if (p == NULL) {
		log_error("presence: out of memory");
		return;
	}
	if (type)
		xmpp_stanza_set_type(p, type);
	if (to)
		xmpp_stanza_set_to(p, to);
	/* XEP-0115 section 4: in every available presence, directed ones
	 * included. Without it (out of memory) the presence still goes. */
	if (type == NULL && (c = caps_element(b->ctx)) != NULL) {
		xmpp_stanza_add_child(p, c);
		xmpp_stanza_release(c);
	}
	if (status && !add_status(b->ctx, p, status)) {
		log_error("presence: out of memory");
		xmpp_stanza_release(p);
		return;
	}
	xmpp_send(b->conn, p);
	xmpp_stanza_release(p);
}

void
send_presence(struct bot *b, const char *type, const char *to)
{
	send_presence_status(b, type, to, NULL);
}

int
handle_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct bot *b = userdata;
	const char *type = xmpp_stanza_get_type(stanza);
	const char *from = xmpp_stanza_get_from(stanza);
	char bare[STORE_OWNER_MAX + 1];

	(void)conn;
	/* Occupants of a team room are no contacts (muc.h). */
	if (muc_presence(b, stanza))
		return 1;
	/* Available or unavailable: where the contact is (whereabouts.h). */
	whereabouts_presence(b, stanza);
	/* A contact's client came online, or changed its availability
	 * (RFC 6121 4.2, 4.4): the server gave a new one our broadcast
	 * presence alone, without the timer's status, so it goes again. */
	if (type == NULL) {
		if (bare_jid(from, bare, sizeof(bare)))
			timerstatus_resend(b, bare);
		return 1;
	}
	/* Only subscription requests need an answer; probes and the rest
	 * are the server's business. */
	if (strcmp(type, "subscribe") != 0)
		return 1;
	if (!bare_jid(from, bare, sizeof(bare)))
		return 1;

	if (cfg_allowed(b->cfg, bare)) {
		log_info("subscription from %s accepted", bare);
		send_presence(b, "subscribed", bare);
		send_presence(b, "subscribe", bare);
	} else {
		if (log_tally_first(b->strangers, bare, mono_ms()))
			log_info("subscription from %s refused (not in "
			         "access.allow)", bare);
		send_presence(b, "unsubscribed", bare);
	}
	return 1;
}
