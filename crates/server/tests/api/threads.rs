//! Threads: one level of replies under a top-level message, a summary kept on it and carried
//! live by the event stream, following and read state, All threads, and refusals where a
//! message is out of reach.

use ocomms_proto::event::EventPayload;
use ocomms_proto::message::{HistoryQuery, ThreadList, ThreadsQuery};
use ocomms_proto::{ErrorCode, MessageId};
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, live, next_in, refusal as code};

ocomms_store::backend_tests!(
    replies_keep_a_live_summary_on_their_thread,
    threads_are_one_level_and_out_of_reach_is_missing,
    all_threads_lists_followed_threads_newest_first
);

async fn replies_keep_a_live_summary_on_their_thread(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let town = t.channel_by_member("town", false, vec![ids.admin]).await;
    let root = t.member.post_message(town, "plans?", None).await.unwrap();
    let mut member_live = live(&t.member).await;

    let first = t.admin.reply(town, root.id, "friday", false).await.unwrap();
    assert_eq!(first.thread_root_id, Some(root.id));
    assert!(!first.also_in_channel);
    let posted = next_in(&mut member_live, town).await;
    let EventPayload::MessagePosted { message, thread } = posted.payload else {
        panic!("{posted:?}")
    };
    assert_eq!(message.id, first.id);
    let thread = thread.expect("a reply's event carries its thread's summary");
    assert_eq!(thread.reply_count, 1);
    assert_eq!(thread.participants, vec![ids.admin]);
    assert_eq!(thread.last_reply_at, first.created_at);

    let shared = t.member.reply(town, root.id, "agreed", true).await.unwrap();
    let third = t.admin.reply(town, root.id, "booked", false).await.unwrap();
    next_in(&mut member_live, town).await;
    let EventPayload::MessagePosted { thread, .. } = next_in(&mut member_live, town).await.payload
    else {
        panic!("a post")
    };
    let thread = thread.unwrap();
    assert_eq!(thread.reply_count, 3);
    assert_eq!(
        thread.participants,
        vec![ids.admin, ids.member],
        "the most recent replier first, each once"
    );

    // The timeline has the root (with its summary) and the reply also sent there; the
    // thread has every reply, oldest first.
    let timeline = t
        .owner
        .history(town, &HistoryQuery::default())
        .await
        .unwrap();
    let ids_in = |page: &ocomms_proto::message::MessagePage| -> Vec<MessageId> {
        page.messages.iter().map(|m| m.id).collect()
    };
    assert_eq!(ids_in(&timeline), vec![root.id, shared.id]);
    assert_eq!(timeline.messages[0].thread.as_ref(), Some(&thread));
    let replies = t
        .owner
        .replies(root.id, &HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(ids_in(&replies), vec![first.id, shared.id, third.id]);
    assert_eq!(t.owner.message(root.id).await.unwrap().thread, Some(thread));

    // A deleted reply leaves the count; the event says so with the new summary.
    t.admin.delete_message(third.id).await.unwrap();
    let deleted = next_in(&mut member_live, town).await;
    let EventPayload::MessageDeleted {
        message_id,
        thread_root_id,
        thread,
    } = deleted.payload
    else {
        panic!("{deleted:?}")
    };
    assert_eq!((message_id, thread_root_id), (third.id, Some(root.id)));
    let thread = thread.unwrap();
    assert_eq!(thread.reply_count, 2);
    assert_eq!(thread.participants, vec![ids.member, ids.admin]);
    assert_eq!(thread.last_reply_at, shared.created_at);
    // The thread stays readable under a deleted top-level message.
    t.member.delete_message(root.id).await.unwrap();
    let replies = t
        .admin
        .replies(root.id, &HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(
        replies.messages.len(),
        3,
        "the deleted reply as a tombstone"
    );
    assert!(replies.messages[2].deleted);
}

async fn threads_are_one_level_and_out_of_reach_is_missing(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let town = t.channel_by_member("town", false, vec![ids.admin]).await;
    let other = t.channel_by_member("other", false, vec![ids.admin]).await;
    let vault = t.channel_by_member("vault", true, vec![]).await;
    let root = t.member.post_message(town, "root", None).await.unwrap();
    let reply = t.admin.reply(town, root.id, "reply", false).await.unwrap();
    let secret = t.member.post_message(vault, "secret", None).await.unwrap();
    let invalid = (Some(ErrorCode::ValidationFailed), Some(422));
    let missing = (Some(ErrorCode::NotFound), Some(404));

    // One level: a reply has no thread of its own.
    assert_eq!(
        code(t.member.reply(town, reply.id, "deeper", false).await),
        invalid
    );
    assert_eq!(code(t.member.follow_thread(reply.id, true).await), invalid);
    assert_eq!(
        code(t.member.replies(reply.id, &HistoryQuery::default()).await),
        invalid
    );
    // A reply goes where its thread is.
    assert_eq!(
        code(t.member.reply(other, root.id, "here?", false).await),
        invalid
    );
    // "Also send to the channel" needs a thread.
    let posted = reqwest::Client::new()
        .post(format!("{}/api/v1/conversations/{town}/messages", s.url()))
        .bearer_auth(t.member.token().unwrap_or_default())
        .json(&serde_json::json!({"body": "hi", "also_in_channel": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 422);
    let error: serde_json::Value = posted.json().await.unwrap();
    assert_eq!(error["details"]["field"], "also_in_channel");

    // A private channel's thread does not exist for those outside it: not to reply, read,
    // follow or mark read. Named as the root of a reply elsewhere, it is a bad field (422),
    // as a missing message is.
    assert_eq!(
        code(t.admin.reply(town, secret.id, "hi", false).await),
        invalid
    );
    assert_eq!(
        code(t.outsider.reply(town, secret.id, "hi", false).await),
        missing
    );
    for outsider in [&t.admin, &t.outsider] {
        assert_eq!(
            code(outsider.reply(vault, secret.id, "hi", false).await),
            missing
        );
        assert_eq!(
            code(outsider.replies(secret.id, &HistoryQuery::default()).await),
            missing
        );
        assert_eq!(code(outsider.follow_thread(secret.id, true).await), missing);
        assert_eq!(code(outsider.mark_thread_read(secret.id).await), missing);
        assert_eq!(code(outsider.message(secret.id).await), missing);
    }
    // Nobody replies to a deleted message, or to one that never was.
    t.member.delete_message(root.id).await.unwrap();
    assert_eq!(
        code(t.admin.reply(town, root.id, "late", false).await),
        invalid
    );
    assert_eq!(
        code(t.admin.reply(town, MessageId(999_999), "x", false).await),
        invalid
    );
    let too_many = ThreadsQuery {
        after: None,
        limit: Some(51),
    };
    assert_eq!(code(t.member.threads(&t.slug, &too_many).await), invalid);
    assert_eq!(
        code(t.outsider.threads(&t.slug, &ThreadsQuery::default()).await),
        missing
    );
}

/// Root ids of a thread list, with their unread flags.
fn listed(list: &ThreadList) -> Vec<(MessageId, bool)> {
    list.threads.iter().map(|t| (t.root.id, t.unread)).collect()
}

async fn all_threads_lists_followed_threads_newest_first(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let ids = t.ids;
    let town = t
        .channel_by_member("town", false, vec![ids.admin, ids.owner])
        .await;
    let a = t.member.post_message(town, "a", None).await.unwrap();
    let b = t.member.post_message(town, "b", None).await.unwrap();
    let all = ThreadsQuery::default();
    assert!(
        t.member
            .threads(&t.slug, &all)
            .await
            .unwrap()
            .threads
            .is_empty()
    );

    t.admin.reply(town, a.id, "on a", false).await.unwrap();
    let on_b = t.admin.reply(town, b.id, "on b", false).await.unwrap();
    // The author follows from the first reply, unread; the replier has read their own.
    let mine = t.member.threads(&t.slug, &all).await.unwrap();
    assert_eq!(listed(&mine), vec![(b.id, true), (a.id, true)]);
    assert_eq!(
        mine.threads[0].latest_reply.as_ref().map(|r| r.id),
        Some(on_b.id)
    );
    assert_eq!(
        listed(&t.admin.threads(&t.slug, &all).await.unwrap()),
        vec![(b.id, false), (a.id, false)]
    );
    t.member.mark_thread_read(a.id).await.unwrap();
    assert_eq!(
        listed(&t.member.threads(&t.slug, &all).await.unwrap()),
        vec![(b.id, true), (a.id, false)]
    );

    // New activity moves a thread up and makes it unread again for its followers.
    t.owner.reply(town, a.id, "me too", false).await.unwrap();
    assert_eq!(
        listed(&t.member.threads(&t.slug, &all).await.unwrap()),
        vec![(a.id, true), (b.id, true)]
    );
    // Pages continue after the last thread shown.
    let first = ThreadsQuery {
        after: None,
        limit: Some(1),
    };
    let page = t.member.threads(&t.slug, &first).await.unwrap();
    assert!(page.more);
    let next = ThreadsQuery {
        after: Some(page.threads[0].root.id),
        limit: Some(1),
    };
    let page = t.member.threads(&t.slug, &next).await.unwrap();
    assert_eq!(listed(&page), vec![(b.id, true)]);
    assert!(!page.more);

    // Unfollowing takes a thread off the list until one replies again; following by hand
    // puts one there without replying.
    let unfollowed = t.admin.follow_thread(a.id, false).await.unwrap();
    assert!(!unfollowed.following);
    assert_eq!(
        listed(&t.admin.threads(&t.slug, &all).await.unwrap()),
        vec![(b.id, false)]
    );
    t.admin.reply(town, a.id, "back", false).await.unwrap();
    assert_eq!(
        t.admin.threads(&t.slug, &all).await.unwrap().threads.len(),
        2
    );
    assert_eq!(
        listed(&t.owner.threads(&t.slug, &all).await.unwrap()),
        vec![(a.id, true)],
        "the owner replied in a only"
    );
    t.owner.follow_thread(b.id, true).await.unwrap();
    assert_eq!(
        listed(&t.owner.threads(&t.slug, &all).await.unwrap()),
        vec![(a.id, true), (b.id, false)],
        "following by hand starts from what is there"
    );

    // Someone removed from the conversation no longer sees its threads.
    t.member
        .remove_from_conversation(town, ids.admin)
        .await
        .unwrap();
    assert!(
        t.admin
            .threads(&t.slug, &all)
            .await
            .unwrap()
            .threads
            .is_empty()
    );
}
