//! Emoji drawn as pictures (docs/adr/0022) do not make a message's line taller than a
//! line of plain text, so the timeline's rows are evenly spaced.

use i_slint_backend_testing::{ElementHandle, ElementQuery};

use super::fixture::{message, post};
use super::{signed_in_state, window_for};
use slint::ComponentHandle as _;

/// The message row (a list item labelled "author, time: body") whose body is `body`.
fn row(window: &openchat::ui::AppWindow, body: &str) -> ElementHandle {
    let end = format!(": {body}");
    let found = ElementQuery::from_root(window)
        .match_descendants()
        .match_predicate(move |e| {
            e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::ListItem)
                && e.accessible_label().is_some_and(|l| l.ends_with(&end))
        })
        .find_all();
    // The search reports the row more than once, each time the same row.
    assert!(!found.is_empty(), "a row ending {body:?}");
    assert!(
        found
            .iter()
            .all(|e| e.accessible_label() == found[0].accessible_label()),
        "one row ending {body:?}"
    );
    found.into_iter().next().expect("one row")
}

#[test]
fn a_line_with_emoji_is_as_tall_as_one_without() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    post(&mut state, account, message(1, "Shipped it"));
    post(&mut state, account, message(2, "Shipped it 🎉"));
    let (window, _) = window_for(&state);
    window.show().expect("shown");
    let plain = row(&window, "Shipped it").size().height;
    let emoji = row(&window, "Shipped it 🎉").size().height;
    assert!(plain > 0.0, "laid out");
    assert_eq!(emoji, plain, "the emoji row is as tall as the plain one");
}
