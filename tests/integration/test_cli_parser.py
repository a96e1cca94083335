"""The command lines of timmy export, report, check and run, read by one
parser: what each takes, in what order, and how it refuses the rest.
No server is needed: check makes the database, export and report read it.
"""

import json
import os

import pytest

from harness import run_timmy, config_text

ALICE = "alice@localhost"


@pytest.fixture
def cfg(tmp_path, timmy_bin):
    """A bot.yaml (mode 0600) whose database `timmy check` has made."""
    path = tmp_path / "bot.yaml"
    path.write_text(config_text(
        jid="timmy@localhost", password="x", host="127.0.0.1", port=5222,
        db_path=str(tmp_path / "timmy.db"), allow=[ALICE]))
    os.chmod(path, 0o600)
    r = run_timmy(["check", "-c", str(path)], binary=timmy_bin, timeout=10)
    assert r.returncode == 0, r.stderr
    return str(path)


def test_export__reads_values_after_equals__when_options_written_long_form(
        cfg, timmy_bin):
    r = run_timmy(["export", "--config=" + cfg, "--format=json",
                   "--user=" + ALICE, "--from=2025-06-02", "--to=2025-06-02"],
                  binary=timmy_bin, timeout=10)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []


def test_report__reads_user_after_equals__when_written_long_form(
        cfg, timmy_bin):
    r = run_timmy(["report", "--config=" + cfg, "--user=" + ALICE,
                   "2025-06-02"], binary=timmy_bin, timeout=10)
    assert r.returncode == 0, r.stderr
    expected = run_timmy(["report", "-c", cfg, "--user", ALICE, "2025-06-02"],
                         binary=timmy_bin, timeout=10)
    assert r.stdout == expected.stdout


def test_report__keeps_range_words_in_order__when_options_come_between(
        cfg, timmy_bin):
    between = run_timmy(["report", "2025-06-02..2025-06-08", "-c", cfg,
                         "by", "--user", ALICE, "day"],
                        binary=timmy_bin, timeout=10)
    together = run_timmy(["report", "-c", cfg, "--user", ALICE,
                          "2025-06-02..2025-06-08", "by", "day"],
                         binary=timmy_bin, timeout=10)
    assert between.returncode == 0, between.stderr
    assert between.stdout == together.stdout


def test_export__names_the_option__when_its_value_is_missing(cfg, timmy_bin):
    r = run_timmy(["export", "-c", cfg, "--user"], binary=timmy_bin,
                  timeout=10)
    assert r.returncode == 2
    assert r.stderr.startswith(
        'timmy export: missing value after "--user"\nusage: timmy export'), \
        r.stderr


@pytest.mark.parametrize("word", ["--", "-", "--bogus", "-x"])
def test_report__refuses_the_word__when_it_is_no_option_of_report(
        cfg, timmy_bin, word):
    r = run_timmy(["report", "-c", cfg, "--user", ALICE, word, "week"],
                  binary=timmy_bin, timeout=10)
    assert r.returncode == 2
    assert r.stderr.startswith(
        'timmy report: unexpected argument "%s"\nusage: timmy report' % word), \
        r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("word", ["--", "week", "--from2"])
def test_export__refuses_the_word__when_it_is_no_option_of_export(
        cfg, timmy_bin, word):
    r = run_timmy(["export", "-c", cfg, word], binary=timmy_bin, timeout=10)
    assert r.returncode == 2
    assert r.stderr.startswith(
        'timmy export: unexpected argument "%s"\n' % word), r.stderr


@pytest.mark.parametrize("second", [["-c", "x.yaml"], ["--config=x.yaml"]])
def test_check__refuses_a_second_config__when_given_twice(cfg, timmy_bin,
                                                          second):
    r = run_timmy(["check", "-c", cfg] + second, binary=timmy_bin, timeout=10)
    assert r.returncode == 2
    assert r.stderr.startswith(
        'timmy: unexpected argument "%s"\nusage: timmy run' % second[0]), \
        r.stderr


def test_check__asks_which_config__when_config_is_empty(timmy_bin):
    r = run_timmy(["check", "--config="], binary=timmy_bin, timeout=10)
    assert r.returncode == 2
    assert r.stderr.startswith("timmy check: which config? Give -c FILE\n"), \
        r.stderr
