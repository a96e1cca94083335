/*
 * bot/roster.c - the bot's contacts and their subscriptions. See
 * roster.h. Part of bot/: speaks XMPP through libstrophe, checks JIDs
 * with access.h.
 *
 * The contacts are a plain array searched from end to end: a bot's
 * roster holds its users, and a push or a reload touches it rarely.
 */
#include "roster.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "handlers.h"
#include "log.h"
#include "timerstatus.h"

#define NS_ROSTER "jabber:iq:roster"
/*
 * One id for every roster request, for the reason keepalive.c gives for
 * its ping id: libstrophe 0.12 keeps every id it has seen in its handler
 * table until the connection is released. At most one request is pending.
 */
#define ROSTER_ID "timmy-roster"

struct contact {
	char *jid;   /* bare, as the server gave it */
	bool shared; /* subscription to, from or both, or ask='subscribe' */
	bool sees_us; /* subscription from or both: our presence reaches them */
	bool we_see;  /* subscription to or both: theirs reaches us */
	char *status; /* the status we last sent them in a directed presence
	                 (timerstatus.h), owned; NULL: none since the last
	                 fresh login */
};

struct roster {
	struct contact *v;
	size_t n, cap;
	/* An index of v by JID, ASCII case folded (index_*): open
	 * addressing, linear probing; a slot holds a contact's place in v
	 * plus one, 0 when free. nslots is a power of two, at least twice
	 * n, or 0 before the first contact. */
	uint32_t *slots;
	size_t nslots;
	bool known;   /* the server's answer came since the last fresh login */
	bool pending; /* our request is out, its id handler registered */
	bool full;    /* ROSTER_MAX reached (said once) */
	size_t sweep; /* roster_sweep_next's place in v */
};

struct roster *
roster_new(void)
{
	struct roster *r = calloc(1, sizeof(*r));

	if (r == NULL)
		log_error("roster: out of memory");
	return r;
}

/* Forgets every contact. */
static void
clear(struct roster *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].jid);
		free(r->v[i].status);
	}
	r->n = 0;
	r->full = false;
	r->sweep = 0;
	if (r->slots != NULL)
		memset(r->slots, 0, r->nslots * sizeof(*r->slots));
}

void
roster_free(struct roster *r)
{
	if (r == NULL)
		return;
	clear(r);
	free(r->v);
	free(r->slots);
	free(r);
}

/*
 * The index. A roster of 10,000 contacts, read at every login, was looked
 * up contact by contact, each lookup a pass over all before it: 0.6 s of
 * the bot's CPU at the login, the loop stalled meanwhile, 45 % of it in
 * strcasecmp (perf), and every message's subscriber check a pass too.
 */

/* FNV-1a of jid with ASCII letters folded, as strcasecmp compares. */
static uint32_t
jid_hash(const char *jid)
{
	uint32_t h = 2166136261u;
	const unsigned char *p;

	for (p = (const unsigned char *)jid; *p != '\0'; p++) {
		h ^= (uint32_t)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p);
		h *= 16777619u;
	}
	return h;
}

/* The slot of jid: the one holding its contact, or the free one where
 * it would go. r->nslots is not 0. */
static size_t
index_slot(const struct roster *r, const char *jid)
{
	size_t mask = r->nslots - 1, i = jid_hash(jid) & mask;

	while (r->slots[i] != 0 &&
	       strcasecmp(r->v[r->slots[i] - 1].jid, jid) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Makes the index again for v[0..n) in nslots slots (a power of two
 * above 2n). Returns false when out of memory (the old index stays). */
static bool
index_build(struct roster *r, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots)), *old = r->slots;
	size_t i;

	if (slots == NULL)
		return false;
	r->slots = slots;
	r->nslots = nslots;
	for (i = 0; i < r->n; i++)
		r->slots[index_slot(r, r->v[i].jid)] = (uint32_t)i + 1;
	free(old);
	return true;
}

/* The contact with this JID (ASCII case ignored), or NULL. */
static struct contact *
find(struct roster *r, const char *jid)
{
	size_t i;

	if (r->nslots == 0)
		return NULL;
	i = index_slot(r, jid);
	return r->slots[i] != 0 ? &r->v[r->slots[i] - 1] : NULL;
}

/* True for subscription 'from' or 'both' (RFC 6121 3.1.5): the contact
 * gets our presence. */
static bool
sub_sees_us(const char *sub)
{
	return sub != NULL &&
	       (strcmp(sub, "from") == 0 || strcmp(sub, "both") == 0);
}

/* True for subscription 'to' or 'both' (RFC 6121 3.1.5): we get the
 * contact's presence. */
static bool
sub_we_see(const char *sub)
{
	return sub != NULL &&
	       (strcmp(sub, "to") == 0 || strcmp(sub, "both") == 0);
}

