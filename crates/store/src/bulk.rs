//! History written many rows at a time (the search benchmark's ten million messages; an
//! import later), rather than posted one by one. Such messages are history, not news: no
//! events go out, and no mentions, notifications or thread summaries are worked out. Each
//! takes the next position of its conversation, so posting carries on after them, and the
//! search index takes them in the same transaction, as it does every write.

use std::collections::BTreeMap;

use ocomms_proto::{ConversationId, Timestamp, UserId};

use crate::backend::{Backend, in_transaction, on_pool};
use crate::message::row_placeholders;
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
}

const COLUMNS_PER_ROW: usize = 6;
/// Rows in one `INSERT`: 6,000 values stay under both engines' limits on bound values
/// (SQLite 32,766; PostgreSQL 65,535) while saving most of the per-statement cost.
const ROWS_PER_STATEMENT: usize = 1_000;

impl Store {
    /// Appends `messages` (oldest first) in one transaction: all of them or none. A
    /// conversation that does not exist is `NotFound`.
    pub async fn append_history(&self, messages: &[HistoryMessage]) -> StoreResult<()> {
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
                    "UPDATE conversations SET last_seq = last_seq + $2 WHERE id = $1 \
                     RETURNING last_seq",
                )
                .bind(conversation)
                .bind(count)
                .fetch_optional(&mut *tx)
                .await?;
                let last = last.ok_or(StoreError::NotFound)?;
                next.insert(conversation, last - count + 1);
            }
            for chunk in messages.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO messages (conversation_id, seq, author_id, body, html, \
                     created_at) VALUES {}",
                    row_placeholders(chunk.len(), COLUMNS_PER_ROW)
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
                        .bind(message.created_at);
                    *seq += 1;
                }
                insert.execute(&mut *tx).await?;
            }
            Ok(())
        })
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
