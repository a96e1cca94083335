"""Every command of the chat language, sent by a real client through the
real server: the timer, fixing the past, looking back, settings and help,
and the rules that protect the data (nothing in the future, no overlaps,
entry numbers of one's own, undo that outlives a restart).

The bot counts with the wall clock, so the tests do too, and pick times
that hold whenever they run: durations ago, "yesterday", fixed dates in
the past such as 2026-01-05, and, for clock times of today, a fixed-offset
zone in which it is just past noon (see noon_zone).
"""

import re
import time
from datetime import date, datetime, timedelta, timezone

from harness import wall_now

ALICE = "alice@localhost"
BOB = "bob@localhost"

# A time as the bot shows it: "09:30" today, "Tue 24 Nov 09:30" on another day.
WHEN = r"(?:\w{3} \d{1,2} \w{3} )?\d{2}:\d{2}"
# The time of a change, as undo names it.
UNDONE_AT = r" \(done at %s\)\." % WHEN

# A fixed past day (a Monday) and how the bot shows it.
PAST = "2026-01-05"
PAST_SHOWN = "Mon 5 Jan"

# Every command word, aliases included.
COMMAND_WORDS = ("start", "stop", "cancel", "continue", "restart", "switch",
                 "status", "add", "log", "edit", "delete", "undo", "report",
                 "projects", "tags", "rename", "tz", "help", "timesheet",
                 "chart")


# -- time --------------------------------------------------------------

def zone(off):
    return timezone(timedelta(hours=off))


def local(t, off=0):
    """Epoch t as a datetime in the zone UTC+off."""
    return datetime.fromtimestamp(t, zone(off))


def shown(t, now, off=0):
    """Epoch t as the bot shows it at epoch now: HH:MM on the same day,
    else with the day ("Tue 24 Nov 22:30")."""
    a, b = local(t, off), local(now, off)
    if a.date() == b.date():
        return a.strftime("%H:%M")
    return "%s %s" % (day_shown(a), a.strftime("%H:%M"))


def shown_around(t0, t1, delta=0, off=0):
    """Every way the bot may show its now + delta, for a now (whole
    seconds) between the client's clock readings t0 and t1."""
    return {shown(t + delta, t, off) for t in range(int(t0), int(t1) + 1)}


def day_shown(d):
    """A date as entries show it: "Tue 24 Nov", "Mon 5 Jan"."""
    return "%s %d %s" % (d.strftime("%a"), d.day, d.strftime("%b"))


def day_long(d, month=True, year=True):
    """A date as headings show it: "Wed 25 Nov 2026" (no leading zero)."""
    s = "%s %d" % (d.strftime("%a"), d.day)
    if month:
        s += " " + d.strftime("%b")
    if year:
        s += " %d" % d.year
    return s


def days_long(first, last):
    """A period of days as headings show it: "Mon 16 – Sun 22 Nov 2026"."""
    if first == last:
        return day_long(first)
    same_year = first.year == last.year
    same_month = same_year and first.month == last.month
    return "%s – %s" % (day_long(first, not same_month, not same_year),
                        day_long(last))


def epoch(day, hhmm, off=0):
    """The epoch of the clock time hhmm on day (a date or "YYYY-MM-DD") in
    the zone UTC+off."""
    day = date.fromisoformat(str(day))
    h, m = map(int, hhmm.split(":"))
    return int(datetime(day.year, day.month, day.day, h, m,
                        tzinfo=zone(off)).timestamp())


def yesterday(off=0):
    """(yesterday's date, as entries show it) in UTC+off. The test stays
    on one UTC day (conftest.one_utc_day)."""
    d = local(time.time(), off).date() - timedelta(days=1)
    return d, day_shown(d)


def noon_zone():
    """An Etc/GMT zone in which it is now between 12:00 and 13:00, and its
    offset in hours east of UTC: this morning's clock times are then in the
    past, and today has begun long ago, whenever the test runs."""
    off = 12 - datetime.now(timezone.utc).hour
    # Etc/GMT names count the other way: Etc/GMT-3 is UTC+3.
    return ("Etc/GMT" if off == 0 else "Etc/GMT%+d" % -off), off


def use_noon_zone(client, bot):
    """Sets the client's zone to noon_zone(); returns its offset."""
    name, off = noon_zone()
    reply = client.ask(bot.jid, "tz " + name)
    # 12:xx, or 13:00 if the hour turned meanwhile.
    assert re.fullmatch(r"Your time zone is now %s; it is 1[23]:\d{2} there\."
                        % re.escape(name), reply), reply
    return off


def table(title, rows, total=True, fenced=False, after=()):
    """A report, projects or tags reply: name column as wide as the widest
    name (and "Total"), two spaces, the duration right-aligned in 7.
    Reports put the table in a preformatted block (XEP-0393 ``` fences)
    and may add lines after it."""
    if total:
        rows = list(rows) + [("Total", total)]
    width = max(len(name) for name, _ in rows)
    lines = ["%s%s  %7s" % (name, " " * (width - len(name)), dur)
             for name, dur in rows]
    if fenced:
        lines = ["```"] + lines + ["```"]
    return "\n".join([title] + lines + list(after))


