//! Carries out `Effect`s on tokio through the SDK and reports back as `Msg`s through a sink
//! (the UI thread's event loop, or a channel in tests). Holds per account the signed-in
//! `Client`, its realtime session (which resumes and backs off by itself) and a send queue
//! that posts one message at a time, so messages keep their order.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ocomms_client::{Client, Fingerprint, SignedUp};
use ocomms_proto::UserId;
use ocomms_proto::account::SignUpRequest;
use ocomms_proto::message::HistoryQuery;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::error::{AuthError, CallError};
use crate::msg::{Effect, Msg};
use crate::probe;
use crate::registry::SavedTrust;
use crate::state::AccountKey;
use crate::vault::Vault;

mod cache;
mod calls;
mod desktop;
mod kept;
mod live;
mod remembered;
mod search;
mod session;
mod settings;

use calls::{Post, conversations, post_in_order};
use desktop::{notify, open_in_browser};
use live::live;

/// Where answers go. Called from tokio tasks.
pub type Sink = Arc<dyn Fn(Msg) + Send + Sync>;

/// A remembered server that did not answer at start is asked again after this.
const PROBE_AGAIN: Duration = Duration::from_secs(10);
/// How many messages one history request asks for.
const PAGE: u32 = 50;
/// A post that failed on the network is retried after these pauses before it is reported
/// offline (it is then sent again when the realtime session is back).
const POST_RETRIES: [Duration; 3] = [
    Duration::from_millis(300),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

struct Session {
    client: Client,
    /// The certificate the user pinned for this server (docs/adr/0014): checked again when
    /// the realtime connection drops, so a change mid-run stops as it would at start.
    pin: Option<Fingerprint>,
    /// Whose session this is (the offline cache keeps per account).
    user: UserId,
    live: Option<JoinHandle<()>>,
    posts: mpsc::UnboundedSender<Post>,
    poster: JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(live) = self.live.take() {
            live.abort();
        }
        self.poster.abort();
    }
}

/// Work for the vault's thread, done in the order it was asked for (a forgotten session and
/// the new one saved after it must not swap).
pub(super) type Job = Box<dyn FnOnce(&Vault) + Send>;

#[derive(Clone)]
pub struct Runner {
    handle: Handle,
    sink: Sink,
    sessions: Arc<Mutex<HashMap<AccountKey, Session>>>,
    /// `servers.txt` (see `registry`); `None`: servers are not remembered (tests).
    registry: Option<PathBuf>,
    /// The vault's thread; `None`: sessions are not kept (tests).
    vault: Option<std_mpsc::Sender<Job>>,
    /// The offline cache; `None`: nothing is kept (tests).
    caches: Option<cache::Caches>,
}

impl Runner {
    pub fn new(handle: Handle, sink: Sink) -> Self {
        Self {
            handle,
            sink,
            sessions: Arc::new(Mutex::new(HashMap::new())),
            registry: None,
            vault: None,
            caches: None,
        }
    }

    /// Remembers added servers in this file.
    pub fn with_registry(mut self, path: PathBuf) -> Self {
        self.registry = Some(path);
        self
    }

