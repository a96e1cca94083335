"""What timmy keeps of the messages it has handled (handled_messages), so
that one delivered again is applied once: a fixed-size key however long
the client's origin-id, the STORE_MSG_KEEP newest rows per user (and
fewer than STORE_MSG_BATCH older ones, dropped together), none older
than STORE_MSG_DAYS days, and a redelivered message still gets its first
reply."""

import sqlite3
import time

import pytest

# storage/store.h
STORE_MSG_KEEP = 1000
STORE_MSG_BATCH = 64
STORE_MSG_DAYS = 30
KEY_LEN = 40  # hex digits of a SHA-1

# Sent and read in batches: the bot answers in order, and the client
# never has more than this many replies outstanding.
BATCH = 50


def long_origin_id(i):
    """A 500-byte origin-id, unique per i, as a client may choose."""
    return ("%06d-" % i) + "x" * 493


def tz_command(i):
    """A change that is quick to make and to check, whatever the date."""
    return "tz Asia/Tokyo" if i % 2 else "tz UTC"


def handled_bytes(bot):
    """Bytes of the pages of handled_messages and all its indexes."""
    return bot.query(
        "SELECT sum(pgsize) FROM dbstat WHERE name IN"
        " (SELECT name FROM sqlite_schema"
        "  WHERE tbl_name = 'handled_messages')")[0][0]


@pytest.mark.sqlite_only("measures the SQLite file's pages (dbstat)")
def test_handled_messages__stay_bounded__when_many_commands_carry_long_ids(
        bot, alice):
    n = STORE_MSG_KEEP + 100
    last_reply = None
    for start in range(0, n, BATCH):
        batch = range(start, min(start + BATCH, n))
        for i in batch:
            alice.send(bot.jid, tz_command(i), origin_id=long_origin_id(i))
        for i in batch:
            last_reply = alice.next_message(bot.jid, timeout=30).body
            assert last_reply.startswith("Your time zone is now"), \
                (i, last_reply)

    rows = bot.query("SELECT count(*), min(length(msg_key)),"
                     " max(length(msg_key)), max(length(reply))"
                     " FROM handled_messages")[0]
    # The newest STORE_MSG_KEEP, and those handled since the last
    # multiple of STORE_MSG_BATCH dropped the older ones, each with a
    # 40-digit key, not the 502-byte "o:..." the client's id would make.
    kept = STORE_MSG_KEEP + n % STORE_MSG_BATCH
    assert rows[0] == kept, rows
    assert rows[1] == rows[2] == KEY_LEN, rows
    assert rows[3] < 200, rows
    # Table and indexes: some 100 to 200 bytes a row, not the 5 KB that
    # keeping the raw key (in the table and in an index) took.
    size = handled_bytes(bot)
    assert size < 300 * STORE_MSG_KEEP, size

    # The last message, delivered again, is still known: it gets its
    # first reply and changes nothing.
    alice.send(bot.jid, tz_command(n - 1), origin_id=long_origin_id(n - 1))
    assert alice.next_message(bot.jid, timeout=10).body == last_reply
    assert bot.query("SELECT count(*) FROM handled_messages") == [(kept,)]


def execute(bot, sql, *params):
    """Runs one change on the bot's database (while it is stopped)."""
    con = sqlite3.connect(bot.db_path, timeout=5)
    try:
        with con:
            con.execute(sql, params)
    finally:
        con.close()


@pytest.mark.sqlite_only("ages the rows with SQLite's own connection")
def test_handled_messages__are_pruned_at_start__when_older_than_30_days(
        bot, alice, bob):
    alice.send(bot.jid, "tz UTC", origin_id="old-message")
    assert alice.next_message(bot.jid).body.startswith("Your time zone is")
    bob.send(bot.jid, "tz UTC", origin_id="recent-message")
    bob_reply = bob.next_message(bot.jid).body
    assert bot.query("SELECT count(*) FROM handled_messages") == [(2,)]
    assert bot.stop() == 0

    # Alice's message was handled 31 days ago, Bob's 29 days ago; neither
    # writes again, so only a prune that does not wait for them drops
    # Alice's.
    now = int(time.time())
    day = 86400
    for user, days in (("alice", STORE_MSG_DAYS + 1),
                       ("bob", STORE_MSG_DAYS - 1)):
        execute(bot, "UPDATE handled_messages SET at = ? WHERE user_id ="
                " (SELECT id FROM users WHERE jid LIKE ?)",
                now - days * day, user + "@%")

    bot.start()
    bot.wait_log("dropped 1 message keys older than 30 days", timeout=10)
    owners = bot.query("SELECT u.jid FROM handled_messages AS m"
                       " JOIN users AS u ON u.id = m.user_id")
    assert [o[0].split("@")[0] for o in owners] == ["bob"], owners
    # Bob's message, delivered again, is still known: its first reply.
    bob.send(bot.jid, "tz UTC", origin_id="recent-message")
    assert bob.next_message(bot.jid).body == bob_reply
    assert bot.query("SELECT count(*) FROM handled_messages") == [(1,)]
