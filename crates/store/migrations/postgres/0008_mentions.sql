-- Mentions (ADR 0016). Handles: the `@name` people are mentioned by, unique on the server,
-- lowercase. Accounts made before this migration get theirs from their display name when the
-- store opens (`Store::assign_missing_handles`): SQL cannot transliterate names.
ALTER TABLE users ADD COLUMN handle TEXT;
CREATE UNIQUE INDEX users_handle ON users (handle);

-- Who a message mentions, as its readers see it: the people (user ids, space-separated, in
-- the order of the text), `@channel` and `@here`.
ALTER TABLE messages ADD COLUMN mentioned_users TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN mentions_channel BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE messages ADD COLUMN mentions_here BOOLEAN NOT NULL DEFAULT FALSE;

-- The members a message mentions personally (by handle, or by `@here` while online), for
-- their mention counts. `@channel` writes no rows: it is counted from the message itself, so
-- a post to 1,000 members costs no more than any other.
CREATE TABLE mentions (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, conversation_id, seq)
);
CREATE INDEX mentions_message ON mentions (message_id);
