//! Messages: post (idempotent by client id), edit, delete, read history. Every write is
//! acknowledged only after its transaction committed, then announced to the realtime hub.

use ocomms_domain::channel::Refusal;
use ocomms_domain::{message as rules, permission};
use ocomms_proto::message::{EditMessage, HistoryQuery, Message, MessagePage, PostMessage};
use ocomms_proto::{ConversationId, MessageId};
use ocomms_store::{HistoryScope, HistoryWindow, MessageEdit, NewMessage, StoreError};

use crate::{Actor, App, AppError, AppResult};

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = ocomms_proto::limit::MAX_HISTORY_PAGE;

impl App {
    /// Posts a message; `(message, true)` when new, `(first message, false)` for a retry
    /// with a client id already used.
    pub async fn post_message(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        request: PostMessage,
    ) -> AppResult<(Message, bool)> {
        actor.require_verified(self.email_verification_required())?;
        // Validation needs nothing of the conversation, so it can come first; whether the
        // author may post there is decided with the rest of the group (`committer`).
        let body = rules::body(&request.body)?;
        let client_id = rules::client_id(request.client_id.as_deref())?;
        let thread_root_id = match request.thread_root_id {
            Some(root) => Some(self.thread_root(actor, conversation, root).await?),
            None if request.also_in_channel => {
                return Err(ocomms_domain::Invalid::new(
                    "also_in_channel",
                    "Only a reply in a thread can also be sent to the conversation.",
                )
                .into());
            }
            None => None,
        };
        let (html, mentions) = self
            .render_message(conversation, actor.user.id, &body)
            .await?;
        let (message, created) = self
            .inner
            .committer
            .post(NewMessage {
                conversation_id: conversation,
                author_id: actor.user.id,
                client_id,
                body,
                html,
                thread_root_id,
                also_in_channel: thread_root_id.is_some() && request.also_in_channel,
                mentions,
                now: super::now(),
            })
            .await?;
        if message.conversation_id != conversation {
            return Err(AppError::Conflict(
                "This client_id was already used for a message in another conversation.".into(),
            ));
        }
        Ok((message, created))
    }

    /// A message the actor can see (a tombstone if deleted).
    pub async fn message(&self, actor: &Actor, id: MessageId) -> AppResult<Message> {
        Ok(self.visible_message_or_tombstone(actor, id).await?.0)
    }

    /// Only the author edits; the text is re-rendered and the event says so.
    pub async fn edit_message(
        &self,
        actor: &Actor,
        id: MessageId,
        request: EditMessage,
    ) -> AppResult<Message> {
        let (message, visible) = self.visible_message(actor, id).await?;
        if message.author_id != actor.user.id {
            return Err(AppError::Forbidden(
                "Only its author can edit a message.".into(),
            ));
        }
        if visible.record.archived_at.is_some() {
            return Err(Refusal::Archived.into());
        }
        let body = rules::body(&request.body)?;
        if body != message.body {
            let (html, mentions) = self
                .render_message(message.conversation_id, message.author_id, &body)
                .await?;
            let edit = MessageEdit {
                body,
                html,
                mentions,
            };
            self.store()
                .edit_message(&message, &edit, actor.user.id, super::now())
                .await
                .map_err(gone)?;
            self.announce(visible.record.workspace_id);
        }
        self.store()
            .message(id)
            .await?
            .ok_or(AppError::NotFound("Message"))
    }

    /// The author, the channel's managers and workspace admins may delete. What remains is a
    /// tombstone: the message's place in history without its text.
    pub async fn delete_message(&self, actor: &Actor, id: MessageId) -> AppResult<()> {
        let (message, visible) = self.visible_message(actor, id).await?;
        let moderator = ocomms_domain::channel::can_manage(visible.record.kind, visible.viewer)
            || (visible.viewer.is_member() && permission::is_admin(visible.viewer.workspace_role));
        if message.author_id != actor.user.id && !moderator {
            return Err(AppError::Forbidden(
                "Only its author or a channel manager can delete a message.".into(),
            ));
        }
        self.store()
            .delete_message(&message, actor.user.id, super::now())
            .await
            .map_err(gone)?;
        self.announce(visible.record.workspace_id);
        Ok(())
    }

