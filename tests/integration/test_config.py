"""bot.yaml checking: `timmy run` refuses a bad file, `timmy check` says why."""

import pytest

from harness import config_text, run_timmy


@pytest.fixture
def valid_lines(server, tmp_path):
    """A valid bot.yaml for the test server, as a list of lines."""
    return config_text(
        jid=server.jid("timmy"), password="pw-timmy-0", host=server.host,
        port=server.port, db_path=str(tmp_path / "timmy.db"),
        allow=["alice@localhost", "*@example.org"]).splitlines()


def write(tmp_path, lines):
    path = tmp_path / "bot.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def line_of(lines, prefix):
    """1-based number of the first line starting with prefix."""
    return next(i for i, l in enumerate(lines, 1) if l.startswith(prefix))


def run(args, server, timmy_bin):
    # With a bad file the bot must exit before it logs in: a timeout here
    # means it ignored the problem and ran.
    return run_timmy(args, binary=timmy_bin, cert_path=server.cert_path,
                     timeout=10)


def test_check__says_configuration_ok__when_file_valid(server, timmy_bin,
                                                       tmp_path, valid_lines):
    r = run(["check", "-c", write(tmp_path, valid_lines)], server, timmy_bin)
    assert r.returncode == 0, r.stderr
    out = (r.stdout + r.stderr).splitlines()
    assert any(l.startswith("configuration OK") for l in out), out


def test_run__exits_naming_key_and_line__when_key_unknown(server, timmy_bin,
                                                          tmp_path,
                                                          valid_lines):
    lines = valid_lines[:2] + ["  colour: blue"] + valid_lines[2:]
    assert lines[2] == "  colour: blue"
    r = run(["run", "-c", write(tmp_path, lines)], server, timmy_bin)
    assert r.returncode != 0
    assert "bot.yaml:3: account.colour" in r.stderr, r.stderr


def test_check__lists_problem_and_exits_one__when_key_unknown(
        server, timmy_bin, tmp_path, valid_lines):
    lines = valid_lines[:2] + ["  colour: blue"] + valid_lines[2:]
    r = run(["check", "-c", write(tmp_path, lines)], server, timmy_bin)
    assert r.returncode == 1
    assert "bot.yaml:3: account.colour: unknown key" in r.stderr, r.stderr
    assert "configuration OK" not in r.stdout + r.stderr


def test_run__exits_naming_key_and_line__when_tls_value_unknown(
        server, timmy_bin, tmp_path, valid_lines):
    n = line_of(valid_lines, "  tls:")
    valid_lines[n - 1] = "  tls: sometimes"
    r = run(["run", "-c", write(tmp_path, valid_lines)], server, timmy_bin)
    assert r.returncode != 0
    assert "bot.yaml:%d: account.tls" % n in r.stderr, r.stderr


def test_run__exits_naming_key__when_required_key_missing(
        server, timmy_bin, tmp_path, valid_lines):
    n = line_of(valid_lines, "  path:")
    del valid_lines[n - 1]
    r = run(["run", "-c", write(tmp_path, valid_lines)], server, timmy_bin)
    assert r.returncode != 0
    assert "storage.path" in r.stderr, r.stderr


def test_run__exits_naming_key__when_timezone_unknown(
        server, timmy_bin, tmp_path, valid_lines):
    n = line_of(valid_lines, "  timezone:")
    valid_lines[n - 1] = "  timezone: Mars/Olympus_Mons"
    r = run(["run", "-c", write(tmp_path, valid_lines)], server, timmy_bin)
    assert r.returncode != 0
    assert "bot.yaml:%d: defaults.timezone" % n in r.stderr, r.stderr


def test_run__exits_naming_key__when_port_is_not_a_number(
        server, timmy_bin, tmp_path, valid_lines):
    n = line_of(valid_lines, "  port:")
    valid_lines[n - 1] = "  port: many"
    r = run(["run", "-c", write(tmp_path, valid_lines)], server, timmy_bin)
    assert r.returncode != 0
    assert "bot.yaml:%d: account.port" % n in r.stderr, r.stderr


def test_check__refuses_plaintext__when_host_not_loopback(
        server, timmy_bin, tmp_path, valid_lines):
    valid_lines[line_of(valid_lines, "  tls:") - 1] = "  tls: off"
    valid_lines[line_of(valid_lines, "  host:") - 1] = "  host: xmpp.example.org"
    r = run(["check", "-c", write(tmp_path, valid_lines)], server, timmy_bin)
    assert r.returncode == 1
    assert "account.tls" in r.stderr, r.stderr