/*
 * Applies one <item/> of a roster result or push (RFC 6121 2.1.2):
 * subscription='remove' deletes the contact; anything else adds or
 * updates it. Items without a jid are skipped. Returns the contact when
 * it has just come to see our presence (it did not before), else NULL.
 */
static struct contact *
apply_item(struct roster *r, xmpp_stanza_t *item)
{
	const char *jid = xmpp_stanza_get_attribute(item, "jid");
	const char *sub = xmpp_stanza_get_attribute(item, "subscription");
	const char *ask = xmpp_stanza_get_attribute(item, "ask");
	struct contact *c, *grown;
	bool shared, was;
	size_t cap;

	if (jid == NULL || *jid == '\0')
		return NULL;
	c = find(r, jid);
	if (sub != NULL && strcmp(sub, "remove") == 0) {
		if (c != NULL) {
			free(c->jid);
			free(c->status);
			/* A sweep under way may miss the contact moved here;
			 * the next change of theirs is sent all the same. */
			*c = r->v[--r->n];
			/* Removals are rare (a push each): the index is made
			 * again rather than mended. Out of memory, the next
			 * lookups would be wrong, so the roster is forgotten
			 * until the next login. */
			if (!index_build(r, r->nslots)) {
				log_error("roster: out of memory");
				clear(r);
				r->known = false;
			}
		}
		return NULL;
	}
	/* "none" (the default) shares nothing unless we asked; "to",
	 * "from" and "both" share presence one way or both. */
	shared = (sub != NULL && (strcmp(sub, "to") == 0 ||
	                          strcmp(sub, "from") == 0 ||
	                          strcmp(sub, "both") == 0)) ||
	         (ask != NULL && strcmp(ask, "subscribe") == 0);
	if (c != NULL) {
		was = c->sees_us;
		c->shared = shared;
		c->sees_us = sub_sees_us(sub);
		c->we_see = sub_we_see(sub);
		/* Whoever stops seeing us gets the status afresh if they
		 * come back. */
		if (!c->sees_us) {
			free(c->status);
			c->status = NULL;
		}
		return c->sees_us && !was ? c : NULL;
	}
	if (r->n == ROSTER_MAX) {
		if (!r->full)
			log_warn("roster: more than %d contacts; the rest are not "
			         "checked against access.allow", ROSTER_MAX);
		r->full = true;
		return NULL;
	}
	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 16;
		if ((grown = realloc(r->v, cap * sizeof(*grown))) == NULL) {
			log_error("roster: out of memory");
			return NULL;
		}
		r->v = grown;
		r->cap = cap;
	}
	/* At most half full, so that a probe ends soon. */
	if (2 * (r->n + 1) > r->nslots &&
	    !index_build(r, r->nslots ? r->nslots * 2 : 64)) {
		log_error("roster: out of memory");
		return NULL;
	}
	if ((r->v[r->n].jid = strdup(jid)) == NULL) {
		log_error("roster: out of memory");
		return NULL;
	}
	r->slots[index_slot(r, jid)] = (uint32_t)r->n + 1;
	c = &r->v[r->n++];
	c->shared = shared;
	c->sees_us = sub_sees_us(sub);
	c->we_see = sub_we_see(sub);
	c->status = NULL;
	return c->sees_us ? c : NULL;
}

/*
 * Applies every <item/> of the roster <query/> q. With b (a push), a
 * contact who has just come to see our presence (a subscription we
 * accepted, RFC 6121 3.1.5) is sent the timer's status at once.
 */
static void
apply_query(struct roster *r, xmpp_stanza_t *q, struct bot *b)
{
	xmpp_stanza_t *item;
	struct contact *c;
	const char *name;

	for (item = xmpp_stanza_get_children(q); item;
	     item = xmpp_stanza_get_next(item)) {
		name = xmpp_stanza_get_name(item);
		if (!xmpp_stanza_is_tag(item) || !name ||
		    strcmp(name, "item") != 0)
			continue;
		if ((c = apply_item(r, item)) != NULL && b != NULL)
			timerstatus_send(b, c->jid);
	}
}

/*
 * The answer to our roster request. Only from our own server (no from,
 * or our bare JID): libstrophe matches id handlers on the id alone, and
 * anyone can send a stanza with our id. Returns 0 once answered, which
 * removes the handler; 1 to go on waiting.
 */
