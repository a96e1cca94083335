/*
 * tests/unit/test_team.c - teams in the command layer (commands/team.c):
 * "projects" marking shared projects, "team" and a member's "who",
 * "report team" showing only the team's projects, a lead's "report USER"
 * and "export team", and a member the configuration dropped. The teams
 * are built here as bot/config_teams.c would fill them; now is injected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../commands/cmd.h"
#include "../../commands/teams.h"
#include "cmd_fixture.h"

/* Wed 25 Nov 2026 14:00:00 UTC */
#define T0 INT64_C(1795615200)

#define ALICE "alice@example.org"
#define BOB "bob@partner.net"
#define CAROL "carol@example.org"
#define DAVE "dave@example.org"

static char *web_members[] = { (char *)ALICE, (char *)"Bob@Partner.net" };
static char *web_leads[] = { (char *)CAROL };
static char *web_projects[] = { (char *)"acme", (char *)"acme website" };
static char *ops_members[] = { (char *)ALICE, (char *)DAVE };
static char *ops_projects[] = { (char *)"infra" };

static struct team team_v[2];
static struct teams teams;

/* web: alice and bob (written in mixed case), led by carol, sharing acme
 * and "acme website"; ops: alice and dave, sharing infra, when two. */
static void
make_teams(size_t n)
{
	memset(team_v, 0, sizeof(team_v));
	team_v[0] = (struct team){ (char *)"web", web_members, 2, web_leads, 1,
	                           web_projects, 2, NULL, -1 };
	team_v[1] = (struct team){ (char *)"ops", ops_members, 2, NULL, 0,
	                           ops_projects, 1, NULL, -1 };
	teams.v = team_v;
	teams.n = n;
}

static int
setup(void **state)
{
	static struct cmd_fixture f;

	if (cmd_fixture_open(&f, ALICE) != 0)
		return -1;
	f.ctx.now = T0;
	make_teams(1);
	f.ctx.teams = &teams;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	return cmd_fixture_close(*state);
}

/* The sender from now on: owner, an admin or not. */
static void
as(struct cmd_fixture *f, const char *owner, bool admin)
{
	f->ctx.owner = owner;
	f->ctx.admin = admin;
}

/* Runs body at time now (seconds after T0) and returns the reply. */
static const char *
run(struct cmd_fixture *f, int64_t at, const char *body, enum cmd_status want)
{
	f->ctx.now = T0 + at;
	if (cmd_exec(&f->ctx, body, &f->reply) != want)
		fail_msg("\"%s\" replied: %s", body, text_str(&f->reply));
	return text_str(&f->reply);
}

/* Mon 2 Jun 2025: alice 1h on acme and 2h on her own secret; bob 30m on
 * "acme website" and 4h on his own globex. */
static void
june_day(struct cmd_fixture *f)
{
	as(f, ALICE, false);
	run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	run(f, 0, "add secret 10:00-12:00 2025-06-02", CMD_OK);
	as(f, BOB, false);
	run(f, 0, "add \"Acme Website\" 9:00-9:30 2025-06-02", CMD_OK);
	run(f, 0, "add globex 10:00-14:00 2025-06-02", CMD_OK);
}

static void
cmd_projects__marks_the_shared_ones__when_the_user_is_in_a_team(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	run(f, -7200, "add acme 1h", CMD_OK);
	run(f, -7200, "add secret 30m", CMD_OK);
	r = run(f, 0, "projects", CMD_OK);
	reply_has(r, "acme (team web)  ");
	reply_has(r, "\nsecret  ");
	reply_lacks(r, "secret (team");
	/* dave is in no team: his acme is his own. */
	as(f, DAVE, false);
	run(f, 0, "add acme 1h", CMD_OK);
	reply_lacks(run(f, 0, "projects", CMD_OK), "(team");
}

