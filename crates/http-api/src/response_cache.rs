//! Public reads rendered once per data version and request URI, sent with an `ETag`, so a
//! client that asks again gets `304 Not Modified`.
//!
//! Each cache follows one context's [`Version`]: every write through this instance moves it
//! on, which makes every rendered answer stale at once. An answer is also dropped after its
//! policy's `entry_max_age`, since another server instance's writes do not move this
//! instance's version (and the catalog's `post=true` listings change without a catalog write).
//!
//! A page of the feed is about 50 KB of JSON and 5 KB gzipped; sending it whole at 20,000
//! requests a second moved a gigabyte a second and made the tail latency. Each answer is
//! therefore also gzipped once, when rendered, and that copy goes to clients that accept it
//! (the app's HTTP client does), with `Vary: Accept-Encoding`.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use alpha_kernel::Version;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;

use crate::error::ApiError;

/// How long answers live, for clients and here, and how much is kept.
#[derive(Debug, Clone, Copy)]
pub struct CachePolicy {
    /// Clients may reuse an answer this long without asking; after that they revalidate. Zero
    /// sends `no-cache`: they revalidate every time.
    pub client_max_age_secs: u32,
    /// How stale an answer may get through changes this instance did not make.
    pub entry_max_age: Duration,
    /// Distinct URIs are unbounded; past this many answers, or this many bytes of them, the
    /// cache starts over.
    pub max_entries: usize,
    pub max_bytes: usize,
}

impl CachePolicy {
    /// The catalog: changed by admins only, read on every screen of the app.
    pub const CATALOG: Self = Self {
        client_max_age_secs: 60,
        entry_max_age: Duration::from_secs(5),
        max_entries: 512,
        max_bytes: 32 * 1024 * 1024,
    };
    /// The feed and the post pages: a new or approved post must show at once, so clients
    /// always revalidate (a 304 when nothing changed).
    pub const LISTINGS: Self = Self {
        client_max_age_secs: 0,
        entry_max_age: Duration::from_secs(5),
        max_entries: 8192,
        max_bytes: 32 * 1024 * 1024,
    };
}

/// Answers shorter than this are sent as they are: gzip would save a few bytes at best.
const MIN_GZIP_BYTES: usize = 1024;

#[derive(Clone)]
struct Rendered {
    version: u64,
    at: Instant,
    body: Bytes,
    etag: String,
    /// The body gzipped, for an answer of at least [`MIN_GZIP_BYTES`].
    gzip: Option<Bytes>,
    /// In `[0, 1)`, from the body's hash: how much earlier than the full age this answer
    /// expires.
    jitter: f64,
}

#[derive(Default)]
struct Entries {
    by_uri: HashMap<String, Rendered>,
    bytes: usize,
    /// Keys whose expired answer one request is reloading.
    refreshing: HashSet<String>,
}

enum Lookup {
    Fresh(Rendered),
    Expired(Rendered),
    Miss,
}

/// A reload in progress; dropped when the request ends, however it ends.
struct Claim<'a> {
    cache: &'a ResponseCache,
    key: String,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut entries = self
            .cache
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        entries.refreshing.remove(&self.key);
    }
}

/// Rendered answers, keyed by path and query.
pub struct ResponseCache {
    version: Version,
    policy: CachePolicy,
    entries: Mutex<Entries>,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache").finish_non_exhaustive()
    }
}

