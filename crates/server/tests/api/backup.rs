//! `ocomms backup` and `ocomms restore`, run as real processes against a server that keeps
//! taking messages: the backup holds every message acknowledged before it started and no
//! half-written one, restores into a fresh database, and a damaged, foreign or newer backup
//! is refused before anything changes.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ocomms_client::Client;
use ocomms_proto::ConversationId;
use ocomms_proto::message::HistoryQuery;
use ocomms_server::config::ServeConfig;
use ocomms_server::server;
use ocomms_store::testing::{EmptyPostgres, TestDb};

use crate::support::{PASSWORD, TestServer, args, ocomms};

ocomms_store::backend_tests!(
    a_backup_taken_while_messages_arrive_restores_every_acknowledged_one,
    damaged_foreign_and_newer_backups_are_refused_before_anything_changes,
    scheduled_backups_keep_the_newest_and_each_restores
);

/// A database to restore into, of the same backend as `db`: a data folder that does not
/// exist yet (SQLite), or a new PostgreSQL database (migrated, so restoring needs --force).
async fn fresh_target(db: &TestDb, dir: &Path) -> (Vec<String>, Option<TestDb>) {
    if db.url.starts_with("sqlite:") {
        let data = dir.join("restored-data");
        (args(&["--data-dir", data.to_str().unwrap()]), None)
    } else {
        let target = TestDb::postgres().await.expect("PostgreSQL is configured");
        (args(&["--database-url", &target.url]), Some(target))
    }
}

/// The database URL behind `target` (as `ocomms` resolves `--data-dir`).
fn url_of(target: &[String]) -> String {
    match target[0].as_str() {
        "--data-dir" => format!("sqlite://{}/ocomms.db", target[1]),
        _ => target[1].clone(),
    }
}

