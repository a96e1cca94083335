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

#endif
