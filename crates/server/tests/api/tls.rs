//! `serve --tls-cert/--tls-key`, and the SDK's trust states against it, with certificates
//! made here (rcgen): a private CA's, a self-signed one pinned by fingerprint, and a pinned
//! server whose certificate changed. HTTP calls, the WebSocket and the web UI's cookie.

use std::path::Path;

use ocomms_client::{Client, Fingerprint, Trust, tls::presented_certificate};
use ocomms_proto::event::EventPayload;
use ocomms_server::config::ServeConfig;
use ocomms_server::server::{self, RunningServer};
use ocomms_server::tls::TlsFiles;
use ocomms_store::testing::TestDb;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

use crate::support::{PASSWORD, live, next_in, sign_up_request};

ocomms_store::backend_tests!(
    a_private_ca_is_trusted_over_http_and_websocket,
    a_self_signed_certificate_is_pinned_and_a_changed_one_refused,
);

/// A certificate for 127.0.0.1 and localhost: its PEM, its key's PEM, its DER.
struct Made {
    cert_pem: String,
    key_pem: String,
    der: Vec<u8>,
}

fn names() -> Vec<String> {
    vec!["127.0.0.1".into(), "localhost".into()]
}

fn self_signed() -> Made {
    let key = KeyPair::generate().expect("key");
    let cert = CertificateParams::new(names())
        .expect("params")
        .self_signed(&key)
        .expect("self-signed");
    Made {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        der: cert.der().to_vec(),
    }
}

/// A CA (its PEM) and a certificate it signed.
fn ca_signed() -> (String, Made) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "OComms test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
    let key = KeyPair::generate().expect("key");
    let cert = CertificateParams::new(names())
        .expect("params")
        .signed_by(&key, &ca)
        .expect("signed");
    let made = Made {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        der: cert.der().to_vec(),
    };
    (ca.pem(), made)
}

/// Signs Ann up through `client`, makes a workspace and posts `body` in #general: answers
/// the body as her realtime session (over the same TLS) delivers it.
async fn sign_up_and_talk(client: &mut Client, body: &str) -> String {
    client
        .sign_up(&sign_up_request("ann@example.com", "Ann"))
        .await
        .expect("sign up over https");
    let workspace = client.create_workspace("Acme").await.expect("workspace");
    let general = client
        .channels(&workspace.slug, &Default::default())
        .await
        .expect("channels")[0]
        .id;
    let mut session = live(client).await;
    client
        .post_message(general, body, None)
        .await
        .expect("post");
    match next_in(&mut session, general).await.payload {
        EventPayload::MessagePosted { message, .. } => message.body,
        other => panic!("expected a message, got {other:?}"),
    }
}

async fn serve_tls(db: &TestDb, dir: &Path, made: &Made, port: u16) -> RunningServer {
    let tls = TlsFiles {
        cert: dir.join(format!("cert-{port}.pem")),
        key: dir.join(format!("key-{port}.pem")),
    };
    std::fs::write(&tls.cert, &made.cert_pem).expect("write cert");
    std::fs::write(&tls.key, &made.key_pem).expect("write key");
    let mut config = ServeConfig::for_database(&db.url);
    config.listen.set_port(port);
    config.tls = Some(tls);
    server::start(config).await.expect("TLS server starts")
}

async fn a_private_ca_is_trusted_over_http_and_websocket(db: TestDb) {
    let dir = tempfile::tempdir().expect("dir");
    let (ca_pem, made) = ca_signed();
    let server = serve_tls(&db, dir.path(), &made, 0).await;
    let url = server.url();
    assert!(url.starts_with("https://"), "{url}");

    // Not a public CA's: refused, and said to be a TLS problem.
    let refused = Client::new(&url).instance().await.unwrap_err();
    assert!(refused.is_tls(), "{refused:?}");

    let trust = Trust::PrivateCa(ca_pem.clone());
    let mut ann = Client::with_trust(&url, &trust).expect("client");
    ann.instance().await.expect("the private CA is trusted");
    // The WebSocket takes the same trust (wss://).
    assert_eq!(sign_up_and_talk(&mut ann, "over TLS").await, "over TLS");

    // The web UI's session cookie is Secure on an https server.
    let web = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA"))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("web client");
    let signed_in = web
        .post(format!("{url}/signin"))
        .form(&[("email", "ann@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in on the web");
    let cookie = signed_in.headers()["set-cookie"].to_str().expect("cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(
        presented_certificate(&url).await.expect("fingerprint"),
        Fingerprint::of(&made.der)
    );
    server.stop().await.expect("stop");
}

async fn a_self_signed_certificate_is_pinned_and_a_changed_one_refused(db: TestDb) {
    let dir = tempfile::tempdir().expect("dir");
    let first = self_signed();
    let server = serve_tls(&db, dir.path(), &first, 0).await;
    let url = server.url();
    let port = server.addr.port();

    assert!(Client::new(&url).instance().await.unwrap_err().is_tls());
    // What the user compares before trusting it: the certificate's SHA-256.
    let seen = presented_certificate(&url).await.expect("fingerprint");
    assert_eq!(seen, Fingerprint::of(&first.der));

    let mut ann = Client::with_trust(&url, &Trust::Pinned(seen)).expect("client");
    assert_eq!(sign_up_and_talk(&mut ann, "pinned").await, "pinned");

    let other = Fingerprint::of(b"another certificate");
    let wrong = Client::with_trust(&url, &Trust::Pinned(other)).expect("client");
    assert!(wrong.instance().await.unwrap_err().is_tls());

    // The server comes back with another certificate: the pin refuses it, and what it
    // presents now is not what was pinned.
    server.stop().await.expect("stop");
    let second = self_signed();
    let server = serve_tls(&db, dir.path(), &second, port).await;
    let refused = ann.me().await.unwrap_err();
    assert!(refused.is_tls(), "{refused:?}");
    let now = presented_certificate(&url).await.expect("fingerprint");
    assert_eq!(now, Fingerprint::of(&second.der));
    assert_ne!(now, seen);
    server.stop().await.expect("stop");
}
