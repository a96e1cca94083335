"""bench/bench.py - `make bench`: timmy against Timewarrior on one
generated history, then the chat path against a bare echo bot; every
table printed as markdown and the whole run written to one CSV under
bench/results/.

    /usr/bin/python3 bench/bench.py          (make bench runs it)

Environment (bench/README.md says more):
    QUICK            1: a run of under a minute (fewer entries, fewer
                     runs per command, no large row, a smaller chat load)
    BENCH_ENTRIES    entries of the main user (100000; QUICK 20000)
    BENCH_REPS       timed runs per command after one warm-up (7; QUICK 3)
    BENCH_LARGE      entries of the history for the extra `report year`
                     row (1000000; QUICK 0; 0 leaves the row out)
    BENCH_LARGE_REPS timed runs of that row (3)
    BENCH_CHAT       0 leaves the chat path out
    BENCH_ROSTER     contacts in the bot's roster for the last row of "one
                     account, many contacts" (10000; 0 leaves it out)
    BENCH_KEEP       1 keeps the temporary directory and prints its path
    TIMMY_BIN        the binary (default ./timmy at the repository root)

The moment the history ends is taken once, here, and everything measured
or checked is named from it by date (bench/timew.py), so a run does not
depend on the time of day or the date.
"""

import os
import subprocess
import time

from measure import TIME, Run, die, env_int
import timew

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)


def knobs():
    """The run's settings from the environment, QUICK's defaults first."""
    quick = os.environ.get("QUICK", "") not in ("", "0")
    k = {
        "quick": quick,
        "entries": env_int("BENCH_ENTRIES", 20000 if quick else 100000),
        "reps": env_int("BENCH_REPS", 3 if quick else 7),
        "large": env_int("BENCH_LARGE", 0 if quick else 1000000),
        "large_reps": env_int("BENCH_LARGE_REPS", 3),
        "chat": env_int("BENCH_CHAT", 1),
        "roster": env_int("BENCH_ROSTER", 10000),
    }
    if k["entries"] < 1000 or k["reps"] < 1 or k["large_reps"] < 1:
        die("BENCH_ENTRIES must be at least 1000, BENCH_REPS and "
            "BENCH_LARGE_REPS at least 1")
    if k["large"] == k["entries"]:
        k["large"] = 0          # the main table is that size already
    return k


def commit():
    """HEAD's short hash, with "-dirty" when tracked files differ from it
    (what was measured is then not that commit); "unknown" outside git."""
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short",
                               "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "diff", "--quiet",
                                "HEAD", "--"]).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def chat_tables(timmy, db, quick):
    """The chat path's tables from bench/chat.py, or none (with a line
    saying why) while that module is not there or when it cannot run
    (its ChatError: no Prosody, no bench/echo, ...)."""
    try:
        import chat
    except ModuleNotFoundError as e:
        if e.name != "chat":
            raise
        print("chat path: not measured (bench/chat.py missing)", flush=True)
        return []
    try:
        return list(chat.run(timmy, db, quick))
    except getattr(chat, "ChatError", ()) as e:
        print("chat path: not measured (%s)" % e, flush=True)
        return []


def roster_tables(timmy, contacts):
    """The table of bench/roster.py: the bot's memory with 1, 1,000 and
    contacts contacts in its roster; none when it cannot run (with a line
    saying why)."""
    import roster
    counts = sorted({1, min(1000, contacts), contacts})
    try:
        return [roster.run(timmy, counts)]
    except roster.ChatError as e:
        print("one account, many contacts: not measured (%s)" % e,
              flush=True)
        return []


def main():
    started = time.perf_counter()
    k = knobs()
    timmy = os.path.abspath(os.environ.get("TIMMY_BIN")
                            or os.path.join(REPO, "timmy"))
    if not os.access(timmy, os.X_OK):
        die("no timmy binary at %s: run make" % timmy)
    if not os.access(TIME, os.X_OK):
        die("%s not found: install the time package" % TIME)
    rev = commit()
    now = int(time.time())
    with Run("timmy-bench-", rev, "-quick" if k["quick"] else "") as run:
        got, db = timew.run(timmy, run.tmp, now, k["entries"], k["reps"],
                            k["large"], k["large_reps"])
        print()
        run.show(got)
        if k["chat"] > 0:
            run.show(chat_tables(timmy, db, k["quick"]))
        else:
            print("chat path: not measured (BENCH_CHAT=0)", flush=True)
        if k["roster"] > 0:
            run.show(roster_tables(timmy, k["roster"]))
        else:
            print("one account, many contacts: not measured "
                  "(BENCH_ROSTER=0)", flush=True)
        run.show([run.summary("run", now, k["quick"], [
            ("entries", k["entries"]), ("runs per command", k["reps"]),
            ("large row entries", k["large"]),
            ("seconds", time.perf_counter() - started)])])


if __name__ == "__main__":
    main()
