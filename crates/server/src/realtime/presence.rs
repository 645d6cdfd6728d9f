//! Who is online: counted from live WebSocket connections. A connection that misses its
//! heartbeats is closed after twice the interval (60 s), which takes its person offline.

use std::collections::HashMap;
use std::sync::Mutex;

use ocomms_proto::UserId;
use ocomms_proto::realtime::PresenceStatus;

#[derive(Default)]
pub struct Presence {
    /// Each person's live connections, and whether each says it is idle.
    users: Mutex<HashMap<UserId, HashMap<u64, bool>>>,
}

impl Presence {
    /// A connection came up; returns the person's new status if it changed.
    pub fn connect(&self, user: UserId, connection: u64) -> Option<PresenceStatus> {
        self.change(user, |c| {
            c.insert(connection, false);
        })
    }

    /// A connection says it is idle (`away`) or active again.
    pub fn set_away(&self, user: UserId, connection: u64, away: bool) -> Option<PresenceStatus> {
        self.change(user, |c| {
            if let Some(idle) = c.get_mut(&connection) {
                *idle = away;
            }
        })
    }

    pub fn disconnect(&self, user: UserId, connection: u64) -> Option<PresenceStatus> {
        self.change(user, |c| {
            c.remove(&connection);
        })
    }

    pub fn status(&self, user: UserId) -> PresenceStatus {
        status_of(self.lock().get(&user))
    }

    fn change(
        &self,
        user: UserId,
        edit: impl FnOnce(&mut HashMap<u64, bool>),
    ) -> Option<PresenceStatus> {
        let mut users = self.lock();
        let before = status_of(users.get(&user));
        let connections = users.entry(user).or_default();
        edit(connections);
        if connections.is_empty() {
            users.remove(&user);
        }
        let after = status_of(users.get(&user));
        (after != before).then_some(after)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, HashMap<u64, bool>>> {
        // Invariant: nothing panics while holding the lock.
        self.users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn status_of(connections: Option<&HashMap<u64, bool>>) -> PresenceStatus {
    match connections {
        None => PresenceStatus::Offline,
        Some(c) if c.is_empty() => PresenceStatus::Offline,
        Some(c) if c.values().all(|idle| *idle) => PresenceStatus::Away,
        Some(_) => PresenceStatus::Online,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PresenceStatus::*;

    #[test]
    fn status_follows_connections_and_idleness() {
        let p = Presence::default();
        let ada = UserId(1);
        assert_eq!(p.status(ada), Offline);
        assert_eq!(p.connect(ada, 1), Some(Online));
        assert_eq!(p.connect(ada, 2), None, "a second tab changes nothing");
        assert_eq!(
            p.set_away(ada, 1, true),
            None,
            "the other tab is still active"
        );
        assert_eq!(p.set_away(ada, 2, true), Some(Away));
        assert_eq!(p.disconnect(ada, 2), None);
        assert_eq!(p.set_away(ada, 1, false), Some(Online));
        assert_eq!(p.disconnect(ada, 1), Some(Offline));
        assert_eq!(p.status(ada), Offline);
    }
}
