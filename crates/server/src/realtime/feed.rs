//! One workspace's feed: reads new events in position order and fans each out, serialised
//! once, to the connections of the people in its conversation.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ocomms_app::visibility::Audience;
use ocomms_app::{AppError, EventLog};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::realtime::ServerFrame;
use ocomms_proto::{ConversationId, MessageId, UserId, WorkspaceId};
use tokio::sync::Notify;

use super::Frame;
use notify::Notifying;
use recent::Recent;

mod notify;
mod recent;

/// Events read from the database per round.
const BATCH: i64 = 500;
/// A `position` frame goes out, whatever the time, once the feed moved this far past the
/// last one: a replay after a disconnect then re-reads at most about this many events
/// that were not the user's (the replay limit is 10,000).
pub const POSITION_AFTER_EVENTS: i64 = 1_000;

pub struct Feed {
    workspace: WorkspaceId,
    /// `poll`: even without a notification, look for new events this often (a safety net
    /// for writes whose notification was lost: another node, Redis away).
    timing: super::FeedTiming,
    events: EventLog,
    wake: Notify,
    state: Mutex<State>,
}

struct Registered {
    id: u64,
    connection: Connection,
}

struct State {
    /// Everything up to here has been handed to the subscribers.
    cursor: i64,
    /// Who is in each conversation, as of `cursor`.
    audiences: HashMap<ConversationId, HashSet<UserId>>,
    subscribers: HashMap<UserId, Vec<Registered>>,
    /// The frames of the newest events, oldest first, ending at `cursor`.
    recent: Recent,
    next_id: u64,
    /// The position last told to every connection (`position` frame), and when.
    announced: (i64, tokio::time::Instant),
    /// Set when the feed stops (no subscribers left); no one may join it then.
    closed: bool,
    /// The notification settings of the people connected (see `notify`).
    notifying: HashMap<UserId, Notifying>,
    /// Direct messages created since the feed started (the settings know the older ones).
    created_direct: HashSet<ConversationId>,
}

/// A connection as a feed sees it: where to put frames, and how to end it when it falls
/// behind (the same connection may listen to several feeds).
#[derive(Clone)]
pub struct Connection {
    pub outbox: Arc<super::Outbox>,
    pub kick: Arc<super::Kick>,
}

/// A connection's place in a feed, for as long as the connection lives.
pub struct Subscription {
    pub workspace: WorkspaceId,
    /// Live frames start after this position; replay up to and including it.
    pub cursor: i64,
    id: u64,
    user: UserId,
    feed: Arc<Feed>,
}

/// What a new connection replays before its live frames; dropped once sent.
pub struct Backlog {
    /// The conversations the user was in at the cursor, to filter the replay with.
    pub conversations: HashSet<ConversationId>,
    /// The frames, when the feed still held every event after the client's position.
    /// `None`: read them from the database.
    pub frames: Option<Vec<Frame>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut state = self.feed.lock();
        if let Some(list) = state.subscribers.get_mut(&self.user) {
            list.retain(|c| c.id != self.id);
            if list.is_empty() {
                state.subscribers.remove(&self.user);
                state.notifying.remove(&self.user);
            }
        }
        // The last one out wakes the feed so that it stops (a crowd leaving at once would
        // otherwise make it read the database once per connection).
        let last = state.subscribers.is_empty();
        drop(state);
        if last {
            self.feed.wake();
        }
    }
}

impl Feed {
    /// Reads the head first and the memberships second: an event committed in between is
    /// then applied again by the feed, which is harmless (set insert and remove).
    pub async fn start(
        events: EventLog,
        workspace: WorkspaceId,
        timing: super::FeedTiming,
    ) -> Result<Arc<Self>, AppError> {
        let cursor = events.head(workspace).await?;
        let mut audiences: HashMap<ConversationId, HashSet<UserId>> = HashMap::new();
        for (conversation, user) in events.audiences(workspace).await? {
            audiences.entry(conversation).or_default().insert(user);
        }
        Ok(Arc::new(Self {
            workspace,
            timing,
            events,
            wake: Notify::new(),
            state: Mutex::new(State {
                cursor,
                audiences,
                subscribers: HashMap::new(),
                recent: Recent::default(),
                next_id: 0,
                announced: (cursor, tokio::time::Instant::now()),
                closed: false,
                notifying: HashMap::new(),
                created_direct: HashSet::new(),
            }),
        }))
    }

