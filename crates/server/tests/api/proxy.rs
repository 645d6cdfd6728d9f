//! The topology of `deploy/compose.yaml`, with real processes: nginx (Debian's package) runs
//! `deploy/nginx.conf` in front of two `ocomms serve` nodes on one PostgreSQL database and a
//! Redis. HTTP and the WebSocket go through nginx; one node is killed (SIGKILL, no goodbye);
//! the client's session resumes through nginx on the other node with nothing missed.
//!
//! Needs nginx (`apt-get install nginx-light`). Without it the test says it was skipped,
//! except under `CI=true`, where it fails: `.ci/run` installs nginx.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ocomms_client::{Client, Update};
use ocomms_proto::event::EventPayload;
use ocomms_store::testing::{TestDb, say_skipped};

use crate::support::{Redis, signed_up};

/// nginx, from `OCOMMS_TEST_NGINX` or where Debian installs it.
fn nginx_binary() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("OCOMMS_TEST_NGINX") {
        return Some(PathBuf::from(path));
    }
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// A port nothing listens on now. nginx cannot be given port 0 and tell which it got, and
/// nginx's config must name the nodes' ports before they all run, so ports are chosen here
/// (another process could take one in between: then the test fails loudly, it cannot pass
/// wrongly).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A child process killed (SIGKILL) when dropped, so a failing test leaves nothing running.
struct Process(Child);

impl Process {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `ocomms serve` as its own process: what a replica is.
fn start_node(port: u16, database_url: &str, redis_url: &str, public_url: &str) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_ocomms"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url, "--redis-url", redis_url])
        .args(["--public-url", public_url, "--trust-forwarded-for"])
        // Every test request comes from one address; the limits have their own tests.
        .arg("--no-auth-rate-limits")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("run ocomms serve");
    Process(child)
}

/// Waits up to 20 s for `GET url` to answer 200.
async fn wait_ready(url: &str) {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http.get(url).send().await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not answer 200 within 20 s");
}

/// `deploy/nginx.conf` as shipped, with the compose service's upstream replaced by the two
/// nodes and port 80 by `port`, inside a minimal main config whose files all live in `dir`.
fn nginx_config(dir: &Path, port: u16, nodes: [u16; 2]) -> PathBuf {
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/nginx.conf"
    ))
    .expect("read deploy/nginx.conf");
    let upstream = "    server ocomms:3000 resolve max_fails=1 fail_timeout=5s;\n";
    assert!(
        shipped.contains(upstream),
        "deploy/nginx.conf's upstream changed: update this test"
    );
    let servers: String = nodes
        .iter()
        .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"))
        .collect();
    let site = shipped
        .replace(upstream, &servers)
        // No Docker DNS here, and nothing left to resolve.
        .replace("resolver 127.0.0.11 valid=10s ipv6=off;\n", "")
        .replace(
            "    listen 80;\n",
            &format!("    listen 127.0.0.1:{port};\n"),
        )
        .replace("    listen [::]:80;\n", "");
    std::fs::write(dir.join("site.conf"), site).expect("write site.conf");
    let d = dir.display();
    // One process (no master): killing it leaves no workers behind.
    let main = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
         error_log {d}/error.log info;\nevents {{ worker_connections 256; }}\n\
         http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n\
         proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n\
         scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, main).expect("write nginx.conf");
    path
}

