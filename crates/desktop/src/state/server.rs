//! A server in the registry, its sign-in form, and the "add a server" dialog.

use ocomms_client::Fingerprint;
use ocomms_proto::instance::InstanceInfo;

use super::{Account, AccountKey, Connection, ServerKey, host_of};
use crate::error::{AuthError, ProbeError};
use crate::registry::{Saved, SavedTrust};

/// The sign-in / sign-up form of a server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthForm {
    /// Shown (no account yet, the session expired, or the user adds another account).
    pub open: bool,
    pub busy: bool,
    pub error: Option<AuthError>,
    /// Pre-filled after a session expired.
    pub email: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub key: ServerKey,
    /// Normalised base URL, e.g. `https://chat.example.com`.
    pub url: String,
    /// How its certificate is trusted (docs/adr/0014).
    pub trust: SavedTrust,
    pub info: InstanceInfo,
    pub accounts: Vec<Account>,
    pub active_account: Option<AccountKey>,
    pub auth: AuthForm,
    /// Sessions kept from an earlier run being tried (the sign-in form waits for them).
    pub resuming: u32,
    /// No desktop notifications from this server (remembered in the registry).
    pub muted: bool,
}

impl Server {
    pub fn account(&self, key: AccountKey) -> Option<&Account> {
        self.accounts.iter().find(|a| a.key == key)
    }

    pub fn account_mut(&mut self, key: AccountKey) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.key == key)
    }

    pub fn active(&self) -> Option<&Account> {
        self.active_account.and_then(|k| self.account(k))
    }

    /// What the rail calls this server: the workspace on screen (what people recognise;
    /// every OComms server is named "OComms" until its admin says otherwise), else the
    /// server's name.
    pub fn title(&self) -> &str {
        self.active()
            .and_then(|a| a.context.workspace.and_then(|w| a.workspace(w)))
            .map_or(self.info.name.as_str(), |w| w.name.as_str())
    }

    /// Two letters for the rail: "Acme Chat" → "AC", "ocomms" → "OC".
    pub fn initials(&self) -> String {
        let name = if self.title().trim().is_empty() {
            host_of(&self.url)
        } else {
            self.title()
        };
        initials_of(name)
    }

    pub fn unread_total(&self) -> u32 {
        self.accounts.iter().map(Account::unread_total).sum()
    }

    pub fn mention_total(&self) -> u32 {
        self.accounts.iter().map(Account::mention_total).sum()
    }

    /// The rail's connection state: the active account's (the one on screen).
    pub fn connection(&self) -> Option<Connection> {
        match self.active() {
            Some(account) => Some(account.connection),
            // A session kept from an earlier run was refused: said on the rail too.
            None if self.auth.error == Some(AuthError::SessionExpired) => {
                Some(Connection::SessionExpired)
            }
            None => None,
        }
    }

    /// How the connection is protected, as the rail marks it: its lock, and the words a
    /// screen reader says.
    pub fn trust_mark(&self) -> (TrustMark, &'static str) {
        if self.url.starts_with("http://") {
            return (TrustMark::NotEncrypted, "not encrypted");
        }
        match &self.trust {
            SavedTrust::PublicCa => (TrustMark::PublicCa, "certificate verified"),
            SavedTrust::CaFile(_) => (TrustMark::PrivateCa, "private CA certificate"),
            SavedTrust::Pinned(_) => (TrustMark::Pinned, "pinned certificate"),
        }
    }

    /// How the connection is protected, in the toolbar's words.
    pub fn security(&self) -> String {
        if self.url.starts_with("http://") {
            return "not encrypted".into();
        }
        match &self.trust {
            SavedTrust::PublicCa => "encrypted".into(),
            SavedTrust::CaFile(path) => format!("encrypted · private CA ({})", path.display()),
            SavedTrust::Pinned(fp) => format!("encrypted · certificate you trusted (SHA-256 {fp})"),
        }
    }
}

/// Two letters of a name for the rail: "Acme Chat" → "AC", "ocomms" → "OC".
pub fn initials_of(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let letters: String = if words.len() >= 2 {
        words
            .iter()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect()
    } else {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .take(2)
            .collect()
    };
    letters.to_uppercase()
}

/// The rail's lock on a server (its number is what the window draws by).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustMark {
    /// A public CA vouches for the certificate: a closed lock.
    PublicCa = 0,
    /// The company CA the user chose: a closed lock.
    PrivateCa = 1,
    /// A self-signed certificate the user compared and trusted: a closed lock with a pin.
    Pinned = 2,
    /// Plain http on this computer: an open lock.
    NotEncrypted = 3,
    /// The pinned certificate changed: a red warning, and the server is not connected to.
    Changed = 4,
}

/// The "add a server" dialog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddServer {
    pub open: bool,
    /// The addresses being probed, each with the trust it is probed with (several when
    /// given on the command line).
    pub probing: Vec<Saved>,
    pub error: Option<ProbeError>,
    /// A server whose certificate no authority vouches for: its address and the fingerprint
    /// the dialog shows for the user to compare and trust.
    pub untrusted: Option<(String, Fingerprint)>,
    /// Those of `probing` remembered from an earlier run (not added by the user now).
    pub restoring: Vec<String>,
}

impl AddServer {
    pub fn is_probing(&self, url: &str) -> bool {
        self.probing.iter().any(|p| p.url == url)
    }
}
