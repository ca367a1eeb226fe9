//! Time as a port, so expiry, rotation and retry windows are testable without sleeping.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Real time plus an offset that tests move: a test jumps past a window (a grace period, an
/// expiry) with [`FakeClock::advance`] instead of sleeping through it, while time still flows
/// as usual otherwise (rows stamped by the database's `now()` stay in step).
#[derive(Debug, Default)]
pub struct FakeClock {
    offset: std::sync::Mutex<chrono::TimeDelta>,
}

impl FakeClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        let by = chrono::TimeDelta::from_std(by).unwrap_or(chrono::TimeDelta::MAX);
        let mut offset = self.lock();
        *offset = offset.checked_add(&by).unwrap_or(*offset);
    }

    /// Makes `now()` read `at` at this instant (time flows on from there).
    pub fn set(&self, at: DateTime<Utc>) {
        *self.lock() = at - Utc::now();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, chrono::TimeDelta> {
        self.offset
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fake_clock_jumps_forward_and_keeps_flowing() {
        let clock = FakeClock::new();
        let before = Utc::now();
        clock.advance(std::time::Duration::from_secs(3600));
        let moved = clock.now();
        assert!(moved >= before + chrono::TimeDelta::seconds(3600));
        assert!(moved < before + chrono::TimeDelta::seconds(3660));
        let target = before + chrono::TimeDelta::days(2);
        clock.set(target);
        let now = clock.now();
        assert!(now >= target && now < target + chrono::TimeDelta::seconds(60));
    }
}
