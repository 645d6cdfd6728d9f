//! Conversations: channels (public or private) and direct messages (1:1, with yourself, or a
//! group) are one notion. Each has members and an ordered sequence of events.

use serde::{Deserialize, Serialize};

use crate::{ConversationId, Timestamp, UserId, WorkspaceId, account::Profile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// A channel any workspace member (not guests) can find and join.
    Public,
    /// A channel only its members know exists.
    Private,
    /// A direct message between two people, or with yourself.
    Direct,
    /// A direct message among three to nine people.
    Group,
}

impl ConversationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Direct => "direct",
            Self::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Public, Self::Private, Self::Direct, Self::Group]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn is_channel(self) -> bool {
        matches!(self, Self::Public | Self::Private)
    }
}

/// A conversation as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub kind: ConversationKind,
    /// Channel name without `#`; for direct messages, the other people's names.
    pub name: String,
    pub topic: String,
    pub description: String,
    /// The workspace's `#general`: everyone is in it; it cannot be left or archived.
    pub is_general: bool,
    pub archived: bool,
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub member_count: u32,
    /// Whether the viewer is a member.
    pub is_member: bool,
    /// Whether the viewer may rename, archive and remove members.
    pub can_manage: bool,
    /// Whether the viewer may add people (members who are not guests, while not archived;
    /// workspace admins on any public channel).
    #[serde(default)]
    pub can_add_members: bool,
    /// Position of the newest event; clients resume after it.
    pub last_seq: i64,
    /// The people of a direct message (empty for channels: see their member list).
    #[serde(default)]
    pub participants: Vec<UserId>,
    /// Only managers may pin and unpin messages (a channel setting).
    #[serde(default)]
    pub pins_managers_only: bool,
    /// Whether the viewer may pin and unpin messages here now.
    #[serde(default)]
    pub can_pin: bool,
}

/// A member's role in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationRole {
    /// May rename, archive, and remove members (the creator; workspace admins always may).
    Manager,
    Member,
}

impl ConversationRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manager => "manager",
            Self::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "manager" => Some(Self::Manager),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationMember {
    pub user_id: UserId,
    pub role: ConversationRole,
    /// Manages the conversation by role here or as a workspace owner/admin.
    pub is_manager: bool,
    pub joined_at: Timestamp,
    pub profile: Profile,
}

/// `POST /api/v1/workspaces/{slug}/channels`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateChannel {
    /// Normalised like Slack: lowercase, spaces become hyphens, at most 80 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::channel_name))]
    pub name: String,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::topic))]
    pub topic: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::description))]
    pub description: Option<String>,
    /// Workspace members to add right away.
    #[serde(default)]
    pub members: Vec<UserId>,
}

/// `PATCH /api/v1/conversations/{id}`: absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationUpdate {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::channel_name_update))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::topic))]
    pub topic: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::description))]
    pub description: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
    /// Keep pinning to the channel's managers (managers only).
    #[serde(default)]
    pub pins_managers_only: Option<bool>,
}

/// `PUT /api/v1/conversations/{id}/members/{user_id}`: join (yourself) or add someone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MembershipChange {
    /// Make the member a manager (or back to member). Omitted when just joining or adding.
    #[serde(default)]
    pub role: Option<ConversationRole>,
}

/// `POST /api/v1/workspaces/{slug}/dms`: open the direct message with these people.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenDirect {
    /// The other participants (empty, or only yourself, for a note-to-self). At most 8.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::direct_participants))]
    pub user_ids: Vec<UserId>,
}

/// `GET /api/v1/workspaces/{slug}/channels` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ChannelQuery {
    /// Only channels whose name contains this text.
    #[serde(default)]
    pub query: Option<String>,
    /// `true`: only archived channels; default: only active ones.
    #[serde(default)]
    pub archived: Option<bool>,
}

/// `PUT /api/v1/conversations/{id}/read`: the caller has read the conversation up to this
/// position (a message's `seq`, 0 or more). The marker only moves forward, and never past the
/// newest position, so a number past the end reads everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkRead {
    #[serde(deserialize_with = "crate::number::position")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::position))]
    pub seq: i64,
}

/// How far the caller has read a conversation they belong to, and what is left:
/// `GET /api/v1/workspaces/{slug}/unread` lists them; marking read or unread answers one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadState {
    pub conversation_id: ConversationId,
    /// The newest position read; messages after it are unread.
    pub last_read_seq: i64,
    /// Messages after it written by someone else (thread replies only when also sent to the
    /// conversation; deleted ones do not count).
    pub unread: i64,
    /// Those of them that mention the member: by handle, `@channel`, or `@here` while they were
    /// online. (Clients show every unread direct message as a mention too, as Slack does.)
    #[serde(default)]
    pub mentions: i64,
}
