//! The search benchmark's workspace, written straight into the server's database: people,
//! channels and memberships through the store's ordinary calls, and the messages (millions)
//! through its bulk path (`Store::append_history`), in batches, oldest first. Posting them
//! through the API would take hours; what is measured is searching them, not writing them.

use std::time::Instant;

use anyhow::Context as _;
use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::workspace::Role;
use ocomms_proto::{Timestamp, UserId, WorkspaceId};
use ocomms_store::{HistoryMessage, NewConversation, NewUser, Store, StoreError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::corpus::Vocabulary;

/// The workspace's slug: a second run finds it and searches what the first one wrote.
pub const SLUG: &str = "search-benchmark";
pub use crate::population::PASSWORD;
/// Words in the vocabulary.
pub const VOCABULARY: usize = 50_000;
/// Messages written per transaction.
const BATCH: usize = 20_000;
const DAY_MS: i64 = 86_400_000;

/// How big the workspace is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Layout {
    pub messages: u64,
    pub users: usize,
    pub channels: usize,
    /// Members of each channel, besides the searcher.
    pub members_per_channel: usize,
    /// Channels the searcher (person 0) is in, besides #general.
    pub searcher_channels: usize,
    /// The history spans this many years, up to now.
    pub years: u32,
    pub seed: u64,
}

impl Layout {
    /// Channel `c`'s members: a run of `members_per_channel` people (so each person is in
    /// about `channels × members_per_channel / users` channels), with the searcher in the
    /// first `searcher_channels`.
    pub fn members_of(&self, channel: usize) -> Vec<usize> {
        let mut members: Vec<usize> = (0..self.members_per_channel.min(self.users))
            .map(|j| (channel * self.members_per_channel + j) % self.users)
            .collect();
        if channel < self.searcher_channels && !members.contains(&0) {
            members.push(0);
        }
        members
    }
}

pub fn email(person: usize) -> String {
    format!("search-{person}@example.invalid")
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Filled {
    pub seconds: f64,
    pub messages_per_second: f64,
}

/// Writes the workspace unless it is there already (then `None`).
pub async fn fill_once(store: &Store, layout: &Layout) -> anyhow::Result<Option<Filled>> {
    if store.workspace_by_slug(SLUG).await?.is_some() {
        return Ok(None);
    }
    let started = Instant::now();
    let now = now_ms();
    let people = people(store, layout.users, now).await?;
    let workspace = store
        .create_workspace("Search benchmark", SLUG, people[0], now)
        .await?;
    anyhow::ensure!(
        workspace.slug == SLUG,
        "the slug {SLUG} is taken by another workspace"
    );
    for &person in &people[1..] {
        store
            .add_member(workspace.id, person, Role::Member, now)
            .await?;
    }
    let channels = channels(store, layout, workspace.id, &people, now).await?;
    eprintln!(
        "search: {} people and {} channels in {:.1} s; writing {} messages…",
        people.len(),
        channels.len(),
        started.elapsed().as_secs_f64(),
        layout.messages
    );
    let writing = Instant::now();
    messages(store, layout, &channels, &people, now).await?;
    let seconds = writing.elapsed().as_secs_f64();
    store.refresh_statistics().await?;
    Ok(Some(Filled {
        seconds: started.elapsed().as_secs_f64(),
        messages_per_second: layout.messages as f64 / seconds,
    }))
}

async fn people(store: &Store, count: usize, now: Timestamp) -> anyhow::Result<Vec<UserId>> {
    let password_hash =
        ocomms_domain::password::hash(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut people = Vec::with_capacity(count);
    for person in 0..count {
        let new = NewUser {
            email: email(person),
            password_hash: password_hash.clone(),
            display_name: if person == 0 {
                "Searcher".to_owned()
            } else {
                format!("Person {person}")
            },
            email_verified: true,
            created_at: now,
        };
        let id = match store.create_user(&new).await {
            Ok(user) => user.id,
            // Left by an earlier run that stopped before its workspace was made.
            Err(StoreError::Conflict) => {
                store
                    .user_by_email(&new.email)
                    .await?
                    .context("a taken address has no account")?
                    .id
            }
            Err(e) => return Err(e.into()),
        };
        people.push(id);
    }
    Ok(people)
}

/// The channels, each with its members' ids.
async fn channels(
    store: &Store,
    layout: &Layout,
    workspace: WorkspaceId,
    people: &[UserId],
    now: Timestamp,
) -> anyhow::Result<Vec<(ocomms_proto::ConversationId, Vec<UserId>)>> {
    let mut channels = Vec::with_capacity(layout.channels);
    for channel in 0..layout.channels {
        let members: Vec<UserId> = layout
            .members_of(channel)
            .into_iter()
            .map(|n| people[n])
            .collect();
        let creator = members[0];
        let new = NewConversation {
            workspace_id: workspace,
            kind: ConversationKind::Public,
            name: Some(format!("topic-{channel}")),
            topic: String::new(),
            description: String::new(),
            direct_key: None,
            created_by: creator,
            members: members
                .iter()
                .map(|&m| {
                    let role = if m == creator {
                        ConversationRole::Manager
                    } else {
                        ConversationRole::Member
                    };
                    (m, role)
                })
                .collect(),
            now,
        };
        let created = store.create_conversation(&new).await?;
        channels.push((created.id, members));
    }
    Ok(channels)
}

/// The history: each message in a channel drawn evenly, by one of its members, its time
/// spread evenly over the years up to now (so ids and times rise together, as posted).
async fn messages(
    store: &Store,
    layout: &Layout,
    channels: &[(ocomms_proto::ConversationId, Vec<UserId>)],
    people: &[UserId],
    now: Timestamp,
) -> anyhow::Result<()> {
    let vocabulary = Vocabulary::new(VOCABULARY);
    let mut rng = StdRng::seed_from_u64(layout.seed);
    let span = i64::from(layout.years) * 365 * DAY_MS;
    let start = now - span;
    let total = layout.messages;
    let step = span as f64 / total.max(1) as f64;
    let started = Instant::now();
    let mut written = 0u64;
    let mut batch = Vec::with_capacity(BATCH);
    while written < total {
        batch.clear();
        let size = (total - written).min(BATCH as u64);
        for n in written..written + size {
            let (conversation, members) = &channels[rng.random_range(0..channels.len())];
            let author = members
                .get(rng.random_range(0..members.len()))
                .copied()
                .unwrap_or(people[0]);
            let body = vocabulary.message(&mut rng);
            batch.push(HistoryMessage {
                conversation: *conversation,
                author,
                html: ocomms_domain::markdown::render(&body),
                body,
                created_at: start + (n as f64 * step) as i64,
                thread_root: None,
                also_in_channel: false,
                edited_at: None,
            });
        }
        store.append_history(&batch).await?;
        written += size;
        if written % 1_000_000 < size {
            eprintln!(
                "search: {written} messages written, {:.0}/s",
                written as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

fn now_ms() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