    /// A page of a conversation's timeline, oldest first: the newest page, or the page
    /// before/after a position, or the one around it (for jumping to a message).
    pub async fn history(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        query: &HistoryQuery,
    ) -> AppResult<MessagePage> {
        self.visible(actor, conversation).await?;
        let Some(date) = &query.date else {
            return self
                .page_of(HistoryScope::Timeline(conversation), query)
                .await;
        };
        if query.before.is_some() || query.after.is_some() || query.around.is_some() {
            return Err(ocomms_domain::Invalid::new(
                "date",
                "Use at most one of before, after, around and date.",
            )
            .into());
        }
        let around = self
            .first_message_since(actor, conversation, date)
            .await?
            .map(|(seq, _)| seq);
        let query = HistoryQuery {
            around,
            date: None,
            ..query.clone()
        };
        self.page_of(HistoryScope::Timeline(conversation), &query)
            .await
    }

    /// Jumping to a date: the first message of the conversation's timeline written on
    /// `date` (`YYYY-MM-DD` in the actor's time zone) or later, its position and id; none
    /// when nothing was written since.
    pub async fn first_message_since(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        date: &str,
    ) -> AppResult<Option<(i64, MessageId)>> {
        self.visible(actor, conversation).await?;
        let day = ocomms_domain::search::Day::parse(date).ok_or_else(|| {
            ocomms_domain::Invalid::new("date", "Write the date like 2026-01-31.")
        })?;
        Ok(self
            .store()
            .timeline_message_since(conversation, day.start(&actor.user.time_zone))
            .await?)
    }

    /// A page of `scope`'s messages as `query` asks (see `history`).
    pub(crate) async fn page_of(
        &self,
        scope: HistoryScope,
        query: &HistoryQuery,
    ) -> AppResult<MessagePage> {
        if query.date.is_some() {
            return Err(ocomms_domain::Invalid::new(
                "date",
                "Jump to a date in a conversation's timeline; a thread is short enough to read.",
            )
            .into());
        }
        let limit = query.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ocomms_domain::Invalid::new(
                "limit",
                format!("Ask for 1 to {MAX_PAGE} messages."),
            )
            .into());
        }
        let limit = i64::from(limit);
        let store = self.store();
        let page = match (query.before, query.after, query.around) {
            (None, None, None) => {
                let (messages, more_before) =
                    store.history(scope, HistoryWindow::Latest, limit).await?;
                MessagePage {
                    messages,
                    more_before,
                    more_after: false,
                }
            }
            (Some(seq), None, None) => {
                let (messages, more_before) = store
                    .history(scope, HistoryWindow::Before(seq), limit)
                    .await?;
                MessagePage {
                    messages,
                    more_before,
                    more_after: true,
                }
            }
            (None, Some(seq), None) => {
                let (messages, more_after) = store
                    .history(scope, HistoryWindow::After(seq), limit)
                    .await?;
                MessagePage {
                    messages,
                    more_before: true,
                    more_after,
                }
            }
            (None, None, Some(seq)) => {
                let half = (limit / 2).max(1);
                let (mut messages, more_before) = store
                    .history(scope, HistoryWindow::Before(seq.saturating_add(1)), half)
                    .await?;
                let (after, more_after) = store
                    .history(scope, HistoryWindow::After(seq), limit - half)
                    .await?;
                messages.extend(after);
                MessagePage {
                    messages,
                    more_before,
                    more_after,
                }
            }
            _ => {
                return Err(ocomms_domain::Invalid::new(
                    "before",
                    "Use at most one of before, after and around.",
                )
                .into());
            }
        };
        Ok(page)
    }

    /// A live message the actor can see, with its conversation.
    pub(crate) async fn visible_message(
        &self,
        actor: &Actor,
        id: MessageId,
    ) -> AppResult<(Message, super::conversation::Visible)> {
        let (message, visible) = self.visible_message_or_tombstone(actor, id).await?;
        if message.deleted {
            return Err(AppError::NotFound("Message"));
        }
        Ok((message, visible))
    }

    /// A message the actor can see, deleted or not (a thread stays readable under its
    /// deleted top-level message).
    pub(crate) async fn visible_message_or_tombstone(
        &self,
        actor: &Actor,
        id: MessageId,
    ) -> AppResult<(Message, super::conversation::Visible)> {
        let message = self
            .store()
            .message(id)
            .await?
            .ok_or(AppError::NotFound("Message"))?;
        let visible = self
            .visible(actor, message.conversation_id)
            .await
            .map_err(|_| AppError::NotFound("Message"))?;
        Ok((message, visible))
    }
}

/// Deleted between our read and our write.
pub(crate) fn gone(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::NotFound("Message"),
        other => other.into(),
    }
}
