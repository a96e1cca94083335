/*
 * bot/roster.c - the bot's contacts and their subscriptions. See
 * roster.h. Part of bot/: speaks XMPP through libstrophe, checks JIDs
 * with access.h.
 *
 * The contacts are an array with a hash index by JID. What is kept per
 * contact is small, as a bot's account may have ten thousand of them: a
 * 16-byte entry, the JID in one buffer shared by all (no allocation of
 * its own), a slot or two of the index, and a hash of the status sent
 * rather than its text. With 10,000 contacts that is 43 bytes each
 * (bench/README.md, "One account, many contacts"), against 118 when
 * each contact had its JID and its status in blocks of their own.
 */
#include "roster.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/heap.h"
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
/* The longest JID kept (RFC 7622 section 3.1: 3071 bytes); an item with
 * a longer one is skipped. */
#define JID_MAX 3071

/* struct contact's flags. */
enum {
	SHARED = 1,  /* subscription to, from or both, or ask='subscribe' */
	SEES_US = 2, /* subscription from or both: our presence reaches them */
	WE_SEE = 4,  /* subscription to or both: theirs reaches us */
};

struct contact {
	uint64_t status; /* status_hash of the status we last sent them in
	                    a directed presence (timerstatus.h); 0: none
	                    since the last fresh login */
	uint32_t name;   /* where their bare JID, as the server gave it,
	                    begins in the roster's names (at most ROSTER_MAX
	                    JIDs of JID_MAX bytes, twice that with removed
	                    ones: under 1 GiB) */
	uint8_t flags;
};

struct roster {
	struct contact *v;
	size_t n, cap;
	/* The contacts' JIDs, each ended by a NUL, one after another in the
	 * order they came. A removed contact's JID stays until more than
	 * half the buffer is such (names_dead), then the buffer is made
	 * again from the contacts left. */
	char *names;
	size_t names_len, names_cap, names_dead;
	/* An index of v by JID, ASCII case folded (index_*): open
	 * addressing, linear probing; a slot holds a contact's place in v
	 * plus one, 0 when free. nslots is a power of two, at most three
	 * quarters full, or 0 before the first contact. */
	uint32_t *slots;
	size_t nslots;
	bool known;   /* the server's answer came since the last fresh login */
	bool pending; /* our request is out, its id handler registered */
	bool full;    /* ROSTER_MAX reached (said once) */
	size_t sweep; /* roster_sweep_next's place in v */
};

/* The bare JID of c. */
static const char *
name_of(const struct roster *r, const struct contact *c)
{
	return r->names + c->name;
}

struct roster *
roster_new(void)
{
	struct roster *r = calloc(1, sizeof(*r));

	if (r == NULL)
		log_error("roster: out of memory");
	return r;
}

/* Forgets every contact; keeps the memory for the next ones. */
static void
clear(struct roster *r)
{
	r->n = 0;
	r->names_len = 0;
	r->names_dead = 0;
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
	free(r->v);
	free(r->names);
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
	       strcasecmp(name_of(r, &r->v[r->slots[i] - 1]), jid) != 0)
		i = (i + 1) & mask;
	return i;
}

/* The number of slots the index needs for n contacts: a power of two,
 * at least 64, at most three quarters full. */
static size_t
index_size(size_t n)
{
	size_t nslots = 64;

	while (4 * n > 3 * nslots)
		nslots *= 2;
	return nslots;
}

/* Makes the index again for v[0..n) in nslots slots (index_size of n or
 * more). Returns false when out of memory (the old index stays). */
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
		r->slots[index_slot(r, name_of(r, &r->v[i]))] = (uint32_t)i + 1;
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

/*
 * Makes the empty roster r ready for items contacts whose JIDs take
 * bytes in all (each with its NUL): the array and the buffer exactly
 * that big, the index big enough. For the roster's answer, whose items
 * are counted first: read one by one into arrays that double, 10,000
 * contacts left up to half of each unused. False when out of memory
 * (what was done stays; the contacts are added one by one then).
 */