/// A small PNG for an avatar.
fn png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(4, 4, image::Rgb([30, 120, 200]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

/// Every message body of a conversation, oldest first.
async fn all_bodies(client: &Client, conversation: ConversationId) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut after = 0;
    loop {
        let page = client
            .history(
                conversation,
                &HistoryQuery {
                    after: Some(after),
                    limit: Some(200),
                    ..HistoryQuery::default()
                },
            )
            .await
            .unwrap();
        let Some(last) = page.messages.last() else {
            return bodies;
        };
        after = last.seq;
        bodies.extend(page.messages.iter().map(|m| m.body.clone()));
        if !page.more_after {
            return bodies;
        }
    }
}

async fn a_backup_taken_while_messages_arrive_restores_every_acknowledged_one(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.sign_up("ada@example.com", "Ada").await;
    let slug = ada.create_workspace("Acme").await.unwrap().slug;
    let general = ada.channels(&slug, &Default::default()).await.unwrap()[0].id;
    // Avatars live in the database too: the backup carries them.
    let avatar_url = ada
        .upload_avatar(png(), "image/png")
        .await
        .unwrap()
        .avatar_url;
    let (_, avatar) = ada.avatar(&avatar_url).await.unwrap();

    // WRITERS writers post w{j}-m0, w{j}-m1, … each one after another, all at once, as the
    // load generator's senders do: the server commits several writers' messages together,
    // so group commits are in flight while the copy is taken. `acked[j]` counts writer j's
    // acknowledged messages.
    const WRITERS: usize = 8;
    let acked: Arc<Vec<AtomicUsize>> =
        Arc::new((0..WRITERS).map(|_| AtomicUsize::new(0)).collect());
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|j| {
            let (acked, stop) = (acked.clone(), stop.clone());
            let client = Client::new(&s.url()).with_token(ada.token().unwrap());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    client
                        .post_message(general, &format!("w{j}-m{i}"), None)
                        .await
                        .unwrap();
                    i += 1;
                    acked[j].store(i, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let counts = |acked: &[AtomicUsize]| -> Vec<usize> {
        acked.iter().map(|a| a.load(Ordering::SeqCst)).collect()
    };
    while counts(&acked).iter().any(|&n| n < 5) {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.ocbackup");
    let before = counts(&acked);
    let (ok, out) = ocomms(args(&[
        "backup",
        "--database-url",
        &s.db.url,
        file.to_str().unwrap(),
    ]))
    .await;
    let after = counts(&acked);
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(ok, "backup failed: {out}");
    assert!(out.contains("sha256"), "{out}");
    assert!(
        after.iter().sum::<usize>() > before.iter().sum::<usize>(),
        "messages kept arriving during the backup ({before:?} before, {after:?} after)"
    );
    // A backup never overwrites a file.
    let (ok, out) = ocomms(args(&[
        "backup",
        "--database-url",
        &s.db.url,
        file.to_str().unwrap(),
    ]))
    .await;
    assert!(!ok && out.contains("already exists"), "{out}");

    let (target, _target_db) = fresh_target(&s.db, dir.path()).await;
    let mut restore = args(&["restore"]);
    restore.extend(target.iter().cloned());
    restore.push(file.to_str().unwrap().to_owned());
    if _target_db.is_some() {
        // A database that holds OComms tables is replaced only on request.
        let (ok, out) = ocomms(restore.clone()).await;
        assert!(!ok && out.contains("--force"), "{out}");
        restore.insert(1, "--force".to_owned());
    }
    let (ok, out) = ocomms(restore).await;
    assert!(ok, "restore failed: {out}");

    // A server on the restored database: of each writer, w{j}-m0 … w{j}-m(k-1), with every
    // message acknowledged before the backup began, none after a gap, none twice.
    let restored = server::start(ServeConfig::for_database(&url_of(&target)))
        .await
        .unwrap();
    let mut reader = Client::new(&restored.url());
    reader.sign_in("ada@example.com", PASSWORD).await.unwrap();
    let bodies = all_bodies(&reader, general).await;
    let k = bodies.len();
    for j in 0..WRITERS {
        let prefix = format!("w{j}-");
        let of_writer: Vec<&str> = bodies
            .iter()
            .filter_map(|b| b.strip_prefix(&prefix))
            .collect();
        let expected: Vec<String> = (0..of_writer.len()).map(|i| format!("m{i}")).collect();
        assert_eq!(
            of_writer, expected,
            "writer {j}: the restored history is a prefix of what was posted"
        );
        assert!(
            (before[j]..=after[j]).contains(&of_writer.len()),
            "writer {j}: restored {}; {} were acknowledged before the backup, {} by its end",
            of_writer.len(),
            before[j],
            after[j]
        );
    }
    assert_eq!(
        k,
        bodies.iter().filter(|b| b.starts_with('w')).count(),
        "nothing else, nothing half-written"
    );
    assert_eq!(reader.avatar(&avatar_url).await.unwrap().1, avatar);
    // The restored server goes on where the copy ends.
    reader
        .post_message(general, "after restore", None)
        .await
        .unwrap();
    let bodies = all_bodies(&reader, general).await;
    assert_eq!(bodies.last().map(String::as_str), Some("after restore"));
    assert_eq!(bodies.len(), k + 1);
    restored.stop().await.unwrap();
}

async fn damaged_foreign_and_newer_backups_are_refused_before_anything_changes(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.sign_up("ada@example.com", "Ada").await;
    ada.create_workspace("Acme").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.ocbackup");
    let (ok, out) = ocomms(args(&[
        "backup",
        "--database-url",
        &s.db.url,
        file.to_str().unwrap(),
    ]))
    .await;
    assert!(ok, "{out}");
    let (target, _target_db) = fresh_target(&s.db, dir.path()).await;
    let restore_from = |path: &Path| {
        let mut list = args(&["restore", "--force"]);
        list.extend(target.iter().cloned());
        list.push(path.to_str().unwrap().to_owned());
        list
    };
    let target_url = url_of(&target);
    let untouched = || async {
        if target_url.starts_with("sqlite:") {
            let file = target_url.trim_start_matches("sqlite://");
            assert!(!Path::new(file).exists(), "nothing was written at {file}");
        } else {
            let store = ocomms_store::Store::connect(&target_url).await.unwrap();
            assert_eq!(
                store.count_users().await.unwrap(),
                0,
                "the target database was not changed"
            );
            store.close().await;
        }
    };

    // One byte changed in the middle of the payload.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = dir.path().join("damaged.ocbackup");
    std::fs::write(&damaged, &bytes).unwrap();
    let (ok, out) = ocomms(restore_from(&damaged)).await;
    assert!(
        !ok && out.contains("damaged") && out.contains("SHA-256"),
        "{out}"
    );
    untouched().await;

    // Cut short, as by a full disk.
    let cut = dir.path().join("cut.ocbackup");
    std::fs::write(&cut, &std::fs::read(&file).unwrap()[..middle]).unwrap();
    let (ok, out) = ocomms(restore_from(&cut)).await;
    assert!(!ok && out.contains("damaged"), "{out}");
    untouched().await;

    // Not a backup at all.
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "hello").unwrap();
    let (ok, out) = ocomms(restore_from(&foreign)).await;
    assert!(!ok && out.contains("not an OComms backup"), "{out}");
    untouched().await;

    // From a newer OComms: the same archive with a later schema in its manifest.
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let tar = |args: &[&str], cwd: &Path| {
        let status = Command::new("tar").args(args).current_dir(cwd).status();
        assert!(status.unwrap().success(), "tar {args:?}");
    };
    tar(&["-xf", file.to_str().unwrap()], &unpacked);
    let manifest_path = unpacked.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["schema_version"] = serde_json::json!(9999);
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let payload = manifest["payload"]["name"].as_str().unwrap().to_owned();
    let newer = dir.path().join("newer.ocbackup");
    tar(
        &["-cf", newer.to_str().unwrap(), "manifest.json", &payload],
        &unpacked,
    );
    let (ok, out) = ocomms(restore_from(&newer)).await;
    assert!(
        !ok && out.contains("schema 9999") && out.contains("newer"),
        "{out}"
    );
    untouched().await;

    // A backup of nothing is refused, and creates nothing.
    let nowhere = dir.path().join("no-such-data");
    let (ok, out) = ocomms(args(&[
        "backup",
        "--data-dir",
        nowhere.to_str().unwrap(),
        dir.path().join("none.ocbackup").to_str().unwrap(),
    ]))
    .await;
    assert!(!ok && out.contains("no database at"), "{out}");
    assert!(!nowhere.join("ocomms.db").exists());

    // Into the other kind of database: refused before anything is written there.
    let postgres_target = if s.db.url.starts_with("sqlite:") {
        EmptyPostgres::create().await
    } else {
        None
    };
    let other = match &postgres_target {
        Some(database) => args(&["--database-url", &database.url]),
        None => args(&[
            "--data-dir",
            dir.path().join("sqlite-data").to_str().unwrap(),
        ]),
    };
    let mut list = args(&["restore"]);
    list.extend(other);
    list.push(file.to_str().unwrap().to_owned());
    let (ok, out) = ocomms(list).await;
    assert!(
        !ok && out.contains("restore it into the same kind of database"),
        "{out}"
    );
    assert!(!dir.path().join("sqlite-data").join("ocomms.db").exists());
    if let Some(database) = &postgres_target {
        let store = ocomms_store::Store::connect(&database.url).await.unwrap();
        assert_eq!(
            store.schema_version().await.unwrap(),
            None,
            "nothing written"
        );
        store.close().await;
    }

    // The good one still restores.
    let (ok, out) = ocomms(restore_from(&file)).await;
    assert!(ok, "{out}");
}

/// `serve --backup-every`: the schedule writes one backup per interval and keeps only the
/// newest `keep` (the interval is shortened here; the CLI allows a minute at least).
async fn scheduled_backups_keep_the_newest_and_each_restores(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("backups");
    let schedule = ocomms_app::backup::Schedule {
        dir: folder.clone(),
        every: std::time::Duration::from_millis(1100),
        keep: 2,
    };
    let s = TestServer::start_with(db, |c| c.backup = Some(schedule)).await;
    s.sign_up("ada@example.com", "Ada").await;
    let backups = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".ocbackup"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    // Read between one backup and the next: the folder may hold three for the instant
    // between a write and its pruning.
    let mut seen = std::collections::BTreeSet::new();
    let mut kept = Vec::new();
    for _ in 0..150 {
        kept = backups();
        seen.extend(kept.iter().cloned());
        if seen.len() >= 3 && kept.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen.len() >= 3, "three backups in 15 s: {seen:?}");
    assert_eq!(kept.len(), 2, "only the newest two are kept: {kept:?}");
    assert_eq!(
        kept.last(),
        seen.iter().next_back(),
        "the newest is among them"
    );
    let (target, _target_db) = fresh_target(&s.db, dir.path()).await;
    let mut restore = args(&["restore", "--force"]);
    restore.extend(target);
    restore.push(folder.join(&kept[1]).to_str().unwrap().to_owned());
    let (ok, out) = ocomms(restore).await;
    assert!(ok, "{out}");
}
