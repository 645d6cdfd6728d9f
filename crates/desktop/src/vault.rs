//! Sessions kept across runs (docs/adr/0018): which accounts are signed in on which server,
//! and each one's session token.
//!
//! The list of accounts holds no secret and lives in `accounts.txt` in the data folder, one
//! line per account: `URL USER_ID EMAIL`. The tokens live in the OS keyring (the Secret
//! Service on Linux, the Keychain on macOS, the Credential Manager on Windows) through the
//! `keyring` crate, one entry per account. Where no keyring answers (a machine without a
//! desktop session, CI), they go to `tokens.txt` beside it instead, readable only by the user
//! (mode 0600): weaker than a keyring, so the window and the log say so.
//!
//! Everything here blocks (D-Bus calls, files): the runner calls it from its own thread.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use ocomms_proto::UserId;

const ACCOUNTS: &str = "accounts.txt";
const TOKENS: &str = "tokens.txt";
/// The keyring "service" every entry is filed under; the "user" is `URL#USER_ID`.
const SERVICE: &str = "openchat";

/// A signed-in account remembered for the next run (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSession {
    /// The server's normalised base URL.
    pub url: String,
    pub user: UserId,
    /// Shown (and pre-filled) when the session has to be signed in again.
    pub email: String,
}

impl SavedSession {
    fn keyring_user(&self) -> String {
        key(&self.url, self.user)
    }
}

fn key(url: &str, user: UserId) -> String {
    format!("{url}#{user}")
}

/// Where the tokens are kept, as the window tells the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStore {
    /// The OS keyring.
    Keyring,
    /// No keyring answered: a file only this user can read, at this path.
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the keyring refused: {0}")]
    Keyring(#[from] keyring::Error),
    #[error("{}: {source}", path.display())]
    File { path: PathBuf, source: io::Error },
}

pub struct Vault {
    dir: PathBuf,
    store: TokenStore,
}

impl Vault {
    /// The keyring if one answers, else the token file in `dir`.
    pub fn open(dir: PathBuf) -> Self {
        match keyring_works() {
            Ok(()) => Self {
                dir,
                store: TokenStore::Keyring,
            },
            Err(e) => {
                let store = TokenStore::File(dir.join(TOKENS));
                tracing::warn!(
                    error = %e,
                    file = %dir.join(TOKENS).display(),
                    "no OS keyring: session tokens are kept in a file readable only by you"
                );
                Self { dir, store }
            }
        }
    }

    /// Tokens in the file, never the keyring (tests, and machines known to have none).
    pub fn file_only(dir: PathBuf) -> Self {
        let store = TokenStore::File(dir.join(TOKENS));
        Self { dir, store }
    }

    pub fn store(&self) -> &TokenStore {
        &self.store
    }

    /// The accounts remembered on the server at `url`.
    pub fn sessions(&self, url: &str) -> Result<Vec<SavedSession>, VaultError> {
        Ok(self
            .accounts()?
            .into_iter()
            .filter(|s| s.url == url)
            .collect())
    }

    /// The token of a remembered account; `None` when the store has lost it.
    pub fn token(&self, session: &SavedSession) -> Result<Option<String>, VaultError> {
        let user = session.keyring_user();
        if self.store == TokenStore::Keyring {
            match keyring::Entry::new(SERVICE, &user)?.get_password() {
                Ok(token) => return Ok(Some(token)),
                Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(e.into()),
            }
        }
        // Also with a keyring: a token saved in an earlier run that had none.
        Ok(self
            .file_tokens()?
            .into_iter()
            .find_map(|(k, t)| (k == user).then_some(t)))
    }

    /// Remembers an account and its token (replacing an earlier token of the same account).
    pub fn save(&self, session: &SavedSession, token: &str) -> Result<(), VaultError> {
        let user = session.keyring_user();
        match &self.store {
            TokenStore::Keyring => {
                keyring::Entry::new(SERVICE, &user)?.set_password(token)?;
                self.drop_file_token(&user)?;
            }
            TokenStore::File(_) => {
                let mut tokens = self.file_tokens()?;
                tokens.retain(|(k, _)| *k != user);
                tokens.push((user, token.to_owned()));
                self.write_tokens(&tokens)?;
            }
        }
        let mut accounts = self.accounts()?;
        accounts.retain(|s| !(s.url == session.url && s.user == session.user));
        accounts.push(session.clone());
        self.write_accounts(&accounts)
    }

