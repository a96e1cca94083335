/*
 * tests/unit/test_lib.c - the leaf helpers of lib/: UTF-8 decoding,
 * validation and cutting, the civil calendar, the zone a user's times are
 * in, ASCII case. (The text buffer and the zone arithmetic are tested in test_time.c.)
 *
 * The UTF-8 cases follow RFC 3629 and Markus Kuhn's decoder stress test:
 * the first and last code point of each length, overlong forms, surrogates,
 * past U+10FFFF, cut and broken sequences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../lib/civil.h"
#include "../../lib/str.h"
#include "../../lib/tz.h"
#include "../../lib/utf8.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *s;
	size_t n;      /* bytes offered */
	size_t len;    /* what utf8_decode returns */
	uint32_t cp;   /* what it decodes to (U+FFFD when len is 0) */
} decode_cases[] = {
	/* The boundaries of each length. */
	{ "A", 1, 1, 0x41 },
	{ "\x7f", 1, 1, 0x7f },
	{ "\xc2\x80", 2, 2, 0x80 },
	{ "\xdf\xbf", 2, 2, 0x7ff },
	{ "\xe0\xa0\x80", 3, 3, 0x800 },
	{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
	{ "\xee\x80\x80", 3, 3, 0xe000 },
	{ "\xef\xbf\xbf", 3, 3, 0xffff },
	{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
	{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
	/* Only the first character is read. */
	{ "\xc3\xa9z", 3, 2, 0xe9 },
	/* Bytes that start no character. */
	{ "\x80", 1, 0, 0xfffd },
	{ "\xbf", 1, 0, 0xfffd },
	{ "\xc0\x80", 2, 0, 0xfffd },        /* overlong NUL */
	{ "\xc1\xbf", 2, 0, 0xfffd },        /* overlong U+007F */
	{ "\xe0\x80\x80", 3, 0, 0xfffd },    /* overlong, three bytes */
	{ "\xe0\x9f\xbf", 3, 0, 0xfffd },
	{ "\xf0\x80\x80\x80", 4, 0, 0xfffd },/* overlong, four bytes */
	{ "\xf0\x8f\xbf\xbf", 4, 0, 0xfffd },
	{ "\xed\xa0\x80", 3, 0, 0xfffd },    /* surrogate U+D800 */
	{ "\xed\xbf\xbf", 3, 0, 0xfffd },    /* surrogate U+DFFF */
	{ "\xf4\x90\x80\x80", 4, 0, 0xfffd },/* U+110000 */
	{ "\xf5\x80\x80\x80", 4, 0, 0xfffd },
	{ "\xfe", 1, 0, 0xfffd },
	{ "\xff", 1, 0, 0xfffd },
	/* Cut: by n, by a byte that does not continue, by the NUL. */
	{ "\xc3\xa9", 1, 0, 0xfffd },
	{ "\xe2\x98\x95", 2, 0, 0xfffd },
	{ "\xe2\x28\xa1", 3, 0, 0xfffd },
	{ "\xf0\x9f\x98", 4, 0, 0xfffd },
	{ "\xc3", 4, 0, 0xfffd },
};

static void
utf8_decode__reads_one_character__for_each_edge_case(void **state)
{
	size_t i;
	uint32_t cp;

	(void)state;
	for (i = 0; i < NELEM(decode_cases); i++) {
		cp = 0;
		assert_int_equal(utf8_decode(decode_cases[i].s, decode_cases[i].n,
		                             &cp), decode_cases[i].len);
		assert_int_equal(cp, decode_cases[i].cp);
	}
}

static void
utf8_valid__accepts_whole_text__and_refuses_any_bad_byte(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("h\xc3\xa9llo \xe2\x98\x95 \xf0\x9f\x98\x80", 15));
	assert_true(utf8_valid("a\0b", 3)); /* NUL is a character */
	assert_false(utf8_valid("h\xc3", 2));
	assert_false(utf8_valid("\xc3\xa9\x80", 3));
	assert_false(utf8_valid("ok\xed\xa0\x80", 5));
	assert_false(utf8_valid("\xc0\xaf", 2));
	/* Only the n bytes count. */
	assert_true(utf8_valid("ok\xff", 2));
}

static void
utf8_prefix__leaves_a_cut_character_out_whole(void **state)
{
	const char *s = "ab\xe2\x98\x95"; /* ab☕ */

	(void)state;
	assert_int_equal(utf8_prefix(s, 5, 10), 5);
	assert_int_equal(utf8_prefix(s, 5, 5), 5);
	assert_int_equal(utf8_prefix(s, 5, 4), 2);
	assert_int_equal(utf8_prefix(s, 5, 3), 2);
	assert_int_equal(utf8_prefix(s, 5, 2), 2);
	assert_int_equal(utf8_prefix(s, 5, 1), 1);
	assert_int_equal(utf8_prefix(s, 5, 0), 0);
	assert_int_equal(utf8_prefix("\xc3\xa9\xc3\xa9", 4, 3), 2);
	assert_int_equal(utf8_prefix("\xe2\x98\x95", 3, 2), 0);
}

static void
utf8_trim__drops_only_an_incomplete_last_character(void **state)
{
	(void)state;
	assert_int_equal(utf8_trim("ab\xe2\x98", 4), 2);
	assert_int_equal(utf8_trim("ab\xe2", 3), 2);
	assert_int_equal(utf8_trim("ab\xe2\x98\x95", 5), 5);
	assert_int_equal(utf8_trim("\xc3\xa9", 2), 2);
	assert_int_equal(utf8_trim("\xc3", 1), 0);
	assert_int_equal(utf8_trim("abc", 3), 3);
	assert_int_equal(utf8_trim("", 0), 0);
	/* Stray continuation bytes start no sequence to drop. */
	assert_int_equal(utf8_trim("a\x80", 2), 2);
	assert_int_equal(utf8_trim("\x80\x80", 2), 2);
}

static void
utf8_skip__counts_whole_characters(void **state)
{
	(void)state;
	assert_int_equal(utf8_skip("h\xc3\xa9llo", 2), 3);
	assert_int_equal(utf8_skip("h\xc3\xa9llo", 10), 6);
	assert_int_equal(utf8_skip("\xe2\x98\x95\xe2\x98\x95", 1), 3);
	assert_int_equal(utf8_skip("abc", 0), 0);
	assert_int_equal(utf8_skip("", 3), 0);
}

static void
utf8_width__counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width("acme"), 4);
	assert_int_equal(utf8_width("h\xc3\xa9llo"), 5);
	assert_int_equal(utf8_width("\xe2\x98\x95\xf0\x9f\x98\x80"), 2);
}

