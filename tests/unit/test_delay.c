/*
 * tests/unit/test_delay.c - bot/inbound.c: XEP-0082 stamps (a table of
 * valid and invalid forms), the send time of delayed messages (XEP-0203)
 * and which stamps are believed, and message keys (XEP-0359), on
 * in-memory libstrophe stanzas; and the command layer's side of delayed
 * messages: every boundary a start or stop moves is checked against all
 * recorded time, also when the command counts at an earlier send time.
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
#include "../../commands/cmd.h"
#include "cmd_fixture.h"

/* The bot's account in these tests; its server is "localhost". */
#define ACCOUNT "timmy@localhost"

/* Catching up after a long absence: every stamp of the server counts. */
static const struct inbound_away away_long = { 0, INT64_MAX, true };

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
	assert_true(inbound_sent_at(m, &away_long, ACCOUNT, 1795630000, &sent));
	assert_int_equal(sent, 1795626120);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__gives_earliest__when_two_delays(void **state)
{
	/* The second delay is the earlier one: order does not matter. As
	 * Prosody stamps a hibernating session's queue (from our account)
	 * that then went to offline storage (from our domain). */
	xmpp_stanza_t *m = stanza(
	        "<message from='alice@localhost/a'><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='2026-11-25T17:05:00Z'/>"
	        "<delay xmlns='urn:xmpp:delay' from='timmy@localhost' "
	        "stamp='2026-11-25T18:02:00+01:00'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, &away_long, ACCOUNT, 1795630000, &sent));
	assert_int_equal(sent, 1795626120);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__gives_now__when_stamp_in_future(void **state)
{
	xmpp_stanza_t *m = stanza(
	        "<message><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='2026-11-25T17:02:00Z'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, &away_long, ACCOUNT, 1795626000, &sent));
	assert_int_equal(sent, 1795626000);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__skips_bad_stamp__when_another_is_good(void **state)
{
	xmpp_stanza_t *m = stanza(
	        "<message><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='1999-01-01T00:00Q'/>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost'/>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='2026-11-25T17:02:00Z'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, &away_long, ACCOUNT, 1795630000, &sent));
	assert_int_equal(sent, 1795626120);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__says_not_delayed__when_no_usable_delay(void **state)
{
	static const char *const xml[] = {
		"<message><body>stop</body></message>",
		"<message><body>stop</body>"
		"<delay xmlns='urn:xmpp:delay' from='localhost' "
		"stamp='not a date'/></message>",
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
		assert_false(inbound_sent_at(m, &away_long, ACCOUNT, 1795630000,
		                             &sent));
		assert_int_equal(sent, 7);
		xmpp_stanza_release(m);
	}
}

/* 2026-11-25 14:00 UTC, and a message stamped 17:02 that day. */
#define AWAY_FROM INT64_C(1795615200)
#define STAMP INT64_C(1795626120)
#define BACK (STAMP + 3600)

/* A message from alice carrying one delay: from (NULL: none) and stamp. */
static xmpp_stanza_t *
delayed(const char *from, const char *stamp)
{
	char xml[512];

	snprintf(xml, sizeof(xml),
	         "<message from='alice@localhost/a' type='chat'><body>start x"
	         "</body><delay xmlns='urn:xmpp:delay'%s%s%s stamp='%s'/>"
	         "</message>", from ? " from='" : "", from ? from : "",
	         from ? "'" : "", stamp);
	return stanza(xml);
}

static void
inbound_sent_at__believes_stamp__when_from_our_server_while_catching_up(
        void **state)
{
	static const char *const froms[] = {
		"localhost", "timmy@localhost", "LocalHost", "Timmy@LOCALHOST",
	};
	const struct inbound_away away = { AWAY_FROM, BACK, true };
	xmpp_stanza_t *m;
	int64_t sent;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		m = delayed(froms[i], "2026-11-25T17:02:00Z");
		sent = 0;
		assert_true(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
		assert_int_equal(sent, STAMP);
		xmpp_stanza_release(m);
	}
}

static void
inbound_sent_at__ignores_stamp__when_bot_is_not_catching_up(void **state)
{
	/* Online, past the catch-up: the forgery of the security review,
	 * a stamp "from our server" in a message the client sent now. */
	const struct inbound_away away = { AWAY_FROM, BACK, false };
	xmpp_stanza_t *m = delayed("localhost", "2026-11-25T17:02:00Z");
	int64_t sent = 7;

	(void)state;
	assert_false(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
	assert_int_equal(sent, 7);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__ignores_stamp__when_not_from_our_server(void **state)
{
	static const char *const froms[] = {
		NULL, "", "example.org", "alice@localhost", "localhost/x",
		"timmy@localhost/timmy", "evil.localhost", "localhost.evil",
		"mallory@example.org",
	};
	const struct inbound_away away = { AWAY_FROM, BACK, true };
	xmpp_stanza_t *m;
	int64_t sent;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		m = delayed(froms[i], "2026-11-25T17:02:00Z");
		sent = 7;
		assert_false(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
		assert_int_equal(sent, 7);
		xmpp_stanza_release(m);
	}
}

static void
inbound_sent_at__ignores_stamp__when_outside_the_time_away(void **state)
{
	static const char *const stamps[] = {
		"1970-01-01T00:00:00Z",  /* the review's 499,056-hour entry */
		"2026-11-25T13:59:59Z",  /* a second before we went away */
		"2026-11-25T18:02:01Z",  /* a second after we came back */
	};
	const struct inbound_away away = { AWAY_FROM, BACK, true };
	xmpp_stanza_t *m;
	int64_t sent;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		m = delayed("localhost", stamps[i]);
		sent = 7;
		assert_false(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
		assert_int_equal(sent, 7);
		xmpp_stanza_release(m);
	}
	/* Both ends count. */
	m = delayed("localhost", "2026-11-25T14:00:00Z");
	assert_true(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
	assert_int_equal(sent, AWAY_FROM);
	xmpp_stanza_release(m);
	m = delayed("localhost", "2026-11-25T18:02:00Z");
	assert_true(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
	assert_int_equal(sent, BACK);
	xmpp_stanza_release(m);
}

static void
inbound_sent_at__takes_servers_stamp__when_client_added_an_earlier_one(
        void **state)
{
	/* A message sent while the bot was away with a forged stamp of
	 * 1970 "from our server", and the one offline storage added: the
	 * forged one is out of bounds, the server's counts. */
	const struct inbound_away away = { AWAY_FROM, BACK, true };
	xmpp_stanza_t *m = stanza(
	        "<message from='alice@localhost/a'><body>stop</body>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='1970-01-01T00:00:01Z'/>"
	        "<delay xmlns='urn:xmpp:delay' from='example.org' "
	        "stamp='2026-11-25T15:00:00Z'/>"
	        "<delay xmlns='urn:xmpp:delay' from='localhost' "
	        "stamp='2026-11-25T17:02:00Z'/>"
	        "</message>");
	int64_t sent = 0;

	(void)state;
	assert_true(inbound_sent_at(m, &away, ACCOUNT, BACK + 5, &sent));
	assert_int_equal(sent, STAMP);
	xmpp_stanza_release(m);
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

/* ---- The command layer: boundaries against all recorded time ---- */

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)

/* cmocka's setup and teardown of the command tests: *state is the
 * fixture (tests/unit/cmd_fixture.h). */
static int
cmd_setup(void **state)
{
	static struct cmd_fixture fixture;

	if (cmd_fixture_open(&fixture, "alice@localhost") != 0)
		return -1;
	*state = &fixture;
	return 0;
}

static int
cmd_teardown(void **state)
{
	return cmd_fixture_close(*state);
}

/* Runs body counting at T0 + at (sent then, while the bot was away, when
 * offline) and returns the reply. */
static const char *
run(struct cmd_fixture *f, int64_t at, bool offline, const char *body,
    enum cmd_status want)
{
	enum cmd_status rc;

	f->ctx.now = T0 + at;
	f->ctx.offline = offline;
	text_clear(&f->reply);
	rc = cmd_exec(&f->ctx, body, &f->reply);
	if (rc != want)
		fail_msg("\"%s\" gave %d, not %d: %s", body, rc, want,
		         text_str(&f->reply));
	return text_str(&f->reply);
}

/* Records project from T0 + start to T0 + stop as a user does, live:
 * "start", then "stop". */
static void
record(struct cmd_fixture *f, const char *project, int64_t start,
       int64_t stop)
{
	char body[64];

	snprintf(body, sizeof(body), "start %s", project);
	run(f, start, false, body, CMD_OK);
	run(f, stop, false, "stop", CMD_OK);
}

/* Writes an entry of project from T0 + start to T0 + stop (0: running)
 * the way an earlier build could have left it, overlaps and all. */
static void
put_entry(struct cmd_fixture *f, const char *project, int64_t start,
          int64_t stop)
{
	struct store_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.project, sizeof(e.project), "%s", project);
	e.start = T0 + start;
	e.stop = stop ? T0 + stop : 0;
	assert_int_equal(store_insert_entry(f->st, f->ctx.owner, &e), STORE_OK);
}

/* How many of the owner's entries overlap another one, the running one
 * counting up to T0 + now: 0 is the rule. */
static int64_t
overlapping_pairs(struct cmd_fixture *f, int64_t now)
{
	struct store_entry e;
	int64_t seq, n = 0, count;

	assert_int_equal(store_count(f->st, f->ctx.owner, &count), STORE_OK);
	for (seq = 1; seq <= count; seq++) {
		if (store_get(f->st, f->ctx.owner, seq, &e) != STORE_OK)
			continue;
		if (store_overlap(f->st, f->ctx.owner, e.start,
		                  e.stop ? e.stop : T0 + now, T0 + now, seq,
		                  NULL) == STORE_OK)
			n++;
	}
	return n;
}

static void
cmd_start__refuses__when_offline_send_time_lies_inside_a_recorded_entry(
        void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	record(f, "acme", 0, 3600);
	/* Counted at its send time, half an hour into acme: that span is
	 * taken, even though the time to the clock was never in question. */
	r = run(f, 1800, true, "start fake", CMD_REFUSED);
	assert_non_null(strstr(r, "Starting then would overlap #1 acme"));
	assert_int_equal(store_running(f->st, f->ctx.owner, NULL), STORE_NOTFOUND);
}

static void
cmd_start__refuses__when_entry_recorded_after_the_offline_send_time(
        void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	record(f, "acme", 1000, 2000);
	/* Sent at T0 + 500 and counted then: the timer would run from there
	 * up to the clock, across acme. */
	r = run(f, 500, true, "start fake", CMD_REFUSED);
	assert_non_null(strstr(r, "Starting then would overlap #1 acme"));
	assert_non_null(strstr(r, "while I was offline"));
	assert_int_equal(store_running(f->st, f->ctx.owner, NULL), STORE_NOTFOUND);
	/* The same start four times over, as in the review: never stacked. */
	run(f, 500, true, "start fake", CMD_REFUSED);
	run(f, 500, true, "start fake", CMD_REFUSED);
	assert_int_equal(overlapping_pairs(f, 3000), 0);
}

static void
cmd_start__starts__when_offline_send_time_is_after_all_recorded_time(
        void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	record(f, "acme", 0, 600);
	r = run(f, 900, true, "start globex", CMD_OK);
	assert_non_null(strstr(r, "Started globex at 14:15"));
	assert_non_null(strstr(r, "(sent at 14:15 while I was offline)"));
}

static void
cmd_stop__refuses__when_stopped_entry_would_overlap_recorded_entry(
        void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;
	const char *r;

	/* As forged stamps left them: a finished entry inside the span of
	 * a timer that started earlier and still runs. */
	put_entry(f, "globex", 600, 1200);
	put_entry(f, "acme", 0, 0);
	r = run(f, 3600, false, "stop", CMD_REFUSED);
	assert_non_null(strstr(r, "Stopping then would overlap #1 globex"));
	assert_int_equal(store_running(f->st, f->ctx.owner, &e), STORE_OK);
	assert_string_equal(e.project, "acme");
	/* Also at a time of its own, and when the stop waited offline. */
	r = run(f, 3600, false, "stop at 14:30", CMD_REFUSED);
	assert_non_null(strstr(r, "Stopping then would overlap #1 globex"));
	run(f, 1500, true, "stop", CMD_REFUSED);
	/* "start" stops it too, and is refused alike. */
	r = run(f, 3600, false, "start initech", CMD_REFUSED);
	assert_non_null(strstr(r, "would overlap #1 globex"));
	assert_int_equal(store_running(f->st, f->ctx.owner, &e), STORE_OK);
	assert_string_equal(e.project, "acme");
	/* Before globex there is room. */
	r = run(f, 3600, false, "stop at 14:10", CMD_OK);
	assert_non_null(strstr(r, "Stopped acme after 10m"));
	assert_int_equal(overlapping_pairs(f, 3600), 0);
}

static void
cmd_stop__stops__when_stamped_stop_leaves_recorded_time_alone(
        void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, 0, false, "start acme", CMD_OK);
	r = run(f, 1200, true, "stop", CMD_OK);
	assert_non_null(strstr(r, "Stopped acme after 20m (14:00–14:20)"));
	assert_non_null(strstr(r, "(sent at 14:20 while I was offline)"));
}

static void
cmd_edit__refuses__when_running_entry_moved_back_across_an_entry_after_the_send_time(
        void **state)
{
	struct cmd_fixture *f = *state;
	struct store_entry e;
	const char *r;

	record(f, "acme", 1000, 2000);
	run(f, 3000, false, "start globex", CMD_OK);
	/* Counted at T0 + 500: globex would run from 14:05 up to the clock,
	 * across acme, though nothing lies between 14:05 and 14:08:20. */
	r = run(f, 500, true, "edit 2 start 14:05", CMD_REFUSED);
	assert_non_null(strstr(r, "would overlap #1 acme"));
	assert_int_equal(store_running(f->st, f->ctx.owner, &e), STORE_OK);
	assert_int_equal(e.start, T0 + 3000);
	assert_int_equal(overlapping_pairs(f, 3600), 0);
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

static void
inbound_about__finds_corrections_and_both_forms_of_retraction(void **state)
{
	static const struct {
		const char *xml;
		enum inbound_about want;
		const char *id;
	} cases[] = {
		{ "<message><body>x</body></message>", INBOUND_NEW, NULL },
		{ "<message><body>x</body><replace xmlns="
		  "'urn:xmpp:message-correct:0' id='m1'/></message>",
		  INBOUND_CORRECTS, "m1" },
		{ "<message><retract xmlns='urn:xmpp:message-retract:1' "
		  "id='m2'/></message>", INBOUND_RETRACTS, "m2" },
		{ "<message><apply-to xmlns='urn:xmpp:fasten:0' id='m3'>"
		  "<retract xmlns='urn:xmpp:message-retract:0'/></apply-to>"
		  "<body>fallback</body></message>", INBOUND_RETRACTS, "m3" },
		/* A retraction wins over a correction beside it. */
		{ "<message><body>x</body><replace xmlns="
		  "'urn:xmpp:message-correct:0' id='m4'/><retract xmlns="
		  "'urn:xmpp:message-retract:1' id='m5'/></message>",
		  INBOUND_RETRACTS, "m5" },
		/* Without an id, in another namespace, or fastening
		 * something else: nothing. */
		{ "<message><body>x</body><replace xmlns="
		  "'urn:xmpp:message-correct:0' id=''/></message>",
		  INBOUND_NEW, NULL },
		{ "<message><body>x</body><replace xmlns='urn:example' "
		  "id='m6'/></message>", INBOUND_NEW, NULL },
		{ "<message><apply-to xmlns='urn:xmpp:fasten:0' id='m7'>"
		  "<retract xmlns='urn:xmpp:message-retract:1'/></apply-to>"
		  "</message>", INBOUND_NEW, NULL },
	};
	const char *id;
	xmpp_stanza_t *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = stanza(cases[i].xml);
		assert_int_equal(inbound_about(m, &id), cases[i].want);
		if (cases[i].id == NULL)
			assert_null(id);
		else
			assert_string_equal(id, cases[i].id);
		xmpp_stanza_release(m);
	}
}

static void
inbound_about_keys__are_the_keys_the_original_had__with_or_without_origin_id(
	void **state)
{
	char keys[2][INBOUND_DIGEST_LEN + 1], key[INBOUND_DIGEST_LEN + 1];
	xmpp_stanza_t *orig, *fix;

	(void)state;
	fix = stanza("<message from='alice@localhost/phone' id='c1'>"
	             "<body>y</body><replace xmlns='urn:xmpp:message-correct:0' "
	             "id='m1'/></message>");
	inbound_about_keys(fix, "m1", keys);
	/* An original with an origin-id equal to its id. */
	orig = stanza("<message from='alice@localhost/phone' id='m1'>"
	              "<body>x</body><origin-id xmlns='urn:xmpp:sid:0' "
	              "id='m1'/></message>");
	assert_string_equal(inbound_key_digest(orig, key, sizeof(key)),
	                    keys[0]);
	xmpp_stanza_release(orig);
	/* And one without. */
	orig = stanza("<message from='alice@localhost/phone' id='m1'>"
	              "<body>x</body></message>");
	assert_string_equal(inbound_key_digest(orig, key, sizeof(key)),
	                    keys[1]);
	xmpp_stanza_release(orig);
	xmpp_stanza_release(fix);

	/* No sender: only the origin-id form. */
	fix = stanza("<message id='c2'><body>y</body></message>");
	inbound_about_keys(fix, "m1", keys);
	assert_int_equal(strlen(keys[0]), INBOUND_DIGEST_LEN);
	assert_string_equal(keys[1], "");
	xmpp_stanza_release(fix);
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
		cmocka_unit_test(inbound_sent_at__believes_stamp__when_from_our_server_while_catching_up),
		cmocka_unit_test(inbound_sent_at__ignores_stamp__when_bot_is_not_catching_up),
		cmocka_unit_test(inbound_sent_at__ignores_stamp__when_not_from_our_server),
		cmocka_unit_test(inbound_sent_at__ignores_stamp__when_outside_the_time_away),
		cmocka_unit_test(inbound_sent_at__takes_servers_stamp__when_client_added_an_earlier_one),
		cmocka_unit_test(inbound_key__uses_origin_id__when_present),
		cmocka_unit_test(inbound_key__uses_full_jid_and_id__when_no_origin_id),
		cmocka_unit_test(inbound_key__gives_none__when_no_id_or_no_sender),
		cmocka_unit_test(inbound_key__gives_none__when_longer_than_limit),
		cmocka_unit_test(inbound_key_digest__gives_sha1_hex_of_key__whatever_its_length),
		cmocka_unit_test_setup_teardown(cmd_start__refuses__when_offline_send_time_lies_inside_a_recorded_entry,
		                                cmd_setup, cmd_teardown),
		cmocka_unit_test_setup_teardown(cmd_start__refuses__when_entry_recorded_after_the_offline_send_time,
		                                cmd_setup, cmd_teardown),
		cmocka_unit_test_setup_teardown(cmd_start__starts__when_offline_send_time_is_after_all_recorded_time,
		                                cmd_setup, cmd_teardown),
		cmocka_unit_test_setup_teardown(cmd_stop__refuses__when_stopped_entry_would_overlap_recorded_entry,
		                                cmd_setup, cmd_teardown),
		cmocka_unit_test_setup_teardown(cmd_stop__stops__when_stamped_stop_leaves_recorded_time_alone,
		                                cmd_setup, cmd_teardown),
		cmocka_unit_test_setup_teardown(cmd_edit__refuses__when_running_entry_moved_back_across_an_entry_after_the_send_time,
		                                cmd_setup, cmd_teardown),
		cmocka_unit_test(inbound_about__finds_corrections_and_both_forms_of_retraction),
		cmocka_unit_test(inbound_about_keys__are_the_keys_the_original_had__with_or_without_origin_id),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
