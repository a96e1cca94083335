/*
 * tests/unit/test_delay.c - bot/inbound.c: XEP-0082 stamps (a table of
 * valid and invalid forms), the send time of delayed messages (XEP-0203)
 * and message keys (XEP-0359), on in-memory libstrophe stanzas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bot/inbound.h"

static xmpp_ctx_t *ctx;

static int
setup(void **state)
{
	(void)state;
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	return ctx == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}

/* A stanza parsed from xml; the caller releases it. */
static xmpp_stanza_t *
stanza(const char *xml)
{
	xmpp_stanza_t *s = xmpp_stanza_new_from_string(ctx, xml);

	assert_non_null(s);
	return s;
}

static void
inbound_parse_stamp__gives_utc_seconds__when_stamp_valid(void **state)
{
	static const struct {
		const char *stamp;
		int64_t want;
	} ok[] = {
		{ "2026-11-25T17:02:00Z", 1795626120 },
		{ "2026-11-25T17:02:00.5Z", 1795626120 },
		{ "2026-11-25T17:02:00.123456Z", 1795626120 },
		{ "2026-11-25T17:02:00.999999999999999999Z", 1795626120 },
		{ "2026-11-25T17:02:00+01:00", 1795622520 },
		{ "2026-11-25T17:02:00.250+01:00", 1795622520 },
		{ "2026-11-25T17:02:00-05:30", 1795645920 },
		{ "2026-11-25T17:02:00+00:00", 1795626120 },
		{ "2026-11-25T17:02:00-00:00", 1795626120 },
		{ "2026-01-01T00:15:00+14:00", 1767176100 },
		{ "2000-01-01T00:30:00+01:00", 946683000 },
		{ "2024-02-29T23:59:59Z", 1709251199 },
		{ "2026-03-01T00:00:00Z", 1772323200 },
		{ "2026-12-31T23:59:59Z", 1798761599 },
		{ "2016-12-31T23:59:60Z", 1483228799 }, /* leap second */
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T01:00:00+01:00", 0 },
		{ "9999-12-31T23:59:59Z", 253402300799 },
	};
	size_t i;
	int64_t t;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		t = -1;
		if (!inbound_parse_stamp(ok[i].stamp, &t))
			fail_msg("refused \"%s\"", ok[i].stamp);
		if (t != ok[i].want)
			fail_msg("\"%s\": got %lld, want %lld", ok[i].stamp,
			         (long long)t, (long long)ok[i].want);
	}
}

static void
inbound_parse_stamp__refuses__when_stamp_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-25",                   /* a date is not a date-time */
		"2026-11-25T17:02Z",            /* no seconds */
		"2026-11-25T17:02:00",          /* no zone */
		"2026-11-25 17:02:00Z",         /* space for T */
		"2026-11-25t17:02:00Z",         /* lowercase t */
		"2026-11-25T17:02:00z",         /* lowercase z */
		"2026-11-25T17:02:00.Z",        /* a dot without digits */
		"2026-11-25T17:02:00.1234567890123456789Z", /* 19 digits */
		"2026-11-25T17:02:00,5Z",       /* comma */
		"2026-11-25T17:02:00+0100",     /* offset without colon */
		"2026-11-25T17:02:00+01",       /* offset without minutes */
		"2026-11-25T17:02:00+1:00",
		"2026-11-25T17:02:00+24:00",    /* offset hours */
		"2026-11-25T17:02:00+01:60",    /* offset minutes */
		"2026-11-25T17:02:00Z ",        /* trailing space */
		" 2026-11-25T17:02:00Z",        /* leading space */
		"2026-11-25T17:02:00ZZ",
		"2026-11-25T17:02:00Z+01:00",
		"20261125T170200Z",             /* basic format */
		"26-11-25T17:02:00Z",           /* two-digit year */
		"+2026-11-25T17:02:00Z",
		"2026-13-01T00:00:00Z",         /* month 13 */
		"2026-00-01T00:00:00Z",         /* month 0 */
		"2026-11-00T00:00:00Z",         /* day 0 */
		"2026-11-31T00:00:00Z",         /* November has 30 days */
		"2025-02-29T00:00:00Z",         /* not a leap year */
		"2100-02-29T00:00:00Z",         /* nor is 2100 */
		"2026-11-25T24:00:00Z",         /* hour 24 */
		"2026-11-25T17:60:00Z",
		"2026-11-25T17:02:61Z",
		"2026-1-25T17:02:00Z",
		"2026-11-25T7:02:00Z",
		"2026-11-25T17:02:0xZ",
		"1969-12-31T23:59:59Z",         /* before 1970 */
		"1970-01-01T00:30:00+01:00",    /* the same, by its offset */
		"yesterday",
	};
	size_t i;
	int64_t t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 42;
		if (inbound_parse_stamp(bad[i], &t))
			fail_msg("accepted \"%s\" as %lld", bad[i], (long long)t);
		assert_int_equal(t, 42);
	}
	assert_false(inbound_parse_stamp(NULL, &t));
}

