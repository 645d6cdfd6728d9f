//! Notification settings and Activity: levels read with the conversation list, muted
//! conversations dimmed and counted by their mentions only, the settings dialog's changes
//! sent as the server wants them, Activity paged.

use ocomms_proto::MessageId;
use ocomms_proto::message::Message;
use ocomms_proto::notification::{
    ActivityItem, ActivityKind, ActivityPage, ConversationNotifications, DoNotDisturb, Level,
    QuietHours, SetDoNotDisturb,
};

use super::fixture::*;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, State};
use crate::update;
use crate::view::view;

fn level(level: Option<Level>, effective: Level) -> ConversationNotifications {
    ConversationNotifications { level, effective }
}

fn mute_random(state: &mut State, account: AccountKey) {
    update(
        state,
        Msg::LevelsLoaded {
            account,
            result: Ok(vec![
                (GENERAL, level(None, Level::Mentions)),
                (RANDOM, level(Some(Level::Nothing), Level::Nothing)),
            ]),
        },
    );
}

fn settings_loaded(state: &mut State, account: AccountKey, dnd: DoNotDisturb) {
    update(state, Msg::OpenNotifications);
    update(
        state,
        Msg::SettingsLoaded {
            account,
            workspace: WS,
            result: Ok((Level::Mentions, dnd)),
        },
    );
}

#[test]
fn levels_are_read_with_the_list_and_a_muted_conversation_counts_only_mentions() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    // Joining loaded the list: the levels of the conversations I am in were asked for.
    let effects = update(
        &mut state,
        Msg::ConversationsLoaded {
            account,
            workspace: WS,
            result: Ok((
                vec![
                    conversation(RANDOM, "random", false),
                    conversation(GENERAL, "general", true),
                ],
                vec![],
                vec![],
            )),
        },
    );
    assert!(
        effects.contains(&Effect::LoadLevels {
            account,
            conversations: vec![GENERAL, RANDOM],
        }),
        "{effects:?}"
    );
    mute_random(&mut state, account);
    update(&mut state, to(account, posted(RANDOM, 1, OTHER, None)));
    update(&mut state, to(account, posted(RANDOM, 2, OTHER, None)));
    let v = view(&state);
    let random = v.conversations.iter().find(|c| c.label == "# random");
    assert!(
        random.is_some_and(|r| r.muted && r.unread == 0),
        "{random:?}"
    );
    assert_eq!(
        v.rail[0].unread, 0,
        "a muted conversation's messages do not count"
    );
    // A mention there still does.
    state
        .account_mut(account)
        .map(|(_, a)| a.mentions.insert(RANDOM, 1));
    let v = view(&state);
    assert_eq!(v.rail[0].mentions, 1);
    assert_eq!(v.rail[0].unread, 1);
}

#[test]
fn the_level_of_the_conversation_on_screen_is_set_and_shown() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    mute_random(&mut state, account);
    assert_eq!(view(&state).level, "Mentions");
    let effects = update(&mut state, Msg::SetLevel(Some(Level::Nothing)));
    assert_eq!(
        effects,
        [Effect::SetLevel {
            account,
            conversation: GENERAL,
            level: Some(Level::Nothing),
        }]
    );
    update(
        &mut state,
        Msg::LevelSet {
            account,
            conversation: GENERAL,
            result: Ok(level(Some(Level::Nothing), Level::Nothing)),
        },
    );
    let v = view(&state);
    assert_eq!(v.level, "Muted");
    assert_eq!(v.settings.chosen, 3);
    // Back to the default.
    update(&mut state, Msg::SetLevel(None));
    update(
        &mut state,
        Msg::LevelSet {
            account,
            conversation: GENERAL,
            result: Ok(level(None, Level::All)),
        },
    );
    let v = view(&state);
    assert_eq!((v.level.as_str(), v.settings.chosen), ("All messages", 0));
}

#[test]
fn a_new_workspace_default_reads_the_levels_again() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    let effects = update(&mut state, Msg::OpenNotifications);
    assert_eq!(
        effects,
        [
            Effect::LoadSettings {
                account,
                workspace: WS,
                slug: "acme".into(),
            },
            Effect::LoadEmailNotifications { account },
        ]
    );
    assert!(view(&state).settings.open);
    assert!(
        !view(&state).settings.loaded,
        "controls wait for the settings"
    );
    settings_loaded(&mut state, account, DoNotDisturb::default());
    assert_eq!(view(&state).settings.default_level, 2);
    let effects = update(&mut state, Msg::SetDefaultLevel(Level::All));
    assert!(matches!(
        &effects[..],
        [Effect::SetDefaultLevel { level: Level::All, slug, .. }] if slug == "acme"
    ));
    let effects = update(
        &mut state,
        Msg::DefaultLevelSet {
            account,
            workspace: WS,
            result: Ok(Level::All),
        },
    );
    assert_eq!(
        effects,
        [Effect::LoadLevels {
            account,
            conversations: vec![GENERAL, RANDOM],
        }]
    );
    assert_eq!(view(&state).settings.default_level, 1);
    update(&mut state, Msg::CloseNotifications);
    assert!(!view(&state).settings.open);
}

