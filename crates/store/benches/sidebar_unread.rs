//! The sidebar's unread counts for someone in 1,000 conversations (issue 15's target: p95 ≤
//! 5 ms): `Store::read_states`, timed 1,000 times on SQLite and, when
//! `OCOMMS_TEST_DATABASE_URL` is set, PostgreSQL. Prints p50/p95/p99.
//!
//! Data: one workspace; Ada and Ben are in 1,000 channels; Ben has posted 20 messages in each
//! of 100 of them, so Ada has 2,000 unread messages spread over 100 channels (the other 900
//! are read).
//!
//! `cargo bench -p ocomms-store --bench sidebar_unread`

use std::time::Instant;

use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::message::Mentions;
use ocomms_store::testing::TestDb;
use ocomms_store::{MentionRecord, NewConversation, NewMessage, Store};

const CHANNELS: usize = 1_000;
const BUSY: usize = 100;
const UNREAD_EACH: usize = 20;
const RUNS: usize = 1_000;

mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sqlite = TestDb::sqlite().await;
    measure("SQLite", &sqlite.store, None).await;
    if let Some(postgres) = TestDb::postgres().await {
        measure("PostgreSQL", &postgres.store, Some(&postgres.url)).await;
    }
}

/// `analyze`: the PostgreSQL database to gather statistics in after seeding.
async fn measure(backend: &str, store: &Store, analyze: Option<&str>) {
    let (ada, ben, workspace) = common::ada_and_ben(store).await;
    let seeding = Instant::now();
    let mut channels = Vec::with_capacity(CHANNELS);
    for i in 0..CHANNELS {
        let channel = store
            .create_conversation(&NewConversation {
                workspace_id: workspace.id,
                kind: ConversationKind::Public,
                name: Some(format!("channel-{i}")),
                topic: String::new(),
                description: String::new(),
                direct_key: None,
                created_by: ada,
                members: vec![
                    (ada, ConversationRole::Manager),
                    (ben, ConversationRole::Member),
                ],
                now: 2,
            })
            .await
            .expect("channel");
        channels.push(channel.id);
    }
    for (k, channel) in channels.iter().take(BUSY).enumerate() {
        let posts: Vec<NewMessage> = (0..UNREAD_EACH)
            .map(|i| NewMessage {
                conversation_id: *channel,
                author_id: ben,
                client_id: None,
                body: format!("news {i}"),
                html: format!("<p>news {i}</p>"),
                thread_root_id: None,
                also_in_channel: false,
                // Every 10th busy channel names Ada once, every 20th has an @channel.
                mentions: match (k % 10, k % 20, i) {
                    (0, _, 3) => MentionRecord {
                        shown: Mentions {
                            users: vec![ada],
                            ..Mentions::default()
                        },
                        counted_for: vec![ada],
                    },
                    (_, 5, 7) => MentionRecord {
                        shown: Mentions {
                            channel: true,
                            ..Mentions::default()
                        },
                        counted_for: Vec::new(),
                    },
                    _ => MentionRecord::default(),
                },
                now: 10,
            })
            .collect();
        store.post_messages(&posts).await.expect("posts");
    }
    let seeded = seeding.elapsed();

    let mut times = Vec::with_capacity(RUNS);
    // PostgreSQL's autovacuum analyzes a table once enough of it changed; seeded and measured
    // within seconds, the tables would be planned without statistics (it guessed 6
    // memberships for 1,001, and sorted both sides for a merge join), which a running server
    // does not see for long.
    if let Some(url) = analyze {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        sqlx::query("ANALYZE")
            .execute(&pool)
            .await
            .expect("analyze");
        pool.close().await;
    }
    for _ in 0..RUNS {
        let started = Instant::now();
        let states = store
            .read_states(ada, workspace.id)
            .await
            .expect("read states");
        times.push(started.elapsed());
        let unread: i64 = states.iter().map(|s| s.unread).sum();
        assert_eq!(unread, (BUSY * UNREAD_EACH) as i64);
        let mentions: i64 = states.iter().map(|s| s.mentions).sum();
        assert_eq!(mentions, (BUSY / 10 + BUSY / 20) as i64);
    }
    println!(
        "{backend}: sidebar unread counts for a user in {} conversations ({BUSY} with \
         {UNREAD_EACH} unread, 15 of them mentioning the reader; seeded in {:.1} s), {RUNS} runs: {}",
        CHANNELS + 1,
        seeded.as_secs_f64(),
        common::percentiles(&mut times),
    );
}
