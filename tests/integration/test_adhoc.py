"""XEP-0050 ad-hoc commands (the command menus of Gajim, Psi, Cheogram,
Movim): the list, what each node is, Status and Stop at once, the Start
and Report forms, cancel, unknown sessions; and that a stranger gets
none of it. Each menu command answers with the chat command's text."""

import re
import time
import xml.etree.ElementTree as ET

from test_security import make_bot  # noqa: F401 (the fixture)

from test_roster_status import IDLE, WHEN, subscribe, wait_status

NS_CMD = "http://jabber.org/protocol/commands"
NS_ITEMS = "http://jabber.org/protocol/disco#items"
NS_INFO = "http://jabber.org/protocol/disco#info"
NS_DATA = "jabber:x:data"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def text(el):
    return ET.tostring(el, encoding="unicode")


def command(client, bot, node, action="execute", sessionid=None, form=None):
    """The <command/> of the bot's answer (asserted a result)."""
    sid = "" if sessionid is None else " sessionid='%s'" % sessionid
    x = ""
    if form is not None:
        x = "<x xmlns='%s' type='submit'>%s</x>" % (NS_DATA, "".join(
            "<field var='%s'><value>%s</value></field>" % kv
            for kv in form.items()))
    answer = client.iq(bot.full_jid, "<command xmlns='%s' node='%s' "
                       "action='%s'%s>%s</command>" % (
                           NS_CMD, node, action, sid, x), itype="set")
    assert answer.get("type") == "result", text(answer)
    c = answer.find("{%s}command" % NS_CMD)
    assert c is not None, text(answer)
    return c


def note(c):
    n = c.find("{%s}note" % NS_CMD)
    assert n is not None and n.get("type") == "info", text(c)
    return n.text


def fields(c):
    x = c.find("{%s}x" % NS_DATA)
    assert x is not None and x.get("type") == "form", text(c)
    return {f.get("var"): f for f in x.findall("{%s}field" % NS_DATA)}


def test_disco_items__list_the_commands__for_an_allowed_user(bot, alice):
    answer = alice.iq(bot.full_jid, "<query xmlns='%s' node='%s'/>" % (
        NS_ITEMS, NS_CMD))
    assert answer.get("type") == "result", text(answer)
    items = answer.findall(".//{%s}item" % NS_ITEMS)
    assert {"start", "stop", "status", "report"} <= \
        {i.get("node") for i in items}, text(answer)
    assert all(i.get("jid") == bot.full_jid and i.get("name")
               for i in items), text(answer)


def test_disco_info__names_a_command_node__as_automation_command_node(
        bot, alice):
    answer = alice.iq(bot.full_jid, "<query xmlns='%s' node='status'/>"
                      % NS_INFO)
    assert answer.get("type") == "result", text(answer)
    ident = answer.find(".//{%s}identity" % NS_INFO)
    assert ident is not None, text(answer)
    assert (ident.get("category"), ident.get("type")) == \
        ("automation", "command-node"), text(answer)
    feats = {f.get("var") for f in answer.findall(".//{%s}feature" % NS_INFO)}
    assert feats == {NS_CMD, NS_DATA}, text(answer)


def test_status__completes_with_the_chat_status_text__at_once(bot, alice):
    c = command(alice, bot, "status")
    assert c.get("status") == "completed", text(c)
    assert note(c) == alice.ask(bot.jid, "status")


