"""A synchronous XMPP test client on top of slixmpp.

Client runs a slixmpp ClientXMPP on its own asyncio loop in a background
thread and offers blocking calls to the test (or demo) thread: send a
message, ask and wait for the reply, check that nothing arrives, watch
presence. It connects to 127.0.0.1 with STARTTLS and trusts exactly one
certificate (the private server's), with verification on.

Every received message and presence stanza is recorded as a Received
(plain data, safe to read from any thread). Messages also go to an inbox
that next_message()/ask() consume in arrival order.
"""

import asyncio
import copy
import logging
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

log = logging.getLogger("harness.client")

NS_CLIENT = "jabber:client"
NS_DELAY = "urn:xmpp:delay"
NS_SID = "urn:xmpp:sid:0"
NS_CHATSTATES = "http://jabber.org/protocol/chatstates"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = NS_MUC + "#user"
NS_MUC_OWNER = NS_MUC + "#owner"


class ClientError(AssertionError):
    """A client call failed: no connection, no reply, an unwanted reply.
    An AssertionError so that pytest reports it as a test failure."""


def bare(jid):
    """The bare form of a JID string (no resource)."""
    return str(jid).split("/", 1)[0]


def jid_matches(pattern, jid):
    """A bare pattern matches any resource; a full one only itself."""
    if pattern is None:
        return True
    pattern, jid = str(pattern), str(jid)
    if "/" in pattern:
        return pattern == jid
    return bare(jid) == pattern


@dataclass
class Received:
    """A stanza as it arrived. type is the raw attribute (None when absent:
    "normal" for a message, "available" for a presence); body and thread
    are None when the element is absent."""
    kind: str                       # "message" or "presence"
    from_: str
    to: str
    type: object
    id: object
    body: object = None
    thread: object = None
    delays: list = field(default_factory=list)   # XEP-0203 stamps
    xml: str = ""
    element: object = None          # a copy of the ElementTree element
    at: float = 0.0                 # time.monotonic() on arrival

    @property
    def from_bare(self):
        return bare(self.from_)

    @property
    def chat_state_only(self):
        """True for a message that carries nothing but XEP-0085 chat
        states ("composing" before a slow command's reply): no one
        reads it, so it breaks no silence."""
        if self.kind != "message" or self.body is not None \
                or self.element is None or len(self.element) == 0:
            return False
        return all(c.tag.startswith("{%s}" % NS_CHATSTATES)
                   for c in self.element)

    @property
    def presence_type(self):
        """Presence type with "available" for an absent attribute."""
        return self.type or "available"


class _Xmpp(slixmpp.ClientXMPP):
    """ClientXMPP that connects to a fixed address: slixmpp otherwise
    resolves the JID's domain, which for "localhost" may give ::1."""

    def __init__(self, jid, password, address):
        super().__init__(jid, password)
        self._fixed_address = address
        # Connecting to an IP address leaves slixmpp without a server name
        # for TLS: no SNI and no hostname check. The JID's domain is the
        # name the certificate must carry.
        self.default_domain = self.boundjid.domain

    async def get_dns_records(self, domain, port=None):
        host, fixed_port = self._fixed_address
        return [(domain, host, fixed_port)]


