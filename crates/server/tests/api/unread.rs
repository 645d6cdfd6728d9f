//! Unread state (issue 15, S13): counts follow each member's read marker, which moves forward
//! when marked read and back when a message is marked unread; only members have one, and a
//! private conversation never shows up for anyone else.

use ocomms_proto::conversation::ReadState;
use ocomms_proto::{ConversationId, ErrorCode};
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, live, refusal as code};

ocomms_store::backend_tests!(
    unread_counts_follow_the_read_marker,
    only_members_have_read_state,
    a_read_reaches_the_readers_other_connections_only,
    mark_all_read_reads_every_conversation_of_the_workspace,
);

async fn mark_all_read_reads_every_conversation_of_the_workspace(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let dm = t
        .admin
        .open_direct(&t.slug, &[t.ids.member])
        .await
        .unwrap()
        .id;
    t.admin.post_message(town, "one", None).await.unwrap();
    t.admin
        .post_message(dm, "psst @max.member", None)
        .await
        .unwrap();
    let mut session = live(&t.member).await;
    let moved = t.member.mark_all_read(&t.slug).await.unwrap();
    // Whatever had anything after its marker moves: these, and #general, where people joined.
    let ids: Vec<_> = moved.iter().map(|s| s.conversation_id).collect();
    let expected = [town, dm];
    assert!(expected.iter().all(|c| ids.contains(c)), "{ids:?}");
    assert!(moved.iter().all(|s| s.unread == 0 && s.mentions == 0));
    let states = t.member.read_states(&t.slug).await.unwrap();
    assert!(states.iter().all(|s| s.unread == 0 && s.mentions == 0));
    // The member's other tabs hear of each.
    let first = next_read(&mut session).await;
    assert!(ids.contains(&first.conversation_id));
    // Nothing new: nothing moves; outside the workspace there is nothing to mark.
    assert!(t.member.mark_all_read(&t.slug).await.unwrap().is_empty());
    assert_eq!(
        code(t.outsider.mark_all_read(&t.slug).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
}

fn of(states: &[ReadState], conversation: ConversationId) -> Option<ReadState> {
    states
        .iter()
        .find(|s| s.conversation_id == conversation)
        .copied()
}

async fn unread_counts_follow_the_read_marker(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let unread = || async {
        of(&t.member.read_states(&t.slug).await.unwrap(), town)
            .unwrap()
            .unread
    };
    assert_eq!(unread().await, 0, "joining a channel starts it read");

    let first = t.admin.post_message(town, "one", None).await.unwrap();
    let second = t.admin.post_message(town, "two", None).await.unwrap();
    let third = t.admin.post_message(town, "three", None).await.unwrap();
    t.member.post_message(town, "mine", None).await.unwrap();
    assert_eq!(unread().await, 3, "my own messages are not unread");
    // A reply only in the thread is not in the timeline; a deleted message no longer counts.
    t.admin
        .reply(town, first.id, "in the thread", false)
        .await
        .unwrap();
    t.admin.delete_message(third.id).await.unwrap();
    assert_eq!(unread().await, 2);

    let read = t.member.mark_read(town, second.seq).await.unwrap();
    assert_eq!((read.last_read_seq, read.unread), (second.seq, 0));
    // A late report from another tab does not move the marker back.
    let late = t.member.mark_read(town, first.seq).await.unwrap();
    assert_eq!(late.last_read_seq, second.seq);
    // "Mark unread" does, from that message on.
    let again = t.member.mark_unread(first.id).await.unwrap();
    assert_eq!((again.last_read_seq, again.unread), (first.seq - 1, 2));
    // Past the end is the end.
    let all = t.member.mark_read(town, i64::MAX).await.unwrap();
    assert_eq!(all.unread, 0);
    assert!(all.last_read_seq >= second.seq);
    // The other member's marker is their own: for the admin, only Max's message is new.
    assert_eq!(
        of(&t.admin.read_states(&t.slug).await.unwrap(), town)
            .unwrap()
            .unread,
        1
    );
}

async fn only_members_have_read_state(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let secret = t.channel_by_member("secret", true, vec![]).await;
    let open = t.channel_by_member("open", false, vec![]).await;
    let posted = t.member.post_message(secret, "hush", None).await.unwrap();
    let public = t.member.post_message(open, "hello", None).await.unwrap();

    // Outside a private channel: it does not exist, here as everywhere.
    assert_eq!(
        code(t.admin.mark_read(secret, 1).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
    assert_eq!(
        code(t.admin.mark_unread(posted.id).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
    assert_eq!(
        of(&t.admin.read_states(&t.slug).await.unwrap(), secret),
        None
    );
    // A public channel one has not joined can be read but has no read state.
    assert_eq!(
        code(t.admin.mark_read(open, 1).await),
        (Some(ErrorCode::Forbidden), Some(403))
    );
    assert_eq!(
        code(t.admin.mark_unread(public.id).await),
        (Some(ErrorCode::Forbidden), Some(403))
    );
    // Someone from another workspace knows nothing of it.
    assert_eq!(
        code(t.outsider.read_states(&t.slug).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
    assert!(of(&t.member.read_states(&t.slug).await.unwrap(), secret).is_some());
}

/// The next `read` frame of a session, skipping presence and the like; fails after 10 s.
async fn next_read(session: &mut ocomms_client::Realtime) -> ReadState {
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), session.next()).await {
            Ok(Some(ocomms_client::Update::Read(state))) => return state,
            Ok(Some(_)) => {}
            other => panic!("no read frame: {other:?}"),
        }
    }
}

async fn a_read_reaches_the_readers_other_connections_only(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let posted = t.admin.post_message(town, "news", None).await.unwrap();
    // Max's other tab (another socket of the same sign-in), and Ann's.
    let mut other_tab = live(&t.member).await;
    let mut ann = live(&t.admin).await;
    let read = t.member.mark_read(town, posted.seq).await.unwrap();
    assert_eq!(next_read(&mut other_tab).await, read);
    let unread = t.member.mark_unread(posted.id).await.unwrap();
    assert_eq!(next_read(&mut other_tab).await, unread);
    assert_eq!(unread.unread, 1);
    // Ann hears nothing of Max's reading: up to her own next event, no read frame.
    t.admin.post_message(town, "more", None).await.unwrap();
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), ann.next()).await {
            Ok(Some(ocomms_client::Update::Read(state))) => {
                panic!("another person's read state reached Ann: {state:?}")
            }
            Ok(Some(ocomms_client::Update::Event(e))) if e.conversation_id == town => break,
            Ok(Some(_)) => {}
            other => panic!("no event: {other:?}"),
        }
    }
}