impl ResponseCache {
    pub fn new(version: Version, policy: CachePolicy) -> Self {
        Self {
            version,
            policy,
            entries: Mutex::new(Entries::default()),
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
        let _refreshing = match self.lookup(&key, version) {
            Lookup::Fresh(hit) => return Ok(self.reply(req, &hit)),
            Lookup::Expired(hit) => match self.claim(&key) {
                Some(claim) => Some(claim),
                // Another request is loading it: a busy key costs one query per expiry rather
                // than one per request waiting at that moment.
                None => return Ok(self.reply(req, &hit)),
            },
            Lookup::Miss => None,
        };
        let value = load().await?;
        let rendered = render(&value, version)?;
        let size = key.len() + rendered.body.len() + rendered.gzip.as_ref().map_or(0, Bytes::len);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.by_uri.len() >= self.policy.max_entries
            || entries.bytes + size > self.policy.max_bytes
        {
            entries.by_uri.clear();
            entries.bytes = 0;
        }
        if let Some(old) = entries.by_uri.insert(key, rendered.clone()) {
            let old_size = old.body.len() + old.gzip.as_ref().map_or(0, Bytes::len);
            entries.bytes = entries.bytes.saturating_sub(old_size);
        }
        entries.bytes += size;
        drop(entries);
        Ok(self.reply(req, &rendered))
    }

    /// An answer of another version is never used: this instance's writes show at once. One
    /// of this version past its age may still be sent while another request reloads it, for
    /// at most one more `entry_max_age`.
    fn lookup(&self, key: &str, version: u64) -> Lookup {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.by_uri.get(key).filter(|e| e.version == version) else {
            return Lookup::Miss;
        };
        let age = entry.at.elapsed();
        // Each answer lives between 3/4 of the age and the whole of it, after its ETag: pages
        // rendered together (a warm-up, a write) then expire apart, not in one burst of reloads.
        let spread = self.policy.entry_max_age / 4;
        let max_age = self.policy.entry_max_age - spread.mul_f64(entry.jitter);
        if age < max_age {
            Lookup::Fresh(entry.clone())
        } else if age < self.policy.entry_max_age * 2 {
            Lookup::Expired(entry.clone())
        } else {
            Lookup::Miss
        }
    }

    /// Marks `key` as being reloaded; `None` when another request already is.
    fn claim(&self, key: &str) -> Option<Claim<'_>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.refreshing.insert(key.to_owned()).then(|| Claim {
            cache: self,
            key: key.to_owned(),
        })
    }

    fn reply(&self, req: &HttpRequest, rendered: &Rendered) -> HttpResponse {
        let cache_control = match self.policy.client_max_age_secs {
            0 => "no-cache".to_owned(),
            secs => format!("public, max-age={secs}"),
        };
        // The gzipped copy is another representation, so it has its own ETag.
        let (body, etag, gzipped) = match &rendered.gzip {
            Some(gzip) if accepts_gzip(req) => (gzip.clone(), gzip_etag(&rendered.etag), true),
            _ => (rendered.body.clone(), rendered.etag.clone(), false),
        };
        let unchanged = matches_etag(req, &etag);
        let mut reply = if unchanged {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        reply
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .insert_header((header::VARY, "Accept-Encoding"));
        if unchanged {
            return reply.finish();
        }
        if gzipped {
            reply.insert_header((header::CONTENT_ENCODING, "gzip"));
        }
        reply.content_type("application/json").body(body)
    }
}

fn render<T: Serialize>(value: &T, version: u64) -> Result<Rendered, ApiError> {
    let bytes = serde_json::to_vec(value).map_err(|e| ApiError::internal(&e))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let hash = hasher.finish();
    Ok(Rendered {
        version,
        at: Instant::now(),
        jitter: (hash % 1024) as f64 / 1024.0,
        etag: format!("\"{hash:016x}-{:x}\"", bytes.len()),
        gzip: gzip(&bytes),
        body: Bytes::from(bytes),
    })
}

/// `None` when the answer is too short to gain, or (never in practice) the encoder fails:
/// the answer then goes out as it is.
fn gzip(bytes: &[u8]) -> Option<Bytes> {
    if bytes.len() < MIN_GZIP_BYTES {
        return None;
    }
    // The fastest level: JSON this repetitive shrinks about ninefold even so, and it costs
    // well under a millisecond per page, once per render.
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn gzip_etag(etag: &str) -> String {
    format!("{}-gz\"", etag.trim_end_matches('"'))
}

/// Whether `Accept-Encoding` takes gzip: `gzip`, `x-gzip` or `*`, unless given `q=0`.
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !refused
                && (name.eq_ignore_ascii_case("gzip")
                    || name.eq_ignore_ascii_case("x-gzip")
                    || name == "*")
        })
}

fn matches_etag(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == etag || v == "*")
}
