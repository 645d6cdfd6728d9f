//! A pinned certificate that changes while the client runs (docs/adr/0014): a self-signed
//! server is trusted by its fingerprint, signed in to, then comes back with another
//! certificate. The realtime connection's drop is when the client looks again, and it stops
//! as it would at start, without sending the server anything.

use ocomms_client::Fingerprint;
use ocomms_proto::account::SignUpRequest;
use ocomms_server::config::ServeConfig;
use ocomms_server::server::{self, RunningServer};
use ocomms_server::tls::TlsFiles;
use ocomms_store::testing::TestDb;
use openchat::Msg;
use openchat::error::ProbeError;
use openchat::probe::client_for;
use openchat::registry::SavedTrust;
use openchat::state::Connection;

use super::Harness;
use super::site::{ME, PASSWORD, Relay};

/// Serves over TLS with a new self-signed certificate for 127.0.0.1.
async fn serve(db: &TestDb, dir: &std::path::Path) -> (RunningServer, Fingerprint) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("cert");
    let files = TlsFiles {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&files.cert, made.cert.pem()).expect("cert file");
    std::fs::write(&files.key, made.signing_key.serialize_pem()).expect("key file");
    let mut config = ServeConfig::for_database(&db.url);
    config.tls = Some(files);
    let server = server::start(config).await.expect("TLS server");
    (server, Fingerprint::of(made.cert.der()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_changed_mid_run_stops_as_at_start() {
    let db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().expect("dir");
    let (first_server, first) = serve(&db, dir.path()).await;
    // The relay stands for the server's address across restarts and cuts the old
    // connections as the end of a process would (see `site::Relay`).
    let relay = Relay::start(first_server.addr).await;
    let url = format!("https://{}", relay.addr());
    let mut me = client_for(&url, &SavedTrust::Pinned(first)).expect("client");
    me.sign_up(&SignUpRequest {
        email: ME.into(),
        password: PASSWORD.into(),
        display_name: "Me".into(),
        invitation_token: None,
    })
    .await
    .expect("sign up");

    let mut client = Harness::new();
    client.act(Msg::AddServer(url.clone()));
    client
        .until("asked to compare the fingerprint", |s| {
            s.add_server.untrusted.is_some()
        })
        .await;
    client.act(Msg::TrustCertificate);
    client
        .until("the pinned server joined", |s| !s.servers.is_empty())
        .await;
    client.act(Msg::SignIn {
        email: ME.into(),
        password: PASSWORD.into(),
    });
    client
        .until("signed in and live", |s| {
            s.active()
                .and_then(|server| server.active())
                .is_some_and(|a| a.connection == Connection::Online)
        })
        .await;

    // The server comes back with another certificate.
    first_server.stop().await.expect("stop");
    relay.cut();
    let (second_server, second) = serve(&db, dir.path()).await;
    relay.point_to(second_server.addr);
    client
        .until("the change is a hard stop", |s| s.servers.is_empty())
        .await;
    assert_eq!(
        client.state.add_server.error,
        Some(ProbeError::CertificateChanged {
            server: url,
            pinned: first,
            presented: second,
        })
    );
    assert!(openchat::view::view(&client.state).add_server.open);
    second_server.stop().await.expect("stop");
}
