//! The frame around every signed-in page: workspace rail, sidebar, header.

use ocomms_app::{Actor, AppResult};
use ocomms_domain::permission;
use ocomms_proto::ConversationId;
use ocomms_proto::conversation::{ChannelQuery, Conversation, ReadState};
use ocomms_proto::workspace::Workspace;

use crate::App;
use crate::web::page::notice_text;

/// What the layout needs to know; every signed-in page template has one as `shell`.
pub struct Shell {
    pub user_name: String,
    pub user_email: String,
    pub avatar_url: String,
    pub is_instance_admin: bool,
    pub csrf: String,
    pub workspaces: Vec<Workspace>,
    /// The workspace being viewed, if any.
    pub current: Option<Workspace>,
    /// The sidebar entry to highlight: "home", "members", "invitations", "profile", …
    pub active: &'static str,
    pub notice: Option<&'static str>,
    /// The viewer's channels in the current workspace (not archived), for the sidebar.
    pub channels: Vec<Conversation>,
    /// The viewer's direct messages in the current workspace.
    pub directs: Vec<Conversation>,
    /// The conversation on screen, highlighted in the sidebar.
    pub open: Option<ConversationId>,
    /// Who is online in the current workspace, for the sidebar's direct messages.
    pub presence: PresenceMap,
    pub viewer: ocomms_proto::UserId,
    /// Followed threads with unread replies in the current workspace (the Threads badge).
    pub unread_threads: i64,
    /// The viewer's read state of each of their conversations in the current workspace, as
    /// it was before this page (a conversation page marks itself read after rendering).
    pub reads: std::collections::HashMap<ConversationId, ReadState>,
    /// The viewer's muted conversations in the current workspace (shown dimmed).
    pub muted: std::collections::HashSet<ConversationId>,
    /// The viewer's handle, for hints.
    pub handle: String,
    /// The current workspace's position when the page was made, read before its counts:
    /// the live sidebar (assets/live.js) resumes after it.
    pub position: i64,
}

impl Shell {
    /// The layout for `actor`, inside workspace `slug` when given (404 for non-members).
    pub async fn build(
        app: &App,
        actor: &Actor,
        slug: Option<&str>,
        active: &'static str,
        notice: Option<&str>,
    ) -> AppResult<Self> {
        let current = match slug {
            Some(slug) => Some(app.workspace(actor, slug).await?),
            None => None,
        };
        let position = match slug {
            Some(slug) => app.workspace_position(actor, slug).await?,
            None => 0,
        };
        let muted = match slug {
            Some(slug) => app.muted_conversations(actor, slug).await?,
            None => Default::default(),
        };
        let (channels, directs, presence, unread_threads, reads) = match slug {
            Some(slug) => {
                let mut channels = app.channels(actor, slug, &ChannelQuery::default()).await?;
                channels.retain(|c| c.is_member);
                let presence = PresenceMap::load(app, actor, slug).await?;
                let unread_threads = app.unread_threads(actor, slug).await?;
                let reads = app.read_states(actor, slug).await?;
                (
                    channels,
                    app.directs(actor, slug).await?,
                    presence,
                    unread_threads,
                    reads.into_iter().map(|r| (r.conversation_id, r)).collect(),
                )
            }
            None => (
                Vec::new(),
                Vec::new(),
                PresenceMap::default(),
                0,
                Default::default(),
            ),
        };
        let profile = app.current_user(&actor.user).profile;
        Ok(Self {
            user_name: actor.user.display_name.clone(),
            user_email: actor.user.email.clone(),
            avatar_url: profile.avatar_url,
            is_instance_admin: actor.user.is_instance_admin,
            csrf: actor.session.csrf_token.clone(),
            workspaces: app.workspaces(actor).await?,
            current,
            active,
            notice: notice_text(notice),
            channels,
            directs,
            open: None,
            presence,
            viewer: actor.user.id,
            unread_threads,
            reads,
            muted,
            handle: actor.user.handle.clone(),
            position,
        })
    }

    /// Unread messages of a conversation in the sidebar; none for the one on screen, none
    /// for a muted one (only its mentions show, as in Slack).
    pub fn unread_of(&self, id: &ConversationId) -> i64 {
        if self.open == Some(*id) || self.muted.contains(id) {
            return 0;
        }
        self.reads.get(id).map_or(0, |r| r.unread)
    }

    /// Unread messages of a channel that mention the viewer (a direct message's every unread
    /// message counts as one: `unread_of`); none for the one on screen.
    pub fn mentions_of(&self, id: &ConversationId) -> i64 {
        if self.open == Some(*id) {
            return 0;
        }
        self.reads.get(id).map_or(0, |r| r.mentions)
    }

    /// The viewer muted this conversation.
    pub fn is_muted(&self, id: &ConversationId) -> bool {
        self.muted.contains(id)
    }

    /// What the viewer had read of a conversation before this page: the "new messages" line
    /// goes after it.
    pub fn last_read(&self, id: &ConversationId) -> Option<i64> {
        self.reads.get(id).map(|r| r.last_read_seq)
    }

    /// The viewer administers the current workspace.
    pub fn is_workspace_admin(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|w| permission::is_admin(w.role))
    }

    pub fn is_current(&self, slug: &str) -> bool {
        self.current.as_ref().is_some_and(|w| w.slug == slug)
    }

    /// Up to two letters for a workspace tile.
    pub fn initials(name: &str) -> String {
        ocomms_domain::profile::initials(name)
    }

    /// The other person of a 1:1 direct message, whose presence the sidebar shows.
    pub fn partner(&self, conversation: &Conversation) -> Option<ocomms_proto::UserId> {
        match conversation.participants.as_slice() {
            [a, b] if *a == self.viewer => Some(*b),
            [a, b] if *b == self.viewer => Some(*a),
            _ => None,
        }
    }

    /// `aria-current` for a conversation link in the sidebar.
    pub fn conversation_attr(&self, id: &ConversationId) -> &'static str {
        if self.open == Some(*id) {
            "page"
        } else {
            "false"
        }
    }

    /// `aria-current` for the active sidebar entry.
    pub fn current_attr(&self, item: &str) -> &'static str {
        if self.active == item { "page" } else { "false" }
    }
}

/// A count as a badge shows it: "99+" past 99.
pub fn count_label(count: &i64) -> String {
    if *count > 99 {
        "99+".to_owned()
    } else {
        count.to_string()
    }
}

/// Who is online, for the presence dots of a page.
#[derive(Default)]
pub struct PresenceMap(
    std::collections::HashMap<ocomms_proto::UserId, ocomms_proto::realtime::PresenceStatus>,
);

impl PresenceMap {
    pub async fn load(app: &App, actor: &Actor, slug: &str) -> AppResult<Self> {
        let entries = app.presence(actor, slug).await?;
        Ok(Self(
            entries.into_iter().map(|e| (e.user_id, e.status)).collect(),
        ))
    }

    /// `online`, `away` or `offline`.
    pub fn of(&self, user: &ocomms_proto::UserId) -> &'static str {
        self.0.get(user).map_or("offline", |s| s.as_str())
    }

    /// "Online", "Away", "Offline", for people.
    pub fn label(&self, user: &ocomms_proto::UserId) -> &'static str {
        match self.of(user) {
            "online" => "Online",
            "away" => "Away",
            _ => "Offline",
        }
    }
}
