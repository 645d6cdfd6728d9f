//! Open sockets by person and session, so access changes reach them at once: a revoked
//! session's sockets close, and a person who joined or left a workspace reconnects to get
//! exactly the workspaces they now belong to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use ocomms_proto::realtime::MAX_SOCKETS_PER_SESSION;
use ocomms_proto::{SessionId, UserId};
use tokio::sync::Notify;

struct Tracked {
    user: UserId,
    session: SessionId,
    /// Notifying it ends the connection (the client then resumes).
    kick: Weak<Notify>,
}

#[derive(Default)]
pub struct Sockets {
    open: Mutex<Vec<Tracked>>,
    /// Sockets held per session, for [`MAX_SOCKETS_PER_SESSION`]. Apart from `open`, which
    /// is swept only now and then: this count must be exact at every connect.
    per_session: Arc<Mutex<HashMap<SessionId, usize>>>,
}

/// One of a session's sockets, counted while it lives.
pub struct SocketSlot {
    per_session: Arc<Mutex<HashMap<SessionId, usize>>>,
    session: SessionId,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut counts = lock(&self.per_session);
        if let Some(count) = counts.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.session);
            }
        }
    }
}

impl Sockets {
    /// Counts a new socket of `session`; `None` when it already holds the most allowed.
    pub fn claim(&self, session: SessionId) -> Option<SocketSlot> {
        let mut counts = lock(&self.per_session);
        let count = counts.entry(session).or_insert(0);
        if *count >= MAX_SOCKETS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            per_session: self.per_session.clone(),
            session,
        })
    }

    pub fn track(&self, user: UserId, session: SessionId, kick: &Arc<Notify>) {
        let mut open = self.lock();
        // Sockets that ended on their own leave their entry behind; sweep them whenever the
        // list reaches a power of two, so the cost stays constant per socket.
        if open.len() >= 64 && open.len().is_power_of_two() {
            open.retain(|t| t.kick.strong_count() > 0);
        }
        open.push(Tracked {
            user,
            session,
            kick: Arc::downgrade(kick),
        });
    }

    /// Closes the sockets of these sessions.
    pub fn end_sessions(&self, sessions: &[SessionId]) {
        self.close(|t| sessions.contains(&t.session));
    }

    /// Closes every socket of this person (they reconnect with their new workspaces).
    pub fn reconnect_user(&self, user: UserId) {
        self.close(|t| t.user == user);
    }

    fn close(&self, matches: impl Fn(&Tracked) -> bool) {
        self.lock().retain(|t| {
            let Some(kick) = t.kick.upgrade() else {
                return false; // ended on its own
            };
            if matches(t) {
                kick.notify_one();
                return false;
            }
            true
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Tracked>> {
        lock(&self.open)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Invariant: nothing panics while holding these locks.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_holds_at_most_the_cap_and_closing_frees_a_slot() {
        let sockets = Sockets::default();
        let slots: Vec<_> = (0..MAX_SOCKETS_PER_SESSION)
            .map(|_| sockets.claim(SessionId(1)).unwrap())
            .collect();
        assert!(sockets.claim(SessionId(1)).is_none());
        assert!(
            sockets.claim(SessionId(2)).is_some(),
            "other sessions are apart"
        );
        drop(slots);
        assert!(sockets.claim(SessionId(1)).is_some());
        assert!(
            lock(&sockets.per_session).len() <= 1,
            "no entries left behind"
        );
    }
}
