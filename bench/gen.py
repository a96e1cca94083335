"""bench/gen.py - a generated time-tracking history for the benchmarks.

Writes the same intervals twice:

  * into a timmy database that `timmy check` has already created (so the
    schema is the real one from schema.sql): rows in users (with
    next_seq), entries (with each user's own seq) and entry_tags, in one
    transaction with foreign keys on; integrity_check and
    foreign_key_check must pass afterwards;
  * into a Timewarrior database directory (data/YYYY-MM.data, one
    `inc START - END # tags # "annotation"` line per interval, in the
    file of the month (UTC) it starts in, as timew 1.4 writes them; the
    project is the first tag, the note the annotation), for the main
    user only: Timewarrior keeps one person's time.

The history: the main user has `entries` entries over the `years` years
up to now, many on working days and few at weekends, between 07:00 and
23:00 local time, with a few evening sessions that run past midnight, a
dozen projects that come and go over the years, zero to three tags each
and a note on most. The last entry of every user runs from 45 minutes
to a second before now, at any time of day: so "today", "this week",
"this month" and "this year" always hold some time, a minute after
midnight too. Other users get smaller histories (bench.py gives the
first one exactly 1,000 entries, for the memory comparison). Nothing
overlaps, nothing is in the future, nothing runs. A fixed seed makes a
run repeatable for a given "now" (--now).

Then timmy (--timmy, else $TIMMY_BIN, else ./timmy at the repository
root) rebuilds what it derives from the entries and checks the database,
with --config or a config of its own naming --db (rebuild_derived,
"REBUILD THE ROLLUP HERE" below): every caller gets a consistent file.

    /usr/bin/python3 bench/gen.py --db timmy.db --timew TWDIR \\
        --user alice@localhost --entries 100000 --tz Europe/Berlin

With --users N (the scale run, bench/scale.py) it writes N users instead,
user1@DOMAIN .. userN@DOMAIN, each with --per-user entries made as the
main user's are, over --years (write_many, "MANY USERS" below); no
Timewarrior database, no --user or --others.

    /usr/bin/python3 bench/gen.py --db timmy.db --users 10000 \\
        --per-user 1000 --years 2 --tz Europe/Berlin
"""

import argparse
import array
import datetime as dt
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import zoneinfo

# Projects: (name, weight, from, to), alive between those fractions of
# the span (0.0 = its first day, 1.0 = now). Mixed case and non-ASCII on
# purpose.
PROJECTS = [
    ("acme", 10, 0.0, 1.0),
    ("globex", 6, 0.0, 0.55),
    ("initech", 5, 0.3, 1.0),
    ("admin", 4, 0.0, 1.0),
    ("writing", 3, 0.1, 1.0),
    ("umbrella", 4, 0.5, 1.0),
    ("hooli", 3, 0.7, 1.0),
    ("büro", 2, 0.0, 1.0),
    ("oss/timmy", 2, 0.4, 1.0),
    ("stark-ind", 2, 0.2, 0.6),
    ("Wayne.Ent", 1, 0.6, 0.9),
    ("training", 1, 0.0, 1.0),
]
TAGS = ["design", "meeting", "review", "bugfix", "call", "email", "deploy",
        "research", "planning", "support", "docs", "test", "travel",
        "billable", "internal", "urgent", "ops", "café", "ux", "perf"]
NOTES = ["fix the header", "weekly sync", "quarterly report",
         "customer call about the invoice", "refactor storage layer",
         "read the RFC", "onboarding", "release 2.1", "prepare slides",
         "code review for Bob", "Überarbeitung der Angebote",
         "inbox zero", "migration to the new server", "interview",
         "fix flaky test", "planning next sprint", "incident follow-up",
         "write the \"getting started\" guide", "pair programming",
         "budget", "日本語のドキュメント", "bench numbers", "lunch & learn"]

