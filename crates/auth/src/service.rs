//! The auth use cases: login, per-request authentication, refresh rotation with reuse
//! detection, logout and the caller's own profile.

use std::sync::Arc;
use std::time::Duration;

use alpha_kernel::{Clock, DomainEvent, EventPublisher, Phone, RepoError, SessionId, UserId};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::claims::{Claims, TokenKind};
use crate::errors::{AuthError, LoginError, ProfileError, RefreshError, TokenError};
use crate::hash::refresh_token_hash;
use crate::ports::{SessionRepo, TokenSigner, UpdateOutcome, UserRepo};
use crate::types::{AuthUser, NewSession, Profile, ProfileChanges, SessionRecord, TokenPair};

#[cfg(test)]
mod tests;

/// Lifetimes and windows of the token scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthConfig {
    /// Access token lifetime (15 min in the old backend).
    pub access_ttl: Duration,
    /// Refresh token and session lifetime; each rotation extends the session by this much.
    pub refresh_ttl: Duration,
    /// How long after a rotation the parent token is still answered with the same child,
    /// so two requests racing with one token do not count as theft.
    pub reuse_grace: Duration,
}

/// Why a session is revoked; stored in `sessions.revoked_reason`.
const REASON_LOGOUT: &str = "logout";
const REASON_REUSE: &str = "reuse";

pub struct AuthService {
    users: Arc<dyn UserRepo>,
    sessions: Arc<dyn SessionRepo>,
    signer: Arc<dyn TokenSigner>,
    clock: Arc<dyn Clock>,
    config: AuthConfig,
    access_secs: i64,
    refresh_secs: i64,
    reuse_grace: TimeDelta,
    /// Hears that a session ended, so its live connections close at once.
    events: Arc<dyn EventPublisher>,
}

impl std::fmt::Debug for AuthService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Failure while starting a session, shared by login and legacy adoption.
enum IssueError {
    Repo(RepoError),
    Signing,
}

impl From<RepoError> for IssueError {
    fn from(err: RepoError) -> Self {
        Self::Repo(err)
    }
}

impl From<IssueError> for LoginError {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::Repo(repo) => Self::Infrastructure(repo),
            IssueError::Signing => Self::Signing,
        }
    }
}

impl From<IssueError> for RefreshError {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::Repo(repo) => Self::Infrastructure(repo),
            IssueError::Signing => Self::Signing,
        }
    }
}

impl From<TokenError> for AuthError {
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::Expired => Self::Expired,
            TokenError::Invalid => Self::Invalid,
        }
    }
}

impl AuthService {
    pub fn new(
        users: Arc<dyn UserRepo>,
        sessions: Arc<dyn SessionRepo>,
        signer: Arc<dyn TokenSigner>,
        clock: Arc<dyn Clock>,
        events: Arc<dyn EventPublisher>,
        config: AuthConfig,
    ) -> Self {
        Self {
            users,
            sessions,
            signer,
            clock,
            access_secs: whole_secs(config.access_ttl),
            refresh_secs: whole_secs(config.refresh_ttl),
            reuse_grace: TimeDelta::from_std(config.reuse_grace).unwrap_or(TimeDelta::MAX),
            config,
            events,
        }
    }

    /// Whether `user` still exists and its session (if it has one) is still live: long-lived
    /// connections re-check this, so a deletion or a revocation made elsewhere ends them too.
    ///
    /// Errors: [`RepoError`].
    pub async fn still_valid(&self, user: &AuthUser) -> Result<bool, RepoError> {
        let record = self
            .users
            .auth_record(user.id, user.session, self.clock.now())
            .await?;
        Ok(match record {
            None => false,
            Some(record) => require_live_session(user.session, record.session_active).is_ok(),
        })
    }

    fn session_ended(&self, session: SessionId) {
        self.events.publish(DomainEvent::SessionRevoked { session });
    }

    /// After a verified OTP: finds or creates the user of `phone` and starts a session.
    ///
    /// Errors: [`LoginError::Infrastructure`], [`LoginError::Signing`].
    pub async fn login(
        &self,
        phone: &Phone,
        user_agent: Option<String>,
        ip: Option<String>,
    ) -> Result<TokenPair, LoginError> {
        let now = self.clock.now();
        let user = self
            .users
            .login_by_phone(phone, &new_user_name(), now)
            .await?;
        let phone = Some(user.phone.as_str().to_owned());
        Ok(self
            .start_session(user.id, phone, now, user_agent, ip)
            .await?)
    }

