//! The stylesheet and script, compiled into the binary: one file to deploy, no build step.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../assets/app.css");
/// The page scripts, by file name: `app.js` and its modules (layout, shortcuts, switcher) on
/// every page; `timeline.js` and the modules it imports on conversation pages.
const SCRIPTS: [(&str, &str); 16] = [
    ("app.js", include_str!("../../assets/app.js")),
    ("export.js", include_str!("../../assets/export.js")),
    ("layout.js", include_str!("../../assets/layout.js")),
    ("shortcuts.js", include_str!("../../assets/shortcuts.js")),
    ("switcher.js", include_str!("../../assets/switcher.js")),
    ("actions.js", include_str!("../../assets/actions.js")),
    ("unread.js", include_str!("../../assets/unread.js")),
    ("notify.js", include_str!("../../assets/notify.js")),
    ("timeline.js", include_str!("../../assets/timeline.js")),
    ("socket.js", include_str!("../../assets/socket.js")),
    ("live.js", include_str!("../../assets/live.js")),
    ("pane.js", include_str!("../../assets/pane.js")),
    ("messages.js", include_str!("../../assets/messages.js")),
    (
        "autocomplete.js",
        include_str!("../../assets/autocomplete.js"),
    ),
    ("threads.js", include_str!("../../assets/threads.js")),
    ("reactions.js", include_str!("../../assets/reactions.js")),
];
/// Assets change only with the binary; browsers revalidate hourly.
const CACHE: &str = "public, max-age=3600";

/// The app icon: every page links it; `/favicon.ico` answers with it too, for clients that
/// ask there without reading the page.
pub async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../assets/icon.svg"),
    )
}

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        CSS,
    )
}

/// The emoji a reaction may use, for the page script's picker:
/// `[{"e": "👍", "n": "thumbs up", "s": ["+1", "thumbsup"], "t": ["👍🏻", …]}, …]`, built
/// once from `ocomms_domain::reaction::catalogue`.
pub async fn emoji() -> impl IntoResponse {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let json = JSON.get_or_init(|| {
        let list: Vec<serde_json::Value> = ocomms_domain::reaction::catalogue()
            .map(|e| {
                let mut entry = serde_json::json!({ "e": e.emoji, "n": e.name, "s": e.shortcodes });
                if !e.tones.is_empty() {
                    entry["t"] = serde_json::json!(e.tones);
                }
                entry
            })
            .collect();
        serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_owned())
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, CACHE),
        ],
        json.as_str(),
    )
}

/// A page script by file name; 404 for any other name.
pub async fn script(Path(name): Path<String>) -> Response {
    match SCRIPTS.iter().find(|(file, _)| *file == name) {
        Some((_, source)) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, CACHE),
            ],
            *source,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
