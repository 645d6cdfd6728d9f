//! `Effect`: what `update` asks the runner to do (network calls, the registry, the vault,
//! the offline cache, the desktop), as plain data so `update` is tested without them.

use ocomms_proto::notification::{EmailFrequency, Level, SetDoNotDisturb};
use ocomms_proto::{ConversationId, MessageId, UserId, WorkspaceId};

use crate::registry::{Saved, SavedTrust};
use crate::state::{AccountKey, ServerKey};
use crate::vault::SavedSession;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Ask the server at `url` what it is, trusting its certificate as `trust` says.
    Probe {
        url: String,
        trust: SavedTrust,
    },
    SignIn {
        server: ServerKey,
        account: AccountKey,
        url: String,
        trust: SavedTrust,
        email: String,
        password: String,
    },
    SignUp {
        server: ServerKey,
        account: AccountKey,
        url: String,
        trust: SavedTrust,
        email: String,
        password: String,
        display_name: String,
    },
    /// Revoke the session on the server, close its realtime session, forget its token.
    SignOut {
        account: AccountKey,
    },
    /// Forget an account's session locally (it expired, or its server was removed).
    Forget {
        account: AccountKey,
    },
    LoadWorkspaces {
        account: AccountKey,
    },
    LoadConversations {
        account: AccountKey,
        workspace: WorkspaceId,
        slug: String,
    },
    /// The newest page, or with `before` the page of older messages before that sequence.
    LoadHistory {
        account: AccountKey,
        conversation: ConversationId,
        before: Option<i64>,
    },
    Post {
        account: AccountKey,
        conversation: ConversationId,
        body: String,
        client_id: String,
    },
    Edit {
        account: AccountKey,
        message: MessageId,
        body: String,
    },
    /// React to a message with an emoji (`add`), or take the reaction back.
    React {
        account: AccountKey,
        conversation: ConversationId,
        message: MessageId,
        emoji: String,
        add: bool,
    },
    /// Add the server (or its new trust) to the registry kept across runs.
    RememberServer {
        saved: Saved,
    },
    /// Remove the address from that registry, and every session kept for it (the user
    /// removed the server).
    ForgetServer {
        url: String,
    },
    /// Open the realtime session of a signed-in account (resuming where it was).
    Connect {
        account: AccountKey,
    },
    /// The conversation is on screen: mark it read on the server (every device's count).
    MarkRead {
        account: AccountKey,
        conversation: ConversationId,
    },
    /// Show a desktop notification (a new direct message, or one that mentions the user).
    Notify {
        title: String,
        body: String,
    },
    /// Open a link from a message in the user's browser (http, https and mailto only).
    OpenLink {
        url: String,
    },
    /// Which accounts were signed in on this server in an earlier run?
    ListSavedSessions {
        server: ServerKey,
        url: String,
    },
    /// Sign a remembered account back in with its kept token (no password).
    Resume {
        server: ServerKey,
        account: AccountKey,
        url: String,
        trust: SavedTrust,
        saved: SavedSession,
    },
    /// Keep the account's session token for the next run.
    SaveSession {
        account: AccountKey,
        saved: SavedSession,
    },
    /// Delete a kept session token (signed out, expired).
    ForgetSession {
        url: String,
        user: UserId,
    },
    /// Read what the offline cache holds for a remembered server (before probing it).
    ReadCache {
        url: String,
    },
    /// Probe a remembered server again a little later (it did not answer).
    ProbeLater {
        url: String,
        trust: SavedTrust,
    },
    /// Read the notification level of each of these conversations.
    LoadLevels {
        account: AccountKey,
        conversations: Vec<ConversationId>,
    },
    SetLevel {
        account: AccountKey,
        conversation: ConversationId,
        level: Option<Level>,
    },
    /// Read the workspace default and do not disturb.
    LoadSettings {
        account: AccountKey,
        workspace: WorkspaceId,
        slug: String,
    },
    SetDefaultLevel {
        account: AccountKey,
        workspace: WorkspaceId,
        slug: String,
        level: Level,
    },
    SetDoNotDisturb {
        account: AccountKey,
        update: SetDoNotDisturb,
    },
    /// Read how often the server emails about missed messages, and whether it can.
    LoadEmailNotifications {
        account: AccountKey,
    },
    SetEmailFrequency {
        account: AccountKey,
        frequency: EmailFrequency,
    },
    LoadActivity {
        account: AccountKey,
        workspace: WorkspaceId,
        slug: String,
        before: Option<MessageId>,
    },
    Search {
        account: AccountKey,
        workspace: WorkspaceId,
        slug: String,
        query: String,
        before: Option<MessageId>,
    },
    /// The messages around `seq` in a conversation (the history API's `around`).
    LoadAround {
        account: AccountKey,
        conversation: ConversationId,
        seq: i64,
    },
}
