"""A private PostgreSQL for tests: the storage backend's tests and the
schema's (tests/pg).

PrivatePostgres makes a fresh temporary directory, runs initdb into it
(trust authentication, UTF8, the C.UTF-8 locale where there is one) and
starts the server with pg_ctl. The server listens on a Unix socket in that
directory and on no TCP port at all (listen_addresses ''), so nothing
needs a free port: the port number only names the socket file
(.s.PGSQL.5432), which no other server shares. fsync is off: a test's
data need not survive a crash of the machine. The log is postgres.log in
the directory.

The server programs refuse to run as root. As root, the directory is
given to the "postgres" user and initdb and pg_ctl run through
`runuser -u postgres --`; as anyone else they run directly, as that user.
The superuser of the cluster is called postgres either way (initdb -U),
which the connection strings name.

The postmaster's PID (from postmaster.pid) is kept; stop() runs
`pg_ctl stop -m fast` and, should that fail, signals that PID, after
checking it is still this cluster's postmaster. close() stops the server
and removes the directory; a failed start() stops what it started.

    with PrivatePostgres() as pg:
        pg.psql("SELECT 1")
        conninfo = pg.new_database()    # a fresh database, e.g. one per test
"""

import atexit
import glob
import itertools
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import weakref
from .started import Started

# Where Debian keeps the server programs (not on PATH); PG_BINDIR
# overrides, else the newest version installed there, else pg_config's.
PG_BINDIR = os.environ.get("PG_BINDIR")
PSQL = os.environ.get("PSQL", "psql")
SERVER_USER = "postgres"
SUPERUSER = "postgres"
# Only the socket's file name: the server listens on no TCP port.
PORT = 5432
# sizeof(struct sockaddr_un.sun_path) on Linux, less the NUL.
SOCKET_PATH_MAX = 107

_live = weakref.WeakSet()


class PostgresError(RuntimeError):
    """PostgreSQL could not be set up, started, queried or stopped."""


def tail(path, lines=40):
    """The last lines of a text file, or a note that it is missing."""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return "(%s: %s)\n" % (path, e.strerror)


