//! The Slint bridge: copies a `View` into the window's properties (`render`) and turns the
//! window's callbacks into `Msg`s (`wire`). `run` is the application: the UI thread owns
//! the `State`; a one-thread tokio runtime runs the effects and posts answers back to the
//! UI thread's event loop.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use slint::{ComponentHandle as _, ModelRc, VecModel};

use crate::msg::Msg;
use crate::runner::Runner;
use crate::state::State;
use crate::view::{Item, View, view};

/// The code Slint generates from `ui/*.slint`.
pub mod generated {
    // Slint's generated code uses `unsafe` for its vtables (see the crate's Cargo.toml) and
    // is not written to our lint standard.
    #![allow(unsafe_code, unused_qualifications)]
    #![allow(clippy::all, clippy::unwrap_used, clippy::todo, clippy::dbg_macro)]
    slint::include_modules!();
}

mod blocks;
mod search;
mod timeline;
mod wire;

use blocks::{Makers, Pictures, blocks};
use timeline::{Next, Timelines};

pub use generated::{
    ActivityItem, AppWindow, BlockItem, ListItem, PieceItem, RailItem, ReactionItem, ResultItem,
    RowItem,
};
pub use timeline::TimelineRows;
pub use wire::wire;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("cannot open the window: {0}")]
    Platform(#[from] slint::PlatformError),
    #[error("cannot start the network runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// What `render` remembers between calls.
#[derive(Default)]
pub struct Bridge {
    last: View,
    /// Styled text and emoji pictures, kept across renders; shared with the timeline's
    /// rows, which are made when the list asks for them.
    makers: Rc<RefCell<Makers>>,
    timelines: Timelines,
}

fn items(list: &[Item]) -> ModelRc<ListItem> {
    let items: Vec<ListItem> = list
        .iter()
        .map(|i| ListItem {
            key: i.key.to_string().into(),
            label: i.label.as_str().into(),
            unread: i32::try_from(i.unread).unwrap_or(i32::MAX),
            mentions: i32::try_from(i.mentions).unwrap_or(i32::MAX),
            active: i.active,
            muted: i.muted,
        })
        .collect();
    ModelRc::new(VecModel::from(items))
}

/// The notification settings dialog and Activity.
fn notifications(
    window: &AppWindow,
    next: &View,
    last: &View,
    styled: &mut HashMap<String, slint::StyledText>,
    pictures: &mut Pictures,
) {
    if next.activity != last.activity {
        let items: Vec<ActivityItem> = next
            .activity
            .iter()
            .map(|a| ActivityItem {
                key: a.conversation.to_string().into(),
                kind: a.kind.as_str().into(),
                place: a.place.as_str().into(),
                author: a.author.as_str().into(),
                time: a.time.as_str().into(),
                text: a.text.as_str().into(),
                blocks: blocks(&a.blocks, styled, pictures),
            })
            .collect();
        window.set_activity(ModelRc::new(VecModel::from(items)));
    }
    window.set_level(next.level.as_str().into());
    window.set_activity_open(next.activity_open);
    window.set_activity_more(next.activity_more);
    window.set_activity_loading(next.activity_loading);
    let s = &next.settings;
    window.set_settings_open(s.open);
    window.set_settings_conversation(s.conversation.as_str().into());
    window.set_settings_chosen(s.chosen);
    window.set_settings_default(s.default_level);
    window.set_settings_workspace(s.workspace.as_str().into());
    window.set_settings_quiet_start(s.quiet_start.as_str().into());
    window.set_settings_quiet_end(s.quiet_end.as_str().into());
    window.set_settings_snoozed(s.snoozed.as_str().into());
    window.set_settings_loaded(s.loaded);
    window.set_settings_email(s.email);
    window.set_settings_email_available(s.email_available);
    window.set_settings_error(s.error.as_str().into());
}

/// Which timeline a view shows: server, account and conversation, as the window names them.
fn place(view: &View) -> String {
    format!(
        "{}\n{}\n{}",
        view.auth.server, view.toolbar.account, view.toolbar.title
    )
}

/// Shows `next`; only what changed since the last call is set (lists made anew, except
/// the timeline's, see `ui::timeline`).
pub fn render(window: &AppWindow, bridge: &mut Bridge, mut next: View) {
    let last = &bridge.last;
    if next.rail != last.rail {
        let rail: Vec<RailItem> = next
            .rail
            .iter()
            .map(|r| RailItem {
                key: r.key.to_string().into(),
                initials: r.initials.as_str().into(),
                name: r.name.as_str().into(),
                unread: i32::try_from(r.unread).unwrap_or(i32::MAX),
                mentions: i32::try_from(r.mentions).unwrap_or(i32::MAX),
                connection: r.connection.as_str().into(),
                level: r.level,
                active: r.active,
                trust: r.trust,
                trust_label: r.trust_label.as_str().into(),
            })
            .collect();
        window.set_rail(ModelRc::new(VecModel::from(rail)));
    }
    if next.accounts != last.accounts {
        window.set_accounts(items(&next.accounts));
    }
    if next.workspaces != last.workspaces {
        window.set_workspaces(items(&next.workspaces));
    }
    if next.conversations != last.conversations {
        window.set_conversations(items(&next.conversations));
    }
    // The rows move into the timeline's model (`last.rows` stays empty): they are compared
    // there, and not held twice.
    let (from, to) = (place(last), place(&next));
    bridge.timelines.render(
        window,
        Next {
            rows: std::mem::take(&mut next.rows),
            highlight: (next.highlight, last.highlight),
            places: (&from, &to),
            scroll: next.scroll,
        },
        &bridge.makers,
    );
    // Text the user is typing is only replaced when the state says something else (another
    // conversation or server), so the cursor does not jump while typing.
    if window.get_draft() != next.draft.as_str() {
        window.set_draft(next.draft.as_str().into());
    }
    if window.get_filter() != next.filter.as_str() {
        window.set_filter(next.filter.as_str().into());
    }
    let server_name = next.auth.server.as_str();
    window.set_server_name(server_name.into());
    window.set_title_text(next.toolbar.title.as_str().into());
    window.set_topic(next.toolbar.topic.as_str().into());
    window.set_connection(next.toolbar.connection.as_str().into());
    window.set_connection_level(next.toolbar.level);
    window.set_account(next.toolbar.account.as_str().into());
    window.set_unencrypted(next.toolbar.unencrypted);
    window.set_security(next.toolbar.security.as_str().into());
    window.set_token_store(next.toolbar.token_store.as_str().into());
    window.set_notice(next.notice.as_str().into());
    window.set_muted(next.muted);
    {
        let mut makers = bridge.makers.borrow_mut();
        let Makers { styled, pictures } = &mut *makers;
        notifications(window, &next, last, styled, pictures);
        search::render(window, &next, last, styled, pictures);
    }
    window.set_more_before(next.more_before);
    window.set_editing(next.editing);
    window.set_add_open(next.add_server.open);
    window.set_add_probing(next.add_server.probing);
    window.set_add_error(next.add_server.error.as_str().into());
    window.set_add_fingerprint(next.add_server.fingerprint.as_str().into());
    window.set_add_untrusted_server(next.add_server.untrusted_server.as_str().into());
    window.set_add_can_cancel(!next.rail.is_empty());
    window.set_auth_open(next.auth.open);
    window.set_auth_busy(next.auth.busy);
    window.set_auth_error(next.auth.error.as_str().into());
    window.set_auth_email(next.auth.email.as_str().into());
    window.set_auth_server(server_name.into());
    window.set_auth_open_signup(next.auth.open_signup);
    window.set_auth_can_cancel(next.auth.can_cancel);
    bridge.last = next;
}

struct App {
    state: State,
    window: AppWindow,
    runner: Runner,
    bridge: Bridge,
}

thread_local! {
    /// The application, owned by the UI thread (Slint's types are not `Send`).
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Applies a message on the UI thread: update, start its effects, render.
fn dispatch(msg: Msg) {
    APP.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            // Called from inside a render (a property change fired a callback): handle it
            // once the current dispatch is done.
            let _ = slint::invoke_from_event_loop(move || dispatch(msg));
            return;
        };
        let Some(app) = slot.as_mut() else { return };
        // Where the user scrolled to is kept, not shown again: the list is already there,
        // and a scroll should not derive the whole view at every step.
        let quiet = matches!(msg, Msg::Scrolled(_));
        let effects = crate::update(&mut app.state, msg);
        if quiet && effects.is_empty() {
            return;
        }
        app.runner.run(effects);
        render(&app.window, &mut app.bridge, view(&app.state));
    });
}

