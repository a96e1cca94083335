"""Two bots, one account, one PostgreSQL database: the one holding the
database's leader lock serves, the other waits as a standby and takes
over when the leader dies (bot/standby.c). A private PostgreSQL
(tests/harness/postgres.py) beside the suite's Prosody; a database per
test.
"""

import os
import signal
import subprocess
import time

from harness import Bot
from test_daemon import NotifySocket

# The standby asks every 2 s (STANDBY_TRY_MS); the product promises a
# takeover within 10 s of the leader's death.
TAKEOVER = 10.0


def psql(pg, conninfo, sql):
    """The rows of sql on the database of conninfo, as lists of text."""
    r = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v",
                        "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30, env=pg.env)
    assert r.returncode == 0, r.stderr.decode()
    return [l.split("\t") for l in r.stdout.decode().splitlines() if l]


def two_bots(server, url, standby_env=None):
    """The leader, started and online, and the standby, started and
    waiting."""
    leader = Bot(server, allow=["alice@%s" % server.domain], pg_url=url)
    leader.start()
    standby = Bot(server, allow=["alice@%s" % server.domain], pg_url=url,
                  env=standby_env)
    standby.start(wait=False)
    standby.wait_log("standby: another timmy serves this database", 15)
    return leader, standby


def test_standby__waits_while_the_leader_serves__and_stops_on_sigterm(
        server, postgres, alice):
    url = postgres.new_database()
    ns = NotifySocket()
    leader, standby = two_bots(server, url, {"NOTIFY_SOCKET": ns.path})
    try:
        # systemd sees it started, and says "standby" for it.
        _, ready = ns.wait_for("READY=1")
        assert "STATUS=standby" in ready.split("\n"), ready
        alice.send(leader.jid, "start acme")
        assert alice.next_message(leader.jid).body.startswith("Started acme")
        # Only the leader answered: the standby never logged in.
        time.sleep(2.5)
        assert "online as" not in standby.log()
        assert "logging in" not in "".join(text for _, text in ns.got)
        assert standby.stop() == 0
        assert leader.stop() == 0
    finally:
        standby.close()
        leader.close()
        ns.close()


def test_leader__stops_at_once__when_its_database_connection_ends(
        server, postgres, alice):
    url = postgres.new_database()
    leader = Bot(server, allow=["alice@%s" % server.domain], pg_url=url)
    try:
        leader.start()
        alice.send(leader.jid, "start acme")
        assert alice.next_message(leader.jid).body.startswith("Started acme")
        # Its session ends as a network cut or a server restart ends it;
        # with it the leader's lock, which a standby may take at once.
        killed = time.monotonic()
        psql(postgres, url, "SELECT pg_terminate_backend(pid)"
             " FROM pg_stat_activity WHERE datname = current_database()"
             " AND pid <> pg_backend_pid()")
        assert leader.wait(10) == 1
        assert time.monotonic() - killed < 5
        assert "stopping, so that a standby can serve" in leader.log()
    finally:
        leader.close()


def test_standby__takes_over_within_10s_and_applies_each_command_once__when_the_leader_is_killed(
        server, postgres, alice):
    url = postgres.new_database()
    leader, standby = two_bots(server, url)
    n = 30
    try:
        # A burst of commands, each its own entry: a minute of pN
        # yesterday (from 9:00 on, whatever the time now). The leader is
        # killed (-9: no logout, no goodbye to the database) in the
        # middle of it.
        for i in range(n):
            alice.send(leader.jid, "add p%d 1m yesterday" % i)
            if i == n // 2:
                os.kill(leader.pid, signal.SIGKILL)
                killed = time.monotonic()
        standby.wait_log("the leader is gone: taking over", TAKEOVER)
        standby.wait_log("online as ", TAKEOVER)
        assert time.monotonic() - killed < TAKEOVER
        # Every command is answered in the end, by one bot or the other;
        # replies to what the leader applied but did not answer may be
        # lost with it, so the database is the judge.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = psql(postgres, url,
                        "SELECT project, count(*) FROM entries"
                        " GROUP BY project ORDER BY project")
            if len(rows) == n:
                break
            time.sleep(0.5)
        got = {p: int(c) for p, c in rows}
        assert got == {"p%d" % i: 1 for i in range(n)}, got
        # The one that serves now answers, after whatever replies to
        # the burst reach alice meanwhile.
        alice.send(standby.jid, "report yesterday")
        deadline = time.monotonic() + 30
        while True:
            left = deadline - time.monotonic()
            assert left > 0, standby.log_tail()
            body = alice.next_message(standby.jid, timeout=left).body
            if "Total" in body:
                break
        assert "30m" in body, body
        assert standby.stop() == 0
    finally:
        standby.close()
        leader.close()
