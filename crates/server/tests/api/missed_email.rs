//! Email about missed mentions and direct messages (issue 15; docs/adr/0019): batched into
//! one email after a delay, only for what is still unread and may still be read, never while
//! muted, active, or in do not disturb; one-click unsubscribe.

use std::time::Duration;

use ocomms_client::Client;
use ocomms_proto::ConversationId;
use ocomms_proto::notification::{EmailFrequency, Level, SetDoNotDisturb};
use ocomms_proto::workspace::{CreateInvitation, Role};
use ocomms_store::testing::TestDb;

use crate::support::{TestServer, channel, link_in, live, token_of};

ocomms_store::backend_tests!(
    missed_mentions_and_direct_messages_go_out_in_one_email,
    what_was_read_muted_or_left_is_never_emailed,
    without_smtp_the_choice_is_kept_and_nothing_is_sent,
);

/// Ann, Max and Bob in workspace "Acme" of a server with SMTP, emailing after 1 s.
struct Office {
    server: TestServer,
    slug: String,
    ann: Client,
    max: Client,
    bob: Client,
    ids: [ocomms_proto::UserId; 3],
}

impl Office {
    async fn open(db: TestDb) -> Self {
        let server = TestServer::with_smtp_configured(db, |config| {
            config.missed_email.delay = Duration::from_secs(1);
            config.missed_email.every = Duration::from_millis(100);
        })
        .await;
        // The administrator (first account, open sign-up) confirms their address too.
        let admin = server.open_server().await;
        let mail = server
            .sink()
            .wait_for("admin@example.com", "/verify?token=")
            .await;
        admin
            .verify_email(&token_of(&link_in(&mail, "/verify?token=")))
            .await
            .unwrap();
        let ann = server.sign_up_confirmed("ann@example.com", "Ann").await;
        let slug = ann.create_workspace("Acme").await.unwrap().slug;
        let max = server.sign_up_confirmed("max@example.com", "Max").await;
        let bob = server.sign_up_confirmed("bob@example.com", "Bob").await;
        for person in [&max, &bob] {
            let invite = CreateInvitation {
                email: None,
                role: Some(Role::Member),
                max_uses: Some(1),
                expires_in_hours: None,
            };
            let token = ann.create_invitation(&slug, &invite).await.unwrap().token;
            person.accept_invitation(&token).await.unwrap();
        }
        let mut ids = Vec::new();
        for person in [&ann, &max, &bob] {
            ids.push(person.me().await.unwrap().id);
        }
        Self {
            server,
            slug,
            ann,
            max,
            bob,
            ids: [ids[0], ids[1], ids[2]],
        }
    }

    /// A channel Max makes with everyone in it.
    async fn channel(&self, name: &str, private: bool) -> ConversationId {
        let request = channel(name, private, vec![self.ids[0], self.ids[2]]);
        self.max
            .create_channel(&self.slug, &request)
            .await
            .unwrap()
            .id
    }

    fn emails_to(&self, to: &str) -> Vec<String> {
        self.server
            .sink()
            .messages()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {to}")) && m.contains("unsubscribe"))
            .collect()
    }
}

