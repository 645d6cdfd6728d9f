//! Email verification pages: the link from the email, and the "check your email" page.

use askama::Template;
use axum::extract::{Form, Query, State};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{MaybeViewer, SignedForm, Viewer};
use crate::web::page::{Empty, NoticeQuery, PageResult, notice_text, render, see_other};

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    token: String,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

/// The emailed link opens a page with a button: mail scanners that fetch links must not
/// be able to confirm an address by themselves.
pub async fn verify_page(Query(q): Query<TokenQuery>) -> PageResult {
    Ok(render(&VerifyPage { token: q.token }))
}

pub async fn verify(
    State(app): State<App>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<TokenQuery>,
) -> PageResult {
    app.verify_email(&form.token).await?;
    Ok(see_other(match viewer {
        Some(_) => "/?notice=verified",
        None => "/signin?notice=verified",
    }))
}

#[derive(Template)]
#[template(path = "verify_pending.html")]
struct VerifyPendingPage {
    email: String,
    csrf: String,
    notice: Option<&'static str>,
}

pub async fn verify_pending(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    if actor.user.email_verified || !app.email_verification_required() {
        return Ok(see_other("/"));
    }
    Ok(render(&VerifyPendingPage {
        email: actor.user.email,
        csrf: actor.session.csrf_token,
        notice: notice_text(q.notice.as_deref()),
    }))
}

pub async fn resend_verification(
    State(app): State<App>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    app.resend_verification(&actor).await?;
    Ok(see_other("/verify/pending?notice=verification_sent"))
}
