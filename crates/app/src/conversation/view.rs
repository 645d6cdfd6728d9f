//! Everything a conversation's page shows, read in one call: the web UI renders it, and
//! a client that wants the same screen in one round trip can ask for it too.

use ocomms_proto::ConversationId;
use ocomms_proto::conversation::{Conversation, ConversationMember};
use ocomms_proto::event::Event;
use ocomms_proto::message::{HistoryQuery, MessagePage};
use ocomms_proto::workspace::Member;

use crate::{Actor, App, AppError, AppResult};

/// Messages a page shows at once.
const PAGE: u32 = 50;

/// Which messages a page shows: the newest, those before a position, or those around one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub before: Option<i64>,
    pub around: Option<i64>,
}

/// A conversation as its page shows it.
#[derive(Debug, Clone)]
pub struct ConversationView {
    pub conversation: Conversation,
    /// The workspace position read before the history: a live timeline resumes after it
    /// (anything newer is replayed to it, and duplicates are recognised by message id).
    pub position: i64,
    pub members: Vec<ConversationMember>,
    /// Everyone in the workspace, for names and avatars in the timeline.
    pub people: Vec<Member>,
    /// Workspace members who are not in the conversation, when the viewer may add people.
    pub addable: Vec<Member>,
    /// The newest messages, or those before `before`.
    pub history: MessagePage,
    /// The conversation's other events in the span of `history` (joins, leaves, renames…),
    /// oldest first.
    pub events: Vec<Event>,
}

impl App {
    /// The page of conversation `id` in workspace `slug`, ending before seq `before` (or at
    /// the newest message). A conversation of another workspace is not found, as one the
    /// viewer may not see.
    pub async fn conversation_view(
        &self,
        actor: &Actor,
        slug: &str,
        id: ConversationId,
        window: Window,
    ) -> AppResult<ConversationView> {
        let membership = self.membership(actor, slug).await?;
        let conversation = self.conversation(actor, id).await?;
        if conversation.workspace_id != membership.workspace.id {
            return Err(AppError::NotFound("Conversation"));
        }
        let position = self
            .store()
            .workspace_head(conversation.workspace_id)
            .await?;
        let members = self.conversation_members(actor, id).await?;
        let people = self.members(actor, slug).await?;
        let addable = if conversation.can_add_members {
            people
                .iter()
                .filter(|m| !members.iter().any(|c| c.user_id == m.user_id))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let query = HistoryQuery {
            before: window.before,
            around: window.around,
            limit: Some(PAGE),
            ..HistoryQuery::default()
        };
        let history = self.history(actor, id, &query).await?;
        // Events from just before the first message shown (from the start when the history
        // is complete) up to where the page ends.
        let from = match history.messages.first() {
            Some(first) if history.more_before => first.seq - 1,
            _ => 0,
        };
        let until = match history.messages.last() {
            Some(last) if history.more_after => last.seq + 1,
            _ => i64::MAX,
        };
        let events = self
            .conversation_events(actor, id, from)
            .await?
            .into_iter()
            .filter(|e| e.seq < until)
            .collect();
        Ok(ConversationView {
            conversation,
            position,
            members,
            people,
            addable,
            history,
            events,
        })
    }
}
