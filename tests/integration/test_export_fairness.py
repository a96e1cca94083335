"""Large inline exports against a server that reads the bot slowly: other
users' answers do not wait behind them, a user gets one export at a time,
an export costs more than one command of the rate limit, and a disconnect
drops the rest of a file cleanly.

The server is Prosody with its default client read limit (10 KiB/s) and
no HTTP upload, so every export comes inline. The history (3,900 entries
of 2025 with long notes, an export cut at its 4 MiB limit: 558 parts of
8 KiB) is written into the database directly before the bot starts;
the dates are absolute, so the tests do not depend on today.
"""

import calendar
import os
import re
import sqlite3
import time

import pytest

from conftest import password, stop_and_judge_all
from harness import Bot, PrivateProsody

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PART = re.compile(r"\((\d+)/(\d+)\) ([^\n]+)\n")
YEAR = "export csv 2025-01-01..2025-12-31"
JANUARY = "export csv 2025-01-01..2025-01-31"
# 2025-01-01 00:00 UTC (the bots' zone).
BASE = calendar.timegm((2025, 1, 1, 0, 0, 0))
NOTE = "n" * 1000  # the longest note there is
# Entries for the largest export there is (cut at 4 MiB): 558 parts at
# the default inline_part_bytes.
HEAVY = 3900


@pytest.fixture(scope="module")
def slow_server():
    """No HTTP upload; Prosody reads each client at its default 10 KiB/s."""
    with PrivateProsody(c2s_rate="10kb/s", c2s_burst="2s") as s:
        for user in ("timmy", "alice", "bob"):
            s.register(user, password(user))
        yield s


