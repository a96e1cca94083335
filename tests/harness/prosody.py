"""A private Prosody 0.12 for tests, demos and benchmarks.

PrivateProsody writes a configuration into a fresh temporary directory,
makes a self-signed certificate for "localhost", registers accounts with
prosodyctl and runs `prosody -F` as a direct child process. It listens on
127.0.0.1 only, on free ports picked by the kernel, with federation off.
It is stopped by its PID (SIGTERM, then SIGKILL) and the directory is
removed on close().

Ready means the c2s port answers a stream header with <starttls> inside
<stream:features>; start() polls for that instead of sleeping.

With upload=True it also runs XEP-0363 HTTP file upload: the
http_file_share component "upload.<domain>", found through disco#items of
the domain, served over HTTPS on 127.0.0.1 and a free port.

With muc=True it also runs XEP-0045 multi-user chat as the component
"conference.<domain>": rooms are made by their first joiner, open at once
(no locked room waiting for its configuration) and, unless muc_public_jids
is False, non-anonymous (every occupant sees the others' real JIDs);
Client.configure_room changes one room.
"""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
from .started import Started

PROSODY = os.environ.get("PROSODY", "prosody")
PROSODYCTL = os.environ.get("PROSODYCTL", "prosodyctl")


class ProsodyError(RuntimeError):
    """Prosody could not be configured, started or stopped."""


def free_port(host="127.0.0.1"):
    """Returns a TCP port that was free on host a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def tail(path, lines=40):
    """The last lines of a text file, or a note that it is missing."""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return "(%s: %s)\n" % (path, e.strerror)


def lua_string(s):
    """A Lua double-quoted string literal for s."""
    out = ['"']
    for ch in str(s):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32:
            out.append("\\%03d" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _encode(part):
    """A name as Prosody's util.datamanager encodes it in file names."""
    return "".join(c if c.isascii() and c.isalnum() else "%%%02x" % ord(c)
                   for c in part)


