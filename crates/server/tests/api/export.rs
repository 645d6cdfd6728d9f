//! `ocomms export` and `ocomms import` as real processes: a team's server moves to the other
//! backend with every row identical and keeps working there; one workspace moves alone; the
//! same file twice changes nothing; a damaged file or a target with data is refused before
//! anything is written.

use std::path::Path;

use ocomms_client::Client;
use ocomms_proto::conversation::CreateChannel;
use ocomms_server::config::ServeConfig;
use ocomms_server::server;
use ocomms_store::testing::TestDb;
use ocomms_store::{Cell, PortableScope, Store, portable_tables};

use crate::support::{PASSWORD, TestServer, args, ocomms, signed_in};

ocomms_store::backend_tests!(
    a_whole_server_moves_to_the_other_backend_row_for_row,
    one_workspace_moves_alone_and_a_target_with_data_is_refused,
);

/// A database on the other backend than `source` (PostgreSQL only when it is configured,
/// else a second SQLite file): its `ocomms` flags, and what keeps it alive.
async fn other_backend(source: &TestDb, dir: &Path) -> (Vec<String>, Option<TestDb>) {
    if source.url.starts_with("sqlite:")
        && let Some(target) = TestDb::postgres().await
    {
        return (args(&["--database-url", &target.url]), Some(target));
    }
    let data = dir.join("imported-data");
    (args(&["--data-dir", data.to_str().unwrap()]), None)
}

fn url_of(target: &[String]) -> String {
    match target[0].as_str() {
        "--data-dir" => format!("sqlite://{}/ocomms.db", target[1]),
        _ => target[1].clone(),
    }
}

fn command(verb: &[&str], target: &[String], file: &Path) -> Vec<String> {
    let mut list = args(verb);
    list.extend(target.iter().cloned());
    list.push(file.to_str().unwrap().to_owned());
    list
}

/// Every row of every table but the import log, table by table, as the store reads them.
async fn all_rows(url: &str) -> Vec<(String, Vec<String>, Vec<Vec<Cell>>)> {
    let store = Store::connect(url).await.unwrap();
    let mut snapshot = store.snapshot().await.unwrap();
    let mut tables = Vec::new();
    for table in portable_tables(PortableScope::All) {
        if table == "imports" {
            continue;
        }
        let mut columns = snapshot.columns(table).await.unwrap();
        columns.sort_by(|a, b| a.name.cmp(&b.name));
        let mut rows = Vec::new();
        snapshot
            .each_row(table, &columns, PortableScope::All, |row| {
                rows.push(row);
                Ok::<_, ocomms_store::StoreError>(())
            })
            .await
            .unwrap();
        let names = columns.into_iter().map(|c| c.name).collect();
        tables.push((table.to_owned(), names, rows));
    }
    snapshot.finish().await.unwrap();
    store.close().await;
    tables
}

