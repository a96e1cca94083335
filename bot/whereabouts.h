/*
 * bot/whereabouts.h - where each allowed contact is, from their presence:
 * every resource's show (RFC 6121 4.7.2.1) and XEP-0319 idle time.
 *
 * Presence from a contact whose presence we see (subscription 'to' or
 * 'both') and who is in access.allow is kept per resource, in memory,
 * bounded. Their moves between here and away drive the forgotten-timer
 * question (bot/whereabouts.c) and gate the nudges (bot/nudge.c).
 *
 * Private to bot/. State lives in struct bot; NULL-safe like roster.h.
 */
#ifndef TIMMY_WHEREABOUTS_H
#define TIMMY_WHEREABOUTS_H

#include <stdint.h>
#include <strophe.h>

#include "../lib/text.h"

struct bot;

enum where {
	WHERE_UNKNOWN, /* we do not see their presence (no subscription to
	                  it, or not known yet): nudges go, unjudged */
	WHERE_OFFLINE, /* no resource online */
	WHERE_AWAY,    /* every online resource away, xa, or idle (XEP-0319) */
	WHERE_DND,     /* some resource dnd: never nudged */
	WHERE_HERE     /* some resource available or chat and not idle, none
	                  dnd */
};

/* Where the contact bare is now. */
enum where whereabouts_of(struct bot *b, const char *bare);

/* At most this many contacts and resources of one contact are kept; more
 * are ignored (logged once). */
#define WHEREABOUTS_CONTACTS_MAX 10000
#define WHEREABOUTS_RESOURCES_MAX 16

/* How often idle.action stop looks for timers to stop, in ms; while a
 * test clock moves the wall clock (wall_faked), WHEREABOUTS_FAKED_MS. */
#define WHEREABOUTS_CHECK_MS 30000
#define WHEREABOUTS_FAKED_MS 200

struct whereabouts;

/* An empty record, or NULL when out of memory (logged). The caller frees
 * it with whereabouts_free. */
struct whereabouts *whereabouts_new(void);
void whereabouts_free(struct whereabouts *w);

/* After a fresh login (not a resume): forgets every presence, since the
 * server sends the current ones again. */
void whereabouts_reset(struct bot *b);

/*
 * An available or unavailable <presence/> (RFC 6121 4.2-4.5) from an
 * allowed contact, not our own account: notes the resource's show and
 * idle time. When the contact's resources all go away or offline, the
 * moment they left is kept (commands/idle.h); when they come back
 * (available, not dnd) they are told what happened to their timer
 * meanwhile, in a message to the resource that came back.
 */
void whereabouts_presence(struct bot *b, xmpp_stanza_t *presence);

/*
 * A command from bare was accepted: they are here, whatever their
 * presence says. What they are to be told about their time away (the
 * question) is appended to out, the reply to that command.
 */
void whereabouts_heard(struct bot *b, const char *bare, struct text *out);

/* Registers the timed check of idle.action stop on b's connection (once,
 * after xmpp_conn_new: libstrophe keeps it across reconnects and runs it
 * only while connected). */
void whereabouts_start(struct bot *b);

#endif
