"""libcurl and libsystemd loaded when the daemon needs them, not at exec:
the command line never maps them, an idle bot maps neither (nor the
locale of storage/collate.c), the first
HTTP upload loads libcurl, and a missing library is an error that says
which one and why (test builds take another soname from
TIMMY_TEST_LIBCURL / TIMMY_TEST_LIBSYSTEMD to see it).

Uses the servers, bots and clients of test_delivery.py and the
notification socket of test_daemon.py.
"""

import os

from harness import Bot, run_timmy
from test_daemon import NotifySocket, allowed, assert_clean_exit
from test_delivery import (CSV_HEADER, chunks, client, download,  # noqa: F401
                           export, make_bot, read_inline, read_link,
                           upload_server)

MISSING = "libtimmy-test-missing.so.4"
DAY = "2025-06-02"  # a Monday


def mapped(pid, name):
    """True when a shared object whose file name starts with name is
    mapped into process pid."""
    with open("/proc/%d/maps" % pid, encoding="utf-8") as f:
        return any(os.path.basename(line.split()[-1]).startswith(name)
                   for line in f if "/" in line)


def loaded_by(args, timmy_bin):
    """The shared objects the dynamic loader opens for timmy args
    (LD_DEBUG=files), as file names."""
    r = run_timmy(args, binary=timmy_bin, env={"LD_DEBUG": "files"})
    return {os.path.basename(w) for line in r.stderr.splitlines()
            if "file=" in line and "[0];  needed by" in line
            for w in [line.split("file=")[1].split()[0]]}


def add_two(alice, bot):
    for span in ("9:00-10:00", "11:00-11:30"):
        reply = alice.ask(bot.jid, "add acme %s %s" % (span, DAY))
        assert reply.startswith("Added #"), reply


def test_version__loads_neither_libcurl_nor_libsystemd(timmy_bin):
    names = loaded_by(["--version"], timmy_bin)
    assert names, "LD_DEBUG=files listed nothing"
    assert not any(n.startswith(("libcurl", "libsystemd")) for n in names), \
        sorted(names)


def test_upload__loads_libcurl_at_first_upload__not_while_idle(
        upload_server, make_bot, client):
    bot = make_bot(upload_server)
    alice = client(upload_server)
    assert not mapped(bot.pid, "libcurl"), "libcurl mapped before an upload"
    assert not mapped(bot.pid, "libsystemd"), "libsystemd without systemd"
    # Nor the locale UNOCASE folds with, until a name is compared.
    assert not mapped(bot.pid, "LC_CTYPE"), "a locale before any command"
    add_two(alice, bot)

    export(alice, bot, "export csv %s" % DAY)
    url = read_link(alice, bot)
    data = download(upload_server, url).decode("utf-8")
    assert data.startswith(CSV_HEADER), data[:200]
    assert mapped(bot.pid, "libcurl")


def test_upload__goes_inline_and_logs_why__when_libcurl_missing(
        upload_server, make_bot, client, monkeypatch):
    monkeypatch.setenv("TIMMY_TEST_LIBCURL", MISSING)
    bot = make_bot(upload_server, part=1024)
    alice = client(upload_server)
    add_two(alice, bot)

    export(alice, bot, "export csv %s" % DAY)
    name, parts = read_inline(alice, bot)
    text = "".join(chunks(parts))
    assert text.startswith(CSV_HEADER + "\n"), text[:200]
    assert len(text.strip("\n").split("\n")) == 3
    line = bot.wait_log("could not upload %s" % name)
    assert "HTTP upload needs libcurl.so.4: %s" % MISSING in line, line
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")


def test_sd_notify__logs_which_library__when_libsystemd_missing(
        server, timmy_bin):
    ns = NotifySocket()
    b = Bot(server, allow=allowed(server), binary=timmy_bin,
            env={"NOTIFY_SOCKET": ns.path,
                 "TIMMY_TEST_LIBSYSTEMD": "libtimmy-test-missing.so.0"})
    try:
        b.start()
        line = b.wait_log("systemd notification needs")
        assert "needs libsystemd.so.0: libtimmy-test-missing.so.0" in line, \
            line
        assert not ns.got, ns.got
        assert_clean_exit(b)
    finally:
        b.close()
        ns.close()


def test_sd_notify__loads_libsystemd__only_under_systemd(server, timmy_bin):
    ns = NotifySocket()
    b = Bot(server, allow=allowed(server), binary=timmy_bin,
            env={"NOTIFY_SOCKET": ns.path})
    try:
        b.start()
        ns.wait_for("READY=1")
        assert mapped(b.pid, "libsystemd")
        assert_clean_exit(b)
    finally:
        b.close()
        ns.close()
