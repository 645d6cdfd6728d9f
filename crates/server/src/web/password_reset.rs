//! Password reset pages: ask for a link by email, then choose a new password.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use ocomms_app::AppError;
use serde::Deserialize;

use crate::App;
use crate::http::auth::Client;
use crate::web::auth::NoticePage;
use crate::web::page::{
    FormError, PageError, PageResult, form_status, render, render_with, signed_out,
};
use crate::web::verification::TokenQuery;

#[derive(Template)]
#[template(path = "reset_request.html")]
struct ResetRequestPage {
    error: FormError,
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn reset_page() -> PageResult {
    Ok(render(&ResetRequestPage {
        error: FormError::default(),
    }))
}

pub async fn reset_request(
    State(app): State<App>,
    Client(client): Client,
    Form(form): Form<EmailForm>,
) -> PageResult {
    if let Err(error) = app.request_password_reset(&form.email, &client) {
        return Ok(render_with(
            form_status(&error),
            &ResetRequestPage {
                error: FormError::from_app(&error),
            },
        ));
    }
    Ok(render(&NoticePage {
        heading: "Check your email",
        message: format!(
            "If {} has an account here, a link to reset its password is on its way. It expires in one hour.",
            form.email.trim()
        ),
        link_href: "/signin",
        link_text: "Back to sign in",
    }))
}

#[derive(Template)]
#[template(path = "reset_confirm.html")]
struct ResetConfirmPage {
    token: String,
    error: FormError,
}

#[derive(Deserialize)]
pub struct ResetConfirmForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
}

pub async fn reset_confirm_page(Query(q): Query<TokenQuery>) -> PageResult {
    Ok(render(&ResetConfirmPage {
        token: q.token,
        error: FormError::default(),
    }))
}

pub async fn reset_confirm(
    State(app): State<App>,
    Form(form): Form<ResetConfirmForm>,
) -> PageResult {
    match app.reset_password(&form.token, &form.new_password).await {
        Ok(()) => Ok(signed_out("/signin?notice=password_reset")),
        Err(error @ AppError::Invalid(_)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetConfirmPage {
                token: form.token,
                error: FormError::from_app(&error),
            },
        )),
        Err(other) => Err(PageError(other)),
    }
}
