//! The servers the user added, remembered across runs: one base URL per line in
//! `servers.txt` in the data folder (`$OPENCHAT_DATA_DIR`, else `$XDG_DATA_HOME/openchat`, else
//! `~/.local/share/openchat`). Only addresses: no tokens or passwords (the OS keyring is still
//! to come, so each run signs in again).
//!
//! A server is written when its probe succeeded and removed when the user removes it; a
//! server that does not answer at start-up stays in the file, so being offline for a day
//! does not forget anything.

use std::io;
use std::path::{Path, PathBuf};

const FILE: &str = "servers.txt";

/// Where the registry lives, if a home or data folder is known.
pub fn default_path() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let dir = env("OPENCHAT_DATA_DIR").map(PathBuf::from).or_else(|| {
        env("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .map(|d| d.join("openchat"))
    })?;
    Some(dir.join(FILE))
}

/// The remembered URLs, in the order they were added; none if the file does not exist yet.
pub fn load(path: &Path) -> io::Result<Vec<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

pub fn remember(path: &Path, url: &str) -> io::Result<()> {
    let mut urls = load(path)?;
    if urls.iter().any(|u| u == url) {
        return Ok(());
    }
    urls.push(url.to_owned());
    save(path, &urls)
}

pub fn forget(path: &Path, url: &str) -> io::Result<()> {
    let mut urls = load(path)?;
    urls.retain(|u| u != url);
    save(path, &urls)
}

/// Writes a sibling file and renames it over the old one, so a crash never leaves half a list.
fn save(path: &Path, urls: &[String]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("txt.partial");
    let mut text = urls.join("\n");
    text.push('\n');
    std::fs::write(&partial, text)?;
    std::fs::rename(partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_remembered_once_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE);
        assert!(load(&path).unwrap().is_empty(), "no file yet");
        remember(&path, "https://a.example").unwrap();
        remember(&path, "http://127.0.0.1:3000").unwrap();
        remember(&path, "https://a.example").unwrap();
        assert_eq!(
            load(&path).unwrap(),
            ["https://a.example", "http://127.0.0.1:3000"]
        );
        forget(&path, "https://a.example").unwrap();
        assert_eq!(load(&path).unwrap(), ["http://127.0.0.1:3000"]);
    }
}
