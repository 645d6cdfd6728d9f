-- Pins: a message is pinned while pinned_at is set (who pinned it in pinned_by), written with
-- its message_pinned / message_unpinned event. A conversation may keep pinning to managers.

ALTER TABLE messages ADD COLUMN pinned_at BIGINT;
ALTER TABLE messages ADD COLUMN pinned_by BIGINT REFERENCES users (id);
CREATE INDEX messages_pinned ON messages (conversation_id, pinned_at) WHERE pinned_at IS NOT NULL;

ALTER TABLE conversations ADD COLUMN pins_managers_only BOOLEAN NOT NULL DEFAULT FALSE;
