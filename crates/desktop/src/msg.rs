//! The two vocabularies around `update`: `Msg`, what happened (a user action or an answer
//! from the network), and `Effect`, what `update` asks the runner to do. Both are plain data
//! so `update` can be tested without a window or a network.

use ocomms_client::Update;
use ocomms_proto::account::{CurrentUser, SessionToken};
use ocomms_proto::conversation::Conversation;
use ocomms_proto::instance::InstanceInfo;
use ocomms_proto::message::{Message, MessagePage};
use ocomms_proto::notification::{
    ActivityPage, ConversationNotifications, DoNotDisturb, EmailFrequency, EmailNotifications,
    Level,
};
use ocomms_proto::search::SearchResults;
use ocomms_proto::workspace::Workspace;
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId, WorkspaceId};

use crate::error::{AuthError, CallError, ProbeError};
use crate::registry::Saved;
use crate::state::{AccountKey, ServerKey};
use crate::vault::{SavedSession, TokenStore};

mod effect;

pub use effect::Effect;

/// A workspace's conversations, the display names of its members, and the user's unread
/// messages per conversation and how many of them mention the user (from the server's read
/// markers).
pub type Loaded = (
    Vec<Conversation>,
    Vec<(UserId, String)>,
    Vec<(ConversationId, u32, u32)>,
);

#[derive(Debug, Clone)]
pub enum Msg {
    // --- the user ---
    OpenAddServer,
    CloseAddServer,
    /// Probe this address and add the server if it answers well.
    AddServer(String),
    /// The same for a server whose certificate a private CA signed (its certificate file).
    AddServerWithCa {
        input: String,
        ca_file: String,
    },
    /// A server remembered from an earlier run, with how its certificate is trusted.
    RestoreServer(Saved),
    /// The user compared the fingerprint the add-server dialog shows and trusts it.
    TrustCertificate,
    RemoveServer(ServerKey),
    SelectServer(ServerKey),
    SelectAccount(AccountKey),
    /// Open the sign-in form on the active server to add another account.
    OpenSignIn,
    CloseSignIn,
    SignIn {
        email: String,
        password: String,
    },
    SignUp {
        email: String,
        password: String,
        display_name: String,
    },
    /// Signs the account on screen out (the server revokes the session).
    SignOut,
    SelectWorkspace(WorkspaceId),
    SelectConversation(ConversationId),
    FilterChanged(String),
    DraftChanged(String),
    /// Send the draft of the conversation on screen.
    Send,
    /// Fetch the page of messages before the oldest one on screen (the button, or the user
    /// scrolled to the top).
    LoadOlder,
    /// The user scrolled the timeline on screen: this row of the view's rows is at the top,
    /// this many pixels of it above the view; `None`: at the newest message.
    Scrolled(Option<(usize, f32)>),
    /// Up in an empty composer: edit my last message in this conversation.
    EditLast,
    /// Escape while editing: back to an empty composer.
    CancelEdit,
    /// A link in a message was clicked.
    OpenLink(String),
    /// A reaction under a message of the conversation on screen was clicked: add mine, or
    /// take it back if I had reacted with it.
    ToggleReaction {
        message: MessageId,
        emoji: String,
    },
    /// Silence the active server's desktop notifications, or let them through again.
    ToggleMute,
    /// The window gained or lost the keyboard focus (the user is looking, or not).
    WindowFocused(bool),
    /// Open or close the notification settings dialog (of the account on screen).
    OpenNotifications,
    CloseNotifications,
    /// The level of the conversation on screen; `None`: the workspace default.
    SetLevel(Option<Level>),
    /// The level of the workspace's conversations nobody chose one for.
    SetDefaultLevel(Level),
    /// Quiet hours every day, `HH:MM` (both empty: none).
    SetQuietHours {
        start: String,
        end: String,
    },
    /// Pause notifications for this many minutes (0 resumes them).
    Snooze(u32),
    /// How often the server may email about missed mentions and direct messages.
    SetEmailFrequency(EmailFrequency),
    /// Show the workspace's Activity in the main pane.
    OpenActivity,
    /// The next page of Activity.
    LoadMoreActivity,
    /// Search the workspace on screen (the query language of docs/protocol.md).
    Search(String),
    /// The next page of results.
    MoreResults,
    /// Back from the results to the conversation.
    CloseSearch,
    /// Open a result's conversation at that message.
    OpenResult(MessageId),
    /// Leave the stretch of the past a result opened for the conversation's newest messages.
    JumpToNewest,

