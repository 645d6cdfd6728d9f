//! Messages: posted, edited and deleted with their events in one transaction.

use std::collections::BTreeSet;

use batch::BatchSteps as _;
use group::Numbering;
pub(crate) use group::{bulk_row_placeholders, placeholders, row_placeholders};
use ocomms_proto::event::EventPayload;
use ocomms_proto::message::{Mentions, Message, Pin, ThreadSummary};
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::mention::MentionSteps as _;
use crate::row::Columns;
use crate::steps::Steps as _;
use crate::thread::ThreadSteps as _;
use crate::{Store, StoreError, StoreResult};

mod batch;
pub(crate) use batch::Fresh;
mod group;

pub(crate) const COLUMNS: &str = "m.id, m.conversation_id, m.seq, m.author_id, m.client_id, m.body, m.html, \
    m.created_at, m.edited_at, m.deleted_at, m.thread_root_id, m.also_in_channel, m.reply_count, \
    m.last_reply_at, m.pinned_at, m.pinned_by, m.mentioned_users, m.mentions_channel, \
    m.mentions_here";

pub(crate) fn message_from_row(row: &impl Columns) -> Result<Message, sqlx::Error> {
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
        reactions: Vec::new(),
        thread_root_id: row.opt_int("thread_root_id")?.map(MessageId),
        also_in_channel: row.flag("also_in_channel")?,
        // Participants are read for a whole page at once (`attach_details`).
        thread: match (row.int("reply_count")?, row.opt_int("last_reply_at")?) {
            (count, Some(at)) if count > 0 => Some(ThreadSummary {
                reply_count: count,
                last_reply_at: at,
                participants: Vec::new(),
            }),
            _ => None,
        },
        pinned: match (row.opt_int("pinned_at")?, row.opt_int("pinned_by")?) {
            (Some(at), Some(by)) => Some(Pin { by: UserId(by), at }),
            _ => None,
        },
        mentions: Mentions {
            users: user_list(&row.text("mentioned_users")?),
            channel: row.flag("mentions_channel")?,
            here: row.flag("mentions_here")?,
        },
    })
}

/// `mentioned_users` is user ids separated by spaces.
fn user_list(ids: &str) -> Vec<UserId> {
    ids.split_ascii_whitespace()
        .filter_map(|id| id.parse().ok().map(UserId))
        .collect()
}

