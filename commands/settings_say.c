/*
 * commands/settings_say.c - what a setting's value means (see
 * settings_say.h). Each sentence follows the value it explains:
 * "idle.after is now 30m: when your timer runs ...".
 */
#include "settings_say.h"

#include <stdio.h>
#include <string.h>


static const char *const day_long[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

/* "09:30" for minutes after midnight. */
static void
clock_of(int mins, char *buf, size_t n)
{
	snprintf(buf, n, "%02d:%02d", mins / 60 % 100, mins % 60);
}

/* idle.after and idle.action say the same: what happens when the user
 * leaves a timer running. */
static void
say_idle(const struct prefs *p, struct text *out)
{
	char d[PREFS_VALUE_MAX];

	/* Durations as the value reads: "30m", "1h30m". */
	prefs_format(p, "idle.after", d, sizeof(d));
	switch (p->idle_action) {
	case PREFS_IDLE_ASK:
		text_printf(out, "when your timer runs while you are away for "
		                 "%s, I ask you about it when you are back.", d);
		break;
	case PREFS_IDLE_STOP:
		text_printf(out, "when your timer runs while you are away for "
		                 "%s, I stop it at the moment you left and tell "
		                 "you when you are back.", d);
		break;
	case PREFS_IDLE_OFF:
		text_printf(out, "I don't look at whether you are away "
		                 "(idle.action is off).");
		break;
	}
}

static void
say_running_over(const struct prefs *p, struct text *out)
{
	char d[PREFS_VALUE_MAX];

	if (p->running_over <= 0) {
		text_printf(out, "I don't remind you of a timer that runs long.");
		return;
	}
	prefs_format(p, "reminders.running_over", d, sizeof(d));
	text_printf(out, "when a timer has been running for %s, I ask you "
	                 "once whether you are still on it.", d);
}

static void
say_start_by(const struct prefs *p, struct text *out)
{
	char at[16];

	if (p->start_by < 0) {
		text_printf(out, "I don't remind you to start a timer.");
		return;
	}
	clock_of(p->start_by, at, sizeof(at));
	text_printf(out, "on your working days, when nothing is tracked by "
	                 "%s, I remind you to start.", at);
}

static void
say_digest(const struct prefs *p, struct text *out)
{
	char at[16];

	clock_of(p->digest_at, at, sizeof(at));
	switch (p->digest) {
	case PREFS_DIGEST_OFF:
		text_printf(out, "I send you no digest of your time.");
		break;
	case PREFS_DIGEST_DAILY:
		text_printf(out, "on your working days at %s I send you the "
		                 "totals of the working day before.", at);
		break;
	case PREFS_DIGEST_WEEKLY:
		text_printf(out, "every %s at %s I send you the totals of the "
		                 "%s.", day_long[p->digest_wday % 7], at,
		            p->digest_wday == 1 ? "week before" : "week so far");
		break;
	}
}

static void
say_rounding(const struct prefs *p, struct text *out)
{
	char how[ROUNDING_TEXT_MAX];

	if (!rounding_on(&p->rounding)) {
		text_printf(out, "reports count every entry to the second, and "
		                 "an export's rounded_seconds equal its "
		                 "duration_seconds.");
		return;
	}
	rounding_say(&p->rounding, how, sizeof(how));
	text_printf(out, "reports are %s (an entry's part in each day on its "
	                 "own) and say so; exports keep the exact seconds and "
	                 "add the rounded ones.", how);
}

void
settings_say_meaning(const struct prefs *p, const char *name,
                     struct text *out)
{
	char v[PREFS_VALUE_MAX];

	if (strcmp(name, "idle.after") == 0 ||
	    strcmp(name, "idle.action") == 0)
		say_idle(p, out);
	else if (strcmp(name, "reminders") == 0)
		text_printf(out, p->reminders
		            ? "I send you the reminders that reminders.running_"
		              "over, reminders.start_by and reminders.digest set."
		            : "I send you no reminders at all.");
	else if (strcmp(name, "reminders.running_over") == 0)
		say_running_over(p, out);
	else if (strcmp(name, "reminders.start_by") == 0)
		say_start_by(p, out);
	else if (strcmp(name, "reminders.digest") == 0)
		say_digest(p, out);
	else if (strcmp(name, "workdays") == 0 ||
	         strcmp(name, "workhours") == 0) {
		prefs_format(p, "workdays", v, sizeof(v));
		text_printf(out, "you work on %s, ", v);
		prefs_format(p, "workhours", v, sizeof(v));
		text_printf(out, "%s; the reminder to start and the daily digest "
		                 "keep to these days.", v);
	} else if (strcmp(name, "roster") == 0)
		text_printf(out, p->roster
		            ? "your contact list shows your running timer as my "
		              "status."
		            : "your contact list shows no timer as my status.");
	else if (strcmp(name, "hours") == 0)
		text_printf(out, p->hours_decimal
		            ? "reports show time in decimal hours, such as 7.08 h "
		              "for 7h 05m."
		            : "reports show time in hours and minutes, such as "
		              "7h 05m.");
	else if (strcmp(name, "rounding") == 0)
		say_rounding(p, out);
	/* A reminder set while all of them are off would surprise. */
	if (!p->reminders && strncmp(name, "reminders.", 10) == 0)
		text_printf(out, " Reminders are off, though: reminders on turns "
		                 "them on.");
}
