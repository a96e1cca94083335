"""storage/schema-pg.sql on a private PostgreSQL: that it loads, that it is
schema.sql's schema (compared with the sqlite3 shell's reading of
schema.sql where the shell is installed), and that the rules hold with
the SQLSTATE that the storage layer maps to a refusal: the version row,
the unocase collation, the scalar max and min, one running entry per
user, no overlapping stopped entries, the limits on tags and breaks, and
the rows that the rollup triggers write, the same as SQLite's.

Run: /usr/bin/python3 -m pytest -q tests/pg
"""

import json
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SCHEMA_PG = os.path.join(ROOT, "storage", "schema-pg.sql")
SCHEMA_SQLITE = os.path.join(ROOT, "schema.sql")
SQLITE3 = shutil.which("sqlite3")

# SQLSTATEs the storage layer takes for a refusal (STORE_CONFLICT).
UNIQUE = "23505"
EXCLUSION = "23P01"
CHECK = "23514"
FOREIGN_KEY = "23503"

BREAK_MSG = "a break lies within its entry, apart from the others"

needs_sqlite3 = pytest.mark.skipif(SQLITE3 is None,
                                   reason="no sqlite3 shell to compare with")


def sqlite_version():
    """The user_version that schema.sql sets."""
    with open(SCHEMA_SQLITE, encoding="utf-8") as f:
        m = re.findall(r"^PRAGMA user_version = (\d+);", f.read(), re.M)
    assert len(m) == 1, m
    return m[0]


def users(db, n=2):
    """Users 1 to n (alice, bob, ...)."""
    names = ["alice", "bob", "carol"][:n]
    db.run("INSERT INTO users (id, jid) VALUES %s;" % ", ".join(
        "(%d, '%s@example.org')" % (i + 1, name)
        for i, name in enumerate(names)))


def entry_sql(id, user, seq, start, stop, project="acme"):
    return ("INSERT INTO entries (id, user_id, seq, project, start, stop)"
            " VALUES (%d, %d, %d, '%s', %d, %s);" % (
                id, user, seq, project, start,
                "NULL" if stop is None else "%d" % stop))


# --- loading and the version -------------------------------------------

def test_schema__loads_in_one_transaction__into_an_empty_database(db):
    assert db.value("SELECT count(*) FROM pg_tables"
                    " WHERE schemaname = 'public'") == "20"
    assert db.value("SELECT extversion IS NOT NULL FROM pg_extension"
                    " WHERE extname = 'btree_gist'") == "t"


def test_schema__leaves_nothing__when_the_load_fails(pg, empty_db):
    empty_db.run("CREATE TABLE undo_steps (id integer);")
    r = pg.psql(conninfo=empty_db.conninfo, file=SCHEMA_PG,
                single_transaction=True, check=False)
    assert r.returncode != 0
    assert 'relation "undo_steps" already exists' in r.stderr
    assert empty_db.rows("SELECT relname FROM pg_class"
                         " WHERE relnamespace = 'public'::regnamespace"
                         " ORDER BY 1") == [("undo_steps",)]
    assert empty_db.value("SELECT count(*) FROM pg_extension"
                          " WHERE extname = 'btree_gist'") == "0"


def test_version__is_schema_sql_s_user_version(db):
    assert db.rows("SELECT key, value FROM timmy_meta") == [
        ("schema_version", sqlite_version())]
    assert sqlite_version() == "11"


def test_version__refuses_a_value_that_is_no_version(db):
    r = db.refusal("UPDATE timmy_meta SET value = 'ten'"
                   " WHERE key = 'schema_version';")
    assert r.sqlstate == CHECK


# --- the same schema as schema.sql --------------------------------------

def sqlite_rows(query):
    """The rows (dicts) of query on an SQLite database made from
    schema.sql by the sqlite3 shell."""
    r = subprocess.run([SQLITE3, "-bail", "-json", ":memory:"],
                       input=".read %s\n%s\n" % (SCHEMA_SQLITE, query),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding="utf-8", timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout) if r.stdout.strip() else []


PG_ONLY_TABLES = {"timmy_meta"}


