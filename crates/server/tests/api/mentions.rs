//! Mentions (issue 15, S11): handles, and messages that name people, `@channel` or `@here`,
//! marked in their HTML and counted apart in the mentioned members' unread state. A mention
//! never reaches past the conversation's members or the workspace's people.

use ocomms_proto::account::ProfileUpdate;
use ocomms_proto::conversation::ReadState;
use ocomms_proto::{ConversationId, ErrorCode};
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, live, refusal as code};

ocomms_store::backend_tests!(
    handles_come_from_names_and_can_be_changed,
    mentions_are_marked_and_counted_apart,
    mentions_reach_members_of_the_workspace_only,
    here_counts_for_members_online,
    public_channels_named_with_a_hash_are_linked,
);

fn of(states: &[ReadState], conversation: ConversationId) -> ReadState {
    *states
        .iter()
        .find(|s| s.conversation_id == conversation)
        .expect("a read state")
}

fn handle_update(handle: &str) -> ProfileUpdate {
    ProfileUpdate {
        handle: Some(handle.to_owned()),
        ..ProfileUpdate::default()
    }
}

async fn handles_come_from_names_and_can_be_changed(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    assert_eq!(t.member.me().await.unwrap().profile.handle, "max.member");
    // The same name again: a number makes it unique.
    let twin = s.sign_up("max2@acme.test", "Max Member").await;
    assert_eq!(twin.me().await.unwrap().profile.handle, "max.member2");

    let changed = t.member.update_profile(&handle_update(" @Maxi ")).await;
    assert_eq!(changed.unwrap().handle, "maxi");
    let taken = twin.update_profile(&handle_update("maxi")).await;
    assert_eq!(code(taken), (Some(ErrorCode::Conflict), Some(409)));
    for bad in ["here", "max!", "-max", ""] {
        let refused = twin.update_profile(&handle_update(bad)).await;
        assert_eq!(
            code(refused),
            (Some(ErrorCode::ValidationFailed), Some(422)),
            "{bad:?}"
        );
    }
    // Other people see it on the profile.
    let seen = t.admin.user_profile(t.ids.member).await.unwrap();
    assert_eq!(seen.handle, "maxi");
}

async fn mentions_are_marked_and_counted_apart(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let counts = || async {
        let state = of(&t.member.read_states(&t.slug).await.unwrap(), town);
        (state.unread, state.mentions)
    };

    let named = t
        .admin
        .post_message(town, "hi @Max.Member, and @nobody, see `@max.member`", None)
        .await
        .unwrap();
    assert_eq!(named.mentions.users, vec![t.ids.member]);
    assert!(!named.mentions.channel && !named.mentions.here);
    assert!(
        named.html.contains(&format!(
            "<span class=\"mention\" data-user-id=\"{}\">@Max.Member</span>",
            t.ids.member.0
        )),
        "{}",
        named.html
    );
    assert!(
        named.html.contains(" @nobody,"),
        "unknown handles stay text"
    );
    assert!(named.html.contains("<code>@max.member</code>"));
    assert_eq!(counts().await, (1, 1));

    t.admin.post_message(town, "lunch?", None).await.unwrap();
    let everyone = t
        .admin
        .post_message(town, "@channel standup @max.member", None)
        .await
        .unwrap();
    assert!(everyone.mentions.channel);
    assert_eq!(counts().await, (3, 2), "@channel and a name count once");
    // The author is not mentioned by their own @channel.
    assert_eq!(
        of(&t.admin.read_states(&t.slug).await.unwrap(), town).mentions,
        0
    );

    // A reply only in the thread is not in the channel's counts.
    t.admin
        .reply(town, named.id, "@max.member in the thread", false)
        .await
        .unwrap();
    assert_eq!(counts().await, (3, 2));

    // An edit that drops the name drops the mention; a deleted message no longer counts.
    let edited = t.admin.edit_message(named.id, "hi all").await.unwrap();
    assert!(edited.mentions.users.is_empty());
    assert!(!edited.html.contains("mention"));
    assert_eq!(counts().await, (3, 1));
    t.admin.delete_message(everyone.id).await.unwrap();
    assert_eq!(counts().await, (2, 0));
    // Added back by an edit.
    t.admin
        .edit_message(named.id, "hi @max.member")
        .await
        .unwrap();
    assert_eq!(counts().await, (2, 1));
    // Reading clears both.
    let read = t.member.mark_read(town, i64::MAX).await.unwrap();
    assert_eq!((read.unread, read.mentions), (0, 0));
}

async fn mentions_reach_members_of_the_workspace_only(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    // A private channel of the admin's; Max is in the workspace, not in the channel.
    let secret = t
        .admin
        .create_channel(&t.slug, &crate::support::channel("secret", true, vec![]))
        .await
        .unwrap()
        .id;
    let outsider = t.outsider.me().await.unwrap().profile.handle;
    let posted = t
        .admin
        .post_message(secret, &format!("@max.member @{outsider} @channel"), None)
        .await
        .unwrap();
    // Max is named (a person of the workspace), the outsider is not found at all.
    assert_eq!(posted.mentions.users, vec![t.ids.member]);
    assert!(
        !posted
            .html
            .contains(&format!("data-user-id=\"{}\"", t.ids.outsider.0))
    );
    // Nothing about the channel reaches Max: no read state, no count.
    let states = t.member.read_states(&t.slug).await.unwrap();
    assert!(states.iter().all(|s| s.conversation_id != secret));
    assert!(states.iter().all(|s| s.mentions == 0));
}

async fn here_counts_for_members_online(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t
        .channel_by_member("town", false, vec![t.ids.admin, t.ids.guest])
        .await;
    // Max is online (a live connection); Gus is not.
    let _online = live(&t.member).await;
    let posted = t
        .admin
        .post_message(town, "@here deploy?", None)
        .await
        .unwrap();
    assert!(posted.mentions.here);
    let max = of(&t.member.read_states(&t.slug).await.unwrap(), town);
    let gus = of(&t.guest.read_states(&t.slug).await.unwrap(), town);
    assert_eq!((max.unread, max.mentions), (1, 1));
    assert_eq!((gus.unread, gus.mentions), (1, 0));
}

async fn public_channels_named_with_a_hash_are_linked(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let secret = t.channel_by_member("secret", true, vec![t.ids.admin]).await;
    let elsewhere = t
        .outsider
        .create_channel(
            &t.outsider.workspaces().await.unwrap()[0].slug,
            &crate::support::channel("far", false, vec![]),
        )
        .await
        .unwrap()
        .id;
    let message = t
        .admin
        .post_message(town, "see #Town, #secret, #far, #nope and `#town`", None)
        .await
        .unwrap();
    assert!(
        message.html.contains(&format!(
            "<a class=\"channel-link\" href=\"/w/{}/c/{town}\">#Town</a>",
            t.slug
        )),
        "{}",
        message.html
    );
    // A private channel, another workspace's, or none: plain text.
    for plain in [", #secret,", " #far,", " #nope "] {
        assert!(
            message.html.contains(plain),
            "{plain:?} in {}",
            message.html
        );
    }
    assert!(message.html.contains("<code>#town</code>"));
    assert!(!message.html.contains(&format!("/c/{secret}")));
    assert!(!message.html.contains(&format!("/c/{elsewhere}")));
    // Nobody is mentioned by it.
    assert!(message.mentions.users.is_empty() && !message.mentions.channel);
}
