//! The search steps of the live journey (issue 16's "done when"): Ann searches
//! `from:@max.member in:#general after:2026-01-01 deploy` from the sidebar's box (`/` goes
//! there), finds Max's message and not the one from Max's private channel, opens it and
//! lands on it, highlighted, in #general; the back button brings the results again.

use std::path::Path;

use fantoccini::{Client, Locator};

use super::{screenshot, texts, wait_for_path, wait_for_text};
use crate::support::Team;

pub async fn search_steps(ann: &Client, t: &Team, shots: &Path, url: &str) {
    let slug = &t.slug;
    let general = t
        .member
        .channels(slug, &Default::default())
        .await
        .expect("channels")
        .into_iter()
        .find(|c| c.name == "general")
        .expect("#general")
        .id;
    let secret = t
        .member
        .create_channel(slug, &crate::support::channel("plans", true, vec![]))
        .await
        .expect("private channel")
        .id;
    let wanted = t
        .member
        .post_message(general, "The deploy checklist is ready", None)
        .await
        .expect("post");
    for (who, conversation, body) in [
        (&t.member, secret, "deploy the secret plan"),
        (&t.admin, general, "deploy after lunch"),
        (&t.member, general, "lunch menu"),
    ] {
        who.post_message(conversation, body, None)
            .await
            .expect("post");
    }

    ann.goto(&format!("{url}/w/{slug}/activity"))
        .await
        .expect("a page of the workspace");
    wait_for_text(ann, "h1", "Activity").await;
    // `/` goes to the search box; Enter searches.
    let body = ann.find(Locator::Css("body")).await.expect("body");
    body.send_keys("/").await.expect("press /");
    let focused = ann
        .execute("return document.activeElement?.id", vec![])
        .await
        .expect("focus");
    assert_eq!(focused.as_str(), Some("sidebar-search-q"));
    let query = "from:@max.member in:#general after:2026-01-01 deploy";
    ann.active_element()
        .await
        .expect("the box")
        .send_keys(&format!("{query}\u{E007}"))
        .await
        .expect("type and search");
    let at = wait_for_path(ann, &format!("/w/{slug}/search")).await;
    assert!(at.contains("q=from"), "the query is in the URL: {at}");
    let found = wait_for_text(ann, ".search-result", "checklist").await;
    assert!(found.contains("#general"), "{found}");
    assert_eq!(texts(ann, ".search-result").await.len(), 1);
    assert_eq!(
        texts(ann, ".search-result mark").await,
        ["deploy"],
        "the word found is marked"
    );
    let page = ann.source().await.expect("page");
    assert!(
        !page.contains("secret plan"),
        "Max's private channel never shows"
    );
    screenshot(ann, shots, "37-search-results").await;

    // The result opens the message in its channel, highlighted.
    ann.find(Locator::Css(".search-result a.thread-card-link"))
        .await
        .expect("the result's link")
        .click()
        .await
        .expect("open it");
    let at = wait_for_path(ann, &format!("/w/{slug}/c/{general}")).await;
    assert!(at.ends_with(&format!("#m{}", wanted.id)), "{at}");
    let target = ann
        .execute(
            "return document.querySelector(':target')?.textContent",
            vec![],
        )
        .await
        .expect(":target");
    assert!(
        target
            .as_str()
            .unwrap_or_default()
            .contains("The deploy checklist is ready"),
        "{target:?}"
    );
    screenshot(ann, shots, "38-search-in-context").await;

    // Back to the results, query and all.
    ann.back().await.expect("back");
    wait_for_path(ann, &format!("/w/{slug}/search")).await;
    let kept = ann
        .find(Locator::Css("#search-page-q"))
        .await
        .expect("the page's box")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(kept, query);
}
