//! Who may do what inside a workspace. Every check the app layer makes goes through here,
//! so the web UI and the API cannot drift apart.

use ocomms_proto::workspace::Role;

/// Why a membership change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Only workspace owners and admins can do that.")]
    NotAdmin,
    #[error("Only an owner can grant or change the owner role.")]
    OwnerOnly,
    #[error("Admins cannot change or remove other admins; ask an owner.")]
    PeerAdmin,
    #[error("A workspace needs at least one owner. Make someone else an owner first.")]
    LastOwner,
}

pub fn is_admin(role: Role) -> bool {
    matches!(role, Role::Owner | Role::Admin)
}

/// Owners and admins invite; members and guests cannot. Only owners may hand out `owner`.
pub fn may_invite(actor: Role, invited_as: Role) -> Result<(), Refusal> {
    if !is_admin(actor) {
        return Err(Refusal::NotAdmin);
    }
    if invited_as == Role::Owner && actor != Role::Owner {
        return Err(Refusal::OwnerOnly);
    }
    Ok(())
}

/// May `actor` move `target` from `current` to `new`? `owners` is how many owners the
/// workspace has now (the store re-checks it atomically when writing).
pub fn may_change_role(actor: Role, current: Role, new: Role, owners: u64) -> Result<(), Refusal> {
    if !is_admin(actor) {
        return Err(Refusal::NotAdmin);
    }
    if (current == Role::Owner || new == Role::Owner) && actor != Role::Owner {
        return Err(Refusal::OwnerOnly);
    }
    if actor == Role::Admin && current == Role::Admin {
        return Err(Refusal::PeerAdmin);
    }
    if current == Role::Owner && new != Role::Owner && owners <= 1 {
        return Err(Refusal::LastOwner);
    }
    Ok(())
}

/// May `actor` remove `target` (someone else) from the workspace?
pub fn may_remove(actor: Role, target: Role, owners: u64) -> Result<(), Refusal> {
    if !is_admin(actor) {
        return Err(Refusal::NotAdmin);
    }
    if target == Role::Owner && actor != Role::Owner {
        return Err(Refusal::OwnerOnly);
    }
    if actor == Role::Admin && target == Role::Admin {
        return Err(Refusal::PeerAdmin);
    }
    if target == Role::Owner && owners <= 1 {
        return Err(Refusal::LastOwner);
    }
    Ok(())
}

/// Anyone may leave, except the last owner.
pub fn may_leave(role: Role, owners: u64) -> Result<(), Refusal> {
    if role == Role::Owner && owners <= 1 {
        return Err(Refusal::LastOwner);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    #[test]
    fn role_change_matrix() {
        // (actor, current, new, owners, allowed)
        let cases = [
            (Owner, Member, Admin, 1, Ok(())),
            (Owner, Owner, Member, 2, Ok(())),
            (Owner, Owner, Member, 1, Err(Refusal::LastOwner)),
            (Owner, Guest, Owner, 1, Ok(())),
            (Admin, Member, Guest, 1, Ok(())),
            (Admin, Guest, Admin, 1, Ok(())),
            (Admin, Member, Owner, 1, Err(Refusal::OwnerOnly)),
            (Admin, Owner, Member, 2, Err(Refusal::OwnerOnly)),
            (Admin, Admin, Member, 1, Err(Refusal::PeerAdmin)),
            (Member, Guest, Member, 1, Err(Refusal::NotAdmin)),
            (Guest, Member, Guest, 1, Err(Refusal::NotAdmin)),
        ];
        for (actor, current, new, owners, expected) in cases {
            assert_eq!(
                may_change_role(actor, current, new, owners),
                expected,
                "{actor:?} changes {current:?} to {new:?} with {owners} owners"
            );
        }
    }

    #[test]
    fn removal_leave_and_invite_rules() {
        assert_eq!(may_remove(Owner, Owner, 1), Err(Refusal::LastOwner));
        assert_eq!(may_remove(Owner, Owner, 2), Ok(()));
        assert_eq!(may_remove(Admin, Member, 1), Ok(()));
        assert_eq!(may_remove(Admin, Admin, 1), Err(Refusal::PeerAdmin));
        assert_eq!(may_remove(Member, Guest, 1), Err(Refusal::NotAdmin));
        assert_eq!(may_leave(Owner, 1), Err(Refusal::LastOwner));
        assert_eq!(may_leave(Owner, 2), Ok(()));
        assert_eq!(may_leave(Guest, 1), Ok(()));
        assert_eq!(may_invite(Admin, Member), Ok(()));
        assert_eq!(may_invite(Admin, Owner), Err(Refusal::OwnerOnly));
        assert_eq!(may_invite(Member, Member), Err(Refusal::NotAdmin));
    }
}