static void
cmd_team__shows_who_runs_a_team_project__and_hides_private_ones(void **state)
{
	struct cmd_fixture *f = *state;

	as(f, BOB, false);
	run(f, -3600, "start acme", CMD_OK);
	as(f, ALICE, false);
	run(f, -7200, "add acme 30m", CMD_OK);
	run(f, -1800, "start secret", CMD_OK);
	assert_string_equal(run(f, 0, "team", CMD_OK),
	                    "Today, Wed 25 Nov 2026, on the team's projects:\n"
	                    "Team web:\n"
	                    "```\n"
	                    "alice@example.org      30m\n"
	                    "Bob@Partner.net     1h 00m  running acme\n"
	                    "```");
	/* who, from a member who is no admin, is team. */
	assert_string_equal(run(f, 0, "who", CMD_OK),
	                    "Today, Wed 25 Nov 2026, on the team's projects:\n"
	                    "Team web:\n"
	                    "```\n"
	                    "alice@example.org      30m\n"
	                    "Bob@Partner.net     1h 00m  running acme\n"
	                    "```");
	/* The lead sees it too; someone in no team has no team and no who. */
	as(f, CAROL, false);
	reply_has(run(f, 0, "team", CMD_OK), "running acme");
	as(f, DAVE, false);
	assert_string_equal(run(f, 0, "team", CMD_REFUSED),
	                    "You are in no team.");
	assert_string_equal(run(f, 0, "who", CMD_REFUSED),
	                    "I don't know \"who\". Try \"help\".");
}

static void
cmd_who__admin_in_a_team__keeps_the_admin_list(void **state)
{
	struct cmd_fixture *f = *state;

	as(f, DAVE, false);
	run(f, -7200, "add globex 30m", CMD_OK);
	as(f, ALICE, true);
	reply_has(run(f, 0, "who", CMD_OK), "1 user tracked time");
}

static void
cmd_report_team__shows_only_the_team_projects__by_member_project_day(
	void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	june_day(f);
	as(f, ALICE, false);
	r = run(f, 0, "report team 2025-06-02", CMD_OK);
	assert_string_equal(r, "Team web, Mon 2 Jun 2025:\n"
	                       "```\n"
	                       "alice@example.org   1h 00m\n"
	                       "Bob@Partner.net        30m\n"
	                       "Total               1h 30m\n"
	                       "```");
	r = run(f, 0, "report team 2025-06-02 by project", CMD_OK);
	assert_string_equal(r, "Team web, Mon 2 Jun 2025:\n"
	                       "```\n"
	                       "acme           1h 00m\n"
	                       "acme website      30m\n"
	                       "Total          1h 30m\n"
	                       "```");
	r = run(f, 0, "report team 2025-06-01..2025-06-03 by day", CMD_OK);
	reply_has(r, "\nMon 2 Jun   1h 30m\nTotal       1h 30m");
	reply_lacks(r, "\nSun");
	r = run(f, 0, "report team 2025-06-02 \"acme website\"", CMD_OK);
	reply_has(r, "(acme website):\n```\nBob@Partner.net      30m\n");
	reply_lacks(r, "alice");
	/* Nobody's own projects, asked for or not. */
	reply_lacks(run(f, 0, "report team 2025-06-02 by project", CMD_OK),
	             "secret");
	assert_string_equal(run(f, 0, "report team 2025-06-02 globex",
	                        CMD_REFUSED),
	                    "globex is not a project of team web; its "
	                    "projects: acme, acme website.");
	assert_string_equal(run(f, 0, "report team 2025-06-02 by tag",
	                        CMD_REFUSED),
	                    "A team report goes by member, by project or by "
	                    "day.");
	assert_string_equal(run(f, 0, "report team 2025-06-09", CMD_OK),
	                    "No time on team web's projects Mon 9 Jun 2025.");
}

static void
cmd_report_team__names_the_team__when_the_user_is_in_several(void **state)
{
	struct cmd_fixture *f = *state;

	make_teams(2);
	june_day(f);
	as(f, DAVE, false);
	run(f, 0, "add infra 13:00-13:15 2025-06-02", CMD_OK);
	as(f, ALICE, false);
	assert_string_equal(run(f, 0, "report team 2025-06-02", CMD_REFUSED),
	                    "You are in several teams; name one: web, ops. "
	                    "Example: report team ops week");
	assert_string_equal(run(f, 0, "report team ops 2025-06-02", CMD_OK),
	                    "Team ops, Mon 2 Jun 2025:\n"
	                    "```\n"
	                    "dave@example.org      15m\n"
	                    "Total                 15m\n"
	                    "```");
	/* bob is only in web: his team needs no name, ops is not his. */
	as(f, BOB, false);
	reply_has(run(f, 0, "report team 2025-06-02", CMD_OK), "Team web");
	assert_string_equal(run(f, 0, "report team ops 2025-06-02",
	                        CMD_REFUSED),
	                    "ops is not a project of team web; its projects: "
	                    "acme, acme website.");
}