    /// Reads `user`'s notification settings for this workspace, when the feed does not hold
    /// them yet (`again`: also when it does, after they changed). Called before the user's
    /// connection is added, so its first live message is already decided with them.
    pub async fn load_notifying(&self, user: UserId, again: bool) -> Result<(), AppError> {
        if !again && self.lock().notifying.contains_key(&user) {
            return Ok(());
        }
        let settings = self
            .events
            .notification_settings(user, self.workspace)
            .await?;
        let mut state = self.lock();
        match settings {
            Some(settings) => {
                state.notifying.insert(user, settings.into());
            }
            None => {
                state.notifying.remove(&user);
            }
        }
        Ok(())
    }

    /// Whether `user` has a connection here.
    pub fn has_subscriber(&self, user: UserId) -> bool {
        self.lock().subscribers.contains_key(&user)
    }

    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs the feed until nobody listens; then calls `finished`.
    pub fn spawn(self: Arc<Self>, finished: impl FnOnce(Arc<Feed>) + Send + 'static) {
        tokio::spawn(async move {
            loop {
                let _ = tokio::time::timeout(self.timing.poll, self.wake.notified()).await;
                if let Err(e) = self.pump().await {
                    tracing::warn!(workspace = %self.workspace, error = %e, "realtime feed could not read events");
                }
                let mut state = self.lock();
                state.announce_position(self.workspace, self.timing.position_every);
                if state.subscribers.is_empty() {
                    state.closed = true;
                    break;
                }
            }
            finished(self);
        });
    }

    /// Registers a connection that has seen events up to `after` (if it says); `None` if
    /// the feed has just closed.
    pub fn add(
        self: &Arc<Self>,
        user: UserId,
        connection: Connection,
        after: Option<i64>,
    ) -> Option<(Subscription, Backlog)> {
        let mut state = self.lock();
        if state.closed {
            return None;
        }
        let id = state.next_id;
        state.next_id += 1;
        state
            .subscribers
            .entry(user)
            .or_default()
            .push(Registered { id, connection });
        let conversations = state
            .audiences
            .iter()
            .filter(|(_, members)| members.contains(&user))
            .map(|(c, _)| *c)
            .collect();
        let frames = after
            .and_then(|after| {
                state
                    .recent
                    .after(after, state.cursor, user, &conversations)
            })
            .map(|held| state.with_notices(user, held));
        let backlog = Backlog {
            conversations,
            frames,
        };
        let subscription = Subscription {
            workspace: self.workspace,
            cursor: state.cursor,
            id,
            user,
            feed: self.clone(),
        };
        Some((subscription, backlog))
    }

    pub fn typing(&self, conversation: ConversationId, user: UserId) {
        let state = self.lock();
        let Some(members) = state.audiences.get(&conversation) else {
            return;
        };
        if !members.contains(&user) {
            return;
        }
        let frame = ServerFrame::Typing {
            conversation_id: conversation,
            user_id: user,
        };
        let Ok(json) = serde_json::to_string(&frame) else {
            return;
        };
        let frame: Frame = json.into();
        for member in members.iter().filter(|m| **m != user) {
            for registered in state.subscribers.get(member).into_iter().flatten() {
                // Typing is best effort: a full queue just misses it.
                let _ = registered.connection.outbox.push(frame.clone());
            }
        }
    }

    /// Sends a frame to every connection of one person (their read state).
    pub fn send_to(&self, user: UserId, frame: &ServerFrame) {
        let Ok(json) = serde_json::to_string(frame) else {
            return;
        };
        let frame: Frame = json.into();
        let state = self.lock();
        for registered in state.subscribers.get(&user).into_iter().flatten() {
            // Like typing, best effort: a full queue misses it (the next load counts again).
            let _ = registered.connection.outbox.push(frame.clone());
        }
    }

    /// Sends a frame to every connection of this workspace (presence).
    pub fn broadcast(&self, frame: &Frame) {
        self.lock().broadcast(frame);
    }

    /// Everyone with a connection to this feed.
    pub fn connected_users(&self) -> Vec<UserId> {
        self.lock().subscribers.keys().copied().collect()
    }

