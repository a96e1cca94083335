"""XEP-0308 message correction and XEP-0424 message retraction: a corrected
command changes what the original did instead of doing it twice, and a
retracted one is undone, as long as it is still the user's latest change.

Dates are absolute days in 2025 with explicit times (or a timer started
now, which is the same at any hour), so these run at any time of day."""

import uuid
from xml.sax.saxutils import escape, quoteattr

import pytest

NS_CORRECT = "urn:xmpp:message-correct:0"
NS_RETRACT = "urn:xmpp:message-retract:1"
NS_RETRACT_0 = "urn:xmpp:message-retract:0"
NS_FASTEN = "urn:xmpp:fasten:0"

RETRACT_FALLBACK = ("This person attempted to retract a previous message, "
                    "but it's unsupported by your client.")


def send_with(client, to, body, extra, mid=None):
    """Sends a chat message with body (none when None) and the raw
    elements extra; returns its stanza id."""
    mid = mid or uuid.uuid4().hex
    b = "<body>%s</body>" % escape(body) if body is not None else ""
    client.send_raw("<message to=%s type='chat' id=%s>%s%s</message>" % (
        quoteattr(to), quoteattr(mid), b, extra))
    return mid


def correct(client, to, original_id, body, mid=None):
    """Sends body as an XEP-0308 correction of original_id; the reply."""
    send_with(client, to, body, "<replace xmlns='%s' id=%s/>" % (
        NS_CORRECT, quoteattr(original_id)), mid)
    return client.next_message(to).body


def retract(client, to, original_id, old_form=False, body=None):
    """Retracts original_id (XEP-0424, or its fastening form); the reply."""
    if old_form:
        extra = ("<apply-to xmlns='%s' id=%s><retract xmlns='%s'/>"
                 "</apply-to>" % (NS_FASTEN, quoteattr(original_id),
                                  NS_RETRACT_0))
    else:
        extra = "<retract xmlns='%s' id=%s/>" % (NS_RETRACT,
                                                 quoteattr(original_id))
    send_with(client, to, body, extra)
    return client.next_message(to).body


def say(client, to, body, origin=False):
    """Sends body (with an XEP-0359 origin-id equal to the stanza id when
    origin, as Conversations and Gajim do); its id and the reply."""
    mid = uuid.uuid4().hex
    client.send(to, body, id=mid, origin_id=mid if origin else None)
    return mid, client.next_message(to).body


def projects(bot):
    return [r[0] for r in bot.query(
        "SELECT project FROM entries ORDER BY id")]


def test_correction__changes_the_entry_instead_of_adding_one__when_it_corrects_an_add(
        bot, alice):
    mid, r = say(alice, bot.jid, "add acme-wbesite 9:00-10:00 2025-06-02")
    assert r.startswith("Added"), r
    r = correct(alice, bot.jid, mid, "add acme-website 9:00-10:00 2025-06-02")
    assert r.startswith("Corrected: Added"), r
    assert "acme-website" in r, r
    assert projects(bot) == ["acme-website"]


def test_correction__replaces_the_started_timer__when_the_original_carried_an_origin_id(
        bot, alice):
    mid, r = say(alice, bot.jid, "start acme-wbesite", origin=True)
    assert r.startswith("Started acme-wbesite"), r
    r = correct(alice, bot.jid, mid, "start acme-website")
    assert r.startswith("Corrected: Started acme-website"), r
    assert projects(bot) == ["acme-website"]
    assert bot.query("SELECT project FROM entries WHERE stop IS NULL") == [
        ("acme-website",)]


def test_correction__runs_as_a_new_command__when_the_original_was_status(
        bot, alice):
    mid, r = say(alice, bot.jid, "status")
    r = correct(alice, bot.jid, mid, "add acme 9:00-10:00 2025-06-02")
    assert r.startswith("Added"), r
    assert projects(bot) == ["acme"]


