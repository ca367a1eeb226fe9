//! Public catalog reads: rendered once per catalog version and query, sent with an `ETag` and a
//! short `Cache-Control`, so a client that asks again gets `304 Not Modified`.
//!
//! The catalog changes only when an admin edits it, and every admin write moves the
//! [`CatalogVersion`] on, which makes every rendered answer stale at once. An answer is also
//! dropped after [`MAX_ENTRY_AGE`]: another server instance's edits do not move this
//! instance's version, and listings included with `post=true` change without an admin.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use alpha_catalog::CatalogVersion;
use serde::Serialize;

use crate::error::ApiError;

/// Clients may reuse a catalog answer this long without asking; after that they revalidate.
const MAX_AGE_SECS: u32 = 60;
/// How stale an answer may get through changes this instance did not make.
const MAX_ENTRY_AGE: Duration = Duration::from_secs(5);
/// Distinct query strings are unbounded; past this many the cache starts over.
const MAX_ENTRIES: usize = 512;

#[derive(Clone)]
struct Rendered {
    version: u64,
    at: Instant,
    body: Bytes,
    etag: String,
}

/// Rendered catalog answers, keyed by path and query.
pub struct ResponseCache {
    version: CatalogVersion,
    entries: Mutex<HashMap<String, Rendered>>,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache").finish_non_exhaustive()
    }
}

impl ResponseCache {
    pub fn new(version: CatalogVersion) -> Self {
        Self {
            version,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The answer to `req`: from the cache when it is current, else `load`ed and kept.
    pub(crate) async fn respond<T, E, F, Fut>(
        &self,
        req: &HttpRequest,
        load: F,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Serialize,
        ApiError: From<E>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let key = req.uri().to_string();
        // Read before loading: an edit that lands during the load leaves the entry stale.
        let version = self.version.current();
        if let Some(hit) = self.lookup(&key, version) {
            return Ok(reply(req, &hit));
        }
        let value = load().await?;
        let rendered = render(&value, version)?;
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, rendered.clone());
        drop(entries);
        Ok(reply(req, &rendered))
    }

    fn lookup(&self, key: &str, version: u64) -> Option<Rendered> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(key)
            .filter(|e| e.version == version && e.at.elapsed() < MAX_ENTRY_AGE)
            .cloned()
    }
}

fn render<T: Serialize>(value: &T, version: u64) -> Result<Rendered, ApiError> {
    let bytes = serde_json::to_vec(value).map_err(|e| ApiError::internal(&e))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Ok(Rendered {
        version,
        at: Instant::now(),
        etag: format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len()),
        body: Bytes::from(bytes),
    })
}

fn reply(req: &HttpRequest, rendered: &Rendered) -> HttpResponse {
    let cache_control = format!("public, max-age={MAX_AGE_SECS}");
    if matches_etag(req, &rendered.etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, rendered.etag.clone()))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .finish();
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::ETAG, rendered.etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .body(rendered.body.clone())
}

fn matches_etag(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == etag || v == "*")
}
