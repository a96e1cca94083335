"""Hardening from a security review: names without invisible or
direction-changing characters, `timmy export -o` that neither follows a
symlink nor keeps an old file's mode, and a running bot that cannot dump
core (the unit's settings are pinned in test_systemd.py).
"""

import os
import re
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import unicodedata

import pytest

from conftest import ALLOWED, stop_and_judge
from harness import Bot, config_text, run_timmy
from harness.bot import bot_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
WORDS_C = os.path.join(ROOT, "commands", "words.c")

ALICE = "alice@localhost"
PAST = "2025-06-02"   # a Monday


# -- invisible and direction-changing characters in names -------------

def format_table():
    """The code points of commands/words.c's format_chars table, as the
    set the bot refuses, with the name the table gives each (None for a
    range)."""
    with open(WORDS_C, encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"format_chars\[\] = \{(.*?)\n\};", text, re.S)
    assert body, "no format_chars table in commands/words.c"
    rows = re.findall(r"\{ 0x([0-9A-F]+), 0x([0-9A-F]+), "
                      r"(NULL|\"[^\"]*\") \}", body.group(1))
    assert rows
    table = {}
    for lo, hi, name in rows:
        lo, hi = int(lo, 16), int(hi, 16)
        for cp in range(lo, hi + 1):
            assert cp not in table, "U+%04X twice" % cp
            table[cp] = None if name == "NULL" else name.strip('"')
    starts = [int(lo, 16) for lo, _hi, _name in rows]
    assert starts == sorted(starts), "the table must stay sorted"
    return table


def python_format_chars():
    return {cp for cp in range(0x110000)
            if unicodedata.category(chr(cp)) == "Cf"}


def test_format_table__holds_every_cf_character__python_knows():
    missing = python_format_chars() - set(format_table())
    assert not missing, "not refused: %s" % ", ".join(
        "U+%04X %s" % (cp, unicodedata.name(chr(cp), "?"))
        for cp in sorted(missing))


def test_format_table__holds_nothing_else__but_later_unicode_additions():
    """The table is of a Unicode version at least as new as Python's:
    what Python does not call Cf must be unassigned there (added later),
    and where Python knows a name, the table's is the same."""
    table = format_table()
    for cp, name in table.items():
        cat = unicodedata.category(chr(cp))
        assert cat in ("Cf", "Cn"), "U+%04X is %s in Unicode %s" % (
            cp, cat, unicodedata.unidata_version)
        known = unicodedata.name(chr(cp), None)
        if name is not None and known is not None:
            assert name == known, "U+%04X" % cp


def refusal(what, cp):
    name = unicodedata.name(chr(cp), None)
    if 0xE0020 <= cp <= 0xE007E:
        name = None   # the tag characters are named by number only
    return ("%s cannot contain invisible or direction-changing characters "
            "(U+%04X%s)." % (what, cp, " " + name if name else ""))


def test_start__project_or_tag_with_direction_override_or_zero_width__is_refused(
        bot, alice):
    # The issue's own example: both names are bad; the project is read
    # first.
    assert alice.ask(bot.jid, 'start "acme\u202e" +de\u200bsign') == \
        refusal("A project name", 0x202E)
    assert alice.ask(bot.jid, "start acme +de\u200bsign") == \
        refusal("A tag", 0x200B)
    assert alice.ask(bot.jid, "start \u2067acme\u2069") == \
        refusal("A project name", 0x2067)
    assert alice.ask(bot.jid, "start acme\u0085x") == \
        "A project name cannot contain control characters (U+0085)."
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    assert bot.query("SELECT count(*) FROM entries") == [(0,)]