def sqlite_structure():
    """{table: {"columns", "pk", "unique", "fks", "indexes"}} and the set
    of (trigger, table), as the sqlite3 shell reads schema.sql."""
    types = {"INTEGER": "bigint", "TEXT": "text"}
    tables = {}
    for r in sqlite_rows("SELECT m.name AS tbl, p.name, p.type,"
                         " p.\"notnull\" AS nn, p.pk"
                         " FROM sqlite_schema AS m,"
                         " pragma_table_info(m.name) AS p"
                         " WHERE m.type = 'table'"
                         " AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!'"
                         " ORDER BY m.name, p.cid"):
        t = tables.setdefault(r["tbl"], {"columns": [], "pk": {},
                                         "unique": set(), "fks": set(),
                                         "indexes": set()})
        t["columns"].append((r["name"], types[r["type"]],
                             bool(r["nn"] or r["pk"])))
        if r["pk"]:
            t["pk"][r["pk"]] = r["name"]
    for t in tables.values():
        t["pk"] = tuple(t["pk"][k] for k in sorted(t["pk"]))

    fks = {}
    for r in sqlite_rows("SELECT m.name AS tbl, f.id, f.seq, f.\"table\" AS"
                         " ref, f.\"from\" AS col, f.\"to\" AS refcol,"
                         " f.on_delete FROM sqlite_schema AS m,"
                         " pragma_foreign_key_list(m.name) AS f"
                         " WHERE m.type = 'table' ORDER BY 1, 2, 3"):
        fk = fks.setdefault((r["tbl"], r["id"]), {
            "cols": [], "ref": r["ref"], "refcols": [],
            "on_delete": r["on_delete"]})
        fk["cols"].append(r["col"])
        fk["refcols"].append(r["refcol"])
    for (tbl, _), fk in fks.items():
        tables[tbl]["fks"].add((tuple(fk["cols"]), fk["ref"],
                                tuple(fk["refcols"]), fk["on_delete"]))

    idx = {}
    for r in sqlite_rows("SELECT m.name AS tbl, l.name AS idx,"
                         " l.\"unique\" AS uniq, l.origin, l.partial,"
                         " i.name AS col"
                         " FROM sqlite_schema AS m,"
                         " pragma_index_list(m.name) AS l,"
                         " pragma_index_xinfo(l.name) AS i"
                         " WHERE m.type = 'table' AND i.key"
                         " ORDER BY m.name, l.name, i.seqno"):
        i = idx.setdefault((r["tbl"], r["idx"]), {
            "unique": bool(r["uniq"]), "origin": r["origin"],
            "partial": bool(r["partial"]), "cols": []})
        i["cols"].append(r["col"] if r["col"] is not None else "<expr>")
    for (tbl, name), i in idx.items():
        if i["origin"] == "u":
            tables[tbl]["unique"].add(tuple(i["cols"]))
        elif i["origin"] == "c":
            tables[tbl]["indexes"].add((name, i["unique"], i["partial"],
                                        tuple(i["cols"])))
    triggers = {(r["name"], r["tbl_name"]) for r in sqlite_rows(
        "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'trigger'")}
    return tables, triggers


def pg_structure(db):
    """The same from the catalogue of a database with schema-pg.sql."""
    tables = {}
    for tbl, name, typ, nn in db.rows(
            "SELECT t.relname, a.attname,"
            " format_type(a.atttypid, a.atttypmod), a.attnotnull"
            " FROM pg_class AS t JOIN pg_attribute AS a ON a.attrelid = t.oid"
            " WHERE t.relkind = 'r' AND t.relnamespace = 'public'::regnamespace"
            " AND a.attnum > 0 AND NOT a.attisdropped"
            " ORDER BY t.relname, a.attnum"):
        t = tables.setdefault(tbl, {"columns": [], "pk": (),
                                    "unique": set(), "fks": set(),
                                    "indexes": set()})
        t["columns"].append((name, typ, nn == "t"))
    actions = {"a": "NO ACTION", "c": "CASCADE", "n": "SET NULL",
               "r": "RESTRICT", "d": "SET DEFAULT"}
    cols = ("(SELECT string_agg(a.attname, ',' ORDER BY k.n)"
            " FROM unnest(%s) WITH ORDINALITY AS k (attnum, n)"
            " JOIN pg_attribute AS a ON a.attrelid = %s"
            " AND a.attnum = k.attnum)")
    for tbl, kind, keys, ref, refkeys, action in db.rows(
            "SELECT c.conrelid::regclass, c.contype, %s,"
            " c.confrelid::regclass, %s, c.confdeltype"
            " FROM pg_constraint AS c"
            " WHERE c.connamespace = 'public'::regnamespace"
            " AND c.contype IN ('p', 'u', 'f')" % (
                cols % ("c.conkey", "c.conrelid"),
                cols % ("c.confkey", "c.confrelid"))):
        t = tables[tbl]
        if kind == "p":
            t["pk"] = tuple(keys.split(","))
        elif kind == "u":
            t["unique"].add(tuple(keys.split(",")))
        else:
            t["fks"].add((tuple(keys.split(",")), ref,
                          tuple(refkeys.split(",")), actions[action]))
    for tbl, name, uniq, partial, keys in db.rows(
            "SELECT t.relname, i.relname, x.indisunique,"
            " x.indpred IS NOT NULL,"
            " (SELECT string_agg(coalesce(a.attname, '<expr>'), ','"
            "   ORDER BY k.n)"
            "  FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, n)"
            "  LEFT JOIN pg_attribute AS a ON a.attrelid = x.indrelid"
            "  AND a.attnum = k.attnum)"
            " FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid"
            " JOIN pg_class AS t ON t.oid = x.indrelid"
            " WHERE t.relnamespace = 'public'::regnamespace"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c"
            "  WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)"):
        tables[tbl]["indexes"].add((name, uniq == "t", partial == "t",
                                    tuple(keys.split(","))))
    triggers = set(db.rows("SELECT tgname, tgrelid::regclass FROM pg_trigger"
                           " WHERE NOT tgisinternal"))
    return tables, triggers


