//! What `ocomms export` reads and `ocomms import` writes, on both backends (the round trip
//! through a file and between backends is tested on the real binary: server tests/api/export.rs).

#![allow(clippy::unwrap_used)]

use ocomms_store::testing::TestDb;
use ocomms_store::{Cell, NewUser, PortableScope, portable_tables};

ocomms_store::backend_tests!(
    every_table_of_the_schema_is_in_an_export,
    rows_read_from_a_snapshot_fill_an_emptied_database,
);

/// A migration that adds a table must add it to portable/tables.rs too, or exports lose it.
async fn every_table_of_the_schema_is_in_an_export(db: TestDb) {
    let mut schema = db.store.table_names().await.unwrap();
    let mut portable: Vec<String> = portable_tables(PortableScope::All)
        .into_iter()
        .map(str::to_owned)
        .collect();
    schema.sort();
    portable.sort();
    assert_eq!(schema, portable);
}

async fn rows_read_from_a_snapshot_fill_an_emptied_database(db: TestDb) {
    let s = &db.store;
    s.create_user(&NewUser {
        email: "ada@example.com".into(),
        password_hash: "hash".into(),
        display_name: "Ada".into(),
        email_verified: true,
        created_at: 7,
    })
    .await
    .unwrap();
    let mut snapshot = s.snapshot().await.unwrap();
    let mut tables = Vec::new();
    for table in portable_tables(PortableScope::All) {
        let columns = snapshot.columns(table).await.unwrap();
        let mut rows = Vec::new();
        let count = snapshot
            .each_row(table, &columns, PortableScope::All, |row| {
                rows.push(row);
                Ok::<_, ocomms_store::StoreError>(())
            })
            .await
            .unwrap();
        assert_eq!(count as usize, rows.len());
        tables.push((table, columns, rows));
    }
    snapshot.finish().await.unwrap();
    let (_, columns, users) = tables.iter().find(|(t, _, _)| *t == "users").unwrap();
    let email = columns.iter().position(|c| c.name == "email").unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0][email], Cell::Text("ada@example.com".into()));

    // Emptied, then the same rows again, ids and all; a new account continues after them.
    let mut filling = s.start_filling().await.unwrap();
    for (table, columns, rows) in &tables {
        filling.insert(table, columns, rows).await.unwrap();
    }
    filling.finish(false).await.unwrap();
    assert!(s.holds_data().await.unwrap());
    assert!(s.instance_settings().await.unwrap().setup_claimed);
    let next = s
        .create_user(&NewUser {
            email: "bo@example.com".into(),
            password_hash: "hash".into(),
            display_name: "Bo".into(),
            email_verified: true,
            created_at: 8,
        })
        .await
        .unwrap();
    let id = columns.iter().position(|c| c.name == "id").unwrap();
    assert_eq!(Cell::Int(next.id.0 - 1), users[0][id]);
}
