"""What someone not in access.allow gets from timmy: no answer to messages,
<service-unavailable/> to every query (so no software name or version),
a denied subscription, and log lines counted: one a minute per sender,
however much they send."""

import time
import xml.etree.ElementTree as ET

import pytest

NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_DISCO = "http://jabber.org/protocol/disco#info"
NS_VERSION = "jabber:iq:version"
NS_PING = "urn:xmpp:ping"

QUERIES = {
    "disco#info": "<query xmlns='%s'/>" % NS_DISCO,
    "version": "<query xmlns='%s'/>" % NS_VERSION,
    "ping": "<ping xmlns='%s'/>" % NS_PING,
}


def stanza_text(el):
    """Everything an answer says: its tags, attributes and text."""
    return ET.tostring(el, encoding="unicode")


def stranger_lines(bot):
    return [line for line in bot.log(since_start=True).splitlines()
            if "stranger@localhost" in line]


@pytest.mark.parametrize("what", sorted(QUERIES))
def test_iq__stranger_gets_service_unavailable__for_each_query(
        bot, alice, stranger, what):
    answer = stranger.iq(bot.full_jid, QUERIES[what])
    assert answer.get("type") == "error", stanza_text(answer)
    assert answer.find(".//{%s}service-unavailable" % NS_STANZAS) \
        is not None, stanza_text(answer)
    text = stanza_text(answer)
    # Nothing about what runs here.
    assert "timmy" not in text.replace(bot.full_jid, ""), text
    assert "0.1.0" not in text and "category" not in text, text
    # An allowed user is answered.
    assert alice.iq(bot.full_jid, QUERIES[what]).get("type") == "result"


def test_iq__allowed_user_gets_identity_and_version__after_stranger_refused(
        bot, alice, stranger):
    stranger.iq(bot.full_jid, QUERIES["version"])
    ver = alice.iq(bot.full_jid, QUERIES["version"])
    name = ver.find("{%s}query/{%s}name" % (NS_VERSION, NS_VERSION))
    assert name is not None and name.text == "timmy", stanza_text(ver)
    disco = alice.iq(bot.full_jid, QUERIES["disco#info"])
    identity = disco.find("{%s}query/{%s}identity" % (NS_DISCO, NS_DISCO))
    assert identity is not None and identity.get("type") == "bot", \
        stanza_text(disco)
    line = bot.wait_log("ignored a query from stranger@localhost")
    assert "not in access.allow" in line, line


def test_stranger_flood__logs_a_line_or_two__when_300_messages_and_more(
        bot, alice, stranger):
    for i in range(300):
        stranger.send(bot.jid, "start evil plans %d" % i)
    for i in range(20):
        stranger.subscribe(bot.jid)
    for i in range(20):
        answer = stranger.iq(bot.full_jid, QUERIES["ping"])
        assert answer.get("type") == "error", stanza_text(answer)
    # The queries were answered after the messages, in order; an allowed
    # user is served all the while.
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    stranger.expect_silence(bot.jid, 1.0)
    # Each subscription request is still denied: a request left
    # unanswered would come back at every login of the bot.
    stranger.wait_presence(bot.jid, "unsubscribed")

    lines = stranger_lines(bot)
    # The first in full, the rest counted into a line at the minute's
    # end (a minute the test does not wait for).
    assert 1 <= len(lines) <= 2, lines
    assert "ignored message from stranger@localhost " \
        "(not in access.allow)" in lines[0], lines
    assert bot.query("SELECT count(*) FROM users") == [(0,)]


def test_stranger_flood__is_counted_when_bot_stops__not_lost(bot, stranger):
    for i in range(30):
        stranger.send(bot.jid, "status %d" % i)
    # The bot handles stanzas in order: the answer to this query comes
    # after all thirty messages were handled.
    stranger.iq(bot.full_jid, QUERIES["ping"])
    deadline = time.monotonic() + 5
    while not stranger_lines(bot) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bot.stop() == 0
    lines = stranger_lines(bot)
    assert len(lines) == 2, lines
    assert "ignored 30 more stanzas from stranger@localhost " \
        "(not in access.allow)" in lines[1], lines
