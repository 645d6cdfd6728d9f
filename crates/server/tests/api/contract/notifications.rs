//! The notification operations, called on the contract journey's conversation and workspace.

use reqwest::Method;
use serde_json::json;

use super::harness::Contract;

/// Levels in the conversation and the workspace, do not disturb, the Activity list, and
/// search.
pub async fn call_notification_operations(
    c: &mut Contract,
    conv: &[(&str, String)],
    slug: &str,
    token: Option<&str>,
) {
    let path = "/api/v1/conversations/{id}/notifications";
    let got = c.call(Method::GET, path, conv, token, None).await;
    assert_eq!(got.status, 200);
    let set = c
        .call(
            Method::PUT,
            path,
            conv,
            token,
            Some(json!({ "level": "all" })),
        )
        .await;
    assert_eq!(
        (set.status, set.body["effective"].as_str()),
        (200, Some("all"))
    );
    let bad = c
        .call(
            Method::PUT,
            path,
            conv,
            token,
            Some(json!({ "level": "loud" })),
        )
        .await;
    assert_eq!(bad.status, 400, "not a level: the body does not parse");

    let ws = [("slug", slug.to_owned())];
    let path = "/api/v1/workspaces/{slug}/notifications";
    assert_eq!(
        c.call(Method::GET, path, &ws, token, None).await.status,
        200
    );
    let set = c
        .call(
            Method::PUT,
            path,
            &ws,
            token,
            Some(json!({ "default_level": "mentions" })),
        )
        .await;
    assert_eq!(set.status, 200);

    let path = "/api/v1/me/do-not-disturb";
    assert_eq!(
        c.call(Method::GET, path, &[], token, None).await.status,
        200
    );
    let quiet = json!({ "quiet_hours": { "start": "22:00", "end": "07:00" }, "snooze_minutes": 0 });
    let set = c.call(Method::PUT, path, &[], token, Some(quiet)).await;
    assert_eq!(
        (set.status, set.body["quiet_hours"]["end"].as_str()),
        (200, Some("07:00"))
    );
    let wrong = json!({ "quiet_hours": { "start": "25:00", "end": "07:00" } });
    assert_eq!(
        c.call(Method::PUT, path, &[], token, Some(wrong))
            .await
            .status,
        422
    );

    let path = "/api/v1/me/email-notifications";
    let got = c.call(Method::GET, path, &[], token, None).await;
    assert_eq!(
        (got.status, got.body["frequency"].as_str()),
        (200, Some("every_15_minutes"))
    );
    let hourly = json!({ "frequency": "hourly" });
    let set = c.call(Method::PUT, path, &[], token, Some(hourly)).await;
    assert_eq!(
        (
            set.status,
            set.body["frequency"].as_str(),
            set.body["available"].as_bool()
        ),
        (200, Some("hourly"), Some(false))
    );
    let weekly = json!({ "frequency": "weekly" });
    assert_eq!(
        c.call(Method::PUT, path, &[], token, Some(weekly))
            .await
            .status,
        400
    );

    let activity = c
        .call(
            Method::GET,
            "/api/v1/workspaces/{slug}/activity",
            &ws,
            token,
            None,
        )
        .await;
    assert_eq!(activity.status, 200);
    assert!(activity.body["items"].is_array());

    // Search lives beside Activity: a query, and one that cannot be read.
    let path = "/api/v1/workspaces/{slug}/search?q=hello%20from%3A%40nobody";
    let found = c.call(Method::GET, path, &ws, token, None).await;
    assert_eq!(found.status, 200);
    assert!(found.body["messages"].is_array());
    let path = "/api/v1/workspaces/{slug}/search?q=colour%3Ared";
    let unreadable = c.call(Method::GET, path, &ws, token, None).await;
    assert_eq!(
        (
            unreadable.status,
            unreadable.body["details"]["field"].as_str()
        ),
        (422, Some("q"))
    );
}
