//! History written many rows at a time (the search benchmark's ten million messages; an
//! import later), rather than posted one by one. Such messages are history, not news: no
//! events go out, and no mentions, notifications or thread summaries are worked out. Each
//! takes the next position of its conversation, so posting carries on after them, and the
//! search index takes them in the same transaction, as it does every write.

use std::collections::BTreeMap;

use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{Backend, in_transaction, on_pool};
use crate::message::bulk_row_placeholders;
use crate::{Store, StoreError, StoreResult};

/// One message of written history.
#[derive(Debug, Clone)]
pub struct HistoryMessage {
    pub conversation: ConversationId,
    pub author: UserId,
    pub body: String,
    /// Rendered as a posted message's is (`ocomms_domain::markdown`).
    pub html: String,
    pub created_at: Timestamp,
    /// A thread reply: the index, in the same call, of its root (an earlier message of the
    /// same conversation).
    pub thread_root: Option<usize>,
    /// A reply also shown in the conversation's timeline.
    pub also_in_channel: bool,
    pub edited_at: Option<Timestamp>,
}

const COLUMNS_PER_ROW: usize = 8;
/// Rows in one `INSERT`: 8,000 values stay under both engines' limits on bound values
/// (SQLite 32,766; PostgreSQL 65,535) while saving most of the per-statement cost.
const ROWS_PER_STATEMENT: usize = 1_000;

