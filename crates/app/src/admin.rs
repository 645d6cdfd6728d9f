//! Operations of the `ocomms admin` command line, for the person running the server.

use ocomms_domain::{AllValid, password, validation};
use ocomms_store::{NewUser, StoreError, UserRecord};

use crate::{App, AppError, AppResult};

impl App {
    /// Creates a verified account without the sign-up gate (no invitation needed).
    pub async fn admin_create_user(
        &self,
        email: &str,
        new_password: &str,
        display_name: &str,
        instance_admin: bool,
    ) -> AppResult<UserRecord> {
        let (email, display_name, ()) = (
            validation::email(email),
            validation::display_name(display_name),
            password::check_policy(new_password, &[display_name.trim()]),
        )
            .all_valid()?;
        let password_hash =
            password::hash(new_password).map_err(|e| AppError::Internal(e.to_string()))?;
        let user = self
            .store()
            .create_user(&NewUser {
                email,
                password_hash,
                display_name,
                email_verified: true,
                created_at: super::now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict => AppError::EmailTaken,
                other => other.into(),
            })?;
        if instance_admin && !user.is_instance_admin {
            self.store().set_instance_admin(user.id, true).await?;
            self.user_changed(user.id);
        }
        Ok(self.store().user_by_id(user.id).await?.unwrap_or(user))
    }

    /// Sets a password and signs the account out everywhere. Also confirms the address: the
    /// operator vouches for the person, which is the way in when their email does not arrive
    /// (an unconfirmed account cannot sign in while SMTP is configured, ADR 0008).
    pub async fn admin_reset_password(&self, email: &str, new_password: &str) -> AppResult<()> {
        let user = self.user_by_email(email).await?;
        password::check_policy(new_password, &[&user.display_name])?;
        let hash = password::hash(new_password).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store().set_password_hash(user.id, &hash).await?;
        self.store().mark_email_verified(user.id).await?;
        self.user_changed(user.id);
        let ended = self.store().delete_sessions_except(user.id, None).await?;
        self.end_sessions(&ended);
        Ok(())
    }

    pub async fn admin_make_admin(&self, email: &str) -> AppResult<()> {
        let user = self.user_by_email(email).await?;
        self.store().set_instance_admin(user.id, true).await?;
        self.user_changed(user.id);
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> AppResult<UserRecord> {
        let email = validation::email(email)?;
        self.store()
            .user_by_email(&email)
            .await?
            .ok_or(AppError::NotFound("Account"))
    }
}
