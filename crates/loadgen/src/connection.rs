//! Raw WebSocket connections for load: thousands per process, small buffers, spread over
//! server nodes and over several 127.0.0.x source addresses (one address gives about 28,000
//! ports towards one server), and only the few fields of each frame the scenarios look at.
//!
//! The SDK's `Realtime` session is not used here on purpose: it drops events it has already
//! seen, and the load generator must see — and count — any duplicate the server sends.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use anyhow::{Context as _, bail};
use ocomms_proto::{ConversationId, WorkspaceId};
use serde::Deserialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

pub type Socket = WebSocketStream<TcpStream>;

/// One server node: its HTTP base URL and the address its WebSockets connect to.
struct Node {
    base_url: String,
    ws_url: String,
    addr: SocketAddr,
}

/// Opens connections spread over the nodes (round robin) and source addresses.
pub struct Connector {
    nodes: Vec<Node>,
    sources: Vec<Ipv4Addr>,
}

impl Connector {
    /// `urls`: each node's `http://host:port`; `source_addresses`: how many of 127.0.0.1,
    /// 127.0.0.2, … to connect from (more than one only towards a loopback server).
    pub async fn new(urls: &[String], source_addresses: usize) -> anyhow::Result<Self> {
        if urls.is_empty() {
            bail!("give at least one server URL");
        }
        let mut nodes = Vec::with_capacity(urls.len());
        for url in urls {
            let base_url = url.trim_end_matches('/').to_owned();
            let Some(authority) = base_url.strip_prefix("http://") else {
                bail!("{url}: the load generator speaks plain http:// (run it next to the server)");
            };
            let authority = authority.split('/').next().unwrap_or(authority);
            let with_port = if authority.contains(':') {
                authority.to_owned()
            } else {
                format!("{authority}:80")
            };
            let addr = tokio::net::lookup_host(&with_port)
                .await
                .with_context(|| format!("resolving {with_port}"))?
                .find(SocketAddr::is_ipv4)
                .with_context(|| format!("{with_port} has no IPv4 address"))?;
            nodes.push(Node {
                ws_url: format!("ws://{authority}/api/v1/ws"),
                base_url,
                addr,
            });
        }
        let count = source_addresses.clamp(1, 254);
        if count > 1 && nodes.iter().any(|n| !n.addr.ip().is_loopback()) {
            bail!("--source-addresses above 1 needs a server on 127.0.0.0/8");
        }
        let sources = (1..=count)
            .map(|i| Ipv4Addr::new(127, 0, 0, u8::try_from(i).unwrap_or(1)))
            .collect();
        Ok(Self { nodes, sources })
    }

    pub fn nodes(&self) -> usize {
        self.nodes.len()
    }

    pub fn base_url(&self, node: usize) -> &str {
        &self.nodes[node % self.nodes.len()].base_url
    }

    /// The node connection number `index` goes to.
    pub fn node_of(&self, index: usize) -> usize {
        index % self.nodes.len()
    }

    /// Opens connection number `index` with a bearer token and asks to resume after
    /// `positions` (workspaces not named start live). Frames follow on the socket: replayed
    /// events, then `ready`, then live events.
    pub async fn open(
        &self,
        index: usize,
        token: &str,
        positions: &BTreeMap<WorkspaceId, i64>,
    ) -> anyhow::Result<Socket> {
        use futures_util::{SinkExt as _, StreamExt as _};
        use tokio_tungstenite::tungstenite::Message;

        let node = &self.nodes[self.node_of(index)];
        let source = self.sources[(index / self.nodes.len()) % self.sources.len()];
        let stream = self
            .tcp(source, node.addr)
            .await
            .with_context(|| format!("connection {index} from {source} to {}", node.addr))?;
        let mut request = node.ws_url.as_str().into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        // Small buffers: the load generator holds as many connections as the server does.
        let config = WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0);
        let (mut socket, _) =
            tokio_tungstenite::client_async_with_config(request, stream, Some(config))
                .await
                .with_context(|| format!("WebSocket handshake of connection {index}"))?;
        // The server greets first; answer with where to resume.
        match socket.next().await {
            Some(Ok(Message::Text(_))) => {}
            other => bail!("connection {index}: no hello from the server ({other:?})"),
        }
        let resume = serde_json::json!({ "type": "resume", "positions": positions });
        socket
            .send(Message::Text(resume.to_string().into()))
            .await?;
        Ok(socket)
    }

    async fn tcp(&self, source: Ipv4Addr, server: SocketAddr) -> anyhow::Result<TcpStream> {
        let socket = TcpSocket::new_v4().map_err(explain)?;
        if self.sources.len() > 1 {
            socket
                .bind(SocketAddr::new(IpAddr::V4(source), 0))
                .map_err(explain)?;
        }
        let stream = socket.connect(server).await.map_err(explain)?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}