# -- the database ------------------------------------------------------

def entries(bot, jid=ALICE):
    """(number, project, note, start, stop) of jid's entries by number."""
    return bot.query(
        "SELECT e.seq, e.project, e.note, e.start, e.stop FROM entries e "
        "JOIN users u ON u.id = e.user_id WHERE u.jid = ? ORDER BY e.seq", jid)


def tags(bot, seq, jid=ALICE):
    """The tags of jid's entry #seq, sorted."""
    return sorted(t for (t,) in bot.query(
        "SELECT t.tag FROM entry_tags t JOIN entries e ON e.id = t.entry_id "
        "JOIN users u ON u.id = e.user_id WHERE u.jid = ? AND e.seq = ?",
        jid, seq))


def snapshot(bot, jid=ALICE):
    """jid's entries with their tags, to compare before and after."""
    return [row + (tuple(tags(bot, row[0], jid)),) for row in entries(bot, jid)]


def count(bot):
    return bot.query("SELECT count(*) FROM entries")[0][0]


# -- start, switch -----------------------------------------------------

def test_start__starts_in_the_past__when_given_duration_ago(bot, alice):
    t0 = wall_now()
    reply = alice.ask(bot.jid, "start acme +design 2h ago")
    t1 = time.time()
    m = re.fullmatch(r"Started acme \+design at (%s)\." % WHEN, reply)
    assert m and m.group(1) in shown_around(t0, t1, -7200), reply

    [(seq, project, note, start, stop)] = entries(bot)
    assert (seq, project, note, stop) == (1, "acme", "", None)
    assert int(t0) - 7200 <= start <= int(t1) - 7200
    assert tags(bot, 1) == ["design"]
    reply = alice.ask(bot.jid, "status")
    assert reply.startswith("Running: acme +design since %s (2h 00m). Today: "
                            % m.group(1)), reply


def test_start__starts_at_that_time__when_given_at_time(bot, alice, bob):
    off = use_noon_zone(alice, bot)
    today = local(time.time(), off).date()
    assert alice.ask(bot.jid, "start acme at 9:30") == "Started acme at 09:30."
    assert alice.ask(bot.jid, "start globex at 10:15am") == (
        "Stopped acme after 45m. Started globex at 10:15.")
    assert entries(bot) == [
        (1, "acme", "", epoch(today, "9:30", off), epoch(today, "10:15", off)),
        (2, "globex", "", epoch(today, "10:15", off), None)]

    # In UTC (bob has no zone of his own), on another day.
    day, day_name = yesterday()
    assert bob.ask(bot.jid, "start acme at yesterday 17:00") == (
        "Started acme at %s 17:00." % day_name)
    assert entries(bot, BOB) == [(1, "acme", "", epoch(day, "17:00"), None)]


def test_start__keeps_a_quoted_phrase_as_one_project(bot, alice):
    reply = alice.ask(bot.jid, 'start "client work" +call with Bob 20m ago')
    assert re.fullmatch(r"Started client work \+call \(with Bob\) at %s\."
                        % WHEN, reply), reply
    reply = alice.ask(bot.jid, "start “smart quotes” ok")
    assert re.fullmatch(r"Stopped client work \+call \(with Bob\) after 20m\. "
                        r"Started smart quotes \(ok\) at %s\." % WHEN,
                        reply), reply
    assert [(p, n) for _, p, n, _, _ in entries(bot)] == [
        ("client work", "with Bob"), ("smart quotes", "ok")]
    assert tags(bot, 1) == ["call"]


def test_start__is_refused_and_stores_nothing__when_time_in_future(bot, alice):
    tomorrow = local(time.time()).date() + timedelta(days=1)
    reply = alice.ask(bot.jid, "start acme at %s 09:00" % tomorrow.isoformat())
    assert reply == ("%s 09:00 is in the future; I only record time that "
                     "has begun." % day_shown(tomorrow)), reply
    assert count(bot) == 0
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")


def test_start__is_refused_naming_the_entry__when_it_would_overlap(bot, alice):
    _, day_name = yesterday()
    assert alice.ask(bot.jid, "add acme 9:00-10:30 yesterday") == (
        "Added #1 acme %s 09:00–10:30 (1h 30m)." % day_name)
    reply = alice.ask(bot.jid, "start globex at yesterday 10:00")
    assert reply == ("Starting then would overlap #1 acme %s 09:00–10:30 "
                     "(1h 30m). A timer can start from %s 10:30 on."
                     % (day_name, day_name)), reply
    assert count(bot) == 1

    # Nor may a new timer start before the running one began.
    assert alice.ask(bot.jid, "start acme 1h ago").startswith("Started acme ")
    reply = alice.ask(bot.jid, "start globex 2h ago")
    assert re.fullmatch(r"acme has been running since %s, after %s, so a "
                        r"timer cannot start at %s\. To record %s–%s, say "
                        r"\"add globex [^\"]+\"\."
                        % ((r"(?:\w{3} \d{1,2} \w{3} )?\d{2}:\d{2}",) * 5),
                        reply), reply
    rows = entries(bot)
    assert len(rows) == 2 and rows[1][1] == "acme" and rows[1][4] is None


