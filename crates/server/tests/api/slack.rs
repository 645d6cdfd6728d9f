//! `ocomms import-slack` on a Slack export made here the way Slack writes one: people
//! matched by email or made, public and private channels, converted text, threads, edits,
//! reactions, Slack's own notices left out; a dry run writes nothing; the same ZIP imports once.

use std::io::Write;
use std::path::Path;

use ocomms_proto::message::HistoryQuery;
use ocomms_store::testing::TestDb;
use serde_json::json;

use crate::support::{PASSWORD, TestServer, args, ocomms, signed_in};

ocomms_store::backend_tests!(a_slack_export_becomes_a_workspace_once);

/// A Slack export ZIP: `users.json`, `channels.json`, `groups.json` and day files.
fn slack_zip(path: &Path) {
    let users = json!([
        { "id": "U1", "name": "ada", "real_name": "Ada Lovelace", "is_owner": true,
          "profile": { "email": "Ada@Example.com", "real_name": "Ada Lovelace" } },
        { "id": "U2", "name": "grace", "profile": { "email": "grace@navy.test", "real_name": "Grace Hopper" } },
        { "id": "U3", "name": "ghost", "profile": { "real_name": "No Email" } },
        { "id": "B1", "name": "robot", "is_bot": true, "profile": {} }
    ]);
    let channels = json!([
        { "id": "C1", "name": "general", "is_general": true, "created": 1_600_000_000,
          "creator": "U1", "members": ["U1", "U2", "U3"] },
        { "id": "C2", "name": "random", "created": 1_600_000_100, "creator": "U2",
          "members": ["U1", "U2"], "topic": { "value": "Anything goes" },
          "purpose": { "value": "Off-topic chat" } },
        { "id": "C3", "name": "old-news", "created": 1_600_000_200, "creator": "U1",
          "is_archived": true, "members": ["U1"] }
    ]);
    let groups = json!([
        { "id": "G1", "name": "secret", "created": 1_600_000_300, "creator": "U1",
          "members": ["U1", "U3"] }
    ]);
    let general = json!([
        { "type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined the channel", "ts": "1600000001.000100" },
        { "type": "message", "user": "U1", "text": "Welcome <@U2>! *Read* <https://example.com/rules|the rules> &amp; enjoy", "ts": "1600000002.000200",
          "thread_ts": "1600000002.000200", "reply_count": 2,
          "reactions": [ { "name": "thumbsup", "users": ["U2", "U3"], "count": 2 },
                         { "name": "partyparrot", "users": ["U2"], "count": 1 } ] },
        { "type": "message", "user": "U2", "text": "Thanks!", "ts": "1600000003.000300", "thread_ts": "1600000002.000200" },
        { "type": "message", "subtype": "thread_broadcast", "user": "U3", "text": "Me too", "ts": "1600000004.000400", "thread_ts": "1600000002.000200" },
        { "type": "message", "subtype": "bot_message", "bot_id": "B1", "text": "beep", "ts": "1600000005.000500" },
        { "type": "message", "user": "U2", "text": "see `*code*`", "ts": "1600000006.000600",
          "edited": { "user": "U2", "ts": "1600000100.000000" },
          "files": [ { "name": "plan.pdf" } ] }
    ]);
    let random = json!([
        { "type": "message", "user": "U2", "text": "~typo~ fixed", "ts": "1600000200.000100" }
    ]);
    let secret = json!([
        { "type": "message", "user": "U3", "text": "just us", "ts": "1600000300.000100" }
    ]);
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, value) in [
        ("users.json", users),
        ("channels.json", channels),
        ("groups.json", groups),
        ("general/2020-09-13.json", general),
        ("random/2020-09-13.json", random),
        ("secret/2020-09-13.json", secret),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(value.to_string().as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

async fn a_slack_export_becomes_a_workspace_once(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.sign_up("ada@example.com", "Ada").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slack.zip");
    slack_zip(&file);
    let import = |extra: &[&str]| {
        let mut list = args(&["import-slack", "--database-url", &s.db.url]);
        list.extend(args(&[
            "--workspace-name",
            "Moved from Slack",
            "--owner",
            "ada@example.com",
        ]));
        list.extend(args(extra));
        list.push(file.to_str().unwrap().to_owned());
        list
    };

    let (ok, out) = ocomms(import(&["--dry-run"])).await;
    assert!(ok && out.contains("nothing written"), "{out}");
    assert!(
        out.contains("3 people (1 matched to accounts here, 2 new, 1 of them without an email)"),
        "{out}"
    );
    assert!(
        out.contains("#general: 4 messages") && out.contains("#secret (private): 1"),
        "{out}"
    );
    assert!(
        out.contains("1 custom emoji reactions") && out.contains("1 channel notices"),
        "{out}"
    );
    assert!(out.contains("(2 thread replies), 2 reactions"), "{out}");
    assert!(
        ada.workspaces().await.unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let (ok, out) = ocomms(import(&[])).await;
    assert!(
        ok && out.contains("imported as workspace moved-from-slack"),
        "{out}"
    );
    let workspaces = ada.workspaces().await.unwrap();
    assert_eq!(workspaces.len(), 1);
    let slug = workspaces[0].slug.clone();
    let channels = ada.channels(&slug, &Default::default()).await.unwrap();
    let by_name = |name: &str| channels.iter().find(|c| c.name == name).cloned();
    let general = by_name("general").unwrap();
    let random = by_name("random").unwrap();
    assert_eq!(random.topic, "Anything goes");
    assert!(by_name("secret").is_some(), "ada is in the private channel");
    let archived = ocomms_proto::conversation::ChannelQuery {
        archived: Some(true),
        ..Default::default()
    };
    let old = ada.channels(&slug, &archived).await.unwrap();
    assert_eq!(old.len(), 1);
    assert!(old[0].name == "old-news" && old[0].archived);

    let page = ada
        .history(general.id, &HistoryQuery::default())
        .await
        .unwrap();
    let bodies: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies.len(),
        3,
        "root, broadcast reply, edited message: {bodies:?}"
    );
    let welcome = &page.messages[0];
    assert!(welcome.body.starts_with("Welcome @"), "{}", welcome.body);
    assert!(
        welcome
            .body
            .ends_with("! **Read** [the rules](https://example.com/rules) & enjoy"),
        "{}",
        welcome.body
    );
    assert_eq!(welcome.created_at, 1_600_000_002_000);
    assert_eq!(welcome.thread.as_ref().map(|t| t.reply_count), Some(2));
    let thumbs = welcome.reactions.iter().find(|r| r.emoji == "👍").unwrap();
    assert_eq!(thumbs.user_ids.len(), 2);
    assert_eq!(page.messages[1].body, "Me too");
    let edited = &page.messages[2];
    assert!(
        edited.body.starts_with("see `*code*`") && edited.body.contains("plan.pdf"),
        "{}",
        edited.body
    );
    assert_eq!(edited.edited_at, Some(1_600_000_100_000));
    let replies = ada.replies(welcome.id, &Default::default()).await.unwrap();
    let reply_bodies: Vec<&str> = replies.messages.iter().map(|m| m.body.as_str()).collect();
    assert!(
        reply_bodies.ends_with(&["Thanks!", "Me too"]),
        "{reply_bodies:?}"
    );

    // The new people have accounts; with a password set by an administrator they sign in
    // and see their history, privacy kept.
    let (ok, out) = ocomms(args(&[
        "admin",
        "--database-url",
        &s.db.url,
        "reset-password",
        "--email",
        "grace@navy.test",
        "--password",
        PASSWORD,
    ]))
    .await;
    assert!(ok, "{out}");
    let grace = signed_in(&s.url(), "grace@navy.test").await;
    let theirs = grace
        .history(random.id, &HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(theirs.messages[0].body, "~~typo~~ fixed");
    let secret = by_name("secret").unwrap();
    assert!(
        grace
            .history(secret.id, &HistoryQuery::default())
            .await
            .is_err()
    );

    let (ok, out) = ocomms(import(&[])).await;
    assert!(ok && out.contains("already imported"), "{out}");
    assert_eq!(ada.workspaces().await.unwrap().len(), 1);

    let notes = dir.path().join("notes.zip");
    std::fs::write(&notes, "not a zip").unwrap();
    let mut list = import(&[]);
    list.pop();
    list.push(notes.to_str().unwrap().to_owned());
    let (ok, out) = ocomms(list).await;
    assert!(!ok && out.contains("not a Slack export"), "{out}");
}
