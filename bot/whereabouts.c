/*
 * bot/whereabouts.c - where each allowed contact is (whereabouts.h), and
 * what their coming and going tells the forgotten-timer question
 * (commands/idle.h). Part of bot/: reads presence stanzas through
 * libstrophe, the subscription from roster.c; the words and the changes
 * are commands/'s.
 *
 * Each contact is a list of their online resources, each with its show
 * (RFC 6121 4.7.2.1) and XEP-0319 idle time. A contact whose last
 * resource goes offline is dropped: absent means offline, so memory grows
 * with the contacts online, up to the caps. The contacts are a plain
 * array searched from end to end, like roster.c's.
 *
 * The moment a contact left is the latest moment one of their resources
 * stopped being here (its idle since, else when its presence said so):
 * until then some resource of theirs was in use. A resource already away
 * when it came online (or when the bot logged in) tells nothing of when;
 * if no resource tells, the moment is when the presence said so.
 */
#include "whereabouts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../commands/idle.h"
#include "access.h"
#include "clock.h"
#include "handlers.h"
#include "inbound.h"
#include "log.h"
#include "roster.h"
#include "timerstatus.h"

#define NS_IDLE "urn:xmpp:idle:1"

/* A resource's <show/> (RFC 6121 4.7.2.1); none is plain available. */
enum show { SHOW_AVAILABLE, SHOW_CHAT, SHOW_AWAY, SHOW_XA, SHOW_DND };

struct resource {
	char *name;         /* the resource part of the full JID, owned; ""
	                       for a presence from the bare JID */
	enum show show;
	int64_t idle_since; /* XEP-0319 since, no later than when it came;
	                       0: not idle */
	int64_t left;       /* when it stopped being here (its idle since,
	                       else the presence that said so); 0: here;
	                       LEFT_UNSEEN: away when it first came */
};

/* A resource that was away when we first saw it: when it left is not
 * known, and it does not make the moment its contact left any later. */
#define LEFT_UNSEEN (-1)

struct person {
	char *bare; /* as the server stamped it, owned */
	struct resource res[WHEREABOUTS_RESOURCES_MAX];
	int nres;
	enum where last; /* by_presence after the last change */
};

struct whereabouts {
	struct person *v;
	size_t n, cap;
	bool full;     /* WHEREABOUTS_CONTACTS_MAX reached (said once) */
	bool res_full; /* a contact's WHEREABOUTS_RESOURCES_MAX (said once) */
};

struct whereabouts *
whereabouts_new(void)
{
	struct whereabouts *w = calloc(1, sizeof(*w));

	if (w == NULL)
		log_error("whereabouts: out of memory");
	return w;
}

static void
person_free(struct person *p)
{
	int i;

	for (i = 0; i < p->nres; i++)
		free(p->res[i].name);
	free(p->bare);
}

/* Forgets every contact. */
static void
clear(struct whereabouts *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		person_free(&w->v[i]);
	w->n = 0;
	w->full = false;
	w->res_full = false;
}

void
whereabouts_free(struct whereabouts *w)
{
	if (w == NULL)
		return;
	clear(w);
	free(w->v);
	free(w);
}

void
whereabouts_reset(struct bot *b)
{
	if (b->wb != NULL)
		clear(b->wb);
}

static struct person *
find(struct whereabouts *w, const char *bare)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcasecmp(w->v[i].bare, bare) == 0)
			return &w->v[i];
	return NULL;
}

/* A new contact bare with no resource, or NULL when full or out of
 * memory (logged). */
static struct person *
add_person(struct whereabouts *w, const char *bare)
{
	struct person *p, *grown;
	size_t cap;

	if (w->n == WHEREABOUTS_CONTACTS_MAX) {
		if (!w->full)
			log_warn("whereabouts: more than %d contacts online; the "
			         "presence of the rest is not followed",
			         WHEREABOUTS_CONTACTS_MAX);
		w->full = true;
		return NULL;
	}
	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 16;
		if ((grown = realloc(w->v, cap * sizeof(*grown))) == NULL) {
			log_error("whereabouts: out of memory");
			return NULL;
		}
		w->v = grown;
		w->cap = cap;
	}
	p = &w->v[w->n];
	memset(p, 0, sizeof(*p));
	if ((p->bare = strdup(bare)) == NULL) {
		log_error("whereabouts: out of memory");
		return NULL;
	}
	p->last = WHERE_UNKNOWN;
	w->n++;
	return p;
}

/* Drops p (its last resource went offline). */
static void
drop_person(struct whereabouts *w, struct person *p)
{
	person_free(p);
	*p = w->v[--w->n];
}

static int
find_res(const struct person *p, const char *name)
{
	int i;

	for (i = 0; i < p->nres; i++)
		if (strcmp(p->res[i].name, name) == 0)
			return i;
	return -1;
}

/* The resource name of p, added when new (*added says so); NULL when p
 * has WHEREABOUTS_RESOURCES_MAX already or out of memory (logged). */
