//! Search: a query for the workspace on screen, results paged with `before`, the server's
//! refusal shown in its words, and a result opened in its conversation, from the timeline
//! held or from the stretch of history around it.

use ocomms_proto::MessageId;
use ocomms_proto::message::{Message, MessagePage};
use ocomms_proto::search::SearchResults;

use super::fixture::*;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, State};
use crate::update;
use crate::view::view;

/// Message `seq` of `conversation` by Olga, as `posted` makes it.
fn message(conversation: ocomms_proto::ConversationId, seq: i64) -> Message {
    message_by(conversation, seq, OTHER)
}

/// The bodies of the message rows on screen, top to bottom.
fn message_bodies(v: &crate::view::View) -> Vec<&str> {
    v.rows
        .iter()
        .filter(|r| r.kind == 1)
        .map(|r| r.body.as_str())
        .collect()
}

fn results(
    account: AccountKey,
    query: &str,
    before: Option<MessageId>,
    seqs: &[i64],
    more: bool,
) -> Msg {
    Msg::SearchLoaded {
        account,
        workspace: WS,
        query: query.into(),
        before,
        result: Ok(SearchResults {
            messages: seqs.iter().map(|&seq| message(RANDOM, seq)).collect(),
            conversations: Vec::new(),
            more,
        }),
    }
}

#[test]
fn a_query_searches_the_workspace_on_screen_newest_first_page_by_page() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    assert!(update(&mut state, Msg::Search("   ".into())).is_empty());
    let effects = update(&mut state, Msg::Search("  deploy from:@olga ".into()));
    assert_eq!(
        effects,
        [Effect::Search {
            account,
            workspace: WS,
            slug: "acme".into(),
            query: "deploy from:@olga".into(),
            before: None,
        }]
    );
    let v = view(&state);
    assert!(v.search.open && v.search.loading);
    assert_eq!(v.toolbar.title, "Search: deploy from:@olga");
    update(
        &mut state,
        results(account, "deploy from:@olga", None, &[9, 7], true),
    );
    let rows = view(&state).search.results;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].place.as_str(),
            rows[0].author.as_str(),
            rows[0].text.as_str()
        ),
        ("# random", "Olga", "message 9")
    );
    assert_eq!(rows[0].time, "2026-12-03 00:00");
    // The next page starts after the oldest shown; asked for once.
    let effects = update(&mut state, Msg::MoreResults);
    assert!(matches!(
        &effects[..],
        [Effect::Search { before: Some(before), query, .. }]
            if *before == MessageId(RANDOM.0 * 1000 + 7) && query == "deploy from:@olga"
    ));
    assert!(
        update(&mut state, Msg::MoreResults).is_empty(),
        "already on its way"
    );
    let before = Some(MessageId(RANDOM.0 * 1000 + 7));
    update(
        &mut state,
        results(account, "deploy from:@olga", before, &[7, 3], false),
    );
    let v = view(&state).search;
    let texts: Vec<_> = v.results.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["message 9", "message 7", "message 3"], "each once");
    assert!(!v.more && !v.loading);
    assert!(update(&mut state, Msg::MoreResults).is_empty(), "no more");
    // A late answer to an earlier query is not mixed in.
    update(&mut state, Msg::Search("release".into()));
    update(
        &mut state,
        results(account, "deploy from:@olga", None, &[1], false),
    );
    assert!(view(&state).search.results.is_empty());
    // Back to the conversation, which is seen again.
    let effects = update(&mut state, Msg::CloseSearch);
    assert!(!view(&state).search.open);
    assert!(effects.is_empty(), "nothing new arrived: {effects:?}");
}

#[test]
fn a_query_the_server_refuses_says_why_in_its_words() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::Search("colour:red".into()));
    let refusal = "Unknown operator colour:. Use from:, in:, before:, after:, on:, has: or is:.";
    update(
        &mut state,
        Msg::SearchLoaded {
            account,
            workspace: WS,
            query: "colour:red".into(),
            before: None,
            result: Err(CallError::Refused(refusal.into())),
        },
    );
    let v = view(&state).search;
    assert_eq!(v.error, refusal);
    assert!(v.open && !v.loading && v.results.is_empty());
    // The next query clears it.
    update(&mut state, Msg::Search("red".into()));
    assert_eq!(view(&state).search.error, "");
}

