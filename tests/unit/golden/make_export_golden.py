#!/usr/bin/env python3
"""tests/unit/golden/make_export_golden.py - writes the export golden files.

The expected files of tests/unit/test_export.c, made without timmy's code:
times from Python's zoneinfo, CSV quoting, JSON through the json module,
iCalendar escaping and folding written here from RFC 4180 and RFC 5545.
The entries are given in local wall time; the C test gives the same
entries as epoch seconds, so a wrong conversion on either side shows.
PRODID's version is the placeholder @VERSION@, which the test fills in.

    python3 tests/unit/golden/make_export_golden.py   (from the repo root)
"""
import json
import os
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
HERE = os.path.dirname(os.path.abspath(__file__))


def berlin(s):
    return int(datetime.fromisoformat(s).replace(tzinfo=BERLIN).timestamp())


def utc(s):
    return int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp())


NOW = utc("2026-11-25 14:00")
ORIGIN = "timmy@example.org"  # the bot's JID

NOTE1 = ('He said "hi, there"; C:\\path\\to, ok\nline two\r\n'
         'line three \u2615\U0001F389 Gr\u00fc\u00dfe, \u65e5\u672c\u8a9e '
         'na\u00efve caf\u00e9')
NOTE9 = ('\u00dcberarbeitung der Startseite \u2014 Farben, Schriften; '
         'Abst\u00e4nde \u2026 \U0001F3A8\U0001F58C\uFE0F and a long tail so '
         'that the DESCRIPTION line folds more than once: ' +
         '\u00e4\u00f6\u00fc\u20ac\U0001F600' * 12)

# (row id, seq, owner, project, tags, note, start, stop; 0: running,
#  breaks: [(start, stop; 0: open)])
ENTRIES = [
    (101, 1, "alice@example.org", "acme", ["design"], NOTE1,
     berlin("2026-11-23 09:00"), berlin("2026-11-23 10:30"),
     [(berlin("2026-11-23 09:45"), berlin("2026-11-23 10:00"))]),
    (102, 2, "bob@example.net", "big client", ["call", "design", "urgent"],
     "", berlin("2026-11-23 13:00"), berlin("2026-11-23 14:29:59"), []),
    (103, 3, "alice@example.org", "internal", [], "",
     berlin("2026-11-24 08:00"), berlin("2026-11-24 09:30:01"), []),
    (105, 5, "alice@example.org", "acme", ["ops"], "deploy across midnight",
     berlin("2026-11-24 23:30"), berlin("2026-11-25 01:15"),
     [(berlin("2026-11-24 23:50"), berlin("2026-11-25 00:20"))]),
    # Berlin falls back at 03:00 CEST on 25 Oct 2026: 01:30+02 to 03:30+01.
    (106, 6, "bob@example.net", "night shift", ["oncall", "ops"],
     "fall back", utc("2026-10-24 23:30"), utc("2026-10-25 02:30"), []),
    # and springs forward at 02:00 CET on 29 Mar 2026: 01:00+01 to 04:00+02.
    (107, 7, "bob@example.net", "night shift", [], "spring forward",
     utc("2026-03-29 00:00"), utc("2026-03-29 02:00"), []),
    (108, 8, "alice@example.org", "acme", ["review"], " =SUM(A1:A3) padded ",
     berlin("2026-11-25 09:00"), berlin("2026-11-25 09:00:18"), []),
    (109, 9, "alice@example.org", "acme", ["design"], NOTE9,
     berlin("2026-11-25 13:20"), 0,
     # a break, then paused since 14:50 (now is 15:00 in Berlin)
     [(berlin("2026-11-25 14:00"), berlin("2026-11-25 14:20")),
      (berlin("2026-11-25 14:50"), 0)]),
    (111, 12, "zo\u00eb@example.org", "r&d, phase 2", ["q4;eu"], "",
     utc("2026-07-01 12:00"), utc("2026-07-01 12:00"), []),
    # CSV cells that a spreadsheet would take for formulas.
    (112, 13, "alice@example.org", "-dash", ["-x", "ops"], "=1+2",
     berlin("2026-11-25 10:00"), berlin("2026-11-25 10:15"), []),
]


