//! Every page of a lived-in workspace, in light and dark, 1400 and 400 px wide: a screenshot
//! of each (target/e2e-screenshots/<backend>/gallery/) to look at, and axe-core run on each
//! with no serious or critical violation allowed. The quick switcher, the shortcut sheet,
//! the hover toolbar and the narrow-screen drawer are opened and checked the same way.

use std::path::Path;

use fantoccini::{Client, Locator};
use ocomms_proto::conversation::CreateChannel;

use super::{Driver, accessibility_problems, fill, open_browser_with, screenshot, sign_in};
use crate::support::{Team, TestServer};

/// `(file name, path)` of the pages, filled in once the workspace exists.
struct Pages(Vec<(&'static str, String)>);

async fn lived_in(team: &Team) -> Pages {
    let slug = &team.slug;
    let design = team
        .member
        .create_channel(
            slug,
            &CreateChannel {
                name: "design".into(),
                private: false,
                topic: Some("Mock-ups, reviews and the style guide — Fridays at 10".into()),
                description: Some("Where the look of things is decided.".into()),
                members: vec![team.ids.admin, team.ids.owner],
            },
        )
        .await
        .expect("channel");
    let bodies = [
        "Morning all! The **new header** is up for review.",
        "Looks good. Two things:\n- the topic should truncate\n- buttons, not links",
        "```rust\nfn main() {\n    println!(\"hello, OComms\");\n}\n```",
        "مرحبا بالجميع، هذا نص عربي للتجربة.",
        "日本語のテキストも表示されます。🎉",
        "Link to the guide: https://example.com/style",
    ];
    let mut first = None;
    for (i, body) in bodies.iter().enumerate() {
        let author = if i % 2 == 0 {
            &team.member
        } else {
            &team.admin
        };
        let posted = author
            .post_message(design.id, body, None)
            .await
            .expect("post");
        first.get_or_insert(posted.id);
    }
    let root = first.expect("a message");
    team.admin
        .reply(design.id, root, "I'll take the header.", false)
        .await
        .expect("reply");
    team.admin.react(root, "👍").await.expect("react");
    team.member.set_pinned(root, true).await.expect("pin");
    let dm = team
        .member
        .open_direct(slug, &[team.ids.admin])
        .await
        .expect("dm");
    team.member
        .post_message(dm.id, "Lunch at noon?", None)
        .await
        .expect("dm message");
    // Something for Max's Activity, and a highlighted mention in the channel.
    team.admin
        .post_message(
            design.id,
            "@max.member can you check the header? @channel review at 3",
            None,
        )
        .await
        .expect("mention");
    let c = format!("/w/{slug}/c/{}", design.id);
    Pages(vec![
        ("home", format!("/w/{slug}")),
        ("channel", c.clone()),
        ("thread", format!("{c}/t/{root}")),
        ("pins", format!("{c}/pins")),
        ("settings", format!("{c}/settings")),
        ("dm", format!("/w/{slug}/c/{}", dm.id)),
        ("threads", format!("/w/{slug}/threads")),
        ("activity", format!("/w/{slug}/activity")),
        ("notifications", format!("/w/{slug}/notifications")),
        ("channels", format!("/w/{slug}/channels")),
        ("new-channel", format!("/w/{slug}/channels/new")),
        ("new-dm", format!("/w/{slug}/dms/new")),
        ("members", format!("/w/{slug}/members")),
        ("profile", "/profile".to_owned()),
        ("account", "/account".to_owned()),
    ])
}

const WIDTHS: [(u32, u32); 2] = [(1400, 900), (400, 820)];

pub async fn gallery(s: &TestServer, driver: &Driver, shots: &Path) {
    let team = s.team().await;
    let pages = lived_in(&team).await;
    let url = s.url();
    let dir = shots.join("gallery");
    std::fs::create_dir_all(&dir).expect("gallery folder");
    let profiles = tempfile::tempdir().expect("profiles");
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        let extra: &[&str] = if scheme == "dark" {
            &["--force-dark-mode"]
        } else {
            &[]
        };
        let browser = open_browser_with(driver, &profiles.path().join(scheme), extra).await;
        for (width, height) in WIDTHS {
            browser
                .set_window_size(width, height)
                .await
                .expect("window size");
            // The pages for people who are not signed in.
            for (page, path) in [
                ("signin", "/signin"),
                ("unsubscribe", "/email/unsubscribe?token=gallery"),
            ] {
                browser
                    .goto(&format!("{url}{path}"))
                    .await
                    .expect("signed-out page");
                look(
                    &browser,
                    &dir,
                    &format!("{scheme}-{width}-{page}"),
                    &mut problems,
                )
                .await;
            }
        }
        sign_in(&browser, &url, "member@acme.test").await;
        for (width, height) in WIDTHS {
            browser
                .set_window_size(width, height)
                .await
                .expect("window size");
            let name = |page: &str| format!("{scheme}-{width}-{page}");
            for (page, path) in &pages.0 {
                browser
                    .goto(&format!("{url}{path}"))
                    .await
                    .expect("open page");
                look(&browser, &dir, &name(page), &mut problems).await;
            }
            overlays(&browser, &url, &pages, &dir, &name, &mut problems).await;
        }
        browser.close().await.expect("close browser");
    }
    assert!(
        problems.is_empty(),
        "accessibility problems (axe-core, serious or critical):\n{}",
        problems.join("\n")
    );
}

/// The parts that open over a page: the toolbar of a hovered message, the quick switcher,
/// the `?` sheet, and (narrow) the drawer.
async fn overlays(
    browser: &Client,
    url: &str,
    pages: &Pages,
    dir: &Path,
    name: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
) {
    let channel = &pages.0[1].1;
    browser
        .goto(&format!("{url}{channel}"))
        .await
        .expect("channel");
    let message = browser
        .wait()
        .for_element(Locator::Css("#messages .message:not(.mine)"))
        .await
        .expect("a message");
    // Focus shows the toolbar like hover does (and is what keyboard users get).
    browser
        .execute(
            "document.querySelector('#messages .message:not(.mine)').focus()",
            vec![],
        )
        .await
        .expect("focus a message");
    assert!(
        message
            .find(Locator::Css(".message-toolbar .react-add"))
            .await
            .expect("toolbar")
            .is_displayed()
            .await
            .expect("displayed"),
        "a focused message shows its toolbar"
    );
    look(browser, dir, &name("toolbar"), problems).await;
    // ↓ moves to the next message, Esc goes back to the composer.
    let before = focused_id(browser).await;
    message.send_keys("\u{E015}").await.expect("arrow down");
    let after = focused_id(browser).await;
    assert!(
        after.starts_with('m') && after != before,
        "↓ focuses the next message ({before} → {after})"
    );
    browser
        .active_element()
        .await
        .expect("focused")
        .send_keys("\u{E00C}")
        .await
        .expect("escape");
    assert_eq!(
        focused_id(browser).await,
        "composer-body",
        "Esc: back to the composer"
    );

    // The 🔔 menu, and the composer's list of people to mention.
    browser
        .execute(
            "document.querySelector('details.notify-menu').open = true",
            vec![],
        )
        .await
        .expect("open the notifications menu");
    look(browser, dir, &name("notify-menu"), problems).await;
    browser
        .execute(
            "document.querySelector('details.notify-menu').open = false",
            vec![],
        )
        .await
        .expect("close the notifications menu");
    browser
        .find(Locator::Css("#composer-body"))
        .await
        .expect("composer")
        .send_keys("@a")
        .await
        .expect("type @a");
    browser
        .wait()
        .for_element(Locator::Css(
            ".suggestions [role=option][aria-selected=true]",
        ))
        .await
        .expect("the mention list");
    look(browser, dir, &name("mention-list"), problems).await;
    browser
        .execute(
            "const i = document.querySelector('#composer-body'); i.value = ''; \
             i.dispatchEvent(new Event('input'));",
            vec![],
        )
        .await
        .expect("empty the composer");

    browser
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'k', ctrlKey: true, bubbles: true}))",
            vec![],
        )
        .await
        .expect("ctrl+k");
    browser
        .wait()
        .for_element(Locator::Css("dialog.switcher[open] input"))
        .await
        .expect("the quick switcher");
    fill(browser, "dialog.switcher input", "gener").await;
    browser
        .wait()
        .for_element(Locator::XPath(
            "//li[@role='option'][@aria-selected='true'][contains(., 'general')]",
        ))
        .await
        .expect("#general comes first");
    look(browser, dir, &name("switcher"), problems).await;
    browser
        .find(Locator::Css("dialog.switcher input"))
        .await
        .expect("switcher input")
        .send_keys("\u{E007}")
        .await
        .expect("enter");
    wait_for_title(browser, "#general").await;
    browser
        .goto(&format!("{url}{channel}"))
        .await
        .expect("channel");

    browser
        .execute(
            "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '?', bubbles: true}))",
            vec![],
        )
        .await
        .expect("?");
    browser
        .wait()
        .for_element(Locator::Css("dialog.shortcuts-sheet[open]"))
        .await
        .expect("the shortcut sheet");
    look(browser, dir, &name("shortcuts"), problems).await;
    browser
        .execute(
            "document.querySelector('dialog.shortcuts-sheet').close()",
            vec![],
        )
        .await
        .expect("close the sheet");

    let toggle = browser
        .find(Locator::Css(".drawer-toggle"))
        .await
        .expect("drawer toggle");
    if toggle.is_displayed().await.expect("displayed") {
        toggle.click().await.expect("open the drawer");
        browser
            .wait()
            .for_element(Locator::Css("body.drawer-open"))
            .await
            .expect("the drawer opens");
        look(browser, dir, &name("drawer"), problems).await;
        browser
            .execute("document.querySelector('.drawer-close').click()", vec![])
            .await
            .expect("close the drawer");
        let composer = browser
            .find(Locator::Css("#composer-body"))
            .await
            .expect("composer");
        assert!(
            composer.is_displayed().await.expect("displayed"),
            "the composer is in view at 400 px"
        );
    }

    // Alt+↓: the next conversation of the sidebar (#design → #general).
    browser
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', altKey: true, bubbles: true}))",
            vec![],
        )
        .await
        .expect("alt+down");
    wait_for_title(browser, "#general").await;
}

async fn wait_for_title(browser: &Client, start: &str) {
    for _ in 0..50 {
        if browser.title().await.expect("title").starts_with(start) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("expected the page of {start}");
}

async fn focused_id(browser: &Client) -> String {
    browser
        .execute("return document.activeElement.id", vec![])
        .await
        .expect("focused element")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A screenshot, and axe-core's serious and critical findings added to `problems`.
async fn look(browser: &Client, dir: &Path, name: &str, problems: &mut Vec<String>) {
    // Fonts and the page script settle (times are localised, toolbars drawn).
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    screenshot(browser, dir, name).await;
    problems.extend(
        accessibility_problems(browser)
            .await
            .into_iter()
            .map(|p| format!("{name}: {p}")),
    );
}
