//! Direct messages: 1:1, notes to self, groups, participants, guests.

use ocomms_proto::ErrorCode;
use ocomms_proto::conversation::ConversationKind;
use ocomms_store::testing::TestDb;

use crate::support::TestServer;

ocomms_store::backend_tests!(
    direct_messages_pair_people_once_and_grow_into_groups,
    guests_only_message_people_they_share_a_channel_with
);

async fn direct_messages_pair_people_once_and_grow_into_groups(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let dm = t.member.open_direct(&t.slug, &[ids.admin]).await.unwrap();
    assert_eq!(
        (dm.kind, dm.name.as_str(), dm.member_count),
        (ConversationKind::Direct, "Ann Admin", 2)
    );
    let again = t
        .admin
        .open_direct(&t.slug, &[ids.member, ids.admin])
        .await
        .unwrap();
    assert_eq!(
        again.id, dm.id,
        "the same pair always meets in the same conversation"
    );
    assert_eq!(again.name, "Max Member", "named after the other person");
    let notes = t.member.open_direct(&t.slug, &[]).await.unwrap();
    assert_eq!(
        (notes.kind, notes.member_count, notes.name.as_str()),
        (ConversationKind::Direct, 1, "Max Member (you)")
    );
    assert_eq!(
        t.member
            .open_direct(&t.slug, &[ids.member])
            .await
            .unwrap()
            .id,
        notes.id
    );

    // Adding someone to a 1:1 opens the group of three; adding to a group keeps it.
    let group = t
        .member
        .add_to_conversation(dm.id, ids.owner, None)
        .await
        .unwrap();
    assert_ne!(group.id, dm.id);
    assert_eq!(
        (group.kind, group.member_count),
        (ConversationKind::Group, 3)
    );
    assert_eq!(
        t.owner
            .open_direct(&t.slug, &[ids.admin, ids.member])
            .await
            .unwrap()
            .id,
        group.id
    );
    let (extra, extra_id) = s
        .join(
            &t.owner,
            &t.slug,
            "eve@acme.test",
            "Eve",
            ocomms_proto::workspace::Role::Member,
        )
        .await;
    let grown = t
        .admin
        .add_to_conversation(group.id, extra_id, None)
        .await
        .unwrap();
    assert_eq!((grown.id, grown.member_count), (group.id, 4));
    assert!(extra.conversation(group.id).await.unwrap().is_member);
    let listed: Vec<_> = t
        .member
        .directs(&t.slug)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed.len(), 3);
    assert!(listed.contains(&dm.id) && listed.contains(&group.id) && listed.contains(&notes.id));

    // Private to their people, even for the workspace owner.
    assert_eq!(
        t.guest.conversation(dm.id).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(
        t.owner.conversation(dm.id).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(
        t.outsider.conversation(dm.id).await.unwrap_err().status(),
        Some(404)
    );
    // Bad input: people from elsewhere, too many people, channel-only actions.
    let err = t
        .member
        .open_direct(&t.slug, &[ids.outsider])
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        (Some(ErrorCode::ValidationFailed), Some(422))
    );
    let crowd: Vec<_> = (1000..1009).map(ocomms_proto::UserId).collect();
    assert_eq!(
        t.member
            .open_direct(&t.slug, &crowd)
            .await
            .unwrap_err()
            .status(),
        Some(422)
    );
    let rename = ocomms_proto::conversation::ConversationUpdate {
        name: Some("x".into()),
        ..Default::default()
    };
    assert_eq!(
        t.member
            .update_conversation(dm.id, &rename)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(
        t.member
            .remove_from_conversation(dm.id, ids.member)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::Forbidden)
    );
    // Someone may leave a group.
    extra
        .remove_from_conversation(group.id, extra_id)
        .await
        .unwrap();
    assert_eq!(
        t.admin.conversation(group.id).await.unwrap().member_count,
        3
    );
}

async fn guests_only_message_people_they_share_a_channel_with(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    // Guests are not in #general: they share no channel with anyone yet.
    assert!(
        t.guest
            .channels(&t.slug, &Default::default())
            .await
            .unwrap()
            .is_empty()
    );
    let refused = t
        .guest
        .open_direct(&t.slug, &[ids.member])
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), refused.status()),
        (Some(ErrorCode::Forbidden), Some(403))
    );
    assert_eq!(
        t.admin
            .open_direct(&t.slug, &[ids.guest])
            .await
            .unwrap_err()
            .status(),
        Some(403),
        "both ways"
    );
    let project = ocomms_proto::conversation::CreateChannel {
        name: "project".into(),
        private: true,
        topic: None,
        description: None,
        members: vec![ids.guest],
    };
    t.member.create_channel(&t.slug, &project).await.unwrap();
    let dm = t.guest.open_direct(&t.slug, &[ids.member]).await.unwrap();
    assert_eq!(dm.name, "Max Member");
    assert_eq!(
        t.guest
            .open_direct(&t.slug, &[ids.admin])
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    // A group with someone the guest shares nothing with is refused as a whole.
    assert_eq!(
        t.guest
            .open_direct(&t.slug, &[ids.member, ids.admin])
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    // Promoted to member, the former guest joins #general like everyone else.
    t.owner
        .set_role(&t.slug, ids.guest, ocomms_proto::workspace::Role::Member)
        .await
        .unwrap();
    let general = t
        .guest
        .channels(&t.slug, &Default::default())
        .await
        .unwrap();
    assert!(general.iter().any(|c| c.is_general && c.is_member));
    t.guest.open_direct(&t.slug, &[ids.admin]).await.unwrap();
}
