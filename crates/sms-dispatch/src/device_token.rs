//! Per-device tokens of the SMS gateway (DESIGN §5, §6).
//!
//! A token is `<device id>.<secret>`: the id says which `sms_devices` row to check, the secret
//! (32 bytes from the OS CSPRNG, hex) is what proves possession. Only an argon2id PHC string of
//! the secret is stored, so a database leak does not let anyone impersonate a device. The
//! token is shown once, when `alpha-motors device add` creates it, and never logged.
//!
//! Pure computation (argon2 and the OS random source), so it sits in the dispatch domain: the
//! gateway checks tokens with it and the operator commands issue them, neither through the store.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::TryRngCore;
use rand::rngs::OsRng;

/// Random bytes in a secret: 256 bits, far beyond guessing even without the slow hash.
const SECRET_BYTES: usize = 32;

/// Why a token could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DeviceTokenError {
    /// The operating system's random source failed; no secret without it.
    #[error("the OS random number generator failed: {0}")]
    Random(#[source] rand::rand_core::OsError),
    /// argon2 refused to hash (e.g. it could not allocate its memory).
    #[error("hashing the device token failed: {0}")]
    Hash(#[source] argon2::password_hash::Error),
}

/// A freshly issued token and the hash to store for it.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// `<device id>.<secret>`: print it once for the operator, never log or store it.
    pub token: String,
    /// argon2id PHC string of the secret, for `sms_devices.token_hash`.
    pub token_hash: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a live credential: keep it out of logs and panic messages.
        f.debug_struct("IssuedToken")
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// A fresh id (v4 uuid) for a device that gets a per-device token; needed before the token,
/// which embeds it.
pub fn new_device_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Makes a token for `device_id` (which must not be empty) and the hash of its secret.
///
/// Errors: [`DeviceTokenError::Random`] when the OS random source fails,
/// [`DeviceTokenError::Hash`] when argon2 fails.
pub fn new_device_token(device_id: &str) -> Result<IssuedToken, DeviceTokenError> {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(DeviceTokenError::Random)?;
    let secret = hex::encode(bytes);
    let token_hash = hash_secret(&secret)?;
    Ok(IssuedToken {
        token: format!("{device_id}.{secret}"),
        token_hash,
    })
}

/// argon2id (default parameters of the argon2 crate: 19 MiB, 2 passes) with a random salt, as
/// a PHC string (`$argon2id$v=19$...`).
///
/// Errors: [`DeviceTokenError::Hash`] when argon2 fails (including a failing salt source).
pub fn hash_secret(secret: &str) -> Result<String, DeviceTokenError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(secret.as_bytes())
        .map_err(DeviceTokenError::Hash)?;
    Ok(hash.to_string())
}

/// Splits a presented token into device id and secret; `None` when it has no `.` or either
/// part is empty. Splits at the last `.`: a secret never contains one, a device id might.
pub fn split_token(token: &str) -> Option<(&str, &str)> {
    let (id, secret) = token.rsplit_once('.')?;
    if id.is_empty() || secret.is_empty() {
        return None;
    }
    Some((id, secret))
}

/// Whether `secret` matches the stored PHC string. The parameters come from `phc` itself, and
/// argon2 compares the outputs in constant time. A malformed `phc` never matches.
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(secret.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_new_token_verifies_against_its_hash() {
        let issued = new_device_token("3f1c2a9e-0000-4000-8000-000000000001").unwrap();
        let (id, secret) = split_token(&issued.token).unwrap();
        assert_eq!(id, "3f1c2a9e-0000-4000-8000-000000000001");
        assert_eq!(secret.len(), SECRET_BYTES * 2);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(issued.token_hash.starts_with("$argon2id$v=19$"));
        assert!(!issued.token_hash.contains(secret), "only the hash is kept");
        assert!(verify_secret(secret, &issued.token_hash));
    }

    #[test]
    fn a_wrong_secret_or_a_broken_hash_never_verifies() {
        let hash = hash_secret("right").unwrap();
        assert!(!verify_secret("wrong", &hash));
        assert!(!verify_secret("", &hash));
        assert!(!verify_secret("right", "not a phc string"));
        assert!(!verify_secret("right", ""));
        // A bcrypt hash is not an argon2 hash, whatever it was made from.
        assert!(!verify_secret(
            "right",
            "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
        ));
    }

    #[test]
    fn tokens_and_salts_differ_every_time() {
        let a = new_device_token("d").unwrap();
        let b = new_device_token("d").unwrap();
        assert_ne!(a.token, b.token);
        assert_ne!(hash_secret("same").unwrap(), hash_secret("same").unwrap());
    }

    #[test]
    fn split_needs_both_parts_and_splits_at_the_last_dot() {
        assert_eq!(split_token("dev.abc"), Some(("dev", "abc")));
        assert_eq!(split_token("my.dev.abc"), Some(("my.dev", "abc")));
        assert_eq!(split_token("nodot"), None);
        assert_eq!(split_token(".abc"), None);
        assert_eq!(split_token("dev."), None);
        assert_eq!(split_token(""), None);
    }

    #[test]
    fn debug_hides_the_token() {
        let issued = new_device_token("dev").unwrap();
        let shown = format!("{issued:?}");
        let (_, secret) = split_token(&issued.token).unwrap();
        assert!(!shown.contains(secret));
    }
}
