//! Properties of the mention parser and the renderer that marks mentions, over generated
//! text: they hold for any input, not only the examples in the unit tests.

use ocomms_domain::{handle, markdown, mention};
use ocomms_proto::UserId;
use proptest::prelude::*;

/// Handles as `handle::handle` accepts them, without two punctuation marks in a row: in
/// `@a-_b_-c` Markdown reads `_b_` as emphasis, so the text has no such handle in it.
fn a_handle() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9]|[._-][a-z0-9]){0,12}".prop_filter("not a broadcast word", |h| {
        !handle::RESERVED.contains(&h.as_str())
    })
}

/// Plain words around a mention (starting with a letter: four leading spaces would make an
/// indented code block).
fn surrounding() -> impl Strategy<Value = String> {
    "([a-zA-Z][ a-zA-Z0-9,;:!?()]{0,29})?"
}

proptest! {
    #[test]
    fn any_text_parses_and_renders(text in any::<String>()) {
        let found = mention::parse(&text);
        for handle in &found.handles {
            prop_assert!(handle::handle(handle).is_ok(), "{handle:?} from {text:?}");
        }
        let html = markdown::render_with(&text, &|_| Some(UserId(1)));
        prop_assert!(!html.contains("<script"));
    }

    #[test]
    fn a_handle_between_spaces_is_found(
        before in surrounding(), who in a_handle(), after in surrounding()
    ) {
        let text = format!("{before} @{who} {after}");
        prop_assert!(mention::parse(&text).handles.contains(&who), "{text:?}");
    }

    #[test]
    fn a_handle_in_code_is_never_found(before in surrounding(), who in a_handle()) {
        for text in [format!("{before} `@{who}`"), format!("```\n{before} @{who}\n```")] {
            prop_assert!(mention::parse(&text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn an_address_mentions_no_one(local in "[a-z0-9]{1,10}", who in a_handle()) {
        let text = format!("write to {local}@{who}");
        prop_assert!(mention::parse(&text).is_empty(), "{text:?}");
    }

    #[test]
    fn every_handle_parsed_is_marked_when_known(
        before in surrounding(), who in a_handle(), after in surrounding()
    ) {
        let text = format!("{before} @{who} {after}");
        let html = markdown::render_with(&text, &|typed| {
            typed.eq_ignore_ascii_case(&who).then_some(UserId(42))
        });
        prop_assert!(html.contains("data-user-id=\"42\""), "{text:?} → {html}");
    }
}
