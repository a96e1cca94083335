"""bench/scale.py - `make bench-scale`: timmy with many users. One
database of SCALE_USERS users with SCALE_ENTRIES entries each (10,000 x
1,000 = 10,000,000 by default), then, on each storage backend asked for:
the database's size, one user's `report` and `export` from the shell and
in chat, the realistic mix of commands from SCALE_CHAT_USERS users at
once through a private Prosody (against the bare echo bot, as in
bench/chat.py), the bot's memory and its start-up. Every table printed
as markdown and the whole run written to one CSV under bench/results/
(bench/table.py), like `make bench`. bench/README.md says more.

    /usr/bin/python3 bench/scale.py        (make bench-scale runs it)

Environment:
    QUICK              1: 1,000 users x 100 entries, short chat rounds
                       (under a minute)
    SCALE_USERS        users in the database (10000; QUICK 1000)
    SCALE_ENTRIES      entries of each user (1000; QUICK 100)
    SCALE_YEARS        the years each user's entries span, up to now (2)
    SCALE_CHAT_USERS   users sending at once through Prosody (200; QUICK
                       50)
    SCALE_DB           an existing database of this run's shape to use
                       instead of generating one (the chat part changes
                       it: start, stop, undo steps, message keys)
    BACKEND            sqlite (default), postgresql, or all
    BENCH_REPS         timed runs per shell command after a warm-up
                       (7; QUICK 3)
    BENCH_PIPELINE     commands in flight per user when pipelined (8)
    BENCH_CHAT_SECS    measured seconds per chat round (2; QUICK 0.5)
    BENCH_CHAT_REPS    rounds per mode and bot (3; QUICK 1)
    BENCH_KEEP         1 keeps the temporary directory and prints its path
    TIMMY_BIN          the binary (default ./timmy at the repository root)

PostgreSQL: while the build has no `storage.backend: postgresql` or no
`timmy migrate`, BACKEND=postgresql prints one line saying so and
measures nothing (databases.postgresql_support). Where its database is
made and filled: databases.filled_postgresql.
"""

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.join(REPO, "tests"))

import chat  # noqa: E402
import databases  # noqa: E402
import gen  # noqa: E402
from bench import commit  # noqa: E402
from harness.bot import config_text  # noqa: E402
from measure import (TIME, Run, die, env_int, measure,  # noqa: E402
                     output, run_once, start_prosody)
from table import Table  # noqa: E402
import timew  # noqa: E402

TZ = "Europe/Berlin"
DOMAIN = "localhost"
PASSWORD = chat.PASSWORD
PROBE = "user1"                 # the user measured alone
BACKENDS = ("sqlite", "postgresql")
# Free disk the run wants per entry. Measured at 10,000,000 entries: the
# file takes about 215 bytes per entry, the rollup's rebuild writes about
# 80 more into the WAL while it runs, and the check's temporary tables
# come on top; generation stops early when the disk has less than this.
DISK_PER_ENTRY = 700


T_START = time.perf_counter()


def progress(what):
    """One line on stderr per phase, with the seconds since the start."""
    sys.stderr.write("scale: %6.1f s  %s\n" % (time.perf_counter() - T_START,
                                               what))
    sys.stderr.flush()


