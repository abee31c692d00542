//! Time: a wall clock passed in (so tests control it) and the hybrid logical clock
//! that orders writes across laptops without trusting any one laptop's wall clock.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// How far ahead of this laptop's clock a change may be stamped. A change stamped further
/// ahead refuses its bundle: it would outrank every edit made until its stamp comes round.
/// Within this, the clock observes it, so this laptop's later edits order after it.
pub const FUTURE_TOLERANCE_MS: i64 = 10 * 60 * 1000;

/// Where the store reads the current time from.
pub trait Clock: Send + Sync {
    /// The current wall-clock time.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved; for tests and deterministic tools.
#[derive(Debug)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock reading `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(AtomicI64::new(at.timestamp_millis()))
    }
    /// Moves the clock to `at` (backwards too, to test clock skew).
    pub fn set(&self, at: DateTime<Utc>) {
        self.0.store(at.timestamp_millis(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

/// A hybrid logical clock reading: wall milliseconds plus a counter for writes that
/// share (or precede) the last millisecond seen. Never goes backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Hlc {
    pub millis: i64,
    pub counter: u32,
}

impl Hlc {
    /// The next reading after `self` for a write made at wall time `now_millis`.
    pub fn tick(self, now_millis: i64) -> Hlc {
        if now_millis > self.millis {
            Hlc { millis: now_millis, counter: 0 }
        } else if self.counter >= Self::MAX_COUNTER {
            // The counter is full (it has six digits when stored): borrow the next millisecond.
            Hlc { millis: self.millis + 1, counter: 0 }
        } else {
            Hlc { millis: self.millis, counter: self.counter + 1 }
        }
    }

    /// The largest counter the stored form can hold.
    pub const MAX_COUNTER: u32 = 999_999;

    /// Reads the stored form back, only if it is exactly what [`Hlc::encode`] writes for `device`.
    pub fn decode(text: &str, device: &str) -> Option<Hlc> {
        let mut parts = text.splitn(3, '-');
        let millis: i64 = parts.next()?.parse().ok()?;
        let counter: u32 = parts.next()?.parse().ok()?;
        let hlc = Hlc { millis, counter };
        (parts.next()? == device
            && (0..=999_999_999_999_999).contains(&millis)
            && counter <= Self::MAX_COUNTER
            && hlc.encode(device) == text)
            .then_some(hlc)
    }

    /// The stored form: fixed-width so that text order is time order, with the
    /// writing device appended to break ties between laptops deterministically.
    pub fn encode(self, device: &str) -> String {
        format!("{:015}-{:06}-{device}", self.millis, self.counter)
    }
}

/// Formats a time the way Kinship stores it: RFC 3339, UTC, whole seconds.
pub fn to_stored(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_follows_wall_time_when_it_advances() {
        let h = Hlc { millis: 100, counter: 7 }.tick(200);
        assert_eq!(h, Hlc { millis: 200, counter: 0 });
    }

    #[test]
    fn tick_never_goes_backwards_when_wall_time_does() {
        let h = Hlc { millis: 500, counter: 2 }.tick(100);
        assert_eq!(h, Hlc { millis: 500, counter: 3 });
        assert!(h > Hlc { millis: 500, counter: 2 });
    }

    #[test]
    fn a_full_counter_moves_to_the_next_millisecond() {
        let h = Hlc { millis: 500, counter: Hlc::MAX_COUNTER }.tick(100);
        assert_eq!(h, Hlc { millis: 501, counter: 0 });
    }

    #[test]
    fn only_the_exact_stored_form_decodes() {
        let h = Hlc { millis: 1_764_300_000_000, counter: 7 };
        assert_eq!(Hlc::decode(&h.encode("dev"), "dev"), Some(h));
        for bad in ["9-0-dev", "001764300000000-000007-other", "001764300000000-9999999-dev", "x-y-dev"] {
            assert_eq!(Hlc::decode(bad, "dev"), None, "{bad}");
        }
    }

    #[test]
    fn encoded_order_is_time_order() {
        let a = Hlc { millis: 9, counter: 999 }.encode("b");
        let b = Hlc { millis: 10, counter: 0 }.encode("a");
        assert!(a < b, "{a} should sort before {b}");
    }
}
