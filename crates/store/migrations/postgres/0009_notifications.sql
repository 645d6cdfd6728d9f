-- Notification settings (ADR 0017). Per conversation membership: the member's level there,
-- NULL for their workspace default. Per workspace membership: that default. Per account:
-- quiet hours (minutes after midnight in the account's time zone) and a snooze.
ALTER TABLE conversation_members ADD COLUMN notify_level TEXT
    CHECK (notify_level IN ('all', 'mentions', 'nothing'));
ALTER TABLE members ADD COLUMN notify_default TEXT NOT NULL DEFAULT 'mentions'
    CHECK (notify_default IN ('all', 'mentions', 'nothing'));
ALTER TABLE users ADD COLUMN dnd_start BIGINT;
ALTER TABLE users ADD COLUMN dnd_end BIGINT;
ALTER TABLE users ADD COLUMN snoozed_until BIGINT;

-- The Activity list reads `@channel` messages of the member's conversations newest first.
CREATE INDEX messages_channel_mentions ON messages (conversation_id, id) WHERE mentions_channel;
