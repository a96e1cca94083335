"""Fixtures for the integration tests: one private Prosody for the run, a
fresh bot (own config and database) per test, and logged-in clients.

Run from the repository root:
    TIMMY_BIN=$PWD/timmy /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

With TIMMY_TEST_BACKEND=postgresql the suite's bots store in PostgreSQL: a
private server for the run (tests/harness/postgres.py), a new database
for each bot (make integration-pg runs the files that hold for both).
"""

import os
import re
import subprocess
import sys
import time

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from harness import TICK, Bot, PrivateProsody, find_binary  # noqa: E402
from harness.bot import write_config  # noqa: E402
from harness.postgres import PrivatePostgres  # noqa: E402

# The storage backend of the suite's bots: sqlite (a file per bot) or
# postgresql (a database per bot on one private server).
BACKEND = os.environ.get("TIMMY_TEST_BACKEND", "sqlite")

# Every account the suite uses; the password is derived from the name.
USERS = ("timmy", "alice", "bob", "carol", "dave", "stranger")
# Allowed to talk to the bot. "stranger" is not.
ALLOWED = ("alice", "bob", "carol", "dave")

# Sanitizer reports in the bot's log fail the test that produced them.
SANITIZER_REPORT = re.compile(
    r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:")


# Tests read the day ("today", "yesterday", this week or month) in UTC,
# the zone the harness gives the bot, and compare it with what the bot
# says a moment later: across midnight the two would name different days.
# The longest test takes about 20 s, so one that would begin in the last
# DAY_MARGIN seconds of a UTC day starts on the next one instead. (Times
# of day need no such care: the tests pick them relative to their own
# "now", and take either day the bot may show.)
DAY_MARGIN = 90


@pytest.fixture(autouse=True)
def one_utc_day():
    """Waits, before a test, for the next UTC day when less than
    DAY_MARGIN seconds of this one are left."""
    left = 86400 - time.time() % 86400
    if left < DAY_MARGIN:
        # The coarse clock the bot reads may lag a tick behind.
        time.sleep(left + TICK + 0.05)


def password(user):
    return "pw-%s-0" % user


@pytest.fixture(scope="session")
def timmy_bin():
    path = find_binary()
    if not os.access(path, os.X_OK):
        pytest.fail("no timmy binary at %s: run make, or set TIMMY_BIN" % path,
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def server():
    with PrivateProsody() as s:
        for user in USERS:
            s.register(user, password(user))
        yield s


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(why): a test of the SQLite file itself, "
        "skipped when the suite's bots store in PostgreSQL")


def pytest_runtest_setup(item):
    m = item.get_closest_marker("sqlite_only")
    if m is not None and BACKEND == "postgresql":
        pytest.skip("SQLite only: %s" % (m.args[0] if m.args else ""))


@pytest.fixture(scope="session")
def postgres():
    """The private PostgreSQL of the run, started on first use."""
    with PrivatePostgres() as pg:
        yield pg


def bot_storage(request):
    """Bot's keyword for the suite's backend: a new database of the run's
    PostgreSQL when TIMMY_TEST_BACKEND=postgresql, else nothing (a new
    SQLite file)."""
    if BACKEND == "postgresql":
        return {"pg_url": request.getfixturevalue("postgres").new_database()}
    return {}


def stop_and_judge(b, never_started_ok=False):
    """Stops b with SIGTERM; fails the test unless it exits 0 (or, with
    never_started_ok, was never started: None) and its log holds no
    sanitizer report."""
    code = b.stop()
    if code != 0 and not (never_started_ok and code is None):
        pytest.fail("timmy exited with %s on SIGTERM\n%s" % (
            code, b.log_tail()), pytrace=False)
    log = b.log()
    if SANITIZER_REPORT.search(log):
        pytest.fail("sanitizer report in the bot's log\n%s" % log[-6000:],
                    pytrace=False)
    mismatch = b.rollup_mismatch()
    if mismatch:
        pytest.fail("the rollup of reports differs from the entries: %s"
                    % mismatch, pytrace=False)
    if b.settings.get("pg_url") and code is not None:
        # PostgreSQL: no file to read; timmy check compares the rollup
        # with the entries as rollup_mismatch does, and more. With the
        # bot's settings, not its bot.yaml, which a test may have spoilt.
        path = os.path.join(b.dir, "check.yaml")
        write_config(path, **b.settings)
        r = subprocess.run([b.binary, "check", "-c", path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        if r.returncode != 0:
            pytest.fail("timmy check failed on the bot's database:\n%s"
                        % r.stdout.decode(errors="replace"), pytrace=False)


def stop_and_judge_all(bots):
    """stop_and_judge for each of bots, which a test may have made without
    starting; all are closed, whatever the verdict."""
    try:
        for b in bots:
            stop_and_judge(b, never_started_ok=True)
    finally:
        for b in bots:
            b.close()


def started_bot(server, timmy_bin, request):
    """Yields a started bot on server, allowing the suite's users, with a
    fresh database; stops it after, failing the test if it does not exit
    0 on SIGTERM or a sanitizer spoke. For a fixture to yield from. A test
    module that sets BOT_TEST_CLOCK = True gets a bot whose clock it
    moves (Bot's test_clock)."""
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin,
            test_clock=getattr(request.module, "BOT_TEST_CLOCK", False),
            **bot_storage(request))
    request.node.timmy_bot = b
    try:
        b.start()
        yield b
        stop_and_judge(b)
    finally:
        b.close()


@pytest.fixture
def bot(server, timmy_bin, request):
    """The bot, online, with a fresh database; stopped after the test,
    which fails if it does not exit 0 on SIGTERM or a sanitizer spoke."""
    yield from started_bot(server, timmy_bin, request)


def make_client(server, user, resource="test"):
    # One server serves the whole run: a reply the bot of an earlier test
    # sent after that test's client left waits in offline storage, so the
    # shared clients skip what comes from there.
    return server.client(user, password(user), resource=resource,
                         drop_offline=True)


@pytest.fixture
def connect(server):
    """connect(user, resource) -> a Client, disconnected after the test."""
    clients = []

    def connect_(user, resource="test"):
        c = make_client(server, user, resource)
        clients.append(c)
        return c
    yield connect_
    for c in reversed(clients):
        c.disconnect()


@pytest.fixture
def alice(server):
    with make_client(server, "alice") as c:
        yield c


@pytest.fixture
def bob(server):
    with make_client(server, "bob") as c:
        yield c


@pytest.fixture
def carol(server):
    with make_client(server, "carol") as c:
        yield c


@pytest.fixture
def dave(server):
    with make_client(server, "dave") as c:
        yield c


@pytest.fixture
def stranger(server):
    with make_client(server, "stranger") as c:
        yield c


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, append the bot's log tail (and Prosody's) to the report."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    b = getattr(item, "timmy_bot", None)
    if b is not None:
        report.sections.append(("timmy log", b.log_tail(40)))
    s = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if s is not None:
        report.sections.append(("prosody log", s.diagnostics(15)))
