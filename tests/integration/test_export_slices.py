"""A long export runs in slices on the bot's event loop: another user's
command sent while it is being prepared is answered before it, and the
file is still byte for byte what `timmy export` writes for the same
range, read from one snapshot taken when the export ran. A disconnect
drops an export under way, a reload leaves it be, and a stop ends the
bot cleanly with one under way. (To act while an export is under way,
the tests hold the bot's jobs (Bot.hold_jobs, a test build's hook in
bot/jobs.c) once it has begun, and let them go on after: acting within
the 100 ms an export takes raced the scheduling of server and client.)

The history (tens of thousands of entries of 2019-2025, some with tags,
some starting at the same second) is written into the database directly
before the bot starts; the dates are absolute, so the tests do not depend
on today. The server offers HTTP upload, so the file is fetched whole.
"""

import calendar
import os
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import make_client, password, stop_and_judge
from harness import Bot, PrivateProsody
from harness.bot import config_text
from test_adhoc import NS_CMD, NS_DATA, command, note, text
from test_delivery import download, private_server, read_link
from test_room import enter, team_yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
FIRST, LAST = "2019-01-01", "2025-12-31"
RANGE = "%s..%s" % (FIRST, LAST)
BASE = calendar.timegm((2019, 1, 1, 0, 0, 0))
# Entries of alice's: some seconds of work for the bot at once (more
# under the sanitizers), so a command sent after it arrives mid-way.
ENTRIES = 20000


@pytest.fixture(scope="module")
def upload_server():
    """Prosody with HTTP upload of files up to 16 MiB; timmy, alice and
    bob."""
    s = private_server(upload=True, upload_size_limit=16 * 1024 * 1024)
    try:
        s.register("bob", password("bob"))
    except BaseException:
        s.close()
        raise
    yield s
    s.close()


