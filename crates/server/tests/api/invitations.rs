//! Invitations by link and by email, their limits and the sign-up they allow.

use ocomms_proto::ErrorCode;
use ocomms_proto::account::SignUpRequest;
use ocomms_proto::workspace::{CreateInvitation, Role};
use ocomms_store::testing::TestDb;

use crate::support::{PASSWORD, TestServer, link_in};

ocomms_store::backend_tests!(
    links_admit_new_people_until_used_up_or_revoked,
    email_invitations_are_sent_and_bound_to_the_address,
);

fn link(max_uses: Option<u32>, role: Role) -> CreateInvitation {
    CreateInvitation {
        email: None,
        role: Some(role),
        max_uses,
        expires_in_hours: None,
    }
}

fn with_invitation(email: &str, token: &str) -> SignUpRequest {
    SignUpRequest {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: email.split('@').next().unwrap_or(email).into(),
        invitation_token: Some(token.into()),
    }
}

async fn links_admit_new_people_until_used_up_or_revoked(db: TestDb) {
    let s = TestServer::start(db).await;
    let owner = s.sign_up("owner@example.com", "Olive Owner").await;
    let w = owner.create_workspace("Acme").await.unwrap();
    let created = owner
        .create_invitation(&w.slug, &link(Some(1), Role::Guest))
        .await
        .unwrap();
    assert!(created.url.ends_with(&format!("/invite/{}", created.token)));

    // Anyone holding the link may see where it leads.
    let preview = s.client().invitation(&created.token).await.unwrap();
    assert_eq!(
        (
            preview.workspace_name.as_str(),
            preview.invited_by.as_str(),
            preview.role
        ),
        ("Acme", "Olive Owner", Role::Guest)
    );

    let mut gus = s.client();
    let joined = gus
        .sign_up(&with_invitation("gus@example.com", &created.token))
        .await
        .unwrap()
        .session()
        .expect("signed in: this server sends no email");
    assert!(!joined.user.is_instance_admin);
    let ws = gus.workspaces().await.unwrap();
    assert_eq!((ws.len(), ws[0].role), (1, Role::Guest));

    // Used up: the next person is refused and no account is created.
    let mut late = s.client();
    let err = late
        .sign_up(&with_invitation("late@example.com", &created.token))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        (Some(ErrorCode::InvitationInvalid), Some(410))
    );
    assert_eq!(s.db.store.count_users().await.unwrap(), 2);
    assert_eq!(
        s.client()
            .invitation("no-such-token")
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::NotFound)
    );

    // An existing account accepts a link; revoked links stop working.
    let open = owner
        .create_invitation(&w.slug, &link(None, Role::Member))
        .await
        .unwrap();
    let mut other = s.client();
    other
        .sign_up(&with_invitation("mia@example.com", &open.token))
        .await
        .unwrap();
    let second = owner.create_workspace("Second").await.unwrap();
    let to_second = owner
        .create_invitation(&second.slug, &link(None, Role::Member))
        .await
        .unwrap();
    assert_eq!(
        other
            .accept_invitation(&to_second.token)
            .await
            .unwrap()
            .slug,
        second.slug
    );
    assert_eq!(
        other
            .accept_invitation(&to_second.token)
            .await
            .unwrap()
            .role,
        Role::Member,
        "idempotent"
    );
    owner
        .revoke_invitation(&w.slug, open.invitation.id)
        .await
        .unwrap();
    let err = s.client().invitation(&open.token).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvitationInvalid));
    let listed = owner.invitations(&w.slug).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|i| i.revoked && i.uses == 1));

    // Bad input: zero uses, too long an expiry, members inviting.
    let mut bad = link(Some(0), Role::Member);
    assert_eq!(
        owner
            .create_invitation(&w.slug, &bad)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::ValidationFailed)
    );
    bad = link(None, Role::Member);
    bad.expires_in_hours = Some(24 * 365);
    assert_eq!(
        owner
            .create_invitation(&w.slug, &bad)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::ValidationFailed)
    );
    assert_eq!(
        gus.create_invitation(&w.slug, &link(None, Role::Member))
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(
        gus.invitations(&w.slug).await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
}

async fn email_invitations_are_sent_and_bound_to_the_address(db: TestDb) {
    let s = TestServer::with_smtp(db).await;
    let owner = s.sign_up("owner@example.com", "Olive").await;
    let mail = s
        .sink()
        .wait_for("owner@example.com", "/verify?token=")
        .await;
    let token = crate::support::token_of(&link_in(&mail, "/verify?token="));
    owner.verify_email(&token).await.unwrap();
    let w = owner.create_workspace("Acme").await.unwrap();
    let invite = CreateInvitation {
        email: Some("Zoe@Example.com".into()),
        role: None,
        max_uses: None,
        expires_in_hours: Some(48),
    };
    let created = owner.create_invitation(&w.slug, &invite).await.unwrap();
    assert_eq!(
        (
            created.invitation.email.as_deref(),
            created.invitation.max_uses
        ),
        (Some("zoe@example.com"), Some(1))
    );
    let mail = s.sink().wait_for("zoe@example.com", "/invite/").await;
    assert!(mail.contains("Olive invited you to Acme"), "{mail}");
    let token = link_in(&mail, "/invite/")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(token, created.token);

    let mut wrong = s.client();
    let err = wrong
        .sign_up(&with_invitation("someone@example.com", &token))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvitationEmailMismatch));
    let mut zoe = s.client();
    zoe.sign_up(&with_invitation("zoe@example.com", &token))
        .await
        .unwrap();
    // Following an email invitation proves the address: no separate verification needed.
    assert!(zoe.me().await.unwrap().email_verified);
    assert_eq!(zoe.workspace(&w.slug).await.unwrap().role, Role::Member);
}
