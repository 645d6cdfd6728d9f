//! `search`: search in a big workspace (issue 16). Writes, once, a workspace of `messages`
//! messages (ten million by default) in 1,000 channels by 10,000 people over five years
//! (`fill`: straight into the database through the store's bulk path), then one person in
//! 100 of the channels searches through the API, one request after another:
//! - one word, newest first: common, middling and rare words in turn;
//! - a phrase with `from:@person` and `after:date`, taken from a message found earlier, so
//!   it is known to match;
//! - one word (of any kind), most relevant first (`order=relevant`).
//!
//! Latency is from request sent to page read (query and HTTP). Every answer is checked to
//! hold only messages of the searcher's own conversations.

pub mod corpus;
pub mod fill;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, ensure};
use ocomms_client::Client;
use ocomms_proto::conversation::ChannelQuery;
use ocomms_proto::message::Message;
use ocomms_proto::search::{SearchOrder, SearchQuery};
use ocomms_proto::{ConversationId, MessageId, UserId};
use ocomms_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::connection::Connector;
use crate::measure::{Latencies, Percentiles, ServerProcess, ServerUsage};
use corpus::Vocabulary;
use fill::{Filled, Layout};

#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// The server's database, written directly.
    pub database_url: String,
    pub layout: Layout,
    /// Requests of each kind.
    pub requests: usize,
}

#[derive(Debug, Serialize)]
pub struct SearchReport {
    pub layout: Layout,
    /// How the workspace was written; `None` when an earlier run had written it.
    pub filled: Option<Filled>,
    pub database_bytes: i64,
    pub index_bytes: i64,
    /// Messages in the searcher's conversations.
    pub searchable_messages: u64,
    pub requests: usize,
    pub common_word: Percentiles,
    pub middling_word: Percentiles,
    pub rare_word: Percentiles,
    pub single_word: Percentiles,
    pub phrase_from_after: Percentiles,
    /// One word, most relevant first.
    pub relevant_word: Percentiles,
    /// Of the single-word searches, how many found something.
    pub single_word_found: usize,
    pub server: Option<ServerUsage>,
}

impl std::fmt::Display for SearchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let l = &self.layout;
        write!(
            f,
            "search: {} messages, {} channels, {} people; searcher in {} channels ({} messages)",
            l.messages, l.channels, l.users, l.searcher_channels, self.searchable_messages
        )?;
        if let Some(filled) = &self.filled {
            write!(
                f,
                "\n  written in {:.0} s ({:.0} messages/s)",
                filled.seconds, filled.messages_per_second
            )?;
        }
        let mib = |bytes: i64| bytes as f64 / 1_048_576.0;
        write!(
            f,
            "\n  database {:.0} MiB, search index {:.0} MiB ({:.0} bytes per message)",
            mib(self.database_bytes),
            mib(self.index_bytes),
            self.index_bytes as f64 / l.messages.max(1) as f64
        )?;
        write!(
            f,
            "\n  one word, {} requests ({} found something): {}\n    common: {}\n    middling: {}\n    rare: {}\n  phrase + from: + after:, {} requests: {}\n  one word, most relevant first, {} requests: {}",
            self.requests,
            self.single_word_found,
            self.single_word,
            self.common_word,
            self.middling_word,
            self.rare_word,
            self.requests,
            self.phrase_from_after,
            self.requests,
            self.relevant_word
        )?;
        if let Some(server) = &self.server {
            write!(f, "\n  {server}")?;
        }
        Ok(())
    }
}

/// Vocabulary ranks of each kind of single word.
const COMMON: std::ops::Range<usize> = 0..100;
const MIDDLING: std::ops::Range<usize> = 100..2_000;
const RARE: std::ops::Range<usize> = 2_000..fill::VOCABULARY;

pub async fn run(
    connector: Arc<Connector>,
    options: &SearchOptions,
    server: Option<ServerProcess>,
) -> anyhow::Result<SearchReport> {
    let store = Store::open(&options.database_url)
        .await
        .context("opening the server's database")?;
    let filled = fill::fill_once(&store, &options.layout).await?;
    let database_bytes = store.database_bytes().await?;
    let index_bytes = store.search_index_bytes().await?;
    store.close().await;

    let mut searcher = Client::new(connector.base_url(0));
    searcher
        .sign_in(&fill::email(0), fill::PASSWORD)
        .await
        .context("signing in as the searcher (is the server on the same database?)")?;
    let slug = fill::SLUG;
    let mine: HashSet<ConversationId> = searcher
        .channels(slug, &ChannelQuery::default())
        .await?
        .into_iter()
        .filter(|c| c.is_member)
        .map(|c| c.id)
        .collect();
    let handles: HashMap<UserId, String> = searcher
        .members(slug)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.profile.handle))
        .collect();
    let searchable_messages = (options.layout.messages as f64
        * options.layout.searcher_channels as f64
        / options.layout.channels.max(1) as f64) as u64;

    let vocabulary = Vocabulary::new(fill::VOCABULARY);
    let mut rng = StdRng::seed_from_u64(options.layout.seed ^ 0x5eed);
    let searching = Searching {
        searcher: &searcher,
        slug,
        mine: &mine,
        requests: options.requests,
    };
    let before = server.map(|s| s.sample()).transpose()?;
    let words = searching.single_words(&vocabulary, &mut rng).await?;
    let phrase_from_after = searching.phrases(&handles, &mut rng).await?;
    let relevant_word = searching.most_relevant(&vocabulary, &mut rng).await?;
    let after = server.map(|s| s.sample()).transpose()?;
    Ok(SearchReport {
        layout: options.layout.clone(),
        filled,
        database_bytes,
        index_bytes,
        searchable_messages,
        requests: options.requests,
        common_word: words.common,
        middling_word: words.middling,
        rare_word: words.rare,
        single_word: words.all,
        phrase_from_after,
        relevant_word,
        single_word_found: words.found,
        server: before.zip(after).map(|(b, a)| ServerUsage::between(b, a)),
    })
}

