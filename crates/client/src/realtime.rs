//! A realtime session: one WebSocket to `/api/v1/ws`, kept open. It resumes from the last
//! position it saw after every disconnect (exponential backoff with jitter), so the updates
//! it yields are every event, once, in order per workspace.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use ocomms_proto::event::Event;
use ocomms_proto::message::PostMessage;
use ocomms_proto::realtime::{ClientFrame, PresenceEntry, PresenceStatus, ServerFrame};
use ocomms_proto::{ConversationId, UserId, WorkspaceId};
use rand::Rng as _;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::Connector;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

mod poster;

use self::poster::Waiting;
pub use self::poster::{Posted, Poster};

use crate::ClientError;

/// What the session yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// Connected and caught up; live events follow.
    Ready {
        positions: BTreeMap<WorkspaceId, i64>,
    },
    /// (Boxed: an event with a message is far larger than the other updates.)
    Event(Box<Event>),
    /// Too far behind to replay: reload over REST; the session continues from `position`.
    ResyncRequired {
        workspace_id: WorkspaceId,
        position: i64,
    },
    Typing {
        conversation_id: ConversationId,
        user_id: UserId,
    },
    /// The user's read marker of a conversation moved (another tab or device read it).
    Read(ocomms_proto::conversation::ReadState),
    /// A message the user should hear of now (after its `Event`): a mention, a direct
    /// message, or any message of a conversation set to notify of everything.
    Notify(ocomms_proto::notification::Notification),
    /// Someone's presence changed. Who is online when `Ready` arrives: `Client::presence`.
    Presence {
        user_id: UserId,
        status: PresenceStatus,
    },
    /// The connection dropped; the session reconnects after `delay`.
    Reconnecting { attempt: u32, delay: Duration },
    /// The server refused the token (signed out, revoked or expired). The session stops:
    /// retrying could never succeed. Sign in again for a new one.
    SessionEnded,
}

/// A running session; dropping it disconnects.
pub struct Realtime {
    updates: mpsc::Receiver<Update>,
    positions: Arc<Mutex<BTreeMap<WorkspaceId, i64>>>,
    commands: mpsc::UnboundedSender<ClientFrame>,
    waiting: Waiting,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Realtime {
    /// Connects to `base_url` (http(s)://…) with a bearer token, replaying events after
    /// `positions` (workspaces not named start live).
    pub fn connect(base_url: &str, token: &str, positions: BTreeMap<WorkspaceId, i64>) -> Self {
        Self::connect_with(base_url, token, positions, None)
    }

    /// The same with the TLS rules of a `Client::with_trust` (`None`: public CAs).
    pub(crate) fn connect_with(
        base_url: &str,
        token: &str,
        positions: BTreeMap<WorkspaceId, i64>,
        tls: Option<Arc<rustls::ClientConfig>>,
    ) -> Self {
        let url = format!("{}/api/v1/ws", base_url.trim_end_matches('/'))
            .replacen("http://", "ws://", 1)
            .replacen("https://", "wss://", 1);
        let positions = Arc::new(Mutex::new(positions));
        let (updates_tx, updates) = mpsc::channel(4096);
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let (stop, stop_rx) = oneshot::channel();
        let waiting = Waiting::default();
        let worker = Worker {
            url,
            token: token.to_owned(),
            positions: positions.clone(),
            updates: updates_tx,
            commands: commands_rx,
            waiting: waiting.clone(),
            tls,
        };
        let task = tokio::spawn(worker.run(stop_rx));
        Self {
            updates,
            positions,
            commands,
            waiting,
            stop: Some(stop),
            task,
        }
    }

    /// Posts a message over the socket: see [`Poster::post`].
    pub async fn post(&self, conversation_id: ConversationId, request: PostMessage) -> Posted {
        self.poster().post(conversation_id, request).await
    }

    /// A handle that posts over this session's socket from anywhere (cloneable), while the
    /// updates are read elsewhere.
    pub fn poster(&self) -> Poster {
        Poster {
            commands: self.commands.clone(),
            waiting: self.waiting.clone(),
        }
    }

    /// The next update; `None` once the session is closed.
    pub async fn next(&mut self) -> Option<Update> {
        self.updates.recv().await
    }

    /// The last position seen per workspace: resume from here after `close`.
    pub fn positions(&self) -> BTreeMap<WorkspaceId, i64> {
        lock(&self.positions).clone()
    }

    /// Tells the conversation's other members that the user is typing.
    pub fn typing(&self, conversation_id: ConversationId) {
        let _ = self.commands.send(ClientFrame::Typing { conversation_id });
    }

    /// Says whether the user is active (`Online`) or idle (`Away`).
    pub fn presence(&self, status: PresenceStatus) {
        let _ = self.commands.send(ClientFrame::Presence { status });
    }

    /// Disconnects and returns the positions to resume from later.
    pub async fn close(mut self) -> BTreeMap<WorkspaceId, i64> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.positions()
    }
}

