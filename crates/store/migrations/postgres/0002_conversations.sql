-- Conversations: channels (public, private) and direct messages (direct, group) are one
-- notion, each with members and an ordered, gapless sequence of events.

CREATE TABLE conversations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('public', 'private', 'direct', 'group')),
    -- Normalised channel name; NULL for direct messages.
    name TEXT,
    topic TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    is_general BOOLEAN NOT NULL DEFAULT FALSE,
    -- Sorted participant ids of a direct message: the same people reuse one conversation.
    direct_key TEXT,
    archived_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    -- Newest event's position; bumped in the transaction that records the event, which also
    -- serialises writers per conversation so positions have no gaps.
    last_seq BIGINT NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, name),
    UNIQUE (workspace_id, direct_key)
);

CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('manager', 'member')),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_by_user ON conversation_members (user_id);

-- Newest event position of each workspace: events are numbered 1, 2, 3, … per workspace,
-- in commit order (the row lock taken by the bump is held until commit).
ALTER TABLE workspaces ADD COLUMN last_position BIGINT NOT NULL DEFAULT 0;

CREATE TABLE conversation_events (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    actor BIGINT NOT NULL REFERENCES users (id),
    at BIGINT NOT NULL,
    -- The event as JSON (`ocomms_proto::event::EventPayload`).
    payload TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX conversation_events_by_position ON conversation_events (workspace_id, position);

-- Workspaces created before conversations existed get their #general, with every member in
-- it (guests see only the channels they are added to).
INSERT INTO conversations (workspace_id, kind, name, is_general, created_by, created_at)
SELECT id, 'public', 'general', TRUE, created_by, created_at FROM workspaces;
INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
SELECT c.id, m.user_id, CASE WHEN m.user_id = c.created_by THEN 'manager' ELSE 'member' END, m.joined_at
FROM conversations c JOIN members m ON m.workspace_id = c.workspace_id
WHERE c.is_general AND m.role <> 'guest';
