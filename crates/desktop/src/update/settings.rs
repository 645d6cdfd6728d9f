//! Notification settings and Activity (docs/adr/0017): each conversation's level, the
//! workspace default, quiet hours, snooze, and the Activity list. The server keeps all of
//! them and decides whom to notify; the client shows them, changes them, dims what is
//! muted and counts only its mentions.

use ocomms_proto::notification::{EmailFrequency, Level, QuietHours, SetDoNotDisturb};
use ocomms_proto::{ConversationId, WorkspaceId};

use super::viewed_mut;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::notifications::clock_time;
use crate::state::{Account, State};

/// User actions about notifications.
pub(super) fn action(state: &mut State, msg: Msg) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    match msg {
        Msg::OpenNotifications => {
            account.context.settings = true;
            account.notifications.error = None;
            // Read again each time: another device may have changed them.
            let mut effects =
                on_workspace(account, |account, workspace, slug| Effect::LoadSettings {
                    account,
                    workspace,
                    slug,
                });
            effects.push(Effect::LoadEmailNotifications {
                account: account.key,
            });
            effects
        }
        Msg::CloseNotifications => {
            account.context.settings = false;
            vec![]
        }
        Msg::SetLevel(level) => match account.context.conversation {
            Some(conversation) => vec![Effect::SetLevel {
                account: account.key,
                conversation,
                level,
            }],
            None => vec![],
        },
        Msg::SetDefaultLevel(level) => on_workspace(account, |account, workspace, slug| {
            Effect::SetDefaultLevel {
                account,
                workspace,
                slug,
                level,
            }
        }),
        Msg::SetQuietHours { start, end } => quiet_hours(account, &start, &end),
        Msg::Snooze(minutes) => {
            // The server's PUT replaces the quiet hours: send the ones it has, unchanged.
            let Some(dnd) = &account.notifications.dnd else {
                return vec![];
            };
            vec![Effect::SetDoNotDisturb {
                account: account.key,
                update: SetDoNotDisturb {
                    quiet_hours: dnd.quiet_hours.clone(),
                    snooze_minutes: Some(minutes),
                },
            }]
        }
        Msg::SetEmailFrequency(frequency) => email_frequency(account, frequency),
        Msg::OpenActivity => {
            account.context.activity = true;
            account.context.searching = false;
            account.context.editing = None;
            let Some(workspace) = account.context.workspace else {
                return vec![];
            };
            account
                .notifications
                .activity
                .entry(workspace)
                .or_default()
                .loading = true;
            // The first page again: what is new since it was last open.
            on_workspace(account, |account, workspace, slug| Effect::LoadActivity {
                account,
                workspace,
                slug,
                before: None,
            })
        }
        Msg::LoadMoreActivity => {
            let Some(workspace) = account.context.workspace else {
                return vec![];
            };
            let activity = account.notifications.activity.entry(workspace).or_default();
            let Some(last) = activity.items.last().map(|i| i.message.id) else {
                return vec![];
            };
            if !activity.more || activity.loading {
                return vec![];
            }
            activity.loading = true;
            on_workspace(account, |account, workspace, slug| Effect::LoadActivity {
                account,
                workspace,
                slug,
                before: Some(last),
            })
        }
        _ => vec![],
    }
}

/// An effect about the workspace on screen (none without one).
fn on_workspace(
    account: &Account,
    effect: impl FnOnce(crate::state::AccountKey, WorkspaceId, String) -> Effect,
) -> Vec<Effect> {
    let Some(workspace) = account.context.workspace else {
        return vec![];
    };
    match account.workspace(workspace) {
        Some(w) => vec![effect(account.key, workspace, w.slug.clone())],
        None => vec![],
    }
}

/// Checked here first, so a typo is said at once and in words the dialog can show.
fn quiet_hours(account: &mut Account, start: &str, end: &str) -> Vec<Effect> {
    if account.notifications.dnd.is_none() {
        return vec![];
    }
    let quiet_hours = match (start.trim(), end.trim()) {
        ("", "") => None,
        (start, end) => match (clock_time(start), clock_time(end)) {
            (Some(start), Some(end)) => Some(QuietHours { start, end }),
            _ => {
                account.notifications.error =
                    Some("Quiet hours: give both times as HH:MM, e.g. 22:00 and 07:00.".into());
                return vec![];
            }
        },
    };
    account.notifications.error = None;
    vec![Effect::SetDoNotDisturb {
        account: account.key,
        // Absent: the snooze stays as it is.
        update: SetDoNotDisturb {
            quiet_hours,
            snooze_minutes: None,
        },
    }]
}