fn start_nginx(binary: &Path, dir: &Path, config: &Path) -> Process {
    let out = Command::new(binary)
        .arg("-t")
        .args([
            "-p",
            &dir.display().to_string(),
            "-c",
            &config.display().to_string(),
        ])
        .args(["-e", &dir.join("error.log").display().to_string()])
        .output()
        .expect("run nginx -t");
    assert!(
        out.status.success(),
        "nginx refuses the configuration: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let child = Command::new(binary)
        .args([
            "-p",
            &dir.display().to_string(),
            "-c",
            &config.display().to_string(),
        ])
        .args(["-e", &dir.join("error.log").display().to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("run nginx");
    Process(child)
}

/// Message bodies the session yields until (and with) `last`, skipping other updates;
/// `Reconnecting` (each failed attempt too) is counted.
async fn bodies_until(
    session: &mut ocomms_client::Realtime,
    last: &str,
    reconnects: &mut u32,
) -> Vec<String> {
    let mut bodies = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(20), session.next()).await {
            Ok(Some(Update::Event(e))) => {
                if let EventPayload::MessagePosted { message, .. } = e.payload {
                    let done = message.body == last;
                    bodies.push(message.body);
                    if done {
                        return bodies;
                    }
                }
            }
            Ok(Some(Update::Reconnecting { .. })) => *reconnects += 1,
            Ok(Some(_)) => {}
            other => panic!("waiting for {last:?} after {bodies:?}: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_nodes_behind_nginx_survive_losing_one() {
    let Some(nginx) = nginx_binary() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but nginx is not installed (apt-get install nginx-light)"
        );
        say_skipped("nginx is not installed (apt-get install nginx-light)");
        return;
    };
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let redis = Redis::start();
    let dir = tempfile::tempdir().expect("temporary directory");
    // nginx's worker may run as another user when the test runs as root.
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    let (port_a, port_b, port_proxy) = (free_port(), free_port(), free_port());
    let public = format!("http://127.0.0.1:{port_proxy}");

    // Node A first, alone: nginx finds B refusing connections and sends everything to A, so
    // the WebSocket opened below is on A, the node this test kills.
    let mut node_a = start_node(port_a, &db.url, &redis.url(), &public);
    wait_ready(&format!("http://127.0.0.1:{port_a}/readyz")).await;
    let config = nginx_config(dir.path(), port_proxy, [port_a, port_b]);
    let _nginx = start_nginx(&nginx, dir.path(), &config);
    wait_ready(&format!("{public}/readyz")).await;

    // HTTP through nginx.
    let ada = signed_up(&public, "ada@example.com", "Ada").await;
    let slug = ada.create_workspace("Acme").await.unwrap().slug;
    let general = ada.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let page = reqwest::get(format!("{public}/signin")).await.unwrap();
    assert_eq!(page.status(), 200, "pages come through nginx too");

    // The WebSocket through nginx (upgrade headers passed on).
    let mut session = ada.realtime(BTreeMap::new());
    crate::support::ready(&mut session).await;
    let node_b = start_node(port_b, &db.url, &redis.url(), &public);
    wait_ready(&format!("http://127.0.0.1:{port_b}/readyz")).await;
    ada.post_message(general, "before", None).await.unwrap();
    let mut reconnects = 0;
    assert_eq!(
        bodies_until(&mut session, "before", &mut reconnects).await,
        ["before"]
    );

    // Node A dies. Its socket drops; nginx passes new connections to B.
    node_a.kill();
    loop {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(Update::Reconnecting { .. })) => break,
            Ok(Some(_)) => {}
            other => panic!("the session did not notice node A going: {other:?}"),
        }
    }
    // nginx learns that A is gone on its next request (and may first answer 502 if it still
    // counts B's refusals from before B started); a client retries a GET.
    wait_ready(&format!("{public}/readyz")).await;
    // Written while the session is away, through nginx, acknowledged by node B.
    let writer = Client::new(&public).with_token(ada.token().unwrap());
    let mut written = Vec::new();
    for i in 0..5 {
        let body = format!("while A was gone {i}");
        writer.post_message(general, &body, None).await.unwrap();
        written.push(body);
    }
    writer.post_message(general, "after", None).await.unwrap();
    written.push("after".to_owned());
    // Resumed on B: each message once, in order, none missed.
    let got = bodies_until(&mut session, "after", &mut reconnects).await;
    assert_eq!(got, written);
    drop(node_b);
}
