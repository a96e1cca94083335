"""The daemon left running: commands sent while it was down, SIGHUP,
systemd notifications, dead connections, stream management (XEP-0198)
and storage that stops taking writes.

The connection tests put a TCP relay (Relay, below) between the bot and
a Prosody of their own that logs at debug level, so they can read from
Prosody's log that stream management is on and that the bot resumed.
"""

import os
import selectors
import shutil
import signal
import socket
import struct
import sys
import tempfile
import threading
import time

import pytest

from conftest import ALLOWED, SANITIZER_REPORT, password
from harness import Bot, PrivateProsody, wall_now


def allowed(server):
    return [server.jid(u) for u in ALLOWED]


def assert_clean_exit(b):
    """Stops b (SIGTERM), expecting exit status 0 and no sanitizer report."""
    code = b.stop()
    assert code == 0, "timmy exited with %s\n%s" % (code, b.log_tail())
    assert not SANITIZER_REPORT.search(b.log()), b.log()[-6000:]


# -- commands sent while the bot was offline (XEP-0203) -------------------

def test_offline__commands_count_at_send_time__when_sent_while_bot_down(
        bot, alice):
    assert alice.ask(bot.jid, "start acme").startswith("Started acme")
    assert bot.stop() == 0
    time.sleep(2.2)
    # Prosody keeps these in offline storage and stamps them (whole
    # seconds) when they arrive.
    sent_stop = wall_now()
    alice.send(bot.jid, "stop")
    time.sleep(1.1)
    sent_start = wall_now()
    alice.send(bot.jid, "start globex")
    time.sleep(2.2)
    bot.start()
    first = alice.next_message(bot.jid, timeout=10).body
    second = alice.next_message(bot.jid, timeout=10).body
    # In the order they were sent, each saying when it counted.
    assert first.startswith("Stopped acme"), first
    assert "while I was offline" in first, first
    assert second.startswith("Started globex"), second
    assert "while I was offline" in second, second
    rows = bot.query("SELECT project, start, stop FROM entries ORDER BY id")
    assert [r[0] for r in rows] == ["acme", "globex"], rows
    # Not the time the bot came back (2 s and more later).
    assert abs(rows[0][2] - sent_stop) <= 1.0, (rows, sent_stop)
    assert abs(rows[1][1] - sent_start) <= 1.0, (rows, sent_start)
    assert rows[1][2] is None
    # A live command afterwards is not "offline".
    reply = alice.ask(bot.jid, "status")
    assert reply.startswith("Running: globex since "), reply
    assert "offline" not in reply


# -- SIGHUP ---------------------------------------------------------------

def test_sighup__applies_access_and_log_level__without_reconnecting(
        bot, alice, stranger, server):
    stranger.send(bot.jid, "status")
    stranger.expect_silence(bot.jid, 1.0)
    bot.wait_log("ignored message from stranger@localhost")

    bot.write_config(allow=allowed(server) + [server.jid("stranger")],
                     log_level="debug", timezone="Europe/Berlin")
    bot.signal(signal.SIGHUP)
    bot.wait_log("configuration reloaded: 5 allow patterns")
    warning = bot.wait_log("need a restart")
    assert "changes to defaults need a restart" in warning, warning
    reply = stranger.ask(bot.jid, "status")
    assert reply.startswith("Nothing is running."), reply
    # log.level: debug took effect too.
    bot.wait_log("debug: command from stranger@localhost")

    # A broken file: every error logged with FILE:LINE, the old config kept.
    bot.write_config(text="account:\n  jid: timmy@localhost\n  port: 0\n"
                          "  password: x\nstorage: {path: t.db}\n"
                          "access: {allow: []}\nlog: {level: loud}\n")
    bot.signal(signal.SIGHUP)
    bot.wait_log("configuration has errors; still running with the previous")
    log = bot.log()
    for where in (":3: account.port: expected a number 1-65535",
                  ":6: access.allow: the list is empty",
                  ":7: log.level: unknown value \"loud\""):
        assert "error: %s%s" % (bot.config_path, where) in log, log
    assert stranger.ask(bot.jid, "status").startswith("Nothing is running.")
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")

    # One login in all: the stream stayed up.
    log = bot.log()
    assert log.count("online as ") == 1, log
    assert "disconnected" not in log, log
    assert "resumed the session" not in log, log


# -- systemd notifications --------------------------------------------------

