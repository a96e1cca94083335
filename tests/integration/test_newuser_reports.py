"""What a new user met in reports and exports, through a real Prosody:
report by tag without the untagged time, no per-day line when grouped by
project, tags in another order from reply to reply, a CSV note that a
spreadsheet would run as a formula, and iCalendar UIDs that every timmy
gives its first entry.

Entries lie on fixed past days (2025-06-02 is a Monday), so the tests do
not depend on the time or the day they run on. The shared server has no
HTTP upload, so an exported file comes inline, after the reply that
describes it.
"""

import csv
import io
import json
import re

from conftest import password, stop_and_judge_all
from harness import Bot, run_timmy

MON = "2025-06-02"
TUE = "2025-06-03"
WEEK = "2025-06-02..2025-06-08"
PART = re.compile(r"\((\d+)/(\d+)\) ([^\n]+)\n")


def add(client, bot, *bodies):
    for body in bodies:
        reply = client.ask(bot.jid, body)
        assert reply.startswith("Added #"), (body, reply)


def export_file(client, bot, command):
    """Sends an export command; returns (reply, the file's text), the file
    pasted together from its inline parts."""
    reply = client.ask(bot.jid, command)
    assert reply.startswith("Export of "), reply
    chunks, total = [], None
    while total is None or len(chunks) < total:
        body = client.next_message(bot.jid, timeout=15,
                                   what="inline part").body
        m = PART.match(body)
        assert m, "not an inline part: %r" % body[:200]
        total = int(m.group(2))
        chunks.append(body[m.end():])
    return reply, "".join(chunks)


def table(reply):
    """The lines of the preformatted block of a report."""
    return reply.split("```")[1].strip("\n").split("\n")


def uid(ics):
    m = re.search(r"^UID:(.*)$", ics, re.M)
    assert m, ics
    return m.group(1).strip()


# -- report by tag --------------------------------------------------------

def test_report_by_tag__shows_untagged_time_in_its_own_row__when_entries_have_no_tag(
        bot, alice):
    add(alice, bot, "add acme +draft 9:00-9:10 %s" % MON,
        "add acme 10:00-13:00 %s" % MON)
    reply = alice.ask(bot.jid, "report %s by tag" % MON)
    assert table(reply) == [
        "+draft        10m",
        "(no tag)   3h 00m",
        "Total      3h 10m",
    ], reply
    # One tag per entry at most: the rows add up, and nothing says else.
    assert "several tags" not in reply


def test_report_by_tag__says_why_rows_add_up_to_more__when_an_entry_has_two_tags(
        bot, alice):
    add(alice, bot, "add acme +design +billable 9:00-10:00 %s" % MON,
        "add acme 10:00-10:30 %s" % MON)
    reply = alice.ask(bot.jid, "report %s by tag" % MON)
    assert table(reply) == [
        "+billable   1h 00m",
        "+design     1h 00m",
        "(no tag)       30m",
        "Total       1h 30m",
    ], reply
    assert reply.endswith("```\nAn entry with several tags counts under "
                          "each of them, so the rows add up to more than "
                          "the total."), reply


# -- the per-day line -------------------------------------------------------

def test_report_by_project_and_by_tag__have_the_per_day_line__of_the_same_week(
        bot, alice):
    add(alice, bot, "add acme +x 9:00-10:00 %s" % MON,
        "add globex 9:00-9:30 %s" % TUE)
    line = "Per day: Mon 2 1h 00m, Tue 3 30m"
    plain = alice.ask(bot.jid, "report %s" % WEEK)
    assert plain.endswith("\n" + line), plain
    for grouping in ("by project", "by tag"):
        reply = alice.ask(bot.jid, "report %s %s" % (WEEK, grouping))
        assert reply.endswith("\n" + line), (grouping, reply)
    assert "Per day" not in alice.ask(bot.jid, "report %s by day" % WEEK)


# -- tag order ---------------------------------------------------------------

