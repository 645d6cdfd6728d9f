//! The servers the user added, remembered across runs: one server per line in `servers.txt`
//! in the data folder (`$OPENCHAT_DATA_DIR`, else `$XDG_DATA_HOME/openchat`, else
//! `~/.local/share/openchat`): its base URL, `mute` when the user silenced its desktop
//! notifications, then how its certificate is trusted when that is not a public CA
//! (`pin=AB:CD:…`, the SHA-256 the user accepted, or `ca=/path/ca.pem`, a private CA's file). Only addresses and trust: no tokens or passwords (sessions are kept
//! by `vault`).
//!
//! A server is written when its probe succeeded and removed when the user removes it; a
//! server that does not answer at start-up stays in the file, so being offline for a day
//! does not forget anything.

use std::io;
use std::path::{Path, PathBuf};

use ocomms_client::Fingerprint;

const FILE: &str = "servers.txt";

/// How a server's certificate is trusted, as remembered (docs/adr/0014).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SavedTrust {
    /// A public CA's certificate (or plain http on this computer).
    #[default]
    PublicCa,
    /// Signed by the CA whose certificate is in this file (read at each connection).
    CaFile(PathBuf),
    /// Exactly this certificate, accepted by the user after comparing its fingerprint.
    Pinned(Fingerprint),
}

/// One remembered server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Saved {
    pub url: String,
    pub trust: SavedTrust,
    /// No desktop notifications from this server.
    pub muted: bool,
}

impl Saved {
    /// `URL [mute] [pin=…|ca=…]`: the trust last, since a CA file's path may hold spaces.
    fn line(&self) -> String {
        let mut line = self.url.clone();
        if self.muted {
            line.push_str(" mute");
        }
        match &self.trust {
            SavedTrust::PublicCa => {}
            SavedTrust::Pinned(fp) => line.push_str(&format!(" pin={fp}")),
            SavedTrust::CaFile(path) => line.push_str(&format!(" ca={}", path.display())),
        }
        line
    }

    /// A line of the file; `None` for one this version cannot read (kept out, not fatal).
    fn parse(line: &str) -> Option<Self> {
        let (url, rest) = line.split_once(' ').unwrap_or((line, ""));
        let mut rest = rest.trim();
        let muted = match rest.strip_prefix("mute") {
            Some(after) if after.is_empty() || after.starts_with(' ') => {
                rest = after.trim_start();
                true
            }
            _ => false,
        };
        let trust = if rest.is_empty() {
            SavedTrust::PublicCa
        } else if let Some(hex) = rest.strip_prefix("pin=") {
            SavedTrust::Pinned(hex.parse().ok()?)
        } else if let Some(path) = rest.strip_prefix("ca=") {
            SavedTrust::CaFile(PathBuf::from(path))
        } else {
            return None;
        };
        Some(Self {
            url: url.to_owned(),
            trust,
            muted,
        })
    }
}

/// The data folder (`$OPENCHAT_DATA_DIR`, else `$XDG_DATA_HOME/openchat`, else
/// `~/.local/share/openchat`), if a home or data folder is known.
pub fn data_dir() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    env("OPENCHAT_DATA_DIR").map(PathBuf::from).or_else(|| {
        env("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .map(|d| d.join("openchat"))
    })
}

/// Where the registry lives, if a home or data folder is known.
pub fn default_path() -> Option<PathBuf> {
    Some(data_dir()?.join(FILE))
}

/// The remembered servers, in the order they were added; none if the file does not exist yet.
pub fn load(path: &Path) -> io::Result<Vec<Saved>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter_map(|line| {
                let saved = Saved::parse(line);
                if saved.is_none() {
                    tracing::warn!(line, "a line of the server registry was not understood");
                }
                saved
            })
            .collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Adds a server, or updates how an already remembered one is trusted.
pub fn remember(path: &Path, saved: &Saved) -> io::Result<()> {
    let mut servers = load(path)?;
    match servers.iter_mut().find(|s| s.url == saved.url) {
        Some(known) if known == saved => return Ok(()),
        Some(known) => *known = saved.clone(),
        None => servers.push(saved.clone()),
    }
    save(path, &servers)
}

pub fn forget(path: &Path, url: &str) -> io::Result<()> {
    let mut servers = load(path)?;
    servers.retain(|s| s.url != url);
    save(path, &servers)
}

/// Writes a sibling file and renames it over the old one, so a crash never leaves half a list.
fn save(path: &Path, servers: &[Saved]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("txt.partial");
    let mut text: String = servers.iter().map(|s| s.line() + "\n").collect();
    if text.is_empty() {
        text.push('\n');
    }
    std::fs::write(&partial, text)?;
    std::fs::rename(partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(url: &str, trust: SavedTrust) -> Saved {
        Saved {
            url: url.into(),
            trust,
            muted: false,
        }
    }

    #[test]
    fn a_muted_server_is_remembered_muted_with_its_trust() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let corp = Saved {
            muted: true,
            ..saved(
                "https://corp.example",
                SavedTrust::CaFile("/etc/corp ca.pem".into()),
            )
        };
        let plain = Saved {
            muted: true,
            ..saved("https://a.example", SavedTrust::PublicCa)
        };
        remember(&path, &corp).unwrap();
        remember(&path, &plain).unwrap();
        assert_eq!(load(&path).unwrap(), [corp.clone(), plain]);
        let unmuted = Saved {
            muted: false,
            ..corp
        };
        remember(&path, &unmuted).unwrap();
        assert_eq!(load(&path).unwrap()[0], unmuted);
    }

    #[test]
    fn servers_are_remembered_once_with_their_trust_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE);
        assert!(load(&path).unwrap().is_empty(), "no file yet");
        let pin = Fingerprint::of(b"cert");
        let a = saved("https://a.example", SavedTrust::PublicCa);
        let local = saved("http://127.0.0.1:3000", SavedTrust::PublicCa);
        remember(&path, &a).unwrap();
        remember(&path, &local).unwrap();
        remember(&path, &a).unwrap();
        let lan = saved("https://lan.example", SavedTrust::Pinned(pin));
        let corp = saved(
            "https://corp.example",
            SavedTrust::CaFile("/etc/corp ca.pem".into()),
        );
        remember(&path, &lan).unwrap();
        remember(&path, &corp).unwrap();
        assert_eq!(load(&path).unwrap(), [a.clone(), local, lan, corp.clone()]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("https://lan.example pin={pin}")),
            "{text}"
        );

        // Trusting a new certificate replaces the old pin.
        let repinned = saved(
            "https://lan.example",
            SavedTrust::Pinned(Fingerprint::of(b"new")),
        );
        remember(&path, &repinned).unwrap();
        assert_eq!(load(&path).unwrap()[2], repinned);
        forget(&path, "https://a.example").unwrap();
        forget(&path, "https://lan.example").unwrap();
        assert_eq!(load(&path).unwrap().len(), 2);
        assert_eq!(load(&path).unwrap()[1], corp);
    }

    #[test]
    fn lines_from_an_older_version_still_read_and_unknown_ones_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, "https://a.example\nhttps://b.example future=1\n\n").unwrap();
        assert_eq!(
            load(&path).unwrap(),
            [saved("https://a.example", SavedTrust::PublicCa)]
        );
    }
}
