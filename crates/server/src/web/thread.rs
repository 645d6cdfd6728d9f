//! Threads in the web UI: a thread opens beside its conversation (`/w/{slug}/c/{id}/t/{root}`,
//! a link that works without the page script and as a deep link), with its own composer and
//! a Follow button; All threads (`/w/{slug}/threads`) lists the followed ones.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use ocomms_app::{Actor, AppError};
use ocomms_proto::message::{HistoryQuery, Message, ThreadItem, ThreadsQuery};
use ocomms_proto::{ConversationId, MessageId, UserId};

use crate::App;
use crate::web::conversation::{Panel, ViewQuery, after, page_for};
use crate::web::extract::{SignedForm, Viewer};
use crate::web::names::Names;
use crate::web::page::{Empty, PageResult, render};
use crate::web::shell::Shell;
use crate::web::timeline::{Item, replies_label, timeline};

/// Most replies the panel shows at once (the newest); older ones are a link away.
const PANEL_REPLIES: u32 = 200;

/// A thread as loaded, before names are put to it.
pub(crate) struct ThreadPanel {
    root: Message,
    replies: Vec<Message>,
    more_before: bool,
    following: bool,
}

/// The thread panel as the template draws it.
pub(crate) struct ThreadView {
    pub root_id: MessageId,
    /// The top-level message first, then the replies, oldest first.
    pub items: Vec<Item>,
    pub replies: String,
    /// Older replies exist than the panel shows.
    pub more_before: bool,
    pub following: bool,
    /// The top-level message is not deleted: replies are still taken.
    pub open: bool,
}

impl ThreadPanel {
    /// The thread of `root` in conversation `id` (a reply's link opens its thread), marked
    /// read for the viewer.
    pub(crate) async fn load(
        app: &App,
        actor: &Actor,
        id: ConversationId,
        root: MessageId,
    ) -> Result<Self, AppError> {
        let mut message = app.message(actor, root).await?;
        if let Some(parent) = message.thread_root_id {
            message = app.message(actor, parent).await?;
        }
        if message.conversation_id != id {
            return Err(AppError::NotFound("Message"));
        }
        let query = HistoryQuery {
            limit: Some(PANEL_REPLIES),
            ..HistoryQuery::default()
        };
        let page = app.replies(actor, message.id, &query).await?;
        app.mark_thread_read(actor, message.id).await?;
        let following = app.thread_following(actor, message.id).await?.following;
        Ok(Self {
            root: message,
            replies: page.messages,
            more_before: page.more_before,
            following,
        })
    }

    pub(crate) fn render(
        self,
        people: &HashMap<UserId, (String, String)>,
        viewer: UserId,
    ) -> ThreadView {
        let count = self.root.thread.as_ref().map_or(0, |t| t.reply_count);
        let root_id = self.root.id;
        let open = !self.root.deleted;
        let mut messages = self.replies;
        messages.insert(0, self.root);
        let mut items = timeline(messages, Vec::new(), people, viewer);
        for item in &mut items {
            item.in_thread = true;
        }
        ThreadView {
            root_id,
            items,
            replies: replies_label(count),
            more_before: self.more_before,
            following: self.following,
            open,
        }
    }
}

/// The conversation with a thread open beside it.
pub async fn view(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path((slug, id, root)): Path<(String, ConversationId, MessageId)>,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    Ok(render(
        &page_for(&app, &actor, &slug, id, &q, None, Panel::Thread(root)).await?,
    ))
}

/// Without the page script, the panel's Follow button posts here.
pub async fn follow(
    State(app): State<App>,
    Path((slug, id, root)): Path<(String, ConversationId, MessageId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    set_following(app, actor, slug, id, root, true).await
}

pub async fn unfollow(
    State(app): State<App>,
    Path((slug, id, root)): Path<(String, ConversationId, MessageId)>,
    SignedForm(actor, Empty {}): SignedForm<Empty>,
) -> PageResult {
    set_following(app, actor, slug, id, root, false).await
}

async fn set_following(
    app: App,
    actor: Actor,
    slug: String,
    id: ConversationId,
    root: MessageId,
    following: bool,
) -> PageResult {
    let to = format!("/w/{slug}/c/{id}/t/{root}");
    let outcome = app
        .follow_thread(&actor, root, following)
        .await
        .map(|_| to.as_str());
    after(&app, &actor, &slug, id, outcome).await
}

#[derive(Template)]
#[template(path = "threads.html")]
struct ThreadsPage {
    shell: Shell,
    slug: String,
    threads: Vec<ThreadCard>,
    /// The root id to continue after, when older threads exist.
    next: Option<MessageId>,
}

/// One followed thread on the All threads page.
struct ThreadCard {
    href: String,
    /// "#design" or the direct message's name.
    place: String,
    root_author: String,
    /// The message as rendered (safe HTML), clamped to a few lines by the stylesheet.
    root_html: String,
    latest: Option<(String, String)>,
    replies: String,
    last_reply_at: i64,
    unread: bool,
}

/// A message's rendered HTML (escaped when written), or what stands for a deleted one.
fn shown(message: &Message) -> String {
    if message.deleted {
        "<p><em>This message was deleted.</em></p>".to_owned()
    } else {
        message.html.clone()
    }
}

/// All threads: followed threads with replies, newest reply first.
pub async fn all(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(query): Query<ThreadsQuery>,
) -> PageResult {
    let list = app.threads(&actor, &slug, &query).await?;
    let shell = Shell::build(&app, &actor, Some(&slug), "threads", None).await?;
    let names = Names::load(&app, &actor, &slug, &shell).await?;
    let next = list
        .more
        .then(|| list.threads.last().map(|t| t.root.id))
        .flatten();
    let threads = list
        .threads
        .into_iter()
        .map(|item| card(&names, &slug, item))
        .collect();
    Ok(render(&ThreadsPage {
        shell,
        slug,
        threads,
        next,
    }))
}

/// One thread of All threads, as its card shows it.
fn card(names: &Names, slug: &str, item: ThreadItem) -> ThreadCard {
    let ThreadItem {
        root,
        latest_reply,
        unread,
    } = item;
    let thread = root.thread.as_ref();
    ThreadCard {
        href: format!("/w/{slug}/c/{}/t/{}", root.conversation_id, root.id),
        place: names
            .place(root.conversation_id)
            .unwrap_or_else(|| "An archived channel".to_owned()),
        root_author: names.person(root.author_id),
        root_html: shown(&root),
        latest: latest_reply.map(|r| (names.person(r.author_id), shown(&r))),
        replies: replies_label(thread.map_or(0, |t| t.reply_count)),
        last_reply_at: thread.map_or(root.created_at, |t| t.last_reply_at),
        unread,
    }
}
