//! The event log: every change a user may see, at a gapless position in its conversation
//! (`seq`) and in its workspace (`position`), written in the transaction of the change
//! (ADR 0005), and read back for replay and the realtime feeds.

use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::{ConversationId, UserId, WorkspaceId};

use crate::backend::on_pool;
use crate::row::Columns;
use crate::{Store, StoreError, StoreResult};

/// The head of every event insert: one row (`VALUES ($1, …, $7)`, see `Steps::insert_event`) or
/// many (`group::row_placeholders`), always these columns in this order.
pub(crate) const EVENT_INSERT: &str = "INSERT INTO conversation_events \
     (workspace_id, position, conversation_id, seq, actor, at, payload) VALUES ";

impl Store {
    /// A conversation's events after `seq`, oldest first, at most `limit`.
    pub async fn conversation_events(
        &self,
        conversation: ConversationId,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM conversation_events e \
             WHERE e.conversation_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(conversation.0)
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(event_from_row).collect()
        })
    }

    /// A workspace's events after `position`, in position order, at most `limit`.
    pub async fn workspace_events(
        &self,
        workspace: WorkspaceId,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM conversation_events e \
             WHERE e.workspace_id = $1 AND e.position > $2 ORDER BY e.position LIMIT $3"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(workspace.0)
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(event_from_row).collect()
        })
    }

    /// The newest event position of a workspace (0 before the first event).
    pub async fn workspace_head(&self, workspace: WorkspaceId) -> StoreResult<i64> {
        on_pool!(self, |pool| {
            let head: Option<i64> =
                sqlx::query_scalar("SELECT last_position FROM workspaces WHERE id = $1")
                    .bind(workspace.0)
                    .fetch_optional(pool)
                    .await?;
            head.ok_or(StoreError::NotFound)
        })
    }

    /// Every conversation of a workspace with its member ids (the realtime fan-out's view of
    /// who hears what, kept current from then on by the events themselves).
    pub async fn workspace_audiences(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<(ConversationId, UserId)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT cm.conversation_id, cm.user_id FROM conversation_members cm \
                 JOIN conversations c ON c.id = cm.conversation_id WHERE c.workspace_id = $1",
            )
            .bind(workspace.0)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(c, u)| (ConversationId(c), UserId(u)))
                .collect())
        })
    }
}

const EVENT_COLUMNS: &str =
    "e.workspace_id, e.position, e.conversation_id, e.seq, e.actor, e.at, e.payload";

fn event_from_row(row: &impl Columns) -> StoreResult<Event> {
    let payload: EventPayload = serde_json::from_str(&row.text("payload")?)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?;
    Ok(Event {
        workspace_id: WorkspaceId(row.int("workspace_id")?),
        position: row.int("position")?,
        conversation_id: ConversationId(row.int("conversation_id")?),
        seq: row.int("seq")?,
        actor: UserId(row.int("actor")?),
        at: row.int("at")?,
        payload,
    })
}
