"""The Export and Settings command menus (XEP-0050 with XEP-0004 forms):
each runs the chat command ("export csv 2025-06-02", "settings NAME
VALUE") through the same code path as a chat message. Export's file comes
in a chat message as the chat command's does (inline parts here, a link
where the server offers HTTP upload); a refusal comes back as an error
note on the same form, which stays usable."""

import pytest

from conftest import password, started_bot
from test_adhoc import NS_CMD, NS_DATA, NS_ITEMS, NS_STANZAS, command, \
    fields, note, text
from test_delivery import download, read_inline, read_link, \
    upload_server  # noqa: F401 (the fixture)
from test_security import make_bot  # noqa: F401 (the fixture)

CSV_HEADER = "id,project,tags,note,start,stop,duration_seconds"


def value(field):
    v = field.find("{%s}value" % NS_DATA)
    return None if v is None else (v.text or "")


def notes(c):
    return [(n.get("type"), n.text) for n in c.findall("{%s}note" % NS_CMD)]


def export_form(client, bot):
    c = command(client, bot, "export")
    assert c.get("status") == "executing", text(c)
    return c


def test_disco_items__list_export_and_settings__beside_the_others(
        bot, alice):
    answer = alice.iq(bot.full_jid, "<query xmlns='%s' node='%s'/>" % (
        NS_ITEMS, NS_CMD))
    assert answer.get("type") == "result", text(answer)
    items = {i.get("node"): i.get("name")
             for i in answer.findall(".//{%s}item" % NS_ITEMS)}
    assert items.get("export") == "Export", text(answer)
    assert items.get("settings") == "Settings", text(answer)
    assert set(items) == {"start", "stop", "status", "report", "export",
                          "settings"}, text(answer)


def test_export_form__offers_formats_and_this_month__with_descriptions(
        bot, alice):
    f = fields(export_form(alice, bot))
    assert f["format"].get("type") == "list-single"
    assert [v.text for v in f["format"].iter("{%s}value" % NS_DATA)] == \
        ["csv", "csv", "json", "ical"]  # the default, then the options
    assert f["range"].get("type") == "text-single"
    assert value(f["range"]) == "this month"
    assert f["project"].get("type") == "text-single"
    assert all(f[k].find("{%s}desc" % NS_DATA) is not None
               for k in ("format", "range", "project"))


def test_export_form__sends_the_csv_in_chat__and_completes_saying_so(
        bot, alice):
    alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02 the header")
    alice.ask(bot.jid, "add other 11:00-12:00 2025-06-02")
    c = export_form(alice, bot)
    c = command(alice, bot, "export", action="complete",
                sessionid=c.get("sessionid"),
                form={"format": "csv", "range": "2025-06-02",
                      "project": "acme"})
    assert c.get("status") == "completed", text(c)
    said = note(c)
    assert said.startswith("Export of Mon 2 Jun 2025 (acme): 1 entry as "
                           "timmy-2025-06-02.csv"), said
    assert said.endswith("Sent to you in a chat message."), said
    # The file: inline parts here (this server has no HTTP upload), to
    # the full JID that ran the form, exactly as the chat command's.
    name, parts = read_inline(alice, bot)
    assert name == "timmy-2025-06-02.csv"
    assert all(p.to == alice.jid for p in parts)
    csv = "".join(p.body.split("\n", 1)[1] for p in parts)
    rows = csv.strip("\n").split("\n")
    assert rows[0].startswith(CSV_HEADER), rows
    assert len(rows) == 2 and rows[1].startswith("1,acme,,the header,"), rows
    alice.expect_silence(bot.jid, 1.0)


def test_export_form__is_the_chat_command__for_json_and_ical_too(
        bot, alice):
    alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02")
    for fmt, ext in (("json", "json"), ("ical", "ics")):
        c = export_form(alice, bot)
        c = command(alice, bot, "export", action="complete",
                    sessionid=c.get("sessionid"),
                    form={"format": fmt, "range": "2025-06-02"})
        assert "timmy-2025-06-02.%s" % ext in note(c), text(c)
        name, _ = read_inline(alice, bot)
        assert name == "timmy-2025-06-02.%s" % ext


def test_export_form__completes_with_nothing_to_export__when_range_empty(
        bot, alice):
    # A fresh database: nothing this month, whatever the date.
    c = export_form(alice, bot)
    c = command(alice, bot, "export", action="complete",
                sessionid=c.get("sessionid"), form={"format": "csv"})
    assert c.get("status") == "completed", text(c)
    assert note(c) == alice.ask(bot.jid, "export csv this month")
    assert note(c).startswith("No entries this month"), note(c)
    alice.expect_silence(bot.jid, 1.0)


