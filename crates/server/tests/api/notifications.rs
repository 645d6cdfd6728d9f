//! Notifications (issue 15, S12): levels per conversation and per workspace, do not disturb,
//! the `notify` frame a connected person gets for what should reach them now, and the
//! Activity list, which shows only what they may read now.

use std::time::Duration;

use ocomms_proto::notification::{ActivityKind, Level, QuietHours, Reason, SetDoNotDisturb};
use ocomms_proto::{ConversationId, ErrorCode, MessageId};
use ocomms_store::testing::TestDb;

use crate::support::{Team, TestServer, live, refusal as code};

ocomms_store::backend_tests!(
    settings_are_kept_per_conversation_workspace_and_person,
    notify_frames_follow_mentions_levels_and_quiet_time,
    a_resumed_connection_is_told_what_it_missed,
    activity_lists_what_asks_for_attention_and_nothing_private,
);

async fn settings_are_kept_per_conversation_workspace_and_person(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let secret = t.channel_by_member("secret", true, vec![]).await;

    let start = t.admin.conversation_notifications(town).await.unwrap();
    assert_eq!((start.level, start.effective), (None, Level::Mentions));
    let muted = t
        .admin
        .set_conversation_notifications(town, Some(Level::Nothing))
        .await
        .unwrap();
    assert_eq!(
        (muted.level, muted.effective),
        (Some(Level::Nothing), Level::Nothing)
    );
    // The workspace default applies where no level was chosen.
    t.admin
        .set_workspace_notifications(&t.slug, Level::All)
        .await
        .unwrap();
    let back = t
        .admin
        .set_conversation_notifications(town, None)
        .await
        .unwrap();
    assert_eq!((back.level, back.effective), (None, Level::All));
    assert_eq!(
        t.admin
            .workspace_notifications(&t.slug)
            .await
            .unwrap()
            .default_level,
        Level::All
    );
    // Only members have a level; a private channel does not exist for others.
    assert_eq!(
        code(t.admin.conversation_notifications(secret).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
    let open = t.channel_by_member("open", false, vec![]).await;
    assert_eq!(
        code(
            t.admin
                .set_conversation_notifications(open, Some(Level::All))
                .await
        ),
        (Some(ErrorCode::Forbidden), Some(403))
    );
    assert_eq!(
        code(t.outsider.workspace_notifications(&t.slug).await),
        (Some(ErrorCode::NotFound), Some(404))
    );

    // Do not disturb: quiet hours and a snooze.
    let night = SetDoNotDisturb {
        quiet_hours: Some(QuietHours {
            start: "22:00".into(),
            end: "7:00".into(),
        }),
        snooze_minutes: Some(60),
    };
    let set = t.member.set_do_not_disturb(&night).await.unwrap();
    let hours = set.quiet_hours.unwrap();
    assert_eq!(
        (hours.start.as_str(), hours.end.as_str()),
        ("22:00", "07:00")
    );
    let until = set.snoozed_until.unwrap();
    let in_an_hour = ocomms_proto_now() + 3_600_000;
    assert!((in_an_hour - 60_000..=in_an_hour + 60_000).contains(&until));
    // Leaving the snooze out keeps it; 0 ends it; no quiet hours clears them.
    let kept = t
        .member
        .set_do_not_disturb(&SetDoNotDisturb::default())
        .await
        .unwrap();
    assert_eq!((kept.quiet_hours, kept.snoozed_until), (None, Some(until)));
    let ended = t
        .member
        .set_do_not_disturb(&SetDoNotDisturb {
            quiet_hours: None,
            snooze_minutes: Some(0),
        })
        .await
        .unwrap();
    assert_eq!(ended.snoozed_until, None);
    for bad in ["24:00", "7", "22:60"] {
        let refused = t
            .member
            .set_do_not_disturb(&SetDoNotDisturb {
                quiet_hours: Some(QuietHours {
                    start: bad.into(),
                    end: "07:00".into(),
                }),
                snooze_minutes: None,
            })
            .await;
        assert_eq!(
            code(refused),
            (Some(ErrorCode::ValidationFailed), Some(422)),
            "{bad}"
        );
    }
}

fn ocomms_proto_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap())
        .unwrap()
}

