//! How refresh tokens are stored: never in clear, only as a digest.

use sha2::{Digest, Sha256};

/// SHA-256 of `token`, lowercase hex: the `sessions.refresh_token_hash` format, and what the old
/// backend bcrypt-hashed into `users."refreshTokenHash"`. A fast hash is enough here because a
/// JWT carries far more entropy than a password.
pub fn refresh_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_lowercase_hex_sha256() {
        assert_eq!(
            refresh_token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
