"""Rounding and decimal hours through a real server: `settings rounding 15m
up` rounds every entry of a report (and says so in its heading), an entry
across midnight is rounded once per day, `settings hours decimal` shows
7.08-style hours, an export keeps the exact seconds beside the rounded
ones and names the rule, and `settings rounding none` is exact again.

Every entry is on fixed days in the past, in the bot's zone (UTC), so the
tests hold whatever the date, the time of day and the zone they run in.
"""

import csv
import io
import re

from test_delivery import read_inline

# Mon 5 Jan 2026: acme 7m and 31m, globex 15m (53m in all).
DAY = "2026-01-05"
DAY_SHOWN = "Mon 5 Jan 2026"


def squeezed(text):
    """text with every run of spaces (a table's padding) as one."""
    return re.sub(r" {2,}", " ", text)


def add_day(bot, alice):
    for body in ("add acme 9:00-9:07 %s" % DAY,
                 "add acme 10:00-10:31 %s" % DAY,
                 "add globex +call 11:00-11:15 %s" % DAY):
        assert alice.ask(bot.jid, body).startswith("Added #"), body


def export_rows(bot, alice, fmt="csv"):
    """The rows of `export csv DAY`, as a CSV reader reads them."""
    reply = alice.ask(bot.jid, "export %s %s" % (fmt, DAY))
    assert reply.startswith("Export of %s: " % DAY_SHOWN), reply
    _, parts = read_inline(alice, bot)
    text = "".join(p.body.split("\n", 1)[1] for p in parts)
    return list(csv.reader(io.StringIO(text, newline="")))


def test_report__rounds_each_entry_and_says_so__until_rounding_none(
        bot, alice):
    add_day(bot, alice)
    exact = alice.ask(bot.jid, "report %s" % DAY)
    assert squeezed(exact) == (
        "%s:\n```\nacme 38m\nglobex 15m\nTotal 53m\n```" % DAY_SHOWN)

    assert alice.ask(bot.jid, "settings rounding 15m up").startswith(
        "rounding is now 15m up: reports are rounded up to 15 min per "
        "entry")
    assert squeezed(alice.ask(bot.jid, "report %s" % DAY)) == (
        "%s, rounded up to 15 min per entry:\n```\nacme 1h 00m\n"
        "globex 15m\nTotal 1h 15m\n```" % DAY_SHOWN)
    # To the nearest: 7m is none, 31m is 30m.
    alice.ask(bot.jid, "settings rounding 15m nearest")
    assert squeezed(alice.ask(bot.jid, "report %s by tag" % DAY)) == (
        "%s, rounded to the nearest 15 min per entry:\n```\n+call 15m\n"
        "(no tag) 30m\nTotal 45m\n```" % DAY_SHOWN)
    listing = alice.ask(bot.jid, "settings")
    assert "\n  rounding 15m nearest\n" in listing, listing

    assert alice.ask(bot.jid, "settings rounding none").startswith(
        "rounding is now none: reports count every entry to the second")
    assert alice.ask(bot.jid, "report %s" % DAY) == exact
    assert bot.query("SELECT name, value FROM user_settings") == [
        ("rounding", "none")]


def test_report__rounds_an_entry_across_midnight_once_per_day(bot, alice):
    # Tue 6 Jan 23:50 to Wed 00:20: 10m and 20m, 15m and 30m rounded up.
    assert alice.ask(bot.jid, "add acme 23:50-00:20 2026-01-06").startswith(
        "Added #1 ")
    alice.ask(bot.jid, "settings rounding 15m up")
    assert squeezed(alice.ask(bot.jid, "report 2026-01-06..2026-01-07 by day")
                    ) == (
        "Tue 6 – Wed 7 Jan 2026, rounded up to 15 min per entry:\n```\n"
        "Tue 6 Jan 15m\nWed 7 Jan 30m\nTotal 45m\n```")
    assert squeezed(alice.ask(bot.jid, "report 2026-01-06..2026-01-07")) == (
        "Tue 6 – Wed 7 Jan 2026, rounded up to 15 min per entry:\n```\n"
        "acme 45m\nTotal 45m\n```\nPer day: Tue 6 15m, Wed 7 30m")


def test_report__shows_decimal_hours__after_settings_hours_decimal(
        bot, alice):
    assert alice.ask(bot.jid, "add acme 9:00-16:05 %s" % DAY).startswith(
        "Added #")
    assert alice.ask(bot.jid, "settings hours decimal").startswith(
        "hours is now decimal: reports show time in decimal hours, such as "
        "7.08 h")
    assert squeezed(alice.ask(bot.jid, "report %s" % DAY)) == (
        "%s:\n```\nacme 7.08 h\nTotal 7.08 h\n```" % DAY_SHOWN)
    alice.ask(bot.jid, "settings rounding 6m up")
    assert squeezed(alice.ask(bot.jid, "report %s" % DAY)) == (
        "%s, rounded up to 6 min per entry:\n```\nacme 7.10 h\n"
        "Total 7.10 h\n```" % DAY_SHOWN)
    alice.ask(bot.jid, "settings hours default")
    assert "Total 7h 06m" in squeezed(alice.ask(bot.jid, "report %s" % DAY))


def test_export__keeps_the_exact_seconds_beside_the_rounded_ones(bot, alice):
    add_day(bot, alice)
    rows = export_rows(bot, alice)
    assert rows[0][6:] == ["duration_seconds", "duration_hours",
                           "breaks_seconds", "rounded_seconds",
                           "rounded_hours", "rounding", "billable", "rate",
                           "currency", "amount"], rows[0]
    assert [r[6:] for r in rows[1:]] == [
        ["420", "0.12", "0", "420", "0.12", "none", "false", "", "", ""],
        ["1860", "0.52", "0", "1860", "0.52", "none", "false", "", "", ""],
        ["900", "0.25", "0", "900", "0.25", "none", "false", "", "", ""]], \
        rows

    alice.ask(bot.jid, "settings rounding 15m up")
    rows = export_rows(bot, alice)
    assert [r[6:12] for r in rows[1:]] == [
        ["420", "0.12", "0", "900", "0.25", "15m up"],
        ["1860", "0.52", "0", "2700", "0.75", "15m up"],
        ["900", "0.25", "0", "900", "0.25", "15m up"]], rows
