//! The calls that are more than one SDK call: posting in order with retries, and loading a
//! workspace's conversations with its people and read state.

use ocomms_client::Client;
use ocomms_proto::ConversationId;
use tokio::sync::mpsc;

use super::{POST_RETRIES, Sink};
use crate::error::CallError;
use crate::msg::{Loaded, Msg};
use crate::state::AccountKey;

pub(super) struct Post {
    pub(super) conversation: ConversationId,
    pub(super) body: String,
    pub(super) client_id: String,
}

/// Posts one message at a time, so they keep their order; a post that failed on the
/// network is retried a few times before it is reported offline.
pub(super) async fn post_in_order(
    client: Client,
    account: AccountKey,
    mut queue: mpsc::UnboundedReceiver<Post>,
    sink: Sink,
) {
    while let Some(post) = queue.recv().await {
        let mut result = send_once(&client, &post).await;
        for pause in POST_RETRIES {
            if !matches!(result, Err(CallError::Offline(_))) {
                break;
            }
            tokio::time::sleep(pause).await;
            result = send_once(&client, &post).await;
        }
        sink(Msg::Posted {
            account,
            client_id: post.client_id,
            result,
        });
    }
}

async fn send_once(
    client: &Client,
    post: &Post,
) -> Result<ocomms_proto::message::Message, CallError> {
    client
        .post_message(post.conversation, &post.body, Some(&post.client_id))
        .await
        .map_err(CallError::from)
}

/// A workspace's channels and direct messages, and its members' names.
pub(super) async fn conversations(client: &Client, slug: &str) -> Result<Loaded, CallError> {
    let mut list = client.channels(slug, &Default::default()).await?;
    list.extend(client.directs(slug).await?);
    let names = client
        .members(slug)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.profile.display_name))
        .collect();
    let unread = client
        .read_states(slug)
        .await?
        .into_iter()
        .map(|r| {
            let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
            (r.conversation_id, count(r.unread), count(r.mentions))
        })
        .collect();
    Ok((list, names, unread))
}