@needs_sqlite3
def test_schema__has_schema_sql_s_tables_columns_keys_indexes_triggers(db):
    want_tables, want_triggers = sqlite_structure()
    got_tables, got_triggers = pg_structure(db)
    assert set(got_tables) - PG_ONLY_TABLES == set(want_tables)
    for name, want in sorted(want_tables.items()):
        got = got_tables[name]
        for part in ("columns", "pk", "unique", "fks", "indexes"):
            assert (name, part, got[part]) == (name, part, want[part])
    assert got_triggers == want_triggers


def test_schema__defers_the_references_of_undo_images__as_schema_sql(db):
    assert db.rows("SELECT conrelid::regclass::text, condeferred"
                   " FROM pg_constraint WHERE contype = 'f' AND condeferrable"
                   " ORDER BY 1") == [("undo_breaks", "t"), ("undo_tags", "t")]


def test_schema__names_no_collation_but_c__on_any_column(db):
    assert db.rows("SELECT DISTINCT c.collname FROM pg_attribute AS a"
                   " JOIN pg_class AS t ON t.oid = a.attrelid"
                   " JOIN pg_collation AS c ON c.oid = a.attcollation"
                   " WHERE t.relnamespace = 'public'::regnamespace"
                   " AND t.relkind = 'r' AND a.attnum > 0") == [("C",)]


# --- max and min of two ----------------------------------------------------

def test_max_min__of_two__as_sqlite_s(db):
    # anycompatible: the type of the arguments (a bigint column's, or a
    # sum's numeric), so that max(sum(...), 0) resolves too.
    assert db.rows("SELECT max(1, 2), min(1, 2), max(-5, 3::bigint),"
                   " min(7::bigint, -7), pg_typeof(max(1::bigint, 2)),"
                   " max(sum(x), 0), pg_typeof(max(sum(x), 0))"
                   " FROM (VALUES (5::bigint), (6)) AS v (x)") == [
        ("2", "1", "3", "-7", "bigint", "11", "numeric")]


def test_max_min__of_two__are_null__when_either_is_null(db):
    assert db.rows("SELECT max(NULL, 2) IS NULL, max(2, NULL) IS NULL,"
                   " min(NULL, 2) IS NULL, min(2, NULL) IS NULL,"
                   " max(NULL, NULL) IS NULL") == [("t",) * 5]


def test_max_min__of_two__take_int8_and_unknown_parameters(db):
    # As the driver sends them: numbers as int8, NULL as unknown.
    out = db.rows("PREPARE m (int8) AS SELECT max($1, $2), min($2, $1);"
                  " EXECUTE m (5, 3); EXECUTE m (5, NULL);")
    assert out == [("5", "3"), (None, None)]


def test_max_min__of_one__are_still_the_aggregates(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 100, 250) + entry_sql(2, 1, 2, 300, 310) +
           entry_sql(3, 1, 3, 400, None, "zeta"))
    assert db.rows("SELECT max(stop - start), min(start), max(start),"
                   " max(project), min(project) FROM entries") == [
        ("150", "100", "400", "zeta", "acme")]
    # The shape of the queries' break sums: scalar inside an aggregate.
    assert db.value("SELECT sum(max(min(stop, 305) - max(start, 120), 0))"
                    " FROM entries WHERE stop IS NOT NULL") == "135"
    assert db.rows("SELECT p.prokind FROM pg_proc AS p"
                   " WHERE p.proname = 'max' AND p.pronargs = 1"
                   " AND p.proargtypes[0] = 'int8'::regtype") == [("a",)]