#[test]
fn quiet_hours_are_checked_and_a_pause_keeps_them() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    // Before do not disturb is read nothing is sent: a pause would erase the quiet hours.
    update(&mut state, Msg::OpenNotifications);
    assert!(update(&mut state, Msg::Snooze(30)).is_empty());
    let quiet = QuietHours {
        start: "22:00".into(),
        end: "07:00".into(),
    };
    settings_loaded(
        &mut state,
        account,
        DoNotDisturb {
            quiet_hours: Some(quiet.clone()),
            snoozed_until: None,
        },
    );
    let v = view(&state).settings;
    assert_eq!(
        (v.quiet_start.as_str(), v.quiet_end.as_str()),
        ("22:00", "07:00")
    );
    let effects = update(&mut state, Msg::Snooze(60));
    assert_eq!(
        effects,
        [Effect::SetDoNotDisturb {
            account,
            update: SetDoNotDisturb {
                quiet_hours: Some(quiet),
                snooze_minutes: Some(60),
            },
        }]
    );
    update(
        &mut state,
        Msg::DoNotDisturbSet {
            account,
            result: Ok(DoNotDisturb {
                quiet_hours: None,
                snoozed_until: Some(1_796_256_000_000 + 21 * 3_600_000 + 30 * 60_000),
            }),
        },
    );
    assert_eq!(
        view(&state).settings.snoozed,
        "Paused until 2026-12-03 21:30 UTC"
    );
    // A typo is said at once; nothing is sent.
    assert!(
        update(
            &mut state,
            Msg::SetQuietHours {
                start: "22".into(),
                end: "7:00".into(),
            },
        )
        .is_empty()
    );
    assert!(view(&state).settings.error.contains("HH:MM"));
    let effects = update(
        &mut state,
        Msg::SetQuietHours {
            start: "23:15".into(),
            end: "6:00".into(),
        },
    );
    assert!(matches!(
        &effects[..],
        [Effect::SetDoNotDisturb { update: SetDoNotDisturb { quiet_hours: Some(q), snooze_minutes: None }, .. }]
            if q.start == "23:15" && q.end == "06:00"
    ));
    assert!(view(&state).settings.error.is_empty());
    // Both empty: none.
    let effects = update(
        &mut state,
        Msg::SetQuietHours {
            start: " ".into(),
            end: String::new(),
        },
    );
    assert!(matches!(
        &effects[..],
        [Effect::SetDoNotDisturb {
            update: SetDoNotDisturb {
                quiet_hours: None,
                ..
            },
            ..
        }]
    ));
    // The server's refusal is shown in the dialog.
    update(
        &mut state,
        Msg::DoNotDisturbSet {
            account,
            result: Err(CallError::Refused("Quiet hours are HH:MM".into())),
        },
    );
    assert_eq!(view(&state).settings.error, "Quiet hours are HH:MM");
}

fn activity(id: i64, kind: ActivityKind) -> ActivityItem {
    ActivityItem {
        kind,
        message: Message {
            body: format!("**hey** @me {id}"),
            ..message_by(RANDOM, id, OTHER)
        },
    }
}

#[test]
fn activity_opens_in_the_main_pane_pages_and_leads_to_its_conversation() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    let effects = update(&mut state, Msg::OpenActivity);
    assert_eq!(
        effects,
        [Effect::LoadActivity {
            account,
            workspace: WS,
            slug: "acme".into(),
            before: None,
        }]
    );
    let v = view(&state);
    assert!(v.activity_open && v.activity_loading);
    assert_eq!(v.toolbar.title, "Activity");
    assert!(
        v.conversations.iter().all(|c| !c.active),
        "no conversation on screen"
    );
    update(
        &mut state,
        Msg::ActivityLoaded {
            account,
            workspace: WS,
            before: None,
            result: Ok(ActivityPage {
                items: vec![
                    activity(9, ActivityKind::Mention),
                    activity(8, ActivityKind::Channel),
                ],
                more: true,
            }),
        },
    );
    let v = view(&state);
    assert_eq!(v.activity.len(), 2);
    assert_eq!(v.activity[0].kind, "Mentioned you");
    assert_eq!(v.activity[0].place, "# random");
    assert_eq!(v.activity[0].author, "Olga");
    assert_eq!(v.activity[0].text, "hey @me 9");
    // A message arriving in the conversation behind Activity is not read by being there.
    update(&mut state, to(account, posted(GENERAL, 5, OTHER, None)));
    assert_eq!(view(&state).rail[0].unread, 1);
    // The next page starts before the last item; asked once while on its way.
    let effects = update(&mut state, Msg::LoadMoreActivity);
    let before = MessageId(RANDOM.0 * 1000 + 8);
    assert!(matches!(&effects[..], [Effect::LoadActivity { before: Some(b), .. }] if *b == before));
    assert!(update(&mut state, Msg::LoadMoreActivity).is_empty());
    update(
        &mut state,
        Msg::ActivityLoaded {
            account,
            workspace: WS,
            before: Some(before),
            result: Ok(ActivityPage {
                items: vec![
                    activity(8, ActivityKind::Channel),
                    activity(7, ActivityKind::Reply),
                ],
                more: false,
            }),
        },
    );
    let v = view(&state);
    assert_eq!(v.activity.len(), 3, "overlap kept once");
    assert!(!v.activity_more);
    // An item opens its conversation.
    update(&mut state, Msg::SelectConversation(RANDOM));
    let v = view(&state);
    assert!(!v.activity_open);
    assert_eq!(v.toolbar.title, "# random");
}