def test_add_edit_rename__with_invisible_character__change_nothing(bot, alice):
    assert alice.ask(bot.jid, "add acme 9:00-10:00 %s" % PAST).startswith(
        "Added #1")
    assert alice.ask(bot.jid, "add acme\ufeff 10:00-11:00 %s" % PAST) == \
        refusal("A project name", 0xFEFF)
    assert alice.ask(bot.jid, "edit 1 +\u00adx") == refusal("A tag", 0x00AD)
    assert alice.ask(bot.jid, "rename project acme ac\u200dme") == \
        refusal("A project name", 0x200D)
    log = alice.ask(bot.jid, "log %s" % PAST)
    assert "acme" in log and "\u200d" not in log and "\u00ad" not in log
    assert bot.query("SELECT project FROM entries") == [("acme",)]


def test_start__every_format_character__is_refused_in_chat(bot, alice):
    """Each character Python's Unicode calls Cf, in a message through the
    server, is refused with its number."""
    for cp in sorted(python_format_chars()):
        reply = alice.ask(bot.jid, "start x%sy" % chr(cp))
        assert reply == refusal("A project name", cp), (hex(cp), reply)
    assert bot.query("SELECT count(*) FROM entries") == [(0,)]


def test_start__invisible_character_in_note__is_kept_as_typed(bot, alice):
    """Notes are free text: the rule is for names only."""
    assert alice.ask(bot.jid, "start acme fix \u202eheader").startswith(
        "Started acme")
    assert bot.query("SELECT project, note FROM entries") == [
        ("acme", "fix \u202eheader")]


# -- timmy export -o ---------------------------------------------------