def test_export_form__shows_the_form_again_with_an_error_note__when_range_refused(
        bot, alice):
    alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02")
    c = export_form(alice, bot)
    sid = c.get("sessionid")
    c = command(alice, bot, "export", action="complete", sessionid=sid,
                form={"format": "json", "range": "fortnight"})
    assert c.get("status") == "executing", text(c)
    assert c.get("sessionid") == sid, text(c)
    (kind, said), = notes(c)
    assert kind == "error", text(c)
    assert said == alice.ask(bot.jid, "export json fortnight"), text(c)
    # The form keeps what was typed, and the session goes on.
    f = fields(c)
    assert value(f["range"]) == "fortnight" and value(f["format"]) == "json"
    c = command(alice, bot, "export", action="complete", sessionid=sid,
                form={"format": "csv", "range": "2025-06-02"})
    assert c.get("status") == "completed", text(c)
    assert "1 entry" in note(c), text(c)
    name, _ = read_inline(alice, bot)
    assert name == "timmy-2025-06-02.csv"


def test_export_form__refuses_a_quote__with_an_error_note(bot, alice):
    c = export_form(alice, bot)
    c = command(alice, bot, "export", action="complete",
                sessionid=c.get("sessionid"),
                form={"range": "2025-06-02", "project": 'a"b'})
    assert c.get("status") == "executing", text(c)
    assert notes(c) == [("error", 'A range or a project cannot hold a '
                                  'quote (").')], text(c)


def test_export_form__costs_what_a_chat_export_costs__in_the_rate_limit(
        make_bot, alice):
    # A burst of 7: "add" 1, the form 1, its submission 1 and the file 4
    # more (RL_EXPORT_COST 5 in all, as in chat): nothing is left.
    b = make_bot(limits={"commands_per_minute": 1, "burst": 7})
    alice.ask(b.jid, "add acme 9:00-10:00 2025-06-02")
    c = export_form(alice, b)
    c = command(alice, b, "export", action="complete",
                sessionid=c.get("sessionid"),
                form={"format": "csv", "range": "2025-06-02"})
    assert c.get("status") == "completed", text(c)
    read_inline(alice, b)
    answer = alice.iq(b.full_jid, "<command xmlns='%s' node='status' "
                      "action='execute'/>" % NS_CMD, itype="set")
    assert answer.get("type") == "error", text(answer)
    assert answer.find(".//{%s}resource-constraint" % NS_STANZAS) \
        is not None, text(answer)


@pytest.fixture
def upload_bot(upload_server, timmy_bin, request):  # noqa: F811
    """The bot on the server with HTTP upload."""
    yield from started_bot(upload_server, timmy_bin, request)


def test_export_form__sends_the_upload_link__when_the_server_offers_upload(
        upload_server, upload_bot):  # noqa: F811
    alice = upload_server.client("alice", password("alice"),
                                 drop_offline=True)
    try:
        alice.ask(upload_bot.jid, "add acme 9:00-10:00 2025-06-02")
        c = export_form(alice, upload_bot)
        c = command(alice, upload_bot, "export", action="complete",
                    sessionid=c.get("sessionid"),
                    form={"format": "csv", "range": "2025-06-02"})
        assert note(c).endswith("Sent to you in a chat message."), text(c)
        url = read_link(alice, upload_bot)
        assert url.endswith("/timmy-2025-06-02.csv"), url
        data = download(upload_server, url).decode()
        assert data.startswith(CSV_HEADER), data
        assert "\r\n1,acme,," in data, data
    finally:
        alice.disconnect()


# -- Settings ----------------------------------------------------------

SETTINGS = ["idle.after", "idle.action", "reminders",
            "reminders.running_over", "reminders.start_by",
            "reminders.digest", "workdays", "workhours", "roster", "hours",
            "rounding"]


def settings_form(client, bot):
    c = command(client, bot, "settings")
    assert c.get("status") == "executing", text(c)
    return c


def shown(c):
    """{name: value} of the settings form c, in the form's order."""
    x = c.find("{%s}x" % NS_DATA)
    return {f.get("var"): value(f) for f in x.findall("{%s}field" % NS_DATA)}


