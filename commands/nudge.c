/*
 * commands/nudge.c - which nudge is due, its words, and its record
 * (nudge.h). Times of day are worked out per local date: a date is a
 * struct tm of the calendar alone (year, month, day, weekday), moved by
 * whole days without any zone (day_add), and made a moment in the
 * user's zone only where a time of that day is needed (moment), so that
 * a day of 23 or 25 hours is still one day.
 */
#include "nudge.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "../lib/civil.h"
#include "../lib/tz.h"

#define WEEK_DAYS 7
#define DIGEST_PROJECTS_MAX 6 /* projects a digest names; the rest are
                                 counted ("and 3 more") */

/* What one decision looks at. */
struct nudge_at {
	store *st;
	const char *owner;
	const char *zone;       /* the user's */
	const struct prefs *p;  /* the user's settings */
	int64_t now;
	struct tm today;        /* the local date of now (day_add's form) */
};

/* A nudge found due, before it is recorded. */
struct nudge {
	enum store_nudge kind;
	int64_t occasion;
};

enum due { DUE_NONE, DUE_YES, DUE_ERR };

/*
 * The date n days after date d (n < 0: before), as a calendar date with
 * its weekday: the time fields are 0. Pure calendar (timegm normalises
 * without a zone), so no DST change can make a day of it.
 */
static struct tm
day_add(const struct tm *d, int n)
{
	struct tm r;

	memset(&r, 0, sizeof(r));
	r.tm_year = d->tm_year;
	r.tm_mon = d->tm_mon;
	r.tm_mday = d->tm_mday + n;
	(void)timegm(&r);
	return r;
}

/* Date d as days since 1970-01-01: the occasion of start_by and digest. */
static int64_t
day_number(const struct tm *d)
{
	return civil_days_from(d->tm_year + 1900, d->tm_mon + 1, d->tm_mday);
}

/* The wall time of tm as a number of seconds, to compare wall times. */
static int64_t
wall_secs(const struct tm *tm)
{
	struct tm c = *tm;

	return (int64_t)timegm(&c);
}

/*
 * The moment of local time minutes (after midnight; 1440 is the next
 * midnight) on date d in zone. A time that occurs twice is the first
 * (tz_mktime). One that does not exist, in the gap of clocks going
 * forward, is the first moment after it, where the gap ends: tz_mktime
 * moves it forward by the whole gap instead (02:30 to 03:30), so the
 * change of offset is searched for between that and a gap before, where
 * the local time is still before the one asked for.
 */
