//! Users, their profiles, avatars and single-use emailed tokens.

use ocomms_proto::{Timestamp, UserId};

use crate::backend::{in_transaction, on_pool};
use crate::record::{USER_COLUMNS, USER_RETURNING};
use crate::{NewUser, ProfileFields, Store, StoreError, StoreResult, TokenPurpose, UserRecord};

impl Store {
    /// Creates an account. The first account ever created becomes instance administrator:
    /// it claims the singleton `instance` row in the same transaction, so of two concurrent
    /// first sign-ups exactly one wins. A duplicate email is `Conflict`. The handle comes from
    /// the display name, with a number when taken.
    pub async fn create_user(&self, new: &NewUser) -> StoreResult<UserRecord> {
        let base = ocomms_domain::handle::base(&new.display_name, &new.email);
        // Two sign-ups with the same name can pick the same free handle at once; the unique
        // index refuses one, which then picks again. An email taken stays a `Conflict`.
        for _ in 0..5 {
            match self.insert_user(new, &base).await {
                Err(StoreError::Conflict) if self.user_by_email(&new.email).await?.is_none() => {
                    continue;
                }
                other => return other,
            }
        }
        Err(StoreError::Conflict)
    }

    async fn insert_user(&self, new: &NewUser, base_handle: &str) -> StoreResult<UserRecord> {
        let sql = format!(
            "INSERT INTO users (email, password_hash, display_name, handle, email_verified, \
             is_instance_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING {USER_RETURNING}"
        );
        in_transaction!(self, |tx| {
            let taken: Vec<String> = sqlx::query_scalar(
                "SELECT handle FROM users WHERE handle = $1 OR handle LIKE $1 || '%'",
            )
            .bind(base_handle)
            .fetch_all(&mut *tx)
            .await?;
            let handle = ocomms_domain::handle::unique(base_handle, &taken);
            let claimed = sqlx::query(
                "UPDATE instance SET setup_claimed = TRUE WHERE id = 1 AND setup_claimed = FALSE",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let row = sqlx::query(&sql)
                .bind(&new.email)
                .bind(&new.password_hash)
                .bind(&new.display_name)
                .bind(&handle)
                .bind(new.email_verified)
                .bind(claimed)
                .bind(new.created_at)
                .fetch_one(&mut *tx)
                .await?;
            UserRecord::from_row(&row).map_err(StoreError::from)
        })
    }

    /// Gives every account made before handles existed one from its display name (migration
    /// 0008 adds the column; SQL cannot transliterate names). Runs after migrating.
    pub(crate) async fn assign_missing_handles(&self) -> StoreResult<()> {
        let missing: Vec<(i64, String, String)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, display_name, email FROM users WHERE handle IS NULL ORDER BY id"
        )
        .fetch_all(pool)
        .await?);
        for (id, display_name, email) in missing {
            let base = ocomms_domain::handle::base(&display_name, &email);
            in_transaction!(self, |tx| {
                let taken: Vec<String> = sqlx::query_scalar(
                    "SELECT handle FROM users WHERE handle = $1 OR handle LIKE $1 || '%'",
                )
                .bind(&base)
                .fetch_all(&mut *tx)
                .await?;
                let handle = ocomms_domain::handle::unique(&base, &taken);
                sqlx::query("UPDATE users SET handle = $2 WHERE id = $1 AND handle IS NULL")
                    .bind(id)
                    .bind(&handle)
                    .execute(&mut *tx)
                    .await?;
                Ok::<_, StoreError>(())
            })?;
        }
        Ok(())
    }

    pub async fn user_by_id(&self, id: UserId) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql).bind(id.0).fetch_optional(pool).await?;
            Ok(row.map(|r| UserRecord::from_row(&r)).transpose()?)
        })
    }

    /// `email` must already be normalised (lowercase, trimmed).
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql).bind(email).fetch_optional(pool).await?;
            Ok(row.map(|r| UserRecord::from_row(&r)).transpose()?)
        })
    }

    pub async fn count_users(&self) -> StoreResult<i64> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(pool)
                .await?)
        })
    }

    /// Replaces the password hash. Sessions are revoked separately by the caller's choice.
    pub async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()> {
        self.update_user(
            "UPDATE users SET password_hash = $2 WHERE id = $1",
            user,
            hash,
        )
        .await
    }

    pub async fn mark_email_verified(&self, user: UserId) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query("UPDATE users SET email_verified = TRUE WHERE id = $1")
                .bind(user.0)
                .execute(pool)
                .await?;
            expect_one(done.rows_affected())
        })
    }

    pub async fn set_instance_admin(&self, user: UserId, admin: bool) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query("UPDATE users SET is_instance_admin = $2 WHERE id = $1")
                .bind(user.0)
                .bind(admin)
                .execute(pool)
                .await?;
            expect_one(done.rows_affected())
        })
    }

    pub async fn update_profile(&self, user: UserId, fields: &ProfileFields) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE users SET display_name = $2, title = $3, bio = $4, time_zone = $5, \
                 handle = $6 WHERE id = $1",
            )
            .bind(user.0)
            .bind(&fields.display_name)
            .bind(&fields.title)
            .bind(&fields.bio)
            .bind(&fields.time_zone)
            .bind(&fields.handle)
            .execute(pool)
            .await?;
            expect_one(done.rows_affected())
        })
    }

    /// Stores an already re-encoded avatar and returns its new version number.
    pub async fn set_avatar(&self, user: UserId, image: &[u8], now: Timestamp) -> StoreResult<i64> {
        in_transaction!(self, |tx| {
            sqlx::query(
                "INSERT INTO avatars (user_id, image, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET image = $2, updated_at = $3",
            )
            .bind(user.0)
            .bind(image)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let version: i64 = sqlx::query_scalar(
                "UPDATE users SET avatar_version = avatar_version + 1 WHERE id = $1 \
                 RETURNING avatar_version",
            )
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
            Ok::<_, StoreError>(version)
        })
    }

    /// Back to the generated avatar.
    pub async fn clear_avatar(&self, user: UserId) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            sqlx::query("DELETE FROM avatars WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE users SET avatar_version = 0 WHERE id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// The uploaded avatar image, if any.
    pub async fn avatar(&self, user: UserId) -> StoreResult<Option<Vec<u8>>> {
        on_pool!(self, |pool| {
            Ok(
                sqlx::query_scalar("SELECT image FROM avatars WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// True when the two users are members of at least one common workspace (or are the
    /// same user): the condition for seeing each other's profile.
    pub async fn users_share_workspace(&self, a: UserId, b: UserId) -> StoreResult<bool> {
        if a == b {
            return Ok(true);
        }
        on_pool!(self, |pool| {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT m1.user_id FROM members m1 JOIN members m2 ON m1.workspace_id = m2.workspace_id \
                 WHERE m1.user_id = $1 AND m2.user_id = $2 LIMIT 1",
            )
            .bind(a.0)
            .bind(b.0)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Records a single-use token; earlier unused tokens of the same purpose stop working.
    pub async fn create_auth_token(
        &self,
        user: UserId,
        purpose: TokenPurpose,
        token_hash: &[u8],
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            sqlx::query(
                "UPDATE auth_tokens SET used_at = $3 \
                 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
            )
            .bind(user.0)
            .bind(purpose.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user.0)
            .bind(purpose.as_str())
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Uses a token once: returns its user if the token exists, has this purpose, is not
    /// expired and was not used before. The check and the marking are one statement.
    pub async fn consume_auth_token(
        &self,
        purpose: TokenPurpose,
        token_hash: &[u8],
        now: Timestamp,
    ) -> StoreResult<Option<UserId>> {
        on_pool!(self, |pool| {
            let user: Option<i64> = sqlx::query_scalar(
                "UPDATE auth_tokens SET used_at = $3 \
                 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
                 RETURNING user_id",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(pool)
            .await?;
            Ok(user.map(UserId))
        })
    }

    async fn update_user(&self, sql: &str, user: UserId, value: &str) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(sql)
                .bind(user.0)
                .bind(value)
                .execute(pool)
                .await?;
            expect_one(done.rows_affected())
        })
    }
}

pub(crate) fn expect_one(rows: u64) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
