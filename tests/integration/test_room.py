"""The team room (XEP-0045): the bot enters each team's room on connect and
after a reconnect, asks for no history, runs what members address to its
nick there (the reply privately, an acknowledgement in the room), ignores
strangers, and leaves a room that hides real JIDs.

A Prosody of this module's own, with the conference.localhost component."""

import calendar
import re
import signal
import time

import pytest

from conftest import ALLOWED, USERS, password, stop_and_judge
from harness import Bot, PrivateProsody
from harness.bot import config_text

NICK = "timmy"


@pytest.fixture(scope="module")
def server():
    with PrivateProsody(muc=True) as s:
        for user in USERS:
            s.register(user, password(user))
        yield s


def team_yaml(server, room, members=("alice", "bob"), projects=("acme",
                                                                 "acme website"),
              digest=None):
    return "\n".join([
        "teams:",
        "  web:",
        "    members: [%s]" % ", ".join('"%s"' % server.jid(m) for m in members),
        "    projects: [%s]" % ", ".join('"%s"' % p for p in projects),
        "    room: %s" % room,
        ] + (["    digest: \"%s\"" % digest] if digest else []) + [""])


@pytest.fixture
def room_bot(server, timmy_bin, request):
    """room_bot(room, **team) -> a started bot whose team "web" sits in
    room; stopped and judged after the test."""
    bots = []

    def make(room, clock=None, **team):
        b = Bot(server, allow=[server.jid(u) for u in ALLOWED],
                binary=timmy_bin, test_clock=clock is not None)
        if clock is not None:
            b.set_clock(clock)
        text = config_text(**b.settings) + team_yaml(server, room, **team)
        b.write_config(text)
        bots.append(b)
        b.start()
        return b
    yield make
    for b in bots:
        try:
            stop_and_judge(b)
        finally:
            b.close()


def client(server, user):
    return server.client(user, password(user), drop_offline=True)


def enter(room, *clients):
    """Each of clients (Client, nick) enters room; then waits until the
    bot is there too, and a moment for it to have seen them all."""
    for c, nick in clients:
        c.join_room(room, nick)
    clients[0][0].wait_presence("%s/%s" % (room, NICK), timeout=15)
    time.sleep(0.5)


def entries(b, owner):
    return b.query("SELECT e.project FROM entries e JOIN users u "
                   "ON u.id = e.user_id WHERE u.jid = ? ORDER BY e.start",
                   owner)


def test_room__bot_enters_on_connect_without_history__and_again_after_a_server_restart(
        server, room_bot):
    room = server.room("enter")
    with client(server, "alice") as alice:
        alice.join_room(room, "alice")
        # Said before the bot came: history it must not see or run.
        alice.say(room, "%s: start acme" % NICK)
        since = time.monotonic()
        b = room_bot(room)
        p = alice.wait_presence("%s/%s" % (room, NICK), since=since,
                                timeout=15)
        assert p.presence_type == "available"
        time.sleep(1.0)
        assert entries(b, server.jid("alice")) == []
        assert not [m for m in alice.unread(room) if m.body and
                    m.from_ == "%s/%s" % (room, NICK)]
    assert "entering room %s as %s" % (room, NICK) in b.log()

    logins = b.log().count("entering room %s" % room)
    server.stop()
    b.wait_log("disconnected from the server", timeout=10)
    server.start()
    deadline = time.monotonic() + 40
    while b.log().count("in room %s as" % room) < 2:
        assert time.monotonic() < deadline, b.log_tail()
        time.sleep(0.2)
    assert b.log().count("entering room %s" % room) == logins + 1
    with client(server, "bob") as bob:
        bob.join_room(room, "bob")
        occupants = [p.from_ for p in bob.presences if p.from_.startswith(room)]
        assert "%s/%s" % (room, NICK) in occupants


def test_room__member_addressing_the_bot_by_nick__gets_a_private_reply_and_the_room_an_ack(
        server, room_bot):
    room = server.room("ack")
    b = room_bot(room)
    with client(server, "alice") as alice, client(server, "bob") as bob:
        enter(room, (alice, "alice"), (bob, "bob"))
        alice.say(room, "Timmy, start acme")
        private = alice.next_message(b.jid, what="private reply")
        assert private.type == "chat"
        assert private.body.startswith("Started acme"), private.body
        ack = bob.next_groupchat(room, NICK)
        assert ack.body.startswith("alice started acme"), ack.body
        assert entries(b, server.jid("alice")) == [("acme",)]
        # A read shows her own data: to her only, nothing in the room.
        alice.say(room, "timmy: status")
        assert "acme" in alice.next_message(b.jid).body
        bob.expect_silence(room + "/" + NICK, 1.0)
        # So does a change of her own settings.
        alice.say(room, "timmy: tz Europe/Berlin")
        assert "Europe/Berlin" in alice.next_message(b.jid).body
        bob.expect_silence(room + "/" + NICK, 1.0)
        # Talk among the others is not for the bot.
        bob.say(room, "start acme, alice?")
        bob.expect_silence(b.jid, 1.0)
        assert entries(b, server.jid("bob")) == []