class NotifySocket:
    """The AF_UNIX datagram socket systemd would listen on; collects what
    arrives, with the time, in a background thread."""

    def __init__(self):
        # sun_path holds 108 bytes: a short directory of our own.
        self.dir = tempfile.mkdtemp(prefix="tn-")
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.got = []           # (time.monotonic(), text)
        self.cond = threading.Condition()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.cond:
                self.got.append((time.monotonic(), data.decode()))
                self.cond.notify_all()

    def wait_for(self, line, timeout=10.0, since=0.0):
        """The first datagram after `since` holding the line `line`."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for at, text in self.got:
                    if at >= since and line in text.split("\n"):
                        return at, text
                left = deadline - time.monotonic()
                assert left > 0, "no %r within %.0f s; got %r" % (
                    line, timeout, self.got)
                self.cond.wait(left)

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_sd_notify__reports_ready_watchdog_reload_and_stop(server, timmy_bin):
    ns = NotifySocket()
    b = Bot(server, allow=allowed(server), binary=timmy_bin,
            env={"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "2000000"})
    try:
        b.start()
        ns.wait_for("STATUS=logging in")
        _, ready = ns.wait_for("READY=1")
        assert "STATUS=online as timmy@localhost/timmy" in ready.split("\n")

        # Every WATCHDOG_USEC / 2 = 1 s from the main loop.
        start = time.monotonic()
        time.sleep(3.0)
        pings = [at for at, text in ns.got
                 if text == "WATCHDOG=1" and start <= at <= start + 3.0]
        assert len(pings) >= 2, ns.got

        since = time.monotonic()
        b.signal(signal.SIGHUP)
        at, _ = ns.wait_for("RELOADING=1", since=since)
        _, text = ns.wait_for("READY=1", since=at)
        assert "STATUS=online as timmy@localhost/timmy" in text.split("\n")

        since = time.monotonic()
        b.signal(signal.SIGTERM)
        assert b.wait(10) == 0
        ns.wait_for("STOPPING=1", since=since, timeout=1)
        assert not SANITIZER_REPORT.search(b.log()), b.log()[-6000:]
    finally:
        b.close()
        ns.close()


def test_sd_notify__no_watchdog__without_systemd_environment(bot):
    # The harness never passes NOTIFY_SOCKET or WATCHDOG_USEC on: no
    # watchdog, and the bot is online as usual (sd_notify sends nothing
    # without a socket to send to).
    assert "systemd watchdog" not in bot.log()


# -- the connection: a relay, a Prosody that logs at debug -----------------

class Relay:
    """A TCP relay on 127.0.0.1 in front of (host, port).

    blackhole(): the connections open now stop forwarding without a sound
    (what arrives is read and dropped, the sockets stay open), as behind a
    NAT that forgot them; new connections are forwarded. cut(): the
    connections open now are reset at both ends."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.port = self.lsock.getsockname()[1]
        self.lock = threading.Lock()
        self.pairs = []         # [client socket, server socket, black]
        self.to_cut = []
        self.accepted = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def blackhole(self):
        with self.lock:
            for p in self.pairs:
                p[2] = True

    def cut(self):
        with self.lock:
            self.to_cut.extend(self.pairs)

    def _close(self, sel, pair, abort=False):
        for s in pair[:2]:
            try:
                sel.unregister(s)
            except (KeyError, ValueError):
                pass
            if abort:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()
        with self.lock:
            if pair in self.pairs:
                self.pairs.remove(pair)

    def _run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.lsock, selectors.EVENT_READ, None)
        while self.running:
            with self.lock:
                cut, self.to_cut = self.to_cut, []
            for pair in cut:
                self._close(sel, pair, abort=True)
            for key, _ in sel.select(0.05):
                if key.data is None:
                    client, _ = self.lsock.accept()
                    try:
                        upstream = socket.create_connection(self.target, 5)
                    except OSError:
                        client.close()
                        continue
                    pair = [client, upstream, False]
                    with self.lock:
                        self.pairs.append(pair)
                        self.accepted += 1
                    sel.register(client, selectors.EVENT_READ, (pair, 1))
                    sel.register(upstream, selectors.EVENT_READ, (pair, 0))
                    continue
                pair, other = key.data
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self._close(sel, pair)
                    continue
                if not pair[2]:
                    try:
                        pair[other].sendall(data)
                    except OSError:
                        self._close(sel, pair)
        for key in list(sel.get_map().values()):
            key.fileobj.close()
        sel.close()

    def close(self):
        self.running = False
        self.thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


