//! The store conformance suite: every scenario runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

use ocomms_proto::account::SessionKind;
use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::event::EventPayload;
use ocomms_proto::workspace::Role;
use ocomms_proto::{InvitationId, SessionId, UserId};
use ocomms_store::testing::TestDb;
use ocomms_store::{
    ConversationChange, NewConversation, NewInvitation, NewMessage, NewSession, NewUser,
    ProfileFields, Redeemed, Store, StoreError, TokenPurpose,
};

ocomms_store::backend_tests!(
    first_user_becomes_instance_admin,
    duplicate_email_is_a_conflict_and_writes_nothing,
    profiles_and_avatars_round_trip,
    sessions_are_found_by_token_hash_and_revocable,
    auth_tokens_are_single_use_and_expire,
    workspace_slugs_get_suffixes_and_creator_is_owner,
    last_owner_cannot_be_demoted_or_removed,
    invitations_count_uses_and_stop_when_closed,
    instance_settings_toggle_open_signup,
    users_see_each_other_only_through_shared_workspaces,
    workspaces_start_with_general_and_members_join_it,
    conversations_record_gapless_events_with_every_change,
    channel_names_and_direct_keys_are_unique_per_workspace,
    messages_post_in_groups_with_idempotent_client_ids,
    a_group_spanning_workspaces_numbers_each_without_gaps,
    a_snapshot_holds_the_whole_database_at_its_schema_version,
);

async fn user(store: &Store, email: &str) -> UserId {
    store
        .create_user(&NewUser {
            email: email.to_owned(),
            password_hash: "hash".to_owned(),
            display_name: email.split('@').next().unwrap_or(email).to_owned(),
            email_verified: false,
            created_at: 1_000,
        })
        .await
        .expect("create user")
        .id
}

async fn first_user_becomes_instance_admin(db: TestDb) {
    let s = &db.store;
    assert!(!s.instance_settings().await.unwrap().setup_claimed);
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    assert!(s.user_by_id(a).await.unwrap().unwrap().is_instance_admin);
    assert!(!s.user_by_id(b).await.unwrap().unwrap().is_instance_admin);
    assert!(s.instance_settings().await.unwrap().setup_claimed);
    assert_eq!(s.count_users().await.unwrap(), 2);
    s.set_instance_admin(b, true).await.unwrap();
    assert!(s.user_by_id(b).await.unwrap().unwrap().is_instance_admin);
    assert!(matches!(
        s.set_instance_admin(UserId(999_999), true).await,
        Err(StoreError::NotFound)
    ));
}

