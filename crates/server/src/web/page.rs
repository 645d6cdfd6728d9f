//! Rendering pages and errors, redirects, cookies and flash notices.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use ocomms_app::AppError;

use crate::http::auth::SESSION_COOKIE;
use crate::http::error as http_error;

/// Renders a template as a 200 page.
pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => PageError(AppError::Internal(format!("template: {e}"))).into_response(),
    }
}

/// A failed page request: sign-in and verification problems redirect, everything else
/// renders the error page with the status and message the API would give.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self.0 {
            AppError::Unauthenticated => Redirect::to("/signin").into_response(),
            AppError::EmailNotVerified => Redirect::to("/verify/pending").into_response(),
            error => {
                let status = http_error::status(&error);
                let page = ErrorPage {
                    status: status.as_u16(),
                    title: status.canonical_reason().unwrap_or("Error"),
                    message: http_error::public_message(&error),
                };
                match page.render() {
                    Ok(html) => (status, Html(html)).into_response(),
                    Err(_) => (status, page.message).into_response(),
                }
            }
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// A 303 to `to` (after a POST, so reloading does not resubmit).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Sets the session cookie and redirects. The token is URL-safe base64, so it needs no
/// quoting; the cookie lives 400 days (the browsers' cap) and ends when the session is revoked.
pub fn signed_in(token: &str, secure: bool, to: &str) -> Response {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=34560000{secure}"
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

/// Clears the session cookie and redirects.
pub fn signed_out(to: &str) -> Response {
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

/// Flash messages travel as a fixed code in the query string, never as free text, so a
/// crafted link cannot make the page say anything we did not write.
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "profile_saved" => "Your profile was saved.",
        "avatar_saved" => "Your new picture is up.",
        "avatar_removed" => "Your picture was removed; the generated one is back.",
        "password_changed" => "Password changed. Your other sessions were signed out.",
        "session_revoked" => "That session was signed out.",
        "others_revoked" => "All your other sessions were signed out.",
        "export_started" => {
            "We are preparing your data. The download link appears below when it is ready."
        }
        "role_changed" => "Role changed.",
        "member_removed" => "Member removed.",
        "invitation_revoked" => "Invitation revoked.",
        "verified" => "Thanks, your email address is confirmed.",
        "verification_sent" => "We sent you a new confirmation link.",
        "settings_saved" => "Server settings saved.",
        "password_reset" => "Your password was changed. Sign in with the new one.",
        "joined" => "Welcome! You joined the workspace.",
        "notifications_saved" => "Notification settings saved.",
        "notifications_paused" => "Notifications are paused.",
        "notifications_resumed" => "Notifications are back on.",
        _ => return None,
    })
}

/// Formats unix milliseconds as an ISO 8601 UTC timestamp for `<time datetime>`; the page
/// script rewrites it in the reader's own time zone.
pub fn iso(ms: &i64) -> String {
    let ms = *ms;
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A file size for people: "812 bytes", "14.2 KB", "3.1 MB".
pub fn size(bytes: &i64) -> String {
    let bytes = *bytes as f64;
    if bytes < 1000.0 {
        format!("{bytes} bytes")
    } else if bytes < 1_000_000.0 {
        format!("{:.1} KB", bytes / 1000.0)
    } else {
        format!("{:.1} MB", bytes / 1_000_000.0)
    }
}

/// A download's state as the page script reads it (`data-state`).
pub fn export_state(state: &ocomms_proto::account::PersonalExportState) -> &'static str {
    use ocomms_proto::account::PersonalExportState::{Failed, Ready, Running};
    match state {
        Running => "running",
        Ready => "ready",
        Failed => "failed",
    }
}

/// The same, readable without the script: "2026-11-23 17:04 UTC".
pub fn readable(ms: &i64) -> String {
    let ms = *ms;
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// The UTC day of a timestamp, "2026-11-23", for day separators (the page script
/// rewrites them in the reader's time zone).
pub fn day(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `?notice=code` on pages that show a flash message after a redirect.
#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

/// The body of forms that carry only their CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct Empty {}

/// A form's errors: each tied to a field when the app names one (all bad fields at once),
/// else one message shown above the form.
#[derive(Debug, Clone, Default)]
pub struct FormError {
    fields: Vec<(&'static str, String)>,
    message: String,
}

impl FormError {
    pub fn from_app(error: &AppError) -> Self {
        Self {
            fields: error.field_errors(),
            message: http_error::public_message(error),
        }
    }

    /// The message if one belongs to `field`.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, message)| message.as_str())
    }

    /// The message if it belongs to none of `fields` (the form shows it above itself).
    pub fn general(&self, fields: &[&str]) -> Option<&str> {
        let shown_by_fields =
            !self.fields.is_empty() && self.fields.iter().all(|(f, _)| fields.contains(f));
        (!shown_by_fields && !self.message.is_empty()).then_some(self.message.as_str())
    }
}

/// The status a re-rendered form gets.
pub fn form_status(error: &AppError) -> StatusCode {
    http_error::status(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_and_times() {
        assert_eq!(notice_text(Some("<script>")), None);
        assert!(notice_text(Some("profile_saved")).is_some());
        assert_eq!(iso(&0), "1970-01-01T00:00:00Z");
    }
}
