/*
 * commands/format.c - durations, clock times and entries as people read them.
 */
#include "format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tz.h"

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
	} else if (strftime(buf, n, "%a %d %b %H:%M", &tm) == 0 && n > 0) {
		buf[0] = '\0';
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
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}
