"""The per-day rollup of reports through the real bot: the changes a user
makes in chat (add, edit, tags, breaks, delete, undo, start, pause,
resume, stop) keep it equal to the entries, which `timmy check` verifies
beside the running bot, and the reports right; a rollup row that differs
makes `timmy check` fail naming the user, and `timmy check --repair`
rebuilds it.

Entries lie on fixed past days (2025-06-02 is a Monday); live timers use
"30m ago", which holds at any hour.
"""

import re
import sqlite3

import pytest

from harness import run_timmy

ALICE = "alice@localhost"
MON = "2025-06-02"
TUE = "2025-06-03"
WEEK = "2025-06-02..2025-06-08"


def ask(client, bot, body, pattern):
    reply = client.ask(bot.jid, body)
    assert re.match(pattern, reply), (body, reply)
    return reply


def table(reply):
    """The lines of the preformatted block of a report."""
    return reply.split("```")[1].strip("\n").split("\n")


def check(bot, timmy_bin, *extra):
    return run_timmy(["check", "-c", bot.config_path] + list(extra),
                     binary=timmy_bin)


def expect_check_ok(bot, timmy_bin):
    r = check(bot, timmy_bin)
    assert r.returncode == 0, r.stderr


def rolled_seconds(bot):
    return bot.query("SELECT coalesce(sum(secs), 0) FROM rollup_projects")[0][0]


def test_rollup__stays_equal_to_the_entries__through_every_kind_of_change(
        bot, alice, timmy_bin):
    ask(alice, bot, "add acme +design 9:00-12:00 %s" % MON, r"Added #1")
    ask(alice, bot, "add Globex 22:00-01:00 %s" % MON, r"Added #2")
    ask(alice, bot, "add ACME 14:00-15:00 %s" % TUE, r"Added #3")
    assert rolled_seconds(bot) == (3 + 3 + 1) * 3600
    ask(alice, bot, "edit 1 break 10:00-10:30", r".*#1")
    ask(alice, bot, "edit 3 +review start %s 13:30" % TUE, r".*#3")
    assert rolled_seconds(bot) == (2.5 + 3 + 1.5) * 3600
    expect_check_ok(bot, timmy_bin)
    ask(alice, bot, "delete 3", r".*#3")
    assert rolled_seconds(bot) == (2.5 + 3) * 3600
    expect_check_ok(bot, timmy_bin)
    ask(alice, bot, "undo", r"Undone: delete")
    assert rolled_seconds(bot) == (2.5 + 3 + 1.5) * 3600
    expect_check_ok(bot, timmy_bin)

    assert table(alice.ask(bot.jid, "report %s" % WEEK)) == [
        "acme     4h 00m",
        "Globex   3h 00m",
        "Total    7h 00m",
    ]
    assert table(alice.ask(bot.jid, "report %s by tag" % WEEK)) == [
        "+design    2h 30m",
        "+review    1h 30m",
        "(no tag)   3h 00m",
        "Total      7h 00m",
    ]
    assert table(alice.ask(bot.jid, "report %s by day" % WEEK))[:2] == [
        "Mon 2 Jun   4h 30m",
        "Tue 3 Jun   2h 30m",
    ]
    # A live timer: never in the rollup while it runs, in it once stopped.
    ask(alice, bot, "start hooli 30m ago", r"Started hooli")
    ask(alice, bot, "pause 20m ago", r"Paused hooli")
    ask(alice, bot, "resume 10m ago", r"Resumed hooli")
    assert rolled_seconds(bot) == 7 * 3600
    ask(alice, bot, "stop", r"Stopped hooli after 20m of work")
    assert rolled_seconds(bot) == 7 * 3600 + 20 * 60
    report = alice.ask(bot.jid, "report yesterday..today")
    assert re.search(r"\nhooli +20m\n", report), report
    expect_check_ok(bot, timmy_bin)


@pytest.mark.sqlite_only("spoils the rollup with SQLite's own connection")
def test_check__names_the_user_and_repair_rebuilds__when_the_rollup_differs(
        bot, alice, timmy_bin):
    ask(alice, bot, "add acme 9:00-12:00 %s" % MON, r"Added #1")
    expect_check_ok(bot, timmy_bin)
    with sqlite3.connect(bot.db_path) as db:
        db.execute("UPDATE rollup_projects SET secs = secs + 60")
    r = check(bot, timmy_bin)
    assert r.returncode == 1, r.stderr
    assert ALICE in r.stderr and MON in r.stderr and "acme" in r.stderr, \
        r.stderr
    r = check(bot, timmy_bin, "--repair")
    assert r.returncode == 0, r.stderr
    assert "rollup rebuilt" in r.stdout, r.stdout
    expect_check_ok(bot, timmy_bin)
    assert rolled_seconds(bot) == 3 * 3600