def test_switch__stops_the_running_timer__and_starts_another(bot, alice):
    assert alice.ask(bot.jid, "start acme 10m ago").startswith("Started acme ")
    reply = alice.ask(bot.jid, "switch globex +call")
    assert re.fullmatch(r"Stopped acme after 10m\. Started globex \+call at "
                        r"%s\." % WHEN, reply), reply
    (_, p1, _, _, stop1), (_, p2, _, start2, stop2) = entries(bot)
    assert (p1, p2, stop2) == ("acme", "globex", None)
    assert stop1 == start2, "no gap and no overlap between the two"


# -- stop, cancel, continue ---------------------------------------------

def test_stop__stops_then__when_given_at_time_or_duration_ago(bot, alice):
    off = use_noon_zone(alice, bot)
    today = local(time.time(), off).date()
    assert alice.ask(bot.jid, "start acme +design at 9:00") == (
        "Started acme +design at 09:00.")
    assert alice.ask(bot.jid, "stop at 10:15") == (
        "Stopped acme +design after 1h 15m (09:00–10:15).")

    t0 = wall_now()
    reply = alice.ask(bot.jid, "start acme 30m ago")
    m = re.fullmatch(r"Started acme at (%s)\." % WHEN, reply)
    assert m, reply
    since = m.group(1)
    assert alice.ask(bot.jid, "stop at 10:00") == (
        'acme started at %s; it has to stop after that. To throw the timer '
        'away, say "cancel".' % since)
    assert alice.ask(bot.jid, "stop at 23:59") == (
        "23:59 is in the future; I only record time that has begun.")
    reply = alice.ask(bot.jid, "stop 10m ago")
    t1 = time.time()
    m = re.fullmatch(r"Stopped acme after 20m \((%s)–(%s)\)\." % (WHEN, WHEN),
                     reply)
    assert m and m.group(1) == since, reply
    assert m.group(2) in shown_around(t0, t1, -600, off), reply
    assert alice.ask(bot.jid, "stop") == "Nothing is running."

    first, second = entries(bot)
    assert first[3:] == (epoch(today, "9:00", off), epoch(today, "10:15", off))
    assert 1200 <= second[4] - second[3] <= 1200 + int(t1) - int(t0)


def test_cancel__records_nothing__and_undo_brings_the_timer_back(bot, alice):
    assert alice.ask(bot.jid, "cancel") == "Nothing is running."
    reply = alice.ask(bot.jid, "start acme +x 10m ago")
    m = re.fullmatch(r"Started acme \+x at (%s)\." % WHEN, reply)
    assert m, reply
    before = snapshot(bot)

    assert alice.ask(bot.jid, "cancel") == (
        'Cancelled acme +x (running since %s, 10m); nothing was recorded. '
        '"undo" brings it back.' % m.group(1))
    assert count(bot) == 0
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")

    reply = alice.ask(bot.jid, "undo")
    assert re.fullmatch(r"Undone: cancel acme" + UNDONE_AT, reply), reply
    assert snapshot(bot) == before
    assert alice.ask(bot.jid, "status").startswith(
        "Running: acme +x since %s (10m)." % m.group(1))


def test_continue__starts_latest_project_and_tags_again__also_as_restart(
        bot, alice, bob):
    assert bob.ask(bot.jid, "continue") == (
        "There is nothing to continue yet. Start with: start acme")
    assert alice.ask(bot.jid, "start acme +design fix header 1h ago"
                     ).startswith("Started acme +design (fix header) at ")
    reply = alice.ask(bot.jid, "continue")
    assert re.fullmatch(r"acme is already running \(since %s\)\." % WHEN,
                        reply), reply
    assert alice.ask(bot.jid, "stop 40m ago").startswith("Stopped acme ")

    reply = alice.ask(bot.jid, "continue 30m ago")
    assert re.fullmatch(r"Started acme \+design at %s\." % WHEN, reply), reply
    assert alice.ask(bot.jid, "stop 20m ago").startswith("Stopped acme ")
    reply = alice.ask(bot.jid, "restart")
    assert re.fullmatch(r"Started acme \+design at %s\." % WHEN, reply), reply

    rows = entries(bot)
    assert [(p, n) for _, p, n, _, _ in rows] == [
        ("acme", "fix header"), ("acme", ""), ("acme", "")]
    assert [tags(bot, seq) for seq, *_ in rows] == [["design"]] * 3
    assert rows[2][4] is None
    assert entries(bot, BOB) == []


# -- add, log ----------------------------------------------------------

def test_add__records_exactly_that_span__on_the_day_given(bot, alice):
    day, day_name = yesterday()
    assert alice.ask(bot.jid, "add acme +design 9:00-10:30 yesterday fixed "
                     "the header") == (
        "Added #1 acme +design (fixed the header) %s 09:00–10:30 (1h 30m)."
        % day_name)
    assert entries(bot) == [(1, "acme", "fixed the header",
                             epoch(day, "9:00"), epoch(day, "10:30"))]
    assert alice.ask(bot.jid, "log yesterday") == "\n".join([
        "Yesterday, %s:" % day_long(day),
        "#1    09:00–10:30  1h 30m  acme +design (fixed the header)",
        "1 entry, 1h 30m in this period."])

    # A span across midnight ends the next day.
    assert alice.ask(bot.jid, "add globex 22:00-01:00 %s" % PAST) == (
        "Added #2 globex %s 22:00–Tue 6 Jan 01:00 (3h 00m)." % PAST_SHOWN)
    assert entries(bot)[1][3:] == (epoch(PAST, "22:00"),
                                   epoch("2026-01-06", "1:00"))


