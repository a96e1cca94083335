"""bench/measure.py - what the parts of `make bench` share: running
commands (one timed run under GNU time, wall time and peak RSS; the median
of several taken by turns; a command's output for the checks), a private
Prosody with the accounts a part needs (start_prosody), and a run's end
(Run: its tables printed and written to one CSV, its temporary directory
removed). Used by bench/bench.py, bench/chat.py, bench/roster.py,
bench/scale.py and bench/timew.py."""

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from table import Table, write_csv

TIME = "/usr/bin/time"          # GNU time (package time)
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)


def die(msg):
    sys.exit("bench: " + msg)


class ChatError(RuntimeError):
    """The chat benchmark, or a part of it (Prosody, a bot, its database),
    could not run (the text says why)."""


def first_line(e):
    return (str(e).splitlines() or [""])[0]


def start_prosody(accounts, password, rosters=None):
    """A private Prosody (tests/harness PrivateProsody, its log at warn)
    with each of accounts (user names at its domain) registered with
    password, and the rosters given ({user: {contact JID:
    subscription}}) written into its storage, started. The caller closes
    it. Raises ChatError when it cannot be set up or does not start,
    having closed what it made."""
    sys.path.insert(0, os.path.join(REPO, "tests"))
    try:
        from harness import PrivateProsody
    except ImportError as e:
        raise ChatError("no test harness (%s); run make deps" % e)
    try:
        server = PrivateProsody(log_level="warn")
    except Exception as e:
        raise ChatError("cannot set up Prosody: %s" % first_line(e))
    try:
        for name in accounts:
            server.register(name, password)
        for name, contacts in (rosters or {}).items():
            server.write_roster(name, contacts)
        server.start()
    except BaseException as e:
        server.close()
        if not isinstance(e, Exception):
            raise
        raise ChatError("Prosody did not start: %s" % first_line(e))
    return server


def env_int(name, default):
    """The environment variable name as an integer, default when unset or
    empty; dies on anything else."""
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        die("%s must be a number, not %r" % (name, v))


def run_once(argv, env):
    """Runs argv under /usr/bin/time with stdin and stdout on /dev/null;
    returns (seconds, peak RSS in KiB). Dies with the command's stderr
    when it fails.

    The wall time is taken here, around the whole spawn and wait (GNU
    time's own %e has centiseconds only). The peak RSS is time's %M, not
    wait4's ru_maxrss for a child of this process: Linux carries the
    high-water mark of the memory image a process replaces at exec over
    to the new program, so a child spawned from here would start with
    this Python's."""
    with tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        full = [TIME, "-f", "%M", "-o", rss.name] + list(argv)
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        t0 = time.perf_counter()
        pid = os.posix_spawn(full[0], full, env, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        secs = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            die("%s failed (%s):\n%s" % (
                " ".join(argv), code,
                err.read().decode(errors="replace")[-2000:]))
        kib = rss.read().split()
    if not kib or not kib[-1].isdigit():
        die("%s printed no peak RSS" % TIME)
    return secs, int(kib[-1])


def measure(cmds, reps):
    """cmds: (argv, env) pairs. One warm-up run of each, then reps rounds
    that run each once in turn, so that what else the machine does at
    the time falls on all of them alike. Returns (median ms, median MiB)
    for each command."""
    for argv, env in cmds:
        run_once(argv, env)
    runs = [[] for _ in cmds]
    for _ in range(reps):
        for (argv, env), r in zip(cmds, runs):
            r.append(run_once(argv, env))
    return [(statistics.median(x[0] for x in r) * 1000.0,
             statistics.median(x[1] for x in r) / 1024.0) for r in runs]


def output(argv, env):
    """argv's standard output; dies with its stderr when it fails."""
    r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        die("%s failed (%d):\n%s" % (" ".join(argv), r.returncode,
                                     r.stderr[-2000:]))
    return r.stdout


class Run:
    """One run of `make bench` or of the scale run: a temporary directory
    (tmp) for its histories, databases and servers, and its tables, each
    printed on stdout as it is shown and all written to one CSV at the end.

        with Run("timmy-bench-", rev, "-quick") as run:
            ... run.tmp ...
            run.show(tables)

    On leaving, after an error too, what was shown is written to
    bench/results/DATE-REV{suffix}.csv (DATE: today in UTC; nothing when
    no table was shown), and the directory is removed, or kept and named
    with BENCH_KEEP=1."""

    def __init__(self, prefix, rev, suffix):
        self.rev = rev
        self.suffix = suffix
        self.tables = []
        self.tmp = tempfile.mkdtemp(prefix=prefix)

    def show(self, tables):
        """Prints each of tables as markdown and keeps it for the CSV."""
        for t in tables:
            t.show()
            self.tables.append(t)

    def summary(self, title, now, quick, items):
        """The run's last table, title: the commit, the cores, the moment
        the run started (now, epoch seconds), quick (0 or 1), then items,
        (item, value) pairs."""
        t = Table(title, ["item", "value"])
        t.add(["commit", self.rev])
        t.add(["cores", os.cpu_count()])
        t.add(["started (UTC)", time.strftime("%Y-%m-%d %H:%M:%S",
                                                   time.gmtime(now))])
        t.add(["quick", 1 if quick else 0])
        for item in items:
            t.add(list(item))
        return t

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            # What was measured is kept even when a later part failed.
            if self.tables:
                path = os.path.join(BENCH_DIR, "results", "%s-%s%s.csv" % (
                    dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
                    self.rev, self.suffix))
                write_csv(self.tables, path, self.rev, os.cpu_count())
                print("bench: wrote %s" % os.path.relpath(path, REPO),
                      flush=True)
        finally:
            if os.environ.get("BENCH_KEEP") == "1":
                print("bench: kept %s" % self.tmp)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        return False