    /// Checks an access token and that its user and session are still alive.
    ///
    /// Errors: [`AuthError::Expired`], [`AuthError::Invalid`] (bad signature, a refresh token,
    /// malformed), [`AuthError::SessionRevoked`], [`AuthError::UserDeleted`],
    /// [`AuthError::Infrastructure`].
    pub async fn authenticate(&self, access_token: &str) -> Result<AuthUser, AuthError> {
        let (user, session) = self.access_subject(access_token)?;
        let record = self
            .users
            .auth_record(user, session, self.clock.now())
            .await?
            .ok_or(AuthError::UserDeleted)?;
        require_live_session(session, record.session_active)?;
        Ok(AuthUser {
            id: record.id,
            phone: record.phone,
            role: record.role,
            session,
        })
    }

    /// The caller's profile, authenticated and read in one round trip (the hot path of the app's
    /// start-up: it is what `GET /auth/me` serves).
    ///
    /// Errors: as [`AuthService::authenticate`].
    pub async fn me(&self, access_token: &str) -> Result<Profile, AuthError> {
        let (user, session) = self.access_subject(access_token)?;
        let checked = self
            .users
            .profile_with_session(user, session, self.clock.now())
            .await?
            .ok_or(AuthError::UserDeleted)?;
        require_live_session(session, checked.session_active)?;
        Ok(checked.profile)
    }

    /// The user and session an access token names, after checking signature, expiry and type.
    fn access_subject(&self, access_token: &str) -> Result<(UserId, Option<SessionId>), AuthError> {
        let claims = self.signer.verify(TokenKind::Access, access_token)?;
        let session = match (claims.typ, claims.sid) {
            (Some(TokenKind::Access), Some(sid)) => Some(SessionId(sid)),
            // An old backend token (no type, no session): accepted without a session check so
            // the switch logs nobody out; it lives at most 15 more minutes.
            (None, None) => None,
            // A refresh token signed with the access secret, or a shape we never issue.
            _ => return Err(AuthError::Invalid),
        };
        Ok((UserId(claims.uuid), session))
    }

    /// Rotates a refresh token into a new pair.
    ///
    /// Errors: [`RefreshError::Invalid`], [`RefreshError::Expired`],
    /// [`RefreshError::SessionRevoked`], [`RefreshError::Reuse`] (the session is then revoked),
    /// [`RefreshError::UserDeleted`], [`RefreshError::Signing`],
    /// [`RefreshError::Infrastructure`].
    pub async fn refresh(
        &self,
        refresh_token: &str,
        user_agent: Option<String>,
        ip: Option<String>,
    ) -> Result<TokenPair, RefreshError> {
        if refresh_token.trim().is_empty() {
            return Err(RefreshError::Invalid);
        }
        let claims = self
            .signer
            .verify(TokenKind::Refresh, refresh_token)
            .map_err(|err| match err {
                TokenError::Expired => RefreshError::Expired,
                TokenError::Invalid => RefreshError::Invalid,
            })?;
        let user = UserId(claims.uuid);
        match (claims.typ, claims.sid) {
            (Some(TokenKind::Refresh), Some(sid)) => {
                self.rotate(refresh_token, user, SessionId(sid)).await
            }
            (None, None) => self.adopt_legacy(refresh_token, user, user_agent, ip).await,
            _ => Err(RefreshError::Invalid),
        }
    }

    /// Revokes the caller's session. An old backend token has none: nothing to do.
    ///
    /// Errors: [`RepoError`].
    pub async fn logout(&self, user: &AuthUser) -> Result<(), RepoError> {
        if let Some(session) = user.session {
            self.sessions
                .revoke(session, REASON_LOGOUT, self.clock.now())
                .await?;
            self.session_ended(session);
        }
        Ok(())
    }

    /// Errors: [`ProfileError::NotFound`], [`ProfileError::Infrastructure`].
    pub async fn profile(&self, user: &AuthUser) -> Result<Profile, ProfileError> {
        self.users
            .profile(user.id)
            .await?
            .ok_or(ProfileError::NotFound)
    }

