//! Reading a Slack export ZIP (Slack's "Export data": `users.json`, `channels.json`,
//! `groups.json` for private channels where the export has them, and one folder per channel
//! of day files, `general/2024-01-31.json`, each an array of messages).

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::SlackError;

/// No single file of an export is trusted to unpack to more than this (a ZIP bomb).
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub is_owner: bool,
    #[serde(default)]
    pub real_name: Option<String>,
    #[serde(default)]
    pub profile: Profile,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub real_name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Channel {
    /// Also the name of its folder of day files.
    pub name: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default)]
    pub is_archived: bool,
    #[serde(default)]
    pub is_general: bool,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub topic: Option<Described>,
    #[serde(default)]
    pub purpose: Option<Described>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Described {
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    #[serde(default)]
    pub subtype: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub text: String,
    /// "1700000000.000100": seconds and microseconds; unique per channel.
    pub ts: String,
    #[serde(default)]
    pub thread_ts: Option<String>,
    #[serde(default)]
    pub edited: Option<Edited>,
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    #[serde(default)]
    pub files: Vec<File>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Edited {
    pub ts: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reaction {
    pub name: String,
    #[serde(default)]
    pub users: Vec<String>,
}

impl Reaction {
    /// The Unicode emoji of a standard Slack reaction name (`thumbsup`, `+1::skin-tone-2` as
    /// its base); `None` for a custom emoji, which OComms does not have.
    pub fn emoji(&self) -> Option<String> {
        let base = self.name.split("::").next().unwrap_or_default();
        ocomms_domain::reaction::emoji(base).ok()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct File {
    #[serde(default)]
    pub name: Option<String>,
}

/// Everything read from one export.
#[derive(Debug, Default)]
pub struct Archive {
    pub users: Vec<User>,
    /// Public channels, then private ones (`true`).
    pub channels: Vec<(Channel, bool)>,
    /// Messages per channel folder name, oldest first.
    pub messages: BTreeMap<String, Vec<Message>>,
    /// Direct and group conversations the export holds (not imported).
    pub directs: usize,
    /// SHA-256 of the ZIP file, lowercase hex: the same file imports once.
    pub sha256: String,
}

/// Reads and parses the whole export; a file that is not one says what is wrong with it.
pub fn read(path: &Path) -> Result<Archive, SlackError> {
    let io = |e| SlackError::Io(path.to_owned(), e);
    // Hashed as it streams, then read as a ZIP from the start: never all in memory at once.
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hash = Sha256::new();
    std::io::copy(&mut file, &mut hash).map_err(io)?;
    let sha256 = crate::export::file::hex(&hash.finalize());
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let not_slack = |why: String| SlackError::NotAnExport(path.to_owned(), why);
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| not_slack(format!("not a ZIP file ({e})")))?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| not_slack(format!("a damaged entry ({e})")))?;
        let name = entry
            .name()
            .map_err(|e| not_slack(format!("an entry with an unreadable name ({e})")))?
            .into_owned();
        if !entry.is_file() || !name.ends_with(".json") {
            continue;
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut content)
            .map_err(|e| not_slack(format!("{name} cannot be unpacked ({e})")))?;
        if content.len() as u64 > MAX_ENTRY_BYTES {
            return Err(not_slack(format!("{name} unpacks to more than 256 MiB")));
        }
        files.insert(name, content);
    }
    // Some tools zip the export's folder rather than its content.
    let prefix = match files.keys().find(|k| k.ends_with("users.json")) {
        Some(key) => key.trim_end_matches("users.json").to_owned(),
        None => return Err(not_slack("it has no users.json".into())),
    };
    let parse = |name: &str| -> Result<Option<Vec<u8>>, SlackError> {
        Ok(files.get(&format!("{prefix}{name}")).cloned())
    };
    let users: Vec<User> =
        json(&not_slack, "users.json", parse("users.json")?)?.unwrap_or_default();
    let mut channels: Vec<(Channel, bool)> = Vec::new();
    for (list, private) in [("channels.json", false), ("groups.json", true)] {
        let found: Vec<Channel> = json(&not_slack, list, parse(list)?)?.unwrap_or_default();
        channels.extend(found.into_iter().map(|c| (c, private)));
    }
    let mut directs = 0;
    for list in ["dms.json", "mpims.json"] {
        let found: Vec<serde_json::Value> =
            json(&not_slack, list, parse(list)?)?.unwrap_or_default();
        directs += found.len();
    }
    let mut messages: BTreeMap<String, Vec<Message>> = BTreeMap::new();
    for (name, content) in &files {
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let Some((folder, day)) = rest.split_once('/') else {
            continue;
        };
        if day.contains('/') {
            continue;
        }
        let day_messages: Vec<Message> =
            serde_json::from_slice(content).map_err(|e| not_slack(format!("{name}: {e}")))?;
        messages
            .entry(folder.to_owned())
            .or_default()
            .extend(day_messages);
    }
    for list in messages.values_mut() {
        list.sort_by_key(|m| millis(&m.ts));
    }
    Ok(Archive {
        users,
        channels,
        messages,
        directs,
        sha256,
    })
}

fn json<T: DeserializeOwned>(
    not_slack: &dyn Fn(String) -> SlackError,
    name: &str,
    content: Option<Vec<u8>>,
) -> Result<Option<T>, SlackError> {
    content
        .map(|bytes| serde_json::from_slice(&bytes).map_err(|e| not_slack(format!("{name}: {e}"))))
        .transpose()
}

/// Unix milliseconds of a Slack timestamp ("1700000000.000100"); 0 if it is not one.
pub fn millis(ts: &str) -> i64 {
    let (seconds, fraction) = ts.split_once('.').unwrap_or((ts, "0"));
    let seconds: i64 = seconds.parse().unwrap_or(0);
    let micros: i64 = format!("{fraction:0<6}")
        .get(..6)
        .and_then(|f| f.parse().ok())
        .unwrap_or(0);
    seconds * 1000 + micros / 1000
}

#[cfg(test)]
mod tests {
    #[test]
    fn slack_timestamps_become_milliseconds() {
        assert_eq!(super::millis("1700000000.000100"), 1_700_000_000_000);
        assert_eq!(super::millis("1700000000.123456"), 1_700_000_000_123);
        assert_eq!(super::millis("1700000000"), 1_700_000_000_000);
        assert_eq!(super::millis("garbage"), 0);
    }
}