def test_tags__read_in_one_order__in_every_reply_and_export(bot, alice):
    started = alice.ask(bot.jid, "start acme +design +billable 2m ago")
    assert started.startswith("Started acme +billable +design at "), started
    status = alice.ask(bot.jid, "status")
    assert status.startswith("Running: acme +billable +design since "), status
    stopped = alice.ask(bot.jid, "stop")
    assert stopped.startswith("Stopped acme +billable +design after "), stopped

    added = alice.ask(bot.jid, "add globex +Zeta +alpha 9:00-10:00 %s" % MON)
    assert added.startswith("Added #2 globex +alpha +Zeta "), added
    edited = alice.ask(bot.jid, "edit 2 +beta")
    assert edited.startswith("Changed #2 globex +alpha +beta +Zeta "), edited
    log = alice.ask(bot.jid, "log %s" % MON)
    assert "globex +alpha +beta +Zeta" in log, log

    _, text = export_file(alice, bot, "export csv %s" % MON)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][2] == "alpha beta Zeta", rows
    _, text = export_file(alice, bot, "export json %s" % MON)
    assert json.loads(text)[0]["tags"] == ["alpha", "beta", "Zeta"], text
    _, text = export_file(alice, bot, "export ical %s" % MON)
    assert "\nCATEGORIES:alpha,beta,Zeta\n" in text, text
    assert "\nSUMMARY:globex +alpha +beta +Zeta\n" in text, text


# -- CSV injection -------------------------------------------------------------

def test_export_csv__formula_cells_get_a_quote__json_and_ical_keep_the_text(
        bot, alice):
    add(alice, bot, 'add "=HYPERLINK(1)" +-x 9:00-10:00 %s =1+2' % MON,
        "add acme 10:00-11:00 %s @SUM(A1) or -5" % MON)
    _, text = export_file(alice, bot, "export csv %s" % MON)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1:4] == ["'=HYPERLINK(1)", "'-x", "'=1+2"], rows
    assert rows[2][1:4] == ["acme", "", "'@SUM(A1) or -5"], rows
    _, text = export_file(alice, bot, "export json %s" % MON)
    first = json.loads(text)[0]
    assert (first["project"], first["tags"], first["note"]) == (
        "=HYPERLINK(1)", ["-x"], "=1+2"), text
    _, text = export_file(alice, bot, "export ical %s" % MON)
    assert "\nDESCRIPTION:=1+2\n" in text, text


# -- iCalendar UIDs ------------------------------------------------------------

def test_export_ical__uid_unique_to_user_entry_and_bot__stable_across_exports(
        server, bot, alice, bob, timmy_bin):
    add(alice, bot, "add acme 9:00-10:00 %s" % MON)
    add(bob, bot, "add acme 9:00-10:00 %s" % MON)
    _, text = export_file(alice, bot, "export ical %s" % MON)
    mine = uid(text)
    assert re.fullmatch(r"timmy-[0-9a-f]{16}-1@localhost", mine), mine
    assert "alice" not in mine
    # The same entry, edited, exported again: the same event.
    assert alice.ask(bot.jid, "edit 1 note moved").startswith("Changed #1")
    _, text = export_file(alice, bot, "export ical %s" % MON)
    assert uid(text) == mine
    # The command line's export of the same entry agrees.
    r = run_timmy(["export", "-c", bot.config_path, "--user",
                   server.jid("alice"), "--format", "ical", "--from", MON,
                   "--to", MON], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    assert uid(r.stdout) == mine
    # Another user's #1 is another event.
    _, text = export_file(bob, bot, "export ical %s" % MON)
    assert uid(text) != mine

    # So is alice's #1 with another bot (another account on the server).
    other = Bot(server, jid=server.jid("carol"), password=password("carol"),
                allow=[server.jid("alice")], binary=timmy_bin)
    try:
        other.start()
        add(alice, other, "add acme 9:00-10:00 %s" % MON)
        _, text = export_file(alice, other, "export ical %s" % MON)
        theirs = uid(text)
        assert re.fullmatch(r"timmy-[0-9a-f]{16}-1@localhost", theirs), theirs
        assert theirs != mine
    finally:
        stop_and_judge_all([other])
