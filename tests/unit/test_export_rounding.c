/*
 * tests/unit/test_export_rounding.c - the rounded columns of CSV and JSON
 * exports (the setting rounding): compared byte for byte with
 * tests/unit/golden/export-rounded.*, which make_export_golden.py writes
 * with a rounding of its own from the entries given in local wall time,
 * each local day's part of an entry rounded on its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/rounding.h"
#include "export_cases.h"
#include "golden.h"

#ifndef TIMMY_VERSION
#define TIMMY_VERSION "unknown"
#endif


static void
check(enum export_format f, const char *zone, bool with_owner,
      const struct rounding *r, const char *name)
{
	struct text out;
	char *want = golden(name);

	assert_int_equal(export_all_rounded(f, zone, with_owner, r, FILE_MAX,
	                                    &out), 0);
	assert_same_file(name, text_str(&out), want);
	free(want);
	text_free(&out);
}

static void
export_csv__rounding_15m_up__adds_the_rounded_time_per_day_in_berlin(
	void **state)
{
	struct rounding r = { 15, true };

	(void)state;
	check(EXPORT_CSV, "Europe/Berlin", false, &r, "export-rounded.csv");
}

static void
export_json__rounding_6m_nearest__adds_the_rounded_time_per_day_in_utc(
	void **state)
{
	struct rounding r = { 6, false };

	(void)state;
	check(EXPORT_JSON, "UTC", true, &r, "export-rounded.json");
}

static void
export__rounding_none__keeps_the_exact_time_in_the_rounded_columns(
	void **state)
{
	struct rounding none = { 0, true };

	(void)state;
	/* The files of the exact export, which say "none". */
	check(EXPORT_CSV, "Europe/Berlin", false, &none, "export.csv");
	check(EXPORT_JSON, "UTC", false, NULL, "export-utc.json");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			export_csv__rounding_15m_up__adds_the_rounded_time_per_day_in_berlin),
		cmocka_unit_test(
			export_json__rounding_6m_nearest__adds_the_rounded_time_per_day_in_utc),
		cmocka_unit_test(
			export__rounding_none__keeps_the_exact_time_in_the_rounded_columns),
	};

	return cmocka_run_group_tests_name("export rounding", tests, NULL, NULL);
}