/// Whether the window has the keyboard focus. Slint keeps this in its window but offers it
/// only through its internal crate (pinned with `=` like the testing backend): the public
/// route, `unstable-winit-030`, would bring winit's Wayland stack along.
fn window_focused(window: &AppWindow) -> bool {
    i_slint_core::window::WindowInner::from_pub(window.window()).active()
}

/// Opens the window, adds the remembered servers and those named on the command line, and
/// runs until it is closed.
pub fn run(servers: Vec<String>) -> Result<(), UiError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("openchat-net")
        .enable_all()
        .build()?;
    let window = AppWindow::new()?;
    let sink: crate::runner::Sink = Arc::new(|msg| {
        // Fails only once the event loop has quit: the answer is no longer wanted.
        let _ = slint::invoke_from_event_loop(move || dispatch(msg));
    });
    let mut runner = Runner::new(runtime.handle().clone(), sink);
    let mut remembered = Vec::new();
    if let Some(path) = crate::registry::default_path() {
        match crate::registry::load(&path) {
            Ok(urls) => remembered = urls,
            Err(e) => {
                tracing::error!(error = %e, path = %path.display(), "cannot read the server registry")
            }
        }
        runner = runner.with_registry(path);
    }
    if let Some(dir) = crate::registry::data_dir() {
        runner = runner
            .with_cache(dir.clone())
            .with_vault(move || crate::vault::Vault::open(dir));
    } else {
        tracing::warn!("no home or data folder: sessions are not kept, each run signs in again");
    }
    // The desktop's light or dark setting is followed; this overrides it (screenshots).
    match std::env::var("OPENCHAT_COLOR_SCHEME").as_deref() {
        Ok("dark") => window.invoke_use_color_scheme(true),
        Ok("light") => window.invoke_use_color_scheme(false),
        _ => {}
    }
    wire(&window, Rc::new(dispatch));
    let mut bridge = Bridge::default();
    let state = State::new(crate::client_prefix());
    render(&window, &mut bridge, view(&state));
    APP.with(|cell| {
        *cell.borrow_mut() = Some(App {
            state,
            window: window.clone_strong(),
            runner,
            bridge,
        });
    });
    for saved in remembered {
        dispatch(Msg::RestoreServer(saved));
    }
    // Whether the user is looking (notifications, read marking): Slint reports the window's
    // focus to no callback, so it is read twice a second and changes are dispatched.
    let focus = slint::Timer::default();
    focus.start(
        slint::TimerMode::Repeated,
        std::time::Duration::from_millis(500),
        || {
            let changed = APP.with(|cell| {
                let app = cell.try_borrow().ok()?;
                let app = app.as_ref()?;
                let focused = window_focused(&app.window);
                (focused != app.state.focused).then_some(focused)
            });
            if let Some(focused) = changed {
                dispatch(Msg::WindowFocused(focused));
            }
        },
    );
    for url in servers {
        dispatch(Msg::AddServer(url));
    }
    window.run()?;
    APP.with(|cell| cell.borrow_mut().take());
    runtime.shutdown_background();
    Ok(())
}
