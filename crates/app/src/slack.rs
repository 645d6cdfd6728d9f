//! `ocomms import-slack`: a Slack export ZIP becomes a new workspace on a running server:
//! people (matched to existing accounts by email, else new accounts), public and private
//! channels with their members, topics and purposes, every message with its author, time,
//! edits and threads, and reactions (docs/operations.md, "Importing from Slack").
//!
//! Messages arrive as history (`Store::append_history`): no notifications, no unread counts
//! for what happened before. The whole archive is read and checked before anything is
//! written; if writing fails halfway, the new workspace is removed again. `--dry-run` reports
//! what would be imported and writes nothing; the same ZIP twice imports once.

mod archive;
mod report;
mod text;
mod write;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ocomms_proto::UserId;
use ocomms_proto::workspace::Role;
use ocomms_store::{ImportRecord, NewUser, StoreError};

use crate::{App, AppError};
use archive::Archive;

/// Messages of these kinds are Slack's own notes about the channel, not what people wrote.
const SKIPPED_SUBTYPES: &[&str] = &[
    "channel_join",
    "channel_leave",
    "group_join",
    "group_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "group_topic",
    "group_purpose",
    "group_name",
    "channel_archive",
    "channel_unarchive",
    "pinned_item",
    "unpinned_item",
];

/// The person who wrote `message`, if it is a message people wrote (not one of Slack's
/// notices or a bot's) by someone the export names: what the report counts and the import
/// writes.
fn written_by<'p>(
    message: &archive::Message,
    people: &'p HashMap<String, Person>,
) -> Option<&'p Person> {
    let subtype = message.subtype.as_deref().unwrap_or("");
    if SKIPPED_SUBTYPES.contains(&subtype) || subtype == "bot_message" {
        return None;
    }
    people.get(message.user.as_deref()?)
}

#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} is not a Slack export: {1}")]
    NotAnExport(PathBuf, String),
    #[error(
        "there is no account with the email address {0:?} to own the workspace: sign up first, \
         or create it with `ocomms admin create-user`"
    )]
    NoOwner(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone)]
pub struct SlackOptions {
    /// The new workspace's name.
    pub workspace_name: String,
    /// The account that owns it (an existing one).
    pub owner_email: String,
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackOutcome {
    Imported,
    WouldImport,
    AlreadyImported,
}

/// What the archive holds and what became of it.
#[derive(Debug, Clone, Default)]
pub struct SlackReport {
    /// The new workspace's address, once imported.
    pub workspace: Option<String>,
    /// People matched to accounts that already exist here.
    pub matched_accounts: usize,
    /// New accounts (they set a password through "Forgot password" or an administrator).
    pub new_accounts: usize,
    /// New accounts without an email in the export (an `…@slack-import.invalid` address).
    pub without_email: usize,
    /// Channels and their message counts (replies included), private ones marked.
    pub channels: Vec<(String, bool, usize)>,
    pub messages: usize,
    pub replies: usize,
    pub reactions: usize,
    /// Why something was left out, and how often.
    pub skipped: BTreeMap<&'static str, usize>,
    pub outcome: Option<SlackOutcome>,
}

/// Who a Slack user id is here, and whether the account is to be made.
struct Person {
    user: Option<UserId>,
    email: String,
    display_name: String,
    handle: Option<String>,
    role: Role,
}

impl App {
    /// Imports the Slack export at `path` as a new workspace (see the module comment).
    pub async fn import_slack(
        &self,
        path: &Path,
        options: &SlackOptions,
    ) -> Result<SlackReport, SlackError> {
        let archive = {
            let path = path.to_owned();
            tokio::task::spawn_blocking(move || archive::read(&path))
                .await
                .map_err(|e| SlackError::Io(PathBuf::from("import"), std::io::Error::other(e)))??
        };
        let mut report = SlackReport::default();
        let owner = self
            .store()
            .user_by_email(&options.owner_email)
            .await?
            .ok_or_else(|| SlackError::NoOwner(options.owner_email.clone()))?;
        let mut people = self.match_people(&archive, &mut report).await?;
        report::count(&archive, &people, &mut report);
        if self.store().find_import(&archive.sha256).await?.is_some() {
            report.outcome = Some(SlackOutcome::AlreadyImported);
            return Ok(report);
        }
        if options.dry_run {
            report.outcome = Some(SlackOutcome::WouldImport);
            return Ok(report);
        }
        self.create_accounts(&mut people).await?;
        let name = ocomms_domain::validation::workspace_name(&options.workspace_name)
            .map_err(|e| AppError::Invalid(e.into()))?;
        let workspace = self
            .store()
            .create_workspace(
                &name,
                &ocomms_domain::slug::base(&name),
                owner.id,
                crate::now(),
            )
            .await?;
        let written = self
            .write_workspace(workspace.id, owner.id, &archive, &people)
            .await;
        if let Err(e) = written {
            // All or nothing for the workspace: what was written of it goes again.
            if let Err(cleanup) = self.store().delete_workspace(workspace.id).await {
                tracing::error!(error = %cleanup, "could not remove a half-imported workspace");
            }
            return Err(e);
        }
        self.store()
            .record_import(&ImportRecord {
                sha256: archive.sha256.clone(),
                scope: format!("slack:{}", workspace.slug),
                source_backend: "slack".into(),
                exported_at: String::new(),
                imported_at: crate::now(),
            })
            .await?;
        self.store().refresh_statistics().await?;
        self.publisher().reconnect_user(owner.id);
        report.workspace = Some(workspace.slug);
        report.outcome = Some(SlackOutcome::Imported);
        Ok(report)
    }

