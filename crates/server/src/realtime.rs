//! Realtime delivery: the WebSocket gateway and the per-workspace feeds behind it.
//!
//! The database is the source of truth and the order: every change is an event with a
//! gapless, commit-ordered position per workspace (ADR 0005). After a commit, the app calls
//! [`Publisher::announce`], which the hub implements; the workspace's feed task reads the new events from the database once, in
//! position order, serialises each once, and hands the frame to the connections of the people
//! in that conversation. A reconnecting client names its last position and gets everything
//! after it, once, in order (docs/protocol.md).

pub mod bus;
mod feed;
pub mod gateway;
mod outbox;
mod presence;
mod publisher;
mod sockets;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use ocomms_app::{AppError, EventLog, SessionCache};
use ocomms_proto::realtime::{PRESENCE_BATCH, PresenceEntry, PresenceStatus, ServerFrame};
use ocomms_proto::{ConversationId, SessionId, UserId, WorkspaceId};

use feed::Feed;
pub use feed::{Backlog, Connection, Subscription};
pub use outbox::Outbox;
pub use sockets::Kick;

/// What happened to one connection's presence.
#[derive(Debug, Clone, Copy)]
pub enum PresenceChange {
    Connected,
    Away(bool),
    Disconnected,
}

/// A serialised server frame, shared by every connection it goes to: cloning it counts a
/// reference, and the socket writes those very bytes (no copy per recipient).
pub type Frame = tungstenite::Utf8Bytes;

/// The per-connection queue. A connection that falls this far behind is dropped; it
/// reconnects and resumes from its position, so nothing is lost.
pub const CONNECTION_QUEUE: usize = 1024;

/// A feed sends a `position` frame at most this often (see [`FeedTiming`]).
pub const POSITION_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// How the workspace feeds keep time.
#[derive(Debug, Clone, Copy)]
pub struct FeedTiming {
    /// How often feeds look for new events without being told (a safety net).
    pub poll: std::time::Duration,
    /// A feed whose position moved tells its connections at most this often, and also
    /// whenever it moved by `feed::POSITION_AFTER_EVENTS` (protocol.md, `position`).
    pub position_every: std::time::Duration,
}

/// All workspace feeds of this process.
pub struct Hub {
    events: EventLog,
    feeds: Mutex<HashMap<WorkspaceId, Arc<Feed>>>,
    /// Other nodes, when several share the database (`--redis-url`).
    bus: std::sync::OnceLock<bus::RedisBus>,
    timing: FeedTiming,
    presence: presence::Presence,
    next_connection: std::sync::atomic::AtomicU64,
    /// Open sockets by person and session, so access changes reach them.
    sockets: sockets::Sockets,
    /// Sessions the app keeps in memory; ended sessions and changed users leave it on
    /// every node.
    sessions: Arc<SessionCache>,
    /// Presence changes waiting for the next `presence` frames (see `flush_presence`).
    pending_presence: Mutex<HashMap<WorkspaceId, BTreeMap<UserId, PresenceStatus>>>,
    /// Rung when `pending_presence` gets its first change (and when the hub goes).
    presence_waiting: Arc<tokio::sync::Notify>,
    /// Open connections and frames sent, for `/metrics`.
    metrics: Arc<ocomms_app::metrics::Metrics>,
}

impl Drop for Hub {
    fn drop(&mut self) {
        // Lets the presence task see that the hub is gone, and end.
        self.presence_waiting.notify_one();
    }
}

/// Presence changes are gathered this long and sent together: when thousands of people
/// reconnect at once, each connection gets a few frames instead of one per person.
const PRESENCE_GATHER: std::time::Duration = std::time::Duration::from_millis(100);

impl Hub {
    pub(crate) fn metrics(&self) -> &ocomms_app::metrics::Metrics {
        &self.metrics
    }

    pub fn new(
        events: EventLog,
        timing: FeedTiming,
        sessions: Arc<SessionCache>,
        metrics: Arc<ocomms_app::metrics::Metrics>,
    ) -> Arc<Self> {
        let hub = Arc::new(Self {
            events,
            feeds: Mutex::new(HashMap::new()),
            bus: std::sync::OnceLock::new(),
            timing,
            presence: presence::Presence::default(),
            next_connection: std::sync::atomic::AtomicU64::new(0),
            sockets: sockets::Sockets::default(),
            sessions,
            pending_presence: Mutex::new(HashMap::new()),
            presence_waiting: Arc::new(tokio::sync::Notify::new()),
            metrics,
        });
        let (weak, waiting) = (Arc::downgrade(&hub), hub.presence_waiting.clone());
        tokio::spawn(async move {
            loop {
                waiting.notified().await;
                tokio::time::sleep(PRESENCE_GATHER).await;
                let Some(hub) = weak.upgrade() else { return };
                hub.flush_presence();
            }
        });
        // One sweep closes every connection silent for twice the heartbeat (within a third
        // of it), instead of a timer in each connection.
        hub.every(gateway::HEARTBEAT / 3, |hub| {
            hub.sockets.close_silent(gateway::HEARTBEAT * 2);
        });
        hub
    }

