//! Notifications: per-conversation levels, do not disturb, the live `notify` frame's body and
//! the Activity list (ADR 0017).

use serde::{Deserialize, Serialize};

use crate::message::Message;
use crate::{ConversationId, MessageId, Timestamp, WorkspaceId};

/// How much of a conversation notifies, as in Slack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Every message.
    All,
    /// Mentions of you, `@channel`/`@here`, and direct messages.
    Mentions,
    /// Nothing: muted (shown dimmed; mentions are still counted).
    Nothing,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Mentions => "mentions",
            Self::Nothing => "nothing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "all" => Some(Self::All),
            "mentions" => Some(Self::Mentions),
            "nothing" => Some(Self::Nothing),
            _ => None,
        }
    }
}

/// Why someone is notified of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It mentions them: by handle, `@channel`, or `@here` while they were online.
    Mention,
    /// A direct message to them.
    Direct,
    /// A conversation they asked to hear everything of.
    Message,
    /// A reply in a thread they follow.
    Reply,
}

/// `GET /api/v1/conversations/{id}/notifications`: the caller's level there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationNotifications {
    /// The caller's own choice; `null`: the workspace default.
    pub level: Option<Level>,
    /// What applies: the choice, or the default.
    pub effective: Level,
}

/// `PUT /api/v1/conversations/{id}/notifications`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetConversationNotifications {
    /// `null` or absent: back to the workspace default.
    #[serde(default)]
    pub level: Option<Level>,
}

/// `GET`/`PUT /api/v1/workspaces/{slug}/notifications`: the caller's default for the
/// conversations of a workspace they have not set a level for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceNotifications {
    pub default_level: Level,
}

/// `GET /api/v1/me/do-not-disturb`: quiet hours every day, in the caller's time zone, and a
/// snooze. While either applies no `notify` frame is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoNotDisturb {
    /// `null`: none.
    pub quiet_hours: Option<QuietHours>,
    /// Snoozed until this moment (unix milliseconds); `null`: not snoozed.
    pub snoozed_until: Option<Timestamp>,
}

/// Every day from `start` to `end` (past midnight when `end` is earlier), `HH:MM` on a
/// 24-hour clock in the caller's time zone (their profile's; UTC when not set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuietHours {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
    )]
    pub start: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
    )]
    pub end: String,
}

/// `PUT /api/v1/me/do-not-disturb`: replaces the quiet hours; snoozes or ends a snooze.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetDoNotDisturb {
    /// `null` or absent: no quiet hours.
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    /// Snooze for this many minutes from now (0 ends a snooze); absent: the snooze stays.
    #[serde(default, deserialize_with = "crate::number::option_u32")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10080))]
    pub snooze_minutes: Option<u32>,
}

/// The body of a `notify` frame: a message the user should hear of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub workspace_id: WorkspaceId,
    /// The position of the `message_posted` event it is about (sent just before).
    pub position: i64,
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub reason: Reason,
}

/// Why an Activity item is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// It names you, or it is `@here` and you were online.
    Mention,
    /// `@channel` in a conversation you are in.
    Channel,
    /// A reply in a thread you follow.
    Reply,
}

/// One entry of the Activity list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityItem {
    pub kind: ActivityKind,
    pub message: Message,
}

/// `GET /api/v1/workspaces/{slug}/activity`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    /// Pass the last item's `message.id` as `before` for the next page.
    pub more: bool,
}

/// `GET /api/v1/workspaces/{slug}/activity`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ActivityQuery {
    /// The `message.id` of the last item already shown: the page continues before it.
    #[serde(default)]
    pub before: Option<MessageId>,
}

/// How often someone is emailed about mentions and direct messages they have not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EmailFrequency {
    /// At most one email every 15 minutes (the default, as in Slack and Mattermost).
    #[serde(rename = "every_15_minutes")]
    Every15Minutes,
    /// At most one email an hour.
    Hourly,
    /// No email.
    Never,
}

impl EmailFrequency {
    /// The shortest time between two emails; `None`: never.
    pub fn minutes(self) -> Option<u32> {
        match self {
            Self::Every15Minutes => Some(15),
            Self::Hourly => Some(60),
            Self::Never => None,
        }
    }

    /// From a stored number of minutes (0: never).
    pub fn from_minutes(minutes: i64) -> Option<Self> {
        match minutes {
            15 => Some(Self::Every15Minutes),
            60 => Some(Self::Hourly),
            0 => Some(Self::Never),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Every15Minutes => "every_15_minutes",
            Self::Hourly => "hourly",
            Self::Never => "never",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Every15Minutes, Self::Hourly, Self::Never]
            .into_iter()
            .find(|f| f.as_str() == text)
    }
}

/// `GET`/`PUT /api/v1/me/email-notifications`: email about mentions and direct messages still
/// unread a few minutes after they arrived, batched, only while not online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailNotifications {
    pub frequency: EmailFrequency,
    /// Whether this server sends email at all (SMTP configured); read-only.
    #[serde(default)]
    pub available: bool,
}

/// `PUT /api/v1/me/email-notifications`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetEmailNotifications {
    pub frequency: EmailFrequency,
}
