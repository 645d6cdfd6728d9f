//! The member list, role changes, removal and leaving.

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_proto::UserId;
use ocomms_proto::workspace::{Member, Role, Workspace};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{
    Empty, NoticeQuery, PageResult, form_status, render, render_with, see_other,
};
use crate::web::shell::{PresenceMap, Shell};

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    shell: Shell,
    workspace: Workspace,
    members: Vec<Member>,
    viewer: UserId,
    roles: [Role; 4],
    presence: PresenceMap,
    error: Option<String>,
}

pub async fn page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let page = members_page(&app, &actor, &slug, q.notice.as_deref(), None).await?;
    Ok(render(&page))
}

async fn members_page(
    app: &App,
    actor: &Actor,
    slug: &str,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<MembersPage, AppError> {
    let shell = Shell::build(app, actor, Some(slug), "members", notice).await?;
    let workspace = shell
        .current
        .clone()
        .ok_or(AppError::NotFound("Workspace"))?;
    Ok(MembersPage {
        presence: PresenceMap::load(app, actor, slug).await?,
        members: app.members(actor, slug).await?,
        viewer: actor.user.id,
        roles: Role::ALL,
        shell,
        workspace,
        error,
    })
}

/// Re-renders the member list with the refusal, or follows the redirect on success.
async fn after(
    app: &App,
    actor: &Actor,
    slug: &str,
    outcome: Result<String, AppError>,
) -> PageResult {
    match outcome {
        Ok(to) => Ok(see_other(&to)),
        Err(
            error @ (AppError::Refused(_) | AppError::Invalid(_) | AppError::NotFound("Member")),
        ) => {
            let message = crate::http::error::public_message(&error);
            let page = members_page(app, actor, slug, None, Some(message)).await?;
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    State(app): State<App>,
    Path((slug, user)): Path<(String, UserId)>,
    SignedForm(actor, form): SignedForm<RoleForm>,
) -> PageResult {
    let outcome = match Role::parse(&form.role) {
        Some(role) => app
            .change_role(&actor, &slug, user, role)
            .await
            .map(|()| format!("/w/{slug}/members?notice=role_changed")),
        None => Err(ocomms_domain::Invalid::new("role", "Choose one of the listed roles.").into()),
    };
    after(&app, &actor, &slug, outcome).await
}

pub async fn remove(
    State(app): State<App>,
    Path((slug, user)): Path<(String, UserId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    let leaving = user == actor.user.id;
    let outcome = app.remove_member(&actor, &slug, user).await.map(|()| {
        if leaving {
            "/".to_owned()
        } else {
            format!("/w/{slug}/members?notice=member_removed")
        }
    });
    after(&app, &actor, &slug, outcome).await
}
