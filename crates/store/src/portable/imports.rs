//! The log of export files loaded into this database (`imports`), which makes `ocomms
//! import` of the same file a second time a no-op that says so.

use crate::backend::on_pool;
use crate::{Store, StoreResult};

/// One export file loaded here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// The SHA-256 the file ends with (lowercase hex).
    pub sha256: String,
    /// `all` or a workspace slug.
    pub scope: String,
    /// `sqlite` or `postgres`.
    pub source_backend: String,
    /// RFC 3339, from the file's header.
    pub exported_at: String,
    /// Unix milliseconds.
    pub imported_at: i64,
}

impl Store {
    pub async fn record_import(&self, record: &ImportRecord) -> StoreResult<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO imports (sha256, scope, source_backend, exported_at, imported_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&record.sha256)
            .bind(&record.scope)
            .bind(&record.source_backend)
            .bind(&record.exported_at)
            .bind(record.imported_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The import of the file with this checksum, if it was loaded here.
    pub async fn find_import(&self, sha256: &str) -> StoreResult<Option<ImportRecord>> {
        let found: Option<(String, String, String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT sha256, scope, source_backend, exported_at, imported_at \
                 FROM imports WHERE sha256 = $1",
            )
            .bind(sha256)
            .fetch_optional(pool)
            .await?
        });
        Ok(found.map(
            |(sha256, scope, source_backend, exported_at, imported_at)| ImportRecord {
                sha256,
                scope,
                source_backend,
                exported_at,
                imported_at,
            },
        ))
    }
}
