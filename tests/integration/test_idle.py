"""The forgotten timer: the bot follows the presence of the users whose
presence it sees (subscription both ways), and when one comes back after
being away for at least idle.after (15 minutes by default) while their
timer ran, asks once whether to stop it where they left, record the
absence as a break, or keep it.

The bot's clock is moved (test_clock): hours pass in a moment. One
Prosody serves the whole run, so each test makes the subscription it
needs and ends the bot's view of the user's presence afterwards.
"""

import re
import time

import pytest

from harness.client import bare

NS_ROSTER = "jabber:iq:roster"
# A clock time as replies show it: "18:32", or "Mon 7 Dec 18:32" when it
# is not today in the bot's zone.
WHEN = r"(?:\w{3} \d{1,2} \w{3} )?\d{2}:\d{2}"
QUESTION = re.compile(
    r"acme has been running while you were away since (%s) "
    r"\((\d+h \d\dm|\d+m)\)\. `stop` ends it at \1, `break` records "
    r"\1-(%s) as a pause, `keep` keeps it all\." % (WHEN, WHEN))
HOUR = 3600
# The bot fixture's clock is one the tests move (conftest.py).
BOT_TEST_CLOCK = True


def roster_has(client, bot, subs):
    el = client.iq(bare(client.jid), '<query xmlns="%s"/>' % NS_ROSTER)
    return any(item.get("jid") == bot.jid and item.get("subscription") in subs
               for item in el.iter("{%s}item" % NS_ROSTER))


def share_presence(client, bot, timeout=10.0):
    """Subscribes client to the bot and lets the bot see client's
    presence: subscription both ways. Returns once client's roster says
    so and the bot has handled what came before a command's reply."""
    # From nothing, whatever an earlier test left: the bot asks back
    # only when the request is new.
    client.unsubscribe(bot.jid)
    client.deny(bot.jid)
    deadline = time.monotonic() + timeout
    while roster_has(client, bot, ("to", "from", "both")):
        assert time.monotonic() < deadline, "still subscribed"
        time.sleep(0.05)
    client.subscribe(bot.jid)
    while not roster_has(client, bot, ("to", "both")):
        assert time.monotonic() < deadline, "the bot did not accept"
        time.sleep(0.05)
    client.approve(bot.jid)
    while not roster_has(client, bot, ("both",)):
        assert time.monotonic() < deadline, "no subscription both ways"
        time.sleep(0.05)
    # Sent now, the server's push of the subscription and client's
    # presence reached the bot before this command.
    assert client.ask(bot.jid, "status")


@pytest.fixture
def user(bot, connect):
    """alice, sharing her presence with the bot, and no longer after."""
    c = connect("alice")
    share_presence(c, bot)
    yield c
    # Any client of hers will do, should the test have closed this one.
    c = c if c.connected else connect("alice", "cleanup")
    c.unsubscribe(bot.jid)
    c.deny(bot.jid)
    c.ask(bot.jid, "status")


