//! Shared by the integration tests: a real server on a free port over a fresh database,
//! SDK clients, and a real SMTP listener on loopback that keeps what it receives.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ocomms_client::Client;
use ocomms_proto::account::SignUpRequest;
use ocomms_proto::instance::InstanceSettingsUpdate;
use ocomms_server::config::{ServeConfig, SmtpConfig};
use ocomms_server::server::{self, RunningServer};
use ocomms_store::testing::TestDb;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const PASSWORD: &str = "correct horse battery staple";

/// Runs the `ocomms` binary with `args` to completion; (success, stdout + stderr).
pub async fn ocomms(args: Vec<String>) -> (bool, String) {
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_ocomms"))
            .args(&args)
            .env("RUST_LOG", "error")
            .output()
            .expect("run ocomms");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    })
    .await
    .expect("ocomms runs to completion")
}

pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// A new account on the server at `base_url` (the first one there becomes its admin),
/// signed in. On a server that confirms addresses, only the first account is signed in at
/// sign-up; later ones go through [`TestServer::sign_up_confirmed`].
pub async fn signed_up(base_url: &str, email: &str, name: &str) -> Client {
    let mut client = Client::new(base_url);
    let answer = client
        .sign_up(&sign_up_request(email, name))
        .await
        .unwrap_or_else(|e| panic!("sign up {email}: {e}"));
    assert!(
        answer.session().is_some(),
        "{email} was not signed in at sign-up"
    );
    client
}

/// A client signed in as `email` (with [`PASSWORD`]) on the server at `base_url`.
pub async fn signed_in(base_url: &str, email: &str) -> Client {
    let mut client = Client::new(base_url);
    client.sign_in(email, PASSWORD).await.expect("sign in");
    client
}

pub fn sign_up_request(email: &str, name: &str) -> SignUpRequest {
    SignUpRequest {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: name.into(),
        invitation_token: None,
    }
}

pub struct TestServer {
    pub server: RunningServer,
    pub smtp: Option<SmtpSink>,
    pub db: TestDb,
}

impl TestServer {
    /// Without SMTP: emails are logged and verification is not required.
    pub async fn start(db: TestDb) -> Self {
        Self::boot(db, None, |_| {}).await
    }

    /// Without SMTP, with `configure` applied to the configuration first.
    pub async fn start_with(db: TestDb, configure: impl FnOnce(&mut ServeConfig)) -> Self {
        Self::boot(db, None, configure).await
    }

    /// With SMTP pointing at a loopback sink: verification is required.
    pub async fn with_smtp(db: TestDb) -> Self {
        let sink = SmtpSink::start().await;
        Self::boot(db, Some(sink), |_| {}).await
    }

    /// With SMTP, and settings of the test's own.
    pub async fn with_smtp_configured(
        db: TestDb,
        configure: impl FnOnce(&mut ServeConfig),
    ) -> Self {
        let sink = SmtpSink::start().await;
        Self::boot(db, Some(sink), configure).await
    }

    async fn boot(
        db: TestDb,
        smtp: Option<SmtpSink>,
        configure: impl FnOnce(&mut ServeConfig),
    ) -> Self {
        let mut config = ServeConfig::for_database(&db.url);
        config.smtp = smtp.as_ref().map(|s| SmtpConfig {
            url: format!("smtp://{}", s.addr),
            from: "OComms <noreply@example.com>".into(),
        });
        configure(&mut config);
        let server = server::start(config).await.expect("server starts");
        Self { server, smtp, db }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url())
    }

    /// Signs up `email`; the first account on the server becomes administrator.
    pub async fn sign_up(&self, email: &str, name: &str) -> Client {
        signed_up(&self.url(), email, name).await
    }

    /// The administrator plus open sign-up, so tests can create more accounts freely.
    pub async fn open_server(&self) -> Client {
        let admin = self.sign_up("admin@example.com", "Ada Admin").await;
        admin
            .update_instance(&InstanceSettingsUpdate {
                open_signup: Some(true),
            })
            .await
            .expect("open sign-up");
        admin
    }

    /// On a server with SMTP: signs `email` up, opens the emailed link, signs in.
    pub async fn sign_up_confirmed(&self, email: &str, name: &str) -> Client {
        let mut client = self.client();
        let answer = client
            .sign_up(&sign_up_request(email, name))
            .await
            .expect("sign up");
        assert!(answer.session().is_none(), "confirm first");
        let mail = self.sink().wait_for(email, "/verify?token=").await;
        let token = token_of(&link_in(&mail, "/verify?token="));
        client.verify_email(&token).await.expect("verify");
        client.sign_in(email, PASSWORD).await.expect("sign in");
        client
    }

    pub fn sink(&self) -> &SmtpSink {
        self.smtp.as_ref().expect("server started with_smtp")
    }
}

