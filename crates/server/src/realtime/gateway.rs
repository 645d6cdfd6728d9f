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
use futures_util::{SinkExt as _, StreamExt as _};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::realtime::{
    CLOSE_RESUME_FIRST, CLOSE_TOO_BIG, CLOSE_TOO_MANY_SOCKETS, CLOSE_UNREADABLE, ClientFrame,
    MAX_CLIENT_FRAME_BYTES, MAX_SOCKETS_PER_SESSION, ServerFrame,
};
use ocomms_proto::{UserId, WorkspaceId};
use std::sync::Arc;

use tokio::sync::Notify;

use ocomms_app::visibility::Audience;
use ocomms_app::{Actor, AppError};

use self::frame::{First, TOO_BIG, close, first_frame};
use self::live::Live;
use self::socket::{Sink, Stream, Upgrade, WebSocket};
use super::sockets::SocketSlot;
use super::{Backlog, Connection, Frame, Hub, Outbox, PresenceChange, Subscription};
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
const READ_BUFFER: usize = 512;

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
    // Everything the connection starts with travels boxed: a future keeps room for its
    // arguments for as long as it lives, and these (the account records, the socket before
    // it is split) are needed only while opening.
    let actor = Box::new(actor);
    Ok(
        upgrade.on_upgrade(READ_BUFFER, MAX_CLIENT_FRAME_BYTES, move |socket| {
            let start = Box::new(Start {
                app,
                hub,
                actor,
                token,
                socket,
            });
            async move {
                let Some(slot) = slot else {
                    // Boxed: the refusal's state must not widen every connection's task.
                    return Box::pin(refuse(start)).await;
                };
                if let Err(e) = serve(start, slot).await {
                    tracing::debug!(error = %e, "websocket closed");
                }
            }
        }),
    )
}

/// What a connection starts with.
struct Start {
    app: App,
    hub: Arc<Hub>,
    actor: Box<Actor>,
    token: Arc<str>,
    socket: WebSocket,
}

/// Closes a socket its session has no room for.
async fn refuse(start: Box<Start>) {
    let mut socket = start.socket;
    let reason =
        format!("Too many connections for this session (at most {MAX_SOCKETS_PER_SESSION}).");
    let _ = socket.send(close(CLOSE_TOO_MANY_SOCKETS, &reason)).await;
}

/// What a connection keeps once it is ready: ids and handles, no records.
struct Opened {
    user: UserId,
    outbox: Arc<Outbox>,
    kick: Arc<Notify>,
    subscriptions: Vec<Subscription>,
    workspace_ids: Vec<WorkspaceId>,
    presence_id: u64,
}

/// `_slot` counts the socket against its session until the connection ends.
async fn serve(start: Box<Start>, _slot: SocketSlot) -> Result<(), socket::Error> {
    let Start {
        app,
        hub,
        actor,
        token,
        socket,
    } = *start;
    let _counted = Counted::open(&hub);
    let (mut sink, mut stream) = socket.split();
    // Boxed, and over before the connection goes live: opening awaits large futures (the
    // database, the account records) that would otherwise be laid out in every idle
    // connection's task for its whole life.
    let opened = Box::pin(open(&app, &hub, actor, &mut sink, &mut stream)).await?;
    let Some(opened) = opened else {
        return Ok(());
    };
    let connection = Live {
        app: &app,
        token: &token,
        hub: &hub,
        user: opened.user,
        subscriptions: &opened.subscriptions,
        kick: &opened.kick,
        presence_id: opened.presence_id,
        workspace_ids: &opened.workspace_ids,
    };
    let outcome = connection.run(&mut sink, &mut stream, &opened.outbox).await;
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
    sink: &mut Sink,
    stream: &mut Stream,
) -> Result<Option<Opened>, socket::Error> {
    let hello = ServerFrame::Hello {
        heartbeat_interval_ms: u64::try_from(HEARTBEAT.as_millis()).unwrap_or(30_000),
    };
    socket::send(sink, text(&hello)).await?;
    // The first frame says where to start.
    let positions = match tokio::time::timeout(HEARTBEAT * 2, first_frame(stream)).await {
        Ok(First::Frame(ClientFrame::Resume { positions })) => positions,
        Ok(First::Frame(_)) => {
            let message = "Send resume first.";
            socket::send(
                sink,
                text(&ServerFrame::Error {
                    message: message.into(),
                }),
            )
            .await?;
            sink.send(close(CLOSE_RESUME_FIRST, message)).await?;
            return Ok(None);
        }
        Ok(First::Unreadable(reason)) => {
            sink.send(close(CLOSE_UNREADABLE, &reason)).await?;
            return Ok(None);
        }
        Ok(First::TooBig) => {
            let _ = sink.send(close(CLOSE_TOO_BIG, TOO_BIG)).await;
            return Ok(None);
        }
        Ok(First::Gone) | Err(_) => return Ok(None),
    };
    let outbox = Arc::new(Outbox::default());
    let kick = Arc::new(Notify::new());
    // Revoking this session, or a change of the person's workspaces, closes this socket.
    hub.track_socket(actor.user.id, actor.session.id, &kick);
    let connection = Connection {
        outbox: outbox.clone(),
        kick: kick.clone(),
    };
    let Some((subscriptions, heads)) =
        subscribe_and_replay(app, hub, &actor, &positions, connection, sink).await?
    else {
        return Ok(None);
    };
    let user = actor.user.id;
    let workspace_ids: Vec<WorkspaceId> = heads.keys().copied().collect();
    socket::send(sink, text(&ServerFrame::Ready { positions: heads })).await?;
    // Only now, so that every connection counted online is also counted out (`serve`).
    let presence_id = hub.connection_id();
    hub.presence_changed(user, presence_id, PresenceChange::Connected, &workspace_ids);
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
    sink: &mut Sink,
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
        replay(app, actor.user.id, &subscription, backlog, after, sink).await?;
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
    sink: &mut Sink,
) -> Result<(), socket::Error> {
    let Some(mut after) = after else {
        return Ok(());
    };
    if let Some(frames) = backlog.frames {
        for frame in frames {
            socket::feed(sink, frame).await?;
        }
        return sink.flush().await;
    }
    let workspace: WorkspaceId = subscription.workspace;
    if after < 0 || after > subscription.cursor || subscription.cursor - after > MAX_REPLAY {
        let frame = ServerFrame::ResyncRequired {
            workspace_id: workspace,
            position: subscription.cursor,
        };
        return socket::send(sink, text(&frame)).await;
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
                return socket::send(sink, text(&frame)).await;
            }
        };
        if events.is_empty() {
            break;
        }
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
                socket::feed(sink, frame).await?;
                if let Some(notice) = notice {
                    socket::feed(sink, notice).await?;
                }
            }
        }
        sink.flush().await?;
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
