//! Roles and membership: who may do what (the authorization matrix of the foundation).

use ocomms_client::Client;
use ocomms_proto::workspace::{CreateInvitation, Role};
use ocomms_proto::{ErrorCode, UserId};
use ocomms_store::testing::TestDb;

use crate::support::TestServer;

ocomms_store::backend_tests!(roles_decide_who_may_manage_members);

async fn join(
    s: &TestServer,
    owner: &Client,
    slug: &str,
    email: &str,
    role: Role,
) -> (Client, UserId) {
    let c = s
        .sign_up(email, email.split('@').next().unwrap_or(email))
        .await;
    let invite = CreateInvitation {
        email: None,
        role: Some(role),
        max_uses: Some(1),
        expires_in_hours: None,
    };
    let created = owner.create_invitation(slug, &invite).await.unwrap();
    c.accept_invitation(&created.token).await.unwrap();
    let id = c.me().await.unwrap().id;
    (c, id)
}

fn code<T: std::fmt::Debug>(r: Result<T, ocomms_client::ClientError>) -> Option<ErrorCode> {
    r.err().and_then(|e| e.code())
}

async fn roles_decide_who_may_manage_members(db: TestDb) {
    let s = TestServer::start(db).await;
    let owner = s.open_server().await;
    let owner_id = owner.me().await.unwrap().id;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    let (admin, admin_id) = join(&s, &owner, &slug, "admin@acme.test", Role::Admin).await;
    let (member, member_id) = join(&s, &owner, &slug, "member@acme.test", Role::Member).await;
    let (guest, guest_id) = join(&s, &owner, &slug, "guest@acme.test", Role::Guest).await;
    let outsider = s.sign_up("out@else.test", "Outsider").await;
    let forbidden = Some(ErrorCode::Forbidden);

    // Everyone inside sees the member list; the outsider sees nothing.
    for c in [&owner, &admin, &member, &guest] {
        assert_eq!(c.members(&slug).await.unwrap().len(), 4);
    }
    assert_eq!(
        code(outsider.members(&slug).await),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        code(outsider.set_role(&slug, member_id, Role::Admin).await),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        code(outsider.remove_member(&slug, guest_id).await),
        Some(ErrorCode::NotFound)
    );

    // Members and guests cannot manage anyone.
    for c in [&member, &guest] {
        assert_eq!(
            code(c.set_role(&slug, guest_id, Role::Member).await),
            forbidden
        );
        assert_eq!(code(c.remove_member(&slug, admin_id).await), forbidden);
    }
    // Admins manage members and guests, but not owners or other admins, and cannot make owners.
    admin.set_role(&slug, guest_id, Role::Member).await.unwrap();
    admin.set_role(&slug, guest_id, Role::Guest).await.unwrap();
    assert_eq!(
        code(admin.set_role(&slug, member_id, Role::Owner).await),
        forbidden
    );
    assert_eq!(
        code(admin.set_role(&slug, owner_id, Role::Member).await),
        forbidden
    );
    assert_eq!(code(admin.remove_member(&slug, owner_id).await), forbidden);

    // The last owner can neither be demoted nor leave.
    let last = Some(ErrorCode::LastOwner);
    assert_eq!(
        code(owner.set_role(&slug, owner_id, Role::Admin).await),
        last
    );
    assert_eq!(code(owner.remove_member(&slug, owner_id).await), last);
    assert_eq!(
        code(owner.set_role(&slug, UserId(987_654), Role::Admin).await),
        Some(ErrorCode::NotFound)
    );

    // With a second owner the first may step down and leave.
    owner.set_role(&slug, admin_id, Role::Owner).await.unwrap();
    owner.remove_member(&slug, owner_id).await.unwrap();
    assert_eq!(
        code(owner.workspace(&slug).await),
        Some(ErrorCode::NotFound)
    );
    // The new owner removes a member; a guest leaves by itself.
    admin.remove_member(&slug, member_id).await.unwrap();
    assert_eq!(code(member.members(&slug).await), Some(ErrorCode::NotFound));
    guest.remove_member(&slug, guest_id).await.unwrap();
    let left: Vec<Role> = admin
        .members(&slug)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(left, vec![Role::Owner]);
}
