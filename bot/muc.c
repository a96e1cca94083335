/*
 * bot/muc.c - the team rooms (muc.h): entering them, their occupants,
 * and the commands addressed to us there.
 */
#include "muc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../commands/cmd.h"
#include "../commands/room.h"
#include "../commands/teams.h"
#include "../lib/civil.h"
#include "../lib/tz.h"
#include "access.h"
#include "clock.h"
#include "handlers.h"
#include "jobs.h"
#include "log.h"
#include "upload.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_DELAY "urn:xmpp:delay"

/* Said once in a room that hides real JIDs, before we leave it. */
#define REFUSAL "I only work in rooms that show every occupant's real JID " \
	"to everyone (non-anonymous): here I cannot tell who is speaking, " \
	"so I am leaving. An owner can change this in the room's settings " \
	"(who may discover real JIDs: anyone)."

enum room_state {
	ROOM_OUT,     /* not in it; rejoin_at says when to try (0: never) */
	ROOM_JOINING, /* our presence went, no answer yet */
	ROOM_IN,      /* in it, and it shows real JIDs */
	ROOM_GONE     /* refused, banned or not allowed: no more tries */
};

struct occupant {
	char *nick;
	char bare[STORE_OWNER_MAX + 1]; /* the real JID, bare */
};

struct room {
	char *jid; /* bare, as bot.yaml says */
	enum room_state state;
	int64_t rejoin_at; /* mono_ms of the next try when ROOM_OUT; 0: none */
	int64_t backoff;   /* ms before the next try after a failure */
	struct occupant *occ;
	size_t nocc;
};

/* The last local day (days since 1970-01-01 in defaults.timezone) this
 * process tried a team's digest, kept by team name across reconnects and
 * reloads; whether it went is the database's (see digest_due). */
struct digest_mark {
	char *team;
	int64_t day;
};

struct muc {
	struct room *v;
	size_t n;
	struct digest_mark *marks;
	size_t nmarks;
};

struct muc *
muc_new(void)
{
	return calloc(1, sizeof(struct muc));
}

static void
occupants_clear(struct room *r)
{
	size_t i;

	for (i = 0; i < r->nocc; i++)
		free(r->occ[i].nick);
	free(r->occ);
	r->occ = NULL;
	r->nocc = 0;
}

