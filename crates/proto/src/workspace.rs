//! Workspaces, members and invitations.

use serde::{Deserialize, Serialize};

use crate::{InvitationId, Timestamp, UserId, WorkspaceId, account::Profile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    /// URL name, unique on the server: `/w/{slug}`.
    pub slug: String,
    pub created_at: Timestamp,
    /// The caller's role in this workspace.
    pub role: Role,
}

/// A member's role in a workspace, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
    Guest,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Guest];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Guest => "guest",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Capitalised, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Member => "Member",
            Self::Guest => "Guest",
        }
    }
}

/// `POST /api/v1/workspaces`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateWorkspace {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::workspace_name))]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: UserId,
    pub role: Role,
    pub joined_at: Timestamp,
    pub profile: Profile,
}

/// `PATCH /api/v1/workspaces/{slug}/members/{user_id}`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberUpdate {
    pub role: Role,
}

/// `POST /api/v1/workspaces/{slug}/invitations`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInvitation {
    /// Invite one person by email (they get a message); omit for a shareable link.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email_optional))]
    pub email: Option<String>,
    /// Role given on joining; `member` when omitted. Only owners may invite owners.
    #[serde(default)]
    pub role: Option<Role>,
    /// How many people may join with it; unlimited when omitted (email invitations: 1).
    #[serde(default, deserialize_with = "crate::number::option_u32")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::invitation_uses))]
    pub max_uses: Option<u32>,
    /// Hours until it expires; 7 days when omitted, at most 30 days.
    #[serde(default, deserialize_with = "crate::number::option_u32")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::invitation_hours))]
    pub expires_in_hours: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: InvitationId,
    pub email: Option<String>,
    pub role: Role,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub created_by: UserId,
    pub revoked: bool,
}

/// Answer to creating an invitation: the link is shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedInvitation {
    pub invitation: Invitation,
    pub token: String,
    pub url: String,
}

/// `GET /api/v1/invitations/{token}`: what someone holding the link may see before joining.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    pub workspace_name: String,
    pub workspace_slug: String,
    pub invited_by: String,
    pub role: Role,
    pub email: Option<String>,
    pub expires_at: Timestamp,
}
