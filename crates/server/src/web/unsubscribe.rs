//! The unsubscribe link of missed-message emails (docs/adr/0019). Opening it shows a button,
//! so a mail scanner that fetches links does not unsubscribe anyone; mail clients' one-click
//! button (RFC 8058) POSTs to the same URL. The token is the only credential: no session.

use askama::Template;
use axum::extract::{Query, State};
use ocomms_app::AppError;
use serde::Deserialize;

use crate::App;
use crate::web::auth::NoticePage;
use crate::web::page::{PageResult, render};

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    token: String,
}

pub async fn page(Query(q): Query<TokenQuery>) -> PageResult {
    Ok(render(&UnsubscribePage { token: q.token }))
}

pub async fn unsubscribe(State(app): State<App>, Query(q): Query<TokenQuery>) -> PageResult {
    if !app.unsubscribe_email(&q.token).await? {
        return Err(AppError::NotFound("This unsubscribe link").into());
    }
    Ok(render(&NoticePage {
        heading: "Unsubscribed",
        message: "You will no longer get emails about missed mentions and direct messages."
            .to_owned(),
        link_href: "/",
        link_text: "Open OComms",
    }))
}
