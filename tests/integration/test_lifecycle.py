"""Starting and stopping timmy: readiness, signals, data across restarts."""

import signal
import time

import pytest


def test_bot__keeps_running_timer__across_restart(bot, alice):
    assert alice.ask(bot.jid, "start acme +design").startswith(
        "Started acme +design at ")
    assert bot.stop() == 0
    bot.start()
    reply = alice.ask(bot.jid, "status")
    assert reply.startswith("Running: acme +design since "), reply


def test_bot__logs_its_full_jid__when_online(bot):
    line = bot.wait_log("online as ", timeout=1)
    assert line.endswith("info: online as timmy@localhost/timmy"), line


@pytest.mark.sqlite_only("checks the SQLite file with PRAGMA integrity_check")
def test_bot__goes_offline_and_exits_zero__on_sigterm(bot, dave):
    dave.subscribe(bot.jid)
    dave.wait_presence(bot.jid, "subscribed")
    dave.wait_presence(bot.full_jid, "available")
    since = time.monotonic()
    assert bot.stop() == 0
    p = dave.wait_presence(bot.full_jid, "unavailable", since=since, timeout=5)
    assert p.from_ == bot.full_jid
    assert bot.query("PRAGMA integrity_check") == [("ok",)]


def test_bot__exits_zero__on_sigint(bot, alice):
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    bot.signal(signal.SIGINT)
    assert bot.wait(timeout=10) == 0
