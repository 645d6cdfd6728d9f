//! A person's own data (a GDPR access request): what they wrote, reacted and joined, read
//! for one account only; and the prepared downloads (`personal_exports`), kept in the
//! database so that whichever node a browser reaches can report progress and serve the file.

use ocomms_proto::{Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::{Store, StoreResult};

/// One prepared (or preparing) download; the document itself is read apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalExportRecord {
    pub id: i64,
    /// `running`, `ready` or `failed`.
    pub state: String,
    pub done: i64,
    pub total: i64,
    pub created_at: Timestamp,
    /// The job's last progress report (or its end).
    pub updated_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// Size of the document, once ready.
    pub bytes: Option<i64>,
    pub error: Option<String>,
}

/// A workspace the person is a member of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnMembership {
    pub workspace: String,
    pub name: String,
    pub role: String,
    pub joined_at: Timestamp,
}

/// A conversation the person is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnConversation {
    pub id: i64,
    pub workspace: String,
    pub kind: String,
    pub name: Option<String>,
    pub joined_at: Timestamp,
    pub last_read_seq: i64,
    pub notify_level: Option<String>,
}

/// A message the person wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthoredMessage {
    pub id: i64,
    pub workspace: String,
    pub conversation_id: i64,
    pub conversation_name: Option<String>,
    pub seq: i64,
    pub thread_root_id: Option<i64>,
    pub body: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    pub deleted_at: Option<Timestamp>,
}

/// A reaction the person added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnReaction {
    pub message_id: i64,
    pub emoji: String,
    pub created_at: Timestamp,
}

const RECORD_COLUMNS: &str = "id, state, done, total, created_at, updated_at, finished_at, \
    CAST(LENGTH(data) AS BIGINT), error";

