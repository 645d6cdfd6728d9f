//! Sessions kept across runs, on the runner's side: the vault's own thread, which does its
//! jobs in order (a forgotten token and the new one saved after it must not swap) and keeps
//! keyring calls (D-Bus, maybe an unlock prompt) off the window and the network runtime.

use std::sync::mpsc as std_mpsc;

use super::{Job, Runner};
use crate::error::CallError;
use crate::msg::Msg;
use crate::probe;
use crate::registry::SavedTrust;
use crate::state::{AccountKey, ServerKey};
use crate::vault::{SavedSession, Vault};

impl Runner {
    /// Keeps sessions in the vault `open` makes, on a thread of its own: keyring calls block
    /// (D-Bus, maybe an unlock prompt) and must not stall the window or the network. Says
    /// where tokens are kept with `Msg::TokenStore` once the vault is open.
    pub fn with_vault(mut self, open: impl FnOnce() -> Vault + Send + 'static) -> Self {
        let (jobs, queue) = std_mpsc::channel::<Job>();
        let sink = self.sink.clone();
        let started = std::thread::Builder::new()
            .name("openchat-vault".into())
            .spawn(move || {
                let vault = open();
                sink(Msg::TokenStore(vault.store().clone()));
                for job in queue {
                    job(&vault);
                }
            });
        match started {
            Ok(_) => self.vault = Some(jobs),
            Err(e) => tracing::error!(error = %e, "cannot start the vault: sessions are not kept"),
        }
        self
    }

    pub(super) fn vault(&self, job: impl FnOnce(&Vault) + Send + 'static) {
        if let Some(vault) = &self.vault
            && vault.send(Box::new(job)).is_err()
        {
            tracing::error!("the vault's thread is gone: a session change was not kept");
        }
    }

    /// Reads the kept token (on the vault's thread), then asks the server whose it is.
    pub(super) fn resume(
        &self,
        server: ServerKey,
        account: AccountKey,
        url: String,
        trust: SavedTrust,
        saved: SavedSession,
    ) {
        let this = self.clone();
        self.vault(move |vault| {
            let token = match vault.token(&saved) {
                Ok(Some(token)) => token,
                // The keyring lost it (or someone deleted it): as good as expired.
                Ok(None) => {
                    return (this.sink)(Msg::Resumed {
                        server,
                        account,
                        saved,
                        result: Err(CallError::SessionExpired),
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read a kept session token");
                    return (this.sink)(Msg::Resumed {
                        server,
                        account,
                        saved,
                        result: Err(CallError::Refused(e.to_string())),
                    });
                }
            };
            let runner = this.clone();
            let pin = super::pin_of(&trust);
            this.spawn(async move {
                let result = match probe::client_for(&url, &trust) {
                    Ok(client) => {
                        let client = client.with_token(token);
                        match client.me().await {
                            Ok(user) => {
                                runner.register(account, client, pin, user.id);
                                Ok(user)
                            }
                            Err(e) => Err(CallError::from(e)),
                        }
                    }
                    Err(e) => Err(CallError::Refused(e.to_string())),
                };
                Msg::Resumed {
                    server,
                    account,
                    saved,
                    result,
                }
            });
        });
    }
}
