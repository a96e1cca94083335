"""timmy migrate: a bot's SQLite database copied into a new PostgreSQL
database, where a bot on PostgreSQL answers as the first did, and back
into a new SQLite file. A private PostgreSQL (tests/harness/postgres.py)
beside the suite's Prosody; a database per test.
"""

import os

from conftest import stop_and_judge
from harness import Bot, run_timmy

ALICE = "alice@localhost"
PAST = "2026-01-05"


def add(client, bot, *bodies):
    for body in bodies:
        reply = client.ask(bot.jid, body)
        assert reply.startswith("Added #"), (body, reply)


def report(config, binary, *words):
    r = run_timmy(["report", "-c", config, "--user", ALICE] + list(words),
                  binary=binary)
    assert r.returncode == 0, r.stderr
    return r.stdout


def migrate(config, target, binary, *more):
    return run_timmy(["migrate", "-c", config, "--to", target] + list(more),
                     binary=binary, timeout=60)


def export(config, binary):
    r = run_timmy(["export", "-c", config, "--format", "csv"], binary=binary)
    assert r.returncode == 0, r.stderr
    return r.stdout


def sqlite_then_postgresql(server, postgres, alice, binary):
    """A bot on SQLite records three entries through chat and is stopped;
    its database is migrated into a new PostgreSQL database. Returns
    (the chat report of their day, the CSV export, the SQLite bot's
    config, the PostgreSQL database's conninfo)."""
    first = Bot(server, allow=[ALICE], binary=binary)
    try:
        first.start()
        add(alice, first, "add acme +design 9:00-10:30 %s fix it" % PAST,
            "add globex 11:00-11:45 %s" % PAST,
            "add acme 13:00-14:00 %s" % PAST)
        # A rate goes along: the report's amounts and the export's
        # billing columns must come out the same after the copy.
        assert alice.ask(first.jid, "rate acme 85 EUR").startswith(
            "Your rate for acme")
        chat = alice.ask(first.jid, "report %s by day" % PAST)
        assert "3h 15m" in chat, chat
        assert "212.50 EUR" in chat, chat
        stop_and_judge(first)
        url = postgres.new_database("migrate")
        r = migrate(first.config_path, url, binary)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert lines[0].split() == ["users", "1", "rows"], r.stdout
        assert lines[1].split() == ["entries", "3", "rows"], r.stdout
        assert ["rates", "1", "rows"] in [l.split() for l in lines], \
            r.stdout
        assert ("verified: 1 users, 3 entries, 3.25 h of stopped time "
                "equal on both") in r.stdout
        return chat, export(first.config_path, binary), first, url
    except BaseException:
        first.close()
        raise


def test_migrate__postgresql_bot_holds_the_same_entries__and_back_to_sqlite(
        server, postgres, alice, timmy_bin, tmp_path):
    _, csv_before, first, url = sqlite_then_postgresql(server, postgres,
                                                       alice, timmy_bin)
    pg_bot = Bot(server, allow=[ALICE], binary=timmy_bin, pg_url=url)
    back = Bot(server, allow=[ALICE], binary=timmy_bin,
               db_path=str(tmp_path / "back.db"))
    try:
        # A second copy into the same database is refused: it is not
        # empty any more.
        again = migrate(first.config_path, url, timmy_bin)
        assert again.returncode == 1
        assert "not empty" in again.stderr, again.stderr

        assert export(pg_bot.config_path, timmy_bin) == csv_before
        # The planner's statistics of the filled tables were gathered
        # (ANALYZE): without them a report was planned for empty tables
        # until autovacuum came by.
        assert pg_bot.query("SELECT count(*) FROM pg_stats WHERE"
                            " schemaname = 'public' AND tablename ="
                            " 'entries'")[0][0] > 0
        pg_bot.start()
        # The bot on PostgreSQL goes on where the other stopped: #4.
        assert alice.ask(pg_bot.jid, "add initech 15:00-15:30 %s" % PAST
                         ).startswith("Added #4")
        assert pg_bot.stop() == 0

        # And back, into a new SQLite file: the same entries, the same
        # report (read from SQLite, as the copy is).
        r = migrate(pg_bot.config_path, back.db_path, timmy_bin)
        assert r.returncode == 0, r.stderr
        assert ("verified: 1 users, 4 entries, 3.75 h of stopped time "
                "equal on both") in r.stdout
        csv_after = export(back.config_path, timmy_bin)
        assert csv_after == export(pg_bot.config_path, timmy_bin)
        assert csv_after.startswith(csv_before)
        assert ",initech," in csv_after
        assert "3h 45m" in report(back.config_path, timmy_bin, PAST, "by",
                                  "day")
        # The source is a copy's source only: it is as it was.
        assert export(first.config_path, timmy_bin) == csv_before
    finally:
        back.close()
        pg_bot.close()
        first.close()


