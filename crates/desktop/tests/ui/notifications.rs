//! The notification settings, Activity, muted conversations and emoji pictures, found by
//! their accessible labels.

use i_slint_backend_testing::ElementHandle;
use ocomms_proto::WorkspaceId;
use ocomms_proto::notification::{
    ActivityItem, ActivityKind, ActivityPage, ConversationNotifications, DoNotDisturb,
    EmailFrequency, EmailNotifications, Level,
};
use openchat::{Msg, State, update};
use slint::Model as _;

use super::fixture::{GENERAL, message, post};
use super::{one, signed_in_state, window_for};

fn muted(state: &mut State) {
    let account = state.viewed_account().expect("signed in");
    update(
        state,
        Msg::LevelsLoaded {
            account,
            result: Ok(vec![(
                GENERAL,
                ConversationNotifications {
                    level: Some(Level::Nothing),
                    effective: Level::Nothing,
                },
            )]),
        },
    );
}

#[test]
fn a_muted_conversation_says_so_and_the_settings_are_a_click_away() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    muted(&mut state);
    let (window, sent) = window_for(&state);
    one(&window, "Conversation # general, muted");
    one(&window, "Notifications for this conversation: Muted").invoke_accessible_default_action();
    one(&window, "Notification settings").invoke_accessible_default_action();
    one(&window, "Show Activity").invoke_accessible_default_action();
    let sent = sent.borrow();
    assert!(
        matches!(
            sent[..],
            [
                Msg::OpenNotifications,
                Msg::OpenNotifications,
                Msg::OpenActivity
            ]
        ),
        "{sent:?}"
    );
}

#[test]
fn the_settings_dialog_reports_each_choice() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    muted(&mut state);
    let account = state.viewed_account().expect("signed in");
    update(&mut state, Msg::OpenNotifications);
    // Until the server's settings are read, nothing can be chosen.
    let (window, sent) = window_for(&state);
    one(&window, "This conversation: Nothing").invoke_accessible_default_action();
    one(&window, "Pause: 1 hour").invoke_accessible_default_action();
    assert!(sent.borrow().is_empty(), "{:?}", sent.borrow());
    update(
        &mut state,
        Msg::SettingsLoaded {
            account,
            workspace: WorkspaceId(1),
            result: Ok((Level::Mentions, DoNotDisturb::default())),
        },
    );
    update(
        &mut state,
        Msg::EmailNotificationsLoaded {
            account,
            result: Ok(EmailNotifications {
                frequency: EmailFrequency::Every15Minutes,
                available: true,
            }),
        },
    );
    let (window, sent) = window_for(&state);
    assert_eq!(
        one(&window, "Email: Every 15 minutes").accessible_checked(),
        Some(true)
    );
    // The chosen options are checked for a screen reader.
    let nothing = one(&window, "This conversation: Nothing");
    assert_eq!(nothing.accessible_checked(), Some(true));
    assert_eq!(
        one(&window, "This conversation: Default").accessible_checked(),
        Some(false)
    );
    assert_eq!(
        one(&window, "Workspace default: Mentions and DMs").accessible_checked(),
        Some(true)
    );
    one(&window, "This conversation: Every message").invoke_accessible_default_action();
    one(&window, "Workspace default: Nothing").invoke_accessible_default_action();
    one(&window, "Quiet hours from").set_accessible_value("22:00");
    one(&window, "Quiet hours to").set_accessible_value("07:00");
    one(&window, "Save quiet hours").invoke_accessible_default_action();
    one(&window, "Pause: 1 hour").invoke_accessible_default_action();
    one(&window, "Email: Hourly").invoke_accessible_default_action();
    one(&window, "Close notification settings").invoke_accessible_default_action();
    let sent = sent.borrow();
    assert!(
        matches!(
            &sent[..],
            [
                Msg::SetLevel(Some(Level::All)),
                Msg::SetDefaultLevel(Level::Nothing),
                Msg::SetQuietHours { start, end },
                Msg::Snooze(60),
                Msg::SetEmailFrequency(EmailFrequency::Hourly),
                Msg::CloseNotifications,
            ] if start == "22:00" && end == "07:00"
        ),
        "{sent:?}"
    );
}

