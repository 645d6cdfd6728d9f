//! The singleton row of server-wide settings.

use crate::backend::on_pool;
use crate::row::Columns;
use crate::{Store, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceSettings {
    /// An account exists (the first sign-up claimed administration).
    pub setup_claimed: bool,
    pub open_signup: bool,
}

impl Store {
    pub async fn instance_settings(&self) -> StoreResult<InstanceSettings> {
        on_pool!(self, |pool| {
            let row = sqlx::query("SELECT setup_claimed, open_signup FROM instance WHERE id = 1")
                .fetch_one(pool)
                .await?;
            Ok(InstanceSettings {
                setup_claimed: row.flag("setup_claimed")?,
                open_signup: row.flag("open_signup")?,
            })
        })
    }

    pub async fn set_open_signup(&self, open: bool) -> StoreResult<()> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE instance SET open_signup = $1 WHERE id = 1")
                .bind(open)
                .execute(pool)
                .await?;
            Ok(())
        })
    }
}
