"""The running timer in the contact list: the bot sends each subscribed,
allowed contact a directed presence whose status is their own timer
("acme +design since 09:30", else "No timer running"), again whenever it
changes, and only then.

One Prosody serves the whole run, so the bot's account may already have
any of these contacts in its roster from an earlier test: each test makes
the subscription it needs (subscribing again is answered at once), or
ends it.
"""

import re
import time

from harness.client import bare

NS_CLIENT = "jabber:client"
NS_ROSTER = "jabber:iq:roster"
IDLE = "No timer running"
# A clock time as replies show it: "09:30", or "Mon 7 Dec 23:59" when the
# day turned between two readings.
WHEN = r"(?:\w{3} \d{1,2} \w{3} )?\d{2}:\d{2}"


def status_of(p):
    """The <status/> text of a Received presence, or None."""
    el = p.element.find("{%s}status" % NS_CLIENT)
    return None if el is None else (el.text or "")


def statuses(client, bot, since):
    """The statuses of the bot's available presences client received after
    since (time.monotonic()), in order."""
    return [status_of(p) for p in
            client.presences_from(bot.full_jid, "available", since)]


def wait_status(client, bot, pattern, since, timeout=10.0):
    """Waits for an available presence from the bot, received after since,
    whose status matches the regular expression pattern in full; returns
    the status."""
    deadline = time.monotonic() + timeout
    while True:
        for s in statuses(client, bot, since):
            if s is not None and re.fullmatch(pattern, s):
                return s
        if time.monotonic() > deadline:
            raise AssertionError("no status %r from the bot; got %r" % (
                pattern, statuses(client, bot, since)))
        time.sleep(0.05)


def sees_bot(client, bot):
    """True when client's roster (asked of the server) has the bot with
    subscription 'to' or 'both': the bot's roster has client with 'from'
    or 'both'."""
    el = client.iq(bare(client.jid), '<query xmlns="%s"/>' % NS_ROSTER)
    return any(item.get("jid") == bot.jid and
               item.get("subscription") in ("to", "both")
               for item in el.iter("{%s}item" % NS_ROSTER))


def subscribe(client, bot, timeout=10.0):
    """Makes client a subscriber of the bot. The bot accepts; the server
    passes its 'subscribed' on only the first time (RFC 6121 3.1.5), so
    the test asks the server for client's roster until it says so. The
    bot's roster push went out before that."""
    client.subscribe(bot.jid)
    deadline = time.monotonic() + timeout
    while not sees_bot(client, bot):
        assert time.monotonic() < deadline, "the bot did not accept"
        time.sleep(0.05)


# What the status of a running "acme +design" looks like.
DESIGN = re.escape("acme +design since ") + WHEN


def running_design(client, bot, command="start acme +design"):
    """Subscribes client, has it start "acme +design" with command, and
    waits for the status that shows it: the clock time the reply names,
    in the same zone. Returns that time ("09:30")."""
    subscribe(client, bot)
    since = time.monotonic()
    reply = client.ask(bot.jid, command)
    m = re.fullmatch(r"Started acme \+design at (%s)\." % WHEN, reply)
    assert m, reply
    hm = m.group(1)[-5:]
    status = wait_status(client, bot, DESIGN, since)
    assert status.endswith(" " + hm), status
    return hm


def test_status__shows_the_running_timer_then_none__when_contact_starts_and_stops(
        bot, alice):
    # Begun a while ago, so that stop has time to record.
    running_design(alice, bot, "start acme +design 5m ago")
    since = time.monotonic()
    assert alice.ask(bot.jid, "stop").startswith("Stopped acme")
    wait_status(alice, bot, re.escape(IDLE), since)


def test_status__says_paused_then_running__when_contact_pauses_and_resumes(
        bot, alice):
    hm = running_design(alice, bot, "start acme +design 5m ago")
    since = time.monotonic()
    # Paused a while ago, so that resume has a break to close.
    reply = alice.ask(bot.jid, "pause 2m ago")
    assert reply.startswith("Paused acme +design"), reply
    wait_status(alice, bot, re.escape("acme +design paused since ") + WHEN,
                since)
    since = time.monotonic()
    assert alice.ask(bot.jid, "resume").startswith("Resumed")
    status = wait_status(alice, bot, DESIGN, since)
    assert status.endswith(" " + hm), status


def test_status__is_not_sent_again__when_nothing_it_shows_changed(bot, alice):
    running_design(alice, bot)
    since = time.monotonic()
    # A read, and a change that leaves the running timer as it was.
    assert alice.ask(bot.jid, "status").startswith("Running: acme +design")
    assert alice.ask(bot.jid, "add globex 9:00-10:00 2025-06-02").startswith(
        "Added")
    assert alice.ask(bot.jid, "log 2025-06-02")
    # The bot handles stanzas in order: its presence would have come
    # before the last reply; give a late one a second more.
    time.sleep(1.0)
    assert statuses(alice, bot, since) == []


