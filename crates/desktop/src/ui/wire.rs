//! The window's callbacks, turned into `Msg`s.

use std::rc::Rc;

use ocomms_proto::notification::{EmailFrequency, Level};
use ocomms_proto::{ConversationId, MessageId, WorkspaceId};
use slint::SharedString;

use super::AppWindow;
use crate::msg::Msg;
use crate::state::{AccountKey, ServerKey};

/// Keys travel through Slint as text (its `int` is 32-bit; server ids are 64-bit).
fn key<N: std::str::FromStr, T>(text: &SharedString, make: impl Fn(N) -> T) -> Option<T> {
    text.parse::<N>().ok().map(make)
}

/// Connects the window's callbacks to `dispatch`.
pub fn wire(window: &AppWindow, dispatch: Rc<dyn Fn(Msg)>) {
    let d = dispatch.clone();
    window.on_select_server(move |k| {
        if let Some(k) = key(&k, ServerKey) {
            d(Msg::SelectServer(k));
        }
    });
    let d = dispatch.clone();
    window.on_open_add_server(move || d(Msg::OpenAddServer));
    let d = dispatch.clone();
    window.on_close_add_server(move || d(Msg::CloseAddServer));
    let d = dispatch.clone();
    window.on_add_server(move |url, ca_file| {
        d(if ca_file.trim().is_empty() {
            Msg::AddServer(url.into())
        } else {
            Msg::AddServerWithCa {
                input: url.into(),
                ca_file: ca_file.into(),
            }
        });
    });
    let d = dispatch.clone();
    window.on_trust_certificate(move || d(Msg::TrustCertificate));
    let d = dispatch.clone();
    window.on_select_account(move |k| {
        if let Some(k) = key(&k, AccountKey) {
            d(Msg::SelectAccount(k));
        }
    });
    let d = dispatch.clone();
    window.on_open_sign_in(move || d(Msg::OpenSignIn));
    let d = dispatch.clone();
    window.on_close_sign_in(move || d(Msg::CloseSignIn));
    let d = dispatch.clone();
    window.on_sign_in(move |email, password| {
        d(Msg::SignIn {
            email: email.trim().into(),
            password: password.into(),
        });
    });
    let d = dispatch.clone();
    window.on_sign_up(move |email, password, display_name| {
        d(Msg::SignUp {
            email: email.trim().into(),
            password: password.into(),
            display_name: display_name.trim().into(),
        });
    });
    let d = dispatch.clone();
    window.on_sign_out(move || d(Msg::SignOut));
    let d = dispatch.clone();
    window.on_select_workspace(move |k| {
        if let Some(k) = key(&k, WorkspaceId) {
            d(Msg::SelectWorkspace(k));
        }
    });
    let d = dispatch.clone();
    window.on_select_conversation(move |k| {
        if let Some(k) = key(&k, ConversationId) {
            d(Msg::SelectConversation(k));
        }
    });
    let d = dispatch.clone();
    window.on_filter_edited(move |text| d(Msg::FilterChanged(text.into())));
    let d = dispatch.clone();
    window.on_draft_edited(move |text| d(Msg::DraftChanged(text.into())));
    let d = dispatch.clone();
    window.on_load_older(move || d(Msg::LoadOlder));
    let d = dispatch.clone();
    window.on_scrolled_to(move |row, into, newest| {
        let top = usize::try_from(row).ok().filter(|_| !newest);
        d(Msg::Scrolled(top.map(|row| (row, into))));
    });
    let d = dispatch.clone();
    window.on_toggle_mute(move || d(Msg::ToggleMute));
    let d = dispatch.clone();
    window.on_open_link(move |url| d(Msg::OpenLink(url.into())));
    let d = dispatch.clone();
    window.on_toggle_reaction(move |message, emoji| {
        if let Some(message) = key(&message, MessageId) {
            d(Msg::ToggleReaction {
                message,
                emoji: emoji.into(),
            });
        }
    });
    let d = dispatch.clone();
    window.on_edit_last(move || d(Msg::EditLast));
    let d = dispatch.clone();
    window.on_cancel_edit(move || d(Msg::CancelEdit));
    wire_notifications(window, &dispatch);
    wire_search(window, &dispatch);
    window.on_send(move || dispatch(Msg::Send));
}

/// The dialog's levels travel as numbers: 0 the default, 1 every message, 2 mentions, 3
/// nothing (see `view::SettingsView`).
fn level(n: i32) -> Option<Level> {
    match n {
        1 => Some(Level::All),
        2 => Some(Level::Mentions),
        3 => Some(Level::Nothing),
        _ => None,
    }
}

/// The dialog's email frequencies travel as numbers: 1 every 15 minutes, 2 hourly, 3 never
/// (see `view::SettingsView`).
fn email_frequency(n: i32) -> Option<EmailFrequency> {
    match n {
        1 => Some(EmailFrequency::Every15Minutes),
        2 => Some(EmailFrequency::Hourly),
        3 => Some(EmailFrequency::Never),
        _ => None,
    }
}

fn wire_search(window: &AppWindow, dispatch: &Rc<dyn Fn(Msg)>) {
    let d = dispatch.clone();
    window.on_search(move |query| d(Msg::Search(query.into())));
    let d = dispatch.clone();
    window.on_more_results(move || d(Msg::MoreResults));
    let d = dispatch.clone();
    window.on_close_search(move || d(Msg::CloseSearch));
    let d = dispatch.clone();
    window.on_open_result(move |k| {
        if let Some(id) = key(&k, MessageId) {
            d(Msg::OpenResult(id));
        }
    });
    let d = dispatch.clone();
    window.on_jump_to_newest(move || d(Msg::JumpToNewest));
}

fn wire_notifications(window: &AppWindow, dispatch: &Rc<dyn Fn(Msg)>) {
    let d = dispatch.clone();
    window.on_open_activity(move || d(Msg::OpenActivity));
    let d = dispatch.clone();
    window.on_load_more_activity(move || d(Msg::LoadMoreActivity));
    let d = dispatch.clone();
    window.on_open_notifications(move || d(Msg::OpenNotifications));
    let d = dispatch.clone();
    window.on_close_notifications(move || d(Msg::CloseNotifications));
    let d = dispatch.clone();
    window.on_set_level(move |n| d(Msg::SetLevel(level(n))));
    let d = dispatch.clone();
    window.on_set_default_level(move |n| {
        if let Some(level) = level(n) {
            d(Msg::SetDefaultLevel(level));
        }
    });
    let d = dispatch.clone();
    window.on_save_quiet_hours(move |start, end| {
        d(Msg::SetQuietHours {
            start: start.into(),
            end: end.into(),
        });
    });
    let d = dispatch.clone();
    window.on_set_email_frequency(move |n| {
        if let Some(frequency) = email_frequency(n) {
            d(Msg::SetEmailFrequency(frequency));
        }
    });
    let d = dispatch.clone();
    window.on_snooze(move |minutes| {
        if let Ok(minutes) = u32::try_from(minutes) {
            d(Msg::Snooze(minutes));
        }
    });
}
