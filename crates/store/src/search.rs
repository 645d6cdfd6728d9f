//! Message search (issue 16; docs/adr/0020): each backend's own full-text index, kept in the
//! transaction that writes the message (SQLite: an FTS5 table filled by triggers; PostgreSQL:
//! a generated `tsvector` column with a GIN index), both over the same tokens (runs of
//! letters and digits, lowercased: `ocomms_domain::search::tokens`), so both find the same
//! messages. Only conversations the searcher is in *now* are searched.

use ocomms_domain::search::{Query, Term};
use ocomms_proto::message::Message;
use ocomms_proto::{MessageId, UserId, WorkspaceId};

mod conditions;

use conditions::{Bind, Conditions, filters, text_conditions};

use crate::backend::{Backend, on_pool};
use crate::message::{COLUMNS, message_from_row};
use crate::{Store, StoreResult};

/// One search: the parsed query, the searcher's time zone (for dates), where to look, the
/// order and the page.
#[derive(Debug, Clone, Copy)]
pub struct Search<'a> {
    pub query: &'a Query,
    pub time_zone: &'a str,
    /// Also the workspace's public channels the searcher is not in.
    pub all_public: bool,
    /// Newest first: continue with messages older than this one.
    pub before: Option<MessageId>,
    /// Most relevant first (a query with words): rank the newest `RANKED` matches and
    /// skip this many of them.
    pub ranked: Option<i64>,
    pub limit: i64,
}

/// Matches a "most relevant" search ranks: the newest ones, so that a common word costs a
/// page of the index rather than every message holding it (docs/adr/0020).
pub const RANKED: i64 = ocomms_proto::search::MAX_RANKED as i64;

/// What a search reads first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Driver {
    /// The messages, newest first, with the conditions on each (PostgreSQL's planner picks
    /// its own way; SQLite without words).
    Messages,
    /// SQLite, words: the FTS5 index, newest match first.
    Index,
    /// Words and `from:`: those people's messages, newest first, their text matched here
    /// rather than by a seek into the index per message (SQLite) or by a walk through all
    /// messages newest first (PostgreSQL's plan for common words).
    Authors,
    /// PostgreSQL, a word its statistics do not count among the common ones: every match
    /// from the GIN index first (few), then the newest of them. Left to itself the planner
    /// may walk all messages newest first looking for a word it guessed to be frequent.
    Matches,
}

/// Messages read at a time when their text is matched here.
const AUTHORS_CHUNK: i64 = 256;

impl Store {
    /// The newest messages matching `search` in conversations of `workspace` that `user` is
    /// a member of (archived ones too), live only; and whether more match.
    pub async fn search_messages(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        search: &Search<'_>,
    ) -> StoreResult<(Vec<Message>, bool)> {
        let query = search.query;
        let ranked = search.ranked.is_some() && query.has_text();
        let driver = match self.backend() {
            // A few people's messages are fewer than a word's matches: read those and match
            // their text here. Ranking needs the index's own score, so it reads the index.
            _ if query.has_text() && !query.from.is_empty() && !ranked => Driver::Authors,
            Backend::Sqlite if query.has_text() => Driver::Index,
            Backend::Postgres if query.has_text() && !self.all_common(query).await? => {
                Driver::Matches
            }
            _ => Driver::Messages,
        };
        let mut c = Conditions {
            sql: Vec::new(),
            binds: Vec::new(),
            driver,
            score: None,
            all_public: search.all_public,
            sqlite: self.backend() == Backend::Sqlite,
        };
        if driver != Driver::Authors {
            text_conditions(self.backend(), query, &mut c);
        }
        filters(search, &mut c);
        let wanted = search.limit + 1;
        let sql = match search.ranked {
            Some(skip) if ranked => ranked_statement(skip, wanted, &mut c),
            _ => newest_first(search.before, wanted, &mut c, ""),
        };
        let mut messages = if driver == Driver::Authors {
            self.matching_from_authors(&sql, &mut c, user, workspace, query, wanted)
                .await?
        } else {
            self.fetch(&sql, &c, user, workspace).await?
        };
        messages.truncate(usize::try_from(wanted).unwrap_or(0));
        let more = messages.len() as i64 > search.limit;
        messages.truncate(usize::try_from(search.limit).unwrap_or(0));
        self.attach_details(&mut messages).await?;
        Ok((messages, more))
    }

    /// `Driver::Authors`: the people's messages a chunk at a time, newest first, keeping
    /// those whose text matches, until `wanted` are found or none are left.
    async fn matching_from_authors(
        &self,
        sql: &str,
        c: &mut Conditions,
        user: UserId,
        workspace: WorkspaceId,
        query: &Query,
        wanted: i64,
    ) -> StoreResult<Vec<Message>> {
        // The cursor is bound last but one (the chunk size last): see `newest_first`.
        let cursor_at = c.binds.len() - 2;
        let mut messages = Vec::new();
        loop {
            let chunk = self.fetch(sql, c, user, workspace).await?;
            let last = chunk.last().map(|m| m.id.0);
            let exhausted = (chunk.len() as i64) < AUTHORS_CHUNK;
            messages.extend(chunk.into_iter().filter(|m| query.matches_text(&m.body)));
            match last {
                Some(last) if !exhausted && (messages.len() as i64) < wanted => {
                    c.binds[cursor_at] = Bind::Int(last);
                }
                _ => return Ok(messages),
            }
        }
    }

