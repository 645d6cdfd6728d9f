//! A connection after its replay: frames go out as the feeds queue them, client frames come
//! in, until either side stops, the heartbeat lapses or a feed finds the queue full.

use std::collections::HashMap;
use std::sync::Arc;

use ocomms_proto::realtime::{CLOSE_TOO_BIG, ClientFrame, PresenceStatus, ServerFrame};
use ocomms_proto::{ConversationId, UserId, WorkspaceId};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::frame::{TOO_BIG, too_big};
use super::socket::{self, Message, Socket};
use super::{TYPING_EVERY, text};
use crate::App;
use crate::realtime::{Hub, Kick, Outbox, PresenceChange, Subscription};

mod post;

/// A connection after its replay: frames out, client frames in, until either side stops.
pub(super) struct Live<'a> {
    pub(super) app: &'a App,
    /// The session's token, to act as it for `post` frames.
    pub(super) token: &'a Arc<str>,
    pub(super) hub: &'a Hub,
    pub(super) user: UserId,
    pub(super) subscriptions: &'a [Subscription],
    pub(super) kick: &'a Arc<Kick>,
    pub(super) presence_id: u64,
    pub(super) workspace_ids: &'a [WorkspaceId],
}

impl Live<'_> {
    pub(super) async fn run(
        &self,
        socket: &mut Socket,
        outbox: &Arc<Outbox>,
    ) -> Result<(), socket::Error> {
        let kick = self.kick;
        // Silence is counted from here, as from any frame: the replay may have taken a while.
        self.hub.heard(kick);
        let mut local = Local {
            outbox,
            last_typing: HashMap::new(),
            posting: None,
        };
        loop {
            tokio::select! {
                frames = outbox.take() => {
                    // Everything waiting goes out together: fewer writes when busy. Boxed,
                    // like handling a client's message below: a connection spends its life
                    // waiting, and its task keeps room for its largest state.
                    self.hub.metrics().frames_sent.inc_by(frames.len() as u64);
                    Box::pin(socket.send_all(&frames)).await?;
                }
                incoming = socket.next() => {
                    let message = match incoming {
                        Some(Ok(message)) => message,
                        Some(Err(e)) if too_big(&e) => {
                            let _ = socket.close(CLOSE_TOO_BIG, TOO_BIG).await;
                            break;
                        }
                        _ => break,
                    };
                    // A client silent for twice the heartbeat is closed by the hub's sweep.
                    self.hub.heard(kick);
                    if Box::pin(self.on_message(message, socket, &mut local)).await? == Next::Stop {
                        break;
                    }
                }
                // A feed found our queue full, the session ended, or the client fell
                // silent: end the connection; the client resumes.
                () = kick.kicked() => break,
            }
        }
        Ok(())
    }

    /// One message from the client. Errors in what it sent are answered with an `error`
    /// frame and the connection goes on; only `Close` ends it.
    async fn on_message(
        &self,
        message: Message,
        socket: &mut Socket,
        local: &mut Local<'_>,
    ) -> Result<Next, socket::Error> {
        match message {
            Message::Text(body) => match serde_json::from_str::<ClientFrame>(body.as_str()) {
                Ok(frame) => self.on_frame(frame, socket, local).await?,
                Err(e) => {
                    let message = format!("Unreadable frame: {e}");
                    socket.send(text(&ServerFrame::Error { message })).await?;
                }
            },
            Message::Binary(_) => {
                let message = "Frames are JSON text; binary frames are not read.".into();
                socket.send(text(&ServerFrame::Error { message })).await?;
            }
            Message::Close(_) => return Ok(Next::Stop),
            _ => {}
        }
        Ok(Next::Go)
    }

    /// One readable frame after the opening `resume`.
    async fn on_frame(
        &self,
        frame: ClientFrame,
        socket: &mut Socket,
        local: &mut Local<'_>,
    ) -> Result<(), socket::Error> {
        match frame {
            ClientFrame::Ping => socket.send(text(&ServerFrame::Pong)).await?,
            ClientFrame::Typing { conversation_id } => {
                // Typing notices go out at most every TYPING_EVERY per conversation.
                let now = Instant::now();
                let recent = local
                    .last_typing
                    .get(&conversation_id)
                    .is_some_and(|t| now - *t < TYPING_EVERY);
                if !recent {
                    local.last_typing.insert(conversation_id, now);
                    for s in self.subscriptions {
                        self.hub.typing(s.workspace, conversation_id, self.user);
                    }
                }
            }
            ClientFrame::Presence { status } => {
                let away = match status {
                    PresenceStatus::Online => false,
                    PresenceStatus::Away => true,
                    PresenceStatus::Offline => return Ok(()),
                };
                self.hub.presence_changed(
                    self.user,
                    self.presence_id,
                    PresenceChange::Away(away),
                    self.workspace_ids,
                );
            }
            ClientFrame::Post {
                conversation_id,
                client_id,
                body,
                thread_root_id,
                also_in_channel,
            } => {
                let request = ocomms_proto::message::PostMessage {
                    body,
                    client_id: Some(client_id),
                    thread_root_id,
                    also_in_channel,
                };
                self.post(conversation_id, request, local).await;
            }
            ClientFrame::Resume { .. } => {
                let message = "Already resumed; reconnect to resume again.".into();
                socket.send(text(&ServerFrame::Error { message })).await?;
            }
        }
        Ok(())
    }
}

/// What one connection keeps while live, besides its subscriptions.
struct Local<'a> {
    outbox: &'a Arc<Outbox>,
    /// When typing was last forwarded, per conversation.
    last_typing: HashMap<ConversationId, Instant>,
    /// Posts being committed (made at the first `post`: most connections never post).
    posting: Option<Arc<Semaphore>>,
}

/// Whether the connection goes on after a client's message.
#[derive(PartialEq, Eq)]
enum Next {
    Go,
    Stop,
}
