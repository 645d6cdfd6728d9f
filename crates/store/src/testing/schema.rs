//! What a migrated database holds, in terms both backends share: each table's column names
//! and the names of the indexes the migrations create (types differ by backend and are not
//! compared; indexes that back a primary key or unique constraint are each backend's own).
//! The full-text index is each backend's own too (docs/adr/0020): SQLite's FTS5 table
//! `messages_search` with its shadow tables, PostgreSQL's `messages.search` column and its
//! `messages_search` index. They are left out; the search tests compare what they find.

use std::collections::{BTreeMap, BTreeSet};

use crate::backend::Pool;
use crate::{Store, StoreResult};

/// The full-text index's name on both backends.
const FULL_TEXT: &str = "messages_search";

/// One table's outline.
#[derive(Debug, PartialEq, Eq)]
pub struct TableOutline {
    pub columns: BTreeSet<String>,
    pub indexes: BTreeSet<String>,
}

/// Every table of `store` but the migration bookkeeping, by name.
pub async fn outline(store: &Store) -> StoreResult<BTreeMap<String, TableOutline>> {
    let mut tables = BTreeMap::new();
    match &store.pool {
        Pool::Sqlite(pool) => {
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
            )
            .fetch_all(pool)
            .await?;
            for name in names {
                if name == FULL_TEXT || name.starts_with(&format!("{FULL_TEXT}_")) {
                    continue;
                }
                let columns = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                    .bind(&name)
                    .fetch_all(pool)
                    .await?;
                // Indexes with SQL text are the ones a migration created.
                let indexes = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 \
                     AND sql IS NOT NULL",
                )
                .bind(&name)
                .fetch_all(pool)
                .await?;
                tables.insert(name, outline_of(columns, indexes));
            }
        }
        Pool::Postgres(pool) => {
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(pool)
            .await?;
            for name in names {
                let columns = sqlx::query_scalar(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = $1",
                )
                .bind(&name)
                .fetch_all(pool)
                .await?;
                let indexes = sqlx::query_scalar(
                    "SELECT i.relname::text FROM pg_index x \
                     JOIN pg_class i ON i.oid = x.indexrelid \
                     JOIN pg_class t ON t.oid = x.indrelid \
                     WHERE t.relname = $1 \
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                )
                .bind(&name)
                .fetch_all(pool)
                .await?;
                let mut outline = outline_of(columns, indexes);
                if name == "messages" {
                    outline.columns.remove("search");
                    outline.indexes.remove(FULL_TEXT);
                }
                tables.insert(name, outline);
            }
        }
    }
    Ok(tables)
}

fn outline_of(columns: Vec<String>, indexes: Vec<String>) -> TableOutline {
    TableOutline {
        columns: columns.into_iter().collect(),
        indexes: indexes.into_iter().collect(),
    }
}
