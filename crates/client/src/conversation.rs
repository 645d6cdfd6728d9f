//! Channels, direct messages and their members.

use ocomms_proto::conversation::{
    ChannelQuery, Conversation, ConversationMember, ConversationRole, ConversationUpdate,
    CreateChannel, MembershipChange, OpenDirect,
};
use ocomms_proto::{ConversationId, UserId};
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    pub async fn channels(&self, slug: &str, query: &ChannelQuery) -> Result<Vec<Conversation>> {
        let builder = self
            .request(Method::GET, &format!("/workspaces/{slug}/channels"))
            .query(query);
        self.call(builder).await
    }

    pub async fn create_channel(
        &self,
        slug: &str,
        request: &CreateChannel,
    ) -> Result<Conversation> {
        self.send(
            Method::POST,
            &format!("/workspaces/{slug}/channels"),
            request,
        )
        .await
    }

    pub async fn directs(&self, slug: &str) -> Result<Vec<Conversation>> {
        self.get(&format!("/workspaces/{slug}/dms")).await
    }

    /// Opens the direct message with these people (empty: a note to yourself).
    pub async fn open_direct(&self, slug: &str, user_ids: &[UserId]) -> Result<Conversation> {
        let body = OpenDirect {
            user_ids: user_ids.to_vec(),
        };
        self.send(Method::POST, &format!("/workspaces/{slug}/dms"), &body)
            .await
    }

    pub async fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        self.get(&format!("/conversations/{id}")).await
    }

    pub async fn update_conversation(
        &self,
        id: ConversationId,
        update: &ConversationUpdate,
    ) -> Result<Conversation> {
        self.send(Method::PATCH, &format!("/conversations/{id}"), update)
            .await
    }

    pub async fn conversation_members(
        &self,
        id: ConversationId,
    ) -> Result<Vec<ConversationMember>> {
        self.get(&format!("/conversations/{id}/members")).await
    }

    /// Joins (your own id) or adds someone; with a role, changes theirs. Returns the
    /// conversation they are now in (adding to a 1:1 message opens a group).
    pub async fn add_to_conversation(
        &self,
        id: ConversationId,
        user: UserId,
        role: Option<ConversationRole>,
    ) -> Result<Conversation> {
        let path = format!("/conversations/{id}/members/{user}");
        self.send(Method::PUT, &path, &MembershipChange { role })
            .await
    }

    /// Leaves (your own id) or removes someone.
    pub async fn remove_from_conversation(&self, id: ConversationId, user: UserId) -> Result<()> {
        let path = format!("/conversations/{id}/members/{user}");
        self.call_empty(self.request(Method::DELETE, &path)).await
    }
}