    /// Names are trimmed; a blank name clears it rather than storing whitespace.
    ///
    /// Errors: [`ProfileError::NotFound`], [`ProfileError::EmailTaken`],
    /// [`ProfileError::Infrastructure`].
    pub async fn update_profile(
        &self,
        user: &AuthUser,
        mut changes: ProfileChanges,
    ) -> Result<(), ProfileError> {
        changes.name = changes
            .name
            .map(|name| name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
        match self
            .users
            .update_profile(user.id, changes, self.clock.now())
            .await?
        {
            UpdateOutcome::Updated => Ok(()),
            UpdateOutcome::UserNotFound => Err(ProfileError::NotFound),
            UpdateOutcome::EmailTaken => Err(ProfileError::EmailTaken),
        }
    }

    /// Errors: [`ProfileError::NotFound`], [`ProfileError::Infrastructure`].
    pub async fn set_firebase_token(
        &self,
        user: &AuthUser,
        token: &str,
    ) -> Result<(), ProfileError> {
        if self
            .users
            .set_firebase_token(user.id, token, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(ProfileError::NotFound)
        }
    }

    /// The normal path: `sid` names one of our sessions.
    async fn rotate(
        &self,
        token: &str,
        user: UserId,
        sid: SessionId,
    ) -> Result<TokenPair, RefreshError> {
        let now = self.clock.now();
        let Some(mut session) = self.sessions.get(sid).await? else {
            return Err(match self.users.auth_record(user, None, now).await? {
                None => RefreshError::UserDeleted,
                Some(_) => RefreshError::SessionRevoked,
            });
        };
        if session.user_id != user {
            // Signed by us but pointing at someone else's session: not a token we issued.
            return Err(RefreshError::Invalid);
        }
        ensure_live(&session, now)?;
        // The child carries the user's current phone (the old backend did the same).
        let phone = self
            .users
            .auth_record(user, None, now)
            .await?
            .ok_or(RefreshError::UserDeleted)?
            .phone;
        let parent_hash = refresh_token_hash(token);

        if parent_hash == session.refresh_token_hash {
            let rotated_at = now.trunc_subsecs(0);
            let child = self
                .child_token(user, phone.clone(), sid, &parent_hash, rotated_at)
                .map_err(|_| RefreshError::Signing)?;
            let rotated = self
                .sessions
                .rotate(
                    sid,
                    &parent_hash,
                    &refresh_token_hash(&child),
                    rotated_at,
                    after(rotated_at, self.refresh_secs),
                )
                .await?;
            if rotated {
                return self.pair_with(user, phone, sid, now, child);
            }
            // A concurrent request with the same token won the compare-and-swap. Re-read: if
            // it rotated exactly once, the grace check below hands us the same child.
            session = self
                .sessions
                .get(sid)
                .await?
                .ok_or(RefreshError::SessionRevoked)?;
            ensure_live(&session, now)?;
        }

        if session.previous_token_hash.as_deref() == Some(parent_hash.as_str())
            && let Some(rotated_at) = session.rotated_at
            && now.signed_duration_since(rotated_at) <= self.reuse_grace
        {
            // Deterministic rotation: recomputing gives the very token the winner stored.
            let child = self
                .child_token(user, phone.clone(), sid, &parent_hash, rotated_at)
                .map_err(|_| RefreshError::Signing)?;
            if refresh_token_hash(&child) == session.refresh_token_hash {
                return self.pair_with(user, phone, sid, now, child);
            }
        }

        // An older token, or the parent after the grace window: someone else may hold the
        // live one, so the whole session goes.
        self.sessions.revoke(sid, REASON_REUSE, now).await?;
        self.session_ended(sid);
        Err(RefreshError::Reuse)
    }

    /// A refresh token of the old backend: accepted once (it matches the user's single bcrypt
    /// hash), then turned into a session.
    async fn adopt_legacy(
        &self,
        token: &str,
        user: UserId,
        user_agent: Option<String>,
        ip: Option<String>,
    ) -> Result<TokenPair, RefreshError> {
        let legacy = self
            .users
            .legacy_refresh(user)
            .await?
            .ok_or(RefreshError::UserDeleted)?;
        let stored = legacy.hash.ok_or(RefreshError::SessionRevoked)?;
        // A malformed stored hash can never match anything: treated like a mismatch.
        let matches = bcrypt::verify(refresh_token_hash(token), &stored).unwrap_or(false);
        if !matches {
            // The old backend's rule: a stale token clears the hash (logs the user out).
            self.users.take_legacy_refresh(user, &stored).await?;
            return Err(RefreshError::Reuse);
        }
        if !self.users.take_legacy_refresh(user, &stored).await? {
            // A concurrent request adopted (or a logout cleared) it first.
            return Err(RefreshError::SessionRevoked);
        }
        Ok(self
            .start_session(user, legacy.phone, self.clock.now(), user_agent, ip)
            .await?)
    }

    /// Creates a session and its first token pair.
    async fn start_session(
        &self,
        user: UserId,
        phone: Option<String>,
        now: DateTime<Utc>,
        user_agent: Option<String>,
        ip_address: Option<String>,
    ) -> Result<TokenPair, IssueError> {
        let issued_at = now.trunc_subsecs(0);
        let sid = SessionId(Uuid::new_v4());
        // Signed before the session is stored, so a signing failure leaves no orphan row.
        let refresh_token = self
            .sign(
                TokenKind::Refresh,
                user,
                phone.clone(),
                sid,
                Uuid::new_v4().to_string(),
                issued_at,
            )
            .map_err(|_| IssueError::Signing)?;
        let access_token = self
            .sign(
                TokenKind::Access,
                user,
                phone,
                sid,
                Uuid::new_v4().to_string(),
                issued_at,
            )
            .map_err(|_| IssueError::Signing)?;
        self.sessions
            .create(NewSession {
                id: sid,
                user_id: user,
                refresh_token_hash: refresh_token_hash(&refresh_token),
                created_at: now,
                expires_at: after(issued_at, self.refresh_secs),
                user_agent,
                ip_address,
            })
            .await?;
        Ok(TokenPair {
            access_token,
            refresh_token,
        })
    }

    /// A fresh access token next to an already computed refresh token.
    fn pair_with(
        &self,
        user: UserId,
        phone: Option<String>,
        sid: SessionId,
        now: DateTime<Utc>,
        refresh_token: String,
    ) -> Result<TokenPair, RefreshError> {
        let access_token = self
            .sign(
                TokenKind::Access,
                user,
                phone,
                sid,
                Uuid::new_v4().to_string(),
                now,
            )
            .map_err(|_| RefreshError::Signing)?;
        Ok(TokenPair {
            access_token,
            refresh_token,
        })
    }

    /// The refresh token that replaces the one hashing to `parent_hash`: a pure function of
    /// its inputs (HS256 is deterministic), so a request that lost the rotation race can
    /// rebuild exactly what the winner stored.
    fn child_token(
        &self,
        user: UserId,
        phone: Option<String>,
        sid: SessionId,
        parent_hash: &str,
        rotated_at: DateTime<Utc>,
    ) -> Result<String, TokenError> {
        self.sign(
            TokenKind::Refresh,
            user,
            phone,
            sid,
            rotation_jti(sid, parent_hash),
            rotated_at,
        )
    }

    fn sign(
        &self,
        kind: TokenKind,
        user: UserId,
        phone: Option<String>,
        sid: SessionId,
        jti: String,
        issued_at: DateTime<Utc>,
    ) -> Result<String, TokenError> {
        let ttl = match kind {
            TokenKind::Access => self.access_secs,
            TokenKind::Refresh => self.refresh_secs,
        };
        let iat = issued_at.timestamp();
        let claims = Claims {
            uuid: user.0,
            phone,
            sub: Some(user.0.to_string()),
            sid: Some(sid.0),
            jti: Some(jti),
            typ: Some(kind),
            iat,
            exp: iat.saturating_add(ttl),
        };
        self.signer.sign(kind, &claims)
    }
}

/// Errors: [`RefreshError::SessionRevoked`] when logged out, revoked or expired.
fn ensure_live(session: &SessionRecord, now: DateTime<Utc>) -> Result<(), RefreshError> {
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Err(RefreshError::SessionRevoked);
    }
    Ok(())
}