static bool
reserve(struct roster *r, size_t items, size_t bytes)
{
	struct contact *v;
	char *names;

	if (items == 0)
		return true;
	if (r->cap != items) {
		if ((v = realloc(r->v, items * sizeof(*v))) == NULL)
			return false;
		r->v = v;
		r->cap = items;
	}
	if (r->names_cap != bytes) {
		if ((names = realloc(r->names, bytes)) == NULL)
			return false;
		r->names = names;
		r->names_cap = bytes;
	}
	return index_size(items) == r->nslots ||
	       index_build(r, index_size(items));
}

/* Appends jid (len bytes without its NUL) to the names; its place in
 * *at. False when out of memory. */
static bool
names_add(struct roster *r, const char *jid, size_t len, uint32_t *at)
{
	size_t cap = r->names_cap ? r->names_cap : 1024;
	char *names;

	while (cap < r->names_len + len + 1)
		cap *= 2;
	if (cap != r->names_cap) {
		if ((names = realloc(r->names, cap)) == NULL)
			return false;
		r->names = names;
		r->names_cap = cap;
	}
	memcpy(r->names + r->names_len, jid, len + 1);
	*at = (uint32_t)r->names_len;
	r->names_len += len + 1;
	return true;
}

/* Once removed contacts' JIDs are more than half the names, makes the
 * buffer again from the contacts left. Out of memory it stays as it is. */
static void
names_compact(struct roster *r)
{
	/* One byte more, so that no roster asks malloc for 0. */
	size_t i, len, at = 0, cap = r->names_len - r->names_dead + 1;
	char *names;

	if (r->names_dead <= r->names_len / 2 || (names = malloc(cap)) == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		len = strlen(name_of(r, &r->v[i])) + 1;
		memcpy(names + at, name_of(r, &r->v[i]), len);
		r->v[i].name = (uint32_t)at;
		at += len;
	}
	free(r->names);
	r->names = names;
	r->names_len = at;
	r->names_cap = cap;
	r->names_dead = 0;
}

/* Takes contact c out: the last one moves into its place. */
static void
remove_contact(struct roster *r, struct contact *c)
{
	r->names_dead += strlen(name_of(r, c)) + 1;
	/* A sweep under way may miss the contact moved here; the next
	 * change of theirs is sent all the same. */
	*c = r->v[--r->n];
	names_compact(r);
	/* Removals are rare (a push each): the index is made again rather
	 * than mended. Out of memory, the next lookups would be wrong, so
	 * the roster is forgotten until the next login. */
	if (!index_build(r, r->nslots)) {
		log_error("roster: out of memory");
		clear(r);
		r->known = false;
	}
}

/* The flags an item's subscription and ask attributes give. */
static uint8_t
item_flags(const char *sub, const char *ask)
{
	uint8_t f = 0;

	if (sub != NULL && (strcmp(sub, "from") == 0 ||
	                    strcmp(sub, "both") == 0))
		f |= SEES_US | SHARED;
	if (sub != NULL && (strcmp(sub, "to") == 0 ||
	                    strcmp(sub, "both") == 0))
		f |= WE_SEE | SHARED;
	/* "none" (the default) shares nothing unless we asked. */
	if (ask != NULL && strcmp(ask, "subscribe") == 0)
		f |= SHARED;
	return f;
}

/* Adds a contact jid (len bytes) with flags; NULL when ROSTER_MAX is
 * reached or out of memory (logged). */
