"""Delay stamps (XEP-0203) a client wrote itself: a client may put a
<delay from='our server'> into any message, and Prosody passes it on. A
stamp counts only for what the server kept while the bot was away
(offline storage after a login, a stream management replay after a
resume), within the time it was away; anything else runs when it arrives.
And whatever a command counts at, no start or stop reaches into recorded
time.

The bot's zone is UTC here. Every test first has a reply from the bot
after its login: the answer to the ping that ends its catch-up came
before it, so a later message cannot count as one the server kept.
"""

import sqlite3
import time
import uuid

import pytest

from conftest import password
from harness import Bot, PrivateProsody, wall_now
from test_daemon import Relay

# A stamp is whole seconds; one of the second the bot handles a message
# in is no delay.
SECOND = 1.1


def stamp(t):
    """XEP-0082 date-time of epoch seconds t, UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def today_00_00_01():
    """00:00:01 UTC today, as the security review forged it."""
    day = time.strftime("%Y-%m-%d", time.gmtime(wall_now()))
    return day + "T00:00:01Z"


def send_stamped(client, bot, body, when, frm="localhost"):
    """Sends body to the bot with a delay of the client's own making:
    <delay from=frm stamp=when/>."""
    client.send_raw(
        "<message xmlns='jabber:client' to='%s' type='chat' id='%s'>"
        "<body>%s</body><delay xmlns='urn:xmpp:delay' from='%s' "
        "stamp='%s'/></message>" % (bot.jid, uuid.uuid4().hex, body, frm,
                                    when))


def ask_stamped(client, bot, body, when, frm="localhost"):
    send_stamped(client, bot, body, when, frm)
    return client.next_message(bot.jid, timeout=10,
                               what="reply to %r" % body).body


def rows(bot):
    return bot.query("SELECT seq, project, start, stop FROM entries "
                     "ORDER BY seq")


def overlaps(entries, now):
    """The pairs of entries that overlap, a running one up to now."""
    spans = [(seq, start, stop if stop is not None else now)
             for seq, _, start, stop in entries]
    return [(a[0], b[0]) for i, a in enumerate(spans) for b in spans[i + 1:]
            if a[1] < b[2] and b[1] < a[2]]


def caught_up(client, bot):
    reply = client.ask(bot.jid, "status")
    assert reply.startswith(("Nothing is running.", "Running: ")), reply


# -- forged while the bot is online -----------------------------------------

def test_forged_delay__runs_at_arrival_and_never_stacks__when_stamped_today_00_00_01(
        bot, alice):
    caught_up(alice, bot)
    began = wall_now()
    for i in range(1, 5):
        sent = int(wall_now())
        reply = ask_stamped(alice, bot, "start fake%d" % i, today_00_00_01())
        assert reply.startswith("Started fake%d at " % i), reply
        assert "offline" not in reply, reply
        started = rows(bot)[-1]
        assert started[1] == "fake%d" % i and started[2] >= sent, (
            started, sent)
        time.sleep(SECOND)
        reply = alice.ask(bot.jid, "stop")
        assert reply.startswith("Stopped fake%d after " % i), reply
    now = wall_now()
    entries = rows(bot)
    assert [r[1] for r in entries] == ["fake1", "fake2", "fake3", "fake4"]
    assert overlaps(entries, now) == [], entries
    # All four together took no longer than the test did: 2h 14m was the
    # forgery's report.
    total = sum(stop - start for _, _, start, stop in entries)
    assert total <= now - began + 1, (total, now - began, entries)
    assert "ignored its delay stamp" in bot.log()


def test_forged_delay__runs_at_arrival__when_stamped_1970(bot, alice):
    caught_up(alice, bot)
    sent = int(wall_now())
    reply = ask_stamped(alice, bot, "start ancient", "1970-01-01T00:00:00Z")
    assert reply.startswith("Started ancient at "), reply
    assert "offline" not in reply, reply
    [(_, project, start, stop)] = rows(bot)
    assert (project, stop) == ("ancient", None)
    assert start >= sent, (start, sent)
    # Our own account's from (what stream management stamps) is no
    # better on a live message.
    time.sleep(SECOND)
    reply = ask_stamped(alice, bot, "stop", "1970-01-01T00:00:00Z",
                        frm=bot.jid)
    assert reply.startswith("Stopped ancient after "), reply
    assert "offline" not in reply, reply
    [(_, _, _, stop)] = rows(bot)
    assert stop > start, (start, stop)


# -- what the server really kept ---------------------------------------------

def test_offline__counts_at_send_time__when_sent_while_bot_stopped_even_with_forged_stamp(
        bot, alice):
    caught_up(alice, bot)
    assert bot.stop() == 0
    time.sleep(SECOND)
    sent_start = wall_now()
    alice.send(bot.jid, "start acme")
    time.sleep(SECOND)
    sent_stop = wall_now()
    # A stamp of the client's own, older than the bot's absence, beside
    # the one offline storage adds: the server's counts.
    send_stamped(alice, bot, "stop", "1970-01-01T00:00:00Z")
    time.sleep(2 * SECOND)
    bot.start()
    first = alice.next_message(bot.jid, timeout=10).body
    second = alice.next_message(bot.jid, timeout=10).body
    assert first.startswith("Started acme at "), first
    assert "while I was offline" in first, first
    assert second.startswith("Stopped acme after "), second
    assert "while I was offline" in second, second
    [(_, _, start, stop)] = rows(bot)
    # The server's stamp, whole seconds, taken as it stored the message:
    # not the time the bot came back, 2 s and more later.
    assert -1.0 <= start - sent_start <= 1.5, (start, sent_start)
    assert -1.0 <= stop - sent_stop <= 1.5, (stop, sent_stop)


def test_offline__start_is_refused__when_send_time_falls_inside_recorded_entry(
        bot, alice):
    caught_up(alice, bot)
    reply = alice.ask(bot.jid, "start acme 1h ago")
    assert reply.startswith("Started acme at "), reply
    time.sleep(SECOND)
    reply = alice.ask(bot.jid, "stop")
    assert reply.startswith("Stopped acme after 1h 00m"), reply
    [(_, _, acme_start, acme_stop)] = rows(bot)
    assert bot.stop() == 0
    # Sent while the bot is away, claiming half an hour into acme: within
    # the time the bot may have been away, so believed, and refused for
    # what it would overlap.
    send_stamped(alice, bot, "start fake", stamp(acme_start + 1800))
    time.sleep(SECOND)
    bot.start()
    reply = alice.next_message(bot.jid, timeout=10).body
    assert reply.startswith("Starting then would overlap #1 acme"), reply
    assert rows(bot) == [(1, "acme", acme_start, acme_stop)]


def test_resume__replayed_stop_counts_at_send_time__when_sent_while_connection_dead(
        timmy_bin):
    """A stop that went into a connection already dead, unnoticed:
    stream management resends it after the resume, stamped by the server
    (from the bot's own account) when it was sent, and it counts then."""
    with PrivateProsody(hibernation_time=60) as server:
        for user in ("timmy", "alice"):
            server.register(user, password(user))
        with Relay(server.host, server.port) as relay:
            b = Bot(server, allow=[server.jid("alice")], binary=timmy_bin,
                    host="127.0.0.1", port=relay.port, keepalive=10)
            try:
                b.start()
                b.wait_log("the session can be resumed")
                with server.client("alice", password("alice")) as alice:
                    caught_up(alice, b)
                    reply = alice.ask(b.jid, "start acme")
                    assert reply.startswith("Started acme at "), reply
                    time.sleep(SECOND)
                    relay.blackhole()
                    sent = wall_now()
                    alice.send(b.jid, "stop")
                    # account.keepalive 10 s, the ping's 5 s, the resume.
                    b.wait_log("the connection is dead", timeout=25)
                    b.wait_log("resumed the session as", timeout=10)
                    reply = alice.next_message(b.jid, timeout=10).body
                    assert reply.startswith("Stopped acme after "), reply
                    assert "while I was offline" in reply, reply
                    [(_, _, _, stop)] = rows(b)
                    assert -1.0 <= stop - sent <= 1.5, (stop, sent)
                assert b.stop() == 0
            finally:
                b.close()


# -- a stop over recorded time -------------------------------------------------

@pytest.mark.sqlite_only("writes an overlapping entry, which PostgreSQL's exclusion "
                         "constraint refuses before the command could")
def test_stop__is_refused__when_stopped_entry_would_overlap_an_entry(
        bot, alice):
    """A running timer with an entry inside its span, as forged stamps
    left them in databases of earlier builds: stopping it would make
    that overlap for good."""
    caught_up(alice, bot)
    reply = alice.ask(bot.jid, "add globex 9:00-10:00 2025-06-02")
    assert reply.startswith("Added #1 globex"), reply
    reply = alice.ask(bot.jid, "start acme")
    assert reply.startswith("Started acme at "), reply
    [(_, _, g_start, g_stop), _] = rows(bot)
    con = sqlite3.connect(bot.db_path, timeout=5)
    try:
        with con:
            con.execute("UPDATE entries SET start = ? WHERE stop IS NULL",
                        (g_start + 1800,))
    finally:
        con.close()
    reply = alice.ask(bot.jid, "stop")
    assert reply.startswith("Stopping then would overlap #1 globex"), reply
    reply = alice.ask(bot.jid, "start initech")
    assert "would overlap #1 globex" in reply, reply
    reply = alice.ask(bot.jid, "status")
    assert reply.startswith("Running: acme since "), reply
    assert rows(bot) == [(1, "globex", g_start, g_stop),
                         (2, "acme", g_start + 1800, None)]
    # Before globex ends there is nothing to stop at: "cancel" is the way.
    reply = alice.ask(bot.jid, "cancel")
    assert reply.startswith("Cancelled acme"), reply