    /// Forgets an account and its token (signed out, expired).
    pub fn forget(&self, url: &str, user: UserId) -> Result<(), VaultError> {
        let mut accounts = self.accounts()?;
        let before = accounts.len();
        accounts.retain(|s| !(s.url == url && s.user == user));
        if accounts.len() != before {
            self.write_accounts(&accounts)?;
        }
        let user = key(url, user);
        if self.store == TokenStore::Keyring {
            match keyring::Entry::new(SERVICE, &user)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.drop_file_token(&user)
    }

    /// Forgets every account on a server (the user removed it).
    pub fn forget_server(&self, url: &str) -> Result<(), VaultError> {
        for session in self.sessions(url)? {
            self.forget(url, session.user)?;
        }
        Ok(())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn accounts(&self) -> Result<Vec<SavedSession>, VaultError> {
        let text = read(&self.path(ACCOUNTS))?;
        Ok(text
            .lines()
            .filter_map(|line| {
                let mut parts = line.trim().splitn(3, ' ');
                let url = parts.next()?;
                let user = parts.next()?.parse().ok().map(UserId)?;
                let email = parts.next()?;
                Some(SavedSession {
                    url: url.to_owned(),
                    user,
                    email: email.to_owned(),
                })
            })
            .collect())
    }

    fn write_accounts(&self, accounts: &[SavedSession]) -> Result<(), VaultError> {
        let text: String = accounts
            .iter()
            .map(|s| format!("{} {} {}\n", s.url, s.user, s.email))
            .collect();
        write_private(&self.path(ACCOUNTS), &text)
    }

    fn file_tokens(&self) -> Result<Vec<(String, String)>, VaultError> {
        let text = read(&self.path(TOKENS))?;
        Ok(text
            .lines()
            .filter_map(|line| {
                let (key, token) = line.trim().split_once(' ')?;
                Some((key.to_owned(), token.to_owned()))
            })
            .collect())
    }

    fn write_tokens(&self, tokens: &[(String, String)]) -> Result<(), VaultError> {
        let text: String = tokens.iter().map(|(k, t)| format!("{k} {t}\n")).collect();
        write_private(&self.path(TOKENS), &text)
    }

    fn drop_file_token(&self, user: &str) -> Result<(), VaultError> {
        let mut tokens = self.file_tokens()?;
        let before = tokens.len();
        tokens.retain(|(k, _)| k != user);
        if tokens.len() != before {
            self.write_tokens(&tokens)?;
        }
        Ok(())
    }
}

/// Whether the OS keyring answers: a look-up of an entry nobody made either finds nothing
/// (it works) or fails (no Secret Service, no session bus, no platform store).
fn keyring_works() -> Result<(), keyring::Error> {
    match keyring::Entry::new(SERVICE, "openchat-probe")?.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e),
    }
}

fn read(path: &Path) -> Result<String, VaultError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(VaultError::File {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Writes a sibling file readable only by the user and renames it over the old one, so a
/// crash never leaves half a file and the secret is never readable by others, not even
/// for a moment.
fn write_private(path: &Path, text: &str) -> Result<(), VaultError> {
    let err = |source| VaultError::File {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let partial = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&partial).map_err(err)?;
    // `mode` applies only to a file it creates: tighten one left over by a crash too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    drop(file);
    std::fs::rename(&partial, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(url: &str, user: i64, email: &str) -> SavedSession {
        SavedSession {
            url: url.into(),
            user: UserId(user),
            email: email.into(),
        }
    }

    #[test]
    fn sessions_are_saved_per_account_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::file_only(dir.path().join("data"));
        assert!(vault.sessions("https://a.example").unwrap().is_empty());
        let ada = session("https://a.example", 1, "ada@a.example");
        let ben = session("https://a.example", 2, "ben@a.example");
        let other = session("https://b.example", 1, "ada@b.example");
        vault.save(&ada, "tok-ada").unwrap();
        vault.save(&ben, "tok-ben").unwrap();
        vault.save(&other, "tok-other").unwrap();
        // Signing in again replaces the token, not the account.
        vault.save(&ada, "tok-ada-2").unwrap();
        assert_eq!(
            vault.sessions("https://a.example").unwrap(),
            [ben.clone(), ada.clone()]
        );
        assert_eq!(vault.token(&ada).unwrap().as_deref(), Some("tok-ada-2"));
        assert_eq!(vault.token(&other).unwrap().as_deref(), Some("tok-other"));

        vault.forget("https://a.example", UserId(2)).unwrap();
        assert_eq!(vault.token(&ben).unwrap(), None);
        assert_eq!(
            vault.sessions("https://a.example").unwrap(),
            std::slice::from_ref(&ada)
        );
        vault.forget_server("https://a.example").unwrap();
        assert!(vault.sessions("https://a.example").unwrap().is_empty());
        assert_eq!(vault.token(&ada).unwrap(), None);
        assert_eq!(vault.sessions("https://b.example").unwrap(), [other]);
    }

    /// Needs a Secret Service (or the macOS/Windows store), so it runs by hand:
    /// `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets
    /// && cargo test -p openchat --lib -- --ignored os_keyring'`.
    #[test]
    #[ignore = "needs an OS keyring"]
    fn the_os_keyring_keeps_and_forgets_a_token() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path().to_owned());
        assert_eq!(vault.store(), &TokenStore::Keyring, "no keyring answered");
        let ada = session("https://keyring-test.example", 1, "ada@example.com");
        vault.save(&ada, "tok-in-keyring").unwrap();
        assert!(!dir.path().join(TOKENS).exists(), "nothing in the file");
        assert_eq!(
            Vault::open(dir.path().to_owned())
                .token(&ada)
                .unwrap()
                .as_deref(),
            Some("tok-in-keyring")
        );
        vault.forget(&ada.url, ada.user).unwrap();
        assert_eq!(vault.token(&ada).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_token_file_is_readable_only_by_the_user() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::file_only(dir.path().to_owned());
        // A file left with loose permissions (by hand, or an old version) is tightened.
        std::fs::write(dir.path().join("tokens.partial"), "").unwrap();
        std::fs::set_permissions(
            dir.path().join("tokens.partial"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        vault
            .save(&session("https://a.example", 1, "a@a"), "secret")
            .unwrap();
        let TokenStore::File(path) = vault.store() else {
            panic!("file store")
        };
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let listed = std::fs::read_to_string(dir.path().join(ACCOUNTS)).unwrap();
        assert!(!listed.contains("secret"), "no token in the account list");
    }
}
