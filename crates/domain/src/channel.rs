//! Channel names, topics, direct-message participants, and who may do what in a
//! conversation.

use ocomms_proto::UserId;
use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::workspace::Role;

use crate::validation::bounded_text;
use crate::{Invalid, Validated};

pub const MAX_NAME_LEN: usize = ocomms_proto::limit::MAX_CHANNEL_NAME_CHARS;
pub const MAX_TOPIC_LEN: usize = ocomms_proto::limit::MAX_TOPIC_CHARS;
pub const MAX_DESCRIPTION_LEN: usize = ocomms_proto::limit::MAX_DESCRIPTION_CHARS;
/// People in a group direct message, including its creator (Slack's limit).
pub const MAX_GROUP_SIZE: usize = ocomms_proto::limit::MAX_GROUP_SIZE;
pub const GENERAL: &str = "general";

/// Normalises a channel name the way Slack does as you type: `# Team Updates` →
/// `team-updates`. Letters of any script, digits, `-` and `_` are kept; anything else is
/// refused with a message that says what is allowed.
pub fn name(raw: &str) -> Validated<String> {
    let trimmed = raw.trim().trim_start_matches('#').trim();
    let mut name = String::with_capacity(trimmed.len());
    for c in trimmed.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            if !name.ends_with('-') {
                name.push('-');
            }
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            name.push(c);
        } else {
            return Err(Invalid::new(
                "name",
                format!(
                    "Channel names can't contain {c:?}. Use lowercase letters, numbers, hyphens and underscores."
                ),
            ));
        }
    }
    let len = name.chars().count();
    if len == 0 || name.chars().all(|c| c == '-' || c == '_') {
        return Err(Invalid::new("name", "Enter a name for the channel."));
    }
    if len > MAX_NAME_LEN {
        return Err(Invalid::new(
            "name",
            format!("Channel names can be at most {MAX_NAME_LEN} characters."),
        ));
    }
    Ok(name)
}

pub fn topic(raw: &str) -> Validated<String> {
    bounded_text("topic", "Topic", raw, 0, MAX_TOPIC_LEN)
}

pub fn description(raw: &str) -> Validated<String> {
    bounded_text("description", "Description", raw, 0, MAX_DESCRIPTION_LEN)
}

/// The participants of a direct message: the creator plus `others`, deduplicated and
/// sorted. One person (yourself) or two make a `Direct`; three to nine a `Group`.
pub fn participants(
    creator: UserId,
    others: &[UserId],
) -> Validated<(ConversationKind, Vec<UserId>)> {
    // Counted as sent, as the API document states it (repeats and yourself included).
    if others.len() > MAX_GROUP_SIZE - 1 {
        return Err(Invalid::new(
            "user_ids",
            format!("A direct message can include at most {MAX_GROUP_SIZE} people, you included."),
        ));
    }
    let mut everyone: Vec<UserId> = others.iter().copied().chain([creator]).collect();
    everyone.sort_unstable();
    everyone.dedup();
    if everyone.len() > MAX_GROUP_SIZE {
        return Err(Invalid::new(
            "user_ids",
            format!("A direct message can include at most {MAX_GROUP_SIZE} people, you included."),
        ));
    }
    let kind = if everyone.len() <= 2 {
        ConversationKind::Direct
    } else {
        ConversationKind::Group
    };
    Ok((kind, everyone))
}

/// The key that makes the same set of people always land in the same direct message.
pub fn direct_key(participants: &[UserId]) -> String {
    participants
        .iter()
        .map(|u| u.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Why a conversation action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "Everyone in the workspace is in #general; it cannot be left, archived or have members removed."
    )]
    General,
    #[error("Only the channel's managers and workspace admins can do that.")]
    NotManager,
    #[error("This channel is archived. Unarchive it first.")]
    Archived,
    #[error(
        "Guests can only be added to channels by their members; they cannot do this themselves."
    )]
    Guest,
    #[error("Join the channel first.")]
    NotMember,
    #[error(
        "You are the last manager of this private channel. Make another member a manager, or archive the channel, before you leave."
    )]
    LastManager,
    #[error("Direct messages have no name, topic or archive; start a channel for that.")]
    NotAChannel,
}

