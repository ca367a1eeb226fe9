//! The brand/model suggestion index behind `GET /brands/search`.
//!
//! The old API loaded every brand with its models on each call (B12). The catalog changes only
//! when an admin edits it, so the index is built once per catalog version and searched in
//! memory: about 2,600 short entries, scanned in well under a millisecond. It is also rebuilt
//! once it is older than its maximum age, because another server instance's edits do not move
//! this instance's version.

use std::sync::{Arc, Mutex, PoisonError};

use alpha_kernel::{Clock, RepoError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ports::SearchSource;
use crate::version::CatalogVersion;

/// One brand, or one model with its brand, as storage gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    pub brand_uuid: Uuid,
    pub brand_name: String,
    pub model: Option<(Uuid, String)>,
}

/// A suggestion as the app reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Suggestion {
    /// The brand name, or "<brand> <model>".
    pub label: String,
    pub brand_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_label: Option<String>,
    pub brand_uuid: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_uuid: Option<Uuid>,
    /// The label without whitespace, case kept.
    pub compare: String,
}

#[derive(Debug)]
struct Built {
    version: u64,
    at: DateTime<Utc>,
    entries: Arc<Vec<Entry>>,
}

#[derive(Debug)]
struct Entry {
    /// `compare` lower-cased, what a query is matched against.
    key: String,
    suggestion: Suggestion,
}

/// The index, rebuilt on the first search after the catalog changed.
pub struct SearchIndex {
    source: Arc<dyn SearchSource>,
    version: CatalogVersion,
    clock: Arc<dyn Clock>,
    max_age: std::time::Duration,
    built: Mutex<Option<Built>>,
}

impl SearchIndex {
    pub fn new(
        source: Arc<dyn SearchSource>,
        version: CatalogVersion,
        clock: Arc<dyn Clock>,
        max_age: std::time::Duration,
    ) -> Self {
        Self {
            source,
            version,
            clock,
            max_age,
            built: Mutex::new(None),
        }
    }

