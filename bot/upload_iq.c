/*
 * bot/upload_iq.c - the iq requests the upload files send (XEP-0030
 * disco, XEP-0363 slot, XEP-0199 ping) and how they read the answers
 * (RFC 6120 8.2.3, 8.3). See upload_int.h.
 *
 * Part of bot/: libstrophe only. Depends on struct upload for the
 * connection and our JID, on nothing else of the other upload files.
 */
#include "upload_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"
#include "log.h"

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* The domain of our own JID (cfg->jid is a validated bare JID). */
const char *
upload_own_domain(const struct upload *u)
{
	return bot_own_domain(u->b);
}

/* A fresh stanza id, owned by the caller (free), or NULL. */
char *
upload_new_id(struct upload *u)
{
	char *x = xmpp_uuid_gen(u->b->ctx), *id;

	if (x == NULL)
		return NULL;
	id = strdup(x);
	xmpp_free(u->b->ctx, x);
	return id;
}

/* Sends the iq get <name xmlns=ns attrs.../> to `to` with a new id, and
 * registers handler for its answer. Returns the id (the caller frees it
 * after deleting the handler, or when libstrophe drops it), or NULL after
 * logging. attrs is name, value, ..., NULL. */
char *
upload_iq_get(struct upload *u, const char *to, const char *name,
              const char *ns, xmpp_handler handler, void *userdata, ...)
{
	char *id;
	va_list ap;
	bool sent;

	if ((id = upload_new_id(u)) != NULL) {
		va_start(ap, userdata);
		sent = bot_iq_vget(u->b, to, id, name, ns, handler, userdata, ap);
		va_end(ap);
		if (sent)
			return id;
	}
	log_error("upload: cannot send an iq to %s: out of memory", to);
	free(id);
	return NULL;
}

/* True when stanza is the answer (iq result or error) from `from`. */
bool
upload_is_answer(xmpp_stanza_t *stanza, const char *from)
{
	const char *name = xmpp_stanza_get_name(stanza);
	const char *type = xmpp_stanza_get_type(stanza);
	const char *sender = xmpp_stanza_get_from(stanza);

	return name != NULL && strcmp(name, "iq") == 0 && type != NULL &&
	       (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) &&
	       sender != NULL && from != NULL && strcasecmp(sender, from) == 0;
}

/* The defined condition of an error answer ("item-not-found"), with its
 * text if any, in buf. */
const char *
upload_error_of(xmpp_stanza_t *stanza, char *buf, size_t n)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(stanza, "error");
	xmpp_stanza_t *c, *t;
	const char *cond = "no condition given";
	char *text = NULL;

	if (err != NULL) {
		for (c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c)) {
			const char *name = xmpp_stanza_get_name(c);

			if (!xmpp_stanza_is_tag(c) || name == NULL)
				continue;
			if (strcmp(name, "text") != 0) {
				cond = name;
				break;
			}
		}
		t = xmpp_stanza_get_child_by_name_and_ns(err, "text", NS_STANZAS);
		if (t != NULL)
			text = xmpp_stanza_get_text(t);
	}
	snprintf(buf, n, "%s%s%.200s%s", cond, text ? ": \"" : "",
	         text ? text : "", text ? "\"" : "");
	if (text)
		xmpp_free(xmpp_stanza_get_context(stanza), text);
	return buf;
}
