"""Who is speaking and how much: forged carbons and forwards, the bot's own
account, addressing, oversized bodies, floods, subscriptions that follow
the allow list, and the password file's permissions."""

import datetime
import os
import signal
import time

import pytest

from conftest import ALLOWED, password, stop_and_judge_all
from harness import Bot, ClientError, run_timmy, write_config

SLOW_DOWN = ("You are sending commands faster than I take them (30 a "
             "minute); I skipped this one: please wait a moment.")


@pytest.fixture
def make_bot(server, timmy_bin, request):
    """make_bot(**kwargs) -> a started Bot (allow defaults to the suite's
    allowed users); stopped after the test, which fails if it does not
    exit 0 on SIGTERM or a sanitizer spoke."""
    bots = []

    def make(**kwargs):
        kwargs.setdefault("allow", [server.jid(u) for u in ALLOWED])
        b = Bot(server, binary=timmy_bin, **kwargs)
        bots.append(b)
        request.node.timmy_bot = b
        b.start()
        return b
    yield make
    stop_and_judge_all(bots)


def drain(client, from_jid, quiet=2.0):
    """The bodies of the messages from from_jid, in order, until none
    came for `quiet` seconds."""
    bodies = []
    while True:
        try:
            bodies.append(client.next_message(from_jid, timeout=quiet).body)
        except ClientError:
            return bodies


def entries(bot):
    return bot.query("SELECT count(*) FROM entries")[0][0]


def add_command(i):
    """An add of its own half hour yesterday: the i-th gives the i-th
    entry (0 <= i < 48), since none overlaps another."""
    day = (datetime.datetime.now(datetime.timezone.utc).date()
           - datetime.timedelta(days=1)).isoformat()
    start = i * 30
    return "add p%d %d:%02d-%d:%02d %s" % (i, start // 60, start % 60,
                                          (start + 20) // 60,
                                          (start + 20) % 60, day)


# -- who is speaking ------------------------------------------------------

def carbon(kind, bot, outer_body):
    """A message for the bot carrying an XEP-0280 carbon (kind received or
    sent) of bob's "start evil", with an outer body when outer_body."""
    inner = ("<message xmlns='jabber:client' from='bob@localhost/phone' "
             "to='%s' type='chat' id='inner'><body>start evil</body>"
             "</message>" % bot.jid)
    return ("<message xmlns='jabber:client' to='%s' type='chat' id='c-%s'>"
            "%s<%s xmlns='urn:xmpp:carbons:2'>"
            "<forwarded xmlns='urn:xmpp:forward:0'>%s</forwarded></%s>"
            "</message>" % (bot.full_jid, kind,
                            "<body>start forged</body>" if outer_body else "",
                            kind, inner, kind))


@pytest.mark.parametrize("kind", ["received", "sent"])
@pytest.mark.parametrize("outer_body", [False, True],
                         ids=["bare", "with_outer_body"])
def test_carbon__is_ignored__when_allowed_user_forges_one(bot, alice, bob,
                                                          kind, outer_body):
    # CVE-2017-5589: alice (allowed) claims bob said "start evil".
    alice.send_raw(carbon(kind, bot, outer_body))
    # Messages are handled in order: the answer to a later one shows the
    # forgery was done with.
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    assert bob.ask(bot.jid, "status").startswith("Nothing is running.")
    alice.expect_silence(bot.jid, 1.0)
    bob.expect_silence(bot.jid, 0.1)
    line = bot.wait_log("ignored a carbon copy from alice@localhost/test")
    assert "evil" not in line and "forged" not in line, line
    assert entries(bot) == 0
    assert bot.query("SELECT jid FROM users WHERE jid LIKE 'bob@%'") == []


@pytest.mark.parametrize("wrapper", [
    "{fwd}",
    "<result xmlns='urn:xmpp:mam:2' id='r1'>{fwd}</result>",
], ids=["forwarded", "archive_result"])
def test_forward__is_ignored__when_message_carries_one(bot, alice, wrapper):
    fwd = ("<forwarded xmlns='urn:xmpp:forward:0'><message "
           "xmlns='jabber:client' from='carol@localhost/x' to='%s' "
           "type='chat'><body>start evil</body></message></forwarded>"
           % bot.jid)
    alice.send_raw("<message xmlns='jabber:client' to='%s' type='chat' "
                   "id='f1'><body>start forged</body>%s</message>"
                   % (bot.full_jid, wrapper.format(fwd=fwd)))
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    alice.expect_silence(bot.jid, 1.0)
    bot.wait_log("ignored a forwarded message from alice@localhost/test")
    assert entries(bot) == 0


def test_message__is_ignored__when_from_is_the_bots_own_account(
        server, make_bot, alice):
    # "*@localhost" matches timmy@localhost too: the own-account check
    # must come first.
    b = make_bot(allow=["*@localhost"])
    with server.client("timmy", password("timmy"), resource="other") as me:
        me.send(b.full_jid, "start loop")
        me.send(b.jid, "status")
        assert alice.ask(b.jid, "status").startswith("Nothing is running.")
        me.expect_silence(b.full_jid, 1.5)
    b.wait_log("ignored a message from our own account "
               "(timmy@localhost/other)")
    assert entries(b) == 0
    assert b.query("SELECT jid FROM users WHERE jid LIKE 'timmy@%'") == []


