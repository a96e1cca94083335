"""Which stanzas timmy answers, and how its replies are addressed."""

import pytest


def test_reply__goes_to_sending_resource_as_chat__when_user_has_two(
        bot, connect):
    laptop = connect("alice", "laptop")
    phone = connect("alice", "phone")
    phone.send(bot.jid, "status")
    r = phone.next_message(bot.jid)
    assert r.body.startswith("Nothing is running."), r.xml
    assert r.to == phone.jid == "alice@localhost/phone", r.xml
    assert r.type == "chat", r.xml
    assert r.from_ == bot.full_jid, r.xml
    assert r.thread is None, r.xml
    laptop.expect_silence(bot.jid, 0.5)


def test_reply__carries_the_thread__when_message_has_one(bot, alice):
    alice.send(bot.jid, "status", thread="thread-42")
    r = alice.next_message(bot.jid)
    assert r.body.startswith("Nothing is running."), r.xml
    assert r.thread == "thread-42", r.xml
    assert r.type == "chat", r.xml


@pytest.mark.parametrize("mtype", ["normal", None])
def test_reply__is_chat__when_message_type_is_normal(bot, alice, mtype):
    alice.send(bot.jid, "status", mtype=mtype)
    r = alice.next_message(bot.jid)
    assert r.body.startswith("Nothing is running."), r.xml
    assert r.type == "chat", r.xml


def test_message__gets_no_reply__when_groupchat_headline_error_or_bodyless(
        bot, alice):
    # To the full JID, so that the server delivers every type as is.
    alice.send(bot.full_jid, "start groupchat-project", mtype="groupchat")
    alice.send(bot.full_jid, "start headline-project", mtype="headline")
    alice.send(bot.full_jid, "start error-project", mtype="error")
    alice.send(bot.full_jid, None, mtype="chat")
    alice.send_raw("<message to='%s' type='chat'><body></body></message>"
                   % bot.full_jid)
    # Stanzas are handled in order: the first reply must be to this one.
    reply = alice.ask(bot.full_jid, "status")
    assert reply.startswith("Nothing is running. Today: "), reply
    alice.expect_silence(bot.jid, 0.5)
    assert bot.query("SELECT * FROM entries") == []