type RecordRow = (
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn record(
    (id, state, done, total, created_at, updated_at, finished_at, bytes, error): RecordRow,
) -> PersonalExportRecord {
    PersonalExportRecord {
        id,
        state,
        done,
        total,
        created_at,
        updated_at,
        finished_at,
        bytes,
        error,
    }
}

impl Store {
    /// Starts a new download for `user`, replacing their older ones; `None` while another is
    /// still running. One still running but silent since before `stale_before` was on a node that
    /// stopped: it is marked failed, not waited for.
    pub async fn start_personal_export(
        &self,
        user: UserId,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> StoreResult<Option<i64>> {
        in_transaction!(self, |tx| {
            sqlx::query(
                "UPDATE personal_exports SET state = 'failed', finished_at = $2, \
                 error = 'the server stopped while preparing it; prepare a new one' \
                 WHERE user_id = $1 AND state = 'running' AND updated_at < $3",
            )
            .bind(user.0)
            .bind(now)
            .bind(stale_before)
            .execute(&mut *tx)
            .await?;
            let running: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM personal_exports WHERE user_id = $1 AND state = 'running'",
            )
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
            if running > 0 {
                return Ok(None);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO personal_exports (user_id, state, created_at, updated_at) \
                 VALUES ($1, 'running', $2, $2) RETURNING id",
            )
            .bind(user.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            // Deleted after the insert, so that SQLite does not give the new one an old id
            // (an old link must not fetch the new document).
            sqlx::query("DELETE FROM personal_exports WHERE user_id = $1 AND id <> $2")
                .bind(user.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Ok(Some(id))
        })
    }

    pub async fn set_personal_export_progress(
        &self,
        id: i64,
        done: i64,
        total: i64,
        now: Timestamp,
    ) -> StoreResult<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE personal_exports SET done = $2, total = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(done)
            .bind(total)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Ends a download: the document, or why there is none.
    pub async fn finish_personal_export(
        &self,
        id: i64,
        outcome: Result<&[u8], &str>,
        now: Timestamp,
    ) -> StoreResult<()> {
        let (state, data, error) = match outcome {
            Ok(data) => ("ready", Some(data), None),
            Err(error) => ("failed", None, Some(error)),
        };
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE personal_exports SET state = $2, data = $3, error = $4, \
                 finished_at = $5, updated_at = $5, done = CASE WHEN $2 = 'ready' THEN total ELSE done END \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(state)
            .bind(data)
            .bind(error)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// `user`'s download `id` (nobody else's).
    pub async fn personal_export(
        &self,
        user: UserId,
        id: i64,
    ) -> StoreResult<Option<PersonalExportRecord>> {
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM personal_exports WHERE id = $1 AND user_id = $2");
        let found: Option<RecordRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .bind(user.0)
            .fetch_optional(pool)
            .await?);
        Ok(found.map(record))
    }

    /// `user`'s newest download.
    pub async fn latest_personal_export(
        &self,
        user: UserId,
    ) -> StoreResult<Option<PersonalExportRecord>> {
        let newest: Option<i64> = on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT MAX(id) FROM personal_exports WHERE user_id = $1"
        )
        .bind(user.0)
        .fetch_one(pool)
        .await?);
        match newest {
            Some(id) => self.personal_export(user, id).await,
            None => Ok(None),
        }
    }

    /// The document of `user`'s ready download `id`.
    pub async fn personal_export_data(
        &self,
        user: UserId,
        id: i64,
    ) -> StoreResult<Option<Vec<u8>>> {
        let found: Option<Option<Vec<u8>>> = on_pool!(self, |pool| {
            sqlx::query_scalar(
            "SELECT data FROM personal_exports WHERE id = $1 AND user_id = $2 AND state = 'ready'"
        )
        .bind(id)
        .bind(user.0)
        .fetch_optional(pool)
        .await?
        });
        Ok(found.flatten())
    }

    pub async fn own_memberships(&self, user: UserId) -> StoreResult<Vec<OwnMembership>> {
        let rows: Vec<(String, String, String, i64)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT w.slug, w.name, m.role, m.joined_at FROM members m \
             JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.id"
        )
        .bind(user.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(workspace, name, role, joined_at)| OwnMembership {
                workspace,
                name,
                role,
                joined_at,
            })
            .collect())
    }

    pub async fn own_conversations(&self, user: UserId) -> StoreResult<Vec<OwnConversation>> {
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            i64,
            i64,
            Option<String>,
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT c.id, w.slug, c.kind, c.name, cm.joined_at, cm.last_read_seq, cm.notify_level \
             FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id \
             JOIN workspaces w ON w.id = c.workspace_id WHERE cm.user_id = $1 ORDER BY c.id"
        )
        .bind(user.0)
        .fetch_all(pool)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, workspace, kind, name, joined_at, last_read_seq, notify_level)| {
                    OwnConversation {
                        id,
                        workspace,
                        kind,
                        name,
                        joined_at,
                        last_read_seq,
                        notify_level,
                    }
                },
            )
            .collect())
    }

    pub async fn count_authored_messages(&self, user: UserId) -> StoreResult<i64> {
        Ok(on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE author_id = $1"
        )
        .bind(user.0)
        .fetch_one(pool)
        .await?))
    }

    /// The messages `user` wrote with ids after `after`, oldest first, at most `limit`.
    pub async fn authored_messages(
        &self,
        user: UserId,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuthoredMessage>> {
        type Row = (
            i64,
            String,
            i64,
            Option<String>,
            i64,
            Option<i64>,
            String,
            i64,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Row> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT m.id, w.slug, m.conversation_id, c.name, m.seq, m.thread_root_id, m.body, \
             m.created_at, m.edited_at, m.deleted_at FROM messages m \
             JOIN conversations c ON c.id = m.conversation_id \
             JOIN workspaces w ON w.id = c.workspace_id \
             WHERE m.author_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3"
        )
        .bind(user.0)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    workspace,
                    conversation_id,
                    conversation_name,
                    seq,
                    thread_root_id,
                    body,
                    created_at,
                    edited_at,
                    deleted_at,
                )| AuthoredMessage {
                    id,
                    workspace,
                    conversation_id,
                    conversation_name,
                    seq,
                    thread_root_id,
                    body,
                    created_at,
                    edited_at,
                    deleted_at,
                },
            )
            .collect())
    }

    pub async fn own_reactions(&self, user: UserId) -> StoreResult<Vec<OwnReaction>> {
        let rows: Vec<(i64, String, i64)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT message_id, emoji, created_at FROM message_reactions WHERE user_id = $1 \
             ORDER BY message_id, created_at"
        )
        .bind(user.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(message_id, emoji, created_at)| OwnReaction {
                message_id,
                emoji,
                created_at,
            })
            .collect())
    }
}
