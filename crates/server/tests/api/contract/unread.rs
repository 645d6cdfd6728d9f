//! The read-state operations, called on the contract journey's conversation and message.

use reqwest::Method;
use serde_json::json;

use super::harness::Contract;

/// Marks the conversation read (and past its end), the message unread, lists, and marks all
/// read.
pub async fn call_read_operations(
    c: &mut Contract,
    conv: &[(&str, String)],
    message: &serde_json::Value,
    slug: &str,
    token: Option<&str>,
) {
    let read = c
        .call(
            Method::PUT,
            "/api/v1/conversations/{id}/read",
            conv,
            token,
            Some(json!({ "seq": i64::MAX })),
        )
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["unread"], 0);
    // Positions are whole numbers from 0; a float with no fraction is one (JSON Schema says).
    for (seq, status) in [(json!(-1), 400), (json!(3.0), 200), (json!(2.5), 400)] {
        let answer = c
            .call(
                Method::PUT,
                "/api/v1/conversations/{id}/read",
                conv,
                token,
                Some(json!({ "seq": seq })),
            )
            .await;
        assert_eq!(answer.status, status, "seq {seq}");
    }
    let unread = c
        .call(
            Method::PUT,
            "/api/v1/messages/{id}/unread",
            &[("id", message.to_string())],
            token,
            None,
        )
        .await;
    assert_eq!(unread.status, 200);
    let list = c
        .call(
            Method::GET,
            "/api/v1/workspaces/{slug}/unread",
            &[("slug", slug.to_owned())],
            token,
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    assert!(list.body.as_array().is_some_and(|l| !l.is_empty()));
    // Mark all as read: the message marked unread above is read again.
    let all = c
        .call(
            Method::PUT,
            "/api/v1/workspaces/{slug}/read",
            &[("slug", slug.to_owned())],
            token,
            None,
        )
        .await;
    assert_eq!(all.status, 200);
    assert!(all.body.as_array().is_some_and(|l| !l.is_empty()));
}
