//! All threads for someone who follows 1,000 threads: the store's query (with the page's
//! reactions, participants and latest replies), timed 1,000 times on SQLite and, when
//! `OCOMMS_TEST_DATABASE_URL` is set, PostgreSQL. Prints p50/p95/p99.
//!
//! Data: one workspace; Ada posts 1,000 messages in #general and Ben replies once to each
//! (posted in groups of 50, as the group commit would), so Ada follows 1,000 threads, all
//! unread. A page asks for the newest 20.
//!
//! `cargo bench -p ocomms-store --bench all_threads`

use std::time::Instant;

use ocomms_store::testing::TestDb;
use ocomms_store::{NewMessage, Store};

const THREADS: usize = 1_000;
const RUNS: usize = 1_000;
const PAGE: i64 = 20;

mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sqlite = TestDb::sqlite().await;
    measure("SQLite", &sqlite.store).await;
    if let Some(postgres) = TestDb::postgres().await {
        measure("PostgreSQL", &postgres.store).await;
    }
}

async fn measure(backend: &str, store: &Store) {
    let (ada, ben, workspace) = common::ada_and_ben(store).await;
    let general = store
        .conversations_for(workspace.id, ada, true)
        .await
        .expect("channels")[0]
        .conversation
        .id;
    let message = |author, body: String, root, now| NewMessage {
        conversation_id: general,
        author_id: author,
        client_id: None,
        html: format!("<p>{body}</p>"),
        body,
        thread_root_id: root,
        also_in_channel: false,
        mentions: Default::default(),
        now,
    };
    let seeding = Instant::now();
    for chunk in 0..THREADS / 50 {
        let roots: Vec<NewMessage> = (0..50)
            .map(|i| message(ada, format!("topic {chunk}-{i}"), None, 10))
            .collect();
        let posted = store.post_messages(&roots).await.expect("roots");
        let replies: Vec<NewMessage> = posted
            .iter()
            .map(|(root, _)| message(ben, format!("re: {}", root.body), Some(root.id), 20))
            .collect();
        store.post_messages(&replies).await.expect("replies");
    }
    let seeded = seeding.elapsed();

    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let (page, _) = store
            .followed_threads(ada, workspace.id, None, PAGE)
            .await
            .expect("all threads");
        times.push(started.elapsed());
        assert_eq!(page.len(), 20);
    }
    println!(
        "{backend}: All threads, page of {PAGE} for a user following {THREADS} threads \
         (seeded in {:.1} s), {RUNS} runs: {}",
        seeded.as_secs_f64(),
        common::percentiles(&mut times),
    );
}
