"""Nudges through the real server: the messages the bot sends unasked
(commands/nudge.h), from its event loop, at the bot's wall clock, which
these tests move (Bot(..., test_clock=True)) instead of waiting hours.
While the clock is moved the bot looks for due nudges every 200 ms.

Each nudge goes once: it is recorded in the database in the transaction
that decides to send it, so a restart of the bot sends none again.
"""

import re

import pytest

from conftest import ALLOWED, stop_and_judge
from harness import Bot

# How long a test listens for a nudge that must not come: many ticks.
QUIET = 2.0

STILL_ON_IT = (r"acme has been running for 9h(?: 0\dm)?\. Still on it\? "
               r"\(stop to end it, snooze 1h to hear nothing for an hour\)")


@pytest.fixture
def clocked(server, timmy_bin, request):
    """The bot, online, with a fresh database and a clock the test moves;
    stopped and judged after the test."""
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin,
            test_clock=True)
    request.node.timmy_bot = b
    try:
        b.start()
        yield b
        stop_and_judge(b)
    finally:
        b.close()


def nudges(bot):
    return bot.query("SELECT kind FROM nudges_sent ORDER BY at")


def test_running_over__asks_once_after_9h__and_not_again_after_a_restart(
        clocked, alice):
    b = clocked
    assert alice.ask(b.jid, "start acme").startswith("Started acme at ")
    alice.expect_silence(b.jid, QUIET)
    b.advance_clock(9 * 3600 - 120)
    alice.expect_silence(b.jid, QUIET)
    b.advance_clock(120)
    body = alice.next_message(b.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT, body), body
    alice.expect_silence(b.jid, QUIET)
    assert nudges(b) == [("running_over",)]

    # Restarted, and hours later: the entry still runs, but it was said.
    b.restart()
    b.advance_clock(3 * 3600)
    alice.expect_silence(b.jid, QUIET)
    assert nudges(b) == [("running_over",)]
    # The timer itself is as it was.
    assert alice.ask(b.jid, "status").startswith("Running: acme since ")


def test_running_over__comes_after_login__when_due_while_the_bot_was_down(
        clocked, alice):
    b = clocked
    assert alice.ask(b.jid, "start acme").startswith("Started acme at ")
    assert b.stop() == 0
    b.advance_clock(9 * 3600 + 5)
    b.start()
    body = alice.next_message(b.jid, timeout=10).body
    assert re.fullmatch(STILL_ON_IT, body), body
    alice.expect_silence(b.jid, QUIET)


def test_running_over__says_nothing__for_a_timer_stopped_in_time(clocked,
                                                                alice):
    b = clocked
    assert alice.ask(b.jid, "start acme").startswith("Started acme at ")
    b.advance_clock(8 * 3600)
    assert alice.ask(b.jid, "stop").startswith("Stopped acme after 8h")
    b.advance_clock(2 * 3600)
    alice.expect_silence(b.jid, QUIET)
    assert nudges(b) == []
