//! The offline cache end to end (docs/adr/0021): a remembered server opens with its last
//! known channels and timeline while it is down, and signs back in when it returns.

use openchat::state::Connection;
use openchat::{Msg, State};

use super::harness::until_cached;
use super::{Harness, Site, has};

fn shown_from_cache(state: &State, body: &str) -> bool {
    state.active().and_then(|s| s.active()).is_some_and(|a| {
        a.cached
            && a.context.conversation.is_some_and(|c| {
                a.timelines
                    .get(&c)
                    .is_some_and(|t| t.messages().iter().any(|m| m.body == body))
            })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remembered_server_opens_from_the_cache_while_it_is_down() {
    let mut site = Site::start("Cached").await;
    let general = site.general;

    let (data, mut first, key) = Harness::keeping_joined(&site).await;
    site.peer()
        .post_message(general, "kept for the train", None)
        .await
        .expect("post");
    first
        .until("the message arrived", move |s| {
            has(s, key, general, "kept for the train")
        })
        .await;
    until_cached(data.path(), &site.url, "the message", |m| {
        m.body == "kept for the train"
    })
    .await;
    drop(first);
    site.stop().await;

    // The server is down: the window still opens on #general with what it held.
    let mut second = Harness::keeping(data.path());
    for saved in openchat::registry::load(&data.path().join("servers.txt")).expect("registry") {
        second.act(Msg::RestoreServer(saved));
    }
    second
        .until("#general shown from the cache", |s| {
            shown_from_cache(s, "kept for the train")
        })
        .await;
    let shown = openchat::view::view(&second.state);
    assert_eq!(shown.toolbar.title, "# general");
    assert_eq!(shown.toolbar.connection, "Offline");
    assert!(
        !shown.add_server.open,
        "no error dialog over what can be read"
    );
    assert!(shown.rows.iter().any(|r| r.body == "kept for the train"));

    // Back up: asked again a little later, signed back in with the kept session.
    site.restart().await;
    second
        .until("signed back in once the server is back", move |s| {
            s.active()
                .and_then(|server| server.active())
                .is_some_and(|a| {
                    !a.cached
                        && a.connection == Connection::Online
                        && a.timelines.get(&general).is_some_and(|t| t.loaded)
                })
        })
        .await;
}
