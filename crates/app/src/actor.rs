//! Who is making a request: a signed-in user and the session they used.

use ocomms_store::{SessionRecord, UserRecord};

use crate::{AppError, AppResult};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user: UserRecord,
    pub session: SessionRecord,
}

impl Actor {
    /// Compares a submitted CSRF token with the session's, in constant time.
    pub fn check_csrf(&self, submitted: &str) -> AppResult<()> {
        let expected = self.session.csrf_token.as_bytes();
        let submitted = submitted.as_bytes();
        let same = expected.len() == submitted.len()
            && expected
                .iter()
                .zip(submitted)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(())
        } else {
            Err(AppError::CsrfFailed)
        }
    }

    /// Workspace features need a confirmed email when the server sends email.
    pub(crate) fn require_verified(&self, required: bool) -> AppResult<()> {
        if required && !self.user.email_verified {
            return Err(AppError::EmailNotVerified);
        }
        Ok(())
    }
}

impl crate::App {
    /// Refuses workspace features to an unconfirmed address when the server sends email
    /// (the WebSocket handshake asks before upgrading, so the refusal is an HTTP status).
    pub fn require_verified(&self, actor: &Actor) -> AppResult<()> {
        actor.require_verified(self.email_verification_required())
    }
}