@pytest.fixture(scope="module")
def dserver():
    """A Prosody of these tests' own, logging at debug level, keeping a
    broken session 30 s for resumption."""
    with PrivateProsody(log_level="debug", hibernation_time=30) as s:
        for user in ("timmy", "alice"):
            s.register(user, password(user))
        yield s


def prosody_log(server, since=0):
    """Prosody's log from byte offset since on."""
    with open(server.log_path, "rb") as f:
        f.seek(since)
        return f.read().decode("utf-8", errors="replace")


def test_keepalive__drops_dead_connection_and_resumes__when_server_silent(
        dserver, timmy_bin):
    log_start = os.path.getsize(dserver.log_path)
    with Relay(dserver.host, dserver.port) as relay:
        b = Bot(dserver, allow=[dserver.jid("alice")], binary=timmy_bin,
                host="127.0.0.1", port=relay.port, keepalive=10)
        try:
            b.start()
            b.wait_log("stream management enabled (XEP-0198); the session "
                       "can be resumed")
            with dserver.client("alice", password("alice")) as alice:
                assert alice.ask(b.jid, "start acme").startswith("Started")
                since = time.monotonic()
                relay.blackhole()
                # account.keepalive 10 s of silence, a ping, its timeout of
                # 10 / 2 = 5 s, and a little.
                b.wait_log("the connection is dead", timeout=25)
                took = time.monotonic() - since
                assert took <= 10 + 5 + 3, took
                # libstrophe's 2 s for the server's </stream:stream>, the
                # backoff of 1 s and a bit, the resume.
                b.wait_log("resumed the session as timmy@localhost/timmy",
                           timeout=10)
                assert relay.accepted >= 2
                reply = alice.ask(b.jid, "status")
                assert reply.startswith("Running: acme since "), reply
            log = b.log()
            assert log.count("online as ") == 1, log
            assert "dropped the dead connection" in log
            assert "mod_smacks resuming existing session" in prosody_log(
                dserver, log_start)
            assert_clean_exit(b)
        finally:
            b.close()


def test_stream_management__resumes_without_new_presence__after_brief_break(
        dserver, timmy_bin):
    log_start = os.path.getsize(dserver.log_path)
    with Relay(dserver.host, dserver.port) as relay:
        b = Bot(dserver, allow=[dserver.jid("alice")], binary=timmy_bin,
                host="127.0.0.1", port=relay.port)
        try:
            b.start()
            b.wait_log("stream management enabled")
            # Prosody 0.12's mod_smacks, at debug level.
            assert "Enabling stream management" in prosody_log(dserver,
                                                               log_start)
            with dserver.client("alice", password("alice")) as alice:
                alice.subscribe(b.jid)
                alice.wait_presence(b.jid, "subscribed")
                alice.wait_presence(b.full_jid, "available")
                # The bot answers in order: its presence with the timer's
                # status, sent when it heard of the subscription, is in.
                alice.ask(b.jid, "status")
                since = time.monotonic()
                relay.cut()
                b.wait_log("disconnected from the server", timeout=5)
                b.wait_log("resumed the session as timmy@localhost/timmy",
                           timeout=10)
                reply = alice.ask(b.jid, "status")
                assert reply.startswith("Nothing is running."), reply
                # The server kept the bot's presence: nobody saw it go or
                # come again.
                alice.expect_no_presence(b.full_jid, "available", 0.5,
                                         since=since)
                alice.expect_no_presence(b.full_jid, "unavailable", 0.1,
                                         since=since)
            assert b.log().count("online as ") == 1, b.log()
            assert "mod_smacks resuming existing session" in prosody_log(
                dserver, log_start)
            assert_clean_exit(b)
        finally:
            b.close()


# -- redelivered messages ---------------------------------------------------

MSG_WITH_ORIGIN_ID = ("<message to='%s' type='chat' id='%s'><body>%s</body>"
                      "<origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>")
MSG_WITH_ID = "<message to='%s' type='chat' id='%s'><body>%s</body></message>"


def test_message__is_applied_once__when_delivered_twice_with_same_origin_id(
        bot, alice):
    alice.send_raw(MSG_WITH_ORIGIN_ID % (bot.jid, "m-1", "start acme",
                                         "origin-4711"))
    first = alice.next_message(bot.jid).body
    assert first.startswith("Started acme"), first
    # The same message again, as after a stream management resume, even
    # with another stanza id: the origin-id identifies it.
    alice.send_raw(MSG_WITH_ORIGIN_ID % (bot.jid, "m-2", "start acme",
                                         "origin-4711"))
    again = alice.next_message(bot.jid).body
    assert again == first
    assert bot.query("SELECT count(*) FROM entries") == [(1,)]


