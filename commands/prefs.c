/*
 * commands/prefs.c - each user's settings (prefs.h): their names, the one
 * spelling of each value (prefs_parse reads it, prefs_format writes it),
 * and a user's settings over the defaults (prefs_load).
 *
 * Dependency rule: storage/store.h for the rows, the time parser for
 * durations, clock times and day names, lib/ for the rest.
 */
#include "prefs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/str.h"
#include "../lib/utf8.h"
#include "timeparse.h"

#define MINUTE 60
#define DAY_MINS (24 * 60)
#define DUR_MIN MINUTE
#define DUR_MAX (24 * 3600)

/* Bytes of a bad value quoted back in a why sentence. */
#define SHOW_MAX 40

const char *const prefs_names[] = {
	"idle.after", "idle.action", "reminders", "reminders.running_over",
	"reminders.start_by", "reminders.digest", "workdays", "workhours",
	"roster", "hours", "rounding", NULL
};

/* Short day names, 0 = Sunday, as prefs_format spells them. */
static const char *const day_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

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
	p->hours_decimal = false;
	p->rounding.minutes = 0;
	p->rounding.up = true;
}

/* A why sentence being written: the problem first, then what the
 * setting accepts (prefs_parse adds that). */
struct why {
	char *buf;
	size_t n;
};

/* Writes the problem into w, printf-style; returns -1. */
static int say(struct why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
say(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (w->buf == NULL || w->n == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(w->buf, w->n, fmt, ap); /* may cut: a reply, not data */
	va_end(ap);
	return -1;
}

/* s in quotes, cut (at a character) to SHOW_MAX bytes, into buf. */
static const char *
shown(const char *s, char *buf, size_t n)
{
	size_t len = utf8_prefix(s, strlen(s), SHOW_MAX);

	snprintf(buf, n, "\"%.*s%s\"", (int)len, s, s[len] ? "..." : "");
	return buf;
}

/* Says that v is not what; returns -1. */
static int
is_not(struct why *w, const char *v, const char *what)
{
	char q[SHOW_MAX + 8];

	return say(w, "%s is not %s.", shown(v, q, sizeof q), what);
}

/* "1h30m", "2h", "45m", "1m30s": the parts that are not zero. */
static void
format_secs(int64_t secs, char *buf, size_t n)
{
	int64_t h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
	int len = 0;

	buf[0] = '\0';
	if (h > 0)
		len += snprintf(buf + len, n - (size_t)len, "%lldh", (long long)h);
	if (m > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, "%lldm", (long long)m);
	if ((s > 0 || secs <= 0) && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, "%llds", (long long)s);
}

/* v as a duration of 1m to 24h into *secs; 0, or -1 with why. */
static int
read_secs(const char *v, int64_t *secs, struct why *w)
{
	char q[SHOW_MAX + 8];

	if (tp_duration(v, secs, NULL) != TP_OK)
		return is_not(w, v, "a duration");
	if (*secs < DUR_MIN)
		return say(w, "%s is too short.", shown(v, q, sizeof q));
	if (*secs > DUR_MAX)
		return say(w, "%s is too long.", shown(v, q, sizeof q));
	return 0;
}

/* v as a clock time into minutes after midnight; 0, or -1 with why. */
static int
read_clock(const char *v, int *mins, struct why *w)
{
	return tp_clock(v, mins, NULL) == TP_OK ? 0
	       : is_not(w, v, "a time of day");
}

static void
format_clock(int mins, char *buf, size_t n)
{
	snprintf(buf, n, "%02d:%02d", mins / 60, mins % 60);
}

/* Says that v is none of the words a setting takes; returns -1. */
static int
unknown_word(struct why *w, const char *v)
{
	char q[SHOW_MAX + 8];

	return say(w, "I don't know %s here.", shown(v, q, sizeof q));
}

/* v as on or off; 0, or -1 with why. */
static int
read_onoff(const char *v, bool *on, struct why *w)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) {
		*on = v[1] == 'n';
		return 0;
	}
	return unknown_word(w, v);
}

static int
parse_idle_after(struct prefs *p, char *v, struct why *w)
{
	return read_secs(v, &p->idle_after, w);
}

static void
format_idle_after(const struct prefs *p, char *buf, size_t n)
{
	format_secs(p->idle_after, buf, n);
}

static const char *const actions[] = {
	[PREFS_IDLE_ASK] = "ask", [PREFS_IDLE_STOP] = "stop",
	[PREFS_IDLE_OFF] = "off"
};

static int
parse_idle_action(struct prefs *p, char *v, struct why *w)
{
	size_t i;

	for (i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(v, actions[i]) == 0) {
			p->idle_action = (enum prefs_idle_action)i;
			return 0;
		}
	return unknown_word(w, v);
}

