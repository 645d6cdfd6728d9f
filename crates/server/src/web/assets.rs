//! The stylesheet and script, compiled into the binary: one file to deploy, no build step.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");
const TIMELINE_JS: &str = include_str!("../../assets/timeline.js");
const REACTIONS_JS: &str = include_str!("../../assets/reactions.js");
/// Assets change only with the binary; browsers revalidate hourly.
const CACHE: &str = "public, max-age=3600";

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        CSS,
    )
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        JS,
    )
}

/// Reaction toggles and the emoji picker, imported by the timeline.
pub async fn reactions_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        REACTIONS_JS,
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

/// The live timeline, loaded only by conversation pages.
pub async fn timeline_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        TIMELINE_JS,
    )
}
