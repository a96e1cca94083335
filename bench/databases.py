"""bench/databases.py - the storage backends the benchmarks run timmy on:
the storage section of a config (SQLite file or PostgreSQL URL), whether
this build and this machine can run timmy on PostgreSQL, and a private
PostgreSQL of the benchmark's own filled from a SQLite database by
`timmy migrate`. Used by bench/chat.py (the chat path on PostgreSQL) and
bench/scale.py (BACKEND=postgresql).

PostgreSQL's server here is tests/harness's PrivatePostgres, durable (fsync
on, as a server in service has it): initdb in a temporary directory, a
Unix socket in it and no TCP port, stopped by its postmaster's PID.
"""

import os
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.join(REPO, "tests"))

import gen  # noqa: E402
from harness.bot import yaml_str  # noqa: E402
from harness.postgres import (PostgresError, PrivatePostgres,  # noqa: E402
                              find_bindir)
from measure import ChatError, first_line  # noqa: E402


def storage_lines(backend, target):
    """bot.yaml's storage section for backend: the SQLite file, or the
    libpq URL of the PostgreSQL database."""
    if backend == "sqlite":
        return ["storage:", "  path: %s" % yaml_str(target)]
    return ["storage:", "  backend: postgresql",
            "  url: %s" % yaml_str(target)]


def write_cli_config(path, backend, target, tz):
    """gen.write_cli_config's config for `timmy check`, `report`,
    `export` and `migrate`, with the storage section of backend and the
    default zone tz. Returns path."""
    gen.write_cli_config(path, None, tz, storage_lines(backend, target))
    return path


def postgresql_installed():
    """Whether PostgreSQL's server programs are here, where
    PrivatePostgres looks for them (PG_BINDIR; else Debian's place, from
    package postgresql, which `make deps` installs; else pg_config's)."""
    try:
        bindir = find_bindir()
    except PostgresError:
        return False
    return os.access(os.path.join(bindir, "initdb"), os.X_OK)


def postgresql_support(timmy):
    """None when this timmy can be measured on PostgreSQL, else a line
    saying why not: the build does not know `storage.backend` (its config
    check says "unknown key"), it has no `timmy migrate`, which fills the
    database from the SQLite file, or the server programs are missing."""
    why = []
    with tempfile.TemporaryDirectory(prefix="timmy-scale-probe-") as d:
        cfg = write_cli_config(os.path.join(d, "pg.yaml"), "postgresql",
                               "postgresql:///timmy?host=%s" % d, "UTC")
        r = subprocess.run([timmy, "check", "-c", cfg], capture_output=True,
                           text=True, timeout=60)
        if "storage.backend: unknown key" in r.stderr:
            why.append("storage.backend: postgresql is unknown to this "
                       "timmy")
        r = subprocess.run([timmy, "migrate", "--help"], capture_output=True,
                           text=True, timeout=60)
        if 'unknown command "migrate"' in r.stderr:
            why.append("it has no `timmy migrate`")
    if not why and not postgresql_installed():
        why.append("no PostgreSQL server programs (PG_BINDIR; Debian "
                   "package postgresql)")
    return "; ".join(why) or None


def load_postgresql(timmy, sqlite_cfg, url):
    """Fills the empty PostgreSQL database at url (a libpq URL) with
    everything in the SQLite database that sqlite_cfg names, by `timmy
    migrate -c CFG --to URL` (the command that moves a deployment from
    SQLite to PostgreSQL: it makes the schema, copies the rows and checks
    the result). Returns the seconds it took; raises ChatError with its
    output when it fails."""
    t0 = time.perf_counter()
    r = subprocess.run([timmy, "migrate", "-c", sqlite_cfg, "--to", url],
                       capture_output=True, text=True, timeout=24 * 3600)
    if r.returncode != 0:
        raise ChatError("timmy migrate --to %s failed (%d):\n%s" % (
            url, r.returncode, (r.stderr + r.stdout)[-2000:]))
    return time.perf_counter() - t0


def filled_postgresql(timmy, sqlite_cfg):
    """A private PostgreSQL, durable (fsync on, as in service: SQLite's
    file is synced too), whose database is filled from the SQLite
    database sqlite_cfg names (load_postgresql). Returns (the
    PrivatePostgres, the seconds the fill took); the caller closes it.
    What it started is stopped again when it fails.

    Nothing is set or analyzed here: `timmy migrate` gathers the
    planner's statistics itself, and timmy's sessions turn JIT off
    (storage/copy.c, storage/pg.c), so what is measured is timmy as
    shipped."""
    pg = PrivatePostgres(durable=True).start()
    try:
        secs = load_postgresql(timmy, sqlite_cfg, pg.url())
    except BaseException:
        pg.close()
        raise
    return pg, secs


def private_postgresql(timmy, sqlite_cfg):
    """filled_postgresql's server, or why there is none: (the
    PrivatePostgres, None), or (None, why): "PostgreSQL not installed"
    when its server programs are missing, what keeps this timmy from it
    (postgresql_support), or the first line of what failed, whose whole
    text goes to stderr."""
    if not postgresql_installed():
        return None, "PostgreSQL not installed"
    why = postgresql_support(timmy)
    if why is not None:
        return None, why
    try:
        pg, _ = filled_postgresql(timmy, sqlite_cfg)
    except (ChatError, PostgresError) as e:
        sys.stderr.write("bench: PostgreSQL: %s\n" % e)
        return None, first_line(e)
    return pg, None


def session_pids(pg):
    """The PIDs of the server processes that serve the sessions open on
    pg's database (client backends: a bot's connection), psql's own
    left out."""
    out = pg.psql("SELECT pid FROM pg_stat_activity WHERE datname = "
                  "current_database() AND backend_type = 'client backend' "
                  "AND pid <> pg_backend_pid() ORDER BY pid").stdout
    return [int(p) for p in out.split()]
