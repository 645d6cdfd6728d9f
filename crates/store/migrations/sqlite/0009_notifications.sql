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

-- The newest position that mentions a member personally, and the newest `@channel` of a
-- conversation: the sidebar counts mentions only where one of them is past the member's read
-- marker, instead of probing every unread conversation twice more (ADR 0016).
ALTER TABLE conversation_members ADD COLUMN last_mention_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN last_channel_mention_seq BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_members SET last_mention_seq = COALESCE(
    (SELECT MAX(mn.seq) FROM mentions mn
     WHERE mn.user_id = conversation_members.user_id
     AND mn.conversation_id = conversation_members.conversation_id), 0);
UPDATE conversations SET last_channel_mention_seq = COALESCE(
    (SELECT MAX(m.seq) FROM messages m
     WHERE m.conversation_id = conversations.id AND m.mentions_channel), 0);
