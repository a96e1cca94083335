-- schema.sql - timmy's database: the single source of its schema.
--
-- storage/embed-schema.sh compiles this file into the binary, which runs it
-- on an empty database in one transaction; the user_version below is the
-- schema version (store_schema_version()). A change here bumps it and adds
-- the matching step to the migrations in storage/store.c.
--
-- Times are UTC epoch seconds. Text limits are in bytes of UTF-8, the
-- STORE_*_MAX values of storage/store.h: length() counts characters, so the
-- checks measure CAST(x AS BLOB).

PRAGMA user_version = 1;

-- One row per bare JID, created by the user's first entry; reads never add
-- one. The JID is compared byte for byte: callers pass it normalised.
-- tz (an IANA zone name) is reserved for a per-user time zone; NULL means
-- the bot's default.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	jid TEXT NOT NULL UNIQUE
		CHECK (length(CAST(jid AS BLOB)) BETWEEN 1 AND 3071),
	tz TEXT
		CHECK (tz IS NULL OR length(CAST(tz AS BLOB)) BETWEEN 1 AND 64)
) STRICT;

-- Time entries. stop NULL is the running entry (stop == 0 in C). Projects
-- compare case-insensitively (ASCII only, SQLite's NOCASE): "Acme" and
-- "acme" are one project.
CREATE TABLE entries (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	project TEXT NOT NULL COLLATE NOCASE
		CHECK (length(CAST(project AS BLOB)) BETWEEN 1 AND 64),
	note TEXT NOT NULL DEFAULT ''
		CHECK (length(CAST(note AS BLOB)) <= 1000),
	start INTEGER NOT NULL,
	stop INTEGER,
	CHECK (stop IS NULL OR stop >= start)
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

-- At most one running entry per user, enforced by the database itself: a
-- second one fails with a UNIQUE constraint error (STORE_CONFLICT).
CREATE UNIQUE INDEX entries_running ON entries (user_id) WHERE stop IS NULL;

-- Reports. Stopped entries overlapping [from, to) all start in
-- [from - longest duration, to), one range of this index, which covers
-- every column the totals read.
CREATE INDEX entries_user_start ON entries (user_id, start, stop, project);

-- The user's longest stopped entry, for the bound above, read from the end
-- of this index rather than by scanning the user's history.
CREATE INDEX entries_user_duration ON entries (user_id, stop - start);
