"""pause and resume through the real server: the break stops the clock of
the running entry without closing it; stop, status, log, report and export
leave the break out; "edit ID break" adds one after the fact; undo takes
each step back.

Live timers use times a few minutes ago ("start acme 30m ago", "pause 20m
ago"), which hold at any hour; the durations compared do not depend on the
day. Breaks after the fact go on fixed 2025 dates.
"""

import re

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
        r"at (%s): the time since is no work \(%s–\1\)\." % (WHEN, WHEN))
    ask(alice, bot, "status", r"Nothing is running\. .*")
