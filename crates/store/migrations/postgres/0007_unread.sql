-- Unread state: per member of a conversation, the newest position (seq) they have read.
-- Unread messages are counted on demand from it (messages after it, by someone else, since
-- they joined): posting writes nothing per member, however many there are. Existing members
-- start with everything read.

ALTER TABLE conversation_members ADD COLUMN last_read_seq BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_members
SET last_read_seq = (SELECT c.last_seq FROM conversations c WHERE c.id = conversation_members.conversation_id);
