//! Who is online: counted from live WebSocket connections, on this node and (through Redis
//! notices) on the others. A connection that misses its heartbeats is closed after twice the
//! interval (60 s), which takes its person offline; a node that stops announcing its people
//! (it crashed) is forgotten after `REMOTE_TTL`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ocomms_proto::realtime::PresenceStatus;
use ocomms_proto::{UserId, WorkspaceId};

/// Nodes re-announce their people this often…
pub const REFRESH: Duration = Duration::from_secs(30);
/// …and are forgotten after this long without news.
const REMOTE_TTL: Duration = Duration::from_secs(90);

#[derive(Default)]
pub struct Presence {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// This node's connections per person, and whether each says it is idle.
    local: HashMap<UserId, HashMap<u64, bool>>,
    /// The workspaces each locally connected person belongs to (whom to tell).
    workspaces: HashMap<UserId, Vec<WorkspaceId>>,
    /// What other nodes said of their connections.
    remote: HashMap<UserId, HashMap<u64, (PresenceStatus, Instant)>>,
    remote_workspaces: HashMap<UserId, Vec<WorkspaceId>>,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    /// This node's own view of the person changed: tell the other nodes.
    pub local: Option<PresenceStatus>,
    /// The person's overall status changed: tell the local connections.
    pub overall: Option<PresenceStatus>,
}

impl Presence {
    /// A connection came up.
    pub fn connect(&self, user: UserId, connection: u64, workspaces: &[WorkspaceId]) -> Changed {
        self.change(user, |s| {
            s.local.entry(user).or_default().insert(connection, false);
            s.workspaces.insert(user, workspaces.to_vec());
        })
    }

    /// A connection says it is idle (`away`) or active again.
    pub fn set_away(&self, user: UserId, connection: u64, away: bool) -> Changed {
        self.change(user, |s| {
            if let Some(idle) = s.local.get_mut(&user).and_then(|c| c.get_mut(&connection)) {
                *idle = away;
            }
        })
    }

    pub fn disconnect(&self, user: UserId, connection: u64) -> Changed {
        self.change(user, |s| {
            if let Some(connections) = s.local.get_mut(&user) {
                connections.remove(&connection);
                if connections.is_empty() {
                    s.local.remove(&user);
                    s.workspaces.remove(&user);
                }
            }
        })
    }

    /// Another node's view of one of its people; returns the new overall status if it changed.
    pub fn remote(
        &self,
        node: u64,
        user: UserId,
        status: PresenceStatus,
        workspaces: &[WorkspaceId],
    ) -> Option<PresenceStatus> {
        self.change(user, |s| {
            let nodes = s.remote.entry(user).or_default();
            if status == PresenceStatus::Offline {
                nodes.remove(&node);
            } else {
                nodes.insert(node, (status, Instant::now()));
            }
            if nodes.is_empty() {
                s.remote.remove(&user);
            }
            s.remote_workspaces.insert(user, workspaces.to_vec());
        })
        .overall
    }

    /// Forgets nodes that went quiet; returns the people whose overall status changed.
    pub fn expire(&self) -> Vec<(UserId, PresenceStatus, Vec<WorkspaceId>)> {
        let mut state = self.lock();
        let now = Instant::now();
        let users: Vec<UserId> = state.remote.keys().copied().collect();
        let mut changed = Vec::new();
        for user in users {
            let before = overall(&state, user);
            if let Some(nodes) = state.remote.get_mut(&user) {
                nodes.retain(|_, (_, seen)| now.duration_since(*seen) < REMOTE_TTL);
                if nodes.is_empty() {
                    state.remote.remove(&user);
                }
            }
            let after = overall(&state, user);
            if after != before {
                let workspaces = state
                    .remote_workspaces
                    .get(&user)
                    .cloned()
                    .unwrap_or_default();
                changed.push((user, after, workspaces));
            }
        }
        changed
    }

