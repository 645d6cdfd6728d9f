//! `ocomms backup` and `ocomms restore`, and the scheduled backups of `serve --backup-every`
//! (docs/adr/0023-backup-archive-format-and-restore-checks.md).
//!
//! A backup is one tar file: `manifest.json` first (what made it, the database's schema
//! version, the SHA-256 of the payload), then the payload, the database copy the store
//! made while the server kept serving. Everything OComms keeps is in the database, avatars
//! included, so that copy is the whole backup. Restore checks the file completely (format,
//! checksum, schema version, backend, and for SQLite the copy's own integrity) before it
//! touches the target, and refuses what it cannot restore faithfully.

mod archive;
mod schedule;

use std::path::{Path, PathBuf};

use ocomms_store::{Backend, Store, StoreError, latest_schema_version};
use serde::{Deserialize, Serialize};

pub use schedule::{Schedule, prune, start_schedule};

/// Backups written by the schedule end with this (`ocomms-20260131T060000Z.ocbackup`).
pub const EXTENSION: &str = "ocbackup";

/// What the archive says about itself; `manifest.json` inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`]: tells an OComms backup from any other tar file.
    pub format: String,
    /// Bumped when the layout changes incompatibly; a reader refuses versions it does not know.
    pub format_version: u32,
    /// The `ocomms` version that wrote it.
    pub ocomms_version: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub backend: BackupBackend,
    /// The newest migration applied to the database when it was copied.
    pub schema_version: i64,
    pub payload: Payload,
}

impl Manifest {
    /// "SQLite" or "PostgreSQL".
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }
}

/// Which database the payload is a copy of; a backup restores only into the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupBackend {
    /// A SQLite database file (`VACUUM INTO`).
    Sqlite,
    /// A `pg_dump --format=custom` dump.
    Postgres,
}

impl BackupBackend {
    fn of(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::Sqlite,
            Backend::Postgres => Self::Postgres,
        }
    }

    fn payload_name(self) -> &'static str {
        match self {
            Self::Sqlite => "database.sqlite3",
            Self::Postgres => "database.pgdump",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// The database copy inside the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// Its file name in the archive.
    pub name: String,
    pub bytes: u64,
    /// Lowercase hex.
    pub sha256: String,
}

pub const FORMAT: &str = "ocomms-backup";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// (The cause is in the message, not a `source`: the CLI prints each once.)
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} already exists; choose another file name (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error("the database has no OComms schema: nothing to back up")]
    NotOComms,
    #[error("there is no database at {0}: check --data-dir or --database-url")]
    NoDatabase(PathBuf),
    #[error("{0} is not an OComms backup: {1}")]
    NotABackup(PathBuf, String),
    #[error(
        "{path} is damaged: its {what} does not match the manifest \
         (expected {expected}, found {found}); nothing was restored"
    )]
    Damaged {
        path: PathBuf,
        what: &'static str,
        expected: String,
        found: String,
    },
    #[error(
        "this backup has database schema {backup}, newer than this ocomms knows ({known}): \
         restore it with the OComms version that made it ({made_by}) or a later one"
    )]
    NewerSchema {
        backup: i64,
        known: i64,
        made_by: String,
    },
    #[error(
        "this is a backup of a {backup} database, but the target is {target}: \
         restore it into the same kind of database"
    )]
    WrongBackend {
        backup: &'static str,
        target: &'static str,
    },
    #[error(
        "the target already holds an OComms database ({0}); stop every server using it \
         and add --force to replace it"
    )]
    TargetNotEmpty(String),
    #[error(
        "the target database has schema {target}, newer than the backup's {backup}: restore \
         into an empty database instead"
    )]
    TargetNewer { target: i64, backup: i64 },
}

pub type BackupResult<T> = Result<T, BackupError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |e| BackupError::Io(path.to_owned(), e)
}

/// Writes a backup of the database at `database_url` to `file`, while servers keep using it.
/// The file appears only when complete (written beside it, then renamed), readable only by
/// its owner: it holds every message and password hash.
pub async fn write(database_url: &str, file: &Path) -> BackupResult<Manifest> {
    if file.exists() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    let folder = parent_of(file);
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    let work = tempfile::Builder::new()
        .prefix(".ocomms-backup-")
        .tempdir_in(&folder)
        .map_err(io(&folder))?;
    // Connecting would create an empty SQLite file where a mistyped --data-dir points.
    if Store::backend_of_url(database_url) == Some(Backend::Sqlite) {
        let path = ocomms_store::sqlite_path(database_url)?;
        if !path.exists() {
            return Err(BackupError::NoDatabase(path));
        }
    }
    // No migration: a newer `ocomms` backing up an older server's database must not change it.
    let store = Store::connect(database_url).await?;
    let copied = async {
        let schema_version = store
            .schema_version()
            .await?
            .ok_or(BackupError::NotOComms)?;
        let backend = BackupBackend::of(store.backend());
        let payload = work.path().join(backend.payload_name());
        store.snapshot_into(&payload, database_url).await?;
        Ok::<_, BackupError>((backend, schema_version, payload))
    }
    .await;
    store.close().await;
    let (backend, schema_version, payload) = copied?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        ocomms_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: jiff::Timestamp::now().to_string(),
        backend,
        schema_version,
        payload: blocking({
            let payload = payload.clone();
            move || archive::describe(&payload, backend.payload_name())
        })
        .await?,
    };
    let partial = work.path().join("backup.tar");
    blocking({
        let (partial, manifest) = (partial.clone(), manifest.clone());
        move || archive::pack(&partial, &manifest, &payload)
    })
    .await?;
    std::fs::rename(&partial, file).map_err(io(file))?;
    Ok(manifest)
}