/// What we know of a viewer of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub workspace_role: Role,
    /// `None` when not a member of the conversation.
    pub membership: Option<ConversationRole>,
}

impl Viewer {
    pub fn is_member(&self) -> bool {
        self.membership.is_some()
    }

    fn is_workspace_admin(&self) -> bool {
        crate::permission::is_admin(self.workspace_role)
    }
}

/// May the viewer know this conversation exists? Private channels and direct messages:
/// members only. Public channels: every member of the workspace except guests, who see
/// only what they were added to.
pub fn can_see(kind: ConversationKind, viewer: Viewer) -> bool {
    match kind {
        ConversationKind::Public => viewer.is_member() || viewer.workspace_role != Role::Guest,
        _ => viewer.is_member(),
    }
}

/// Rename, archive, remove members, appoint managers. Workspace admins manage every
/// channel they can see; otherwise the channel's own managers (its creator first).
pub fn can_manage(kind: ConversationKind, viewer: Viewer) -> bool {
    kind.is_channel()
        && can_see(kind, viewer)
        && (viewer.is_workspace_admin() || viewer.membership == Some(ConversationRole::Manager))
}

pub fn may_manage(kind: ConversationKind, viewer: Viewer) -> Result<(), Refusal> {
    if !kind.is_channel() {
        return Err(Refusal::NotAChannel);
    }
    if can_manage(kind, viewer) {
        Ok(())
    } else {
        Err(Refusal::NotManager)
    }
}

/// Pinning and unpinning a message: members, while the conversation is active; only the
/// channel's managers (and workspace admins in it) when the channel keeps pins to them.
pub fn may_pin(
    kind: ConversationKind,
    viewer: Viewer,
    archived: bool,
    managers_only: bool,
) -> Result<(), Refusal> {
    if archived {
        return Err(Refusal::Archived);
    }
    if !viewer.is_member() {
        return Err(Refusal::NotMember);
    }
    if managers_only && kind.is_channel() && !can_manage(kind, viewer) {
        return Err(Refusal::NotManager);
    }
    Ok(())
}

/// Creating a channel: everyone but guests.
pub fn may_create(workspace_role: Role) -> Result<(), Refusal> {
    if workspace_role == Role::Guest {
        return Err(Refusal::Guest);
    }
    Ok(())
}

/// Joining a public channel by oneself.
pub fn may_join(viewer: Viewer, archived: bool) -> Result<(), Refusal> {
    if viewer.workspace_role == Role::Guest {
        return Err(Refusal::Guest);
    }
    if archived {
        return Err(Refusal::Archived);
    }
    Ok(())
}

/// Adding someone else: members of the channel (or group DM) who are not guests.
pub fn may_add(kind: ConversationKind, viewer: Viewer, archived: bool) -> Result<(), Refusal> {
    if archived {
        return Err(Refusal::Archived);
    }
    if viewer.workspace_role == Role::Guest {
        return Err(Refusal::Guest);
    }
    let admin_on_public = kind == ConversationKind::Public && viewer.is_workspace_admin();
    if !(viewer.is_member() || admin_on_public) {
        return Err(Refusal::NotMember);
    }
    Ok(())
}

