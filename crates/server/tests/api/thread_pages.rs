//! Threads and pins in the web UI without the page script: a thread opens as a page beside
//! its conversation, replies post as forms, All threads lists them, Pin posts and the
//! pinned list shows it.

use ocomms_store::testing::TestDb;
use reqwest::StatusCode;

use super::pages::{browser, csrf_in, location, page, web_sign_in};
use crate::support::TestServer;

ocomms_store::backend_tests!(threads_and_pins_work_without_the_page_script);

async fn threads_and_pins_work_without_the_page_script(db: TestDb) {
    let s = TestServer::start(db).await;
    let owner = s.open_server().await;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    let general = owner.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let root = owner.post_message(general, "lunch?", None).await.unwrap();
    let http = browser();
    let url = s.url();
    let cookie = web_sign_in(&http, &url, "admin@example.com").await;
    let channel = format!("{url}/w/{slug}/c/{general}");
    let (_, html) = page(&http, &channel, &cookie).await;
    let thread = format!("/w/{slug}/c/{general}/t/{}", root.id);
    assert!(
        html.contains(&format!("href=\"{thread}\"")),
        "a Reply in thread link"
    );
    let csrf = csrf_in(&html);

    // The thread page: the message, its composer with the thread's id.
    let (status, html) = page(&http, &format!("{url}{thread}"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"thread-panel\""));
    assert!(html.contains(&format!("name=\"thread_root_id\" value=\"{}\"", root.id)));
    let posted = http
        .post(format!("{channel}/messages"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("body", "noodles"),
            ("thread_root_id", &root.id.to_string()),
            ("also_in_channel", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert!(location(&posted).starts_with(&format!("{thread}#t")));
    let (_, html) = page(&http, &format!("{url}{thread}"), &cookie).await;
    assert!(html.contains("noodles") && html.contains("1 reply"));
    assert!(
        html.contains("<div class=\"message-body\" dir=\"auto\">"),
        "each message takes the direction of its text"
    );
    let (_, html) = page(&http, &channel, &cookie).await;
    assert!(html.contains("Replied to"), "also sent to the channel");
    assert!(html.contains("class=\"thread-count\">1 reply"));

    // All threads, from the sidebar, lists it; following can be turned off there.
    assert!(html.contains(&format!("href=\"/w/{slug}/threads\"")));
    let (_, html) = page(&http, &format!("{url}/w/{slug}/threads"), &cookie).await;
    assert!(html.contains(&thread) && html.contains("noodles"));
    let unfollowed = http
        .post(format!("{url}{thread}/following?_method=DELETE"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(unfollowed.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&http, &format!("{url}/w/{slug}/threads"), &cookie).await;
    assert!(!html.contains(&thread), "no longer followed");

    // Pin from the message's button; the header counts it and the list shows it.
    let pinned = http
        .post(format!("{channel}/messages/{}/pin?_method=PUT", root.id))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(pinned.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&http, &format!("{channel}/pins"), &cookie).await;
    assert!(html.contains("<span id=\"pin-count\">1</span>"));
    assert!(html.contains("class=\"pins-panel\"") && html.contains("Pinned by you"));
}