# --- unocase ----------------------------------------------------------------

NAMES = ["Acme", "acme", "ACME", "Ärger", "ärger"]


def names_db(db):
    users(db, 1)
    db.run("".join(entry_sql(i + 1, 1, i + 1, 100 * i, 100 * i + 50, name)
                   for i, name in enumerate(NAMES)))


def test_unocase__equal__without_regard_to_case(db):
    assert db.rows("SELECT 'Ärger' = 'ärger' COLLATE unocase,"
                   " 'Acme' = 'ACME' COLLATE UNOCASE,"
                   " 'acme' = 'acne' COLLATE UNOCASE,"
                   " 'a' = 'á' COLLATE UNOCASE,"
                   " 'Ärger' = 'ärger'") == [("t", "t", "f", "f", "f")]


def test_unocase__groups_and_distinct__one_row_per_name(db):
    names_db(db)
    assert db.value("SELECT count(*) FROM (SELECT 1 FROM entries"
                    " GROUP BY project COLLATE UNOCASE) AS g") == "2"
    assert db.value("SELECT count(DISTINCT project COLLATE UNOCASE)"
                    " FROM entries") == "2"
    assert db.value("SELECT count(*) FROM (SELECT DISTINCT project"
                    " COLLATE UNOCASE FROM entries) AS d") == "2"
    # Each name under one of its spellings (the least in bytes here).
    assert db.rows("SELECT min(project COLLATE \"C\"), count(*)"
                   " FROM entries GROUP BY project COLLATE UNOCASE"
                   " ORDER BY 1") == [
        ("ACME", "3"), ("Ärger", "2")]


def test_unocase__orders__each_name_s_spellings_together(db):
    names_db(db)
    order = [r[0] for r in db.rows(
        "SELECT project FROM entries ORDER BY project COLLATE UNOCASE")]
    assert set(order[:3]) == {"Acme", "acme", "ACME"}
    assert set(order[3:]) == {"Ärger", "ärger"}


def test_unocase__in_a_list_of_parameters__as_the_filters_use_it(db):
    names_db(db)
    assert db.rows(
        "PREPARE f (text, text) AS SELECT count(*) FROM entries"
        " WHERE ($1 IS NULL OR project COLLATE UNOCASE IN ($1, $2));"
        " EXECUTE f ('acme', NULL); EXECUTE f ('ÄRGER', 'x');"
        " EXECUTE f ('aCmE', 'äRGER'); EXECUTE f (NULL, NULL);") == [
        ("3",), ("2",), ("5",), ("5",)]


def test_unocase__differs_from_collate_c_at_the_edges__as_the_schema_says(db):
    assert db.rows("SELECT 'ı' = 'i' COLLATE unocase,"
                   " 'İ' = 'i' COLLATE unocase,"
                   " 'ſ' = 's' COLLATE unocase,"
                   " 'ﬁ' = 'fi' COLLATE unocase,"
                   " 'ä' = U&'a\\0308' COLLATE unocase,"
                   " 'ab' = U&'a\\200Bb' COLLATE unocase") == [
        ("f", "f", "f", "t", "t", "t")]
    assert [r[0] for r in db.rows(
        "SELECT x FROM (VALUES ('B'), ('Ärger'), ('apple')) AS v (x)"
        " ORDER BY x COLLATE unocase")] == ["apple", "Ärger", "B"]


# --- entries: one running, none overlapping ----------------------------------

def test_entries__refuse_a_second_running_entry__with_23505(db):
    users(db)
    db.run(entry_sql(1, 1, 1, 100, None))
    r = db.refusal(entry_sql(2, 1, 2, 200, None))
    assert (r.sqlstate, r.constraint) == (UNIQUE, "entries_running")
    # Another user's runs beside it.
    db.run(entry_sql(3, 2, 1, 150, None))


def test_entries__refuse_an_overlapping_stopped_entry__with_23P01(db):
    users(db)
    db.run(entry_sql(1, 1, 1, 100, 200))
    for start, stop in ((150, 160), (50, 101), (199, 300), (0, 1000),
                        (100, 200)):
        r = db.refusal(entry_sql(2, 1, 2, start, stop))
        assert (r.sqlstate, r.constraint) == (EXCLUSION,
                                              "entries_no_overlap"), (
            start, stop)
    assert db.value("SELECT count(*) FROM entries") == "1"


