/*
 * bot/inbound.h - what a received message says about itself, apart from
 * its text: when it was sent (XEP-0203 delayed delivery, with XEP-0082
 * time stamps), what identifies it if it comes again (XEP-0359
 * origin-id, else the sender's full JID and the stanza id), and whether
 * it only carries someone else's message (carbons, forwards); which
 * earlier message it corrects or retracts (XEP-0308, XEP-0424), and the
 * keys that one may have had; and whether its text is UTF-8.
 *
 * Private to bot/. message.c puts both into struct cmd_ctx (now and
 * offline; msg_key), so commands the server kept while the bot was away
 * count at the time they were sent, and a message redelivered after a
 * stream management resume is applied once.
 */
#ifndef TIMMY_INBOUND_H
#define TIMMY_INBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

/* The longest message key (bytes, without the NUL); longer ones are not
 * used, and the message gets no key. */
#define INBOUND_KEY_MAX 512

/*
 * Parses an XEP-0082 DateTime, "CCYY-MM-DDThh:mm:ss[.sss]TZD" where TZD is
 * "Z" or "+hh:mm" / "-hh:mm", into UTC epoch seconds in *out (fractions
 * of a second are dropped). Strict: uppercase T and Z, every field in
 * range (February 29th only in leap years), nothing before or after, and
 * not before 1970. Returns false for anything else; *out is then
 * unchanged.
 */
bool inbound_parse_stamp(const char *stamp, int64_t *out);

/*
 * The oldest delay stamp inbound_sent_at believes after a fresh start
 * (seconds before the process started). See struct inbound_away.
 */
#define INBOUND_AWAY_MAX (30 * 86400)

/*
 * When the bot was away, as far as it knows: what a delay stamp has to
 * agree with before it counts (inbound_sent_at). bot/session.c keeps it.
 *
 * since: the wall-clock second the bot was last known online: the last
 * stanza the server sent before the connection broke; after a fresh
 * start, INBOUND_AWAY_MAX before the process started (nothing records
 * when the previous process went away; see inbound.c).
 * until: the second it logged in or resumed again; INT64_MAX while the
 * connection is being made (a resume replays stanzas before it reports
 * the session).
 * catching_up: from the start of a connection until the server answered
 * the ping the bot sends as soon as it is online (or a few seconds
 * passed): the server hands out offline storage (XEP-0160) and replays a
 * resumed session's unacknowledged stanzas (XEP-0198) before it reads
 * that ping, so only what it delivers meanwhile can be what it kept.
 */
struct inbound_away {
	int64_t since;
	int64_t until;
	bool catching_up;
};

/*
 * When msg (a <message/>) was sent, if the server kept it while the bot
 * was away: from its <delay xmlns='urn:xmpp:delay' stamp='...'/>
 * children (XEP-0203). Only a delay whose from is the bot's own server
 * (the domain of account, a bare JID) or account itself counts (offline
 * storage stamps with the server's domain, Prosody's stream management
 * with the account), and only when its stamp lies in [away->since,
 * away->until]; of those the earliest, since a message a server kept for
 * a while can carry one from each place it waited (a hibernating stream
 * management session, then offline storage). A client may write a delay
 * of its own, any from included, into any message, and servers pass it
 * on: so nothing counts unless away->catching_up. A stamp after now is
 * taken as now (a server clock ahead of ours). Unparseable stamps are
 * skipped (logged at debug); a stamp not believed is logged at info.
 * Returns true and sets *sent when a stamp counts; false (the message
 * runs when it arrived) otherwise.
 */
bool inbound_sent_at(xmpp_stanza_t *msg, const struct inbound_away *away,
                     const char *account, int64_t now, int64_t *sent);

/*
 * The key of msg in buf (n bytes): "o:" and the id of its XEP-0359
 * <origin-id xmlns='urn:xmpp:sid:0'/>, which the sending client chose and
 * keeps across resends; else "i:", the sender's full JID, "/" and the
 * stanza's id attribute (some clients number their messages per session,
 * so the id alone is not enough); else nothing. Keys longer than
 * INBOUND_KEY_MAX (or than buf) are not used (logged at debug). Returns
 * buf, or NULL when msg has no usable key. Keys say nothing about who
 * may use them: the command layer scopes them by sender.
 */
const char *inbound_key(xmpp_stanza_t *msg, char *buf, size_t n);

/* The hex digits of a key's digest (SHA-1, 20 bytes). */
#define INBOUND_DIGEST_LEN (2 * XMPP_SHA1_DIGEST_SIZE)

/*
 * What the command layer gets as the message's key: the SHA-1 of
 * inbound_key's key, as INBOUND_DIGEST_LEN lowercase hex digits in buf
 * (n bytes, at least INBOUND_DIGEST_LEN + 1). A fixed size, whatever the
 * client chose for an id: that is what the database keeps for each
 * change. Returns buf, or NULL when msg has no usable key.
 */
const char *inbound_key_digest(xmpp_stanza_t *msg, char *buf, size_t n);

/* What a message says it does to an earlier one (inbound_about). */
enum inbound_about {
	INBOUND_NEW,       /* nothing: a message of its own */
	INBOUND_CORRECTS,  /* XEP-0308: its body replaces the earlier one */
	INBOUND_RETRACTS   /* XEP-0424: the earlier one is withdrawn */
};

/*
 * Whether msg corrects or retracts an earlier message of its sender:
 * an XEP-0308 <replace xmlns='urn:xmpp:message-correct:0' id='...'/>,
 * an XEP-0424 <retract xmlns='urn:xmpp:message-retract:1' id='...'/>, or
 * the older form of a retraction, <apply-to xmlns='urn:xmpp:fasten:0'
 * id='...'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to>. A
 * retraction wins over a correction in the same message. *id gets the
 * earlier message's stanza id (borrowed from msg); an element without a
 * non-empty id counts as absent. INBOUND_NEW for anything else.
 */
enum inbound_about inbound_about(xmpp_stanza_t *msg, const char **id);

/*
 * The keys (inbound_key_digest) an earlier message of msg's sender with
 * the stanza id id may have had: in keys[0] the one from an XEP-0359
 * origin-id equal to id (clients that send both make them equal), in
 * keys[1] the one from msg's sender (its full JID) and id. A key that
 * cannot be made (too long, no sender) is "" (NUL at [0]). XEP-0308 and
 * XEP-0424 name the earlier message by its stanza id, which is all we
 * have: a client whose origin-id differs from its stanza id, and which
 * corrects from another resource, finds nothing (the correction then
 * runs as a new message).
 */
void inbound_about_keys(xmpp_stanza_t *msg, const char *id,
                        char keys[2][INBOUND_DIGEST_LEN + 1]);

/*
 * What msg carries of another stanza, if anything: "a carbon copy" for an
 * XEP-0280 <received/> or <sent/> (urn:xmpp:carbons:2, or an earlier
 * version's namespace), "a forwarded message" for an XEP-0297
 * <forwarded xmlns='urn:xmpp:forward:0'/> among its children or their
 * children (as in XEP-0313 archive results); NULL for a message that is
 * only itself. Such a message speaks for someone else, so its text is
 * never a command, whoever sent it (CVE-2017-5589: forged carbons). The
 * returned string is static.
 */
const char *inbound_wrapped(xmpp_stanza_t *msg);

#endif
