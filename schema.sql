-- schema.sql - timmy's database: the single source of its schema.
--
-- storage/embed-schema.sh compiles this file into the binary, which runs it
-- on an empty database in one transaction; the user_version below is the
-- schema version (store_schema_version()). A change here bumps it and adds
-- the matching step to the migrations in storage/migrations.c, whose
-- CREATE statements must read exactly like the ones here (a unit test
-- compares a migrated database with a fresh one).
--
-- Times are UTC epoch seconds. Text limits are in bytes of UTF-8, the
-- STORE_*_MAX values of storage/store.h: length() counts characters, so the
-- checks measure CAST(x AS BLOB).

PRAGMA user_version = 11;

-- One row per bare JID, created by the user's first change; reads never add
-- one. The JID is compared byte for byte: callers pass it normalised.
-- tz (an IANA zone name) is the user's own time zone; NULL means the bot's
-- default. next_seq is the number the user's next entry gets (#1, #2, ...):
-- it only grows, so no number is given twice, even after a delete or undo.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	jid TEXT NOT NULL UNIQUE
		CHECK (length(CAST(jid AS BLOB)) BETWEEN 1 AND 3071),
	tz TEXT
		CHECK (tz IS NULL OR length(CAST(tz AS BLOB)) BETWEEN 1 AND 64),
	next_seq INTEGER NOT NULL DEFAULT 1
		CHECK (next_seq >= 1)
) STRICT;

-- Time entries. stop NULL is the running entry (stop == 0 in C). Projects
-- compare without regard to case: "Acme" and "acme" are one project, and
-- so are "Ärger" and "ärger". The column's NOCASE, which the sqlite3 shell
-- uses, folds ASCII only; timmy's queries say COLLATE UNOCASE, which folds
-- Unicode too (storage/collate.c) and which the schema never names, as a
-- database that did could not be read without it. seq is the user's own
-- number for the entry.
-- AUTOINCREMENT: a row id is never given twice either, so the id an undo
-- step remembers (undo_entries) can only ever mean that one entry.
CREATE TABLE entries (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id INTEGER NOT NULL REFERENCES users (id),
	seq INTEGER NOT NULL
		CHECK (seq >= 1),
	project TEXT NOT NULL COLLATE NOCASE
		CHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),
	note TEXT NOT NULL DEFAULT ''
		CHECK (length(CAST(note AS BLOB)) <= 1000),
	start INTEGER NOT NULL,
	stop INTEGER,
	CHECK (stop IS NULL OR stop >= start),
	UNIQUE (user_id, seq)
) STRICT;

-- An entry's tags, a set: each tag at most once per entry, kept byte-exact.
CREATE TABLE entry_tags (
	entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
	tag TEXT NOT NULL
		CHECK (length(CAST(tag AS BLOB)) BETWEEN 1 AND 32),
	PRIMARY KEY (entry_id, tag)
) STRICT, WITHOUT ROWID;

-- At most STORE_TAGS_MAX (8) tags per entry: struct store_entry holds no more.
CREATE TRIGGER entry_tags_max BEFORE INSERT ON entry_tags
WHEN (SELECT count(*) FROM entry_tags WHERE entry_id = NEW.entry_id) >= 8
BEGIN
	SELECT RAISE(ABORT, 'an entry has at most 8 tags');
END;

-- An entry's breaks (pause, resume, "edit ID break"): spans inside the
-- entry that are not work. stop NULL is the open break of a paused timer,
-- at most one per entry (entry_breaks_open). Breaks of one entry do not
-- overlap, and lie within their entry's span: the triggers below refuse
-- anything else (STORE_CONFLICT), as does a change of the entry that
-- would leave one outside, or stop the entry while one is open. The
-- primary key finds an entry's breaks, for the totals that subtract them.
CREATE TABLE entry_breaks (
	entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
	start INTEGER NOT NULL,
	stop INTEGER,
	CHECK (stop IS NULL OR stop > start),
	PRIMARY KEY (entry_id, start)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX entry_breaks_open ON entry_breaks (entry_id)
WHERE stop IS NULL;

-- At most STORE_BREAKS_MAX (16) breaks per entry, inside the entry and
-- apart from each other; an open one only while the entry runs.
CREATE TRIGGER entry_breaks_insert BEFORE INSERT ON entry_breaks
WHEN (SELECT count(*) FROM entry_breaks WHERE entry_id = NEW.entry_id) >= 16
  OR NOT EXISTS (SELECT 1 FROM entries AS e WHERE e.id = NEW.entry_id
                 AND NEW.start >= e.start
                 AND (e.stop IS NULL
                      OR (NEW.stop IS NOT NULL AND NEW.stop <= e.stop)))
  OR EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.entry_id
             AND b.start < coalesce(NEW.stop, 9223372036854775807)
             AND coalesce(b.stop, 9223372036854775807) > NEW.start)
