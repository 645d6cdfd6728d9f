//! Channels: creating, browsing, topic, rename and archive (joining and membership:
//! `conversation/membership.rs`). Every read
//! goes through `visible`, so a private channel answers `NotFound` to anyone outside it,
//! exactly like a channel that does not exist.

mod membership;
mod view;

use ocomms_domain::channel::{self, Refusal, Viewer};
use ocomms_domain::{AllValid, Invalid};
use ocomms_proto::conversation::{
    ChannelQuery, Conversation, ConversationKind, ConversationRole, ConversationUpdate,
    CreateChannel,
};
use ocomms_proto::event::Event;
use ocomms_proto::workspace::Role;
use ocomms_proto::{ConversationId, UserId};
use ocomms_store::{ConversationChange, ConversationRecord, NewConversation, StoreError};
pub use view::{ConversationView, Window};

use crate::{Actor, App, AppError, AppResult};

/// What someone is to a conversation of `kind`, if they may know it exists: `NotFound`
/// outside its workspace, and for a private one they are not in, exactly as for a
/// conversation that does not exist.
pub(crate) fn viewer_of(
    kind: ConversationKind,
    workspace_role: Option<Role>,
    membership: Option<ConversationRole>,
) -> AppResult<Viewer> {
    let not_found = AppError::NotFound("Conversation");
    let workspace_role = workspace_role.ok_or(not_found)?;
    let viewer = Viewer {
        workspace_role,
        membership,
    };
    if !channel::can_see(kind, viewer) {
        return Err(AppError::NotFound("Conversation"));
    }
    Ok(viewer)
}

/// A conversation the actor may see, with what they are in it.
pub(crate) struct Visible {
    pub record: ConversationRecord,
    pub viewer: Viewer,
}

impl App {
    /// Loads a conversation if the actor may know it exists; `NotFound` otherwise.
    pub(crate) async fn visible(&self, actor: &Actor, id: ConversationId) -> AppResult<Visible> {
        actor.require_verified(self.email_verification_required())?;
        let seen = self
            .store()
            .conversation_seen_by(id, actor.user.id)
            .await?
            .ok_or(AppError::NotFound("Conversation"))?;
        let viewer = viewer_of(seen.record.kind, seen.workspace_role, seen.membership)?;
        Ok(Visible {
            record: seen.record,
            viewer,
        })
    }

    /// Channels of a workspace the actor may see: theirs and (except for guests) every public
    /// one, filtered by name and archived state.
    pub async fn channels(
        &self,
        actor: &Actor,
        slug: &str,
        query: &ChannelQuery,
    ) -> AppResult<Vec<Conversation>> {
        let membership = self.membership(actor, slug).await?;
        let with_public = membership.role != Role::Guest;
        let needle = query
            .query
            .as_deref()
            .unwrap_or("")
            .trim()
            .trim_start_matches('#')
            .to_lowercase();
        let archived = query.archived.unwrap_or(false);
        let all = self
            .store()
            .conversations_for(membership.workspace.id, actor.user.id, with_public)
            .await?;
        Ok(all
            .into_iter()
            .filter(|c| c.conversation.kind.is_channel())
            .filter(|c| c.conversation.archived_at.is_some() == archived)
            .filter(|c| {
                c.conversation
                    .name
                    .as_deref()
                    .unwrap_or("")
                    .contains(&needle)
            })
            .map(|c| {
                let viewer = Viewer {
                    workspace_role: membership.role,
                    membership: c.my_role,
                };
                wire(&c.conversation, viewer, None)
            })
            .collect())
    }

    /// Creates a channel with the actor as its manager and, optionally, first members.
    pub async fn create_channel(
        &self,
        actor: &Actor,
        slug: &str,
        request: CreateChannel,
    ) -> AppResult<Conversation> {
        let membership = self.membership(actor, slug).await?;
        channel::may_create(membership.role)?;
        let (name, topic, description) = (
            channel::name(&request.name),
            channel::topic(request.topic.as_deref().unwrap_or("")),
            channel::description(request.description.as_deref().unwrap_or("")),
        )
            .all_valid()?;
        let workspace = membership.workspace.id;
        let mut members = vec![(actor.user.id, ConversationRole::Manager)];
        for user in request.members {
            if user == actor.user.id {
                continue;
            }
            if self.store().member_role(workspace, user).await?.is_none() {
                // 422, not 404: the channel's workspace exists; the body names a stranger.
                return Err(Invalid::new(
                    "members",
                    "Everyone added must be a member of this workspace.",
                )
                .into());
            }
            members.push((user, ConversationRole::Member));
        }
        let kind = if request.private {
            ConversationKind::Private
        } else {
            ConversationKind::Public
        };
        let record = self
            .store()
            .create_conversation(&NewConversation {
                workspace_id: workspace,
                kind,
                name: Some(name),
                topic,
                description,
                direct_key: None,
                created_by: actor.user.id,
                members,
                now: super::now(),
            })
            .await
            .map_err(name_taken)?;
        self.announce(workspace);
        let viewer = Viewer {
            workspace_role: membership.role,
            membership: Some(ConversationRole::Manager),
        };
        Ok(wire(&record, viewer, None))
    }

