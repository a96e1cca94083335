"""The chat a user has with timmy: start, status, stop, report, help."""

import re
import time
from datetime import datetime, timezone

import pytest

from harness import TICK, wall_now

# Durations: 42s under a minute, 25m under an hour, else 1h 05m.
DURATION = r"(?:\d+s|\d+m|\d+h \d{2}m)"
CLOCK = r"\d{2}:\d{2}"
# status and stop name the note in parentheses after the tags, as the
# README's examples do.
NOTE = r" \(fix header\)"


def minutes_between(t0, t1):
    """The UTC HH:MM strings of every minute from epoch t0 to t1."""
    out = set()
    t = int(t0) - int(t0) % 60
    while t <= t1:
        out.add(datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M"))
        t += 60
    return out


def in_one_second(client, jid, bodies):
    """Sends bodies one by one, starting just after a second begins, and
    returns the replies; None when the last reply came in a later second
    than the first message left (the bot may then have seen two seconds).
    The start waits out a tick of the coarse clock the bot reads, so the
    bot too is in the new second."""
    time.sleep(1.0 - time.time() % 1.0 + TICK + 0.005)
    t0 = wall_now()
    replies = [client.ask(jid, body) for body in bodies]
    return replies if int(time.time()) == int(t0) else None


def entries(bot, jid):
    """(project, note, start, stop) of jid's entries, oldest first."""
    return bot.query(
        "SELECT e.project, e.note, e.start, e.stop FROM entries e "
        "JOIN users u ON u.id = e.user_id WHERE u.jid = ? ORDER BY e.id", jid)


def test_conversation__tracks_and_reports_time__from_start_to_report(bot, alice):
    t0 = wall_now()
    reply = alice.ask(bot.jid, "start acme +design fix header")
    t1 = time.time()
    m = re.fullmatch(r"Started acme \+design \(fix header\) at (%s)\." % CLOCK,
                     reply)
    assert m, reply
    assert m.group(1) in minutes_between(t0, t1), "start time is not now (UTC)"

    reply = alice.ask(bot.jid, "status")
    assert re.fullmatch(r"Running: acme \+design%s since %s \(%s\)\. Today: %s\."
                        % (NOTE, m.group(1), DURATION, DURATION), reply), reply

    # Whole seconds: let the entry last at least one, so that it has a
    # duration to report.
    time.sleep(max(0.0, t1 + 1.05 - time.time()))
    reply = alice.ask(bot.jid, "stop")
    assert re.fullmatch(r"Stopped acme \+design%s after [1-9]\d*s \(%s–%s\)\."
                        % (NOTE, CLOCK, CLOCK), reply), reply

    rows = entries(bot, "alice@localhost")
    assert len(rows) == 1, rows
    project, note, start, stop = rows[0]
    assert (project, note) == ("acme", "fix header")
    assert stop is not None and start < stop
    tags = [t for (t,) in bot.query("SELECT tag FROM entry_tags")]
    assert tags == ["design"], tags

    today = datetime.fromtimestamp(t1, timezone.utc)
    heading = "Today, %s %d %s:" % (today.strftime("%a"), today.day,
                                    today.strftime("%b %Y"))

    for period in ("report today", "report", "report week", "report month"):
        reply = alice.ask(bot.jid, period)
        # The table sits in a preformatted block (XEP-0393); a week adds a
        # line per day after it.
        lines = [l for l in reply.splitlines()
                 if l != "```" and not l.startswith("Per day:")]
        assert len(lines) >= 3, "%s: %r" % (period, reply)
        if period in ("report today", "report"):
            assert lines[0] == heading, "%s: %r" % (period, reply)
        assert any(re.search(r"\bacme\b.*%s" % DURATION, line)
                   for line in lines[1:-1]), "%s: %r" % (period, reply)
        assert re.match(r"\s*Total\b.*%s" % DURATION, lines[-1]), \
            "%s: %r" % (period, reply)


def test_start__stops_running_timer__when_one_runs(bot, alice):
    assert alice.ask(bot.jid, "start writing 5m ago").startswith(
        "Started writing at ")
    reply = alice.ask(bot.jid, "start acme")
    assert re.fullmatch(r"Stopped writing after 5m\. Started acme at %s\."
                        % CLOCK, reply), reply

    rows = entries(bot, "alice@localhost")
    assert [(r[0], r[3] is None) for r in rows] == [
        ("writing", False), ("acme", True)], rows
    assert rows[0][3] == rows[1][2], "stopped when the next one started"


def test_start__replaces_the_timer__when_it_started_the_same_second(bot, alice,
                                                                    bob):
    for client in (alice, bob):     # a second try if the first was too slow
        replies = in_one_second(client, bot.jid, ["start writing",
                                                  "start acme"])
        if replies is not None:
            break
    else:
        pytest.fail("two commands did not fit into one second, twice")
    jid = str(client.jid).split("/")[0]
    assert re.fullmatch(r"Started acme at (%s) in place of writing, which had "
                        r"only just started\." % CLOCK, replies[1]), replies
    rows = entries(bot, jid)
    assert [(r[0], r[3]) for r in rows] == [("acme", None)], rows

    reply = client.ask(bot.jid, "undo")
    assert re.fullmatch(r"Undone: start acme \(done at %s\)\." % CLOCK,
                        reply), reply
    rows = entries(bot, jid)
    assert [(r[0], r[3]) for r in rows] == [("writing", None)], rows


def test_stop__refuses_and_points_at_cancel__when_started_the_same_second(
        bot, alice, bob):
    for client in (alice, bob):     # a second try if the first was too slow
        replies = in_one_second(client, bot.jid, ["start acme", "stop"])
        if replies is not None:
            break
    else:
        pytest.fail("two commands did not fit into one second, twice")
    jid = str(client.jid).split("/")[0]
    assert replies[1] == (
        'acme has only just started, so there is no time to record yet. To '
        'throw it away, say "cancel".'), replies
    assert [(r[0], r[3]) for r in entries(bot, jid)] == [("acme", None)]

    assert client.ask(bot.jid, "cancel").startswith("Cancelled acme ")
    assert entries(bot, jid) == []


def test_start__shows_an_example__when_project_missing(bot, alice):
    assert "Example: start" in alice.ask(bot.jid, "start")
    assert entries(bot, "alice@localhost") == []


def test_stop__says_nothing_is_running__when_idle(bot, alice):
    assert alice.ask(bot.jid, "stop") == "Nothing is running."


def test_status__says_nothing_is_running__when_idle(bot, alice):
    assert alice.ask(bot.jid, "status") == "Nothing is running. Today: 0m."


def test_report__says_no_time_recorded__when_nothing_tracked(bot, alice):
    assert alice.ask(bot.jid, "report") == "No time recorded today."
    assert alice.ask(bot.jid, "report week") == "No time recorded this week."
    assert alice.ask(bot.jid, "report month") == "No time recorded this month."


def test_report__lists_only_own_projects__when_two_users_track(bot, alice, bob):
    t0 = wall_now()
    assert alice.ask(bot.jid, "start acme").startswith("Started acme at ")
    assert bob.ask(bot.jid, "start globex").startswith("Started globex at ")
    time.sleep(max(0.0, t0 + 1.05 - time.time()))   # a whole second to report
    reply = bob.ask(bot.jid, "report")
    assert "globex" in reply and "acme" not in reply, reply
    reply = alice.ask(bot.jid, "report")
    assert "acme" in reply and "globex" not in reply, reply


def test_commands__are_understood__regardless_of_case_and_spaces(bot, alice):
    assert alice.ask(bot.jid, "STOP") == "Nothing is running."
    assert alice.ask(bot.jid, "  Status  ").startswith("Nothing is running.")
    assert alice.ask(bot.jid, "Start acme 5m ago").startswith(
        "Started acme at ")
    assert alice.ask(bot.jid, "sToP").startswith("Stopped acme after 5m ")


def test_unknown_command__suggests_help__when_word_unknown(bot, alice):
    assert alice.ask(bot.jid, "xyz") == 'I don\'t know "xyz". Try "help".'


def test_help__lists_every_command__when_asked(bot, alice):
    reply = alice.ask(bot.jid, "help")
    assert reply.startswith("Commands:"), reply
    for word in ("start", "stop", "status", "report", "help"):
        assert re.search(r"\b%s\b" % word, reply), (word, reply)
