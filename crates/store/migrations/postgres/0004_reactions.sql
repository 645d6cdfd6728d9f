-- Reactions: one row per (message, person, emoji). Adding and removing one records an event
-- in the same transaction, like every other change.

CREATE TABLE message_reactions (
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- The Unicode emoji, skin tone included (validated against the emoji list).
    emoji TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
