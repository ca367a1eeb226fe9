//! OAuth2 access tokens for FCM: the JWT-bearer grant (RFC 7523) with the service account's
//! key, one token shared by every send and renewed shortly before it expires.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::account::ServiceAccount;

/// The scope of the FCM send API.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
/// Google accepts assertions valid for at most an hour.
const ASSERTION_TTL: u64 = 3600;
/// A token is renewed this long before it expires, so none expires in flight.
const RENEW_BEFORE: Duration = Duration::from_secs(120);

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct Granted {
    access_token: String,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct Refused {
    error: Option<String>,
}

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// Network trouble or a 5xx/429 from the token endpoint: try again later.
    Transient(String),
    /// The endpoint refused the credentials (`invalid_grant`, a revoked key, …).
    Refused(String),
}

struct Cached {
    value: String,
    renew_at: Instant,
}

/// One service account's access token, fetched on first use and cached.
pub(crate) struct TokenSource {
    account: ServiceAccount,
    http: reqwest::Client,
    cached: Mutex<Option<Cached>>,
}

impl TokenSource {
    pub(crate) fn new(account: ServiceAccount, http: reqwest::Client) -> Self {
        Self {
            account,
            http,
            cached: Mutex::new(None),
        }
    }

    pub(crate) fn account(&self) -> &ServiceAccount {
        &self.account
    }

    /// The cached token, or a new one. Concurrent callers wait for the one exchange in flight
    /// rather than each starting their own.
    pub(crate) async fn token(&self) -> Result<String, TokenError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let fresh = self.exchange().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// Drops the cached token (FCM answered 401: it was revoked or expired early).
    pub(crate) async fn forget(&self) {
        *self.cached.lock().await = None;
    }

    async fn exchange(&self) -> Result<Cached, TokenError> {
        let assertion = self.assertion()?;
        let started = Instant::now();
        let response = self
            .http
            .post(&self.account.token_uri)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|e| TokenError::Transient(format!("token endpoint unreachable: {e}")))?;
        let status = response.status();
        if status.is_success() {
            let granted: Granted = response.json().await.map_err(|_| {
                TokenError::Transient("token endpoint answered without an access_token".into())
            })?;
            let lifetime = Duration::from_secs(granted.expires_in.unwrap_or(ASSERTION_TTL));
            tracing::debug!(
                expires_in_secs = lifetime.as_secs(),
                "FCM access token obtained"
            );
            return Ok(Cached {
                value: granted.access_token,
                renew_at: started + lifetime.saturating_sub(RENEW_BEFORE),
            });
        }
        let code = status.as_u16();
        if code == 429 || status.is_server_error() {
            return Err(TokenError::Transient(format!(
                "token endpoint answered HTTP {code}"
            )));
        }
        // Only the OAuth error code is kept: the description may quote the assertion.
        let reason = response
            .json::<Refused>()
            .await
            .ok()
            .and_then(|r| r.error)
            .unwrap_or_else(|| "no error code".to_owned());
        Err(TokenError::Refused(format!(
            "token endpoint refused the service account (HTTP {code}, {reason})"
        )))
    }

    fn assertion(&self) -> Result<String, TokenError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let claims = Claims {
            iss: &self.account.client_email,
            scope: SCOPE,
            aud: &self.account.token_uri,
            iat: now,
            exp: now + ASSERTION_TTL,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid.clone_from(&self.account.key_id);
        jsonwebtoken::encode(&header, &claims, &self.account.key)
            .map_err(|e| TokenError::Refused(format!("cannot sign the token assertion: {e}")))
    }
}
