//! One conversation's messages as the client knows them: ordered by the conversation's
//! sequence, with edits and deletes applied in place, and the rows the UI draws (day
//! separators between messages of different days).

use ocomms_proto::message::{Message, MessagePage, Reaction};
use ocomms_proto::{MessageId, Timestamp, UserId};

use crate::markdown::{self, Block};

/// The messages of one conversation, oldest first, without duplicates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    messages: Vec<Message>,
    /// Each message's body parsed once, when it arrives or changes, not at every redraw
    /// (`bodies[i]` belongs to `messages[i]`).
    bodies: Vec<Vec<Block>>,
    /// Older messages exist on the server (history on scroll loads them).
    pub more_before: bool,
    /// History was fetched at least once; before that the timeline holds only what arrived
    /// live.
    pub loaded: bool,
    /// Newer messages exist on the server: this is a stretch of the past around a search
    /// result, not the conversation's end. Live messages are not added to it (they would
    /// sit after a gap); "Jump to the newest" loads the end again.
    pub more_after: bool,
    /// Older messages were asked for and have not come yet: one request at a time, however
    /// often the user scrolls to the top meanwhile.
    pub loading_older: bool,
}

/// What the timeline pane shows, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// The first message of a new (UTC) day follows.
    Day(String),
    Message {
        id: MessageId,
        author: ocomms_proto::UserId,
        body: String,
        /// The body as the timeline draws it.
        blocks: Vec<Block>,
        at: Timestamp,
        edited: bool,
        deleted: bool,
        /// By emoji, in the order each was first used.
        reactions: Vec<Reaction>,
    },
}

impl Timeline {
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// Adds or replaces a message. A replayed or re-fetched message (same id) replaces the
    /// copy we have, so history and live events may overlap freely.
    pub fn insert(&mut self, message: Message) {
        let body = markdown::parse(&message.body);
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(at) => {
                self.messages[at] = message;
                self.bodies[at] = body;
            }
            Err(at) => {
                self.messages.insert(at, message);
                self.bodies.insert(at, body);
            }
        }
    }

    /// A page of history from the server. The newest page (nothing after it) replaces a
    /// stretch of the past held before, which it may not touch.
    pub fn merge_history(&mut self, page: MessagePage) {
        if !page.more_after && self.more_after {
            *self = Self::default();
        }
        self.merge_page(page.messages, page.more_before);
    }

    /// Shows the stretch of history around a message (a search result) instead of what
    /// was held: the two may not join, and a timeline with a hole would read as whole.
    pub fn show_window(&mut self, page: MessagePage) {
        *self = Self::default();
        self.more_after = page.more_after;
        self.merge_page(page.messages, page.more_before);
    }

    /// A message that arrived live: added, unless a stretch of the past is shown.
    pub fn insert_live(&mut self, message: Message) {
        if !self.more_after {
            self.insert(message);
        }
    }

    pub fn holds(&self, id: MessageId) -> bool {
        self.messages.iter().any(|m| m.id == id)
    }

    /// Merges a page of history (any order, possibly overlapping what we have).
    pub fn merge_page(&mut self, page: Vec<Message>, more_before: bool) {
        for message in page {
            self.insert(message);
        }
        self.more_before = more_before;
        self.loaded = true;
    }

    /// Applies an edit; an edit of a message we never saw is ignored (history brings it
    /// already edited).
    pub fn edit(&mut self, id: MessageId, body: &str, html: &str, edited_at: Timestamp) {
        if let Some(at) = self.messages.iter().position(|m| m.id == id) {
            let m = &mut self.messages[at];
            m.body = body.to_owned();
            m.html = html.to_owned();
            m.edited_at = Some(edited_at);
            self.bodies[at] = markdown::parse(body);
        }
    }

    /// Marks a message deleted and forgets its text: a deleted message stays as a
    /// placeholder so the conversation's order (and replies' context) still reads right.
    pub fn delete(&mut self, id: MessageId) {
        if let Some(at) = self.messages.iter().position(|m| m.id == id) {
            let m = &mut self.messages[at];
            m.deleted = true;
            m.body.clear();
            m.html.clear();
            self.bodies[at].clear();
        }
    }

    /// `user` reacted to a message with `emoji` (`added`) or took it back (a realtime
    /// event, or the user's own click shown at once). A message not held is left alone:
    /// history brings it with its reactions.
    pub fn react(&mut self, id: MessageId, emoji: &str, user: UserId, added: bool) {
        if let Some(m) = self.messages.iter_mut().find(|m| m.id == id) {
            super::reactions::apply(&mut m.reactions, emoji, user, added);
        }
    }

    /// Whether `user` is among those who reacted to a message with `emoji`; `None` when the
    /// message is not held, is deleted, or has no reaction with that emoji.
    pub fn reacted(&self, id: MessageId, emoji: &str, user: UserId) -> Option<bool> {
        let message = self.messages.iter().find(|m| m.id == id && !m.deleted)?;
        let reaction = message.reactions.iter().find(|r| r.emoji == emoji)?;
        Some(reaction.user_ids.contains(&user))
    }

    /// The newest sequence number held, to fetch what came after.
    pub fn last_seq(&self) -> Option<i64> {
        self.messages.last().map(|m| m.seq)
    }

    /// Each message with its row in `rows()`: a day separator takes the row above the first
    /// message of each day.
    fn message_rows(&self) -> impl Iterator<Item = (usize, &Message)> + '_ {
        let mut at = 0;
        let mut day = None;
        self.messages.iter().map(move |m| {
            let this_day = m.created_at.div_euclid(MS_PER_DAY);
            if day != Some(this_day) {
                day = Some(this_day);
                at += 1;
            }
            let row = at;
            at += 1;
            (row, m)
        })
    }

    /// Which message row `row` of `rows()` is: a day separator stands for the message after
    /// it, and a row past the end (an unsent message) for the newest message.
    pub fn message_at_row(&self, row: usize) -> Option<MessageId> {
        self.message_rows()
            .find(|(at, _)| *at >= row)
            .map(|(_, m)| m.id)
            .or_else(|| self.messages.last().map(|m| m.id))
    }

    /// The row of `rows()` that shows a message.
    pub fn row_of(&self, id: MessageId) -> Option<usize> {
        self.message_rows()
            .find(|(_, m)| m.id == id)
            .map(|(at, _)| at)
    }

    /// Rows to draw: each message, with a day separator before the first of each day.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::with_capacity(self.messages.len() + 4);
        let mut day = None;
        for (m, blocks) in self.messages.iter().zip(&self.bodies) {
            let this_day = m.created_at.div_euclid(MS_PER_DAY);
            if day != Some(this_day) {
                day = Some(this_day);
                rows.push(Row::Day(day_label(m.created_at)));
            }
            rows.push(Row::Message {
                id: m.id,
                author: m.author_id,
                body: m.body.clone(),
                blocks: blocks.clone(),
                at: m.created_at,
                edited: m.edited_at.is_some(),
                deleted: m.deleted,
                reactions: m.reactions.clone(),
            });
        }
        rows
    }
}

