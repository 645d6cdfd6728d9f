//! Sign-up, sign-in and the emailed flows answer alike whether or not an address has an
//! account (ADR 0008); the right email goes out behind the answer.

use ocomms_client::ClientError;
use ocomms_proto::ErrorCode;
use ocomms_store::testing::TestDb;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestServer, link_in, sign_up_request, token_of};

ocomms_store::backend_tests!(
    a_taken_address_signs_up_like_a_new_one_and_its_owner_is_told,
    an_unconfirmed_account_cannot_sign_in_and_its_owner_can_take_it_back,
    the_sign_up_page_answers_alike_for_taken_and_new_addresses,
    resets_and_verifications_tell_nothing_about_accounts,
    without_email_a_taken_address_is_said_plainly,
    every_bad_field_is_reported_in_one_answer,
);

/// Status and JSON body of a raw request, with the email address blanked out.
async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let mut body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if let Some(email) = body.get_mut("email") {
        *email = json!("…");
    }
    (status, body)
}

async fn post(s: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1{path}", s.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

fn sign_up_body(email: &str) -> Value {
    json!({"email": email, "password": PASSWORD, "display_name": "Someone"})
}

/// SMTP on, open sign-up, and a confirmed administrator (the first account).
async fn open_server_with_smtp(db: TestDb) -> TestServer {
    let s = TestServer::with_smtp(db).await;
    let admin = s.open_server().await;
    let mail = s
        .sink()
        .wait_for("admin@example.com", "/verify?token=")
        .await;
    admin
        .verify_email(&token_of(&link_in(&mail, "/verify?token=")))
        .await
        .unwrap();
    s
}

fn confirmations(s: &TestServer, to: &str) -> usize {
    s.sink()
        .messages()
        .iter()
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains("/verify?token="))
        .count()
}

