//! The ordered event stream, as the realtime layer reads it: a workspace's position, who is
//! in each of its conversations, and the events after a position. These reads take no
//! actor: a feed reads each event once for everyone and hands it only to those
//! `visibility::may_see` allows.

use ocomms_proto::event::Event;
use ocomms_proto::{ConversationId, UserId, WorkspaceId};
use ocomms_store::Store;

use crate::AppResult;

/// Cheap to clone.
#[derive(Clone)]
pub struct EventLog {
    store: Store,
}

impl EventLog {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    /// The position of the workspace's newest event (0 before the first).
    pub async fn head(&self, workspace: WorkspaceId) -> AppResult<i64> {
        Ok(self.store.workspace_head(workspace).await?)
    }

    /// Every (conversation, member) pair of the workspace, as of now.
    pub async fn audiences(
        &self,
        workspace: WorkspaceId,
    ) -> AppResult<Vec<(ConversationId, UserId)>> {
        Ok(self.store.workspace_audiences(workspace).await?)
    }

    /// What decides whether `user` is notified of a message in `workspace` (`None`: not a
    /// member).
    pub async fn notification_settings(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> AppResult<Option<ocomms_store::NotificationSettings>> {
        Ok(self.store.notification_settings(user, workspace).await?)
    }

    /// Who follows the thread of `root` now (a new reply notifies them).
    pub async fn thread_followers(&self, root: ocomms_proto::MessageId) -> AppResult<Vec<UserId>> {
        Ok(self.store.thread_followers(root).await?)
    }

    /// Up to `limit` events after position `after`, in position order.
    pub async fn after(
        &self,
        workspace: WorkspaceId,
        after: i64,
        limit: i64,
    ) -> AppResult<Vec<Event>> {
        Ok(self.store.workspace_events(workspace, after, limit).await?)
    }
}