def test_start_form__starts_the_timer__and_stop_stops_it(bot, alice):
    alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02")
    c = command(alice, bot, "start")
    assert c.get("status") == "executing", text(c)
    sid = c.get("sessionid")
    assert sid, text(c)
    assert c.find("{%s}actions/{%s}complete" % (NS_CMD, NS_CMD)) is not None
    f = fields(c)
    assert {"project", "other", "tags", "note", "start"} <= set(f), text(c)
    # The user's recent projects are the picker's options; 2025-06-02 is
    # older than 30 days, so only what is recent counts: none yet.
    assert f["project"].get("type") == "list-single", text(c)

    c = command(alice, bot, "start", action="complete", sessionid=sid,
                form={"other": "client work", "tags": "design +billable",
                      "note": "the header", "start": "5m ago"})
    assert c.get("status") == "completed", text(c)
    assert "client work" in note(c), text(c)
    status = alice.ask(bot.jid, "status")
    assert "client work" in status and "+design" in status \
        and "+billable" in status and "(5m)" in status, status

    # Now a recent project: offered in the next form.
    c = command(alice, bot, "start")
    opts = [v.text for v in fields(c)["project"].iter(
        "{%s}value" % NS_DATA)]
    assert "client work" in opts, text(c)
    command(alice, bot, "start", action="cancel",
            sessionid=c.get("sessionid"))

    c = command(alice, bot, "stop")
    assert c.get("status") == "completed", text(c)
    assert "client work" in note(c) and "Stopped" in note(c), text(c)
    assert alice.ask(bot.jid, "status").startswith("Nothing is running")


def test_report_form__completes_with_the_chat_report_text(bot, alice):
    c = command(alice, bot, "report")
    assert c.get("status") == "executing", text(c)
    f = fields(c)
    assert f["range"].get("type") == "list-single", text(c)
    assert f["by"].get("type") == "list-single", text(c)
    c = command(alice, bot, "report", action="complete",
                sessionid=c.get("sessionid"),
                form={"range": "today", "by": "day"})
    assert c.get("status") == "completed", text(c)
    assert note(c) == alice.ask(bot.jid, "report today by day")


def test_cancel__ends_the_session__and_it_is_unknown_afterwards(bot, alice):
    c = command(alice, bot, "report")
    sid = c.get("sessionid")
    c = command(alice, bot, "report", action="cancel", sessionid=sid)
    assert c.get("status") == "canceled", text(c)
    answer = alice.iq(bot.full_jid, "<command xmlns='%s' node='report' "
                      "action='complete' sessionid='%s'/>" % (NS_CMD, sid),
                      itype="set")
    assert answer.get("type") == "error", text(answer)
    assert answer.find(".//{%s}bad-request" % NS_STANZAS) is not None
    assert answer.find(".//{%s}bad-sessionid" % NS_CMD) is not None


def test_stranger__gets_service_unavailable__for_list_and_execute(
        bot, alice, stranger):
    answer = stranger.iq(bot.full_jid, "<query xmlns='%s' node='%s'/>" % (
        NS_ITEMS, NS_CMD))
    assert answer.get("type") == "error", text(answer)
    assert answer.find(".//{%s}service-unavailable" % NS_STANZAS) \
        is not None, text(answer)
    answer = stranger.iq(bot.full_jid, "<command xmlns='%s' node='status' "
                         "action='execute'/>" % NS_CMD, itype="set")
    assert answer.get("type") == "error", text(answer)
    assert answer.find(".//{%s}service-unavailable" % NS_STANZAS) \
        is not None, text(answer)


def test_start_and_stop_menus__update_the_timer_in_the_contact_list(
        bot, alice):
    subscribe(alice, bot)
    since = time.monotonic()
    sid = command(alice, bot, "start").get("sessionid")
    command(alice, bot, "start", action="complete", sessionid=sid,
            form={"other": "acme", "tags": "design", "start": "5m ago"})
    wait_status(alice, bot, re.escape("acme +design since ") + WHEN, since)
    since = time.monotonic()
    command(alice, bot, "stop")
    wait_status(alice, bot, re.escape(IDLE), since)


def test_execute__is_refused_with_resource_constraint__over_the_rate_limit(
        make_bot, alice):
    b = make_bot(limits={"commands_per_minute": 1, "burst": 2})
    for _ in range(2):
        assert command(alice, b, "status").get("status") == "completed"
    answer = alice.iq(b.full_jid, "<command xmlns='%s' node='status' "
                      "action='execute'/>" % NS_CMD, itype="set")
    assert answer.get("type") == "error", text(answer)
    assert answer.find(".//{%s}resource-constraint" % NS_STANZAS) \
        is not None, text(answer)
