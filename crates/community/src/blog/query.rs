//! `GET /vlog`'s paging, filters and order as a validated value. The app pages with `offset`
//! (§3.3.4), old callers with `page`; `userId` filters by author (B12).

use alpha_kernel::UserId;

use super::errors::BlogError;
use super::types::VlogStatus;
use crate::text::{MAX_TEXT, problem};

/// What the edge parsed (types only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawVlogQuery {
    pub offset: Option<u64>,
    pub page: Option<u64>,
    pub limit: Option<u64>,
    pub status: Option<VlogStatus>,
    pub search: Option<String>,
    pub user: Option<UserId>,
    pub sort: Option<VlogSort>,
    pub dir: Option<SortDir>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VlogSort {
    #[default]
    CreatedAt,
    UpdatedAt,
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

/// Which entries a caller may list or open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Admins: every entry.
    All,
    /// Everyone else: accepted entries, and the caller's own (any status) when signed in.
    AcceptedOr(Option<UserId>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlogQuery {
    pub offset: u64,
    pub limit: u64,
    pub status: Option<VlogStatus>,
    /// Matched case-insensitively against the title and the description.
    pub search: Option<String>,
    pub user: Option<UserId>,
    pub sort: VlogSort,
    pub dir: SortDir,
}

impl VlogQuery {
    pub const DEFAULT_LIMIT: u64 = 10;
    pub const MAX_LIMIT: u64 = 100;
    /// Far past any real list; keeps `offset` and `page × limit` exact everywhere.
    pub const MAX_OFFSET: u64 = 1_000_000_000;
    pub const MAX_PAGE: u64 = Self::MAX_OFFSET / Self::MAX_LIMIT;

    /// `offset` wins over `page` when both are sent.
    ///
    /// Errors: `Invalid` naming `limit`, `offset`, `page` or `search`.
    pub fn new(raw: RawVlogQuery) -> Result<Self, BlogError> {
        let limit = raw.limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(BlogError::invalid(
                "limit",
                format!("must be between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        let offset = match (raw.offset, raw.page) {
            (Some(offset), _) if offset > Self::MAX_OFFSET => {
                return Err(BlogError::invalid(
                    "offset",
                    format!("must be at most {}", Self::MAX_OFFSET),
                ));
            }
            (Some(offset), _) => offset,
            (None, Some(page)) if !(1..=Self::MAX_PAGE).contains(&page) => {
                return Err(BlogError::invalid(
                    "page",
                    format!("must be between 1 and {}", Self::MAX_PAGE),
                ));
            }
            (None, Some(page)) => (page - 1) * limit,
            (None, None) => 0,
        };
        if let Some(reason) = raw.search.as_deref().and_then(|s| problem(s, 0, MAX_TEXT)) {
            return Err(BlogError::invalid("search", reason));
        }
        Ok(Self {
            offset,
            limit,
            status: raw.status,
            search: raw.search,
            user: raw.user,
            sort: raw.sort.unwrap_or_default(),
            dir: raw.dir.unwrap_or_default(),
        })
    }

    /// The page number the answer reports: the one `offset` falls in.
    pub fn page(&self) -> u64 {
        self.offset / self.limit + 1
    }
}
