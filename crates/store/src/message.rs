//! Messages: posted, edited and deleted with their events in one transaction.

use std::collections::{BTreeSet, HashMap};

use group::{Numbering, advance_counters};
use ocomms_proto::event::EventPayload;
use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::event::record_event;
use crate::row::Columns;
use crate::{Store, StoreError, StoreResult};

mod group;

const COLUMNS: &str = "m.id, m.conversation_id, m.seq, m.author_id, m.client_id, m.body, m.html, \
    m.created_at, m.edited_at, m.deleted_at";

fn message_from_row(row: &impl Columns) -> Result<Message, sqlx::Error> {
    Ok(Message {
        id: MessageId(row.int("id")?),
        conversation_id: ConversationId(row.int("conversation_id")?),
        seq: row.int("seq")?,
        author_id: UserId(row.int("author_id")?),
        client_id: row.opt_text("client_id")?,
        body: row.text("body")?,
        html: row.text("html")?,
        created_at: row.int("created_at")?,
        edited_at: row.opt_int("edited_at")?,
        deleted: row.opt_int("deleted_at")?.is_some(),
    })
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    pub author_id: UserId,
    pub client_id: Option<String>,
    pub body: String,
    pub html: String,
    pub now: Timestamp,
}

/// Which page of history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryWindow {
    Latest,
    Before(i64),
    After(i64),
}

impl Store {
    /// Posts a message and its `message_posted` event. With a `client_id` the author used
    /// before, returns that first message instead (`Ok((message, false))`).
    pub async fn post_message(&self, new: &NewMessage) -> StoreResult<(Message, bool)> {
        match self.post_messages(std::slice::from_ref(new)).await {
            Ok(mut posted) => posted
                .pop()
                .ok_or(StoreError::Invariant("a post of one message answered none")),
            // The same client id raced in from a retry: answer with the winner.
            Err(StoreError::Conflict) => self
                .message_by_client_id(new.author_id, new.client_id.as_deref())
                .await?
                .map(|m| (m, false))
                .ok_or(StoreError::Conflict),
            Err(other) => Err(other),
        }
    }

