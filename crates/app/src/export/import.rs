//! `ocomms import`: checks the whole file first, then loads it into an empty database in one
//! transaction at the schema it was written at, then migrates to this version's schema.
//! The same file twice is a no-op that says so; `--dry-run` does every check and writes
//! nothing, not even a new SQLite file.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use ocomms_store::{
    Backend, Cell, Column, Filling, ImportRecord, Store, StoreError, is_portable_table,
    latest_schema_version,
};

use super::file::{self, Header, Item, Reader};
use super::{ExportError, ExportResult, io};

/// Rows sent to the database together (each batch is split further by the store if wide).
const BATCH_ROWS: usize = 2_000;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Replace the data of a target that holds some.
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported,
    /// A dry run found nothing in the way.
    WouldImport,
    /// This file was imported into this database before; nothing was written.
    AlreadyImported,
}

/// What an import found in the file and did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub header: Header,
    /// Rows per table, in the file's order.
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
    pub sha256: String,
    pub outcome: ImportOutcome,
    /// The target held a server's data, replaced (or to be replaced) under `--force`.
    pub replaced_data: bool,
}

/// Imports `path` into the database at `target_url`.
pub async fn import(
    path: &Path,
    target_url: &str,
    options: ImportOptions,
) -> ExportResult<ImportReport> {
    let checked = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || check(&path))
            .await
            .map_err(|e| io(Path::new("import"))(std::io::Error::other(e)))??
    };
    let known = latest_schema_version();
    if checked.header.schema_version > known {
        return Err(ExportError::NewerSchema {
            export: checked.header.schema_version,
            known,
            made_by: checked.header.ocomms_version.clone(),
        });
    }
    let backend = Store::backend_of_url(target_url)
        .ok_or_else(|| StoreError::UnsupportedUrl(target_url.to_owned()))?;
    let mut report = ImportReport {
        outcome: ImportOutcome::WouldImport,
        replaced_data: false,
        ..checked
    };
    // A dry run must not leave an empty SQLite file behind where there was none.
    let fresh_file = backend == Backend::Sqlite && !ocomms_store::sqlite_path(target_url)?.exists();
    if fresh_file && options.dry_run {
        return Ok(report);
    }
    let store = Store::connect(target_url).await?;
    let done = load(&store, path, &mut report, options).await;
    store.close().await;
    done.map(|()| report)
}

/// Decides from the target's state, then (unless a dry run) loads the rows.
async fn load(
    store: &Store,
    path: &Path,
    report: &mut ImportReport,
    options: ImportOptions,
) -> ExportResult<()> {
    let export_version = report.header.schema_version;
    if let Some(version) = store.schema_version().await? {
        if is_logged(store, version, &report.sha256).await? {
            report.outcome = ImportOutcome::AlreadyImported;
            return Ok(());
        }
        if store.holds_data().await? {
            if !options.force {
                return Err(ExportError::TargetHoldsData(format!("schema {version}")));
            }
            report.replaced_data = true;
        }
        if version > export_version {
            return Err(ExportError::TargetNewer {
                target: version,
                export: export_version,
            });
        }
    }
    if options.dry_run {
        return Ok(());
    }
    // The rows have the export's schema; this version's later migrations then change them
    // as they would have changed the source's.
    store.migrate_to(export_version).await?;
    let mut filling = store.start_filling().await?;
    write_rows(&mut filling, path).await?;
    filling.finish(report.header.scope != "all").await?;
    store.migrate().await?;
    store
        .record_import(&ImportRecord {
            sha256: report.sha256.clone(),
            scope: report.header.scope.clone(),
            source_backend: report.header.backend.clone(),
            exported_at: report.header.created_at.clone(),
            imported_at: crate::now(),
        })
        .await?;
    store.refresh_statistics().await?;
    report.outcome = ImportOutcome::Imported;
    Ok(())
}

