//! The app's side of realtime delivery (`ocomms_app::Publisher`): what the use cases tell
//! the hub, carried to this node's feeds and, through the bus, to the other nodes.

use ocomms_app::Publisher;
use ocomms_proto::realtime::PresenceStatus;
use ocomms_proto::{SessionId, UserId, WorkspaceId};

use super::{Hub, bus};

impl Publisher for Hub {
    /// Wakes the local feed and tells the other nodes.
    fn announce(&self, workspace: WorkspaceId) {
        self.notify(workspace);
        self.publish(bus::Notice::Events { workspace });
    }

    fn end_sessions(&self, sessions: &[SessionId]) {
        self.sockets.end_sessions(sessions);
        self.publish(bus::Notice::SessionsEnded {
            sessions: sessions.to_vec(),
        });
    }

    fn user_changed(&self, user: UserId) {
        self.publish(bus::Notice::UserChanged { user });
    }

    fn reconnect_user(&self, user: UserId) {
        self.sockets.reconnect_user(user);
        self.publish(bus::Notice::Reconnect { user });
    }

    fn notifications_changed(&self, user: UserId) {
        self.notifications_here(user);
        self.publish(bus::Notice::NotificationsChanged { user });
    }

    fn read_changed(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        state: ocomms_proto::conversation::ReadState,
    ) {
        self.read_here(workspace, user, state);
        self.publish(bus::Notice::Read {
            workspace,
            user,
            state,
        });
    }

    fn status_of(&self, user: UserId) -> PresenceStatus {
        self.presence.status(user)
    }

    fn online_in(&self, workspace: WorkspaceId) -> Vec<(UserId, PresenceStatus)> {
        let here = self
            .lock()
            .get(&workspace)
            .map(|feed| feed.connected_users())
            .unwrap_or_default();
        self.presence.online_in(workspace, &here)
    }
}
