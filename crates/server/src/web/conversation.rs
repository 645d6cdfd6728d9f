//! A conversation's page: header with topic, its activity so far, and the members panel
//! with join, leave, add and remove.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_proto::conversation::{Conversation, ConversationMember, ConversationRole};
use ocomms_proto::event::EventPayload;
use ocomms_proto::workspace::Member;
use ocomms_proto::{ConversationId, MessageId, UserId};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::page::{Empty, PageResult, form_status, render, render_with, see_other};
use crate::web::shell::{PresenceMap, Shell};
use crate::web::thread::{ThreadPanel, ThreadView};
use crate::web::timeline::{Item, describe, timeline};

#[derive(Template)]
#[template(path = "conversation.html")]
pub(crate) struct ConversationPage {
    shell: Shell,
    slug: String,
    conversation: Conversation,
    members: Vec<ConversationMember>,
    /// Workspace members who could be added, for the add-member picker.
    addable: Vec<Member>,
    /// Whether to offer the add-member picker (members who are not guests, while active).
    can_add: bool,
    items: Vec<Item>,
    /// Older history exists before the first item.
    more_before: bool,
    /// Newer messages exist after the last item: an older stretch of the conversation.
    windowed: bool,
    first_seq: i64,
    /// The workspace position the page was rendered at: the live timeline resumes after it.
    position: i64,
    /// `{user id: {name, avatar}}` for the timeline script.
    people_json: String,
    presence: PresenceMap,
    viewer: UserId,
    error: Option<String>,
    /// The thread open beside the timeline, in place of the members panel.
    thread: Option<ThreadView>,
    /// The pinned messages, when their panel is open.
    pins: Option<Vec<Item>>,
    pinned_count: usize,
    /// The viewer's notification level here (members only).
    notifications: Option<ocomms_proto::notification::ConversationNotifications>,
}

/// What opens beside the timeline, in place of the members panel.
#[derive(Clone, Copy)]
pub(crate) enum Panel {
    Members,
    Thread(MessageId),
    Pins,
}

