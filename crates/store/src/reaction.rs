//! Reactions on messages: one row per (message, person, emoji), added and removed with
//! their events in one transaction per group of changes (the app gathers them as it does
//! posts), and read back for pages of history in one query.

use std::collections::HashMap;

use ocomms_proto::event::EventPayload;
use ocomms_proto::message::{Message, Reaction};
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::message::placeholders;
use crate::steps::{Steps as _, for_both_backends};
use crate::{Store, StoreError, StoreResult};

/// One person adding or taking back one emoji on one message.
#[derive(Debug, Clone)]
pub struct ReactionChange {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub user: UserId,
    /// Unicode, validated by the caller.
    pub emoji: String,
    /// Add (`true`) or take back (`false`).
    pub add: bool,
    pub now: Timestamp,
}

trait ReactionSteps {
    /// Applies one change and records its event; `Ok(false)` when it changed nothing (already
    /// there, or already gone); `NotFound` when adding to a deleted or missing message.
    async fn change_reaction(&mut self, change: &ReactionChange) -> StoreResult<bool>;
}

for_both_backends! { impl ReactionSteps {
    async fn change_reaction(&mut self, change: &ReactionChange) -> StoreResult<bool> {
        let changed = if change.add {
            let live: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM messages WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(change.message_id.0)
            .fetch_optional(&mut *self)
            .await?;
            if live.is_none() {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO message_reactions (message_id, user_id, emoji, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(change.message_id.0)
            .bind(change.user.0)
            .bind(&change.emoji)
            .bind(change.now)
            .execute(&mut *self)
            .await?
            .rows_affected()
                == 1
        } else {
            sqlx::query(
                "DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3",
            )
            .bind(change.message_id.0)
            .bind(change.user.0)
            .bind(&change.emoji)
            .execute(&mut *self)
            .await?
            .rows_affected()
                == 1
        };
        if changed {
            let event = event_of(change);
            self.record_event(change.conversation_id.0, change.user.0, change.now, &event)
                .await?;
        }
        Ok(changed)
    }
} }

impl Store {
    /// Applies reaction changes in one transaction (one commit, one fsync on SQLite), in
    /// the order given — callers order them by workspace, then conversation, the lock order
    /// (see `Steps::next_position`). Answers, per change, whether it changed anything. Any
    /// failure rolls all back; the caller then applies them one by one.
    pub async fn change_reactions(&self, batch: &[ReactionChange]) -> StoreResult<Vec<bool>> {
        in_transaction!(self, |tx| {
            let mut changed = Vec::with_capacity(batch.len());
            for change in batch {
                changed.push(tx.change_reaction(change).await?);
            }
            Ok(changed)
        })
    }

    /// Fills in the reactions of `messages` (one query for all of them): by emoji, in the
    /// order each emoji was first used, people in the order they reacted.
    pub(crate) async fn attach_reactions(&self, messages: &mut [Message]) -> StoreResult<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT message_id, user_id, emoji FROM message_reactions WHERE message_id IN ({}) \
             ORDER BY created_at, user_id, emoji",
            placeholders(1, messages.len())
        );
        let rows: Vec<(i64, i64, String)> = on_pool!(self, |pool| {
            let mut query = sqlx::query_as(&sql);
            for message in messages.iter() {
                query = query.bind(message.id.0);
            }
            query.fetch_all(pool).await?
        });
        let mut by_message: HashMap<MessageId, Vec<Reaction>> = HashMap::new();
        for (message, user, emoji) in rows {
            let reactions = by_message.entry(MessageId(message)).or_default();
            match reactions.iter_mut().find(|r| r.emoji == emoji) {
                Some(reaction) => reaction.user_ids.push(UserId(user)),
                None => reactions.push(Reaction {
                    emoji,
                    user_ids: vec![UserId(user)],
                }),
            }
        }
        for message in messages {
            message.reactions = by_message.remove(&message.id).unwrap_or_default();
        }
        Ok(())
    }
}

/// The event a change records.
fn event_of(change: &ReactionChange) -> EventPayload {
    let (message_id, user_id, emoji) = (change.message_id, change.user, change.emoji.clone());
    if change.add {
        EventPayload::ReactionAdded {
            message_id,
            user_id,
            emoji,
        }
    } else {
        EventPayload::ReactionRemoved {
            message_id,
            user_id,
            emoji,
        }
    }
}
