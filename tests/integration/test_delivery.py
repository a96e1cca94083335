"""Delivery of exported files through a real Prosody: XEP-0363 HTTP upload
(the link in the body and in an XEP-0066 <x/>), inline parts when there is
no upload service, when export.upload is off, and when the upload fails;
an HTML report by upload only, else a reply that says why.

Inline parts are compared with the file the same database gives through
HTTP upload. XML turns a carriage return into a line feed when it parses
one (XML 1.0, 2.11); timmy sends CR as "&#13;", but Prosody 0.12 forwards
it bare again (util/stanza.lua escapes only ' " & < >), so the CSV's CRLF
line ends reach a client as LF: see as_received().
"""

import datetime
import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time

import pytest

from conftest import SANITIZER_REPORT, password, stop_and_judge_all
from harness import Bot, PrivateProsody, config_text
from harness.prosody import free_port

NS_OOB = "jabber:x:oob"
CSV_HEADER = ("id,project,tags,note,start,stop,duration_seconds,"
              "duration_hours,breaks_seconds,rounded_seconds,rounded_hours,"
              "rounding,billable,rate,currency,amount")
PART = re.compile(r"\((\d+)/(\d+)\) ([^\n]+)\n")


# -- servers -----------------------------------------------------------

def private_server(**kwargs):
    s = PrivateProsody(**kwargs)
    try:
        s.start()
        for user in ("timmy", "alice"):
            s.register(user, password(user))
    except BaseException:
        s.close()
        raise
    return s


