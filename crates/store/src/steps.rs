//! The steps write transactions are made of, as typed methods on either backend's
//! connection: inside `in_transaction!`, `tx.record_event(…).await?` (a `Transaction` derefs
//! to its connection). Each body is written once; `for_both_backends!` stamps it for SQLite
//! and PostgreSQL, whose drivers are distinct types (ADR 0001), as `row.rs` does for rows.
//! Call sites see ordinary `async` methods: every `?` and `.await` is in plain sight.

use std::collections::{BTreeMap, HashMap};

use ocomms_proto::UserId;
use ocomms_proto::event::EventPayload;

use crate::event::EVENT_INSERT;
use crate::{StoreError, StoreResult};

/// Where an event is written: its workspace, its position there, its seq in its
/// conversation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub workspace: i64,
    pub position: i64,
    pub seq: i64,
}

pub(crate) trait Steps {
    /// Takes the next positions for an event in `conversation`. Both counters are bumped
    /// with `UPDATE … RETURNING`, whose row locks are held until commit, so positions are
    /// gapless and commit in order.
    ///
    /// Lock order, everywhere: the workspace row, then conversation rows. On PostgreSQL two
    /// nodes' group commits each write several conversations; taking the conversation
    /// first let one hold conversation A and the workspace while waiting for B, and the
    /// other hold B while waiting for the workspace — a deadlock (found by `ocomms-loadgen
    /// nodes`). A transaction that changes a conversation row before recording its event
    /// therefore takes the workspace first with [`Steps::lock_workspace`]. (SQLite writes
    /// one transaction at a time.)
    async fn next_position(&mut self, conversation: i64) -> StoreResult<Slot>;

    /// Takes the row lock of a conversation's workspace (see `next_position` on lock order).
    async fn lock_workspace(&mut self, conversation: i64) -> StoreResult<()>;

    /// Writes an event at a slot taken with `next_position`.
    async fn insert_event(
        &mut self,
        slot: Slot,
        conversation: i64,
        actor: i64,
        now: i64,
        payload: &EventPayload,
    ) -> StoreResult<()>;

    /// Appends an event to `conversation`; returns its seq.
    async fn record_event(
        &mut self,
        conversation: i64,
        actor: i64,
        now: i64,
        payload: &EventPayload,
    ) -> StoreResult<i64>;

    /// Runs `sql` (`… SET counter = counter + $2 WHERE id = $1 RETURNING counter`) for each
    /// `(id, count)` of `counts`, in id order; returns each id's counter after the increase.
    async fn advance_counters(
        &mut self,
        sql: &str,
        counts: &BTreeMap<i64, i64>,
    ) -> StoreResult<HashMap<i64, i64>>;

    /// Puts a workspace member into #general. Guests are never put there (callers do not
    /// ask for them): they see only the channels they are added to.
    async fn join_general(&mut self, workspace: i64, user: UserId, now: i64) -> StoreResult<()>;
}

/// Implements a trait of steps for both backends' connections from one body.
macro_rules! for_both_backends {
    (impl $steps:ident { $($body:tt)* }) => {
        impl $steps for sqlx::SqliteConnection { $($body)* }
        impl $steps for sqlx::PgConnection { $($body)* }
    };
}

pub(crate) use for_both_backends;

/// Which backend a connection type speaks, for SQL text that differs between them (see
/// `bulk_row_placeholders`).
pub(crate) trait OnBackend {
    const BACKEND: crate::Backend;
}

impl OnBackend for sqlx::SqliteConnection {
    const BACKEND: crate::Backend = crate::Backend::Sqlite;
}

impl OnBackend for sqlx::PgConnection {
    const BACKEND: crate::Backend = crate::Backend::Postgres;
}

for_both_backends! { impl Steps {
    async fn next_position(&mut self, conversation: i64) -> StoreResult<Slot> {
        let (workspace, position): (i64, i64) = sqlx::query_as(
            "UPDATE workspaces SET last_position = last_position + 1 \
             WHERE id = (SELECT workspace_id FROM conversations WHERE id = $1) \
             RETURNING id, last_position",
        )
        .bind(conversation)
        .fetch_one(&mut *self)
        .await?;
        let seq: i64 = sqlx::query_scalar(
            "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
        )
        .bind(conversation)
        .fetch_one(&mut *self)
        .await?;
        Ok(Slot { workspace, position, seq })
    }

    async fn lock_workspace(&mut self, conversation: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE workspaces SET last_position = last_position \
             WHERE id = (SELECT workspace_id FROM conversations WHERE id = $1)",
        )
        .bind(conversation)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn insert_event(
        &mut self,
        slot: Slot,
        conversation: i64,
        actor: i64,
        now: i64,
        payload: &EventPayload,
    ) -> StoreResult<()> {
        let payload = serde_json::to_string(payload)
            .map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))?;
        sqlx::query(&format!("{EVENT_INSERT}($1, $2, $3, $4, $5, $6, $7)"))
            .bind(slot.workspace)
            .bind(slot.position)
            .bind(conversation)
            .bind(slot.seq)
            .bind(actor)
            .bind(now)
            .bind(payload)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    async fn record_event(
        &mut self,
        conversation: i64,
        actor: i64,
        now: i64,
        payload: &EventPayload,
    ) -> StoreResult<i64> {
        let slot = self.next_position(conversation).await?;
        self.insert_event(slot, conversation, actor, now, payload).await?;
        Ok(slot.seq)
    }

    async fn advance_counters(
        &mut self,
        sql: &str,
        counts: &BTreeMap<i64, i64>,
    ) -> StoreResult<HashMap<i64, i64>> {
        let mut last = HashMap::with_capacity(counts.len());
        for (id, count) in counts {
            let value: i64 = sqlx::query_scalar(sql)
                .bind(*id)
                .bind(*count)
                .fetch_one(&mut *self)
                .await?;
            last.insert(*id, value);
        }
        Ok(last)
    }

    async fn join_general(&mut self, workspace: i64, user: UserId, now: i64) -> StoreResult<()> {
        let general: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE workspace_id = $1 AND is_general",
        )
        .bind(workspace)
        .fetch_optional(&mut *self)
        .await?;
        let Some(general) = general else {
            return Ok(());
        };
        let joined = sqlx::query(
            "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) \
             VALUES ($1, $2, 'member', $3) ON CONFLICT DO NOTHING",
        )
        .bind(general)
        .bind(user.0)
        .bind(now)
        .execute(&mut *self)
        .await?
        .rows_affected();
        if joined == 1 {
            let event = EventPayload::MemberJoined { user_id: user };
            self.record_event(general, user.0, now, &event).await?;
        }
        Ok(())
    }
} }
