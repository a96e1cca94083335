"""Nudges through the real server: the messages the bot sends unasked
(commands/nudge.h), from its event loop, at the bot's wall clock, which
these tests move (Bot(..., test_clock=True)) instead of waiting hours.
While the clock is moved the bot looks for due nudges every 200 ms.

Each nudge goes once: it is recorded in the database in the transaction
that decides to send it, so a restart of the bot sends none again.
"""

import calendar
import re
import signal
import time
from datetime import datetime, timezone

# user: alice, sharing her presence with the bot (so that it sees dnd and
# away), and no longer after the test.
from harness.bot import config_text
from test_idle import QUESTION, away_since, user  # noqa: F401 (a fixture)

# The bot fixture's clock is one the tests move (conftest.py).
BOT_TEST_CLOCK = True

# How long a test listens for a nudge that must not come: many ticks.
QUIET = 2.0

STILL_ON_IT = (r"acme has been running for %s\. Still on it\? "
               r"\(stop to end it, snooze 1h to hear nothing for an hour\)")
NINE_HOURS = r"9h(?: 0\dm)?"
NOTHING_YET = ("Nothing tracked yet today. start PROJECT when you begin "
               "(snooze 1h, or reminders off).")


def utc(*fields):
    """The epoch second of a UTC date and time."""
    return calendar.timegm(datetime(*fields).timetuple())


def hm_after(bot, seconds):
    """The bot's clock time (UTC, the bot's zone) at least seconds - 60 and
    at most seconds from its now, as HH:MM: a whole minute ahead."""
    t = int(bot.now() + seconds) // 60 * 60
    return datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M")


def nudges(bot):
    return bot.query("SELECT kind FROM nudges_sent ORDER BY at")


