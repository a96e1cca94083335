"""`make demo`: tests/demo.py chats with the bot and leaves nothing behind."""

import json
import os
import signal
import subprocess
import sys

DEMO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "demo.py")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def ours(pid, name):
    """pid is alive and still runs `name` (not a reused PID)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return name.encode() in f.read()
    except OSError:
        return False


def test_demo__prints_replies_and_cleans_up__when_stdin_ends(timmy_bin,
                                                             tmp_path):
    pidfile = tmp_path / "demo.json"
    proc = subprocess.run(
        [sys.executable, DEMO, "--bin", timmy_bin, "--pidfile", str(pidfile)],
        input="start writing\nstatus\n\x01stop\nexport csv\nlog\n",
        capture_output=True, text=True,
        timeout=60)
    started = json.loads(pidfile.read_text()) if pidfile.exists() else {}
    try:
        out = proc.stdout
        assert proc.returncode == 0, (out, proc.stderr)
        assert "demo@localhost" in out and "127.0.0.1" in out, out
        assert "Started writing at " in out, out
        assert "Running: writing since " in out, out
        assert out.index("Started writing") < out.index("Running: writing")
        # A control character is left out, not sent (the server would end
        # the demo's stream): the rest of the line still arrives.
        assert "(left out control characters that XML cannot carry)" in out
        assert "Stopped writing after " in out, out
        # An answer in parts (the export inline: a summary, then the file)
        # comes whole before the next line's answer.
        assert (out.index("Export of this month: 1 entry")
                < out.index("(1/1) timmy-")
                < out.index("> log")
                < out.index("1 entry, ")), out
        assert started, "demo wrote no pidfile"
        for name in ("prosody", "timmy"):
            assert not alive(started[name]), "%s still running" % name
        for d in started["dirs"]:
            assert not os.path.exists(d), "%s not removed" % d
    finally:
        for name in ("prosody", "timmy"):
            pid = started.get(name)
            if pid and ours(pid, name):
                os.kill(pid, signal.SIGKILL)
