//! The load generator's scenarios, run for a second or two as a correctness check — not a
//! timing one: against a real server on each backend, no event may be lost, doubled,
//! reordered or delivered to someone outside the channel. `.ci/run` checks these ran.

use std::sync::Arc;
use std::time::Duration;

use ocomms_loadgen::scenario::search::{self, fill::Layout};
use ocomms_loadgen::scenario::{fanout, idle, ingest, reconnect, threads};
use ocomms_loadgen::{Connector, ServerProcess};
use ocomms_server::config::ServeConfig;
use ocomms_server::server::{self, RunningServer};
use ocomms_store::testing::TestDb;

use crate::support::Redis;

ocomms_store::backend_tests!(
    loadgen_fanout_delivers_every_message_once_to_members_only,
    loadgen_fanout_with_channel_mentions_delivers_every_message_once,
    loadgen_fanout_reactions_reach_every_member_once,
    loadgen_reconnect_storm_misses_nothing,
    loadgen_ingest_idle_and_threads_run,
    loadgen_nodes_fanout_across_two_nodes_misses_nothing,
    loadgen_search_fills_once_and_finds_only_what_the_searcher_reads,
);

/// A server as the load generator expects one: sign-up not rate limited.
async fn load_server(db: &TestDb, redis: Option<&Redis>) -> RunningServer {
    let mut config = ServeConfig::for_database(&db.url);
    config.auth_rate_limits = false;
    if let Some(redis) = redis {
        config.redis_url = Some(redis.url());
        // Only Redis can deliver across nodes in time.
        config.realtime_poll = Duration::from_secs(60);
    }
    server::start(config).await.expect("server starts")
}

/// This test process: server and load generator share it here.
fn this_process() -> ServerProcess {
    ServerProcess {
        pid: std::process::id(),
    }
}

fn small_fanout() -> fanout::FanoutOptions {
    fanout::FanoutOptions {
        // Members overlap partly: some users are outside some channels, and must get nothing.
        channels: 3,
        members: 5,
        users: 8,
        connections: 12,
        rate: 150.0,
        seconds: 1.5,
        drain_seconds: 20.0,
        max_in_flight: 64,
        react: false,
        mention: None,
    }
}

async fn loadgen_fanout_delivers_every_message_once_to_members_only(db: TestDb) {
    let server = load_server(&db, None).await;
    // Two source addresses: the binding path that goes past one address's ports.
    let connector = Arc::new(Connector::new(&[server.url()], 2).await.unwrap());
    let report = fanout::run(connector, &small_fanout(), Some(this_process()))
        .await
        .unwrap();
    assert!(report.is_correct(), "{report}");
    assert!(report.expected_deliveries > 0);
    assert_eq!(report.deliveries, report.expected_deliveries, "{report}");
    assert_eq!(report.acknowledged, report.sent);
}

async fn loadgen_fanout_with_channel_mentions_delivers_every_message_once(db: TestDb) {
    let server = load_server(&db, None).await;
    let connector = Arc::new(Connector::new(&[server.url()], 1).await.unwrap());
    let options = fanout::FanoutOptions {
        mention: Some("@channel".into()),
        ..small_fanout()
    };
    let report = fanout::run(connector, &options, Some(this_process()))
        .await
        .unwrap();
    assert!(report.is_correct(), "{report}");
    assert_eq!(report.deliveries, report.expected_deliveries, "{report}");
}

async fn loadgen_fanout_reactions_reach_every_member_once(db: TestDb) {
    let server = load_server(&db, None).await;
    let connector = Arc::new(Connector::new(&[server.url()], 1).await.unwrap());
    let options = fanout::FanoutOptions {
        react: true,
        ..small_fanout()
    };
    let report = fanout::run(connector, &options, Some(this_process()))
        .await
        .unwrap();
    assert_eq!(report.kind, "reaction");
    assert!(report.is_correct(), "{report}");
    assert!(report.expected_deliveries > 0);
    assert_eq!(report.deliveries, report.expected_deliveries, "{report}");
}

