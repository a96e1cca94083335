/*
 * bot/iq_get.c - the iq get requests the bot sends itself (XEP-0030
 * disco, XEP-0363 slot, XEP-0199 ping, RFC 6121 roster) and the domain
 * they most often go to. See handlers.h.
 *
 * Part of bot/: libstrophe only.
 */
#include <stdarg.h>
#include <string.h>

#include "handlers.h"

const char *
bot_own_domain(const struct bot *b)
{
	const char *at = strchr(b->cfg->jid, '@');

	return at ? at + 1 : b->cfg->jid;
}

bool
bot_iq_vget(struct bot *b, const char *to, const char *id, const char *name,
            const char *ns, xmpp_handler handler, void *userdata, va_list ap)
{
	xmpp_stanza_t *iq = NULL, *q = NULL;
	const char *k, *v;

	if ((iq = xmpp_iq_new(b->ctx, "get", id)) == NULL ||
	    (q = xmpp_stanza_new(b->ctx)) == NULL ||
	    (to != NULL && xmpp_stanza_set_to(iq, to) != XMPP_EOK) ||
	    xmpp_stanza_set_name(q, name) != XMPP_EOK ||
	    xmpp_stanza_set_ns(q, ns) != XMPP_EOK)
		goto oom;
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (xmpp_stanza_set_attribute(q, k, v) != XMPP_EOK)
			goto oom;
	}
	if (xmpp_stanza_add_child(iq, q) != XMPP_EOK)
		goto oom;
	xmpp_stanza_release(q);
	/* The handler first: the answer cannot come before it is there. */
	xmpp_id_handler_add(b->conn, handler, id, userdata);
	xmpp_send(b->conn, iq);
	xmpp_stanza_release(iq);
	return true;
oom:
	if (q)
		xmpp_stanza_release(q);
	if (iq)
		xmpp_stanza_release(iq);
	return false;
}

bool
bot_iq_get(struct bot *b, const char *to, const char *id, const char *name,
           const char *ns, xmpp_handler handler, void *userdata, ...)
{
	va_list ap;
	bool sent;

	va_start(ap, userdata);
	sent = bot_iq_vget(b, to, id, name, ns, handler, userdata, ap);
	va_end(ap);
	return sent;
}
