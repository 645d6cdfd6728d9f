//! Pins: members pin messages to their conversation (only managers where a channel says
//! so); everyone who can see the conversation reads its pinned list.

use ocomms_domain::channel;
use ocomms_proto::limit::MAX_PINS;
use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, MessageId};
use ocomms_store::StoreError;

use crate::message::gone;
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// Pins (`pin`) or unpins a message; doing it twice changes nothing. Answers the message.
    pub async fn set_pinned(&self, actor: &Actor, id: MessageId, pin: bool) -> AppResult<Message> {
        let (_, visible) = self.visible_message(actor, id).await?;
        let record = &visible.record;
        channel::may_pin(
            record.kind,
            visible.viewer,
            record.archived_at.is_some(),
            record.pins_managers_only,
        )?;
        let max = i64::try_from(MAX_PINS).unwrap_or(i64::MAX);
        match self
            .store()
            .set_pinned(id, pin, max, actor.user.id, super::now())
            .await
        {
            Ok(true) => self.announce(record.workspace_id),
            Ok(false) => {}
            Err(StoreError::Conflict) => {
                return Err(AppError::Conflict(format!(
                    "This conversation already has {MAX_PINS} pinned messages. Unpin one first."
                )));
            }
            Err(other) => return Err(gone(other)),
        }
        self.message(actor, id).await
    }

    /// A conversation's pinned messages, the latest pinned first.
    pub async fn pinned(
        &self,
        actor: &Actor,
        conversation: ConversationId,
    ) -> AppResult<Vec<Message>> {
        self.visible(actor, conversation).await?;
        Ok(self.store().pinned_messages(conversation).await?)
    }
}
