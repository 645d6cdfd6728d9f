//! Who is looking at a page, and forms that prove they came from our own pages.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use ocomms_app::{Actor, AppError};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::App;
use crate::http::auth::{Via, presented_token};
use crate::web::page::PageError;

/// The signed-in viewer; pages that need one redirect to sign-in without it.
pub struct Viewer(pub Actor);

/// The viewer if signed in.
pub struct MaybeViewer(pub Option<Actor>);

impl FromRequestParts<App> for MaybeViewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        match presented_token(&parts.headers) {
            Some((token, Via::Cookie)) => Ok(Self(app.authenticate(&token).await?)),
            _ => Ok(Self(None)),
        }
    }
}

impl FromRequestParts<App> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let MaybeViewer(actor) = MaybeViewer::from_request_parts(parts, app).await?;
        actor.map(Self).ok_or(PageError(AppError::Unauthenticated))
    }
}

/// A form posted by the signed-in viewer, with the session's CSRF token in its `csrf`
/// field (every form template renders it).
pub struct SignedForm<T>(pub Actor, pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<App> for SignedForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Viewer(actor) = Viewer::from_request_parts(&mut parts, app).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        let CsrfField { csrf } =
            serde_html_form::from_bytes(&bytes).map_err(|e| AppError::Malformed(e.to_string()))?;
        actor.check_csrf(&csrf)?;
        let form =
            serde_html_form::from_bytes(&bytes).map_err(|e| AppError::Malformed(e.to_string()))?;
        Ok(Self(actor, form))
    }
}
