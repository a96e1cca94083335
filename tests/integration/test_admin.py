"""Admin commands through a real Prosody: alice is in access.admins, bob,
carol and dave are allowed users. An admin gets `who`, another user's
report and another user's export (delivered to the admin: inline here, the
session's server offering no HTTP upload); for everyone else the same
words are unknown, or a word that is neither a period nor a project, with
the same reply whether the user named exists or not.
"""

import datetime
import re
import time

import pytest

from conftest import ALLOWED, stop_and_judge
from harness import Bot

PART = re.compile(r"\((\d+)/(\d+)\) ([^\n]+)\n")
CSV_HEADER = ("id,project,tags,note,start,stop,duration_seconds,"
              "duration_hours,breaks_seconds,rounded_seconds,rounded_hours,"
              "rounding,billable,rate,currency,amount")
UNKNOWN_WHO = 'I don\'t know "who". Try "help".'


@pytest.fixture
def admin_bot(server, timmy_bin, request):
    """The bot with alice as its admin, online, its upload discovery over;
    stopped after the test, which fails if it does not exit 0 on SIGTERM
    or a sanitizer spoke."""
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED],
            admins=[server.jid("alice")], binary=timmy_bin)
    request.node.timmy_bot = b
    try:
        b.start()
        b.wait_log("HTTP upload: ", timeout=15)
        yield b
        stop_and_judge(b)
    finally:
        b.close()


def bob_works(bob, bot):
    """bob records some time this week (UTC, the bot's default zone) and
    stops: 90 minutes when the week began that long ago, else a second."""
    now = datetime.datetime.now(datetime.timezone.utc)
    monday = (now - datetime.timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0)
    if now - monday > datetime.timedelta(minutes=91):
        assert bob.ask(bot.jid, "start acme +design 90m ago").startswith(
            "Started acme")
    else:
        assert bob.ask(bot.jid, "start acme +design").startswith(
            "Started acme")
        time.sleep(1.2)
    assert bob.ask(bot.jid, "stop").startswith("Stopped acme")


def read_inline(client, bot):
    """Reads the inline parts "(i/n) NAME\\n..." of one file; returns
    (name, content)."""
    chunks, name, total = [], None, None
    while total is None or len(chunks) < total:
        r = client.next_message(bot.jid, timeout=15,
                                what="inline part %d" % (len(chunks) + 1))
        m = PART.match(r.body)
        assert m, "not an inline part: %r" % r.body[:300]
        if total is None:
            total, name = int(m.group(2)), m.group(3)
        chunks.append(r.body[m.end():])
    return name, "".join(chunks)


def test_who__lists_users_of_today__when_sender_is_admin(admin_bot, alice,
                                                         bob, carol, dave):
    bot = admin_bot
    assert bob.ask(bot.jid, "start acme").startswith("Started acme")
    assert carol.ask(bot.jid, "start globex").startswith("Started globex")
    time.sleep(1.2)
    assert carol.ask(bot.jid, "stop").startswith("Stopped globex")
    assert dave.ask(bot.jid, "status").startswith("Nothing is running.")

    reply = alice.ask(bot.jid, "who")
    lines = reply.split("\n")
    assert re.match(r"Today, \w{3} \d{1,2} \w{3} \d{4}: 2 users tracked "
                    r"time\.$", lines[0]), reply
    assert lines[1] == "```" and lines[-1] == "```", reply
    rows = {l.split()[0]: l for l in lines[2:-1]}
    assert sorted(rows) == ["bob@localhost", "carol@localhost"], reply
    assert rows["bob@localhost"].endswith("  running"), reply
    assert "running" not in rows["carol@localhost"], reply
    # Asking changed nothing.
    assert bot.query("SELECT count(*) FROM entries")[0][0] == 2


def test_report__is_that_users_report__when_sender_is_admin(admin_bot, alice,
                                                            bob):
    bot = admin_bot
    bob_works(bob, bot)
    assert alice.ask(bot.jid, "add secret 1m yesterday").startswith("Added")
    own = bob.ask(bot.jid, "report week")
    assert own.startswith("This week, "), own
    assert "acme" in own, own

    theirs = alice.ask(bot.jid, "report bob@localhost week")
    assert theirs == "bob@localhost, t" + own[1:]
    assert "secret" not in theirs
    # The word may stand anywhere; the admin's own report is theirs.
    assert alice.ask(bot.jid, "report week bob@localhost") == theirs
    assert "bob@localhost" not in alice.ask(bot.jid, "report week")
    assert (alice.ask(bot.jid, "report nobody@localhost week")
            == "I have no data for nobody@localhost.")


def test_export__sends_that_users_file_to_admin__when_sender_is_admin(
        admin_bot, alice, bob):
    bot = admin_bot
    bob_works(bob, bot)
    assert alice.ask(bot.jid, "add secret 1m yesterday").startswith("Added")
    own = bob.ask(bot.jid, "export csv week")
    assert own.startswith("Export of this week: 1 entry as timmy-"), own
    own_name, own_file = read_inline(bob, bot)

    reply = alice.ask(bot.jid, "export csv week bob@localhost")
    m = re.match(r"Export of this week for bob@localhost: 1 entry as "
                 r"(timmy-bob@localhost-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv), "
                 r"\d+ bytes\.$", reply)
    assert m, reply
    name, content = read_inline(alice, bot)
    assert name == m.group(1)
    assert name == own_name.replace("timmy-", "timmy-bob@localhost-", 1)
    # bob's own file, to the byte.
    assert content == own_file
    rows = content.strip("\n").split("\n")
    assert rows[0] == CSV_HEADER, content
    assert len(rows) == 2 and ",acme,design," in rows[1], content
    assert "secret" not in content
    bob.expect_silence(bot.jid, 1.0)


def test_admin_words__answer_as_for_anyone__when_sender_not_admin(
        admin_bot, alice, bob, dave):
    bot = admin_bot
    assert alice.ask(bot.jid, "add acme 1m yesterday").startswith("Added")
    bob_works(bob, bot)
    for user in (bob, dave):
        assert user.ask(bot.jid, "who") == UNKNOWN_WHO
        assert user.ask(bot.jid, "WHO is there") == UNKNOWN_WHO
        assert user.ask(bot.jid, "xyz") == 'I don\'t know "xyz". Try "help".'
        help_all = user.ask(bot.jid, "help")
        assert help_all.startswith("Commands:")
        assert "who" not in help_all and "USER" not in help_all
        assert (user.ask(bot.jid, "help who")
                == 'There is no command "who". Try "help".')
        assert "USER" not in user.ask(bot.jid, "help report")
        # A user who exists and one who does not: the same answer.
        for words in ("report %s week", "report %s", "export csv week %s"):
            known = user.ask(bot.jid, words % "alice@localhost")
            unknown = user.ask(bot.jid, words % "alicf@localhost")
            assert known.startswith('"alice@localhost" is neither a period '
                                    'nor a project.'), known
            assert unknown == known.replace("alice@", "alicf@"), unknown
        user.expect_silence(bot.jid, 1.0)
    # The admin sees the admin part of help.
    assert "Administration (admins only):\n  who" in alice.ask(bot.jid, "help")
