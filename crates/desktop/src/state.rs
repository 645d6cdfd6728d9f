//! Everything the client knows, as plain data: the registry of servers, each server's
//! accounts, and per account its connection, workspaces, conversations, timelines, unread
//! counts, drafts and unsent messages. `update` changes it; the UI only reads it.

pub mod notifications;
pub mod outbox;
pub mod reactions;
pub mod search;
mod server;
pub mod timeline;

use std::collections::{HashMap, VecDeque};

use ocomms_proto::account::CurrentUser;
use ocomms_proto::conversation::Conversation;
use ocomms_proto::workspace::Workspace;
use ocomms_proto::{ConversationId, UserId, WorkspaceId};

use crate::update::Arrived;
use crate::vault::TokenStore;
pub use notifications::Notifications;
pub use outbox::Outbox;
pub use search::Search;
pub use server::{AddServer, AuthForm, Server, TrustMark, initials_of};
pub use timeline::Timeline;

/// A server in the registry (local to this client, never sent anywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerKey(pub u32);

/// One signed-in account on one server (local; a server may have several).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountKey(pub u32);

/// The realtime connection of one account, as the toolbar and the rail show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Signed in, the realtime session is opening.
    Connecting,
    /// Connected and caught up.
    Online,
    /// The connection dropped moments ago and is being retried.
    Degraded { attempt: u32 },
    /// Several retries failed; still retrying, with longer pauses.
    Offline { attempt: u32 },
    /// The server no longer accepts the session: the user must sign in again.
    SessionExpired,
}

impl Connection {
    /// Retries up to this many count as a hiccup (degraded); more as offline.
    pub const DEGRADED_ATTEMPTS: u32 = 2;

    pub fn label(self) -> &'static str {
        match self {
            Self::Connecting => "Connecting…",
            Self::Online => "Online",
            Self::Degraded { .. } => "Reconnecting…",
            Self::Offline { .. } => "Offline",
            Self::SessionExpired => "Session expired — sign in again",
        }
    }
}

/// Where the user was on this account: kept while they look at other servers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub workspace: Option<WorkspaceId>,
    pub conversation: Option<ConversationId>,
    /// The channel list filter.
    pub filter: String,
    /// Unsent text per conversation.
    pub drafts: HashMap<ConversationId, String>,
    /// The composer edits this message of the conversation on screen instead of sending.
    pub editing: Option<ocomms_proto::MessageId>,
    /// The main pane shows the workspace's Activity instead of the conversation.
    pub activity: bool,
    /// The main pane shows search results instead of the conversation.
    pub searching: bool,
    /// The notification settings dialog is open.
    pub settings: bool,
    /// A search result was opened: this message is highlighted in its conversation.
    pub highlight: Option<ocomms_proto::MessageId>,
    /// Where each conversation's timeline was scrolled to; none: at the newest message
    /// (followed as messages arrive).
    pub scroll: HashMap<ConversationId, Anchor>,
}

/// A timeline scrolled up from the newest message: the message at the top of the view, and
/// how far (logical pixels) the view starts below its top. Shown again, the timeline puts
/// that message back at the top, whatever arrived or was loaded meanwhile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub message: ocomms_proto::MessageId,
    pub into: f32,
}

