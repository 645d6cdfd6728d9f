//! Server settings, for instance administrators.

use askama::Template;
use axum::extract::{Query, State};
use ocomms_proto::instance::{InstanceInfo, InstanceSettingsUpdate};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{NoticeQuery, PageResult, render, see_other};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    shell: Shell,
    info: InstanceInfo,
    smtp_configured: bool,
}

pub async fn page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let info = app.instance_settings(&actor).await?;
    Ok(render(&AdminPage {
        shell: Shell::build(&app, &actor, None, "admin", q.notice.as_deref()).await?,
        info,
        smtp_configured: app.email_verification_required(),
    }))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    open_signup: String,
}

pub async fn save(
    State(app): State<App>,
    SignedForm(actor, form): SignedForm<SettingsForm>,
) -> PageResult {
    let update = InstanceSettingsUpdate {
        open_signup: Some(form.open_signup == "true"),
    };
    app.update_instance(&actor, update).await?;
    Ok(see_other("/admin?notice=settings_saved"))
}
