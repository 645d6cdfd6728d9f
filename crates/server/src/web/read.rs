//! "Mark all as read" from the sidebar, for pages without the page script (which does the
//! same over the API, Shift+Esc).

use axum::extract::{Path, State};
use serde::Deserialize;

use crate::App;
use crate::web::extract::SignedForm;
use crate::web::page::{PageResult, see_other};

#[derive(Deserialize)]
pub struct MarkAllForm {
    /// The page the form was on, to go back to.
    #[serde(default)]
    back: String,
}

pub async fn mark_all_read(
    State(app): State<App>,
    Path(slug): Path<String>,
    SignedForm(actor, form): SignedForm<MarkAllForm>,
) -> PageResult {
    app.mark_all_read(&actor, &slug).await?;
    // Only back to a page of this workspace: the field is not trusted as a redirect target.
    let home = format!("/w/{slug}");
    let back = if form.back == home || form.back.starts_with(&format!("{home}/")) {
        form.back
    } else {
        home
    };
    Ok(see_other(&back))
}
