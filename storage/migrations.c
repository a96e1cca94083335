/*
 * storage/migrations.c - the steps that bring a database of an older
 * schema version to the next one. schema.c runs them in order, each in its
 * own transaction, and sets user_version itself (store_schema_apply).
 *
 * Dependency rule: data only; nothing but store_int.h.
 *
 * Append only, and never edit a released step: a database that ran it
 * must end up exactly like one created from schema.sql of that version
 * (tests/unit/test_store.c compares the two, sqlite_schema text included,
 * so a step's CREATE statements are copied from schema.sql verbatim).
 */
#include "store_int.h"

/*
 * Schema version 1 to 2: each user's own entry numbers (entries.seq,
 * users.next_seq), row ids never reused (AUTOINCREMENT) and the undo
 * tables. ALTER TABLE can add neither a UNIQUE constraint nor
 * AUTOINCREMENT, so users, entries and entry_tags are rebuilt: the old
 * tables are renamed away (references between them follow), the new ones
 * created exactly as schema.sql has them, the rows copied with their ids,
 * and the old tables dropped children first, so that no ON DELETE CASCADE
 * reaches a row that is still wanted.
 */
const char store_migration_1[] =
	"DROP TRIGGER entry_tags_max;\n"
	"DROP INDEX entries_running;\n"
	"DROP INDEX entries_user_start;\n"
	"DROP INDEX entries_user_duration;\n"
	"ALTER TABLE entry_tags RENAME TO entry_tags_v1;\n"
	"ALTER TABLE entries RENAME TO entries_v1;\n"
	"ALTER TABLE users RENAME TO users_v1;\n"
	"\n"
	"CREATE TABLE users (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\tjid TEXT NOT NULL UNIQUE\n"
	"\t\tCHECK (length(CAST(jid AS BLOB)) BETWEEN 1 AND 3071),\n"
	"\ttz TEXT\n"
	"\t\tCHECK (tz IS NULL OR length(CAST(tz AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tnext_seq INTEGER NOT NULL DEFAULT 1\n"
	"\t\tCHECK (next_seq >= 1)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE entries (\n"
	"\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tseq INTEGER NOT NULL\n"
	"\t\tCHECK (seq >= 1),\n"
	"\tproject TEXT NOT NULL COLLATE NOCASE\n"
	"\t\tCHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tnote TEXT NOT NULL DEFAULT ''\n"
	"\t\tCHECK (length(CAST(note AS BLOB)) <= 1000),\n"
	"\tstart INTEGER NOT NULL,\n"
	"\tstop INTEGER,\n"
	"\tCHECK (stop IS NULL OR stop >= start),\n"
	"\tUNIQUE (user_id, seq)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE entry_tags (\n"
	"\tentry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,\n"
	"\ttag TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(tag AS BLOB)) BETWEEN 1 AND 32),\n"
	"\tPRIMARY KEY (entry_id, tag)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"-- Each user's entries are numbered 1, 2, ... in the order they started;\n"
	"-- the next number follows the last.\n"
	"INSERT INTO users (id, jid, tz, next_seq)\n"
	"SELECT u.id, u.jid, u.tz,\n"
	"       1 + (SELECT count(*) FROM entries_v1 AS e WHERE e.user_id = u.id)\n"
	"FROM users_v1 AS u;\n"
	"\n"
	"INSERT INTO entries (id, user_id, seq, project, note, start, stop)\n"
	"SELECT id, user_id,\n"
	"       row_number() OVER (PARTITION BY user_id ORDER BY start, id),\n"
	"       project, note, start, stop\n"
	"FROM entries_v1;\n"
	"\n"
	"INSERT INTO entry_tags (entry_id, tag)\n"
	"SELECT entry_id, tag FROM entry_tags_v1;\n"
	"\n"
	"DROP TABLE entry_tags_v1;\n"
	"DROP TABLE entries_v1;\n"
	"DROP TABLE users_v1;\n"
	"\n"
	"CREATE TRIGGER entry_tags_max BEFORE INSERT ON entry_tags\n"
	"WHEN (SELECT count(*) FROM entry_tags WHERE entry_id = NEW.entry_id) >= 8\n"
	"BEGIN\n"
	"\tSELECT RAISE(ABORT, 'an entry has at most 8 tags');\n"
	"END;\n"
	"\n"
	"CREATE UNIQUE INDEX entries_running ON entries (user_id) WHERE stop IS NULL;\n"
	"\n"
	"CREATE INDEX entries_user_start ON entries (user_id, start, stop, project);\n"
	"\n"
	"CREATE INDEX entries_user_duration ON entries (user_id, stop - start);\n"
	"\n"
	"CREATE TABLE undo_steps (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tlabel TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(label AS BLOB)) <= 200),\n"
	"\tat INTEGER NOT NULL\n"
	") STRICT;\n"
	"\n"
	"CREATE INDEX undo_steps_user ON undo_steps (user_id, id);\n"
	"\n"
	"CREATE TABLE undo_entries (\n"
	"\tstep_id INTEGER NOT NULL REFERENCES undo_steps (id) ON DELETE CASCADE,\n"
	"\tentry_id INTEGER NOT NULL,\n"
	"\texisted INTEGER NOT NULL\n"
	"\t\tCHECK (existed IN (0, 1)),\n"
	"\tseq INTEGER,\n"
	"\tproject TEXT,\n"
	"\tnote TEXT,\n"
	"\tstart INTEGER,\n"
	"\tstop INTEGER,\n"
	"\tCHECK (existed = 0 OR (seq IS NOT NULL AND project IS NOT NULL\n"
	"\t                       AND note IS NOT NULL AND start IS NOT NULL)),\n"
	"\tPRIMARY KEY (step_id, entry_id)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TABLE undo_tags (\n"
	"\tstep_id INTEGER NOT NULL,\n"
	"\tentry_id INTEGER NOT NULL,\n"
	"\ttag TEXT NOT NULL,\n"
	"\tPRIMARY KEY (step_id, entry_id, tag),\n"
	"\tFOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)\n"
	"\t\tON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
	") STRICT, WITHOUT ROWID;\n"
	;