impl Drop for Realtime {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(
    m: &Mutex<BTreeMap<WorkspaceId, i64>>,
) -> std::sync::MutexGuard<'_, BTreeMap<WorkspaceId, i64>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Worker {
    url: String,
    token: String,
    positions: Arc<Mutex<BTreeMap<WorkspaceId, i64>>>,
    updates: mpsc::Sender<Update>,
    commands: mpsc::UnboundedReceiver<ClientFrame>,
    waiting: Waiting,
    tls: Option<Arc<rustls::ClientConfig>>,
}

enum Ended {
    Stopped,
    Dropped,
    /// The handshake was answered 401: the token no longer opens a session.
    Refused,
}

impl Worker {
    async fn run(mut self, mut stop: oneshot::Receiver<()>) {
        let mut attempt: u32 = 0;
        loop {
            let ended = tokio::select! {
                ended = self.session(&mut attempt) => ended,
                _ = &mut stop => Ended::Stopped,
            };
            let over = matches!(ended, Ended::Stopped | Ended::Refused) || self.updates.is_closed();
            self.waiting.connection_ended(over);
            if matches!(ended, Ended::Stopped) || self.updates.is_closed() {
                return;
            }
            if matches!(ended, Ended::Refused) {
                let _ = self.updates.send(Update::SessionEnded).await;
                return;
            }
            attempt = attempt.saturating_add(1);
            let delay = backoff(attempt);
            if self
                .updates
                .send(Update::Reconnecting { attempt, delay })
                .await
                .is_err()
            {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                _ = &mut stop => return,
            }
        }
    }

