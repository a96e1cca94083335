"""Rates and billable time through a real Prosody: a user's own rate, the
amounts of a report by project and by day, +nobill time left out, a team
lead's rate over a member's own, a member refused, and the billing columns
of a CSV export. Days are fixed ones of 2025 with clock times, so the
tests hold at any hour, date and zone.
"""

import csv
import io

from test_admin import read_inline
from test_teams import team_bot  # noqa: F401 (a fixture)

DAY = "2025-06-02"  # a Monday
NEXT = "2025-06-03"


def ask(user, bot, words, starts):
    reply = user.ask(bot.jid, words)
    assert reply.startswith(starts), (words, reply)
    return reply


def test_rate__set_listed_billed_and_removed(team_bot, dave):  # noqa: F811
    bot = team_bot
    ask(dave, bot, "rate", "You have no rates.")
    ask(dave, bot, "rate globex 85 EUR",
        "Your rate for globex: 85.00 EUR an hour.")
    ask(dave, bot, "rate initech 100,50 usd",
        "Your rate for initech: 100.50 USD an hour.")
    reply = ask(dave, bot, "rate", "Your rates, an hour:")
    assert "\n- globex: 85.00 EUR" in reply, reply
    assert "\n- initech: 100.50 USD" in reply, reply
    assert "+nobill is not billable" in reply, reply
    ask(dave, bot, "add globex 9:00-16:05 %s" % DAY, "Added")
    ask(dave, bot, "add globex +nobill 16:05-17:05 %s" % DAY, "Added")
    ask(dave, bot, "add initech 9:00-11:00 %s" % NEXT, "Added")
    ask(dave, bot, "add internal 11:00-12:00 %s" % NEXT, "Added")

    reply = dave.ask(bot.jid, "report %s..%s by project" % (DAY, NEXT))
    assert "\nglobex     8h 05m  602.08 EUR\n" in reply, reply
    assert "\ninitech    2h 00m  201.00 USD\n" in reply, reply
    assert "\ninternal   1h 00m\n" in reply, reply
    assert ("\nBillable: 602.08 EUR, 201.00 USD (9h 05m). Not billable: "
            "2h 00m (no rate, or +nobill).") in reply, reply
    assert "rounded to the cent (half up)" in reply, reply

    reply = dave.ask(bot.jid, "report %s..%s by day" % (DAY, NEXT))
    assert "\nMon 2 Jun   8h 05m  602.08 EUR\n" in reply, reply
    assert "\nTue 3 Jun   3h 00m  201.00 USD\n" in reply, reply

    ask(dave, bot, "rate globex off",
        "Removed your rate for globex (85.00 EUR an hour).")
    ask(dave, bot, "rate globex off", "There is no rate of your for globex")
    reply = dave.ask(bot.jid, "report %s" % DAY)
    assert "EUR" not in reply and "Billable" not in reply, reply


def test_rate_team__lead_sets_it__it_applies_to_a_member__non_lead_refused(
        team_bot, alice, bob, carol):  # noqa: F811
    bot = team_bot
    ask(alice, bot, "rate acme 85 EUR", "Your rate for acme: 85.00 EUR")
    ask(bob, bot, "rate team web acme 150 EUR",
        "Only a lead of team web sets its rates.")
    ask(carol, bot, "rate team acme 120 EUR",
        "Team web's rate for acme: 120.00 EUR an hour.")
    reply = ask(alice, bot, "rate", "Your rates, an hour:")
    assert "- acme: 120.00 EUR (team web)" in reply, reply
    assert "- acme: 85.00 EUR (team web's rate applies instead)" in reply
    ask(alice, bot, "add acme 9:00-10:30 %s" % DAY, "Added")
    reply = alice.ask(bot.jid, "report %s" % DAY)
    assert "\nacme    1h 30m  180.00 EUR\n" in reply, reply
    assert "Billable: 180.00 EUR (1h 30m)." in reply, reply


def test_export_csv__billing_columns__with_their_values(
        team_bot, dave):  # noqa: F811
    bot = team_bot
    ask(dave, bot, "rate globex 85 EUR", "Your rate")
    ask(dave, bot, "add globex 9:00-10:30 %s" % DAY, "Added")
    ask(dave, bot, "add globex +nobill 10:30-11:00 %s" % DAY, "Added")
    ask(dave, bot, "add internal 11:00-12:00 %s" % DAY, "Added")
    reply = dave.ask(bot.jid, "export csv %s" % DAY)
    assert reply.startswith("Export of"), reply
    _, content = read_inline(dave, bot)
    rows = list(csv.DictReader(io.StringIO(content)))
    got = [(r["project"], r["billable"], r["rate"], r["currency"],
            r["amount"]) for r in rows]
    assert got == [("globex", "true", "85.00", "EUR", "127.50"),
                   ("globex", "false", "85.00", "EUR", ""),
                   ("internal", "false", "", "", "")], content
    # The columns before them keep their places; the billing columns come
    # after the rounded ones.
    assert content.split("\n")[0].startswith(
        "id,project,tags,note,start,stop,duration_seconds,duration_hours,"
        "breaks_seconds,rounded_seconds,rounded_hours,rounding,"
        "billable,rate,currency,amount"), content
