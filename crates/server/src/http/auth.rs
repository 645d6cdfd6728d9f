//! Who is calling: the session behind a bearer token or the `ocomms_session` cookie, and
//! where the request comes from.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum_extra::extract::CookieJar;
use ocomms_app::{Actor, AppError, ClientContext};

use crate::App;
use crate::http::error::ApiError;

pub const SESSION_COOKIE: &str = "ocomms_session";
/// Cookie-authenticated API calls that change something must echo the session's CSRF
/// token in this header (bearer calls need not: browsers never add that header themselves).
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Bearer,
    Cookie,
}

/// The session token presented with a request, and how.
pub fn presented_token(headers: &HeaderMap) -> Option<(String, Via)> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))?;
        return Some((token.trim().to_owned(), Via::Bearer));
    }
    let jar = CookieJar::from_headers(headers);
    jar.get(SESSION_COOKIE)
        .map(|c| (c.value().to_owned(), Via::Cookie))
}

/// The caller of an API route; `unauthenticated` (401) without a live session.
pub struct ApiActor(pub Actor);

impl FromRequestParts<App> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let (token, via) = presented_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let actor = app
            .authenticate(&token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via == Via::Cookie && !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            actor.check_csrf(sent)?;
        }
        Ok(Self(actor))
    }
}

/// Client address (for rate limits) and user agent (for session labels).
pub struct Client(pub ClientContext);

impl FromRequestParts<App> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        // Behind a trusted proxy the last X-Forwarded-For hop is the address it saw.
        let forwarded = app
            .trust_forwarded_for()
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|ip| ip.trim().to_owned())
            .filter(|ip| !ip.is_empty());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Self(ClientContext {
            ip: forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned()),
            user_agent,
        }))
    }
}
