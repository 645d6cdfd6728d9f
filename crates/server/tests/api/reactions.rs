//! Reactions: one per (message, person, emoji), counted per emoji, delivered live through
//! the event stream, and refused where the message is out of reach.

use ocomms_proto::ErrorCode;
use ocomms_proto::event::EventPayload;
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, live, next_in, refusal as code};

ocomms_store::backend_tests!(
    reactions_toggle_count_and_reach_members_live,
    reactions_are_refused_out_of_reach
);

async fn reactions_toggle_count_and_reach_members_live(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let town = t.channel_by_member("town", false, vec![ids.admin]).await;
    let message = t.member.post_message(town, "lunch?", None).await.unwrap();
    let mut admin_live = live(&t.admin).await;

    let after = t.admin.react(message.id, "👍").await.unwrap();
    assert_eq!(after.reactions.len(), 1);
    assert_eq!(after.reactions[0].emoji, "👍");
    assert_eq!(after.reactions[0].user_ids, vec![ids.admin]);
    // A shortcode names the same emoji; reacting twice changes nothing.
    let again = t.admin.react(message.id, "thumbsup").await.unwrap();
    assert_eq!(again, after, "reacting twice is one reaction");
    let both = t.member.react(message.id, ":+1:").await.unwrap();
    assert_eq!(both.reactions[0].user_ids, vec![ids.admin, ids.member]);
    let tones = t.member.react(message.id, "👍🏽").await.unwrap();
    assert_eq!(
        tones
            .reactions
            .iter()
            .map(|r| r.emoji.as_str())
            .collect::<Vec<_>>(),
        ["👍", "👍🏽"],
        "a skin tone is its own emoji, in the order first used"
    );

    // The stream carries each change once, in order, after the post.
    let added = next_in(&mut admin_live, town).await;
    assert!(added.seq > message.seq);
    assert_eq!(
        added.payload,
        EventPayload::ReactionAdded {
            message_id: message.id,
            user_id: ids.admin,
            emoji: "👍".into()
        }
    );
    let by_member = next_in(&mut admin_live, town).await;
    assert!(
        matches!(by_member.payload, EventPayload::ReactionAdded { user_id, .. } if user_id == ids.member)
    );
    next_in(&mut admin_live, town).await;

    // History carries the reactions; taking one back is recorded and idempotent too.
    let removed = t.admin.unreact(message.id, "👍").await.unwrap();
    assert_eq!(removed.reactions[0].user_ids, vec![ids.member]);
    assert_eq!(t.admin.unreact(message.id, "👍").await.unwrap(), removed);
    assert_eq!(
        next_in(&mut admin_live, town).await.payload,
        EventPayload::ReactionRemoved {
            message_id: message.id,
            user_id: ids.admin,
            emoji: "👍".into()
        }
    );
    let page = t.owner.history(town, &Default::default()).await.unwrap();
    assert_eq!(page.messages[0].reactions, removed.reactions);
}

async fn reactions_are_refused_out_of_reach(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let vault = t.channel_by_member("vault", true, vec![]).await;
    let secret = t.member.post_message(vault, "secret", None).await.unwrap();
    // A private channel's message is missing to outsiders of the channel and the workspace.
    for outsider in [&t.admin, &t.outsider] {
        assert_eq!(
            code(outsider.react(secret.id, "👍").await),
            (Some(ErrorCode::NotFound), Some(404))
        );
    }
    // Not an emoji, or not one we know.
    for bad in ["hello", "👍👍", ":nope:", "<b>"] {
        assert_eq!(
            code(t.member.react(secret.id, bad).await),
            (Some(ErrorCode::ValidationFailed), Some(422)),
            "{bad}"
        );
    }
    // Seeing a public channel is not being in it: join first.
    let town = t.channel_by_member("town", false, vec![]).await;
    let hello = t.member.post_message(town, "hello", None).await.unwrap();
    assert_eq!(
        code(t.admin.react(hello.id, "👍").await),
        (Some(ErrorCode::Forbidden), Some(403))
    );
    // Deleted messages take no reactions.
    t.member.delete_message(hello.id).await.unwrap();
    assert_eq!(
        code(t.member.react(hello.id, "👍").await),
        (Some(ErrorCode::NotFound), Some(404))
    );
    let _ = ids;
}
