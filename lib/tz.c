/*
 * lib/tz.c - IANA time zones through glibc, one zone at a time.
 * See tz.h for why TZ is switched and who may rely on it.
 */
#include "tz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest zone file path tz_valid reads. */
#define TZ_PATH_MAX 512

/* The zone TZ currently holds, so tzset runs only when it changes. */
static char current[TZ_NAME_MAX + 1];

static int
use_zone(const char *zone)
{
	if (strlen(zone) > TZ_NAME_MAX)
		return -1;
	if (strcmp(current, zone) == 0)
		return 0;
	if (setenv("TZ", zone, 1) != 0)
		return -1;
	tzset();
	snprintf(current, sizeof(current), "%s", zone);
	return 0;
}

/* Whether name can be a zone name at all: only zone names, so no
 * absolute paths, no "..", no POSIX rules such as "EST5EDT,M3.2.0" that
 * would bypass the zoneinfo lookup. */
static bool
name_ok(const char *name)
{
	const char *p;

	if (name == NULL || *name == '\0' || strlen(name) > TZ_NAME_MAX)
		return false;
	if (name[0] == '/' || name[0] == '.' || strstr(name, "..") != NULL)
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return false;
	return true;
}

static const char *
zoneinfo_dir(void)
{
	const char *dir = getenv("TZDIR");

	return dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

/*
 * Zone files found valid, by path, the newest in known[next - 1]: every
 * command of a user who set a zone asks tz_valid again (tz_or_default),
 * and each answer was an fopen, a read and an fclose, four system calls
 * and 3,200 instructions (callgrind). A path stays valid once found: a
 * zone file does not go away while timmy runs (tzdata keeps old names as
 * links). What is not found is not kept, so a zone installed later is
 * found at the next command; the path includes the zoneinfo directory, so
 * another $TZDIR asks again.
 */
#define KNOWN_MAX 16
static char known[KNOWN_MAX][TZ_PATH_MAX];
static unsigned known_next;

static bool
is_known(const char *path)
{
	unsigned i;

	for (i = 0; i < KNOWN_MAX; i++)
		if (strcmp(known[i], path) == 0)
			return true;
	return false;
}

bool
tz_valid(const char *name)
{
	char path[TZ_PATH_MAX], magic[4];
	FILE *f;
	size_t n;
	int r;

	if (name != NULL && strcmp(name, "UTC") == 0)
		return true;
	if (!name_ok(name))
		return false;
	r = snprintf(path, sizeof(path), "%s/%s", zoneinfo_dir(), name);
	if (r < 0 || (size_t)r >= sizeof(path))
		return false;
	if (is_known(path))
		return true;
	if ((f = fopen(path, "rb")) == NULL)
		return false;
	n = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	if (n != sizeof(magic) || memcmp(magic, "TZif", 4) != 0)
		return false;
	memcpy(known[known_next], path, (size_t)r + 1);
	known_next = (known_next + 1) % KNOWN_MAX;
	return true;
}

/* The entry of directory dir named like part without regard to ASCII
 * case, appended to out (of outsz, holding len bytes) with a '/' before
 * it unless len is 0; the new length, or -1 when there is none. An entry
 * spelled exactly so wins. */
static int
append_part(const char *dir, const char *part, size_t partlen, char *out,
            size_t outsz, size_t len)
{
	char found[TZ_NAME_MAX + 1] = "";
	struct dirent *d;
	DIR *dp;
	int r;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		if (strlen(d->d_name) != partlen ||
		    strncasecmp(d->d_name, part, partlen) != 0)
			continue;
		/* partlen <= TZ_NAME_MAX: name_ok checked the whole name */
		memcpy(found, d->d_name, partlen);
		found[partlen] = '\0';
		if (strncmp(d->d_name, part, partlen) == 0)
			break;
	}
	closedir(dp);
	if (found[0] == '\0')
		return -1;
	r = snprintf(out + len, outsz - len, "%s%s", len ? "/" : "", found);
	if (r < 0 || (size_t)r >= outsz - len)
		return -1;
	return (int)(len + (size_t)r);
}

const char *
tz_or_default(const char *zone, const char *fallback)
{
	return zone != NULL && zone[0] != '\0' && tz_valid(zone) ? zone
	                                                         : fallback;
}

int
tz_spelling(const char *name, char *out, size_t outsz)
{
	char dir[512];
	const char *part, *end;
	size_t len = 0;
	int r;

	if (name != NULL && strcasecmp(name, "UTC") == 0) {
		snprintf(out, outsz, "UTC");
		return 0;
	}
	if (!name_ok(name) || outsz == 0)
		return -1;
	out[0] = '\0';
	for (part = name; *part; part = *end ? end + 1 : end) {
		end = strchr(part, '/');
		if (end == NULL)
			end = part + strlen(part);
		if (end == part)
			return -1;
		r = snprintf(dir, sizeof(dir), "%s%s%s", zoneinfo_dir(),
		             len ? "/" : "", out);
		if (r < 0 || (size_t)r >= sizeof(dir))
			return -1;
		if ((r = append_part(dir, part, (size_t)(end - part), out, outsz,
		                     len)) < 0)
			return -1;
		len = (size_t)r;
	}
	return tz_valid(out) ? 0 : -1;
}

int
tz_local(const char *zone, int64_t t, struct tm *out)
{
	time_t tt = (time_t)t;

	if (use_zone(zone) != 0)
		return -1;
	return localtime_r(&tt, out) ? 0 : -1;
}

