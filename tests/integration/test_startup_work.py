"""Start-up does work in proportion to the users, not to the entries: a
bot on a database of 100,000 entries (one of them running) reads a few
pages of it from exec until it has logged in and answered a first
command. Counted in bytes read (/proc/PID/io rchar: every read and
pread, the database's, the config's and the socket's), which does not
depend on the machine's speed or load; a scan of the entries, or of one
of their indexes, alone would read megabytes.
"""

import os
import sqlite3

from conftest import ALLOWED, password, stop_and_judge
from harness import Bot, run_timmy, write_config

ENTRIES = 100000
DAY0 = 1420070400  # 2015-01-01 00:00 UTC: all of it years before now
READ_MAX = 1024 * 1024  # 63-223 kB measured; the database is 11 MB,
#                         its smallest index of the entries 1.3 MB


def fill(db, jid, n):
    """n entries of 15 minutes for jid, one every 20 minutes from DAY0 (to
    2018), the last one running, inserted as bench/gen.py does: straight
    into the tables."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        uid = con.execute("INSERT INTO users (jid, tz, next_seq) "
                          "VALUES (?, NULL, ?)", (jid, n + 1)).lastrowid
        con.execute(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
            " WHERE i < ?) INSERT INTO entries (user_id, seq, project, note,"
            " start, stop) SELECT ?, i, 'p' || (i % 7), 'note ' || i,"
            " ? + i * 1200, CASE WHEN i = ? THEN NULL ELSE ? + i * 1200 + 900"
            " END FROM k", (n, uid, DAY0, n, DAY0))
        con.execute("INSERT INTO entry_tags (entry_id, tag) SELECT id, 'tag'"
                    " FROM entries WHERE id % 3 = 0")
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def test_startup__reads_a_bounded_part_of_the_database__with_100000_entries(
        server, timmy_bin, alice, tmp_path):
    db = str(tmp_path / "timmy.db")
    cfg = write_config(str(tmp_path / "check.yaml"), jid=server.jid("timmy"),
                       password=password("timmy"), host=server.host,
                       port=server.port, db_path=db,
                       allow=[server.jid(u) for u in ALLOWED])
    r = run_timmy(["check", "-c", cfg], binary=timmy_bin,
                  cert_path=server.cert_path)
    assert r.returncode == 0, r.stderr
    fill(db, server.jid("alice"), ENTRIES)
    size = os.path.getsize(db)
    assert size > 8 * READ_MAX, size

    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin,
            db_path=db)
    try:
        b.start()
        reply = alice.ask(b.jid, "status")
        assert "running" in reply.lower() or "#%d" % ENTRIES in reply, reply
        with open("/proc/%d/io" % b.pid, encoding="ascii") as f:
            io = dict(line.split(": ") for line in f.read().splitlines())
        assert int(io["rchar"]) < READ_MAX, (io, size)
        stop_and_judge(b)
    finally:
        b.close()
