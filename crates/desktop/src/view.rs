//! What the window shows, derived from `State` as plain data (tested without a window).
//! The Slint bridge copies this into the UI's properties and nothing more.

mod notifications;
mod search;

use ocomms_proto::conversation::ConversationKind;

use crate::markdown::{self, Block};
use crate::state::timeline::{Row, time_label};
use crate::state::{
    Account, Connection, Server, State, TrustMark, authority_of, host_of, initials_of,
};
use crate::vault::TokenStore;
pub use notifications::{ActivityRow, SettingsView};
pub use search::{ResultRow, SearchView};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub rail: Vec<RailItem>,
    pub add_server: AddServerView,
    pub auth: AuthView,
    pub toolbar: Toolbar,
    pub accounts: Vec<Item>,
    pub workspaces: Vec<Item>,
    pub conversations: Vec<Item>,
    pub filter: String,
    pub rows: Vec<RowView>,
    /// Older messages exist on the server ("Load older messages").
    pub more_before: bool,
    pub draft: String,
    /// The composer edits a message (Enter saves, Escape cancels).
    pub editing: bool,
    pub notice: String,
    /// The server on screen sends no desktop notifications.
    pub muted: bool,
    /// The notification settings dialog.
    pub settings: SettingsView,
    /// The toolbar's notification button: "Muted", "All messages" or "Mentions" (empty:
    /// no conversation on screen).
    pub level: String,
    /// The main pane shows Activity instead of a conversation.
    pub activity_open: bool,
    pub activity: Vec<ActivityRow>,
    /// Older Activity exists ("Load more").
    pub activity_more: bool,
    pub activity_loading: bool,
    /// The search field and the results pane.
    pub search: SearchView,
    /// The timeline is a stretch of the past around a search result ("Jump to the newest").
    pub more_after: bool,
    /// The message a search result opened, highlighted and scrolled to.
    pub highlight: Option<i64>,
    /// Where the timeline is scrolled to: the row at the top of the view and how many
    /// pixels of it are above; `None`: at the newest message.
    pub scroll: Option<(usize, f32)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RailItem {
    pub key: u32,
    pub initials: String,
    pub name: String,
    pub unread: u32,
    /// Unread messages that mention the user (direct messages included): the red badge.
    pub mentions: u32,
    pub connection: String,
    /// 0 online, 1 connecting, 2 reconnecting, 3 offline, 4 session expired, 5 signed out.
    pub level: i32,
    pub active: bool,
    /// How the connection is protected: the lock drawn (`TrustMark`'s number) and what a
    /// screen reader says ("pinned certificate").
    pub trust: i32,
    pub trust_label: String,
}