/// Says what to do about the limits a load run meets first.
fn explain(error: std::io::Error) -> anyhow::Error {
    match error.raw_os_error() {
        Some(24 | 23) => anyhow::anyhow!(
            "out of file descriptors ({error}): this process may hold {} (`ulimit -n`; at most \
             20,000 per process on the benchmark box); run several load generators or fewer \
             connections",
            descriptor_limit().map_or_else(|| "?".into(), |l| l.to_string())
        ),
        Some(99) => anyhow::anyhow!(
            "out of local ports ({error}): add --source-addresses to connect from more \
             127.0.0.x addresses"
        ),
        _ => error.into(),
    }
}

/// This process's soft limit on open files, from /proc/self/limits.
pub fn descriptor_limit() -> Option<u64> {
    process_descriptor_limit("self")
}

/// The soft open-files limit of process `pid` ("self" for this one).
pub fn process_descriptor_limit(pid: &str) -> Option<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Refuses a run that could not hold `connections` sockets, before opening any.
pub fn check_descriptors(connections: usize, server_pid: Option<u32>) -> anyhow::Result<()> {
    let needed = connections as u64 + 64;
    if let Some(limit) = descriptor_limit()
        && needed > limit
    {
        bail!(
            "{connections} connections need about {needed} file descriptors but this process \
             may hold {limit} (`ulimit -n`); a process here may hold at most 20,000, so run \
             several load generators for more"
        );
    }
    if let Some(pid) = server_pid
        && let Some(limit) = process_descriptor_limit(&pid.to_string())
        && needed > limit
    {
        bail!(
            "{connections} connections need about {needed} file descriptors in the server, \
             which may hold {limit}: start it after `ulimit -n 20000`"
        );
    }
    Ok(())
}

/// The parts of a server frame the scenarios read; everything else is skipped unparsed.
#[derive(Deserialize)]
pub struct FrameHead<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: &'a str,
    #[serde(default, borrow)]
    pub event: Option<EventHead<'a>>,
    /// On `ready`.
    #[serde(default)]
    pub positions: Option<BTreeMap<WorkspaceId, i64>>,
    /// On `position`.
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    #[serde(default)]
    pub position: Option<i64>,
}

#[derive(Deserialize)]
pub struct EventHead<'a> {
    pub workspace_id: WorkspaceId,
    pub position: i64,
    pub conversation_id: ConversationId,
    #[serde(borrow)]
    pub payload: PayloadHead<'a>,
}

#[derive(Deserialize)]
pub struct PayloadHead<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: &'a str,
    #[serde(default, borrow)]
    pub message: Option<MessageHead<'a>>,
    /// On reaction events.
    #[serde(default)]
    pub message_id: Option<i64>,
}

#[derive(Deserialize)]
pub struct MessageHead<'a> {
    #[serde(default, borrow)]
    pub client_id: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_message_client_id_out_of_an_event_frame() {
        let text = r#"{"type":"event","event":{"workspace_id":1,"position":7,"conversation_id":"3","seq":2,"actor":1,"at":"2026-11-23T00:00:00Z","payload":{"type":"message_posted","message":{"id":9,"conversation_id":3,"seq":2,"author_id":1,"client_id":"lg-x-5","body":"hi \"you\"","html":"<p>hi</p>","created_at":"2026-11-23T00:00:00Z","edited_at":null,"deleted":false}}}}"#;
        let frame: FrameHead<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(frame.kind, "event");
        let event = frame.event.unwrap();
        assert_eq!(event.position, 7);
        assert_eq!(event.payload.kind, "message_posted");
        assert_eq!(event.payload.message.unwrap().client_id, Some("lg-x-5"));
    }

    #[test]
    fn reads_ready_positions() {
        let frame: FrameHead<'_> =
            serde_json::from_str(r#"{"type":"ready","positions":{"1":42}}"#).unwrap();
        assert_eq!(frame.kind, "ready");
        assert_eq!(frame.positions.unwrap().values().next(), Some(&42));
    }
}