/*
 * Schema version 2 to 3: the messages whose change is done
 * (handled_messages), so that a message delivered twice changes nothing
 * the second time. A new table and its index; nothing else changes.
 */
const char store_migration_2[] =
	"CREATE TABLE handled_messages (\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tmsg_key TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(msg_key AS BLOB)) BETWEEN 1 AND 512),\n"
	"\tat INTEGER NOT NULL,\n"
	"\treply TEXT\n"
	"\t\tCHECK (reply IS NULL OR length(CAST(reply AS BLOB)) <= 16384),\n"
	"\tPRIMARY KEY (user_id, msg_key)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE INDEX handled_messages_at ON handled_messages (user_id, at);\n"
	;

/*
 * Schema version 3 to 4: an index on start alone (entries_start), so that
 * an export of every user's entries reads them in order instead of
 * sorting them all. A new index; nothing else changes.
 */
const char store_migration_3[] =
	"CREATE INDEX entries_start ON entries (start);\n"
	;

/*
 * Schema version 4 to 5: handled_messages keeps a fixed-size digest of a
 * message's key instead of the key itself (up to 512 bytes the client
 * chose), numbers each user's rows so that only the newest STORE_MSG_KEEP
 * stay, and is pruned by age from one index on at. The old rows hold raw
 * keys, which no SQL here can turn into digests, so they are dropped:
 * they matter only for a message that is delivered again across the
 * upgrade, which a bot stopped cleanly (it acknowledges what it took
 * before it exits) never sees.
 */
const char store_migration_4[] =
	"DROP INDEX handled_messages_at;\n"
	"DROP TABLE handled_messages;\n"
	"\n"
	"CREATE TABLE handled_messages (\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tn INTEGER NOT NULL\n"
	"\t\tCHECK (n >= 1),\n"
	"\tmsg_key TEXT NOT NULL\n"
	"\t\tCHECK (length(msg_key) = 40 AND msg_key NOT GLOB '*[^0-9a-f]*'),\n"
	"\tat INTEGER NOT NULL,\n"
	"\treply TEXT\n"
	"\t\tCHECK (reply IS NULL OR length(CAST(reply AS BLOB)) <= 4096),\n"
	"\tUNIQUE (user_id, n),\n"
	"\tUNIQUE (user_id, msg_key)\n"
	") STRICT;\n"
	"\n"
	"CREATE INDEX handled_messages_at ON handled_messages (at);\n"
	;

