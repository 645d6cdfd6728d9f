//! Read state (issue 15, S13): members mark a conversation read up to a position, or unread
//! from a message; unread counts per conversation follow (docs/adr/0015).

use ocomms_domain::channel::Refusal;
use ocomms_proto::conversation::ReadState;
use ocomms_proto::{ConversationId, MessageId};

use crate::{Actor, App, AppError, AppResult};

impl App {
    /// Marks `conversation` read up to `seq` (clamped to its newest position; never back).
    pub async fn mark_read(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        seq: i64,
    ) -> AppResult<ReadState> {
        let visible = self.visible(actor, conversation).await?;
        if !visible.viewer.is_member() {
            return Err(Refusal::NotMember.into());
        }
        let seq = seq.clamp(0, visible.record.last_seq);
        let state = self
            .store()
            .mark_read(actor.user.id, conversation, seq)
            .await?;
        self.tell_read(visible.record.workspace_id, actor, state)
    }

    /// Marks a message and everything after it unread ("mark unread" on a message).
    pub async fn mark_unread(&self, actor: &Actor, message: MessageId) -> AppResult<ReadState> {
        let (message, visible) = self.visible_message(actor, message).await?;
        if !visible.viewer.is_member() {
            return Err(Refusal::NotMember.into());
        }
        let state = self
            .store()
            .set_read(actor.user.id, message.conversation_id, message.seq - 1)
            .await?;
        self.tell_read(visible.record.workspace_id, actor, state)
    }

    /// Marks every conversation the actor belongs to in a workspace read ("mark all as
    /// read"); answers those that had anything after their marker (messages, or only events
    /// like someone joining), now read, and tells the actor's other tabs and devices of each.
    pub async fn mark_all_read(&self, actor: &Actor, slug: &str) -> AppResult<Vec<ReadState>> {
        let membership = self.membership(actor, slug).await?;
        let workspace = membership.workspace.id;
        let moved = self.store().mark_all_read(actor.user.id, workspace).await?;
        Ok(moved
            .into_iter()
            .map(|(conversation_id, last_read_seq)| {
                let state = ReadState {
                    conversation_id,
                    last_read_seq,
                    unread: 0,
                    mentions: 0,
                };
                self.publisher()
                    .read_changed(workspace, actor.user.id, state);
                state
            })
            .collect())
    }

    /// The read state of every conversation the actor belongs to in a workspace.
    pub async fn read_states(&self, actor: &Actor, slug: &str) -> AppResult<Vec<ReadState>> {
        let membership = self.membership(actor, slug).await?;
        let states = self
            .store()
            .read_states(actor.user.id, membership.workspace.id)
            .await?;
        Ok(states.into_iter().map(wire).collect())
    }
}

impl App {
    /// The new read state, also sent to the actor's other tabs and devices.
    fn tell_read(
        &self,
        workspace: ocomms_proto::WorkspaceId,
        actor: &Actor,
        state: Option<ocomms_store::ReadState>,
    ) -> AppResult<ReadState> {
        let state = state.map(wire).ok_or(AppError::NotFound("Conversation"))?;
        self.publisher()
            .read_changed(workspace, actor.user.id, state);
        Ok(state)
    }
}

fn wire(state: ocomms_store::ReadState) -> ReadState {
    ReadState {
        conversation_id: state.conversation_id,
        last_read_seq: state.last_read_seq,
        unread: state.unread,
        mentions: state.mentions,
    }
}