def test_migrate__postgresql_bot_reports_the_same__as_the_sqlite_bot_did(
        server, postgres, alice, timmy_bin):
    chat, _, first, url = sqlite_then_postgresql(server, postgres, alice,
                                                 timmy_bin)
    pg_bot = Bot(server, allow=[ALICE], binary=timmy_bin, pg_url=url)
    try:
        pg_bot.start()
        assert alice.ask(pg_bot.jid, "report %s by day" % PAST) == chat
        assert pg_bot.stop() == 0
    finally:
        pg_bot.close()
        first.close()


def test_migrate__keeps_the_password_out_of_sight__and_checks_its_file(
        server, postgres, timmy_bin, tmp_path):
    src = Bot(server, allow=[ALICE], binary=timmy_bin)
    try:
        # An empty database of timmy's, as `timmy check` leaves it.
        assert run_timmy(["check", "-c", src.config_path],
                         binary=timmy_bin).returncode == 0
        name = postgres.new_database("secret").split("dbname=")[1].split()[0]
        # The server trusts local connections: any password is let in.
        url = postgres.url(name).replace("postgresql:///",
                                         "postgresql://postgres:s3cret@/")
        pw = tmp_path / "pw"
        pw.write_text("hunter2\n")
        os.chmod(pw, 0o644)
        r = migrate(src.config_path, url, timmy_bin, "--to-password-file",
                    str(pw))
        assert r.returncode == 1
        assert "--to-password-file" in r.stderr and "chmod 600" in r.stderr
        os.chmod(pw, 0o600)
        r = migrate(src.config_path, url, timmy_bin, "--to-password-file",
                    str(pw))
        assert r.returncode == 0, r.stderr
        assert "postgres:***@" in r.stdout, r.stdout
        for out in (r.stdout, r.stderr):
            assert "s3cret" not in out and "hunter2" not in out
        assert "verified: 0 users, 0 entries" in r.stdout
    finally:
        src.close()


def test_migrate__says_how__when_arguments_are_missing_or_wrong(
        server, timmy_bin, tmp_path):
    r = run_timmy(["migrate", "-c", "bot.yaml"], binary=timmy_bin)
    assert r.returncode == 2 and "--to TARGET" in r.stderr
    assert "Stop the bot" in r.stderr
    r = run_timmy(["migrate", "-c", "bot.yaml", "--to",
                   str(tmp_path / "x.db"), "--to-password-file", "pw"],
                  binary=timmy_bin)
    assert r.returncode == 2 and "PostgreSQL target" in r.stderr
    r = run_timmy(["migrate", "--to"], binary=timmy_bin)
    assert r.returncode == 2 and "--to" in r.stderr
    r = run_timmy(["--help"], binary=timmy_bin)
    assert "timmy migrate -c FILE --to TARGET" in r.stdout


RATES_SHAPE = (
    "SELECT column_name || ' ' || data_type || ' ' || coalesce("
    "collation_name, '-') || ' ' || is_nullable FROM"
    " information_schema.columns WHERE table_name = 'rates'"
    " ORDER BY ordinal_position;"
    " SELECT pg_get_constraintdef(oid) FROM pg_constraint"
    " WHERE conrelid = 'rates'::regclass ORDER BY 1;")


def test_postgresql_version_10__opened__gains_rates_as_a_new_database_has_it(
        server, postgres, alice, timmy_bin):
    """A PostgreSQL database of schema version 10, before rates, is brought
    to version 11 when the bot opens it (storage/store_pg.c's migration): the
    rates table as a new database has it, columns, collations and checks
    alike, and the entries kept."""
    _, csv_before, first, url = sqlite_then_postgresql(server, postgres,
                                                       alice, timmy_bin)
    first.close()
    pg_bot = Bot(server, allow=[ALICE], binary=timmy_bin, pg_url=url)
    try:
        fresh = postgres.psql(RATES_SHAPE, conninfo=url).stdout
        assert "cents bigint - NO" in fresh, fresh
        postgres.psql("DROP TABLE rates; UPDATE timmy_meta SET value = '10'"
                      " WHERE key = 'schema_version';", conninfo=url)
        # The bot opens it for writing, and migrates it; read-only
        # commands refuse a database of another version.
        pg_bot.start()
        assert "3h 15m" in report(pg_bot.config_path, timmy_bin, PAST)
        assert postgres.psql("SELECT value FROM timmy_meta WHERE key ="
                             " 'schema_version';",
                             conninfo=url).stdout.strip() == "11"
        assert postgres.psql(RATES_SHAPE, conninfo=url).stdout == fresh
        # The entries are all there, and the new table takes a rate.
        assert len(export(pg_bot.config_path, timmy_bin).splitlines()) == \
            len(csv_before.splitlines())
        assert alice.ask(pg_bot.jid, "rate acme 85 EUR").startswith(
            "Your rate for acme")
        assert "212.50 EUR" in alice.ask(pg_bot.jid, "report %s" % PAST)
        assert pg_bot.stop() == 0
    finally:
        pg_bot.close()