def away_since(bot, timeout=10.0):
    """Waits until the bot keeps the moment the user left; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        rows = bot.query("SELECT since FROM user_away")
        if rows:
            return rows[0][0]
        assert time.monotonic() < deadline, "the bot did not note the leave"
        time.sleep(0.05)


def question(client, bot):
    """The next message from the bot, which must be the question; returns
    its match."""
    body = client.next_message(bot.jid, what="the question").body
    m = QUESTION.fullmatch(body)
    assert m, body
    return m


def hm(bot, t):
    """The clock time t as the bot shows it today (UTC)."""
    return time.strftime("%H:%M", time.gmtime(t))


def running_acme(client, bot, ago="3h"):
    reply = client.ask(bot.jid, "start acme %s ago" % ago)
    assert reply.startswith("Started acme"), reply


def leave_for(client, bot, secs, show="away", idle_since=None):
    """With acme running since 3h ago, client goes away (show) and the
    bot's clock moves secs on once the bot noted it; returns the moment
    the bot noted."""
    running_acme(client, bot)
    client.send_show(show, idle_since=idle_since)
    left = away_since(bot)
    bot.advance_clock(secs)
    return left


def test_idle__asks_once_and_stop_ends_the_timer_where_user_left__when_away_2h(
        bot, user):
    left = leave_for(user, bot, 2 * HOUR)
    user.send_show(None)
    m = question(user, bot)
    assert m.group(1).endswith(hm(bot, left))
    assert m.group(2) in ("2h 00m", "2h 01m")
    # Another resource coming back, or the same one again: no second one.
    user.send_show("chat")
    user.expect_silence(bot.jid, 1.0)
    reply = user.ask(bot.jid, "stop")
    assert reply.startswith("Stopped at %s, when you left:" % m.group(1)), \
        reply
    assert bot.query("SELECT stop FROM entries") == [(left,)]
    assert bot.query("SELECT count(*) FROM idle_prompts") == [(0,)]
    # The day it ended on (the one before, when it ended at midnight).
    log = user.ask(bot.jid, "log " + time.strftime("%Y-%m-%d",
                                                   time.gmtime(left - 1)))
    assert re.search(r"–(?:\w{3} )?%s " % hm(bot, left), log), log
    # The question is answered: stop is the command it always was.
    assert user.ask(bot.jid, "stop").startswith("Nothing is running")


def test_idle__break_records_the_absence_as_a_break__when_answered(bot, user):
    left = leave_for(user, bot, 2 * HOUR, "xa")
    user.send_show(None)
    m = question(user, bot)
    reply = user.ask(bot.jid, "BREAK")
    assert reply.startswith("Recorded %s-%s as a break:" % (
        m.group(1), m.group(3))), reply
    rows = bot.query("SELECT start, stop - start FROM entry_breaks")
    assert len(rows) == 1 and rows[0][0] == left, rows
    assert 2 * HOUR <= rows[0][1] <= 2 * HOUR + 60, rows
    log = user.ask(bot.jid, "log")
    assert re.search(r"\(break 2h 0[01]m\)", log), log
    assert bot.query("SELECT stop FROM entries") == [(None,)]


def test_idle__keep_leaves_the_timer_running__when_answered(bot, user):
    leave_for(user, bot, 2 * HOUR)
    user.send_show(None)
    question(user, bot)
    reply = user.ask(bot.jid, "keep")
    assert re.fullmatch(r"Kept: acme runs on \(since %s, 5h 0[01]m\)\." % WHEN,
                        reply), reply
    assert bot.query("SELECT stop FROM entries") == [(None,)]
    assert bot.query("SELECT count(*) FROM idle_prompts") == [(0,)]
    assert user.ask(bot.jid, "keep").startswith(
        "No question about time away is open.")


def test_idle__break_and_keep_say_what_to_say__when_no_question_is_open(
        bot, user):
    running_acme(user, bot)
    assert user.ask(bot.jid, "break") == (
        "No question about time away is open. To pause the timer, say "
        "pause.")
    assert user.ask(bot.jid, "keep").startswith(
        "No question about time away is open.")


def test_idle__takes_the_idle_since__when_it_is_before_the_presence_change(
        bot, user):
    running_acme(user, bot)
    idle_from = int(bot.now()) - 20 * 60
    user.send_show("away", idle_since=idle_from)
    assert away_since(bot) == idle_from
    bot.advance_clock(2 * HOUR)
    user.send_show(None)
    m = question(user, bot)
    assert m.group(1).endswith(hm(bot, idle_from))
    assert user.ask(bot.jid, "stop").startswith("Stopped at")
    assert bot.query("SELECT stop FROM entries") == [(idle_from,)]


def test_idle__asks_nothing__when_away_shorter_than_idle_after(bot, user):
    leave_for(user, bot, 10 * 60)
    user.send_show(None)
    user.expect_silence(bot.jid, 1.5)
    assert bot.query("SELECT count(*) FROM user_away") == [(0,)]


def test_idle__asks_nothing_while_another_resource_is_available__then_when_it_leaves_too(
        bot, user, connect):
    phone = connect("alice", "phone")
    running_acme(user, bot)
    user.send_show("away")
    assert user.ask(bot.jid, "status")
    assert bot.query("SELECT count(*) FROM user_away") == [(0,)]
    bot.advance_clock(2 * HOUR)
    user.send_show(None)
    user.expect_silence(bot.jid, 1.0)
    phone.expect_silence(bot.jid, 0.1)
    assert bot.query("SELECT count(*) FROM idle_prompts") == [(0,)]
    # Both away: she left when the last of them went.
    user.send_show("away")
    assert user.ask(bot.jid, "status")
    phone.send_show("xa")
    left = away_since(bot)
    assert left >= int(bot.now()) - 5
    bot.advance_clock(HOUR)
    phone.send_show(None)
    m = question(phone, bot)
    assert m.group(1).endswith(hm(bot, left))
    assert m.group(2) in ("1h 00m", "1h 01m")


def test_idle__waits_while_back_as_dnd__then_asks_when_available(bot, user):
    leave_for(user, bot, 2 * HOUR)
    user.send_show("dnd")
    user.expect_silence(bot.jid, 1.5)
    user.send_show(None)
    question(user, bot)


def test_idle__still_asks__when_the_bot_restarts_while_the_user_is_away(
        bot, user):
    running_acme(user, bot)
    user.send_show("away")
    left = away_since(bot)
    bot.restart()
    bot.advance_clock(2 * HOUR)
    user.send_show(None)
    m = question(user, bot)
    assert m.group(1).endswith(hm(bot, left))


def test_idle__counts_offline_as_away__when_every_client_logs_out(
        bot, user, connect):
    running_acme(user, bot)
    user.disconnect()
    left = away_since(bot)
    bot.advance_clock(2 * HOUR)
    laptop = connect("alice", "laptop")
    m = question(laptop, bot)
    assert m.group(1).endswith(hm(bot, left))
    assert laptop.ask(bot.jid, "stop").startswith("Stopped at")
    assert bot.query("SELECT stop FROM entries") == [(left,)]


def test_idle__a_command_counts_as_here__when_the_presence_still_says_away(
        bot, user):
    leave_for(user, bot, 2 * HOUR)
    reply = user.ask(bot.jid, "status")
    assert reply.startswith("Running: acme"), reply
    assert QUESTION.fullmatch(reply.split("\n\n", 1)[1]), reply


def entry_stop(bot, want, timeout=10.0):
    """Waits until the one entry's stop is want; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        rows = bot.query("SELECT stop FROM entries")
        if rows == [(want,)]:
            return want
        assert time.monotonic() < deadline, rows
        time.sleep(0.05)