/// Leaving. `managers_left` counts the managers who would remain, `members_left` everyone
/// who would remain.
pub fn may_leave(
    kind: ConversationKind,
    is_general: bool,
    leaver_manages: bool,
    managers_left: usize,
    members_left: usize,
) -> Result<(), Refusal> {
    if is_general {
        return Err(Refusal::General);
    }
    if kind == ConversationKind::Private && leaver_manages && managers_left == 0 && members_left > 0
    {
        return Err(Refusal::LastManager);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConversationKind::*;

    #[test]
    fn names_are_normalised_like_slack() {
        let ok = [
            ("  # Team Updates ", "team-updates"),
            ("release_2026", "release_2026"),
            ("Équipe  Paris", "équipe-paris"),
            ("開発", "開発"),
            ("a-b", "a-b"),
        ];
        for (raw, expected) in ok {
            assert_eq!(name(raw).unwrap(), expected, "{raw:?}");
        }
        for bad in ["", "   ", "#", "---", "no.dots", "what?", "emoji🎉"] {
            assert_eq!(name(bad).unwrap_err().field, "name", "{bad:?}");
        }
        assert!(name(&"x".repeat(80)).is_ok());
        assert!(name(&"x".repeat(81)).is_err());
    }

    #[test]
    fn direct_message_participants() {
        let me = UserId(5);
        assert_eq!(participants(me, &[]).unwrap(), (Direct, vec![me]));
        assert_eq!(participants(me, &[me]).unwrap(), (Direct, vec![me]));
        assert_eq!(
            participants(me, &[UserId(2)]).unwrap(),
            (Direct, vec![UserId(2), me])
        );
        let group = participants(me, &[UserId(9), UserId(2), UserId(9)]).unwrap();
        assert_eq!(group, (Group, vec![UserId(2), me, UserId(9)]));
        assert_eq!(direct_key(&group.1), "2,5,9");
        let nine: Vec<UserId> = (10..18).map(UserId).collect();
        assert!(participants(me, &nine).is_ok());
        let ten: Vec<UserId> = (10..19).map(UserId).collect();
        assert!(participants(me, &ten).is_err());
    }

    fn viewer(workspace_role: Role, membership: Option<ConversationRole>) -> Viewer {
        Viewer {
            workspace_role,
            membership,
        }
    }

    #[test]
    fn visibility_and_management_matrix() {
        use ConversationRole::{Manager, Member as M};
        let guest_outside = viewer(Role::Guest, None);
        let member_outside = viewer(Role::Member, None);
        let admin_outside = viewer(Role::Admin, None);
        assert!(can_see(Public, member_outside) && !can_see(Public, guest_outside));
        assert!(can_see(Public, viewer(Role::Guest, Some(M))));
        assert!(
            !can_see(Private, admin_outside),
            "private means private, even for admins"
        );
        assert!(!can_see(Direct, admin_outside));
        assert!(can_manage(Public, admin_outside));
        assert!(!can_manage(Private, admin_outside));
        assert!(can_manage(Private, viewer(Role::Member, Some(Manager))));
        assert!(!can_manage(Private, viewer(Role::Member, Some(M))));
        assert_eq!(
            may_manage(Direct, viewer(Role::Owner, Some(M))),
            Err(Refusal::NotAChannel)
        );
        assert_eq!(
            may_join(viewer(Role::Guest, None), false),
            Err(Refusal::Guest)
        );
        assert_eq!(may_join(member_outside, true), Err(Refusal::Archived));
        assert_eq!(
            may_add(Private, member_outside, false),
            Err(Refusal::NotMember)
        );
        assert_eq!(
            may_add(Private, viewer(Role::Guest, Some(M)), false),
            Err(Refusal::Guest)
        );
        assert_eq!(may_add(Public, admin_outside, false), Ok(()));
    }

    #[test]
    fn leaving_rules() {
        assert_eq!(may_leave(Public, true, false, 0, 5), Err(Refusal::General));
        assert_eq!(
            may_leave(Private, false, true, 0, 3),
            Err(Refusal::LastManager)
        );
        assert_eq!(
            may_leave(Private, false, true, 0, 0),
            Ok(()),
            "last one out"
        );
        assert_eq!(may_leave(Private, false, true, 1, 3), Ok(()));
        assert_eq!(may_leave(Private, false, false, 0, 3), Ok(()));
        assert_eq!(
            may_leave(Public, false, true, 0, 3),
            Ok(()),
            "public channels stay manageable by admins"
        );
    }
}
