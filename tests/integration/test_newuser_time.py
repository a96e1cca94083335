"""Times as a new user writes and reads them, through the real server: a log
row of an entry that began on another day, weekday ranges and weekdays with
a clock, an unreadable word after the project, the "note" keyword in add and
start, and clock times that a DST gap moves.

Every test holds at any hour and date: it uses fixed days in 2025, or works
out the expected days from the bot's now in the zone it set (UTC, or a zone
where it is just past noon: see test_commands.noon_zone).
"""

import re
import time
from datetime import datetime, timedelta, timezone

from harness import wall_now
from test_commands import (day_shown, days_long, entries, local,
                           use_noon_zone)

NY_GAP = ("does not exist on Sun 9 Mar 2025 in America/New_York (clocks "
          "went forward)")


def this_week(t):
    """The Monday and Sunday of the week (Monday first) that holds epoch t,
    in UTC."""
    d = datetime.fromtimestamp(t, timezone.utc).date()
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def test_log__shows_the_start_day__when_entry_began_on_an_earlier_day(
        bot, alice):
    assert alice.ask(bot.jid, "add globex 22:00-01:00 2025-06-07") == (
        "Added #1 globex Sat 7 Jun 22:00–Sun 8 Jun 01:00 (3h 00m).")
    alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-08")
    # One day: Saturday night's entry names Saturday; the rows line up.
    assert alice.ask(bot.jid, "log 2025-06-08") == (
        "Sun 8 Jun 2025:\n"
        "#1    Sat 22:00–01:00  3h 00m  globex\n"
        "#2        09:00–10:00  1h 00m  acme\n"
        "2 entries, 2h 00m in this period.")
    # Seen from Saturday, it ends on a later day.
    assert alice.ask(bot.jid, "log 2025-06-07") == (
        "Sat 7 Jun 2025:\n"
        "#1    22:00–Sun 01:00  3h 00m  globex\n"
        "1 entry, 2h 00m in this period.")
    # Several days, grouped by the day each began; aligned across days.
    assert alice.ask(bot.jid, "log 2025-06-07..2025-06-08") == (
        "Sat 7 – Sun 8 Jun 2025:\n"
        "Sat 7 Jun\n"
        "#1    22:00–Sun 01:00  3h 00m  globex\n"
        "Sun 8 Jun\n"
        "#2    09:00–10:00      1h 00m  acme\n"
        "2 entries, 4h 00m in this period.")


def test_log__running_entry_from_an_earlier_day__names_its_start_day(
        bot, alice):
    t0 = wall_now()
    alice.ask(bot.jid, "start night 25h ago")
    reply = alice.ask(bot.jid, "log")
    t1 = time.time()
    starts = {"%s %s" % (local(t - 25 * 3600).strftime("%a"),
                         local(t - 25 * 3600).strftime("%H:%M"))
              for t in range(int(t0), int(t1) + 1)}
    m = re.search(r"\n#1    (\w{3} \d{2}:\d{2})–now   25h 0[01]m  night\n",
                  reply)
    assert m and m.group(1) in starts, reply


def test_log__weekday_range__is_this_weeks_days_on_any_day(bot, alice):
    t0 = wall_now()
    replies = [alice.ask(bot.jid, "log " + r)
               for r in ("mon..wed", "mon..sun", "sun..mon")]
    t1 = time.time()
    wants = []
    for t in (t0, t1):
        mon, sun = this_week(t)
        wants.append([
            "No entries %s." % days_long(mon, mon + timedelta(days=2)),
            "No entries %s." % days_long(mon, sun),
            "No entries %s." % days_long(mon - timedelta(days=1), mon),
        ])
    assert replies in wants, replies


def test_log__backwards_range__hint_is_not_the_refused_input(bot, alice):
    assert alice.ask(bot.jid, "log 2025-06-08..2025-06-02") == (
        "\"2025-06-08..2025-06-02\" ends before it starts. Try "
        "2025-06-02..2025-06-08.")


def test_weekday_with_a_clock__is_the_latest_that_has_begun(bot, alice):
    # It is 12:xx in this zone: today's weekday at 23:00 is still to
    # come, so the latest that has begun is a week back.
    off = use_noon_zone(alice, bot)
    today = local(time.time(), off).date()
    wd = today.strftime("%a").lower()
    week_ago = day_shown(today - timedelta(days=7))
    assert alice.ask(bot.jid, "start acme at %s 23:00" % wd) == (
        "Started acme at %s 23:00." % week_ago)
    assert alice.ask(bot.jid, "stop at %s 23:30" % wd) == (
        "Stopped acme after 30m (%s 23:00–23:30)." % week_ago)
    # add with a span on a weekday: the latest such day it has ended on
    assert alice.ask(bot.jid, "add globex 21:00-22:00 %s" % wd) == (
        "Added #2 globex %s 21:00–22:00 (1h 00m)." % week_ago)
    # this morning has passed: today's
    assert alice.ask(bot.jid, "add globex 6:00-7:00 %s" % wd) == (
        "Added #3 globex 06:00–07:00 (1h 00m).")


def test_add__unreadable_word_after_the_project__is_quoted(bot, alice):
    assert alice.ask(bot.jid, "add acme banana 2026-01-23") == (
        "\"banana\" is not a duration or times. Try \"add acme 1h30m\" or "
        "\"add acme 9:00-10:30\".")
    assert entries(bot) == []


def test_note_keyword__starts_the_note__in_add_and_start(bot, alice):
    assert alice.ask(bot.jid, "add globex 7:00-8:00 2025-06-02 note early "
                     "call") == ("Added #1 globex (early call) Mon 2 Jun "
                                 "07:00–08:00 (1h 00m).")
    alice.ask(bot.jid, "add globex 8:00-9:00 2025-06-02 call with bob")
    assert alice.ask(bot.jid, "start acme note fix the header 10m ago"
                     ).startswith("Started acme (fix the header) at ")
    assert [(seq, note) for seq, _, note, _, _ in entries(bot)] == [
        (1, "early call"), (2, "call with bob"), (3, "fix the header")]


def test_dst_gap__add_edit_start_stop__say_the_time_moved(bot, alice):
    alice.ask(bot.jid, "tz America/New_York")
    assert alice.ask(bot.jid, "add dst2 2:30-4:00 2025-03-09") == (
        "Added #1 dst2 Sun 9 Mar 03:30–04:00 (30m). 02:30 %s; I used 03:30."
        % NY_GAP)
    assert alice.ask(bot.jid, "edit 1 start 2025-03-09 2:10") == (
        "Changed #1 dst2 Sun 9 Mar 03:10–04:00 (50m). 02:10 %s; I used "
        "03:10." % NY_GAP)
    # a time that exists says nothing more
    assert alice.ask(bot.jid, "edit 1 start 2025-03-09 1:50") == (
        "Changed #1 dst2 Sun 9 Mar 01:50–04:00 (1h 10m).")
    alice.ask(bot.jid, "delete 1")
    assert alice.ask(bot.jid, "start night at 2025-03-09 2:30") == (
        "Started night at Sun 9 Mar 03:30. 02:30 %s; I used 03:30." % NY_GAP)
    assert alice.ask(bot.jid, "stop at 2025-03-09 2:45") == (
        "Stopped night after 15m (Sun 9 Mar 03:30–03:45). 02:45 %s; I used "
        "03:45." % NY_GAP)
