//! What the store reads and writes. Records carry what the server needs (password hashes,
//! CSRF tokens) and are turned into wire types by the server's `app` layer, never sent as is.

use ocomms_proto::account::SessionKind;
use ocomms_proto::workspace::Role;
use ocomms_proto::{InvitationId, SessionId, Timestamp, UserId, WorkspaceId};

use crate::row::Columns;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub email_verified: bool,
    pub is_instance_admin: bool,
    pub display_name: String,
    /// Unique, lowercase (`ocomms_domain::handle`).
    pub handle: String,
    pub title: String,
    pub bio: String,
    pub time_zone: String,
    /// 0 while the generated avatar is used.
    pub avatar_version: i64,
    pub created_at: Timestamp,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.password_hash, u.email_verified, \
    u.is_instance_admin, u.display_name, u.handle, u.title, u.bio, u.time_zone, \
    u.avatar_version, u.created_at";
/// The same columns for `RETURNING`, which SQLite does not let us qualify.
pub(crate) const USER_RETURNING: &str = "id, email, password_hash, email_verified, \
    is_instance_admin, display_name, handle, title, bio, time_zone, avatar_version, created_at";

impl UserRecord {
    pub(crate) fn from_row(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: UserId(row.int("id")?),
            email: row.text("email")?,
            password_hash: row.text("password_hash")?,
            email_verified: row.flag("email_verified")?,
            is_instance_admin: row.flag("is_instance_admin")?,
            display_name: row.text("display_name")?,
            // Only `None` between the migration and `assign_missing_handles`.
            handle: row.opt_text("handle")?.unwrap_or_default(),
            title: row.text("title")?,
            bio: row.text("bio")?,
            time_zone: row.text("time_zone")?,
            avatar_version: row.int("avatar_version")?,
            created_at: row.int("created_at")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    /// Already validated and lowercased.
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub email_verified: bool,
    pub created_at: Timestamp,
}

/// The profile fields a user edits themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFields {
    pub display_name: String,
    /// Valid and lowercase; another user's is a `Conflict`.
    pub handle: String,
    pub title: String,
    pub bio: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub user_id: UserId,
    pub kind: SessionKind,
    pub label: String,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

impl SessionRecord {
    pub(crate) fn from_row(row: &impl Columns) -> Result<Self, sqlx::Error> {
        let kind = row.text("kind")?;
        Ok(Self {
            id: SessionId(row.int("session_id")?),
            user_id: UserId(row.int("session_user_id")?),
            kind: SessionKind::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
            label: row.text("label")?,
            csrf_token: row.text("csrf_token")?,
            created_at: row.int("session_created_at")?,
            last_seen_at: row.int("last_seen_at")?,
        })
    }
}

pub(crate) const SESSION_COLUMNS: &str = "s.id AS session_id, s.user_id AS session_user_id, \
    s.kind, s.label, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at";
pub(crate) const SESSION_RETURNING: &str = "id AS session_id, user_id AS session_user_id, \
    kind, label, csrf_token, created_at AS session_created_at, last_seen_at";

#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: UserId,
    /// SHA-256 of the token handed to the client.
    pub token_hash: Vec<u8>,
    pub kind: SessionKind,
    pub label: String,
    pub csrf_token: String,
    pub now: Timestamp,
}

/// Single-use emailed links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRecord {
    pub id: WorkspaceId,
    pub name: String,
    pub slug: String,
    pub created_by: UserId,
    pub created_at: Timestamp,
}

pub(crate) const WORKSPACE_COLUMNS: &str = "w.id AS workspace_id, w.name AS workspace_name, \
    w.slug, w.created_by AS workspace_created_by, w.created_at AS workspace_created_at";

impl WorkspaceRecord {
    pub(crate) fn from_row(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: WorkspaceId(row.int("workspace_id")?),
            name: row.text("workspace_name")?,
            slug: row.text("slug")?,
            created_by: UserId(row.int("workspace_created_by")?),
            created_at: row.int("workspace_created_at")?,
        })
    }
}

/// A workspace as one of its members sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub workspace: WorkspaceRecord,
    pub role: Role,
    pub joined_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user: UserRecord,
    pub role: Role,
    pub joined_at: Timestamp,
}

pub(crate) fn role_from_row(row: &impl Columns) -> Result<Role, sqlx::Error> {
    let role = row.text("role")?;
    Role::parse(&role).ok_or_else(|| decode_error("role", &role))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: InvitationId,
    pub workspace_id: WorkspaceId,
    pub email: Option<String>,
    pub role: Role,
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub expires_at: Timestamp,
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

pub(crate) const INVITATION_COLUMNS: &str = "i.id, i.workspace_id, i.email, i.role, \
    i.max_uses, i.uses, i.expires_at, i.created_by, i.created_at, i.revoked_at";

impl InvitationRecord {
    pub(crate) fn from_row(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: InvitationId(row.int("id")?),
            workspace_id: WorkspaceId(row.int("workspace_id")?),
            email: row.opt_text("email")?,
            role: role_from_row(row)?,
            max_uses: row.opt_int("max_uses")?,
            uses: row.int("uses")?,
            expires_at: row.int("expires_at")?,
            created_by: UserId(row.int("created_by")?),
            created_at: row.int("created_at")?,
            revoked_at: row.opt_int("revoked_at")?,
        })
    }

    /// Usable at `now`: not revoked, not expired, not used up.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none()
            && self.expires_at > now
            && self.max_uses.is_none_or(|max| self.uses < max)
    }
}

#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub workspace_id: WorkspaceId,
    pub token_hash: Vec<u8>,
    pub email: Option<String>,
    pub role: Role,
    pub max_uses: Option<u32>,
    pub expires_at: Timestamp,
    pub created_by: UserId,
    pub now: Timestamp,
}

/// An invitation found by its token, with what the invitee may see of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationWithWorkspace {
    pub invitation: InvitationRecord,
    pub workspace: WorkspaceRecord,
    pub inviter_name: String,
}

fn decode_error(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {column} value {value:?}").into())
}
