//! Profiles and avatars.

use std::io::Cursor;

use ocomms_proto::ErrorCode;
use ocomms_proto::account::ProfileUpdate;
use ocomms_proto::workspace::CreateInvitation;
use ocomms_store::testing::TestDb;

use crate::support::TestServer;

ocomms_store::backend_tests!(
    profiles_are_edited_and_shown_to_co_members,
    avatars_are_reencoded_and_cached
);

async fn profiles_are_edited_and_shown_to_co_members(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.open_server().await;
    let update = ProfileUpdate {
        display_name: Some(" Ada Lovelace ".into()),
        title: Some("Analyst".into()),
        bio: Some("First programmer.\nLikes engines.".into()),
        time_zone: Some("Europe/London".into()),
        ..ProfileUpdate::default()
    };
    let p = ada.update_profile(&update).await.unwrap();
    assert_eq!(
        (
            p.display_name.as_str(),
            p.title.as_str(),
            p.time_zone.as_str()
        ),
        ("Ada Lovelace", "Analyst", "Europe/London")
    );
    let only_title = ProfileUpdate {
        title: Some("Countess".into()),
        ..ProfileUpdate::default()
    };
    assert_eq!(
        ada.update_profile(&only_title).await.unwrap().bio,
        "First programmer.\nLikes engines."
    );
    for bad in [
        ProfileUpdate {
            time_zone: Some("Mars/Base".into()),
            ..ProfileUpdate::default()
        },
        ProfileUpdate {
            display_name: Some("".into()),
            ..ProfileUpdate::default()
        },
        ProfileUpdate {
            bio: Some("x".repeat(501)),
            ..ProfileUpdate::default()
        },
    ] {
        let err = ada.update_profile(&bad).await.unwrap_err();
        assert_eq!(
            (err.code(), err.status()),
            (Some(ErrorCode::ValidationFailed), Some(422))
        );
    }
    let both = ProfileUpdate {
        title: Some("t".repeat(200)),
        time_zone: Some("Mars/Base".into()),
        ..ProfileUpdate::default()
    };
    let err = ada.update_profile(&both).await.unwrap_err();
    let fields: Vec<_> = err.invalid_fields().into_iter().map(|f| f.0).collect();
    assert_eq!(
        fields,
        ["title", "time_zone"],
        "every bad field, in one answer"
    );
    assert_eq!(
        ada.profile().await.unwrap().title,
        "Countess",
        "failed updates change nothing"
    );

    let ada_id = ada.me().await.unwrap().id;
    let bob = s.sign_up("bob@example.com", "Bob").await;
    assert_eq!(
        bob.user_profile(ada_id).await.unwrap_err().code(),
        Some(ErrorCode::NotFound)
    );
    let w = ada.create_workspace("Acme").await.unwrap();
    let invite = CreateInvitation {
        email: None,
        role: None,
        max_uses: None,
        expires_in_hours: None,
    };
    let created = ada.create_invitation(&w.slug, &invite).await.unwrap();
    bob.accept_invitation(&created.token).await.unwrap();
    assert_eq!(
        bob.user_profile(ada_id).await.unwrap().display_name,
        "Ada Lovelace"
    );
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 90]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn avatars_are_reencoded_and_cached(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.sign_up("ada@example.com", "Ada Lovelace").await;
    let before = ada.profile().await.unwrap();
    let (kind, svg) = ada.avatar(&before.avatar_url).await.unwrap();
    assert_eq!(kind, "image/svg+xml");
    assert!(
        String::from_utf8(svg).unwrap().contains(">AL<"),
        "generated avatar shows initials"
    );

    let after = ada.upload_avatar(png(640, 480), "image/png").await.unwrap();
    assert_ne!(
        after.avatar_url, before.avatar_url,
        "a new upload changes the URL"
    );
    let (kind, bytes) = ada.avatar(&after.avatar_url).await.unwrap();
    assert_eq!(kind, "image/png");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));

    let fake = ada
        .upload_avatar(b"<svg onload=alert(1)>".to_vec(), "image/png")
        .await
        .unwrap_err();
    assert_eq!(
        (fake.code(), fake.status()),
        (Some(ErrorCode::UnsupportedMedia), Some(415))
    );
    let huge = ada
        .upload_avatar(vec![0u8; 6 * 1024 * 1024], "image/png")
        .await
        .unwrap_err();
    assert_eq!(huge.status(), Some(413));
    assert_eq!(
        ada.profile().await.unwrap().avatar_url,
        after.avatar_url,
        "refused uploads change nothing"
    );

    // Browsers revalidate with the ETag and get 304.
    let http = reqwest::Client::new();
    let url = format!("{}{}", s.url(), after.avatar_url);
    let token = ada.token().unwrap().to_owned();
    let first = http.get(&url).bearer_auth(&token).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = http
        .get(&url)
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(
        http.get(&url).send().await.unwrap().status(),
        401,
        "avatars need a session"
    );

    let cleared = ada.remove_avatar().await.unwrap();
    assert_eq!(
        ada.avatar(&cleared.avatar_url).await.unwrap().0,
        "image/svg+xml"
    );
}