static void
cmd_report_team__leaves_out_a_member__once_the_config_drops_them(
	void **state)
{
	struct cmd_fixture *f = *state;

	june_day(f);
	as(f, ALICE, false);
	reply_has(run(f, 0, "report team 2025-06-02", CMD_OK), "Bob");
	team_v[0].nmembers = 1; /* bob left web */
	assert_string_equal(run(f, 0, "report team 2025-06-02", CMD_OK),
	                    "Team web, Mon 2 Jun 2025:\n"
	                    "```\n"
	                    "alice@example.org   1h 00m\n"
	                    "Total               1h 00m\n"
	                    "```");
	/* and bob is in no team, his entries his own */
	as(f, BOB, false);
	assert_string_equal(run(f, 0, "team", CMD_REFUSED),
	                    "You are in no team.");
	reply_has(run(f, 0, "report 2025-06-02", CMD_OK), "globex");
}

static void
cmd_report_user__lead_sees_a_member__member_and_stranger_do_not(
	void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	june_day(f);
	as(f, CAROL, false);
	r = run(f, 0, "report bob@partner.net 2025-06-02", CMD_OK);
	reply_has(r, "bob@partner.net, Mon 2 Jun 2025:");
	reply_has(r, "globex");
	reply_has(run(f, 0, "export bob@partner.net 2025-06-02", CMD_OK),
	           "Export of Mon 2 Jun 2025 for bob@partner.net: 2 entries");
	/* Not a member of carol's team. */
	as(f, DAVE, false);
	run(f, 0, "add acme 9:00-10:00 2025-06-02", CMD_OK);
	as(f, CAROL, false);
	assert_string_equal(run(f, 0, "report dave@example.org 2025-06-02",
	                        CMD_REFUSED),
	                    "\"dave@example.org\" is no member of a team you "
	                    "lead; you see the data of your teams' members "
	                    "only.");
	/* A member, and someone in no team, name nobody: the word is one
	 * more word, whoever it names. */
	as(f, ALICE, false);
	reply_has(run(f, 0, "report bob@partner.net 2025-06-02", CMD_REFUSED),
	           "\"bob@partner.net\" is neither a period nor a project");
	as(f, DAVE, false);
	reply_has(run(f, 0, "report bob@partner.net 2025-06-02", CMD_REFUSED),
	           "\"bob@partner.net\" is neither a period nor a project");
}

static void
cmd_export_team__has_a_member_column__for_a_lead_only(void **state)
{
	struct cmd_fixture *f = *state;
	const char *r;

	june_day(f);
	as(f, CAROL, false);
	r = run(f, 0, "export team 2025-06-02", CMD_OK);
	reply_has(r, "Export of Mon 2 Jun 2025 for team web: 2 entries as "
	              "timmy-team_web-2025-06-02.csv");
	reply_has(r, "\nmember,id,project,");
	reply_has(r, "\nalice@example.org,1,acme,");
	reply_has(r, "\nbob@partner.net,1,Acme Website,");
	reply_lacks(r, "secret");
	reply_lacks(r, "globex");
	r = run(f, 0, "export json team 2025-06-02", CMD_OK);
	reply_has(r, "{\"member\":\"alice@example.org\",\"id\":1,");
	as(f, ALICE, false);
	assert_string_equal(run(f, 0, "export team 2025-06-02", CMD_REFUSED),
	                    "You lead no team.");
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(cmd_projects__marks_the_shared_ones__when_the_user_is_in_a_team),
		T(cmd_team__shows_who_runs_a_team_project__and_hides_private_ones),
		T(cmd_who__admin_in_a_team__keeps_the_admin_list),
		T(cmd_report_team__shows_only_the_team_projects__by_member_project_day),
		T(cmd_report_team__names_the_team__when_the_user_is_in_several),
		T(cmd_report_team__leaves_out_a_member__once_the_config_drops_them),
		T(cmd_report_user__lead_sees_a_member__member_and_stranger_do_not),
		T(cmd_export_team__has_a_member_column__for_a_lead_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
