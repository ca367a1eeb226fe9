//! What a token says. Old tokens (the NestJS backend's) carry only `uuid`, `phone`, `iat`, `exp`;
//! ours add `sub`, `sid`, `jti` and `typ`, so the optional fields stay optional when reading.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user; kept because the mobile app and old tokens use it.
    pub uuid: Uuid,
    /// The user's phone (E.164) when the token was issued. Informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Same as `uuid`, as a string (JWT convention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The session (one login); absent in the old backend's tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Absent in the old backend's tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<TokenKind>,
    pub iat: i64,
    pub exp: i64,
}
