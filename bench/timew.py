"""bench/timew.py - timmy's reports and exports against Timewarrior's on
the same generated history, measured by turns in one run; and the check
that an export's memory does not grow with the entries.

The periods measured are named by their dates, never "this month" or
"this year": the last whole month and the last whole year before the
moment the history ends. So every run measures a whole month and a
whole year, at any time of day and on any date (a run on 1 January at
00:00 would otherwise measure a year of seconds), and the checks cannot
find an empty "today".
"""

import datetime as dt
import os
import re
import shutil
import sys
import time
import zoneinfo

import gen
from measure import die, measure, output
from table import Table

TZ = "Europe/Berlin"
USER = "alice@localhost"
SMALL_USER = "bob@localhost"
SMALL_ENTRIES = 1000
OTHERS = "%s:%d,carol@localhost:300,dave@localhost:40" % (SMALL_USER,
                                                          SMALL_ENTRIES)
OTHER_ENTRIES = SMALL_ENTRIES + 300 + 40
YEARS = 8               # the main user's history, up to now
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def periods(now):
    """The days a run measures, from the moment the history ends (gen.py:
    END_GAP before now) in TZ: that day, the last whole month and the
    last whole year before it, each as (first day, last day)."""
    end = dt.datetime.fromtimestamp(now - gen.END_GAP,
                                    zoneinfo.ZoneInfo(TZ)).date()
    month_end = end.replace(day=1) - dt.timedelta(days=1)
    year = end.year - 1
    return {"day": (end, end),
            "month": (month_end.replace(day=1), month_end),
            "year": (dt.date(year, 1, 1), dt.date(year, 12, 31))}


def timmy_range(p):
    a, b = p
    return a.isoformat() if a == b else "%s..%s" % (a, b)


def timew_range(p):
    """Timewarrior's interval: from the first day's midnight to the
    midnight after the last day."""
    return [p[0].isoformat(), "-", (p[1] + dt.timedelta(days=1)).isoformat()]


class History:
    """One generated history in its own directory under tmp: a timmy
    database made by `timmy check` and filled by gen.py (then whatever
    timmy derives from the entries rebuilt), its config, and the main
    user's intervals as a Timewarrior database."""

    def __init__(self, tmp, name, timmy, entries, others, now):
        self.timmy = timmy
        self.entries = entries
        self.dir = os.path.join(tmp, name)
        self.db = os.path.join(self.dir, "timmy.db")
        self.cfg = os.path.join(self.dir, "bot.yaml")
        self.twdir = os.path.join(self.dir, "timewarrior")
        os.makedirs(self.twdir)
        gen.write_cli_config(self.cfg, self.db, TZ)
        self.env = dict(os.environ, TZ=TZ, LC_ALL="C.UTF-8")
        self.tw_env = dict(self.env, TIMEWARRIORDB=self.twdir)
        output([timmy, "check", "-c", self.cfg], self.env)
        t0 = time.perf_counter()
        sys.stdout.write(output(
            [sys.executable, os.path.join(BENCH_DIR, "gen.py"),
             "--db", self.db, "--timew", self.twdir, "--user", USER,
             "--entries", str(entries), "--years", str(YEARS), "--tz", TZ,
             "--others", others,
             "--now", str(now), "--timmy", timmy, "--config", self.cfg],
            self.env))
        data = os.path.join(self.twdir, "data")
        print("generated in %.1f s: timmy database %.1f MiB, Timewarrior "
              "data %.1f MiB" % (
                  time.perf_counter() - t0, os.path.getsize(self.db) / 2**20,
                  sum(os.path.getsize(os.path.join(data, f))
                      for f in os.listdir(data)) / 2**20), flush=True)

    def report(self, *words):
        return [self.timmy, "report", "-c", self.cfg, "--user", USER] + \
            list(words)

    def export(self, *args):
        return [self.timmy, "export", "-c", self.cfg] + list(args)

    def check_count(self):
        """Dies unless both tools export all of the main user's entries."""
        n_timmy = output(self.export("--user", USER),
                         self.env).count("\n") - 1
        n_tw = output(["timew", "export"], self.tw_env).count('"start"')
        if n_timmy != self.entries or n_tw != self.entries:
            die("entries: timmy %d, Timewarrior %d, expected %d"
                % (n_timmy, n_tw, self.entries))

    def check_total(self, p):
        """Dies unless both tools give the same total for the period p and
        it is not empty; returns it in seconds (Timewarrior's). timmy
        shows seconds under a minute, else whole minutes, cut down."""
        rep = output(self.report(timmy_range(p)), self.env)
        m = re.search(r"^Total +(?:(\d+)s|(?:(\d+)h )?(\d+)m)$", rep, re.M)
        summ = output(["timew", "summary"] + timew_range(p), self.tw_env)
        t = re.findall(r"^\s+(\d+):(\d\d):(\d\d)\s*$", summ, re.M)
        if not m or not t:
            die("no total for %s in:\n%s\n%s" % (timmy_range(p), rep[-300:],
                                                 summ[-300:]))
        h, mi, s = map(int, t[-1])
        secs = h * 3600 + mi * 60 + s
        if m.group(1) is not None:
            same = int(m.group(1)) == secs
        else:
            same = int(m.group(2) or 0) * 60 + int(m.group(3)) == secs // 60
        if not same or secs == 0:
            die("total for %s: timmy %r, Timewarrior %d:%02d:%02d"
                % (timmy_range(p), m.group(0), h, mi, s))
        return secs


def hms(secs):
    return "%d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)


def ratio(a, b):
    return None if a is None or b is None or b <= 0 else a / b


