//! The probe's trust states against a real OComms server speaking TLS (`--tls-cert`), with
//! certificates made here: a self-signed certificate is reported with its fingerprint, works
//! once pinned, and is a hard stop when the server comes back with another one; a CA file
//! that cannot be read is said so (docs/adr/0014).

use ocomms_client::Fingerprint;
use ocomms_proto::account::SignUpRequest;
use ocomms_server::config::ServeConfig;
use ocomms_server::server::{self, RunningServer};
use ocomms_server::tls::TlsFiles;
use ocomms_store::testing::TestDb;
use openchat::error::ProbeError;
use openchat::probe::{client_for, probe};
use openchat::registry::SavedTrust;

/// Serves over TLS on `port` (0: any) with a new self-signed certificate for 127.0.0.1;
/// returns the server and the certificate's fingerprint.
async fn serve(db: &TestDb, dir: &std::path::Path, port: u16) -> (RunningServer, Fingerprint) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("cert");
    let files = TlsFiles {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&files.cert, made.cert.pem()).expect("cert file");
    std::fs::write(&files.key, made.signing_key.serialize_pem()).expect("key file");
    let mut config = ServeConfig::for_database(&db.url);
    config.listen.set_port(port);
    config.tls = Some(files);
    let server = server::start(config).await.expect("TLS server");
    (server, Fingerprint::of(made.cert.der()))
}

#[tokio::test]
async fn the_probe_tells_the_trust_states_apart() {
    let db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().expect("dir");
    let (server, first) = serve(&db, dir.path(), 0).await;
    let url = server.url();

    // Not a public CA's: the fingerprint comes back to be compared.
    assert_eq!(
        probe(&url, &SavedTrust::PublicCa).await,
        Err(ProbeError::Untrusted { fingerprint: first })
    );
    // Pinned, it is a server like any other: probe, sign up, call.
    let pinned = SavedTrust::Pinned(first);
    probe(&url, &pinned)
        .await
        .expect("the pinned certificate is trusted");
    let mut me = client_for(&url, &pinned).expect("client");
    me.sign_up(&SignUpRequest {
        email: "me@example.com".into(),
        password: "correct horse battery staple".into(),
        display_name: "Me".into(),
        invitation_token: None,
    })
    .await
    .expect("sign up over the pinned connection");

    // A CA file that is not there is its own error, before any connection.
    let missing = SavedTrust::CaFile(dir.path().join("no-such-ca.pem"));
    assert!(matches!(
        probe(&url, &missing).await,
        Err(ProbeError::CaFile(_))
    ));

    // The server comes back with another certificate: a hard stop naming both.
    let port = server.addr.port();
    server.stop().await.expect("stop");
    let (server, second) = serve(&db, dir.path(), port).await;
    assert_eq!(
        probe(&url, &pinned).await,
        Err(ProbeError::CertificateChanged {
            server: url.clone(),
            pinned: first,
            presented: second,
        })
    );
    assert!(
        me.me().await.unwrap_err().is_tls(),
        "the old pin refuses it"
    );
    server.stop().await.expect("stop");
}
