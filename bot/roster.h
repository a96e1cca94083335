/*
 * bot/roster.h - the bot's contacts, kept so that presence subscriptions
 * follow access.allow.
 *
 * RFC 6121 section 2: after every fresh login (not after a stream
 * management resume, which keeps the session and its roster) we ask our
 * server for the roster, and then follow its pushes. Whenever the roster
 * arrives, and whenever the allow list is reloaded, every contact who
 * still shares presence with us (either way, or asked to) but is no
 * longer allowed is unsubscribed both ways (sections 3.2 and 3.3). So an
 * allow list changed while the bot was down is applied at the next login.
 *
 * Private to bot/. Its state lives in struct bot; every function takes
 * that (b->roster may be NULL: then they do nothing).
 */
#ifndef TIMMY_ROSTER_H
#define TIMMY_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

struct bot;
struct roster;

/* At most this many contacts are kept; more are ignored (logged). */
#define ROSTER_MAX 100000

/* An empty roster, or NULL when out of memory (logged). The caller frees
 * it with roster_free. */
struct roster *roster_new(void);

/* Frees r and every contact in it. Call roster_offline first while the
 * connection lives. NULL is fine. */
void roster_free(struct roster *r);

/* After a fresh login: forgets the contacts and asks the server for the
 * roster (jabber:iq:roster get); the answer arrives through an id handler,
 * and then not allowed contacts are unsubscribed. */
void roster_fetch(struct bot *b);

/* After a disconnect: drops the pending request and its id handler. The
 * contacts are kept for a resume. */
void roster_offline(struct bot *b);

/* A roster push (RFC 6121 2.1.6), already checked to come from our own
 * server: query is its <query xmlns='jabber:iq:roster'/>. Updates the
 * contacts; unsubscribes no one. */
void roster_push(struct bot *b, xmpp_stanza_t *query);

/* Unsubscribes every contact that shares presence with us and is no
 * longer allowed by access.allow (logged at info, one line each). Does
 * nothing while offline, or before the roster arrived (its arrival does
 * it). */
void roster_enforce(struct bot *b);

/*
 * The directed presence that shows each contact their timer
 * (timerstatus.h) goes only to subscribers: contacts with subscription
 * 'from' or 'both' (RFC 6121 3.1.5), in access.allow, not our own
 * account, once the roster is known and while connected.
 */

/* The subscriber's JID as the roster has it (borrowed until the roster
 * changes), or NULL when jid (bare) is no subscriber. */
const char *roster_subscriber(struct bot *b, const char *jid);

/* True when status differs from the last one noted for the subscriber
 * jid, and then notes it (so the caller sends it); false when jid is no
 * subscriber or the status is the same. The note is a hash of the text.
 * The notes are dropped at every fresh login (roster_fetch), when a
 * contact stops seeing us, and by roster_status_forget. */
bool roster_status_new(struct bot *b, const char *jid, const char *status);

/* Drops the note for jid, so that the next status goes out even if it
 * is the same. */
void roster_status_forget(struct bot *b, const char *jid);

/* True when the roster has jid (bare) with subscription 'to' or 'both'
 * (RFC 6121 3.1.5): their presence reaches us (whereabouts.h). False
 * before the roster is known. */
bool roster_sees(struct bot *b, const char *jid);

/* Starts a pass over every subscriber (roster_sweep_next). */
void roster_sweep_begin(struct bot *b);

/* The next subscriber of the pass (borrowed until the roster changes),
 * or NULL at its end. A contact removed during a pass may make it skip
 * one other. */
const char *roster_sweep_next(struct bot *b);

#endif