def test_add__puts_a_duration_in_the_first_free_time__on_a_past_day(bot,
                                                                   alice):
    assert alice.ask(bot.jid, "add globex 2h %s" % PAST) == (
        "Added #1 globex %s 09:00–11:00 (2h 00m)." % PAST_SHOWN)
    assert alice.ask(bot.jid, "add acme 45m %s standup" % PAST) == (
        "Added #2 acme (standup) %s 11:00–11:45 (45m)." % PAST_SHOWN)
    assert alice.ask(bot.jid, "log %s" % PAST) == "\n".join([
        "Mon 5 Jan 2026:",
        "#1    09:00–11:00  2h 00m  globex",
        "#2    11:00–11:45     45m  acme (standup)",
        "2 entries, 2h 45m in this period."])


def test_add__puts_a_duration_just_before_now__when_no_day_given(bot, alice):
    off = use_noon_zone(alice, bot)
    t0 = wall_now()
    reply = alice.ask(bot.jid, "add acme 1h30m")
    t1 = time.time()
    m = re.fullmatch(r"Added #1 acme (%s)–(%s) \(1h 30m\)\." % (WHEN, WHEN),
                     reply)
    assert m and m.group(2) in shown_around(t0, t1, 0, off), reply
    [(_, _, _, start, stop)] = entries(bot)
    assert stop - start == 5400 and int(t0) <= stop <= int(t1)

    assert alice.ask(bot.jid, "add acme 9:00-10:30") == (
        "Added #2 acme 09:00–10:30 (1h 30m).")
    assert alice.ask(bot.jid, "add globex 9:30-10:00") == (
        "That would overlap #2 acme 09:00–10:30 (1h 30m).")
    assert alice.ask(bot.jid, "add globex 23:00-23:30") == (
        "That ends in the future; I only record time that has passed. For "
        'another day add it, like "yesterday".')
    assert count(bot) == 2


def test_log__lists_todays_entries_with_numbers__by_default(bot, alice):
    off = use_noon_zone(alice, bot)
    today = local(time.time(), off).date()
    assert alice.ask(bot.jid, "add acme +design 9:00-10:30").startswith(
        "Added #1 ")
    reply = alice.ask(bot.jid, "start writing 30m ago")
    m = re.fullmatch(r"Started writing at (\d{2}:\d{2})\.", reply)
    assert m, reply
    assert alice.ask(bot.jid, "log") == "\n".join([
        "Today, %s:" % day_long(today),
        "#1    09:00–10:30  1h 30m  acme +design",
        "#2    %s–now       30m  writing" % m.group(1),
        "2 entries, 2h 00m in this period."])
    assert alice.ask(bot.jid, "log today") == alice.ask(bot.jid, "log")


def test_log__groups_entries_by_day__when_period_spans_days(bot, alice):
    for body in ("add acme 9:00-10:00 2026-01-05",
                 "add globex 9:00-10:00 2026-01-07",
                 "add acme 11:00-11:30 2026-01-05"):
        assert alice.ask(bot.jid, body).startswith("Added #"), body
    assert alice.ask(bot.jid, "log 2026-01-05..2026-01-07") == "\n".join([
        "Mon 5 – Wed 7 Jan 2026:",
        "Mon 5 Jan",
        "#1    09:00–10:00  1h 00m  acme",
        "#3    11:00–11:30     30m  acme",
        "Wed 7 Jan",
        "#2    09:00–10:00  1h 00m  globex",
        "3 entries, 2h 30m in this period."])

    # This week: Monday's entry and today's (the same day on a Monday).
    off = use_noon_zone(alice, bot)
    today = local(time.time(), off).date()
    monday = today - timedelta(days=today.weekday())
    assert alice.ask(bot.jid, "add writing 9:00-10:00 mon").startswith(
        "Added #4 writing %s09:00" % (day_shown(monday) + " "
                                       if monday != today else ""))
    assert alice.ask(bot.jid, "add writing 10:30-11:00").startswith(
        "Added #5 ")
    lines = [day_shown(monday), "#4    09:00–10:00  1h 00m  writing"]
    if today != monday:
        lines.append(day_shown(today))
    lines.append("#5    10:30–11:00     30m  writing")
    assert alice.ask(bot.jid, "log week") == "\n".join(
        ["This week, %s:" % days_long(monday, monday + timedelta(days=6))]
        + lines + ["2 entries, 1h 30m in this period."])


# -- edit, delete, undo ------------------------------------------------

