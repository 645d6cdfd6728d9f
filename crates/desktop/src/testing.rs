//! Wire values for tests, shared by the unit tests (`cfg(test)`) and the integration tests
//! in `tests/` (feature `test-support`, which the crate's dev-dependency on itself turns on).
//! Not part of the client.

use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, MessageId, UserId};

/// Message `seq` of `conversation` as the server sends it: id `conversation × 1000 + seq`
/// (unique across a test's conversations), by user 1, "message {seq}", posted at 0 (the
/// epoch), not edited, deleted, reacted to, threaded or pinned, mentioning no one. A test
/// sets what it is about with struct update syntax:
/// `Message { body: "hi".into(), ..message(GENERAL, 3) }`.
pub fn message(conversation: ConversationId, seq: i64) -> Message {
    Message {
        id: MessageId(conversation.0 * 1000 + seq),
        conversation_id: conversation,
        seq,
        author_id: UserId(1),
        client_id: None,
        body: format!("message {seq}"),
        html: String::new(),
        created_at: 0,
        edited_at: None,
        deleted: false,
        reactions: Vec::new(),
        thread_root_id: None,
        also_in_channel: false,
        thread: None,
        pinned: None,
        mentions: Default::default(),
    }
}