static void
format_idle_action(const struct prefs *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s", actions[p->idle_action]);
}

static int
parse_reminders(struct prefs *p, char *v, struct why *w)
{
	return read_onoff(v, &p->reminders, w);
}

static void
format_reminders(const struct prefs *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s", p->reminders ? "on" : "off");
}

static int
parse_roster(struct prefs *p, char *v, struct why *w)
{
	return read_onoff(v, &p->roster, w);
}

static void
format_roster(const struct prefs *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s", p->roster ? "on" : "off");
}

static int
parse_running_over(struct prefs *p, char *v, struct why *w)
{
	if (strcmp(v, "off") == 0) {
		p->running_over = 0;
		return 0;
	}
	return read_secs(v, &p->running_over, w);
}

static void
format_running_over(const struct prefs *p, char *buf, size_t n)
{
	if (p->running_over <= 0)
		snprintf(buf, n, "off");
	else
		format_secs(p->running_over, buf, n);
}

static int
parse_start_by(struct prefs *p, char *v, struct why *w)
{
	if (strcmp(v, "off") == 0) {
		p->start_by = -1;
		return 0;
	}
	return read_clock(v, &p->start_by, w);
}

static void
format_start_by(const struct prefs *p, char *buf, size_t n)
{
	if (p->start_by < 0)
		snprintf(buf, n, "off");
	else
		format_clock(p->start_by, buf, n);
}

/* "off", "daily HH:MM", "weekly DAY HH:MM" (v's words one space apart). */
static int
parse_digest(struct prefs *p, char *v, struct why *w)
{
	char *day, *at;
	int wday = p->digest_wday;

	if (strcmp(v, "off") == 0) {
		p->digest = PREFS_DIGEST_OFF;
		return 0;
	}
	if (strcmp(v, "daily") == 0 || strcmp(v, "weekly") == 0)
		return say(w, "A %s digest needs %s.", v,
		           v[0] == 'd' ? "a time" : "a day and a time");
	if ((day = strchr(v, ' ')) == NULL)
		return unknown_word(w, v);
	*day++ = '\0';
	at = day;
	if (strcmp(v, "weekly") == 0) {
		if ((at = strchr(day, ' ')) == NULL)
			return say(w, "A weekly digest needs a day and a time.");
		*at++ = '\0';
		if ((wday = tp_weekday(day, strlen(day))) < 0)
			return is_not(w, day, "a day of the week");
	} else if (strcmp(v, "daily") != 0) {
		return unknown_word(w, v);
	}
	if (strchr(at, ' ') != NULL)
		return say(w, "That is more than a digest's words.");
	if (read_clock(at, &p->digest_at, w) != 0)
		return -1;
	p->digest = v[0] == 'w' ? PREFS_DIGEST_WEEKLY : PREFS_DIGEST_DAILY;
	p->digest_wday = wday;
	return 0;
}

static void
format_digest(const struct prefs *p, char *buf, size_t n)
{
	char at[16];

	format_clock(p->digest_at, at, sizeof at);
	if (p->digest == PREFS_DIGEST_DAILY)
		snprintf(buf, n, "daily %s", at);
	else if (p->digest == PREFS_DIGEST_WEEKLY)
		snprintf(buf, n, "weekly %s %s", day_names[p->digest_wday], at);
	else
		snprintf(buf, n, "off");
}

/* The days from a to b (0 = Sunday), both in, wrapping past Sunday
 * ("sat-mon"), as bits. */
static unsigned
day_run(int a, int b)
{
	unsigned bits = 0;

	for (;; a = (a + 1) % 7) {
		bits |= 1u << a;
		if (a == b)
			return bits;
	}
}

/* One item of a list of days, s[0..len): DAY or DAY-DAY, into *bits. */
static int
read_days(const char *s, size_t len, unsigned *bits, struct why *w)
{
	const char *dash = memchr(s, '-', len);
	char item[SHOW_MAX + 1];
	size_t a = dash != NULL ? (size_t)(dash - s) : len;
	int from, to;

	snprintf(item, sizeof item, "%.*s", (int)len, s);
	from = tp_weekday(s, a);
	to = dash != NULL ? tp_weekday(dash + 1, len - a - 1) : from;
	if (from < 0 || to < 0)
		return is_not(w, item, dash != NULL ? "a range of days"
		                                    : "a day of the week");
	*bits |= day_run(from, to);
	return 0;
}

/* Days and ranges apart by commas or spaces: "mon-fri", "mon,tue,thu",
 * "mon - wed, fri". */