class PrivateProsody(Started):
    """A Prosody server of our own, on 127.0.0.1 and free ports.

    Attributes: host ("127.0.0.1"), port (c2s), domain ("localhost"),
    cert_path (the self-signed certificate, PEM; trust it as a CA),
    dir (the temporary directory), pid (None when stopped),
    accounts (dict user -> password of the accounts registered here).
    """

    def __init__(self, hibernation_time=5, log_level="info",
                 ready_timeout=20.0, domain="localhost", extra_config="",
                 upload=False, upload_size_limit=1024 * 1024,
                 upload_config="", c2s_rate="100mb/s",
                 c2s_burst="10s", muc=False, muc_public_jids=True):
        """upload: serve XEP-0363 HTTP upload (see _upload_config);
        upload_size_limit: the largest file it takes, in bytes (it says
        so in disco#info as max-file-size); upload_config: more lines for
        the upload component, e.g. 'http_file_share_allowed_file_types =
        { "image/png" }' to make it refuse other files. c2s_rate and
        c2s_burst: how fast Prosody reads from each client once a burst
        is used up (Prosody's defaults are "10kb/s" and "2s")."""
        self.host = "127.0.0.1"
        self.domain = domain
        self.hibernation_time = hibernation_time
        self.log_level = log_level
        self.ready_timeout = ready_timeout
        self.extra_config = extra_config
        self.upload = upload
        self.upload_size_limit = int(upload_size_limit)
        self.upload_config = upload_config
        self.c2s_rate = c2s_rate
        self.c2s_burst = c2s_burst
        self.upload_domain = "upload." + domain if upload else None
        self.muc_domain = "conference." + domain if muc else None
        self.muc_public_jids = muc_public_jids
        self.https_port = None
        self.accounts = {}
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="timmy-prosody-")
        try:
            self.data_path = os.path.join(self.dir, "data")
            os.mkdir(self.data_path, 0o700)
            self.config_path = os.path.join(self.dir, "prosody.cfg.lua")
            self.log_path = os.path.join(self.dir, "prosody.log")
            self.console_path = os.path.join(self.dir, "prosody.console")
            self.pid_path = os.path.join(self.dir, "prosody.pid")
            self.cert_dir = os.path.join(self.dir, "certs")
            os.mkdir(self.cert_dir, 0o700)
            self.cert_path = os.path.join(self.cert_dir, domain + ".crt")
            self.key_path = os.path.join(self.cert_dir, domain + ".key")
            self.port = free_port(self.host)
            if upload:
                self.https_port = free_port(self.host)
            self._make_certificate()
            self._write_config()
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    # -- set-up --------------------------------------------------------

    def _make_certificate(self):
        cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
               "-days", "2", "-subj", "/CN=%s" % self.domain,
               "-addext", "subjectAltName=DNS:%s,IP:%s" % (self.domain,
                                                          self.host),
               "-keyout", self.key_path, "-out", self.cert_path]
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        if r.returncode != 0:
            raise ProsodyError("openssl failed:\n" +
                               r.stdout.decode(errors="replace"))
        os.chmod(self.key_path, 0o600)

    def _write_config(self):
        ssl = "{ key = %s; certificate = %s; }" % (
            lua_string(self.key_path), lua_string(self.cert_path))
        lines = [
            "-- Written by tests/harness/prosody.py; removed with this directory.",
            "run_as_root = %s" % ("true" if os.geteuid() == 0 else "false"),
            "daemonize = false",
            "interfaces = { %s }" % lua_string(self.host),
            "local_interfaces = { %s }" % lua_string(self.host),
            "c2s_ports = { %d }" % self.port,
            "c2s_direct_tls_ports = { }",
            "s2s_ports = { }",
            "s2s_direct_tls_ports = { }",
            "component_ports = { }",
            "http_ports = { }",
            "https_ports = { %s }" % (self.https_port or ""),
            "data_path = %s" % lua_string(self.data_path),
            "pidfile = %s" % lua_string(self.pid_path),
            "log = { { levels = { min = %s }; to = \"file\"; filename = %s; } }"
            % (lua_string(self.log_level), lua_string(self.log_path)),
            "authentication = \"internal_hashed\"",
            "storage = \"internal\"",
            "c2s_require_encryption = true",
            "allow_registration = false",
            "network_settings = { nagle = false }",
            "limits = { c2s = { rate = %s; burst = %s } }" % (
                lua_string(self.c2s_rate), lua_string(self.c2s_burst)),
            "smacks_hibernation_time = %d" % int(self.hibernation_time),
            # adhoc as in Debian's default configuration (admin_adhoc
            # loads it): clients such as Profanity offer command menus
            # only when the user's own server advertises XEP-0050.
            "modules_enabled = { \"roster\", \"saslauth\", \"tls\", \"disco\","
            " \"ping\", \"carbons\", \"smacks\", \"limits\", \"adhoc\" }",
            "certificates = %s" % lua_string(self.cert_dir),
            "ssl = %s" % ssl,
            "",
            "VirtualHost %s" % lua_string(self.domain),
            "    ssl = %s" % ssl,
            "",
        ]
        if self.upload:
            # Global options before the first VirtualHost, the component
            # after it.
            global_lines, component_lines = self._upload_config(ssl)
            lines[2:2] = global_lines
            lines += component_lines
        if self.muc_domain:
            lines += self._muc_config()
        if self.extra_config:
            # Global options must come before the first VirtualHost.
            lines.insert(2, self.extra_config)
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))

    def _upload_config(self, ssl):
        """Lines for XEP-0363 upload: mod_http_file_share as the component
        upload.<domain> (mod_disco lists it in the domain's disco#items).

        HTTPS rather than plain HTTP, so tests go through the same verified
        TLS path as a real deployment: the URLs say https://<domain>:PORT/
        (http_host), the certificate is the one made for <domain>, and the
        bot trusts it the way it trusts the XMPP port, through SSL_CERT_FILE
        (harness.Bot sets it; timmy hands it to libcurl, which reads no CA
        variable of its own). Verification stays on everywhere.

        Prosody picks the HTTP app by the Host header, which is why
        http_host must be the name in the URL. A daily quota of many
        files keeps a test run's exports from hitting the default one
        (ten times the size limit). Returns (global lines, component
        lines)."""
        return [
            "https_interfaces = { %s }" % lua_string(self.host),
            "https_ssl = %s" % ssl,
        ], [
            "Component %s \"http_file_share\"" % lua_string(
                self.upload_domain),
            "    http_host = %s" % lua_string(self.domain),
            "    http_file_share_size_limit = %d" % self.upload_size_limit,
            "    http_file_share_daily_quota = %d" % (
                1000 * max(self.upload_size_limit, 1)),
            "    " + self.upload_config.replace("\n", "\n    "),
            "",
        ]

    def _muc_config(self):
        """Lines for the XEP-0045 component conference.<domain>.
        muc_room_locking = false: a room its first joiner makes is open
        at once (Prosody otherwise holds it locked until the owner
        submits its configuration form, and others cannot join)."""
        return [
            "Component %s \"muc\"" % lua_string(self.muc_domain),
            "    muc_room_locking = false",
            "    muc_room_default_public_jids = %s" % (
                "true" if self.muc_public_jids else "false"),
            "",
        ]

    def room(self, name):
        """The bare JID of room name on the MUC component."""
        return "%s@%s" % (name, self.muc_domain)

    def upload_url_base(self):
        """https://<domain>:<port>/, where upload URLs start (None without
        upload)."""
        if not self.upload:
            return None
        return "https://%s:%d/" % (self.domain, self.https_port)

    def https_connection(self, url, timeout=15):
        """(conn, parts): an http.client.HTTPSConnection to this server's
        address at the port of url (an upload URL, https://localhost:PORT/
        ...), its certificate checked for the URL's host name, which SNI
        names too, so that a machine without an /etc/hosts entry for
        localhost does not matter; and url split (urllib.parse)."""
        u = urllib.parse.urlsplit(url)
        ctx = ssl.create_default_context(cafile=self.cert_path)
        conn = http.client.HTTPSConnection(self.host, u.port, context=ctx,
                                           timeout=timeout)
        conn.sock = ctx.wrap_socket(
            socket.create_connection((self.host, u.port), timeout=timeout),
            server_hostname=u.hostname)
        return conn, u

    # -- accounts ------------------------------------------------------

    def register(self, user, password):
        """Creates user@domain with password (works running or stopped).
        Returns the bare JID."""
        r = subprocess.run(
            [PROSODYCTL, "--config", self.config_path, "register", user,
             self.domain, password],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=30)
        if r.returncode != 0:
            raise ProsodyError("prosodyctl register %s failed (%d):\n%s" % (
                user, r.returncode, r.stdout.decode(errors="replace")))
        self.accounts[user] = password
        return self.jid(user)

    def drop_offline(self, user):
        """Throws away the messages offline storage holds for user (with
        storage "internal", a file that mod_offline reads at each login).
        For a new bot on a server shared by many tests: a message an
        earlier test's bot left unanswered must not reach a fresh
        database. Returns how many messages there were."""
        path = os.path.join(self.data_path, _encode(self.domain), "offline",
                            _encode(user) + ".list")
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                held = f.read().count("item(")
            os.remove(path)
        except FileNotFoundError:
            return 0
        return held

    def write_roster(self, user, contacts):
        """Writes the roster of user (registered here) into the server's
        internal storage, replacing it: contacts maps each contact's bare
        JID to its subscription ("none", "to", "from" or "both"). Much
        faster than subscriptions made one by one, for rosters of
        thousands. Only while user has no session: Prosody keeps the roster
        of an account logged in in memory and writes it back.

        The format is what Prosody writes itself (util/datamanager.lua:
        DATA/HOST/roster/USER.dat, "return " and a Lua table;
        core/rostermanager.lua: the item [false] holds the roster's
        version and the pending requests)."""
        d = os.path.join(self.data_path, _encode(self.domain), "roster")
        os.makedirs(d, 0o700, exist_ok=True)
        lines = ["return {"]
        for jid, sub in contacts.items():
            lines.append("\t[%s] = { subscription = %s; groups = {}; };"
                         % (lua_string(jid), lua_string(sub)))
        lines.append("\t[false] = { version = %d; pending = {}; };"
                     % (len(contacts) + 1))
        lines.append("};\n")
        path = os.path.join(d, _encode(user) + ".dat")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))

    def jid(self, user):
        """The bare JID of user on this server."""
        return "%s@%s" % (user, self.domain)

    # -- process -------------------------------------------------------

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        """Starts Prosody and waits until the c2s port offers STARTTLS.
        Raises ProsodyError with the log tail if it does not within
        ready_timeout seconds. Data from an earlier run is kept."""
        if self.running:
            return self
        with open(self.console_path, "ab") as out:
            self.proc = subprocess.Popen(
                [PROSODY, "--config", self.config_path, "-F"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                cwd=self.dir, start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer"
        while True:
            if self.proc.poll() is not None:
                raise ProsodyError("prosody exited with status %d before it "
                                   "was ready\n%s" % (self.proc.returncode,
                                                      self.diagnostics()))
            ok, last = self.probe()
            if ok:
                return
            if time.monotonic() >= deadline:
                raise ProsodyError("prosody not ready after %.0f s (%s)\n%s" % (
                    self.ready_timeout, last, self.diagnostics()))
            time.sleep(0.05)

    def probe(self, timeout=1.0):
        """Opens a stream on the c2s port. Returns (True, features) when the
        features offer STARTTLS, else (False, what happened)."""
        header = ("<?xml version='1.0'?><stream:stream to='%s' "
                  "xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' "
                  "version='1.0'>" % self.domain).encode()
        try:
            with socket.create_connection((self.host, self.port),
                                          timeout=timeout) as s:
                s.sendall(header)
                data = b""
                end = time.monotonic() + timeout
                while b"</stream:features>" not in data:
                    if time.monotonic() >= end:
                        return False, "incomplete answer %r" % data[-200:]
                    chunk = s.recv(4096)
                    if not chunk:
                        return False, "closed after %r" % data[-200:]
                    data += chunk
                text = data.decode(errors="replace")
                features = text[text.index("<stream:features"):]
                if "<starttls" in features:
                    return True, features
                return False, "no starttls in %r" % features
        except OSError as e:
            return False, str(e)

    def stop(self, timeout=10.0):
        """Stops Prosody by its PID (SIGTERM, SIGKILL after timeout) and
        keeps its data. Returns the exit status, None if not running."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def kill(self):
        """SIGKILL, for fault tests. Returns the exit status."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        return proc.wait()

    def restart(self):
        """stop() then start(), on the same port, with the same data."""
        self.stop()
        return self.start()

    def close(self):
        """Stops Prosody and removes the temporary directory."""
        try:
            self.stop()
        finally:
            if self.dir and os.path.isdir(self.dir):
                shutil.rmtree(self.dir, ignore_errors=True)

    def diagnostics(self, lines=30):
        """Tails of Prosody's log and console output, for error messages."""
        return ("--- %s ---\n%s--- %s ---\n%s" % (
            self.log_path, tail(self.log_path, lines),
            self.console_path, tail(self.console_path, lines)))

    # -- clients -------------------------------------------------------

    def client(self, user, password=None, resource="test", **kwargs):
        """A connected harness Client for user (registered here)."""
        from .client import Client
        if password is None:
            password = self.accounts[user]
        return Client(self.jid(user) + "/" + resource, password,
                      host=self.host, port=self.port, cert_path=self.cert_path,
                      **kwargs)

    def __repr__(self):
        return "<PrivateProsody %s:%s pid=%s dir=%s>" % (
            self.host, self.port, self.pid, self.dir)
