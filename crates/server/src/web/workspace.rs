//! The front door, creating workspaces and a workspace's home.

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_proto::workspace::Workspace;
use serde::Deserialize;

use crate::App;
use crate::web::extract::{MaybeViewer, SignedForm, Viewer};
use crate::web::page::{
    FormError, NoticeQuery, PageResult, form_status, render, render_with, see_other,
};
use crate::web::shell::Shell;

/// `/`: set up, sign in, confirm email, or go to the first workspace.
pub async fn root(
    State(app): State<App>,
    MaybeViewer(viewer): MaybeViewer,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let Some(actor) = viewer else {
        let to = if app.instance_info().await?.needs_setup {
            "/setup"
        } else {
            "/signin"
        };
        return Ok(see_other(to));
    };
    if app.email_verification_required() && !actor.user.email_verified {
        return Ok(see_other("/verify/pending"));
    }
    let notice = q
        .notice
        .map(|n| format!("?notice={}", n))
        .unwrap_or_default();
    Ok(match app.workspaces(&actor).await?.first() {
        Some(w) => see_other(&format!("/w/{}{notice}", w.slug)),
        None => see_other("/workspaces/new"),
    })
}

#[derive(Template)]
#[template(path = "workspace_new.html")]
struct NewWorkspacePage {
    shell: Shell,
    name: String,
    error: FormError,
}

pub async fn new_page(State(app): State<App>, Viewer(actor): Viewer) -> PageResult {
    actor_must_be_verified(&app, &actor)?;
    Ok(render(&NewWorkspacePage {
        shell: Shell::build(&app, &actor, None, "new", None).await?,
        name: String::new(),
        error: FormError::default(),
    }))
}

fn actor_must_be_verified(
    app: &App,
    actor: &ocomms_app::Actor,
) -> Result<(), crate::web::page::PageError> {
    if app.email_verification_required() && !actor.user.email_verified {
        return Err(ocomms_app::AppError::EmailNotVerified.into());
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(app): State<App>,
    SignedForm(actor, form): SignedForm<CreateForm>,
) -> PageResult {
    match app.create_workspace(&actor, &form.name).await {
        Ok(workspace) => Ok(see_other(&format!("/w/{}", workspace.slug))),
        Err(error) => Ok(render_with(
            form_status(&error),
            &NewWorkspacePage {
                shell: Shell::build(&app, &actor, None, "new", None).await?,
                name: form.name,
                error: FormError::from_app(&error),
            },
        )),
    }
}

#[derive(Template)]
#[template(path = "workspace_home.html")]
struct HomePage {
    shell: Shell,
    workspace: Workspace,
    member_count: usize,
}

pub async fn home(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let shell = Shell::build(&app, &actor, Some(&slug), "home", q.notice.as_deref()).await?;
    let member_count = app.members(&actor, &slug).await?.len();
    let workspace = shell
        .current
        .clone()
        .ok_or(ocomms_app::AppError::NotFound("Workspace"))?;
    Ok(render(&HomePage {
        shell,
        workspace,
        member_count,
    }))
}
