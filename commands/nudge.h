/*
 * commands/nudge.h - the messages the bot sends unasked: which one is due
 * for a user at a moment, its words, and the record that it went.
 *
 * Kinds, in the order they are looked at (one per user at a time):
 * - running_over: the running entry's worked time (breaks left out) has
 *   reached reminders.running_over: "acme has been running for 9h. Still
 *   on it? ...", once per entry;
 * - start_by: on a working day of the user (workdays, in their zone),
 *   from reminders.start_by until the end of workhours, while nothing is
 *   tracked that day (no entry on it, none running): "Nothing tracked yet
 *   today. ...", once per local day;
 * - digest: daily at reminders.digest_at on working days, the previous
 *   working day's totals ("Yesterday: 7h 40m (acme 5h 10m, internal
 *   2h 30m)", "Friday: ..." after a weekend off), or weekly on
 *   digest_wday at digest_at, the previous Monday to Sunday ("Last week:
 *   38h 20m (...)"); once per period. One that cannot go when it is due
 *   (the user is not there) waits until the next is due, and is then
 *   dropped for it; but a user's first digest (none recorded yet, as
 *   after turning it on) goes only on the day it is due.
 * No nudge while reminders are off, while snoozed, or while the
 * forgotten-timer flow speaks (store_nudge_held). Whether the user is
 * there to read it is bot/'s to judge (their presence), before asking.
 *
 * Local times are in the user's own zone (the tz command) else the
 * default: a time that does not exist that day (clocks went forward)
 * means the first moment after it, one that exists twice the first.
 *
 * Like every file of commands/: no XMPP, no SQL, no clock (now is an
 * argument).
 */
#ifndef TIMMY_NUDGE_H
#define TIMMY_NUDGE_H

#include <stdint.h>

#include "cmd.h"
#include "prefs.h"

/* A nudge never grows past this. */
#define CMD_NUDGE_MAX 1024

/*
 * The owners that may be due a nudge at now (a superset: cmd_nudge_take
 * decides), given the defaults of the settings (NULL: the built-in
 * ones): cb gets each, borrowed for the call, and must not use st.
 * Reads only.
 */
store_rc cmd_nudge_candidates(store *st, const struct prefs *defaults,
                              int64_t now, store_owner_cb cb, void *arg);

/*
 * The nudge due for owner at now, in one write transaction of its own:
 * decided, recorded as sent (store_nudge_record) and committed, its text
 * in out (cleared first), which the caller then sends to owner. tz is
 * the default zone (the user's own wins), defaults the settings'
 * defaults (NULL: the built-in ones). CMD_OK with a nudge; CMD_REFUSED
 * when none is due (out empty, nothing written); CMD_FAILED when the
 * store failed (store_errmsg; nothing recorded, nothing to send).
 */
enum cmd_status cmd_nudge_take(store *st, const char *owner, const char *tz,
                               const struct prefs *defaults, int64_t now,
                               struct text *out);

#endif