#[test]
fn a_result_in_the_timeline_held_is_highlighted_at_once() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    for seq in 1..=3 {
        update(&mut state, to(account, posted(GENERAL, seq, OTHER, None)));
    }
    update(&mut state, Msg::Search("message".into()));
    let found = Msg::SearchLoaded {
        account,
        workspace: WS,
        query: "message".into(),
        before: None,
        result: Ok(SearchResults {
            messages: vec![message(GENERAL, 2)],
            conversations: Vec::new(),
            more: false,
        }),
    };
    update(&mut state, found);
    let id = MessageId(GENERAL.0 * 1000 + 2);
    let effects = update(&mut state, Msg::OpenResult(id));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadAround { .. } | Effect::LoadHistory { .. })),
        "{effects:?}"
    );
    let v = view(&state);
    assert!(!v.search.open);
    assert_eq!(v.toolbar.title, "# general");
    assert_eq!(v.highlight, Some(id.0));
    let highlighted: Vec<_> = v
        .rows
        .iter()
        .filter(|r| r.highlighted)
        .map(|r| r.body.as_str())
        .collect();
    assert_eq!(highlighted, ["message 2"]);
    // Another conversation chosen: nothing highlighted any more.
    update(&mut state, Msg::SelectConversation(RANDOM));
    assert_eq!(view(&state).highlight, None);
}

#[test]
fn an_older_result_opens_the_stretch_around_it_until_jumping_to_the_newest() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(RANDOM, 500, OTHER, None)));
    update(&mut state, Msg::Search("old".into()));
    update(&mut state, results(account, "old", None, &[40], false));
    let id = MessageId(RANDOM.0 * 1000 + 40);
    let effects = update(&mut state, Msg::OpenResult(id));
    assert!(effects.contains(&Effect::LoadAround {
        account,
        conversation: RANDOM,
        seq: 40,
    }));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadHistory { .. }))
    );
    update(
        &mut state,
        Msg::AroundLoaded {
            account,
            conversation: RANDOM,
            result: Ok(MessagePage {
                messages: (39..=41).map(|seq| message(RANDOM, seq)).collect(),
                more_before: true,
                more_after: true,
            }),
        },
    );
    let v = view(&state);
    let bodies = message_bodies(&v);
    assert_eq!(
        bodies,
        ["message 39", "message 40", "message 41"],
        "not the live one after a gap"
    );
    assert!(v.more_after && v.more_before);
    assert!(
        v.rows
            .iter()
            .any(|r| r.highlighted && r.body == "message 40")
    );
    // What arrives meanwhile waits for the jump (it would sit after a hole), unread.
    let effects = update(&mut state, to(account, posted(RANDOM, 501, OTHER, None)));
    assert!(!effects.iter().any(|e| matches!(e, Effect::MarkRead { .. })));
    assert_eq!(view(&state).rows.iter().filter(|r| r.kind == 1).count(), 3);
    assert_eq!(view(&state).rail[0].unread, 1);
    let effects = update(&mut state, Msg::JumpToNewest);
    assert!(effects.contains(&Effect::LoadHistory {
        account,
        conversation: RANDOM,
        before: None,
    }));
    assert!(effects.contains(&Effect::MarkRead {
        account,
        conversation: RANDOM,
    }));
    assert_eq!(view(&state).rail[0].unread, 0);
    let v = view(&state);
    assert!(!v.more_after && v.highlight.is_none() && v.rows.is_empty());
    assert!(
        update(&mut state, Msg::JumpToNewest).is_empty(),
        "already there"
    );
}

#[test]
fn the_newest_page_replaces_a_stretch_of_the_past() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::SelectConversation(RANDOM));
    update(
        &mut state,
        Msg::AroundLoaded {
            account,
            conversation: RANDOM,
            result: Ok(MessagePage {
                messages: vec![message(RANDOM, 40)],
                more_before: true,
                more_after: true,
            }),
        },
    );
    // The realtime session came back and the end was fetched again.
    update(
        &mut state,
        Msg::HistoryLoaded {
            account,
            conversation: RANDOM,
            result: Ok(MessagePage {
                messages: vec![message(RANDOM, 500)],
                more_before: true,
                more_after: false,
            }),
        },
    );
    let v = view(&state);
    let bodies = message_bodies(&v);
    assert_eq!(bodies, ["message 500"]);
    assert!(!v.more_after);
}
