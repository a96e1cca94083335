/*
 * bot/caps.c - our identity and features, once: the XEP-0030 disco#info
 * answer, the XEP-0115 entity capabilities hash of it, and the small
 * stanzas two of those features promise (XEP-0184 receipts, XEP-0085
 * chat states). See caps.h.
 *
 * Part of bot/: libstrophe only; no state but the cached hash of
 * constants.
 */
#include "caps.h"

#include <stdlib.h>
#include <string.h>

#define NS_PING "urn:xmpp:ping"
#define NS_VERSION "jabber:iq:version"

/* XEP-0030 registry: category client, type bot. */
static const struct caps_identity own_identities[] = {
	{ "client", "bot", NULL, "timmy" },
};

/* Every feature we really implement: disco#info and caps here and in
 * bot/iq.c, ping and version in bot/iq.c, receipts and chat states in
 * bot/message.c. A feature added to the bot is added here, and only
 * here. */
static const char *const own_features[] = {
	NS_CAPS,
	NS_CHATSTATES,
	NS_DISCO_INFO,
	NS_VERSION,
	NS_PING,
	NS_RECEIPTS,
	/* XEP-0308 and XEP-0424 (bot/message.c): clients such as
	 * Conversations offer to correct or retract only when the contact
	 * lists them. */
	"urn:xmpp:message-correct:0",
	"urn:xmpp:message-retract:1",
	/* XEP-0050 (bot/adhoc.c): the command menus of Gajim, Psi and
	 * Cheogram. */
	"http://jabber.org/protocol/commands",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* NULL sorts as "" (an absent xml:lang or name). */
static int
cmp_opt(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_identity(const void *x, const void *y)
{
	const struct caps_identity *a = *(const struct caps_identity *const *)x;
	const struct caps_identity *b = *(const struct caps_identity *const *)y;
	int c;

	if ((c = strcmp(a->category, b->category)) != 0 ||
	    (c = strcmp(a->type, b->type)) != 0 ||
	    (c = cmp_opt(a->lang, b->lang)) != 0)
		return c;
	return cmp_opt(a->name, b->name);
}

static int
cmp_string(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Feeds s, then "<", to the hash (section 5.1: each item ends with '<'). */
static void
hash_item(xmpp_sha1_t *h, const char *s)
{
	xmpp_sha1_update(h, (const unsigned char *)s, strlen(s));
	xmpp_sha1_update(h, (const unsigned char *)"<", 1);
}

static void
hash_opt(xmpp_sha1_t *h, const char *s)
{
	if (s != NULL)
		xmpp_sha1_update(h, (const unsigned char *)s, strlen(s));
}

bool
caps_ver(xmpp_ctx_t *ctx, const struct caps_identity *ids, size_t nids,
         const char *const *features, size_t nfeatures, char *ver, size_t n)
{
	const struct caps_identity *id_order[CAPS_LIST_MAX];
	const char *feature_order[CAPS_LIST_MAX];
	unsigned char digest[XMPP_SHA1_DIGEST_SIZE];
	xmpp_sha1_t *h;
	char *b64;
	size_t i;
	bool ok;

	if (n > 0)
		ver[0] = '\0';
	if (nids > CAPS_LIST_MAX || nfeatures > CAPS_LIST_MAX || n == 0)
		return false;
	/* Sorted through pointers: the caller's arrays stay as they are. */
	for (i = 0; i < nids; i++)
		id_order[i] = &ids[i];
	for (i = 0; i < nfeatures; i++)
		feature_order[i] = features[i];
	qsort(id_order, nids, sizeof(id_order[0]), cmp_identity);
	qsort(feature_order, nfeatures, sizeof(feature_order[0]), cmp_string);

	if ((h = xmpp_sha1_new(ctx)) == NULL)
		return false;
	for (i = 0; i < nids; i++) {
		/* category/type/lang/name, the empty ones empty. */
		hash_opt(h, id_order[i]->category);
		xmpp_sha1_update(h, (const unsigned char *)"/", 1);
		hash_opt(h, id_order[i]->type);
		xmpp_sha1_update(h, (const unsigned char *)"/", 1);
		hash_opt(h, id_order[i]->lang);
		xmpp_sha1_update(h, (const unsigned char *)"/", 1);
		hash_item(h, id_order[i]->name ? id_order[i]->name : "");
	}
	for (i = 0; i < nfeatures; i++)
		hash_item(h, feature_order[i]);
	xmpp_sha1_final(h);
	xmpp_sha1_to_digest(h, digest);
	xmpp_sha1_free(h);

	if ((b64 = xmpp_base64_encode(ctx, digest, sizeof(digest))) == NULL)
		return false;
	ok = strlen(b64) < n;
	if (ok)
		memcpy(ver, b64, strlen(b64) + 1);
	xmpp_free(ctx, b64);
	return ok;
}

const char *
caps_own_ver(xmpp_ctx_t *ctx)
{
	/* A hash of constants: computed once, the same for every context. */
	static char ver[CAPS_VER_MAX];

	if (ver[0] == '\0')
		(void)caps_ver(ctx, own_identities, COUNT(own_identities),
		               own_features, COUNT(own_features), ver,
		               sizeof(ver));
	return ver;
}

bool
caps_node_ours(xmpp_ctx_t *ctx, const char *node)
{
	const char *ver;
	size_t len = strlen(CAPS_NODE);

	if (node == NULL)
		return true;
	ver = caps_own_ver(ctx);
	return *ver != '\0' && strncmp(node, CAPS_NODE, len) == 0 &&
	       node[len] == '#' && strcmp(node + len + 1, ver) == 0;
}

/* A new element name in ns (NULL: none); NULL when out of memory. */
static xmpp_stanza_t *
element(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
	xmpp_stanza_t *e = xmpp_stanza_new(ctx);

	if (e == NULL)
		return NULL;
	if (xmpp_stanza_set_name(e, name) != XMPP_EOK ||
	    (ns != NULL && xmpp_stanza_set_ns(e, ns) != XMPP_EOK)) {
		xmpp_stanza_release(e);
		return NULL;
	}
	return e;
}

/* Adds child to parent, dropping our reference either way; false when
 * child is NULL or out of memory. */
static bool
adopt(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
	bool ok;

	if (child == NULL)
		return false;
	ok = xmpp_stanza_add_child(parent, child) == XMPP_EOK;
	xmpp_stanza_release(child);
	return ok;
}

/* <name xmlns=ns attr=value .../>, added to parent; attrs is name, value,
 * ..., NULL, a NULL value leaving its attribute out. False when out of
 * memory. */
static bool
add_empty(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
          const char *ns, const char *const *attrs)
{
	xmpp_stanza_t *e = element(ctx, name, ns);

	for (; e != NULL && attrs[0] != NULL; attrs += 2)
		if (attrs[1] != NULL &&
		    xmpp_stanza_set_attribute(e, attrs[0], attrs[1]) != XMPP_EOK) {
			xmpp_stanza_release(e);
			return false;
		}
	return adopt(parent, e);
}

xmpp_stanza_t *
caps_disco_query(xmpp_ctx_t *ctx, const char *node)
{
	xmpp_stanza_t *q = element(ctx, "query", NS_DISCO_INFO);
	size_t i;

	if (q == NULL)
		return NULL;
	/* XEP-0115 6.2: a query for our node#ver echoes the node. */
	if (node != NULL && xmpp_stanza_set_attribute(q, "node", node) != XMPP_EOK)
		goto oom;
	for (i = 0; i < COUNT(own_identities); i++) {
		const struct caps_identity *id = &own_identities[i];
		const char *attrs[] = { "category", id->category, "type", id->type,
		                        "xml:lang", id->lang, "name", id->name,
		                        NULL };

		if (!add_empty(ctx, q, "identity", NULL, attrs))
			goto oom;
	}
	for (i = 0; i < COUNT(own_features); i++) {
		const char *attrs[] = { "var", own_features[i], NULL };

		if (!add_empty(ctx, q, "feature", NULL, attrs))
			goto oom;
	}
	return q;
oom:
	xmpp_stanza_release(q);
	return NULL;
}

xmpp_stanza_t *
caps_element(xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *c = element(ctx, "c", NS_CAPS);
	const char *ver = caps_own_ver(ctx);

	if (c == NULL)
		return NULL;
	if (*ver == '\0' ||
	    xmpp_stanza_set_attribute(c, "hash", "sha-1") != XMPP_EOK ||
	    xmpp_stanza_set_attribute(c, "node", CAPS_NODE) != XMPP_EOK ||
	    xmpp_stanza_set_attribute(c, "ver", ver) != XMPP_EOK) {
		xmpp_stanza_release(c);
		return NULL;
	}
	return c;
}

xmpp_stanza_t *
caps_receipt_for(xmpp_ctx_t *ctx, xmpp_stanza_t *msg, const char *to)
{
	const char *id = xmpp_stanza_get_id(msg);
	const char *attrs[] = { "id", id, NULL };
	xmpp_stanza_t *r;
	char *rid;

	/* XEP-0184 5.1: a receipt only for a request with an id; 5.4: none
	 * for a receipt (a message both acking and asking is odd: ack it
	 * not, so two bots cannot ack each other forever). */
	if (id == NULL || *id == '\0' ||
	    xmpp_stanza_get_child_by_name_and_ns(msg, "request", NS_RECEIPTS) ==
	        NULL ||
	    xmpp_stanza_get_child_by_name_and_ns(msg, "received", NS_RECEIPTS) !=
	        NULL)
		return NULL;
	rid = xmpp_uuid_gen(ctx);
	r = xmpp_message_new(ctx, NULL, to, rid);
	if (rid)
		xmpp_free(ctx, rid);
	if (r == NULL)
		return NULL;
	if (!add_empty(ctx, r, "received", NS_RECEIPTS, attrs)) {
		xmpp_stanza_release(r);
		return NULL;
	}
	return r;
}

bool
caps_add_chat_state(xmpp_stanza_t *msg, const char *state)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(msg);

	return adopt(msg, element(ctx, state, NS_CHATSTATES));
}

xmpp_stanza_t *
caps_chat_state(xmpp_ctx_t *ctx, const char *to, const char *state)
{
	xmpp_stanza_t *m;
	char *id = xmpp_uuid_gen(ctx);

	m = xmpp_message_new(ctx, "chat", to, id);
	if (id)
		xmpp_free(ctx, id);
	if (m != NULL && !caps_add_chat_state(m, state)) {
		xmpp_stanza_release(m);
		return NULL;
	}
	return m;
}