/*
 * Schema version 5 to 6: handled_messages.step_id, the undo step that
 * stands for a message's change, so that a correction (XEP-0308) or a
 * retraction (XEP-0424) of that message finds it; and its index, which
 * ON DELETE SET NULL reads when a step goes. Rows from before have none:
 * their messages can no longer be corrected, only undone.
 */
const char store_migration_5[] =
	"ALTER TABLE handled_messages ADD COLUMN step_id INTEGER REFERENCES "
	"undo_steps (id) ON DELETE SET NULL;\n"
	"\n"
	"CREATE INDEX handled_messages_step ON handled_messages (step_id);\n"
	;

/*
 * Schema version 6 to 7: breaks (pause, resume, "edit ID break"): the
 * table entry_breaks with its index of the open break and the triggers
 * that keep breaks inside their entry and apart, and undo_breaks, the
 * breaks of the undo before-images. New tables; nothing else changes.
 */
const char store_migration_6[] =
	"CREATE TABLE entry_breaks (\n"
	"\tentry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,\n"
	"\tstart INTEGER NOT NULL,\n"
	"\tstop INTEGER,\n"
	"\tCHECK (stop IS NULL OR stop > start),\n"
	"\tPRIMARY KEY (entry_id, start)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE UNIQUE INDEX entry_breaks_open ON entry_breaks (entry_id)\n"
	"WHERE stop IS NULL;\n"
	"\n"
	"CREATE TRIGGER entry_breaks_insert BEFORE INSERT ON entry_breaks\n"
	"WHEN (SELECT count(*) FROM entry_breaks WHERE entry_id = NEW.entry_id) >= 16\n"
	"  OR NOT EXISTS (SELECT 1 FROM entries AS e WHERE e.id = NEW.entry_id\n"
	"                 AND NEW.start >= e.start\n"
	"                 AND (e.stop IS NULL\n"
	"                      OR (NEW.stop IS NOT NULL AND NEW.stop <= e.stop)))\n"
	"  OR EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.entry_id\n"
	"             AND b.start < coalesce(NEW.stop, 9223372036854775807)\n"
	"             AND coalesce(b.stop, 9223372036854775807) > NEW.start)\n"
	"BEGIN\n"
	"\tSELECT RAISE(ABORT, 'a break lies within its entry, apart from the others');\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_breaks_update BEFORE UPDATE ON entry_breaks\n"
	"WHEN NOT EXISTS (SELECT 1 FROM entries AS e WHERE e.id = NEW.entry_id\n"
	"                 AND NEW.start >= e.start\n"
	"                 AND (e.stop IS NULL\n"
	"                      OR (NEW.stop IS NOT NULL AND NEW.stop <= e.stop)))\n"
	"  OR EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.entry_id\n"
	"             AND b.start <> OLD.start\n"
	"             AND b.start < coalesce(NEW.stop, 9223372036854775807)\n"
	"             AND coalesce(b.stop, 9223372036854775807) > NEW.start)\n"
	"BEGIN\n"
	"\tSELECT RAISE(ABORT, 'a break lies within its entry, apart from the others');\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entries_breaks_span BEFORE UPDATE OF start, stop ON entries\n"
	"WHEN EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.id\n"
	"             AND (b.start < NEW.start\n"
	"                  OR (NEW.stop IS NOT NULL\n"
	"                      AND (b.stop IS NULL OR b.stop > NEW.stop))))\n"
	"BEGIN\n"
	"\tSELECT RAISE(ABORT, 'a break lies within its entry');\n"
	"END;\n"
	"\n"
	"CREATE TABLE undo_breaks (\n"
	"\tstep_id INTEGER NOT NULL,\n"
	"\tentry_id INTEGER NOT NULL,\n"
	"\tstart INTEGER NOT NULL,\n"
	"\tstop INTEGER,\n"
	"\tPRIMARY KEY (step_id, entry_id, start),\n"
	"\tFOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)\n"
	"\t\tON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
	") STRICT, WITHOUT ROWID;\n"
	;

