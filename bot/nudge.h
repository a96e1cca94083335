/*
 * bot/nudge.h - the nudges (commands/nudge.h) sent from the event loop.
 *
 * While online, and once the server has handed out the messages it kept
 * for us (which may have changed what is due), a libstrophe timed
 * handler looks every NUDGE_PERIOD_MS
 * (NUDGE_FAKED_MS when a test moves the wall clock, wall_faked) at the
 * users that may be due one (cmd_nudge_candidates) and, for each who is
 * still in access.allow and there to read it (whereabouts_of: here, or
 * not known; never dnd, away or offline, for whom it waits), asks
 * commands/ what is due at wall_now (cmd_nudge_take, which records it)
 * and sends it as a chat message to their bare JID. At most one per user
 * a tick.
 *
 * Private to bot/.
 */
#ifndef TIMMY_NUDGE_BOT_H
#define TIMMY_NUDGE_BOT_H

struct bot;

#define NUDGE_PERIOD_MS 30000
#define NUDGE_FAKED_MS 200

/* After a login or a resume: the ticks begin (again). */
void nudge_online(struct bot *b);

/* At a disconnect: the ticks stop until the next login. */
void nudge_offline(struct bot *b);

#endif
