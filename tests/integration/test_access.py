"""Who may talk to timmy: access.allow for messages and subscriptions."""


def test_message__is_ignored_and_logged__when_sender_not_allowed(bot, alice,
                                                                   stranger):
    stranger.send(bot.jid, "start evil plans")
    stranger.send(bot.jid, "status")
    # The bot handles stanzas in order: once an allowed user has an answer
    # to a later message, give a stray reply two more seconds to show up.
    assert alice.ask(bot.jid, "status").startswith("Nothing is running.")
    stranger.expect_silence(bot.jid, 2.0)

    line = bot.wait_log("ignored message from stranger@localhost", timeout=5)
    assert "not in access.allow" in line, line
    assert bot.query("SELECT * FROM users WHERE jid LIKE 'stranger@%'") == []
    assert bot.query("SELECT * FROM entries") == []


def test_subscription__is_accepted_and_returned__when_contact_allowed(bot,
                                                                      carol):
    carol.subscribe(bot.jid)
    carol.wait_presence(bot.jid, "subscribed")
    carol.wait_presence(bot.jid, "subscribe")
    # Now subscribed, carol sees the bot online.
    carol.wait_presence(bot.full_jid, "available")


def test_subscription__is_refused__when_contact_not_allowed(bot, stranger):
    stranger.subscribe(bot.jid)
    stranger.wait_presence(bot.jid, "unsubscribed")
    stranger.expect_no_presence(bot.jid, "subscribed", 1.0)
    stranger.expect_no_presence(bot.jid, "subscribe", 0.1)
    stranger.expect_no_presence(bot.jid, "available", 0.1)