    // --- answers ---
    Probed {
        url: String,
        result: Result<InstanceInfo, ProbeError>,
    },
    SignedIn {
        server: ServerKey,
        account: AccountKey,
        result: Result<SessionToken, AuthError>,
    },
    WorkspacesLoaded {
        account: AccountKey,
        result: Result<Vec<Workspace>, CallError>,
    },
    ConversationsLoaded {
        account: AccountKey,
        workspace: WorkspaceId,
        result: Result<Loaded, CallError>,
    },
    HistoryLoaded {
        account: AccountKey,
        conversation: ConversationId,
        result: Result<MessagePage, CallError>,
    },
    Posted {
        account: AccountKey,
        client_id: String,
        result: Result<Message, CallError>,
    },
    Edited {
        account: AccountKey,
        result: Result<Message, CallError>,
    },
    /// The server took (or refused) a reaction toggled by the user: `add` says which way.
    /// What the message's reactions became is not used: the realtime events, the user's
    /// own included, come in order, and a reply could be older than the last of them.
    Reacted {
        account: AccountKey,
        conversation: ConversationId,
        message: MessageId,
        emoji: String,
        add: bool,
        result: Result<(), CallError>,
    },
    Realtime {
        account: AccountKey,
        update: Update,
        /// When the runner received it (ms since the epoch): a replayed `notify` frame about
        /// a message much older than this is not shown (`update/notify.rs`).
        received_at: Timestamp,
    },
    /// A call or the realtime session found the session no longer valid.
    SessionExpired(AccountKey),
    /// The account's server, pinned to a certificate, now presents another one: a hard
    /// stop, as when that is found at start (docs/adr/0014).
    CertificateChanged {
        account: AccountKey,
        presented: ocomms_client::Fingerprint,
    },
    /// The server took (or refused) a `MarkRead`.
    MarkedRead {
        account: AccountKey,
        result: Result<(), CallError>,
    },
    /// Each conversation's notification level (those that could not be read are left out).
    LevelsLoaded {
        account: AccountKey,
        result: Result<Vec<(ConversationId, ConversationNotifications)>, CallError>,
    },
    LevelSet {
        account: AccountKey,
        conversation: ConversationId,
        result: Result<ConversationNotifications, CallError>,
    },
    /// The workspace default and do not disturb, for the settings dialog.
    SettingsLoaded {
        account: AccountKey,
        workspace: WorkspaceId,
        result: Result<(Level, DoNotDisturb), CallError>,
    },
    DefaultLevelSet {
        account: AccountKey,
        workspace: WorkspaceId,
        result: Result<Level, CallError>,
    },
    DoNotDisturbSet {
        account: AccountKey,
        result: Result<DoNotDisturb, CallError>,
    },
    /// The missed-message email setting, read or just changed.
    EmailNotificationsLoaded {
        account: AccountKey,
        result: Result<EmailNotifications, CallError>,
    },
    ActivityLoaded {
        account: AccountKey,
        workspace: WorkspaceId,
        /// `None`: the first page.
        before: Option<MessageId>,
        result: Result<ActivityPage, CallError>,
    },
    SearchLoaded {
        account: AccountKey,
        workspace: WorkspaceId,
        query: String,
        /// `None`: the first page.
        before: Option<MessageId>,
        result: Result<SearchResults, CallError>,
    },
    /// The stretch of a conversation around a message (a search result opened). Not a
    /// `HistoryLoaded`: the offline cache keeps only the conversation's end.
    AroundLoaded {
        account: AccountKey,
        conversation: ConversationId,
        result: Result<MessagePage, CallError>,
    },
    /// What the offline cache holds for a remembered server (`None`: nothing).
    CacheRead {
        url: String,
        cached: Option<Box<crate::cache::Cached>>,
    },
    /// Where this run keeps session tokens (the runner opened its vault).
    TokenStore(TokenStore),
    /// The accounts remembered on a server from an earlier run (no tokens: those stay in
    /// the runner's vault).
    SavedSessions {
        server: ServerKey,
        sessions: Vec<SavedSession>,
    },
    /// A remembered session was tried: the server says whose it is, or refuses it.
    Resumed {
        server: ServerKey,
        account: AccountKey,
        saved: SavedSession,
        result: Result<CurrentUser, CallError>,
    },
}
