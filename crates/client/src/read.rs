//! Read state and unread counts.

use ocomms_proto::conversation::{MarkRead, ReadState};
use ocomms_proto::{ConversationId, MessageId};
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    /// Marks a conversation read up to `seq` (forward only).
    /// `i64::MAX` reads everything.
    pub async fn mark_read(&self, conversation: ConversationId, seq: i64) -> Result<ReadState> {
        let body = MarkRead { seq };
        self.send(
            Method::PUT,
            &format!("/conversations/{conversation}/read"),
            &body,
        )
        .await
    }

    /// Marks a message and everything after it unread.
    pub async fn mark_unread(&self, message: MessageId) -> Result<ReadState> {
        self.call(self.request(Method::PUT, &format!("/messages/{message}/unread")))
            .await
    }

    /// Marks every conversation of the workspace read; answers those that moved.
    pub async fn mark_all_read(&self, slug: &str) -> Result<Vec<ReadState>> {
        self.call(self.request(Method::PUT, &format!("/workspaces/{slug}/read")))
            .await
    }

    /// Read state and unread counts of the conversations the caller belongs to.
    pub async fn read_states(&self, slug: &str) -> Result<Vec<ReadState>> {
        self.get(&format!("/workspaces/{slug}/unread")).await
    }
}
