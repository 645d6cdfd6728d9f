//! The window under Slint's testing backend (no display): widgets are found by their
//! accessible labels, and what the user does with them arrives as `Msg`s.

use std::cell::RefCell;
use std::rc::Rc;

use i_slint_backend_testing::ElementHandle;
use ocomms_proto::ConversationId;
use openchat::registry::SavedTrust;
use openchat::ui::{AppWindow, Bridge, render, wire};
use openchat::view::view;
use openchat::{Msg, State, update};
use slint::ComponentHandle as _;
use slint::platform::{Key, WindowEvent};

mod emoji;
mod fixture;
mod notifications;
mod reactions;
mod scroll;
mod search;
mod switching;

use fixture::signed_in_state;

fn one(window: &AppWindow, label: &str) -> ElementHandle {
    let mut found: Vec<_> = ElementHandle::find_by_accessible_label(window, label).collect();
    assert_eq!(found.len(), 1, "one element labelled {label:?}");
    found.remove(0)
}

/// A window showing `state`, and the messages its callbacks produce.
fn window_for(state: &State) -> (AppWindow, Rc<RefCell<Vec<Msg>>>) {
    let window = AppWindow::new().expect("window");
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    wire(&window, Rc::new(move |msg| log.borrow_mut().push(msg)));
    render(&window, &mut Bridge::default(), view(state));
    (window, sent)
}

#[test]
fn the_window_is_navigable_by_accessible_labels() {
    i_slint_backend_testing::init_no_event_loop();

    // Fresh start: the add-server dialog, with its address field.
    let (window, sent) = window_for(&State::new("ui"));
    let address = one(&window, "Server address");
    address.set_accessible_value("chat.example.com");
    one(&window, "Add server").invoke_accessible_default_action();
    assert!(
        sent.borrow()
            .iter()
            .any(|m| matches!(m, Msg::AddServer(url) if url == "chat.example.com")),
        "{:?}",
        sent.borrow()
    );

    // Signed in: rail, channel list, toolbar state and composer are all labelled.
    let state = signed_in_state();
    let (window, sent) = window_for(&state);
    one(
        &window,
        "Acme (chat.example.com), Online, certificate verified",
    )
    .invoke_accessible_default_action();
    one(&window, "Conversation # general").invoke_accessible_default_action();
    one(&window, "Connection: Online");
    one(&window, "Filter channels");
    one(&window, "Add a server").invoke_accessible_default_action();
    let composer = one(&window, "Message # general");
    composer.set_accessible_value("hello");
    one(&window, "Send message").invoke_accessible_default_action();
    let sent = sent.borrow();
    assert!(matches!(sent[0], Msg::SelectServer(_)), "{sent:?}");
    assert!(matches!(
        sent[1],
        Msg::SelectConversation(ConversationId(5))
    ));
    assert!(matches!(sent[2], Msg::OpenAddServer));
    assert!(matches!(sent.last(), Some(Msg::Send)));
    drop(sent);

    // The server's desktop notifications are a checkbox away.
    let (window, sent) = window_for(&state);
    one(&window, "Desktop notifications").invoke_accessible_default_action();
    assert!(
        matches!(sent.borrow()[..], [Msg::ToggleMute]),
        "{:?}",
        sent.borrow()
    );
}

#[test]
fn enter_sends_and_shift_enter_does_not() {
    i_slint_backend_testing::init_no_event_loop();
    let state = signed_in_state();
    let (window, sent) = window_for(&state);
    let composer = one(&window, "Message # general");
    composer.mock_single_click(slint::platform::PointerEventButton::Left);
    let press = |text: slint::SharedString| {
        window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text });
    };
    press(Key::Shift.into());
    window.window().dispatch_event(WindowEvent::KeyPressed {
        text: Key::Shift.into(),
    });
    press(Key::Return.into());
    window.window().dispatch_event(WindowEvent::KeyReleased {
        text: Key::Shift.into(),
    });
    assert!(
        !sent.borrow().iter().any(|m| matches!(m, Msg::Send)),
        "Shift+Enter is a new line: {:?}",
        sent.borrow()
    );
    press(Key::Return.into());
    assert!(
        sent.borrow().iter().any(|m| matches!(m, Msg::Send)),
        "Enter sends: {:?}",
        sent.borrow()
    );
    // The window still shows the typed text (nothing re-rendered it): Up is a cursor key.
    press(Key::UpArrow.into());
    assert!(!sent.borrow().iter().any(|m| matches!(m, Msg::EditLast)));
    window.set_draft("".into());
    press(Key::UpArrow.into());
    assert!(
        sent.borrow().iter().any(|m| matches!(m, Msg::EditLast)),
        "Up in an empty composer edits the last message: {:?}",
        sent.borrow()
    );
}

