//! The statements of a group commit (`Store::post_messages`), as steps on either backend's
//! connection. Each is one statement per group, or per `ROWS_PER_INSERT` rows, never one
//! per message.

use std::collections::{BTreeSet, HashMap};

use ocomms_proto::UserId;
use ocomms_proto::event::EventPayload;
use ocomms_proto::message::{Message, ThreadSummary};

use super::group::{self, ROWS_PER_INSERT, bulk_placeholders, bulk_row_placeholders};
use super::{COLUMNS, NewMessage, message_from_row};
use crate::event::EVENT_INSERT;
use crate::steps::{OnBackend, for_both_backends};
use crate::{StoreError, StoreResult};

/// A message the group writes: its index in the batch, its workspace, position and seq.
pub(crate) type Fresh = (usize, i64, i64, i64);

pub(super) trait BatchSteps {
    /// The workspace of each conversation.
    async fn workspaces_of(
        &mut self,
        conversations: &BTreeSet<i64>,
    ) -> StoreResult<HashMap<i64, i64>>;

    /// Messages already stored under an (author, client id) that `batch` retries.
    async fn earlier_posts(
        &mut self,
        batch: &[NewMessage],
    ) -> StoreResult<HashMap<(UserId, String), Message>>;

    /// Inserts the fresh messages; returns their ids by (conversation, seq).
    async fn insert_messages(
        &mut self,
        batch: &[NewMessage],
        fresh: &[Fresh],
    ) -> StoreResult<HashMap<(i64, i64), i64>>;

    /// Inserts a `message_posted` event for each fresh message (a reply's carries its
    /// thread's summary from `threads`); returns the messages by their index in the batch.
    async fn insert_posted_events(
        &mut self,
        batch: &[NewMessage],
        fresh: &[Fresh],
        ids: &HashMap<(i64, i64), i64>,
        threads: &HashMap<i64, Option<ThreadSummary>>,
    ) -> StoreResult<HashMap<usize, Message>>;
}

for_both_backends! { impl BatchSteps {
    async fn workspaces_of(
        &mut self,
        conversations: &BTreeSet<i64>,
    ) -> StoreResult<HashMap<i64, i64>> {
        let sql = format!(
            "SELECT id, workspace_id FROM conversations WHERE id IN ({})",
            bulk_placeholders(Self::BACKEND, 1, conversations.len())
        );
        let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
        for id in conversations {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(&mut *self).await?.into_iter().collect())
    }

    async fn earlier_posts(
        &mut self,
        batch: &[NewMessage],
    ) -> StoreResult<HashMap<(UserId, String), Message>> {
        let retried: Vec<&NewMessage> = batch.iter().filter(|n| n.client_id.is_some()).collect();
        let mut earlier = HashMap::new();
        if retried.is_empty() {
            return Ok(earlier);
        }
        let authors: BTreeSet<i64> = retried.iter().map(|n| n.author_id.0).collect();
        let client_ids: BTreeSet<&str> = retried
            .iter()
            .filter_map(|n| n.client_id.as_deref())
            .collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM messages m WHERE m.author_id IN ({}) AND m.client_id IN ({})",
            bulk_placeholders(Self::BACKEND, 1, authors.len()),
            bulk_placeholders(Self::BACKEND, authors.len() + 1, client_ids.len())
        );
        let mut query = sqlx::query(&sql);
        for author in &authors {
            query = query.bind(*author);
        }
        for client_id in &client_ids {
            query = query.bind(*client_id);
        }
        for row in query.fetch_all(&mut *self).await? {
            let message = message_from_row(&row)?;
            if let Some(client_id) = message.client_id.clone() {
                earlier.insert((message.author_id, client_id), message);
            }
        }
        Ok(earlier)
    }

    async fn insert_messages(
        &mut self,
        batch: &[NewMessage],
        fresh: &[Fresh],
    ) -> StoreResult<HashMap<(i64, i64), i64>> {
        let mut ids = HashMap::with_capacity(fresh.len());
        for chunk in fresh.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO messages (conversation_id, seq, author_id, client_id, body, html, \
                 created_at, thread_root_id, also_in_channel, mentioned_users, mentions_channel, \
                 mentions_here) VALUES {} RETURNING id, conversation_id, seq",
                bulk_row_placeholders(Self::BACKEND, chunk.len(), 12)
            );
            let mut insert = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
            for (i, _, _, seq) in chunk {
                let new = &batch[*i];
                insert = insert
                    .bind(new.conversation_id.0)
                    .bind(*seq)
                    .bind(new.author_id.0)
                    .bind(&new.client_id)
                    .bind(&new.body)
                    .bind(&new.html)
                    .bind(new.now)
                    .bind(new.thread_root_id.map(|id| id.0))
                    .bind(new.also_in_channel)
                    .bind(super::user_list_text(&new.mentions.shown.users))
                    .bind(new.mentions.shown.channel)
                    .bind(new.mentions.shown.here);
            }
            for (id, conversation, seq) in insert.fetch_all(&mut *self).await? {
                ids.insert((conversation, seq), id);
            }
        }
        Ok(ids)
    }

    async fn insert_posted_events(
        &mut self,
        batch: &[NewMessage],
        fresh: &[Fresh],
        ids: &HashMap<(i64, i64), i64>,
        threads: &HashMap<i64, Option<ThreadSummary>>,
    ) -> StoreResult<HashMap<usize, Message>> {
        let mut posted = HashMap::with_capacity(fresh.len());
        for chunk in fresh.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "{EVENT_INSERT}{}",
                bulk_row_placeholders(Self::BACKEND, chunk.len(), 7)
            );
            let mut insert = sqlx::query(&sql);
            for (i, workspace, position, seq) in chunk {
                let new = &batch[*i];
                let id = ids
                    .get(&(new.conversation_id.0, *seq))
                    .copied()
                    .ok_or(StoreError::Invariant("an inserted message was not read back"))?;
                let message = group::new_message(new, id, *seq);
                let thread = new
                    .thread_root_id
                    .and_then(|root| threads.get(&root.0).cloned().flatten());
                let payload = serde_json::to_string(&EventPayload::MessagePosted {
                    message: message.clone(),
                    thread,
                })
                .map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))?;
                insert = insert
                    .bind(*workspace)
                    .bind(*position)
                    .bind(new.conversation_id.0)
                    .bind(*seq)
                    .bind(new.author_id.0)
                    .bind(new.now)
                    .bind(payload);
                posted.insert(*i, message);
            }
            insert.execute(&mut *self).await?;
        }
        Ok(posted)
    }
} }
