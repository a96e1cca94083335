"""Running the timmy binary against a PrivateProsody.

Bot writes a bot.yaml into a temporary directory, starts `timmy run -c
FILE` as a direct child with its stderr in a log file and SSL_CERT_FILE
pointing at the server's certificate (so `tls: required` verifies it),
and waits until the log says "online as ". It is stopped by its PID.

The binary is $TIMMY_BIN, else ./timmy at the repository root.
"""

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

from .prosody import tail
from .started import Started

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class BotError(AssertionError):
    """The bot did not start, stop or log as expected (with its log tail)."""


def find_binary():
    """The timmy binary under test: $TIMMY_BIN or <repo>/timmy."""
    return os.path.abspath(os.environ.get("TIMMY_BIN")
                           or os.path.join(REPO_ROOT, "timmy"))


def yaml_str(s):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(s))


# The limits section of the harness's bots, unless a test gives its own:
# tests (and the demo and benchmarks) send commands as fast as a script
# can, far above timmy's default rate limit, so it is off. max_body and
# burst keep timmy's defaults.
UNLIMITED = {"commands_per_minute": 0}


def config_text(*, jid, host, port, db_path, allow, password=None,
                password_file=None, resource="timmy", tls="required",
                admins=(), timezone="UTC", log_level="info", keepalive=None,
                limits=UNLIMITED, teams=None, pg_url=None):
    """The text of a bot.yaml in the documented format. keepalive None
    leaves account.keepalive out (the default). limits is a dict of the
    limits section's keys (max_body, commands_per_minute, burst), written
    last; None leaves the section out, so timmy's defaults apply. teams,
    a dict of team name to a dict of its keys (members, leads, projects:
    lists; room, digest: strings), is the teams section; None: none.
    pg_url, a libpq connection string, stores in PostgreSQL instead of
    the SQLite file db_path."""
    if (password is None) == (password_file is None):
        raise ValueError("exactly one of password and password_file")
    secret = ("  password: %s" % yaml_str(password) if password is not None
              else "  password_file: %s" % yaml_str(password_file))
    account = [
        "account:",
        "  jid: %s" % yaml_str(jid),
        secret,
        "  resource: %s" % yaml_str(resource),
        "  host: %s" % yaml_str(host),
        "  port: %d" % int(port),
        "  tls: %s" % tls,
    ]
    if keepalive is not None:
        account.append("  keepalive: %d" % int(keepalive))
    section = []
    if limits is not None:
        section = ["limits:"] + ["  %s: %d" % (k, int(v))
                                 for k, v in limits.items()]
    if teams:
        section += ["teams:"]
    for name, team in (teams or {}).items():
        section.append("  %s:" % name)
        for key, value in team.items():
            if isinstance(value, (list, tuple)):
                value = "[%s]" % ", ".join(yaml_str(v) for v in value)
            else:
                value = yaml_str(value)
            section.append("    %s: %s" % (key, value))
    storage = ["storage:", "  path: %s" % yaml_str(db_path)]
    if pg_url is not None:
        storage = ["storage:", "  backend: postgresql",
                   "  url: %s" % yaml_str(pg_url)]
    return "\n".join(account + storage + [
        "access:",
        "  allow: [%s]" % ", ".join(yaml_str(a) for a in allow),
        "  admins: [%s]" % ", ".join(yaml_str(a) for a in admins),
        "defaults:",
        "  timezone: %s" % yaml_str(timezone),
        "log:",
        "  level: %s" % log_level,
    ] + section + [""])


