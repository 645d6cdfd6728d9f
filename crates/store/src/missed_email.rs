//! Email about missed mentions and direct messages (ADR 0019): the queue a periodic sweep fills
//! from new messages and empties per person. What is still worth saying (unread, still a
//! member, not muted) is decided here, in SQL; when to write and what the email says is the
//! app's.

use ocomms_proto::conversation::ConversationKind;
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::notification::QuietHours;
use crate::{Store, StoreError, StoreResult};

/// Someone with messages queued, due for an email by their frequency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailRecipient {
    pub user: UserId,
    pub email: String,
    pub display_name: String,
    /// At most one email this often (minutes); 0: they turned email off since.
    pub every_minutes: i64,
    /// When their last email went (0: never): the claim compares against it.
    pub sent_at: Timestamp,
    pub quiet: QuietHours,
}

/// One message of such an email, with what its text needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub thread_root_id: Option<MessageId>,
    pub kind: ConversationKind,
    /// The channel's name; `None` for direct messages.
    pub channel: Option<String>,
    pub workspace_slug: String,
    pub workspace_name: String,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

/// The people a stretch of messages may concern, each part with `$1 < id <= $2` and only
/// accounts that want email and confirmed their address. Muting is checked when the email is
/// written, so muting a channel in between still keeps it out.
const QUEUES: [&str; 3] = [
    // Named (or `@here` while online): the rows the mention counts use.
    "SELECT mn.user_id, mn.message_id FROM mentions mn JOIN users u ON u.id = mn.user_id \
     WHERE mn.message_id > $1 AND mn.message_id <= $2",
    // `@channel`: every member but the author, from when they joined.
    "SELECT cm.user_id, m.id FROM messages m \
     JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
     JOIN users u ON u.id = cm.user_id \
     WHERE m.id > $1 AND m.id <= $2 AND m.mentions_channel \
     AND cm.user_id <> m.author_id AND m.created_at >= cm.joined_at",
    // Direct and group messages: everyone in them but the author.
    "SELECT cm.user_id, m.id FROM messages m \
     JOIN conversations c ON c.id = m.conversation_id AND c.kind IN ('direct', 'group') \
     JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
     JOIN users u ON u.id = cm.user_id \
     WHERE m.id > $1 AND m.id <= $2 AND cm.user_id <> m.author_id \
     AND m.created_at >= cm.joined_at",
];

/// `id, email, display_name, every, sent_at, dnd_start, dnd_end, time_zone, snoozed_until`.
type RecipientRow = (
    i64,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
);
/// `id, conversation, root, kind, channel, slug, workspace, author, body, created_at`.
type MissedRow = (
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
);

impl Store {
    /// Queues the messages posted since the last sweep, up to the newest one created at or
    /// before `cut` (and at most `max` ids further), for the people they may concern. Answers
    /// how many (person, message) pairs were queued; 0 also when another node swept first.
    pub async fn sweep_missed_messages(&self, cut: Timestamp, max: i64) -> StoreResult<u64> {
        in_transaction!(self, |tx| {
            let (from,): (i64,) = sqlx::query_as("SELECT swept_through FROM email_sweep")
                .fetch_one(&mut *tx)
                .await?;
            let (through,): (Option<i64>,) = sqlx::query_as(
                "SELECT MAX(id) FROM messages WHERE id > $1 AND id <= $2 AND created_at <= $3",
            )
            .bind(from)
            .bind(from.saturating_add(max))
            .bind(cut)
            .fetch_one(&mut *tx)
            .await?;
            let Some(through) = through else {
                return Ok(0);
            };
            // The compare-and-set: a node that read the same `from` finds it moved and stops.
            let claimed = sqlx::query(
                "UPDATE email_sweep SET swept_through = $2 WHERE id = 1 AND swept_through = $1",
            )
            .bind(from)
            .bind(through)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                return Ok(0);
            }
            let mut queued = 0;
            for select in QUEUES {
                let sql = format!(
                    "INSERT INTO email_pending (user_id, message_id) {select} \
                     AND u.email_every_minutes > 0 AND u.email_verified \
                     ON CONFLICT DO NOTHING"
                );
                queued += sqlx::query(&sql)
                    .bind(from)
                    .bind(through)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            Ok(queued)
        })
    }

