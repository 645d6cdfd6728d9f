//! Reactions on messages: one row per (message, person, emoji), added and removed with
//! their events in one transaction, and read back for pages of history in one query.

use std::collections::HashMap;

use ocomms_proto::event::EventPayload;
use ocomms_proto::message::{Message, Reaction};
use ocomms_proto::{MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::message::placeholders;
use crate::steps::Steps as _;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Adds `user`'s `emoji` reaction to `message`, with its event. `Ok(false)` when it was
    /// there already (nothing is written); `NotFound` when the message is deleted or gone.
    pub async fn add_reaction(
        &self,
        message: &Message,
        user: UserId,
        emoji: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        in_transaction!(self, |tx| {
            let live: Option<i64> =
                sqlx::query_scalar("SELECT id FROM messages WHERE id = $1 AND deleted_at IS NULL")
                    .bind(message.id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            if live.is_none() {
                return Err(StoreError::NotFound);
            }
            let added = sqlx::query(
                "INSERT INTO message_reactions (message_id, user_id, emoji, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(message.id.0)
            .bind(user.0)
            .bind(emoji)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if added {
                let event = change(message, user, emoji, true);
                tx.record_event(message.conversation_id.0, user.0, now, &event)
                    .await?;
            }
            Ok(added)
        })
    }

    /// Takes `user`'s `emoji` reaction off `message`, with its event; `Ok(false)` when there
    /// was none.
    pub async fn remove_reaction(
        &self,
        message: &Message,
        user: UserId,
        emoji: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        in_transaction!(self, |tx| {
            let removed = sqlx::query(
                "DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3",
            )
            .bind(message.id.0)
            .bind(user.0)
            .bind(emoji)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if removed {
                let event = change(message, user, emoji, false);
                tx.record_event(message.conversation_id.0, user.0, now, &event)
                    .await?;
            }
            Ok(removed)
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

/// The event of `user` adding or taking back their `emoji` on `message`.
fn change(message: &Message, user: UserId, emoji: &str, added: bool) -> EventPayload {
    let (message_id, user_id, emoji) = (message.id, user, emoji.to_owned());
    if added {
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
