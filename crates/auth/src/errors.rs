//! One error enum per use case. Codes in brackets are what the edge answers (CONTRACT §1.7).

use alpha_kernel::RepoError;

/// Signing or checking a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token expired")]
    Expired,
    #[error("token invalid")]
    Invalid,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
    #[error("signing failed")]
    Signing,
}

/// Checking an access token on a request.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// [`TOKEN_EXPIRED`] "Access token expired".
    #[error("access token expired")]
    Expired,
    /// [`TOKEN_INVALID`] "Invalid access token": bad signature, wrong type, malformed.
    #[error("access token invalid")]
    Invalid,
    /// [`TOKEN_INVALID`]: the token's session was logged out or revoked.
    #[error("session revoked")]
    SessionRevoked,
    /// [`USER_DELETED`].
    #[error("user deleted")]
    UserDeleted,
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// [`TOKEN_EXPIRED`] "Refresh token expired".
    #[error("refresh token expired")]
    Expired,
    /// [`TOKEN_INVALID`] "Invalid refresh token".
    #[error("refresh token invalid")]
    Invalid,
    /// [`TOKEN_INVALID`] "Session revoked or user not found".
    #[error("session revoked or not found")]
    SessionRevoked,
    /// [`TOKEN_REUSE`]: an older token of the session was presented; the session is now revoked.
    #[error("refresh token reuse")]
    Reuse,
    /// [`USER_DELETED`].
    #[error("user deleted")]
    UserDeleted,
    #[error("signing failed")]
    Signing,
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// [`USER_DELETED`] (raced with a deletion).
    #[error("user not found")]
    NotFound,
    /// [`EMAIL_TAKEN`] (409).
    #[error("email already used by another account")]
    EmailTaken,
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}
