//! Migrations embedded in the binary, one directory per backend with the same file names
//! (a test checks they stay paired), so a server upgrade needs no files beside it.

use std::borrow::Cow;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::Backend;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        /// File names (without `.sql`) of every migration, in order.
        pub const MIGRATION_NAMES: &[&str] = &[$($name),*];
        const SQLITE: &[&str] = &[$(include_str!(concat!("../migrations/sqlite/", $name, ".sql"))),*];
        const POSTGRES: &[&str] = &[$(include_str!(concat!("../migrations/postgres/", $name, ".sql"))),*];
    };
}

embedded![
    "0001_foundation",
    "0002_conversations",
    "0003_messages",
    "0004_reactions",
    "0005_threads",
    "0006_pins",
    "0007_unread",
    "0008_mentions",
    "0009_notifications",
    "0010_missed_email",
    "0011_search",
    "0012_imports",
    "0013_personal_exports",
    "0014_last_message_seq",
];

/// The SQL texts of a backend's migrations, in order.
pub fn migrations_for(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// A backend's migrations up to and including version `up_to`.
#[derive(Debug)]
struct Embedded(Backend, i64);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            let mut out = Vec::with_capacity(MIGRATION_NAMES.len());
            for (name, sql) in MIGRATION_NAMES.iter().zip(migrations_for(self.0)) {
                let (version, description) = name.split_once('_').unwrap_or((name, name));
                let version: i64 = version.parse()?;
                if version > self.1 {
                    break;
                }
                out.push(Migration::new(
                    version,
                    Cow::Owned(description.replace('_', " ")),
                    MigrationType::Simple,
                    Cow::Borrowed(*sql),
                    false,
                ));
            }
            Ok(out)
        })
    }
}

pub(crate) async fn migrator(backend: Backend) -> Result<Migrator, sqlx::migrate::MigrateError> {
    migrator_up_to(backend, i64::MAX).await
}

/// The migrations of `backend` that end at schema `version`: `ocomms import` brings an empty
/// database to the schema an export was written at before loading its rows, then to the latest.
pub(crate) async fn migrator_up_to(
    backend: Backend,
    version: i64,
) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded(backend, version)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_exists_for_both_backends() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let list = |backend: &str| {
            let mut names: Vec<String> = std::fs::read_dir(format!("{dir}/{backend}"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let sqlite = list("sqlite");
        assert_eq!(sqlite, list("postgres"), "migrations must be paired");
        let embedded: Vec<String> = MIGRATION_NAMES.iter().map(|n| format!("{n}.sql")).collect();
        assert_eq!(sqlite, embedded, "every migration file must be embedded");
    }
}
