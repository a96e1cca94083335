/*
 * tests/unit/test_timeparse.c - the parser of times, durations, spans and
 * ranges, table by table.
 *
 * Every expected instant was computed outside this code, with Python's
 * zoneinfo (fold=0: a time in a spring-forward gap takes the offset from
 * before the change, i.e. moves forward; a repeated time is the first),
 * and is written here as a literal next to the local time it stands for.
 * Unless a row says otherwise, now is Wed 25 Nov 2026 14:00 UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/text.h"
#include "../../commands/timeparse.h"
#include "../../lib/tz.h"

#define NOW INT64_C(1795615200) /* Wed 25 Nov 2026 14:00 UTC */
#define MON0027 INT64_C(1796603220) /* Mon 7 Dec 2026 00:27 UTC */
#define U "UTC"
#define B "Europe/Berlin"
#define NY "America/New_York"
#define K "Asia/Kolkata"
#define LH "Australia/Lord_Howe"
#define AK "Pacific/Auckland"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define WORDS_MAX 8
#define ERR_MAX 512
/* What err holds before a call: only TP_BAD may add to it. */
#define SENTINEL "(before)"

/* Words of a case, split on spaces as the command tokeniser would. */
struct words {
	char buf[256];
	char *argv[WORDS_MAX];
	int argc;
};

static void
split(struct words *w, const char *in)
{
	char *p, *save = NULL;
	int r;

	r = snprintf(w->buf, sizeof(w->buf), "%s", in);
	assert_true(r >= 0 && (size_t)r < sizeof(w->buf));
	w->argc = 0;
	for (p = strtok_r(w->buf, " ", &save); p != NULL;
	     p = strtok_r(NULL, " ", &save)) {
		assert_true(w->argc < WORDS_MAX);
		w->argv[w->argc++] = p;
	}
}

static void
err_start(struct text *err)
{
	text_init(err, ERR_MAX);
	text_printf(err, "%s", SENTINEL);
}

/*
 * On TP_BAD, err must have gained one sentence that quotes want_quote and
 * shows an example; otherwise err must be exactly as it was.
 */
static void
check_err(const char *in, enum tp_rc rc, const struct text *err,
          const char *want_quote)
{
	char q[128];
	const char *s = text_str(err);

	if (rc != TP_BAD) {
		if (strcmp(s, SENTINEL) != 0)
			fail_msg("\"%s\": err changed to \"%s\"", in, s);
		return;
	}
	snprintf(q, sizeof(q), SENTINEL "\"%s\" ", want_quote);
	if (strncmp(s, q, strlen(q)) != 0)
		fail_msg("\"%s\": err \"%s\" does not start by quoting \"%s\"",
		         in, s, want_quote);
	if (strstr(s, " Try ") == NULL || s[strlen(s) - 1] != '.')
		fail_msg("\"%s\": err \"%s\" shows no example", in, s);
}

static void
check_rc(const char *in, enum tp_rc rc, enum tp_rc want)
{
	static const char *const name[] = { "TP_OK", "TP_NOMATCH", "TP_BAD" };

	if (rc != want)
		fail_msg("\"%s\": %s, want %s", in, name[rc], name[want]);
}

static void
check_i64(const char *in, const char *what, int64_t got, int64_t want)
{
	if (got != want)
		fail_msg("\"%s\": %s %lld, want %lld (%+lld s)", in, what,
		         (long long)got, (long long)want,
		         (long long)(got - want));
}