def test_message__is_served__when_addressed_to_any_resource_of_the_bot(
        bot, alice):
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    assert alice.ask(bot.full_jid, "status").startswith("Nothing is running.")
    # A resource of the bot's account that is not online: the server
    # hands a chat message on to the account (RFC 6121 8.5.3.2.1), with
    # that 'to'; it is still for the bot.
    alice.send(bot.jid + "/elsewhere", "status")
    reply = alice.next_message(bot.jid, what="reply to status").body
    assert reply.startswith("Nothing is running."), reply
    assert "not addressed to us" not in bot.log()


# A message addressed to another account cannot reach the bot through a
# server (it routes by 'to', RFC 6120 10.5); that the bot would not run one
# is tested in tests/unit/test_stanza.c.


# -- limits -----------------------------------------------------------------

def test_message__is_refused_unparsed__when_longer_than_max_body(make_bot,
                                                                 alice):
    b = make_bot(limits={"max_body": 64})
    too_long = "start acme " + "n" * 54
    assert len(too_long.encode()) == 65
    # The reply says what helps (splitting it), not "help", which cannot.
    assert alice.ask(b.jid, too_long) == (
        "That message is too long for me (65 bytes; at most 64). Send it as "
        "several shorter messages, one command each.")
    # Bytes, not characters: 38 characters, 65 bytes.
    wide = "start acme " + "é" * 27
    assert len(wide) == 38 and len(wide.encode()) == 65
    assert "too long" in alice.ask(b.jid, wide)
    assert entries(b) == 0
    line = b.wait_log("refused 65-byte message from alice@localhost")
    assert "limits.max_body 64" in line and "nnnn" not in line, line
    # Exactly the limit is parsed and run.
    reply = alice.ask(b.jid, "start acme " + "n" * 53)
    assert reply.startswith("Started acme"), reply
    assert entries(b) == 1


def test_message__is_refused_at_default_max_body__when_limits_left_out(
        make_bot, alice):
    b = make_bot(limits=None)
    b.wait_log("limits: bodies up to 2048 bytes, 30 commands a minute per "
               "sender after a burst of 10")
    reply = alice.ask(b.jid, "start acme " + "n" * 2038)
    assert reply.startswith("That message is too long for me (2049 bytes; "
                            "at most 2048)"), reply
    assert entries(b) == 0


def test_flood__gets_one_slow_down_and_a_burst_done__while_others_served(
        make_bot, alice, bob):
    # No limits section: the defaults, 30 a minute after a burst of 10.
    b = make_bot(limits=None)
    for i in range(40):
        alice.send(b.jid, add_command(i))
    # bob, right behind alice's flood, is not slowed down by it.
    t0 = time.monotonic()
    reply = bob.ask(b.jid, "status", timeout=5)
    bob_took = time.monotonic() - t0
    assert reply.startswith("Nothing is running."), reply
    assert bob_took < 5.0

    replies = drain(alice, b.jid)
    assert replies.count(SLOW_DOWN) == 1, replies
    added = [r for r in replies if r.startswith("Added #")]
    # The burst, and what the rate (one every 2 s) gave back meanwhile.
    assert 10 <= len(added) <= 12, replies
    assert len(replies) == len(added) + 1, replies
    # The first ten went through, in order; the slow-down came after them.
    assert replies.index(SLOW_DOWN) == 10, replies
    assert b.query("SELECT project FROM entries ORDER BY id LIMIT 10") == [
        ("p%d" % i,) for i in range(10)]
    assert entries(b) == len(added)

    line = b.wait_log("rate limit: skipped 1 command from alice@localhost")
    assert "more than 30 a minute after a burst of 10" in line, line
    assert b.log(since_start=True).count("rate limit:") == 1
    # bob's own bucket is full.
    for _ in range(5):
        assert bob.ask(b.jid, "status").startswith("Nothing is running.")
    print("flood of 40: %d done, one slow-down; bob answered in %.3f s"
          % (len(added), bob_took))


def test_flood__is_not_limited__when_commands_per_minute_is_0(make_bot,
                                                              alice):
    b = make_bot(limits={"commands_per_minute": 0, "burst": 1})
    for i in range(25):
        alice.send(b.jid, add_command(i))
    replies = drain(alice, b.jid)
    assert len(replies) == 25 and SLOW_DOWN not in replies, replies
    assert entries(b) == 25


def test_sighup__applies_new_rate__at_once(make_bot, alice):
    b = make_bot(limits={"commands_per_minute": 0})
    b.write_config(limits={"commands_per_minute": 30, "burst": 2})
    b.signal(signal.SIGHUP)
    line = b.wait_log("configuration reloaded")
    assert "30 commands a minute per sender after a burst of 2" in line, line
    for i in range(5):
        alice.send(b.jid, "status")
    replies = drain(alice, b.jid)
    assert replies.count(SLOW_DOWN) == 1 and len(replies) == 3, replies


