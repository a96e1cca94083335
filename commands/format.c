/*
 * commands/format.c - durations, clock times and entries as people read them.
 */
#include "format.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/tz.h"
#include "../lib/utf8.h"

void
fmt_duration(int64_t secs, char *buf, size_t n)
{
	if (secs <= 0)
		snprintf(buf, n, "0m"); /* "Today: 0m" reads better than 0s */
	else if (secs < 60)
		snprintf(buf, n, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, n, "%lldm", (long long)(secs / 60));
	else
		snprintf(buf, n, "%lldh %02lldm", (long long)(secs / 3600),
		         (long long)(secs % 3600 / 60));
}

int64_t
fmt_centihours(int64_t secs)
{
	if (secs <= 0)
		return 0;
	return secs / 3600 * 100 + (secs % 3600 * 100 + 1800) / 3600;
}

void
fmt_hours(int64_t secs, char *buf, size_t n)
{
	int64_t c = fmt_centihours(secs);

	snprintf(buf, n, "%lld.%02lld", (long long)(c / 100),
	         (long long)(c % 100));
}

void
fmt_worked(bool decimal, int64_t secs, char *buf, size_t n)
{
	char h[FMT_DURATION_MAX];

	if (!decimal) {
		fmt_duration(secs, buf, n);
		return;
	}
	fmt_hours(secs, h, sizeof(h));
	snprintf(buf, n, "%s h", h);
}

void
fmt_day(const struct tm *tm, char *buf, size_t n)
{
	char wd[4] = "", mon[4] = "";

	strftime(wd, sizeof(wd), "%a", tm);
	strftime(mon, sizeof(mon), "%b", tm);
	snprintf(buf, n, "%s %d %s", wd, tm->tm_mday % 100, mon);
}

void
fmt_clock(const char *zone, int64_t t, int64_t now, char *buf, size_t n)
{
	struct tm tm, today;

	if (tz_local(zone, t, &tm) != 0 || tz_local(zone, now, &today) != 0) {
		snprintf(buf, n, "%lld", (long long)t);
		return;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday) {
		if (strftime(buf, n, "%H:%M", &tm) == 0 && n > 0)
			buf[0] = '\0';
	} else {
		char day[FMT_DAY_MAX];

		fmt_day(&tm, day, sizeof(day));
		snprintf(buf, n, "%s %02d:%02d", day, tm.tm_hour, tm.tm_min);
	}
}

void
fmt_entry(struct text *out, const struct store_entry *e)
{
	int i;

	text_printf(out, "%s", e->project);
	for (i = 0; i < e->ntags; i++)
		text_printf(out, " +%s", e->tags[i]);
	if (e->note[0] != '\0')
		text_printf(out, " (%s)", e->note);
}

size_t
fmt_width(const char *s)
{
	return utf8_width(s);
}

void
fmt_hm(const char *zone, int64_t t, char *buf, size_t n)
{
	struct tm tm;

	if (tz_local(zone, t, &tm) != 0 || strftime(buf, n, "%H:%M", &tm) == 0)
		snprintf(buf, n, "??:??");
}

/*
 * The local time of t as a log row shows it under the day that starts at
 * day: "22:00" on that day, else with the day: "Sat 22:00" within six
 * days, "28 Nov 22:00" further away, where a weekday alone is ambiguous.
 */
static void
log_time(const char *zone, int64_t day, int64_t t, char *buf, size_t n)
{
	char hm[8], d[16] = "";
	struct tm tm;
	int64_t days;

	fmt_hm(zone, t, hm, sizeof(hm));
	/* Whole days between local midnights; +-12 h absorbs a 23- or
	 * 25-hour day in between. */
	days = (tz_day_start(zone, t) - day) / 3600;
	days = (days + (days < 0 ? -12 : 12)) / 24;
	if (days != 0 && tz_local(zone, t, &tm) == 0 &&
	    strftime(d, sizeof(d), days > -7 && days < 7 ? "%a " : "%d %b ",
	             &tm) == 0)
		d[0] = '\0';
	snprintf(buf, n, "%s%s", d[0] == '0' ? d + 1 : d, hm);
}