static void
inbound_sent_at__gives_stamp__when_one_delay(void **state)
{
	xmpp_stanza_t *m = stanza(
	        "<message from='alice@localhost/a' type='chat'><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='2026-11-25T17:02:00Z'/></message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, 1795630000, &sent));
	assert_int_equal(sent, 1795626120);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__gives_earliest__when_two_delays(void **state)
{
	/* The second delay is the earlier one: order does not matter. */
	xmpp_stanza_t *m = stanza(
	        "<message from='alice@localhost/a'><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T17:05:00Z'/>"
	        "<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T18:02:00+01:00'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, 1795630000, &sent));
	assert_int_equal(sent, 1795626120);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__gives_now__when_stamp_in_future(void **state)
{
	xmpp_stanza_t *m = stanza(
	        "<message><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T17:02:00Z'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, 1795626000, &sent));
	assert_int_equal(sent, 1795626000);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__skips_bad_stamp__when_another_is_good(void **state)
{
	xmpp_stanza_t *m = stanza(
	        "<message><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' stamp='1999-01-01T00:00Q'/>"
	        "<delay xmlns='urn:xmpp:delay'/>"
	        "<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T17:02:00Z'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, 1795630000, &sent));
	assert_int_equal(sent, 1795626120);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__says_not_delayed__when_no_usable_delay(void **state)
{
	static const char *const xml[] = {
		"<message><body>stop</body></message>",
		"<message><body>stop</body>"
		"<delay xmlns='urn:xmpp:delay' stamp='not a date'/></message>",
		/* XEP-0091's legacy element is not read. */
		"<message><body>stop</body>"
		"<x xmlns='jabber:x:delay' stamp='20261125T17:02:00'/></message>",
		/* Another namespace, and a delay that is not our message's own
		 * (inside a forwarded one). */
		"<message><body>stop</body>"
		"<delay xmlns='urn:example:delay' stamp='2026-11-25T17:02:00Z'/>"
		"<forwarded xmlns='urn:xmpp:forward:0'>"
		"<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T17:02:00Z'/>"
		"</forwarded></message>",
	};
	xmpp_stanza_t *m;
	int64_t sent;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		m = stanza(xml[i]);
		sent = 7;
		assert_false(inbound_sent_at(m, 1795630000, &sent));
		assert_int_equal(sent, 7);
		xmpp_stanza_release(m);
	}
}

static void
inbound_key__uses_origin_id__when_present(void **state)
{
	xmpp_stanza_t *m = stanza(
	        "<message from='alice@localhost/phone' id='m1'><body>x</body>"
	        "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4'/>"
	        "</message>");
	char buf[INBOUND_KEY_MAX + 1];

	(void)state;
	assert_string_equal(inbound_key(m, buf, sizeof(buf)), "o:de305d54-75b4");
	xmpp_stanza_release(m);
}

static void
inbound_key__uses_full_jid_and_id__when_no_origin_id(void **state)
{
	static const char *const xml[] = {
		"<message from='alice@localhost/phone' id='m1'><body>x</body>"
		"</message>",
		/* An empty origin-id, or one in another namespace, is none. */
		"<message from='alice@localhost/phone' id='m1'><body>x</body>"
		"<origin-id xmlns='urn:xmpp:sid:0' id=''/></message>",
		"<message from='alice@localhost/phone' id='m1'><body>x</body>"
		"<origin-id xmlns='urn:example' id='zz'/></message>",
	};
	char buf[INBOUND_KEY_MAX + 1];
	xmpp_stanza_t *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		m = stanza(xml[i]);
		assert_string_equal(inbound_key(m, buf, sizeof(buf)),
		                    "i:alice@localhost/phone/m1");
		xmpp_stanza_release(m);
	}
}

static void
inbound_key__gives_none__when_no_id_or_no_sender(void **state)
{
	static const char *const xml[] = {
		"<message from='alice@localhost/phone'><body>x</body></message>",
		"<message from='alice@localhost/phone' id=''><body>x</body>"
		"</message>",
		"<message id='m1'><body>x</body></message>",
	};
	char buf[INBOUND_KEY_MAX + 1];
	xmpp_stanza_t *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		m = stanza(xml[i]);
		assert_null(inbound_key(m, buf, sizeof(buf)));
		xmpp_stanza_release(m);
	}
}

/* A message whose origin-id makes a key of exactly len bytes. */
static xmpp_stanza_t *
origin_of_key_length(size_t len)
{
	char xml[2048], id[1024];

	assert_true(len >= 3 && len - 2 < sizeof(id));
	memset(id, 'k', len - 2);
	id[len - 2] = '\0';
	snprintf(xml, sizeof(xml),
	         "<message from='a@b/c' id='m'><body>x</body>"
	         "<origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>", id);
	return stanza(xml);
}

static void
inbound_key__gives_none__when_longer_than_limit(void **state)
{
	char buf[2 * INBOUND_KEY_MAX], small[16];
	xmpp_stanza_t *m;
	const char *key;

	(void)state;
	m = origin_of_key_length(INBOUND_KEY_MAX);
	key = inbound_key(m, buf, sizeof(buf));
	assert_non_null(key);
	assert_int_equal(strlen(key), INBOUND_KEY_MAX);
	/* The same key does not fit a small buffer: none, not a cut one. */
	assert_null(inbound_key(m, small, sizeof(small)));
	xmpp_stanza_release(m);

	m = origin_of_key_length(INBOUND_KEY_MAX + 1);
	assert_null(inbound_key(m, buf, sizeof(buf)));
	xmpp_stanza_release(m);
}

static void
inbound_key_digest__gives_sha1_hex_of_key__whatever_its_length(void **state)
{
	char buf[INBOUND_DIGEST_LEN + 1], small[INBOUND_DIGEST_LEN];
	xmpp_stanza_t *m = stanza(
	        "<message from='alice@localhost/phone' id='m1'><body>x</body>"
	        "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4'/>"
	        "</message>");

	(void)state;
	/* SHA-1 of "o:de305d54-75b4". */
	assert_string_equal(inbound_key_digest(m, buf, sizeof(buf)),
	                    "bf588948d7dc054da7aa10c7e33a780cd34be77b");
	assert_null(inbound_key_digest(m, small, sizeof(small)));
	xmpp_stanza_release(m);

	/* The longest key there may be, still 40 digits. */
	m = origin_of_key_length(INBOUND_KEY_MAX);
	assert_non_null(inbound_key_digest(m, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), INBOUND_DIGEST_LEN);
	xmpp_stanza_release(m);

	/* No usable key: no digest. */
	m = stanza("<message from='alice@localhost/phone'><body>x</body>"
	           "</message>");
	assert_null(inbound_key_digest(m, buf, sizeof(buf)));
	xmpp_stanza_release(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inbound_parse_stamp__gives_utc_seconds__when_stamp_valid),
		cmocka_unit_test(inbound_parse_stamp__refuses__when_stamp_invalid),
		cmocka_unit_test(inbound_sent_at__gives_stamp__when_one_delay),
		cmocka_unit_test(inbound_sent_at__gives_earliest__when_two_delays),
		cmocka_unit_test(inbound_sent_at__gives_now__when_stamp_in_future),
		cmocka_unit_test(inbound_sent_at__skips_bad_stamp__when_another_is_good),
		cmocka_unit_test(inbound_sent_at__says_not_delayed__when_no_usable_delay),
		cmocka_unit_test(inbound_key__uses_origin_id__when_present),
		cmocka_unit_test(inbound_key__uses_full_jid_and_id__when_no_origin_id),
		cmocka_unit_test(inbound_key__gives_none__when_no_id_or_no_sender),
		cmocka_unit_test(inbound_key__gives_none__when_longer_than_limit),
		cmocka_unit_test(inbound_key_digest__gives_sha1_hex_of_key__whatever_its_length),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