def write_history(path, n):
    """A database made from schema.sql holding n entries of alice's: one
    every 90 minutes from 2019-01-01 00:00 UTC, an hour long, every
    third with tags, every seventh starting at the second of the one
    before it (the file then orders them by number)."""
    con = sqlite3.connect(path)
    try:
        with open(os.path.join(ROOT, "schema.sql"), encoding="utf-8") as f:
            con.executescript(f.read())
        con.execute("INSERT INTO users (id, jid, next_seq) VALUES "
                    "(1, 'alice@localhost', ?), (2, 'bob@localhost', 1)",
                    (n + 1,))
        rows, tags = [], []
        start = BASE
        for i in range(1, n + 1):
            if i % 7 != 0:
                start = BASE + (i - 1) * 5400
            rows.append((i, 1, i, "acme" if i % 2 else "globex",
                         "note %d, \"quoted\"" % i, start, start + 3600))
            if i % 3 == 0:
                tags += [(i, "design"), (i, "x%d" % (i % 5))]
        con.executemany("INSERT INTO entries (id, user_id, seq, project, "
                        "note, start, stop) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        rows)
        con.executemany("INSERT INTO entry_tags (entry_id, tag) "
                        "VALUES (?, ?)", tags)
        con.commit()
    finally:
        con.close()


@pytest.fixture
def bot(upload_server, timmy_bin, request):
    """A bot on upload_server allowing alice and bob, started on a
    database that holds alice's history; it must exit 0 on SIGTERM
    without a sanitizer report."""
    b = Bot(upload_server, allow=[upload_server.jid("alice"),
                                  upload_server.jid("bob")],
            binary=timmy_bin)
    request.node.timmy_bot = b
    try:
        write_history(b.db_path, ENTRIES)
        b.start()
        b.wait_log("HTTP upload: ", timeout=15)
        yield b
        stop_and_judge(b)
    finally:
        b.close()


@pytest.fixture
def users(upload_server):
    """users("alice", ...) -> those users logged in, closed after."""
    clients = []

    def connect(*names):
        clients.extend(make_client(upload_server, n) for n in names)
        return clients[-len(names):]
    yield connect
    for c in clients:
        c.disconnect()


def cli_export(bot, fmt, first=FIRST, last=LAST):
    """What `timmy export` writes of alice's entries from day first to
    day last in fmt."""
    return subprocess.run(
        [bot.binary, "export", "-c", bot.config_path, "--user",
         "alice@localhost", "--from", first, "--to", last, "--format", fmt],
        check=True, capture_output=True, timeout=120).stdout


def reply_to(client, bot, what):
    """The next message with a body from bot (chat states skipped)."""
    return client.next_message(bot.jid, timeout=120, what=what)


def test_status__is_answered_before_the_export__when_sent_while_the_export_is_prepared(
        bot, users):
    alice, bob = users("alice", "bob")
    reference = cli_export(bot, "csv")

    bot.hold_jobs()
    alice.send(bot.jid, "export csv %s" % RANGE)
    # The "composing" that goes out before the export runs.
    state = alice.next_message(bot.jid, timeout=60, with_body=False,
                               what="composing")
    assert state.body is None, state.xml
    status = status_amid(bot, bob, "alice@localhost/test")
    export = reply_to(alice, bot, "reply to export")
    assert status.body.startswith("Nothing is running."), status.body
    assert export.body.startswith("Export of "), export.body
    assert status.at < export.at, (
        "the status reply came %.3f s after the export's" % (
            status.at - export.at))
    assert ": %d entries as timmy-%s_%s.csv, " % (ENTRIES, FIRST, LAST) in (
        export.body), export.body

    data = download(bot.server, read_link(alice, bot))
    assert data == reference


def test_export__holds_what_was_there_when_asked__when_entries_change_meanwhile(
        bot, users):
    (alice,) = users("alice")
    # Two years: some 11,700 entries, a JSON file under the 4 MiB limit.
    reference = cli_export(bot, "json", FIRST, "2020-12-31")

    bot.hold_jobs()
    alice.send(bot.jid, "export json %s..2020-12-31" % FIRST)
    bot.wait_log("the export for alice@localhost/test goes on in slices",
                 timeout=60)
    # Into a gap of the history, and out of it.
    alice.send(bot.jid, "add acme 10:00-10:30 2020-06-03 after the export")
    alice.send(bot.jid, "delete 1")
    added = reply_to(alice, bot, "reply to add")
    deleted = reply_to(alice, bot, "reply to delete")
    bot.release_jobs()
    export = reply_to(alice, bot, "reply to export")
    assert added.body.startswith("Added "), added.body
    assert deleted.body.startswith("Deleted "), deleted.body
    assert export.body.startswith("Export of "), export.body
    assert "cut short" not in export.body, export.body

    data = download(bot.server, read_link(alice, bot))
    assert data == reference
    assert b"after the export" not in data
    # The next export sees the changes.
    changed = cli_export(bot, "json", FIRST, "2020-12-31")
    assert b"after the export" in changed and b'"id":1,' not in changed


def test_export__is_refused__when_the_same_user_asks_again_while_it_is_prepared(
        bot, users):
    (alice,) = users("alice")

    begun(alice, bot, "export csv %s" % RANGE)
    alice.send(bot.jid, "export json %s" % RANGE)
    first = reply_to(alice, bot, "the first reply")
    assert first.body == ("Your last export is still being prepared; ask "
                          "again when it is done."), first.body
    bot.release_jobs()
    second = reply_to(alice, bot, "the second reply")
    assert second.body.startswith("Export of "), second.body
    assert ".csv, " in second.body, second.body
    read_link(alice, bot)
    assert "refused an export for alice@localhost: Your last export is " \
        "still being prepared" in bot.log()
    # And once it is done, the next one goes.
    time.sleep(0.2)
    alice.send(bot.jid, "export csv 2019-01-02")
    third = reply_to(alice, bot, "the third reply")
    assert third.body.startswith("Export of "), third.body


def begun(client, bot, command):
    """Sends command (a long export) and returns once the bot has begun
    it (its "composing"), its jobs held (Bot.hold_jobs)."""
    bot.hold_jobs()
    client.send(bot.jid, command)
    client.next_message(bot.jid, timeout=60, with_body=False,
                        what="composing")


def status_amid(bot, client, asker):
    """The reply to client's status, sent while an export of asker's (a
    JID), asked with the bot's jobs held (Bot.hold_jobs), is under way;
    the jobs go on after it."""
    bot.wait_log("the export for %s goes on in slices" % asker, timeout=60)
    client.send(bot.jid, "status")
    status = reply_to(client, bot, "reply to status")
    bot.release_jobs()
    return status


def test_export__is_dropped_and_can_be_asked_again__when_the_connection_breaks_while_it_is_prepared(
        upload_server, bot, users):
    (alice,) = users("alice")
    begun(alice, bot, "export csv %s" % RANGE)
    # Gone first: a client that lived through the restart would send
    # its export again.
    alice.disconnect()
    upload_server.restart()
    bot.wait_log("dropped the export for alice@localhost/test before it "
                 "was done: disconnected", timeout=30)
    bot.release_jobs()
    end = time.monotonic() + 30
    while bot.log().count("online as") < 2:
        assert time.monotonic() < end, bot.log_tail()
        time.sleep(0.05)

    (alice,) = users("alice")
    alice.send(bot.jid, "export csv %s" % RANGE)
    # The server may hand the bot the first export again (what the bot
    # had not acknowledged goes to offline storage): then that one runs,
    # and this one is refused as her second, or follows it.
    replies = [reply_to(alice, bot, "reply to export").body]
    if replies[0].startswith(("Your last export is still being prepared",
                              "Your last export is still being uploaded")):
        replies.append(reply_to(alice, bot, "the export's reply").body)
    assert replies[-1].startswith("Export of "), replies


def test_export__is_answered_whole__when_the_configuration_is_reloaded_while_it_is_prepared(
        bot, users):
    (alice,) = users("alice")
    reference = cli_export(bot, "csv")
    begun(alice, bot, "export csv %s" % RANGE)
    bot.signal(signal.SIGHUP)
    bot.wait_log("configuration reloaded", timeout=30)
    bot.release_jobs()
    export = reply_to(alice, bot, "reply to export")
    assert export.body.startswith("Export of "), export.body
    assert download(bot.server, read_link(alice, bot)) == reference
    assert "configuration reloaded" in bot.log()


def test_bot__exits_cleanly__when_stopped_while_an_export_is_prepared(
        bot, users):
    (alice,) = users("alice")
    begun(alice, bot, "export csv %s" % RANGE)
    bot.signal(signal.SIGTERM)
    assert bot.wait(30) == 0
    assert "dropped the export for alice@localhost/test before it was " \
        "done" in bot.log()
    # Nothing came of it.
    assert not [m for m in alice.unread(bot.jid) if m.body]


def test_export_form__completes_after_another_users_status__for_a_long_export(
        bot, users):
    alice, bob = users("alice", "bob")
    reference = cli_export(bot, "csv")
    form = command(alice, bot, "export")
    answer = {}

    def complete():
        answer["iq"] = alice.iq(bot.full_jid, (
            "<command xmlns='%s' node='export' action='complete' "
            "sessionid='%s'><x xmlns='%s' type='submit'>"
            "<field var='format'><value>csv</value></field>"
            "<field var='range'><value>%s</value></field></x></command>") % (
                NS_CMD, form.get("sessionid"), NS_DATA, RANGE),
            itype="set", timeout=120)
        answer["at"] = time.monotonic()
    worker = threading.Thread(target=complete)
    bot.hold_jobs()
    worker.start()
    status = status_amid(bot, bob, "alice@localhost/test")
    worker.join(120)

    assert status.body.startswith("Nothing is running."), status.body
    assert status.at < answer["at"]
    c = answer["iq"].find("{%s}command" % NS_CMD)
    assert c is not None and c.get("status") == "completed", text(answer["iq"])
    assert note(c).startswith("Export of "), note(c)
    assert ": %d entries as timmy-%s_%s.csv, " % (ENTRIES, FIRST, LAST) in (
        note(c)), note(c)
    assert note(c).endswith(" Sent to you in a chat message."), note(c)
    assert download(bot.server, read_link(alice, bot)) == reference


@pytest.fixture(scope="module")
def muc_server():
    """Prosody with rooms (conference.localhost), no upload."""
    with PrivateProsody(muc=True) as s:
        for user in ("timmy", "alice", "bob"):
            s.register(user, password(user))
        yield s


def test_room__another_users_status_is_answered_first__while_an_export_asked_in_the_room_is_prepared(
        muc_server, timmy_bin, request):
    room = muc_server.room("slices")
    b = Bot(muc_server, allow=[muc_server.jid("alice"),
                               muc_server.jid("bob")], binary=timmy_bin)
    request.node.timmy_bot = b
    try:
        b.write_config(config_text(**b.settings) + team_yaml(
            muc_server, room, projects=("acme", "globex")))
        write_history(b.db_path, ENTRIES)
        b.start()
        with muc_server.client("alice", password("alice"),
                               drop_offline=True) as alice, \
                muc_server.client("bob", password("bob"),
                                  drop_offline=True) as bob:
            enter(room, (alice, "alice"), (bob, "bob"))
            b.hold_jobs()
            alice.say(room, "timmy: export csv %s" % RANGE)
            status = status_amid(b, bob, "alice@localhost")
            export = reply_to(alice, b, "private reply to export")
            assert status.body.startswith("Nothing is running."), status.body
            assert export.type == "chat", export.xml
            assert export.body.startswith("Export of "), export.body
            assert ": %d entries as " % ENTRIES in export.body, export.body
            assert status.at < export.at
        stop_and_judge(b)
    finally:
        b.close()
