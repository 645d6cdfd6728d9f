//! Pins: pinned and unpinned with their events, listed latest first, kept to managers where
//! a channel says so, and refused out of reach or past the limit.

use ocomms_proto::conversation::ConversationUpdate;
use ocomms_proto::event::EventPayload;
use ocomms_proto::{ErrorCode, MessageId};
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, channel, live, next_in, refusal as code};

ocomms_store::backend_tests!(
    pins_are_listed_and_delivered_live,
    pins_follow_the_channel_setting_and_the_limit
);

async fn pins_are_listed_and_delivered_live(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let town = t.channel_by_member("town", false, vec![ids.admin]).await;
    let first = t.member.post_message(town, "agenda", None).await.unwrap();
    let second = t.member.post_message(town, "minutes", None).await.unwrap();
    let mut admin_live = live(&t.admin).await;

    let pinned = t.member.set_pinned(first.id, true).await.unwrap();
    assert_eq!(pinned.pinned.map(|p| p.by), Some(ids.member));
    let event = next_in(&mut admin_live, town).await;
    assert_eq!(event.actor, ids.member);
    assert_eq!(
        event.payload,
        EventPayload::MessagePinned {
            message_id: first.id
        }
    );
    // Pinning twice changes nothing and records nothing.
    assert_eq!(t.member.set_pinned(first.id, true).await.unwrap(), pinned);
    t.admin.set_pinned(second.id, true).await.unwrap();
    assert!(matches!(
        next_in(&mut admin_live, town).await.payload,
        EventPayload::MessagePinned { message_id } if message_id == second.id
    ));
    let ids_of = |messages: Vec<ocomms_proto::message::Message>| -> Vec<MessageId> {
        messages.into_iter().map(|m| m.id).collect()
    };
    assert_eq!(
        ids_of(t.owner.pins(town).await.unwrap()),
        vec![second.id, first.id],
        "the latest pinned first, readable by anyone who sees the channel"
    );
    let history = t.admin.history(town, &Default::default()).await.unwrap();
    assert!(history.messages.iter().all(|m| m.pinned.is_some()));

    let unpinned = t.admin.set_pinned(first.id, false).await.unwrap();
    assert_eq!(unpinned.pinned, None);
    assert_eq!(
        next_in(&mut admin_live, town).await.payload,
        EventPayload::MessageUnpinned {
            message_id: first.id
        }
    );
    // A deleted message leaves the pins with it.
    t.member.delete_message(second.id).await.unwrap();
    assert!(t.member.pins(town).await.unwrap().is_empty());
    // Direct messages have pins too.
    let dm = t
        .member
        .open_direct(&t.slug, &[ids.admin])
        .await
        .unwrap()
        .id;
    let note = t.admin.post_message(dm, "address", None).await.unwrap();
    t.member.set_pinned(note.id, true).await.unwrap();
    assert_eq!(ids_of(t.admin.pins(dm).await.unwrap()), vec![note.id]);
}

async fn pins_follow_the_channel_setting_and_the_limit(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let town = t
        .member
        .create_channel(&t.slug, &channel("town", false, vec![ids.guest]))
        .await
        .unwrap();
    assert!(!town.pins_managers_only);
    let town = town.id;
    let message = t.member.post_message(town, "hello", None).await.unwrap();
    let forbidden = (Some(ErrorCode::Forbidden), Some(403));
    let missing = (Some(ErrorCode::NotFound), Some(404));

    // Any member pins, until the channel's manager keeps pins to managers.
    t.guest.set_pinned(message.id, true).await.unwrap();
    let managers_only = ConversationUpdate {
        pins_managers_only: Some(true),
        ..ConversationUpdate::default()
    };
    assert_eq!(
        code(t.guest.update_conversation(town, &managers_only).await),
        forbidden,
        "only managers change who may pin"
    );
    let updated = t
        .member
        .update_conversation(town, &managers_only)
        .await
        .unwrap();
    assert!(updated.pins_managers_only && updated.can_pin);
    assert!(!t.guest.conversation(town).await.unwrap().can_pin);
    assert_eq!(code(t.guest.set_pinned(message.id, false).await), forbidden);
    t.member.set_pinned(message.id, false).await.unwrap();

    // Out of reach: not a member of the public channel (403), outside it altogether (404).
    assert_eq!(code(t.admin.set_pinned(message.id, true).await), forbidden);
    assert_eq!(code(t.outsider.set_pinned(message.id, true).await), missing);
    assert_eq!(code(t.outsider.pins(town).await), missing);

    // At most 100 pins in a conversation.
    for i in 0..ocomms_proto::limit::MAX_PINS {
        let m = t
            .member
            .post_message(town, &format!("n{i}"), None)
            .await
            .unwrap();
        t.member.set_pinned(m.id, true).await.unwrap();
    }
    let one_more = t.member.post_message(town, "one more", None).await.unwrap();
    assert_eq!(
        code(t.member.set_pinned(one_more.id, true).await),
        (Some(ErrorCode::Conflict), Some(409))
    );

    // An archived channel is read-only: no pinning.
    let archive = ConversationUpdate {
        archived: Some(true),
        ..ConversationUpdate::default()
    };
    t.member.update_conversation(town, &archive).await.unwrap();
    assert_eq!(
        code(t.member.set_pinned(message.id, true).await).1,
        Some(409)
    );
}
