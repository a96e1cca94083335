-- storage/schema-pg.sql - timmy's database on PostgreSQL (15 and later):
-- the schema of schema.sql, version 11, in PostgreSQL's terms.
--
-- schema.sql stays the single source of the schema: this file follows it
-- table by table, column by column, in the same order and under the same
-- names, and says here only what differs and why. A change there is made
-- here too, in the same commit; tests/pg/test_schema_pg.py compares the
-- two (tables, columns, keys, indexes, triggers, the version).
--
-- It is loaded into an empty database in one transaction:
--   psql -v ON_ERROR_STOP=1 --single-transaction -f storage/schema-pg.sql
-- by a role that may create in the database (CREATE EXTENSION btree_gist
-- is a trusted extension: the database's owner may install it).
--
-- The version: PostgreSQL has no user_version, so the row schema_version
-- of timmy_meta holds it, as decimal text. An empty database (no
-- timmy_meta table) is version 0, what user_version 0 is on SQLite; a
-- migration sets the row in the transaction of its step, as schema.c sets
-- user_version.
--
-- What changes in the translation:
-- - Every INTEGER is bigint (SQLite's INTEGER is 64 bits: times are epoch
--   seconds, ids and counts int64), so that every number reads as int8.
-- - Every text column is COLLATE "C", byte order of UTF-8 as SQLite's
--   BINARY, whatever the database's default collation: ORDER BY, "<" and
--   the primary keys order and compare as they do on SQLite.
-- - length(CAST(x AS BLOB)) is octet_length(x): the limits are in bytes.
-- - The ids that timmy makes (users, entries, undo_steps) are identity
--   columns: a sequence gives them and never gives one twice, which is what
--   AUTOINCREMENT says of entries.id (the undo tables rely on it) and more
--   than users and undo_steps need. BY DEFAULT, as undo puts entries back
--   under their old ids. A row inserted with an id above the sequence's
--   (rows copied from another database) needs the sequence moved on:
--     SELECT setval(pg_get_serial_sequence('entries', 'id'), max(id))
--     FROM entries;
--   else a later insert fails on the primary key, where AUTOINCREMENT
--   would have moved on by itself.
-- - STRICT and WITHOUT ROWID have no counterpart: PostgreSQL checks types
--   anyway, and its tables are heaps with the primary key as an index.
-- - The triggers: PostgreSQL's run a function, and their WHEN may not read
--   tables, so each condition of schema.sql is in its function. A refusal
--   (RAISE(ABORT, msg) there) raises msg with SQLSTATE 23514
--   (check_violation) and the trigger's name as the constraint's: a
--   constraint refusal, as on SQLite. The rollup triggers are AFTER ... FOR EACH ROW
--   as there; PostgreSQL runs those at the end of the statement instead of
--   after each row, which leaves the same rows in rollup_dirty: a trigger
--   reads there only the rows with an entry_id, which the entries
--   triggers write and a statement on tags or breaks never fires.
--
-- What only PostgreSQL holds, and timmy's queries need:
-- - public.max(a, b) and public.min(a, b), SQLite's scalar max and min of
--   two numbers (bigint, or numeric, the type of a sum() of bigints): NULL
--   when either is NULL (greatest and least skip NULLs). max(x) and min(x)
--   of one argument stay the aggregates.
-- - The collation unocase, which the queries name (COLLATE UNOCASE folds to
--   it): ICU's root collation at strength 2, which ignores case but not
--   accents. storage/collate.c is SQLite's, and the two differ at the
--   edges: here "ı" and "İ" differ from "i" and "ſ" from "s" (collate.c
--   folds them together), while "ﬁ" equals "fi", a precomposed "ä" the
--   decomposed one, and characters that ICU ignores (U+200B) count for
--   nothing (collate.c keeps them apart); names sort in ICU's order
--   ("apple", "Ärger", "B"), not by folded code point. As on SQLite no
--   column or index names it, so an ICU upgrade that moves it leaves no
--   index to rebuild. Being nondeterministic it cannot serve LIKE.
-- - No two stopped entries of one user overlap (entries_no_overlap), which
--   SQLite cannot check. The running entry is left out. The commands count
--   it as reaching up to their clock (store_overlap: [start, max(start,
--   now)), now being the command's time, not PostgreSQL's now(), for a
--   message that waited offline), which no column holds; and [start,
--   infinity), the one span the row could give, would refuse what the
--   SQLite backend holds: a stopped entry after the running one's start
--   (the storage layer takes it; only the commands refuse time after their
--   clock), or inside its span, as forged delay stamps left some databases
--   (the commands then refuse to stop the timer over it:
--   tests/unit/test_delay.c).
--
-- Limits that PostgreSQL sets and SQLite does not:
-- - text holds valid UTF-8 without NUL; SQLite's TEXT takes any bytes, and
--   collate.c has rules for invalid ones that are never needed here.
-- - A B-tree entry holds at most 2704 bytes, so users.jid, which the CHECK
--   allows up to 3071 bytes, fails (54000, program_limit_exceeded) beyond
--   that unless it compresses. A bare JID, which the store keeps, is at
--   most 2047 bytes (RFC 7622: 1023 for the localpart and the domainpart
--   each).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE timmy_meta (
	key text COLLATE "C" PRIMARY KEY,
	value text COLLATE "C" NOT NULL,
	CHECK (key <> 'schema_version' OR value ~ '^[1-9][0-9]*$')
);

INSERT INTO timmy_meta (key, value) VALUES ('schema_version', '11');

-- SQLite's max(a, b) and min(a, b): NULL when a or b is. Plain SQL that
-- the planner can inline where the arguments are simple. anycompatible:
-- bigints, and numeric, the type of a sum() of bigints (max(sum(...), 0)),
-- the result of their common type (a quoted body: PostgreSQL allows no
-- polymorphic argument in a RETURN one).
CREATE FUNCTION public.max(a anycompatible, b anycompatible)
RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN a >= b THEN a WHEN a < b THEN b END $$;

CREATE FUNCTION public.min(a anycompatible, b anycompatible)
RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN a <= b THEN a WHEN a > b THEN b END $$;

CREATE COLLATION unocase (provider = icu, locale = 'und-u-ks-level2',
	deterministic = false);

-- One row per bare JID, created by the user's first change; reads never add
-- one. The JID is compared byte for byte: callers pass it normalised.
-- tz (an IANA zone name) is the user's own time zone; NULL means the bot's
-- default. next_seq is the number the user's next entry gets (#1, #2, ...):
-- it only grows, so no number is given twice, even after a delete or undo.
CREATE TABLE users (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	jid text COLLATE "C" NOT NULL UNIQUE
		CHECK (octet_length(jid) BETWEEN 1 AND 3071),
	tz text COLLATE "C"
		CHECK (tz IS NULL OR octet_length(tz) BETWEEN 1 AND 64),
	next_seq bigint NOT NULL DEFAULT 1
		CHECK (next_seq >= 1)
);

-- Time entries. stop NULL is the running entry (stop == 0 in C). Projects
-- compare without regard to case: "Acme" and "acme" are one project, and
-- so are "Ärger" and "ärger". timmy's queries say COLLATE UNOCASE wherever
-- names compare, group or sort; schema.sql's NOCASE on the column serves
-- the sqlite3 shell only, and has no counterpart here: a column of the
-- nondeterministic unocase would make every comparison with another
-- table's names fail for want of an explicit collation. seq is the user's
-- own number for the entry.
-- The identity never gives an id twice, so the id an undo step remembers
-- (undo_entries) can only ever mean that one entry.
CREATE TABLE entries (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users (id),
	seq bigint NOT NULL
		CHECK (seq >= 1),
	project text COLLATE "C" NOT NULL
		CHECK (octet_length(project) BETWEEN 1 AND 64),
	note text COLLATE "C" NOT NULL DEFAULT ''
		CHECK (octet_length(note) <= 1000),
	start bigint NOT NULL,
	stop bigint,
	CHECK (stop IS NULL OR stop >= start),
	UNIQUE (user_id, seq)
);

-- An entry's tags, a set: each tag at most once per entry, kept byte-exact.
CREATE TABLE entry_tags (
	entry_id bigint NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
	tag text COLLATE "C" NOT NULL
		CHECK (octet_length(tag) BETWEEN 1 AND 32),
	PRIMARY KEY (entry_id, tag)
);

-- At most STORE_TAGS_MAX (8) tags per entry: struct store_entry holds no more.
CREATE FUNCTION entry_tags_max() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT count(*) FROM entry_tags
	    WHERE entry_id = NEW.entry_id) >= 8 THEN
		RAISE EXCEPTION 'an entry has at most 8 tags'
			USING ERRCODE = 'check_violation', CONSTRAINT = TG_NAME,
			      TABLE = TG_TABLE_NAME;
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER entry_tags_max BEFORE INSERT ON entry_tags
FOR EACH ROW EXECUTE FUNCTION entry_tags_max();

