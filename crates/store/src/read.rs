//! Read state: how far each member has read each conversation, and the unread counts that
//! follow from it (ADR 0015: sequence-based, counted on demand).

use ocomms_proto::{ConversationId, UserId, WorkspaceId};

use crate::backend::on_pool;
use crate::{Store, StoreResult};

/// One conversation's read state for one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadState {
    pub conversation_id: ConversationId,
    /// The newest position read (a message's `seq`); 0 when nothing was.
    pub last_read_seq: i64,
    /// Live messages after it, written by someone else since the member joined, in the
    /// timeline (thread replies count only when also sent to the conversation).
    pub unread: i64,
    /// Those of them that mention the member: personally (a `mentions` row) or `@channel`.
    pub mentions: i64,
}

/// Counted with the unique index on (conversation_id, seq): only the unread rows are read.
const UNREAD: &str = "SELECT COUNT(*) FROM messages m \
     WHERE m.conversation_id = cm.conversation_id AND m.seq > cm.last_read_seq \
     AND m.author_id <> cm.user_id AND m.deleted_at IS NULL AND m.created_at >= cm.joined_at \
     AND (m.thread_root_id IS NULL OR m.also_in_channel)";

/// The unread messages that mention the member. `@channel` is read off the message (no row
/// per member); a message naming them personally too is counted once, as a row is written
/// only when it does not mention the whole channel.
/// Each part is counted only where the newest such mention is past the marker (kept on the
/// membership and the conversation when a message is posted or edited), so a sidebar of
/// unread conversations without mentions costs no extra probe.
const MENTIONS: &str = "(CASE WHEN cm.last_mention_seq > cm.last_read_seq THEN \
     (SELECT COUNT(*) FROM mentions mn JOIN messages m ON m.id = mn.message_id \
     WHERE mn.user_id = cm.user_id AND mn.conversation_id = cm.conversation_id \
     AND mn.seq > cm.last_read_seq AND m.deleted_at IS NULL \
     AND (m.thread_root_id IS NULL OR m.also_in_channel)) ELSE 0 END) \
     + (CASE WHEN c.last_channel_mention_seq > cm.last_read_seq THEN \
     (SELECT COUNT(*) FROM messages m \
     WHERE m.conversation_id = cm.conversation_id AND m.seq > cm.last_read_seq \
     AND m.mentions_channel AND m.author_id <> cm.user_id AND m.deleted_at IS NULL \
     AND m.created_at >= cm.joined_at AND (m.thread_root_id IS NULL OR m.also_in_channel)) \
     ELSE 0 END)";

impl Store {
    /// Moves a member's read marker forward to `seq` (never back: tabs that report late do not
    /// undo a newer read). `None` when `user` is not a member.
    pub async fn mark_read(
        &self,
        user: UserId,
        conversation: ConversationId,
        seq: i64,
    ) -> StoreResult<Option<ReadState>> {
        self.move_marker(user, conversation, seq, "AND last_read_seq < $3")
            .await
    }

    /// Sets a member's read marker to `seq`, back as well as forward ("mark unread").
    pub async fn set_read(
        &self,
        user: UserId,
        conversation: ConversationId,
        seq: i64,
    ) -> StoreResult<Option<ReadState>> {
        self.move_marker(user, conversation, seq, "").await
    }

    async fn move_marker(
        &self,
        user: UserId,
        conversation: ConversationId,
        seq: i64,
        only_if: &str,
    ) -> StoreResult<Option<ReadState>> {
        let sql = format!(
            "UPDATE conversation_members SET last_read_seq = $3 \
             WHERE conversation_id = $1 AND user_id = $2 {only_if}"
        );
        on_pool!(self, |pool| {
            sqlx::query(&sql)
                .bind(conversation.0)
                .bind(user.0)
                .bind(seq)
                .execute(pool)
                .await?;
        });
        self.read_state(user, conversation).await
    }

    /// Marks every conversation of `workspace` that `user` belongs to read up to its newest
    /// position ("mark all as read"); answers the ones whose marker moved, with it.
    pub async fn mark_all_read(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<(ConversationId, i64)>> {
        let newest = "(SELECT c.last_seq FROM conversations c \
             WHERE c.id = conversation_members.conversation_id AND c.workspace_id = $2)";
        let sql = format!(
            "UPDATE conversation_members SET last_read_seq = {newest} \
             WHERE user_id = $1 AND last_read_seq < {newest} \
             RETURNING conversation_id, last_read_seq"
        );
        let moved: Vec<(i64, i64)> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(user.0)
            .bind(workspace.0)
            .fetch_all(pool)
            .await?);
        Ok(moved
            .into_iter()
            .map(|(conversation, seq)| (ConversationId(conversation), seq))
            .collect())
    }

    /// A member's read state of one conversation; `None` for a non-member.
    pub async fn read_state(
        &self,
        user: UserId,
        conversation: ConversationId,
    ) -> StoreResult<Option<ReadState>> {
        let sql = format!(
            "SELECT cm.conversation_id, cm.last_read_seq, ({UNREAD}), {MENTIONS} \
             FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id \
             WHERE cm.conversation_id = $1 AND cm.user_id = $2"
        );
        let row: Option<(i64, i64, i64, i64)> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(conversation.0)
            .bind(user.0)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(read_state))
    }

    /// The read state of every conversation `user` belongs to in a workspace, by id.
    pub async fn read_states(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<ReadState>> {
        let sql = format!(
            // A conversation with no message after the marker is not probed at all (later
            // events that are not messages, such as reactions and joins, count nothing).
            "SELECT cm.conversation_id, cm.last_read_seq, \
             CASE WHEN c.last_message_seq > cm.last_read_seq THEN ({UNREAD}) ELSE 0 END, \
             CASE WHEN c.last_message_seq > cm.last_read_seq THEN {MENTIONS} ELSE 0 END \
             FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id \
             WHERE cm.user_id = $1 AND c.workspace_id = $2 ORDER BY cm.conversation_id"
        );
        let rows: Vec<(i64, i64, i64, i64)> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(user.0)
            .bind(workspace.0)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(read_state).collect())
    }
}

fn read_state((conversation, last_read_seq, unread, mentions): (i64, i64, i64, i64)) -> ReadState {
    ReadState {
        conversation_id: ConversationId(conversation),
        last_read_seq,
        unread,
        mentions,
    }
}
