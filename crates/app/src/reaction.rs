//! Reactions: any member of a conversation toggles their own emoji on a message they can
//! see, while the conversation is active. Writes go through `writer`'s group commit.

pub(crate) mod writer;

use crate::{Actor, App, AppError, AppResult};
use ocomms_domain::channel::Refusal;
use ocomms_domain::reaction as rules;
use ocomms_proto::MessageId;
use ocomms_proto::message::{Message, Reactions};
use ocomms_store::ReactionChange;

impl App {
    /// Adds the actor's `emoji` reaction (idempotent: reacting twice changes nothing).
    pub async fn add_reaction(
        &self,
        actor: &Actor,
        id: MessageId,
        emoji: &str,
    ) -> AppResult<Reactions> {
        self.change_reaction(actor, id, emoji, true).await
    }

    /// Takes the actor's `emoji` reaction back (idempotent).
    pub async fn remove_reaction(
        &self,
        actor: &Actor,
        id: MessageId,
        emoji: &str,
    ) -> AppResult<Reactions> {
        self.change_reaction(actor, id, emoji, false).await
    }

    /// Checks and writes one change; answers the message's reactions after it.
    async fn change_reaction(
        &self,
        actor: &Actor,
        id: MessageId,
        emoji: &str,
        add: bool,
    ) -> AppResult<Reactions> {
        let emoji = rules::emoji(emoji)?;
        let (message, visible) = self.visible_message(actor, id).await?;
        self.may_react(&visible)?;
        if add {
            let is_new = !message.reactions.iter().any(|r| r.emoji == emoji);
            rules::may_add(message.reactions.len(), is_new)?;
        }
        let change = change(&message, actor, emoji, add);
        self.inner
            .reactions
            .write(change, visible.record.workspace_id)
            .await?;
        self.reactions_of(id).await
    }

    /// Members react; people who can only see a public channel join it first, as to post.
    fn may_react(&self, visible: &crate::conversation::Visible) -> AppResult<()> {
        if !visible.viewer.is_member() {
            return Err(Refusal::NotMember.into());
        }
        if visible.record.archived_at.is_some() {
            return Err(Refusal::Archived.into());
        }
        Ok(())
    }

    async fn reactions_of(&self, id: MessageId) -> AppResult<Reactions> {
        let message = self
            .store()
            .message(id)
            .await?
            .ok_or(AppError::NotFound("Message"))?;
        Ok(Reactions {
            message_id: id,
            reactions: message.reactions,
        })
    }
}

fn change(message: &Message, actor: &Actor, emoji: String, add: bool) -> ReactionChange {
    ReactionChange {
        message_id: message.id,
        conversation_id: message.conversation_id,
        user: actor.user.id,
        emoji,
        add,
        now: crate::now(),
    }
}