static void
tp_time__table(void **state)
{
	static const struct {
		const char *zone;
		int64_t now;
		const char *in;
		enum tp_rc rc;
		int used;
		int64_t out;
		const char *quote; /* TP_BAD: the part err must quote */
	} cases[] = {
		{ U, NOW, "now", TP_OK, 1, NOW, NULL },
		{ U, NOW, "NOW", TP_OK, 1, NOW, NULL },
		/* clock forms, today */
		{ U, NOW, "9:30", TP_OK, 1, 1795599000, NULL },
		{ U, NOW, "09:30", TP_OK, 1, 1795599000, NULL },
		{ U, NOW, "17:00", TP_OK, 1, 1795626000, NULL },
		{ U, NOW, "0:00", TP_OK, 1, 1795564800, NULL },
		{ U, NOW, "23:59", TP_OK, 1, 1795651140, NULL },
		{ U, NOW, "9am", TP_OK, 1, 1795597200, NULL },
		{ U, NOW, "9AM", TP_OK, 1, 1795597200, NULL },
		{ U, NOW, "9pm", TP_OK, 1, 1795640400, NULL },
		{ U, NOW, "5:15pm", TP_OK, 1, 1795626900, NULL },
		{ U, NOW, "12am", TP_OK, 1, 1795564800, NULL },
		{ U, NOW, "12pm", TP_OK, 1, 1795608000, NULL },
		{ U, NOW, "12:30am", TP_OK, 1, 1795566600, NULL },
		{ U, NOW, "12:30PM", TP_OK, 1, 1795609800, NULL },
		{ U, NOW, "11:59pm", TP_OK, 1, 1795651140, NULL },
		{ U, NOW, "1am", TP_OK, 1, 1795568400, NULL },
		/* the second word is not a day: one word used */
		{ U, NOW, "9:30 acme", TP_OK, 1, 1795599000, NULL },
		/* DAY CLOCK and CLOCK DAY */
		{ U, NOW, "today 9:00", TP_OK, 2, 1795597200, NULL },
		{ U, NOW, "yesterday 17:00", TP_OK, 2, 1795539600, NULL },
		{ U, NOW, "Yesterday 17:00", TP_OK, 2, 1795539600, NULL },
		{ U, NOW, "YESTERDAY 5pm", TP_OK, 2, 1795539600, NULL },
		{ U, NOW, "9:30 yesterday", TP_OK, 2, 1795512600, NULL },
		{ U, NOW, "9:30 mon", TP_OK, 2, 1795426200, NULL },
		/* weekdays: the most recent, today (Wednesday) included */
		{ U, NOW, "mon 9:00", TP_OK, 2, 1795424400, NULL },
		{ U, NOW, "Mon 9:00", TP_OK, 2, 1795424400, NULL },
		{ U, NOW, "monday 9:00", TP_OK, 2, 1795424400, NULL },
		{ U, NOW, "tue 9:00", TP_OK, 2, 1795510800, NULL },
		{ U, NOW, "tues 9:00", TP_OK, 2, 1795510800, NULL },
		{ U, NOW, "tuesday 9:00", TP_OK, 2, 1795510800, NULL },
		{ U, NOW, "wed 9:00", TP_OK, 2, 1795597200, NULL },
		{ U, NOW, "weds 9:00", TP_OK, 2, 1795597200, NULL },
		{ U, NOW, "Wednesday 9:00", TP_OK, 2, 1795597200, NULL },
		{ U, NOW, "thu 9:00", TP_OK, 2, 1795078800, NULL },
		{ U, NOW, "thur 9:00", TP_OK, 2, 1795078800, NULL },
		{ U, NOW, "thurs 9:00", TP_OK, 2, 1795078800, NULL },
		{ U, NOW, "thursday 9:00", TP_OK, 2, 1795078800, NULL },
		{ U, NOW, "fri 9:00", TP_OK, 2, 1795165200, NULL },
		{ U, NOW, "friday 9:00", TP_OK, 2, 1795165200, NULL },
		{ U, NOW, "sat 9:00", TP_OK, 2, 1795251600, NULL },
		{ U, NOW, "SATURDAY 9:00", TP_OK, 2, 1795251600, NULL },
		{ U, NOW, "sun 9:00", TP_OK, 2, 1795338000, NULL },
		{ U, NOW, "sunday 9:00", TP_OK, 2, 1795338000, NULL },
		/* now Mon 23 Nov 2026 10:00 UTC: "mon" is today, "tue" 6 days back */
		{ U, 1795428000, "mon 9:00", TP_OK, 2, 1795424400, NULL },
		{ U, 1795428000, "sun 9:00", TP_OK, 2, 1795338000, NULL },
		{ U, 1795428000, "tue 9:00", TP_OK, 2, 1794906000, NULL },
		/* now Mon 7 Dec 2026 00:27 UTC: a weekday with a clock is the
		 * latest such moment that has begun, so Monday 09:00 is last
		 * week's, Monday 00:10 today's; "today" is not a weekday */
		{ U, MON0027, "mon 9:00", TP_OK, 2, 1796029200, NULL },
		{ U, MON0027, "9:00 mon", TP_OK, 2, 1796029200, NULL },
		{ U, MON0027, "monday 9am", TP_OK, 2, 1796029200, NULL },
		{ U, MON0027, "mon 0:10", TP_OK, 2, 1796602200, NULL },
		{ U, MON0027, "mon 0:27", TP_OK, 2, MON0027, NULL },
		{ U, MON0027, "mon 0:28", TP_OK, 2, 1795998480, NULL },
		{ U, MON0027, "today 9:00", TP_OK, 2, 1796634000, NULL },
		{ U, MON0027, "9:00", TP_OK, 1, 1796634000, NULL },
		{ U, MON0027, "fri 17:00", TP_OK, 2, 1796403600, NULL },
		/* dates */
		{ U, NOW, "2026-11-23 17:00", TP_OK, 2, 1795453200, NULL },
		{ U, NOW, "2026-11-23T17:00", TP_OK, 1, 1795453200, NULL },
		{ U, NOW, "2026-11-23t5pm", TP_OK, 1, 1795453200, NULL },
		{ U, NOW, "2026-1-5 9:00", TP_OK, 2, 1767603600, NULL },
		{ U, NOW, "2028-02-29 12:00", TP_OK, 2, 1835438400, NULL },
		{ U, NOW, "2028-02-29T12:00", TP_OK, 1, 1835438400, NULL },
		{ U, NOW, "2026-12-31 23:59", TP_OK, 2, 1798761540, NULL },
		/* DURATION ago */
		{ U, NOW, "15m ago", TP_OK, 2, NOW - 900, NULL },
		{ U, NOW, "1h30m ago", TP_OK, 2, NOW - 5400, NULL },
		{ U, NOW, "2h AGO", TP_OK, 2, NOW - 7200, NULL },
		{ U, NOW, "1:30 ago", TP_OK, 2, NOW - 5400, NULL },
		{ B, NOW, "90s ago", TP_OK, 2, NOW - 90, NULL },
		/* other zones; Lord Howe (+11) is already Thu 26 Nov 01:00,
		 * Auckland Thu 03:00 */
		{ B, NOW, "9:30", TP_OK, 1, 1795595400, NULL },
		{ B, NOW, "yesterday 17:00", TP_OK, 2, 1795536000, NULL },
		{ K, NOW, "9:30", TP_OK, 1, 1795579200, NULL },
		{ LH, NOW, "9:30", TP_OK, 1, 1795645800, NULL },
		{ LH, NOW, "yesterday 9:30", TP_OK, 2, 1795559400, NULL },
		{ AK, NOW, "9:00", TP_OK, 1, 1795636800, NULL },
		{ AK, NOW, "yesterday 17:00", TP_OK, 2, 1795579200, NULL },
		/* Thursday 09:00 has not come yet in Auckland (03:00):
		 * the latest that has begun is a week back */
		{ AK, NOW, "thu 9:00", TP_OK, 2, 1795032000, NULL },
		/* Berlin, Sun 29 Mar 2026: 02:00 CET jumps to 03:00 CEST */
		{ B, 1774778400, "2:30", TP_OK, 1, 1774747800, NULL },
		{ B, 1774778400, "1:30", TP_OK, 1, 1774744200, NULL },
		{ B, 1774778400, "3:00", TP_OK, 1, 1774746000, NULL },
		{ B, NOW, "2026-03-29T02:30", TP_OK, 1, 1774747800, NULL },
		/* Berlin, Sun 25 Oct 2026: 03:00 CEST falls back to 02:00 CET */
		{ B, 1792926000, "2:30", TP_OK, 1, 1792888200, NULL },
		{ B, 1792926000, "1:30", TP_OK, 1, 1792884600, NULL },
		{ B, 1792926000, "3:00", TP_OK, 1, 1792893600, NULL },
		/* New York, Sun 8 Mar 2026 (gap 02:00-03:00) and Sun 1 Nov
		 * 2026 (01:00-02:00 twice) */
		{ NY, 1772985600, "2:30", TP_OK, 1, 1772955000, NULL },
		{ NY, 1772985600, "1:30", TP_OK, 1, 1772951400, NULL },
		{ NY, 1793552400, "1:30", TP_OK, 1, 1793511000, NULL },
		{ NY, 1793552400, "2:00", TP_OK, 1, 1793516400, NULL },
		/* not a time at all */
		{ U, NOW, "", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "9", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "9 am", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "acme", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "the office", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "yesterday", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "mon", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "yesterday acme", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "2026-11-23", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "tomorrow 9:00", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "9.30", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "123:00", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "1.5", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "long ago", TP_NOMATCH, 0, 0, NULL },
		{ U, NOW, "555-123-4567", TP_NOMATCH, 0, 0, NULL },
		/* meant as a time, but broken */
		{ U, NOW, "25:00", TP_BAD, 0, 0, "25:00" },
		{ U, NOW, "24:00", TP_BAD, 0, 0, "24:00" },
		{ U, NOW, "9:60", TP_BAD, 0, 0, "9:60" },
		{ U, NOW, "9:5", TP_BAD, 0, 0, "9:5" },
		{ U, NOW, "9:", TP_BAD, 0, 0, "9:" },
		{ U, NOW, "17:00:00", TP_BAD, 0, 0, "17:00:00" },
		{ U, NOW, "13pm", TP_BAD, 0, 0, "13pm" },
		{ U, NOW, "0am", TP_BAD, 0, 0, "0am" },
		{ U, NOW, "0:30am", TP_BAD, 0, 0, "0:30am" },
		{ U, NOW, "yesterday 25:00", TP_BAD, 0, 0, "25:00" },
		{ U, NOW, "mon 24:00", TP_BAD, 0, 0, "24:00" },
		{ U, NOW, "9:30 2026-13-01", TP_BAD, 0, 0, "2026-13-01" },
		{ U, NOW, "2026-02-30 9:00", TP_BAD, 0, 0, "2026-02-30" },
		{ U, NOW, "2026-02-30", TP_BAD, 0, 0, "2026-02-30" },
		{ U, NOW, "1999-12-31 9:00", TP_BAD, 0, 0, "1999-12-31" },
		{ U, NOW, "2026-02-30T10:00", TP_BAD, 0, 0, "2026-02-30" },
		{ U, NOW, "2026-11-23T25:00", TP_BAD, 0, 0, "25:00" },
		{ U, NOW, "2026-11-23Tnoon", TP_BAD, 0, 0, "2026-11-23Tnoon" },
		{ U, NOW, "0m ago", TP_BAD, 0, 0, "0m" },
		{ U, NOW, "1h1h ago", TP_BAD, 0, 0, "1h1h" },
	};
	struct tp_ctx c;
	struct words w;
	struct text err;
	enum tp_rc rc;
	int64_t out;
	size_t i;
	int used;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		c.now = cases[i].now;
		c.tz = cases[i].zone;
		split(&w, cases[i].in);
		err_start(&err);
		used = -1;
		out = -1;
		rc = tp_time(&c, w.argv, w.argc, &used, &out, &err);
		check_rc(cases[i].in, rc, cases[i].rc);
		check_err(cases[i].in, rc, &err, cases[i].quote);
		if (rc == TP_OK) {
			check_i64(cases[i].in, "used", used, cases[i].used);
			check_i64(cases[i].in, "out", out, cases[i].out);
		} else {
			check_i64(cases[i].in, "untouched used", used, -1);
			check_i64(cases[i].in, "untouched out", out, -1);
		}
		text_free(&err);
	}
}

