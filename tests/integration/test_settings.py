"""Each user's settings through a real server: `settings` lists and changes
them, `reminders` and `snooze` answer, bot.yaml's idle, reminders and
defaults sections give the defaults (at once on SIGHUP), a bad value there
is named by line and key, and `roster off` takes the timer off the
contact list."""

import re
import signal
import time
from datetime import datetime, timezone

from harness import Bot, config_text, run_timmy
from test_roster_status import IDLE, running_design, statuses, subscribe

ALLOWED = ("alice", "bob", "carol", "dave")

LIST_HEAD = "Your settings:\n  tz UTC (default)\n"
USAGE = ("Change one with: settings NAME VALUE (settings NAME says what it "
         "takes; settings NAME default goes back to the default).")
NAMES = (" The settings are: tz, idle.after, idle.action, reminders, "
         "reminders.running_over, reminders.start_by, reminders.digest, "
         "workdays, workhours, roster, hours, rounding.")
# A clock time as replies show it: "14:30", or "Tue 8 Dec 00:10" on
# another day.
WHEN = r"(?:\w{3} \d{1,2} \w{3} )?(\d{2}:\d{2})"


def test_settings__lists_changes_and_goes_back_to_the_default__through_chat(
        bot, alice):
    assert alice.ask(bot.jid, "settings") == (
        LIST_HEAD +
        "  idle.after 15m (default)\n"
        "  idle.action ask (default)\n"
        "  reminders on (default)\n"
        "  reminders.running_over 9h (default)\n"
        "  reminders.start_by off (default)\n"
        "  reminders.digest off (default)\n"
        "  workdays mon-fri (default)\n"
        "  workhours 09:00-17:00 (default)\n"
        "  roster on (default)\n"
        "  hours hm (default)\n"
        "  rounding none (default)\n" + USAGE)
    assert alice.ask(bot.jid, "settings idle.after 30m") == (
        "idle.after is now 30m: when your timer runs while you are away "
        "for 30m, I ask you about it when you are back.")
    listing = alice.ask(bot.jid, "settings")
    assert "\n  idle.after 30m\n" in listing, listing
    assert bot.query("SELECT name, value FROM user_settings") == [
        ("idle.after", "30m")]
    assert alice.ask(bot.jid, "settings idle.after default") == (
        "idle.after is back to the default, 15m: when your timer runs while "
        "you are away for 15m, I ask you about it when you are back.")
    assert "\n  idle.after 15m (default)\n" in alice.ask(bot.jid, "settings")
    assert bot.query("SELECT count(*) FROM user_settings") == [(0,)]


def test_settings__refuses_a_bad_value_and_an_unknown_name__saying_what_is_taken(
        bot, alice):
    assert alice.ask(bot.jid, "settings idle.after soon") == (
        "\"soon\" is not a duration. idle.after takes a duration from 1m to "
        "24h, such as 30m or 1h30m.")
    assert alice.ask(bot.jid, "settings workdays funday") == (
        "\"funday\" is not a day of the week. workdays takes days of the "
        "week and ranges of them, such as mon-fri or mon,tue,thu.")
    assert alice.ask(bot.jid, "settings idle.afer 5m") == (
        "There is no setting \"idle.afer\". Did you mean \"idle.after\"?"
        + NAMES)
    assert alice.ask(bot.jid, "settings colour blue") == (
        "There is no setting \"colour\"." + NAMES)
    assert bot.query("SELECT count(*) FROM user_settings") == [(0,)]


def test_snooze_and_reminders__say_until_when_and_whether_reminders_come(
        bot, alice):
    reply = alice.ask(bot.jid, "snooze 1h")
    m = re.fullmatch(r"No reminders until %s\." % WHEN, reply)
    assert m, reply
    (until,), = [(int(v),) for (v,) in bot.query(
        "SELECT value FROM user_settings WHERE name = 'snooze'")]
    assert abs(until - 3600 - time.time()) < 30, until
    # The bot's zone is UTC.
    assert m.group(1) == datetime.fromtimestamp(
        until, timezone.utc).strftime("%H:%M"), (reply, until)
    assert "\nSnoozed: no reminders until " in alice.ask(bot.jid, "settings")
    assert alice.ask(bot.jid, "reminders off") == (
        "reminders is now off: I send you no reminders at all.")
    assert alice.ask(bot.jid, "snooze off") == (
        "Snooze over. (Reminders are off anyway; reminders on turns them "
        "on.)")
    assert alice.ask(bot.jid, "snooze 8d") == (
        "A snooze lasts at most a week (snooze 7d); for longer, say "
        "reminders off.")
    assert alice.ask(bot.jid, "reminders on") == (
        "reminders is now on: I send you the reminders that "
        "reminders.running_over, reminders.start_by and reminders.digest "
        "set.")
    assert bot.query("SELECT name, value FROM user_settings") == [
        ("reminders", "on")]


