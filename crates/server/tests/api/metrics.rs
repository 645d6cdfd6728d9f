//! `/metrics` (issue 17): served apart from the public port, counting requests by route
//! pattern, open WebSockets, frames sent and group commits; request ids in responses.

use ocomms_store::testing::TestDb;

use crate::support::{TestServer, live};

ocomms_store::backend_tests!(the_metrics_port_counts_requests_sockets_frames_and_commits);

async fn the_metrics_port_counts_requests_sockets_frames_and_commits(db: TestDb) {
    let s = TestServer::start_with(db, |config| {
        config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let owner = s.open_server().await;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    let general = owner.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let mut socket = live(&owner).await;
    owner.post_message(general, "counted", None).await.unwrap();
    // The post's event reaches the socket: a frame was sent.
    while !matches!(
        socket.next().await.expect("an update"),
        ocomms_client::Update::Event(_)
    ) {}

    let http = reqwest::Client::new();
    let addr = s.server.metrics_addr.expect("metrics are served");
    let scraped = http
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(
        scraped.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = scraped.text().await.unwrap();
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(
        value(
            r#"ocomms_http_requests_total{method="POST",route="/api/v1/conversations/{id}/messages",status="201"}"#
        ),
        1.0,
        "counted by route pattern, not by path"
    );
    assert!(value("ocomms_commit_batch_messages_count") >= 1.0);
    assert!(value("ocomms_commit_duration_seconds_count") >= 1.0);
    assert_eq!(value("ocomms_websocket_connections"), 1.0);
    assert!(value("ocomms_realtime_frames_sent_total") >= 1.0);
    assert!(text.contains("ocomms_http_request_duration_seconds_bucket{"));

    // Not on the public port.
    let public = http
        .get(format!("{}/metrics", s.url()))
        .send()
        .await
        .unwrap();
    assert_ne!(public.status(), 200);
    // Every response names its request; one the proxy named keeps its name.
    let named = http
        .get(format!("{}/readyz", s.url()))
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(named.headers()["x-request-id"], "proxy-42");
    assert_eq!(public.headers()["x-request-id"].len(), 36, "a new UUID");
}
