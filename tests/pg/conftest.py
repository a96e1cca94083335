"""Fixtures for the PostgreSQL tests: one private server for the run
(tests/harness/postgres.py) and, per test, a fresh database with
storage/schema-pg.sql loaded as an administrator would load it.

Run from the repository root (no build needed, nor Prosody):
    /usr/bin/python3 -m pytest -q tests/pg
"""

import os
import re
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS_DIR)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from harness.postgres import PostgresError, PrivatePostgres  # noqa: E402

SCHEMA_PG = os.path.join(ROOT, "storage", "schema-pg.sql")
SCHEMA_SQLITE = os.path.join(ROOT, "schema.sql")


class Refusal:
    """What PostgreSQL said when it refused a statement: sqlstate
    ("00000" when it did not refuse), message, constraint (the name it
    gave, None when none)."""

    def __init__(self, sqlstate, message, constraint):
        self.sqlstate = sqlstate
        self.message = message
        self.constraint = constraint

    def __repr__(self):
        return "<Refusal %s %r constraint=%s>" % (
            self.sqlstate, self.message, self.constraint)


class Database:
    """One database of the private server, through psql.

    rows(sql) returns the rows of the last statement of sql as tuples of
    strings, None for NULL; value(sql) the one value of one row;
    refusal(sql, setup) runs setup (which must succeed), then sql, the
    statement expected to fail, and returns what PostgreSQL said.
    """

    def __init__(self, server, conninfo):
        self.server = server
        self.conninfo = conninfo

    def run(self, sql):
        return self.server.psql(sql, conninfo=self.conninfo).stdout

    def rows(self, sql):
        out = self.server.psql(sql, conninfo=self.conninfo,
                               args=("-P", "null=<NULL>")).stdout
        return [tuple(None if v == "<NULL>" else v for v in line.split("|"))
                for line in out.splitlines() if line != ""]

    def value(self, sql):
        rows = self.rows(sql)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return rows[0][0]

    def refusal(self, sql, setup=""):
        script = "%s\n\\set ON_ERROR_STOP 0\n\\set VERBOSITY verbose\n%s\n" \
                 "\\echo SQLSTATE :SQLSTATE\n" % (setup, sql)
        r = self.server.psql(script, conninfo=self.conninfo)
        state = [line.split(" ", 1)[1] for line in r.stdout.splitlines()
                 if line.startswith("SQLSTATE ")]
        assert len(state) == 1, r.stdout
        message = constraint = None
        for line in r.stderr.splitlines():
            # "psql:<stdin>:3: ERROR:  23514: the message"
            m = re.search(r"\bERROR:\s+[0-9A-Z]{5}: (.*)", line)
            if m and message is None:
                message = m.group(1)
            elif line.startswith("CONSTRAINT NAME:"):
                constraint = line.split(":", 1)[1].strip()
        return Refusal(state[0], message, constraint)


@pytest.fixture(scope="session")
def pg():
    """The private server of the run."""
    try:
        server = PrivatePostgres()
    except PostgresError as e:
        pytest.fail("no private PostgreSQL (install postgresql: make deps):"
                    "\n%s" % e, pytrace=False)
    with server:
        yield server


@pytest.fixture
def empty_db(pg):
    """A fresh database without the schema."""
    return Database(pg, pg.new_database())


@pytest.fixture
def db(pg, empty_db):
    """A fresh database with storage/schema-pg.sql loaded in one
    transaction, stopping at the first error."""
    pg.psql(conninfo=empty_db.conninfo, file=SCHEMA_PG,
            single_transaction=True)
    return empty_db
