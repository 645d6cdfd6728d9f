//! `ocomms export` and `ocomms import`: a server's rows (or one workspace's) in a documented,
//! versioned JSON Lines file, and back into an empty database of either backend
//! (docs/export-format.md, docs/adr/0025-export-is-the-tables-rows.md). Unlike a backup,
//! which restores only into the same kind of database, an export is how a server moves from
//! SQLite to PostgreSQL (or back), and how one workspace moves to a server of its own.

pub mod file;
mod import;
pub mod personal;

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use ocomms_store::{Backend, PortableScope, Store, StoreError, latest_schema_version};

pub use import::{ImportOptions, ImportOutcome, ImportReport, import};

/// Export files' usual ending (`ocomms-2026-12-04.ocexport`); any name is accepted.
pub const EXTENSION: &str = "ocexport";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// Every table: the whole server, sessions and settings included.
    All,
    /// One workspace (by its address) and the accounts its rows name.
    Workspace(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// (The cause is in the message, not a `source`: the CLI prints each once.)
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} already exists; choose another file name (an export never overwrites one)")]
    Exists(PathBuf),
    #[error("there is no database at {0}: check --data-dir or --database-url")]
    NoDatabase(PathBuf),
    #[error("the database has no OComms schema: nothing to export")]
    NotOComms,
    #[error("there is no workspace with the address {0:?} on this server")]
    NoWorkspace(String),
    #[error("there is no account with the email address {0:?} on this server")]
    NoAccount(String),
    #[error(
        "the database has schema {found}, newer than this ocomms knows ({known}): export with \
         the ocomms version that serves it"
    )]
    SourceNewer { found: i64, known: i64 },
    #[error("{0} is not an OComms export: {1}")]
    NotAnExport(PathBuf, String),
    #[error("{path} is damaged at {fault}; nothing was imported")]
    Damaged { path: PathBuf, fault: file::Fault },
    #[error(
        "this export has database schema {export}, newer than this ocomms knows ({known}): \
         import it with the OComms version that made it ({made_by}) or a later one"
    )]
    NewerSchema {
        export: i64,
        known: i64,
        made_by: String,
    },
    #[error(
        "the target already holds an OComms server's data ({0}); import into an empty \
         database, or stop every server using it and add --force to replace all of it"
    )]
    TargetHoldsData(String),
    #[error(
        "the target database has schema {target}, newer than the export's {export}: import \
         into a new, empty database instead"
    )]
    TargetNewer { target: i64, export: i64 },
    #[error(
        "the export's table {table} has the columns {export}, but at the same schema the \
         target has {target}: the export was not written by OComms; nothing was imported"
    )]
    ColumnsDiffer {
        table: String,
        export: String,
        target: String,
    },
}

pub type ExportResult<T> = Result<T, ExportError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Io(path.to_owned(), e)
}

/// What `ocomms export` wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    pub header: file::Header,
    pub end: file::End,
}

/// Writes the rows of `scope` in the database at `database_url` to `file` (which must not
/// exist) as of one moment, while servers keep using the database. The file appears only
/// when complete, readable by its owner only: it holds every message and password hash.
pub async fn export(
    database_url: &str,
    scope: &ExportScope,
    file: &Path,
) -> ExportResult<ExportReport> {
    if file.exists() {
        return Err(ExportError::Exists(file.to_owned()));
    }
    let store = open_existing(database_url).await?;
    let written = write(&store, scope, file).await;
    store.close().await;
    written
}

/// Connects to the database to export from, without migrating it (its rows are exported at
/// the schema they have) and without creating an empty SQLite file where a mistyped
/// `--data-dir` points.
async fn open_existing(database_url: &str) -> ExportResult<Store> {
    if Store::backend_of_url(database_url) == Some(Backend::Sqlite) {
        let path = ocomms_store::sqlite_path(database_url)?;
        if !path.exists() {
            return Err(ExportError::NoDatabase(path));
        }
    }
    Ok(Store::connect(database_url).await?)
}

/// A new file (mode 0600) holding `bytes`; it appears complete or not at all, and never
/// replaces one.
fn write_new_file(file: &Path, bytes: &[u8]) -> ExportResult<()> {
    use std::io::Write as _;
    let mut partial = partial_beside(file)?;
    partial.write_all(bytes).map_err(io(file))?;
    keep_as(partial, file)
}

/// A temporary file (mode 0600: exports hold password hashes and messages) in `file`'s
/// folder, so that [`keep_as`] is a rename on one file system.
fn partial_beside(file: &Path) -> ExportResult<tempfile::NamedTempFile> {
    let folder = crate::backup::parent_of(file);
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    tempfile::Builder::new()
        .prefix(".ocomms-export-")
        .tempfile_in(&folder)
        .map_err(io(&folder))
}

/// Makes a complete temporary file `file`: on disk first, then renamed, never over one.
fn keep_as(partial: tempfile::NamedTempFile, file: &Path) -> ExportResult<()> {
    partial.as_file().sync_all().map_err(io(file))?;
    partial
        .persist_noclobber(file)
        .map_err(|e| io(file)(e.error))?;
    Ok(())
}

async fn write(store: &Store, scope: &ExportScope, file: &Path) -> ExportResult<ExportReport> {
    let schema_version = store
        .schema_version()
        .await?
        .ok_or(ExportError::NotOComms)?;
    let known = latest_schema_version();
    if schema_version > known {
        return Err(ExportError::SourceNewer {
            found: schema_version,
            known,
        });
    }
    let (portable, scope_name) = match scope {
        ExportScope::All => (PortableScope::All, "all".to_owned()),
        ExportScope::Workspace(slug) => match store.workspace_by_slug(slug).await? {
            Some(workspace) => (PortableScope::Workspace(workspace.id.0), slug.clone()),
            None => return Err(ExportError::NoWorkspace(slug.clone())),
        },
    };
    let header = file::Header {
        format: file::FORMAT.to_owned(),
        format_version: file::FORMAT_VERSION,
        ocomms_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: jiff::Timestamp::now().to_string(),
        scope: scope_name,
        backend: backend_name(store.backend()).to_owned(),
        schema_version,
    };
    let partial = partial_beside(file)?;
    let mut writer = file::Writer::new(BufWriter::new(partial), &header).map_err(io(file))?;
    let mut snapshot = store.snapshot().await?;
    for table in ocomms_store::portable_tables(portable) {
        let columns = snapshot.columns(table).await?;
        if columns.is_empty() {
            continue; // added by a later migration than this database has
        }
        writer.table(table, &columns).map_err(io(file))?;
        snapshot
            .each_row(table, &columns, portable, |row| {
                writer.row(&row).map_err(io(file))
            })
            .await?;
    }
    snapshot.finish().await?;
    let (out, end) = writer.finish().map_err(io(file))?;
    let partial = out.into_inner().map_err(|e| io(file)(e.into_error()))?;
    keep_as(partial, file)?;
    Ok(ExportReport { header, end })
}

/// How the header names a backend.
fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}
