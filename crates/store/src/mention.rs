//! Mentions: who the handles in a message name, and the rows that count a message in a
//! member's mention count (ADR 0016).

use std::collections::HashMap;

use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, UserId};

use crate::backend::on_pool;
use crate::message::{Fresh, NewMessage, placeholders};
use crate::steps::for_both_backends;
use crate::{Store, StoreError, StoreResult};

/// Handles one message may mention by name; more are left as plain text (Slack caps
/// notifications per message too). Keeps the lookup one bounded statement.
pub const MAX_HANDLES: usize = 100;

/// People of a conversation's workspace named by handles in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTargets {
    /// (person, their handle, whether they are a member of the conversation).
    pub people: Vec<(UserId, String, bool)>,
}

impl Store {
    /// The people of `conversation`'s workspace whose handle is one of `handles` (lowercase;
    /// only the first `MAX_HANDLES` are looked up). Nobody outside the workspace is ever
    /// found, so a handle does not reveal who else has an account.
    pub async fn mention_targets(
        &self,
        conversation: ConversationId,
        handles: &[String],
    ) -> StoreResult<MentionTargets> {
        let handles = &handles[..handles.len().min(MAX_HANDLES)];
        if handles.is_empty() {
            return Ok(MentionTargets { people: Vec::new() });
        }
        let sql = format!(
            "SELECT u.id, u.handle, EXISTS (SELECT 1 FROM conversation_members cm \
             WHERE cm.conversation_id = $1 AND cm.user_id = u.id) \
             FROM users u JOIN members w ON w.user_id = u.id \
             WHERE w.workspace_id = (SELECT workspace_id FROM conversations WHERE id = $1) \
             AND u.handle IN ({})",
            placeholders(2, handles.len())
        );
        let rows: Vec<(i64, String, bool)> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as(&sql).bind(conversation.0);
            for handle in handles {
                query = query.bind(handle);
            }
            query.fetch_all(pool).await?
        });
        Ok(MentionTargets {
            people: rows
                .into_iter()
                .map(|(id, handle, member)| (UserId(id), handle, member))
                .collect(),
        })
    }

    /// The public channels of `conversation`'s workspace named one of `names` (lowercase;
    /// the first `MAX_HANDLES`), with the workspace's slug: the `#names` a message links.
    /// Private channels are never linked, so a link reveals nothing its text does not.
    pub async fn linkable_channels(
        &self,
        conversation: ConversationId,
        names: &[String],
    ) -> StoreResult<Vec<(String, ConversationId, String)>> {
        let names = &names[..names.len().min(MAX_HANDLES)];
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT c.name, c.id, w.slug FROM conversations c              JOIN workspaces w ON w.id = c.workspace_id              WHERE c.workspace_id = (SELECT workspace_id FROM conversations WHERE id = $1)              AND c.kind = 'public' AND c.name IN ({})",
            placeholders(2, names.len())
        );
        let rows: Vec<(String, i64, String)> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as(&sql).bind(conversation.0);
            for name in names {
                query = query.bind(name);
            }
            query.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(name, id, slug)| (name, ConversationId(id), slug))
            .collect())
    }

    /// Those of `users` who are members of `conversation` (who `@here` reaches).
    pub async fn members_among(
        &self,
        conversation: ConversationId,
        users: &[UserId],
    ) -> StoreResult<Vec<UserId>> {
        let mut members = Vec::new();
        for chunk in users.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT user_id FROM conversation_members WHERE conversation_id = $1 \
                 AND user_id IN ({}) ORDER BY user_id",
                placeholders(2, chunk.len())
            );
            let found: Vec<i64> = on_pool!(self, |pool| {
                let mut query = sqlx::query_scalar(&sql).bind(conversation.0);
                for user in chunk {
                    query = query.bind(user.0);
                }
                query.fetch_all(pool).await?
            });
            members.extend(found.into_iter().map(UserId));
        }
        Ok(members)
    }
}

/// Rows per statement: 4 parameters each, far below either backend's limit.
const ROWS_PER_STATEMENT: usize = 500;