def test_room__start_without_a_project__starts_the_teams_first_shared_project(
        server, room_bot):
    room = server.room("first")
    b = room_bot(room, projects=("acme website", "acme"))
    with client(server, "bob") as bob:
        enter(room, (bob, "bob"))
        bob.say(room, "timmy: start")
        assert bob.next_message(b.jid).body.startswith("Started acme website")
        assert bob.next_groupchat(room, NICK).body.startswith(
            "bob started acme website")
        assert entries(b, server.jid("bob")) == [("acme website",)]


def test_room__non_member_addressing_the_bot__is_ignored(server, room_bot):
    room = server.room("strangers")
    b = room_bot(room)
    with client(server, "carol") as carol, \
            client(server, "stranger") as stranger:
        carol.join_room(room, "carol")
        stranger.join_room(room, "alice")    # a member's nick, not her JID
        carol.wait_presence("%s/%s" % (room, NICK), timeout=15)
        time.sleep(0.5)
        carol.say(room, "timmy: start acme")
        stranger.say(room, "timmy: start acme")
        stranger.send("%s/%s" % (room, NICK), "start acme")
        carol.expect_silence(b.jid, 1.5)
        carol.expect_silence(room + "/" + NICK, 0.1)
        stranger.expect_silence(b.jid, 0.1)
        assert entries(b, server.jid("carol")) == []
        assert entries(b, server.jid("stranger")) == []
    assert "not in the room's team" in b.log()


def test_room__private_message_through_the_room__counts_as_the_members(
        server, room_bot):
    room = server.room("private")
    b = room_bot(room)
    with client(server, "alice") as alice:
        enter(room, (alice, "alice"))
        alice.send("%s/%s" % (room, NICK), "start acme")
        assert alice.next_message(b.jid).body.startswith("Started acme")
        assert entries(b, server.jid("alice")) == [("acme",)]


def test_room__semi_anonymous_room__is_told_why_once_and_left(
        server, room_bot):
    room = server.room("semi")
    with client(server, "alice") as alice:
        alice.join_room(room, "alice")
        alice.configure_room(room, **{"muc#roomconfig_whois": "moderators"})
        since = time.monotonic()
        b = room_bot(room)
        why = alice.next_groupchat(room, NICK, timeout=15)
        assert "real JID" in why.body, why.body
        alice.wait_presence("%s/%s" % (room, NICK), ptype="unavailable",
                            since=since, timeout=10)
        alice.say(room, "timmy: start acme")
        alice.expect_silence(b.jid, 1.0)
        alice.expect_silence(room + "/" + NICK, 0.1)
        assert entries(b, server.jid("alice")) == []
    assert "does not show its occupants' real JIDs" in b.log()


def test_room__digest__posted_once_at_its_time_on_a_weekday__and_not_again_after_a_restart(
        server, room_bot):
    """The bot's clock is put a minute before a 17:30 digest on a Monday
    (2026-06-01), then moved past it."""
    room = server.room("digest")
    monday = calendar.timegm((2026, 6, 1, 17, 29, 0, 0, 0, 0))
    b = room_bot(room, clock=monday - time.time(), digest="17:30")
    with client(server, "alice") as alice, client(server, "bob") as bob:
        enter(room, (alice, "alice"), (bob, "bob"))
        alice.send(b.jid, "add acme 9:00-10:20 2026-06-01")
        assert "acme" in alice.next_message(b.jid).body
        alice.send(b.jid, "add private 10:30-11:00 2026-06-01")
        alice.next_message(b.jid)
        bob.say(room, 'timmy: start "acme website"')
        bob.next_message(b.jid)
        bob.next_groupchat(room, NICK)
        assert alice.next_groupchat(room, NICK).body.startswith("bob started")
        bot_in_room = "%s/%s" % (room, NICK)
        alice.expect_silence(bot_in_room, 1.0)
        b.advance_clock(90)
        digest = alice.next_groupchat(room, NICK, timeout=10).body
        print(digest)
        assert digest.startswith("Team web today"), digest
        assert "alice@localhost: 1h 20m" in digest, digest
        # bob's timer ran about 90 s by then.
        assert re.search(r"By project: acme 1h 20m, acme website [12]m$",
                         digest, re.M), digest
        assert "private" not in digest, digest
        assert "Still running: bob@localhost (acme website)" in digest, digest
        b.advance_clock(600)
        alice.expect_silence(bot_in_room, 1.5)
        b.stop()
        b.start()
        alice.wait_presence(bot_in_room, since=time.monotonic() - 0.5,
                            timeout=15)
        alice.expect_silence(bot_in_room, 2.0)
    assert b.log().count("posted the digest of team web") == 1


