"""What a real deployment meets: other clients' queries, a server that goes
away, wrong credentials, untrusted certificates, odd input, secrets."""

import base64
import os
import signal
import time

import pytest

from conftest import SANITIZER_REPORT, password
from harness import Bot, PrivateProsody, run_timmy, write_config

NS_DISCO = "http://jabber.org/protocol/disco#info"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def q(ns):
    return "{%s}query" % ns


def test_iq__answers_disco_ping_and_version__when_asked(bot, alice, timmy_bin):
    info = alice.iq(bot.full_jid, "<query xmlns='%s'/>" % NS_DISCO)
    assert info.get("type") == "result", info
    ident = info.find(q(NS_DISCO) + "/{%s}identity" % NS_DISCO)
    assert ident is not None and ident.get("category") == "client"
    assert ident.get("type") == "bot"
    features = {f.get("var") for f in info.iter("{%s}feature" % NS_DISCO)}
    assert {NS_DISCO, "urn:xmpp:ping", "jabber:iq:version"} <= features

    ping = alice.iq(bot.full_jid, "<ping xmlns='urn:xmpp:ping'/>")
    assert ping.get("type") == "result"

    ver = alice.iq(bot.full_jid, "<query xmlns='jabber:iq:version'/>")
    assert ver.get("type") == "result"
    name = ver.find(q("jabber:iq:version") + "/{jabber:iq:version}name")
    version = ver.find(q("jabber:iq:version") + "/{jabber:iq:version}version")
    assert name.text == "timmy"
    cli = run_timmy(["--version"], binary=timmy_bin).stdout.split()
    assert version.text == cli[-1]


def test_iq__gets_service_unavailable__when_unknown(bot, alice):
    err = alice.iq(bot.full_jid, "<query xmlns='jabber:iq:private'/>")
    assert err.get("type") == "error"
    assert err.find(".//{%s}service-unavailable" % NS_STANZAS) is not None
    err = alice.iq(bot.full_jid, "<vcard xmlns='urn:example:nothing'/>",
                   itype="set")
    assert err.get("type") == "error"
    # The bot is still fine afterwards.
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")


def test_message__is_refused_unparsed__when_body_too_long(bot, alice):
    reply = alice.ask(bot.jid, "start " + "x" * 5000)
    assert "too long" in reply, reply
    assert bot.query("SELECT count(*) FROM entries") == [(0,)]
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")


def test_start__keeps_unicode_exactly__through_the_server(bot, alice):
    reply = alice.ask(bot.jid, "start Café +☕ naïve “quotes” 🎉")
    assert reply.startswith("Started Café +☕ (naïve “quotes” 🎉) at "), reply
    rows = bot.query("SELECT project, note FROM entries")
    assert rows == [("Café", "naïve “quotes” 🎉")]
    assert bot.query("SELECT tag FROM entry_tags") == [("☕",)]


def wait_count(bot, text, n, timeout):
    """Waits until text appears n times in the bot's log."""
    end = time.monotonic() + timeout
    while bot.log().count(text) < n:
        assert time.monotonic() < end, "%r not seen %d times\n%s" % (
            text, n, bot.log_tail())
        time.sleep(0.1)


@pytest.fixture
def quiet_bot(server, timmy_bin):
    """bot(**kwargs) -> a Bot started without waiting for login; closed
    (stopped by PID) after the test."""
    bots = []

    def make(**kwargs):
        kwargs.setdefault("allow", ["alice@localhost"])
        b = Bot(server, binary=timmy_bin, **kwargs)
        bots.append(b)
        b.start(wait=False)
        return b
    yield make
    for b in bots:
        b.close()


