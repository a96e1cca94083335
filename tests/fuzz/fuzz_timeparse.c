/*
 * tests/fuzz/fuzz_timeparse.c - libFuzzer target: any bytes as the words
 * of a command, through every tp_* function at every offset.
 *
 * The first byte picks the time zone; the rest is split on whitespace (and
 * NUL) into at most WORDS_MAX words. now is fixed. Each call must keep the
 * promises of timeparse.h, checked with abort():
 *   - the return code is one of the three;
 *   - err gains a sentence on TP_BAD (quoted word first, an example last,
 *     valid UTF-8 whenever the input was) and nothing otherwise;
 *   - outputs are written on TP_OK only (*keep: argc unless TP_OK);
 *   - TP_OK values make sense: words used within argc, durations within
 *     (0, TP_DURATION_MAX], days and range ends on local midnights,
 *     from < to, spans on their day, labels short and whole;
 *   - the functions agree: a trailing "at TIME" is what tp_time makes of
 *     TIME, "DURATION ago" is now minus tp_duration, a one-day range
 *     starts where tp_day says, and a span starts at the clock tp_time
 *     reads from its first word on that day;
 *   - the same words give the same answer with err NULL.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../../lib/text.h"
#include "../../commands/timeparse.h"
#include "../../lib/tz.h"

#define INPUT_MAX 512
#define WORDS_MAX 8
#define ERR_MAX 1024
#define UNSET INT64_C(-7777777) /* an output nobody would write */

#define NOW INT64_C(1795615200) /* Wed 25 Nov 2026 14:00 UTC */
/* Any instant a parse may yield: from 2000-01-01 east of UTC, minus the
 * longest "ago", to 9999-12-31 west of UTC plus a day. */
#define T_MIN (INT64_C(946684800) - 14 * 3600 - TP_DURATION_MAX)
#define T_MAX (INT64_C(253402300800) + 2 * 86400)

static const char *zones[] = { "UTC", "Europe/Berlin", "America/New_York",
                               "Asia/Kolkata", "Australia/Lord_Howe" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		abort();
}

