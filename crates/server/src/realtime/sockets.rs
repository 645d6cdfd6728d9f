//! Open sockets by person and session, so access changes reach them at once: a revoked
//! session's sockets close, and a person who joined or left a workspace reconnects to get
//! exactly the workspaces they now belong to.

use std::sync::{Arc, Mutex, Weak};

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
}

impl Sockets {
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
        // Invariant: nothing panics while holding the lock.
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
