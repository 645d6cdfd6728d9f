//! Putting rows back: every portable table emptied and filled in one transaction.

use super::{Cell, Column, ColumnType, MAX_VALUES_PER_INSERT, Tx, quoted, tables};
use crate::backend::Pool;
use crate::{Backend, Store, StoreError, StoreResult};

impl Store {
    /// Starts replacing every portable table's rows: all of them are deleted at once, in one
    /// transaction that [`Filling::finish`] commits (dropping it undoes everything).
    pub async fn start_filling(&self) -> StoreResult<Filling> {
        let mut tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        for table in tables::TABLES.iter().rev() {
            if tx.columns(table.name).await?.is_empty() {
                continue; // not at this schema version
            }
            let sql = format!("DELETE FROM {}", table.name);
            on_tx!(&mut tx, |conn| {
                sqlx::query(&sql).execute(conn).await?;
            });
        }
        Ok(Filling { tx })
    }
}

/// Rows being put into emptied tables, in one transaction (see [`Store::start_filling`]).
pub struct Filling {
    tx: Tx,
}

impl Filling {
    pub async fn columns(&mut self, table: &str) -> StoreResult<Vec<Column>> {
        self.tx.columns(table).await
    }

    /// Inserts `rows` (values in the order of `columns`) into `table`, in as few statements
    /// as the backends' limits on bound values allow.
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &[Column],
        rows: &[Vec<Cell>],
    ) -> StoreResult<()> {
        let table = tables::find(table).ok_or(StoreError::Invariant("not a portable table"))?;
        if columns.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = columns.iter().map(|c| quoted(&c.name)).collect();
        let overriding = match self.tx.backend() {
            Backend::Postgres if table.identity => " OVERRIDING SYSTEM VALUE",
            _ => "",
        };
        let per_statement = (MAX_VALUES_PER_INSERT / columns.len()).max(1);
        for batch in rows.chunks(per_statement) {
            let sql = format!(
                "INSERT INTO {} ({}){overriding} VALUES {}",
                table.name,
                names.join(", "),
                crate::message::bulk_row_placeholders(
                    self.tx.backend(),
                    batch.len(),
                    columns.len()
                )
            );
            if batch.iter().any(|row| row.len() != columns.len()) {
                return Err(StoreError::Invariant(
                    "a row has the wrong number of values",
                ));
            }
            on_tx!(&mut self.tx, |conn| {
                let mut query = sqlx::query(&sql);
                for row in batch {
                    for (cell, column) in row.iter().zip(columns) {
                        query = match (column.ty, cell) {
                            (ColumnType::Int, Cell::Int(v)) => query.bind(*v),
                            (ColumnType::Int, Cell::Null) => query.bind(None::<i64>),
                            (ColumnType::Text, Cell::Text(v)) => query.bind(v.as_str()),
                            (ColumnType::Text, Cell::Null) => query.bind(None::<String>),
                            (ColumnType::Bytes, Cell::Bytes(v)) => query.bind(v.as_slice()),
                            (ColumnType::Bytes, Cell::Null) => query.bind(None::<Vec<u8>>),
                            (ColumnType::Bool, Cell::Bool(v)) => query.bind(*v),
                            (ColumnType::Bool, Cell::Null) => query.bind(None::<bool>),
                            _ => {
                                return Err(StoreError::Invariant(
                                    "a value does not have its column's type",
                                ));
                            }
                        };
                    }
                }
                query.execute(conn).await?;
            });
        }
        Ok(())
    }

    /// Commits. PostgreSQL's id sequences continue after the largest id loaded; a server
    /// filled from one workspace gets its settings row (set up, sign-up closed) and starts
    /// its missed-message mail after the loaded messages.
    pub async fn finish(mut self, scope_was_workspace: bool) -> StoreResult<()> {
        let mut statements = Vec::new();
        if self.tx.backend() == Backend::Postgres {
            for table in tables::TABLES.iter().filter(|t| t.identity) {
                statements.push(format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
                    table.name
                ));
            }
        }
        if scope_was_workspace {
            statements.push("INSERT INTO instance (id, setup_claimed) VALUES (1, TRUE)".into());
            statements.push(
                "INSERT INTO email_sweep (id, swept_through) \
                 SELECT 1, COALESCE(MAX(id), 0) FROM messages"
                    .into(),
            );
        }
        for sql in &statements {
            on_tx!(&mut self.tx, |conn| {
                sqlx::query(sql).execute(conn).await?;
            });
        }
        self.tx.commit().await
    }
}
