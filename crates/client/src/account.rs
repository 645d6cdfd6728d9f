//! Accounts, sessions, email verification and password resets.

use ocomms_proto::SessionId;
use ocomms_proto::account::{
    ChangePasswordRequest, CurrentUser, EmailVerification, PasswordResetConfirm,
    PasswordResetRequest, SessionInfo, SessionToken, SignInRequest, SignUpPending, SignUpRequest,
};
use reqwest::Method;

use crate::{Client, Result, error};

/// The answer to a sign-up.
#[derive(Debug, Clone)]
pub enum SignedUp {
    /// The account exists and this client is signed in to it.
    SignedIn(SessionToken),
    /// Nothing to use yet: the emailed link confirms the address, then sign in.
    CheckEmail(SignUpPending),
}

impl SignedUp {
    /// The new session, when the server signed the account in at once.
    pub fn session(self) -> Option<SessionToken> {
        match self {
            Self::SignedIn(token) => Some(token),
            Self::CheckEmail(_) => None,
        }
    }
}

impl Client {
    /// Creates an account. Signed in (the client keeps the token), or, on a server that
    /// confirms addresses by email, told to check the inbox.
    pub async fn sign_up(&mut self, request: &SignUpRequest) -> Result<SignedUp> {
        let builder = self.request(Method::POST, "/accounts").json(request);
        let response = error::check(builder.send().await?).await?;
        if response.status() == reqwest::StatusCode::ACCEPTED {
            return Ok(SignedUp::CheckEmail(response.json().await?));
        }
        let token: SessionToken = response.json().await?;
        self.token = Some(token.token.clone());
        Ok(SignedUp::SignedIn(token))
    }

    /// Signs in; the client keeps the returned token.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Result<SessionToken> {
        let request = SignInRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            client_name: Some("ocomms-client".to_owned()),
        };
        let token: SessionToken = self.send(Method::POST, "/sessions", &request).await?;
        self.token = Some(token.token.clone());
        Ok(token)
    }

    /// Revokes the current session and forgets the token.
    pub async fn sign_out(&mut self) -> Result<()> {
        self.call_empty(self.request(Method::DELETE, "/sessions/current"))
            .await?;
        self.token = None;
        Ok(())
    }

    pub async fn me(&self) -> Result<CurrentUser> {
        self.get("/me").await
    }

    pub async fn sessions(&self) -> Result<Vec<SessionInfo>> {
        self.get("/sessions").await
    }

    pub async fn revoke_session(&self, id: SessionId) -> Result<()> {
        self.call_empty(self.request(Method::DELETE, &format!("/sessions/{id}")))
            .await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> Result<()> {
        let body = ChangePasswordRequest {
            current_password: current.to_owned(),
            new_password: new.to_owned(),
        };
        self.call_empty(self.request(Method::PUT, "/me/password").json(&body))
            .await
    }

    pub async fn resend_verification(&self) -> Result<()> {
        self.call_empty(self.request(Method::POST, "/me/email-verification"))
            .await
    }

    pub async fn verify_email(&self, token: &str) -> Result<()> {
        let body = EmailVerification {
            token: token.to_owned(),
        };
        self.call_empty(
            self.request(Method::POST, "/email-verifications")
                .json(&body),
        )
        .await
    }

    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let body = PasswordResetRequest {
            email: email.to_owned(),
        };
        self.call_empty(self.request(Method::POST, "/password-resets").json(&body))
            .await
    }

    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<()> {
        let body = PasswordResetConfirm {
            new_password: new_password.to_owned(),
        };
        let path = format!("/password-resets/{token}");
        self.call_empty(self.request(Method::PUT, &path).json(&body))
            .await
    }
}
