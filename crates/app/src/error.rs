//! What a use case can refuse, in terms a caller can act on. `http::error` turns each
//! variant into a status code and `{code, message, details}`; the web UI shows the message.

use ocomms_domain::channel::Refusal as ChannelRefusal;
use ocomms_domain::permission::Refusal;
use ocomms_domain::{Invalid, Invalids};
use ocomms_proto::ErrorCode;
use ocomms_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Every bad field of the request; the message is the first one's.
    #[error("{0}")]
    Invalid(#[from] Invalids),
    #[error("The request could not be read: {0}")]
    Malformed(String),
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error(
        "That email and password do not match an account. If the address is not confirmed yet, a new confirmation link is on its way to it."
    )]
    InvalidCredentials,
    /// Not `InvalidCredentials` (401): the session is fine, a client must not sign out.
    #[error("Your current password is not correct.")]
    WrongCurrentPassword,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} was not found.")]
    NotFound(&'static str),
    #[error("An account with this email already exists. Sign in instead, or reset your password.")]
    EmailTaken,
    #[error(
        "Sign-up on this server is by invitation. Ask a workspace admin for an invitation link."
    )]
    SignupClosed,
    #[error("This invitation has expired, was revoked or has been used up. Ask for a new one.")]
    InvitationInvalid,
    #[error("This invitation is for {0}. Sign in with that address to accept it.")]
    InvitationEmailMismatch(String),
    #[error("Confirm your email address first: open the link we sent you, or ask for a new one.")]
    EmailNotVerified,
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("{0}")]
    ChannelRefused(#[from] ocomms_domain::channel::Refusal),
    #[error("This link is invalid or has expired. Ask for a new one.")]
    TokenInvalid,
    #[error("The file is too large: the limit is {0} MiB.")]
    TooLarge(usize),
    #[error("The request is larger than this route accepts.")]
    BodyTooLarge,
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(u64),
    #[error("The form expired. Reload the page and try again.")]
    CsrfFailed,
    #[error("{0}")]
    Conflict(String),
    #[error("@{0} is taken. Choose another handle.")]
    HandleTaken(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("The database is unavailable.")]
    Unavailable(#[source] StoreError),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(_) => ErrorCode::ValidationFailed,
            Self::Malformed(_) => ErrorCode::MalformedRequest,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::InvalidCredentials | Self::WrongCurrentPassword => ErrorCode::InvalidCredentials,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::SignupClosed => ErrorCode::SignupClosed,
            Self::InvitationInvalid => ErrorCode::InvitationInvalid,
            Self::InvitationEmailMismatch(_) => ErrorCode::InvitationEmailMismatch,
            Self::EmailNotVerified => ErrorCode::EmailNotVerified,
            Self::Refused(Refusal::LastOwner) => ErrorCode::LastOwner,
            Self::Refused(_) => ErrorCode::Forbidden,
            Self::ChannelRefused(ChannelRefusal::LastManager) => ErrorCode::LastManager,
            Self::ChannelRefused(ChannelRefusal::Archived) => ErrorCode::ConversationArchived,
            Self::ChannelRefused(_) => ErrorCode::Forbidden,
            Self::TokenInvalid => ErrorCode::TokenInvalid,
            Self::TooLarge(_) | Self::BodyTooLarge => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMedia(_) => ErrorCode::UnsupportedMedia,
            Self::RateLimited(_) => ErrorCode::RateLimited,
            Self::CsrfFailed => ErrorCode::CsrfFailed,
            Self::Conflict(_) | Self::HandleTaken(_) => ErrorCode::Conflict,
            Self::Internal(_) => ErrorCode::Internal,
            Self::Unavailable(_) => ErrorCode::Unavailable,
        }
    }

    /// Structured extras for `details`.
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            Self::Invalid(invalids) => {
                let fields: Vec<_> = invalids
                    .all()
                    .iter()
                    .map(|i| serde_json::json!({ "field": i.field, "message": i.message }))
                    .collect();
                Some(serde_json::json!({ "field": invalids.first().field, "fields": fields }))
            }
            Self::WrongCurrentPassword => Some(serde_json::json!({ "field": "current_password" })),
            Self::HandleTaken(_) => Some(serde_json::json!({ "field": "handle" })),
            Self::RateLimited(secs) => Some(serde_json::json!({ "retry_after_seconds": secs })),
            _ => None,
        }
    }

    /// The fields a validation error belongs to, with their messages, for tying messages
    /// to form inputs.
    pub fn field_errors(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Invalid(invalids) => invalids
                .all()
                .iter()
                .map(|i| (i.field, i.message.clone()))
                .collect(),
            Self::WrongCurrentPassword => vec![("current_password", self.to_string())],
            Self::HandleTaken(_) => vec![("handle", self.to_string())],
            _ => Vec::new(),
        }
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("That"),
            StoreError::Conflict => Self::Conflict("That already exists.".into()),
            StoreError::LastOwner => Self::Refused(Refusal::LastOwner),
            e if e.is_unavailable() => Self::Unavailable(e),
            other => Self::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_store_invariant_is_a_fault_not_a_missing_thing() {
        let error = AppError::from(StoreError::Invariant("a row it just wrote is missing"));
        assert_eq!(error.code(), ErrorCode::Internal);
        assert_eq!(
            AppError::from(StoreError::NotFound).code(),
            ErrorCode::NotFound
        );
    }
}