async fn missed_mentions_and_direct_messages_go_out_in_one_email(db: TestDb) {
    let o = Office::open(db).await;
    let defaults = o.ann.email_notifications().await.unwrap();
    assert_eq!(defaults.frequency, EmailFrequency::Every15Minutes);
    assert!(defaults.available);

    let town = o.channel("town", false).await;
    let dm = o.max.open_direct(&o.slug, &[o.ids[0]]).await.unwrap().id;
    // Both snooze while the messages come in, so the sweep queues them together however
    // slowly this machine answers (a tick between the two posts would otherwise send one).
    for person in [&o.ann, &o.bob] {
        snooze(person, 60).await;
    }
    let mention = o
        .max
        .post_message(town, "@ann @bob can you look at the deploy?", None)
        .await
        .unwrap();
    let direct = o.max.post_message(dm, "ping", None).await.unwrap();
    // Bob reads his: nothing to email him.
    o.bob.mark_read(town, mention.seq).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        o.server
            .sink()
            .messages()
            .iter()
            .all(|m| !m.contains("unsubscribe"))
    );
    for person in [&o.bob, &o.ann] {
        snooze(person, 0).await;
    }

    let mail = o
        .server
        .sink()
        .wait_for(
            "ann@example.com",
            "2 unread mentions and direct messages in Acme",
        )
        .await;
    assert!(mail.contains("Max in #town (Acme)"), "{mail}");
    assert!(
        mail.contains("  @ann @bob can you look at the deploy?"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("/w/{}/c/{town}#m{}", o.slug, mention.id)),
        "{mail}"
    );
    assert!(mail.contains("Max in a direct message (Acme)"), "{mail}");
    assert!(
        mail.contains(&format!("/w/{}/c/{dm}#m{}", o.slug, direct.id)),
        "{mail}"
    );
    assert!(mail.contains("List-Unsubscribe: <http"), "{mail}");
    assert!(
        mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{mail}"
    );

    // At most one every 15 minutes: a new mention waits.
    o.max.post_message(town, "@ann again", None).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(o.emails_to("ann@example.com").len(), 1);
    assert!(o.emails_to("bob@example.com").is_empty(), "Bob read his");

    // The link in the email turns them off without signing in; the page asks first.
    let link = link_in(&mail, "/email/unsubscribe?token=");
    let http = reqwest::Client::new();
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Stop these emails"));
    assert_eq!(
        o.ann.email_notifications().await.unwrap().frequency,
        EmailFrequency::Every15Minutes,
        "opening the link changes nothing"
    );
    // What a mail client's one-click button sends (RFC 8058).
    let done = http
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(
        o.ann.email_notifications().await.unwrap().frequency,
        EmailFrequency::Never
    );
    let forged = link.replace(&token_of(&link), "not-a-token");
    assert_eq!(http.post(&forged).send().await.unwrap().status(), 404);
}

async fn what_was_read_muted_or_left_is_never_emailed(db: TestDb) {
    let o = Office::open(db).await;
    let town = o.channel("town", false).await;
    let secret = o.channel("secret", true).await;
    let quiet = o.channel("quiet", false).await;
    o.ann
        .set_conversation_notifications(quiet, Some(Level::Nothing))
        .await
        .unwrap();
    o.ann
        .set_email_notifications(EmailFrequency::Hourly)
        .await
        .unwrap();

    // Active right now (a live connection, not idle): the badges told her.
    let socket = live(&o.ann).await;
    o.max
        .post_message(town, "@ann while online", None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop(socket);

    // Snoozed: held back, then sent when the snooze ends. Holding also keeps this test
    // apart from the machine's speed: nothing can go out between a post and its reading.
    snooze(&o.ann, 60).await;
    let read = o
        .max
        .post_message(town, "@ann read this", None)
        .await
        .unwrap();
    o.ann.mark_read(town, read.seq).await.unwrap();
    o.max
        .post_message(quiet, "@ann in a muted channel", None)
        .await
        .unwrap();
    o.max
        .post_message(secret, "@channel private plans", None)
        .await
        .unwrap();
    // Removed from the private channel before the email is written: not a word of it.
    o.max
        .remove_from_conversation(secret, o.ids[0])
        .await
        .unwrap();
    let deleted = o.max.post_message(town, "@ann oops", None).await.unwrap();
    o.max.delete_message(deleted.id).await.unwrap();
    o.max
        .post_message(town, "@ann after hours", None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(o.emails_to("ann@example.com").is_empty());
    snooze(&o.ann, 0).await;
    let mail = o
        .server
        .sink()
        .wait_for("ann@example.com", "Max mentioned you in #town")
        .await;
    assert!(mail.contains("@ann after hours"), "{mail}");
    for never in [
        "read this",
        "muted channel",
        "private plans",
        "secret",
        "oops",
        "while online",
    ] {
        assert!(!mail.contains(never), "{never:?} in {mail}");
    }
    assert!(mail.contains("at most one an hour"), "{mail}");
}

async fn without_smtp_the_choice_is_kept_and_nothing_is_sent(db: TestDb) {
    let s = TestServer::start(db).await;
    let admin = s.open_server().await;
    let settings = admin.email_notifications().await.unwrap();
    assert!(!settings.available);
    let changed = admin
        .set_email_notifications(EmailFrequency::Never)
        .await
        .unwrap();
    assert_eq!(changed.frequency, EmailFrequency::Never);
    assert_eq!(admin.email_notifications().await.unwrap(), changed);
}

/// Do not disturb for `minutes` from now (0 ends it).
async fn snooze(person: &Client, minutes: u32) {
    person
        .set_do_not_disturb(&SetDoNotDisturb {
            quiet_hours: None,
            snooze_minutes: Some(minutes),
        })
        .await
        .unwrap();
}
