//! The feed's match counts, remembered for a few seconds.
//!
//! Every feed page carries the number of posts matching its filters, and counting is the
//! expensive half of a page: an exact count visits every matching post (about 25 ms for 100,000
//! approved posts), while the page itself reads twenty rows from an index. The app asks the same
//! counts over and over (the home feed on every scroll, `countOnly` on every filter change), so
//! a count is kept for [`FeedCounts::DEFAULT_TTL`] and reused for the same filters.
//!
//! A post written through this instance (create, edit, moderation, delete) forgets every count
//! at once, so a user sees their own change. A write through another instance shows after at
//! most the TTL.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::feed::{FeedIncludes, FeedQuery, SortBy, SortDir};

/// Counts by filter set, each with the time it was taken.
#[derive(Debug)]
pub struct FeedCounts {
    ttl: Duration,
    entries: Mutex<HashMap<String, (u64, Instant)>>,
}

impl FeedCounts {
    /// How long a count is reused.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(5);
    /// Distinct filter sets kept; past it, the oldest half is dropped. Filters come from users,
    /// so the map must not grow without bound.
    const MAX_ENTRIES: usize = 4096;

    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The count remembered for `query`'s filters, if it is younger than the TTL.
    pub fn get(&self, query: &FeedQuery) -> Option<u64> {
        let key = key(query);
        let entries = self.lock();
        entries
            .get(&key)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(count, _)| *count)
    }

    pub fn put(&self, query: &FeedQuery, count: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= Self::MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= Self::MAX_ENTRIES {
                let mut ages: Vec<Instant> = entries.values().map(|(_, at)| *at).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, (_, at)| *at > cut);
            }
        }
        entries.insert(key(query), (count, Instant::now()));
    }

    /// Forgets every count: a post changed.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, Instant)>> {
        // A panic while holding the lock leaves a plain map, still consistent.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The filters alone: paging, sorting, includes and `countOnly` do not change the count.
fn key(query: &FeedQuery) -> String {
    let filters = FeedQuery {
        offset: 0,
        limit: 0,
        includes: FeedIncludes::default(),
        sort_by: SortBy::CreatedAt,
        sort_dir: SortDir::Desc,
        count_only: false,
        ..query.clone()
    };
    // `Debug` writes every field, floats exactly, so equal keys mean equal filters.
    format!("{filters:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Moderation;

    fn approved() -> FeedQuery {
        FeedQuery {
            status: Some(Moderation::Approved),
            ..FeedQuery::default()
        }
    }

    #[test]
    fn a_count_is_shared_by_pages_sorts_and_includes_of_the_same_filters() {
        let counts = FeedCounts::new(Duration::from_secs(60));
        counts.put(&approved(), 42);
        let other_page = FeedQuery {
            offset: 40,
            limit: 20,
            sort_by: SortBy::Price,
            sort_dir: SortDir::Asc,
            count_only: true,
            includes: FeedIncludes {
                brand: true,
                photo: true,
                ..FeedIncludes::default()
            },
            ..approved()
        };
        assert_eq!(counts.get(&other_page), Some(42));
    }

    #[test]
    fn other_filters_have_their_own_count() {
        let counts = FeedCounts::new(Duration::from_secs(60));
        counts.put(&approved(), 42);
        assert_eq!(counts.get(&FeedQuery::default()), None);
        let pricier = FeedQuery {
            max_milleage: Some(1000.5),
            ..approved()
        };
        assert_eq!(counts.get(&pricier), None);
        counts.put(&pricier, 3);
        assert_eq!(counts.get(&pricier), Some(3));
        assert_eq!(counts.get(&approved()), Some(42));
    }

    #[test]
    fn clear_forgets_and_a_zero_ttl_keeps_nothing() {
        let counts = FeedCounts::new(Duration::from_secs(60));
        counts.put(&approved(), 42);
        counts.clear();
        assert_eq!(counts.get(&approved()), None);

        let never = FeedCounts::new(Duration::ZERO);
        never.put(&approved(), 42);
        assert_eq!(never.get(&approved()), None);
    }

    #[test]
    fn an_old_count_is_not_used() {
        let counts = FeedCounts::new(Duration::from_millis(1));
        counts.put(&approved(), 42);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(counts.get(&approved()), None);
    }

    #[test]
    fn the_map_stays_bounded() {
        let counts = FeedCounts::new(Duration::from_secs(60));
        for i in 0..(FeedCounts::MAX_ENTRIES + 10) {
            let q = FeedQuery {
                max_milleage: Some(i as f64),
                ..approved()
            };
            counts.put(&q, 1);
        }
        assert!(counts.lock().len() <= FeedCounts::MAX_ENTRIES);
        let last = FeedQuery {
            max_milleage: Some((FeedCounts::MAX_ENTRIES + 9) as f64),
            ..approved()
        };
        assert_eq!(counts.get(&last), Some(1));
    }
}
