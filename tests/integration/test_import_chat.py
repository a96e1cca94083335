"""Import in chat through a real Prosody: alice uploads a file with XEP-0363
(Prosody's http_file_share, https with the test certificate) and sends
the link in an XEP-0066 <x xmlns='jabber:x:oob'/>, with the text
"import", the link itself or none; the bot downloads it, recognises the
format and answers. Also the refusals (http, a host not allowed, a file
over import.max_bytes, an unknown format, a failed download), undo, the
twice-import and the same message delivered twice.

Files not on alice's own server come from a small HTTPS server of the
test's at https://127.0.0.1:PORT/ (the test certificate names that
address too), which import.hosts may list.
"""

import http.client
import http.server
import os
import ssl
import threading
import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from conftest import bot_storage, password, stop_and_judge_all
from harness import Bot, PrivateProsody, config_text

NS_UPLOAD = "urn:xmpp:http:upload:0"
NS_OOB = "jabber:x:oob"

TIMEW = (
    "inc 20260105T090000Z - 20260105T103000Z # acme design\n"
    "inc 20260105T110000Z - 20260105T114500Z # globex\n"
    "not an interval at all\n"
)
CSV = (
    "id,project,tags,note,start,stop,duration_seconds,duration_hours,"
    "breaks_seconds\r\n"
    "1,acme,design,,2026-01-06T09:00:00+00:00,2026-01-06T10:00:00+00:00,"
    "3600,1.00,0\r\n"
    "2,globex,,call,2026-01-06T13:00:00+00:00,2026-01-06T13:30:00+00:00,"
    "1800,0.50,0\r\n"
)


# -- servers -----------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    with PrivateProsody(upload=True) as s:
        for user in ("timmy", "alice", "bob"):
            s.register(user, password(user))
        yield s


