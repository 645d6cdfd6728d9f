//! The authorization matrix for channels and direct messages (their unread state,
//! notification settings and Activity too): every endpoint and page, asked
//! by the workspace owner, an admin, the channel's manager (a member), a guest added to the
//! channel, a member outside it, and an outsider from another workspace. Each row is the
//! status each of them gets, in that order.

use ocomms_client::Client;
use ocomms_proto::conversation::CreateChannel;
use ocomms_proto::workspace::Role;
use ocomms_store::testing::TestDb;
use reqwest::Method;
use reqwest::redirect::Policy;
use serde_json::json;

use crate::support::{PASSWORD, TestServer};

ocomms_store::backend_tests!(every_channel_endpoint_and_page_answers_each_role_as_it_should);

/// Who asks, in the order of every row's expectations.
const WHO: [&str; 6] = [
    "owner",
    "admin",
    "manager",
    "guest-in",
    "member-out",
    "outsider",
];

struct Matrix {
    http: reqwest::Client,
    url: String,
    tokens: Vec<String>,
    cookies: Vec<String>,
    csrfs: Vec<String>,
}

impl Matrix {
    async fn api(
        &self,
        who: usize,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> u16 {
        let mut request = self
            .http
            .request(method, format!("{}/api/v1{path}", self.url))
            .bearer_auth(&self.tokens[who]);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status().as_u16()
    }

    async fn page(&self, who: usize, path: &str) -> u16 {
        let request = self
            .http
            .get(format!("{}{path}", self.url))
            .header("cookie", &self.cookies[who]);
        request.send().await.unwrap().status().as_u16()
    }

    async fn post(&self, who: usize, path: &str, fields: &[(&str, &str)]) -> u16 {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrfs[who])];
        form.extend_from_slice(fields);
        let request = self
            .http
            .post(format!("{}{path}", self.url))
            .header("cookie", &self.cookies[who])
            .form(&form);
        request.send().await.unwrap().status().as_u16()
    }
}

/// Runs `ask` for each person and compares with the row.
macro_rules! row {
    ($m:expr, $label:expr, [$($expected:expr),*], |$who:ident| $ask:expr) => {{
        let expected: [u16; 6] = [$($expected),*];
        let mut got = [0u16; 6];
        for $who in 0..6 {
            got[$who] = $ask;
        }
        assert_eq!(got, expected, "{}: statuses for {:?}", $label, WHO);
    }};
}