#[test]
fn a_markdown_message_is_drawn_styled_and_read_as_its_plain_text() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    let message = fixture::message(
        1,
        "**Ship** it, see [the log](https://ci.example.com/1)\n\n- one\n- `two`",
    );
    fixture::post(&mut state, account, message);
    let (window, _) = window_for(&state);
    // The screen reader hears the text, not the asterisks and brackets.
    one(&window, "Ada, 09:00: Ship it, see the log\n• one\n• two");
    let rows = window.get_rows();
    let row = slint::Model::row_data(&rows, 1).expect("the message row");
    let blocks: Vec<_> = (0..slint::Model::row_count(&row.blocks))
        .filter_map(|i| slint::Model::row_data(&row.blocks, i))
        .map(|b| (b.kind, b.marker.to_string(), b.plain.to_string()))
        .collect();
    assert_eq!(
        blocks,
        [
            (0, String::new(), "Ship it, see the log".to_owned()),
            (1, "•".to_owned(), "one".to_owned()),
            (1, "•".to_owned(), "two".to_owned()),
        ]
    );
    let styled =
        slint::StyledText::from_markdown("**Ship** it, see [the log](https://ci.example.com/1)")
            .expect("markup");
    let first = slint::Model::row_data(&row.blocks, 0).expect("block");
    assert_eq!(first.text, styled, "drawn styled, not as typed");
}

#[test]
fn an_unknown_certificate_is_shown_with_its_fingerprint_and_can_be_trusted() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = State::new("ui");
    update(&mut state, Msg::AddServer("lan.example".into()));
    let fingerprint = ocomms_client::Fingerprint::of(b"self-signed");
    update(
        &mut state,
        Msg::Probed {
            url: "https://lan.example".into(),
            result: Err(openchat::error::ProbeError::Untrusted { fingerprint }),
        },
    );
    let (window, sent) = window_for(&state);
    one(&window, &format!("Certificate fingerprint {fingerprint}"));
    one(&window, "Trust this certificate").invoke_accessible_default_action();
    assert!(matches!(sent.borrow()[..], [Msg::TrustCertificate]));
    // A private CA's file goes with the address.
    one(&window, "Server address").set_accessible_value("corp.example");
    one(&window, "Private CA certificate file").set_accessible_value("/etc/ssl/corp.pem");
    one(&window, "Add server").invoke_accessible_default_action();
    assert!(
        sent.borrow().iter().any(|m| matches!(m,
            Msg::AddServerWithCa { input, ca_file } if input == "corp.example" && ca_file == "/etc/ssl/corp.pem")),
        "{:?}",
        sent.borrow()
    );
}

#[test]
fn the_rail_says_how_each_server_is_protected() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let mut local = state.servers[0].clone();
    local.key = openchat::state::ServerKey(99);
    local.url = "http://127.0.0.1:3000".into();
    let pinned = &mut state.servers[0];
    pinned.trust = SavedTrust::Pinned(ocomms_client::Fingerprint::of(b"self-signed"));
    let account = &mut pinned.accounts[0];
    account.unread.insert(fixture::GENERAL, 3);
    account.mentions.insert(fixture::GENERAL, 1);
    state.servers.push(local);
    let (window, _) = window_for(&state);
    one(
        &window,
        "Acme (chat.example.com), Online, 3 unread, 1 mention, pinned certificate",
    );
    one(&window, "Acme (127.0.0.1:3000), Online, not encrypted");
    let marks: Vec<i32> = (0..2)
        .filter_map(|i| slint::Model::row_data(&window.get_rail(), i))
        .map(|item| item.trust)
        .collect();
    assert_eq!(marks, [2, 3], "a pinned lock and an open one");
}

#[test]
fn a_server_whose_certificate_changed_is_marked_on_the_rail_and_says_why() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = State::new("ui");
    let (old, new) = (
        ocomms_client::Fingerprint::of(b"old"),
        ocomms_client::Fingerprint::of(b"new"),
    );
    let url = "https://lan.example:8443".to_owned();
    update(
        &mut state,
        Msg::RestoreServer(openchat::registry::Saved {
            url: url.clone(),
            trust: SavedTrust::Pinned(old),
            muted: false,
        }),
    );
    update(
        &mut state,
        Msg::CacheRead {
            url: url.clone(),
            cached: None,
        },
    );
    update(
        &mut state,
        Msg::Probed {
            url: url.clone(),
            result: Err(openchat::error::ProbeError::CertificateChanged {
                server: url,
                pinned: old,
                presented: new,
            }),
        },
    );
    update(&mut state, Msg::CloseAddServer);
    let (window, sent) = window_for(&state);
    one(
        &window,
        "lan.example:8443, Not connected, certificate changed",
    )
    .invoke_accessible_default_action();
    let key = match sent.borrow()[..] {
        [Msg::SelectServer(key)] => key,
        ref other => panic!("{other:?}"),
    };
    update(&mut state, Msg::SelectServer(key));
    assert!(view(&state).add_server.error.contains(&new.to_string()));
}