    /// Each Slack person: an existing account with their email, or one to make.
    async fn match_people(
        &self,
        archive: &Archive,
        report: &mut SlackReport,
    ) -> Result<HashMap<String, Person>, SlackError> {
        let mut people = HashMap::new();
        for user in &archive.users {
            if user.is_bot || user.id == "USLACKBOT" {
                *report.skipped.entry("bot accounts").or_default() += 1;
                continue;
            }
            let given = user.profile.email.as_deref().map(str::trim).unwrap_or("");
            let email = if given.is_empty() {
                report.without_email += 1;
                format!("{}@slack-import.invalid", user.id.to_lowercase())
            } else {
                given.to_lowercase()
            };
            let existing = self.store().user_by_email(&email).await?;
            let display_name = [
                user.profile.real_name.as_deref(),
                user.real_name.as_deref(),
                user.profile.display_name.as_deref(),
                Some(user.name.as_str()),
            ]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|n| !n.is_empty())
            .unwrap_or(&user.id)
            .to_owned();
            match &existing {
                Some(_) => report.matched_accounts += 1,
                None => report.new_accounts += 1,
            }
            people.insert(
                user.id.clone(),
                Person {
                    handle: existing.as_ref().map(|u| u.handle.clone()),
                    user: existing.map(|u| u.id),
                    email,
                    display_name,
                    role: if user.is_admin || user.is_owner {
                        Role::Admin
                    } else {
                        Role::Member
                    },
                },
            );
        }
        Ok(people)
    }

    /// Accounts for the people who have none: verified (the workspace's owner vouches), with
    /// a random password nobody knows until they reset it.
    async fn create_accounts(
        &self,
        people: &mut HashMap<String, Person>,
    ) -> Result<(), SlackError> {
        for person in people.values_mut().filter(|p| p.user.is_none()) {
            let secret = crate::token::generate();
            let password_hash = ocomms_domain::password::hash(&secret)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let display_name = ocomms_domain::validation::display_name(&person.display_name)
                .unwrap_or_else(|_| person.email.clone());
            let user = self
                .store()
                .create_user(&NewUser {
                    email: person.email.clone(),
                    password_hash,
                    display_name,
                    email_verified: true,
                    created_at: crate::now(),
                })
                .await?;
            person.handle = Some(user.handle.clone());
            person.user = Some(user.id);
        }
        Ok(())
    }
}
