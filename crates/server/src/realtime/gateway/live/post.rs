//! `post` frames: a message posted over the socket, answered with `posted` or `post_failed`.
//!
//! Each post is committed in a task of its own, so a client can have many in flight and
//! they join the same group commits as concurrent REST posts (one frame after another on
//! the connection's own loop would wait for each commit in turn). The answer is queued
//! behind whatever the connection has waiting, like any frame.

use std::sync::Arc;

use ocomms_app::AppError;
use ocomms_proto::ConversationId;
use ocomms_proto::message::PostMessage;
use ocomms_proto::realtime::ServerFrame;
use tokio::sync::Semaphore;

use super::{Live, Local};
use crate::http::error;
use crate::realtime::Frame;

/// Posts one connection may have waiting for their commit. A client sending faster waits
/// (the connection stops reading until one is answered), which holds back a flood without
/// refusing anything.
pub(super) const POSTS_IN_FLIGHT: usize = 64;

impl Live<'_> {
    pub(super) async fn post(
        &self,
        conversation: ConversationId,
        request: PostMessage,
        local: &mut Local<'_>,
    ) {
        let posting = local
            .posting
            .get_or_insert_with(|| Arc::new(Semaphore::new(POSTS_IN_FLIGHT)));
        let Ok(permit) = posting.clone().acquire_owned().await else {
            return; // Never closed.
        };
        let (app, token) = (self.app.clone(), self.token.clone());
        let (outbox, kick) = (local.outbox.clone(), self.kick.clone());
        tokio::spawn(async move {
            let client_id = request.client_id.clone().unwrap_or_default();
            // The session is looked up again (from memory, mostly): a socket whose session
            // has just been revoked cannot post while it is being closed.
            let posted = match app.authenticate(&token).await {
                Ok(Some(actor)) => app.post_message(&actor, conversation, request).await,
                Ok(None) => Err(AppError::Unauthenticated),
                Err(e) => Err(e),
            };
            let answer = match posted {
                Ok((message, created)) => ServerFrame::Posted {
                    client_id,
                    created,
                    message: Box::new(message),
                },
                Err(e) => ServerFrame::PostFailed {
                    client_id,
                    status: error::status(&e).as_u16(),
                    error: error::body(&e),
                },
            };
            drop(permit);
            let Ok(json) = serde_json::to_string(&answer) else {
                return;
            };
            // A connection too far behind to take its answer is ended; the client resumes
            // and sends again with the same client id, which answers with the message.
            if !outbox.push(Frame::from(json)) {
                kick.kick();
            }
        });
    }
}
