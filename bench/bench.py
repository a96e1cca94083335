"""bench/bench.py - timmy's reports and exports against Timewarrior's on the
same generated history, measured in one run; prints one table.

    /usr/bin/python3 bench/bench.py          (make bench runs it)

Environment:
    BENCH_ENTRIES   entries of the main user (default 100000)
    BENCH_REPS      timed runs per command after one warm-up (default 7)
    BENCH_CHAT      chat round trips per report (default 30; 0 skips them)
    BENCH_KEEP      1 keeps the temporary directory and prints its path
    TIMMY_BIN       the binary (default ./timmy at the repository root)

What it does: makes a timmy database with `timmy check` (the real schema),
fills it with bench/gen.py (the main user's history plus a few smaller
users, one of them with exactly 1,000 entries) and writes the main user's
intervals as a Timewarrior database too. It checks that both tools see the
same data (entry count and this year's total), then times each command:
wall time from spawn to exit and peak RSS (GNU time's %M), output to
/dev/null, the median of BENCH_REPS runs after one warm-up run (the files
are in the page cache for both tools); timmy's and Timewarrior's runs of
one row take turns. Last, the chat path: a private
Prosody (tests/harness), the bot on a copy of the database, and a client
timing `report year` against `report today`.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
TZ = "Europe/Berlin"
USER = "alice@localhost"
SMALL_USER = "bob@localhost"
SMALL_ENTRIES = 1000
OTHERS = "%s:%d,carol@localhost:300,dave@localhost:40" % (SMALL_USER,
                                                          SMALL_ENTRIES)
OTHER_ENTRIES = SMALL_ENTRIES + 300 + 40
TIME = "/usr/bin/time"          # GNU time (package time)


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        sys.exit("bench: %s must be a number, not %r" % (name, v))


def die(msg):
    sys.exit("bench: " + msg)


# -- measuring ----------------------------------------------------------

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
    r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        die("%s failed (%d):\n%s" % (" ".join(argv), r.returncode,
                                     r.stderr[-2000:]))
    return r.stdout


# -- set-up -------------------------------------------------------------

def write_cli_config(path, db):
    """A config for `timmy check`, `report` and `export`: they never log
    in, so the account is a placeholder on loopback."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join([
            "account:",
            "  jid: timmy@localhost",
            "  password: unused",
            "  host: 127.0.0.1",
            "  tls: off",
            "storage:",
            "  path: \"%s\"" % db,
            "access:",
            "  allow: [\"*@localhost\"]",
            "defaults:",
            "  timezone: %s" % TZ,
            "",
        ]))
    os.chmod(path, 0o600)