    pub async fn conversation(&self, actor: &Actor, id: ConversationId) -> AppResult<Conversation> {
        let visible = self.visible(actor, id).await?;
        self.present(actor, &visible).await
    }

    /// Topic and description: any member while the channel is active. Rename and archive:
    /// managers only; #general is never archived.
    pub async fn update_conversation(
        &self,
        actor: &Actor,
        id: ConversationId,
        update: ConversationUpdate,
    ) -> AppResult<Conversation> {
        let visible = self.visible(actor, id).await?;
        let (record, viewer) = (&visible.record, visible.viewer);
        if !record.kind.is_channel() {
            return Err(Refusal::NotAChannel.into());
        }
        let mut changes = Vec::new();
        if let Some(archived) = update.archived {
            channel::may_manage(record.kind, viewer)?;
            if record.is_general {
                return Err(Refusal::General.into());
            }
            if archived != record.archived_at.is_some() {
                changes.push(ConversationChange::Archive(archived));
            }
        }
        let active = !update.archived.unwrap_or(record.archived_at.is_some());
        let editing =
            update.name.is_some() || update.topic.is_some() || update.description.is_some();
        if editing && !active {
            return Err(Refusal::Archived.into());
        }
        if let Some(managers_only) = update.pins_managers_only {
            channel::may_manage(record.kind, viewer)?;
            if managers_only != record.pins_managers_only {
                changes.push(ConversationChange::PinsManagersOnly(managers_only));
            }
        }
        if update.name.is_some() {
            channel::may_manage(record.kind, viewer)?;
        }
        if (update.topic.is_some() || update.description.is_some()) && !viewer.is_member() {
            return Err(Refusal::NotMember.into());
        }
        let (name, topic, description) = (
            update.name.as_deref().map(channel::name).transpose(),
            update.topic.as_deref().map(channel::topic).transpose(),
            update
                .description
                .as_deref()
                .map(channel::description)
                .transpose(),
        )
            .all_valid()?;
        if let Some(name) = name.filter(|name| record.name.as_deref() != Some(name.as_str())) {
            changes.push(ConversationChange::Rename(name));
        }
        changes.extend(topic.map(ConversationChange::Topic));
        changes.extend(description.map(ConversationChange::Description));
        for change in &changes {
            self.store()
                .update_conversation(id, change, actor.user.id, super::now())
                .await
                .map_err(name_taken)?;
        }
        if !changes.is_empty() {
            self.announce(record.workspace_id);
        }
        self.conversation(actor, id).await
    }

    /// Recorded events after `after`, oldest first, for whoever may see the conversation
    /// (public channels can be previewed before joining, as in Slack).
    pub async fn conversation_events(
        &self,
        actor: &Actor,
        id: ConversationId,
        after: i64,
    ) -> AppResult<Vec<Event>> {
        self.visible(actor, id).await?;
        Ok(self.store().conversation_events(id, after, 500).await?)
    }

    /// The wire form, with direct messages named after their people.
    pub(crate) async fn present(
        &self,
        actor: &Actor,
        visible: &Visible,
    ) -> AppResult<Conversation> {
        let direct = if visible.record.kind.is_channel() {
            None
        } else {
            Some(self.direct_details(actor, visible.record.id).await?)
        };
        Ok(wire(&visible.record, visible.viewer, direct))
    }
}

/// The wire form; `direct` carries a direct message's display name and people.
pub(crate) fn wire(
    record: &ConversationRecord,
    viewer: Viewer,
    direct: Option<(String, Vec<UserId>)>,
) -> Conversation {
    let (name, participants) = direct.unzip();
    Conversation {
        id: record.id,
        workspace_id: record.workspace_id,
        kind: record.kind,
        name: name.or_else(|| record.name.clone()).unwrap_or_default(),
        topic: record.topic.clone(),
        description: record.description.clone(),
        is_general: record.is_general,
        archived: record.archived_at.is_some(),
        created_by: record.created_by,
        created_at: record.created_at,
        member_count: u32::try_from(record.member_count).unwrap_or(u32::MAX),
        is_member: viewer.is_member(),
        can_manage: channel::can_manage(record.kind, viewer),
        can_add_members: channel::may_add(record.kind, viewer, record.archived_at.is_some())
            .is_ok(),
        last_seq: record.last_seq,
        participants: participants.unwrap_or_default(),
        pins_managers_only: record.pins_managers_only,
        can_pin: channel::may_pin(
            record.kind,
            viewer,
            record.archived_at.is_some(),
            record.pins_managers_only,
        )
        .is_ok(),
    }
}

/// Channel names are unique per workspace. The message does not say whether the other
/// channel is private: that would tell a non-member it exists.
fn name_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict => {
            ocomms_domain::Invalid::new("name", "That name is already taken. Choose another one.")
                .into()
        }
        other => other.into(),
    }
}
