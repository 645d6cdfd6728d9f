//! Messages and their live delivery over the WebSocket, with resume.

use std::collections::BTreeMap;
use std::time::Duration;

use ocomms_client::{Realtime, Update};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::message::{HistoryQuery, PostMessage};
use ocomms_proto::realtime::PresenceStatus;
use ocomms_proto::{ConversationId, ErrorCode};
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, channel, ready};

ocomms_store::backend_tests!(
    messages_reach_other_members_once_and_in_order,
    a_reconnecting_client_gets_exactly_what_it_missed,
    private_channel_events_reach_its_members_only,
    bad_messages_are_refused_and_history_pages,
    presence_follows_connections_and_idleness,
    signing_out_closes_the_session_sockets,
    concurrent_posts_are_each_acknowledged_and_delivered_once,
    a_socket_follows_the_workspaces_its_person_belongs_to,
    filtered_events_move_the_resume_position,
    messages_posted_over_the_socket_are_answered_once_committed,
    a_post_made_while_the_server_is_away_goes_out_when_it_is_back,
    a_longest_message_arrives_whole,
);

/// The next `n` events of `conversation` (others are skipped), failing after 10 s.
async fn events_in(session: &mut Realtime, conversation: ConversationId, n: usize) -> Vec<Event> {
    let mut out = Vec::new();
    while out.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(Update::Event(e))) if e.conversation_id == conversation => out.push(*e),
            Ok(Some(_)) => {}
            other => panic!("after {} of {n} events: {other:?}", out.len()),
        }
    }
    out
}

/// The next event of any conversation (presence and typing are skipped).
async fn next_event(session: &mut Realtime) -> Event {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(Update::Event(e))) => return *e,
            Ok(Some(_)) => {}
            other => panic!("no event: {other:?}"),
        }
    }
}

/// Nothing more arrives for `conversation` within a short while.
async fn quiet(session: &mut Realtime, conversation: ConversationId) {
    while let Ok(update) = tokio::time::timeout(Duration::from_millis(400), session.next()).await {
        if let Some(Update::Event(e)) = &update {
            assert_ne!(e.conversation_id, conversation, "unexpected {e:?}");
        }
        if update.is_none() {
            return;
        }
    }
}

