//! The search page (issue 16; docs/adr/0020): `/w/{slug}/search?q=…`. The query stays in
//! the URL (shareable, the back button works); people and channels whose names match come
//! first, then messages newest first with the words found marked, each linking to the
//! message in its conversation (or thread), shown in the middle of the page and highlighted.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use ocomms_app::{Actor, AppError};
use ocomms_domain::search;
use ocomms_proto::ConversationId;
use ocomms_proto::conversation::ChannelQuery;
use ocomms_proto::message::Message;
use ocomms_proto::search::{FoundIn, SearchOrder, SearchQuery};

use crate::App;
use crate::web::extract::Viewer;
use crate::web::page::{PageResult, render_with};
use crate::web::shell::Shell;

/// People or channels listed above the messages, at most.
const NAMES_SHOWN: usize = 8;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    shell: Shell,
    slug: String,
    q: String,
    error: Option<String>,
    searched: bool,
    /// A later page (no people or channels then).
    further: bool,
    relevant: bool,
    all_public: bool,
    /// Guests search only their own conversations: no switch for them.
    offers_public: bool,
    /// (`#name`, link)
    places: Vec<(String, String)>,
    /// (name, handle, link to a search of their messages)
    people: Vec<(String, String, String)>,
    results: Vec<Found>,
    /// The next page's query string (`q` and the options included).
    next: Option<String>,
}

/// One message found.
struct Found {
    place: String,
    archived: bool,
    /// A public channel found through "all public channels" that the viewer is not in.
    not_joined: bool,
    author: String,
    pieces: Vec<(String, bool)>,
    at: i64,
    href: String,
}

