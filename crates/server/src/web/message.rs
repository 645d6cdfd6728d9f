//! A message's forms, for pages without the page script (the script does the same over the
//! API): post (in a thread too), delete, react, pin. Each answers with a redirect back, or
//! the conversation page with the refusal shown.

use axum::extract::{Path, State};
use ocomms_app::Actor;
use ocomms_proto::message::PostMessage;
use ocomms_proto::{ConversationId, MessageId};
use serde::Deserialize;

use crate::App;
use crate::web::conversation::after;
use crate::web::extract::SignedForm;
use crate::web::page::{Empty, PageResult, see_other};

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    client_id: Option<String>,
    /// From a thread's composer.
    #[serde(default)]
    thread_root_id: Option<MessageId>,
    /// The thread composer's "Also send to #channel" box, when ticked.
    #[serde(default)]
    also_in_channel: Option<String>,
}

/// Without the page script, the composer posts here (a thread's composer too).
pub async fn post_message(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, form): SignedForm<MessageForm>,
) -> PageResult {
    let request = PostMessage {
        body: form.body,
        client_id: form.client_id.filter(|c| !c.is_empty()),
        thread_root_id: form.thread_root_id,
        also_in_channel: form.also_in_channel.is_some(),
    };
    match app.post_message(&actor, id, request).await {
        Ok((message, _)) => Ok(see_other(&match message.thread_root_id {
            Some(root) => format!("/w/{slug}/c/{id}/t/{root}#t{}", message.id),
            None => format!("/w/{slug}/c/{id}#m{}", message.id),
        })),
        Err(e) => after(&app, &actor, &slug, id, Err(e)).await,
    }
}

/// Without the page script, a message's delete button posts here.
pub async fn delete_message(
    State(app): State<App>,
    Path((slug, id, message)): Path<(String, ConversationId, MessageId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}");
    let outcome = app
        .delete_message(&actor, message)
        .await
        .map(|()| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

#[derive(Deserialize)]
pub struct ReactionForm {
    emoji: String,
}

/// Without the page script, a reaction button or the quick picker posts here.
pub async fn add_reaction(
    State(app): State<App>,
    Path((slug, id, message)): Path<(String, ConversationId, MessageId)>,
    SignedForm(actor, form): SignedForm<ReactionForm>,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}#m{message}");
    let outcome = app
        .add_reaction(&actor, message, &form.emoji)
        .await
        .map(|_| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

/// Without the page script, a message's Pin / Unpin button posts here.
pub async fn pin(
    State(app): State<App>,
    Path((slug, id, message)): Path<(String, ConversationId, MessageId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    set_pinned(app, actor, slug, id, message, true).await
}

pub async fn unpin(
    State(app): State<App>,
    Path((slug, id, message)): Path<(String, ConversationId, MessageId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    set_pinned(app, actor, slug, id, message, false).await
}

async fn set_pinned(
    app: App,
    actor: Actor,
    slug: String,
    id: ConversationId,
    message: MessageId,
    pin: bool,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}#m{message}");
    let outcome = app
        .set_pinned(&actor, message, pin)
        .await
        .map(|_| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

/// Without the page script, pressing one's own reaction takes it back.
pub async fn remove_reaction(
    State(app): State<App>,
    Path((slug, id, message, emoji)): Path<(String, ConversationId, MessageId, String)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}#m{message}");
    let outcome = app
        .remove_reaction(&actor, message, &emoji)
        .await
        .map(|_| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}