static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int more, i;

	while (*p) {
		if (*p < 0x80)
			more = 0;
		else if (*p >= 0xC2 && *p <= 0xDF)
			more = 1;
		else if (*p >= 0xE0 && *p <= 0xEF)
			more = 2;
		else if (*p >= 0xF0 && *p <= 0xF4)
			more = 3;
		else
			return false;
		for (p++, i = 0; i < more; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static bool
utf8_valid_all(char **argv, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!utf8_valid(argv[i]))
			return false;
	return true;
}

/* The err contract for one call; empties err for the next. */
static void
check_err(enum tp_rc rc, struct text *err, bool input_utf8)
{
	const char *s = text_str(err);

	check(rc == TP_OK || rc == TP_NOMATCH || rc == TP_BAD);
	if (rc != TP_BAD) {
		check(err->len == 0);
		return;
	}
	check(err->len > 0 && err->len < 256 && !err->truncated);
	check(strlen(s) == err->len);
	check(s[0] == '"' && strchr(s + 1, '"') != NULL);
	check(strstr(s, " Try ") != NULL && s[err->len - 1] == '.');
	if (input_utf8)
		check(utf8_valid(s));
	text_clear(err);
}

static bool
is_midnight(const char *zone, int64_t t)
{
	return tz_day_start(zone, t) == t;
}

/* A trailing when that tp_trailing_when found is what tp_duration or
 * tp_time make of those words. */
static void
agree_when(const struct tp_ctx *c, char **argv, int argc, int keep,
           int64_t out)
{
	int64_t t = UNSET;
	int used = -1;

	/* "DURATION ago" wins whenever the duration reads */
	if (argc >= 2 && strcasecmp(argv[argc - 1], "ago") == 0 &&
	    tp_duration(argv[argc - 2], &t, NULL) == TP_OK) {
		check(out == c->now - t);
		return;
	}
	check(strcasecmp(argv[keep], "at") == 0);
	check(tp_time(c, argv + keep + 1, argc - keep - 1, &used, &t, NULL) ==
	      TP_OK);
	check(used == argc - keep - 1 && t == out);
}

/* A span starts where its first clock does on that day: read "DATE CLOCK"
 * with tp_time, the date written out from the day's own start. */
static void
agree_span(const struct tp_ctx *c, const char *word, int64_t day,
           int64_t from)
{
	char date[32], clock[16], *argv[2];
	struct tm tm;
	size_t n;
	int64_t t = UNSET;
	int used, r;

	n = strcspn(word, "-\xe2");
	if (n == 0 || n >= sizeof(clock) || tz_local(c->tz, day, &tm) != 0)
		return;
	memcpy(clock, word, n);
	clock[n] = '\0';
	r = snprintf(date, sizeof(date), "%04d-%02d-%02d", tm.tm_year + 1900,
	             tm.tm_mon + 1, tm.tm_mday);
	check(r > 0 && (size_t)r < sizeof(date));
	argv[0] = date;
	argv[1] = clock;
	check(tp_time(c, argv, 2, &used, &t, NULL) == TP_OK);
	check(used == 2 && t == from);
}

static void
fuzz_words(const struct tp_ctx *c, char **argv, int argc, bool utf8)
{
	char label[TP_LABEL_MAX], small[12];
	struct text err;
	enum tp_rc rc, rc2;
	int64_t a, b, a2, day;
	int i, n, n2, k;

	text_init(&err, ERR_MAX);
	for (i = 0; i < argc; i++) {
		a = UNSET;
		rc = tp_duration(argv[i], &a, &err);
		check_err(rc, &err, utf8);
		check(rc == TP_OK ? a > 0 && a <= TP_DURATION_MAX : a == UNSET);

		a = UNSET;
		rc = tp_day(c, argv[i], &a, &err);
		check_err(rc, &err, utf8);
		check(rc == TP_OK ? is_midnight(c->tz, a) : a == UNSET);
	}

	for (i = 0; i <= argc; i++) {
		/* tp_time at every offset, twice: the same answer both times */
		a = a2 = UNSET;
		n = n2 = -1;
		rc = tp_time(c, argv + i, argc - i, &n, &a, &err);
		check_err(rc, &err, utf8);
		rc2 = tp_time(c, argv + i, argc - i, &n2, &a2, NULL);
		check(rc == rc2 && n == n2 && a == a2);
		if (rc == TP_OK)
			check(n >= 1 && n <= 2 && n <= argc - i && a >= T_MIN &&
			      a <= T_MAX);
		else
			check(n == -1 && a == UNSET);

		/* every prefix as a command's words with a trailing when */
		k = -1;
		a = UNSET;
		rc = tp_trailing_when(c, argv, i, &k, &a, &err);
		check_err(rc, &err, utf8);
		if (rc == TP_OK) {
			check(k >= 0 && k <= i - 1 && i - k <= 3 && a >= T_MIN &&
			      a <= T_MAX);
			agree_when(c, argv, i, k, a);
		} else {
			check(k == i && a == UNSET);
		}

		/* spans on today, and on the day the first word names */
		day = tz_day_start(c->tz, c->now);
		if (i < argc && tp_day(c, argv[i], &a, NULL) == TP_OK)
			day = a;
		for (k = 0; k < 2; k++, day = tz_day_start(c->tz, c->now)) {
			n = -1;
			a = b = UNSET;
			rc = tp_span(c, argv + i, argc - i, day, &n, &a, &b,
			             &err);
			check_err(rc, &err, utf8);
			if (rc == TP_OK) {
				check(n >= 1 && n <= 3 && n <= argc - i &&
				      a < b && a >= day && a < day + 25 * 3600 &&
				      b - a <= 25 * 3600);
				agree_span(c, argv[i], day, a);
			} else
				check(n == -1 && a == UNSET && b == UNSET);
		}

		/* ranges, with a full label buffer and a cramped one */
		n = -1;
		a = b = UNSET;
		label[0] = 'x';
		label[1] = '\0';
		rc = tp_range(c, argv + i, argc - i, &n, &a, &b, label,
		              sizeof(label), &err);
		check_err(rc, &err, utf8);
		if (rc == TP_OK) {
			check(n >= 1 && n <= 2 && n <= argc - i && a < b);
			check(is_midnight(c->tz, a) && is_midnight(c->tz, b));
			if (n == 1 && tp_day(c, argv[i], &a2, NULL) == TP_OK)
				check(a2 == a && b - a <= 25 * 3600);
			check(label[0] != '\0' && strlen(label) < 40 &&
			      utf8_valid(label));
			rc2 = tp_range(c, argv + i, argc - i, &n2, &a2, &b, small,
			               sizeof(small), NULL);
			check(rc2 == TP_OK && n2 == n && a2 == a &&
			      strlen(small) < sizeof(small) && utf8_valid(small) &&
			      strncmp(small, label, strlen(small)) == 0);
		} else {
			check(n == -1 && a == UNSET && b == UNSET &&
			      strcmp(label, "x") == 0);
		}
	}
	text_free(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[INPUT_MAX + 1], *argv[WORDS_MAX], *p;
	struct tp_ctx c;
	size_t i;
	int argc = 0;

	if (size == 0 || size > INPUT_MAX)
		return 0;
	c.now = NOW;
	c.tz = zones[data[0] % (sizeof(zones) / sizeof(zones[0]))];
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';

	/* Whitespace and NUL end words, as the tokeniser's split would. */
	for (i = 0; i < size - 1; i++)
		if (strchr(" \t\n\r\f\v", buf[i]) != NULL)
			buf[i] = '\0';
	for (i = 0; i < size - 1 && argc < WORDS_MAX; i++) {
		p = buf + i;
		if (*p != '\0' && (i == 0 || buf[i - 1] == '\0'))
			argv[argc++] = p;
	}
	fuzz_words(&c, argv, argc, utf8_valid_all(argv, argc));
	return 0;
}