pub async fn page(
    State(app): State<App>,
    Viewer(actor): Viewer,
    Path(slug): Path<String>,
    Query(mut params): Query<SearchQuery>,
) -> PageResult {
    let shell = Shell::build(&app, &actor, Some(&slug), "search", None).await?;
    params.q = params.q.trim().to_owned();
    let q = params.q.clone();
    let offers_public = shell
        .current
        .as_ref()
        .is_some_and(|w| w.role != ocomms_proto::workspace::Role::Guest);
    let mut page = SearchPage {
        shell,
        slug: slug.clone(),
        q: q.clone(),
        error: None,
        searched: false,
        further: params.before.is_some() || params.offset.is_some_and(|o| o > 0),
        relevant: params.order == SearchOrder::Relevant,
        all_public: params.all_public,
        offers_public,
        places: Vec::new(),
        people: Vec::new(),
        results: Vec::new(),
        next: None,
    };
    if q.is_empty() {
        return Ok(render_with(StatusCode::OK, &page));
    }
    let found = match app.search(&actor, &slug, &params).await {
        Ok(found) => found,
        Err(error @ AppError::Invalid(_)) => {
            page.error = Some(crate::http::error::public_message(&error));
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        Err(other) => return Err(other.into()),
    };
    // A query that parsed above cannot fail here.
    let query = search::parse(&q).unwrap_or_default();
    let names = Directory::load(&app, &actor, &slug).await?;
    if !page.further {
        page.places = names.places_matching(&query, &slug);
        page.people = names.people_matching(&query, &slug);
    }
    page.next = found
        .more
        .then(|| next_page(&params, &found.messages))
        .flatten();
    page.results = found
        .messages
        .iter()
        .map(|m| names.found(m, &found.conversations, &query, &slug))
        .collect();
    page.searched = true;
    Ok(render_with(StatusCode::OK, &page))
}

/// Names of the workspace's people and the viewer's conversations.
struct Directory {
    /// (id, name, handle)
    people: Vec<(ocomms_proto::UserId, String, String)>,
    /// id → (`#name` or the direct message's name, archived)
    places: HashMap<ConversationId, (String, bool)>,
    /// Channels the viewer can see: (`name`, id, archived)
    channels: Vec<(String, ConversationId, bool)>,
}

impl Directory {
    async fn load(app: &App, actor: &Actor, slug: &str) -> Result<Self, AppError> {
        let people = app
            .members(actor, slug)
            .await?
            .into_iter()
            .map(|m| (m.user_id, m.profile.display_name, m.profile.handle))
            .collect();
        let mut listed = app.channels(actor, slug, &ChannelQuery::default()).await?;
        listed.extend(
            app.channels(
                actor,
                slug,
                &ChannelQuery {
                    archived: Some(true),
                    ..ChannelQuery::default()
                },
            )
            .await?,
        );
        let mut places = HashMap::new();
        let mut channels = Vec::new();
        for c in listed {
            let archived = c.archived;
            places.insert(c.id, (format!("#{}", c.name), archived));
            channels.push((c.name, c.id, archived));
        }
        for d in app.directs(actor, slug).await? {
            places.insert(d.id, (d.name, false));
        }
        Ok(Self {
            people,
            places,
            channels,
        })
    }

    fn words(query: &search::Query) -> Vec<&str> {
        query
            .terms
            .iter()
            .filter(|t| !t.excluded)
            .flat_map(|t| t.tokens.iter().map(String::as_str))
            .collect()
    }

    fn places_matching(&self, query: &search::Query, slug: &str) -> Vec<(String, String)> {
        let words = Self::words(query);
        if words.is_empty() {
            return Vec::new();
        }
        self.channels
            .iter()
            .filter(|(name, _, _)| {
                let parts = search::tokens(name);
                words.iter().all(|w| parts.iter().any(|p| p.starts_with(w)))
            })
            .take(NAMES_SHOWN)
            .map(|(name, id, _)| (format!("#{name}"), format!("/w/{slug}/c/{id}")))
            .collect()
    }

    fn people_matching(&self, query: &search::Query, slug: &str) -> Vec<(String, String, String)> {
        let words = Self::words(query);
        if words.is_empty() {
            return Vec::new();
        }
        self.people
            .iter()
            .filter(|(_, name, handle)| {
                let mut parts = search::tokens(name);
                parts.extend(search::tokens(handle));
                words.iter().all(|w| parts.iter().any(|p| p.starts_with(w)))
            })
            .take(NAMES_SHOWN)
            .map(|(_, name, handle)| {
                (
                    name.clone(),
                    handle.clone(),
                    format!("/w/{slug}/search?q={}", encode(&format!("from:@{handle}"))),
                )
            })
            .collect()
    }

    fn found(&self, m: &Message, found_in: &[FoundIn], query: &search::Query, slug: &str) -> Found {
        let conversation = found_in.iter().find(|c| c.id == m.conversation_id);
        let (place, archived) = self
            .places
            .get(&m.conversation_id)
            .cloned()
            .unwrap_or_else(|| ("a conversation".to_owned(), false));
        let archived = conversation.map_or(archived, |c| c.archived);
        let not_joined = conversation.is_some_and(|c| !c.is_member);
        let author = self
            .people
            .iter()
            .find(|(id, _, _)| *id == m.author_id)
            .map_or_else(|| "Former member".to_owned(), |(_, name, _)| name.clone());
        let href = match m.thread_root_id {
            Some(root) if !m.also_in_channel => {
                format!("/w/{slug}/c/{}/t/{root}#t{}", m.conversation_id, m.id)
            }
            _ => format!(
                "/w/{slug}/c/{}?around={}#m{}",
                m.conversation_id, m.seq, m.id
            ),
        };
        Found {
            place,
            archived,
            not_joined,
            author,
            pieces: search::snippet(&ocomms_domain::markdown::plain_text(&m.body), query),
            at: m.created_at,
            href,
        }
    }
}

/// The query string of the page after `shown`, with the same options.
fn next_page(params: &SearchQuery, shown: &[Message]) -> Option<String> {
    let mut next = format!("q={}", encode(&params.q));
    if params.all_public {
        next.push_str("&all_public=true");
    }
    match params.order {
        SearchOrder::Newest => next.push_str(&format!("&before={}", shown.last()?.id)),
        SearchOrder::Relevant => {
            let offset = params.offset.unwrap_or(0) as usize + shown.len();
            next.push_str(&format!("&order=relevant&offset={offset}"));
        }
    }
    Some(next)
}

/// A query-string value.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