@pytest.fixture
def admin_cfg(tmp_path, timmy_bin):
    """A bot.yaml for the command line and a database (made by `timmy
    check`, empty); no server is needed."""
    cfg = tmp_path / "bot.yaml"
    fd = os.open(str(cfg), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(config_text(jid="timmy@localhost", password="x",
                            host="127.0.0.1", port=5222,
                            db_path=str(tmp_path / "timmy.db"),
                            allow=[ALICE]))
    r = run_timmy(["check", "-c", str(cfg)], binary=timmy_bin)
    assert r.returncode == 0, r.stderr
    return cfg


def export_to(cfg, out, timmy_bin, preexec_fn=None):
    return subprocess.run(
        [timmy_bin, "export", "-c", str(cfg), "-o", str(out)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=30, env=bot_env(), preexec_fn=preexec_fn)


def beside(out):
    """Every file in out's directory whose name starts with out's."""
    d, base = os.path.split(str(out))
    return sorted(n for n in os.listdir(d) if n.startswith(base))


def test_export_o__symlink_at_target__is_replaced_not_followed(
        admin_cfg, tmp_path, timmy_bin):
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    os.chmod(victim, 0o644)
    out = tmp_path / "out.csv"
    os.symlink(str(victim), str(out))
    r = export_to(admin_cfg, out, timmy_bin)
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "keep me\n"
    assert stat.S_IMODE(os.stat(victim).st_mode) == 0o644
    st = os.lstat(out)
    assert stat.S_ISREG(st.st_mode), "out.csv is still a symlink"
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert out.read_text().startswith("owner,id,project,")
    assert beside(out) == ["out.csv"]


def test_export_o__existing_file_readable_by_others__becomes_owner_only(
        admin_cfg, tmp_path, timmy_bin):
    out = tmp_path / "out.csv"
    out.write_text("old export\n")
    os.chmod(out, 0o644)
    r = export_to(admin_cfg, out, timmy_bin)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text().startswith("owner,id,project,")
    assert beside(out) == ["out.csv"]


def test_export_o__writing_fails__leaves_target_as_it_was(
        admin_cfg, tmp_path, timmy_bin):
    """A file size limit below the export's size makes the write fail
    half way (EFBIG; SIGXFSZ ignored so the process reports it): the old
    file is untouched and no temporary file is left. The limit leaves room
    for SQLite's 32 KiB shared-memory file; the export is ~150 KB."""
    con = sqlite3.connect(str(tmp_path / "timmy.db"))
    with con:
        uid = con.execute("INSERT INTO users (jid) VALUES (?)",
                          (ALICE,)).lastrowid
        day = 1748822400   # 2025-06-02 00:00 UTC
        con.executemany(
            "INSERT INTO entries (user_id, seq, project, note, start, stop)"
            " VALUES (?, ?, 'acme', ?, ?, ?)",
            [(uid, i + 1, "n" * 80, day + 60 * i, day + 60 * i + 30)
             for i in range(1000)])
    con.close()
    out = tmp_path / "out.csv"
    out.write_text("old export\n")
    os.chmod(out, 0o600)

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    r = export_to(admin_cfg, out, timmy_bin, preexec_fn=small_files)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "timmy export: writing" in r.stderr, r.stderr
    assert out.read_text() == "old export\n"
    assert beside(out) == ["out.csv"]


def test_export_o__target_is_a_directory__fails_and_leaves_no_file(
        admin_cfg, tmp_path, timmy_bin):
    out = tmp_path / "out.csv"
    out.mkdir()
    r = export_to(admin_cfg, out, timmy_bin)
    assert r.returncode == 1 and str(out) in r.stderr, r.stderr
    assert os.path.isdir(out) and os.listdir(out) == []
    assert beside(out) == ["out.csv"]

# -- no core dumps -----------------------------------------------------

NOBODY = 65534


def status_field(pid, key):
    with open("/proc/%d/status" % pid, encoding="utf-8") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1:]
    raise AssertionError("no %s in /proc/%d/status" % (key, pid))


def test_run__bot_is_not_dumpable__and_core_limit_is_zero(server, timmy_bin,
                                                          tmp_path):
    """PR_SET_DUMPABLE 0 has an effect another process can see: the kernel
    gives the files in /proc/PID to root instead of the process's user
    (proc(5); the directory itself keeps its owner). Run as root, that change cannot be seen, so the bot then
    runs as nobody (setpriv); /proc/PID/limits shows the core limit."""
    if os.getuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv")
        uid = NOBODY
    else:
        uid = os.getuid()
    b = Bot(server, allow=[server.jid(u) for u in ALLOWED], binary=timmy_bin)
    try:
        if uid == NOBODY:
            # The bot's directory, its binary and the server's certificate
            # where nobody can read them.
            # timmy run execs timmy-bot from beside itself: both go.
            binary = os.path.join(b.dir, "timmy")
            shutil.copy(timmy_bin, binary)
            shutil.copy(os.path.join(os.path.dirname(timmy_bin), "timmy-bot"),
                        os.path.join(b.dir, "timmy-bot"))
            cert = os.path.join(b.dir, "server.pem")
            shutil.copy(server.cert_path, cert)
            wrapper = os.path.join(b.dir, "as-nobody")
            with open(wrapper, "w", encoding="utf-8") as f:
                f.write('#!/bin/sh\nexec setpriv --reuid=%d --regid=%d '
                        '--clear-groups -- %s "$@"\n' % (uid, uid, binary))
            os.chmod(wrapper, 0o755)
            for dirpath, _dirs, files in os.walk(b.dir):
                os.chown(dirpath, uid, uid)
                for name in files:
                    os.chown(os.path.join(dirpath, name), uid, uid)
            b.binary = wrapper
            b.env = {"SSL_CERT_FILE": cert}
        b.start()
        pid = b.pid
        assert status_field(pid, "Uid")[0] == str(uid)
        for name in ("status", "environ", "mem"):
            st = os.stat("/proc/%d/%s" % (pid, name))
            assert (st.st_uid, st.st_gid) == (0, 0), \
                "/proc/%d/%s belongs to %d: the bot is dumpable" % (
                    pid, name, st.st_uid)
        with open("/proc/%d/limits" % pid, encoding="utf-8") as f:
            core = [l for l in f if l.startswith("Max core file size")]
        assert core and core[0].split()[4:6] == ["0", "0"], core
        stop_and_judge(b)
    finally:
        b.close()
