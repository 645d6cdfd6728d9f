//! Threads: replies under a top-level message (one level, as in Slack), following a thread,
//! reading it, and All threads. Replies are posted like any message (`message.rs`), with the
//! root checked here first.

use ocomms_domain::Invalid;
use ocomms_proto::message::{
    HistoryQuery, MessagePage, ThreadFollowing, ThreadItem, ThreadList, ThreadsQuery,
};
use ocomms_proto::{ConversationId, MessageId};
use ocomms_store::HistoryScope;

use crate::{Actor, App, AppError, AppResult};

const DEFAULT_THREADS_PAGE: u32 = 20;

impl App {
    /// The message a reply names, checked: visible to the actor, live, in the conversation
    /// posted to, and top-level. A message out of reach is refused like a missing one, as a
    /// bad field of the request (422): the conversation in the path exists, and a 404 would
    /// say it did not.
    pub(crate) async fn thread_root(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        root: MessageId,
    ) -> AppResult<MessageId> {
        // The conversation first: someone who cannot see it learns nothing from the root.
        self.visible(actor, conversation).await?;
        let (message, _) = match self.visible_message(actor, root).await {
            Err(AppError::NotFound(_)) => {
                return Err(Invalid::new(
                    "thread_root_id",
                    "The message you are replying to is gone or out of your reach: post yours as a new message instead.",
                )
                .into());
            }
            other => other?,
        };
        if message.conversation_id != conversation {
            return Err(Invalid::new(
                "thread_root_id",
                "That message is in another conversation: reply where it was posted.",
            )
            .into());
        }
        top_level(&message)?;
        Ok(root)
    }

    /// A page of a thread's replies, oldest first (the top-level message itself is
    /// `GET /messages/{id}`).
    pub async fn replies(
        &self,
        actor: &Actor,
        root: MessageId,
        query: &HistoryQuery,
    ) -> AppResult<MessagePage> {
        let (message, _) = self.visible_message_or_tombstone(actor, root).await?;
        top_level(&message)?;
        self.page_of(HistoryScope::Thread(root), query).await
    }

    /// Follows or unfollows a thread (any top-level message the actor can see).
    pub async fn follow_thread(
        &self,
        actor: &Actor,
        root: MessageId,
        following: bool,
    ) -> AppResult<ThreadFollowing> {
        let (message, _) = self.visible_message_or_tombstone(actor, root).await?;
        top_level(&message)?;
        self.store()
            .follow_thread(actor.user.id, root, following)
            .await?;
        Ok(ThreadFollowing {
            root_id: root,
            following,
        })
    }

    /// Whether the actor follows a thread.
    pub async fn thread_following(
        &self,
        actor: &Actor,
        root: MessageId,
    ) -> AppResult<ThreadFollowing> {
        self.visible_message_or_tombstone(actor, root).await?;
        Ok(ThreadFollowing {
            root_id: root,
            following: self.store().follows_thread(actor.user.id, root).await?,
        })
    }

    /// Marks a followed thread read up to its newest reply.
    pub async fn mark_thread_read(&self, actor: &Actor, root: MessageId) -> AppResult<()> {
        let (message, _) = self.visible_message_or_tombstone(actor, root).await?;
        top_level(&message)?;
        Ok(self.store().mark_thread_read(actor.user.id, root).await?)
    }

    /// All threads: those the actor follows in a workspace (started, replied in, or followed
    /// by hand) in conversations they are in, newest reply first.
    pub async fn threads(
        &self,
        actor: &Actor,
        slug: &str,
        query: &ThreadsQuery,
    ) -> AppResult<ThreadList> {
        let membership = self.membership(actor, slug).await?;
        let max = ocomms_proto::limit::MAX_THREADS_PAGE;
        let limit = query.limit.unwrap_or(DEFAULT_THREADS_PAGE);
        if !(1..=max).contains(&limit) {
            return Err(Invalid::new("limit", format!("Ask for 1 to {max} threads.")).into());
        }
        let (threads, more) = self
            .store()
            .followed_threads(
                actor.user.id,
                membership.workspace.id,
                query.after,
                i64::from(limit),
            )
            .await?;
        Ok(ThreadList {
            threads: threads
                .into_iter()
                .map(|t| ThreadItem {
                    root: t.root,
                    latest_reply: t.latest_reply,
                    unread: t.unread,
                })
                .collect(),
            more,
        })
    }

    /// How many followed threads in a workspace have unread replies (the sidebar's badge).
    pub async fn unread_threads(&self, actor: &Actor, slug: &str) -> AppResult<i64> {
        let membership = self.membership(actor, slug).await?;
        Ok(self
            .store()
            .unread_thread_count(actor.user.id, membership.workspace.id)
            .await?)
    }
}

/// Threads are one level deep: a reply has no thread of its own.
fn top_level(message: &ocomms_proto::message::Message) -> AppResult<()> {
    if message.thread_root_id.is_some() {
        return Err(AppError::from(Invalid::new(
            "thread_root_id",
            "That message is itself a reply: reply in the thread of the message it answers.",
        )));
    }
    Ok(())
}
