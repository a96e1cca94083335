"""timmy's command line outside `run`: --version, --help, bad arguments."""

from harness import run_timmy


def test_version__prints_name_and_version__and_exits_zero(timmy_bin):
    r = run_timmy(["--version"], binary=timmy_bin, timeout=10)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "timmy 0.1.0", r.stdout


def test_help__describes_run_and_check__and_exits_zero(timmy_bin):
    r = run_timmy(["--help"], binary=timmy_bin, timeout=10)
    assert r.returncode == 0, r.stderr
    text = r.stdout + r.stderr
    assert "run" in text and "check" in text, text


def test_cli__prints_usage_and_exits_two__when_argument_unknown(timmy_bin):
    r = run_timmy(["--frobnicate"], binary=timmy_bin, timeout=10)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "usage" in r.stderr.lower(), r.stderr
    assert r.stdout == "", r.stdout


def test_cli__says_a_command_is_missing__when_run_bare(timmy_bin):
    r = run_timmy([], binary=timmy_bin, timeout=10)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.startswith("timmy: no command given\n"), r.stderr
    assert "usage" in r.stderr.lower(), r.stderr
    assert r.stdout == "", r.stdout
