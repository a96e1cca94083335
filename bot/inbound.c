/*
 * bot/inbound.c - a received message's send time and key. See inbound.h.
 * Part of bot/: reads libstrophe stanzas, depends on nothing else but
 * log.h.
 *
 * XEP-0203 section 3: a server that kept a message for a while (offline
 * storage, or a stream management session waiting to be resumed) adds
 * <delay xmlns='urn:xmpp:delay' from='server' stamp='...'/>. Prosody 0.12
 * adds from='our domain' in mod_offline and from='our bare JID' in
 * mod_smacks (to every stanza it queues for a resend), two when a
 * hibernating session's queue goes to offline storage; the earliest
 * stamp is when the sender sent it.
 *
 * A delay is no proof of anything by itself: a client may put one, with
 * any from, in any message it sends, and Prosody passes it on untouched.
 * Believed, a stamp from 00:00 today (or 1970) made "start" count then,
 * and entries stacked on each other. So a stamp counts only
 *  - from our server (our domain, or our own account);
 *  - for a message that arrives while the bot catches up after a login or
 *    a resume, which is when the server delivers what it kept
 *    (struct inbound_away: until the answer to a ping sent on login);
 *  - and within the time the bot was really away: after it was last
 *    online, not after it came back.
 * Anything else runs when it arrives. A forged stamp that passes all
 * three can only be a time the user could have named with "at" or "ago",
 * and the command layer checks every change against recorded time.
 *
 * After a fresh start the process cannot know when its predecessor went
 * away: no table records it (adding one would change the schema), and the
 * latest change in the database is no bound either, since a busy bot that
 * died left messages sent before its last change unhandled. The bound is
 * then INBOUND_AWAY_MAX, the STORE_MSG_DAYS for which the store keeps the
 * keys that make a message apply once: a message kept longer than that
 * could not be told from its first delivery anyway.
 */
#include "inbound.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/civil.h"
#include "log.h"

#define NS_DELAY "urn:xmpp:delay"
#define NS_SID "urn:xmpp:sid:0"
#define NS_CARBONS_PREFIX "urn:xmpp:carbons:"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_RETRACT "urn:xmpp:message-retract:1"
#define NS_RETRACT_0 "urn:xmpp:message-retract:0"
#define NS_FASTEN "urn:xmpp:fasten:0"

/* Fractions of a second longer than this are refused: no clock has them,
 * and it bounds the work on a hostile stamp. */
#define FRACTION_MAX 18

/* The n decimal digits at s as a number in *v; false unless s starts
 * with n digits. Stops at the first non-digit, so never reads past a
 * NUL. */