def test_bot__reconnects_and_answers__after_server_restart(timmy_bin):
    with PrivateProsody() as server:
        for user in ("timmy", "alice"):
            server.register(user, password(user))
        with Bot(server, allow=[server.jid("alice")], binary=timmy_bin) as b:
            with server.client("alice", password("alice")) as alice:
                assert alice.ask(b.jid, "start acme").startswith("Started")
            server.restart()
            b.wait_log("disconnected from the server", timeout=10)
            # Backoff starts at 1 s and doubles: a few attempts at most.
            wait_count(b, "online as", 2, timeout=30)
            with server.client("alice", password("alice")) as alice:
                # If Prosody stopped before the bot acknowledged "start
                # acme", it stored the message and delivers it again: the
                # bot recognises it and repeats its first reply, which may
                # arrive before the answer to "status".
                alice.send(b.jid, "status")
                reply = alice.next_message(b.jid).body
                if reply.startswith("Started acme"):
                    reply = alice.next_message(b.jid).body
                assert reply.startswith("Running: acme since "), reply
            assert b.query("SELECT count(*) FROM entries") == [(1,)]
            assert b.stop() == 0


def test_sigterm__exits_clean_in_seconds__when_server_frozen(timmy_bin):
    """The server stops answering (SIGSTOP) just before the bot is told to
    stop: its pings before logout and the close go unanswered, and it
    still exits 0 within its bounds (1 s of pings, 3 s for the close),
    with no sanitizer report (releasing a stream that is still open must
    not reach freed state)."""
    with PrivateProsody() as server:
        for user in ("timmy", "alice"):
            server.register(user, password(user))
        b = Bot(server, allow=[server.jid("alice")], binary=timmy_bin)
        try:
            b.start()
            os.kill(server.pid, signal.SIGSTOP)
            try:
                started = time.monotonic()
                code = b.stop(timeout=15)
                took = time.monotonic() - started
            finally:
                os.kill(server.pid, signal.SIGCONT)
            log = b.log()
            assert code == 0, log[-4000:]
            assert took < 6.0, took
            assert not SANITIZER_REPORT.search(log), log[-6000:]
            assert "shutting down" in log
        finally:
            b.close()


def test_login__is_retried_and_logged__when_password_wrong(quiet_bot):
    secret = "not-the-password-4711"
    b = quiet_bot(password=secret)
    b.wait_log("could not log in as timmy@localhost", timeout=10)
    b.wait_log("reconnecting in", timeout=5)
    wait_count(b, "could not log in", 2, timeout=10)   # retried, alive
    assert b.running
    assert b.stop() == 0
    log = b.log()
    assert secret not in log
    assert "online as" not in log


def test_tls__refuses_to_log_in__when_certificate_untrusted(quiet_bot):
    # An empty CA file: the private certificate is not trusted.
    b = quiet_bot(env={"SSL_CERT_FILE": os.devnull})
    b.wait_log("certificate not trusted", timeout=10)
    assert "online as" not in b.log()
    assert b.stop() == 0


def test_tls_trust_any__logs_in_with_a_warning(quiet_bot, alice):
    b = quiet_bot(tls="trust-any", env={"SSL_CERT_FILE": os.devnull})
    b.wait_log("online as", timeout=15)
    assert "warn: account.tls is trust-any" in b.log()
    assert alice.ask(b.jid, "status").startswith("Nothing is running.")
    assert b.stop() == 0


def test_password__never_logged__at_debug_level(quiet_bot, alice):
    secret = password("timmy")
    b = quiet_bot(log_level="debug")
    b.wait_log("online as", timeout=15)
    assert alice.ask(b.jid, "start acme").startswith("Started")
    assert b.stop() == 0
    log = b.log()
    assert "debug:" in log   # the level really was debug
    for form in (secret,
                 base64.b64encode(secret.encode()).decode(),
                 base64.b64encode(b"\0timmy\0" + secret.encode()).decode()):
        assert form not in log
    assert "<auth" not in log and "<response" not in log


def test_run__exits_naming_storage_path__when_database_cannot_open(
        server, timmy_bin, tmp_path):
    cfg = write_config(str(tmp_path / "bot.yaml"), jid="timmy@localhost",
                       password="pw", host=server.host, port=server.port,
                       db_path=str(tmp_path / "missing" / "dir" / "t.db"),
                       allow=["alice@localhost"])
    r = run_timmy(["run", "-c", cfg], binary=timmy_bin, timeout=10)
    assert r.returncode == 1, r.stderr
    assert "storage.path" in r.stderr and "missing/dir" in r.stderr, r.stderr
