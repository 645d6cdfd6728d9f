//! Journeys in a real headless Chromium, one browser per person. The first day: sign up →
//! confirm email → create a workspace → invite by link → the second person joins → both see
//! each other in the member list. Channels: a private channel is created and someone added;
//! they see it, an admin outside it does not; then a direct message. Screenshots land in
//! target/e2e-screenshots/.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver (`.ci/run` installs them). Without them
//! the journey is skipped, unless OCOMMS_TEST_REQUIRE_BROWSER=1 (CI), which fails instead.

#![allow(clippy::unwrap_used)]

#[path = "browser_journey/gallery.rs"]
mod gallery;
#[path = "browser_journey/mentions.rs"]
mod mentions;
#[path = "browser_journey/search.rs"]
mod search;
mod support;
#[path = "browser_journey/threads.rs"]
mod threads;
#[path = "browser_journey/unread.rs"]
mod unread;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use ocomms_store::testing::TestDb;

use support::{PASSWORD, TestServer, link_in};

ocomms_store::backend_tests!(
    browser_journey,
    channels_browser_journey,
    live_chat_browser_journey,
    page_gallery,
);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(
            std::env::var("OCOMMS_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "OCOMMS_TEST_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing"
        );
        ocomms_store::testing::say_skipped(
            "the browser journey did not run: install chromium and chromium-driver",
        );
    }
    present
}

/// A chromedriver process on a free port, killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    // Waited for in `Driver::drop`, or right below if it never starts.
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Driver { child, url };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chromedriver did not start");
}

/// A headless browser with its own fresh profile (one person).
async fn open_browser(driver: &Driver, profile: &Path) -> Client {
    open_browser_with(driver, profile, &[]).await
}

/// The same with more Chromium switches (`--force-dark-mode`: the dark colour scheme).
async fn open_browser_with(driver: &Driver, profile: &Path, extra: &[&str]) -> Client {
    open_browser_with_prefs(driver, profile, extra, serde_json::json!({})).await
}

/// A browser whose person already allowed this site's desktop notifications (as if they had
/// answered the browser's question), so `Notification` shows them for real.
async fn open_browser_allowing_notifications(driver: &Driver, profile: &Path) -> Client {
    let prefs = serde_json::json!({ "profile.default_content_setting_values.notifications": 1 });
    open_browser_with_prefs(driver, profile, &[], prefs).await
}

async fn open_browser_with_prefs(
    driver: &Driver,
    profile: &Path,
    extra: &[&str],
    prefs: serde_json::Value,
) -> Client {
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--window-size=1280,860".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let caps = serde_json::json!({
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args, "prefs": prefs }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("open a browser session")
}

async fn fill(browser: &Client, css: &str, text: &str) {
    let field = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.ok();
    field.send_keys(text).await.expect("type");
}

async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

/// Waits until the browser's path starts with `prefix`; returns the full URL.
async fn wait_for_path(browser: &Client, prefix: &str) -> String {
    for _ in 0..100 {
        if let Ok(url) = browser.current_url().await
            && url.path().starts_with(prefix)
        {
            return url.to_string();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let now = browser
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    panic!("expected a page under {prefix}, still at {now}");
}

async fn screenshot(browser: &Client, dir: &Path, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("save screenshot");
}

/// axe-core's source, from `OCOMMS_AXE_JS` or `scripts/web-audit/node_modules` (`.ci/run`
/// installs it there with npm). Without it the checks are skipped, unless the browser is
/// required (CI).
fn axe_source() -> Option<&'static str> {
    static SOURCE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = std::env::var("OCOMMS_AXE_JS")
                .map(PathBuf::from)
                .unwrap_or_else(|_| {
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../../scripts/web-audit/node_modules/axe-core/axe.min.js")
                });
            let source = std::fs::read_to_string(&path).ok();
            if source.is_none() {
                assert!(
                    std::env::var("OCOMMS_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
                    "OCOMMS_TEST_REQUIRE_BROWSER=1 but axe-core is missing at {}: run \
                     `npm ci --omit=dev --prefix scripts/web-audit`",
                    path.display()
                );
                ocomms_store::testing::say_skipped(
                    "accessibility checks did not run: axe-core is not installed",
                );
            }
            source
        })
        .as_deref()
}