-- An entry's breaks (pause, resume, "edit ID break"): spans inside the
-- entry that are not work. stop NULL is the open break of a paused timer,
-- at most one per entry (entry_breaks_open). Breaks of one entry do not
-- overlap, and lie within their entry's span: the triggers below refuse
-- anything else (STORE_CONFLICT), as does a change of the entry that
-- would leave one outside, or stop the entry while one is open. The
-- primary key finds an entry's breaks, for the totals that subtract them.
CREATE TABLE entry_breaks (
	entry_id bigint NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
	start bigint NOT NULL,
	stop bigint,
	CHECK (stop IS NULL OR stop > start),
	PRIMARY KEY (entry_id, start)
);

CREATE UNIQUE INDEX entry_breaks_open ON entry_breaks (entry_id)
WHERE stop IS NULL;

-- At most STORE_BREAKS_MAX (16) breaks per entry, inside the entry and
-- apart from each other; an open one only while the entry runs. One
-- function for entry_breaks_insert and entry_breaks_update: an update
-- leaves the break itself (OLD.start) out of the others and is not
-- counted against the limit.
CREATE FUNCTION entry_breaks_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF (TG_OP = 'INSERT' AND
	    (SELECT count(*) FROM entry_breaks
	     WHERE entry_id = NEW.entry_id) >= 16)
	   OR NOT EXISTS (SELECT 1 FROM entries AS e WHERE e.id = NEW.entry_id
	                  AND NEW.start >= e.start
	                  AND (e.stop IS NULL
	                       OR (NEW.stop IS NOT NULL AND NEW.stop <= e.stop)))
	   OR EXISTS (SELECT 1 FROM entry_breaks AS b
	              WHERE b.entry_id = NEW.entry_id
	              AND (TG_OP = 'INSERT' OR b.start <> OLD.start)
	              AND b.start < coalesce(NEW.stop, 9223372036854775807)
	              AND coalesce(b.stop, 9223372036854775807) > NEW.start)
	THEN
		RAISE EXCEPTION 'a break lies within its entry, apart from the others'
			USING ERRCODE = 'check_violation', CONSTRAINT = TG_NAME,
			      TABLE = TG_TABLE_NAME;
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER entry_breaks_insert BEFORE INSERT ON entry_breaks
FOR EACH ROW EXECUTE FUNCTION entry_breaks_check();

