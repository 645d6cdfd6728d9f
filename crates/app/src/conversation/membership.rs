//! Who is in a conversation: listing members, joining, adding, changing roles, leaving and
//! removing. Reads go through `visible` like every conversation read.

use ocomms_domain::channel::{self, Refusal, Viewer};
use ocomms_proto::conversation::{
    Conversation, ConversationKind, ConversationMember, ConversationRole,
};
use ocomms_proto::{ConversationId, UserId};
use ocomms_store::StoreError;

use crate::{Actor, App, AppError, AppResult};

impl App {
    pub async fn conversation_members(
        &self,
        actor: &Actor,
        id: ConversationId,
    ) -> AppResult<Vec<ConversationMember>> {
        let visible = self.visible(actor, id).await?;
        let members = self.store().conversation_members(id).await?;
        Ok(members
            .into_iter()
            .map(|m| {
                let viewer = Viewer {
                    workspace_role: m.workspace_role,
                    membership: Some(m.role),
                };
                ConversationMember {
                    user_id: m.user.id,
                    role: m.role,
                    is_manager: channel::can_manage(visible.record.kind, viewer),
                    joined_at: m.joined_at,
                    profile: crate::profile::profile_of(&m.user),
                }
            })
            .collect())
    }

    /// Joins (when `user` is the actor), adds someone, or changes their role. Returns the
    /// conversation the person is now in: adding to a 1:1 direct message opens a group.
    pub async fn add_to_conversation(
        &self,
        actor: &Actor,
        id: ConversationId,
        user: UserId,
        role: Option<ConversationRole>,
    ) -> AppResult<Conversation> {
        let visible = self.visible(actor, id).await?;
        let record = &visible.record;
        let archived = record.archived_at.is_some();
        if let Some(role) = role {
            channel::may_manage(record.kind, visible.viewer)?;
            return match self
                .store()
                .set_conversation_role(id, user, role, actor.user.id, crate::now())
                .await
            {
                Ok(()) => {
                    self.announce(record.workspace_id);
                    self.conversation(actor, id).await
                }
                Err(StoreError::NotFound) => Err(AppError::NotFound("Member")),
                Err(other) => Err(other.into()),
            };
        }
        if user == actor.user.id {
            if !visible.viewer.is_member() {
                channel::may_join(visible.viewer, archived)?;
                self.store()
                    .add_conversation_member(id, user, ConversationRole::Member, user, crate::now())
                    .await?;
                self.announce(record.workspace_id);
            }
            return self.conversation(actor, id).await;
        }
        channel::may_add(record.kind, visible.viewer, archived)?;
        if self
            .store()
            .member_role(record.workspace_id, user)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound("Workspace member"));
        }
        match record.kind {
            ConversationKind::Direct => return self.widen_direct(actor, record, user).await,
            ConversationKind::Group => {
                return self.add_to_group(actor, record, user).await;
            }
            _ => {}
        }
        self.store()
            .add_conversation_member(
                id,
                user,
                ConversationRole::Member,
                actor.user.id,
                crate::now(),
            )
            .await?;
        self.announce(record.workspace_id);
        self.conversation(actor, id).await
    }

    /// Leaves (when `user` is the actor) or removes someone (managers).
    pub async fn remove_from_conversation(
        &self,
        actor: &Actor,
        id: ConversationId,
        user: UserId,
    ) -> AppResult<()> {
        let visible = self.visible(actor, id).await?;
        let record = &visible.record;
        if record.kind == ConversationKind::Direct {
            return Err(Refusal::NotAChannel.into());
        }
        if user == actor.user.id {
            if !visible.viewer.is_member() {
                return Err(Refusal::NotMember.into());
            }
            let members = self.conversation_members(actor, id).await?;
            let leaver_manages = members.iter().any(|m| m.user_id == user && m.is_manager);
            let others = members.iter().filter(|m| m.user_id != user);
            let managers_left = others.clone().filter(|m| m.is_manager).count();
            channel::may_leave(
                record.kind,
                record.is_general,
                leaver_manages,
                managers_left,
                others.count(),
            )?;
        } else {
            if record.is_general {
                return Err(Refusal::General.into());
            }
            channel::may_manage(record.kind, visible.viewer)?;
        }
        match self
            .store()
            .remove_conversation_member(id, user, actor.user.id, crate::now())
            .await
        {
            Ok(()) => {
                self.announce(record.workspace_id);
                Ok(())
            }
            Err(StoreError::NotFound) => Err(AppError::NotFound("Member")),
            Err(other) => Err(other.into()),
        }
    }
}
