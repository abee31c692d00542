//! Time: a wall clock passed in (so tests control it) and the hybrid logical clock
//! that orders writes across laptops without trusting any one laptop's wall clock.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

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
        } else {
            Hlc { millis: self.millis, counter: self.counter + 1 }
        }
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
    fn encoded_order_is_time_order() {
        let a = Hlc { millis: 9, counter: 999 }.encode("b");
        let b = Hlc { millis: 10, counter: 0 }.encode("a");
        assert!(a < b, "{a} should sort before {b}");
    }
}
