/*
 * commands/prefs.c - each user's settings (prefs.h).
 */
#include "prefs.h"

void
prefs_builtin(struct prefs *p)
{
	p->idle_after = 15 * 60;
	p->idle_action = PREFS_IDLE_ASK;
	p->reminders = true;
	p->running_over = 9 * 3600;
	p->start_by = -1;
	p->digest = PREFS_DIGEST_OFF;
	p->digest_wday = 1;
	p->digest_at = 9 * 60;
	p->workdays = 0x3e; /* Monday to Friday */
	p->work_from = 9 * 60;
	p->work_to = 17 * 60;
	p->roster = true;
	p->snooze_until = 0;
}

/* Not yet stored per user: every user has the defaults. */
store_rc
prefs_load(store *st, const char *owner, const struct prefs *defaults,
           struct prefs *out)
{
	(void)st;
	(void)owner;
	if (defaults != NULL)
		*out = *defaults;
	else
		prefs_builtin(out);
	return STORE_OK;
}
