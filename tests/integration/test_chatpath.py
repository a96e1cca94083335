"""The chat path's order of stanzas: what a command's sender waits for
(the reply) goes out before what only updates their contact list (the
directed presence with their timer, bot/timerstatus.h), so that the reply
is not held up behind the presence's routing."""

import re
import time

from test_roster_status import WHEN, subscribe


def reply_received(client, bot, prefix, since):
    """The message from the bot received after since whose body starts
    with prefix."""
    got = [m for m in client.messages
           if m.from_bare == bot.jid and m.at >= since
           and m.body is not None and m.body.startswith(prefix)]
    assert got, "no reply starting %r" % prefix
    return got[0]


def test_start__reply_arrives_before_the_contact_list_status__for_a_subscriber(
        bot, alice):
    # Subscribed now or by an earlier test on this server: either way
    # only a status naming acme can follow the start.
    subscribe(alice, bot)
    since = time.monotonic()
    assert alice.ask(bot.jid, "start acme").startswith("Started acme")
    status_at = None
    deadline = time.monotonic() + 10.0
    while status_at is None:
        for p in alice.presences_from(bot.full_jid, "available", since):
            el = p.element.find("{jabber:client}status")
            if el is not None and re.fullmatch(
                    re.escape("acme since ") + WHEN, el.text or ""):
                status_at = p.at
        assert time.monotonic() < deadline, "no status for acme"
        time.sleep(0.05)
    assert reply_received(alice, bot, "Started acme", since).at < status_at
