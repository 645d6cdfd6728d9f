//! Signing up through the app (the form's "Create account", `Msg::SignUp`) against a real
//! server: the account is made there, signed in here, and its session kept; an address
//! already taken is said in the form.

use ocomms_client::Client;
use ocomms_server::config::ServeConfig;
use ocomms_server::server;
use ocomms_store::testing::TestDb;
use openchat::state::Connection;
use openchat::view::view;
use openchat::{Msg, State};

use super::account_on;
use super::harness::Harness;
use super::site::PASSWORD;

fn sign_up(email: &str) -> Msg {
    Msg::SignUp {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: "Newt".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_in_the_app_makes_the_account_and_signs_it_in() {
    let db = TestDb::sqlite().await;
    let server = server::start(ServeConfig::for_database(&db.url))
        .await
        .expect("server starts");
    let url = server.url();
    let data = tempfile::tempdir().expect("data dir");
    let mut client = Harness::keeping(data.path());
    client.act(Msg::AddServer(url.clone()));
    let wanted = url.clone();
    client
        .until("the probe added the server", move |s| {
            s.active().is_some_and(|server| server.url == wanted)
        })
        .await;
    let key = client.state.active_server.expect("active server");
    let auth = view(&client.state).auth;
    assert!(auth.open && auth.open_signup, "{auth:?}");

    client.act(sign_up("newt@example.com"));
    client
        .until("signed up, signed in and online", move |s: &State| {
            account_on(s, key).is_some_and(|a| a.connection == Connection::Online)
        })
        .await;
    let account = account_on(&client.state, key).expect("account");
    assert_eq!(account.email, "newt@example.com");
    assert_eq!(account.user.profile.display_name, "Newt");
    assert!(!view(&client.state).auth.open, "the form closed");

    // The server has the account: the same address and password sign in with the SDK.
    let mut sdk = Client::new(&url);
    let token = sdk
        .sign_in("newt@example.com", PASSWORD)
        .await
        .expect("the account exists on the server");
    assert_eq!(token.user.id, account.user.id);
    // And the session was kept for the next run (the vault writes on its own thread).
    let accounts = data.path().join("accounts.txt");
    let mut kept = String::new();
    for _ in 0..100 {
        kept = std::fs::read_to_string(&accounts).unwrap_or_default();
        if kept.contains("newt@example.com") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(kept.contains("newt@example.com"), "{kept:?}");

    // Another account with the same address: the server refuses, the form says why.
    client.act(Msg::OpenSignIn);
    client.act(sign_up("newt@example.com"));
    client
        .until("the refusal is in the form", move |s: &State| {
            s.server(key)
                .is_some_and(|server| !server.auth.busy && server.auth.error.is_some())
        })
        .await;
    let auth = view(&client.state).auth;
    assert!(auth.open && !auth.error.is_empty(), "{auth:?}");
    assert_eq!(client.state.server(key).map(|s| s.accounts.len()), Some(1));
    server.stop().await.expect("server stops");
}
