//! Sessions against real servers: one the server revoked is said and signing in again keeps
//! the draft; sessions are kept across runs, and one that expired meanwhile is said.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_is_shown_as_expired_and_signing_in_again_keeps_the_draft() {
    let site = Site::start("Expiry").await;
    let mut client = Harness::new();
    let key = client.join(&site).await;
    client.act(Msg::DraftChanged("unsent words".into()));

    // From my other session, revoke the desktop's (say, from the web UI's session list).
    let server = site.server.as_ref().expect("running");
    let me = Client::new(&server.url()).with_token(site.my_token.clone());
    let desktop = me
        .sessions()
        .await
        .expect("sessions")
        .into_iter()
        .find(|s| !s.current)
        .expect("the desktop's session");
    me.revoke_session(desktop.id).await.expect("revoke");
    client
        .until("the expiry is shown", move |s| {
            account_on(s, key).is_some_and(|a| a.connection == Connection::SessionExpired)
                && s.server(key).is_some_and(|server| server.auth.open)
        })
        .await;

    client.act(Msg::SignIn {
        email: ME.into(),
        password: PASSWORD.into(),
    });
    let general = site.general;
    client
        .until("signed in again, online", move |s| {
            account_on(s, key).is_some_and(|a| {
                a.connection == Connection::Online && a.context.conversation == Some(general)
            })
        })
        .await;
    let server = client.state.server(key).expect("server");
    assert_eq!(server.accounts.len(), 1, "the same person, one account");
    assert_eq!(
        openchat::view::view(&client.state).draft,
        "unsent words",
        "the draft survived"
    );
}

/// Polls the kept sessions (written on the vault's thread, which sends no answer) until
/// `done` holds for the tokens kept for `url`.
async fn until_kept(
    dir: &std::path::Path,
    url: &str,
    what: &str,
    done: impl Fn(&[String]) -> bool,
) {
    let vault = Vault::file_only(dir.to_owned());
    for _ in 0..200 {
        let tokens: Vec<String> = vault
            .sessions(url)
            .expect("sessions")
            .iter()
            .filter_map(|s| vault.token(s).expect("token"))
            .collect();
        if done(&tokens) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_kept_across_runs_and_an_expired_one_is_said() {
    let site = Site::start("Kept").await;
    let data = tempfile::tempdir().expect("data dir");
    let general = site.general;

    // First run: add the server and sign in; the token is kept.
    let mut first = Harness::keeping(data.path());
    first.join(&site).await;
    until_kept(data.path(), &site.url, "the token is kept", |t| {
        t.len() == 1
    })
    .await;
    assert!(matches!(first.state.token_store, Some(TokenStore::File(_))));
    assert!(
        openchat::view::view(&first.state)
            .toolbar
            .token_store
            .contains("no keyring"),
        "the file fallback is said in the toolbar"
    );
    drop(first);

    // Second run: the remembered server comes back signed in, without a password.
    let mut second = Harness::keeping(data.path());
    let remembered = openchat::registry::load(&data.path().join("servers.txt")).expect("registry");
    for saved in remembered {
        second.act(Msg::RestoreServer(saved));
    }
    second
        .until("signed back in, online, #general loaded", move |s| {
            s.active()
                .and_then(|server| server.active())
                .is_some_and(|a| {
                    a.connection == Connection::Online
                        && a.context.conversation == Some(general)
                        && a.timelines.get(&general).is_some_and(|t| t.loaded)
                })
        })
        .await;
    assert!(!openchat::view::view(&second.state).auth.open);
    drop(second);

    // The session is revoked elsewhere (the web UI's session list) between runs.
    let server = site.server.as_ref().expect("running");
    let me = Client::new(&server.url()).with_token(site.my_token.clone());
    for session in me.sessions().await.expect("sessions") {
        if !session.current {
            me.revoke_session(session.id).await.expect("revoke");
        }
    }

    // Third run: "session expired" on the server, not a silent failure; the dead token goes.
    let mut third = Harness::keeping(data.path());
    for saved in openchat::registry::load(&data.path().join("servers.txt")).expect("registry") {
        third.act(Msg::RestoreServer(saved));
    }
    third
        .until("the expiry is said", |s| {
            s.active().is_some_and(|server| {
                server.auth.error == Some(openchat::error::AuthError::SessionExpired)
            })
        })
        .await;
    let shown = openchat::view::view(&third.state);
    assert!(
        shown.auth.open && shown.auth.email == ME,
        "{:?}",
        shown.auth
    );
    assert!(shown.rail[0].connection.starts_with("Session expired"));
    until_kept(
        data.path(),
        &site.url,
        "the dead token is deleted",
        <[String]>::is_empty,
    )
    .await;

    // Signing in again keeps the new token; signing out deletes it.
    third.act(Msg::SignIn {
        email: ME.into(),
        password: PASSWORD.into(),
    });
    third
        .until("signed in again", |s| {
            s.active()
                .and_then(|server| server.active())
                .is_some_and(|a| a.connection == Connection::Online)
        })
        .await;
    until_kept(data.path(), &site.url, "the new token is kept", |t| {
        t.len() == 1
    })
    .await;
    third.act(Msg::SignOut);
    until_kept(
        data.path(),
        &site.url,
        "signing out deletes it",
        <[String]>::is_empty,
    )
    .await;
}
