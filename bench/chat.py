"""bench/chat.py - the chat path of `make bench`: timmy against a bare
libstrophe echo bot (bench/echo), through a private Prosody, under the load
of bench/load; then the same load on timmy with its storage on a private
PostgreSQL; a stall test; start-up to READY. bench/README.md says what is
measured and how.

    tables = chat.run(timmy_bin, db_path, quick)   # bench/table.py Tables

db_path is the generated database (bench/gen.py: alice@localhost holds the
big history, bob@localhost 1,000 entries); it is only copied. Run alone,

    /usr/bin/python3 bench/chat.py [ENTRIES] [--quick]

makes such a database itself (default 10,000 entries) and prints the
tables.

Environment: BENCH_USERS (load accounts, default 50, 10 with quick),
BENCH_PIPELINE (commands in flight per user when pipelined, default 8),
BENCH_CHAT_SECS (measured seconds per round, default 0.7, 0.4 with
quick), BENCH_CHAT_REPS (rounds per load, mode and bot, default 3, 1 with
quick), BENCH_PG_SECS (the most seconds the loads on PostgreSQL may take,
default 240, 45 with quick; 0 leaves them out).

Nothing here depends on the date or the time of day: the load users'
histories end at the moment they are made, replies are only timed and
matched by thread, never read for their content.
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
from measure import ChatError, start_prosody  # noqa: E402
from table import Table  # noqa: E402

ECHO = os.path.join(BENCH_DIR, "echo")
LOAD = os.path.join(BENCH_DIR, "load")
TZ = "Europe/Berlin"
PASSWORD = "bench-chat"
BIG_USER, PROBE_USER = "alice", "bob"      # as bench/gen.py makes them
# The loads, in the order they run: (bench/load -k, label).
LOADS = [("mix", "mix"), ("status", "status alone"),
         ("startstop", "start/stop alone"), ("week", "report week alone"),
         ("year", "report year alone"), ("export", "export csv month alone")]
LOAD_ENTRIES = 2000     # each load user's history (over three years)


T_START = time.perf_counter()     # run() sets it again


def progress(what):
    """One line on stderr per phase, with the seconds since run() began."""
    sys.stderr.write("chat: %5.1f s  %s\n" % (time.perf_counter() - T_START,
                                             what))
    sys.stderr.flush()


def env_num(name, default, kind=int):
    v = os.environ.get(name, "")
    try:
        return kind(v) if v else default
    except ValueError:
        raise ChatError("%s must be a number, not %r" % (name, v))


# -- processes and /proc --------------------------------------------------

def cpu_ns(pid):
    """CPU time of every thread of pid so far, in ns (schedstat: exact,
    where stat's utime+stime count 10 ms ticks)."""
    total = 0
    task = "/proc/%d/task" % pid
    for tid in os.listdir(task):
        try:
            with open("%s/%s/schedstat" % (task, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def status_kib(pid, field):
    """A field of /proc/PID/status in KiB (VmRSS, VmHWM), None if
    unreadable."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Echo:
    """bench/echo logged in as echo@localhost."""

    def __init__(self, server, env=None):
        self.jid = server.jid("echo")
        self.argv = [ECHO, "-j", self.jid, "-w", PASSWORD, "-H", server.host,
                     "-P", str(server.port), "-C", server.cert_path]
        self.env = env
        self.proc = None

    def start(self, wait=True):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True,
                                     env=self.env)
        if wait:
            line = self.proc.stderr.readline()
            if line.strip() != "online":
                raise ChatError("bench/echo did not log in: %r" % line)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        """SIGTERM; raises ChatError unless it logs out and exits 0."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        err = proc.stderr.read()
        proc.stderr.close()
        if proc.returncode != 0:
            raise ChatError("bench/echo exited with %s:\n%s"
                            % (proc.returncode, err[-2000:]))


LOAD_BASE_ARGS = range(9)       # what Load.base holds: not worth showing


class Load:
    """Runs bench/load against one server."""

    def __init__(self, server):
        self.base = [LOAD, "-w", PASSWORD, "-H", server.host, "-P",
                     str(server.port), "-C", server.cert_path]

    def argv(self, targets, user, n, loads, inflights=(1,), secs=0.0,
             warmup=0.0, pids=(), overlap=False, reps=1, files=False):
        """files: time each file to its last part too (bench/load -E)."""
        a = self.base + ["-t", ",".join(targets), "-u", user, "-n", str(n),
                         "-k", ",".join(loads),
                         "-K", ",".join(map(str, inflights)),
                         "-d", "%.3f" % secs, "-W", "%.3f" % warmup,
                         "-r", str(reps)]
        for p in pids:
            a += ["-p", str(p)]
        return a + (["-F"] if overlap else []) + (["-E"] if files else [])

    @staticmethod
    def parse(out, err, code, argv):
        """bench/load's JSON lines: {(load, K, target, rep): {kind: dict}},
        the
        CPU lines under "cpu:PID", and the login line under the key
        "login". Raises ChatError when a command went unanswered."""
        rounds = {}
        for line in out.splitlines():
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            if d["kind"] == "login":
                rounds["login"] = d
                continue
            kind = d["kind"] if d["kind"] != "cpu" else "cpu:%d" % d["pid"]
            rounds.setdefault((d["load"], d["K"], d["target"], d["rep"]),
                              {})[kind] = d
        if code != 0 or "login" not in rounds:
            raise ChatError("bench/load %s exited %s:\n%s%s" % (
                " ".join(argv[len(LOAD_BASE_ARGS):]), code, out[-1500:],
                err[-1500:]))
        return rounds

    def run(self, *args, timeout=300, **kwargs):
        """bench/load's rounds, parsed; subprocess.TimeoutExpired when
        they take over timeout seconds (bench/load is killed)."""
        argv = self.argv(*args, **kwargs)
        r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        return self.parse(r.stdout, r.stderr, r.returncode, argv)

    def spawn(self, *args, **kwargs):
        argv = self.argv(*args, **kwargs)
        return argv, subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)


# -- set-up -----------------------------------------------------------------

def load_database(timmy, tmp, users, entries):
    """A database whose users are the load accounts user1..userN, each with
    entries entries over three years up to now (bench/gen.py, on a
    database `timmy check` made). Returns its path and that of a config
    naming it (for `timmy migrate`)."""
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from harness import run_timmy, write_config
    db = os.path.join(tmp, "load.db")
    cfg = write_config(os.path.join(tmp, "load.yaml"), jid="timmy@localhost",
                       host="127.0.0.1", port=5222, db_path=db,
                       allow=["*@localhost"], password="unused",
                       timezone=TZ)
    r = run_timmy(["check", "-c", cfg], binary=timmy, timeout=120)
    if r.returncode != 0:
        raise ChatError("timmy check failed: %s" % r.stderr[-500:])
    others = ",".join("user%d@localhost:%d" % (i, entries)
                      for i in range(2, users + 1))
    r = subprocess.run(
        [sys.executable, os.path.join(BENCH_DIR, "gen.py"), "--db", db,
         "--user", "user1@localhost", "--entries", str(entries),
         "--years", "3", "--tz", TZ, "--others", others],
        capture_output=True, text=True, timeout=600,
        env=dict(os.environ, TZ=TZ))
    if r.returncode != 0:
        raise ChatError("gen.py failed: %s" % r.stderr[-500:])
    return db, cfg


def start_server(users):
    """A private Prosody with the accounts timmy, timmypg (timmy on
    PostgreSQL), echo, alice, bob and user1..userN
    (measure.start_prosody)."""
    return start_prosody(["timmy", PG_BOT, "echo", BIG_USER, PROBE_USER] + [
        "user%d" % i for i in range(1, users + 1)], PASSWORD)


def start_timmy(server, timmy, db=None, env=None, wait=True, pg_url=None):
    """timmy on a copy of the SQLite database db, or, logged in as
    timmypg, on the PostgreSQL database at pg_url; allowing everyone at
    localhost."""
    from harness import Bot
    bot = Bot(server, jid=server.jid(PG_BOT) if pg_url else None,
              allow=["*@localhost"], timezone=TZ, binary=timmy, db_path=None,
              env=env, pg_url=pg_url)
    if pg_url is None:
        shutil.copyfile(db, bot.db_path)
        os.chmod(bot.db_path, 0o600)
    try:
        bot.start(wait=wait)
    except BaseException:
        bot.close()
        raise
    return bot


def stop_timmy(bot):
    try:
        code = bot.stop()
        if code != 0:
            raise ChatError("timmy exited with %s\n%s" % (code,
                                                          bot.log_tail()))
    finally:
        bot.close()


# -- the load: timmy against the echo bot -----------------------------------

def merge(reps):
    """One round's lines from the lines of its repetitions: the medians of
    per_s, p50, p95 and p99, the largest max, the sums of n, failed and
    parts; for each CPU line, "us", the median CPU µs per command."""
    out = {}
    for kind in reps[0]:
        ds = [r[kind] for r in reps if kind in r]
        if kind.startswith("cpu:"):
            us = [r[kind]["ns"] / r["all"]["n"] / 1000.0 for r in reps
                  if kind in r and r["all"]["n"] > 0]
            out[kind] = {"us": statistics.median(us) if us else None}
            continue
        d = dict(ds[0])
        for f in ("per_s", "p50", "p95", "p99"):
            d[f] = statistics.median(x[f] for x in ds)
        d["max"] = max(x["max"] for x in ds)
        for f in ("n", "failed", "parts"):
            d[f] = sum(x[f] for x in ds)
        out[kind] = d
    return out


def run_loads(server, load, bots, users, inflight, secs, warmup, reps,
              loads=LOADS, others=(), timeout=300):
    """Every load of loads (LOADS: all), sequential and pipelined, reps
    times on each bot in turn (echo, timmy, echo, timmy, ...: whatever
    else the machine does falls on both), by one bench/load whose
    accounts log in once. bots: [(name, jid, pid)]; the CPU of each bot,
    of Prosody and of others (more PIDs) is taken too. Returns {(load,
    mode, name): the merged lines of its rounds}; subprocess.TimeoutExpired
    after timeout seconds."""
    rounds = load.run([jid for _, jid, _ in bots], "user%d", users,
                      [lk for lk, _ in loads], (1, inflight), secs, warmup,
                      pids=[pid for _, _, pid in bots] + [server.pid] +
                      list(others), reps=reps, timeout=timeout)
    out = {}
    for lk, _ in loads:
        for mode, k in (("sequential", 1), ("pipelined", inflight)):
            for name, jid, _ in bots:
                out[(lk, mode, name)] = merge(
                    [rounds[(lk, k, jid, r)] for r in range(reps)])
    return out


def ratio(a, b):
    return None if a is None or not b else a / b


def kinds_of(lines):
    """The kinds a run reports, "all" last."""
    return [k for k in lines if k not in ("login", "all")
            and not k.startswith("cpu:")]


def kind_rows(res, names):
    """The rows of a throughput table: (row name, [the row's lines of each
    bot of names, None where it has none]) for each kind of the mix and
    of start/stop alone, "all" last, and for the one kind of each other
    load, both modes. The kinds are those of the first bot's rounds,
    whose commands all kinds are sent as (a bot that answered none in the
    measured window has lines for "all" only)."""
    for lk, label in LOADS:
        for mode in ("sequential", "pipelined"):
            runs = [res.get((lk, mode, n), {}) for n in names]
            kinds = kinds_of(runs[0])
            shown = kinds if lk in ("mix", "startstop") else []
            for kind in shown + ["all"]:
                name = kind if kind != "all" else \
                    "all" if shown or not kinds else kinds[0]
                yield "%s, %s: %s" % (label, mode, name), \
                    [r.get(kind) for r in runs]


def cpu_us(lines, pid):
    """The CPU µs per command of pid in a round's lines, or None."""
    c = lines.get("cpu:%d" % pid)
    return None if c is None else c["us"]


def load_tables(res, users, inflight, secs, reps, pids, mem):
    """The throughput/latency table, the CPU table and the memory table.
    pids: echo's, timmy's and Prosody's by those names, and "given", every
    PID bench/load was given (its own CPU line is the one more)."""
    epid, tpid, spid = pids["echo"], pids["timmy"], pids["prosody"]
    lat = Table(
        "chat path: %d users, timmy vs a bare libstrophe echo bot "
        "(sequential: 1 command in flight per user; pipelined: %d); "
        "commands/s and round trips in ms; ratio = timmy / echo"
        % (users, inflight),
        ["load, mode: kind", "echo cmd/s", "timmy cmd/s", "ratio",
         "echo p50", "timmy p50", "echo p95", "timmy p95", "echo p99",
         "timmy p99", "p99 +ms", "echo max", "timmy max"],
        note="Medians of %d rounds of %.1f s each (max: the largest), after "
        "a warm-up; a reply is the first message with a body in the "
        "command's thread (bench/README.md). Targets: for status and "
        "start/stop, throughput at least 0.95x and p99 at most 0.5 ms above "
        "the echo bot's" % (reps, secs), fmt="%.2f")
    cpu = Table(
        "chat path: CPU per command (µs, all threads, from the end of the "
        "warm-up to the last reply; median of the rounds); ratio = timmy / "
        "echo",
        ["load, mode", "echo bot", "timmy", "ratio", "Prosody (echo run)",
         "Prosody (timmy run)", "load client (timmy run)"],
        note="Target: the bot's CPU per command at most 2x the echo bot's",
        fmt="%.1f")
    for name, (a, b) in kind_rows(res, ["echo", "timmy"]):
        if a is None or b is None:
            continue
        lat.add([name, a["per_s"], b["per_s"], ratio(b["per_s"], a["per_s"]),
                 a["p50"], b["p50"], a["p95"], b["p95"], a["p99"], b["p99"],
                 b["p99"] - a["p99"], a["max"], b["max"]])
    for lk, label in LOADS:
        for mode in ("sequential", "pipelined"):
            e, t = res[(lk, mode, "echo")], res[(lk, mode, "timmy")]
            client = [k for k in t if k.startswith("cpu:")
                      and int(k[4:]) not in pids["given"]]
            ec, tc = cpu_us(e, epid), cpu_us(t, tpid)
            cpu.add(["%s, %s" % (label, mode), ec, tc, ratio(tc, ec),
                     cpu_us(e, spid), cpu_us(t, spid),
                     cpu_us(t, int(client[0][4:])) if client else None])
    memory = Table(
        "chat path: the bot's memory (MiB); ratio = timmy / echo",
        ["", "echo bot", "timmy", "ratio"],
        note="Targets: idle at most the echo bot's + 2 MiB; under 32 MiB "
        "after the load", fmt="%.1f")
    for label, key in (("RSS idle, after login (VmRSS)", "idle"),
                       ("peak RSS after the load (VmHWM)", "peak")):
        a, b = mem["echo"][key], mem["timmy"][key]
        memory.add([label, a, b, ratio(b, a)])
    return [lat, cpu, memory]


# -- timmy on PostgreSQL -------------------------------------------------------

PG_BOT = "timmypg"      # the account of timmy on PostgreSQL


def postgresql_loads(server, load, timmy, pg, users, inflight, secs, warmup,
                     reps, budget):
    """timmy on the PostgreSQL database pg under the loads of LOADS, the
    rounds of run_loads, by one bench/load a load, all within budget
    seconds: the load still running then is stopped, and no other runs.
    Returns ({(load, mode, "postgresql"): merged lines}, {"postgresql": the
    bot's PID, "sessions": its database sessions' server PIDs}, the label
    of the load stopped or None)."""
    import databases
    bot = start_timmy(server, timmy, pg_url=pg.url())
    cut = None
    try:
        pids = {"postgresql": bot.pid, "sessions": databases.session_pids(pg)}
        end = time.monotonic() + budget
        out = {}
        for lk, label in LOADS:
            progress("PostgreSQL: %s" % label)
            try:
                res = run_loads(server, load, [("postgresql", bot.jid,
                                                bot.pid)],
                                users, inflight, secs, warmup, reps,
                                loads=[(lk, label)], others=pids["sessions"],
                                timeout=max(end - time.monotonic(), 1.0))
            except subprocess.TimeoutExpired:
                cut = label
                break
            out.update(res)
        return out, pids, cut
    finally:
        if cut is None:
            stop_timmy(bot)
        else:
            bot.close()     # still busy with the commands it was sent


def postgresql_tables(res, users, inflight, secs, reps, pids, why, cut):
    """The chat path on PostgreSQL: each row of the throughput table for
    timmy on PostgreSQL beside timmy on SQLite and the echo bot, then the
    CPU per command of the bot and of PostgreSQL's server processes. When
    why says why it was not measured, the first table with one row
    saying so. cut: the label of the load stopped at BENCH_PG_SECS, or
    None."""
    note = ("The rounds of the table above (sequential: 1 command in flight "
            "per user; pipelined: %d; medians of %d rounds of %.1f s), on "
            "timmy with its storage on a private PostgreSQL (Unix socket, "
            "fsync on), after the SQLite and echo rounds; - : no "
            "command sent in the measured window (bench/README.md)"
            % (inflight, reps, secs))
    if cut is not None:
        note += ("; \"%s\" was stopped after BENCH_PG_SECS and the loads "
                 "after it not run" % cut)
    lat = Table(
        "chat path on PostgreSQL: %d users, the same load, timmy on "
        "PostgreSQL beside timmy on SQLite and the echo bot; commands/s "
        "and round trips in ms; ratio = PostgreSQL / echo" % users,
        ["load, mode: kind", "echo cmd/s", "SQLite cmd/s",
         "PostgreSQL cmd/s", "ratio", "PostgreSQL / SQLite", "echo p50",
         "SQLite p50", "PostgreSQL p50", "PostgreSQL p95", "SQLite p99",
         "PostgreSQL p99", "PostgreSQL max"], note=note, fmt="%.2f")
    if why is not None:
        lat.add(["n/a (%s)" % why] + [None] * (len(lat.columns) - 1))
        return [lat]
    for name, (e, q, p) in kind_rows(res, ["echo", "timmy", "postgresql"]):
        if e is None or q is None:
            continue
        if p is not None and p["n"] == 0:
            p = {"per_s": 0.0}
        p = p or {}
        lat.add([name, e["per_s"], q["per_s"], p.get("per_s"),
                 ratio(p.get("per_s"), e["per_s"]),
                 ratio(p.get("per_s"), q["per_s"]), e["p50"], q["p50"],
                 p.get("p50"), p.get("p95"), q["p99"], p.get("p99"),
                 p.get("max")])
    cpu = Table(
        "chat path on PostgreSQL: CPU per command (µs, all threads, from "
        "the end of the warm-up to the last reply; median of the rounds)",
        ["load, mode", "timmy on SQLite", "timmy on PostgreSQL",
         "PostgreSQL server", "bot and server", "Prosody (PostgreSQL run)"],
        note="PostgreSQL server: the processes serving the bot's database "
        "sessions (those open when the loads began)", fmt="%.1f")
    for lk, label in LOADS:
        for mode in ("sequential", "pipelined"):
            q = res[(lk, mode, "timmy")]
            p = res.get((lk, mode, "postgresql"), {})
            server = [cpu_us(p, pid) for pid in pids["sessions"]]
            server = None if None in server or not server else sum(server)
            bot = cpu_us(p, pids["postgresql"])
            cpu.add(["%s, %s" % (label, mode), cpu_us(q, pids["timmy"]), bot,
                     server, None if None in (bot, server) else bot + server,
                     cpu_us(p, pids["prosody"])])
    return [lat, cpu]


# -- the stall test -----------------------------------------------------------

def stall(load, bot, secs, warmup):
    """bob's `status`, sequential, alone and then while alice (the big
    user) asks for an export of all time and `report year by day` in
    turns; before that, alice's `report year` alone.
    Returns a Table."""
    def probe(user=PROBE_USER, kind="status"):
        r = load.run([bot.jid], user, 1, [kind], (1,), secs, warmup)
        return r[(kind, 1, bot.jid, 0)]
    alone = probe()
    # The big user's `report year` in chat, alone: what the rollup makes
    # of a year of her history (target: under 5 ms at 100,000 entries,
    # under 20 ms at 1,000,000), beside bob's status round trip.
    year = probe(BIG_USER, "year")
    # -F: alice asks again while her file is still on its way (timmy
    # makes each export in full before it refuses to send a second one),
    # and leaves without waiting for it: 4 MiB in inline parts would take
    # half a minute, and the bot is stopped right after.
    argv, heavy = load.spawn([bot.jid], BIG_USER, 1, ["heavy"], (1,),
                             secs + 2 * warmup + 0.5, 0, overlap=True)
    try:
        time.sleep(warmup + 0.3)    # alice logs in and begins
        busy = probe()
        out, err = heavy.communicate(timeout=600)
    finally:
        if heavy.poll() is None:
            heavy.kill()
            heavy.wait()
    h = Load.parse(out, err, heavy.returncode, argv)[
        ("heavy", 1, bot.jid, 0)]
    t = Table(
        "stall test: %s's `status`, sequential, for %.1f s, alone and "
        "while %s (the big user) asks for `export csv "
        "2000-01-01..9999-12-31` and `report year by day` in turns (target: "
        "p99 under 10 ms)"
        % (PROBE_USER, secs, BIG_USER),
        ["", "commands", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        fmt="%.2f")
    for label, lines, kind in (
            ("%s: status alone" % PROBE_USER, alone, "status"),
            ("%s: report year alone" % BIG_USER, year, "report year"),
            ("%s: status beside the heavy user" % PROBE_USER, busy,
             "status"),
            ("%s: export csv all time" % BIG_USER, h,
             "export csv all time"),
            ("%s: report year by day" % BIG_USER, h, "report year by day")):
        d = lines.get(kind)
        if d is not None:
            t.add([label, d["n"], d["p50"], d["p95"], d["p99"], d["max"]])
    return t


# -- start-up to READY --------------------------------------------------------

def notify_socket(tmp):
    """A datagram socket for READY=1, as systemd's $NOTIFY_SOCKET."""
    path = os.path.join(tmp, "notify")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    return s, path


def until_ready(sock, start, exited=None):
    """ms from start() (which spawns a process) to its READY=1. exited,
    when given, is asked after each other datagram whether the process
    is gone (ChatError then)."""
    sock.setblocking(False)
    try:
        while True:
            sock.recv(4096)             # anything left from before
    except BlockingIOError:
        pass
    sock.settimeout(30)
    t0 = time.perf_counter()
    start()
    while True:
        try:
            data = sock.recv(4096)
        except socket.timeout:
            raise ChatError("no READY=1 within 30 s")
        if b"READY=1" in data.split(b"\n"):
            return (time.perf_counter() - t0) * 1000.0
        if exited is not None and exited():
            raise ChatError("the process exited before READY=1")


def startup(server, timmy, db, tmp, reps, entries):
    """Medians of exec-to-READY for timmy (on a copy of db) and the echo
    bot, which does nothing else than log in. Returns (Table, timmy's Bot, left
    stopped, for the stall test)."""
    sock, path = notify_socket(tmp)
    env = dict(os.environ, NOTIFY_SOCKET=path, SSL_CERT_FILE=server.cert_path)
    bot = start_timmy(server, timmy, db, env={"NOTIFY_SOCKET": path},
                      wait=True)
    try:
        bot.stop()      # the first start pays for the copy's page cache
        echo = Echo(server, env=env)
        times = {"timmy": [], "echo": []}
        for _ in range(reps):
            times["timmy"].append(until_ready(
                sock, lambda: bot.start(wait=False)))
            bot.stop()
            times["echo"].append(until_ready(
                sock, lambda: echo.start(wait=False)))
            echo.stop()
    except BaseException:
        bot.close()
        raise
    finally:
        sock.close()
    t = Table(
        "start-up: from exec to READY=1 ($NOTIFY_SOCKET, sent once logged "
        "in with presence); median of %d" % reps,
        ["", "median ms", "min ms", "max ms"], fmt="%.1f")
    for label, v in (("timmy run (%d entries in its database)" % entries,
                      times["timmy"]),
                     ("bench/echo: the XMPP login alone", times["echo"])):
        t.add([label, statistics.median(v), min(v), max(v)])
    t.add(["timmy's start-up beyond the login (timmy - echo)",
           statistics.median(times["timmy"]) -
           statistics.median(times["echo"]), None, None])
    return t, bot


# -- the whole part -----------------------------------------------------------

def count_entries(db):
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        con.close()


def run(timmy_bin, db_path, quick):
    """The chat path's tables (bench/table.py): throughput and round trips,
    CPU per command, memory, the stall test, start-up. Raises ChatError
    when it cannot run (no Prosody, no bench/echo or bench/load, a
    command without a reply)."""
    global T_START
    T_START = time.perf_counter()
    for tool in (ECHO, LOAD):
        if not os.access(tool, os.X_OK):
            raise ChatError("no %s: run make bench-tools" % tool)
    users = env_num("BENCH_USERS", 10 if quick else 50)
    inflight = env_num("BENCH_PIPELINE", 8)
    secs = env_num("BENCH_CHAT_SECS", 0.4 if quick else 0.7, float)
    reps = env_num("BENCH_CHAT_REPS", 1 if quick else 3)
    pg_secs = env_num("BENCH_PG_SECS", 45 if quick else 240, float)
    warmup = 0.1 if quick else 0.3
    if not 1 <= users <= 500 or not 1 <= inflight <= 64 or secs <= 0 or \
            reps < 1 or pg_secs < 0:
        raise ChatError("BENCH_USERS must be 1..500, BENCH_PIPELINE 1..64, "
                        "BENCH_CHAT_SECS above 0, BENCH_CHAT_REPS at "
                        "least 1 and BENCH_PG_SECS at least 0")
    tmp = tempfile.mkdtemp(prefix="timmy-chat-")
    server = pg = None
    try:
        progress("load users' database")
        load_db, load_cfg = load_database(timmy_bin, tmp, users,
                                          500 if quick else LOAD_ENTRIES)
        pg, cut = None, None
        if pg_secs > 0:
            progress("PostgreSQL")
            import databases
            pg, pg_why = databases.private_postgresql(timmy_bin, load_cfg)
            if pg_why is not None:
                progress("PostgreSQL: not measured (%s)" % pg_why)
        else:
            pg_why = "BENCH_PG_SECS=0"
        progress("Prosody")
        server = start_server(users)
        load = Load(server)
        tables = []

        echo = Echo(server).start()
        try:
            bot = start_timmy(server, timmy_bin, load_db)
            try:
                mem = {"echo": {"idle": status_kib(echo.pid, "VmRSS")},
                       "timmy": {"idle": status_kib(bot.pid, "VmRSS")}}
                bots = [("echo", echo.jid, echo.pid),
                        ("timmy", bot.jid, bot.pid)]
                progress("loads")
                res = run_loads(server, load, bots, users, inflight, secs,
                                warmup, reps)
                pids = {"echo": echo.pid, "timmy": bot.pid,
                        "prosody": server.pid,
                        "given": [echo.pid, bot.pid, server.pid]}
                mem["echo"]["peak"] = status_kib(echo.pid, "VmHWM")
                mem["timmy"]["peak"] = status_kib(bot.pid, "VmHWM")
                for m in mem.values():
                    for k in m:
                        m[k] = None if m[k] is None else m[k] / 1024.0
            finally:
                stop_timmy(bot)
        finally:
            echo.stop()
        got = load_tables(res, users, inflight, secs, reps, pids, mem)
        if pg is not None:
            progress("loads on PostgreSQL")
            pg_res, pg_pids, cut = postgresql_loads(
                server, load, timmy_bin, pg, users, inflight, secs, warmup,
                reps, pg_secs)
            res.update(pg_res)
            pids.update(pg_pids)
            pg.close()
            pg = None
        # The PostgreSQL tables right after the throughput table.
        tables += got[:1] + postgresql_tables(
            res, users, inflight, secs, reps, pids, pg_why, cut) + got[1:]

        progress("start-up")
        t, bot = startup(server, timmy_bin, db_path, tmp,
                         3 if quick else 7, count_entries(db_path))
        try:
            progress("stall test")
            bot.start()
            tables.append(stall(load, bot, 1.5 if quick else 5.0, warmup))
        finally:
            stop_timmy(bot)
        tables.append(t)
        progress("done")
        return tables
    finally:
        if server is not None:
            server.close()
        if pg is not None:
            pg.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    """Makes a database as bench.py does (alice with ENTRIES entries, bob
    1,000, two more) and prints the chat path's tables."""
    args = [a for a in sys.argv[1:] if a != "--quick"]
    quick = "--quick" in sys.argv[1:]
    entries = int(args[0]) if args else 10000
    timmy = os.path.abspath(os.environ.get("TIMMY_BIN")
                            or os.path.join(REPO, "timmy"))
    sys.path.insert(0, os.path.join(REPO, "tests"))
    from harness import run_timmy, write_config
    tmp = tempfile.mkdtemp(prefix="timmy-chat-db-")
    try:
        db = os.path.join(tmp, "timmy.db")
        cfg = write_config(os.path.join(tmp, "cli.yaml"),
                           jid="timmy@localhost", host="127.0.0.1",
                           port=5222, db_path=db, allow=["*@localhost"],
                           password="unused", timezone=TZ)
        r = run_timmy(["check", "-c", cfg], binary=timmy, timeout=120)
        if r.returncode != 0:
            sys.exit("chat.py: timmy check failed: %s" % r.stderr)
        subprocess.run([sys.executable, os.path.join(BENCH_DIR, "gen.py"),
                        "--db", db, "--user", "alice@localhost",
                        "--entries", str(entries), "--tz", TZ], check=True,
                       env=dict(os.environ, TZ=TZ))
        t0 = time.perf_counter()
        try:
            tables = run(timmy, db, quick)
        except ChatError as e:
            sys.exit("chat.py: %s" % e)
        for t in tables:
            t.show()
        print("chat part: %.1f s" % (time.perf_counter() - t0))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
