//! Search against a real server: a query finds the peer's messages newest first, pages
//! with `before`, a query the server refuses is shown in its words, and a result older
//! than the loaded page opens the stretch of history around it (`around`), highlighted.

use ocomms_proto::MessageId;
use openchat::Msg;

use super::site::Site;
use super::{Harness, account_on};

/// The message numbers the result pane shows, in order ("#3" in "deploy #3").
fn numbers(state: &openchat::State, server: openchat::state::ServerKey) -> Vec<u32> {
    account_on(state, server)
        .map(|a| {
            a.search
                .results
                .iter()
                .filter_map(|m| m.body.rsplit('#').next()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_pages_explains_a_refusal_and_opens_an_old_result_in_its_stretch() {
    let site = Site::start("Acme").await;
    let peer = site.peer();
    // 60 messages, every third about a deploy: the first of them is older than the page
    // of 50 the client loads.
    for n in 1..=60 {
        let body = if n % 3 == 1 {
            format!("deploy #{n}")
        } else {
            format!("chatter #{n}")
        };
        peer.post_message(site.general, &body, None)
            .await
            .expect("peer posts");
    }
    let mut client = Harness::new();
    let server = client.join(&site).await;

    client.act(Msg::Search("deploy".into()));
    client
        .until("the first page of results", move |s| {
            account_on(s, server).is_some_and(|a| !a.search.loading)
        })
        .await;
    let first = numbers(&client.state, server);
    assert_eq!(first.first(), Some(&58), "newest first: {first:?}");
    let more = account_on(&client.state, server).is_some_and(|a| a.search.more);
    let mut all = first.clone();
    if more {
        client.act(Msg::MoreResults);
        client
            .until("the next page", move |s| {
                account_on(s, server).is_some_and(|a| !a.search.loading && !a.search.more)
            })
            .await;
        all = numbers(&client.state, server);
    }
    let expected: Vec<u32> = (1..=60).rev().filter(|n| n % 3 == 1).collect();
    assert_eq!(all, expected);

    // A query the server cannot read: its explanation, not a failure.
    client.act(Msg::Search("colour:red".into()));
    client
        .until("the refusal", move |s| {
            account_on(s, server).is_some_and(|a| a.search.error.is_some())
        })
        .await;
    let error = account_on(&client.state, server)
        .and_then(|a| a.search.error.clone())
        .unwrap_or_default();
    assert!(
        error.contains("colour: is not a search operator"),
        "{error}"
    );

    // The oldest deploy, outside the 50 loaded: the stretch around it, highlighted.
    client.act(Msg::Search("deploy".into()));
    client
        .until("results again", move |s| {
            account_on(s, server).is_some_and(|a| !a.search.loading && !a.search.results.is_empty())
        })
        .await;
    if account_on(&client.state, server).is_some_and(|a| a.search.more) {
        client.act(Msg::MoreResults);
        client
            .until("every result", move |s| {
                account_on(s, server).is_some_and(|a| !a.search.loading && !a.search.more)
            })
            .await;
    }
    let oldest: MessageId = account_on(&client.state, server)
        .and_then(|a| a.search.results.last().map(|m| m.id))
        .expect("the oldest result");
    let general = site.general;
    let held = |s: &openchat::State| {
        account_on(s, server)
            .and_then(|a| a.timelines.get(&general))
            .is_some_and(|t| t.holds(oldest))
    };
    assert!(!held(&client.state), "older than the page loaded");
    client.act(Msg::OpenResult(oldest));
    client.until("the stretch around it", held).await;
    let account = account_on(&client.state, server).expect("account");
    assert_eq!(account.context.highlight, Some(oldest));
    assert_eq!(account.context.conversation, Some(general));
    let timeline = account.timelines.get(&general).expect("timeline");
    assert!(
        timeline.more_after,
        "newer messages are not shown after a gap"
    );
    assert_eq!(
        timeline.messages().first().map(|m| m.body.as_str()),
        Some("deploy #1"),
        "the first message of the conversation, nothing before it"
    );

    // Back to the end.
    client.act(Msg::JumpToNewest);
    client
        .until("the newest page", move |s| {
            account_on(s, server)
                .and_then(|a| a.timelines.get(&general))
                .is_some_and(|t| {
                    t.loaded
                        && !t.more_after
                        && t.messages().last().is_some_and(|m| m.body == "chatter #60")
                })
        })
        .await;
}
