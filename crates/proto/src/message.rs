//! Messages in a conversation.

use serde::{Deserialize, Serialize};

use crate::{ConversationId, MessageId, Timestamp, UserId};

/// Longest message body accepted, in characters (Slack's limit).
pub const MAX_BODY_CHARS: usize = 40_000;
/// Longest client-chosen id.
pub const MAX_CLIENT_ID_LEN: usize = 64;
/// The largest request that can carry a legal message (post or edit): every character of the
/// longest body written as a JSON escape (a character outside the Basic Multilingual Plane is
/// a surrogate pair, `\ud83d\ude00`: 12 bytes), plus the client id and room for the rest of the
/// object. Anything larger cannot be a valid message and is refused before it is read.
pub const MAX_REQUEST_BYTES: usize = MAX_BODY_CHARS * 12 + 16 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// The message's position in its conversation (the `seq` of its `message_posted` event).
    pub seq: i64,
    pub author_id: UserId,
    /// The id the sender chose, echoed back so a client can match its pending message.
    pub client_id: Option<String>,
    /// The Markdown source as typed; empty once deleted.
    pub body: String,
    /// The body rendered to safe HTML (all HTML in the source escaped); empty once deleted.
    pub html: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    /// A tombstone: the message was deleted and its text is gone.
    pub deleted: bool,
    /// Reactions, by emoji, in the order each emoji was first used.
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// A reply: the top-level message whose thread it belongs to.
    #[serde(default)]
    pub thread_root_id: Option<MessageId>,
    /// A reply also shown in the conversation's timeline ("also send to #channel").
    #[serde(default)]
    pub also_in_channel: bool,
    /// A top-level message with replies: its thread in brief.
    #[serde(default)]
    pub thread: Option<ThreadSummary>,
    /// Pinned to its conversation: by whom and when.
    #[serde(default)]
    pub pinned: Option<Pin>,
    /// Who the text mentions (its `html` marks the same people and broadcasts).
    #[serde(default)]
    pub mentions: Mentions,
}

/// Who a message mentions: found once when it is written or edited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mentions {
    /// People mentioned by handle who were in the workspace, each once, by id.
    #[serde(default)]
    pub users: Vec<UserId>,
    /// `@channel` (or `@everyone`, `@all`): everyone in the conversation.
    #[serde(default)]
    pub channel: bool,
    /// `@here`: everyone in the conversation who was online.
    #[serde(default)]
    pub here: bool,
}

impl Mentions {
    /// Whether the message asks for `user`'s attention (for `@here`, when they are online).
    pub fn include(&self, user: UserId) -> bool {
        self.channel || self.here || self.users.contains(&user)
    }
}

/// Who pinned a message, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pin {
    pub by: UserId,
    pub at: Timestamp,
}

impl Message {
    /// Shown in the conversation's timeline: top-level messages and replies also sent there.
    pub fn in_timeline(&self) -> bool {
        self.thread_root_id.is_none() || self.also_in_channel
    }
}

/// A thread in brief, as its top-level message shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadSummary {
    /// Replies not deleted.
    pub reply_count: i64,
    pub last_reply_at: Timestamp,
    /// Up to three people who replied, the most recent first.
    pub participants: Vec<UserId>,
}

/// The people who reacted to a message with one emoji.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reaction {
    /// The emoji as Unicode, skin tone included (e.g. `👍🏽`).
    pub emoji: String,
    /// Who reacted with it, in the order they did; its count is their number.
    pub user_ids: Vec<UserId>,
}

/// `PUT`/`DELETE /api/v1/messages/{id}/reactions/{emoji}`: the message's reactions after
/// the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reactions {
    pub message_id: MessageId,
    pub reactions: Vec<Reaction>,
}

/// `POST /api/v1/conversations/{id}/messages`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostMessage {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::message_body))]
    pub body: String,
    /// Chosen by the client (e.g. a UUID): sending again with the same id returns the first
    /// message instead of posting twice.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::client_id))]
    pub client_id: Option<String>,
    /// Posts a reply in this top-level message's thread (one level: not a reply's).
    #[serde(default)]
    pub thread_root_id: Option<MessageId>,
    /// With `thread_root_id`: show the reply in the conversation's timeline too.
    #[serde(default)]
    pub also_in_channel: bool,
}

/// `PATCH /api/v1/messages/{id}`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditMessage {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::message_body))]
    pub body: String,
}

/// `GET /api/v1/conversations/{id}/messages`: at most one of `before`, `after`, `around`
/// (positions); none means the newest page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct HistoryQuery {
    #[serde(default)]
    pub before: Option<i64>,
    #[serde(default)]
    pub after: Option<i64>,
    #[serde(default)]
    pub around: Option<i64>,
    /// Jump to a date: `YYYY-MM-DD` in the caller's time zone. The page around the first
    /// message written that day or later (the newest page when there is none).
    #[serde(default)]
    pub date: Option<String>,
    /// 1–200, default 50.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::history_limit))]
    pub limit: Option<u32>,
}

/// A page of history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Older messages exist before the first one.
    pub more_before: bool,
    /// Newer messages exist after the last one.
    pub more_after: bool,
}

/// Whether the caller follows a thread: they see it under All threads and, later, get its
/// notifications. `PUT`/`DELETE /api/v1/messages/{id}/following`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadFollowing {
    pub root_id: MessageId,
    pub following: bool,
}

/// `GET /api/v1/workspaces/{slug}/threads`: a page of the threads the caller follows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ThreadsQuery {
    /// The root id of the last thread already shown: the page continues after it.
    #[serde(default)]
    pub after: Option<MessageId>,
    /// 1–50, default 20.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::threads_limit))]
    pub limit: Option<u32>,
}

/// One thread under All threads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadItem {
    /// The top-level message, with its `thread` summary.
    pub root: Message,
    /// The newest reply not deleted.
    pub latest_reply: Option<Message>,
    /// Replies arrived since the caller last read the thread.
    pub unread: bool,
}

/// Threads the caller follows in a workspace, newest activity first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadList {
    pub threads: Vec<ThreadItem>,
    /// More threads follow the last one (ask again with `after` = its root id).
    pub more: bool,
}