/// A row of a simple list (accounts, workspaces, conversations).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    pub key: i64,
    pub label: String,
    pub unread: u32,
    pub mentions: u32,
    pub active: bool,
    /// Muted: drawn dimmed.
    pub muted: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddServerView {
    pub open: bool,
    pub probing: bool,
    pub error: String,
    /// The SHA-256 of a certificate to compare and trust (empty: none asked about).
    pub fingerprint: String,
    /// The server that presented it.
    pub untrusted_server: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthView {
    pub open: bool,
    pub busy: bool,
    pub error: String,
    pub email: String,
    pub server: String,
    pub open_signup: bool,
    /// An account exists to go back to.
    pub can_cancel: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Toolbar {
    pub title: String,
    pub topic: String,
    pub connection: String,
    pub level: i32,
    pub account: String,
    /// Plain http (loopback only): said out loud.
    pub unencrypted: bool,
    /// How the connection is protected: a public CA, a private CA, a certificate the user
    /// trusted (with its fingerprint).
    pub security: String,
    /// Sessions are kept in a file because no OS keyring answered (empty: a keyring, or
    /// nothing kept): said out loud.
    pub token_store: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowView {
    /// 0 day separator, 1 message, 2 waiting to send, 3 refused.
    pub kind: i32,
    /// The message's id (0: not a message the server has).
    pub key: i64,
    pub author: String,
    pub time: String,
    /// The body as plain text (what a screen reader reads), or "(message deleted)".
    pub body: String,
    /// The body as drawn: blocks of styled spans (none for a deleted message).
    pub blocks: Vec<Block>,
    /// A few emoji alone: drawn large.
    pub jumbo: bool,
    pub edited: bool,
    pub deleted: bool,
    /// The message a search result opened.
    pub highlighted: bool,
    /// Under the message, in the order each emoji was first used.
    pub reactions: Vec<ReactionView>,
}

/// One emoji's reactions to a message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReactionView {
    pub emoji: String,
    pub count: u32,
    /// The user is one of them: drawn highlighted, and a click takes it back.
    pub mine: bool,
    /// What a screen reader says: "👍 3, you reacted".
    pub label: String,
}

fn reaction_views(
    reactions: &[ocomms_proto::message::Reaction],
    me: ocomms_proto::UserId,
) -> Vec<ReactionView> {
    reactions
        .iter()
        .map(|r| {
            let count = u32::try_from(r.user_ids.len()).unwrap_or(u32::MAX);
            let mine = r.user_ids.contains(&me);
            ReactionView {
                label: format!(
                    "{} {count}{}",
                    r.emoji,
                    if mine { ", you reacted" } else { "" }
                ),
                emoji: r.emoji.clone(),
                count,
                mine,
            }
        })
        .collect()
}

fn level(connection: Option<Connection>) -> i32 {
    match connection {
        Some(Connection::Online) => 0,
        Some(Connection::Connecting) => 1,
        Some(Connection::Degraded { .. }) => 2,
        Some(Connection::Offline { .. }) => 3,
        Some(Connection::SessionExpired) => 4,
        None => 5,
    }
}

pub fn view(state: &State) -> View {
    let mut rail: Vec<RailItem> = state
        .servers
        .iter()
        .map(|s| RailItem {
            key: s.key.0,
            initials: s.initials(),
            name: server_name(s),
            unread: s.unread_total(),
            mentions: s.mention_total(),
            connection: s
                .connection()
                .map_or("Signed out", Connection::label)
                .to_owned(),
            level: level(s.connection()),
            active: state.active_server == Some(s.key),
            trust: s.trust_mark().0 as i32,
            trust_label: s.trust_mark().1.to_owned(),
        })
        .collect();
    // Stopped by a changed certificate: marked, and a click says why (docs/adr/0014).
    rail.extend(state.stopped.iter().map(|s| RailItem {
        key: s.key.0,
        initials: initials_of(host_of(&s.url)),
        name: authority_of(&s.url).to_owned(),
        connection: "Not connected".into(),
        level: level(None),
        trust: TrustMark::Changed as i32,
        trust_label: "certificate changed".into(),
        ..RailItem::default()
    }));
    let add_server = AddServerView {
        open: state.add_server.open || state.servers.is_empty(),
        probing: !state.add_server.probing.is_empty(),
        error: state
            .add_server
            .error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        fingerprint: state
            .add_server
            .untrusted
            .as_ref()
            .map(|(_, fp)| fp.to_string())
            .unwrap_or_default(),
        untrusted_server: state
            .add_server
            .untrusted
            .as_ref()
            .map(|(url, _)| url.clone())
            .unwrap_or_default(),
    };
    let mut view = View {
        rail,
        add_server,
        ..View::default()
    };
    if let Some(server) = state.active() {
        server_view(server, &mut view);
    }
    if let Some(TokenStore::File(path)) = &state.token_store {
        view.toolbar.token_store = format!(
            "no keyring: sessions saved in {} (readable only by you)",
            path.display()
        );
    }
    view
}

fn server_name(server: &Server) -> String {
    format!("{} ({})", server.title(), authority_of(&server.url))
}

fn server_view(server: &Server, view: &mut View) {
    view.auth = AuthView {
        // Kept sessions being tried: the form opens if none comes back.
        open: server.auth.open || (server.active().is_none() && server.resuming == 0),
        busy: server.auth.busy,
        error: server
            .auth
            .error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        email: server.auth.email.clone(),
        server: server_name(server),
        open_signup: server.info.open_signup || server.info.needs_setup,
        can_cancel: server.active().is_some(),
    };
    view.muted = server.muted;
    view.toolbar.unencrypted = server.url.starts_with("http://");
    view.toolbar.security = server.security();
    view.accounts = server
        .accounts
        .iter()
        .map(|a| Item {
            key: i64::from(a.key.0),
            label: format!("{} <{}>", a.user.profile.display_name, a.email),
            unread: a.unread_total(),
            mentions: a.mention_total(),
            active: server.active_account == Some(a.key),
            muted: false,
        })
        .collect();
    let Some(account) = server.active() else {
        view.toolbar.title = server_name(server);
        (view.toolbar.connection, view.toolbar.level) = if server.resuming > 0 {
            ("Signing you back in…".into(), 1)
        } else {
            let connection = server.connection();
            (
                connection.map_or("Signed out", Connection::label).into(),
                level(connection),
            )
        };
        return;
    };
    account_view(account, view);
}

fn account_view(account: &Account, view: &mut View) {
    let context = &account.context;
    view.toolbar.connection = account.connection.label().to_owned();
    view.toolbar.level = level(Some(account.connection));
    view.toolbar.account = account.email.clone();
    view.notice = account.notice.clone().unwrap_or_default();
    view.filter = context.filter.clone();
    view.workspaces = account
        .workspaces
        .iter()
        .map(|w| Item {
            key: w.id.0,
            label: w.name.clone(),
            unread: 0,
            mentions: 0,
            active: context.workspace == Some(w.id),
            muted: false,
        })
        .collect();
    let needle = context.filter.to_lowercase();
    view.conversations = account
        .current_conversations()
        .iter()
        .filter(|c| c.is_member && !c.archived)
        .map(|c| (c, conversation_label(c)))
        .filter(|(_, label)| label.to_lowercase().contains(&needle))
        .map(|(c, label)| Item {
            key: c.id.0,
            label,
            unread: account.unread_in(c.id),
            mentions: account.mentions_in(c.id),
            active: context.shows(c.id),
            muted: account.notifications.is_muted(c.id),
        })
        .collect();
    view.settings = notifications::settings(account);
    if let Some(id) = context.conversation {
        if let Some(c) = account.conversation(id) {
            view.toolbar.title = conversation_label(c);
            view.toolbar.topic = c.topic.clone();
        }
        view.level = notifications::toolbar_level(account);
        view.draft = context.drafts.get(&id).cloned().unwrap_or_default();
        view.editing = context.editing.is_some();
        // Kept under Activity too: the timeline stays as it was, covered.
        view.rows = rows(account, id);
        view.more_before = account.timelines.get(&id).is_some_and(|t| t.more_before);
        view.more_after = account.timelines.get(&id).is_some_and(|t| t.more_after);
        view.highlight = context.highlight.map(|m| m.0);
        view.scroll = context.scroll.get(&id).and_then(|anchor| {
            let row = account.timelines.get(&id)?.row_of(anchor.message)?;
            Some((row, anchor.into))
        });
    }
    view.search = search::search(account);
    if context.searching {
        view.toolbar.title = format!("Search: {}", account.search.query);
        view.toolbar.topic = String::new();
        view.level = String::new();
    }
    if context.activity {
        view.activity_open = true;
        view.toolbar.title = "Activity".into();
        view.toolbar.topic = String::new();
        view.level = String::new();
        (view.activity, view.activity_more, view.activity_loading) =
            notifications::activity(account);
    }
}

fn conversation_label(c: &ocomms_proto::conversation::Conversation) -> String {
    match c.kind {
        ConversationKind::Public => format!("# {}", c.name),
        ConversationKind::Private => format!("# {} (private)", c.name),
        ConversationKind::Direct | ConversationKind::Group => format!("@ {}", c.name),
    }
}

fn rows(account: &Account, id: ocomms_proto::ConversationId) -> Vec<RowView> {
    let mut rows: Vec<RowView> = account
        .timelines
        .get(&id)
        .map(|t| t.rows())
        .unwrap_or_default()
        .into_iter()
        .map(|row| match row {
            Row::Day(label) => RowView {
                kind: 0,
                body: label,
                ..RowView::default()
            },
            Row::Message {
                id: message,
                author,
                blocks,
                at,
                edited,
                deleted,
                reactions,
                ..
            } => RowView {
                highlighted: account.context.highlight == Some(message),
                kind: 1,
                key: message.0,
                // A deleted message is only a placeholder: nothing to react to.
                reactions: if deleted {
                    Vec::new()
                } else {
                    reaction_views(&reactions, account.user.id)
                },
                author: account.name_of(author),
                time: time_label(at),
                body: if deleted {
                    "(message deleted)".into()
                } else {
                    markdown::plain_text(&blocks)
                },
                jumbo: markdown::emoji::is_jumbo(&blocks),
                blocks,
                edited,
                deleted,
            },
        })
        .collect();
    let me = account.user.profile.display_name.clone();
    rows.extend(account.outbox.for_conversation(id).map(|q| {
        let blocks = markdown::parse(&q.body);
        RowView {
            kind: if q.refused.is_some() { 3 } else { 2 },
            author: me.clone(),
            time: match &q.refused {
                Some(reason) => format!("not sent: {reason}"),
                None => "sending…".into(),
            },
            body: markdown::plain_text(&blocks),
            blocks,
            ..RowView::default()
        }
    }));
    rows
}
