//! Fixed development secrets, so `cargo run` works with nothing set. Their names say they are
//! insecure, and production refuses every one of them wherever it appears.

use secrecy::{ExposeSecret, SecretString};

pub(crate) const DEV_ACCESS_SECRET: &str = "insecure-development-access-token-secret-do-not-deploy";
pub(crate) const DEV_REFRESH_SECRET: &str =
    "insecure-development-refresh-token-secret-do-not-deploy";
pub(crate) const DEV_OTP_PEPPER: &str = "insecure-development-otp-pepper-do-not-deploy";

/// Below this an HS256 key is guessable offline from one captured token.
pub(crate) const MIN_SECRET_BYTES: usize = 32;

/// Each secret setting with its development default.
pub(crate) const DEV_SECRETS: [(&str, &str); 3] = [
    ("auth.access_secret", DEV_ACCESS_SECRET),
    ("auth.refresh_secret", DEV_REFRESH_SECRET),
    ("otp.pepper", DEV_OTP_PEPPER),
];

pub(crate) fn is_dev_default(secret: &SecretString) -> bool {
    DEV_SECRETS
        .iter()
        .any(|(_, default)| *default == secret.expose_secret())
}

pub(crate) fn is_short(secret: &SecretString) -> bool {
    secret.expose_secret().len() < MIN_SECRET_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_defaults_are_long_enough_not_to_warn_and_all_distinct() {
        for (_, default) in DEV_SECRETS {
            assert!(!is_short(&SecretString::from(default)), "{default}");
            assert!(default.starts_with("insecure-"), "{default}");
        }
        assert_ne!(DEV_ACCESS_SECRET, DEV_REFRESH_SECRET);
    }

    #[test]
    fn any_dev_default_is_recognised() {
        assert!(is_dev_default(&SecretString::from(DEV_OTP_PEPPER)));
        assert!(!is_dev_default(&SecretString::from("something-else")));
    }
}
