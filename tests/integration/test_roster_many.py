"""One account, many contacts: the bot's pass over its contacts after a
login, with a roster of hundreds written straight into a private
server's storage (PrivateProsody.write_roster). The pass sends statuses
in batches, each handled by the server before the next (bot/timerstatus.c:
a ping after each), so it must go on to the end, to the contacts after
many batches too."""

import re
import time

from conftest import password, stop_and_judge
from harness import Bot, PrivateProsody

NS_CLIENT = "jabber:client"
IDLE = "No timer running"
# Contacts whose accounts do not exist: the server drops what goes to them.
GHOSTS = 300
PASS_LINE = re.compile(r"contact statuses: (\d+) sent, (\d+) left for when "
                       r"they come online")


def status_of(p):
    el = p.element.find("{%s}status" % NS_CLIENT)
    return None if el is None else (el.text or "")


def test_status_pass__reaches_every_subscriber__across_many_batches(
        timmy_bin):
    """GHOSTS contacts and carol see the bot's presence (subscription
    'from': the bot cannot tell whether they are online, so each is sent
    a status), and GHOSTS more whose presence the bot sees and who are
    offline (left out). Every one of the first kind gets a status, carol
    hers whichever batch she is in; the pass says so at its end."""
    with PrivateProsody() as server:
        for user in ("timmy", "carol"):
            server.register(user, password(user))
        contacts = {"ghost%d@localhost" % i: "from" for i in range(GHOSTS)}
        contacts.update({"shade%d@localhost" % i: "both"
                         for i in range(GHOSTS)})
        contacts["carol@localhost"] = "from"
        server.write_roster("timmy", contacts)
        server.write_roster("carol", {"timmy@localhost": "to"})
        with server.client("carol", password("carol")) as carol:
            with Bot(server, allow=["*@localhost"],
                     binary=timmy_bin) as bot:
                line = bot.wait_log("contact statuses: ", timeout=30)
                m = PASS_LINE.search(line)
                assert m, line
                assert (int(m.group(1)), int(m.group(2))) == (
                    GHOSTS + 1, GHOSTS), line
                # First the bot's broadcast presence, without a status
                # (carol's subscription is 'to'), then the directed one.
                deadline = time.monotonic() + 10
                while IDLE not in [status_of(p) for p in carol.presences_from(
                        bot.full_jid, "available")]:
                    assert time.monotonic() < deadline, "no status for carol"
                    time.sleep(0.05)
                stop_and_judge(bot)