    /// This node's people with their local status and workspaces, to re-announce.
    pub fn local_people(&self) -> Vec<(UserId, PresenceStatus, Vec<WorkspaceId>)> {
        let state = self.lock();
        state
            .local
            .keys()
            .map(|u| {
                (
                    *u,
                    local(&state, *u),
                    state.workspaces.get(u).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Everyone online or away in `workspace`, besides `here` (this node's connected people).
    pub fn online_in(
        &self,
        workspace: WorkspaceId,
        here: &[UserId],
    ) -> Vec<(UserId, PresenceStatus)> {
        let state = self.lock();
        let remote = state
            .remote_workspaces
            .iter()
            .filter(|(u, ws)| ws.contains(&workspace) && state.remote.contains_key(u))
            .map(|(u, _)| *u);
        let mut people: Vec<UserId> = here.iter().copied().chain(remote).collect();
        people.sort_unstable();
        people.dedup();
        people
            .into_iter()
            .map(|u| (u, overall(&state, u)))
            .filter(|(_, s)| *s != PresenceStatus::Offline)
            .collect()
    }

    /// A person's status over all their connections, here and on the other nodes.
    pub fn status(&self, user: UserId) -> PresenceStatus {
        overall(&self.lock(), user)
    }

    fn change(&self, user: UserId, edit: impl FnOnce(&mut State)) -> Changed {
        let mut state = self.lock();
        let (local_before, overall_before) = (local(&state, user), overall(&state, user));
        edit(&mut state);
        let (local_after, overall_after) = (local(&state, user), overall(&state, user));
        Changed {
            local: (local_after != local_before).then_some(local_after),
            overall: (overall_after != overall_before).then_some(overall_after),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Invariant: nothing panics while holding the lock.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn local(state: &State, user: UserId) -> PresenceStatus {
    match state.local.get(&user) {
        None => PresenceStatus::Offline,
        Some(c) if c.is_empty() => PresenceStatus::Offline,
        Some(c) if c.values().all(|idle| *idle) => PresenceStatus::Away,
        Some(_) => PresenceStatus::Online,
    }
}

/// The best of this node's view and every other node's: online beats away beats offline.
fn overall(state: &State, user: UserId) -> PresenceStatus {
    let rank = |s: PresenceStatus| match s {
        PresenceStatus::Online => 2,
        PresenceStatus::Away => 1,
        PresenceStatus::Offline => 0,
    };
    let remote = state
        .remote
        .get(&user)
        .into_iter()
        .flat_map(|n| n.values().map(|(s, _)| *s));
    std::iter::once(local(state, user))
        .chain(remote)
        .max_by_key(|s| rank(*s))
        .unwrap_or(PresenceStatus::Offline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PresenceStatus::*;

    #[test]
    fn status_follows_connections_and_idleness() {
        let p = Presence::default();
        let ada = UserId(1);
        let ws = [WorkspaceId(1)];
        assert_eq!(p.status(ada), Offline);
        assert_eq!(p.connect(ada, 1, &ws).overall, Some(Online));
        assert_eq!(
            p.connect(ada, 2, &ws).overall,
            None,
            "a second tab changes nothing"
        );
        assert_eq!(
            p.set_away(ada, 1, true).overall,
            None,
            "the other tab is still active"
        );
        assert_eq!(p.set_away(ada, 2, true).overall, Some(Away));
        assert_eq!(p.disconnect(ada, 2).overall, None);
        assert_eq!(p.set_away(ada, 1, false).overall, Some(Online));
        assert_eq!(p.disconnect(ada, 1).overall, Some(Offline));
        assert_eq!(p.status(ada), Offline);
    }

    #[test]
    fn other_nodes_count_too() {
        let p = Presence::default();
        let bob = UserId(2);
        let ws = [WorkspaceId(7)];
        assert_eq!(p.remote(9, bob, Away, &ws), Some(Away));
        assert_eq!(p.online_in(WorkspaceId(7), &[]), vec![(bob, Away)]);
        assert!(p.online_in(WorkspaceId(8), &[]).is_empty());
        let here = p.connect(bob, 1, &ws);
        assert_eq!((here.local, here.overall), (Some(Online), Some(Online)));
        assert_eq!(
            p.disconnect(bob, 1).overall,
            Some(Away),
            "still away on the other node"
        );
        assert_eq!(p.remote(9, bob, Offline, &ws), Some(Offline));
    }
}
