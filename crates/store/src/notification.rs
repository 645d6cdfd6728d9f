//! Notification settings and the Activity list (ADR 0017).

use std::collections::HashSet;

use ocomms_proto::message::Message;
use ocomms_proto::notification::{ActivityKind, Level};
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId, WorkspaceId};

use crate::backend::on_pool;
use crate::message::{COLUMNS, message_from_row};
use crate::{Store, StoreError, StoreResult};

/// What a realtime feed needs to decide whether to notify one person of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    /// For the workspace's conversations without a level of their own.
    pub default_level: Level,
    /// The conversations with a level of their own.
    pub levels: Vec<(ConversationId, Level)>,
    /// The person's direct and group direct messages.
    pub direct: Vec<ConversationId>,
    pub quiet: QuietHours,
}

/// Quiet hours as stored: minutes after midnight in `time_zone`, and a snooze.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuietHours {
    pub start_minute: Option<i64>,
    pub end_minute: Option<i64>,
    pub time_zone: String,
    pub snoozed_until: Option<Timestamp>,
}

/// `dnd_start, dnd_end, time_zone, snoozed_until` as read.
type QuietRow = (Option<i64>, Option<i64>, String, Option<i64>);
/// `notify_default` of a workspace membership, then its account's `QuietRow`.
type SettingsHead = (String, Option<i64>, Option<i64>, String, Option<i64>);

fn level(text: &str) -> Result<Level, StoreError> {
    Level::parse(text).ok_or(StoreError::Invariant("an unknown notification level"))
}

