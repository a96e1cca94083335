"""The test clock (bot/clock.h): test builds add the seconds in the file
TIMMY_TEST_CLOCK names to the wall clock, so that a test moves a running
bot's time; the normal build ignores the variable."""

import os

import pytest

from harness import Bot, run_timmy

from conftest import ALLOWED, stop_and_judge

ALICE = "alice@localhost"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
RELEASE_BIN = os.path.join(REPO, "build", "timmy")
DAY = 86400


@pytest.fixture
def clocked(server, timmy_bin):
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin,
            test_clock=True)
    try:
        b.start()
        yield b
        stop_and_judge(b)
    finally:
        b.close()


def test_test_clock__moves_what_commands_count_at__while_bot_runs(
        clocked, alice):
    clocked.set_clock(-3 * DAY)
    assert alice.ask(clocked.jid, "start acme").startswith("Started acme")
    (start,), = clocked.query("SELECT start FROM entries")
    assert abs(start - clocked.now()) < 5
    clocked.advance_clock(5400)
    reply = alice.ask(clocked.jid, "stop")
    assert "1h 30m" in reply, reply
    (start, stop), = clocked.query("SELECT start, stop FROM entries")
    assert abs(stop - start - 5400) <= 2


def test_test_clock__is_ignored__by_the_normal_build(clocked, alice):
    if not os.access(RELEASE_BIN, os.X_OK):
        pytest.fail("no normal build at %s: run make" % RELEASE_BIN,
                    pytrace=False)
    assert alice.ask(clocked.jid, "start acme").startswith("Started acme")
    env = {"TIMMY_TEST_CLOCK": clocked.clock_path}
    clocked.set_clock(-10 * DAY)
    args = ["report", "-c", clocked.config_path, "--user", ALICE, "today"]
    moved = run_timmy(args, binary=clocked.binary, env=env)
    normal = run_timmy(args, binary=RELEASE_BIN, env=env)
    assert moved.returncode == 0 and normal.returncode == 0
    # Ten days back the timer has not begun; in real time it runs today.
    assert "acme" not in moved.stdout, moved.stdout
    assert "acme" in normal.stdout, normal.stdout