static void
utf8_continues__is_true_only_for_10xxxxxx(void **state)
{
	int c;

	(void)state;
	for (c = 0; c < 256; c++)
		assert_int_equal(utf8_continues((unsigned char)c),
		                 c >= 0x80 && c <= 0xBF);
}

static void
str_lower__folds_ascii_letters_only(void **state)
{
	int c;

	(void)state;
	for (c = 0; c < 256; c++)
		assert_int_equal(str_lower(c), c >= 'A' && c <= 'Z' ?
		                               c + ('a' - 'A') : c);
	assert_int_equal(str_lower(-1), -1);
}

static void
civil_leap_year__follows_the_gregorian_rule(void **state)
{
	static const struct {
		int y;
		bool leap;
	} years[] = {
		{ 1900, false }, { 1996, true }, { 2000, true }, { 2023, false },
		{ 2024, true }, { 2025, false }, { 2100, false }, { 2400, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(years); i++)
		assert_int_equal(civil_leap_year(years[i].y), years[i].leap);
}

static void
civil_days_in_month__matches_the_calendar(void **state)
{
	static const int common[12] = { 31, 28, 31, 30, 31, 30,
	                                31, 31, 30, 31, 30, 31 };
	int m;

	(void)state;
	for (m = 1; m <= 12; m++) {
		assert_int_equal(civil_days_in_month(2025, m), common[m - 1]);
		assert_int_equal(civil_days_in_month(2024, m),
		                 m == 2 ? 29 : common[m - 1]);
	}
	assert_int_equal(civil_days_in_month(1900, 2), 28);
	assert_int_equal(civil_days_in_month(2000, 2), 29);
}

static void
civil_days_from__counts_from_the_epoch(void **state)
{
	static const struct {
		int y, m, d;
		int64_t days;
	} dates[] = {
		/* From Python's datetime.date arithmetic. */
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 }, { 1900, 1, 1, -25567 },
		{ 2000, 2, 29, 11016 }, { 2000, 3, 1, 11017 },
		{ 2025, 6, 2, 20241 }, { 2400, 2, 29, 157113 },
		{ 9999, 12, 31, 2932896 },
	};
	struct tm tm;
	size_t i;
	int y, m;

	(void)state;
	for (i = 0; i < NELEM(dates); i++)
		assert_int_equal(civil_days_from(dates[i].y, dates[i].m,
		                                 dates[i].d), dates[i].days);
	/* Every first and last of a month from 1900 to 2100 against libc. */
	for (y = 1900; y <= 2100; y++) {
		for (m = 1; m <= 12; m++) {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = y - 1900;
			tm.tm_mon = m - 1;
			tm.tm_mday = civil_days_in_month(y, m);
			assert_int_equal(civil_days_from(y, m, tm.tm_mday) * 86400,
			                 (int64_t)timegm(&tm));
			assert_int_equal(civil_days_from(y, m, 1) + tm.tm_mday - 1,
			                 civil_days_from(y, m, tm.tm_mday));
		}
	}
}

static void
tz_or_default__takes_the_users_zone__only_when_set_and_valid(void **state)
{
	const char *dflt = "Europe/Berlin";

	(void)state;
	assert_string_equal(tz_or_default("America/New_York", dflt),
	                    "America/New_York");
	assert_ptr_equal(tz_or_default("", dflt), dflt);
	assert_ptr_equal(tz_or_default(NULL, dflt), dflt);
	assert_ptr_equal(tz_or_default("Mars/Olympus_Mons", dflt), dflt);
	assert_ptr_equal(tz_or_default("../../etc/passwd", dflt), dflt);
	assert_null(tz_or_default("", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_decode__reads_one_character__for_each_edge_case),
		cmocka_unit_test(utf8_valid__accepts_whole_text__and_refuses_any_bad_byte),
		cmocka_unit_test(utf8_prefix__leaves_a_cut_character_out_whole),
		cmocka_unit_test(utf8_trim__drops_only_an_incomplete_last_character),
		cmocka_unit_test(utf8_skip__counts_whole_characters),
		cmocka_unit_test(utf8_width__counts_characters_not_bytes),
		cmocka_unit_test(utf8_continues__is_true_only_for_10xxxxxx),
		cmocka_unit_test(str_lower__folds_ascii_letters_only),
		cmocka_unit_test(civil_leap_year__follows_the_gregorian_rule),
		cmocka_unit_test(civil_days_in_month__matches_the_calendar),
		cmocka_unit_test(civil_days_from__counts_from_the_epoch),
		cmocka_unit_test(tz_or_default__takes_the_users_zone__only_when_set_and_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
