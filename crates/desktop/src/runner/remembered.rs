//! What is remembered across runs, on the runner's side: the server registry
//! (`servers.txt`), kept sessions (through the vault's thread) and a removed server's or
//! signed-out account's offline cache.

use super::Runner;
use crate::msg::{Effect, Msg};
use crate::registry;

impl Runner {
    /// Runs the effects about what is kept; hands any other back.
    pub(super) fn remembered(&self, effect: Effect) -> Option<Effect> {
        match effect {
            Effect::RememberServer { saved } => {
                self.registry(|path| registry::remember(path, &saved));
            }
            Effect::ForgetServer { url } => {
                self.registry(|path| registry::forget(path, &url));
                if let Some(caches) = &self.caches {
                    caches.delete(&url);
                }
                self.vault(move |vault| {
                    if let Err(e) = vault.forget_server(&url) {
                        tracing::warn!(error = %e, "cannot forget the sessions kept for a removed server");
                    }
                });
            }
            Effect::ListSavedSessions { server, url } => {
                let sink = self.sink.clone();
                self.vault(move |vault| {
                    let sessions = vault.sessions(&url).unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "cannot read the kept sessions");
                        Vec::new()
                    });
                    if !sessions.is_empty() {
                        sink(Msg::SavedSessions { server, sessions });
                    }
                });
            }
            Effect::SaveSession { account, saved } => {
                let token = self
                    .client(account)
                    .and_then(|c| c.token().map(str::to_owned));
                // No session: signed out or expired meanwhile; nothing to keep.
                if let Some(token) = token {
                    self.vault(move |vault| {
                        if let Err(e) = vault.save(&saved, &token) {
                            tracing::warn!(error = %e, "cannot keep the session: the next run signs in again");
                        }
                    });
                }
            }
            Effect::ForgetSession { url, user } => {
                // Signed out or expired: what was cached of the account goes too.
                if let Some(caches) = &self.caches {
                    caches.write(&url, crate::cache::Write::ForgetAccount(user));
                }
                self.vault(move |vault| {
                    if let Err(e) = vault.forget(&url, user) {
                        tracing::warn!(error = %e, "cannot delete a kept session token");
                    }
                });
            }
            other => return Some(other),
        }
        None
    }
}
