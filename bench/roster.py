"""bench/roster.py - one account, many contacts: the bot's memory and its
time to READY with N contacts in its roster. bench/README.md ("One
account, many contacts") says what is measured and what it showed.

    /usr/bin/python3 bench/roster.py [N ...] [--sub from] [--online K]
    table = roster.run(timmy_bin, counts)     # a bench/table.py Table

For each N (default 1, 1000 and 10000): a private Prosody whose roster
file for timmy@localhost is written before it starts (N contacts
alice0..alice{N-1}@localhost, subscription both, or --sub's, accounts
that do not exist, so offline), the bot started with $NOTIFY_SOCKET,
exec to READY=1 timed, then, once the bot's and Prosody's CPU have been
idle for a second (the roster's answer and the statuses the bot sends
after it all handled), VmRSS and VmHWM read from /proc/PID/status, and
what the bot's log says of the statuses it sent.

--online K registers alice0..alice{K-1} and logs them in, each with the
bot in their own roster (subscription both), before the bot starts: the
bot sees K contacts online.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.join(REPO, "tests"))
from chat import cpu_ns, notify_socket, status_kib, until_ready  # noqa: E402
from measure import ChatError, start_prosody  # noqa: E402
from table import Table  # noqa: E402

PASSWORD = "bench-roster"
COUNTS = (1, 1000, 10000)
IDLE_SECS = 1.0       # both processes this long without CPU: settled
IDLE_NS = 20000000    # "without": under 20 ms of CPU in that second
SETTLE_MAX = 120.0    # the longest wait for that
# The bot's line at the end of its pass over the contacts (bot/timerstatus.c).
PASS_LINE = re.compile(r"contact statuses: (\d+) sent")


def contact(i):
    return "alice%d@localhost" % i


def settle(pids):
    """Waits until none of pids used more than IDLE_NS of CPU in
    IDLE_SECS. Returns the seconds it took."""
    t0 = time.monotonic()
    last = [cpu_ns(p) for p in pids]
    while True:
        time.sleep(IDLE_SECS)
        now = [cpu_ns(p) for p in pids]
        if all(b - a < IDLE_NS for a, b in zip(last, now)):
            return time.monotonic() - t0
        if time.monotonic() - t0 > SETTLE_MAX:
            raise ChatError("still busy after %.0f s" % SETTLE_MAX)
        last = now


def one(timmy, n, sub="both", online=0):
    """One row: the bot logged in with n contacts; returns a dict."""
    from harness import Bot
    tmp = tempfile.mkdtemp(prefix="timmy-roster-")
    clients, bot, server = [], None, None
    try:
        fans = ["alice%d" % i for i in range(online)]
        rosters = {name: {"timmy@localhost": "both"} for name in fans}
        rosters["timmy"] = {contact(i): sub for i in range(n)}
        server = start_prosody(["timmy"] + fans, PASSWORD, rosters)
        for name in fans:
            clients.append(server.client(name, PASSWORD))
        sock, path = notify_socket(tmp)
        bot = Bot(server, password=PASSWORD, allow=["*@localhost"],
                  binary=timmy, env={"NOTIFY_SOCKET": path})
        try:
            ready_ms = until_ready(sock, lambda: bot.start(wait=False),
                                   lambda: not bot.running)
        finally:
            sock.close()
        bot.wait_log("roster: %d contact" % n, 60)
        secs = settle([bot.pid, server.pid])
        m = PASS_LINE.search(bot.log(since_start=True))
        return {"n": n, "ready_ms": ready_ms, "settle_s": secs,
                "sent": int(m.group(1)) if m else None,
                "rss": status_kib(bot.pid, "VmRSS"),
                "hwm": status_kib(bot.pid, "VmHWM")}
    finally:
        if bot is not None:
            bot.close()
        for c in clients:
            c.disconnect()
        if server is not None:
            server.close()
        shutil.rmtree(tmp, ignore_errors=True)


def run(timmy, counts=COUNTS, sub="both", online=0):
    """The table of rows for counts (bench/table.py). Raises ChatError
    when it cannot run (no Prosody, the bot not ready)."""
    rows = [one(timmy, n, sub, online) for n in counts]
    who = "all offline" if online == 0 else "%d of them online" % online
    t = Table("one account, many contacts: the bot once settled after its "
              "login (subscription %s, %s); memory per contact against the "
              "first row" % (sub, who),
              ["contacts", "READY ms", "settled s", "statuses sent",
               "VmRSS KiB", "VmHWM KiB", "RSS B/contact", "HWM B/contact"],
              fmt="%.1f")
    base = rows[0]
    for r in rows:
        dn = r["n"] - base["n"]
        t.add(["%d contact%s" % (r["n"], "" if r["n"] == 1 else "s"),
               r["ready_ms"], r["settle_s"], r["sent"], r["rss"], r["hwm"],
               (r["rss"] - base["rss"]) * 1024.0 / dn if dn else None,
               (r["hwm"] - base["hwm"]) * 1024.0 / dn if dn else None])
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("counts", nargs="*", type=int, default=list(COUNTS),
                    help="contacts in the bot's roster, one row each")
    ap.add_argument("--sub", default="both", choices=("both", "from"),
                    help="their subscription (default both)")
    ap.add_argument("--online", type=int, default=0, metavar="K",
                    help="the first K contacts log in before the bot")
    a = ap.parse_args()
    timmy = os.path.abspath(os.environ.get("TIMMY_BIN")
                            or os.path.join(REPO, "timmy"))
    try:
        t = run(timmy, a.counts, a.sub, a.online)
    except ChatError as e:
        sys.exit("roster.py: %s" % e)
    t.show()


if __name__ == "__main__":
    main()
