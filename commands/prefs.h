/*
 * commands/prefs.h - each user's settings for presence and nudges (the
 * settings command), over the defaults bot.yaml gives.
 *
 * A setting has one name, the same in chat and in bot.yaml's path
 * ("idle.after", "reminders.digest"; workdays, workhours and roster are
 * read from bot.yaml's defaults section), and one spelling of each
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
};

/*
 * The built-in defaults, what a bot.yaml without these keys gives:
 * idle.after 15m, idle.action ask, reminders on, running_over 9h,
 * start_by off, digest off, workdays mon-fri, workhours 09:00-17:00,
 * roster on, not snoozed.
 */
void prefs_builtin(struct prefs *p);

/*
 * owner's settings into *out: defaults (NULL: prefs_builtin's), with
 * every setting the user made over them. Reads only. STORE_OK, or the
 * store's error with *out holding the defaults.
 */
store_rc prefs_load(store *st, const char *owner,
                    const struct prefs *defaults, struct prefs *out);

#endif