static void
tp_duration__table(void **state)
{
	static const struct {
		const char *in;
		enum tp_rc rc;
		int64_t secs;
		const char *quote;
	} cases[] = {
		{ "45m", TP_OK, 2700, NULL },
		{ "2h", TP_OK, 7200, NULL },
		{ "1h30m", TP_OK, 5400, NULL },
		{ "1H30M", TP_OK, 5400, NULL },
		{ "1h30", TP_OK, 5400, NULL },
		{ "1h05", TP_OK, 3900, NULL },
		{ "2m30", TP_OK, 150, NULL },
		{ "1h30m15s", TP_OK, 5415, NULL },
		{ "1.5h", TP_OK, 5400, NULL },
		{ ".5h", TP_OK, 1800, NULL },
		{ "1,5h", TP_OK, 5400, NULL },
		{ "0.5m", TP_OK, 30, NULL },
		{ "1.25m", TP_OK, 75, NULL },
		{ "1.333h", TP_OK, 4799, NULL },  /* 4798.8 s */
		{ "1.5s", TP_OK, 2, NULL },       /* halves round up */
		{ "0.4s", TP_BAD, 0, "0.4s" },    /* rounds to nothing */
		{ "90min", TP_OK, 5400, NULL },
		{ "90mins", TP_OK, 5400, NULL },
		{ "2minutes", TP_OK, 120, NULL },
		{ "1minute", TP_OK, 60, NULL },
		{ "30s", TP_OK, 30, NULL },
		{ "10sec", TP_OK, 10, NULL },
		{ "10secs", TP_OK, 10, NULL },
		{ "3seconds", TP_OK, 3, NULL },
		{ "1second", TP_OK, 1, NULL },
		{ "2hours", TP_OK, 7200, NULL },
		{ "1hour", TP_OK, 3600, NULL },
		{ "1hr", TP_OK, 3600, NULL },
		{ "2hrs", TP_OK, 7200, NULL },
		{ "1hr30min", TP_OK, 5400, NULL },
		{ "1:30", TP_OK, 5400, NULL },
		{ "0:45", TP_OK, 2700, NULL },
		{ "10:05", TP_OK, 36300, NULL },
		{ "1:30:00", TP_OK, 5400, NULL },
		{ "0:00:30", TP_OK, 30, NULL },
		{ "25:00", TP_OK, 90000, NULL },  /* a duration, not a clock */
		{ "1000h", TP_OK, 3600000, NULL },
		{ "999:59", TP_OK, 3599940, NULL },
		{ "000000000001h", TP_OK, 3600, NULL },
		/* not durations */
		{ "", TP_NOMATCH, 0, NULL },
		{ "90", TP_NOMATCH, 0, NULL },
		{ "1.5", TP_NOMATCH, 0, NULL },
		{ "acme", TP_NOMATCH, 0, NULL },
		{ "9am", TP_NOMATCH, 0, NULL },
		{ "3d", TP_NOMATCH, 0, NULL },
		{ "2nd", TP_NOMATCH, 0, NULL },
		{ "h", TP_NOMATCH, 0, NULL },
		{ "-", TP_NOMATCH, 0, NULL },
		{ "-acme", TP_NOMATCH, 0, NULL },
		{ "1.h", TP_NOMATCH, 0, NULL },
		{ "1:30pm", TP_NOMATCH, 0, NULL },
		/* meant as durations, but broken */
		{ "0m", TP_BAD, 0, "0m" },
		{ "0h0m", TP_BAD, 0, "0h0m" },
		{ "0:00", TP_BAD, 0, "0:00" },
		{ "-1h", TP_BAD, 0, "-1h" },
		{ "-1:30", TP_BAD, 0, "-1:30" },
		{ "1h1h", TP_BAD, 0, "1h1h" },
		{ "30m1h", TP_BAD, 0, "30m1h" },
		{ "1h90", TP_BAD, 0, "1h90" },
		{ "1h300", TP_BAD, 0, "1h300" },
		{ "1h30.5", TP_BAD, 0, "1h30.5" },
		{ "1s30", TP_BAD, 0, "1s30" },
		{ "1h30x", TP_BAD, 0, "1h30x" },
		{ "1h!", TP_BAD, 0, "1h!" },
		{ "1:5", TP_BAD, 0, "1:5" },
		{ "1:75", TP_BAD, 0, "1:75" },
		{ "1:30:75", TP_BAD, 0, "1:30:75" },
		{ "1:30:00:00", TP_BAD, 0, "1:30:00:00" },
		{ "1:", TP_BAD, 0, "1:" },
		{ "1001h", TP_BAD, 0, "1001h" },
		{ "1000h1s", TP_BAD, 0, "1000h1s" },
		{ "1000:01", TP_BAD, 0, "1000:01" },
		{ "99999999999999999999h", TP_BAD, 0, "99999999999999999999h" },
		{ "99999999999999999999:00", TP_BAD, 0, "99999999999999999999:00" },
	};
	struct text err;
	enum tp_rc rc;
	int64_t secs;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err_start(&err);
		secs = -1;
		rc = tp_duration(cases[i].in, &secs, &err);
		check_rc(cases[i].in, rc, cases[i].rc);
		check_err(cases[i].in, rc, &err, cases[i].quote);
		check_i64(cases[i].in, "secs", secs,
		          rc == TP_OK ? cases[i].secs : -1);
		text_free(&err);
	}
}

