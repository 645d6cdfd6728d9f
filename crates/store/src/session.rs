//! Browser sessions and API tokens (one table; see docs/adr/0004-sessions-and-tokens.md).

use ocomms_proto::{SessionId, Timestamp, UserId};

use crate::backend::on_pool;
use crate::record::{SESSION_COLUMNS, SESSION_RETURNING, USER_COLUMNS};
use crate::{NewSession, SessionRecord, Store, StoreError, StoreResult, UserRecord};

/// `last_seen_at` is refreshed at most this often, so reads do not turn into writes.
const TOUCH_INTERVAL_MS: i64 = 60_000;

impl Store {
    pub async fn create_session(&self, new: &NewSession) -> StoreResult<SessionRecord> {
        let sql = format!(
            "INSERT INTO sessions (user_id, token_hash, kind, label, csrf_token, created_at, \
             last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {SESSION_RETURNING}"
        );
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(new.user_id.0)
                .bind(&new.token_hash)
                .bind(new.kind.as_str())
                .bind(&new.label)
                .bind(&new.csrf_token)
                .bind(new.now)
                .fetch_one(pool)
                .await?;
            SessionRecord::from_row(&row).map_err(StoreError::from)
        })
    }

    /// The live session with this token hash and its user; refreshes `last_seen_at`.
    pub async fn session_by_token(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS}, {USER_COLUMNS} FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        );
        let found = on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(token_hash)
                .fetch_optional(pool)
                .await?;
            row.map(|r| {
                Ok::<_, sqlx::Error>((SessionRecord::from_row(&r)?, UserRecord::from_row(&r)?))
            })
            .transpose()?
        });
        if let Some((session, _)) = &found
            && now - session.last_seen_at > TOUCH_INTERVAL_MS
        {
            on_pool!(self, |pool| {
                sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
                    .bind(session.id.0)
                    .bind(now)
                    .execute(pool)
                    .await
                    .map(|_| ())?
            });
        }
        Ok(found)
    }

    /// A user's sessions, most recently used first.
    pub async fn sessions_of(&self, user: UserId) -> StoreResult<Vec<SessionRecord>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.user_id = $1 \
             ORDER BY s.last_seen_at DESC, s.id DESC"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql).bind(user.0).fetch_all(pool).await?;
            Ok(rows
                .iter()
                .map(SessionRecord::from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    /// Revokes one of `user`'s sessions; `NotFound` if it is not theirs or already gone.
    pub async fn delete_session(&self, user: UserId, session: SessionId) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(session.0)
                .bind(user.0)
                .execute(pool)
                .await?;
            crate::account::expect_one(done.rows_affected())
        })
    }

    /// Revokes all of `user`'s sessions except `keep`; returns the ones that went.
    pub async fn delete_sessions_except(
        &self,
        user: UserId,
        keep: Option<SessionId>,
    ) -> StoreResult<Vec<SessionId>> {
        on_pool!(self, |pool| {
            let ids: Vec<i64> = sqlx::query_scalar(
                "DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id",
            )
            .bind(user.0)
            .bind(keep.map_or(-1, |s| s.0))
            .fetch_all(pool)
            .await?;
            Ok(ids.into_iter().map(SessionId).collect())
        })
    }
}