def test_room__report_team_addressed_to_the_bot__is_posted_in_the_room(
        server, room_bot):
    room = server.room("report")
    b = room_bot(room)
    with client(server, "alice") as alice, client(server, "bob") as bob:
        enter(room, (alice, "alice"), (bob, "bob"))
        alice.send(b.jid, "add acme 9:00-10:00 2025-06-02")
        alice.next_message(b.jid)
        alice.say(room, "timmy, report team 2025-06-02")
        report = bob.next_groupchat(room, NICK).body
        print(report)
        assert "alice" in report and "1h" in report, report
        alice.expect_silence(b.jid, 1.0)


NS_ADMIN = "http://jabber.org/protocol/muc#admin"


def test_room__kicked_bot__enters_again_after_a_backoff__but_not_after_a_ban(
        server, room_bot):
    room = server.room("kick")
    with client(server, "alice") as alice:
        alice.join_room(room, "alice")       # the first: the room's owner
        b = room_bot(room)
        bot_in_room = "%s/%s" % (room, NICK)
        alice.wait_presence(bot_in_room, timeout=15)
        since = time.monotonic()
        answer = alice.iq(room, "<query xmlns='%s'><item nick='%s' "
                          "role='none'/></query>" % (NS_ADMIN, NICK),
                          itype="set")
        assert answer.get("type") == "result"
        alice.wait_presence(bot_in_room, ptype="unavailable", since=since)
        alice.wait_presence(bot_in_room, since=since, timeout=10)
        assert "room %s: kicked; entering again in 2 s" % room in b.log()

        since = time.monotonic()
        answer = alice.iq(room, "<query xmlns='%s'><item jid='%s' "
                          "affiliation='outcast'/></query>" % (NS_ADMIN, b.jid),
                          itype="set")
        assert answer.get("type") == "result"
        alice.wait_presence(bot_in_room, ptype="unavailable", since=since)
        alice.expect_no_presence(bot_in_room, "available", 4.0, since=since)
    assert "room %s: banned; not entering it again" % room in b.log()


def test_room__correction_of_a_command_in_the_room__is_not_run_again(
        server, room_bot):
    room = server.room("edit")
    b = room_bot(room)
    with client(server, "alice") as alice:
        enter(room, (alice, "alice"))
        first = alice.say(room, "timmy: start acme")
        assert alice.next_message(b.jid).body.startswith("Started acme")
        alice.send_raw(
            "<message to='%s' type='groupchat'><body>timmy: start other"
            "</body><replace id='%s' xmlns='urn:xmpp:message-correct:0'/>"
            "</message>" % (room, first))
        alice.expect_silence(b.jid, 1.5)
        assert entries(b, server.jid("alice")) == [("acme",)]


def test_room__reload_naming_another_room__leaves_the_old_one_and_enters_the_new(
        server, room_bot):
    old, new = server.room("before"), server.room("after")
    b = room_bot(old)
    with client(server, "alice") as alice:
        enter(old, (alice, "alice"))
        alice.join_room(new, "alice")
        since = time.monotonic()
        b.write_config(config_text(**b.settings) + team_yaml(server, new))
        b.signal(signal.SIGHUP)
        alice.wait_presence("%s/%s" % (old, NICK), ptype="unavailable",
                            since=since, timeout=10)
        alice.wait_presence("%s/%s" % (new, NICK), since=since, timeout=10)
        time.sleep(0.5)
        alice.say(new, "timmy: start")
        assert alice.next_message(b.jid).body.startswith("Started acme")
    assert "leaving room %s: no team names it now" % old in b.log()


def test_room__digest__posted_late_by_a_bot_started_after_its_time__once_across_restarts(
        server, room_bot):
    """The bot is down at a 17:30 digest on a Tuesday (2026-06-02): started
    at 17:45 with no record of that day's, it posts it once; started again
    the same day, not again. The record is in the database (team_digests),
    one row for the team's local day."""
    room = server.room("digestlate")
    tuesday = calendar.timegm((2026, 6, 2, 17, 20, 0, 0, 0, 0))
    b = room_bot(room, clock=tuesday - time.time(), digest="17:30")
    bot_in_room = "%s/%s" % (room, NICK)
    with client(server, "alice") as alice:
        enter(room, (alice, "alice"))
        alice.send(b.jid, "add acme 9:00-10:00 2026-06-02")
        alice.next_message(b.jid)
        alice.expect_silence(bot_in_room, 1.0)
        b.stop()
        b.set_clock(tuesday + 25 * 60 - time.time())
        since = time.monotonic() - 0.5
        b.start()
        alice.wait_presence(bot_in_room, since=since, timeout=15)
        digest = alice.next_groupchat(room, NICK, timeout=10).body
        assert digest.startswith("Team web today"), digest
        assert "alice@localhost: 1h" in digest, digest
        alice.expect_silence(bot_in_room, 1.5)
        b.stop()
        b.advance_clock(60)
        since = time.monotonic() - 0.5
        b.start()
        alice.wait_presence(bot_in_room, since=since, timeout=15)
        alice.expect_silence(bot_in_room, 2.0)
    assert b.log().count("posted the digest of team web") == 1
    assert b.query("SELECT team, day FROM team_digests") == [
        ("web", (tuesday // 86400))]
