/*
 * tests/unit/test_stanza.c - the bot's <message/> filter, fed stanzas the
 * way libstrophe hands them over, with the bot set up without a server
 * (tests/support/fakebot.h).
 *
 * A server routes by 'to' (RFC 6120 10.5), so a client cannot make a
 * message for another account reach the bot; should a server ever
 * deliver one, the bot must not run it. Only a unit test can send one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../support/fakebot.h"

/* "start acme" from alice@example.org/phone to to (NULL: no 'to'). */
static void
send_start(struct bot *b, const char *to)
{
	char text[512];

	if (to != NULL)
		snprintf(text, sizeof(text),
		         "<message type='chat' from='alice@example.org/phone' "
		         "to='%s' id='m1'><body>start acme</body></message>", to);
	else
		snprintf(text, sizeof(text),
		         "<message type='chat' from='alice@example.org/phone' "
		         "id='m1'><body>start acme</body></message>");
	assert_int_equal(fakebot_feed(b, text), 1);
}

static void
message_filter__never_runs_the_command__when_addressed_to_another_account(
	void **state)
{
	struct fakebot_fixture *f = *state;

	send_start(&f->bot, "bob@example.org");
	send_start(&f->bot, "bob@example.org/timmy");
	send_start(&f->bot, "timmy@example.net/timmy");
	assert_int_equal(fakebot_entries(&f->bot, "alice@example.org"), 0);
	assert_int_equal(fakebot_entries(&f->bot, NULL), 0);
}

static void
message_filter__runs_the_command__when_addressed_to_the_bare_jid(
	void **state)
{
	struct fakebot_fixture *f = *state;

	send_start(&f->bot, "timmy@example.org");
	assert_int_equal(fakebot_entries(&f->bot, "alice@example.org"), 1);
}

static void
message_filter__runs_the_command__when_addressed_to_any_resource_of_ours(
	void **state)
{
	struct fakebot_fixture *f = *state;

	/* A resource that is not online is still our account (RFC 6121
	 * 8.5.3.2.1); the domain compares without regard to case. */
	send_start(&f->bot, "timmy@EXAMPLE.org/elsewhere");
	assert_int_equal(fakebot_entries(&f->bot, "alice@example.org"), 1);
}

static void
message_filter__runs_the_command__when_to_is_missing(void **state)
{
	struct fakebot_fixture *f = *state;

	/* Only our server, over our own stream, sends without a 'to'. */
	send_start(&f->bot, NULL);
	assert_int_equal(fakebot_entries(&f->bot, "alice@example.org"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			message_filter__never_runs_the_command__when_addressed_to_another_account,
			fakebot_setup, fakebot_teardown),
		cmocka_unit_test_setup_teardown(
			message_filter__runs_the_command__when_addressed_to_the_bare_jid,
			fakebot_setup, fakebot_teardown),
		cmocka_unit_test_setup_teardown(
			message_filter__runs_the_command__when_addressed_to_any_resource_of_ours,
			fakebot_setup, fakebot_teardown),
		cmocka_unit_test_setup_teardown(
			message_filter__runs_the_command__when_to_is_missing,
			fakebot_setup, fakebot_teardown),
	};

	xmpp_initialize();
	return cmocka_run_group_tests_name("stanza", tests, NULL, NULL);
}
