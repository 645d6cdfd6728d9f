//! The thread and pin steps of the live journey: Ann replies in a thread beside the channel, Max
//! sees the count move, opens it and answers (also to the channel), reacts there, closes it
//! with Esc; All threads lists it. Then Ann pins a message and Max sees it.

use std::path::Path;

use fantoccini::{Client, Locator};

use super::{click, screenshot, wait_for_path, wait_for_text};

pub async fn thread_steps(max: &Client, ann: &Client, shots: &Path, url: &str, slug: &str) {
    // Ann opens the thread of Max's message from its "Reply in thread" link: the panel
    // opens beside the channel and the address becomes the thread's.
    ann.execute(
        "document.querySelector('#messages .message:not(.mine) .reply-link').click()",
        vec![],
    )
    .await
    .expect("reply in thread");
    ann.wait()
        .for_element(Locator::Css(".thread-panel #thread-body"))
        .await
        .expect("the thread panel");
    let address = ann.current_url().await.expect("url");
    assert!(address.path().contains("/t/"), "{address}");
    let reply = ann
        .find(Locator::Css("#thread-body"))
        .await
        .expect("thread composer");
    reply.send_keys("Count me in").await.expect("type");
    reply.send_keys("\u{E007}").await.expect("send");
    wait_for_text(ann, "#thread-messages .message-body", "Count me in").await;

    // Max sees the reply count appear under his message, live, and opens the thread.
    wait_for_text(max, "#messages .thread-summary", "1 reply").await;
    click(max, "#messages .thread-summary").await;
    wait_for_text(max, "#thread-messages .message-body", "Count me in").await;
    screenshot(max, shots, "26-thread").await;

    // He answers and also sends it to the channel: Ann sees it in the thread and in the
    // channel, and the count under the message moves.
    click(max, "#thread-composer input[name=also_in_channel]").await;
    let answer = max
        .find(Locator::Css("#thread-body"))
        .await
        .expect("thread composer");
    answer.send_keys("See you there").await.expect("type");
    answer.send_keys("\u{E007}").await.expect("send");
    wait_for_text(ann, "#thread-messages .message-body", "See you there").await;
    wait_for_text(ann, "#messages .message-body", "See you there").await;
    wait_for_text(ann, "#messages .replied-to", "Replied to a thread").await;
    wait_for_text(ann, "#messages .thread-summary", "2 replies").await;

    // Max reacts to Ann's reply in the thread; Ann sees the chip there.
    max.execute(
        "document.querySelector('#thread-messages .message:not(.mine) .react-add').click()",
        vec![],
    )
    .await
    .expect("open the picker");
    let search = max
        .find(Locator::Css(".emoji-picker input[type=search]"))
        .await
        .expect("picker search");
    search.send_keys("thumbs up").await.expect("type");
    wait_for_text(max, ".emoji-grid button", "👍").await;
    search.send_keys("\u{E007}").await.expect("pick");
    wait_for_text(ann, "#thread-messages .reaction", "👍").await;

    // Esc closes the panel: the members are back and so is the channel's address.
    let body = max
        .find(Locator::Css("#thread-body"))
        .await
        .expect("composer");
    body.send_keys("\u{E00C}").await.expect("press Esc");
    max.wait()
        .for_element(Locator::Css(".members-panel"))
        .await
        .expect("members panel back");
    let address = max.current_url().await.expect("url");
    assert!(!address.path().contains("/t/"), "{address}");

    // All threads, from the sidebar, lists the thread with where it is.
    ann.goto(&format!("{url}/w/{slug}"))
        .await
        .expect("workspace");
    click(ann, "a[data-threads-link]").await;
    wait_for_path(ann, &format!("/w/{slug}/threads")).await;
    let card = wait_for_text(ann, ".thread-card", "#town").await;
    assert!(card.contains("See you there"), "{card}");
    screenshot(ann, shots, "27-all-threads").await;
    click(ann, ".thread-card-link").await;
    wait_for_text(ann, "#thread-messages .message-body", "Count me in").await;
}

/// Ann pins Max's message from the channel; Max sees it marked and counted live, and finds
/// it in the pinned list from the header.
pub async fn pin_steps(max: &Client, ann: &Client, shots: &Path) {
    ann.execute(
        "document.querySelector('#messages .message:not(.mine) .pin-button').click()",
        vec![],
    )
    .await
    .expect("pin");
    wait_for_text(
        max,
        "#messages .message.pinned .pinned-by",
        "Pinned by Ann Admin",
    )
    .await;
    wait_for_text(max, "#pin-count", "1").await;
    wait_for_text(max, "#messages .notice-line", "Ann Admin pinned a message").await;
    click(max, "a[data-pins]").await;
    wait_for_text(max, ".pins-panel .message-body", "the plan is final").await;
    screenshot(max, shots, "28-pinned").await;

    // As the channel's manager, Max keeps pinning to managers from its settings.
    click(max, "a[href$='/settings']").await;
    click(max, "input[name=pins_managers_only]").await;
    screenshot(max, shots, "30-channel-settings").await;
    click(max, "form.narrow button.primary").await;
    wait_for_text(
        max,
        "#messages .notice-line",
        "Max Member kept pinning to the channel's managers",
    )
    .await;
}
