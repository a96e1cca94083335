/*
 * bot/iq.c - <iq/> addressed to the bot.
 *
 * RFC 6120 section 8.2.3: every iq get/set gets exactly one answer. We
 * answer what a client may ask a bot: XEP-0030 disco#info (who we are,
 * from caps.c), also for the node our XEP-0115 caps name, XEP-0199 ping,
 * XEP-0092 software version, XEP-0050 ad-hoc commands (adhoc.c); everything else gets <service-unavailable/>.
 * Results and errors sent to us need no answer.
 *
 * Only to those we serve: users in access.allow, our own account and our
 * server (its pings keep the stream alive). Anyone else gets
 * <service-unavailable/> for every query: what a server answers for an
 * iq to a resource that is not online (RFC 6121 section 8.5.3) and for
 * one from a blocked sender (XEP-0191), so a stranger learns neither
 * what software runs here nor that a bot is online at all.
 */
#include <string.h>

#include "access.h"
#include "adhoc.h"
#include "caps.h"
#include "clock.h"
#include "handlers.h"
#include "log.h"
#include "roster.h"

#define NS_PING "urn:xmpp:ping"
#define NS_VERSION "jabber:iq:version"
#define NS_ROSTER "jabber:iq:roster"

xmpp_stanza_t *
bot_element(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
	xmpp_stanza_t *e = xmpp_stanza_new(ctx);

	if (e == NULL)
		return NULL;
	xmpp_stanza_set_name(e, name);
	if (ns)
		xmpp_stanza_set_ns(e, ns);
	return e;
}

/* Adds child to parent and drops our reference. */
static void
adopt(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
	if (child) {
		xmpp_stanza_add_child(parent, child);
		xmpp_stanza_release(child);
	}
}

static void
add_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
               const char *value)
{
	xmpp_stanza_t *e = bot_element(ctx, name, NULL);
	xmpp_stanza_t *t = xmpp_stanza_new(ctx);

	if (e && t) {
		xmpp_stanza_set_text(t, value);
		adopt(e, t);
		adopt(parent, e);
		return;
	}
	if (e)
		xmpp_stanza_release(e);
	if (t)
		xmpp_stanza_release(t);
}

static void
version(xmpp_ctx_t *ctx, xmpp_stanza_t *res)
{
	xmpp_stanza_t *q = bot_element(ctx, "query", NS_VERSION);

	if (q == NULL)
		return;
	add_text_child(ctx, q, "name", "timmy");
	add_text_child(ctx, q, "version", TIMMY_VERSION);
	adopt(res, q);
}

/* True when from is absent or our own account: the server speaking for
 * our account. */
static bool
from_own_server(struct bot *b, const char *from)
{
	return from == NULL || jid_is_own(b, from);
}

/*
 * True when from (a full or bare JID) is one whose queries we answer (see
 * the top of this file). Anyone else's is logged, one line a minute per
 * sender with a count (log.h), since a stranger can send them at will.
 */
static bool
may_query(struct bot *b, const char *from)
{
	char bare[STORE_OWNER_MAX + 1];

	if (!bare_jid(from, bare, sizeof(bare)))
		return false;
	if (access_may_query(b->cfg->allow, b->cfg->nallow, b->cfg->jid, bare) ||
	    cfg_allowed(b->cfg, bare))
		return true;
	if (log_tally_first(b->strangers, bare, mono_ms()))
		log_info("ignored a query from %s (not in access.allow)", bare);
	return false;
}

int
handle_iq(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct bot *b = userdata;
	const char *type = xmpp_stanza_get_type(stanza);
	xmpp_stanza_t *child, *res;
	const char *ns, *name;

	(void)conn;
	if (type == NULL || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1;
	if (xmpp_stanza_get_id(stanza) == NULL)
		return 1; /* malformed; nothing to answer to */
	child = xmpp_stanza_get_children(stanza);
	while (child && !xmpp_stanza_is_tag(child))
		child = xmpp_stanza_get_next(child);
	ns = child ? xmpp_stanza_get_ns(child) : NULL;
	name = child ? xmpp_stanza_get_name(child) : NULL;

	/* RFC 6121 2.1.6: our server pushes roster changes (after a
	 * subscription) with no from, or from our own bare JID, and expects
	 * an empty result; we keep the contacts up to date (roster.h).
	 * Pushes from anyone else are ignored (2.1.6: a client MUST). */
	if (strcmp(type, "set") == 0 && ns && strcmp(ns, NS_ROSTER) == 0) {
		if (!from_own_server(b, xmpp_stanza_get_from(stanza)))
			return 1;
		roster_push(b, child);
		if ((res = xmpp_iq_new(b->ctx, "result",
		                       xmpp_stanza_get_id(stanza))) != NULL) {
			xmpp_send(b->conn, res);
			xmpp_stanza_release(res);
		}
		return 1;
	}
	if (xmpp_stanza_get_from(stanza) == NULL)
		return 1; /* from our server about our stream: libstrophe's */

	if (!may_query(b, xmpp_stanza_get_from(stanza))) {
		res = xmpp_stanza_reply_error(stanza, "cancel",
		                              "service-unavailable", NULL);
	} else if (child && adhoc_handle(b, stanza, child)) {
		return 1; /* XEP-0050 commands and their disco (adhoc.c) */
	} else if (strcmp(type, "get") == 0 && ns && name &&
	    strcmp(name, "query") == 0 && strcmp(ns, NS_DISCO_INFO) == 0 &&
	    caps_node_ours(b->ctx, xmpp_stanza_get_attribute(child, "node"))) {
		/* No node, or XEP-0115 6.2's NODE#VER of our presence: the
		 * same answer, the node echoed. */
		if ((res = xmpp_stanza_reply(stanza)) == NULL)
			return 1;
		xmpp_stanza_set_type(res, "result");
		adopt(res, caps_disco_query(
		               b->ctx, xmpp_stanza_get_attribute(child, "node")));
	} else if (strcmp(type, "get") == 0 && ns && strcmp(ns, NS_PING) == 0) {
		if ((res = xmpp_stanza_reply(stanza)) == NULL)
			return 1;
		xmpp_stanza_set_type(res, "result");
	} else if (strcmp(type, "get") == 0 && ns && strcmp(ns, NS_VERSION) == 0) {
		if ((res = xmpp_stanza_reply(stanza)) == NULL)
			return 1;
		xmpp_stanza_set_type(res, "result");
		version(b->ctx, res);
	} else {
		res = xmpp_stanza_reply_error(stanza, "cancel",
		                              "service-unavailable", NULL);
	}
	if (res == NULL)
		return 1;
	xmpp_send(b->conn, res);
	xmpp_stanza_release(res);
	return 1;
}