pub(crate) fn user_list_text(users: &[UserId]) -> String {
    users
        .iter()
        .map(|u| u.0.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Who a new or edited message mentions, as the app resolved it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionRecord {
    /// What readers see (`Message::mentions`).
    pub shown: Mentions,
    /// Members it mentions personally, counted in their mention counts (`@channel` is counted
    /// from the message itself and needs no one listed).
    pub counted_for: Vec<UserId>,
}

/// A message's new text, as the app rendered and resolved it.
#[derive(Debug, Clone)]
pub struct MessageEdit {
    pub body: String,
    pub html: String,
    pub mentions: MentionRecord,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    pub author_id: UserId,
    pub client_id: Option<String>,
    pub body: String,
    pub html: String,
    /// A reply in this top-level message's thread (the caller checked it is one, in the
    /// same conversation).
    pub thread_root_id: Option<MessageId>,
    pub also_in_channel: bool,
    pub mentions: MentionRecord,
    pub now: Timestamp,
}

/// Whose messages a page of history holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryScope {
    /// A conversation's timeline: top-level messages and replies also sent there.
    Timeline(ConversationId),
    /// A thread's replies.
    Thread(MessageId),
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
        in_transaction!(self, |tx| {
            // Plan: which items are new (retries are answered with what is stored).
            let workspace_of = tx.workspaces_of(&conversations).await?;
            let earlier = tx.earlier_posts(batch).await?;
            let mut numbering =
                Numbering::plan(batch, &earlier, &workspace_of).ok_or(StoreError::NotFound)?;
            // Counters, in lock order (see `Steps::next_position`): workspaces first, then
            // conversations, each in id order (the maps are sorted).
            let workspace_last = tx
                .advance_counters(
                    "UPDATE workspaces SET last_position = last_position + $2 WHERE id = $1 \
                     RETURNING last_position",
                    &numbering.workspace_counts,
                )
                .await?;
            let conversation_last = tx
                .advance_counters(
                    // Every new seq of the group is a message's: the newest is the new head.
                    "UPDATE conversations SET last_seq = last_seq + $2, \
                     last_message_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq",
                    &numbering.conversation_counts,
                )
                .await?;
            numbering.number(&workspace_last, &conversation_last, batch);
            // Insert the messages and their events, then answer every item.
            let fresh = numbering.fresh();
            let ids = tx.insert_messages(batch, &fresh).await?;
            tx.insert_mentions(batch, &fresh, &ids).await?;
            let threads = tx.update_threads(batch, &fresh).await?;
            let posted = tx
                .insert_posted_events(batch, &fresh, &ids, &threads)
                .await?;
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
        let message = on_pool!(self, |pool| {
            let row = sqlx::query(&sql).bind(id.0).fetch_optional(pool).await?;
            row.map(|r| message_from_row(&r)).transpose()?
        });
        let Some(message) = message else {
            return Ok(None);
        };
        let mut one = [message];
        self.attach_details(&mut one).await?;
        let [message] = one;
        Ok(Some(message))
    }

    /// Replaces a live message's text and mentions; `NotFound` if it is deleted or missing.
    pub async fn edit_message(
        &self,
        message: &Message,
        edit: &MessageEdit,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let MessageEdit {
            body,
            html,
            mentions,
        } = edit;
        in_transaction!(self, |tx| {
            // The workspace first: a group commit holding it may be updating this message's
            // thread summary (see `Steps::next_position` on lock order).
            tx.lock_workspace(message.conversation_id.0).await?;
            let changed = sqlx::query(
                "UPDATE messages SET body = $2, html = $3, edited_at = $4, mentioned_users = $5, \
                 mentions_channel = $6, mentions_here = $7 \
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(message.id.0)
            .bind(body)
            .bind(html)
            .bind(now)
            .bind(user_list_text(&mentions.shown.users))
            .bind(mentions.shown.channel)
            .bind(mentions.shown.here)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            tx.replace_mentions(message, &mentions.counted_for).await?;
            if mentions.shown.channel {
                tx.raise_mention_markers(message.conversation_id.0, message.seq, &[], true)
                    .await?;
            }
            let event = EventPayload::MessageEdited {
                message_id: message.id,
                body: body.clone(),
                html: html.clone(),
                edited_at: now,
                mentions: mentions.shown.clone(),
            };
            tx.record_event(message.conversation_id.0, actor.0, now, &event)
                .await?;
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
            tx.lock_workspace(message.conversation_id.0).await?;
            let changed = sqlx::query(
                "UPDATE messages SET body = '', html = '', deleted_at = $2, pinned_at = NULL, \
                 pinned_by = NULL \
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
            // A deleted reply no longer counts in its thread's summary.
            let thread = match message.thread_root_id {
                Some(root) => tx.refresh_thread(root.0).await?.1,
                None => None,
            };
            let event = EventPayload::MessageDeleted {
                message_id: message.id,
                thread_root_id: message.thread_root_id,
                thread,
            };
            tx.record_event(message.conversation_id.0, actor.0, now, &event)
                .await?;
            Ok(())
        })
    }

    /// Up to `limit` messages (tombstones included) of a conversation's timeline or a
    /// thread, oldest first, plus whether more exist beyond the page in the direction read.
    pub async fn history(
        &self,
        scope: HistoryScope,
        window: HistoryWindow,
        limit: i64,
    ) -> StoreResult<(Vec<Message>, bool)> {
        let (condition, order, bound) = match window {
            HistoryWindow::Latest => ("TRUE", "DESC", 0),
            HistoryWindow::Before(seq) => ("m.seq < $2", "DESC", seq),
            HistoryWindow::After(seq) => ("m.seq > $2", "ASC", seq),
        };
        let (scoped, id) = match scope {
            HistoryScope::Timeline(conversation) => (
                "m.conversation_id = $1 AND (m.thread_root_id IS NULL OR m.also_in_channel)",
                conversation.0,
            ),
            HistoryScope::Thread(root) => ("m.thread_root_id = $1", root.0),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM messages m WHERE {scoped} AND ({condition} OR $2 IS NULL) \
             ORDER BY m.seq {order} LIMIT $3"
        );
        let bound = (window != HistoryWindow::Latest).then_some(bound);
        let mut messages = on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(id)
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
        self.attach_details(&mut messages).await?;
        Ok((messages, more))
    }

    /// The first message in a conversation's timeline written at or after `at` (jumping to
    /// a date), if any was: its position and id.
    pub async fn timeline_message_since(
        &self,
        conversation: ConversationId,
        at: Timestamp,
    ) -> StoreResult<Option<(i64, MessageId)>> {
        let row: Option<(i64, i64)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT m.seq, m.id FROM messages m WHERE m.conversation_id = $1 \
             AND (m.thread_root_id IS NULL OR m.also_in_channel) AND m.created_at >= $2 \
             ORDER BY m.seq LIMIT 1"
        )
        .bind(conversation.0)
        .bind(at)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(seq, id)| (seq, MessageId(id))))
    }
}
