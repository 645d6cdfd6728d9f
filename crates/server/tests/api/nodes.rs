//! Two server nodes on one database, told of each other's events through Redis. The feeds'
//! polling safety net is slowed to a minute here, so only Redis can deliver in time.

use std::collections::BTreeMap;
use std::time::Duration;

use ocomms_client::{Client, Update};
use ocomms_proto::event::EventPayload;
use ocomms_server::config::ServeConfig;
use ocomms_server::server;
use ocomms_store::testing::TestDb;

use crate::support::{PASSWORD, Redis, signed_up};

ocomms_store::backend_tests!(
    nodes_share_events_through_redis_and_heal_after_it_returns,
    a_change_on_one_node_reaches_sessions_cached_by_the_other
);

async fn node(db: &TestDb, redis: &Redis) -> server::RunningServer {
    let mut config = ServeConfig::for_database(&db.url);
    config.redis_url = Some(redis.url());
    config.realtime_poll = Duration::from_secs(60);
    server::start(config).await.expect("node starts")
}

async fn next_message(session: &mut ocomms_client::Realtime) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(15), session.next()).await {
            Ok(Some(Update::Event(e))) => {
                if let EventPayload::MessagePosted { message, .. } = e.payload {
                    return message.body;
                }
            }
            Ok(Some(_)) => {}
            other => panic!("no message: {other:?}"),
        }
    }
}

async fn nodes_share_events_through_redis_and_heal_after_it_returns(db: TestDb) {
    let mut redis = Redis::start();
    let one = node(&db, &redis).await;
    let two = node(&db, &redis).await;
    let ada = signed_up(&one.url(), "ada@example.com", "Ada").await;
    let slug = ada.create_workspace("Acme").await.unwrap().slug;
    let general = ada.channels(&slug, &Default::default()).await.unwrap()[0].id;
    // Ada listens on node one and writes through node two.
    let mut listening = ada.realtime(BTreeMap::new());
    loop {
        if let Some(Update::Ready { .. }) = listening.next().await {
            break;
        }
    }
    let mut writer = Client::new(&two.url());
    writer.sign_in("ada@example.com", PASSWORD).await.unwrap();
    // Give node one's subscriber a moment to be connected to Redis.
    tokio::time::sleep(Duration::from_millis(300)).await;
    writer
        .post_message(general, "via node two", None)
        .await
        .unwrap();
    assert_eq!(next_message(&mut listening).await, "via node two");

    // Redis goes away: posting still works, delivery to the other node waits...
    redis.stop();
    for i in 0..3 {
        writer
            .post_message(general, &format!("while redis was down {i}"), None)
            .await
            .unwrap();
    }
    // ...and heals when Redis returns: everything, once, in order.
    redis.resume();
    for i in 0..3 {
        assert_eq!(
            next_message(&mut listening).await,
            format!("while redis was down {i}")
        );
    }
    writer
        .post_message(general, "and live again", None)
        .await
        .unwrap();
    assert_eq!(next_message(&mut listening).await, "and live again");
}

/// Each node keeps recently used sessions in memory (ADR 0006): a revocation or a profile
/// change made through one node must be seen by the other at once, not after the cache's
/// 30 s.
async fn a_change_on_one_node_reaches_sessions_cached_by_the_other(db: TestDb) {
    let redis = Redis::start();
    let one = node(&db, &redis).await;
    let two = node(&db, &redis).await;
    let ada = signed_up(&one.url(), "ada@example.com", "Ada").await;
    let mut elsewhere = Client::new(&two.url());
    elsewhere
        .sign_in("ada@example.com", PASSWORD)
        .await
        .unwrap();
    // Node two now holds this session (and the one of `ada`'s token, used below).
    assert_eq!(elsewhere.me().await.unwrap().profile.display_name, "Ada");
    let ada_on_two = Client::new(&two.url()).with_token(ada.token().unwrap());
    assert_eq!(ada_on_two.me().await.unwrap().profile.display_name, "Ada");
    tokio::time::sleep(Duration::from_millis(300)).await;

    ada.update_profile(&ocomms_proto::account::ProfileUpdate {
        display_name: Some("Ada L.".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let read_name = || async { ada_on_two.me().await.unwrap().profile.display_name };
    let renamed = wait_until(read_name, "Ada L.").await;
    assert!(renamed, "node two still answers with the old profile");

    let session = ada
        .sessions()
        .await
        .unwrap()
        .into_iter()
        .find(|s| !s.current)
        .unwrap()
        .id;
    ada.revoke_session(session).await.unwrap();
    let mut refused = false;
    for _ in 0..50 {
        if elsewhere.me().await.err().and_then(|e| e.status()) == Some(401) {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        refused,
        "node two still accepts a session revoked on node one"
    );
}

/// Polls `read` for up to 5 s until it answers `expected`.
async fn wait_until<F, Fut>(read: F, expected: &str) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    for _ in 0..50 {
        if read().await == expected {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
