"""What a new user runs into, through the real server: a start before the
running timer (the reply names what is in the way and proposes only what
works), a mistyped command word (a suggestion), a new project that looks
like a mistyped old one (a remark), and "continue ID".

Clock times of today are taken in a fixed-offset zone in which it is just
past noon (noon_zone), fixed dates are in 2025: the tests hold whenever
they run.
"""

import re
from datetime import datetime, timedelta, timezone

ALICE = "alice@localhost"

# A time as the bot shows it: "09:30" today, "Tue 24 Nov 09:30" on another day.
WHEN = r"(?:\w{3} \d{1,2} \w{3} )?\d{2}:\d{2}"


def noon_zone():
    """An Etc/GMT zone in which it is now between 12:00 and 13:00, and its
    offset in hours east of UTC: 9:00 today is then long past and the day
    has room after it, whenever the test runs."""
    off = 12 - datetime.now(timezone.utc).hour
    # Etc/GMT names count the other way: Etc/GMT-3 is UTC+3.
    return ("Etc/GMT" if off == 0 else "Etc/GMT%+d" % -off), off


def use_noon_zone(client, bot):
    """Sets the client's zone to noon_zone(); returns its offset."""
    name, off = noon_zone()
    assert client.ask(bot.jid, "tz " + name).startswith(
        "Your time zone is now %s;" % name)
    return off


def hm(t, off):
    """Epoch t as HH:MM in UTC+off."""
    return datetime.fromtimestamp(t, timezone(timedelta(hours=off))) \
        .strftime("%H:%M")


def entries(bot, jid=ALICE):
    """(number, project, start, stop) of jid's entries by number."""
    return bot.query(
        "SELECT e.seq, e.project, e.start, e.stop FROM entries e "
        "JOIN users u ON u.id = e.user_id WHERE u.jid = ? ORDER BY e.seq", jid)


# -- a start before the running timer ------------------------------------

def test_start__before_the_running_timer__names_it_and_what_works(bot, alice):
    off = use_noon_zone(alice, bot)
    assert alice.ask(bot.jid, "start acme 10m ago").startswith("Started acme")
    [(seq, _, start, _)] = entries(bot)
    since = hm(start, off)
    minute = hm(start - start % 60, off)

    reply = alice.ask(bot.jid, "start acme at 9:00")
    assert reply == (
        "acme has been running since %s, after 09:00, so a timer cannot "
        "start at 09:00. To record 09:00–%s, say \"add acme 09:00-%s\", or "
        "\"edit %d start 09:00\" to move the running one back."
        % (since, minute, minute, seq)), reply

    # What it proposes works.
    reply = alice.ask(bot.jid, "edit %d start 09:00" % seq)
    assert reply.startswith("Changed #%d acme since 09:00 (" % seq), reply
    [(_, _, start, stop)] = entries(bot)
    assert hm(start, off) == "09:00" and stop is None


def test_start__over_a_stopped_entry__says_from_when_and_proposes_add(
        bot, alice):
    off = use_noon_zone(alice, bot)
    assert alice.ask(bot.jid, "start acme 10m ago").startswith("Started acme")
    assert alice.ask(bot.jid, "stop").startswith("Stopped acme")
    [(seq, _, start, stop)] = entries(bot)
    minute = hm(start - start % 60, off)

    reply = alice.ask(bot.jid, "start acme at 9:00")
    m = re.fullmatch(
        r"Starting then would overlap #%d acme %s–%s \(\d+m\)\. A timer can "
        r"start from %s on\. To record 09:00–%s, say \"add acme "
        r"09:00-%s\"\." % (seq, hm(start, off), hm(stop, off), hm(stop, off),
                           minute, minute), reply)
    assert m, reply

    reply = alice.ask(bot.jid, "add acme 09:00-%s" % minute)
    assert reply.startswith("Added #%d acme 09:00–%s" % (seq + 1, minute)), \
        reply


