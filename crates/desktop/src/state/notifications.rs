//! What one account knows of its notification settings (docs/adr/0017): each conversation's
//! level (chosen, or the workspace default), the workspace defaults and do not disturb
//! (loaded when the settings dialog opens), and the Activity list per workspace.

use std::collections::HashMap;

use ocomms_proto::notification::{
    ActivityItem, ConversationNotifications, DoNotDisturb, EmailNotifications, Level,
};
use ocomms_proto::{ConversationId, WorkspaceId};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notifications {
    /// Each conversation's level as the server last said; a conversation not here has not
    /// been asked about yet (shown as not muted).
    pub levels: HashMap<ConversationId, ConversationNotifications>,
    /// The level of conversations nobody chose one for, per workspace (loaded with the
    /// settings).
    pub defaults: HashMap<WorkspaceId, Level>,
    /// Quiet hours and snooze (one per user, across workspaces); `None` until loaded. Only
    /// changed once loaded: the server's PUT replaces the quiet hours, so a snooze sent
    /// without them would erase them.
    pub dnd: Option<DoNotDisturb>,
    /// Email about missed mentions and direct messages (docs/adr/0019): how often, and
    /// whether the server sends email at all; `None` until loaded with the settings.
    pub email: Option<EmailNotifications>,
    pub activity: HashMap<WorkspaceId, Activity>,
    /// The last change or load the server refused, shown in the settings dialog.
    pub error: Option<String>,
}

impl Notifications {
    /// The user muted this conversation (level "nothing", chosen or by default): shown
    /// dimmed, and only its mentions count.
    pub fn is_muted(&self, id: ConversationId) -> bool {
        self.levels
            .get(&id)
            .is_some_and(|l| l.effective == Level::Nothing)
    }
}

/// The Activity list of one workspace: mentions, `@channel` and replies in followed threads,
/// newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    pub items: Vec<ActivityItem>,
    /// Older items exist on the server.
    pub more: bool,
    /// A page is on its way (another "load more" would fetch the same page twice).
    pub loading: bool,
}

impl Activity {
    /// Adds a page; a page may overlap what is there (the first page again after new
    /// activity), so items are kept once, newest first.
    pub fn merge(&mut self, items: Vec<ActivityItem>, more: bool, first_page: bool) {
        if first_page {
            self.items = items;
            self.more = more;
        } else {
            for item in items {
                if !self.items.iter().any(|i| i.message.id == item.message.id) {
                    self.items.push(item);
                }
            }
            self.more = more;
        }
        self.loading = false;
    }
}

/// `HH:MM` on a 24-hour clock, as the server accepts it (`7:05` too); `None` otherwise.
pub fn clock_time(text: &str) -> Option<String> {
    let (h, m) = text.trim().split_once(':')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    let hour: u8 = h.parse().ok()?;
    let minute: u8 = m.parse().ok()?;
    (hour < 24 && minute < 60).then(|| format!("{hour:02}:{minute:02}"))
}

#[cfg(test)]
mod tests {
    use super::clock_time;

    #[test]
    fn clock_times_are_read_as_the_server_reads_them() {
        assert_eq!(clock_time("22:00").as_deref(), Some("22:00"));
        assert_eq!(clock_time(" 7:05 ").as_deref(), Some("07:05"));
        for bad in [
            "24:00", "12:60", "12", "1:5", "ab:cd", "", "123:00", "+1:00",
        ] {
            assert_eq!(clock_time(bad), None, "{bad}");
        }
    }
}
