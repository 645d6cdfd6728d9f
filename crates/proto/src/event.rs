//! Events: every change a conversation's members may see, with its position in the
//! conversation's ordered sequence. Recorded in the same transaction as the change; the
//! realtime gateway delivers them, and a reconnecting client resumes after the last workspace
//! `position` it saw.

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationKind, ConversationRole};
use crate::message::{Message, ThreadSummary};
use crate::{ConversationId, MessageId, Timestamp, UserId, WorkspaceId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub workspace_id: WorkspaceId,
    /// 1, 2, 3, … within the workspace, without gaps and in commit order: the position a
    /// reconnecting client resumes after.
    pub position: i64,
    pub conversation_id: ConversationId,
    /// 1, 2, 3, … within the conversation, without gaps.
    pub seq: i64,
    /// Who made the change.
    pub actor: UserId,
    pub at: Timestamp,
    pub payload: EventPayload,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
// A posted message is the big variant and also the common one: boxing it would allocate for
// most events and clutter every match, while the frames that carry events box them whole.
#[allow(clippy::large_enum_variant)]
pub enum EventPayload {
    ConversationCreated {
        kind: ConversationKind,
        name: String,
    },
    ConversationRenamed {
        name: String,
    },
    TopicChanged {
        topic: String,
    },
    DescriptionChanged {
        description: String,
    },
    ConversationArchived,
    ConversationUnarchived,
    MemberJoined {
        user_id: UserId,
    },
    MemberLeft {
        user_id: UserId,
    },
    MemberRemoved {
        user_id: UserId,
    },
    MemberRoleChanged {
        user_id: UserId,
        role: ConversationRole,
    },
    MessagePosted {
        message: Message,
        /// For a reply: its thread's summary after it (the top-level message is
        /// `message.thread_root_id`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread: Option<ThreadSummary>,
    },
    MessageEdited {
        message_id: MessageId,
        body: String,
        html: String,
        edited_at: Timestamp,
        /// Who the new text mentions.
        #[serde(default)]
        mentions: crate::message::Mentions,
    },
    MessageDeleted {
        message_id: MessageId,
        /// For a reply: its top-level message…
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread_root_id: Option<MessageId>,
        /// …and that thread's summary after the deletion (none when no reply is left).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread: Option<ThreadSummary>,
    },
    /// The message was pinned to the conversation (by the event's actor).
    MessagePinned {
        message_id: MessageId,
    },
    MessageUnpinned {
        message_id: MessageId,
    },
    /// Pinning is kept to the channel's managers (`true`) or open to every member.
    PinPolicyChanged {
        managers_only: bool,
    },
    /// `user_id` reacted to the message with `emoji` (Unicode, skin tone included).
    ReactionAdded {
        message_id: MessageId,
        user_id: UserId,
        emoji: String,
    },
    /// `user_id` took their `emoji` reaction back.
    ReactionRemoved {
        message_id: MessageId,
        user_id: UserId,
        emoji: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_by_type_and_round_trip() {
        let e = EventPayload::MemberJoined { user_id: UserId(3) };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "member_joined", "user_id": 3})
        );
        assert_eq!(serde_json::from_value::<EventPayload>(json).unwrap(), e);
        let archived = serde_json::to_value(EventPayload::ConversationArchived).unwrap();
        assert_eq!(
            archived,
            serde_json::json!({"type": "conversation_archived"})
        );
    }
}