def knobs():
    """The run's settings from the environment, QUICK's defaults first."""
    quick = os.environ.get("QUICK", "") not in ("", "0")
    k = {
        "quick": quick,
        "users": env_int("SCALE_USERS", 1000 if quick else 10000),
        "entries": env_int("SCALE_ENTRIES", 100 if quick else 1000),
        "years": env_int("SCALE_YEARS", 2),
        "chat_users": env_int("SCALE_CHAT_USERS", 50 if quick else 200),
        "reps": env_int("BENCH_REPS", 3 if quick else 7),
        "pipeline": env_int("BENCH_PIPELINE", 8),
        "reps_chat": env_int("BENCH_CHAT_REPS", 1 if quick else 3),
        "db": os.environ.get("SCALE_DB", ""),
    }
    try:
        k["secs"] = float(os.environ.get("BENCH_CHAT_SECS") or
                          (0.5 if quick else 2.0))
    except ValueError:
        die("BENCH_CHAT_SECS must be a number")
    # 200 users' first commands arrive together: the warm-up lets the
    # round trips settle before the measured window.
    k["warmup"] = 0.2 if quick else 1.0
    backend = os.environ.get("BACKEND", "") or "sqlite"
    if backend == "all":
        k["backends"] = list(BACKENDS)
    elif backend in BACKENDS:
        k["backends"] = [backend]
    else:
        die("BACKEND must be sqlite, postgresql or all, not %r" % backend)
    if k["users"] < 1 or k["entries"] < 10 or k["years"] < 1 or \
            k["reps"] < 1 or k["reps_chat"] < 1 or k["secs"] <= 0:
        die("SCALE_USERS must be at least 1, SCALE_ENTRIES 10, SCALE_YEARS, "
            "BENCH_REPS and BENCH_CHAT_REPS 1, BENCH_CHAT_SECS above 0")
    if not 1 <= k["chat_users"] <= min(500, k["users"]):
        die("SCALE_CHAT_USERS must be 1..500 and at most SCALE_USERS "
            "(bench/load's limit: libstrophe's select())")
    if k["db"] and not os.path.isfile(k["db"]):
        die("SCALE_DB: no file %s" % k["db"])
    return k


# -- configs --------------------------------------------------------------

def write_cli_config(path, backend, target):
    """databases.write_cli_config in this run's zone."""
    return databases.write_cli_config(path, backend, target, TZ)


def bot_config(server, backend, target):
    """The text of the bot's bot.yaml: the harness's (every user of the
    domain allowed, no rate limit), with the storage section of backend."""
    text = config_text(jid=server.jid("timmy"), host=server.host,
                       port=server.port, db_path="@STORAGE@",
                       allow=["*@%s" % DOMAIN], password=PASSWORD,
                       timezone=TZ, log_level="info",
                       limits={"commands_per_minute": 0})
    old = "\n".join(databases.storage_lines("sqlite", "@STORAGE@"))
    if old not in text:
        die("the harness's config has no storage section as expected")
    return text.replace(old, "\n".join(
        databases.storage_lines(backend, target)))


# -- the database ---------------------------------------------------------

def generate(timmy, tmp, k, now):
    """The SQLite database: `timmy check` makes it, gen.write_many fills
    it, gen.rebuild_derived has timmy rebuild the rollup and check the
    whole file (integrity, foreign keys, the rollup against the
    entries). Returns (path, config, {what: seconds})."""
    db = os.path.abspath(k["db"]) if k["db"] else \
        os.path.join(tmp, "scale.db")
    cfg = write_cli_config(os.path.join(tmp, "sqlite.yaml"), "sqlite", db)
    secs = {}
    if k["db"]:
        return db, cfg, secs
    total = k["users"] * k["entries"]
    free = shutil.disk_usage(tmp).free
    if free < total * DISK_PER_ENTRY:
        die("%d entries need about %.1f GiB free in %s, there are %.1f"
            % (total, total * DISK_PER_ENTRY / 2**30, tmp, free / 2**30))
    env = dict(os.environ, TZ=TZ)
    r = subprocess.run([timmy, "check", "-c", cfg], capture_output=True,
                       text=True, env=env, timeout=120)
    if r.returncode != 0:
        die("timmy check failed:\n%s" % r.stderr[-2000:])
    progress("generating %d users x %d entries" % (k["users"], k["entries"]))
    t0 = time.perf_counter()
    gen.write_many(db, k["users"], k["entries"], k["years"], TZ, now,
                   domain=DOMAIN)
    secs["entries written (gen.py)"] = time.perf_counter() - t0
    progress("rollup rebuild and check (timmy check --repair)")
    t0 = time.perf_counter()
    gen.rebuild_derived(timmy, db, TZ, cfg)
    secs["rollup rebuilt and whole file checked (timmy check --repair)"] = \
        time.perf_counter() - t0
    return db, cfg, secs


def mib(n):
    return None if n is None else n / 2**20


