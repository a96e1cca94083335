"""Test harness for timmy: a private Prosody, XMPP test clients and the bot.

One harness serves the integration tests, `make demo` and the benchmarks:

    from harness import PrivateProsody, Client, Bot

    with PrivateProsody() as server:
        server.register("timmy", "secret")
        server.register("alice", "alice-pw")
        with Bot(server, jid="timmy@localhost", password="secret",
                 allow=["alice@localhost"]) as bot:
            with server.client("alice", "alice-pw") as alice:
                print(alice.ask(bot.jid, "status"))

Everything runs on 127.0.0.1, every process is a direct child killed by
its PID, and every file lives in a temporary directory removed at the end.
PrivatePostgres (the PostgreSQL backend's tests) listens on a Unix socket
in its directory only; its postmaster, started by pg_ctl, is stopped by
pg_ctl or, failing that, by its PID.
"""

from .clock import TICK, ahead_env, wall_now
from .prosody import PrivateProsody, ProsodyError
from .postgres import PostgresError, PrivatePostgres
from .client import Client, ClientError, Received
from .bot import (Bot, BotError, UNLIMITED, config_text, find_binary,
                  run_timmy, write_config)

__all__ = [
    "PrivateProsody", "ProsodyError",
    "PrivatePostgres", "PostgresError",
    "Client", "ClientError", "Received",
    "Bot", "BotError", "UNLIMITED", "config_text", "find_binary",
    "run_timmy", "write_config",
    "TICK", "ahead_env", "wall_now",
]
