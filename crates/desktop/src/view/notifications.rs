//! The notification parts of the view: the settings dialog, the toolbar's level, Activity.

use ocomms_proto::notification::{ActivityKind, EmailFrequency, Level};

use super::conversation_label;
use crate::markdown;
use crate::state::Account;
use crate::state::timeline::{day_label, time_label};

/// The notification settings dialog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsView {
    pub open: bool,
    /// The conversation on screen, as the list names it (empty: none).
    pub conversation: String,
    /// Its level: 0 the workspace default, 1 every message, 2 mentions, 3 nothing.
    pub chosen: i32,
    /// The workspace default: 1, 2 or 3; 0 while not loaded.
    pub default_level: i32,
    pub workspace: String,
    /// Quiet hours as the server has them (both empty: none).
    pub quiet_start: String,
    pub quiet_end: String,
    /// "Paused until 2026-12-03 21:30 UTC" (empty: not paused).
    pub snoozed: String,
    /// Do not disturb was read: its controls may be used.
    pub loaded: bool,
    /// Email about missed messages: 1 every 15 minutes, 2 hourly, 3 never; 0 while not read.
    pub email: i32,
    /// The server sends email (has SMTP); without it the choice is explained, not offered.
    pub email_available: bool,
    pub error: String,
}

/// One entry of Activity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityRow {
    /// The conversation it opens.
    pub conversation: i64,
    /// "Mentioned you", "@channel", "Reply in a thread you follow".
    pub kind: String,
    pub place: String,
    pub author: String,
    pub time: String,
    pub text: String,
    /// The message as drawn.
    pub blocks: Vec<markdown::Block>,
}

pub(super) fn level_number(level: Option<Level>) -> i32 {
    match level {
        None => 0,
        Some(Level::All) => 1,
        Some(Level::Mentions) => 2,
        Some(Level::Nothing) => 3,
    }
}

/// How the dialog numbers the email frequencies (the wire's `email_frequency` reads them).
pub(super) fn email_number(frequency: EmailFrequency) -> i32 {
    match frequency {
        EmailFrequency::Every15Minutes => 1,
        EmailFrequency::Hourly => 2,
        EmailFrequency::Never => 3,
    }
}

/// The toolbar's word on the conversation on screen's level ("Mentions" too while the level
/// is not read yet: the usual default).
pub(super) fn toolbar_level(account: &Account) -> String {
    let Some(id) = account.context.conversation else {
        return String::new();
    };
    match account.notifications.levels.get(&id).map(|l| l.effective) {
        Some(Level::Nothing) => "Muted".into(),
        Some(Level::All) => "All messages".into(),
        Some(Level::Mentions) | None => "Mentions".into(),
    }
}

pub(super) fn settings(account: &Account) -> SettingsView {
    let n = &account.notifications;
    let workspace = account.context.workspace;
    // Under Activity no conversation is on screen to set a level for.
    let conversation = account
        .context
        .conversation
        .filter(|_| !account.context.activity);
    let dnd = n.dnd.as_ref();
    SettingsView {
        open: account.context.settings,
        conversation: conversation
            .and_then(|id| account.conversation(id))
            .map(conversation_label)
            .unwrap_or_default(),
        chosen: level_number(conversation.and_then(|id| n.levels.get(&id)?.level)),
        default_level: workspace
            .and_then(|w| n.defaults.get(&w))
            .map_or(0, |l| level_number(Some(*l))),
        workspace: workspace
            .and_then(|w| account.workspace(w))
            .map(|w| w.name.clone())
            .unwrap_or_default(),
        quiet_start: dnd
            .and_then(|d| d.quiet_hours.as_ref())
            .map(|q| q.start.clone())
            .unwrap_or_default(),
        quiet_end: dnd
            .and_then(|d| d.quiet_hours.as_ref())
            .map(|q| q.end.clone())
            .unwrap_or_default(),
        snoozed: dnd
            .and_then(|d| d.snoozed_until)
            .map(|at| format!("Paused until {} {} UTC", day_label(at), time_label(at)))
            .unwrap_or_default(),
        loaded: dnd.is_some(),
        email: n.email.map_or(0, |e| email_number(e.frequency)),
        email_available: n.email.is_some_and(|e| e.available),
        error: n.error.clone().unwrap_or_default(),
    }
}

pub(super) fn activity(account: &Account) -> (Vec<ActivityRow>, bool, bool) {
    let Some(list) = account
        .context
        .workspace
        .and_then(|w| account.notifications.activity.get(&w))
    else {
        return (Vec::new(), false, true);
    };
    let rows = list
        .items
        .iter()
        .map(|item| {
            let m = &item.message;
            ActivityRow {
                conversation: m.conversation_id.0,
                kind: match item.kind {
                    ActivityKind::Mention => "Mentioned you",
                    ActivityKind::Channel => "@channel",
                    ActivityKind::Reply => "Reply in a thread you follow",
                }
                .into(),
                place: account
                    .conversation(m.conversation_id)
                    .map(conversation_label)
                    .unwrap_or_default(),
                author: account.name_of(m.author_id),
                time: format!("{} {}", day_label(m.created_at), time_label(m.created_at)),
                blocks: markdown::parse(&m.body),
                text: if m.deleted {
                    "(message deleted)".into()
                } else {
                    markdown::plain_text(&markdown::parse(&m.body))
                },
            }
        })
        .collect();
    (rows, list.more, list.loading)
}
