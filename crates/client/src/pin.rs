//! Pins.

use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, MessageId};
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    /// Pins (`true`) or unpins a message; returns it.
    pub async fn set_pinned(&self, id: MessageId, pin: bool) -> Result<Message> {
        let method = if pin { Method::PUT } else { Method::DELETE };
        self.call(self.request(method, &format!("/messages/{id}/pin")))
            .await
    }

    /// A conversation's pinned messages, the latest pinned first.
    pub async fn pins(&self, conversation: ConversationId) -> Result<Vec<Message>> {
        self.get(&format!("/conversations/{conversation}/pins"))
            .await
    }
}
