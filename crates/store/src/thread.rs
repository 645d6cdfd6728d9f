//! Threads: replies are messages naming their top-level message (`message.rs` posts them);
//! here the top-level message's summary is kept, who follows which thread and how far they
//! read, and the list of followed threads (All threads).

use std::collections::{BTreeMap, HashMap};

use ocomms_proto::message::{Message, ThreadSummary};
use ocomms_proto::{MessageId, UserId, WorkspaceId};

use crate::backend::on_pool;
use crate::message::{COLUMNS, NewMessage, message_from_row, placeholders};
use crate::steps::for_both_backends;
use crate::{Store, StoreError, StoreResult};

/// A follow row for `$1` on thread `$2` (`$3` following, read up to `$4`, or up to the
/// newest reply when `$4` is NULL), with the thread's place and newest reply copied from its
/// root.
const FOLLOW_INSERT: &str = "INSERT INTO thread_follows (user_id, root_id, workspace_id, \
    conversation_id, following, read_seq, last_reply_at, last_reply_seq) \
    SELECT $1, m.id, c.workspace_id, m.conversation_id, $3, \
    COALESCE($4, m.last_reply_seq, 0), m.last_reply_at, m.last_reply_seq \
    FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $2";

/// People a summary names.
const PARTICIPANTS_SHOWN: usize = 3;

/// Everyone who replied (live replies only) to each of some threads, with their latest seq.
fn participants_sql(roots: usize) -> String {
    format!(
        "SELECT thread_root_id, author_id, MAX(seq) FROM messages \
         WHERE thread_root_id IN ({}) AND deleted_at IS NULL \
         GROUP BY thread_root_id, author_id",
        placeholders(1, roots)
    )
}

/// The most recent `PARTICIPANTS_SHOWN` repliers of each thread, newest first.
fn participants_by_root(rows: Vec<(i64, i64, i64)>) -> HashMap<i64, Vec<UserId>> {
    let mut by_root: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for (root, author, last) in rows {
        by_root.entry(root).or_default().push((last, author));
    }
    by_root
        .into_iter()
        .map(|(root, mut people)| {
            people.sort_unstable_by(|a, b| b.cmp(a));
            let shown = people
                .into_iter()
                .take(PARTICIPANTS_SHOWN)
                .map(|(_, author)| UserId(author))
                .collect();
            (root, shown)
        })
        .collect()
}

pub(crate) trait ThreadSteps {
    /// Recounts a top-level message's thread from its live replies; returns the root's
    /// author and the summary (none once no reply is left). `NotFound` if the root is gone.
    async fn refresh_thread(&mut self, root: i64) -> StoreResult<(i64, Option<ThreadSummary>)>;

    /// For a group of posts: refreshes the summary of every thread replied to and makes the
    /// repliers (again) and the roots' authors (unless they unfollowed) follow it. Returns
    /// each root's summary.
    async fn update_threads(
        &mut self,
        batch: &[NewMessage],
        fresh: &[crate::message::Fresh],
    ) -> StoreResult<HashMap<i64, Option<ThreadSummary>>>;
}