def test_idle__stops_the_timer_where_user_left_and_says_so_when_back__with_idle_action_stop(
        bot, user):
    reply = user.ask(bot.jid, "settings idle.action stop")
    assert reply.startswith("idle.action is now stop"), reply
    left = leave_for(user, bot, 2 * HOUR)
    # The bot's timed check stops it while she is still away, silently.
    entry_stop(bot, left)
    user.expect_silence(bot.jid, 0.5)
    user.send_show(None)
    body = user.next_message(bot.jid, what="the notice").body
    assert body == ("While you were away I stopped acme at %s (it ran "
                    "3h 00m). `undo` takes that back." % hm(bot, left)) \
        or re.fullmatch(r"While you were away I stopped acme at \w{3} "
                        r"\d{1,2} \w{3} %s \(it ran 3h 00m\)\. `undo` takes "
                        r"that back\." % hm(bot, left), body), body
    user.expect_silence(bot.jid, 0.5)
    # "away since 22:01", or with its day when the bot's clock has moved
    # into the next one since ("away since Mon 7 Dec 22:01").
    undone = user.ask(bot.jid, "undo")
    assert re.match(r"Undone: stop acme \(away since (?:\w{3} \d{1,2} "
                    r"\w{3} )?%s\)" % hm(bot, left), undone), undone
    assert bot.query("SELECT stop FROM entries") == [(None,)]


def test_idle__asks_only_after_the_users_idle_after__when_they_set_one(
        bot, user):
    reply = user.ask(bot.jid, "settings idle.after 30m")
    assert reply.startswith("idle.after is now 30m"), reply
    leave_for(user, bot, 20 * 60)
    user.send_show(None)
    user.expect_silence(bot.jid, 1.0)
    user.send_show("away")
    away_since(bot)
    bot.advance_clock(30 * 60)
    user.send_show(None)
    question(user, bot)