impl Store {
    /// A member's own level in a conversation (`Some(None)`: the workspace default);
    /// `None` when not a member.
    pub async fn conversation_level(
        &self,
        user: UserId,
        conversation: ConversationId,
    ) -> StoreResult<Option<Option<Level>>> {
        let row: Option<(Option<String>,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT notify_level FROM conversation_members \
             WHERE conversation_id = $1 AND user_id = $2"
        )
        .bind(conversation.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        row.map(|(text,)| text.as_deref().map(level).transpose())
            .transpose()
    }

    /// Sets a member's level in a conversation; false when not a member.
    pub async fn set_conversation_level(
        &self,
        user: UserId,
        conversation: ConversationId,
        level: Option<Level>,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, |pool| sqlx::query(
            "UPDATE conversation_members SET notify_level = $3 \
             WHERE conversation_id = $1 AND user_id = $2"
        )
        .bind(conversation.0)
        .bind(user.0)
        .bind(level.map(Level::as_str))
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// A member's default level in a workspace; `None` when not a member.
    pub async fn workspace_level(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<Option<Level>> {
        let row: Option<(String,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT notify_default FROM members WHERE workspace_id = $1 AND user_id = $2"
        )
        .bind(workspace.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        row.map(|(text,)| level(&text)).transpose()
    }

    pub async fn set_workspace_level(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        level: Level,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, |pool| sqlx::query(
            "UPDATE members SET notify_default = $3 WHERE workspace_id = $1 AND user_id = $2"
        )
        .bind(workspace.0)
        .bind(user.0)
        .bind(level.as_str())
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    pub async fn quiet_hours(&self, user: UserId) -> StoreResult<QuietHours> {
        let row: Option<QuietRow> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT dnd_start, dnd_end, time_zone, snoozed_until FROM users WHERE id = $1"
        )
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        let (start_minute, end_minute, time_zone, snoozed_until) =
            row.ok_or(StoreError::NotFound)?;
        Ok(QuietHours {
            start_minute,
            end_minute,
            time_zone,
            snoozed_until,
        })
    }

    /// Stores quiet hours and the snooze (the time zone is the profile's, not set here).
    pub async fn set_quiet_hours(&self, user: UserId, quiet: &QuietHours) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(
            "UPDATE users SET dnd_start = $2, dnd_end = $3, snoozed_until = $4 WHERE id = $1"
        )
        .bind(user.0)
        .bind(quiet.start_minute)
        .bind(quiet.end_minute)
        .bind(quiet.snoozed_until)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Everything a feed needs about one member of a workspace (`None`: not a member).
    pub async fn notification_settings(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<Option<NotificationSettings>> {
        // The workspace default and the account's quiet hours, in one round trip (a feed
        // reads this for every person who connects).
        let head: Option<SettingsHead> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT m.notify_default, u.dnd_start, u.dnd_end, u.time_zone, u.snoozed_until \
             FROM members m JOIN users u ON u.id = m.user_id \
             WHERE m.workspace_id = $1 AND m.user_id = $2"
        )
        .bind(workspace.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        let Some((default_level, start_minute, end_minute, time_zone, snoozed_until)) = head else {
            return Ok(None);
        };
        let rows: Vec<(i64, String, Option<String>)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT cm.conversation_id, c.kind, cm.notify_level FROM conversation_members cm \
             JOIN conversations c ON c.id = cm.conversation_id \
             WHERE cm.user_id = $1 AND c.workspace_id = $2 \
             AND (cm.notify_level IS NOT NULL OR c.kind IN ('direct', 'group'))"
        )
        .bind(user.0)
        .bind(workspace.0)
        .fetch_all(pool)
        .await?);
        let mut levels = Vec::new();
        let mut direct = Vec::new();
        for (conversation, kind, own) in rows {
            let conversation = ConversationId(conversation);
            if kind == "direct" || kind == "group" {
                direct.push(conversation);
            }
            if let Some(own) = own {
                levels.push((conversation, level(&own)?));
            }
        }
        Ok(Some(NotificationSettings {
            default_level: level(&default_level)?,
            levels,
            direct,
            quiet: QuietHours {
                start_minute,
                end_minute,
                time_zone,
                snoozed_until,
            },
        }))
    }

    /// The conversations of a workspace a member muted (shown dimmed): their own level, or
    /// their workspace default where they chose none, is `nothing`. One query per page.
    pub async fn muted_conversations(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<HashSet<ConversationId>> {
        let rows: Vec<i64> = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT cm.conversation_id FROM conversation_members cm \
             JOIN conversations c ON c.id = cm.conversation_id \
             JOIN members m ON m.workspace_id = c.workspace_id AND m.user_id = cm.user_id \
             WHERE cm.user_id = $1 AND c.workspace_id = $2 \
             AND COALESCE(cm.notify_level, m.notify_default) = 'nothing'"
        )
        .bind(user.0)
        .bind(workspace.0)
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(ConversationId).collect())
    }

    /// A page of a member's Activity in a workspace, newest first: messages that mention
    /// them (by handle, or `@here` while online), `@channel` messages of their conversations
    /// since they joined, and replies in threads they follow; only in conversations they are
    /// in now, never their own, never deleted. Answers whether more exist.
    pub async fn activity(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        before: Option<MessageId>,
        limit: i64,
    ) -> StoreResult<(Vec<(ActivityKind, Message)>, bool)> {
        let before = before.map_or(i64::MAX, |id| id.0);
        let kinds = [
            (
                ActivityKind::Mention,
                "FROM mentions mn JOIN messages m ON m.id = mn.message_id \
                 JOIN conversation_members cm ON cm.conversation_id = mn.conversation_id \
                 AND cm.user_id = mn.user_id",
                "mn.user_id = $1",
            ),
            (
                ActivityKind::Channel,
                "FROM messages m JOIN conversation_members cm \
                 ON cm.conversation_id = m.conversation_id AND cm.user_id = $1",
                "m.mentions_channel AND m.created_at >= cm.joined_at",
            ),
            (
                ActivityKind::Reply,
                "FROM thread_follows tf JOIN messages m ON m.thread_root_id = tf.root_id \
                 JOIN conversation_members cm ON cm.conversation_id = tf.conversation_id \
                 AND cm.user_id = tf.user_id",
                "tf.user_id = $1 AND tf.following",
            ),
        ];
        let mut found: Vec<(ActivityKind, Message)> = Vec::new();
        for (kind, from, condition) in kinds {
            let sql = format!(
                "SELECT {COLUMNS} {from} JOIN conversations c ON c.id = m.conversation_id \
                 WHERE {condition} AND c.workspace_id = $2 AND m.author_id <> $1 \
                 AND m.deleted_at IS NULL AND m.id < $3 ORDER BY m.id DESC LIMIT $4"
            );
            let messages = on_pool!(self, |pool| {
                let rows = sqlx::query(&sql)
                    .bind(user.0)
                    .bind(workspace.0)
                    .bind(before)
                    .bind(limit + 1)
                    .fetch_all(pool)
                    .await?;
                rows.iter()
                    .map(message_from_row)
                    .collect::<Result<Vec<_>, _>>()?
            });
            for message in messages {
                // One entry per message, under its first kind (mention before @channel);
                // `@channel` with their name in it too mentions them (no row was written).
                let kind =
                    if kind == ActivityKind::Channel && message.mentions.users.contains(&user) {
                        ActivityKind::Mention
                    } else {
                        kind
                    };
                if !found.iter().any(|(_, m)| m.id == message.id) {
                    found.push((kind, message));
                }
            }
        }
        found.sort_by_key(|(_, m)| std::cmp::Reverse(m.id));
        let more = found.len() as i64 > limit;
        found.truncate(usize::try_from(limit).unwrap_or(0));
        let mut messages: Vec<Message> = found.iter().map(|(_, m)| m.clone()).collect();
        self.attach_details(&mut messages).await?;
        Ok((
            found
                .into_iter()
                .map(|(kind, _)| kind)
                .zip(messages)
                .collect(),
            more,
        ))
    }
}