pub(crate) trait MentionSteps {
    /// Counts each fresh message for the members it mentions personally.
    async fn insert_mentions(
        &mut self,
        batch: &[NewMessage],
        fresh: &[Fresh],
        ids: &HashMap<(i64, i64), i64>,
    ) -> StoreResult<()>;

    /// After an edit: the message counts for these members now, and no one else.
    async fn replace_mentions(&mut self, message: &Message, users: &[UserId]) -> StoreResult<()>;

    /// Moves these members' newest personal mention and, with `channel`, the
    /// conversation's newest `@channel` up to `seq`, never back.
    async fn raise_mention_markers(
        &mut self,
        conversation: i64,
        seq: i64,
        members: &[i64],
        channel: bool,
    ) -> StoreResult<()>;

    /// Writes `mentions` rows, a bounded number per statement.
    async fn insert_mention_rows(&mut self, rows: &[MentionRow]) -> StoreResult<()>;
}

/// A `mentions` row: user, conversation, seq, message.
type MentionRow = (i64, i64, i64, i64);

for_both_backends! { impl MentionSteps {
    async fn insert_mentions(
        &mut self,
        batch: &[NewMessage],
        fresh: &[Fresh],
        ids: &HashMap<(i64, i64), i64>,
    ) -> StoreResult<()> {
        let mut rows: Vec<MentionRow> = Vec::new();
        for (i, _, _, seq) in fresh {
            let new = &batch[*i];
            if new.mentions.counted_for.is_empty() {
                continue;
            }
            let id = ids
                .get(&(new.conversation_id.0, *seq))
                .copied()
                .ok_or(StoreError::Invariant("an inserted message was not read back"))?;
            rows.extend(
                new.mentions
                    .counted_for
                    .iter()
                    .map(|user| (user.0, new.conversation_id.0, *seq, id)),
            );
        }
        self.insert_mention_rows(&rows).await?;
        // The markers the sidebar's counts look at first (see `read::MENTIONS`).
        for (i, _, _, seq) in fresh {
            let new = &batch[*i];
            let members: Vec<i64> = new.mentions.counted_for.iter().map(|u| u.0).collect();
            if !members.is_empty() || new.mentions.shown.channel {
                self.raise_mention_markers(
                    new.conversation_id.0,
                    *seq,
                    &members,
                    new.mentions.shown.channel,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn insert_mention_rows(&mut self, rows: &[MentionRow]) -> StoreResult<()> {
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO mentions (user_id, conversation_id, seq, message_id) VALUES {}",
                crate::message::row_placeholders(chunk.len(), 4)
            );
            let mut insert = sqlx::query(&sql);
            for (user, conversation, seq, message) in chunk {
                insert = insert.bind(*user).bind(*conversation).bind(*seq).bind(*message);
            }
            insert.execute(&mut *self).await?;
        }
        Ok(())
    }

    async fn raise_mention_markers(
        &mut self,
        conversation: i64,
        seq: i64,
        members: &[i64],
        channel: bool,
    ) -> StoreResult<()> {
        for chunk in members.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE conversation_members SET last_mention_seq = $2 \
                 WHERE conversation_id = $1 AND last_mention_seq < $2 AND user_id IN ({})",
                placeholders(3, chunk.len())
            );
            let mut update = sqlx::query(&sql).bind(conversation).bind(seq);
            for user in chunk {
                update = update.bind(*user);
            }
            update.execute(&mut *self).await?;
        }
        if channel {
            sqlx::query(
                "UPDATE conversations SET last_channel_mention_seq = $2 \
                 WHERE id = $1 AND last_channel_mention_seq < $2",
            )
            .bind(conversation)
            .bind(seq)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }

    async fn replace_mentions(
        &mut self,
        message: &Message,
        users: &[UserId],
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM mentions WHERE message_id = $1")
            .bind(message.id.0)
            .execute(&mut *self)
            .await?;
        let rows: Vec<MentionRow> = users
            .iter()
            .map(|u| (u.0, message.conversation_id.0, message.seq, message.id.0))
            .collect();
        self.insert_mention_rows(&rows).await?;
        let members: Vec<i64> = users.iter().map(|u| u.0).collect();
        self.raise_mention_markers(message.conversation_id.0, message.seq, &members, false)
            .await
    }
} }
