"""The running timer in the contact list under load: at most one status
presence per user per second. The first change after a quiet spell shows
at once; the changes within the next second only mark the user, whose one
status goes out at the end of that second with the timer of that moment,
so the last presence always shows the last timer (bot/statuswindow.h).

Each test takes a few seconds: one window and a margin.
"""

import re
import signal
import time

import pytest

from conftest import ALLOWED
from test_roster_status import IDLE, WHEN, statuses, subscribe, wait_status

# The window of bot/statuswindow.h, and how late its status may come: the
# flush looks every 100 ms; the rest is a margin for a loaded machine.
WINDOW = 1.0
LATE = 3.0


def quiet(client, bot):
    """Subscribes client and lets a whole window pass without a change."""
    subscribe(client, bot)
    time.sleep(WINDOW + 0.2)


def burst(client, bot, commands):
    """Sends commands without waiting, then waits for their replies, in
    order; returns the replies."""
    for c in commands:
        client.send(bot.jid, c)
    return [client.next_message(bot.jid, what="reply to %r" % c).body
            for c in commands]


def settle(client, bot, pattern, since):
    """Waits for the status matching pattern, then a window and a margin
    more, so that a late presence would be seen; returns every status
    since."""
    wait_status(client, bot, pattern, since, timeout=LATE + 5)
    time.sleep(WINDOW + 0.5)
    return statuses(client, bot, since)


def test_status__goes_out_a_few_times_with_the_final_timer__after_a_burst_of_changes(
        bot, alice):
    quiet(alice, bot)
    since = time.monotonic()
    # "cancel": a timer started a moment ago has nothing to stop yet.
    commands = ["start acme", "cancel"] * 10 + ["start globex"]
    replies = burst(alice, bot, commands)
    assert all(r.startswith("Started acme") for r in replies[0:20:2]), replies
    assert all(r.startswith("Cancelled acme") for r in replies[1:20:2]), \
        replies
    assert replies[-1].startswith("Started globex"), replies
    got = settle(alice, bot, re.escape("globex since ") + WHEN, since)
    # 21 changes: the first at once, the rest within its window, sent
    # once at its end (one more window if the bot was slow to get
    # through them). One presence per change would be 21.
    assert 1 <= len(got) <= 4, got
    assert re.fullmatch(re.escape("globex since ") + WHEN, got[-1]), got
    # Nothing else came for the burst: a reply per command, no chat
    # states or receipts in between.
    assert alice.unread(bot.jid) == []


def test_status__shows_no_timer_last__when_a_burst_ends_with_stop(bot, alice):
    quiet(alice, bot)
    since = time.monotonic()
    # Begun a while ago, so that stop has time to record.
    replies = burst(alice, bot, ["start acme", "cancel"] * 5 +
                    ["start acme 5m ago", "stop"])
    assert replies[-1].startswith("Stopped acme"), replies
    # The status may have gone to "acme since" at once; the last one
    # says no timer runs.
    got = settle(alice, bot, re.escape(IDLE), since)
    assert len(got) <= 3, got
    assert got[-1] == IDLE, got


def test_status__goes_out_at_once__when_one_change_follows_a_quiet_spell(
        bot, alice):
    quiet(alice, bot)
    since = time.monotonic()
    assert alice.ask(bot.jid, "start acme 5m ago").startswith("Started acme")
    replied = time.monotonic()
    status = wait_status(alice, bot, re.escape("acme since ") + WHEN, since,
                         timeout=LATE)
    arrived = alice.presences_from(bot.full_jid, "available", since)[0].at
    # Not held for the window: the bot sends it right after the reply.
    assert arrived - replied < WINDOW / 2, (status, arrived - replied)
    # A stop after another quiet spell: at once too.
    time.sleep(WINDOW + 0.2)
    since = time.monotonic()
    assert alice.ask(bot.jid, "stop").startswith("Stopped acme")
    replied = time.monotonic()
    wait_status(alice, bot, re.escape(IDLE), since, timeout=LATE)
    arrived = alice.presences_from(bot.full_jid, "available", since)[0].at
    assert arrived - replied < WINDOW / 2, arrived - replied


def test_status__owed_is_not_sent__when_the_user_left_access_at_sighup(
        bot, alice, server):
    quiet(alice, bot)
    since = time.monotonic()
    assert alice.ask(bot.jid, "start acme").startswith("Started acme")
    wait_status(alice, bot, re.escape("acme since ") + WHEN, since,
                timeout=LATE)
    shown = time.monotonic()
    # Within the window: owed, not sent yet.
    assert alice.ask(bot.jid, "cancel").startswith("Cancelled acme")
    bot.write_config(allow=[server.jid(u) for u in ALLOWED if u != "alice"])
    bot.signal(signal.SIGHUP)
    bot.wait_log("unsubscribed alice@localhost")
    if time.monotonic() - shown > WINDOW * 0.8:
        pytest.skip("the machine took most of the window to get here")
    time.sleep(WINDOW + 0.5)
    # The bot ended the subscription; the owed "No timer running" went
    # nowhere.
    assert IDLE not in statuses(alice, bot, since), \
        statuses(alice, bot, since)


def test_status__shows_the_final_timer_after_login__when_the_bot_left_within_the_window(
        bot, alice):
    quiet(alice, bot)
    since = time.monotonic()
    replies = burst(alice, bot, ["start acme", "cancel", "start globex"])
    assert replies[-1].startswith("Started globex"), replies
    # Gone before the window ended: the owed status went with it. The
    # next login sends every status afresh, with the final timer.
    bot.restart()
    got = settle(alice, bot, re.escape("globex since ") + WHEN, since)
    assert re.fullmatch(re.escape("globex since ") + WHEN, got[-1]), got
