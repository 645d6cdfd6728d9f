//! The `ocomms` binary's admin commands, run as a real process against the test database.

use ocomms_store::testing::TestDb;

use crate::support::{TestServer, args, ocomms};

ocomms_store::backend_tests!(admin_commands_manage_accounts);

async fn admin_commands_manage_accounts(db: TestDb) {
    let url = db.url.clone();
    let (ok, out) = ocomms(args(&["migrate", "--database-url", &url])).await;
    assert!(ok, "{out}");
    let create = [
        "admin",
        "--database-url",
        &url,
        "create-user",
        "--email",
        "root@example.com",
        "--password",
        "a long admin passphrase",
        "--name",
        "Root",
        "--admin",
    ];
    let (ok, out) = ocomms(args(&create)).await;
    assert!(ok && out.contains("server administrator"), "{out}");
    let (ok, out) = ocomms(args(&create)).await;
    assert!(
        !ok && out.contains("already exists"),
        "duplicate refused: {out}"
    );
    let plain = [
        "admin",
        "--database-url",
        &url,
        "create-user",
        "--email",
        "pat@example.com",
        "--password",
        "pat's own passphrase",
        "--name",
        "Pat",
    ];
    assert!(ocomms(args(&plain)).await.0);
    // The database flags may come after the action too.
    let (ok, out) = ocomms(args(&[
        "admin",
        "make-admin",
        "--email",
        "pat@example.com",
        "--database-url",
        &url,
    ]))
    .await;
    assert!(ok, "{out}");
    let (ok, out) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "reset-password",
        "--email",
        "pat@example.com",
        "--password",
        "password1234",
    ]))
    .await;
    assert!(
        !ok && out.contains("too easy"),
        "weak passwords refused here too: {out}"
    );
    let (ok, _) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "reset-password",
        "--email",
        "pat@example.com",
        "--password",
        "a fresh passphrase",
    ]))
    .await;
    assert!(ok);
    let (ok, out) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "make-admin",
        "--email",
        "nobody@example.com",
    ]))
    .await;
    assert!(!ok && out.contains("not found"), "{out}");

    let s = TestServer::start(db).await;
    let mut root = s.client();
    let me = root
        .sign_in("root@example.com", "a long admin passphrase")
        .await
        .unwrap()
        .user;
    assert!(me.is_instance_admin && me.email_verified);
    let mut pat = s.client();
    let pat_user = pat
        .sign_in("pat@example.com", "a fresh passphrase")
        .await
        .unwrap()
        .user;
    assert!(pat_user.is_instance_admin);
}

/// `--log-format json`: every line a JSON object, and a request's lines carry the request id
/// the proxy sent (`X-Request-Id`), which the response repeats.
#[tokio::test]
async fn json_logs_name_each_request_by_its_id() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocomms"))
        .args(["--log-format", "json", "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data.path())
        // tower-http says "started/finished processing request" at debug level.
        .env("RUST_LOG", "info,tower_http=debug")
        .env_remove("OCOMMS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let next_json = |what: &str| -> serde_json::Value {
        loop {
            let line = received
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no log line with {what}"));
            let value: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            if line.contains(what) {
                return value;
            }
        }
    };
    let ready = next_json("OComms is ready");
    assert_eq!(ready["level"], "INFO", "{ready}");

    let response = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .header("x-request-id", "ops-check-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "ops-check-42");
    let logged = next_json("ops-check-42");
    assert_eq!(logged["span"]["request_id"], "ops-check-42", "{logged}");
    assert_eq!(logged["span"]["path"], "/readyz", "{logged}");
    let _ = child.kill();
    let _ = child.wait();
}