CREATE TRIGGER entry_breaks_update BEFORE UPDATE ON entry_breaks
FOR EACH ROW EXECUTE FUNCTION entry_breaks_check();

CREATE FUNCTION entries_breaks_span() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM entry_breaks AS b WHERE b.entry_id = NEW.id
	           AND (b.start < NEW.start
	                OR (NEW.stop IS NOT NULL
	                    AND (b.stop IS NULL OR b.stop > NEW.stop)))) THEN
		RAISE EXCEPTION 'a break lies within its entry'
			USING ERRCODE = 'check_violation', CONSTRAINT = TG_NAME,
			      TABLE = TG_TABLE_NAME;
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER entries_breaks_span BEFORE UPDATE OF start, stop ON entries
FOR EACH ROW EXECUTE FUNCTION entries_breaks_span();

-- At most one running entry per user, enforced by the database itself: a
-- second one fails with a UNIQUE constraint error (STORE_CONFLICT; 23505).
CREATE UNIQUE INDEX entries_running ON entries (user_id) WHERE stop IS NULL;

-- No two stopped entries of one user overlap: [start, stop) spans, so one
-- that ends where the next starts touches it only, and a zero-length entry
-- (stop = start, an empty range) overlaps nothing, as store_overlap counts
-- them. A change that would break this fails with 23P01
-- (exclusion_violation), a constraint refusal like the others
-- (STORE_CONFLICT). The running entry is not covered (the head of this
-- file says why). Checked at once, row by row, as entries_running is: undo
-- deletes the entries a step touched before it puts their images back.
ALTER TABLE entries ADD CONSTRAINT entries_no_overlap
	EXCLUDE USING gist (user_id WITH =, int8range(start, stop) WITH &&)
	WHERE (stop IS NOT NULL);