/// Whether the session is told of message `id`: its event, then a `notify` frame for it
/// within a moment (`None` when none comes).
async fn told_of(session: &mut ocomms_client::Realtime, id: MessageId) -> Option<Reason> {
    let mut seen = false;
    loop {
        let wait = if seen {
            Duration::from_millis(400)
        } else {
            Duration::from_secs(10)
        };
        match tokio::time::timeout(wait, session.next()).await {
            Ok(Some(ocomms_client::Update::Event(event))) => {
                if let ocomms_proto::event::EventPayload::MessagePosted { message, .. } =
                    &event.payload
                    && message.id == id
                {
                    seen = true;
                }
            }
            Ok(Some(ocomms_client::Update::Notify(n))) if n.message_id == id => {
                assert!(seen, "the notification comes after its event");
                return Some(n.reason);
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("the session ended"),
            Err(_) if seen => return None,
            Err(_) => panic!("the message never arrived"),
        }
    }
}

/// #town (Max made it, Ann is in it) and Ann's direct message with Max.
async fn town_and_direct(t: &Team) -> (ConversationId, ConversationId) {
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let dm = t
        .admin
        .open_direct(&t.slug, &[t.ids.member])
        .await
        .unwrap()
        .id;
    (town, dm)
}

async fn posted_by(
    who: &ocomms_client::Client,
    conversation: ConversationId,
    body: &str,
) -> MessageId {
    who.post_message(conversation, body, None).await.unwrap().id
}

async fn notify_frames_follow_mentions_levels_and_quiet_time(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let (town, dm) = town_and_direct(&t).await;
    let mut max = live(&t.member).await;
    let post = |conversation, body: &'static str| posted_by(&t.admin, conversation, body);

    let plain = post(town, "lunch?").await;
    assert_eq!(
        told_of(&mut max, plain).await,
        None,
        "mentions only, by default"
    );
    let named = post(town, "@max.member lunch?").await;
    assert_eq!(told_of(&mut max, named).await, Some(Reason::Mention));
    let everyone = post(town, "@here standup").await;
    assert_eq!(told_of(&mut max, everyone).await, Some(Reason::Mention));
    let direct = post(dm, "psst").await;
    assert_eq!(told_of(&mut max, direct).await, Some(Reason::Direct));
    // A direct message opened after he connected is one too.
    let late = t
        .admin
        .open_direct(&t.slug, &[t.ids.member, t.ids.owner])
        .await
        .unwrap()
        .id;
    let group = post(late, "all three of us").await;
    assert_eq!(told_of(&mut max, group).await, Some(Reason::Direct));
    // His own messages never notify him.
    let own = t
        .member
        .post_message(town, "@channel me", None)
        .await
        .unwrap()
        .id;
    assert_eq!(told_of(&mut max, own).await, None);
    // Replies in a thread he follows (he replied in it), even at "mentions" only; once he
    // stops following, no more.
    let mine = t
        .member
        .reply(town, plain, "count me in", false)
        .await
        .unwrap()
        .id;
    assert_eq!(told_of(&mut max, mine).await, None);
    let reply = t
        .admin
        .reply(town, plain, "noon then", false)
        .await
        .unwrap()
        .id;
    assert_eq!(told_of(&mut max, reply).await, Some(Reason::Reply));
    t.member.follow_thread(plain, false).await.unwrap();
    let unfollowed = t
        .admin
        .reply(town, plain, "or one", false)
        .await
        .unwrap()
        .id;
    assert_eq!(told_of(&mut max, unfollowed).await, None);

    // Everything in #town; then muted.
    t.member
        .set_conversation_notifications(town, Some(Level::All))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let chatter = post(town, "more lunch talk").await;
    assert_eq!(told_of(&mut max, chatter).await, Some(Reason::Message));
    t.member
        .set_conversation_notifications(town, Some(Level::Nothing))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hushed = post(town, "@max.member are you there?").await;
    assert_eq!(told_of(&mut max, hushed).await, None, "muted");
    // The mention still counts (muted channels keep their badges).
    let town_state = t
        .member
        .read_states(&t.slug)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.conversation_id == town)
        .unwrap();
    assert!(town_state.mentions >= 1);

    // Snoozed: nothing, not even a direct message; the snooze ended, it comes again.
    t.member
        .set_do_not_disturb(&SetDoNotDisturb {
            quiet_hours: None,
            snooze_minutes: Some(30),
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let quiet = post(dm, "still there?").await;
    assert_eq!(told_of(&mut max, quiet).await, None, "snoozed");
    t.member
        .set_do_not_disturb(&SetDoNotDisturb {
            quiet_hours: None,
            snooze_minutes: Some(0),
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = post(dm, "hello?").await;
    assert_eq!(told_of(&mut max, again).await, Some(Reason::Direct));
}

async fn activity_lists_what_asks_for_attention_and_nothing_private(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let secret = t
        .admin
        .create_channel(
            &t.slug,
            &crate::support::channel("secret", true, vec![t.ids.member]),
        )
        .await
        .unwrap()
        .id;
    let root = t.member.post_message(town, "plan", None).await.unwrap();
    t.admin
        .post_message(town, "nothing for Max", None)
        .await
        .unwrap();
    let named = t
        .admin
        .post_message(town, "@max.member look", None)
        .await
        .unwrap();
    let all = t
        .admin
        .post_message(town, "@channel fire drill", None)
        .await
        .unwrap();
    let reply = t.admin.reply(town, root.id, "on it", false).await.unwrap();
    let private = t
        .admin
        .post_message(secret, "@max.member secret plan", None)
        .await
        .unwrap();

    let page = t.member.activity(&t.slug, None).await.unwrap();
    let listed: Vec<(ActivityKind, MessageId)> =
        page.items.iter().map(|i| (i.kind, i.message.id)).collect();
    assert_eq!(
        listed,
        vec![
            (ActivityKind::Mention, private.id),
            (ActivityKind::Reply, reply.id),
            (ActivityKind::Channel, all.id),
            (ActivityKind::Mention, named.id),
        ],
        "newest first"
    );
    assert!(!page.more);
    // Paging goes on before the last item.
    let rest = t.member.activity(&t.slug, Some(all.id)).await.unwrap();
    assert_eq!(
        rest.items.iter().map(|i| i.message.id).collect::<Vec<_>>(),
        vec![named.id]
    );

    // Out of the private channel, its messages leave his Activity at once.
    t.admin
        .remove_from_conversation(secret, t.ids.member)
        .await
        .unwrap();
    let after = t.member.activity(&t.slug, None).await.unwrap();
    assert!(after.items.iter().all(|i| i.message.id != private.id));
    // Nobody else's Activity shows Max's mentions; outsiders have none here.
    let ann = t.admin.activity(&t.slug, None).await.unwrap();
    assert!(ann.items.iter().all(|i| i.message.id != named.id));
    assert_eq!(
        code(t.outsider.activity(&t.slug, None).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
}

/// Notifications are resume-safe: a connection that resumes gets the `notify` frames of the
/// messages it missed behind their replayed events, from the feed's memory while the feed
/// runs (someone else is connected) and from the database after it stopped. `@here` reached
/// only who was connected then.
async fn a_resumed_connection_is_told_what_it_missed(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let (town, dm) = town_and_direct(&t).await;
    let post = |conversation, body: &'static str| posted_by(&t.admin, conversation, body);
    for someone_else_connected in [true, false] {
        let watcher = if someone_else_connected {
            Some(live(&t.admin).await)
        } else {
            None
        };
        let max = live(&t.member).await;
        let positions = max.close().await;
        let named = post(town, "@max.member while you were out").await;
        post(town, "@here quick one").await;
        let direct = post(dm, "call me").await;
        let mut max = t.member.realtime(positions);
        let mut told = Vec::new();
        // Until the last one: an acknowledged post may reach the feed's memory only after
        // the resume was answered, and then comes live right after `ready` (nothing missed
        // either way).
        while told.last().map(|(id, _)| *id) != Some(direct) {
            match tokio::time::timeout(Duration::from_secs(10), max.next()).await {
                Ok(Some(ocomms_client::Update::Notify(n))) => told.push((n.message_id, n.reason)),
                Ok(Some(_)) => {}
                other => panic!("no replay: {other:?}, told {told:?}"),
            }
        }
        assert_eq!(
            told,
            vec![(named, Reason::Mention), (direct, Reason::Direct)],
            "replayed behind their events; `@here` was not for him then"
        );
        drop(max);
        drop(watcher);
        // Let the feed notice that nobody listens and stop.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}