def settings_config(bot, after="40m", digest="daily 18:00"):
    """bot.yaml of bot with idle, reminders and the defaults' settings."""
    text = config_text(**bot.settings)
    zone = '  timezone: "UTC"\n'
    assert zone in text, text
    return text.replace(zone, zone + "  workdays: mon-thu\n"
                                     "  roster: off\n") + (
        "idle:\n"
        "  after: %s\n"
        "  action: stop\n"
        "reminders:\n"
        "  running_over: 10h\n"
        "  digest: %s\n" % (after, digest))


def test_settings__shows_bot_yaml_values_as_defaults__and_takes_new_ones_on_sighup(
        server, timmy_bin, alice):
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin)
    try:
        b.write_config(text=settings_config(b))
        b.start()
        listing = alice.ask(b.jid, "settings")
        for line in ("idle.after 40m (default)", "idle.action stop (default)",
                     "reminders.running_over 10h (default)",
                     "reminders.digest daily 18:00 (default)",
                     "workdays mon-thu (default)", "roster off (default)"):
            assert "\n  %s\n" % line in listing, listing
        b.write_config(text=settings_config(b, after="50m",
                                            digest="weekly mon 09:00"))
        b.signal(signal.SIGHUP)
        b.wait_log("configuration reloaded")
        assert alice.ask(b.jid, "settings idle.after").startswith(
            "idle.after is 50m (default): when your timer runs while you "
            "are away for 50m, I stop it at the moment you left")
        assert "\n  reminders.digest weekly mon 09:00 (default)\n" in (
            alice.ask(b.jid, "settings"))
        assert b.stop() == 0
    finally:
        b.close()


def test_check__names_line_and_key__when_a_setting_in_bot_yaml_is_wrong(
        server, timmy_bin, tmp_path):
    text = config_text(
        jid=server.jid("timmy"), password="pw-timmy-0", host=server.host,
        port=server.port, db_path=str(tmp_path / "timmy.db"),
        allow=["alice@localhost"]) + "idle:\n  after: soon\n"
    lines = text.splitlines()
    n = lines.index("  after: soon") + 1
    path = tmp_path / "bot.yaml"
    path.write_text(text)
    r = run_timmy(["check", "-c", str(path)], binary=timmy_bin,
                  cert_path=server.cert_path, timeout=10)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert ("bot.yaml:%d: idle.after: \"soon\" is not a duration. "
            "idle.after takes a duration from 1m to 24h, such as 30m or "
            "1h30m." % n) in r.stderr, r.stderr


def wait_no_status(client, bot, since, timeout=10.0):
    """Waits for an available presence from the bot, received after since,
    without a status: the timer taken off the contact list."""
    deadline = time.monotonic() + timeout
    while None not in statuses(client, bot, since):
        assert time.monotonic() < deadline, statuses(client, bot, since)
        time.sleep(0.05)


def test_roster_off__clears_the_timer_from_the_contact_list__once(
        bot, alice):
    # Begun a while ago, so that stop has time to record.
    running_design(alice, bot, "start acme +design 5m ago")
    since = time.monotonic()
    assert alice.ask(bot.jid, "settings roster off") == (
        "roster is now off: your contact list shows no timer as my status.")
    wait_no_status(alice, bot, since)
    # No timer shows from now on, and nothing more is sent for it.
    since = time.monotonic()
    assert alice.ask(bot.jid, "stop").startswith("Stopped acme")
    assert alice.ask(bot.jid, "start globex").startswith("Started globex")
    time.sleep(1.0)
    assert statuses(alice, bot, since) == []
    # Back on: the timer shows again.
    since = time.monotonic()
    assert alice.ask(bot.jid, "settings roster default").startswith(
        "roster is back to the default, on:")
    deadline = time.monotonic() + 10
    while not any(s and s.startswith("globex since ")
                  for s in statuses(alice, bot, since)):
        assert time.monotonic() < deadline, statuses(alice, bot, since)
        time.sleep(0.05)
    assert IDLE not in statuses(alice, bot, since)