static struct resource *
get_res(struct whereabouts *w, struct person *p, const char *name,
        bool *added)
{
	struct resource *r;
	int i = find_res(p, name);

	*added = i < 0;
	if (i >= 0)
		return &p->res[i];
	if (p->nres == WHEREABOUTS_RESOURCES_MAX) {
		if (!w->res_full)
			log_warn("whereabouts: %s has more than %d resources "
			         "online; the rest are not followed", p->bare,
			         WHEREABOUTS_RESOURCES_MAX);
		w->res_full = true;
		return NULL;
	}
	r = &p->res[p->nres];
	if ((r->name = strdup(name)) == NULL) {
		log_error("whereabouts: out of memory");
		return NULL;
	}
	r->show = SHOW_AVAILABLE;
	r->idle_since = 0;
	r->left = 0;
	p->nres++;
	return r;
}

/* What the <show/> of presence says (RFC 6121 4.7.2.1: an unknown value
 * is taken as none). */
static enum show
read_show(xmpp_ctx_t *ctx, xmpp_stanza_t *presence)
{
	xmpp_stanza_t *el = xmpp_stanza_get_child_by_name(presence, "show");
	enum show show = SHOW_AVAILABLE;
	char *text;

	if (el == NULL || (text = xmpp_stanza_get_text(el)) == NULL)
		return SHOW_AVAILABLE;
	if (strcmp(text, "away") == 0)
		show = SHOW_AWAY;
	else if (strcmp(text, "xa") == 0)
		show = SHOW_XA;
	else if (strcmp(text, "dnd") == 0)
		show = SHOW_DND;
	else if (strcmp(text, "chat") == 0)
		show = SHOW_CHAT;
	xmpp_free(ctx, text);
	return show;
}

/* The XEP-0319 <idle since='...'/> of presence (an XEP-0082 stamp, read
 * like a delay's), no later than now; 0 when there is none or it does
 * not parse. */
static int64_t
read_idle(xmpp_stanza_t *presence, int64_t now)
{
	xmpp_stanza_t *el;
	int64_t since;

	el = xmpp_stanza_get_child_by_name_and_ns(presence, "idle", NS_IDLE);
	if (el == NULL ||
	    !inbound_parse_stamp(xmpp_stanza_get_attribute(el, "since"), &since))
		return 0;
	return since > now ? now : since;
}

/* Where p's resources put them, whatever the roster says. */
static enum where
by_presence(const struct person *p)
{
	bool here = false;
	int i;

	if (p->nres == 0)
		return WHERE_OFFLINE;
	for (i = 0; i < p->nres; i++) {
		if (p->res[i].show == SHOW_DND)
			return WHERE_DND;
		if (p->res[i].left == 0)
			here = true;
	}
	return here ? WHERE_HERE : WHERE_AWAY;
}

/* The moment p left: the latest of their resources' (see the top of the
 * file); now when none is left. */
static int64_t
moment_left(const struct person *p, int64_t now)
{
	int64_t m = 0;
	int i;

	if (p->nres == 0)
		return now;
	for (i = 0; i < p->nres; i++)
		if (p->res[i].left > m)
			m = p->res[i].left;
	return m > 0 && m < now ? m : now;
}

enum where
whereabouts_of(struct bot *b, const char *bare)
{
	struct person *p;

	if (jid_is_own(b, bare) ||
	    !cfg_allowed(b->cfg, bare) ||
	    !roster_sees(b, bare))
		return WHERE_UNKNOWN;
	if (b->wb == NULL || (p = find(b->wb, bare)) == NULL)
		return WHERE_OFFLINE;
	return by_presence(p);
}

/* The context of commands/idle.h's calls for owner at now. */
static void
idle_ctx(struct bot *b, const char *owner, int64_t now, struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->st = b->st;
	ctx->owner = owner;
	ctx->now = now;
	ctx->tz = b->cfg->timezone;
	ctx->prefs = &b->cfg->prefs;
	ctx->bot_jid = b->cfg->jid;
}

/* owner is back: tells them (at to, a full JID) what happened to their
 * timer while they were away, if anything. */
static void
came_back(struct bot *b, const char *owner, const char *to, int64_t now)
{
	struct cmd_ctx ctx;
	struct text out;

	idle_ctx(b, owner, now, &ctx);
	text_init(&out, CMD_REPLY_MAX);
	if (idle_back(&ctx, &out) != CMD_OK) {
		log_error("%s came back: %s", owner, store_errmsg(b->st));
	} else if (out.len > 0) {
		send_chat(b, to, text_str(&out));
		/* idle.action stop may have stopped it just now. */
		timerstatus_send(b, owner);
	}
	text_free(&out);
}

/* p's presence changed from was to what it is now (from: the full JID
 * it came from): a move between here and away tells commands/. */
