//! The rows of every table, read in one consistent snapshot and written back in one
//! transaction: what `ocomms export` and `ocomms import` move between servers and between
//! backends (docs/adr/0025-export-is-the-tables-rows.md).
//!
//! Values travel as four kinds of cell (integer, text, bytes, boolean), which both backends
//! store the same way, so a row read from SQLite goes into PostgreSQL unchanged, ids included.
//! The store knows tables and rows; the file format around them is `ocomms-app`'s.

mod imports;
mod tables;

use futures_util::TryStreamExt as _;
use sqlx::Row as _;

use crate::backend::Pool;
use crate::{Backend, Store, StoreError, StoreResult};

pub use imports::ImportRecord;

/// One value of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

/// How a column's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Int,
    Text,
    Bytes,
    Bool,
}

impl ColumnType {
    /// Its name in an export file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Int => "int",
            Self::Text => "text",
            Self::Bytes => "bytes",
            Self::Bool => "bool",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Int, Self::Text, Self::Bytes, Self::Bool]
            .into_iter()
            .find(|t| t.name() == name)
    }

    /// From the type a column was declared with (SQLite) or has (PostgreSQL's catalog).
    fn of_declared(declared: &str) -> Option<Self> {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("int") {
            Some(Self::Int)
        } else if declared.starts_with("bool") {
            Some(Self::Bool)
        } else if declared == "text" {
            Some(Self::Text)
        } else if declared == "blob" || declared == "bytea" {
            Some(Self::Bytes)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
}

/// Which rows an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortableScope {
    /// Every table, whole: a copy of the server.
    All,
    /// The workspace with this id and the accounts its rows name; no sessions or settings.
    Workspace(i64),
}

/// The tables `scope` holds, in insertion order.
pub fn portable_tables(scope: PortableScope) -> Vec<&'static str> {
    tables::TABLES
        .iter()
        .filter(|t| scope == PortableScope::All || t.of_workspace.is_some())
        .map(|t| t.name)
        .collect()
}

/// Whether `name` is a table an export may hold (`ocomms import` refuses any other).
pub fn is_portable_table(name: &str) -> bool {
    tables::find(name).is_some()
}

/// Largest number of bound values in one `INSERT`: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_VALUES_PER_INSERT: usize = 30_000;

/// One open transaction on either backend.
enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection, on either backend.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

// After `on_tx!`, which it uses.
mod filling;

pub use filling::Filling;

impl Tx {
    fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// The columns of `table` as the database has them (empty if the table does not exist at
    /// this schema); PostgreSQL's generated columns (the search vector) are left out: they
    /// are computed again on insert.
    async fn columns(&mut self, table: &str) -> StoreResult<Vec<Column>> {
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            Backend::Postgres => {
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 AND is_generated = 'NEVER' ORDER BY ordinal_position"
            }
        };
        let found: Vec<(String, String)> = on_tx!(self, |conn| sqlx::query_as(sql)
            .bind(table)
            .fetch_all(conn)
            .await?);
        found
            .into_iter()
            .map(
                |(name, declared)| match ColumnType::of_declared(&declared) {
                    Some(ty) => Ok(Column { name, ty }),
                    None => Err(StoreError::Invariant(
                        "a column has a type exports do not carry",
                    )),
                },
            )
            .collect()
    }

    async fn commit(self) -> StoreResult<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A column name as SQL: quoted, since the names come from the catalog or a file.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads tables as of one moment while writers carry on: SQLite's read transaction sees the
/// database as of its first read (WAL); PostgreSQL's is `REPEATABLE READ`.
pub struct Snapshot {
    tx: Tx,
}

impl Store {
    pub async fn snapshot(&self) -> StoreResult<Snapshot> {
        let tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Tx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        };
        Ok(Snapshot { tx })
    }

    /// Whether any account exists: a database with one is someone's server, not a target.
    pub async fn holds_data(&self) -> StoreResult<bool> {
        let accounts: i64 = crate::backend::on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM users"
        )
        .fetch_one(pool)
        .await?);
        Ok(accounts > 0)
    }

    /// Applies the migrations up to schema `version` only (see [`Store::migrate`] for all).
    pub async fn migrate_to(&self, version: i64) -> StoreResult<()> {
        let migrator = crate::migration::migrator_up_to(self.backend(), version).await?;
        crate::backend::on_pool!(self, |pool| migrator.run(pool).await)?;
        Ok(())
    }
}