def test_status__is_not_sent__to_a_contact_who_is_not_subscribed(bot, bob):
    # End any subscription an earlier test left, both ways.
    bob.unsubscribe(bot.jid)
    bob.deny(bot.jid)
    # In order behind the two: the server has told the bot by now.
    assert bob.ask(bot.jid, "status").startswith("Nothing is running.")
    since = time.monotonic()
    assert bob.ask(bot.jid, "start acme +design").startswith(
        "Started acme +design")
    assert bob.ask(bot.jid, "cancel").startswith("Cancelled acme")
    bob.expect_no_presence(bot.full_jid, "available", 1.5, since=since)


def test_status__is_sent_again_after_login__when_the_bot_restarts(bot, alice):
    hm = running_design(alice, bot)
    since = time.monotonic()
    bot.restart()
    assert wait_status(alice, bot, DESIGN, since).endswith(" " + hm)


def test_status__is_sent_again__when_a_client_of_the_contact_comes_online(
        bot, dave, connect):
    # dave lets the bot see him too, as the bot asks: then it learns when
    # a client of his comes online.
    try:
        running_design(dave, bot)
        dave.approve(bot.jid)
        # The server gives a new client the bot's broadcast presence; the
        # status comes from the bot, directed.
        phone = connect("dave", "phone")
        wait_status(phone, bot, DESIGN, 0.0)
    finally:
        # Leave dave as other tests expect him: subscribed one way.
        dave.unsubscribe(bot.jid)
        dave.deny(bot.jid)


def roster_subscription(client, jid):
    """The subscription client's roster (asked of the server) has for
    jid, or None."""
    el = client.iq(bare(client.jid), '<query xmlns="%s"/>' % NS_ROSTER)
    for item in el.iter("{%s}item" % NS_ROSTER):
        if item.get("jid") == jid:
            return item.get("subscription")
    return None


# The bot's line at the end of its pass over the contacts after a login.
PASS_LINE = re.compile(r"contact statuses: (\d+) sent, (\d+) left for when "
                       r"they come online")


def test_status__reaches_a_contact_offline_at_login__when_they_come_online(
        bot, connect):
    """At a login the bot sends no status to a contact whose presence it
    sees and who has no client online (the server would drop it, RFC 6121
    8.5.2.2.1); it goes to them when a client of theirs comes online."""
    laptop = connect("dave", "laptop")
    try:
        running_design(laptop, bot)
        # dave lets the bot see him: subscription both.
        laptop.approve(bot.jid)
        deadline = time.monotonic() + 10
        while roster_subscription(laptop, bot.jid) != "both":
            assert time.monotonic() < deadline, "no subscription both"
            time.sleep(0.05)
        laptop.disconnect()
        bot.restart()
        m = PASS_LINE.search(bot.wait_log("contact statuses: "))
        assert m and int(m.group(2)) >= 1, m
        phone = connect("dave", "phone")
        wait_status(phone, bot, DESIGN, 0.0)
    finally:
        # Leave dave as other tests expect him: subscribed one way.
        c = connect("dave", "cleanup")
        c.unsubscribe(bot.jid)
        c.deny(bot.jid)


def test_status__stops_for_a_removed_contact_and_goes_on_for_the_others(
        server, bot, alice, bob):
    """A contact taken out of the bot's roster (a roster push with
    subscription 'remove', here from another client of the bot's account)
    gets no status any more, and the contact that took its place in the
    bot's table of contacts (bot/roster.c moves the last one there and
    makes its index again) still does."""
    running_design(alice, bot, "start acme +design 5m ago")
    running_design(bob, bot, "start acme +design 5m ago")
    with server.client("timmy", resource="admin") as admin:
        answer = admin.iq(bare(admin.jid), (
            '<query xmlns="%s"><item jid="%s" subscription="remove"/>'
            '</query>') % (NS_ROSTER, bare(alice.jid)), itype="set")
        assert answer.get("type") == "result", answer
    # The bot had the push before the server answered: in order behind
    # it, bob's stop and its status.
    since = time.monotonic()
    assert bob.ask(bot.jid, "stop").startswith("Stopped acme")
    wait_status(bob, bot, re.escape(IDLE), since)
    assert alice.ask(bot.jid, "stop").startswith("Stopped acme")
    alice.expect_no_presence(bot.full_jid, "available", 1.5, since=since)
    # Subscribed anew, alice is a contact again.
    running_design(alice, bot)
