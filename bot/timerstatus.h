/*
 * bot/timerstatus.h - the running timer in every contact list.
 *
 * Each subscriber (roster.h: an allowed contact with subscription 'from'
 * or 'both') gets a directed presence (RFC 6121 4.6) whose status is
 * their own timer, "acme +design since 09:30" or "No timer running"
 * (cmd_status_line), so their client shows it without opening the chat.
 * It goes out after every fresh login, once the roster is known (after
 * our initial presence), to each subscriber who may be online (not to
 * one whose presence we see and who has no client online: their server
 * would drop it, RFC 6121 8.5.2.2.1); after a command that may have
 * changed data; to a contact whose subscription we have just accepted;
 * after a resume; and, when the contact lets the bot see them too, when
 * a client of theirs comes online; and only when the text differs from
 * the last one that contact got (roster_status_new). After commands, at
 * most one per user per second (statuswindow.h): a burst of commands
 * sends no burst of presences, and the last one shows the timer as it
 * ended. A contact whose roster setting is off (commands/prefs.h) gets,
 * once, a directed presence without a status instead, which clears the
 * timer from their contact list. When the bot goes offline the server
 * tells each of them 'unavailable' (RFC 6121 4.6.3), which is what we
 * want.
 *
 * Private to bot/. Every function takes the struct bot and does nothing
 * while offline, before the roster is known or for a JID that is no
 * subscriber.
 */
#ifndef TIMMY_TIMERSTATUS_H
#define TIMMY_TIMERSTATUS_H

#include <stdbool.h>

#include "../commands/cmd.h"

struct bot;

/* Statuses a pass (timerstatus_all) sends at a time, before it waits
 * for the server to have handled them (a ping's answer): what libstrophe
 * holds until the server acknowledges it stays this small. */
#define TIMERSTATUS_BATCH 32

/* Subscribers a pass looks at per firing of its timed handler at most:
 * a large roster does not hold up the messages waiting behind it. */
#define TIMERSTATUS_SCAN_PER_TURN 1024

/* How often, while any user is in the status window, the owed statuses
 * are looked for: the last status of a burst goes out at most this late
 * after the window's end. */
#define TIMERSTATUS_FLUSH_MS 100

/* Sends the subscriber jid (bare) their timer's status, unless it is the
 * one they got last. True when a presence went out. */
bool timerstatus_send(struct bot *b, const char *jid);

/* jid (bare) changed their data: timerstatus_send now if no status went
 * to them within the last STATUSWINDOW_MS, else once that window ends
 * (statuswindow.h), with the timer of that moment. */
void timerstatus_changed(struct bot *b, const char *jid);

/* The connection went: statuses still owed are dropped (the next login
 * sends every status that changed). */
void timerstatus_offline(struct bot *b);

/* timerstatus_send even when the status is the one the subscriber jid
 * got last: one of their clients has just come online (an available
 * presence from them, which we get once they let us see them), and the
 * server gave it our broadcast presence, not the directed one. */
void timerstatus_resend(struct bot *b, const char *jid);

/* After cmd_exec ran body for ctx's sender with result rc: a command
 * that may change data (cmd_changes) and did (CMD_OK) refreshes the
 * sender's status (timerstatus_changed). */
void timerstatus_after_command(struct bot *b, const struct cmd_ctx *ctx,
                               const char *body, enum cmd_status rc);

/* Starts a pass over every subscriber (from a libstrophe timed handler,
 * TIMERSTATUS_BATCH statuses at a time, each batch handled by the
 * server before the next), each who may be online sent their status if
 * it changed: after the roster arrived, after a resume. Its end is
 * logged, with the statuses sent and the subscribers left out. */
void timerstatus_all(struct bot *b);

#endif
