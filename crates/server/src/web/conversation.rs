//! A conversation's page: header with topic, its activity so far, and the members panel
//! with join, leave, add and remove.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_proto::conversation::{Conversation, ConversationMember, ConversationRole};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::workspace::{Member, Role};
use ocomms_proto::{ConversationId, UserId};
use serde::Deserialize;

use crate::App;
use crate::app::{Actor, AppError};
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{PageResult, form_status, render, render_with, see_other};
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "conversation.html")]
struct ConversationPage {
    shell: Shell,
    slug: String,
    conversation: Conversation,
    members: Vec<ConversationMember>,
    /// Workspace members who could be added, for the add-member picker.
    addable: Vec<Member>,
    /// Whether to offer the add-member picker (members who are not guests, while active).
    can_add: bool,
    activity: Vec<Line>,
    viewer: UserId,
    error: Option<String>,
}

/// One line of the activity timeline.
struct Line {
    at: i64,
    text: String,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// Loads the conversation for the page; it must belong to the workspace in the URL.
pub(crate) async fn load(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    active: &'static str,
    notice: Option<&str>,
) -> Result<(Shell, Conversation), AppError> {
    let mut shell = Shell::build(app, actor, Some(slug), active, notice).await?;
    let conversation = app.conversation(actor, id).await?;
    if shell.current.as_ref().map(|w| w.id) != Some(conversation.workspace_id) {
        return Err(AppError::NotFound("Conversation"));
    }
    shell.open = Some(id);
    Ok((shell, conversation))
}

async fn page_for(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<ConversationPage, AppError> {
    let (shell, conversation) = load(app, actor, slug, id, "conversation", notice).await?;
    let members = app.conversation_members(actor, id).await?;
    let everyone = app.members(actor, slug).await?;
    let names: HashMap<UserId, String> = everyone
        .iter()
        .map(|m| (m.user_id, m.profile.display_name.clone()))
        .collect();
    let activity = app
        .conversation_events(actor, id, 0)
        .await?
        .iter()
        .filter_map(|e| {
            Some(Line {
                at: e.at,
                text: describe(e, &names)?,
            })
        })
        .collect();
    let addable: Vec<Member> = everyone
        .into_iter()
        .filter(|m| !members.iter().any(|c| c.user_id == m.user_id))
        .collect();
    let guest = shell
        .current
        .as_ref()
        .is_some_and(|w| w.role == Role::Guest);
    let can_add = conversation.is_member && !conversation.archived && !guest && !addable.is_empty();
    Ok(ConversationPage {
        can_add,
        shell,
        slug: slug.to_owned(),
        conversation,
        members,
        addable,
        activity,
        viewer: actor.user.id,
        error,
    })
}

/// "Ada added Bob", "Bob set the topic: Plans" — from the recorded event; `None` for
/// message events, which show as the messages themselves.
fn describe(event: &Event, names: &HashMap<UserId, String>) -> Option<String> {
    let name = |id: &UserId| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| "Someone".to_owned())
    };
    let actor = name(&event.actor);
    Some(match &event.payload {
        EventPayload::ConversationCreated { name: n, .. } if !n.is_empty() => {
            format!("{actor} created #{n}")
        }
        EventPayload::ConversationCreated { .. } => format!("{actor} started this conversation"),
        EventPayload::ConversationRenamed { name } => {
            format!("{actor} renamed the channel to #{name}")
        }
        EventPayload::TopicChanged { topic } if topic.is_empty() => {
            format!("{actor} cleared the topic")
        }
        EventPayload::TopicChanged { topic } => format!("{actor} set the topic: {topic}"),
        EventPayload::DescriptionChanged { description } if description.is_empty() => {
            format!("{actor} cleared the description")
        }
        EventPayload::DescriptionChanged { description } => {
            format!("{actor} set the description: {description}")
        }
        EventPayload::ConversationArchived => format!("{actor} archived the channel"),
        EventPayload::ConversationUnarchived => format!("{actor} unarchived the channel"),
        EventPayload::MemberJoined { user_id } if *user_id == event.actor => {
            format!("{actor} joined")
        }
        EventPayload::MemberJoined { user_id } => format!("{actor} added {}", name(user_id)),
        EventPayload::MemberLeft { user_id } => format!("{} left", name(user_id)),
        EventPayload::MemberRemoved { user_id } => format!("{actor} removed {}", name(user_id)),
        EventPayload::MemberRoleChanged {
            user_id,
            role: ConversationRole::Manager,
        } => {
            format!("{actor} made {} a channel manager", name(user_id))
        }
        EventPayload::MemberRoleChanged { user_id, .. } => {
            format!("{actor} made {} a regular member", name(user_id))
        }
        EventPayload::MessagePosted { .. }
        | EventPayload::MessageEdited { .. }
        | EventPayload::MessageDeleted { .. } => return None,
    })
}

pub async fn view(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path((slug, id)): Path<(String, ConversationId)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    Ok(render(
        &page_for(&app, &actor, &slug, id, q.notice.as_deref(), None).await?,
    ))
}

/// After an action: back to the conversation, or the page again with the refusal shown.
async fn after(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    outcome: Result<&str, AppError>,
) -> PageResult {
    match outcome {
        Ok(to) => Ok(see_other(to)),
        Err(
            error @ (AppError::ChannelRefused(_)
            | AppError::Invalid(_)
            | AppError::Forbidden(_)
            | AppError::Conflict(_)),
        ) => {
            let message = crate::http::error::public_message(&error);
            let page = page_for(app, actor, slug, id, None, Some(message)).await?;
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn join(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}");
    let outcome = app
        .add_to_conversation(&actor, id, actor.user.id, None)
        .await
        .map(|_| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

pub async fn leave(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    let to = format!("/w/{slug}");
    let outcome = app
        .remove_from_conversation(&actor, id, actor.user.id)
        .await
        .map(|()| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

#[derive(Deserialize)]
pub struct AddForm {
    user_id: UserId,
}

/// Adds someone; for a 1:1 message this opens the group of three, so follow it there.
pub async fn add_member(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, form): SignedForm<AddForm>,
) -> PageResult {
    match app
        .add_to_conversation(&actor, id, form.user_id, None)
        .await
    {
        Ok(now_in) => Ok(see_other(&format!("/w/{slug}/c/{}", now_in.id))),
        Err(e) => after(&app, &actor, &slug, id, Err(e)).await,
    }
}

pub async fn remove_member(
    State(app): State<App>,
    Path((slug, id, user)): Path<(String, ConversationId, UserId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}");
    let outcome = app
        .remove_from_conversation(&actor, id, user)
        .await
        .map(|()| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    State(app): State<App>,
    Path((slug, id, user)): Path<(String, ConversationId, UserId)>,
    SignedForm(actor, form): SignedForm<RoleForm>,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}");
    let outcome = match ConversationRole::parse(&form.role) {
        Some(role) => app
            .add_to_conversation(&actor, id, user, Some(role))
            .await
            .map(|_| to.as_str()),
        None => Err(ocomms_domain::Invalid::new("role", "Choose manager or member.").into()),
    };
    after(&app, &actor, &slug, id, outcome).await
}
