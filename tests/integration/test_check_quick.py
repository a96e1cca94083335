"""timmy check --quick, the check the systemd unit runs before each start:
the config and its password, the database opened and brought up to date,
and the spans pending in the rollup of reports built, in a time that does
not grow with the history. The pages, references and rollup rows it
leaves to the whole `timmy check`, which tells the two apart here.

No XMPP server is needed. The database is on the suite's backend
(TIMMY_TEST_BACKEND); the tests of the SQLite file itself are marked.
"""

import sqlite3

import pytest

from conftest import bot_storage
from harness import run_timmy, write_config
from harness.bot import pg_query

ALICE = "alice@localhost"
MON_9 = 1748854800  # 2025-06-02 09:00 UTC, a Monday

# What the success line adds when the check was the quick one.
QUICK_SAYS = "(quick check: the database's pages, references and rollup " \
    "were not read; timmy check -c %s checks them all)"

# Alice's two stopped entries (1 h and 30 min), written past timmy as
# bench/gen.py writes them: the triggers note their spans in rollup_dirty.
ENTRIES = (
    "INSERT INTO users (jid, next_seq) VALUES ('%s', 3);"
    "INSERT INTO entries (user_id, seq, project, start, stop)"
    " SELECT id, 1, 'acme', %d, %d FROM users;"
    "INSERT INTO entries (user_id, seq, project, start, stop)"
    " SELECT id, 2, 'globex', %d, %d FROM users;"
    % (ALICE, MON_9, MON_9 + 3600, MON_9 + 7200, MON_9 + 9000))

# The rollup as the migration to schema 10 leaves it: nothing built, and a
# row (2, 0) for each user with a stopped entry (storage/migrations.c).
AS_MIGRATED = (
    "DELETE FROM rollup_dirty;"
    "INSERT INTO rollup_dirty (user_id, lo, hi)"
    " SELECT DISTINCT user_id, 2, 0 FROM entries WHERE stop IS NOT NULL;")


class Db:
    """A bot.yaml and the database it names, on the suite's backend; the
    database is written and read past timmy with sql and rows."""

    def __init__(self, tmp_path, request, **changes):
        self.binary = request.getfixturevalue("timmy_bin")
        self.storage = bot_storage(request)
        self.path = str(tmp_path / "timmy.db")
        settings = dict(jid="timmy@localhost", password="x",
                        host="127.0.0.1", port=5222, db_path=self.path,
                        allow=[ALICE])
        settings.update(self.storage, **changes)
        self.config = write_config(str(tmp_path / "bot.yaml"), **settings)

    def sql(self, script):
        """Runs the statements of script in one transaction."""
        if self.storage:
            pg_query(self.storage["pg_url"], script)
            return
        con = sqlite3.connect(self.path)
        try:
            con.executescript("BEGIN;" + script + "COMMIT;")
        finally:
            con.close()

    def rows(self, query):
        if self.storage:
            return pg_query(self.storage["pg_url"], query)
        con = sqlite3.connect(self.path)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()

    def check(self, *extra):
        return run_timmy(["check", "-c", self.config] + list(extra),
                         binary=self.binary, timeout=60)


@pytest.fixture
def db(tmp_path, request):
    """A timmy database, made by the whole `timmy check`."""
    d = Db(tmp_path, request)
    r = d.check()
    assert r.returncode == 0, r.stderr
    return d


def test_check_quick__says_it_was_the_quick_one__on_a_sound_database(db):
    r = db.check("--quick")
    assert r.returncode == 0, r.stderr
    full = db.check()
    assert full.returncode == 0, full.stderr
    # The fields of the whole check's line, then what was left out.
    assert r.stdout == full.stdout.rstrip("\n") + " " + \
        QUICK_SAYS % db.config + "\n", r.stdout
    assert "(quick check" not in full.stdout


def test_check_quick__builds_pending_users__as_the_migration_left_them(db):
    db.sql(ENTRIES + AS_MIGRATED)
    assert db.rows("SELECT count(*) FROM rollup_users") == [(0,)]
    r = db.check("--quick")
    assert r.returncode == 0, r.stderr
    assert db.rows("SELECT count(*) FROM rollup_dirty") == [(0,)]
    assert db.rows("SELECT u.jid FROM rollup_users AS r"
                   " JOIN users AS u ON u.id = r.user_id") == [(ALICE,)]
    assert db.rows("SELECT sum(secs) FROM rollup_projects") == [(5400,)]
    r = db.check()
    assert r.returncode == 0, r.stderr


def test_check_quick__passes_a_spoilt_rollup_row__that_the_whole_check_names(
        db):
    db.sql(ENTRIES)
    assert db.check("--quick").returncode == 0
    db.sql("UPDATE rollup_projects SET secs = secs + 60"
           " WHERE project = 'acme';")
    # The quick check reads no rollup row: it cannot see this.
    r = db.check("--quick")
    assert r.returncode == 0, r.stderr
    r = db.check()
    assert r.returncode == 1, r.stdout
    assert ALICE in r.stderr and "2025-06-02" in r.stderr and \
        "acme" in r.stderr, r.stderr
    assert db.check("--repair").returncode == 0
    assert db.check().returncode == 0


def test_check_quick__refuses_to_start__when_the_password_file_is_missing(
        tmp_path, request):
    d = Db(tmp_path, request, password=None,
           password_file=str(tmp_path / "absent"))
    r = d.check("--quick")
    assert r.returncode == 1
    assert "account.password_file" in r.stderr and "absent" in r.stderr, \
        r.stderr
    assert r.stderr.rstrip("\n").endswith(
        "timmy: %s: configuration has errors; not starting" % d.config), \
        r.stderr
    assert r.stdout == ""


def test_check_quick__refuses_a_database__of_a_newer_schema_version(db):
    if db.storage:
        db.sql("UPDATE timmy_meta SET value = '99'"
               " WHERE key = 'schema_version';")
    else:
        db.sql("PRAGMA user_version = 99;")
    r = db.check("--quick")
    assert r.returncode == 1
    assert "database schema version 99 is newer than this timmy" in \
        r.stderr, r.stderr
    assert r.stdout == ""


def test_check_quick__refuses_a_database__whose_tables_are_not_timmys(
        tmp_path, request):
    d = Db(tmp_path, request)
    d.sql("CREATE TABLE users (name text);")
    r = d.check("--quick")
    assert r.returncode == 1
    assert "not a timmy database" in r.stderr, r.stderr
    assert r.stdout == ""


@pytest.mark.sqlite_only("a file that is not SQLite's")
def test_check_quick__refuses_a_file__that_is_no_database(tmp_path, request):
    d = Db(tmp_path, request)
    with open(d.path, "w", encoding="ascii") as f:
        f.write("timesheet, not a database\n" * 200)
    r = d.check("--quick")
    assert r.returncode == 1
    assert "file is not a database" in r.stderr, r.stderr
    assert r.stdout == ""


def test_check_quick__is_refused_with_repair__as_a_usage_error(db):
    for words in (["--quick", "--repair"], ["--repair", "--quick"]):
        r = db.check(*words)
        assert r.returncode == 2
        assert r.stderr.startswith(
            "timmy check: --quick and --repair do not go together"), \
            r.stderr
        assert "usage: timmy run" in r.stderr
        assert r.stdout == ""
