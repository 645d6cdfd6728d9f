//! Starting a direct message: pick people from the workspace (filtered as you type).

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::AppError;
use ocomms_proto::UserId;
use ocomms_proto::workspace::Member;
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{PageResult, form_status, render, render_with, see_other};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "direct_new.html")]
struct NewDirectPage {
    shell: Shell,
    slug: String,
    query: String,
    people: Vec<Member>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PickerQuery {
    #[serde(default)]
    q: String,
}

async fn picker(
    app: &App,
    actor: &ocomms_app::Actor,
    slug: &str,
    query: &str,
    error: Option<String>,
) -> Result<NewDirectPage, AppError> {
    let needle = query.trim().to_lowercase();
    let people = app
        .members(actor, slug)
        .await?
        .into_iter()
        .filter(|m| m.profile.display_name.to_lowercase().contains(&needle))
        .collect();
    Ok(NewDirectPage {
        shell: Shell::build(app, actor, Some(slug), "new-dm", None).await?,
        slug: slug.to_owned(),
        query: query.to_owned(),
        people,
        error,
    })
}

pub async fn new_page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(q): Query<PickerQuery>,
) -> PageResult {
    Ok(render(&picker(&app, &actor, &slug, &q.q, None).await?))
}

#[derive(Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    user_ids: Vec<UserId>,
}

pub async fn open(
    State(app): State<App>,
    Path(slug): Path<String>,
    SignedForm(actor, form): SignedForm<OpenForm>,
) -> PageResult {
    match app.open_direct(&actor, &slug, &form.user_ids).await {
        Ok(conversation) => Ok(see_other(&format!("/w/{slug}/c/{}", conversation.id))),
        Err(error @ (AppError::Invalid(_) | AppError::Forbidden(_))) => {
            let message = crate::http::error::public_message(&error);
            let page = picker(&app, &actor, &slug, "", Some(message)).await?;
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}