def test_edit__changes_project_tags_times_and_note(bot, alice):
    assert alice.ask(bot.jid, "add acme +design 9:00-10:00 %s old note"
                     % PAST).startswith("Added #1 acme +design (old note) ")
    reply = alice.ask(bot.jid, "edit 1 project globex -design +billable "
                      "start %s 8:30 stop %s 10:15 note new note"
                      % (PAST, PAST))
    assert reply == ("Changed #1 globex +billable (new note) %s 08:30–10:15 "
                     "(1h 45m)." % PAST_SHOWN), reply
    assert entries(bot) == [(1, "globex", "new note", epoch(PAST, "8:30"),
                             epoch(PAST, "10:15"))]
    assert tags(bot, 1) == ["billable"]

    # "note" alone clears it; "#1" is the same entry as "1".
    assert alice.ask(bot.jid, "edit #1 note") == (
        "Changed #1 globex +billable %s 08:30–10:15 (1h 45m)." % PAST_SHOWN)
    assert entries(bot)[0][2] == ""

    # A tag is one name whatever its case: +BILLABLE adds nothing and
    # -Billable removes "billable".
    alice.ask(bot.jid, "edit 1 +BILLABLE")
    assert tags(bot, 1) == ["billable"]
    assert alice.ask(bot.jid, "edit 1 -Billable") == (
        "Changed #1 globex %s 08:30–10:15 (1h 45m)." % PAST_SHOWN)
    assert tags(bot, 1) == []


def test_edit__is_refused_and_changes_nothing__when_change_breaks_a_rule(
        bot, alice):
    assert alice.ask(bot.jid, "add acme 9:00-10:00 %s" % PAST).startswith(
        "Added #1 ")
    assert alice.ask(bot.jid, "add globex 11:00-12:00 %s" % PAST).startswith(
        "Added #2 ")
    before = snapshot(bot)
    tomorrow = local(time.time()).date() + timedelta(days=1)
    refusals = [
        ("edit 1 stop %s 11:30" % PAST,
         "That change would overlap #2 globex %s 11:00–12:00 (1h 00m)."
         % PAST_SHOWN),
        ("edit 1 stop %s 8:00" % PAST, "An entry has to stop after it starts."),
        ("edit 1 colour red",
         'I don\'t understand "colour" in edit. Example: edit 1 start 9:15 '
         '+billable'),
        ("edit 1 start %s 9:00" % tomorrow.isoformat(),
         "%s 09:00 is in the future; entries can only hold time that has "
         "passed." % day_shown(tomorrow)),
        ("edit 1 -nosuch", "Entry #1 has no tag +nosuch."),
        ("edit 9 start %s 9:00" % PAST,
         'There is no entry #9. "log" shows the numbers.'),
    ]
    for body, want in refusals:
        assert alice.ask(bot.jid, body) == want, body
        assert snapshot(bot) == before, body
    # No refusal left an undo step: undo takes back the last add.
    assert re.fullmatch(r"Undone: add globex" + UNDONE_AT,
                        alice.ask(bot.jid, "undo"))


def test_delete__removes_the_entry__and_undo_brings_it_back(bot, alice):
    assert alice.ask(bot.jid, "add acme +x 9:00-10:00 %s a note" % PAST
                     ).startswith("Added #1 ")
    before = snapshot(bot)
    assert alice.ask(bot.jid, "delete #1") == (
        'Deleted #1 acme +x (a note) %s 09:00–10:00 (1h 00m). "undo" brings '
        'it back.' % PAST_SHOWN)
    assert count(bot) == 0
    assert alice.ask(bot.jid, "log %s" % PAST).startswith("No entries ")
    assert alice.ask(bot.jid, "delete 1") == (
        'There is no entry #1. "log" shows the numbers.')

    reply = alice.ask(bot.jid, "undo")
    assert re.fullmatch(r"Undone: delete #1" + UNDONE_AT, reply), reply
    assert snapshot(bot) == before
    assert "\n#1    09:00–10:00  1h 00m  acme +x (a note)\n" in alice.ask(
        bot.jid, "log %s" % PAST)


def test_undo__takes_back_each_change_in_turn__until_nothing_is_left(bot,
                                                                    alice):
    changes = [
        ("add acme 9:00-10:00 %s" % PAST, "add acme"),
        ("edit 1 +billable", "edit #1"),
        ("start globex 10m ago", "start globex"),
        ("stop 5m ago", "stop globex"),
        ("rename project globex initech", "rename globex to initech"),
        ("delete 1", "delete #1"),
    ]
    states = [snapshot(bot)]
    for body, _ in changes:
        reply = alice.ask(bot.jid, body)
        assert re.match(r"(Added|Changed|Started|Stopped|Renamed|Deleted) ",
                        reply), (body, reply)
        states.append(snapshot(bot))
    assert states[-1] != states[-2]

    for body, label in reversed(changes):
        states.pop()
        reply = alice.ask(bot.jid, "undo")
        assert re.fullmatch(r"Undone: %s%s" % (re.escape(label), UNDONE_AT),
                            reply), (body, reply)
        assert snapshot(bot) == states[-1], "after undoing %r" % body
    assert count(bot) == 0
    assert alice.ask(bot.jid, "undo") == "There is nothing to undo."
    assert alice.ask(bot.jid, "undo") == "There is nothing to undo."