def same_data(timmy, cfg, env, tw_env, entries):
    """Dies unless timmy and Timewarrior see the same intervals: the number
    of entries and this year's total (timmy shows whole minutes, cut
    down). Returns a line saying what was checked."""
    csv = output([timmy, "export", "-c", cfg, "--user", USER], env)
    n_timmy = csv.count("\n") - 1
    n_tw = output(["timew", "export"], tw_env).count('"start"')
    if n_timmy != entries or n_tw != entries:
        die("entries: timmy %d, Timewarrior %d, expected %d"
            % (n_timmy, n_tw, entries))
    rep = output([timmy, "report", "-c", cfg, "--user", USER, "year"], env)
    m = re.search(r"^Total +(?:(\d+)h )?(\d+)m$", rep, re.M)
    summ = output(["timew", "summary", ":year"], tw_env)
    t = re.findall(r"^\s+(\d+):(\d\d):(\d\d)\s*$", summ, re.M)
    if not m or not t:
        die("no total in:\n%s\n%s" % (rep[-300:], summ[-300:]))
    mins_timmy = int(m.group(1) or 0) * 60 + int(m.group(2))
    h, mi, s = map(int, t[-1])
    if mins_timmy != (h * 3600 + mi * 60 + s) // 60:
        die("this year's total: timmy %d min, Timewarrior %d:%02d:%02d"
            % (mins_timmy, h, mi, s))
    return ("checked: both hold %d entries and the same total for this "
            "year (%dh %02dm)" % (entries, mins_timmy // 60, mins_timmy % 60))


# -- the chat path --------------------------------------------------------

def vm_hwm(pid):
    """A process's peak RSS so far in MiB (VmHWM), None if unreadable."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def chat(timmy, db, n):
    """Median round trips of `report today`, then of `report year`, from a
    client through a private Prosody, with the bot's peak RSS after each
    phase. Returns (rows, None), or (None, why) when Prosody cannot run."""
    sys.path.insert(0, os.path.join(REPO, "tests"))
    try:
        from harness import Bot, PrivateProsody
    except ImportError as e:
        return None, "no test harness (%s); run make deps" % e
    try:
        server = PrivateProsody(log_level="warn")
    except Exception as e:
        return None, "cannot set up Prosody: %s" % str(e).splitlines()[0]
    try:
        try:
            server.register("timmy", "bench-timmy")
            server.register("alice", "bench-alice")
            server.start()
        except Exception as e:
            return None, "Prosody did not start: %s" % (
                str(e).splitlines()[0])
        bot = Bot(server, allow=[USER], timezone=TZ, binary=timmy)
        try:
            shutil.copyfile(db, bot.db_path)
            os.chmod(bot.db_path, 0o600)
            bot.start()
            rows = []
            with server.client("alice", "bench-alice") as c:
                for what in ("report today", "report year"):
                    for _ in range(3):      # warm-up
                        c.ask(bot.jid, what, timeout=60)
                    times = []
                    for _ in range(n):
                        t0 = time.perf_counter()
                        reply = c.ask(bot.jid, what, timeout=60)
                        times.append(time.perf_counter() - t0)
                    if not reply.startswith(("Today", "This year")):
                        die("odd reply to %r: %r" % (what, reply[:200]))
                    rows.append((what, statistics.median(times) * 1000.0,
                                 vm_hwm(bot.pid)))
            code = bot.stop()
            if code != 0:
                die("the bot exited with %s\n%s" % (code, bot.log_tail()))
            return rows, None
        finally:
            bot.close()
    finally:
        server.close()


# -- the table ----------------------------------------------------------

def cell(v, fmt="%.1f"):
    return "-" if v is None else fmt % v


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "-"
    return "%.1fx" % (a / b)


def table(title, head, rows, other_first=True):
    """rows: (label, ms, mib, other_ms, other_mib, note). The ratio is the
    other's / timmy's for time and memory, or with other_first False
    timmy's / the other's."""
    w = max([len(r[0]) for r in rows] + [34])
    out = [title,
           "%-*s %9s %7s %12s %7s %9s %8s" % (w, "", "timmy", "", head, "",
                                              "ratio", ""),
           "%-*s %9s %7s %12s %7s %9s %8s" % (w, "operation", "ms", "MiB",
                                              "ms", "MiB", "time", "memory")]
    out.append("-" * len(out[-1]))
    for label, ms, mib, oms, omib, note in rows:
        out.append("%-*s %9s %7s %12s %7s %9s %8s%s" % (
            w, label, cell(ms), cell(mib), cell(oms), cell(omib),
            ratio(oms, ms) if other_first else ratio(ms, oms),
            ratio(omib, mib) if other_first else ratio(mib, omib),
            "  " + note if note else ""))
    return out


def main():
    entries = env_int("BENCH_ENTRIES", 100000)
    reps = env_int("BENCH_REPS", 7)
    chat_n = env_int("BENCH_CHAT", 30)
    timmy = os.path.abspath(os.environ.get("TIMMY_BIN")
                            or os.path.join(REPO, "timmy"))
    if entries < 1000 or reps < 1:
        die("BENCH_ENTRIES must be at least 1000 and BENCH_REPS at least 1")
    if not os.access(timmy, os.X_OK):
        die("no timmy binary at %s: run make" % timmy)
    if not os.access(TIME, os.X_OK):
        die("%s not found: install the time package" % TIME)
    timew = shutil.which("timew")
    if timew is None:
        die("timew not found: install the timewarrior package")

    tmp = tempfile.mkdtemp(prefix="timmy-bench-")
    try:
        db = os.path.join(tmp, "timmy.db")
        cfg = os.path.join(tmp, "bot.yaml")
        twdir = os.path.join(tmp, "timewarrior")
        os.mkdir(twdir)
        write_cli_config(cfg, db)
        env = dict(os.environ, TZ=TZ, LC_ALL="C.UTF-8")
        tw_env = dict(env, TIMEWARRIORDB=twdir)
        output([timmy, "check", "-c", cfg], env)
        versions = (output([timmy, "--version"], env).split()[-1],
                    output([timew, "--version"], env).strip())

        t0 = time.perf_counter()
        sys.stdout.write(output(
            [sys.executable, os.path.join(BENCH_DIR, "gen.py"), "--db", db,
             "--timew", twdir, "--user", USER, "--entries", str(entries),
             "--tz", TZ, "--others", OTHERS], env))
        print("generated in %.1f s: timmy database %.1f MiB, Timewarrior "
              "data %.1f MiB" % (
                  time.perf_counter() - t0, os.path.getsize(db) / 2**20,
                  sum(os.path.getsize(os.path.join(twdir, "data", f))
                      for f in os.listdir(os.path.join(twdir, "data")))
                  / 2**20))
        print(same_data(timmy, cfg, env, tw_env, entries))
        sys.stdout.flush()

        year = time.strftime("%Y")
        today = time.strftime("%Y-%m-%d")
        rep = [timmy, "report", "-c", cfg, "--user", USER]
        exp = [timmy, "export", "-c", cfg]
        done = {}

        def row(label, argv, tw_args=None, note=""):
            """timmy's argv and, if given, timew's, measured by turns."""
            cmds = [(argv, env)]
            if tw_args:
                cmds.append(([timew] + list(tw_args), tw_env))
                note = "timew " + " ".join(tw_args) + (
                    "  " + note if note else "")
            got = measure(cmds, reps)
            done[tuple(argv)] = got[0]
            oms, omib = got[1] if tw_args else (None, None)
            return (label, got[0][0], got[0][1], oms, omib, note)

        main_rows = [
            row("start-up only: --version", [timmy, "--version"],
                ("--version",)),
            row("report month", rep + ["month"], ("summary", ":month")),
            row("report year", rep + ["year"], ("summary", ":year")),
            row("report year by day", rep + ["year", "by", "day"],
                ("summary", ":year"), "(lists every day)"),
            row("report last month by tag",
                rep + ["last", "month", "by", "tag"], None,
                "(Timewarrior has no totals per tag)"),
            row("export this year, csv",
                exp + ["--user", USER, "--from", year + "-01-01",
                       "--to", today], ("export", ":year"), "(json)"),
            row("export all time, csv", exp + ["--user", USER],
                ("export",), "(json)"),
            row("export all time, json",
                exp + ["--user", USER, "--format", "json"], ("export",)),
        ]
        big = done[tuple(exp + ["--user", USER])]
        small, everyone = measure([(exp + ["--user", SMALL_USER], env),
                                   (exp, env)], reps)
        n_all = entries + OTHER_ENTRIES
        flat_rows = [
            ("export all time, csv: %d vs %d entries" % (entries,
                                                          SMALL_ENTRIES),
             big[0], big[1], small[0], small[1], ""),
            ("export every user's entries (%d)" % n_all, everyone[0],
             everyone[1], small[0], small[1], ""),
        ]
        lines = [""]
        lines += table(
            "timmy %s vs Timewarrior %s: %d entries over 8 years; median of "
            "%d runs, wall time and peak RSS; ratio = Timewarrior / timmy"
            % (versions + (entries, reps)), "Timewarrior", main_rows)
        lines += [""] + table(
            "memory does not grow with the entries: timmy export, %d-entry "
            "user vs %d-entry user (same database); ratio = large / small"
            % (entries, SMALL_ENTRIES), "%d entries" % SMALL_ENTRIES,
            flat_rows, other_first=False)
        lines.append("")
        print("\n".join(lines))
        sys.stdout.flush()

        chat_rows, why = (None, "BENCH_CHAT=0") if chat_n <= 0 else \
            chat(timmy, db, chat_n)
        if chat_rows is None:
            print("chat round trips: skipped (%s)" % why)
        else:
            (_, today_ms, today_mib), (_, year_ms, year_mib) = chat_rows
            print("\n".join(table(
                "chat through a private Prosody: client -> bot -> reply, "
                "median of %d round trips; MiB = the bot's peak RSS; "
                "ratio = year / today" % chat_n, "report today",
                [("report year (the bot holds %d entries)" % n_all, year_ms,
                  year_mib, today_ms, today_mib, "")], other_first=False)))
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            print("bench: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
