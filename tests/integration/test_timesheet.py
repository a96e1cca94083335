"""timesheet, chart and export timesheet through a real Prosody: the
table of a week with its totals both ways, a month as weekly tables, the
CSV file, the chart's bars by day and by project, and a word that is
neither a period nor a project.

Entries lie on fixed past days (2025-06-02 is a Monday), and every
command names its period, so the tests do not depend on the time, day or
zone they run in. The shared server has no HTTP upload, so an exported
file comes inline, after the reply that describes it.
"""

import csv
import io
import re

WEEK = "2025-06-02..2025-06-08"
MONTH = "2025-06-01..2025-06-30"
PART = re.compile(r"\((\d+)/(\d+)\) ([^\n]+)\n")
FULL = "\u2588"


def add(client, bot, *bodies):
    for body in bodies:
        reply = client.ask(bot.jid, body)
        assert reply.startswith("Added #"), (body, reply)


def block(reply):
    """The lines of the reply's preformatted block."""
    return reply.split("```")[1].strip("\n").split("\n")


def two_projects(alice, bot):
    add(alice, bot,
        "add acme 9:00-12:00 2025-06-02",
        "add acme 13:00-17:05 2025-06-03",
        "add globex 9:00-10:30 2025-06-03",
        "add globex 22:00-01:00 2025-06-05")


def test_timesheet__two_projects_over_a_week__shows_cells_and_totals(
        bot, alice):
    two_projects(alice, bot)
    reply = alice.ask(bot.jid, "timesheet %s" % WEEK)
    assert reply.startswith("Mon 2 – Sun 8 Jun 2025:\n```\n"), reply
    assert block(reply) == [
        "  Mo   Tu   We   Th   Fr   Sa   Su Total",
        "   2    3    4    5    6    7    8",
        "acme",
        "3:00 4:05    ·    ·    ·    ·    ·  7:05",
        "globex",
        "   · 1:30    · 2:00 1:00    ·    ·  4:30",
        "Total",
        "3:00 5:35    · 2:00 1:00    ·    · 11:35",
    ], reply
    for line in block(reply):
        assert len(line) <= 40, line
    only = alice.ask(bot.jid, "timesheet %s globex" % WEEK)
    assert "acme" not in only and "globex" in only, only


def test_timesheet__a_month__comes_as_weekly_tables_and_a_grand_total(
        bot, alice):
    two_projects(alice, bot)
    add(alice, bot, "add acme 9:00-10:00 2025-06-30")
    reply = alice.ask(bot.jid, "timesheet %s" % MONTH)
    lines = block(reply)
    # June 2025 begins on a Sunday and ends on a Monday: six weeks.
    weeks = [line for line in lines if " – " in line]
    assert weeks == ["Sun 1 Jun – Sun 1 Jun", "Mon 2 Jun – Sun 8 Jun",
                     "Mon 9 Jun – Sun 15 Jun", "Mon 16 Jun – Sun 22 Jun",
                     "Mon 23 Jun – Sun 29 Jun", "Mon 30 Jun – Mon 30 Jun"], \
        reply
    last = lines[lines.index("Mon 30 Jun – Mon 30 Jun"):]
    assert last == ["Mon 30 Jun – Mon 30 Jun", "  Mo Total", "  30",
                    "acme", "1:00  1:00", "Total", "1:00  1:00"], reply
    assert reply.endswith("```\nTotal 12h 35m: acme 8h 05m, "
                          "globex 4h 30m"), reply


def test_export_timesheet_csv__arrives_as_a_file__with_a_row_per_project(
        bot, alice):
    two_projects(alice, bot)
    reply = alice.ask(bot.jid, "export timesheet csv %s" % WEEK)
    assert reply == ("Timesheet of Mon 2 – Sun 8 Jun 2025: 2 projects over "
                     "7 days as timmy-timesheet-2025-06-02_2025-06-08.csv."), \
        reply
    body = alice.next_message(bot.jid, timeout=15, what="inline part").body
    m = PART.match(body)
    assert m and m.group(1) == m.group(2) == "1", body
    assert m.group(3) == "timmy-timesheet-2025-06-02_2025-06-08.csv", body
    rows = list(csv.reader(io.StringIO(body[m.end():])))
    assert rows == [
        ["project", "2025-06-02", "2025-06-03", "2025-06-04", "2025-06-05",
         "2025-06-06", "2025-06-07", "2025-06-08", "total"],
        ["acme", "3.00", "4.08", "0.00", "0.00", "0.00", "0.00", "0.00",
         "7.08"],
        ["globex", "0.00", "1.50", "0.00", "2.00", "1.00", "0.00", "0.00",
         "4.50"],
        ["Total", "3.00", "5.58", "0.00", "2.00", "1.00", "0.00", "0.00",
         "11.58"],
    ], body


def bar_cells(line):
    """The bar of a chart line in eighths of a cell."""
    eighths = {"\u258f": 1, "\u258e": 2, "\u258d": 3, "\u258c": 4,
               "\u258b": 5, "\u258a": 6, "\u2589": 7, FULL: 8}
    return sum(eighths.get(c, 0) for c in line)


def test_chart__bars_per_day_and_per_project__are_proportional(bot, alice):
    two_projects(alice, bot)
    reply = alice.ask(bot.jid, "chart %s" % WEEK)
    lines = block(reply)
    assert [line[:5] for line in lines] == ["Mo  2", "Tu  3", "We  4",
                                            "Th  5", "Fr  6", "Sa  7",
                                            "Su  8"], reply
    # Tuesday, the longest day (5h 35m), fills the bar: 20 cells.
    assert lines[1] == "Tu  3 " + FULL * 20 + " 5h 35m", reply
    assert bar_cells(lines[1]) == 160
    # Monday 3h 00m: 3/5.58 of it, to an eighth.
    assert bar_cells(lines[0]) == round(160 * 180 / 335), reply
    assert lines[2].endswith("–") and bar_cells(lines[2]) == 0, reply
    assert reply.endswith("```\nTotal 11h 35m"), reply

    reply = alice.ask(bot.jid, "chart %s by project" % WEEK)
    lines = block(reply)
    assert lines[0] == "acme   " + FULL * 20 + " 7h 05m", reply
    assert lines[1].startswith("globex ") and lines[1].endswith(" 4h 30m")
    assert bar_cells(lines[1]) == round(160 * 270 / 425), reply


def test_timesheet_and_chart__unknown_word__say_what_they_take(bot, alice):
    two_projects(alice, bot)
    reply = alice.ask(bot.jid, "timesheet fortnight")
    assert reply.startswith('"fortnight" is neither a period nor one of '
                            'your projects.'), reply
    reply = alice.ask(bot.jid, "chart %s by colour" % WEEK)
    assert reply.startswith("Group by day, by project or by tag."), reply
    reply = alice.ask(bot.jid, "export timesheet json %s" % WEEK)
    assert reply.startswith("A timesheet comes as csv or ical."), reply
