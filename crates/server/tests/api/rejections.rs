//! Every refusal is `{code, message, details}` JSON with the right status, whichever part of
//! the server gives it (a handler, an extractor, a body limit, the router), and messages up to
//! the documented limit fit whatever their characters.

use ocomms_store::testing::TestDb;
use serde_json::{Value, json};

use crate::support::TestServer;

ocomms_store::backend_tests!(
    every_rejection_is_a_json_error,
    messages_up_to_the_limit_fit_in_any_script
);

/// Sends `request`; its status and `code`, insisting the answer is a JSON error body.
async fn refused(request: reqwest::RequestBuilder) -> (u16, String) {
    error_of(request.send().await.unwrap()).await
}

/// Status, `code` and the content type of an answer, insisting it is a JSON error body.
async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{status}: {content_type}"
    );
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    (status, body["code"].as_str().unwrap().to_owned())
}

/// Sends `head` (no body) over a plain socket and reads the answer up to the end of its JSON
/// body (the server may keep the connection open, waiting for the announced body).
async fn raw_request(url: &str, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&answer).into_owned();
        if text
            .split_once("\r\n\r\n")
            .is_some_and(|(_, body)| body.trim_end().ends_with('}'))
        {
            return text;
        }
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut chunk))
                .await
                .unwrap_or_else(|_| panic!("no complete answer within 10 s: {text}"))
                .unwrap();
        if read == 0 {
            return text;
        }
        answer.extend_from_slice(&chunk[..read]);
    }
}

async fn every_rejection_is_a_json_error(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.open_server().await;
    let token = ada.token().unwrap().to_owned();
    let url = s.url();
    let ws = ada.create_workspace("Acme").await.unwrap();
    let general = ada.channels(&ws.slug, &Default::default()).await.unwrap()[0].id;
    let http = reqwest::Client::new();
    let messages = format!("{url}/api/v1/conversations/{general}/messages");

    assert_eq!(
        refused(http.get(format!("{messages}?limit=-1")).bearer_auth(&token)).await,
        (400, "malformed_request".into())
    );
    assert_eq!(
        refused(
            http.get(format!("{messages}?limit=201"))
                .bearer_auth(&token)
        )
        .await,
        (422, "validation_failed".into())
    );

    // A 20 MB avatar is refused from its Content-Length, before the body is sent (a client
    // still writing it when the answer comes would see a broken pipe instead).
    let answer = raw_request(
        &url,
        &format!(
            "PUT /api/v1/me/avatar HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\n\
             content-type: image/png\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            20 * 1024 * 1024
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/json"), "{answer}");
    assert!(answer.contains(r#""code":"payload_too_large""#), "{answer}");

    // A message request larger than any legal message, refused from its Content-Length.
    let answer = raw_request(
        &url,
        &format!(
            "POST /api/v1/conversations/{general}/messages HTTP/1.1\r\nhost: x\r\n\
             authorization: Bearer {token}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n",
            ocomms_proto::message::MAX_REQUEST_BYTES + 1
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":"payload_too_large""#), "{answer}");
    let too_long = json!({ "body": "x".repeat(100_000) });
    assert_eq!(
        refused(http.post(&messages).bearer_auth(&token).json(&too_long)).await,
        (422, "validation_failed".into())
    );

    assert_eq!(
        refused(
            http.post(&messages)
                .bearer_auth(&token)
                .json(&json!(["hi", null]))
        )
        .await,
        (400, "malformed_request".into())
    );
    assert_eq!(
        refused(
            http.post(&messages)
                .bearer_auth(&token)
                .header("content-type", "text/plain")
                .body("hi")
        )
        .await,
        (415, "unsupported_media".into())
    );

    let wrong_method = http
        .delete(format!("{url}/api/v1/instance"))
        .bearer_auth(&token)
        .send();
    let wrong_method = wrong_method.await.unwrap();
    assert!(wrong_method.headers().contains_key("allow"));
    assert_eq!(
        error_of(wrong_method).await,
        (405, "method_not_allowed".into())
    );
    assert_eq!(
        refused(http.get(format!("{url}/api/v1/no/such/route"))).await,
        (404, "not_found".into())
    );
    assert_eq!(
        refused(http.get(format!("{url}/api/v1/ws")).bearer_auth(&token)).await,
        (400, "malformed_request".into())
    );

    // JSON Schema counts 2.0 as an integer; so does the server.
    let invite = json!({ "max_uses": 2.0 });
    let created = http
        .post(format!("{url}/api/v1/workspaces/{}/invitations", ws.slug))
        .bearer_auth(&token)
        .json(&invite)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let fraction = json!({ "max_uses": 2.5 });
    assert_eq!(
        refused(
            http.post(format!("{url}/api/v1/workspaces/{}/invitations", ws.slug))
                .bearer_auth(&token)
                .json(&fraction)
        )
        .await,
        (400, "malformed_request".into())
    );
}

async fn messages_up_to_the_limit_fit_in_any_script(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.open_server().await;
    let ws = ada.create_workspace("Acme").await.unwrap();
    let general = ada.channels(&ws.slug, &Default::default()).await.unwrap()[0].id;
    let limit = ocomms_proto::message::MAX_BODY_CHARS;
    // Two, three and four bytes of UTF-8 a character; written raw or as JSON escapes.
    for body in [
        "ж".repeat(limit),
        "中".repeat(limit),
        "😀".repeat(limit),
        "\u{1}".repeat(limit),
    ] {
        let posted = ada
            .post_message(general, &body, None)
            .await
            .unwrap_or_else(|e| panic!("{} characters of {:?}: {e}", limit, &body[..4]));
        assert_eq!(posted.body.chars().count(), limit);
    }
    // The widest form of all: every character a JSON escape of a surrogate pair (12 bytes).
    let escaped = format!(r#"{{"body": "{}"}}"#, r"\ud83d\ude00".repeat(limit));
    let posted = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/conversations/{general}/messages",
            s.url()
        ))
        .bearer_auth(ada.token().unwrap())
        .header("content-type", "application/json")
        .body(escaped)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
}
