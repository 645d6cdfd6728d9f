-- Messages. Each one's `seq` is the conversation position of its `message_posted` event,
-- so history pages and event replay share one ordering.

CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    -- Chosen by the sending client; a retry with the same id returns the first message.
    client_id TEXT,
    body TEXT NOT NULL,
    -- Rendered once when written (safe HTML), served to every viewer as is.
    html TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    -- Soft delete: the row stays as a tombstone with its text removed.
    deleted_at BIGINT,
    UNIQUE (conversation_id, seq),
    UNIQUE (author_id, client_id)
);
