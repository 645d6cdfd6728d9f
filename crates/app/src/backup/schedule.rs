//! `serve --backup-every 6h --backup-keep 14`: a backup at each interval into one folder,
//! the oldest removed once there are more than `keep`. Only files this schedule names
//! (`ocomms-<UTC time>.ocbackup`) are ever counted or removed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::{BackupResult, EXTENSION, io};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    /// How many of the newest backups to keep (at least one).
    pub keep: usize,
}

const PREFIX: &str = "ocomms-";

/// Runs the schedule until the task is aborted. The first backup is taken one interval
/// after start, so a server restarting in a loop does not fill the disk. A failed backup
/// is logged and the next one tried at its time; it never stops the server.
pub fn start_schedule(database_url: String, schedule: Schedule) -> JoinHandle<()> {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + schedule.every;
        let mut ticks = tokio::time::interval_at(start, schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let name = format!(
                "{PREFIX}{}.{EXTENSION}",
                jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ")
            );
            let file = schedule.dir.join(name);
            match super::write(&database_url, &file).await {
                Ok(manifest) => tracing::info!(
                    file = %file.display(),
                    bytes = manifest.payload.bytes,
                    schema = manifest.schema_version,
                    "backup written"
                ),
                Err(error) => tracing::error!(file = %file.display(), %error, "backup failed"),
            }
            match prune(&schedule.dir, schedule.keep) {
                Ok(removed) => {
                    for old in removed {
                        tracing::info!(file = %old.display(), "old backup removed");
                    }
                }
                Err(error) => tracing::error!(%error, "removing old backups failed"),
            }
        }
    })
}

/// Removes all but the `keep` newest scheduled backups in `dir` (by name, which is by
/// time); returns what it removed. Other files are left alone.
pub fn prune(dir: &Path, keep: usize) -> BackupResult<Vec<PathBuf>> {
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(&format!(".{EXTENSION}")))
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep.max(1));
    let removed: Vec<PathBuf> = ours.drain(..excess).collect();
    for path in &removed {
        std::fs::remove_file(path).map_err(io(path))?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_keeps_the_newest_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "ocomms-20260101T000000Z.ocbackup",
            "ocomms-20260102T000000Z.ocbackup",
            "ocomms-20260103T000000Z.ocbackup",
            "notes.txt",
            "ocomms-by-hand.tar",
        ];
        for name in names {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(
            removed,
            [dir.path().join("ocomms-20260101T000000Z.ocbackup")]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "ocomms-20260102T000000Z.ocbackup",
                "ocomms-20260103T000000Z.ocbackup",
                "ocomms-by-hand.tar"
            ]
        );
        assert!(
            prune(dir.path(), 0).unwrap().len() == 1,
            "keep at least one"
        );
    }
}