def test_entries__take_entries_that_only_touch__or_are_another_user_s(db):
    users(db)
    db.run(entry_sql(1, 1, 1, 1, 2) + entry_sql(2, 1, 2, 2, 3) +
           entry_sql(3, 1, 3, 0, 1) + entry_sql(4, 2, 1, 0, 10))
    assert db.value("SELECT count(*) FROM entries") == "4"


def test_entries__take_a_zero_length_entry_anywhere__as_store_overlap(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 100, 200) + entry_sql(2, 1, 2, 150, 150) +
           entry_sql(3, 1, 3, 150, 150) + entry_sql(4, 1, 4, 200, 200))
    assert db.value("SELECT count(*) FROM entries") == "4"


def test_entries__leave_the_running_entry_out_of_the_overlap_rule(db):
    """A running entry is no span the database can check (the schema's
    head says why): a stopped entry after its start is taken here, as
    the storage layer takes it on SQLite."""
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 100, None) + entry_sql(2, 1, 2, 150, 160) +
           entry_sql(3, 1, 3, 50, 100))
    # Stopping it over a stopped one is refused, like any overlap.
    r = db.refusal("UPDATE entries SET stop = 200 WHERE id = 1;")
    assert (r.sqlstate, r.constraint) == (EXCLUSION, "entries_no_overlap")
    db.run("UPDATE entries SET stop = 150 WHERE id = 1;")


def test_entries__refuse_a_change_into_an_overlap__with_23P01(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 100, 200) + entry_sql(2, 1, 2, 300, 400))
    r = db.refusal("UPDATE entries SET start = 199 WHERE id = 2;")
    assert r.sqlstate == EXCLUSION
    # A rename, and a move into free time, are taken.
    db.run("UPDATE entries SET project = 'Globex' WHERE user_id = 1;"
           " UPDATE entries SET start = 200, stop = 250 WHERE id = 2;")


def test_entries__take_undo_s_delete_then_restore__in_one_transaction(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 100, 200) + entry_sql(2, 1, 2, 200, None))
    # The step moved #1 and made #2; undo puts #1 back, drops #2, and
    # #1 runs again.
    db.run("BEGIN;"
           " DELETE FROM entries WHERE id IN (1, 2);"
           " INSERT INTO entries (id, user_id, seq, project, start, stop)"
           "  SELECT * FROM (VALUES (1::bigint, 1::bigint, 1::bigint,"
           "  'acme', 100::bigint, NULL::bigint)) AS i"
           "  ORDER BY i.column6 IS NULL, i.column1;"
           " COMMIT;")
    assert db.rows("SELECT id, start, stop FROM entries") == [
        ("1", "100", None)]


def test_entries__never_give_an_id_twice__as_autoincrement(db):
    users(db, 1)
    db.run("INSERT INTO entries (user_id, seq, project, start, stop)"
           " VALUES (1, 1, 'a', 0, 10), (1, 2, 'b', 10, 20);"
           " DELETE FROM entries WHERE id = 2;"
           " INSERT INTO entries (user_id, seq, project, start, stop)"
           " VALUES (1, 3, 'c', 20, 30);")
    assert db.rows("SELECT id, seq FROM entries ORDER BY id") == [
        ("1", "1"), ("3", "3")]
    # Undo puts an entry back under its own id.
    db.run(entry_sql(2, 1, 2, 10, 20, "b"))
    assert db.value("SELECT count(*) FROM entries") == "3"


def test_entries__limits_in_bytes__as_schema_sql(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 0, 1, "ä" * 32))
    for project in ("ä" * 32 + "x", ""):
        r = db.refusal(entry_sql(2, 1, 2, 2, 3, project))
        assert r.sqlstate == CHECK, project
    for bad in (entry_sql(3, 1, 0, 2, 3), entry_sql(3, 1, 3, 5, 4)):
        assert db.refusal(bad).sqlstate == CHECK


def test_users__take_the_longest_bare_jid(db):
    jid = "l" * 1023 + "@" + "d" * 1023
    db.run("INSERT INTO users (jid) VALUES ('%s');" % jid)
    assert db.value("SELECT octet_length(jid) FROM users") == "2047"
    assert db.refusal("INSERT INTO users (jid) VALUES ('');").sqlstate == \
        CHECK