DAY_START = 7 * 3600      # the working window, local time
DAY_END = 23 * 3600
# The history's last entry: LAST_LEN long, ending END_GAP before now. A
# second is enough for "nothing is in the future" (timestamps are whole
# seconds); 45 minutes make it a plausible last session.
END_GAP = 1
LAST_LEN = 45 * 60


def day_windows(rng, days, today, window_today):
    """Seconds of work per day, from DAY_START on: long weekdays, short
    weekends, some days off; today only up to a few minutes ago."""
    full = DAY_END - DAY_START
    out = []
    for d in days:
        wd = d.weekday()
        w = 1.0 if wd < 5 else (0.25 if wd == 5 else 0.12)
        if rng.random() < 0.04:
            w *= 0.1                       # holiday, sick day
        w = min(1.0, w * rng.uniform(0.6, 1.3))
        window = int(full * w)
        if d == today:
            window = min(window, window_today)
        out.append(window)
    return out


def spread(total, weights):
    """Integer counts per weight, summing to total exactly."""
    s = sum(weights)
    counts, cum, prev = [], 0.0, 0
    for w in weights:
        cum += w
        cur = int(round(cum * total / s))
        counts.append(cur - prev)
        prev = cur
    return counts


def pick_project(rng, frac):
    alive = [(p, w) for p, w, a, b in PROJECTS if a <= frac <= b]
    names, weights = zip(*alive)
    return rng.choices(names, weights)[0]


def history(rng, n, years, zone, now):
    """n intervals (start, stop, project, tags, note), sorted by start,
    none overlapping, all ending before now. The last one always runs
    from LAST_LEN to END_GAP before now, whatever the time of day: so
    every period that holds the moment END_GAP before now (today, this
    week, this month, this year, in any zone) has time in it, even a
    minute after midnight, and a check can name that moment's day."""
    if n <= 0:
        return []
    tz = zoneinfo.ZoneInfo(zone)
    # The rest of the history ends before the last entry begins.
    horizon = now - END_GAP - LAST_LEN
    today = dt.datetime.fromtimestamp(horizon, tz).date()
    first = today - dt.timedelta(days=int(round(365.25 * years)) - 1)
    days = [first + dt.timedelta(days=i)
            for i in range((today - first).days + 1)]

    def local(d, secs):
        """d at secs after its local midnight (the window never holds a
        clock change: those are at night)."""
        midnight = dt.datetime(d.year, d.month, d.day, tzinfo=tz)
        return int(midnight.timestamp()) + secs

    # The horizon's day has a window up to the horizon at most.
    window_today = max(0, min(DAY_END, horizon - local(today, 0))
                       - DAY_START)
    windows = day_windows(rng, days, today, window_today)
    counts = spread(n - 1, windows)
    spans = []
    for d, k, window in zip(days, counts, windows):
        if k == 0:
            continue
        end = DAY_START + window
        # An evening session past midnight: the day's last entry, from
        # 23:05 on, ending the next day before that day's window opens.
        late = d != today and k >= 2 and rng.random() < 0.04
        slots = k - 1 if late else k
        slot = (end - DAY_START) / float(slots)
        for j in range(slots):
            s0 = DAY_START + j * slot
            start = s0 + rng.uniform(0, 0.15) * slot
            length = max(60.0, rng.uniform(0.35, 0.8) * slot)
            stop = min(start + length, s0 + slot)
            if stop - start < 1:
                continue            # too many for one day: counted below
            spans.append((local(d, int(start)), local(d, int(stop))))
        if late:
            start = local(d, 23 * 3600 + rng.randint(300, 3000))
            nxt = d + dt.timedelta(days=1)
            stop = local(nxt, rng.randint(10 * 60, 3 * 3600))
            spans.append((start, min(stop, horizon)))
    spans.append((horizon, now - END_GAP))
    if len(spans) != n:
        sys.exit("gen.py: %d entries do not fit in %g years (got %d)"
                 % (n, years, len(spans)))
    t0 = local(first, 0)
    result = []
    for start, stop in spans:
        frac = min(1.0, max(0.0, (start - t0) / max(1.0, now - t0)))
        project = pick_project(rng, frac)
        ntags = rng.choices([0, 1, 2, 3], [35, 40, 18, 7])[0]
        tags = sorted(rng.sample(TAGS, ntags))
        note = rng.choice(NOTES) if rng.random() < 0.7 else ""
        result.append((start, stop, project, tags, note))
    result.sort()
    for a, b in zip(result, result[1:]):
        assert a[1] <= b[0], "overlap"
    assert result[-1][1] == now - END_GAP
    return result


