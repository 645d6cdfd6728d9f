//! Channels: names, #general, privacy, joining, topic, rename, archive, managers.

use ocomms_client::ClientError;
use ocomms_proto::ErrorCode;
use ocomms_proto::conversation::{
    ChannelQuery, ConversationKind, ConversationRole, ConversationUpdate, CreateChannel,
};
use ocomms_proto::event::EventPayload;
use ocomms_store::testing::TestDb;

use crate::support::TestServer;

ocomms_store::backend_tests!(
    channel_names_are_normalised_and_unique,
    general_holds_everyone_and_cannot_be_left_or_archived,
    private_channels_do_not_exist_for_outsiders,
    public_channels_are_browsed_joined_and_edited,
    archived_channels_are_read_only_and_listed_apart,
    the_last_manager_of_a_private_channel_cannot_leave,
);

fn create(name: &str, private: bool) -> CreateChannel {
    CreateChannel {
        name: name.into(),
        private,
        topic: None,
        description: None,
        members: vec![],
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (Option<ErrorCode>, Option<u16>) {
    match r {
        Err(e) => (e.code(), e.status()),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

fn names(list: &[ocomms_proto::conversation::Conversation]) -> Vec<String> {
    list.iter().map(|c| c.name.clone()).collect()
}

async fn channel_names_are_normalised_and_unique(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let c = t
        .member
        .create_channel(&t.slug, &create("  # Team Updates ", false))
        .await
        .unwrap();
    assert_eq!(
        (c.name.as_str(), c.kind, c.can_manage, c.member_count),
        ("team-updates", ConversationKind::Public, true, 1)
    );
    let taken = code(
        t.admin
            .create_channel(&t.slug, &create("Team  updates", true))
            .await,
    );
    assert_eq!(taken, (Some(ErrorCode::ValidationFailed), Some(422)));
    assert_eq!(
        code(
            t.admin
                .create_channel(&t.slug, &create("general", false))
                .await
        )
        .1,
        Some(422)
    );
    assert_eq!(
        code(
            t.admin
                .create_channel(&t.slug, &create("what?", false))
                .await
        )
        .1,
        Some(422)
    );
    assert_eq!(
        code(
            t.admin
                .create_channel(&t.slug, &create(&"x".repeat(81), false))
                .await
        )
        .1,
        Some(422)
    );
    let outsider_ids = vec![t.ids.outsider];
    let with_stranger = CreateChannel {
        members: outsider_ids,
        ..create("with-stranger", false)
    };
    assert_eq!(
        code(t.admin.create_channel(&t.slug, &with_stranger).await).1,
        Some(422)
    );
    assert_eq!(
        code(
            t.guest
                .create_channel(&t.slug, &create("guests-own", false))
                .await
        ),
        (Some(ErrorCode::Forbidden), Some(403))
    );
    // Nothing half-made: only #general and the one channel exist.
    assert_eq!(
        names(
            &t.owner
                .channels(&t.slug, &ChannelQuery::default())
                .await
                .unwrap()
        ),
        vec!["general", "team-updates"]
    );
}

async fn general_holds_everyone_and_cannot_be_left_or_archived(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let channels = t
        .member
        .channels(&t.slug, &ChannelQuery::default())
        .await
        .unwrap();
    let general = channels
        .iter()
        .find(|c| c.is_general)
        .expect("members are in #general")
        .clone();
    assert_eq!(
        general.member_count, 3,
        "owner, admin and member; guests only see what they are added to"
    );
    assert_eq!(code(t.guest.conversation(general.id).await).1, Some(404));
    assert_eq!(
        code(
            t.member
                .remove_from_conversation(general.id, t.ids.member)
                .await
        )
        .0,
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(
        code(
            t.owner
                .remove_from_conversation(general.id, t.ids.member)
                .await
        )
        .0,
        Some(ErrorCode::Forbidden)
    );
    let archive = ConversationUpdate {
        archived: Some(true),
        ..ConversationUpdate::default()
    };
    assert_eq!(
        code(t.owner.update_conversation(general.id, &archive).await).0,
        Some(ErrorCode::Forbidden)
    );
    // Leaving the workspace takes you out of #general; new members are put in.
    t.member.remove_member(&t.slug, t.ids.member).await.unwrap();
    assert_eq!(
        t.owner.conversation(general.id).await.unwrap().member_count,
        2
    );
    s.join(
        &t.owner,
        &t.slug,
        "new@acme.test",
        "Nia New",
        ocomms_proto::workspace::Role::Member,
    )
    .await;
    assert_eq!(
        t.owner.conversation(general.id).await.unwrap().member_count,
        3
    );
}

async fn private_channels_do_not_exist_for_outsiders(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let secret = t
        .member
        .create_channel(
            &t.slug,
            &CreateChannel {
                members: vec![t.ids.guest],
                ..create("secret", true)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        code(t.guest.create_channel(&t.slug, &create("x", false)).await).1,
        Some(403)
    );
    assert_eq!(secret.member_count, 2);
    // The guest was added, so the guest sees it; the owner and admin do not.
    assert!(t.guest.conversation(secret.id).await.unwrap().is_member);
    let missing = ocomms_proto::ConversationId(secret.id.0 + 1000);
    for outsider in [&t.owner, &t.admin, &t.outsider] {
        let hidden = outsider.conversation(secret.id).await.unwrap_err();
        let absent = outsider.conversation(missing).await.unwrap_err();
        assert_eq!(
            (hidden.status(), hidden.to_string()),
            (absent.status(), absent.to_string()),
            "indistinguishable"
        );
        assert_eq!(
            code(outsider.conversation_members(secret.id).await).1,
            Some(404)
        );
        assert_eq!(
            code(outsider.conversation_events(secret.id, 0).await).1,
            Some(404)
        );
        assert_eq!(
            code(
                outsider
                    .update_conversation(
                        secret.id,
                        &ConversationUpdate {
                            topic: Some("x".into()),
                            ..Default::default()
                        }
                    )
                    .await
            )
            .1,
            Some(404)
        );
        let me = outsider.me().await.unwrap().id;
        assert_eq!(
            code(outsider.add_to_conversation(secret.id, me, None).await).1,
            Some(404),
            "no joining uninvited"
        );
        assert_eq!(
            code(
                outsider
                    .remove_from_conversation(secret.id, t.ids.guest)
                    .await
            )
            .1,
            Some(404)
        );
    }
    for viewer in [&t.owner, &t.admin] {
        let listed = viewer
            .channels(
                &t.slug,
                &ChannelQuery {
                    query: Some("sec".into()),
                    archived: None,
                },
            )
            .await
            .unwrap();
        assert!(listed.is_empty(), "not listed, not even by name");
    }
    assert_eq!(
        t.owner.conversation(secret.id).await.unwrap_err().code(),
        Some(ErrorCode::NotFound)
    );
    // Once invited, the admin sees it and its history.
    t.member
        .add_to_conversation(secret.id, t.ids.admin, None)
        .await
        .unwrap();
    let seen = t.admin.conversation(secret.id).await.unwrap();
    assert!(
        seen.is_member && seen.can_manage,
        "workspace admins manage channels they are in"
    );
    // Removed by the channel's manager: gone at once.
    t.member
        .remove_from_conversation(secret.id, t.ids.admin)
        .await
        .unwrap();
    assert_eq!(code(t.admin.conversation(secret.id).await).1, Some(404));
}

async fn public_channels_are_browsed_joined_and_edited(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let c = t
        .admin
        .create_channel(&t.slug, &create("random", false))
        .await
        .unwrap();
    // Members browse and preview public channels; guests only see what they were added to.
    let browse = t
        .member
        .channels(
            &t.slug,
            &ChannelQuery {
                query: Some("#RAN".into()),
                archived: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (names(&browse), browse[0].is_member),
        (vec!["random".to_owned()], false)
    );
    assert_eq!(
        t.member.conversation_events(c.id, 0).await.unwrap().len(),
        2
    );
    assert_eq!(code(t.guest.conversation(c.id).await).1, Some(404));
    assert_eq!(
        code(t.guest.add_to_conversation(c.id, t.ids.guest, None).await).1,
        Some(404)
    );
    assert!(
        t.member
            .add_to_conversation(c.id, t.ids.member, None)
            .await
            .unwrap()
            .is_member
    );
    t.member
        .add_to_conversation(c.id, t.ids.member, None)
        .await
        .unwrap();
    t.member
        .add_to_conversation(c.id, t.ids.guest, None)
        .await
        .unwrap();
    assert!(t.guest.conversation(c.id).await.unwrap().is_member);
    // Topic and description: any member. Rename: managers.
    let topic = ConversationUpdate {
        topic: Some("Water cooler".into()),
        description: Some("Anything goes".into()),
        ..Default::default()
    };
    let updated = t.guest.update_conversation(c.id, &topic).await.unwrap();
    assert_eq!(
        (updated.topic.as_str(), updated.description.as_str()),
        ("Water cooler", "Anything goes")
    );
    assert_eq!(
        t.owner.conversation(c.id).await.unwrap().topic,
        "Water cooler",
        "edits are visible to others"
    );
    let rename = ConversationUpdate {
        name: Some("Off Topic".into()),
        ..Default::default()
    };
    assert_eq!(
        code(t.member.update_conversation(c.id, &rename).await).0,
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(
        t.admin
            .update_conversation(c.id, &rename)
            .await
            .unwrap()
            .name,
        "off-topic"
    );
    // Managers remove members; members cannot; anyone may leave.
    assert_eq!(
        code(t.member.remove_from_conversation(c.id, t.ids.guest).await).0,
        Some(ErrorCode::Forbidden)
    );
    t.admin
        .remove_from_conversation(c.id, t.ids.guest)
        .await
        .unwrap();
    t.member
        .remove_from_conversation(c.id, t.ids.member)
        .await
        .unwrap();
    let payloads: Vec<EventPayload> = t
        .admin
        .conversation_events(c.id, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.payload)
        .collect();
    assert_eq!(
        payloads[2..],
        [
            EventPayload::MemberJoined {
                user_id: t.ids.member
            },
            EventPayload::MemberJoined {
                user_id: t.ids.guest
            },
            EventPayload::TopicChanged {
                topic: "Water cooler".into()
            },
            EventPayload::DescriptionChanged {
                description: "Anything goes".into()
            },
            EventPayload::ConversationRenamed {
                name: "off-topic".into()
            },
            EventPayload::MemberRemoved {
                user_id: t.ids.guest
            },
            EventPayload::MemberLeft {
                user_id: t.ids.member
            },
        ]
    );
}

async fn archived_channels_are_read_only_and_listed_apart(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let c = t
        .member
        .create_channel(&t.slug, &create("project-x", false))
        .await
        .unwrap();
    let archive = ConversationUpdate {
        archived: Some(true),
        ..Default::default()
    };
    // The admin manages every public channel, member or not.
    assert!(
        t.admin
            .update_conversation(c.id, &archive)
            .await
            .unwrap()
            .archived
    );
    let topic = ConversationUpdate {
        topic: Some("late".into()),
        ..Default::default()
    };
    assert_eq!(
        code(t.member.update_conversation(c.id, &topic).await),
        (Some(ErrorCode::ConversationArchived), Some(409))
    );
    assert_eq!(
        code(t.owner.add_to_conversation(c.id, t.ids.owner, None).await),
        (Some(ErrorCode::ConversationArchived), Some(409))
    );
    let active = t
        .owner
        .channels(&t.slug, &ChannelQuery::default())
        .await
        .unwrap();
    assert_eq!(names(&active), vec!["general"]);
    let archived = t
        .owner
        .channels(
            &t.slug,
            &ChannelQuery {
                query: None,
                archived: Some(true),
            },
        )
        .await
        .unwrap();
    assert_eq!(names(&archived), vec!["project-x"], "still findable");
    let unarchive = ConversationUpdate {
        archived: Some(false),
        ..Default::default()
    };
    assert!(
        !t.member
            .update_conversation(c.id, &unarchive)
            .await
            .unwrap()
            .archived,
        "its manager unarchives"
    );
    assert_eq!(
        t.member
            .update_conversation(c.id, &topic)
            .await
            .unwrap()
            .topic,
        "late"
    );
}

async fn the_last_manager_of_a_private_channel_cannot_leave(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let c = t
        .member
        .create_channel(
            &t.slug,
            &CreateChannel {
                members: vec![t.ids.guest],
                ..create("inner-circle", true)
            },
        )
        .await
        .unwrap();
    let refused = t
        .member
        .remove_from_conversation(c.id, t.ids.member)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), refused.status()),
        (Some(ErrorCode::LastManager), Some(403))
    );
    assert!(
        refused
            .to_string()
            .contains("Make another member a manager"),
        "says what to do: {refused}"
    );
    assert_eq!(
        code(
            t.guest
                .add_to_conversation(c.id, t.ids.guest, Some(ConversationRole::Manager))
                .await
        )
        .0,
        Some(ErrorCode::Forbidden)
    );
    t.member
        .add_to_conversation(c.id, t.ids.guest, Some(ConversationRole::Manager))
        .await
        .unwrap();
    t.member
        .remove_from_conversation(c.id, t.ids.member)
        .await
        .unwrap();
    // The last one out may always leave.
    t.guest
        .remove_from_conversation(c.id, t.ids.guest)
        .await
        .unwrap();
    assert_eq!(code(t.guest.conversation(c.id).await).1, Some(404));
}