/// Whether the import log (from schema 12 on) has this file.
async fn is_logged(store: &Store, version: i64, sha256: &str) -> ExportResult<bool> {
    const IMPORTS_SINCE: i64 = 12;
    Ok(version >= IMPORTS_SINCE && store.find_import(sha256).await?.is_some())
}

/// Reads the whole file once without touching any database: shape of every line, tables
/// known and in order, counts and checksum.
fn check(path: &Path) -> ExportResult<ImportReport> {
    let mut reader = open(path)?;
    let header = reader.1;
    let mut tables: Vec<(String, u64)> = Vec::new();
    loop {
        match reader.0.next_item().map_err(damaged(path))? {
            Some(Item::Table { name, .. }) => {
                if !is_portable_table(&name) || tables.iter().any(|(t, _)| *t == name) {
                    return Err(ExportError::NotAnExport(
                        path.to_owned(),
                        format!("it holds a table {name:?} twice or one OComms does not have"),
                    ));
                }
                tables.push((name, 0));
            }
            Some(Item::Row(_)) => {
                if let Some((_, rows)) = tables.last_mut() {
                    *rows += 1;
                }
            }
            Some(Item::End(end)) => {
                return Ok(ImportReport {
                    header,
                    tables,
                    rows: end.rows,
                    sha256: end.sha256,
                    outcome: ImportOutcome::WouldImport,
                    replaced_data: false,
                });
            }
            // The reader yields `None` only after `End`, which returns above.
            None => {
                return Err(ExportError::NotAnExport(
                    path.to_owned(),
                    "it has no end line".to_owned(),
                ));
            }
        }
    }
}

fn open(path: &Path) -> ExportResult<(Reader<BufReader<File>>, Header)> {
    let input = File::open(path).map_err(io(path))?;
    Reader::open(BufReader::new(input))
        .map_err(|fault| ExportError::NotAnExport(path.to_owned(), format!("{fault}")))
}

fn damaged(path: &Path) -> impl Fn(file::Fault) -> ExportError + '_ {
    move |fault| ExportError::Damaged {
        path: path.to_owned(),
        fault,
    }
}

/// The second pass: every row into the emptied tables. The file is read again, so its
/// checksum is checked again before [`Filling::finish`] may commit.
async fn write_rows(filling: &mut Filling, path: &Path) -> ExportResult<()> {
    let mut reader = open(path)?.0;
    let mut table: Option<(String, Vec<Column>)> = None;
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(BATCH_ROWS);
    while let Some(item) = reader.next_item().map_err(damaged(path))? {
        if !matches!(item, Item::Row(_)) {
            flush(filling, table.as_ref(), &mut batch).await?;
        }
        match item {
            Item::Table { name, columns } => {
                same_columns(filling, &name, &columns).await?;
                table = Some((name, columns));
            }
            Item::Row(cells) => {
                batch.push(cells);
                if batch.len() == BATCH_ROWS {
                    flush(filling, table.as_ref(), &mut batch).await?;
                }
            }
            Item::End(_) => {}
        }
    }
    Ok(())
}

async fn flush(
    filling: &mut Filling,
    table: Option<&(String, Vec<Column>)>,
    batch: &mut Vec<Vec<Cell>>,
) -> ExportResult<()> {
    if let Some((name, columns)) = table
        && !batch.is_empty()
    {
        filling.insert(name, columns, batch).await?;
    }
    batch.clear();
    Ok(())
}

/// The target, at the export's schema, must have exactly the file's columns and types.
async fn same_columns(filling: &mut Filling, table: &str, columns: &[Column]) -> ExportResult<()> {
    let sorted = |columns: &[Column]| {
        let mut list: Vec<String> = columns
            .iter()
            .map(|c| format!("{} {}", c.name, c.ty.name()))
            .collect();
        list.sort();
        list
    };
    let target = sorted(&filling.columns(table).await?);
    let export = sorted(columns);
    if target != export {
        return Err(ExportError::ColumnsDiffer {
            table: table.to_owned(),
            export: export.join(", "),
            target: target.join(", "),
        });
    }
    Ok(())
}
