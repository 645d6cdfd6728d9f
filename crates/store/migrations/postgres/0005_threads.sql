-- Threads: a reply is a message of the same conversation naming its top-level message (one
-- level only). The top-level message keeps its thread's summary, written in the transaction
-- that posts or deletes a reply, so a page of history reads it with the messages.

ALTER TABLE messages ADD COLUMN thread_root_id BIGINT REFERENCES messages (id);
-- A reply also shown in the conversation's timeline ("also send to #channel").
ALTER TABLE messages ADD COLUMN also_in_channel BOOLEAN NOT NULL DEFAULT FALSE;
-- On a top-level message: its live (not deleted) replies, and the newest reply's time and seq.
ALTER TABLE messages ADD COLUMN reply_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_reply_at BIGINT;
ALTER TABLE messages ADD COLUMN last_reply_seq BIGINT;

CREATE INDEX messages_thread ON messages (thread_root_id, seq) WHERE thread_root_id IS NOT NULL;

-- Who follows which thread, and how far they have read it. Posting a reply follows (again);
-- the top-level message's author follows from the first reply unless they unfollowed. The
-- thread's workspace, conversation and newest reply are copied here (and kept up to date with
-- the root's summary), so All threads reads a page of the index below instead of every
-- followed thread.
CREATE TABLE thread_follows (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    root_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    following BOOLEAN NOT NULL,
    -- The seq of the last reply they have seen; replies after it make the thread unread.
    read_seq BIGINT NOT NULL DEFAULT 0,
    -- The root's last_reply_at and last_reply_seq (NULL while the thread has no live reply).
    last_reply_at BIGINT,
    last_reply_seq BIGINT,
    PRIMARY KEY (user_id, root_id)
);
CREATE INDEX thread_follows_by_activity
    ON thread_follows (user_id, workspace_id, last_reply_at, root_id) WHERE following;
CREATE INDEX thread_follows_by_root ON thread_follows (root_id);
