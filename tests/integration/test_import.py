"""timmy import: Timewarrior's data (written by real `timew track`
commands), Watson's frames, and timmy's own CSV and JSON exports added to
a user's entries from the command line; the twice-import, overlaps, a dry
run, a running interval, undo in chat, usage errors. On both backends.
"""

import json
import os
import shutil
import subprocess

import pytest

from conftest import bot_storage
from harness import Bot, run_timmy

ALICE = "alice@localhost"
PAST = "2026-01-05"


def import_(config, binary, fmt, *more, env=None):
    return run_timmy(["import", "-c", config, "--user", ALICE, "--from",
                      fmt] + list(more), binary=binary, env=env, timeout=60)


def export(config, binary, fmt="csv"):
    r = run_timmy(["export", "-c", config, "--user", ALICE, "--format", fmt],
                  binary=binary)
    assert r.returncode == 0, r.stderr
    return r.stdout


def without_ids(csv_text):
    """The rows of a CSV export, the id column left out."""
    return [line.split(",", 1)[1] for line in csv_text.splitlines()]


@pytest.fixture
def fresh(server, timmy_bin, request):
    """A second bot's configuration, never started: a new, empty database
    (on the suite's backend) for the command line to import into."""
    b = Bot(server, allow=[ALICE], binary=timmy_bin, **bot_storage(request))
    yield b
    b.close()


def history(alice, bot):
    """Three entries of alice's in chat, one with a break."""
    for body in ("add acme +design 9:00-10:30 %s fix \"the\", header",
                 "add globex 11:00-11:45 %s", "add -dash +ops 13:00-14:00 %s =1+2"):
        reply = alice.ask(bot.jid, body % PAST)
        assert reply.startswith("Added #"), (body, reply)
    assert alice.ask(bot.jid, "edit 1 break 9:30-9:45").startswith(
        "Added a break")


def test_import__csv_export_into_a_new_database__is_the_identity(
        bot, alice, fresh, timmy_bin, tmp_path):
    history(alice, bot)
    before = export(bot.config_path, timmy_bin)
    path = tmp_path / "mine.csv"
    path.write_text(before)
    r = import_(fresh.config_path, timmy_bin, "csv", str(path))
    assert r.returncode == 0, r.stderr
    assert "Imported 3 entries from csv, skipped 0." in r.stdout, r.stdout
    after = export(fresh.config_path, timmy_bin)
    assert without_ids(after) == without_ids(before)
    assert "900" in after.splitlines()[1]   # the break's seconds kept


def test_import__json_export_into_a_new_database__is_the_identity(
        bot, alice, fresh, timmy_bin, tmp_path):
    history(alice, bot)
    before = export(bot.config_path, timmy_bin, "json")
    path = tmp_path / "mine.json"
    path.write_text(before)
    r = import_(fresh.config_path, timmy_bin, "json", str(path))
    assert r.returncode == 0, r.stderr
    after = export(fresh.config_path, timmy_bin, "json")

    def strip(text):
        rows = json.loads(text)
        for row in rows:
            del row["id"]
        return rows
    assert strip(after) == strip(before)
    assert strip(after)[0]["breaks"] == [
        {"start": PAST + "T09:30:00+00:00", "stop": PAST + "T09:45:00+00:00"}]


def test_import__twice__adds_nothing_the_second_time(fresh, timmy_bin,
                                                     tmp_path):
    path = tmp_path / "frames"
    path.write_text(json.dumps([
        [1767603600, 1767609000, "acme", "a1", ["design"], 1767609001],
        [1767610800, 1767613500, "globex", "a2", [], 1767613501]]))
    r = import_(fresh.config_path, timmy_bin, "watson", str(path))
    assert r.returncode == 0, r.stderr
    assert "Imported 2 entries from watson, skipped 0." in r.stdout
    once = export(fresh.config_path, timmy_bin)
    r = import_(fresh.config_path, timmy_bin, "watson", str(path))
    assert r.returncode == 0, r.stderr
    assert "Imported 0 entries from watson, skipped 2." in r.stdout
    assert "frame 1: already there: #1 acme +design" in r.stdout, r.stdout
    assert export(fresh.config_path, timmy_bin) == once