    /// Delivers every event after the cursor, in order.
    async fn pump(&self) -> Result<(), AppError> {
        loop {
            let cursor = self.lock().cursor;
            let events = self.events.after(self.workspace, cursor, BATCH).await?;
            if events.is_empty() {
                return Ok(());
            }
            let followers = self.followers_of_replies(&events).await?;
            let mut state = self.lock();
            for event in &events {
                // Another pump round may not have run concurrently (one task per feed),
                // but stay exact: never deliver a position twice.
                if event.position <= state.cursor {
                    continue;
                }
                state.deliver(event, &followers);
                state.cursor = event.position;
            }
        }
    }

    /// Who follows the thread of each new reply among `events`, read before delivering
    /// them (the follows a reply adds are committed with it).
    async fn followers_of_replies(
        &self,
        events: &[Event],
    ) -> Result<HashMap<MessageId, HashSet<UserId>>, AppError> {
        let mut followers = HashMap::new();
        for event in events {
            if let EventPayload::MessagePosted { message, .. } = &event.payload
                && let Some(root) = message.thread_root_id
                && !followers.contains_key(&root)
            {
                let people = self.events.thread_followers(root).await?;
                followers.insert(root, people.into_iter().collect());
            }
        }
        Ok(followers)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Invariant: nothing panics while holding the lock; a poisoned state is still
        // structurally valid.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl State {
    /// Tells every connection how far the feed has got, when that moved since the last time
    /// and either `every` has passed or the feed moved `POSITION_AFTER_EVENTS`: events
    /// filtered out for a person do not reach them, so without this their stored position
    /// would stay behind and each replay would read those events again (protocol.md §10).
    /// Queued behind everything delivered up to the cursor, so it never overtakes an event.
    fn announce_position(&mut self, workspace: WorkspaceId, every: Duration) {
        let (position, at) = self.announced;
        let moved = self.cursor - position;
        if moved <= 0 || (moved < POSITION_AFTER_EVENTS && at.elapsed() < every) {
            return;
        }
        self.announced = (self.cursor, tokio::time::Instant::now());
        let frame = ServerFrame::Position {
            workspace_id: workspace,
            position: self.cursor,
        };
        let Ok(json) = serde_json::to_string(&frame) else {
            return;
        };
        self.broadcast(&json.into());
    }

    /// Queues a frame for every connection, best effort: a full queue misses it (presence
    /// changes, positions: a later frame says the same and more).
    fn broadcast(&self, frame: &Frame) {
        for registered in self.subscribers.values().flatten() {
            let _ = registered.connection.outbox.push(frame.clone());
        }
    }

    fn deliver(&mut self, event: &Event, followers: &HashMap<MessageId, HashSet<UserId>>) {
        let members = self.audiences.entry(event.conversation_id).or_default();
        match &event.payload {
            EventPayload::MemberJoined { user_id } => {
                members.insert(*user_id);
            }
            EventPayload::MemberLeft { user_id } | EventPayload::MemberRemoved { user_id } => {
                members.remove(user_id);
            }
            _ => {}
        }
        // Members as of this event, and whoever else it concerns.
        let extra = Audience::of(event)
            .concerns()
            .filter(|user| !members.contains(user));
        let Ok(json) = serde_json::to_string(&ServerFrame::Event {
            event: Box::new(event.clone()),
        }) else {
            return;
        };
        let frame: Frame = json.into();
        self.recent.push(event, frame.clone(), followers);
        let audience: Vec<UserId> = members.iter().copied().chain(extra).collect();
        notify::note_direct(&mut self.created_direct, event);
        let notices = notify::frames_for(
            event,
            &audience,
            &notify::Deciding {
                settings: &self.notifying,
                created_direct: &self.created_direct,
                followers,
                now: notify::now(),
                live: true,
            },
        );
        for user in &audience {
            let Some(connections) = self.subscribers.get_mut(user) else {
                continue;
            };
            let notice = notices.get(user);
            // A connection whose queue is full is ended here; it reconnects and resumes.
            connections.retain(|registered| {
                let delivered = registered.connection.outbox.push(frame.clone());
                if !delivered {
                    registered.connection.kick.kick();
                } else if let Some(notice) = notice {
                    // Right behind the event, so a client has the message when it is told
                    // of it, and both usually leave in one write. Best effort, like typing
                    // (Activity lists what a full queue missed).
                    let _ = registered.connection.outbox.push(notice.clone());
                }
                delivered
            });
        }
    }
}