static bool
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool
inbound_parse_stamp(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, n;
	const char *p;
	int64_t t;

	if (s == NULL)
		return false;
	/* CCYY-MM-DDThh:mm:ss; each test stops at the first mismatch, so a
	 * short string ends the parse at its NUL. */
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	p = s + 19;
	if (*p == '.') {
		for (n = 0, p++; *p >= '0' && *p <= '9'; p++)
			if (++n > FRACTION_MAX)
				return false;
		if (n == 0)
			return false;
	}
	if (p[0] == 'Z' && p[1] == '\0') {
		sign = 0;
	} else if ((p[0] == '+' || p[0] == '-') && digits(p + 1, 2, &oh) &&
	           p[3] == ':' && digits(p + 4, 2, &om) && p[6] == '\0') {
		sign = p[0] == '+' ? 1 : -1;
	} else {
		return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > civil_days_in_month(y, mo) || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		return false;
	/* A leap second counts as the second before it: the day stays. */
	if (sec == 60)
		sec = 59;
	t = civil_days_from(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	/* Local time minus its offset is UTC. */
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	if (t < 0)
		return false;
	*out = t;
	return true;
}

/* True when the delay's from names our server: the domain of account
 * (a bare JID) or account itself. Domains and our localpart compare
 * without regard to ASCII case, as the server treats them. */
static bool
from_our_server(const char *from, const char *account)
{
	const char *at = strchr(account, '@');

	if (from == NULL)
		return false;
	return strcasecmp(from, account) == 0 ||
	       (at != NULL && strcasecmp(from, at + 1) == 0);
}

bool
inbound_sent_at(xmpp_stanza_t *msg, const struct inbound_away *away,
                const char *account, int64_t now, int64_t *sent)
{
	xmpp_stanza_t *c;
	const char *why = NULL, *sender = xmpp_stanza_get_from(msg);
	int64_t t, earliest = 0;
	bool found = false;

	for (c = xmpp_stanza_get_children(msg); c != NULL;
	     c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_get_name(c);
		const char *ns = xmpp_stanza_get_ns(c);
		const char *stamp;

		if (!xmpp_stanza_is_tag(c) || name == NULL || ns == NULL ||
		    strcmp(name, "delay") != 0 || strcmp(ns, NS_DELAY) != 0)
			continue;
		stamp = xmpp_stanza_get_attribute(c, "stamp");
		if (!inbound_parse_stamp(stamp, &t)) {
			log_debug("ignored a delay stamp that is not an XEP-0082 "
			          "date-time: \"%.64s\"", stamp ? stamp : "");
			continue;
		}
		if (!from_our_server(xmpp_stanza_get_attribute(c, "from"),
		                     account)) {
			why = "it is not our server's";
			continue;
		}
		if (!away->catching_up) {
			why = "the message did not come from what the server kept "
			      "while we were away";
			continue;
		}
		if (t < away->since || t > away->until) {
			why = "it is outside the time we were away";
			continue;
		}
		if (!found || t < earliest)
			earliest = t;
		found = true;
	}
	if (!found) {
		if (why != NULL)
			log_info("message from %s runs now: ignored its delay stamp "
			         "(%s)", sender ? sender : "nobody", why);
		return false;
	}
	*sent = earliest > now ? now : earliest;
	return true;
}

const char *
inbound_key(xmpp_stanza_t *msg, char *buf, size_t n)
{
	xmpp_stanza_t *origin;
	const char *id = NULL, *from;
	int r;

	origin = xmpp_stanza_get_child_by_name_and_ns(msg, "origin-id", NS_SID);
	if (origin != NULL)
		id = xmpp_stanza_get_attribute(origin, "id");
	if (id != NULL && *id != '\0') {
		r = snprintf(buf, n, "o:%s", id);
	} else {
		id = xmpp_stanza_get_id(msg);
		from = xmpp_stanza_get_from(msg);
		if (id == NULL || *id == '\0' || from == NULL || *from == '\0')
			return NULL;
		r = snprintf(buf, n, "i:%s/%s", from, id);
	}
	if (r < 0 || (size_t)r >= n || r > INBOUND_KEY_MAX) {
		log_debug("message key of %d bytes not used (at most %d)", r,
		          INBOUND_KEY_MAX);
		return NULL;
	}
	return buf;
}

/* The SHA-1 of key as INBOUND_DIGEST_LEN lowercase hex digits in buf
 * (at least INBOUND_DIGEST_LEN + 1 bytes). */
static void
digest_hex(const char *key, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[XMPP_SHA1_DIGEST_SIZE];
	size_t i;

	xmpp_sha1_digest((const unsigned char *)key, strlen(key), d);
	for (i = 0; i < sizeof(d); i++) {
		buf[2 * i] = hex[d[i] >> 4];
		buf[2 * i + 1] = hex[d[i] & 0xf];
	}
	buf[INBOUND_DIGEST_LEN] = '\0';
}

const char *
inbound_key_digest(xmpp_stanza_t *msg, char *buf, size_t n)
{
	char key[INBOUND_KEY_MAX + 1];

	if (n < INBOUND_DIGEST_LEN + 1 ||
	    inbound_key(msg, key, sizeof(key)) == NULL)
		return NULL;
	digest_hex(key, buf);
	return buf;
}

/* In buf: the digest of what r, snprintf's result into key (of size n),
 * made, or "" when it did not fit. */
static void
digest_made(int r, const char *key, size_t n, char *buf)
{
	buf[0] = '\0';
	if (r >= 0 && (size_t)r < n)
		digest_hex(key, buf);
}

void
inbound_about_keys(xmpp_stanza_t *msg, const char *id,
                   char keys[2][INBOUND_DIGEST_LEN + 1])
{
	const char *from = xmpp_stanza_get_from(msg);
	char key[INBOUND_KEY_MAX + 1];

	/* The two forms of inbound_key's keys. */
	digest_made(snprintf(key, sizeof(key), "o:%s", id), key, sizeof(key),
	            keys[0]);
	keys[1][0] = '\0';
	if (from != NULL && *from != '\0')
		digest_made(snprintf(key, sizeof(key), "i:%s/%s", from, id), key,
		            sizeof(key), keys[1]);
}

/* True when e is an element named name whose namespace is ns. */
static bool
is_element(xmpp_stanza_t *e, const char *name, const char *ns)
{
	const char *n, *x;

	if (!xmpp_stanza_is_tag(e))
		return false;
	n = xmpp_stanza_get_name(e);
	x = xmpp_stanza_get_ns(e);
	return n != NULL && x != NULL && strcmp(n, name) == 0 &&
	       strcmp(x, ns) == 0;
}

const char *
inbound_wrapped(xmpp_stanza_t *msg)
{
	xmpp_stanza_t *c, *g;
	const char *name, *ns;

	for (c = xmpp_stanza_get_children(msg); c; c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c))
			continue;
		name = xmpp_stanza_get_name(c);
		ns = xmpp_stanza_get_ns(c);
		/* XEP-0280 section 7: <received/> and <sent/> wrap a copy of
		 * a message from or to another resource of the account. Its
		 * <private/> is only a hint on a plain message. */
		if (name != NULL && ns != NULL &&
		    strncmp(ns, NS_CARBONS_PREFIX, strlen(NS_CARBONS_PREFIX)) == 0 &&
		    (strcmp(name, "received") == 0 || strcmp(name, "sent") == 0))
			return "a carbon copy";
		if (is_element(c, "forwarded", NS_FORWARD))
			return "a forwarded message";
		/* One level down: <result><forwarded/></result> and other
		 * wrappers around a forward. Deeper nesting is no protocol we
		 * know, and bounding the search bounds the work. */
		for (g = xmpp_stanza_get_children(c); g; g = xmpp_stanza_get_next(g))
			if (is_element(g, "forwarded", NS_FORWARD))
				return "a forwarded message";
	}
	return NULL;
}

