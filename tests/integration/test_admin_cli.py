"""timmy export and timmy report: the database read directly, read-only,
while the bot runs; the same report text the bot sends in chat."""

import csv
import io
import json
import os

from harness import run_timmy, config_text

ALICE = "alice@localhost"
BOB = "bob@localhost"
PAST = "2026-01-05"


def add(client, bot, *bodies):
    for body in bodies:
        reply = client.ask(bot.jid, body)
        assert reply.startswith("Added #"), (body, reply)


def test_export__writes_one_users_csv__while_bot_runs(bot, alice, timmy_bin):
    add(alice, bot, "add acme +design 9:00-10:30 %s fix \"the\", header" % PAST,
        "add globex 11:00-11:30 %s" % PAST)
    r = run_timmy(["export", "-c", bot.config_path, "--user", ALICE,
                   "--from", PAST, "--to", PAST], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    assert rows[0] == ["id", "project", "tags", "note", "start", "stop",
                       "duration_seconds", "duration_hours", "breaks_seconds",
                       "rounded_seconds", "rounded_hours", "rounding",
                       "billable", "rate", "currency", "amount"]
    assert rows[1] == ["1", "acme", "design", 'fix "the", header',
                       "2026-01-05T09:00:00+00:00", "2026-01-05T10:30:00+00:00",
                       "5400", "1.50", "0", "5400", "1.50", "none",
                       "false", "", "", ""]
    assert rows[2][1] == "globex" and rows[2][6] == "1800"
    assert len(rows) == 3
    # the bot was not disturbed
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")


def test_export__all_users_json_to_a_file__has_owner(bot, alice, bob,
                                                     timmy_bin, tmp_path):
    add(alice, bot, "add acme 9:00-10:00 %s" % PAST)
    add(bob, bot, "add globex 10:00-11:00 %s" % PAST)
    out = tmp_path / "all.json"
    r = run_timmy(["export", "-c", bot.config_path, "--format", "json",
                   "-o", str(out)], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    assert "2 entries written" in r.stderr
    data = json.loads(out.read_text())
    assert [(d["owner"], d["project"]) for d in data] == [
        (ALICE, "acme"), (BOB, "globex")]
    assert os.stat(out).st_mode & 0o077 == 0   # private, like the database


def test_export__refuses_bad_arguments(bot, timmy_bin):
    r = run_timmy(["export", "-c", bot.config_path, "--format", "xls"],
                  binary=timmy_bin)
    assert r.returncode == 2 and '"xls"' in r.stderr
    r = run_timmy(["export", "-c", bot.config_path, "--from", "2026-02-30"],
                  binary=timmy_bin)
    assert r.returncode == 1 and '"2026-02-30"' in r.stderr
    r = run_timmy(["export", "--user", ALICE], binary=timmy_bin)
    assert r.returncode == 2 and "-c FILE" in r.stderr


def test_report__prints_what_the_bot_says(bot, alice, timmy_bin):
    add(alice, bot, "add acme 9:00-10:30 %s" % PAST,
        "add globex 11:00-11:30 %s" % PAST)
    chat = alice.ask(bot.jid, "report %s by day" % PAST)
    r = run_timmy(["report", "-c", bot.config_path, "--user", ALICE, PAST,
                   "by", "day"], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    assert r.stdout == chat + "\n"
    assert "Mon 5 Jan" in chat and "2h 00m" in chat


def test_cli__reads_database_without_the_password(server, bot, alice,
                                                  timmy_bin, tmp_path):
    """An administrator may not be able to read the bot's password file
    (a systemd credential); the read-only commands do not need it."""
    add(alice, bot, "add acme 9:00-10:00 %s" % PAST)
    cfg = tmp_path / "admin.yaml"
    cfg.write_text(config_text(
        jid="timmy@localhost", password_file="/nonexistent/password",
        host=server.host, port=server.port, db_path=bot.db_path,
        allow=[ALICE], pg_url=bot.settings.get("pg_url")))
    r = run_timmy(["report", "-c", str(cfg), "--user", ALICE, PAST],
                  binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    assert "acme" in r.stdout
    r = run_timmy(["check", "-c", str(cfg)], binary=timmy_bin)
    assert r.returncode == 1 and "password_file" in r.stderr


def test_cli__refuses_a_missing_database(server, timmy_bin, tmp_path):
    cfg = tmp_path / "admin.yaml"
    db = tmp_path / "none.db"
    cfg.write_text(config_text(
        jid="timmy@localhost", password="x", host=server.host,
        port=server.port, db_path=str(db), allow=[ALICE]))
    r = run_timmy(["export", "-c", str(cfg)], binary=timmy_bin)
    assert r.returncode == 1 and str(db) in r.stderr
    assert not db.exists()   # read-only: nothing created