#[derive(Deserialize)]
pub struct ViewQuery {
    pub(crate) notice: Option<String>,
    pub(crate) before: Option<i64>,
    /// A message's position to show in the middle of the page (search results).
    pub(crate) around: Option<i64>,
    /// Jump to a date (`YYYY-MM-DD`): sent on to the first message of that day or later.
    #[serde(default)]
    pub(crate) date: Option<String>,
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

pub(crate) async fn page_for(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    query: &ViewQuery,
    error: Option<String>,
    panel: Panel,
) -> Result<ConversationPage, AppError> {
    let window = ocomms_app::Window {
        before: query.before,
        around: query.around.filter(|_| query.before.is_none()),
    };
    let view = app.conversation_view(actor, slug, id, window).await?;
    // Not the newest messages: shown still (no live timeline, which would append new ones
    // after a gap), with a way back to the newest.
    let windowed = view.history.more_after;
    // Read first, so the sidebar's Threads badge already counts this thread as read.
    let thread = match panel {
        Panel::Thread(root) => Some(ThreadPanel::load(app, actor, id, root).await?),
        _ => None,
    };
    let pinned = app.pinned(actor, id).await?;
    let mut shell = Shell::build(
        app,
        actor,
        Some(slug),
        "conversation",
        query.notice.as_deref(),
    )
    .await?;
    shell.open = Some(id);
    let people: HashMap<UserId, (String, String)> = view
        .people
        .iter()
        .map(|m| {
            (
                m.user_id,
                (m.profile.display_name.clone(), m.profile.avatar_url.clone()),
            )
        })
        .collect();
    let conversation = view.conversation;
    let conversation_is_member = conversation.is_member;
    let notices: Vec<(i64, i64, String)> = view
        .events
        .iter()
        // A direct message's people are there from the start; saying so is noise.
        .filter(|e| {
            conversation.kind.is_channel()
                || !(matches!(e.payload, EventPayload::MemberJoined { .. })
                    && e.at == conversation.created_at)
        })
        .filter_map(|e| Some((e.seq, e.at, describe(e, &people)?)))
        .collect();
    let more_before = view.history.more_before;
    let first_seq = view.history.messages.first().map_or(0, |m| m.seq);
    let mut items = timeline(view.history.messages, notices, &people, actor.user.id);
    if !windowed && conversation.is_member {
        // What was new is marked on this page, then it counts as read (as in Slack, opening
        // a conversation reads it; the script keeps it read while it is looked at).
        crate::web::timeline::mark_where_left_off(&mut items, shell.last_read(&id));
        app.mark_read(actor, id, i64::MAX).await?;
    }
    let thread = thread.map(|t| t.render(&people, actor.user.id));
    let pinned_count = pinned.len();
    let pins = matches!(panel, Panel::Pins).then(|| {
        let mut items = timeline(pinned, Vec::new(), &people, actor.user.id);
        // Latest pinned first, each shown whole (no grouping under the one before).
        items.sort_by_key(|i| {
            std::cmp::Reverse(
                i.message
                    .as_ref()
                    .and_then(|m| m.message.pinned)
                    .map(|p| p.at),
            )
        });
        for item in &mut items {
            item.in_thread = true;
            if let Some(view) = item.message.as_mut() {
                view.continued = false;
            }
        }
        items
    });
    let people_json = serde_json::to_string(
        &people
            .iter()
            .map(|(id, (name, avatar))| {
                (
                    id.0.to_string(),
                    serde_json::json!({"name": name, "avatar": avatar}),
                )
            })
            .collect::<serde_json::Map<_, _>>(),
    )
    .unwrap_or_else(|_| "{}".to_owned());
    Ok(ConversationPage {
        shell,
        slug: slug.to_owned(),
        can_add: !view.addable.is_empty(),
        conversation,
        members: view.members,
        addable: view.addable,
        more_before,
        windowed,
        first_seq,
        items,
        position: view.position,
        people_json,
        presence: PresenceMap::load(app, actor, slug).await?,
        viewer: actor.user.id,
        error,
        thread,
        pins,
        pinned_count,
        notifications: if conversation_is_member {
            Some(app.conversation_notifications(actor, id).await?)
        } else {
            None
        },
    })
}

pub async fn view(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path((slug, id)): Path<(String, ConversationId)>,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    if let Some(date) = q.date.as_deref().filter(|d| !d.is_empty()) {
        return jump_to_date(&app, &actor, &slug, id, date).await;
    }
    Ok(render(
        &page_for(&app, &actor, &slug, id, &q, None, Panel::Members).await?,
    ))
}

/// Jump to a date: the same page a search result opens, around the first message written
/// that day or later and marked; the newest page when nothing was written since.
async fn jump_to_date(
    app: &App,
    actor: &Actor,
    slug: &str,
    id: ConversationId,
    date: &str,
) -> PageResult {
    let outcome = app.first_message_since(actor, id, date).await;
    let to = match &outcome {
        Ok(Some((seq, message))) => format!("/w/{slug}/c/{id}?around={seq}#m{message}"),
        _ => format!("/w/{slug}/c/{id}"),
    };
    after(app, actor, slug, id, outcome.map(|_| to.as_str())).await
}

/// The conversation with its pinned messages beside it.
pub async fn pins(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path((slug, id)): Path<(String, ConversationId)>,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    Ok(render(
        &page_for(&app, &actor, &slug, id, &q, None, Panel::Pins).await?,
    ))
}

/// After an action: back to the conversation, or the page again with the refusal shown.
pub(crate) async fn after(
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
            let query = ViewQuery {
                notice: None,
                before: None,
                around: None,
                date: None,
            };
            let page =
                page_for(app, actor, slug, id, &query, Some(message), Panel::Members).await?;
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

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