static void
moved(struct bot *b, struct person *p, enum where was, const char *from,
      int64_t now)
{
	enum where is = by_presence(p);
	bool away = is == WHERE_AWAY || is == WHERE_OFFLINE;
	bool was_away = was == WHERE_AWAY || was == WHERE_OFFLINE;
	struct cmd_ctx ctx;

	p->last = is;
	if (away && !was_away) {
		idle_ctx(b, p->bare, now, &ctx);
		if (idle_left(&ctx, moment_left(p, now)) != CMD_OK)
			log_error("%s went away: %s", p->bare, store_errmsg(b->st));
		else
			log_debug("%s went away", p->bare);
	} else if (is == WHERE_HERE && was != WHERE_HERE) {
		/* Back as dnd is not back: the question waits. */
		came_back(b, p->bare, from, now);
	}
}

/* An available presence from resource name of p at now; false when it
 * cannot be kept (get_res). */
static bool
available(struct bot *b, struct person *p, const char *name,
          xmpp_stanza_t *presence, int64_t now)
{
	bool added;
	struct resource *r = get_res(b->wb, p, name, &added);

	if (r == NULL)
		return false;
	r->show = read_show(b->ctx, presence);
	r->idle_since = read_idle(presence, now);
	if (r->idle_since != 0)
		r->left = r->idle_since;
	else if (r->show != SHOW_AWAY && r->show != SHOW_XA)
		r->left = 0;
	else if (added)
		r->left = LEFT_UNSEEN;
	else if (r->left == 0) /* it was here until now */
		r->left = now;
	return true;
}

void
whereabouts_presence(struct bot *b, xmpp_stanza_t *presence)
{
	const char *type = xmpp_stanza_get_type(presence);
	const char *from = xmpp_stanza_get_from(presence);
	char bare[STORE_OWNER_MAX + 1];
	const char *slash;
	struct person *p;
	enum where was;
	int64_t now;
	int i;

	if (b->wb == NULL || !bare_jid(from, bare, sizeof(bare)) ||
	    (type != NULL && strcmp(type, "unavailable") != 0) ||
	    jid_is_own(b, from) ||
	    !cfg_allowed(b->cfg, bare))
		return;
	slash = strchr(from, '/');
	now = wall_now();
	p = find(b->wb, bare);
	if (type != NULL) { /* unavailable */
		if (p == NULL || (i = find_res(p, slash ? slash + 1 : "")) < 0)
			return;
		free(p->res[i].name);
		p->res[i] = p->res[--p->nres];
	} else {
		if (p == NULL && (p = add_person(b->wb, bare)) == NULL)
			return;
		/* A presence not kept changes nothing; a contact just added
		 * for it goes again. */
		if (!available(b, p, slash ? slash + 1 : "", presence, now)) {
			if (p->nres == 0)
				drop_person(b->wb, p);
			return;
		}
	}
	was = p->last;
	moved(b, p, was, from, now);
	if (p->nres == 0)
		drop_person(b->wb, p);
}

void
whereabouts_heard(struct bot *b, const char *bare, struct text *out)
{
	struct cmd_ctx ctx;
	struct text said;

	idle_ctx(b, bare, wall_now(), &ctx);
	text_init(&said, CMD_REPLY_MAX);
	if (idle_back(&ctx, &said) != CMD_OK) {
		log_error("%s is here: %s", bare, store_errmsg(b->st));
	} else if (said.len > 0) {
		text_printf(out, "\n\n%s", text_str(&said));
		timerstatus_send(b, bare);
	}
	text_free(&said);
}

/* The users idle.action stop may concern, gathered before any is
 * handled (the store's callback must not use it). */
struct due {
	char **v;
	size_t n, cap;
};

static void
due_add(const char *owner, void *arg)
{
	struct due *d = arg;
	char **grown;
	size_t cap;

	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 8;
		if ((grown = realloc(d->v, cap * sizeof(*grown))) == NULL)
			return;
		d->v = grown;
		d->cap = cap;
	}
	if ((d->v[d->n] = strdup(owner)) != NULL)
		d->n++;
}

/*
 * The timed check of idle.action stop: each user away with a timer that
 * ran since before they left, and whose presence still says away or
 * offline, has commands/ stop it when due. Returns 1 to stay registered.
 */
static int
check(xmpp_conn_t *conn, void *userdata)
{
	struct bot *b = userdata;
	struct due d = { NULL, 0, 0 };
	struct cmd_ctx ctx;
	enum where where;
	size_t i;

	(void)conn;
	if (idle_candidates(b->st, due_add, &d) != STORE_OK)
		log_error("idle check: %s", store_errmsg(b->st));
	for (i = 0; i < d.n; i++) {
		where = whereabouts_of(b, d.v[i]);
		if (where == WHERE_AWAY || where == WHERE_OFFLINE) {
			idle_ctx(b, d.v[i], wall_now(), &ctx);
			if (idle_check(&ctx) != CMD_OK)
				log_error("idle check for %s: %s", d.v[i],
				          store_errmsg(b->st));
			else /* the contact list shows what stopped */
				timerstatus_send(b, d.v[i]);
		}
		free(d.v[i]);
	}
	free(d.v);
	return 1;
}

void
whereabouts_start(struct bot *b)
{
	xmpp_timed_handler_add(b->conn, check,
	                       wall_faked() ? WHEREABOUTS_FAKED_MS
	                                    : WHEREABOUTS_CHECK_MS, b);
}
