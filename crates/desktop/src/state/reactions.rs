//! A message's reactions changed by one person's toggle, as the realtime protocol reports
//! it (`reaction_added`, `reaction_removed`): the same change for the timeline and for the
//! offline cache, so the two never disagree.

use ocomms_proto::UserId;
use ocomms_proto::message::Reaction;

/// `user` reacted with `emoji` (`added`) or took it back. Idempotent, so a change the
/// client made at once and the server's event about it meet without counting twice; a new
/// emoji goes last (reactions keep the order each emoji was first used), an emoji nobody
/// has left goes away.
pub fn apply(reactions: &mut Vec<Reaction>, emoji: &str, user: UserId, added: bool) {
    let Some(at) = reactions.iter().position(|r| r.emoji == emoji) else {
        if added {
            reactions.push(Reaction {
                emoji: emoji.to_owned(),
                user_ids: vec![user],
            });
        }
        return;
    };
    let users = &mut reactions[at].user_ids;
    if added {
        if !users.contains(&user) {
            users.push(user);
        }
    } else {
        users.retain(|u| *u != user);
        if users.is_empty() {
            reactions.remove(at);
        }
    }
}

/// Whether `user` reacted with `emoji`.
pub fn has(reactions: &[Reaction], emoji: &str, user: UserId) -> bool {
    reactions
        .iter()
        .any(|r| r.emoji == emoji && r.user_ids.contains(&user))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(reactions: &[Reaction]) -> Vec<(&str, Vec<i64>)> {
        reactions
            .iter()
            .map(|r| (r.emoji.as_str(), r.user_ids.iter().map(|u| u.0).collect()))
            .collect()
    }

    #[test]
    fn toggles_are_idempotent_and_keep_first_use_order() {
        let mut r = Vec::new();
        apply(&mut r, "👍", UserId(1), true);
        apply(&mut r, "🎉", UserId(2), true);
        apply(&mut r, "👍", UserId(2), true);
        apply(&mut r, "👍", UserId(2), true);
        assert_eq!(summary(&r), [("👍", vec![1, 2]), ("🎉", vec![2])]);
        assert!(has(&r, "👍", UserId(2)) && !has(&r, "🎉", UserId(1)));
        apply(&mut r, "👍", UserId(1), false);
        apply(&mut r, "🎉", UserId(2), false);
        apply(&mut r, "🎉", UserId(2), false);
        apply(&mut r, "🚀", UserId(2), false);
        assert_eq!(summary(&r), [("👍", vec![2])]);
    }
}
