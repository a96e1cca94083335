/*
 * bot/caps.h - who the bot says it is and what it says it supports:
 * the XEP-0030 disco#info answer, the XEP-0115 entity capabilities that
 * announce it in our presence, and the two courtesy stanzas those
 * features promise (XEP-0184 receipts, XEP-0085 chat states). Private to
 * bot/.
 *
 * The identity and the feature list live once, in caps.c: the disco#info
 * answer and the caps hash are both made from them, so the hash a client
 * caches always matches what we answer.
 */
#ifndef TIMMY_CAPS_H
#define TIMMY_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

#define NS_CAPS "http://jabber.org/protocol/caps"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"

/* Our XEP-0115 node: a URI naming the software, never fetched. */
#define CAPS_NODE "https://timmy.invalid"

/* A base64 SHA-1 is 28 characters; with the NUL. */
#define CAPS_VER_MAX 29

/* One XEP-0030 identity; lang and name may be NULL (absent). */
struct caps_identity {
	const char *category;
	const char *type;
	const char *lang;
	const char *name;
};

/*
 * The XEP-0115 section 5.1 verification string of these identities and
 * features: identities sorted by category, type, xml:lang (then name),
 * each "category/type/lang/name<", then the features sorted, each
 * "feature<"; SHA-1 of that; base64. Written into ver (size n, at least
 * CAPS_VER_MAX). False, with ver empty, when out of memory or when a
 * string list is too long (more than CAPS_LIST_MAX entries of either).
 * ctx only lends its allocator.
 */
#define CAPS_LIST_MAX 64
bool caps_ver(xmpp_ctx_t *ctx, const struct caps_identity *ids, size_t nids,
              const char *const *features, size_t nfeatures, char *ver,
              size_t n);

/* Our own verification string, computed once; borrowed, never NULL ("" if
 * it could not be computed, when out of memory at the first call). */
const char *caps_own_ver(xmpp_ctx_t *ctx);

/* True when node is absent (NULL) or CAPS_NODE "#" our ver: the two
 * disco#info queries caps_disco_query answers (XEP-0115 section 6.2). */
bool caps_node_ours(xmpp_ctx_t *ctx, const char *node);

/* <query xmlns=disco#info [node=node]> with our identity and features;
 * the caller releases it (xmpp_stanza_release). NULL when out of memory. */
xmpp_stanza_t *caps_disco_query(xmpp_ctx_t *ctx, const char *node);

/* <c xmlns=caps hash='sha-1' node=CAPS_NODE ver=.../> for an available
 * presence; the caller releases it. NULL when out of memory. */
xmpp_stanza_t *caps_element(xmpp_ctx_t *ctx);

/* The XEP-0184 receipt for msg, a message we accepted, to be sent to to
 * (its sender's full JID): <message to=to id=new><received id=msg's id/>
 * </message>. NULL when msg asks for none (no <request/>, no id, or it is
 * itself a receipt) or when out of memory. The caller releases it. */
xmpp_stanza_t *caps_receipt_for(xmpp_ctx_t *ctx, xmpp_stanza_t *msg,
                                const char *to);

/* <message type='chat' to=to><state xmlns=chatstates/></message> (state:
 * "composing", "active", ...), XEP-0085 standalone notification; the
 * caller releases it. NULL when out of memory. */
xmpp_stanza_t *caps_chat_state(xmpp_ctx_t *ctx, const char *to,
                               const char *state);

/* Adds <state xmlns=chatstates/> to msg (XEP-0085 5.1: a content message
 * may carry one). False when out of memory. */
bool caps_add_chat_state(xmpp_stanza_t *msg, const char *state);

#endif
