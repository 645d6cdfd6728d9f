//! Writing an export that was read and counted: members, channels, messages, reactions.

use std::collections::HashMap;

use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId, WorkspaceId};
use ocomms_store::{ConversationChange, HistoryMessage, NewConversation, StoreError};

use super::archive::{self, Archive, Channel, Message, millis};
use super::{Person, SlackError, text};
use crate::App;

impl App {
    pub(super) async fn write_workspace(
        &self,
        workspace: WorkspaceId,
        owner: UserId,
        archive: &Archive,
        people: &HashMap<String, Person>,
    ) -> Result<(), SlackError> {
        let now = crate::now();
        for person in people.values() {
            if let Some(user) = person.user.filter(|u| *u != owner) {
                self.store()
                    .add_member(workspace, user, person.role, now)
                    .await?;
            }
        }
        let general = self
            .store()
            .general_conversation(workspace)
            .await?
            .ok_or(StoreError::Invariant("a new workspace has a #general"))?;
        let mut taken: Vec<String> = vec!["general".into()];
        for (channel, private) in &archive.channels {
            let id = if channel.is_general {
                general
            } else {
                self.create_channel_from(workspace, owner, channel, *private, people, &mut taken)
                    .await?
            };
            let messages = archive
                .messages
                .get(&channel.name)
                .map_or(&[][..], Vec::as_slice);
            self.write_messages(id, messages, people).await?;
            if channel.is_archived && !channel.is_general {
                self.store()
                    .update_conversation(id, &ConversationChange::Archive(true), owner, now)
                    .await?;
            }
        }
        Ok(())
    }

    async fn create_channel_from(
        &self,
        workspace: WorkspaceId,
        owner: UserId,
        channel: &Channel,
        private: bool,
        people: &HashMap<String, Person>,
        taken: &mut Vec<String>,
    ) -> Result<ConversationId, SlackError> {
        let base = ocomms_domain::channel::name(&channel.name).unwrap_or_else(|_| "channel".into());
        let name = ocomms_domain::slug::unique(&base, taken);
        taken.push(name.clone());
        let creator = channel
            .creator
            .as_ref()
            .and_then(|id| people.get(id))
            .and_then(|p| p.user)
            .unwrap_or(owner);
        let mut members: Vec<(UserId, ConversationRole)> = channel
            .members
            .iter()
            .filter_map(|id| people.get(id).and_then(|p| p.user))
            .map(|user| (user, ConversationRole::Member))
            .collect();
        members.sort_by_key(|(u, _)| u.0);
        members.dedup_by_key(|(u, _)| u.0);
        // The creator manages it and is in it, as in Slack.
        members.retain(|(u, _)| *u != creator);
        members.push((creator, ConversationRole::Manager));
        let text = |d: &Option<archive::Described>| {
            d.as_ref().map(|d| d.value.clone()).unwrap_or_default()
        };
        let created = self
            .store()
            .create_conversation(&NewConversation {
                workspace_id: workspace,
                kind: if private {
                    ConversationKind::Private
                } else {
                    ConversationKind::Public
                },
                name: Some(name),
                topic: ocomms_domain::channel::topic(&text(&channel.topic)).unwrap_or_default(),
                description: ocomms_domain::channel::description(&text(&channel.purpose))
                    .unwrap_or_default(),
                direct_key: None,
                created_by: creator,
                members,
                now: if channel.created > 0 {
                    channel.created * 1000
                } else {
                    crate::now()
                },
            })
            .await?;
        Ok(created.id)
    }

    /// One channel's messages, replies after their roots, then their reactions.
    async fn write_messages(
        &self,
        conversation: ConversationId,
        messages: &[Message],
        people: &HashMap<String, Person>,
    ) -> Result<(), SlackError> {
        let handle = |id: &str| people.get(id).and_then(|p| p.handle.clone());
        let mut history: Vec<HistoryMessage> = Vec::new();
        let mut reactions: Vec<(usize, UserId, String, Timestamp)> = Vec::new();
        let mut by_ts: HashMap<&str, usize> = HashMap::new();
        for message in messages {
            let Some(author) = super::written_by(message, people).and_then(|p| p.user) else {
                continue;
            };
            let created_at = millis(&message.ts);
            let mut body = text::to_markdown(&message.text, &handle);
            for file in &message.files {
                let name = file.name.as_deref().unwrap_or("a file");
                body.push_str(&format!("\n\n_(file “{name}” was not imported)_"));
            }
            if body.trim().is_empty() {
                continue;
            }
            let thread_root = message
                .thread_ts
                .as_deref()
                .filter(|root| *root != message.ts)
                .and_then(|root| by_ts.get(root).copied())
                .filter(|root| history[*root].thread_root.is_none());
            let index = history.len();
            for reaction in &message.reactions {
                let Some(emoji) = reaction.emoji() else {
                    continue;
                };
                for user in reaction.users.iter().filter_map(|id| people.get(id)?.user) {
                    reactions.push((index, user, emoji.clone(), created_at));
                }
            }
            by_ts.insert(message.ts.as_str(), index);
            history.push(HistoryMessage {
                conversation,
                author,
                html: ocomms_domain::markdown::render(&body),
                body,
                created_at,
                also_in_channel: thread_root.is_some()
                    && message.subtype.as_deref() == Some("thread_broadcast"),
                thread_root,
                edited_at: message.edited.as_ref().map(|e| millis(&e.ts)),
            });
        }
        if history.is_empty() {
            return Ok(());
        }
        let ids: Vec<MessageId> = self.store().append_history(&history).await?;
        let reactions: Vec<(MessageId, UserId, String, Timestamp)> = reactions
            .into_iter()
            .filter_map(|(index, user, emoji, at)| Some((*ids.get(index)?, user, emoji, at)))
            .collect();
        self.store().append_reactions(&reactions).await?;
        Ok(())
    }
}
