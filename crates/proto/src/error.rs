//! The error body every failed API call returns, with a machine-readable code.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes. Clients branch on these, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Fields failed validation: `details.field` names the first, `details.fields` lists
    /// every bad field of the request as `{field, message}`.
    ValidationFailed,
    /// The request body or query could not be parsed.
    MalformedRequest,
    /// No valid session or token was presented.
    Unauthenticated,
    /// Email and password do not match an account, or (where addresses must be confirmed)
    /// the account's address is not confirmed yet: the same answer on purpose (ADR 0008).
    InvalidCredentials,
    /// The caller is signed in but may not do this.
    Forbidden,
    /// The thing does not exist, or the caller may not know that it does.
    NotFound,
    /// An account with this email already exists. Only said where it cannot be hidden: on a
    /// server without email, or to someone following an emailed invitation to that address.
    EmailTaken,
    /// The account must confirm its email address first.
    EmailNotVerified,
    /// Sign-up on this server requires an invitation.
    SignupClosed,
    /// The invitation expired, was revoked or used up.
    InvitationInvalid,
    /// The invitation is for a different email address.
    InvitationEmailMismatch,
    /// The change would leave a workspace without an owner.
    LastOwner,
    /// Leaving would leave a private channel with members but no manager.
    LastManager,
    /// The channel is archived (read-only) until someone unarchives it.
    ConversationArchived,
    /// The link (verification, reset) is unknown, used or expired.
    TokenInvalid,
    /// The uploaded file is too big.
    PayloadTooLarge,
    /// The uploaded file is not an image we accept.
    UnsupportedMedia,
    /// Too many attempts; `details.retry_after_seconds` says when to try again.
    RateLimited,
    /// A browser form was posted without a valid CSRF token.
    CsrfFailed,
    /// The same thing already exists.
    Conflict,
    /// The route exists but not with this HTTP method; the `Allow` header lists those it has.
    MethodNotAllowed,
    /// Something went wrong on the server; it has been logged.
    Internal,
    /// A dependency (the database) is unavailable.
    Unavailable,
}

/// `{code, message, details}`: the body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// A sentence for humans, saying what went wrong and what to do.
    pub message: String,
    /// Structured extras, e.g. `{"field": "email"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_snake_case_on_the_wire() {
        let body = ErrorBody {
            code: ErrorCode::LastOwner,
            message: "m".into(),
            details: None,
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["code"], "last_owner");
        assert!(json.get("details").is_none());
        let back: ErrorBody = serde_json::from_value(json).unwrap();
        assert_eq!(back, body);
    }
}
