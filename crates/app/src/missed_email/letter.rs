//! The text of a missed-message email: plain text (every mail client shows it, nothing to
//! escape), one entry per message with a link straight to it, and how to change or stop it.

use ocomms_domain::notification::local_time;
use ocomms_proto::conversation::ConversationKind;
use ocomms_store::{EmailRecipient, MissedMessage};

/// Entries listed in full; the rest are counted.
const LISTED: usize = 20;
/// Characters of a message shown.
const EXCERPT_CHARS: usize = 300;

pub(super) struct Letter {
    pub subject: String,
    pub body: String,
    pub unsubscribe: String,
}

impl Letter {
    pub fn write(
        recipient: &EmailRecipient,
        messages: &[MissedMessage],
        public_url: &str,
        token: &str,
    ) -> Self {
        let unsubscribe = format!("{public_url}/email/unsubscribe?token={token}");
        let mut body = format!(
            "Hi {},\n\n{}\n",
            recipient.display_name,
            match messages.len() {
                1 => "You have an unread message that is waiting for you:".to_owned(),
                n => format!("You have {n} unread messages that are waiting for you:"),
            }
        );
        for message in messages.iter().take(LISTED) {
            body.push_str(&entry(message, &recipient.quiet.time_zone, public_url));
        }
        if messages.len() > LISTED {
            body.push_str(&format!("\n…and {} more.\n", messages.len() - LISTED));
        }
        let settings = messages.first().map_or_else(String::new, |m| {
            format!(
                " (Notifications page: {public_url}/w/{}/notifications)",
                m.workspace_slug
            )
        });
        let often = match recipient.every_minutes {
            60 => "at most one an hour",
            _ => "at most one every 15 minutes",
        };
        body.push_str(&format!(
            "\n--\nYou get this email when someone mentions you or sends you a direct message \
             and it stays unread while you are away; {often}. Change how \
             often in your notification settings{settings}.\nStop these emails: {unsubscribe}\n"
        ));
        Self {
            subject: subject(messages),
            body,
            unsubscribe,
        }
    }
}

/// `Max Member mentioned you in #town`, or a count across several.
fn subject(messages: &[MissedMessage]) -> String {
    match messages {
        [one] => match place(one) {
            Some(channel) => format!("{} mentioned you in {channel}", one.author),
            None => format!("{} sent you a direct message", one.author),
        },
        many => {
            let workspace = &many[0].workspace_name;
            let suffix = if many.iter().all(|m| &m.workspace_name == workspace) {
                format!(" in {workspace}")
            } else {
                String::new()
            };
            format!("{} unread mentions and direct messages{suffix}", many.len())
        }
    }
}

/// `#name` of a channel; `None` for a direct message.
fn place(message: &MissedMessage) -> Option<String> {
    match message.kind {
        ConversationKind::Direct | ConversationKind::Group => None,
        ConversationKind::Public | ConversationKind::Private => Some(format!(
            "#{}",
            message.channel.as_deref().unwrap_or("channel")
        )),
    }
}

fn entry(message: &MissedMessage, time_zone: &str, public_url: &str) -> String {
    let slug = &message.workspace_slug;
    let link = match message.thread_root_id {
        Some(root) => format!(
            "{public_url}/w/{slug}/c/{}/t/{root}#t{}",
            message.conversation_id, message.id
        ),
        None => format!(
            "{public_url}/w/{slug}/c/{}#m{}",
            message.conversation_id, message.id
        ),
    };
    let where_ = match (place(message), message.kind) {
        (Some(channel), _) => channel,
        (None, ConversationKind::Group) => "a group message".to_owned(),
        (None, _) => "a direct message".to_owned(),
    };
    format!(
        "\n{} in {where_} ({}), {}:\n{}\n{link}\n",
        message.author,
        message.workspace_name,
        local_time(message.created_at, time_zone),
        excerpt(&message.body),
    )
}

/// The message's text on indented lines, cut at a few hundred characters.
fn excerpt(body: &str) -> String {
    let mut text: String = body.trim().chars().take(EXCERPT_CHARS).collect();
    if body.trim().chars().count() > EXCERPT_CHARS {
        text.push('…');
    }
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use ocomms_proto::{ConversationId, MessageId, UserId};
    use ocomms_store::QuietHours;

    use super::*;

    fn message(id: i64, kind: ConversationKind, body: &str) -> MissedMessage {
        MissedMessage {
            id: MessageId(id),
            conversation_id: ConversationId(7),
            thread_root_id: None,
            kind,
            channel: (kind == ConversationKind::Public).then(|| "town".to_owned()),
            workspace_slug: "acme".into(),
            workspace_name: "Acme".into(),
            author: "Max Member".into(),
            body: body.into(),
            // 2026-12-03 13:05 UTC.
            created_at: 1_796_303_100_000,
        }
    }

    fn ann() -> EmailRecipient {
        EmailRecipient {
            user: UserId(2),
            email: "ann@example.com".into(),
            display_name: "Ann".into(),
            every_minutes: 15,
            sent_at: 0,
            quiet: QuietHours {
                time_zone: "Europe/Paris".into(),
                ..QuietHours::default()
            },
        }
    }

    #[test]
    fn one_mention_names_who_and_where_and_links_to_it() {
        let letter = Letter::write(
            &ann(),
            &[message(42, ConversationKind::Public, "@ann can you look?")],
            "https://chat.example",
            "tok",
        );
        assert_eq!(letter.subject, "Max Member mentioned you in #town");
        assert!(letter.body.starts_with("Hi Ann,\n"), "{}", letter.body);
        assert!(
            letter.body.contains(
                "Max Member in #town (Acme), 14:05, Dec 3:\n  @ann can you look?\n\
                 https://chat.example/w/acme/c/7#m42\n"
            ),
            "{}",
            letter.body
        );
        assert_eq!(
            letter.unsubscribe,
            "https://chat.example/email/unsubscribe?token=tok"
        );
        assert!(letter.body.contains(&letter.unsubscribe));
        assert!(letter.body.contains("at most one every 15 minutes"));
    }

    #[test]
    fn several_are_counted_and_long_ones_cut() {
        let long = "word ".repeat(100);
        let letter = Letter::write(
            &ann(),
            &[
                message(1, ConversationKind::Direct, "hi"),
                message(2, ConversationKind::Group, &long),
            ],
            "http://h",
            "t",
        );
        assert_eq!(
            letter.subject,
            "2 unread mentions and direct messages in Acme"
        );
        assert!(
            letter
                .body
                .contains("Max Member in a direct message (Acme)")
        );
        assert!(letter.body.contains("Max Member in a group message (Acme)"));
        assert!(
            letter.body.contains("…\nhttp://h/w/acme/c/7#m2"),
            "{}",
            letter.body
        );
    }

    #[test]
    fn a_long_list_ends_with_a_count() {
        let many: Vec<_> = (1..=25)
            .map(|i| message(i, ConversationKind::Direct, "hi"))
            .collect();
        let letter = Letter::write(&ann(), &many, "http://h", "t");
        assert_eq!(letter.body.matches("http://h/w/acme/c/7#m").count(), 20);
        assert!(letter.body.contains("…and 5 more."));
    }
}
