//! Threads: replies, following, read state and All threads.

use ocomms_proto::message::{
    HistoryQuery, Message, MessagePage, PostMessage, ThreadFollowing, ThreadList, ThreadsQuery,
};
use ocomms_proto::{ConversationId, MessageId};
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    /// Replies in the thread of top-level message `root` of `conversation`; with
    /// `also_in_channel` the reply shows in the conversation's timeline too.
    pub async fn reply(
        &self,
        conversation: ConversationId,
        root: MessageId,
        body: &str,
        also_in_channel: bool,
    ) -> Result<Message> {
        let request = PostMessage {
            body: body.to_owned(),
            client_id: None,
            thread_root_id: Some(root),
            also_in_channel,
        };
        self.send(
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            &request,
        )
        .await
    }

    /// One message, with its thread summary and reactions.
    pub async fn message(&self, id: MessageId) -> Result<Message> {
        self.get(&format!("/messages/{id}")).await
    }

    /// A page of a thread's replies, oldest first.
    pub async fn replies(&self, root: MessageId, query: &HistoryQuery) -> Result<MessagePage> {
        let builder = self
            .request(Method::GET, &format!("/messages/{root}/replies"))
            .query(query);
        self.call(builder).await
    }

    /// Follows (`true`) or unfollows a thread.
    pub async fn follow_thread(&self, root: MessageId, follow: bool) -> Result<ThreadFollowing> {
        let method = if follow { Method::PUT } else { Method::DELETE };
        self.call(self.request(method, &format!("/messages/{root}/following")))
            .await
    }

    /// Marks a followed thread read up to its newest reply.
    pub async fn mark_thread_read(&self, root: MessageId) -> Result<()> {
        self.call_empty(self.request(Method::PUT, &format!("/messages/{root}/replies/read")))
            .await
    }

    /// All threads: the followed threads of a workspace, newest reply first.
    pub async fn threads(&self, workspace: &str, query: &ThreadsQuery) -> Result<ThreadList> {
        let builder = self
            .request(Method::GET, &format!("/workspaces/{workspace}/threads"))
            .query(query);
        self.call(builder).await
    }
}
