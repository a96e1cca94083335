/*
 * commands/prefs.h - each user's settings for presence and nudges (the
 * settings command), over the defaults bot.yaml gives.
 *
 * A setting has one name, the same in chat and in bot.yaml's path
 * ("idle.after", "reminders.digest"; workdays, workhours, roster, hours
 * and rounding are read from bot.yaml's defaults section), and one spelling of each
 * value, which prefs_format writes and prefs_parse reads back. Stored per
 * user in storage (store_setting_*), one row per setting the user
 * changed; the others follow bot.yaml.
 */
#ifndef TIMMY_PREFS_H
#define TIMMY_PREFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../storage/store.h"
#include "rounding.h"

enum prefs_idle_action {
	PREFS_IDLE_ASK,  /* ask when the user comes back: stop, break, keep */
	PREFS_IDLE_STOP, /* stop the timer at the moment they left; tell them */
	PREFS_IDLE_OFF   /* presence changes nothing */
};

enum prefs_digest {
	PREFS_DIGEST_OFF,
	PREFS_DIGEST_DAILY,  /* the previous working day, on working days */
	PREFS_DIGEST_WEEKLY  /* the previous week, on digest_wday */
};

struct prefs {
	int64_t idle_after;     /* idle.after: seconds every resource must be
	                           away before a running timer counts as
	                           forgotten; > 0 */
	enum prefs_idle_action idle_action; /* idle.action */
	bool reminders;         /* reminders: false turns off every nudge
	                           (running_over, start_by, digest) */
	int64_t running_over;   /* reminders.running_over: seconds; 0: off */
	int start_by;           /* reminders.start_by: minutes after local
	                           midnight; -1: off */
	enum prefs_digest digest; /* reminders.digest */
	int digest_wday;        /* weekly digest's day, 0 = Sunday .. 6 */
	int digest_at;          /* digest time, minutes after local midnight */
	unsigned workdays;      /* workdays: bit d set when weekday d
	                           (0 = Sunday) is a working day; never 0 */
	int work_from, work_to; /* workhours: minutes after local midnight,
	                           work_from < work_to */
	bool roster;            /* roster: the timer shown in the contact
	                           list (directed presence) */
	int64_t snooze_until;   /* snooze: no nudges before this epoch
	                           second; 0: not snoozed */
	bool hours_decimal;     /* hours: durations of reports as decimal
	                           hours ("7.08 h") instead of "7h 05m" */
	struct rounding rounding; /* rounding: each entry's time in
	                           reports and exports' rounded columns
	                           (rounding.h) */
};

/*
 * The built-in defaults, what a bot.yaml without these keys gives:
 * idle.after 15m, idle.action ask, reminders on, running_over 9h,
 * start_by off, digest off, workdays mon-fri, workhours 09:00-17:00,
 * roster on, not snoozed, hours hm, rounding none.
 */
void prefs_builtin(struct prefs *p);

/*
 * owner's settings into *out: defaults (NULL: prefs_builtin's), with
 * every setting the user made over them. Reads only. STORE_OK, or the
 * store's error with *out holding the defaults.
 */
store_rc prefs_load(store *st, const char *owner,
                    const struct prefs *defaults, struct prefs *out);

/*
 * The names of the settings, in the order `settings` lists them,
 * NULL-terminated: idle.after, idle.action, reminders,
 * reminders.running_over, reminders.start_by, reminders.digest,
 * workdays, workhours, roster, hours, rounding. (The snooze and the
 * time zone are kept apart: store_snooze, store_user_tz.)
 */
extern const char *const prefs_names[];

/* Room for a formatted value (what prefs_format writes) and for a why
 * sentence of prefs_parse, each with its NUL. */
#define PREFS_VALUE_MAX 64
#define PREFS_WHY_MAX 320

/*
 * Reads value as setting name into *p: 0, with only that setting of *p
 * changed; or -1, with *p unchanged and a human sentence in why (n bytes;
 * why may be NULL) that says what is wrong and what the setting accepts
 * ("\"soon\" is not a duration. idle.after takes ..."), also for a name
 * that is none. Keywords and day names in any case; runs of spaces count
 * as one. The values:
 *   idle.after              a duration (15m, 1h30m), 1m to 24h
 *   idle.action             ask | stop | off
 *   reminders, roster       on | off
 *   reminders.running_over  a duration, 1m to 24h, or off
 *   reminders.start_by      a clock time (09:30, 9:30am) or off
 *   reminders.digest        off | daily HH:MM | weekly DAY HH:MM
 *   workdays                days and ranges of days: mon-fri,
 *                           mon,tue,thu, sat-mon; never none
 *   workhours               HH:MM-HH:MM, the start before the end
 *   hours                   hm | decimal
 *   rounding                none, or 6m, 15m or 30m then up or
 *                           nearest: "15m up" ("off" is none)
 */
int prefs_parse(struct prefs *p, const char *name, const char *value,
                char *why, size_t n);

/*
 * The value of setting name in *p, in the one spelling prefs_parse reads
 * back to the same value (parse(format(x)) == x), into buf (n bytes;
 * PREFS_VALUE_MAX suffices): "15m", "1h30m", "off", "09:30",
 * "weekly mon 09:00", "mon-fri", "mon,tue,thu", "09:00-17:00", "on",
 * "decimal", "15m up", "none".
 * "" for a name that is none.
 */
void prefs_format(const struct prefs *p, const char *name, char *buf,
                  size_t n);

/*
 * What setting name accepts, as one sentence ("idle.after takes a
 * duration from 1m to 24h, such as 30m or 1h30m."), static; NULL when
 * name is no setting. The end of every why of prefs_parse.
 */
const char *prefs_accepts(const char *name);

#endif