async fn messages_reach_other_members_once_and_in_order(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t
        .member
        .create_channel(&t.slug, &channel("town", false, vec![t.ids.admin]))
        .await
        .unwrap()
        .id;
    let mut b = t.admin.realtime(BTreeMap::new());
    ready(&mut b).await;

    let posted = t
        .member
        .post_message(town, "hello", Some("c-1"))
        .await
        .unwrap();
    let retry = t
        .member
        .post_message(town, "hello", Some("c-1"))
        .await
        .unwrap();
    assert_eq!(
        retry.id, posted.id,
        "a retry with the same client id posts nothing new"
    );
    t.member
        .edit_message(posted.id, "hello **world**")
        .await
        .unwrap();
    t.member.delete_message(posted.id).await.unwrap();

    let got = events_in(&mut b, town, 3).await;
    match &got[0].payload {
        EventPayload::MessagePosted { message, .. } => {
            assert_eq!(
                (
                    message.id,
                    message.body.as_str(),
                    message.client_id.as_deref()
                ),
                (posted.id, "hello", Some("c-1"))
            );
            assert_eq!(message.html, "<p>hello</p>\n");
        }
        other => panic!("{other:?}"),
    }
    match &got[1].payload {
        EventPayload::MessageEdited {
            message_id, html, ..
        } => {
            assert_eq!(
                (*message_id, html.as_str()),
                (posted.id, "<p>hello <strong>world</strong></p>\n")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        got[2].payload,
        EventPayload::MessageDeleted {
            message_id: posted.id,
            thread_root_id: None,
            thread: None,
        }
    );
    assert!(
        got.windows(2)
            .all(|w| w[0].position < w[1].position && w[0].seq < w[1].seq),
        "in order"
    );
    quiet(&mut b, town).await;
    let page = t
        .admin
        .history(town, &HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(page.messages.len(), 1);
    assert!(
        page.messages[0].deleted && page.messages[0].body.is_empty(),
        "a tombstone stays"
    );
}

async fn a_reconnecting_client_gets_exactly_what_it_missed(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t
        .member
        .create_channel(&t.slug, &channel("town", false, vec![t.ids.admin]))
        .await
        .unwrap()
        .id;
    let mut b = t.admin.realtime(BTreeMap::new());
    ready(&mut b).await;
    let first = t
        .member
        .post_message(town, "before the break", None)
        .await
        .unwrap();
    assert_eq!(events_in(&mut b, town, 1).await.len(), 1);
    let positions = b.close().await;
    assert!(!positions.is_empty());

    let mut sent = Vec::new();
    for i in 0..100 {
        sent.push(
            t.member
                .post_message(town, &format!("missed {i}"), None)
                .await
                .unwrap()
                .id,
        );
    }
    let mut b = t.admin.realtime(positions);
    let replayed = events_in(&mut b, town, 100).await;
    let ids: Vec<_> = replayed
        .iter()
        .map(|e| match &e.payload {
            EventPayload::MessagePosted { message, .. } => message.id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, sent, "exactly the missed messages, once, in order");
    assert!(!ids.contains(&first.id));
    ready(&mut b).await;
    let live = t
        .member
        .post_message(town, "and live again", None)
        .await
        .unwrap();
    match &events_in(&mut b, town, 1).await[0].payload {
        EventPayload::MessagePosted { message, .. } => assert_eq!(message.id, live.id),
        other => panic!("{other:?}"),
    }
    quiet(&mut b, town).await;
}

async fn private_channel_events_reach_its_members_only(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let vault = t
        .member
        .create_channel(&t.slug, &channel("vault", true, vec![t.ids.guest]))
        .await
        .unwrap()
        .id;
    let lobby = t
        .member
        .create_channel(
            &t.slug,
            &channel("lobby", true, vec![t.ids.guest, t.ids.admin]),
        )
        .await
        .unwrap()
        .id;
    let mut guest = t.guest.realtime(BTreeMap::new());
    let mut admin = t.admin.realtime(BTreeMap::new());
    ready(&mut guest).await;
    ready(&mut admin).await;

    t.member
        .post_message(vault, "secret one", None)
        .await
        .unwrap();
    t.member
        .post_message(lobby, "hello lobby", None)
        .await
        .unwrap();
    assert_eq!(events_in(&mut guest, vault, 1).await.len(), 1);
    // The admin is not in #vault: the first event they hear is the lobby message.
    assert_eq!(next_event(&mut admin).await.conversation_id, lobby);

    // Removed from #vault: the guest hears the removal, then nothing more from it.
    t.member
        .remove_from_conversation(vault, t.ids.guest)
        .await
        .unwrap();
    let removal = events_in(&mut guest, vault, 1).await;
    assert_eq!(
        removal[0].payload,
        EventPayload::MemberRemoved {
            user_id: t.ids.guest
        }
    );
    t.member
        .post_message(vault, "secret two", None)
        .await
        .unwrap();
    t.member
        .post_message(lobby, "still here", None)
        .await
        .unwrap();
    let e = next_event(&mut guest).await;
    assert_eq!(e.conversation_id, lobby, "nothing from #vault: {e:?}");
    // Nor on resume.
    let positions = guest.close().await;
    t.member
        .post_message(vault, "secret three", None)
        .await
        .unwrap();
    let mut guest = t.guest.realtime(positions);
    ready(&mut guest).await;
    quiet(&mut guest, vault).await;
    assert_eq!(
        t.guest
            .history(vault, &HistoryQuery::default())
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
}

async fn bad_messages_are_refused_and_history_pages(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t
        .member
        .create_channel(&t.slug, &channel("town", false, vec![t.ids.admin]))
        .await
        .unwrap()
        .id;
    let code = |e: ocomms_client::ClientError| (e.code(), e.status());
    assert_eq!(
        code(t.member.post_message(town, "   ", None).await.unwrap_err()),
        (Some(ErrorCode::ValidationFailed), Some(422))
    );
    let long = "x".repeat(40_001);
    assert_eq!(
        code(t.member.post_message(town, &long, None).await.unwrap_err()).1,
        Some(422)
    );
    assert_eq!(
        code(
            t.member
                .post_message(town, "x", Some("has space"))
                .await
                .unwrap_err()
        )
        .1,
        Some(422)
    );
    assert_eq!(
        code(
            t.owner
                .post_message(town, "not a member", None)
                .await
                .unwrap_err()
        )
        .0,
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(
        code(
            t.guest
                .post_message(town, "cannot see it", None)
                .await
                .unwrap_err()
        )
        .1,
        Some(404)
    );
    let mine = t.member.post_message(town, "mine", None).await.unwrap();
    assert_eq!(
        code(t.admin.edit_message(mine.id, "theirs").await.unwrap_err()).0,
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(
        code(t.outsider.delete_message(mine.id).await.unwrap_err()).1,
        Some(404)
    );
    // Workspace admins moderate the channels they are in.
    t.admin.delete_message(mine.id).await.unwrap();
    assert_eq!(
        code(t.member.edit_message(mine.id, "gone").await.unwrap_err()).1,
        Some(404)
    );

    let mut seqs = Vec::new();
    for i in 0..30 {
        seqs.push(
            t.member
                .post_message(town, &format!("m{i}"), None)
                .await
                .unwrap()
                .seq,
        );
    }
    let latest = t
        .member
        .history(
            town,
            &HistoryQuery {
                limit: Some(10),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        latest.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        seqs[20..].to_vec()
    );
    assert!(latest.more_before && !latest.more_after);
    let before = t
        .member
        .history(
            town,
            &HistoryQuery {
                before: Some(seqs[20]),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        before.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        seqs[10..20].to_vec()
    );
    let around = t
        .member
        .history(
            town,
            &HistoryQuery {
                around: Some(seqs[15]),
                limit: Some(4),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        around.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        seqs[14..18].to_vec()
    );
    let after = t
        .member
        .history(
            town,
            &HistoryQuery {
                after: Some(seqs[27]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((after.messages.len(), after.more_after), (2, false));
    let both = t
        .member
        .history(
            town,
            &HistoryQuery {
                before: Some(1),
                after: Some(1),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(both.unwrap_err().status(), Some(422));
    // Archived channels are read-only.
    let archive = ocomms_proto::conversation::ConversationUpdate {
        archived: Some(true),
        ..Default::default()
    };
    t.member.update_conversation(town, &archive).await.unwrap();
    assert_eq!(
        code(t.member.post_message(town, "late", None).await.unwrap_err()),
        (Some(ErrorCode::ConversationArchived), Some(409))
    );
}

/// The next presence update about `user`, skipping everything else.
async fn presence_of(session: &mut Realtime, user: ocomms_proto::UserId) -> PresenceStatus {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(Update::Presence { user_id, status })) if user_id == user => return status,
            Ok(Some(_)) => {}
            other => panic!("no presence for {user}: {other:?}"),
        }
    }
}

/// Waits until `user`'s presence reaches `wanted` (earlier changes may arrive first), failing
/// after 10 s.
async fn until_presence(
    session: &mut Realtime,
    user: ocomms_proto::UserId,
    wanted: PresenceStatus,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout_at(deadline, session.next()).await {
            Ok(Some(Update::Presence { user_id, status })) if user_id == user => {
                if status == wanted {
                    return;
                }
                seen.push(status);
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    panic!("{user} never became {wanted:?} (saw {seen:?})");
}

async fn presence_follows_connections_and_idleness(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let mut admin = t.admin.realtime(BTreeMap::new());
    ready(&mut admin).await;
    let member = t.member.realtime(BTreeMap::new());
    assert_eq!(
        presence_of(&mut admin, t.ids.member).await,
        PresenceStatus::Online
    );
    let online = t.owner.presence(&t.slug).await.unwrap();
    assert!(
        online
            .iter()
            .any(|e| e.user_id == t.ids.member && e.status == PresenceStatus::Online)
    );
    assert!(
        !online.iter().any(|e| e.user_id == t.ids.owner),
        "the owner has no connection"
    );
    // Someone connecting later asks who is online after ready, then follows the changes.
    let mut owner = t.owner.realtime(BTreeMap::new());
    ready(&mut owner).await;
    let online = t.owner.presence(&t.slug).await.unwrap();
    assert!(
        online
            .iter()
            .any(|e| e.user_id == t.ids.admin && e.status == PresenceStatus::Online)
    );
    member.presence(PresenceStatus::Away);
    assert_eq!(
        presence_of(&mut admin, t.ids.member).await,
        PresenceStatus::Away
    );
    member.presence(PresenceStatus::Online);
    assert_eq!(
        presence_of(&mut admin, t.ids.member).await,
        PresenceStatus::Online
    );
    drop(member.close().await);
    assert_eq!(
        presence_of(&mut admin, t.ids.member).await,
        PresenceStatus::Offline
    );
    // The later connection followed the same changes, ending offline.
    until_presence(&mut owner, t.ids.member, PresenceStatus::Offline).await;
    assert_eq!(
        t.outsider.presence(&t.slug).await.unwrap_err().status(),
        Some(404)
    );
}

async fn signing_out_closes_the_session_sockets(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let mut session = t.admin.realtime(BTreeMap::new());
    ready(&mut session).await;
    let mut admin = t.admin.clone();
    admin.sign_out().await.unwrap();
    // The socket is closed at once; reconnecting with the revoked token is refused, and the
    // session says so and stops instead of retrying forever.
    let mut dropped = false;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(Update::Reconnecting { .. })) => dropped = true,
            Ok(Some(Update::SessionEnded)) => break,
            Ok(Some(Update::Event(e))) => panic!("an event after sign-out: {e:?}"),
            Ok(Some(_)) => {}
            other => panic!("no refusal after sign-out (dropped: {dropped}): {other:?}"),
        }
    }
    assert!(
        dropped,
        "the open socket was closed before the reconnect was refused"
    );
    assert!(session.next().await.is_none(), "the session stopped");
}

async fn concurrent_posts_are_each_acknowledged_and_delivered_once(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t
        .member
        .create_channel(&t.slug, &channel("town", false, vec![t.ids.admin]))
        .await
        .unwrap()
        .id;
    let mut b = t.admin.realtime(BTreeMap::new());
    ready(&mut b).await;
    // Many posts at once: the committer groups what arrives while a commit runs.
    let mut sending = Vec::new();
    for i in 0..60 {
        let client = t.member.clone();
        sending.push(tokio::spawn(async move {
            client
                .post_message(town, &format!("burst {i}"), Some(&format!("burst-{i}")))
                .await
        }));
    }
    // Meanwhile, changes that are committed outside the group commit: the feed gets the
    // groups' events handed over in memory and must read these in between, in order.
    let topics = 10;
    for i in 0..topics {
        let update = ocomms_proto::conversation::ConversationUpdate {
            topic: Some(format!("topic {i}")),
            ..Default::default()
        };
        t.member.update_conversation(town, &update).await.unwrap();
    }
    let mut acknowledged = Vec::new();
    for handle in sending {
        acknowledged.push(handle.await.unwrap().unwrap());
    }
    let mut seqs: Vec<i64> = acknowledged.iter().map(|m| m.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 60, "every post got its own position");
    let all = events_in(&mut b, town, 60 + topics).await;
    assert!(
        all.windows(2).all(|w| w[1].position == w[0].position + 1),
        "every event once, in position order, none skipped"
    );
    let delivered: Vec<&Event> = all
        .iter()
        .filter(|e| matches!(e.payload, EventPayload::MessagePosted { .. }))
        .collect();
    let mut ids: Vec<_> = delivered
        .iter()
        .map(|e| match &e.payload {
            EventPayload::MessagePosted { message, .. } => message.id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids.len(), 60);
    assert!(
        delivered.windows(2).all(|w| w[0].seq < w[1].seq),
        "in order"
    );
    ids.sort();
    let mut expected: Vec<_> = acknowledged.iter().map(|m| m.id).collect();
    expected.sort();
    assert_eq!(ids, expected, "each acknowledged message delivered once");
    quiet(&mut b, town).await;
}

async fn a_socket_follows_the_workspaces_its_person_belongs_to(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let mut otto = t.outsider.realtime(BTreeMap::new());
    ready(&mut otto).await;
    // Joining Acme while connected: the socket reconnects and hears Acme from then on.
    let invite = ocomms_proto::workspace::CreateInvitation {
        email: None,
        role: None,
        max_uses: None,
        expires_in_hours: None,
    };
    let token = t
        .owner
        .create_invitation(&t.slug, &invite)
        .await
        .unwrap()
        .token;
    t.outsider.accept_invitation(&token).await.unwrap();
    ready(&mut otto).await;
    let general = t
        .member
        .channels(&t.slug, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.is_general)
        .unwrap()
        .id;
    t.member
        .post_message(general, "welcome, Otto", None)
        .await
        .unwrap();
    assert_eq!(events_in(&mut otto, general, 1).await.len(), 1);
    let dm = t
        .member
        .open_direct(&t.slug, &[t.ids.outsider])
        .await
        .unwrap()
        .id;
    t.member
        .post_message(dm, "a word in private", None)
        .await
        .unwrap();
    assert_eq!(events_in(&mut otto, dm, 1).await.len(), 1);
    // Removed from Acme: nothing from it reaches the open socket any more, DMs included.
    t.owner
        .remove_member(&t.slug, t.ids.outsider)
        .await
        .unwrap();
    ready(&mut otto).await;
    t.member
        .post_message(dm, "after you left", None)
        .await
        .unwrap();
    t.member
        .post_message(general, "after you left", None)
        .await
        .unwrap();
    quiet(&mut otto, dm).await;
}

/// A private channel of the team's member alone.
async fn members_only(t: &crate::support::Team) -> ConversationId {
    t.member
        .create_channel(&t.slug, &channel("vault", true, vec![]))
        .await
        .unwrap()
        .id
}

/// A realtime session of `client` that is ready (caught up, live).
async fn live(client: &ocomms_client::Client) -> Realtime {
    let mut session = client.realtime(BTreeMap::new());
    ready(&mut session).await;
    session
}

/// Events a person does not receive (a private channel they are not in) still move where
/// they resume from, by a `position` frame, so that the next replay does not read them again.
async fn filtered_events_move_the_resume_position(db: TestDb) {
    let s = TestServer::start_with(db, |config| {
        config.realtime_position_every = Duration::ZERO;
    })
    .await;
    let t = s.team().await;
    let vault = members_only(&t).await;
    let mut member = live(&t.member).await;
    let mut admin = live(&t.admin).await;

    t.member.post_message(vault, "secret", None).await.unwrap();
    let posted = events_in(&mut member, vault, 1).await.remove(0);
    let workspace = posted.workspace_id;
    let moved = async {
        while admin.positions().get(&workspace) != Some(&posted.position) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), moved)
        .await
        .unwrap_or_else(|_| panic!("the admin's position stayed at {:?}", admin.positions()));
    quiet(&mut admin, vault).await;

    // Resumed from there, the replay holds nothing, and the position is the head.
    let positions = admin.close().await;
    let mut admin = t.admin.realtime(positions);
    match tokio::time::timeout(Duration::from_secs(10), admin.next()).await {
        Ok(Some(Update::Ready { positions })) => {
            assert_eq!(positions.get(&workspace), Some(&posted.position));
        }
        other => panic!("expected ready before anything else: {other:?}"),
    }
}

fn post(body: &str, client_id: &str) -> PostMessage {
    PostMessage {
        body: body.into(),
        client_id: Some(client_id.into()),
        thread_root_id: None,
        also_in_channel: false,
    }
}

/// A `post` frame does what `POST …/messages` does: answered once committed, delivered to
/// the members, the same message again for a client id already used (by either path), and
/// the REST route's status and code when refused.
async fn messages_posted_over_the_socket_are_answered_once_committed(db: TestDb) {
    let s = TestServer::start(db).await;
    let mut t = s.team().await;
    let general = t.general().await;
    let vault = members_only(&t).await;
    let member = live(&t.member).await;
    let mut admin = live(&t.admin).await;
    let guest = t.guest.realtime(BTreeMap::new());

    // Several in flight at once, each answered with its own message.
    let (first, second) = tokio::join!(
        member.post(general, post("over the socket", "ws-1")),
        member.post(general, post("and another", "ws-2")),
    );
    let (first, created) = first.unwrap();
    assert!(created);
    assert_eq!(first.body, "over the socket");
    assert_eq!(first.client_id.as_deref(), Some("ws-1"));
    assert_eq!(second.unwrap().0.body, "and another");
    let delivered = events_in(&mut admin, general, 2).await;
    let ids: Vec<_> = delivered
        .iter()
        .filter_map(|e| match &e.payload {
            EventPayload::MessagePosted { message, .. } => Some(message.body.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"over the socket".to_owned()));

    // Sent again, over the socket or REST: the first message, nothing new.
    let (again, created) = member
        .post(general, post("changed text", "ws-1"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(
        (again.id, again.body.as_str()),
        (first.id, "over the socket")
    );
    let by_rest = t
        .member
        .post_message(general, "by rest", Some("ws-1"))
        .await
        .unwrap();
    assert_eq!(by_rest.id, first.id);
    quiet(&mut admin, general).await;

    // Refusals carry the REST answer.
    let empty = member.post(general, post("  ", "ws-3")).await.unwrap_err();
    assert_eq!(
        (empty.status(), empty.code()),
        (Some(422), Some(ErrorCode::ValidationFailed))
    );
    let hidden = guest
        .post(vault, post("let me in", "ws-4"))
        .await
        .unwrap_err();
    assert_eq!(hidden.status(), Some(404), "{hidden}");
    let page = t
        .member
        .history(general, &HistoryQuery::default())
        .await
        .unwrap();
    let mine: Vec<_> = page
        .messages
        .iter()
        .filter(|m| m.client_id.as_deref().is_some_and(|c| c.starts_with("ws-")))
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");

    // Signed out: the socket closes, and a post waiting on it is told to send again.
    t.member.sign_out().await.unwrap();
    match tokio::time::timeout(
        Duration::from_secs(10),
        member.post(general, post("after sign-out", "ws-5")),
    )
    .await
    {
        Ok(Err(e)) => assert!(
            matches!(e, ocomms_client::ClientError::Disconnected) || e.status() == Some(401),
            "{e}"
        ),
        other => panic!("a post after sign-out: {other:?}"),
    }
}

/// A post made while the session cannot connect is not answered "disconnected" at the next
/// failed attempt (it never went out): it waits, goes out once the server is there, and is
/// answered then.
async fn a_post_made_while_the_server_is_away_goes_out_when_it_is_back(db: TestDb) {
    use ocomms_server::config::ServeConfig;

    let s = TestServer::start(db).await;
    let t = s.team().await;
    let general = t.general().await;
    let token = t.member.token().unwrap().to_owned();
    let TestServer { server, db, .. } = s;
    server.stop().await.unwrap();
    // Where the server will be: nothing listens there yet.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let client = ocomms_client::Client::new(&format!("http://{address}")).with_token(token);
    let mut session = client.realtime(BTreeMap::new());
    let poster = session.poster();
    let post =
        tokio::spawn(async move { poster.post(general, post("while away", "ws-away")).await });
    // Several failed attempts to connect (the first retries come within a second or two).
    let mut attempts = 0;
    while attempts < 3 {
        match tokio::time::timeout(Duration::from_secs(10), session.next()).await {
            Ok(Some(Update::Reconnecting { .. })) => attempts += 1,
            Ok(Some(_)) => {}
            other => panic!("while the server is away: {other:?}"),
        }
    }
    assert!(
        !post.is_finished(),
        "the post still waits: {:?}",
        post.await
    );

    let mut config = ServeConfig::for_database(&db.url);
    config.listen = address;
    let back = ocomms_server::server::start(config).await.unwrap();
    let (message, created) = tokio::time::timeout(Duration::from_secs(30), post)
        .await
        .expect("answered once the server is there")
        .unwrap()
        .unwrap();
    assert!(created);
    assert_eq!(message.body, "while away");
    drop(session);
    back.stop().await.unwrap();
}

/// A message near the longest allowed, of characters two and four bytes long, reaches a live
/// socket whole: its event frame (body and HTML, ~180 KB) is written straight from the copy
/// all recipients share (ADR 0028).
async fn a_longest_message_arrives_whole(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let general = t.general().await;
    let mut member = live(&t.member).await;
    let body = "é🎉a".repeat(13_000);
    t.admin.post_message(general, &body, None).await.unwrap();
    let event = events_in(&mut member, general, 1).await.remove(0);
    let EventPayload::MessagePosted { message, .. } = event.payload else {
        panic!("{event:?}");
    };
    assert_eq!(message.body, body);
    // The connection goes on as before.
    t.admin.post_message(general, "short", None).await.unwrap();
    let next = events_in(&mut member, general, 1).await.remove(0);
    assert!(
        matches!(next.payload, EventPayload::MessagePosted { message, .. } if message.body == "short")
    );
}