fn code(result: Result<impl std::fmt::Debug, ClientError>) -> ErrorCode {
    match result {
        Err(e) => e.code().unwrap_or_else(|| panic!("no error code in {e}")),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

async fn a_taken_address_signs_up_like_a_new_one_and_its_owner_is_told(db: TestDb) {
    let s = open_server_with_smtp(db).await;
    let taken = post(&s, "/accounts", sign_up_body("Admin@Example.com")).await;
    let new = post(&s, "/accounts", sign_up_body("new@example.com")).await;
    assert_eq!(taken, new, "same status and body");
    assert_eq!(
        new,
        (202, json!({"email": "…"})),
        "no session, nothing else"
    );

    let mail = s.sink().wait_for("new@example.com", "/verify?token=").await;
    assert!(mail.contains("Confirm your email address"), "{mail}");
    let notice = s
        .sink()
        .wait_for("admin@example.com", "Someone tried to sign up")
        .await;
    assert!(notice.contains("/signin"), "{notice}");
    assert!(notice.contains("/reset/confirm?token="), "{notice}");
    assert_eq!(
        s.sink()
            .messages()
            .iter()
            .filter(|m| m.contains("To: admin@example.com"))
            .count(),
        2,
        "the owner got their own confirmation and one notice, no verification link for the attempt"
    );
    // The owner's account is untouched: same password, still an administrator.
    let mut admin = s.client();
    admin.sign_in("admin@example.com", PASSWORD).await.unwrap();
    assert!(admin.me().await.unwrap().is_instance_admin);

    // The new account is usable once its link is opened.
    let token = token_of(&link_in(&mail, "/verify?token="));
    s.client().verify_email(&token).await.unwrap();
    let mut new = s.client();
    new.sign_in("new@example.com", PASSWORD).await.unwrap();
    assert!(new.me().await.unwrap().email_verified);
    new.create_workspace("Mine").await.unwrap();
}

async fn an_unconfirmed_account_cannot_sign_in_and_its_owner_can_take_it_back(db: TestDb) {
    let s = open_server_with_smtp(db).await;
    // Someone signs up with Eve's address, which Eve never confirms.
    let mut squatter = s.client();
    let pending = squatter
        .sign_up(&sign_up_request("eve@example.com", "Not Eve"))
        .await
        .unwrap();
    assert!(pending.session().is_none());
    s.sink().wait_for("eve@example.com", "/verify?token=").await;
    // Signing in now would tell that the sign-up made a new account: it answers like a
    // wrong password for an unknown address does.
    let unconfirmed = squatter
        .sign_in("eve@example.com", PASSWORD)
        .await
        .unwrap_err();
    let unknown = s
        .client()
        .sign_in("nobody@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(unconfirmed.code(), Some(ErrorCode::InvalidCredentials));
    assert_eq!(unconfirmed.to_string(), unknown.to_string());
    // Only the mailbox hears of it: a fresh confirmation link (so an account made before the
    // server had SMTP can get in).
    for _ in 0..100 {
        if confirmations(&s, "eve@example.com") == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(confirmations(&s, "eve@example.com"), 2);

    // Eve signs up herself: the address is taken, so she is told how to get in.
    let mut eve = s.client();
    eve.sign_up(&sign_up_request("eve@example.com", "Eve"))
        .await
        .unwrap();
    let notice = s
        .sink()
        .wait_for("eve@example.com", "Someone tried to sign up")
        .await;
    let reset = token_of(&link_in(&notice, "/reset/confirm?token="));
    s.client()
        .reset_password(&reset, "eve's own passphrase")
        .await
        .unwrap();
    assert_eq!(
        code(squatter.sign_in("eve@example.com", PASSWORD).await),
        ErrorCode::InvalidCredentials
    );
    eve.sign_in("eve@example.com", "eve's own passphrase")
        .await
        .unwrap();
    assert!(
        eve.me().await.unwrap().email_verified,
        "the reset confirmed it"
    );
}

async fn the_sign_up_page_answers_alike_for_taken_and_new_addresses(db: TestDb) {
    let s = open_server_with_smtp(db).await;
    let http = reqwest::Client::new();
    let mut pages = Vec::new();
    for email in ["admin@example.com", "fresh@example.com"] {
        let form = [
            ("email", email),
            ("display_name", "Someone"),
            ("password", PASSWORD),
        ];
        let response = http
            .post(format!("{}/signup", s.url()))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(
            response.headers().get("set-cookie").is_none(),
            "not signed in"
        );
        let status = response.status().as_u16();
        let html = response.text().await.unwrap().replace(email, "…");
        pages.push((status, html));
    }
    assert_eq!(pages[0], pages[1], "same page either way");
    assert_eq!(pages[0].0, 200);
    assert!(pages[0].1.contains("Check your email"), "{}", pages[0].1);
    s.sink()
        .wait_for("fresh@example.com", "/verify?token=")
        .await;
    s.sink()
        .wait_for("admin@example.com", "Someone tried to sign up")
        .await;
}

async fn resets_and_verifications_tell_nothing_about_accounts(db: TestDb) {
    let s = open_server_with_smtp(db).await;
    let known = post(
        &s,
        "/password-resets",
        json!({"email": "admin@example.com"}),
    )
    .await;
    let unknown = post(
        &s,
        "/password-resets",
        json!({"email": "nobody@example.com"}),
    )
    .await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, 202);
    let bogus = post(&s, "/email-verifications", json!({"token": "not-a-token"})).await;
    assert_eq!(bogus.0, 410);
    // Repeated requests are limited per address asked about, known or not, alike.
    let mut answers = Vec::new();
    for email in ["admin@example.com", "nobody@example.com"] {
        for _ in 0..3 {
            answers.push(
                post(&s, "/password-resets", json!({ "email": email }))
                    .await
                    .0,
            );
        }
    }
    assert_eq!(answers, [202, 202, 429, 202, 202, 429]);
    s.sink()
        .wait_for("admin@example.com", "/reset/confirm?token=")
        .await;
    assert!(
        !s.sink()
            .messages()
            .iter()
            .any(|m| m.contains("To: nobody@example.com")),
        "no mail to addresses without an account"
    );
}

async fn without_email_a_taken_address_is_said_plainly(db: TestDb) {
    // No SMTP: sign-up signs in at once, so a taken address cannot be hidden (ADR 0008).
    let s = TestServer::start(db).await;
    s.open_server().await;
    let taken = post(&s, "/accounts", sign_up_body("admin@example.com")).await;
    assert_eq!(taken.0, 409);
    assert_eq!(taken.1["code"], "email_taken");
    let new = post(&s, "/accounts", sign_up_body("new@example.com")).await;
    assert_eq!(new.0, 201);
    assert!(new.1["token"].is_string());
}

async fn every_bad_field_is_reported_in_one_answer(db: TestDb) {
    let s = TestServer::start(db).await;
    s.open_server().await;
    let body = json!({"email": "not-an-address", "password": "short", "display_name": "  "});
    let (status, answer) = post(&s, "/accounts", body).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (422, Some("validation_failed"))
    );
    let fields: Vec<_> = answer["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["message"].is_string()))
        .collect();
    assert_eq!(
        fields,
        [("email", true), ("display_name", true), ("password", true)]
    );
    assert_eq!(
        answer["details"]["field"], "email",
        "the first one, as before"
    );
    assert_eq!(answer["message"], answer["details"]["fields"][0]["message"]);
}
