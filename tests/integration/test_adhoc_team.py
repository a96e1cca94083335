"""The Report and Export command menus (XEP-0050 forms) for teams: a
member's Report form offers "team web" under Whose and runs the chat
command "report team web ..."; a user in no team sees no Whose; a lead's
Export form runs "export csv team web RANGE" and the file has the member
column. Team web is alice and bob, led by carol, sharing acme (as in
tests/integration/test_teams.py); days are fixed ones of 2025, or the
form's own relative ranges compared with the same chat command."""

from test_adhoc import command, fields, note, text
from test_adhoc_forms import notes, value
from test_delivery import read_inline
from test_teams import DAY, june_day, team_bot  # noqa: F401 (the fixture)


def options(field):
    """The values of field's <option/>s, in order."""
    return [o.find("./*").text for o in field if o.tag.endswith("}option")]


def test_report_form__offers_the_team_and_by_member__for_a_member(
        team_bot, alice):
    bot = team_bot
    c = command(alice, bot, "report")
    f = fields(c)
    assert "whose" in f, text(c)
    assert options(f["whose"]) == ["mine", "team web"], text(c)
    assert value(f["whose"]) == "mine"
    assert "member" in options(f["by"]), text(c)


def test_report_form__completes_with_the_team_report__when_team_submitted(
        team_bot, alice):
    bot = team_bot
    c = command(alice, bot, "report")
    c = command(alice, bot, "report", action="complete",
                sessionid=c.get("sessionid"),
                form={"whose": "team web", "range": "last month",
                      "by": "member"})
    assert c.get("status") == "completed", text(c)
    # The form's ranges are relative to now: what the chat command says
    # for them, whether the team has time in it or not.
    said = note(c)
    assert "team web" in said.lower(), said
    assert said == alice.ask(bot.jid, "report team web last month by member")


def test_report_form__shows_the_form_again_with_an_error__when_mine_by_member(
        team_bot, alice):
    bot = team_bot
    c = command(alice, bot, "report")
    sid = c.get("sessionid")
    c = command(alice, bot, "report", action="complete", sessionid=sid,
                form={"whose": "mine", "range": "week", "by": "member"})
    assert c.get("status") == "executing", text(c)
    assert c.get("sessionid") == sid
    assert notes(c) == [("error", "Grouped by member is for a team's "
                                  "report: pick a team under Whose.")], \
        text(c)
    assert value(fields(c)["by"]) == "member"


def test_report_form__has_no_whose_or_by_member__for_a_user_in_no_team(
        team_bot, dave):
    bot = team_bot
    c = command(dave, bot, "report")
    f = fields(c)
    assert "whose" not in f, text(c)
    assert "member" not in options(f["by"]), text(c)


def test_export_form__offers_only_the_teams_led__to_a_lead_not_a_member(
        team_bot, alice, carol):
    bot = team_bot
    f = fields(command(carol, bot, "export"))
    assert options(f["whose"]) == ["mine", "team web"]
    assert "whose" not in fields(command(alice, bot, "export"))


def test_export_form__sends_the_team_file_with_a_member_column__for_a_lead(
        team_bot, alice, bob, carol):
    bot = team_bot
    june_day(bot, alice, bob)
    c = command(carol, bot, "export")
    c = command(carol, bot, "export", action="complete",
                sessionid=c.get("sessionid"),
                form={"format": "csv", "range": DAY, "project": "",
                      "whose": "team web"})
    assert c.get("status") == "completed", text(c)
    said = note(c)
    assert said.startswith("Export of Mon 2 Jun 2025 for team web: "
                           "2 entries as timmy-team_web-2025-06-02.csv"), said
    name, parts = read_inline(carol, bot)
    assert name == "timmy-team_web-2025-06-02.csv"
    csv = "".join(p.body.split("\n", 1)[1] for p in parts)
    rows = csv.strip("\n").split("\n")
    assert rows[0].startswith("member,id,project,"), rows
    assert [r.split(",")[:3] for r in rows[1:]] == [
        ["alice@localhost", "1", "acme"], ["bob@localhost", "1", "ACME"]], rows