BEGIN
	SELECT RAISE(ABORT, 'a break lies within its entry, apart from the others');
END;

CREATE TRIGGER entry_breaks_update BEFORE UPDATE ON entry_breaks
WHEN NOT EXISTS (SELECT 1 FROM entries AS e WHERE e.id = NEW.entry_id
                 AND NEW.start >= e.start
                 AND (e.stop IS NULL
                      OR (NEW.stop IS NOT NULL AND NEW.stop <= e.stop)))
  OR EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.entry_id
             AND b.start <> OLD.start
             AND b.start < coalesce(NEW.stop, 9223372036854775807)
             AND coalesce(b.stop, 9223372036854775807) > NEW.start)
BEGIN
	SELECT RAISE(ABORT, 'a break lies within its entry, apart from the others');
END;

CREATE TRIGGER entries_breaks_span BEFORE UPDATE OF start, stop ON entries
WHEN EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.id
             AND (b.start < NEW.start
                  OR (NEW.stop IS NOT NULL
                      AND (b.stop IS NULL OR b.stop > NEW.stop))))
BEGIN
	SELECT RAISE(ABORT, 'a break lies within its entry');
END;

-- At most one running entry per user, enforced by the database itself: a
-- second one fails with a UNIQUE constraint error (STORE_CONFLICT).
CREATE UNIQUE INDEX entries_running ON entries (user_id) WHERE stop IS NULL;

-- Reports and listings. Stopped entries overlapping [from, to) all start in
-- [from - longest duration, to), one range of this index, which covers
-- every column the totals read.
CREATE INDEX entries_user_start ON entries (user_id, start, stop, project);

-- The user's longest stopped entry, for the bound above, read from the end
-- of this index rather than by scanning the user's history.
CREATE INDEX entries_user_duration ON entries (user_id, stop - start);

-- Exports of every user's entries, oldest first across users: one range of
-- this index gives them in order, where the ranges of entries_user_start,
-- one per user, would need a sort of every row.
CREATE INDEX entries_start ON entries (start);

-- Undo. A step is what one command changed (store_begin_change): whose it
-- is, what the user did (label, at most STORE_LABEL_MAX = 200 bytes) and
-- when. A user's steps are ordered by id, the latest last; at most
-- STORE_UNDO_MAX (100) are kept per user, store_begin_change drops older
-- ones.
CREATE TABLE undo_steps (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	label TEXT NOT NULL
		CHECK (length(CAST(label AS BLOB)) <= 200),
	at INTEGER NOT NULL
) STRICT;

CREATE INDEX undo_steps_user ON undo_steps (user_id, id);

-- The before-image of each entry a step touched, as it was when the step
-- first touched it. existed = 0: the step created the entry, and undo
-- deletes it; existed = 1: the entry's columns (and its tags in undo_tags),
-- which undo puts back under the same id. entry_id refers to no row: the
-- entry may be gone by now.
CREATE TABLE undo_entries (
	step_id INTEGER NOT NULL REFERENCES undo_steps (id) ON DELETE CASCADE,
	entry_id INTEGER NOT NULL,
	existed INTEGER NOT NULL
		CHECK (existed IN (0, 1)),
	seq INTEGER,
	project TEXT,
	note TEXT,
	start INTEGER,
	stop INTEGER,
	CHECK (existed = 0 OR (seq IS NOT NULL AND project IS NOT NULL
	                       AND note IS NOT NULL AND start IS NOT NULL)),
	PRIMARY KEY (step_id, entry_id)
) STRICT, WITHOUT ROWID;

