//! Notifications in the web UI (docs/adr/0017): a conversation's level (the 🔔 menu in its
//! header), the Notifications page (workspace default, quiet hours, snooze, browser
//! notifications) and Activity (what mentioned you, newest first). The browser's own
//! notifications are shown by the page script from the `notify` frame (assets/notify.js).

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_proto::notification::{
    ActivityItem, ActivityKind, DoNotDisturb, EmailFrequency, EmailNotifications, Level,
    QuietHours, SetDoNotDisturb, SetEmailNotifications, WorkspaceNotifications,
};
use ocomms_proto::{ConversationId, MessageId};
use serde::Deserialize;

use crate::App;
use crate::web::extract::{SignedForm, Viewer};
use crate::web::names::Names;
use crate::web::page::{
    FormError, NoticeQuery, PageResult, form_status, render, render_with, see_other,
};
use crate::web::shell::Shell;

/// How a level reads in the UI.
pub fn level_label(level: &Level) -> &'static str {
    match level {
        Level::All => "every new message",
        Level::Mentions => "mentions and direct messages",
        Level::Nothing => "nothing (muted)",
    }
}

#[derive(Deserialize)]
pub struct LevelForm {
    #[serde(default)]
    level: String,
}

/// The 🔔 menu of a conversation: `default`, `all`, `mentions` or `nothing`.
pub async fn set_conversation_level(
    State(app): State<App>,
    Path((slug, id)): Path<(String, ConversationId)>,
    SignedForm(actor, form): SignedForm<LevelForm>,
) -> PageResult {
    let level = match form.level.as_str() {
        "default" => None,
        other => Some(Level::parse(other).ok_or_else(|| {
            AppError::from(ocomms_domain::Invalid::new(
                "level",
                "Choose one of the notification levels.",
            ))
        })?),
    };
    app.set_conversation_notifications(&actor, id, level)
        .await?;
    Ok(see_other(&format!("/w/{slug}/c/{id}")))
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub(crate) struct NotificationsPage {
    shell: Shell,
    slug: String,
    default_level: Level,
    dnd: DoNotDisturb,
    email: EmailNotifications,
    /// What was typed, shown again beside an error.
    start: String,
    end: String,
    error: FormError,
}

impl NotificationsPage {
    fn checked(&self, level: &str) -> bool {
        self.default_level.as_str() == level
    }

    fn email_checked(&self, frequency: &str) -> bool {
        self.email.frequency.as_str() == frequency
    }
}

async fn notifications_page(
    app: &App,
    actor: &Actor,
    slug: &str,
    notice: Option<&str>,
) -> Result<NotificationsPage, AppError> {
    let settings = app.workspace_notifications(actor, slug).await?;
    let dnd = app.do_not_disturb(actor).await?;
    let email = app.email_notifications(actor).await?;
    let shell = Shell::build(app, actor, Some(slug), "notifications", notice).await?;
    let (start, end) = dnd
        .quiet_hours
        .as_ref()
        .map(|h| (h.start.clone(), h.end.clone()))
        .unwrap_or_default();
    Ok(NotificationsPage {
        shell,
        slug: slug.to_owned(),
        default_level: settings.default_level,
        dnd,
        email,
        start,
        end,
        error: FormError::default(),
    })
}

pub async fn settings_page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    Ok(render(
        &notifications_page(&app, &actor, &slug, q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    default_level: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    /// Empty: left as it is.
    #[serde(default)]
    email_frequency: String,
}

/// The workspace default and the quiet hours (both times, or neither).
pub async fn save_settings(
    State(app): State<App>,
    Path(slug): Path<String>,
    SignedForm(actor, form): SignedForm<SettingsForm>,
) -> PageResult {
    let outcome = save(&app, &actor, &slug, &form).await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/w/{slug}/notifications?notice=notifications_saved"
        ))),
        Err(error @ AppError::Invalid(_)) => {
            let mut page = notifications_page(&app, &actor, &slug, None).await?;
            page.start = form.start;
            page.end = form.end;
            page.error = FormError::from_app(&error);
            Ok(render_with(form_status(&error), &page))
        }
        Err(other) => Err(other.into()),
    }
}

