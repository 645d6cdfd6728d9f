//! Workspaces, their members and invitations.

use ocomms_proto::workspace::{
    CreateInvitation, CreateWorkspace, CreatedInvitation, Invitation, InvitationPreview, Member,
    MemberUpdate, Role, Workspace,
};
use ocomms_proto::{InvitationId, UserId};
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    pub async fn workspaces(&self) -> Result<Vec<Workspace>> {
        self.get("/workspaces").await
    }

    pub async fn create_workspace(&self, name: &str) -> Result<Workspace> {
        let body = CreateWorkspace {
            name: name.to_owned(),
        };
        self.send(Method::POST, "/workspaces", &body).await
    }

    pub async fn workspace(&self, slug: &str) -> Result<Workspace> {
        self.get(&format!("/workspaces/{slug}")).await
    }

    /// Members who are online or away right now.
    pub async fn presence(&self, slug: &str) -> Result<Vec<ocomms_proto::realtime::PresenceEntry>> {
        self.get(&format!("/workspaces/{slug}/presence")).await
    }

    pub async fn members(&self, slug: &str) -> Result<Vec<Member>> {
        self.get(&format!("/workspaces/{slug}/members")).await
    }

    pub async fn set_role(&self, slug: &str, user: UserId, role: Role) -> Result<()> {
        let path = format!("/workspaces/{slug}/members/{user}");
        self.call_empty(
            self.request(Method::PATCH, &path)
                .json(&MemberUpdate { role }),
        )
        .await
    }

    /// Removes a member; with the caller's own id, leaves the workspace.
    pub async fn remove_member(&self, slug: &str, user: UserId) -> Result<()> {
        let path = format!("/workspaces/{slug}/members/{user}");
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    pub async fn invitations(&self, slug: &str) -> Result<Vec<Invitation>> {
        self.get(&format!("/workspaces/{slug}/invitations")).await
    }

    pub async fn create_invitation(
        &self,
        slug: &str,
        request: &CreateInvitation,
    ) -> Result<CreatedInvitation> {
        self.send(
            Method::POST,
            &format!("/workspaces/{slug}/invitations"),
            request,
        )
        .await
    }

    pub async fn revoke_invitation(&self, slug: &str, id: InvitationId) -> Result<()> {
        let path = format!("/workspaces/{slug}/invitations/{id}");
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    pub async fn invitation(&self, token: &str) -> Result<InvitationPreview> {
        self.get(&format!("/invitations/{token}")).await
    }

    pub async fn accept_invitation(&self, token: &str) -> Result<Workspace> {
        self.call(self.request(Method::POST, &format!("/invitations/{token}/acceptance")))
            .await
    }
}
