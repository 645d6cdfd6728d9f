-- Email about missed mentions and direct messages (ADR 0019). Per account: how often at most
-- (minutes; 0 = never), when the last one went, and the token of its unsubscribe link.
ALTER TABLE users ADD COLUMN email_every_minutes BIGINT NOT NULL DEFAULT 15
    CHECK (email_every_minutes IN (0, 15, 60));
ALTER TABLE users ADD COLUMN email_sent_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);

-- Messages someone may have to be emailed about, once they are old enough and still unread.
-- Filled by the sweep from the messages posted since the last one; emptied per person when
-- their email goes (or when there is nothing left to say).
CREATE TABLE email_pending (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, message_id)
);

-- How far the sweep has read the messages (an id). One row; a node claims the next stretch
-- by moving it with a compare-and-set, so two nodes never queue the same messages. Starts at
-- the newest message: history from before this migration is never emailed.
CREATE TABLE email_sweep (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    swept_through BIGINT NOT NULL
);
INSERT INTO email_sweep (id, swept_through) SELECT 1, COALESCE(MAX(id), 0) FROM messages;
