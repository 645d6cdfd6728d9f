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
    /// Versions of the API and event protocol this server speaks, oldest first. Absent (empty)
    /// on servers older than the capability probe: clients treat those as too old.
    #[serde(default)]
    pub protocol_versions: Vec<u32>,
    /// Optional capabilities a client may use, e.g. `"realtime"`, `"presence"`, `"typing"`.
    #[serde(default)]
    pub features: Vec<String>,
    /// How accounts sign in, e.g. `"password"`.
    #[serde(default)]
    pub auth_methods: Vec<String>,
}

/// The version of the API and event protocol this crate describes; a server lists it in
/// `InstanceInfo::protocol_versions`. Raised only for a change old clients cannot follow.
pub const PROTOCOL_VERSION: u32 = 1;

/// `PATCH /api/v1/instance` (instance administrators only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceSettingsUpdate {
    #[serde(default)]
    pub open_signup: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_servers_instance_info_still_parses_with_no_capabilities() {
        let json = serde_json::json!({
            "name": "OComms", "version": "0.0.9", "needs_setup": false,
            "open_signup": true, "email_verification_required": false
        });
        let info: InstanceInfo = serde_json::from_value(json).unwrap();
        assert!(info.protocol_versions.is_empty());
        assert!(info.features.is_empty() && info.auth_methods.is_empty());
    }
}