def pg_literal(v):
    """v as an SQL literal for PostgreSQL (None, int or str)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise TypeError("no literal for %r" % (v,))
    if isinstance(v, int):
        return str(v)
    return "'" + v.replace("'", "''") + "'"


def pg_query(conninfo, sql, params=()):
    """The rows of sql on the PostgreSQL database conninfo, through psql,
    as Bot.query gives SQLite's: each "?" replaced by the next of params
    (as a literal), NULL as None, whole numbers as ints."""
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError("%d parameters for %d '?'" % (len(params),
                                                      len(parts) - 1))
    text = parts[0] + "".join(pg_literal(p) + rest
                              for p, rest in zip(params, parts[1:]))
    r = subprocess.run(["psql", "-X", "-q", "--csv", "-t", "-P",
                        "null=\\N", "-v", "ON_ERROR_STOP=1", "-d",
                        conninfo, "-c", text],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if r.returncode != 0:
        raise RuntimeError("psql: %s" % r.stderr.decode(errors="replace"))

    def value(v):
        if v == "\\N":
            return None
        return int(v) if re.fullmatch(r"-?[0-9]+", v) else v
    return [tuple(value(v) for v in row)
            for row in csv.reader(io.StringIO(r.stdout.decode()))]


def write_config(path, **kwargs):
    """Writes config_text(**kwargs) to path (mode 0600) and returns path."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(config_text(**kwargs))
    return path


# What systemd hands a service it supervises. Never passed on from the
# environment the tests run in: a test that wants them sets them itself.
SYSTEMD_VARS = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")


def bot_env(cert_path=None, extra=None):
    env = {k: v for k, v in os.environ.items() if k not in SYSTEMD_VARS}
    if cert_path is not None:
        env["SSL_CERT_FILE"] = cert_path
    env.update(extra or {})
    return env


def run_timmy(args, binary=None, cert_path=None, timeout=30, env=None):
    """Runs the binary with args to completion; returns CompletedProcess
    with text stdout and stderr."""
    return subprocess.run([binary or find_binary()] + list(args),
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout,
                          env=bot_env(cert_path, env))


