-- A person's own data, prepared in the background for download (GDPR; docs/export-format.md,
-- "Your data"). One row per request; the newest replaces the older ones of the same person.
CREATE TABLE personal_exports (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('running', 'ready', 'failed')),
    -- Progress: messages written so far, of how many.
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    -- Last sign of life of the job preparing it: one silent for long ran on a node that stopped.
    updated_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- The JSON document, once ready: kept in the database so any node can serve it.
    data BLOB,
    error TEXT
);
CREATE INDEX personal_exports_by_user ON personal_exports (user_id, id);
