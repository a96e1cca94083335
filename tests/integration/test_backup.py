"""timmy backup -c FILE OUT: a copy of the bot's SQLite database taken while
the bot runs and answers, checked, and put in place whole with mode 0600;
what it refuses (OUT a directory, "-", the database itself, a PostgreSQL
database) and how it fails (nothing left beside OUT, OUT unchanged).

The refusal of PostgreSQL needs no server: it comes before any connection,
so it runs on either backend. The others copy an SQLite file.
"""

import os
import sqlite3
import stat
import threading
from datetime import date, timedelta

import pytest

from harness import run_timmy, write_config

ALICE = "alice@localhost"
BULK = "bulk@localhost"
# Entries written past timmy for BULK, so that the copy takes many steps
# of the backup API and the bot's changes come in between them.
BULK_ENTRIES = 40000
BASE = 1600000000  # 2020-09-13, long before the entries of the chat

sqlite_only = pytest.mark.sqlite_only("copies the SQLite file")


def backup(config, out, binary, *more):
    return run_timmy(["backup", "-c", config, out] + list(more),
                     binary=binary, timeout=300)


def config_for(tmp_path, db_path, name="copy.yaml", **more):
    """A bot.yaml naming db_path: what `timmy check` of a copy reads."""
    settings = dict(jid="timmy@localhost", password="x", host="127.0.0.1",
                    port=5222, db_path=str(db_path), allow=[ALICE])
    settings.update(more)
    return write_config(str(tmp_path / name), **settings)


def fill(db_path):
    """BULK_ENTRIES stopped entries of BULK, in one transaction beside the
    running bot, as bench/gen.py writes them."""
    con = sqlite3.connect(db_path, timeout=30)
    try:
        con.executescript(
            "BEGIN IMMEDIATE;"
            "INSERT INTO users (jid, next_seq) VALUES ('%s', %d);"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
            " WHERE i < %d)"
            " INSERT INTO entries (user_id, seq, project, note, start, stop)"
            " SELECT (SELECT id FROM users WHERE jid = '%s'), i, 'bulk',"
            " 'an entry to make the file large', %d + i * 3600,"
            " %d + i * 3600 + 1800 FROM n;"
            "COMMIT;" % (BULK, BULK_ENTRIES + 1, BULK_ENTRIES, BULK, BASE,
                         BASE))
    finally:
        con.close()


def rows(db_path, query):
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def alice_seqs(db_path):
    return {s for (s,) in rows(
        db_path, "SELECT e.seq FROM entries AS e JOIN users AS u"
        " ON u.id = e.user_id WHERE u.jid = '%s'" % ALICE)}


@pytest.fixture
def stopped_db(tmp_path, timmy_bin):
    """A timmy database made by `timmy check` (no bot has it open) and
    its bot.yaml: (the database's path, the config's)."""
    db = tmp_path / "timmy.db"
    config = config_for(tmp_path, db, name="bot.yaml")
    r = run_timmy(["check", "-c", config], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    return db, config


def leftovers(directory, keep):
    return sorted(set(os.listdir(directory)) - set(keep))


@sqlite_only
def test_backup__copies_a_running_bot__that_answers_every_command_meanwhile(
        bot, alice, timmy_bin, tmp_path):
    fill(bot.db_path)
    for i in range(5):
        reply = alice.ask(bot.jid, "add acme 9:00-9:30 2026-01-0%d" % (i + 1))
        assert reply.startswith("Added #"), reply
    before = alice_seqs(bot.db_path)
    assert len(before) == 5

    # A burst of changes from another thread while the copy is taken.
    replies, stop = [], threading.Event()

    def burst():
        day = date(2025, 12, 31)
        while not stop.is_set() or len(replies) < 20:
            day -= timedelta(days=1)
            replies.append(alice.ask(
                bot.jid, "add globex 10:00-10:15 %s" % day.isoformat()))
    t = threading.Thread(target=burst)
    t.start()
    try:
        out = tmp_path / "backups" / "timmy.db"
        out.parent.mkdir()
        r = backup(bot.config_path, str(out), timmy_bin)
    finally:
        stop.set()
        t.join(120)
    assert not t.is_alive()
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("timmy backup: copied %s to %s (" % (
        bot.db_path, out)), r.stdout
    assert "pages) in " in r.stdout and "quick check" in r.stdout, r.stdout

    # The bot answered every command, before and during the copy.
    failed = [x for x in replies if not x.startswith("Added #")]
    assert failed == [], failed
    # The copy: its owner's alone, one file, a sound timmy database with
    # every entry committed before it began.
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert leftovers(out.parent, ["timmy.db"]) == []
    assert before <= alice_seqs(str(out))
    assert rows(str(out), "SELECT count(*) FROM entries AS e JOIN users AS u"
                " ON u.id = e.user_id WHERE u.jid = '%s'" % BULK) == [
        (BULK_ENTRIES,)]
    assert rows(str(out), "PRAGMA journal_mode") == [("delete",)]
    check = run_timmy(["check", "-c", config_for(tmp_path, out)],
                      binary=timmy_bin, timeout=300)
    assert check.returncode == 0, check.stderr
    # What the bot holds now includes the copy's.
    assert alice_seqs(str(out)) <= alice_seqs(bot.db_path)


@sqlite_only
def test_backup__replaces_an_existing_out__whole_and_private(
        stopped_db, tmp_path, timmy_bin):
    db, config = stopped_db
    out = tmp_path / "out" / "copy.db"
    out.parent.mkdir()
    out.write_text("yesterday's copy\n")
    os.chmod(out, 0o644)
    r = backup(config, str(out), timmy_bin)
    assert r.returncode == 0, r.stderr
    with open(out, "rb") as f:
        assert f.read(16) == b"SQLite format 3\0"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert leftovers(out.parent, ["copy.db"]) == []
    # Again over the copy of a moment ago.
    r = backup(config, str(out), timmy_bin)
    assert r.returncode == 0, r.stderr
    assert leftovers(out.parent, ["copy.db"]) == []


@sqlite_only
def test_backup__fails_with_nothing_left__when_out_dir_is_missing(
        stopped_db, tmp_path, timmy_bin):
    db, config = stopped_db
    out = tmp_path / "absent" / "copy.db"
    r = backup(config, str(out), timmy_bin)
    assert r.returncode == 1
    assert "%s: cannot create the copy beside it: No such file or " \
        "directory" % out in r.stderr, r.stderr
    assert "no copy was made; %s is unchanged" % out in r.stderr
    assert r.stdout == ""
    assert not (tmp_path / "absent").exists()


def corrupt_entries(db_path):
    """Spoils the page of the entries table with garbage past its header:
    opening the file still works, PRAGMA quick_check does not pass."""
    con = sqlite3.connect(db_path)
    try:
        con.executescript(
            "INSERT INTO users (jid, next_seq) VALUES ('%s', 2);"
            "INSERT INTO entries (user_id, seq, project, start, stop)"
            " SELECT id, 1, 'acme', %d, %d FROM users;" % (ALICE, BASE,
                                                           BASE + 60))
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_schema"
                           " WHERE name = 'entries'").fetchone()[0]
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    with open(db_path, "r+b") as f:
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff" * (page_size - 8))


