//! Accounts: sign-up, email verification, password change and reset.

use ocomms_domain::{password, validation};
use ocomms_proto::UserId;
use ocomms_proto::account::{CurrentUser, SessionKind};
use ocomms_store::{TokenPurpose, UserRecord};

use crate::{Actor, App, AppError, AppResult, ClientContext, token};

const VERIFY_TTL_MS: i64 = 24 * 3_600_000;
pub(super) const RESET_TTL_MS: i64 = 3_600_000;

impl App {
    pub fn current_user(&self, user: &UserRecord) -> CurrentUser {
        CurrentUser {
            id: user.id,
            email: user.email.clone(),
            email_verified: user.email_verified,
            is_instance_admin: user.is_instance_admin,
            profile: super::profile::profile_of(user),
        }
    }

    /// Sends (again) the link that confirms the actor's email address.
    pub async fn resend_verification(&self, actor: &Actor) -> AppResult<()> {
        if actor.user.email_verified {
            return Ok(());
        }
        self.limits()
            .reset_by_account
            .check(&format!("verify:{}", actor.user.id))?;
        self.send_verification(&actor.user).await
    }

    /// Sends `user` a new confirmation link from a background task (the request's answer
    /// and timing must not depend on it), at most 3 per 20 minutes.
    pub(super) fn resend_verification_later(&self, user: UserRecord) {
        let key = format!("verify:{}", user.id);
        if self.limits().reset_by_account.check(&key).is_err() {
            return;
        }
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.send_verification(&user).await {
                tracing::warn!(error = %e, "confirmation email not sent");
            }
        });
    }

    pub(super) async fn send_verification(&self, user: &UserRecord) -> AppResult<()> {
        let link = self
            .issue_token(user.id, TokenPurpose::VerifyEmail, VERIFY_TTL_MS, "/verify")
            .await?;
        self.mailer().send(
            &user.email,
            "Confirm your email address",
            format!(
                "Hello {},\n\nconfirm your email address for OComms by opening this link:\n\n{link}\n\n\
                 The link works once and expires in 24 hours. If you did not sign up, ignore this message.\n",
                user.display_name
            ),
        );
        Ok(())
    }

    /// Confirms an address with an emailed token.
    pub async fn verify_email(&self, token: &str) -> AppResult<UserId> {
        let user = self
            .store()
            .consume_auth_token(TokenPurpose::VerifyEmail, &token::hash(token), super::now())
            .await?
            .ok_or(AppError::TokenInvalid)?;
        self.store().mark_email_verified(user).await?;
        self.user_changed(user);
        Ok(user)
    }

    /// Changes the actor's password and signs out their other sessions.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str) -> AppResult<u64> {
        let attempt = self.limits().sign_in.begin(None, Some(&actor.user.email))?;
        let phc = actor.user.password_hash.clone();
        let ok = self.passwords().verify(current.to_owned(), phc).await?;
        if !ok {
            // `attempt` is dropped: the wrong password counts against the account.
            return Err(AppError::WrongCurrentPassword);
        }
        attempt.succeeded();
        let local_part = actor.user.email.split('@').next().unwrap_or_default();
        password::check_policy(new, &[local_part, &actor.user.display_name])
            .map_err(|e| ocomms_domain::Invalid::new("new_password", e.message))?;
        let hash = self.passwords().hash(new.to_owned()).await?;
        self.store().set_password_hash(actor.user.id, &hash).await?;
        self.user_changed(actor.user.id);
        self.revoke_other_sessions(actor).await
    }

    /// Starts a password reset. Answers the same, at once, whether or not the address has
    /// an account: the lookup and the email happen in the background.
    pub fn request_password_reset(&self, email: &str, client: &ClientContext) -> AppResult<()> {
        self.limits().reset_by_ip.check(&client.ip)?;
        let Ok(email) = validation::email(email) else {
            return Ok(());
        };
        self.limits()
            .reset_by_account
            .check(&format!("reset:{email}"))?;
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.send_reset(&email).await {
                tracing::warn!(error = %e, "password reset email not sent");
            }
        });
        Ok(())
    }

    async fn send_reset(&self, email: &str) -> AppResult<()> {
        let Some(user) = self.store().user_by_email(email).await? else {
            return Ok(());
        };
        let link = self
            .issue_token(
                user.id,
                TokenPurpose::ResetPassword,
                RESET_TTL_MS,
                "/reset/confirm",
            )
            .await?;
        self.mailer().send(
            &user.email,
            "Reset your password",
            format!(
                "Hello {},\n\nsomeone asked to reset your OComms password. To choose a new one, open:\n\n{link}\n\n\
                 The link works once and expires in 1 hour. If it was not you, ignore this message.\n",
                user.display_name
            ),
        );
        Ok(())
    }

    /// Sets a new password with an emailed reset token; every session is signed out.
    pub async fn reset_password(&self, token: &str, new: &str) -> AppResult<()> {
        password::check_policy(new, &[])
            .map_err(|e| ocomms_domain::Invalid::new("new_password", e.message))?;
        let hash = self.passwords().hash(new.to_owned()).await?;
        let user = self
            .store()
            .consume_auth_token(
                TokenPurpose::ResetPassword,
                &token::hash(token),
                super::now(),
            )
            .await?
            .ok_or(AppError::TokenInvalid)?;
        self.store().set_password_hash(user, &hash).await?;
        // Reading the reset email proved the address.
        self.store().mark_email_verified(user).await?;
        self.user_changed(user);
        let ended = self.store().delete_sessions_except(user, None).await?;
        self.end_sessions(&ended);
        Ok(())
    }

    /// Records a token for `user` and returns the link that carries it.
    pub(super) async fn issue_token(
        &self,
        user: UserId,
        purpose: TokenPurpose,
        ttl_ms: i64,
        path: &str,
    ) -> AppResult<String> {
        let token = token::generate();
        let now = super::now();
        self.store()
            .create_auth_token(user, purpose, &token::hash(&token), now, now + ttl_ms)
            .await?;
        Ok(format!("{}{path}?token={token}", self.public_url()))
    }
}

pub(super) fn client_label(client: &ClientContext, kind: SessionKind) -> String {
    match kind {
        SessionKind::Browser => client.label(),
        SessionKind::Api => "API client".to_owned(),
    }
}
