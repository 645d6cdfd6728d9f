//! Event frames are serialised once per event by each workspace feed and parsed by every
//! client: `cargo bench -p ocomms-proto --bench events`.

use criterion::{Criterion, criterion_group, criterion_main};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::message::Message;
use ocomms_proto::realtime::ServerFrame;
use ocomms_proto::{ConversationId, MessageId, UserId, WorkspaceId};
use std::hint::black_box;

fn frame() -> ServerFrame {
    let body = "**Deploy** is done, see https://ci.example.com/runs/4812".to_owned();
    ServerFrame::Event {
        event: Box::new(Event {
            workspace_id: WorkspaceId(1),
            position: 1_234_567,
            conversation_id: ConversationId(42),
            seq: 98_765,
            actor: UserId(7),
            at: 1_795_000_000_000,
            payload: EventPayload::MessagePosted {
                message: Message {
                    id: MessageId(555_555),
                    conversation_id: ConversationId(42),
                    seq: 98_765,
                    author_id: UserId(7),
                    client_id: Some("0b6f3c1e-6a4e-4d8e-9a57-5c1f2f7d9e10".into()),
                    html: format!("<p>{body}</p>"),
                    body,
                    created_at: 1_795_000_000_000,
                    edited_at: None,
                    deleted: false,
                    reactions: Vec::new(),
                    thread_root_id: None,
                    also_in_channel: false,
                    thread: None,
                    pinned: None,
                    mentions: Default::default(),
                },
                thread: None,
            },
        }),
    }
}

fn events(c: &mut Criterion) {
    let frame = frame();
    let text = serde_json::to_string(&frame).unwrap_or_default();
    c.bench_function("event frame: serialise message_posted", |b| {
        b.iter(|| serde_json::to_string(black_box(&frame)))
    });
    c.bench_function("event frame: parse message_posted", |b| {
        b.iter(|| serde_json::from_str::<ServerFrame>(black_box(&text)))
    });
}

criterion_group!(benches, events);
criterion_main!(benches);