class Bot(Started):
    """The timmy bot logged in to a PrivateProsody.

    Attributes: jid (bare), full_jid, dir, config_path, db_path, log_path,
    pid (None when stopped), binary. The account must already exist on
    the server; password defaults to the one registered there. host and
    port default to the server's (a test may put a relay between them);
    keepalive sets account.keepalive; teams the teams section (see
    config_text); limits the limits section (see
    config_text: the rate limit is off unless given). password_file, when
    given, is used instead of the password (the test makes the file).
    write_config() rewrites bot.yaml with some settings changed (for
    SIGHUP). A bot made without db_path starts from a new database, and
    from nothing in the server's offline storage for its account either:
    what a bot of an earlier test on the same server left unanswered
    would otherwise reach it (server.drop_offline).
    """

    def __init__(self, server, jid=None, password=None, allow=(),
                 admins=(), timezone="UTC", tls="required", resource="timmy",
                 log_level="info", binary=None, db_path=None,
                 ready_timeout=15.0, env=None, config=None, host=None,
                 port=None, keepalive=None, limits=UNLIMITED,
                 password_file=None, test_clock=False, teams=None,
                 pg_url=None):
        self.server = server
        self.jid = jid or server.jid("timmy")
        self.resource = resource
        self.full_jid = "%s/%s" % (self.jid, resource)
        if password is None:
            password = server.accounts[self.jid.split("@", 1)[0]]
        self.password = password
        self.binary = binary or find_binary()
        self.ready_timeout = ready_timeout
        self.env = dict(env or {})
        self.proc = None
        self.returncode = None
        self.dir = tempfile.mkdtemp(prefix="timmy-bot-")
        self.config_path = os.path.join(self.dir, "bot.yaml")
        self.log_path = os.path.join(self.dir, "timmy.log")
        self.db_path = db_path or os.path.join(self.dir, "timmy.db")
        if db_path is None:
            server.drop_offline(self.jid.split("@", 1)[0])
        self._log_offset = 0
        # The test clock (bot/clock.h, test builds only): seconds added
        # to the bot's wall clock, in a file it reads again when it
        # changes.
        self.clock_path = os.path.join(self.dir, "clock")
        self.clock_offset = 0
        if test_clock:
            self.set_clock(0)
            self.env["TIMMY_TEST_CLOCK"] = self.clock_path
        # Jobs held while this file exists (bot/jobs.c, test builds only).
        self.hold_path = os.path.join(self.dir, "hold-jobs")
        self.env["TIMMY_TEST_HOLD_JOBS"] = self.hold_path
        self.settings = dict(
            jid=self.jid, password=password, resource=resource,
            host=host or server.host, port=port or server.port, tls=tls,
            db_path=self.db_path, allow=list(allow), admins=list(admins),
            timezone=timezone, log_level=log_level, keepalive=keepalive,
            limits=limits, teams=teams, pg_url=pg_url)
        if password_file is not None:
            self.settings.update(password=None, password_file=password_file)
        if config is not None:
            with open(self.config_path, "w", encoding="utf-8") as f:
                f.write(config)
        else:
            write_config(self.config_path, **self.settings)

    def write_config(self, text=None, **changes):
        """Rewrites bot.yaml: the settings it was made with, updated with
        changes (e.g. allow=[...], log_level="debug"), or text as is. The
        bot reads it at its next start or SIGHUP."""
        if text is not None:
            fd = os.open(self.config_path,
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            return
        self.settings.update(changes)
        write_config(self.config_path, **self.settings)

    def set_clock(self, offset):
        """Moves the bot's wall clock to offset seconds from the real one
        (a bot made with test_clock=True); takes effect at once, running
        or not."""
        self.clock_offset = int(offset)
        tmp = self.clock_path + ".new"
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % self.clock_offset)
        os.replace(tmp, self.clock_path)

    def hold_jobs(self):
        """From now on no export under way moves on (bot/jobs.c, test
        builds only) until release_jobs(): what a test does meanwhile
        happens while the export is surely still under way."""
        with open(self.hold_path, "w", encoding="ascii"):
            pass

    def release_jobs(self):
        """Lets held jobs go on."""
        try:
            os.unlink(self.hold_path)
        except FileNotFoundError:
            pass

    def advance_clock(self, seconds):
        """Moves the bot's wall clock seconds further."""
        self.set_clock(self.clock_offset + int(seconds))

    def now(self):
        """The bot's wall clock as the test clock makes it (epoch
        seconds, a float)."""
        return time.time() + self.clock_offset

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, wait=True):
        """Starts `timmy run -c bot.yaml`; with wait, blocks until the log
        (from this start on) says "online as ", or raises BotError."""
        if self.running:
            raise BotError("bot already running (pid %d)" % self.pid)
        if not os.access(self.binary, os.X_OK):
            raise BotError("no timmy binary at %s (run make, or set "
                           "TIMMY_BIN)" % self.binary)
        self._log_offset = (os.path.getsize(self.log_path)
                            if os.path.exists(self.log_path) else 0)
        self.returncode = None
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "run", "-c", self.config_path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                cwd=self.dir, start_new_session=True,
                env=bot_env(self.server.cert_path, self.env))
        if wait:
            try:
                self.wait_log("online as ", self.ready_timeout)
            except BaseException:
                self.kill()
                raise
        return self

    def stop(self, timeout=10.0):
        """SIGTERM, then waits; returns the exit status. Raises BotError
        (after SIGKILL) if the bot does not exit within timeout."""
        proc = self.proc
        if proc is None:
            return self.returncode
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                self.proc = None
                self.returncode = proc.returncode
                raise BotError("timmy did not exit within %.0f s of SIGTERM\n%s"
                               % (timeout, self.log_tail()))
        self.proc = None
        self.returncode = proc.returncode
        return self.returncode

    def signal(self, sig):
        """Sends sig to the bot."""
        if self.proc is None:
            raise BotError("bot not running")
        self.proc.send_signal(sig)

    def wait(self, timeout=10.0):
        """Waits for the bot to exit by itself; returns the exit status."""
        if self.proc is None:
            return self.returncode
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BotError("timmy still running after %.0f s\n%s" % (
                timeout, self.log_tail()))
        self.returncode = self.proc.returncode
        self.proc = None
        return self.returncode

    def kill(self):
        """SIGKILL, for fault tests; returns the exit status."""
        proc, self.proc = self.proc, None
        if proc is None:
            return self.returncode
        if proc.poll() is None:
            proc.kill()
        self.returncode = proc.wait()
        return self.returncode

    def restart(self):
        """stop() (asserting exit status 0) and start() again."""
        code = self.stop()
        if code not in (0, None):
            raise BotError("timmy exited with %s on SIGTERM\n%s" % (
                code, self.log_tail()))
        return self.start()

    def close(self):
        """Stops the bot (SIGKILL if SIGTERM does not do) and removes its
        directory."""
        try:
            if self.running:
                try:
                    self.stop()
                except BotError:
                    pass
        finally:
            self.kill()
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- the log -------------------------------------------------------

    def log(self, since_start=False):
        """The whole log (all runs), or only since the last start()."""
        try:
            with open(self.log_path, "r", encoding="utf-8",
                      errors="replace") as f:
                if since_start:
                    f.seek(self._log_offset)
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=30):
        return "--- %s ---\n%s" % (self.log_path, tail(self.log_path, lines))

    def wait_log(self, text, timeout=10.0):
        """Waits until the log since the last start() contains text and
        returns the first line containing it. Raises BotError with the log
        tail on timeout or if the bot exits first."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log(since_start=True)
            if text in log:
                for line in log.splitlines():
                    if text in line:
                        return line
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                # A last read: the line may have been written just before exit.
                log = self.log(since_start=True)
                if text in log:
                    return next(l for l in log.splitlines() if text in l)
                raise BotError("timmy exited (status %s) before logging %r\n%s"
                               % (code, text, self.log_tail()))
            if time.monotonic() >= deadline:
                raise BotError("timmy did not log %r within %.0f s\n%s" % (
                    text, timeout, self.log_tail()))
            time.sleep(0.02)

    # -- the database --------------------------------------------------

    def query(self, sql, *params):
        """Rows of a read-only query on the bot's database (tuples; each
        "?" of sql takes the next of params). On PostgreSQL through psql:
        a value that reads as a whole number comes back as an int, as
        SQLite's INTEGER columns do."""
        if self.settings.get("pg_url"):
            return pg_query(self.settings["pg_url"], sql, params)
        uri = "file:%s?mode=ro" % self.db_path
        con = sqlite3.connect(uri, uri=True, timeout=5)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    # The worked seconds of each user's stopped entries, and those their
    # per-day rollup holds (schema 10): the days partition time, so the two
    # are equal whatever the rollup's zone. Users whose rollup is pending or
    # not built are left out.
    ROLLUP_SUMS = (
        "SELECT u.jid, (SELECT coalesce(sum(secs), 0) FROM rollup_projects"
        "  WHERE user_id = u.id),"
        " (SELECT coalesce(sum(e.stop - e.start - (SELECT"
        "  coalesce(sum(k.stop - k.start), 0) FROM entry_breaks AS k"
        "  WHERE k.entry_id = e.id)), 0) FROM entries AS e"
        "  WHERE e.user_id = u.id AND e.stop IS NOT NULL)"
        " FROM users AS u JOIN rollup_users AS r ON r.user_id = u.id"
        " WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty AS d"
        "  WHERE d.user_id = u.id)")

    def rollup_mismatch(self):
        """None when every user's rollup of reports holds the seconds of
        their entries (a few milliseconds: the whole `timmy check` costs
        over 100 ms a test under the sanitizers), else what differs.
        Users still pending are left out: entries a test wrote with plain
        SQL wait for `timmy check` or the user's next change, and their
        reports read the entries meanwhile. A database without rollup
        tables (an older schema, none at all) passes."""
        if not os.path.exists(self.db_path):
            return None
        try:
            rows = self.query(self.ROLLUP_SUMS)
        except sqlite3.Error as e:
            return None if "no such table" in str(e) else str(e)
        bad = ["%s: rollup %d s, entries %d s" % r for r in rows
               if r[1] != r[2]]
        return "; ".join(bad) or None

    def __repr__(self):
        return "<Bot %s pid=%s dir=%s>" % (self.full_jid, self.pid, self.dir)
