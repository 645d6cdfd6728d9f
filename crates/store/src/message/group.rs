//! Posting a group of messages in one transaction with a fixed number of statements, however
//! many messages it holds: one read of the conversations' workspaces, one of earlier client
//! ids, one counter update per workspace and per conversation, one multi-row insert of the
//! messages and one of their events. Per-message statements were what a busy server's
//! commits spent their time on (five round trips per message on PostgreSQL).

use std::collections::{BTreeMap, HashMap};

use ocomms_proto::message::Message;
use ocomms_proto::{MessageId, UserId};

use super::NewMessage;
use crate::{StoreError, StoreResult};

/// Rows per multi-row `INSERT`: 9 parameters each stays far below both engines' limits
/// (32,766 on SQLite, 65,535 on PostgreSQL).
pub(super) const ROWS_PER_INSERT: usize = 256;

/// `$first, $first+1, …` for `count` parameters.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $width), ($width+1, …), …` for `rows` rows of `width` parameters.
pub(crate) fn row_placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(r * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`row_placeholders`] for statements with many rows: on SQLite plain `?`, since sqlx looks
/// every `$N` up by name and SQLite finds a name by walking the list of names, which costs
/// the square of the parameter count (a 30,000-value insert spent 83 % of an import there).
pub(crate) fn bulk_row_placeholders(backend: crate::Backend, rows: usize, width: usize) -> String {
    match backend {
        crate::Backend::Postgres => row_placeholders(rows, width),
        crate::Backend::Sqlite => {
            let row = format!("({})", vec!["?"; width].join(", "));
            vec![row; rows].join(", ")
        }
    }
}

/// [`placeholders`] the way [`bulk_row_placeholders`] writes them: `?` on SQLite.
pub(crate) fn bulk_placeholders(backend: crate::Backend, start: usize, count: usize) -> String {
    match backend {
        crate::Backend::Postgres => placeholders(start, count),
        crate::Backend::Sqlite => vec!["?"; count].join(", "),
    }
}

/// How one item of a group is answered.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    /// A retry of a client id posted before this group: that message, nothing written.
    Earlier(Box<Message>),
    /// A repeat, within the group, of the client id of item `usize`.
    SameAs(usize),
    /// Written at these positions.
    New {
        workspace: i64,
        position: i64,
        seq: i64,
    },
}

/// Decides which items are new and numbers them: positions per workspace and seqs per
/// conversation continue from the counters, in the group's order. `earlier` holds messages
/// already stored under an `(author, client id)` of the group; `workspace_of` maps every
/// conversation of the group to its workspace. Returns the answers and, per workspace and per
/// conversation, how many new items each counter must advance by.
pub(super) struct Numbering {
    pub answers: Vec<Answer>,
    pub workspace_counts: BTreeMap<i64, i64>,
    pub conversation_counts: BTreeMap<i64, i64>,
}

impl Numbering {
    /// Which items are new, before any counter is read.
    pub fn plan(
        batch: &[NewMessage],
        earlier: &HashMap<(UserId, String), Message>,
        workspace_of: &HashMap<i64, i64>,
    ) -> Option<Self> {
        let mut answers = Vec::with_capacity(batch.len());
        let mut first_of: HashMap<(UserId, &str), usize> = HashMap::new();
        let mut workspace_counts = BTreeMap::new();
        let mut conversation_counts = BTreeMap::new();
        for (i, new) in batch.iter().enumerate() {
            if let Some(client_id) = new.client_id.as_deref() {
                if let Some(message) = earlier.get(&(new.author_id, client_id.to_owned())) {
                    answers.push(Answer::Earlier(Box::new(message.clone())));
                    continue;
                }
                if let Some(first) = first_of.get(&(new.author_id, client_id)) {
                    answers.push(Answer::SameAs(*first));
                    continue;
                }
                first_of.insert((new.author_id, client_id), i);
            }
            let workspace = *workspace_of.get(&new.conversation_id.0)?;
            *workspace_counts.entry(workspace).or_insert(0) += 1;
            *conversation_counts
                .entry(new.conversation_id.0)
                .or_insert(0) += 1;
            answers.push(Answer::New {
                workspace,
                position: 0,
                seq: 0,
            });
        }
        Some(Self {
            answers,
            workspace_counts,
            conversation_counts,
        })
    }

    /// Numbers the new items from the counters' values after they were advanced.
    pub fn number(
        &mut self,
        workspace_last: &HashMap<i64, i64>,
        conversation_last: &HashMap<i64, i64>,
        batch: &[NewMessage],
    ) {
        let mut next_position: HashMap<i64, i64> = self
            .workspace_counts
            .iter()
            .map(|(w, n)| (*w, workspace_last.get(w).copied().unwrap_or(0) - n + 1))
            .collect();
        let mut next_seq: HashMap<i64, i64> = self
            .conversation_counts
            .iter()
            .map(|(c, n)| (*c, conversation_last.get(c).copied().unwrap_or(0) - n + 1))
            .collect();
        for (answer, new) in self.answers.iter_mut().zip(batch) {
            if let Answer::New {
                workspace,
                position,
                seq,
            } = answer
            {
                let p = next_position.entry(*workspace).or_insert(1);
                *position = *p;
                *p += 1;
                let s = next_seq.entry(new.conversation_id.0).or_insert(1);
                *seq = *s;
                *s += 1;
            }
        }
    }
}