/*
 * Schema version 7 to 8: each user's settings, the moment they left (from
 * their presence), the forgotten-timer question, and the nudges sent.
 * New tables only.
 */
const char store_migration_7[] =
	"CREATE TABLE user_settings (\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tname TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 32),\n"
	"\tvalue TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(value AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tPRIMARY KEY (user_id, name)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TABLE user_away (\n"
	"\tuser_id INTEGER PRIMARY KEY REFERENCES users (id),\n"
	"\tsince INTEGER NOT NULL\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE idle_prompts (\n"
	"\tuser_id INTEGER PRIMARY KEY REFERENCES users (id),\n"
	"\tentry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,\n"
	"\taway_from INTEGER NOT NULL,\n"
	"\taway_to INTEGER NOT NULL,\n"
	"\texpires INTEGER NOT NULL,\n"
	"\tCHECK (away_to >= away_from)\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE nudges_sent (\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tkind TEXT NOT NULL\n"
	"\t\tCHECK (kind IN ('running_over', 'start_by', 'digest', 'idle')),\n"
	"\toccasion INTEGER NOT NULL,\n"
	"\tat INTEGER NOT NULL,\n"
	"\tPRIMARY KEY (user_id, kind, occasion)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE INDEX nudges_sent_at ON nudges_sent (at);\n"
	;

/*
 * Schema version 8 to 9: the team rooms' digests posted. A new table only.
 */
const char store_migration_8[] =
	"CREATE TABLE team_digests (\n"
	"\tteam TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(team AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tday INTEGER NOT NULL,\n"
	"\tat INTEGER NOT NULL,\n"
	"\tPRIMARY KEY (team, day)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE INDEX team_digests_at ON team_digests (at);\n"
	;

/*
 * Schema version 9 to 10: the per-day rollups of reports (rollup.c), the
 * spans pending in them, and the triggers that note those. Every user with
 * a stopped entry gets a pending row (2, 0), so that `timmy check` (also
 * the quick one, which the systemd unit runs before each start) or the
 * user's next change builds their rollup in their zone; until then
 * reports read the entries as before.
 */