def chat_settings(client, bot):
    """{name: value} of the chat command "settings"."""
    out = {}
    for line in client.ask(bot.jid, "settings").split("\n")[1:]:
        if line.startswith("  "):
            name, val = line.strip().split(" ", 1)
            out[name] = val.replace(" (default)", "")
    return out


def test_settings_form__shows_each_setting_with_its_current_value(
        bot, alice):
    alice.ask(bot.jid, "settings idle.after 30m")
    alice.ask(bot.jid, "settings reminders.digest weekly fri 16:00")
    c = settings_form(alice, bot)
    values = shown(c)
    assert list(values) == SETTINGS, text(c)
    current = chat_settings(alice, bot)
    assert values == {k: current[k] for k in SETTINGS}, (values, current)
    assert values["idle.after"] == "30m"
    assert values["reminders.digest"] == "weekly fri 16:00"
    f = fields(c)
    for name in ("idle.action", "reminders", "roster", "hours", "rounding"):
        assert f[name].get("type") == "list-single", text(c)
    assert [o.find("{%s}value" % NS_DATA).text for o in
            f["idle.action"].findall("{%s}option" % NS_DATA)] == \
        ["ask", "stop", "off"]
    assert [o.find("{%s}value" % NS_DATA).text for o in
            f["rounding"].findall("{%s}option" % NS_DATA)] == \
        ["none", "6m up", "6m nearest", "15m up", "15m nearest", "30m up",
         "30m nearest"]
    assert values["rounding"] == "none" and values["hours"] == "hm"
    for name in ("idle.after", "workhours", "reminders.digest"):
        assert f[name].get("type") == "text-single", text(c)
    for name in SETTINGS:
        assert f[name].get("label"), text(c)
        desc = f[name].find("{%s}desc" % NS_DATA)
        assert desc is not None and name in desc.text, text(c)


def test_settings_form__applies_each_changed_field__as_chat_settings_shows(
        bot, alice):
    c = settings_form(alice, bot)
    form = shown(c)
    form.update({"idle.after": "45m", "idle.action": "stop",
                 "workhours": "08:00-16:00", "rounding": "15m up"})
    c = command(alice, bot, "settings", action="complete",
                sessionid=c.get("sessionid"), form=form)
    assert c.get("status") == "completed", text(c)
    said = note(c).split("\n")
    assert [line.split(" ", 1)[0] for line in said] == \
        ["idle.after", "idle.action", "workhours", "rounding"], said
    assert said[0].startswith("idle.after is now 45m"), said
    now = chat_settings(alice, bot)
    assert (now["idle.after"], now["idle.action"], now["workhours"]) == \
        ("45m", "stop", "08:00-16:00"), now
    assert now["roster"] == "on" and now["workdays"] == "mon-fri", now
    assert now["rounding"] == "15m up", now


def test_settings_form__says_nothing_changed__when_submitted_as_shown(
        bot, alice):
    alice.ask(bot.jid, "settings roster off")
    before = chat_settings(alice, bot)
    c = settings_form(alice, bot)
    c = command(alice, bot, "settings", action="complete",
                sessionid=c.get("sessionid"), form=shown(c))
    assert c.get("status") == "completed", text(c)
    assert note(c) == "Nothing changed."
    assert chat_settings(alice, bot) == before


def test_settings_form__refuses_all_of_it__naming_the_field_with_the_reason(
        bot, alice):
    before = chat_settings(alice, bot)
    c = settings_form(alice, bot)
    sid = c.get("sessionid")
    form = shown(c)
    form.update({"roster": "off", "idle.after": "soon"})
    c = command(alice, bot, "settings", action="complete", sessionid=sid,
                form=form)
    assert c.get("status") == "executing", text(c)
    (kind, said), = notes(c)
    assert kind == "error", text(c)
    # The sentence prefs_parse gives, as the chat command says it.
    assert said == "idle.after: " + alice.ask(bot.jid,
                                               "settings idle.after soon")
    assert "is not a duration" in said, said
    # Nothing of that form was applied, roster off included; the form
    # keeps what was typed and the session goes on.
    assert chat_settings(alice, bot) == before
    assert shown(c)["idle.after"] == "soon" and shown(c)["roster"] == "off"
    form["idle.after"] = "20m"
    c = command(alice, bot, "settings", action="complete", sessionid=sid,
                form=form)
    assert c.get("status") == "completed", text(c)
    now = chat_settings(alice, bot)
    assert (now["idle.after"], now["roster"]) == ("20m", "off"), now