    /// People with queued messages whose last email is at least their frequency ago.
    pub async fn missed_email_due(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<EmailRecipient>> {
        let rows: Vec<RecipientRow> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT u.id, u.email, u.display_name, u.email_every_minutes, u.email_sent_at, \
             u.dnd_start, u.dnd_end, u.time_zone, u.snoozed_until FROM users u \
             WHERE u.email_sent_at + u.email_every_minutes * 60000 <= $1 \
             AND EXISTS (SELECT 1 FROM email_pending p WHERE p.user_id = u.id) \
             ORDER BY u.email_sent_at LIMIT $2"
        )
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(
                |(id, email, display_name, every, sent_at, start, end, time_zone, snoozed)| {
                    EmailRecipient {
                        user: UserId(id),
                        email,
                        display_name,
                        every_minutes: every,
                        sent_at,
                        quiet: QuietHours {
                            start_minute: start,
                            end_minute: end,
                            time_zone,
                            snoozed_until: snoozed,
                        },
                    }
                },
            )
            .collect())
    }

    /// Takes someone's queue for an email sent `now`: empties it and answers what is still
    /// worth saying, oldest first (live, unread, still a member, not muted). `None` when
    /// another node took it first. With nothing to say, the last-sent time stays as it was.
    pub async fn claim_missed_messages(
        &self,
        recipient: &EmailRecipient,
        now: Timestamp,
    ) -> StoreResult<Option<Vec<MissedMessage>>> {
        let user = recipient.user.0;
        in_transaction!(self, |tx| {
            // The claim: one node moves the last-sent time from what it read.
            let claimed = sqlx::query(
                "UPDATE users SET email_sent_at = $3 WHERE id = $1 AND email_sent_at = $2",
            )
            .bind(user)
            .bind(recipient.sent_at)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed != 1 {
                return Ok(None);
            }
            let rows: Vec<MissedRow> = sqlx::query_as(
                "SELECT m.id, m.conversation_id, m.thread_root_id, c.kind, c.name, w.slug, \
                 w.name, a.display_name, m.body, m.created_at FROM email_pending p \
                 JOIN messages m ON m.id = p.message_id \
                 JOIN conversations c ON c.id = m.conversation_id \
                 JOIN workspaces w ON w.id = c.workspace_id \
                 JOIN users a ON a.id = m.author_id \
                 JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
                 AND cm.user_id = p.user_id \
                 JOIN members mb ON mb.workspace_id = c.workspace_id AND mb.user_id = p.user_id \
                 WHERE p.user_id = $1 AND m.deleted_at IS NULL AND m.seq > cm.last_read_seq \
                 AND COALESCE(cm.notify_level, mb.notify_default) <> 'nothing' \
                 ORDER BY m.id",
            )
            .bind(user)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM email_pending WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            if rows.is_empty() {
                sqlx::query("UPDATE users SET email_sent_at = $2 WHERE id = $1")
                    .bind(user)
                    .bind(recipient.sent_at)
                    .execute(&mut *tx)
                    .await?;
            }
            rows.into_iter()
                .map(missed)
                .collect::<StoreResult<Vec<_>>>()
                .map(Some)
        })
    }

    /// Empties someone's queue without writing (they were active when it came due).
    pub async fn forget_missed_messages(&self, user: UserId) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(
            "DELETE FROM email_pending WHERE user_id = $1"
        )
        .bind(user.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// How often someone is emailed at most, in minutes (0: never).
    pub async fn email_every_minutes(&self, user: UserId) -> StoreResult<i64> {
        let row: Option<(i64,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT email_every_minutes FROM users WHERE id = $1"
        )
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        row.map(|(minutes,)| minutes).ok_or(StoreError::NotFound)
    }

    /// Sets it (0, 15 or 60; the column refuses anything else). Turning email off drops the
    /// queue, so nothing stale goes out when it is turned on again.
    pub async fn set_email_every_minutes(&self, user: UserId, minutes: i64) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            sqlx::query("UPDATE users SET email_every_minutes = $2 WHERE id = $1")
                .bind(user.0)
                .bind(minutes)
                .execute(&mut *tx)
                .await?;
            if minutes == 0 {
                sqlx::query("DELETE FROM email_pending WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
    }

    /// The token of someone's unsubscribe link: theirs if they have one, else `fresh`, kept.
    /// Stored as is, unlike session tokens: it can only turn these emails off, and every
    /// email has to carry the same link.
    pub async fn unsubscribe_token(&self, user: UserId, fresh: &str) -> StoreResult<String> {
        let (token,): (Option<String>,) = on_pool!(self, |pool| sqlx::query_as(
            "UPDATE users SET unsubscribe_token = COALESCE(unsubscribe_token, $2) \
             WHERE id = $1 RETURNING unsubscribe_token"
        )
        .bind(user.0)
        .bind(fresh)
        .fetch_one(pool)
        .await?);
        token.ok_or(StoreError::Invariant("an unsubscribe token was not kept"))
    }

    /// Turns email off for the holder of an unsubscribe token; `None` for an unknown token.
    pub async fn unsubscribe(&self, token: &str) -> StoreResult<Option<UserId>> {
        let row: Option<(i64,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM users WHERE unsubscribe_token = $1"
        )
        .bind(token)
        .fetch_optional(pool)
        .await?);
        let Some((id,)) = row else {
            return Ok(None);
        };
        self.set_email_every_minutes(UserId(id), 0).await?;
        Ok(Some(UserId(id)))
    }
}

fn missed(row: MissedRow) -> StoreResult<MissedMessage> {
    let (id, conversation, root, kind, channel, slug, workspace, author, body, created_at) = row;
    Ok(MissedMessage {
        id: MessageId(id),
        conversation_id: ConversationId(conversation),
        thread_root_id: root.map(MessageId),
        kind: ConversationKind::parse(&kind)
            .ok_or(StoreError::Invariant("an unknown conversation kind"))?,
        channel,
        workspace_slug: slug,
        workspace_name: workspace,
        author,
        body,
        created_at,
    })
}