/// axe-core's serious and critical findings on the current page (WCAG 2.1 A and AA rules),
/// one line each: rule, what it asks, and where.
async fn accessibility_problems(browser: &Client) -> Vec<String> {
    let Some(axe) = axe_source() else {
        return Vec::new();
    };
    // Injected as the body of a WebDriver script, which the page's CSP does not apply to.
    browser
        .execute(&format!("{axe}\n;return true;"), vec![])
        .await
        .expect("inject axe-core");
    let found = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
              .then((r) => done(r.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")}`)))
              .catch((e) => done([`axe failed: ${e}`]));"#,
            vec![],
        )
        .await
        .expect("run axe-core");
    found
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn member_names(browser: &Client) -> Vec<String> {
    let mut names = Vec::new();
    for el in browser
        .find_all(Locator::Css(".member-name"))
        .await
        .expect("member names")
    {
        names.push(el.text().await.expect("name text"));
    }
    names.sort();
    names
}

fn screenshot_dir(db: &TestDb) -> PathBuf {
    let backend = if db.url.starts_with("sqlite") {
        "sqlite"
    } else {
        "postgres"
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/e2e-screenshots")
        .join(backend);
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Signs up through the form on the current page and confirms the emailed link.
/// Fills the sign-up form and opens the emailed confirmation link. The first account is
/// signed in at once; later ones are told to check their email.
async fn sign_up_and_verify(s: &TestServer, browser: &Client, email: &str, name: &str) {
    let first = s.sink().messages().is_empty();
    fill(browser, "#email", email).await;
    fill(browser, "#display_name", name).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form button.primary").await;
    if first {
        wait_for_path(browser, "/verify/pending").await;
    } else {
        let heading = browser
            .wait()
            .for_element(Locator::XPath("//h1[text()='Check your email']"))
            .await;
        assert!(heading.is_ok(), "told to check the inbox");
    }
    let mail = s.sink().wait_for(email, "/verify?token=").await;
    browser
        .goto(&link_in(&mail, "/verify?token="))
        .await
        .expect("open link");
    click(browser, "form[action='/verify'] button").await;
}

async fn browser_journey(db: TestDb) {
    if !browser_available() {
        return;
    }
    let shots = screenshot_dir(&db);
    let s = TestServer::with_smtp(db).await;
    let driver = start_driver().await;
    let profiles = tempfile::tempdir().expect("profiles");
    let ada = open_browser(&driver, &profiles.path().join("ada")).await;
    let bob = open_browser(&driver, &profiles.path().join("bob")).await;
    let url = s.url();

    // Ada opens a fresh server: first-run setup, then the emailed confirmation.
    ada.goto(&url).await.expect("open server");
    wait_for_path(&ada, "/setup").await;
    screenshot(&ada, &shots, "01-setup").await;
    sign_up_and_verify(&s, &ada, "ada@example.com", "Ada Lovelace").await;
    wait_for_path(&ada, "/workspaces/new").await;

    fill(&ada, "#name", "Acme Corp").await;
    click(&ada, "form[action='/workspaces'] button.primary").await;
    wait_for_path(&ada, "/w/acme-corp").await;
    screenshot(&ada, &shots, "02-workspace").await;

    // Ada makes a shareable invitation link.
    click(&ada, "a[href='/w/acme-corp/invitations']").await;
    wait_for_path(&ada, "/w/acme-corp/invitations").await;
    click(
        &ada,
        "form[action='/w/acme-corp/invitations'] button.primary",
    )
    .await;
    let link_field = ada
        .wait()
        .for_element(Locator::Css("#invite-link"))
        .await
        .expect("link shown");
    let invite = link_field
        .prop("value")
        .await
        .expect("value")
        .expect("a link");
    assert!(invite.starts_with(&format!("{url}/invite/")), "{invite}");
    screenshot(&ada, &shots, "03-invitation").await;

    // Bob follows the link in his own browser, signs up and confirms his address.
    bob.goto(&invite).await.expect("open invitation");
    let heading = bob
        .find(Locator::Css("h1"))
        .await
        .expect("heading")
        .text()
        .await
        .expect("text");
    assert_eq!(heading, "Join Acme Corp");
    // One click: the link opens the sign-up form itself, with the invitation on it.
    let note = bob
        .find(Locator::Css(".invitation-note"))
        .await
        .expect("the invitation is shown on the form")
        .text()
        .await
        .expect("text");
    assert!(note.contains("invited you to join Acme Corp"), "{note}");
    screenshot(&bob, &shots, "04-invitation-sign-up").await;
    // Bob is not the first account: he is told to check his email (the same page a taken
    // address gets), confirms, then signs in and is in Acme.
    sign_up_and_verify(&s, &bob, "bob@example.com", "Bob Builder").await;
    wait_for_path(&bob, "/signin").await;
    sign_in(&bob, &url, "bob@example.com").await;
    wait_for_path(&bob, "/w/acme-corp").await;

    // Both see both in the member list.
    bob.goto(&format!("{url}/w/acme-corp/members"))
        .await
        .expect("members");
    assert_eq!(
        member_names(&bob).await,
        vec!["Ada Lovelace", "Bob Builder"]
    );
    screenshot(&bob, &shots, "05-members-bob").await;
    ada.goto(&format!("{url}/w/acme-corp/members"))
        .await
        .expect("members");
    assert_eq!(
        member_names(&ada).await,
        vec!["Ada Lovelace", "Bob Builder"]
    );
    screenshot(&ada, &shots, "06-members-ada").await;

    ada.close().await.ok();
    bob.close().await.ok();
}

async fn sign_in(browser: &Client, url: &str, email: &str) {
    browser
        .goto(&format!("{url}/signin"))
        .await
        .expect("sign-in page");
    fill(browser, "#email", email).await;
    fill(browser, "#password", PASSWORD).await;
    click(browser, "form[action='/signin'] button.primary").await;
    wait_for_path(browser, "/w/").await;
}

/// The visible text of every element matching `css`, read in one script: the page re-renders
/// parts of itself live (presence, new channels), so element handles found first can go
/// stale before their text is read.
async fn texts(browser: &Client, css: &str) -> Vec<String> {
    let script = "return Array.from(document.querySelectorAll(arguments[0])) \
                  .map(e => e.innerText.trim());";
    let value = browser
        .execute(script, vec![serde_json::json!(css)])
        .await
        .expect("texts");
    serde_json::from_value(value).expect("a list of texts")
}

async fn channels_browser_journey(db: TestDb) {
    if !browser_available() {
        return;
    }
    let shots = screenshot_dir(&db);
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let url = s.url();
    let slug = t.slug.clone();
    let driver = start_driver().await;
    let profiles = tempfile::tempdir().expect("profiles");
    let max = open_browser(&driver, &profiles.path().join("max")).await;
    let gus = open_browser(&driver, &profiles.path().join("gus")).await;
    let ann = open_browser(&driver, &profiles.path().join("ann")).await;

    // Max creates a private channel and adds Gus.
    sign_in(&max, &url, "member@acme.test").await;
    click(&max, &format!("a[href='/w/{slug}/channels/new']")).await;
    wait_for_path(&max, &format!("/w/{slug}/channels/new")).await;
    fill(&max, "#name", "Secret Plans").await;
    fill(&max, "#topic", "What we are not telling anyone yet").await;
    click(&max, "input[name='private']").await;
    click(
        &max,
        &format!("form[action='/w/{slug}/channels'] button.primary"),
    )
    .await;
    let channel_url = wait_for_path(&max, &format!("/w/{slug}/c/")).await;
    assert!(texts(&max, "h1.conv-title").await[0].ends_with("secret-plans"));
    max.find(Locator::Css("#add-user"))
        .await
        .expect("member picker")
        .select_by_value(&t.ids.guest.to_string())
        .await
        .expect("choose Gus");
    click(&max, "form.add-member button").await;
    for _ in 0..50 {
        if texts(&max, ".member-list .member-name").await.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        texts(&max, ".member-list .member-name").await,
        vec!["Gus Guest", "Max Member"]
    );
    screenshot(&max, &shots, "11-private-channel").await;

    // Gus sees it in his sidebar and opens it.
    sign_in(&gus, &url, "guest@acme.test").await;
    gus.goto(&format!("{url}/w/{slug}"))
        .await
        .expect("workspace");
    let sidebar = texts(&gus, ".conversation-link").await;
    assert!(
        sidebar.iter().any(|l| l.ends_with("secret-plans")),
        "{sidebar:?}"
    );
    click(&gus, ".conversation-link").await;
    wait_for_path(&gus, &format!("/w/{slug}/c/")).await;
    assert_eq!(
        texts(&gus, ".conv-topic").await,
        vec!["What we are not telling anyone yet"]
    );
    screenshot(&gus, &shots, "12-guest-sees-channel").await;

    // Ann, a workspace admin outside the channel, cannot find it anywhere.
    sign_in(&ann, &url, "admin@acme.test").await;
    ann.goto(&format!("{url}/w/{slug}"))
        .await
        .expect("workspace");
    let sidebar = texts(&ann, ".conversation-link").await;
    assert!(!sidebar.iter().any(|l| l.contains("secret")), "{sidebar:?}");
    ann.goto(&format!("{url}/w/{slug}/channels?q=secret"))
        .await
        .expect("browser");
    assert!(texts(&ann, ".channel-list li").await.is_empty());
    screenshot(&ann, &shots, "13-admin-searches").await;
    ann.goto(&channel_url).await.expect("direct link");
    assert_eq!(texts(&ann, "h1").await, vec!["Not Found"]);

    // Sharing a channel now, Gus can message Max directly.
    gus.goto(&format!("{url}/w/{slug}/dms/new"))
        .await
        .expect("picker");
    click(
        &gus,
        &format!("input[name='user_ids'][value='{}']", t.ids.member),
    )
    .await;
    click(
        &gus,
        &format!("form[action='/w/{slug}/dms'] button.primary"),
    )
    .await;
    wait_for_path(&gus, &format!("/w/{slug}/c/")).await;
    assert!(texts(&gus, "h1.conv-title").await[0].contains("Max Member"));
    screenshot(&gus, &shots, "14-direct-message").await;

    for browser in [max, gus, ann] {
        browser.close().await.ok();
    }
}

/// Waits until `css` matches an element whose text contains `needle`.
async fn wait_for_text(browser: &Client, css: &str, needle: &str) -> String {
    for _ in 0..100 {
        for text in texts(browser, css).await {
            if text.contains(needle) {
                return text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let png = browser.screenshot().await.unwrap_or_default();
    let _ = std::fs::write(std::env::temp_dir().join("ocomms-failed-wait.png"), png);
    let source = browser.source().await.unwrap_or_default();
    panic!(
        "no {css} containing {needle:?}; have {:?}\n{}",
        texts(browser, css).await,
        &source[source.len().saturating_sub(3000)..]
    );
}

async fn type_and_send(browser: &Client, text: &str) {
    let composer = browser
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer");
    composer.send_keys(text).await.expect("type");
    composer.send_keys("\u{E007}").await.expect("press Enter");
}

async fn live_chat_browser_journey(db: TestDb) {
    if !browser_available() {
        return;
    }
    let shots = screenshot_dir(&db);
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let url = s.url();
    let slug = t.slug.clone();
    let town = t
        .member
        .create_channel(
            &slug,
            &ocomms_proto::conversation::CreateChannel {
                name: "town".into(),
                private: false,
                topic: Some("Live chat".into()),
                description: None,
                members: vec![t.ids.admin],
            },
        )
        .await
        .expect("channel")
        .id;
    let driver = start_driver().await;
    let profiles = tempfile::tempdir().expect("profiles");
    let max = open_browser(&driver, &profiles.path().join("max")).await;
    let ann = open_browser(&driver, &profiles.path().join("ann")).await;
    let channel = format!("{url}/w/{slug}/c/{town}");
    sign_in(&max, &url, "member@acme.test").await;
    sign_in(&ann, &url, "admin@acme.test").await;
    max.goto(&channel).await.expect("open channel");
    ann.goto(&channel).await.expect("open channel");
    // Both pages are live once their sockets are ready; give them a moment to connect.
    tokio::time::sleep(Duration::from_millis(700)).await;

    // Both are connected: each sees the other online in the members panel.
    let dot = format!(".member-list [data-presence='{}']", t.ids.member);
    let mut online = false;
    for _ in 0..50 {
        if let Ok(el) = ann.find(Locator::Css(&dot)).await
            && el
                .attr("class")
                .await
                .ok()
                .flatten()
                .is_some_and(|c| c.contains("presence-online"))
        {
            online = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(online, "Max shows as online to Ann");

    // Enter in an empty composer does nothing (no "fill out this field" bubble, no post).
    let empty = max
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer");
    empty.send_keys("\u{E007}").await.expect("press Enter");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let posted = max
        .execute(
            "return document.querySelectorAll('#messages .message').length",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(posted.as_u64(), Some(0), "nothing was posted");

    // Max sends with Enter; Ann sees it without reloading.
    type_and_send(&max, "Hello **Ann**, the _plan_ is ready").await;
    let seen = wait_for_text(&ann, ".message .message-body", "the plan is ready").await;
    assert!(seen.contains("Hello Ann"), "{seen}");
    let bold = ann
        .find(Locator::Css(".message .message-body strong"))
        .await
        .expect("rendered Markdown");
    assert_eq!(bold.text().await.expect("text"), "Ann");

    // Ann types: Max sees who is typing.
    let composer = ann
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer");
    composer.send_keys("Great").await.expect("type");
    wait_for_text(&max, "#typing", "Ann Admin is typing").await;
    screenshot(&max, &shots, "21-typing").await;
    composer.send_keys("\u{E007}").await.expect("send");
    wait_for_text(&max, ".message .message-body", "Great").await;

    // Max edits his last message with the Up arrow.
    let max_composer = max
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer");
    max_composer.send_keys("\u{E013}").await.expect("press Up");
    let editing = max_composer
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(editing, "Hello **Ann**, the _plan_ is ready");
    max_composer.clear().await.expect("clear");
    max_composer
        .send_keys("Hello **Ann**, the plan is final")
        .await
        .expect("type");
    max_composer.send_keys("\u{E007}").await.expect("save");
    wait_for_text(&ann, ".message .message-body", "the plan is final").await;
    wait_for_text(&ann, ".message .edited", "(edited)").await;
    screenshot(&ann, &shots, "22-live-messages").await;

    // Ann reacts with the picker (search by name, Enter picks the first); Max sees it live,
    // labelled with who reacted.
    ann.execute(
        "document.querySelector('.message:not(.mine) .react-add').click()",
        vec![],
    )
    .await
    .expect("open the picker");
    let search = ann
        .find(Locator::Css(".emoji-picker input[type=search]"))
        .await
        .expect("picker search");
    search.send_keys("party").await.expect("type");
    wait_for_text(&ann, ".emoji-grid button", "🎉").await;
    screenshot(&ann, &shots, "24-emoji-picker").await;
    search.send_keys("\u{E007}").await.expect("pick");
    let chip = wait_for_text(&max, ".message .reaction", "🎉").await;
    assert!(chip.contains('1'), "{chip}");
    // The emoji's name joins the label once the emoji list has loaded (the first reaction on
    // the page fetches it).
    let mut label = String::new();
    for _ in 0..50 {
        // Read in one step: the chips are redrawn when the names arrive, so an element
        // found first may be gone by the time its title is asked for.
        label = max
            .execute(
                "return document.querySelector('.message .reaction')?.title || ''",
                vec![],
            )
            .await
            .expect("label")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if label.contains('(') {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(label, "Ann Admin reacted with 🎉 (party popper)");
    let spoken = texts(&max, ".message .reaction .visually-hidden").await;
    assert!(
        spoken
            .iter()
            .any(|t| t.contains("Ann Admin reacted with 🎉")),
        "screen readers hear who reacted: {spoken:?}"
    );
    screenshot(&max, &shots, "25-reaction").await;

    threads::thread_steps(&max, &ann, &shots, &url, &slug).await;
    max.goto(&channel).await.expect("back to the channel");
    ann.goto(&channel).await.expect("back to the channel");
    // Give the new pages a moment to connect before the next live step.
    tokio::time::sleep(Duration::from_millis(700)).await;
    threads::pin_steps(&max, &ann, &shots).await;
    // Ann ends back on #town, connected. A second browser of hers follows along.
    let ann_again =
        open_browser_allowing_notifications(&driver, &profiles.path().join("ann-2")).await;
    sign_in(&ann_again, &url, "admin@acme.test").await;
    unread::unread_steps(&ann, &ann_again, &t, &shots, &url, town).await;
    mentions::mention_steps(&ann, &ann_again, &t, &shots, &url, town).await;
    ann_again.close().await.ok();
    tokio::time::sleep(Duration::from_millis(700)).await;
    max.goto(&channel).await.expect("back to the channel");
    tokio::time::sleep(Duration::from_millis(700)).await;

    // Max deletes it (through the API, as the hover button would); Ann sees the tombstone.
    let mine = t
        .member
        .history(town, &Default::default())
        .await
        .expect("history")
        .messages[0]
        .id;
    t.member.delete_message(mine).await.expect("delete");
    wait_for_text(&ann, ".message .tombstone", "This message was deleted.").await;
    screenshot(&ann, &shots, "23-deleted").await;

    // A code block arrives with a Copy button.
    t.admin
        .post_message(town, "Run:\n\n```\ncargo run --release -- serve\n```", None)
        .await
        .expect("code");
    wait_for_text(&max, "#messages .message-body pre", "cargo run --release").await;
    wait_for_text(&max, "#messages .message-body pre .copy-code", "Copy").await;

    // A long message arrives whole: its event (about 20 KB) is one frame (ADR 0028).
    let long = format!("{}the end of a long one", "Déjà vu 🎉 ".repeat(400));
    t.admin
        .post_message(town, &long, None)
        .await
        .expect("long message");
    let shown = wait_for_text(&max, "#messages .message-body", "the end of a long one").await;
    assert_eq!(shown.trim(), long.trim(), "the whole text, every character");

    // Near the limit the composer counts down; past it, nothing is sent.
    max.execute(
        "const i = document.querySelector('#composer-body'); i.value = 'a'.repeat(40001); \
         i.dispatchEvent(new Event('input'));",
        vec![],
    )
    .await
    .expect("fill the composer");
    wait_for_text(&max, ".char-count", "1 characters too long").await;
    max.execute(
        "const i = document.querySelector('#composer-body'); i.value = ''; \
         i.dispatchEvent(new Event('input'));",
        vec![],
    )
    .await
    .expect("empty the composer");
    // A message the server refuses (the channel was archived meanwhile) stays folded, with
    // Retry, Edit and Discard; Edit puts it back in the composer.
    let archive = ocomms_proto::conversation::ConversationUpdate {
        archived: Some(true),
        ..Default::default()
    };
    t.member
        .update_conversation(town, &archive)
        .await
        .expect("archive");
    type_and_send(&max, "one more thing").await;
    let failure = wait_for_text(&max, ".message.failed .send-failure", "Not sent").await;
    assert!(
        failure.contains("Retry") && failure.contains("Discard"),
        "{failure}"
    );
    screenshot(&max, &shots, "29-not-sent").await;
    max.execute(
        "[...document.querySelectorAll('.send-failure button')].find(b => b.textContent === 'Edit').click()",
        vec![],
    )
    .await
    .expect("edit");
    let back = max
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(back, "one more thing");
    assert!(texts(&max, ".message.failed").await.is_empty());

    search::search_steps(&ann, &t, &shots, &url).await;

    for browser in [max, ann] {
        browser.close().await.ok();
    }
}

async fn page_gallery(db: TestDb) {
    if !browser_available() {
        return;
    }
    let shots = screenshot_dir(&db);
    let s = TestServer::start(db).await;
    let driver = start_driver().await;
    gallery::gallery(&s, &driver, &shots).await;
}
