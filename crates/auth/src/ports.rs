//! What the auth domain needs from the outside world.

use alpha_kernel::{Phone, RepoError, SessionId, UserId};
use chrono::{DateTime, Utc};

use crate::claims::{Claims, TokenKind};
use crate::errors::TokenError;
use crate::types::{
    AuthRecord, CheckedProfile, LegacyRefresh, NewSession, Profile, ProfileChanges, SessionRecord,
    UserRecord,
};

/// HS256 signing with one secret per token kind.
#[cfg_attr(test, mockall::automock)]
pub trait TokenSigner: Send + Sync {
    /// Errors: [`TokenError::Invalid`] if the claims cannot be encoded.
    fn sign(&self, kind: TokenKind, claims: &Claims) -> Result<String, TokenError>;
    /// Checks signature (HS256 only, with `kind`'s secret) and expiry; does NOT check `typ`
    /// (the service does, since old tokens have none).
    ///
    /// Errors: [`TokenError::Expired`], [`TokenError::Invalid`].
    fn verify(&self, kind: TokenKind, token: &str) -> Result<Claims, TokenError>;
}

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait UserRepo: Send + Sync {
    /// The user whose stored phone is `e164`, if any.
    ///
    /// Errors: [`RepoError`].
    async fn id_by_phone(&self, e164: &str) -> Result<Option<UserId>, RepoError>;

    /// Finds the user of `phone` (activating it: `status = true`) or creates it with `new_name`,
    /// location `Aşgabat`, status true and role user. Atomic: concurrent first logins of one phone
    /// yield one user.
    ///
    /// Errors: [`RepoError`].
    async fn login_by_phone(
        &self,
        phone: &Phone,
        new_name: &str,
        now: DateTime<Utc>,
    ) -> Result<UserRecord, RepoError>;

    /// One round trip for the per-request check: the user, and whether `session` (if given) is
    /// active for it at `now`. `None` when the user does not exist.
    ///
    /// Errors: [`RepoError`].
    async fn auth_record(
        &self,
        user: UserId,
        session: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<Option<AuthRecord>, RepoError>;

    /// Errors: [`RepoError`].
    async fn profile(&self, user: UserId) -> Result<Option<Profile>, RepoError>;

    /// [`UserRepo::auth_record`] and [`UserRepo::profile`] in one round trip. `None` when the
    /// user does not exist.
    ///
    /// Errors: [`RepoError`].
    async fn profile_with_session(
        &self,
        user: UserId,
        session: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<Option<CheckedProfile>, RepoError>;

    /// Applies `changes`. An email used by another user (the unique constraint, so races too) is
    /// [`UpdateOutcome::EmailTaken`], not an error.
    ///
    /// Errors: [`RepoError`].
    async fn update_profile(
        &self,
        user: UserId,
        changes: ProfileChanges,
        now: DateTime<Utc>,
    ) -> Result<UpdateOutcome, RepoError>;

    /// Errors: [`RepoError`]. `Ok(false)` when the user does not exist.
    async fn set_firebase_token(
        &self,
        user: UserId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;

    /// The old backend's refresh state of `user`; `None` when the user does not exist.
    ///
    /// Errors: [`RepoError`].
    async fn legacy_refresh(&self, user: UserId) -> Result<Option<LegacyRefresh>, RepoError>;

    /// Clears `users."refreshTokenHash"` if it still equals `expected` (compare-and-swap);
    /// returns whether this call cleared it.
    ///
    /// Errors: [`RepoError`].
    async fn take_legacy_refresh(&self, user: UserId, expected: &str) -> Result<bool, RepoError>;
}

/// Result of a profile update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOutcome {
    Updated,
    UserNotFound,
    EmailTaken,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait SessionRepo: Send + Sync {
    /// Errors: [`RepoError`].
    async fn create(&self, session: NewSession) -> Result<(), RepoError>;

    /// Errors: [`RepoError`].
    async fn get(&self, id: SessionId) -> Result<Option<SessionRecord>, RepoError>;

    /// Compare-and-swap rotation: if the session is not revoked and its current hash equals
    /// `expected_hash`, moves it to `previous_token_hash` and stores `new_hash`, `rotated_at`,
    /// `expires_at`. Returns whether this call rotated (of two concurrent calls with one token,
    /// exactly one gets `true`).
    ///
    /// Errors: [`RepoError`].
    async fn rotate(
        &self,
        id: SessionId,
        expected_hash: &str,
        new_hash: &str,
        rotated_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, RepoError>;

    /// Sets `revoked_at`/`revoked_reason` unless already revoked; returns whether this call did.
    ///
    /// Errors: [`RepoError`].
    async fn revoke(
        &self,
        id: SessionId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
}
