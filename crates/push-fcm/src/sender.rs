//! `messages:send` over HTTP, and the stand-in used without credentials.

use std::time::Duration;

use alpha_notifications::{PushMessage, PushTarget};
use serde_json::{Value, json};

use crate::account::ServiceAccount;
use crate::answer::outcome_of;
use crate::token::{TokenError, TokenSource};
use crate::{PushOutcome, PushSender};

/// Google's FCM endpoint; `FCM_BASE_URL` replaces it (tests point it at a stub).
pub const DEFAULT_BASE_URL: &str = "https://fcm.googleapis.com";

/// Where and how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FcmConfig {
    /// Scheme and host (and port) of the FCM API, without a trailing slash.
    pub base_url: String,
    /// Per HTTP request (token exchange or send), connection included.
    pub request_timeout: Duration,
}

impl Default for FcmConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Sends through FCM HTTP v1 as one service account.
pub struct FcmSender {
    tokens: TokenSource,
    http: reqwest::Client,
    send_url: String,
}

impl std::fmt::Debug for FcmSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FcmSender")
            .field("send_url", &self.send_url)
            .field("account", self.tokens.account())
            .finish_non_exhaustive()
    }
}

impl FcmSender {
    /// Errors: the HTTP client cannot be built (no TLS roots).
    pub fn new(account: ServiceAccount, config: &FcmConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .build()?;
        let send_url = format!(
            "{}/v1/projects/{}/messages:send",
            config.base_url.trim_end_matches('/'),
            account.project_id()
        );
        Ok(Self {
            tokens: TokenSource::new(account, http.clone()),
            http,
            send_url,
        })
    }

    /// `POST …/messages:send`: the URL this sender posts to.
    pub fn send_url(&self) -> &str {
        &self.send_url
    }
}

/// The v1 message: a notification the device shows, and the app's data.
fn message_body(target: &PushTarget, message: &PushMessage) -> Value {
    let mut body = json!({
        "notification": { "title": message.title, "body": message.body },
        "data": message.data,
    });
    match target {
        PushTarget::Token(token) => body["token"] = json!(token),
        PushTarget::Topic(topic) => body["topic"] = json!(topic),
    }
    json!({ "message": body })
}

#[async_trait::async_trait]
impl PushSender for FcmSender {
    async fn send(&self, target: &PushTarget, message: &PushMessage) -> PushOutcome {
        let access = match self.tokens.token().await {
            Ok(token) => token,
            Err(TokenError::Transient(reason)) => {
                return PushOutcome::Retryable {
                    reason,
                    retry_after: None,
                };
            }
            Err(TokenError::Refused(reason)) => return PushOutcome::Rejected { reason },
        };
        let sent = self
            .http
            .post(&self.send_url)
            .bearer_auth(access)
            .json(&message_body(target, message))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                return PushOutcome::Retryable {
                    reason: format!("FCM unreachable: {}", without_url(&e)),
                    retry_after: None,
                };
            }
        };
        let status = response.status().as_u16();
        if status == 401 {
            // The token was revoked or expired early: the next attempt gets a new one.
            self.tokens.forget().await;
            return PushOutcome::Retryable {
                reason: "FCM HTTP 401: access token refused".to_owned(),
                retry_after: None,
            };
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.unwrap_or_default();
        let to_token = matches!(target, PushTarget::Token(_));
        outcome_of(status, retry_after.as_deref(), &body, to_token)
    }
}

/// reqwest's error text without its URL (the host is configuration, not news, and a URL could
/// carry more than that in other setups).
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    kind.to_owned()
}

/// The sender without credentials (B15): the server runs, and every push is recorded as failed
/// with this reason.
#[derive(Debug, Clone)]
pub struct Unconfigured {
    reason: String,
}

impl Unconfigured {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

#[async_trait::async_trait]
impl PushSender for Unconfigured {
    async fn send(&self, _target: &PushTarget, _message: &PushMessage) -> PushOutcome {
        PushOutcome::Rejected {
            reason: self.reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_message_names_its_one_target() {
        let message = PushMessage {
            title: "T".into(),
            body: "B".into(),
            data: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
        };
        let token = message_body(&PushTarget::Token("abc".into()), &message);
        assert_eq!(token["message"]["token"], "abc");
        assert!(token["message"].get("topic").is_none());
        assert_eq!(token["message"]["notification"]["title"], "T");
        assert_eq!(token["message"]["data"]["k"], "v");
        let topic = message_body(&PushTarget::Topic("all".into()), &message);
        assert_eq!(topic["message"]["topic"], "all");
        assert!(topic["message"].get("token").is_none());
    }
}