static int
parse_workdays(struct prefs *p, char *v, struct why *w)
{
	unsigned bits = 0;
	size_t len;
	char *s;

	/* "mon - fri" is "mon-fri". */
	for (s = v; (s = strstr(s, " -")) != NULL;)
		memmove(s, s + 1, strlen(s));
	for (s = v; (s = strstr(s, "- ")) != NULL;)
		memmove(s + 1, s + 2, strlen(s + 1));
	for (s = v; *s != '\0'; s += len) {
		s += strspn(s, ", ");
		if ((len = strcspn(s, ", ")) > 0 &&
		    read_days(s, len, &bits, w) != 0)
			return -1;
	}
	if (bits == 0)
		return say(w, "There must be at least one working day.");
	p->workdays = bits;
	return 0;
}

/* Monday first; a run of three days or more as a range. */
static void
format_workdays(const struct prefs *p, char *buf, size_t n)
{
	int i = 0, j, len = 0;

	buf[0] = '\0';
	while (i < 7) {
		if (!(p->workdays & (1u << (i + 1) % 7))) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 7 && (p->workdays & (1u << (j + 2) % 7)); j++)
			;
		if ((size_t)len >= n)
			return;
		if (j - i >= 2)
			len += snprintf(buf + len, n - (size_t)len, "%s%s-%s",
			                len ? "," : "", day_names[(i + 1) % 7],
			                day_names[(j + 1) % 7]);
		else
			for (; i <= j && (size_t)len < n; i++)
				len += snprintf(buf + len, n - (size_t)len, "%s%s",
				                len ? "," : "",
				                day_names[(i + 1) % 7]);
		i = j + 1;
	}
}

/* "HH:MM-HH:MM", the start before the end. */
static int
parse_workhours(struct prefs *p, char *v, struct why *w)
{
	char *dash, *s;
	int from, to;

	for (s = v; (s = strchr(s, ' ')) != NULL;)
		memmove(s, s + 1, strlen(s));
	if ((dash = strchr(v, '-')) == NULL)
		return is_not(w, v, "a span of hours");
	*dash = '\0';
	if (read_clock(v, &from, w) != 0 || read_clock(dash + 1, &to, w) != 0)
		return -1;
	if (to <= from)
		return say(w, "The end of the working hours must come after "
		              "their start.");
	p->work_from = from;
	p->work_to = to;
	return 0;
}

static void
format_workhours(const struct prefs *p, char *buf, size_t n)
{
	char a[16], b[16];

	format_clock(p->work_from, a, sizeof a);
	format_clock(p->work_to, b, sizeof b);
	snprintf(buf, n, "%s-%s", a, b);
}

static int
parse_hours(struct prefs *p, char *v, struct why *w)
{
	if (strcmp(v, "hm") == 0 || strcmp(v, "decimal") == 0) {
		p->hours_decimal = v[0] == 'd';
		return 0;
	}
	return unknown_word(w, v);
}

static void
format_hours(const struct prefs *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s", p->hours_decimal ? "decimal" : "hm");
}

/* "none" (or "off"), or a unit of 6, 15 or 30 minutes (any duration
 * spelling: 15m, 15min, 0:15) and up or nearest: "15m up". */
static int
parse_rounding(struct prefs *p, char *v, struct why *w)
{
	char q[SHOW_MAX + 8], *dir;
	int64_t secs;

	if (strcmp(v, "none") == 0 || strcmp(v, "off") == 0) {
		p->rounding.minutes = 0;
		return 0;
	}
	if ((dir = strchr(v, ' ')) != NULL)
		*dir++ = '\0';
	if (tp_duration(v, &secs, NULL) != TP_OK)
		return unknown_word(w, v);
	if (secs != 6 * MINUTE && secs != 15 * MINUTE && secs != 30 * MINUTE)
		return say(w, "I round to 6, 15 or 30 minutes, not %s.",
		           shown(v, q, sizeof q));
	/* Both ways are common in billing: the user says which. */
	if (dir == NULL)
		return say(w, "Say which way too: %s up or %s nearest.", v, v);
	if (strcmp(dir, "up") != 0 && strcmp(dir, "nearest") != 0)
		return unknown_word(w, dir);
	p->rounding.minutes = (int)(secs / MINUTE);
	p->rounding.up = dir[0] == 'u';
	return 0;
}

static void
format_rounding(const struct prefs *p, char *buf, size_t n)
{
	rounding_format(&p->rounding, buf, n);
}

/* One setting: its name, what it accepts, how its value reads and
 * writes. parse gets the value in lower case, its words one space
 * apart, and changes only its own fields of *p. */
struct setting {
	const char *name;
	const char *accepts;
	int (*parse)(struct prefs *p, char *v, struct why *w);
	void (*format)(const struct prefs *p, char *buf, size_t n);
};

