//! Direct messages: 1:1 (the same pair always meets in the same conversation), notes to
//! yourself, and groups of up to nine people.

use ocomms_domain::Invalid;
use ocomms_domain::channel::{self, Viewer};
use ocomms_proto::conversation::{Conversation, ConversationKind, ConversationRole};
use ocomms_proto::workspace::Role;
use ocomms_proto::{ConversationId, UserId, WorkspaceId};
use ocomms_store::{ConversationRecord, NewConversation, StoreError};

use crate::conversation::{Visible, wire};
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// Opens (finding or creating) the direct message with `others`.
    pub async fn open_direct(
        &self,
        actor: &Actor,
        slug: &str,
        others: &[UserId],
    ) -> AppResult<Conversation> {
        let membership = self.membership(actor, slug).await?;
        let (kind, people) = channel::participants(actor.user.id, others)?;
        self.check_participants(
            membership.workspace.id,
            membership.role,
            actor.user.id,
            &people,
        )
        .await?;
        let record = self
            .find_or_create_direct(actor, membership.workspace.id, kind, &people)
            .await?;
        let visible = Visible {
            record,
            viewer: Viewer {
                workspace_role: membership.role,
                membership: Some(ConversationRole::Member),
            },
        };
        self.present(actor, &visible).await
    }

    /// The actor's direct messages in a workspace.
    pub async fn directs(&self, actor: &Actor, slug: &str) -> AppResult<Vec<Conversation>> {
        let membership = self.membership(actor, slug).await?;
        let all = self
            .store()
            .conversations_for(membership.workspace.id, actor.user.id, false)
            .await?;
        let mut out = Vec::new();
        for c in all
            .into_iter()
            .filter(|c| !c.conversation.kind.is_channel())
        {
            let viewer = Viewer {
                workspace_role: membership.role,
                membership: c.my_role,
            };
            let details = self.direct_details(actor, c.conversation.id).await?;
            out.push(wire(&c.conversation, viewer, Some(details)));
        }
        out.sort_by_key(|c| c.name.to_lowercase());
        Ok(out)
    }

    /// Everyone must be in the workspace; guests only reach people they share a channel with.
    async fn check_participants(
        &self,
        workspace: WorkspaceId,
        actor_role: Role,
        actor: UserId,
        people: &[UserId],
    ) -> AppResult<()> {
        for &person in people.iter().filter(|p| **p != actor) {
            let Some(role) = self.store().member_role(workspace, person).await? else {
                // 422, not 404: the workspace exists; the body names a stranger.
                return Err(Invalid::new(
                    "user_ids",
                    "Everyone in a direct message must be a member of this workspace.",
                )
                .into());
            };
            let involves_guest = actor_role == Role::Guest || role == Role::Guest;
            if involves_guest
                && !self
                    .store()
                    .users_share_channel(workspace, actor, person)
                    .await?
            {
                return Err(AppError::Forbidden(
                    "Guests can only message people they share a channel with.".into(),
                ));
            }
        }
        Ok(())
    }

    async fn find_or_create_direct(
        &self,
        actor: &Actor,
        workspace: WorkspaceId,
        kind: ConversationKind,
        people: &[UserId],
    ) -> AppResult<ConversationRecord> {
        let key = channel::direct_key(people);
        if let Some(existing) = self.store().direct_conversation(workspace, &key).await? {
            return Ok(existing);
        }
        let created = self
            .store()
            .create_conversation(&NewConversation {
                workspace_id: workspace,
                kind,
                name: None,
                topic: String::new(),
                description: String::new(),
                direct_key: Some(key.clone()),
                created_by: actor.user.id,
                members: people
                    .iter()
                    .map(|p| (*p, ConversationRole::Member))
                    .collect(),
                now: super::now(),
            })
            .await;
        match created {
            Ok(record) => {
                self.announce(workspace);
                Ok(record)
            }
            // Someone opened the same conversation a moment ago: use theirs.
            Err(StoreError::Conflict) => self
                .store()
                .direct_conversation(workspace, &key)
                .await?
                .ok_or(AppError::NotFound("Conversation")),
            Err(other) => Err(other.into()),
        }
    }

    /// Adding someone to a 1:1 message opens (or finds) the group of all three.
    pub(crate) async fn widen_direct(
        &self,
        actor: &Actor,
        record: &ConversationRecord,
        user: UserId,
    ) -> AppResult<Conversation> {
        let mut others = self.participants(record.id).await?;
        others.push(user);
        let slug = self
            .store()
            .memberships_of(actor.user.id)
            .await?
            .into_iter()
            .find(|m| m.workspace.id == record.workspace_id)
            .map(|m| m.workspace.slug)
            .ok_or(AppError::NotFound("Conversation"))?;
        self.open_direct(actor, &slug, &others).await
    }

    /// Adds someone to a group in place (it keeps its history).
    pub(crate) async fn add_to_group(
        &self,
        actor: &Actor,
        record: &ConversationRecord,
        user: UserId,
    ) -> AppResult<Conversation> {
        let mut people = self.participants(record.id).await?;
        if people.contains(&user) {
            return self.conversation(actor, record.id).await;
        }
        let actor_role = self
            .store()
            .member_role(record.workspace_id, actor.user.id)
            .await?
            .ok_or(AppError::NotFound("Conversation"))?;
        let (_, everyone) =
            channel::participants(actor.user.id, &[people.clone(), vec![user]].concat())?;
        people.push(user);
        self.check_participants(record.workspace_id, actor_role, actor.user.id, &everyone)
            .await?;
        self.store()
            .add_group_participant(
                record.id,
                user,
                &channel::direct_key(&everyone),
                actor.user.id,
                super::now(),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict => AppError::Conflict(
                    "A group message with exactly these people already exists; open it instead."
                        .into(),
                ),
                other => other.into(),
            })?;
        self.announce(record.workspace_id);
        self.conversation(actor, record.id).await
    }

    async fn participants(&self, id: ConversationId) -> AppResult<Vec<UserId>> {
        let members = self.store().conversation_members(id).await?;
        Ok(members.into_iter().map(|m| m.user.id).collect())
    }

    /// "Ada Lovelace, Bob Builder" (the others), or the actor's own name for notes to self,
    /// and everyone in it.
    pub(crate) async fn direct_details(
        &self,
        actor: &Actor,
        id: ConversationId,
    ) -> AppResult<(String, Vec<UserId>)> {
        let members = self.store().conversation_members(id).await?;
        let people = members.iter().map(|m| m.user.id).collect();
        let others: Vec<String> = members
            .iter()
            .filter(|m| m.user.id != actor.user.id)
            .map(|m| m.user.display_name.clone())
            .collect();
        let name = if others.is_empty() {
            format!("{} (you)", actor.user.display_name)
        } else {
            others.join(", ")
        };
        Ok((name, people))
    }
}