static struct contact *
add_contact(struct roster *r, const char *jid, size_t len, uint8_t flags)
{
	struct contact *c, *grown;
	size_t cap;
	uint32_t at;

	if (r->n == ROSTER_MAX) {
		if (!r->full)
			log_warn("roster: more than %d contacts; the rest are not "
			         "checked against access.allow", ROSTER_MAX);
		r->full = true;
		return NULL;
	}
	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 16;
		if ((grown = realloc(r->v, cap * sizeof(*grown))) == NULL)
			goto oom;
		r->v = grown;
		r->cap = cap;
	}
	if (index_size(r->n + 1) > r->nslots &&
	    !index_build(r, index_size(r->n + 1)))
		goto oom;
	if (!names_add(r, jid, len, &at))
		goto oom;
	r->slots[index_slot(r, jid)] = (uint32_t)r->n + 1;
	c = &r->v[r->n++];
	c->name = at;
	c->flags = flags;
	c->status = 0;
	return c;
oom:
	log_error("roster: out of memory");
	return NULL;
}

/*
 * Applies one <item/> of a roster result or push (RFC 6121 2.1.2):
 * subscription='remove' deletes the contact; anything else adds or
 * updates it. Items without a jid, or with one longer than JID_MAX, are
 * skipped. Returns the contact when it has just come to see our presence
 * (it did not before), else NULL.
 */
static struct contact *
apply_item(struct roster *r, xmpp_stanza_t *item)
{
	const char *jid = xmpp_stanza_get_attribute(item, "jid");
	const char *sub = xmpp_stanza_get_attribute(item, "subscription");
	struct contact *c;
	uint8_t flags;
	size_t len;
	bool was;

	if (jid == NULL || (len = strlen(jid)) == 0 || len > JID_MAX)
		return NULL;
	c = find(r, jid);
	if (sub != NULL && strcmp(sub, "remove") == 0) {
		if (c != NULL)
			remove_contact(r, c);
		return NULL;
	}
	flags = item_flags(sub, xmpp_stanza_get_attribute(item, "ask"));
	if (c == NULL) {
		c = add_contact(r, jid, len, flags);
		return c != NULL && (flags & SEES_US) ? c : NULL;
	}
	was = c->flags & SEES_US;
	c->flags = flags;
	/* Whoever stops seeing us gets the status afresh if they come
	 * back. */
	if (!(flags & SEES_US))
		c->status = 0;
	return (flags & SEES_US) && !was ? c : NULL;
}

/* The <item/> children of the roster <query/> q, one after another
 * (NULL after the last). */
static xmpp_stanza_t *
next_item(xmpp_stanza_t *q, xmpp_stanza_t *after)
{
	xmpp_stanza_t *item;
	const char *name;

	item = after != NULL ? xmpp_stanza_get_next(after)
	                     : xmpp_stanza_get_children(q);
	for (; item; item = xmpp_stanza_get_next(item)) {
		name = xmpp_stanza_get_name(item);
		if (xmpp_stanza_is_tag(item) && name != NULL &&
		    strcmp(name, "item") == 0)
			return item;
	}
	return NULL;
}

/*
 * Applies every <item/> of the roster <query/> q. With b (a push), a
 * contact who has just come to see our presence (a subscription we
 * accepted, RFC 6121 3.1.5) is sent the timer's status at once.
 */
static void
apply_query(struct roster *r, xmpp_stanza_t *q, struct bot *b)
{
	xmpp_stanza_t *item = NULL;
	struct contact *c;

	while ((item = next_item(q, item)) != NULL)
		if ((c = apply_item(r, item)) != NULL && b != NULL)
			timerstatus_send(b, name_of(r, c));
}

/* Makes room for every contact of the roster's answer q at once
 * (reserve) in the empty roster r: they are counted, their JIDs
 * measured, first. */
static void
reserve_answer(struct roster *r, xmpp_stanza_t *q)
{
	xmpp_stanza_t *item = NULL;
	size_t items = 0, bytes = 0, len;
	const char *jid;

	while ((item = next_item(q, item)) != NULL) {
		jid = xmpp_stanza_get_attribute(item, "jid");
		if (jid != NULL && (len = strlen(jid)) > 0 && len <= JID_MAX) {
			items++;
			bytes += len + 1;
		}
	}
	if (items > ROSTER_MAX)
		items = ROSTER_MAX;
	if (!reserve(r, items, bytes))
		log_warn("roster: out of memory; reading it contact by contact");
}