def write_timmy(db, users):
    """Inserts every user's entries into db, ordered by start across users
    (as a shared bot writes them), in one transaction, then checks the
    file."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        if con.execute("SELECT count(*) FROM entries").fetchone()[0]:
            sys.exit("gen.py: %s already has entries" % db)
        con.execute("BEGIN IMMEDIATE")
        uid = {}
        for jid in users:
            uid[jid] = con.execute(
                "INSERT INTO users (jid, tz, next_seq) VALUES (?, NULL, ?)",
                (jid, len(users[jid]) + 1)).lastrowid
        rows = sorted((e[0], jid, e) for jid in users for e in users[jid])
        seq = dict.fromkeys(users, 0)
        entry_rows, tag_rows = [], []
        for eid, (_, jid, (start, stop, project, tags, note)) in enumerate(
                rows, 1):
            seq[jid] += 1
            entry_rows.append((eid, uid[jid], seq[jid], project, note, start,
                               stop))
            tag_rows.extend((eid, t) for t in tags)
        con.executemany(
            "INSERT INTO entries (id, user_id, seq, project, note, start, "
            "stop) VALUES (?, ?, ?, ?, ?, ?, ?)", entry_rows)
        con.executemany("INSERT INTO entry_tags (entry_id, tag) VALUES (?, ?)",
                        tag_rows)
        con.execute("COMMIT")
        ok = con.execute("PRAGMA integrity_check").fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if ok != [("ok",)] or fk:
            sys.exit("gen.py: %s is not consistent: %r %r" % (db, ok, fk[:5]))
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


# -- MANY USERS -----------------------------------------------------------
# The scale run's database (bench/scale.py): N users, each with a history
# made by history() from a seed of its own, so a user's entries do not
# depend on how the work was split. Ten million entries do not fit in
# Python objects cheaply (write_timmy's lists would take gigabytes), so
# the workers hand back each entry packed into three integers (start,
# stop, and META: the user, project, tags and note as indexes), the
# entries are ordered by start across users by sorting one integer per
# entry (start << INDEX_BITS | its index), and the rows go to SQLite in
# batches from that order. Ordered by start, entry ids interleave users
# as a shared bot's do, so a user's rows lie scattered over the table's
# pages, as they would after years of use.
#
# The bulk load goes past what the schema does per row: the indexes and
# triggers of entries and entry_tags are dropped before it and made again
# after it, from the very SQL text that sqlite_schema held, so the file
# ends with the schema the binary made: a CREATE INDEX sorts, where ten
# million inserts into indexes that outgrow the page cache go to pages
# all over the file (10,000,000 entries: 588 s for this function with
# the indexes in place, 355 s without, on one busy 2-core machine; 159 s
# when it was quieter). Without the triggers nothing is noted in
# rollup_dirty: timmy check --repair (rebuild_derived) builds every
# user's rollup from the entries either way.

INDEX_BITS = 25                 # entries per database: under 2**25
PROJECT_NAMES = [p[0] for p in PROJECTS]
PROJECT_INDEX = {p: i for i, p in enumerate(PROJECT_NAMES)}
TAG_BIT = {t: 1 << i for i, t in enumerate(TAGS)}
NOTE_INDEX = {n: i + 1 for i, n in enumerate(NOTES)}    # 0: no note
assert len(TAGS) <= 20 and len(PROJECTS) <= 16 and len(NOTES) < 32
BATCH = 50000                   # entries per executemany


def pack(user, project, tags, note):
    """META of an entry: tags as bits 0-19, project 20-23, note 24-28,
    the user's number from bit 32 on."""
    mask = 0
    for t in tags:
        mask |= TAG_BIT[t]
    return (user << 32 | (NOTE_INDEX[note] if note else 0) << 24 |
            PROJECT_INDEX[project] << 20 | mask)


