//! How the app tells the realtime layer what happened. The app owns this trait and knows
//! nothing of sockets; the server's realtime hub implements it and carries each call to
//! the other nodes.

use ocomms_proto::conversation::ReadState;
use ocomms_proto::realtime::PresenceStatus;
use ocomms_proto::{SessionId, UserId, WorkspaceId};

pub trait Publisher: Send + Sync + 'static {
    /// Events were committed in `workspace`: deliver them.
    fn announce(&self, workspace: WorkspaceId);
    /// These sessions ended (signed out, revoked): close their sockets, on every node.
    fn end_sessions(&self, sessions: &[SessionId]);
    /// The person's account record changed: every node reads their sessions again.
    fn user_changed(&self, user: UserId);
    /// The person joined or left a workspace: their sockets subscribe again to exactly the
    /// workspaces they now belong to.
    fn reconnect_user(&self, user: UserId);
    /// Everyone online or away in `workspace`, on any node.
    fn online_in(&self, workspace: WorkspaceId) -> Vec<(UserId, PresenceStatus)>;
    /// `user`'s status across all their connections, on any node.
    fn status_of(&self, user: UserId) -> PresenceStatus;
    /// `user`'s read marker moved: tell their own connections to `workspace`, on every node.
    fn read_changed(&self, workspace: WorkspaceId, user: UserId, state: ReadState);
    /// `user`'s notification settings changed: feeds on every node read them again.
    fn notifications_changed(&self, user: UserId);
}

/// For a process that delivers nothing live (the admin CLI): running servers still see its
/// writes, through their feeds' polling and their session cache's expiry.
pub struct Offline;

impl Publisher for Offline {
    fn announce(&self, _: WorkspaceId) {}
    fn end_sessions(&self, _: &[SessionId]) {}
    fn user_changed(&self, _: UserId) {}
    fn reconnect_user(&self, _: UserId) {}
    fn online_in(&self, _: WorkspaceId) -> Vec<(UserId, PresenceStatus)> {
        Vec::new()
    }
    fn status_of(&self, _: UserId) -> PresenceStatus {
        PresenceStatus::Offline
    }
    fn read_changed(&self, _: WorkspaceId, _: UserId, _: ReadState) {}
    fn notifications_changed(&self, _: UserId) {}
}