#[cfg(feature = "test-support")]
impl Store {
    /// The schema's own tables, sorted: not the migrations' log, not SQLite's search index
    /// (its FTS5 tables are rebuilt from `messages`). Tests check they are all portable.
    pub async fn table_names(&self) -> StoreResult<Vec<String>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' \
                 AND name NOT LIKE 'messages\\_search%' ESCAPE '\\' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        };
        Ok(crate::backend::on_pool!(self, |pool| sqlx::query_scalar(
            sql
        )
        .fetch_all(pool)
        .await?))
    }
}

impl Snapshot {
    pub async fn columns(&mut self, table: &str) -> StoreResult<Vec<Column>> {
        self.tx.columns(table).await
    }

    /// Calls `row` with each row of `table` in `scope`, in a stable order, with the values
    /// of `columns`; returns how many there were.
    pub async fn each_row<E: From<StoreError>>(
        &mut self,
        table: &str,
        columns: &[Column],
        scope: PortableScope,
        mut row: impl FnMut(Vec<Cell>) -> Result<(), E>,
    ) -> Result<u64, E> {
        let table = tables::find(table).ok_or(StoreError::Invariant("not a portable table"))?;
        let backend = self.tx.backend();
        let list: Vec<String> = columns
            .iter()
            .map(|c| match (backend, c.ty) {
                // Some PostgreSQL columns are INTEGER; every integer travels as 64 bits.
                (Backend::Postgres, ColumnType::Int) => {
                    format!("CAST({} AS BIGINT)", quoted(&c.name))
                }
                _ => quoted(&c.name),
            })
            .collect();
        let (filter, workspace) = match scope {
            PortableScope::All => (String::new(), None),
            PortableScope::Workspace(id) => match table.of_workspace {
                Some(condition) => (format!(" WHERE {condition}"), Some(id)),
                None => return Ok(0),
            },
        };
        let sql = format!(
            "SELECT {} FROM {}{filter} ORDER BY {}",
            list.join(", "),
            table.name,
            table.order_by
        );
        let mut count = 0;
        on_tx!(&mut self.tx, |conn| {
            let mut query = sqlx::query(&sql);
            if let Some(id) = workspace {
                query = query.bind(id);
            }
            let mut rows = query.fetch(conn);
            while let Some(found) = rows.try_next().await.map_err(StoreError::from)? {
                let mut cells = Vec::with_capacity(columns.len());
                for (i, column) in columns.iter().enumerate() {
                    cells.push(
                        match column.ty {
                            ColumnType::Int => {
                                found.try_get::<Option<i64>, _>(i).map(|v| v.map(Cell::Int))
                            }
                            ColumnType::Text => found
                                .try_get::<Option<String>, _>(i)
                                .map(|v| v.map(Cell::Text)),
                            ColumnType::Bytes => found
                                .try_get::<Option<Vec<u8>>, _>(i)
                                .map(|v| v.map(Cell::Bytes)),
                            ColumnType::Bool => found
                                .try_get::<Option<bool>, _>(i)
                                .map(|v| v.map(Cell::Bool)),
                        }
                        .map_err(StoreError::from)?
                        .unwrap_or(Cell::Null),
                    );
                }
                row(cells)?;
                count += 1;
            }
        });
        Ok(count)
    }

    /// Ends the read transaction.
    pub async fn finish(self) -> StoreResult<()> {
        self.tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_the_four_kinds() {
        for (declared, ty) in [
            ("INTEGER", ColumnType::Int),
            ("BIGINT", ColumnType::Int),
            ("bigint", ColumnType::Int),
            ("integer", ColumnType::Int),
            ("TEXT", ColumnType::Text),
            ("BLOB", ColumnType::Bytes),
            ("bytea", ColumnType::Bytes),
            ("BOOLEAN", ColumnType::Bool),
            ("boolean", ColumnType::Bool),
        ] {
            assert_eq!(ColumnType::of_declared(declared), Some(ty), "{declared}");
            assert_eq!(ColumnType::from_name(ty.name()), Some(ty));
        }
        assert_eq!(ColumnType::of_declared("tsvector"), None);
    }

    #[test]
    fn a_workspace_export_leaves_sessions_and_settings_behind() {
        let tables = portable_tables(PortableScope::Workspace(1));
        assert!(tables.contains(&"messages") && tables.contains(&"users"));
        for private in [
            "sessions",
            "auth_tokens",
            "instance",
            "email_sweep",
            "imports",
        ] {
            assert!(!tables.contains(&private), "{private}");
        }
        assert_eq!(
            portable_tables(PortableScope::All).len(),
            tables::TABLES.len()
        );
    }
}
