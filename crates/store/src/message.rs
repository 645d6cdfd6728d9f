//! Messages: posted, edited and deleted with their events in one transaction.

use ocomms_proto::event::EventPayload;
use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::event::{insert_event, lock_workspaces_in_order, next_position, record_event};
use crate::row::Columns;
use crate::{Store, StoreError, StoreResult};

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
            Ok(mut posted) => posted.pop().ok_or(StoreError::NotFound),
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
    /// back; the caller then posts the items one by one.
    pub async fn post_messages(&self, batch: &[NewMessage]) -> StoreResult<Vec<(Message, bool)>> {
        in_transaction!(self, |tx| {
            lock_workspaces_in_order!(tx, batch.iter().map(|n| n.conversation_id.0).collect());
            let mut out: Vec<(Message, bool)> = Vec::with_capacity(batch.len());
            for new in batch {
                if let Some(client_id) = &new.client_id {
                    let earlier = out.iter().find(|(m, _)| {
                        m.author_id == new.author_id
                            && m.client_id.as_deref() == Some(client_id.as_str())
                    });
                    if let Some((m, _)) = earlier {
                        out.push((m.clone(), false));
                        continue;
                    }
                    let sql = format!(
                        "SELECT {COLUMNS} FROM messages m WHERE m.author_id = $1 AND m.client_id = $2"
                    );
                    let row = sqlx::query(&sql)
                        .bind(new.author_id.0)
                        .bind(client_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(row) = row {
                        out.push((message_from_row(&row)?, false));
                        continue;
                    }
                }
                let (workspace, position, seq) = next_position!(tx, new.conversation_id.0);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO messages (conversation_id, seq, author_id, client_id, body, html, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(new.conversation_id.0)
                .bind(seq)
                .bind(new.author_id.0)
                .bind(&new.client_id)
                .bind(&new.body)
                .bind(&new.html)
                .bind(new.now)
                .fetch_one(&mut *tx)
                .await?;
                let message = Message {
                    id: MessageId(id),
                    conversation_id: new.conversation_id,
                    seq,
                    author_id: new.author_id,
                    client_id: new.client_id.clone(),
                    body: new.body.clone(),
                    html: new.html.clone(),
                    created_at: new.now,
                    edited_at: None,
                    deleted: false,
                };
                let event = EventPayload::MessagePosted {
                    message: message.clone(),
                };
                insert_event!(
                    tx,
                    (workspace, position, seq),
                    new.conversation_id.0,
                    new.author_id.0,
                    new.now,
                    event
                );
                out.push((message, true));
            }
            Ok(out)
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
