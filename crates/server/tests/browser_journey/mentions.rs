//! The mention and notification steps of the live journey (issue 15's "done when"): Max
//! mentions Ann in #town while she reads #general in two browsers; both show a red mention
//! badge at once, and the one that allowed desktop notifications shows one. Clicking it
//! opens the message in #town, standing out with her name marked, and the badge goes in the
//! other browser. She answers with the composer's autocomplete (`@max` lists Max, Enter
//! inserts his handle). Then she mutes #town from its 🔔 menu: the next mention is counted
//! but shows no notification. On a page that is not a conversation (Activity), a direct
//! message still counts in the sidebar and shows a notification.

use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, Locator};
use ocomms_proto::ConversationId;

use super::{click, screenshot, texts, wait_for_path, wait_for_text};
use crate::support::Team;

/// Records every desktop notification the page shows, still showing it for real.
const SPY: &str = "window.__shown = []; const Real = window.Notification; \
    window.Notification = class extends Real { constructor(title, options) { \
    super(title, options); window.__shown.push({ title, body: options.body, n: this }); } }; \
    return Real.permission;";

async fn shown(browser: &Client) -> Vec<(String, String)> {
    let list = browser
        .execute(
            "return (window.__shown || []).map((s) => [s.title, s.body]);",
            vec![],
        )
        .await
        .expect("notifications shown");
    serde_json::from_value(list).unwrap_or_default()
}

/// The notifications shown once the first one is, waiting up to 5 s for it.
async fn first_shown(browser: &Client) -> Vec<(String, String)> {
    for _ in 0..50 {
        let notes = shown(browser).await;
        if !notes.is_empty() {
            return notes;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Vec::new()
}

pub async fn mention_steps(
    ann: &Client,
    second: &Client,
    t: &Team,
    shots: &Path,
    url: &str,
    town: ConversationId,
) {
    let slug = &t.slug;
    let general = super::unread::both_in_general(ann, second, t, url).await;
    let permission = second.execute(SPY, vec![]).await.expect("spy");
    assert_eq!(
        permission.as_str(),
        Some("granted"),
        "allowed in this profile"
    );
    let handle = t.admin.me().await.expect("me").profile.handle;
    assert_eq!(handle, "ann.admin");
    let mention = t
        .member
        .post_message(town, "@ann.admin can you review the plan?", None)
        .await
        .expect("post");
    let badge = format!(".sidebar a[data-conversation='{town}'] .unread-count.mention-count");
    wait_for_text(ann, &badge, "1").await;
    wait_for_text(second, &badge, "1").await;
    screenshot(ann, shots, "33-mention-badge").await;

    // The desktop notification says who, where and what.
    let notes = first_shown(second).await;
    assert_eq!(
        notes,
        vec![(
            "Max Member mentioned you in #town".to_owned(),
            "@ann.admin can you review the plan?".to_owned()
        )]
    );
    assert!(
        shown(ann).await.is_empty(),
        "the first browser was never allowed"
    );

    // Clicking it opens the message: it stands out, her name in it too; the badge goes in
    // the other browser at once.
    second
        .execute(
            "window.__shown[0].n.dispatchEvent(new Event('click'))",
            vec![],
        )
        .await
        .expect("click the notification");
    let at = wait_for_path(second, &format!("/w/{slug}/c/{town}")).await;
    assert!(at.ends_with(&format!("#m{}", mention.id)), "{at}");
    let mentioned = wait_for_text(
        second,
        "#messages .message.mentions-me .message-body",
        "can you review the plan?",
    )
    .await;
    assert!(mentioned.contains("@ann.admin"));
    wait_for_text(
        second,
        "#messages .message.mentions-me .mention.mention-me",
        "@ann.admin",
    )
    .await;
    screenshot(second, shots, "34-mention-highlight").await;
    for _ in 0..50 {
        if texts(ann, &badge).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        texts(ann, &badge).await.is_empty(),
        "read in one browser, read in all"
    );

    // The composer's autocomplete: `@max` lists Max; Enter inserts his handle.
    let composer = second
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer");
    composer.send_keys("sure @max").await.expect("type");
    wait_for_text(
        second,
        ".suggestions [role=option][aria-selected=true]",
        "Max Member",
    )
    .await;
    let active = second
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
    screenshot(second, shots, "35-mention-autocomplete").await;
    composer.send_keys("\u{E007}").await.expect("Enter picks");
    let typed = composer
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(typed, "sure @max.member ");
    assert!(texts(second, ".suggestions [role=option]").await.is_empty());
    composer.send_keys("on it\u{E007}").await.expect("send");
    wait_for_text(second, "#messages .message.mine .mention", "@max.member").await;
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

    // Muted from the 🔔 menu: the next mention is counted, and shows no notification.
    click(second, "details.notify-menu summary").await;
    click(second, ".notify-form input[name=level][value=nothing]").await;
    click(second, ".notify-form button[type=submit]").await;
    wait_for_text(second, "details.notify-menu summary", "🔕").await;
    second
        .goto(&format!("{url}/w/{slug}/c/{general}"))
        .await
        .expect("#general");
    let muted_link = format!(".sidebar a.is-muted[data-conversation='{town}']");
    wait_for_text(second, &muted_link, "town").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    second.execute(SPY, vec![]).await.expect("spy");
    t.member
        .post_message(town, "@ann.admin one more thing", None)
        .await
        .expect("post");
    wait_for_text(second, &badge, "1").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(shown(second).await.is_empty(), "muted: no notification");
    // Away from any conversation (on Activity), the page is live too: a direct message
    // counts in the sidebar and shows a desktop notification.
    let dm = t
        .member
        .open_direct(slug, &[t.ids.admin])
        .await
        .expect("direct message")
        .id;
    let first = t
        .member
        .post_message(dm, "are you around?", None)
        .await
        .expect("post");
    t.admin.mark_read(dm, first.seq).await.expect("read");
    second
        .goto(&format!("{url}/w/{slug}/activity"))
        .await
        .expect("Activity");
    wait_for_text(second, ".sidebar[data-live=on] .conversation-link", "").await;
    second.execute(SPY, vec![]).await.expect("spy");
    let noon = t
        .member
        .post_message(dm, "the deploy is at noon", None)
        .await
        .expect("post");
    let dm_badge = format!(".sidebar a[data-conversation='{dm}'] .unread-count");
    wait_for_text(second, &dm_badge, "1").await;
    let notes = first_shown(second).await;
    assert_eq!(
        notes,
        vec![("Max Member".to_owned(), "the deploy is at noon".to_owned())]
    );
    screenshot(second, shots, "36-live-activity-page").await;
    t.admin
        .mark_read(dm, noon.seq)
        .await
        .expect("read the direct message");

    // The journey goes on with Ann in #town.
    ann.goto(&format!("{url}/w/{slug}/c/{town}"))
        .await
        .expect("#town");
}
