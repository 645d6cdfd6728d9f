//! An acknowledged message survives `kill -9` of the server process.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use ocomms_client::Client;
use ocomms_proto::message::HistoryQuery;
use ocomms_store::testing::TestDb;

use crate::support::PASSWORD;

ocomms_store::backend_tests!(acknowledged_messages_survive_a_killed_server);

/// Starts `ocomms serve` on a free port; returns the process and its URL.
fn serve(database_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocomms"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ocomms");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("server output").expect("a line");
        if let Some(url) = line.strip_prefix("OComms is running at ") {
            break url.trim().to_owned();
        }
    };
    (child, url)
}

async fn acknowledged_messages_survive_a_killed_server(db: TestDb) {
    let url = db.url.clone();
    let (mut first, base) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || serve(&url)
    })
    .await
    .unwrap();
    let ada = crate::support::signed_up(&base, "ada@example.com", "Ada").await;
    let slug = ada.create_workspace("Acme").await.unwrap().slug;
    let general = ada.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let mut acknowledged = Vec::new();
    for i in 0..20 {
        acknowledged.push(
            ada.post_message(general, &format!("durable {i}"), None)
                .await
                .unwrap()
                .id,
        );
    }
    // SIGKILL: no graceful shutdown, no flush beyond what each commit already did.
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, base) = tokio::task::spawn_blocking(move || serve(&url))
        .await
        .unwrap();
    let mut again = Client::new(&base);
    again.sign_in("ada@example.com", PASSWORD).await.unwrap();
    let page = again
        .history(
            general,
            &HistoryQuery {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ids: Vec<_> = page.messages.iter().map(|m| m.id).collect();
    assert_eq!(
        ids, acknowledged,
        "every acknowledged message is there after restart"
    );
    second.kill().unwrap();
    second.wait().unwrap();
}
