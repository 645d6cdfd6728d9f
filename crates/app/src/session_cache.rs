//! Live sessions by token hash, held briefly in memory so that a busy client's requests and
//! a crowd reconnecting at once do not each read the database to learn who they are.
//!
//! An entry goes when its session ends or its user's record changes, here or (through the
//! bus, `realtime::Hub`) on another node, and at the latest after [`TTL`]: that bounds how
//! long a change the server was not told of stays unseen (the `ocomms admin` command run
//! against the database, another node's change while Redis is away). See ADR 0006.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ocomms_proto::{SessionId, UserId};

use crate::Actor;

/// How long a session read from the database is trusted without reading it again. Below
/// the store's 60 s `last_seen_at` refresh, so "last seen" stays as accurate as before.
pub const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct SessionCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<Vec<u8>, (Actor, Instant)>,
    /// Bumped by every `forget_*`, so a lookup that read the database before a revocation
    /// cannot put the revoked session back afterwards (see [`Miss`]).
    generation: u64,
    /// Inserts since expired entries were last swept out.
    inserts: usize,
}

/// A lookup that found nothing: remembers the generation it saw, so that the answer it goes
/// on to read from the database is kept only if nothing was forgotten meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct Miss {
    generation: u64,
}

impl SessionCache {
    pub fn get(&self, token_hash: &[u8]) -> Result<Actor, Miss> {
        let mut state = self.lock();
        match state.entries.get(token_hash) {
            Some((actor, at)) if at.elapsed() < TTL => return Ok(actor.clone()),
            Some(_) => {
                state.entries.remove(token_hash);
            }
            None => {}
        }
        Err(Miss {
            generation: state.generation,
        })
    }

    /// Keeps what the database said after `miss`, unless a session or user was forgotten
    /// since (the read may predate a revocation).
    pub fn insert(&self, miss: Miss, token_hash: Vec<u8>, actor: Actor) {
        let mut state = self.lock();
        if state.generation != miss.generation {
            return;
        }
        state.inserts += 1;
        // Amortised: a sweep costs one pass over entries, once per as many inserts.
        if state.inserts > state.entries.len().max(1024) {
            state.inserts = 0;
            state.entries.retain(|_, (_, at)| at.elapsed() < TTL);
        }
        state.entries.insert(token_hash, (actor, Instant::now()));
    }

    pub fn forget_sessions(&self, sessions: &[SessionId]) {
        self.forget(|actor| sessions.contains(&actor.session.id));
    }

    /// The user's record changed (profile, password, verification, admin rights).
    pub fn forget_user(&self, user: UserId) {
        self.forget(|actor| actor.user.id == user);
    }

    fn forget(&self, matches: impl Fn(&Actor) -> bool) {
        let mut state = self.lock();
        state.generation += 1;
        state.entries.retain(|_, (actor, _)| !matches(actor));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Invariant: nothing panics while holding the lock; the map stays consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use ocomms_proto::account::SessionKind;
    use ocomms_store::{SessionRecord, UserRecord};

    fn actor(user: i64, session: i64) -> Actor {
        Actor {
            user: UserRecord {
                id: UserId(user),
                email: format!("u{user}@example.com"),
                password_hash: String::new(),
                email_verified: true,
                is_instance_admin: false,
                display_name: "U".into(),
                handle: format!("u{user}"),
                title: String::new(),
                bio: String::new(),
                time_zone: String::new(),
                avatar_version: 0,
                created_at: 0,
            },
            session: SessionRecord {
                id: SessionId(session),
                user_id: UserId(user),
                kind: SessionKind::Api,
                label: String::new(),
                csrf_token: String::new(),
                created_at: 0,
                last_seen_at: 0,
            },
        }
    }

    #[test]
    fn a_kept_session_is_found_until_forgotten() {
        let cache = SessionCache::default();
        let miss = cache.get(b"t1").unwrap_err();
        cache.insert(miss, b"t1".to_vec(), actor(1, 10));
        let miss = cache.get(b"t2").unwrap_err();
        cache.insert(miss, b"t2".to_vec(), actor(1, 11));
        let miss = cache.get(b"t3").unwrap_err();
        cache.insert(miss, b"t3".to_vec(), actor(2, 20));
        assert_eq!(cache.get(b"t1").unwrap().session.id, SessionId(10));
        cache.forget_sessions(&[SessionId(10)]);
        assert!(cache.get(b"t1").is_err());
        assert!(cache.get(b"t2").is_ok());
        cache.forget_user(UserId(1));
        assert!(cache.get(b"t2").is_err());
        assert!(cache.get(b"t3").is_ok());
    }

    #[test]
    fn a_read_from_before_a_revocation_is_not_kept() {
        let cache = SessionCache::default();
        let miss = cache.get(b"t1").unwrap_err();
        // Meanwhile the session is revoked; the stale read must not be cached.
        cache.forget_sessions(&[SessionId(10)]);
        cache.insert(miss, b"t1".to_vec(), actor(1, 10));
        assert!(cache.get(b"t1").is_err());
        assert_eq!(cache.len(), 0);
    }
}
