"""pause and resume through the real server: the break stops the clock of
the running entry without closing it; stop, status, log, report and export
leave the break out; "edit ID break" adds one after the fact; undo takes
each step back.

Live timers use times a few minutes ago ("start acme 30m ago", "pause 20m
ago"), which hold at any hour; the durations compared do not depend on the
day. Breaks after the fact go on fixed 2025 dates.
"""

import csv
import io
import json
import re

from harness import run_timmy

ALICE = "alice@localhost"
WHEN = r"(?:\w{3} \d{1,2} \w{3} )?\d{2}:\d{2}"


def ask(client, bot, body, pattern):
    reply = client.ask(bot.jid, body)
    assert re.fullmatch(pattern, reply), (body, reply)
    return reply


def test_pause__leaves_the_break_out__of_stop_status_and_report(bot, alice):
    ask(alice, bot, "start acme 30m ago", r"Started acme at %s\." % WHEN)
    ask(alice, bot, "pause 20m ago",
        r"Paused acme at %s \(worked 10m\)\. Say \"resume\" to go on\." % WHEN)
    ask(alice, bot, "status",
        r"Paused since %s \(acme, worked 10m\)\. Today: .*\. "
        r"Say \"resume\" to go on\." % WHEN)
    ask(alice, bot, "pause", r"acme has been paused since %s already\. "
        r"Say \"resume\" to go on\." % WHEN)
    ask(alice, bot, "resume 10m ago",
        r"Resumed acme at %s after a break of 10m \(worked 20m\)\." % WHEN)
    ask(alice, bot, "resume", r"acme is running, not paused\.")
    ask(alice, bot, "status",
        r"Running: acme since %s \(20m, breaks 10m\)\. Today: .*\." % WHEN)
    ask(alice, bot, "stop", r"Stopped acme after 20m of work and 10m of "
        r"breaks \(%s–%s\)\." % (WHEN, WHEN))
    report = alice.ask(bot.jid, "report yesterday..today")
    assert re.search(r"\nacme +20m\n", report), report
    assert re.search(r"\nTotal +20m\n", report), report


def test_undo__takes_back_pause_resume_and_stop__one_at_a_time(bot, alice):
    ask(alice, bot, "start acme 30m ago", r"Started acme at %s\." % WHEN)
    ask(alice, bot, "pause 20m ago", r"Paused acme .*")
    ask(alice, bot, "resume 10m ago", r"Resumed acme .*")
    ask(alice, bot, "stop", r"Stopped acme after 20m .*")
    ask(alice, bot, "undo", r"Undone: stop acme .*")
    ask(alice, bot, "status",
        r"Running: acme since %s \(20m, breaks 10m\)\. .*" % WHEN)
    ask(alice, bot, "undo", r"Undone: resume acme .*")
    ask(alice, bot, "status", r"Paused since %s \(acme, worked 10m\)\. .*"
        % WHEN)
    ask(alice, bot, "undo", r"Undone: pause acme .*")
    ask(alice, bot, "status", r"Running: acme since %s \(30m\)\. .*" % WHEN)


def test_stop__ends_the_entry_at_the_pause__when_paused(bot, alice):
    ask(alice, bot, "start acme 30m ago", r"Started acme at %s\." % WHEN)
    ask(alice, bot, "pause 20m ago", r"Paused acme .*")
    ask(alice, bot, "stop", r"Stopped acme after 10m, where it was paused "
        r"at %s: the time since is no work \(%s–%s\)\." % (WHEN, WHEN, WHEN))
    ask(alice, bot, "status", r"Nothing is running\. .*")


def export(bot, timmy_bin, fmt):
    r = run_timmy(["export", "-c", bot.config_path, "--user", ALICE,
                   "--format", fmt], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_log_and_export__leave_the_break_out__after_pause_and_resume(
        bot, alice, timmy_bin):
    ask(alice, bot, "start acme 30m ago", r"Started acme at %s\." % WHEN)
    ask(alice, bot, "pause 20m ago", r"Paused acme .*")
    ask(alice, bot, "resume 10m ago", r"Resumed acme .*")
    ask(alice, bot, "stop", r"Stopped acme after 20m .*")
    log = alice.ask(bot.jid, "log yesterday..today")
    # "23:30–Mon 00:00" when the entry crosses midnight
    assert re.search(r"\n#1 +[^\n]+–[^\n]+ +20m  \(break 10m\) acme\n",
                     log), log
    [entry] = json.loads(export(bot, timmy_bin, "json"))
    assert entry["break_seconds"] == 600
    assert 1200 <= entry["duration_seconds"] < 1260
    assert [b["stop"] is not None for b in entry["breaks"]] == [True]
    rows = list(csv.reader(io.StringIO(export(bot, timmy_bin, "csv"),
                                       newline="")))
    assert rows[0][8] == "breaks_seconds"
    assert rows[1][8] == "600"
    assert 1200 <= int(rows[1][6]) < 1260
    ics = export(bot, timmy_bin, "ical")
    assert "\nDESCRIPTION:Worked 20m (break 10m)\n" in ics, ics


def test_edit_break__adds_one_after_the_fact__and_undo_takes_it_back(
        bot, alice, timmy_bin):
    ask(alice, bot, "add acme 9:00-17:30 2025-06-02", r"Added #1 acme .*")
    ask(alice, bot, "edit 1 break 12:00-12:45",
        r"Added a break 12:00–12:45 to #1 acme Mon 2 Jun 09:00–17:30 "
        r"\(7h 45m, break 45m\)\.")
    ask(alice, bot, "edit 1 break 12:30-13:00",
        r"#1 has a break at 12:00–12:45 already, which 12:30–13:00 would "
        r"overlap\.")
    ask(alice, bot, "edit 1 break 17:00-18:00",
        r"17:00–18:00 is not inside #1 .*; a break lies within its entry\.")
    log = alice.ask(bot.jid, "log 2025-06-02")
    assert "\n#1    09:00–17:30  7h 45m  (break 45m) acme\n" in log, log
    report = alice.ask(bot.jid, "report 2025-06-02")
    assert re.search(r"\nTotal +7h 45m\n", report), report
    r = run_timmy(["export", "-c", bot.config_path, "--user", ALICE,
                   "--format", "json", "--from", "2025-06-02",
                   "--to", "2025-06-02"], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    [entry] = json.loads(r.stdout)
    assert (entry["duration_seconds"], entry["break_seconds"]) == (
        7 * 3600 + 45 * 60, 45 * 60)
    ask(alice, bot, "undo", r"Undone: edit #1 break 12:00-12:45 .*")
    log = alice.ask(bot.jid, "log 2025-06-02")
    assert "\n#1    09:00–17:30  8h 30m  acme\n" in log, log
    ask(alice, bot, "edit 1 break 12:00-12:45", r"Added a break .*")
    ask(alice, bot, "edit 1 break none", r"Removed the breaks of #1 acme "
        r"Mon 2 Jun 09:00–17:30 \(8h 30m\)\.")