-- Reports and listings. Stopped entries overlapping [from, to) all start in
-- [from - longest duration, to), one range of this index, which covers
-- every column the totals read.
CREATE INDEX entries_user_start ON entries (user_id, start, stop, project);

-- The user's longest stopped entry, for the bound above, read from the end
-- of this index rather than by scanning the user's history.
CREATE INDEX entries_user_duration ON entries (user_id, (stop - start));

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
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users (id),
	label text COLLATE "C" NOT NULL
		CHECK (octet_length(label) <= 200),
	at bigint NOT NULL
);

CREATE INDEX undo_steps_user ON undo_steps (user_id, id);

-- The before-image of each entry a step touched, as it was when the step
-- first touched it. existed = 0: the step created the entry, and undo
-- deletes it; existed = 1: the entry's columns (and its tags in undo_tags),
-- which undo puts back under the same id. entry_id refers to no row: the
-- entry may be gone by now.
CREATE TABLE undo_entries (
	step_id bigint NOT NULL REFERENCES undo_steps (id) ON DELETE CASCADE,
	entry_id bigint NOT NULL,
	existed bigint NOT NULL
		CHECK (existed IN (0, 1)),
	seq bigint,
	project text COLLATE "C",
	note text COLLATE "C",
	start bigint,
	stop bigint,
	CHECK (existed = 0 OR (seq IS NOT NULL AND project IS NOT NULL
	                       AND note IS NOT NULL AND start IS NOT NULL)),
	PRIMARY KEY (step_id, entry_id)
);