static void
rooms_clear(struct muc *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		occupants_clear(&m->v[i]);
		free(m->v[i].jid);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void
muc_free(struct muc *m)
{
	size_t i;

	if (m == NULL)
		return;
	rooms_clear(m);
	for (i = 0; i < m->nmarks; i++)
		free(m->marks[i].team);
	free(m->marks);
	free(m);
}

/* Our nick in every room: the account's resource. */
static const char *
our_nick(const struct bot *b)
{
	return b->cfg->resource != NULL && *b->cfg->resource != '\0'
	               ? b->cfg->resource
	               : "timmy";
}

/* The room whose bare JID is jid's bare part; NULL: none of ours. */
static struct room *
room_of(const struct bot *b, const char *jid, const char **nick)
{
	const char *slash;
	size_t len, i;

	if (b->muc == NULL || jid == NULL)
		return NULL;
	slash = strchr(jid, '/');
	len = slash ? (size_t)(slash - jid) : strlen(jid);
	*nick = slash ? slash + 1 : NULL;
	for (i = 0; i < b->muc->n; i++)
		if (strlen(b->muc->v[i].jid) == len &&
		    strncasecmp(b->muc->v[i].jid, jid, len) == 0)
			return &b->muc->v[i];
	return NULL;
}

/* The team that sits in room r; NULL when bot.yaml no longer says so. */
static const struct team *
team_of(const struct bot *b, const struct room *r)
{
	size_t i;

	for (i = 0; i < b->cfg->teams.n; i++)
		if (b->cfg->teams.v[i].room != NULL &&
		    strcasecmp(b->cfg->teams.v[i].room, r->jid) == 0)
			return &b->cfg->teams.v[i];
	return NULL;
}

/* Sends our presence to room/nick: entering (type NULL, no history) or
 * leaving ("unavailable"). */
static void
send_room_presence(struct bot *b, const struct room *r, const char *type)
{
	xmpp_stanza_t *p = xmpp_presence_new(b->ctx), *x = NULL, *h = NULL;
	char *to = xmpp_jid_new(b->ctx, NULL, r->jid, our_nick(b));
	bool ok = p != NULL && to != NULL;

	if (ok) {
		xmpp_stanza_set_to(p, to);
		if (type != NULL)
			xmpp_stanza_set_type(p, type);
		else
			ok = (x = bot_element(b->ctx, "x", NS_MUC)) != NULL &&
			     (h = bot_element(b->ctx, "history", NULL)) != NULL &&
			     xmpp_stanza_set_attribute(h, "maxstanzas", "0") ==
			             XMPP_EOK &&
			     xmpp_stanza_add_child(x, h) == XMPP_EOK &&
			     xmpp_stanza_add_child(p, x) == XMPP_EOK;
	}
	if (ok)
		xmpp_send(b->conn, p);
	else
		log_error("room %s: out of memory", r->jid);
	if (h)
		xmpp_stanza_release(h);
	if (x)
		xmpp_stanza_release(x);
	if (p)
		xmpp_stanza_release(p);
	if (to)
		xmpp_free(b->ctx, to);
}

static void
join(struct bot *b, struct room *r)
{
	occupants_clear(r);
	r->state = ROOM_JOINING;
	r->rejoin_at = 0;
	send_room_presence(b, r, NULL);
	log_info("entering room %s as %s", r->jid, our_nick(b));
}

/* Sends body to everyone in r. */
static void
say(struct bot *b, const struct room *r, const char *body)
{
	char *id = xmpp_uuid_gen(b->ctx);
	xmpp_stanza_t *msg = xmpp_message_new(b->ctx, "groupchat", r->jid, id);

	if (id)
		xmpp_free(b->ctx, id);
	if (msg == NULL || xmpp_message_set_body(msg, body) != XMPP_EOK)
		log_error("message to room %s: out of memory", r->jid);
	else
		xmpp_send(b->conn, msg);
	if (msg)
		xmpp_stanza_release(msg);
}

/*
 * The rooms of b->cfg's teams, one each however many teams share it: a
 * room we had (in old, n of them) keeps its state, and is taken out of
 * old (its jid NULL); a new one is ROOM_OUT and not tried yet.
 */
static void
rooms_from_config(struct bot *b, struct room *old, size_t n)
{
	const struct teams *t = &b->cfg->teams;
	struct room *r;
	const char *nick;
	size_t i, j;

	b->muc->v = NULL;
	b->muc->n = 0;
	if (t->n == 0 || (b->muc->v = calloc(t->n, sizeof(struct room))) == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		if (t->v[i].room == NULL || room_of(b, t->v[i].room, &nick))
			continue;
		r = &b->muc->v[b->muc->n];
		for (j = 0; j < n; j++)
			if (old[j].jid && strcasecmp(old[j].jid, t->v[i].room) == 0)
				break;
		if (j < n) {
			*r = old[j];
			old[j].jid = NULL;
			old[j].occ = NULL;
			old[j].nocc = 0;
		} else if ((r->jid = strdup(t->v[i].room)) == NULL) {
			log_error("room %s: out of memory", t->v[i].room);
			continue;
		} else {
			r->backoff = MUC_BACKOFF_MIN_MS;
		}
		b->muc->n++;
	}
}

/* Makes b->muc's rooms those of b->cfg, as rooms_from_config; those of
 * old that no team names any more are left (when online) and freed. */
static void
rooms_renew(struct bot *b, bool online)
{
	struct muc old = *b->muc;
	size_t i;

	rooms_from_config(b, old.v, old.n);
	for (i = 0; i < old.n; i++) {
		if (old.v[i].jid == NULL)
			continue;
		if (online && (old.v[i].state == ROOM_IN ||
		               old.v[i].state == ROOM_JOINING)) {
			send_room_presence(b, &old.v[i], "unavailable");
			log_info("leaving room %s: no team names it now",
			         old.v[i].jid);
		}
	}
	old.marks = NULL;
	old.nmarks = 0;
	rooms_clear(&old);
}

/*
 * The mark of team t: the last day this process tried its digest, so that
 * the database (store_team_digest_record, which says whether that day's
 * went already, across restarts too) is asked once a day, not on every
 * tick. A new mark has none yet. NULL when out of memory.
 */
static struct digest_mark *
mark_of(struct muc *m, const struct team *t)
{
	struct digest_mark *v;
	size_t i;

	for (i = 0; i < m->nmarks; i++)
		if (strcmp(m->marks[i].team, t->name) == 0)
			return &m->marks[i];
	v = realloc(m->marks, (m->nmarks + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	m->marks = v;
	if ((v[m->nmarks].team = strdup(t->name)) == NULL)
		return NULL;
	v[m->nmarks].day = INT64_MIN;
	return &m->marks[m->nmarks++];
}

/* Posts team t's digest in its room r when it is due at now: a weekday,
 * its time passed, not posted yet today (the database says, so a bot that
 * was down at the time posts it late the same day). Not the next day: a
 * digest not posted by midnight is dropped. */
static void
digest_due(struct bot *b, const struct team *t, int64_t now)
{
	const char *tz = b->cfg->timezone, *nick;
	struct digest_mark *mark;
	struct room *r;
	struct text out;
	struct tm tm;
	store_rc rc;
	int64_t day;

	if (t->room == NULL || t->digest < 0 || tz_local(tz, now, &tm) != 0 ||
	    tm.tm_hour * 60 + tm.tm_min < t->digest ||
	    tm.tm_wday == 0 || tm.tm_wday == 6)
		return;
	day = civil_days_from((int64_t)tm.tm_year + 1900, tm.tm_mon + 1,
	                      tm.tm_mday);
	if ((mark = mark_of(b->muc, t)) == NULL || mark->day == day)
		return;
	r = room_of(b, t->room, &nick);
	if (r == NULL || r->state != ROOM_IN)
		return; /* in the room again, it comes then */
	text_init(&out, CMD_DIGEST_MAX);
	rc = cmd_room_digest_take(b->st, t, tz, day, now, &out);
	if (rc == STORE_OK) {
		say(b, r, text_str(&out));
		log_info("posted the digest of team %s in %s", t->name, r->jid);
	} else if (rc != STORE_CONFLICT) {
		log_error("digest of team %s: %s", t->name, store_errmsg(b->st));
	}
	/* Once a day, even when the store failed: no retry storm. */
	mark->day = day;
	text_free(&out);
}

/* The timed handler: rooms whose next try is due are entered again, and
 * the digests that are due go out. */
static int
tick(xmpp_conn_t *conn, void *userdata)
{
	struct bot *b = userdata;
	int64_t now = mono_ms();
	size_t i;

	(void)conn;
	for (i = 0; i < b->muc->n; i++)
		if (b->muc->v[i].state == ROOM_OUT && b->muc->v[i].rejoin_at != 0 &&
		    b->muc->v[i].rejoin_at <= now)
			join(b, &b->muc->v[i]);
	if (!b->away.catching_up)
		for (i = 0; i < b->cfg->teams.n; i++)
			digest_due(b, &b->cfg->teams.v[i], wall_now());
	return 1;
}

void
muc_online(struct bot *b, bool fresh)
{
	size_t i;

	if (b->muc == NULL)
		return;
	if (fresh) {
		/* A new session is in no room: enter them all, with the
		 * teams bot.yaml names now. */
		rooms_renew(b, false);
		for (i = 0; i < b->muc->n; i++)
			join(b, &b->muc->v[i]);
	}
	xmpp_timed_handler_delete(b->conn, tick);
	xmpp_timed_handler_add(b->conn, tick,
	                       wall_faked() ? MUC_FAKED_MS : MUC_PERIOD_MS, b);
}

void
muc_reload(struct bot *b, bool online)
{
	size_t i;

	if (b->muc == NULL)
		return;
	rooms_renew(b, online);
	/* Offline, the next login enters them all. */
	for (i = 0; online && i < b->muc->n; i++)
		if (b->muc->v[i].state == ROOM_OUT && b->muc->v[i].rejoin_at == 0)
			join(b, &b->muc->v[i]);
}

void
muc_offline(struct bot *b)
{
	xmpp_timed_handler_delete(b->conn, tick);
}

/* The <x xmlns=muc#user/> of a stanza; NULL: none. */
static xmpp_stanza_t *
muc_user(xmpp_stanza_t *stanza)
{
	return xmpp_stanza_get_child_by_name_and_ns(stanza, "x", NS_MUC_USER);
}

/* True when x (muc#user) carries <status code=code/>. */
static bool
has_status(xmpp_stanza_t *x, const char *code)
{
	xmpp_stanza_t *c;
	const char *v;

	for (c = x ? xmpp_stanza_get_children(x) : NULL; c != NULL;
	     c = xmpp_stanza_get_next(c)) {
		v = xmpp_stanza_get_name(c) ? xmpp_stanza_get_attribute(c, "code")
		                            : NULL;
		if (v != NULL && strcmp(xmpp_stanza_get_name(c), "status") == 0 &&
		    strcmp(v, code) == 0)
			return true;
	}
	return false;
}

bool
muc_shows_real_jids(xmpp_stanza_t *self_presence)
{
	return has_status(muc_user(self_presence), "100");
}

/* The defined condition of an error stanza's <error/>: its first child
 * other than <text/>; NULL when none. */
static const char *
error_condition(xmpp_stanza_t *stanza)
{
	xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(stanza, "error"), *c;
	const char *name;

	for (c = e ? xmpp_stanza_get_children(e) : NULL; c != NULL;
	     c = xmpp_stanza_get_next(c))
		if ((name = xmpp_stanza_get_name(c)) != NULL &&
		    strcmp(name, "text") != 0)
			return name;
	return NULL;
}

bool
muc_may_rejoin(xmpp_stanza_t *presence, const char **why)
{
	static const char *const final[] = {
		"forbidden", "not-allowed", "registration-required",
		"not-authorized", "jid-malformed", "bad-request",
	};
	const char *type = xmpp_stanza_get_type(presence), *cond;
	xmpp_stanza_t *x = muc_user(presence);
	size_t i;

	if (type != NULL && strcmp(type, "error") == 0) {
		cond = error_condition(presence);
		*why = cond != NULL ? cond : "an error without a condition";
		for (i = 0; cond != NULL && i < sizeof(final) / sizeof(*final); i++)
			if (strcmp(cond, final[i]) == 0)
				return false;
		return true;
	}
	if (has_status(x, "301")) {
		*why = "banned";
		return false;
	}
	if (has_status(x, "307")) {
		*why = "kicked";
		return true;
	}
	if (has_status(x, "332")) {
		*why = "the room's service shut down";
		return true;
	}
	if (x != NULL && xmpp_stanza_get_child_by_name(x, "destroy") != NULL) {
		*why = "the room was destroyed";
		return false;
	}
	*why = "removed from the room (no longer a member, or members only)";
	return false;
}

/* After our presence in r came back as an error or an unavailable one:
 * out of the room, with another try after the backoff when allowed. */
static void
left(struct room *r, xmpp_stanza_t *stanza)
{
	const char *why;

	occupants_clear(r);
	if (muc_may_rejoin(stanza, &why)) {
		r->state = ROOM_OUT;
		r->rejoin_at = mono_ms() + r->backoff;
		log_warn("room %s: %s; entering again in %lld s", r->jid, why,
		         (long long)(r->backoff / 1000));
		r->backoff = r->backoff * 2 > MUC_BACKOFF_MAX_MS
		                     ? MUC_BACKOFF_MAX_MS
		                     : r->backoff * 2;
	} else {
		r->state = ROOM_GONE;
		log_warn("room %s: %s; not entering it again until the next "
		         "login", r->jid, why);
	}
}

/* Our own presence in r, available: in, unless the room hides JIDs. */
static void
entered(struct bot *b, struct room *r, xmpp_stanza_t *stanza)
{
	if (r->state == ROOM_IN)
		return;
	if (!muc_shows_real_jids(stanza)) {
		log_warn("room %s does not show its occupants' real JIDs; "
		         "leaving it", r->jid);
		say(b, r, REFUSAL);
		r->state = ROOM_GONE;
		send_room_presence(b, r, "unavailable");
		occupants_clear(r);
		return;
	}
	r->state = ROOM_IN;
	r->backoff = MUC_BACKOFF_MIN_MS;
	log_info("in room %s as %s", r->jid, our_nick(b));
}

static struct occupant *
occupant(struct room *r, const char *nick)
{
	size_t i;

	for (i = 0; i < r->nocc; i++)
		if (strcmp(r->occ[i].nick, nick) == 0)
			return &r->occ[i];
	return NULL;
}

static void
occupant_forget(struct room *r, const char *nick)
{
	struct occupant *o = occupant(r, nick);

	if (o == NULL)
		return;
	free(o->nick);
	*o = r->occ[--r->nocc];
}

/* Someone else's presence in r: their nick and real JID, kept or
 * forgotten. */
static void
occupant_presence(struct room *r, const char *nick, xmpp_stanza_t *stanza)
{
	const char *type = xmpp_stanza_get_type(stanza);
	xmpp_stanza_t *x = muc_user(stanza), *item;
	const char *jid = NULL;
	struct occupant *o, *v;
	char bare[STORE_OWNER_MAX + 1];

	item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
	if (item != NULL)
		jid = xmpp_stanza_get_attribute(item, "jid");
	if (type != NULL || jid == NULL || !bare_jid(jid, bare, sizeof(bare))) {
		occupant_forget(r, nick);
		return;
	}
	if ((o = occupant(r, nick)) == NULL) {
		v = realloc(r->occ, (r->nocc + 1) * sizeof(*v));
		if (v == NULL || (v[r->nocc].nick = strdup(nick)) == NULL) {
			if (v != NULL)
				r->occ = v;
			log_error("room %s: out of memory", r->jid);
			return;
		}
		r->occ = v;
		o = &r->occ[r->nocc++];
	}
	memcpy(o->bare, bare, sizeof(bare));
}

bool
muc_presence(struct bot *b, xmpp_stanza_t *stanza)
{
	const char *nick, *type = xmpp_stanza_get_type(stanza);
	struct room *r = room_of(b, xmpp_stanza_get_from(stanza), &nick);
	bool self;

	if (r == NULL)
		return false;
	if (r->state == ROOM_GONE)
		return true;
	self = has_status(muc_user(stanza), "110") ||
	       (nick != NULL && strcmp(nick, our_nick(b)) == 0);
	if (type != NULL && strcmp(type, "error") == 0) {
		/* Errors come from the room's nick we asked for. */
		left(r, stanza);
		return true;
	}
	if (nick == NULL)
		return true;
	if (!self)
		occupant_presence(r, nick, stanza);
	else if (type != NULL && strcmp(type, "unavailable") == 0)
		left(r, stanza);
	else if (type == NULL)
		entered(b, r, stanza);
	return true;
}

/* True when a member or lead of r's team is bare. */
static bool
in_team(const struct team *t, const char *bare)
{
	return t != NULL &&
	       (access_match(t->members, t->nmembers, bare) ||
	        access_match(t->leads, t->nleads, bare));
}

/* Runs command for real (nick in r) and answers: privately, and in the
 * room an acknowledgement of a change, or the whole reply for the room
 * (report team) when the message was to everyone (in_room). */
static void
run(struct bot *b, struct room *r, const struct team *t, xmpp_stanza_t *stanza,
    const char *nick, const char *real, const char *command, bool in_room)
{
	char buf[512];
	struct cmd_file file;
	struct cmd_job *job = NULL;
	struct text out, ack;
	bool changed = false;
	int rc;

	command = cmd_room_command(command, t, buf, sizeof(buf));
	text_init(&out, CMD_REPLY_MAX);
	cmd_file_init(&file);
	rc = message_run_as(b, stanza, real, command, &file, &out, &changed,
	                    &job);
	if (job != NULL) {
		/* A long export: its reply and file come privately when it
		 * is done (bot/jobs.h). */
		jobs_add(b, job, real, real, NULL, NULL, NULL, &out);
	} else if (rc < 0) {
		/* Over the rate limit: message_run_as told them. */
	} else if (in_room && cmd_room_public(command) && !file.present) {
		say(b, r, text_str(&out));
	} else {
		send_chat(b, real, text_str(&out));
		if (file.present)
			upload_deliver(b->up, real, NULL, &file);
		/* A change to their own settings is theirs alone. */
		if (in_room && changed && !cmd_is_personal(command)) {
			text_init(&ack, 512);
			cmd_room_ack(nick, text_str(&out), &ack);
			say(b, r, text_str(&ack));
			text_free(&ack);
		}
	}
	log_info("room %s: a command from %s (%s)", r->jid, nick, real);
	cmd_file_free(&file);
	text_free(&out);
}

/* Logs, at most once a minute per sender, a message from the room we do
 * not run. */
static void
ignored(struct bot *b, const struct room *r, const char *nick, const char *why)
{
	char key[STORE_OWNER_MAX * 2 + 2];

	snprintf(key, sizeof(key), "%s/%s", r->jid, nick);
	if (log_tally_first(b->strangers, key, mono_ms()))
		log_info("room %s: ignored a message from %s (%s)", r->jid, nick,
		         why);
}

bool
muc_message(struct bot *b, xmpp_stanza_t *stanza)
{
	const char *type = xmpp_stanza_get_type(stanza), *nick, *command;
	const char *about_id;
	struct room *r = room_of(b, xmpp_stanza_get_from(stanza), &nick);
	bool groupchat = type != NULL && strcmp(type, "groupchat") == 0;
	xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(stanza, "body");
	struct occupant *o;
	char *body;

	if (r == NULL)
		return groupchat; /* groupchat from elsewhere: nothing of ours */
	/* The room itself (subjects, status), errors, our own messages,
	 * history (XEP-0203 delay: said before we came), no text, and
	 * rooms we are not serving in. */
	if (nick == NULL || body_el == NULL || r->state != ROOM_IN ||
	    (type != NULL && strcmp(type, "error") == 0) ||
	    strcmp(nick, our_nick(b)) == 0 ||
	    xmpp_stanza_get_child_by_name_and_ns(stanza, "delay", NS_DELAY) ||
	    (type != NULL && strcmp(type, "headline") == 0))
		return true;
	if ((body = xmpp_stanza_get_text(body_el)) == NULL)
		return true;
	command = groupchat ? cmd_room_addressed(body, our_nick(b)) : body;
	if (command == NULL) {
		/* Talk among the others. */
	} else if (inbound_about(stanza, &about_id) != INBOUND_NEW) {
		/* An edit or retraction (XEP-0308, XEP-0424) of something
		 * said in a room: the room has seen the first one run;
		 * running the new text too would count twice. */
		ignored(b, r, nick, "it corrects or retracts an earlier one");
	} else if ((o = occupant(r, nick)) == NULL) {
		ignored(b, r, nick, "its real JID is not known");
	} else if (!in_team(team_of(b, r), o->bare)) {
		ignored(b, r, nick, "not in the room's team");
	} else {
		run(b, r, team_of(b, r), stanza, nick, o->bare, command,
		    groupchat);
	}
	xmpp_free(b->ctx, body);
	return true;
}