/// A minimal SMTP server: accepts every message and keeps its decoded text.
pub struct SmtpSink {
    pub addr: SocketAddr,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind SMTP sink");
        let addr = listener.local_addr().expect("sink address");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = serve_smtp(socket, store).await;
                });
            }
        });
        Self { addr, messages }
    }

    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().expect("sink lock").clone()
    }

    /// Waits up to 10 s for a message to `to` whose text contains `needle`.
    pub async fn wait_for(&self, to: &str, needle: &str) -> String {
        for _ in 0..200 {
            if let Some(m) = self
                .messages()
                .into_iter()
                .find(|m| m.contains(&format!("To: {to}")) && m.contains(needle))
            {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no email to {to} containing {needle:?}; got {:#?}",
            self.messages()
        );
    }
}

/// The first `http…` link in a message whose path starts with `path`.
pub fn link_in(message: &str, path: &str) -> String {
    message
        .split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(path))
        .unwrap_or_else(|| panic!("no {path} link in {message}"))
        .to_owned()
}

/// The `token` query parameter of a link.
pub fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("token in link")
        .to_owned()
}

async fn serve_smtp(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink ESMTP\r\n").await?;
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(&l);
                data.push('\n');
            }
            store
                .lock()
                .expect("sink lock")
                .push(decode_quoted_printable(&data));
            write.write_all(b"250 queued\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            break;
        } else {
            write.write_all(b"250 ok\r\n").await?;
        }
    }
    Ok(())
}

/// Undoes quoted-printable soft breaks and escapes so links can be read back.
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A workspace with one person of each role, plus an outsider from another workspace.
pub struct Team {
    pub slug: String,
    pub owner: Client,
    pub admin: Client,
    pub member: Client,
    pub guest: Client,
    pub outsider: Client,
    pub ids: TeamIds,
}

#[derive(Debug, Clone, Copy)]
pub struct TeamIds {
    pub owner: ocomms_proto::UserId,
    pub admin: ocomms_proto::UserId,
    pub member: ocomms_proto::UserId,
    pub guest: ocomms_proto::UserId,
    pub outsider: ocomms_proto::UserId,
}

impl TestServer {
    /// Signs `email` up and into `slug` with `role` through a one-use invitation.
    pub async fn join(
        &self,
        inviter: &Client,
        slug: &str,
        email: &str,
        name: &str,
        role: ocomms_proto::workspace::Role,
    ) -> (Client, ocomms_proto::UserId) {
        let client = self.sign_up(email, name).await;
        let invite = ocomms_proto::workspace::CreateInvitation {
            email: None,
            role: Some(role),
            max_uses: Some(1),
            expires_in_hours: None,
        };
        let created = inviter
            .create_invitation(slug, &invite)
            .await
            .expect("invite");
        client
            .accept_invitation(&created.token)
            .await
            .expect("accept");
        let id = client.me().await.expect("me").id;
        (client, id)
    }