    /// The suggestions whose whitespace-free label contains the query's (case-insensitive), in
    /// index order: each brand, then its models. A blank query matches every entry, which is
    /// what the app's `ensureIndex` asks for.
    ///
    /// Errors: [`RepoError`] when the index has to be rebuilt and storage fails.
    pub async fn search(
        &self,
        query: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Suggestion>, RepoError> {
        let entries = self.entries().await?;
        let needle = squash(query).to_lowercase();
        Ok(entries
            .iter()
            .filter(|e| e.key.contains(&needle))
            .skip(offset)
            .take(limit)
            .map(|e| e.suggestion.clone())
            .collect())
    }

    async fn entries(&self) -> Result<Arc<Vec<Entry>>, RepoError> {
        // Read before loading: a change that lands during the load moves the version on, and
        // the next search rebuilds again rather than keep a stale index.
        let version = self.version.current();
        let now = self.clock.now();
        if let Some(entries) = self.current(version, now) {
            return Ok(entries);
        }
        // Two searches racing after a change may both load; the lock is never held across the
        // load, so a slow database cannot stall searches on an index that is still current.
        let entries = Arc::new(build(self.source.search_rows().await?));
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if built.as_ref().is_none_or(|b| b.version <= version) {
            *built = Some(Built {
                version,
                at: now,
                entries: Arc::clone(&entries),
            });
        }
        Ok(entries)
    }

    fn current(&self, version: u64, now: DateTime<Utc>) -> Option<Arc<Vec<Entry>>> {
        let fresh = |b: &&Built| (now - b.at).to_std().is_ok_and(|age| age < self.max_age);
        let built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        built
            .as_ref()
            .filter(|b| b.version == version)
            .filter(fresh)
            .map(|b| Arc::clone(&b.entries))
    }
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Brands by name, each followed by its models by name.
fn build(mut rows: Vec<SearchRow>) -> Vec<Entry> {
    rows.sort_by(|a, b| {
        (
            a.brand_name.to_lowercase(),
            a.brand_uuid,
            a.model.is_some(),
            model_name(a),
        )
            .cmp(&(
                b.brand_name.to_lowercase(),
                b.brand_uuid,
                b.model.is_some(),
                model_name(b),
            ))
    });
    rows.into_iter()
        .map(|row| {
            let suggestion = match row.model {
                None => Suggestion {
                    label: row.brand_name.clone(),
                    compare: squash(&row.brand_name),
                    brand_label: row.brand_name,
                    model_label: None,
                    brand_uuid: row.brand_uuid,
                    model_uuid: None,
                },
                Some((model_uuid, model_name)) => {
                    let label = format!("{} {model_name}", row.brand_name);
                    Suggestion {
                        compare: squash(&label),
                        label,
                        brand_label: row.brand_name,
                        model_label: Some(model_name),
                        brand_uuid: row.brand_uuid,
                        model_uuid: Some(model_uuid),
                    }
                }
            };
            Entry {
                key: suggestion.compare.to_lowercase(),
                suggestion,
            }
        })
        .collect()
}

fn model_name(row: &SearchRow) -> Option<String> {
    row.model.as_ref().map(|(_, name)| name.to_lowercase())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alpha_kernel::FakeClock;

    use super::*;
    use crate::ports::MockSearchSource;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn rows() -> Vec<SearchRow> {
        let brand = |n, name: &str| SearchRow {
            brand_uuid: id(n),
            brand_name: name.into(),
            model: None,
        };
        let model = |b, brand: &str, m, name: &str| SearchRow {
            brand_uuid: id(b),
            brand_name: brand.into(),
            model: Some((id(m), name.into())),
        };
        vec![
            model(1, "toyota", 11, "Camry"),
            brand(2, "bmw"),
            brand(1, "toyota"),
            model(1, "toyota", 12, "Land Cruiser"),
            model(2, "bmw", 21, "X5"),
        ]
    }

    const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30);

    fn index_with_clock(loads: usize, clock: Arc<FakeClock>) -> (SearchIndex, CatalogVersion) {
        let mut source = MockSearchSource::new();
        source
            .expect_search_rows()
            .times(loads)
            .returning(|| Ok(rows()));
        let version = CatalogVersion::new();
        let index = SearchIndex::new(Arc::new(source), version.clone(), clock, MAX_AGE);
        (index, version)
    }

    fn index(loads: usize) -> (SearchIndex, CatalogVersion) {
        index_with_clock(loads, Arc::new(FakeClock::new()))
    }

    fn labels(found: &[Suggestion]) -> Vec<&str> {
        found.iter().map(|s| s.label.as_str()).collect()
    }

    #[tokio::test]
    async fn matches_ignore_case_and_whitespace() {
        let (index, _) = index(1);
        let found = index.search("  landcru ", 0, 10).await.unwrap();
        assert_eq!(labels(&found), ["toyota Land Cruiser"]);
        let s = &found[0];
        assert_eq!(s.compare, "toyotaLandCruiser");
        assert_eq!(s.brand_label, "toyota");
        assert_eq!(s.model_label.as_deref(), Some("Land Cruiser"));
        assert_eq!((s.brand_uuid, s.model_uuid), (id(1), Some(id(12))));
        assert_eq!(
            labels(&index.search("CAM", 0, 10).await.unwrap()),
            ["toyota Camry"]
        );
    }

    #[tokio::test]
    async fn a_blank_query_lists_every_brand_then_its_models() {
        let (index, _) = index(1);
        let all = index.search(" ", 0, 100).await.unwrap();
        assert_eq!(
            labels(&all),
            [
                "bmw",
                "bmw X5",
                "toyota",
                "toyota Camry",
                "toyota Land Cruiser"
            ]
        );
        assert!(all[0].model_uuid.is_none() && all[0].model_label.is_none());
    }

    #[tokio::test]
    async fn offset_and_limit_are_honoured() {
        let (index, _) = index(1);
        let page = index.search("", 1, 2).await.unwrap();
        assert_eq!(labels(&page), ["bmw X5", "toyota"]);
        assert!(index.search("", 10, 2).await.unwrap().is_empty());
        assert!(index.search("", 0, 0).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn storage_is_read_once_per_catalog_version() {
        let (index, version) = index(2);
        for _ in 0..3 {
            index.search("o", 0, 10).await.unwrap();
        }
        version.bump();
        index.search("o", 0, 10).await.unwrap();
        index.search("o", 0, 10).await.unwrap();
    }

    #[tokio::test]
    async fn an_old_index_is_rebuilt_for_changes_made_elsewhere() {
        let clock = Arc::new(FakeClock::new());
        let (index, _) = index_with_clock(2, clock.clone());
        index.search("o", 0, 10).await.unwrap();
        clock.advance(MAX_AGE - std::time::Duration::from_secs(1));
        index.search("o", 0, 10).await.unwrap();
        clock.advance(std::time::Duration::from_secs(1));
        index.search("o", 0, 10).await.unwrap();
    }

    #[tokio::test]
    async fn a_storage_failure_is_reported_and_retried() {
        let mut source = MockSearchSource::new();
        let mut calls = 0;
        source.expect_search_rows().times(2).returning(move || {
            calls += 1;
            if calls == 1 {
                Err(RepoError::Unavailable("down".into()))
            } else {
                Ok(rows())
            }
        });
        let index = SearchIndex::new(
            Arc::new(source),
            CatalogVersion::new(),
            Arc::new(FakeClock::new()),
            MAX_AGE,
        );
        assert!(index.search("bmw", 0, 10).await.is_err());
        assert_eq!(
            labels(&index.search("bmw", 0, 10).await.unwrap()),
            ["bmw", "bmw X5"]
        );
    }
}