/// The stored message of a new item.
impl Numbering {
    /// The items to write: `(item, workspace, position, seq)`, in the group's order.
    pub fn fresh(&self) -> Vec<(usize, i64, i64, i64)> {
        self.answers
            .iter()
            .enumerate()
            .filter_map(|(i, answer)| match answer {
                Answer::New {
                    workspace,
                    position,
                    seq,
                } => Some((i, *workspace, *position, *seq)),
                _ => None,
            })
            .collect()
    }

    /// Each item's answer, in the group's order: the stored message and whether it is new.
    /// `posted` holds the messages written, by item.
    pub fn answer(&self, mut posted: HashMap<usize, Message>) -> StoreResult<Vec<(Message, bool)>> {
        let mut out: Vec<(Message, bool)> = Vec::with_capacity(self.answers.len());
        for (i, answer) in self.answers.iter().enumerate() {
            let item = match answer {
                Answer::Earlier(message) => ((**message).clone(), false),
                // Always an earlier item, already answered.
                Answer::SameAs(first) => {
                    let (message, _) = out
                        .get(*first)
                        .ok_or(StoreError::Invariant("a repeat answered before its first"))?;
                    (message.clone(), false)
                }
                Answer::New { .. } => {
                    let message = posted
                        .remove(&i)
                        .ok_or(StoreError::Invariant("a new message was not numbered"))?;
                    (message, true)
                }
            };
            out.push(item);
        }
        Ok(out)
    }
}

pub(super) fn new_message(new: &NewMessage, id: i64, seq: i64) -> Message {
    Message {
        id: MessageId(id),
        conversation_id: new.conversation_id,
        seq,
        author_id: new.author_id,
        client_id: new.client_id.clone(),
        body: new.body.clone(),
        html: new.html.clone(),
        created_at: new.now,
        edited_at: None,
        deleted: false,
        reactions: Vec::new(),
        thread_root_id: new.thread_root_id,
        also_in_channel: new.also_in_channel,
        thread: None,
        pinned: None,
        mentions: new.mentions.shown.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocomms_proto::ConversationId;

    fn item(conversation: i64, author: i64, client_id: Option<&str>) -> NewMessage {
        NewMessage {
            conversation_id: ConversationId(conversation),
            author_id: UserId(author),
            client_id: client_id.map(str::to_owned),
            body: "hi".into(),
            mentions: Default::default(),
            html: "<p>hi</p>".into(),
            thread_root_id: None,
            also_in_channel: false,
            now: 1,
        }
    }

    #[test]
    fn placeholders_number_rows_consecutively() {
        assert_eq!(placeholders(3, 2), "$3, $4");
        assert_eq!(row_placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        use crate::Backend::{Postgres, Sqlite};
        assert_eq!(bulk_row_placeholders(Sqlite, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(bulk_row_placeholders(Postgres, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(bulk_placeholders(Sqlite, 3, 2), "?, ?");
        assert_eq!(bulk_placeholders(Postgres, 3, 2), "$3, $4");
    }

    #[test]
    fn new_items_take_consecutive_positions_per_workspace_and_seq_per_conversation() {
        let batch = [
            item(10, 1, Some("a")),
            item(11, 1, None),
            item(10, 2, Some("a")), // another author's "a" is new
            item(10, 1, Some("a")), // repeat within the group
            item(20, 1, Some("old")),
        ];
        let workspace_of = HashMap::from([(10, 1), (11, 1), (20, 2)]);
        let stored = new_message(&item(20, 1, Some("old")), 99, 4);
        let earlier = HashMap::from([((UserId(1), "old".to_owned()), stored.clone())]);
        let mut numbering = Numbering::plan(&batch, &earlier, &workspace_of).expect("known");
        assert_eq!(numbering.workspace_counts, BTreeMap::from([(1, 3)]));
        assert_eq!(
            numbering.conversation_counts,
            BTreeMap::from([(10, 2), (11, 1)])
        );
        // Counters after `+ count`: workspace 1 at 103, conversation 10 at 7, 11 at 1.
        numbering.number(
            &HashMap::from([(1, 103)]),
            &HashMap::from([(10, 7), (11, 1)]),
            &batch,
        );
        let new = |workspace, position, seq| Answer::New {
            workspace,
            position,
            seq,
        };
        assert_eq!(
            numbering.answers,
            vec![
                new(1, 101, 6),
                new(1, 102, 1),
                new(1, 103, 7),
                Answer::SameAs(0),
                Answer::Earlier(Box::new(stored.clone())),
            ]
        );
        // Written: items 0, 1 and 2. Answered: each in order, the repeat as its first.
        let fresh = numbering.fresh();
        assert_eq!(fresh, vec![(0, 1, 101, 6), (1, 1, 102, 1), (2, 1, 103, 7)]);
        let posted: HashMap<usize, Message> = fresh
            .iter()
            .map(|&(i, _, _, seq)| (i, new_message(&batch[i], 500 + i as i64, seq)))
            .collect();
        let answers = numbering.answer(posted).expect("every new item was posted");
        let summary: Vec<(i64, bool)> = answers.iter().map(|(m, new)| (m.id.0, *new)).collect();
        assert_eq!(
            summary,
            vec![
                (500, true),
                (501, true),
                (502, true),
                (500, false),
                (99, false)
            ]
        );
        assert!(matches!(
            numbering.answer(HashMap::new()),
            Err(StoreError::Invariant(_))
        ));
    }

    #[test]
    fn an_unknown_conversation_spoils_the_plan() {
        let batch = [item(10, 1, None)];
        assert!(Numbering::plan(&batch, &HashMap::new(), &HashMap::new()).is_none());
    }
}
