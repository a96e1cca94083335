/*
 * tests/unit/test_export_json.c - the JSON export's own writer
 * (commands/export_json.c): strings and numbers exactly as jansson's
 * json_dumps wrote them before (so the files stay byte for byte the
 * same), checked against jansson itself and against literal expectations;
 * and one whole entry with every kind of awkward text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "../../commands/export_int.h"
#include "../../lib/text.h"

/* What jansson made of v (a string or real), compactly, for comparing. */
static char *
jansson_dump(json_t *v)
{
	char *s;

	assert_non_null(v);
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	                  JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(v);
	assert_non_null(s);
	return s;
}

/* export_json_string's output for s, in t (cleared first). */
static const char *
ours(struct text *t, const char *s)
{
	text_clear(t);
	export_json_string(t, s);
	assert_false(t->truncated);
	return text_str(t);
}

static void
export_json_string__escapes_like_jansson__every_ascii_byte(void **state)
{
	struct text t;
	char s[4];
	char *want;
	int c;

	(void)state;
	text_init(&t, 1024);
	for (c = 1; c < 0x80; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'z';
		s[3] = '\0';
		want = jansson_dump(json_string(s));
		assert_string_equal(ours(&t, s), want);
		free(want);
	}
	text_free(&t);
}

static void
export_json_string__escapes_like_jansson__text_samples(void **state)
{
	static const char *const samples[] = {
		"",
		"plain",
		"He said \"hi\"; C:\\path\\to\\file, a/b </script>",
		"line one\nline two\r\nthree\ttabbed\x7f",
		"\b\f\x01\x02\x1b\x1f",
		"Gr\xc3\xbc\xc3\x9f" "e \xe2\x98\x95 \xf0\x9f\x8e\x89 \xe6\x97\xa5",
		"\xe2\x80\xa8 and \xe2\x80\xa9 (line and paragraph separators)",
		"\xef\xbf\xbd replacement",
		"\"\\\"\\",
	};
	struct text t;
	char *want;
	size_t i;

	(void)state;
	text_init(&t, 1024);
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		want = jansson_dump(json_string(samples[i]));
		assert_string_equal(ours(&t, samples[i]), want);
		free(want);
	}
	text_free(&t);
}

static void
export_json_string__short_escapes_and_capital_u00XX__for_control_characters(
	void **state)
{
	struct text t;

	(void)state;
	text_init(&t, 1024);
	assert_string_equal(ours(&t, "\x01\b\f\n\r\t\x1f\x7f"),
	                    "\"\\u0001\\b\\f\\n\\r\\t\\u001F\x7f\"");
	assert_string_equal(ours(&t, "a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	/* Non-ASCII stays UTF-8, byte for byte. */
	assert_string_equal(ours(&t, "caf\xc3\xa9 \xf0\x9f\x98\x80"),
	                    "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	text_free(&t);
}

static void
export_json_hours__matches_jansson__small_and_huge(void **state)
{
	static const int64_t big[] = {
		99999999999999LL, 999999999999999LL, 1000000000000000LL,
		1000000000000001LL, 1234567890123456LL, 10000000000000000LL,
		256204778801521550LL, INT64_MAX / 36,
	};
	struct text t;
	char *want;
	int64_t c;
	size_t i;

	(void)state;
	text_init(&t, 1024);
	for (c = 0; c < 20000; c += (c < 1000 ? 1 : 37)) {
		text_clear(&t);
		export_json_hours(&t, c);
		want = jansson_dump(json_real((double)c / 100.0));
		assert_string_equal(text_str(&t), want);
		free(want);
	}
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		text_clear(&t);
		export_json_hours(&t, big[i]);
		want = jansson_dump(json_real((double)big[i] / 100.0));
		assert_string_equal(text_str(&t), want);
		free(want);
	}
	text_clear(&t);
	export_json_hours(&t, 150);
	assert_string_equal(text_str(&t), "1.5");
	text_clear(&t);
	export_json_hours(&t, 200);
	assert_string_equal(text_str(&t), "2.0");
	text_clear(&t);
	export_json_hours(&t, 5);
	assert_string_equal(text_str(&t), "0.05");
	text_free(&t);
}

/* An entry whose texts hold quotes, backslashes, control characters,
 * non-ASCII and invalid UTF-8 (which becomes U+FFFD): the line is what
 * jansson made of the same object, and reads back. */
static void
export_json__entry_with_awkward_text__is_one_exact_line(void **state)
{
	struct store_entry e = {
		7, 42, "a\"c\\me", { "t\xc3", "ok" }, 2,
		"x\x01y\nz\xff \xe2\x98\x95", INT64_C(1795420800),
		INT64_C(1795426200),
		{ { INT64_C(1795423500), INT64_C(1795424400) },
		  { INT64_C(1795425000), 0 } }, 2
	};
	struct export_writer *w;
	struct text out;
	json_t *root;

	(void)state;
	text_init(&out, 64 * 1024);
	w = export_begin(EXPORT_JSON, "Europe/Berlin", INT64_C(1795426200),
	                 true, "timmy@example.org", &out);
	assert_non_null(w);
	export_entry(w, "al\\ice@example.org", &e);
	assert_int_equal(export_end(w), 0);
	assert_string_equal(text_str(&out),
		"[\n{\"owner\":\"al\\\\ice@example.org\",\"id\":42,"
		"\"project\":\"a\\\"c\\\\me\",\"tags\":[\"t\xef\xbf\xbd\",\"ok\"],"
		"\"note\":\"x\\u0001y\\nz\xef\xbf\xbd \xe2\x98\x95\","
		"\"start\":\"2026-11-23T09:00:00+01:00\","
		"\"stop\":\"2026-11-23T10:30:00+01:00\","
		"\"duration_seconds\":3300,\"duration_hours\":0.92,"
		"\"breaks\":[{\"start\":\"2026-11-23T09:45:00+01:00\","
		"\"stop\":\"2026-11-23T10:00:00+01:00\"},"
		"{\"start\":\"2026-11-23T10:10:00+01:00\",\"stop\":null}],"
		"\"break_seconds\":2100,\"rounded_seconds\":3300,"
		"\"rounded_hours\":0.92,\"rounding\":\"none\","
		"\"billable\":false,\"rate\":null,"
		"\"currency\":null,\"amount\":null}\n]\n");
	assert_non_null(root = json_loads(text_str(&out), 0, NULL));
	json_decref(root);
	text_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			export_json_string__escapes_like_jansson__every_ascii_byte),
		cmocka_unit_test(
			export_json_string__escapes_like_jansson__text_samples),
		cmocka_unit_test(
			export_json_string__short_escapes_and_capital_u00XX__for_control_characters),
		cmocka_unit_test(export_json_hours__matches_jansson__small_and_huge),
		cmocka_unit_test(
			export_json__entry_with_awkward_text__is_one_exact_line),
	};

	return cmocka_run_group_tests_name("export_json", tests, NULL, NULL);
}
