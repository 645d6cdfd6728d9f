//! Wrong-password limits, counted per account and per client address separately.
//!
//! One bucket per address alone locks out everyone behind an office NAT as soon as one of
//! them (or an attacker among them) fails often; one bucket per account alone lets a
//! guesser spread over many addresses. So each attempt needs room in both: the account's
//! bucket is small (guessing one password stays slow however many addresses try it), the
//! address's is large (a shared address holds many people who mistype). Only failures
//! count: an attempt takes its room up front, so parallel guesses cannot all slip past a
//! check, and gives it back when the password was right.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{AppError, AppResult};

/// Wrong guesses at one account: ten at once, then one every 30 s, from anywhere.
const ACCOUNT_BURST: u32 = 10;
const ACCOUNT_REFILL: Duration = Duration::from_secs(30);
/// Wrong guesses from one address, over all accounts: room for a busy office's typos, but
/// a sprayer of common passwords gets one a second after the burst.
const ADDRESS_BURST: u32 = 100;
const ADDRESS_REFILL: Duration = Duration::from_secs(1);
/// Above this many keys, buckets that are full again are forgotten (an address-spraying
/// attacker must not grow memory without bound).
const MAX_KEYS: usize = 100_000;

pub(crate) struct FailedAttempts {
    limits: Option<(Buckets, Buckets)>,
}

impl FailedAttempts {
    /// With `enabled` false every attempt passes (load tests, or a proxy that limits).
    pub fn new(enabled: bool) -> Self {
        Self {
            limits: enabled.then(|| {
                (
                    Buckets::new(ACCOUNT_BURST, ACCOUNT_REFILL),
                    Buckets::new(ADDRESS_BURST, ADDRESS_REFILL),
                )
            }),
        }
    }

    /// Takes room for one attempt at `account` from `address` (either may be unknown).
    /// `RateLimited`, with the longer wait, when either has none left; nothing is taken
    /// then. Drop the [`Attempt`] to count it as failed, or call `succeeded`.
    pub fn begin(&self, address: Option<&str>, account: Option<&str>) -> AppResult<Attempt<'_>> {
        let Some((accounts, addresses)) = &self.limits else {
            return Ok(Attempt { taken: Vec::new() });
        };
        let address = address.map(network_of);
        let mut taken: Vec<(&Buckets, String)> = Vec::with_capacity(2);
        for (buckets, key) in [(addresses, address.as_deref()), (accounts, account)] {
            let Some(key) = key else { continue };
            if let Err(wait) = buckets.take(key) {
                for (buckets, key) in &taken {
                    buckets.give_back(key);
                }
                return Err(AppError::RateLimited(wait));
            }
            taken.push((buckets, key.to_owned()));
        }
        Ok(Attempt { taken })
    }
}

/// The address bucket's key: an IPv6 address counts as its /64, since one host or home
/// usually holds a whole /64 and could otherwise take a fresh bucket for every guess.
fn network_of(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        _ => address.to_owned(),
    }
}

/// One attempt in progress. Dropped, it stays counted as a failure.
pub(crate) struct Attempt<'a> {
    taken: Vec<(&'a Buckets, String)>,
}

impl Attempt<'_> {
    /// The password was right: the attempt does not count against anyone.
    pub fn succeeded(self) {
        for (buckets, key) in &self.taken {
            buckets.give_back(key);
        }
    }
}

/// Token buckets by key: `burst` tokens, one more every `refill`.
struct Buckets {
    burst: f64,
    refill: Duration,
    keys: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Buckets {
    fn new(burst: u32, refill: Duration) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            refill,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key`, or says in how many seconds one will be there.
    fn take(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut keys = self.lock();
        if keys.len() >= MAX_KEYS {
            keys.retain(|_, b| self.refilled(*b, now) < self.burst);
        }
        let tokens = keys.get(key).map_or(self.burst, |b| self.refilled(*b, now));
        if tokens < 1.0 {
            let wait = self.refill.as_secs_f64() * (1.0 - tokens);
            // Whole seconds, rounded up, and never 0: it is what Retry-After says.
            return Err((wait.ceil() as u64).max(1));
        }
        keys.insert(
            key.to_owned(),
            Bucket {
                tokens: tokens - 1.0,
                at: now,
            },
        );
        Ok(())
    }

    fn give_back(&self, key: &str) {
        let now = Instant::now();
        let mut keys = self.lock();
        if let Some(bucket) = keys.get_mut(key) {
            bucket.tokens = (self.refilled(*bucket, now) + 1.0).min(self.burst);
            bucket.at = now;
        }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let gained = now.duration_since(bucket.at).as_secs_f64() / self.refill.as_secs_f64();
        (bucket.tokens + gained).min(self.burst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bucket>> {
        // Invariant: nothing panics while holding the lock.
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(result: AppResult<Attempt<'_>>) -> bool {
        matches!(result, Err(AppError::RateLimited(_)))
    }

    #[test]
    fn an_account_is_limited_after_its_failures_from_any_address() {
        let limits = FailedAttempts::new(true);
        for n in 0..ACCOUNT_BURST {
            let address = format!("10.0.0.{n}");
            drop(
                limits
                    .begin(Some(&address), Some("ada@example.com"))
                    .unwrap(),
            );
        }
        assert!(limited(
            limits.begin(Some("10.9.9.9"), Some("ada@example.com"))
        ));
        // The refusal took nothing from the fresh address.
        for _ in 0..ADDRESS_BURST {
            drop(limits.begin(Some("10.9.9.9"), None).unwrap());
        }
    }

    #[test]
    fn failures_at_one_account_leave_others_at_the_same_address_alone() {
        let limits = FailedAttempts::new(true);
        for _ in 0..ACCOUNT_BURST {
            drop(limits.begin(Some("office"), Some("victim")).unwrap());
        }
        assert!(limited(limits.begin(Some("office"), Some("victim"))));
        limits
            .begin(Some("office"), Some("colleague"))
            .unwrap()
            .succeeded();
    }

    #[test]
    fn successes_do_not_count_and_the_address_bucket_is_large() {
        let limits = FailedAttempts::new(true);
        for _ in 0..1000 {
            limits
                .begin(Some("office"), Some("ada"))
                .unwrap()
                .succeeded();
        }
        for n in 0..ADDRESS_BURST {
            drop(
                limits
                    .begin(Some("office"), Some(&format!("user{n}")))
                    .unwrap(),
            );
        }
        match limits.begin(Some("office"), Some("someone else")) {
            Err(AppError::RateLimited(secs)) => assert_eq!(secs, 1),
            _ => panic!("the address is limited once its bucket is empty"),
        }
    }

    #[test]
    fn an_ipv6_network_shares_one_address_bucket() {
        assert_eq!(network_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(network_of("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(network_of("203.0.113.7"), "203.0.113.7");
        let limits = FailedAttempts::new(true);
        for n in 0..ADDRESS_BURST {
            let address = format!("2001:db8:1:2::{n:x}");
            drop(limits.begin(Some(&address), None).unwrap());
        }
        assert!(limited(limits.begin(Some("2001:db8:1:2::ffff"), None)));
        assert!(limits.begin(Some("2001:db8:1:3::1"), None).is_ok());
    }

    #[test]
    fn the_wait_is_until_the_next_token() {
        let buckets = Buckets::new(1, Duration::from_secs(30));
        assert!(buckets.take("k").is_ok());
        let wait = buckets.take("k").unwrap_err();
        assert!((29..=30).contains(&wait), "{wait}");
    }
}