static void
tp_day__table(void **state)
{
	static const struct {
		const char *zone;
		int64_t now;
		const char *in;
		enum tp_rc rc;
		int64_t start;
		const char *quote;
	} cases[] = {
		{ U, NOW, "today", TP_OK, 1795564800, NULL },
		{ U, NOW, "TODAY", TP_OK, 1795564800, NULL },
		{ U, NOW, "yesterday", TP_OK, 1795478400, NULL },
		{ U, NOW, "mon", TP_OK, 1795392000, NULL },
		{ U, NOW, "tue", TP_OK, 1795478400, NULL },
		{ U, NOW, "wed", TP_OK, 1795564800, NULL },
		{ U, NOW, "thu", TP_OK, 1795046400, NULL },
		{ U, NOW, "fri", TP_OK, 1795132800, NULL },
		{ U, NOW, "Sat", TP_OK, 1795219200, NULL },
		{ U, NOW, "sun", TP_OK, 1795305600, NULL },
		{ U, NOW, "2026-11-23", TP_OK, 1795392000, NULL },
		{ U, NOW, "2026-1-5", TP_OK, 1767571200, NULL },
		{ U, NOW, "2026-01-31", TP_OK, 1769817600, NULL },
		{ U, NOW, "2026-02-28", TP_OK, 1772236800, NULL },
		{ U, NOW, "2028-02-29", TP_OK, 1835395200, NULL },
		{ U, NOW, "2000-02-29", TP_OK, 951782400, NULL },
		{ U, NOW, "2026-12-31", TP_OK, 1798675200, NULL },
		/* local midnight, not UTC's */
		{ B, NOW, "today", TP_OK, 1795561200, NULL },
		{ AK, NOW, "today", TP_OK, 1795604400, NULL },
		{ AK, NOW, "wed", TP_OK, 1795518000, NULL },
		{ K, NOW, "yesterday", TP_OK, 1795458600, NULL },
		/* the day after the spring change: yesterday was 23 hours */
		{ B, 1774864800, "yesterday", TP_OK, 1774738800, NULL },
		{ B, 1774864800, "sun", TP_OK, 1774738800, NULL },
		{ NY, 1793552400, "today", TP_OK, 1793505600, NULL },
		{ U, NOW, "acme", TP_NOMATCH, 0, NULL },
		{ U, NOW, "tomorrow", TP_NOMATCH, 0, NULL },
		{ U, NOW, "9:30", TP_NOMATCH, 0, NULL },
		{ U, NOW, "", TP_NOMATCH, 0, NULL },
		{ U, NOW, "2026-11", TP_NOMATCH, 0, NULL },
		{ U, NOW, "26-11-23", TP_NOMATCH, 0, NULL },
		{ U, NOW, "20260-11-23", TP_NOMATCH, 0, NULL },
		{ U, NOW, "2026-11-230", TP_NOMATCH, 0, NULL },
		{ U, NOW, "now", TP_NOMATCH, 0, NULL },
		{ U, NOW, "monkey", TP_NOMATCH, 0, NULL },
		{ U, NOW, "2026-02-30", TP_BAD, 0, "2026-02-30" },
		{ U, NOW, "2026-02-29", TP_BAD, 0, "2026-02-29" },
		{ U, NOW, "2100-02-29", TP_BAD, 0, "2100-02-29" },
		{ U, NOW, "2026-13-01", TP_BAD, 0, "2026-13-01" },
		{ U, NOW, "2026-00-10", TP_BAD, 0, "2026-00-10" },
		{ U, NOW, "2026-11-00", TP_BAD, 0, "2026-11-00" },
		{ U, NOW, "2026-11-31", TP_BAD, 0, "2026-11-31" },
		{ U, NOW, "1999-12-31", TP_BAD, 0, "1999-12-31" },
	};
	struct tp_ctx c;
	struct text err;
	enum tp_rc rc;
	int64_t start;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		c.now = cases[i].now;
		c.tz = cases[i].zone;
		err_start(&err);
		start = -1;
		rc = tp_day(&c, cases[i].in, &start, &err);
		check_rc(cases[i].in, rc, cases[i].rc);
		check_err(cases[i].in, rc, &err, cases[i].quote);
		check_i64(cases[i].in, "start", start,
		          rc == TP_OK ? cases[i].start : -1);
		text_free(&err);
	}
}

static void
tp_trailing_when__table(void **state)
{
	static const struct {
		const char *in;
		enum tp_rc rc;
		int keep;
		int64_t out;
		const char *quote;
	} cases[] = {
		{ "acme meeting at 9:30", TP_OK, 2, 1795599000, NULL },
		{ "acme At 5PM", TP_OK, 1, 1795626000, NULL },
		{ "acme at yesterday 17:00", TP_OK, 1, 1795539600, NULL },
		{ "acme at 9:30 yesterday", TP_OK, 1, 1795512600, NULL },
		{ "acme at 2026-11-23T17:00", TP_OK, 1, 1795453200, NULL },
		{ "acme at now", TP_OK, 1, NOW, NULL },
		{ "acme 15m ago", TP_OK, 1, NOW - 900, NULL },
		{ "acme at 15m ago", TP_OK, 1, NOW - 900, NULL },
		{ "acme fix header 1h30m ago", TP_OK, 3, NOW - 5400, NULL },
		{ "at 9:30", TP_OK, 0, 1795599000, NULL },
		{ "15m ago", TP_OK, 0, NOW - 900, NULL },
		{ "meeting at at 9:30", TP_OK, 2, 1795599000, NULL },
		{ "acme at 9:00 at 9:30", TP_OK, 3, 1795599000, NULL },
		/* no time at the end: every word stays */
		{ "", TP_NOMATCH, 0, 0, NULL },
		{ "acme", TP_NOMATCH, 1, 0, NULL },
		{ "acme meeting at the office", TP_NOMATCH, 5, 0, NULL },
		{ "acme 9:30", TP_NOMATCH, 2, 0, NULL },
		{ "acme a long time ago", TP_NOMATCH, 5, 0, NULL },
		{ "acme at", TP_NOMATCH, 2, 0, NULL },
		{ "ago", TP_NOMATCH, 1, 0, NULL },
		/* clearly a time, but broken */
		{ "acme at 25:00", TP_BAD, 3, 0, "25:00" },
		{ "at 25:00", TP_BAD, 2, 0, "25:00" },
		{ "acme at yesterday 25:00", TP_BAD, 4, 0, "25:00" },
		{ "acme at 2026-02-30 9:00", TP_BAD, 4, 0, "2026-02-30" },
		{ "acme at 2026-02-30", TP_BAD, 3, 0, "2026-02-30" },
		{ "acme 0m ago", TP_BAD, 3, 0, "0m" },
		{ "acme at -5m ago", TP_BAD, 4, 0, "-5m" },
		{ "acme 5x ago", TP_BAD, 3, 0, "5x" },
		{ "3q ago", TP_BAD, 2, 0, "3q" },
		/* a time was meant after "at": refused, never kept as a note
		 * while the timer starts now */
		{ "acme at 9", TP_BAD, 3, 0, "9" },
		{ "acme at mon", TP_BAD, 3, 0, "mon" },
		{ "acme at 9:30 sharp", TP_BAD, 4, 0, "9:30 sharp" },
		{ "acme at 3 pm", TP_BAD, 4, 0, "3 pm" },
		{ "acme at tomorrow 9:00", TP_BAD, 4, 0, "tomorrow 9:00" },
		{ "acme at tomorrow", TP_BAD, 3, 0, "tomorrow" },
		{ "acme at now please", TP_BAD, 4, 0, "now please" },
	};
	struct tp_ctx c = { NOW, U };
	struct words w;
	struct text err;
	enum tp_rc rc;
	int64_t out;
	size_t i;
	int keep;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		split(&w, cases[i].in);
		err_start(&err);
		keep = -1;
		out = -1;
		rc = tp_trailing_when(&c, w.argv, w.argc, &keep, &out, &err);
		check_rc(cases[i].in, rc, cases[i].rc);
		check_err(cases[i].in, rc, &err, cases[i].quote);
		check_i64(cases[i].in, "keep", keep, cases[i].keep);
		check_i64(cases[i].in, "out", out,
		          rc == TP_OK ? cases[i].out : -1);
		text_free(&err);
	}
}