const char store_migration_9[] =
	"CREATE TABLE rollup_users (\n"
	"\tuser_id INTEGER PRIMARY KEY REFERENCES users (id),\n"
	"\ttz TEXT NOT NULL\n"
	") STRICT;\n"
	"\n"
	"CREATE TABLE rollup_projects (\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tday INTEGER NOT NULL,\n"
	"\tproject TEXT NOT NULL,\n"
	"\tedge INTEGER NOT NULL,\n"
	"\tsecs INTEGER NOT NULL,\n"
	"\tfirst INTEGER NOT NULL,\n"
	"\tPRIMARY KEY (user_id, day, project, edge)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TABLE rollup_tags (\n"
	"\tuser_id INTEGER NOT NULL REFERENCES users (id),\n"
	"\tday INTEGER NOT NULL,\n"
	"\tproject TEXT NOT NULL,\n"
	"\ttag TEXT NOT NULL,\n"
	"\tedge INTEGER NOT NULL,\n"
	"\tsecs INTEGER NOT NULL,\n"
	"\tfirst INTEGER NOT NULL,\n"
	"\tPRIMARY KEY (user_id, day, project, tag, edge)\n"
	") STRICT, WITHOUT ROWID;\n"
	"\n"
	"CREATE TABLE rollup_dirty (\n"
	"\tuser_id INTEGER NOT NULL,\n"
	"\tlo INTEGER NOT NULL,\n"
	"\thi INTEGER NOT NULL,\n"
	"\tentry_id INTEGER\n"
	") STRICT;\n"
	"\n"
	"CREATE INDEX rollup_dirty_entry ON rollup_dirty (entry_id)\n"
	"WHERE entry_id IS NOT NULL;\n"
	"\n"
	"CREATE TRIGGER entries_rollup_insert AFTER INSERT ON entries\n"
	"WHEN NEW.stop IS NOT NULL\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty\n"
	"\t\tVALUES (NEW.user_id, NEW.start, NEW.stop, NEW.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entries_rollup_delete AFTER DELETE ON entries\n"
	"WHEN OLD.stop IS NOT NULL\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty\n"
	"\t\tVALUES (OLD.user_id, OLD.start, OLD.stop, NULL);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entries_rollup_update\n"
	"AFTER UPDATE OF user_id, project, start, stop ON entries\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT OLD.user_id, OLD.start, OLD.stop, NULL\n"
	"\t\tWHERE OLD.stop IS NOT NULL;\n"
	"\tINSERT INTO rollup_dirty SELECT NEW.user_id, NEW.start, NEW.stop,\n"
	"\t\tCASE WHEN OLD.stop IS NULL THEN NEW.id END\n"
	"\t\tWHERE NEW.stop IS NOT NULL;\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_tags_rollup_insert AFTER INSERT ON entry_tags\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries\n"
	"\t\tWHERE id = NEW.entry_id AND stop IS NOT NULL\n"
	"\t\tAND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d\n"
	"\t\t\tWHERE d.entry_id = entries.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_tags_rollup_delete AFTER DELETE ON entry_tags\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries\n"
	"\t\tWHERE id = OLD.entry_id AND stop IS NOT NULL\n"
	"\t\tAND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d\n"
	"\t\t\tWHERE d.entry_id = entries.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_tags_rollup_update AFTER UPDATE ON entry_tags\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries\n"
	"\t\tWHERE id IN (OLD.entry_id, NEW.entry_id) AND stop IS NOT NULL\n"
	"\t\tAND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d\n"
	"\t\t\tWHERE d.entry_id = entries.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_breaks_rollup_insert AFTER INSERT ON entry_breaks\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries\n"
	"\t\tWHERE id = NEW.entry_id AND stop IS NOT NULL\n"
	"\t\tAND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d\n"
	"\t\t\tWHERE d.entry_id = entries.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_breaks_rollup_delete AFTER DELETE ON entry_breaks\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries\n"
	"\t\tWHERE id = OLD.entry_id AND stop IS NOT NULL\n"
	"\t\tAND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d\n"
	"\t\t\tWHERE d.entry_id = entries.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER entry_breaks_rollup_update AFTER UPDATE ON entry_breaks\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries\n"
	"\t\tWHERE id IN (OLD.entry_id, NEW.entry_id) AND stop IS NOT NULL\n"
	"\t\tAND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d\n"
	"\t\t\tWHERE d.entry_id = entries.id);\n"
	"END;\n"
	"\n"
	"CREATE TRIGGER users_rollup_tz AFTER UPDATE OF tz ON users\n"
	"WHEN OLD.tz IS NOT NEW.tz\n"
	"BEGIN\n"
	"\tINSERT INTO rollup_dirty VALUES (NEW.id, 1, 0, NULL);\n"
	"END;\n"
	"\n"
	"INSERT INTO rollup_dirty (user_id, lo, hi)\n"
	"\tSELECT DISTINCT user_id, 2, 0 FROM entries WHERE stop IS NOT NULL;\n"
	;

/*
 * Schema version 10 to 11: hourly rates (the rate command), a user's own
 * and a team's. A new table only.
 */
const char store_migration_10[] =
	"CREATE TABLE rates (\n"
	"\tscope TEXT NOT NULL\n"
	"\t\tCHECK (scope IN ('user', 'team')),\n"
	"\tname TEXT NOT NULL\n"
	"\t\tCHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 3071),\n"
	"\tproject TEXT NOT NULL COLLATE NOCASE\n"
	"\t\tCHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),\n"
	"\tcents INTEGER NOT NULL\n"
	"\t\tCHECK (cents BETWEEN 1 AND 100000000),\n"
	"\tcurrency TEXT NOT NULL\n"
	"\t\tCHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),\n"
	"\tat INTEGER NOT NULL,\n"
	"\tPRIMARY KEY (scope, name, project)\n"
	") STRICT, WITHOUT ROWID;\n"
	;
