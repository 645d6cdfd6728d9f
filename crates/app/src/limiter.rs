//! Rate limits on the endpoints that guess-and-check attacks use: sign-in, sign-up and
//! password reset, each per client address and per account. In memory, per process
//! (see docs/adr/0004-sessions-and-tokens.md).

mod failures;

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{AppError, AppResult};

pub(crate) use failures::FailedAttempts;

pub(crate) struct Limits {
    /// Wrong passwords, per account and per address apart (sign-in, password change).
    pub sign_in: FailedAttempts,
    pub sign_up_by_ip: Switchable,
    pub reset_by_ip: Switchable,
    /// Emails about one address or account, keyed by purpose (`reset:`, `signup:`,
    /// `verify:`): nobody can make the server flood someone's inbox.
    pub reset_by_account: Switchable,
}

impl Limits {
    /// With `enabled` false every check passes (load tests, or a proxy that limits).
    pub fn new(enabled: bool) -> Self {
        let limiter = |burst, period| Switchable(enabled.then(|| Limiter::new(burst, period)));
        Self {
            sign_in: FailedAttempts::new(enabled),
            sign_up_by_ip: limiter(20, Duration::from_secs(60)),
            reset_by_ip: limiter(10, Duration::from_secs(60)),
            reset_by_account: limiter(3, Duration::from_secs(20 * 60)),
        }
    }
}

/// A limit that may be turned off: without one, everything passes.
pub(crate) struct Switchable(Option<Limiter>);

impl Switchable {
    /// Counts one attempt for `key`; `RateLimited` with the wait when over the limit.
    pub fn check(&self, key: &str) -> AppResult<()> {
        self.0.as_ref().map_or(Ok(()), |limiter| limiter.check(key))
    }
}

pub(crate) struct Limiter {
    inner: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Limiter {
    /// `burst` attempts at once, then one more every `period`.
    fn new(burst: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            inner: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt for `key`; `RateLimited` with the wait when over the limit.
    pub fn check(&self, key: &str) -> AppResult<()> {
        if self.inner.len() > 100_000 {
            // Bound memory under an address-spraying attack: forget keys that are full again.
            self.inner.retain_recent();
        }
        self.inner.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            AppError::RateLimited(wait.as_secs().max(1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_limited_after_its_burst_and_others_are_not() {
        let limiter = Limiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        match limiter.check("a") {
            Err(AppError::RateLimited(secs)) => assert!((1..=60).contains(&secs)),
            other => panic!("expected rate limit, got {other:?}"),
        }
        assert!(limiter.check("b").is_ok());
    }

    #[test]
    fn turned_off_limits_let_every_attempt_through() {
        let limits = Limits::new(false);
        for _ in 0..100 {
            assert!(limits.sign_up_by_ip.check("a").is_ok());
            assert!(limits.sign_in.begin(Some("a"), Some("b")).is_ok());
        }
    }
}
