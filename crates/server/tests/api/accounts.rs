//! Sign-up, sign-in, sessions, email verification and password reset.

use ocomms_client::ClientError;
use ocomms_proto::ErrorCode;
use ocomms_proto::account::SignUpRequest;
use ocomms_store::testing::TestDb;

use crate::support::{PASSWORD, TestServer, link_in, token_of};

ocomms_store::backend_tests!(
    first_account_administers_and_later_ones_need_an_invitation,
    bad_sign_ups_are_refused_and_write_nothing,
    wrong_passwords_look_alike_and_are_rate_limited,
    sessions_are_listed_and_revocable,
    email_is_verified_and_passwords_reset_over_smtp,
);

fn code(result: Result<impl std::fmt::Debug, ClientError>) -> ErrorCode {
    match result {
        Err(e) => e.code().unwrap_or_else(|| panic!("no error code in {e}")),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

fn request(email: &str, password: &str) -> SignUpRequest {
    SignUpRequest {
        email: email.into(),
        password: password.into(),
        display_name: "Someone".into(),
        invitation_token: None,
    }
}

async fn first_account_administers_and_later_ones_need_an_invitation(db: TestDb) {
    let s = TestServer::start(db).await;
    assert!(s.client().instance().await.unwrap().needs_setup);
    let admin = s.sign_up("Ada@Example.com", "Ada").await;
    let me = admin.me().await.unwrap();
    assert!(me.is_instance_admin);
    assert_eq!(me.email, "ada@example.com", "emails are normalised");
    assert!(!s.client().instance().await.unwrap().needs_setup);

    let mut bob = s.client();
    assert_eq!(
        code(bob.sign_up(&request("bob@example.com", PASSWORD)).await),
        ErrorCode::SignupClosed
    );
    // A member cannot open sign-up; the administrator can.
    let update = ocomms_proto::instance::InstanceSettingsUpdate {
        open_signup: Some(true),
    };
    admin.update_instance(&update).await.unwrap();
    bob.sign_up(&request("bob@example.com", PASSWORD))
        .await
        .unwrap();
    assert!(!bob.me().await.unwrap().is_instance_admin);
    assert_eq!(
        code(bob.update_instance(&update).await),
        ErrorCode::Forbidden
    );
}

async fn bad_sign_ups_are_refused_and_write_nothing(db: TestDb) {
    let s = TestServer::start(db).await;
    s.open_server().await;
    let mut c = s.client();
    assert_eq!(
        code(c.sign_up(&request("admin@example.com", PASSWORD)).await),
        ErrorCode::EmailTaken
    );
    assert_eq!(
        code(c.sign_up(&request("x@example.com", "password123")).await),
        ErrorCode::ValidationFailed
    );
    assert_eq!(
        code(c.sign_up(&request("not-an-email", PASSWORD)).await),
        ErrorCode::ValidationFailed
    );
    let mut empty_name = request("y@example.com", PASSWORD);
    empty_name.display_name = "  ".into();
    assert_eq!(
        code(c.sign_up(&empty_name).await),
        ErrorCode::ValidationFailed
    );
    assert_eq!(
        s.db.store.count_users().await.unwrap(),
        1,
        "no half-written accounts"
    );

    // Malformed JSON gets a 400 with a machine-readable code, not a 500.
    let http = reqwest::Client::new();
    let response = http
        .post(format!("{}/api/v1/accounts", s.url()))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: ocomms_proto::ErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::MalformedRequest);
    let unknown = http
        .get(format!("{}/api/v1/nothing-here", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

async fn wrong_passwords_look_alike_and_are_rate_limited(db: TestDb) {
    let s = TestServer::start(db).await;
    s.sign_up("ada@example.com", "Ada").await;
    let mut c = s.client();
    let wrong = c
        .sign_in("ada@example.com", "not the password")
        .await
        .unwrap_err();
    let unknown = c
        .sign_in("nobody@example.com", "not the password")
        .await
        .unwrap_err();
    assert_eq!(
        (wrong.code(), wrong.status()),
        (Some(ErrorCode::InvalidCredentials), Some(401))
    );
    assert_eq!(
        (unknown.code(), unknown.status()),
        (wrong.code(), wrong.status())
    );
    assert_eq!(
        wrong.to_string(),
        unknown.to_string(),
        "same message either way"
    );
    let mut limited = None;
    for _ in 0..12 {
        if let Err(e) = c.sign_in("ada@example.com", "guess").await
            && e.code() == Some(ErrorCode::RateLimited)
        {
            limited = Some(e);
            break;
        }
    }
    let limited = limited.expect("the account is rate limited after repeated failures");
    assert_eq!(limited.status(), Some(429));
}

async fn sessions_are_listed_and_revocable(db: TestDb) {
    let s = TestServer::start(db).await;
    let first = s.sign_up("ada@example.com", "Ada").await;
    let mut second = s.client();
    second.sign_in("ada@example.com", PASSWORD).await.unwrap();
    let mut third = s.client();
    third.sign_in("ada@example.com", PASSWORD).await.unwrap();
    let sessions = first.sessions().await.unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);

    let third_id = third
        .sessions()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.current)
        .unwrap()
        .id;
    first.revoke_session(third_id).await.unwrap();
    assert_eq!(code(third.me().await), ErrorCode::Unauthenticated);

    // Changing the password signs out every other session.
    first
        .change_password(PASSWORD, "a brand new passphrase")
        .await
        .unwrap();
    assert_eq!(code(second.me().await), ErrorCode::Unauthenticated);
    assert_eq!(
        code(first.change_password("wrong", "another passphrase").await),
        ErrorCode::InvalidCredentials
    );
    let mut again = s.client();
    assert!(again.sign_in("ada@example.com", PASSWORD).await.is_err());
    again
        .sign_in("ada@example.com", "a brand new passphrase")
        .await
        .unwrap();
    again.sign_out().await.unwrap();
    let stale = first.clone().with_token("not-a-real-token");
    assert_eq!(code(stale.me().await), ErrorCode::Unauthenticated);
}

async fn email_is_verified_and_passwords_reset_over_smtp(db: TestDb) {
    let s = TestServer::with_smtp(db).await;
    assert!(
        s.client()
            .instance()
            .await
            .unwrap()
            .email_verification_required
    );
    let ada = s.sign_up("ada@example.com", "Ada").await;
    assert!(!ada.me().await.unwrap().email_verified);
    assert_eq!(
        code(ada.create_workspace("Acme").await),
        ErrorCode::EmailNotVerified
    );

    let mail = s.sink().wait_for("ada@example.com", "/verify?token=").await;
    let token = token_of(&link_in(&mail, "/verify?token="));
    s.client().verify_email(&token).await.unwrap();
    assert!(ada.me().await.unwrap().email_verified);
    assert_eq!(
        code(s.client().verify_email(&token).await),
        ErrorCode::TokenInvalid,
        "single use"
    );
    ada.create_workspace("Acme").await.unwrap();

    // Unknown addresses get the same answer and no email.
    s.client()
        .request_password_reset("nobody@example.com")
        .await
        .unwrap();
    s.client()
        .request_password_reset("ada@example.com")
        .await
        .unwrap();
    let mail = s
        .sink()
        .wait_for("ada@example.com", "/reset/confirm?token=")
        .await;
    assert!(
        !s.sink()
            .messages()
            .iter()
            .any(|m| m.contains("To: nobody@example.com"))
    );
    let token = token_of(&link_in(&mail, "/reset/confirm?token="));
    assert_eq!(
        code(s.client().reset_password(&token, "short").await),
        ErrorCode::ValidationFailed
    );
    s.client()
        .reset_password(&token, "a reset passphrase here")
        .await
        .unwrap();
    assert_eq!(
        code(ada.me().await),
        ErrorCode::Unauthenticated,
        "reset signs out everywhere"
    );
    assert_eq!(
        code(
            s.client()
                .reset_password(&token, "another one entirely")
                .await
        ),
        ErrorCode::TokenInvalid
    );
    let mut c = s.client();
    c.sign_in("ada@example.com", "a reset passphrase here")
        .await
        .unwrap();
}