def find_bindir():
    """The directory of initdb and pg_ctl."""
    if PG_BINDIR:
        return PG_BINDIR
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if found:
        def major(path):
            v = path.split("/")[4]
            return int(v) if v.isdigit() else 0
        return os.path.dirname(max(found, key=major))
    try:
        r = subprocess.run(["pg_config", "--bindir"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=10, check=True)
        return r.stdout.decode().strip()
    except (OSError, subprocess.SubprocessError):
        raise PostgresError("no PostgreSQL server programs found: install "
                            "postgresql, or set PG_BINDIR") from None


def conninfo_value(v):
    """v quoted for a libpq key=value connection string."""
    v = str(v)
    if v and not re.search(r"[\s'\\]", v):
        return v
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_ident(name):
    """name as an SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def clean_env():
    """The environment without PG* variables (PGPORT, PGHOST, PGDATABASE,
    PGOPTIONS, ...), which would steer initdb, pg_ctl or psql elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C.UTF-8" if has_c_utf8() else "C"
    return env


def has_c_utf8():
    """Whether the C.UTF-8 locale exists here (glibc has it built in
    since 2.35; Debian's libc-bin ships it)."""
    try:
        r = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    names = r.stdout.decode(errors="replace").split()
    return any(n.lower() in ("c.utf8", "c.utf-8") for n in names)


def temp_parent():
    """A directory for the server's own: the usual temporary directory,
    unless the socket's path there would be too long for a Unix socket."""
    parent = tempfile.gettempdir()
    socket = os.path.join(parent, "timmy-postgres-XXXXXXXX",
                          ".s.PGSQL.%d" % PORT)
    return parent if len(socket.encode()) <= SOCKET_PATH_MAX else "/tmp"


class PrivatePostgres(Started):
    """A PostgreSQL server of our own, on a Unix socket in a temp dir.

    Attributes: dir (the temporary directory, also the socket's),
    data_path, log_path, dbname (the database made at start), pid (the
    postmaster's, None when stopped), bindir.
    """

    def __init__(self, dbname="timmy", ready_timeout=60.0, durable=False):
        """durable: fsync on, as a server in service has it (the
        benchmarks); the tests' is off."""
        self.dbname = dbname
        self.durable = durable
        self.ready_timeout = ready_timeout
        self.bindir = find_bindir()
        self.pid = None
        self._names = itertools.count(1)
        self.as_root = os.geteuid() == 0
        self.env = clean_env()
        self.dir = tempfile.mkdtemp(prefix="timmy-postgres-",
                                    dir=temp_parent())
        try:
            self.data_path = os.path.join(self.dir, "data")
            self.log_path = os.path.join(self.dir, "postgres.log")
            if self.as_root:
                pw = pwd.getpwnam(SERVER_USER)
                os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._initdb()
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    # -- running the server programs -----------------------------------

    def _server_cmd(self, program, *args):
        """The command line of a server program, through runuser as root."""
        cmd = [os.path.join(self.bindir, program)] + list(args)
        if self.as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--"] + cmd
        return cmd

    def _run(self, cmd, timeout, what):
        """Runs cmd in the directory; PostgresError with its output (and
        the server log) if it fails or hangs."""
        try:
            r = subprocess.run(cmd, cwd=self.dir, env=self.env,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise PostgresError("%s did not finish in %.0f s:\n%s%s" % (
                what, timeout, (e.output or b"").decode(errors="replace"),
                self.diagnostics())) from None
        if r.returncode != 0:
            raise PostgresError("%s failed (%d):\n%s%s" % (
                what, r.returncode, r.stdout.decode(errors="replace"),
                self.diagnostics()))
        return r

    def _initdb(self):
        locale = "C.UTF-8" if has_c_utf8() else "C"
        self._run(self._server_cmd(
            "initdb", "-D", self.data_path, "-A", "trust", "-E", "UTF8",
            "--locale=" + locale, "-U", SUPERUSER, "--no-sync"),
            120, "initdb")

    # -- process -------------------------------------------------------

    @property
    def running(self):
        return self.pid is not None and self._is_ours(self.pid)

    def _is_ours(self, pid):
        """Whether pid is alive and a postgres serving our data directory
        (not some later process that got the number)."""
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            return False
        return self.data_path.encode() in args

    def _read_pid(self):
        """The postmaster's PID from postmaster.pid, or None."""
        try:
            with open(os.path.join(self.data_path, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def start(self):
        """Starts the server, waits until it answers a query, and creates
        the database dbname. Raises PostgresError with the log tail when
        it does not come up within ready_timeout seconds; what it started
        is stopped again."""
        if self.running:
            return self
        opts = "-k %s -p %d -c listen_addresses=''%s" % (
            shlex.quote(self.dir), PORT,
            "" if self.durable else " -c fsync=off")
        try:
            self._run(self._server_cmd(
                "pg_ctl", "-D", self.data_path, "-l", self.log_path,
                "-o", opts, "-w", "-t", str(int(self.ready_timeout)),
                "start"), self.ready_timeout + 10, "pg_ctl start")
            self.pid = self._read_pid()
            if self.pid is None:
                raise PostgresError("no postmaster.pid after pg_ctl start\n" +
                                    self.diagnostics())
            _live.add(self)
            self._wait_ready()
            self.create_database(self.dbname)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while True:
            r = self.psql("SELECT 1", dbname="postgres", check=False,
                          timeout=10)
            if r.returncode == 0 and r.stdout.strip() == "1":
                return
            if not self.running:
                raise PostgresError("postgres exited before it answered\n" +
                                    self.diagnostics())
            if time.monotonic() >= deadline:
                raise PostgresError("postgres did not answer in %.0f s: %s\n%s"
                                    % (self.ready_timeout, r.stderr.strip(),
                                       self.diagnostics()))
            time.sleep(0.05)

    def stop(self, timeout=30.0):
        """Stops the server (pg_ctl stop -m fast; SIGQUIT, then SIGKILL, to
        the postmaster's PID should that fail) and keeps the data."""
        # A start cut short may have left a postmaster whose PID was
        # never read: postmaster.pid names it (and _is_ours checks it).
        pid, self.pid = self.pid or self._read_pid(), None
        _live.discard(self)
        if pid is None or not self._is_ours(pid):
            return
        try:
            self._run(self._server_cmd(
                "pg_ctl", "-D", self.data_path, "-m", "fast", "-w",
                "-t", str(int(timeout)), "stop"), timeout + 10, "pg_ctl stop")
        except PostgresError:
            pass
        # pg_ctl returns when postmaster.pid is gone, a moment before the
        # process is.
        for sig in (None, signal.SIGQUIT, signal.SIGKILL):
            if sig is not None:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    return
            end = time.monotonic() + 5
            while self._is_ours(pid) and time.monotonic() < end:
                time.sleep(0.02)
            if not self._is_ours(pid):
                return

    def close(self):
        """Stops the server and removes the temporary directory."""
        try:
            self.stop()
        finally:
            if self.dir and os.path.isdir(self.dir):
                shutil.rmtree(self.dir, ignore_errors=True)

    def diagnostics(self, lines=30):
        """The tail of the server's log, for error messages."""
        return "--- %s ---\n%s" % (self.log_path, tail(self.log_path, lines))

    # -- databases -----------------------------------------------------

    def conninfo(self, dbname=None):
        """The libpq connection string of database dbname (the one made
        at start by default): host is the socket's directory."""
        return "host=%s port=%d dbname=%s user=%s" % (
            conninfo_value(self.dir), PORT,
            conninfo_value(dbname or self.dbname), conninfo_value(SUPERUSER))

    def url(self, dbname=None):
        """The same as a postgresql:// URL (host= as a parameter, the
        socket's directory not being a host name)."""
        return "postgresql:///%s?%s" % (
            urllib.parse.quote(dbname or self.dbname, safe=""),
            urllib.parse.urlencode({"host": self.dir, "port": PORT,
                                    "user": SUPERUSER}))

    def create_database(self, name):
        """Creates the empty database name; returns its conninfo."""
        self.psql("CREATE DATABASE %s" % quote_ident(name), dbname="postgres")
        return self.conninfo(name)

    def new_database(self, prefix="test"):
        """Creates a fresh empty database with a name of its own (one per
        test, say); returns its conninfo. Its name is the dbname in it."""
        name = "%s_%d" % (prefix, next(self._names))
        return self.create_database(name)

    def drop_database(self, name):
        """Drops database name (WITH (FORCE): its sessions go too)."""
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % quote_ident(name),
                  dbname="postgres")

    def psql(self, sql=None, dbname=None, conninfo=None, file=None,
             single_transaction=False, check=True, timeout=60, args=()):
        """Runs psql on the script sql (read from its standard input, each
        statement on its own as psql sends them) or on file, against a
        database of this server (dbname, or conninfo): unaligned output
        with "|" between fields, tuples only, no psqlrc, stopping at the
        first error. Returns the CompletedProcess (text stdout and
        stderr); raises PostgresError when psql fails and check is
        true."""
        cmd = [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-d", conninfo or self.conninfo(dbname)]
        if single_transaction:
            cmd.append("--single-transaction")
        cmd += list(args)
        cmd += ["-f", file if file is not None else "-"]
        r = subprocess.run(cmd, env=self.env,
                           input=sql if file is None else None,
                           stdin=subprocess.DEVNULL if file is not None
                           else None,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, encoding="utf-8",
                           errors="replace")
        if check and r.returncode != 0:
            raise PostgresError("psql failed (%d): %s" % (
                r.returncode, r.stderr.strip()))
        return r

    def __repr__(self):
        return "<PrivatePostgres dir=%s pid=%s>" % (self.dir, self.pid)


@atexit.register
def _stop_all():
    """A server still running when Python exits (a test run cut short)
    goes with it."""
    for pg in list(_live):
        pg.close()
