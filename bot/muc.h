/*
 * bot/muc.h - the team rooms (XEP-0045) the bot sits in.
 *
 * After every fresh login (not after a stream management resume, which
 * keeps our occupancy) the bot enters each team's room (bot.yaml's
 * teams.NAME.room) with its nick (account.resource) and asks for no
 * history. A kick or a transient error is followed by another try after a
 * backoff; a ban, or an error that says we may not be there, ends the
 * tries until the next login; the log says why either way.
 *
 * Identity in a room comes only from real JIDs: the bot keeps each
 * occupant's (nick -> real bare JID from the muc#user item), and leaves a
 * room that does not show them to everyone (no status 100 in our own
 * presence there), after saying why once.
 *
 * A groupchat message addressed to our nick ("timmy: start acme") by an
 * occupant whose real JID is a member or lead of the room's team runs as
 * that JID's command (message_run_as): the reply goes to them privately,
 * the room sees a one-line acknowledgement of a change, and `report team`
 * replies are posted in the room (commands/room.h). A private message
 * through the room counts as the occupant's real JID's. The rest is
 * ignored: our own messages, history, strangers.
 *
 * A team with a digest time gets, on weekdays once that time of
 * defaults.timezone has passed, one message in its room: the day per
 * member and per shared project, and whose timers still run
 * (cmd_room_digest). Once a day: the day is recorded in the database
 * (cmd_room_digest_take), so that a restart does not post it again, and a
 * bot that was down at that time posts it when back the same day.
 *
 * Private to bot/.
 */
#ifndef TIMMY_MUC_H
#define TIMMY_MUC_H

#include <stdbool.h>
#include <strophe.h>

struct bot;
struct muc;

#define MUC_PERIOD_MS 1000 /* how often rejoins are looked at */
#define MUC_FAKED_MS 200   /* the same under a test clock (wall_faked) */
#define MUC_BACKOFF_MIN_MS 2000
#define MUC_BACKOFF_MAX_MS (5 * 60 * 1000)

/* An empty set of rooms; NULL when out of memory. */
struct muc *muc_new(void);
void muc_free(struct muc *m);

/* After a login (fresh: not a resume, so our occupancy is gone): enters
 * the rooms of the teams in b->cfg, and starts the timed handler. */
void muc_online(struct bot *b, bool fresh);

/* After bot.yaml was reloaded: rooms no team names any more are left,
 * new ones entered (when online; else at the next login). */
void muc_reload(struct bot *b, bool online);

/* At a disconnect: the timed handler stops. */
void muc_offline(struct bot *b);

/* A <presence/> from one of our rooms: handled (true), or not ours. */
bool muc_presence(struct bot *b, xmpp_stanza_t *stanza);

/* A <message/> from one of our rooms, or any groupchat message: handled
 * (true), or for bot/message.c. */
bool muc_message(struct bot *b, xmpp_stanza_t *stanza);

/* True when our own presence in a room says it shows everyone's real JID
 * (XEP-0045 status 100). */
bool muc_shows_real_jids(xmpp_stanza_t *self_presence);

/* True when a presence error or our own unavailable presence in a room
 * (a kick, 307; a shutdown, 332) allows another try; false for a ban,
 * not-allowed, members-only and the like, with why set either way. */
bool muc_may_rejoin(xmpp_stanza_t *presence, const char **why);

#endif
