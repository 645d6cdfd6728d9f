-- The seq of each conversation's newest message. `last_seq` counts every event (joins,
-- reactions, pins, edits), so "something after my read marker" said little: the sidebar
-- probed for unread messages in every conversation with a later reaction or join. It now
-- probes only where a message is past the marker (crates/store/src/read.rs).
ALTER TABLE conversations ADD COLUMN last_message_seq BIGINT NOT NULL DEFAULT 0;
UPDATE conversations SET last_message_seq = COALESCE(
    (SELECT MAX(m.seq) FROM messages m WHERE m.conversation_id = conversations.id), 0);
