//! The API document is the contract: every operation it lists is served, answers only the
//! statuses it documents, and every JSON body (the server's serde output of the wire types in
//! `ocomms-proto`, which the SDK reads back) matches the schema documented for that status.
//! The journey below calls every operation; a route added without a call here fails the test.

use reqwest::Method;
use serde_json::json;

use ocomms_store::testing::TestDb;

use crate::support::{PASSWORD, TestServer};

mod harness;
mod notifications;
mod threads_and_pins;
mod unread;

use harness::{Contract, png};

ocomms_store::backend_tests!(every_documented_operation_answers_as_documented);

async fn every_documented_operation_answers_as_documented(db: TestDb) {
    let s = TestServer::start(db).await;
    let mut c = Contract::new(s.url()).await;
    let none: &[(&str, String)] = &[];

    c.call(Method::GET, "/api/v1/openapi.json", none, None, None)
        .await;
    for probe in ["/healthz", "/readyz"] {
        assert_eq!(
            c.call(Method::GET, probe, none, None, None).await.status,
            200
        );
    }
    // The check has teeth: a body that is not an ErrorBody does not pass for one.
    let error_schema = json!({ "$ref": "#/components/schemas/ErrorBody" });
    assert!(
        !c.mismatches(&error_schema, &json!({ "code": 5 }))
            .is_empty()
    );
    assert!(
        c.mismatches(
            &error_schema,
            &json!({ "code": "not_found", "message": "m" })
        )
        .is_empty()
    );
    c.call(Method::GET, "/api/v1/instance", none, None, None)
        .await;
    let sign_up = |email: &str, name: &str| json!({ "email": email, "password": PASSWORD, "display_name": name });
    let ada = c
        .call(
            Method::POST,
            "/api/v1/accounts",
            none,
            None,
            Some(sign_up("ada@example.com", "Ada")),
        )
        .await;
    assert_eq!(ada.status, 201);
    let ada_token = ada.body["token"].as_str().unwrap().to_owned();
    let t = Some(ada_token.as_str());
    let opened = c
        .call(
            Method::PATCH,
            "/api/v1/instance",
            none,
            t,
            Some(json!({ "open_signup": true })),
        )
        .await;
    assert_eq!(opened.status, 200);
    let bob = c
        .call(
            Method::POST,
            "/api/v1/accounts",
            none,
            None,
            Some(sign_up("bob@example.com", "Bob")),
        )
        .await;
    assert_eq!(bob.status, 201);
    let bob_token = bob.body["token"].as_str().unwrap().to_owned();
    let bob_id = bob.body["user"]["id"].to_string();
    let b = Some(bob_token.as_str());

    // Accounts and sessions.
    c.call(Method::GET, "/api/v1/me", none, t, None).await;
    c.call(Method::GET, "/api/v1/me", none, None, None).await;
    let wrong =
        json!({ "current_password": "not the password", "new_password": "a new long passphrase" });
    assert_eq!(
        c.call(Method::PUT, "/api/v1/me/password", none, b, Some(wrong))
            .await
            .status,
        403
    );
    c.call(Method::POST, "/api/v1/me/email-verification", none, t, None)
        .await;
    let bogus = json!({ "token": "no-such-token" });
    c.call(
        Method::POST,
        "/api/v1/email-verifications",
        none,
        None,
        Some(bogus),
    )
    .await;
    let reset = json!({ "email": "ada@example.com" });
    c.call(
        Method::POST,
        "/api/v1/password-resets",
        none,
        None,
        Some(reset),
    )
    .await;
    let new = json!({ "new_password": "a new long passphrase" });
    let token = [("token", "no-such-token".to_owned())];
    c.call(
        Method::PUT,
        "/api/v1/password-resets/{token}",
        &token,
        None,
        Some(new),
    )
    .await;
    let sign_in =
        json!({ "email": "ada@example.com", "password": PASSWORD, "client_name": "contract" });
    let second = c
        .call(Method::POST, "/api/v1/sessions", none, None, Some(sign_in))
        .await;
    assert_eq!(second.status, 201, "{}", second.body);
    let second_id = [("id", second.body["session_id"].to_string())];
    c.call(Method::GET, "/api/v1/sessions", none, t, None).await;
    assert_eq!(
        c.call(Method::DELETE, "/api/v1/sessions/{id}", &second_id, t, None)
            .await
            .status,
        204
    );

    // Profiles.
    c.call(Method::GET, "/api/v1/me/profile", none, t, None)
        .await;
    let profile =
        json!({ "title": "Engineer", "time_zone": "Europe/Berlin", "bio": "Hi\r\nthere" });
    c.call(Method::PATCH, "/api/v1/me/profile", none, t, Some(profile))
        .await;
    let upload = c
        .http
        .put(format!("{}/api/v1/me/avatar", c.url))
        .bearer_auth(&ada_token)
        .header("content-type", "image/png")
        .body(png());
    assert_eq!(
        c.check(Method::PUT, "/api/v1/me/avatar", upload)
            .await
            .status,
        200
    );
    c.call(Method::DELETE, "/api/v1/me/avatar", none, t, None)
        .await;

    // A download of one's own data, prepared in the background.
    c.call(Method::GET, "/api/v1/me/exports", none, t, None)
        .await;
    let started = c
        .call(Method::POST, "/api/v1/me/exports", none, t, None)
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    let export_id = [("id", started.body["id"].to_string())];
    for _ in 0..200 {
        let now = c
            .call(Method::GET, "/api/v1/me/exports/{id}", &export_id, t, None)
            .await;
        if now.body["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let download = "/api/v1/me/exports/{id}/download";
    assert_eq!(
        c.call(Method::GET, download, &export_id, t, None)
            .await
            .status,
        200
    );
    let nobody = [("id", "999999".to_owned())];
    assert_eq!(
        c.call(Method::GET, download, &nobody, t, None).await.status,
        404
    );

    // Workspaces, members, invitations.
    let ws = c
        .call(
            Method::POST,
            "/api/v1/workspaces",
            none,
            t,
            Some(json!({ "name": "Acme" })),
        )
        .await;
    let slug = ws.body["slug"].as_str().unwrap().to_owned();
    let ws_args = [("slug", slug.clone())];
    c.call(Method::GET, "/api/v1/workspaces", none, t, None)
        .await;
    c.call(Method::GET, "/api/v1/workspaces/{slug}", &ws_args, t, None)
        .await;
    c.call(Method::GET, "/api/v1/workspaces/{slug}", &ws_args, b, None)
        .await;
    let invite = json!({ "max_uses": 2.0, "expires_in_hours": 24 });
    let created = c
        .call(
            Method::POST,
            "/api/v1/workspaces/{slug}/invitations",
            &ws_args,
            t,
            Some(invite),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let invitation = [("token", created.body["token"].as_str().unwrap().to_owned())];
    c.call(
        Method::GET,
        "/api/v1/invitations/{token}",
        &invitation,
        None,
        None,
    )
    .await;
    let joined = c
        .call(
            Method::POST,
            "/api/v1/invitations/{token}/acceptance",
            &invitation,
            b,
            None,
        )
        .await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    c.call(
        Method::GET,
        "/api/v1/workspaces/{slug}/invitations",
        &ws_args,
        t,
        None,
    )
    .await;
    let revoke = [
        ("slug", slug.clone()),
        ("id", created.body["invitation"]["id"].to_string()),
    ];
    c.call(
        Method::DELETE,
        "/api/v1/workspaces/{slug}/invitations/{id}",
        &revoke,
        t,
        None,
    )
    .await;
    c.call(
        Method::GET,
        "/api/v1/workspaces/{slug}/members",
        &ws_args,
        t,
        None,
    )
    .await;
    c.call(
        Method::GET,
        "/api/v1/workspaces/{slug}/presence",
        &ws_args,
        t,
        None,
    )
    .await;
    let bob_member = [("slug", slug.clone()), ("user_id", bob_id.clone())];
    let role = json!({ "role": "admin" });
    c.call(
        Method::PATCH,
        "/api/v1/workspaces/{slug}/members/{user_id}",
        &bob_member,
        t,
        Some(role),
    )
    .await;
    let bob_profile = [("id", bob_id.clone())];
    c.call(
        Method::GET,
        "/api/v1/users/{id}/profile",
        &bob_profile,
        t,
        None,
    )
    .await;

    // Channels, direct messages and their members.
    let channel = json!({ "name": "Team Updates", "topic": "news", "members": [bob_id.parse::<i64>().unwrap()] });
    let made = c
        .call(
            Method::POST,
            "/api/v1/workspaces/{slug}/channels",
            &ws_args,
            t,
            Some(channel),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let conv = [("id", made.body["id"].to_string())];
    c.call(
        Method::GET,
        "/api/v1/workspaces/{slug}/channels",
        &ws_args,
        t,
        None,
    )
    .await;
    let dm = json!({ "user_ids": [bob_id.parse::<i64>().unwrap()] });
    c.call(
        Method::POST,
        "/api/v1/workspaces/{slug}/dms",
        &ws_args,
        t,
        Some(dm),
    )
    .await;
    c.call(
        Method::GET,
        "/api/v1/workspaces/{slug}/dms",
        &ws_args,
        t,
        None,
    )
    .await;
    c.call(Method::GET, "/api/v1/conversations/{id}", &conv, t, None)
        .await;
    let topic = json!({ "topic": "weekly news" });
    c.call(
        Method::PATCH,
        "/api/v1/conversations/{id}",
        &conv,
        t,
        Some(topic),
    )
    .await;
    c.call(
        Method::GET,
        "/api/v1/conversations/{id}/members",
        &conv,
        t,
        None,
    )
    .await;
    let bob_in = [
        ("id", made.body["id"].to_string()),
        ("user_id", bob_id.clone()),
    ];
    let manager = json!({ "role": "manager" });
    c.call(
        Method::PUT,
        "/api/v1/conversations/{id}/members/{user_id}",
        &bob_in,
        t,
        Some(manager),
    )
    .await;
    c.call(
        Method::DELETE,
        "/api/v1/conversations/{id}/members/{user_id}",
        &bob_in,
        t,
        None,
    )
    .await;
    c.call(
        Method::GET,
        "/api/v1/conversations/{id}/events",
        &conv,
        t,
        None,
    )
    .await;

    // Messages: the longest legal body in the widest characters fits the route.
    let long =
        json!({ "body": "😀".repeat(ocomms_proto::message::MAX_BODY_CHARS), "client_id": "c-1" });
    let posted = c
        .call(
            Method::POST,
            "/api/v1/conversations/{id}/messages",
            &conv,
            t,
            Some(long),
        )
        .await;
    assert_eq!(posted.status, 201);
    let message = [("id", posted.body["id"].to_string())];
    let history = c
        .call(
            Method::GET,
            "/api/v1/conversations/{id}/messages?limit=5",
            &conv,
            t,
            None,
        )
        .await;
    assert_eq!(history.status, 200);
    let edit = json!({ "body": "edited" });
    c.call(
        Method::PATCH,
        "/api/v1/messages/{id}",
        &message,
        t,
        Some(edit),
    )
    .await;
    let reaction = [
        ("id", posted.body["id"].to_string()),
        ("emoji", "%F0%9F%91%8D".to_owned()),
    ];
    let reacted = c
        .call(
            Method::PUT,
            "/api/v1/messages/{id}/reactions/{emoji}",
            &reaction,
            t,
            None,
        )
        .await;
    assert_eq!(reacted.status, 200);
    let not_an_emoji = [
        ("id", posted.body["id"].to_string()),
        ("emoji", "x".to_owned()),
    ];
    c.call(
        Method::PUT,
        "/api/v1/messages/{id}/reactions/{emoji}",
        &not_an_emoji,
        t,
        None,
    )
    .await;
    c.call(
        Method::DELETE,
        "/api/v1/messages/{id}/reactions/{emoji}",
        &reaction,
        t,
        None,
    )
    .await;
    threads_and_pins::call_thread_operations(&mut c, &conv, &posted.body["id"], &slug, t).await;
    unread::call_read_operations(&mut c, &conv, &posted.body["id"], &slug, t).await;
    notifications::call_notification_operations(&mut c, &conv, &slug, t).await;
    c.call(Method::DELETE, "/api/v1/messages/{id}", &message, t, None)
        .await;

    // The WebSocket route, asked without a handshake; then sign out.
    let not_ws = c.call(Method::GET, "/api/v1/ws", none, t, None).await;
    assert_eq!(not_ws.status, 400);
    c.call(
        Method::DELETE,
        "/api/v1/workspaces/{slug}/members/{user_id}",
        &bob_member,
        t,
        None,
    )
    .await;
    assert_eq!(
        c.call(Method::DELETE, "/api/v1/sessions/current", none, b, None)
            .await
            .status,
        204
    );

    let missing = c.uncalled();
    assert!(
        missing.is_empty(),
        "documented but never called here: {missing:?}"
    );
}
