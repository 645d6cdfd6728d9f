//! The profile page: fields and picture.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_proto::account::{Profile, ProfileUpdate};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{
    Empty, FormError, NoticeQuery, PageResult, form_status, render, render_with, see_other,
};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    shell: Shell,
    profile: Profile,
    time_zones: &'static [String],
    error: FormError,
    avatar_error: Option<String>,
}

async fn profile_page(
    app: &App,
    actor: &Actor,
    notice: Option<&str>,
) -> Result<ProfilePage, AppError> {
    Ok(ProfilePage {
        shell: Shell::build(app, actor, None, "profile", notice).await?,
        profile: app.profile(actor, actor.user.id).await?,
        time_zones: ocomms_domain::profile::time_zone_names(),
        error: FormError::default(),
        avatar_error: None,
    })
}

pub async fn page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    Ok(render(
        &profile_page(&app, &actor, q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    time_zone: String,
}

pub async fn save(
    State(app): State<App>,
    SignedForm(actor, form): SignedForm<ProfileForm>,
) -> PageResult {
    let update = ProfileUpdate {
        display_name: Some(form.display_name.clone()),
        handle: Some(form.handle.clone()),
        title: Some(form.title.clone()),
        bio: Some(form.bio.clone()),
        time_zone: Some(form.time_zone.clone()),
    };
    match app.update_profile(&actor, update).await {
        Ok(_) => Ok(see_other("/profile?notice=profile_saved")),
        Err(error @ (AppError::Invalid(_) | AppError::HandleTaken(_))) => {
            let mut page = profile_page(&app, &actor, None).await?;
            // Show what was typed, not what is stored, next to the error.
            page.profile.display_name = form.display_name;
            page.profile.handle = form.handle;
            page.profile.title = form.title;
            page.profile.bio = form.bio;
            page.profile.time_zone = form.time_zone;
            page.error = FormError::from_app(&error);
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

/// Multipart upload: the `csrf` field must come before the file (the form renders it so).
pub async fn upload_avatar(
    State(app): State<App>,
    Viewer(actor): Viewer,
    mut multipart: Multipart,
) -> PageResult {
    let mut csrf_ok = false;
    let mut image = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return avatar_failed(&app, &actor, upload_error(&e.body_text())).await,
        };
        match field.name() {
            Some("csrf") => {
                let value = field.text().await.unwrap_or_default();
                csrf_ok = actor.check_csrf(&value).is_ok();
            }
            Some("avatar") if csrf_ok => match field.bytes().await {
                Ok(bytes) => image = Some(bytes.to_vec()),
                Err(e) => return avatar_failed(&app, &actor, upload_error(&e.body_text())).await,
            },
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(AppError::CsrfFailed.into());
    }
    let outcome = match image.filter(|b| !b.is_empty()) {
        Some(bytes) => app.set_avatar(&actor, bytes).await,
        None => Err(AppError::UnsupportedMedia(
            "Choose an image file to upload.".into(),
        )),
    };
    match outcome {
        Ok(_) => Ok(see_other("/profile?notice=avatar_saved")),
        Err(error @ (AppError::TooLarge(_) | AppError::UnsupportedMedia(_))) => {
            avatar_failed(&app, &actor, error).await
        }
        Err(other) => Err(other.into()),
    }
}

fn upload_error(detail: &str) -> AppError {
    if detail.contains("length limit") || detail.contains("too large") {
        AppError::TooLarge(ocomms_app::AVATAR_MAX_BYTES / (1024 * 1024))
    } else {
        AppError::Malformed(detail.to_owned())
    }
}

async fn avatar_failed(app: &App, actor: &Actor, error: AppError) -> PageResult {
    let mut page = profile_page(app, actor, None).await?;
    page.avatar_error = Some(error.to_string());
    Ok(render_with(form_status(&error), &page))
}

pub async fn remove_avatar(
    State(app): State<App>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    app.clear_avatar(&actor).await?;
    Ok(see_other("/profile?notice=avatar_removed"))
}