async fn save(app: &App, actor: &Actor, slug: &str, form: &SettingsForm) -> Result<(), AppError> {
    let default_level = Level::parse(&form.default_level).ok_or_else(|| {
        ocomms_domain::Invalid::new("default_level", "Choose one of the notification levels.")
    })?;
    let (start, end) = (form.start.trim(), form.end.trim());
    let quiet_hours = match (start.is_empty(), end.is_empty()) {
        (true, true) => None,
        (false, false) => Some(QuietHours {
            start: start.to_owned(),
            end: end.to_owned(),
        }),
        (start_missing, _) => {
            let field = if start_missing { "start" } else { "end" };
            return Err(ocomms_domain::Invalid::new(
                field,
                "Give both the start and the end of quiet hours, or neither.",
            )
            .into());
        }
    };
    app.set_do_not_disturb(
        actor,
        SetDoNotDisturb {
            quiet_hours,
            snooze_minutes: None,
        },
    )
    .await?;
    app.set_workspace_notifications(actor, slug, WorkspaceNotifications { default_level })
        .await?;
    if !form.email_frequency.is_empty() {
        let frequency = EmailFrequency::parse(&form.email_frequency).ok_or_else(|| {
            ocomms_domain::Invalid::new("email_frequency", "Choose how often to be emailed.")
        })?;
        app.set_email_notifications(actor, SetEmailNotifications { frequency })
            .await?;
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct SnoozeForm {
    /// Minutes; 0 resumes notifications.
    #[serde(default)]
    minutes: u32,
}

/// "Pause notifications" for a while, or resume them.
pub async fn snooze(
    State(app): State<App>,
    Path(slug): Path<String>,
    SignedForm(actor, form): SignedForm<SnoozeForm>,
) -> PageResult {
    let current = app.do_not_disturb(&actor).await?;
    app.set_do_not_disturb(
        &actor,
        SetDoNotDisturb {
            quiet_hours: current.quiet_hours,
            snooze_minutes: Some(form.minutes),
        },
    )
    .await?;
    let notice = if form.minutes == 0 {
        "notifications_resumed"
    } else {
        "notifications_paused"
    };
    Ok(see_other(&format!(
        "/w/{slug}/notifications?notice={notice}"
    )))
}

#[derive(Template)]
#[template(path = "activity.html")]
pub(crate) struct ActivityPage {
    shell: Shell,
    slug: String,
    items: Vec<ActivityCard>,
    next: Option<MessageId>,
}

/// One entry of the Activity page.
pub(crate) struct ActivityCard {
    what: &'static str,
    place: String,
    author: String,
    html: String,
    at: i64,
    href: String,
}

impl ActivityCard {
    fn of(item: ActivityItem, names: &Names, slug: &str) -> Self {
        let m = item.message;
        let href = match m.thread_root_id {
            Some(root) => format!("/w/{slug}/c/{}/t/{root}#t{}", m.conversation_id, m.id),
            None => format!("/w/{slug}/c/{}#m{}", m.conversation_id, m.id),
        };
        Self {
            what: match item.kind {
                ActivityKind::Mention => "Mentioned you",
                ActivityKind::Channel => "Mentioned everyone",
                ActivityKind::Reply => "Replied in a thread you follow",
            },
            place: names
                .place(m.conversation_id)
                .unwrap_or_else(|| "an archived channel".to_owned()),
            author: names.person(m.author_id),
            html: m.html,
            at: m.created_at,
            href,
        }
    }
}

#[derive(Deserialize)]
pub struct ActivityQuery {
    #[serde(default)]
    before: Option<MessageId>,
}

pub async fn activity(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(query): Query<ActivityQuery>,
) -> PageResult {
    let page = app.activity(&actor, &slug, query.before).await?;
    let shell = Shell::build(&app, &actor, Some(&slug), "activity", None).await?;
    let names = Names::load(&app, &actor, &slug, &shell).await?;
    let next = page
        .more
        .then(|| page.items.last().map(|i| i.message.id))
        .flatten();
    let items = page
        .items
        .into_iter()
        .map(|item| ActivityCard::of(item, &names, &slug))
        .collect();
    Ok(render(&ActivityPage {
        shell,
        slug,
        items,
        next,
    }))
}