def sqlite_size(db):
    """(file bytes, WAL bytes, free-page bytes, [(object, bytes)]): the
    file as timmy leaves it, with its -wal, and what its pages hold
    (SQLite's dbstat), tables with their indexes."""
    wal = db + "-wal"
    size = os.path.getsize(db)
    wal_size = os.path.getsize(wal) if os.path.exists(wal) else 0
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        page = con.execute("PRAGMA page_size").fetchone()[0]
        free = con.execute("PRAGMA freelist_count").fetchone()[0] * page
        owner = dict(con.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type IN "
            "('table', 'index')"))
        parts = {}
        try:
            for name, n in con.execute(
                    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
                t = owner.get(name, name)
                parts[t] = parts.get(t, 0) + n
        except sqlite3.OperationalError:
            parts = {}          # no dbstat in this SQLite
    finally:
        con.close()
    return size, wal_size, free, sorted(parts.items(), key=lambda x: -x[1])


def database_tables(backend, k, size, secs, load_secs):
    """The table of the database's size and making."""
    total = k["users"] * k["entries"]
    t = Table("scale, %s: the database (%d users x %d entries = %d entries "
              "over %d years)" % (backend, k["users"], k["entries"], total,
                                  k["years"]),
              ["item", "value"], fmt="%.1f")
    for what, s in secs.items():
        t.add(["seconds: " + what, s])
    if load_secs is not None:
        t.add(["seconds: PostgreSQL filled from the SQLite file (timmy "
               "migrate)", load_secs])
    out = [t]
    if backend == "sqlite":
        file_b, wal_b, free_b, parts = size
        t.add(["file MiB", mib(file_b)])
        t.add(["WAL MiB (the -wal file beside it)", mib(wal_b)])
        t.add(["free pages MiB (inside the file)", mib(free_b)])
        t.add(["bytes per entry (file and WAL)", (file_b + wal_b) / total])
        if parts:
            p = Table("scale, sqlite: where the bytes are (dbstat: each "
                      "table with its indexes)", ["table", "MiB", "share %"],
                      fmt="%.1f")
            shown = 0
            for name, n in parts:
                if n >= file_b / 200:
                    p.add([name, mib(n), 100.0 * n / file_b])
                    shown += n
            p.add(["everything else", mib(file_b - shown - free_b),
                   100.0 * (file_b - shown - free_b) / file_b])
            p.add(["free pages", mib(free_b), 100.0 * free_b / file_b])
            out.append(p)
    else:
        t.add(["database MiB (pg_database_size)", mib(size)])
        t.add(["bytes per entry", size / total])
    return out


# -- one user from the shell ----------------------------------------------

def cli_table(backend, timmy, cfg, k, now, db=None):
    """One user's reports (the last whole year, the same by day, the last
    whole month) and exports of all their entries, each a new `timmy`
    process (median of BENCH_REPS after a warm-up, as bench/timew.py
    measures), and `timmy check --quick`; then, one run each, an export of
    every user's entries and the whole `timmy check`, beside which, on
    SQLite (db), a writer takes the write lock every 50 ms as the bot's
    changes would (WriterBeside)."""
    year = timew.periods(now)["year"]
    env = dict(os.environ, TZ=TZ, LC_ALL="C.UTF-8")
    user = "%s@%s" % (PROBE, DOMAIN)
    rng = timew.timmy_range(year)

    def rep(*words):
        return [timmy, "report", "-c", cfg, "--user", user] + list(words)

    def exp(*args):
        return [timmy, "export", "-c", cfg] + list(args)
    specs = [("report year (%s)" % rng, rep(rng)),
             ("report year by day", rep(rng, "by", "day")),
             ("report month (the last whole one)",
              rep(timew.timmy_range(timew.periods(now)["month"]))),
             ("export all time, csv", exp("--user", user)),
             ("export all time, json", exp("--user", user, "--format",
                                           "json")),
             # What the systemd unit runs before every start
             # (ExecStartPre=, under TimeoutStartSec=3min).
             ("timmy check --quick (the unit's ExecStartPre=)",
              [timmy, "check", "--quick", "-c", cfg])]
    got = measure([(argv, env) for _, argv in specs], k["reps"])
    t = Table("scale, %s: from the shell, one user's reports and exports "
              "(%s, %d entries, among %d users), then two commands over "
              "the whole file" % (backend, user, k["entries"], k["users"]),
              ["operation", "ms", "peak MiB", "output KiB"],
              note="timmy report, export and check as new processes, output "
              "to /dev/null; median of %d runs after one warm-up (the last "
              "two: one run); wall time and peak RSS (GNU time)" % k["reps"],
              fmt="%.2f")
    for (label, argv), (ms, mb) in zip(specs, got):
        t.add([label, ms, mb, len(output(argv, env).encode()) / 1024.0])
    # Two that take long at this size, run once: an export of every
    # user's entries, and the whole check of the file, integrity and
    # rollup (by hand, or weekly from contrib/timmy-check.timer).
    for label, argv in (
            ("export every user's entries, csv (%d entries; one run)"
             % (k["users"] * k["entries"]), exp()),
            ("timmy check, the whole one (one run)",
             [timmy, "check", "-c", cfg])):
        progress(label)
        writer = WriterBeside(db if "check" in label else None)
        with writer:
            secs, kib = run_once(argv, env)
        t.add([label, secs * 1000.0, kib / 1024.0, None])
        if writer.waits:
            t.add(["the longest wait of a change beside it (of %d)"
                   % len(writer.waits), max(writer.waits) * 1000.0, None,
                   None])
    return t


class WriterBeside:
    """While in its with-block, a change every 50 ms on the SQLite file
    db (None: nothing), as the bot's: BEGIN IMMEDIATE, a write, ROLLBACK.
    waits: how long each waited for the write lock. A change of the bot
    that waits 5 s (its busy timeout) fails: the whole check takes the
    lock for a chunk of users at a time and pauses between them
    (storage/rollup_check.c) so that none does."""

    def __init__(self, db):
        self.db = db
        self.waits = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        con = sqlite3.connect(self.db, timeout=600, isolation_level=None)
        try:
            while not self.done.is_set():
                t = time.perf_counter()
                con.execute("BEGIN IMMEDIATE")
                self.waits.append(time.perf_counter() - t)
                con.execute("UPDATE users SET next_seq = next_seq"
                            " WHERE id = 1")
                con.execute("ROLLBACK")
                self.done.wait(0.05)
        finally:
            con.close()

    def __enter__(self):
        if self.db is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        if self.db is not None:
            self.thread.join()


# -- chat -----------------------------------------------------------------

def start_server(k):
    """A private Prosody with timmy, echo and user1..userN
    (measure.start_prosody)."""
    return start_prosody(["timmy", "echo"] + [
        "user%d" % i for i in range(1, k["chat_users"] + 1)], PASSWORD)


def make_bot(server, timmy, backend, target, env=None):
    """timmy (harness.Bot, not started) on this backend's database."""
    from harness import Bot
    bot = Bot(server, binary=timmy, config=bot_config(server, backend,
                                                      target),
              db_path=target if backend == "sqlite" else None, env=env,
              ready_timeout=300)
    os.chmod(bot.config_path, 0o600)      # it holds the password
    return bot


def start_bot(server, timmy, backend, target):
    bot = make_bot(server, timmy, backend, target)
    try:
        bot.start()
    except BaseException:
        bot.close()
        raise
    return bot


def alone(load, bot, k):
    """The probe user's commands alone, sequential: status (a read, the
    floor), report year, and export of all time (the reply, and the file
    to its last part). Returns a Table's rows."""
    rows = []
    for lk, kinds in (("status", ["status"]), ("year", ["report year"]),
                      ("exportall", ["export csv all time",
                                     "export csv all time: whole file"])):
        r = load.run([bot.jid], PROBE, 1, [lk], (1,), max(k["secs"], 1.0),
                     k["warmup"], files=True)[(lk, 1, bot.jid, 0)]
        for kind in kinds:
            d = r.get(kind)
            if d is not None:
                # The parts are counted on the reply that announced them.
                parts = r[kind.split(":")[0]]["parts"] / d["n"] \
                    if kind.endswith("whole file") and d["n"] else None
                rows.append([kind, d["n"], d["p50"], d["p95"], d["p99"],
                             d["max"], parts])
    return rows


def mix(load, server, echo, bot, k):
    """The mix from chat_users users, sequential and pipelined, the echo
    bot and timmy in turns (bench/chat.py's rounds). Returns {(mode,
    name): merged lines}."""
    bots = [("echo", echo.jid, echo.pid), ("timmy", bot.jid, bot.pid)]
    res = chat.run_loads(server, load, bots, k["chat_users"], k["pipeline"],
                         k["secs"], k["warmup"], k["reps_chat"],
                         loads=[("mix", "mix")])
    return {(mode, name): lines for (_, mode, name), lines in res.items()}


def startup(server, timmy, backend, target, tmp, reps):
    """Medians of exec to READY=1 for timmy on this database and for the
    echo bot (the XMPP login alone), as bench/chat.py measures them."""
    sock, path = chat.notify_socket(os.path.join(tmp, "n-" + backend))
    env = dict(os.environ, NOTIFY_SOCKET=path, SSL_CERT_FILE=server.cert_path)
    bot = make_bot(server, timmy, backend, target,
                   env={"NOTIFY_SOCKET": path})
    times = {"timmy": [], "echo": []}
    try:
        # The first start is not counted: it fills the page cache.
        chat.until_ready(sock, lambda: bot.start(wait=False))
        bot.stop()
        echo = chat.Echo(server, env=env)
        for _ in range(reps):
            times["timmy"].append(chat.until_ready(
                sock, lambda: bot.start(wait=False)))
            bot.stop()
            times["echo"].append(chat.until_ready(
                sock, lambda: echo.start(wait=False)))
            echo.stop()
    finally:
        bot.close()
        sock.close()
    return {n: statistics.median(v) for n, v in times.items()}


def chat_tables(backend, timmy, target, tmp, k):
    """Prosody, the echo bot and timmy on this backend's database: the
    probe user alone, the mix from many users, memory, start-up."""
    progress("Prosody with %d accounts" % (k["chat_users"] + 2))
    os.makedirs(os.path.join(tmp, "n-" + backend), exist_ok=True)
    server = start_server(k)
    try:
        load = chat.Load(server)
        echo = chat.Echo(server).start()
        try:
            progress("timmy on the %s database" % backend)
            bot = start_bot(server, timmy, backend, target)
            try:
                mem = {"echo": [chat.status_kib(echo.pid, "VmRSS")],
                       "timmy": [chat.status_kib(bot.pid, "VmRSS")]}
                progress("one user alone")
                rows = alone(load, bot, k)
                progress("the mix from %d users" % k["chat_users"])
                res = mix(load, server, echo, bot, k)
                for name, p in (("echo", echo.pid), ("timmy", bot.pid)):
                    mem[name] += [chat.status_kib(p, "VmHWM"),
                                  chat.status_kib(p, "VmRSS")]
                pids = {"echo": echo.pid, "timmy": bot.pid,
                        "prosody": server.pid}
            finally:
                chat.stop_timmy(bot)
        finally:
            echo.stop()
        progress("start-up to READY")
        ready = startup(server, timmy, backend, target, tmp,
                        3 if k["quick"] else 5)
    finally:
        server.close()

    one = Table("scale, %s: one user alone in chat (%s@%s, %d entries, "
                "among %d users); round trips in ms" % (
                    backend, PROBE, DOMAIN, k["entries"], k["users"]),
                ["command", "n", "p50", "p95", "p99", "max",
                 "parts per file"],
                note="sequential through Prosody, for %.1f s each after a "
                "warm-up; a reply is the first message with a body in the "
                "command's thread, a whole file its last inline part "
                "(bench/README.md); report year is this year so far"
                % max(k["secs"], 1.0), fmt="%.2f")
    for r in rows:
        one.add(r)
    m = Table("scale, %s: the realistic mix from %d users at once through "
              "Prosody, timmy vs a bare libstrophe echo bot" % (
                  backend, k["chat_users"]),
              ["mode", "echo cmd/s", "timmy cmd/s", "ratio", "echo p50",
               "timmy p50", "timmy p95", "timmy p99", "timmy max",
               "timmy CPU µs/cmd", "Prosody CPU µs/cmd (timmy run)"],
              note="mix: start/stop/status 60 %%, report week 25 %%, report "
              "year 10 %%, export csv month 5 %% (bench/load.c); sequential: "
              "1 command in flight per user, pipelined: %d; medians of %d "
              "rounds of %.1f s after a warm-up (max: the largest); round "
              "trips in ms" % (k["pipeline"], k["reps_chat"], k["secs"]),
              fmt="%.2f")
    for mode in ("sequential", "pipelined"):
        e, t = res[(mode, "echo")], res[(mode, "timmy")]
        ea, ta = e["all"], t["all"]

        def cpu(lines, who):
            c = lines.get("cpu:%d" % pids[who])
            return None if c is None else c["us"]
        m.add([mode, ea["per_s"], ta["per_s"], chat.ratio(ta["per_s"],
                                                          ea["per_s"]),
               ea["p50"], ta["p50"], ta["p95"], ta["p99"], ta["max"],
               cpu(t, "timmy"), cpu(t, "prosody")])
    mm = Table("scale, %s: the bot's memory (MiB) and start-up" % backend,
               ["", "echo bot", "timmy"], fmt="%.1f")
    labels = ["RSS idle, after login (VmRSS)",
              "peak RSS after the load (VmHWM)",
              "RSS after the load (VmRSS)"]
    for i, label in enumerate(labels):
        mm.add([label, mib_k(mem["echo"][i]), mib_k(mem["timmy"][i])])
    mm.add(["exec to READY=1, ms (median of %d)" % (3 if k["quick"] else 5),
            ready["echo"], ready["timmy"]])
    return [one, m, mm]


def mib_k(kib):
    return None if kib is None else kib / 1024.0


# -- the run --------------------------------------------------------------

def measure_backend(backend, timmy, tmp, k, now, db, sqlite_cfg, secs):
    """Every table of one backend."""
    load_secs = None
    pg = None
    try:
        if backend == "sqlite":
            target, cfg = db, sqlite_cfg
            size = sqlite_size(db)
        else:
            progress("PostgreSQL: a cluster of its own, filled from SQLite")
            pg, load_secs = databases.filled_postgresql(timmy, sqlite_cfg)
            target = pg.url()
            cfg = write_cli_config(os.path.join(tmp, "postgresql.yaml"),
                                   "postgresql", pg.url())
            size = int(pg.psql("SELECT pg_database_size(current_database())")
                       .stdout.strip())
        tables = database_tables(backend, k, size, secs, load_secs)
        progress("%s: report and export from the shell" % backend)
        tables.append(cli_table(backend, timmy, cfg, k, now,
                                db if backend == "sqlite" else None))
        tables += chat_tables(backend, timmy, target, tmp, k)
        if backend == "sqlite":
            f, w, _, _ = sqlite_size(db)
            tables[0].add(["file and WAL MiB after the chat part",
                           mib(f + w)])
        return tables
    finally:
        if pg is not None:
            pg.close()


def main():
    started = time.perf_counter()
    k = knobs()
    timmy = os.path.abspath(os.environ.get("TIMMY_BIN")
                            or os.path.join(REPO, "timmy"))
    for tool in (timmy, TIME, chat.ECHO, chat.LOAD):
        if not os.access(tool, os.X_OK):
            die("%s is missing: run make all bench-tools (GNU time: the "
                "time package)" % tool)
    backends = []
    for b in k["backends"]:
        why = databases.postgresql_support(timmy) if b == "postgresql" \
            else None
        if why:
            print("scale run, postgresql: not available in this build (%s)"
                  % why, flush=True)
        else:
            backends.append(b)
    if not backends:
        return
    rev = commit()
    load0 = os.getloadavg()[0]
    now = int(time.time())
    suffix = "-scale%s%s" % (
        "-" + "-".join(backends) if backends != ["sqlite"] else "",
        "-quick" if k["quick"] else "")
    with Run("timmy-scale-", rev, suffix) as run:
        db, sqlite_cfg, secs = generate(timmy, run.tmp, k, now)
        for b in backends:
            try:
                got = measure_backend(b, timmy, run.tmp, k, now, db,
                                      sqlite_cfg, secs)
            except chat.ChatError as e:
                die("%s: %s" % (b, e))
            run.show(got)
        # Others' work on the machine falls on the chat part's throughput
        # (the CPU per command is each process's own): the load average.
        run.show([run.summary("scale run", now, k["quick"], [
            ("backends", " ".join(backends)), ("users", k["users"]),
            ("entries per user", k["entries"]),
            ("chat users", k["chat_users"]),
            ("seconds", time.perf_counter() - started),
            ("load average (1 min) at the start", load0),
            ("load average (1 min) at the end", os.getloadavg()[0])])])

if __name__ == "__main__":
    main()