async fn web_session(http: &reqwest::Client, url: &str, email: &str) -> (String, String) {
    let form = [("email", email), ("password", PASSWORD), ("next", "/")];
    let r = http
        .post(format!("{url}/signin"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = http
        .get(format!("{url}/profile"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = html[start..].split('"').next().unwrap().to_owned();
    (cookie, csrf)
}

async fn every_channel_endpoint_and_page_answers_each_role_as_it_should(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let (nina, nina_id) = s
        .join(&t.owner, &t.slug, "nina@acme.test", "Nina", Role::Member)
        .await;
    let slug = t.slug.clone();
    let vault = t
        .member
        .create_channel(
            &slug,
            &CreateChannel {
                name: "vault".into(),
                private: true,
                topic: None,
                description: None,
                members: vec![t.ids.guest],
            },
        )
        .await
        .unwrap()
        .id;
    let town = t
        .member
        .create_channel(
            &slug,
            &CreateChannel {
                name: "town".into(),
                private: false,
                topic: None,
                description: None,
                members: vec![],
            },
        )
        .await
        .unwrap()
        .id;
    let dm = t
        .member
        .open_direct(&slug, &[t.ids.admin])
        .await
        .unwrap()
        .id;
    let people: [&Client; 6] = [&t.owner, &t.admin, &t.member, &t.guest, &nina, &t.outsider];
    let emails = [
        "admin@example.com",
        "admin@acme.test",
        "member@acme.test",
        "guest@acme.test",
        "nina@acme.test",
        "out@else.test",
    ];
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let mut m = Matrix {
        http: http.clone(),
        url: s.url(),
        tokens: Vec::new(),
        cookies: Vec::new(),
        csrfs: Vec::new(),
    };
    for (client, email) in people.iter().zip(emails) {
        m.tokens.push(client.token().unwrap().to_owned());
        let (cookie, csrf) = web_session(&http, &m.url, email).await;
        m.cookies.push(cookie);
        m.csrfs.push(csrf);
    }
    let ids = [
        t.ids.owner,
        t.ids.admin,
        t.ids.member,
        t.ids.guest,
        nina_id,
        t.ids.outsider,
    ];
    use Method as M;

    // Listing and creating channels.
    row!(m, "list channels", [200, 200, 200, 200, 200, 404], |w| m
        .api(w, M::GET, &format!("/workspaces/{slug}/channels"), None)
        .await);
    row!(m, "create channel", [201, 201, 201, 403, 201, 404], |w| m
        .api(
            w,
            M::POST,
            &format!("/workspaces/{slug}/channels"),
            Some(json!({"name": format!("new-{w}")}))
        )
        .await);

    // The private channel: only its members know it.
    let v = format!("/conversations/{vault}");
    row!(m, "get private", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::GET, &v, None)
        .await);
    row!(m, "private members", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::GET, &format!("{v}/members"), None)
        .await);
    row!(m, "private events", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::GET, &format!("{v}/events"), None)
        .await);
    row!(m, "private topic", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::PATCH, &v, Some(json!({"topic": format!("t{w}")})))
        .await);
    row!(m, "private rename", [404, 404, 200, 403, 404, 404], |w| m
        .api(w, M::PATCH, &v, Some(json!({"name": "vault"})))
        .await);
    row!(m, "private join", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::PUT, &format!("{v}/members/{}", ids[w]), None)
        .await);
    row!(
        m,
        "private make manager",
        [404, 404, 200, 403, 404, 404],
        |w| m
            .api(
                w,
                M::PUT,
                &format!("{v}/members/{}", t.ids.guest),
                Some(json!({"role": "member"}))
            )
            .await
    );
    // Adding someone from outside the workspace: only the manager gets past the permission
    // check, to be told that person is not found; the guest may not add anyone.
    row!(
        m,
        "private add someone",
        [404, 404, 404, 403, 404, 404],
        |w| m
            .api(w, M::PUT, &format!("{v}/members/{}", t.ids.outsider), None)
            .await
    );
    row!(
        m,
        "private remove someone",
        [404, 404, 404, 403, 404, 404],
        |w| m
            .api(
                w,
                M::DELETE,
                &format!("{v}/members/{}", t.ids.outsider),
                None
            )
            .await
    );
    row!(m, "private archive", [404, 404, 200, 403, 404, 404], |w| m
        .api(w, M::PATCH, &v, Some(json!({"archived": false})))
        .await);

    // The public channel: every member of the workspace but guests.
    let p = format!("/conversations/{town}");
    row!(m, "get public", [200, 200, 200, 404, 200, 404], |w| m
        .api(w, M::GET, &p, None)
        .await);
    row!(m, "public events", [200, 200, 200, 404, 200, 404], |w| m
        .api(w, M::GET, &format!("{p}/events"), None)
        .await);
    row!(m, "public join", [200, 200, 200, 404, 200, 404], |w| m
        .api(w, M::PUT, &format!("{p}/members/{}", ids[w]), None)
        .await);
    row!(m, "public rename", [200, 200, 200, 404, 403, 404], |w| m
        .api(w, M::PATCH, &p, Some(json!({"name": "town"})))
        .await);
    row!(m, "public topic", [200, 200, 200, 404, 200, 404], |w| m
        .api(w, M::PATCH, &p, Some(json!({"topic": "hi"})))
        .await);
    row!(m, "public unarchive", [200, 200, 200, 404, 403, 404], |w| m
        .api(w, M::PATCH, &p, Some(json!({"archived": false})))
        .await);

    // A direct message between the manager and the admin.
    let d = format!("/conversations/{dm}");
    row!(m, "get direct", [404, 200, 200, 404, 404, 404], |w| m
        .api(w, M::GET, &d, None)
        .await);
    row!(m, "direct members", [404, 200, 200, 404, 404, 404], |w| m
        .api(w, M::GET, &format!("{d}/members"), None)
        .await);
    row!(m, "rename direct", [404, 403, 403, 404, 404, 404], |w| m
        .api(w, M::PATCH, &d, Some(json!({"name": "x"})))
        .await);
    row!(m, "list directs", [200, 200, 200, 200, 200, 404], |w| m
        .api(w, M::GET, &format!("/workspaces/{slug}/dms"), None)
        .await);
    // The guest shares #vault with the manager, so may message them; nobody else in the
    // workspace shares a channel with the guest.
    row!(
        m,
        "message the manager",
        [200, 200, 200, 200, 200, 404],
        |w| m
            .api(
                w,
                M::POST,
                &format!("/workspaces/{slug}/dms"),
                Some(json!({"user_ids": [t.ids.member]}))
            )
            .await
    );
    row!(
        m,
        "message the guest",
        [403, 403, 200, 200, 403, 404],
        |w| m
            .api(
                w,
                M::POST,
                &format!("/workspaces/{slug}/dms"),
                Some(json!({"user_ids": [t.ids.guest]}))
            )
            .await
    );

    // Unread state, notification settings and Activity (issue 15): a private channel's
    // counts, levels and mentions exist for its members only.
    let secret = t
        .member
        .post_message(vault, "@channel the plans are in", None)
        .await
        .unwrap();
    row!(
        m,
        "private read marker",
        [404, 404, 200, 200, 404, 404],
        |w| m
            .api(w, M::PUT, &format!("{v}/read"), Some(json!({"seq": 0})))
            .await
    );
    row!(
        m,
        "private mark unread",
        [404, 404, 200, 200, 404, 404],
        |w| m
            .api(w, M::PUT, &format!("/messages/{}/unread", secret.id), None)
            .await
    );
    row!(m, "private level", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::GET, &format!("{v}/notifications"), None)
        .await);
    row!(m, "private mute", [404, 404, 200, 200, 404, 404], |w| m
        .api(
            w,
            M::PUT,
            &format!("{v}/notifications"),
            Some(json!({"level": "nothing"}))
        )
        .await);
    row!(m, "public level", [200, 200, 200, 404, 200, 404], |w| m
        .api(w, M::GET, &format!("{p}/notifications"), None)
        .await);
    row!(m, "direct level", [404, 200, 200, 404, 404, 404], |w| m
        .api(w, M::GET, &format!("{d}/notifications"), None)
        .await);
    for (label, path) in [
        ("unread list", format!("/workspaces/{slug}/unread")),
        ("activity", format!("/workspaces/{slug}/activity")),
        (
            "workspace level",
            format!("/workspaces/{slug}/notifications"),
        ),
    ] {
        row!(m, label, [200, 200, 200, 200, 200, 404], |w| m
            .api(w, M::GET, &path, None)
            .await);
    }
    row!(m, "mark all read", [200, 200, 200, 200, 200, 404], |w| m
        .api(w, M::PUT, &format!("/workspaces/{slug}/read"), None)
        .await);
    row!(m, "activity page", [200, 200, 200, 200, 200, 404], |w| m
        .page(w, &format!("/w/{slug}/activity"))
        .await);
    row!(
        m,
        "notifications page",
        [200, 200, 200, 200, 200, 404],
        |w| m.page(w, &format!("/w/{slug}/notifications")).await
    );
    // What the lists hold: the private channel and its `@channel` only for its members.
    for (who, client) in people.iter().enumerate().take(5) {
        let member = who == 2 || who == 3;
        let unread = client.read_states(&slug).await.unwrap();
        assert_eq!(
            unread.iter().any(|r| r.conversation_id == vault),
            member,
            "{} in the unread list",
            WHO[who]
        );
        let activity = client.activity(&slug, None).await.unwrap();
        assert_eq!(
            activity.items.iter().any(|i| i.message.id == secret.id),
            who == 3,
            "{} in Activity (the author never)",
            WHO[who]
        );
    }

    // Search and jumping to a date: the private channel's words only for its members, even
    // with every public channel included; its history by date not even to be asked.
    let find = format!("/workspaces/{slug}/search?q=plans&all_public=true");
    row!(m, "search", [200, 200, 200, 200, 200, 404], |w| m
        .api(w, M::GET, &find, None)
        .await);
    row!(m, "search page", [200, 200, 200, 200, 200, 404], |w| m
        .page(
            w,
            &format!("/w/{slug}/search?q=plans&all_public=true&order=relevant")
        )
        .await);
    for (who, client) in people.iter().enumerate().take(5) {
        let query = ocomms_proto::search::SearchQuery {
            q: "plans".into(),
            all_public: true,
            ..Default::default()
        };
        let found = client.search_with(&slug, &query).await.unwrap();
        assert_eq!(
            found.messages.iter().any(|m| m.id == secret.id),
            who == 2 || who == 3,
            "{} finds the private channel's message",
            WHO[who]
        );
        assert_eq!(
            found.conversations.iter().any(|c| c.id == vault),
            who == 2 || who == 3
        );
    }
    row!(m, "private by date", [404, 404, 200, 200, 404, 404], |w| m
        .api(w, M::GET, &format!("{v}/messages?date=2026-01-01"), None)
        .await);
    row!(
        m,
        "private page by date",
        [404, 404, 303, 303, 404, 404],
        |w| m
            .page(w, &format!("/w/{slug}/c/{vault}?date=2026-01-01"))
            .await
    );

    // Pages answer the same.
    row!(m, "private page", [404, 404, 200, 200, 404, 404], |w| m
        .page(w, &format!("/w/{slug}/c/{vault}"))
        .await);
    row!(
        m,
        "private settings page",
        [404, 404, 200, 200, 404, 404],
        |w| m.page(w, &format!("/w/{slug}/c/{vault}/settings")).await
    );
    row!(m, "public page", [200, 200, 200, 404, 200, 404], |w| m
        .page(w, &format!("/w/{slug}/c/{town}"))
        .await);
    row!(m, "direct page", [404, 200, 200, 404, 404, 404], |w| m
        .page(w, &format!("/w/{slug}/c/{dm}"))
        .await);
    row!(m, "channel browser", [200, 200, 200, 200, 200, 404], |w| m
        .page(w, &format!("/w/{slug}/channels"))
        .await);
    row!(m, "archived browser", [200, 200, 200, 200, 200, 404], |w| m
        .page(w, &format!("/w/{slug}/channels?archived=1"))
        .await);
    row!(m, "people picker", [200, 200, 200, 200, 200, 404], |w| m
        .page(w, &format!("/w/{slug}/dms/new"))
        .await);
    row!(
        m,
        "join private by form",
        [404, 404, 303, 303, 404, 404],
        |w| m
            .post(
                w,
                &format!("/w/{slug}/c/{vault}/membership?_method=PUT"),
                &[]
            )
            .await
    );
    row!(
        m,
        "private topic by form",
        [404, 404, 303, 303, 404, 404],
        |w| m
            .post(
                w,
                &format!("/w/{slug}/c/{vault}/settings"),
                &[("topic", "form"), ("description", "")]
            )
            .await
    );
    row!(m, "create by form", [303, 303, 303, 403, 303, 404], |w| m
        .post(
            w,
            &format!("/w/{slug}/channels"),
            &[("name", &format!("form-{w}"))]
        )
        .await);
    row!(
        m,
        "archive public by form",
        [303, 303, 303, 404, 403, 404],
        |w| m
            .post(
                w,
                &format!("/w/{slug}/c/{town}/archive?_method=DELETE"),
                &[]
            )
            .await
    );

    // Last, the changes that alter membership, by the people allowed to make them.
    assert_eq!(
        m.api(2, M::PUT, &format!("{v}/members/{nina_id}"), None)
            .await,
        200
    );
    assert_eq!(
        m.api(4, M::GET, &v, None).await,
        200,
        "added: sees it at once"
    );
    assert_eq!(
        m.api(2, M::DELETE, &format!("{v}/members/{}", t.ids.guest), None)
            .await,
        204
    );
    assert_eq!(
        m.api(3, M::GET, &v, None).await,
        404,
        "removed: gone at once"
    );
    assert_eq!(
        m.api(0, M::DELETE, &format!("{p}/members/{nina_id}"), None)
            .await,
        204,
        "admins manage public channels"
    );
}
