//! Values of the auth domain.

use alpha_kernel::{Email, Phone, SessionId, UserId};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Owner,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Owner => "owner",
            Self::User => "user",
        }
    }

    /// Unknown labels read as the least privileged role.
    pub fn from_label(label: &str) -> Self {
        match label {
            "admin" => Self::Admin,
            "owner" => Self::Owner,
            _ => Self::User,
        }
    }
}

/// Issued together after a login or a refresh.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenPair(<redacted>)")
    }
}

/// The user a login resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub phone: Phone,
}

/// What the authentication check needs, read in one round trip on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRecord {
    pub id: UserId,
    pub phone: Option<String>,
    pub role: Role,
    /// `Some(true)` when the token's session exists, belongs to this user, is not revoked and not
    /// expired; `Some(false)` otherwise; `None` when no session was asked about.
    pub session_active: Option<bool>,
}

/// An authenticated caller, as handlers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub id: UserId,
    pub phone: Option<String>,
    pub role: Role,
    /// `None` only for access tokens issued by the old backend (no session yet).
    pub session: Option<SessionId>,
}

/// A session row to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub id: SessionId,
    pub user_id: UserId,
    /// SHA-256 hex of the refresh token.
    pub refresh_token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub user_id: UserId,
    pub refresh_token_hash: String,
    pub previous_token_hash: Option<String>,
    /// Whole seconds: rotation derives the child token's `iat` from it.
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// The old backend's single refresh hash of a user (`users."refreshTokenHash"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyRefresh {
    pub phone: Option<String>,
    /// bcrypt of the SHA-256 hex of the refresh token; `None` after logout or adoption.
    pub hash: Option<String>,
}

/// `GET /auth/me`.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: UserId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub access: Vec<String>,
    pub role: Role,
    /// The caller's photo row as the old API rendered it (CONTRACT §1.16 Photo), or `None`.
    pub avatar: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

/// A profile read together with the state of the session that asked for it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedProfile {
    /// As [`AuthRecord::session_active`].
    pub session_active: Option<bool>,
    pub profile: Profile,
}

/// `PUT /auth`: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub name: Option<Option<String>>,
    pub location: Option<Option<String>>,
    /// Already validated as an address by the edge.
    pub email: Option<Option<Email>>,
}
