//! Search, found by accessible labels: the field (Ctrl+K reaches it), the results with
//! their place, author and time, paging, a refusal in the server's words, and "Jump to the
//! newest" after a result opened a stretch of the past.

use ocomms_proto::message::MessagePage;
use ocomms_proto::search::SearchResults;
use ocomms_proto::{MessageId, WorkspaceId};
use openchat::error::CallError;
use openchat::{Msg, update};
use slint::ComponentHandle as _;
use slint::platform::{Key, WindowEvent};

use openchat::ui::AppWindow;

use super::fixture::{GENERAL, message};
use super::{one, signed_in_state, window_for};

/// Presses and releases each key in turn (holding `held` down meanwhile, if any).
fn keys(window: &AppWindow, held: Option<Key>, presses: &[&str]) {
    let event = |text: slint::SharedString, pressed: bool| {
        window.window().dispatch_event(if pressed {
            WindowEvent::KeyPressed { text }
        } else {
            WindowEvent::KeyReleased { text }
        });
    };
    if let Some(key) = held {
        event(key.into(), true);
    }
    for text in presses {
        event((*text).into(), true);
        event((*text).into(), false);
    }
    if let Some(key) = held {
        event(key.into(), false);
    }
}

fn typed_search(shortcut: impl Fn(&AppWindow)) -> (String, Vec<Msg>) {
    let state = signed_in_state();
    let (window, sent) = window_for(&state);
    window.show().expect("shown");
    shortcut(&window);
    keys(&window, None, &["d", "e", "p", "l", "o", "y"]);
    keys(&window, None, &[&slint::SharedString::from(Key::Return)]);
    let value = one(&window, "Search messages")
        .accessible_value()
        .unwrap_or_default()
        .to_string();
    let sent = sent.borrow().clone();
    (value, sent)
}

#[test]
fn ctrl_k_or_slash_goes_to_the_search_field_and_enter_searches() {
    i_slint_backend_testing::init_no_event_loop();
    for (name, shortcut) in [
        (
            "Ctrl+K",
            Box::new(|w: &AppWindow| keys(w, Some(Key::Control), &["k"]))
                as Box<dyn Fn(&AppWindow)>,
        ),
        ("/", Box::new(|w: &AppWindow| keys(w, None, &["/"]))),
    ] {
        let (value, sent) = typed_search(shortcut);
        assert_eq!(value, "deploy", "{name}");
        assert!(
            sent.iter()
                .any(|m| matches!(m, Msg::Search(q) if q == "deploy")),
            "{name}: {sent:?}"
        );
    }
}

#[test]
fn results_say_where_who_and_when_and_open_their_message() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    update(&mut state, Msg::Search("deploy".into()));
    update(
        &mut state,
        Msg::SearchLoaded {
            account,
            workspace: WorkspaceId(1),
            query: "deploy".into(),
            before: None,
            result: Ok(SearchResults {
                messages: vec![message(9, "**deploy** done"), message(4, "deploy at noon")],
                conversations: Vec::new(),
                more: true,
            }),
        },
    );
    let (window, sent) = window_for(&state);
    assert_eq!(
        one(&window, "Search messages")
            .accessible_value()
            .as_deref(),
        Some("deploy")
    );
    one(
        &window,
        "Result in # general, Ada, 2026-12-03 09:00: deploy done",
    )
    .invoke_accessible_default_action();
    one(&window, "More results").invoke_accessible_default_action();
    one(&window, "Close search").invoke_accessible_default_action();
    let sent = sent.borrow();
    assert!(
        matches!(
            sent[..],
            [
                Msg::OpenResult(MessageId(9)),
                Msg::MoreResults,
                Msg::CloseSearch
            ]
        ),
        "{sent:?}"
    );
}

#[test]
fn a_refused_query_and_a_stretch_of_the_past_are_said() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    update(&mut state, Msg::Search("colour:red".into()));
    update(
        &mut state,
        Msg::SearchLoaded {
            account,
            workspace: WorkspaceId(1),
            query: "colour:red".into(),
            before: None,
            result: Err(CallError::Refused("Unknown operator colour:.".into())),
        },
    );
    let (window, _) = window_for(&state);
    one(&window, "Search refused: Unknown operator colour:.");

    update(&mut state, Msg::Search("noon".into()));
    update(
        &mut state,
        Msg::SearchLoaded {
            account,
            workspace: WorkspaceId(1),
            query: "noon".into(),
            before: None,
            result: Ok(SearchResults {
                messages: vec![message(4, "deploy at noon")],
                conversations: Vec::new(),
                more: false,
            }),
        },
    );
    update(&mut state, Msg::OpenResult(MessageId(4)));
    update(
        &mut state,
        Msg::AroundLoaded {
            account,
            conversation: GENERAL,
            result: Ok(MessagePage {
                messages: vec![message(3, "before"), message(4, "deploy at noon")],
                more_before: true,
                more_after: true,
            }),
        },
    );
    let (window, sent) = window_for(&state);
    one(&window, "Ada, 09:00: deploy at noon");
    one(&window, "Jump to the newest messages").invoke_accessible_default_action();
    assert!(
        matches!(sent.borrow()[..], [Msg::JumpToNewest]),
        "{:?}",
        sent.borrow()
    );
    let rows = window.get_rows();
    let highlighted: Vec<bool> = (0..slint::Model::row_count(&rows))
        .filter_map(|i| slint::Model::row_data(&rows, i))
        .map(|r| r.highlighted)
        .collect();
    assert_eq!(highlighted, [false, false, true], "day, before, the result");
}
