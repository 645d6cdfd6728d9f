//! Persistence for OComms: one [`Store`] whose every operation runs on SQLite (the embedded
//! default) or PostgreSQL (for several nodes), chosen by the database URL at start-up.
//!
//! What belongs here: SQL, migrations, row mapping, and the atomicity of each operation
//! (a conditional `UPDATE` or a transaction, so no caller ever sees a half-written change).
//! What does not: authorization and business rules (`ocomms-domain` and the server's `app/`
//! decide; the store only refuses what would break an invariant, such as the last owner).
//! See docs/adr/0001-storage-over-two-backends.md.

mod backend;
mod backup;
mod migration;
mod record;
mod row;
mod steps;

mod account;
mod bulk;
mod conversation;
mod event;
mod instance;
mod invitation;
mod mention;
mod message;
mod missed_email;
mod notification;
mod personal_export;
mod pin;
mod portable;
mod reaction;
mod read;
mod search;
mod session;
mod thread;
mod workspace;

#[cfg(feature = "test-support")]
pub mod testing;

pub use backend::{Backend, Store, sqlite_path};
pub use backup::{latest_schema_version, restore_postgres_dump};
pub use bulk::HistoryMessage;
pub use conversation::{
    ConversationChange, ConversationMemberRecord, ConversationRecord, ConversationSeenBy,
    NewConversation, PostingAccess, VisibleConversation,
};
pub use instance::InstanceSettings;
pub use invitation::Redeemed;
pub use mention::MentionTargets;
pub use message::{HistoryScope, HistoryWindow, MentionRecord, MessageEdit, NewMessage};
pub use migration::{MIGRATION_NAMES, migrations_for};
pub use missed_email::{EmailRecipient, MissedMessage};
pub use notification::{NotificationSettings, QuietHours};
pub use personal_export::{
    AuthoredMessage, OwnConversation, OwnMembership, OwnReaction, PersonalExportRecord,
};
pub use portable::{
    Cell, Column, ColumnType, Filling, ImportRecord, PortableScope, Snapshot, is_portable_table,
    portable_tables,
};
pub use reaction::ReactionChange;
pub use read::ReadState;
pub use record::*;
pub use search::Search;
pub use thread::FollowedThread;

/// Errors of the persistence layer. Callers match on the variants; `Database` is for
/// failures they cannot act on (connection lost, disk full) and becomes a 5xx.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (duplicate email, slug, …).
    #[error("already exists")]
    Conflict,
    /// The row to change does not exist (or no longer matches the condition).
    #[error("not found")]
    NotFound,
    /// The change would leave a workspace without an owner.
    #[error("a workspace must keep at least one owner")]
    LastOwner,
    /// Something the store itself guarantees did not hold (a row it just wrote is missing, a
    /// count disagrees). A fault to log and answer 500, never a "not found" for the caller.
    #[error("store invariant broken: {0}")]
    Invariant(&'static str),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("invalid database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// A backup or restore step failed (a PostgreSQL client program, a damaged copy).
    #[error("{0}")]
    Tool(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict,
            _ => Self::Database(e),
        }
    }
}

impl StoreError {
    /// The store is closing and takes no more writes.
    pub fn closed() -> Self {
        Self::Database(sqlx::Error::PoolClosed)
    }

    /// The database could not be reached (as opposed to refusing the statement).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
