"""Teams through a real Prosody: bot.yaml's teams section makes team web
of alice and bob, led by carol, sharing acme. Only dave is in
access.allow: the team's members and lead are allowed by being in it.
Days are fixed ones of 2025 with clock times, so the tests hold at any
hour; `team` reads today, and only its running timers are looked at.
"""

import re
import signal

import pytest

from conftest import stop_and_judge
from harness import Bot
from test_admin import read_inline

DAY = "2025-06-02"  # a Monday


def web(server, members=("alice", "bob")):
    return {"web": {"members": [server.jid(u) for u in members],
                    "leads": [server.jid("carol")],
                    "projects": ["acme"]}}


@pytest.fixture
def team_bot(server, timmy_bin, request):
    """The bot with team web, online, its upload discovery over; stopped
    after the test, which fails if it does not exit 0 on SIGTERM or a
    sanitizer spoke."""
    b = Bot(server, allow=[server.jid("dave")], binary=timmy_bin,
            teams=web(server))
    request.node.timmy_bot = b
    try:
        b.start()
        b.wait_log("HTTP upload: ", timeout=15)
        yield b
        stop_and_judge(b)
    finally:
        b.close()


def june_day(bot, alice, bob):
    """On DAY alice has 1h on acme and 2h on her own secret; bob 30m on
    acme and 4h on his own globex."""
    for user, words in ((alice, "add acme 9:00-10:00 %s" % DAY),
                        (alice, "add secret 10:00-12:00 %s" % DAY),
                        (bob, "add ACME 9:00-9:30 %s" % DAY),
                        (bob, "add globex 10:00-14:00 %s" % DAY)):
        reply = user.ask(bot.jid, words)
        assert reply.startswith("Added"), reply


def test_teams__members_and_lead_are_served__without_access_allow(
        team_bot, alice, bob, carol, stranger):
    bot = team_bot
    for user in (alice, bob, carol):
        assert user.ask(bot.jid, "status").startswith("Nothing is running.")
    stranger.send(bot.jid, "status")
    stranger.expect_silence(bot.jid, 1.0)


def test_projects__marks_the_team_project__not_a_private_one(team_bot,
                                                             alice, bob):
    bot = team_bot
    june_day(bot, alice, bob)
    reply = alice.ask(bot.jid, "projects")
    assert re.search(r"\nacme \(team web\) +\S", reply), reply
    assert re.search(r"\nsecret +\S", reply), reply
    assert "secret (team" not in reply, reply


def test_team__shows_who_runs_the_team_project__not_a_private_one(
        team_bot, alice, bob, carol, dave):
    bot = team_bot
    assert bob.ask(bot.jid, "start acme").startswith("Started acme")
    assert alice.ask(bot.jid, "start secret").startswith("Started secret")
    for user in (alice, carol):
        reply = user.ask(bot.jid, "team")
        assert reply.startswith("Today, "), reply
        rows = {l.split()[0]: l for l in reply.split("\n")
                if "@" in l}
        assert sorted(rows) == ["alice@localhost", "bob@localhost"], reply
        assert rows["bob@localhost"].endswith("running acme"), reply
        assert "secret" not in reply and "running" not in \
            rows["alice@localhost"], reply
    # who: the same for a member who is no admin; unknown to dave.
    assert alice.ask(bot.jid, "who").startswith("Today, ")
    assert dave.ask(bot.jid, "who") == 'I don\'t know "who". Try "help".'
    assert dave.ask(bot.jid, "team") == "You are in no team."


def test_report_team__shows_the_team_project_only(team_bot, alice, bob):
    bot = team_bot
    june_day(bot, alice, bob)
    reply = bob.ask(bot.jid, "report team %s" % DAY)
    assert reply == ("Team web, Mon 2 Jun 2025:\n```\n"
                     "alice@localhost   1h 00m\n"
                     "bob@localhost        30m\n"
                     "Total             1h 30m\n```"), reply
    reply = alice.ask(bot.jid, "report team %s by project" % DAY)
    assert "\nacme " in reply and "secret" not in reply, reply
    assert "globex" not in reply, reply


def test_report_user__for_a_lead_only__not_a_member_or_stranger(
        team_bot, alice, bob, carol, dave, stranger):
    bot = team_bot
    june_day(bot, alice, bob)
    reply = carol.ask(bot.jid, "report bob@localhost %s" % DAY)
    assert reply.startswith("bob@localhost, Mon 2 Jun 2025:"), reply
    assert "globex" in reply and "acme" in reply.lower(), reply
    for user in (alice, dave):
        reply = user.ask(bot.jid, "report bob@localhost %s" % DAY)
        assert reply.startswith('"bob@localhost" is neither a period nor '
                                'a project.'), reply
    stranger.send(bot.jid, "report bob@localhost %s" % DAY)
    stranger.expect_silence(bot.jid, 1.0)
    reply = carol.ask(bot.jid, "report dave@localhost %s" % DAY)
    assert reply.startswith('"dave@localhost" is no member of a team you '
                            'lead'), reply


def test_export_team__one_file_with_a_member_column__for_the_lead(
        team_bot, alice, bob, carol):
    bot = team_bot
    june_day(bot, alice, bob)
    reply = carol.ask(bot.jid, "export team %s" % DAY)
    assert re.match(r"Export of Mon 2 Jun 2025 for team web: 2 entries as "
                    r"timmy-team_web-2025-06-02\.csv, \d+ bytes\.$",
                    reply), reply
    name, content = read_inline(carol, bot)
    assert name == "timmy-team_web-2025-06-02.csv"
    rows = content.strip("\n").split("\n")
    assert rows[0].startswith("member,id,project,"), content
    assert [r.split(",")[:3] for r in rows[1:]] == [
        ["alice@localhost", "1", "acme"], ["bob@localhost", "1", "ACME"]], \
        content
    assert alice.ask(bot.jid, "export team %s" % DAY) == "You lead no team."


def test_sighup__drops_a_removed_member__from_report_team(team_bot, alice,
                                                          bob):
    bot = team_bot
    june_day(bot, alice, bob)
    assert "bob@localhost" in alice.ask(bot.jid, "report team %s" % DAY)
    bot.write_config(teams=web(bot.server, members=("alice",)))
    bot.signal(signal.SIGHUP)
    bot.wait_log("configuration reloaded")
    reply = alice.ask(bot.jid, "report team %s" % DAY)
    assert reply == ("Team web, Mon 2 Jun 2025:\n```\n"
                     "alice@localhost   1h 00m\n"
                     "Total             1h 00m\n```"), reply
    # bob is no longer served at all; his entries stay.
    bob.send(bot.jid, "status")
    bob.expect_silence(bot.jid, 1.0)
    assert bot.query("SELECT count(*) FROM entries JOIN users ON "
                     "users.id = entries.user_id WHERE jid = ?",
                     "bob@localhost")[0][0] == 2