@pytest.fixture(scope="module")
def upload_server():
    """Prosody with HTTP upload of files up to 1 MiB."""
    s = private_server(upload=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def small_upload_server():
    """HTTP upload that takes files of at most 256 bytes."""
    s = private_server(upload=True, upload_size_limit=256)
    yield s
    s.close()


@pytest.fixture(scope="module")
def picky_upload_server():
    """HTTP upload that refuses every slot for a CSV file."""
    s = private_server(upload=True, upload_config=(
        'http_file_share_allowed_file_types = { "image/png" }'))
    yield s
    s.close()


@pytest.fixture(scope="module")
def dead_put_server():
    """HTTP upload whose slots point at a port nobody listens on."""
    s = private_server(upload=True, upload_config=(
        'http_file_share_base_url = "https://localhost:%d/"'
        % free_port()))
    yield s
    s.close()


@pytest.fixture(scope="module")
def throttled_server():
    """No HTTP upload, and Prosody's default c2s rate limit of 10 kB/s."""
    s = private_server(c2s_rate="10kb/s", c2s_burst="1s")
    yield s
    s.close()


class StallingListener:
    """A TCP port on 127.0.0.1 that accepts connections and never answers,
    so a PUT to it hangs in the TLS handshake until someone gives up."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.conns = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            self.accepted.set()

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.fixture(scope="module")
def stalling():
    s = StallingListener()
    yield s
    s.close()


@pytest.fixture(scope="module")
def stalling_put_server(stalling):
    """HTTP upload whose slots point at a port that never answers."""
    s = private_server(upload=True, upload_config=(
        'http_file_share_base_url = "https://localhost:%d/"'
        % stalling.port))
    yield s
    s.close()


# -- bots --------------------------------------------------------------

@pytest.fixture
def make_bot(timmy_bin, request):
    """make_bot(server, upload=None, part=None, db_path=None) -> a started
    Bot with an export section as given (None: key left out). Each bot
    must exit 0 on SIGTERM without a sanitizer report; all are closed
    after the test."""
    bots = []
    dirs = []

    def make(server, upload=None, part=None, db_path=None):
        if db_path is None:
            dirs.append(tempfile.mkdtemp(prefix="timmy-delivery-"))
            db_path = os.path.join(dirs[-1], "timmy.db")
            # A fresh database gets nothing an earlier test left.
            server.drop_offline("timmy")
        export = []
        if upload is not None:
            export.append("  upload: %s" % upload)
        if part is not None:
            export.append("  inline_part_bytes: %d" % part)
        text = config_text(jid=server.jid("timmy"), password=password("timmy"),
                           host=server.host, port=server.port,
                           db_path=db_path, allow=[server.jid("alice")])
        if export:
            text += "export:\n" + "\n".join(export) + "\n"
        b = Bot(server, config=text, db_path=db_path, binary=timmy_bin)
        os.chmod(b.config_path, 0o600)
        bots.append(b)
        request.node.timmy_bot = b
        b.start()
        # Discovery (or the decision not to) is logged once it is over.
        b.wait_log("HTTP upload: ", timeout=15)
        return b

    yield make
    try:
        stop_and_judge_all(bots)
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def client():
    """client(server) -> alice logged in to server, closed after the test."""
    clients = []

    def connect(server):
        # The module's servers serve several tests: a reply an earlier
        # test's bot sent after that test's alice left (an export the
        # server handed the bot again after a restart, say) waits in
        # alice's offline storage, and must not pass for this test's.
        c = server.client("alice", password("alice"), drop_offline=True)
        clients.append(c)
        return c
    yield connect
    for c in clients:
        c.disconnect()


# -- helpers -----------------------------------------------------------

def past_days(n):
    """The n days before today (UTC, the bot's default zone), oldest first."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    return [today - datetime.timedelta(days=k) for k in range(n, 0, -1)]


def add_entries(alice, bot, days, per_day, note="", project="acme"):
    """per_day entries of 45 minutes on each day, from 8:00 on; returns
    how many were added."""
    count = 0
    for day in days:
        for k in range(per_day):
            start = 8 * 60 + k * 60
            span = "%d:%02d-%d:%02d" % (start // 60, start % 60,
                                        (start + 45) // 60, (start + 45) % 60)
            reply = alice.ask(bot.jid, "add %s %s %s %s" % (
                project, span, day.isoformat(), note or "entry %d" % k))
            assert reply.startswith("Added #"), reply
            count += 1
    return count


def span(days):
    return "%s..%s" % (days[0].isoformat(), days[-1].isoformat())


def export(alice, bot, command, thread=None):
    """Sends the export command; returns the reply describing the file."""
    alice.send(bot.jid, command, thread=thread)
    reply = alice.next_message(bot.jid, timeout=15, what="reply to export")
    assert reply.body.startswith("Export of "), reply.body
    return reply


def read_inline(alice, bot, timeout=30):
    """Reads inline parts "(i/n) NAME\\n..." until the last; returns
    (name, [Received, ...])."""
    parts, name, total = [], None, None
    while total is None or len(parts) < total:
        r = alice.next_message(bot.jid, timeout=timeout,
                               what="inline part %d" % (len(parts) + 1))
        m = PART.match(r.body)
        assert m, "not an inline part: %r" % r.body[:300]
        assert int(m.group(1)) == len(parts) + 1, r.body[:100]
        if total is None:
            total, name = int(m.group(2)), m.group(3)
        assert int(m.group(2)) == total and m.group(3) == name, r.body[:100]
        parts.append(r)
    return name, parts


def chunks(parts):
    return [PART.match(p.body) and p.body[PART.match(p.body).end():]
            for p in parts]


def as_received(data):
    """A file's text as a client receives it in a chat message: XML line
    end normalisation turns CRLF and lone CR into LF."""
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def download(server, url):
    """GETs an upload URL (https://localhost:PORT/...) from the private
    server at its address, verifying its certificate for the URL's host:
    a machine without an /etc/hosts entry for localhost must not matter."""
    conn, u = server.https_connection(url)
    try:
        path = u.path + ("?" + u.query if u.query else "")
        conn.request("GET", path, headers={"Host": u.netloc})
        r = conn.getresponse()
        assert r.status == 200, r.status
        return r.read()
    finally:
        conn.close()


def read_link(alice, bot, thread=None):
    """The message carrying an upload link: body equal to the oob URL.
    Returns the URL."""
    r = alice.next_message(bot.jid, timeout=30, what="upload link")
    assert r.type == "chat", r.xml
    assert r.to == alice.jid, r.xml
    assert r.thread == thread, r.xml
    oob = r.element.find("{%s}x/{%s}url" % (NS_OOB, NS_OOB))
    assert oob is not None, "no jabber:x:oob url in %s" % r.xml
    assert r.body == oob.text, r.xml
    assert re.match(r"https://[^\s]+$", r.body), r.body
    return r.body


def uploaded_copy(server, make_bot, client, db_path, command):
    """The file command gives through HTTP upload on server for the
    database db_path (the reference for inline deliveries)."""
    b = make_bot(server, db_path=db_path)
    alice = client(server)
    export(alice, b, command)
    data = download(server, read_link(alice, b))
    assert b.stop() == 0
    return data


def check_csv(data, rows, project="acme"):
    """data is a CSV export with the header line and `rows` rows of
    project."""
    lines = data.decode("utf-8").split("\r\n")
    assert lines[0] == CSV_HEADER, lines[:2]
    assert lines[-1] == ""
    body = lines[1:-1]
    assert len(body) == rows, lines
    for n, line in enumerate(body, 1):
        assert line.startswith("%d,%s," % (n, project)), line


# -- HTTP upload -------------------------------------------------------

def test_export__sends_upload_link__when_server_offers_upload(
        upload_server, make_bot, client):
    bot = make_bot(upload_server)
    assert ("HTTP upload: upload.localhost, files up to 1048576 bytes"
            in bot.log())
    alice = client(upload_server)
    days = past_days(3)
    n = add_entries(alice, bot, days, 2, note="fix & <test> \"quoted\", ok")

    reply = export(alice, bot, "export csv %s" % span(days), thread="t-42")
    assert reply.thread == "t-42"
    name = "timmy-%s_%s.csv" % (days[0].isoformat(), days[-1].isoformat())
    assert name in reply.body, reply.body
    url = read_link(alice, bot, thread="t-42")
    assert url.startswith(upload_server.upload_url_base()), url
    assert url.endswith("/" + name), url
    data = download(upload_server, url)
    check_csv(data, n)
    assert '"fix & <test> ""quoted"", ok"' in data.decode()
    assert days[0].isoformat() + "T08:00:00+00:00" in data.decode()
    bot.wait_log("uploaded %s (%d bytes) for alice@localhost/" % (
        name, len(data)))
    # Nothing else follows the link: no inline copy.
    alice.expect_silence(bot.jid, 1.0)

    # JSON too, with the same entries.
    export(alice, bot, "export json %s" % span(days))
    doc = json.loads(download(upload_server, read_link(alice, bot)))
    entries = doc["entries"] if isinstance(doc, dict) else doc
    assert len(entries) == n
    assert {e["project"] for e in entries} == {"acme"}
    # Hours are a number (45 minutes each), seconds the exact amount.
    assert {e["duration_hours"] for e in entries} == {0.75}
    assert {e["duration_seconds"] for e in entries} == {2700}
    assert "Authorization" not in bot.log() and "Bearer" not in bot.log()


def test_export__goes_inline__when_upload_off(upload_server, make_bot,
                                              client):
    bot = make_bot(upload_server, upload="off", part=512)
    assert "HTTP upload: not used (export.upload is off)" in bot.log()
    alice = client(upload_server)
    days = past_days(4)
    n = add_entries(alice, bot, days, 4)
    command = "export csv %s" % span(days)

    export(alice, bot, command, thread="t-off")
    name, parts = read_inline(alice, bot)
    assert len(parts) >= 3, [p.body for p in parts]
    assert all(p.thread == "t-off" for p in parts)
    assert all(len(p.body.encode()) <= 512 for p in parts)
    alice.expect_silence(bot.jid, 1.0)
    assert "(export.upload is off)" in bot.log()
    assert bot.stop() == 0

    reference = uploaded_copy(upload_server, make_bot, client, bot.db_path,
                              command)
    check_csv(reference, n)
    assert "".join(chunks(parts)) == as_received(reference)


# -- HTML: by upload only ---------------------------------------------

def export_html(alice, bot, days):
    """Sends export html for days; returns (reply, the file's name)."""
    alice.send(bot.jid, "export html %s" % span(days))
    reply = alice.next_message(bot.jid, timeout=15, what="reply to export")
    dates = [days[0].isoformat()] + (
        [days[-1].isoformat()] if len(days) > 1 else [])
    name = "timmy-report-%s.html" % "_".join(dates)
    return reply.body, name


def test_export_html__sends_upload_link__when_server_offers_upload(
        upload_server, make_bot, client):
    bot = make_bot(upload_server)
    alice = client(upload_server)
    days = past_days(3)
    add_entries(alice, bot, days, 2)

    body, name = export_html(alice, bot, days)
    assert body.startswith("Report of ") and name in body, body
    url = read_link(alice, bot)
    assert url.endswith("/" + name), url
    page = download(upload_server, url).decode("utf-8")
    assert page.startswith("<!doctype html>\n")
    for day in days:       # two entries of 45 minutes a day
        assert 'data-day="%s" data-seconds="5400"' % day.isoformat() in page
    assert "<script" not in page
    alice.expect_silence(bot.jid, 1.0)


def test_export_html__says_so_and_offers_csv__when_server_has_no_upload(
        server, make_bot, client):
    bot = make_bot(server, part=512)
    assert "HTTP upload: none on localhost" in bot.log()
    alice = client(server)
    days = past_days(2)
    add_entries(alice, bot, days, 1)

    body, name = export_html(alice, bot, days)
    assert body == ("This server offers no HTTP upload, so I cannot send "
                    "you the HTML file %s; try \"export csv\" instead, "
                    "which can come as chat messages." % name), body
    # No page in parts, and the next export is not held up by it.
    alice.expect_silence(bot.jid, 1.0)
    export(alice, bot, "export csv %s" % span(days))
    read_inline(alice, bot)


def test_export_html__says_so__when_upload_off(upload_server, make_bot,
                                              client):
    bot = make_bot(upload_server, upload="off")
    alice = client(upload_server)
    days = past_days(1)
    add_entries(alice, bot, days, 1)

    body, name = export_html(alice, bot, days)
    assert body.startswith("I do not use HTTP upload here, so I cannot "
                           "send you the HTML file %s; try \"export csv\""
                           % name), body
    alice.expect_silence(bot.jid, 1.0)


def test_export_html__says_the_upload_failed__when_slot_refused(
        picky_upload_server, make_bot, client):
    bot = make_bot(picky_upload_server, part=1024)
    alice = client(picky_upload_server)
    days = past_days(2)
    add_entries(alice, bot, days, 1)

    body, name = export_html(alice, bot, days)
    assert body.startswith("Report of "), body
    r = alice.next_message(bot.jid, timeout=30, what="upload failure")
    assert r.body.startswith("I could not upload %s" % name), r.body
    assert '"export csv"' in r.body
    line = bot.wait_log("could not upload %s for alice@localhost/" % name)
    assert "not sending it inline (upload only)" in line, line
    alice.expect_silence(bot.jid, 1.0)


# -- inline ------------------------------------------------------------

def test_export__comes_in_parts__when_server_has_no_upload(
        server, upload_server, make_bot, client):
    bot = make_bot(server, part=512)
    assert "HTTP upload: none on localhost" in bot.log()
    alice = client(server)
    days = past_days(5)
    n = add_entries(alice, bot, days, 4)
    command = "export csv %s" % span(days)

    export(alice, bot, command)
    name, parts = read_inline(alice, bot)
    assert name == "timmy-%s_%s.csv" % (days[0].isoformat(),
                                        days[-1].isoformat())
    total = len(parts)
    assert total >= 4, total
    for i, p in enumerate(parts, 1):
        assert p.body.startswith("(%d/%d) %s\n" % (i, total, name))
        assert len(p.body.encode()) <= 512, len(p.body.encode())
    # Every row is shorter than a part: each part ends at a line end.
    assert all(c.endswith("\n") for c in chunks(parts))
    bot.wait_log("sending %s to alice@localhost/test inline in %d parts "
                 "(the server offers no HTTP upload)" % (name, total))
    assert bot.stop() == 0

    reference = uploaded_copy(upload_server, make_bot, client, bot.db_path,
                              command)
    check_csv(reference, n)
    assert "".join(chunks(parts)) == as_received(reference)


def test_export__cuts_between_characters__when_lines_longer_than_part(
        server, upload_server, make_bot, client):
    bot = make_bot(server, part=512)
    alice = client(server)
    days = past_days(2)
    # Rows of ~1 KiB, made of 1-, 2-, 3- and 4-byte characters (notes
    # take up to 1000 bytes).
    note = "aÜ✓😀 " * 85
    n = add_entries(alice, bot, days, 2, note=note)
    command = "export csv %s" % span(days)

    export(alice, bot, command)
    name, parts = read_inline(alice, bot)
    assert len(parts) >= 8
    assert all(len(p.body.encode()) <= 512 for p in parts)
    assert bot.stop() == 0

    reference = uploaded_copy(upload_server, make_bot, client, bot.db_path,
                              command)
    check_csv(reference, n)
    assert note.strip() in reference.decode()
    assert "".join(chunks(parts)) == as_received(reference)


def test_export__arrives_whole__when_server_throttles_the_bot(
        throttled_server, make_bot, client):
    bot = make_bot(throttled_server, part=2048)
    alice = client(throttled_server)
    days = past_days(2)
    # About 16 KB of file, and as much again in the replies to the adds:
    # well past the burst Prosody lets through at once.
    n = add_entries(alice, bot, days, 8, note="x" * 900)

    started = time.monotonic()
    export(alice, bot, "export csv %s" % span(days))
    name, parts = read_inline(alice, bot, timeout=60)
    elapsed = time.monotonic() - started
    assert len(parts) >= 8
    assert all(len(p.body.encode()) <= 2048 for p in parts)
    lines = "".join(chunks(parts)).split("\n")
    assert lines[0] == CSV_HEADER and lines[-1] == ""
    assert len(lines) == n + 2
    for k, line in enumerate(lines[1:-1], 1):
        assert line.startswith("%d,acme,," % k) and "x" * 900 in line, line
    assert elapsed < 60


# -- failures: inline instead ------------------------------------------

def test_export__goes_inline__when_file_larger_than_upload_limit(
        small_upload_server, make_bot, client):
    bot = make_bot(small_upload_server, part=512)
    assert "files up to 256 bytes" in bot.log()
    alice = client(small_upload_server)
    days = past_days(2)
    n = add_entries(alice, bot, days, 3)

    export(alice, bot, "export csv %s" % span(days))
    name, parts = read_inline(alice, bot)
    text = "".join(chunks(parts))
    assert text.startswith(CSV_HEADER + "\n")
    assert len(text.strip("\n").split("\n")) == n + 1
    size = len(text.encode()) + n + 1     # CRLF on the wire
    bot.wait_log("(%d bytes is more than the upload service takes, 256)"
                 % size)


def test_export__falls_back_inline__when_slot_refused(
        picky_upload_server, make_bot, client):
    bot = make_bot(picky_upload_server, part=1024)
    alice = client(picky_upload_server)
    days = past_days(2)
    n = add_entries(alice, bot, days, 3)

    export(alice, bot, "export csv %s" % span(days))
    name, parts = read_inline(alice, bot)
    text = "".join(chunks(parts))
    assert text.startswith(CSV_HEADER + "\n")
    assert len(text.strip("\n").split("\n")) == n + 1
    line = bot.wait_log("could not upload %s for alice@localhost/" % name)
    assert "the upload service refused a slot: not-acceptable" in line, line
    assert "sending it inline" in line
    # Said once.
    assert bot.log().count("could not upload") == 1


def test_export__falls_back_inline__when_put_fails(dead_put_server,
                                                   make_bot, client):
    bot = make_bot(dead_put_server, part=1024)
    alice = client(dead_put_server)
    days = past_days(2)
    n = add_entries(alice, bot, days, 3)

    export(alice, bot, "export csv %s" % span(days), thread="t-put")
    name, parts = read_inline(alice, bot)
    assert all(p.thread == "t-put" for p in parts)
    text = "".join(chunks(parts))
    assert text.startswith(CSV_HEADER + "\n")
    assert len(text.strip("\n").split("\n")) == n + 1
    line = bot.wait_log("could not upload %s" % name)
    assert "PUT failed" in line, line
    assert bot.log().count("could not upload") == 1
    # The bot goes on serving.
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")


# -- disconnect and shutdown mid-way -----------------------------------

def wait_count(bot, text, n, timeout):
    end = time.monotonic() + timeout
    while bot.log().count(text) < n:
        assert time.monotonic() < end, "%r not seen %d times\n%s" % (
            text, n, bot.log_tail())
        time.sleep(0.05)


def test_upload__is_dropped_and_service_found_again__when_disconnected(
        stalling, stalling_put_server, make_bot, client):
    bot = make_bot(stalling_put_server)
    alice = client(stalling_put_server)
    days = past_days(1)
    add_entries(alice, bot, days, 2)
    stalling.accepted.clear()
    export(alice, bot, "export csv %s" % span(days))
    assert stalling.accepted.wait(10), "the PUT never connected"

    stalling_put_server.restart()
    bot.wait_log("dropped the delivery of ", timeout=10)
    wait_count(bot, "online as", 2, timeout=30)
    wait_count(bot, "HTTP upload: upload.localhost", 2, timeout=10)
    assert "could not upload" not in bot.log()


def test_upload__is_dropped_cleanly__when_bot_stops_mid_put(
        stalling, stalling_put_server, make_bot, client):
    bot = make_bot(stalling_put_server)
    alice = client(stalling_put_server)
    days = past_days(1)
    add_entries(alice, bot, days, 2)
    stalling.accepted.clear()
    export(alice, bot, "export csv %s" % span(days))
    assert stalling.accepted.wait(10), "the PUT never connected"
    # The hanging transfer does not hold up the chat.
    started = time.monotonic()
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    assert time.monotonic() - started < 2

    started = time.monotonic()
    assert bot.stop() == 0
    assert time.monotonic() - started < 5
    assert "dropped the delivery of " in bot.log()
    assert not SANITIZER_REPORT.search(bot.log()), bot.log()[-4000:]