    /// Posts several messages in one transaction (one commit, one fsync on SQLite): the
    /// group commit behind a busy server. Each item answers like `post_message`, retries of a
    /// client id (earlier or within the batch) included. Any failure rolls the whole batch
    /// back; the caller then posts the items one by one. The statements are per group, not
    /// per message (see `group`).
    pub async fn post_messages(&self, batch: &[NewMessage]) -> StoreResult<Vec<(Message, bool)>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let conversations: BTreeSet<i64> = batch.iter().map(|n| n.conversation_id.0).collect();
        let retried: Vec<&NewMessage> = batch.iter().filter(|n| n.client_id.is_some()).collect();
        let authors: BTreeSet<i64> = retried.iter().map(|n| n.author_id.0).collect();
        let client_ids: BTreeSet<&str> = retried
            .iter()
            .filter_map(|n| n.client_id.as_deref())
            .collect();
        let placement_sql = format!(
            "SELECT id, workspace_id FROM conversations WHERE id IN ({})",
            group::placeholders(1, conversations.len())
        );
        let earlier_sql = format!(
            "SELECT {COLUMNS} FROM messages m WHERE m.author_id IN ({}) AND m.client_id IN ({})",
            group::placeholders(1, authors.len()),
            group::placeholders(authors.len() + 1, client_ids.len())
        );
        in_transaction!(self, |tx| {
            let mut placement = sqlx::query_as::<_, (i64, i64)>(&placement_sql);
            for id in &conversations {
                placement = placement.bind(*id);
            }
            let workspace_of: HashMap<i64, i64> =
                placement.fetch_all(&mut *tx).await?.into_iter().collect();
            let mut earlier = HashMap::new();
            if !retried.is_empty() {
                let mut query = sqlx::query(&earlier_sql);
                for author in &authors {
                    query = query.bind(*author);
                }
                for client_id in &client_ids {
                    query = query.bind(*client_id);
                }
                for row in query.fetch_all(&mut *tx).await? {
                    let message = message_from_row(&row)?;
                    if let Some(client_id) = message.client_id.clone() {
                        earlier.insert((message.author_id, client_id), message);
                    }
                }
            }
            let mut numbering =
                Numbering::plan(batch, &earlier, &workspace_of).ok_or(StoreError::NotFound)?;
            // Lock order (see `next_position!`): workspaces first, then conversations, each
            // in id order (the maps are sorted).
            let workspace_last = advance_counters!(
                tx,
                "UPDATE workspaces SET last_position = last_position + $2 WHERE id = $1 \
                 RETURNING last_position",
                &numbering.workspace_counts
            );
            let conversation_last = advance_counters!(
                tx,
                "UPDATE conversations SET last_seq = last_seq + $2 WHERE id = $1 \
                 RETURNING last_seq",
                &numbering.conversation_counts
            );
            numbering.number(&workspace_last, &conversation_last, batch);
            let fresh = numbering.fresh();
            let mut ids: HashMap<(i64, i64), i64> = HashMap::with_capacity(fresh.len());
            for chunk in fresh.chunks(group::ROWS_PER_INSERT) {
                let sql = format!(
                    "INSERT INTO messages (conversation_id, seq, author_id, client_id, body, html, \
                     created_at) VALUES {} RETURNING id, conversation_id, seq",
                    group::row_placeholders(chunk.len(), 7)
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
                        .bind(new.now);
                }
                for (id, conversation, seq) in insert.fetch_all(&mut *tx).await? {
                    ids.insert((conversation, seq), id);
                }
            }
            let mut posted: HashMap<usize, Message> = HashMap::with_capacity(fresh.len());
            for chunk in fresh.chunks(group::ROWS_PER_INSERT) {
                let sql = format!(
                    "{}{}",
                    crate::event::EVENT_INSERT,
                    group::row_placeholders(chunk.len(), 7)
                );
                let mut insert = sqlx::query(&sql);
                for (i, workspace, position, seq) in chunk {
                    let new = &batch[*i];
                    let id = ids.get(&(new.conversation_id.0, *seq)).copied().ok_or(
                        StoreError::Invariant("an inserted message was not read back"),
                    )?;
                    let message = group::new_message(new, id, *seq);
                    let payload = serde_json::to_string(&EventPayload::MessagePosted {
                        message: message.clone(),
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
                insert.execute(&mut *tx).await?;
            }
            numbering.answer(posted)
        })
    }

    async fn message_by_client_id(
        &self,
        author: UserId,
        client_id: Option<&str>,
    ) -> StoreResult<Option<Message>> {
        let Some(client_id) = client_id else {
            return Ok(None);
        };
        let sql =
            format!("SELECT {COLUMNS} FROM messages m WHERE m.author_id = $1 AND m.client_id = $2");
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(author.0)
                .bind(client_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| message_from_row(&r)).transpose()?)
        })
    }

    pub async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        let sql = format!("SELECT {COLUMNS} FROM messages m WHERE m.id = $1");
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql).bind(id.0).fetch_optional(pool).await?;
            Ok(row.map(|r| message_from_row(&r)).transpose()?)
        })
    }

    /// Replaces a live message's text; `NotFound` if it is deleted or missing.
    pub async fn edit_message(
        &self,
        message: &Message,
        body: &str,
        html: &str,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            let changed = sqlx::query(
                "UPDATE messages SET body = $2, html = $3, edited_at = $4 \
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(message.id.0)
            .bind(body)
            .bind(html)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            let event = EventPayload::MessageEdited {
                message_id: message.id,
                body: body.to_owned(),
                html: html.to_owned(),
                edited_at: now,
            };
            record_event!(tx, message.conversation_id.0, actor.0, now, event);
            Ok(())
        })
    }

    /// Turns a message into a tombstone (text removed); `NotFound` if already deleted.
    pub async fn delete_message(
        &self,
        message: &Message,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            let changed = sqlx::query(
                "UPDATE messages SET body = '', html = '', deleted_at = $2 \
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(message.id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            let event = EventPayload::MessageDeleted {
                message_id: message.id,
            };
            record_event!(tx, message.conversation_id.0, actor.0, now, event);
            Ok(())
        })
    }

    /// Up to `limit` messages (tombstones included) of a conversation, oldest first, plus
    /// whether more exist beyond the page in the direction read.
    pub async fn history(
        &self,
        conversation: ConversationId,
        window: HistoryWindow,
        limit: i64,
    ) -> StoreResult<(Vec<Message>, bool)> {
        let (condition, order, bound) = match window {
            HistoryWindow::Latest => ("TRUE", "DESC", 0),
            HistoryWindow::Before(seq) => ("m.seq < $2", "DESC", seq),
            HistoryWindow::After(seq) => ("m.seq > $2", "ASC", seq),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND ({condition} OR $2 IS NULL) \
             ORDER BY m.seq {order} LIMIT $3"
        );
        let bound = (window != HistoryWindow::Latest).then_some(bound);
        let mut messages = on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(conversation.0)
                .bind(bound)
                .bind(limit + 1)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(message_from_row)
                .collect::<Result<Vec<_>, _>>()?
        });
        let more = messages.len() as i64 > limit;
        messages.truncate(usize::try_from(limit).unwrap_or(0));
        if order == "DESC" {
            messages.reverse();
        }
        Ok((messages, more))
    }
}