void
fmt_log_times(const char *zone, int64_t day, int64_t start, int64_t stop,
              char *a, char *b, size_t n)
{
	log_time(zone, day, start, a, n);
	if (stop == 0)
		snprintf(b, n, "now");
	else
		log_time(zone, day, stop, b, n);
}

/* "Wed 25", with " Nov" and " 2026" when asked; no leading zero. */
static void
day_part(const struct tm *tm, int month, int year, char *buf, size_t n)
{
	char wd[8], mon[8];

	strftime(wd, sizeof(wd), "%a", tm);
	strftime(mon, sizeof(mon), "%b", tm);
	snprintf(buf, n, "%s %d%s%s%s%.0d", wd, tm->tm_mday, month ? " " : "",
	         month ? mon : "", year ? " " : "", year ? tm->tm_year + 1900 : 0);
}

void
fmt_moved(struct text *out, const char *zone, const struct tp_moved *mv)
{
	char used[FMT_CLOCK_MAX + FMT_DAY_MAX], asked[48];
	struct tm day, tm;
	time_t t;
	int i;

	if (zone == NULL || *zone == '\0')
		zone = "UTC";
	for (i = 0; mv != NULL && i < mv->n && i < TP_MOVED_MAX; i++) {
		/* The day asked, "Sun 8 Mar 2026": calendar arithmetic, no
		 * zone. */
		memset(&day, 0, sizeof(day));
		day.tm_year = mv->at[i].y - 1900;
		day.tm_mon = mv->at[i].m - 1;
		day.tm_mday = mv->at[i].d;
		day.tm_hour = 12;
		t = timegm(&day);
		gmtime_r(&t, &day);
		day_part(&day, 1, 1, asked, sizeof(asked));
		/* The time used is on the day asked unless the gap spans a
		 * midnight; then it names its day. */
		if (tz_local(zone, mv->at[i].used, &tm) != 0 ||
		    (tm.tm_yday == day.tm_yday && tm.tm_year == day.tm_year)) {
			fmt_hm(zone, mv->at[i].used, used, sizeof(used));
		} else {
			char d[FMT_DAY_MAX];

			fmt_day(&tm, d, sizeof(d));
			snprintf(used, sizeof(used), "%s %02d:%02d", d, tm.tm_hour,
			         tm.tm_min);
		}
		text_printf(out, " %02d:%02d does not exist on %s in %s (clocks "
		                 "went forward); I used %s.",
		            mv->at[i].asked / 60, mv->at[i].asked % 60, asked,
		            zone, used);
	}
}

void
fmt_days(const char *zone, int64_t from, int64_t to, char *buf, size_t n)
{
	struct tm a, b;
	char left[32], right[32];
	int same_year, same_month;

	if (tz_local(zone, from, &a) != 0 || tz_local(zone, to - 1, &b) != 0) {
		snprintf(buf, n, "?");
		return;
	}
	if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday) {
		day_part(&a, 1, 1, buf, n);
		return;
	}
	same_year = a.tm_year == b.tm_year;
	same_month = same_year && a.tm_mon == b.tm_mon;
	day_part(&a, !same_month, !same_year, left, sizeof(left));
	day_part(&b, 1, 1, right, sizeof(right));
	snprintf(buf, n, "%s – %s", left, right);
}

void
fmt_heading(struct text *out, const char *zone, const char *label,
            int64_t from, int64_t to)
{
	fmt_heading_of(out, NULL, zone, label, from, to);
}

void
fmt_heading_of(struct text *out, const char *user, const char *zone,
               const char *label, int64_t from, int64_t to)
{
	char days[80];

	if (label[0] == '\0')
		return;
	if (user != NULL)
		text_printf(out, "%s, %s", user, label);
	else
		text_printf(out, "%c%s", toupper((unsigned char)label[0]),
		            label + 1);
	/* Words like "this week" get their dates; dates are dates already. */
	if (strpbrk(label, "0123456789") == NULL) {
		fmt_days(zone, from, to, days, sizeof(days));
		text_printf(out, ", %s", days);
	}
}
