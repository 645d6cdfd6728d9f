//! Messages, their history, and the realtime session.

use ocomms_proto::event::Event;
use ocomms_proto::message::{
    EditMessage, HistoryQuery, Message, MessagePage, PostMessage, Reactions,
};
use ocomms_proto::{ConversationId, MessageId};
use reqwest::Method;

use crate::{Client, Realtime, Result};

impl Client {
    /// Posts a message; the second element says whether it is new (false for a retry with
    /// a client id already used).
    pub async fn post_message(
        &self,
        conversation: ConversationId,
        body: &str,
        client_id: Option<&str>,
    ) -> Result<Message> {
        let request = PostMessage {
            body: body.to_owned(),
            client_id: client_id.map(str::to_owned),
            thread_root_id: None,
            also_in_channel: false,
        };
        self.send(
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            &request,
        )
        .await
    }

    pub async fn edit_message(&self, id: MessageId, body: &str) -> Result<Message> {
        let request = EditMessage {
            body: body.to_owned(),
        };
        self.send(Method::PATCH, &format!("/messages/{id}"), &request)
            .await
    }

    pub async fn delete_message(&self, id: MessageId) -> Result<()> {
        self.call_empty(self.request(Method::DELETE, &format!("/messages/{id}")))
            .await
    }

    /// Reacts with a Unicode emoji or its shortcode; returns the message's reactions.
    pub async fn react(&self, id: MessageId, emoji: &str) -> Result<Reactions> {
        self.call(self.request(Method::PUT, &reaction_path(id, emoji)))
            .await
    }

    /// Takes a reaction back; returns the message's reactions.
    pub async fn unreact(&self, id: MessageId, emoji: &str) -> Result<Reactions> {
        self.call(self.request(Method::DELETE, &reaction_path(id, emoji)))
            .await
    }

    pub async fn history(
        &self,
        conversation: ConversationId,
        query: &HistoryQuery,
    ) -> Result<MessagePage> {
        let builder = self
            .request(
                Method::GET,
                &format!("/conversations/{conversation}/messages"),
            )
            .query(query);
        self.call(builder).await
    }

    /// Opens a realtime session with this client's token (sign in first).
    pub fn realtime(
        &self,
        positions: std::collections::BTreeMap<ocomms_proto::WorkspaceId, i64>,
    ) -> Realtime {
        Realtime::connect_with(
            &self.base,
            self.token.as_deref().unwrap_or_default(),
            positions,
            self.tls.clone(),
        )
    }

    pub async fn conversation_events(&self, id: ConversationId, after: i64) -> Result<Vec<Event>> {
        let builder = self
            .request(Method::GET, &format!("/conversations/{id}/events"))
            .query(&[("after", after)]);
        self.call(builder).await
    }
}

fn reaction_path(id: MessageId, emoji: &str) -> String {
    let emoji = percent_encoding::utf8_percent_encode(emoji, percent_encoding::NON_ALPHANUMERIC);
    format!("/messages/{id}/reactions/{emoji}")
}
