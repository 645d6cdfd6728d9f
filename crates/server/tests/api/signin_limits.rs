//! Failed sign-ins are limited per account and per address apart: one person's (or an
//! attacker's) failures behind a shared address do not lock out the others there, and
//! spreading guesses at one account over many addresses does not help.

use ocomms_proto::ErrorCode;
use ocomms_store::testing::TestDb;
use serde_json::json;

use crate::support::{PASSWORD, TestServer};

ocomms_store::backend_tests!(
    failures_at_one_account_do_not_lock_out_its_neighbours,
    guesses_at_one_account_from_many_addresses_are_limited,
);

/// Signs in from `address` (the server trusts `X-Forwarded-For` in these tests).
async fn sign_in(s: &TestServer, address: &str, email: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/v1/sessions", s.url()))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn code_of(response: reqwest::Response) -> (u16, ErrorCode) {
    let status = response.status().as_u16();
    let body: ocomms_proto::ErrorBody = response.json().await.unwrap();
    (status, body.code)
}

/// An open server behind a trusted proxy, with Ada and Bob.
async fn office(db: TestDb) -> TestServer {
    let s = TestServer::start_with(db, |config| config.trust_forwarded_for = true).await;
    s.open_server().await;
    s.sign_up("ada@example.com", "Ada").await;
    s.sign_up("bob@example.com", "Bob").await;
    s
}

async fn failures_at_one_account_do_not_lock_out_its_neighbours(db: TestDb) {
    let s = office(db).await;
    let nat = "203.0.113.7";
    for _ in 0..10 {
        let failed = sign_in(&s, nat, "ada@example.com", "a wrong guess").await;
        assert_eq!(code_of(failed).await, (401, ErrorCode::InvalidCredentials));
    }
    let limited = sign_in(&s, nat, "ada@example.com", "another guess").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(code_of(limited).await, (429, ErrorCode::RateLimited));
    // Ada's account waits, even with the right password, from anywhere.
    let right = sign_in(&s, nat, "ada@example.com", PASSWORD).await;
    assert_eq!(code_of(right).await.1, ErrorCode::RateLimited);
    // Bob, behind the same address, is not affected; successes never count.
    for _ in 0..15 {
        let bob = sign_in(&s, nat, "bob@example.com", PASSWORD).await;
        assert_eq!(bob.status(), 201);
    }
    // A typo of Bob's counts against Bob, not against the address as a whole.
    let typo = sign_in(&s, nat, "bob@example.com", "typo").await;
    assert_eq!(code_of(typo).await.1, ErrorCode::InvalidCredentials);
    assert_eq!(
        sign_in(&s, nat, "bob@example.com", PASSWORD).await.status(),
        201
    );
}

async fn guesses_at_one_account_from_many_addresses_are_limited(db: TestDb) {
    let s = office(db).await;
    for n in 0..10 {
        let address = format!("198.51.100.{n}");
        let failed = sign_in(&s, &address, "bob@example.com", "guess").await;
        assert_eq!(code_of(failed).await.1, ErrorCode::InvalidCredentials);
    }
    let fresh = sign_in(&s, "198.51.100.200", "bob@example.com", "guess").await;
    assert_eq!(code_of(fresh).await, (429, ErrorCode::RateLimited));
    // The fresh address itself is not limited: Ada signs in from it.
    let ada = sign_in(&s, "198.51.100.200", "ada@example.com", PASSWORD).await;
    assert_eq!(ada.status(), 201);
}