# -- subscriptions follow the allow list ------------------------------------

def unsubscribe_both(bot, client):
    client.unsubscribe(bot.jid)
    client.deny(bot.jid)


@pytest.fixture
def subscribe():
    """subscribe(bot, client): client and the bot subscribe to each other,
    from no subscription at all. The server keeps rosters from test to
    test, so each is undone afterwards (list this fixture after the
    clients: it is torn down first, while they are connected)."""
    made = []

    def subscribe_(bot, client):
        made.append((bot, client))
        subscribe_both(bot, client)
    yield subscribe_
    for bot, client in made:
        if client.connected:
            unsubscribe_both(bot, client)


def subscribe_both(bot, client):
    unsubscribe_both(bot, client)
    since = time.monotonic()
    client.subscribe(bot.jid)
    client.wait_presence(bot.jid, "subscribed", since=since)
    client.wait_presence(bot.jid, "subscribe", since=since)
    client.approve(bot.jid)
    client.wait_presence(bot.full_jid, "available", since=since)


def test_sighup__unsubscribes_contact_both_ways__when_removed_from_allow(
        bot, alice, bob, server, subscribe):
    subscribe(bot, alice)
    subscribe(bot, bob)
    assert bob.ask(bot.jid, "status").startswith("Nothing is running.")

    since = time.monotonic()
    bot.write_config(allow=[server.jid(u) for u in ALLOWED if u != "bob"])
    bot.signal(signal.SIGHUP)
    bob.wait_presence(bot.jid, "unsubscribe", since=since)
    bob.wait_presence(bot.jid, "unsubscribed", since=since)
    bot.wait_log("unsubscribed bob@localhost (not in access.allow)")
    # bob is no longer answered; alice is, and keeps her subscription.
    bob.send(bot.jid, "status")
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    bob.expect_silence(bot.jid, 1.5)
    bot.wait_log("ignored message from bob@localhost (not in access.allow)")
    alice.expect_no_presence(bot.jid, "unsubscribe", 0.1, since=since)
    alice.expect_no_presence(bot.jid, "unsubscribed", 0.1, since=since)
    assert "unsubscribed alice" not in bot.log()

    # A second reload changes nothing more: bob shares nothing now.
    bot.signal(signal.SIGHUP)
    bot.wait_log("configuration reloaded", timeout=5)
    time.sleep(0.5)
    assert bot.log().count("unsubscribed bob@localhost") == 1


def test_login__unsubscribes_contact__when_removed_from_allow_while_stopped(
        bot, bob, carol, server, subscribe):
    subscribe(bot, bob)
    subscribe(bot, carol)
    assert bot.stop() == 0
    bot.write_config(allow=[server.jid(u) for u in ALLOWED if u != "bob"])
    since = time.monotonic()
    bot.start()
    bob.wait_presence(bot.jid, "unsubscribe", since=since)
    bob.wait_presence(bot.jid, "unsubscribed", since=since)
    bot.wait_log("roster: ")
    bot.wait_log("unsubscribed bob@localhost (not in access.allow)")
    carol.expect_no_presence(bot.jid, "unsubscribed", 0.5, since=since)
    assert carol.ask(bot.jid, "status").startswith("Nothing is running.")


# -- the password file ------------------------------------------------------

def password_config(server, tmp_path, mode):
    """A bot.yaml whose password comes from a file of the given mode;
    returns (config path, password file path)."""
    pw = tmp_path / "password"
    pw.write_text(password("timmy") + "\n")
    os.chmod(pw, mode)
    cfg = write_config(str(tmp_path / "bot.yaml"), jid=server.jid("timmy"),
                       password_file=str(pw), host=server.host,
                       port=server.port, db_path=str(tmp_path / "timmy.db"),
                       allow=[server.jid("alice")])
    return cfg, str(pw)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_run__exits_naming_file_and_fix__when_password_file_readable(
        server, timmy_bin, tmp_path, mode):
    cfg, pw = password_config(server, tmp_path, mode)
    for command in ("run", "check"):
        # A timeout here would mean it started all the same.
        r = run_timmy([command, "-c", cfg], binary=timmy_bin,
                      cert_path=server.cert_path, timeout=10)
        assert r.returncode != 0, (command, r.stderr)
        assert "account.password_file" in r.stderr, r.stderr
        assert pw in r.stderr and "chmod 600" in r.stderr, r.stderr
        assert "%04o" % mode in r.stderr, r.stderr
        assert password("timmy") not in r.stdout + r.stderr
        assert not os.path.exists(str(tmp_path / "timmy.db"))


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_run__logs_in__when_only_owner_may_read_password_file(
        server, make_bot, alice, tmp_path, mode):
    pw = tmp_path / "password"
    pw.write_text(password("timmy") + "\n")
    os.chmod(pw, mode)
    b = make_bot(password_file=str(pw), log_level="debug")
    assert alice.ask(b.jid, "status").startswith("Nothing is running.")
    assert password("timmy") not in b.log()
