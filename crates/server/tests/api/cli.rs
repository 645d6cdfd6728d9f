//! The `ocomms` binary's admin commands, run as a real process against the test database.

use ocomms_store::testing::TestDb;

use crate::support::{TestServer, args, ocomms};

ocomms_store::backend_tests!(admin_commands_manage_accounts);

async fn admin_commands_manage_accounts(db: TestDb) {
    let url = db.url.clone();
    let (ok, out) = ocomms(args(&["migrate", "--database-url", &url])).await;
    assert!(ok, "{out}");
    let create = [
        "admin",
        "--database-url",
        &url,
        "create-user",
        "--email",
        "root@example.com",
        "--password",
        "a long admin passphrase",
        "--name",
        "Root",
        "--admin",
    ];
    let (ok, out) = ocomms(args(&create)).await;
    assert!(ok && out.contains("server administrator"), "{out}");
    let (ok, out) = ocomms(args(&create)).await;
    assert!(
        !ok && out.contains("already exists"),
        "duplicate refused: {out}"
    );
    let plain = [
        "admin",
        "--database-url",
        &url,
        "create-user",
        "--email",
        "pat@example.com",
        "--password",
        "pat's own passphrase",
        "--name",
        "Pat",
    ];
    assert!(ocomms(args(&plain)).await.0);
    let (ok, out) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "make-admin",
        "--email",
        "pat@example.com",
    ]))
    .await;
    assert!(ok, "{out}");
    let (ok, out) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "reset-password",
        "--email",
        "pat@example.com",
        "--password",
        "password1234",
    ]))
    .await;
    assert!(
        !ok && out.contains("too easy"),
        "weak passwords refused here too: {out}"
    );
    let (ok, _) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "reset-password",
        "--email",
        "pat@example.com",
        "--password",
        "a fresh passphrase",
    ]))
    .await;
    assert!(ok);
    let (ok, out) = ocomms(args(&[
        "admin",
        "--database-url",
        &url,
        "make-admin",
        "--email",
        "nobody@example.com",
    ]))
    .await;
    assert!(!ok && out.contains("not found"), "{out}");

    let s = TestServer::start(db).await;
    let mut root = s.client();
    let me = root
        .sign_in("root@example.com", "a long admin passphrase")
        .await
        .unwrap()
        .user;
    assert!(me.is_instance_admin && me.email_verified);
    let mut pat = s.client();
    let pat_user = pat
        .sign_in("pat@example.com", "a fresh passphrase")
        .await
        .unwrap()
        .user;
    assert!(pat_user.is_instance_admin);
}