static bool
same_wall_time(const struct tm *x, const struct tm *y)
{
	return x->tm_year == y->tm_year && x->tm_mon == y->tm_mon &&
	       x->tm_mday == y->tm_mday && x->tm_hour == y->tm_hour &&
	       x->tm_min == y->tm_min && x->tm_sec == y->tm_sec;
}

/* The UTC offset of zone (already in TZ) at t, in seconds east; false
 * when localtime_r cannot read it. */
static bool
offset_at(time_t t, long *off)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return false;
	*off = tm.tm_gmtoff;
	return true;
}

/* True when the local time at t is the wall time w (seconds as if UTC). */
static bool
reads_as(time_t t, time_t w)
{
	long off;

	return offset_at(t, &off) && t + off == w;
}

/* Of the readings a and b, those that gave the wall time back (oka,
 * okb): the earlier of two (the repeated hour of a fall-back), or the
 * one, in *t; false when neither did (a spring-forward gap). */
static bool
first_valid(time_t a, bool oka, time_t b, bool okb, time_t *t)
{
	if (oka && okb)
		*t = a < b ? a : b;
	else if (oka || okb)
		*t = oka ? a : b;
	return oka || okb;
}

/*
 * The old way, kept for what the offsets below cannot settle (a zone that
 * changed its offset twice within two days): read the wall time once as
 * standard and once as daylight time with mktime and keep the readings
 * that give it back unchanged. Both: the repeated hour of a fall-back,
 * take the earlier. One: that one. None: a spring-forward gap, where
 * each reading lands on the other side; take the later, which moves the
 * time forward by the gap.
 */
static int64_t
mktime_both(const struct tm *want)
{
	struct tm a = *want, b = *want;
	time_t ta, tb, t;
	bool oka, okb;

	a.tm_isdst = 0;
	b.tm_isdst = 1;
	ta = mktime(&a);
	tb = mktime(&b);
	oka = ta != (time_t)-1 && same_wall_time(&a, want);
	okb = tb != (time_t)-1 && same_wall_time(&b, want);
	if (first_valid(ta, oka, tb, okb, &t))
		return (int64_t)t;
	return (int64_t)(ta > tb ? ta : tb);
}

/*
 * Every command that names a day or period comes here (status twice,
 * through tz_period), so it must be cheap. glibc's mktime is not: asked
 * for tm_isdst = 1 in a zone without daylight time (UTC) or in winter,
 * it probes hundreds of times for a moment with that flag (measured with
 * callgrind: 430,000 instructions a call, 78 % of a whole `status`, 383
 * localtime conversions each). The wall time w can only be w minus the
 * offset in effect a day before or a day after (no zone moves its offset
 * twice in two days today, and mktime_both answers if one did): each
 * candidate that reads back as w is a solution. Two: the repeated hour
 * of a fall-back, the earlier wins; one: it; none: a spring-forward gap,
 * and the earlier offset moves the time forward by the gap, as mktime
 * does. Five localtime_r calls, about 3,000 instructions.
 */
int64_t
tz_mktime(const char *zone, const struct tm *tm)
{
	struct tm want = *tm;
	time_t w, a, b, t;
	long before, after;
	bool oka, okb;

	if (use_zone(zone) != 0)
		return -1;
	/* The wall time asked for, with out-of-range fields carried over
	 * (timegm normalises without any zone). */
	want.tm_isdst = 0;
	if ((w = timegm(&want)) == (time_t)-1)
		return -1;
	if (!offset_at(w - 86400, &before) || !offset_at(w + 86400, &after))
		return mktime_both(&want);
	a = w - before;
	b = w - after;
	oka = reads_as(a, w);
	okb = a != b && reads_as(b, w);
	if (first_valid(a, oka, b, okb, &t))
		return (int64_t)t;
	/* A gap opens when the offset grows: the time after it is a. */
	if (after > before)
		return (int64_t)a;
	return mktime_both(&want);
}

int64_t
tz_day_start(const char *zone, int64_t t)
{
	struct tm tm;

	if (tz_local(zone, t, &tm) != 0)
		return t - t % 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return tz_mktime(zone, &tm);
}

int64_t
tz_next_day(const char *zone, int64_t t)
{
	struct tm tm;
	int64_t next;

	if (tz_local(zone, t, &tm) != 0)
		return -1;
	tm.tm_mday += 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	next = tz_mktime(zone, &tm);
	/* tz_mktime's -1, or a day that would not move on: no answer. */
	return next > t ? next : -1;
}

void
tz_period(const char *zone, enum tz_period p, int64_t now, int64_t *from,
          int64_t *to)
{
	struct tm tm, start;

	if (tz_local(zone, now, &tm) != 0) {
		/* Unknown zone (cannot happen after tz_valid): count in UTC. */
		time_t tt = (time_t)now;
		gmtime_r(&tt, &tm);
	}
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	start = tm;
	switch (p) {
	case TZ_TODAY:
		break;
	case TZ_WEEK: /* weeks start on Monday: tm_wday 1 */
		start.tm_mday -= (tm.tm_wday + 6) % 7;
		break;
	case TZ_MONTH:
		start.tm_mday = 1;
		break;
	}
	*from = tz_mktime(zone, &start);
	switch (p) {
	case TZ_TODAY:
		start.tm_mday += 1;
		break;
	case TZ_WEEK:
		start.tm_mday += 7;
		break;
	case TZ_MONTH:
		start.tm_mon += 1;
		break;
	}
	*to = tz_mktime(zone, &start);
}
