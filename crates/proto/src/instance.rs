//! Server-wide facts and settings.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/instance`: what a client may learn before signing in (the desktop client's
/// capability probe uses it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceInfo {
    pub name: String,
    pub version: String,
    /// No account exists yet: the first sign-up becomes the administrator.
    pub needs_setup: bool,
    /// Anyone may sign up without an invitation.
    pub open_signup: bool,
    /// New accounts must confirm their email before using workspaces.
    pub email_verification_required: bool,
}

/// `PATCH /api/v1/instance` (instance administrators only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceSettingsUpdate {
    #[serde(default)]
    pub open_signup: Option<bool>,
}
