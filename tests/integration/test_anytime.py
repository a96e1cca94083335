"""One clock for the whole run: the tests', Prosody's and the bot's agree,
to the second, also when `make test-anytime` fakes it
(tests/harness/anytime.sh). Were libfaketime to miss one of them, every
other test would compare two different days without knowing it. And what
happens at midnight, with the bot's clock alone set just before it.
"""

import os
import re
import time
from datetime import datetime, timezone

import pytest

from conftest import ALLOWED, stop_and_judge
from harness import TICK, Bot, ahead_env, wall_now


def utc(t):
    return datetime.fromtimestamp(t, timezone.utc)


def test_clock__tests_read_the_moment_the_run_is_set_to():
    precise = time.time()
    coarse = wall_now()
    after = time.time()
    # The coarse clock (what time(2) reads) is the same clock, a tick late
    # at most: faked as much as the precise one, or not at all.
    assert precise - TICK - 0.05 <= coarse <= after, (precise, coarse)
    moment = os.environ.get("TIMMY_ANYTIME_EPOCH")
    if moment is not None:
        # Within the hours a run takes, from the moment it was set to.
        assert 0 <= precise - int(moment) < 4 * 3600, (
            utc(precise), utc(int(moment)))


def test_clock__bot_reads_the_tests_day_and_time(bot, alice):
    t0 = wall_now()
    zone = alice.ask(bot.jid, "tz")
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    log = alice.ask(bot.jid, "log").split("\n")[0]
    t1 = time.time()
    m = re.fullmatch(r"Your time zone is UTC \(the default\); it is "
                     r"(\d{2}:\d{2}) there\. Change it with: tz Europe/Berlin",
                     zone)
    assert m and m.group(1) in {utc(t).strftime("%H:%M") for t in (t0, t1)}, (
        zone, utc(t0))
    days = {"Today, %s %d %s:" % (utc(t).strftime("%a"), utc(t).day,
                                  utc(t).strftime("%b %Y")) for t in (t0, t1)}
    assert log in days, (log, days)


def test_clock__server_stamps_offline_commands_by_the_tests_clock(bot, alice):
    assert bot.stop() == 0
    # Prosody stamps the message (XEP-0203) as it stores it for the bot,
    # and the bot counts the command at that stamp.
    sent = wall_now()
    alice.send(bot.jid, "start acme")
    time.sleep(2.2)
    bot.start()
    reply = alice.next_message(bot.jid, timeout=10).body
    t1 = time.time()
    assert reply.startswith("Started acme at "), reply
    assert "while I was offline" in reply, reply
    [(start,)] = bot.query("SELECT start FROM entries")
    # Not the time the bot came back, 2 s later.
    assert int(sent) <= start <= int(sent) + 1, (utc(start), utc(sent))
    assert start < int(t1) - 1


@pytest.mark.skipif(ahead_env(0) is None, reason="libfaketime is missing")
def test_log__lists_a_timer_started_in_the_days_first_second(server,
                                                            timmy_bin, alice):
    # The bot's clock alone is set to 10 s before the next midnight UTC.
    now = time.time()
    midnight = (int(now) // 86400 + 1) * 86400
    ahead = midnight - 10 - int(now)
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin,
            env=ahead_env(ahead))
    try:
        b.start()
        # Until the bot's clock is a tick into the new day: the two
        # commands then have the rest of its first second.
        time.sleep(max(0.0, midnight - ahead - time.time()) + TICK + 0.05)
        assert alice.ask(b.jid, "start acme") == "Started acme at 00:00."
        log = alice.ask(b.jid, "log")
        t1 = time.time() + ahead
        assert int(t1) == midnight, "the commands took more than a second"
        day = utc(midnight)
        assert log == "\n".join([
            "Today, %s %d %s:" % (day.strftime("%a"), day.day,
                                  day.strftime("%b %Y")),
            "#1    00:00–now        0m  acme",
            "1 entry, 0m in this period."]), log
        stop_and_judge(b)
    finally:
        b.close()