static void
tp_span__table(void **state)
{
	static const struct {
		const char *zone;
		int64_t day;
		const char *in;
		enum tp_rc rc;
		int used;
		int64_t from, to;
		const char *quote;
	} cases[] = {
		{ U, 1795564800, "9:00-10:30", TP_OK, 1, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9:00 - 10:30", TP_OK, 3, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9:00- 10:30", TP_OK, 2, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9:00 -10:30", TP_OK, 2, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9:00 to 10:30", TP_OK, 3, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9:00\xe2\x80\x93" "10:30", TP_OK, 1, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9:00 \xe2\x80\x94 10:30", TP_OK, 3, 1795597200, 1795602600, NULL },
		{ U, 1795564800, "9am-5pm", TP_OK, 1, 1795597200, 1795626000, NULL },
		{ U, 1795564800, "9AM-5:30PM acme", TP_OK, 1, 1795597200, 1795627800, NULL },
		{ U, 1795564800, "0:00-23:59", TP_OK, 1, 1795564800, 1795651140, NULL },
		/* the end passes midnight */
		{ U, 1795564800, "22:00-01:00", TP_OK, 1, 1795644000, 1795654800, NULL },
		{ U, 1795564800, "10:00-9:00", TP_OK, 1, 1795600800, 1795683600, NULL },
		{ U, 1798675200, "23:00-0:30", TP_OK, 1, 1798758000, 1798763400, NULL },
		{ U, 1835308800, "23:00-1:00", TP_OK, 1, 1835391600, 1835398800, NULL },
		/* Berlin spring forward: 01:30 CET to 03:30 CEST is one hour */
		{ B, 1774738800, "01:30-03:30", TP_OK, 1, 1774744200, 1774747800, NULL },
		{ B, 1774738800, "01:30-02:30", TP_OK, 1, 1774744200, 1774747800, NULL },
		/* Berlin fall back: 01:30 CEST to 03:30 CET is three hours */
		{ B, 1792879200, "01:30-03:30", TP_OK, 1, 1792884600, 1792895400, NULL },
		{ B, 1792792800, "22:00-01:00", TP_OK, 1, 1792872000, 1792882800, NULL },
		{ NY, 1772946000, "1:00-3:00", TP_OK, 1, 1772949600, 1772953200, NULL },
		{ NY, 1793505600, "0:00-2:00", TP_OK, 1, 1793505600, 1793516400, NULL },
		/* not a span */
		{ U, 1795564800, "acme", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "9", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "9-5", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "9:00", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "9:00 acme", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "2026-11-23", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "-10:30", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, 1795564800, "1h30m", TP_NOMATCH, 0, 0, 0, NULL },
		/* meant as a span, but broken */
		{ U, 1795564800, "9:00-9:00", TP_BAD, 0, 0, 0, "9:00-9:00" },
		{ U, 1795564800, "9am-9:00", TP_BAD, 0, 0, 0, "9am-9:00" },
		{ U, 1795564800, "9:00-25:00", TP_BAD, 0, 0, 0, "25:00" },
		{ U, 1795564800, "25:00-10:00", TP_BAD, 0, 0, 0, "25:00" },
		{ U, 1795564800, "9:00-", TP_BAD, 0, 0, 0, "9:00-" },
		{ U, 1795564800, "9:00 - foo", TP_BAD, 0, 0, 0, "9:00 - foo" },
		{ U, 1795564800, "9:00 to", TP_BAD, 0, 0, 0, "9:00 to" },
		{ U, 1795564800, "9:00-10:00-11:00", TP_BAD, 0, 0, 0, "9:00-10:00-11:00" },
		/* 02:30 does not exist that day and moves to 03:30, past 03:15 */
		{ B, 1774738800, "02:30-03:15", TP_BAD, 0, 0, 0, "02:30-03:15" },
	};
	struct tp_ctx c = { NOW, U };
	struct words w;
	struct text err;
	enum tp_rc rc;
	int64_t from, to;
	size_t i;
	int used;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		c.tz = cases[i].zone;
		split(&w, cases[i].in);
		err_start(&err);
		used = -1;
		from = to = -1;
		rc = tp_span(&c, w.argv, w.argc, cases[i].day, &used, &from, &to,
		             &err);
		check_rc(cases[i].in, rc, cases[i].rc);
		check_err(cases[i].in, rc, &err, cases[i].quote);
		check_i64(cases[i].in, "used", used,
		          rc == TP_OK ? cases[i].used : -1);
		check_i64(cases[i].in, "from", from,
		          rc == TP_OK ? cases[i].from : -1);
		check_i64(cases[i].in, "to", to, rc == TP_OK ? cases[i].to : -1);
		text_free(&err);
	}
}