def test_running_over__asks_once_after_9h__and_not_again_after_a_restart(
        bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    alice.expect_silence(bot.jid, QUIET)
    bot.advance_clock(9 * 3600 - 120)
    alice.expect_silence(bot.jid, QUIET)
    bot.advance_clock(120)
    body = alice.next_message(bot.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT % NINE_HOURS, body), body
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == [("running_over",)]

    # Restarted, and hours later: the entry still runs, but it was said.
    bot.restart()
    bot.advance_clock(3 * 3600)
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == [("running_over",)]
    # The timer itself is as it was.
    assert alice.ask(bot.jid, "status").startswith("Running: acme since ")


def test_running_over__comes_after_login__when_due_while_the_bot_was_down(
        bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    assert bot.stop() == 0
    bot.advance_clock(9 * 3600 + 5)
    bot.start()
    body = alice.next_message(bot.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT % NINE_HOURS, body), body
    alice.expect_silence(bot.jid, QUIET)


def test_running_over__says_nothing__when_stopped_while_the_bot_was_down(
        bot, alice):
    assert alice.ask(bot.jid, "start acme 1h ago").startswith("Started acme")
    assert bot.stop() == 0
    # Kept by the server, handled after login, before any nudge.
    alice.send(bot.jid, "stop")
    bot.advance_clock(10 * 3600)
    bot.start()
    reply = alice.next_message(bot.jid, timeout=10).body
    assert reply.startswith("Stopped acme after "), reply
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == []


def test_running_over__says_nothing__for_a_timer_stopped_in_time(bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    bot.advance_clock(8 * 3600)
    assert alice.ask(bot.jid, "stop").startswith("Stopped acme after 8h")
    bot.advance_clock(2 * 3600)
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == []


def test_running_over__waits_while_snoozed__and_comes_when_the_snooze_ends(
        bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    bot.advance_clock(8 * 3600 + 1800)
    assert alice.ask(bot.jid, "snooze 1h").startswith("No reminders until ")
    bot.advance_clock(1800 + 60)
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == []
    bot.advance_clock(1800)
    body = alice.next_message(bot.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT % r"9h 3\dm", body), body


def test_reminders_off__keeps_every_nudge_back(bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    alice.ask(bot.jid, "reminders off")
    bot.advance_clock(10 * 3600)
    alice.expect_silence(bot.jid, QUIET)
    alice.ask(bot.jid, "reminders on")
    body = alice.next_message(bot.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT % r"10h(?: 0\dm)?", body), body


def test_start_by__says_nothing_tracked__once_on_a_working_day(bot, alice):
    # Wednesday 4 June 2025, 10:00 UTC: a working day, in work hours.
    bot.set_clock(utc(2025, 6, 4, 10, 0, 0) - time.time())
    at = hm_after(bot, 120)
    assert alice.ask(bot.jid, "settings reminders.start_by %s" % at)
    alice.expect_silence(bot.jid, QUIET)
    bot.advance_clock(180)
    assert alice.next_message(bot.jid, timeout=10).body == NOTHING_YET
    alice.expect_silence(bot.jid, QUIET)
    # Not on a day with something tracked (Thursday); again on the next
    # working day without (Friday).
    bot.advance_clock(24 * 3600 - 40 * 60)
    assert alice.ask(bot.jid, "add acme 8:00-9:00").startswith("Added #1 acme ")
    bot.advance_clock(40 * 60)
    alice.expect_silence(bot.jid, QUIET)
    bot.advance_clock(24 * 3600)
    assert alice.next_message(bot.jid, timeout=10).body == NOTHING_YET
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == [("start_by",), ("start_by",)]


def test_start_by__in_bot_yaml__reaches_users_without_settings_of_their_own(
        bot, alice):
    # Wednesday 4 June 2025, 10:00 UTC. Alice has written before, and set
    # nothing herself.
    bot.set_clock(utc(2025, 6, 4, 10, 0, 0) - time.time())
    assert alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02")
    bot.write_config(text=config_text(**bot.settings) + (
        "reminders:\n  start_by: \"%s\"\n" % hm_after(bot, 120)))
    bot.signal(signal.SIGHUP)
    bot.wait_log("configuration reloaded")
    alice.expect_silence(bot.jid, QUIET)
    bot.advance_clock(180)
    assert alice.next_message(bot.jid, timeout=10).body == NOTHING_YET
    alice.expect_silence(bot.jid, QUIET)


def test_digest__sends_yesterdays_totals__at_its_time(bot, alice):
    # Tuesday 3 June 2025, 10:00 UTC; Monday has 7h 40m on two projects.
    bot.set_clock(utc(2025, 6, 3, 10, 0, 0) - time.time())
    assert alice.ask(bot.jid, "add internal 8:00-10:30 2025-06-02")
    assert alice.ask(bot.jid, "add acme 11:00-16:10 2025-06-02")
    at = hm_after(bot, 120)
    assert alice.ask(bot.jid, "settings reminders.digest daily %s" % at)
    # The one due yesterday (about Friday) was not asked for then: the
    # first comes at its time today.
    alice.expect_silence(bot.jid, QUIET)
    bot.advance_clock(180)
    assert alice.next_message(bot.jid, timeout=10).body == (
        "Yesterday: 7h 40m (acme 5h 10m, internal 2h 30m)")
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == [("digest",)]
    # Wednesday's, waiting for the user until Thursday morning, names
    # Tuesday.
    bot.advance_clock(2 * 24 * 3600 - 3600)
    assert alice.next_message(bot.jid, timeout=10).body == (
        "Tuesday: nothing tracked.")
    alice.expect_silence(bot.jid, QUIET)


def test_running_over__waits_while_dnd__and_comes_when_available_again(
        bot, user):
    alice = user
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    alice.send_show("dnd")
    # The bot has the dnd before this reply.
    assert alice.ask(bot.jid, "status").startswith("Running: acme")
    bot.advance_clock(9 * 3600 + 60)
    alice.expect_silence(bot.jid, QUIET)
    assert nudges(bot) == []
    alice.send_show(None)
    body = alice.next_message(bot.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT % NINE_HOURS, body), body
    alice.expect_silence(bot.jid, QUIET)


def test_running_over__leaves_the_word_to_the_forgotten_timer_question(
        bot, user):
    alice = user
    # Begun before the user left: a forgotten timer.
    assert alice.ask(bot.jid, "start acme 1h ago").startswith("Started acme")
    alice.send_show("away")
    away_since(bot)
    # Away past running_over: no nudge while away...
    bot.advance_clock(10 * 3600)
    alice.expect_silence(bot.jid, QUIET)
    # ...and back, the question about the time away, and nothing else.
    alice.send_show(None)
    body = alice.next_message(bot.jid, timeout=10).body
    assert QUESTION.fullmatch(body), body
    alice.expect_silence(bot.jid, QUIET)
