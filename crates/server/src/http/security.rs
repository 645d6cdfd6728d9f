//! Response headers every page gets, and the same-origin rule for browser posts.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Scripts and styles only from this server; no framing; no MIME sniffing.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "same-origin");
    set(
        headers,
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    response
}

/// Refuses state-changing browser requests that come from another site. This protects the
/// forms that exist before a session (sign in, sign up: login CSRF) and backs up the
/// per-session CSRF tokens everywhere else. Requests with `Authorization` are exempt:
/// browsers never attach that header on their own.
pub async fn same_origin_posts(request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method
        && !request.headers().contains_key(header::AUTHORIZATION)
        && cross_site(request.headers())
    {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(ocomms_proto::ErrorBody {
                code: ocomms_proto::ErrorCode::CsrfFailed,
                message: "Cross-site form submission refused.".into(),
                details: None,
            }),
        )
            .into_response();
    }
    next.run(request).await
}

/// A browser request sent from another site: `Sec-Fetch-Site: cross-site`, or an `Origin`
/// whose host is not the one the request was sent to. Requests without `Origin` (programs,
/// old browsers on same-origin GETs) pass.
pub fn cross_site(headers: &axum::http::HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin == "null" || origin_host != host
}