impl Context {
    /// This conversation is in the main pane (not merely selected under Activity or
    /// search results).
    pub fn shows(&self, id: ConversationId) -> bool {
        !self.activity && !self.searching && self.conversation == Some(id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub key: AccountKey,
    pub email: String,
    pub user: CurrentUser,
    pub connection: Connection,
    pub workspaces: Vec<Workspace>,
    pub conversations: HashMap<WorkspaceId, Vec<Conversation>>,
    /// Display names of people seen in this account's workspaces.
    pub names: HashMap<UserId, String>,
    pub context: Context,
    pub timelines: HashMap<ConversationId, Timeline>,
    /// Messages that arrived while the conversation was not on screen.
    pub unread: HashMap<ConversationId, u32>,
    /// Those of them that mention the user (by handle, `@channel`, `@here`).
    pub mentions: HashMap<ConversationId, u32>,
    /// The last messages that arrived, for the server's `notify` frame that follows each.
    pub recent: VecDeque<Arrived>,
    pub outbox: Outbox,
    /// A load failed (shown in the sidebar until the next success).
    pub notice: Option<String>,
    /// Levels, do not disturb and Activity.
    pub notifications: Notifications,
    /// The last search in this account's workspace on screen.
    pub search: Search,
    /// Read from the offline cache and not signed back in yet: shown, but nothing is asked
    /// of the server for it (there is no session) until a kept session resumes.
    pub cached: bool,
}

impl Account {
    pub fn new(key: AccountKey, email: String, user: CurrentUser) -> Self {
        let mut names = HashMap::new();
        names.insert(user.id, user.profile.display_name.clone());
        Self {
            key,
            email,
            user,
            connection: Connection::Connecting,
            workspaces: Vec::new(),
            conversations: HashMap::new(),
            names,
            context: Context::default(),
            timelines: HashMap::new(),
            unread: HashMap::new(),
            mentions: HashMap::new(),
            recent: VecDeque::new(),
            outbox: Outbox::default(),
            notice: None,
            notifications: Notifications::default(),
            search: Search::default(),
            cached: false,
        }
    }

    /// Unread messages that count: a muted conversation's show only as mentions, as on
    /// the web.
    pub fn unread_in(&self, id: ConversationId) -> u32 {
        if self.notifications.is_muted(id) {
            return self.mentions_in(id);
        }
        self.unread.get(&id).copied().unwrap_or(0)
    }

    pub fn unread_total(&self) -> u32 {
        self.unread.keys().map(|id| self.unread_in(*id)).sum()
    }

    /// The red badge of a conversation: the unread messages that mention the user, and every
    /// unread direct message (which is written to them), as Slack counts.
    pub fn mentions_in(&self, id: ConversationId) -> u32 {
        if self.conversation(id).is_some_and(|c| !c.kind.is_channel()) {
            self.unread.get(&id).copied().unwrap_or(0)
        } else {
            self.mentions.get(&id).copied().unwrap_or(0)
        }
    }

    pub fn mention_total(&self) -> u32 {
        self.unread.keys().map(|id| self.mentions_in(*id)).sum()
    }

    /// The conversation has been read: no unread messages, no mentions.
    pub fn read(&mut self, id: ConversationId) -> bool {
        self.mentions.remove(&id);
        self.unread.remove(&id).is_some()
    }

    /// The conversations of the workspace on screen.
    pub fn current_conversations(&self) -> &[Conversation] {
        self.context
            .workspace
            .and_then(|w| self.conversations.get(&w))
            .map_or(&[], Vec::as_slice)
    }

    pub fn conversation(&self, id: ConversationId) -> Option<&Conversation> {
        self.conversations.values().flatten().find(|c| c.id == id)
    }

    pub fn workspace(&self, id: WorkspaceId) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    pub fn name_of(&self, user: UserId) -> String {
        self.names
            .get(&user)
            .cloned()
            .unwrap_or_else(|| format!("user {user}"))
    }
}

/// A server stopped because its pinned certificate changed (docs/adr/0014): not connected
/// to, but kept on the rail with a warning and the reason until it is added again.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub key: ServerKey,
    pub url: String,
    /// What the add-server dialog says about it (both fingerprints).
    pub error: crate::error::ProbeError,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub servers: Vec<Server>,
    /// Servers whose certificate changed, after `servers` on the rail.
    pub stopped: Vec<Stopped>,
    pub active_server: Option<ServerKey>,
    pub add_server: AddServer,
    /// Where session tokens are kept; `None` until the runner says (or when it keeps none).
    pub token_store: Option<TokenStore>,
    /// The window has the keyboard focus: the user sees the conversation on screen (assumed
    /// until the window says otherwise).
    pub focused: bool,
    /// Addresses in the order they were restored or added: the rail keeps this order
    /// (`servers.txt`'s), not the order in which probes happen to answer.
    pub requested: Vec<String>,
    /// The user picked a server: start-up no longer moves the screen to another.
    pub chosen: bool,
    next_key: u32,
    /// Prefix of this run's client ids, random per process so two clients (or two runs of
    /// one) never reuse an id.
    client_prefix: String,
    sent: u64,
}

impl State {
    pub fn new(client_prefix: impl Into<String>) -> Self {
        Self {
            servers: Vec::new(),
            stopped: Vec::new(),
            active_server: None,
            add_server: AddServer {
                open: true,
                ..AddServer::default()
            },
            token_store: None,
            focused: true,
            requested: Vec::new(),
            chosen: false,
            next_key: 1,
            client_prefix: client_prefix.into(),
            sent: 0,
        }
    }

    pub fn next_key(&mut self) -> u32 {
        let key = self.next_key;
        self.next_key += 1;
        key
    }

    pub fn next_client_id(&mut self) -> String {
        self.sent += 1;
        format!("{}-{}", self.client_prefix, self.sent)
    }

    pub fn server(&self, key: ServerKey) -> Option<&Server> {
        self.servers.iter().find(|s| s.key == key)
    }

    /// Where a server that just answered its probe goes on the rail: after every server
    /// asked for before it.
    pub fn rail_position(&self, url: &str) -> usize {
        let rank = |u: &str| self.requested.iter().position(|r| r == u);
        let mine = rank(url);
        self.servers
            .iter()
            .position(|s| match (rank(&s.url), mine) {
                (Some(theirs), Some(mine)) => theirs > mine,
                _ => false,
            })
            .unwrap_or(self.servers.len())
    }

    /// A remembered server came up at start (from its cache or its probe): it is shown if
    /// it is the first of `servers.txt` up so far and the user has not picked one yet.
    pub fn show_restored(&mut self, key: ServerKey) {
        let rank = |state: &Self, key: ServerKey| {
            state
                .server(key)
                .and_then(|s| state.requested.iter().position(|r| *r == s.url))
        };
        let earlier = match self.active_server {
            None => true,
            Some(active) => !self.chosen && rank(self, key) < rank(self, active),
        };
        if earlier {
            self.active_server = Some(key);
        }
    }

    pub fn server_mut(&mut self, key: ServerKey) -> Option<&mut Server> {
        self.servers.iter_mut().find(|s| s.key == key)
    }

    pub fn active(&self) -> Option<&Server> {
        self.active_server.and_then(|k| self.server(k))
    }

    /// The server holding an account, and the account.
    pub fn account_mut(&mut self, key: AccountKey) -> Option<(ServerKey, &mut Account)> {
        self.servers.iter_mut().find_map(|s| {
            let server = s.key;
            s.account_mut(key).map(|a| (server, a))
        })
    }

    pub fn account(&self, key: AccountKey) -> Option<&Account> {
        self.servers.iter().find_map(|s| s.account(key))
    }

    /// The account on screen (active account of the active server).
    pub fn viewed_account(&self) -> Option<AccountKey> {
        self.active().and_then(|s| s.active_account)
    }
}

/// `https://chat.example.com:8443/x` → `chat.example.com:8443`.
pub fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// `https://chat.example.com:8443/x` → `chat.example.com`.
pub fn host_of(url: &str) -> &str {
    let authority = authority_of(url);
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}
