//! Invitation lifetimes and use limits.

use ocomms_proto::Timestamp;

use crate::{Invalid, Validated};

pub const DEFAULT_HOURS: u32 = 24 * 7;
pub const MAX_HOURS: u32 = ocomms_proto::limit::MAX_INVITATION_HOURS;
pub const MAX_USES: u32 = ocomms_proto::limit::MAX_INVITATION_USES;
const HOUR_MS: i64 = 3_600_000;

/// When an invitation created at `now` expires.
pub fn expires_at(now: Timestamp, hours: Option<u32>) -> Validated<Timestamp> {
    let hours = hours.unwrap_or(DEFAULT_HOURS);
    if hours == 0 || hours > MAX_HOURS {
        return Err(Invalid::new(
            "expires_in_hours",
            format!("Choose an expiry between 1 hour and {MAX_HOURS} hours (30 days)."),
        ));
    }
    Ok(now + i64::from(hours) * HOUR_MS)
}

/// The use limit: email invitations are for one person; links default to unlimited.
pub fn max_uses(requested: Option<u32>, for_email: bool) -> Validated<Option<u32>> {
    match requested {
        Some(0) => Err(Invalid::new("max_uses", "Allow at least one use.")),
        Some(n) if n > MAX_USES => Err(Invalid::new(
            "max_uses",
            format!("Allow at most {MAX_USES} uses, or leave it empty for no limit."),
        )),
        Some(n) => Ok(Some(n)),
        None if for_email => Ok(Some(1)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_and_use_limits_are_bounded() {
        assert_eq!(expires_at(0, Some(1)).unwrap(), HOUR_MS);
        assert_eq!(expires_at(0, None).unwrap(), 168 * HOUR_MS);
        assert!(expires_at(0, Some(0)).is_err());
        assert!(expires_at(0, Some(MAX_HOURS + 1)).is_err());
        assert_eq!(max_uses(None, true).unwrap(), Some(1));
        assert_eq!(max_uses(None, false).unwrap(), None);
        assert!(max_uses(Some(0), false).is_err());
        assert!(max_uses(Some(5000), false).is_err());
    }
}