    /// Owner, admin, member and guest of workspace "Acme", and an outsider with a workspace
    /// of their own.
    pub async fn team(&self) -> Team {
        use ocomms_proto::workspace::Role;
        let owner = self.open_server().await;
        let slug = owner
            .create_workspace("Acme")
            .await
            .expect("workspace")
            .slug;
        let (admin, admin_id) = self
            .join(&owner, &slug, "admin@acme.test", "Ann Admin", Role::Admin)
            .await;
        let (member, member_id) = self
            .join(
                &owner,
                &slug,
                "member@acme.test",
                "Max Member",
                Role::Member,
            )
            .await;
        let (guest, guest_id) = self
            .join(&owner, &slug, "guest@acme.test", "Gus Guest", Role::Guest)
            .await;
        let outsider = self.sign_up("out@else.test", "Otto Outsider").await;
        outsider
            .create_workspace("Elsewhere")
            .await
            .expect("other workspace");
        let ids = TeamIds {
            owner: owner.me().await.expect("me").id,
            admin: admin_id,
            member: member_id,
            guest: guest_id,
            outsider: outsider.me().await.expect("me").id,
        };
        Team {
            slug,
            owner,
            admin,
            member,
            guest,
            outsider,
            ids,
        }
    }
}

impl Team {
    /// The workspace's #general.
    pub async fn general(&self) -> ocomms_proto::ConversationId {
        let channels = self
            .owner
            .channels(&self.slug, &Default::default())
            .await
            .expect("channels");
        channels
            .iter()
            .find(|c| c.is_general)
            .expect("a #general")
            .id
    }
}

/// A Redis of the test's own on a free port, so stopping it disturbs nobody else.
pub struct Redis {
    port: u16,
    child: Option<Child>,
}

impl Redis {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut redis = Self { port, child: None };
        redis.resume();
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (apt-get install redis-server)");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start");
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A channel to create, with its first members.
pub fn channel(
    name: &str,
    private: bool,
    members: Vec<ocomms_proto::UserId>,
) -> ocomms_proto::conversation::CreateChannel {
    ocomms_proto::conversation::CreateChannel {
        name: name.into(),
        private,
        topic: None,
        description: None,
        members,
    }
}

/// Waits for the session to be caught up.
pub async fn ready(session: &mut ocomms_client::Realtime) {
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), session.next()).await {
            Ok(Some(ocomms_client::Update::Ready { .. })) => return,
            Ok(Some(other)) => eprintln!("waiting for ready: {other:?}"),
            other => panic!("no ready: {other:?}"),
        }
    }
}

/// The next event of `conversation` (others, presence and typing are skipped), failing
/// after 10 s.
pub async fn next_in(
    session: &mut ocomms_client::Realtime,
    conversation: ocomms_proto::ConversationId,
) -> ocomms_proto::event::Event {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(ocomms_client::Update::Event(e))) if e.conversation_id == conversation => {
                return *e;
            }
            Ok(Some(_)) => {}
            other => panic!("no event: {other:?}"),
        }
    }
}

/// The error code and HTTP status of a refused call.
pub fn refusal<T: std::fmt::Debug>(
    result: Result<T, ocomms_client::ClientError>,
) -> (Option<ocomms_proto::ErrorCode>, Option<u16>) {
    let e = result.unwrap_err();
    (e.code(), e.status())
}

impl Team {
    /// A channel the plain member creates, with `members` added.
    pub async fn channel_by_member(
        &self,
        name: &str,
        private: bool,
        members: Vec<ocomms_proto::UserId>,
    ) -> ocomms_proto::ConversationId {
        self.member
            .create_channel(&self.slug, &channel(name, private, members))
            .await
            .expect("create channel")
            .id
    }
}

/// A realtime session of `client`, caught up.
pub async fn live(client: &Client) -> ocomms_client::Realtime {
    let mut session = client.realtime(std::collections::BTreeMap::new());
    ready(&mut session).await;
    session
}