async fn duplicate_email_is_a_conflict_and_writes_nothing(db: TestDb) {
    let s = &db.store;
    user(s, "a@example.com").await;
    let again = s
        .create_user(&NewUser {
            email: "a@example.com".into(),
            password_hash: "other".into(),
            display_name: "Other".into(),
            email_verified: true,
            created_at: 2,
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    assert_eq!(s.count_users().await.unwrap(), 1);
    let kept = s.user_by_email("a@example.com").await.unwrap().unwrap();
    assert_eq!(kept.password_hash, "hash");
    assert!(
        s.user_by_email("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

async fn profiles_and_avatars_round_trip(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let fields = ProfileFields {
        display_name: "Ada Lovelace".into(),
        handle: "ada".into(),
        title: "Analyst".into(),
        bio: "Notes on the engine\nand more".into(),
        time_zone: "Europe/London".into(),
    };
    s.update_profile(a, &fields).await.unwrap();
    let u = s.user_by_id(a).await.unwrap().unwrap();
    assert_eq!(
        (u.display_name, u.title, u.bio, u.time_zone),
        (
            fields.display_name,
            fields.title,
            fields.bio,
            fields.time_zone
        )
    );
    assert_eq!(u.avatar_version, 0);
    assert_eq!(s.set_avatar(a, b"png-1", 5).await.unwrap(), 1);
    assert_eq!(s.set_avatar(a, b"png-2", 6).await.unwrap(), 2);
    assert_eq!(s.avatar(a).await.unwrap().as_deref(), Some(&b"png-2"[..]));
    s.clear_avatar(a).await.unwrap();
    assert_eq!(s.avatar(a).await.unwrap(), None);
    assert_eq!(s.user_by_id(a).await.unwrap().unwrap().avatar_version, 0);
    s.set_password_hash(a, "new-hash").await.unwrap();
    s.mark_email_verified(a).await.unwrap();
    let u = s.user_by_id(a).await.unwrap().unwrap();
    assert!(u.email_verified && u.password_hash == "new-hash");
}

fn session(user: UserId, token: &[u8], now: i64) -> NewSession {
    NewSession {
        user_id: user,
        token_hash: token.to_vec(),
        kind: SessionKind::Browser,
        label: "Firefox".into(),
        csrf_token: "csrf".into(),
        now,
    }
}

async fn sessions_are_found_by_token_hash_and_revocable(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    let s1 = s.create_session(&session(a, b"t1", 10)).await.unwrap();
    let s2 = s.create_session(&session(a, b"t2", 20)).await.unwrap();
    let s3 = s.create_session(&session(b, b"t3", 30)).await.unwrap();
    let (found, owner) = s.session_by_token(b"t1", 100_000).await.unwrap().unwrap();
    assert_eq!(
        (found.id, owner.id, found.label.as_str()),
        (s1.id, a, "Firefox")
    );
    assert!(s.session_by_token(b"nope", 0).await.unwrap().is_none());
    // The lookup refreshed last_seen_at, so s1 is now the most recent.
    let listed: Vec<SessionId> = s
        .sessions_of(a)
        .await
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(listed, vec![s1.id, s2.id]);
    // Another user's session cannot be revoked through `a`.
    assert!(matches!(
        s.delete_session(a, s3.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.delete_sessions_except(a, Some(s2.id)).await.unwrap(),
        vec![s1.id]
    );
    assert!(s.session_by_token(b"t1", 0).await.unwrap().is_none());
    s.delete_session(a, s2.id).await.unwrap();
    assert!(s.sessions_of(a).await.unwrap().is_empty());
    assert_eq!(s.sessions_of(b).await.unwrap().len(), 1);
}

async fn auth_tokens_are_single_use_and_expire(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let verify = TokenPurpose::VerifyEmail;
    s.create_auth_token(a, verify, b"v1", 0, 100).await.unwrap();
    assert_eq!(
        s.consume_auth_token(TokenPurpose::ResetPassword, b"v1", 1)
            .await
            .unwrap(),
        None,
        "wrong purpose"
    );
    assert_eq!(
        s.consume_auth_token(verify, b"v1", 1).await.unwrap(),
        Some(a)
    );
    assert_eq!(
        s.consume_auth_token(verify, b"v1", 2).await.unwrap(),
        None,
        "used"
    );
    s.create_auth_token(a, verify, b"v2", 10, 100)
        .await
        .unwrap();
    assert_eq!(
        s.consume_auth_token(verify, b"v2", 100).await.unwrap(),
        None,
        "expired"
    );
    s.create_auth_token(a, verify, b"v3", 10, 100)
        .await
        .unwrap();
    s.create_auth_token(a, verify, b"v4", 11, 100)
        .await
        .unwrap();
    assert_eq!(
        s.consume_auth_token(verify, b"v3", 12).await.unwrap(),
        None,
        "superseded"
    );
    assert_eq!(
        s.consume_auth_token(verify, b"v4", 12).await.unwrap(),
        Some(a)
    );
}

async fn workspace_slugs_get_suffixes_and_creator_is_owner(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let w1 = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    let w2 = s.create_workspace("Acme", "acme", a, 2).await.unwrap();
    let w3 = s.create_workspace("ACME", "acme", a, 3).await.unwrap();
    assert_eq!(
        (w1.slug.as_str(), w2.slug.as_str(), w3.slug.as_str()),
        ("acme", "acme-2", "acme-3")
    );
    let mine = s.memberships_of(a).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine.iter().all(|m| m.role == Role::Owner));
    let m = s.membership("acme-2", a).await.unwrap().unwrap();
    assert_eq!(m.workspace, w2);
    assert!(s.workspace_by_slug("missing").await.unwrap().is_none());
    let b = user(s, "b@example.com").await;
    assert!(s.membership("acme", b).await.unwrap().is_none());
    assert!(s.add_member(w1.id, b, Role::Member, 5).await.unwrap());
    assert!(
        !s.add_member(w1.id, b, Role::Admin, 6).await.unwrap(),
        "already a member"
    );
    assert_eq!(s.member_role(w1.id, b).await.unwrap(), Some(Role::Member));
    let names: Vec<String> = s
        .members(w1.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user.email)
        .collect();
    assert_eq!(names, vec!["a@example.com", "b@example.com"]);
}

async fn last_owner_cannot_be_demoted_or_removed(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    let w = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    s.add_member(w.id, b, Role::Member, 2).await.unwrap();
    assert!(matches!(
        s.set_member_role(w.id, a, Role::Admin, a, 3).await,
        Err(StoreError::LastOwner)
    ));
    assert!(matches!(
        s.remove_member(w.id, a, a, 3).await,
        Err(StoreError::LastOwner)
    ));
    assert_eq!(s.count_owners(w.id).await.unwrap(), 1);
    s.set_member_role(w.id, b, Role::Owner, a, 3).await.unwrap();
    assert_eq!(s.count_owners(w.id).await.unwrap(), 2);
    s.set_member_role(w.id, a, Role::Member, a, 3)
        .await
        .unwrap();
    assert!(matches!(
        s.remove_member(w.id, b, b, 3).await,
        Err(StoreError::LastOwner)
    ));
    s.remove_member(w.id, a, a, 3).await.unwrap();
    assert!(matches!(
        s.remove_member(w.id, a, a, 3).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_member_role(w.id, UserId(424_242), Role::Guest, a, 3)
            .await,
        Err(StoreError::NotFound)
    ));
}

fn invitation(
    w: &ocomms_store::WorkspaceRecord,
    by: UserId,
    token: &[u8],
    max: Option<u32>,
) -> NewInvitation {
    NewInvitation {
        workspace_id: w.id,
        token_hash: token.to_vec(),
        email: None,
        role: Role::Member,
        max_uses: max,
        expires_at: 1_000,
        created_by: by,
        now: 10,
    }
}

async fn invitations_count_uses_and_stop_when_closed(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    let c = user(s, "c@example.com").await;
    let w = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    let inv = s
        .create_invitation(&invitation(&w, a, b"link", Some(1)))
        .await
        .unwrap();
    let found = s.invitation_by_token(b"link").await.unwrap().unwrap();
    assert_eq!((found.invitation.id, found.workspace.id), (inv.id, w.id));
    assert_eq!(found.inviter_name, "a");
    assert!(found.invitation.is_open(20));
    // The owner redeeming their own link is already a member: no use consumed.
    assert_eq!(
        s.redeem_invitation(&inv, a, 20).await.unwrap(),
        Redeemed::AlreadyMember(Role::Owner)
    );
    assert_eq!(
        s.redeem_invitation(&inv, b, 21).await.unwrap(),
        Redeemed::Joined(Role::Member)
    );
    assert!(
        matches!(
            s.redeem_invitation(&inv, c, 22).await,
            Err(StoreError::NotFound)
        ),
        "used up"
    );
    assert_eq!(
        s.member_role(w.id, c).await.unwrap(),
        None,
        "nothing half-written"
    );
    let expiring = s
        .create_invitation(&invitation(&w, a, b"exp", None))
        .await
        .unwrap();
    assert!(matches!(
        s.redeem_invitation(&expiring, c, 1_000).await,
        Err(StoreError::NotFound)
    ));
    let revoked = s
        .create_invitation(&invitation(&w, a, b"rev", None))
        .await
        .unwrap();
    s.revoke_invitation(w.id, revoked.id, 30).await.unwrap();
    assert!(matches!(
        s.redeem_invitation(&revoked, c, 31).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.revoke_invitation(w.id, InvitationId(9_999), 30).await,
        Err(StoreError::NotFound)
    ));
    let listed = s.invitations(w.id).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed.iter().find(|i| i.id == inv.id).unwrap().uses, 1);
    assert!(
        listed
            .iter()
            .find(|i| i.id == revoked.id)
            .unwrap()
            .revoked_at
            .is_some()
    );
    assert!(matches!(
        s.create_invitation(&invitation(&w, a, b"link", None)).await,
        Err(StoreError::Conflict)
    ));
}

async fn instance_settings_toggle_open_signup(db: TestDb) {
    let s = &db.store;
    assert!(!s.instance_settings().await.unwrap().open_signup);
    s.set_open_signup(true).await.unwrap();
    assert!(s.instance_settings().await.unwrap().open_signup);
    assert!(s.check().await.is_ok());
}

async fn users_see_each_other_only_through_shared_workspaces(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    assert!(s.users_share_workspace(a, a).await.unwrap());
    assert!(!s.users_share_workspace(a, b).await.unwrap());
    let w = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    s.add_member(w.id, b, Role::Guest, 2).await.unwrap();
    assert!(s.users_share_workspace(a, b).await.unwrap());
}

async fn workspaces_start_with_general_and_members_join_it(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    let c = user(s, "c@example.com").await;
    let w = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    let visible = s.conversations_for(w.id, a, true).await.unwrap();
    assert_eq!(visible.len(), 1);
    let general = &visible[0].conversation;
    assert!(general.is_general && general.name.as_deref() == Some("general"));
    assert_eq!(visible[0].my_role, Some(ConversationRole::Manager));
    s.add_member(w.id, b, ocomms_proto::workspace::Role::Member, 2)
        .await
        .unwrap();
    let inv = s
        .create_invitation(&invitation(&w, a, b"tok", None))
        .await
        .unwrap();
    s.redeem_invitation(&inv, c, 3).await.unwrap();
    let members: Vec<UserId> = s
        .conversation_members(general.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.user.id)
        .collect();
    assert_eq!(members, vec![a, b, c]);
    // Leaving the workspace takes people out of its channels, with an event.
    s.remove_member(w.id, c, c, 4).await.unwrap();
    let membership = |u| async move {
        s.conversation_seen_by(general.id, u)
            .await
            .unwrap()
            .unwrap()
            .membership
    };
    assert_eq!(membership(c).await, None);
    let seen = |u| s.conversation_seen_by(general.id, u);
    let by_a = seen(a).await.unwrap().unwrap();
    assert_eq!(by_a.record.id, general.id);
    assert_eq!(by_a.record.member_count, 2);
    assert_eq!(by_a.workspace_role, Some(Role::Owner));
    assert_eq!(by_a.membership, Some(ConversationRole::Manager));
    let by_c = seen(c).await.unwrap().unwrap();
    assert_eq!((by_c.workspace_role, by_c.membership), (None, None));
    assert!(
        s.conversation_seen_by(ocomms_proto::ConversationId(999_999), a)
            .await
            .unwrap()
            .is_none()
    );
    // The same, for a group of posts at once: unknown conversations are left out.
    let missing = ocomms_proto::ConversationId(999_999);
    let mut access = s
        .posting_access(&[
            (general.id, a),
            (general.id, c),
            (missing, a),
            (general.id, a),
        ])
        .await
        .unwrap();
    access.sort_by_key(|x| x.user_id);
    assert_eq!(
        access.len(),
        2,
        "pairs are asked once, missing ones left out"
    );
    assert_eq!(
        (
            access[0].user_id,
            access[0].workspace_id,
            access[0].archived
        ),
        (a, w.id, false)
    );
    assert_eq!(
        (access[0].workspace_role, access[0].membership),
        (Some(Role::Owner), Some(ConversationRole::Manager))
    );
    assert_eq!(
        (access[1].workspace_role, access[1].membership),
        (None, None)
    );
    let events = s.conversation_events(general.id, 0, 100).await.unwrap();
    assert_eq!(
        events.last().unwrap().payload,
        EventPayload::MemberLeft { user_id: c }
    );
}

fn channel(
    w: &ocomms_store::WorkspaceRecord,
    name: &str,
    by: UserId,
    members: Vec<(UserId, ConversationRole)>,
) -> NewConversation {
    NewConversation {
        workspace_id: w.id,
        kind: ConversationKind::Private,
        name: Some(name.to_owned()),
        topic: String::new(),
        description: String::new(),
        direct_key: None,
        created_by: by,
        members,
        now: 10,
    }
}

async fn conversations_record_gapless_events_with_every_change(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    let w = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    let c = s
        .create_conversation(&channel(
            &w,
            "secret",
            a,
            vec![(a, ConversationRole::Manager)],
        ))
        .await
        .unwrap();
    assert_eq!(
        (c.kind, c.member_count, c.last_seq),
        (ConversationKind::Private, 1, 2)
    );
    assert!(
        s.add_conversation_member(c.id, b, ConversationRole::Member, a, 11)
            .await
            .unwrap()
    );
    assert!(
        !s.add_conversation_member(c.id, b, ConversationRole::Member, a, 12)
            .await
            .unwrap(),
        "no duplicate"
    );
    s.update_conversation(c.id, &ConversationChange::Topic("Plans".into()), b, 13)
        .await
        .unwrap();
    s.update_conversation(c.id, &ConversationChange::Rename("plans".into()), a, 14)
        .await
        .unwrap();
    s.update_conversation(c.id, &ConversationChange::Archive(true), a, 15)
        .await
        .unwrap();
    s.set_conversation_role(c.id, b, ConversationRole::Manager, a, 16)
        .await
        .unwrap();
    s.remove_conversation_member(c.id, b, b, 17).await.unwrap();
    assert!(matches!(
        s.remove_conversation_member(c.id, b, a, 18).await,
        Err(StoreError::NotFound)
    ));
    let events = s.conversation_events(c.id, 0, 100).await.unwrap();
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=8).collect::<Vec<_>>(),
        "positions start at 1 and have no gaps"
    );
    let payloads: Vec<EventPayload> = events.into_iter().map(|e| e.payload).collect();
    assert_eq!(
        payloads,
        vec![
            EventPayload::ConversationCreated {
                kind: ConversationKind::Private,
                name: "secret".into()
            },
            EventPayload::MemberJoined { user_id: a },
            EventPayload::MemberJoined { user_id: b },
            EventPayload::TopicChanged {
                topic: "Plans".into()
            },
            EventPayload::ConversationRenamed {
                name: "plans".into()
            },
            EventPayload::ConversationArchived,
            EventPayload::MemberRoleChanged {
                user_id: b,
                role: ConversationRole::Manager
            },
            EventPayload::MemberLeft { user_id: b },
        ]
    );
    let after = s.conversation_events(c.id, 6, 100).await.unwrap();
    assert_eq!(after.len(), 2);
    let now = s.conversation(c.id).await.unwrap().unwrap();
    assert_eq!(
        (
            now.name.as_deref(),
            now.topic.as_str(),
            now.archived_at,
            now.last_seq
        ),
        (Some("plans"), "Plans", Some(15), 8)
    );
    // The private channel is listed for its member only.
    assert_eq!(s.conversations_for(w.id, a, true).await.unwrap().len(), 2);
    assert!(
        s.conversations_for(w.id, b, false)
            .await
            .unwrap()
            .is_empty(),
        "b left its only conversation"
    );
}

async fn channel_names_and_direct_keys_are_unique_per_workspace(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let b = user(s, "b@example.com").await;
    let w1 = s.create_workspace("One", "one", a, 1).await.unwrap();
    let w2 = s.create_workspace("Two", "two", a, 1).await.unwrap();
    s.create_conversation(&channel(&w1, "plans", a, vec![]))
        .await
        .unwrap();
    assert!(matches!(
        s.create_conversation(&channel(&w1, "plans", a, vec![]))
            .await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        s.create_conversation(&channel(&w1, "general", a, vec![]))
            .await,
        Err(StoreError::Conflict)
    ));
    s.create_conversation(&channel(&w2, "plans", a, vec![]))
        .await
        .unwrap();
    let dm = NewConversation {
        kind: ConversationKind::Direct,
        name: None,
        direct_key: Some(format!("{},{}", a.0, b.0)),
        members: vec![(a, ConversationRole::Member), (b, ConversationRole::Member)],
        ..channel(&w1, "", a, vec![])
    };
    let first = s.create_conversation(&dm).await.unwrap();
    assert!(matches!(
        s.create_conversation(&dm).await,
        Err(StoreError::Conflict)
    ));
    let key = format!("{},{}", a.0, b.0);
    assert_eq!(
        s.direct_conversation(w1.id, &key)
            .await
            .unwrap()
            .unwrap()
            .id,
        first.id
    );
    assert!(s.direct_conversation(w2.id, &key).await.unwrap().is_none());
    assert!(
        !s.users_share_channel(w1.id, a, b).await.unwrap(),
        "a direct message is not a channel"
    );
}

async fn messages_post_in_groups_with_idempotent_client_ids(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let w = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    let general = s.conversations_for(w.id, a, true).await.unwrap()[0]
        .conversation
        .id;
    let new = |body: &str, client: Option<&str>| NewMessage {
        conversation_id: general,
        author_id: a,
        client_id: client.map(str::to_owned),
        body: body.to_owned(),
        html: format!("<p>{body}</p>"),
        thread_root_id: None,
        also_in_channel: false,
        mentions: Default::default(),
        now: 10,
    };
    let (first, created) = s.post_message(&new("one", Some("c1"))).await.unwrap();
    assert!(created);
    let group = s
        .post_messages(&[
            new("two", None),
            new("one again", Some("c1")),
            new("three", Some("c3")),
            new("three again", Some("c3")),
        ])
        .await
        .unwrap();
    let flags: Vec<bool> = group.iter().map(|(_, c)| *c).collect();
    assert_eq!(flags, vec![true, false, true, false]);
    assert_eq!(
        group[1].0.id, first.id,
        "a retry answers with the first message"
    );
    assert_eq!(group[3].0.id, group[2].0.id, "a retry within the group too");
    assert_eq!(
        group[2].0.seq,
        group[0].0.seq + 1,
        "positions follow each other"
    );
    let (page, _) = s
        .history(
            ocomms_store::HistoryScope::Timeline(general),
            ocomms_store::HistoryWindow::Latest,
            10,
        )
        .await
        .unwrap();
    let bodies: Vec<&str> = page.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, vec!["one", "two", "three"]);
}

async fn a_group_spanning_workspaces_numbers_each_without_gaps(db: TestDb) {
    let s = &db.store;
    let a = user(s, "a@example.com").await;
    let w1 = s.create_workspace("Acme", "acme", a, 1).await.unwrap();
    let w2 = s.create_workspace("Beta", "beta", a, 1).await.unwrap();
    let general = |w| async move {
        s.conversations_for(w, a, true).await.unwrap()[0]
            .conversation
            .id
    };
    let (g1, g2) = (general(w1.id).await, general(w2.id).await);
    let head1 = s.workspace_head(w1.id).await.unwrap();
    let head2 = s.workspace_head(w2.id).await.unwrap();
    let new = |conversation, body: &str| NewMessage {
        conversation_id: conversation,
        author_id: a,
        client_id: Some(format!("{body}-id")),
        body: body.to_owned(),
        html: format!("<p>{body}</p>"),
        thread_root_id: None,
        also_in_channel: false,
        mentions: Default::default(),
        now: 10,
    };
    let group = s
        .post_messages(&[new(g2, "b1"), new(g1, "a1"), new(g2, "b2"), new(g1, "a2")])
        .await
        .unwrap();
    assert!(group.iter().all(|(_, created)| *created));
    let seqs: Vec<i64> = group.iter().map(|(m, _)| m.seq).collect();
    assert_eq!(seqs[2], seqs[0] + 1);
    assert_eq!(seqs[3], seqs[1] + 1);
    for (workspace, head, bodies) in [(w1.id, head1, ["a1", "a2"]), (w2.id, head2, ["b1", "b2"])] {
        let events = s.workspace_events(workspace, head, 10).await.unwrap();
        let positions: Vec<i64> = events.iter().map(|e| e.position).collect();
        assert_eq!(
            positions,
            vec![head + 1, head + 2],
            "gapless, in the group's order"
        );
        let posted: Vec<String> = events
            .iter()
            .map(|e| match &e.payload {
                EventPayload::MessagePosted { message, .. } => message.body.clone(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(posted, bodies);
        assert_eq!(s.workspace_head(workspace).await.unwrap(), head + 2);
    }
    // A group naming a conversation that does not exist writes nothing.
    let missing = ocomms_proto::ConversationId(999_999);
    assert!(matches!(
        s.post_messages(&[new(g1, "a3"), new(missing, "x")]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.workspace_head(w1.id).await.unwrap(), head1 + 2);
}

/// The paired migrations build the same schema on both backends: the same tables, columns
/// and indexes (a migration changed on one side only fails here, not in production).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_and_sqlite_schemas_match() {
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let sqlite = TestDb::sqlite().await;
    let on_sqlite = ocomms_store::testing::schema::outline(&sqlite.store)
        .await
        .unwrap();
    let on_postgres = ocomms_store::testing::schema::outline(&pg.store)
        .await
        .unwrap();
    assert!(
        on_sqlite.len() > 5,
        "the outline found the tables: {on_sqlite:?}"
    );
    assert!(
        on_sqlite.values().any(|t| !t.indexes.is_empty()),
        "the outline found the migrations' indexes: {on_sqlite:?}"
    );
    let tables = |o: &std::collections::BTreeMap<String, _>| o.keys().cloned().collect::<Vec<_>>();
    assert_eq!(tables(&on_sqlite), tables(&on_postgres), "tables");
    for (table, outline) in &on_sqlite {
        assert_eq!(Some(outline), on_postgres.get(table), "table {table}");
    }
}

/// `ocomms backup`'s copy (ADR 0023): a SQLite file or a pg_dump that, loaded into another
/// database, has the same rows at the same schema version.
async fn a_snapshot_holds_the_whole_database_at_its_schema_version(db: TestDb) {
    let s = &db.store;
    assert_eq!(
        s.schema_version().await.unwrap(),
        Some(ocomms_store::latest_schema_version())
    );
    user(s, "a@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy");
    s.snapshot_into(&copy, &db.url).await.unwrap();
    let (restored, _target) = match s.backend() {
        ocomms_store::Backend::Sqlite => {
            let url = format!("sqlite://{}", copy.display());
            (Store::connect(&url).await.unwrap(), None)
        }
        ocomms_store::Backend::Postgres => {
            let target = TestDb::postgres().await.unwrap();
            ocomms_store::restore_postgres_dump(&copy, &target.url)
                .await
                .unwrap();
            (target.store.clone(), Some(target))
        }
    };
    restored.integrity_check().await.unwrap();
    assert_eq!(
        restored.schema_version().await.unwrap(),
        s.schema_version().await.unwrap()
    );
    assert_eq!(restored.count_users().await.unwrap(), 1);
    assert!(
        restored
            .user_by_email("a@example.com")
            .await
            .unwrap()
            .is_some()
    );
}