-- The tags of those before-images. Deferred: a step records an entry's
-- tags just before its image, so that both are taken only on the first
-- touch. (The cascade itself is never deferred, here as on SQLite.)
CREATE TABLE undo_tags (
	step_id bigint NOT NULL,
	entry_id bigint NOT NULL,
	tag text COLLATE "C" NOT NULL,
	PRIMARY KEY (step_id, entry_id, tag),
	FOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

-- The breaks of those before-images, deferred like undo_tags.
CREATE TABLE undo_breaks (
	step_id bigint NOT NULL,
	entry_id bigint NOT NULL,
	start bigint NOT NULL,
	stop bigint,
	PRIMARY KEY (step_id, entry_id, start),
	FOREIGN KEY (step_id, entry_id) REFERENCES undo_entries (step_id, entry_id)
		ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

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
-- pruned: ON DELETE SET NULL). A corrected message points at its
-- correction's step. The column is last, where migration 5 put it on
-- SQLite.
CREATE TABLE handled_messages (
	user_id bigint NOT NULL REFERENCES users (id),
	n bigint NOT NULL
		CHECK (n >= 1),
	msg_key text COLLATE "C" NOT NULL
		CHECK (char_length(msg_key) = 40 AND msg_key !~ '[^0-9a-f]'),
	at bigint NOT NULL,
	reply text COLLATE "C"
		CHECK (reply IS NULL OR octet_length(reply) <= 4096),
	step_id bigint REFERENCES undo_steps (id) ON DELETE SET NULL,
	UNIQUE (user_id, n),
	UNIQUE (user_id, msg_key)
);

CREATE INDEX handled_messages_at ON handled_messages (at);

-- The messages whose change is a step, for ON DELETE SET NULL when a step
-- goes (undo, pruning) without reading the whole table.
CREATE INDEX handled_messages_step ON handled_messages (step_id);

-- Each user's settings (the settings command, commands/prefs.h): name as
-- the command spells it ("idle.after"), value as it reads back ("30m"). A
-- setting without a row has bot.yaml's default. The time zone stays in
-- users.tz.
CREATE TABLE user_settings (
	user_id bigint NOT NULL REFERENCES users (id),
	name text COLLATE "C" NOT NULL
		CHECK (octet_length(name) BETWEEN 1 AND 32),
	value text COLLATE "C" NOT NULL
		CHECK (octet_length(value) BETWEEN 1 AND 64),
	PRIMARY KEY (user_id, name)
);

-- Presence: the moment the user left (every resource of theirs away, xa,
-- idle or offline: the idle time's start, else the time the presence
-- changed). No row while they are here. Kept here, not in memory, so that
-- the forgotten-timer question survives a restart of the bot.
CREATE TABLE user_away (
	user_id bigint PRIMARY KEY REFERENCES users (id),
	since bigint NOT NULL
);

-- The forgotten-timer question asked when the user came back: the entry
-- that ran while they were away from away_from to away_to. Until expires,
-- `stop`, `break` and `keep` answer it. At most one per user.
CREATE TABLE idle_prompts (
	user_id bigint PRIMARY KEY REFERENCES users (id),
	entry_id bigint NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
	away_from bigint NOT NULL,
	away_to bigint NOT NULL,
	expires bigint NOT NULL,
	CHECK (away_to >= away_from)
);

-- Nudges sent, one row per occasion, written in the transaction that
-- decides to send one, so that none goes twice, across restarts too.
-- occasion: for running_over and idle (a timer idle.action stopped) the
-- entry's id; for start_by the user's local day and for digest the first
-- local day of the period it covers, both as days since 1970-01-01. Rows
-- older than STORE_MSG_DAYS days are pruned with the message keys.
CREATE TABLE nudges_sent (
	user_id bigint NOT NULL REFERENCES users (id),
	kind text COLLATE "C" NOT NULL
		CHECK (kind IN ('running_over', 'start_by', 'digest', 'idle')),
	occasion bigint NOT NULL,
	at bigint NOT NULL,
	PRIMARY KEY (user_id, kind, occasion)
);

CREATE INDEX nudges_sent_at ON nudges_sent (at);

-- The team rooms' daily digests posted, one row per team and day, written
-- in the transaction that decides to post one, so that none goes twice,
-- across restarts too, and a bot that was down at the digest time still
-- posts it that day. team is the name in bot.yaml's teams section; day
-- the local day in defaults.timezone, as days since 1970-01-01. Rows older
-- than STORE_MSG_DAYS days are pruned with the message keys.
CREATE TABLE team_digests (
	team text COLLATE "C" NOT NULL
		CHECK (octet_length(team) BETWEEN 1 AND 64),
	day bigint NOT NULL,
	at bigint NOT NULL,
	PRIMARY KEY (team, day)
);

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
	user_id bigint PRIMARY KEY REFERENCES users (id),
	tz text COLLATE "C" NOT NULL
);

CREATE TABLE rollup_projects (
	user_id bigint NOT NULL REFERENCES users (id),
	day bigint NOT NULL,
	project text COLLATE "C" NOT NULL,
	edge bigint NOT NULL,
	secs bigint NOT NULL,
	first bigint NOT NULL,
	PRIMARY KEY (user_id, day, project, edge)
);

CREATE TABLE rollup_tags (
	user_id bigint NOT NULL REFERENCES users (id),
	day bigint NOT NULL,
	project text COLLATE "C" NOT NULL,
	tag text COLLATE "C" NOT NULL,
	edge bigint NOT NULL,
	secs bigint NOT NULL,
	first bigint NOT NULL,
	PRIMARY KEY (user_id, day, project, tag, edge)
);

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
	user_id bigint NOT NULL,
	lo bigint NOT NULL,
	hi bigint NOT NULL,
	entry_id bigint
);

CREATE INDEX rollup_dirty_entry ON rollup_dirty (entry_id)
WHERE entry_id IS NOT NULL;

