//! The two connection pools behind one `Store`, and the macros that run one SQL text on
//! whichever is active. Queries use the SQL both engines share and `$N` placeholders
//! (sqlx-sqlite binds `$N` by position), so each is written once yet runs on the native
//! driver of either backend.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Cheap to clone: the pools are reference-counted.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// Runs `$body` with `$pool` bound to the active pool (`&SqlitePool` or `&PgPool`).
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::backend::Pool::Sqlite($pool) => $body,
            $crate::backend::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` (an async block: `?` and `return` leave the block, not the function) inside
/// a write transaction bound to `$tx`; commits when it yields `Ok`, rolls back otherwise. SQLite transactions start `IMMEDIATE` so that a
/// read-then-write never fails with SQLITE_BUSY halfway: the write lock is taken up front.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.pool {
            $crate::backend::Pool::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out: $crate::StoreResult<_> = async { $body }.await;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
            $crate::backend::Pool::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out: $crate::StoreResult<_> = async { $body }.await;
                if out.is_ok() {
                    $tx.commit().await?;
                }
                out
            }
        }
    };
}

pub(crate) use {in_transaction, on_pool};

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`:
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = if Self::backend_of_url(url) == Some(Backend::Sqlite) {
            let options = SqliteConnectOptions::from_str(url)?;
            // SQLite creates the file but not its folder (`./data` on a fresh machine).
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
            }
            let options = options
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before it is acknowledged (see docs/operations.md).
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?,
            )
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        Ok(Self { pool })
    }

    /// Which backend a database URL names, without connecting.
    pub fn backend_of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of the active backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = crate::migration::migrator(self.backend()).await?;
        on_pool!(self, |pool| migrator.run(pool).await)?;
        self.assign_missing_handles().await
    }

    /// The database answers a trivial query now, or why not (for `/readyz`).
    pub async fn check(&self) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection; waits for in-flight queries.
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await);
    }
}

/// The database file a `sqlite:` URL names.
pub fn sqlite_path(url: &str) -> StoreResult<std::path::PathBuf> {
    Ok(SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_owned())
}

#[cfg(feature = "test-support")]
impl Store {
    /// Runs a statement outside any transaction (CREATE/DROP DATABASE); tests only.
    pub async fn execute_admin(&self, sql: &str) -> StoreResult<()> {
        use sqlx::Executor as _;
        on_pool!(self, |pool| pool.execute(sql).await.map(|_| ()))?;
        Ok(())
    }
}