/*
 * A one-shot timed handler, added by roster_result: it runs in the same
 * turn of libstrophe's loop, after the parser has freed the answer.
 * Returns 0, which removes it.
 *
 * libstrophe holds the whole answer as a tree of stanzas while its
 * handler runs: with 10,000 contacts about 5.5 MiB of small blocks.
 * Freed, they stayed in the process (with no statuses sent, RSS 16.9
 * MiB against 10.7 with one contact), since what was allocated after
 * them, the contacts among it, kept glibc from giving back the end of
 * its heap; returning the free pages here brought it to 11.6. Trimming
 * inside the handler would find nothing free yet.
 */
static int
answer_freed(xmpp_conn_t *conn, void *userdata)
{
	(void)conn;
	(void)userdata;
	heap_trim();
	return 0;
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
	if (q != NULL) {
		reserve_answer(r, q);
		apply_query(r, q, NULL);
	}
	r->known = true;
	log_info("roster: %zu contact%s", r->n, r->n == 1 ? "" : "s");
	xmpp_timed_handler_delete(b->conn, answer_freed);
	xmpp_timed_handler_add(b->conn, answer_freed, 0, NULL);
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
	const char *jid;
	size_t i;

	if (r == NULL || !r->known || !xmpp_conn_is_connected(b->conn))
		return;
	for (i = 0; i < r->n; i++) {
		c = &r->v[i];
		jid = name_of(r, c);
		if (!(c->flags & SHARED) || jid_is_own(b, jid) ||
		    cfg_allowed(b->cfg, jid))
			continue;
		/* RFC 6121 3.3.1: 'unsubscribe' ends our subscription to
		 * them; 3.2.1: 'unsubscribed' ends theirs to us (and cancels
		 * a request of theirs). The server pushes the item with
		 * subscription 'none' afterwards. */
		send_presence(b, "unsubscribe", jid);
		send_presence(b, "unsubscribed", jid);
		c->flags = 0;
		c->status = 0;
		log_info("unsubscribed %s (not in access.allow)", jid);
	}
}

/* True when our presence reaches c (subscription from or both), and c
 * is in access.allow and not our own account. */
static bool
is_subscriber(const struct bot *b, const struct contact *c)
{
	const char *jid = name_of(b->roster, c);

	return (c->flags & SEES_US) && !jid_is_own(b, jid) &&
	       cfg_allowed(b->cfg, jid);
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

	return c != NULL ? name_of(b->roster, c) : NULL;
}

/*
 * What is noted of a status sent: its 64-bit FNV-1a hash, never 0 (the
 * note of none). Two statuses of one contact that hash alike would keep
 * the second from going out: about one chance in 2^64 per change, for
 * 8 bytes per contact instead of the text in a block of its own.
 */
static uint64_t
status_hash(const char *status)
{
	uint64_t h = 14695981039346656037u;
	const unsigned char *p;

	for (p = (const unsigned char *)status; *p != '\0'; p++) {
		h ^= *p;
		h *= 1099511628211u;
	}
	return h != 0 ? h : 1;
}

bool
roster_status_new(struct bot *b, const char *jid, const char *status)
{
	struct contact *c = subscriber(b, jid);
	uint64_t h = status_hash(status);

	if (c == NULL || c->status == h)
		return false;
	c->status = h;
	return true;
}

void
roster_status_forget(struct bot *b, const char *jid)
{
	struct contact *c;

	if (b->roster != NULL && (c = find(b->roster, jid)) != NULL)
		c->status = 0;
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
			return name_of(r, c);
	}
	return NULL;
}

bool
roster_sees(struct bot *b, const char *jid)
{
	struct contact *c;

	return b->roster != NULL && (c = find(b->roster, jid)) != NULL &&
	       (c->flags & WE_SEE);
}