for_both_backends! { impl ThreadSteps {
    async fn refresh_thread(&mut self, root: i64) -> StoreResult<(i64, Option<ThreadSummary>)> {
        let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "UPDATE messages SET \
             reply_count = (SELECT COUNT(*) FROM messages r \
                 WHERE r.thread_root_id = $1 AND r.deleted_at IS NULL), \
             last_reply_at = (SELECT MAX(r.created_at) FROM messages r \
                 WHERE r.thread_root_id = $1 AND r.deleted_at IS NULL), \
             last_reply_seq = (SELECT MAX(r.seq) FROM messages r \
                 WHERE r.thread_root_id = $1 AND r.deleted_at IS NULL) \
             WHERE id = $1 RETURNING author_id, reply_count, last_reply_at",
        )
        .bind(root)
        .fetch_optional(&mut *self)
        .await?;
        let (author, reply_count, last_reply_at) = row.ok_or(StoreError::NotFound)?;
        // Followers' copies of the newest reply, which All threads sorts on.
        sqlx::query(
            "UPDATE thread_follows SET last_reply_at = m.last_reply_at, \
             last_reply_seq = m.last_reply_seq FROM messages m \
             WHERE m.id = $1 AND thread_follows.root_id = $1",
        )
        .bind(root)
        .execute(&mut *self)
        .await?;
        let Some(last_reply_at) = last_reply_at.filter(|_| reply_count > 0) else {
            return Ok((author, None));
        };
        let rows = sqlx::query_as(&participants_sql(1))
            .bind(root)
            .fetch_all(&mut *self)
            .await?;
        let participants = participants_by_root(rows).remove(&root).unwrap_or_default();
        Ok((
            author,
            Some(ThreadSummary {
                reply_count,
                last_reply_at,
                participants,
            }),
        ))
    }

    async fn update_threads(
        &mut self,
        batch: &[NewMessage],
        fresh: &[crate::message::Fresh],
    ) -> StoreResult<HashMap<i64, Option<ThreadSummary>>> {
        // Each replier's newest reply per thread, roots in id order (the lock order).
        let mut repliers: BTreeMap<i64, HashMap<i64, i64>> = BTreeMap::new();
        for (i, _, _, seq) in fresh {
            let new = &batch[*i];
            if let Some(root) = new.thread_root_id {
                let last = repliers.entry(root.0).or_default().entry(new.author_id.0).or_default();
                *last = (*last).max(*seq);
            }
        }
        let mut summaries = HashMap::with_capacity(repliers.len());
        for (root, people) in &repliers {
            let (author, summary) = self.refresh_thread(*root).await?;
            summaries.insert(*root, summary);
            // The root's author follows from the first reply, unless they said otherwise.
            sqlx::query(&format!("{FOLLOW_INSERT} ON CONFLICT (user_id, root_id) DO NOTHING"))
                .bind(author)
                .bind(*root)
                .bind(true)
                .bind(0_i64)
                .execute(&mut *self)
                .await?;
            // Replying follows again and reads the thread up to one's own reply.
            for (person, seq) in people {
                sqlx::query(&format!(
                    "{FOLLOW_INSERT} ON CONFLICT (user_id, root_id) DO UPDATE \
                     SET following = TRUE, read_seq = CASE \
                     WHEN excluded.read_seq > thread_follows.read_seq THEN excluded.read_seq \
                     ELSE thread_follows.read_seq END"
                ))
                .bind(*person)
                .bind(*root)
                .bind(true)
                .bind(*seq)
                .execute(&mut *self)
                .await?;
            }
        }
        Ok(summaries)
    }
} }

/// A thread under All threads.
#[derive(Debug, Clone)]
pub struct FollowedThread {
    pub root: Message,
    /// The newest live reply.
    pub latest_reply: Option<Message>,
    pub unread: bool,
}

impl Store {
    /// Fills in the reactions and thread participants of a page of messages (two queries).
    pub(crate) async fn attach_details(&self, messages: &mut [Message]) -> StoreResult<()> {
        self.attach_reactions(messages).await?;
        let roots: Vec<i64> = messages
            .iter()
            .filter(|m| m.thread.is_some())
            .map(|m| m.id.0)
            .collect();
        if roots.is_empty() {
            return Ok(());
        }
        let sql = participants_sql(roots.len());
        let rows = on_pool!(self, |pool| {
            let mut query = sqlx::query_as(&sql);
            for root in &roots {
                query = query.bind(*root);
            }
            query.fetch_all(pool).await?
        });
        let mut participants = participants_by_root(rows);
        for message in messages {
            if let Some(thread) = message.thread.as_mut() {
                thread.participants = participants.remove(&message.id.0).unwrap_or_default();
            }
        }
        Ok(())
    }

    /// Follows or unfollows a top-level message's thread. A new follower has read what is
    /// there; following again keeps how far one had read.
    pub async fn follow_thread(
        &self,
        user: UserId,
        root: MessageId,
        following: bool,
    ) -> StoreResult<()> {
        let sql = format!(
            "{FOLLOW_INSERT} ON CONFLICT (user_id, root_id) DO UPDATE \
             SET following = excluded.following"
        );
        on_pool!(self, |pool| {
            sqlx::query(&sql)
                .bind(user.0)
                .bind(root.0)
                .bind(following)
                .bind(None::<i64>)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Marks a followed thread read up to its newest reply (nothing for other threads).
    pub async fn mark_thread_read(&self, user: UserId, root: MessageId) -> StoreResult<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE thread_follows SET read_seq = COALESCE(last_reply_seq, 0) \
                 WHERE user_id = $1 AND root_id = $2",
            )
            .bind(user.0)
            .bind(root.0)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Everyone following a thread (its root's author, repliers, the mentioned, and whoever
    /// chose to), for the `notify` frames of a new reply.
    pub async fn thread_followers(&self, root: MessageId) -> StoreResult<Vec<UserId>> {
        let ids: Vec<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT user_id FROM thread_follows WHERE root_id = $1 AND following",
            )
            .bind(root.0)
            .fetch_all(pool)
            .await?
        });
        Ok(ids.into_iter().map(UserId).collect())
    }