@pytest.mark.parametrize("verb", ["correct", "undo"])
def test_correction_and_retraction__are_refused_and_change_nothing__when_a_later_change_came_between(
        bot, alice, verb):
    first, _ = say(alice, bot.jid, "add acme-wbesite 9:00-10:00 2025-06-02")
    say(alice, bot.jid, "add globex 11:00-12:00 2025-06-02")
    if verb == "correct":
        r = correct(alice, bot.jid, first,
                    "add acme-website 9:00-10:00 2025-06-02")
    else:
        r = retract(alice, bot.jid, first)
    assert r.startswith("I can only %s your latest change; since then "
                        "you did \"add globex\"" % verb), r
    assert projects(bot) == ["acme-wbesite", "globex"]


def test_correction__keeps_the_original__when_the_corrected_command_is_refused(
        bot, alice):
    mid, _ = say(alice, bot.jid, "add acme 9:00-10:00 2025-06-02")
    say(alice, bot.jid, "add globex 11:00-12:00 2025-06-02")
    mid2, _ = say(alice, bot.jid, "add initech 13:00-14:00 2025-06-02")
    # Overlaps globex: refused, and initech stays.
    r = correct(alice, bot.jid, mid2, "add initech 11:30-12:30 2025-06-02")
    assert "Your original message stands (add initech)." in r, r
    assert projects(bot) == ["acme", "globex", "initech"]


def test_correction__can_be_corrected_again__when_the_client_names_the_original_twice(
        bot, alice):
    mid, _ = say(alice, bot.jid, "add acme-wbesite 9:00-10:00 2025-06-02",
                 origin=True)
    correct(alice, bot.jid, mid, "add acme-webiste 9:00-10:00 2025-06-02")
    r = correct(alice, bot.jid, mid, "add acme-website 9:00-10:00 2025-06-02")
    assert r.startswith("Corrected: Added"), r
    assert projects(bot) == ["acme-website"]


def test_correction__applies_once__when_delivered_twice(bot, alice):
    mid, _ = say(alice, bot.jid, "add acme-wbesite 9:00-10:00 2025-06-02")
    cid = uuid.uuid4().hex
    first = correct(alice, bot.jid, mid,
                    "add acme-website 9:00-10:00 2025-06-02", mid=cid)
    again = correct(alice, bot.jid, mid,
                    "add acme-website 9:00-10:00 2025-06-02", mid=cid)
    assert again == first, (first, again)
    assert projects(bot) == ["acme-website"]


def test_retraction__undoes_the_change__when_it_is_the_latest(bot, alice):
    mid, r = say(alice, bot.jid, "start acme")
    assert r.startswith("Started acme"), r
    r = retract(alice, bot.jid, mid)
    assert r == "Undone: start acme (your retracted message).", r
    assert projects(bot) == []


def test_retraction__undoes_the_change__in_the_older_fastening_form_with_a_fallback_body(
        bot, alice):
    mid, _ = say(alice, bot.jid, "add acme 9:00-10:00 2025-06-02", origin=True)
    r = retract(alice, bot.jid, mid, old_form=True, body=RETRACT_FALLBACK)
    assert r == "Undone: add acme (your retracted message).", r
    assert projects(bot) == []


def test_retraction__says_there_was_nothing_to_undo__when_the_message_changed_nothing(
        bot, alice):
    mid, _ = say(alice, bot.jid, "status")
    r = retract(alice, bot.jid, mid)
    assert r.startswith("There was nothing to undo"), r
    assert projects(bot) == []


def test_disco_info__lists_correction_and_retraction(bot, alice):
    info = alice.iq(bot.full_jid,
                    "<query xmlns='http://jabber.org/protocol/disco#info'/>")
    features = {f.get("var") for f in info.iter(
        "{http://jabber.org/protocol/disco#info}feature")}
    assert {NS_CORRECT, NS_RETRACT} <= features, features
