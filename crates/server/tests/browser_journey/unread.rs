//! The unread steps of the live journey: Ann is in #general when Max writes in #town; her
//! sidebar counts it at once, in both her browsers, and her tab title says so; opening #town
//! in one shows where she left off and clears the count in the other at once; "Mark unread"
//! brings the line back, on the next visit too, until Esc.

use std::path::Path;

use fantoccini::{Client, Locator};
use ocomms_proto::ConversationId;

use super::{click, screenshot, texts, wait_for_text};
use crate::support::Team;

/// Ann's two browsers on #general, connected; answers its id.
pub async fn both_in_general(ann: &Client, second: &Client, t: &Team, url: &str) -> ConversationId {
    let slug = &t.slug;
    let general = t
        .admin
        .channels(slug, &Default::default())
        .await
        .expect("channels")
        .into_iter()
        .find(|c| c.is_general)
        .expect("#general")
        .id;
    for browser in [ann, second] {
        browser
            .goto(&format!("{url}/w/{slug}/c/{general}"))
            .await
            .expect("#general");
    }
    // Time for the pages to connect before anything live happens.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    general
}

pub async fn unread_steps(
    ann: &Client,
    second: &Client,
    t: &Team,
    shots: &Path,
    url: &str,
    town: ConversationId,
) {
    let slug = &t.slug;
    both_in_general(ann, second, t, url).await;
    t.member
        .post_message(town, "Did you see the plan?", None)
        .await
        .expect("post");
    let badge = format!(".sidebar a[data-conversation='{town}'] .unread-count");
    wait_for_text(ann, &badge, "1").await;
    wait_for_text(second, &badge, "1").await;
    assert!(ann.title().await.expect("title").starts_with("(1) "));
    screenshot(ann, shots, "31-unread-in-sidebar").await;

    // Opening #town: the line is where she left off, the count is gone.
    click(ann, &format!(".sidebar a[data-conversation='{town}']")).await;
    let line = wait_for_text(
        ann,
        "#messages .new-divider + .message .message-body",
        "Did you see the plan?",
    )
    .await;
    assert!(line.contains("plan"));
    assert!(texts(ann, &badge).await.is_empty(), "read once opened");
    assert!(!ann.title().await.expect("title").starts_with('('));
    // Her other browser hears it at once (a `read` frame), without reloading.
    for _ in 0..50 {
        if texts(second, &badge).await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        texts(second, &badge).await.is_empty(),
        "read in one tab, read in all"
    );

    // Mark unread from an earlier message: the line moves there, and stays for the next visit.
    ann.execute(
        "document.querySelector('#messages .message:not(.mine) .mark-unread').click()",
        vec![],
    )
    .await
    .expect("mark unread");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    ann.goto(&format!("{url}/w/{slug}/c/{town}"))
        .await
        .expect("reopen");
    ann.wait()
        .for_element(Locator::Css("#messages #new-messages"))
        .await
        .expect("the line is back");
    screenshot(ann, shots, "32-new-messages-line").await;
    // Esc reads it all.
    ann.find(Locator::Css("body"))
        .await
        .expect("body")
        .send_keys("\u{E00C}")
        .await
        .expect("escape");
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(texts(ann, "#new-messages").await.is_empty());
    ann.goto(&format!("{url}/w/{slug}/c/{town}"))
        .await
        .expect("reopen");
    assert!(
        texts(ann, "#new-messages").await.is_empty(),
        "Esc marked it read"
    );
}