@sqlite_only
def test_backup__keeps_out_and_removes_the_copy__when_the_copy_is_not_sound(
        stopped_db, tmp_path, timmy_bin):
    db, config = stopped_db
    corrupt_entries(str(db))
    out = tmp_path / "out" / "copy.db"
    out.parent.mkdir()
    out.write_text("yesterday's copy\n")
    r = backup(config, str(out), timmy_bin)
    assert r.returncode == 1, r.stdout
    assert "the copy is not sound" in r.stderr or \
        "malformed" in r.stderr, r.stderr
    assert "is unchanged" in r.stderr
    assert out.read_text() == "yesterday's copy\n"
    assert leftovers(out.parent, ["copy.db"]) == []


@sqlite_only
def test_backup__refuses_a_directory_and_the_database_itself(
        stopped_db, tmp_path, timmy_bin):
    db, config = stopped_db
    d = tmp_path / "dir"
    d.mkdir()
    r = backup(config, str(d), timmy_bin)
    assert r.returncode == 1
    assert "%s is a directory: name the copy's file, e.g. %s/timmy.db" % (
        d, d) in r.stderr, r.stderr
    assert os.listdir(d) == []
    size = os.path.getsize(db)
    r = backup(config, str(db), timmy_bin)
    assert r.returncode == 1
    assert "%s is the database itself" % db in r.stderr, r.stderr
    assert os.path.getsize(db) == size
    assert run_timmy(["check", "-c", config],
                     binary=timmy_bin).returncode == 0


def test_backup__names_pg_dump__for_postgresql_without_the_password(
        tmp_path, timmy_bin):
    url = "postgresql://timmy:s3cret-word@127.0.0.1:1/timmy"
    config = config_for(tmp_path, "unused.db", name="bot.yaml", pg_url=url)
    out = tmp_path / "copy.db"
    r = backup(config, str(out), timmy_bin)
    assert r.returncode == 1
    assert "s3cret-word" not in r.stderr + r.stdout
    shown = "postgresql://timmy:***@127.0.0.1:1/timmy"
    assert "timmy backup: the database is PostgreSQL (%s): back it up with " \
        "pg_dump, e.g. pg_dump -Fc -f timmy.dump '%s'" % (shown, shown) \
        in r.stderr, r.stderr
    assert not out.exists()
    assert os.listdir(tmp_path) == ["bot.yaml"]


@pytest.mark.parametrize("args", [
    ["backup"],
    ["backup", "-c", "bot.yaml"],
    ["backup", "copy.db"],
    ["backup", "-c", "bot.yaml", "-"],
    ["backup", "-c", "bot.yaml", "a.db", "b.db"],
    ["backup", "-c", "bot.yaml", "--quick", "a.db"],
    ["backup", "-c"],
])
def test_backup__exits_2_with_usage__on_a_wrong_command_line(args,
                                                             timmy_bin):
    r = run_timmy(args, binary=timmy_bin)
    assert r.returncode == 2, (args, r.stderr)
    assert "usage: timmy backup -c FILE OUT" in r.stderr, r.stderr
    assert r.stdout == ""