    /// Starts every effect; returns at once.
    pub fn run(&self, effects: Vec<Effect>) {
        for effect in effects {
            self.start(effect);
        }
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<AccountKey, Session>> {
        // Nothing panics while holding the lock; a poisoned map is still consistent.
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn client(&self, account: AccountKey) -> Option<Client> {
        self.sessions().get(&account).map(|s| s.client.clone())
    }

    fn spawn(&self, task: impl Future<Output = Msg> + Send + 'static) {
        let sink = self.sink.clone();
        self.handle.spawn(async move { sink(task.await) });
    }

    fn start(&self, effect: Effect) {
        let Some(effect) = self
            .settings(effect)
            .and_then(|e| self.search(e))
            .and_then(|e| self.remembered(e))
        else {
            return;
        };
        match effect {
            Effect::Probe { url, trust } => self.spawn(async move {
                let result = probe::probe(&url, &trust).await;
                Msg::Probed { url, result }
            }),
            Effect::SignIn {
                server,
                account,
                url,
                trust,
                email,
                password,
            } => {
                let this = self.clone();
                self.spawn(async move {
                    let mut client = match probe::client_for(&url, &trust) {
                        Ok(client) => client,
                        Err(e) => return this.refused(server, account, e),
                    };
                    let result = client.sign_in(&email, &password).await;
                    let result = result.map_err(AuthError::from);
                    this.signed_in(server, account, (client, pin_of(&trust)), result)
                });
            }
            Effect::SignUp {
                server,
                account,
                url,
                trust,
                email,
                password,
                display_name,
            } => {
                let this = self.clone();
                self.spawn(async move {
                    let mut client = match probe::client_for(&url, &trust) {
                        Ok(client) => client,
                        Err(e) => return this.refused(server, account, e),
                    };
                    let request = SignUpRequest {
                        email,
                        password,
                        display_name,
                        invitation_token: None,
                    };
                    // A server that confirms addresses by email signs nobody in at sign-up
                    // (ADR 0008): the form says to open the link, then sign in.
                    let result = match client.sign_up(&request).await {
                        Ok(SignedUp::SignedIn(token)) => Ok(token),
                        Ok(SignedUp::CheckEmail(pending)) => {
                            Err(AuthError::ConfirmEmail(pending.email))
                        }
                        Err(e) => Err(AuthError::from(e)),
                    };
                    this.signed_in(server, account, (client, pin_of(&trust)), result)
                });
            }
            Effect::SignOut { account } => {
                if let Some(mut session) = self.sessions().remove(&account) {
                    let mut client = session.client.clone();
                    if let Some(live) = session.live.take() {
                        live.abort();
                    }
                    self.handle.spawn(async move {
                        if let Err(e) = client.sign_out().await {
                            tracing::warn!(error = %e, "sign-out was not confirmed by the server");
                        }
                    });
                }
            }
            Effect::Forget { account } => {
                self.sessions().remove(&account);
            }
            Effect::Connect { account } => self.connect(account),
            Effect::MarkRead {
                account,
                conversation,
            } => {
                self.remember_place(account, conversation);
                self.call(account, move |client| async move {
                    Msg::MarkedRead {
                        account,
                        // To the newest position: the server stops there.
                        result: client
                            .mark_read(conversation, i64::MAX)
                            .await
                            .map(drop)
                            .map_err(CallError::from),
                    }
                })
            }
            Effect::OpenLink { url } => open_in_browser(&url),
            Effect::Notify { title, body } => {
                self.handle.spawn_blocking(move || notify(&title, &body));
            }
            Effect::Resume {
                server,
                account,
                url,
                trust,
                saved,
            } => self.resume(server, account, url, trust, saved),
            Effect::ReadCache { url } => self.read_cache(url),
            Effect::ProbeLater { url, trust } => self.spawn(async move {
                tokio::time::sleep(PROBE_AGAIN).await;
                let result = probe::probe(&url, &trust).await;
                Msg::Probed { url, result }
            }),
            Effect::LoadWorkspaces { account } => self.call(account, move |client| async move {
                Msg::WorkspacesLoaded {
                    account,
                    result: client.workspaces().await.map_err(CallError::from),
                }
            }),
            Effect::LoadConversations {
                account,
                workspace,
                slug,
            } => self.call(account, move |client| async move {
                Msg::ConversationsLoaded {
                    account,
                    workspace,
                    result: conversations(&client, &slug).await,
                }
            }),
            Effect::LoadHistory {
                account,
                conversation,
                before,
            } => self.call(account, move |client| async move {
                let query = HistoryQuery {
                    limit: Some(PAGE),
                    before,
                    ..HistoryQuery::default()
                };
                Msg::HistoryLoaded {
                    account,
                    conversation,
                    result: client
                        .history(conversation, &query)
                        .await
                        .map_err(CallError::from),
                }
            }),
            Effect::Edit {
                account,
                message,
                body,
            } => self.call(account, move |client| async move {
                Msg::Edited {
                    account,
                    result: client
                        .edit_message(message, &body)
                        .await
                        .map_err(CallError::from),
                }
            }),
            Effect::React {
                account,
                conversation,
                message,
                emoji,
                add,
            } => self.call(account, move |client| async move {
                let result = if add {
                    client.react(message, &emoji).await
                } else {
                    client.unreact(message, &emoji).await
                };
                Msg::Reacted {
                    account,
                    conversation,
                    message,
                    emoji,
                    add,
                    result: result.map(drop).map_err(CallError::from),
                }
            }),
            Effect::Post {
                account,
                conversation,
                body,
                client_id,
            } => {
                let queued = self.sessions().get(&account).map(|s| {
                    s.posts.send(Post {
                        conversation,
                        body,
                        client_id: client_id.clone(),
                    })
                });
                if !matches!(queued, Some(Ok(()))) {
                    (self.sink)(Msg::Posted {
                        account,
                        client_id,
                        result: Err(CallError::SessionExpired),
                    });
                }
            }
            // Run by `settings`, `search` and `remembered` above.
            Effect::LoadLevels { .. }
            | Effect::SetLevel { .. }
            | Effect::LoadSettings { .. }
            | Effect::SetDefaultLevel { .. }
            | Effect::SetDoNotDisturb { .. }
            | Effect::LoadEmailNotifications { .. }
            | Effect::SetEmailFrequency { .. }
            | Effect::LoadActivity { .. }
            | Effect::Search { .. }
            | Effect::LoadAround { .. }
            | Effect::RememberServer { .. }
            | Effect::ForgetServer { .. }
            | Effect::ListSavedSessions { .. }
            | Effect::SaveSession { .. }
            | Effect::ForgetSession { .. } => {}
        }
    }

    /// A small file written in place: not worth a thread. A failure only costs remembering.
    fn registry(&self, change: impl FnOnce(&std::path::Path) -> std::io::Result<()>) {
        if let Some(path) = &self.registry
            && let Err(e) = change(path)
        {
            tracing::warn!(error = %e, path = %path.display(), "cannot update the server registry");
        }
    }

    /// Runs a call with the account's client; an account without a session has expired.
    fn call<F, Fut>(&self, account: AccountKey, call: F)
    where
        F: FnOnce(Client) -> Fut + Send + 'static,
        Fut: Future<Output = Msg> + Send + 'static,
    {
        match self.client(account) {
            Some(client) => self.spawn(call(client)),
            None => (self.sink)(Msg::SessionExpired(account)),
        }
    }
}

/// The certificate a server is pinned to, if it is.
fn pin_of(trust: &SavedTrust) -> Option<Fingerprint> {
    match trust {
        SavedTrust::Pinned(fingerprint) => Some(*fingerprint),
        SavedTrust::PublicCa | SavedTrust::CaFile(_) => None,
    }
}
