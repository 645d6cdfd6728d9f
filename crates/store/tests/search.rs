//! Search over history written through the bulk path, on SQLite and PostgreSQL: positions
//! continue each conversation's, and a page of newest matches is the same whichever way the
//! store reads it (the index first, or a person's messages first when `from:` names them).

#![allow(clippy::unwrap_used)]

use ocomms_domain::search::parse;
use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::{MessageId, UserId};
use ocomms_store::testing::TestDb;
use ocomms_store::{HistoryMessage, NewConversation, NewUser, Search, Store};

ocomms_store::backend_tests!(history_is_searched_in_pages_the_same_every_way);

async fn user(store: &Store, name: &str) -> UserId {
    store
        .create_user(&NewUser {
            email: format!("{name}@example.com"),
            password_hash: "hash".to_owned(),
            display_name: name.to_owned(),
            email_verified: true,
            created_at: 1,
        })
        .await
        .unwrap()
        .id
}

async fn history_is_searched_in_pages_the_same_every_way(db: TestDb) {
    let s = &db.store;
    let (ann, bob) = (user(s, "ann").await, user(s, "bob").await);
    let w = s.create_workspace("Acme", "acme", ann, 1).await.unwrap();
    let town = s
        .create_conversation(&NewConversation {
            workspace_id: w.id,
            kind: ConversationKind::Public,
            name: Some("town".to_owned()),
            topic: String::new(),
            description: String::new(),
            direct_key: None,
            created_by: ann,
            members: vec![
                (ann, ConversationRole::Manager),
                (bob, ConversationRole::Member),
            ],
            now: 1,
        })
        .await
        .unwrap();
    // 700 messages by Bob (more than one chunk of his read at a time), every third about the
    // deploy; Ann's in between never match `from:@bob`.
    let history: Vec<HistoryMessage> = (0..1_000)
        .map(|n| {
            let (author, body) = match n % 10 {
                0..=6 if n % 3 == 0 => (bob, format!("the deploy number {n}")),
                0..=6 => (bob, format!("lunch at noon {n}")),
                _ => (ann, format!("the deploy is mine {n}")),
            };
            HistoryMessage {
                conversation: town.id,
                author,
                html: String::new(),
                body,
                created_at: 10 + n,
                thread_root: None,
                also_in_channel: false,
                edited_at: None,
            }
        })
        .collect();
    s.append_history(&history).await.unwrap();
    let after = s.conversation(town.id).await.unwrap().unwrap();
    assert_eq!(after.last_seq, town.last_seq + 1_000, "positions continue");

    // Paged through with `before`, 20 at a time, both ways find the same messages.
    let pages = |q: &'static str| async move {
        let query = parse(q).unwrap();
        let mut found = Vec::new();
        let mut before: Option<MessageId> = None;
        loop {
            let search = Search {
                query: &query,
                time_zone: "UTC",
                all_public: false,
                before,
                ranked: None,
                limit: 20,
            };
            let (page, more) = s.search_messages(ann, w.id, &search).await.unwrap();
            before = page.last().map(|m| m.id);
            found.extend(page);
            if !more {
                return found;
            }
        }
    };
    let by_bob = pages("deploy from:@bob").await;
    let all = pages("deploy").await;
    let expected: Vec<&str> = history
        .iter()
        .rev()
        .filter(|m| m.author == bob && m.body.contains("deploy"))
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(expected.len(), 234);
    let bodies = |found: &[ocomms_proto::message::Message]| -> Vec<String> {
        found.iter().map(|m| m.body.clone()).collect()
    };
    assert_eq!(bodies(&by_bob), expected);
    let bob_in_all: Vec<String> = all
        .iter()
        .filter(|m| m.author_id == bob)
        .map(|m| m.body.clone())
        .collect();
    assert_eq!(bob_in_all, expected);
    assert_eq!(all.len(), 234 + 300);
}
