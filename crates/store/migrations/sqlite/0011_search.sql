-- Message search (docs/adr/0020): an FTS5 index over message bodies, kept by triggers in the
-- transaction that writes the message. Tokens are runs of letters and digits, lowercased,
-- accents kept (`remove_diacritics 0`), as the PostgreSQL index reads them too.
CREATE VIRTUAL TABLE messages_search USING fts5(
    body,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_search (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_search (messages_search, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_search (messages_search, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_search (rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO messages_search (messages_search) VALUES ('rebuild');
