"""timmy as a good XMPP citizen, seen from a client: what disco#info
(XEP-0030) lists, the entity capabilities (XEP-0115) in its presence and
the node they name, software version (XEP-0092), delivery receipts
(XEP-0184) and chat states (XEP-0085) around a slow command; and that a
stranger gets none of it."""

import base64
import hashlib
import time
import uuid
import xml.etree.ElementTree as ET

NS_DISCO = "http://jabber.org/protocol/disco#info"
NS_CAPS = "http://jabber.org/protocol/caps"
NS_RECEIPTS = "urn:xmpp:receipts"
NS_CHATSTATES = "http://jabber.org/protocol/chatstates"
NS_VERSION = "jabber:iq:version"
NS_PING = "urn:xmpp:ping"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_CLIENT = "jabber:client"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# XEP-0308 and XEP-0424: corrections and retractions (test_corrections.py).
FEATURES = {NS_DISCO, NS_CAPS, NS_RECEIPTS, NS_CHATSTATES, NS_VERSION,
            NS_PING, "urn:xmpp:message-correct:0",
            "urn:xmpp:message-retract:1",
            "http://jabber.org/protocol/commands"}


def text(el):
    return ET.tostring(el, encoding="unicode")


def disco_query(client, bot, node=None):
    """The <query/> of the bot's disco#info answer (for node, if given)."""
    attr = "" if node is None else " node='%s'" % node
    answer = client.iq(bot.full_jid, "<query xmlns='%s'%s/>" % (NS_DISCO, attr))
    assert answer.get("type") == "result", text(answer)
    q = answer.find("{%s}query" % NS_DISCO)
    assert q is not None, text(answer)
    return q


def identities(q):
    return sorted((i.get("category"), i.get("type"), i.get(XML_LANG) or "",
                   i.get("name") or "")
                  for i in q.findall("{%s}identity" % NS_DISCO))


def features(q):
    return [f.get("var") for f in q.findall("{%s}feature" % NS_DISCO)]


def caps_ver(q):
    """XEP-0115 section 5.1, written independently of the bot's C."""
    s = "".join("%s/%s/%s/%s<" % i for i in identities(q))
    s += "".join("%s<" % f for f in sorted(features(q)))
    return base64.b64encode(hashlib.sha1(s.encode("utf-8")).digest()).decode()


def wait_for(client, pred, what, timeout=5.0):
    """The first message client received that pred accepts, waiting."""
    deadline = time.monotonic() + timeout
    while True:
        for m in list(client.messages):
            if pred(m):
                return m
        if time.monotonic() > deadline:
            raise AssertionError("no %s within %.0f s; got: %s" % (
                what, timeout, [m.xml for m in client.messages]))
        time.sleep(0.02)


def child(m, name, ns):
    return m.element.find("{%s}%s" % (ns, name))


def receipt_for(mid):
    def pred(m):
        r = child(m, "received", NS_RECEIPTS)
        return r is not None and r.get("id") == mid
    return pred


def send_with_receipt_request(client, bot, body, mid, mtype="chat",
                              extra=""):
    client.send_raw(
        "<message xmlns='%s' to='%s' type='%s' id='%s'><body>%s</body>"
        "<request xmlns='%s'/>%s</message>" % (
            NS_CLIENT, bot.jid, mtype, mid, body, NS_RECEIPTS, extra))


def test_disco_info__lists_client_bot_and_every_feature__for_allowed_user(
        bot, alice):
    q = disco_query(alice, bot)
    assert [i[:2] for i in identities(q)] == [("client", "bot")], text(q)
    assert set(features(q)) == FEATURES, text(q)
    assert len(features(q)) == len(FEATURES), text(q)


def test_presence__carries_caps_whose_ver_is_the_disco_hash__when_subscribed(
        bot, dave):
    dave.subscribe(bot.jid)
    dave.wait_presence(bot.jid, "subscribed")
    p = dave.wait_presence(bot.full_jid, "available")
    c = p.element.find("{%s}c" % NS_CAPS)
    assert c is not None, p.xml
    assert c.get("hash") == "sha-1", p.xml
    assert c.get("node"), p.xml
    assert c.get("ver") == caps_ver(disco_query(dave, bot)), p.xml


def test_disco_info__answers_the_same_and_echoes_the_node__for_caps_node_ver(
        bot, alice):
    plain = disco_query(alice, bot)
    node = "https://timmy.invalid#" + caps_ver(plain)
    q = disco_query(alice, bot, node)
    assert q.get("node") == node, text(q)
    assert identities(q) == identities(plain), text(q)
    assert sorted(features(q)) == sorted(features(plain)), text(q)
    # Another node, or a stale ver, is not ours.
    other = alice.iq(bot.full_jid, "<query xmlns='%s' node='%s'/>" % (
        NS_DISCO, "https://timmy.invalid#QgayPKawpkPSDYmwT/WM94uAlu0="))
    assert other.get("type") == "error", text(other)