def iso(t, zone):
    return datetime.fromtimestamp(t, zone).isoformat()


def break_seconds(breaks):
    return sum((b_stop if b_stop else NOW) - b_start
               for b_start, b_stop in breaks)


def seconds(start, stop, breaks):
    """The time worked: the span less its breaks."""
    return max(0, (stop if stop else NOW) - start - break_seconds(breaks))


def rounded(start, stop, breaks, zone, rule):
    """The time worked as a rounded report counts it: each local day's
    part rounded on its own to rule (minutes, up), then summed; the
    exact time when rule is None."""
    if rule is None:
        return seconds(start, stop, breaks)
    minutes, up = rule
    unit = minutes * 60
    end, lo, total = stop if stop else NOW, start, 0
    while lo < end:
        day = datetime.fromtimestamp(lo, zone).date() + timedelta(days=1)
        hi = min(end, int(datetime(day.year, day.month, day.day,
                                   tzinfo=zone).timestamp()))
        part = hi - lo - sum(max(0, min(b or NOW, hi) - max(a, lo))
                             for a, b in breaks)
        if part > 0:
            # up: any part of a unit is one; nearest: half a unit is one
            total += (part + (unit - 1 if up else unit // 2)) // unit * unit
        lo = hi
    return total


def rule_name(rule):
    return "none" if rule is None else "%dm %s" % (
        rule[0], "up" if rule[1] else "nearest")


# The hourly rates in cents by project, as the C test gives the writer
# (tests/unit/test_billing.c has billed entries): none in these files, so
# every entry is not billable, without rate or amount.
RATES = {}
NOBILL = "nobill"


def billing(proj, tags, secs):
    """billable, rate (cents or None), currency and amount (cents or None)
    of an entry of secs rounded seconds: the amount is the rounded time at
    the hourly rate, to the cent, half up."""
    if proj not in RATES:
        return False, None, None, None
    cents, currency = RATES[proj]
    if NOBILL in tags:
        return False, cents, currency, None
    return True, cents, currency, (secs * cents * 2 + 3600) // (3600 * 2)


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def json_money(cents):
    """A placeholder that json_text turns into a number with two
    decimals (85.00), which json.dumps cannot write; None stays null."""
    return None if cents is None else "\0money:" + money(cents)


def json_text(o):
    return re.sub('"\\\\u0000money:([0-9.]+)"', r"\1",
                  json.dumps(o, ensure_ascii=False, separators=(",", ":")))


def duration(secs):
    """As the bot writes a duration: 45m, 1h 05m."""
    if secs < 3600:
        return "%dm" % (secs // 60)
    return "%dh %02dm" % (secs // 3600, secs % 3600 // 60)


def centihours(secs):
    return (secs * 100 * 2 + 3600) // (3600 * 2)  # half up


def hours(secs):
    cents = centihours(secs)
    return "%d.%02d" % (cents // 100, cents % 100)


def csv_quote(v):
    # OWASP "CSV Injection": a cell starting with one of these gets a '.
    if v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        v = "'" + v
    if any(c in v for c in ',"\r\n') or v[:1] == " " or v[-1:] == " ":
        return '"' + v.replace('"', '""') + '"'
    return v


def make_csv(zone, owner, rule=None):
    head = ("id,project,tags,note,start,stop,duration_seconds,duration_hours,"
            "breaks_seconds,rounded_seconds,rounded_hours,rounding,"
            "billable,rate,currency,amount")
    rows = [("owner," if owner else "") + head]
    for rid, seq, who, proj, tags, note, start, stop, breaks in ENTRIES:
        secs = seconds(start, stop, breaks)
        f = [str(seq), csv_quote(proj), csv_quote(" ".join(tags)),
             csv_quote(note), iso(start, zone), iso(stop, zone) if stop else "",
             str(secs), hours(secs), str(break_seconds(breaks))]
        r = rounded(start, stop, breaks, zone, rule)
        f += [str(r), hours(r), rule_name(rule)]
        billable, rate, currency, amount = billing(proj, tags, r)
        f += ["true" if billable else "false",
              "" if rate is None else money(rate), currency or "",
              "" if amount is None else money(amount)]
        rows.append(",".join(([csv_quote(who)] if owner else []) + f))
    return "".join(r + "\r\n" for r in rows)


def make_json(zone, owner, rule=None):
    objs = []
    for rid, seq, who, proj, tags, note, start, stop, breaks in ENTRIES:
        secs = seconds(start, stop, breaks)
        o = {"owner": who} if owner else {}
        o.update(id=seq, project=proj, tags=tags, note=note,
                 start=iso(start, zone), stop=iso(stop, zone) if stop else None,
                 duration_seconds=secs, duration_hours=centihours(secs) / 100,
                 breaks=[{"start": iso(a, zone),
                          "stop": iso(b, zone) if b else None}
                         for a, b in breaks],
                 break_seconds=break_seconds(breaks))
        r = rounded(start, stop, breaks, zone, rule)
        o.update(rounded_seconds=r, rounded_hours=centihours(r) / 100,
                 rounding=rule_name(rule))
        billable, rate, currency, amount = billing(proj, tags, r)
        o.update(billable=billable, rate=json_money(rate), currency=currency,
                 amount=json_money(amount))
        objs.append(json_text(o))
    return "[\n" + ",\n".join(objs) + "\n]\n"


def ical_text(v):
    v = v.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return v.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    out, cur, limit = [], b"", 75
    for ch in line:
        b = ch.encode()
        if len(cur) + len(b) > limit:
            out.append(cur)
            cur, limit = b" ", 75
        cur += b
    out.append(cur)
    return b"\r\n".join(out).decode() + "\r\n"


def fnv1a(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return "%016x" % h


def ical_time(t):
    return datetime.fromtimestamp(t, UTC).strftime("%Y%m%dT%H%M%SZ")


def make_ical(owner):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//timmy//timmy @VERSION@//EN", "CALSCALE:GREGORIAN"]
    for rid, seq, who, proj, tags, note, start, stop, breaks in ENTRIES:
        end = stop if stop else NOW
        lines.append("BEGIN:VEVENT")
        # The same UID with or without the owner column (RFC 5545 3.8.4.7:
        # the bot's domain after the "@").
        lines.append("UID:timmy-%s-%d@%s" % (fnv1a(who + " " + ORIGIN), seq,
                                             ORIGIN.split("@")[1]))
        lines.append("DTSTAMP:" + ical_time(NOW))
        lines.append("DTSTART:" + ical_time(start))
        if end > start:
            lines.append("DTEND:" + ical_time(end))
        summary = " ".join([ical_text(proj)] + ["+" + ical_text(t) for t in tags])
        lines.append("SUMMARY:" + summary + ("" if stop else " (running)"))
        # DTSTART/DTEND keep the whole span; the description says what
        # of it was work.
        desc = []
        if breaks:
            desc.append("Worked %s (break %s)" % (
                duration(seconds(start, stop, breaks)),
                duration(break_seconds(breaks))))
        if note:
            desc.append(note)
        if desc:
            lines.append("DESCRIPTION:" + "\\n".join(ical_text(d)
                                                     for d in desc))
        if tags:
            lines.append("CATEGORIES:" + ",".join(ical_text(t) for t in tags))
        if owner:
            lines.append("X-TIMMY-OWNER:" + ical_text(who))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(l) for l in lines)


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


write("export.csv", make_csv(BERLIN, False))
write("export-owner.csv", make_csv(BERLIN, True))
write("export-utc.csv", make_csv(UTC, False))
write("export.json", make_json(BERLIN, False))
write("export-owner.json", make_json(BERLIN, True))
write("export-utc.json", make_json(UTC, False))
write("export-rounded.csv", make_csv(BERLIN, False, (15, True)))
write("export-rounded.json", make_json(UTC, True, (6, False)))
write("export.ics", make_ical(False))
write("export-owner.ics", make_ical(True))
