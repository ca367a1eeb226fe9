//! The audit trail of admin writes: who did what to which record, and when. Written by the HTTP
//! edge after every successful admin write, so no route can forget it; read by the back office.

use chrono::{DateTime, Utc};

use crate::{RepoError, UserId};

/// One admin write, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: UserId,
    /// The route: `DELETE /api/v1/auth/{uuid}`.
    pub action: String,
    /// The route's parameters (`/`-separated), e.g. the deleted user's uuid.
    pub target: Option<String>,
    /// The HTTP status the write answered.
    pub status: u16,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub entry: AuditEntry,
}

/// Which entries a page lists, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<UserId>,
    /// Entries whose target is exactly this.
    pub target: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// Port: where the trail is kept.
#[async_trait::async_trait]
pub trait AuditLog: Send + Sync {
    async fn record(&self, entry: &AuditEntry) -> Result<(), RepoError>;
    /// A page and how many entries match over all pages.
    async fn page(&self, query: &AuditQuery) -> Result<(u64, Vec<AuditRecord>), RepoError>;
}