def test_version__names_timmy__for_allowed_user(bot, alice):
    answer = alice.iq(bot.full_jid, "<query xmlns='%s'/>" % NS_VERSION)
    name = answer.find("{%s}query/{%s}name" % (NS_VERSION, NS_VERSION))
    version = answer.find("{%s}query/{%s}version" % (NS_VERSION, NS_VERSION))
    assert name is not None and name.text == "timmy", text(answer)
    assert version is not None and version.text, text(answer)


def test_receipt__acks_the_message_id_after_the_reply__when_requested(
        bot, alice):
    mid = "receipt-" + uuid.uuid4().hex
    send_with_receipt_request(alice, bot, "status", mid)
    reply = alice.next_message(bot.jid, what="reply to status")
    assert reply.body.startswith("Nothing is running."), reply.body
    r = wait_for(alice, receipt_for(mid), "receipt for %s" % mid)
    assert r.body is None, r.xml
    assert r.id != mid, r.xml
    assert r.from_bare == bot.jid, r.xml
    # A separate message, after the reply it acknowledges.
    assert alice.messages.index(r) > alice.messages.index(reply)


def test_receipt__is_not_sent__for_a_receipt_or_a_dropped_message(bot, alice):
    both = "both-" + uuid.uuid4().hex
    send_with_receipt_request(alice, bot, "status", both,
                              extra="<received xmlns='%s' id='x'/>"
                              % NS_RECEIPTS)
    assert alice.next_message(bot.jid).body.startswith("Nothing is running.")
    dropped = "dropped-" + uuid.uuid4().hex
    send_with_receipt_request(alice, bot, "status", dropped,
                              mtype="headline")
    # Handled in order: a later answered message marks the end.
    last = "last-" + uuid.uuid4().hex
    send_with_receipt_request(alice, bot, "status", last)
    wait_for(alice, receipt_for(last), "receipt for the last message")
    time.sleep(0.3)
    got = [m.xml for m in alice.messages
           if child(m, "received", NS_RECEIPTS) is not None]
    assert len(got) == 1, got


def test_report__is_preceded_by_composing_and_reply_is_active__in_chat(
        bot, alice):
    alice.send(bot.jid, "add acme 9:00-10:00 2025-06-02")
    alice.next_message(bot.jid)
    start = len(alice.messages)
    reply = alice.ask(bot.jid, "report 2025-06-02")
    assert "acme" in reply, reply
    after = alice.messages[start:]
    bodies = [i for i, m in enumerate(after) if m.body is not None]
    composing = [i for i, m in enumerate(after)
                 if child(m, "composing", NS_CHATSTATES) is not None]
    assert composing, [m.xml for m in after]
    assert composing[0] < bodies[0], [m.xml for m in after]
    assert after[composing[0]].type == "chat", after[composing[0]].xml
    assert after[composing[0]].body is None, after[composing[0]].xml
    answer = after[bodies[0]]
    assert child(answer, "active", NS_CHATSTATES) is not None, answer.xml


def test_status__gets_no_chat_state__because_it_is_fast(bot, alice):
    start = len(alice.messages)
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    after = alice.messages[start:]
    assert all(child(m, "composing", NS_CHATSTATES) is None
               and child(m, "active", NS_CHATSTATES) is None
               for m in after), [m.xml for m in after]


def test_report__gets_no_chat_state__when_message_type_is_normal(bot, alice):
    start = len(alice.messages)
    alice.ask(bot.jid, "report 2025-06-02", mtype="normal")
    after = alice.messages[start:]
    assert all(m.element.find("{%s}*" % NS_CHATSTATES) is None
               for m in after), [m.xml for m in after]


def test_stranger__gets_no_receipt_no_chat_state_no_disco(bot, alice,
                                                          stranger):
    answer = stranger.iq(bot.full_jid, "<query xmlns='%s'/>" % NS_DISCO)
    assert answer.get("type") == "error", text(answer)
    assert answer.find(".//{%s}service-unavailable" % NS_STANZAS) \
        is not None, text(answer)
    node = "https://timmy.invalid#" + caps_ver(disco_query(alice, bot))
    answer = stranger.iq(bot.full_jid, "<query xmlns='%s' node='%s'/>" % (
        NS_DISCO, node))
    assert answer.get("type") == "error", text(answer)
    send_with_receipt_request(stranger, bot, "report", "s-" + uuid.uuid4().hex)
    # The bot handles stanzas in order: once alice has her answer, a
    # stray message to the stranger would have had time to show up.
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    stranger.expect_silence(bot.jid, 1.0)
    assert [m.xml for m in stranger.messages
            if m.from_bare == bot.jid] == []