-- entries_rollup_insert, entries_rollup_delete and entries_rollup_update.
CREATE FUNCTION entries_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.stop IS NOT NULL THEN
		INSERT INTO rollup_dirty
			VALUES (OLD.user_id, OLD.start, OLD.stop, NULL);
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.stop IS NOT NULL THEN
		INSERT INTO rollup_dirty
			VALUES (NEW.user_id, NEW.start, NEW.stop,
			        CASE WHEN TG_OP = 'INSERT' OR OLD.stop IS NULL
			             THEN NEW.id END);
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER entries_rollup_insert AFTER INSERT ON entries
FOR EACH ROW WHEN (NEW.stop IS NOT NULL)
EXECUTE FUNCTION entries_rollup();

CREATE TRIGGER entries_rollup_delete AFTER DELETE ON entries
FOR EACH ROW WHEN (OLD.stop IS NOT NULL)
EXECUTE FUNCTION entries_rollup();

CREATE TRIGGER entries_rollup_update
AFTER UPDATE OF user_id, project, start, stop ON entries
FOR EACH ROW EXECUTE FUNCTION entries_rollup();

-- The six triggers of entry_tags and entry_breaks: the span of the
-- stopped entry whose tags or breaks changed (both entries, when an
-- update moves a row from one to another), unless that entry became a
-- stopped one in this transaction. NEW is NULL on a delete and OLD on an
-- insert, so the list holds NULL there, which matches no entry.
CREATE FUNCTION entry_parts_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO rollup_dirty SELECT user_id, start, stop, NULL FROM entries
		WHERE id IN (OLD.entry_id, NEW.entry_id) AND stop IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM rollup_dirty AS d
			WHERE d.entry_id = entries.id);
	RETURN NULL;
END;
$$;

CREATE TRIGGER entry_tags_rollup_insert AFTER INSERT ON entry_tags
FOR EACH ROW EXECUTE FUNCTION entry_parts_rollup();

CREATE TRIGGER entry_tags_rollup_delete AFTER DELETE ON entry_tags
FOR EACH ROW EXECUTE FUNCTION entry_parts_rollup();

CREATE TRIGGER entry_tags_rollup_update AFTER UPDATE ON entry_tags
FOR EACH ROW EXECUTE FUNCTION entry_parts_rollup();

CREATE TRIGGER entry_breaks_rollup_insert AFTER INSERT ON entry_breaks
FOR EACH ROW EXECUTE FUNCTION entry_parts_rollup();

CREATE TRIGGER entry_breaks_rollup_delete AFTER DELETE ON entry_breaks
FOR EACH ROW EXECUTE FUNCTION entry_parts_rollup();

CREATE TRIGGER entry_breaks_rollup_update AFTER UPDATE ON entry_breaks
FOR EACH ROW EXECUTE FUNCTION entry_parts_rollup();

-- A change of a user's own zone: a row with lo > hi asks the next flush
-- to rebuild the user's rollup if the zone it was built in is not the
-- zone now.
CREATE FUNCTION users_rollup_tz() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO rollup_dirty VALUES (NEW.id, 1, 0, NULL);
	RETURN NULL;
END;
$$;

CREATE TRIGGER users_rollup_tz AFTER UPDATE OF tz ON users
FOR EACH ROW WHEN (OLD.tz IS DISTINCT FROM NEW.tz)
EXECUTE FUNCTION users_rollup_tz();

-- Hourly rates (the rate command, commands/billing.c): what an hour of a
-- project is billed at, in integer cents of currency, an ISO 4217 code in
-- capitals. scope 'user': a user's own rate, name the user's bare JID;
-- scope 'team': a rate a lead of a team of bot.yaml set, name the team's
-- name. project compares without regard to case in the queries (COLLATE
-- UNOCASE), as entries.project does. Added by the migration from version
-- 10 (store_pg.c), whose text is this statement's.
CREATE TABLE rates (
	scope text COLLATE "C" NOT NULL
		CHECK (scope IN ('user', 'team')),
	name text COLLATE "C" NOT NULL
		CHECK (octet_length(name) BETWEEN 1 AND 3071),
	project text COLLATE "C" NOT NULL
		CHECK (octet_length(project) BETWEEN 1 AND 64),
	cents bigint NOT NULL
		CHECK (cents BETWEEN 1 AND 100000000),
	currency text COLLATE "C" NOT NULL
		CHECK (currency ~ '^[A-Z]{3}$'),
	at bigint NOT NULL,
	PRIMARY KEY (scope, name, project)
);