/// Restores `file` into the database at `target_url` after checking all of it; replaces an
/// existing OComms database only with `force`. Applies this version's newer migrations after.
pub async fn restore(file: &Path, target_url: &str, force: bool) -> BackupResult<Manifest> {
    let target_backend = match Store::backend_of_url(target_url) {
        Some(backend) => backend,
        None => return Err(StoreError::UnsupportedUrl(target_url.to_owned()).into()),
    };
    // SQLite: unpacked beside the target, so the final step is a rename on one file system.
    let work_parent = match target_backend {
        Backend::Sqlite => parent_of(&ocomms_store::sqlite_path(target_url)?),
        Backend::Postgres => std::env::temp_dir(),
    };
    std::fs::create_dir_all(&work_parent).map_err(io(&work_parent))?;
    let work = tempfile::Builder::new()
        .prefix(".ocomms-restore-")
        .tempdir_in(&work_parent)
        .map_err(io(&work_parent))?;
    let (manifest, payload) = blocking({
        let (file, dir) = (file.to_owned(), work.path().to_owned());
        move || archive::unpack(&file, &dir)
    })
    .await?;
    let known = latest_schema_version();
    if manifest.schema_version > known {
        return Err(BackupError::NewerSchema {
            backup: manifest.schema_version,
            known,
            made_by: manifest.ocomms_version.clone(),
        });
    }
    if BackupBackend::of(target_backend) != manifest.backend {
        return Err(BackupError::WrongBackend {
            backup: manifest.backend.name(),
            target: BackupBackend::of(target_backend).name(),
        });
    }
    match target_backend {
        Backend::Sqlite => restore_sqlite(file, &manifest, &payload, target_url, force).await?,
        Backend::Postgres => restore_postgres(&manifest, &payload, target_url, force).await?,
    }
    // Brings an older backup up to this version's schema, as `serve` would.
    let store = Store::open(target_url).await?;
    store.close().await;
    Ok(manifest)
}

async fn restore_sqlite(
    file: &Path,
    manifest: &Manifest,
    payload: &Path,
    target_url: &str,
    force: bool,
) -> BackupResult<()> {
    // The copy must be a sound database at the schema the manifest names.
    let copy = Store::connect(&format!("sqlite://{}", payload.display())).await?;
    let checked = async {
        copy.integrity_check().await?;
        let found = copy.schema_version().await?;
        if found != Some(manifest.schema_version) {
            return Err(BackupError::Damaged {
                path: file.to_owned(),
                what: "database's schema version",
                expected: manifest.schema_version.to_string(),
                found: found.map_or_else(|| "none".to_owned(), |v| v.to_string()),
            });
        }
        Ok(())
    }
    .await;
    copy.close().await;
    checked?;
    let target = ocomms_store::sqlite_path(target_url)?;
    if target.exists() && !force {
        return Err(BackupError::TargetNotEmpty(target.display().to_string()));
    }
    // The old database's write-ahead log must not be replayed into the restored file.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            std::fs::remove_file(&side).map_err(io(&side))?;
        }
    }
    std::fs::rename(payload, &target).map_err(io(&target))?;
    Ok(())
}

async fn restore_postgres(
    manifest: &Manifest,
    payload: &Path,
    target_url: &str,
    force: bool,
) -> BackupResult<()> {
    let target = Store::connect(target_url).await?;
    let existing = target.schema_version().await;
    target.close().await;
    if let Some(version) = existing? {
        if !force {
            return Err(BackupError::TargetNotEmpty(format!("schema {version}")));
        }
        // --clean drops only what the dump has: newer tables would survive and clash.
        if version > manifest.schema_version {
            return Err(BackupError::TargetNewer {
                target: version,
                backup: manifest.schema_version,
            });
        }
    }
    ocomms_store::restore_postgres_dump(payload, target_url).await?;
    Ok(())
}

/// Runs file work (hashing, tar) off the async workers: a large database takes seconds.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> BackupResult<T> + Send + 'static,
) -> BackupResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| BackupError::Io(PathBuf::from("backup"), std::io::Error::other(e)))?
}

/// The folder a file is in (`.` for a bare file name).
pub(crate) fn parent_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}