def compare(h, per, reps, timew):
    """The rows of the Timewarrior table for history h: each timmy command
    and Timewarrior's nearest one measured by turns. Returns the rows
    and the measurements of timmy's all-time CSV export (for the memory
    table)."""
    year, month = per["year"], per["month"]
    rows, got_csv = [], None
    specs = [
        ("start-up: --version", [h.timmy, "--version"], ["--version"]),
        ("report month", h.report(timmy_range(month)),
         ["summary"] + timew_range(month)),
        ("report year", h.report(timmy_range(year)),
         ["summary"] + timew_range(year)),
        ("report year by day", h.report(timmy_range(year), "by", "day"),
         ["summary"] + timew_range(year)),
        ("report last month by tag",
         h.report(timmy_range(month), "by", "tag"), None),
        ("export a year, csv",
         h.export("--user", USER, "--from", year[0].isoformat(),
                  "--to", year[1].isoformat()),
         ["export"] + timew_range(year)),
        ("export all time, csv", h.export("--user", USER), ["export"]),
        ("export all time, json",
         h.export("--user", USER, "--format", "json"), ["export"]),
    ]
    for label, argv, tw_args in specs:
        cmds = [(argv, h.env)]
        if tw_args:
            cmds.append(([timew] + tw_args, h.tw_env))
        got = measure(cmds, reps)
        (ms, mib), (oms, omib) = got[0], got[1] if tw_args else (None, None)
        if label == "export all time, csv":
            got_csv = got[0]
        rows.append([label, ms, mib, oms, omib, ratio(oms, ms),
                     ratio(omib, mib),
                     "timew " + " ".join(tw_args) if tw_args
                     else "(Timewarrior has no totals per tag)"])
    return rows, got_csv


def flat(h, big, reps):
    """The memory table: timmy's all-time export of the main user against
    the 1,000-entry user's and against every user's, in one database."""
    small, everyone = measure([(h.export("--user", SMALL_USER), h.env),
                               (h.export(), h.env)], reps)
    t = Table("export memory does not grow with the entries (%d-entry user "
              "vs %d-entry user, one database)" % (h.entries, SMALL_ENTRIES),
              ["operation", "timmy ms", "timmy MiB", "1000 entries ms",
               "1000 entries MiB", "time ratio", "memory ratio"],
              note="timmy export to /dev/null, median of %d runs; every "
              "user's entries are %d; ratio = large / small: time grows "
              "with the entries, memory must not (about 1.00)"
              % (reps, h.entries + OTHER_ENTRIES), fmt="%.2f")
    t.add(["export all time, csv", big[0], big[1], small[0], small[1],
           ratio(big[0], small[0]), ratio(big[1], small[1])])
    t.add(["export every user's entries",
           everyone[0], everyone[1], small[0], small[1],
           ratio(everyone[0], small[0]), ratio(everyone[1], small[1])])
    return t


def run(timmy, tmp, now, entries, reps, large, large_reps):
    """Generates the history (and, when large > 0, a second one of large
    entries for one more `report year` row), checks that both tools see
    the same data, and measures. Returns (tables, the main history's
    database path)."""
    timew = shutil.which("timew")
    if timew is None:
        die("timew not found: install the timewarrior package")
    per = periods(now)
    h = History(tmp, "main", timmy, entries, OTHERS, now)
    h.check_count()
    y, d = h.check_total(per["year"]), h.check_total(per["day"])
    print("checked: both hold %d entries and the same totals for %s (%s) "
          "and for %s, the day the history ends (%s)" % (
              entries, timmy_range(per["year"]), hms(y), per["day"][0],
              hms(d)), flush=True)
    rows, big = compare(h, per, reps, timew)
    versions = (output([timmy, "--version"], h.env).split()[-1],
                output([timew, "--version"], h.env).strip())
    if large > 0:
        rows.append(large_row(timmy, tmp, now, large, large_reps, per,
                              timew))
    main = Table("timmy vs Timewarrior (%d entries over %d years)"
                 % (entries, YEARS), [
                     "operation", "timmy ms", "timmy MiB", "Timewarrior ms",
                     "Timewarrior MiB", "time ratio", "memory ratio",
                     "Timewarrior command"],
                 note="timmy %s, Timewarrior %s; median of %d runs after one "
                 "warm-up%s, wall time and peak RSS, "
                 "output to /dev/null; ratio = Timewarrior / timmy, so 1.00 "
                 "or more means timmy is ahead. month = %s, year = %s: the "
                 "last whole ones before the history's end." % (
                     versions + (reps, " (%d for the large row)" % large_reps
                                 if large > 0 else "",
                                 timmy_range(per["month"]),
                                 timmy_range(per["year"]))), fmt="%.2f")
    for r in rows:
        main.add(r)
    return [main, flat(h, big, reps)], h.db


def large_row(timmy, tmp, now, large, reps, per, timew):
    """`report year` on a history of large entries (the main user alone:
    the row is about a report's time against the entries in its year),
    checked like the main one but for the year's total only (an export
    of a million entries takes Timewarrior seconds); its directory is
    removed afterwards."""
    h = History(tmp, "large", timmy, large, "", now)
    y = h.check_total(per["year"])
    print("checked: both hold the same total for %s (%s)"
          % (timmy_range(per["year"]), hms(y)), flush=True)
    tw_args = ["summary"] + timew_range(per["year"])
    (ms, mib), (oms, omib) = measure([
        (h.report(timmy_range(per["year"])), h.env),
        ([timew] + tw_args, h.tw_env)], reps)
    shutil.rmtree(h.dir, ignore_errors=True)
    return ["report year, %d entries" % large, ms, mib, oms, omib,
            ratio(oms, ms), ratio(omib, mib), "timew " + " ".join(tw_args)]
