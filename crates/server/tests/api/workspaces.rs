//! Workspaces: creation, slugs, visibility.

use ocomms_proto::ErrorCode;
use ocomms_store::testing::TestDb;

use crate::support::TestServer;

ocomms_store::backend_tests!(workspaces_get_unique_slugs_and_stay_private);

async fn workspaces_get_unique_slugs_and_stay_private(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.open_server().await;
    let acme = ada.create_workspace("Acme Corp").await.unwrap();
    let again = ada.create_workspace("ACME corp!").await.unwrap();
    let cafe = ada.create_workspace("Café Crème").await.unwrap();
    assert_eq!(
        (acme.slug.as_str(), again.slug.as_str(), cafe.slug.as_str()),
        ("acme-corp", "acme-corp-2", "cafe-creme")
    );
    let names: Vec<String> = ada
        .workspaces()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, vec!["Acme Corp", "ACME corp!", "Café Crème"]);
    assert_eq!(ada.workspace("acme-corp").await.unwrap().id, acme.id);

    let err = ada.create_workspace("   ").await.unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        (Some(ErrorCode::ValidationFailed), Some(422))
    );
    assert_eq!(
        ada.workspace("no-such-place").await.unwrap_err().code(),
        Some(ErrorCode::NotFound)
    );

    // Someone who is not a member cannot tell the workspace exists.
    let eve = s.sign_up("eve@example.com", "Eve").await;
    let hidden = eve.workspace("acme-corp").await.unwrap_err();
    let missing = eve.workspace("no-such-place").await.unwrap_err();
    assert_eq!(
        (hidden.status(), hidden.to_string()),
        (missing.status(), missing.to_string())
    );
    assert_eq!(
        eve.members("acme-corp").await.unwrap_err().code(),
        Some(ErrorCode::NotFound)
    );
    assert!(eve.workspaces().await.unwrap().is_empty());
    assert_eq!(
        s.client().workspaces().await.unwrap_err().code(),
        Some(ErrorCode::Unauthenticated)
    );
}