    /// One connection, from handshake to its end.
    async fn session(&mut self, attempt: &mut u32) -> Ended {
        let Ok(mut request) = self.url.as_str().into_client_request() else {
            return Ended::Stopped;
        };
        let Ok(auth) = format!("Bearer {}", self.token).parse() else {
            return Ended::Stopped;
        };
        request.headers_mut().insert("authorization", auth);
        let connector = match &self.tls {
            Some(config) => Some(Connector::Rustls(config.clone())),
            None if self.url.starts_with("wss://") => {
                crate::tls::client_config(&crate::Trust::PublicCa)
                    .ok()
                    .map(Connector::Rustls)
            }
            None => None,
        };
        // Nagle off (`true`): frames are small and must leave at once, not wait for the
        // acknowledgement of the previous one.
        let connecting =
            tokio_tungstenite::connect_async_tls_with_config(request, None, true, connector);
        let socket = match connecting.await {
            Ok((socket, _)) => socket,
            Err(tokio_tungstenite::tungstenite::Error::Http(response))
                if response.status() == 401 =>
            {
                return Ended::Refused;
            }
            Err(_) => return Ended::Dropped,
        };
        let (mut sink, mut stream) = socket.split();
        let mut heartbeat = Duration::from_secs(30);
        let resume = ClientFrame::Resume {
            positions: lock(&self.positions).clone(),
        };
        let mut ping = tokio::time::interval(heartbeat / 2);
        let mut resumed = false;
        // Commands (typing, presence, posts) go out only after `ready`: before `resume` the
        // server would refuse them, and posts sent meanwhile are answered on this connection.
        let mut live = false;
        loop {
            tokio::select! {
                incoming = stream.next() => {
                    let Some(Ok(message)) = incoming else { return Ended::Dropped };
                    let Message::Text(text) = message else { continue };
                    let Ok(frame) = serde_json::from_str::<ServerFrame>(text.as_str()) else { continue };
                    match frame {
                        ServerFrame::Hello { heartbeat_interval_ms } => {
                            heartbeat = Duration::from_millis(heartbeat_interval_ms.max(1000));
                            ping = tokio::time::interval(heartbeat / 2);
                            if !resumed {
                                resumed = true;
                                if send(&mut sink, &resume).await.is_err() {
                                    return Ended::Dropped;
                                }
                            }
                        }
                        ServerFrame::Ready { positions } => {
                            *attempt = 0;
                            live = true;
                            {
                                let mut mine = lock(&self.positions);
                                for (workspace, head) in &positions {
                                    let at = mine.entry(*workspace).or_insert(*head);
                                    *at = (*at).max(*head);
                                }
                            }
                            if self.updates.send(Update::Ready { positions }).await.is_err() {
                                return Ended::Stopped;
                            }
                        }
                        ServerFrame::Event { event } => {
                            // A replayed event we already had (the server resends after a
                            // reconnect only what we have not acknowledged seeing).
                            let fresh = {
                                let mut mine = lock(&self.positions);
                                let at = mine.entry(event.workspace_id).or_insert(0);
                                let fresh = event.position > *at;
                                *at = (*at).max(event.position);
                                fresh
                            };
                            if !fresh {
                                continue;
                            }
                            if self.updates.send(Update::Event(event)).await.is_err() {
                                return Ended::Stopped;
                            }
                        }
                        ServerFrame::ResyncRequired { workspace_id, position } => {
                            lock(&self.positions).insert(workspace_id, position);
                            if self.updates.send(Update::ResyncRequired { workspace_id, position }).await.is_err() {
                                return Ended::Stopped;
                            }
                        }
                        ServerFrame::Typing { conversation_id, user_id } => {
                            let _ = self.updates.try_send(Update::Typing { conversation_id, user_id });
                        }
                        ServerFrame::Read { state } => {
                            if self.updates.send(Update::Read(state)).await.is_err() {
                                return Ended::Stopped;
                            }
                        }
                        ServerFrame::Notify { notification } => {
                            if self.updates.send(Update::Notify(notification)).await.is_err() {
                                return Ended::Stopped;
                            }
                        }
                        ServerFrame::Presence { statuses } => {
                            for PresenceEntry { user_id, status } in statuses {
                                if self.updates.send(Update::Presence { user_id, status }).await.is_err() {
                                    return Ended::Stopped;
                                }
                            }
                        }
                        ServerFrame::Position { workspace_id, position } => {
                            // Events up to here that were not ours were filtered out: resume
                            // after them.
                            let mut mine = lock(&self.positions);
                            let at = mine.entry(workspace_id).or_insert(position);
                            *at = (*at).max(position);
                        }
                        ServerFrame::Posted { client_id, created, message } => {
                            self.waiting.answer(&client_id, Ok((*message, created)));
                        }
                        ServerFrame::PostFailed { client_id, status, error } => {
                            self.waiting.answer(&client_id, Err(ClientError::Api { status, body: error }));
                        }
                        ServerFrame::Pong => {}
                        ServerFrame::Error { message } => tracing::warn!(%message, "server refused a frame"),
                    }
                }
                command = self.commands.recv(), if live => {
                    let Some(frame) = command else { continue };
                    self.waiting.going_out(&frame);
                    if send(&mut sink, &frame).await.is_err() {
                        return Ended::Dropped;
                    }
                }
                _ = ping.tick() => {
                    if resumed && send(&mut sink, &ClientFrame::Ping).await.is_err() {
                        return Ended::Dropped;
                    }
                }
            }
        }
    }
}

async fn send<S>(sink: &mut S, frame: &ClientFrame) -> Result<(), ()>
where
    S: futures_util::Sink<Message> + Unpin,
{
    let text = serde_json::to_string(frame).map_err(|_| ())?;
    sink.send(Message::Text(text.into())).await.map_err(|_| ())
}

/// 250 ms doubling to 30 s, with ±50 % jitter so a crowd of clients does not reconnect in step.
fn backoff(attempt: u32) -> Duration {
    let base = 250u64.saturating_mul(1u64 << attempt.min(7)).min(30_000);
    let jitter = rand::rng().random_range(0.5..1.5);
    Duration::from_millis((base as f64 * jitter) as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let d = super::backoff(attempt).as_millis();
            assert!((125..=45_000).contains(&d), "attempt {attempt}: {d} ms");
        }
        assert!(super::backoff(1).as_millis() < 1_000);
    }
}
