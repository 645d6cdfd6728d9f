//! The thread and pin operations, called on a message of the contract journey.

use reqwest::Method;
use serde_json::json;

use super::harness::Contract;

/// Replies to `root` in conversation `conv`, then reads, follows, marks read and lists;
/// pins it, unpins and pins it again, and lists the pins.
pub async fn call_thread_operations(
    c: &mut Contract,
    conv: &[(&str, String)],
    root: &serde_json::Value,
    slug: &str,
    token: Option<&str>,
) {
    let reply = json!({ "body": "in a thread", "thread_root_id": root, "also_in_channel": true });
    let replied = c
        .call(
            Method::POST,
            "/api/v1/conversations/{id}/messages",
            conv,
            token,
            Some(reply),
        )
        .await;
    assert_eq!(replied.status, 201);
    let nested = json!({ "body": "deeper", "thread_root_id": replied.body["id"] });
    let refused = c
        .call(
            Method::POST,
            "/api/v1/conversations/{id}/messages",
            conv,
            token,
            Some(nested),
        )
        .await;
    assert_eq!(refused.status, 422);
    let root = [("id", root.to_string())];
    assert_eq!(
        c.call(Method::GET, "/api/v1/messages/{id}", &root, token, None)
            .await
            .status,
        200
    );
    let replies = c
        .call(
            Method::GET,
            "/api/v1/messages/{id}/replies",
            &root,
            token,
            None,
        )
        .await;
    assert_eq!(replies.status, 200);
    for method in [Method::GET, Method::DELETE, Method::PUT] {
        let answer = c
            .call(
                method,
                "/api/v1/messages/{id}/following",
                &root,
                token,
                None,
            )
            .await;
        assert_eq!(answer.status, 200);
    }
    let read = c
        .call(
            Method::PUT,
            "/api/v1/messages/{id}/replies/read",
            &root,
            token,
            None,
        )
        .await;
    assert_eq!(read.status, 204);
    let list = c
        .call(
            Method::GET,
            "/api/v1/workspaces/{slug}/threads?limit=5",
            &[("slug", slug.to_owned())],
            token,
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["threads"].as_array().map(Vec::len), Some(1));

    // Pins, on the same message.
    for method in [Method::PUT, Method::DELETE, Method::PUT] {
        let answer = c
            .call(method, "/api/v1/messages/{id}/pin", &root, token, None)
            .await;
        assert_eq!(answer.status, 200);
    }
    let pins = c
        .call(
            Method::GET,
            "/api/v1/conversations/{id}/pins",
            conv,
            token,
            None,
        )
        .await;
    assert_eq!(pins.body.as_array().map(Vec::len), Some(1));
}