def test_import__overlaps_and_bad_lines__skipped_with_reasons(
        fresh, timmy_bin, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("id,project,tags,note,start,stop\n"
                     "1,acme,,,2026-01-05T09:00:00Z,2026-01-05T10:00:00Z\n")
    assert import_(fresh.config_path, timmy_bin, "csv",
                   str(first)).returncode == 0
    second = tmp_path / "second.csv"
    second.write_text(
        "id,project,tags,note,start,stop\n"
        "1,globex,,,2026-01-05T09:30:00Z,2026-01-05T10:30:00Z\n"
        "2,late,,,2026-01-05T12:00:00Z,2026-01-05T11:00:00Z\n"
        "3,acme,,,not a time,2026-01-05T11:00:00Z\n"
        "4,fine,,,2026-01-05T13:00:00Z,2026-01-05T14:00:00Z\n")
    r = import_(fresh.config_path, timmy_bin, "csv", str(second))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "skipped %s:2: it overlaps #1 acme" % second in out, out
    assert "skipped %s:3: it ends before it starts" % second in out, out
    assert "skipped %s:4: not a row of timmy's CSV export" % second in out
    assert "added #2 fine" in out
    assert "Imported 1 entry from csv, skipped 3." in out


def test_import__dry_run__prints_the_plan_and_changes_nothing(
        fresh, timmy_bin, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,project,tags,note,start,stop\n"
                    "1,acme,,,2026-01-05T09:00:00Z,2026-01-05T10:00:00Z\n")
    r = import_(fresh.config_path, timmy_bin, "csv", "--dry-run", str(path))
    assert r.returncode == 0, r.stderr
    assert "would add #1 acme" in r.stdout, r.stdout
    assert ("Would import 1 entry from csv, skipped 0. Nothing was changed "
            "(dry run).") in r.stdout
    assert len(export(fresh.config_path, timmy_bin).splitlines()) == 1
    r = import_(fresh.config_path, timmy_bin, "csv", str(path))
    assert "added #1 acme" in r.stdout   # the number the dry run said


def timew(db, *words):
    """Runs a real timew command on the database db (a directory)."""
    env = dict(os.environ, TIMEWARRIORDB=str(db))
    r = subprocess.run(["timew"] + list(words) + [":yes"], input="yes\n",
                       capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 0, (words, r.stdout, r.stderr)


needs_timew = pytest.mark.skipif(shutil.which("timew") is None,
                                 reason="Timewarrior is not installed")


@needs_timew
def test_import__timewarrior_written_by_timew_track__then_undo_in_chat(
        bot, alice, timmy_bin, tmp_path):
    db = tmp_path / "timewarrior"
    db.mkdir()
    timew(db, "track", "2026-01-05T09:00:00Z", "-", "2026-01-05T10:30:00Z",
          "acme", "two words")
    timew(db, "track", "2026-01-06T09:00:00Z", "-", "2026-01-06T10:00:00Z",
          "globex")
    timew(db, "annotate", "@1", 'call with "Bob"')
    # The default database: $TIMEWARRIORDB.
    r = import_(bot.config_path, timmy_bin, "timewarrior",
                env={"TIMEWARRIORDB": str(db)})
    assert r.returncode == 0, r.stderr
    assert "Imported 2 entries from timewarrior, skipped 0." in r.stdout, \
        r.stdout
    rows = without_ids(export(bot.config_path, timmy_bin))
    assert rows[1].startswith(
        "acme,two-words,,2026-01-05T09:00:00+00:00,2026-01-05T10:30:00+00:00"
    ), rows
    assert rows[2].startswith('globex,,"call with ""Bob""",'), rows
    # undo in chat takes the whole import back.
    reply = alice.ask(bot.jid, "undo")
    assert reply.startswith("Undone: import timewarrior"), reply
    assert len(export(bot.config_path, timmy_bin).splitlines()) == 1


@needs_timew
def test_import__running_interval__becomes_the_timer_only_if_none_runs(
        bot, alice, timmy_bin, tmp_path):
    db = tmp_path / "timewarrior"
    db.mkdir()
    timew(db, "start", "2026-01-05T09:00:00Z", "acme")
    assert alice.ask(bot.jid, "start mine").startswith("Started")
    r = import_(bot.config_path, timmy_bin, "timewarrior", str(db))
    assert r.returncode == 0, r.stderr
    assert "it runs, and a timer runs already: #1 mine" in r.stdout, r.stdout
    assert "mine" in alice.ask(bot.jid, "status")
    assert alice.ask(bot.jid, "cancel")
    r = import_(bot.config_path, timmy_bin, "timewarrior", str(db))
    assert "Imported 1 entry from timewarrior" in r.stdout, r.stdout
    assert "acme" in alice.ask(bot.jid, "status")


def test_import__usage_errors__exit_2(fresh, timmy_bin, tmp_path):
    c = fresh.config_path
    for args in (["import"], ["import", "-c", c],
                 ["import", "-c", c, "--user", ALICE],
                 ["import", "-c", c, "--user", ALICE, "--from", "toggl", "x"],
                 ["import", "-c", c, "--user", ALICE, "--from", "csv"],
                 ["import", "-c", c, "--user", ALICE, "--from", "csv", "a",
                  "b"],
                 ["import", "-c", c, "--user", ALICE, "--from", "csv",
                  "--bogus", "a"]):
        r = run_timmy(args, binary=timmy_bin)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "usage: timmy import" in r.stderr or "unknown format" in \
            r.stderr, r.stderr
    r = import_(c, timmy_bin, "csv", str(tmp_path / "missing.csv"))
    assert r.returncode == 1 and "missing.csv" in r.stderr


def test_import__a_file_not_of_its_format__exits_1_and_says_why(
        fresh, timmy_bin, tmp_path):
    """Nothing in the file could be read as the format asked for: the
    reasons are printed, nothing is added, and the exit status says it
    failed (a nightly script must not take it for an empty import)."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"hello,world\n\x00\xff not a row\n")
    for fmt in ("csv", "json", "watson"):
        r = import_(fresh.config_path, timmy_bin, fmt, str(bad))
        assert r.returncode == 1, (fmt, r.stdout, r.stderr)
        assert "skipped %s" % bad in r.stdout, (fmt, r.stdout)
        assert "nothing in it could be read" in r.stderr, (fmt, r.stderr)
    assert len(without_ids(export(fresh.config_path, timmy_bin))) == 1, \
        "the header alone"

    # An empty file is an empty import, not a failure.
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    r = import_(fresh.config_path, timmy_bin, "json", str(empty))
    assert r.returncode == 0, (r.stdout, r.stderr)
