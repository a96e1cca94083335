/*
 * tests/unit/test_muc.c - the pure parts of the team room: who a message
 * speaks to, what a bare `start` starts, which replies go to the room,
 * the room's acknowledgement (commands/room.c), and what our own presence
 * in a room says about staying in it (bot/muc.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <strophe.h>

#include "../../bot/muc.h"
#include "cmd_fixture.h"
#include "../../commands/room.h"
#include "../../commands/teams.h"

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

static void
cmd_room_addressed__gives_the_command__when_nick_in_any_case_then_colon_or_comma(
	void **state)
{
	(void)state;
	assert_string_equal(cmd_room_addressed("timmy: start acme", "timmy"),
	                    "start acme");
	assert_string_equal(cmd_room_addressed("  Timmy,report team week",
	                                       "timmy"),
	                    "report team week");
	assert_string_equal(cmd_room_addressed("TIMMY:   stop", "timmy"), "stop");
}

static void
cmd_room_addressed__gives_none__when_spoken_to_someone_else_or_about_the_bot(
	void **state)
{
	(void)state;
	assert_null(cmd_room_addressed("alice: start acme", "timmy"));
	assert_null(cmd_room_addressed("timmy start acme", "timmy"));
	assert_null(cmd_room_addressed("timmyx: start acme", "timmy"));
	assert_null(cmd_room_addressed("ask timmy: start acme", "timmy"));
	assert_null(cmd_room_addressed("timmy:   ", "timmy"));
	assert_null(cmd_room_addressed("", "timmy"));
}

static void
cmd_room_command__starts_the_first_shared_project__when_start_alone(
	void **state)
{
	char *projects[] = { "acme website", "acme" };
	struct team t = { .name = "web", .projects = projects, .nprojects = 2,
	                  .digest = -1 };
	char buf[128];

	(void)state;
	assert_string_equal(cmd_room_command(" Start ", &t, buf, sizeof(buf)),
	                    "start \"acme website\"");
	assert_string_equal(cmd_room_command("start acme", &t, buf, sizeof(buf)),
	                    "start acme");
	assert_string_equal(cmd_room_command("started", &t, buf, sizeof(buf)),
	                    "started");
	t.nprojects = 0;
	assert_string_equal(cmd_room_command("start", &t, buf, sizeof(buf)),
	                    "start");
}

static void
cmd_room_public__is_true__only_for_team_reports(void **state)
{
	(void)state;
	assert_true(cmd_room_public("report team"));
	assert_true(cmd_room_public("  Report  TEAM week by member"));
	assert_false(cmd_room_public("report week"));
	assert_false(cmd_room_public("report teams"));
	assert_false(cmd_room_public("team"));
	assert_false(cmd_room_public("reporting team"));
}

static void
cmd_room_ack__is_the_first_sentence_with_the_name_in_front(void **state)
{
	struct text out;

	(void)state;
	text_init(&out, 512);
	cmd_room_ack("alice", "Started acme at 09:30.", &out);
	assert_string_equal(text_str(&out), "alice started acme at 09:30");
	cmd_room_ack("bob", "Stopped acme after 1h 20m. Started web at 10:50.",
	             &out);
	assert_string_equal(text_str(&out), "bob stopped acme after 1h 20m");
	cmd_room_ack("carol", "Added acme 9:00-10:00\nMore", &out);
	assert_string_equal(text_str(&out), "carol added acme 9:00-10:00");
	cmd_room_ack("dave", "", &out);
	assert_string_equal(text_str(&out), "dave did something");
	text_free(&out);
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
muc_shows_real_jids__is_false__when_our_presence_lacks_status_100(
	void **state)
{
	xmpp_stanza_t *open = stanza(
		"<presence from='web@conference.example.org/timmy'>"
		"<x xmlns='http://jabber.org/protocol/muc#user'>"
		"<status code='100'/><item jid='timmy@example.org/timmy' "
		"affiliation='none' role='participant'/><status code='110'/>"
		"</x></presence>");
	xmpp_stanza_t *semi = stanza(
		"<presence from='web@conference.example.org/timmy'>"
		"<x xmlns='http://jabber.org/protocol/muc#user'>"
		"<item jid='timmy@example.org/timmy' affiliation='owner' "
		"role='moderator'/><status code='110'/></x></presence>");
	xmpp_stanza_t *other_ns = stanza(
		"<presence from='web@conference.example.org/timmy'>"
		"<x xmlns='urn:example'><status code='100'/></x></presence>");

	(void)state;
	assert_true(muc_shows_real_jids(open));
	assert_false(muc_shows_real_jids(semi));
	assert_false(muc_shows_real_jids(other_ns));
	xmpp_stanza_release(open);
	xmpp_stanza_release(semi);
	xmpp_stanza_release(other_ns);
}

/* muc_may_rejoin of xml, with the reason it gives in *why (a copy: it
 * may point into the stanza). */
