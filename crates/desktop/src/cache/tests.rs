//! The cache file on its own: what is written reads back, trimmed to the newest messages,
//! with edits and deletes applied; a signed-out account leaves nothing.

use ocomms_proto::account::{CurrentUser, Profile};
use ocomms_proto::conversation::{Conversation, ConversationKind};
use ocomms_proto::instance::InstanceInfo;
use ocomms_proto::message::{Message, Reaction};
use ocomms_proto::notification::{ConversationNotifications, Level};
use ocomms_proto::{ConversationId, UserId, WorkspaceId};

use super::{Cache, Write, path_for};

const ME: UserId = UserId(7);
const GENERAL: ConversationId = ConversationId(3);

fn user() -> CurrentUser {
    CurrentUser {
        id: ME,
        email: "me@example.com".into(),
        email_verified: true,
        is_instance_admin: false,
        profile: Profile {
            user_id: ME,
            display_name: "Me".into(),
            handle: "me".into(),
            title: String::new(),
            bio: String::new(),
            time_zone: String::new(),
            avatar_url: String::new(),
        },
    }
}

fn message(seq: i64) -> Message {
    Message {
        author_id: ME,
        body: format!("message {seq} 🚀"),
        created_at: seq,
        ..crate::testing::message(GENERAL, seq)
    }
}

fn muted() -> ConversationNotifications {
    ConversationNotifications {
        level: Some(Level::Nothing),
        effective: Level::Nothing,
    }
}

fn general() -> Conversation {
    Conversation {
        id: GENERAL,
        workspace_id: WorkspaceId(1),
        kind: ConversationKind::Public,
        name: "general".into(),
        topic: String::new(),
        description: String::new(),
        is_general: true,
        archived: false,
        created_by: ME,
        created_at: 0,
        member_count: 1,
        is_member: true,
        can_manage: false,
        can_add_members: true,
        last_seq: 0,
        participants: vec![],
        pins_managers_only: false,
        can_pin: true,
    }
}

fn info() -> InstanceInfo {
    InstanceInfo {
        name: "Acme".into(),
        version: "0.1.0".into(),
        needs_setup: false,
        open_signup: false,
        email_verification_required: false,
        protocol_versions: vec![1],
        features: vec![],
        auth_methods: vec![],
    }
}

#[tokio::test]
async fn what_is_written_reads_back_trimmed_edited_and_forgotten() {
    let dir = tempfile::tempdir().expect("dir");
    let path = path_for(dir.path(), "https://chat.example.com:8443");
    assert!(path.ends_with("cache/https_chat.example.com_8443.sqlite"));
    let mut cache = Cache::open(&path).await.expect("open");
    assert_eq!(cache.read().await.expect("read"), None, "empty");
    let info = info();
    let writes = [
        Write::Instance(info.clone()),
        Write::Account(user()),
        Write::Conversations {
            user: ME,
            workspace: WorkspaceId(1),
            list: vec![general()],
            names: vec![(UserId(8), "Olga".into())],
        },
        Write::Messages {
            user: ME,
            messages: (1..=250).map(message).collect(),
        },
        Write::Edited {
            user: ME,
            message: message(250).id,
            body: "edited".into(),
            html: "<p>edited</p>".into(),
            edited_at: 99,
        },
        Write::Deleted {
            user: ME,
            message: message(249).id,
        },
        Write::Place {
            user: ME,
            conversation: GENERAL,
        },
        Write::Levels {
            user: ME,
            levels: vec![(GENERAL, muted())],
        },
    ];
    for write in writes {
        cache.write(write).await.expect("write");
    }
    drop(cache);
    // Read back by a later run.
    let mut cache = Cache::open(&path).await.expect("open again");
    let cached = cache.read().await.expect("read").expect("something kept");
    assert_eq!(cached.info, info);
    let account = &cached.accounts[0];
    assert_eq!(account.user, user());
    assert_eq!(account.conversations, [(WorkspaceId(1), vec![general()])]);
    assert_eq!(account.names, [(UserId(8), "Olga".to_owned())]);
    assert_eq!(account.place, Some(GENERAL));
    assert_eq!(account.levels, [(GENERAL, muted())]);
    let (conversation, messages) = &account.messages[0];
    assert_eq!(*conversation, GENERAL);
    let seqs: Vec<i64> = messages.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        (201..=250).collect::<Vec<_>>(),
        "the newest page, oldest first"
    );
    assert_eq!(messages[0].body, "message 201 🚀");
    let last = &messages[49];
    assert_eq!((last.body.as_str(), last.edited_at), ("edited", Some(99)));
    assert!(messages[48].deleted && messages[48].body.is_empty());
    // Only the newest 200 are kept on disk.
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages")
        .fetch_one(&mut cache.db)
        .await
        .expect("count");
    assert_eq!(count, 200);

    cache.write(Write::ForgetAccount(ME)).await.expect("forget");
    assert_eq!(cache.read().await.expect("read"), None);
}

/// Reactions come inside their message (`Message::reactions`) and are kept with it, through
/// an edit; live toggles are applied to it, so they read back offline as the timeline last
/// showed them.
#[tokio::test]
async fn reactions_are_kept_with_their_message() {
    let dir = tempfile::tempdir().expect("dir");
    let path = path_for(dir.path(), "https://chat.example.com");
    let mut cache = Cache::open(&path).await.expect("open");
    let reacted = Message {
        reactions: vec![
            Reaction {
                emoji: "👍🏽".into(),
                user_ids: vec![ME, UserId(8)],
            },
            Reaction {
                emoji: "🎉".into(),
                user_ids: vec![UserId(8)],
            },
        ],
        ..message(1)
    };
    let writes = [
        Write::Instance(info()),
        Write::Account(user()),
        Write::Messages {
            user: ME,
            messages: vec![reacted.clone(), message(2)],
        },
        Write::Edited {
            user: ME,
            message: reacted.id,
            body: "edited".into(),
            html: String::new(),
            edited_at: 5,
        },
        // Live: 8 takes 🎉 back (nobody is left), I react 🚀 to message 2.
        Write::Reaction {
            user: ME,
            message: reacted.id,
            emoji: "🎉".into(),
            by: UserId(8),
            added: false,
        },
        Write::Reaction {
            user: ME,
            message: message(2).id,
            emoji: "🚀".into(),
            by: ME,
            added: true,
        },
        // A message never kept is left alone.
        Write::Reaction {
            user: ME,
            message: ocomms_proto::MessageId(999_999),
            emoji: "🚀".into(),
            by: ME,
            added: true,
        },
        Write::Reaction {
            user: ME,
            message: message(2).id,
            emoji: "🚀".into(),
            by: UserId(8),
            added: true,
        },
    ];
    for write in writes {
        cache.write(write).await.expect("write");
    }
    drop(cache);
    let mut cache = Cache::open(&path).await.expect("open again");
    let cached = cache.read().await.expect("read").expect("kept");
    let messages = &cached.accounts[0].messages[0].1;
    assert_eq!(messages[0].reactions, reacted.reactions[..1]);
    assert_eq!(messages[0].body, "edited");
    assert_eq!(
        messages[1].reactions,
        [Reaction {
            emoji: "🚀".into(),
            user_ids: vec![ME, UserId(8)],
        }]
    );
}
