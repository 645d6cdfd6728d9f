//! Posting over a realtime session's socket: the `post` frames waiting for their answer, and
//! what becomes of them when a connection ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ocomms_proto::ConversationId;
use ocomms_proto::message::{Message as ChatMessage, PostMessage};
use ocomms_proto::realtime::ClientFrame;
use tokio::sync::{mpsc, oneshot};

use crate::ClientError;

/// What a post over the socket comes to: the message and whether it is new (`false`: its
/// client id had been used, and this is the first message).
pub type Posted = Result<(ChatMessage, bool), ClientError>;

/// Posts over a realtime session's socket (see [`super::Realtime::poster`]).
#[derive(Clone)]
pub struct Poster {
    pub(super) commands: mpsc::UnboundedSender<ClientFrame>,
    pub(super) waiting: Waiting,
}

impl Poster {
    /// Posts a message over the socket (a `post` frame), without an HTTP request: answered
    /// once committed, like `Client::post_message`. `request.client_id` is required (one is
    /// made when missing) and makes sending again safe. A post waits for the session to be
    /// live and goes out then, and one not sent yet when a connection drops waits for the
    /// next. When a connection ends after the post went out and before its answer, it is
    /// answered `ClientError::Disconnected`: send it again with the same client id, over
    /// either path, and the answer says whether it was new. When the session stops, every
    /// post still waiting is answered `Disconnected`.
    pub async fn post(&self, conversation_id: ConversationId, request: PostMessage) -> Posted {
        let client_id = request
            .client_id
            .unwrap_or_else(|| format!("sdk-{:032x}", rand::random::<u128>()));
        let answered = self.waiting.add(client_id.clone());
        let frame = ClientFrame::Post {
            conversation_id,
            client_id,
            body: request.body,
            thread_root_id: request.thread_root_id,
            also_in_channel: request.also_in_channel,
        };
        if self.commands.send(frame).is_err() {
            return Err(ClientError::Disconnected);
        }
        answered.await.unwrap_or(Err(ClientError::Disconnected))
    }
}

/// Posts waiting for their answer, by client id; shared by the posters and the session's
/// worker.
#[derive(Clone, Default)]
pub(super) struct Waiting(Arc<Mutex<HashMap<String, Pending>>>);

/// A post waiting for its answer.
struct Pending {
    answer: oneshot::Sender<Posted>,
    /// Written to the current connection: when it ends, the answer will not come.
    sent: bool,
}

impl Waiting {
    fn posts(&self) -> MutexGuard<'_, HashMap<String, Pending>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self, client_id: String) -> oneshot::Receiver<Posted> {
        let (answer, answered) = oneshot::channel();
        let pending = Pending {
            answer,
            sent: false,
        };
        self.posts().insert(client_id, pending);
        answered
    }

    /// `frame` is about to be written: a post in it is waiting on this connection from now.
    /// (Marked before writing: a write that fails half-way may have gone out.)
    pub(super) fn going_out(&self, frame: &ClientFrame) {
        if let ClientFrame::Post { client_id, .. } = frame
            && let Some(pending) = self.posts().get_mut(client_id)
        {
            pending.sent = true;
        }
    }

    /// The server's answer to the post `client_id`.
    pub(super) fn answer(&self, client_id: &str, posted: Posted) {
        if let Some(pending) = self.posts().remove(client_id) {
            let _ = pending.answer.send(posted);
        }
    }

    /// A connection ended. Posts that went out on it will not be answered on the next one:
    /// their callers are told to send again (the client id keeps that safe). Those still
    /// queued go out on the next connection and wait for it, unless `session_over`.
    pub(super) fn connection_ended(&self, session_over: bool) {
        let unanswered: Vec<Pending> = self
            .posts()
            .extract_if(|_, pending| session_over || pending.sent)
            .map(|(_, pending)| pending)
            .collect();
        for pending in unanswered {
            let _ = pending.answer.send(Err(ClientError::Disconnected));
        }
    }
}