/// The searcher and what every answer is checked against.
struct Searching<'a> {
    searcher: &'a Client,
    slug: &'a str,
    mine: &'a HashSet<ConversationId>,
    /// Requests of each kind.
    requests: usize,
}

/// Single-word timings by kind.
struct SingleWords {
    common: Percentiles,
    middling: Percentiles,
    rare: Percentiles,
    all: Percentiles,
    /// Searches that found something.
    found: usize,
}

impl Searching<'_> {
    /// One word newest first, common, middling and rare in turn.
    async fn single_words(
        &self,
        vocabulary: &Vocabulary,
        rng: &mut StdRng,
    ) -> anyhow::Result<SingleWords> {
        let kinds = [
            (Latencies::new(), COMMON),
            (Latencies::new(), MIDDLING),
            (
                Latencies::new(),
                RARE.start.min(vocabulary.len())..vocabulary.len(),
            ),
        ];
        let all = Latencies::new();
        let mut found = 0;
        for request in 0..self.requests {
            let (latencies, ranks) = &kinds[request % kinds.len()];
            let word = vocabulary.word(rng.random_range(ranks.clone()));
            let sent = Instant::now();
            let results = self.searcher.search(self.slug, word, None).await?;
            latencies.record(request, sent.elapsed());
            all.record(request, sent.elapsed());
            check_reach(&results.messages, self.mine)?;
            found += usize::from(!results.messages.is_empty());
        }
        let [common, middling, rare] = kinds.map(|(latencies, _)| latencies.percentiles());
        Ok(SingleWords {
            common,
            middling,
            rare,
            all: all.percentiles(),
            found,
        })
    }

    /// `"two words" from:@author after:day` of messages from all over the history, each
    /// known to match.
    async fn phrases(
        &self,
        handles: &HashMap<UserId, String>,
        rng: &mut StdRng,
    ) -> anyhow::Result<Percentiles> {
        let samples = sample_messages(self.searcher, self.slug, self.requests, rng).await?;
        let phrases = Latencies::new();
        for (request, sample) in samples.iter().enumerate() {
            let query = phrase_query(sample, handles, rng)?;
            let sent = Instant::now();
            let results = self.searcher.search(self.slug, &query, None).await?;
            phrases.record(request, sent.elapsed());
            check_reach(&results.messages, self.mine)?;
            ensure!(
                !results.messages.is_empty(),
                "{query:?} found nothing, though message {} matches it",
                sample.id
            );
        }
        Ok(phrases.percentiles())
    }

    /// One word of any kind, most relevant first.
    async fn most_relevant(
        &self,
        vocabulary: &Vocabulary,
        rng: &mut StdRng,
    ) -> anyhow::Result<Percentiles> {
        let latencies = Latencies::new();
        for request in 0..self.requests {
            let query = SearchQuery {
                q: vocabulary
                    .word(rng.random_range(0..vocabulary.len()))
                    .to_owned(),
                order: SearchOrder::Relevant,
                ..SearchQuery::default()
            };
            let sent = Instant::now();
            let results = self.searcher.search_with(self.slug, &query).await?;
            latencies.record(request, sent.elapsed());
            check_reach(&results.messages, self.mine)?;
        }
        Ok(latencies.percentiles())
    }
}

/// Nothing from a conversation the searcher is not in.
fn check_reach(messages: &[Message], mine: &HashSet<ConversationId>) -> anyhow::Result<()> {
    match messages.iter().find(|m| !mine.contains(&m.conversation_id)) {
        Some(leak) => anyhow::bail!(
            "search answered message {} of conversation {}, which the searcher is not in",
            leak.id,
            leak.conversation_id
        ),
        None => Ok(()),
    }
}

/// `count` messages from all over the searcher's history: the newest with the commonest
/// word before a random point.
async fn sample_messages(
    searcher: &Client,
    slug: &str,
    count: usize,
    rng: &mut StdRng,
) -> anyhow::Result<Vec<Message>> {
    let newest = searcher.search(slug, "the", None).await?;
    let Some(last) = newest.messages.first().map(|m| m.id.0) else {
        anyhow::bail!("the searcher's conversations hold no messages");
    };
    let mut samples = Vec::with_capacity(count);
    while samples.len() < count {
        let before = MessageId(rng.random_range(1..=last));
        let page = searcher.search(slug, "the", Some(before)).await?;
        samples.extend(page.messages.into_iter().take(1));
    }
    Ok(samples)
}

/// Two neighbouring words of `message` as a phrase, its author, and a day 90 days before it.
fn phrase_query(
    message: &Message,
    handles: &HashMap<UserId, String>,
    rng: &mut StdRng,
) -> anyhow::Result<String> {
    let words = ocomms_domain::search::tokens(&message.body);
    ensure!(words.len() >= 2, "message {} has one word", message.id);
    let at = rng.random_range(0..words.len() - 1);
    let handle = handles
        .get(&message.author_id)
        .with_context(|| format!("no handle for {}", message.author_id))?;
    let day = jiff::Timestamp::from_millisecond(message.created_at - 90 * 86_400_000)?
        .strftime("%Y-%m-%d");
    Ok(format!(
        "\"{} {}\" from:@{handle} after:{day}",
        words[at],
        words[at + 1]
    ))
}
