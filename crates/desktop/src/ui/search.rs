//! The search field, the results pane and a result's place in the timeline, set on the
//! window.

use std::collections::HashMap;

use slint::{ModelRc, VecModel};

use super::blocks::{Pictures, blocks};
use super::{AppWindow, ResultItem};
use crate::view::View;

pub(super) fn render(
    window: &AppWindow,
    next: &View,
    last: &View,
    styled: &mut HashMap<String, slint::StyledText>,
    pictures: &mut Pictures,
) {
    let (s, was) = (&next.search, &last.search);
    if s.results != was.results {
        let items: Vec<ResultItem> = s
            .results
            .iter()
            .map(|r| ResultItem {
                key: r.id.to_string().into(),
                place: r.place.as_str().into(),
                author: r.author.as_str().into(),
                time: r.time.as_str().into(),
                text: r.text.as_str().into(),
                blocks: blocks(&r.blocks, styled, pictures),
            })
            .collect();
        window.set_results(ModelRc::new(VecModel::from(items)));
    }
    // Only a new query (or another account's) replaces the field: not what is being typed.
    if s.query != was.query {
        window.set_search_text(s.query.as_str().into());
    }
    window.set_search_query(s.query.as_str().into());
    window.set_search_open(s.open);
    window.set_results_more(s.more);
    window.set_results_loading(s.loading);
    window.set_search_error(s.error.as_str().into());
    window.set_more_after(next.more_after);
}