/* The non-empty id attribute of e, or NULL. */
static const char *
id_of(xmpp_stanza_t *e)
{
	const char *id = xmpp_stanza_get_attribute(e, "id");

	return id != NULL && *id != '\0' ? id : NULL;
}

enum inbound_about
inbound_about(xmpp_stanza_t *msg, const char **id)
{
	enum inbound_about about = INBOUND_NEW;
	xmpp_stanza_t *c, *g;
	const char *cid;

	*id = NULL;
	for (c = xmpp_stanza_get_children(msg); c; c = xmpp_stanza_get_next(c)) {
		if ((cid = id_of(c)) == NULL)
			continue;
		/* XEP-0424 (1.0): the id of the message withdrawn. */
		if (is_element(c, "retract", NS_RETRACT)) {
			*id = cid;
			return INBOUND_RETRACTS;
		}
		/* XEP-0424 before 0.4, over XEP-0422 fastening. */
		if (is_element(c, "apply-to", NS_FASTEN)) {
			for (g = xmpp_stanza_get_children(c); g;
			     g = xmpp_stanza_get_next(g))
				if (is_element(g, "retract", NS_RETRACT_0)) {
					*id = cid;
					return INBOUND_RETRACTS;
				}
		}
		/* XEP-0308: the id of the message corrected; a retraction
		 * later among the children still wins. */
		if (about == INBOUND_NEW && is_element(c, "replace", NS_CORRECT)) {
			*id = cid;
			about = INBOUND_CORRECTS;
		}
	}
	return about;
}
