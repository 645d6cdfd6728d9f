//! `GET /api/v1/ws`: one WebSocket per client, authenticated like the API (cookie or bearer
//! token). Protocol: docs/protocol.md.

mod frame;
mod live;
pub mod socket;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::realtime::{
    CLOSE_RESUME_FIRST, CLOSE_TOO_BIG, CLOSE_TOO_MANY_SOCKETS, CLOSE_UNREADABLE, ClientFrame,
    MAX_CLIENT_FRAME_BYTES, MAX_SOCKETS_PER_SESSION, ServerFrame,
};
use ocomms_proto::{UserId, WorkspaceId};
use std::sync::Arc;

use ocomms_app::visibility::Audience;
use ocomms_app::{Actor, AppError};

use self::frame::{First, TOO_BIG, first_frame};
use self::live::Live;
use self::socket::{Socket, Upgrade};
use super::sockets::SocketSlot;
use super::{Backlog, Connection, Frame, Hub, Kick, Outbox, PresenceChange, Subscription};
use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;

/// Clients ping at least this often; silence for twice as long closes the connection.
pub const HEARTBEAT: Duration = Duration::from_secs(30);
/// A client further behind than this many events per workspace is told to resync.
const MAX_REPLAY: i64 = 10_000;
/// Typing notices from one connection per conversation, at most this often.
const TYPING_EVERY: Duration = Duration::from_secs(3);
/// Read buffers stay small: most connections are idle, and what clients send (resume, ping,
/// typing, presence) fits; a larger frame grows the buffer as needed. axum's default is
/// 128 KiB each.
const READ_BUFFER: usize = 256;

pub async fn connect(
    State(app): State<App>,
    hub: Arc<Hub>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    upgrade: Upgrade,
) -> Result<Response, ApiError> {
    // Browsers send cookies with cross-site WebSocket handshakes; only our own pages may
    // connect with them (cross-site WebSocket hijacking).
    if crate::http::security::cross_site(&headers) {
        return Err(
            AppError::Forbidden("Cross-site WebSocket connections are refused.".into()).into(),
        );
    }
    app.require_verified(&actor)?;
    // Kept to act as this session later (`post` frames), checked again each time, so a
    // revoked session cannot post through a socket that has not closed yet.
    let token: Arc<str> = crate::http::auth::presented_token(&headers)
        .ok_or(AppError::Unauthenticated)?
        .0
        .into();
    // Counted from before the upgrade, so a burst of connects cannot all pass the cap. Over
    // it, the upgrade still happens: a close code is the only refusal a browser's
    // WebSocket can read (a failed handshake shows no status).
    let slot = hub.claim_socket(actor.session.id);
    // Everything the connection starts with travels boxed (`Start`), and the connection
    // uses it there: a future keeps room for its arguments, and for each value moved out of
    // them, for as long as it lives. The account records are dropped once open.
    let actor = Box::new(actor);
    Ok(
        upgrade.on_upgrade(READ_BUFFER, MAX_CLIENT_FRAME_BYTES, move |socket| {
            let start = Start {
                app,
                hub,
                actor: Some(actor),
                token,
                socket,
            };
            switched(Box::new(start), slot)
        }),
    )
}

/// The connection once switched: closed with a reason when its session had no room left
/// (`slot` is `None`), served otherwise.
async fn switched(start: Box<Start>, slot: Option<SocketSlot>) {
    let Some(slot) = slot else {
        // Boxed: the refusal's state must not widen every connection's task.
        return Box::pin(refuse(start)).await;
    };
    if let Err(e) = serve(start, slot).await {
        tracing::debug!(error = %e, "websocket closed");
    }
}

/// What a connection starts with.
struct Start {
    app: App,
    hub: Arc<Hub>,
    /// Taken when opening: only needed until then.
    actor: Option<Box<Actor>>,
    token: Arc<str>,
    socket: Socket,
}

/// Closes a socket its session has no room for.
async fn refuse(start: Box<Start>) {
    let mut socket = start.socket;
    let reason =
        format!("Too many connections for this session (at most {MAX_SOCKETS_PER_SESSION}).");
    let _ = socket.close(CLOSE_TOO_MANY_SOCKETS, &reason).await;
}

