//! A consistent copy of the whole database while the server keeps serving, and putting one
//! back (docs/adr/0023-backup-archive-format-and-restore-checks.md). The archive around the
//! copy (manifest, checksum) is `ocomms-app`'s; this module only moves the database's bytes.
//!
//! - SQLite: `VACUUM INTO` writes a compact copy as of one read transaction: writers carry on
//!   (WAL), and the copy is a plain database file, opened like any other to check it.
//! - PostgreSQL: `pg_dump --format=custom` reads everything in one repeatable-read snapshot;
//!   `pg_restore --single-transaction` puts it back all or nothing. Both are PostgreSQL's own
//!   tools (package `postgresql-client`), found on `PATH`.

use std::path::Path;

use crate::backend::on_pool;
use crate::{Backend, Store, StoreError, StoreResult};

/// The schema version this build migrates to: the number of its newest migration.
pub fn latest_schema_version() -> i64 {
    crate::MIGRATION_NAMES
        .last()
        .and_then(|name| name.split('_').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

impl Store {
    /// The newest migration applied to this database; `None` for a database OComms never
    /// migrated (empty, or someone else's).
    pub async fn schema_version(&self) -> StoreResult<Option<i64>> {
        let exists_sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let exists: i64 = on_pool!(self, |pool| sqlx::query_scalar(exists_sql)
            .fetch_one(pool)
            .await)?;
        if exists == 0 {
            return Ok(None);
        }
        let version: Option<i64> = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(pool)
        .await)?;
        Ok(version)
    }

    /// Writes a consistent copy of the whole database to `path` (which must not exist),
    /// without stopping writers: a SQLite database file, or a `pg_dump` custom-format dump.
    pub async fn snapshot_into(&self, path: &Path, database_url: &str) -> StoreResult<()> {
        match &self.pool {
            crate::backend::Pool::Sqlite(pool) => {
                let target = path.to_str().ok_or_else(|| {
                    StoreError::Tool(format!("{} is not a UTF-8 path", path.display()))
                })?;
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(pool)
                    .await?;
                Ok(())
            }
            crate::backend::Pool::Postgres(_) => {
                let file = format!("--file={}", path.display());
                run_tool(
                    "pg_dump",
                    &["--format=custom", "--no-owner", "--no-privileges", &file],
                    database_url,
                )
                .await
            }
        }
    }

    /// SQLite's own check of every page and index (`PRAGMA integrity_check`); PostgreSQL
    /// checks its pages itself, so there it is only a query that must answer.
    pub async fn integrity_check(&self) -> StoreResult<()> {
        match &self.pool {
            crate::backend::Pool::Sqlite(pool) => {
                let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(pool)
                    .await?;
                if verdict == "ok" {
                    Ok(())
                } else {
                    Err(StoreError::Tool(format!(
                        "the SQLite database is damaged: {verdict}"
                    )))
                }
            }
            crate::backend::Pool::Postgres(_) => self.check().await,
        }
    }
}

/// Loads a `pg_dump` custom-format dump into the database at `database_url` in one
/// transaction: on any error nothing changes. Objects of the dump that exist are dropped
/// first (`--clean`), so the same database can be restored over.
pub async fn restore_postgres_dump(dump: &Path, database_url: &str) -> StoreResult<()> {
    run_tool(
        "pg_restore",
        &[
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            &dump.display().to_string(),
        ],
        database_url,
    )
    .await
}

/// Runs one of PostgreSQL's client programs on `database_url`; its own error message, if it
/// fails. The password travels in `PGPASSWORD`: a command line is visible to every user of
/// the machine (`ps`).
async fn run_tool(program: &str, args: &[&str], database_url: &str) -> StoreResult<()> {
    let (url, password) = split_password(database_url)?;
    let mut command = tokio::process::Command::new(program);
    command.args(args).arg(format!("--dbname={url}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| {
            StoreError::Tool(if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "{program} was not found on PATH: install PostgreSQL's client programs \
                     (Debian: postgresql-client) of the server's major version or newer"
                )
            } else {
                format!("cannot run {program}: {e}")
            })
        })?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(StoreError::Tool(format!(
            "{program} failed ({}): {}",
            output.status,
            stderr.trim()
        )))
    }
}

/// The URL without its password, and the password (percent-decoded, as libpq wants it).
fn split_password(database_url: &str) -> StoreResult<(String, Option<String>)> {
    let mut url = url::Url::parse(database_url)
        .map_err(|_| StoreError::UnsupportedUrl(database_url.to_owned()))?;
    let password = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    if password.is_some() {
        url.set_password(None)
            .map_err(|()| StoreError::UnsupportedUrl(database_url.to_owned()))?;
    }
    Ok((url.to_string(), password))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_password_leaves_the_url_decoded() {
        let (url, password) =
            super::split_password("postgres://ocomms:p%40ss@db:5432/ocomms").unwrap();
        assert_eq!(url, "postgres://ocomms@db:5432/ocomms");
        assert_eq!(password.as_deref(), Some("p@ss"));
        let (url, password) = super::split_password("postgres://postgres@127.0.0.1/test").unwrap();
        assert_eq!(url, "postgres://postgres@127.0.0.1/test");
        assert_eq!(password, None);
    }

    #[test]
    fn the_latest_schema_version_is_the_newest_migration_number() {
        let newest = crate::MIGRATION_NAMES.last().unwrap_or(&"");
        assert!(newest.starts_with(&format!("{:04}_", super::latest_schema_version())));
    }
}
