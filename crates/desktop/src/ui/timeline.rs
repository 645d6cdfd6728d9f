//! The timeline's rows for Slint, made when the list asks for them: a list draws the few
//! dozen rows it has room for, so a conversation of a thousand messages costs a few dozen
//! rows to show, not a thousand, on a first visit as on any other (docs/benchmarks.md,
//! switching servers). A row made once is kept with its model; models taken off the screen
//! are kept a while for going back (`Timelines::recent`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use slint::{Model, ModelRc, ModelTracker};

use super::blocks::{Makers, blocks};
use super::{AppWindow, ReactionItem, RowItem};
use crate::view::RowView;

/// Timelines whose models are kept for going back (a few servers' screens).
const RECENT_KEPT: usize = 6;

/// More styled texts than this (about five servers' long conversations) and the cache starts
/// again from what is drawn next.
const STYLED_KEPT: usize = 10_000;

/// One timeline's rows as Slint reads them. Its rows never change once it is made (a
/// changed timeline is a new model), so it tells Slint of no change and can be shown again
/// as it is.
pub struct TimelineRows {
    rows: Vec<RowView>,
    /// Each row as made for Slint, once asked for (`made[i]` belongs to `rows[i]`).
    made: RefCell<Vec<Option<RowItem>>>,
    /// How many rows were made: what tests read to see a model reused, not made again.
    count: Cell<usize>,
    makers: Rc<RefCell<Makers>>,
}

impl TimelineRows {
    fn new(rows: Vec<RowView>, makers: Rc<RefCell<Makers>>) -> Self {
        Self {
            made: RefCell::new(vec![None; rows.len()]),
            rows,
            count: Cell::new(0),
            makers,
        }
    }

    pub fn rows(&self) -> &[RowView] {
        &self.rows
    }

    /// How many of its rows have been made for Slint so far.
    pub fn made(&self) -> usize {
        self.count.get()
    }
}

impl Default for TimelineRows {
    fn default() -> Self {
        Self::new(Vec::new(), Rc::default())
    }
}

impl Model for TimelineRows {
    type Data = RowItem;

    fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn row_data(&self, row: usize) -> Option<RowItem> {
        if let Some(Some(item)) = self.made.borrow().get(row) {
            return Some(item.clone());
        }
        let view = self.rows.get(row)?;
        // The makers are only borrowed elsewhere while `render` builds other lists, which
        // never asks a list for its rows; should that change, the row is drawn as plain
        // text this time and made properly at the next ask, rather than panic.
        let Ok(mut makers) = self.makers.try_borrow_mut() else {
            return Some(plain_item(view));
        };
        let item = row_item(view, &mut makers);
        drop(makers);
        if let Some(slot) = self.made.borrow_mut().get_mut(row) {
            *slot = Some(item.clone());
            self.count.set(self.count.get() + 1);
        }
        Some(item)
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        // Nothing to track: the rows never change.
        &()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn plain_item(row: &RowView) -> RowItem {
    RowItem {
        kind: row.kind,
        author: row.author.as_str().into(),
        time: row.time.as_str().into(),
        body: row.body.as_str().into(),
        ..RowItem::default()
    }
}

fn row_item(row: &RowView, makers: &mut Makers) -> RowItem {
    let Makers { styled, pictures } = makers;
    let reactions: Vec<ReactionItem> = row
        .reactions
        .iter()
        .map(|r| {
            let picture = pictures.picture(&r.emoji);
            ReactionItem {
                emoji: r.emoji.as_str().into(),
                has_picture: picture.is_some(),
                picture: picture.unwrap_or_default(),
                count: i32::try_from(r.count).unwrap_or(i32::MAX),
                mine: r.mine,
                label: r.label.as_str().into(),
            }
        })
        .collect();
    RowItem {
        key: row.key.to_string().into(),
        // Most messages have none: no model to allocate for them.
        reactions: if reactions.is_empty() {
            ModelRc::default()
        } else {
            ModelRc::from(reactions.as_slice())
        },
        blocks: blocks(&row.blocks, styled, pictures),
        jumbo: row.jumbo,
        edited: row.edited,
        deleted: row.deleted,
        highlighted: row.highlighted,
        ..plain_item(row)
    }
}

/// The timeline on screen and those shown before.
#[derive(Default)]
pub(super) struct Timelines {
    shown: Rc<TimelineRows>,
    /// Timelines shown before, the latest last, one per place (server, account,
    /// conversation): going back shows the same model, with the rows it had made. A
    /// timeline that only grew or changed where it is (older history, a new message) is not
    /// kept.
    recent: Vec<(String, Rc<TimelineRows>)>,
    rows_version: i32,
    /// Bumped when a search result opens, to bring it to the middle of the timeline.
    centre: i32,
    /// Bumped to bring the row the user had scrolled to back to the top of the view.
    restore: i32,
    /// Bumped with each new list of rows: a scroll still settling on the last one is not
    /// reported for it.
    shown_count: i32,
}

/// What a render changes in the timeline.
pub(super) struct Next<'a> {
    pub(super) rows: Vec<RowView>,
    /// The message a search result opened, now and at the last render.
    pub(super) highlight: (Option<i64>, Option<i64>),
    /// Which timeline was shown, and which is now (`ui::place`).
    pub(super) places: (&'a str, &'a str),
    /// Where the user scrolled this timeline to (`View::scroll`).
    pub(super) scroll: Option<(usize, f32)>,
}

impl Timelines {
    pub(super) fn render(
        &mut self,
        window: &AppWindow,
        next: Next<'_>,
        makers: &Rc<RefCell<Makers>>,
    ) {
        if next.rows == self.shown.rows {
            return;
        }
        let found = self
            .recent
            .iter()
            .position(|(_, model)| model.rows == next.rows);
        let model = match found {
            Some(at) => self.recent.remove(at).1,
            None => {
                if let Ok(mut makers) = makers.try_borrow_mut()
                    && makers.styled.len() > STYLED_KEPT
                {
                    makers.styled.clear();
                }
                Rc::new(TimelineRows::new(next.rows, makers.clone()))
            }
        };
        window.set_rows(ModelRc::from(model.clone()));
        self.shown_count = self.shown_count.wrapping_add(1);
        window.set_shown(self.shown_count);
        let last = std::mem::replace(&mut self.shown, model);
        let (rows, was) = (&self.shown.rows, &last.rows);
        let (highlight, last_highlight) = next.highlight;
        if highlight.is_some() && rows.iter().any(|r| r.highlighted) {
            // A search result opened (or the stretch around it arrived): to the middle,
            // where the server put it.
            if highlight != last_highlight || !was.iter().any(|r| r.highlighted) {
                self.centre = self.centre.wrapping_add(1);
                window.set_centre(self.centre);
            }
        } else if let Some((row, into)) = next.scroll {
            // Scrolled up, here before or just now: a new list of rows is placed from its
            // top again, so the row the user was reading is put back at the top, whatever
            // arrived below it or was loaded above.
            self.restore = self.restore.wrapping_add(1);
            window.set_restore_row(i32::try_from(row).unwrap_or(i32::MAX));
            window.set_restore_into(into);
            window.set_restore(self.restore);
        } else if rows.last() != was.last() || next.places.0 != next.places.1 {
            // At the newest message: follow it when one arrived at the end or another place
            // is shown (not when older history was added above).
            self.rows_version = self.rows_version.wrapping_add(1);
            window.set_rows_version(self.rows_version);
        }
        let (from, to) = next.places;
        if !last.rows.is_empty() && from != to {
            self.recent.retain(|(p, _)| p != from);
            if self.recent.len() >= RECENT_KEPT {
                self.recent.remove(0);
            }
            self.recent.push((from.to_owned(), last));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: i64) -> RowView {
        RowView {
            kind: 1,
            author: "Ada".into(),
            body: format!("message {n}"),
            ..RowView::default()
        }
    }

    #[test]
    fn rows_are_made_when_asked_for_and_once() {
        let model = TimelineRows::new((1..=1000).map(row).collect(), Rc::default());
        assert_eq!((model.row_count(), model.made()), (1000, 0));
        let item = model.row_data(999).expect("the last row");
        assert_eq!(item.body.as_str(), "message 1000");
        model.row_data(999);
        model.row_data(0);
        assert_eq!(model.made(), 2, "each row made once, only those asked for");
        assert!(model.row_data(1000).is_none());
    }
}
