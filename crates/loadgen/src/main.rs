//! `ocomms-loadgen`: drives a running OComms server through its public API and WebSocket
//! protocol and reports what it measured. Scenarios so far: `idle` (memory per idle
//! authenticated connection). See docs/benchmarks.md for how the numbers were made.

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
    }
    Ok(())
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