def test_undo__takes_back_a_change__after_a_bot_restart(bot, alice):
    assert alice.ask(bot.jid, "add acme 9:00-10:00 %s" % PAST).startswith(
        "Added #1 ")
    before = snapshot(bot)
    assert alice.ask(bot.jid, "delete 1").startswith("Deleted #1 ")
    assert bot.stop() == 0
    bot.start()

    reply = alice.ask(bot.jid, "undo")
    assert re.fullmatch(r"Undone: delete #1" + UNDONE_AT, reply), reply
    assert snapshot(bot) == before
    reply = alice.ask(bot.jid, "undo")
    assert re.fullmatch(r"Undone: add acme" + UNDONE_AT, reply), reply
    assert count(bot) == 0
    assert alice.ask(bot.jid, "undo") == "There is nothing to undo."


# -- projects, tags, rename ----------------------------------------------

def test_projects_and_tags__list_every_name_with_this_months_time(bot, alice,
                                                                  bob):
    use_noon_zone(alice, bot)
    assert alice.ask(bot.jid, "add acme +design 9:00-11:00").startswith(
        "Added #1 ")
    assert alice.ask(bot.jid, "add old +legacy 9:00-10:00 %s" % PAST
                     ).startswith("Added #2 ")
    assert alice.ask(bot.jid, "projects") == table(
        "Your projects, with this month's time:",
        [("acme", "2h 00m"), ("old", "0m")], total=False)
    assert alice.ask(bot.jid, "tags") == table(
        "Your tags, with this month's time:",
        [("+design", "2h 00m"), ("+legacy", "0m")], total=False)
    assert bob.ask(bot.jid, "projects") == (
        "No projects yet. Start one: start acme")
    assert bob.ask(bot.jid, "tags") == (
        "No tags yet. Add some when you start: start acme +design")


def test_rename__renames_the_project_in_every_entry__and_undo_reverts_it(
        bot, alice):
    for body in ("add acme 9:00-10:00 %s" % PAST,
                 "add ACME +x 10:00-11:00 %s" % PAST,
                 "add globex 11:00-12:00 %s" % PAST):
        assert alice.ask(bot.jid, body).startswith("Added #"), body
    assert alice.ask(bot.jid, "rename project Acme initech") == (
        "Renamed Acme to initech in 2 entries.")
    assert [p for _, p, *_ in entries(bot)] == ["initech", "initech", "globex"]
    assert tags(bot, 2) == ["x"]

    assert alice.ask(bot.jid, "rename project nope x") == (
        'You have no project "nope". "projects" lists them.')
    assert alice.ask(bot.jid, "rename tag x y") == (
        "I can rename projects: rename project OLD NEW")

    reply = alice.ask(bot.jid, "undo")
    assert re.fullmatch(r"Undone: rename Acme to initech" + UNDONE_AT,
                        reply), reply
    assert [p for _, p, *_ in entries(bot)] == ["acme", "ACME", "globex"]

    # Into an existing project: the entries join it.
    assert alice.ask(bot.jid, 'rename project globex "acme"') == (
        "Renamed globex to acme in 1 entry.")
    assert [p.lower() for _, p, *_ in entries(bot)] == ["acme"] * 3
    assert alice.ask(bot.jid, "projects").count("\n") == 1


# -- tz ----------------------------------------------------------------

def test_tz__shows_sets_and_resets_the_users_zone(bot, alice, bob):
    t0 = wall_now()
    reply = alice.ask(bot.jid, "tz")
    t1 = time.time()
    m = re.fullmatch(r"Your time zone is UTC \(the default\); it is "
                     r"(\d{2}:\d{2}) there\. Change it with: tz Europe/Berlin",
                     reply)
    assert m and m.group(1) in {local(t).strftime("%H:%M") for t in (t0, t1)}

    t0 = wall_now()
    reply = alice.ask(bot.jid, "tz Asia/Tokyo")
    t1 = time.time()
    m = re.fullmatch(r"Your time zone is now Asia/Tokyo; it is (\d{2}:\d{2}) "
                     r"there\.", reply)
    assert m and m.group(1) in {local(t, 9).strftime("%H:%M")
                                for t in (t0, t1)}, reply
    assert bot.query("SELECT tz FROM users WHERE jid = ?", ALICE) == [
        ("Asia/Tokyo",)]

    # Times are read and shown in Tokyo now: 09:00 there is 00:00 UTC.
    assert alice.ask(bot.jid, "add acme 9:00-10:00 %s" % PAST) == (
        "Added #1 acme %s 09:00–10:00 (1h 00m)." % PAST_SHOWN)
    assert entries(bot)[0][3:] == (epoch(PAST, "0:00"), epoch(PAST, "1:00"))
    assert "\n#1    09:00–10:00  1h 00m  acme\n" in alice.ask(
        bot.jid, "log %s" % PAST)
    # Only for alice.
    assert bob.ask(bot.jid, "tz").startswith(
        "Your time zone is UTC (the default); ")

    assert alice.ask(bot.jid, "tz Mars/Olympus") == (
        'I don\'t know the time zone "Mars/Olympus". Use an IANA name like '
        'Europe/Berlin, America/New_York or UTC.')
    assert alice.ask(bot.jid, "tz").startswith(
        "Your time zone is Asia/Tokyo; it is ")
    # Typed in the wrong case, a zone is stored as the system spells it.
    assert alice.ask(bot.jid, "tz asia/TOKYO").startswith(
        "Your time zone is now Asia/Tokyo; it is ")
    assert bot.query("SELECT tz FROM users WHERE jid = ?", ALICE) == [
        ("Asia/Tokyo",)]

    # The reply names the zone it went back to (the bot's default, UTC).
    assert alice.ask(bot.jid, "tz default").startswith(
        "Back to the default time zone, UTC; it is ")
    assert bot.query("SELECT tz FROM users WHERE jid = ?", ALICE) == [(None,)]
    assert "\n#1    00:00–01:00  1h 00m  acme\n" in alice.ask(
        bot.jid, "log %s" % PAST)
    assert alice.ask(bot.jid, "tz").startswith(
        "Your time zone is UTC (the default); ")


