//! The conditions of a search statement and their bound values: the words in each
//! backend's full-text syntax, and the operators (docs/adr/0020).

use ocomms_domain::search::{Query, Term};

use super::{Driver, Search};
use crate::backend::Backend;
use crate::message::placeholders;

/// A value bound to the statement being built, in order.
pub(super) enum Bind {
    Int(i64),
    Text(String),
}

/// Builds the statement's conditions and their values (`$3` onwards: `$1` is the searcher,
/// `$2` the workspace).
pub(super) struct Conditions {
    pub(super) sql: Vec<String>,
    pub(super) binds: Vec<Bind>,
    /// Which rows the statement starts from (see `search_messages`).
    pub(super) driver: Driver,
    /// How well a row matches the words, lower is better (most relevant order).
    pub(super) score: Option<String>,
    /// Public channels the searcher is not in are searched too.
    pub(super) all_public: bool,
    /// SQLite: `CROSS JOIN` fixes the order tables are read in (PostgreSQL has no such
    /// hint, nor `CROSS JOIN … ON`).
    pub(super) sqlite: bool,
}

impl Conditions {
    pub(super) fn next(&self) -> usize {
        self.binds.len() + 3
    }

    pub(super) fn int(&mut self, value: i64) -> String {
        let at = self.next();
        self.binds.push(Bind::Int(value));
        format!("${at}")
    }

    pub(super) fn text(&mut self, value: String) -> String {
        let at = self.next();
        self.binds.push(Bind::Text(value));
        format!("${at}")
    }

    pub(super) fn texts(&mut self, values: &[String]) -> String {
        let first = self.next();
        self.binds.extend(values.iter().cloned().map(Bind::Text));
        placeholders(first, values.len())
    }
}

/// The words, phrases and prefixes, in the backend's full-text syntax. Tokens are letters
/// and digits only, so nothing in them is syntax; the query is bound, never spliced.
pub(super) fn text_conditions(backend: Backend, query: &Query, c: &mut Conditions) {
    let (wanted, unwanted): (Vec<&Term>, Vec<&Term>) =
        query.terms.iter().partition(|t| !t.excluded);
    match backend {
        Backend::Sqlite => {
            let fts = |terms: &[&Term], join: &str| {
                terms
                    .iter()
                    .map(|t| {
                        let phrase = format!("\"{}\"", t.tokens.join(" "));
                        if t.prefix {
                            format!("{phrase}*")
                        } else {
                            phrase
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(join)
            };
            if !wanted.is_empty() {
                let mut expression = format!("({})", fts(&wanted, " AND "));
                if !unwanted.is_empty() {
                    expression.push_str(&format!(" NOT ({})", fts(&unwanted, " OR ")));
                }
                let at = c.text(expression);
                c.sql.push(format!("messages_search MATCH {at}"));
                // FTS5's BM25: negative, the better the lower.
                c.score = Some("bm25(messages_search)".to_owned());
            } else if !unwanted.is_empty() {
                let at = c.text(fts(&unwanted, " OR "));
                c.sql.push(format!(
                    "m.id NOT IN (SELECT rowid FROM messages_search \
                     WHERE messages_search MATCH {at})"
                ));
            }
        }
        Backend::Postgres => {
            let tsquery = |terms: &[&Term], join: &str| {
                terms
                    .iter()
                    .map(|t| {
                        let last = t.tokens.len().saturating_sub(1);
                        let words: Vec<String> = t
                            .tokens
                            .iter()
                            .enumerate()
                            .map(|(i, w)| {
                                if t.prefix && i == last {
                                    format!("{w}:*")
                                } else {
                                    w.clone()
                                }
                            })
                            .collect();
                        format!("({})", words.join(" <-> "))
                    })
                    .collect::<Vec<_>>()
                    .join(join)
            };
            if !wanted.is_empty() {
                let at = c.text(tsquery(&wanted, " & "));
                c.sql
                    .push(format!("m.search @@ to_tsquery('simple', {at})"));
                // Negated so that, as with SQLite's BM25, lower is better. Normalised by
                // the message's length (1: divided by 1 + log of it), so a long message
                // does not win on length alone.
                c.score = Some(format!("-ts_rank(m.search, to_tsquery('simple', {at}), 1)"));
            }
            if !unwanted.is_empty() {
                let at = c.text(tsquery(&unwanted, " | "));
                c.sql
                    .push(format!("NOT (m.search @@ to_tsquery('simple', {at}))"));
            }
        }
    }
}

/// The operators: who, where, when, and what the message has.
pub(super) fn filters(search: &Search<'_>, c: &mut Conditions) {
    let q = search.query;
    if !q.from.is_empty() {
        let handles = c.texts(&q.from);
        c.sql.push(if c.driver == Driver::Authors {
            format!("author.handle IN ({handles})")
        } else {
            format!("m.author_id IN (SELECT id FROM users WHERE handle IN ({handles}))")
        });
    }
    if !q.in_channels.is_empty() {
        let names = c.texts(&q.in_channels);
        c.sql.push(format!(
            "c.kind IN ('public', 'private') AND c.name IN ({names})"
        ));
    }
    if !q.in_directs.is_empty() {
        let handles = c.texts(&q.in_directs);
        c.sql.push(format!(
            "c.kind IN ('direct', 'group') AND EXISTS (SELECT 1 FROM conversation_members dm \
             JOIN users u ON u.id = dm.user_id WHERE dm.conversation_id = c.id \
             AND u.handle IN ({handles}))"
        ));
    }
    let zone = search.time_zone;
    if let Some(day) = q.before {
        let at = c.int(day.start(zone));
        c.sql.push(format!("m.created_at < {at}"));
    }
    if let Some(day) = q.after {
        let at = c.int(day.end(zone));
        c.sql.push(format!("m.created_at >= {at}"));
    }
    if let Some(day) = q.on {
        let (start, end) = (c.int(day.start(zone)), c.int(day.end(zone)));
        c.sql
            .push(format!("m.created_at >= {start} AND m.created_at < {end}"));
    }
    if q.has_link {
        // Links are rendered as anchors with `href` first; mention spans and channel links
        // (`<a class=…`) are not links out.
        c.sql.push("m.html LIKE '%<a href=%'".to_owned());
    }
    if q.has_reaction {
        c.sql.push(
            "EXISTS (SELECT 1 FROM message_reactions r WHERE r.message_id = m.id)".to_owned(),
        );
    }
    if q.is_pinned {
        c.sql.push("m.pinned_at IS NOT NULL".to_owned());
    }
    if q.is_thread {
        c.sql
            .push("(m.thread_root_id IS NOT NULL OR m.reply_count > 0)".to_owned());
    }
}