static void
tp_range__table(void **state)
{
	static const struct {
		const char *zone;
		int64_t now;
		const char *in;
		enum tp_rc rc;
		int used;
		int64_t from, to;
		const char *label; /* TP_BAD: the part err must quote */
	} cases[] = {
		{ U, NOW, "today", TP_OK, 1, 1795564800, 1795651200, "today" },
		{ U, NOW, "Today", TP_OK, 1, 1795564800, 1795651200, "today" },
		{ U, NOW, "yesterday", TP_OK, 1, 1795478400, 1795564800, "yesterday" },
		{ U, NOW, "week", TP_OK, 1, 1795392000, 1795996800, "this week" },
		{ U, NOW, "this week", TP_OK, 2, 1795392000, 1795996800, "this week" },
		{ U, NOW, "This Week", TP_OK, 2, 1795392000, 1795996800, "this week" },
		{ U, NOW, "last week", TP_OK, 2, 1794787200, 1795392000, "last week" },
		{ U, NOW, "month", TP_OK, 1, 1793491200, 1796083200, "this month" },
		{ U, NOW, "this month", TP_OK, 2, 1793491200, 1796083200, "this month" },
		{ U, NOW, "last month", TP_OK, 2, 1790812800, 1793491200, "last month" },
		{ U, NOW, "year", TP_OK, 1, 1767225600, 1798761600, "this year" },
		{ U, NOW, "this year", TP_OK, 2, 1767225600, 1798761600, "this year" },
		{ U, NOW, "last year", TP_OK, 2, 1735689600, 1767225600, "last year" },
		{ U, NOW, "week acme", TP_OK, 1, 1795392000, 1795996800, "this week" },
		/* single days get their date */
		{ U, NOW, "mon", TP_OK, 1, 1795392000, 1795478400, "Mon 23 Nov 2026" },
		{ U, NOW, "wed", TP_OK, 1, 1795564800, 1795651200, "Wed 25 Nov 2026" },
		{ U, NOW, "thu", TP_OK, 1, 1795046400, 1795132800, "Thu 19 Nov 2026" },
		{ U, NOW, "2026-11-23", TP_OK, 1, 1795392000, 1795478400, "Mon 23 Nov 2026" },
		{ U, NOW, "2026-12-01", TP_OK, 1, 1796083200, 1796169600, "Tue 1 Dec 2026" },
		{ U, NOW, "2028-02-29", TP_OK, 1, 1835395200, 1835481600, "Tue 29 Feb 2028" },
		/* DAY..DAY, the last day included */
		{ U, NOW, "mon..wed", TP_OK, 1, 1795392000, 1795651200, "Mon 23 \xe2\x80\x93 Wed 25 Nov 2026" },
		{ U, NOW, "Mon..Today", TP_OK, 1, 1795392000, 1795651200, "Mon 23 \xe2\x80\x93 Wed 25 Nov 2026" },
		{ U, NOW, "wed..wed", TP_OK, 1, 1795564800, 1795651200, "Wed 25 Nov 2026" },
		{ U, NOW, "2026-11-01..2026-11-30", TP_OK, 1, 1793491200, 1796083200, "Sun 1 \xe2\x80\x93 Mon 30 Nov 2026" },
		{ U, NOW, "2026-11-30..2026-12-02", TP_OK, 1, 1795996800, 1796256000, "Mon 30 Nov \xe2\x80\x93 Wed 2 Dec 2026" },
		{ U, NOW, "2026-12-30..2027-01-01", TP_OK, 1, 1798588800, 1798848000, "Wed 30 Dec 2026 \xe2\x80\x93 Fri 1 Jan 2027" },
		{ U, NOW, "2026-11-01..today", TP_OK, 1, 1793491200, 1795651200, "Sun 1 \xe2\x80\x93 Wed 25 Nov 2026" },
		/* now Wed 6 Jan 2027: last week and last month are in 2026 */
		{ U, 1799236800, "last week", TP_OK, 2, 1798416000, 1799020800, "last week" },
		{ U, 1799236800, "last month", TP_OK, 2, 1796083200, 1798761600, "last month" },
		{ U, 1799236800, "last year", TP_OK, 2, 1767225600, 1798761600, "last year" },
		{ U, 1799236800, "week", TP_OK, 1, 1799020800, 1799625600, "this week" },
		/* now Sun 3 Jan 2027: this week began on Mon 28 Dec 2026 */
		{ U, 1798977600, "week", TP_OK, 1, 1798416000, 1799020800, "this week" },
		/* month ends */
		{ U, 1769860800, "month", TP_OK, 1, 1767225600, 1769904000, "this month" },
		{ U, 1769860800, "last month", TP_OK, 2, 1764547200, 1767225600, "last month" },
		{ U, 1772280000, "month", TP_OK, 1, 1769904000, 1772323200, "this month" },
		{ U, 1774958400, "last month", TP_OK, 2, 1769904000, 1772323200, "last month" },
		{ U, 1835438400, "month", TP_OK, 1, 1832976000, 1835481600, "this month" },
		{ U, 1835438400, "today", TP_OK, 1, 1835395200, 1835481600, "today" },
		/* days of 23 and 25 hours */
		{ B, 1774778400, "today", TP_OK, 1, 1774738800, 1774821600, "today" },
		{ B, 1774864800, "yesterday", TP_OK, 1, 1774738800, 1774821600, "yesterday" },
		{ B, 1792926000, "today", TP_OK, 1, 1792879200, 1792969200, "today" },
		{ B, 1792926000, "week", TP_OK, 1, 1792360800, 1792969200, "this week" },
		{ B, NOW, "2026-10-19..2026-10-25", TP_OK, 1, 1792360800, 1792969200, "Mon 19 \xe2\x80\x93 Sun 25 Oct 2026" },
		{ NY, 1772985600, "today", TP_OK, 1, 1772946000, 1773028800, "today" },
		{ NY, 1793552400, "today", TP_OK, 1, 1793505600, 1793595600, "today" },
		{ AK, NOW, "today", TP_OK, 1, 1795604400, 1795690800, "today" },
		/* not a range */
		{ U, NOW, "", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "acme", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "last", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "this", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "last acme", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "weeks", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "foo..bar", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "...", TP_NOMATCH, 0, 0, 0, NULL },
		{ U, NOW, "9:30", TP_NOMATCH, 0, 0, 0, NULL },
		/* two weekdays are days of this week, also on a Monday; a
		 * first day later in the week than the last reaches back
		 * into last week */
		{ U, NOW, "wed..mon", TP_OK, 1, 1794960000, 1795478400, "Wed 18 \xe2\x80\x93 Mon 23 Nov 2026" },
		{ U, MON0027, "mon..wed", TP_OK, 1, 1796601600, 1796860800, "Mon 7 \xe2\x80\x93 Wed 9 Dec 2026" },
		{ U, MON0027, "Monday..Wednesday", TP_OK, 1, 1796601600, 1796860800, "Mon 7 \xe2\x80\x93 Wed 9 Dec 2026" },
		{ U, MON0027 + 86400, "mon..wed", TP_OK, 1, 1796601600, 1796860800, "Mon 7 \xe2\x80\x93 Wed 9 Dec 2026" },
		{ U, MON0027, "tue..wed", TP_OK, 1, 1796688000, 1796860800, "Tue 8 \xe2\x80\x93 Wed 9 Dec 2026" },
		{ U, MON0027, "mon..sun", TP_OK, 1, 1796601600, 1797206400, "Mon 7 \xe2\x80\x93 Sun 13 Dec 2026" },
		{ U, MON0027, "fri..mon", TP_OK, 1, 1796342400, 1796688000, "Fri 4 \xe2\x80\x93 Mon 7 Dec 2026" },
		{ U, MON0027, "wed..mon", TP_OK, 1, 1796169600, 1796688000, "Wed 2 \xe2\x80\x93 Mon 7 Dec 2026" },
		{ U, MON0027, "mon..mon", TP_OK, 1, 1796601600, 1796688000, "Mon 7 Dec 2026" },
		/* Sunday 13 Dec ends the week of Monday 7 */
		{ U, 1797120000 + 3600, "mon..wed", TP_OK, 1, 1796601600, 1796860800, "Mon 7 \xe2\x80\x93 Wed 9 Dec 2026" },
		/* a weekday next to another kind of day is the latest such */
		{ U, MON0027, "fri..today", TP_OK, 1, 1796342400, 1796688000, "Fri 4 \xe2\x80\x93 Mon 7 Dec 2026" },
		/* meant as a range, but broken */
		{ U, NOW, "today..mon", TP_BAD, 0, 0, 0, "today..mon" },
		{ U, NOW, "2026-11-30..2026-11-01", TP_BAD, 0, 0, 0, "2026-11-30..2026-11-01" },
		{ U, NOW, "mon..foo", TP_BAD, 0, 0, 0, "mon..foo" },
		{ U, NOW, "mon..", TP_BAD, 0, 0, 0, "mon.." },
		{ U, NOW, "..wed", TP_BAD, 0, 0, 0, "..wed" },
		{ U, NOW, "2026-02-30", TP_BAD, 0, 0, 0, "2026-02-30" },
		{ U, NOW, "2026-02-30..2026-03-01", TP_BAD, 0, 0, 0, "2026-02-30" },
		{ U, NOW, "2026-03-01..2026-02-30", TP_BAD, 0, 0, 0, "2026-02-30" },
	};
	struct tp_ctx c;
	struct words w;
	struct text err;
	enum tp_rc rc;
	char label[TP_LABEL_MAX];
	int64_t from, to;
	size_t i;
	int used;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		c.now = cases[i].now;
		c.tz = cases[i].zone;
		split(&w, cases[i].in);
		err_start(&err);
		used = -1;
		from = to = -1;
		snprintf(label, sizeof(label), "%s", SENTINEL);
		rc = tp_range(&c, w.argv, w.argc, &used, &from, &to, label,
		              sizeof(label), &err);
		check_rc(cases[i].in, rc, cases[i].rc);
		check_err(cases[i].in, rc, &err,
		          rc == TP_BAD ? cases[i].label : NULL);
		check_i64(cases[i].in, "used", used,
		          rc == TP_OK ? cases[i].used : -1);
		check_i64(cases[i].in, "from", from,
		          rc == TP_OK ? cases[i].from : -1);
		check_i64(cases[i].in, "to", to, rc == TP_OK ? cases[i].to : -1);
		if (strcmp(label, rc == TP_OK ? cases[i].label : SENTINEL) != 0)
			fail_msg("\"%s\": label \"%s\"", cases[i].in, label);
		text_free(&err);
	}
}