-- The tags of those before-images. Deferred: a step records an entry's
-- tags just before its image, so that both are taken only on the first
-- touch.
CREATE TABLE undo_tags (
	step_id INTEGER NOT NULL,
	entry_id INTEGER NOT NULL,
	tag TEXT NOT NULL,
	PRIMARY KEY (step_id, entry_id, tag),
	FOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

-- The breaks of those before-images, deferred like undo_tags.
CREATE TABLE undo_breaks (
	step_id INTEGER NOT NULL,
	entry_id INTEGER NOT NULL,
	start INTEGER NOT NULL,
	stop INTEGER,
	PRIMARY KEY (step_id, entry_id, start),
	FOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

-- Messages whose change is done, so that one delivered twice changes
-- nothing the second time (a stream-management resend after a resume,
-- offline storage handing out again what the bot took but did not
-- acknowledge before a crash). msg_key is the SHA-1 of what identifies the
-- message (its XEP-0359 origin-id, or the sender's full JID and stanza
-- id), as STORE_MSG_KEY_LEN = 40 hex digits: a fixed size, however long
-- the id the client chose. n numbers a user's rows 1, 2, ... in the order
-- they were handled. The row is written in the transaction of the change
-- (store_set_msg_key), so both commit or neither does; reads and refusals
-- write none. at is when the message was handled (the store's clock, not
-- the time the command counts at, which for a message that waited offline
-- is its send time); reply is the answer sent, saved after the commit,
-- NULL until then or when it was over STORE_REPLY_MAX = 4096 bytes (every
-- reply to a change fits).
--
-- The bound: a user keeps the STORE_MSG_KEEP (1000) newest rows (the
-- write drops older ones, one range of the (user_id, n) index), and no
-- row outlives STORE_MSG_DAYS (30) days (store_msg_prune, hourly, one
-- range of handled_messages_at).
--
-- step_id is the undo step that stands for the message's change, so that
-- a correction (XEP-0308) or retraction (XEP-0424) of the message finds
-- it; NULL when the change made none or the step is gone (undone, or
-- pruned: undo step ids can be given again, hence SET NULL). A corrected
-- message points at its correction's step. The column is added by
-- migration 5, which is why it sits where ALTER TABLE puts it.
CREATE TABLE handled_messages (
	user_id INTEGER NOT NULL REFERENCES users (id),
	n INTEGER NOT NULL
		CHECK (n >= 1),
	msg_key TEXT NOT NULL
		CHECK (length(msg_key) = 40 AND msg_key NOT GLOB '*[^0-9a-f]*'),
	at INTEGER NOT NULL,
	reply TEXT
		CHECK (reply IS NULL OR length(CAST(reply AS BLOB)) <= 4096), step_id INTEGER REFERENCES undo_steps (id) ON DELETE SET NULL,
	UNIQUE (user_id, n),
	UNIQUE (user_id, msg_key)
) STRICT;

CREATE INDEX handled_messages_at ON handled_messages (at);

-- The messages whose change is a step, for ON DELETE SET NULL when a step
-- goes (undo, pruning) without reading the whole table.
CREATE INDEX handled_messages_step ON handled_messages (step_id);

-- Each user's settings (the settings command, commands/prefs.h): name as
-- the command spells it ("idle.after"), value as it reads back ("30m"). A
-- setting without a row has bot.yaml's default. The time zone stays in
-- users.tz.
CREATE TABLE user_settings (
	user_id INTEGER NOT NULL REFERENCES users (id),
	name TEXT NOT NULL
		CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 32),
	value TEXT NOT NULL
		CHECK (length(CAST(value AS BLOB)) BETWEEN 1 AND 64),
	PRIMARY KEY (user_id, name)
) STRICT, WITHOUT ROWID;

-- Presence: the moment the user left (every resource of theirs away, xa,
-- idle or offline: the idle time's start, else the time the presence
-- changed). No row while they are here. Kept here, not in memory, so that
-- the forgotten-timer question survives a restart of the bot.
CREATE TABLE user_away (
	user_id INTEGER PRIMARY KEY REFERENCES users (id),
	since INTEGER NOT NULL
) STRICT;

-- The forgotten-timer question asked when the user came back: the entry
-- that ran while they were away from away_from to away_to. Until expires,
-- `stop`, `break` and `keep` answer it. At most one per user.
CREATE TABLE idle_prompts (
	user_id INTEGER PRIMARY KEY REFERENCES users (id),
	entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
	away_from INTEGER NOT NULL,
	away_to INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	CHECK (away_to >= away_from)
) STRICT;

-- Nudges sent, one row per occasion, written in the transaction that
-- decides to send one, so that none goes twice, across restarts too.
-- occasion: for running_over and idle (a timer idle.action stopped) the
-- entry's id; for start_by the user's local day and for digest the first
-- local day of the period it covers, both as days since 1970-01-01. Rows
-- older than STORE_MSG_DAYS days are pruned with the message keys.
CREATE TABLE nudges_sent (
	user_id INTEGER NOT NULL REFERENCES users (id),
	kind TEXT NOT NULL
		CHECK (kind IN ('running_over', 'start_by', 'digest', 'idle')),
	occasion INTEGER NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (user_id, kind, occasion)
) STRICT, WITHOUT ROWID;

CREATE INDEX nudges_sent_at ON nudges_sent (at);

-- The team rooms' daily digests posted, one row per team and day, written
-- in the transaction that decides to post one, so that none goes twice,
-- across restarts too, and a bot that was down at the digest time still
-- posts it that day. team is the name in bot.yaml's teams section; day
-- the local day in defaults.timezone, as days since 1970-01-01. Rows older
-- than STORE_MSG_DAYS days are pruned with the message keys.
CREATE TABLE team_digests (
	team TEXT NOT NULL
		CHECK (length(CAST(team AS BLOB)) BETWEEN 1 AND 64),
	day INTEGER NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (team, day)
) STRICT, WITHOUT ROWID;

CREATE INDEX team_digests_at ON team_digests (at);

-- Per-day rollups (storage/rollup.c): so that a report over a long range
-- reads the days, not the entries. For each user, each local day of the
-- zone recorded in rollup_users (the user's zone, or the bot's default,
-- when the rollup was built: a zone of its own, so that the partition of
-- time into days never changes under existing rows; a change of the
-- user's zone rebuilds it), the worked seconds (breaks subtracted) of the
-- user's STOPPED entries inside the day: per project as spelled
-- (rollup_projects) and per project and tag (rollup_tags; '' for an entry
-- without tags, one row per tag that differs in more than case). day is
-- the day's first second (UTC epoch); first the earliest start of the
-- entries counted in the row, which spells a name across days as the
-- report over entries does. edge is 1 for the row of a zero-length entry
-- at the day's very first second (the only entry that a range starting
-- there leaves out). Running entries are never here. Kept in the
-- transaction of every change: the triggers below note the span of each
-- stopped entry a change touches in rollup_dirty, and store_commit (and
-- the release of an outermost savepoint) recompute those days from the
-- entries before committing; a report of a user with pending rows reads
-- the entries. Raw SQL writes (bench/gen.py) leave pending rows that
-- `timmy check` builds.
CREATE TABLE rollup_users (
	user_id INTEGER PRIMARY KEY REFERENCES users (id),
	tz TEXT NOT NULL
) STRICT;

CREATE TABLE rollup_projects (
	user_id INTEGER NOT NULL REFERENCES users (id),
	day INTEGER NOT NULL,
	project TEXT NOT NULL,
	edge INTEGER NOT NULL,
	secs INTEGER NOT NULL,
	first INTEGER NOT NULL,
	PRIMARY KEY (user_id, day, project, edge)
) STRICT, WITHOUT ROWID;

CREATE TABLE rollup_tags (
	user_id INTEGER NOT NULL REFERENCES users (id),
	day INTEGER NOT NULL,
	project TEXT NOT NULL,
	tag TEXT NOT NULL,
	edge INTEGER NOT NULL,
	secs INTEGER NOT NULL,
	first INTEGER NOT NULL,
	PRIMARY KEY (user_id, day, project, tag, edge)
) STRICT, WITHOUT ROWID;

-- The spans [lo, hi] of stopped entries changed since the last commit,
-- whose days the rollup recomputes at the commit. entry_id is set only on
-- the row of an entry that became a stopped one in this transaction (added
-- stopped, or a running one stopped): the rollup then adds that entry's
-- part to its days instead of recomputing them, when that is all a user's
-- rows say (storage/rollup.c), and changes of its tags and breaks in the
-- same transaction note nothing more. Between transactions the table holds
-- only what no commit of timmy's saw: rows written with plain SQL, and the
-- rows (2, 0) of the migration to version 10, which wait for `timmy check`
-- or the user's next change.
CREATE TABLE rollup_dirty (
	user_id INTEGER NOT NULL,
	lo INTEGER NOT NULL,
	hi INTEGER NOT NULL,
	entry_id INTEGER
) STRICT;

CREATE INDEX rollup_dirty_entry ON rollup_dirty (entry_id)
WHERE entry_id IS NOT NULL;

CREATE TRIGGER entries_rollup_insert AFTER INSERT ON entries
WHEN NEW.stop IS NOT NULL
BEGIN
	INSERT INTO rollup_dirty
		VALUES (NEW.user_id, NEW.start, NEW.stop, NEW.id);
END;

CREATE TRIGGER entries_rollup_delete AFTER DELETE ON entries
WHEN OLD.stop IS NOT NULL
BEGIN
	INSERT INTO rollup_dirty
		VALUES (OLD.user_id, OLD.start, OLD.stop, NULL);
END;

CREATE TRIGGER entries_rollup_update
AFTER UPDATE OF user_id, project, start, stop ON entries
BEGIN
	INSERT INTO rollup_dirty SELECT OLD.user_id, OLD.start, OLD.stop, NULL
		WHERE OLD.stop IS NOT NULL;
	INSERT INTO rollup_dirty SELECT NEW.user_id, NEW.start, NEW.stop,
		CASE WHEN OLD.stop IS NULL THEN NEW.id END
		WHERE NEW.stop IS NOT NULL;
END;

CREATE TRIGGER entry_tags_rollup_insert AFTER INSERT ON entry_tags
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id = NEW.entry_id AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
END;

CREATE TRIGGER entry_tags_rollup_delete AFTER DELETE ON entry_tags
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id = OLD.entry_id AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
END;

CREATE TRIGGER entry_tags_rollup_update AFTER UPDATE ON entry_tags
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id IN (OLD.entry_id, NEW.entry_id) AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
END;

CREATE TRIGGER entry_breaks_rollup_insert AFTER INSERT ON entry_breaks
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id = NEW.entry_id AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
END;

CREATE TRIGGER entry_breaks_rollup_delete AFTER DELETE ON entry_breaks
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id = OLD.entry_id AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
END;

CREATE TRIGGER entry_breaks_rollup_update AFTER UPDATE ON entry_breaks
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id IN (OLD.entry_id, NEW.entry_id) AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
END;

-- A change of a user's own zone: a row with lo > hi asks the next flush
-- to rebuild the user's rollup if the zone it was built in is not the
-- zone now.
CREATE TRIGGER users_rollup_tz AFTER UPDATE OF tz ON users
WHEN OLD.tz IS NOT NEW.tz
BEGIN
	INSERT INTO rollup_dirty VALUES (NEW.id, 1, 0, NULL);
END;

-- Hourly rates (the rate command, commands/billing.c): what an hour of a
-- project is billed at, in integer cents of currency, an ISO 4217 code in
-- capitals. scope 'user': a user's own rate, name the user's bare JID;
-- scope 'team': a rate a lead of a team of bot.yaml set, name the team's
-- name, for its members' time on its shared projects. project compares
-- without regard to case as entries.project does (COLLATE UNOCASE in the
-- queries): storage/rates.c replaces every spelling of a project when it
-- sets one, so a (scope, name) has one row per project, spelled as last
-- set. cents at most 100,000,000 (1,000,000.00 an hour). at is when the
-- rate was set. Like settings, rates are not entries: undo leaves them.
CREATE TABLE rates (
	scope TEXT NOT NULL
		CHECK (scope IN ('user', 'team')),
	name TEXT NOT NULL
		CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 3071),
	project TEXT NOT NULL COLLATE NOCASE
		CHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),
	cents INTEGER NOT NULL
		CHECK (cents BETWEEN 1 AND 100000000),
	currency TEXT NOT NULL
		CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
	at INTEGER NOT NULL,
	PRIMARY KEY (scope, name, project)
) STRICT, WITHOUT ROWID;