static bool
may_rejoin(const char *xml, const char **why)
{
	static char copy[128];
	xmpp_stanza_t *s = stanza(xml);
	bool r = muc_may_rejoin(s, why);

	snprintf(copy, sizeof(copy), "%s", *why);
	*why = copy;
	xmpp_stanza_release(s);
	return r;
}

static void
muc_may_rejoin__is_true__after_a_kick_or_a_transient_error(void **state)
{
	const char *why;

	(void)state;
	assert_true(may_rejoin(
		"<presence type='unavailable' from='r@c/timmy'><x xmlns="
		"'http://jabber.org/protocol/muc#user'><item affiliation='none' "
		"role='none'/><status code='307'/><status code='110'/></x>"
		"</presence>", &why));
	assert_string_equal(why, "kicked");
	assert_true(may_rejoin(
		"<presence type='error' from='r@c/timmy'><error type='wait'>"
		"<service-unavailable xmlns='urn:ietf:params:xml:ns:"
		"xmpp-stanzas'/></error></presence>", &why));
	assert_string_equal(why, "service-unavailable");
}

static void
muc_may_rejoin__is_false__after_a_ban_or_a_not_allowed_error(void **state)
{
	const char *why;

	(void)state;
	assert_false(may_rejoin(
		"<presence type='unavailable' from='r@c/timmy'><x xmlns="
		"'http://jabber.org/protocol/muc#user'><item affiliation='outcast' "
		"role='none'/><status code='301'/><status code='110'/></x>"
		"</presence>", &why));
	assert_string_equal(why, "banned");
	assert_false(may_rejoin(
		"<presence type='error' from='r@c/timmy'><error type='cancel'>"
		"<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text>"
		"<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		"</error></presence>", &why));
	assert_string_equal(why, "not-allowed");
	assert_false(may_rejoin(
		"<presence type='error' from='r@c/timmy'><error type='auth'>"
		"<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		"</error></presence>", &why));
	assert_string_equal(why, "forbidden");
}

/* 2025-06-02 (a Monday) at hh:mm UTC. */
static int64_t
at(int hh, int mm)
{
	return 1748822400 + hh * 3600 + mm * 60;
}

/* Runs body for owner at now through cmd_exec; asserts it did. */
static void
run_as(struct cmd_fixture *f, const char *owner, int64_t now, const char *body)
{
	f->ctx.owner = owner;
	f->ctx.now = now;
	text_clear(&f->reply);
	assert_int_equal(cmd_exec(&f->ctx, body, &f->reply), CMD_OK);
}

static void
cmd_room_digest__sums_shared_projects_per_member_and_project__and_hides_private_ones(
	void **state)
{
	char *members[] = { "alice@example.org", "bob@example.org",
	                    "carol@example.org" };
	char *projects[] = { "acme", "acme website" };
	struct team t = { .name = "web", .members = members, .nmembers = 3,
	                  .projects = projects, .nprojects = 2, .digest = 1050 };
	struct cmd_fixture f;
	struct text out;

	(void)state;
	assert_int_equal(cmd_fixture_open(&f, "alice@example.org"), 0);
	run_as(&f, "alice@example.org", at(12, 0), "add acme 9:00-10:00");
	run_as(&f, "alice@example.org", at(12, 0), "add secret 10:00-11:00");
	run_as(&f, "alice@example.org", at(16, 0), "start \"acme website\"");
	run_as(&f, "bob@example.org", at(12, 0), "add ACME 8:00-8:30");
	run_as(&f, "bob@example.org", at(12, 0), "add acme 9:00-10:00 2025-06-01");
	run_as(&f, "bob@example.org", at(17, 0), "start hidden");
	text_init(&out, CMD_DIGEST_MAX);
	assert_int_equal(cmd_room_digest(f.st, &t, "UTC", at(17, 30), &out),
	                 STORE_OK);
	assert_string_equal(text_str(&out),
		"Team web today, on its projects:\n"
		"- alice@example.org: 2h 30m\n"
		"- bob@example.org: 30m\n"
		"- carol@example.org: 0m\n"
		"By project: acme 1h 30m, acme website 1h 30m\n"
		"Still running: alice@example.org (acme website), bob@example.org");
	text_free(&out);
	assert_int_equal(cmd_fixture_close(&f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmd_room_addressed__gives_the_command__when_nick_in_any_case_then_colon_or_comma),
		cmocka_unit_test(cmd_room_addressed__gives_none__when_spoken_to_someone_else_or_about_the_bot),
		cmocka_unit_test(cmd_room_command__starts_the_first_shared_project__when_start_alone),
		cmocka_unit_test(cmd_room_public__is_true__only_for_team_reports),
		cmocka_unit_test(cmd_room_ack__is_the_first_sentence_with_the_name_in_front),
		cmocka_unit_test(muc_shows_real_jids__is_false__when_our_presence_lacks_status_100),
		cmocka_unit_test(muc_may_rejoin__is_true__after_a_kick_or_a_transient_error),
		cmocka_unit_test(muc_may_rejoin__is_false__after_a_ban_or_a_not_allowed_error),
		cmocka_unit_test(cmd_room_digest__sums_shared_projects_per_member_and_project__and_hides_private_ones),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
