//! Invitations: by email or by shareable link, with expiry and use limits.

use ocomms_domain::{AllValid, invitation as rules, permission, validation};
use ocomms_proto::InvitationId;
use ocomms_proto::workspace::{
    CreateInvitation, CreatedInvitation, Invitation, InvitationPreview, Role, Workspace,
};
use ocomms_store::{InvitationRecord, InvitationWithWorkspace, NewInvitation, Redeemed};

use crate::{Actor, App, AppError, AppResult, token};

/// What the holder of an invitation link may do with it.
#[derive(Debug, Clone)]
pub struct InvitationAccess {
    pub preview: InvitationPreview,
    /// The signed-in person is already a member.
    pub already_member: bool,
}

impl App {
    /// Creates an invitation. Owners and admins only; only owners may invite owners.
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        slug: &str,
        request: CreateInvitation,
    ) -> AppResult<CreatedInvitation> {
        let membership = self.membership(actor, slug).await?;
        let role = request.role.unwrap_or(Role::Member);
        permission::may_invite(membership.role, role)?;
        let now = super::now();
        let typed_email = request
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let (email, max_uses, expires_at) = (
            typed_email.map(validation::email).transpose(),
            rules::max_uses(request.max_uses, typed_email.is_some()),
            rules::expires_at(now, request.expires_in_hours),
        )
            .all_valid()?;
        let token = token::generate();
        let record = self
            .store()
            .create_invitation(&NewInvitation {
                workspace_id: membership.workspace.id,
                token_hash: token::hash(&token),
                max_uses,
                expires_at,
                email: email.clone(),
                role,
                created_by: actor.user.id,
                now,
            })
            .await?;
        let url = format!("{}/invite/{token}", self.public_url());
        if let Some(to) = email {
            self.mailer().send(
                &to,
                &format!("{} invited you to {}", actor.user.display_name, membership.workspace.name),
                format!(
                    "{} invited you to join the workspace \"{}\" on OComms.\n\nAccept the invitation:\n\n{url}\n\n\
                     The link expires in {} days.\n",
                    actor.user.display_name,
                    membership.workspace.name,
                    (record.expires_at - now) / 86_400_000
                ),
            );
        }
        Ok(CreatedInvitation {
            invitation: wire(&record),
            token,
            url,
        })
    }

    /// A workspace's invitations, for its owners and admins.
    pub async fn invitations(&self, actor: &Actor, slug: &str) -> AppResult<Vec<Invitation>> {
        let membership = self.membership(actor, slug).await?;
        if !permission::is_admin(membership.role) {
            return Err(permission::Refusal::NotAdmin.into());
        }
        let records = self.store().invitations(membership.workspace.id).await?;
        Ok(records.iter().map(wire).collect())
    }

    pub async fn revoke_invitation(
        &self,
        actor: &Actor,
        slug: &str,
        id: InvitationId,
    ) -> AppResult<()> {
        let membership = self.membership(actor, slug).await?;
        if !permission::is_admin(membership.role) {
            return Err(permission::Refusal::NotAdmin.into());
        }
        self.store()
            .revoke_invitation(membership.workspace.id, id, super::now())
            .await
            .map_err(|e| match e {
                ocomms_store::StoreError::NotFound => AppError::NotFound("Invitation"),
                other => other.into(),
            })
    }

    /// What an invitation link leads to, for anyone holding it (signed in or not).
    pub async fn preview_invitation(
        &self,
        token: &str,
        actor: Option<&Actor>,
    ) -> AppResult<InvitationAccess> {
        let found = self.open_invitation(token).await?;
        let already_member = match actor {
            Some(a) => self
                .store()
                .member_role(found.workspace.id, a.user.id)
                .await?
                .is_some(),
            None => false,
        };
        Ok(InvitationAccess {
            preview: InvitationPreview {
                workspace_name: found.workspace.name,
                workspace_slug: found.workspace.slug,
                invited_by: found.inviter_name,
                role: found.invitation.role,
                email: found.invitation.email,
                expires_at: found.invitation.expires_at,
            },
            already_member,
        })
    }

    /// Joins the signed-in actor to the invitation's workspace.
    pub async fn accept_invitation(&self, actor: &Actor, token: &str) -> AppResult<Workspace> {
        actor.require_verified(self.email_verification_required())?;
        let found = self.open_invitation(token).await?;
        if let Some(invited) = &found.invitation.email
            && *invited != actor.user.email
        {
            return Err(AppError::InvitationEmailMismatch(invited.clone()));
        }
        let role = match self
            .store()
            .redeem_invitation(&found.invitation, actor.user.id, super::now())
            .await
        {
            Ok(Redeemed::Joined(role)) => {
                self.announce(found.workspace.id);
                self.publisher().reconnect_user(actor.user.id);
                role
            }
            Ok(Redeemed::AlreadyMember(role)) => role,
            Err(ocomms_store::StoreError::NotFound) => return Err(AppError::InvitationInvalid),
            Err(other) => return Err(other.into()),
        };
        Ok(super::workspace::wire(ocomms_store::Membership {
            workspace: found.workspace,
            role,
            joined_at: super::now(),
        }))
    }

    /// The invitation behind a token if it can still be used.
    pub(crate) async fn open_invitation(&self, token: &str) -> AppResult<InvitationWithWorkspace> {
        let found = self
            .store()
            .invitation_by_token(&token::hash(token))
            .await?
            .ok_or(AppError::NotFound("Invitation"))?;
        if !found.invitation.is_open(super::now()) {
            return Err(AppError::InvitationInvalid);
        }
        Ok(found)
    }
}

fn wire(record: &InvitationRecord) -> Invitation {
    Invitation {
        id: record.id,
        email: record.email.clone(),
        role: record.role,
        max_uses: record.max_uses.and_then(|m| u32::try_from(m).ok()),
        uses: u32::try_from(record.uses).unwrap_or(u32::MAX),
        expires_at: record.expires_at,
        created_at: record.created_at,
        created_by: record.created_by,
        revoked: record.revoked_at.is_some(),
    }
}
