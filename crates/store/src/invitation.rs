//! Invitations to a workspace: by email (one use) or as a shareable link.

use ocomms_proto::workspace::Role;
use ocomms_proto::{InvitationId, Timestamp, UserId, WorkspaceId};

use crate::backend::{in_transaction, on_pool};
use crate::record::{INVITATION_COLUMNS, WORKSPACE_COLUMNS};
use crate::row::Columns as _;
use crate::steps::Steps as _;
use crate::{
    InvitationRecord, InvitationWithWorkspace, NewInvitation, Store, StoreError, StoreResult,
    WorkspaceRecord,
};

/// What redeeming an invitation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeemed {
    /// The user joined with this role; one use was consumed.
    Joined(Role),
    /// The user was a member already; no use was consumed.
    AlreadyMember(Role),
}

impl Store {
    pub async fn create_invitation(&self, new: &NewInvitation) -> StoreResult<InvitationRecord> {
        let sql = "INSERT INTO invitations (workspace_id, token_hash, email, role, max_uses, \
             expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id, workspace_id, email, role, max_uses, uses, expires_at, created_by, \
             created_at, revoked_at";
        on_pool!(self, |pool| {
            let row = sqlx::query(sql)
                .bind(new.workspace_id.0)
                .bind(&new.token_hash)
                .bind(&new.email)
                .bind(new.role.as_str())
                .bind(new.max_uses.map(i64::from))
                .bind(new.expires_at)
                .bind(new.created_by.0)
                .bind(new.now)
                .fetch_one(pool)
                .await?;
            InvitationRecord::from_row(&row).map_err(StoreError::from)
        })
    }

    /// The invitation with this token hash (open or not: the caller explains why it fails).
    pub async fn invitation_by_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<InvitationWithWorkspace>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS}, {WORKSPACE_COLUMNS}, u.display_name AS inviter_name \
             FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
             JOIN users u ON u.id = i.created_by WHERE i.token_hash = $1"
        );
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(token_hash)
                .fetch_optional(pool)
                .await?;
            Ok(row
                .map(|r| {
                    Ok::<_, sqlx::Error>(InvitationWithWorkspace {
                        invitation: InvitationRecord::from_row(&r)?,
                        workspace: WorkspaceRecord::from_row(&r)?,
                        inviter_name: r.text("inviter_name")?,
                    })
                })
                .transpose()?)
        })
    }

    /// A workspace's invitations, newest first.
    pub async fn invitations(&self, workspace: WorkspaceId) -> StoreResult<Vec<InvitationRecord>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations i WHERE i.workspace_id = $1 \
             ORDER BY i.created_at DESC, i.id DESC"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql).bind(workspace.0).fetch_all(pool).await?;
            Ok(rows
                .iter()
                .map(InvitationRecord::from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    /// Revokes an invitation of this workspace; `NotFound` if there is none with that id.
    pub async fn revoke_invitation(
        &self,
        workspace: WorkspaceId,
        id: InvitationId,
        now: Timestamp,
    ) -> StoreResult<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE invitations SET revoked_at = COALESCE(revoked_at, $3) \
                 WHERE id = $1 AND workspace_id = $2",
            )
            .bind(id.0)
            .bind(workspace.0)
            .bind(now)
            .execute(pool)
            .await?;
            crate::account::expect_one(done.rows_affected())
        })
    }

    /// Joins `user` to the invitation's workspace. The use is counted and the membership
    /// written in one transaction, and only while the invitation is open; `NotFound` when it
    /// is revoked, expired or used up by the time we get there.
    pub async fn redeem_invitation(
        &self,
        invitation: &InvitationRecord,
        user: UserId,
        now: Timestamp,
    ) -> StoreResult<Redeemed> {
        in_transaction!(self, |tx| {
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT role FROM members WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(invitation.workspace_id.0)
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(role) = existing.and_then(|r| Role::parse(&r)) {
                return Ok(Redeemed::AlreadyMember(role));
            }
            let counted = sqlx::query(
                "UPDATE invitations SET uses = uses + 1 WHERE id = $1 AND revoked_at IS NULL \
                 AND expires_at > $2 AND (max_uses IS NULL OR uses < max_uses)",
            )
            .bind(invitation.id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if counted.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO members (workspace_id, user_id, role, joined_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(invitation.workspace_id.0)
            .bind(user.0)
            .bind(invitation.role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if invitation.role != Role::Guest {
                tx.join_general(invitation.workspace_id.0, user, now)
                    .await?;
            }
            Ok(Redeemed::Joined(invitation.role))
        })
    }
}
