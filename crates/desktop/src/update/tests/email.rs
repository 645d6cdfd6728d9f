//! Email about missed mentions and direct messages (docs/adr/0019) in the settings dialog:
//! read with the other settings, offered only where the server sends email, changed
//! through the server and shown as the server answered.

use ocomms_proto::notification::{EmailFrequency, EmailNotifications};

use super::fixture::*;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, State};
use crate::update;
use crate::view::view;

fn email_loaded(
    state: &mut State,
    account: AccountKey,
    frequency: EmailFrequency,
    available: bool,
) {
    update(
        state,
        Msg::EmailNotificationsLoaded {
            account,
            result: Ok(EmailNotifications {
                frequency,
                available,
            }),
        },
    );
}

#[test]
fn the_email_frequency_is_read_with_the_settings_and_changed_through_the_server() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    let effects = update(&mut state, Msg::OpenNotifications);
    assert!(effects.contains(&Effect::LoadEmailNotifications { account }));
    assert_eq!(view(&state).settings.email, 0, "not read yet");
    // Before it is read nothing is sent: the server's answer says whether email exists.
    assert!(update(&mut state, Msg::SetEmailFrequency(EmailFrequency::Hourly)).is_empty());

    email_loaded(&mut state, account, EmailFrequency::Every15Minutes, true);
    let settings = view(&state).settings;
    assert_eq!((settings.email, settings.email_available), (1, true));
    // The choice already made sends nothing; another goes to the server.
    assert!(
        update(
            &mut state,
            Msg::SetEmailFrequency(EmailFrequency::Every15Minutes)
        )
        .is_empty()
    );
    let effects = update(&mut state, Msg::SetEmailFrequency(EmailFrequency::Never));
    assert_eq!(
        effects,
        [Effect::SetEmailFrequency {
            account,
            frequency: EmailFrequency::Never,
        }]
    );
    // Shown as the server answered, not as clicked.
    assert_eq!(view(&state).settings.email, 1);
    email_loaded(&mut state, account, EmailFrequency::Never, true);
    assert_eq!(view(&state).settings.email, 3);
}

#[test]
fn a_server_without_email_explains_instead_of_offering_a_choice() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::OpenNotifications);
    email_loaded(&mut state, account, EmailFrequency::Every15Minutes, false);
    let settings = view(&state).settings;
    assert_eq!((settings.email, settings.email_available), (1, false));
    assert!(update(&mut state, Msg::SetEmailFrequency(EmailFrequency::Hourly)).is_empty());
}

#[test]
fn each_account_keeps_its_own_email_setting_and_a_refusal_is_shown() {
    let mut state = State::new("c");
    let (_, first) = join(&mut state, "https://a.example", "me@a");
    let (_, second) = join(&mut state, "https://b.example", "me@b");
    update(&mut state, Msg::OpenNotifications);
    email_loaded(&mut state, second, EmailFrequency::Hourly, true);
    email_loaded(&mut state, first, EmailFrequency::Never, true);
    assert_eq!(view(&state).settings.email, 2, "the account on screen");
    let first_server = state.servers[0].key;
    update(&mut state, Msg::SelectServer(first_server));
    assert_eq!(view(&state).settings.email, 3);
    update(
        &mut state,
        Msg::EmailNotificationsLoaded {
            account: first,
            result: Err(CallError::Refused("Not now.".into())),
        },
    );
    assert_eq!(view(&state).settings.error, "Not now.");
    assert_eq!(view(&state).settings.email, 3, "unchanged");
}
