//! Downloads of a person's own data: one running at a time, a silent one given up, each
//! person's own only.

#![allow(clippy::unwrap_used)]

use ocomms_proto::UserId;
use ocomms_store::testing::TestDb;
use ocomms_store::{NewUser, Store};

ocomms_store::backend_tests!(one_download_runs_at_a_time_and_a_silent_one_is_given_up);

async fn user(store: &Store, email: &str) -> UserId {
    store
        .create_user(&NewUser {
            email: email.into(),
            password_hash: "hash".into(),
            display_name: "Someone".into(),
            email_verified: true,
            created_at: 1,
        })
        .await
        .unwrap()
        .id
}

async fn one_download_runs_at_a_time_and_a_silent_one_is_given_up(db: TestDb) {
    let s = &db.store;
    let ada = user(s, "ada@example.com").await;
    let bo = user(s, "bo@example.com").await;
    let first = s
        .start_personal_export(ada, 1_000, 0)
        .await
        .unwrap()
        .unwrap();
    // Running and heard from: a second waits.
    assert_eq!(
        s.start_personal_export(ada, 2_000, 500).await.unwrap(),
        None
    );
    s.set_personal_export_progress(first, 1, 2, 3_000)
        .await
        .unwrap();
    assert_eq!(
        s.start_personal_export(ada, 4_000, 2_999).await.unwrap(),
        None
    );
    // Silent since 3,000: given up, and the new one replaces it.
    let second = s
        .start_personal_export(ada, 200_000, 3_001)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first, second);
    assert_eq!(s.personal_export(ada, first).await.unwrap(), None);
    s.finish_personal_export(second, Ok(b"{}"), 201_000)
        .await
        .unwrap();
    let ready = s.latest_personal_export(ada).await.unwrap().unwrap();
    assert_eq!(
        (ready.id, ready.state.as_str(), ready.bytes),
        (second, "ready", Some(2))
    );
    assert_eq!(
        s.personal_export_data(ada, second).await.unwrap(),
        Some(b"{}".to_vec())
    );
    // Nobody else's.
    assert_eq!(s.personal_export(bo, second).await.unwrap(), None);
    assert_eq!(s.personal_export_data(bo, second).await.unwrap(), None);
    assert_eq!(s.latest_personal_export(bo).await.unwrap(), None);
}