const MS_PER_DAY: i64 = 86_400_000;

/// `2026-12-03` for a timestamp (UTC; the local time zone is a later refinement).
pub fn day_label(at: Timestamp) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(MS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `14:05` (UTC) for a timestamp.
pub fn time_label(at: Timestamp) -> String {
    let minutes = at.rem_euclid(MS_PER_DAY) / 60_000;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm), so the
/// client needs no date crate for a label.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
pub(crate) fn message(seq: i64, at: Timestamp, body: &str) -> Message {
    Message {
        author_id: ocomms_proto::UserId(7),
        body: body.to_owned(),
        created_at: at,
        ..crate::testing::message(ocomms_proto::ConversationId(1), seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_3: Timestamp = 1_796_256_000_000; // 2026-12-03T00:00:00Z

    #[test]
    fn dates_and_times_are_labelled_in_utc() {
        assert_eq!(day_label(0), "1970-01-01");
        assert_eq!(day_label(DEC_3), "2026-12-03");
        assert_eq!(day_label(DEC_3 - 1), "2026-12-02");
        assert_eq!(day_label(951_782_400_000), "2000-02-29");
        assert_eq!(time_label(DEC_3 + 14 * 3_600_000 + 5 * 60_000), "14:05");
    }

    #[test]
    fn overlapping_pages_and_live_events_leave_one_ordered_copy() {
        let mut t = Timeline::default();
        t.insert(message(3, DEC_3, "three"));
        t.merge_page(
            vec![message(2, DEC_3, "two"), message(3, DEC_3, "three")],
            true,
        );
        t.insert(message(1, DEC_3, "one"));
        let seqs: Vec<i64> = t.messages().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 2, 3]);
        assert!(t.loaded && t.more_before);
        assert_eq!(t.last_seq(), Some(3));
    }

    #[test]
    fn edits_and_deletes_apply_in_place() {
        let mut t = Timeline::default();
        t.insert(message(1, DEC_3, "helo"));
        t.insert(message(2, DEC_3, "secret"));
        t.edit(MessageId(1001), "hello", "<p>hello</p>", DEC_3 + 5);
        t.delete(MessageId(1002));
        t.edit(MessageId(9999), "ignored", "", 0);
        let rows = t.rows();
        assert!(matches!(&rows[1], Row::Message { body, edited: true, .. } if body == "hello"));
        assert!(matches!(&rows[2], Row::Message { body, deleted: true, .. } if body.is_empty()));
    }

    #[test]
    fn a_day_separator_precedes_each_new_day() {
        let mut t = Timeline::default();
        t.insert(message(1, DEC_3 - 60_000, "late"));
        t.insert(message(2, DEC_3 + 60_000, "early"));
        t.insert(message(3, DEC_3 + 120_000, "same day"));
        let days: Vec<String> = t
            .rows()
            .into_iter()
            .filter_map(|r| match r {
                Row::Day(d) => Some(d),
                Row::Message { .. } => None,
            })
            .collect();
        assert_eq!(days, ["2026-12-02", "2026-12-03"]);
        assert_eq!(t.rows().len(), 5);
        // Rows and messages: a day separator stands for the message under it.
        let at = |row| t.message_at_row(row).map(|m| m.0);
        assert_eq!(
            [at(0), at(1), at(2), at(3), at(4)],
            [1001, 1001, 1002, 1002, 1003].map(Some)
        );
        assert_eq!(at(9), Some(1003), "an unsent message's row: the newest");
        assert_eq!(t.row_of(MessageId(1002)), Some(3));
        assert_eq!(t.row_of(MessageId(9)), None);
    }
}
