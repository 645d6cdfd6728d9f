//! Who is notified of a new message, and when not (ADR 0017): the rules, without I/O.
//!
//! Levels as in Slack: a conversation notifies of every message, of mentions only (direct
//! messages count as mentions), or of nothing (muted). Each member sets it per conversation
//! or leaves it to their workspace default. Do not disturb (a daily quiet period in the
//! person's time zone, or snoozed until a moment) holds every notification back; what was
//! held back is still in the Activity list and the unread counts.

use ocomms_proto::Timestamp;
pub use ocomms_proto::notification::{Level, Reason};

/// What a new message is to one member who can see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The member wrote it.
    pub own: bool,
    /// A direct or group direct message.
    pub direct: bool,
    /// It names the member (`@handle`).
    pub named: bool,
    /// `@channel`, `@everyone`, `@all`.
    pub channel: bool,
    /// `@here`, and the member is online.
    pub here_and_online: bool,
    /// A reply in a thread the member follows.
    pub followed_reply: bool,
}

/// Why the member is notified of the message at `level`, or `None`.
pub fn reason(level: Level, delivery: Delivery) -> Option<Reason> {
    if delivery.own || level == Level::Nothing {
        return None;
    }
    if delivery.named || delivery.channel || delivery.here_and_online {
        Some(Reason::Mention)
    } else if delivery.direct {
        Some(Reason::Direct)
    } else if delivery.followed_reply {
        // As in Slack: a followed thread notifies even where only mentions do.
        Some(Reason::Reply)
    } else if level == Level::All {
        Some(Reason::Message)
    } else {
        None
    }
}

/// A member's quiet hours: minutes after midnight in their time zone, `start` to `end`
/// (past midnight when `end < start`), and a snooze until a moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoNotDisturb {
    pub start_minute: Option<u16>,
    pub end_minute: Option<u16>,
    /// IANA name; empty for UTC.
    pub time_zone: String,
    pub snoozed_until: Option<Timestamp>,
}

impl DoNotDisturb {
    /// Whether notifications are held back at `now` (unix milliseconds).
    pub fn quiet_at(&self, now: Timestamp) -> bool {
        if self.snoozed_until.is_some_and(|until| now < until) {
            return true;
        }
        let (Some(start), Some(end)) = (self.start_minute, self.end_minute) else {
            return false;
        };
        if start == end {
            return false;
        }
        let minute = minute_of_day(now, &self.time_zone);
        if start < end {
            (start..end).contains(&minute)
        } else {
            minute >= start || minute < end
        }
    }
}

/// `at` as people read it in an email: `14:05, Dec 3` in `time_zone` (UTC when unknown).
pub fn local_time(at: Timestamp, time_zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_millisecond(at) {
        Ok(at) => at.to_zoned(tz).strftime("%H:%M, %b %-d").to_string(),
        Err(_) => String::new(),
    }
}

/// Minutes since local midnight at `now` in `time_zone` (UTC when unknown or empty).
fn minute_of_day(now: Timestamp, time_zone: &str) -> u16 {
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(at) = jiff::Timestamp::from_millisecond(now) else {
        return 0;
    };
    let local = at.to_zoned(tz);
    let minutes = i32::from(local.hour()) * 60 + i32::from(local.minute());
    u16::try_from(minutes).unwrap_or(0)
}

/// A quiet-hours time typed as `HH:MM` (24 h): minutes after midnight.
pub fn minute(raw: &str, field: &'static str) -> crate::Validated<u16> {
    let invalid = || crate::Invalid::new(field, "Use a time like 22:00 (24-hour clock).");
    let (h, m) = raw.split_once(':').ok_or_else(invalid)?;
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return Err(invalid());
    }
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| invalid())?,
        m.parse().map_err(|_| invalid())?,
    );
    if h > 23 || m > 59 {
        return Err(invalid());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_times_are_in_the_readers_zone() {
        // 2026-12-03 13:05 UTC.
        let at = 1_796_303_100_000;
        assert_eq!(local_time(at, ""), "13:05, Dec 3");
        assert_eq!(local_time(at, "Asia/Tokyo"), "22:05, Dec 3");
        assert_eq!(local_time(at, "America/New_York"), "08:05, Dec 3");
        assert_eq!(local_time(at, "Not/AZone"), "13:05, Dec 3");
    }

    const NOTHING: Delivery = Delivery {
        own: false,
        direct: false,
        named: false,
        channel: false,
        here_and_online: false,
        followed_reply: false,
    };

    #[test]
    fn levels_decide_who_is_told() {
        let named = Delivery {
            named: true,
            ..NOTHING
        };
        let direct = Delivery {
            direct: true,
            ..NOTHING
        };
        let here = Delivery {
            here_and_online: true,
            ..NOTHING
        };
        assert_eq!(reason(Level::Mentions, named), Some(Reason::Mention));
        assert_eq!(reason(Level::Mentions, here), Some(Reason::Mention));
        assert_eq!(reason(Level::Mentions, direct), Some(Reason::Direct));
        assert_eq!(reason(Level::Mentions, NOTHING), None);
        assert_eq!(reason(Level::All, NOTHING), Some(Reason::Message));
        assert_eq!(reason(Level::Nothing, named), None, "muted");
        assert_eq!(reason(Level::Nothing, direct), None, "muted");
        let reply = Delivery {
            followed_reply: true,
            ..NOTHING
        };
        assert_eq!(reason(Level::Mentions, reply), Some(Reason::Reply));
        assert_eq!(reason(Level::All, reply), Some(Reason::Reply));
        assert_eq!(reason(Level::Nothing, reply), None, "muted");
        let named_reply = Delivery {
            named: true,
            ..reply
        };
        assert_eq!(reason(Level::Mentions, named_reply), Some(Reason::Mention));
        let own = Delivery {
            own: true,
            channel: true,
            ..NOTHING
        };
        assert_eq!(reason(Level::All, own), None);
    }

    #[test]
    fn quiet_hours_and_snooze_hold_notifications_back() {
        // 2026-12-03 23:30 UTC = 2026-12-04 00:30 in Berlin.
        let now = 1_796_340_600_000;
        let night = DoNotDisturb {
            start_minute: Some(22 * 60),
            end_minute: Some(7 * 60),
            time_zone: "Europe/Berlin".into(),
            snoozed_until: None,
        };
        assert!(night.quiet_at(now));
        assert!(!night.quiet_at(now - 10 * 3_600_000), "13:30 in Berlin");
        let lunch = DoNotDisturb {
            start_minute: Some(12 * 60),
            end_minute: Some(13 * 60),
            ..DoNotDisturb::default()
        };
        assert!(!lunch.quiet_at(now));
        let snoozed = DoNotDisturb {
            snoozed_until: Some(now + 1),
            ..DoNotDisturb::default()
        };
        assert!(snoozed.quiet_at(now) && !snoozed.quiet_at(now + 1));
        assert!(!DoNotDisturb::default().quiet_at(now));
    }

    #[test]
    fn times_are_read_as_24_hour_clock() {
        assert_eq!(minute("22:00", "start").ok(), Some(1320));
        assert_eq!(minute("7:05", "start").ok(), Some(425));
        for bad in ["24:00", "7", "aa:bb", "12:60", "", " 7:05", "7:5", "+7:05"] {
            assert!(minute(bad, "start").is_err(), "{bad:?}");
        }
    }
}
