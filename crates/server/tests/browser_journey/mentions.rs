//! The mention steps of the live journey: Max mentions Ann in #town while she reads
//! #general; both her browsers show a red mention badge at once; opening #town shows the
//! message standing out with her name marked, and clears the badge in the other browser.
//! Then Ann answers with the composer's autocomplete: `@max` lists Max, Enter inserts his
//! handle, and the message mentions him.

use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, Locator};
use ocomms_proto::ConversationId;

use super::{click, screenshot, texts, wait_for_text};
use crate::support::Team;

pub async fn mention_steps(
    ann: &Client,
    second: &Client,
    t: &Team,
    shots: &Path,
    url: &str,
    town: ConversationId,
) {
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
    tokio::time::sleep(Duration::from_millis(700)).await;
    let handle = t.admin.me().await.expect("me").profile.handle;
    assert_eq!(handle, "ann.admin");
    t.member
        .post_message(town, "@ann.admin can you review the plan?", None)
        .await
        .expect("post");
    let badge = format!(".sidebar a[data-conversation='{town}'] .unread-count.mention-count");
    wait_for_text(ann, &badge, "1").await;
    wait_for_text(second, &badge, "1").await;
    screenshot(ann, shots, "33-mention-badge").await;

    // Opening #town: the message stands out, her name in it too; the badge goes everywhere.
    click(ann, &format!(".sidebar a[data-conversation='{town}']")).await;
    let mentioned = wait_for_text(
        ann,
        "#messages .message.mentions-me .message-body",
        "can you review the plan?",
    )
    .await;
    assert!(mentioned.contains("@ann.admin"));
    wait_for_text(
        ann,
        "#messages .message.mentions-me .mention.mention-me",
        "@ann.admin",
    )
    .await;
    screenshot(ann, shots, "34-mention-highlight").await;
    for _ in 0..50 {
        if texts(second, &badge).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        texts(second, &badge).await.is_empty(),
        "read in one tab, read in all"
    );

    // The composer's autocomplete: `@max` lists Max; Enter inserts his handle.
    let composer = ann
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer");
    composer.send_keys("sure @max").await.expect("type");
    wait_for_text(
        ann,
        ".suggestions [role=option][aria-selected=true]",
        "Max Member",
    )
    .await;
    let active = ann
        .execute(
            "const i = document.querySelector('#composer-body'); \
             return document.getElementById(i.getAttribute('aria-activedescendant'))?.textContent;",
            vec![],
        )
        .await
        .expect("active option");
    assert!(
        active.as_str().unwrap_or_default().contains("@max.member"),
        "the composer points at the option a screen reader reads: {active:?}"
    );
    screenshot(ann, shots, "35-mention-autocomplete").await;
    composer.send_keys("\u{E007}").await.expect("Enter picks");
    let typed = composer
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(typed, "sure @max.member ");
    assert!(texts(ann, ".suggestions [role=option]").await.is_empty());
    composer.send_keys("on it\u{E007}").await.expect("send");
    wait_for_text(ann, "#messages .message.mine .mention", "@max.member").await;
    let sent = t
        .member
        .history(town, &Default::default())
        .await
        .expect("history")
        .messages
        .pop()
        .expect("Ann's answer");
    assert_eq!(sent.body, "sure @max.member on it");
    assert_eq!(sent.mentions.users, vec![t.ids.member], "it mentions Max");
}