def test_handled_messages__take_40_hex_digits_only(db):
    users(db, 1)
    key = "0123456789abcdef0123456789abcdef01234567"
    db.run("INSERT INTO handled_messages (user_id, n, msg_key, at)"
           " VALUES (1, 1, '%s', 0);" % key)
    for bad in (key.upper(), key[:-1], key + "0", key[:-1] + "g"):
        r = db.refusal("INSERT INTO handled_messages (user_id, n, msg_key,"
                       " at) VALUES (1, 2, '%s', 0);" % bad)
        assert r.sqlstate == CHECK, bad


def test_handled_messages__lose_their_step__when_it_goes(db):
    users(db, 1)
    db.run("INSERT INTO undo_steps (id, user_id, label, at)"
           " VALUES (7, 1, 'start acme', 0);"
           " INSERT INTO undo_entries (step_id, entry_id, existed)"
           " VALUES (7, 1, 0);"
           " INSERT INTO handled_messages (user_id, n, msg_key, at, step_id)"
           " VALUES (1, 1, '%s', 0, 7);"
           " DELETE FROM undo_steps WHERE id = 7;" % ("a" * 40))
    assert db.rows("SELECT step_id FROM handled_messages") == [(None,)]
    assert db.value("SELECT count(*) FROM undo_entries") == "0"


def test_undo_tags__wait_for_their_image__until_the_commit(db):
    users(db, 1)
    setup = ("INSERT INTO undo_steps (id, user_id, label, at)"
             " VALUES (1, 1, 'x', 0);")
    db.run(setup + "BEGIN;"
           " INSERT INTO undo_tags VALUES (1, 5, 'billable');"
           " INSERT INTO undo_breaks VALUES (1, 5, 10, 20);"
           " INSERT INTO undo_entries (step_id, entry_id, existed, seq,"
           "  project, note, start, stop)"
           "  VALUES (1, 5, 1, 1, 'acme', '', 0, 30);"
           " COMMIT;")
    r = db.refusal("BEGIN; INSERT INTO undo_tags VALUES (1, 6, 'x');"
                   " COMMIT;")
    assert r.sqlstate == FOREIGN_KEY
    assert db.value("SELECT count(*) FROM undo_tags") == "1"


# --- tags and breaks -----------------------------------------------------

def test_entry_tags__refuse_a_ninth_tag__with_23514(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 0, 10) + "INSERT INTO entry_tags VALUES %s;" %
           ", ".join("(1, 't%d')" % i for i in range(8)))
    r = db.refusal("INSERT INTO entry_tags VALUES (1, 't8');")
    assert (r.sqlstate, r.message, r.constraint) == (
        CHECK, "an entry has at most 8 tags", "entry_tags_max")
    # As on SQLite, the trigger runs before ON CONFLICT looks: a tag the
    # entry has is refused too once it has eight (the store never sends
    # more than eight, repeats included).
    r = db.refusal("INSERT INTO entry_tags VALUES (1, 't0')"
                   " ON CONFLICT (entry_id, tag) DO NOTHING;")
    assert r.sqlstate == CHECK
    assert db.value("SELECT count(*) FROM entry_tags") == "8"


def test_entry_tags__limits_in_bytes(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 0, 10) +
           "INSERT INTO entry_tags VALUES (1, '%s');" % ("ä" * 16))
    for tag in ("ä" * 16 + "x", ""):
        assert db.refusal("INSERT INTO entry_tags VALUES (1, '%s');"
                          % tag).sqlstate == CHECK


def breaks_db(db):
    """Entry 1 stopped [100, 200), entry 2 running since 300."""
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 100, 200) + entry_sql(2, 1, 2, 300, None))


def break_sql(entry, start, stop):
    return "INSERT INTO entry_breaks VALUES (%d, %d, %s);" % (
        entry, start, "NULL" if stop is None else "%d" % stop)


def test_entry_breaks__refuse_a_break_outside_its_entry__with_23514(db):
    breaks_db(db)
    for start, stop in ((90, 110), (190, 210), (50, 60), (150, None)):
        r = db.refusal(break_sql(1, start, stop))
        assert (r.sqlstate, r.message, r.constraint) == (
            CHECK, BREAK_MSG, "entry_breaks_insert"), (start, stop)
    db.run(break_sql(1, 100, 110) + break_sql(1, 190, 200))