/* The sentences themselves, as the chat user reads them. */
static void
tp_bad__sentences_quote_the_word_and_show_examples(void **state)
{
	struct tp_ctx c = { NOW, U };
	char w25[] = "25:00", wfeb[] = "2026-02-30", wat[] = "at";
	char *argv[2];
	struct text err;
	int64_t t;
	int n;

	(void)state;
	text_init(&err, ERR_MAX);
	argv[0] = w25;
	assert_int_equal(tp_time(&c, argv, 1, &n, &t, &err), TP_BAD);
	assert_string_equal(text_str(&err),
	                    "\"25:00\" is not a time of day. "
	                    "Try 9:30, 17:00 or 5pm.");
	text_clear(&err);
	assert_int_equal(tp_day(&c, wfeb, &t, &err), TP_BAD);
	assert_string_equal(text_str(&err),
	                    "\"2026-02-30\" is not a date. Try 2026-11-23.");
	text_clear(&err);
	assert_int_equal(tp_duration("0m", &t, &err), TP_BAD);
	assert_string_equal(text_str(&err),
	                    "\"0m\" is not a duration: it must be more than "
	                    "zero. Try 45m, 1h30m or 1.5h.");
	text_clear(&err);
	assert_int_equal(tp_duration("1001h", &t, &err), TP_BAD);
	assert_string_equal(text_str(&err),
	                    "\"1001h\" is too long: a duration can be at most "
	                    "1000h. Try 45m, 1h30m or 1.5h.");
	text_clear(&err);
	argv[0] = wat;
	argv[1] = w25;
	assert_int_equal(tp_trailing_when(&c, argv, 2, &n, &t, &err), TP_BAD);
	assert_string_equal(text_str(&err),
	                    "\"25:00\" is not a time of day. "
	                    "Try 9:30, 17:00 or 5pm.");
	text_clear(&err);
	/* err may be NULL when the caller only wants the verdict */
	assert_int_equal(tp_duration("0m", &t, NULL), TP_BAD);
	text_free(&err);
}

/*
 * A range that ends before it starts is refused with the same days the
 * right way round; the hint never proposes the words just refused, and
 * "mon..wed", the example of every other range hint, is never refused.
 */
static void
tp_range__backwards_hint_swaps_the_days__never_repeats_the_input(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "today..mon", "\"today..mon\" ends before it starts. Try "
		                "mon..today." },
		{ "2026-11-30..2026-11-01", "\"2026-11-30..2026-11-01\" ends "
		  "before it starts. Try 2026-11-01..2026-11-30." },
		{ "Today..2026-11-01", "\"Today..2026-11-01\" ends before it "
		  "starts. Try 2026-11-01..Today." },
	};
	/* Every day of a week, on Monday to Sunday at 00:27 */
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri",
	                                    "sat", "sun" };
	struct tp_ctx c = { NOW, U };
	struct text err;
	struct words w;
	char range[32], label[TP_LABEL_MAX];
	int64_t from, to;
	size_t i, j, k;
	int used;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		text_init(&err, ERR_MAX);
		split(&w, cases[i].in);
		assert_int_equal(tp_range(&c, w.argv, w.argc, &used, &from, &to,
		                          NULL, 0, &err), TP_BAD);
		assert_string_equal(text_str(&err), cases[i].want);
		text_free(&err);
	}
	for (k = 0; k < 7; k++) {
		c.now = MON0027 + (int64_t)k * 86400;
		for (i = 0; i < 7; i++)
			for (j = 0; j < 7; j++) {
				snprintf(range, sizeof(range), "%s..%s", days[i],
				         days[j]);
				split(&w, range);
				assert_int_equal(tp_range(&c, w.argv, 1, &used, &from,
				                          &to, label, sizeof(label),
				                          NULL), TP_OK);
				/* this week's days, the first perhaps last week's */
				assert_true(from >= 1796601600 - 6 * 86400);
				assert_true(to <= 1797206400);
				assert_true(to - from == (int64_t)(((j + 7 - i) % 7) + 1) * 86400);
			}
	}
}

/*
 * The _moved forms say which clock times a spring-forward gap moved, and
 * nothing for times that exist (also the repeated hour of a fall-back).
 * New York, Sun 8 Mar 2026: 02:00 EST jumps to 03:00 EDT.
 */
