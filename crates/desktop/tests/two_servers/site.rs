//! A real OComms server for the end-to-end tests, with a workspace, me and a peer, behind a
//! relay that can cut connections and records what the client sent.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ocomms_client::Client;
use ocomms_proto::account::SignUpRequest;
use ocomms_proto::message::HistoryQuery;
use ocomms_proto::workspace::CreateInvitation;
use ocomms_proto::{ConversationId, UserId};
use ocomms_server::config::ServeConfig;
use ocomms_server::server::{self, RunningServer};
use ocomms_store::testing::TestDb;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery staple";
pub const ME: &str = "me@example.com";

/// One server with a workspace, me (its owner) and a peer who posts to `#general`. The
/// desktop client reaches it through a `Relay`; the peer talks to it directly.
pub struct Site {
    pub db: TestDb,
    pub server: Option<RunningServer>,
    pub relay: Relay,
    /// The address the desktop client is given (the relay's).
    pub url: String,
    pub peer_token: String,
    pub peer_id: UserId,
    /// My own session made at setup (the desktop client signs in with another).
    pub my_token: String,
    pub general: ConversationId,
}

impl Site {
    pub async fn start(workspace: &str) -> Self {
        let db = TestDb::sqlite().await;
        let server = server::start(ServeConfig::for_database(&db.url))
            .await
            .expect("server starts");
        let direct = server.url();
        let mut me = Client::new(&direct);
        me.sign_up(&sign_up(ME, "Me", None)).await.expect("sign up");
        let slug = me
            .create_workspace(workspace)
            .await
            .expect("workspace")
            .slug;
        let invitation = me
            .create_invitation(
                &slug,
                &CreateInvitation {
                    email: None,
                    role: None,
                    max_uses: None,
                    expires_in_hours: None,
                },
            )
            .await
            .expect("invitation");
        let mut peer = Client::new(&direct);
        let token = peer
            .sign_up(&sign_up("peer@example.com", "Peer", Some(invitation.token)))
            .await
            .expect("peer signs up")
            .session()
            .expect("a server without email signs the account in at once");
        let channels = me.channels(&slug, &Default::default()).await.expect("list");
        let general = channels.iter().find(|c| c.is_general).expect("#general").id;
        let relay = Relay::start(server.addr).await;
        Self {
            db,
            url: format!("http://{}", relay.addr),
            server: Some(server),
            relay,
            peer_token: token.token,
            peer_id: token.user.id,
            my_token: me.token().unwrap_or_default().to_owned(),
            general,
        }
    }

    pub fn peer(&self) -> Client {
        let server = self.server.as_ref().expect("server is running");
        Client::new(&server.url()).with_token(self.peer_token.clone())
    }

    /// Stops the server and drops every connection to it, as the end of its process would.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            tokio::time::timeout(Duration::from_secs(10), server.stop())
                .await
                .expect("server stops in time")
                .expect("server stops");
        }
        self.relay.cut();
    }

    /// Starts again on the same database (on a new port, behind the same relay address).
    pub async fn restart(&mut self) {
        let server = server::start(ServeConfig::for_database(&self.db.url))
            .await
            .expect("server restarts");
        self.relay.point_to(server.addr);
        self.server = Some(server);
    }

    pub async fn bodies(&self) -> Vec<String> {
        let query = HistoryQuery {
            limit: Some(100),
            ..HistoryQuery::default()
        };
        let page = self
            .peer()
            .history(self.general, &query)
            .await
            .expect("history");
        page.messages.into_iter().map(|m| m.body).collect()
    }
}

/// A loopback TCP relay in front of a server. An in-process `RunningServer::stop` leaves
/// upgraded WebSockets open (their tasks outlive the listener), so the relay stands in for
/// what the end of a server process does to its connections: `cut` drops them all, and
/// while the server is down new connections are refused.
pub struct Relay {
    addr: SocketAddr,
    backend: Arc<Mutex<SocketAddr>>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// Every byte the client sent to the server, to check what a server was told.
    heard: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    pub async fn start(backend: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("relay address");
        let backend = Arc::new(Mutex::new(backend));
        let links = Arc::new(Mutex::new(Vec::new()));
        let heard = Arc::new(Mutex::new(Vec::new()));
        let (to, held, log) = (backend.clone(), links.clone(), heard.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let target = *to.lock().expect("relay lock");
                let log = log.clone();
                let link = tokio::spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(target).await {
                        relay(inbound, outbound, log).await;
                    }
                });
                held.lock().expect("relay lock").push(link);
            }
        });
        Self {
            addr,
            backend,
            links,
            heard,
        }
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether the client ever sent this text to the server behind the relay.
    pub fn heard(&self, text: &str) -> bool {
        let heard = self.heard.lock().expect("relay lock");
        heard
            .windows(text.len())
            .any(|window| window == text.as_bytes())
    }

    pub fn cut(&self) {
        for link in self.links.lock().expect("relay lock").drain(..) {
            link.abort();
        }
    }

    pub fn point_to(&self, backend: SocketAddr) {
        *self.backend.lock().expect("relay lock") = backend;
    }
}

/// Copies both ways; what goes client → server is also logged.
async fn relay(inbound: TcpStream, outbound: TcpStream, log: Arc<Mutex<Vec<u8>>>) {
    let (mut from_client, mut to_client) = inbound.into_split();
    let (mut from_server, mut to_server) = outbound.into_split();
    let upstream = async {
        let mut buf = vec![0u8; 16 * 1024];
        while let Ok(n) = from_client.read(&mut buf).await {
            if n == 0 {
                break;
            }
            log.lock().expect("relay lock").extend_from_slice(&buf[..n]);
            if to_server.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = to_server.shutdown().await;
    };
    let downstream = async {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
        let _ = to_client.shutdown().await;
    };
    tokio::join!(upstream, downstream);
}

pub fn sign_up(email: &str, name: &str, invitation_token: Option<String>) -> SignUpRequest {
    SignUpRequest {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: name.into(),
        invitation_token,
    }
}
