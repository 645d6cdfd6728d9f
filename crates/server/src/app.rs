//! Use cases, shared by the JSON API and the web UI. Each public function is one thing a
//! user can do: it checks who is asking, validates with `ocomms-domain`, writes through the
//! store and returns plain data. Authorization lives here and nowhere else.

mod account;
mod actor;
mod admin;
mod committer;
mod conversation;
mod direct;
mod error;
mod hashing;
mod instance;
mod invitation;
mod limiter;
mod member;
mod message;
mod presence;
mod profile;
mod session;
mod session_cache;
mod signup;
mod token;
mod workspace;

use std::sync::Arc;

use ocomms_store::Store;

pub use actor::Actor;
pub use error::AppError;
pub use invitation::InvitationAccess;
pub use profile::{AVATAR_MAX_BYTES, AvatarImage};
pub use session::{ClientContext, NewSession};
pub(crate) use session_cache::SessionCache;
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
    hub: Arc<crate::realtime::Hub>,
    sessions: Arc<session_cache::SessionCache>,
    mailer: Mailer,
    limits: limiter::Limits,
    passwords: hashing::PasswordWorkers,
    public_url: String,
    trust_forwarded_for: bool,
}

/// How an `App` is set up, beyond its store and mailer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The URL people reach this server at (links in emails, `Secure` cookies).
    pub public_url: String,
    /// Take client addresses from `X-Forwarded-For` (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// How often realtime feeds look for new events without being notified.
    pub realtime_poll: std::time::Duration,
    /// Limit sign-in, sign-up and reset attempts per address and account. Off only for
    /// load tests or behind a proxy that limits these routes.
    pub auth_rate_limits: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: String::new(),
            trust_forwarded_for: false,
            realtime_poll: std::time::Duration::from_secs(1),
            auth_rate_limits: true,
        }
    }
}

impl App {
    pub fn new(store: Store, mailer: Mailer, settings: Settings) -> Self {
        let sessions = Arc::new(session_cache::SessionCache::default());
        let hub =
            crate::realtime::Hub::new(store.clone(), settings.realtime_poll, sessions.clone());
        Self {
            inner: Arc::new(Inner {
                committer: committer::Committer::start(store.clone(), hub.clone()),
                hub,
                sessions,
                store,
                mailer,
                limits: limiter::Limits::new(settings.auth_rate_limits),
                passwords: hashing::PasswordWorkers::start(2),
                public_url: settings.public_url.trim_end_matches('/').to_owned(),
                trust_forwarded_for: settings.trust_forwarded_for,
            }),
        }
    }

    /// Whether the client address may be taken from `X-Forwarded-For`.
    pub fn trust_forwarded_for(&self) -> bool {
        self.inner.trust_forwarded_for
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The realtime fan-out of this process.
    pub fn hub(&self) -> &Arc<crate::realtime::Hub> {
        &self.inner.hub
    }

    /// Events were committed in `workspace`: let the realtime feed deliver them.
    pub(crate) fn announce(&self, workspace: ocomms_proto::WorkspaceId) {
        self.inner.hub.announce(workspace);
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
