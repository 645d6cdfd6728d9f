//! Workspace members: listing, roles, removal and leaving.

use ocomms_domain::permission;
use ocomms_proto::UserId;
use ocomms_proto::workspace::{Member, Role};

use crate::{Actor, App, AppError, AppResult};

impl App {
    /// Everyone in the workspace, by display name. Any member may look.
    pub async fn members(&self, actor: &Actor, slug: &str) -> AppResult<Vec<Member>> {
        let membership = self.membership(actor, slug).await?;
        let members = self.store().members(membership.workspace.id).await?;
        Ok(members
            .into_iter()
            .map(|m| Member {
                user_id: m.user.id,
                role: m.role,
                joined_at: m.joined_at,
                profile: super::profile::profile_of(&m.user),
            })
            .collect())
    }

    /// Changes someone's role, within what the actor's own role allows.
    pub async fn change_role(
        &self,
        actor: &Actor,
        slug: &str,
        target: UserId,
        role: Role,
    ) -> AppResult<()> {
        let membership = self.membership(actor, slug).await?;
        let workspace = membership.workspace.id;
        if !permission::is_admin(membership.role) {
            return Err(permission::Refusal::NotAdmin.into());
        }
        let current = self
            .store()
            .member_role(workspace, target)
            .await?
            .ok_or(AppError::NotFound("Member"))?;
        let owners = self.store().count_owners(workspace).await?;
        permission::may_change_role(membership.role, current, role, owners)?;
        self.store()
            .set_member_role(workspace, target, role, actor.user.id, super::now())
            .await?;
        self.announce(workspace);
        Ok(())
    }

    /// Removes `target` from the workspace; when `target` is the actor, they leave.
    pub async fn remove_member(&self, actor: &Actor, slug: &str, target: UserId) -> AppResult<()> {
        let membership = self.membership(actor, slug).await?;
        let workspace = membership.workspace.id;
        let owners = self.store().count_owners(workspace).await?;
        if target == actor.user.id {
            permission::may_leave(membership.role, owners)?;
        } else {
            if !permission::is_admin(membership.role) {
                return Err(permission::Refusal::NotAdmin.into());
            }
            let role = self
                .store()
                .member_role(workspace, target)
                .await?
                .ok_or(AppError::NotFound("Member"))?;
            permission::may_remove(membership.role, role, owners)?;
        }
        self.store()
            .remove_member(workspace, target, actor.user.id, super::now())
            .await?;
        self.announce(workspace);
        // Gone from the workspace: their open sockets stop hearing it at once.
        self.publisher().reconnect_user(target);
        Ok(())
    }
}
