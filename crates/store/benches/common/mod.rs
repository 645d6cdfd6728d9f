//! What the store benches share: two people in one workspace, and percentiles.

use std::time::Duration;

use ocomms_proto::UserId;
use ocomms_proto::workspace::Role;
use ocomms_store::{NewUser, Store, WorkspaceRecord};

/// Ada (owner) and Ben (member) of workspace "Acme".
pub async fn ada_and_ben(store: &Store) -> (UserId, UserId, WorkspaceRecord) {
    let user = |email: &str| NewUser {
        email: email.to_owned(),
        password_hash: "hash".to_owned(),
        display_name: email.to_owned(),
        email_verified: true,
        created_at: 1,
    };
    let ada = store
        .create_user(&user("ada@example.com"))
        .await
        .expect("ada")
        .id;
    let ben = store
        .create_user(&user("ben@example.com"))
        .await
        .expect("ben")
        .id;
    let workspace = store
        .create_workspace("Acme", "acme", ada, 1)
        .await
        .expect("workspace");
    store
        .add_member(workspace.id, ben, Role::Member, 1)
        .await
        .expect("ben joins");
    (ada, ben, workspace)
}

/// "p50 … ms, p95 … ms, p99 … ms" of the timings (sorted here).
pub fn percentiles(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99))
    )
}