#[test]
fn a_server_without_email_says_so_in_the_settings() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    update(&mut state, Msg::OpenNotifications);
    let (window, _) = window_for(&state);
    assert_eq!(
        ElementHandle::find_by_accessible_label(&window, "Email: Hourly").count(),
        0,
        "nothing to choose before the server says"
    );
    update(
        &mut state,
        Msg::EmailNotificationsLoaded {
            account,
            result: Ok(EmailNotifications {
                frequency: EmailFrequency::Every15Minutes,
                available: false,
            }),
        },
    );
    let (window, _) = window_for(&state);
    one(&window, "Email: this server sends no email");
    assert_eq!(
        ElementHandle::find_by_accessible_label(&window, "Email: Hourly").count(),
        0
    );
}

#[test]
fn an_activity_entry_opens_its_conversation() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    update(&mut state, Msg::OpenActivity);
    update(
        &mut state,
        Msg::ActivityLoaded {
            account,
            workspace: WorkspaceId(1),
            before: None,
            result: Ok(ActivityPage {
                items: vec![ActivityItem {
                    kind: ActivityKind::Mention,
                    message: message(3, "@ada **look** at this"),
                }],
                more: true,
            }),
        },
    );
    let (window, sent) = window_for(&state);
    one(
        &window,
        "Mentioned you in # general, Ada, 2026-12-03 09:00: @ada look at this",
    )
    .invoke_accessible_default_action();
    one(&window, "Load more activity").invoke_accessible_default_action();
    let sent = sent.borrow();
    assert!(
        matches!(
            sent[..],
            [Msg::SelectConversation(GENERAL), Msg::LoadMoreActivity]
        ),
        "{sent:?}"
    );
}

#[test]
fn emoji_are_pictures_between_runs_of_text() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    for (seq, body) in [
        (1, "Ship **it** 🚀 now"),
        (2, "🎉🎉"),
        (3, "👩\u{200D}💻 in 🇫🇷 👍🏽"),
        (4, "Hi 🇯🇵, yes"),
    ] {
        post(&mut state, account, message(seq, body));
    }
    let (window, _) = window_for(&state);
    // Read as text, emoji included.
    one(&window, "Ada, 09:00: Ship it 🚀 now");
    let rows = window.get_rows();
    let row = rows.row_data(1).expect("the message row");
    assert!(!row.jumbo);
    let block = row.blocks.row_data(0).expect("block");
    let pieces: Vec<_> = (0..block.pieces.row_count())
        .filter_map(|i| block.pieces.row_data(i))
        .collect();
    let plain: Vec<&str> = pieces.iter().map(|p| p.plain.as_str()).collect();
    assert_eq!(plain, ["Ship it ", "🚀", " now"]);
    if openchat::emoji::find().is_some() {
        assert!(pieces[1].emoji, "drawn as a picture");
        let size = pieces[1].picture.size();
        assert_eq!(size.height, openchat::emoji::PICTURE_PX);
    }
    assert!(rows.row_data(2).expect("the emoji row").jumbo);
    // Sequences are one picture each: a coder, a flag, a thumb with its skin tone.
    let row = rows.row_data(3).expect("the sequences row");
    let block = row.blocks.row_data(0).expect("block");
    let pieces: Vec<_> = (0..block.pieces.row_count())
        .filter_map(|i| block.pieces.row_data(i))
        .collect();
    let plain: Vec<&str> = pieces.iter().map(|p| p.plain.as_str()).collect();
    assert_eq!(plain, ["👩\u{200D}💻", " in ", "🇫🇷", "👍🏽"]);
    if openchat::emoji::find().is_some() {
        assert!(pieces[0].emoji && pieces[2].emoji && pieces[3].emoji);
    }
    // A gap stands for each space the text lost at its edges, and only for those.
    let gaps: Vec<bool> = pieces.iter().map(|p| p.gap).collect();
    assert_eq!(gaps, [false, true, true, true]);
    let row = rows.row_data(4).expect("the flag and comma row");
    let block = row.blocks.row_data(0).expect("block");
    let pieces: Vec<_> = (0..block.pieces.row_count())
        .filter_map(|i| block.pieces.row_data(i))
        .map(|p| (p.plain.to_string(), p.gap))
        .collect();
    assert_eq!(
        pieces,
        [
            ("Hi ".to_owned(), false),
            ("🇯🇵".to_owned(), true),
            (", yes".to_owned(), false),
        ]
    );
}
