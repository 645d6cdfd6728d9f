//! The web UI over plain HTTP: redirects, forms, CSRF, escaping, probes and the API document.

use ocomms_store::testing::TestDb;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use crate::support::{PASSWORD, TestServer};

ocomms_store::backend_tests!(
    first_run_in_the_browser_creates_an_account_and_a_workspace,
    forms_refuse_cross_site_posts_and_missing_csrf_tokens,
    the_message_form_takes_the_longest_message_in_any_script,
    probes_and_the_api_document_answer,
    readiness_fails_when_the_database_is_gone,
    members_and_guests_cannot_use_admin_pages,
    reactions_work_without_the_page_script,
    search_results_open_the_message_in_the_middle_of_its_conversation,
);

pub(super) fn browser() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

pub(super) fn location(r: &Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

fn session_cookie(r: &Response) -> String {
    let set = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

pub(super) fn csrf_in(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

pub(super) async fn page(http: &Client, url: &str, cookie: &str) -> (StatusCode, String) {
    let r = http.get(url).header("cookie", cookie).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn first_run_in_the_browser_creates_an_account_and_a_workspace(db: TestDb) {
    let s = TestServer::start(db).await;
    let http = browser();
    let url = s.url();
    let root = http.get(&url).send().await.unwrap();
    assert_eq!(
        (root.status(), location(&root)),
        (StatusCode::SEE_OTHER, "/setup".to_owned())
    );
    let (status, html) = page(&http, &format!("{url}/setup"), "").await;
    assert_eq!(status, 200);
    assert!(html.contains("<label for=\"email\">"), "labelled fields");

    let weak = [
        ("email", "ada@"),
        ("display_name", " "),
        ("password", "short"),
    ];
    let r = http
        .post(format!("{url}/setup"))
        .form(&weak)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for field in ["email", "display_name", "password"] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "every bad field is flagged at once: {field}"
        );
    }
    assert_eq!(html.matches("aria-invalid=\"true\"").count(), 3);
    assert!(html.contains("value=\"ada@\""), "typed values are kept");

    let evil_name = "<script>alert(1)</script>";
    let form = [
        ("email", "ada@example.com"),
        ("display_name", evil_name),
        ("password", PASSWORD),
    ];
    let r = http
        .post(format!("{url}/setup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status(), location(&r)),
        (StatusCode::SEE_OTHER, "/workspaces/new".to_owned())
    );
    let cookie = session_cookie(&r);

    let (status, html) = page(&http, &format!("{url}/workspaces/new"), &cookie).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains(evil_name) && html.contains("&#60;script&#62;")
            || html.contains("&lt;script&gt;"),
        "names are escaped"
    );
    let csrf = csrf_in(&html);
    let create = [("csrf", csrf.as_str()), ("name", "Acme Corp")];
    let r = http
        .post(format!("{url}/workspaces"))
        .header("cookie", &cookie)
        .form(&create)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status(), location(&r)),
        (StatusCode::SEE_OTHER, "/w/acme-corp".to_owned())
    );
    let (status, html) = page(&http, &format!("{url}/w/acme-corp"), &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("Acme Corp") && html.contains("Invite people"));
    let (status, html) = page(&http, &format!("{url}/w/acme-corp/members"), &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("member-name") && !html.contains(evil_name));
    for path in ["/profile", "/account", "/admin", "/w/acme-corp/invitations"] {
        assert_eq!(
            page(&http, &format!("{url}{path}"), &cookie).await.0,
            200,
            "{path}"
        );
    }
    let (status, html) = page(&http, &format!("{url}/w/not-mine"), &cookie).await;
    assert_eq!(status, 404);
    assert!(html.contains("Workspace was not found"));

    // Signed out, pages send people to sign in.
    let r = http.get(format!("{url}/w/acme-corp")).send().await.unwrap();
    assert_eq!(location(&r), "/signin");
    let r = http.get(format!("{url}/setup")).send().await.unwrap();
    assert_eq!(location(&r), "/signin", "setup happens once");
}

