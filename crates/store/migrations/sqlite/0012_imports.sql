-- `ocomms import` (docs/adr/0025): one row per export file loaded into this database, by the
-- SHA-256 the file ends with, so loading the same file again changes nothing and says so.
CREATE TABLE imports (
    sha256 TEXT PRIMARY KEY,
    -- 'all' or the slug of the one workspace the file holds.
    scope TEXT NOT NULL,
    -- 'sqlite' or 'postgres': the database the export was read from.
    source_backend TEXT NOT NULL,
    -- RFC 3339 as written in the file's header.
    exported_at TEXT NOT NULL,
    -- Unix milliseconds, like every other time in the schema.
    imported_at BIGINT NOT NULL
);