def test_start__at_the_running_timers_start__proposes_a_project_change(
        bot, alice):
    use_noon_zone(alice, bot)
    assert alice.ask(bot.jid, "start acme at 11:00").startswith("Started acme")
    reply = alice.ask(bot.jid, "start globex at 11:00")
    assert reply == ("acme has been running since 11:00, so no other timer "
                     "can start then. To make it globex, say \"edit 1 "
                     "project globex\"."), reply
    assert alice.ask(bot.jid, "edit 1 project globex").startswith(
        "Changed #1 globex since 11:00")


# -- a mistyped command word -------------------------------------------------

def test_unknown_word__close_to_a_command__suggests_it(bot, alice):
    assert alice.ask(bot.jid, "strat acme") == (
        "I don't know \"strat\". Did you mean \"start\"?")
    assert alice.ask(bot.jid, "Swtich globex") == (
        "I don't know \"swtich\". Did you mean \"switch\"?")
    assert alice.ask(bot.jid, "help strat") == (
        "There is no command \"strat\". Did you mean \"start\"?")
    assert alice.ask(bot.jid, "banana") == (
        "I don't know \"banana\". Try \"help\".")
    # an admin command is no suggestion for anyone else
    assert alice.ask(bot.jid, "whoo") == (
        "I don't know \"whoo\". Try \"help\".")
    assert entries(bot) == []


# -- a new project that looks like an old one ------------------------------

def test_start_and_add__new_project_close_to_a_used_one__say_so_once(
        bot, alice):
    assert alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02").startswith(
        "Added #1 acme")
    reply = alice.ask(bot.jid, "start acmee")
    assert re.fullmatch(r"Started acmee at %s \(a new project; you have "
                        r"acme\)\." % WHEN, reply), reply
    assert alice.ask(bot.jid, "cancel").startswith("Cancelled acmee")

    reply = alice.ask(bot.jid, "add acm 1h 2025-06-03")
    assert reply == ("Added #3 acm Tue 3 Jun 09:00–10:00 (1h 00m) (a new "
                     "project; you have acme)."), reply
    # The second time it is one of the user's projects.
    reply = alice.ask(bot.jid, "add acm 1h 2025-06-04")
    assert reply == "Added #4 acm Wed 4 Jun 09:00–10:00 (1h 00m).", reply
    # Nothing close: nothing to remark on.
    reply = alice.ask(bot.jid, "start globex")
    assert re.fullmatch(r"Started globex at %s\." % WHEN, reply), reply


def test_start__a_renamed_projects_old_name__names_its_new_name(bot, alice):
    assert alice.ask(bot.jid, "add acme 9:00-10:00 2025-06-02").startswith(
        "Added #1 acme")
    assert alice.ask(bot.jid, "rename project acme globex") == (
        "Renamed acme to globex in 1 entry.")
    reply = alice.ask(bot.jid, "start acme")
    assert re.fullmatch(r"Started acme at %s \(a new project; you renamed "
                        r"acme to globex\)\." % WHEN, reply), reply


# -- continue ID -------------------------------------------------------------

def test_continue__with_an_id__restarts_that_entrys_project_and_tags(
        bot, alice):
    alice.ask(bot.jid, "add acme +design 9:00-10:00 2025-06-02 a note")
    alice.ask(bot.jid, "add globex +call 10:00-11:00 2025-06-02")
    reply = alice.ask(bot.jid, "continue #1 5m ago")
    assert re.fullmatch(r"Started acme \+design at %s\." % WHEN, reply), reply
    reply = alice.ask(bot.jid, "restart 2")
    assert re.fullmatch(r"Stopped acme \+design after 5m\. Started globex "
                        r"\+call at %s\." % WHEN, reply), reply
    assert [p for _, p, _, _ in entries(bot)] == [
        "acme", "globex", "acme", "globex"]
    assert alice.ask(bot.jid, "continue #99") == (
        "There is no entry #99. \"log\" shows the numbers.")
    assert "continue [ID] [at TIME | DURATION ago]" in alice.ask(
        bot.jid, "help continue")