static int
roster_result(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct bot *b = userdata;
	struct roster *r = b->roster;
	const char *name = xmpp_stanza_get_name(stanza);
	const char *type = xmpp_stanza_get_type(stanza);
	const char *from = xmpp_stanza_get_from(stanza);
	xmpp_stanza_t *q;

	(void)conn;
	if (name == NULL || strcmp(name, "iq") != 0 || type == NULL ||
	    (from != NULL && !jid_is_own(b, from)))
		return 1;
	if (strcmp(type, "result") != 0 && strcmp(type, "error") != 0)
		return 1;
	r->pending = false;
	if (strcmp(type, "error") == 0) {
		log_warn("roster: the server refused to send it; contacts are "
		         "checked against access.allow again at the next login");
		return 0;
	}
	clear(r);
	q = xmpp_stanza_get_child_by_ns(stanza, NS_ROSTER);
	if (q != NULL)
		apply_query(r, q, NULL);
	r->known = true;
	log_info("roster: %zu contact%s", r->n, r->n == 1 ? "" : "s");
	roster_enforce(b);
	/* After our initial presence (session.c sends it before the answer
	 * can come): each contact who sees us gets the timer's status. */
	timerstatus_all(b);
	return 0;
}

void
roster_fetch(struct bot *b)
{
	struct roster *r = b->roster;

	if (r == NULL)
		return;
	roster_offline(b);
	clear(r);
	r->known = false;
	if (!bot_iq_get(b, NULL, ROSTER_ID, "query", NS_ROSTER, roster_result,
	                b, (const char *)NULL)) {
		log_error("roster: cannot ask for it: out of memory");
		return;
	}
	r->pending = true;
}

void
roster_offline(struct bot *b)
{
	struct roster *r = b->roster;

	if (r == NULL || !r->pending)
		return;
	xmpp_id_handler_delete(b->conn, roster_result, ROSTER_ID);
	r->pending = false;
}

void
roster_push(struct bot *b, xmpp_stanza_t *query)
{
	if (b->roster != NULL)
		apply_query(b->roster, query, b);
}

void
roster_enforce(struct bot *b)
{
	struct roster *r = b->roster;
	struct contact *c;
	size_t i;

	if (r == NULL || !r->known || !xmpp_conn_is_connected(b->conn))
		return;
	for (i = 0; i < r->n; i++) {
		c = &r->v[i];
		if (!c->shared || jid_is_own(b, c->jid) ||
		    cfg_allowed(b->cfg, c->jid))
			continue;
		/* RFC 6121 3.3.1: 'unsubscribe' ends our subscription to
		 * them; 3.2.1: 'unsubscribed' ends theirs to us (and cancels
		 * a request of theirs). The server pushes the item with
		 * subscription 'none' afterwards. */
		send_presence(b, "unsubscribe", c->jid);
		send_presence(b, "unsubscribed", c->jid);
		c->shared = false;
		c->sees_us = false;
		c->we_see = false;
		free(c->status);
		c->status = NULL;
		log_info("unsubscribed %s (not in access.allow)", c->jid);
	}
}

/* True when our presence reaches c (subscription from or both), and c
 * is in access.allow and not our own account. */
static bool
is_subscriber(const struct bot *b, const struct contact *c)
{
	return c->sees_us && !jid_is_own(b, c->jid) &&
	       cfg_allowed(b->cfg, c->jid);
}

/* True once the roster is known, while connected: statuses may go out. */
static bool
serving(const struct bot *b)
{
	return b->roster != NULL && b->roster->known &&
	       xmpp_conn_is_connected(b->conn);
}

/* The contact jid when it is a subscriber (is_subscriber) and statuses
 * may go out (serving); else NULL. */
static struct contact *
subscriber(struct bot *b, const char *jid)
{
	struct contact *c;

	if (!serving(b) || (c = find(b->roster, jid)) == NULL ||
	    !is_subscriber(b, c))
		return NULL;
	return c;
}

const char *
roster_subscriber(struct bot *b, const char *jid)
{
	struct contact *c = subscriber(b, jid);

	return c != NULL ? c->jid : NULL;
}

bool
roster_status_new(struct bot *b, const char *jid, const char *status)
{
	struct contact *c = subscriber(b, jid);
	char *copy;

	if (c == NULL || (c->status != NULL && strcmp(c->status, status) == 0))
		return false;
	if ((copy = strdup(status)) == NULL) {
		log_error("roster: out of memory");
		return false;
	}
	free(c->status);
	c->status = copy;
	return true;
}

void
roster_status_forget(struct bot *b, const char *jid)
{
	struct contact *c;

	if (b->roster == NULL || (c = find(b->roster, jid)) == NULL)
		return;
	free(c->status);
	c->status = NULL;
}

void
roster_sweep_begin(struct bot *b)
{
	if (b->roster != NULL)
		b->roster->sweep = 0;
}

const char *
roster_sweep_next(struct bot *b)
{
	struct roster *r = b->roster;
	struct contact *c;

	if (!serving(b))
		return NULL;
	while (r->sweep < r->n) {
		c = &r->v[r->sweep++];
		if (is_subscriber(b, c))
			return c->jid;
	}
	return NULL;
}

bool
roster_sees(struct bot *b, const char *jid)
{
	struct contact *c;

	return b->roster != NULL && (c = find(b->roster, jid)) != NULL &&
	       c->we_see;
}