impl Store {
    /// Appends `messages` (oldest first) in one transaction: all of them or none, and
    /// returns their ids in the same order. Thread replies get their root and the roots
    /// their reply counts. A conversation that does not exist is `NotFound`.
    pub async fn append_history(&self, messages: &[HistoryMessage]) -> StoreResult<Vec<MessageId>> {
        let mut counts: BTreeMap<i64, i64> = BTreeMap::new();
        for message in messages {
            *counts.entry(message.conversation.0).or_default() += 1;
        }
        in_transaction!(self, |tx| {
            // Each conversation's positions are taken in one step; the row lock it takes
            // keeps a concurrent post from picking the same ones.
            let mut next: BTreeMap<i64, i64> = BTreeMap::new();
            for (&conversation, &count) in &counts {
                let last: Option<i64> = sqlx::query_scalar(
                    "UPDATE conversations SET last_seq = last_seq + $2, \
                     last_message_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq",
                )
                .bind(conversation)
                .bind(count)
                .fetch_optional(&mut *tx)
                .await?;
                let last = last.ok_or(StoreError::NotFound)?;
                next.insert(conversation, last - count + 1);
            }
            let mut seqs: Vec<i64> = Vec::with_capacity(messages.len());
            for chunk in messages.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO messages (conversation_id, seq, author_id, body, html, \
                     created_at, also_in_channel, edited_at) VALUES {}",
                    bulk_row_placeholders(self.backend(), chunk.len(), COLUMNS_PER_ROW)
                );
                let mut insert = sqlx::query(&sql);
                for message in chunk {
                    let seq = next.entry(message.conversation.0).or_default();
                    insert = insert
                        .bind(message.conversation.0)
                        .bind(*seq)
                        .bind(message.author.0)
                        .bind(message.body.as_str())
                        .bind(message.html.as_str())
                        .bind(message.created_at)
                        .bind(message.also_in_channel)
                        .bind(message.edited_at);
                    seqs.push(*seq);
                    *seq += 1;
                }
                insert.execute(&mut *tx).await?;
            }
            // The ids, by each conversation's positions just taken.
            let mut ids_by_seq: BTreeMap<(i64, i64), i64> = BTreeMap::new();
            for (&conversation, &count) in &counts {
                let first = next[&conversation] - count;
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT seq, id FROM messages WHERE conversation_id = $1 \
                     AND seq >= $2 AND seq < $3",
                )
                .bind(conversation)
                .bind(first)
                .bind(first + count)
                .fetch_all(&mut *tx)
                .await?;
                ids_by_seq.extend(rows.into_iter().map(|(seq, id)| ((conversation, seq), id)));
            }
            let ids = messages
                .iter()
                .zip(&seqs)
                .map(|(m, seq)| ids_by_seq.get(&(m.conversation.0, *seq)).copied())
                .collect::<Option<Vec<i64>>>()
                .ok_or(StoreError::Invariant("an appended message is missing"))?;
            let mut replies: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
            for (message, id) in messages.iter().zip(&ids) {
                if let Some(root) = message.thread_root {
                    let root = *ids.get(root).ok_or(StoreError::Invariant("no such root"))?;
                    replies.entry(root).or_default().push(*id);
                }
            }
            for (root, ids) in &replies {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                sqlx::query(&format!(
                    "UPDATE messages SET thread_root_id = $1 WHERE id IN ({})",
                    list.join(", ")
                ))
                .bind(root)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE messages SET \
                     reply_count = (SELECT COUNT(*) FROM messages r WHERE r.thread_root_id = $1), \
                     last_reply_at = (SELECT MAX(r.created_at) FROM messages r WHERE r.thread_root_id = $1), \
                     last_reply_seq = (SELECT MAX(r.seq) FROM messages r WHERE r.thread_root_id = $1) \
                     WHERE id = $1",
                )
                .bind(root)
                .execute(&mut *tx)
                .await?;
            }
            Ok(ids.into_iter().map(MessageId).collect())
        })
    }

    /// Adds reactions of written history (`(message, person, emoji, at)`); one already
    /// there is left as it is.
    pub async fn append_reactions(
        &self,
        reactions: &[(MessageId, UserId, String, Timestamp)],
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            for chunk in reactions.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO message_reactions (message_id, user_id, emoji, created_at) \
                     VALUES {} ON CONFLICT DO NOTHING",
                    bulk_row_placeholders(self.backend(), chunk.len(), 4)
                );
                let mut insert = sqlx::query(&sql);
                for (message, user, emoji, at) in chunk {
                    insert = insert.bind(message.0).bind(user.0).bind(emoji).bind(*at);
                }
                insert.execute(&mut *tx).await?;
            }
            Ok(())
        })
    }

    /// The #general of a workspace.
    pub async fn general_conversation(
        &self,
        workspace: ocomms_proto::WorkspaceId,
    ) -> StoreResult<Option<ConversationId>> {
        let id: Option<i64> = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT id FROM conversations WHERE workspace_id = $1 AND is_general"
        )
        .bind(workspace.0)
        .fetch_optional(pool)
        .await?);
        Ok(id.map(ConversationId))
    }

    /// Removes a workspace and everything in it (an import that failed halfway).
    pub async fn delete_workspace(&self, workspace: ocomms_proto::WorkspaceId) -> StoreResult<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM workspaces WHERE id = $1")
                .bind(workspace.0)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// After a bulk write: PostgreSQL's planner statistics counted again (`ANALYZE`), as
    /// autovacuum would in time, so that search sees which words are common at once
    /// (docs/adr/0020). SQLite keeps none: its searches are shaped not to need them.
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        if self.backend() == Backend::Postgres {
            on_pool!(self, |pool| {
                sqlx::query("ANALYZE").execute(pool).await?;
            });
        }
        Ok(())
    }

    /// Bytes the full-text index takes on disk: SQLite's FTS5 tables; PostgreSQL's GIN
    /// index plus the `tsvector` column it is built from (reads every message: for reports).
    pub async fn search_index_bytes(&self) -> StoreResult<i64> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT CAST(COALESCE(SUM(pgsize), 0) AS BIGINT) FROM dbstat \
                 WHERE name LIKE 'messages_search%'"
            }
            Backend::Postgres => {
                "SELECT pg_relation_size('messages_search') \
                 + (SELECT COALESCE(SUM(pg_column_size(search)), 0) FROM messages)::BIGINT"
            }
        };
        Ok(on_pool!(self, |pool| sqlx::query_scalar(sql)
            .fetch_one(pool)
            .await?))
    }

    /// Bytes the whole database takes on disk.
    pub async fn database_bytes(&self) -> StoreResult<i64> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            }
            Backend::Postgres => "SELECT pg_database_size(current_database())",
        };
        Ok(on_pool!(self, |pool| sqlx::query_scalar(sql)
            .fetch_one(pool)
            .await?))
    }
}
