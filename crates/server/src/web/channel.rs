//! Channel browser (active and archived), the create-channel form and channel settings.

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_domain::channel;
use ocomms_proto::ConversationId;
use ocomms_proto::conversation::{ChannelQuery, Conversation, ConversationUpdate, CreateChannel};
use serde::Deserialize;

use crate::App;
use crate::web::conversation::load;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{Empty, FormError, PageResult, form_status, render, render_with, see_other};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "channel_browser.html")]
struct BrowserPage {
    shell: Shell,
    slug: String,
    query: String,
    archived: bool,
    channels: Vec<Conversation>,
    /// Guests cannot create channels.
    can_create: bool,
}

#[derive(Deserialize)]
pub struct BrowseQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    archived: Option<String>,
}

pub async fn browse(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(q): Query<BrowseQuery>,
) -> PageResult {
    let archived = q.archived.is_some_and(|a| a == "1" || a == "true");
    let query = ChannelQuery {
        query: Some(q.q.clone()),
        archived: Some(archived),
    };
    let shell = Shell::build(&app, &actor, Some(&slug), "channels", None).await?;
    let can_create = shell
        .current
        .as_ref()
        .is_some_and(|w| channel::may_create(w.role).is_ok());
    Ok(render(&BrowserPage {
        shell,
        can_create,
        channels: app.channels(&actor, &slug, &query).await?,
        slug,
        query: q.q,
        archived,
    }))
}

#[derive(Template)]
#[template(path = "channel_new.html")]
struct NewChannelPage {
    shell: Shell,
    slug: String,
    form: ChannelForm,
    error: FormError,
}

#[derive(Deserialize, Default, Clone)]
pub struct ChannelForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    private: Option<String>,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    description: String,
}

pub async fn new_page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
) -> PageResult {
    Ok(render(&NewChannelPage {
        shell: Shell::build(&app, &actor, Some(&slug), "new-channel", None).await?,
        slug,
        form: ChannelForm::default(),
        error: FormError::default(),
    }))
}

pub async fn create(
    State(app): State<App>,
    Path(slug): Path<String>,
    SignedForm(actor, form): SignedForm<ChannelForm>,
) -> PageResult {
    let request = CreateChannel {
        name: form.name.clone(),
        private: form.private.is_some(),
        topic: Some(form.topic.clone()),
        description: Some(form.description.clone()),
        members: Vec::new(),
    };
    match app.create_channel(&actor, &slug, request).await {
        Ok(channel) => Ok(see_other(&format!("/w/{slug}/c/{}", channel.id))),
        Err(error @ (AppError::Invalid(_) | AppError::ChannelRefused(_))) => Ok(render_with(
            form_status(&error),
            &NewChannelPage {
                shell: Shell::build(&app, &actor, Some(&slug), "new-channel", None).await?,
                slug,
                form,
                error: FormError::from_app(&error),
            },
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "channel_settings.html")]
struct SettingsPage {
    shell: Shell,
    slug: String,
    conversation: Conversation,
    error: FormError,
}

async fn settings_for(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    error: FormError,
) -> Result<SettingsPage, AppError> {
    let (shell, conversation) = load(app, actor, slug, id, "conversation", None).await?;
    if !conversation.kind.is_channel() {
        return Err(AppError::NotFound("Channel"));
    }
    Ok(SettingsPage {
        shell,
        slug: slug.to_owned(),
        conversation,
        error,
    })
}

pub async fn settings(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path((slug, id)): Path<(String, ConversationId)>,
) -> PageResult {
    Ok(render(
        &settings_for(&app, &actor, &slug, id, FormError::default()).await?,
    ))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    description: String,
    /// Present when the managers' fields were on the form (an unticked box sends nothing).
    #[serde(default)]
    pins_setting: Option<String>,
    #[serde(default)]
    pins_managers_only: Option<String>,
}

/// Saves topic and description (any member), the name and who may pin (managers; those
/// fields are only shown to them, and the app refuses them from anyone else).
pub async fn save_settings(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, form): SignedForm<SettingsForm>,
) -> PageResult {
    let update = ConversationUpdate {
        name: form.name,
        topic: Some(form.topic),
        description: Some(form.description),
        archived: None,
        pins_managers_only: form.pins_setting.map(|_| form.pins_managers_only.is_some()),
    };
    changed(&app, &actor, &slug, id, update).await
}

pub async fn archive(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    set_archived(&app, &actor, &slug, id, true).await
}

pub async fn unarchive(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    set_archived(&app, &actor, &slug, id, false).await
}

async fn set_archived(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    archived: bool,
) -> PageResult {
    let update = ConversationUpdate {
        archived: Some(archived),
        ..ConversationUpdate::default()
    };
    changed(app, actor, slug, id, update).await
}

async fn changed(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    update: ConversationUpdate,
) -> PageResult {
    match app.update_conversation(actor, id, update).await {
        Ok(_) => Ok(see_other(&format!("/w/{slug}/c/{id}"))),
        Err(error @ (AppError::Invalid(_) | AppError::ChannelRefused(_))) => {
            let page = settings_for(app, actor, slug, id, FormError::from_app(&error)).await?;
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}