/// What a connection keeps once it is ready: ids and handles, no records.
struct Opened {
    user: UserId,
    outbox: Arc<Outbox>,
    kick: Arc<Kick>,
    subscriptions: Vec<Subscription>,
    workspace_ids: Vec<WorkspaceId>,
    presence_id: u64,
}

/// `_slot` counts the socket against its session until the connection ends.
async fn serve(mut start: Box<Start>, _slot: SocketSlot) -> Result<(), socket::Error> {
    // Used in place, through references: a future keeps room for each value it moves into a
    // local beside the room of the value it came from, for as long as it lives.
    let Start {
        app,
        hub,
        actor,
        token,
        socket,
    } = &mut *start;
    let _counted = Counted::open(hub);
    let Some(actor) = actor.take() else {
        return Ok(());
    };
    // Boxed, and over before the connection goes live: opening awaits large futures (the
    // database, the account records) that would otherwise be laid out in every idle
    // connection's task for its whole life.
    let opened = Box::pin(open(app, hub, actor, socket)).await?;
    let Some(opened) = opened else {
        return Ok(());
    };
    let connection = Live {
        app,
        token,
        hub,
        user: opened.user,
        subscriptions: &opened.subscriptions,
        kick: &opened.kick,
        presence_id: opened.presence_id,
        workspace_ids: &opened.workspace_ids,
    };
    let outcome = connection.run(socket, &opened.outbox).await;
    hub.presence_changed(
        opened.user,
        opened.presence_id,
        PresenceChange::Disconnected,
        &opened.workspace_ids,
    );
    drop(opened);
    outcome
}

/// The connection counted as open in `/metrics` until dropped, however it ends.
struct Counted<'a>(&'a Hub);

impl<'a> Counted<'a> {
    fn open(hub: &'a Hub) -> Self {
        hub.metrics().websockets.inc();
        Self(hub)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.metrics().websockets.dec();
    }
}

/// Hello, resume, subscriptions and replay, then `ready`. `None` when the client did not
/// resume properly or the subscriptions could not be made (the socket then closes).
async fn open(
    app: &App,
    hub: &Arc<Hub>,
    actor: Box<Actor>,
    socket: &mut Socket,
) -> Result<Option<Opened>, socket::Error> {
    let hello = ServerFrame::Hello {
        heartbeat_interval_ms: u64::try_from(HEARTBEAT.as_millis()).unwrap_or(30_000),
    };
    socket.send(text(&hello)).await?;
    // The first frame says where to start.
    let positions = match tokio::time::timeout(HEARTBEAT * 2, first_frame(socket)).await {
        Ok(First::Frame(ClientFrame::Resume { positions })) => positions,
        Ok(First::Frame(_)) => {
            let message = "Send resume first.";
            socket
                .send(text(&ServerFrame::Error {
                    message: message.into(),
                }))
                .await?;
            socket.close(CLOSE_RESUME_FIRST, message).await?;
            return Ok(None);
        }
        Ok(First::Unreadable(reason)) => {
            socket.close(CLOSE_UNREADABLE, &reason).await?;
            return Ok(None);
        }
        Ok(First::TooBig) => {
            let _ = socket.close(CLOSE_TOO_BIG, TOO_BIG).await;
            return Ok(None);
        }
        Ok(First::Gone) | Err(_) => return Ok(None),
    };
    let outbox = Arc::new(Outbox::default());
    let kick = Arc::new(Kick::default());
    // Revoking this session, a change of the person's workspaces, or the client's silence
    // closes this socket.
    hub.track_socket(actor.user.id, actor.session.id, &kick);
    let connection = Connection {
        outbox: outbox.clone(),
        kick: kick.clone(),
    };
    let Some((subscriptions, heads)) =
        subscribe_and_replay(app, hub, &actor, &positions, connection, socket).await?
    else {
        return Ok(None);
    };
    let user = actor.user.id;
    let workspace_ids: Vec<WorkspaceId> = heads.keys().copied().collect();
    // Online before `ready` goes out: a client that acts on `ready` (someone's `@here` post
    // it waited for) must find itself online. Counted out again if `ready` cannot be sent;
    // after it, `serve` counts it out.
    let presence_id = hub.connection_id();
    hub.presence_changed(user, presence_id, PresenceChange::Connected, &workspace_ids);
    let ready = text(&ServerFrame::Ready { positions: heads });
    if let Err(e) = socket.send(ready).await {
        hub.presence_changed(
            user,
            presence_id,
            PresenceChange::Disconnected,
            &workspace_ids,
        );
        return Err(e);
    }
    Ok(Some(Opened {
        user,
        outbox,
        kick,
        subscriptions,
        workspace_ids,
        presence_id,
    }))
}