    /// Runs `work` on this hub every `period`, for as long as the hub lives.
    fn every(self: &Arc<Self>, period: std::time::Duration, work: impl Fn(&Self) + Send + 'static) {
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(period);
            loop {
                every.tick().await;
                let Some(hub) = hub.upgrade() else { return };
                work(&hub);
            }
        });
    }

    /// Connects this hub to the other nodes through Redis.
    pub fn connect_redis(self: &Arc<Self>, url: &str) -> Result<(), redis::RedisError> {
        let bus = bus::RedisBus::start(url, Arc::downgrade(self))?;
        let _ = self.bus.set(bus);
        self.every(presence::REFRESH, Self::refresh_presence);
        Ok(())
    }

    fn publish(&self, notice: bus::Notice) {
        if let Some(bus) = self.bus.get() {
            bus.publish(notice);
        }
    }

    /// A notice from another node.
    fn receive(&self, node: u64, notice: bus::Notice) {
        match notice {
            bus::Notice::Presence {
                user,
                status,
                workspaces,
            } => {
                if let Some(overall) = self.presence.remote(node, user, status, &workspaces) {
                    self.broadcast_presence(user, overall, &workspaces);
                }
            }
            bus::Notice::Events { workspace } => self.notify(workspace),
            bus::Notice::Typing {
                workspace,
                conversation,
                user,
            } => {
                self.typing_here(workspace, conversation, user);
            }
            bus::Notice::Read {
                workspace,
                user,
                state,
            } => self.read_here(workspace, user, state),
            bus::Notice::SessionsEnded { sessions } => {
                self.sessions.forget_sessions(&sessions);
                self.sockets.end_sessions(&sessions);
            }
            bus::Notice::UserChanged { user } => self.sessions.forget_user(user),
            bus::Notice::Reconnect { user } => self.sockets.reconnect_user(user),
            bus::Notice::NotificationsChanged { user } => self.notifications_here(user),
        }
    }

    /// Counts one more socket of `session` on this node; `None` past
    /// `MAX_SOCKETS_PER_SESSION`.
    pub(crate) fn claim_socket(&self, session: SessionId) -> Option<sockets::SocketSlot> {
        self.sockets.claim(session)
    }

    /// Registers a connection's way to be closed when its access changes or its client
    /// falls silent.
    pub fn track_socket(&self, user: UserId, session: SessionId, kick: &Arc<Kick>) {
        self.sockets.track(user, session, kick);
    }

    /// The client of a tracked connection has just sent something.
    pub fn heard(&self, kick: &Kick) {
        self.sockets.heard(kick);
    }

    /// New events exist in `workspace`: wake its feed, if anyone listens here.
    pub fn notify(&self, workspace: WorkspaceId) {
        if let Some(feed) = self.lock().get(&workspace) {
            feed.wake();
        }
    }

    /// Wakes every feed (after a gap in notifications, such as Redis coming back).
    pub fn notify_all(&self) {
        for feed in self.lock().values() {
            feed.wake();
        }
    }

    /// Registers a connection of `user` for `workspace`'s live events, starting the feed if
    /// needed. The subscription says up to which position the feed had delivered, so the
    /// connection replays exactly the events from `after` to there: from the feed's
    /// memory when it still holds them, otherwise from the database.
    pub async fn subscribe(
        self: &Arc<Self>,
        workspace: WorkspaceId,
        user: UserId,
        connection: Connection,
        after: Option<i64>,
    ) -> Result<(Subscription, Backlog), AppError> {
        loop {
            let feed = self.feed(workspace).await?;
            feed.load_notifying(user, false).await?;
            if let Some(subscription) = feed.add(user, connection.clone(), after) {
                return Ok(subscription);
            }
            // The feed was shutting down as we arrived; start a fresh one.
            self.remove_if_same(workspace, &feed);
        }
    }

    /// Tells the other members of a conversation, on every node, that `user` is typing.
    pub fn typing(&self, workspace: WorkspaceId, conversation: ConversationId, user: UserId) {
        self.typing_here(workspace, conversation, user);
        self.publish(bus::Notice::Typing {
            workspace,
            conversation,
            user,
        });
    }

    /// Feeds of this node with a connection of `user` read their settings again.
    fn notifications_here(&self, user: UserId) {
        let feeds: Vec<Arc<Feed>> = self
            .lock()
            .values()
            .filter(|feed| feed.has_subscriber(user))
            .cloned()
            .collect();
        for feed in feeds {
            tokio::spawn(async move {
                if let Err(e) = feed.load_notifying(user, true).await {
                    tracing::warn!(error = %e, "could not read notification settings");
                }
            });
        }
    }

    fn read_here(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        state: ocomms_proto::conversation::ReadState,
    ) {
        if let Some(feed) = self.lock().get(&workspace) {
            feed.send_to(user, &ServerFrame::Read { state });
        }
    }

    fn typing_here(&self, workspace: WorkspaceId, conversation: ConversationId, user: UserId) {
        if let Some(feed) = self.lock().get(&workspace) {
            feed.typing(conversation, user);
        }
    }

    /// A number for a new connection, unique in this process.
    pub fn connection_id(&self) -> u64 {
        self.next_connection
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Records a connection coming, idling or going; tells the other nodes when this node's
    /// view of the person changes, and the local connections of `workspaces` when the
    /// person's overall status does.
    pub fn presence_changed(
        &self,
        user: UserId,
        connection: u64,
        change: PresenceChange,
        workspaces: &[WorkspaceId],
    ) {
        let changed = match change {
            PresenceChange::Connected => self.presence.connect(user, connection, workspaces),
            PresenceChange::Away(away) => self.presence.set_away(user, connection, away),
            PresenceChange::Disconnected => self.presence.disconnect(user, connection),
        };
        if let Some(status) = changed.local {
            self.publish(bus::Notice::Presence {
                user,
                status,
                workspaces: workspaces.to_vec(),
            });
        }
        if let Some(status) = changed.overall {
            self.broadcast_presence(user, status, workspaces);
        }
    }

    /// Queues a person's new status for the local connections of `workspaces`; the latest
    /// status of each person goes out with the next `flush_presence`.
    fn broadcast_presence(&self, user: UserId, status: PresenceStatus, workspaces: &[WorkspaceId]) {
        let mut pending = lock(&self.pending_presence);
        for workspace in workspaces {
            pending.entry(*workspace).or_default().insert(user, status);
        }
        drop(pending);
        self.presence_waiting.notify_one();
    }

    /// Sends what changed since the last flush: per workspace, frames of at most
    /// `PRESENCE_BATCH` statuses, each serialised once for all its connections.
    fn flush_presence(&self) {
        let pending = std::mem::take(&mut *lock(&self.pending_presence));
        for (workspace, statuses) in pending {
            let Some(feed) = self.lock().get(&workspace).cloned() else {
                continue;
            };
            let statuses: Vec<PresenceEntry> = statuses
                .into_iter()
                .map(|(user_id, status)| PresenceEntry { user_id, status })
                .collect();
            for chunk in statuses.chunks(PRESENCE_BATCH) {
                let frame = ServerFrame::Presence {
                    statuses: chunk.to_vec(),
                };
                if let Ok(json) = serde_json::to_string(&frame) {
                    feed.broadcast(&Frame::from(json));
                }
            }
        }
    }

    /// Every `presence::REFRESH`: re-announce this node's people to the others and forget
    /// nodes that went quiet.
    fn refresh_presence(&self) {
        for (user, status, workspaces) in self.presence.local_people() {
            self.publish(bus::Notice::Presence {
                user,
                status,
                workspaces,
            });
        }
        for (user, status, workspaces) in self.presence.expire() {
            self.broadcast_presence(user, status, &workspaces);
        }
    }

    async fn feed(self: &Arc<Self>, workspace: WorkspaceId) -> Result<Arc<Feed>, AppError> {
        if let Some(feed) = self.lock().get(&workspace) {
            return Ok(feed.clone());
        }
        let started = Feed::start(self.events.clone(), workspace, self.timing).await?;
        let feed = self
            .lock()
            .entry(workspace)
            .or_insert(started.clone())
            .clone();
        if Arc::ptr_eq(&feed, &started) {
            let hub = Arc::downgrade(self);
            feed.clone().spawn(move |finished| {
                if let Some(hub) = hub.upgrade() {
                    hub.remove_if_same(workspace, &finished);
                }
            });
        }
        Ok(feed)
    }

    fn remove_if_same(&self, workspace: WorkspaceId, feed: &Arc<Feed>) {
        let mut feeds = self.lock();
        if feeds.get(&workspace).is_some_and(|f| Arc::ptr_eq(f, feed)) {
            feeds.remove(&workspace);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<WorkspaceId, Arc<Feed>>> {
        lock(&self.feeds)
    }
}

/// What the app tells the realtime layer: delivered here and carried to the other nodes.
/// Invariant: no code panics while holding the hub's locks, so they are never poisoned; if
/// one were, the map behind it is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
