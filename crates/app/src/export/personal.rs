//! A person's own data as one JSON document (a GDPR access request; docs/export-format.md,
//! "Your data"): their account and profile, avatar, memberships, every message they wrote,
//! their reactions and sessions. Never the password hash, never anyone else's messages.
//!
//! From the web UI and the API it is prepared in the background ([`App::start_personal_export`]),
//! with progress, and kept in the database until the next request, so any node serves it;
//! `ocomms export --user EMAIL FILE` writes the same document at once.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ocomms_proto::Timestamp;
use ocomms_store::{
    AuthoredMessage, OwnConversation, OwnMembership, OwnReaction, Store, UserRecord,
};
use serde::Serialize;

mod job;

use super::{ExportError, ExportResult};

pub const FORMAT: &str = "ocomms-personal-data";
pub const FORMAT_VERSION: u32 = 1;

/// Messages read per query, and per progress report.
const PAGE: i64 = 500;

#[derive(Serialize)]
struct Document {
    format: &'static str,
    format_version: u32,
    /// RFC 3339, UTC.
    exported_at: String,
    account: Account,
    /// The uploaded picture (PNG), if any.
    avatar_png_base64: Option<String>,
    workspaces: Vec<Membership>,
    conversations: Vec<Conversation>,
    messages: Vec<Message>,
    reactions: Vec<Reaction>,
    sessions: Vec<Session>,
}

#[derive(Serialize)]
struct Account {
    id: i64,
    email: String,
    email_verified: bool,
    is_instance_admin: bool,
    display_name: String,
    handle: String,
    title: String,
    bio: String,
    time_zone: String,
    created_at: Timestamp,
}

#[derive(Serialize)]
struct Membership {
    workspace: String,
    name: String,
    role: String,
    joined_at: Timestamp,
}

#[derive(Serialize)]
struct Conversation {
    id: i64,
    workspace: String,
    kind: String,
    name: Option<String>,
    joined_at: Timestamp,
    last_read_seq: i64,
    notify_level: Option<String>,
}

#[derive(Serialize)]
struct Message {
    id: i64,
    workspace: String,
    conversation_id: i64,
    conversation_name: Option<String>,
    seq: i64,
    thread_root_id: Option<i64>,
    /// Markdown, as written (or as last edited).
    body: String,
    created_at: Timestamp,
    edited_at: Option<Timestamp>,
    deleted_at: Option<Timestamp>,
}

#[derive(Serialize)]
struct Reaction {
    message_id: i64,
    emoji: String,
    created_at: Timestamp,
}

#[derive(Serialize)]
struct Session {
    kind: String,
    label: String,
    created_at: Timestamp,
    last_seen_at: Timestamp,
}

/// The document for `user`, as JSON; `progress(done, total)` after each page of messages.
pub async fn document(
    store: &Store,
    user: &UserRecord,
    mut progress: impl AsyncProgress,
) -> Result<Vec<u8>, ocomms_store::StoreError> {
    let total = store.count_authored_messages(user.id).await?;
    progress.report(0, total).await;
    let mut messages = Vec::new();
    let mut after = 0;
    loop {
        let page = store.authored_messages(user.id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        messages.extend(page.into_iter().map(message));
        progress.report(messages.len() as i64, total).await;
    }
    let sessions = store
        .sessions_of(user.id)
        .await?
        .into_iter()
        .map(|s| Session {
            kind: s.kind.as_str().to_owned(),
            label: s.label,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect();
    let document = Document {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        exported_at: jiff::Timestamp::now().to_string(),
        account: account(user),
        avatar_png_base64: store.avatar(user.id).await?.map(|png| BASE64.encode(png)),
        workspaces: store
            .own_memberships(user.id)
            .await?
            .into_iter()
            .map(membership)
            .collect(),
        conversations: store
            .own_conversations(user.id)
            .await?
            .into_iter()
            .map(conversation)
            .collect(),
        messages,
        reactions: store
            .own_reactions(user.id)
            .await?
            .into_iter()
            .map(reaction)
            .collect(),
        sessions,
    };
    serde_json::to_vec_pretty(&document)
        .map_err(|_| ocomms_store::StoreError::Invariant("the document could not be written"))
}

/// Told how far the document is; the background job stores it, the CLI ignores it.
pub trait AsyncProgress {
    fn report(&mut self, done: i64, total: i64) -> impl Future<Output = ()> + Send;
}

/// No progress reports.
pub struct Quiet;

impl AsyncProgress for Quiet {
    async fn report(&mut self, _done: i64, _total: i64) {}
}

fn account(user: &UserRecord) -> Account {
    Account {
        id: user.id.0,
        email: user.email.clone(),
        email_verified: user.email_verified,
        is_instance_admin: user.is_instance_admin,
        display_name: user.display_name.clone(),
        handle: user.handle.clone(),
        title: user.title.clone(),
        bio: user.bio.clone(),
        time_zone: user.time_zone.clone(),
        created_at: user.created_at,
    }
}

fn membership(m: OwnMembership) -> Membership {
    Membership {
        workspace: m.workspace,
        name: m.name,
        role: m.role,
        joined_at: m.joined_at,
    }
}

fn conversation(c: OwnConversation) -> Conversation {
    Conversation {
        id: c.id,
        workspace: c.workspace,
        kind: c.kind,
        name: c.name,
        joined_at: c.joined_at,
        last_read_seq: c.last_read_seq,
        notify_level: c.notify_level,
    }
}

fn message(m: AuthoredMessage) -> Message {
    Message {
        id: m.id,
        workspace: m.workspace,
        conversation_id: m.conversation_id,
        conversation_name: m.conversation_name,
        seq: m.seq,
        thread_root_id: m.thread_root_id,
        body: m.body,
        created_at: m.created_at,
        edited_at: m.edited_at,
        deleted_at: m.deleted_at,
    }
}

fn reaction(r: OwnReaction) -> Reaction {
    Reaction {
        message_id: r.message_id,
        emoji: r.emoji,
        created_at: r.created_at,
    }
}

/// `ocomms export --user EMAIL FILE`: the document of the account with that email, written
/// at once (file mode 0600, never over an existing file).
pub async fn write_for(database_url: &str, email: &str, file: &Path) -> ExportResult<usize> {
    if file.exists() {
        return Err(ExportError::Exists(file.to_owned()));
    }
    let store = super::open_existing(database_url).await?;
    let written = async {
        let user = store
            .user_by_email(email)
            .await?
            .ok_or_else(|| ExportError::NoAccount(email.to_owned()))?;
        let bytes = document(&store, &user, Quiet).await?;
        super::write_new_file(file, &bytes)?;
        Ok(bytes.len())
    }
    .await;
    store.close().await;
    written
}
