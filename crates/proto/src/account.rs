//! Accounts, sessions and profiles.

use serde::{Deserialize, Serialize};

use crate::{SessionId, Timestamp, UserId};

/// The signed-in user, as they see themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub email_verified: bool,
    pub is_instance_admin: bool,
    pub profile: Profile,
}

/// What other members of a shared workspace see of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub user_id: UserId,
    pub display_name: String,
    /// The name people mention this person by (`@handle`), unique on the server.
    #[serde(default)]
    pub handle: String,
    pub title: String,
    pub bio: String,
    /// IANA time zone name, e.g. `Europe/Berlin`; empty when not set.
    pub time_zone: String,
    /// URL of the avatar image (a generated one until the user uploads their own).
    pub avatar_url: String,
}

/// `POST /api/v1/accounts`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignUpRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::new_password))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::display_name))]
    pub display_name: String,
    /// Token from an invitation link; required unless the server has open sign-up.
    #[serde(default)]
    pub invitation_token: Option<String>,
}

/// `202` answer to `POST /api/v1/accounts` on a server that confirms addresses by email: no
/// session yet. The same whether or not `email` already had an account (its owner is told
/// by email instead), so sign-up cannot be used to find out who has one (ADR 0008).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignUpPending {
    /// The address, normalised, that a message went to: open its link, then sign in.
    pub email: String,
}

/// `POST /api/v1/sessions`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
    /// A label for the session list, e.g. "OpenChat on laptop".
    #[serde(default)]
    pub client_name: Option<String>,
}

/// A new bearer token. It is shown once; the server keeps only its hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionToken {
    pub token: String,
    pub session_id: SessionId,
    pub user: CurrentUser,
}

/// One signed-in device or API token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: SessionId,
    pub kind: SessionKind,
    pub label: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// True for the session making this request.
    pub current: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A browser, authenticated by cookie.
    Browser,
    /// An API client, authenticated by bearer token.
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "browser" => Some(Self::Browser),
            "api" => Some(Self::Api),
            _ => None,
        }
    }
}

/// `PUT /api/v1/me/password`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::new_password))]
    pub new_password: String,
}

/// `POST /api/v1/password-resets`: always answers 202, whether or not the email exists.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `PUT /api/v1/password-resets/{token}`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetConfirm {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::new_password))]
    pub new_password: String,
}

/// `POST /api/v1/email-verifications`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailVerification {
    pub token: String,
}

/// `PATCH /api/v1/me/profile`: absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::display_name_update))]
    pub display_name: Option<String>,
    /// A new handle: letters a–z, digits, `.`, `_`, `-` (a leading `@` is dropped, capitals
    /// lowered); `409 conflict` when someone else has it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::handle_update))]
    pub handle: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::title_update))]
    pub title: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::bio_update))]
    pub bio: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A download of the caller's own data (GDPR), prepared in the background:
/// `POST /api/v1/me/exports` starts one, `GET /api/v1/me/exports/{id}` follows it, and once
/// `ready`, `download_url` gives the JSON document (docs/export-format.md, "Your data").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalExport {
    pub id: i64,
    pub state: PersonalExportState,
    /// Messages written into the document so far, of `total`.
    pub done: i64,
    pub total: i64,
    pub created_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// Size of the document, once ready.
    pub bytes: Option<i64>,
    /// Where to download it, once ready (the same session or token is needed).
    pub download_url: Option<String>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonalExportState {
    Running,
    Ready,
    Failed,
}