def write_history(path, counts):
    """A database made from schema.sql holding, for each JID in counts,
    that many 45-minute entries of 2025 with a 1000-byte note: eleven a
    day from 8:00 UTC, from 1 January on."""
    con = sqlite3.connect(path)
    try:
        with open(os.path.join(ROOT, "schema.sql"), encoding="utf-8") as f:
            con.executescript(f.read())
        for uid, (jid, n) in enumerate(sorted(counts.items()), 1):
            con.execute("INSERT INTO users (id, jid, next_seq) "
                        "VALUES (?, ?, ?)", (uid, jid, n + 1))
            rows = []
            for i in range(n):
                day, k = divmod(i, 11)
                start = BASE + day * 86400 + (8 + k) * 3600
                rows.append((uid, i + 1, "acme", NOTE, start, start + 2700))
            con.executemany(
                "INSERT INTO entries (user_id, seq, project, note, start, "
                "stop) VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.commit()
    finally:
        con.close()


@pytest.fixture
def make_bot(slow_server, timmy_bin, request):
    """make_bot(counts, limits=None) -> a started bot on slow_server whose
    database holds counts (bare JID -> entries); limits None: timmy's
    default rate limit. Each bot must exit 0 on SIGTERM without a
    sanitizer report."""
    bots = []

    def make(counts, limits=None):
        # A bot of its own directory and database (gone with it), filled
        # before it starts.
        b = Bot(slow_server, allow=[slow_server.jid("alice"),
                                    slow_server.jid("bob")],
                binary=timmy_bin, limits=limits)
        bots.append(b)
        request.node.timmy_bot = b
        write_history(b.db_path, counts)
        b.start()
        b.wait_log("HTTP upload: ", timeout=15)
        return b
    yield make
    stop_and_judge_all(bots)


@pytest.fixture
def users(slow_server):
    """users("alice", ...) -> those users logged in to slow_server, closed
    after the test."""
    clients = []

    def connect(*names):
        for name in names:
            # What an earlier test's bot sent after its clients left.
            slow_server.drop_offline(name)
            clients.append(slow_server.client(name, password(name)))
        return clients[-len(names):]
    yield connect
    for c in clients:
        c.disconnect()


def delayed(msg):
    """True for a message with a delay stamp (XEP-0203): left over from an
    earlier test's bot, whose parts reached a hibernating or offline
    session."""
    return msg.element.find("{urn:xmpp:delay}delay") is not None


def fresh(client, bot, timeout=10, what="message"):
    """The next message from bot that is not delayed()."""
    end = time.monotonic() + timeout
    while True:
        m = client.next_message(bot.jid, what=what,
                                timeout=max(end - time.monotonic(), 0.1))
        if not delayed(m):
            return m


def part_of(msg):
    """(i, n, name) of an inline part, or None for any other message."""
    m = PART.match(msg.body or "")
    return (int(m.group(1)), int(m.group(2)), m.group(3)) if m else None


def next_text(client, bot, timeout=10):
    """The body of the next message from bot that is not an inline part
    (parts are skipped)."""
    end = time.monotonic() + timeout
    while True:
        m = fresh(client, bot, timeout=max(end - time.monotonic(), 0.1))
        if part_of(m) is None:
            return m.body


def start_heavy_export(alice, bot):
    """Asks for the whole of 2025 and reads the reply and the first part;
    returns the number of parts."""
    alice.send(bot.jid, YEAR)
    reply = fresh(alice, bot, timeout=30, what="reply to export")
    assert reply.body.startswith("Export of "), reply.body[:200]
    first = part_of(fresh(alice, bot, timeout=30, what="part 1"))
    assert first is not None and first[0] == 1, first
    assert first[1] > 400, first  # megabytes: minutes at 10 KiB/s
    return first[1]


def test_status__is_answered_within_1s__while_another_user_gets_a_4mib_export_inline(
        make_bot, users):
    bot = make_bot({"alice@localhost": HEAVY, "bob@localhost": 0})
    alice, bob = users("alice", "bob")
    n = start_heavy_export(alice, bot)

    # Prosody reads 8 KiB of a client, then pauses 0.8 s: the one part the
    # bot lets stand before a reply costs it up to that.
    for _ in range(6):
        started = time.monotonic()
        reply = bob.ask(bot.jid, "status", timeout=10)
        took = time.monotonic() - started
        assert reply.startswith("Nothing is running."), reply
        assert took < 1.0, "status took %.2f s during the export" % took
        time.sleep(0.3)

    # Meanwhile alice's parts went on, in order.
    got = [m for m in alice.unread(bot.jid)
           if m.body is not None and not delayed(m)]
    seen = [part_of(m) for m in got]
    assert seen and None not in seen, [m.body[:100] for m in got]
    assert [p[0] for p in seen] == list(range(2, len(seen) + 2)), seen
    assert all(p[1] == n for p in seen)


def test_export__is_refused_with_how_far_the_last_one_is__while_it_is_being_sent(
        make_bot, users):
    # 6 commands a minute after a burst of 10: no token comes back
    # within the test, so what each export costs shows.
    bot = make_bot({"alice@localhost": HEAVY, "bob@localhost": 3},
                   limits={"commands_per_minute": 6, "burst": 10})
    alice, bob = users("alice", "bob")
    n = start_heavy_export(alice, bot)

    alice.send(bot.jid, YEAR)
    refusal = next_text(alice, bot)
    m = re.match(r"Your last export is still being sent \(part (\d+) of "
                 r"(\d+)\); ask again when it is done\.$", refusal)
    assert m, refusal
    assert 1 <= int(m.group(1)) < n and int(m.group(2)) == n
    assert "refused an export of " in bot.log()

    # Two exports took all ten tokens (5 each, the refused one too): the
    # next command is over the rate limit.
    alice.send(bot.jid, "status")
    text = next_text(alice, bot)
    assert text.startswith("You are sending commands faster than I take "
                           "them"), text

    # Another user's export is not held up: its first (here only) part
    # goes right after the one of alice's the server is reading. Some
    # 1.2 s: her part (0.8 s at 10 KiB/s), then bob's reply and part.
    started = time.monotonic()
    bob.send(bot.jid, JANUARY)
    described = fresh(bob, bot).body
    assert described.startswith("Export of ") and (
        ": 3 entries as timmy-2025-01-01_2025-01-31.csv" in described), (
            described)
    only = part_of(fresh(bob, bot))
    assert only is not None and only[:2] == (1, 1), only
    assert time.monotonic() - started < 2.0


def test_export__is_dropped_after_the_part_reached_and_taken_again__when_the_connection_breaks(
        slow_server, make_bot, users):
    bot = make_bot({"alice@localhost": HEAVY, "bob@localhost": 0})
    (alice,) = users("alice")
    start_heavy_export(alice, bot)

    slow_server.restart()
    bot.wait_log("dropped the delivery of timmy-", timeout=15)
    assert re.search(r"dropped the delivery of timmy-\S+\.csv to "
                     r"alice@localhost/\S+ after part \d+ of \d+: "
                     r"disconnected", bot.log()), bot.log_tail()
    end = time.monotonic() + 30
    while bot.log().count("online as") < 2:
        assert time.monotonic() < end, bot.log_tail()
        time.sleep(0.05)

    # The file is gone with the stream: the next export is not refused.
    (alice,) = users("alice")
    alice.send(bot.jid, JANUARY)
    reply = fresh(alice, bot, timeout=15, what="reply to export")
    assert reply.body.startswith("Export of "), reply.body[:200]
