/*
 * tests/unit/test_whereabouts.c - where each allowed contact is, from
 * the presence stanzas the bot gets (bot/whereabouts.c), fed the way
 * libstrophe hands them over to a bot set up without a server
 * (tests/support/fakebot.h); and what a contact's leaving and coming back
 * leaves in the store for the forgotten-timer question.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "../support/fakebot.h"
#include "../../bot/clock.h"

#define ALICE "alice@example.org"

static void
feed(struct bot *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Feeds the stanza fmt makes. */
static void
feed(struct bot *b, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	assert_int_equal(fakebot_feed(b, text), 1);
}

/* Our server's roster push: jid with subscription sub. */
static void
roster(struct bot *b, const char *jid, const char *sub)
{
	feed(b, "<iq type='set' id='r1'><query xmlns='jabber:iq:roster'>"
	        "<item jid='%s' subscription='%s'/></query></iq>", jid, sub);
}

/* An available presence from full with the given children ("" none). */
static void
available(struct bot *b, const char *full, const char *children)
{
	feed(b, "<presence from='%s'>%s</presence>", full, children);
}

static void
unavailable(struct bot *b, const char *full)
{
	feed(b, "<presence from='%s' type='unavailable'/>", full);
}

/* An XEP-0082 stamp of t into buf. */
static const char *
stamp(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void
whereabouts_of__is_unknown__without_a_subscription_to_the_contact(
        void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;

	available(b, ALICE "/laptop", "");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_UNKNOWN);
	roster(b, ALICE, "from");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_UNKNOWN);
	roster(b, ALICE, "both");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_HERE);
	roster(b, ALICE, "to");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_HERE);
	/* Not allowed, or our own account: never judged. */
	roster(b, "eve@elsewhere.net", "both");
	available(b, "eve@elsewhere.net/x", "");
	assert_int_equal(whereabouts_of(b, "eve@elsewhere.net"), WHERE_UNKNOWN);
	assert_int_equal(whereabouts_of(b, "timmy@example.org"), WHERE_UNKNOWN);
}

static void
whereabouts_of__follows_show_idle_and_resources(void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;

	roster(b, ALICE, "both");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_OFFLINE);
	available(b, ALICE "/laptop", "<show>away</show>");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_AWAY);
	available(b, ALICE "/phone", "<show>chat</show>");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_HERE);
	/* Available, but idle (XEP-0319): away. */
	available(b, ALICE "/phone",
	          "<idle xmlns='urn:xmpp:idle:1' since='2025-06-02T16:32:00Z'/>");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_AWAY);
	available(b, ALICE "/phone", "<show>xa</show>");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_AWAY);
	/* dnd wins over everything else. */
	available(b, ALICE "/desk", "<show>dnd</show>");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_DND);
	available(b, ALICE "/laptop", "");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_DND);
	unavailable(b, ALICE "/desk");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_HERE);
	unavailable(b, ALICE "/laptop");
	unavailable(b, ALICE "/phone");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_OFFLINE);
	/* An idle stamp that does not parse is none. */
	available(b, ALICE "/laptop",
	          "<idle xmlns='urn:xmpp:idle:1' since='yesterday'/>");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_HERE);
	/* A fresh login forgets them all. */
	whereabouts_reset(b);
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_OFFLINE);
}

static void
whereabouts__keep_at_most_the_cap_of_resources_per_contact(void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;
	char full[64];
	int i;

	roster(b, ALICE, "both");
	for (i = 0; i < WHEREABOUTS_RESOURCES_MAX; i++) {
		snprintf(full, sizeof(full), ALICE "/r%d", i);
		available(b, full, "<show>away</show>");
	}
	/* One more, available, is not followed. */
	available(b, ALICE "/extra", "");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_AWAY);
	unavailable(b, ALICE "/r0");
	available(b, ALICE "/extra", "");
	assert_int_equal(whereabouts_of(b, ALICE), WHERE_HERE);
}

static void
presence__keeps_when_the_user_left_and_asks_when_they_are_back(
        void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;
	struct store_prompt q;
	struct store_entry e;
	int64_t now = wall_now(), since = 0;
	char buf[32];

	memset(&e, 0, sizeof(e));
	strcpy(e.project, "acme");
	e.start = now - 3 * 3600;
	assert_int_equal(store_insert_entry(b->st, ALICE, &e), STORE_OK);
	roster(b, ALICE, "both");
	available(b, ALICE "/laptop", "");
	available(b, ALICE "/phone", "<show>away</show>");
	assert_int_equal(store_away_get(b->st, ALICE, &since), STORE_NOTFOUND);
	/* The last resource in use goes idle two hours ago: that is when
	 * she left, not when the presence came. */
	feed(b, "<presence from='" ALICE "/laptop'><show>xa</show><idle "
	        "xmlns='urn:xmpp:idle:1' since='%s'/></presence>",
	        stamp(now - 2 * 3600, buf, sizeof(buf)));
	assert_int_equal(store_away_get(b->st, ALICE, &since), STORE_OK);
	assert_int_equal(since, now - 2 * 3600);
	/* Back as dnd is not back. */
	available(b, ALICE "/phone", "<show>dnd</show>");
	assert_int_equal(store_away_get(b->st, ALICE, &since), STORE_OK);
	available(b, ALICE "/phone", "");
	assert_int_equal(store_away_get(b->st, ALICE, &since), STORE_NOTFOUND);
	assert_int_equal(store_prompt_get(b->st, ALICE, wall_now(), &q, &e),
	                 STORE_OK);
	assert_int_equal(q.away_from, now - 2 * 3600);
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, fakebot_setup, \
                                              fakebot_teardown)
	const struct CMUnitTest tests[] = {
		T(whereabouts_of__is_unknown__without_a_subscription_to_the_contact),
		T(whereabouts_of__follows_show_idle_and_resources),
		T(whereabouts__keep_at_most_the_cap_of_resources_per_contact),
		T(presence__keeps_when_the_user_left_and_asks_when_they_are_back),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