class Client:
    """A logged-in XMPP client. Construct it to connect (blocks until the
    session started, the roster was fetched and presence was sent, or
    raises ClientError); disconnect() or the with-statement ends it.
    on_message, if given, is called with each Received message from the
    loop thread (keep it short; the message also goes to the inbox)."""

    def __init__(self, jid, password, host="127.0.0.1", port=5222,
                 cert_path=None, timeout=10.0, send_presence=True,
                 auto_authorize=None, auto_subscribe=False, on_message=None,
                 drop_offline=False):
        self.requested_jid = jid
        # Messages the server kept while this account was offline (they
        # carry a <delay>): a test sharing one server with others may
        # find an earlier test's late replies there. drop_offline skips
        # them; tests about offline delivery keep them.
        self.drop_offline = drop_offline
        self.password = password
        self.address = (host, int(port))
        self.cert_path = cert_path
        self.timeout = timeout
        self.send_initial_presence = send_presence
        self.auto_authorize = auto_authorize
        self.auto_subscribe = auto_subscribe
        self.on_message = on_message   # called in the loop thread

        self.messages = []      # every message, in arrival order
        self.presences = []     # every presence, in arrival order
        self._inbox = []        # messages not yet consumed by next_message
        self._cond = threading.Condition()
        self._ready = threading.Event()
        self._error = None
        self._connected = False
        self._loop = None
        self.xmpp = None
        self.jid = None         # the bound full JID, once connected

        self._thread = threading.Thread(
            target=self._run, name="xmpp-%s" % jid, daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            error = self._error or "no session within %.0f s" % timeout
            self._shutdown(1.0)
            raise ClientError("%s could not log in to %s:%d: %s" % (
                jid, host, port, error))

    # -- the loop thread -----------------------------------------------

    def _run(self):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            self._setup()
        except Exception as e:  # reported to the constructor
            self._error = "set-up failed: %r" % e
            self._ready.set()
        try:
            loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(
                    asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _setup(self):
        x = _Xmpp(self.requested_jid, self.password, self.address)
        self.xmpp = x
        if self.cert_path is not None:
            # Trust exactly this certificate: an empty client context (no
            # system CAs), hostname check and verification on; slixmpp
            # loads ca_certs into it before STARTTLS.
            x.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            x.ca_certs = Path(self.cert_path)
        x.auto_authorize = self.auto_authorize
        x.auto_subscribe = self.auto_subscribe
        x.whitespace_keepalive = False
        x.register_handler(Callback(
            "harness messages", MatchXPath("{%s}message" % NS_CLIENT),
            lambda st: self._record("message", st)))
        x.register_handler(Callback(
            "harness presences", MatchXPath("{%s}presence" % NS_CLIENT),
            lambda st: self._record("presence", st)))
        x.add_event_handler("session_start", self._on_session_start)
        x.add_event_handler("failed_all_auth",
                            lambda _: self._fail("authentication failed"))
        x.add_event_handler("ssl_invalid_chain",
                            lambda e: self._fail("certificate rejected: %s" % e))
        x.add_event_handler("connection_failed",
                            lambda e: self._note("connection failed: %s" % e))
        x.add_event_handler("stream_error",
                            lambda e: self._note("stream error: %s" % e))
        x.add_event_handler("disconnected", self._on_disconnected)
        x.connect(self.address)

    async def _on_session_start(self, _event):
        try:
            await self.xmpp.get_roster(timeout=self.timeout)
            if self.send_initial_presence:
                self.xmpp.send_presence()
            self.jid = str(self.xmpp.boundjid)
            self._connected = True
        except Exception as e:
            self._error = "session start failed: %r" % e
        self._ready.set()

    def _fail(self, why):
        self._error = why
        self._ready.set()
        if self.xmpp is not None:
            self.xmpp.cancel_connection_attempt()
            self.xmpp.abort()

    def _note(self, why):
        if not self._ready.is_set():
            self._error = why   # reported if the session never starts

    def _on_disconnected(self, _reason):
        with self._cond:
            self._connected = False
            self._cond.notify_all()

    def _record(self, kind, st):
        el = st.xml
        body = el.find("{%s}body" % NS_CLIENT)
        thread = el.find("{%s}thread" % NS_CLIENT)
        r = Received(
            kind=kind, from_=el.get("from", ""), to=el.get("to", ""),
            type=el.get("type"), id=el.get("id"),
            body=None if body is None else (body.text or ""),
            thread=None if thread is None else (thread.text or ""),
            delays=[d.get("stamp") for d in el.findall("{%s}delay" % NS_DELAY)],
            xml=str(st), element=copy.deepcopy(el), at=time.monotonic())
        if kind == "message" and self.drop_offline and r.delays:
            return
        with self._cond:
            if kind == "message":
                self.messages.append(r)
                self._inbox.append(r)
            else:
                self.presences.append(r)
            self._cond.notify_all()
        if kind == "message" and self.on_message is not None:
            try:
                self.on_message(r)
            except Exception:
                log.exception("on_message callback failed")

    def _call(self, fn, *args, **kwargs):
        """Runs fn in the loop thread and returns its result."""
        if self._loop is None or self._loop.is_closed():
            raise ClientError("client %s is closed" % self.requested_jid)

        async def run():
            return fn(*args, **kwargs)
        fut = asyncio.run_coroutine_threadsafe(run(), self._loop)
        return fut.result(self.timeout)

    # -- sending -------------------------------------------------------

    @property
    def connected(self):
        return self._connected

    def send(self, to, body, thread=None, mtype="chat", id=None,
             origin_id=None):
        """Sends a message (no <body/> when body is None). mtype None
        leaves the type attribute out. origin_id adds <origin-id/>
        (XEP-0359), which names the message whatever its stanza id, as a
        client that sends it again does. Returns the stanza id."""
        mid = id or uuid.uuid4().hex

        def build():
            msg = self.xmpp.make_message(mto=to, mbody=body, mtype=mtype)
            if mtype is None:
                del msg["type"]
            msg["id"] = mid
            if thread is not None:
                msg["thread"] = thread
            if origin_id is not None:
                msg.xml.append(ET.Element("{%s}origin-id" % NS_SID,
                                          {"id": origin_id}))
            msg.send()
        self._call(build)
        return mid

    def send_raw(self, xml):
        """Sends raw XML (a whole stanza) as is."""
        self._call(self.xmpp.send_raw, xml)

    def iq(self, to, payload_xml, itype="get", timeout=None):
        """Sends an iq of type itype carrying payload_xml (one element, as
        a string) to `to` and returns the answer's ElementTree element,
        a result or an error. Raises ClientError when none comes."""
        wait = timeout or self.timeout

        async def run():
            iq = self.xmpp.Iq()
            iq["to"] = to
            iq["type"] = itype
            iq.append(ET.fromstring(payload_xml))
            try:
                answer = await iq.send(timeout=wait)
            except IqError as e:
                answer = e.iq
            except IqTimeout:
                return None
            return copy.deepcopy(answer.xml)
        fut = asyncio.run_coroutine_threadsafe(run(), self._loop)
        el = fut.result(wait + 2)
        if el is None:
            raise ClientError("no answer to iq %s from %s" % (payload_xml, to))
        return el

    def ask(self, to, body, timeout=None, thread=None, mtype="chat"):
        """Sends body to `to` and returns the body of the next message
        with a body from it. Raises ClientError on timeout or when the
        answer is an error stanza."""
        self.send(to, body, thread=thread, mtype=mtype)
        r = self.next_message(to, timeout, what="reply to %r" % body)
        return r.body

    def next_message(self, from_jid=None, timeout=None, with_body=True,
                     what="message"):
        """Consumes and returns the next message from from_jid (bare: any
        resource), skipping body-less ones when with_body. Raises
        ClientError on timeout or on a message of type error."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, r in enumerate(self._inbox):
                    if not jid_matches(from_jid, r.from_):
                        continue
                    if with_body and r.body is None and r.type != "error":
                        continue
                    del self._inbox[i]
                    if r.type == "error":
                        raise ClientError("%s got an error from %s while "
                                          "waiting for %s: %s" % (
                                              self.jid, r.from_, what, r.xml))
                    return r
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ClientError(
                        "%s: no %s from %s within %.1f s (unread: %s)" % (
                            self.jid, what, from_jid or "anyone", timeout,
                            [m.xml for m in self._inbox] or "none"))
                self._cond.wait(left)

    def expect_silence(self, from_jid, seconds):
        """Waits `seconds` and raises ClientError if any message from
        from_jid arrives meanwhile or is already unread, chat states
        alone (Received.chat_state_only) aside."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while True:
                got = [r for r in self._inbox if jid_matches(from_jid, r.from_)
                       and not r.chat_state_only]
                if got:
                    raise ClientError("%s expected silence from %s but got: %s"
                                      % (self.jid, from_jid,
                                         [r.xml for r in got]))
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)

    def unread(self, from_jid=None):
        """Messages not consumed yet (from from_jid if given)."""
        with self._cond:
            return [r for r in self._inbox if jid_matches(from_jid, r.from_)]

    # -- rooms (XEP-0045) ----------------------------------------------

    def join_room(self, room, nick, history=None, timeout=None):
        """Enters room (bare JID) as nick and waits for our own presence
        in it (status 110). history None asks for none. Returns the
        self-presence as a Received."""
        since = time.monotonic()
        hist = "" if history is None else "<history maxstanzas='%d'/>" % history
        self.send_raw("<presence to='%s/%s'><x xmlns='%s'>%s</x></presence>"
                      % (room, nick, NS_MUC, hist))
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while True:
                for p in self.presences:
                    if p.at >= since and p.from_ == "%s/%s" % (room, nick) \
                            and self._muc_status(p, "110"):
                        return p
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ClientError("%s could not join %s as %s" % (
                        self.jid, room, nick))
                self._cond.wait(left)

    @staticmethod
    def _muc_status(p, code):
        x = p.element.find("{%s}x" % NS_MUC_USER)
        return x is not None and any(
            s.get("code") == code for s in x.findall("{%s}status" % NS_MUC_USER))

    def leave_room(self, room, nick):
        self.send_raw("<presence to='%s/%s' type='unavailable'/>" % (room, nick))

    def configure_room(self, room, **fields):
        """As the room's owner, submits its configuration form with
        fields, e.g. configure_room(r, **{"muc#roomconfig_whois":
        "moderators"}) for a semi-anonymous room. Raises ClientError
        when the room refuses."""
        values = "".join("<field var='%s'><value>%s</value></field>" % kv
                         for kv in fields.items())
        el = self.iq(room, "<query xmlns='%s'><x xmlns='jabber:x:data' "
                     "type='submit'><field var='FORM_TYPE'><value>%s#roomconfig"
                     "</value></field>%s</x></query>" % (
                         NS_MUC_OWNER, NS_MUC, values), itype="set")
        if el.get("type") != "result":
            raise ClientError("configuring %s failed: %s" % (
                room, ET.tostring(el, encoding="unicode")))

    def say(self, room, body):
        """Sends body to everyone in room (a groupchat message)."""
        return self.send(room, body, mtype="groupchat")

    def next_groupchat(self, room, nick=None, timeout=None):
        """Consumes and returns the next groupchat message in room (from
        nick when given), skipping history (messages with a delay)."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        want = room if nick is None else "%s/%s" % (room, nick)
        with self._cond:
            while True:
                for i, r in enumerate(self._inbox):
                    if r.type == "groupchat" and not r.delays and \
                            r.body is not None and jid_matches(want, r.from_):
                        del self._inbox[i]
                        return r
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ClientError("%s: no groupchat from %s within %.1f s"
                                      " (unread: %s)" % (
                                          self.jid, want, timeout,
                                          [m.xml for m in self._inbox]))
                self._cond.wait(left)

    # -- presence ------------------------------------------------------

    def send_presence(self, to=None, ptype=None, status=None):
        """Sends a presence (available broadcast when to and ptype are None)."""
        self._call(self.xmpp.send_presence, pto=to, ptype=ptype,
                   pstatus=status)

    def send_show(self, show=None, idle_since=None, to=None):
        """Sends an available presence (broadcast unless to is given)
        with <show/> (away, xa, dnd, chat; None: none) and, when
        idle_since (epoch seconds) is given, an XEP-0319
        <idle xmlns='urn:xmpp:idle:1' since='...'/>."""
        def build():
            p = self.xmpp.make_presence(pto=to, pshow=show)
            if idle_since is not None:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                      time.gmtime(int(idle_since)))
                p.xml.append(ET.Element("{urn:xmpp:idle:1}idle",
                                        {"since": stamp}))
            p.send()
        self._call(build)

    def subscribe(self, jid):
        """Asks jid for a presence subscription."""
        self.send_presence(to=bare(jid), ptype="subscribe")

    def unsubscribe(self, jid):
        self.send_presence(to=bare(jid), ptype="unsubscribe")

    def approve(self, jid):
        """Accepts jid's subscription request (sends subscribed)."""
        self.send_presence(to=bare(jid), ptype="subscribed")

    def deny(self, jid):
        """Refuses or cancels jid's subscription (sends unsubscribed)."""
        self.send_presence(to=bare(jid), ptype="unsubscribed")

    def presences_from(self, from_jid, ptype=None, since=0.0):
        """Recorded presences from from_jid (bare: any resource), of type
        ptype ("available" for none) if given, received after `since`."""
        with self._cond:
            return [p for p in self.presences
                    if jid_matches(from_jid, p.from_) and p.at >= since
                    and (ptype is None or p.presence_type == ptype)]

    def wait_presence(self, from_jid, ptype="available", timeout=None,
                      since=0.0):
        """Returns the first presence from from_jid of type ptype received
        after `since` (a time.monotonic() value), waiting for it; raises
        ClientError on timeout."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = self.presences_from(from_jid, ptype, since)
                if got:
                    return got[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [p.xml for p in self.presences
                            if jid_matches(from_jid, p.from_)]
                    raise ClientError(
                        "%s: no presence of type %s from %s within %.1f s "
                        "(seen from it: %s)" % (self.jid, ptype, from_jid,
                                                timeout, seen or "none"))
                self._cond.wait(left)

    def expect_no_presence(self, from_jid, ptype, seconds, since=0.0):
        """Raises ClientError if a presence of ptype from from_jid arrives
        within `seconds` (or arrived after `since`)."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while True:
                got = self.presences_from(from_jid, ptype, since)
                if got:
                    raise ClientError("%s: unexpected presence: %s" % (
                        self.jid, [p.xml for p in got]))
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)

    def wait_disconnected(self, timeout=None):
        """Waits until the server closed our stream; raises on timeout."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._connected:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ClientError("%s still connected after %.1f s" % (
                        self.jid, timeout))
                self._cond.wait(left)

    # -- shutdown ------------------------------------------------------

    def disconnect(self, wait=2.0):
        """Closes the stream (waiting up to `wait` s for the server's
        answer), stops the loop and joins its thread. Idempotent."""
        self._shutdown(wait)

    def _shutdown(self, wait):
        loop, thread = self._loop, self._thread
        if thread is None:
            return
        if loop is not None and not loop.is_closed() and loop.is_running():
            async def close():
                x = self.xmpp
                if x is None:
                    return
                x.cancel_connection_attempt()
                if x.transport is not None:
                    try:
                        await asyncio.wait_for(
                            asyncio.shield(x.disconnect(wait=wait)), wait + 1)
                    except (asyncio.TimeoutError, Exception):
                        x.abort()
            try:
                asyncio.run_coroutine_threadsafe(close(), loop).result(wait + 3)
            except Exception as e:  # the loop is stopped below regardless
                log.debug("disconnect of %s: %r", self.requested_jid, e)
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:
                pass    # already closed
        else:
            # The loop thread may not have started the loop yet.
            deadline = time.monotonic() + 2
            while (thread.is_alive() and time.monotonic() < deadline
                   and (loop is None or not loop.is_running())):
                time.sleep(0.01)
                loop = self._loop
            if loop is not None and not loop.is_closed():
                try:
                    loop.call_soon_threadsafe(loop.stop)
                except RuntimeError:
                    pass
        thread.join(wait + 5)
        if thread.is_alive():
            log.warning("client thread of %s did not end", self.requested_jid)
        self._thread = None
        with self._cond:
            self._connected = False
            self._cond.notify_all()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.disconnect()
        return False

    def __repr__(self):
        return "<Client %s connected=%s>" % (self.jid or self.requested_jid,
                                             self._connected)