    /// Whether `user` follows the thread (false when they never did).
    pub async fn follows_thread(&self, user: UserId, root: MessageId) -> StoreResult<bool> {
        let following: Option<bool> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT following FROM thread_follows WHERE user_id = $1 AND root_id = $2",
            )
            .bind(user.0)
            .bind(root.0)
            .fetch_optional(pool)
            .await?
        });
        Ok(following.unwrap_or(false))
    }

    /// Threads with replies that `user` follows in conversations of `workspace` they are a
    /// member of, newest reply first, continuing after the thread `after`; plus whether
    /// more follow.
    pub async fn followed_threads(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        after: Option<MessageId>,
        limit: i64,
    ) -> StoreResult<(Vec<FollowedThread>, bool)> {
        // A page of the follows index, newest reply first; the root joined for each row.
        let sql = format!(
            "SELECT {COLUMNS}, f.last_reply_seq > f.read_seq AS unread \
             FROM thread_follows f JOIN messages m ON m.id = f.root_id \
             WHERE f.user_id = $1 AND f.workspace_id = $2 AND f.following \
               AND f.last_reply_at IS NOT NULL \
               AND EXISTS (SELECT 1 FROM conversation_members cm \
                 WHERE cm.conversation_id = f.conversation_id AND cm.user_id = f.user_id) \
               AND ($3 IS NULL \
                 OR f.last_reply_at < (SELECT a.last_reply_at FROM thread_follows a \
                     WHERE a.user_id = $1 AND a.root_id = $3) \
                 OR (f.last_reply_at = (SELECT a.last_reply_at FROM thread_follows a \
                     WHERE a.user_id = $1 AND a.root_id = $3) AND f.root_id < $3)) \
             ORDER BY f.last_reply_at DESC, f.root_id DESC LIMIT $4"
        );
        let mut rows: Vec<(Message, bool)> = on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(user.0)
                .bind(workspace.0)
                .bind(after.map(|a| a.0))
                .bind(limit + 1)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    use crate::row::Columns as _;
                    Ok::<_, sqlx::Error>((message_from_row(row)?, row.flag("unread")?))
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        let (roots, unread): (Vec<Message>, Vec<bool>) = rows.into_iter().unzip();
        // Reactions and participants for the roots and their latest replies at once.
        let latest = self.latest_replies(&roots).await?;
        let shown = roots.len();
        let mut messages = roots;
        messages.extend(latest);
        self.attach_details(&mut messages).await?;
        let mut latest: HashMap<MessageId, Message> = messages
            .split_off(shown)
            .into_iter()
            .filter_map(|m| Some((m.thread_root_id?, m)))
            .collect();
        let threads = messages
            .into_iter()
            .zip(unread)
            .map(|(root, unread)| FollowedThread {
                latest_reply: latest.remove(&root.id),
                root,
                unread,
            })
            .collect();
        Ok((threads, more))
    }

    /// Followed threads with replies `user` has not read, in `workspace`.
    pub async fn unread_thread_count(
        &self,
        user: UserId,
        workspace: WorkspaceId,
    ) -> StoreResult<i64> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM thread_follows f \
                 WHERE f.user_id = $1 AND f.workspace_id = $2 AND f.following \
                   AND f.last_reply_seq > f.read_seq \
                   AND EXISTS (SELECT 1 FROM conversation_members cm \
                     WHERE cm.conversation_id = f.conversation_id AND cm.user_id = f.user_id)",
            )
            .bind(user.0)
            .bind(workspace.0)
            .fetch_one(pool)
            .await?
        }))
    }

    /// The newest live reply of each of `roots` (without reactions: the caller adds them).
    async fn latest_replies(&self, roots: &[Message]) -> StoreResult<Vec<Message>> {
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM messages m WHERE m.thread_root_id IN ({}) \
             AND m.seq = (SELECT r.last_reply_seq FROM messages r WHERE r.id = m.thread_root_id)",
            placeholders(1, roots.len())
        );
        Ok(on_pool!(self, |pool| {
            let mut query = sqlx::query(&sql);
            for root in roots {
                query = query.bind(root.id.0);
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(message_from_row)
                .collect::<Result<Vec<_>, _>>()?
        }))
    }
}