    async fn fetch(
        &self,
        sql: &str,
        c: &Conditions,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<Message>> {
        Ok(on_pool!(self, |pool| {
            let mut statement = sqlx::query(sql).bind(user.0).bind(workspace.0);
            for bind in &c.binds {
                statement = match bind {
                    Bind::Int(value) => statement.bind(*value),
                    Bind::Text(value) => statement.bind(value.as_str()),
                };
            }
            let rows = statement.fetch_all(pool).await?;
            rows.iter()
                .map(message_from_row)
                .collect::<Result<Vec<_>, _>>()?
        }))
    }
}

/// Most relevant first: the newest `RANKED` matches (as `newest_first` finds them), scored,
/// best first, newest first among equals; `skip` of them left out.
fn ranked_statement(skip: i64, wanted: i64, c: &mut Conditions) -> String {
    let score = c.score.clone().unwrap_or_else(|| "0".to_owned());
    let newest = newest_first(None, RANKED, c, &format!(", {score} AS score"));
    let (wanted, skip) = (c.int(wanted), c.int(skip));
    format!("SELECT * FROM ({newest}) ranked ORDER BY score, id DESC LIMIT {wanted} OFFSET {skip}")
}

/// The rows of `c`'s driver and conditions older than `before`, newest first, with `extra`
/// columns; binds the cursor and then the number of rows.
fn newest_first(before: Option<MessageId>, wanted: i64, c: &mut Conditions, extra: &str) -> String {
    let driver = c.driver;
    // With words on SQLite, the FTS5 index is read newest first (it hands out rowids in
    // order, so `ORDER BY rowid DESC LIMIT` stops after a page of readable matches), or the
    // authors' messages are; `CROSS JOIN` keeps SQLite's planner to that order rather than,
    // say, collecting every match of a common word first (docs/adr/0020).
    let join = match driver {
        Driver::Index | Driver::Authors if c.sqlite => "CROSS JOIN",
        _ => "JOIN",
    };
    let (from, id) = match driver {
        Driver::Messages | Driver::Matches => ("messages m".to_owned(), "m.id"),
        Driver::Index => (
            format!("messages_search {join} messages m ON m.id = messages_search.rowid"),
            "messages_search.rowid",
        ),
        Driver::Authors => (
            format!("users author {join} messages m ON m.author_id = author.id"),
            "m.id",
        ),
    };
    let cursor = c.int(before.map_or(i64::MAX, |b| b.0));
    c.sql.push(format!("{id} < {cursor}"));
    let limit = c.int(if driver == Driver::Authors {
        AUTHORS_CHUNK
    } else {
        wanted
    });
    // The searcher's conversations; with `all_public`, public channels too. A LEFT JOIN
    // keeps SQLite's order of reading as the CROSS JOIN does (it cannot be reordered).
    let (member_join, readable) = if c.all_public {
        (
            "LEFT JOIN",
            " AND (cm.user_id IS NOT NULL OR c.kind = 'public')",
        )
    } else {
        (join, "")
    };
    let conditions: String = c.sql.iter().map(|s| format!(" AND {s}")).collect();
    if driver == Driver::Matches {
        // Every match in the workspace first (`MATERIALIZED`: as such, never folded into a
        // walk through all messages newest first, nor repeated per conversation), then the
        // searcher's, then the newest of those in full.
        format!(
            "WITH found AS MATERIALIZED (SELECT m.id, m.conversation_id, c.kind \
             FROM messages m JOIN conversations c ON c.id = m.conversation_id \
             WHERE c.workspace_id = $2 AND m.deleted_at IS NULL{conditions}) \
             SELECT {COLUMNS}{extra} FROM messages m WHERE m.id IN (SELECT f.id FROM found f \
             {member_join} conversation_members cm ON cm.conversation_id = f.conversation_id \
             AND cm.user_id = $1 WHERE TRUE{readable_found} ORDER BY f.id DESC LIMIT {limit}) \
             ORDER BY m.id DESC",
            readable_found = readable.replace("c.kind", "f.kind"),
        )
    } else {
        format!(
            "SELECT {COLUMNS}{extra} FROM {from} \
             {join} conversations c ON c.id = m.conversation_id \
             {member_join} conversation_members cm ON cm.conversation_id = m.conversation_id \
             AND cm.user_id = $1 \
             WHERE c.workspace_id = $2 AND m.deleted_at IS NULL{readable}{conditions} \
             ORDER BY {id} DESC LIMIT {limit}"
        )
    }
}

impl Store {
    /// PostgreSQL: whether every word `query` looks for (no prefixes) is among the most
    /// common ones `ANALYZE` counted in the index column, so the planner's guess of how many
    /// messages hold them is a count, not a default. False without statistics yet.
    async fn all_common(&self, query: &Query) -> StoreResult<bool> {
        let wanted: Vec<&Term> = query.terms.iter().filter(|t| !t.excluded).collect();
        if wanted.iter().any(|t| t.prefix) {
            return Ok(false);
        }
        let words: Vec<&str> = wanted
            .iter()
            .flat_map(|t| t.tokens.iter().map(String::as_str))
            .collect();
        Ok(on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COALESCE((SELECT most_common_elems::text::text[] \
             @> string_to_array($1, ' ') FROM pg_stats WHERE schemaname = current_schema() \
             AND tablename = 'messages' AND attname = 'search'), FALSE)"
        )
        .bind(words.join(" "))
        .fetch_one(pool)
        .await?))
    }
}
