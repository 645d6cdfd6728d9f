//! Password change and the session list.

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_proto::SessionId;
use ocomms_proto::account::{PersonalExport, PersonalExportState, SessionInfo};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{
    Empty, FormError, NoticeQuery, PageResult, form_status, render, render_with, see_other,
    signed_out,
};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    sessions: Vec<SessionInfo>,
    /// The newest download of the viewer's data, if they asked for one.
    export: Option<PersonalExport>,
    error: FormError,
}

impl AccountPage {
    fn export_running(&self) -> bool {
        self.export
            .as_ref()
            .is_some_and(|e| e.state == PersonalExportState::Running)
    }
}

async fn account_page(
    app: &App,
    actor: &Actor,
    notice: Option<&str>,
) -> Result<AccountPage, AppError> {
    Ok(AccountPage {
        shell: Shell::build(app, actor, None, "account", notice).await?,
        sessions: app.sessions(actor).await?,
        export: app.latest_personal_export(actor).await?,
        error: FormError::default(),
    })
}

pub async fn page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    Ok(render(
        &account_page(&app, &actor, q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(app): State<App>,
    SignedForm(actor, form): SignedForm<PasswordForm>,
) -> PageResult {
    match app
        .change_password(&actor, &form.current_password, &form.new_password)
        .await
    {
        Ok(_) => Ok(see_other("/account?notice=password_changed")),
        Err(error @ (AppError::Invalid(_) | AppError::RateLimited(_))) => {
            let mut page = account_page(&app, &actor, None).await?;
            page.error = FormError::from_app(&error);
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn revoke_session(
    State(app): State<App>,
    Path(id): Path<SessionId>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    app.revoke_session(&actor, id).await?;
    if id == actor.session.id {
        return Ok(signed_out("/signin"));
    }
    Ok(see_other("/account?notice=session_revoked"))
}

pub async fn revoke_others(
    State(app): State<App>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    app.revoke_other_sessions(&actor).await?;
    Ok(see_other("/account?notice=others_revoked"))
}

/// "Download my data": prepared in the background; the page follows it (assets/export.js)
/// or shows its state on reload.
pub async fn start_export(
    State(app): State<App>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    match app.start_personal_export(&actor).await {
        // Already running: the page shows that one's progress.
        Ok(_) | Err(AppError::Conflict(_)) => {
            Ok(see_other("/account?notice=export_started#your-data"))
        }
        Err(other) => Err(other.into()),
    }
}