/// Only once read, and only where the server sends email: a server without SMTP would take
/// the choice and never act on it.
fn email_frequency(account: &Account, frequency: EmailFrequency) -> Vec<Effect> {
    match &account.notifications.email {
        Some(email) if email.available && email.frequency != frequency => {
            vec![Effect::SetEmailFrequency {
                account: account.key,
                frequency,
            }]
        }
        _ => vec![],
    }
}

/// The server's answers about notifications.
pub(super) fn answer(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::LevelsLoaded { account, result } => with(state, account, result, |a, levels| {
            a.notifications.levels.extend(levels);
            vec![]
        }),
        Msg::LevelSet {
            account,
            conversation,
            result,
        } => with(state, account, result, |a, level| {
            a.notifications.levels.insert(conversation, level);
            vec![]
        }),
        Msg::SettingsLoaded {
            account,
            workspace,
            result,
        } => with(state, account, result, |a, (default, dnd)| {
            a.notifications.defaults.insert(workspace, default);
            a.notifications.dnd = Some(dnd);
            vec![]
        }),
        Msg::DefaultLevelSet {
            account,
            workspace,
            result,
        } => with(state, account, result, |a, level| {
            a.notifications.defaults.insert(workspace, level);
            // Conversations without a level of their own follow it: read them again.
            let conversations = member_conversations(a, workspace);
            vec![Effect::LoadLevels {
                account: a.key,
                conversations,
            }]
        }),
        Msg::DoNotDisturbSet { account, result } => with(state, account, result, |a, dnd| {
            a.notifications.dnd = Some(dnd);
            vec![]
        }),
        Msg::EmailNotificationsLoaded { account, result } => {
            with(state, account, result, |a, email| {
                a.notifications.email = Some(email);
                vec![]
            })
        }
        Msg::ActivityLoaded {
            account,
            workspace,
            before,
            result,
        } => {
            if let Some((_, a)) = state.account_mut(account) {
                a.notifications
                    .activity
                    .entry(workspace)
                    .or_default()
                    .loading = false;
            }
            with(state, account, result, |a, page| {
                a.notifications
                    .activity
                    .entry(workspace)
                    .or_default()
                    .merge(page.items, page.more, before.is_none());
                vec![]
            })
        }
        _ => vec![],
    }
}

/// Applies an answer to its account; a refusal is shown in the settings dialog, an expired
/// session handled like any other.
fn with<T>(
    state: &mut State,
    key: crate::state::AccountKey,
    result: Result<T, CallError>,
    apply: impl FnOnce(&mut Account, T) -> Vec<Effect>,
) -> Vec<Effect> {
    match result {
        Ok(value) => match state.account_mut(key) {
            Some((_, account)) => {
                account.notifications.error = None;
                apply(account, value)
            }
            None => vec![],
        },
        Err(CallError::SessionExpired) => super::answer::session_expired(state, key),
        Err(e) => {
            if let Some((_, account)) = state.account_mut(key) {
                account.notifications.error = Some(e.to_string());
            }
            vec![]
        }
    }
}

/// The conversations of a workspace the user is in: those whose level matters.
pub(super) fn member_conversations(
    account: &Account,
    workspace: WorkspaceId,
) -> Vec<ConversationId> {
    account
        .conversations
        .get(&workspace)
        .map(|list| {
            list.iter()
                .filter(|c| c.is_member && !c.archived)
                .map(|c| c.id)
                .collect()
        })
        .unwrap_or_default()
}

/// How a level reads in the window (the web's words).
pub fn level_label(level: Level) -> &'static str {
    match level {
        Level::All => "every new message",
        Level::Mentions => "mentions and direct messages",
        Level::Nothing => "nothing (muted)",
    }
}
