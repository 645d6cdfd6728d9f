//! Pins: a message pinned to its conversation, with its event, and the pinned list.

use ocomms_proto::event::EventPayload;
use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::message::{COLUMNS, message_from_row};
use crate::steps::Steps as _;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Pins (`pin`) or unpins a live message and records the event; `Ok(false)` when it
    /// already was so (nothing recorded), `NotFound` when the message is deleted or missing.
    /// Pinning past `max` pins in the conversation is `Conflict`.
    pub async fn set_pinned(
        &self,
        message: MessageId,
        pin: bool,
        max: i64,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<bool> {
        in_transaction!(self, |tx| {
            // The workspace first (lock order, see `Steps::next_position`); it also
            // serialises pins of one conversation, so the state and count read after it hold.
            let conversation: Option<i64> =
                sqlx::query_scalar("SELECT conversation_id FROM messages WHERE id = $1")
                    .bind(message.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let conversation = conversation.ok_or(StoreError::NotFound)?;
            tx.lock_workspace(conversation).await?;
            let (deleted_at, pinned_at): (Option<i64>, Option<i64>) =
                sqlx::query_as("SELECT deleted_at, pinned_at FROM messages WHERE id = $1")
                    .bind(message.0)
                    .fetch_one(&mut *tx)
                    .await?;
            if deleted_at.is_some() {
                return Err(StoreError::NotFound);
            }
            if pinned_at.is_some() == pin {
                return Ok(false);
            }
            if pin {
                let pinned: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM messages \
                     WHERE conversation_id = $1 AND pinned_at IS NOT NULL",
                )
                .bind(conversation)
                .fetch_one(&mut *tx)
                .await?;
                if pinned >= max {
                    return Err(StoreError::Conflict);
                }
            }
            sqlx::query("UPDATE messages SET pinned_at = $2, pinned_by = $3 WHERE id = $1")
                .bind(message.0)
                .bind(pin.then_some(now))
                .bind(pin.then_some(actor.0))
                .execute(&mut *tx)
                .await?;
            let event = if pin {
                EventPayload::MessagePinned {
                    message_id: message,
                }
            } else {
                EventPayload::MessageUnpinned {
                    message_id: message,
                }
            };
            tx.record_event(conversation, actor.0, now, &event).await?;
            Ok(true)
        })
    }

    /// A conversation's pinned messages, the latest pinned first.
    pub async fn pinned_messages(&self, conversation: ConversationId) -> StoreResult<Vec<Message>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM messages m \
             WHERE m.conversation_id = $1 AND m.pinned_at IS NOT NULL \
             ORDER BY m.pinned_at DESC, m.id DESC"
        );
        let mut messages = on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(conversation.0)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(message_from_row)
                .collect::<Result<Vec<_>, _>>()?
        });
        self.attach_details(&mut messages).await?;
        Ok(messages)
    }
}
