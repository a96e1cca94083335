#!/usr/bin/python3
"""Try timmy in a terminal: a private Prosody, the bot, and a chat.

    /usr/bin/python3 tests/demo.py --bin ./timmy

Starts Prosody on 127.0.0.1 (a free port, a self-signed certificate for
"localhost"), creates timmy@localhost and demo@localhost, starts the bot
and chats with it as demo@localhost: every line you type goes to the bot,
its replies are printed as they arrive. A real client (Profanity, Gajim)
can log in as demo@localhost too, with the address and password shown.
Ctrl-D or Ctrl-C stops the bot and Prosody and removes their files.
"""

import argparse
import json
import logging
import os
import re
import secrets
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Bot, BotError, ClientError, PrivateProsody  # noqa: E402
from harness.prosody import ProsodyError  # noqa: E402

# How long to wait for the bot's answer before reading the next line.
REPLY_TIMEOUT = 10.0
# Characters XML 1.0 cannot carry: sent raw, the server would end this
# client's stream (a Ctrl-A typed by mistake), so they are left out.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# An answer in several messages (an export sent inline, in parts) is whole
# once the bot has been quiet this long after a part.
QUIET = 0.5


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Chat with timmy through a private Prosody.")
    p.add_argument("--bin", default=None,
                   help="the timmy binary (default: $TIMMY_BIN or ./timmy)")
    p.add_argument("--password", default=None,
                   help="password for demo@localhost (default: random)")
    p.add_argument("--timezone", default="UTC",
                   help="defaults.timezone for the bot (default: UTC)")
    p.add_argument("--pidfile", default=None,
                   help="write the PIDs and directories started, as JSON")
    return p.parse_args(argv)


class Terminal:
    """Prints the bot's replies from the client thread and lets the input
    loop wait for them."""

    def __init__(self, bot_jid, interactive):
        self.bot_jid = bot_jid
        self.interactive = interactive
        self.cond = threading.Condition()
        self.replies = 0

    def prompt(self):
        if self.interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()

    def on_message(self, r):
        if r.from_bare != self.bot_jid or r.body is None:
            return
        with self.cond:
            if self.interactive:
                sys.stdout.write("\r")   # over the prompt
            sys.stdout.write(r.body + "\n")
            sys.stdout.flush()
            self.replies += 1
            self.cond.notify_all()

    def count(self):
        with self.cond:
            return self.replies

    def wait_answer(self, before, timeout):
        """Waits for a reply beyond the first `before`, then for the rest
        of its parts; False when none came within timeout."""
        with self.cond:
            if not self.cond.wait_for(lambda: self.replies > before,
                                      timeout):
                return False
            while True:
                seen = self.replies
                if not self.cond.wait_for(lambda: self.replies > seen,
                                          QUIET):
                    return True


def chat(client, bot_jid, interactive):
    term = Terminal(bot_jid, interactive)
    client.on_message = term.on_message
    while True:
        term.prompt()
        line = sys.stdin.readline()
        if not line:
            break
        line = line.rstrip("\n")
        clean = NOT_XML.sub("", line)
        if clean != line:
            print("(left out control characters that XML cannot carry)",
                  flush=True)
            line = clean
        if not line.strip():
            continue
        if not interactive:
            print("> " + line, flush=True)
        before = term.count()
        client.send(bot_jid, line)
        # Wait for the whole answer so that output stays in order (and
        # piped input is not cut short by EOF).
        if not term.wait_answer(before, REPLY_TIMEOUT):
            print("(no answer within %.0f s)" % REPLY_TIMEOUT, flush=True)
    if interactive:
        print()


def banner(server, bot, user_jid, password):
    return "\n".join([
        "timmy demo - a private Prosody and the bot are running.",
        "",
        "  Log in as  %s" % user_jid,
        "  Password   %s" % password,
        "  Server     %s port %d (STARTTLS)" % (server.host, server.port),
        "  Bot        %s" % bot.jid,
        "  Processes  prosody pid %d, timmy pid %d" % (server.pid, bot.pid),
        "  Bot's log  %s" % bot.log_path,
        "",
        "  The server's certificate is self-signed for \"localhost\": accept it",
        "  in your client (Profanity: /tls allow; Gajim: trust the certificate).",
        "  In Profanity:",
        "    /connect %s server %s port %d" % (user_jid, server.host,
                                              server.port),
        "    /roster add %s" % bot.jid,
        "    /sub request %s" % bot.jid,
        "    /sub allow %s" % bot.jid,
        "    /msg %s help" % bot.jid,
        "",
        "Type commands for the bot (try \"help\"). Ctrl-D or Ctrl-C quits.",
        "",
    ])


def main(argv=None):
    args = parse_args(argv)
    if args.bin:
        os.environ["TIMMY_BIN"] = os.path.abspath(args.bin)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("slixmpp").setLevel(logging.CRITICAL)

    # SIGTERM ends the demo like Ctrl-C does: through the finally below.
    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    password = args.password or "demo-" + secrets.token_hex(4)
    server = bot = client = None
    try:
        server = PrivateProsody()
        server.register("timmy", secrets.token_urlsafe(18))
        user_jid = server.register("demo", password)
        server.start()
        bot = Bot(server, allow=[user_jid], timezone=args.timezone)
        bot.start()
        if args.pidfile:
            with open(args.pidfile, "w") as f:
                json.dump({"prosody": server.pid, "timmy": bot.pid,
                           "dirs": [server.dir, bot.dir]}, f)
        # No presence from the terminal: it chats, but whether the demo
        # user is here or away (the forgotten-timer question, reminders)
        # is for their real client, such as Profanity, to say.
        client = server.client("demo", password, resource="terminal",
                               send_presence=False)
        interactive = sys.stdin.isatty()
        print(banner(server, bot, user_jid, password), flush=True)
        chat(client, bot.jid, interactive)
        return 0
    except KeyboardInterrupt:
        print()
        return 0
    except (ProsodyError, BotError, ClientError) as e:
        print("demo: %s" % e, file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # let clean-up finish
        status = None
        if client is not None:
            client.disconnect()
        if bot is not None:
            try:
                status = bot.stop()
            except BotError as e:
                print("demo: %s" % e, file=sys.stderr)
            bot.close()
        if server is not None:
            server.close()
        if status not in (None, 0):
            print("demo: timmy exited with status %s" % status, file=sys.stderr)
        print("demo: stopped timmy and Prosody, removed their files.",
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