def test_entry_breaks__refuse_overlapping_breaks__and_take_touching_ones(db):
    breaks_db(db)
    db.run(break_sql(1, 120, 130))
    for start, stop in ((125, 140), (110, 121), (120, 130), (110, 150)):
        assert db.refusal(break_sql(1, start, stop)).sqlstate == CHECK
    db.run(break_sql(1, 130, 140) + break_sql(1, 110, 120))
    # A paused timer: one open break, nothing after it.
    db.run(break_sql(2, 310, None))
    assert db.refusal(break_sql(2, 320, None)).sqlstate == CHECK
    assert db.refusal(break_sql(2, 400, 410)).sqlstate == CHECK


def test_entry_breaks__refuse_a_seventeenth_break__with_23514(db):
    users(db, 1)
    db.run(entry_sql(1, 1, 1, 0, 1000) +
           "".join(break_sql(1, 10 * i, 10 * i + 5) for i in range(16)))
    r = db.refusal(break_sql(1, 500, 505))
    assert (r.sqlstate, r.message) == (CHECK, BREAK_MSG)


def test_entry_breaks__refuse_an_update_into_another_break__with_23514(db):
    breaks_db(db)
    db.run(break_sql(1, 120, 130) + break_sql(1, 140, 150))
    r = db.refusal("UPDATE entry_breaks SET stop = 145"
                   " WHERE entry_id = 1 AND start = 120;")
    assert (r.sqlstate, r.message, r.constraint) == (
        CHECK, BREAK_MSG, "entry_breaks_update")
    # A change of a break alone, which overlaps its old self, is taken.
    db.run("UPDATE entry_breaks SET stop = 135, start = 125"
           " WHERE entry_id = 1 AND start = 120;")
    assert db.refusal("UPDATE entry_breaks SET stop = 210"
                      " WHERE entry_id = 1 AND start = 140;").sqlstate == CHECK


def test_entries__refuse_a_change_that_leaves_a_break_outside__with_23514(db):
    breaks_db(db)
    db.run(break_sql(1, 120, 130) + break_sql(2, 310, None))
    for sql in ("UPDATE entries SET start = 125 WHERE id = 1;",
                "UPDATE entries SET stop = 125 WHERE id = 1;",
                "UPDATE entries SET stop = 400 WHERE id = 2;"):
        r = db.refusal(sql)
        assert (r.sqlstate, r.message, r.constraint) == (
            CHECK, "a break lies within its entry", "entries_breaks_span"), sql
    db.run("UPDATE entries SET start = 110, stop = 130 WHERE id = 1;")


# --- the rollup triggers -----------------------------------------------------

