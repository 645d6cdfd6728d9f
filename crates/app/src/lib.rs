//! `ocomms-app`: the use cases, shared by the JSON API, the web UI, the WebSocket gateway
//! and the admin CLI. Each public function of [`App`] is one thing a user can do: it checks
//! who is asking, validates with `ocomms-domain`, writes through `ocomms-store` and returns
//! plain data. Authorization lives here and nowhere else.
//!
//! What belongs here: use cases, actors and their sessions, authorization, group commit,
//! rate limits, password hashing, outgoing mail, and the reads the realtime layer needs
//! ([`EventLog`], [`visibility`]). What does not: HTTP, HTML, WebSocket or Redis types — the
//! server crate holds the transports and reaches the database only through this crate. The
//! app tells the realtime layer what happened through [`Publisher`], which that layer
//! implements.

mod account;
mod actor;
mod admin;
pub mod backup;
mod committer;
mod conversation;
mod direct;
mod error;
mod events;
pub mod export;
mod group;
mod hashing;
mod instance;
mod invitation;
mod limiter;
pub mod mail;
mod member;
mod mention;
mod message;
pub mod metrics;
mod missed_email;
pub mod notification;
mod pin;
mod presence;
mod profile;
mod publish;
mod reaction;
mod read;
mod search;
mod session;
mod session_cache;
mod signup;
pub mod slack;
mod thread;
mod token;
pub mod visibility;
mod workspace;

use std::sync::Arc;

use ocomms_store::Store;

pub use actor::Actor;
pub use conversation::{ConversationView, Window};
pub use error::AppError;
pub use events::EventLog;
pub use invitation::InvitationAccess;
/// What a realtime feed reads to decide who is notified of a message.
pub use ocomms_store::NotificationSettings;
pub use profile::{AVATAR_MAX_BYTES, AvatarImage};
pub use publish::{Offline, Publisher};
pub use session::{ClientContext, NewSession};
pub use session_cache::SessionCache;
pub use signup::{SignUp, SignedUp};

use crate::mail::Mailer;

pub type AppResult<T> = Result<T, AppError>;

/// Shared by every request; cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    committer: committer::Committer,
    publisher: Arc<dyn Publisher>,
    sessions: Arc<SessionCache>,
    mailer: Mailer,
    limits: limiter::Limits,
    passwords: hashing::PasswordWorkers,
    reactions: reaction::writer::ReactionWriter,
    public_url: String,
    trust_forwarded_for: bool,
    missed_email_delay: std::time::Duration,
    metrics: Arc<metrics::Metrics>,
}

/// How an `App` is set up, beyond its store and mailer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The URL people reach this server at (links in emails, `Secure` cookies).
    pub public_url: String,
    /// Take client addresses from `X-Forwarded-For` (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Limit sign-in, sign-up and reset attempts per address and account. Off only for
    /// load tests or behind a proxy that limits these routes.
    pub auth_rate_limits: bool,
    /// How long a mention or direct message stays unread before it is emailed about.
    pub missed_email_delay: std::time::Duration,
    /// Counted for `/metrics`; shared with the realtime and HTTP layers.
    pub metrics: Arc<metrics::Metrics>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: String::new(),
            trust_forwarded_for: false,
            auth_rate_limits: true,
            missed_email_delay: DEFAULT_MISSED_EMAIL_DELAY,
            metrics: Arc::default(),
        }
    }
}

/// Unread this long, a mention or direct message is emailed about (ADR 0019).
pub const DEFAULT_MISSED_EMAIL_DELAY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The database, opened and migrated: outside this crate, the only handle on it.
#[derive(Clone)]
pub struct Database(Store);

/// Opening or migrating the database failed.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DatabaseError(#[from] ocomms_store::StoreError);

impl Database {
    /// Opens the database at `url` (`sqlite:…` or `postgres://…`) and applies pending
    /// migrations.
    pub async fn open(url: &str) -> Result<Self, DatabaseError> {
        Ok(Self(Store::open(url).await?))
    }

    /// The event stream, for the realtime layer's feeds.
    pub fn event_log(&self) -> EventLog {
        EventLog::new(self.0.clone())
    }
}

impl App {
    /// Wires the use cases to their database, mail and realtime delivery. `sessions` is
    /// shared with the realtime layer, which forgets what other nodes say has ended.
    pub fn new(
        database: Database,
        mailer: Mailer,
        settings: Settings,
        sessions: Arc<SessionCache>,
        publisher: Arc<dyn Publisher>,
    ) -> Self {
        let store = database.0;
        Self {
            inner: Arc::new(Inner {
                committer: committer::Committer::start(
                    store.clone(),
                    publisher.clone(),
                    settings.metrics.clone(),
                ),
                reactions: reaction::writer::ReactionWriter::start(
                    store.clone(),
                    publisher.clone(),
                ),
                publisher,
                sessions,
                store,
                mailer,
                limits: limiter::Limits::new(settings.auth_rate_limits),
                passwords: hashing::PasswordWorkers::start(2),
                public_url: settings.public_url.trim_end_matches('/').to_owned(),
                trust_forwarded_for: settings.trust_forwarded_for,
                missed_email_delay: settings.missed_email_delay,
                metrics: settings.metrics,
            }),
        }
    }

    /// An app that delivers nothing live, for one-off commands (the admin CLI).
    pub fn offline(database: Database, mailer: Mailer) -> Self {
        Self::new(
            database,
            mailer,
            Settings::default(),
            Arc::default(),
            Arc::new(Offline),
        )
    }

    /// What the server counts, for `/metrics`.
    pub fn metrics(&self) -> &Arc<metrics::Metrics> {
        &self.inner.metrics
    }

    /// Whether the client address may be taken from `X-Forwarded-For`.
    pub fn trust_forwarded_for(&self) -> bool {
        self.inner.trust_forwarded_for
    }

    fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The event stream, for the WebSocket gateway's replay.
    pub fn event_log(&self) -> EventLog {
        EventLog::new(self.inner.store.clone())
    }

    /// The database answers now (readiness probes); any failure, even a refused query,
    /// is `Unavailable`: the node cannot serve.
    pub async fn check_database(&self) -> AppResult<()> {
        self.inner
            .store
            .check()
            .await
            .map_err(AppError::Unavailable)
    }

    /// Closes the database connections (after the server stopped serving).
    pub async fn close(&self) {
        self.inner.store.close().await;
    }

    fn publisher(&self) -> &dyn Publisher {
        self.inner.publisher.as_ref()
    }

    /// Events were committed in `workspace`: let the realtime feed deliver them.
    pub(crate) fn announce(&self, workspace: ocomms_proto::WorkspaceId) {
        self.publisher().announce(workspace);
    }

    /// These sessions ended: forget them here, close their sockets everywhere.
    fn end_sessions(&self, sessions: &[ocomms_proto::SessionId]) {
        if sessions.is_empty() {
            return;
        }
        self.inner.sessions.forget_sessions(sessions);
        self.publisher().end_sessions(sessions);
    }

    fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    fn limits(&self) -> &limiter::Limits {
        &self.inner.limits
    }

    fn passwords(&self) -> &hashing::PasswordWorkers {
        &self.inner.passwords
    }

    /// The URL people reach this server at, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// Cookies get `Secure` when the server is reached over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.inner.public_url.starts_with("https://")
    }

    /// With SMTP, new accounts must confirm their address before using workspaces.
    pub fn email_verification_required(&self) -> bool {
        self.inner.mailer.is_smtp()
    }
}

/// Now, in the wire unit (unix milliseconds).
pub(crate) fn now() -> ocomms_proto::Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