/// Subscribes to each of the person's workspaces and replays what they missed there.
/// `None` when that cannot be done: the socket then closes and the client retries with
/// backoff, instead of sitting silent.
async fn subscribe_and_replay(
    app: &App,
    hub: &Arc<Hub>,
    actor: &Actor,
    positions: &BTreeMap<WorkspaceId, i64>,
    connection: Connection,
    socket: &mut Socket,
) -> Result<Option<(Vec<Subscription>, BTreeMap<WorkspaceId, i64>)>, socket::Error> {
    let workspaces = match app.realtime_workspaces(actor).await {
        Ok(workspaces) => workspaces,
        Err(e) => {
            tracing::warn!(error = %e, "could not list workspaces for a realtime connection");
            return Ok(None);
        }
    };
    let mut subscriptions = Vec::with_capacity(workspaces.len());
    let mut heads = BTreeMap::new();
    for workspace in workspaces {
        let after = positions.get(&workspace).copied();
        let (subscription, backlog) = match hub
            .subscribe(workspace, actor.user.id, connection.clone(), after)
            .await
        {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "realtime subscription failed");
                return Ok(None);
            }
        };
        replay(app, actor.user.id, &subscription, backlog, after, socket).await?;
        heads.insert(workspace, subscription.cursor);
        subscriptions.push(subscription);
    }
    Ok(Some((subscriptions, heads)))
}

/// Sends the events after `after` up to the subscription's cursor, or asks for a resync.
async fn replay(
    app: &App,
    user: UserId,
    subscription: &Subscription,
    backlog: Backlog,
    after: Option<i64>,
    socket: &mut Socket,
) -> Result<(), socket::Error> {
    let Some(mut after) = after else {
        return Ok(());
    };
    if let Some(frames) = backlog.frames {
        return socket.send_all(&frames).await;
    }
    let workspace: WorkspaceId = subscription.workspace;
    if after < 0 || after > subscription.cursor || subscription.cursor - after > MAX_REPLAY {
        let frame = ServerFrame::ResyncRequired {
            workspace_id: workspace,
            position: subscription.cursor,
        };
        return socket.send(text(&frame)).await;
    }
    while after < subscription.cursor {
        let events = match app.event_log().after(workspace, after, 500).await {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!(error = %e, "replay failed");
                let frame = ServerFrame::ResyncRequired {
                    workspace_id: workspace,
                    position: subscription.cursor,
                };
                return socket.send(text(&frame)).await;
            }
        };
        if events.is_empty() {
            break;
        }
        let mut frames = Vec::with_capacity(events.len());
        for event in events {
            if event.position > subscription.cursor {
                break;
            }
            after = event.position;
            if Audience::of(&event).includes(user, &backlog.conversations) {
                let notice = replayed_notice(app, subscription, &event).await;
                let frame = text(&ServerFrame::Event {
                    event: Box::new(event),
                });
                frames.push(frame);
                frames.extend(notice);
            }
        }
        socket.send_all(&frames).await?;
    }
    Ok(())
}

/// The `notify` frame behind a replayed new message, as it would have come live. A reply's
/// thread followers are read now (a failed read only loses the notification).
async fn replayed_notice(app: &App, subscription: &Subscription, event: &Event) -> Option<Frame> {
    let EventPayload::MessagePosted { message, .. } = &event.payload else {
        return None;
    };
    let mut followers = HashMap::new();
    if let Some(root) = message.thread_root_id {
        let people = app.event_log().thread_followers(root).await.ok()?;
        followers.insert(root, people.into_iter().collect::<HashSet<_>>());
    }
    subscription.notice(event, &followers)
}

fn text(frame: &ServerFrame) -> Frame {
    serde_json::to_string(frame).unwrap_or_default().into()
}