/// A small PNG for an avatar.
fn png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(4, 4, image::Rgb([200, 60, 90]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

async fn a_whole_server_moves_to_the_other_backend_row_for_row(db: TestDb) {
    let s = TestServer::start(db).await;
    let team = s.team().await;
    let general = team.general().await;
    let root = team
        .owner
        .post_message(general, "Welcome **all** 🎉 @member", None)
        .await
        .unwrap();
    team.member
        .reply(general, root.id, "Thanks!", false)
        .await
        .unwrap();
    team.member.react(root.id, "👍").await.unwrap();
    let secret = team
        .owner
        .create_channel(
            &team.slug,
            &CreateChannel {
                name: "secret".into(),
                private: true,
                topic: Some("Only us".into()),
                description: None,
                members: vec![team.ids.admin],
            },
        )
        .await
        .unwrap();
    team.admin
        .post_message(secret.id, "the plan: ship it", None)
        .await
        .unwrap();
    let avatar_url = team
        .member
        .upload_avatar(png(), "image/png")
        .await
        .unwrap()
        .avatar_url;
    let (_, avatar) = team.member.avatar(&avatar_url).await.unwrap();
    let read_before = team.member.read_states(&team.slug).await.unwrap();

    // While the server runs: a consistent file, never written over.
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.ocexport");
    let export = |file: &Path| command(&["export", "--database-url", &s.db.url], &[], file);
    let (ok, out) = ocomms(export(&live)).await;
    assert!(ok && out.contains("sha256"), "{out}");
    let (ok, out) = ocomms(export(&live)).await;
    assert!(!ok && out.contains("already exists"), "{out}");

    // Stopped, so that nothing moves between the export and the comparison.
    let TestServer { server, db, .. } = s;
    server.stop().await.unwrap();
    let file = dir.path().join("server.ocexport");
    let (ok, out) = ocomms(command(&["export", "--database-url", &db.url], &[], &file)).await;
    assert!(ok, "{out}");

    let (target, _target_db) = other_backend(&db, dir.path()).await;
    let (ok, out) = ocomms(command(&["import", "--dry-run"], &target, &file)).await;
    assert!(ok && out.contains("nothing written"), "{out}");
    assert!(
        out.contains("messages"),
        "the report counts rows per table: {out}"
    );
    if target[0] == "--data-dir" {
        assert!(!Path::new(&target[1]).join("ocomms.db").exists());
    }
    let (ok, out) = ocomms(command(&["import"], &target, &file)).await;
    assert!(ok && out.contains("imported into"), "{out}");

    let source_rows = all_rows(&db.url).await;
    let target_rows = all_rows(&url_of(&target)).await;
    for (source, imported) in source_rows.iter().zip(&target_rows) {
        assert_eq!(source, imported, "table {} differs", source.0);
    }
    assert_eq!(source_rows.len(), target_rows.len());
    let messages = source_rows
        .iter()
        .find(|(t, _, _)| t == "messages")
        .unwrap();
    assert!(messages.2.len() >= 3, "the team's messages are compared");

    // Idempotent: the same file again writes nothing.
    let (ok, out) = ocomms(command(&["import"], &target, &file)).await;
    assert!(ok && out.contains("already imported"), "{out}");

    // A server on the imported database: same passwords, history, unread state, privacy,
    // avatar; new rows continue after the imported ids.
    let moved = server::start(ServeConfig::for_database(&url_of(&target)))
        .await
        .unwrap();
    let member = signed_in(&moved.url(), "member@acme.test").await;
    assert_eq!(member.read_states(&team.slug).await.unwrap(), read_before);
    let history = member.history(general, &Default::default()).await.unwrap();
    assert!(
        history
            .messages
            .iter()
            .any(|m| m.body.starts_with("Welcome") && m.reactions.iter().any(|r| r.emoji == "👍"))
    );
    assert!(
        member
            .history(secret.id, &Default::default())
            .await
            .is_err()
    );
    assert_eq!(member.avatar(&avatar_url).await.unwrap().1, avatar);
    let next = member
        .post_message(general, "on the new backend", None)
        .await
        .unwrap();
    assert!(
        next.id.0 > root.id.0 + 1,
        "ids continue after the imported ones"
    );
    let admin = signed_in(&moved.url(), "admin@acme.test").await;
    let secret_history = admin.history(secret.id, &Default::default()).await.unwrap();
    assert!(
        secret_history
            .messages
            .iter()
            .any(|m| m.body == "the plan: ship it")
    );
    moved.stop().await.unwrap();
}

async fn one_workspace_moves_alone_and_a_target_with_data_is_refused(db: TestDb) {
    let s = TestServer::start(db).await;
    let team = s.team().await;
    let general = team.general().await;
    team.member
        .post_message(general, "hello from acme", None)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.ocexport");
    let source = args(&["--database-url", &s.db.url]);
    let (ok, out) = ocomms(command(
        &["export", "--workspace", &team.slug],
        &source,
        &file,
    ))
    .await;
    assert!(ok && out.contains("workspace acme"), "{out}");
    let (ok, out) = ocomms(command(
        &["export", "--workspace", "nope"],
        &source,
        &dir.path().join("nope.ocexport"),
    ))
    .await;
    assert!(!ok && out.contains("no workspace"), "{out}");
    assert!(!dir.path().join("nope.ocexport").exists());

    // Into the server it came from: that holds data, so only with --force.
    let (ok, out) = ocomms(command(&["import"], &source, &file)).await;
    assert!(!ok && out.contains("--force"), "{out}");

    // A changed byte: refused by the checksum, nothing written.
    let target_dir = dir.path().join("acme-data");
    let target = args(&["--data-dir", target_dir.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let damaged = dir.path().join("damaged.ocexport");
    std::fs::write(&damaged, text.replace("hello from acme", "hello from evil")).unwrap();
    let (ok, out) = ocomms(command(&["import"], &target, &damaged)).await;
    assert!(
        !ok && out.contains("checksum") && out.contains("damaged"),
        "{out}"
    );
    assert!(!target_dir.join("ocomms.db").exists());
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "hello\n").unwrap();
    let (ok, out) = ocomms(command(&["import"], &target, &foreign)).await;
    assert!(!ok && out.contains("not an OComms export"), "{out}");

    let (ok, out) = ocomms(command(&["import"], &target, &file)).await;
    assert!(ok && out.contains("imported into"), "{out}");
    let moved = server::start(ServeConfig::for_database(&url_of(&target)))
        .await
        .unwrap();
    let member = signed_in(&moved.url(), "member@acme.test").await;
    let workspaces = member.workspaces().await.unwrap();
    assert_eq!(workspaces.len(), 1);
    let history = member.history(general, &Default::default()).await.unwrap();
    assert!(history.messages.iter().any(|m| m.body == "hello from acme"));
    // The outsider and their workspace stayed behind.
    let mut outsider = Client::new(&moved.url());
    assert!(outsider.sign_in("out@else.test", PASSWORD).await.is_err());
    moved.stop().await.unwrap();
}
