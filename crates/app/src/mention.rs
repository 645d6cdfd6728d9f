//! Mentions on the posting path: which people the handles in a message name, and whose
//! mention count the message goes into (ADR 0016).

use std::collections::HashMap;

use ocomms_domain::{markdown, mention};
use ocomms_proto::message::Mentions;
use ocomms_proto::realtime::PresenceStatus;
use ocomms_proto::{ConversationId, UserId};
use ocomms_store::MentionRecord;

use crate::{App, AppResult};

impl App {
    /// A message body rendered to HTML, with its mentions and `#channel` links resolved in
    /// `conversation`'s workspace. Text without an `@` or `#` costs no lookup.
    pub(crate) async fn render_message(
        &self,
        conversation: ConversationId,
        author: UserId,
        body: &str,
    ) -> AppResult<(String, MentionRecord)> {
        let found = mention::parse(body);
        if found.is_empty() {
            return Ok((markdown::render(body), MentionRecord::default()));
        }
        let handles: Vec<String> = found.handles.iter().cloned().collect();
        let targets = self.store().mention_targets(conversation, &handles).await?;
        let by_handle: HashMap<&str, UserId> = targets
            .people
            .iter()
            .map(|(id, handle, _)| (handle.as_str(), *id))
            .collect();
        let places: Vec<String> = found.places.iter().cloned().collect();
        let by_name: HashMap<String, String> = self
            .store()
            .linkable_channels(conversation, &places)
            .await?
            .into_iter()
            .map(|(name, id, slug)| (name, format!("/w/{slug}/c/{id}")))
            .collect();
        let html = markdown::render_linked(
            body,
            &markdown::Names {
                person: &|typed| by_handle.get(typed.to_ascii_lowercase().as_str()).copied(),
                place: &|name| by_name.get(name).cloned(),
            },
        );
        // `@channel` counts for everyone from the message itself; otherwise the members named,
        // and for `@here` the members online now.
        let mut counted_for: Vec<UserId> = Vec::new();
        if !found.channel {
            counted_for.extend(
                targets
                    .people
                    .iter()
                    .filter(|(_, _, member)| *member)
                    .map(|(id, _, _)| *id),
            );
            if found.here {
                counted_for.extend(self.online_members(conversation).await?);
            }
            counted_for.retain(|user| *user != author);
            counted_for.sort_unstable();
            counted_for.dedup();
        }
        let mut users: Vec<UserId> = targets.people.iter().map(|(id, _, _)| *id).collect();
        users.sort_unstable();
        Ok((
            html,
            MentionRecord {
                shown: Mentions {
                    users,
                    channel: found.channel,
                    here: found.here,
                },
                counted_for,
            },
        ))
    }

    /// Members of the conversation who are online (not away) as far as presence knows.
    async fn online_members(&self, conversation: ConversationId) -> AppResult<Vec<UserId>> {
        let Some(record) = self.store().conversation(conversation).await? else {
            return Ok(Vec::new());
        };
        let online: Vec<UserId> = self
            .publisher()
            .online_in(record.workspace_id)
            .into_iter()
            .filter(|(_, status)| *status == PresenceStatus::Online)
            .map(|(user, _)| user)
            .collect();
        if online.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store().members_among(conversation, &online).await?)
    }
}