class Files(http.server.BaseHTTPRequestHandler):
    """GET /NAME serves files[NAME]; /redirect/NAME answers 302 to the
    upload server; /slow/NAME waits before answering; else 404."""
    files = {}
    upload_base = ""

    def do_GET(self):
        path = self.path.lstrip("/")
        if path.startswith("redirect/"):
            self.send_response(302)
            self.send_header("Location", self.upload_base + path[9:])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path.startswith("nolength/"):
            # No Content-Length: the bound holds while the bytes come.
            self.send_response(200)
            self.end_headers()
            self.wfile.write(self.files.get(path[9:], b""))
            return
        if path.startswith("slow/"):
            time.sleep(3)
            path = path[5:]
        data = self.files.get(path)
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def files(server):
    """A threaded HTTPS server on 127.0.0.1 with the test certificate."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(server.cert_path, server.key_path)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    Files.upload_base = server.upload_url_base()
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield "https://127.0.0.1:%d/" % httpd.server_address[1], Files.files
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def make_bot(timmy_bin, request, server):
    """make_bot(import_section=None) -> a started bot allowing alice and
    bob; import_section: lines under import:, or None for none."""
    bots = []

    def make(import_section=None):
        storage = bot_storage(request)
        b = Bot(server, allow=[server.jid("alice"), server.jid("bob")],
                binary=timmy_bin, **storage)
        text = config_text(jid=server.jid("timmy"),
                           password=password("timmy"), host=server.host,
                           port=server.port, db_path=b.db_path,
                           allow=[server.jid("alice"), server.jid("bob")],
                           pg_url=storage.get("pg_url"))
        if import_section:
            text += "import:\n" + "".join(
                "  %s\n" % line for line in import_section)
        with open(b.config_path, "w") as f:
            f.write(text)
        os.chmod(b.config_path, 0o600)
        bots.append(b)
        request.node.timmy_bot = b
        b.start()
        return b

    yield make
    stop_and_judge_all(bots)


@pytest.fixture
def alice(server):
    c = server.client("alice", password("alice"), drop_offline=True)
    yield c
    c.disconnect()


@pytest.fixture
def bob(server):
    c = server.client("bob", password("bob"), drop_offline=True)
    yield c
    c.disconnect()


# -- helpers -----------------------------------------------------------

def upload(server, client, name, data, ctype="text/plain"):
    """XEP-0363: a slot from upload.localhost, then the PUT; returns the
    GET URL."""
    answer = client.iq(server.upload_domain,
                       "<request xmlns='%s' filename='%s' size='%d' "
                       "content-type='%s'/>" % (NS_UPLOAD, name, len(data),
                                                ctype))
    slot = answer.find("{%s}slot" % NS_UPLOAD)
    assert slot is not None, ET.tostring(answer)
    put = slot.find("{%s}put" % NS_UPLOAD)
    get = slot.find("{%s}get" % NS_UPLOAD).get("url")
    headers = {h.get("name"): h.text
               for h in put.findall("{%s}header" % NS_UPLOAD)}
    headers["Content-Type"] = ctype
    conn, u = server.https_connection(put.get("url"))
    try:
        headers["Host"] = u.netloc
        conn.request("PUT", u.path, body=data, headers=headers)
        r = conn.getresponse()
        assert r.status in (200, 201), r.status
    finally:
        conn.close()
    return get


def send_link(client, bot, url, body="", mid=None):
    """A message with the oob link; body None: no <body/> at all."""
    mid = mid or uuid.uuid4().hex
    body_xml = "" if body is None else "<body>%s</body>" % body
    client.send_raw(
        "<message to='%s' type='chat' id='%s'>%s<x xmlns='%s'><url>%s</url>"
        "</x></message>" % (bot.jid, mid, body_xml, NS_OOB, url))
    return mid


def answer(client, bot, timeout=30):
    return client.next_message(bot.jid, timeout=timeout,
                               what="answer to an import").body


def report(client, bot):
    return client.ask(bot.jid, "report 2026-01-05..2026-01-06")


# -- the chat path through Prosody's upload ------------------------------

def test_import_chat__timewarrior_via_upload__imports_and_undo_takes_it_back(
        server, make_bot, alice):
    bot = make_bot()
    url = upload(server, alice, "2026-01.data", TIMEW.encode())
    send_link(alice, bot, url, body=url)   # as Conversations sends it
    reply = answer(alice, bot)
    assert reply.startswith("Imported 2 entries from timewarrior (file "
                            "2026-01.data); skipped 1:"), reply
    assert "skipped 2026-01.data:3:" in reply, reply
    assert '"undo" takes the whole import back.' in reply, reply
    r = report(alice, bot)
    assert "acme" in r and "1h 30m" in r and "globex" in r, r

    # The same file again: nothing new.
    send_link(alice, bot, url, body="import")
    again = answer(alice, bot)
    assert again.startswith("Nothing was imported from timewarrior"), again
    assert "already there" in again, again

    undone = alice.ask(bot.jid, "undo")
    assert "import timewarrior" in undone, undone
    assert "acme" not in report(alice, bot)


def test_import_chat__csv_without_body__imports(server, make_bot, alice):
    bot = make_bot()
    url = upload(server, alice, "timmy-export.csv", CSV.encode(), "text/csv")
    send_link(alice, bot, url, body=None)
    reply = answer(alice, bot)
    assert reply.startswith("Imported 2 entries from csv (file "
                            "timmy-export.csv)."), reply
    r = report(alice, bot)
    assert "acme" in r and "globex" in r and "1h 30m" in r, r


def test_import_chat__message_delivered_twice__imports_once_same_reply(
        server, make_bot, alice):
    bot = make_bot()
    url = upload(server, alice, "again.data", TIMEW.encode())
    mid = uuid.uuid4().hex
    send_link(alice, bot, url, body="Import", mid=mid)
    first = answer(alice, bot)
    assert first.startswith("Imported 2 entries"), first
    send_link(alice, bot, url, body="Import", mid=mid)
    second = answer(alice, bot)
    assert second == first
    undone = alice.ask(bot.jid, "undo")
    assert "import timewarrior" in undone, undone
    assert "acme" not in report(alice, bot)


def test_import_chat__delivered_again_after_the_file_is_gone__first_reply(
        make_bot, alice, files):
    """A message delivered a second time gets its first reply without the
    file being fetched again: by then it may be gone (here: 404)."""
    base, served = files
    served["gone.data"] = TIMEW.encode()
    bot = make_bot(["hosts: [127.0.0.1]"])
    mid = uuid.uuid4().hex
    send_link(alice, bot, base + "gone.data", mid=mid)
    first = answer(alice, bot)
    assert first.startswith("Imported 2 entries"), first
    del served["gone.data"]
    send_link(alice, bot, base + "gone.data", mid=mid)
    assert answer(alice, bot) == first


def test_import_chat__plain_import__says_how(make_bot, alice):
    bot = make_bot()
    reply = alice.ask(bot.jid, "import")
    assert "upload button" in reply and "timmy import" in reply, reply
    assert "Timewarrior" in reply and "Watson" in reply, reply
    assert "upload button" in alice.ask(bot.jid, "help import")


def test_import_chat__other_text_with_link__runs_as_command(
        server, make_bot, alice):
    bot = make_bot()
    url = upload(server, alice, "x.data", TIMEW.encode())
    send_link(alice, bot, url, body="status")
    reply = answer(alice, bot)
    assert reply.startswith("Nothing is running"), reply


def test_import_chat__http_link__refused(make_bot, alice):
    bot = make_bot()
    send_link(alice, bot, "http://localhost:1/x.data", body="import")
    reply = answer(alice, bot)
    assert "only fetch files over https://" in reply, reply


def test_import_chat__foreign_host__refused_then_allowed_by_import_hosts(
        make_bot, alice, files):
    base, served = files
    served["other.data"] = TIMEW.encode()
    bot = make_bot()
    send_link(alice, bot, base + "other.data")
    reply = answer(alice, bot)
    assert "127.0.0.1 is neither" in reply and "import.hosts" in reply, reply
    assert "acme" not in report(alice, bot)
    assert bot.stop() == 0

    bot = make_bot(["hosts: [127.0.0.1]"])
    send_link(alice, bot, base + "other.data")
    reply = answer(alice, bot)
    assert reply.startswith("Imported 2 entries from timewarrior (file "
                            "other.data)"), reply


def test_import_chat__failures__answered_and_nothing_imported(
        make_bot, alice, files):
    base, served = files
    served["big.data"] = (TIMEW * 100).encode()
    served["notes.txt"] = b"dear diary\n"
    bot = make_bot(["hosts: [127.0.0.1]", "max_bytes: 1000"])

    for path, says in (
            ("big.data", ("I cannot import big.data", "import.max_bytes")),
            ("nolength/big.data", ("I cannot import big.data",
                                   "larger than 1000 bytes")),
            ("missing.data", ("could not fetch missing.data from 127.0.0.1",
                              "404")),
            ("redirect/x.data", ("no redirects",)),
            ("notes.txt", ("I cannot import notes.txt",
                           "none of the formats"))):
        send_link(alice, bot, base + path)
        reply = answer(alice, bot)
        for words in says:
            assert words in reply, (path, reply)
    assert "acme" not in report(alice, bot)


def test_import_chat__slow_download__others_answered_meanwhile(
        make_bot, alice, bob, files):
    base, served = files
    served["late.data"] = TIMEW.encode()
    bot = make_bot(["hosts: [127.0.0.1]"])
    send_link(alice, bot, base + "slow/late.data")
    started = time.monotonic()
    status = bob.ask(bot.jid, "status")
    assert "Nothing is running" in status, status
    assert time.monotonic() - started < 2.5
    # One download per user at a time.
    send_link(alice, bot, base + "late.data")
    assert "still fetching your file late.data" in answer(alice, bot)
    reply = answer(alice, bot)
    assert reply.startswith("Imported 2 entries"), reply