/// `jti` of a rotated refresh token: derived, not random, so rotation is deterministic.
fn rotation_jti(sid: SessionId, parent_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"rot\0");
    hasher.update(sid.0.to_string().as_bytes());
    hasher.update(b"\0");
    hasher.update(parent_hash.as_bytes());
    let digest = hasher.finalize();
    hex::encode(&digest[..16])
}

/// `user_` and five characters of [a-z0-9] from the OS CSPRNG, like the old backend's names.
fn new_user_name() -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    // An OS without a working random source cannot run this service safely at all; failing
    // loudly beats issuing predictable names (uuid's v4 makes the same choice).
    let mut rng = OsRng.unwrap_err();
    let suffix: String = (0..5)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("user_{suffix}")
}

/// Whole seconds, saturating: a TTL beyond i64 seconds is "forever", not a wrap-around.
fn whole_secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// `t + secs`, saturating at the largest representable time.
fn after(t: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    TimeDelta::try_seconds(secs)
        .and_then(|delta| t.checked_add_signed(delta))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Fail closed: when a session was asked about, anything but a clear "active" refuses.
fn require_live_session(session: Option<SessionId>, active: Option<bool>) -> Result<(), AuthError> {
    if session.is_some() && active != Some(true) {
        return Err(AuthError::SessionRevoked);
    }
    Ok(())
}