# -- help --------------------------------------------------------------

def test_help__shows_usage_and_examples__for_every_command_word(bot, alice):
    listing = alice.ask(bot.jid, "help")
    aliases = {"restart": "continue", "switch": "start"}
    for word in COMMAND_WORDS:
        assert re.search(r"\b%s\b" % word, listing), (word, listing)
        reply = alice.ask(bot.jid, "help " + word)
        lines = reply.splitlines()
        name = aliases.get(word, word)
        assert lines[0].startswith(name), (word, reply)
        assert re.search(r"\b%s\b" % word, lines[0]), (word, reply)
        assert "Examples:" in lines, (word, reply)
        examples = lines[lines.index("Examples:") + 1:]
        assert examples, (word, reply)
        for line in examples:
            assert line.startswith("  " + name), (word, reply)
    assert alice.ask(bot.jid, "HELP Start") == alice.ask(bot.jid, "help start")
    assert alice.ask(bot.jid, "help nope") == (
        'There is no command "nope". Try "help".')


# -- report ------------------------------------------------------------

def test_report__says_a_timer_runs__when_it_started_this_second(bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    reply = alice.ask(bot.jid, "report")
    # Within the same second the report is empty but says why; a second
    # later acme has its first second.
    assert reply != "No time recorded today.", reply
    if reply.startswith("No time"):
        assert reply == ("No time recorded today yet: #1 acme started just "
                         "now."), reply
    else:
        assert "acme" in reply, reply


def test_export__names_the_formats__when_first_word_is_none(bot, alice):
    assert alice.ask(bot.jid, "export pdf") == (
        '"pdf" is neither a period nor one of your projects. Periods: today, '
        'week, last month, mon..wed, 2026-11-01..2026-11-15; "projects" '
        'lists yours. Formats: csv, json, ical.')


def test_report__totals_the_period__when_given_last_week_or_dates(bot, alice):
    today = local(time.time()).date()
    monday = today - timedelta(days=today.weekday() + 7)
    wednesday = monday + timedelta(days=2)
    assert alice.ask(bot.jid, "report last week") == (
        "No time recorded last week.")
    for body in ("add acme 9:00-10:30 %s" % wednesday.isoformat(),
                 "add globex 13:00-13:45 %s" % wednesday.isoformat(),
                 "add acme 9:00-10:00 %s" % PAST):
        assert alice.ask(bot.jid, body).startswith("Added #"), body
    assert alice.ask(bot.jid, "report last week") == table(
        "Last week, %s:" % days_long(monday, monday + timedelta(days=6)),
        [("acme", "1h 30m"), ("globex", "45m")], total="2h 15m", fenced=True,
        after=["Per day: %s %d 2h 15m" % (wednesday.strftime("%a"),
                                          wednesday.day)])

    assert alice.ask(bot.jid, "report 2026-02-01..2026-02-28") == (
        "No time recorded Sun 1 – Sat 28 Feb 2026.")
    # An entry across the period's edge counts only its part inside.
    assert alice.ask(bot.jid, "add night 22:00-02:00 2026-01-31").startswith(
        "Added #4 ")
    assert alice.ask(bot.jid, "report 2026-01-01..2026-01-31") == table(
        "Thu 1 – Sat 31 Jan 2026:",
        [("night", "2h 00m"), ("acme", "1h 00m")], total="3h 00m",
        fenced=True)
    assert alice.ask(bot.jid, "report 2026-02-01..2026-02-28") == table(
        "Sun 1 – Sat 28 Feb 2026:", [("night", "2h 00m")], total="2h 00m",
        fenced=True)


# -- rules that protect the data ------------------------------------------

def test_commands__quote_the_bad_word_and_store_nothing__when_time_unparseable(
        bot, alice):
    not_a_time = ' is not a time of day. Try 9:30, 17:00 or 5pm.'
    bad = [
        ("start acme at 25:00", '"25:00"' + not_a_time),
        ("start acme at 9:75", '"9:75"' + not_a_time),
        ("start acme at yesterday 26:00", '"26:00"' + not_a_time),
        ("continue at 7:99", '"7:99"' + not_a_time),
        ("add acme 9:00-25:00 yesterday", '"25:00"' + not_a_time),
        ("add acme 1h 2026-02-30", '"2026-02-30" is not a date. Try '
                                   '2026-11-23.'),
        ("add acme 9:00-10:00 2026-13-01", '"2026-13-01" is not a date. Try '
                                           '2026-11-23.'),
        ("add acme 0m", '"0m" is not a duration: it must be more than zero. '
                        'Try 45m, 1h30m or 1.5h.'),
        ("log someday", '"someday" is neither a period nor one of your '
                        'projects.'),
        ("report decade", '"decade" is neither a period nor one of your '
                          'projects.'),
        ("report 2026-01-01..2026-02-30", '"2026-02-30" is not a date.'),
        # meant as a time, so never a note on a timer started now
        ("start acme meeting at 3 pm", '"3 pm" is not a time. Try at 9:30'),
        ("start acme at tomorrow 9:00", '"tomorrow 9:00" is in the future'),
    ]
    for body, want in bad:
        reply = alice.ask(bot.jid, body)
        assert reply.startswith(want), (body, reply)
        assert bot.query("SELECT count(*) FROM entries") == [(0,)], body
    assert bot.query("SELECT count(*) FROM undo_steps") == [(0,)]

    # With an entry and a running timer, stop and edit change nothing either.
    assert alice.ask(bot.jid, "add acme 9:00-10:00 yesterday").startswith(
        "Added #1 ")
    assert alice.ask(bot.jid, "start globex 5m ago").startswith(
        "Started globex ")
    before = snapshot(bot)
    for body, word in (("stop at 99:00", "99:00"),
                       ("edit 1 start 8:77", "8:77"),
                       ("edit 1 stop yesterday 30:00", "30:00")):
        reply = alice.ask(bot.jid, body)
        assert reply == '"%s"%s' % (word, not_a_time), (body, reply)
        assert snapshot(bot) == before, body
    assert bot.query("SELECT count(*) FROM undo_steps") == [(2,)]


def test_unicode__is_kept_exactly__in_projects_tags_and_notes(bot, alice):
    # "cafe" + U+0301 must not be normalised to "café".
    note = "naïve “quotes” 🎉 cafe\u0301 日本語"
    _, day_name = yesterday()
    assert alice.ask(bot.jid, "add Café +☕ 9:00-10:00 yesterday " + note) == (
        "Added #1 Café +☕ (%s) %s 09:00–10:00 (1h 00m)." % (note, day_name))
    assert entries(bot)[0][1:3] == ("Café", note)
    assert tags(bot, 1) == ["☕"]
    assert "\n#1    09:00–10:00  1h 00m  Café +☕ (%s)\n" % note in alice.ask(
        bot.jid, "log yesterday")

    # Tags by name, as every reply lists them (ü before ☕).
    assert alice.ask(bot.jid, "edit 1 +ünï note Grüße, ½ ✓").startswith(
        "Changed #1 Café +ünï +☕ (Grüße, ½ ✓) ")
    assert alice.ask(bot.jid, "rename project Café Ärger") == (
        "Renamed Café to Ärger in 1 entry.")
    assert alice.ask(bot.jid, 'start "Проект Ω" +标签 5m ago').startswith(
        "Started Проект Ω +标签 at ")
    assert [(p, n) for _, p, n, _, _ in entries(bot)] == [
        ("Ärger", "Grüße, ½ ✓"), ("Проект Ω", "")]
    assert tags(bot, 1) == sorted(["☕", "ünï"])
    assert tags(bot, 2) == ["标签"]
    projects = alice.ask(bot.jid, "projects")
    assert "\nÄrger " in projects and "\nПроект Ω " in projects, projects
    reply = alice.ask(bot.jid, "tags")
    for tag in ("+☕", "+ünï", "+标签"):
        assert "\n%s " % tag in reply, reply


def test_entry_numbers__of_another_user__behave_as_no_such_entry(bot, alice,
                                                                bob):
    assert alice.ask(bot.jid, "add secret +x 9:00-10:00 yesterday private"
                     ).startswith("Added #1 secret ")
    before = snapshot(bot)
    no_such = 'There is no entry #1. "log" shows the numbers.'
    assert bob.ask(bot.jid, "edit 1 start yesterday 8:00") == no_such
    assert bob.ask(bot.jid, "edit 1 project mine") == no_such
    assert bob.ask(bot.jid, "delete 1") == no_such
    assert bob.ask(bot.jid, "undo") == "There is nothing to undo."
    assert bob.ask(bot.jid, "log yesterday") == "No entries yesterday."
    assert bob.ask(bot.jid, "report yesterday") == (
        "No time recorded yesterday.")
    assert snapshot(bot) == before
    assert "\n#1    09:00–10:00  1h 00m  secret +x (private)\n" in alice.ask(
        bot.jid, "log yesterday")

    # Bob's numbers are his own, and alice's time does not block his.
    _, day_name = yesterday()
    assert bob.ask(bot.jid, "add mine 9:00-10:00 yesterday") == (
        "Added #1 mine %s 09:00–10:00 (1h 00m)." % day_name)
    assert snapshot(bot) == before
