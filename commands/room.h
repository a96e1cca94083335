/*
 * commands/room.h - the words of a team room (XEP-0045), apart from the
 * room itself: who a message there speaks to, what a bare `start` there
 * means, which replies belong to the whole room, and the one-line
 * acknowledgement the room sees of someone's change. bot/muc.c does the
 * stanzas; nothing here knows XMPP.
 */
#ifndef TIMMY_ROOM_H
#define TIMMY_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/text.h"

struct team;

/*
 * The command in body when it is addressed to nick ("timmy: start acme",
 * "Timmy, report team week": the nick in any ASCII case, then ':' or ','),
 * pointing into body past the blanks after the separator; NULL when body
 * speaks to someone else or to no one, or says nothing after the nick.
 */
const char *cmd_room_addressed(const char *body, const char *nick);

/*
 * The command a room runs for body: a bare "start" (any case and blanks)
 * starts the team's first shared project, written into buf ("start
 * acme"); anything else is body itself. body when the team has no
 * projects or buf is too small.
 */
const char *cmd_room_command(const char *body, const struct team *t,
                             char *buf, size_t n);

/* True when body's reply is for the whole room (`report team ...`)
 * rather than its sender alone. */
bool cmd_room_public(const char *body);

/*
 * Into out (cleared first): the room's line about who's change, from the
 * first sentence of the command's reply: "Started acme at 09:30." gives
 * "alice started acme at 09:30"; "Stopped acme after 1h 20m. Started
 * ..." gives "alice stopped acme after 1h 20m".
 */
void cmd_room_ack(const char *who, const char *reply, struct text *out);



#include "../storage/store.h"

/* A digest never grows past this. */
#define CMD_DIGEST_MAX 8192

/*
 * Into out (cleared first): team t's day so far, the day that holds now
 * in zone tz: each member's time on the team's shared projects, each
 * shared project's, and whose timer still runs (the project named only
 * when it is shared: members' private projects are theirs alone). Reads
 * only. STORE_OK, or the store's error with out empty.
 */
store_rc cmd_room_digest(store *st, const struct team *t, const char *tz,
                         int64_t now, struct text *out);
/*
 * Team t's digest of day (the local day in tz, as days since 1970-01-01)
 * when it has not gone yet: records it (store_team_digest_record) and
 * writes it into out (cmd_room_digest) in one transaction, so that it is
 * posted once per team and day, across restarts too. STORE_OK: post out;
 * STORE_CONFLICT: posted already that day (out empty); else the store's
 * error, nothing recorded and out empty.
 */
store_rc cmd_room_digest_take(store *st, const struct team *t,
                              const char *tz, int64_t day, int64_t now,
                              struct text *out);
#endif
