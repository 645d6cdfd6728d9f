//! Open sockets by person and session, so access changes reach them at once: a revoked
//! session's sockets close, and a person who joined or left a workspace reconnects to get
//! exactly the workspaces they now belong to. Silent sockets are closed from here too, by
//! one sweep for all of them rather than a timer in each (ADR 0028: a timer is 112 bytes of
//! every idle connection's task).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use ocomms_proto::realtime::MAX_SOCKETS_PER_SESSION;
use ocomms_proto::{SessionId, UserId};
use tokio::sync::Notify;

/// What ends a connection from outside it (the client then resumes), and when its client
/// was last heard from.
#[derive(Default)]
pub struct Kick {
    notify: Notify,
    /// Milliseconds from the registry's start to the client's last frame.
    heard: AtomicU64,
}

impl Kick {
    /// Ends the connection.
    pub fn kick(&self) {
        self.notify.notify_one();
    }

    /// Waits until the connection is to end.
    pub async fn kicked(&self) {
        self.notify.notified().await;
    }
}

struct Tracked {
    user: UserId,
    session: SessionId,
    kick: Weak<Kick>,
}

pub struct Sockets {
    started: Instant,
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

impl Default for Sockets {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            open: Mutex::default(),
            per_session: Arc::default(),
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

    pub fn track(&self, user: UserId, session: SessionId, kick: &Arc<Kick>) {
        self.heard(kick);
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

    /// The client of `kick`'s connection has just sent something.
    pub fn heard(&self, kick: &Kick) {
        kick.heard.store(self.now(), Ordering::Relaxed);
    }

    /// Closes the sockets whose client has sent nothing for longer than `silence`.
    pub fn close_silent(&self, silence: Duration) {
        let now = self.now();
        let silence = u64::try_from(silence.as_millis()).unwrap_or(u64::MAX);
        self.close(|_, kick| now.saturating_sub(kick.heard.load(Ordering::Relaxed)) > silence);
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Closes the sockets of these sessions.
    pub fn end_sessions(&self, sessions: &[SessionId]) {
        self.close(|t, _| sessions.contains(&t.session));
    }

    /// Closes every socket of this person (they reconnect with their new workspaces).
    pub fn reconnect_user(&self, user: UserId) {
        self.close(|t, _| t.user == user);
    }

    /// Ends the sockets that `matches` (given each live one's entry and kick) picks.
    fn close(&self, matches: impl Fn(&Tracked, &Kick) -> bool) {
        self.lock().retain(|t| {
            let Some(kick) = t.kick.upgrade() else {
                return false; // ended on its own
            };
            if matches(t, &kick) {
                kick.kick();
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

    #[tokio::test]
    async fn a_silent_socket_is_closed_and_one_heard_from_is_not() {
        let sockets = Sockets::default();
        let (silent, talking) = (Arc::new(Kick::default()), Arc::new(Kick::default()));
        sockets.track(UserId(1), SessionId(1), &silent);
        sockets.track(UserId(2), SessionId(2), &talking);
        tokio::time::sleep(Duration::from_millis(30)).await;
        sockets.heard(&talking);
        sockets.close_silent(Duration::from_millis(20));
        let ended = |kick: Arc<Kick>| async move {
            tokio::time::timeout(Duration::from_millis(50), kick.kicked())
                .await
                .is_ok()
        };
        assert!(ended(silent).await, "silent for 30 ms: closed");
        assert!(!ended(talking.clone()).await, "just heard from: open");
        assert_eq!(
            sockets.lock().len(),
            1,
            "the closed one is no longer tracked"
        );
        sockets.close_silent(Duration::from_secs(60));
        assert!(!ended(talking).await);
    }
}
