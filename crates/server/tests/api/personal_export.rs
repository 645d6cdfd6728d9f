//! A person downloads their own data (GDPR): through the API in the background with
//! progress, from the account page, and with `ocomms export --user`; it holds what they
//! wrote, reacted and joined, never a password hash or anyone else's messages.

use std::time::Duration;

use ocomms_client::Client;
use ocomms_proto::account::{PersonalExport, PersonalExportState};
use ocomms_proto::conversation::CreateChannel;
use ocomms_store::testing::TestDb;
use serde_json::Value;

use crate::api::pages::{browser, csrf_in, location, page, web_sign_in};
use crate::support::{TestServer, args, ocomms};

ocomms_store::backend_tests!(
    a_person_downloads_their_own_data_and_nobody_elses,
    the_account_page_prepares_the_download_and_the_cli_writes_it,
);

async fn until_done(client: &Client, started: &PersonalExport) -> PersonalExport {
    for _ in 0..200 {
        let now = client.personal_export(started.id).await.unwrap();
        if now.state != PersonalExportState::Running {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the download was not ready in 10 s");
}

async fn a_person_downloads_their_own_data_and_nobody_elses(db: TestDb) {
    let s = TestServer::start(db).await;
    let team = s.team().await;
    let general = team.general().await;
    let owners = team
        .owner
        .post_message(general, "the owner's own words", None)
        .await
        .unwrap();
    team.member.react(owners.id, "👍").await.unwrap();
    for i in 0..3 {
        team.member
            .post_message(general, &format!("member message {i}"), None)
            .await
            .unwrap();
    }
    let private = team
        .owner
        .create_channel(
            &team.slug,
            &CreateChannel {
                name: "plans".into(),
                private: true,
                topic: None,
                description: None,
                members: vec![team.ids.member],
            },
        )
        .await
        .unwrap();
    team.member
        .post_message(private.id, "a private thought", None)
        .await
        .unwrap();

    assert!(team.member.personal_exports().await.unwrap().is_empty());
    let started = team.member.start_personal_export().await.unwrap();
    let ready = until_done(&team.member, &started).await;
    assert_eq!(ready.state, PersonalExportState::Ready, "{ready:?}");
    assert_eq!((ready.done, ready.total), (4, 4));
    assert_eq!(
        team.member.personal_exports().await.unwrap(),
        vec![ready.clone()]
    );
    let bytes = team
        .member
        .download_personal_export(ready.id)
        .await
        .unwrap();
    assert_eq!(ready.bytes, Some(bytes.len() as i64));
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        !text.contains("password") && !text.contains("$argon2"),
        "no password hash"
    );
    assert!(
        !text.contains("the owner's own words"),
        "nobody else's messages"
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format"], "ocomms-personal-data");
    assert_eq!(doc["account"]["email"], "member@acme.test");
    let bodies: Vec<&str> = doc["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "member message 0",
            "member message 1",
            "member message 2",
            "a private thought"
        ]
    );
    assert_eq!(doc["reactions"][0]["emoji"], "👍");
    assert_eq!(doc["reactions"][0]["message_id"], owners.id.0);
    assert_eq!(doc["workspaces"][0]["workspace"], team.slug.as_str());
    assert!(
        doc["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "plans")
    );

    // Someone else's download does not exist for anyone else.
    let refused = team.outsider.personal_export(ready.id).await.unwrap_err();
    assert_eq!(refused.status(), Some(404), "{refused:?}");
    let refused = team
        .outsider
        .download_personal_export(ready.id)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(404), "{refused:?}");
    // A new one replaces the old.
    let again = team.member.start_personal_export().await.unwrap();
    until_done(&team.member, &again).await;
    let gone = team.member.personal_export(ready.id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone:?}");
}

async fn the_account_page_prepares_the_download_and_the_cli_writes_it(db: TestDb) {
    let s = TestServer::start(db).await;
    let ada = s.sign_up("ada@example.com", "Ada").await;
    let slug = ada.create_workspace("Acme").await.unwrap().slug;
    let general = ada.channels(&slug, &Default::default()).await.unwrap()[0].id;
    ada.post_message(general, "hello <b>world</b>", None)
        .await
        .unwrap();

    // The page, signed in with a browser session.
    let http = browser();
    let url = s.url();
    let cookie = web_sign_in(&http, &url, "ada@example.com").await;
    let (status, html) = page(&http, &format!("{url}/account"), &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("Prepare a download of my data"), "{html}");
    assert!(
        html.contains("<title>Password & sessions · OComms</title>"),
        "the title is only the title"
    );
    assert_eq!(html.matches("id=\"your-data\"").count(), 1);
    let started = http
        .post(format!("{url}/account/export"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf_in(&html))])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&started),
        "/account?notice=export_started#your-data"
    );
    let mut html = String::new();
    for _ in 0..200 {
        html = page(&http, &format!("{url}/account"), &cookie).await.1;
        if !html.contains("data-state=\"running\"") {
            break;
        }
        assert!(html.contains("<progress"), "progress while running: {html}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(html.contains("Download my data"), "{html}");
    let start = html.find("/api/v1/me/exports/").unwrap();
    let href = html[start..].split('"').next().unwrap();
    let download = http
        .get(format!("{url}{href}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"ocomms-data-")
    );
    let doc: Value = download.json().await.unwrap();
    assert_eq!(doc["messages"][0]["body"], "hello <b>world</b>");

    // The CLI writes the same document at once.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ada.json");
    let (ok, out) = ocomms(args(&[
        "export",
        "--database-url",
        &s.db.url,
        "--user",
        "ada@example.com",
        file.to_str().unwrap(),
    ]))
    .await;
    assert!(ok, "{out}");
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(doc["account"]["email"], "ada@example.com");
    assert_eq!(doc["messages"][0]["body"], "hello <b>world</b>");
    let (ok, out) = ocomms(args(&[
        "export",
        "--database-url",
        &s.db.url,
        "--user",
        "nobody@example.com",
        dir.path().join("nobody.json").to_str().unwrap(),
    ]))
    .await;
    assert!(!ok && out.contains("no account"), "{out}");
}
