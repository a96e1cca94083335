/*
 * tests/unit/test_roster.c - the bot's contacts (bot/roster.c), as roster
 * pushes from our server build them, fed to a bot set up without a
 * server (tests/support/fakebot.h): who is found, with which
 * subscription, after many contacts came and went.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../support/fakebot.h"
#include "../../lib/text.h"

/* Our server's roster push of the items in items (XML). */
static void
push(struct bot *b, const char *items)
{
	struct text t;

	text_init(&t, 1 << 24);
	text_printf(&t, "<iq type='set' id='r1'><query xmlns='jabber:iq:roster'>"
	                "%s</query></iq>", items);
	assert_false(t.truncated);
	assert_int_equal(fakebot_feed(b, text_str(&t)), 1);
	text_free(&t);
}

/* One push of contacts first..last-1 (user%d@example.org), each with
 * subscription sub. */
static void
push_range(struct bot *b, int first, int last, const char *sub)
{
	struct text items;
	int i;

	text_init(&items, 1 << 24);
	for (i = first; i < last; i++)
		text_printf(&items, "<item jid='user%d@example.org' "
		                    "subscription='%s'/>", i, sub);
	assert_false(items.truncated);
	push(b, text_str(&items));
	text_free(&items);
}

/* True when the roster has user i (asked in upper case) and sees them. */
static bool
sees(struct bot *b, int i)
{
	char jid[64];

	snprintf(jid, sizeof(jid), "USER%d@EXAMPLE.ORG", i);
	return roster_sees(b, jid);
}

static void
roster_sees__follows_the_subscription__of_each_push(void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;

	push(b, "<item jid='alice@example.org' subscription='both'/>");
	assert_true(roster_sees(b, "alice@example.org"));
	assert_true(roster_sees(b, "Alice@Example.ORG"));
	push(b, "<item jid='alice@example.org' subscription='from'/>");
	assert_false(roster_sees(b, "alice@example.org"));
	push(b, "<item jid='alice@example.org' subscription='to'/>");
	assert_true(roster_sees(b, "alice@example.org"));
	push(b, "<item jid='alice@example.org' subscription='none' "
	        "ask='subscribe'/>");
	assert_false(roster_sees(b, "alice@example.org"));
	push(b, "<item jid='alice@example.org' subscription='both'/>");
	push(b, "<item jid='alice@example.org' subscription='remove'/>");
	assert_false(roster_sees(b, "alice@example.org"));
	assert_false(roster_sees(b, "bob@example.org"));
}

/* A JID of len bytes at example.org into buf (len + 1 bytes). */
static const char *
long_jid(char *buf, size_t len)
{
	const char *domain = "@example.org";

	memset(buf, 'a', len - strlen(domain));
	strcpy(buf + len - strlen(domain), domain);
	return buf;
}

static void
roster_sees__skips_an_item__without_a_jid_or_with_one_too_long(
        void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;
	char item[3200], jid[3100];

	push(b, "<item subscription='both'/><item jid='' subscription='both'/>");
	/* 3071 bytes is the longest JID (RFC 7622 3.1). */
	snprintf(item, sizeof(item), "<item jid='%s' subscription='both'/>",
	         long_jid(jid, 3072));
	push(b, item);
	assert_false(roster_sees(b, jid));
	snprintf(item, sizeof(item), "<item jid='%s' subscription='both'/>",
	         long_jid(jid, 3071));
	push(b, item);
	assert_true(roster_sees(b, jid));
}

/*
 * Thousands of contacts, two thirds of them removed one push at a time
 * (each removal moves the last contact into the gap and, past half, makes
 * the buffer of JIDs again), then more added: every contact left is found
 * with its own subscription, and no removed one.
 */
static void
roster_sees__finds_every_contact_left__after_many_came_and_went(
        void **state)
{
	struct fakebot_fixture *f = *state;
	struct bot *b = &f->bot;
	char item[128];
	int i;

	push_range(b, 0, 3000, "both");
	push_range(b, 3000, 3100, "from");
	for (i = 0; i < 3000; i++) {
		if (i % 3 == 0)
			continue;
		snprintf(item, sizeof(item), "<item jid='user%d@example.org' "
		                             "subscription='remove'/>", i);
		push(b, item);
	}
	push_range(b, 5000, 6000, "to");
	for (i = 0; i < 3000; i++)
		assert_int_equal(sees(b, i), i % 3 == 0);
	for (i = 3000; i < 3100; i++)
		assert_false(sees(b, i));
	for (i = 5000; i < 6000; i++)
		assert_true(sees(b, i));
	/* The "from" contacts are there: a push makes them seen. */
	push_range(b, 3000, 3100, "both");
	for (i = 3000; i < 3100; i++)
		assert_true(sees(b, i));
}

int
main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, fakebot_setup, \
                                              fakebot_teardown)
	const struct CMUnitTest tests[] = {
		T(roster_sees__follows_the_subscription__of_each_push),
		T(roster_sees__skips_an_item__without_a_jid_or_with_one_too_long),
		T(roster_sees__finds_every_contact_left__after_many_came_and_went),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
