//! Creating, listing and opening workspaces.

use ocomms_domain::{slug, validation};
use ocomms_proto::WorkspaceId;
use ocomms_proto::workspace::Workspace;
use ocomms_store::Membership;

use crate::{Actor, App, AppError, AppResult};

impl App {
    /// Creates a workspace owned by the actor, with a slug derived from its name.
    pub async fn create_workspace(&self, actor: &Actor, name: &str) -> AppResult<Workspace> {
        actor.require_verified(self.email_verification_required())?;
        let name = validation::workspace_name(name)?;
        let base = slug::base(&name);
        // Two people creating "Acme" at once may pick the same suffix; the loser retries.
        for _ in 0..5 {
            match self
                .store()
                .create_workspace(&name, &base, actor.user.id, super::now())
                .await
            {
                Ok(record) => {
                    self.publisher().reconnect_user(actor.user.id);
                    return Ok(wire(Membership {
                        workspace: record,
                        role: ocomms_proto::workspace::Role::Owner,
                        joined_at: super::now(),
                    }));
                }
                Err(ocomms_store::StoreError::Conflict) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(AppError::Conflict(
            "Could not find a free URL for this workspace; try a different name.".into(),
        ))
    }

    /// The actor's workspaces, by name.
    pub async fn workspaces(&self, actor: &Actor) -> AppResult<Vec<Workspace>> {
        let memberships = self.store().memberships_of(actor.user.id).await?;
        Ok(memberships.into_iter().map(wire).collect())
    }

    /// The workspaces whose events the actor's realtime connections receive.
    pub async fn realtime_workspaces(&self, actor: &Actor) -> AppResult<Vec<WorkspaceId>> {
        actor.require_verified(self.email_verification_required())?;
        Ok(self.store().workspace_ids_of(actor.user.id).await?)
    }

    /// The workspace at `slug` and the actor's role in it. Non-members get `NotFound`,
    /// exactly as for a slug that does not exist.
    pub async fn membership(&self, actor: &Actor, slug: &str) -> AppResult<Membership> {
        actor.require_verified(self.email_verification_required())?;
        self.store()
            .membership(slug, actor.user.id)
            .await?
            .ok_or(AppError::NotFound("Workspace"))
    }

    pub async fn workspace(&self, actor: &Actor, slug: &str) -> AppResult<Workspace> {
        self.membership(actor, slug).await.map(wire)
    }

    /// The position of the workspace's newest event, for a page that stays live from there.
    pub async fn workspace_position(&self, actor: &Actor, slug: &str) -> AppResult<i64> {
        let membership = self.membership(actor, slug).await?;
        Ok(self.store().workspace_head(membership.workspace.id).await?)
    }
}

pub(crate) fn wire(m: Membership) -> Workspace {
    Workspace {
        id: m.workspace.id,
        name: m.workspace.name,
        slug: m.workspace.slug,
        created_at: m.workspace.created_at,
        role: m.role,
    }
}
