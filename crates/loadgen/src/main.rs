//! `ocomms-loadgen`: drives a running OComms server through its public API and WebSocket
//! protocol and reports what it measured. Scenarios so far: `idle` (memory per idle
//! authenticated connection) and `ingest` (acknowledged messages per second and
//! acknowledgement latency). See docs/benchmarks.md for how the numbers were made.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use futures_util::{SinkExt as _, StreamExt as _};
use ocomms_client::Client;
use ocomms_proto::account::SignUpRequest;
use ocomms_proto::instance::InstanceSettingsUpdate;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

#[derive(Parser)]
#[command(
    name = "ocomms-loadgen",
    about = "Load scenarios against an OComms server"
)]
struct Cli {
    /// Server base URL
    #[arg(long, default_value = "http://127.0.0.1:3000", global = true)]
    url: String,
    /// Print the result as JSON
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Open N authenticated WebSocket connections, wait until all are ready, and report the
    /// server's resident memory per connection (read from /proc/PID/status).
    Idle {
        #[arg(long, default_value_t = 1000)]
        connections: usize,
        /// PID of the server process (same machine), for its memory
        #[arg(long)]
        server_pid: u32,
        /// Seconds to hold the connections before measuring
        #[arg(long, default_value_t = 2)]
        hold: u64,
    },
    /// Post messages from many concurrent senders for a while; report acknowledged messages
    /// per second and acknowledgement latency percentiles.
    Ingest {
        /// Concurrent senders (each waits for its acknowledgement before sending again)
        #[arg(long, default_value_t = 64)]
        senders: usize,
        /// Seconds to run
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
}

#[derive(serde::Serialize)]
struct IngestReport {
    senders: usize,
    acknowledged: u64,
    failed: u64,
    messages_per_second: f64,
    ack_p50_ms: f64,
    ack_p99_ms: f64,
    ack_p999_ms: f64,
}

#[derive(serde::Serialize)]
struct IdleReport {
    connections: usize,
    rss_before_kib: u64,
    rss_after_kib: u64,
    kib_per_connection: f64,
    connect_seconds: f64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.scenario {
        Scenario::Idle {
            connections,
            server_pid,
            hold,
        } => {
            let report = idle(&cli.url, connections, server_pid, hold).await?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "idle: {} connections, server RSS {} KiB -> {} KiB: {:.2} KiB per connection (connected in {:.2} s)",
                    report.connections,
                    report.rss_before_kib,
                    report.rss_after_kib,
                    report.kib_per_connection,
                    report.connect_seconds
                );
            }
        }
        Scenario::Ingest { senders, seconds } => {
            let report = ingest(&cli.url, senders, seconds).await?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "ingest: {} senders, {} acknowledged ({} failed): {:.0} messages/s; ack p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms",
                    report.senders,
                    report.acknowledged,
                    report.failed,
                    report.messages_per_second,
                    report.ack_p50_ms,
                    report.ack_p99_ms,
                    report.ack_p999_ms
                );
            }
        }
    }
    Ok(())
}

/// Closed-model ingest: each sender posts, waits for the acknowledgement, posts again.
async fn ingest(url: &str, senders: usize, seconds: u64) -> anyhow::Result<IngestReport> {
    let client = load_user(url).await?;
    let slug = client
        .workspaces()
        .await?
        .first()
        .context("a workspace")?
        .slug
        .clone();
    let general = client
        .channels(&slug, &Default::default())
        .await?
        .into_iter()
        .find(|c| c.is_general)
        .context("#general")?
        .id;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(senders);
    for sender in 0..senders {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = hdrhistogram::Histogram::<u64>::new(3)?;
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                let result = client
                    .post_message(general, &format!("load {sender}-{n}"), None)
                    .await;
                n += 1;
                match result {
                    Ok(_) => {
                        ok += 1;
                        latencies.record(
                            u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX),
                        )?;
                    }
                    Err(_) => failed += 1,
                }
            }
            anyhow::Ok((latencies, ok, failed))
        }));
    }
    let mut all = hdrhistogram::Histogram::<u64>::new(3)?;
    let (mut acknowledged, mut failed) = (0u64, 0u64);
    for task in tasks {
        let (latencies, ok, bad) = task.await??;
        all.add(&latencies)?;
        acknowledged += ok;
        failed += bad;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ms = |q: f64| all.value_at_quantile(q) as f64 / 1000.0;
    Ok(IngestReport {
        senders,
        acknowledged,
        failed,
        messages_per_second: acknowledged as f64 / elapsed,
        ack_p50_ms: ms(0.5),
        ack_p99_ms: ms(0.99),
        ack_p999_ms: ms(0.999),
    })
}

/// Signs in a load user (creating it, and a workspace, on a fresh server).
async fn load_user(url: &str) -> anyhow::Result<Client> {
    let mut client = Client::new(url);
    let email = "loadgen@example.invalid";
    let password = "loadgen passphrase for benchmarks";
    if client.sign_in(email, password).await.is_err() {
        client
            .sign_up(&SignUpRequest {
                email: email.into(),
                password: password.into(),
                display_name: "Load Generator".into(),
                invitation_token: None,
            })
            .await
            .context("sign up the load user (use a fresh server, or one with open sign-up)")?;
        let _ = client
            .update_instance(&InstanceSettingsUpdate {
                open_signup: Some(true),
            })
            .await;
    }
    if client.workspaces().await?.is_empty() {
        client.create_workspace("Load").await?;
    }
    Ok(client)
}

fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS line")
}

async fn idle(url: &str, connections: usize, pid: u32, hold: u64) -> anyhow::Result<IdleReport> {
    let client = load_user(url).await?;
    let token = client.token().context("signed in")?.to_owned();
    let ws_url = format!("{}/api/v1/ws", url.trim_end_matches('/')).replacen("http://", "ws://", 1);
    let before = rss_kib(pid)?;
    let started = Instant::now();
    let mut sockets = Vec::with_capacity(connections);
    for i in 0..connections {
        let mut request = ws_url.as_str().into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .with_context(|| {
                format!(
                    "connection {i} (a process may hold 20,000 file descriptors; see `ulimit -n`)"
                )
            })?;
        socket.next().await; // hello
        socket
            .send(Message::Text(r#"{"type":"resume","positions":{}}"#.into()))
            .await?;
        while let Some(Ok(message)) = socket.next().await {
            if message.to_text().is_ok_and(|t| t.contains("\"ready\"")) {
                break;
            }
        }
        sockets.push(socket);
    }
    let connect_seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(hold)).await;
    let after = rss_kib(pid)?;
    drop(sockets);
    Ok(IdleReport {
        connections,
        rss_before_kib: before,
        rss_after_kib: after,
        kib_per_connection: after.saturating_sub(before) as f64 / connections.max(1) as f64,
        connect_seconds,
    })
}