# Each step, then every row of rollup_dirty (user_id, lo, hi, entry_id),
# as the triggers of schema.sql leave them. "DELETE FROM rollup_dirty" is
# what the flush at a commit does.
ROLLUP_STEPS = [
    # Added stopped: its span, with its id. Running: nothing.
    ("INSERT INTO users (id, jid) VALUES (1, 'a@x'), (2, 'b@x');"
     + entry_sql(1, 1, 1, 100, 200) + entry_sql(2, 1, 2, 300, None),
     [(1, 100, 200, 1)]),
    # Tags of an entry added stopped in this transaction, of a running
    # one: nothing more.
    ("INSERT INTO entry_tags VALUES (1, 'x'), (1, 'y');"
     " INSERT INTO entry_tags VALUES (2, 'x');",
     [(1, 100, 200, 1)]),
    ("DELETE FROM rollup_dirty;", []),
    # Tags of a stopped entry: its span, once per row.
    ("INSERT INTO entry_tags VALUES (1, 'z'), (1, 'w');",
     [(1, 100, 200, None)] * 2),
    ("DELETE FROM entry_tags WHERE entry_id = 1 AND tag = 'z';",
     [(1, 100, 200, None)] * 3),
    ("UPDATE entry_tags SET tag = 'v' WHERE entry_id = 1 AND tag = 'w';",
     [(1, 100, 200, None)] * 4),
    # Breaks the same.
    ("DELETE FROM rollup_dirty;" + break_sql(1, 120, 130),
     [(1, 100, 200, None)]),
    ("UPDATE entry_breaks SET stop = 140 WHERE entry_id = 1;"
     " DELETE FROM entry_breaks WHERE entry_id = 1;",
     [(1, 100, 200, None)] * 3),
    # Breaks of the running one: nothing.
    ("DELETE FROM rollup_dirty;" + break_sql(2, 310, None) +
     "UPDATE entry_breaks SET stop = 320 WHERE entry_id = 2;",
     []),
    # The running one stops: its span, with its id; then its tags and
    # breaks add nothing.
    ("UPDATE entries SET stop = 400 WHERE id = 2;",
     [(1, 300, 400, 2)]),
    ("INSERT INTO entry_tags VALUES (2, 'y');"
     " DELETE FROM entry_breaks WHERE entry_id = 2;",
     [(1, 300, 400, 2)]),
    # A column the rollup does not read: nothing. The project: the old
    # span and the new.
    ("DELETE FROM rollup_dirty; UPDATE entries SET note = 'n' WHERE id = 1;",
     []),
    ("UPDATE entries SET project = 'Acme' WHERE id = 1;",
     [(1, 100, 200, None)] * 2),
    ("DELETE FROM rollup_dirty; UPDATE entries SET start = 150 WHERE id = 1;",
     [(1, 100, 200, None), (1, 150, 200, None)]),
    # Running again: the old span only.
    ("DELETE FROM rollup_dirty; UPDATE entries SET stop = NULL WHERE id = 2;",
     [(1, 300, 400, None)]),
    ("DELETE FROM rollup_dirty; UPDATE entries SET user_id = 2 WHERE id = 1;",
     [(1, 150, 200, None), (2, 150, 200, None)]),
    # A tag moved between two stopped entries: both spans.
    ("DELETE FROM rollup_dirty;" + entry_sql(3, 2, 2, 500, 600, "globex"),
     [(2, 500, 600, 3)]),
    ("DELETE FROM rollup_dirty;"
     " UPDATE entry_tags SET entry_id = 3 WHERE entry_id = 1 AND tag = 'x';",
     [(2, 150, 200, None), (2, 500, 600, None)]),
    # Deleted with their tags: the entries' spans only.
    ("DELETE FROM rollup_dirty; DELETE FROM entries WHERE id IN (1, 3);",
     [(2, 150, 200, None), (2, 500, 600, None)]),
    # A running one deleted: nothing.
    ("DELETE FROM rollup_dirty; DELETE FROM entries WHERE id = 2;", []),
    # Several added stopped in one statement, as undo restores them.
    ("INSERT INTO entries (id, user_id, seq, project, start, stop)"
     " VALUES (4, 1, 3, 'a', 700, 800), (5, 1, 4, 'b', 800, 900);",
     [(1, 700, 800, 4), (1, 800, 900, 5)]),
    # A change of the user's zone (the same zone again: nothing; another
    # column: nothing).
    ("DELETE FROM rollup_dirty;"
     " UPDATE users SET tz = 'Europe/Berlin' WHERE id = 1;"
     " UPDATE users SET tz = 'Europe/Berlin' WHERE id = 1;"
     " UPDATE users SET jid = 'c@x' WHERE id = 2;",
     [(1, 1, 0, None)]),
    ("UPDATE users SET tz = NULL WHERE id = 1;",
     [(1, 1, 0, None)] * 2),
]


def dirty_key(row):
    return tuple(-1 if v is None else v for v in row)


def pg_dirty(db, sql):
    """Runs sql; returns the rows of rollup_dirty then, sorted."""
    return sorted(((int(u), int(lo), int(hi), None if e is None else int(e))
                   for u, lo, hi, e in db.rows(
                       sql + " SELECT user_id, lo, hi, entry_id"
                       " FROM rollup_dirty;")),
                  key=dirty_key)


def run_sqlite(path, sql):
    r = subprocess.run([SQLITE3, "-bail", "-json", path],
                       input="PRAGMA foreign_keys = ON;\n" + sql,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding="utf-8", timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout) if r.stdout.strip() else []


def test_rollup_triggers__note_what_schema_sql_s_note(db):
    for i, (sql, want) in enumerate(ROLLUP_STEPS):
        assert (i, pg_dirty(db, sql)) == (i, sorted(want, key=dirty_key)), sql


@needs_sqlite3
def test_rollup_triggers__note_what_sqlite_notes__step_by_step(db, tmp_path):
    path = str(tmp_path / "timmy.db")
    run_sqlite(path, ".read %s\n" % SCHEMA_SQLITE)
    for i, (sql, _) in enumerate(ROLLUP_STEPS):
        got = pg_dirty(db, sql)
        rows = run_sqlite(path, sql + "\nSELECT user_id, lo, hi, entry_id"
                          " FROM rollup_dirty;")
        lite = sorted((tuple(r[k] for k in ("user_id", "lo", "hi",
                                            "entry_id")) for r in rows),
                      key=dirty_key)
        assert (i, got) == (i, lite), sql