static void
tp_moved__reports_clock_times_in_a_dst_gap(void **state)
{
	struct tp_ctx c = { INT64_C(1773000000), NY }; /* 8 Mar 16:00 UTC */
	struct tp_moved mv;
	struct words w;
	int64_t t, from, day = INT64_C(1772946000); /* 8 Mar 00:00 EST */
	int used, keep;

	(void)state;
	split(&w, "2:30");
	mv.n = -1;
	assert_int_equal(tp_time_moved(&c, w.argv, w.argc, &used, &t, &mv,
	                               NULL), TP_OK);
	assert_int_equal(t, 1772955000); /* 03:30 EDT */
	assert_int_equal(mv.n, 1);
	assert_int_equal(mv.at[0].y, 2026);
	assert_int_equal(mv.at[0].m, 3);
	assert_int_equal(mv.at[0].d, 8);
	assert_int_equal(mv.at[0].asked, 150);
	assert_int_equal(mv.at[0].used, 1772955000);

	split(&w, "2026-03-08T02:30");
	mv.n = -1;
	assert_int_equal(tp_time_moved(&c, w.argv, w.argc, &used, &t, &mv,
	                               NULL), TP_OK);
	assert_int_equal(mv.n, 1);

	split(&w, "1:30");
	mv.n = -1;
	assert_int_equal(tp_time_moved(&c, w.argv, w.argc, &used, &t, &mv,
	                               NULL), TP_OK);
	assert_int_equal(mv.n, 0);

	/* a span: one end moved, or both */
	split(&w, "2:30-4:00");
	mv.n = -1;
	assert_int_equal(tp_span_moved(&c, w.argv, w.argc, day, &used, &from,
	                               &t, &mv, NULL), TP_OK);
	assert_int_equal(from, 1772955000);
	assert_int_equal(t, 1772956800);
	assert_int_equal(mv.n, 1);
	assert_int_equal(mv.at[0].asked, 150);
	split(&w, "2:10 - 2:50");
	assert_int_equal(tp_span_moved(&c, w.argv, w.argc, day, &used, &from,
	                               &t, &mv, NULL), TP_OK);
	assert_int_equal(mv.n, 2);
	assert_int_equal(mv.at[0].asked, 130);
	assert_int_equal(mv.at[0].used, 1772953800);
	assert_int_equal(mv.at[1].asked, 170);
	assert_int_equal(mv.at[1].used, 1772956200);
	split(&w, "1:00-4:00");
	assert_int_equal(tp_span_moved(&c, w.argv, w.argc, day, &used, &from,
	                               &t, &mv, NULL), TP_OK);
	assert_int_equal(mv.n, 0);

	/* the trailing "at" of start and stop; "ago" moves nothing */
	split(&w, "acme at 2:30");
	mv.n = -1;
	assert_int_equal(tp_trailing_when_moved(&c, w.argv, w.argc, &keep, &t,
	                                        &mv, NULL), TP_OK);
	assert_int_equal(keep, 1);
	assert_int_equal(mv.n, 1);
	split(&w, "acme at 2026-03-08 2:30");
	mv.n = -1;
	assert_int_equal(tp_trailing_when_moved(&c, w.argv, w.argc, &keep, &t,
	                                        &mv, NULL), TP_OK);
	assert_int_equal(mv.n, 1);
	split(&w, "acme 15m ago");
	mv.n = -1;
	assert_int_equal(tp_trailing_when_moved(&c, w.argv, w.argc, &keep, &t,
	                                        &mv, NULL), TP_OK);
	assert_int_equal(mv.n, 0);

	/* untouched unless TP_OK */
	split(&w, "25:00");
	mv.n = -1;
	assert_int_equal(tp_time_moved(&c, w.argv, w.argc, &used, &t, &mv,
	                               NULL), TP_BAD);
	assert_int_equal(mv.n, -1);
	split(&w, "acme");
	assert_int_equal(tp_span_moved(&c, w.argv, w.argc, day, &used, &from,
	                               &t, &mv, NULL), TP_NOMATCH);
	assert_int_equal(mv.n, -1);

	/* New York, Sun 1 Nov 2026: 01:30 happens twice; the first is
	 * taken and nothing moved */
	c.now = INT64_C(1793552400);
	split(&w, "1:30");
	assert_int_equal(tp_time_moved(&c, w.argv, w.argc, &used, &t, &mv,
	                               NULL), TP_OK);
	assert_int_equal(t, 1793511000);
	assert_int_equal(mv.n, 0);
	/* the plain forms take no struct and parse the same */
	split(&w, "2:30");
	c.now = INT64_C(1773000000);
	assert_int_equal(tp_time(&c, w.argv, w.argc, &used, &t, NULL), TP_OK);
	assert_int_equal(t, 1772955000);
}

/* A long word is quoted in part, never cut inside a character. */
static void
tp_bad__long_word_shortened_at_a_character(void **state)
{
	/* 38 ASCII bytes, then a 3-byte character across the 40-byte limit */
	const char *word = "1h12345678901234567890123456789012345x"
	                   "\xe2\x98\x95" "xxxxxxxxxxxxxxxxxxxx";
	struct text err;
	int64_t t;

	(void)state;
	text_init(&err, ERR_MAX);
	assert_int_equal(tp_duration(word, &t, &err), TP_BAD);
	assert_string_equal(text_str(&err),
	                    "\"1h12345678901234567890123456789012345x\xe2\x80\xa6\" "
	                    "is not a duration. Try 45m, 1h30m or 1.5h.");
	text_free(&err);
}

/* A label that does not fit is cut before the dash, not inside it. */
static void
tp_range__label_cut_whole_characters(void **state)
{
	struct tp_ctx c = { NOW, U };
	char word[] = "mon..wed", label[10];
	char *argv[1] = { word };
	int64_t from, to;
	int used;

	(void)state;
	/* "Mon 23 " is 7 bytes; the dash would take 3 more plus the NUL */
	assert_int_equal(tp_range(&c, argv, 1, &used, &from, &to, label,
	                          sizeof(label), NULL),
	                 TP_OK);
	assert_string_equal(label, "Mon 23 ");
	assert_int_equal(tp_range(&c, argv, 1, &used, &from, &to, NULL, 0,
	                          NULL),
	                 TP_OK);
	assert_int_equal(to - from, 3 * 86400);
}

/* A zone the tz layer cannot switch to counts as UTC, not as garbage. */
static void
tp_ctx__missing_or_oversized_zone_is_utc(void **state)
{
	char long_zone[TZ_NAME_MAX + 8];
	struct tp_ctx c = { NOW, NULL };
	int64_t start;

	(void)state;
	assert_int_equal(tp_day(&c, "today", &start, NULL), TP_OK);
	assert_int_equal(start, 1795564800);
	memset(long_zone, 'A', sizeof(long_zone) - 1);
	long_zone[sizeof(long_zone) - 1] = '\0';
	c.tz = long_zone;
	assert_int_equal(tp_day(&c, "yesterday", &start, NULL), TP_OK);
	assert_int_equal(start, 1795478400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tp_time__table),
		cmocka_unit_test(tp_duration__table),
		cmocka_unit_test(tp_day__table),
		cmocka_unit_test(tp_trailing_when__table),
		cmocka_unit_test(tp_span__table),
		cmocka_unit_test(tp_range__table),
		cmocka_unit_test(tp_bad__sentences_quote_the_word_and_show_examples),
		cmocka_unit_test(tp_bad__long_word_shortened_at_a_character),
		cmocka_unit_test(tp_range__label_cut_whole_characters),
		cmocka_unit_test(tp_range__backwards_hint_swaps_the_days__never_repeats_the_input),
		cmocka_unit_test(tp_moved__reports_clock_times_in_a_dst_gap),
		cmocka_unit_test(tp_ctx__missing_or_oversized_zone_is_utc),
	};

	return cmocka_run_group_tests_name("timeparse", tests, NULL, NULL);
}