def test_message__is_keyed_by_full_jid_and_id__when_no_origin_id(
        bot, alice, connect):
    alice.send_raw(MSG_WITH_ID % (bot.jid, "n-1", "start acme"))
    first = alice.next_message(bot.jid).body
    assert first.startswith("Started acme"), first
    alice.send_raw(MSG_WITH_ID % (bot.jid, "n-1", "start acme"))
    assert alice.next_message(bot.jid).body == first
    assert bot.query("SELECT count(*) FROM entries") == [(1,)]
    # The same id from another of alice's clients is another message.
    phone = connect("alice", "phone")
    phone.send_raw(MSG_WITH_ID % (bot.jid, "n-1", "start globex"))
    reply = phone.next_message(bot.jid).body
    assert "Started globex" in reply, reply
    assert bot.query("SELECT project FROM entries WHERE stop IS NULL") == [
        ("globex",)]


# -- storage that refuses writes -------------------------------------------

def test_storage_failure__is_reported_and_bot_carries_on__when_file_limit_hit(
        server, timmy_bin, alice):
    """With a file size limit (RLIMIT_FSIZE), writes past it fail with
    EFBIG instead of killing the bot with SIGXFSZ: the command says nothing
    changed, the log names the statement, and the bot keeps answering."""
    # A new database is 128 KiB (schema 9, 32 pages); the limit leaves
    # room for the WAL frames of a few changes, so that some succeed
    # before one fails.
    limit = 320 * 1024
    d = tempfile.mkdtemp(prefix="timmy-fsize-")
    wrapper = os.path.join(d, "timmy-limited")
    with open(wrapper, "w") as f:
        f.write("#!%s\nimport os, resource, sys\n"
                "resource.setrlimit(resource.RLIMIT_FSIZE, (%d, %d))\n"
                "os.execv(%r, [%r] + sys.argv[1:])\n" % (
                    sys.executable, limit, limit, timmy_bin, timmy_bin))
    os.chmod(wrapper, 0o755)
    b = Bot(server, allow=allowed(server), binary=wrapper)
    try:
        b.start()
        failed = None
        for i in range(200):
            reply = alice.ask(b.jid, "start p%d" % i)
            if "Started p%d" % i not in reply:
                failed = reply
                break
        assert failed is not None, "no write failed under the limit"
        assert i > 0, "the first write failed already: %r" % failed
        assert "nothing changed" in failed, failed
        b.wait_log("error: command from alice@localhost failed: ")
        # Still there, and reading works.
        reply = alice.ask(b.jid, "status")
        assert reply.startswith("Running: p%d since " % (i - 1)), reply
        assert b.running
        assert_clean_exit(b)
    finally:
        b.close()
        shutil.rmtree(d, ignore_errors=True)


def test_stream_management__starts_afresh_then_resumes_cleanly__when_server_lost_session(
        timmy_bin):
    """A server restarted hard forgets the session: the resume is refused,
    the bot logs in anew (presence and all), and a later resume sends
    nothing of the earlier session again (libstrophe 0.12.2 would, with
    the counter of the session it could not resume)."""
    with PrivateProsody(hibernation_time=30) as server:
        for user in ("timmy", "alice"):
            server.register(user, password(user))
        with Relay(server.host, server.port) as relay:
            b = Bot(server, allow=[server.jid("alice")], binary=timmy_bin,
                    host="127.0.0.1", port=relay.port)
            try:
                b.start()
                with server.client("alice", password("alice")) as alice:
                    for i in range(3):
                        reply = alice.ask(b.jid, "start p%d" % i)
                        assert "Started p%d" % i in reply, reply
                server.kill()
                server.start()
                b.wait_log("the server could not resume the session; "
                           "logging in afresh", timeout=15)
                end = time.monotonic() + 10
                while b.log().count("online as ") < 2:
                    assert time.monotonic() < end, b.log_tail()
                    time.sleep(0.05)
                with server.client("alice", password("alice")) as alice:
                    reply = alice.ask(b.jid, "status")
                    assert reply.startswith("Running: p2 since "), reply
                    relay.cut()
                    b.wait_log("resumed the session as timmy@localhost/timmy",
                               timeout=10)
                    # Nothing that went out before the break comes again.
                    alice.expect_silence(b.jid, 1.5)
                    reply = alice.ask(b.jid, "status")
                    assert reply.startswith("Running: p2 since "), reply
                assert_clean_exit(b)
            finally:
                b.close()
