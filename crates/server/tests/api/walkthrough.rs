//! docs/operations.md, "From nothing to a restored server on the other backend", step by step
//! with the real binary: a server with a team's chat, a backup of it taken while it runs,
//! restored, the restored copy exported and imported into a database of the other backend
//! that is as new as `createdb` (or a new data folder) makes it, and a server on that
//! database where people sign in with their passwords and find their history.

use std::path::Path;

use ocomms_server::config::ServeConfig;
use ocomms_server::server;
use ocomms_store::testing::{EmptyPostgres, TestDb};

use crate::support::{TestServer, args, ocomms, signed_in};

ocomms_store::backend_tests!(a_restored_backup_moves_to_the_other_backend_and_serves);

/// Where a step's database is: its `ocomms` flags (`--data-dir` or `--database-url`), its
/// URL, and what keeps a PostgreSQL one alive.
struct Place {
    flags: Vec<String>,
    url: String,
    _database: Option<EmptyPostgres>,
}

impl Place {
    fn folder(dir: &Path) -> Self {
        let dir = dir.to_str().unwrap();
        Self {
            flags: args(&["--data-dir", dir]),
            url: format!("sqlite://{dir}/ocomms.db"),
            _database: None,
        }
    }

    async fn new_postgres() -> Self {
        let database = EmptyPostgres::create()
            .await
            .expect("PostgreSQL is configured");
        Self {
            flags: args(&["--database-url", &database.url]),
            url: database.url.clone(),
            _database: Some(database),
        }
    }

    /// `ocomms VERB [FLAGS] FILE` on this database.
    async fn run(&self, verb: &[&str], file: &Path) -> String {
        let mut list = args(verb);
        list.extend(self.flags.iter().cloned());
        list.push(file.to_str().unwrap().to_owned());
        let (ok, out) = ocomms(list).await;
        assert!(ok, "ocomms {verb:?}: {out}");
        out
    }
}

async fn a_restored_backup_moves_to_the_other_backend_and_serves(db: TestDb) {
    let from_sqlite = db.url.starts_with("sqlite:");
    let dir = tempfile::tempdir().unwrap();

    // 1. A server with some chat in it.
    let s = TestServer::start(db).await;
    let team = s.team().await;
    let general = team.general().await;
    team.owner
        .post_message(general, "Welcome to **Acme**", None)
        .await
        .unwrap();
    team.member
        .post_message(general, "Glad to be here 🎉", None)
        .await
        .unwrap();

    // 2. A backup while it runs, restored into a new database of the same backend.
    let backup = dir.path().join("chat.ocbackup");
    let (ok, out) = ocomms(args(&[
        "backup",
        "--database-url",
        &s.db.url,
        backup.to_str().unwrap(),
    ]))
    .await;
    assert!(ok && out.contains("sha256"), "{out}");
    let restored = if from_sqlite {
        Place::folder(&dir.path().join("restored"))
    } else {
        Place::new_postgres().await
    };
    restored.run(&["restore"], &backup).await;

    // 3. The server stopped; the restored copy exported and imported into the other backend.
    s.server.stop().await.unwrap();
    let export = dir.path().join("chat.ocexport");
    restored.run(&["export"], &export).await;
    let moved = if from_sqlite {
        Place::new_postgres().await
    } else {
        Place::folder(&dir.path().join("moved"))
    };
    let out = moved.run(&["import", "--dry-run"], &export).await;
    assert!(out.contains("nothing written"), "{out}");
    let out = moved.run(&["import"], &export).await;
    assert!(out.contains("imported into"), "{out}");

    // 4. The same server on the other backend: same passwords, same history.
    let server = server::start(ServeConfig::for_database(&moved.url))
        .await
        .unwrap();
    let member = signed_in(&server.url(), "member@acme.test").await;
    let history = member.history(general, &Default::default()).await.unwrap();
    let bodies: Vec<&str> = history.messages.iter().map(|m| m.body.as_str()).collect();
    assert!(
        bodies.contains(&"Welcome to **Acme**") && bodies.contains(&"Glad to be here 🎉"),
        "{bodies:?}"
    );
    member
        .post_message(general, "and on we go", None)
        .await
        .unwrap();
    server.stop().await.unwrap();
}