def many_histories(job):
    """A worker's part: the histories of users first..last (numbers from
    1), as three arrays of 64-bit integers (start, stop, META) in bytes."""
    first, last, per_user, years, tz, now, seed = job
    starts, stops, meta = array.array("q"), array.array("q"), \
        array.array("q")
    for user in range(first, last + 1):
        rng = random.Random(seed * 1000003 + user)
        for start, stop, project, tags, note in history(rng, per_user, years,
                                                        tz, now):
            starts.append(start)
            stops.append(stop)
            meta.append(pack(user, project, tags, note))
    return starts.tobytes(), stops.tobytes(), meta.tobytes()


def write_many(db, users, per_user, years, tz, now, seed=2026,
               domain="localhost", jobs=None):
    """Inserts users user1@domain..userN@domain with per_user entries each
    into db (made by `timmy check`, without entries), every entry in one
    transaction, ordered by start across users. The rollup is left to
    rebuild_derived, as write_timmy's is; the indexes and triggers of
    the two tables are made again after the rows (see above). For the
    bulk load only, the
    connection turns the journal off (a crash leaves a file to throw
    away, not one to use) and gives SQLite a page cache of 1 GiB; the
    file goes back to WAL, timmy's mode, before it is closed. Returns
    the number of entries."""
    total = users * per_user
    if total >= 1 << INDEX_BITS:
        sys.exit("gen.py: at most %d entries in all" % ((1 << INDEX_BITS) - 1))
    chunk = max(1, min(100, users // (4 * (jobs or os.cpu_count() or 1))))
    work = [(a, min(users, a + chunk - 1), per_user, years, tz, now, seed)
            for a in range(1, users + 1, chunk)]
    starts, stops, meta = array.array("q"), array.array("q"), \
        array.array("q")
    with multiprocessing.Pool(jobs) as pool:
        for s, e, m in pool.imap(many_histories, work):
            starts.frombytes(s)
            stops.frombytes(e)
            meta.frombytes(m)
    if len(starts) != total:
        sys.exit("gen.py: %d entries made, %d wanted" % (len(starts), total))
    order = sorted(s << INDEX_BITS | i for i, s in enumerate(starts))

    con = sqlite3.connect(db, isolation_level=None)
    try:
        if con.execute("SELECT count(*) FROM entries").fetchone()[0]:
            sys.exit("gen.py: %s already has entries" % db)
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -1048576")
        con.execute("BEGIN IMMEDIATE")
        # Indexes an SQLite constraint made (sql NULL) cannot be dropped,
        # nor need to be: UNIQUE (user_id, seq) is the one, and small.
        later = con.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE type IN "
            "('index', 'trigger') AND tbl_name IN ('entries', "
            "'entry_tags') AND sql IS NOT NULL ORDER BY rowid").fetchall()
        for kind, name, _ in later:
            con.execute('DROP %s "%s"' % (kind.upper(), name))
        uid = [0] * (users + 1)
        for n in range(1, users + 1):
            uid[n] = con.execute(
                "INSERT INTO users (jid, tz, next_seq) VALUES (?, NULL, ?)",
                ("user%d@%s" % (n, domain), per_user + 1)).lastrowid
        seq = [0] * (users + 1)
        mask = (1 << INDEX_BITS) - 1
        entry_rows, tag_rows = [], []
        for eid, key in enumerate(order, 1):
            i = key & mask
            m = meta[i]
            user = m >> 32
            seq[user] += 1
            note = (m >> 24) & 31
            entry_rows.append((eid, uid[user], seq[user],
                               PROJECT_NAMES[(m >> 20) & 15],
                               NOTES[note - 1] if note else "", starts[i],
                               stops[i]))
            bits = m & 0xFFFFF
            while bits:
                low = bits & -bits
                tag_rows.append((eid, TAGS[low.bit_length() - 1]))
                bits ^= low
            if len(entry_rows) == BATCH or eid == total:
                con.executemany(
                    "INSERT INTO entries (id, user_id, seq, project, note, "
                    "start, stop) VALUES (?, ?, ?, ?, ?, ?, ?)", entry_rows)
                con.executemany(
                    "INSERT INTO entry_tags (entry_id, tag) VALUES (?, ?)",
                    tag_rows)
                entry_rows, tag_rows = [], []
        for _, _, sql in later:
            con.execute(sql)
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode = WAL")
    finally:
        con.close()
    return total


# -- REBUILD THE ROLLUP HERE ----------------------------------------------
# The entries above go in with plain SQL, past timmy's storage layer, so
# what timmy derives from them in the same transaction as every change
# (the per-user, per-day rollup that reports read: tables rollup_*, from
# schema 10 on) has to be rebuilt from the entries afterwards, by timmy
# itself: REBUILD. It runs when the database has such tables (timmy's
# usage does not list the option), and a timmy that cannot do it ends
# the run rather than leave reports reading a stale rollup. It checks the
# rollup against the entries; without it, `timmy check` checks the file.
REBUILD = ["check", "--repair"]
DERIVED = "SELECT count(*) FROM sqlite_master WHERE type = 'table' " \
    "AND name LIKE 'rollup\\_%' ESCAPE '\\'"


def rebuild_derived(timmy, db, tz, config=None):
    """Runs `timmy check --repair -c CONFIG` when the database has tables
    derived from the entries, else `timmy check -c CONFIG`; exits on a
    failure. Without config, writes one naming db into a temporary
    directory. Returns what it did, for the summary line."""
    con = sqlite3.connect(db)
    try:
        derived = con.execute(DERIVED).fetchone()[0] > 0
    finally:
        con.close()
    with tempfile.TemporaryDirectory(prefix="gen-") as tmp:
        if config is None:
            config = os.path.join(tmp, "bot.yaml")
            write_cli_config(config, db, tz)
        # REBUILD checks what it rebuilt (and the file as `timmy check`
        # does); a second check would cost a million-entry history
        # seconds more.
        if derived:
            run_timmy(timmy, REBUILD + ["-c", config])
            return "timmy " + " ".join(REBUILD)
        run_timmy(timmy, ["check", "-c", config])
    return "not needed"


def write_cli_config(path, db, tz, storage=None):
    """A config for `timmy check`, `report` and `export`: they never log
    in, so the account is a placeholder on loopback. storage: the lines
    of the storage section, instead of the one that names db."""
    if storage is None:
        storage = ["storage:", "  path: \"%s\"" % db]
    lines = ["account:", "  jid: timmy@localhost", "  password: unused",
             "  host: 127.0.0.1", "  tls: off"] + storage + [
        "access:", "  allow: [\"*@localhost\"]", "defaults:",
        "  timezone: %s" % tz, ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.chmod(path, 0o600)


def run_timmy(timmy, args):
    r = subprocess.run([timmy] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("gen.py: timmy %s failed (%d):\n%s" % (
            " ".join(args), r.returncode, (r.stderr + r.stdout)[-2000:]))


def tw_stamp(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def tw_escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def tw_tag(s):
    """A tag as timew writes it: quoted when it has a space or a quote."""
    if s and not any(c in s for c in ' "#\\'):
        return s
    return '"%s"' % tw_escape(s)


def write_timew(twdir, entries):
    """A Timewarrior database with entries: data/YYYY-MM.data by the month
    (UTC) an interval starts in, plus tags.data with the tag counts."""
    data = os.path.join(twdir, "data")
    os.makedirs(data, exist_ok=True)
    cfg = os.path.join(twdir, "timewarrior.cfg")
    if not os.path.exists(cfg):
        open(cfg, "w").close()
    files, counts = {}, {}
    try:
        for start, stop, project, tags, note in entries:
            month = time.strftime("%Y-%m", time.gmtime(start))
            f = files.get(month)
            if f is None:
                f = files[month] = open(os.path.join(data, month + ".data"),
                                        "w", encoding="utf-8")
            words = [project] + tags
            line = "inc %s - %s # %s" % (tw_stamp(start), tw_stamp(stop),
                                         " ".join(map(tw_tag, words)))
            if note:   # timew quotes an annotation always
                line += ' # "%s"' % tw_escape(note)
            f.write(line + "\n")
            for w in words:
                counts[w] = counts.get(w, 0) + 1
    finally:
        for f in files.values():
            f.close()
    with open(os.path.join(data, "tags.data"), "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(
            '  %s:{"count":%d}' % (json.dumps(t, ensure_ascii=False), c)
            for t, c in sorted(counts.items())) + "\n}")
    open(os.path.join(data, "undo.data"), "a").close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True,
                    help="a timmy database made by `timmy check`")
    ap.add_argument("--timew", help="a directory for a Timewarrior database")
    ap.add_argument("--user", help="the main user's JID (required "
                    "without --users)")
    ap.add_argument("--users", type=int, default=0,
                    help="N users user1@DOMAIN..userN@DOMAIN instead of "
                    "--user and --others (no Timewarrior database)")
    ap.add_argument("--per-user", type=int, default=1000,
                    help="entries of each of --users")
    ap.add_argument("--domain", default="localhost",
                    help="the domain of --users")
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--years", type=float, default=8.0)
    ap.add_argument("--tz", default="UTC", help="the users' time zone")
    ap.add_argument("--others", default="bob@localhost:1000,"
                    "carol@localhost:300,dave@localhost:40",
                    help="JID:ENTRIES,... of the other users")
    ap.add_argument("--now", type=int, default=None,
                    help="epoch seconds the history ends at (default: now)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--timmy", default=os.environ.get("TIMMY_BIN") or
                    os.path.join(os.path.dirname(os.path.dirname(
                        os.path.abspath(__file__))), "timmy"),
                    help="the timmy binary, to rebuild what it derives from "
                    "the entries and check the database")
    ap.add_argument("--config", help="a bot.yaml naming --db (default: "
                    "one of its own)")
    a = ap.parse_args()
    if not os.access(a.timmy, os.X_OK):
        ap.error("no timmy binary at %s (--timmy, TIMMY_BIN)" % a.timmy)

    now = a.now if a.now is not None else int(time.time())
    if a.users > 0:
        if a.user or a.timew:
            ap.error("--users makes its own users and no Timewarrior "
                     "database: leave out --user and --timew")
        n = write_many(a.db, a.users, a.per_user, a.years, a.tz, now, a.seed,
                       a.domain)
        rollup = rebuild_derived(a.timmy, a.db, a.tz, a.config)
        print("gen.py: %d users, %d entries; rollup rebuild: %s"
              % (a.users, n, rollup))
        return
    if not a.user:
        ap.error("--user is required (or --users)")
    rng = random.Random(a.seed)
    users = {a.user: history(rng, a.entries, a.years, a.tz, now)}
    for spec in filter(None, a.others.split(",")):
        jid, count = spec.rsplit(":", 1)
        users[jid] = history(rng, int(count), min(a.years, 3.0), a.tz, now)
    write_timmy(a.db, users)
    rollup = rebuild_derived(a.timmy, a.db, a.tz, a.config)
    if a.timew:
        write_timew(a.timew, users[a.user])
    print("gen.py: %s; rollup rebuild: %s" % (
        ", ".join("%s %d" % (j, len(e)) for j, e in users.items()), rollup))


if __name__ == "__main__":
    main()