async fn loadgen_reconnect_storm_misses_nothing(db: TestDb) {
    let server = load_server(&db, None).await;
    let connector = Arc::new(Connector::new(&[server.url()], 1).await.unwrap());
    let options = reconnect::ReconnectOptions {
        users: 4,
        connections: 40,
        missed: 25,
        timeout_seconds: 30.0,
        hold_seconds: 0.0,
    };
    let report = reconnect::run(connector, &options, Some(this_process()))
        .await
        .unwrap();
    assert!(report.is_correct(), "{report}");
    assert_eq!(report.caught_up, 40, "{report}");
}

async fn loadgen_ingest_idle_and_threads_run(db: TestDb) {
    let server = load_server(&db, None).await;
    let connector = Arc::new(Connector::new(&[server.url()], 1).await.unwrap());
    for over in [ingest::Over::Socket, ingest::Over::Rest] {
        let options = ingest::IngestOptions {
            senders: 4,
            seconds: 1.0,
            over,
        };
        let report = ingest::run(connector.clone(), &options, None)
            .await
            .unwrap();
        assert!(report.acknowledged > 0 && report.failed == 0, "{report}");
    }

    // 35 sockets a user: more than one session may hold, so each user signs in twice.
    let options = idle::IdleOptions {
        connections: 70,
        users: 2,
        hold_seconds: 0.2,
        large_message: true,
    };
    let report = idle::run(connector.clone(), &options, this_process())
        .await
        .unwrap();
    assert_eq!(report.connections, 70, "{report}");
    // The longest message reached every connection (what memory it leaves is measured on a
    // server of its own, docs/benchmarks.md: this one shares the test's process).
    let large = report.large_message.as_ref().expect("measured");
    assert_eq!(large.delivered, 70, "{report}");

    // All threads for someone following 30 threads (the scenario checks the first page).
    let options = threads::ThreadsOptions {
        threads: 30,
        requests: 5,
        limit: 20,
    };
    let report = threads::run(connector, &options, None).await.unwrap();
    assert_eq!(report.requests, 5, "{report}");
}

async fn loadgen_search_fills_once_and_finds_only_what_the_searcher_reads(db: TestDb) {
    let server = load_server(&db, None).await;
    let connector = Arc::new(Connector::new(&[server.url()], 1).await.unwrap());
    // The searcher is in 3 of 12 channels; the scenario fails if an answer holds anything
    // from the other 9, or if a phrase taken from a message does not find it.
    let options = search::SearchOptions {
        database_url: db.url.clone(),
        layout: Layout {
            messages: 3_000,
            users: 40,
            channels: 12,
            members_per_channel: 8,
            searcher_channels: 3,
            years: 1,
            seed: 1,
        },
        requests: 12,
    };
    let report = search::run(connector.clone(), &options, None)
        .await
        .unwrap();
    assert!(report.filled.is_some(), "{report}");
    assert!(report.single_word_found > 0, "{report}");
    assert!(report.index_bytes > 0 && report.database_bytes > report.index_bytes);
    // A second run searches what the first one wrote.
    let again = search::run(connector, &options, None).await.unwrap();
    assert!(again.filled.is_none(), "{again}");
}

async fn loadgen_nodes_fanout_across_two_nodes_misses_nothing(db: TestDb) {
    let redis = Redis::start();
    let first = load_server(&db, Some(&redis)).await;
    let second = load_server(&db, Some(&redis)).await;
    let connector = Arc::new(
        Connector::new(&[first.url(), second.url()], 1)
            .await
            .unwrap(),
    );
    let report = fanout::run(connector, &small_fanout(), None).await.unwrap();
    assert_eq!(report.nodes, 2);
    assert!(report.is_correct(), "{report}");
    assert_eq!(report.deliveries, report.expected_deliveries, "{report}");
}