static int64_t
moment(const char *zone, const struct tm *d, int minutes)
{
	struct tm want = *d, got;
	int64_t t, lo, hi, mid, asked;

	want.tm_hour = minutes / 60;
	want.tm_min = minutes % 60;
	want.tm_sec = 0;
	t = tz_mktime(zone, &want);
	asked = wall_secs(&want);
	if (tz_local(zone, t, &got) != 0 || wall_secs(&got) <= asked)
		return t;
	lo = t - (wall_secs(&got) - asked);
	hi = t;
	if (tz_local(zone, lo, &got) != 0 || wall_secs(&got) >= asked)
		return t; /* not the gap of one change: keep tz_mktime's */
	/* wall(lo) < asked <= wall(hi): the first second of hi's side. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz_local(zone, mid, &got) != 0)
			return t;
		if (wall_secs(&got) >= asked)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static bool
workday(const struct prefs *p, const struct tm *d)
{
	return (p->workdays >> d->tm_wday & 1u) != 0;
}

/* As fmt_duration, but whole hours without their minutes: "9h", "30h",
 * "7h 40m", "25m". */
static void
nudge_duration(int64_t secs, char *buf, size_t n)
{
	if (secs >= 3600 && secs % 3600 < 60)
		snprintf(buf, n, "%lldh", (long long)(secs / 3600));
	else
		fmt_duration(secs, buf, n);
}

/* DUE_YES when n has not been sent yet, DUE_NONE when it has. */
static enum due
unsent(const struct nudge_at *a, const struct nudge *n)
{
	switch (store_nudge_sent(a->st, a->owner, n->kind, n->occasion)) {
	case STORE_NOTFOUND:
		return DUE_YES;
	case STORE_OK:
		return DUE_NONE;
	default:
		return DUE_ERR;
	}
}

/* running_over: the running entry has been worked on for as long as the
 * user's reminders.running_over, or longer. */
static enum due
due_running_over(const struct nudge_at *a, struct nudge *n, struct text *out)
{
	char worked[FMT_DURATION_MAX];
	struct store_entry e;
	enum due d;
	int64_t secs;
	store_rc rc;

	if (a->p->running_over <= 0)
		return DUE_NONE;
	if ((rc = store_running(a->st, a->owner, &e)) != STORE_OK)
		return rc == STORE_NOTFOUND ? DUE_NONE : DUE_ERR;
	if ((secs = store_worked_secs(&e, a->now)) < a->p->running_over)
		return DUE_NONE;
	n->kind = STORE_NUDGE_RUNNING_OVER;
	n->occasion = e.id;
	if ((d = unsent(a, n)) != DUE_YES)
		return d;
	nudge_duration(secs, worked, sizeof(worked));
	text_printf(out, "%s has been running for %s. Still on it? (stop to "
	                 "end it, snooze 1h to hear nothing for an hour)",
	            e.project, worked);
	return DUE_YES;
}

/* start_by: a working day, from start_by to the end of workhours, and
 * nothing tracked that day. */
static enum due
due_start_by(const struct nudge_at *a, struct nudge *n, struct text *out)
{
	const struct prefs *p = a->p;
	struct tm tomorrow;
	enum due d;
	store_rc rc;

	if (p->start_by < 0 || !workday(p, &a->today) ||
	    a->now < moment(a->zone, &a->today, p->start_by) ||
	    a->now >= moment(a->zone, &a->today, p->work_to))
		return DUE_NONE;
	n->kind = STORE_NUDGE_START_BY;
	n->occasion = day_number(&a->today);
	if ((d = unsent(a, n)) != DUE_YES)
		return d;
	/* Any entry of the day, the running one included (one started
	 * yesterday and still running counts for today). */
	tomorrow = day_add(&a->today, 1);
	rc = store_overlap(a->st, a->owner, moment(a->zone, &a->today, 0),
	                   moment(a->zone, &tomorrow, 0), a->now, 0, NULL);
	if (rc != STORE_NOTFOUND)
		return rc == STORE_OK ? DUE_NONE : DUE_ERR;
	text_printf(out, "Nothing tracked yet today. start PROJECT when you "
	                 "begin (snooze 1h, or reminders off).");
	return DUE_YES;
}

/* The projects of a digest, as store_totals passes them. */
struct digest {
	struct text *list; /* "acme 5h 10m, internal 2h 30m" */
	int64_t total;
	int projects;
};

static void
digest_add(const char *project, int64_t secs, void *arg)
{
	struct digest *dg = arg;
	char d[FMT_DURATION_MAX];

	dg->total += secs;
	if (++dg->projects > DIGEST_PROJECTS_MAX)
		return;
	nudge_duration(secs, d, sizeof(d));
	text_printf(dg->list, "%s%s %s", dg->projects > 1 ? ", " : "", project,
	            d);
}

/*
 * Appends "label: 7h 40m (acme 5h 10m, internal 2h 30m)", the totals of
 * the local dates [first, end), or "label: nothing tracked.".
 */
static enum due
digest_text(const struct nudge_at *a, const char *label,
            const struct tm *first, const struct tm *end, struct text *out)
{
	char total[FMT_DURATION_MAX];
	struct text list;
	struct digest dg = { &list, 0, 0 };
	store_rc rc;

	text_init(&list, CMD_NUDGE_MAX);
	rc = store_totals(a->st, a->owner, moment(a->zone, first, 0),
	                  moment(a->zone, end, 0), a->now, digest_add, &dg);
	if (rc == STORE_OK && dg.total == 0) {
		text_printf(out, "%s: nothing tracked.", label);
	} else if (rc == STORE_OK) {
		nudge_duration(dg.total, total, sizeof(total));
		text_printf(out, "%s: %s (%s", label, total, text_str(&list));
		if (dg.projects > DIGEST_PROJECTS_MAX)
			text_printf(out, " and %d more",
			            dg.projects - DIGEST_PROJECTS_MAX);
		text_printf(out, ")");
	}
	text_free(&list);
	return rc == STORE_OK ? DUE_YES : DUE_ERR;
}

/*
 * The daily digest's period, from day, the working day it is sent on:
 * the working day before it, into *first, and the name it goes by seen
 * from today: "Yesterday", a weekday within the week ("Friday"), else
 * its date ("Mon 2 Jun").
 */
static void
daily_period(const struct nudge_at *a, const struct tm *day,
             struct tm *first, char *label, size_t n)
{
	static const char *const names[WEEK_DAYS] = { "Sunday", "Monday",
		"Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
	int64_t ago;
	int i;

	/* workdays is never 0 (prefs.h): one of the 7 days before is one,
	 * at the latest day's weekday a week before. */
	for (i = 1; i <= WEEK_DAYS; i++) {
		*first = day_add(day, -i);
		if (workday(a->p, first))
			break;
	}
	ago = day_number(&a->today) - day_number(first);
	if (ago == 1)
		snprintf(label, n, "Yesterday");
	else if (ago < WEEK_DAYS)
		snprintf(label, n, "%s", names[first->tm_wday]);
	else
		fmt_day(first, label, n);
}

/*
 * The weekly digest's period, from day, the day it is sent on: on a
 * Monday the week before ("Last week"), since that week is over and this
 * one has not begun; on any other day the Monday-to-Sunday week day lies
 * in, up to when it is sent ("This week": on Friday at 17:00, the week's
 * work so far). A digest that waited into a later week is "Week of Mon 2
 * Jun".
 */
static void
weekly_period(const struct nudge_at *a, const struct tm *day,
              struct tm *first, char *label, size_t n)
{
	struct tm monday = day_add(&a->today, -((a->today.tm_wday + 6) % 7));
	int back = day->tm_wday == 1 ? WEEK_DAYS : 0;
	char date[FMT_DAY_MAX];

	*first = day_add(day, -((day->tm_wday + 6) % 7) - back);
	if (day_number(first) == day_number(&monday) - WEEK_DAYS) {
		snprintf(label, n, "Last week");
	} else if (day_number(first) == day_number(&monday)) {
		snprintf(label, n, "This week");
	} else {
		fmt_day(first, date, sizeof(date));
		snprintf(label, n, "Week of %s", date);
	}
}

/*
 * digest: the latest moment a digest was due (digest_at on a working
 * day, or on digest_wday for the weekly one) at or before now, and the
 * period it covers; unsent, it is due until the next one's moment (the
 * user's first one only on its own day).
 */
static enum due
due_digest(const struct nudge_at *a, struct nudge *n, struct text *out)
{
	const struct prefs *p = a->p;
	bool weekly = p->digest == PREFS_DIGEST_WEEKLY;
	struct tm day, first, end;
	char label[FMT_DAY_MAX + 16];
	enum due d;
	store_rc rc;
	int i;

	if (p->digest != PREFS_DIGEST_DAILY && !weekly)
		return DUE_NONE;
	for (i = 0; i <= WEEK_DAYS; i++) {
		day = day_add(&a->today, -i);
		if ((weekly ? day.tm_wday == p->digest_wday : workday(p, &day)) &&
		    moment(a->zone, &day, p->digest_at) <= a->now)
			break;
	}
	if (i > WEEK_DAYS)
		return DUE_NONE;
	if (weekly) {
		weekly_period(a, &day, &first, label, sizeof(label));
		end = day_add(&first, WEEK_DAYS);
	} else {
		daily_period(a, &day, &first, label, sizeof(label));
		end = day_add(&first, 1);
	}
	n->kind = STORE_NUDGE_DIGEST;
	n->occasion = day_number(&first);
	if ((d = unsent(a, n)) != DUE_YES)
		return d;
	/* A first digest (none recorded within the age limit: the digest was
	 * just turned on, or long unused) goes only on the day it is due:
	 * one due on an earlier day was not asked for then. */
	if (day_number(&day) != day_number(&a->today)) {
		rc = store_nudge_any(a->st, a->owner, STORE_NUDGE_DIGEST);
		if (rc != STORE_OK)
			return rc == STORE_NOTFOUND ? DUE_NONE : DUE_ERR;
	}
	return digest_text(a, label, &first, &end, out);
}

store_rc
cmd_nudge_candidates(store *st, const struct prefs *defaults, int64_t now,
                     store_owner_cb cb, void *arg)
{
	struct prefs builtin;

	if (defaults == NULL) {
		prefs_builtin(&builtin);
		defaults = &builtin;
	}
	/* A nudge of the day that the defaults turn on may be due to anyone;
	 * else only to those whose own settings may turn one on. */
	return store_nudge_candidates(st, now, defaults->reminders &&
	                              (defaults->start_by >= 0 ||
	                               defaults->digest != PREFS_DIGEST_OFF),
	                              cb, arg);
}

/* The first nudge due to a->owner, of the kinds in their order. */
static enum due
due_first(const struct nudge_at *a, struct nudge *n, struct text *out)
{
	static enum due (*const kinds[])(const struct nudge_at *,
	                                 struct nudge *, struct text *) = {
		due_running_over, due_start_by, due_digest
	};
	enum due d = DUE_NONE;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && d == DUE_NONE; i++)
		d = kinds[i](a, n, out);
	return d;
}

/*
 * In the open transaction: whether a nudge is due to owner at now (the
 * settings allow one, the forgotten-timer flow holds none, and one is
 * due), its kind and occasion in *n and its text in out.
 */
static enum due
decide(store *st, const char *owner, const char *tz,
       const struct prefs *defaults, int64_t now, struct nudge *n,
       struct text *out)
{
	char own[TZ_NAME_MAX + 1];
	struct nudge_at a;
	struct prefs p;
	struct tm local;
	bool held;

	if (prefs_load(st, owner, defaults, &p) != STORE_OK ||
	    store_nudge_held(st, owner, now, &held) != STORE_OK ||
	    store_user_tz(st, owner, own, sizeof(own)) != STORE_OK)
		return DUE_ERR;
	if (!p.reminders || p.snooze_until > now || held)
		return DUE_NONE;
	a.st = st;
	a.owner = owner;
	a.zone = tz_or_default(own, tz);
	a.p = &p;
	a.now = now;
	if (tz_local(a.zone, now, &local) != 0)
		return DUE_ERR;
	a.today = day_add(&local, 0);
	return due_first(&a, n, out);
}

enum cmd_status
cmd_nudge_take(store *st, const char *owner, const char *tz,
               const struct prefs *defaults, int64_t now, struct text *out)
{
	struct nudge n;
	enum due d;
	store_rc rc = STORE_OK;

	text_clear(out);
	if (store_begin(st) != STORE_OK)
		return CMD_FAILED;
	if ((d = decide(st, owner, tz, defaults, now, &n, out)) == DUE_YES &&
	    (rc = store_nudge_record(st, owner, n.kind, n.occasion, now)) ==
	    STORE_OK && (rc = store_commit(st)) == STORE_OK)
		return CMD_OK;
	store_rollback(st);
	text_clear(out);
	/* Recorded meanwhile (STORE_CONFLICT): it went already. */
	if (d == DUE_ERR || (rc != STORE_OK && rc != STORE_CONFLICT))
		return CMD_FAILED;
	return CMD_REFUSED;
}