static const struct setting settings[] = {
	{ "idle.after", "idle.after takes a duration from 1m to 24h, such as "
	  "30m or 1h30m.", parse_idle_after, format_idle_after },
	{ "idle.action", "idle.action takes ask, stop or off.",
	  parse_idle_action, format_idle_action },
	{ "reminders", "reminders takes on or off.", parse_reminders,
	  format_reminders },
	{ "reminders.running_over", "reminders.running_over takes a duration "
	  "from 1m to 24h, such as 9h or 10h30m, or off.", parse_running_over,
	  format_running_over },
	{ "reminders.start_by", "reminders.start_by takes a time of day, such "
	  "as 09:30, or off.", parse_start_by, format_start_by },
	{ "reminders.digest", "reminders.digest takes off, daily HH:MM (such "
	  "as daily 18:00) or weekly DAY HH:MM (such as weekly mon 09:00).",
	  parse_digest, format_digest },
	{ "workdays", "workdays takes days of the week and ranges of them, "
	  "such as mon-fri or mon,tue,thu.", parse_workdays, format_workdays },
	{ "workhours", "workhours takes a span of hours, such as 09:00-17:00.",
	  parse_workhours, format_workhours },
	{ "roster", "roster takes on or off.", parse_roster, format_roster },
	{ "hours", "hours takes hm (7h 05m) or decimal (7.08 h).",
	  parse_hours, format_hours },
	{ "rounding", "rounding takes none, or 6m, 15m or 30m and up or "
	  "nearest, such as 15m up or 6m nearest.", parse_rounding,
	  format_rounding },
};

_Static_assert(sizeof settings / sizeof settings[0] ==
               sizeof prefs_names / sizeof prefs_names[0] - 1,
               "every setting has a name in prefs_names");

static const struct setting *
find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof settings / sizeof settings[0];
	     i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

const char *
prefs_accepts(const char *name)
{
	const struct setting *s = find(name);

	return s != NULL ? s->accepts : NULL;
}

/* value into buf (n bytes) in lower case (ASCII), without spaces at
 * either end, every run of spaces one; false when it does not fit. */
static bool
normalise(const char *value, char *buf, size_t n)
{
	size_t len = 0;
	bool space = false;

	for (; *value != '\0'; value++) {
		if (*value == ' ' || *value == '\t' || *value == '\n' ||
		    *value == '\r') {
			space = len > 0;
			continue;
		}
		if (len + (space ? 2 : 1) >= n)
			return false;
		if (space)
			buf[len++] = ' ';
		space = false;
		buf[len++] = (char)str_lower((unsigned char)*value);
	}
	buf[len] = '\0';
	return true;
}

int
prefs_parse(struct prefs *p, const char *name, const char *value,
            char *why, size_t n)
{
	const struct setting *s = find(name);
	struct why w = { why, n };
	char v[PREFS_VALUE_MAX + 1], q[SHOW_MAX + 8];
	struct prefs copy = *p;
	size_t len;

	if (s == NULL)
		return say(&w, "There is no setting %s.",
		           shown(name != NULL ? name : "", q, sizeof q));
	if (value == NULL || !normalise(value, v, sizeof v))
		say(&w, "That value is too long.");
	else if (v[0] == '\0')
		say(&w, "A value is missing.");
	else if (s->parse(&copy, v, &w) == 0) {
		*p = copy;
		return 0;
	}
	/* The problem, then what the setting accepts. */
	if (why != NULL && n > 0 && (len = strlen(why)) + 1 < n)
		snprintf(why + len, n - len, " %s", s->accepts);
	return -1;
}

void
prefs_format(const struct prefs *p, const char *name, char *buf, size_t n)
{
	const struct setting *s = find(name);

	if (n == 0)
		return;
	buf[0] = '\0';
	if (s != NULL)
		s->format(p, buf, n);
}

/* store_settings' callback of prefs_load: a row that no longer parses
 * (a value an older build wrote, or a name since dropped) is left out,
 * and the default applies. */
static void
load_row(const char *name, const char *value, void *arg)
{
	/* The snooze row is no setting: prefs_parse leaves it out. */
	(void)prefs_parse(arg, name, value, NULL, 0);
}

store_rc
prefs_load(store *st, const char *owner, const struct prefs *defaults,
           struct prefs *out)
{
	store_rc rc;

	if (defaults != NULL)
		*out = *defaults;
	else
		prefs_builtin(out);
	rc = store_settings(st, owner, load_row, out);
	if (rc == STORE_OK)
		rc = store_snooze(st, owner, &out->snooze_until);
	if (rc != STORE_OK) {
		if (defaults != NULL)
			*out = *defaults;
		else
			prefs_builtin(out);
	}
	return rc;
}