async fn forms_refuse_cross_site_posts_and_missing_csrf_tokens(db: TestDb) {
    let s = TestServer::start(db).await;
    s.sign_up("ada@example.com", "Ada").await;
    let http = browser();
    let url = s.url();
    let sign_in = [
        ("email", "ada@example.com"),
        ("password", PASSWORD),
        ("next", "/"),
    ];
    let r = http
        .post(format!("{url}/signin"))
        .header("origin", "https://evil.example")
        .form(&sign_in)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "login CSRF refused");
    let r = http
        .post(format!("{url}/signin"))
        .form(&sign_in)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&r);
    let r = http
        .post(format!("{url}/workspaces"))
        .header("cookie", &cookie)
        .form(&[("name", "No Token")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http
        .post(format!("{url}/workspaces"))
        .header("cookie", &cookie)
        .form(&[("name", "Wrong Token"), ("csrf", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The API with a cookie (not a bearer token) needs the CSRF header for changes.
    let r = http
        .post(format!("{url}/api/v1/workspaces"))
        .header("cookie", &cookie)
        .json(&serde_json::json!({"name": "Via Cookie"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        s.db.store
            .memberships_of(ocomms_proto::UserId(1))
            .await
            .unwrap()
            .is_empty(),
        "nothing was created"
    );
    let r = http
        .get(format!("{url}/signin?next=https://evil.example"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/", "no open redirect");
}

async fn probes_and_the_api_document_answer(db: TestDb) {
    let s = TestServer::start(db).await;
    let http = browser();
    let url = s.url();
    // The icon, linked from every page and at the address browsers try first.
    for icon in ["/favicon.ico", "/assets/icon.svg"] {
        let r = http.get(format!("{url}{icon}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{icon}");
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
    }
    assert_eq!(
        http.get(format!("{url}/healthz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let ready = http.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
    // The API document has its own test: api/contract.rs.
    let css = http
        .get(format!("{url}/assets/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let headers = http.get(format!("{url}/signin")).send().await.unwrap();
    assert!(
        headers.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
}

/// Readiness asks the database each time: once its connections are gone the node answers
/// 503 (out of the load balancer's rotation) while `/healthz` still says the process lives.
async fn readiness_fails_when_the_database_is_gone(db: TestDb) {
    let s = TestServer::start(db).await;
    let http = browser();
    let url = s.url();
    let ready = http.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    s.server.app.close().await;
    let gone = http.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: ocomms_proto::ErrorBody = gone.json().await.unwrap();
    assert_eq!(body.code, ocomms_proto::ErrorCode::Unavailable);
    let alive = http.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), StatusCode::OK);
}

/// Signs in through the form and returns the session cookie.
pub(super) async fn web_sign_in(http: &Client, url: &str, email: &str) -> String {
    let form = [("email", email), ("password", PASSWORD), ("next", "/")];
    let r = http
        .post(format!("{url}/signin"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign in {email}");
    session_cookie(&r)
}

async fn members_and_guests_cannot_use_admin_pages(db: TestDb) {
    use ocomms_proto::workspace::{CreateInvitation, Role};
    let s = TestServer::start(db).await;
    let owner = s.open_server().await;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    for (email, role) in [
        ("member@acme.test", Role::Member),
        ("guest@acme.test", Role::Guest),
    ] {
        let c = s.sign_up(email, "Someone").await;
        let invite = CreateInvitation {
            email: None,
            role: Some(role),
            max_uses: None,
            expires_in_hours: None,
        };
        c.accept_invitation(&owner.create_invitation(&slug, &invite).await.unwrap().token)
            .await
            .unwrap();
    }
    let owner_id = owner.me().await.unwrap().id;
    let http = browser();
    let url = s.url();
    for email in ["member@acme.test", "guest@acme.test"] {
        let cookie = web_sign_in(&http, &url, email).await;
        let (status, html) = page(&http, &format!("{url}/w/{slug}/members"), &cookie).await;
        assert_eq!(status, 200);
        assert!(
            !html.contains("_method=PATCH"),
            "no role controls for {email}"
        );
        assert!(
            !html.contains("Invite people"),
            "no invite entry for {email}"
        );
        let csrf = csrf_in(&html);
        assert_eq!(
            page(&http, &format!("{url}/w/{slug}/invitations"), &cookie)
                .await
                .0,
            403
        );
        assert_eq!(page(&http, &format!("{url}/admin"), &cookie).await.0, 404);
        let posts = [
            (
                format!("{url}/w/{slug}/members/{owner_id}?_method=PATCH"),
                vec![("csrf", csrf.clone()), ("role", "guest".to_owned())],
            ),
            (
                format!("{url}/w/{slug}/members/{owner_id}?_method=DELETE"),
                vec![("csrf", csrf.clone())],
            ),
            (
                format!("{url}/w/{slug}/invitations"),
                vec![("csrf", csrf.clone()), ("role", "admin".to_owned())],
            ),
            (
                format!("{url}/admin"),
                vec![("csrf", csrf.clone()), ("open_signup", "false".to_owned())],
            ),
        ];
        for (target, form) in posts {
            let r = http
                .post(&target)
                .header("cookie", &cookie)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::FORBIDDEN,
                "{email} posting to {target}"
            );
        }
    }
    // Nothing changed.
    let roles: Vec<Role> = owner
        .members(&slug)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(roles.len(), 3);
    assert!(
        roles.contains(&Role::Owner)
            && roles.contains(&Role::Member)
            && roles.contains(&Role::Guest)
    );
    assert!(owner.invitations(&slug).await.unwrap().len() == 2);
    assert!(s.client().instance().await.unwrap().open_signup);
}

/// Without the page script the composer posts a form; a 40,000-character message of 4-byte
/// characters (480 KB form-encoded) fits, as it does over the API.
async fn the_message_form_takes_the_longest_message_in_any_script(db: TestDb) {
    let s = TestServer::start(db).await;
    let owner = s.open_server().await;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    let general = owner.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let http = browser();
    let url = s.url();
    let cookie = web_sign_in(&http, &url, "admin@example.com").await;
    let (_, html) = page(&http, &format!("{url}/w/{slug}/c/{general}"), &cookie).await;
    let body = "😀".repeat(ocomms_proto::message::MAX_BODY_CHARS);
    let form = [("csrf", csrf_in(&html)), ("body", body.clone())];
    let posted = http
        .post(format!("{url}/w/{slug}/c/{general}/messages"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let history = owner.history(general, &Default::default()).await.unwrap();
    assert_eq!(history.messages.last().unwrap().body, body);
}

/// The server-rendered reaction forms: the quick picker adds, one's own chip takes it back.
async fn reactions_work_without_the_page_script(db: TestDb) {
    let s = TestServer::start(db).await;
    let owner = s.open_server().await;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    let general = owner.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let message = owner.post_message(general, "lunch?", None).await.unwrap();
    let http = browser();
    let url = s.url();
    let cookie = web_sign_in(&http, &url, "admin@example.com").await;
    let page_url = format!("{url}/w/{slug}/c/{general}");
    let (_, html) = page(&http, &page_url, &cookie).await;
    assert!(
        html.contains("aria-label=\"React with 👍\""),
        "the quick picker is there"
    );
    let csrf = csrf_in(&html);
    let reactions = format!("{page_url}/messages/{}/reactions", message.id);
    let added = http
        .post(&reactions)
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("emoji", "👍")])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&added),
        format!("/w/{slug}/c/{general}#m{}", message.id)
    );
    let (_, html) = page(&http, &page_url, &cookie).await;
    assert!(
        html.contains("<span class=\"visually-hidden\">: You reacted with 👍 (thumbs up)</span>"),
        "the chip says who reacted"
    );
    assert!(html.contains("aria-pressed=\"true\""));
    let removed = http
        .post(format!("{reactions}/%F0%9F%91%8D?_method=DELETE"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let history = owner.history(general, &Default::default()).await.unwrap();
    assert!(history.messages.last().unwrap().reactions.is_empty());
}

async fn search_results_open_the_message_in_the_middle_of_its_conversation(db: TestDb) {
    let s = TestServer::start(db).await;
    let owner = s.open_server().await;
    let slug = owner.create_workspace("Acme").await.unwrap().slug;
    let general = owner.channels(&slug, &Default::default()).await.unwrap()[0].id;
    let mut posted = Vec::new();
    for i in 0..120 {
        let body = if i == 10 {
            "the needle".to_owned()
        } else {
            format!("hay {i}")
        };
        posted.push(owner.post_message(general, &body, None).await.unwrap());
    }
    let needle = &posted[10];
    let http = browser();
    let url = s.url();
    let cookie = web_sign_in(&http, &url, "admin@example.com").await;

    let (status, html) = page(&http, &format!("{url}/w/{slug}/search?q=needle"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let link = format!("/w/{slug}/c/{general}?around={}#m{}", needle.seq, needle.id);
    assert!(
        html.contains(&link.replace('&', "&amp;")) || html.contains(&link),
        "{html}"
    );
    assert!(html.contains("<mark>needle</mark>"));

    // An older stretch: the message in the middle, still (no live timeline that would add new
    // messages after a gap), with the way back to the newest.
    let (_, html) = page(
        &http,
        &format!("{url}/w/{slug}/c/{general}?around={}", needle.seq),
        &cookie,
    )
    .await;
    assert!(html.contains(&format!("id=\"m{}\"", needle.id)));
    assert!(html.contains(&format!("id=\"m{}\"", posted[30].id)));
    assert!(!html.contains(&format!("id=\"m{}\"", posted[119].id)));
    assert!(html.contains("You are looking at older messages"));
    assert!(!html.contains("data-timeline"));
    // The newest page is live, as always.
    let (_, html) = page(&http, &format!("{url}/w/{slug}/c/{general}"), &cookie).await;
    assert!(html.contains("data-timeline") && !html.contains("older messages."));

    // Channels and people whose names match come before the messages.
    let (_, html) = page(&http, &format!("{url}/w/{slug}/search?q=gener"), &cookie).await;
    assert!(
        html.contains(&format!(
            "<a class=\"chip\" href=\"/w/{slug}/c/{general}\">#general</a>"
        )),
        "{html}"
    );
    let (_, html) = page(&http, &format!("{url}/w/{slug}/search?q=ada"), &cookie).await;
    assert!(
        html.contains("from%3A%40ada"),
        "a person's chip searches their messages: {html}"
    );

    // A query that cannot be read says why, with the box kept.
    let (status, html) = page(
        &http,
        &format!("{url}/w/{slug}/search?q=colour%3Ared"),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("colour: is not a search operator"), "{html}");
    assert!(html.contains("value=\"colour:red\""));

    // Most relevant first, paged on with the options kept.
    let (status, html) = page(
        &http,
        &format!("{url}/w/{slug}/search?q=hay&order=relevant&all_public=true"),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<option value=\"relevant\" selected>"),
        "{html}"
    );
    assert!(html.contains("name=\"all_public\" value=\"true\" checked"));
    assert_eq!(html.matches("<mark>hay</mark>").count(), 20);
    assert!(
        html.replace("&#38;", "&")
            .contains("search?q=hay&all_public=true&order=relevant&offset=20"),
        "{html}"
    );
    // Jumping to a date that has nothing since opens the newest messages.
    let jumped = http
        .get(format!("{url}/w/{slug}/c/{general}?date=2099-12-31"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&jumped), format!("/w/{slug}/c/{general}"));
    let (status, html) = page(
        &http,
        &format!("{url}/w/{slug}/c/{general}?date=someday"),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Write the date like 2026-01-31."), "{html}");
}
