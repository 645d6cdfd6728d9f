//! Reactions end to end: a peer's reaction arrives live, mine goes to the server through the
//! SDK's reaction call, both are kept in the offline cache, and a reaction taken back on the
//! server goes away on screen.

use std::time::Duration;

use ocomms_proto::MessageId;
use openchat::Msg;
use openchat::view::view;

use super::harness::until_cached;
use super::{Harness, Site, account_on};

/// The labels of the reactions under a message, as the window shows them.
fn labels(state: &openchat::State, message: MessageId) -> Vec<String> {
    view(state)
        .rows
        .into_iter()
        .find(|r| r.key == message.0)
        .map(|r| r.reactions.into_iter().map(|r| r.label).collect())
        .unwrap_or_default()
}

/// Until the message's reactions in the offline cache have `count` people in all.
async fn until_reactions_cached(
    dir: &std::path::Path,
    url: &str,
    message: MessageId,
    count: usize,
) {
    let what = format!("{count} reactions to {message}");
    until_cached(dir, url, &what, |m| {
        m.id == message && m.reactions.iter().map(|r| r.user_ids.len()).sum::<usize>() == count
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactions_arrive_live_go_out_on_click_and_are_kept() {
    let site = Site::start("React").await;
    let (data, mut client, key) = Harness::keeping_joined(&site).await;
    let peer = site.peer();
    let posted = peer
        .post_message(site.general, "ship it?", None)
        .await
        .expect("peer posts");
    let id = posted.id;

    // The peer reacts: shown under the message, live.
    peer.react(id, "👍").await.expect("peer reacts");
    client
        .until("the peer's reaction arrived", move |s| {
            labels(s, id) == ["👍 1"]
        })
        .await;

    // I click it: mine is added on the server and shown as mine.
    client.act(Msg::ToggleReaction {
        message: id,
        emoji: "👍".into(),
    });
    assert_eq!(labels(&client.state, id), ["👍 2, you reacted"], "at once");
    let me = account_on(&client.state, key).expect("account").user.id;
    let expected = [site.peer_id, me];
    let mut on_server = Vec::new();
    for _ in 0..200 {
        on_server = peer
            .history(site.general, &Default::default())
            .await
            .expect("history")
            .messages
            .into_iter()
            .find(|m| m.id == id)
            .map(|m| m.reactions)
            .unwrap_or_default();
        if on_server.first().is_some_and(|r| r.user_ids == expected) {
            break;
        }
        // Meanwhile the client takes its answers (the server's reply to the toggle).
        if let Ok(Some(msg)) =
            tokio::time::timeout(Duration::from_millis(50), client.answers.recv()).await
        {
            client.act(msg);
        }
    }
    assert_eq!(on_server.len(), 1, "{on_server:?}");
    assert_eq!(on_server[0].user_ids, expected);
    until_reactions_cached(data.path(), &site.url, id, 2).await;

    // The peer takes theirs back: gone on screen, and in the cache.
    peer.unreact(id, "👍").await.expect("peer unreacts");
    client
        .until("the peer's reaction went away", move |s| {
            labels(s, id) == ["👍 1, you reacted"]
        })
        .await;
    until_reactions_cached(data.path(), &site.url, id, 1).await;
    // Nothing went wrong on the way: a refused toggle would have left its reason here.
    assert!(account_on(&client.state, key).is_some_and(|a| a.notice.is_none()));
}
